/*
 * fs-cli.c - the subcommands validate, score and new (render is in
 * fs-render.c).  Each takes argv with argv[0] the command's name and
 * returns the exit status of cli.md.
 */
#define _GNU_SOURCE
#include "fs-cli.h"
#include "fs-evidence.h"
#include "fs-summary.h"
#include "fs-cn.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ------------------------------------------------------------------------
 * Arguments.
 * ---------------------------------------------------------------------- */

/* Splits ARGV into files and the options of SPEC ("--json", "-o=", …: a
 * trailing '=' takes a value).  Returns 0, or prints a usage error and
 * returns -1. */
int fs_cli_parse(int argc, char **argv, const char *const *spec,
                 fs_cli_args *a)
{
    memset(a, 0, sizeof *a);
    a->files = fs_xcalloc((size_t)argc, sizeof *a->files);
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        int matched = 0;

        if (arg[0] != '-' || strcmp(arg, "-") == 0) {
            a->files[a->nfiles++] = arg;
            continue;
        }
        if (strcmp(arg, "--") == 0) {
            while (++i < argc)
                a->files[a->nfiles++] = argv[i];
            break;
        }
        for (size_t k = 0; k < FS_CLI_MAXOPT && spec[k]; k++) {
            size_t n = strlen(spec[k]);
            int takes = spec[k][n - 1] == '=';
            if (strncmp(arg, spec[k], n - (size_t)takes) != 0 || arg[n - (size_t)takes] != '\0')
                continue;
            matched = 1;
            if (!takes) {
                a->opt[k] = "";
            } else if (i + 1 < argc) {
                a->opt[k] = argv[++i];
            } else {
                fprintf(stderr, "fivestar %s: error: 选项 %s 需要一个参数\n", argv[0], arg);
                goto fail;
            }
        }
        if (!matched) {
            fprintf(stderr, "fivestar %s: error: 未知选项“%s”（fivestar %s --help）\n",
                    argv[0], arg, argv[0]);
            goto fail;
        }
    }
    return 0;
fail:
    free(a->files);
    a->files = NULL;
    return -1;
}

void fs_cli_args_free(fs_cli_args *a)
{
    free(a->files);
    a->files = NULL;
}

/* ------------------------------------------------------------------------
 * validate and score.
 * ---------------------------------------------------------------------- */

/* Folds the outcome of one file into the run's status: I/O and template
 * failures (3) outrank input errors (1). */
int fs_cli_worst(int status, fs_error err)
{
    int s = fs_exit_status(err);
    return s > status ? s : status;
}

/* Loads each of the N dossiers FILES in turn, checks its evidence files
 * when EVIDENCE is non-zero (validate), prints its problems in line order
 * and, when it is valid, hands it to EACH with its rubric and CTX.
 * Rubrics are loaded once for the run.  Returns the exit status of the
 * worst outcome. */
static int each_dossier(const char **files, size_t n, int evidence,
                        void (*each)(const fs_dossier *, const fs_rubric *,
                                     const fs_diags *, void *),
                        void *ctx)
{
    fs_diags diags = {0};
    fs_error err;
    fs_lib *lib = fs_lib_new(NULL, &diags, &err);
    fs_summary sum = {0};
    int status = 0;

    for (size_t i = 0; lib && i < n && !fs_signal_caught(); i++) {
        fs_dossier *d = fs_lib_load(lib, files[i], &diags, &err);

        if (d && evidence)
            fs_dossier_check_evidence(d, &diags);
        fs_diags_sort(&diags);
        fs_diags_print(&diags, stderr);
        if (d)
            each(d, d->rubric, &diags, ctx);
        status = fs_cli_worst(status, err);
        fs_summary_add(&sum, files[i], err, diags.warnings);
        fs_dossier_free(d);
        fs_diags_clear(&diags);
    }
    fs_lib_free(lib);
    fs_summary_finish(&sum, stderr);
    return status;
}

/* Parses ARGV with SPEC into A and insists on at least one file. */
static int files_args(int argc, char **argv, const char *const *spec,
                      fs_cli_args *a)
{
    if (fs_cli_parse(argc, argv, spec, a) < 0)
        return -1;
    if (a->nfiles == 0) {
        fprintf(stderr, "fivestar %s: error: 请给出档案文件\n", argv[0]);
        fs_cli_args_free(a);
        return -1;
    }
    return 0;
}

static void validate_one(const fs_dossier *d, const fs_rubric *r,
                         const fs_diags *diags, void *ctx)
{
    (void)r, (void)ctx;
    char *name = fs_cn_name_dup(d->path);

    printf("%s: 通过检查%s\n", name, diags->warnings ? "（有警告）" : "");
    free(name);
}

int fs_cmd_validate(int argc, char **argv)
{
    static const char *const spec[] = {NULL};
    fs_cli_args a;
    int status;

    if (files_args(argc, argv, spec, &a) < 0)
        return 2;
    status = each_dossier(a.files, a.nfiles, 1, validate_one, NULL);
    fs_cli_args_free(&a);
    return status;
}

/* The human-readable form of the same figures. */
static void score_text(FILE *out, const fs_dossier *d, const fs_rubric *r,
                       const fs_result_sheet *s)
{
    char a[24], b[24], c[24];
    const fs_threshold *th = fs_rubric_threshold(r, s->star);

    fprintf(out, "%s\n  %s（%d年度，评定标准 %s）\n", d->path, d->name.s, d->year, r->id);
    for (size_t i = 0; i < r->nsections; i++)
        fprintf(out, "  %s  %s / %s\n", r->sections[i].label,
                fs_tenths_format(s->section[i], a, sizeof a),
                fs_tenths_format(r->sections[i].max, b, sizeof b));
    fprintf(out, "  合计  %s / %s\n", fs_tenths_format(s->total, a, sizeof a),
            fs_tenths_format(s->max, b, sizeof b));
    if (!th)
        fprintf(out, "  结论：评定标准没有 %d 星的分数线\n", s->star);
    else if (s->qualified)
        fprintf(out, "  结论：达到“%s”标准（%s分）\n", th->name,
                fs_tenths_format(th->min, c, sizeof c));
    else
        fprintf(out, "  结论：未达到“%s”标准（%s分），尚差 %s 分\n", th->name,
                fs_tenths_format(th->min, c, sizeof c),
                fs_tenths_format(th->min - s->total, a, sizeof a));
}

static void score_one(const fs_dossier *d, const fs_rubric *r,
                      const fs_diags *diags, void *ctx)
{
    fs_result_sheet s;
    char *json;

    (void)diags;
    if (*(const int *)ctx) {
        json = fs_json_score(d);
        fputs(json, stdout);
        free(json);
    } else {
        fs_score_dossier(d, r, &s);
        score_text(stdout, d, r, &s);
    }
}

int fs_cmd_score(int argc, char **argv)
{
    static const char *const spec[] = {"--json", NULL};
    fs_cli_args a;
    int json, status;

    if (files_args(argc, argv, spec, &a) < 0)
        return 2;
    json = a.opt[0] != NULL;
    status = each_dossier(a.files, a.nfiles, 0, score_one, &json);
    fs_cli_args_free(&a);
    return status;
}

/* ------------------------------------------------------------------------
 * new.
 * ---------------------------------------------------------------------- */

int fs_cmd_new(int argc, char **argv)
{
    static const char *const spec[] = {"-o=", "--rubric=", "--year=", "--force", NULL};
    fs_cli_args a;
    fs_lib *lib = NULL;
    fs_diags diags = {0};
    fs_error err;
    char *text = NULL;
    int status = 2, year;
    time_t now = time(NULL);
    struct tm tm;

    if (fs_cli_parse(argc, argv, spec, &a) < 0)
        return 2;
    if (a.nfiles) {
        fprintf(stderr, "fivestar new: error: 多余的参数“%s”\n", a.files[0]);
        goto done;
    }
    gmtime_r(&now, &tm);
    year = tm.tm_year + 1900;
    if (a.opt[2]) {
        char *end;
        long y = strtol(a.opt[2], &end, 10);
        if (*end || y < 1900 || y > 2999) {
            fprintf(stderr, "fivestar new: error: --year 应为四位数字的年份\n");
            goto done;
        }
        year = (int)y;
    }
    lib = fs_lib_new(NULL, &diags, &err);
    text = lib ? fs_blank_dossier(lib, a.opt[1], year, &diags, &err) : NULL;
    fs_diags_print(&diags, stderr);
    if (!text) {
        status = err == FS_E_INVALID ? 2 : fs_exit_status(err);
        goto done;
    }
    if (!a.opt[0]) {
        fputs(text, stdout);
        status = 0;
    } else if (!a.opt[3] && access(a.opt[0], F_OK) == 0) {
        fs_cn_error(a.opt[0], "文件已存在，未覆盖（确需覆盖请加 --force）");
        status = 3;
    } else if (fs_write_atomic(a.opt[0], text, strlen(text)) != FS_OK) {
        fs_cn_error(a.opt[0], "无法写入：%s", fs_errno_cn(errno));
        status = 3;
    } else {
        status = 0;
    }
done:
    free(text);
    fs_diags_clear(&diags);
    fs_lib_free(lib);
    fs_cli_args_free(&a);
    return status;
}

/* The library context of a command with options O, what went wrong
 * making it (fonts, PDF/A profile) printed on standard error.  NULL with
 * *STATUS the exit status when it could not be made. */
fs_lib *fs_cli_lib(const fs_lib_options *o, int *status)
{
    fs_diags diags = {0};
    fs_error err;
    fs_lib *lib = fs_lib_new(o, &diags, &err);

    fs_diags_print(&diags, stderr);
    fs_diags_clear(&diags);
    if (!lib)
        *status = fs_exit_status(err);
    return lib;
}

/* Ends a command: flushes standard output and turns a failed write (a full
 * disk, /dev/full, an I/O error) into exit status 3 with a message, so
 * that a report which never reached its file cannot pass for success.
 * A run stopped by SIGINT or SIGTERM removes the temporaries it made,
 * says so and exits 130 or 143.  Returns the exit status. */
int fs_cli_finish(int status)
{
    int failed = fflush(stdout) != 0;
    int saved = errno;
    int sig = fs_signal_caught();

    if (sig) {
        fs_temp_discard_all();
        fprintf(stderr, "fivestar: error: 已中断（收到 %s）：已删除本次运行的临时文件，"
                        "未处理完的档案没有写入任何新文件\n",
                sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "信号");
        return 128 + sig;
    }
    if (ferror(stdout) || failed) {
        fprintf(stderr, "fivestar: error: 无法写入标准输出：%s\n",
                failed ? fs_errno_cn(saved) : "部分内容未能写入");
        return fs_cli_worst(status, FS_E_IO);
    }
    return status;
}
