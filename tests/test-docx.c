/*
 * test-docx.c - the DOCX backend.
 *
 * Unit tests compare the exact XML of the element writers (cells with
 * gridSpan, vMerge and vAlign; runs with rFonts and sizes; the section).
 * The writers it checks are declared in fs-docx-private.h.  They use
 * office fonts, whose names do not depend on the fonts installed.
 *
 * Package tests render a synthetic document (header row, row spans across
 * a page break, column spans, long text, characters the song font lacks,
 * a character outside the BMP, a page break) with fonts/fonts.conf and
 * check: every member is well-formed XML, [Content_Types].xml covers every
 * member, relationships point at members, a second render (also in another
 * time zone) is byte-identical, embedded fonts de-obfuscate to fonts whose
 * fsType allows editable embedding and whose family is the w:name, tables
 * have the expected rows, spans and merges.  When Debian's python3-docx and
 * LibreOffice are installed, tests/docx_check.py reads the tables back and
 * soffice converts the file under a fontconfig with no CJK font at all:
 * pdffonts must list the embedded fonts and pdftotext hold the text.
 */
#include "testutil.h"

#include "fs-docx-private.h"
#include "fs-zipw.h"

#include <harfbuzz/hb.h>
#include <harfbuzz/hb-ot.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <time.h>
#include <zip.h>

#define FONTS_CONF "fonts/fonts.conf"

/* ------------------------------------------------------------------------
 * Helpers.
 * ---------------------------------------------------------------------- */

/* A writer into memory for element tests. */
typedef struct frag {
    fs_dx x;
} frag;

static void frag_open(frag *f)
{
    fs_dx_init(&f->x);
    fs_dx_decl(&f->x);          /* frag_check skips it */
}

/* Compares F with EXPECT (showing both from the first difference) and
 * frees it. */
static void frag_check(frag *f, const char *expect)
{
    const char *got;
    size_t i = 0;

    ck_assert_int_eq(f->x.err, 0);
    got = strstr(f->x.b.s, "?>\n");
    ck_assert_ptr_nonnull(got);
    got += 3;
    while (got[i] && got[i] == expect[i])
        i++;
    ck_assert_msg(strcmp(got, expect) == 0,
                  "XML differs at byte %zu:\n got: %s\nwant: %s", i, got + i,
                  expect + i);
    fs_dx_free(&f->x);
}

/* An office-fonts context (no fontset needed) for DOC. */
static fs_docx_ctx *office_ctx(const fs_doc *doc, fs_diags *d)
{
    fs_docx_options opt = {1};

    return fs_docx_ctx_new(doc, NULL, &opt, d);
}

/* The default fontset (fonts/fonts.conf), loaded once per test. */
static fs_fontset *load_fonts(const char *conf, fs_diags *d)
{
    fs_error err = FS_OK;
    fs_fontset *fs = fs_fontset_load(conf, d, &err);

    if (!fs)
        fs_diags_print(d, stderr);
    ck_assert_msg(fs != NULL, "cannot load %s", conf);
    return fs;
}

/* The text of a long 评定标准 cell. */
static char *long_text(int n)
{
    fs_buf b = {0};

    for (int i = 0; i < n; i++)
        fs_buf_printf(&b, "%s第%d条：党组织班子成员按期换届，分工明确，"
                      "定期召开组织生活会，落实“三会一课”制度（ABC 123）。",
                      i ? "\n" : "", i + 1);
    return b.s;
}

static const char *const expect_texts[] = {
    "附件1", "东莞市社会组织“五星级党组织”评定标准", "镇街（单位）：塘厦镇",
    "评定项目", "一、班子建设", "（20分）", "二、阵地建设", "合计",
    "备注：堃 𠮷 Word ABC 123。", "第二页的表格", "党组织名称（全称）",
    "东莞市塘厦镇某某协会党支部",
};

/* The synthetic document: the shapes of both forms in one. */
static fs_doc *make_doc(void)
{
    static const double fw[2] = {56, 100};
    static const double sw[6] = {26, 10, 68, 28, 10, 14};
    static const double gw[4] = {42, 43, 34, 37};
    static const char *const heads[6] = {
        "评定项目", "序号", "评定标准", "检查内容", "分值", "自评分",
    };
    fs_doc *d = fs_doc_new();
    fs_para *p;
    fs_table *t;
    fs_row *r;
    fs_cell *c;
    int number = 1;

    fs_doc_set_meta(d, "东莞市塘厦镇某某协会党支部评定标准",
                    "东莞市塘厦镇某某协会党支部", "评定标准（2018年度自评）",
                    "fivestar");
    p = fs_doc_add_para(d, FS_ALIGN_LEFT);
    p->line_spacing = 1.5;
    p->space_after = 4;
    p->keep_with_next = 1;
    p->kind = FS_PARA_ATTACHMENT;
    fs_para_add_run(p, "附件1", FS_ROLE_HEI, FS_PT_HAO3, 0, 0);
    p = fs_doc_add_para(d, FS_ALIGN_CENTER);
    p->line_spacing = 1.3;
    p->space_after = 6;
    p->kind = FS_PARA_TITLE;
    fs_para_add_run(p, "东莞市社会组织“五星级党组织”评定标准", FS_ROLE_SONG,
                    FS_PT_HAO2, 0, 0);

    t = fs_doc_add_table(d, 2, fw);
    t->pad_x = t->pad_y = t->border = 0;
    r = fs_table_add_row(t, FS_ROW_CANT_SPLIT, 0);
    c = fs_row_add_cell(t, r, 1, 1, FS_VALIGN_TOP);
    fs_cell_add_text(c, "镇街（单位）：塘厦镇", FS_ALIGN_LEFT, 0, FS_ROLE_SONG,
                     FS_PT_XIAO4, 0);
    c = fs_row_add_cell(t, r, 1, 1, FS_VALIGN_TOP);
    fs_cell_add_text(c, "党组织名称：东莞市塘厦镇某某协会党支部", FS_ALIGN_LEFT,
                     0, FS_ROLE_SONG, FS_PT_XIAO4, 0);

    t = fs_doc_add_table(d, 6, sw);
    t->pad_x = 1;
    t->pad_y = 1.2;
    t->border = 0.5;
    r = fs_table_add_row(t, FS_ROW_HEADER | FS_ROW_CANT_SPLIT, 0);
    for (int k = 0; k < 6; k++) {
        c = fs_row_add_cell(t, r, 1, 1, FS_VALIGN_CENTER);
        fs_cell_add_text(c, heads[k], FS_ALIGN_CENTER, 0, FS_ROLE_HEI,
                         FS_PT_HAO5, 0);
    }
    for (int s = 0; s < 2; s++) {
        for (int i = 0; i < 3; i++, number++) {
            char buf[32];
            char *text = long_text(s == 1 ? 9 : 2);

            r = fs_table_add_row(t, 0, 0);
            if (i == 0) {
                c = fs_row_add_cell(t, r, 1, 3, FS_VALIGN_CENTER);
                c->repeat_label = 1;
                fs_cell_add_text(c, s ? "二、阵地建设\n（20分）"
                                 : "一、班子建设\n（20分）",
                                 FS_ALIGN_CENTER, 0, FS_ROLE_SONG, FS_PT_HAO5, 0);
            }
            snprintf(buf, sizeof buf, "%d", number);
            c = fs_row_add_cell(t, r, 1, 1, FS_VALIGN_CENTER);
            fs_cell_add_text(c, buf, FS_ALIGN_CENTER, 0, FS_ROLE_SONG, FS_PT_HAO5, 0);
            c = fs_row_add_cell(t, r, 1, 1, FS_VALIGN_TOP);
            fs_cell_add_text(c, text, FS_ALIGN_JUSTIFY, 0, FS_ROLE_SONG, FS_PT_HAO5, 0);
            c = fs_row_add_cell(t, r, 1, 1, FS_VALIGN_TOP);
            fs_cell_add_text(c, "查阅会议记录", FS_ALIGN_LEFT, 0, FS_ROLE_SONG,
                             FS_PT_HAO5, 0);
            c = fs_row_add_cell(t, r, 1, 1, FS_VALIGN_CENTER);
            fs_cell_add_text(c, "5", FS_ALIGN_CENTER, 0, FS_ROLE_SONG, FS_PT_HAO5, 0);
            c = fs_row_add_cell(t, r, 1, 1, FS_VALIGN_CENTER);
            fs_cell_add_text(c, "4.5", FS_ALIGN_CENTER, 0, FS_ROLE_SONG, FS_PT_HAO5, 0);
            free(text);
        }
    }
    r = fs_table_add_row(t, FS_ROW_CANT_SPLIT, 0);
    c = fs_row_add_cell(t, r, 4, 1, FS_VALIGN_CENTER);
    fs_cell_add_text(c, "合计", FS_ALIGN_CENTER, 0, FS_ROLE_HEI, FS_PT_HAO5, 0);
    c = fs_row_add_cell(t, r, 1, 1, FS_VALIGN_CENTER);
    fs_cell_add_text(c, "30", FS_ALIGN_CENTER, 0, FS_ROLE_SONG, FS_PT_HAO5, 0);
    c = fs_row_add_cell(t, r, 1, 1, FS_VALIGN_CENTER);
    fs_cell_add_text(c, "27", FS_ALIGN_CENTER, 0, FS_ROLE_SONG, FS_PT_HAO5, 0);

    p = fs_doc_add_para(d, FS_ALIGN_JUSTIFY);
    p->indent_chars = 2;
    p->line_spacing = 1.5;
    p->space_before = 3;
    fs_para_add_run(p, "备注：堃 𠮷 Word ABC 123。", FS_ROLE_SONG, FS_PT_XIAO4, 0, 0);
    p = fs_doc_add_para(d, FS_ALIGN_RIGHT);
    p->line_spacing = 1.5;
    fs_para_add_run(p, "党组织书记（签名）：", FS_ROLE_SONG, FS_PT_XIAO4, 0, 0);
    fs_para_add_run(p, "　　　　　　　", FS_ROLE_SONG, FS_PT_XIAO4,
                    FS_RUN_UNDERLINE, 0);

    fs_doc_add_page_break(d);
    p = fs_doc_add_para(d, FS_ALIGN_LEFT);
    p->line_spacing = 1.5;
    fs_para_add_run(p, "第二页的表格", FS_ROLE_KAI, FS_PT_XIAO4, FS_RUN_BOLD, 0);
    t = fs_doc_add_table(d, 4, gw);
    t->pad_x = t->pad_y = 1.5;
    t->border = 0.5;
    r = fs_table_add_row(t, FS_ROW_CANT_SPLIT, 13);
    c = fs_row_add_cell(t, r, 1, 1, FS_VALIGN_CENTER);
    fs_cell_add_text(c, "党组织名称（全称）", FS_ALIGN_CENTER, 0, FS_ROLE_SONG,
                     FS_PT_XIAO4, 0);
    c = fs_row_add_cell(t, r, 3, 1, FS_VALIGN_CENTER);
    fs_cell_add_text(c, "东莞市塘厦镇某某协会党支部", FS_ALIGN_LEFT, 0,
                     FS_ROLE_SONG, FS_PT_XIAO4, 0);
    r = fs_table_add_row(t, 0, 40);
    c = fs_row_add_cell(t, r, 4, 1, FS_VALIGN_TOP);
    fs_cell_add_text(c, "", FS_ALIGN_LEFT, 2, FS_ROLE_SONG, FS_PT_XIAO4, 0);
    return d;
}

/* A DOCX read back: member names and bytes. */
typedef struct pkg {
    size_t n;
    char **names;
    char **data;
    size_t *lens;
} pkg;

/* Opens the DOCX bytes DATA with libzip, as a reader would. */
static void pkg_read(pkg *k, const unsigned char *data, size_t len)
{
    zip_error_t ze;
    zip_source_t *src;
    zip_t *za;

    zip_error_init(&ze);
    src = zip_source_buffer_create(data, len, 0, &ze);
    ck_assert_ptr_nonnull(src);
    za = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze);
    ck_assert_msg(za != NULL, "not a zip: %s", zip_error_strerror(&ze));
    k->n = (size_t)zip_get_num_entries(za, 0);
    k->names = calloc(k->n, sizeof *k->names);
    k->data = calloc(k->n, sizeof *k->data);
    k->lens = calloc(k->n, sizeof *k->lens);
    for (size_t i = 0; i < k->n; i++) {
        zip_stat_t st;
        zip_file_t *zf;

        ck_assert_int_eq(zip_stat_index(za, i, 0, &st), 0);
        ck_assert_int_eq(st.comp_method, ZIP_CM_DEFLATE);
        k->names[i] = strdup(st.name);
        k->lens[i] = st.size;
        k->data[i] = malloc(st.size + 1);
        zf = zip_fopen_index(za, i, 0);
        ck_assert_ptr_nonnull(zf);
        ck_assert_int_eq(zip_fread(zf, k->data[i], st.size), (zip_int64_t)st.size);
        k->data[i][st.size] = '\0';
        zip_fclose(zf);
    }
    zip_close(za);
    zip_error_fini(&ze);
}

static void pkg_free(pkg *k)
{
    for (size_t i = 0; i < k->n; i++) {
        free(k->names[i]);
        free(k->data[i]);
    }
    free(k->names);
    free(k->data);
    free(k->lens);
}

/* The index of member NAME, or -1. */
static int pkg_find(const pkg *k, const char *name)
{
    for (size_t i = 0; i < k->n; i++)
        if (strcmp(k->names[i], name) == 0)
            return (int)i;
    return -1;
}

/* Parses member NAME as XML (the test fails when it is missing or not
 * well-formed). */
static xmlDocPtr pkg_xml(const pkg *k, const char *name)
{
    int i = pkg_find(k, name);
    xmlDocPtr doc;

    ck_assert_msg(i >= 0, "no member %s", name);
    doc = xmlReadMemory(k->data[i], (int)k->lens[i], name, NULL,
                        XML_PARSE_NONET | XML_PARSE_NOBLANKS);
    ck_assert_msg(doc != NULL, "%s is not well-formed XML", name);
    return doc;
}

/* Evaluates XPATH (prefixes w, r, ct, rel) on DOC and returns the number of
 * nodes, or the number value for a numeric expression. */
static double xp_num(xmlDocPtr doc, const char *xpath)
{
    xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
    xmlXPathObjectPtr o;
    double v;

    xmlXPathRegisterNs(ctx, (const xmlChar *)"w", (const xmlChar *)FS_DX_NS_W);
    xmlXPathRegisterNs(ctx, (const xmlChar *)"r", (const xmlChar *)FS_DX_NS_R);
    xmlXPathRegisterNs(ctx, (const xmlChar *)"ct",
                       (const xmlChar *)"http://schemas.openxmlformats.org/package/2006/content-types");
    xmlXPathRegisterNs(ctx, (const xmlChar *)"rel",
                       (const xmlChar *)"http://schemas.openxmlformats.org/package/2006/relationships");
    o = xmlXPathEvalExpression((const xmlChar *)xpath, ctx);
    ck_assert_msg(o != NULL, "bad XPath %s", xpath);
    if (o->type == XPATH_NODESET)
        v = o->nodesetval ? o->nodesetval->nodeNr : 0;
    else
        v = xmlXPathCastToNumber(o);
    xmlXPathFreeObject(o);
    xmlXPathFreeContext(ctx);
    return v;
}

/* The string value of XPATH on DOC (malloc'd). */
static char *xp_str(xmlDocPtr doc, const char *xpath)
{
    xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
    xmlXPathObjectPtr o;
    xmlChar *s;
    char *r;

    xmlXPathRegisterNs(ctx, (const xmlChar *)"w", (const xmlChar *)FS_DX_NS_W);
    xmlXPathRegisterNs(ctx, (const xmlChar *)"r", (const xmlChar *)FS_DX_NS_R);
    o = xmlXPathEvalExpression((const xmlChar *)xpath, ctx);
    ck_assert_msg(o != NULL, "bad XPath %s", xpath);
    s = xmlXPathCastToString(o);
    r = strdup((char *)s);
    xmlFree(s);
    xmlXPathFreeObject(o);
    xmlXPathFreeContext(ctx);
    return r;
}

/* Renders DOC with FONTS (OFFICE fonts or embedded), checking success. */
static unsigned char *render(const fs_doc *doc, const fs_fontset *fonts,
                             int office, size_t *len)
{
    fs_docx_options opt = {office};
    fs_diags d = {0};
    unsigned char *out = NULL;
    fs_error err = fs_docx_render(doc, fonts, &opt, &d, &out, len);

    if (err != FS_OK)
        fs_diags_print(&d, stderr);
    ck_assert_int_eq(err, FS_OK);
    ck_assert_ptr_nonnull(out);
    fs_diags_clear(&d);
    return out;
}

/* ------------------------------------------------------------------------
 * Element writers: exact XML.
 * ---------------------------------------------------------------------- */

#define RPR(ea, sz) "<w:rPr><w:rFonts w:ascii=\"Times New Roman\" " \
    "w:hAnsi=\"Times New Roman\" w:eastAsia=\"" ea "\" w:hint=\"eastAsia\"/>" \
    "<w:sz w:val=\"" sz "\"/><w:szCs w:val=\"" sz "\"/></w:rPr>"
#define CELL_PPR "<w:pPr><w:pStyle w:val=\"FsTableText\"/><w:spacing " \
    "w:before=\"0\" w:after=\"0\" w:line=\"263\" w:lineRule=\"atLeast\"/>" \
    "<w:jc w:val=\"center\"/></w:pPr>"

START_TEST(test_cell_merge_xml)
{
    fs_doc *doc = fs_doc_new();
    double w[3] = {10, 20, 30};
    fs_table *t = fs_doc_add_table(doc, 3, w);
    fs_row *r = fs_table_add_row(t, 0, 0);
    fs_cell *c = fs_row_add_cell(t, r, 2, 3, FS_VALIGN_CENTER);
    fs_para *p = fs_cell_add_para(c, FS_ALIGN_CENTER);
    fs_diags d = {0};
    fs_docx_ctx *ctx;
    frag f;

    p->line_spacing = 1.25;
    fs_para_add_run(p, "序号", FS_ROLE_SONG, FS_PT_HAO5, 0, 0);
    ctx = office_ctx(doc, &d);

    frag_open(&f);
    fs_docx_document_write_tc(&f.x, ctx, c, 1701, 2, FS_DOCX_VMERGE_RESTART);
    frag_check(&f, "<w:tc><w:tcPr><w:tcW w:w=\"1701\" w:type=\"dxa\"/>"
               "<w:gridSpan w:val=\"2\"/><w:vMerge w:val=\"restart\"/>"
               "<w:vAlign w:val=\"center\"/></w:tcPr>"
               "<w:p>" CELL_PPR "<w:r>"
               "<w:t xml:space=\"preserve\">序号</w:t></w:r></w:p></w:tc>");
    /* Its run is in the table style's font and size: no w:rPr. */
    ck_assert_int_eq(ctx->style[FS_DX_TABLE].font, ctx->role_font[FS_ROLE_SONG]);
    ck_assert_int_eq(ctx->style[FS_DX_TABLE].hps, 21);

    /* A continuation: its own w:tc, the same width and span, an empty
     * paragraph with the cell's properties. */
    frag_open(&f);
    fs_docx_document_write_tc(&f.x, ctx, c, 1701, 2, FS_DOCX_VMERGE_CONTINUE);
    frag_check(&f, "<w:tc><w:tcPr><w:tcW w:w=\"1701\" w:type=\"dxa\"/>"
               "<w:gridSpan w:val=\"2\"/><w:vMerge/>"
               "<w:vAlign w:val=\"center\"/></w:tcPr>"
               "<w:p>" CELL_PPR "</w:p></w:tc>");
    fs_docx_ctx_free(ctx);
    fs_doc_free(doc);
}
END_TEST

START_TEST(test_row_xml)
{
    fs_doc *doc = fs_doc_new();
    double w[3] = {10, 20, 30.3};
    fs_table *t = fs_doc_add_table(doc, 3, w);
    fs_row *r0 = fs_table_add_row(t, FS_ROW_HEADER | FS_ROW_CANT_SPLIT, 8);
    fs_row *r1;

    fs_diags d = {0};
    fs_docx_ctx *ctx;
    fs_docx_grid g;
    frag f;

    fs_row_add_cell(t, r0, 1, 2, FS_VALIGN_BOTTOM);
    fs_row_add_cell(t, r0, 2, 1, FS_VALIGN_TOP);
    r1 = fs_table_add_row(t, 0, 0);
    r0 = &t->rows[0];                   /* the rows may have moved */
    fs_row_add_cell(t, r1, 1, 1, FS_VALIGN_TOP);      /* lands in column 1 */
    ctx = office_ctx(doc, &d);
    fs_docx_grid_build(&g, t);
    /* Widths rounded at the edges: 567 + 1134 + 1718 = mm(60.3). */
    ck_assert_int_eq(g.cols[0], 567);
    ck_assert_int_eq(g.cols[1], 1134);
    ck_assert_int_eq(g.cols[2], 1718);
    ck_assert_int_eq(fs_docx_grid_width(&g, 0, 3), fs_dx_mm(60.3));

    frag_open(&f);
    fs_docx_document_write_trpr(&f.x, r0);
    frag_check(&f, "<w:trPr><w:cantSplit/><w:trHeight w:val=\"454\" "
               "w:hRule=\"atLeast\"/><w:tblHeader/></w:trPr>");

    /* Row 1: the continuation of the row span, the new cell, and a filler
     * for the hole the model left in column 2. */
    frag_open(&f);
    fs_docx_document_write_tr(&f.x, ctx, t, &g, 1);
    frag_check(&f, "<w:tr>"
               "<w:tc><w:tcPr><w:tcW w:w=\"567\" w:type=\"dxa\"/><w:vMerge/>"
               "<w:vAlign w:val=\"bottom\"/></w:tcPr><w:p/></w:tc>"
               "<w:tc><w:tcPr><w:tcW w:w=\"1134\" w:type=\"dxa\"/>"
               "<w:vAlign w:val=\"top\"/></w:tcPr><w:p/></w:tc>"
               "<w:tc><w:tcPr><w:tcW w:w=\"1718\" w:type=\"dxa\"/>"
               "<w:vAlign w:val=\"top\"/></w:tcPr><w:p/></w:tc>"
               "</w:tr>");

    frag_open(&f);
    fs_docx_document_write_tblgrid(&f.x, &g);
    frag_check(&f, "<w:tblGrid><w:gridCol w:w=\"567\"/><w:gridCol w:w=\"1134\"/>"
               "<w:gridCol w:w=\"1718\"/></w:tblGrid>");

    frag_open(&f);
    fs_docx_document_write_tblpr(&f.x, t, 3419);
    frag_check(&f, "<w:tblPr><w:tblW w:w=\"3419\" w:type=\"dxa\"/>"
               "<w:tblInd w:w=\"0\" w:type=\"dxa\"/><w:tblBorders>"
               "<w:top w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>"
               "<w:left w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>"
               "<w:bottom w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>"
               "<w:right w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>"
               "<w:insideH w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>"
               "<w:insideV w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>"
               "</w:tblBorders><w:tblLayout w:type=\"fixed\"/><w:tblCellMar>"
               "<w:top w:w=\"57\" w:type=\"dxa\"/><w:left w:w=\"57\" w:type=\"dxa\"/>"
               "<w:bottom w:w=\"57\" w:type=\"dxa\"/><w:right w:w=\"57\" w:type=\"dxa\"/>"
               "</w:tblCellMar><w:tblLook w:val=\"0000\" w:firstRow=\"0\" "
               "w:lastRow=\"0\" w:firstColumn=\"0\" w:lastColumn=\"0\" "
               "w:noHBand=\"1\" w:noVBand=\"1\"/></w:tblPr>");
    fs_docx_grid_free(&g);
    fs_docx_ctx_free(ctx);
    fs_doc_free(doc);
}
END_TEST

START_TEST(test_run_xml)
{
    fs_doc *doc = fs_doc_new();
    fs_diags d = {0};
    fs_docx_ctx *ctx = office_ctx(doc, &d);
    frag f;

    frag_open(&f);
    fs_docx_write_text_runs(&f.x, ctx, "A\t党<&>", FS_ROLE_HEI, FS_PT_HAO3,
                            FS_RUN_BOLD | FS_RUN_UNDERLINE, -1);
    frag_check(&f, "<w:r><w:rPr><w:rFonts w:ascii=\"Times New Roman\" "
               "w:hAnsi=\"Times New Roman\" w:eastAsia=\"黑体\" w:hint=\"eastAsia\"/>"
               "<w:b/><w:bCs/><w:sz w:val=\"32\"/><w:szCs w:val=\"32\"/>"
               "<w:u w:val=\"single\"/></w:rPr>"
               "<w:t xml:space=\"preserve\">A</w:t><w:tab/>"
               "<w:t xml:space=\"preserve\">党&lt;&amp;&gt;</w:t></w:r>");

    /* Characters XML forbids are dropped; 五号 is 21 half-points. */
    frag_open(&f);
    fs_docx_write_text_runs(&f.x, ctx, "x\x01y", FS_ROLE_KAI, FS_PT_HAO5, 0, -1);
    frag_check(&f, "<w:r>" RPR("楷体", "21")
               "<w:t xml:space=\"preserve\">xy</w:t></w:r>");

    /* In a paragraph of a style, only what differs from the style: the
     * narrative style of an empty document is song 小四, not bold. */
    frag_open(&f);
    fs_docx_write_text_runs(&f.x, ctx, "粗", FS_ROLE_HEI, FS_PT_XIAO4,
                            FS_RUN_BOLD, FS_DX_NARRATIVE);
    fs_docx_write_text_runs(&f.x, ctx, "大", FS_ROLE_SONG, FS_PT_HAO3, 0,
                            FS_DX_NARRATIVE);
    fs_docx_write_text_runs(&f.x, ctx, "同", FS_ROLE_SONG, FS_PT_XIAO4, 0,
                            FS_DX_NARRATIVE);
    frag_check(&f, "<w:r><w:rPr><w:rFonts w:ascii=\"Times New Roman\" "
               "w:hAnsi=\"Times New Roman\" w:eastAsia=\"黑体\" w:hint=\"eastAsia\"/>"
               "<w:b/><w:bCs/></w:rPr><w:t xml:space=\"preserve\">粗</w:t></w:r>"
               "<w:r><w:rPr><w:sz w:val=\"32\"/><w:szCs w:val=\"32\"/></w:rPr>"
               "<w:t xml:space=\"preserve\">大</w:t></w:r>"
               "<w:r><w:t xml:space=\"preserve\">同</w:t></w:r>");
    fs_docx_ctx_free(ctx);
    fs_doc_free(doc);
}
END_TEST

START_TEST(test_para_xml)
{
    fs_doc *doc = fs_doc_new();
    fs_para *p = fs_doc_add_para(doc, FS_ALIGN_JUSTIFY);
    fs_diags d = {0};
    fs_docx_ctx *ctx;
    frag f;

    p->indent_chars = 2;
    p->line_spacing = 1.5;
    p->space_before = 3;
    p->space_after = 0;
    p->keep_with_next = 1;
    fs_para_add_run(p, "备注", FS_ROLE_SONG, FS_PT_XIAO4, 0, 0);
    ctx = office_ctx(doc, &d);
    frag_open(&f);
    fs_docx_document_write_ppr(&f.x, ctx, p, fs_dx_para_style(p, 0), 1);
    frag_check(&f, "<w:pPr><w:pStyle w:val=\"FsNarrative\"/><w:keepNext/>"
               "<w:pageBreakBefore/><w:spacing w:before=\"170\" w:after=\"0\" "
               "w:line=\"360\" w:lineRule=\"atLeast\"/>"
               "<w:ind w:firstLineChars=\"200\" w:firstLine=\"480\"/>"
               "<w:jc w:val=\"both\"/></w:pPr>");

    /* An empty paragraph keeps its mark's look (its height). */
    fs_doc_free(doc);
    fs_docx_ctx_free(ctx);
    doc = fs_doc_new();
    p = fs_doc_add_para(doc, FS_ALIGN_LEFT);
    p->line_spacing = 1.0;
    p->space_before = p->space_after = 0;
    fs_para_add_run(p, "", FS_ROLE_SONG, 5.67, 0, 0);
    ctx = office_ctx(doc, &d);
    frag_open(&f);
    fs_docx_document_write_ppr(&f.x, ctx, p, FS_DX_NARRATIVE, 0);
    frag_check(&f, "<w:pPr><w:pStyle w:val=\"FsNarrative\"/><w:spacing "
               "w:before=\"0\" w:after=\"0\" w:line=\"113\" w:lineRule=\"atLeast\"/>"
               "<w:jc w:val=\"left\"/><w:rPr><w:sz w:val=\"11\"/>"
               "<w:szCs w:val=\"11\"/></w:rPr></w:pPr>");
    fs_docx_ctx_free(ctx);
    fs_doc_free(doc);
}
END_TEST

START_TEST(test_sectpr_xml)
{
    fs_doc *doc = fs_doc_new();
    frag f;

    /* GB/T 9704: 37/26/35/28 mm; the footer distance puts the top of the
     * page number's 14 pt line 7 mm under the text block: 28 mm - 14 pt. */
    frag_open(&f);
    fs_docx_hf hf = {"rId4", "rId5", NULL, NULL};
    fs_docx_document_write_sectpr(&f.x, &doc->page, &hf);
    frag_check(&f, "<w:sectPr><w:footerReference w:type=\"default\" r:id=\"rId4\"/>"
               "<w:footerReference w:type=\"even\" r:id=\"rId5\"/>"
               "<w:pgSz w:w=\"11906\" w:h=\"16838\"/>"
               "<w:pgMar w:top=\"2098\" w:right=\"1474\" w:bottom=\"1984\" "
               "w:left=\"1587\" w:header=\"850\" w:footer=\"1307\" "
               "w:gutter=\"0\"/></w:sectPr>");
    fs_doc_free(doc);
}
END_TEST

START_TEST(test_obfuscation)
{
    /* ECMA-376 Part 1 §17.8.1's example key. */
    const char *guid = "{001B70DC-AA60-4AD5-90EC-18A0948E1EAE}";
    static const unsigned char key[16] = {
        0xAE, 0x1E, 0x8E, 0x94, 0xA0, 0x18, 0xEC, 0x90,
        0xD5, 0x4A, 0x60, 0xAA, 0xDC, 0x70, 0x1B, 0x00,
    };
    unsigned char data[40] = {0};
    static const uint32_t cps[3] = {0x41, 0x515A, 0x20BB7};
    char k1[39], k2[39], k3[39];

    ck_assert_int_eq(fs_docx_obfuscate(data, sizeof data, guid), 0);
    for (int i = 0; i < 16; i++) {
        ck_assert_uint_eq(data[i], key[i]);
        ck_assert_uint_eq(data[16 + i], key[i]);
    }
    ck_assert_uint_eq(data[32], 0);
    ck_assert_int_eq(fs_docx_obfuscate(data, sizeof data, guid), 0);
    for (size_t i = 0; i < sizeof data; i++)
        ck_assert_uint_eq(data[i], 0);
    ck_assert_int_eq(fs_docx_obfuscate(data, 31, guid), -1);
    ck_assert_int_eq(fs_docx_obfuscate(data, sizeof data, "{001B70DC}"), -1);

    /* Keys: uppercase GUIDs, equal for equal input, else different. */
    fs_docx_font_key("LXGW WenKai", cps, 3, k1);
    fs_docx_font_key("LXGW WenKai", cps, 3, k2);
    fs_docx_font_key("LXGW WenKai", cps, 2, k3);
    ck_assert_str_eq(k1, k2);
    ck_assert_str_ne(k1, k3);
    ck_assert_uint_eq(strlen(k1), 38);
    ck_assert_int_eq(k1[0], '{');
    ck_assert_int_eq(k1[37], '}');
    ck_assert_int_eq(k1[15], '4');
    for (int i = 1; i < 37; i++) {
        if (i == 9 || i == 14 || i == 19 || i == 24)
            ck_assert_int_eq(k1[i], '-');
        else
            ck_assert_msg(strchr("0123456789ABCDEF", k1[i]) != NULL,
                          "key %s is not uppercase hex", k1);
    }
}
END_TEST

START_TEST(test_fstype_rule)
{
    ck_assert(fs_docx_fstype_ok(0));
    ck_assert(fs_docx_fstype_ok(8));
    ck_assert(fs_docx_fstype_ok(0x0C));
    ck_assert(!fs_docx_fstype_ok(4));
    ck_assert(!fs_docx_fstype_ok(2));
    ck_assert(!fs_docx_fstype_ok(0x0100));
}
END_TEST

/* The DOCX paragraph style follows the paragraph's kind, not its text: a
 * centred 二号 line of kind body stays narrative, a "附件…" line of kind
 * body too, and a short left-aligned line of kind title is the title. */
START_TEST(test_style_classes)
{
    fs_doc *doc = fs_doc_new();
    fs_para *a = fs_doc_add_para(doc, FS_ALIGN_LEFT);
    fs_para *t = fs_doc_add_para(doc, FS_ALIGN_LEFT);
    fs_para *n = fs_doc_add_para(doc, FS_ALIGN_CENTER);
    fs_para *b = fs_doc_add_para(doc, FS_ALIGN_CENTER);
    fs_para *s = fs_doc_add_para(doc, FS_ALIGN_RIGHT);

    a->kind = FS_PARA_ATTACHMENT;
    t->kind = FS_PARA_TITLE;
    s->kind = FS_PARA_SIGNATURE;
    fs_para_add_run(a, "附件2", FS_ROLE_HEI, FS_PT_HAO3, 0, 0);
    fs_para_add_run(t, "申报表", FS_ROLE_SONG, FS_PT_XIAO4, 0, 0);
    fs_para_add_run(n, "附件2", FS_ROLE_SONG, FS_PT_XIAO4, 0, 0);
    fs_para_add_run(b, "一行居中的大字", FS_ROLE_SONG, FS_PT_HAO2, 0, 0);
    fs_para_add_run(s, "（盖章）", FS_ROLE_SONG, FS_PT_XIAO4, 0, 0);
    ck_assert_int_eq(fs_dx_para_style(a, 0), FS_DX_ATTACHMENT);
    ck_assert_int_eq(fs_dx_para_style(t, 0), FS_DX_TITLE);
    ck_assert_int_eq(fs_dx_para_style(n, 0), FS_DX_NARRATIVE);
    ck_assert_int_eq(fs_dx_para_style(b, 0), FS_DX_NARRATIVE);
    ck_assert_int_eq(fs_dx_para_style(s, 0), FS_DX_NARRATIVE);
    ck_assert_int_eq(fs_dx_para_style(a, 1), FS_DX_TABLE);
    fs_doc_free(doc);
}
END_TEST

/* ------------------------------------------------------------------------
 * Whole packages.
 * ---------------------------------------------------------------------- */

/* Every member is well-formed XML (except the fonts), [Content_Types].xml
 * names each member's type exactly once and only members, and every
 * relationship points at a member. */
static void check_package(const pkg *k)
{
    xmlDocPtr ct = pkg_xml(k, "[Content_Types].xml");
    char q[512];

    ck_assert_str_eq(k->names[0], "[Content_Types].xml");
    for (size_t i = 0; i < k->n; i++) {
        const char *dot = strrchr(k->names[i], '.');
        double over, def;

        if (strcmp(dot, ".odttf") != 0)
            xmlFreeDoc(pkg_xml(k, k->names[i]));
        if (i == 0)
            continue;
        snprintf(q, sizeof q, "/ct:Types/ct:Override[@PartName='/%s']", k->names[i]);
        over = xp_num(ct, q);
        snprintf(q, sizeof q, "/ct:Types/ct:Default[@Extension='%s']", dot + 1);
        def = xp_num(ct, q);
        ck_assert_msg(fs_exact_eq(over, 1) || (fs_exact_eq(over, 0) && fs_exact_eq(def, 1)),
                      "[Content_Types].xml does not cover %s", k->names[i]);
    }
    /* No Override names a missing part. */
    for (int j = 1; j <= (int)xp_num(ct, "/ct:Types/ct:Override"); j++) {
        char *part;
        xmlXPathContextPtr ctx = xmlXPathNewContext(ct);
        xmlXPathObjectPtr o;

        xmlXPathRegisterNs(ctx, (const xmlChar *)"ct", (const xmlChar *)
                           "http://schemas.openxmlformats.org/package/2006/content-types");
        snprintf(q, sizeof q, "string(/ct:Types/ct:Override[%d]/@PartName)", j);
        o = xmlXPathEvalExpression((const xmlChar *)q, ctx);
        part = (char *)o->stringval;
        ck_assert_msg(pkg_find(k, part + 1) >= 0, "Override of missing %s", part);
        xmlXPathFreeObject(o);
        xmlXPathFreeContext(ctx);
    }
    xmlFreeDoc(ct);

    /* Relationship targets exist. */
    static const char *const rels[][2] = {
        {"_rels/.rels", ""},
        {"word/_rels/document.xml.rels", "word/"},
        {"word/_rels/fontTable.xml.rels", "word/"},
    };
    for (size_t r = 0; r < 3; r++) {
        xmlDocPtr d;
        if (pkg_find(k, rels[r][0]) < 0)
            continue;
        d = pkg_xml(k, rels[r][0]);
        for (xmlNodePtr n = xmlDocGetRootElement(d)->children; n; n = n->next) {
            xmlChar *target = xmlGetProp(n, (const xmlChar *)"Target");
            snprintf(q, sizeof q, "%s%s", rels[r][1], (char *)target);
            ck_assert_msg(pkg_find(k, q) >= 0, "%s: missing target %s",
                          rels[r][0], q);
            xmlFree(target);
        }
        xmlFreeDoc(d);
    }
}

/* The text of every w:t of DOC, paragraphs joined by newlines. */
static char *doc_text(xmlDocPtr doc)
{
    return xp_str(doc, "string(/w:document/w:body)");
}

/* Checks the tables of the synthetic document in document.xml. */
static void check_tables(xmlDocPtr d)
{
    /* Three tables, never adjacent (Word would join them). */
    ck_assert_int_eq(xp_num(d, "//w:tbl"), 3);
    ck_assert_int_eq(xp_num(d, "//w:tbl[following-sibling::*[1][self::w:tbl]]"), 0);
    ck_assert_int_eq(xp_num(d, "/w:document/w:body/*[last()]/self::w:sectPr"), 1);
    ck_assert_int_eq(xp_num(d, "/w:document/w:body/*[last()-1]/self::w:p"), 1);

    /* Scores: header + 6 items + total; one header row; fixed layout. */
    ck_assert_int_eq(xp_num(d, "//w:tbl[2]/w:tr"), 8);
    ck_assert_int_eq(xp_num(d, "//w:tbl[2]/w:tr[1]/w:trPr/w:tblHeader"), 1);
    ck_assert_int_eq(xp_num(d, "//w:tbl[2]//w:tblHeader"), 1);
    ck_assert_int_eq(xp_num(d, "//w:tbl[2]/w:tblPr/w:tblLayout[@w:type='fixed']"), 1);
    ck_assert_int_eq(xp_num(d, "sum(//w:tbl[2]/w:tblGrid/w:gridCol/@w:w)"), fs_dx_mm(156));
    ck_assert_int_eq(xp_num(d, "//w:tbl[2]//w:vMerge[@w:val='restart']"), 2);
    ck_assert_int_eq(xp_num(d, "//w:tbl[2]//w:vMerge[not(@w:val)]"), 4);
    /* Every row covers the 6 grid columns, every cell has a paragraph. */
    for (int r = 1; r <= 8; r++) {
        char q[256];
        snprintf(q, sizeof q, "count(//w:tbl[2]/w:tr[%d]/w:tc) + "
                 "sum(//w:tbl[2]/w:tr[%d]/w:tc/w:tcPr/w:gridSpan/@w:val) - "
                 "count(//w:tbl[2]/w:tr[%d]/w:tc/w:tcPr/w:gridSpan)", r, r, r);
        ck_assert_int_eq(xp_num(d, q), 6);
    }
    ck_assert_int_eq(xp_num(d, "//w:tc[not(w:p)]"), 0);
    ck_assert_int_eq(xp_num(d, "//w:tc[*[last()][not(self::w:p)]]"), 0);
    /* The total row: 合计 spans 4 columns. */
    ck_assert_int_eq(xp_num(d, "number(//w:tbl[2]/w:tr[8]/w:tc[1]/w:tcPr/w:gridSpan/@w:val)"), 4);
    /* The grid on page 2: a column span, at-least heights. */
    ck_assert_int_eq(xp_num(d, "number(//w:tbl[3]/w:tr[1]/w:tc[2]/w:tcPr/w:gridSpan/@w:val)"), 3);
    ck_assert_int_eq(xp_num(d, "number(//w:tbl[3]/w:tr[2]/w:trPr/w:trHeight[@w:hRule='atLeast']/@w:val)"),
                     fs_dx_mm(40));
    /* The fields line has no rules and no padding. */
    ck_assert_int_eq(xp_num(d, "//w:tbl[1]/w:tblPr/w:tblBorders/*[@w:val='nil']"), 6);
    ck_assert_int_eq(xp_num(d, "sum(//w:tbl[1]/w:tblPr/w:tblCellMar/*/@w:w)"), 0);
    /* The page break is a pageBreakBefore on the next paragraph. */
    ck_assert_int_eq(xp_num(d, "//w:p[w:pPr/w:pageBreakBefore][contains(., '第二页的表格')]"), 1);
}

/* Checks that every East Asian font the package names is an office font:
 * rFonts eastAsia in the document and the styles, and every font of
 * fontTable.xml with the GB2312 charset (86). */
static void check_office_names(const pkg *k)
{
    static const char *const parts[] = {"word/document.xml", "word/styles.xml"};
    xmlDocPtr ft = pkg_xml(k, "word/fontTable.xml");
    int n = (int)xp_num(ft, "count(//w:font[w:charset/@w:val='86'])");

    for (size_t i = 0; i < sizeof parts / sizeof *parts; i++) {
        xmlDocPtr d = pkg_xml(k, parts[i]);
        int m = (int)xp_num(d, "count(//w:rFonts[@w:eastAsia])");

        for (int j = 1; j <= m; j++) {
            char q[96], *name;

            snprintf(q, sizeof q, "string((//w:rFonts[@w:eastAsia])[%d]/@w:eastAsia)", j);
            name = xp_str(d, q);
            ck_assert_msg(fs_docx_office_font(name), "%s names the East Asian "
                          "font \"%s\", no office font", parts[i], name);
            free(name);
        }
        xmlFreeDoc(d);
    }
    ck_assert_int_gt(n, 0);
    for (int j = 1; j <= n; j++) {
        char q[96], *name;

        snprintf(q, sizeof q, "string((//w:font[w:charset/@w:val='86'])[%d]/@w:name)", j);
        name = xp_str(ft, q);
        ck_assert_msg(fs_docx_office_font(name), "fontTable.xml lists \"%s\"", name);
        free(name);
    }
    ck_assert_int_eq(fs_docx_office_font("AR PL UMing CN"), 0);
    xmlFreeDoc(ft);
}

/* Does the font file embedded for the w:font NAME de-obfuscate to a font
 * whose PostScript name is PS (the face it was cut from)? */
static int embedded_ps_name(const pkg *k, const char *name, const char *ps)
{
    xmlDocPtr ft = pkg_xml(k, "word/fontTable.xml");
    xmlDocPtr rels = pkg_xml(k, "word/_rels/fontTable.xml.rels");
    xmlXPathContextPtr ctx = xmlXPathNewContext(rels);
    xmlXPathObjectPtr o;
    char q[256], *key, *rid, path[128], got[64];
    unsigned glen = sizeof got;
    int m, ok;

    snprintf(q, sizeof q, "string(//w:font[@w:name='%s']/w:embedRegular/@w:fontKey)", name);
    key = xp_str(ft, q);
    snprintf(q, sizeof q, "string(//w:font[@w:name='%s']/w:embedRegular/@r:id)", name);
    rid = xp_str(ft, q);
    xmlXPathRegisterNs(ctx, BAD_CAST "rel", BAD_CAST
                       "http://schemas.openxmlformats.org/package/2006/relationships");
    snprintf(q, sizeof q, "string(//rel:Relationship[@Id='%s']/@Target)", rid);
    o = xmlXPathEvalExpression(BAD_CAST q, ctx);
    snprintf(path, sizeof path, "word/%s", (char *)o->stringval);
    m = pkg_find(k, path);
    ck_assert_msg(m >= 0, "%s: no embedded file %s", name, path);
    unsigned char *font = malloc(k->lens[m]);
    memcpy(font, k->data[m], k->lens[m]);
    ck_assert_int_eq(fs_docx_obfuscate(font, k->lens[m], key), 0);
    hb_blob_t *blob = hb_blob_create((const char *)font, (unsigned)k->lens[m],
                                     HB_MEMORY_MODE_READONLY, NULL, NULL);
    hb_face_t *face = hb_face_create(blob, 0);
    ok = hb_ot_name_get_utf8(face, HB_OT_NAME_ID_POSTSCRIPT_NAME, HB_LANGUAGE_INVALID,
                             &glen, got) > 0 && strcmp(got, ps) == 0;
    hb_face_destroy(face);
    hb_blob_destroy(blob);
    free(font);
    free(key);
    free(rid);
    xmlXPathFreeObject(o);
    xmlXPathFreeContext(ctx);
    xmlFreeDoc(rels);
    xmlFreeDoc(ft);
    return ok;
}

/* De-obfuscates every embedded font and checks it: a TrueType sfnt whose
 * fsType allows editable embedding and whose family is its w:name.
 * Returns the number of fonts embedded. */
static int check_fonts(const pkg *k)
{
    xmlDocPtr ft = pkg_xml(k, "word/fontTable.xml");
    xmlDocPtr rels = pkg_find(k, "word/_rels/fontTable.xml.rels") >= 0
        ? pkg_xml(k, "word/_rels/fontTable.xml.rels") : NULL;
    int n = (int)xp_num(ft, "//w:embedRegular");

    for (int i = 1; i <= n; i++) {
        char q[256], *name, *key, *rid, *target, path[128];
        int m;

        snprintf(q, sizeof q, "string((//w:font[w:embedRegular])[%d]/@w:name)", i);
        name = xp_str(ft, q);
        snprintf(q, sizeof q, "string((//w:embedRegular)[%d]/@w:fontKey)", i);
        key = xp_str(ft, q);
        snprintf(q, sizeof q, "string((//w:embedRegular)[%d]/@r:id)", i);
        rid = xp_str(ft, q);
        ck_assert_ptr_nonnull(rels);
        {
            xmlXPathContextPtr ctx = xmlXPathNewContext(rels);
            xmlXPathObjectPtr o;
            xmlXPathRegisterNs(ctx, (const xmlChar *)"rel", (const xmlChar *)
                               "http://schemas.openxmlformats.org/package/2006/relationships");
            snprintf(q, sizeof q, "string(//rel:Relationship[@Id='%s']/@Target)", rid);
            o = xmlXPathEvalExpression((const xmlChar *)q, ctx);
            target = strdup((char *)o->stringval);
            xmlXPathFreeObject(o);
            xmlXPathFreeContext(ctx);
        }
        snprintf(path, sizeof path, "word/%s", target);
        m = pkg_find(k, path);
        ck_assert_msg(m >= 0, "no font member %s", path);

        /* The key is an uppercase GUID (LibreOffice reads only those). */
        for (const char *p = key; *p; p++)
            ck_assert_msg(!(*p >= 'a' && *p <= 'f'), "lowercase key %s", key);
        unsigned char *font = malloc(k->lens[m]);
        memcpy(font, k->data[m], k->lens[m]);
        ck_assert_int_eq(fs_docx_obfuscate(font, k->lens[m], key), 0);
        ck_assert_msg(memcmp(font, "\0\1\0\0", 4) == 0 || memcmp(font, "true", 4) == 0,
                      "%s does not de-obfuscate to a TrueType font", path);

        hb_blob_t *blob = hb_blob_create((const char *)font, (unsigned)k->lens[m],
                                         HB_MEMORY_MODE_READONLY, NULL, NULL);
        hb_face_t *face = hb_face_create(blob, 0);
        hb_blob_t *os2 = hb_face_reference_table(face, HB_TAG('O', 'S', '/', '2'));
        unsigned len = 0;
        const unsigned char *o2 = (const unsigned char *)hb_blob_get_data(os2, &len);
        unsigned fstype = len >= 10 ? (unsigned)(o2[8] << 8 | o2[9]) : 0;
        char family[256];
        unsigned flen = sizeof family;

        ck_assert_msg(fs_docx_fstype_ok(fstype), "%s (%s) has fsType 0x%04X",
                      path, name, fstype);
        ck_assert_uint_gt(hb_face_get_glyph_count(face), 1);
        ck_assert_uint_gt(hb_ot_name_get_utf8(face, HB_OT_NAME_ID_FONT_FAMILY,
                                              hb_language_from_string("en", -1),
                                              &flen, family), 0);
        ck_assert_str_eq(family, name);
        /* Under the office font's name (Word and WPS use an installed
         * font of that name instead), or the latin face's own. */
        ck_assert_msg(fs_docx_office_font(name) || strcmp(name, "Liberation Serif") == 0,
                      "%s is embedded under the name %s", path, name);
        ck_assert_uint_lt(strlen(name), 32);
        hb_blob_destroy(os2);
        hb_face_destroy(face);
        hb_blob_destroy(blob);
        free(font);
        free(name);
        free(key);
        free(rid);
        free(target);
    }
    xmlFreeDoc(ft);
    if (rels)
        xmlFreeDoc(rels);
    return n;
}

START_TEST(test_package_embedded)
{
    fs_diags d = {0};
    fs_fontset *fonts = load_fonts(FONTS_CONF, &d);
    fs_doc *doc = make_doc();
    size_t len = 0, len2 = 0;
    unsigned char *out = render(doc, fonts, 0, &len);
    unsigned char *out2 = render(doc, fonts, 0, &len2);
    pkg k = {0};
    xmlDocPtr dx, core, settings;
    char *text;

    /* Deterministic. */
    ck_assert_uint_eq(len, len2);
    ck_assert_msg(memcmp(out, out2, len) == 0, "second render differs");

    pkg_read(&k, out, len);
    check_package(&k);
    ck_assert_int_ge(pkg_find(&k, "word/footer1.xml"), 0);
    ck_assert_int_ge(pkg_find(&k, "word/footer2.xml"), 0);

    dx = pkg_xml(&k, "word/document.xml");
    check_tables(dx);
    text = doc_text(dx);
    for (size_t i = 0; i < sizeof expect_texts / sizeof *expect_texts; i++)
        ck_assert_msg(strstr(text, expect_texts[i]) != NULL,
                      "document.xml lacks \"%s\"", expect_texts[i]);
    free(text);
    /* Runs name office fonts (宋体 …), never a fontset family; 𠮷 (not in
     * AR PL UMing, the embedded 宋体) goes to 楷体 (LXGW WenKai has it). */
    check_office_names(&k);
    ck_assert_int_eq(xp_num(dx, "//w:rFonts[starts-with(@w:eastAsia, 'AR PL')]"), 0);
    ck_assert_int_eq(xp_num(dx, "//w:rFonts[not(@w:hint='eastAsia')]"), 0);
    ck_assert_int_gt(xp_num(dx, "//w:r[w:rPr/w:rFonts/@w:eastAsia='楷体'][contains(., '𠮷')]"), 0);

    settings = pkg_xml(&k, "word/settings.xml");
    ck_assert_int_eq(xp_num(settings, "//w:embedTrueTypeFonts"), 1);
    ck_assert_int_eq(xp_num(settings, "//w:evenAndOddHeaders"), 1);
    xmlFreeDoc(settings);

    core = pkg_xml(&k, "docProps/core.xml");
    text = xp_str(core, "string(/*/*[local-name()='title'])");
    ck_assert_str_eq(text, "东莞市塘厦镇某某协会党支部评定标准");
    free(text);
    text = xp_str(core, "string(/*/*[local-name()='creator'])");
    ck_assert_str_eq(text, "东莞市塘厦镇某某协会党支部");
    free(text);
    xmlFreeDoc(core);

    /* Fonts: latin, the song substitute, hei, kai at least. */
    ck_assert_int_ge(check_fonts(&k), 4);
    xmlFreeDoc(dx);
    pkg_free(&k);
    free(out);
    free(out2);
    fs_doc_free(doc);
    fs_fontset_free(fonts);
    fs_diags_clear(&d);
}
END_TEST

/* fs-zipw: a compressible member is deflated, incompressible ones (and
 * the empty one) stored, a non-ASCII name is fine; libzip reads them
 * back with its consistency check, byte for byte; the same members give
 * the same archive. */
START_TEST(test_zip_writer)
{
    static const char *const names[] = {"a.xml", "noise.bin", "empty", "字体/字.txt"};
    char text[4000], noise[3000];
    const void *data[] = {text, noise, "", "宋体"};
    size_t lens[] = {sizeof text, sizeof noise, 0, strlen("宋体")};
    unsigned char *out[2] = {NULL, NULL};
    size_t outlen[2] = {0, 0};
    uint32_t x = 12345;
    zip_error_t ze;
    zip_source_t *src;
    zip_t *za;

    for (size_t i = 0; i < sizeof text; i++)
        text[i] = "<w:p>fivestar</w:p>\n"[i % 20];
    for (size_t i = 0; i < sizeof noise; i++) {
        x = x * 1103515245u + 12345u;
        noise[i] = (char)(x >> 23);
    }
    for (int k = 0; k < 2; k++) {
        fs_zipw *z = fs_zipw_new(0, (1 << 5) | 1);

        for (size_t i = 0; i < 4; i++)
            ck_assert_int_eq(fs_zipw_add(z, names[i], data[i], lens[i], 6), 0);
        ck_assert_int_eq(fs_zipw_finish(z, &out[k], &outlen[k]), 0);
        fs_zipw_free(z);
    }
    ck_assert_uint_eq(outlen[0], outlen[1]);
    ck_assert_int_eq(memcmp(out[0], out[1], outlen[0]), 0);

    zip_error_init(&ze);
    src = zip_source_buffer_create(out[0], outlen[0], 0, &ze);
    ck_assert_ptr_nonnull(src);
    za = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze);
    ck_assert_msg(za != NULL, "not a zip: %s", zip_error_strerror(&ze));
    ck_assert_int_eq(zip_get_num_entries(za, 0), 4);
    for (size_t i = 0; i < 4; i++) {
        zip_stat_t st;
        zip_file_t *zf;
        char buf[4096];

        ck_assert_int_eq(zip_stat_index(za, i, 0, &st), 0);
        ck_assert_str_eq(st.name, names[i]);
        ck_assert_uint_eq(st.size, lens[i]);
        ck_assert_int_eq(st.comp_method, i == 0 ? ZIP_CM_DEFLATE : ZIP_CM_STORE);
        if (i == 0)
            ck_assert_uint_lt(st.comp_size, lens[i] / 10);
        zf = zip_fopen_index(za, i, 0);
        ck_assert_ptr_nonnull(zf);
        ck_assert_int_eq(zip_fread(zf, buf, sizeof buf), (zip_int64_t)lens[i]);
        ck_assert_int_eq(memcmp(buf, data[i], lens[i]), 0);
        zip_fclose(zf);
    }
    zip_close(za);
    zip_error_fini(&ze);
    free(out[0]);
    free(out[1]);
}
END_TEST

START_TEST(test_package_time_zone)
{
    fs_diags d = {0};
    fs_fontset *fonts = load_fonts(FONTS_CONF, &d);
    fs_doc *doc = make_doc();
    const char *old = getenv("TZ");
    char *saved = old ? strdup(old) : NULL;
    static const char *const zones[] = {"UTC0", "EST5EDT", "CST-8", "NZST-12"};
    unsigned char *first = NULL;
    size_t flen = 0;

    for (size_t i = 0; i < sizeof zones / sizeof *zones; i++) {
        size_t len;
        unsigned char *out;

        setenv("TZ", zones[i], 1);
        tzset();
        out = render(doc, fonts, 1, &len);
        if (!first) {
            first = out;
            flen = len;
            continue;
        }
        ck_assert_msg(len == flen && memcmp(out, first, len) == 0,
                      "the DOCX differs in TZ=%s", zones[i]);
        free(out);
    }
    if (saved)
        setenv("TZ", saved, 1);
    else
        unsetenv("TZ");
    tzset();
    /* The DOS date of every member is 1980-01-01 00:00 (at offset 10 of
     * the local header: time 0, date 0x0021). */
    ck_assert_uint_eq(first[10] | first[11] << 8, 0);
    ck_assert_uint_eq(first[12] | first[13] << 8, 0x21);
    free(first);
    free(saved);
    fs_doc_free(doc);
    fs_fontset_free(fonts);
    fs_diags_clear(&d);
}
END_TEST

START_TEST(test_package_office_fonts)
{
    fs_diags d = {0};
    fs_fontset *fonts = load_fonts(FONTS_CONF, &d);
    fs_doc *doc = make_doc();
    size_t len;
    unsigned char *out = render(doc, fonts, 1, &len);
    pkg k = {0};
    xmlDocPtr ft, dx, settings;

    pkg_read(&k, out, len);
    check_package(&k);
    ck_assert_int_lt(pkg_find(&k, "word/_rels/fontTable.xml.rels"), 0);
    for (size_t i = 0; i < k.n; i++)
        ck_assert_msg(!strstr(k.names[i], ".odttf"), "%s embedded", k.names[i]);
    ft = pkg_xml(&k, "word/fontTable.xml");
    ck_assert_int_eq(xp_num(ft, "//w:font[@w:name='宋体']/w:charset[@w:val='86']"), 1);
    ck_assert_int_eq(xp_num(ft, "//w:font[@w:name='黑体']"), 1);
    ck_assert_int_eq(xp_num(ft, "//w:font[@w:name='楷体']"), 1);
    ck_assert_int_eq(xp_num(ft, "//w:embedRegular"), 0);
    dx = pkg_xml(&k, "word/document.xml");
    check_tables(dx);
    ck_assert_int_eq(xp_num(dx, "//w:rFonts[@w:eastAsia!='宋体' and "
                                "@w:eastAsia!='黑体' and @w:eastAsia!='楷体']"), 0);
    ck_assert_int_eq(xp_num(dx, "//w:rFonts[@w:eastAsia='楷体']"), 1);
    check_office_names(&k);
    settings = pkg_xml(&k, "word/settings.xml");
    ck_assert_int_eq(xp_num(settings, "//w:embedTrueTypeFonts"), 0);
    xmlFreeDoc(settings);
    xmlFreeDoc(dx);
    xmlFreeDoc(ft);
    pkg_free(&k);
    free(out);
    fs_doc_free(doc);
    fs_fontset_free(fonts);
    fs_diags_clear(&d);
}
END_TEST

/* The optional roles: 仿宋 and 小标宋 text names 仿宋 and 方正小标宋简体,
 * each embedding a subset of the face that draws it (the default fonts.conf
 * gives both the song faces: AR PL UMing, as AR PL SungtiL GB may not be
 * embedded). */
START_TEST(test_fangsong_roles)
{
    fs_diags d = {0};
    fs_fontset *fonts = load_fonts(FONTS_CONF, &d);
    fs_doc *doc = fs_doc_new();
    fs_para *p = fs_doc_add_para(doc, FS_ALIGN_CENTER);
    size_t len;
    unsigned char *out;
    pkg k = {0};
    xmlDocPtr dx;

    p->line_spacing = 1.5;
    p->kind = FS_PARA_TITLE;
    fs_para_add_run(p, "东莞市五星级党组织", FS_ROLE_XIAOBIAOSONG, FS_PT_HAO2, 0, 0);
    p = fs_doc_add_para(doc, FS_ALIGN_JUSTIFY);
    p->line_spacing = 1.5;
    fs_para_add_run(p, "各镇街党委：现将评定标准印发给你们。", FS_ROLE_FANGSONG,
                    FS_PT_HAO3, 0, 0);
    out = render(doc, fonts, 0, &len);
    pkg_read(&k, out, len);
    check_package(&k);
    check_office_names(&k);
    dx = pkg_xml(&k, "word/styles.xml");
    /* The narrative style takes the 仿宋 run's look, the title style the
     * 小标宋 one's. */
    ck_assert_int_eq(xp_num(dx, "count(//w:style[@w:styleId='FsNarrative']"
                            "//w:rFonts[@w:eastAsia='仿宋'])"), 1);
    ck_assert_int_eq(xp_num(dx, "count(//w:style[@w:styleId='FsTitle']"
                            "//w:rFonts[@w:eastAsia='方正小标宋简体'])"), 1);
    ck_assert_int_eq(embedded_ps_name(&k, "仿宋", "UMingCN"), 1);
    ck_assert_int_eq(embedded_ps_name(&k, "方正小标宋简体", "UMingCN"), 1);
    xmlFreeDoc(dx);
    pkg_free(&k);
    free(out);
    fs_doc_free(doc);
    fs_fontset_free(fonts);
    fs_diags_clear(&d);
}
END_TEST

/* A licensed 仿宋_GB2312 configured for the fangsong role (here LXGW
 * WenKai renamed FangSong_GB2312 by fontTools): the fontset draws 仿宋 text
 * with it, and the DOCX names it 仿宋_GB2312 and embeds a subset of it. */
START_TEST(test_fangsong_configured)
{
    char *dir = tu_tmpdir(), *conf, *font, *cmd, *text;
    fs_diags d = {0};
    fs_fontset *fonts;
    fs_doc *doc;
    fs_para *p;
    size_t len;
    unsigned char *out;
    pkg k = {0};
    int fs_face;

    if (system("/usr/bin/python3 -c 'import fontTools' 2>/dev/null") != 0) {
        fprintf(stderr, "test-docx: SKIP configured 仿宋: python3-fonttools missing\n");
        free(dir);
        return;
    }
    if (asprintf(&font, "%s/fangsong.ttf", dir) < 0 ||
        asprintf(&cmd, "/usr/bin/python3 -c \"import sys; from fontTools.ttLib import TTFont; "
                 "f = TTFont('/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf'); "
                 "n = f['name']; [n.removeNames(nameID=i) for i in (1, 4, 6, 16, 17)]; "
                 "[n.setName(v, i, 3, 1, 0x409) for i, v in ((1, 'FangSong_GB2312'), "
                 "(4, 'FangSong_GB2312'), (6, 'FangSong_GB2312'))]; f.save(sys.argv[1])\" %s",
                 font) < 0 ||
        asprintf(&conf, "%s/fonts.conf", dir) < 0)
        abort();
    ck_assert_int_eq(system(cmd), 0);
    text = fs_printf("song = /usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf\n"
                     "hei = /usr/share/fonts/truetype/wqy/wqy-microhei.ttc 0\n"
                     "kai = /usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf\n"
                     "latin = /usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf\n"
                     "fallback = /usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf\n"
                     "fangsong = %s\n"
                     "editable = /usr/share/fonts/truetype/arphic/uming.ttc 0\n", font);
    tu_write(conf, text, strlen(text));
    fonts = load_fonts(conf, &d);
    fs_face = fs_fontset_role_face(fonts, FS_ROLE_FANGSONG);
    ck_assert_int_ne(fs_face, fs_fontset_role_face(fonts, FS_ROLE_SONG));
    ck_assert_str_eq(fs_fontset_face_family(fonts, fs_face), "FangSong_GB2312");
    ck_assert_int_eq(fs_fontset_pick(fonts, FS_ROLE_FANGSONG, 0x4EFF), fs_face);  /* 仿 */
    doc = fs_doc_new();
    p = fs_doc_add_para(doc, FS_ALIGN_JUSTIFY);
    p->line_spacing = 1.5;
    fs_para_add_run(p, "现将评定标准印发给你们。", FS_ROLE_FANGSONG, FS_PT_HAO3, 0, 0);
    out = render(doc, fonts, 0, &len);
    pkg_read(&k, out, len);
    check_package(&k);
    check_office_names(&k);
    ck_assert_int_eq(embedded_ps_name(&k, "仿宋_GB2312", "FangSong_GB2312"), 1);
    pkg_free(&k);
    free(out);
    fs_doc_free(doc);
    fs_fontset_free(fonts);
    fs_diags_clear(&d);
    free(text);
    free(cmd);
    free(conf);
    free(font);
    free(dir);
}
END_TEST

/* A fontset whose song font (AR PL SungtiL GB, fsType 4) has an allowed
 * font of the same style in the set (AR PL UMing as fallback): the DOCX
 * names and embeds that one for song text. */
START_TEST(test_song_substitute)
{
    char *dir = tu_tmpdir(), *conf;
    const char *text =
        "song = /usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf\n"
        "hei = /usr/share/fonts/truetype/wqy/wqy-microhei.ttc 0\n"
        "kai = /usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf\n"
        "latin = /usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf\n"
        "fallback = /usr/share/fonts/truetype/arphic/uming.ttc 0\n";
    fs_diags d = {0};
    fs_fontset *fonts;
    fs_doc *doc = make_doc();
    size_t len;
    unsigned char *out;
    pkg k = {0};
    xmlDocPtr dx, ft, st;

    if (asprintf(&conf, "%s/fonts.conf", dir) < 0)
        abort();
    tu_write(conf, text, strlen(text));
    fonts = load_fonts(conf, &d);
    out = render(doc, fonts, 0, &len);
    pkg_read(&k, out, len);
    check_package(&k);
    dx = pkg_xml(&k, "word/document.xml");
    ck_assert_int_eq(xp_num(dx, "//w:rFonts[starts-with(@w:eastAsia, 'AR PL SungtiL GB')]"), 0);
    st = pkg_xml(&k, "word/styles.xml");
    ck_assert_int_eq(xp_num(st, "//w:style[@w:styleId='FsTableText']/w:rPr/"
                            "w:rFonts[@w:eastAsia='宋体']"), 1);
    ck_assert_int_eq(xp_num(st, "//w:rPrDefault//w:rFonts[@w:eastAsia='宋体']"), 1);
    xmlFreeDoc(st);
    ft = pkg_xml(&k, "word/fontTable.xml");
    ck_assert_int_eq(xp_num(ft, "//w:font[@w:name='宋体'][w:altName/@w:val='SimSun']"
                            "/w:embedRegular"), 1);
    ck_assert_int_eq(embedded_ps_name(&k, "宋体", "UMingCN"), 1);
    ck_assert_int_ge(check_fonts(&k), 4);
    xmlFreeDoc(ft);
    xmlFreeDoc(dx);
    pkg_free(&k);
    free(out);
    fs_doc_free(doc);
    fs_fontset_free(fonts);
    fs_diags_clear(&d);
    free(conf);
    free(dir);
}
END_TEST

/* ------------------------------------------------------------------------
 * Other readers: python-docx and LibreOffice (when installed).
 * ---------------------------------------------------------------------- */

/* Writes the synthetic document with the default fonts to DIR/NAME and
 * returns the path (malloc'd). */
static char *write_sample(const char *dir, const char *name, int office)
{
    fs_diags d = {0};
    fs_fontset *fonts = load_fonts(FONTS_CONF, &d);
    fs_doc *doc = make_doc();
    size_t len;
    unsigned char *out = render(doc, fonts, office, &len);
    char *path;

    if (asprintf(&path, "%s/%s", dir, name) < 0)
        abort();
    ck_assert_int_eq(fs_write_atomic(path, out, len), FS_OK);
    free(out);
    fs_doc_free(doc);
    fs_fontset_free(fonts);
    fs_diags_clear(&d);
    return path;
}

START_TEST(test_python_docx)
{
    char *dir, *path, *cmd, *out = NULL, *err = NULL;
    fs_buf args = {0};
    int st;

    if (system("/usr/bin/python3 -c 'import docx' >/dev/null 2>&1") != 0) {
        fprintf(stderr, "test-docx: SKIP python-docx check: Debian's "
                "python3-docx is not installed\n");
        return;
    }
    dir = tu_tmpdir();
    path = write_sample(dir, "sample.docx", 0);
    for (size_t i = 0; i < sizeof expect_texts / sizeof *expect_texts; i++)
        fs_buf_printf(&args, " --expect-text '%s'", expect_texts[i]);
    if (asprintf(&cmd, "/usr/bin/python3 tests/docx_check.py %s%s --tables 3 "
                 "--table 2 --table-rows 8 --table-cols 6 --header-rows 1 "
                 "--merge 2,1,3,1 --merge 5,1,3,1 --merge 8,1,1,4 "
                 "--cell 1,3=评定标准 --cell 8,1=合计 --cell 2,1='一、班子建设\n（20分）' "
                 "--table 3 --table-rows 2 --merge 1,2,1,3",
                 path, args.s) < 0)
        abort();
    st = tu_run(cmd, &out, &err);
    ck_assert_msg(st == 0, "docx_check.py failed (%d):\n%.1000s%.1000s", st, out, err);

    /* Every part is valid against the ECMA-376 schemas, with office fonts
     * too. */
    {
        char *office = write_sample(dir, "office.docx", 1), *both;

        if (asprintf(&both, "%s %s", path, office) < 0)
            abort();
        tu_docx_valid(both);
        free(both);
        free(office);
    }

    /* And it notices a mismatch. */
    free(cmd);
    free(out);
    free(err);
    if (asprintf(&cmd, "/usr/bin/python3 tests/docx_check.py %s --table 2 "
                 "--table-rows 9 --expect-text 不存在的文字", path) < 0)
        abort();
    st = tu_run(cmd, &out, &err);
    ck_assert_int_eq(st, 1);
    ck_assert_msg(strstr(err, "9") && strstr(err, "不存在的文字"),
                  "unclear message: %s", err);
    free(cmd);
    free(out);
    free(err);
    fs_buf_free(&args);
    free(path);
    free(dir);
}
END_TEST

START_TEST(test_libreoffice)
{
    char *dir, *path, *cmd, *out = NULL, *err = NULL, *text;
    char *fcconf, *fcpath;
    int st;

    if (system("command -v soffice >/dev/null && command -v pdffonts >/dev/null") != 0) {
        fprintf(stderr, "test-docx: SKIP LibreOffice check: soffice or "
                "pdffonts is not installed\n");
        return;
    }
    dir = tu_tmpdir();
    path = write_sample(dir, "sample.docx", 0);
    if (asprintf(&fcconf,
                 "<?xml version=\"1.0\"?>\n<!DOCTYPE fontconfig SYSTEM \"fonts.dtd\">\n"
                 "<fontconfig><dir>/usr/share/fonts/truetype/dejavu</dir>"
                 "<cachedir>%s/fc-cache</cachedir></fontconfig>\n", dir) < 0 || asprintf(&fcpath, "%s/fonts.conf", dir) < 0)
        abort();
    tu_write(fcpath, fcconf, strlen(fcconf));
    /* No CJK font visible: what is drawn comes from the embedded fonts. */
    if (asprintf(&cmd, "FONTCONFIG_FILE=%s fc-list :lang=zh file", fcpath) < 0)
        abort();
    tu_run(cmd, &out, NULL);
    ck_assert_msg(out && !*out, "the fontconfig still offers CJK "
                  "fonts: %s", out ? out : "(no output)");
    free(cmd);
    free(out);
    if (asprintf(&cmd, "cd %s && FONTCONFIG_FILE=%s soffice "
                 "-env:UserInstallation=file://%s/lo-profile --headless "
                 "--convert-to pdf sample.docx && pdffonts sample.pdf && "
                 "pdftotext sample.pdf -", dir, fcpath, dir) < 0)
        abort();
    st = tu_run(cmd, &out, &err);
    ck_assert_msg(st == 0, "soffice failed (%d): %.1500s", st, err);
    text = out;
    /* The embedded subsets drew the text (their PostScript names are the
     * families without spaces); nothing is missing. */
    static const char *const faces[] = {
        "LiberationSerif", "UMingCN", "WenQuanYiMicroHei", "LXGWWenKai",
    };
    for (size_t i = 0; i < sizeof faces / sizeof *faces; i++)
        ck_assert_msg(strstr(text, faces[i]) != NULL, "pdffonts lacks %s:\n%.1500s",
                      faces[i], text);
    /* Spaces and line ends aside (pdftotext puts a space where Latin text
     * meets CJK, and lines break), every text is there. */
    text = tu_squeeze(out, 1);
    for (size_t i = 0; i < sizeof expect_texts / sizeof *expect_texts; i++) {
        char *want = tu_squeeze(expect_texts[i], 1);

        ck_assert_msg(strstr(text, want) != NULL, "pdftotext lacks \"%s\"", want);
        free(want);
    }
    ck_assert_msg(strstr(text, "—1—") && strstr(text, "—2—"),
                  "no page numbers in the text");
    free(text);
    free(cmd);
    free(out);
    free(err);
    /* pdftotext also "finds" characters drawn as empty boxes: every
     * character must have a real glyph in the font that draws it. */
    if (asprintf(&cmd, "/usr/bin/python3 tests/pdf_fonts.py %s/sample.pdf", dir) < 0)
        abort();
    st = tu_run(cmd, &out, &err);
    ck_assert_msg(st == 0, "pdf_fonts.py (%d): %.1500s", st, err);
    free(cmd);
    free(out);
    free(err);
    free(fcconf);
    free(fcpath);
    free(path);
    free(dir);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("docx");
    TCase *xml = tcase_create("xml");
    TCase *pk = tcase_create("package");
    TCase *ext = tcase_create("readers");

    tcase_add_test(xml, test_cell_merge_xml);
    tcase_add_test(xml, test_row_xml);
    tcase_add_test(xml, test_run_xml);
    tcase_add_test(xml, test_para_xml);
    tcase_add_test(xml, test_sectpr_xml);
    tcase_add_test(xml, test_obfuscation);
    tcase_add_test(xml, test_fstype_rule);
    tcase_add_test(xml, test_style_classes);
    suite_add_tcase(s, xml);
    tcase_set_timeout(pk, 60);
    tcase_add_test(pk, test_package_embedded);
    tcase_add_test(pk, test_package_time_zone);
    tcase_add_test(pk, test_zip_writer);
    tcase_add_test(pk, test_package_office_fonts);
    tcase_add_test(pk, test_song_substitute);
    tcase_add_test(pk, test_fangsong_roles);
    tcase_add_test(pk, test_fangsong_configured);
    suite_add_tcase(s, pk);
    tcase_set_timeout(ext, 180);
    tcase_add_test(ext, test_python_docx);
    tcase_add_test(ext, test_libreoffice);
    suite_add_tcase(s, ext);
    return tu_main(s);
}
