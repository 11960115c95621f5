/*
 * fs-set.c - a city's template set as data: finding its flowcharts (with
 * the fallback to the shared ones), reading the history stages from them,
 * and choosing the set when nobody names one.  See fs-set.h.
 */
#include "fs-set.h"
#include "fs-xml.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define CHART_MAX_BYTES (1L << 20)

/* The charts of a set and the Chinese names of their command-line names. */
static const struct {
    const char *name, *cn;
} charts[FS_SET_NCHARTS] = {
    {"creation", "创建"},
    {"dynamic", "动态管理"},
};

/* The canonical chart name of NAME; see fs-set.h. */
const char *fs_set_chart_name(const char *name, int *index)
{
    for (int i = 0; name && i < FS_SET_NCHARTS; i++)
        if (strcmp(name, charts[i].name) == 0 || strcmp(name, charts[i].cn) == 0) {
            if (index)
                *index = i;
            return charts[i].name;
        }
    return NULL;
}

/* Is PATH a regular file? */
static int is_file(const char *path)
{
    struct stat sb;

    return stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

/* The file of chart NAME of set RUBRIC; see fs-set.h.  RUBRIC is checked
 * with fs_rubric_id_ok before it becomes part of a path. */
char *fs_set_chart_path(const char *rubric, const char *name)
{
    const char *canon = fs_set_chart_name(name, NULL);

    if (!canon || (rubric && !fs_rubric_id_ok(rubric)))
        return NULL;
    if (rubric) {
        char *own = fs_printf("%s/flowcharts/%s/%s.xml", fs_templates_dir(), rubric, canon);
        if (is_file(own))
            return own;
        free(own);
    }
    return fs_printf("%s/flowcharts/%s.xml", fs_templates_dir(), canon);
}

/* Frees S; NULL is fine. */
void fs_set_free(fs_set *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->nstages; i++) {
        for (size_t k = 0; k < s->stages[i].naliases; k++)
            free(s->stages[i].aliases[k]);
        free(s->stages[i].aliases);
        free(s->stages[i].name);
    }
    free(s->stages);
    free(s->id);
    free(s);
}

/* The stage of S whose canonical name or one of whose Chinese names is
 * NAME exactly, or NULL. */
static fs_set_stage *find_exact(const fs_set *s, const char *name)
{
    for (size_t i = 0; i < s->nstages; i++) {
        if (strcmp(s->stages[i].name, name) == 0)
            return &s->stages[i];
        for (size_t k = 0; k < s->stages[i].naliases; k++)
            if (strcmp(s->stages[i].aliases[k], name) == 0)
                return &s->stages[i];
    }
    return NULL;
}

/* The stage NAME of S (canonically or by a Chinese name); see fs-set.h. */
const fs_set_stage *fs_set_stage_find(const fs_set *s, const char *name)
{
    char *t;
    const fs_set_stage *st;

    if (!s || !name)
        return NULL;
    t = fs_text_trim(name);
    st = find_exact(s, t);
    free(t);
    return st;
}

/* The label of a box as a clerk would type it: its lines (a box may be
 * set in two, 申报党组织 / 开展创建工作) trimmed and joined.  Malloc'd. */
static char *flat_label(const char *raw)
{
    char *lines = fs_text_paragraphs(raw), *w = lines;

    for (const char *r = lines; *r; r++)
        if (*r != '\n')
            *w++ = *r;
    *w = '\0';
    return lines;
}

/* Adds the Chinese name ALIAS (taken over; NULL or empty: nothing) to
 * stage ST of S, unless it is there already.  A name that already stands
 * for another stage is an error at FILE:LINE; returns -1 then. */
static int add_alias(fs_set *s, fs_set_stage *st, char *alias, fs_diags *diags,
                     const char *file, long line)
{
    fs_set_stage *other;

    if (!alias || !*alias || strcmp(alias, st->name) == 0) {
        free(alias);
        return 0;
    }
    other = find_exact(s, alias);
    if (other == st) {
        free(alias);
        return 0;
    }
    if (other) {
        fs_diags_add(diags, file, line, FS_ERROR,
                     "“%s”已是环节 %s 的名称，不能再作环节 %s 的名称：请改用不同的 "
                     "stage-name 或方框文字", alias, other->name, st->name);
        free(alias);
        return -1;
    }
    st->aliases = fs_xrealloc(st->aliases, (st->naliases + 1) * sizeof *st->aliases);
    st->aliases[st->naliases++] = alias;
    return 0;
}

/* Reads the stages of one chart of set S from PATH (checked against
 * SCHEMA).  Returns 0, or -1 with *ERR set after a diagnostic. */
static int read_chart(fs_set *s, const char *path, fs_schema *schema,
                      fs_diags *diags, fs_error *err)
{
    xmlDocPtr doc;
    xmlNodePtr root, n;
    char *cycle;
    int annual, bad = 0;
    char *src = NULL;
    size_t srclen = 0;
    fs_error rerr;

    doc = fs_xml_read_source(path, CHART_MAX_BYTES, &src, &srclen, diags, &rerr);
    if (!doc) {
        (void)rerr;
        *err = FS_E_TEMPLATE;    /* a missing chart is the set's fault */
        return -1;
    }
    root = xmlDocGetRootElement(doc);
    if (strcmp((const char *)root->name, "flowchart") != 0) {
        fs_diags_add(diags, path, fs_xml_line(root), FS_ERROR,
                     "流程图文件的根元素应为 <flowchart>，而不是 <%s>", (const char *)root->name);
        bad = 1;
        goto done;
    }
    if (fs_schema_check_known(schema, doc, src, srclen, path, diags) != 0) {
        bad = 1;
        goto done;
    }
    cycle = fs_xml_attr(root, "cycle");
    annual = cycle && strcmp(cycle, "annual") == 0;
    free(cycle);
    for (n = fs_xml_child(fs_xml_child(root, "nodes"), "node"); n; n = fs_xml_next(n, "node")) {
        char *stage = fs_xml_attr(n, "stage"), *kind = fs_xml_attr(n, "kind");
        char *raw = fs_xml_text(n), *cn = fs_xml_attr(n, "stage-name");
        char *outcome = fs_xml_attr(n, "outcome");
        long line = fs_xml_line(n);

        if (stage) {
            fs_set_stage *st = find_exact(s, stage);
            if (st && strcmp(st->name, stage) != 0) {
                fs_diags_add(diags, path, line, FS_ERROR,
                             "环节 stage=\"%s\" 已是环节 %s 的中文名称，请另取一个", stage,
                             st->name);
                bad = 1;
                st = NULL;
            } else if (!st) {
                s->stages = fs_xrealloc(s->stages, (s->nstages + 1) * sizeof *s->stages);
                st = &s->stages[s->nstages++];
                memset(st, 0, sizeof *st);
                st->name = fs_strdup(stage);
            }
            if (st) {
                st->review |= (kind && strcmp(kind, "review") == 0) ||
                              (outcome && strcmp(outcome, "yes") == 0);
                st->annual_start |= annual && kind && strcmp(kind, "start") == 0;
                st->creation_end |= !annual && kind && strcmp(kind, "end") == 0;
                if (add_alias(s, st, cn ? fs_text_trim(cn) : NULL, diags, path, line) < 0 ||
                    add_alias(s, st, flat_label(raw), diags, path, line) < 0)
                    bad = 1;
            }
        }
        free(stage);
        free(kind);
        free(raw);
        free(cn);
        free(outcome);
    }
done:
    xmlFreeDoc(doc);
    free(src);
    if (bad)
        *err = FS_E_TEMPLATE;
    return bad ? -1 : 0;
}

/* Reads the stages of set RUBRIC; see fs-set.h. */
fs_set *fs_set_load(const char *rubric, fs_diags *diags, fs_error *err)
{
    fs_set *s = fs_xcalloc(1, sizeof *s);
    char *xsd = fs_templates_path("flowchart.xsd");
    fs_schema *schema = fs_schema_load(xsd, diags);

    *err = FS_OK;
    s->id = fs_strdup(rubric);
    if (!schema)
        *err = FS_E_TEMPLATE;
    for (int i = 0; *err == FS_OK && i < FS_SET_NCHARTS; i++) {
        char *path = fs_set_chart_path(rubric, charts[i].name);
        if (!path) {
            fs_diags_add(diags, NULL, 0, FS_ERROR, "评定标准名称“%s”不可用作模板套名称",
                         rubric ? rubric : "");
            *err = FS_E_TEMPLATE;
        } else
            read_chart(s, path, schema, diags, err);
        free(path);
    }
    fs_schema_free(schema);
    free(xsd);
    if (*err != FS_OK) {
        fs_set_free(s);
        return NULL;
    }
    return s;
}

/* The stages of S for a message; see fs-set.h. */
char *fs_set_stage_list(const fs_set *s, int reviews_only)
{
    fs_buf b = {0};

    for (size_t i = 0; s && i < s->nstages; i++) {
        const fs_set_stage *st = &s->stages[i];
        if (reviews_only && !st->review)
            continue;
        fs_buf_adds(&b, b.len ? "、" : "");
        fs_buf_adds(&b, st->name);
        if (st->naliases)
            fs_buf_printf(&b, "（%s）", st->aliases[0]);
    }
    if (!b.s)
        return fs_strdup("（无）");
    return b.s;
}

/* qsort order of strings. */
static int str_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The set to use when none is named; see fs-set.h. */
char *fs_set_only_rubric(char **list)
{
    char *dir = fs_templates_path("rubrics"), *only = NULL;
    DIR *d = opendir(dir);
    char **ids = NULL;
    size_t n = 0;
    struct dirent *e;
    fs_buf b = {0};

    while (d && (e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        char *id;
        if (len <= 4 || strcmp(e->d_name + len - 4, ".xml") != 0)
            continue;
        id = fs_strdup(e->d_name);
        id[len - 4] = '\0';
        if (!fs_rubric_id_ok(id)) {
            free(id);
            continue;
        }
        ids = fs_xrealloc(ids, (n + 1) * sizeof *ids);
        ids[n++] = id;
    }
    if (d)
        closedir(d);
    if (n > 1)
        qsort(ids, n, sizeof *ids, str_cmp);
    for (size_t i = 0; i < n; i++) {
        fs_buf_adds(&b, i ? "、" : "");
        fs_buf_adds(&b, ids[i]);
    }
    if (n == 1)
        only = fs_strdup(ids[0]);
    for (size_t i = 0; i < n; i++)
        free(ids[i]);
    free(ids);
    free(dir);
    if (list)
        *list = b.s ? b.s : fs_strdup("");
    else
        free(b.s);
    return only;
}
