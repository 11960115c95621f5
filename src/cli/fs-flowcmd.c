/*
 * fs-flowcmd.c - the flowchart subcommand (cli.md):
 *
 *   fivestar flowchart creation|dynamic -o OUT.pdf|OUT.docx [--dossier FILE]
 *
 * creation is 附件4 (创建流程图), dynamic 附件5 (动态管理流程图), read from
 * templates/flowcharts/NAME.xml and laid out on one A4 page (fs-flow.h).
 * The format follows OUT's extension.  With a dossier, which is loaded and
 * checked like `validate` does, the chart is marked with its history; a
 * dossier with errors gets nothing written (exit 1).  The file is rendered
 * in memory and written whole or not at all (fs_write_atomic).
 */
#define _GNU_SOURCE
#include "fs-cli.h"
#include "fs-docx.h"
#include "fs-flow.h"
#include "fs-pdf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Does PATH end in EXT (compared without case)? */
static int has_ext(const char *path, const char *ext)
{
    size_t n = strlen(path), k = strlen(ext);

    return n > k && strcasecmp(path + n - k, ext) == 0;
}

/* The document of drawing DR (which it takes over): the page DR was laid
 * out for, no page numbers, F's title as the title, the organisation of
 * dossier D (NULL: none) as the author, F's 附件 label as the subject.
 * Never NULL; the caller frees it with fs_doc_free. */
static fs_doc *chart_doc(const fs_flow *f, fs_drawing *dr, const fs_dossier *d)
{
    fs_doc *doc = fs_doc_new();

    doc->page.width = dr->page_w;
    doc->page.height = dr->page_h;
    doc->page.left = dr->page_x;
    doc->page.top = dr->page_y;
    doc->page.right = dr->page_w - dr->page_x - dr->width;
    doc->page.bottom = dr->page_h - dr->page_y - dr->height;
    doc->page.pagenum = FS_PAGENUM_NONE;
    fs_doc_set_meta(doc, f->title, d && d->name.s ? d->name.s : "", f->attachment,
                    "fivestar");
    doc->source_file = fs_strdup(d ? d->path : f->path);
    fs_doc_add_drawing(doc, dr);
    return doc;
}

/* Lays out chart F (marked with dossier D unless NULL) with FONTS, renders
 * it as DOCX (DOCX) or PDF and writes it to OUT whole or not at all.
 * Returns FS_OK or an error after a diagnostic in DIAGS. */
static fs_error write_chart(const fs_flow *f, const fs_dossier *d,
                            const fs_fontset *fonts, int docx, const char *out,
                            fs_diags *diags)
{
    fs_drawing *dr = fs_flow_layout(f, fonts, NULL, diags);
    fs_doc *doc;
    unsigned char *data = NULL;
    size_t len = 0;
    fs_error err;

    if (d)
        fs_flow_mark(f, dr, d, fonts);
    doc = chart_doc(f, dr, d);
    err = docx ? fs_docx_render(doc, fonts, NULL, diags, &data, &len)
               : fs_pdf_render(doc, fonts, diags, &data, &len);
    if (err != FS_OK) {
        fs_diags_add(diags, out, 0, FS_ERROR, "生成失败：%s", fs_strerror(err));
        goto done;
    }
    if (fs_write_atomic(out, data, len) != FS_OK) {
        fs_diags_add(diags, out, 0, FS_ERROR, "无法写入：%s", strerror(errno));
        err = FS_E_IO;
    }
done:
    free(data);
    fs_doc_free(doc);
    return err;
}

/* fivestar flowchart: see the top of this file.  Usage errors (no or an
 * unknown chart, no -o, an extension other than .pdf or .docx) give 2,
 * a dossier with errors 1, unreadable files, templates or fonts 3. */
int fs_cmd_flowchart(int argc, char **argv)
{
    static const char *const spec[] = {"-o=", "--dossier=", NULL};
    fs_cli_args a;
    fs_diags diags = {0};
    fs_fontset *fonts = NULL;
    fs_flow *f = NULL;
    fs_rubric_cache *cache = NULL;
    fs_dossier *d = NULL;
    const fs_rubric *r;
    const char *name, *out, *dossier;
    char *conf = NULL, *path = NULL;
    fs_error err = FS_OK;
    int status = 2, docx;

    if (fs_cli_parse(argc, argv, spec, &a) < 0)
        return 2;
    out = a.opt[0];
    dossier = a.opt[1];
    if (a.nfiles != 1) {
        fprintf(stderr, "fivestar flowchart: error: 请给出一个流程图名称：creation（附件4）"
                        "或 dynamic（附件5）\n");
        goto done;
    }
    name = a.files[0];
    if (strcmp(name, "creation") != 0 && strcmp(name, "dynamic") != 0) {
        fprintf(stderr, "fivestar flowchart: error: 未知流程图“%s”：应为 creation（附件4）"
                        "或 dynamic（附件5）\n", name);
        goto done;
    }
    if (!out || !*out) {
        fprintf(stderr, "fivestar flowchart: error: 请用 -o 给出输出文件（.pdf 或 .docx）\n");
        goto done;
    }
    docx = has_ext(out, ".docx");
    if (!docx && !has_ext(out, ".pdf")) {
        fprintf(stderr, "fivestar flowchart: error: 输出文件“%s”应以 .pdf 或 .docx 结尾\n", out);
        goto done;
    }

    status = 0;
    path = fs_flow_path(name);
    if (!path) {
        fprintf(stderr, "fivestar flowchart: error: 找不到模板文件夹 templates\n");
        err = FS_E_TEMPLATE;
        goto done;
    }
    f = fs_flow_load(path, &diags, &err);
    if (!f)
        goto done;
    if (dossier) {
        cache = fs_rubric_cache_new();
        d = fs_dossier_load(dossier, cache, &r, &diags, &err);
        if (!d)
            goto done;
    }
    conf = fs_fonts_conf_path();
    fonts = fs_fontset_load(conf, &diags, &err);
    if (!fonts)
        goto done;
    err = write_chart(f, d, fonts, docx, out, &diags);
    if (err == FS_OK)
        printf("%s → %s\n", name, out);
done:
    fs_diags_sort(&diags);
    fs_diags_print(&diags, stderr);
    if (status == 0)
        status = fs_cli_worst(0, err);
    fs_dossier_free(d);
    fs_rubric_cache_free(cache);
    fs_flow_free(f);
    fs_fontset_free(fonts);
    fs_diags_clear(&diags);
    free(conf);
    free(path);
    fs_cli_args_free(&a);
    return status;
}
