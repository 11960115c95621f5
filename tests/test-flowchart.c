/*
 * test-flowchart.c - `fivestar flowchart` end to end: both charts, plain
 * and marked with a dossier, as PDF and DOCX, read back as a user's tools
 * would (poppler's pdftotext, pdfinfo and pdffonts, qpdf, unzip and
 * LibreOffice).
 *
 * Asserted: every node and arrow label of ../shared/spec/flowcharts.md is
 * in each PDF's text and, in each DOCX, inside the text boxes of separate
 * anchored shapes (no groups) with arrowheads on connectors; each PDF is
 * one clean A4 page with embedded subset fonts; LibreOffice, with no
 * Chinese font installed, turns each DOCX into a one-page PDF with every
 * label; the chart marked for the example dossier shows the dates of its
 * history and the legend; a second run gives the same bytes; usage errors
 * exit 2 and an invalid dossier 1, with nothing written.
 *
 * The geometry of the layout is test-flow.c's.
 */
#include "testutil.h"
#include "fs-flow.h"
#include "fs-set.h"

/* What main() renders, once, into the folder `rendered`: CHART.EXT plain,
 * CHART-mingli.EXT for the example dossier and CHART-songshan.EXT for one
 * whose history reaches 附件5. */
static const char *const charts[] = {"creation", "dynamic"};
static const char *const variants[] = {"", "-mingli", "-songshan"};
static const char *const dossiers[] = {
    NULL, "samples/mingli-2018.xml", "samples/songshan-revoked-2018.xml",
};
#define NCHARTS 2
#define NVARIANTS 3
static const size_t nnodes[2] = {9, 10};  /* boxes of each chart (flowcharts.md) */

static char *rendered;

/* The labels of ../shared/spec/flowcharts.md, the notice's wording: the
 * 附件 label, the title, the boxes, the arrows' labels other than
 * 通过 and 不通过. */
static const char *const creation_labels[] = {
    "附件4", "东莞市社会组织“五星级党组织”创建流程图",
    "党组织提交申报材料", "镇街（园区）或直管党委初审", "工委审核",
    "整改", "申报党组织开展创建工作", "上级党组织跟踪指导",
    "镇街（园区）或直管党委初评", "工委复核评定", "创建成功", "指导", NULL,
};
static const char *const dynamic_labels[] = {
    "附件5", "东莞市社会组织“五星级党组织”动态管理流程图",
    "党组织年度述职", "镇街（园区）或直管党委初审", "工委审核", "工委年度督导检查",
    "汇总评估结果", "检查合格", "工委提出指导意见", "党组织整改", "工委复查", "撤销称号",
    NULL,
};
/* How often the arrow labels 通过 and 不通过 occur on a plain chart
 * (不通过 contains 通过, so "通过" counts both). */
static const int n_pass[NCHARTS] = {4, 4}, n_fail[NCHARTS] = {2, 2};

/* Fails unless main()'s rendering succeeded. */
static void assert_rendered(void)
{
    char *path, *status;

    if (asprintf(&path, "%s/status", rendered) < 0)
        abort();
    status = tu_read(path, NULL);
    ck_assert_msg(status && strcmp(status, "0\n") == 0,
                  "flowchart rendering failed: see %s/log", rendered);
    free(status);
    free(path);
}

/* Occurrences of NEEDLE in HAY. */
static int count(const char *hay, const char *needle)
{
    int n = 0;

    for (const char *p = strstr(hay, needle); p; p = strstr(p + strlen(needle), needle))
        n++;
    return n;
}

/* Fails unless TEXT holds every label of chart C. */
static void assert_labels(const char *text, int c, const char *what)
{
    const char *const *labels = c == 0 ? creation_labels : dynamic_labels;

    for (size_t i = 0; labels[i]; i++)
        ck_assert_msg(strstr(text, labels[i]) != NULL, "%s: label \"%s\" missing", what,
                      labels[i]);
    ck_assert_msg(count(text, "通过") >= n_pass[c], "%s: too few 通过", what);
    ck_assert_msg(count(text, "不通过") >= n_fail[c], "%s: too few 不通过", what);
}

/* The path of chart C, variant V, extension EXT in DIR (malloc'd). */
static char *out_path(const char *dir, int c, int v, const char *ext)
{
    char *p;

    if (asprintf(&p, "%s/%s%s.%s", dir, charts[c], variants[v], ext) < 0)
        abort();
    return p;
}

/* The texts of every w:txbxContent of the DOCX at PATH, each without
 * markup and white space, joined by '|' (malloc'd); *DOC receives the
 * whole word/document.xml. */
static char *docx_boxes(const char *path, char **doc)
{
    char *cmd, *xml, *boxes;
    size_t k = 0;
    const char *p;

    if (asprintf(&cmd, "unzip -p '%s' word/document.xml", path) < 0)
        abort();
    ck_assert_int_eq(tu_run(cmd, &xml, NULL), 0);
    free(cmd);
    boxes = malloc(strlen(xml) + 2);
    boxes[k++] = '|';
    for (p = strstr(xml, "<w:txbxContent>"); p; p = strstr(p, "<w:txbxContent>")) {
        const char *end = strstr(p, "</w:txbxContent>");
        int in_tag = 0;

        ck_assert_ptr_nonnull(end);
        for (; p < end; p++) {
            if (*p == '<')
                in_tag = 1;
            else if (*p == '>')
                in_tag = 0;
            else if (!in_tag && *p != ' ' && *p != '\n' && *p != '\t')
                boxes[k++] = *p;
        }
        boxes[k++] = '|';
    }
    boxes[k] = '\0';
    *doc = xml;
    return boxes;
}

START_TEST(test_pdf_labels)
{
    assert_rendered();
    for (int c = 0; c < NCHARTS; c++)
        for (int v = 0; v < NVARIANTS; v++) {
            char *pdf = out_path(rendered, c, v, "pdf"), *text = tu_pdf_text(pdf, 1);

            assert_labels(text, c, pdf);
            if (v == 0) {       /* exactly the arrows' labels, nothing else */
                ck_assert_int_eq(count(text, "通过"), n_pass[c]);
                ck_assert_int_eq(count(text, "不通过"), n_fail[c]);
            }
            free(text);
            free(pdf);
        }
}
END_TEST

START_TEST(test_pdf_page_fonts_qpdf)
{
    assert_rendered();
    for (int c = 0; c < NCHARTS; c++)
        for (int v = 0; v < NVARIANTS; v++) {
            char *pdf = out_path(rendered, c, v, "pdf"), *cmd, *out, *line;
            int fonts = 0;

            if (asprintf(&cmd, "pdfinfo '%s'", pdf) < 0)
                abort();
            ck_assert_int_eq(tu_run(cmd, &out, NULL), 0);
            ck_assert_msg(strstr(out, "Pages:           1\n") != NULL, "%s: not one page", pdf);
            ck_assert_msg(strstr(out, "595.276 x 841.89 pts (A4)") != NULL, "%s: not A4", pdf);
            free(out);
            free(cmd);
            if (asprintf(&cmd, "qpdf --check '%s'", pdf) < 0)
                abort();
            ck_assert_msg(tu_run(cmd, &out, NULL) == 0, "%s: qpdf: %s", pdf, out);
            free(out);
            free(cmd);
            if (asprintf(&cmd, "pdffonts '%s'", pdf) < 0)
                abort();
            ck_assert_int_eq(tu_run(cmd, &out, NULL), 0);
            for (line = strtok(out, "\n"); line; line = strtok(NULL, "\n")) {
                if (strncmp(line, "name", 4) == 0 || strncmp(line, "----", 4) == 0)
                    continue;
                ck_assert_msg(strstr(line, "yes yes yes") != NULL,
                              "%s: font not emb/sub/uni: %s", pdf, line);
                fonts++;
            }
            ck_assert_int_ge(fonts, 2);
            free(out);
            free(cmd);
            free(pdf);
        }
}
END_TEST

/* Fails unless DOC (the document.xml of DOCX) has at least 10 arrows
 * attached at both ends (a:stCxn and a:endCxn, as many of each) and every
 * attachment names a box ("方框 N") of the same group. */
static void assert_attached(const char *doc, const char *docx)
{
    static const char *const tags[] = {"<a:stCxn id=\"", "<a:endCxn id=\""};
    int n[2] = {0, 0};

    for (int k = 0; k < 2; k++)
        for (const char *p = strstr(doc, tags[k]); p; p = strstr(p + 1, tags[k])) {
            long id = strtol(p + strlen(tags[k]), NULL, 10);
            char *box;

            if (asprintf(&box, "<wps:cNvPr id=\"%ld\" name=\"方框 %ld\"", id, id) < 0)
                abort();
            ck_assert_msg(strstr(doc, box) != NULL, "%s: %.40s names no box", docx, p);
            free(box);
            n[k]++;
        }
    ck_assert_int_ge(n[0], 10);
    ck_assert_int_eq(n[0], n[1]);
    /* every connector is inside the group */
    ck_assert_int_eq(count(doc, "<wps:cNvCnPr>") + count(doc, "<wps:cNvCnPr/>"),
                     count(doc, "prst=\"straightConnector1\""));
}

START_TEST(test_docx_shapes)
{
    assert_rendered();
    for (int c = 0; c < NCHARTS; c++)
        for (int v = 0; v < NVARIANTS; v++) {
            char *docx = out_path(rendered, c, v, "docx"), *doc, *boxes;
            const char *const *labels = c == 0 ? creation_labels : dynamic_labels;
            int anchors;

            boxes = docx_boxes(docx, &doc);
            for (size_t i = 0; labels[i]; i++)
                ck_assert_msg(strstr(boxes, labels[i]) != NULL,
                              "%s: label \"%s\" not in a text box", docx, labels[i]);
            /* every node label (after 附件 and the title) fills a box */
            for (size_t i = 2; i < 2 + nnodes[c]; i++) {
                char *needle;
                if (asprintf(&needle, "|%s|", labels[i]) < 0)
                    abort();
                ck_assert_msg(strstr(boxes, needle) != NULL,
                              "%s: \"%s\" does not fill a text box", docx, labels[i]);
                free(needle);
            }
            if (v == 0) {
                ck_assert_int_eq(count(boxes, "|不通过|"), n_fail[c]);
                ck_assert_int_eq(count(boxes, "|通过|"), n_pass[c] - n_fail[c]);
            }
            /* one drawing: a single anchored group of shapes, arrows on
             * connectors attached to boxes at both ends */
            anchors = count(doc, "<wp:anchor ");
            ck_assert_int_eq(anchors, 1);
            ck_assert_int_eq(count(doc, "<wpg:wgp>"), 1);
            ck_assert_int_eq(count(doc, "<wp:simplePos x=\"0\" y=\"0\"/>"), anchors);
            ck_assert_int_eq(count(doc, "simplePos=\"0\""), anchors);
            ck_assert_int_eq(count(doc, "<w:pict"), 0);
            assert_attached(doc, docx);
            {
                char *q;

                if (asprintf(&q, "'%s'", docx) < 0)
                    abort();
                tu_docx_valid(q);
                free(q);
                if (asprintf(&q, "/usr/bin/python3 tests/docx_check.py '%s' --office-fonts",
                             docx) < 0)
                    abort();
                ck_assert_int_eq(tu_run(q, NULL, NULL), 0);
                free(q);
            }
            ck_assert_int_ge(count(doc, "prst=\"straightConnector1\""), 10);
            ck_assert_int_ge(count(doc, "<a:tailEnd type=\"triangle\""), 10);
            ck_assert_int_ge(count(doc, "prst=\"roundRect\""), 2);
            ck_assert_int_ge(count(doc, "<wps:txbx>"), 10);
            ck_assert_int_eq(count(doc, "relativeFrom=\"page\""), 2 * anchors);
            free(doc);
            free(boxes);
            free(docx);
        }
}
END_TEST

START_TEST(test_docx_fonts_embedded)
{
    assert_rendered();
    for (int c = 0; c < NCHARTS; c++) {
        char *docx = out_path(rendered, c, 1, "docx"), *cmd, *out;

        if (asprintf(&cmd, "unzip -l '%s' | grep -c 'word/fonts/font[0-9]*.odttf'", docx) < 0)
            abort();
        ck_assert_int_eq(tu_run(cmd, &out, NULL), 0);
        ck_assert_int_ge(atoi(out), 2);
        free(out);
        free(cmd);
        free(docx);
    }
}
END_TEST

START_TEST(test_docx_libreoffice)
{
    char *dir = tu_tmpdir(), *cmd, *out;
    fs_buf files = {0};

    assert_rendered();
    /* A fontconfig that offers DejaVu only: no CJK font at all, so every
     * Chinese character comes from the fonts embedded in the DOCX. */
    if (asprintf(&cmd, "mkdir -p %s/fc %s/pdf && printf '%%s' '<?xml version=\"1.0\"?><fontconfig>"
                       "<dir>/usr/share/fonts/truetype/dejavu</dir><cachedir>%s/fc</cachedir></fontconfig>' "
                       "> %s/fc/fonts.conf && FONTCONFIG_FILE=%s/fc/fonts.conf fc-list :lang=zh | wc -l",
                 dir, dir, dir, dir, dir) < 0)
        abort();
    ck_assert_int_eq(tu_run(cmd, &out, NULL), 0);
    ck_assert_str_eq(out, "0\n");
    free(out);
    free(cmd);
    /* One soffice run per file: LibreOffice keeps the first embedded font
     * of a name (宋体) for its whole session. */
    fs_buf_adds(&files, "");
    for (int c = 0; c < NCHARTS; c++)
        for (int v = 0; v < NVARIANTS; v++) {
            char *docx = out_path(rendered, c, v, "docx");
            if (asprintf(&cmd, "FONTCONFIG_FILE=%s/fc/fonts.conf soffice "
                               "-env:UserInstallation=file://%s/profile "
                               "--headless --convert-to pdf --outdir %s/pdf '%s'",
                         dir, dir, dir, docx) < 0)
                abort();
            ck_assert_int_eq(tu_run(cmd, NULL, NULL), 0);
            free(cmd);
            free(docx);
        }
    for (int c = 0; c < NCHARTS; c++)
        for (int v = 0; v < NVARIANTS; v++) {
            char *lo, *text;

            if (asprintf(&lo, "%s/pdf/%s%s.pdf", dir, charts[c], variants[v]) < 0 ||
                asprintf(&cmd, "pdfinfo '%s'", lo) < 0)
                abort();
            ck_assert_int_eq(tu_run(cmd, &out, NULL), 0);
            ck_assert_msg(strstr(out, "Pages:           1\n") != NULL,
                          "%s: LibreOffice made more than one page", lo);
            free(out);
            free(cmd);
            /* the Chinese came from the fonts embedded in the DOCX */
            if (asprintf(&cmd, "pdffonts '%s' | grep -c -e UMing -e WenQuanYi -e LXGW -e Droid", lo) < 0)
                abort();
            ck_assert_int_eq(tu_run(cmd, &out, NULL), 0);
            ck_assert_int_ge(atoi(out), 1);
            free(out);
            free(cmd);
            text = tu_pdf_text(lo, 1);
            assert_labels(text, c, lo);
            free(text);
            /* every character of our PDF has a real glyph in LibreOffice's */
            {
                char *ours = out_path(rendered, c, v, "pdf");
                char *err = NULL;

                if (asprintf(&cmd, "/usr/bin/python3 tests/pdf_fonts.py '%s' --chars-of '%s'",
                             lo, ours) < 0)
                    abort();
                ck_assert_msg(tu_run(cmd, &out, &err) == 0, "%s", err);
                free(out);
                free(err);
                free(cmd);
                free(ours);
            }
            free(lo);
        }
    fs_buf_free(&files);
    free(dir);
}
END_TEST

/* The dates of the events of the example dossier that stand on chart C,
 * as the chart writes them ("2018年4月25日"), one per NUL-terminated
 * entry of a fs_buf; returns how many. */
static size_t example_dates(int c, const char *dossier, fs_buf *dates)
{
    fs_diags diags = {0};
    fs_error err;
    char *path = fs_set_chart_path(NULL, charts[c]);
    fs_flow *f = fs_flow_load(path, &diags, &err);
    fs_rubric_cache *cache = fs_rubric_cache_new();
    const fs_rubric *r;
    fs_dossier *d = fs_dossier_load(dossier, cache, &r, &diags, &err);
    size_t n = 0;

    ck_assert_ptr_nonnull(f);
    ck_assert_ptr_nonnull(d);
    for (size_t i = 0; i < d->nevents; i++) {
        char date[64];
        if (fs_flow_event_node(f, d, i) < 0)
            continue;
        fs_date_format_cn(d->events[i].date, date, sizeof date);
        fs_buf_add(dates, date, strlen(date) + 1);
        n++;
    }
    fs_dossier_free(d);
    fs_rubric_cache_free(cache);
    fs_flow_free(f);
    fs_diags_clear(&diags);
    free(path);
    return n;
}

/* Fails unless TEXT (white space removed) shows the N dates of DATES,
 * the organisation and the legend. */
static void assert_marked(const char *text, const fs_buf *dates, size_t n,
                          const char *what)
{
    static const char *const legend[] = {"已完成", "当前环节", "已走过的流程"};
    const char *p = dates->s;

    for (size_t i = 0; i < n; i++, p += strlen(p) + 1)
        ck_assert_msg(strstr(text, p) != NULL, "%s: date %s missing", what, p);
    for (size_t i = 0; i < sizeof legend / sizeof *legend; i++)
        ck_assert_msg(strstr(text, legend[i]) != NULL, "%s: legend \"%s\" missing", what,
                      legend[i]);
}

START_TEST(test_marked_example)
{
    fs_buf dates = {0};
    size_t n;
    char *pdf, *docx, *text, *doc, *boxes;

    assert_rendered();
    n = example_dates(0, dossiers[1], &dates);
    ck_assert_uint_ge(n, 3);
    ck_assert_ptr_nonnull(memmem(dates.s, dates.len, "2018年4月25日", strlen("2018年4月25日") + 1));
    pdf = out_path(rendered, 0, 1, "pdf");
    text = tu_pdf_text(pdf, 1);
    assert_marked(text, &dates, n, pdf);
    ck_assert_ptr_nonnull(strstr(text, "中共东莞市明理律师事务所支部委员会（截至2018年5月11日）"));
    free(text);
    docx = out_path(rendered, 0, 1, "docx");
    boxes = docx_boxes(docx, &doc);
    assert_marked(boxes, &dates, n, docx);
    free(boxes);
    free(doc);
    free(docx);
    free(pdf);
    fs_buf_free(&dates);

    /* 附件5 for the same dossier: it has no annual cycle yet */
    pdf = out_path(rendered, 1, 1, "pdf");
    text = tu_pdf_text(pdf, 1);
    ck_assert_ptr_nonnull(strstr(text, "档案中尚无本流程图的记录"));
    free(text);
    free(pdf);

    /* 附件5 for a dossier whose title was revoked */
    memset(&dates, 0, sizeof dates);
    n = example_dates(1, dossiers[2], &dates);
    ck_assert_uint_ge(n, 5);
    pdf = out_path(rendered, 1, 2, "pdf");
    text = tu_pdf_text(pdf, 1);
    assert_marked(text, &dates, n, pdf);
    ck_assert_ptr_nonnull(strstr(text, "未通过"));
    free(text);
    free(pdf);
    fs_buf_free(&dates);
}
END_TEST

START_TEST(test_byte_identical)
{
    char *dir = tu_tmpdir();

    assert_rendered();
    for (int c = 0; c < NCHARTS; c++)
        for (int v = 0; v < 2; v++)
            for (int k = 0; k < 2; k++) {
                const char *ext = k ? "docx" : "pdf";
                char *a = out_path(rendered, c, v, ext), *b = out_path(dir, c, v, ext), *cmd;

                if (asprintf(&cmd, "TZ=Asia/Shanghai $FIVESTAR flowchart %s -o '%s'%s%s >/dev/null "
                                   "&& cmp '%s' '%s'", charts[c], b,
                             dossiers[v] ? " --dossier " : "", dossiers[v] ? dossiers[v] : "",
                             a, b) < 0)
                    abort();
                ck_assert_msg(tu_run(cmd, NULL, NULL) == 0, "%s differs from %s", b, a);
                free(cmd);
                free(a);
                free(b);
            }
    free(dir);
}
END_TEST

START_TEST(test_exit_codes)
{
    static const char *const usage[] = {
        "$FIVESTAR flowchart nosuch -o $D/x.pdf",
        "$FIVESTAR flowchart ../flowcharts/creation -o $D/x.pdf",
        "$FIVESTAR flowchart -o $D/x.pdf",
        "$FIVESTAR flowchart creation dynamic -o $D/x.pdf",
        "$FIVESTAR flowchart creation -o $D/x.png",
        "$FIVESTAR flowchart creation --color -o $D/x.pdf",
        "D=$D $FIVESTAR flowchart creation",
    };
    char *dir = tu_tmpdir(), *cmd, *out, *err;

    for (size_t i = 0; i < sizeof usage / sizeof *usage; i++) {
        if (asprintf(&cmd, "D=%s; %s; s=$?; test ! -e $D/x.pdf && test ! -e $D/x.png && exit $s",
                     dir, usage[i]) < 0)
            abort();
        ck_assert_msg(tu_run(cmd, &out, &err) == 2, "not a usage error: %s", cmd);
        ck_assert_str_eq(out, "");
        ck_assert_msg(strstr(err, "error") != NULL, "%s: no message", cmd);
        free(out);
        free(err);
        free(cmd);
    }
    /* an invalid dossier: exit 1, its errors printed, the good file kept */
    if (asprintf(&cmd, "printf '<dossier format=\"1\" year=\"2018\"/>' > %s/bad.xml && "
                       "echo good > %s/x.pdf && "
                       "$FIVESTAR flowchart creation -o %s/x.pdf --dossier %s/bad.xml",
                 dir, dir, dir, dir) < 0)
        abort();
    ck_assert_int_eq(tu_run(cmd, &out, &err), 1);
    ck_assert_ptr_nonnull(strstr(err, "bad.xml:1: error:"));
    free(out);
    free(err);
    free(cmd);
    if (asprintf(&cmd, "%s/x.pdf", dir) < 0)
        abort();
    out = tu_read(cmd, NULL);
    ck_assert_str_eq(out, "good\n");
    free(out);
    free(cmd);
    /* a missing dossier or font config: exit 3, nothing written */
    if (asprintf(&cmd, "$FIVESTAR flowchart dynamic -o %s/y.docx --dossier %s/none.xml; "
                       "s=$?; test ! -e %s/y.docx && exit $s", dir, dir, dir) < 0)
        abort();
    ck_assert_int_eq(tu_run(cmd, NULL, NULL), 3);
    free(cmd);
    if (asprintf(&cmd, "FIVESTAR_FONTS=/nonexistent/fonts.conf $FIVESTAR flowchart dynamic "
                       "-o %s/y.pdf; s=$?; test ! -e %s/y.pdf && exit $s", dir, dir) < 0)
        abort();
    ck_assert_int_eq(tu_run(cmd, NULL, &err), 3);
    ck_assert_ptr_nonnull(strstr(err, "/nonexistent/fonts.conf"));
    free(err);
    free(cmd);
    /* success: the output is named on standard output, a .DOCX is a DOCX */
    if (asprintf(&cmd, "$FIVESTAR flowchart creation -o %s/z.DOCX && unzip -l %s/z.DOCX "
                       "| grep -q word/document.xml", dir, dir) < 0)
        abort();
    ck_assert_int_eq(tu_run(cmd, &out, NULL), 0);
    ck_assert_ptr_nonnull(strstr(out, "z.DOCX"));
    free(out);
    free(cmd);
    free(dir);
}
END_TEST

static Suite *flowchart_suite(void)
{
    Suite *s = suite_create("flowchart");
    TCase *tc = tcase_create("pdf");

    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_pdf_labels);
    tcase_add_test(tc, test_pdf_page_fonts_qpdf);
    tcase_add_test(tc, test_marked_example);
    tcase_add_test(tc, test_byte_identical);
    tcase_add_test(tc, test_exit_codes);
    suite_add_tcase(s, tc);

    tc = tcase_create("docx");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_docx_shapes);
    tcase_add_test(tc, test_docx_fonts_embedded);
    tcase_add_test(tc, test_docx_libreoffice);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    const char *bin = getenv("FIVESTAR");
    fs_buf cmd = {0};

    setenv("FIVESTAR_TEMPLATES", "templates", 0);
    fs_templates_init(NULL);
    /* Every chart is rendered once, here in the parent, before the forked
     * tests read them; assert_rendered checks the exit status. */
    rendered = tu_tmpdir();
    fs_buf_adds(&cmd, "{ s=0");
    for (int c = 0; c < NCHARTS; c++)
        for (int v = 0; v < NVARIANTS; v++)
            for (int k = 0; k < 2; k++)
                fs_buf_printf(&cmd, "; %s flowchart %s -o %s/%s%s.%s%s%s || s=$?",
                              bin && *bin ? bin : "./fivestar", charts[c], rendered,
                              charts[c], variants[v], k ? "docx" : "pdf",
                              dossiers[v] ? " --dossier " : "", dossiers[v] ? dossiers[v] : "");
    fs_buf_printf(&cmd, "; echo $s >%s/status; } >%s/log 2>&1", rendered, rendered);
    if (system(cmd.s) < 0)
        abort();
    fs_buf_free(&cmd);
    return tu_main(flowchart_suite());
}
