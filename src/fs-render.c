/*
 * fs-render.c - the render subcommand: each dossier's 评定标准 and 申报表,
 * as PDF and DOCX, into DIR/NAME/.
 *
 * Fonts, forms templates and rubrics are loaded once per run and shared by
 * every dossier (fs-batch.c), which also draws the progress line.  A dossier with errors gets nothing written (exit 1) and
 * does not stop the others.  Every file is rendered to memory first and
 * then written beside its final name and renamed into place, so a failed
 * run never leaves a half-written form or replaces a good one.
 */
#define _GNU_SOURCE
#include "fs-batch.h"
#include "fs-cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
 * OUTDIR/NAME/. */
static fs_error render_one(fs_batch *b, const char *file, const char *outdir,
                           const render_opts *o, fs_diags *diags)
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
        printf("%s → %s/\n", file, dir);
    }
done:
    fs_doc_free(docs[0]);
    fs_doc_free(docs[1]);
    fs_dossier_free(d);
    free(name);
    free(dir);
    return err;
}

/* fivestar render FILE... [-o DIR] [--format pdf|docx|all]
 * [--office-fonts] [--pdfa]: every dossier's forms, one folder each.  The
 * fonts, rubrics and templates are loaded once; a dossier that fails does
 * not stop the others, and the exit status is the worst outcome. */
int fs_cmd_render(int argc, char **argv)
{
    static const char *const spec[] = {"-o=", "--format=", "--office-fonts", "--pdfa", NULL};
    fs_cli_args a;
    fs_batch *b = NULL;
    fs_batch_options bo = {1, 0, {0}, "生成"};
    fs_diags diags = {0};
    render_opts o = {1, 1};
    const char *outdir, *format;
    fs_error err;
    int status = 2;

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
    for (size_t i = 0; i < a.nfiles; i++) {
        fs_batch_progress(b, i + 1, a.nfiles, a.files[i]);
        err = render_one(b, a.files[i], outdir, &o, &diags);
        fs_batch_report(b, &diags);
        status = fs_cli_worst(status, err);
    }
done:
    fs_batch_free(b);
    fs_diags_clear(&diags);
    fs_cli_args_free(&a);
    return status;
}
