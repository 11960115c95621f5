/*
 * fs-docx-drawing.c - a fs_drawing (fs-draw.h) in word/document.xml as
 * separate anchored DrawingML shapes (wps:wsp), which Word 2010+, WPS and
 * LibreOffice show and edit: no groups (LibreOffice misplaces the text of
 * text boxes in a group) and no mc:AlternateContent.
 *
 * The drawing gets a paragraph of its own (1 pt high) that holds one
 * w:drawing per shape, each a wp:anchor placed relative to the page at
 * the drawing's page_x, page_y plus the shape's position, floating over
 * the text (wrapNone), stacked in the drawing's order (relativeHeight):
 *
 *   a box      a rect or roundRect (start, end), filled and bordered as
 *              the drawing says, its label in the shape's own text box
 *              (wps:txbx): one paragraph per measured line, exact line
 *              pitch, centred, the box's text area the label's box plus a
 *              little room, since Word measures with its own metrics; a
 *              review is two rects, the outer one filled, the inner one
 *              without fill holding the label (LibreOffice 7.4 draws an
 *              a:ln cmpd="dbl" as one thick line);
 *   an arrow   one straightConnector1 per segment of the polyline (flipH
 *              / flipV for segments going left or up), the last one with
 *              a:tailEnd type="triangle"; dashed as the drawing says;
 *   a text     an arrow's label, the title, a date, the legend: a text
 *              box without fill or line around the text's box, wider on
 *              the side(s) its alignment lets the lines grow to.
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

#define EMU_MM 36000.0          /* EMU per millimetre                      */
#define EMU_PT 12700.0          /* EMU per point                           */
#define Z_BASE 251658240L       /* relativeHeight of the first shape       */
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
    const char *name;           /* docPr name (a kind: 方框, 箭头, 文字)    */
} wsp;

/* The state of one drawing being written. */
typedef struct dctx {
    fs_dx *x;
    const fs_docx_ctx *c;
    const fs_drawing *dr;
    long *id;                   /* the next docPr id of the document       */
    long z;                     /* shapes written so far                   */
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

/* Write the <wps:spPr> element of S.  Schema order: xfrm, prstGeom, fill,
 * ln (fill, prstDash, miter, headEnd, tailEnd). */
static void write_sppr(fs_dx *x, const wsp *s)
{
    fs_dx_start(x, "wps:spPr");
    fs_dx_start(x, "a:xfrm");
    if (s->flip_h)
        fs_dx_attr_int(x, "flipH", 1);
    if (s->flip_v)
        fs_dx_attr_int(x, "flipV", 1);
    fs_dx_start(x, "a:off");
    fs_dx_attr_int(x, "x", 0);
    fs_dx_attr_int(x, "y", 0);
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

/* Write the <wps:wsp> element of S. */
static void write_wsp(dctx *d, const wsp *s)
{
    fs_dx *x = d->x;

    fs_dx_start(x, "wps:wsp");
    if (s->text || strcmp(s->geom, "straightConnector1") != 0) {
        fs_dx_start(x, "wps:cNvSpPr");
        if (s->text && s->line == FS_DRAW_NO_COLOR && s->fill == FS_DRAW_NO_COLOR)
            fs_dx_attr_int(x, "txBox", 1);
        fs_dx_end(x);
    } else {
        fs_dx_empty(x, "wps:cNvCnPr");
    }
    write_sppr(x, s);
    if (s->text) {
        fs_dx_start(x, "wps:txbx");
        write_txbx_content(x, d->c, s->text);
        fs_dx_end(x);
    }
    write_bodypr(x, s);
    fs_dx_end(x);
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

/* Write S as a run holding a <w:drawing> with one <wp:anchor>.  Schema
 * order: simplePos, positionH, positionV, extent, effectExtent, wrap*,
 * docPr, cNvGraphicFramePr, graphic. */
static void write_anchor(dctx *d, const wsp *s)
{
    fs_dx *x = d->x;
    long id = (*d->id)++;
    char *name = fs_printf("%s %ld", s->name, id);
    char *descr = s->text ? text_joined(s->text) : NULL;

    fs_dx_start(x, "w:r");
    fs_dx_start(x, "w:drawing");
    fs_dx_start(x, "wp:anchor");
    fs_dx_attr_int(x, "distT", 0);
    fs_dx_attr_int(x, "distB", 0);
    fs_dx_attr_int(x, "distL", 0);
    fs_dx_attr_int(x, "distR", 0);
    fs_dx_attr_int(x, "simplePos", 0);
    fs_dx_attr_int(x, "relativeHeight", Z_BASE + d->z++);
    fs_dx_attr_int(x, "behindDoc", 0);
    fs_dx_attr_int(x, "locked", 0);
    fs_dx_attr_int(x, "layoutInCell", 1);
    fs_dx_attr_int(x, "allowOverlap", 1);
    fs_dx_start(x, "wp:simplePos");
    fs_dx_attr_int(x, "x", 0);
    fs_dx_attr_int(x, "y", 0);
    fs_dx_end(x);
    write_position(x, "wp:positionH", d->dr->page_x + s->x);
    write_position(x, "wp:positionV", d->dr->page_y + s->y);
    fs_dx_start(x, "wp:extent");
    fs_dx_attr_int(x, "cx", emu(s->w));
    fs_dx_attr_int(x, "cy", emu(s->h));
    fs_dx_end(x);
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
    if (descr && *descr)
        fs_dx_attr(x, "descr", descr);
    fs_dx_end(x);
    fs_dx_empty(x, "wp:cNvGraphicFramePr");
    fs_dx_start(x, "a:graphic");
    fs_dx_start(x, "a:graphicData");
    fs_dx_attr(x, "uri", NS_WPS);
    write_wsp(d, s);
    fs_dx_end(x);
    fs_dx_end(x);
    fs_dx_end(x);
    fs_dx_end(x);
    fs_dx_end(x);
    free(name);
    free(descr);
}

/* Writes box SH: its geometry, fill, border and label; a double border
 * as a filled outer rect and an inner one with the label. */
static void write_shape(dctx *d, const fs_draw_shape *sh)
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
        write_anchor(d, &s);
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
    write_anchor(d, &s);
}

/* Writes connector C: one straight connector per segment, the arrowhead
 * on the last. */
static void write_connector(dctx *d, const fs_draw_connector *c)
{
    for (size_t k = 0; k + 1 < c->npts; k++) {
        fs_draw_point a = c->pts[k], b = c->pts[k + 1];
        wsp s = {
            .x = fmin(a.x, b.x), .y = fmin(a.y, b.y), .w = fabs(b.x - a.x),
            .h = fabs(b.y - a.y), .geom = "straightConnector1", .adj = -1,
            .flip_h = b.x < a.x, .flip_v = b.y < a.y, .fill = FS_DRAW_NO_COLOR,
            .line = c->color, .line_pt = c->stroke_pt > 0 ? c->stroke_pt : 0.75,
            .dashed = c->dashed, .arrow = c->arrow && k + 2 == c->npts,
            .name = "箭头",
        };

        if (s.w < 1e-3 && s.h < 1e-3)
            continue;
        write_anchor(d, &s);
    }
}

/* Writes T (an arrow's label or a text item) as a text box without fill
 * or line around T's box, wider where its lines may grow: both sides when
 * centred, else the side away from the alignment. */
static void write_text(dctx *d, const fs_draw_text *t)
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
        write_anchor(d, &s);
}

/* See fs-docx-private.h: the paragraph (its page break before it when
 * BREAK_BEFORE) and, in the drawing's order, the boxes, the arrows, the
 * arrows' labels and the texts. */
void fs_docx_drawing_write(fs_dx *x, const fs_docx_ctx *c, const fs_drawing *dr,
                           int break_before, long *id)
{
    dctx d = { x, c, dr, id, 0 };

    fs_dx_start(x, "w:p");
    fs_dx_start(x, "w:pPr");                    /* pageBreakBefore, spacing */
    if (break_before)
        fs_dx_empty(x, "w:pageBreakBefore");
    fs_dx_start(x, "w:spacing");
    fs_dx_attr_int(x, "w:before", 0);
    fs_dx_attr_int(x, "w:after", 0);
    fs_dx_attr_int(x, "w:line", 20);
    fs_dx_attr(x, "w:lineRule", "exact");
    fs_dx_end(x);
    fs_dx_end(x);
    for (size_t i = 0; i < dr->nshapes; i++)
        write_shape(&d, &dr->shapes[i]);
    for (size_t i = 0; i < dr->nconnectors; i++)
        write_connector(&d, &dr->connectors[i]);
    for (size_t i = 0; i < dr->nconnectors; i++)
        write_text(&d, &dr->connectors[i].label);
    for (size_t i = 0; i < dr->ntexts; i++)
        write_text(&d, &dr->texts[i].text);
    fs_dx_end(x);
}
