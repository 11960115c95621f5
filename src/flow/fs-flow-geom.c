/*
 * fs-flow-geom.c - measuring and wrapping the labels of a flowchart, and
 * finding free space among its boxes and lines: the helpers the layout
 * (fs-flow-layout.c) and the marking (fs-flow-mark.c) share.
 */
#include "fs-flow-private.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>


/* ------------------------------------------------------------------------
 * Measuring and wrapping.
 * ---------------------------------------------------------------------- */

typedef struct meas {
    const fs_fontset *fs;
    fs_font_role role;
    double size;                /* points                                  */
} meas;

/* Advance of CP in mm, from the face fs_fontset_pick chooses (the tofu's
 * when no face has CP), as the backends will draw it. */
static double measure_mm(void *ctx, uint32_t cp)
{
    const meas *m = ctx;
    int face = fs_fontset_pick(m->fs, m->role, cp);

    if (face < 0) {
        cp = FS_TOFU;
        face = fs_fontset_pick(m->fs, m->role, cp);
    }
    if (face < 0)
        return m->size * PT_MM;
    return fs_fontset_advance(m->fs, face, cp) * m->size / 1000.0 * PT_MM;
}

/* Width of the one-line text S in mm. */
double fs_flow_text_width(const fs_fontset *fs, fs_font_role role, double size,
                          const char *s)
{
    meas m = {fs, role, size};
    double w = 0;

    while (*s)
        w += measure_mm(&m, fs_utf8_next(&s));
    return w;
}


/* Frees the lines of W and leaves it empty. */
void fs_flow_wrapped_free(wrapped *w)
{
    for (size_t i = 0; i < w->n; i++)
        free(w->lines[i]);
    free(w->lines);
    free(w->widths);
    memset(w, 0, sizeof *w);
}

/* Breaks TEXT at WIDTH mm into L (emptied first); returns the count. */
static size_t break_into(const char *text, double width, meas *m, fs_lines *l)
{
    l->n = 0;
    fs_break_lines(text, width, 0, measure_mm, m, l);
    return l->n;
}

/* Wraps the one-line TEXT at MAXW mm and appends its lines to *OUT; see
 * fs_flow_wrap. */
static void wrap_line(const fs_fontset *fs, fs_font_role role, double size,
                      const char *text, double maxw, int balance, wrapped *out)
{
    meas m = {fs, role, size};
    fs_lines l = {0};
    size_t n = break_into(text, maxw, &m, &l);
    double w = maxw;

    if (balance && n > 1) {
        double lo = 0, hi = maxw;
        for (int it = 0; it < 30; it++) {
            double mid = (lo + hi) / 2;
            if (break_into(text, mid, &m, &l) <= n)
                hi = mid;
            else
                lo = mid;
        }
        w = hi;
    }
    if (break_into(text, w, &m, &l) > n)
        break_into(text, maxw, &m, &l);
    out->lines = fs_xrealloc(out->lines, (out->n + l.n + 1) * sizeof *out->lines);
    out->widths = fs_xrealloc(out->widths, (out->n + l.n + 1) * sizeof *out->widths);
    for (size_t i = 0; i < l.n; i++) {
        size_t len = l.v[i].end - l.v[i].start, k = out->n++;
        out->lines[k] = fs_xmalloc(len + 1);
        memcpy(out->lines[k], text + l.v[i].start, len);
        out->lines[k][len] = '\0';
        out->widths[k] = l.v[i].width;
        if (l.v[i].width > out->width)
            out->width = l.v[i].width;
    }
    fs_lines_free(&l);
}

/* Wraps TEXT at MAXW mm into *OUT (which the caller frees with
 * fs_flow_wrapped_free).  A line break in TEXT (申报党组织 / 开展创建工作,
 * as the template writes it) always starts a new line; each line of TEXT
 * is wrapped on its own.  With BALANCE, the lines are made as even as they
 * can be without adding one: the narrowest width that gives no more lines
 * than MAXW does, so that 镇街（园区）或直管党委初审 does not leave 审
 * alone. */
void fs_flow_wrap(const fs_fontset *fs, fs_font_role role, double size,
                  const char *text, double maxw, int balance, wrapped *out)
{
    memset(out, 0, sizeof *out);
    do {
        size_t len = strcspn(text, "\n");
        char *line = fs_xmalloc(len + 1);

        memcpy(line, text, len);
        line[len] = '\0';
        wrap_line(fs, role, size, line, maxw, balance, out);
        free(line);
        text += len;
    } while (*text++ == '\n');
}


/* Puts the lines of W into T, vertically centred in BOX and aligned
 * horizontally as ALIGN says; T's box becomes BOX.  The baseline sits so
 * that the ideographic em box (0.88 em above the baseline, 0.12 below) is
 * centred in each line's LEADING. */
void fs_flow_put_lines(fs_draw_text *t, const wrapped *w, fs_font_role role,
                       double size, double leading, uint32_t color,
                       fs_align align, rect box)
{
    double em = size * PT_MM, top = box.y + (box.h - (double)w->n * leading) / 2;

    fs_draw_text_clear(t);
    fs_draw_text_style(t, role, size, leading, color, align);
    t->x = box.x, t->y = box.y, t->w = box.w, t->h = box.h;
    for (size_t i = 0; i < w->n; i++) {
        double x = box.x;
        if (align == FS_ALIGN_CENTER)
            x += (box.w - w->widths[i]) / 2;
        else if (align == FS_ALIGN_RIGHT)
            x += box.w - w->widths[i];
        fs_draw_text_add_line(t, w->lines[i], x,
                              top + (double)i * leading + leading / 2 + 0.38 * em,
                              w->widths[i]);
    }
}

/* ------------------------------------------------------------------------
 * Free space: boxes and lines that a label or a note must not touch.
 * ---------------------------------------------------------------------- */


/* Appends the rectangle R to O. */
void fs_flow_obst_add(obstacles *o, rect r)
{
    o->v = fs_grow(o->v, o->n, &o->cap, sizeof *o->v);
    o->v[o->n++] = r;
}

/* Adds the segments of the polyline P[0..N-1] as rectangles HW mm either
 * side of the line, and, with ARROW, the last ALEN mm as wide as the
 * arrowhead (AHW either side). */
void fs_flow_obst_add_line(obstacles *o, const fs_draw_point *p, size_t n,
                           double hw, int arrow, double alen, double ahw)
{
    for (size_t i = 0; i + 1 < n; i++) {
        double x0 = fmin(p[i].x, p[i + 1].x), x1 = fmax(p[i].x, p[i + 1].x);
        double y0 = fmin(p[i].y, p[i + 1].y), y1 = fmax(p[i].y, p[i + 1].y);
        fs_flow_obst_add(o, (rect){x0 - hw, y0 - hw, x1 - x0 + 2 * hw, y1 - y0 + 2 * hw});
    }
    if (arrow && n >= 2) {
        fs_draw_point a = p[n - 2], b = p[n - 1];
        double len = hypot(b.x - a.x, b.y - a.y), k = len > 0 ? fmin(alen / len, 1) : 0;
        fs_draw_point c = {b.x + (a.x - b.x) * k, b.y + (a.y - b.y) * k};
        double x0 = fmin(b.x, c.x), x1 = fmax(b.x, c.x);
        double y0 = fmin(b.y, c.y), y1 = fmax(b.y, c.y);
        fs_flow_obst_add(o, (rect){x0 - ahw, y0 - ahw, x1 - x0 + 2 * ahw, y1 - y0 + 2 * ahw});
    }
}

/* Do A and B share an area (touching edges do not count)? */
int fs_flow_overlaps(rect a, rect b)
{
    return a.x < b.x + b.w - EPS && b.x < a.x + a.w - EPS &&
           a.y < b.y + b.h - EPS && b.y < a.y + a.h - EPS;
}

/* Is R, grown by MARGIN on every side, clear of every obstacle and, when
 * BOUNDS has a width, inside BOUNDS? */
int fs_flow_obst_clear(const obstacles *o, rect r, double margin, rect bounds)
{
    rect g = {r.x - margin, r.y - margin, r.w + 2 * margin, r.h + 2 * margin};

    if (bounds.w > 0 && (r.x < bounds.x - EPS || r.y < bounds.y - EPS ||
                         r.x + r.w > bounds.x + bounds.w + EPS ||
                         r.y + r.h > bounds.y + bounds.h + EPS))
        return 0;
    for (size_t i = 0; i < o->n; i++)
        if (fs_flow_overlaps(g, o->v[i]))
            return 0;
    return 1;
}

typedef struct offset { double dx, dy, d; } offset;

/* qsort order of offsets: nearest first. */
static int offset_cmp(const void *a, const void *b)
{
    double x = ((const offset *)a)->d, y = ((const offset *)b)->d;
    return (x > y) - (x < y);
}

/* Finds the place nearest to (X, Y) (the top-left corner a box of W x H
 * would like to have) within RADIUS mm where the box is clear of O with
 * MARGIN and inside BOUNDS; returns 1 and sets *OUT, or 0. */
int fs_flow_search_free(const obstacles *o, double x, double y, double w,
                        double h, double radius, double margin, rect bounds,
                        rect *out)
{
    const double step = 0.5;
    int k = (int)(radius / step), found = 0;
    size_t n = 0;
    offset *v = fs_xmalloc((size_t)(2 * k + 1) * (size_t)(2 * k + 1) * sizeof *v);

    for (int i = -k; i <= k; i++)
        for (int j = -k; j <= k; j++) {
            v[n].dx = i * step, v[n].dy = j * step;
            v[n].d = hypot(v[n].dx, v[n].dy);
            n++;
        }
    qsort(v, n, sizeof *v, offset_cmp);
    for (size_t i = 0; i < n && !found; i++) {
        rect r = {x + v[i].dx, y + v[i].dy, w, h};
        if (fs_flow_obst_clear(o, r, margin, bounds)) {
            *out = r;
            found = 1;
        }
    }
    free(v);
    return found;
}

