/*
 * fs-pdf.c - the PDF typesetter (fs-pdf.h).
 *
 * Two passes.  The layout pass turns the document into a display list per
 * page: text spans (a run of code points of one face, size and weight at
 * one baseline) and ruling segments (table borders, underlines).  While
 * doing so it records every code point it will draw with
 * fs_pdf_fonts_use.  Then the used faces are subset and embedded
 * (fs_pdf_fonts_embed) and the draw pass writes the display list with
 * libharu.  Nothing is measured by libharu: widths come from
 * fs_fontset_advance, which truncates as libharu does, so positions and
 * drawn glyphs agree.
 *
 * Coordinates in the layout pass are points from the page's top left
 * corner (y grows downwards); the draw pass flips y.  Lengths of the model
 * are millimetres and are converted once, when read.
 *
 * Paragraphs are broken by fs_break_lines.  Its measure callback receives
 * only a code point, yet a paragraph's runs may differ in font and size, so
 * each line is broken on its own over a window of the text that reaches a
 * little past the line's end (see break_para): inside the first line the
 * breaker measures the characters strictly in order, which lets the
 * callback walk the paragraph's pre-measured glyphs with a cursor.
 *
 * Tables: row heights come from the content (row-spanning cells give their
 * extra height to their last row); a row that does not fit moves to the
 * next page, unless it is tall (more than a quarter of the text block) and
 * may split (no FS_ROW_CANT_SPLIT), or taller than a page: then it splits
 * between lines of its cells, starting on the current page;
 * header rows repeat; a row-spanning cell marked repeat_label that crosses
 * a page break shows its content again in each part, centred as its
 * valign says, and each part is made tall enough for it.  Every part of a
 * cell on a page is drawn as a closed rectangle, so merged cells have no
 * inner lines and a table cut by a page break is closed at the page's end
 * and opens again below the repeated header.
 *
 * libharu reports errors through a handler that records the first one and
 * returns (no longjmp); every stage checks the record.
 */
#define _GNU_SOURCE
#include "fs-pdf.h"
#include "fs-pdf-draw.h"
#include "fs-pdfa.h"
#include "fs-text.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <hpdf.h>
#include <hpdf_doc.h>
#include <hpdf_objects.h>

#if HPDF_VERSION_ID >= 20400
#error "fs-pdf.c writes the Info dictionary through libharu 2.3.0 internals; re-check for 2.4"
#endif

#define MM (72.0 / 25.4)        /* points per millimetre                   */
#define EPS 0.01                /* points: slack when comparing positions  */
#define ASCENT 0.88             /* ideographic em box above the baseline   */
#define UL_DROP 0.13            /* underline below the baseline, em        */
#define UL_WIDTH 0.05           /* underline thickness, em                 */
#define BOLD_STROKE (1.0 / 30)  /* outline added to fake bold, em          */
#define DASH_RISE 0.45          /* middle of a CJK one-em dash above the
                                   baseline, em (AR PL SungtiL GB)         */
#define WINDOW_EXTRA 12         /* characters looked at past a line's end  */
#define DEFAULT_SIZE FS_PT_XIAO4
#define MAX_SIZE 300.0          /* points; libharu refuses beyond 600      */

/* ------------------------------------------------------------------------
 * Types.
 * ---------------------------------------------------------------------- */

/* One character of a paragraph, measured. */
typedef struct glyph {
    uint32_t cp;                /* as the breaker sees it                  */
    uint32_t draw;              /* as drawn: FS_TOFU for a missing one     */
    int face;                   /* -1: nothing is drawn                    */
    unsigned run;               /* index of its run                        */
    double w;                   /* advance, points                         */
} glyph;

/* A line of a paragraph: glyphs [g0, g1), WIDTH points wide. */
typedef struct pline {
    size_t g0, g1;
    double width;
} pline;

/* A paragraph broken into lines for a width of AVAIL points. */
typedef struct play {
    const fs_para *p;
    glyph *g;
    size_t ng;
    pline *l;
    size_t nl, capl;
    double avail, indent;       /* points; INDENT on the first line only   */
    double size, pitch, base;   /* largest size, line pitch, baseline drop */
    double before, after;       /* points                                  */
} play;

/* A line of a cell's content, TOP points below the content's top. */
typedef struct item {
    const play *pl;
    size_t li;
    double top;
} item;

/* Text drawn with one font, size, weight and character spacing from a
 * baseline origin (X, Y); code points [C0, C0 + N) of the context's pool. */
typedef struct dspan {
    double x, y, size, cs;
    int face, bold;
    size_t c0, n;
} dspan;

/* A straight rule from A to B along a line at AT (y for a horizontal rule,
 * x for a vertical one), W points thick. */
typedef struct seg {
    int vertical;
    double at, a, b, w;
} seg;

typedef struct dpage {
    dspan *sp;
    size_t nsp, capsp;
    seg *sg;
    size_t nsg, capsg;
    fs_pdf_drawing *draw;       /* a FS_BLOCK_DRAWING's page, else NULL    */
} dpage;

/* A missing character already reported for a line. */
typedef struct warned {
    uint32_t cp;
    long line;
} warned;

/* The layout context of one rendering. */
typedef struct rctx {
    const fs_doc *doc;
    const fs_fontset *fs;
    fs_diags *diags;
    fs_pdf_fonts *pf;
    double pw, ph;              /* page size                               */
    double left, right;         /* text block edges, x                     */
    double top, bottom;         /* text block edges, y from the top        */
    dpage *pages;
    size_t npages, cappages;
    double y;                   /* cursor on the last page                 */
    uint32_t *cps;              /* code points of every span               */
    size_t ncps, capcps;
    warned *warn;
    size_t nwarn, capwarn;
} rctx;

/* Where a table row went: a part of it on a page. */
typedef struct place {
    size_t page;
    double top, h;
} place;

typedef struct trow {
    double h;                   /* natural height                          */
    place *pl;
    size_t npl, cappl;
} trow;

typedef struct tcell {
    const fs_cell *c;
    size_t row, rs;             /* first row, rows spanned (clamped)       */
    double x, w;                /* from the table's left edge, points      */
    play *paras;
    size_t npar;
    item *items;
    size_t nitems;
    double content, need;       /* content height; with padding            */
} tcell;

typedef struct tlay {
    const fs_table *t;
    double x0, pad_x, pad_y, border;
    trow *rows;
    size_t nrows, nhead;
    double head_h;
    int rep_head;               /* repeat the header rows on new pages     */
    tcell *cells;
    size_t ncells;
} tlay;

/* A row-spanning cell with repeat_label while its rows are being placed:
 * its part on the current page began at PART_TOP. */
typedef struct group {
    size_t cell, end;
    double need, part_top;
} group;

/* Pagination state of one table. */
typedef struct tpag {
    rctx *rc;
    tlay *tl;
    group *g;
    size_t ng, capg;
    double body_top;            /* where body rows start on this page      */
    size_t last_row;            /* the row placed last                     */
    int placed;                 /* a body row has been placed              */
} tpag;

/* A part of a cell on one page. */
typedef struct frag {
    size_t page;
    double top, bot;
} frag;

/* libharu's first error. */
typedef struct herr {
    HPDF_STATUS code, detail;
} herr;

/* ------------------------------------------------------------------------
 * Small helpers.
 * ---------------------------------------------------------------------- */

/* Makes room in the array V (SIZE-byte elements, *CAP of them) for element
 * N and returns the possibly moved array.  Aborts when out of memory. */
static void *grow(void *v, size_t *cap, size_t n, size_t size)
{
    if (n < *cap)
        return v;
    *cap = *cap ? *cap * 2 : 16;
    if (*cap <= n)
        *cap = n + 1;
    return fs_xrealloc(v, *cap * size);
}

/* The larger of A and B. */
static double dmax(double a, double b)
{
    return a > b ? a : b;
}

/* The smaller of A and B. */
static double dmin(double a, double b)
{
    return a < b ? a : b;
}

/* Writes V (millimetres) with one decimal and a '.' whatever the locale
 * into BUF (32 bytes) and returns it. */
static char *mm_text(char *buf, double v)
{
    if (!isfinite(v) || fabs(v) > 1e9)
        v = 0;
    return fs_tenths_format((fs_tenths)lround(v * 10), buf, 32);
}

/* Is CP a character that may be left out without a word when no font has
 * it (format controls, variation selectors, soft hyphen)? */
static int ignorable(uint32_t cp)
{
    return cp == 0xAD || cp == 0x034F || cp == 0x061C ||
           (cp >= 0x115F && cp <= 0x1160) || (cp >= 0x17B4 && cp <= 0x17B5) ||
           (cp >= 0x180B && cp <= 0x180F) || (cp >= 0x200B && cp <= 0x200F) ||
           (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2060 && cp <= 0x206F) ||
           cp == 0x3164 || (cp >= 0xFE00 && cp <= 0xFE0F) || cp == 0xFEFF ||
           cp == 0xFFA0 || (cp >= 0xFFF0 && cp <= 0xFFF8) ||
           (cp >= 0x1BCA0 && cp <= 0x1BCA3) || (cp >= 0x1D173 && cp <= 0x1D17A) ||
           (cp >= 0xE0000 && cp <= 0xE0FFF);
}

/* Is CP white space to the line breaker (fs-text.c)? */
static int breaker_space(uint32_t cp)
{
    return cp == ' ' || (cp >= '\t' && cp <= '\r') || cp == 0x1680 ||
           (cp >= 0x2000 && cp <= 0x200B && cp != 0x2007) || cp == 0x205F;
}

/* Control characters (C0, DEL, C1) are typeset as spaces. */
static uint32_t normalise(uint32_t cp)
{
    return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) ? ' ' : cp;
}

/* ------------------------------------------------------------------------
 * Pages and the display list.
 * ---------------------------------------------------------------------- */

/* Starts a new page and puts the cursor at the top of its text block;
 * returns its index. */
static size_t new_page(rctx *rc)
{
    rc->pages = grow(rc->pages, &rc->cappages, rc->npages, sizeof *rc->pages);
    memset(&rc->pages[rc->npages], 0, sizeof *rc->pages);
    rc->y = rc->top;
    return rc->npages++;
}

/* Is the cursor at the top of the text block? */
static int at_top(const rctx *rc)
{
    return rc->y <= rc->top + EPS;
}

/* The index of the page being filled. */
static size_t cur_page(const rctx *rc)
{
    return rc->npages - 1;
}

/* V rounded to a thousandth of a point, so that edges computed along
 * different paths (a cell's right edge, its neighbour's left) compare
 * equal. */
static double quantise(double v)
{
    return round(v * 1000) / 1000;
}

/* Adds a rule to page PG. */
static void add_seg(rctx *rc, size_t pg, int vertical, double at, double a,
                    double b, double w)
{
    dpage *p = &rc->pages[pg];

    a = quantise(a);
    b = quantise(b);
    if (w <= 0 || b - a <= 0)
        return;
    p->sg = grow(p->sg, &p->capsg, p->nsg, sizeof *p->sg);
    p->sg[p->nsg++] = (seg){ vertical, quantise(at), a, b, w };
}

/* Adds the four sides of the rectangle X0..X1 x Y0..Y1 to page PG. */
static void add_rect(rctx *rc, size_t pg, double x0, double y0, double x1,
                     double y1, double w)
{
    add_seg(rc, pg, 0, y0, x0, x1, w);
    add_seg(rc, pg, 0, y1, x0, x1, w);
    add_seg(rc, pg, 1, x0, y0, y1, w);
    add_seg(rc, pg, 1, x1, y0, y1, w);
}

/* Adds a span of the N glyphs G (all of one face, size and weight) at
 * (X, Y) with character spacing CS to page PG, and records the code points
 * for embedding. */
static void add_span(rctx *rc, size_t pg, const glyph *g, size_t n, double x,
                     double y, double size, int bold, double cs)
{
    dpage *p = &rc->pages[pg];

    if (n == 0 || g[0].face < 0)
        return;
    p->sp = grow(p->sp, &p->capsp, p->nsp, sizeof *p->sp);
    p->sp[p->nsp++] = (dspan){ x, y, size, cs, g[0].face, bold, rc->ncps, n };
    for (size_t i = 0; i < n; i++) {
        rc->cps = grow(rc->cps, &rc->capcps, rc->ncps, sizeof *rc->cps);
        rc->cps[rc->ncps++] = g[i].draw;
        fs_pdf_fonts_use(rc->pf, g[i].face, g[i].draw);
    }
}

/* ------------------------------------------------------------------------
 * Paragraphs.
 * ---------------------------------------------------------------------- */

/* Reports once per line that no font has CP. */
static void warn_missing(rctx *rc, uint32_t cp, long line)
{
    char u[5] = {0};

    for (size_t i = 0; i < rc->nwarn; i++)
        if (rc->warn[i].cp == cp && rc->warn[i].line == line)
            return;
    rc->warn = grow(rc->warn, &rc->capwarn, rc->nwarn, sizeof *rc->warn);
    rc->warn[rc->nwarn++] = (warned){ cp, line };
    fs_utf8_encode(cp, u);
    fs_diags_add(rc->diags, rc->doc->source_file, line > 0 ? line : 0,
                 FS_WARNING, "字体中没有字符“%s”（U+%04X），以〓代替",
                 u, (unsigned)cp);
}

/* Measures CP of run RUN (ROLE, SIZE points, dossier LINE) into *G: the
 * face that draws it, or 〓 with a warning when none has it; ignorable
 * format characters no font has take no room. */
static void shape(rctx *rc, const fs_run *run, unsigned ri, double size,
                  uint32_t cp, glyph *g)
{
    int face = fs_fontset_pick(rc->fs, run->role, cp);

    g->cp = cp;
    g->draw = cp;
    g->run = ri;
    g->face = face;
    if (face < 0 && ignorable(cp)) {
        g->w = 0;
        return;
    }
    if (face < 0) {
        warn_missing(rc, cp, run->line);
        g->draw = FS_TOFU;
        g->face = face = fs_fontset_pick(rc->fs, run->role, FS_TOFU);
        if (face < 0) {
            g->w = size;
            return;
        }
    }
    g->w = fs_fontset_advance(rc->fs, face, g->draw) * size / 1000.0;
}

/* The size of run R in points: its own within 1..MAX_SIZE, or
 * DEFAULT_SIZE when it has none. */
static double run_size(const fs_run *r)
{
    if (!(r->size > 0) || !isfinite(r->size))
        return DEFAULT_SIZE;
    return r->size < 1 ? 1 : r->size > MAX_SIZE ? MAX_SIZE : r->size;
}

/* Cursor over a paragraph's glyphs for the breaker's measure callback. */
typedef struct cursor {
    const glyph *g;
    size_t i, n;
} cursor;

/* fs_measure_fn: the width of the next glyph.  The breaker measures the
 * characters of a paragraph's first line in order, so the cursor tracks
 * it; past the end (later lines of a window, which are not used) it
 * answers 0. */
static double measure_next(void *ctx, uint32_t cp)
{
    cursor *c = ctx;

    (void)cp;
    if (c->i >= c->n)
        return 0;
    return c->g[c->i++].w;
}

/* Appends a line to PL. */
static void push_line(play *pl, size_t g0, size_t g1, double width)
{
    pl->l = grow(pl->l, &pl->capl, pl->nl, sizeof *pl->l);
    pl->l[pl->nl++] = (pline){ g0, g1, width };
}

/* Index of the glyph that starts at byte B of the paragraph text (OFF
 * holds the byte offset of each of the NG glyphs, OFF[NG] the length). */
static size_t glyph_at(const size_t *off, size_t ng, size_t b)
{
    size_t lo = 0, hi = ng;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (off[mid] < b)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Breaks the glyphs of PL into lines, one line at a time: the window
 * handed to fs_break_lines runs from the line's start past the point
 * where the line overflows plus WINDOW_EXTRA more characters (and the
 * spaces among them), which covers every gap the breaker may choose and
 * the characters it may hang.  TEXT (mutable, NUL-terminated) is the
 * paragraph and OFF the byte offset of each glyph. */
static void break_para(play *pl, char *text, const size_t *off)
{
    fs_lines lines = {0};
    size_t s = 0;
    int first = 1;

    if (pl->ng == 0) {
        push_line(pl, 0, 0, 0);
        return;
    }
    while (s < pl->ng) {
        double avail = pl->avail - (first ? pl->indent : 0), w = 0;
        size_t e = s, extra = 0;
        cursor cur = { pl->g + s, 0, 0 };
        char saved;

        while (e < pl->ng && w <= avail + 1e-6)
            w += pl->g[e++].w;
        while (e < pl->ng && extra < WINDOW_EXTRA)
            extra += !breaker_space(pl->g[e++].cp);
        cur.n = e - s;
        saved = text[off[e]];
        text[off[e]] = '\0';
        lines.n = 0;
        fs_break_lines(text + off[s], pl->avail, first ? pl->indent : 0,
                       measure_next, &cur, &lines);
        text[off[e]] = saved;

        size_t g1 = glyph_at(off, pl->ng, off[s] + lines.v[0].end);
        size_t next;

        if (lines.n >= 2)
            next = glyph_at(off, pl->ng, off[s] + lines.v[1].start);
        else if (e == pl->ng)
            next = pl->ng;
        else {                          /* cannot happen; make progress */
            next = g1 > s ? g1 : s + 1;
            while (next < pl->ng && breaker_space(pl->g[next].cp))
                next++;
        }
        if (g1 <= s && next <= s)
            g1 = next = s + 1;
        push_line(pl, s, g1, lines.v[0].width);
        s = next;
        first = 0;
    }
    fs_lines_free(&lines);
}

/* Lays out paragraph P for lines AVAIL points wide into *PL (freed with
 * play_free): measures every character, breaks the lines and works out
 * the line pitch (line_spacing times the largest size) and where the
 * baseline sits in a line (the em box centred in the pitch). */
static void play_build(rctx *rc, const fs_para *p, double avail, play *pl)
{
    fs_buf text = {0};
    size_t *off = NULL, capoff = 0, capg = 0;
    double spacing = p->line_spacing > 0 && isfinite(p->line_spacing)
        ? dmin(dmax(p->line_spacing, 0.1), 10) : 1.0;

    memset(pl, 0, sizeof *pl);
    pl->p = p;
    pl->avail = avail > 1 ? avail : 1;
    pl->size = 0;
    fs_buf_adds(&text, "");
    for (size_t r = 0; r < p->nruns; r++) {
        const fs_run *run = &p->runs[r];
        const char *s = run->text ? run->text : "";
        double size = run_size(run);

        pl->size = dmax(pl->size, size);
        while (*s) {
            uint32_t cp = normalise(fs_utf8_next(&s));
            char u[4];

            pl->g = grow(pl->g, &capg, pl->ng, sizeof *pl->g);
            off = grow(off, &capoff, pl->ng, sizeof *off);
            off[pl->ng] = text.len;
            shape(rc, run, (unsigned)r, size, cp, &pl->g[pl->ng]);
            fs_buf_add(&text, u, fs_utf8_encode(cp, u));
            pl->ng++;
        }
    }
    off = grow(off, &capoff, pl->ng, sizeof *off);
    off[pl->ng] = text.len;
    if (pl->size <= 0)
        pl->size = DEFAULT_SIZE;
    pl->indent = p->nruns && p->indent_chars > 0 && isfinite(p->indent_chars)
        ? p->indent_chars * run_size(&p->runs[0]) : 0;
    pl->pitch = spacing * pl->size;
    pl->base = (pl->pitch - pl->size) / 2 + ASCENT * pl->size;
    pl->before = p->space_before > 0 ? p->space_before * MM : 0;
    pl->after = p->space_after > 0 ? p->space_after * MM : 0;
    break_para(pl, text.s, off);
    fs_buf_free(&text);
    free(off);
}

/* Frees what play_build allocated in PL (not PL itself). */
static void play_free(play *pl)
{
    free(pl->g);
    free(pl->l);
}

/* Height of PL with the space around it. */
static double play_height(const play *pl)
{
    return pl->before + (double)pl->nl * pl->pitch + pl->after;
}

/* Draws line LI of PL on page PG in the box that starts at X0 (AVAIL =
 * PL->avail points wide) with its top at YTOP: aligned as the paragraph
 * says, justified lines (all but the last) with the extra space spread
 * between their characters.  Consecutive glyphs of one face, size and
 * weight become one span; underlined runs get a rule. */
static void emit_line(rctx *rc, size_t pg, const play *pl, size_t li,
                      double x0, double ytop)
{
    const pline *ln = &pl->l[li];
    double indent = li == 0 ? pl->indent : 0;
    double room = pl->avail - indent, x = x0 + indent, cs = 0;
    double base = ytop + pl->base;
    size_t n = ln->g1 - ln->g0;

    switch (pl->p->align) {
    case FS_ALIGN_CENTER:
        x += (room - ln->width) / 2;
        break;
    case FS_ALIGN_RIGHT:
        x += room - ln->width;
        break;
    case FS_ALIGN_JUSTIFY:
        if (li + 1 < pl->nl && n > 1 && room > ln->width)
            cs = dmin((room - ln->width) / (double)(n - 1), pl->size);
        break;
    case FS_ALIGN_LEFT:
        break;
    }

    for (size_t i = ln->g0; i < ln->g1;) {
        const glyph *g = &pl->g[i];
        const fs_run *run = &pl->p->runs[g->run];
        double size = run_size(run), sx = x;
        int bold = (run->flags & FS_RUN_BOLD) != 0;
        size_t j = i;

        /* A span: same face and run (so same size and flags). */
        while (j < ln->g1 && pl->g[j].face == g->face && pl->g[j].run == g->run) {
            x += pl->g[j].w + cs;
            j++;
        }
        add_span(rc, pg, g, j - i, sx, base, size, bold, cs);
        if (run->flags & FS_RUN_UNDERLINE) {
            double ex = j == ln->g1 ? x - cs : x;

            add_seg(rc, pg, 0, base + UL_DROP * size, sx, ex, UL_WIDTH * size);
        }
        i = j;
    }
}

/* Flows paragraph PL down the body of the document, starting new pages as
 * needed; the space before is dropped at the top of a page.  A paragraph
 * that breaks leaves at least two lines at the foot of a page (else it
 * starts on the next) and carries at least two onto the next page when it
 * can spare them. */
static void place_para(rctx *rc, const play *pl)
{
    size_t i = 0;

    if (!at_top(rc))
        rc->y += pl->before;
    while (i < pl->nl) {
        double room = rc->bottom + EPS - rc->y;
        size_t fit = room > 0 ? (size_t)(room / pl->pitch) : 0, rest = pl->nl - i;

        if (fit == 0 && !at_top(rc)) {
            new_page(rc);
            continue;
        }
        if (fit == 0)
            fit = 1;
        if (fit < rest) {
            if (i == 0 && fit == 1 && !at_top(rc)) {
                new_page(rc);
                continue;
            }
            if (rest - fit == 1 && fit >= 3)
                fit--;
        } else {
            fit = rest;
        }
        for (size_t k = 0; k < fit; k++, i++) {
            emit_line(rc, cur_page(rc), pl, i, rc->left, rc->y);
            rc->y += pl->pitch;
        }
        if (i < pl->nl)
            new_page(rc);
    }
    rc->y += pl->after;
}

/* ------------------------------------------------------------------------
 * Tables: layout.
 * ---------------------------------------------------------------------- */

/* The height of line I of cell C. */
static double item_pitch(const tcell *c, size_t i)
{
    return c->items[i].pl->pitch;
}

/* Lays out the paragraphs of cell C for its width and lists its lines. */
static void cell_build(rctx *rc, const tlay *tl, tcell *c)
{
    double avail = c->w - 2 * tl->pad_x, y = 0;
    size_t cap = 0;

    c->npar = c->c->nparas;
    c->paras = fs_xcalloc(c->npar ? c->npar : 1, sizeof *c->paras);
    for (size_t i = 0; i < c->npar; i++) {
        play *pl = &c->paras[i];

        play_build(rc, &c->c->paras[i], avail, pl);
        y += pl->before;
        for (size_t k = 0; k < pl->nl; k++) {
            c->items = grow(c->items, &cap, c->nitems, sizeof *c->items);
            c->items[c->nitems++] = (item){ pl, k, y };
            y += pl->pitch;
        }
        y += pl->after;
    }
    c->content = y;
    c->need = y + 2 * tl->pad_y;
}

/* Orders row-spanning cells (indexes into the context's cells) by their
 * last row, then by position. */
static int span_cmp(const void *a, const void *b, void *ctx)
{
    const tcell *cells = ctx;
    const tcell *x = &cells[*(const size_t *)a], *y = &cells[*(const size_t *)b];
    size_t ex = x->row + x->rs, ey = y->row + y->rs;

    if (ex != ey)
        return ex < ey ? -1 : 1;
    return (*(const size_t *)a > *(const size_t *)b) -
           (*(const size_t *)a < *(const size_t *)b);
}

/* Lays out table T (left edge at X0) into *TL (freed with tlay_free):
 * cells with their content, and the natural height of each row: the
 * largest of its min_height and its one-row cells; a row-spanning cell
 * that needs more than its rows give adds the rest to its last row. */
static void tlay_build(rctx *rc, const fs_table *t, double x0, tlay *tl)
{
    double *colx = fs_xcalloc(t->ncols + 1, sizeof *colx);
    size_t cap = 0, *spans = NULL, nspans = 0;

    memset(tl, 0, sizeof *tl);
    tl->t = t;
    tl->x0 = x0;
    tl->pad_x = t->pad_x > 0 ? t->pad_x * MM : 0;
    tl->pad_y = t->pad_y > 0 ? t->pad_y * MM : 0;
    tl->border = t->border > 0 ? t->border : 0;
    tl->nrows = t->nrows;
    tl->rows = fs_xcalloc(t->nrows ? t->nrows : 1, sizeof *tl->rows);
    while (tl->nhead < t->nrows && (t->rows[tl->nhead].flags & FS_ROW_HEADER))
        tl->nhead++;
    for (size_t k = 0; k < t->ncols; k++)
        colx[k + 1] = colx[k] + (t->widths[k] > 0 ? t->widths[k] * MM : 0);

    for (size_t r = 0; r < t->nrows; r++) {
        const fs_row *row = &t->rows[r];
        size_t limit = r < tl->nhead ? tl->nhead : t->nrows;

        for (size_t i = 0; i < row->ncells; i++) {
            const fs_cell *fc = &row->cells[i];
            size_t col, cs, rs;
            tcell *c;

            if (fc->col < 0 || (size_t)fc->col >= t->ncols)
                continue;
            col = (size_t)fc->col;
            cs = fc->colspan < 1 ? 1 : (size_t)fc->colspan;
            if (cs > t->ncols - col)
                cs = t->ncols - col;
            rs = fc->rowspan < 1 ? 1 : (size_t)fc->rowspan;
            if (rs > limit - r)
                rs = limit - r;
            tl->cells = grow(tl->cells, &cap, tl->ncells, sizeof *tl->cells);
            c = &tl->cells[tl->ncells++];
            memset(c, 0, sizeof *c);
            c->c = fc;
            c->row = r;
            c->rs = rs;
            c->x = colx[col];
            c->w = colx[col + cs] - colx[col];
            cell_build(rc, tl, c);
        }
        tl->rows[r].h = row->min_height > 0 ? row->min_height * MM : 0;
    }
    spans = fs_xcalloc(tl->ncells ? tl->ncells : 1, sizeof *spans);
    for (size_t i = 0; i < tl->ncells; i++) {
        const tcell *c = &tl->cells[i];

        if (c->rs == 1)
            tl->rows[c->row].h = dmax(tl->rows[c->row].h, c->need);
        else
            spans[nspans++] = i;
    }
    qsort_r(spans, nspans, sizeof *spans, span_cmp, tl->cells);
    for (size_t i = 0; i < nspans; i++) {
        const tcell *c = &tl->cells[spans[i]];
        double have = 0;

        for (size_t r = c->row; r < c->row + c->rs; r++)
            have += tl->rows[r].h;
        if (c->need > have)
            tl->rows[c->row + c->rs - 1].h += c->need - have;
    }
    for (size_t r = 0; r < tl->nhead; r++)
        tl->head_h += tl->rows[r].h;
    free(spans);
    free(colx);
}

/* Frees what tlay_build and the pagination allocated in TL. */
static void tlay_free(tlay *tl)
{
    for (size_t i = 0; i < tl->ncells; i++) {
        for (size_t k = 0; k < tl->cells[i].npar; k++)
            play_free(&tl->cells[i].paras[k]);
        free(tl->cells[i].paras);
        free(tl->cells[i].items);
    }
    for (size_t r = 0; r < tl->nrows; r++)
        free(tl->rows[r].pl);
    free(tl->rows);
    free(tl->cells);
}

/* ------------------------------------------------------------------------
 * Tables: pagination.
 * ---------------------------------------------------------------------- */

/* Puts a part of row R, H points tall, at the cursor. */
static void row_place(tpag *tp, size_t r, double h)
{
    trow *row = &tp->tl->rows[r];

    row->pl = grow(row->pl, &row->cappl, row->npl, sizeof *row->pl);
    row->pl[row->npl++] = (place){ cur_page(tp->rc), tp->rc->y, h };
    tp->rc->y += h;
    if (r >= tp->tl->nhead) {
        tp->last_row = r;
        tp->placed = 1;
    }
}

/* Makes the last row placed EXT points taller (as far as the page allows). */
static void stretch_last(tpag *tp, double ext)
{
    rctx *rc = tp->rc;
    trow *row;

    ext = dmin(ext, rc->bottom - rc->y);
    if (ext <= EPS || !tp->placed)
        return;
    row = &tp->tl->rows[tp->last_row];
    if (!row->npl || row->pl[row->npl - 1].page != cur_page(rc))
        return;
    row->pl[row->npl - 1].h += ext;
    rc->y += ext;
}

/* The height still missing from the labelled groups' parts on this page
 * for their labels (groups that have no part here yet are skipped). */
static double groups_short(const tpag *tp, size_t only_end, int any_end)
{
    double ext = 0;

    for (size_t i = 0; i < tp->ng; i++) {
        const group *g = &tp->g[i];
        double part = tp->rc->y - g->part_top;

        if (!any_end && g->end != only_end)
            continue;
        if (part > EPS && part < g->need)
            ext = dmax(ext, g->need - part);
    }
    return ext;
}

/* Places the header rows at the cursor. */
static void place_headers(tpag *tp)
{
    for (size_t r = 0; r < tp->tl->nhead; r++)
        row_place(tp, r, tp->tl->rows[r].h);
}

/* Ends the table's part on this page and starts the next page: parts of
 * labelled groups are first made tall enough for their labels, then the
 * header rows are repeated and the groups' parts start anew. */
static void table_break(tpag *tp)
{
    rctx *rc = tp->rc;

    stretch_last(tp, groups_short(tp, 0, 1));
    new_page(rc);
    if (tp->tl->rep_head)
        place_headers(tp);
    tp->body_top = rc->y;
    for (size_t i = 0; i < tp->ng; i++)
        tp->g[i].part_top = rc->y;
}

/* Opens the labelled groups of the cells that start in row R. */
static void groups_open(tpag *tp, size_t r)
{
    for (size_t i = 0; i < tp->tl->ncells; i++) {
        const tcell *c = &tp->tl->cells[i];

        if (c->row != r || c->rs < 2 || !c->c->repeat_label)
            continue;
        tp->g = grow(tp->g, &tp->capg, tp->ng, sizeof *tp->g);
        tp->g[tp->ng++] = (group){ i, c->row + c->rs - 1, c->need, tp->rc->y };
    }
}

/* Closes the groups whose last row is R, making their last part tall
 * enough for the label. */
static void groups_close(tpag *tp, size_t r)
{
    size_t k = 0;

    stretch_last(tp, groups_short(tp, r, 0));
    for (size_t i = 0; i < tp->ng; i++)
        if (tp->g[i].end != r)
            tp->g[k++] = tp->g[i];
    tp->ng = k;
}

/* The largest need of the labelled groups that start in row R, and the
 * height of the rows they span (*SPAN). */
static double groups_need(const tlay *tl, size_t r, double *span)
{
    double need = 0;

    *span = 0;
    for (size_t i = 0; i < tl->ncells; i++) {
        const tcell *c = &tl->cells[i];
        double h = 0;

        if (c->row != r || c->rs < 2 || !c->c->repeat_label)
            continue;
        for (size_t k = r; k < r + c->rs; k++)
            h += tl->rows[k].h;
        need = dmax(need, c->need);
        *span = dmax(*span, h);
    }
    return need;
}

/* The height of lines [K, J) of cell C (J > K), from the top of line K. */
static double lines_height(const tcell *c, size_t k, size_t j)
{
    return c->items[j - 1].top - c->items[k].top + item_pitch(c, j - 1);
}

/* How many lines of cell C from line K fit in AREA points; the height
 * they take in *USED. */
static size_t fit_lines(const tcell *c, size_t k, double area, double *used)
{
    size_t j = k;
    double shift = k < c->nitems ? c->items[k].top : 0;

    while (j < c->nitems && c->items[j].top - shift + item_pitch(c, j) <= area + EPS)
        j++;
    if (j == c->nitems && j > k)
        *used = dmax(c->content - shift, c->items[j - 1].top - shift + item_pitch(c, j - 1));
    else if (j > k)
        *used = c->items[j - 1].top - shift + item_pitch(c, j - 1);
    else
        *used = 0;
    return j;
}

/* Places row R in parts, from the cursor: each part takes the lines of
 * its cells that fit on the page (at least three lines of some cell unless
 * it has fewer left, else the part moves to the next page; a cell's last
 * line never goes alone onto a page), and is as tall as the tallest
 * cell's share, or its repeated labels.  The row's own min_height is
 * honoured by its last part. */
static void split_row(tpag *tp, size_t r)
{
    tlay *tl = tp->tl;
    rctx *rc = tp->rc;
    size_t *next = fs_xcalloc(tl->ncells ? tl->ncells : 1, sizeof *next);
    size_t *cand = fs_xcalloc(tl->ncells ? tl->ncells : 1, sizeof *cand);
    double lneed = 0, used = 0;

    for (size_t i = 0; i < tl->ncells; i++)
        if (tl->cells[i].row == r && tl->cells[i].rs == 1 &&
            tl->cells[i].c->repeat_label)
            lneed = dmax(lneed, tl->cells[i].need);

    for (;;) {
        double avail = rc->bottom - rc->y, area = avail - 2 * tl->pad_y;
        double cons = 0, h;
        int ok = 0, left = 0, done = 1;

        for (size_t i = 0; i < tl->ncells; i++) {
            const tcell *c = &tl->cells[i];
            double u;

            cand[i] = next[i];
            if (c->row != r || c->rs != 1 || c->c->repeat_label ||
                next[i] >= c->nitems)
                continue;
            left = 1;
            cand[i] = fit_lines(c, next[i], area, &u);
            if (c->nitems - cand[i] == 1 && cand[i] - next[i] >= 4)
                u = lines_height(c, next[i], --cand[i]);   /* no widow */
            cons = dmax(cons, u);
            if (cand[i] - next[i] >= 3 || cand[i] == c->nitems)
                ok = 1;
            if (cand[i] < c->nitems)
                done = 0;
        }
        if ((left && !ok) || lneed > avail + EPS) {
            if (rc->y > tp->body_top + EPS) {
                table_break(tp);
                continue;
            }
            /* Nothing fits even on a fresh page: force a line per cell. */
            done = 1;
            for (size_t i = 0; i < tl->ncells; i++) {
                const tcell *c = &tl->cells[i];

                if (c->row != r || c->rs != 1 || c->c->repeat_label ||
                    next[i] >= c->nitems)
                    continue;
                if (cand[i] == next[i]) {
                    cand[i] = next[i] + 1;
                    cons = dmax(cons, item_pitch(c, next[i]));
                }
                if (cand[i] < c->nitems)
                    done = 0;
            }
        }
        h = dmax(cons + 2 * tl->pad_y, lneed);
        if (done)
            h = dmax(h, dmin(tl->rows[r].h - used, avail));
        row_place(tp, r, h);
        used += h;
        memcpy(next, cand, tl->ncells * sizeof *next);
        if (done)
            break;
        table_break(tp);
    }
    free(next);
    free(cand);
}

/* Does row R of TL move to the next page whole when it does not fit here
 * (FS_ROW_CANT_SPLIT, or at most a quarter of the text block tall)? */
static int row_keeps(const rctx *rc, const tlay *tl, size_t r)
{
    return (tl->t->rows[r].flags & FS_ROW_CANT_SPLIT) ||
           tl->rows[r].h <= (rc->bottom - rc->top) / 4;
}

/* The least room row R needs at the foot of a page to start there: the
 * whole row when it keeps together, else its repeated labels and the
 * first three lines of each of its cells.  At most a page. */
static double row_min_start(const rctx *rc, const tlay *tl, size_t r)
{
    double full = rc->bottom - rc->top, need = 0;

    if (row_keeps(rc, tl, r))
        return dmin(tl->rows[r].h, full);
    for (size_t i = 0; i < tl->ncells; i++) {
        const tcell *c = &tl->cells[i];

        if (c->row != r || c->rs != 1)
            continue;
        if (c->c->repeat_label)
            need = dmax(need, c->need);
        else if (c->nitems)
            need = dmax(need, c->items[0].top + 2 * tl->pad_y +
                        lines_height(c, 0, c->nitems < 3 ? c->nitems : 3));
    }
    return dmin(need, full);
}

/* Places body row R at the cursor: on this page when it fits; else on the
 * next page when it fits there and is short (FS_ROW_CANT_SPLIT, or at
 * most a quarter of the text block); else split between lines, starting
 * here.  A labelled group that would break with too little room for its
 * label here starts on the next page. */
static void place_row(tpag *tp, size_t r)
{
    tlay *tl = tp->tl;
    rctx *rc = tp->rc;
    double h = tl->rows[r].h, avail = rc->bottom - rc->y;
    double fresh = rc->bottom - rc->top - (tl->rep_head ? tl->head_h : 0);
    double span, need = groups_need(tl, r, &span);
    int keep = row_keeps(rc, tl, r);

    if (h <= avail + EPS) {
        if (need > 0 && span > avail + EPS && need > avail + EPS &&
            rc->y > tp->body_top + EPS)
            table_break(tp);
        groups_open(tp, r);
        row_place(tp, r, h);
    } else if (h <= fresh + EPS && keep) {
        table_break(tp);
        groups_open(tp, r);
        row_place(tp, r, h);
    } else {
        groups_open(tp, r);
        split_row(tp, r);
    }
    groups_close(tp, r);
}

/* The room the start of table TL needs on a page: its header rows and
 * the start of its first body row (see row_min_start). */
static double table_start(const rctx *rc, const tlay *tl)
{
    double h = tl->head_h;

    if (tl->nhead < tl->nrows)
        h += row_min_start(rc, tl, tl->nhead);
    return dmin(h, rc->bottom - rc->top);
}

/* Paginates table TL from the cursor.  The header rows and the start of
 * the first body row stay together: when they do not fit the rest of the
 * page, the table starts on the next. */
static void table_paginate(rctx *rc, tlay *tl)
{
    tpag tp = { rc, tl, NULL, 0, 0, 0, 0, 0 };
    double full = rc->bottom - rc->top;

    tl->rep_head = tl->nhead > 0 && tl->head_h <= full / 3;
    if (rc->y + table_start(rc, tl) > rc->bottom + EPS && !at_top(rc))
        new_page(rc);
    place_headers(&tp);
    tp.body_top = rc->y;
    for (size_t r = tl->nhead; r < tl->nrows; r++)
        place_row(&tp, r);
    free(tp.g);
}

/* ------------------------------------------------------------------------
 * Tables: drawing.
 * ---------------------------------------------------------------------- */

/* The parts of cell C, one per page (a header cell: one per repetition),
 * into *OUT (malloc'd); returns how many. */
static size_t cell_frags(const tlay *tl, const tcell *c, frag **out)
{
    const trow *first = &tl->rows[c->row], *last = &tl->rows[c->row + c->rs - 1];
    frag *f = NULL;
    size_t n = 0, cap = 0;

    if (c->row < tl->nhead) {
        size_t k = first->npl < last->npl ? first->npl : last->npl;

        for (size_t i = 0; i < k; i++) {
            f = grow(f, &cap, n, sizeof *f);
            f[n++] = (frag){ first->pl[i].page, first->pl[i].top,
                             last->pl[i].top + last->pl[i].h };
        }
        *out = f;
        return n;
    }
    for (size_t r = c->row; r < c->row + c->rs; r++)
        for (size_t i = 0; i < tl->rows[r].npl; i++) {
            const place *p = &tl->rows[r].pl[i];

            if (n && f[n - 1].page == p->page) {
                f[n - 1].bot = dmax(f[n - 1].bot, p->top + p->h);
                continue;
            }
            f = grow(f, &cap, n, sizeof *f);
            f[n++] = (frag){ p->page, p->top, p->top + p->h };
        }
    *out = f;
    return n;
}

/* Draws lines [I0, I1) of cell C in part F: the lines keep their spacing;
 * the block of them (H points tall, its top SHIFT points into the content)
 * sits in the part as the cell's valign says when ALIGNED, else at its
 * top. */
static void cell_lines(rctx *rc, const tlay *tl, const tcell *c,
                       const frag *f, size_t i0, size_t i1, double shift,
                       double h, int aligned)
{
    double area = f->bot - f->top - 2 * tl->pad_y, off = 0;
    double x = tl->x0 + c->x + tl->pad_x;

    if (aligned && c->c->valign == FS_VALIGN_CENTER)
        off = (area - h) / 2;
    else if (aligned && c->c->valign == FS_VALIGN_BOTTOM)
        off = area - h;
    if (off < 0)
        off = 0;
    for (size_t i = i0; i < i1; i++)
        emit_line(rc, f->page, c->items[i].pl, c->items[i].li, x,
                  f->top + tl->pad_y + off + c->items[i].top - shift);
}

/* Draws cell C: its border and its content in each of its parts.  One
 * part: aligned in it.  Several parts of a header cell (one per page) or
 * of a cell with repeat_label: the whole content again in each part (the
 * lines that fit when the part is short), aligned.
 * Otherwise the lines flow from part to part, starting at the top of each;
 * what is left after the last part is drawn below it. */
static void cell_draw(rctx *rc, const tlay *tl, const tcell *c)
{
    frag *f = NULL;
    size_t nf = cell_frags(tl, c, &f), k = 0;
    double u;

    for (size_t i = 0; i < nf && tl->border > 0; i++)
        add_rect(rc, f[i].page, tl->x0 + c->x, f[i].top, tl->x0 + c->x + c->w,
                 f[i].bot, tl->border);
    if (nf == 0 || c->nitems == 0)
        goto done;
    if (nf == 1 || (fit_lines(c, 0, f[0].bot - f[0].top - 2 * tl->pad_y, &u)
                    == c->nitems && !c->c->repeat_label && c->row >= tl->nhead)) {
        cell_lines(rc, tl, c, &f[0], 0, c->nitems, 0, c->content, 1);
        goto done;
    }
    if (c->c->repeat_label || c->row < tl->nhead) {
        for (size_t i = 0; i < nf; i++) {
            size_t m = fit_lines(c, 0, f[i].bot - f[i].top - 2 * tl->pad_y, &u);

            cell_lines(rc, tl, c, &f[i], 0, m, c->items[0].top, u, 1);
        }
        goto done;
    }
    for (size_t i = 0; i < nf && k < c->nitems; i++) {
        size_t j = fit_lines(c, k, f[i].bot - f[i].top - 2 * tl->pad_y, &u);
        double shift = c->items[k].top;

        if (j == k || i + 1 == nf)
            j = i + 1 == nf ? c->nitems : k + 1;
        cell_lines(rc, tl, c, &f[i], k, j, shift, 0, 0);
        k = j;
    }
done:
    free(f);
}

/* Paginates and draws the laid-out table TL at the cursor; the cursor
 * ends below it. */
static void place_table(rctx *rc, tlay *tl)
{
    table_paginate(rc, tl);
    for (size_t i = 0; i < tl->ncells; i++)
        cell_draw(rc, tl, &tl->cells[i]);
}

/* ------------------------------------------------------------------------
 * The document body.
 * ---------------------------------------------------------------------- */

/* Keeps paragraph block I (keep_with_next) and the paragraphs chained to
 * it by keep_with_next together with the start of the block after them
 * (BODY and TABS hold the laid-out paragraphs and tables by block): when
 * all that does not fit the rest of the page but fits a page, a new page
 * starts. */
static void keep_together(rctx *rc, const play *body, const tlay *tabs,
                          size_t i)
{
    const fs_doc *doc = rc->doc;
    double full = rc->bottom - rc->top, h = 0;
    size_t j = i;

    while (j < doc->nblocks && doc->blocks[j].kind == FS_BLOCK_PARA &&
           doc->blocks[j].u.para && doc->blocks[j].u.para->keep_with_next) {
        h += play_height(&body[j]);
        j++;
    }
    if (j < doc->nblocks && doc->blocks[j].kind == FS_BLOCK_PARA &&
        doc->blocks[j].u.para)
        h += body[j].before + body[j].pitch;
    else if (j < doc->nblocks && doc->blocks[j].kind == FS_BLOCK_TABLE &&
             doc->blocks[j].u.table)
        h += table_start(rc, &tabs[j]);
    if (rc->y + h > rc->bottom + EPS && h <= full + EPS && !at_top(rc))
        new_page(rc);
}

/* Lays out the blocks of the document onto pages: every paragraph and
 * table is measured first (so that keep_with_next can look ahead), then
 * placed in order. */
static void layout_body(rctx *rc)
{
    const fs_doc *doc = rc->doc;
    size_t nb = doc->nblocks ? doc->nblocks : 1;
    play *body = fs_xcalloc(nb, sizeof *body);
    tlay *tabs = fs_xcalloc(nb, sizeof *tabs);
    double width = rc->right - rc->left;
    int empty = 1;                  /* nothing placed on this page yet */

    for (size_t i = 0; i < doc->nblocks; i++) {
        const fs_block *b = &doc->blocks[i];

        if (b->kind == FS_BLOCK_PARA && b->u.para)
            play_build(rc, b->u.para, width, &body[i]);
        else if (b->kind == FS_BLOCK_TABLE && b->u.table)
            tlay_build(rc, b->u.table, rc->left, &tabs[i]);
    }
    new_page(rc);
    for (size_t i = 0; i < doc->nblocks; i++) {
        const fs_block *b = &doc->blocks[i];

        switch (b->kind) {
        case FS_BLOCK_PARA:
            if (!b->u.para)
                break;
            if (b->u.para->keep_with_next)
                keep_together(rc, body, tabs, i);
            place_para(rc, &body[i]);
            empty = 0;
            break;
        case FS_BLOCK_TABLE:
            if (!b->u.table)
                break;
            place_table(rc, &tabs[i]);
            empty = 0;
            break;
        case FS_BLOCK_PAGE_BREAK:
            if (!empty)
                new_page(rc);
            empty = 1;
            break;
        case FS_BLOCK_DRAWING:      /* a page of its own (fs-doc.h) */
            if (!b->u.drawing)
                break;
            if (!empty)
                new_page(rc);
            rc->pages[cur_page(rc)].draw = fs_pdf_drawing_new(
                b->u.drawing, rc->fs, rc->pf, rc->diags, doc->source_file);
            rc->y = rc->bottom;
            empty = 0;
            break;
        }
    }
    for (size_t i = 0; i < doc->nblocks; i++) {
        if (doc->blocks[i].kind == FS_BLOCK_PARA && doc->blocks[i].u.para)
            play_free(&body[i]);
        else if (doc->blocks[i].kind == FS_BLOCK_TABLE && doc->blocks[i].u.table)
            tlay_free(&tabs[i]);
    }
    free(body);
    free(tabs);
}

/* Adds the GB/T 9704 page number "— N —" to every page: 4号 song, its
 * dashes 7 mm below the text block, on odd pages ending one character in
 * from the block's right edge, on even pages starting one character in
 * from its left edge. */
static void layout_pagenums(rctx *rc)
{
    for (size_t i = 0; i < rc->npages; i++) {
        char text[64];
        fs_run run = { text, FS_ROLE_SONG, FS_PT_HAO4, 0, 0 };
        fs_para p = { &run, 1, FS_ALIGN_LEFT, 0, 0, 0, 1.0, 0 };
        play pl;
        double x, base = rc->bottom + 7 * MM + DASH_RISE * FS_PT_HAO4;

        snprintf(text, sizeof text, "\xE2\x80\x94 %zu \xE2\x80\x94", i + 1);
        play_build(rc, &p, rc->pw, &pl);
        if ((i + 1) % 2)
            x = rc->right - FS_PT_HAO4 - pl.l[0].width;
        else
            x = rc->left + FS_PT_HAO4;
        emit_line(rc, i, &pl, 0, x, base - pl.base);
        play_free(&pl);
    }
}

/* ------------------------------------------------------------------------
 * Drawing.
 * ---------------------------------------------------------------------- */

/* Orders rules by thickness, direction, line and start. */
static int seg_cmp(const void *a, const void *b)
{
    const seg *x = a, *y = b;

    if (x->w != y->w)
        return x->w < y->w ? -1 : 1;
    if (x->vertical != y->vertical)
        return x->vertical - y->vertical;
    if (x->at != y->at)
        return x->at < y->at ? -1 : 1;
    if (x->a != y->a)
        return x->a < y->a ? -1 : 1;
    return (x->b > y->b) - (x->b < y->b);
}

/* Strokes the rules of page P on PAGE, joined where they meet or overlap
 * on one line so that shared cell edges are drawn once.  Square caps close
 * the corners. */
static void draw_rules(const rctx *rc, dpage *p, HPDF_Page page)
{
    double cur_w = -1;

    if (!p->nsg)
        return;
    qsort(p->sg, p->nsg, sizeof *p->sg, seg_cmp);
    HPDF_Page_SetLineCap(page, HPDF_PROJECTING_SCUARE_END);
    for (size_t i = 0; i < p->nsg;) {
        seg s = p->sg[i++];

        while (i < p->nsg && p->sg[i].w == s.w && p->sg[i].vertical == s.vertical &&
               p->sg[i].at == s.at && p->sg[i].a <= s.b + 1e-3) {
            s.b = dmax(s.b, p->sg[i].b);
            i++;
        }
        if (s.w != cur_w) {
            if (cur_w >= 0)
                HPDF_Page_Stroke(page);
            HPDF_Page_SetLineWidth(page, (HPDF_REAL)s.w);
            cur_w = s.w;
        }
        if (s.vertical) {
            HPDF_Page_MoveTo(page, (HPDF_REAL)s.at, (HPDF_REAL)(rc->ph - s.a));
            HPDF_Page_LineTo(page, (HPDF_REAL)s.at, (HPDF_REAL)(rc->ph - s.b));
        } else {
            HPDF_Page_MoveTo(page, (HPDF_REAL)s.a, (HPDF_REAL)(rc->ph - s.at));
            HPDF_Page_LineTo(page, (HPDF_REAL)s.b, (HPDF_REAL)(rc->ph - s.at));
        }
    }
    HPDF_Page_Stroke(page);
}

/* Writes the spans of page P on PAGE in one text object, setting font,
 * spacing and the fake-bold outline only when they change. */
static void draw_text(const rctx *rc, const dpage *p, HPDF_Page page)
{
    int face = -2, bold = 0;
    double size = -1, cs = 0;

    if (!p->nsp)
        return;
    HPDF_Page_BeginText(page);
    for (size_t i = 0; i < p->nsp; i++) {
        const dspan *s = &p->sp[i];
        HPDF_Font font = fs_pdf_fonts_get(rc->pf, s->face);
        char *text;

        if (!font)
            continue;
        if (s->face != face || s->size != size) {
            HPDF_Page_SetFontAndSize(page, font, (HPDF_REAL)s->size);
            face = s->face;
            size = s->size;
        }
        if (s->cs != cs) {
            HPDF_Page_SetCharSpace(page, (HPDF_REAL)s->cs);
            cs = s->cs;
        }
        if (s->bold != bold) {
            HPDF_Page_SetTextRenderingMode(page, s->bold ? HPDF_FILL_THEN_STROKE
                                                         : HPDF_FILL);
            if (s->bold)
                HPDF_Page_SetLineWidth(page, (HPDF_REAL)(s->size * BOLD_STROKE));
            bold = s->bold;
        }
        HPDF_Page_SetTextMatrix(page, 1, 0, 0, 1, (HPDF_REAL)s->x,
                                (HPDF_REAL)(rc->ph - s->y));
        text = fs_pdf_fonts_encode(rc->pf, s->face, rc->cps + s->c0, s->n);
        HPDF_Page_ShowText(page, text);
        free(text);
    }
    HPDF_Page_EndText(page);
}

/* Sets the Info entry KEY of PDF to the UTF-8 text VALUE as a UTF-16BE
 * string with a byte order mark (libharu 2.3.0 writes its own strings in
 * PDFDocEncoding, which garbles Chinese).  NULL or "" sets nothing. */
static void set_info(HPDF_Doc pdf, HPDF_InfoType type, const char *key,
                     const char *value)
{
    unsigned char *b;
    size_t n = 2;
    const char *s = value;

    if (!value || !*value)
        return;
    /* Creates the Info dictionary (libharu has no other public way). */
    if (HPDF_SetInfoAttr(pdf, type, "") != HPDF_OK || !pdf->info)
        return;
    b = fs_xmalloc(4 * strlen(value) + 2);
    b[0] = 0xFE;
    b[1] = 0xFF;
    while (*s) {
        uint32_t cp = fs_utf8_next(&s);

        if (cp >= 0x10000) {
            uint32_t v = cp - 0x10000, hi = 0xD800 + (v >> 10), lo = 0xDC00 + (v & 0x3FF);

            b[n++] = (unsigned char)(hi >> 8);
            b[n++] = (unsigned char)hi;
            b[n++] = (unsigned char)(lo >> 8);
            b[n++] = (unsigned char)lo;
        } else {
            b[n++] = (unsigned char)(cp >> 8);
            b[n++] = (unsigned char)cp;
        }
    }
    HPDF_Dict_Add(pdf->info, key, HPDF_Binary_New(pdf->mmgr, b, (HPDF_UINT)n));
    free(b);
}

/* HPDF_Error_Handler: keeps the first error and returns. */
static void HPDF_STDCALL on_error(HPDF_STATUS code, HPDF_STATUS detail, void *data)
{
    herr *e = data;

    if (!e->code) {
        e->code = code;
        e->detail = detail;
    }
}

/* Copies the saved PDF out of libharu's stream into *OUT / *OUTLEN. */
static int read_pdf(HPDF_Doc pdf, unsigned char **out, size_t *outlen)
{
    HPDF_UINT32 size = HPDF_GetStreamSize(pdf), got = 0;
    unsigned char *buf = fs_xmalloc(size ? size : 1);

    HPDF_ResetStream(pdf);
    while (got < size) {
        HPDF_UINT32 n = size - got;
        HPDF_STATUS st = HPDF_ReadFromStream(pdf, buf + got, &n);

        got += n;
        if (st == HPDF_STREAM_EOF || n == 0)
            break;
        if (st != HPDF_OK) {
            free(buf);
            return -1;
        }
    }
    if (got != size) {
        free(buf);
        return -1;
    }
    *out = buf;
    *outlen = size;
    return 0;
}

/* See fs-pdf.h. */
fs_error fs_pdf_render(const fs_doc *doc, const fs_fontset *fonts,
                       fs_diags *diags, unsigned char **out, size_t *outlen)
{
    rctx rc;
    herr he = { 0, 0 };
    HPDF_Doc pdf = NULL;
    fs_error err = FS_E_PDF;
    const fs_page_setup *ps = &doc->page;

    *out = NULL;
    *outlen = 0;
    memset(&rc, 0, sizeof rc);
    rc.doc = doc;
    rc.fs = fonts;
    rc.diags = diags;
    rc.pw = (ps->width > 0 && ps->width <= 5000 ? ps->width : 210.0) * MM;
    rc.ph = (ps->height > 0 && ps->height <= 5000 ? ps->height : 297.0) * MM;
    rc.left = ps->left * MM;
    rc.right = rc.pw - ps->right * MM;
    rc.top = ps->top * MM;
    rc.bottom = rc.ph - ps->bottom * MM;
    if (!(rc.right - rc.left >= 36) || !(rc.bottom - rc.top >= 36) ||
        !(ps->left >= 0) || !(ps->right >= 0) || !(ps->top >= 0) ||
        !(ps->bottom >= 0)) {
        char m[4][32];

        fs_diags_add(diags, doc->source_file, 0, FS_ERROR,
                     "页面设置有误：版心太小（页边距上 %s、下 %s、左 %s、右 %s mm）",
                     mm_text(m[0], ps->top), mm_text(m[1], ps->bottom),
                     mm_text(m[2], ps->left), mm_text(m[3], ps->right));
        return FS_E_PDF;
    }
    rc.pf = fs_pdf_fonts_new(fonts);

    layout_body(&rc);
    if (ps->pagenum == FS_PAGENUM_GBT9704)
        layout_pagenums(&rc);

    pdf = HPDF_New(on_error, &he);
    if (!pdf) {
        fs_diags_add(diags, doc->source_file, 0, FS_ERROR, "libharu 无法创建文档");
        err = FS_E_NOMEM;
        goto done;
    }
    HPDF_SetCompressionMode(pdf, HPDF_COMP_ALL);
    err = fs_pdf_fonts_embed(rc.pf, pdf, diags);
    if (err != FS_OK)
        goto done;
    err = FS_E_PDF;
    set_info(pdf, HPDF_INFO_TITLE, "Title", doc->title);
    set_info(pdf, HPDF_INFO_AUTHOR, "Author", doc->author);
    set_info(pdf, HPDF_INFO_SUBJECT, "Subject", doc->subject);
    set_info(pdf, HPDF_INFO_CREATOR, "Creator", doc->creator);
    set_info(pdf, HPDF_INFO_KEYWORDS, "Keywords", doc->keywords);
    for (size_t i = 0; i < rc.npages && !he.code; i++) {
        HPDF_Page page = HPDF_AddPage(pdf);

        if (!page)
            break;
        HPDF_Page_SetWidth(page, (HPDF_REAL)rc.pw);
        HPDF_Page_SetHeight(page, (HPDF_REAL)rc.ph);
        if (rc.pages[i].draw)
            fs_pdf_drawing_draw(rc.pages[i].draw, page, rc.ph);
        draw_rules(&rc, &rc.pages[i], page);
        draw_text(&rc, &rc.pages[i], page);
    }
    if (!he.code && fs_pdfa_apply(pdf, doc, diags) != FS_OK)
        goto done;
    if (!he.code)
        HPDF_SaveToStream(pdf);
    if (he.code) {
        fs_diags_add(diags, doc->source_file, 0, FS_ERROR,
                     "libharu 出错：错误码 0x%04lX，详情 %lu",
                     (unsigned long)he.code, (unsigned long)he.detail);
        goto done;
    }
    if (read_pdf(pdf, out, outlen) < 0) {
        fs_diags_add(diags, doc->source_file, 0, FS_ERROR,
                     "无法读出 libharu 生成的 PDF");
        goto done;
    }
    err = FS_OK;
done:
    if (pdf)
        HPDF_Free(pdf);
    fs_pdf_fonts_free(rc.pf);
    for (size_t i = 0; i < rc.npages; i++) {
        free(rc.pages[i].sp);
        free(rc.pages[i].sg);
        fs_pdf_drawing_free(rc.pages[i].draw);
    }
    free(rc.pages);
    free(rc.cps);
    free(rc.warn);
    return err;
}
