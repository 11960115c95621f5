/*
 * fs-archivecmd.c - the archive subcommand (cli.md):
 *
 *   fivestar archive FILE... -o OUT.zip [--date YYYY-MM-DD] [--skip-invalid]
 *   fivestar archive --verify OUT.zip
 *
 * Arguments and printing only: the archive is written by the library's
 * fs_archive_write and checked by fs_archive_verify (src/lib/).
 */
#define _GNU_SOURCE
#include "fs-cli.h"
#include "fs-summary.h"

#include <stdlib.h>
#include <string.h>

/* The report function of archive: the progress line's, after noting
 * which dossiers the diagnostics are about (for the closing line). */
typedef struct report_ctx {
    fs_progress *pr;
    fs_tally *tally;
} report_ctx;

static void report(void *ctx, fs_diags *diags)
{
    report_ctx *rc = ctx;

    fs_tally_diags(rc->tally, diags);
    fs_progress_report(rc->pr, diags);
}

/* fivestar archive FILE... -o OUT.zip [--date YYYY-MM-DD] [--skip-invalid]:
 * writes the archive, printing each dossier's problems as they come and,
 * once written, what it holds and its manifest's SHA-256. */
static int archive_write(const fs_cli_args *args)
{
    fs_lib_options lo = {1, 1, 1, NULL};
    fs_archive_options o;
    fs_archive_summary sum;
    fs_progress pr;
    fs_diags diags = {0};
    fs_lib *lib;
    fs_error err;
    int st;
    fs_tally tally;
    fs_summary total = {0};
    report_ctx rc = {&pr, &tally};

    memset(&o, 0, sizeof o);
    o.skip_invalid = args->opt[3] != NULL;
    if (args->opt[2] && fs_date_parse(args->opt[2], &o.date) < 0) {
        fprintf(stderr, "fivestar archive: error: --date 应为 YYYY-MM-DD 形式的日期\n");
        return 2;
    }
    if (!(lib = fs_cli_lib(&lo, &st)))
        return st;
    fs_progress_init(&pr, "归档");
    fs_lib_set_progress(lib, fs_progress_show, &pr);
    fs_tally_init(&tally, (const char *const *)args->files, args->nfiles);
    fs_lib_set_report(lib, report, &rc);
    err = fs_archive_write(lib, (const char *const *)args->files, args->nfiles, args->opt[0],
                           &o, &sum, &diags);
    report(&rc, &diags);
    fs_progress_clear(&pr);
    if (sum.written)
        printf("档案包（%zu 份档案，%zu 个成员，日期 %04d-%02d-%02d）→ %s\n"
               "清单 manifest.json 的 SHA-256：%s（请另行记录，核验时对照）\n", sum.dossiers,
               sum.members, sum.date.y, sum.date.m, sum.date.d, args->opt[0], sum.manifest_sha256);
    fs_tally_finish(&tally, &total);
    fs_summary_finish(&total, stderr);
    fs_lib_free(lib);
    return fs_cli_worst(0, err);
}

/* fivestar archive --verify ARCHIVE: the library's verdict, printed. */
static int archive_verify(const char *path)
{
    fs_diags diags = {0};
    fs_archive_info info;
    fs_error err = fs_archive_verify(path, &info, &diags);

    if (err == FS_OK) {
        printf("%s: 核验通过：%zu 个成员的大小和 SHA-256 与清单一致（fivestar %s，日期 %s，评定标准",
               path, info.members, info.version, info.date);
        for (size_t k = 0; k < info.nrubrics; k++)
            printf("%s%s", k ? "、" : " ", info.rubrics[k]);
        printf("）\n清单 manifest.json 的 SHA-256：%s（应与生成时记录的一致）\n",
               info.manifest_sha256);
    }
    fs_diags_print(&diags, stderr);
    fs_diags_clear(&diags);
    fs_archive_info_clear(&info);
    return fs_cli_worst(0, err);
}

/* fivestar archive FILE... -o OUT.zip [--date D] [--skip-invalid] |
 * fivestar archive --verify ARCHIVE.zip. */
int fs_cmd_archive(int argc, char **argv)
{
    static const char *const spec[] = {"-o=", "--verify", "--date=", "--skip-invalid", NULL};
    fs_cli_args a;
    int status = 2;

    if (fs_cli_parse(argc, argv, spec, &a) < 0)
        return 2;
    if (a.opt[1]) {
        if (a.nfiles != 1 || a.opt[0] || a.opt[2] || a.opt[3])
            fprintf(stderr, "fivestar archive: error: 用法：fivestar archive --verify ARCHIVE.zip\n");
        else
            status = archive_verify(a.files[0]);
    } else if (!a.nfiles) {
        fprintf(stderr, "fivestar archive: error: 请给出档案文件\n");
    } else if (!a.opt[0]) {
        fprintf(stderr, "fivestar archive: error: 请用 -o 给出档案包文件名（如 2018.zip）\n");
    } else {
        status = archive_write(&a);
    }
    fs_cli_args_free(&a);
    return status;
}
