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
 *   word/_rels/document.xml.rels        → styles, settings, fontTable, footers
 *   word/_rels/fontTable.xml.rels       → fonts/fontN.odttf
 *   word/fonts/font1.odttf …            obfuscated subsets
 *
 * Footers are left out without page numbers, the font parts with office
 * fonts.  fs_docx_render is a flat list of steps; the zip is built in
 * memory (a libzip buffer source) and handed back as bytes.
 */
#include "fs-docx-private.h"

#include <stdlib.h>
#include <string.h>
#include <zip.h>

#define CT_PREFIX "application/vnd.openxmlformats-officedocument."
#define CT_WML CT_PREFIX "wordprocessingml."
#define CT_PKG "application/vnd.openxmlformats-package."

/* The fixed member date: 1980-01-01 00:00 as DOS time and date.  libzip
 * turns it into a time_t and back through the same local time zone, so the
 * bytes do not depend on TZ. */
#define DOS_TIME 0x0000
#define DOS_DATE ((0 << 9) | (1 << 5) | 1)

/* Fonts are deflated fast: glyph outlines shrink to about 45 % at level 1
 * as at level 6, and deflating them is most of the time a DOCX takes. */
#define FONT_LEVEL 1

/* The zip being written and the first error. */
typedef struct package {
    zip_source_t *src;          /* the in-memory archive                 */
    zip_t *za;
    fs_diags *diags;
    const char *file;           /* for messages                          */
    fs_error err;
} package;

/* Reports a libzip failure ZE while doing WHAT and sets the error. */
static void pkg_fail(package *pk, const char *what, zip_error_t *ze)
{
    if (pk->err == FS_OK)
        fs_diags_add(pk->diags, pk->file, 0, FS_ERROR,
                     "cannot write the DOCX package (%s): %s", what,
                     zip_error_strerror(ze));
    pk->err = FS_E_ZIP;
}

/* Opens an empty archive in memory.  On failure PK->err is set. */
static void pkg_open(package *pk)
{
    zip_error_t ze;

    zip_error_init(&ze);
    pk->src = zip_source_buffer_create(NULL, 0, 0, &ze);
    if (!pk->src) {
        pkg_fail(pk, "buffer", &ze);
        goto done;
    }
    pk->za = zip_open_from_source(pk->src, ZIP_TRUNCATE, &ze);
    if (!pk->za) {
        pkg_fail(pk, "open", &ze);
        zip_source_free(pk->src);
        pk->src = NULL;
        goto done;
    }
    zip_source_keep(pk->src);
done:
    zip_error_fini(&ze);
}

/* Adds member NAME with the LEN bytes DATA (malloc'd; the archive takes
 * them, also on failure), deflated at LEVEL (1-9, 0 for zlib's default),
 * with the fixed date. */
static void pkg_add(package *pk, const char *name, char *data, size_t len,
                    int level)
{
    zip_source_t *zs;
    zip_int64_t idx;

    if (pk->err != FS_OK) {
        free(data);
        return;
    }
    zs = zip_source_buffer(pk->za, data, len, 1);
    if (!zs) {
        free(data);
        pkg_fail(pk, name, zip_get_error(pk->za));
        return;
    }
    idx = zip_file_add(pk->za, name, zs, ZIP_FL_ENC_UTF_8);
    if (idx < 0) {
        zip_source_free(zs);
        pkg_fail(pk, name, zip_get_error(pk->za));
        return;
    }
    if (zip_set_file_compression(pk->za, (zip_uint64_t)idx, ZIP_CM_DEFLATE,
                                 (zip_uint32_t)level) < 0 ||
        zip_file_set_dostime(pk->za, (zip_uint64_t)idx, DOS_TIME, DOS_DATE, 0) < 0)
        pkg_fail(pk, name, zip_get_error(pk->za));
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
                     "cannot write the DOCX part %s: out of memory", name);
        pk->err = FS_E_NOMEM;
        return;
    }
    pkg_add(pk, name, data, len, 0);
}

/* Writes the archive and returns its bytes in *OUT and *OUTLEN; frees
 * the archive whatever happens.  Returns PK->err or FS_E_ZIP. */
static fs_error pkg_close(package *pk, unsigned char **out, size_t *outlen)
{
    zip_stat_t st;
    zip_error_t ze;

    zip_error_init(&ze);
    if (pk->err != FS_OK) {
        zip_discard(pk->za);
        goto done;
    }
    if (zip_close(pk->za) < 0) {
        pkg_fail(pk, "close", zip_get_error(pk->za));
        zip_discard(pk->za);
        goto done;
    }
    zip_stat_init(&st);
    if (zip_source_stat(pk->src, &st) < 0 || zip_source_open(pk->src) < 0) {
        pkg_fail(pk, "read back", zip_source_error(pk->src));
        goto done;
    }
    *out = fs_xmalloc(st.size ? st.size : 1);
    if (zip_source_read(pk->src, *out, st.size) != (zip_int64_t)st.size) {
        pkg_fail(pk, "read back", zip_source_error(pk->src));
        free(*out);
        *out = NULL;
    } else {
        *outlen = st.size;
    }
    zip_source_close(pk->src);
done:
    pk->za = NULL;
    zip_source_free(pk->src);
    pk->src = NULL;
    zip_error_fini(&ze);
    return pk->err;
}

/* Every part writer of one package and the relationship ids they share. */
typedef struct parts {
    fs_docx_ctx *c;
    fs_docx_content_types *ct;
    fs_docx_rels *root_rels, *doc_rels, *font_rels;
    const char **font_rids;     /* per docx font, NULL when not embedded */
    size_t nembedded;
    const char *odd_rid, *even_rid;
    int pagenum;
    fs_docx_core *core;
    fs_docx_app *app;
    fs_docx_document *document;
    fs_docx_styles *styles;
    fs_docx_settings *settings;
    fs_docx_fonttable *fonttable;
    fs_docx_footer *odd, *even;
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
        p->odd_rid = fs_docx_rels_add(p->doc_rels, FS_DX_REL "footer", "footer1.xml");
        p->even_rid = fs_docx_rels_add(p->doc_rels, FS_DX_REL "footer", "footer2.xml");
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
        {"/docProps/core.xml", CT_PKG "core-properties+xml"},
        {"/docProps/app.xml", CT_PREFIX "extended-properties+xml"},
    };

    fs_docx_content_types_add_default(p->ct, "rels", CT_PKG "relationships+xml");
    fs_docx_content_types_add_default(p->ct, "xml", "application/xml");
    if (p->nembedded)
        fs_docx_content_types_add_default(p->ct, "odttf", CT_PREFIX "obfuscatedFont");
    for (size_t i = 0; i < sizeof xml / sizeof xml[0]; i++)
        if (p->pagenum || !strstr(xml[i].part, "/footer"))
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
        pkg_add(pk, name, (char *)f->odttf, f->odttf_len, FONT_LEVEL);
        f->odttf = NULL;            /* the archive owns it now */
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
    package pk = {NULL, NULL, diags, doc->source_file, FS_OK};
    fs_error err;

    *out = NULL;
    *outlen = 0;
    p.c = fs_docx_ctx_new(doc, fonts, opt, diags);
    p.pagenum = doc->page.pagenum != FS_PAGENUM_NONE;
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
    p.document = fs_docx_document_new(p.c, p.odd_rid, p.even_rid);
    p.styles = fs_docx_styles_new(p.c);
    p.settings = fs_docx_settings_new(p.c);
    p.fonttable = fs_docx_fonttable_new(p.c, p.font_rids);
    p.odd = fs_docx_footer_new(p.c, 0);
    p.even = fs_docx_footer_new(p.c, 1);

    pkg_open(&pk);
    add_members(&pk, &p);
    err = pk.za ? pkg_close(&pk, out, outlen) : pk.err;
done:
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
