/*
 * fs-draw.h - a backend-neutral drawing: boxes, arrows and texts in mm.
 *
 * A fs_drawing is one page's content laid out completely: every position,
 * every line break and every line width is decided here (measured with the
 * fontset), so a backend only strokes, fills and shows text where it is
 * told.  fs-flow-layout.c builds the flowcharts of 附件4 and 附件5 as
 * drawings; fs-pdf-draw.c and fs-docx-drawing.c draw them (a
 * FS_BLOCK_DRAWING of fs-doc.h).
 *
 * Coordinates: millimetres, origin at the top-left corner of the drawing,
 * x to the right, y DOWN.  The drawing covers the text block of the page:
 * its origin sits at (page_x, page_y) mm from the top-left corner of a page
 * of page_w x page_h mm (A4 with GB/T 9704 margins: 28, 37 on 210 x 297;
 * the drawing is 156 x 225).  A PDF backend maps a point (x, y) to
 * (page_x + x, page_h - page_y - y) in mm (times 72 / 25.4 for points).
 * Font sizes and stroke widths are points; colours 0xRRGGBB.
 *
 * How to draw it, in this order:
 *   1. shapes: fill (unless FS_DRAW_NO_COLOR), then the border:
 *      FS_SHAPE_RECT     a rectangle x, y, w, h;
 *      FS_SHAPE_ROUNDED  a rectangle with corners of radius `radius`;
 *      FS_SHAPE_DOUBLE   a rectangle x, y, w, h and a second one `inset` mm
 *                        inside it, both with the same stroke (DOCX: two
 *                        rects; LibreOffice 7.4 draws an a:ln
 *                        cmpd="dbl" as one thick line);
 *      dashed borders use a dash of 2 mm and a gap of 1 mm (DOCX: "dash").
 *      Then the label lines (see fs_draw_text).
 *   2. connectors: the polyline pts[0..npts-1] (every segment horizontal or
 *      vertical), dashed like the shapes when `dashed`; when `arrow`, a
 *      filled triangle with its tip at the last point, arrow_len mm long
 *      and arrow_w mm wide at its base, pointing along the last segment
 *      (stop the line arrow_len short of the tip so the line does not
 *      poke through it).  DOCX: one straight connector per segment, the
 *      arrowhead (a:tailEnd type="triangle") on the last.  Then the label,
 *      when it has lines: a white-filled box x, y, w, h without border (it
 *      is clear of every line and box, so the fill is optional) and its
 *      lines.
 *   3. texts (title, 附件 label, dates of a dossier, legend): their lines.
 *
 * Text: each line is one run of UTF-8 in one font role and size; the
 * backend picks a face per character with fs_fontset_pick exactly as the
 * measuring did, and shows the line with its baseline's left end at
 * (x, y).  The box x, y, w, h around the lines is what the layout kept
 * clear; a DOCX text box can use it with zero insets, one paragraph per
 * line, line pitch `leading`, aligned as `align` says.
 *
 * Ownership: the drawing owns everything in it; the builders copy the
 * strings they are given.  A pointer returned by a builder stays valid
 * until the next builder call on the same array (they grow by realloc).
 * The builders are defined in fs-draw.c.
 */
#ifndef FS_DRAW_H
#define FS_DRAW_H

#include "fs-base.h"
#include "fs-doc.h"
#include "fs-font.h"

#define FS_DRAW_NO_COLOR 0xFFFFFFFFu    /* no fill / no stroke            */

typedef enum fs_shape_kind {
    FS_SHAPE_RECT,              /* a step                                  */
    FS_SHAPE_ROUNDED,           /* start and end                           */
    FS_SHAPE_DOUBLE             /* a review: double border                 */
} fs_shape_kind;

/* What marking with a dossier said about a shape or a connector; the
 * colours are already set accordingly, the state is there for alt texts,
 * tests and a backend that wants to do more. */
typedef enum fs_mark_state {
    FS_MARK_NONE,               /* not reached (or no dossier)             */
    FS_MARK_DONE,               /* passed through                          */
    FS_MARK_CURRENT,            /* where the organisation stands           */
    FS_MARK_FAILED              /* a review whose last outcome is 不通过    */
} fs_mark_state;

typedef struct fs_draw_point { double x, y; } fs_draw_point;

typedef struct fs_draw_line {
    char *text;                 /* UTF-8, no line breaks                   */
    double x, y;                /* left end of the baseline, mm            */
    double width;               /* measured advance width, mm              */
} fs_draw_line;

typedef struct fs_draw_text {
    double x, y, w, h;          /* the box the lines sit in, mm            */
    fs_font_role role;
    double size;                /* points                                  */
    double leading;             /* baseline to baseline, mm                */
    uint32_t color;
    fs_align align;             /* of the lines within the box             */
    fs_draw_line *lines;        /* none: no text                           */
    size_t nlines;
} fs_draw_text;

typedef struct fs_draw_shape {
    char *id;                   /* the flowchart node, NULL for a legend   */
    fs_shape_kind kind;
    double x, y, w, h;          /* outer border, mm                        */
    double radius;              /* FS_SHAPE_ROUNDED: corner radius, mm     */
    double inset;               /* FS_SHAPE_DOUBLE: gap of the borders, mm */
    uint32_t fill, stroke;
    double stroke_pt;           /* border width, points                    */
    int dashed;
    fs_mark_state state;
    fs_draw_text label;         /* centred inside the (inner) border       */
} fs_draw_shape;

typedef struct fs_draw_connector {
    char *from, *to;            /* node ids of the ends                    */
    fs_draw_point *pts;         /* at least 2; pts[0] on the source's
                                   border, pts[npts-1] on the target's     */
    size_t npts;
    int arrow;                  /* arrowhead at the last point             */
    double arrow_len, arrow_w;  /* mm                                      */
    uint32_t color;
    double stroke_pt;
    int dashed;
    fs_mark_state state;        /* DONE: a step of the dossier's path;
                                   FAILED: a 不通过 it went through          */
    fs_draw_text label;         /* nlines == 0: no label                   */
} fs_draw_connector;

typedef enum fs_draw_text_kind {
    FS_TEXT_ATTACHMENT,         /* 附件4, top left                          */
    FS_TEXT_TITLE,              /* the chart's title, centred               */
    FS_TEXT_NOTE,               /* a date (and outcome) beside a box        */
    FS_TEXT_LEGEND              /* the legend and its heading               */
} fs_draw_text_kind;

typedef struct fs_draw_item {
    fs_draw_text_kind kind;
    char *node;                 /* FS_TEXT_NOTE: the node id, else NULL    */
    fs_draw_text text;
} fs_draw_item;

typedef struct fs_drawing {
    double width, height;       /* mm: the text block, 156 x 225 on A4     */
    double page_w, page_h;      /* mm: the page, 210 x 297                 */
    double page_x, page_y;      /* mm: the drawing's origin on the page    */
    /* Where the chart itself lies, and where a legend goes (below it,
     * height legend_h from legend_y); fs_flow_mark keeps its dates inside
     * the chart area. */
    double chart_x, chart_y, chart_w, chart_h;
    double legend_y, legend_h;
    char *title;                /* for the document's metadata             */

    fs_draw_shape *shapes;
    size_t nshapes, shapes_cap;
    fs_draw_connector *connectors;
    size_t nconnectors, connectors_cap;
    fs_draw_item *texts;
    size_t ntexts, texts_cap;
} fs_drawing;

/* A drawing of WIDTH x HEIGHT mm with nothing in it; page_* are set to
 * the same size and origin 0 (the caller sets them).  Never NULL. */
fs_drawing *fs_drawing_new(double width, double height);
void fs_drawing_free(fs_drawing *dr);

/* Appends a shape with a black 0.75 pt border, white fill, no label;
 * ID may be NULL.  Returns it (valid until the next shape is added). */
fs_draw_shape *fs_drawing_add_shape(fs_drawing *dr, const char *id,
                                    fs_shape_kind kind, double x, double y,
                                    double w, double h);

/* Appends a connector through the N >= 2 points PTS (copied) from node
 * FROM to node TO (either may be NULL), black, 0.75 pt, with an arrowhead
 * of 2.6 x 1.8 mm and no label.  Returns it. */
fs_draw_connector *fs_drawing_add_connector(fs_drawing *dr, const char *from,
                                            const char *to,
                                            const fs_draw_point *pts,
                                            size_t n);

/* Appends a text item of KIND (NODE may be NULL) with an empty text whose
 * box is X, Y, W, H; fill it with fs_draw_text_add_line.  Returns it. */
fs_draw_item *fs_drawing_add_text(fs_drawing *dr, fs_draw_text_kind kind,
                                  const char *node, double x, double y,
                                  double w, double h);

/* Sets the style of T (role, size in points, leading in mm, colour,
 * alignment) and appends one line of TEXT (copied) with the left end of
 * its baseline at X, Y and measured WIDTH mm. */
void fs_draw_text_style(fs_draw_text *t, fs_font_role role, double size,
                        double leading, uint32_t color, fs_align align);
void fs_draw_text_add_line(fs_draw_text *t, const char *text, double x,
                           double y, double width);

/* Frees what T owns and leaves it empty. */
void fs_draw_text_clear(fs_draw_text *t);

/* The shape of node ID, or NULL. */
fs_draw_shape *fs_drawing_shape(fs_drawing *dr, const char *id);

/* Moves the shapes, connectors and texts of SRC to the end of DST (DST
 * owns them then) and frees SRC. */
void fs_drawing_take(fs_drawing *dst, fs_drawing *src);

#endif
