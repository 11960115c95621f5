/*
 * fs-docx.c - the DOCX packager: the only module that knows the zip.
 *
 * A package, its members in this fixed order (every member dated
 * 1980-01-01 00:00 in the zip's DOS fields, deflated):
 *
 *   [Content_Types].xml
 *   _rels/.rels                         → word/document.xml, docProps/core.xml, app.xml
 *   docProps/core.xml                   title, subject, author (Chinese)
 *   docProps/app.xml
 *   word/document.xml                   the body and the section
 *   word/styles.xml
 *   word/settings.xml
 *   word/fontTable.xml
 *   word/footer1.xml                    page number, odd pages (default)
 *   word/footer2.xml                    page number, even pages
 *   word/header1.xml, header2.xml       running head (pages 2 …), first page
 *   word/_rels/document.xml.rels        → styles, settings, fontTable, footers
 *   word/_rels/fontTable.xml.rels       → fonts/fontN.odttf
 *   word/fonts/font1.odttf …            obfuscated subsets
 *
 * Footers are left out without page numbers, the font parts with office
 * fonts.  fs_docx_render is a flat list of steps; the zip is built in
 * memory (fs-zipw.c, deflating with libdeflate) and handed back as bytes.
 */
#include "fs-docx-private.h"

#include <stdlib.h>
#include <string.h>
#include "fs-zcache.h"
#include "fs-zipw.h"

#define CT_PREFIX "application/vnd.openxmlformats-officedocument."
#define CT_WML CT_PREFIX "wordprocessingml."
#define CT_PKG "application/vnd.openxmlformats-package."

/* The fixed member date: 1980-01-01 00:00 as DOS time and date. */
#define DOS_TIME 0x0000
#define DOS_DATE ((0 << 9) | (1 << 5) | 1)

/* libdeflate levels, chosen by measurement (README, Performance).  Fonts
 * at 1: a 250 KB subset deflates in about 1.8 ms to 123 KB, where level 6
 * takes twice as long for 5 % less.  XML parts at 1 too: the 73 KB of the
 * example's document.xml deflate to 6,956 bytes in 0.12 ms, against 6,029
 * bytes in 0.28 ms at level 6; over a batch level 6 cost 5.6 % of all
 * instructions for 1 % of the DOCX size. */
#define FONT_LEVEL 1
#define XML_LEVEL 1

/* The zip being written and the first error. */
typedef struct package {
    fs_zipw *zw;
    fs_diags *diags;
    const char *file;           /* for messages                          */
    fs_error err;
} package;

/* Adds member NAME with the LEN bytes DATA (malloc'd; freed here, also on
 * failure), deflated at LEVEL, with the fixed date. */
static void pkg_add(package *pk, const char *name, char *data, size_t len,
                    int level)
{
    if (pk->err == FS_OK && fs_zipw_add(pk->zw, name, data, len, level) < 0) {
        fs_diags_add(pk->diags, pk->file, 0, FS_ERROR,
                     "无法生成 Word 文件：部件 %s 过大或内存不足",
                     name);
        pk->err = FS_E_ZIP;
    }
    free(data);
}

/* Adds the embedded font F as member NAME, deflated at FONT_LEVEL in
 * pieces that recur from subset to subset, each deflated once per run
 * (fs_zcache_deflate).  Frees F's file. */
static void pkg_add_font(package *pk, const char *name, fs_dx_font *f)
{
    unsigned char *z = NULL;
    size_t zlen = 0;

    if (pk->err == FS_OK &&
        (fs_zcache_deflate(f->odttf, f->odttf_len, f->cuts, f->ncuts, FONT_LEVEL, 0,
                           &z, &zlen) < 0 ||
         fs_zipw_add_deflated(pk->zw, name, f->odttf, f->odttf_len, z, zlen) < 0)) {
        fs_diags_add(pk->diags, pk->file, 0, FS_ERROR,
                     "无法生成 Word 文件：部件 %s 过大或内存不足", name);
        pk->err = FS_E_ZIP;
    }
    free(z);
    free(f->odttf);
    f->odttf = NULL;
}

/* Adds the XML part NAME that WRITE writes from SELF. */
static void pkg_add_part(package *pk, const char *name, fs_dx_write_fn write,
                         const void *self)
{
    char *data;
    size_t len;

    if (pk->err != FS_OK)
        return;
    if (fs_dx_to_memory(write, self, &data, &len) != FS_OK) {
        fs_diags_add(pk->diags, pk->file, 0, FS_ERROR,
                     "无法生成 Word 文件的部件 %s：内存不足", name);
        pk->err = FS_E_NOMEM;
        return;
    }
    pkg_add(pk, name, data, len, XML_LEVEL);
}

/* Writes the archive and returns its bytes in *OUT and *OUTLEN; frees
 * the archive whatever happens.  Returns PK->err or FS_E_ZIP. */
static fs_error pkg_close(package *pk, unsigned char **out, size_t *outlen)
{
    if (pk->err == FS_OK && fs_zipw_finish(pk->zw, out, outlen) < 0) {
        fs_diags_add(pk->diags, pk->file, 0, FS_ERROR,
                     "无法生成 Word 文件：文件过大，请减少档案中的文字");
        pk->err = FS_E_ZIP;
    }
    fs_zipw_free(pk->zw);
    pk->zw = NULL;
    return pk->err;
}

/* Every part writer of one package and the relationship ids they share. */
typedef struct parts {
    fs_docx_ctx *c;
    fs_docx_content_types *ct;
    fs_docx_rels *root_rels, *doc_rels, *font_rels;
    const char **font_rids;     /* per docx font, NULL when not embedded */
    size_t nembedded;
    fs_docx_hf hf;              /* header and footer relationship ids       */
    int pagenum;
    int running;                /* the document has a running head         */
    fs_docx_core *core;
    fs_docx_app *app;
    fs_docx_document *document;
    fs_docx_styles *styles;
    fs_docx_settings *settings;
    fs_docx_fonttable *fonttable;
    fs_docx_footer *odd, *even;
    fs_docx_header *head, *first;
} parts;

/* Fills the three relationships parts: the package's, the document's and
 * the font table's (one per embedded font, fonts/fontN.odttf). */
static void add_relationships(parts *p)
{
    const char *core = "http://schemas.openxmlformats.org/package/2006/"
                       "relationships/metadata/core-properties";

    fs_docx_rels_add(p->root_rels, FS_DX_REL "officeDocument", "word/document.xml");
    fs_docx_rels_add(p->root_rels, core, "docProps/core.xml");
    fs_docx_rels_add(p->root_rels, FS_DX_REL "extended-properties", "docProps/app.xml");
    fs_docx_rels_add(p->doc_rels, FS_DX_REL "styles", "styles.xml");
    fs_docx_rels_add(p->doc_rels, FS_DX_REL "settings", "settings.xml");
    fs_docx_rels_add(p->doc_rels, FS_DX_REL "fontTable", "fontTable.xml");
    if (p->pagenum) {
        p->hf.odd = fs_docx_rels_add(p->doc_rels, FS_DX_REL "footer", "footer1.xml");
        p->hf.even = fs_docx_rels_add(p->doc_rels, FS_DX_REL "footer", "footer2.xml");
    }
    if (p->running) {
        p->hf.head = fs_docx_rels_add(p->doc_rels, FS_DX_REL "header", "header1.xml");
        p->hf.first = fs_docx_rels_add(p->doc_rels, FS_DX_REL "header", "header2.xml");
    }
    for (size_t i = 0; i < p->c->nfonts; i++) {
        char *target;

        if (!p->c->fontv[i].odttf)
            continue;
        target = fs_printf("fonts/font%zu.odttf", ++p->nembedded);
        p->font_rids[i] = fs_docx_rels_add(p->font_rels, FS_DX_REL "font", target);
        free(target);
    }
}

/* Fills [Content_Types].xml: the extensions, then every XML part. */
static void add_content_types(parts *p)
{
    static const struct { const char *part, *type; } xml[] = {
        {"/word/document.xml", CT_WML "document.main+xml"},
        {"/word/styles.xml", CT_WML "styles+xml"},
        {"/word/settings.xml", CT_WML "settings+xml"},
        {"/word/fontTable.xml", CT_WML "fontTable+xml"},
        {"/word/footer1.xml", CT_WML "footer+xml"},
        {"/word/footer2.xml", CT_WML "footer+xml"},
        {"/word/header1.xml", CT_WML "header+xml"},
        {"/word/header2.xml", CT_WML "header+xml"},
        {"/docProps/core.xml", CT_PKG "core-properties+xml"},
        {"/docProps/app.xml", CT_PREFIX "extended-properties+xml"},
    };

    fs_docx_content_types_add_default(p->ct, "rels", CT_PKG "relationships+xml");
    fs_docx_content_types_add_default(p->ct, "xml", "application/xml");
    if (p->nembedded)
        fs_docx_content_types_add_default(p->ct, "odttf", CT_PREFIX "obfuscatedFont");
    for (size_t i = 0; i < sizeof xml / sizeof xml[0]; i++)
        if ((p->pagenum || !strstr(xml[i].part, "/footer")) &&
            (p->running || !strstr(xml[i].part, "/header")))
            fs_docx_content_types_add_override(p->ct, xml[i].part, xml[i].type);
}

/* Writes every member into PK, in the order of the tree above. */
static void add_members(package *pk, parts *p)
{
    fs_docx_ctx *c = p->c;

    pkg_add_part(pk, "[Content_Types].xml", fs_docx_content_types_write, p->ct);
    pkg_add_part(pk, "_rels/.rels", fs_docx_rels_write, p->root_rels);
    pkg_add_part(pk, "docProps/core.xml", fs_docx_core_write, p->core);
    pkg_add_part(pk, "docProps/app.xml", fs_docx_app_write, p->app);
    pkg_add_part(pk, "word/document.xml", fs_docx_document_write, p->document);
    pkg_add_part(pk, "word/styles.xml", fs_docx_styles_write, p->styles);
    pkg_add_part(pk, "word/settings.xml", fs_docx_settings_write, p->settings);
    pkg_add_part(pk, "word/fontTable.xml", fs_docx_fonttable_write, p->fonttable);
    if (p->pagenum) {
        pkg_add_part(pk, "word/footer1.xml", fs_docx_footer_write, p->odd);
        pkg_add_part(pk, "word/footer2.xml", fs_docx_footer_write, p->even);
    }
    if (p->running) {
        pkg_add_part(pk, "word/header1.xml", fs_docx_header_write, p->head);
        pkg_add_part(pk, "word/header2.xml", fs_docx_header_write, p->first);
    }
    pkg_add_part(pk, "word/_rels/document.xml.rels", fs_docx_rels_write,
                 p->doc_rels);
    if (p->nembedded)
        pkg_add_part(pk, "word/_rels/fontTable.xml.rels", fs_docx_rels_write,
                     p->font_rels);
    for (size_t i = 0, n = 0; i < c->nfonts; i++) {
        fs_dx_font *f = &c->fontv[i];
        char *name;

        if (!f->odttf)
            continue;
        name = fs_printf("word/fonts/font%zu.odttf", ++n);
        pkg_add_font(pk, name, f);
        free(name);
    }
}

/* See fs-docx.h.  The steps: the context (fonts, styles), the embedded
 * subsets, the relationships and content types, the part writers, and the
 * members into the zip. */
fs_error fs_docx_render(const fs_doc *doc, const fs_fontset *fonts,
                        const fs_docx_options *opt, fs_diags *diags,
                        unsigned char **out, size_t *outlen)
{
    parts p = {0};
    package pk = {NULL, diags, doc->source_file, FS_OK};
    fs_error err;

    *out = NULL;
    *outlen = 0;
    p.c = fs_docx_ctx_new(doc, fonts, opt, diags);
    p.pagenum = doc->page.pagenum != FS_PAGENUM_NONE;
    p.running = doc->running && doc->running->nparas;
    err = fs_docx_ctx_embed(p.c);
    if (err != FS_OK)
        goto done;

    p.ct = fs_docx_content_types_new();
    p.root_rels = fs_docx_rels_new();
    p.doc_rels = fs_docx_rels_new();
    p.font_rels = fs_docx_rels_new();
    p.font_rids = fs_xcalloc(p.c->nfonts + 1, sizeof *p.font_rids);
    add_relationships(&p);
    add_content_types(&p);
    p.core = fs_docx_core_new(doc);
    p.app = fs_docx_app_new(doc);
    p.document = fs_docx_document_new(p.c, p.hf);
    p.styles = fs_docx_styles_new(p.c);
    p.settings = fs_docx_settings_new(p.c);
    p.fonttable = fs_docx_fonttable_new(p.c, p.font_rids);
    p.odd = fs_docx_footer_new(p.c, 0);
    p.even = fs_docx_footer_new(p.c, 1);
    p.head = fs_docx_header_new(p.c, doc->running);
    p.first = fs_docx_header_new(p.c, NULL);

    pk.zw = fs_zipw_new(DOS_TIME, DOS_DATE);
    add_members(&pk, &p);
    err = pkg_close(&pk, out, outlen);
done:
    fs_docx_header_free(p.first);
    fs_docx_header_free(p.head);
    fs_docx_footer_free(p.even);
    fs_docx_footer_free(p.odd);
    fs_docx_fonttable_free(p.fonttable);
    fs_docx_settings_free(p.settings);
    fs_docx_styles_free(p.styles);
    fs_docx_document_free(p.document);
    fs_docx_app_free(p.app);
    fs_docx_core_free(p.core);
    free(p.font_rids);
    fs_docx_rels_free(p.font_rels);
    fs_docx_rels_free(p.doc_rels);
    fs_docx_rels_free(p.root_rels);
    fs_docx_content_types_free(p.ct);
    fs_docx_ctx_free(p.c);
    return err;
}
