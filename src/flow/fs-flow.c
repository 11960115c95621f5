/*
 * fs-flow.c - the flowcharts of 附件4 and 附件5: loading, automatic layout
 * into a fs_drawing, and marking a dossier's history on it.  Also the
 * builders of fs-draw.h.
 *
 * The layout, in order (layout_try):
 *   1. arrows leading back (不通过 loops, 整改 → 提交) are found by a
 *      depth-first search from the start nodes;
 *   2. the main flow is layered top to bottom by longest path over the
 *      other arrows; a side node (上级党组织跟踪指导) sits in the layer of
 *      the node it feeds, a branch that only leads back (整改) in the layer
 *      of the review it leaves, and an input (a source that is not a start
 *      and feeds one node, 工委年度督导检查) in the layer of what it feeds;
 *   3. columns: the longest chain is column 0; every other node goes to the
 *      free column nearest its neighbours; side nodes to the left of what
 *      they feed, branches and inputs to the right of their node;
 *   4. boxes are sized to their labels, wrapped at a maximum width into
 *      lines of even length, and put on the grid of columns and layers;
 *   5. every arrow is routed orthogonally by a shortest-path search over a
 *      grid of candidate lines around the boxes (kept 'clear' mm away from
 *      every box), costing length, bends, the port on each box's side
 *      (an arrow down should leave from the bottom and enter at the top),
 *      crossing and touching earlier arrows; arrows that share a line
 *      segment cost so much that they practically never do;
 *   6. arrow labels are placed beside the first segment of their arrow
 *      where they touch no box, line or other label;
 *   7. the chart is centred in the space under the title; when it does not
 *      fit, the next smaller set of sizes is tried, and the smallest is
 *      scaled down as a last resort.
 */
#include "fs-flow.h"
#include "fs-text.h"
#include "fs-xml.h"

#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define PT_MM (25.4 / 72.0)             /* one point in millimetres        */
#define FLOW_MAX_BYTES (1L << 20)
#define EPS 1e-6

/* Colours of the plain chart and of the marks. */
#define C_BLACK     0x000000u
#define C_WHITE     0xFFFFFFu
#define C_RED       0xC00000u           /* current border, 不通过           */
#define C_PATH      0x1F4E79u           /* the arrows of the dossier's path */
#define C_DONE      0xDDEBF7u           /* fill of a box passed through     */
#define C_CURRENT   0xFFF2CCu           /* fill of the current box          */
#define C_FAILED    0xF8D7D7u           /* fill of a failed review          */
#define C_NOTE      0x333333u

/* ------------------------------------------------------------------------
 * The drawing builders (fs-draw.h).
 * ---------------------------------------------------------------------- */

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

/* Makes room for one more element in an array of SIZE-byte elements. */
static void *grow(void *v, size_t n, size_t *cap, size_t size)
{
    if (n < *cap)
        return v;
    *cap = *cap ? *cap * 2 : 16;
    return fs_xrealloc(v, *cap * size);
}

/* Appends a shape: black 0.75 pt border, white fill, no label. */
fs_draw_shape *fs_drawing_add_shape(fs_drawing *dr, const char *id,
                                    fs_shape_kind kind, double x, double y,
                                    double w, double h)
{
    fs_draw_shape *s;

    dr->shapes = grow(dr->shapes, dr->nshapes, &dr->shapes_cap, sizeof *s);
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

    dr->connectors = grow(dr->connectors, dr->nconnectors,
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

    dr->texts = grow(dr->texts, dr->ntexts, &dr->texts_cap, sizeof *t);
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

/* ------------------------------------------------------------------------
 * Loading.
 * ---------------------------------------------------------------------- */

typedef struct loader {
    const char *path;
    fs_diags *diags;
    int errors;
} loader;

/* Reports an error at NODE's line. */
static void load_error(loader *ld, xmlNodePtr node, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void load_error(loader *ld, xmlNodePtr node, const char *fmt, ...)
{
    char msg[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    fs_diags_add(ld->diags, ld->path, node ? fs_xml_line(node) : 0, FS_ERROR,
                 "%s", msg);
    ld->errors++;
}

/* Parses a Chinese type size name or a number of points into *OUT;
 * returns 0, or -1 when S is neither. */
static int parse_size(const char *s, double *out)
{
    static const struct { const char *name; double pt; } sizes[] = {
        {"初号", 42}, {"小初", 36}, {"一号", 26}, {"小一", 24}, {"二号", 22},
        {"小二", 18}, {"三号", 16}, {"小三", 15}, {"四号", 14}, {"小四", 12},
        {"五号", 10.5}, {"小五", 9}, {"六号", 7.5},
    };
    char *end;
    double v;

    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++)
        if (strcmp(s, sizes[i].name) == 0) {
            *out = sizes[i].pt;
            return 0;
        }
    v = strtod(s, &end);
    if (end == s || *end || !(v >= 4 && v <= 72))
        return -1;
    *out = v;
    return 0;
}

/* Reads the optional font and size attributes of NODE into *ST, which
 * holds the defaults. */
static void read_style(loader *ld, xmlNodePtr node, fs_flow_style *st)
{
    static const char *const roles[FS_ROLE_COUNT] = {
        "song", "hei", "kai", "latin", "fallback",
    };
    char *font = fs_xml_attr(node, "font"), *size = fs_xml_attr(node, "size");

    if (font) {
        int k = 0;
        while (k < FS_ROLE_COUNT && strcmp(font, roles[k]) != 0)
            k++;
        if (k == FS_ROLE_COUNT)
            load_error(ld, node, "字体 font=\"%s\" 应为 song、hei、kai、latin 或 fallback", font);
        else
            st->role = (fs_font_role)k;
    }
    if (size && parse_size(size, &st->size) < 0)
        load_error(ld, node, "字号 size=\"%s\" 应为字号名（如 五号）或 4–72 磅", size);
    free(font);
    free(size);
}

/* Reads a pinned coordinate; returns 1 and sets *OUT when present. */
static int read_mm(loader *ld, xmlNodePtr node, const char *name, double *out)
{
    char *s = fs_xml_attr(node, name), *end;
    int got = 0;

    if (s) {
        *out = strtod(s, &end);
        if (end == s || *end || *out < 0 || *out > 300)
            load_error(ld, node, "坐标 %s=\"%s\" 应为 0–300 毫米", name, s);
        else
            got = 1;
    }
    free(s);
    return got;
}

/* Reads one <node>. */
static void load_node(loader *ld, xmlNodePtr n, fs_flow_node *nd)
{
    static const char *const kinds[] = {"start", "step", "review", "end", "side"};
    char *kind = fs_xml_attr(n, "kind"), *stage = fs_xml_attr(n, "stage");
    char *raw = fs_xml_text(n);
    int hx, hy;

    nd->id = fs_xml_attr(n, "id");
    nd->line = fs_xml_line(n);
    nd->label = fs_text_trim(raw);
    nd->feeds = -1;
    nd->stage = -1;
    if (!nd->id)
        nd->id = fs_strdup("");
    nd->kind = FS_FLOW_STEP;
    for (size_t k = 0; kind && k < sizeof kinds / sizeof *kinds; k++)
        if (strcmp(kind, kinds[k]) == 0)
            nd->kind = (fs_flow_kind)k;
    for (int k = 0; stage && k < FS_STAGE_COUNT; k++)
        if (strcmp(stage, fs_stage_name((fs_stage)k)) == 0)
            nd->stage = k;
    if (!nd->label[0])
        load_error(ld, n, "方框 %s 的文字为空", nd->id);
    hx = read_mm(ld, n, "x", &nd->x);
    hy = read_mm(ld, n, "y", &nd->y);
    if (hx != hy)
        load_error(ld, n, "方框 %s 的坐标 x 和 y 应同时给出（或都不给）", nd->id);
    nd->pinned = hx && hy;
    free(kind);
    free(stage);
    free(raw);
}

/* Index of the node named ID among the first N nodes of F, or -1. */
static int find_node(const fs_flow *f, size_t n, const char *id)
{
    for (size_t i = 0; id && i < n; i++)
        if (strcmp(f->nodes[i].id, id) == 0)
            return (int)i;
    return -1;
}

/* Reads <nodes>: the nodes, their style and what side nodes feed. */
static void load_nodes(loader *ld, xmlNodePtr nodes, fs_flow *f)
{
    size_t cap = 0;
    int starts = 0;

    read_style(ld, nodes, &f->node_style);
    for (xmlNodePtr n = fs_xml_child(nodes, "node"); n; n = fs_xml_next(n, "node")) {
        fs_flow_node *nd;

        f->nodes = grow(f->nodes, f->nnodes, &cap, sizeof *f->nodes);
        nd = &f->nodes[f->nnodes];
        memset(nd, 0, sizeof *nd);
        load_node(ld, n, nd);
        if (find_node(f, f->nnodes, nd->id) >= 0)
            load_error(ld, n, "方框 id=\"%s\" 重复", nd->id);
        f->nnodes++;
        starts += nd->kind == FS_FLOW_START;
    }
    /* feeds names a node; resolved once all are read */
    size_t i = 0;
    for (xmlNodePtr n = fs_xml_child(nodes, "node"); n; n = fs_xml_next(n, "node"), i++) {
        char *feeds = fs_xml_attr(n, "feeds");
        fs_flow_node *nd = &f->nodes[i];

        if (feeds)
            nd->feeds = find_node(f, f->nnodes, feeds);
        if (nd->kind == FS_FLOW_SIDE && nd->feeds < 0)
            load_error(ld, n, "旁支方框 %s 应以 feeds=\"…\" 指明它所指向的方框%s%s",
                       nd->id, feeds ? "（未找到 " : "", feeds ? feeds : "");
        else if (nd->kind != FS_FLOW_SIDE && feeds)
            load_error(ld, n, "只有 kind=\"side\" 的方框可以有 feeds（方框 %s）", nd->id);
        else if (nd->feeds == (int)i)
            load_error(ld, n, "方框 %s 不能指向自身", nd->id);
        free(feeds);
    }
    if (!starts)
        load_error(ld, nodes, "流程图没有起点（kind=\"start\" 的方框）");
}

/* Reads <edges> and checks what they connect. */
static void load_edges(loader *ld, xmlNodePtr edges, fs_flow *f)
{
    size_t cap = 0;

    read_style(ld, edges, &f->edge_style);
    for (xmlNodePtr n = fs_xml_child(edges, "edge"); n; n = fs_xml_next(n, "edge")) {
        char *from = fs_xml_attr(n, "from"), *to = fs_xml_attr(n, "to");
        char *when = fs_xml_attr(n, "when"), *raw = fs_xml_text(n);
        fs_flow_edge *e;

        f->edges = grow(f->edges, f->nedges, &cap, sizeof *f->edges);
        e = &f->edges[f->nedges];
        memset(e, 0, sizeof *e);
        e->line = fs_xml_line(n);
        e->from = find_node(f, f->nnodes, from);
        e->to = find_node(f, f->nnodes, to);
        e->label = fs_text_trim(raw);
        if (!e->label[0]) {
            free(e->label);
            e->label = NULL;
        }
        e->when = !when ? FS_RESULT_NONE :
                  strcmp(when, "fail") == 0 ? FS_RESULT_FAIL : FS_RESULT_PASS;
        if (e->from < 0 || e->to < 0)
            load_error(ld, n, "箭头 %s → %s 连接了不存在的方框", from ? from : "?",
                       to ? to : "?");
        else if (e->from == e->to)
            load_error(ld, n, "箭头不能从方框 %s 指向自身", from);
        else {
            for (size_t k = 0; k < f->nedges; k++)
                if (f->edges[k].from == e->from && f->edges[k].to == e->to)
                    load_error(ld, n, "箭头 %s → %s 重复", from, to);
            if (f->nodes[e->to].kind == FS_FLOW_SIDE)
                load_error(ld, n, "旁支方框 %s 不能有指向它的箭头", to);
            if (f->nodes[e->from].kind == FS_FLOW_SIDE &&
                f->nodes[e->from].feeds != e->to)
                load_error(ld, n, "旁支方框 %s 只能指向它 feeds 的方框", from);
        }
        f->nedges++;
        free(from);
        free(to);
        free(when);
        free(raw);
    }
    for (size_t i = 0; i < f->nnodes; i++) {
        const fs_flow_node *nd = &f->nodes[i];
        int found = 0;

        for (size_t k = 0; nd->kind == FS_FLOW_SIDE && k < f->nedges; k++)
            found |= f->edges[k].from == (int)i && f->edges[k].to == nd->feeds;
        if (nd->kind == FS_FLOW_SIDE && nd->feeds >= 0 && !found)
            fs_diags_add(ld->diags, ld->path, nd->line, FS_ERROR,
                         "旁支方框 %s 缺少指向 %s 的箭头", nd->id,
                         f->nodes[nd->feeds].id), ld->errors++;
    }
}

/* Reads the chart PATH; see fs-flow.h. */
fs_flow *fs_flow_load(const char *path, fs_diags *diags, fs_error *err)
{
    loader ld = {path, diags, 0};
    fs_flow *f = NULL;
    xmlDocPtr doc;
    xmlNodePtr root, n;
    fs_schema *schema = NULL;
    char *xsd = NULL, *cycle = NULL, *raw = NULL;
    fs_error rerr;

    *err = FS_E_TEMPLATE;
    doc = fs_xml_read(path, FLOW_MAX_BYTES, diags, &rerr);
    if (!doc) {
        if (rerr == FS_E_IO)
            *err = FS_E_IO;
        goto done;
    }
    root = xmlDocGetRootElement(doc);
    if (strcmp((const char *)root->name, "flowchart") != 0) {
        load_error(&ld, root, "流程图文件的根元素应为 <flowchart>，而不是 <%s>",
                   (const char *)root->name);
        goto done;
    }
    xsd = fs_templates_path("flowchart.xsd");
    schema = fs_schema_load(xsd, diags);
    if (!schema || fs_schema_check(schema, doc, path, diags) != 0)
        goto done;

    f = fs_xcalloc(1, sizeof *f);
    f->path = fs_strdup(path);
    f->id = fs_xml_attr(root, "id");
    cycle = fs_xml_attr(root, "cycle");
    f->annual = cycle && strcmp(cycle, "annual") == 0;
    f->attachment_style = (fs_flow_style){FS_ROLE_HEI, 16};
    f->title_style = (fs_flow_style){FS_ROLE_SONG, 18};
    f->node_style = (fs_flow_style){FS_ROLE_SONG, 10.5};
    f->edge_style = (fs_flow_style){FS_ROLE_SONG, 9};

    n = fs_xml_child(root, "attachment");
    read_style(&ld, n, &f->attachment_style);
    raw = fs_xml_text(n);
    f->attachment = fs_text_trim(raw);
    free(raw);
    n = fs_xml_child(root, "title");
    read_style(&ld, n, &f->title_style);
    raw = fs_xml_text(n);
    f->title = fs_text_trim(raw);
    free(raw);
    raw = NULL;
    if (!f->title[0])
        load_error(&ld, n, "流程图标题为空");
    load_nodes(&ld, fs_xml_child(root, "nodes"), f);
    load_edges(&ld, fs_xml_child(root, "edges"), f);
    if (!ld.errors)
        *err = FS_OK;
done:
    free(cycle);
    free(xsd);
    fs_schema_free(schema);
    xmlFreeDoc(doc);
    if (*err) {
        fs_flow_free(f);
        f = NULL;
    }
    return f;
}

/* Frees F; NULL is fine. */
void fs_flow_free(fs_flow *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->nnodes; i++) {
        free(f->nodes[i].id);
        free(f->nodes[i].label);
    }
    for (size_t i = 0; i < f->nedges; i++)
        free(f->edges[i].label);
    free(f->nodes);
    free(f->edges);
    free(f->path);
    free(f->id);
    free(f->attachment);
    free(f->title);
    free(f);
}

/* templates/flowcharts/NAME.xml, or NULL for an unsafe NAME. */
char *fs_flow_path(const char *name)
{
    if (!name || !fs_rubric_id_ok(name))
        return NULL;
    return fs_printf("%s/flowcharts/%s.xml", fs_templates_dir(), name);
}

/* Index of the node ID, or -1. */
int fs_flow_node_index(const fs_flow *f, const char *id)
{
    return find_node(f, f->nnodes, id);
}

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
static double text_width(const fs_fontset *fs, fs_font_role role, double size,
                         const char *s)
{
    meas m = {fs, role, size};
    double w = 0;

    while (*s)
        w += measure_mm(&m, fs_utf8_next(&s));
    return w;
}

/* A label broken into lines, each malloc'd, with their widths in mm. */
typedef struct wrapped {
    char **lines;
    double *widths;
    size_t n;
    double width;               /* the widest line                         */
} wrapped;

/* Frees the lines of W and leaves it empty. */
static void wrapped_free(wrapped *w)
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

/* Wraps TEXT at MAXW mm into *OUT (which the caller frees with
 * wrapped_free).  With BALANCE, the lines are made as even as they can be
 * without adding one: the narrowest width that gives no more lines than
 * MAXW does, so that 镇街（园区）或直管党委初审 does not leave 审 alone. */
static void wrap(const fs_fontset *fs, fs_font_role role, double size,
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
    memset(out, 0, sizeof *out);
    out->n = l.n;
    out->lines = fs_xcalloc(l.n ? l.n : 1, sizeof *out->lines);
    out->widths = fs_xcalloc(l.n ? l.n : 1, sizeof *out->widths);
    for (size_t i = 0; i < l.n; i++) {
        size_t len = l.v[i].end - l.v[i].start;
        out->lines[i] = fs_xmalloc(len + 1);
        memcpy(out->lines[i], text + l.v[i].start, len);
        out->lines[i][len] = '\0';
        out->widths[i] = l.v[i].width;
        if (l.v[i].width > out->width)
            out->width = l.v[i].width;
    }
    fs_lines_free(&l);
}

typedef struct rect { double x, y, w, h; } rect;

/* Puts the lines of W into T, vertically centred in BOX and aligned
 * horizontally as ALIGN says; T's box becomes BOX.  The baseline sits so
 * that the ideographic em box (0.88 em above the baseline, 0.12 below) is
 * centred in each line's LEADING. */
static void put_lines(fs_draw_text *t, const wrapped *w, fs_font_role role,
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

typedef struct obstacles {
    rect *v;
    size_t n, cap;
} obstacles;

/* Appends the rectangle R to O. */
static void obst_add(obstacles *o, rect r)
{
    o->v = grow(o->v, o->n, &o->cap, sizeof *o->v);
    o->v[o->n++] = r;
}

/* Adds the segments of the polyline P[0..N-1] as rectangles HW mm either
 * side of the line, and, with ARROW, the last ALEN mm as wide as the
 * arrowhead (AHW either side). */
static void obst_add_line(obstacles *o, const fs_draw_point *p, size_t n,
                          double hw, int arrow, double alen, double ahw)
{
    for (size_t i = 0; i + 1 < n; i++) {
        double x0 = fmin(p[i].x, p[i + 1].x), x1 = fmax(p[i].x, p[i + 1].x);
        double y0 = fmin(p[i].y, p[i + 1].y), y1 = fmax(p[i].y, p[i + 1].y);
        obst_add(o, (rect){x0 - hw, y0 - hw, x1 - x0 + 2 * hw, y1 - y0 + 2 * hw});
    }
    if (arrow && n >= 2) {
        fs_draw_point a = p[n - 2], b = p[n - 1];
        double len = hypot(b.x - a.x, b.y - a.y), k = len > 0 ? fmin(alen / len, 1) : 0;
        fs_draw_point c = {b.x + (a.x - b.x) * k, b.y + (a.y - b.y) * k};
        double x0 = fmin(b.x, c.x), x1 = fmax(b.x, c.x);
        double y0 = fmin(b.y, c.y), y1 = fmax(b.y, c.y);
        obst_add(o, (rect){x0 - ahw, y0 - ahw, x1 - x0 + 2 * ahw, y1 - y0 + 2 * ahw});
    }
}

/* Do A and B share an area (touching edges do not count)? */
static int overlaps(rect a, rect b)
{
    return a.x < b.x + b.w - EPS && b.x < a.x + a.w - EPS &&
           a.y < b.y + b.h - EPS && b.y < a.y + a.h - EPS;
}

/* Is R, grown by MARGIN on every side, clear of every obstacle and, when
 * BOUNDS has a width, inside BOUNDS? */
static int obst_clear(const obstacles *o, rect r, double margin, rect bounds)
{
    rect g = {r.x - margin, r.y - margin, r.w + 2 * margin, r.h + 2 * margin};

    if (bounds.w > 0 && (r.x < bounds.x - EPS || r.y < bounds.y - EPS ||
                         r.x + r.w > bounds.x + bounds.w + EPS ||
                         r.y + r.h > bounds.y + bounds.h + EPS))
        return 0;
    for (size_t i = 0; i < o->n; i++)
        if (overlaps(g, o->v[i]))
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
static int search_free(const obstacles *o, double x, double y, double w,
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
        if (obst_clear(o, r, margin, bounds)) {
            *out = r;
            found = 1;
        }
    }
    free(v);
    return found;
}

/* ------------------------------------------------------------------------
 * Layout: the graph.
 * ---------------------------------------------------------------------- */

/* One set of sizes; the layout tries them in order until the chart fits. */
typedef struct params {
    double k;                   /* type sizes: times the file's sizes      */
    double maxw;                /* widest box, mm                          */
    double padx, pady;          /* label to border, mm                     */
    double colgap, layergap;    /* between boxes, mm                       */
    double clear;               /* arrows keep this far from boxes, mm     */
} params;

static const params param_sets[] = {
    {1.00, 50, 3.0, 2.4, 18, 12, 3.0},
    {0.86, 46, 2.6, 2.0, 16, 11, 2.6},
    {0.72, 42, 2.2, 1.6, 14, 10, 2.2},
};

typedef struct lnode {
    int layer, col;
    int anchor;                 /* beside this node, or -1                 */
    int rank;                   /* anchored: 0 branch, 1 input, 2 side     */
    int placed;
    rect box;
    double inset, radius;
    wrapped text;
} lnode;

typedef struct route {
    fs_draw_point *pts;
    size_t n;
} route;

typedef struct layout {
    const fs_flow *f;
    const fs_fontset *fonts;
    params p;
    double size, esize;         /* points                                  */
    double lead, elead;         /* mm                                      */
    size_t n, m;                /* nodes, edges                            */
    lnode *nd;
    int *back;                  /* per edge: leads back                    */
    int nlayers, cmin, cmax;
    route *rt;                  /* per edge                                */
    unsigned char *port_used;   /* per node: 4 sides x 3 places            */
    wrapped *etext;             /* per edge: its label, n == 0: none       */
    rect *lab;                  /* per edge: where the label went          */
    int ok;                     /* every arrow routed, every label placed  */
    int pinned;                 /* some box is pinned                      */
} layout;

/* Is edge E forward between two nodes of the main flow? */
static int fwd(const layout *L, size_t e)
{
    const fs_flow_edge *ed = &L->f->edges[e];

    return !L->back[e] && L->f->nodes[ed->from].kind != FS_FLOW_SIDE &&
           L->f->nodes[ed->to].kind != FS_FLOW_SIDE;
}

/* Marks the edges that lead back, by a depth-first search in file order:
 * from the start nodes first, then from any node not reached yet, side
 * nodes last.  An edge to a node still on the search's stack leads back. */
static void find_back_edges(layout *L)
{
    const fs_flow *f = L->f;
    size_t n = L->n, sp = 0;
    int *state = fs_xcalloc(n, sizeof *state);  /* 0 new, 1 open, 2 done  */
    int *stack = fs_xmalloc(n * sizeof *stack);
    size_t *next = fs_xcalloc(n, sizeof *next);

    for (int pass = 0; pass < 3; pass++)
        for (size_t r = 0; r < n; r++) {
            fs_flow_kind k = f->nodes[r].kind;
            if (state[r] || (pass == 0 && k != FS_FLOW_START) ||
                (pass == 1 && k == FS_FLOW_SIDE))
                continue;
            state[r] = 1;
            stack[sp++] = (int)r;
            while (sp) {
                int v = stack[sp - 1];
                size_t e = next[v];
                while (e < L->m && f->edges[e].from != v)
                    e++;
                if (e == L->m) {
                    state[v] = 2;
                    sp--;
                    continue;
                }
                next[v] = e + 1;
                int w = f->edges[e].to;
                if (state[w] == 1)
                    L->back[e] = 1;
                else if (state[w] == 0) {
                    state[w] = 1;
                    stack[sp++] = w;
                }
            }
        }
    free(state);
    free(stack);
    free(next);
}

/* Layers: longest path over the forward edges of the main flow.  Then
 * the nodes that sit beside another (anchor, rank): branches (a step or
 * review with one forward predecessor and only edges back out, like 整改)
 * in their predecessor's layer; inputs (a source that is not a start with
 * one edge out, like 工委年度督导检查) in the layer of the node they feed,
 * other such sources just above their first successor; side nodes in the
 * layer of the node they feed. */
static void assign_layers(layout *L)
{
    const fs_flow *f = L->f;
    size_t n = L->n, qh = 0, qt = 0;
    int *indeg = fs_xcalloc(n, sizeof *indeg), *queue = fs_xmalloc(n * sizeof *queue);
    int *in0 = fs_xcalloc(n, sizeof *in0);

    for (size_t e = 0; e < L->m; e++)
        if (fwd(L, e))
            indeg[f->edges[e].to]++;
    memcpy(in0, indeg, n * sizeof *in0);
    for (size_t v = 0; v < n; v++)
        if (!indeg[v] && f->nodes[v].kind != FS_FLOW_SIDE)
            queue[qt++] = (int)v;
    while (qh < qt) {
        int v = queue[qh++];
        for (size_t e = 0; e < L->m; e++) {
            int w = f->edges[e].to;
            if (f->edges[e].from != v || !fwd(L, e))
                continue;
            if (L->nd[w].layer < L->nd[v].layer + 1)
                L->nd[w].layer = L->nd[v].layer + 1;
            if (--indeg[w] == 0)
                queue[qt++] = w;
        }
    }
    for (size_t v = 0; v < n; v++) {          /* branches */
        int pred = -1, nin = 0, nfwd_out = 0, nout = 0;
        fs_flow_kind k = f->nodes[v].kind;
        if (k != FS_FLOW_STEP && k != FS_FLOW_REVIEW)
            continue;
        for (size_t e = 0; e < L->m; e++) {
            if (f->edges[e].to == (int)v && fwd(L, e))
                nin++, pred = f->edges[e].from;
            if (f->edges[e].from == (int)v) {
                nout++;
                nfwd_out += fwd(L, e);
            }
        }
        if (nin == 1 && nfwd_out == 0 && nout > 0 && L->nd[pred].anchor < 0) {
            L->nd[v].anchor = pred;
            L->nd[v].rank = 0;
            L->nd[v].layer = L->nd[pred].layer;
        }
    }
    for (size_t v = 0; v < n; v++) {          /* sources, not starts */
        int lo = INT32_MAX, succ = -1, nout = 0;
        if (f->nodes[v].kind == FS_FLOW_START || f->nodes[v].kind == FS_FLOW_SIDE ||
            in0[v] || L->nd[v].anchor >= 0)
            continue;
        for (size_t e = 0; e < L->m; e++)
            if (f->edges[e].from == (int)v) {
                nout++;
                succ = f->edges[e].to;
                if (fwd(L, e) && L->nd[succ].layer < lo)
                    lo = L->nd[succ].layer;
            }
        if (nout == 1 && lo != INT32_MAX && L->nd[succ].anchor < 0) {
            L->nd[v].anchor = succ;     /* an input: beside what it feeds */
            L->nd[v].rank = 1;
            L->nd[v].layer = lo;
        } else if (lo != INT32_MAX && lo - 1 > L->nd[v].layer)
            L->nd[v].layer = lo - 1;
    }
    for (size_t v = 0; v < n; v++)
        if (f->nodes[v].kind == FS_FLOW_SIDE) {
            L->nd[v].anchor = f->nodes[v].feeds;
            L->nd[v].rank = 2;
            L->nd[v].layer = L->nd[f->nodes[v].feeds].layer;
        }
    L->nlayers = 0;
    for (size_t v = 0; v < n; v++)
        if (L->nd[v].layer + 1 > L->nlayers)
            L->nlayers = L->nd[v].layer + 1;
    free(indeg);
    free(queue);
    free(in0);
}

/* Is V a node of the grid's main flow (not side, not a branch)? */
static int on_grid(const layout *L, size_t v)
{
    return L->nd[v].anchor < 0 && L->f->nodes[v].kind != FS_FLOW_SIDE;
}

typedef struct occupancy {
    int *cell;                  /* nlayers x (2n + 1): node or -1          */
    int off, ncols;
} occupancy;

/* Puts V in the free column of its layer nearest to WANT, trying
 * WANT + DIR, WANT - DIR, WANT + 2 DIR … when WANT is taken (DIR = 0:
 * want itself first, then right before left). */
static void put_col(layout *L, occupancy *oc, size_t v, int want, int dir)
{
    int l = L->nd[v].layer;

    for (int d = 0; d <= oc->off * 2; d++) {
        int tries[2], nt = 0;
        if (d == 0) {
            if (dir == 0)
                tries[nt++] = want;
        } else {
            int s = dir ? dir : 1;
            tries[nt++] = want + s * d;
            tries[nt++] = want - s * d;
        }
        for (int t = 0; t < nt; t++) {
            int c = tries[t];
            if (c < -oc->off || c > oc->off || oc->cell[l * oc->ncols + c + oc->off] >= 0)
                continue;
            oc->cell[l * oc->ncols + c + oc->off] = (int)v;
            L->nd[v].col = c;
            L->nd[v].placed = 1;
            return;
        }
    }
}

/* qsort order of ints: ascending. */
static int int_cmp(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* The median column of the placed forward neighbours of V (predecessors
 * with PREDS, else successors); 0 and returns 0 when there is none. */
static int neighbour_col(const layout *L, size_t v, int preds, int *col)
{
    int *cols = fs_xmalloc((L->m + 1) * sizeof *cols), k = 0;

    for (size_t e = 0; e < L->m; e++) {
        const fs_flow_edge *ed = &L->f->edges[e];
        int u = preds ? ed->from : ed->to;
        if ((preds ? ed->to : ed->from) == (int)v && fwd(L, e) &&
            on_grid(L, (size_t)u) && L->nd[u].placed)
            cols[k++] = L->nd[u].col;
    }
    qsort(cols, (size_t)k, sizeof *cols, int_cmp);
    *col = k ? cols[(k - 1) / 2] : 0;
    free(cols);
    return k;
}

/* Columns: the longest chain from the first start in column 0, the rest
 * of the main flow near its neighbours, branches and inputs to the right
 * of and side nodes to the left of the node they sit beside (the other
 * side, or further out, when that is taken). */
static void assign_columns(layout *L)
{
    const fs_flow *f = L->f;
    size_t n = L->n;
    occupancy oc;
    int *height = fs_xcalloc(n, sizeof *height), s = -1;

    oc.off = (int)n;
    oc.ncols = 2 * (int)n + 1;
    oc.cell = fs_xmalloc((size_t)L->nlayers * (size_t)oc.ncols * sizeof *oc.cell);
    for (int i = 0; i < L->nlayers * oc.ncols; i++)
        oc.cell[i] = -1;
    for (size_t it = 0; it < n; it++)           /* longest path to a sink */
        for (size_t e = 0; e < L->m; e++) {
            const fs_flow_edge *ed = &f->edges[e];
            if (fwd(L, e) && on_grid(L, (size_t)ed->from) && on_grid(L, (size_t)ed->to) &&
                height[ed->from] < height[ed->to] + 1)
                height[ed->from] = height[ed->to] + 1;
        }
    for (size_t v = 0; v < n && s < 0; v++)
        if (f->nodes[v].kind == FS_FLOW_START && on_grid(L, v))
            s = (int)v;
    while (s >= 0) {
        int next = -1;
        put_col(L, &oc, (size_t)s, 0, 0);
        for (size_t e = 0; e < L->m; e++) {
            int w = f->edges[e].to;
            if (f->edges[e].from == s && fwd(L, e) && on_grid(L, (size_t)w) &&
                !L->nd[w].placed && (next < 0 || height[w] > height[next]))
                next = w;
        }
        s = next;
    }
    for (size_t pass = 0; pass <= n; pass++) {
        int left = 0;
        for (int l = 0; l < L->nlayers; l++)
            for (size_t v = 0; v < n; v++) {
                int c;
                if (L->nd[v].layer != l || !on_grid(L, v) || L->nd[v].placed)
                    continue;
                if (neighbour_col(L, v, 1, &c) || pass > 0)
                    put_col(L, &oc, v, c, 0);
                else
                    left = 1;
            }
        for (size_t v = 0; v < n && left; v++) {
            int c;
            if (!on_grid(L, v) || L->nd[v].placed)
                continue;
            if (neighbour_col(L, v, 0, &c))
                put_col(L, &oc, v, c, 0);
        }
        left = 0;
        for (size_t v = 0; v < n; v++)
            left |= on_grid(L, v) && !L->nd[v].placed;
        if (!left)
            break;
    }
    for (int rank = 0; rank < 3; rank++)        /* branches, inputs, sides */
        for (size_t v = 0; v < n; v++) {
            int a = L->nd[v].anchor;
            if (a < 0 || L->nd[v].rank != rank)
                continue;
            put_col(L, &oc, v, L->nd[a].col, rank == 2 ? -1 : 1);
        }
    L->cmin = L->cmax = 0;
    for (size_t v = 0; v < n; v++) {
        if (L->nd[v].col < L->cmin)
            L->cmin = L->nd[v].col;
        if (L->nd[v].col > L->cmax)
            L->cmax = L->nd[v].col;
    }
    free(oc.cell);
    free(height);
}

/* Sizes every box to its wrapped label (steps and reviews of one column
 * as wide as the widest of them) and puts the boxes on the grid: column
 * and layer centres, columns as wide as their widest box and COLGAP
 * apart, layers as high as their highest box and LAYERGAP apart. */
static void place_boxes(layout *L)
{
    const fs_flow *f = L->f;
    const params *p = &L->p;
    int nc = L->cmax - L->cmin + 1;
    double *cw = fs_xcalloc((size_t)nc, sizeof *cw), *sw = fs_xcalloc((size_t)nc, sizeof *sw);
    double *lh = fs_xcalloc((size_t)L->nlayers, sizeof *lh);
    double *cx = fs_xcalloc((size_t)nc, sizeof *cx), *ly = fs_xcalloc((size_t)L->nlayers, sizeof *ly);
    double x = 0, y = 0, minw = 6 * L->size * PT_MM;

    for (size_t v = 0; v < L->n; v++) {
        lnode *d = &L->nd[v];
        fs_flow_kind k = f->nodes[v].kind;
        double frame;

        d->inset = k == FS_FLOW_REVIEW ? 0.8 * p->k : 0;
        frame = 2 * (p->padx + d->inset);
        wrap(L->fonts, f->node_style.role, L->size, f->nodes[v].label,
             p->maxw - frame, 1, &d->text);
        d->box.w = fmax(d->text.width + frame, minw);
        d->box.h = (double)d->text.n * L->lead + 2 * (p->pady + d->inset);
        if (k == FS_FLOW_START || k == FS_FLOW_END) {
            d->radius = fmin(d->box.h / 2, 5 * p->k);
            d->box.w = fmax(d->box.w, d->text.width + frame + d->radius);
        }
        if ((k == FS_FLOW_STEP || k == FS_FLOW_REVIEW) && d->box.w > sw[d->col - L->cmin])
            sw[d->col - L->cmin] = d->box.w;
    }
    for (size_t v = 0; v < L->n; v++) {
        lnode *d = &L->nd[v];
        fs_flow_kind k = f->nodes[v].kind;
        if (k == FS_FLOW_STEP || k == FS_FLOW_REVIEW)
            d->box.w = sw[d->col - L->cmin];
        if (d->box.w > cw[d->col - L->cmin])
            cw[d->col - L->cmin] = d->box.w;
        if (d->box.h > lh[d->layer])
            lh[d->layer] = d->box.h;
    }
    for (int c = 0; c < nc; c++)
        if (cw[c] > 0) {
            cx[c] = x + cw[c] / 2;
            x += cw[c] + p->colgap;
        }
    for (int l = 0; l < L->nlayers; l++)
        if (lh[l] > 0) {
            ly[l] = y + lh[l] / 2;
            y += lh[l] + p->layergap;
        }
    for (size_t v = 0; v < L->n; v++) {
        lnode *d = &L->nd[v];
        d->box.x = cx[d->col - L->cmin] - d->box.w / 2;
        d->box.y = ly[d->layer] - d->box.h / 2;
    }
    free(cw);
    free(sw);
    free(lh);
    free(cx);
    free(ly);
}

/* ------------------------------------------------------------------------
 * Layout: routing the arrows.
 *
 * The candidate lines are every box's borders moved out by 'clear', the
 * places of its ports (quarter, half, three quarters of each side), lines
 * halfway and a quarter of the way between neighbouring lines (the lanes
 * in the gaps) and one line outside everything on each side.  A route is
 * a path along them that never enters a box grown by 'clear'; it starts
 * with a stub straight out of a port on the source's border and ends with
 * one straight into a port on the target's border.
 * ---------------------------------------------------------------------- */

enum { UP, RIGHT, DOWN, LEFT };         /* directions and box sides      */
static const int DX[4] = {0, 1, 0, -1}, DY[4] = {-1, 0, 1, 0};
static const double FRACS[3] = {0.5, 0.25, 0.75};

/* Costs, in mm of length. */
#define COST_BEND    14.0
#define COST_PORT    12.0       /* times 1 - cos(side normal, direction)  */
#define COST_QUARTER 3.0        /* a port off the middle of its side       */
#define COST_CROSS   6.0        /* through a point another arrow uses      */
#define COST_TOUCH   40.0       /* turning where another arrow is, or
                                   passing where one turns or ends         */
#define COST_SHARE   300.0      /* running along another arrow            */

typedef struct grid {
    double *xs, *ys;
    int nx, ny;
    unsigned char *bad;         /* point strictly inside a grown box       */
    unsigned char *hbad, *vbad; /* segment to the right / below is         */
    int *hused, *vused;         /* arrows on the segment right / below     */
    double *hhug, *vhug;        /* extra cost of the segment for running
                                   close along the side of a box           */
    int *pused, *pbend;         /* arrows through / turning at the point   */
} grid;

/* qsort order of doubles: ascending. */
static int dbl_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Sorts V[0..*N-1], drops values within 0.01 mm of the previous one and
 * adds the points a quarter, half and three quarters of the way across
 * gaps wider than 2 mm (only the half way when there are more than 60
 * lines, so that a big chart keeps a grid of reasonable size). */
static double *lines_finish(double *v, int *n)
{
    int k = 0, m;
    double *out;

    qsort(v, (size_t)*n, sizeof *v, dbl_cmp);
    for (int i = 0; i < *n; i++)
        if (k == 0 || v[i] - v[k - 1] > 0.01)
            v[k++] = v[i];
    out = fs_xmalloc((size_t)(4 * k + 1) * sizeof *out);
    m = 0;
    for (int i = 0; i < k; i++) {
        out[m++] = v[i];
        if (i + 1 < k && v[i + 1] - v[i] > 2) {
            double g = v[i + 1] - v[i];
            if (k <= 60)
                out[m++] = v[i] + g / 4;
            out[m++] = v[i] + g / 2;
            if (k <= 60)
                out[m++] = v[i] + 3 * g / 4;
        }
    }
    free(v);
    *n = m;
    return out;
}

/* The index of the line at V in LINES (within 0.005 mm), or -1. */
static int line_index(const double *lines, int n, double v)
{
    int lo = 0, hi = n - 1;

    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        if (fabs(lines[mid] - v) < 0.005)
            return mid;
        if (lines[mid] < v)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return -1;
}

/* Where port FI of SIDE of box D lies, and its stub's end 'clear' out;
 * returns 0 when the port would fall on a rounded corner. */
static int port_at(const lnode *d, int side, int fi, double clear,
                   fs_draw_point *port, fs_draw_point *stub)
{
    rect b = d->box;
    double f = FRACS[fi];

    if (fi && (side == UP || side == DOWN) && b.w * f < d->radius + 0.5)
        return 0;
    if (fi && (side == LEFT || side == RIGHT) && b.h * f < d->radius + 0.5)
        return 0;
    switch (side) {
    case UP:    *port = (fs_draw_point){b.x + b.w * f, b.y}; break;
    case RIGHT: *port = (fs_draw_point){b.x + b.w, b.y + b.h * f}; break;
    case DOWN:  *port = (fs_draw_point){b.x + b.w * f, b.y + b.h}; break;
    default:    *port = (fs_draw_point){b.x, b.y + b.h * f}; break;
    }
    *stub = (fs_draw_point){port->x + DX[side] * clear, port->y + DY[side] * clear};
    return 1;
}

/* Is (X, Y) strictly inside one of the boxes of L grown by CLEAR? */
static int inside_any(const layout *L, double x, double y, double clear)
{
    for (size_t v = 0; v < L->n; v++) {
        rect b = L->nd[v].box;
        if (x > b.x - clear + 1e-7 && x < b.x + b.w + clear - 1e-7 &&
            y > b.y - clear + 1e-7 && y < b.y + b.h + clear - 1e-7)
            return 1;
    }
    return 0;
}

/* Frees what G owns (not G). */
static void grid_free(grid *g)
{
    free(g->xs);
    free(g->ys);
    free(g->bad);
    free(g->hbad);
    free(g->vbad);
    free(g->hused);
    free(g->vused);
    free(g->hhug);
    free(g->vhug);
    free(g->pused);
    free(g->pbend);
}

/* The extra cost of a segment from (X0, Y0) to (X1, Y1) for running
 * closer than 2.5 'clear' along the side of a box (boxes beside it, not
 * those it leads to or from): arrows in the middle of the gaps read
 * better than arrows hugging the boxes. */
static double hug_cost(const layout *L, double x0, double y0, double x1, double y1)
{
    double want = 2.5 * L->p.clear, d = want, len = fabs(x1 - x0) + fabs(y1 - y0);
    int vertical = fabs(x1 - x0) < EPS;

    for (size_t v = 0; v < L->n; v++) {
        rect b = L->nd[v].box;
        if (vertical && fmin(y0, y1) < b.y + b.h - EPS && fmax(y0, y1) > b.y + EPS)
            d = fmin(d, x0 < b.x ? b.x - x0 : x0 - (b.x + b.w));
        if (!vertical && fmin(x0, x1) < b.x + b.w - EPS && fmax(x0, x1) > b.x + EPS)
            d = fmin(d, y0 < b.y ? b.y - y0 : y0 - (b.y + b.h));
    }
    return d < want ? 0.8 * len * (want - fmax(d, 0)) / want : 0;
}

/* Builds the candidate lines and what is blocked on them. */
static void grid_build(const layout *L, grid *g)
{
    double cl = L->p.clear, minx = DBL_MAX, miny = DBL_MAX, maxx = -DBL_MAX, maxy = -DBL_MAX;
    int nx = 0, ny = 0;
    size_t np;

    g->xs = fs_xmalloc((L->n * 5 + 2) * sizeof *g->xs);
    g->ys = fs_xmalloc((L->n * 5 + 2) * sizeof *g->ys);
    for (size_t v = 0; v < L->n; v++) {
        rect b = L->nd[v].box;
        g->xs[nx++] = b.x - cl;
        g->xs[nx++] = b.x + b.w + cl;
        g->ys[ny++] = b.y - cl;
        g->ys[ny++] = b.y + b.h + cl;
        for (int fi = 0; fi < 3; fi++) {
            g->xs[nx++] = b.x + b.w * FRACS[fi];
            g->ys[ny++] = b.y + b.h * FRACS[fi];
        }
        minx = fmin(minx, b.x - cl);
        miny = fmin(miny, b.y - cl);
        maxx = fmax(maxx, b.x + b.w + cl);
        maxy = fmax(maxy, b.y + b.h + cl);
    }
    g->xs[nx++] = minx - 2 * cl;
    g->xs[nx++] = maxx + 2 * cl;
    g->ys[ny++] = miny - 2 * cl;
    g->ys[ny++] = maxy + 2 * cl;
    g->xs = lines_finish(g->xs, &nx);
    g->ys = lines_finish(g->ys, &ny);
    g->nx = nx, g->ny = ny;
    np = (size_t)nx * (size_t)ny;
    g->bad = fs_xcalloc(np, 1);
    g->hbad = fs_xcalloc(np, 1);
    g->vbad = fs_xcalloc(np, 1);
    g->hused = fs_xcalloc(np, sizeof *g->hused);
    g->vused = fs_xcalloc(np, sizeof *g->vused);
    g->hhug = fs_xcalloc(np, sizeof *g->hhug);
    g->vhug = fs_xcalloc(np, sizeof *g->vhug);
    g->pused = fs_xcalloc(np, sizeof *g->pused);
    g->pbend = fs_xcalloc(np, sizeof *g->pbend);
    for (int j = 0; j < ny; j++)
        for (int i = 0; i < nx; i++)
            g->bad[j * nx + i] = (unsigned char)inside_any(L, g->xs[i], g->ys[j], cl);
    for (int j = 0; j < ny; j++)
        for (int i = 0; i < nx; i++) {
            size_t p = (size_t)j * (size_t)nx + (size_t)i;
            g->hbad[p] = i + 1 >= nx || g->bad[p] || g->bad[p + 1] ||
                         inside_any(L, (g->xs[i] + g->xs[i + 1]) / 2, g->ys[j], cl);
            g->vbad[p] = j + 1 >= ny || g->bad[p] || g->bad[p + (size_t)nx] ||
                         inside_any(L, g->xs[i], (g->ys[j] + g->ys[j + 1]) / 2, cl);
            if (!g->hbad[p])
                g->hhug[p] = hug_cost(L, g->xs[i], g->ys[j], g->xs[i + 1], g->ys[j]);
            if (!g->vbad[p])
                g->vhug[p] = hug_cost(L, g->xs[i], g->ys[j], g->xs[i], g->ys[j + 1]);
        }
}

/* A binary min-heap of (cost, state). */
typedef struct heap {
    double *k;
    int *v;
    size_t n, cap;
} heap;

/* Adds V with cost K to H, growing it as needed. */
static void heap_push(heap *h, double k, int v)
{
    size_t i;

    if (h->n == h->cap) {
        h->cap = h->cap ? h->cap * 2 : 1024;
        h->k = fs_xrealloc(h->k, h->cap * sizeof *h->k);
        h->v = fs_xrealloc(h->v, h->cap * sizeof *h->v);
    }
    i = h->n++;
    while (i > 0 && h->k[(i - 1) / 2] > k) {
        h->k[i] = h->k[(i - 1) / 2];
        h->v[i] = h->v[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    h->k[i] = k;
    h->v[i] = v;
}

/* Removes the cheapest entry into *K, *V; returns 0 when empty. */
static int heap_pop(heap *h, double *k, int *v)
{
    size_t i = 0;
    double lk;
    int lv;

    if (!h->n)
        return 0;
    *k = h->k[0];
    *v = h->v[0];
    lk = h->k[--h->n];
    lv = h->v[h->n];
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= h->n)
            break;
        if (c + 1 < h->n && h->k[c + 1] < h->k[c])
            c++;
        if (h->k[c] >= lk)
            break;
        h->k[i] = h->k[c];
        h->v[i] = h->v[c];
        i = c;
    }
    h->k[i] = lk;
    h->v[i] = lv;
    return 1;
}

/* The cost of using port FI of SIDE of box V for an arrow to or from box
 * OTHER: low where the side faces the other box. */
static double port_cost(const layout *L, size_t v, size_t other, int side, int fi)
{
    rect a = L->nd[v].box, b = L->nd[other].box;
    double dx = (b.x + b.w / 2) - (a.x + a.w / 2), dy = (b.y + b.h / 2) - (a.y + a.h / 2);
    double len = hypot(dx, dy), cosv = len > 0 ? (DX[side] * dx + DY[side] * dy) / len : 0;

    return COST_PORT * (1 - cosv) + (fi ? COST_QUARTER : 0);
}

/* The buffers of the shortest-path search, allocated once per grid. */
typedef struct search {
    double *dist;               /* per state (point x 4 directions)        */
    int *prev;
    int *seedport;              /* per state: the source port it starts at */
    int *chain;
    int *tport;                 /* per point: target port + 1, or 0        */
    double *tcost;              /* per point: that port's cost             */
    heap h;
} search;

/* Allocates the buffers of a search over G. */
static void search_init(search *S, const grid *g)
{
    size_t np = (size_t)g->nx * (size_t)g->ny;

    memset(S, 0, sizeof *S);
    S->dist = fs_xmalloc(np * 4 * sizeof *S->dist);
    S->prev = fs_xmalloc(np * 4 * sizeof *S->prev);
    S->seedport = fs_xmalloc(np * 4 * sizeof *S->seedport);
    S->chain = fs_xmalloc(np * 4 * sizeof *S->chain);
    S->tport = fs_xmalloc(np * sizeof *S->tport);
    S->tcost = fs_xmalloc(np * sizeof *S->tcost);
}

/* Frees the buffers of S. */
static void search_done(search *S)
{
    free(S->dist);
    free(S->prev);
    free(S->seedport);
    free(S->chain);
    free(S->tport);
    free(S->tcost);
    free(S->h.k);
    free(S->h.v);
}

/* Routes edge E over G: a shortest path from a free port of its source to
 * a free port of its target, costing length, bends, ports, and crossing,
 * touching or sharing earlier routes.  Stores the polyline in L->rt[e],
 * marks the ports used and the grid used; returns 0 when no route
 * exists. */
static int route_edge(layout *L, grid *g, search *sr, size_t e)
{
    const fs_flow_edge *ed = &L->f->edges[e];
    size_t s = (size_t)ed->from, t = (size_t)ed->to;
    int nx = g->nx, np = g->nx * g->ny, sink = np * 4, best = -1, sinkport = -1;
    double cl = L->p.clear, sinkcost = DBL_MAX, k;
    search S = *sr;
    heap h = sr->h;
    int *seedport = sr->seedport, st, found = 0;
    fs_draw_point port, stub;

    h.n = 0;
    for (int i = 0; i < np * 4; i++) {
        S.dist[i] = DBL_MAX;
        S.prev[i] = -1;
        seedport[i] = -1;
    }
    memset(S.tport, 0, (size_t)np * sizeof *S.tport);
    for (int side = 0; side < 4; side++)
        for (int fi = 0; fi < 3; fi++) {
            int i, j, pt;
            if (!L->port_used[t * 12 + (size_t)(side * 3 + fi)] &&
                port_at(&L->nd[t], side, fi, cl, &port, &stub) &&
                (i = line_index(g->xs, g->nx, stub.x)) >= 0 &&
                (j = line_index(g->ys, g->ny, stub.y)) >= 0 && !g->bad[pt = j * nx + i]) {
                S.tport[pt] = side * 3 + fi + 1;
                S.tcost[pt] = port_cost(L, t, s, side, fi) + cl +
                              (g->pused[pt] ? COST_TOUCH : 0);
            }
            if (!L->port_used[s * 12 + (size_t)(side * 3 + fi)] &&
                port_at(&L->nd[s], side, fi, cl, &port, &stub) &&
                (i = line_index(g->xs, g->nx, stub.x)) >= 0 &&
                (j = line_index(g->ys, g->ny, stub.y)) >= 0 && !g->bad[pt = j * nx + i]) {
                int state = pt * 4 + side;
                double c = port_cost(L, s, t, side, fi) + cl +
                           (g->pused[pt] ? COST_TOUCH : 0);
                if (c < S.dist[state]) {
                    S.dist[state] = c;
                    seedport[state] = side * 3 + fi;
                    heap_push(&h, c, state);
                }
            }
        }
    while (heap_pop(&h, &k, &st)) {
        if (st == sink) {
            found = 1;
            break;
        }
        if (k > S.dist[st])
            continue;
        int pt = st / 4, d = st % 4, i = pt % nx, j = pt / nx;
        if (S.tport[pt]) {
            int side = (S.tport[pt] - 1) / 3, inward = (side + 2) % 4;
            if (d != side) {
                double c = k + S.tcost[pt] + (d == inward ? 0 : COST_BEND);
                if (c < sinkcost) {
                    sinkcost = c;
                    best = st;
                    sinkport = S.tport[pt] - 1;
                    heap_push(&h, c, sink);
                }
            }
        }
        for (int nd = 0; nd < 4; nd++) {
            int ni = i + DX[nd], nj = j + DY[nd], q, used, blocked;
            double c, len, hug;
            if (nd == (d + 2) % 4 || ni < 0 || nj < 0 || ni >= nx || nj >= g->ny)
                continue;
            q = nj * nx + ni;
            switch (nd) {
            case RIGHT: blocked = g->hbad[pt]; used = g->hused[pt]; hug = g->hhug[pt]; break;
            case LEFT:  blocked = g->hbad[q];  used = g->hused[q];  hug = g->hhug[q];  break;
            case DOWN:  blocked = g->vbad[pt]; used = g->vused[pt]; hug = g->vhug[pt]; break;
            default:    blocked = g->vbad[q];  used = g->vused[q];  hug = g->vhug[q];  break;
            }
            if (blocked)
                continue;
            len = fabs(g->xs[ni] - g->xs[i]) + fabs(g->ys[nj] - g->ys[j]);
            c = k + len + hug;
            if (nd != d)
                c += COST_BEND + (g->pused[pt] ? COST_TOUCH : 0);
            if (used)
                c += COST_SHARE + 30 * len;
            if (g->pused[q])
                c += COST_CROSS;
            if (g->pbend[q])
                c += COST_TOUCH;
            if (c < S.dist[q * 4 + nd]) {
                S.dist[q * 4 + nd] = c;
                S.prev[q * 4 + nd] = st;
                heap_push(&h, c, q * 4 + nd);
            }
        }
    }
    if (found) {
        size_t n = 0, cap = 16;
        int *chain = S.chain, nc = 0;
        fs_draw_point *pts = fs_xmalloc(cap * sizeof *pts);
        int sp_side, sp_fi;

        for (int x = best; x >= 0; x = S.prev[x])
            chain[nc++] = x;
        sp_side = seedport[chain[nc - 1]] / 3;
        sp_fi = seedport[chain[nc - 1]] % 3;
        port_at(&L->nd[s], sp_side, sp_fi, cl, &port, &stub);
        pts[n++] = port;
        for (int x = nc - 1; x >= 0; x--) {
            int pt = chain[x] / 4;
            if (n + 2 > cap)
                pts = fs_xrealloc(pts, (cap *= 2) * sizeof *pts);
            pts[n++] = (fs_draw_point){g->xs[pt % nx], g->ys[pt / nx]};
            g->pused[pt]++;
            if (x == nc - 1 || x == 0 || chain[x] % 4 != chain[x - 1] % 4)
                g->pbend[pt]++;
            if (x > 0) {
                int q = chain[x - 1] / 4;
                switch (chain[x - 1] % 4) {
                case RIGHT: g->hused[pt]++; break;
                case LEFT:  g->hused[q]++;  break;
                case DOWN:  g->vused[pt]++; break;
                default:    g->vused[q]++;  break;
                }
            }
        }
        port_at(&L->nd[t], sinkport / 3, sinkport % 3, cl, &port, &stub);
        pts[n++] = port;
        L->port_used[s * 12 + (size_t)seedport[chain[nc - 1]]] = 1;
        L->port_used[t * 12 + (size_t)sinkport] = 1;
        /* drop points in the middle of straight runs */
        size_t m = 0;
        for (size_t i = 0; i < n; i++) {
            if (m >= 1 && fabs(pts[i].x - pts[m - 1].x) < EPS && fabs(pts[i].y - pts[m - 1].y) < EPS)
                continue;
            if (m >= 2) {
                fs_draw_point a = pts[m - 2], b = pts[m - 1], c = pts[i];
                if ((fabs(a.x - b.x) < EPS && fabs(b.x - c.x) < EPS) ||
                    (fabs(a.y - b.y) < EPS && fabs(b.y - c.y) < EPS)) {
                    pts[m - 1] = c;
                    continue;
                }
            }
            pts[m++] = pts[i];
        }
        L->rt[e].pts = pts;
        L->rt[e].n = m;
    }
    sr->h = h;                  /* keeps what the heap grew to */
    return found;
}

/* Routes every edge: the shortest first (forward before back, then by how
 * many layers and columns they span, then in file order), so that the
 * straight arrows of the main flow get the middle ports.  An edge that
 * cannot be routed gets a straight line between the box centres and
 * makes the layout fail (L->ok = 0). */
static void route_all(layout *L)
{
    grid g;
    search S;
    size_t *order = fs_xmalloc((L->m + 1) * sizeof *order);
    int *key = fs_xmalloc((L->m + 1) * sizeof *key);

    grid_build(L, &g);
    search_init(&S, &g);
    for (size_t e = 0; e < L->m; e++) {
        const fs_flow_edge *ed = &L->f->edges[e];
        order[e] = e;
        key[e] = L->back[e] * 10000 + abs(L->nd[ed->to].layer - L->nd[ed->from].layer) +
                 abs(L->nd[ed->to].col - L->nd[ed->from].col);
    }
    for (size_t a = 1; a < L->m; a++)           /* stable insertion sort */
        for (size_t b = a; b > 0 && key[order[b - 1]] > key[order[b]]; b--) {
            size_t tmp = order[b];
            order[b] = order[b - 1];
            order[b - 1] = tmp;
        }
    for (size_t i = 0; i < L->m; i++) {
        size_t e = order[i];
        if (!route_edge(L, &g, &S, e)) {
            rect a = L->nd[L->f->edges[e].from].box, b = L->nd[L->f->edges[e].to].box;
            L->rt[e].pts = fs_xmalloc(2 * sizeof *L->rt[e].pts);
            L->rt[e].pts[0] = (fs_draw_point){a.x + a.w / 2, a.y + a.h / 2};
            L->rt[e].pts[1] = (fs_draw_point){b.x + b.w / 2, b.y + b.h / 2};
            L->rt[e].n = 2;
            L->ok = 0;
        }
    }
    search_done(&S);
    grid_free(&g);
    free(order);
    free(key);
}

/* ------------------------------------------------------------------------
 * Layout: arrow labels, composing, fitting.
 * ---------------------------------------------------------------------- */

#define LABEL_GAP    1.0        /* label box to its line, mm               */
#define LABEL_MARGIN 0.5        /* label box to anything else, mm          */
#define LINE_HW      0.35       /* half width of a line as an obstacle     */
#define ARROW_HW     1.2        /* half width of an arrowhead as one       */

/* Finds a place for a LW x LH box beside route RT: along each segment in
 * turn from the source, as near its start as it can be, right of (or
 * above) the line before left of (or below) it.  Returns 1 and *OUT, or 0. */
static int label_along(const obstacles *o, const route *rt, double lw,
                       double lh, rect *out)
{
    const rect nobounds = {0, 0, 0, 0};

    for (size_t k = 0; k + 1 < rt->n; k++) {
        fs_draw_point a = rt->pts[k], b = rt->pts[k + 1];
        int vertical = fabs(a.x - b.x) < EPS;
        double len = vertical ? fabs(b.y - a.y) : fabs(b.x - a.x);
        double sgn = (vertical ? b.y - a.y : b.x - a.x) > 0 ? 1 : -1;
        double along = vertical ? lh : lw;

        for (double c = fmin(along / 2 + 1.0, len / 2); c <= len - 0.5 + EPS; c += 0.5)
            for (int side = 0; side < 2; side++) {
                rect r = {0, 0, lw, lh};
                if (vertical) {
                    r.x = side == 0 ? a.x + LABEL_GAP : a.x - LABEL_GAP - lw;
                    r.y = a.y + sgn * c - lh / 2;
                } else {
                    r.x = a.x + sgn * c - lw / 2;
                    r.y = side == 0 ? a.y - LABEL_GAP - lh : a.y + LABEL_GAP;
                }
                if (obst_clear(o, r, LABEL_MARGIN, nobounds)) {
                    *out = r;
                    return 1;
                }
            }
    }
    return 0;
}

/* Wraps and places the label of every edge that has one. */
static void place_labels(layout *L)
{
    obstacles o = {0};
    const rect nobounds = {0, 0, 0, 0};

    for (size_t v = 0; v < L->n; v++)
        obst_add(&o, L->nd[v].box);
    for (size_t e = 0; e < L->m; e++)
        obst_add_line(&o, L->rt[e].pts, L->rt[e].n, LINE_HW, 1, 2.6 * L->p.k + 0.4, ARROW_HW);
    for (size_t e = 0; e < L->m; e++) {
        const char *label = L->f->edges[e].label;
        double lw, lh;
        rect r;

        if (!label)
            continue;
        wrap(L->fonts, L->f->edge_style.role, L->esize, label, 30, 1, &L->etext[e]);
        lw = L->etext[e].width + 1.2;
        lh = (double)L->etext[e].n * L->elead + 0.4;
        if (!label_along(&o, &L->rt[e], lw, lh, &r) &&
            !search_free(&o, L->rt[e].pts[0].x - lw / 2, L->rt[e].pts[0].y - lh / 2,
                         lw, lh, 30, LABEL_MARGIN, nobounds, &r)) {
            r = (rect){L->rt[e].pts[0].x, L->rt[e].pts[0].y, lw, lh};
            L->ok = 0;
        }
        L->lab[e] = r;
        obst_add(&o, r);
    }
    free(o.v);
}

/* Grows *BB to take in R. */
static void bbox_add(rect *bb, rect r)
{
    double x1, y1;

    if (bb->w < 0) {
        *bb = r;
        return;
    }
    x1 = fmax(bb->x + bb->w, r.x + r.w);
    y1 = fmax(bb->y + bb->h, r.y + r.h);
    bb->x = fmin(bb->x, r.x);
    bb->y = fmin(bb->y, r.y);
    bb->w = x1 - bb->x;
    bb->h = y1 - bb->y;
}

/* Everything the chart of L covers (arrows with their heads' width). */
static rect layout_bbox(const layout *L)
{
    rect bb = {0, 0, -1, -1};

    for (size_t v = 0; v < L->n; v++)
        bbox_add(&bb, L->nd[v].box);
    for (size_t e = 0; e < L->m; e++) {
        for (size_t i = 0; i < L->rt[e].n; i++)
            bbox_add(&bb, (rect){L->rt[e].pts[i].x - 1, L->rt[e].pts[i].y - 1, 2, 2});
        if (L->etext[e].n)
            bbox_add(&bb, L->lab[e]);
    }
    return bb;
}

/* Moves the chart of L by DX, DY (boxes only with BOXES_ONLY, and then
 * not the pinned ones). */
static void layout_move(layout *L, double dx, double dy, int boxes_only)
{
    for (size_t v = 0; v < L->n; v++)
        if (!boxes_only || !L->f->nodes[v].pinned) {
            L->nd[v].box.x += dx;
            L->nd[v].box.y += dy;
        }
    for (size_t e = 0; !boxes_only && e < L->m; e++) {
        for (size_t i = 0; i < L->rt[e].n; i++) {
            L->rt[e].pts[i].x += dx;
            L->rt[e].pts[i].y += dy;
        }
        L->lab[e].x += dx;
        L->lab[e].y += dy;
    }
}

/* The chart of L as a drawing of W x H mm: a shape per node and a
 * connector per edge, both in file order. */
static fs_drawing *compose(const layout *L, double w, double h)
{
    const fs_flow *f = L->f;
    fs_drawing *dr = fs_drawing_new(w, h);

    for (size_t v = 0; v < L->n; v++) {
        const lnode *d = &L->nd[v];
        fs_flow_kind k = f->nodes[v].kind;
        fs_shape_kind sk = k == FS_FLOW_REVIEW ? FS_SHAPE_DOUBLE :
                           (k == FS_FLOW_START || k == FS_FLOW_END) ? FS_SHAPE_ROUNDED :
                           FS_SHAPE_RECT;
        fs_draw_shape *s = fs_drawing_add_shape(dr, f->nodes[v].id, sk, d->box.x,
                                                d->box.y, d->box.w, d->box.h);
        double in = d->inset + L->p.padx, th = (double)d->text.n * L->lead;

        s->radius = d->radius;
        s->inset = d->inset;
        s->dashed = k == FS_FLOW_SIDE;
        put_lines(&s->label, &d->text, f->node_style.role, L->size, L->lead, C_BLACK,
                  FS_ALIGN_CENTER,
                  (rect){d->box.x + in, d->box.y + (d->box.h - th) / 2,
                         d->box.w - 2 * in, th});
    }
    for (size_t e = 0; e < L->m; e++) {
        const fs_flow_edge *ed = &f->edges[e];
        fs_draw_connector *c = fs_drawing_add_connector(dr, f->nodes[ed->from].id,
                                                        f->nodes[ed->to].id,
                                                        L->rt[e].pts, L->rt[e].n);
        c->arrow_len = 2.6 * L->p.k;
        c->arrow_w = 1.8 * L->p.k;
        c->dashed = f->nodes[ed->from].kind == FS_FLOW_SIDE;
        if (L->etext[e].n)
            put_lines(&c->label, &L->etext[e], f->edge_style.role, L->esize, L->elead,
                      C_BLACK, FS_ALIGN_CENTER, L->lab[e]);
    }
    return dr;
}

/* Frees what L owns. */
static void layout_free(layout *L)
{
    for (size_t v = 0; L->nd && v < L->n; v++)
        wrapped_free(&L->nd[v].text);
    for (size_t e = 0; L->rt && e < L->m; e++) {
        free(L->rt[e].pts);
        wrapped_free(&L->etext[e]);
    }
    free(L->nd);
    free(L->back);
    free(L->rt);
    free(L->port_used);
    free(L->etext);
    free(L->lab);
}

/* Lays F out with the sizes P, centred in AREA (pinned boxes where they
 * are pinned).  Returns the chart as a drawing; *OK says whether every
 * arrow was routed and every label placed, *BB what the chart covers. */
static fs_drawing *layout_try(const fs_flow *f, const fs_fontset *fonts,
                              const params *p, rect area, int *ok, rect *bb)
{
    layout L;
    fs_drawing *dr;
    rect b = {0, 0, -1, -1};

    memset(&L, 0, sizeof L);
    L.f = f;
    L.fonts = fonts;
    L.p = *p;
    L.n = f->nnodes;
    L.m = f->nedges;
    L.size = f->node_style.size * p->k;
    L.esize = f->edge_style.size * p->k;
    L.lead = L.size * PT_MM * 1.3;
    L.elead = L.esize * PT_MM * 1.2;
    L.ok = 1;
    L.nd = fs_xcalloc(L.n, sizeof *L.nd);
    L.back = fs_xcalloc(L.m + 1, sizeof *L.back);
    L.rt = fs_xcalloc(L.m + 1, sizeof *L.rt);
    L.port_used = fs_xcalloc(L.n * 12, 1);
    L.etext = fs_xcalloc(L.m + 1, sizeof *L.etext);
    L.lab = fs_xcalloc(L.m + 1, sizeof *L.lab);
    for (size_t v = 0; v < L.n; v++) {
        L.nd[v].anchor = -1;
        L.pinned |= f->nodes[v].pinned;
    }
    find_back_edges(&L);
    assign_layers(&L);
    assign_columns(&L);
    place_boxes(&L);
    for (size_t v = 0; v < L.n; v++)         /* as if nothing were pinned */
        bbox_add(&b, L.nd[v].box);
    if (b.w >= 0)
        layout_move(&L, area.x + (area.w - b.w) / 2 - b.x,
                    area.y + (area.h - b.h) / 2 - b.y, 1);
    for (size_t v = 0; v < L.n; v++)
        if (f->nodes[v].pinned) {
            L.nd[v].box.x = f->nodes[v].x - L.nd[v].box.w / 2;
            L.nd[v].box.y = f->nodes[v].y - L.nd[v].box.h / 2;
        }
    route_all(&L);
    place_labels(&L);
    b = layout_bbox(&L);
    if (!L.pinned) {
        layout_move(&L, area.x + (area.w - b.w) / 2 - b.x,
                    area.y + (area.h - b.h) / 2 - b.y, 0);
        b = layout_bbox(&L);
    }
    dr = compose(&L, area.w, area.h);
    *ok = L.ok;
    *bb = b;
    layout_free(&L);
    return dr;
}

/* Scales the text T by S about (OX, OY) and moves it to (TX, TY). */
static void text_transform(fs_draw_text *t, double s, double ox, double oy,
                           double tx, double ty)
{
    t->x = (t->x - ox) * s + tx;
    t->y = (t->y - oy) * s + ty;
    t->w *= s;
    t->h *= s;
    t->size *= s;
    t->leading *= s;
    for (size_t i = 0; i < t->nlines; i++) {
        t->lines[i].x = (t->lines[i].x - ox) * s + tx;
        t->lines[i].y = (t->lines[i].y - oy) * s + ty;
        t->lines[i].width *= s;
    }
}

/* Scales everything in DR by S about (OX, OY), which goes to (TX, TY). */
static void drawing_transform(fs_drawing *dr, double s, double ox, double oy,
                              double tx, double ty)
{
    for (size_t i = 0; i < dr->nshapes; i++) {
        fs_draw_shape *sh = &dr->shapes[i];
        sh->x = (sh->x - ox) * s + tx;
        sh->y = (sh->y - oy) * s + ty;
        sh->w *= s;
        sh->h *= s;
        sh->radius *= s;
        sh->inset *= s;
        text_transform(&sh->label, s, ox, oy, tx, ty);
    }
    for (size_t i = 0; i < dr->nconnectors; i++) {
        fs_draw_connector *c = &dr->connectors[i];
        for (size_t k = 0; k < c->npts; k++) {
            c->pts[k].x = (c->pts[k].x - ox) * s + tx;
            c->pts[k].y = (c->pts[k].y - oy) * s + ty;
        }
        c->arrow_len *= s;
        c->arrow_w *= s;
        text_transform(&c->label, s, ox, oy, tx, ty);
    }
    for (size_t i = 0; i < dr->ntexts; i++)
        text_transform(&dr->texts[i].text, s, ox, oy, tx, ty);
}

/* Moves the shapes, connectors and texts of SRC to the end of DST and
 * frees SRC. */
static void drawing_take(fs_drawing *dst, fs_drawing *src)
{
    for (size_t i = 0; i < src->nshapes; i++) {
        dst->shapes = grow(dst->shapes, dst->nshapes, &dst->shapes_cap, sizeof *dst->shapes);
        dst->shapes[dst->nshapes++] = src->shapes[i];
    }
    for (size_t i = 0; i < src->nconnectors; i++) {
        dst->connectors = grow(dst->connectors, dst->nconnectors, &dst->connectors_cap,
                               sizeof *dst->connectors);
        dst->connectors[dst->nconnectors++] = src->connectors[i];
    }
    for (size_t i = 0; i < src->ntexts; i++) {
        dst->texts = grow(dst->texts, dst->ntexts, &dst->texts_cap, sizeof *dst->texts);
        dst->texts[dst->ntexts++] = src->texts[i];
    }
    src->nshapes = src->nconnectors = src->ntexts = 0;
    fs_drawing_free(src);
}

/* Adds the 附件 label (top left) and the title (centred, wrapped into even
 * lines) to DR; returns where the chart may start, mm from the top. */
static double add_header(fs_drawing *dr, const fs_flow *f, const fs_fontset *fonts)
{
    fs_flow_style a = f->attachment_style, t = f->title_style;
    double lead = a.size * PT_MM * 1.5, y;
    fs_draw_item *it;
    wrapped w;

    wrap(fonts, a.role, a.size, f->attachment, dr->width, 0, &w);
    it = fs_drawing_add_text(dr, FS_TEXT_ATTACHMENT, NULL, 0, 0, 0, 0);
    put_lines(&it->text, &w, a.role, a.size, lead, C_BLACK, FS_ALIGN_LEFT,
              (rect){0, 0, dr->width, (double)w.n * lead});
    y = (double)w.n * lead + 4;
    wrapped_free(&w);
    lead = t.size * PT_MM * 1.3;
    wrap(fonts, t.role, t.size, f->title, dr->width, 1, &w);
    it = fs_drawing_add_text(dr, FS_TEXT_TITLE, NULL, 0, 0, 0, 0);
    put_lines(&it->text, &w, t.role, t.size, lead, C_BLACK, FS_ALIGN_CENTER,
              (rect){0, y, dr->width, (double)w.n * lead});
    y += (double)w.n * lead + 6;
    wrapped_free(&w);
    return y;
}

/* Lays F out on one page; see fs-flow.h. */
fs_drawing *fs_flow_layout(const fs_flow *f, const fs_fontset *fonts,
                           const fs_page_setup *page, fs_diags *diags)
{
    const fs_page_setup a4 = {210, 297, 37, 35, 28, 26, FS_PAGENUM_GBT9704};
    const size_t nsets = sizeof param_sets / sizeof *param_sets;
    fs_drawing *dr, *chart = NULL;
    rect area, bb = {0, 0, 0, 0};
    int ok = 0, fits = 0, pinned = 0;

    if (!page)
        page = &a4;
    dr = fs_drawing_new(page->width - page->left - page->right,
                        page->height - page->top - page->bottom);
    dr->page_w = page->width;
    dr->page_h = page->height;
    dr->page_x = page->left;
    dr->page_y = page->top;
    dr->title = fs_strdup(f->title);
    area.y = add_header(dr, f, fonts);
    dr->legend_h = 16;
    dr->legend_y = dr->height - dr->legend_h;
    area.x = 0;
    area.w = dr->width;
    area.h = dr->legend_y - 2 - area.y;
    dr->chart_x = area.x, dr->chart_y = area.y, dr->chart_w = area.w, dr->chart_h = area.h;
    for (size_t v = 0; v < f->nnodes; v++)
        pinned |= f->nodes[v].pinned;

    /* the first set of sizes that routes and fits; else the first that
     * routes; else the smallest */
    for (size_t i = 0; i < nsets; i++) {
        int ok1;
        rect bb1;
        fs_drawing *c = layout_try(f, fonts, &param_sets[i], area, &ok1, &bb1);
        int fits1 = bb1.x >= area.x - EPS && bb1.y >= area.y - EPS &&
                    bb1.x + bb1.w <= area.x + area.w + EPS &&
                    bb1.y + bb1.h <= area.y + area.h + EPS;
        if (!chart || (ok1 && !ok) || (ok1 == ok && fits1 && !fits) ||
            (ok1 == ok && !fits && !fits1 && i + 1 == nsets)) {
            fs_drawing_free(chart);
            chart = c;
            ok = ok1, fits = fits1, bb = bb1;
        } else
            fs_drawing_free(c);
        if (ok && fits)
            break;
    }
    if (!fits && !pinned) {
        double s = fmin(area.w / bb.w, area.h / bb.h);
        if (s > 1)
            s = 1;
        drawing_transform(chart, s, bb.x, bb.y, area.x + (area.w - bb.w * s) / 2,
                          area.y + (area.h - bb.h * s) / 2);
        if (s < 0.6)
            fs_diags_add(diags, f->path, 0, FS_WARNING,
                         "流程图过大，已缩小到 %.0f%% 才能放进一页，文字可能过小", s * 100);
    } else if (!fits)
        fs_diags_add(diags, f->path, 0, FS_WARNING,
                     "按指定坐标放置的流程图超出了版心（%.0f × %.0f 毫米的作图区）",
                     area.w, area.h);
    if (!ok)
        fs_diags_add(diags, f->path, 0, FS_WARNING,
                     "有箭头或箭头文字无法避开方框和其他连线，请检查方框坐标");
    for (size_t a = 0; pinned && a < chart->nshapes; a++)
        for (size_t b = a + 1; b < chart->nshapes; b++) {
            fs_draw_shape *p = &chart->shapes[a], *q = &chart->shapes[b];
            if (overlaps((rect){p->x - 1, p->y - 1, p->w + 2, p->h + 2},
                         (rect){q->x, q->y, q->w, q->h}))
                fs_diags_add(diags, f->path, f->nodes[a].line, FS_WARNING,
                             "方框 %s 与方框 %s 重叠或相距不到 1 毫米", p->id, q->id);
        }
    drawing_take(dr, chart);
    return dr;
}

/* ------------------------------------------------------------------------
 * Marking a dossier's history.
 * ---------------------------------------------------------------------- */

/* The node of F that event I of D stands on, or -1; see fs-flow.h. */
int fs_flow_event_node(const fs_flow *f, const fs_dossier *d, size_t i)
{
    int annual = 0;

    if (i >= d->nevents)
        return -1;
    for (size_t k = 0; k < i; k++)
        if (d->events[k].stage == FS_STAGE_APPROVED ||
            d->events[k].stage == FS_STAGE_ANNUAL_REPORT)
            annual = 1;
    if (d->events[i].stage == FS_STAGE_ANNUAL_REPORT)
        annual = 1;
    if (annual != f->annual)
        return -1;
    for (size_t v = 0; v < f->nnodes; v++)
        if (f->nodes[v].stage == (int)d->events[i].stage)
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

/* Everything in DR a note or the legend must keep clear of. */
static void drawing_obstacles(const fs_drawing *dr, obstacles *o)
{
    for (size_t i = 0; i < dr->nshapes; i++)
        obst_add(o, (rect){dr->shapes[i].x, dr->shapes[i].y, dr->shapes[i].w,
                           dr->shapes[i].h});
    for (size_t i = 0; i < dr->nconnectors; i++) {
        const fs_draw_connector *c = &dr->connectors[i];
        obst_add_line(o, c->pts, c->npts, LINE_HW, c->arrow, c->arrow_len + 0.4,
                      fmax(ARROW_HW, c->arrow_w / 2 + 0.3));
        if (c->label.nlines)
            obst_add(o, (rect){c->label.x, c->label.y, c->label.w, c->label.h});
    }
    for (size_t i = 0; i < dr->ntexts; i++)
        obst_add(o, (rect){dr->texts[i].text.x, dr->texts[i].text.y,
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
    double size = fmin(7.5, s->label.size * 0.8), lead = size * PT_MM * 1.25;
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
        widths[i] = text_width(fonts, FS_ROLE_SONG, size, lines[i]);
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
        if (obst_clear(&o, cands[i], LABEL_MARGIN, bounds)) {
            r = cands[i];
            found = 1;
        }
    if (!found)
        found = search_free(&o, cands[0].x, cands[0].y, w, h, 60, LABEL_MARGIN,
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
    double w = text_width(fonts, FS_ROLE_SONG, size, s);
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
    x = (dr->width - text_width(fonts, FS_ROLE_SONG, size, head)) / 2;
    legend_text(dr, fonts, head, fmax(x, 0), y, h, size);
    free(head);
    if (!marked)
        return;
    y += h + 1.5;
    for (int i = 0; i < 4; i++) {
        widths[i] = text_width(fonts, FS_ROLE_SONG, size, names[i]);
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
        if (!k && !(f->nodes[v].kind == FS_FLOW_START && f->nodes[v].stage < 0))
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
        if (f->nodes[v].kind == FS_FLOW_START && f->nodes[v].stage < 0) {
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
