/*
 * fs-flow-load.c - reading a flowchart (templates/flowcharts/ID.xml) into a
 * fs_flow: schema check, then the rules the schema cannot state.
 */
#include "fs-flow-private.h"
#include "fs-xml.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define FLOW_MAX_BYTES (1L << 20)


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
    char *font = fs_xml_attr(node, "font"), *size = fs_xml_attr(node, "size");

    if (font) {
        int k = 0;
        while (k < FS_ROLE_EDITABLE &&
               strcmp(font, fs_font_role_name((fs_font_role)k)) != 0)
            k++;
        if (k == FS_ROLE_EDITABLE)
            load_error(ld, node, "字体 font=\"%s\" 应为 song、hei、kai、latin、"
                       "fallback、fangsong 或 xiaobiaosong", font);
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
    nd->label = fs_text_paragraphs(raw);
    nd->feeds = -1;
    if (!nd->id)
        nd->id = fs_strdup("");
    nd->kind = FS_FLOW_STEP;
    for (size_t k = 0; kind && k < sizeof kinds / sizeof *kinds; k++)
        if (strcmp(kind, kinds[k]) == 0)
            nd->kind = (fs_flow_kind)k;
    nd->stage = stage;
    stage = NULL;
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

        f->nodes = fs_grow(f->nodes, f->nnodes, &cap, sizeof *f->nodes);
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

        f->edges = fs_grow(f->edges, f->nedges, &cap, sizeof *f->edges);
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
    char *src = NULL;
    size_t srclen = 0;
    fs_error rerr;

    *err = FS_E_TEMPLATE;
    doc = fs_xml_read_source(path, FLOW_MAX_BYTES, &src, &srclen, diags, &rerr);
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
    if (!schema || fs_schema_check_known(schema, doc, src, srclen, path, diags) != 0)
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
    free(src);
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
        free(f->nodes[i].stage);
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

/* Index of the node ID, or -1. */
int fs_flow_node_index(const fs_flow *f, const char *id)
{
    return find_node(f, f->nnodes, id);
}

