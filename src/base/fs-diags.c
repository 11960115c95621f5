/*
 * fs-diags.c - diagnostics (fs-base.h): problems gathered as data with
 * their FILE:LINE, sorted and printed one per line, file names and
 * messages kept on their line (fs-cn.c).
 */
#define _GNU_SOURCE
#include "fs-base.h"
#include "fs-cn.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------
 * Diagnostics.
 * ---------------------------------------------------------------------- */

/* Adds one problem of FILE at LINE (0: the file as a whole).  FILE and the
 * message are kept on one line (fs_cn_oneline): a line break or control
 * character in a file name or a library's text can neither split the
 * diagnostic nor forge another "FILE:LINE:" line. */
void fs_diags_add(fs_diags *d, const char *file, long line, fs_severity sev,
                  const char *fmt, ...)
{
    va_list ap;
    fs_diag *g;
    char *msg;

    va_start(ap, fmt);
    msg = fs_vprintf(fmt, ap);
    va_end(ap);
    if (d->n == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 16;
        d->v = fs_xrealloc(d->v, d->cap * sizeof *d->v);
    }
    g = &d->v[d->n];
    g->file = fs_cn_name_dup(file ? file : "fivestar");
    g->line = line;
    g->severity = sev;
    g->message = fs_cn_oneline_dup(msg);
    free(msg);
    g->seq = d->n;
    d->n++;
    if (sev == FS_ERROR)
        d->errors++;
    else
        d->warnings++;
}

static int diag_cmp(const void *a, const void *b)
{
    const fs_diag *x = a, *y = b;
    int c = strcmp(x->file, y->file);

    if (c)
        return x->seq < y->seq ? -1 : 1;   /* files keep their order */
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Sorts the problems of each file by line, keeping the order of arrival
 * among equal lines and the order of the files. */
void fs_diags_sort(fs_diags *d)
{
    if (d->n > 1)
        qsort(d->v, d->n, sizeof *d->v, diag_cmp);
}

/* Prints every problem as FILE:LINE: error|warning: MESSAGE. */
void fs_diags_print(const fs_diags *d, FILE *out)
{
    for (size_t i = 0; i < d->n; i++) {
        const fs_diag *g = &d->v[i];
        const char *kind = g->severity == FS_ERROR ? "error" : "warning";

        if (g->line > 0)
            fprintf(out, "%s:%ld: %s: %s\n", g->file, g->line, kind, g->message);
        else
            fprintf(out, "%s: %s: %s\n", g->file, kind, g->message);
    }
}

/* Frees every problem; D is empty and reusable afterwards. */
void fs_diags_clear(fs_diags *d)
{
    for (size_t i = 0; i < d->n; i++) {
        free(d->v[i].file);
        free(d->v[i].message);
    }
    free(d->v);
    memset(d, 0, sizeof *d);
}
