/*
 * fs-rubric-cache.c - the cache of a run: each rubric (fs-rubric.c), each
 * template set (fs-set.c) and the dossier schema loaded once however many
 * dossiers name them.  Declared in fs-model.h and fs-set.h.
 */
#define _GNU_SOURCE
#include "fs-model.h"
#include "fs-set.h"
#include "fs-xml.h"

#include <stdlib.h>
#include <string.h>

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

/* An empty cache; the caller frees it with fs_rubric_cache_free. */
fs_rubric_cache *fs_rubric_cache_new(void)
{
    return fs_xcalloc(1, sizeof(fs_rubric_cache));
}

/* Frees C with every rubric, set and schema it loaded; NULL is fine. */
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

/* The dossier schema, loaded once (a failure is not retried); see
 * fs-model.h. */
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
