/*
 * fs-render.c - the render subcommand: each dossier's 评定标准 and 申报表,
 * as PDF and DOCX, into DIR/NAME/.
 *
 * Fonts, forms templates and rubrics are loaded once per run and shared by
 * every dossier (the library's context, fivestar.h); the work on each
 * dossier is the library's batch (fs_lib_batch_add, fs_lib_batch_commit).
 * A dossier with errors gets nothing written (exit 1) and does not stop
 * the others.  Every file is rendered to memory first and then written beside
 * its final name and renamed into place, so a failed run never leaves a
 * half-written form or replaces a good one.
 *
 * Dossiers are rendered GROUP at a time: their files are written as
 * temporaries, made durable in one pass and renamed into place dossier by
 * dossier (the library's batch), and only then is anything said of them.
 * Many dossiers are rendered by --jobs worker processes (default: one per
 * processor), forked once the fonts are loaded so that they share them.
 * Worker W takes dossiers W, W + JOBS, …; for each it sends the parent a
 * record over a pipe: its index, outcome, and what it would have printed.
 * The parent prints the records in the order of the command line, so the
 * output is the same as with one process, and draws the progress line.
 */
#define _GNU_SOURCE
#include "fs-cli.h"
#include "fs-summary.h"
#include "fs-cn.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_JOBS 16

/* What to write. */
typedef struct render_opts {
    unsigned formats;           /* 1 << FS_FORMAT_PDF | 1 << FS_FORMAT_DOCX */
    fs_render_options ro;       /* PDF/A, Office fonts                     */
    char **names;               /* each dossier's folder (fs_names_folders) */
} render_opts;

/* ------------------------------------------------------------------------
 * Groups of dossiers, and the records workers send.
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

/* Dossiers are committed in groups of this many: their files are made
 * durable in one pass (fs_lib_batch_commit) before any is renamed, and
 * what is said of them is said then. */
#define GROUP 16

/* A dossier of a group, until the group is committed. */
typedef struct pending {
    size_t index;               /* in the command line                    */
    fs_error err;               /* FS_OK while it is in the batch         */
    size_t set;                 /* its place in the batch, once added     */
    int added;
    fs_diags diags;
} pending;

/* Loads and checks dossier FILE and adds its forms to batch B, into
 * OUTDIR/NAME/ (P says where it went and how). */
static void stage_one(fs_lib *lib, fs_lib_batch *b, const char *file,
                      const char *name, const char *outdir,
                      const render_opts *o, pending *p)
{
    fs_dossier *d = fs_lib_load(lib, file, &p->diags, &p->err);
    char *dir;

    if (!d)
        return;
    dir = fs_printf("%s/%s", outdir, name);
    p->set = fs_lib_batch_count(b);
    p->added = 1;
    p->err = fs_lib_batch_add(lib, b, d, dir, o->formats, &o->ro, &p->diags);
    free(dir);
    fs_dossier_free(d);
}

/* The line `render` prints for dossier P once its forms are in place
 * (malloc'd), or NULL when it failed. */
static char *done_line(const fs_cli_args *a, const char *outdir,
                       const render_opts *o, const pending *p)
{
    if (p->err != FS_OK)
        return NULL;
    return fs_printf("%s → %s/%s/\n", a->files[p->index], outdir, o->names[p->index]);
}

/* What is done with a dossier of a committed group (or a failed one):
 * its outcome P->err, its diagnostics P->diags (which it may clear). */
typedef void emit_fn(void *ctx, pending *p);

/* Renders the dossiers FIRST, FIRST + STEP, … of A, GROUP of them at a
 * time: each group's files are written as temporaries, made durable in
 * one pass and renamed into place dossier by dossier (the library's
 * batch), then EMIT is called for each dossier of the group, in order.
 * PR (NULL: none) shows which dossier is being rendered.  After SIGINT or
 * SIGTERM it stops: a group whose commit had not begun is removed and not
 * emitted; one committed is emitted whole. */
static void render_groups(fs_lib *lib, fs_progress *pr, const fs_cli_args *a,
                          const char *outdir, const render_opts *o, size_t first,
                          size_t step, emit_fn *emit, void *ctx)
{
    pending group[GROUP];
    size_t i = first;

    while (i < a->nfiles && !fs_signal_caught()) {
        fs_lib_batch *b = fs_lib_batch_new();
        size_t n = 0;
        int committed;

        for (; n < GROUP && i < a->nfiles && !fs_signal_caught(); n++, i += step) {
            memset(&group[n], 0, sizeof group[n]);
            group[n].index = i;
            if (pr)
                fs_progress_show(pr, i + 1, a->nfiles, a->files[i]);
            stage_one(lib, b, a->files[i], o->names[i], outdir, o, &group[n]);
        }
        /* Once the commit has begun, its dossiers are in place and said
         * so, even when a signal comes during it. */
        committed = !fs_signal_caught();
        if (committed)
            fs_lib_batch_commit(b);
        for (size_t k = 0; k < n; k++) {
            pending *p = &group[k];

            if (p->added)
                p->err = fs_lib_batch_result(b, p->set);
            if (committed)
                emit(ctx, p);
            fs_diags_clear(&p->diags);
        }
        fs_lib_batch_free(b);
    }
}

/* ------------------------------------------------------------------------
 * One process.
 * ---------------------------------------------------------------------- */

/* What render_one_process prints with. */
typedef struct print_ctx {
    const fs_cli_args *a;
    const char *outdir;
    const render_opts *o;
    fs_progress *pr;
    fs_summary *sum;
    int status;
} print_ctx;

/* An emit_fn: prints dossier P's line and diagnostics below the progress
 * line, and counts it in the summary and the exit status. */
static void print_dossier(void *ctx, pending *p)
{
    print_ctx *c = ctx;
    char *line = done_line(c->a, c->outdir, c->o, p);

    if (line) {
        fs_progress_clear(c->pr);
        fputs(line, stdout);
        free(line);
    }
    fs_summary_add(c->sum, c->a->files[p->index], p->err, p->diags.warnings);
    fs_progress_report(c->pr, &p->diags);
    c->status = fs_cli_worst(c->status, p->err);
}

/* Renders A's dossiers in this process.  Returns the exit status. */
static int render_one_process(fs_lib *lib, fs_progress *pr, const fs_cli_args *a,
                              const char *outdir, const render_opts *o, fs_summary *sum)
{
    print_ctx c = {a, outdir, o, pr, sum, 0};

    render_groups(lib, pr, a, outdir, o, 0, 1, print_dossier, &c);
    return c.status;
}

/* ------------------------------------------------------------------------
 * Workers.
 * ---------------------------------------------------------------------- */

/* What a worker sends its records with. */
typedef struct send_ctx {
    const fs_cli_args *a;
    const char *outdir;
    const render_opts *o;
    int fd;
    int status;
} send_ctx;

/* An emit_fn: sends the parent the record of dossier P on the pipe: its
 * index, outcome, the line `render` prints for it and its diagnostics. */
static void send_record(void *ctx, pending *p)
{
    send_ctx *c = ctx;
    char *out = done_line(c->a, c->outdir, c->o, p), *errs = NULL;
    size_t nout = out ? strlen(out) : 0, nerr = 0;
    FILE *fe;
    rec_head h;

    fs_diags_sort(&p->diags);
    if (!(fe = open_memstream(&errs, &nerr)))
        _exit(3);
    fs_diags_print(&p->diags, fe);
    fclose(fe);
    memset(&h, 0, sizeof h);            /* no uninitialised padding in the pipe */
    h.index = p->index;
    h.err = p->err;
    h.nout = nout;
    h.nerr = nerr;
    if (fs_write_fd(c->fd, &h, sizeof h) < 0 || fs_write_fd(c->fd, out, nout) < 0 ||
        fs_write_fd(c->fd, errs, nerr) < 0)
        c->status = 3;
    free(out);
    free(errs);
}

/* The work of worker W of JOBS: its dossiers W, W + JOBS, …, a record
 * each on FD once its group is committed.  Never returns. */
static void worker(fs_lib *lib, const fs_cli_args *a, const char *outdir,
                   const render_opts *o, size_t w, size_t jobs, int fd)
{
    send_ctx c = {a, outdir, o, fd, 0};

    render_groups(lib, NULL, a, outdir, o, w, jobs, send_record, &c);
    close(fd);
    fs_temp_discard_all();
    _exit(fs_signal_caught() ? 128 + fs_signal_caught() : c.status);
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
static int render_parallel(fs_lib *lib, fs_progress *pr, const fs_cli_args *a, const char *outdir,
                           const render_opts *o, size_t jobs, fs_summary *sum)
{
    pid_t pids[MAX_JOBS];
    struct pollfd fds[MAX_JOBS];
    fs_buf bufs[MAX_JOBS];
    result *res;
    size_t open_pipes = 0, done = 0, next = 0, last = 0;
    int status = 0, forwarded = 0;
    pid_t parent;

    memset(bufs, 0, sizeof bufs);
    parent = getpid();
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
            /* A worker whose parent dies (killed outright) is told with
             * SIGTERM: it stops as after Ctrl-C, removing the temporaries
             * of its group, instead of rendering on for nobody. */
            prctl(PR_SET_PDEATHSIG, SIGTERM);
            if (getppid() != parent)
                raise(SIGTERM);
            for (size_t k = 0; k < w; k++)
                if (fds[k].fd >= 0)
                    close(fds[k].fd);
            close(p[0]);
            worker(lib, a, outdir, o, w, jobs, p[1]);
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
        if (fs_signal_caught() && !forwarded) {
            /* Stop the workers too (a terminal's Ctrl-C reaches them
             * already; kill -TERM reaches only this process). */
            for (size_t w = 0; w < jobs; w++)
                if (pids[w] > 0)
                    kill(pids[w], fs_signal_caught());
            forwarded = 1;
        }
        if (poll(fds, jobs, 200) < 0) {
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
            fs_progress_show(pr, done, a->nfiles, a->files[last]);
        for (; next < a->nfiles && res[next].ready; next++) {
            fs_progress_clear(pr);
            fputs(res[next].out, stdout);
            fflush(stdout);
            fputs(res[next].errs, stderr);
            status = fs_cli_worst(status, res[next].err);
            fs_summary_add_text(sum, a->files[next], res[next].err, res[next].errs);
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
    /* A worker that died (or could not start) leaves its dossiers unsaid;
     * after SIGINT or SIGTERM, fs_cli_finish says why, and what the
     * workers did write before they stopped is said here. */
    for (; next < a->nfiles; next++) {
        if (fs_signal_caught() && !res[next].ready)
            continue;
        fs_progress_clear(pr);
        if (res[next].ready) {
            fputs(res[next].out, stdout);
            fputs(res[next].errs, stderr);
            status = fs_cli_worst(status, res[next].err);
            fs_summary_add_text(sum, a->files[next], res[next].err, res[next].errs);
        } else {
            char *f = fs_cn_name_dup(a->files[next]);
            fprintf(stderr, "%s: error: 处理此档案的子进程异常退出，表格可能未生成：请重新运行（或加 --jobs 1）\n", f);
            free(f);
            status = fs_cli_worst(status, FS_E_IO);
            fs_summary_add(sum, a->files[next], FS_E_IO, 0);
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
 * never more than dossiers; *THREADS gets what is left of N per worker
 * (a single dossier on two processors is rendered on two threads).  0 for
 * a bad --jobs. */
static size_t jobs_for(const char *arg, size_t nfiles, int *threads)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    size_t jobs;
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
    jobs = (size_t)n < nfiles ? (size_t)n : nfiles;
    *threads = jobs ? (int)((size_t)n / jobs) : 1;
    return jobs;
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
    fs_lib *lib = NULL;
    fs_lib_options lo = {1, 0, 1, NULL};
    fs_progress pr;
    fs_diags diags = {0};
    fs_summary sum = {0};
    render_opts o = {1u << FS_FORMAT_PDF | 1u << FS_FORMAT_DOCX, {FS_FORMAT_PDF, 0, 0}, NULL};
    const char *outdir, *format;
    fs_error err;
    int status = 2;
    size_t jobs;

    if (fs_cli_parse(argc, argv, spec, &a) < 0)
        return 2;
    outdir = a.opt[0] ? a.opt[0] : "out";
    format = a.opt[1] ? a.opt[1] : "all";
    o.ro.office_fonts = a.opt[2] != NULL;
    o.ro.pdfa = lo.pdfa = a.opt[3] != NULL;
    fs_progress_init(&pr, "生成");
    if (a.nfiles == 0) {
        fprintf(stderr, "fivestar render: error: 请给出档案文件\n");
        goto done;
    }
    if (!(jobs = jobs_for(a.opt[4], a.nfiles, &lo.threads))) {
        fprintf(stderr, "fivestar render: error: --jobs 应为 1 到 %d 的整数\n", MAX_JOBS);
        goto done;
    }
    if (strcmp(format, "pdf") == 0)
        o.formats = 1u << FS_FORMAT_PDF;
    else if (strcmp(format, "docx") == 0)
        o.formats = 1u << FS_FORMAT_DOCX;
    else if (strcmp(format, "all") != 0) {
        fprintf(stderr, "fivestar render: error: --format 应为 pdf、docx 或 all\n");
        goto done;
    }

    /* Every dossier's folder is settled before anything is written. */
    o.names = fs_names_folders(a.files, a.nfiles, 0, &diags, &err);
    fs_progress_report(&pr, &diags);
    status = 0;
    if (fs_lib_make_dir(outdir) < 0) {
        fs_cn_error(outdir, "无法创建输出文件夹：%s", fs_errno_cn(errno));
        status = 3;
        goto done;
    }
    /* With a processor to spare, the fonts load while the first dossier's
     * templates do. */
    if (jobs * (size_t)lo.threads > 1)
        lo.first = a.files[0];
    if (!(lib = fs_cli_lib(&lo, &status)))
        goto done;
    if (jobs > 1) {
        status = render_parallel(lib, &pr, &a, outdir, &o, jobs, &sum);
        goto done;
    }
    status = render_one_process(lib, &pr, &a, outdir, &o, &sum);
done:
    fs_progress_clear(&pr);
    fs_summary_finish(&sum, stderr);
    fs_names_free(o.names, a.nfiles);
    fs_lib_free(lib);
    fs_diags_clear(&diags);
    fs_cli_args_free(&a);
    return status;
}
