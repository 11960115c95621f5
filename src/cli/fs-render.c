/*
 * fs-render.c - the render subcommand: each dossier's 评定标准 and 申报表,
 * as PDF and DOCX, into DIR/NAME/.
 *
 * Fonts, forms templates and rubrics are loaded once per run and shared by
 * every dossier (fs-batch.c), which also draws the progress line.  A
 * dossier with errors gets nothing written (exit 1) and does not stop the
 * others.  Every file is rendered to memory first and then written beside
 * its final name and renamed into place, so a failed run never leaves a
 * half-written form or replaces a good one.
 *
 * Many dossiers are rendered by --jobs worker processes (default: one per
 * processor), forked once the fonts are loaded so that they share them.
 * Worker W takes dossiers W, W + JOBS, …; for each it sends the parent a
 * record over a pipe: its index, outcome, and what it would have printed.
 * The parent prints the records in the order of the command line, so the
 * output is the same as with one process, and draws the progress line.
 */
#define _GNU_SOURCE
#include "fs-batch.h"
#include "fs-cli.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_JOBS 16

/* The font config: $FIVESTAR_FONTS, else fonts/fonts.conf beside the
 * templates folder. */
char *fs_fonts_conf_path(void)
{
    const char *env = getenv("FIVESTAR_FONTS");

    if (env && *env)
        return fs_strdup(env);
    return fs_printf("%s/../fonts/fonts.conf", fs_templates_dir());
}

/* Makes DIR (one level) unless it exists; 0 or -1 with errno. */
static int make_dir(const char *dir)
{
    struct stat sb;

    if (mkdir(dir, 0755) == 0)
        return 0;
    if (errno == EEXIST && stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode))
        return 0;
    if (errno == EEXIST)
        errno = ENOTDIR;
    return -1;
}

/* What to write. */
typedef struct render_opts {
    int pdf, docx;
} render_opts;

/* Loads, checks, builds and writes the forms of one dossier into
 * OUTDIR/NAME/; the line saying so goes to OUT. */
static fs_error render_one(fs_batch *b, const char *file, const char *outdir,
                           const render_opts *o, fs_diags *diags, FILE *out)
{
    static const char *const names[2][2] = {
        {"评定标准.pdf", "申报表.pdf"}, {"评定标准.docx", "申报表.docx"},
    };
    const fs_rubric *r;
    fs_error err;
    fs_dossier *d = fs_batch_load(b, file, &r, diags, &err);
    fs_forms *forms;
    fs_doc *docs[2] = {NULL, NULL};
    char *name = NULL, *dir = NULL;
    fs_result_sheet s;

    if (!d)
        goto done;
    forms = fs_batch_forms(b, r, diags, &err);
    if (!forms)
        goto done;
    fs_score_dossier(d, r, &s);
    docs[0] = fs_form_scoresheet(forms, r, d, &s);
    docs[1] = fs_form_application(forms, r, d, &s);
    name = fs_batch_dossier_name(file);
    dir = fs_printf("%s/%s", outdir, name);
    if (make_dir(dir) < 0) {
        fs_diags_add(diags, dir, 0, FS_ERROR, "无法创建文件夹：%s", strerror(errno));
        err = FS_E_IO;
        goto done;
    }
    for (int kind = 0; kind < 2 && err == FS_OK; kind++) {
        if (!(kind ? o->docx : o->pdf))
            continue;
        for (int k = 0; k < 2 && err == FS_OK; k++) {
            char *path = fs_printf("%s/%s", dir, names[kind][k]);
            err = fs_batch_write(b, docs[k], path, diags);
            free(path);
        }
    }
    if (err == FS_OK) {
        fs_batch_clear(b);
        fprintf(out, "%s → %s/\n", file, dir);
    }
done:
    fs_doc_free(docs[0]);
    fs_doc_free(docs[1]);
    fs_dossier_free(d);
    free(name);
    free(dir);
    return err;
}

/* ------------------------------------------------------------------------
 * Workers.
 * ---------------------------------------------------------------------- */

/* The head of a worker's record; NOUT bytes of standard output and NERR
 * of standard error follow. */
typedef struct rec_head {
    size_t index;
    fs_error err;
    size_t nout, nerr;
} rec_head;

/* A dossier's outcome, kept until its turn to be printed. */
typedef struct result {
    int ready;
    fs_error err;
    char *out, *errs;
} result;

/* Writes the N bytes of P to FD whole; 0 or -1. */
static int write_all(int fd, const void *p, size_t n)
{
    const char *c = p;

    while (n) {
        ssize_t k = write(fd, c, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return -1;
        c += k;
        n -= (size_t)k;
    }
    return 0;
}

/* The work of worker W of JOBS: its dossiers, one record each on FD.
 * Never returns. */
static void worker(fs_batch *b, const fs_cli_args *a, const char *outdir,
                   const render_opts *o, size_t w, size_t jobs, int fd)
{
    int status = 0;

    for (size_t i = w; i < a->nfiles; i += jobs) {
        fs_diags diags = {0};
        char *out = NULL, *errs = NULL;
        size_t nout = 0, nerr = 0;
        FILE *fo = open_memstream(&out, &nout), *fe;
        rec_head h;

        if (!fo)
            _exit(3);
        memset(&h, 0, sizeof h);        /* no uninitialised padding in the pipe */
        h.index = i;
        h.err = render_one(b, a->files[i], outdir, o, &diags, fo);
        fclose(fo);
        fs_diags_sort(&diags);
        if (!(fe = open_memstream(&errs, &nerr)))
            _exit(3);
        fs_diags_print(&diags, fe);
        fclose(fe);
        fs_diags_clear(&diags);
        h.nout = nout;
        h.nerr = nerr;
        if (write_all(fd, &h, sizeof h) < 0 || write_all(fd, out, nout) < 0 ||
            write_all(fd, errs, nerr) < 0)
            status = 3;
        free(out);
        free(errs);
    }
    close(fd);
    _exit(status);
}

/* Takes the complete records out of worker buffer BUF into RES, counting
 * them in *DONE and noting the last one's index in *LAST. */
static void take_records(fs_buf *buf, result *res, size_t n, size_t *done,
                         size_t *last)
{
    size_t at = 0;

    for (;;) {
        rec_head h;
        if (buf->len - at < sizeof h)
            break;
        memcpy(&h, buf->s + at, sizeof h);
        if (buf->len - at - sizeof h < h.nout + h.nerr)
            break;
        if (h.index < n && !res[h.index].ready) {
            const char *p = buf->s + at + sizeof h;
            res[h.index].ready = 1;
            res[h.index].err = h.err;
            res[h.index].out = fs_printf("%.*s", (int)h.nout, p);
            res[h.index].errs = fs_printf("%.*s", (int)h.nerr, p + h.nout);
            (*done)++;
            *last = h.index;
        }
        at += sizeof h + h.nout + h.nerr;
    }
    memmove(buf->s, buf->s + at, buf->len - at);
    buf->len -= at;
}

/* Renders A's dossiers with JOBS workers and prints their records in
 * order.  Returns the exit status. */
static int render_parallel(fs_batch *b, const fs_cli_args *a, const char *outdir,
                           const render_opts *o, size_t jobs)
{
    pid_t pids[MAX_JOBS];
    struct pollfd fds[MAX_JOBS];
    fs_buf bufs[MAX_JOBS];
    result *res;
    size_t open_pipes = 0, done = 0, next = 0, last = 0;
    int status = 0;

    memset(bufs, 0, sizeof bufs);
    fflush(stdout);
    fflush(stderr);
    for (size_t w = 0; w < jobs; w++) {
        int p[2];

        pids[w] = -1;
        fds[w].fd = -1;
        fds[w].events = POLLIN;
        if (pipe(p) < 0)
            break;
        pids[w] = fork();
        if (pids[w] == 0) {
            for (size_t k = 0; k < w; k++)
                if (fds[k].fd >= 0)
                    close(fds[k].fd);
            close(p[0]);
            worker(b, a, outdir, o, w, jobs, p[1]);
        }
        close(p[1]);
        if (pids[w] < 0) {
            close(p[0]);
            break;
        }
        fds[w].fd = p[0];
        open_pipes++;
    }
    res = fs_xcalloc(a->nfiles, sizeof *res);   /* the parent's alone */
    while (open_pipes) {
        if (poll(fds, jobs, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        for (size_t w = 0; w < jobs; w++) {
            char chunk[65536];
            ssize_t k;

            if (fds[w].fd < 0 || !(fds[w].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            k = read(fds[w].fd, chunk, sizeof chunk);
            if (k < 0 && errno == EINTR)
                continue;
            if (k <= 0) {
                close(fds[w].fd);
                fds[w].fd = -1;
                open_pipes--;
                continue;
            }
            fs_buf_add(&bufs[w], chunk, (size_t)k);
            take_records(&bufs[w], res, a->nfiles, &done, &last);
        }
        if (done)
            fs_batch_progress(b, done, a->nfiles, a->files[last]);
        for (; next < a->nfiles && res[next].ready; next++) {
            fs_batch_clear(b);
            fputs(res[next].out, stdout);
            fflush(stdout);
            fputs(res[next].errs, stderr);
            status = fs_cli_worst(status, res[next].err);
        }
    }
    for (size_t w = 0; w < jobs; w++) {
        int ws;
        if (pids[w] > 0)
            while (waitpid(pids[w], &ws, 0) < 0 && errno == EINTR)
                ;
        if (fds[w].fd >= 0)
            close(fds[w].fd);
        fs_buf_free(&bufs[w]);
    }
    /* A worker that died (or could not start) leaves its dossiers unsaid. */
    for (; next < a->nfiles; next++) {
        fs_batch_clear(b);
        if (res[next].ready) {
            fputs(res[next].out, stdout);
            fputs(res[next].errs, stderr);
            status = fs_cli_worst(status, res[next].err);
        } else {
            fprintf(stderr, "%s: error: 处理此档案的子进程异常退出，表格可能未生成\n",
                    a->files[next]);
            status = fs_cli_worst(status, FS_E_IO);
        }
    }
    for (size_t i = 0; i < a->nfiles; i++) {
        free(res[i].out);
        free(res[i].errs);
    }
    free(res);
    return status;
}

/* The number of workers: --jobs N (1 to 16), else one per processor, and
 * never more than dossiers.  0 for a bad --jobs. */
static size_t jobs_for(const char *arg, size_t nfiles)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    char *end;

    if (arg) {
        n = strtol(arg, &end, 10);
        if (*end || n < 1 || n > MAX_JOBS)
            return 0;
    }
    if (n < 1)
        n = 1;
    if (n > MAX_JOBS)
        n = MAX_JOBS;
    return (size_t)n < nfiles ? (size_t)n : nfiles;
}

/* fivestar render FILE... [-o DIR] [--format pdf|docx|all]
 * [--office-fonts] [--pdfa] [--jobs N]: every dossier's forms, one folder
 * each.  The
 * fonts, rubrics and templates are loaded once; a dossier that fails does
 * not stop the others, and the exit status is the worst outcome. */
int fs_cmd_render(int argc, char **argv)
{
    static const char *const spec[] = {"-o=", "--format=", "--office-fonts", "--pdfa", "--jobs=", NULL};
    fs_cli_args a;
    fs_batch *b = NULL;
    fs_batch_options bo = {1, 0, {0}, "生成"};
    fs_diags diags = {0};
    render_opts o = {1, 1};
    const char *outdir, *format;
    fs_error err;
    int status = 2;
    size_t jobs;

    if (fs_cli_parse(argc, argv, spec, &a) < 0)
        return 2;
    outdir = a.opt[0] ? a.opt[0] : "out";
    format = a.opt[1] ? a.opt[1] : "all";
    bo.docx.office_fonts = a.opt[2] != NULL;
    bo.pdfa = a.opt[3] != NULL;
    if (a.nfiles == 0) {
        fprintf(stderr, "fivestar render: error: 请给出档案文件\n");
        goto done;
    }
    if (!(jobs = jobs_for(a.opt[4], a.nfiles))) {
        fprintf(stderr, "fivestar render: error: --jobs 应为 1 到 %d 的整数\n", MAX_JOBS);
        goto done;
    }
    if (strcmp(format, "pdf") == 0)
        o.docx = 0;
    else if (strcmp(format, "docx") == 0)
        o.pdf = 0;
    else if (strcmp(format, "all") != 0) {
        fprintf(stderr, "fivestar render: error: --format 应为 pdf、docx 或 all\n");
        goto done;
    }

    status = 0;
    if (make_dir(outdir) < 0) {
        fprintf(stderr, "%s: error: 无法创建输出文件夹：%s\n", outdir, strerror(errno));
        status = 3;
        goto done;
    }
    b = fs_batch_new(&bo, &diags, &err);
    fs_diags_print(&diags, stderr);
    fs_diags_clear(&diags);
    if (!b) {
        status = fs_exit_status(err);
        goto done;
    }
    if (jobs > 1) {
        status = render_parallel(b, &a, outdir, &o, jobs);
        goto done;
    }
    for (size_t i = 0; i < a.nfiles; i++) {
        fs_batch_progress(b, i + 1, a.nfiles, a.files[i]);
        err = render_one(b, a.files[i], outdir, &o, &diags, stdout);
        fs_batch_report(b, &diags);
        status = fs_cli_worst(status, err);
    }
done:
    fs_batch_free(b);
    fs_diags_clear(&diags);
    fs_cli_args_free(&a);
    return status;
}
