/*
 * test-pdf.c - tests of the document model builders (src/fs-doc.c) and the
 * PDF typesetter (src/fs-pdf.c), with check.
 *
 * Synthetic documents are rendered and read back with poppler-utils
 * (pdfinfo, pdftotext, pdffonts) and qpdf: a paragraph over three pages, a
 * 60-row table whose header repeats and whose merged section cells repeat
 * their labels across page breaks, a 5000-character cell split over pages,
 * a 45 mm min_height, GB/T 9704 page numbers, A4, clean structure,
 * embedded subset fonts, Chinese metadata and byte-identical output.
 * Needs the Debian fonts of fonts/fonts.conf (or $FS_TEST_FONTS_CONF);
 * runs from the project's root.  The PDFs stay in a temporary folder
 * (printed on failure).  Exit status 1 when a test fails.
 */
#include "testutil.h"

#include "fs-doc.h"
#include "fs-pdf.h"

#include <math.h>
#include <regex.h>

#define MM (72.0 / 25.4)
#define A4_W (210 * MM)
#define A4_H (297 * MM)

/* Text block of the default page setup (GB/T 9704), points. */
#define BLOCK_LEFT (28 * MM)
#define BLOCK_RIGHT (A4_W - 26 * MM)
#define BLOCK_BOTTOM (A4_H - 35 * MM)

static const char *const SENTENCES[] = {
    "党支部坚持以习近平新时代中国特色社会主义思想为指导，认真落实“三会一课”制度。",
    "全年共召开支部委员会12次、党员大会4次，党小组会每月一次，书记讲党课4次。",
    "支部把业务骨干培养成党员，把党员培养成业务骨干，2017年发展党员2名。",
    "党员活动室面积约60平方米，配备党旗、党徽、入党誓词墙和档案资料柜。",
    "（一）坚持问题导向，针对党员干部中出现的苗头性、倾向性问题，及时开展谈心提醒。",
    "支部在各服务站点设立“党员先锋岗”11个，累计服务群众6800余人次……",
};

/* ------------------------------------------------------------------------
 * Helpers.
 * ---------------------------------------------------------------------- */

static const char *fonts_conf(void)
{
    const char *c = getenv("FS_TEST_FONTS_CONF");

    return c && *c ? c : "fonts/fonts.conf";
}

/* The default fontset; the test fails when it cannot be loaded. */
static fs_fontset *load_fonts(void)
{
    fs_diags d = {0};
    fs_error err;
    fs_fontset *fs = fs_fontset_load(fonts_conf(), &d, &err);

    if (!fs)
        fs_diags_print(&d, stderr);
    ck_assert_msg(fs != NULL, "cannot load %s", fonts_conf());
    fs_diags_clear(&d);
    return fs;
}

/* A new document with metadata and a source file name. */
static fs_doc *new_doc(void)
{
    fs_doc *doc = fs_doc_new();

    fs_doc_set_meta(doc, "测试文档：评定标准", "中共东莞市某某支部委员会",
                    "东莞市社会组织“五星级党组织”评定标准", "fivestar");
    doc->keywords = fs_strdup("五星级党组织,测试");
    doc->source_file = fs_strdup("test.xml");
    return doc;
}

/* N characters of Chinese text (whole sentences cut to length), malloc'd. */
static char *chinese(size_t n)
{
    fs_buf b = {0};
    size_t count = 0, k = 0;

    fs_buf_adds(&b, "");
    while (count < n) {
        const char *s = SENTENCES[k++ % (sizeof SENTENCES / sizeof *SENTENCES)];

        while (*s && count < n) {
            const char *p = s;

            fs_utf8_next(&s);
            fs_buf_add(&b, p, (size_t)(s - p));
            count++;
        }
    }
    return b.s;
}

/* Renders DOC into DIR/NAME.pdf (DIAGS may be NULL); returns the malloc'd
 * path.  Fails the test when rendering fails. */
static char *render(fs_doc *doc, const char *dir, const char *name, fs_diags *diags)
{
    fs_fontset *fs = load_fonts();
    fs_diags local = {0};
    unsigned char *data = NULL;
    size_t len = 0;
    fs_error err = fs_pdf_render(doc, fs, NULL, diags ? diags : &local, &data, &len);
    char *path = fs_printf("%s/%s.pdf", dir, name);

    if (err != FS_OK)
        fs_diags_print(diags ? diags : &local, stderr);
    ck_assert_int_eq(err, FS_OK);
    ck_assert_uint_gt(len, 1000);
    ck_assert(memcmp(data, "%PDF-", 5) == 0);
    tu_write(path, (const char *)data, len);
    free(data);
    fs_diags_clear(&local);
    fs_fontset_free(fs);
    return path;
}

/* Runs CMD and returns its standard output (malloc'd); the test fails when
 * it exits non-zero or writes to standard error. */
static char *run_ok(const char *cmd)
{
    char *out = NULL, *err = NULL;
    int st = tu_run(cmd, &out, &err);

    ck_assert_msg(st == 0, "%s: exit %d: %s", cmd, st, err ? err : "");
    ck_assert_msg(err && !*err, "%s: stderr: %s", cmd, err ? err : "");
    free(err);
    return out;
}

/* The page count of PDF. */
static int page_count(const char *pdf)
{
    char *cmd = fs_printf("pdfinfo '%s'", pdf);
    char *out = run_ok(cmd), *p = strstr(out, "\nPages:");
    int n;

    ck_assert_ptr_nonnull(p);
    n = atoi(p + 7);
    free(out);
    free(cmd);
    return n;
}

/* The text of page PAGE of PDF (pdftotext, -layout when LAYOUT). */
static char *page_text(const char *pdf, int page, int layout)
{
    char *cmd = fs_printf("pdftotext %s -f %d -l %d '%s' -", layout ? "-layout" : "",
                          page, page, pdf);
    char *out = run_ok(cmd);

    free(cmd);
    return out;
}

/* S without white space (ASCII and U+3000) and without page numbers
 * "—N—" on lines of their own; malloc'd. */
static char *body_text(const char *s)
{
    fs_buf b = {0};

    fs_buf_adds(&b, "");
    while (*s) {
        const char *line = s, *end = strchr(s, '\n');
        size_t n = end ? (size_t)(end - s) : strlen(s);
        regex_t re;
        char *copy = fs_printf("%.*s", (int)n, line);
        int pagenum;

        ck_assert_int_eq(regcomp(&re, "^\f?\xE2\x80\x94 *[0-9]+ *\xE2\x80\x94 *$",
                                 REG_EXTENDED | REG_NOSUB), 0);
        pagenum = regexec(&re, copy, 0, NULL, 0) == 0;
        regfree(&re);
        for (const char *p = copy; *p && !pagenum;) {
            const char *q = p;
            uint32_t cp = fs_utf8_next(&p);

            if (cp != ' ' && cp != '\f' && cp != '\t' && cp != '\r' && cp != 0x3000)
                fs_buf_add(&b, q, (size_t)(p - q));
        }
        free(copy);
        s += n + (end != NULL);
    }
    return b.s;
}

/* Removes every occurrence of NEEDLE from S in place. */
static void remove_all(char *s, const char *needle)
{
    size_t n = strlen(needle);
    char *p;

    while ((p = strstr(s, needle)) != NULL)
        memmove(p, p + n, strlen(p + n) + 1);
}

/* Word boxes of page PAGE of PDF from pdftotext -bbox: each word with its
 * box.  Returns how many, the arrays malloc'd. */
typedef struct word {
    char *text;
    double x0, y0, x1, y1;
} word;

static size_t page_words(const char *pdf, int page, word **out)
{
    char *cmd = fs_printf("pdftotext -bbox -f %d -l %d '%s' -", page, page, pdf);
    char *xml = run_ok(cmd), *p = xml;
    word *w = NULL;
    size_t n = 0;

    while ((p = strstr(p, "<word ")) != NULL) {
        word x;
        char *gt = strchr(p, '>'), *end = gt ? strstr(gt, "</word>") : NULL;

        ck_assert_ptr_nonnull(end);
        ck_assert_int_eq(sscanf(p, "<word xMin=\"%lf\" yMin=\"%lf\" xMax=\"%lf\" yMax=\"%lf\"",
                                &x.x0, &x.y0, &x.x1, &x.y1), 4);
        x.text = fs_printf("%.*s", (int)(end - gt - 1), gt + 1);
        w = fs_xrealloc(w, (n + 1) * sizeof *w);
        w[n++] = x;
        p = end;
    }
    free(xml);
    free(cmd);
    *out = w;
    return n;
}

static void words_free(word *w, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(w[i].text);
    free(w);
}

/* The first word of W[0..N) containing TEXT, or NULL. */
static const word *find_word(const word *w, size_t n, const char *text)
{
    for (size_t i = 0; i < n; i++)
        if (strstr(w[i].text, text))
            return &w[i];
    return NULL;
}

/* Adds a paragraph of TEXT to DOC: 小四 song, justified, indented two
 * characters, line spacing 1.5. */
static fs_para *body_para(fs_doc *doc, const char *text, long line)
{
    fs_para *p = fs_doc_add_para(doc, FS_ALIGN_JUSTIFY);

    p->indent_chars = 2;
    p->line_spacing = 1.5;
    fs_para_add_run(p, text, FS_ROLE_SONG, FS_PT_XIAO4, 0, line);
    return p;
}

static const char *const SECTION[] = {
    "一、班子建设", "二、队伍建设", "三、阵地建设", "四、制度建设", "五、廉政建设", "六、品牌建设"
};

/* A 附件1-like table: a header row and 60 item rows in 6 sections of 10,
 * each section's first column one merged cell with repeat_label. */
static void scores_table(fs_doc *doc)
{
    static const double w[6] = {26, 10, 68, 28, 10, 14};
    static const char *const head[6] = {"评定项目", "序号", "评定标准", "检查内容", "分值", "自评分"};
    fs_table *t = fs_doc_add_table(doc, 6, w);
    fs_row *r = fs_table_add_row(t, FS_ROW_HEADER | FS_ROW_CANT_SPLIT, 0);
    int n = 0;

    t->pad_x = 1;
    t->pad_y = 1.2;
    for (int k = 0; k < 6; k++)
        fs_cell_add_text(fs_row_add_cell(t, r, 1, 1, FS_VALIGN_CENTER), head[k],
                         FS_ALIGN_CENTER, 0, FS_ROLE_HEI, FS_PT_HAO5, 0);
    for (int s = 0; s < 6; s++)
        for (int i = 0; i < 10; i++) {
            char num[16], std[512];
            fs_cell *c;

            n++;
            r = fs_table_add_row(t, 0, 0);
            if (i == 0) {
                char label[64];

                c = fs_row_add_cell(t, r, 1, 10, FS_VALIGN_CENTER);
                c->repeat_label = 1;
                snprintf(label, sizeof label, "%s\n（20分）", SECTION[s]);
                fs_cell_add_text(c, label, FS_ALIGN_CENTER, 0, FS_ROLE_SONG, FS_PT_HAO5, 0);
            }
            snprintf(num, sizeof num, "%d", n);
            snprintf(std, sizeof std, "第%d项：%s", n, i % 3 ? SENTENCES[i % 4]
                     : "按规定设立党组织，班子健全，支部委员会按期换届，书记和委员分工明确，职责清楚。");
            fs_cell_add_text(fs_row_add_cell(t, r, 1, 1, FS_VALIGN_CENTER), num,
                             FS_ALIGN_CENTER, 0, FS_ROLE_SONG, FS_PT_HAO5, 0);
            fs_cell_add_text(fs_row_add_cell(t, r, 1, 1, FS_VALIGN_CENTER), std,
                             FS_ALIGN_JUSTIFY, 0, FS_ROLE_SONG, FS_PT_HAO5, 0);
            fs_cell_add_text(fs_row_add_cell(t, r, 1, 1, FS_VALIGN_CENTER), "会议记录",
                             FS_ALIGN_LEFT, 0, FS_ROLE_SONG, FS_PT_HAO5, 0);
            fs_cell_add_text(fs_row_add_cell(t, r, 1, 1, FS_VALIGN_CENTER), "2",
                             FS_ALIGN_CENTER, 0, FS_ROLE_SONG, FS_PT_HAO5, 0);
            fs_cell_add_text(fs_row_add_cell(t, r, 1, 1, FS_VALIGN_CENTER), "1.5",
                             FS_ALIGN_CENTER, 0, FS_ROLE_SONG, FS_PT_HAO5, 0);
        }
}

/* ------------------------------------------------------------------------
 * The model.
 * ---------------------------------------------------------------------- */

START_TEST(test_doc_grid)
{
    static const double w[4] = {20, 30, 40, 66};
    fs_doc *doc = fs_doc_new();
    fs_table *t = fs_doc_add_table(doc, 4, w);
    fs_row *r;
    int cols[8], k = 0;

    ck_assert(fabs(fs_table_width(t) - 156) < 0.01);
    r = fs_table_add_row(t, 0, 0);
    cols[k++] = fs_row_add_cell(t, r, 1, 3, FS_VALIGN_CENTER)->col;   /* A: rows 0-2 */
    cols[k++] = fs_row_add_cell(t, r, 2, 1, FS_VALIGN_TOP)->col;      /* B */
    cols[k++] = fs_row_add_cell(t, r, 1, 2, FS_VALIGN_TOP)->col;      /* C: rows 0-1 */
    r = fs_table_add_row(t, 0, 0);
    cols[k++] = fs_row_add_cell(t, r, 1, 1, FS_VALIGN_TOP)->col;      /* col 1 */
    cols[k++] = fs_row_add_cell(t, r, 1, 1, FS_VALIGN_TOP)->col;      /* col 2 */
    r = fs_table_add_row(t, 0, 0);
    cols[k++] = fs_row_add_cell(t, r, 3, 1, FS_VALIGN_TOP)->col;      /* cols 1-3 */
    r = fs_table_add_row(t, 0, 0);
    cols[k++] = fs_row_add_cell(t, r, 0, -1, FS_VALIGN_TOP)->col;     /* col 0 */
    ck_assert_int_eq(cols[0], 0);
    ck_assert_int_eq(cols[1], 1);
    ck_assert_int_eq(cols[2], 3);
    ck_assert_int_eq(cols[3], 1);
    ck_assert_int_eq(cols[4], 2);
    ck_assert_int_eq(cols[5], 1);
    ck_assert_int_eq(cols[6], 0);
    ck_assert_int_eq(t->rows[3].cells[0].colspan, 1);
    ck_assert_int_eq(t->rows[3].cells[0].rowspan, 1);
    /* A row whose every column is covered puts the cell past the grid. */
    r = fs_table_add_row(t, 0, 0);
    fs_row_add_cell(t, r, 4, 1, FS_VALIGN_TOP);
    ck_assert_int_eq(fs_row_add_cell(t, r, 1, 1, FS_VALIGN_TOP)->col, 4);
    fs_doc_free(doc);
}
END_TEST

START_TEST(test_doc_text)
{
    fs_doc *doc = fs_doc_new();
    static const double w[1] = {156};
    fs_table *t = fs_doc_add_table(doc, 1, w);
    fs_cell *c = fs_row_add_cell(t, fs_table_add_row(t, 0, 0), 1, 1, FS_VALIGN_TOP);

    ck_assert(fabs(doc->page.width - 210) < 1e-9 && fabs(doc->page.height - 297) < 1e-9);
    ck_assert(fs_exact_eq(doc->page.top, 37) && fs_exact_eq(doc->page.bottom, 35) &&
              fs_exact_eq(doc->page.left, 28) && fs_exact_eq(doc->page.right, 26));
    ck_assert_int_eq(doc->page.pagenum, FS_PAGENUM_GBT9704);
    fs_cell_add_text(c, "第一段\n第二段\n\n第四段", FS_ALIGN_JUSTIFY, 2, FS_ROLE_KAI, 12, 42);
    ck_assert_uint_eq(c->nparas, 4);
    ck_assert_str_eq(c->paras[0].runs[0].text, "第一段");
    ck_assert_str_eq(c->paras[1].runs[0].text, "第二段");
    ck_assert_uint_eq(c->paras[2].nruns, 1);
    ck_assert_str_eq(c->paras[2].runs[0].text, "");
    ck_assert_str_eq(c->paras[3].runs[0].text, "第四段");
    for (size_t i = 0; i < 4; i++) {
        ck_assert_int_eq(c->paras[i].align, FS_ALIGN_JUSTIFY);
        ck_assert(fs_exact_eq(c->paras[i].indent_chars, 2));
        ck_assert_int_eq(c->paras[i].runs[0].role, FS_ROLE_KAI);
        ck_assert(fs_exact_eq(c->paras[i].runs[0].size, 12));
        ck_assert_int_eq(c->paras[i].runs[0].line, 42);
    }
    fs_cell_add_text(c, NULL, FS_ALIGN_LEFT, 0, FS_ROLE_SONG, 12, 0);
    ck_assert_uint_eq(c->nparas, 5);
    /* Many runs, blocks and page breaks: the arrays grow. */
    for (int i = 0; i < 100; i++) {
        fs_para *p = fs_doc_add_para(doc, FS_ALIGN_LEFT);

        for (int k = 0; k < 9; k++)
            fs_para_add_run(p, "字", FS_ROLE_SONG, 12, 0, k);
        fs_doc_add_page_break(doc);
    }
    ck_assert_uint_eq(doc->nblocks, 201);
    ck_assert_uint_eq(doc->blocks[199].u.para->nruns, 9);
    ck_assert_int_eq(doc->blocks[200].kind, FS_BLOCK_PAGE_BREAK);
    fs_doc_set_meta(doc, "标题", NULL, "主题", "fivestar");
    ck_assert_str_eq(doc->title, "标题");
    ck_assert_ptr_null(doc->author);
    fs_doc_free(doc);
    fs_doc_free(NULL);
}
END_TEST

/* ------------------------------------------------------------------------
 * Rendering.
 * ---------------------------------------------------------------------- */

/* A long paragraph flows over three pages; its text comes back whole and
 * in order; every page is A4; justified lines end at the block's edge. */
START_TEST(test_long_paragraph)
{
    char *dir = tu_tmpdir(), *text = chinese(3400), *path, *want;
    fs_doc *doc = new_doc();
    fs_buf got = {0};
    int pages;

    body_para(doc, text, 3);
    path = render(doc, dir, "paragraph", NULL);
    pages = page_count(path);
    ck_assert_msg(pages == 3, "%s: %d pages", path, pages);
    fs_buf_adds(&got, "");
    for (int i = 1; i <= pages; i++) {
        char *t = page_text(path, i, 0), *s = body_text(t);

        ck_assert_msg(strlen(s) > 1000, "page %d nearly empty", i);
        fs_buf_adds(&got, s);
        free(s);
        free(t);
    }
    want = body_text(text);
    ck_assert_msg(strcmp(got.s, want) == 0, "%s: text differs", path);

    /* Every page A4. */
    {
        char *cmd = fs_printf("pdfinfo -f 1 -l %d '%s'", pages, path);
        char *out = run_ok(cmd), *p = out;
        int n = 0;

        while ((p = strstr(p, "\nPage ")) != NULL) {
            p += 6;
            p += strspn(p, " ");
            p += strspn(p, "0123456789");
            if (strncmp(p, " size:", 6) != 0)
                continue;
            p += 6 + strspn(p + 6, " ");
            ck_assert_msg(strncmp(p, "595.276 x 841.89 pts (A4)", 25) == 0,
                          "not A4: %.40s", p);
            n++;
        }
        ck_assert_int_eq(n, pages);
        free(out);
        free(cmd);
    }

    /* Justified: lines of page 2 (all full lines) end at the right edge. */
    {
        char *cmd = fs_printf("pdftotext -bbox-layout -f 2 -l 2 '%s' -", path);
        char *xml = run_ok(cmd), *p = xml;
        int lines = 0;

        while ((p = strstr(p, "<line xMin=")) != NULL) {
            double x0, y0, x1, y1;

            ck_assert_int_eq(sscanf(p, "<line xMin=\"%lf\" yMin=\"%lf\" xMax=\"%lf\" yMax=\"%lf\"",
                                    &x0, &y0, &x1, &y1), 4);
            p++;
            if (y0 > BLOCK_BOTTOM)
                continue;               /* the page number */
            ck_assert_msg(fabs(x0 - BLOCK_LEFT) < 0.6, "line starts at %g", x0);
            ck_assert_msg(fabs(x1 - BLOCK_RIGHT) < 0.6, "line ends at %g", x1);
            lines++;
        }
        ck_assert_int_ge(lines, 25);
        free(xml);
        free(cmd);
    }
    free(want);
    fs_buf_free(&got);
    free(path);
    free(text);
    fs_doc_free(doc);
    free(dir);
}
END_TEST

/* The header row is on every page; a section's merged cell shows its
 * label on every page where one of its items is; at least one section
 * crosses a page break. */
START_TEST(test_table_repeat)
{
    char *dir = tu_tmpdir(), *path;
    fs_doc *doc = new_doc();
    int pages, crossing = 0, last_section_page[6] = {0};
    fs_para *p = fs_doc_add_para(doc, FS_ALIGN_CENTER);

    fs_para_add_run(p, "评定标准测试表", FS_ROLE_SONG, FS_PT_HAO2, 0, 0);
    p->space_after = 6;
    p->keep_with_next = 1;
    scores_table(doc);
    path = render(doc, dir, "table", NULL);
    pages = page_count(path);
    ck_assert_int_ge(pages, 3);
    for (int pg = 1; pg <= pages; pg++) {
        char *t = page_text(path, pg, 1);

        for (const char *h = "评定项目\0序号\0评定标准\0检查内容\0分值\0自评分\0"; *h; h += strlen(h) + 1)
            ck_assert_msg(strstr(t, h), "page %d lacks header %s", pg, h);
        for (int s = 0; s < 6; s++) {
            int present = 0;

            for (int i = 1; i <= 10; i++) {
                char item[32];

                snprintf(item, sizeof item, "第%d项", s * 10 + i);
                present |= strstr(t, item) != NULL;
            }
            if (!present)
                continue;
            ck_assert_msg(strstr(t, SECTION[s]) != NULL, "page %d: items of %s without its label",
                          pg, SECTION[s]);
            ck_assert_msg(strstr(t, "（20分）") != NULL, "page %d: no points label", pg);
            if (last_section_page[s] && last_section_page[s] != pg)
                crossing++;
            last_section_page[s] = pg;
        }
        free(t);
    }
    ck_assert_msg(crossing >= 1, "no section crosses a page break");
    for (int i = 1; i <= 60; i++) {
        char item[32];
        int found = 0;

        snprintf(item, sizeof item, "第%d项", i);
        for (int pg = 1; pg <= pages && !found; pg++) {
            char *t = page_text(path, pg, 0);

            found = strstr(t, item) != NULL;
            free(t);
        }
        ck_assert_msg(found, "%s missing", item);
    }
    free(path);
    fs_doc_free(doc);
    free(dir);
}
END_TEST

/* A 5000-character narrative cell splits over pages between lines; its
 * label repeats on every page; its text comes back whole. */
START_TEST(test_long_cell)
{
    static const double w[2] = {42, 114};
    char *dir = tu_tmpdir(), *text = chinese(5000), *path, *want;
    fs_doc *doc = new_doc();
    fs_table *t = fs_doc_add_table(doc, 2, w);
    fs_row *r;
    fs_cell *c;
    fs_buf got = {0};
    int pages;

    t->pad_x = t->pad_y = 1.5;
    r = fs_table_add_row(t, FS_ROW_CANT_SPLIT, 13);
    fs_cell_add_text(fs_row_add_cell(t, r, 1, 1, FS_VALIGN_CENTER), "党组织名称",
                     FS_ALIGN_CENTER, 0, FS_ROLE_SONG, FS_PT_XIAO4, 0);
    fs_cell_add_text(fs_row_add_cell(t, r, 1, 1, FS_VALIGN_CENTER), "测试支部",
                     FS_ALIGN_CENTER, 0, FS_ROLE_SONG, FS_PT_XIAO4, 0);
    r = fs_table_add_row(t, 0, 22);
    c = fs_row_add_cell(t, r, 1, 1, FS_VALIGN_CENTER);
    c->repeat_label = 1;
    fs_cell_add_text(c, "班子建设情况", FS_ALIGN_CENTER, 0, FS_ROLE_SONG, FS_PT_XIAO4, 0);
    c = fs_row_add_cell(t, r, 1, 1, FS_VALIGN_TOP);
    fs_cell_add_text(c, text, FS_ALIGN_JUSTIFY, 2, FS_ROLE_SONG, FS_PT_XIAO4, 17);
    r = fs_table_add_row(t, FS_ROW_CANT_SPLIT, 18);
    fs_cell_add_text(fs_row_add_cell(t, r, 1, 1, FS_VALIGN_CENTER), "备注",
                     FS_ALIGN_CENTER, 0, FS_ROLE_SONG, FS_PT_XIAO4, 0);
    fs_cell_add_text(fs_row_add_cell(t, r, 1, 1, FS_VALIGN_TOP), "无",
                     FS_ALIGN_LEFT, 0, FS_ROLE_SONG, FS_PT_XIAO4, 0);

    path = render(doc, dir, "cell", NULL);
    pages = page_count(path);
    ck_assert_int_ge(pages, 5);
    fs_buf_adds(&got, "");
    for (int pg = 1; pg <= pages; pg++) {
        char *pt = page_text(path, pg, 0), *s = body_text(pt);

        ck_assert_msg(strstr(s, "班子建设情况") != NULL, "page %d lacks the label", pg);
        remove_all(s, "班子建设情况");
        remove_all(s, "党组织名称");
        remove_all(s, "测试支部");
        remove_all(s, "备注");
        if (pg == pages) {
            size_t n = strlen(s);

            ck_assert(n >= 3 && strcmp(s + n - 3, "无") == 0);
            s[n - 3] = '\0';
        }
        fs_buf_adds(&got, s);
        free(s);
        free(pt);
    }
    want = body_text(text);
    ck_assert_msg(strcmp(got.s, want) == 0, "%s: narrative text differs", path);
    free(want);
    fs_buf_free(&got);
    free(path);
    free(text);
    fs_doc_free(doc);
    free(dir);
}
END_TEST

/* A row with min_height 45 mm is at least that tall (measured between the
 * tops of the rows' texts, all set at the top of their cells). */
START_TEST(test_min_height)
{
    static const double w[2] = {42, 114};
    char *dir = tu_tmpdir(), *path;
    fs_doc *doc = new_doc();
    fs_table *t = fs_doc_add_table(doc, 2, w);
    const char *label[3] = {"甲栏", "乙栏", "丙栏"};
    double min[3] = {0, 45, 0};
    word *ws;
    size_t n;
    const word *a, *b, *c;

    for (int i = 0; i < 3; i++) {
        fs_row *r = fs_table_add_row(t, FS_ROW_CANT_SPLIT, min[i]);

        fs_cell_add_text(fs_row_add_cell(t, r, 1, 1, FS_VALIGN_TOP), label[i],
                         FS_ALIGN_LEFT, 0, FS_ROLE_SONG, FS_PT_XIAO4, 0);
        fs_cell_add_text(fs_row_add_cell(t, r, 1, 1, FS_VALIGN_BOTTOM),
                         i == 1 ? "（盖章）\n年　月　日" : "内容",
                         FS_ALIGN_RIGHT, 0, FS_ROLE_SONG, FS_PT_XIAO4, 0);
    }
    path = render(doc, dir, "minheight", NULL);
    n = page_words(path, 1, &ws);
    a = find_word(ws, n, "甲栏");
    b = find_word(ws, n, "乙栏");
    c = find_word(ws, n, "丙栏");
    ck_assert(a && b && c);
    ck_assert_msg(c->y0 - b->y0 >= 45 * MM - 0.01, "row is %g mm", (c->y0 - b->y0) / MM);
    ck_assert_msg(c->y0 - b->y0 <= 45 * MM + 0.5, "row is %g mm", (c->y0 - b->y0) / MM);
    ck_assert(b->y0 - a->y0 < 15 * MM);
    words_free(ws, n);
    free(path);
    fs_doc_free(doc);
    free(dir);
}
END_TEST

/* Page numbers "— N —": odd pages right, even pages left, one character
 * in from the text block, 7 mm below it. */
START_TEST(test_pagenums)
{
    char *dir = tu_tmpdir(), *text = chinese(1500), *path;
    fs_doc *doc = new_doc();
    regex_t re;

    body_para(doc, text, 1);
    path = render(doc, dir, "pagenums", NULL);
    ck_assert_int_eq(page_count(path), 2);
    ck_assert_int_eq(regcomp(&re, "\xE2\x80\x94 ?([0-9]+) ?\xE2\x80\x94", REG_EXTENDED), 0);
    for (int pg = 1; pg <= 2; pg++) {
        char *t = page_text(path, pg, 1);
        regmatch_t m[2];
        word *ws;
        size_t n = page_words(path, pg, &ws);
        const word *first = NULL, *last = NULL, *num = NULL;

        ck_assert_msg(regexec(&re, t, 2, m, 0) == 0, "page %d: no page number", pg);
        ck_assert_int_eq(atoi(t + m[1].rm_so), pg);
        for (size_t i = 0; i < n; i++) {
            if (strcmp(ws[i].text, "\xE2\x80\x94") == 0) {
                if (!first)
                    first = &ws[i];
                last = &ws[i];
            }
            if (ws[i].y0 > BLOCK_BOTTOM && strchr("0123456789", ws[i].text[0]))
                num = &ws[i];
        }
        ck_assert(first && last && num && first != last);
        /* cppcheck-suppress nullPointer ; the ck_assert above ends the test when FIRST is NULL */
        ck_assert(first->y0 > BLOCK_BOTTOM);
        if (pg % 2)
            ck_assert_msg(fabs(last->x1 - (BLOCK_RIGHT - 14)) < 0.5, "odd: ends at %g", last->x1);
        else
            ck_assert_msg(fabs(first->x0 - (BLOCK_LEFT + 14)) < 0.5, "even: starts at %g", first->x0);
        /* The dashes' middle about 7 mm below the text block. */
        ck_assert(fabs((first->y0 + first->y1) / 2 - BLOCK_BOTTOM - 7 * MM) < 3 * MM);
        words_free(ws, n);
        free(t);
    }
    regfree(&re);
    free(path);
    free(text);
    fs_doc_free(doc);
    free(dir);
}
END_TEST

/* qpdf finds nothing wrong, every font is an embedded subset with a
 * ToUnicode map, pdftotext complains of nothing, the metadata reads back
 * in Chinese, and a second rendering gives the same bytes. */
START_TEST(test_hygiene)
{
    char *dir = tu_tmpdir(), *text = chinese(600), *path, *out, *cmd;
    fs_doc *doc = new_doc();
    fs_fontset *fs = load_fonts();
    fs_diags d = {0};
    unsigned char *a = NULL, *b = NULL;
    size_t na = 0, nb = 0;
    fs_para *p;
    int fonts = 0;

    p = fs_doc_add_para(doc, FS_ALIGN_LEFT);
    fs_para_add_run(p, "附件1", FS_ROLE_HEI, FS_PT_HAO3, 0, 0);
    fs_para_add_run(p, "（楷体）", FS_ROLE_KAI, FS_PT_HAO3, FS_RUN_BOLD, 0);
    p = body_para(doc, text, 2);
    fs_para_add_run(p, "Latin text 123, 堃 and 𠮷.", FS_ROLE_SONG, FS_PT_XIAO4,
                    FS_RUN_UNDERLINE, 2);
    scores_table(doc);
    path = render(doc, dir, "hygiene", NULL);

    cmd = fs_printf("qpdf --check '%s'", path);
    out = run_ok(cmd);
    ck_assert_msg(strstr(out, "No syntax or stream encoding errors"), "%s", out);
    free(out);
    free(cmd);

    cmd = fs_printf("pdffonts '%s'", path);
    out = run_ok(cmd);
    for (char *l = strstr(out, "\n---"); l && (l = strchr(l + 1, '\n')) && l[1];) {
        ck_assert_msg(strstr(l, " yes yes yes ") != NULL, "font not emb/sub/uni: %.80s", l + 1);
        /* cppcheck-suppress [nullPointerRedundantCheck, nullPointerArithmeticRedundantCheck] ; the loop condition makes L non-NULL here */
        ck_assert_msg(strstr(l, "CID TrueType") != NULL, "%.80s", l + 1);
        fonts++;
    }
    ck_assert_int_ge(fonts, 3);
    free(out);
    free(cmd);

    cmd = fs_printf("pdftotext '%s' -", path);
    out = run_ok(cmd);                  /* no stderr */
    ck_assert(strstr(out, "堃") && strstr(out, "𠮷") && strstr(out, "Latin"));
    free(out);
    free(cmd);

    cmd = fs_printf("pdfinfo '%s'", path);
    out = run_ok(cmd);
    ck_assert_msg(strstr(out, "Title:           测试文档：评定标准\n"), "%s", out);
    ck_assert(strstr(out, "Author:          中共东莞市某某支部委员会\n"));
    ck_assert(strstr(out, "Subject:         东莞市社会组织“五星级党组织”评定标准\n"));
    ck_assert(strstr(out, "Keywords:        五星级党组织,测试\n"));
    ck_assert(strstr(out, "Creator:         fivestar\n"));
    ck_assert(!strstr(out, "CreationDate") && !strstr(out, "ModDate"));
    free(out);
    free(cmd);

    ck_assert_int_eq(fs_pdf_render(doc, fs, NULL, &d, &a, &na), FS_OK);
    ck_assert_int_eq(fs_pdf_render(doc, fs, NULL, &d, &b, &nb), FS_OK);
    ck_assert_uint_eq(na, nb);
    ck_assert(memcmp(a, b, na) == 0);
    ck_assert_uint_eq(d.n, 0);
    free(a);
    free(b);
    fs_diags_clear(&d);
    fs_fontset_free(fs);
    free(path);
    free(text);
    fs_doc_free(doc);
    free(dir);
}
END_TEST

/* A character no font has is drawn as 〓 with a warning naming it, its
 * code point, the file and the line. */
START_TEST(test_missing_char)
{
    static const uint32_t cand[] = {0x10FFFD, 0xF0000, 0x1FB00, 0x2FFFD};
    fs_fontset *fs = load_fonts();
    char *dir = tu_tmpdir(), *path, *t, u[5] = {0}, *text, *code;
    fs_doc *doc = new_doc();
    fs_diags d = {0};
    uint32_t miss = 0;

    for (size_t i = 0; i < sizeof cand / sizeof *cand && !miss; i++) {
        int any = 0;

        for (int f = 0; f < fs_fontset_nfaces(fs); f++)
            any |= fs_fontset_has(fs, f, cand[i]);
        if (!any)
            miss = cand[i];
    }
    ck_assert_msg(miss != 0, "every candidate is in some font");
    fs_utf8_encode(miss, u);
    text = fs_printf("缺字%s测试", u);
    fs_para_add_run(fs_doc_add_para(doc, FS_ALIGN_LEFT), text, FS_ROLE_SONG, 12, 0, 77);
    path = render(doc, dir, "missing", &d);
    ck_assert_uint_eq(d.n, 1);
    ck_assert_int_eq(d.v[0].severity, FS_WARNING);
    ck_assert_str_eq(d.v[0].file, "test.xml");
    ck_assert_int_eq(d.v[0].line, 77);
    code = fs_printf("U+%04X", (unsigned)miss);
    ck_assert_msg(strstr(d.v[0].message, code) && strstr(d.v[0].message, u), "%s",
                  d.v[0].message);
    t = page_text(path, 1, 0);
    ck_assert_msg(strstr(t, "缺字〓测试") != NULL, "%s", t);
    free(t);
    free(code);
    free(text);
    free(path);
    fs_diags_clear(&d);
    fs_fontset_free(fs);
    fs_doc_free(doc);
    free(dir);
}
END_TEST

/* Mixed sizes and fonts in one paragraph, empty paragraphs and cells, a
 * page break, keep_with_next, zero-width characters: renders, and the
 * explicit page break gives a second page. */
START_TEST(test_mixed)
{
    static const double w[3] = {50, 50, 56};
    char *dir = tu_tmpdir(), *path, *t;
    fs_doc *doc = new_doc();
    fs_para *p = fs_doc_add_para(doc, FS_ALIGN_RIGHT);
    fs_table *tb;
    fs_row *r;
    fs_diags d = {0};

    fs_para_add_run(p, "大字", FS_ROLE_HEI, FS_PT_HAO2, 0, 0);
    fs_para_add_run(p, "小字\xE2\x80\x8B与\xEF\xB8\x8F", FS_ROLE_KAI, FS_PT_HAO5, FS_RUN_BOLD, 0);
    fs_doc_add_para(doc, FS_ALIGN_LEFT);                /* no runs */
    fs_doc_add_page_break(doc);
    p = fs_doc_add_para(doc, FS_ALIGN_CENTER);
    fs_para_add_run(p, "第二页", FS_ROLE_SONG, FS_PT_HAO3, 0, 0);
    p->keep_with_next = 1;
    tb = fs_doc_add_table(doc, 3, w);
    r = fs_table_add_row(tb, 0, 0);
    fs_row_add_cell(tb, r, 1, 2, FS_VALIGN_CENTER);     /* empty, spans 2 */
    fs_cell_add_text(fs_row_add_cell(tb, r, 2, 1, FS_VALIGN_TOP), "横跨两列",
                     FS_ALIGN_CENTER, 0, FS_ROLE_SONG, 12, 0);
    r = fs_table_add_row(tb, 0, 0);
    fs_cell_add_text(fs_row_add_cell(tb, r, 1, 1, FS_VALIGN_TOP), "",
                     FS_ALIGN_LEFT, 0, FS_ROLE_SONG, 12, 0);
    fs_cell_add_text(fs_row_add_cell(tb, r, 1, 1, FS_VALIGN_TOP), "右",
                     FS_ALIGN_RIGHT, 0, FS_ROLE_SONG, 12, 0);
    path = render(doc, dir, "mixed", &d);
    ck_assert_uint_eq(d.n, 0);
    ck_assert_int_eq(page_count(path), 2);
    t = page_text(path, 2, 0);
    ck_assert(strstr(t, "第二页") && strstr(t, "横跨两列") && strstr(t, "右"));
    free(t);
    fs_diags_clear(&d);
    free(path);
    fs_doc_free(doc);
    free(dir);
}
END_TEST

/* Odd values in the model (NaN and negative sizes, spacing and widths, an
 * indent wider than the line, padding wider than a cell, a cell past the
 * grid, a huge row span) still give a valid PDF. */
START_TEST(test_odd_values)
{
    static const double w[3] = {-5, 2, 150};
    char *dir = tu_tmpdir(), *path, *cmd, *out;
    fs_doc *doc = new_doc();
    fs_para *p = fs_doc_add_para(doc, FS_ALIGN_JUSTIFY);
    fs_table *t;
    fs_row *r;
    fs_cell *c;

    doc->page.width = NAN;
    p->line_spacing = NAN;
    p->indent_chars = 1000;
    p->space_before = -4;
    fs_para_add_run(p, "奇怪的数值也能排版。", FS_ROLE_SONG, -3, 0, 0);
    fs_para_add_run(p, "Huge", FS_ROLE_LATIN, 1e6, FS_RUN_BOLD | FS_RUN_UNDERLINE, 0);
    t = fs_doc_add_table(doc, 3, w);
    t->pad_x = 3;
    t->pad_y = NAN;
    t->border = 0.75;
    r = fs_table_add_row(t, FS_ROW_HEADER, NAN);
    c = fs_row_add_cell(t, r, 5, 99, FS_VALIGN_BOTTOM);
    fs_cell_add_text(c, "跨越一切", FS_ALIGN_CENTER, 0, FS_ROLE_HEI, 12, 0);
    r = fs_table_add_row(t, 0, 1e4);
    fs_cell_add_text(fs_row_add_cell(t, r, 1, 1, FS_VALIGN_CENTER), "窄", FS_ALIGN_LEFT,
                     0, FS_ROLE_SONG, 12, 0);
    fs_cell_add_text(fs_row_add_cell(t, r, 1, 1, FS_VALIGN_CENTER), "窄格子里的长文字",
                     FS_ALIGN_LEFT, 0, FS_ROLE_SONG, 12, 0);
    fs_cell_add_text(fs_row_add_cell(t, r, 1, 1, FS_VALIGN_CENTER), "正常", FS_ALIGN_LEFT,
                     0, FS_ROLE_SONG, 12, 0);
    fs_row_add_cell(t, r, 1, 1, FS_VALIGN_CENTER);       /* past the grid */
    path = render(doc, dir, "odd", NULL);
    cmd = fs_printf("qpdf --check '%s'", path);
    out = run_ok(cmd);
    ck_assert(strstr(out, "No syntax or stream encoding errors"));
    free(out);
    free(cmd);
    free(path);
    fs_doc_free(doc);
    free(dir);
}
END_TEST

/* A page setup without room for text is an error, not a crash. */
START_TEST(test_bad_page)
{
    fs_fontset *fs = load_fonts();
    fs_doc *doc = new_doc();
    fs_diags d = {0};
    unsigned char *out = (unsigned char *)"x";
    size_t len = 1;

    doc->page.top = 200;
    doc->page.bottom = 200;
    ck_assert_int_eq(fs_pdf_render(doc, fs, NULL, &d, &out, &len), FS_E_PDF);
    ck_assert_ptr_null(out);
    ck_assert_uint_eq(len, 0);
    ck_assert_uint_eq(d.errors, 1);
    fs_diags_clear(&d);
    fs_fontset_free(fs);
    fs_doc_free(doc);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("pdf");
    TCase *model = tcase_create("model"), *pdf = tcase_create("pdf");

    tcase_add_test(model, test_doc_grid);
    tcase_add_test(model, test_doc_text);
    tcase_set_timeout(pdf, 60);
    tcase_add_test(pdf, test_long_paragraph);
    tcase_add_test(pdf, test_table_repeat);
    tcase_add_test(pdf, test_long_cell);
    tcase_add_test(pdf, test_min_height);
    tcase_add_test(pdf, test_pagenums);
    tcase_add_test(pdf, test_hygiene);
    tcase_add_test(pdf, test_missing_char);
    tcase_add_test(pdf, test_mixed);
    tcase_add_test(pdf, test_odd_values);
    tcase_add_test(pdf, test_bad_page);
    suite_add_tcase(s, model);
    suite_add_tcase(s, pdf);
    return tu_main(s);
}
