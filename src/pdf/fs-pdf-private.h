/*
 * fs-pdf-private.h - what the parts of the PDF typesetter share: the
 * layout context, the display list of each page, laid-out paragraphs and
 * tables, and the functions of fs-pdf-layout.c (pages, paragraphs) and
 * fs-pdf-table.c (tables) that fs-pdf.c calls.  Coordinates are points
 * from the page's top left corner (y grows downwards).  Not for use
 * outside src/pdf/.
 */
#ifndef FS_PDF_PRIVATE_H
#define FS_PDF_PRIVATE_H

#include "fs-pdf.h"
#include "fs-pdf-draw.h"

#include <stddef.h>
#include <stdint.h>

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
typedef struct label_span {
    size_t cell, end;
    double need, part_top;
} label_span;

/* Pagination state of one table. */
typedef struct tpag {
    rctx *rc;
    tlay *tl;
    label_span *g;
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

/* ------------------------------------------------------------------------
 * Small helpers.
 * ---------------------------------------------------------------------- */

/* The larger of A and B. */
static inline double dmax(double a, double b)
{
    return a > b ? a : b;
}

/* The smaller of A and B. */
static inline double dmin(double a, double b)
{
    return a < b ? a : b;
}


/* ------------------------------------------------------------------------
 * fs-pdf-layout.c: pages, the display list and paragraphs.
 * ---------------------------------------------------------------------- */

/* Starts a new page and puts the cursor at the top of its text block;
 * returns its index. */
size_t fs_pdf_layout_new_page(rctx *rc);

/* Is the cursor at the top of the text block? */
int fs_pdf_layout_at_top(const rctx *rc);

/* The index of the page being filled. */
size_t fs_pdf_layout_cur_page(const rctx *rc);

/* Adds the four sides of the rectangle X0..X1 x Y0..Y1 to page PG. */
void fs_pdf_layout_add_rect(rctx *rc, size_t pg, double x0, double y0, double x1,
                     double y1, double w);

/* Lays out paragraph P for lines AVAIL points wide into *PL (freed with
 * fs_pdf_layout_para_free): measures every character, breaks the lines and works out
 * the line pitch (line_spacing times the largest size) and where the
 * baseline sits in a line (the em box centred in the pitch). */
void fs_pdf_layout_para(rctx *rc, const fs_para *p, double avail, play *pl);

/* Frees what fs_pdf_layout_para allocated in PL (not PL itself). */
void fs_pdf_layout_para_free(play *pl);

/* Height of PL with the space around it. */
double fs_pdf_layout_para_height(const play *pl);

/* Draws line LI of PL on page PG in the box that starts at X0 (AVAIL =
 * PL->avail points wide) with its top at YTOP: aligned as the paragraph
 * says, justified lines (all but the last) with the extra space spread
 * between their characters.  Consecutive glyphs of one face, size and
 * weight become one span; underlined runs get a rule. */
void fs_pdf_layout_line(rctx *rc, size_t pg, const play *pl, size_t li,
                      double x0, double ytop);

/* Flows paragraph PL down the body of the document, starting new pages as
 * needed; the space before is dropped at the top of a page.  A paragraph
 * that breaks leaves at least two lines at the foot of a page (else it
 * starts on the next) and carries at least two onto the next page when it
 * can spare them. */
void fs_pdf_layout_place_para(rctx *rc, const play *pl);

/* ------------------------------------------------------------------------
 * fs-pdf-table.c: tables.
 * ---------------------------------------------------------------------- */

/* Lays out table T (left edge at X0) into *TL (freed with fs_pdf_table_free):
 * cells with their content, and the natural height of each row: the
 * largest of its min_height and its one-row cells; a row-spanning cell
 * that needs more than its rows give adds the rest to its last row. */
void fs_pdf_table_build(rctx *rc, const fs_table *t, double x0, tlay *tl);

/* Frees what fs_pdf_table_build and the pagination allocated in TL. */
void fs_pdf_table_free(tlay *tl);

/* The room the start of table TL needs on a page: its header rows and
 * the start of its first body row (see row_min_start). */
double fs_pdf_table_start(const rctx *rc, const tlay *tl);

/* Paginates and draws the laid-out table TL at the cursor; the cursor
 * ends below it. */
void fs_pdf_table_place(rctx *rc, tlay *tl);

#endif
