/*
 * fs-batch.c - the run shared by render, stats and archive (fs-batch.h):
 * everything that is loaded once however many dossiers there are, the
 * rendering of a document to bytes, and the progress line.
 */
#define _GNU_SOURCE
#include "fs-batch.h"
#include "fs-cli.h"
#include "fs-pdf.h"
#include "fs-pdfa.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct fs_batch {
    fs_batch_options o;
    fs_rubric_cache *rubrics;
    fs_fontset *fonts;
    fs_pdfa *pdfa;
    /* forms templates by rubric (a failed load is cached as NULL) */
    const fs_rubric **forms_rubric;
    fs_forms **forms;
    size_t nforms;
    /* progress line */
    int tty;
    size_t shown;               /* bytes of the line on screen, 0: none   */
};

/* Loads the fontset and the PDF/A profile as O says; see fs-batch.h. */
fs_batch *fs_batch_new(const fs_batch_options *o, fs_diags *diags, fs_error *err)
{
    fs_batch *b = fs_xcalloc(1, sizeof *b);
    char *conf = NULL;

    *err = FS_OK;
    b->o = *o;
    b->tty = isatty(STDERR_FILENO);
    b->rubrics = fs_rubric_cache_new();
    if (o->fonts) {
        conf = fs_fonts_conf_path();
        b->fonts = fs_fontset_load(conf, diags, err);
        if (!b->fonts)
            goto done;
    }
    if (o->pdfa && !(b->pdfa = fs_pdfa_load(diags, err)))
        goto done;
done:
    free(conf);
    if (*err) {
        fs_batch_free(b);
        b = NULL;
    }
    return b;
}

/* Frees B and everything the run loaded; NULL is fine. */
void fs_batch_free(fs_batch *b)
{
    if (!b)
        return;
    fs_batch_clear(b);
    for (size_t i = 0; i < b->nforms; i++)
        fs_forms_free(b->forms[i]);
    free(b->forms);
    free(b->forms_rubric);
    fs_rubric_cache_free(b->rubrics);
    fs_fontset_free(b->fonts);
    fs_pdfa_free(b->pdfa);
    free(b);
}

/* Loads dossier FILE with the run's rubric cache. */
fs_dossier *fs_batch_load(fs_batch *b, const char *file, const fs_rubric **r,
                          fs_diags *diags, fs_error *err)
{
    return fs_dossier_load(file, b->rubrics, r, diags, err);
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

/* The forms template of rubric R, loaded once per run. */
fs_forms *fs_batch_forms(fs_batch *b, const fs_rubric *r, fs_diags *diags,
                         fs_error *err)
{
    char *path;
    fs_forms *f;

    for (size_t i = 0; i < b->nforms; i++)
        if (b->forms_rubric[i] == r) {
            *err = b->forms[i] ? FS_OK : FS_E_TEMPLATE;
            if (!b->forms[i])
                fs_diags_add(diags, r->path, 0, FS_ERROR,
                             "评定标准“%s”的表格模板有误（见上文）", r->id);
            return b->forms[i];
        }
    path = forms_path(r);
    f = path ? fs_forms_load(path, diags, err) : NULL;
    if (!path) {
        fs_diags_add(diags, r->path, 0, FS_ERROR, "找不到评定标准“%s”的表格模板", r->id);
        *err = FS_E_TEMPLATE;
    }
    free(path);
    b->forms_rubric = fs_xrealloc(b->forms_rubric, (b->nforms + 1) * sizeof *b->forms_rubric);
    b->forms = fs_xrealloc(b->forms, (b->nforms + 1) * sizeof *b->forms);
    b->forms_rubric[b->nforms] = r;
    b->forms[b->nforms++] = f;
    return f;
}

/* Renders DOC to bytes; see fs-batch.h. */
fs_error fs_batch_render(fs_batch *b, fs_doc *doc, int docx, const char *name,
                         unsigned char **out, size_t *outlen, fs_diags *diags)
{
    fs_error err;

    if (docx) {
        err = fs_docx_render(doc, b->fonts, &b->o.docx, diags, out, outlen);
    } else {
        fs_pdfa_attach(doc, b->pdfa);
        err = fs_pdf_render(doc, b->fonts, diags, out, outlen);
        fs_pdfa_attach(doc, NULL);
    }
    if (err != FS_OK)
        fs_diags_add(diags, name, 0, FS_ERROR, "生成失败：%s", fs_strerror(err));
    return err;
}

/* Renders DOC by PATH's extension and writes it whole or not at all. */
fs_error fs_batch_write(fs_batch *b, fs_doc *doc, const char *path,
                        fs_diags *diags)
{
    size_t n = strlen(path);
    int docx = n > 5 && strcmp(path + n - 5, ".docx") == 0;
    unsigned char *data = NULL;
    size_t len = 0;
    fs_error err = fs_batch_render(b, doc, docx, path, &data, &len, diags);

    if (err == FS_OK && fs_write_atomic(path, data, len) != FS_OK) {
        fs_diags_add(diags, path, 0, FS_ERROR, "无法写入：%s", strerror(errno));
        err = FS_E_IO;
    }
    free(data);
    return err;
}

/* Wipes the progress line. */
void fs_batch_clear(fs_batch *b)
{
    if (b->shown) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
        b->shown = 0;
    }
}

/* Redraws the progress line (on a terminal only). */
void fs_batch_progress(fs_batch *b, size_t done, size_t total, const char *file)
{
    const char *base;

    if (!b->tty)
        return;
    base = strrchr(file, '/');
    base = base ? base + 1 : file;
    fprintf(stderr, "\r\033[K[%zu/%zu] %s %s", done, total,
            b->o.verb ? b->o.verb : "", base);
    fflush(stderr);
    b->shown = 1;
}

/* Prints DIAGS in line order below a wiped progress line. */
void fs_batch_report(fs_batch *b, fs_diags *diags)
{
    if (diags->n) {
        fs_batch_clear(b);
        fs_diags_sort(diags);
        fs_diags_print(diags, stderr);
    }
    fs_diags_clear(diags);
}

/* The output folder name of dossier PATH; see fs-batch.h. */
char *fs_batch_dossier_name(const char *path)
{
    const char *base = strrchr(path, '/');
    size_t n;

    base = base ? base + 1 : path;
    n = strlen(base);
    if (n > 4 && strcmp(base + n - 4, ".xml") == 0)
        n -= 4;
    return fs_printf("%.*s", (int)n, base);
}
