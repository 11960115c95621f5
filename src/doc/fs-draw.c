/*
 * fs-draw.c - the builders of a fs_drawing (fs-draw.h): new, free, adding
 * shapes, connectors and texts, and moving one drawing's content into
 * another.
 */
#include "fs-draw.h"

#include <stdlib.h>
#include <string.h>

#define C_BLACK 0x000000u              /* default border, line and text */
#define C_WHITE 0xFFFFFFu              /* default fill                  */


/* A drawing of WIDTH x HEIGHT mm with nothing in it; never NULL. */
fs_drawing *fs_drawing_new(double width, double height)
{
    fs_drawing *dr = fs_xcalloc(1, sizeof *dr);

    dr->width = dr->page_w = dr->chart_w = width;
    dr->height = dr->page_h = dr->chart_h = height;
    dr->legend_y = height;
    return dr;
}

/* Frees the lines T owns and leaves T without lines; its box and style
 * stay. */
void fs_draw_text_clear(fs_draw_text *t)
{
    for (size_t i = 0; i < t->nlines; i++)
        free(t->lines[i].text);
    free(t->lines);
    t->lines = NULL;
    t->nlines = 0;
}

/* Frees DR and everything in it; NULL is fine. */
void fs_drawing_free(fs_drawing *dr)
{
    if (!dr)
        return;
    for (size_t i = 0; i < dr->nshapes; i++) {
        free(dr->shapes[i].id);
        fs_draw_text_clear(&dr->shapes[i].label);
    }
    for (size_t i = 0; i < dr->nconnectors; i++) {
        free(dr->connectors[i].from);
        free(dr->connectors[i].to);
        free(dr->connectors[i].pts);
        fs_draw_text_clear(&dr->connectors[i].label);
    }
    for (size_t i = 0; i < dr->ntexts; i++) {
        free(dr->texts[i].node);
        fs_draw_text_clear(&dr->texts[i].text);
    }
    free(dr->shapes);
    free(dr->connectors);
    free(dr->texts);
    free(dr->title);
    free(dr);
}

/* Appends a shape: black 0.75 pt border, white fill, no label. */
fs_draw_shape *fs_drawing_add_shape(fs_drawing *dr, const char *id,
                                    fs_shape_kind kind, double x, double y,
                                    double w, double h)
{
    fs_draw_shape *s;

    dr->shapes = fs_grow(dr->shapes, dr->nshapes, &dr->shapes_cap, sizeof *s);
    s = &dr->shapes[dr->nshapes++];
    memset(s, 0, sizeof *s);
    s->id = fs_strdup(id);
    s->kind = kind;
    s->x = x, s->y = y, s->w = w, s->h = h;
    s->fill = C_WHITE;
    s->stroke = C_BLACK;
    s->stroke_pt = 0.75;
    s->label.color = C_BLACK;
    s->label.align = FS_ALIGN_CENTER;
    return s;
}

/* Appends a connector through a copy of PTS: black, 0.75 pt, arrowhead. */
fs_draw_connector *fs_drawing_add_connector(fs_drawing *dr, const char *from,
                                            const char *to,
                                            const fs_draw_point *pts,
                                            size_t n)
{
    fs_draw_connector *c;

    dr->connectors = fs_grow(dr->connectors, dr->nconnectors,
                          &dr->connectors_cap, sizeof *c);
    c = &dr->connectors[dr->nconnectors++];
    memset(c, 0, sizeof *c);
    c->from = fs_strdup(from);
    c->to = fs_strdup(to);
    c->pts = fs_xmalloc((n ? n : 1) * sizeof *c->pts);
    memcpy(c->pts, pts, n * sizeof *pts);
    c->npts = n;
    c->arrow = 1;
    c->arrow_len = 2.6;
    c->arrow_w = 1.8;
    c->color = C_BLACK;
    c->stroke_pt = 0.75;
    c->label.color = C_BLACK;
    c->label.align = FS_ALIGN_CENTER;
    return c;
}

/* Appends an empty text item of KIND with the box X, Y, W, H. */
fs_draw_item *fs_drawing_add_text(fs_drawing *dr, fs_draw_text_kind kind,
                                  const char *node, double x, double y,
                                  double w, double h)
{
    fs_draw_item *t;

    dr->texts = fs_grow(dr->texts, dr->ntexts, &dr->texts_cap, sizeof *t);
    t = &dr->texts[dr->ntexts++];
    memset(t, 0, sizeof *t);
    t->kind = kind;
    t->node = fs_strdup(node);
    t->text.x = x, t->text.y = y, t->text.w = w, t->text.h = h;
    t->text.color = C_BLACK;
    return t;
}

/* Sets the style of T. */
void fs_draw_text_style(fs_draw_text *t, fs_font_role role, double size,
                        double leading, uint32_t color, fs_align align)
{
    t->role = role;
    t->size = size;
    t->leading = leading;
    t->color = color;
    t->align = align;
}

/* Appends a copy of TEXT as a line of T with its baseline at X, Y. */
void fs_draw_text_add_line(fs_draw_text *t, const char *text, double x,
                           double y, double width)
{
    t->lines = fs_xrealloc(t->lines, (t->nlines + 1) * sizeof *t->lines);
    t->lines[t->nlines].text = fs_strdup(text ? text : "");
    t->lines[t->nlines].x = x;
    t->lines[t->nlines].y = y;
    t->lines[t->nlines].width = width;
    t->nlines++;
}

/* The shape whose id is ID, or NULL. */
fs_draw_shape *fs_drawing_shape(fs_drawing *dr, const char *id)
{
    for (size_t i = 0; id && i < dr->nshapes; i++)
        if (dr->shapes[i].id && strcmp(dr->shapes[i].id, id) == 0)
            return &dr->shapes[i];
    return NULL;
}


/* Moves the shapes, connectors and texts of SRC to the end of DST and
 * frees SRC. */
void fs_drawing_take(fs_drawing *dst, fs_drawing *src)
{
    for (size_t i = 0; i < src->nshapes; i++) {
        dst->shapes = fs_grow(dst->shapes, dst->nshapes, &dst->shapes_cap, sizeof *dst->shapes);
        dst->shapes[dst->nshapes++] = src->shapes[i];
    }
    for (size_t i = 0; i < src->nconnectors; i++) {
        dst->connectors = fs_grow(dst->connectors, dst->nconnectors, &dst->connectors_cap,
                               sizeof *dst->connectors);
        dst->connectors[dst->nconnectors++] = src->connectors[i];
    }
    for (size_t i = 0; i < src->ntexts; i++) {
        dst->texts = fs_grow(dst->texts, dst->ntexts, &dst->texts_cap, sizeof *dst->texts);
        dst->texts[dst->ntexts++] = src->texts[i];
    }
    src->nshapes = src->nconnectors = src->ntexts = 0;
    fs_drawing_free(src);
}
