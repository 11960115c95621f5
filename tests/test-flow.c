/*
 * test-flow.c - tests of the flowcharts (src/flow/fs-flow-*.c): loading the two
 * charts of templates/flowcharts/, the geometry of their layout (also with
 * labels three times as long, and with a dossier marked on them), and the
 * marking of the example dossiers.
 *
 * Runs from the project's root: templates/ and fonts/fonts.conf (or
 * $FIVESTAR_FONTS) must be there.  The geometry checks are independent of
 * how fs-flow-layout.c lays out: they look only at the fs_drawing.
 */
#include "testutil.h"
#include "fs-flow.h"
#include "fs-set.h"

#include <math.h>

#define CREATION "templates/flowcharts/creation.xml"
#define DYNAMIC "templates/flowcharts/dynamic.xml"
#define BOX_MARGIN 2.0          /* boxes at least this far apart, mm       */
#define BORDER_TOL 0.5          /* an arrow ends this close to the border  */

/* The labels of ../shared/spec/flowcharts.md, the notice's wording. */
static const char *const creation_labels[] = {
    "党组织提交申报材料", "镇街（园区）或直管党委初审", "工委审核",
    "整改", "申报党组织开展创建工作", "上级党组织跟踪指导",
    "镇街（园区）或直管党委初评", "工委复核评定", "创建成功",
};
static const char *const dynamic_labels[] = {
    "党组织年度述职", "镇街（园区）或直管党委初审", "工委审核", "工委年度督导检查",
    "汇总评估结果", "检查合格", "工委提出指导意见", "党组织整改", "工委复查", "撤销称号",
};

static fs_fontset *fonts;

/* Loads the fonts once for the whole program. */
static void setup(void)
{
    fs_diags d = {0};
    fs_error err;
    const char *conf = getenv("FIVESTAR_FONTS");

    setenv("FIVESTAR_TEMPLATES", "templates", 1);
    fs_templates_init(NULL);
    fonts = fs_fontset_load(conf && *conf ? conf : "fonts/fonts.conf", &d, &err);
    if (!fonts)
        fs_diags_print(&d, stderr);
    fs_diags_clear(&d);
}

/* Frees the fonts. */
static void teardown(void)
{
    fs_fontset_free(fonts);
    fonts = NULL;
}

/* Loads the chart PATH, failing the test with its diagnostics. */
static fs_flow *load(const char *path)
{
    fs_diags d = {0};
    fs_error err = FS_OK;
    fs_flow *f = fs_flow_load(path, &d, &err);

    if (!f)
        fs_diags_print(&d, stderr);
    ck_assert_msg(f != NULL, "%s: %s", path, fs_strerror(err));
    ck_assert_int_eq(err, FS_OK);
    ck_assert_uint_eq(d.errors, 0);
    fs_diags_clear(&d);
    return f;
}

/* Lays F out and fails the test on a warning. */
static fs_drawing *lay_out(const fs_flow *f)
{
    fs_diags d = {0};
    fs_drawing *dr;

    ck_assert_ptr_nonnull(fonts);
    dr = fs_flow_layout(f, fonts, NULL, &d);
    if (d.n)
        fs_diags_print(&d, stderr);
    ck_assert_uint_eq(d.n, 0);
    fs_diags_clear(&d);
    return dr;
}

typedef struct dossier {
    fs_rubric_cache *cache;
    fs_dossier *d;
} dossier;

/* Loads the dossier PATH (with its rubric cache) into *X, failing the
 * test with the diagnostics when it does not load. */
static void load_dossier(dossier *x, const char *path)
{
    fs_diags d = {0};
    fs_error err = FS_OK;
    const fs_rubric *r;

    x->cache = fs_rubric_cache_new();
    x->d = fs_dossier_load(path, x->cache, &r, &d, &err);
    if (!x->d)
        fs_diags_print(&d, stderr);
    ck_assert_msg(x->d != NULL, "%s: %s", path, fs_strerror(err));
    fs_diags_clear(&d);
}

/* Frees what load_dossier loaded. */
static void free_dossier(dossier *x)
{
    fs_dossier_free(x->d);
    fs_rubric_cache_free(x->cache);
}

/* ------------------------------------------------------------------------
 * Geometry helpers: rectangles and axis-parallel segments, mm.
 * ---------------------------------------------------------------------- */

typedef struct box { double x, y, w, h; } box;

/* B grown by M on every side (shrunk when M < 0). */
static box grown(box b, double m)
{
    return (box){b.x - m, b.y - m, b.w + 2 * m, b.h + 2 * m};
}

/* The outer border of S. */
static box shape_box(const fs_draw_shape *s)
{
    return (box){s->x, s->y, s->w, s->h};
}

/* The box the lines of T sit in. */
static box text_box(const fs_draw_text *t)
{
    return (box){t->x, t->y, t->w, t->h};
}

/* Do A and B share area (touching does not count)? */
static int boxes_overlap(box a, box b)
{
    return a.x < b.x + b.w - 1e-9 && b.x < a.x + a.w - 1e-9 &&
           a.y < b.y + b.h - 1e-9 && b.y < a.y + a.h - 1e-9;
}

/* Does the segment P-Q touch the closed box B? */
static int seg_hits(fs_draw_point p, fs_draw_point q, box b)
{
    return fmax(p.x, q.x) >= b.x && fmin(p.x, q.x) <= b.x + b.w &&
           fmax(p.y, q.y) >= b.y && fmin(p.y, q.y) <= b.y + b.h;
}

/* Does the segment P-Q enter the open interior of B? */
static int seg_enters(fs_draw_point p, fs_draw_point q, box b)
{
    const double e = 0.01;
    return fmax(p.x, q.x) > b.x + e && fmin(p.x, q.x) < b.x + b.w - e &&
           fmax(p.y, q.y) > b.y + e && fmin(p.y, q.y) < b.y + b.h - e;
}

/* Distance from P to the border of B. */
static double border_dist(fs_draw_point p, box b)
{
    double dx = fmax(fmax(b.x - p.x, p.x - (b.x + b.w)), 0);
    double dy = fmax(fmax(b.y - p.y, p.y - (b.y + b.h)), 0);

    if (dx > 0 || dy > 0)
        return hypot(dx, dy);
    return fmin(fmin(p.x - b.x, b.x + b.w - p.x), fmin(p.y - b.y, b.y + b.h - p.y));
}

/* Is B inside the text block of DR? */
static int inside_page(box b, const fs_drawing *dr)
{
    return b.x >= -1e-6 && b.y >= -1e-6 && b.x + b.w <= dr->width + 1e-6 &&
           b.y + b.h <= dr->height + 1e-6;
}

/* The shape of node ID. */
static const fs_draw_shape *shape_of(fs_drawing *dr, const char *id)
{
    const fs_draw_shape *s = fs_drawing_shape(dr, id);
    ck_assert_msg(s != NULL, "no shape for node %s", id);
    return s;
}

/* The lines of T joined without separators, in a static buffer. */
/* LABEL with its line breaks taken out (static buffer), as the lines of
 * a box read joined. */
static const char *flat(const char *label)
{
    static char buf[4096];
    size_t n = 0;

    for (; *label && n + 1 < sizeof buf; label++)
        if (*label != '\n')
            buf[n++] = *label;
    buf[n] = '\0';
    return buf;
}

static const char *joined(const fs_draw_text *t)
{
    static char buf[4096];
    size_t n = 0;

    buf[0] = 0;
    for (size_t i = 0; i < t->nlines; i++) {
        size_t k = strlen(t->lines[i].text);
        ck_assert_uint_lt(n + k, sizeof buf);
        memcpy(buf + n, t->lines[i].text, k + 1);
        n += k;
    }
    return buf;
}

/* Every check of the issue on DR, a drawing of F: boxes apart; arrows
 * orthogonal, from their source's border to their target's, through no
 * other box and not into their own; labels, notes and legend texts clear
 * of every box, line and each other; everything on the page; every line
 * of text inside its box. */
static void check_geometry_margin(const fs_flow *f, fs_drawing *dr, const char *what,
                                  double margin)
{
    /* boxes of the nodes, apart by BOX_MARGIN */
    for (size_t i = 0; i < dr->nshapes; i++) {
        box a = shape_box(&dr->shapes[i]);
        ck_assert_msg(inside_page(a, dr), "%s: box %s off the page", what,
                      dr->shapes[i].id ? dr->shapes[i].id : "(legend)");
        for (size_t j = i + 1; j < dr->nshapes; j++)
            ck_assert_msg(!boxes_overlap(grown(a, margin), shape_box(&dr->shapes[j])),
                          "%s: boxes %s and %s closer than %.1f mm", what,
                          dr->shapes[i].id ? dr->shapes[i].id : "(legend)",
                          dr->shapes[j].id ? dr->shapes[j].id : "(legend)", margin);
    }
    /* arrows */
    for (size_t c = 0; c < dr->nconnectors; c++) {
        const fs_draw_connector *k = &dr->connectors[c];
        const fs_draw_shape *from = k->from ? shape_of(dr, k->from) : NULL;
        const fs_draw_shape *to = k->to ? shape_of(dr, k->to) : NULL;

        ck_assert_uint_ge(k->npts, 2);
        if (from)
            ck_assert_msg(border_dist(k->pts[0], shape_box(from)) <= BORDER_TOL,
                          "%s: arrow %s→%s does not start on its source's border",
                          what, k->from, k->to);
        if (to)
            ck_assert_msg(border_dist(k->pts[k->npts - 1], shape_box(to)) <= BORDER_TOL,
                          "%s: arrow %s→%s does not end on its target's border (%.2f mm off)",
                          what, k->from, k->to,
                          border_dist(k->pts[k->npts - 1], shape_box(to)));
        for (size_t i = 0; i + 1 < k->npts; i++) {
            fs_draw_point p = k->pts[i], q = k->pts[i + 1];
            ck_assert_msg(fabs(p.x - q.x) < 1e-6 || fabs(p.y - q.y) < 1e-6,
                          "%s: arrow %s→%s has a slanted segment", what, k->from, k->to);
            ck_assert_msg(inside_page((box){fmin(p.x, q.x), fmin(p.y, q.y),
                                            fabs(p.x - q.x), fabs(p.y - q.y)}, dr),
                          "%s: arrow %s→%s leaves the page", what, k->from, k->to);
            for (size_t s = 0; s < dr->nshapes; s++) {
                const fs_draw_shape *sh = &dr->shapes[s];
                if (sh == from || sh == to)
                    ck_assert_msg(!seg_enters(p, q, shape_box(sh)),
                                  "%s: arrow %s→%s runs inside its own box %s", what,
                                  k->from, k->to, sh->id);
                else
                    ck_assert_msg(!seg_hits(p, q, shape_box(sh)),
                                  "%s: arrow %s→%s passes through box %s", what,
                                  k->from, k->to, sh->id ? sh->id : "(legend)");
            }
        }
    }
    /* labels of arrows, notes, legend, title: clear of boxes, lines and
     * each other */
    size_t nt = dr->nconnectors + dr->ntexts;
    for (size_t a = 0; a < nt; a++) {
        const fs_draw_text *ta = a < dr->nconnectors ? &dr->connectors[a].label
                                                     : &dr->texts[a - dr->nconnectors].text;
        box ba = text_box(ta);
        if (!ta->nlines)
            continue;
        ck_assert_msg(inside_page(ba, dr), "%s: text %s off the page", what, joined(ta));
        for (size_t i = 0; i < ta->nlines; i++)
            ck_assert_msg(ta->lines[i].x >= ba.x - 0.05 &&
                          ta->lines[i].x + ta->lines[i].width <= ba.x + ba.w + 0.05,
                          "%s: a line of %s sticks out of its box", what, joined(ta));
        for (size_t s = 0; s < dr->nshapes; s++)
            ck_assert_msg(!boxes_overlap(ba, shape_box(&dr->shapes[s])),
                          "%s: text %s on box %s", what, joined(ta),
                          dr->shapes[s].id ? dr->shapes[s].id : "(legend)");
        for (size_t c = 0; c < dr->nconnectors; c++) {
            const fs_draw_connector *k = &dr->connectors[c];
            for (size_t i = 0; i + 1 < k->npts; i++)
                ck_assert_msg(!seg_hits(k->pts[i], k->pts[i + 1], ba),
                              "%s: text %s on the line of arrow %s→%s", what, joined(ta),
                              k->from ? k->from : "(legend)", k->to ? k->to : "");
        }
        for (size_t b = a + 1; b < nt; b++) {
            const fs_draw_text *tb = b < dr->nconnectors ? &dr->connectors[b].label
                                                         : &dr->texts[b - dr->nconnectors].text;
            if (!tb->nlines)
                continue;
            char first[4096];
            snprintf(first, sizeof first, "%s", joined(ta));
            ck_assert_msg(!boxes_overlap(ba, text_box(tb)), "%s: texts %s and %s overlap",
                          what, first, joined(tb));
        }
    }
    /* every shape's label inside its shape */
    for (size_t s = 0; s < dr->nshapes; s++) {
        const fs_draw_shape *sh = &dr->shapes[s];
        box in = grown(shape_box(sh), -sh->inset);
        for (size_t i = 0; i < sh->label.nlines; i++)
            ck_assert_msg(sh->label.lines[i].x >= in.x &&
                          sh->label.lines[i].x + sh->label.lines[i].width <= in.x + in.w &&
                          sh->label.lines[i].y > in.y && sh->label.lines[i].y < in.y + in.h,
                          "%s: label of %s sticks out of its box", what, sh->id);
    }
    (void)f;
}

/* check_geometry_margin with boxes BOX_MARGIN apart. */
static void check_geometry(const fs_flow *f, fs_drawing *dr, const char *what)
{
    check_geometry_margin(f, dr, what, BOX_MARGIN);
}

/* Every label of LABELS is the label of a shape, and the arrow labels
 * are those of F. */
static void check_labels(const fs_flow *f, fs_drawing *dr, const char *const *labels,
                         size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int found = 0;
        for (size_t s = 0; s < dr->nshapes && !found; s++)
            found = strcmp(joined(&dr->shapes[s].label), labels[i]) == 0;
        ck_assert_msg(found, "label %s not in the drawing", labels[i]);
    }
    ck_assert_uint_ge(dr->nconnectors, f->nedges);
    for (size_t e = f->nedges; e < dr->nconnectors; e++)
        ck_assert_ptr_null(dr->connectors[e].from);     /* the legend's */
    for (size_t e = 0; e < f->nedges; e++)
        ck_assert_str_eq(joined(&dr->connectors[e].label),
                         f->edges[e].label ? f->edges[e].label : "");
}

/* How many boxes DR has (shapes of the chart, not of the legend). */
static size_t count_boxes(const fs_drawing *dr)
{
    size_t n = 0;
    for (size_t s = 0; s < dr->nshapes; s++)
        n += dr->shapes[s].id != NULL;
    return n;
}

/* How many arrows of DR are labelled LABEL. */
static int count_arrow_labels(fs_drawing *dr, const char *label)
{
    int n = 0;
    for (size_t c = 0; c < dr->nconnectors; c++)
        n += strcmp(joined(&dr->connectors[c].label), label) == 0;
    return n;
}

/* Makes every label of F three times as long (with EDGES, the arrows'
 * too). */
static void triple_labels(fs_flow *f, int edges)
{
    for (size_t i = 0; i < f->nnodes; i++) {
        char *l = fs_printf("%s%s%s", f->nodes[i].label, f->nodes[i].label,
                            f->nodes[i].label);
        free(f->nodes[i].label);
        f->nodes[i].label = l;
    }
    for (size_t i = 0; edges && i < f->nedges; i++)
        if (f->edges[i].label) {
            char *l = fs_printf("%s%s%s", f->edges[i].label, f->edges[i].label,
                                f->edges[i].label);
            free(f->edges[i].label);
            f->edges[i].label = l;
        }
}

/* Makes every label of F, boxes and arrows, three times as long. */
static void triple(fs_flow *f)
{
    triple_labels(f, 1);
}

/* The text of the notes of node ID, joined by '|', in a static buffer. */
static const char *notes_of(fs_drawing *dr, const char *id)
{
    static char buf[1024];
    size_t n = 0;

    buf[0] = 0;
    for (size_t i = 0; i < dr->ntexts; i++)
        if (dr->texts[i].kind == FS_TEXT_NOTE && strcmp(dr->texts[i].node, id) == 0) {
            n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s", n ? "|" : "",
                                  joined(&dr->texts[i].text));
            ck_assert_uint_lt(n, sizeof buf);
        }
    return buf;
}

/* The mark of node ID's box. */
static fs_mark_state state_of(fs_drawing *dr, const char *id)
{
    return shape_of(dr, id)->state;
}

/* The arrow FROM → TO; fails the test when there is none. */
static const fs_draw_connector *arrow(fs_drawing *dr, const char *from, const char *to)
{
    for (size_t c = 0; c < dr->nconnectors; c++)
        if (dr->connectors[c].from && strcmp(dr->connectors[c].from, from) == 0 &&
            strcmp(dr->connectors[c].to, to) == 0)
            return &dr->connectors[c];
    ck_abort_msg("no arrow %s→%s", from, to);
    return NULL;
}

/* ------------------------------------------------------------------------
 * Loading.
 * ---------------------------------------------------------------------- */

START_TEST(test_load_creation)
{
    fs_flow *f = load(CREATION);

    ck_assert_str_eq(f->attachment, "附件4");
    ck_assert_str_eq(f->title, "东莞市社会组织“五星级党组织”创建流程图");
    ck_assert_int_eq(f->annual, 0);
    /* flowcharts.md: 9 boxes, two of them of two lines, 10 arrows */
    ck_assert_uint_eq(f->nnodes, 9);
    ck_assert_uint_eq(f->nedges, 10);
    for (size_t i = 0; i < f->nnodes; i++)
        ck_assert_str_eq(flat(f->nodes[i].label), creation_labels[i]);
    ck_assert_str_eq(f->nodes[fs_flow_node_index(f, "creation")].label,
                     "申报党组织\n开展创建工作");
    ck_assert_str_eq(f->nodes[fs_flow_node_index(f, "guidance")].label, "上级党组织\n跟踪指导");
    int g = fs_flow_node_index(f, "guidance"), c = fs_flow_node_index(f, "creation");
    ck_assert_int_eq(f->nodes[g].kind, FS_FLOW_SIDE);
    ck_assert_int_eq(f->nodes[g].feeds, c);
    ck_assert_str_eq(f->nodes[fs_flow_node_index(f, "submit")].stage, "submitted");
    ck_assert_str_eq(f->nodes[fs_flow_node_index(f, "rectify")].stage, "rectification");
    ck_assert_str_eq(f->nodes[fs_flow_node_index(f, "success")].stage, "approved");
    ck_assert_int_eq(f->nodes[fs_flow_node_index(f, "submit")].kind, FS_FLOW_START);
    ck_assert_int_eq(f->nodes[fs_flow_node_index(f, "initial-review")].kind, FS_FLOW_REVIEW);
    ck_assert_int_eq(f->nodes[fs_flow_node_index(f, "committee-review")].kind, FS_FLOW_REVIEW);
    ck_assert_int_eq(f->nodes[fs_flow_node_index(f, "final-evaluation")].kind, FS_FLOW_REVIEW);
    ck_assert_int_eq(f->nodes[fs_flow_node_index(f, "initial-evaluation")].kind, FS_FLOW_STEP);
    ck_assert_str_eq(f->edges[2].label, "不通过");
    ck_assert_int_eq(f->edges[2].when, FS_RESULT_FAIL);
    ck_assert_ptr_null(f->edges[0].label);
    /* 初审 → 工委审核 carries no label, but is the way a passed 初审 goes */
    ck_assert_str_eq(f->nodes[f->edges[1].to].id, "committee-review");
    ck_assert_ptr_null(f->edges[1].label);
    ck_assert_int_eq(f->edges[1].when, FS_RESULT_PASS);
    fs_flow_free(f);
}
END_TEST

START_TEST(test_load_dynamic)
{
    fs_flow *f = load(DYNAMIC);

    ck_assert_str_eq(f->attachment, "附件5");
    ck_assert_str_eq(f->title, "东莞市社会组织“五星级党组织”动态管理流程图");
    ck_assert_int_eq(f->annual, 1);
    ck_assert_uint_eq(f->nnodes, 10);
    ck_assert_uint_eq(f->nedges, 10);
    for (size_t i = 0; i < f->nnodes; i++)
        ck_assert_str_eq(flat(f->nodes[i].label), dynamic_labels[i]);
    /* 初审 and 工委审核 have no outcome here: plain steps */
    ck_assert_int_eq(f->nodes[fs_flow_node_index(f, "town-review")].kind, FS_FLOW_STEP);
    ck_assert_int_eq(f->nodes[fs_flow_node_index(f, "committee-review")].kind, FS_FLOW_STEP);
    ck_assert_int_eq(f->nodes[fs_flow_node_index(f, "assessment")].kind, FS_FLOW_REVIEW);
    ck_assert_int_eq(f->nodes[fs_flow_node_index(f, "recheck")].kind, FS_FLOW_REVIEW);
    ck_assert_int_eq(f->nodes[fs_flow_node_index(f, "inspection")].kind, FS_FLOW_SIDE);
    ck_assert_str_eq(f->nodes[fs_flow_node_index(f, "town-review")].stage, "initial-review");
    ck_assert_ptr_null(f->nodes[fs_flow_node_index(f, "passed")].stage);
    ck_assert_str_eq(f->nodes[fs_flow_node_index(f, "revoked")].stage, "revoked");
    fs_flow_free(f);
}
END_TEST

START_TEST(test_flow_path)
{
    char *p = fs_set_chart_path(NULL, "creation");

    setenv("FIVESTAR_TEMPLATES", "templates", 1);
    fs_templates_init(NULL);
    free(p);
    p = fs_set_chart_path(NULL, "creation");
    ck_assert_str_eq(p, "templates/flowcharts/creation.xml");
    free(p);
    /* a set without charts of its own falls back to the shared ones */
    p = fs_set_chart_path("dongguan-2018", "动态管理");
    ck_assert_str_eq(p, "templates/flowcharts/dynamic.xml");
    free(p);
    ck_assert_ptr_null(fs_set_chart_path(NULL, "../etc/passwd"));
    ck_assert_ptr_null(fs_set_chart_path("../x", "creation"));
    ck_assert_ptr_null(fs_set_chart_path(NULL, NULL));
}
END_TEST

/* Loads CREATION with FROM replaced by TO; expects it to fail with an
 * error at the line of LINE_OF (in the edited text) whose message holds
 * NEEDLE. */
static void expect_bad(const char *from, const char *to, const char *line_of,
                       const char *needle)
{
    char *text = tu_read(CREATION, NULL), *bad, *dir = tu_tmpdir(), *path;
    fs_diags d = {0};
    fs_error err = FS_OK;
    fs_flow *f;
    int found = 0;
    long line;

    ck_assert_ptr_nonnull(text);
    bad = tu_replace(text, from, to);
    line = tu_line_of(bad, line_of);
    path = fs_printf("%s/bad.xml", dir);
    tu_write(path, bad, strlen(bad));
    f = fs_flow_load(path, &d, &err);
    ck_assert_ptr_null(f);
    ck_assert_int_eq(err, FS_E_TEMPLATE);
    for (size_t i = 0; i < d.n; i++)
        if (d.v[i].severity == FS_ERROR && d.v[i].line == line &&
            strstr(d.v[i].message, needle))
            found = 1;
    if (!found)
        fs_diags_print(&d, stderr);
    ck_assert_msg(found, "no error \"%s\" at line %ld", needle, line);
    fs_diags_clear(&d);
    free(text);
    free(bad);
    free(path);
    free(dir);
}

START_TEST(test_load_errors)
{
    expect_bad("<edge from=\"rectify\" to=\"submit\"/>",
               "<edge from=\"rectify\" to=\"nosuch\"/>", "to=\"nosuch\"", "edge");
    expect_bad("kind=\"start\"", "kind=\"step\"", "<nodes font", "起点");
    expect_bad("kind=\"side\" feeds=\"creation\"", "kind=\"side\"",
               "id=\"guidance\"", "feeds");
    expect_bad("<edge from=\"creation\" to=\"initial-evaluation\"/>",
               "<edge from=\"creation\" to=\"creation\"/>", "to=\"creation\"/>", "自身");
    expect_bad("<edge from=\"creation\" to=\"initial-evaluation\"/>",
               "<edge from=\"rectify\" to=\"submit\"/>",
               "<edge from=\"rectify\" to=\"submit\"/>\n    <edge from=\"initial-evaluation\"",
               "重复");
    expect_bad("<node id=\"rectify\" kind=\"step\"", "<node id=\"rectify\" kind=\"step\" x=\"20\"",
               "id=\"rectify\"", "x 和 y");
    expect_bad("<edge from=\"guidance\" to=\"creation\">指导</edge>", "",
               "id=\"guidance\"", "缺少指向");
    expect_bad("kind=\"review\" stage=\"committee-review\" stage-name=\"工委审核\"",
               "kind=\"review\" stage=\"submitted\"", "stage=\"submitted\">工委审核", "node");
    expect_bad("<flowchart format=\"1\"", "<flowchart format=\"2\"", "<flowchart format", "format");
}
END_TEST

START_TEST(test_load_not_flowchart)
{
    fs_diags d = {0};
    fs_error err = FS_OK;

    ck_assert_ptr_null(fs_flow_load("templates/rubrics/dongguan-2018.xml", &d, &err));
    ck_assert_int_eq(err, FS_E_TEMPLATE);
    ck_assert_uint_ge(d.errors, 1);
    fs_diags_clear(&d);
    ck_assert_ptr_null(fs_flow_load("/nonexistent/chart.xml", &d, &err));
    ck_assert_int_eq(err, FS_E_IO);
    fs_diags_clear(&d);
}
END_TEST

/* ------------------------------------------------------------------------
 * Layout.
 * ---------------------------------------------------------------------- */

START_TEST(test_geometry_creation)
{
    fs_flow *f = load(CREATION);
    fs_drawing *dr = lay_out(f);

    ck_assert_double_eq_tol(dr->width, 156, 1e-9);
    ck_assert_double_eq_tol(dr->height, 225, 1e-9);
    ck_assert_double_eq_tol(dr->page_x, 28, 1e-9);
    ck_assert_double_eq_tol(dr->page_y, 37, 1e-9);
    check_geometry(f, dr, "附件4");
    check_labels(f, dr, creation_labels, 9);
    ck_assert_uint_eq(count_boxes(dr), 9);
    ck_assert_int_eq(count_arrow_labels(dr, "通过"), 2);
    ck_assert_int_eq(count_arrow_labels(dr, "不通过"), 2);
    ck_assert_int_eq(count_arrow_labels(dr, "指导"), 1);
    /* the two boxes the notice sets in two lines */
    ck_assert_uint_eq(shape_of(dr, "creation")->label.nlines, 2);
    ck_assert_str_eq(shape_of(dr, "creation")->label.lines[0].text, "申报党组织");
    ck_assert_uint_eq(shape_of(dr, "guidance")->label.nlines, 2);
    ck_assert_str_eq(shape_of(dr, "guidance")->label.lines[1].text, "跟踪指导");
    ck_assert_str_eq(joined(&dr->texts[0].text), "附件4");
    ck_assert_int_eq(dr->texts[0].kind, FS_TEXT_ATTACHMENT);
    ck_assert_str_eq(joined(&dr->texts[1].text), "东莞市社会组织“五星级党组织”创建流程图");
    ck_assert_int_eq(dr->texts[1].kind, FS_TEXT_TITLE);
    /* reviews have a double border, start and end are rounded, the side
     * step is dashed, and so is its arrow */
    ck_assert_int_eq(shape_of(dr, "initial-review")->kind, FS_SHAPE_DOUBLE);
    ck_assert_int_eq(shape_of(dr, "submit")->kind, FS_SHAPE_ROUNDED);
    ck_assert_int_eq(shape_of(dr, "success")->kind, FS_SHAPE_ROUNDED);
    ck_assert_int_eq(shape_of(dr, "initial-evaluation")->kind, FS_SHAPE_RECT);
    ck_assert(shape_of(dr, "guidance")->dashed);
    ck_assert(arrow(dr, "guidance", "creation")->dashed);
    fs_drawing_free(dr);
    fs_flow_free(f);
}
END_TEST

START_TEST(test_geometry_dynamic)
{
    fs_flow *f = load(DYNAMIC);
    fs_drawing *dr = lay_out(f);

    check_geometry(f, dr, "附件5");
    check_labels(f, dr, dynamic_labels, 10);
    ck_assert_uint_eq(count_boxes(dr), 10);
    ck_assert_int_eq(shape_of(dr, "town-review")->kind, FS_SHAPE_RECT);
    ck_assert_int_eq(shape_of(dr, "committee-review")->kind, FS_SHAPE_RECT);
    ck_assert_int_eq(count_arrow_labels(dr, "通过"), 2);
    ck_assert_int_eq(count_arrow_labels(dr, "不通过"), 2);
    ck_assert_str_eq(joined(&dr->texts[0].text), "附件5");
    ck_assert_str_eq(joined(&dr->texts[1].text), "东莞市社会组织“五星级党组织”动态管理流程图");
    fs_drawing_free(dr);
    fs_flow_free(f);
}
END_TEST

/* The flow reads top to bottom: the main steps of each chart lie one
 * below the other in the order of the notice; side steps sit beside the
 * step they feed, in its row; the chart is centred on the text block. */
START_TEST(test_layout_shape)
{
    static const char *const main4[] = {
        "submit", "initial-review", "committee-review", "creation",
        "initial-evaluation", "final-evaluation", "success",
    };
    static const char *const main5[] = {
        "annual-report", "town-review", "committee-review", "assessment", "guidance",
        "rectification", "recheck",
    };
    fs_flow *f = load(CREATION), *g = load(DYNAMIC);
    fs_drawing *dr = lay_out(f), *ds = lay_out(g);
    const fs_draw_shape *a, *b;
    double left = 1e9, right = -1e9;

    for (size_t i = 0; i + 1 < sizeof main4 / sizeof *main4; i++) {
        a = shape_of(dr, main4[i]);
        b = shape_of(dr, main4[i + 1]);
        ck_assert_msg(b->y > a->y + a->h, "%s not below %s", main4[i + 1], main4[i]);
        ck_assert_double_eq_tol(a->x + a->w / 2, b->x + b->w / 2, 0.01);
    }
    for (size_t i = 0; i + 1 < sizeof main5 / sizeof *main5; i++) {
        a = shape_of(ds, main5[i]);
        b = shape_of(ds, main5[i + 1]);
        ck_assert_msg(b->y > a->y + a->h, "%s not below %s", main5[i + 1], main5[i]);
    }
    /* 上级党组织跟踪指导 beside 开展创建工作, 整改 beside the 初审 */
    a = shape_of(dr, "guidance");
    b = shape_of(dr, "creation");
    ck_assert_double_eq_tol(a->y + a->h / 2, b->y + b->h / 2, 0.01);
    ck_assert(a->x + a->w < b->x);
    a = shape_of(dr, "rectify");
    b = shape_of(dr, "initial-review");
    ck_assert_double_eq_tol(a->y + a->h / 2, b->y + b->h / 2, 0.01);
    /* the arrow 不通过 of 工委复核评定 leads up, around the boxes */
    const fs_draw_connector *c = arrow(dr, "final-evaluation", "creation");
    ck_assert(c->pts[c->npts - 1].y < c->pts[0].y);
    ck_assert_uint_ge(c->npts, 4);
    /* centred */
    for (size_t s = 0; s < dr->nshapes; s++) {
        left = fmin(left, dr->shapes[s].x);
        right = fmax(right, dr->shapes[s].x + dr->shapes[s].w);
    }
    for (size_t k = 0; k < dr->nconnectors; k++)
        for (size_t i = 0; i < dr->connectors[k].npts; i++) {
            left = fmin(left, dr->connectors[k].pts[i].x);
            right = fmax(right, dr->connectors[k].pts[i].x);
        }
    ck_assert_double_le(fabs(left - (dr->width - right)), 12);
    fs_drawing_free(dr);
    fs_drawing_free(ds);
    fs_flow_free(f);
    fs_flow_free(g);
}
END_TEST

START_TEST(test_geometry_triple)
{
    const char *paths[2] = {CREATION, DYNAMIC};

    for (int i = 0; i < 2; i++) {
        fs_flow *f = load(paths[i]);
        fs_drawing *dr;
        char what[64];

        triple(f);
        dr = lay_out(f);
        snprintf(what, sizeof what, "%s, labels ×3", paths[i]);
        check_geometry(f, dr, what);
        for (size_t v = 0; v < f->nnodes; v++)
            ck_assert_str_eq(joined(&shape_of(dr, f->nodes[v].id)->label), flat(f->nodes[v].label));
        check_labels(f, dr, NULL, 0);
        /* the boxes never grow past the widest box allowed */
        for (size_t s = 0; s < dr->nshapes; s++)
            ck_assert_double_le(dr->shapes[s].w, 50 + 1e-6);
        fs_drawing_free(dr);
        fs_flow_free(f);
    }
}
END_TEST

/* A label far too long for the page still gives a drawing that holds,
 * scaled down (so its gaps are smaller), with a warning. */
START_TEST(test_geometry_huge)
{
    fs_flow *f = load(DYNAMIC);
    fs_diags d = {0};
    fs_drawing *dr;

    for (int k = 0; k < 3; k++)
        triple_labels(f, k < 2);
    dr = fs_flow_layout(f, fonts, NULL, &d);
    check_geometry_margin(f, dr, "附件5, labels ×27", 0.5);
    ck_assert_uint_ge(d.warnings, 1);
    fs_diags_clear(&d);
    fs_drawing_free(dr);
    fs_flow_free(f);
}
END_TEST

/* Pinned boxes stay where they are pinned, the others about where they
 * would be without the pin, and the arrows go around them. */
START_TEST(test_pinned)
{
    char *text = tu_read(CREATION, NULL), *dir = tu_tmpdir(), *path, *t1, *t2, *attr;
    fs_flow *f = load(CREATION);
    fs_drawing *dr = lay_out(f);
    fs_diags d = {0};
    const fs_draw_shape *s = shape_of(dr, "guidance");
    double cx = s->x + s->w / 2 + 6, cy = s->y + s->h / 2 + 9;
    double sx = shape_of(dr, "submit")->x, sy = shape_of(dr, "submit")->y;

    fs_drawing_free(dr);
    fs_flow_free(f);
    attr = fs_printf("<node id=\"guidance\" kind=\"side\" x=\"%.1f\" y=\"%.1f\"", cx, cy);
    t1 = tu_replace(text, "<node id=\"guidance\" kind=\"side\"", attr);
    path = fs_printf("%s/pinned.xml", dir);
    tu_write(path, t1, strlen(t1));
    f = load(path);
    dr = lay_out(f);
    s = shape_of(dr, "guidance");
    ck_assert_double_eq_tol(s->x + s->w / 2, cx, 0.051);
    ck_assert_double_eq_tol(s->y + s->h / 2, cy, 0.051);
    ck_assert_double_eq_tol(shape_of(dr, "submit")->x, sx, 3);
    ck_assert_double_eq_tol(shape_of(dr, "submit")->y, sy, 3);
    check_geometry(f, dr, "附件4, guidance pinned");
    fs_drawing_free(dr);
    fs_flow_free(f);

    /* pinned on top of another box: a warning, still a drawing */
    t2 = tu_replace(text, "<node id=\"rectify\" kind=\"step\"",
                    "<node id=\"rectify\" kind=\"step\" x=\"78\" y=\"40\"");
    tu_write(path, t2, strlen(t2));
    f = load(path);
    dr = fs_flow_layout(f, fonts, NULL, &d);
    ck_assert_ptr_nonnull(dr);
    ck_assert_uint_ge(d.warnings, 1);
    fs_diags_clear(&d);
    fs_drawing_free(dr);
    fs_flow_free(f);
    free(text);
    free(attr);
    free(t1);
    free(t2);
    free(path);
    free(dir);
}
END_TEST

/* ------------------------------------------------------------------------
 * Marking.
 * ---------------------------------------------------------------------- */

START_TEST(test_event_node)
{
    fs_flow *f = load(CREATION), *g = load(DYNAMIC);
    dossier x;

    load_dossier(&x, "samples/songshan-revoked-2018.xml");
    ck_assert_uint_eq(x.d->nevents, 16);
    /* 0 submitted … 6 approved belong to 附件4, 7 annual-report … to 附件5 */
    ck_assert_int_eq(fs_flow_event_node(f, x.d, 0), fs_flow_node_index(f, "submit"));
    ck_assert_int_eq(fs_flow_event_node(f, x.d, 1), fs_flow_node_index(f, "initial-review"));
    ck_assert_int_eq(fs_flow_event_node(f, x.d, 6), fs_flow_node_index(f, "success"));
    ck_assert_int_eq(fs_flow_event_node(g, x.d, 1), -1);
    ck_assert_int_eq(fs_flow_event_node(g, x.d, 6), -1);
    ck_assert_int_eq(fs_flow_event_node(g, x.d, 7), fs_flow_node_index(g, "annual-report"));
    ck_assert_int_eq(fs_flow_event_node(g, x.d, 8), fs_flow_node_index(g, "town-review"));
    ck_assert_int_eq(fs_flow_event_node(f, x.d, 8), -1);
    ck_assert_int_eq(fs_flow_event_node(g, x.d, 15), fs_flow_node_index(g, "revoked"));
    ck_assert_int_eq(fs_flow_event_node(g, x.d, 16), -1);
    free_dossier(&x);
    /* an annual report is always 附件5, even without an approval before it */
    {
        char *text = tu_read("samples/songshan-revoked-2018.xml", NULL), *dir = tu_tmpdir();
        char *edited = tu_replace(text, "stage=\"submitted\"", "stage=\"annual-report\"");
        char path[512];

        snprintf(path, sizeof path, "%s/annual.xml", dir);
        tu_write(path, edited, strlen(edited));
        load_dossier(&x, path);
        ck_assert_int_eq(x.d->events[0].annual, 1);
        ck_assert_int_eq(fs_flow_event_node(g, x.d, 0), fs_flow_node_index(g, "annual-report"));
        ck_assert_int_eq(fs_flow_event_node(g, x.d, 1), fs_flow_node_index(g, "town-review"));
        ck_assert_int_eq(fs_flow_event_node(f, x.d, 1), -1);
        free_dossier(&x);
        free(edited);
        free(text);
        free(dir);
    }
    fs_flow_free(f);
    fs_flow_free(g);
}
END_TEST

START_TEST(test_mark_mingli)
{
    fs_flow *f = load(CREATION), *g = load(DYNAMIC);
    fs_drawing *dr = lay_out(f), *ds = lay_out(g);
    dossier x;

    load_dossier(&x, "samples/mingli-2018.xml");
    ck_assert_int_eq(fs_flow_mark(f, dr, x.d, fonts), 4);
    check_geometry(f, dr, "附件4 marked with mingli");
    check_labels(f, dr, creation_labels, 9);
    ck_assert_int_eq(state_of(dr, "submit"), FS_MARK_DONE);
    ck_assert_int_eq(state_of(dr, "initial-review"), FS_MARK_DONE);
    ck_assert_int_eq(state_of(dr, "committee-review"), FS_MARK_DONE);
    ck_assert_int_eq(state_of(dr, "creation"), FS_MARK_CURRENT);
    ck_assert_int_eq(state_of(dr, "initial-evaluation"), FS_MARK_NONE);
    ck_assert_int_eq(state_of(dr, "success"), FS_MARK_NONE);
    ck_assert_int_eq(state_of(dr, "rectify"), FS_MARK_NONE);
    ck_assert_str_eq(notes_of(dr, "submit"), "2018年4月12日");
    ck_assert_str_eq(notes_of(dr, "initial-review"), "2018年4月25日 通过");
    ck_assert_str_eq(notes_of(dr, "committee-review"), "2018年5月10日 通过");
    ck_assert_str_eq(notes_of(dr, "creation"), "2018年5月11日");
    ck_assert_str_eq(notes_of(dr, "initial-evaluation"), "");
    ck_assert_int_eq(arrow(dr, "submit", "initial-review")->state, FS_MARK_DONE);
    ck_assert_int_eq(arrow(dr, "committee-review", "creation")->state, FS_MARK_DONE);
    ck_assert_int_eq(arrow(dr, "creation", "initial-evaluation")->state, FS_MARK_NONE);
    ck_assert_int_eq(arrow(dr, "initial-review", "rectify")->state, FS_MARK_NONE);
    /* the current box stands out: a thicker red border */
    ck_assert_double_gt(shape_of(dr, "creation")->stroke_pt,
                        shape_of(dr, "submit")->stroke_pt);
    /* the legend: whose, as of when, and what the marks mean */
    int legend = 0, name = 0;
    for (size_t i = 0; i < dr->ntexts; i++)
        if (dr->texts[i].kind == FS_TEXT_LEGEND) {
            legend++;
            name |= strstr(joined(&dr->texts[i].text), "明理律师事务所") != NULL &&
                    strstr(joined(&dr->texts[i].text), "2018年5月11日") != NULL;
            ck_assert_double_ge(dr->texts[i].text.y, dr->legend_y - 1e-6);
        }
    ck_assert_int_ge(legend, 4);
    ck_assert(name);

    /* nothing of mingli's history is in 附件5 */
    ck_assert_int_eq(fs_flow_mark(g, ds, x.d, fonts), 0);
    for (size_t s = 0; s < ds->nshapes; s++)
        ck_assert_int_eq(ds->shapes[s].state, FS_MARK_NONE);
    check_geometry(g, ds, "附件5 marked with mingli");
    free_dossier(&x);
    fs_drawing_free(dr);
    fs_drawing_free(ds);
    fs_flow_free(f);
    fs_flow_free(g);
}
END_TEST

START_TEST(test_mark_songshan)
{
    fs_flow *f = load(CREATION), *g = load(DYNAMIC);
    fs_drawing *dr = lay_out(f), *ds = lay_out(g);
    dossier x;

    load_dossier(&x, "samples/songshan-revoked-2018.xml");
    ck_assert_int_eq(fs_flow_mark(g, ds, x.d, fonts), 9);
    check_geometry(g, ds, "附件5 marked with songshan");
    check_labels(g, ds, dynamic_labels, 10);
    ck_assert_int_eq(state_of(ds, "annual-report"), FS_MARK_DONE);
    ck_assert_int_eq(state_of(ds, "town-review"), FS_MARK_DONE);
    ck_assert_int_eq(state_of(ds, "committee-review"), FS_MARK_DONE);
    ck_assert_int_eq(state_of(ds, "inspection"), FS_MARK_DONE);
    ck_assert_int_eq(state_of(ds, "assessment"), FS_MARK_FAILED);
    ck_assert_int_eq(state_of(ds, "guidance"), FS_MARK_DONE);
    ck_assert_int_eq(state_of(ds, "rectification"), FS_MARK_DONE);
    ck_assert_int_eq(state_of(ds, "recheck"), FS_MARK_FAILED);
    ck_assert_int_eq(state_of(ds, "revoked"), FS_MARK_CURRENT);
    ck_assert_int_eq(state_of(ds, "passed"), FS_MARK_NONE);
    ck_assert_str_eq(notes_of(ds, "annual-report"), "2018年12月27日");
    ck_assert_str_eq(notes_of(ds, "town-review"), "2019年1月10日 通过");
    ck_assert_str_eq(notes_of(ds, "assessment"), "2019年7月5日 不通过");
    ck_assert_str_eq(notes_of(ds, "recheck"), "2019年9月20日 不通过");
    ck_assert_str_eq(notes_of(ds, "revoked"), "2019年10月15日");
    ck_assert_str_eq(notes_of(ds, "passed"), "");
    ck_assert_int_eq(arrow(ds, "committee-review", "assessment")->state, FS_MARK_DONE);
    ck_assert_int_eq(arrow(ds, "inspection", "assessment")->state, FS_MARK_DONE);
    ck_assert_int_eq(arrow(ds, "assessment", "guidance")->state, FS_MARK_FAILED);
    ck_assert_int_eq(arrow(ds, "recheck", "revoked")->state, FS_MARK_FAILED);
    ck_assert_int_eq(arrow(ds, "assessment", "passed")->state, FS_MARK_NONE);
    ck_assert_int_eq(arrow(ds, "recheck", "passed")->state, FS_MARK_NONE);
    /* failed notes are red */
    for (size_t i = 0; i < ds->ntexts; i++)
        if (ds->texts[i].kind == FS_TEXT_NOTE && strstr(joined(&ds->texts[i].text), "不通过"))
            ck_assert_uint_eq(ds->texts[i].text.color, 0xC00000);

    /* 附件4: the creation is complete, nothing is current */
    ck_assert_int_eq(fs_flow_mark(f, dr, x.d, fonts), 7);
    check_geometry(f, dr, "附件4 marked with songshan");
    ck_assert_int_eq(state_of(dr, "success"), FS_MARK_DONE);
    ck_assert_str_eq(notes_of(dr, "success"), "2018年11月30日");
    ck_assert_int_eq(state_of(dr, "guidance"), FS_MARK_NONE);
    for (size_t s = 0; s < dr->nshapes; s++)
        ck_assert_int_ne(dr->shapes[s].state, FS_MARK_CURRENT);
    free_dossier(&x);
    fs_drawing_free(dr);
    fs_drawing_free(ds);
    fs_flow_free(f);
    fs_flow_free(g);
}
END_TEST

/* A review that failed and then passed shows both dates, the failure in
 * red, and the 不通过 arrow taken; a side step with an event is marked. */
START_TEST(test_mark_retry)
{
    fs_flow *f = load(CREATION);
    fs_drawing *dr = lay_out(f);
    dossier x;

    load_dossier(&x, "samples/hengtai-2018.xml");
    ck_assert_int_eq(fs_flow_mark(f, dr, x.d, fonts), 7);
    check_geometry(f, dr, "附件4 marked with a failed initial review");
    ck_assert_int_eq(state_of(dr, "initial-review"), FS_MARK_DONE);
    ck_assert_str_eq(notes_of(dr, "initial-review"), "2018年4月24日 不通过|2018年5月16日 通过");
    ck_assert_int_eq(state_of(dr, "rectify"), FS_MARK_DONE);
    ck_assert_int_eq(state_of(dr, "guidance"), FS_MARK_CURRENT);
    ck_assert_int_eq(arrow(dr, "initial-review", "rectify")->state, FS_MARK_FAILED);
    ck_assert_int_eq(arrow(dr, "guidance", "creation")->state, FS_MARK_DONE);
    free_dossier(&x);
    fs_drawing_free(dr);
    fs_flow_free(f);
}
END_TEST

/* Every sample dossier marks both charts with the geometry intact. */
START_TEST(test_mark_all_samples)
{
    static const char *const samples[] = {
        "samples/dalang-social-2018.xml", "samples/hengtai-2018.xml",
        "samples/mingli-2018.xml", "samples/minimal-2018.xml",
        "samples/qinghe-shizhiguan-2019.xml", "samples/songshan-revoked-2018.xml",
    };
    const char *charts[2] = {CREATION, DYNAMIC};

    for (size_t i = 0; i < sizeof samples / sizeof *samples; i++)
        for (int c = 0; c < 2; c++) {
            fs_flow *f = load(charts[c]);
            fs_drawing *dr;
            dossier x;
            char what[128];

            triple(f);                  /* the worst case for the notes */
            dr = lay_out(f);
            load_dossier(&x, samples[i]);
            fs_flow_mark(f, dr, x.d, fonts);
            snprintf(what, sizeof what, "%s ×3 marked with %s", charts[c], samples[i]);
            check_geometry(f, dr, what);
            free_dossier(&x);
            fs_drawing_free(dr);
            fs_flow_free(f);
        }
}
END_TEST

/* The suite: loading, layout, marking. */
static Suite *flow_suite(void)
{
    Suite *s = suite_create("flow");
    TCase *load_tc = tcase_create("load"), *layout = tcase_create("layout");
    TCase *mark = tcase_create("mark");

    tcase_add_test(load_tc, test_load_creation);
    tcase_add_test(load_tc, test_load_dynamic);
    tcase_add_test(load_tc, test_flow_path);
    tcase_add_test(load_tc, test_load_errors);
    tcase_add_test(load_tc, test_load_not_flowchart);
    tcase_add_checked_fixture(load_tc, setup, teardown);

    tcase_add_checked_fixture(layout, setup, teardown);
    tcase_set_timeout(layout, 60);
    tcase_add_test(layout, test_geometry_creation);
    tcase_add_test(layout, test_geometry_dynamic);
    tcase_add_test(layout, test_layout_shape);
    tcase_add_test(layout, test_geometry_triple);
    tcase_add_test(layout, test_geometry_huge);
    tcase_add_test(layout, test_pinned);

    tcase_add_checked_fixture(mark, setup, teardown);
    tcase_set_timeout(mark, 60);
    tcase_add_test(mark, test_event_node);
    tcase_add_test(mark, test_mark_mingli);
    tcase_add_test(mark, test_mark_songshan);
    tcase_add_test(mark, test_mark_retry);
    tcase_add_test(mark, test_mark_all_samples);

    suite_add_tcase(s, load_tc);
    suite_add_tcase(s, layout);
    suite_add_tcase(s, mark);
    return s;
}

/* Runs the suite; non-zero exit status on any failure. */
int main(void)
{
    return tu_main(flow_suite());
}
