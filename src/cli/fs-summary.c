/*
 * fs-summary.c - the closing line of commands over many dossiers
 * (fs-summary.h).
 */
#include "fs-summary.h"
#include "fs-cn.h"

#include <stdlib.h>
#include <string.h>

/* At most this many failed files are named; the rest are counted. */
#define MAX_NAMED 10

/* Counts one outcome; see fs-summary.h. */
void fs_summary_add(fs_summary *s, const char *file, fs_error err, size_t warnings)
{
    if (err != FS_OK) {
        if (s->failed < MAX_NAMED) {
            if (s->failed)
                fs_buf_adds(&s->names, "、");
            fs_cn_name(&s->names, file);
        }
        s->failed++;
        return;
    }
    s->ok++;
    if (warnings)
        s->warned++;
}

/* Counts one outcome from printed diagnostics; see fs-summary.h. */
void fs_summary_add_text(fs_summary *s, const char *file, fs_error err, const char *text)
{
    size_t warnings = 0;

    for (const char *p = text; p && (p = strstr(p, ": warning: ")) != NULL; p++)
        warnings++;
    fs_summary_add(s, file, err, warnings);
}

/* Starts a tally of the N files FILES; see fs-summary.h. */
void fs_tally_init(fs_tally *t, const char *const *files, size_t n)
{
    t->files = files;
    t->n = n;
    t->names = fs_xcalloc(n ? n : 1, sizeof *t->names);
    t->mark = fs_xcalloc(n ? n : 1, 1);
    for (size_t i = 0; i < n; i++)
        t->names[i] = fs_cn_name_dup(files[i]);
}

/* Marks the files D's diagnostics name; see fs-summary.h. */
void fs_tally_diags(fs_tally *t, const fs_diags *d)
{
    for (size_t k = 0; k < d->n; k++)
        for (size_t i = 0; i < t->n; i++)
            if (strcmp(d->v[k].file, t->names[i]) == 0)
                t->mark[i] |= d->v[k].severity == FS_ERROR ? 1 : 2;
}

/* Counts every file of T into S and frees T; see fs-summary.h. */
void fs_tally_finish(fs_tally *t, fs_summary *s)
{
    for (size_t i = 0; i < t->n; i++) {
        fs_summary_add(s, t->files[i], t->mark[i] & 1 ? FS_E_INVALID : FS_OK,
                       t->mark[i] & 2 ? 1 : 0);
        free(t->names[i]);
    }
    free(t->names);
    free(t->mark);
    memset(t, 0, sizeof *t);
}

/* Prints the closing line; see fs-summary.h. */
void fs_summary_finish(fs_summary *s, FILE *out)
{
    if (s->ok + s->failed > 1) {
        fprintf(out, "完成：%zu 份成功", s->ok);
        if (s->warned)
            fprintf(out, "（其中 %zu 份有警告）", s->warned);
        if (s->failed)
            fprintf(out, "，%zu 份有错误（%s%s）：请按上面的 error 信息逐一改正后重新运行\n",
                    s->failed, s->names.s, s->failed > MAX_NAMED ? " 等" : "");
        else
            fputs("，没有错误\n", out);
    }
    fs_buf_free(&s->names);
    memset(s, 0, sizeof *s);
}
