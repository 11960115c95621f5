/*
 * fs-pdf-draw.c - a fs_drawing on a PDF page (fs-pdf-draw.h).
 *
 * Everything is where the drawing says (fs-draw.h): this module only maps
 * millimetres with y down from the drawing's origin onto points with y up
 * from the page's bottom, and draws in the drawing's order: the shapes'
 * fills and borders, the shapes' labels, the connectors with their
 * arrowheads, the connectors' labels, the texts.
 *
 * Shapes: a rectangle, a rectangle with quarter-circle corners (Bézier
 * arcs) or, for a review, two rectangles `inset` apart, the outer one
 * filled.  Dashed borders and lines use a dash of 6 pt and a gap of 3 pt
 * (libharu 2.3.0 takes whole points; fs-draw.h's 2 mm and 1 mm are 5.7
 * and 2.8 pt).  A connector is one polyline with mitred corners that
 * stops arrow_len short of its end, where a filled triangle has its tip.
 *
 * Text: each line is cut into spans of one face (fs_fontset_pick, as the
 * layout measured it) shown from the line's baseline origin onwards, each
 * span at the sum of the advances before it (fs_fontset_advance, which
 * libharu draws with), so the glyphs land where they were measured.
 */
#include "fs-pdf-draw.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MM (72.0 / 25.4)        /* points per millimetre                   */
#define ARROW_OVERLAP 0.1       /* mm of line under the arrowhead's base   */
#define KAPPA 0.5522847498      /* Bézier control distance of a quarter
                                   circle, in radii                        */

/* Text of one face, size and colour from a baseline origin X, Y (mm in the
 * drawing); code points [C0, C0 + N) of the pool. */
typedef struct span {
    double x, y, size;
    uint32_t color;
    int face;
    size_t c0, n;
} span;

struct fs_pdf_drawing {
    const fs_drawing *dr;
    fs_pdf_fonts *pf;
    span *sp;
    size_t nsp, capsp;
    size_t end_shapes, end_connectors;  /* span ranges of the labels      */
    uint32_t *cps;
    size_t ncps, capcps;
    uint32_t *warned;           /* characters already reported missing     */
    size_t nwarned, capwarned;
};

/* The page being drawn on and where the drawing's origin lies. */
typedef struct canvas {
    HPDF_Page page;
    double ox, oy;              /* points: the origin, y from the bottom   */
} canvas;

/* ------------------------------------------------------------------------
 * Preparing the texts.
 * ---------------------------------------------------------------------- */

/* Reports once that no face has CP. */
static void warn_missing(fs_pdf_drawing *pd, fs_diags *diags, const char *file,
                         uint32_t cp)
{
    char u[5] = {0};

    for (size_t i = 0; i < pd->nwarned; i++)
        if (pd->warned[i] == cp)
            return;
    pd->warned = fs_grow(pd->warned, pd->nwarned, &pd->capwarned, sizeof *pd->warned);
    pd->warned[pd->nwarned++] = cp;
    fs_utf8_encode(cp, u);
    fs_diags_add(diags, file, 0, FS_WARNING, "字体中没有字符“%s”（U+%04X），以〓代替",
                 u, (unsigned)cp);
}

/* Cuts line LN of text T into spans of one face, records every code point
 * with fs_pdf_fonts_use and appends the spans to PD. */
static void prepare_line(fs_pdf_drawing *pd, const fs_fontset *fonts,
                         fs_diags *diags, const char *file,
                         const fs_draw_text *t, const fs_draw_line *ln)
{
    const char *s = ln->text ? ln->text : "";
    double x = ln->x;
    span *cur = NULL;

    while (*s) {
        uint32_t cp = fs_utf8_next(&s);
        int face = fs_fontset_pick(fonts, t->role, cp);

        if (face < 0) {
            warn_missing(pd, diags, file, cp);
            cp = FS_TOFU;
            face = fs_fontset_pick(fonts, t->role, cp);
        }
        if (face < 0) {                 /* not even 〓: leave its room */
            x += t->size / MM;
            cur = NULL;
            continue;
        }
        if (!cur || cur->face != face) {
            pd->sp = fs_grow(pd->sp, pd->nsp, &pd->capsp, sizeof *pd->sp);
            cur = &pd->sp[pd->nsp++];
            *cur = (span){ x, ln->y, t->size, t->color, face, pd->ncps, 0 };
        }
        pd->cps = fs_grow(pd->cps, pd->ncps, &pd->capcps, sizeof *pd->cps);
        pd->cps[pd->ncps++] = cp;
        cur->n++;
        fs_pdf_fonts_use(pd->pf, face, cp);
        x += fs_fontset_advance(fonts, face, cp) * t->size / 1000.0 / MM;
    }
}

/* Prepares every line of T. */
static void prepare_text(fs_pdf_drawing *pd, const fs_fontset *fonts,
                         fs_diags *diags, const char *file, const fs_draw_text *t)
{
    if (!(t->size > 0) || !isfinite(t->size))
        return;
    for (size_t i = 0; i < t->nlines; i++)
        prepare_line(pd, fonts, diags, file, t, &t->lines[i]);
}

/* See fs-pdf-draw.h: the spans of the shapes' labels, then of the
 * connectors' labels, then of the texts. */
fs_pdf_drawing *fs_pdf_drawing_new(const fs_drawing *dr, const fs_fontset *fonts,
                                   fs_pdf_fonts *pf, fs_diags *diags,
                                   const char *file)
{
    fs_pdf_drawing *pd = fs_xcalloc(1, sizeof *pd);

    pd->dr = dr;
    pd->pf = pf;
    for (size_t i = 0; i < dr->nshapes; i++)
        prepare_text(pd, fonts, diags, file, &dr->shapes[i].label);
    pd->end_shapes = pd->nsp;
    for (size_t i = 0; i < dr->nconnectors; i++)
        prepare_text(pd, fonts, diags, file, &dr->connectors[i].label);
    pd->end_connectors = pd->nsp;
    for (size_t i = 0; i < dr->ntexts; i++)
        prepare_text(pd, fonts, diags, file, &dr->texts[i].text);
    return pd;
}

/* Frees PD (not the drawing or the fonts it borrows); NULL is fine. */
void fs_pdf_drawing_free(fs_pdf_drawing *pd)
{
    if (!pd)
        return;
    free(pd->sp);
    free(pd->cps);
    free(pd->warned);
    free(pd);
}

/* ------------------------------------------------------------------------
 * Drawing.
 * ---------------------------------------------------------------------- */

/* The page's x of the drawing's X mm. */
static HPDF_REAL px(const canvas *cv, double x)
{
    return (HPDF_REAL)(cv->ox + x * MM);
}

/* The page's y of the drawing's Y mm (which grows downwards). */
static HPDF_REAL py(const canvas *cv, double y)
{
    return (HPDF_REAL)(cv->oy - y * MM);
}

/* Sets the fill (FILL) or stroke colour to 0xRRGGBB C. */
static void set_color(HPDF_Page page, uint32_t c, int fill)
{
    HPDF_REAL r = (HPDF_REAL)((c >> 16) & 0xFF) / 255;
    HPDF_REAL g = (HPDF_REAL)((c >> 8) & 0xFF) / 255;
    HPDF_REAL b = (HPDF_REAL)(c & 0xFF) / 255;

    if (fill)
        HPDF_Page_SetRGBFill(page, r, g, b);
    else
        HPDF_Page_SetRGBStroke(page, r, g, b);
}

/* Dashes lines from now on (DASHED) or draws them solid. */
static void set_dash(HPDF_Page page, int dashed)
{
    static const HPDF_UINT16 pattern[2] = { 6, 3 };

    if (dashed)
        HPDF_Page_SetDash(page, pattern, 2, 0);
    else
        HPDF_Page_SetDash(page, NULL, 0, 0);
}

/* Adds the rectangle X, Y, W, H (mm, top-left corner) to the path. */
static void path_rect(const canvas *cv, double x, double y, double w, double h)
{
    HPDF_Page_Rectangle(cv->page, px(cv, x), py(cv, y + h), (HPDF_REAL)(w * MM),
                        (HPDF_REAL)(h * MM));
}

/* Adds the rectangle X, Y, W, H with corners of radius R (mm; at most
 * half the shorter side) to the path, clockwise from the top edge. */
static void path_rounded(const canvas *cv, double x, double y, double w,
                         double h, double r)
{
    HPDF_Page p = cv->page;
    double k;

    r = fmin(r, fmin(w, h) / 2);
    if (!(r > 0)) {
        path_rect(cv, x, y, w, h);
        return;
    }
    k = KAPPA * r;
    HPDF_Page_MoveTo(p, px(cv, x + r), py(cv, y));
    HPDF_Page_LineTo(p, px(cv, x + w - r), py(cv, y));
    HPDF_Page_CurveTo(p, px(cv, x + w - r + k), py(cv, y), px(cv, x + w),
                      py(cv, y + r - k), px(cv, x + w), py(cv, y + r));
    HPDF_Page_LineTo(p, px(cv, x + w), py(cv, y + h - r));
    HPDF_Page_CurveTo(p, px(cv, x + w), py(cv, y + h - r + k), px(cv, x + w - r + k),
                      py(cv, y + h), px(cv, x + w - r), py(cv, y + h));
    HPDF_Page_LineTo(p, px(cv, x + r), py(cv, y + h));
    HPDF_Page_CurveTo(p, px(cv, x + r - k), py(cv, y + h), px(cv, x),
                      py(cv, y + h - r + k), px(cv, x), py(cv, y + h - r));
    HPDF_Page_LineTo(p, px(cv, x), py(cv, y + r));
    HPDF_Page_CurveTo(p, px(cv, x), py(cv, y + r - k), px(cv, x + r - k), py(cv, y),
                      px(cv, x + r), py(cv, y));
    HPDF_Page_ClosePath(p);
}

/* Fills and strokes the border of shape S (and its inner border). */
static void draw_shape(const canvas *cv, const fs_draw_shape *s)
{
    HPDF_Page p = cv->page;
    int fill = s->fill != FS_DRAW_NO_COLOR;
    int stroke = s->stroke != FS_DRAW_NO_COLOR && s->stroke_pt > 0;

    if (!fill && !stroke)
        return;
    if (fill)
        set_color(p, s->fill, 1);
    if (stroke) {
        set_color(p, s->stroke, 0);
        HPDF_Page_SetLineWidth(p, (HPDF_REAL)s->stroke_pt);
        set_dash(p, s->dashed);
    }
    if (s->kind == FS_SHAPE_ROUNDED)
        path_rounded(cv, s->x, s->y, s->w, s->h, s->radius);
    else
        path_rect(cv, s->x, s->y, s->w, s->h);
    if (fill && stroke)
        HPDF_Page_FillStroke(p);
    else if (fill)
        HPDF_Page_Fill(p);
    else
        HPDF_Page_Stroke(p);
    if (s->kind == FS_SHAPE_DOUBLE && stroke && s->inset > 0 &&
        s->w > 2 * s->inset && s->h > 2 * s->inset) {
        path_rect(cv, s->x + s->inset, s->y + s->inset, s->w - 2 * s->inset,
                  s->h - 2 * s->inset);
        HPDF_Page_Stroke(p);
    }
}

/* Strokes connector C and fills its arrowhead. */
static void draw_connector(const canvas *cv, const fs_draw_connector *c)
{
    HPDF_Page p = cv->page;
    fs_draw_point a, b, end;
    double len, ux, uy;

    if (c->npts < 2 || c->color == FS_DRAW_NO_COLOR)
        return;
    a = c->pts[c->npts - 2];
    b = c->pts[c->npts - 1];
    len = hypot(b.x - a.x, b.y - a.y);
    ux = len > 0 ? (b.x - a.x) / len : 0;
    uy = len > 0 ? (b.y - a.y) / len : 0;
    end = b;
    if (c->arrow) {
        double back = fmin(c->arrow_len - ARROW_OVERLAP, len);

        end.x = b.x - ux * back;
        end.y = b.y - uy * back;
    }
    set_color(p, c->color, 0);
    set_color(p, c->color, 1);
    HPDF_Page_SetLineWidth(p, (HPDF_REAL)(c->stroke_pt > 0 ? c->stroke_pt : 0.75));
    set_dash(p, c->dashed);
    HPDF_Page_MoveTo(p, px(cv, c->pts[0].x), py(cv, c->pts[0].y));
    for (size_t k = 1; k + 1 < c->npts; k++)
        HPDF_Page_LineTo(p, px(cv, c->pts[k].x), py(cv, c->pts[k].y));
    HPDF_Page_LineTo(p, px(cv, end.x), py(cv, end.y));
    HPDF_Page_Stroke(p);
    if (c->arrow && len > 0 && c->arrow_len > 0) {
        double bx = b.x - ux * c->arrow_len, by = b.y - uy * c->arrow_len;
        double hw = c->arrow_w / 2;

        HPDF_Page_MoveTo(p, px(cv, b.x), py(cv, b.y));
        HPDF_Page_LineTo(p, px(cv, bx - uy * hw), py(cv, by + ux * hw));
        HPDF_Page_LineTo(p, px(cv, bx + uy * hw), py(cv, by - ux * hw));
        HPDF_Page_ClosePath(p);
        HPDF_Page_Fill(p);
    }
}

/* Shows the spans [FROM, TO) of PD in one text object. */
static void draw_spans(const fs_pdf_drawing *pd, const canvas *cv, size_t from,
                       size_t to)
{
    HPDF_Page p = cv->page;
    int face = -1;
    double size = -1;
    uint32_t color = FS_DRAW_NO_COLOR;

    if (from >= to)
        return;
    HPDF_Page_BeginText(p);
    for (size_t i = from; i < to; i++) {
        const span *s = &pd->sp[i];
        HPDF_Font font = fs_pdf_fonts_get(pd->pf, s->face);
        char *text;

        if (!font)
            continue;
        if (s->face != face || !fs_exact_eq(s->size, size)) {
            HPDF_Page_SetFontAndSize(p, font, (HPDF_REAL)s->size);
            face = s->face;
            size = s->size;
        }
        if (s->color != color) {
            set_color(p, s->color, 1);
            color = s->color;
        }
        HPDF_Page_SetTextMatrix(p, 1, 0, 0, 1, px(cv, s->x), py(cv, s->y));
        text = fs_pdf_fonts_encode(pd->pf, s->face, pd->cps + s->c0, s->n);
        HPDF_Page_ShowText(p, text);
        free(text);
    }
    HPDF_Page_EndText(p);
}

/* See fs-pdf-draw.h. */
void fs_pdf_drawing_draw(const fs_pdf_drawing *pd, HPDF_Page page, double page_h)
{
    const fs_drawing *dr = pd->dr;
    canvas cv = { page, dr->page_x * MM, page_h - dr->page_y * MM };

    HPDF_Page_GSave(page);
    HPDF_Page_SetLineCap(page, HPDF_BUTT_END);
    HPDF_Page_SetLineJoin(page, HPDF_MITER_JOIN);
    for (size_t i = 0; i < dr->nshapes; i++)
        draw_shape(&cv, &dr->shapes[i]);
    set_dash(page, 0);
    draw_spans(pd, &cv, 0, pd->end_shapes);
    for (size_t i = 0; i < dr->nconnectors; i++)
        draw_connector(&cv, &dr->connectors[i]);
    set_dash(page, 0);
    draw_spans(pd, &cv, pd->end_shapes, pd->end_connectors);
    draw_spans(pd, &cv, pd->end_connectors, pd->nsp);
    HPDF_Page_GRestore(page);
}
