/*
 * fs-rubric.c - the rubric (评定标准) as data: loading and checking
 * templates/rubrics/ID.xml, finding the templates folder, and the cache
 * that loads each rubric once per run.
 */
#define _GNU_SOURCE
#include "fs-model.h"
#include "fs-set.h"
#include "fs-xml.h"

#include <dirent.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef FS_DATADIR
#define FS_DATADIR "/usr/local/share/fivestar"
#endif

/* ------------------------------------------------------------------------
 * The templates folder.  Process-wide, set once at start-up.
 * ---------------------------------------------------------------------- */

static char *templates_dir;

static int is_dir(const char *p)
{
    struct stat sb;
    return stat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
}

static char *builtin_dir;

/* The templates folder that comes with the program: templates/ beside the
 * executable or one folder up (the build tree), or
 * ../share/fivestar/templates (an installed tree); else FS_DATADIR.
 * Malloc'd. */
static char *find_builtin(const char *argv0)
{
    char exe[PATH_MAX];
    ssize_t n;

    n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0 && argv0 && realpath(argv0, exe))
        n = (ssize_t)strlen(exe);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            static const char *const rel[] = {
                "templates", "../templates", "../share/fivestar/templates",
            };
            *slash = '\0';
            for (size_t i = 0; i < sizeof rel / sizeof *rel; i++) {
                char *p = fs_printf("%s/%s", exe, rel[i]);
                if (is_dir(p))
                    return p;
                free(p);
            }
        }
    }
    return fs_strdup(FS_DATADIR "/templates");
}

/* Finds the templates folder: $FIVESTAR_TEMPLATES, else the one that
 * comes with the program (find_builtin). */
void fs_templates_init(const char *argv0)
{
    const char *env = getenv("FIVESTAR_TEMPLATES");

    free(templates_dir);
    free(builtin_dir);
    builtin_dir = find_builtin(argv0);
    templates_dir = fs_strdup(env && *env ? env : builtin_dir);
}

/* The templates folder that comes with the program, whatever
 * $FIVESTAR_TEMPLATES says (the fonts are found beside it). */
const char *fs_templates_builtin_dir(void)
{
    if (!builtin_dir)
        fs_templates_init(NULL);
    return builtin_dir;
}

const char *fs_templates_dir(void)
{
    if (!templates_dir)
        fs_templates_init(NULL);
    return templates_dir;
}

char *fs_templates_path(const char *name)
{
    return fs_printf("%s/%s", fs_templates_dir(), name);
}

/* Rubric ids are compared with the names found in templates/rubrics, never
 * pasted into a path, so a dossier cannot name a file of its choosing.
 * Returns the path of the rubric file whose name is ID.xml, or NULL. */
char *fs_rubric_path(const char *id)
{
    char *dir = fs_templates_path("rubrics");
    DIR *d = opendir(dir);
    char *found = NULL;
    struct dirent *e;
    size_t n = strlen(id);

    while (d && (e = readdir(d)) != NULL) {
        if (strlen(e->d_name) == n + 4 && strncmp(e->d_name, id, n) == 0 &&
            strcmp(e->d_name + n, ".xml") == 0 && fs_rubric_id_ok(id)) {
            found = fs_printf("%s/%s", dir, e->d_name);
            break;
        }
    }
    if (d)
        closedir(d);
    free(dir);
    return found;
}

int fs_rubric_id_ok(const char *id)
{
    if (!id || !*id || strlen(id) > 64 || strstr(id, ".."))
        return 0;
    for (const char *p = id; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
              (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p == '.'))
            return 0;
    return 1;
}

/* ------------------------------------------------------------------------
 * Loading.
 * ---------------------------------------------------------------------- */

void fs_rubric_free(fs_rubric *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->nitems; i++) {
        for (size_t k = 0; k < r->items[i].nstandard; k++)
            free(r->items[i].standard[k]);
        free(r->items[i].standard);
        free(r->items[i].check);
    }
    for (size_t i = 0; i < r->nsections; i++) {
        free(r->sections[i].name);
        free(r->sections[i].label);
    }
    for (size_t i = 0; i < r->nthresholds; i++)
        free(r->thresholds[i].name);
    free(r->items);
    free(r->sections);
    free(r->thresholds);
    free(r->id);
    free(r->path);
    free(r->title);
    free(r->issuer);
    free(r->remark);
    free(r);
}

/* Reads the decimal attribute NAME of NODE as tenths; -1 when bad. */
static fs_tenths attr_tenths(xmlNodePtr node, const char *name)
{
    char *v = fs_xml_attr(node, name);
    fs_tenths t = -1;

    if (!v || fs_tenths_parse(v, &t) < 0)
        t = -1;
    free(v);
    return t;
}

static long attr_long(xmlNodePtr node, const char *name)
{
    char *v = fs_xml_attr(node, name), *end = NULL;
    long n = -1;

    if (v && *v) {
        n = strtol(v, &end, 10);
        if (*end)
            n = -1;
    }
    free(v);
    return n;
}

static char *child_text(xmlNodePtr node, const char *name)
{
    xmlNodePtr c = fs_xml_child(node, name);
    char *raw, *s;

    if (!c)
        return NULL;
    raw = fs_xml_text(c);
    s = fs_text_trim(raw);
    free(raw);
    return s;
}

/* Reads one <item>; returns 0 or -1 after a diagnostic. */
static int load_item(fs_rubric *r, xmlNodePtr node, int section,
                     fs_diags *diags)
{
    fs_rubric_item *it = &r->items[r->nitems];
    xmlNodePtr std = fs_xml_child(node, "standard");

    memset(it, 0, sizeof *it);
    it->number = (int)attr_long(node, "number");
    it->section = section;
    it->max = attr_tenths(node, "max");
    r->nitems++;
    if (it->number != (int)r->nitems) {
        fs_diags_add(diags, r->path, fs_xml_line(node), FS_ERROR,
                     "评定标准的第 %zu 项编号为 %d，应按 1、2、3……连续编号", r->nitems, it->number);
        return -1;
    }
    if (it->max < 0) {
        fs_diags_add(diags, r->path, fs_xml_line(node), FS_ERROR,
                     "第%d项的分值 max 应为不带符号、最多一位小数的数", it->number);
        return -1;
    }
    for (xmlNodePtr p = fs_xml_child(std, "p"); p; p = fs_xml_next(p, "p")) {
        char *raw = fs_xml_text(p);
        it->standard = fs_xrealloc(it->standard, (it->nstandard + 1) * sizeof *it->standard);
        it->standard[it->nstandard++] = fs_text_trim(raw);
        free(raw);
    }
    if (it->nstandard == 0) {
        fs_diags_add(diags, r->path, fs_xml_line(node), FS_ERROR,
                     "第%d项缺少评定标准 <standard><p>…</p></standard>", it->number);
        return -1;
    }
    it->check = child_text(node, "check");
    return 0;
}

/* Checks that items add up to their sections and sections to the total. */
static int check_sums(const fs_rubric *r, fs_diags *diags, long line)
{
    fs_tenths total = 0;
    char a[24], b[24];
    int bad = 0;

    for (size_t s = 0; s < r->nsections; s++) {
        const fs_rubric_section *sec = &r->sections[s];
        fs_tenths sum = 0;
        for (int i = 0; i < sec->nitems; i++)
            sum += r->items[sec->first_item + i].max;
        if (sum != sec->max) {
            fs_diags_add(diags, r->path, line, FS_ERROR,
                         "“%s”各项分值之和为 %s，与该部分分值 %s 不符", sec->label,
                         fs_tenths_format(sum, a, sizeof a), fs_tenths_format(sec->max, b, sizeof b));
            bad = 1;
        }
        total += sec->max;
    }
    if (total != r->max) {
        fs_diags_add(diags, r->path, line, FS_ERROR,
                     "各部分分值之和为 %s，与总分 %s 不符",
                     fs_tenths_format(total, a, sizeof a), fs_tenths_format(r->max, b, sizeof b));
        bad = 1;
    }
    for (size_t i = 0; i < r->nthresholds; i++)
        if (r->thresholds[i].min > r->max || r->thresholds[i].star < 1 || r->thresholds[i].star > 5) {
            fs_diags_add(diags, r->path, line, FS_ERROR,
                         "星级门槛（%d星）不合理：星级应为 1–5，分数不得超过总分", r->thresholds[i].star);
            bad = 1;
        }
    return bad ? -1 : 0;
}

fs_rubric *fs_rubric_load(const char *path, fs_diags *diags, fs_error *err)
{
    fs_rubric *r = NULL;
    xmlDocPtr doc = NULL;
    xmlNodePtr root;
    fs_schema *schema = NULL;
    char *xsd = NULL;
    size_t nitems = 0, nsec = 0, nthr = 0;
    fs_error e;

    *err = FS_E_TEMPLATE;
    doc = fs_xml_read(path, FS_MAX_FILE_BYTES, diags, &e);
    if (!doc)
        goto fail;
    root = xmlDocGetRootElement(doc);
    xsd = fs_templates_path("rubric.xsd");
    schema = fs_schema_load(xsd, diags);
    if (!schema || fs_schema_check(schema, doc, path, diags) != 0)
        goto fail;

    for (xmlNodePtr s = fs_xml_child(root, "section"); s; s = fs_xml_next(s, "section")) {
        nsec++;
        for (xmlNodePtr i = fs_xml_child(s, "item"); i; i = fs_xml_next(i, "item"))
            nitems++;
    }
    for (xmlNodePtr t = fs_xml_child(root, "threshold"); t; t = fs_xml_next(t, "threshold"))
        nthr++;
    if (nsec > FS_MAX_SECTIONS || nitems > FS_MAX_ITEMS || nsec == 0) {
        fs_diags_add(diags, path, fs_xml_line(root), FS_ERROR,
                     "评定标准应有 1–%d 个部分、不超过 %d 项", FS_MAX_SECTIONS, FS_MAX_ITEMS);
        goto fail;
    }

    r = fs_xcalloc(1, sizeof *r);
    r->path = fs_strdup(path);
    r->id = fs_xml_attr(root, "id");
    r->max = attr_tenths(root, "max");
    r->title = child_text(root, "title");
    r->issuer = child_text(root, "issuer");
    r->remark = child_text(root, "remark");
    r->sections = fs_xcalloc(nsec, sizeof *r->sections);
    r->items = fs_xcalloc(nitems, sizeof *r->items);
    r->thresholds = fs_xcalloc(nthr ? nthr : 1, sizeof *r->thresholds);

    for (xmlNodePtr t = fs_xml_child(root, "threshold"); t; t = fs_xml_next(t, "threshold")) {
        fs_threshold *th = &r->thresholds[r->nthresholds++];
        th->star = (int)attr_long(t, "star");
        th->min = attr_tenths(t, "min");
        th->name = fs_xml_attr(t, "name");
    }
    for (xmlNodePtr s = fs_xml_child(root, "section"); s; s = fs_xml_next(s, "section")) {
        fs_rubric_section *sec = &r->sections[r->nsections++];
        sec->number = (int)attr_long(s, "number");
        sec->name = fs_xml_attr(s, "name");
        sec->label = fs_xml_attr(s, "label");
        sec->max = attr_tenths(s, "max");
        sec->first_item = (int)r->nitems;
        if (sec->number != (int)r->nsections || sec->max < 0) {
            fs_diags_add(diags, path, fs_xml_line(s), FS_ERROR,
                         "第 %zu 部分的编号或分值有误（编号应连续，分值最多一位小数）", r->nsections);
            goto fail;
        }
        for (xmlNodePtr i = fs_xml_child(s, "item"); i; i = fs_xml_next(i, "item"))
            if (load_item(r, i, (int)r->nsections - 1, diags) < 0)
                goto fail;
        sec->nitems = (int)r->nitems - sec->first_item;
    }
    if (check_sums(r, diags, fs_xml_line(root)) < 0)
        goto fail;
    *err = FS_OK;
    goto done;
fail:
    fs_rubric_free(r);
    r = NULL;
done:
    fs_schema_free(schema);
    free(xsd);
    xmlFreeDoc(doc);
    return r;
}

const fs_rubric_item *fs_rubric_item_by_number(const fs_rubric *r, int n)
{
    if (n < 1 || (size_t)n > r->nitems)
        return NULL;
    return &r->items[n - 1];
}

const fs_threshold *fs_rubric_threshold(const fs_rubric *r, int star)
{
    for (size_t i = 0; i < r->nthresholds; i++)
        if (r->thresholds[i].star == star)
            return &r->thresholds[i];
    return NULL;
}

/* ------------------------------------------------------------------------
 * The cache: each rubric loaded once per run, and the dossier schema.
 * ---------------------------------------------------------------------- */

struct fs_rubric_cache {
    fs_rubric **v;
    size_t n;
    char **failed;              /* ids that did not load: not retried      */
    size_t nfailed;
    fs_schema *schema;          /* templates/dossier.xsd                   */
    int schema_failed;
    struct cached_set {         /* template sets by rubric id              */
        char *id;
        fs_set *set;            /* NULL: it failed with err                */
        fs_error err;
    } *sets;
    size_t nsets;
};

fs_rubric_cache *fs_rubric_cache_new(void)
{
    return fs_xcalloc(1, sizeof(fs_rubric_cache));
}

void fs_rubric_cache_free(fs_rubric_cache *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n; i++)
        fs_rubric_free(c->v[i]);
    for (size_t i = 0; i < c->nfailed; i++)
        free(c->failed[i]);
    for (size_t i = 0; i < c->nsets; i++) {
        free(c->sets[i].id);
        fs_set_free(c->sets[i].set);
    }
    free(c->v);
    free(c->failed);
    free(c->sets);
    fs_schema_free(c->schema);
    free(c);
}

fs_schema *fs_rubric_cache_schema(fs_rubric_cache *c, fs_diags *diags)
{
    char *xsd;

    if (!c->schema && !c->schema_failed) {
        xsd = fs_templates_path("dossier.xsd");
        c->schema = fs_schema_load(xsd, diags);
        c->schema_failed = !c->schema;
        free(xsd);
    }
    return c->schema;
}

/* Returns rubric ID, loading it on first use.  When the dossier FILE names
 * an unknown rubric at LINE, the error is the dossier's (*ERR =
 * FS_E_INVALID); when the rubric file is broken, the template's
 * (FS_E_TEMPLATE). */
const fs_rubric *fs_rubric_cache_get(fs_rubric_cache *c, const char *id,
                                     fs_diags *diags, const char *file,
                                     long line, fs_error *err)
{
    fs_rubric *r;
    char *path;

    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->v[i]->id, id) == 0) {
            *err = FS_OK;
            return c->v[i];
        }
    for (size_t i = 0; i < c->nfailed; i++)
        if (strcmp(c->failed[i], id) == 0) {
            *err = FS_E_TEMPLATE;
            fs_diags_add(diags, file, line, FS_ERROR, "评定标准“%s”无法使用（见上文）", id);
            return NULL;
        }
    path = fs_rubric_path(id);
    if (!path) {
        fs_diags_add(diags, file, line, FS_ERROR,
                     "未知的评定标准 rubric=\"%s\"：%s/rubrics 中没有该标准", id, fs_templates_dir());
        *err = FS_E_INVALID;
        return NULL;
    }
    r = fs_rubric_load(path, diags, err);
    free(path);
    if (r && strcmp(r->id, id) != 0) {
        fs_diags_add(diags, r->path, 0, FS_ERROR, "文件名与其 id=\"%s\" 不一致", r->id);
        fs_rubric_free(r);
        r = NULL;
        *err = FS_E_TEMPLATE;
    }
    if (!r) {
        c->failed = fs_xrealloc(c->failed, (c->nfailed + 1) * sizeof *c->failed);
        c->failed[c->nfailed++] = fs_strdup(id);
        return NULL;
    }
    c->v = fs_xrealloc(c->v, (c->n + 1) * sizeof *c->v);
    c->v[c->n++] = r;
    return r;
}

/* The template set of rubric ID, loaded once; see fs-set.h. */
const fs_set *fs_rubric_cache_set(fs_rubric_cache *c, const char *id,
                                  fs_diags *diags, fs_error *err)
{
    struct cached_set *cs;

    for (size_t i = 0; i < c->nsets; i++)
        if (strcmp(c->sets[i].id, id) == 0) {
            *err = c->sets[i].err;
            if (!c->sets[i].set)
                fs_diags_add(diags, NULL, 0, FS_ERROR, "模板套“%s”的流程图无法使用（见上文）", id);
            return c->sets[i].set;
        }
    c->sets = fs_xrealloc(c->sets, (c->nsets + 1) * sizeof *c->sets);
    cs = &c->sets[c->nsets++];
    cs->id = fs_strdup(id);
    cs->set = fs_set_load(id, diags, &cs->err);
    *err = cs->err;
    return cs->set;
}
