/*
 * fs-statscmd.c - fivestar stats FILE... -o OUT.pdf|OUT.docx: the 统计表
 * (附件3) of many dossiers, built by the library (fs_stats_build).
 *
 * Every dossier is checked first and its problems printed.  An invalid
 * dossier stops the run (exit 1, nothing written) unless --skip-invalid,
 * which leaves it out, says so, and still exits 1.  The table is rendered
 * in memory and written whole or not at all.
 */
#define _GNU_SOURCE
#include "fs-cli.h"
#include "fs-summary.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Is PATH's extension EXT (".pdf", ".docx"), in any case? */
static int has_ext(const char *path, const char *ext)
{
    size_t n = strlen(path), k = strlen(ext);

    return n > k && strcasecmp(path + n - k, ext) == 0;
}

/* fivestar stats FILE... -o OUT.pdf|OUT.docx [--skip-invalid] [--pdfa]
 * [--office-fonts]. */
int fs_cmd_stats(int argc, char **argv)
{
    static const char *const spec[] = {"-o=", "--skip-invalid", "--pdfa", "--office-fonts", NULL};
    fs_cli_args a;
    fs_lib_options lo = {1, 0, 1, NULL};
    fs_render_options ro = {FS_FORMAT_PDF, 0, 0};
    fs_lib *lib = NULL;
    fs_progress pr;
    fs_diags diags = {0};
    fs_summary sum = {0};
    fs_dossier **ds = NULL;
    size_t n = 0;
    fs_doc *doc = NULL;
    const char *out;
    int status = 2, skip;
    fs_error err;

    if (fs_cli_parse(argc, argv, spec, &a) < 0)
        return 2;
    fs_progress_init(&pr, "统计");
    out = a.opt[0];
    skip = a.opt[1] != NULL;
    ro.pdfa = lo.pdfa = a.opt[2] != NULL;
    ro.office_fonts = a.opt[3] != NULL;
    if (!a.nfiles) {
        fprintf(stderr, "fivestar stats: error: 请给出档案文件\n");
        goto done;
    }
    if (!out || !(has_ext(out, ".pdf") || has_ext(out, ".docx"))) {
        fprintf(stderr, "fivestar stats: error: 请用 -o 给出输出文件，扩展名为 .pdf 或 .docx\n");
        goto done;
    }
    if (has_ext(out, ".docx"))
        ro.format = FS_FORMAT_DOCX;
    status = 0;
    if (!(lib = fs_cli_lib(&lo, &status)))
        goto done;
    ds = fs_xcalloc(a.nfiles, sizeof *ds);
    for (size_t i = 0; i < a.nfiles; i++) {
        if (fs_signal_caught())
            goto done;
        fs_progress_show(&pr, i + 1, a.nfiles, a.files[i]);
        ds[n] = fs_lib_load(lib, a.files[i], &diags, &err);
        if (ds[n])
            n++;
        else if (skip)
            fs_diags_add(&diags, a.files[i], 0, FS_WARNING, "此档案未列入统计表（--skip-invalid）");
        fs_summary_add(&sum, a.files[i], err, diags.warnings);
        fs_progress_report(&pr, &diags);
        status = fs_cli_worst(status, err);
    }
    fs_progress_clear(&pr);
    if (status && !skip) {
        fprintf(stderr, "fivestar stats: error: 有档案未通过检查，未生成统计表（加 --skip-invalid 可略去这些档案）\n");
        goto done;
    }
    if (!n) {
        fprintf(stderr, "fivestar stats: error: 没有可列入统计表的档案，未生成 %s\n", out);
        status = fs_cli_worst(status, FS_E_INVALID);
        goto done;
    }
    doc = fs_stats_build(lib, (const fs_dossier *const *)ds, n, out, &diags, &err);
    if (doc)
        err = fs_lib_write(lib, doc, &ro, out, &diags);
    fs_progress_report(&pr, &diags);
    status = fs_cli_worst(status, err);
    if (err == FS_OK)
        printf("统计表（%zu 个党组织）→ %s\n", n, out);
done:
    fs_summary_finish(&sum, stderr);
    fs_doc_free(doc);
    for (size_t i = 0; i < n; i++)
        fs_dossier_free(ds[i]);
    free(ds);
    fs_lib_free(lib);
    fs_diags_clear(&diags);
    fs_cli_args_free(&a);
    return status;
}
