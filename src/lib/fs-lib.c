/*
 * fs-lib.c - the context of libfivestar (fivestar.h): everything loaded
 * once however many dossiers there are (rubrics, fonts, forms templates,
 * the PDF/A profile), loading dossiers through it, and rendering a built
 * form to bytes or to a file.
 */
#define _GNU_SOURCE
#include "fs-lib-private.h"
#include "fs-docx.h"
#include "fs-pdf.h"
#include "fs-pdfa.h"
#include "fs-set.h"
#include "fs-cn.h"
#include "fs-zcache.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct fs_lib {
    fs_rubric_cache *rubrics;
    fs_fontset *fonts;
    fs_error fonts_err;         /* FS_OK until a load failed               */
    fs_pdfa *pdfa;
    fs_error pdfa_err;
    /* forms templates by rubric (a failed load is cached as NULL) */
    const fs_rubric **forms_rubric;
    fs_forms **forms;
    size_t nforms;
    fs_progress_fn *progress;
    void *progress_ctx;
    char *set;                  /* the template set of forms built without
                                   a dossier (fs_lib_set_rubric), or NULL  */
    fs_report_fn *report;
    void *report_ctx;
    int threads;                /* fs_lib_options.threads, at least 1      */
};

/* The font config: $FIVESTAR_FONTS; else fonts/fonts.conf beside the
 * templates folder when there is one (a copy of the whole tree); else the
 * one beside the templates that come with the program, so that
 * FIVESTAR_TEMPLATES naming a copy of templates/ alone keeps the fonts. */
char *fs_lib_fonts_conf_path(void)
{
    const char *env = getenv("FIVESTAR_FONTS");
    char *p;
    struct stat sb;

    if (env && *env)
        return fs_strdup(env);
    p = fs_printf("%s/../fonts/fonts.conf", fs_templates_dir());
    if (stat(p, &sb) == 0 && S_ISREG(sb.st_mode))
        return p;
    free(p);
    return fs_printf("%s/../fonts/fonts.conf", fs_templates_builtin_dir());
}

/* The fontset, loaded on first use; see fs-lib-private.h. */
const fs_fontset *fs_lib_fonts(fs_lib *lib, fs_diags *diags, fs_error *err)
{
    char *conf;

    *err = lib->fonts_err;
    if (lib->fonts || lib->fonts_err) {
        if (lib->fonts_err)
            fs_diags_add(diags, "fivestar", 0, FS_ERROR, "字体不可用（见上文），无法生成");
        return lib->fonts;
    }
    conf = fs_lib_fonts_conf_path();
    lib->fonts = fs_fontset_load(conf, diags, err);
    if (!lib->fonts)
        lib->fonts_err = *err ? *err : FS_E_FONT;
    free(conf);
    return lib->fonts;
}

/* The PDF/A profile, loaded on first use. */
static const fs_pdfa *lib_pdfa(fs_lib *lib, fs_diags *diags, fs_error *err)
{
    *err = lib->pdfa_err;
    if (lib->pdfa || lib->pdfa_err) {
        if (lib->pdfa_err)
            fs_diags_add(diags, "fivestar", 0, FS_ERROR, "PDF/A 色彩配置不可用（见上文），无法生成");
        return lib->pdfa;
    }
    lib->pdfa = fs_pdfa_load(diags, err);
    if (!lib->pdfa)
        lib->pdfa_err = *err ? *err : FS_E_IO;
    return lib->pdfa;
}

/* The PDF/A profile of the context; see fs-lib-private.h. */
const fs_pdfa *fs_lib_pdfa(fs_lib *lib, fs_diags *diags, fs_error *err)
{
    return lib_pdfa(lib, diags, err);
}

/* See fs-lib-private.h. */
int fs_lib_loaded(const fs_lib *lib, int pdfa)
{
    return lib && lib->fonts && (!pdfa || lib->pdfa);
}

/* See fs-lib-private.h. */
int fs_lib_threads(const fs_lib *lib)
{
    return lib ? lib->threads : 1;
}

static char *forms_path(const fs_rubric *r);

/* The fonts of a context loading on a thread of their own: what
 * fs_lib_fonts said and returned there. */
typedef struct fonts_load {
    fs_lib *lib;
    fs_diags diags;
    fs_error err;
} fonts_load;

/* Thread body: loads the fontset of ARG's context (a fonts_load). */
static void *fonts_thread(void *arg)
{
    fonts_load *fl = arg;

    (void)fs_lib_fonts(fl->lib, &fl->diags, &fl->err);
    return NULL;
}

/* Loads the templates the dossier at PATH names (its rubric, template set
 * and forms) into LIB, whose caches are still empty: into caches of their
 * own first, which LIB takes only when nothing went wrong, so that a
 * broken template or dossier is loaded again later and its messages are
 * said where they belong.  Says nothing. */
static void preload(fs_lib *lib, const char *path)
{
    fs_rubric_cache *c = fs_rubric_cache_new();
    fs_diags quiet = {0};
    const fs_rubric *r = NULL;
    fs_forms *f = NULL;
    fs_error e;
    fs_dossier *d = fs_dossier_load(path, c, &r, &quiet, &e);
    char *fpath = d && d->rubric && quiet.errors == 0 ? forms_path(d->rubric) : NULL;

    if (fpath)
        f = fs_forms_load(fpath, &quiet, &e);
    if (f && quiet.errors == 0 && lib->nforms == 0) {
        fs_rubric_cache_free(lib->rubrics);
        lib->rubrics = c;
        c = NULL;
        lib->forms_rubric = fs_xmalloc(sizeof *lib->forms_rubric);
        lib->forms = fs_xmalloc(sizeof *lib->forms);
        lib->forms_rubric[0] = d->rubric;
        lib->forms[0] = f;
        lib->nforms = 1;
        f = NULL;
    }
    fs_forms_free(f);
    free(fpath);
    fs_dossier_free(d);
    fs_rubric_cache_free(c);
    fs_diags_clear(&quiet);
}

/* Loads the fonts of LIB on a second thread while this one preloads the
 * templates of the dossier FIRST; the fonts' messages go to DIAGS.
 * Returns the fontset, or NULL with *ERR as fs_lib_fonts. */
static const fs_fontset *fonts_beside(fs_lib *lib, const char *first,
                                      fs_diags *diags, fs_error *err)
{
    fonts_load fl = {lib, {0}, FS_OK};
    pthread_t tid;

    if (pthread_create(&tid, NULL, fonts_thread, &fl) != 0)
        return fs_lib_fonts(lib, diags, err);
    preload(lib, first);
    pthread_join(tid, NULL);
    for (size_t i = 0; i < fl.diags.n; i++)
        fs_diags_add(diags, fl.diags.v[i].file, fl.diags.v[i].line, fl.diags.v[i].severity,
                     "%s", fl.diags.v[i].message);
    fs_diags_clear(&fl.diags);
    *err = fl.err;
    return lib->fonts;
}

/* Makes a context, loading what O asks for now; see fivestar.h. */
fs_lib *fs_lib_new(const fs_lib_options *o, fs_diags *diags, fs_error *err)
{
    fs_lib *lib = fs_xcalloc(1, sizeof *lib);

    *err = FS_OK;
    lib->rubrics = fs_rubric_cache_new();
    lib->threads = o && o->threads > 1 ? o->threads : 1;
    if (lib->threads > FS_LIB_MAX_THREADS)
        lib->threads = FS_LIB_MAX_THREADS;
    /* A processor to spare also deflates the pieces of a large font. */
    fs_zcache_set_threads(lib->threads);
    if (o && o->fonts && o->first &&
        !fonts_beside(lib, o->first, diags, err))
        goto fail;
    if (o && o->fonts && !o->first && !fs_lib_fonts(lib, diags, err))
        goto fail;
    if (o && o->pdfa && !lib_pdfa(lib, diags, err))
        goto fail;
    return lib;
fail:
    fs_lib_free(lib);
    return NULL;
}

/* Frees LIB and everything it loaded; NULL is fine. */
void fs_lib_free(fs_lib *lib)
{
    if (!lib)
        return;
    for (size_t i = 0; i < lib->nforms; i++)
        fs_forms_free(lib->forms[i]);
    free(lib->forms);
    free(lib->forms_rubric);
    fs_rubric_cache_free(lib->rubrics);
    fs_fontset_free(lib->fonts);
    fs_pdfa_free(lib->pdfa);
    free(lib->set);
    free(lib);
}

/* Chooses the template set of forms built without a dossier; see
 * fivestar.h. */
fs_error fs_lib_set_rubric(fs_lib *lib, const char *id, fs_diags *diags)
{
    char *list = NULL, *path = NULL, *only = NULL;
    fs_error err = FS_E_INVALID;

    if (id) {
        path = fs_rubric_id_ok(id) ? fs_rubric_path(id) : NULL;
        if (!path) {
            fs_set_only_rubric(&list);
            fs_diags_add(diags, "fivestar", 0, FS_ERROR, "未知的评定标准“%s”：%s/rubrics 中%s%s",
                         id, fs_templates_dir(), *list ? "只有 " : "没有评定标准", list);
            goto done;
        }
    } else {
        id = only = fs_set_only_rubric(&list);
        if (!id) {
            if (*list)
                fs_diags_add(diags, "fivestar", 0, FS_ERROR,
                             "模板中有多个评定标准（%s）：请指明用哪一套模板（命令行用 --rubric ID "
                             "或 --dossier 文件）", list);
            else
                fs_diags_add(diags, "fivestar", 0, FS_ERROR,
                             "%s/rubrics 中没有评定标准，请检查模板文件夹（FIVESTAR_TEMPLATES）",
                             fs_templates_dir());
            goto done;
        }
    }
    free(lib->set);
    lib->set = fs_strdup(id);
    err = FS_OK;
done:
    free(list);
    free(path);
    free(only);
    return err;
}

/* The template set chosen by fs_lib_set_rubric, or NULL. */
const char *fs_lib_rubric_id(const fs_lib *lib)
{
    return lib->set;
}

/* Sets the progress function; see fivestar.h. */
void fs_lib_set_progress(fs_lib *lib, fs_progress_fn *fn, void *ctx)
{
    lib->progress = fn;
    lib->progress_ctx = ctx;
}

/* Sets the report function; see fivestar.h. */
void fs_lib_set_report(fs_lib *lib, fs_report_fn *fn, void *ctx)
{
    lib->report = fn;
    lib->report_ctx = ctx;
}

/* Hands DIAGS to the report function, if any. */
void fs_lib_report(fs_lib *lib, fs_diags *diags)
{
    if (lib->report)
        lib->report(lib->report_ctx, diags);
}

/* Calls the progress function, if any. */
void fs_lib_progress(fs_lib *lib, size_t done, size_t total, const char *file)
{
    if (lib->progress)
        lib->progress(lib->progress_ctx, done, total, file);
}

/* Loads dossier PATH with the context's rubric cache. */
fs_dossier *fs_lib_load(fs_lib *lib, const char *path, fs_diags *diags,
                        fs_error *err)
{
    const fs_rubric *r;

    return fs_dossier_load(path, lib->rubrics, &r, diags, err);
}

/* Loads the dossier in memory named NAME; see fivestar.h. */
fs_dossier *fs_lib_load_memory(fs_lib *lib, const char *name, const void *data,
                               size_t len, fs_diags *diags, fs_error *err)
{
    const fs_rubric *r;

    return fs_dossier_load_memory(name, data, len, lib->rubrics, &r, diags, err);
}

/* The forms template for rubric R: templates/forms/ID.xml (the id was
 * checked by the rubric loader and is checked again here: it is data,
 * never pasted into a path unchecked). */
static char *forms_path(const fs_rubric *r)
{
    char *dir, *full;

    if (!fs_rubric_id_ok(r->id))
        return NULL;
    dir = fs_templates_path("forms");
    full = dir ? fs_printf("%s/%s.xml", dir, r->id) : NULL;
    free(dir);
    return full;
}

/* The forms template of rubric R, loaded once per context. */
fs_forms *fs_lib_forms(fs_lib *lib, const fs_rubric *r, fs_diags *diags,
                       fs_error *err)
{
    char *path;
    fs_forms *f;

    for (size_t i = 0; i < lib->nforms; i++)
        if (lib->forms_rubric[i] == r) {
            *err = lib->forms[i] ? FS_OK : FS_E_TEMPLATE;
            if (!lib->forms[i])
                fs_diags_add(diags, r->path, 0, FS_ERROR,
                             "评定标准“%s”的表格模板有误（见上文）", r->id);
            return lib->forms[i];
        }
    path = forms_path(r);
    f = path ? fs_forms_load(path, diags, err) : NULL;
    if (!path) {
        fs_diags_add(diags, r->path, 0, FS_ERROR, "找不到评定标准“%s”的表格模板", r->id);
        *err = FS_E_TEMPLATE;
    }
    free(path);
    lib->forms_rubric = fs_xrealloc(lib->forms_rubric, (lib->nforms + 1) * sizeof *lib->forms_rubric);
    lib->forms = fs_xrealloc(lib->forms, (lib->nforms + 1) * sizeof *lib->forms);
    lib->forms_rubric[lib->nforms] = r;
    lib->forms[lib->nforms++] = f;
    return f;
}

/* Builds FORM for D with the table's builder, after loading the parts it
 * needs: for a form of the dossier, the forms template of D's rubric and
 * D's scores; for a flowchart, the fonts and the template set (D's, else
 * the one fs_lib_set_rubric chose, else the only rubric there is); see
 * fivestar.h. */
fs_doc *fs_lib_build(fs_lib *lib, const fs_form_entry *form,
                     const fs_dossier *d, fs_diags *diags, fs_error *err)
{
    fs_form_builder *build = fs_forms_table_builder(form);
    fs_form_parts p;

    if (!build || (form->kind == FS_FORM_DOSSIER && (!d || !d->rubric))) {
        fs_diags_add(diags, "fivestar", 0, FS_ERROR, "内部错误：无法单独生成表格“%s”",
                     form ? form->stem : "?");
        *err = FS_E_USAGE;
        return NULL;
    }
    memset(&p, 0, sizeof p);
    if (form->kind == FS_FORM_DOSSIER) {
        if (!(p.forms = fs_lib_forms(lib, d->rubric, diags, err)))
            return NULL;
        fs_score_dossier(d, d->rubric, &p.scores);
    }
    if (form->kind == FS_FORM_FLOWCHART) {
        if (!(p.set = d ? d->rubric_id : lib->set)) {
            if ((*err = fs_lib_set_rubric(lib, NULL, diags)) != FS_OK)
                return NULL;
            p.set = lib->set;
        }
        if (!(p.fonts = fs_lib_fonts(lib, diags, err)))
            return NULL;
    }
    /* cppcheck-suppress returnDanglingLifetime ; the builder returns a new document and keeps nothing of P */
    return build(&p, form, d, diags, err);
}

/* Renders DOC to bytes; see fivestar.h. */
fs_error fs_lib_render(fs_lib *lib, const fs_doc *doc, const fs_render_options *o,
                       const char *name, unsigned char **out, size_t *outlen,
                       fs_diags *diags)
{
    static const fs_render_options pdf = {FS_FORMAT_PDF, 0, 0};
    const fs_fontset *fonts;
    const fs_pdfa *pdfa = NULL;
    fs_error err;

    *out = NULL;
    *outlen = 0;
    if (!o)
        o = &pdf;
    if (!(fonts = fs_lib_fonts(lib, diags, &err)))
        return err;
    if (o->format == FS_FORMAT_DOCX) {
        fs_docx_options dx;
        memset(&dx, 0, sizeof dx);
        dx.office_fonts = o->office_fonts;
        err = fs_docx_render(doc, fonts, &dx, diags, out, outlen);
    } else {
        if (o->pdfa && !(pdfa = lib_pdfa(lib, diags, &err)))
            return err;
        fs_pdf_options po = {pdfa};

        err = fs_pdf_render(doc, fonts, &po, diags, out, outlen);
    }
    if (err != FS_OK)
        fs_diags_add(diags, name, 0, FS_ERROR, "生成失败：%s", fs_strerror(err));
    return err;
}

/* Renders DOC and writes it to PATH whole or not at all. */
fs_error fs_lib_write(fs_lib *lib, fs_doc *doc, const fs_render_options *o,
                      const char *path, fs_diags *diags)
{
    unsigned char *data = NULL;
    size_t len = 0;
    fs_error err = fs_lib_render(lib, doc, o, path, &data, &len, diags);

    if (err == FS_OK && fs_write_atomic(path, data, len) != FS_OK) {
        fs_diags_add(diags, path, 0, FS_ERROR, "无法写入：%s", fs_errno_cn(errno));
        err = FS_E_IO;
    }
    free(data);
    return err;
}

/* Builds and renders FORM for D; see fivestar.h. */
fs_error fs_lib_render_form(fs_lib *lib, const fs_form_entry *form,
                            const fs_dossier *d, const fs_render_options *o,
                            unsigned char **out, size_t *outlen,
                            fs_diags *diags)
{
    fs_error err;
    fs_doc *doc = fs_lib_build(lib, form, d, diags, &err);
    char *name;

    *out = NULL;
    *outlen = 0;
    if (!doc)
        return err;
    name = fs_form_file_name(form, o ? o->format : FS_FORMAT_PDF);
    err = fs_lib_render(lib, doc, o, name, out, outlen, diags);
    free(name);
    fs_doc_free(doc);
    return err;
}

/* Makes DIR (one level) unless it is a folder already; see fivestar.h. */
int fs_lib_make_dir(const char *dir)
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

/* Rubric ID through the context's cache; see fs-lib-private.h. */
const fs_rubric *fs_lib_rubric(fs_lib *lib, const char *id, fs_diags *diags,
                               const char *file, long line, fs_error *err)
{
    return fs_rubric_cache_get(lib->rubrics, id, diags, file, line, err);
}
