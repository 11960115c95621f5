/*
 * fs-lib-batch.c - writing dossiers' forms into their folders, each
 * dossier's files all or none (fivestar.h): a batch holds the dossiers
 * whose forms are written to temporaries beside their final names and not
 * yet renamed; one commit makes every temporary of the batch durable in a
 * single pass (fs_temp_flush: one syncfs of the file system for many
 * files, where a flush per file would wait for the disk once per file),
 * then renames each dossier's files into place.  fs_lib_write_forms is a
 * batch of one dossier.  The forms themselves are rendered by
 * fs-lib-jobs.c.
 *
 * Whatever happens, a form on the disk is its old file or the whole new
 * one: a dossier that fails while its forms are built or written leaves
 * its temporaries removed at once; a failed flush removes every temporary
 * of the batch; a run killed before the renames leaves only temporaries,
 * which the next run into their folder removes (fs_temp_sweep).
 */
#define _GNU_SOURCE
#include "fs-lib-private.h"
#include "fs-cn.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* One dossier of a batch: its folder, its temporaries and their final
 * names (N of each, all owned), its diagnostics (the caller's) and its
 * outcome. */
typedef struct batch_set {
    char *dir;
    int made;                   /* DIR was made for it: removed on failure */
    char **tmps, **paths;
    size_t n;
    fs_diags *diags;
    fs_error err;
    int committed;
} batch_set;

struct fs_lib_batch {
    batch_set *sets;
    size_t nsets, cap;
};

/* A new, empty batch; the caller owns it (fs_lib_batch_free). */
fs_lib_batch *fs_lib_batch_new(void)
{
    return fs_xcalloc(1, sizeof(fs_lib_batch));
}

/* Removes the temporaries of S that are left (none once it is committed),
 * then its folder when S made it and failed. */
static void set_discard(batch_set *s)
{
    for (size_t i = 0; i < s->n; i++) {
        fs_temp_discard(s->tmps[i]);
        s->tmps[i] = NULL;
    }
    if (s->err != FS_OK && s->made)
        rmdir(s->dir);          /* a folder made for it, left empty */
    s->made = 0;
}

/* Frees B: the temporaries of dossiers not committed are removed, as if
 * they had failed.  NULL is fine. */
void fs_lib_batch_free(fs_lib_batch *b)
{
    if (!b)
        return;
    for (size_t k = 0; k < b->nsets; k++) {
        batch_set *s = &b->sets[k];

        if (!s->committed && s->err == FS_OK)
            s->err = FS_E_INTERRUPTED;
        set_discard(s);
        for (size_t i = 0; i < s->n; i++)
            free(s->paths[i]);
        free(s->tmps);
        free(s->paths);
        free(s->dir);
    }
    free(b->sets);
    free(b);
}

/* The number of dossiers added to B (fs_lib_batch_add), committed or not. */
size_t fs_lib_batch_count(const fs_lib_batch *b)
{
    return b ? b->nsets : 0;
}

/* Copies the diagnostics of FROM to the end of TO. */
static void diags_append(fs_diags *to, const fs_diags *from)
{
    for (size_t i = 0; i < from->n; i++)
        fs_diags_add(to, from->v[i].file, from->v[i].line, from->v[i].severity,
                     "%s", from->v[i].message);
}

/* Renders D's built forms DOCS (by table index) in the formats asked for
 * (fs-lib-jobs.c: on several threads when the context allows), then
 * writes each to a temporary beside its final name in S's folder,
 * unflushed: their names go to S.  Files and diagnostics are taken in the
 * order of rendering one after the other up to the first failure, which
 * stops it with the reason in S's diagnostics. */
static fs_error write_temps(fs_lib *lib, fs_doc *const *docs, batch_set *s,
                            unsigned formats, const fs_render_options *o)
{
    fs_lib_jobs js;
    fs_error err = FS_OK;

    fs_lib_jobs_init(&js, lib, docs, s->dir, formats, o);
    fs_lib_jobs_start(&js);
    for (size_t i = 0; i < js.n && err == FS_OK; i++) {
        fs_lib_job *j = fs_lib_jobs_get(&js, i);

        diags_append(s->diags, &j->diags);
        if ((err = j->err) != FS_OK)
            break;
        if (fs_temp_write_unflushed(j->path, j->data, j->len, &s->tmps[s->n]) != FS_OK) {
            fs_diags_add(s->diags, j->path, 0, FS_ERROR, "无法写入：%s；此档案的表格均未更新",
                         fs_errno_cn(errno));
            err = FS_E_IO;
        } else
            s->paths[s->n++] = fs_strdup(j->path);
    }
    fs_lib_jobs_free(&js);
    return err;
}

/* Builds every form of kind FS_FORM_DOSSIER for D and writes each, in
 * the FORMATS asked for, to a temporary in the folder DIR (made, one
 * level, once every form is built), to be renamed into place by
 * fs_lib_batch_commit; see fivestar.h.  DIAGS must live until then.  On
 * failure nothing of D is left and the error is returned (and kept as
 * D's outcome). */
fs_error fs_lib_batch_add(fs_lib *lib, fs_lib_batch *b, const fs_dossier *d,
                          const char *dir, unsigned formats,
                          const fs_render_options *o, fs_diags *diags)
{
    size_t nforms = fs_forms_table_count();
    fs_doc **docs;
    batch_set *s;
    struct stat sb;
    fs_error err = FS_OK;

    if (!b || !dir || !o) {
        fs_diags_add(diags, "fivestar", 0, FS_ERROR, "内部错误：写入表格时缺少参数");
        return FS_E_USAGE;
    }
    docs = fs_xcalloc(nforms, sizeof *docs);

    if (b->nsets == b->cap) {
        b->cap = b->cap ? 2 * b->cap : 16;
        b->sets = fs_xrealloc(b->sets, b->cap * sizeof *b->sets);
    }
    s = &b->sets[b->nsets++];
    memset(s, 0, sizeof *s);
    s->dir = fs_strdup(dir);
    s->diags = diags;
    s->tmps = fs_xcalloc(2 * nforms, sizeof *s->tmps);
    s->paths = fs_xcalloc(2 * nforms, sizeof *s->paths);

    for (size_t i = 0; i < nforms && err == FS_OK; i++) {
        const fs_form_entry *form = fs_forms_table_get(i);
        if (form->kind == FS_FORM_DOSSIER)
            docs[i] = fs_lib_build(lib, form, d, diags, &err);
    }
    s->made = stat(dir, &sb) < 0;
    if (err == FS_OK && fs_lib_make_dir(dir) < 0) {
        fs_diags_add(diags, dir, 0, FS_ERROR, "无法创建文件夹：%s", fs_errno_cn(errno));
        s->made = 0;
        err = FS_E_IO;
    }
    if (err == FS_OK) {
        fs_temp_sweep(dir, diags);
        err = write_temps(lib, docs, s, formats, o);
    }
    s->err = err;
    if (err != FS_OK)
        set_discard(s);
    for (size_t i = 0; i < nforms; i++)
        fs_doc_free(docs[i]);
    free(docs);
    return err;
}

/* Makes the temporaries of B's dossiers that have not failed durable in
 * one pass, then renames each such dossier's files into place; see
 * fivestar.h.  A failed flush fails every dossier of the pass, each with
 * an error in its diagnostics, and leaves nothing of them.  A failed
 * rename (rare: the data is on the disk already, but a folder may need a
 * block to grow) fails that dossier only: its files renamed before stay,
 * each whole and new, the others keep their old content. */
void fs_lib_batch_commit(fs_lib_batch *b)
{
    char **all;
    size_t n = 0;
    int flushed;

    if (!b)
        return;
    for (size_t k = 0; k < b->nsets; k++)
        if (!b->sets[k].committed && b->sets[k].err == FS_OK)
            n += b->sets[k].n;
    all = fs_xcalloc(n + 1, sizeof *all);
    n = 0;
    for (size_t k = 0; k < b->nsets; k++)
        if (!b->sets[k].committed && b->sets[k].err == FS_OK)
            for (size_t i = 0; i < b->sets[k].n; i++)
                all[n++] = b->sets[k].tmps[i];
    flushed = fs_temp_flush(all, n) == FS_OK;
    if (!flushed) {
        int saved = errno;

        for (size_t k = 0; k < b->nsets; k++) {
            batch_set *s = &b->sets[k];

            if (s->committed || s->err != FS_OK)
                continue;
            fs_diags_add(s->diags, s->dir, 0, FS_ERROR, "无法写入：%s；此档案的表格均未更新",
                         fs_errno_cn(saved));
            s->err = FS_E_IO;
        }
    }
    for (size_t k = 0; k < b->nsets; k++) {
        batch_set *s = &b->sets[k];

        if (s->committed)
            continue;
        s->committed = 1;
        for (size_t i = 0; i < s->n && s->err == FS_OK; i++) {
            char *tmp = s->tmps[i];

            s->tmps[i] = NULL;
            if (fs_temp_commit(tmp, s->paths[i]) != FS_OK) {
                fs_diags_add(s->diags, s->paths[i], 0, FS_ERROR, "无法改名到位：%s",
                             fs_errno_cn(errno));
                s->err = FS_E_IO;
            }
        }
        set_discard(s);
    }
    free(all);
}

/* The outcome of the I-th dossier added to B: FS_OK once it is committed
 * whole; its error when adding or committing it failed; FS_E_INTERRUPTED
 * before its commit or for an I out of range. */
fs_error fs_lib_batch_result(const fs_lib_batch *b, size_t i)
{
    if (!b || i >= b->nsets)
        return FS_E_INTERRUPTED;
    if (b->sets[i].err != FS_OK)
        return b->sets[i].err;
    return b->sets[i].committed ? FS_OK : FS_E_INTERRUPTED;
}

/* Writes D's forms into DIR, all of them or none: a batch of one; see
 * fivestar.h. */
fs_error fs_lib_write_forms(fs_lib *lib, const fs_dossier *d, const char *dir,
                            unsigned formats, const fs_render_options *o,
                            fs_diags *diags)
{
    fs_lib_batch *b = fs_lib_batch_new();
    fs_error err = fs_lib_batch_add(lib, b, d, dir, formats, o, diags);

    if (err == FS_OK) {
        fs_lib_batch_commit(b);
        err = fs_lib_batch_result(b, 0);
    }
    fs_lib_batch_free(b);
    return err;
}
