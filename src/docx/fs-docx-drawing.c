/*
 * fs-docx-drawing.c - a fs_drawing (fs-draw.h) in word/document.xml as one
 * drawing: a DrawingML group (wpg:wgp) of shapes (wps:wsp) that Word
 * 2010+, WPS and LibreOffice show and edit, so that the chart moves as a
 * whole, and whose arrows are connectors attached to their boxes
 * (a:stCxn, a:endCxn), so that moving a box in Word drags its arrows.
 *
 * The drawing gets a paragraph of its own (1 pt high) holding one
 * w:drawing, a wp:anchor placed relative to the page at the drawing's
 * page_x, page_y plus the top left corner of what it draws, floating over
 * the text (wrapNone).  The group's child coordinates are its own extent
 * (chOff 0, chExt = ext: LibreOffice 7.4 fits the children's bounding box
 * to the group), and its children, in the drawing's order, are
 *
 *   a box      a rect or roundRect (start, end), filled and bordered as
 *              the drawing says, its label in the shape's own text box
 *              (wps:txbx): one paragraph per measured line, exact line
 *              pitch, centred, the box's text area the label's box plus a
 *              little room, since Word measures with its own metrics; a
 *              review is two rects, the outer one filled (the one arrows
 *              attach to), the inner one without fill holding the label
 *              (LibreOffice 7.4 draws an a:ln cmpd="dbl" as one thick
 *              line);
 *   an arrow   one straightConnector1 per segment of the polyline (flipH
 *              / flipV for segments going left or up), the last one with
 *              a:tailEnd type="triangle"; dashed as the drawing says; the
 *              first segment starts at its source box (stCxn) and the last
 *              ends at its target (endCxn), on the connection site of the
 *              side it touches (rect and roundRect: 0 top, 1 left, 2
 *              bottom, 3 right), so a straight arrow is attached at both
 *              ends;
 *   a text     an arrow's label, the title, a date, the legend: a text
 *              box without fill or line around the text's box, wider on
 *              the side(s) its alignment lets the lines grow to.
 *
 * wps and wpg are Microsoft's extensions (MS-ODRAWXML), not ECMA-376;
 * tests/ooxml/ holds the part of their schemas used here, so that the
 * part validates together with the ECMA schemas.
 *
 * Sizes are EMU (36000 per mm, 12700 per point), rounded to integers, so
 * the bytes do not depend on the locale.
 */
#include "fs-docx-private.h"
#include "fs-draw.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define NS_WP "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
#define NS_A "http://schemas.openxmlformats.org/drawingml/2006/main"
#define NS_WPS "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
#define NS_WPG "http://schemas.microsoft.com/office/word/2010/wordprocessingGroup"

#define EMU_MM 36000.0          /* EMU per millimetre                      */
#define EMU_PT 12700.0          /* EMU per point                           */
#define Z_BASE 251658240L       /* relativeHeight of a drawing             */
#define ROOM 2.0                /* mm a box gives its label's lines beyond
                                   their measured width, on each side      */
#define ROOM_Y 1.0              /* mm above and below a text's lines       */
/* A text without a box may grow by ROOM_TEXT mm plus this share of its
 * width where it is free to: LibreOffice puts a quarter em between Chinese
 * and Latin letters or digits whatever w:autoSpaceDE says, which makes
 * "2018年4月25日 通过" a good deal wider than measured. */
#define ROOM_TEXT 3.0
#define ROOM_SHARE 0.3

/* How one anchored shape is written. */
typedef struct wsp {
    double x, y, w, h;          /* mm in the drawing                       */
    const char *geom;           /* prstGeom: rect, roundRect, straight…    */
    long adj;                   /* roundRect: the corner, 1/100000 of the
                                   shorter side; -1: none                  */
    int flip_h, flip_v;
    uint32_t fill, line;        /* FS_DRAW_NO_COLOR: none                  */
    double line_pt;
    int dashed, arrow;
    const fs_draw_text *text;   /* NULL: no text box                       */
    double ins_l, ins_r;        /* mm, the text box's insets left, right   */
    const char *name;           /* cNvPr name (a kind: 方框, 箭头, 文字)    */
    long id;                    /* cNvPr id, unique in the document        */
    long st_id, end_id;         /* a connector's boxes (their ids), 0: none */
    int st_idx, end_idx;        /* their connection sites                  */
} wsp;

/* The shapes of one drawing, collected before they are written (the
 * group's extent is their bounding box). */
typedef struct dctx {
    fs_dx *x;
    const fs_docx_ctx *c;
    const fs_drawing *dr;
    long *id;                   /* the next docPr id of the document       */
    wsp *v;
    size_t n, cap;
    long *box_id;               /* per dr->shapes[i]: the id arrows attach
                                   to (its outer rect)                     */
    double ox, oy;              /* the group's top left corner, mm         */
} dctx;

/* MM millimetres in EMU. */
static long emu(double mm)
{
    return isfinite(mm) ? lround(mm * EMU_MM) : 0;
}

/* Writes "RRGGBB" of C into BUF (7 bytes) and returns it. */
static const char *hex(char *buf, uint32_t c)
{
    snprintf(buf, 7, "%06X", (unsigned)(c & 0xFFFFFFu));
    return buf;
}

/* See fs-docx-private.h: the namespaces of the shapes, on the element
 * just opened, when DOC holds a drawing. */
void fs_docx_drawing_namespaces(fs_dx *x, const fs_doc *doc)
{
    for (size_t i = 0; i < doc->nblocks; i++)
        if (doc->blocks[i].kind == FS_BLOCK_DRAWING && doc->blocks[i].u.drawing) {
            fs_dx_attr(x, "xmlns:wp", NS_WP);
            fs_dx_attr(x, "xmlns:a", NS_A);
            fs_dx_attr(x, "xmlns:wps", NS_WPS);
            fs_dx_attr(x, "xmlns:wpg", NS_WPG);
            return;
        }
}

/* ------------------------------------------------------------------------
 * Text.
 * ---------------------------------------------------------------------- */

/* The w:jc value of A (a justified line is a left one: it is one line). */
static const char *jc(fs_align a)
{
    return a == FS_ALIGN_CENTER ? "center" : a == FS_ALIGN_RIGHT ? "right" : "left";
}

/* Write the <w:r> elements of LINE in the role, size and colour of T:
 * one per font piece, as the body's runs (fs_docx_ctx_segment). */
static void write_runs(fs_dx *x, const fs_docx_ctx *c, const fs_draw_text *t,
                       const char *line)
{
    const char *s = line;
    char col[8];

    while (*s) {
        int font;
        size_t n = fs_docx_ctx_segment(c, t->role, s, &font);

        fs_dx_start(x, "w:r");
        fs_dx_start(x, "w:rPr");                /* rFonts, color, sz, szCs */
        fs_docx_write_rfonts(x, c, font);
        fs_dx_val(x, "w:color", hex(col, t->color));
        fs_dx_val_int(x, "w:sz", fs_dx_hps(t->size));
        fs_dx_val_int(x, "w:szCs", fs_dx_hps(t->size));
        fs_dx_end(x);
        fs_dx_start(x, "w:t");
        fs_dx_attr(x, "xml:space", "preserve");
        fs_dx_text(x, s, n);
        fs_dx_end(x);
        fs_dx_end(x);
        s += n;
    }
}

/* Write the <w:txbxContent> of T: one paragraph per line, no space around
 * it, the line pitch exactly T's leading, aligned as T says. */
static void write_txbx_content(fs_dx *x, const fs_docx_ctx *c, const fs_draw_text *t)
{
    fs_dx_start(x, "w:txbxContent");
    for (size_t i = 0; i < t->nlines; i++) {
        fs_dx_start(x, "w:p");
        fs_dx_start(x, "w:pPr");    /* autoSpaceDE, autoSpaceDN, spacing, ind, jc */
        fs_dx_val_int(x, "w:autoSpaceDE", 0);
        fs_dx_val_int(x, "w:autoSpaceDN", 0);
        fs_dx_start(x, "w:spacing");
        fs_dx_attr_int(x, "w:before", 0);
        fs_dx_attr_int(x, "w:after", 0);
        fs_dx_attr_int(x, "w:line", fs_dx_mm(t->leading));
        fs_dx_attr(x, "w:lineRule", "exact");
        fs_dx_end(x);
        fs_dx_start(x, "w:ind");
        fs_dx_attr_int(x, "w:left", 0);
        fs_dx_attr_int(x, "w:right", 0);
        fs_dx_attr_int(x, "w:firstLine", 0);
        fs_dx_end(x);
        fs_dx_val(x, "w:jc", jc(t->align));
        fs_dx_end(x);
        write_runs(x, c, t, t->lines[i].text ? t->lines[i].text : "");
        fs_dx_end(x);
    }
    fs_dx_end(x);
}

/* The lines of T joined by spaces (malloc'd): a shape's alternative
 * text. */
static char *text_joined(const fs_draw_text *t)
{
    fs_buf b = {0};

    fs_buf_adds(&b, "");
    for (size_t i = 0; i < t->nlines; i++) {
        if (i)
            fs_buf_adds(&b, " ");
        fs_buf_adds(&b, t->lines[i].text ? t->lines[i].text : "");
    }
    return b.s;
}

/* ------------------------------------------------------------------------
 * Shapes.
 * ---------------------------------------------------------------------- */

/* Write a <a:solidFill> of C. */
static void write_solid_fill(fs_dx *x, uint32_t c)
{
    char col[8];

    fs_dx_start(x, "a:solidFill");
    fs_dx_start(x, "a:srgbClr");
    fs_dx_attr(x, "val", hex(col, c));
    fs_dx_end(x);
    fs_dx_end(x);
}

/* Write the <wps:spPr> element of S, placed at OX, OY (mm) from the
 * group's corner.  Schema order: xfrm, prstGeom, fill, ln (fill,
 * prstDash, miter, headEnd, tailEnd). */
static void write_sppr(fs_dx *x, const wsp *s, double ox, double oy)
{
    fs_dx_start(x, "wps:spPr");
    fs_dx_start(x, "a:xfrm");
    if (s->flip_h)
        fs_dx_attr_int(x, "flipH", 1);
    if (s->flip_v)
        fs_dx_attr_int(x, "flipV", 1);
    fs_dx_start(x, "a:off");
    fs_dx_attr_int(x, "x", emu(s->x - ox));
    fs_dx_attr_int(x, "y", emu(s->y - oy));
    fs_dx_end(x);
    fs_dx_start(x, "a:ext");
    fs_dx_attr_int(x, "cx", emu(s->w));
    fs_dx_attr_int(x, "cy", emu(s->h));
    fs_dx_end(x);
    fs_dx_end(x);
    fs_dx_start(x, "a:prstGeom");
    fs_dx_attr(x, "prst", s->geom);
    fs_dx_start(x, "a:avLst");
    if (s->adj >= 0) {
        char fmla[32];

        snprintf(fmla, sizeof fmla, "val %ld", s->adj);
        fs_dx_start(x, "a:gd");
        fs_dx_attr(x, "name", "adj");
        fs_dx_attr(x, "fmla", fmla);
        fs_dx_end(x);
    }
    fs_dx_end(x);
    fs_dx_end(x);
    if (s->fill == FS_DRAW_NO_COLOR)
        fs_dx_empty(x, "a:noFill");
    else
        write_solid_fill(x, s->fill);
    fs_dx_start(x, "a:ln");
    if (s->line == FS_DRAW_NO_COLOR) {
        fs_dx_empty(x, "a:noFill");
    } else {
        fs_dx_attr_int(x, "w", lround(s->line_pt * EMU_PT));
        write_solid_fill(x, s->line);
        if (s->dashed) {
            fs_dx_start(x, "a:prstDash");
            fs_dx_attr(x, "val", "dash");
            fs_dx_end(x);
        }
        fs_dx_empty(x, "a:miter");
        if (s->arrow) {
            fs_dx_start(x, "a:tailEnd");
            fs_dx_attr(x, "type", "triangle");
            fs_dx_attr(x, "w", "med");
            fs_dx_attr(x, "len", "lg");
            fs_dx_end(x);
        }
    }
    fs_dx_end(x);
    fs_dx_end(x);
}

/* Write the <wps:bodyPr> element: for a text box its insets, the lines
 * centred vertically and kept as they are (no autofit). */
static void write_bodypr(fs_dx *x, const wsp *s)
{
    fs_dx_start(x, "wps:bodyPr");
    if (s->text) {
        fs_dx_attr(x, "rot", "0");
        fs_dx_attr(x, "vert", "horz");
        fs_dx_attr(x, "wrap", "square");
        fs_dx_attr_int(x, "lIns", emu(s->ins_l));
        fs_dx_attr_int(x, "tIns", 0);
        fs_dx_attr_int(x, "rIns", emu(s->ins_r));
        fs_dx_attr_int(x, "bIns", 0);
        fs_dx_attr(x, "anchor", "ctr");
        fs_dx_attr(x, "anchorCtr", "0");
        fs_dx_empty(x, "a:noAutofit");
    }
    fs_dx_end(x);
}

/* Write an <a:stCxn> or <a:endCxn> element NAME: shape ID, site IDX. */
static void write_cxn(fs_dx *x, const char *name, long id, int idx)
{
    fs_dx_start(x, name);
    fs_dx_attr_int(x, "id", id);
    fs_dx_attr_int(x, "idx", idx);
    fs_dx_end(x);
}

/* Write the <wps:wsp> element of S, a child of the group.  Schema order:
 * cNvPr, cNvSpPr or cNvCnPr (stCxn, endCxn), spPr, txbx, bodyPr. */
static void write_wsp(dctx *d, const wsp *s)
{
    fs_dx *x = d->x;
    char *name = fs_printf("%s %ld", s->name, s->id);
    char *descr = s->text ? text_joined(s->text) : NULL;

    fs_dx_start(x, "wps:wsp");
    fs_dx_start(x, "wps:cNvPr");
    fs_dx_attr_int(x, "id", s->id);
    fs_dx_attr(x, "name", name);
    if (descr && *descr)
        fs_dx_attr(x, "descr", descr);
    fs_dx_end(x);
    if (s->text || strcmp(s->geom, "straightConnector1") != 0) {
        fs_dx_start(x, "wps:cNvSpPr");
        if (s->text && s->line == FS_DRAW_NO_COLOR && s->fill == FS_DRAW_NO_COLOR)
            fs_dx_attr_int(x, "txBox", 1);
        fs_dx_end(x);
    } else {
        fs_dx_start(x, "wps:cNvCnPr");
        if (s->st_id > 0)
            write_cxn(x, "a:stCxn", s->st_id, s->st_idx);
        if (s->end_id > 0)
            write_cxn(x, "a:endCxn", s->end_id, s->end_idx);
        fs_dx_end(x);
    }
    write_sppr(x, s, d->ox, d->oy);
    if (s->text) {
        fs_dx_start(x, "wps:txbx");
        write_txbx_content(x, d->c, s->text);
        fs_dx_end(x);
    }
    write_bodypr(x, s);
    fs_dx_end(x);
    free(name);
    free(descr);
}

/* Write a <wp:positionH> or <wp:positionV> element: OFFSET mm from the
 * page's left or top edge. */
static void write_position(fs_dx *x, const char *name, double offset)
{
    char v[24];

    fs_dx_start(x, name);
    fs_dx_attr(x, "relativeFrom", "page");
    snprintf(v, sizeof v, "%ld", emu(offset));
    fs_dx_element(x, "wp:posOffset", v);
    fs_dx_end(x);
}

/* Write an <a:off>/<a:ext>-like element NAME with attributes A, B. */
static void write_pair(fs_dx *x, const char *name, const char *a, long va,
                       const char *b, long vb)
{
    fs_dx_start(x, name);
    fs_dx_attr_int(x, a, va);
    fs_dx_attr_int(x, b, vb);
    fs_dx_end(x);
}

/* Write the <wpg:wgp> element: the group (W x H mm) and its children. */
static void write_wgp(dctx *d, double w, double h)
{
    fs_dx *x = d->x;

    fs_dx_start(x, "wpg:wgp");
    fs_dx_empty(x, "wpg:cNvGrpSpPr");
    fs_dx_start(x, "wpg:grpSpPr");
    fs_dx_start(x, "a:xfrm");
    write_pair(x, "a:off", "x", 0, "y", 0);
    write_pair(x, "a:ext", "cx", emu(w), "cy", emu(h));
    write_pair(x, "a:chOff", "x", 0, "y", 0);
    write_pair(x, "a:chExt", "cx", emu(w), "cy", emu(h));
    fs_dx_end(x);
    fs_dx_end(x);
    for (size_t i = 0; i < d->n; i++)
        write_wsp(d, &d->v[i]);
    fs_dx_end(x);
}

/* Write the run holding the <w:drawing>: one <wp:anchor> around the
 * bounding box of every collected shape, the group inside.  Schema order:
 * simplePos, positionH, positionV, extent, effectExtent, wrap*, docPr,
 * cNvGraphicFramePr, graphic. */
static void write_group(dctx *d, long id)
{
    fs_dx *x = d->x;
    double x1 = d->ox, y1 = d->oy;
    char *name = fs_printf("流程图 %ld", id);

    for (size_t i = 0; i < d->n; i++) {
        x1 = fmax(x1, d->v[i].x + d->v[i].w);
        y1 = fmax(y1, d->v[i].y + d->v[i].h);
    }
    fs_dx_start(x, "w:r");
    fs_dx_start(x, "w:drawing");
    fs_dx_start(x, "wp:anchor");
    fs_dx_attr_int(x, "distT", 0);
    fs_dx_attr_int(x, "distB", 0);
    fs_dx_attr_int(x, "distL", 0);
    fs_dx_attr_int(x, "distR", 0);
    fs_dx_attr_int(x, "simplePos", 0);
    fs_dx_attr_int(x, "relativeHeight", Z_BASE);
    fs_dx_attr_int(x, "behindDoc", 0);
    fs_dx_attr_int(x, "locked", 0);
    fs_dx_attr_int(x, "layoutInCell", 1);
    fs_dx_attr_int(x, "allowOverlap", 1);
    write_pair(x, "wp:simplePos", "x", 0, "y", 0);
    write_position(x, "wp:positionH", d->dr->page_x + d->ox);
    write_position(x, "wp:positionV", d->dr->page_y + d->oy);
    write_pair(x, "wp:extent", "cx", emu(x1 - d->ox), "cy", emu(y1 - d->oy));
    fs_dx_start(x, "wp:effectExtent");
    fs_dx_attr_int(x, "l", 0);
    fs_dx_attr_int(x, "t", 0);
    fs_dx_attr_int(x, "r", 0);
    fs_dx_attr_int(x, "b", 0);
    fs_dx_end(x);
    fs_dx_empty(x, "wp:wrapNone");
    fs_dx_start(x, "wp:docPr");
    fs_dx_attr_int(x, "id", id);
    fs_dx_attr(x, "name", name);
    if (d->dr->title && *d->dr->title)
        fs_dx_attr(x, "descr", d->dr->title);
    fs_dx_end(x);
    fs_dx_empty(x, "wp:cNvGraphicFramePr");
    fs_dx_start(x, "a:graphic");
    fs_dx_start(x, "a:graphicData");
    fs_dx_attr(x, "uri", NS_WPG);
    write_wgp(d, x1 - d->ox, y1 - d->oy);
    fs_dx_end(x);
    fs_dx_end(x);
    fs_dx_end(x);
    fs_dx_end(x);
    fs_dx_end(x);
    free(name);
}

/* Adds S to the drawing's shapes with the next id; returns its id. */
static long add(dctx *d, const wsp *s)
{
    if (d->n == d->cap) {
        d->cap = d->cap ? 2 * d->cap : 64;
        d->v = fs_xrealloc(d->v, d->cap * sizeof *d->v);
    }
    d->v[d->n] = *s;
    d->v[d->n].id = (*d->id)++;
    return d->v[d->n++].id;
}

/* Collects box SH (number I of the drawing): its geometry, fill, border
 * and label; a double border as a filled outer rect and an inner one
 * with the label. */
static void add_shape(dctx *d, const fs_draw_shape *sh, size_t i)
{
    const fs_draw_text *t = &sh->label;
    double side = fmin(sh->w, sh->h);
    wsp s = {
        .x = sh->x, .y = sh->y, .w = sh->w, .h = sh->h, .geom = "rect",
        .adj = -1, .fill = sh->fill, .line = sh->stroke,
        .line_pt = sh->stroke_pt, .dashed = sh->dashed, .name = "方框",
    };

    if (!(sh->stroke_pt > 0))
        s.line = FS_DRAW_NO_COLOR;
    if (sh->kind == FS_SHAPE_ROUNDED) {
        s.geom = "roundRect";
        s.adj = side > 0 ? lround(fmin(sh->radius / side, 0.5) * 100000) : 0;
    } else if (sh->kind == FS_SHAPE_DOUBLE && s.line != FS_DRAW_NO_COLOR &&
               sh->inset > 0 && sh->w > 2 * sh->inset && sh->h > 2 * sh->inset) {
        d->box_id[i] = add(d, &s);
        s.x += sh->inset;
        s.y += sh->inset;
        s.w -= 2 * sh->inset;
        s.h -= 2 * sh->inset;
        s.fill = FS_DRAW_NO_COLOR;
    }
    if (t->nlines) {
        s.text = t;
        s.ins_l = fmax(0, t->x - s.x - ROOM);
        s.ins_r = fmax(0, s.x + s.w - t->x - t->w - ROOM);
    }
    if (d->box_id[i])
        add(d, &s);
    else
        d->box_id[i] = add(d, &s);
}

/* The box of node ID (its index in the drawing), or -1. */
static long find_box(const fs_drawing *dr, const char *id)
{
    for (size_t i = 0; id && i < dr->nshapes; i++)
        if (dr->shapes[i].id && strcmp(dr->shapes[i].id, id) == 0)
            return (long)i;
    return -1;
}

/* The connection site of a rect or roundRect that point P lies on: 0 top,
 * 1 left, 2 bottom, 3 right (the nearest side of SH). */
static int site(const fs_draw_shape *sh, fs_draw_point p)
{
    double dist[4] = {
        fabs(p.y - sh->y), fabs(p.x - sh->x),
        fabs(p.y - (sh->y + sh->h)), fabs(p.x - (sh->x + sh->w)),
    };
    int best = 0;

    for (int k = 1; k < 4; k++)
        if (dist[k] < dist[best])
            best = k;
    return best;
}

/* Collects connector C: one straight connector per segment, the first
 * attached to the source box, the last to the target and carrying the
 * arrowhead. */
static void add_connector(dctx *d, const fs_draw_connector *c)
{
    long from = find_box(d->dr, c->from), to = find_box(d->dr, c->to);
    size_t first = c->npts, last = 0;

    for (size_t k = 0; k + 1 < c->npts; k++)
        if (fabs(c->pts[k + 1].x - c->pts[k].x) >= 1e-3 ||
            fabs(c->pts[k + 1].y - c->pts[k].y) >= 1e-3) {
            if (first == c->npts)
                first = k;
            last = k;
        }
    for (size_t k = first; k + 1 < c->npts && k <= last; k++) {
        fs_draw_point a = c->pts[k], b = c->pts[k + 1];
        wsp s = {
            .x = fmin(a.x, b.x), .y = fmin(a.y, b.y), .w = fabs(b.x - a.x),
            .h = fabs(b.y - a.y), .geom = "straightConnector1", .adj = -1,
            .flip_h = b.x < a.x, .flip_v = b.y < a.y, .fill = FS_DRAW_NO_COLOR,
            .line = c->color, .line_pt = c->stroke_pt > 0 ? c->stroke_pt : 0.75,
            .dashed = c->dashed, .arrow = c->arrow && k == last,
            .name = "箭头",
        };

        if (s.w < 1e-3 && s.h < 1e-3)
            continue;
        if (k == first && from >= 0 && d->box_id[from]) {
            s.st_id = d->box_id[from];
            s.st_idx = site(&d->dr->shapes[from], c->pts[0]);
        }
        if (k == last && to >= 0 && d->box_id[to]) {
            s.end_id = d->box_id[to];
            s.end_idx = site(&d->dr->shapes[to], c->pts[c->npts - 1]);
        }
        add(d, &s);
    }
}

/* Collects T (an arrow's label or a text item) as a text box without
 * fill or line around T's box, wider where its lines may grow: both sides
 * when centred, else the side away from the alignment. */
static void add_text(dctx *d, const fs_draw_text *t)
{
    double room = ROOM_TEXT + ROOM_SHARE * t->w;
    double left = t->align == FS_ALIGN_LEFT || t->align == FS_ALIGN_JUSTIFY ? 0 : room;
    double right = t->align == FS_ALIGN_RIGHT ? 0 : room;
    wsp s = {
        .x = t->x - left, .y = t->y - ROOM_Y, .w = t->w + left + right,
        .h = t->h + 2 * ROOM_Y, .geom = "rect", .adj = -1,
        .fill = FS_DRAW_NO_COLOR, .line = FS_DRAW_NO_COLOR, .text = t,
        .name = "文字",
    };

    if (t->nlines)
        add(d, &s);
}

/* See fs-docx-private.h: the paragraph (its page break before it when
 * BREAK_BEFORE) and the group of, in the drawing's order, the boxes, the
 * arrows, the arrows' labels and the texts. */
void fs_docx_drawing_write(fs_dx *x, const fs_docx_ctx *c, const fs_drawing *dr,
                           int break_before, long *id)
{
    dctx d = { x, c, dr, id, NULL, 0, 0, NULL, 0, 0 };
    long group_id = (*id)++;

    d.box_id = fs_xcalloc(dr->nshapes ? dr->nshapes : 1, sizeof *d.box_id);
    for (size_t i = 0; i < dr->nshapes; i++)
        add_shape(&d, &dr->shapes[i], i);
    for (size_t i = 0; i < dr->nconnectors; i++)
        add_connector(&d, &dr->connectors[i]);
    for (size_t i = 0; i < dr->nconnectors; i++)
        add_text(&d, &dr->connectors[i].label);
    for (size_t i = 0; i < dr->ntexts; i++)
        add_text(&d, &dr->texts[i].text);
    d.ox = d.n ? d.v[0].x : 0;
    d.oy = d.n ? d.v[0].y : 0;
    for (size_t i = 0; i < d.n; i++) {
        d.ox = fmin(d.ox, d.v[i].x);
        d.oy = fmin(d.oy, d.v[i].y);
    }

    fs_dx_start(x, "w:p");
    fs_dx_start(x, "w:pPr");                    /* pageBreakBefore, spacing */
    if (break_before)
        fs_dx_empty(x, "w:pageBreakBefore");
    fs_docx_write_thin_spacing(x);
    fs_dx_end(x);
    if (d.n)
        write_group(&d, group_id);
    fs_dx_end(x);
    free(d.v);
    free(d.box_id);
}
