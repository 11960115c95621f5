/*
 * fs-progress.c - the progress line of render, stats and archive
 * (fs-cli.h): printing only; the library calls fs_progress_show through
 * fs_lib_set_progress.
 */
#include "fs-cli.h"

#include <string.h>
#include <unistd.h>

/* Starts a run that says VERB on the line. */
void fs_progress_init(fs_progress *p, const char *verb)
{
    p->verb = verb;
    p->tty = isatty(STDERR_FILENO);
    p->shown = 0;
}

/* Wipes the progress line. */
void fs_progress_clear(fs_progress *p)
{
    if (p->shown) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
        p->shown = 0;
    }
}

/* Redraws the progress line (on a terminal only). */
void fs_progress_show(void *ctx, size_t done, size_t total, const char *file)
{
    fs_progress *p = ctx;
    const char *base;

    if (!p->tty)
        return;
    base = strrchr(file, '/');
    base = base ? base + 1 : file;
    fprintf(stderr, "\r\033[K[%zu/%zu] %s %s", done, total, p->verb ? p->verb : "", base);
    fflush(stderr);
    p->shown = 1;
}

/* Prints DIAGS in line order below a wiped progress line; an
 * fs_report_fn with P as CTX. */
void fs_progress_report(void *ctx, fs_diags *diags)
{
    fs_progress *p = ctx;

    if (diags->n) {
        fs_progress_clear(p);
        fs_diags_sort(diags);
        fs_diags_print(diags, stderr);
    }
    fs_diags_clear(diags);
}
