/*
 * fs-pdf-layout.c - the layout pass of the PDF typesetter for pages and
 * paragraphs: the display list of each page (text spans of one face, size
 * and weight at one baseline, and ruling segments), and paragraphs
 * measured with the font set, broken into lines and placed down the body.
 * While doing so it records every code point it will draw with
 * fs_pdf_fonts_use.  Widths come from fs_fontset_advance, which truncates
 * as libharu does, so positions and drawn glyphs agree.
 *
 * Paragraphs are broken by fs_break_lines.  Its measure callback receives
 * only a code point, yet a paragraph's runs may differ in font and size, so
 * each line is broken on its own over a window of the text that reaches a
 * little past the line's end (see break_para): inside the first line the
 * breaker measures the characters strictly in order, which lets the
 * callback walk the paragraph's pre-measured glyphs with a cursor.
 */
#define _GNU_SOURCE
#include "fs-pdf-private.h"
#include "fs-text.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------
 * Small helpers.
 * ---------------------------------------------------------------------- */

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
size_t fs_pdf_layout_new_page(rctx *rc)
{
    rc->pages = fs_grow(rc->pages, rc->npages, &rc->cappages, sizeof *rc->pages);
    memset(&rc->pages[rc->npages], 0, sizeof *rc->pages);
    rc->y = rc->top;
    return rc->npages++;
}

/* Is the cursor at the top of the text block? */
int fs_pdf_layout_at_top(const rctx *rc)
{
    return rc->y <= rc->top + EPS;
}

/* The index of the page being filled. */
size_t fs_pdf_layout_cur_page(const rctx *rc)
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
    p->sg = fs_grow(p->sg, p->nsg, &p->capsg, sizeof *p->sg);
    p->sg[p->nsg++] = (seg){ vertical, quantise(at), a, b, w };
}

/* Adds the four sides of the rectangle X0..X1 x Y0..Y1 to page PG. */
void fs_pdf_layout_add_rect(rctx *rc, size_t pg, double x0, double y0, double x1,
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
    p->sp = fs_grow(p->sp, p->nsp, &p->capsp, sizeof *p->sp);
    p->sp[p->nsp++] = (dspan){ x, y, size, cs, g[0].face, bold, rc->ncps, n };
    for (size_t i = 0; i < n; i++) {
        rc->cps = fs_grow(rc->cps, rc->ncps, &rc->capcps, sizeof *rc->cps);
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
    rc->warn = fs_grow(rc->warn, rc->nwarn, &rc->capwarn, sizeof *rc->warn);
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
    pl->l = fs_grow(pl->l, pl->nl, &pl->capl, sizeof *pl->l);
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

/* Breaks one line of PL starting at glyph S, AVAIL points wide less
 * INDENT: the window handed to fs_break_lines runs from S past the point
 * where the line overflows plus WINDOW_EXTRA more characters (and the
 * spaces among them), which covers every gap the breaker may choose and
 * the characters it may hang.  TEXT (mutable, NUL-terminated) is the
 * paragraph, OFF the byte offset of each glyph, LINES scratch space.
 * The line is glyphs [S, *G1), *WIDTH points wide; returns the glyph the
 * next line starts at (always past S). */
static size_t break_one(play *pl, char *text, const size_t *off, fs_lines *lines,
                        size_t s, double avail, double indent, size_t *g1, double *width)
{
    double w = 0;
    size_t e = s, extra = 0, next;
    cursor cur = { pl->g + s, 0, 0 };
    char saved;

    while (e < pl->ng && w <= avail - indent + 1e-6)
        w += pl->g[e++].w;
    while (e < pl->ng && extra < WINDOW_EXTRA)
        extra += !breaker_space(pl->g[e++].cp);
    cur.n = e - s;
    saved = text[off[e]];
    text[off[e]] = '\0';
    lines->n = 0;
    fs_break_lines(text + off[s], avail, indent, measure_next, &cur, lines);
    text[off[e]] = saved;

    *g1 = glyph_at(off, pl->ng, off[s] + lines->v[0].end);
    if (lines->n >= 2)
        next = glyph_at(off, pl->ng, off[s] + lines->v[1].start);
    else if (e == pl->ng)
        next = pl->ng;
    else {                              /* cannot happen; make progress */
        next = *g1 > s ? *g1 : s + 1;
        while (next < pl->ng && breaker_space(pl->g[next].cp))
            next++;
    }
    if (*g1 <= s && next <= s)
        *g1 = next = s + 1;
    *width = lines->v[0].width;
    return next;
}

/* Is line L of PL a 孤字: one CJK character, with at most the closing
 * punctuation that may not start a line (督。 under a cell's text)? */
static int orphan_line(const play *pl, const pline *l)
{
    int chars = 0, cjk = 0;

    for (size_t i = l->g0; i < l->g1; i++) {
        uint32_t cp = pl->g[i].cp;

        if (breaker_space(cp) || fs_text_no_line_start(cp))
            continue;
        chars++;
        cjk = fs_text_is_cjk(cp);
    }
    return chars == 1 && cjk;
}

/* Keeps the last line of PL from being a 孤字, as CJK typesetters do: the
 * line before it gives up its last breakable unit, so that it is set a
 * little looser (a justified line spreads its glyphs) and the last line
 * holds two characters or more.  Nothing changes when the last two lines
 * cannot be re-broken that way into two lines that fit. */
static void avoid_orphan(play *pl, char *text, const size_t *off, fs_lines *lines)
{
    pline *prev, *last;
    size_t g1, g1b, next;
    double w, wb;
    int first;

    if (pl->nl < 2 || !orphan_line(pl, &pl->l[pl->nl - 1]))
        return;
    prev = &pl->l[pl->nl - 2];
    last = &pl->l[pl->nl - 1];
    first = pl->nl == 2;
    next = break_one(pl, text, off, lines, prev->g0,
                     prev->width - 0.01 + (first ? pl->indent : 0),
                     first ? pl->indent : 0, &g1, &w);
    if (g1 <= prev->g0 || g1 >= prev->g1 || next >= pl->ng)
        return;
    if (break_one(pl, text, off, lines, next, pl->avail, 0, &g1b, &wb) < pl->ng ||
        g1b != pl->ng)
        return;
    pline a = { prev->g0, g1, w }, b = { next, g1b, wb };
    if (orphan_line(pl, &b))
        return;
    *prev = a;
    *last = b;
}

/* Breaks the glyphs of PL into lines, one line at a time (break_one),
 * then keeps the last line from being a lone character (avoid_orphan).
 * TEXT (mutable, NUL-terminated) is the paragraph and OFF the byte offset
 * of each glyph. */
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
        size_t g1;
        double w;
        size_t next = break_one(pl, text, off, &lines, s, pl->avail,
                                first ? pl->indent : 0, &g1, &w);

        push_line(pl, s, g1, w);
        s = next;
        first = 0;
    }
    avoid_orphan(pl, text, off, &lines);
    fs_lines_free(&lines);
}

/* Lays out paragraph P for lines AVAIL points wide into *PL (freed with
 * fs_pdf_layout_para_free): measures every character, breaks the lines and works out
 * the line pitch (line_spacing times the largest size) and where the
 * baseline sits in a line (the em box centred in the pitch). */
void fs_pdf_layout_para(rctx *rc, const fs_para *p, double avail, play *pl)
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

            pl->g = fs_grow(pl->g, pl->ng, &capg, sizeof *pl->g);
            off = fs_grow(off, pl->ng, &capoff, sizeof *off);
            off[pl->ng] = text.len;
            shape(rc, run, (unsigned)r, size, cp, &pl->g[pl->ng]);
            fs_buf_add(&text, u, fs_utf8_encode(cp, u));
            pl->ng++;
        }
    }
    off = fs_grow(off, pl->ng, &capoff, sizeof *off);
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

/* Frees what fs_pdf_layout_para allocated in PL (not PL itself). */
void fs_pdf_layout_para_free(play *pl)
{
    free(pl->g);
    free(pl->l);
}

/* Height of PL with the space around it. */
double fs_pdf_layout_para_height(const play *pl)
{
    return pl->before + (double)pl->nl * pl->pitch + pl->after;
}

/* Draws line LI of PL on page PG in the box that starts at X0 (AVAIL =
 * PL->avail points wide) with its top at YTOP: aligned as the paragraph
 * says, justified lines (all but the last) with the extra space spread
 * between their characters.  Consecutive glyphs of one face, size and
 * weight become one span; underlined runs get a rule. */
void fs_pdf_layout_line(rctx *rc, size_t pg, const play *pl, size_t li,
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
void fs_pdf_layout_place_para(rctx *rc, const play *pl)
{
    size_t i = 0;

    if (!fs_pdf_layout_at_top(rc))
        rc->y += pl->before;
    while (i < pl->nl) {
        double room = rc->bottom + EPS - rc->y;
        size_t fit = room > 0 ? (size_t)(room / pl->pitch) : 0, rest = pl->nl - i;

        if (fit == 0 && !fs_pdf_layout_at_top(rc)) {
            fs_pdf_layout_new_page(rc);
            continue;
        }
        if (fit == 0)
            fit = 1;
        if (fit < rest) {
            if (i == 0 && fit == 1 && !fs_pdf_layout_at_top(rc)) {
                fs_pdf_layout_new_page(rc);
                continue;
            }
            if (rest - fit == 1 && fit >= 3)
                fit--;
        } else {
            fit = rest;
        }
        for (size_t k = 0; k < fit; k++, i++) {
            fs_pdf_layout_line(rc, fs_pdf_layout_cur_page(rc), pl, i, rc->left, rc->y);
            rc->y += pl->pitch;
        }
        if (i < pl->nl)
            fs_pdf_layout_new_page(rc);
    }
    rc->y += pl->after;
}

