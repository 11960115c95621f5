/*
 * fs-flow-mark.c - marking a dossier's history on a flowchart drawing: the
 * boxes and arrows it passed, dated notes beside the boxes, and a legend.
 */
#include "fs-flow-private.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>


/* ------------------------------------------------------------------------
 * Marking a dossier's history.
 * ---------------------------------------------------------------------- */

/* The node of F that event I of D stands on, or -1; see fs-flow.h. */
int fs_flow_event_node(const fs_flow *f, const fs_dossier *d, size_t i)
{
    const fs_event *ev;

    if (i >= d->nevents)
        return -1;
    ev = &d->events[i];
    if ((ev->annual != 0) != (f->annual != 0) || !ev->stage)
        return -1;
    for (size_t v = 0; v < f->nnodes; v++)
        if (f->nodes[v].stage && strcmp(f->nodes[v].stage, ev->stage) == 0)
            return (int)v;
    return -1;
}

/* The connector of edge FROM -> TO in DR (edge E of the chart when DR
 * came from fs_flow_layout), or NULL. */
static fs_draw_connector *find_connector(const fs_flow *f, fs_drawing *dr,
                                         int from, int to, int *edge)
{
    for (size_t e = 0; e < f->nedges; e++) {
        if (f->edges[e].from != from || f->edges[e].to != to)
            continue;
        *edge = (int)e;
        if (e < dr->nconnectors && dr->connectors[e].from && dr->connectors[e].to &&
            strcmp(dr->connectors[e].from, f->nodes[from].id) == 0 &&
            strcmp(dr->connectors[e].to, f->nodes[to].id) == 0)
            return &dr->connectors[e];
        for (size_t k = 0; k < dr->nconnectors; k++)
            if (dr->connectors[k].from && dr->connectors[k].to &&
                strcmp(dr->connectors[k].from, f->nodes[from].id) == 0 &&
                strcmp(dr->connectors[k].to, f->nodes[to].id) == 0)
                return &dr->connectors[k];
    }
    return NULL;
}

/* Is V a source of F that is not a start (工委年度督导检查): an input that
 * feeds the flow from the side, not a step along it? */
static int is_input(const fs_flow *f, int v)
{
    if (f->nodes[v].kind == FS_FLOW_START)
        return 0;
    for (size_t e = 0; e < f->nedges; e++)
        if (f->edges[e].to == v)
            return 0;
    return 1;
}

/* Colours connector C as part of the path (FAILED: a 不通过 taken). */
static void mark_connector(fs_draw_connector *c, fs_mark_state st)
{
    if (!c)
        return;
    c->state = st;
    c->color = st == FS_MARK_FAILED ? C_RED : C_PATH;
    c->stroke_pt = 1.25;
    c->label.color = c->color;
}

/* Dated notes are set in 小五 (9 pt), never smaller, and keep this far
 * (mm) from boxes, arrows and arrow labels, so that a note never seems to
 * belong to an arrow's 通过 / 不通过. */
#define NOTE_SIZE   9.0
#define NOTE_MARGIN 1.5

/* Everything in DR a note or the legend must keep clear of. */
static void drawing_obstacles(const fs_drawing *dr, obstacles *o)
{
    for (size_t i = 0; i < dr->nshapes; i++)
        fs_flow_obst_add(o, (rect){dr->shapes[i].x, dr->shapes[i].y, dr->shapes[i].w,
                         dr->shapes[i].h});
    for (size_t i = 0; i < dr->nconnectors; i++) {
        const fs_draw_connector *c = &dr->connectors[i];
        fs_flow_obst_add_line(o, c->pts, c->npts, LINE_HW, c->arrow, c->arrow_len + 0.4,
                              fmax(ARROW_HW, c->arrow_w / 2 + 0.3));
        if (c->label.nlines)
            fs_flow_obst_add(o, (rect){c->label.x, c->label.y, c->label.w, c->label.h});
    }
    for (size_t i = 0; i < dr->ntexts; i++)
        fs_flow_obst_add(o, (rect){dr->texts[i].text.x, dr->texts[i].text.y,
                         dr->texts[i].text.w, dr->texts[i].text.h});
}

/* Is CP a Chinese character or Chinese punctuation (what an office
 * suite spaces apart from Latin letters and digits)? */
static int cjk_char(uint32_t cp)
{
    return (cp >= 0x2E80 && cp <= 0x9FFF) || (cp >= 0xF900 && cp <= 0xFAFF) ||
           (cp >= 0xFF00 && cp <= 0xFFEF) || (cp >= 0x20000 && cp <= 0x3FFFF);
}

/* The number of places in S where a Chinese character meets a Latin
 * letter or digit ("2018年4月" has three). */
static int script_changes(const char *s)
{
    int n = 0, prev = 0;        /* 1: Chinese, 2: letter or digit */

    while (*s) {
        uint32_t cp = fs_utf8_next(&s);
        int alnum = (cp >= '0' && cp <= '9') || (cp >= 'A' && cp <= 'Z') ||
                    (cp >= 'a' && cp <= 'z');
        int cur = cjk_char(cp) ? 1 : alnum ? 2 : 0;

        if (cur && prev && cur != prev)
            n++;
        prev = cur;
    }
    return n;
}

/* Adds the dated notes of node V (the events EVS[0..N-1] of D) beside its
 * shape S, where they touch nothing: right of the box, left of it, below
 * or above it beside the arrow, else the nearest free place.  Notes that
 * end left of the box's centre are right-aligned, towards the box.  The
 * box kept clear is a quarter em wider than the text per change between
 * Chinese and digits: LibreOffice puts space there in a DOCX, whatever
 * the document says. */
static void add_notes(fs_drawing *dr, const fs_flow *f, size_t v,
                      const fs_draw_shape *s, const fs_dossier *d,
                      const size_t *evs, size_t n, const fs_fontset *fonts)
{
    double size = NOTE_SIZE, lead = size * PT_MM * 1.25;
    double w = 0, h = (double)n * lead, g = 1.0;
    double cx = s->x + s->w / 2, cy = s->y + s->h / 2;
    rect bounds = {0, dr->chart_y, dr->width, dr->legend_y - dr->chart_y}, r;
    char **lines = fs_xcalloc(n, sizeof *lines);
    double *widths = fs_xcalloc(n, sizeof *widths);
    obstacles o = {0};
    int found = 0, right;

    for (size_t i = 0; i < n; i++) {
        const fs_event *ev = &d->events[evs[i]];
        char date[64];
        fs_date_format_cn(ev->date, date, sizeof date);
        lines[i] = fs_printf("%s%s", date, ev->result == FS_RESULT_PASS ? " 通过" :
                             ev->result == FS_RESULT_FAIL ? " 不通过" : "");
        widths[i] = fs_flow_text_width(fonts, FS_ROLE_SONG, size, lines[i]);
        w = fmax(w, widths[i] + 0.25 * size * PT_MM * script_changes(lines[i]));
    }
    w += 0.4;
    drawing_obstacles(dr, &o);
    const rect cands[] = {
        {s->x + s->w + g, cy - h / 2, w, h},
        {s->x - g - w, cy - h / 2, w, h},
        {cx - 1.5 - w, s->y + s->h + g, w, h},
        {cx + 1.5, s->y + s->h + g, w, h},
        {cx - 1.5 - w, s->y - g - h, w, h},
        {cx + 1.5, s->y - g - h, w, h},
    };
    for (size_t i = 0; i < sizeof cands / sizeof *cands && !found; i++)
        if (fs_flow_obst_clear(&o, cands[i], NOTE_MARGIN, bounds)) {
            r = cands[i];
            found = 1;
        }
    if (!found)
        found = fs_flow_search_free(&o, cands[0].x, cands[0].y, w, h, 60, NOTE_MARGIN,
                                    bounds, &r);
    if (!found)
        r = cands[0];
    /* notes left of the box's centre lean against it: right-aligned */
    right = r.x + w <= cx;
    for (size_t i = 0; i < n; i++) {
        const fs_event *ev = &d->events[evs[i]];
        fs_draw_item *it = fs_drawing_add_text(dr, FS_TEXT_NOTE, f->nodes[v].id, r.x,
                                               r.y + (double)i * lead, w, lead);
        fs_draw_text_style(&it->text, FS_ROLE_SONG, size, lead,
                           ev->result == FS_RESULT_FAIL ? C_RED : C_NOTE,
                           right ? FS_ALIGN_RIGHT : FS_ALIGN_LEFT);
        fs_draw_text_add_line(&it->text, lines[i],
                              right ? r.x + w - 0.2 - widths[i] : r.x + 0.2,
                              r.y + (double)i * lead + lead / 2 + 0.38 * size * PT_MM,
                              widths[i]);
        free(lines[i]);
    }
    free(lines);
    free(widths);
    free(o.v);
}

/* Appends a one-line legend text at X, baseline centred in the band
 * line at Y of height H; returns its width. */
static double legend_text(fs_drawing *dr, const fs_fontset *fonts, const char *s,
                          double x, double y, double h, double size)
{
    double w = fs_flow_text_width(fonts, FS_ROLE_SONG, size, s);
    fs_draw_item *it = fs_drawing_add_text(dr, FS_TEXT_LEGEND, NULL, x, y, w, h);

    fs_draw_text_style(&it->text, FS_ROLE_SONG, size, h, C_BLACK, FS_ALIGN_LEFT);
    fs_draw_text_add_line(&it->text, s, x, y + h / 2 + 0.38 * size * PT_MM, w);
    return w;
}

/* The legend below the chart: whose history it is, as of when, and the
 * meaning of the fills, borders and arrows (only the heading when the
 * chart has no event). */
static void add_legend(fs_drawing *dr, const fs_dossier *d, int marked,
                       int current, const fs_fontset *fonts)
{
    static const char *const names[] = {"已完成", "当前环节", "未通过", "已走过的流程"};
    const double size = 9, h = size * PT_MM * 1.4, sw = 7, sh = 4, gap = 1.5, sep = 6;
    double y = dr->legend_y + 1, x, total = 0, widths[4];
    char date[64] = "", *head;

    if (d->nevents)
        fs_date_format_cn(d->events[d->nevents - 1].date, date, sizeof date);
    head = marked ? fs_printf("%s（截至%s）", d->name.s ? d->name.s : "", date)
                  : fs_printf("%s：档案中尚无本流程图的记录", d->name.s ? d->name.s : "");
    x = (dr->width - fs_flow_text_width(fonts, FS_ROLE_SONG, size, head)) / 2;
    legend_text(dr, fonts, head, fmax(x, 0), y, h, size);
    free(head);
    if (!marked)
        return;
    y += h + 1.5;
    for (int i = 0; i < 4; i++) {
        widths[i] = fs_flow_text_width(fonts, FS_ROLE_SONG, size, names[i]);
        if (i != 1 || current)
            total += (i == 3 ? 9 : sw) + gap + widths[i] + (i ? sep : 0);
    }
    x = (dr->width - total) / 2;
    for (int i = 0; i < 4; i++) {
        if (i == 1 && !current)
            continue;
        if (i == 3) {
            fs_draw_point pts[2] = {{x, y + h / 2}, {x + 9, y + h / 2}};
            fs_draw_connector *c = fs_drawing_add_connector(dr, NULL, NULL, pts, 2);
            mark_connector(c, FS_MARK_DONE);
            x += 9 + gap;
        } else {
            fs_draw_shape *s = fs_drawing_add_shape(dr, NULL, FS_SHAPE_RECT, x,
                                                    y + (h - sh) / 2, sw, sh);
            s->state = i == 0 ? FS_MARK_DONE : i == 1 ? FS_MARK_CURRENT : FS_MARK_FAILED;
            s->fill = i == 0 ? C_DONE : i == 1 ? C_CURRENT : C_FAILED;
            s->stroke = i == 0 ? C_BLACK : C_RED;
            s->stroke_pt = i == 1 ? 2.0 : i == 2 ? 1.0 : 0.75;
            x += sw + gap;
        }
        x += legend_text(dr, fonts, names[i], x, y, h, size) + sep;
    }
}

/* Marks D's history on DR; see fs-flow.h. */
int fs_flow_mark(const fs_flow *f, fs_drawing *dr, const fs_dossier *d,
                 const fs_fontset *fonts)
{
    size_t n = f->nnodes, count = 0;
    int *node_of = fs_xmalloc((d->nevents + 1) * sizeof *node_of);
    size_t *evs = fs_xmalloc((d->nevents + 1) * sizeof *evs);
    int last = -1, current = -1, prev = -1, edge;
    fs_result prev_result = FS_RESULT_NONE;

    for (size_t i = 0; i < d->nevents; i++) {
        node_of[i] = fs_flow_event_node(f, d, i);
        if (node_of[i] >= 0) {
            count++;
            last = (int)i;
        }
    }
    if (last >= 0 && (size_t)last + 1 == d->nevents)
        current = node_of[last];

    /* the boxes */
    for (size_t v = 0; v < n && count; v++) {
        fs_draw_shape *s = fs_drawing_shape(dr, f->nodes[v].id);
        fs_result res = FS_RESULT_NONE;
        size_t k = 0;

        if (!s)
            continue;
        for (size_t i = 0; i < d->nevents; i++)
            if (node_of[i] == (int)v) {
                evs[k++] = i;
                res = d->events[i].result;
            }
        if (!k && !(f->nodes[v].kind == FS_FLOW_START && !f->nodes[v].stage))
            continue;
        s->state = (int)v == current ? FS_MARK_CURRENT :
                   res == FS_RESULT_FAIL ? FS_MARK_FAILED : FS_MARK_DONE;
        s->fill = s->state == FS_MARK_CURRENT ? C_CURRENT :
                  s->state == FS_MARK_FAILED ? C_FAILED : C_DONE;
        if (s->state == FS_MARK_CURRENT) {
            s->stroke = C_RED;
            s->stroke_pt = 2.0;
        } else if (s->state == FS_MARK_FAILED) {
            s->stroke = C_RED;
            s->stroke_pt = 1.0;
        }
    }

    /* the arrows along the way: from the start to the first step, from
     * each step to the next one of the main flow, from a side step into
     * the step it feeds */
    for (size_t v = 0; v < n && count; v++)
        if (f->nodes[v].kind == FS_FLOW_START && !f->nodes[v].stage) {
            prev = (int)v;
            break;
        }
    for (size_t i = 0; i < d->nevents; i++) {
        int v = node_of[i];
        if (v < 0)
            continue;
        if (f->nodes[v].kind == FS_FLOW_SIDE || is_input(f, v)) {
            for (size_t e = 0; e < f->nedges; e++)
                if (f->edges[e].from == v)
                    mark_connector(find_connector(f, dr, v, f->edges[e].to, &edge),
                                   FS_MARK_DONE);
            continue;
        }
        if (prev >= 0 && prev != v) {
            fs_draw_connector *c = find_connector(f, dr, prev, v, &edge);
            if (c)
                mark_connector(c, f->edges[edge].when == FS_RESULT_FAIL ||
                                  prev_result == FS_RESULT_FAIL ? FS_MARK_FAILED : FS_MARK_DONE);
        }
        prev = v;
        prev_result = d->events[i].result;
    }

    /* the dated notes */
    for (size_t v = 0; v < n; v++) {
        fs_draw_shape *s = fs_drawing_shape(dr, f->nodes[v].id);
        size_t k = 0;
        for (size_t i = 0; i < d->nevents; i++)
            if (node_of[i] == (int)v)
                evs[k++] = i;
        if (s && k) {
            fs_draw_shape copy = *s;    /* add_notes may grow the arrays */
            add_notes(dr, f, v, &copy, d, evs, k, fonts);
        }
    }
    add_legend(dr, d, count > 0, current >= 0, fonts);
    free(node_of);
    free(evs);
    return (int)count;
}
