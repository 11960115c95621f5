/*
 * fs-render.c - the render subcommand: each dossier's 评定标准 and 申报表,
 * as PDF and DOCX, into DIR/NAME/.
 *
 * Fonts, forms templates and rubrics are loaded once per run and shared by
 * every dossier.  A dossier with errors gets nothing written (exit 1) and
 * does not stop the others.  Every file is rendered to memory first and
 * then written beside its final name and renamed into place, so a failed
 * run never leaves a half-written form or replaces a good one.
 */
#define _GNU_SOURCE
#include "fs-cli.h"
#include "fs-docx.h"
#include "fs-form.h"
#include "fs-pdf.h"

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

/* The forms template for rubric R: templates/forms/ID.xml, found by
 * comparing names (the id is data, never pasted into a path unchecked). */
static char *forms_path(const fs_rubric *r)
{
    char *p;

    if (!fs_rubric_id_ok(r->id))
        return NULL;
    p = fs_templates_path("forms");
    char *full = fs_printf("%s/%s.xml", p, r->id);
    free(p);
    return full;
}

/* The output folder of dossier PATH: DIR/NAME with NAME its file name less
 * ".xml".  PATH is the user's own argument, not dossier content. */
static char *output_dir(const char *dir, const char *path)
{
    const char *base = strrchr(path, '/');
    size_t n;

    base = base ? base + 1 : path;
    n = strlen(base);
    if (n > 4 && strcmp(base + n - 4, ".xml") == 0)
        n -= 4;
    return fs_printf("%s/%.*s", dir, (int)n, base);
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

/* A loaded forms template per rubric, for the run. */
typedef struct forms_cache {
    const fs_rubric *rubric[8];
    fs_forms *forms[8];
    size_t n;
} forms_cache;

static fs_forms *forms_for(forms_cache *fc, const fs_rubric *r,
                           fs_diags *diags, fs_error *err)
{
    char *path;
    fs_forms *f;

    for (size_t i = 0; i < fc->n; i++)
        if (fc->rubric[i] == r) {
            *err = fc->forms[i] ? FS_OK : FS_E_TEMPLATE;
            return fc->forms[i];
        }
    path = forms_path(r);
    f = path ? fs_forms_load(path, diags, err) : NULL;
    if (!path)
        *err = FS_E_TEMPLATE;
    free(path);
    if (fc->n < sizeof fc->forms / sizeof *fc->forms) {
        fc->rubric[fc->n] = r;
        fc->forms[fc->n++] = f;
    }
    return f;
}

/* What to write. */
typedef struct render_opts {
    int pdf, docx;
    fs_docx_options docx_opt;
} render_opts;

/* Renders DOC as PDF or DOCX (by the extension of NAME) and writes it to
 * DIR/NAME whole or not at all.  Returns FS_OK or an error after a
 * diagnostic naming the file. */
static fs_error write_form(const fs_doc *doc, const fs_fontset *fonts,
                           const render_opts *o, const char *dir,
                           const char *name, fs_diags *diags)
{
    unsigned char *data = NULL;
    size_t len = 0;
    char *path = fs_printf("%s/%s", dir, name);
    size_t n = strlen(name);
    int docx = n > 5 && strcmp(name + n - 5, ".docx") == 0;
    fs_error err = docx ? fs_docx_render(doc, fonts, &o->docx_opt, diags, &data, &len)
                        : fs_pdf_render(doc, fonts, diags, &data, &len);

    if (err == FS_OK && fs_write_atomic(path, data, len) != FS_OK) {
        fs_diags_add(diags, path, 0, FS_ERROR, "无法写入：%s", strerror(errno));
        err = FS_E_IO;
    } else if (err != FS_OK) {
        fs_diags_add(diags, path, 0, FS_ERROR, "生成失败：%s", fs_strerror(err));
    }
    free(data);
    free(path);
    return err;
}

/* Loads, checks, builds and writes the forms of one dossier. */
static fs_error render_one(const char *file, const char *outdir,
                           const render_opts *o, fs_rubric_cache *cache,
                           forms_cache *fc, const fs_fontset *fonts,
                           fs_diags *diags)
{
    static const char *const names[2][2] = {
        {"评定标准.pdf", "申报表.pdf"}, {"评定标准.docx", "申报表.docx"},
    };
    const fs_rubric *r;
    fs_error err;
    fs_dossier *d = fs_dossier_load(file, cache, &r, diags, &err);
    fs_forms *forms;
    fs_doc *docs[2] = {NULL, NULL};
    char *dir = NULL;
    fs_result_sheet s;

    if (!d)
        goto done;
    forms = forms_for(fc, r, diags, &err);
    if (!forms)
        goto done;
    fs_score_dossier(d, r, &s);
    docs[0] = fs_form_scoresheet(forms, r, d, &s);
    docs[1] = fs_form_application(forms, r, d, &s);
    dir = output_dir(outdir, file);
    if (make_dir(dir) < 0) {
        fs_diags_add(diags, dir, 0, FS_ERROR, "无法创建文件夹：%s", strerror(errno));
        err = FS_E_IO;
        goto done;
    }
    for (int kind = 0; kind < 2 && err == FS_OK; kind++) {
        if (!(kind ? o->docx : o->pdf))
            continue;
        for (int k = 0; k < 2 && err == FS_OK; k++)
            err = write_form(docs[k], fonts, o, dir, names[kind][k], diags);
    }
    if (err == FS_OK)
        printf("%s → %s/\n", file, dir);
done:
    fs_doc_free(docs[0]);
    fs_doc_free(docs[1]);
    fs_dossier_free(d);
    free(dir);
    return err;
}

int fs_cmd_render(int argc, char **argv)
{
    static const char *const spec[] = {"-o=", "--format=", "--office-fonts", NULL};
    fs_cli_args a;
    fs_rubric_cache *cache = NULL;
    forms_cache fc = {{0}, {0}, 0};
    fs_fontset *fonts = NULL;
    fs_diags diags = {0};
    render_opts o = {1, 1, {0}};
    const char *outdir, *format;
    char *conf = NULL;
    fs_error err;
    int status = 2;

    if (fs_cli_parse(argc, argv, spec, &a) < 0)
        return 2;
    outdir = a.opt[0] ? a.opt[0] : "out";
    format = a.opt[1] ? a.opt[1] : "all";
    o.docx_opt.office_fonts = a.opt[2] != NULL;
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
    conf = fs_fonts_conf_path();
    fonts = fs_fontset_load(conf, &diags, &err);
    if (!fonts) {
        fs_diags_print(&diags, stderr);
        status = fs_exit_status(err);
        goto done;
    }
    fs_diags_print(&diags, stderr);
    fs_diags_clear(&diags);
    cache = fs_rubric_cache_new();
    for (size_t i = 0; i < a.nfiles; i++) {
        err = render_one(a.files[i], outdir, &o, cache, &fc, fonts, &diags);
        fs_diags_sort(&diags);
        fs_diags_print(&diags, stderr);
        fs_diags_clear(&diags);
        status = fs_cli_worst(status, err);
    }
done:
    for (size_t i = 0; i < fc.n; i++)
        fs_forms_free(fc.forms[i]);
    fs_rubric_cache_free(cache);
    fs_fontset_free(fonts);
    fs_diags_clear(&diags);
    free(conf);
    fs_cli_args_free(&a);
    return status;
}
