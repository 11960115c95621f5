/*
 * test-stats.c - `fivestar stats` end to end, over the samples and 300
 * dossiers from tests/gen-dossiers.sh, in PDF (read back with poppler)
 * and DOCX (python-docx, LibreOffice's page setup in document.xml).
 *
 * Asserted: every organisation's name is in both files, rows sorted by
 * town then name, a header on every page, landscape A4, the summary's
 * counts as computed here from the dossiers with the rule of
 * dossier-format.md; warnings name the dossiers whose 是否达标 cannot be
 * decided; an invalid dossier writes nothing (exit 1) unless
 * --skip-invalid; the progress line only on a terminal; the same output
 * on a second run; the template's <statistics>
 * is checked when it is loaded (placeholders in their contexts, widths,
 * one <roster>).
 */
#include "testutil.h"
#include "fivestar.h"
#include "fs-form.h"

static const char *const samples[] = {
    "mingli-2018", "hengtai-2018", "dalang-social-2018", "minimal-2018",
    "qinghe-shizhiguan-2019", "songshan-revoked-2018",
};
#define NSAMPLES (sizeof samples / sizeof *samples)
#define NGEN 300

/* Made once in main, before the tests fork: the generated dossiers and
 * the two big tables. */
static char *work;

static char *path_in(const char *name)
{
    return tu_path(work, name);
}

/* What the 统计表 of a set of dossiers must say, computed here. */
typedef struct expect {
    size_t n, stars[6], yes, no, unknown;
    fs_tenths sum;
    char **names, **towns;      /* sorted by town, then name */
} expect;

/* Dongguan's official order of towns, written here apart from the
 * template so that the test checks the template's <towns> too: the four
 * 街道, the 28 镇 in the government's list, the 功能区, then towns not
 * listed, 市直管 last. */
static const char *const official[] = {
    "莞城", "南城", "东城", "万江",
    "石碣", "石龙", "茶山", "石排", "企石", "横沥", "桥头", "谢岗", "东坑", "常平",
    "寮步", "樟木头", "大朗", "黄江", "清溪", "塘厦", "凤岗", "大岭山", "长安", "虎门",
    "厚街", "沙田", "道滘", "洪梅", "麻涌", "望牛墩", "中堂", "高埗",
    "松山湖", "滨海湾", "水乡", "东部工业园", "银瓶",
};

/* The place of TOWN in that order: 市直管 after every other. */
static int official_rank(const char *town)
{
    int n = (int)(sizeof official / sizeof *official);

    if (strncmp(town, "市直管", strlen("市直管")) == 0)
        return n + 1;
    for (int i = 0; i < n; i++)
        if (strncmp(town, official[i], strlen(official[i])) == 0)
            return i;
    return n;
}

/* Loads FILES and computes the expectations (the rule of
 * dossier-format.md: <compliant>, else the threshold of the star held). */
static void expect_of(char **files, size_t n, expect *e)
{
    fs_rubric_cache *cache = fs_rubric_cache_new();

    memset(e, 0, sizeof *e);
    e->names = calloc(n, sizeof *e->names);
    e->towns = calloc(n, sizeof *e->towns);
    for (size_t i = 0; i < n; i++) {
        fs_diags diags = {0};
        const fs_rubric *r;
        fs_error err;
        fs_dossier *d = fs_dossier_load(files[i], cache, &r, &diags, &err);
        fs_result_sheet s;
        const fs_threshold *th;
        size_t k;

        ck_assert_msg(d != NULL, "%s does not load", files[i]);
        fs_score_dossier(d, r, &s);
        e->stars[d->star >= 1 ? d->star : 0]++;
        th = d->star >= 1 ? fs_rubric_threshold(r, d->star) : NULL;
        if (d->compliant == 1 || (d->compliant < 0 && th && s.total >= th->min))
            e->yes++;
        else if (d->compliant == 0 || (d->compliant < 0 && th))
            e->no++;
        else
            e->unknown++;
        e->sum += s.total;
        /* insertion in (official town order, town, name) order */
        for (k = e->n; k > 0; k--) {
            int ra = official_rank(e->towns[k - 1]), rb = official_rank(d->town.s);
            int c = ra != rb ? (ra < rb ? -1 : 1) : strcmp(e->towns[k - 1], d->town.s);
            if (c < 0 || (c == 0 && strcmp(e->names[k - 1], d->name.s) <= 0))
                break;
            e->towns[k] = e->towns[k - 1];
            e->names[k] = e->names[k - 1];
        }
        e->towns[k] = strdup(d->town.s);
        e->names[k] = strdup(d->name.s);
        e->n++;
        fs_dossier_free(d);
        fs_diags_clear(&diags);
    }
    fs_rubric_cache_free(cache);
}

static void expect_free(expect *e)
{
    for (size_t i = 0; i < e->n; i++) {
        free(e->names[i]);
        free(e->towns[i]);
    }
    free(e->names);
    free(e->towns);
}

/* The two summary lines, as the default template words them. */
static void summary_lines(const expect *e, char **l1, char **l2)
{
    char avg[24];
    fs_tenths a = (2 * e->sum + (fs_tenths)e->n) / (2 * (fs_tenths)e->n);

    if (asprintf(l1, "共%zu个党组织。已获评五星级%zu个、四星级%zu个、三星级%zu个、二星级%zu个、"
                     "一星级%zu个，未获评星级%zu个。", e->n, e->stars[5], e->stars[4],
                 e->stars[3], e->stars[2], e->stars[1], e->stars[0]) < 0 ||
        asprintf(l2, "达标%zu个，未达标%zu个，未能判定%zu个；自评总分平均%s分。", e->yes, e->no,
                 e->unknown, fs_tenths_format(a, avg, sizeof avg)) < 0)
        abort();
}

/* The sample files, then (with GEN) the generated ones: a malloc'd
 * array of N malloc'd paths. */
static char **input_files(int gen, size_t *n)
{
    char **v = calloc(NSAMPLES + NGEN, sizeof *v);

    *n = 0;
    for (size_t i = 0; i < NSAMPLES; i++)
        if (asprintf(&v[(*n)++], "samples/%s.xml", samples[i]) < 0)
            abort();
    for (int i = 1; gen && i <= NGEN; i++)
        if (asprintf(&v[(*n)++], "%s/gen/gen-%04d.xml", work, i) < 0)
            abort();
    return v;
}

static void files_free(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* Checks the PDF table OUT against E: names in order, headings, a header
 * on every page, landscape pages, the summary. */
static void check_pdf(const char *pdf, const expect *e)
{
    char *text = tu_pdf_text(pdf, 0), *l1, *l2, *s1, *s2, *cmd, *info;
    const char *at = text;
    size_t pages = 0, continued = 0;

    for (size_t i = 0; i < e->n; i++) {
        char *name = tu_squeeze(e->names[i], 0);
        const char *p = strstr(at, name);
        ck_assert_msg(p != NULL, "%s: \"%s\" missing or out of order (town %s)", pdf,
                      e->names[i], e->towns[i]);
        at = p + strlen(name);
        free(name);
    }
    for (size_t i = 0; i < e->n; i++) {
        char *h;
        size_t k = i;
        while (k < e->n && strcmp(e->towns[k], e->towns[i]) == 0)
            k++;
        if (i && strcmp(e->towns[i], e->towns[i - 1]) == 0)
            continue;
        if (asprintf(&h, "%s（%zu个）", e->towns[i], k - i) < 0)
            abort();
        ck_assert_msg(strstr(text, h) != NULL, "%s: heading %s missing", pdf, h);
        free(h);
    }
    summary_lines(e, &l1, &l2);
    s1 = tu_squeeze(l1, 0);
    s2 = tu_squeeze(l2, 0);
    ck_assert_msg(strstr(text, s1) != NULL, "%s: summary \"%s\" missing", pdf, l1);
    ck_assert_msg(strstr(text, s2) != NULL, "%s: summary \"%s\" missing", pdf, l2);
    /* Every page has the header row, but a last page with only the
     * summary. */
    for (char *page = text, *end; *page; page = end + (*end == '\f')) {
        end = strchr(page, '\f');
        if (!end)
            end = page + strlen(page);
        if (end == page)
            continue;
        pages++;
        char save = *end;
        *end = '\0';
        const char *head = strstr(page, "党组织名称已获评的星级是否达标存在问题下一步工作计划备注");
        ck_assert_msg(head || (!save && strstr(page, s1)),
                      "%s: page %zu has no header row", pdf, pages);
        /* a page that goes on with a town's rows starts with the town's
         * heading and （续）, the header row under it */
        if (pages > 1 && head && !strstr(page, "个）") ) {
            const char *cont = strstr(page, "（续）");
            ck_assert_msg(cont && cont < head, "%s: page %zu goes on without （续）", pdf, pages);
            continued++;
        }
        *end = save;
    }
    ck_assert_uint_ge(pages, 1);
    /* 300 dossiers in 32 towns: some town's rows go on over a page */
    if (e->n > 100)
        ck_assert_uint_gt(continued, 0);
    if (asprintf(&cmd, "pdfinfo -f 1 -l 1000 '%s' | grep -c 'size: *841.89 x 595.276'", pdf) < 0)
        abort();
    ck_assert_int_eq(tu_run(cmd, &info, NULL), 0);
    ck_assert_uint_eq(strtoul(info, NULL, 10), pages);
    free(info);
    free(cmd);
    free(s1);
    free(s2);
    free(l1);
    free(l2);
    free(text);
}

/* Checks the DOCX table against E with python-docx: every name, the
 * summary, one table per town; landscape in document.xml. */
static void check_docx(const char *docx, const expect *e)
{
    char *names, *cmd, *out, *err, *l1, *l2;
    FILE *f;
    size_t towns = 0;

    if (asprintf(&names, "%s.names", docx) < 0)
        abort();
    f = fopen(names, "w");
    for (size_t i = 0; i < e->n; i++) {
        fprintf(f, "%s\n", e->names[i]);
        towns += i == 0 || strcmp(e->towns[i], e->towns[i - 1]) != 0;
    }
    fclose(f);
    summary_lines(e, &l1, &l2);
    if (asprintf(&cmd, "/usr/bin/python3 tests/docx_check.py '%s' --expect-file '%s' "
                       "--expect-text '%s' --expect-text '%s' --tables %zu --table 1 "
                       "--table-cols 6 --header-rows 1 --cell 1,1=党组织名称 --cell 1,6=备注 --office-fonts",
                 docx, names, l1, l2, towns) < 0)
        abort();
    ck_assert_msg(tu_run(cmd, &out, &err) == 0, "%s: %s%s", docx, out, err);
    free(cmd);
    free(out);
    free(err);
    if (asprintf(&cmd, "unzip -p '%s' word/document.xml | grep -c 'w:orient=\"landscape\"'", docx) < 0)
        abort();
    ck_assert_int_eq(tu_run(cmd, NULL, NULL), 0);
    free(cmd);
    if (asprintf(&cmd, "'%s'", docx) < 0)
        abort();
    tu_docx_valid(cmd);
    free(cmd);
    free(l1);
    free(l2);
    free(names);
}

START_TEST(samples_both_formats)
{
    size_t n;
    char **files = input_files(0, &n);
    char *pdf = path_in("samples.pdf"), *docx = path_in("samples.docx"), *cmd, *out, *err;
    expect e;

    if (asprintf(&cmd, "$FIVESTAR stats samples/*.xml -o %s && $FIVESTAR stats samples/*.xml -o %s",
                 pdf, docx) < 0)
        abort();
    ck_assert_int_eq(tu_run(cmd, &out, &err), 0);
    ck_assert_msg(strstr(out, "6 个党组织"), "%s", out);
    /* Warnings name the dossiers whose 是否达标 nothing decides: only the
     * sample kept to show warnings (the others have a <compliant>). */
    ck_assert_msg(!strstr(err, "qinghe-shizhiguan-2019.xml:16: warning: 是否达标无法判定"), "%s", err);
    ck_assert_msg(!strstr(err, "mingli-2018.xml:12: warning: 是否达标无法判定"), "%s", err);
    ck_assert_msg(strstr(err, "samples/minimal-2018.xml:5: warning: 是否达标无法判定"), "%s", err);
    ck_assert_msg(!strstr(err, "hengtai-2018.xml:13: warning: 是否达标"), "%s", err);
    ck_assert_msg(!strchr(err, '\r'), "progress line on a pipe: %s", err);
    expect_of(files, n, &e);
    ck_assert_uint_eq(e.yes, 4);
    ck_assert_uint_eq(e.no, 1);
    ck_assert_uint_eq(e.unknown, 1);
    check_pdf(pdf, &e);
    check_docx(docx, &e);
    expect_free(&e);
    files_free(files, n);
    free(cmd);
    free(out);
    free(err);
    free(pdf);
    free(docx);
}
END_TEST

START_TEST(samples_and_300_generated)
{
    size_t n;
    char **files = input_files(1, &n);
    char *pdf = path_in("big.pdf"), *docx = path_in("big.docx"), *status = path_in("big.status");
    char *st = tu_read(status, NULL);
    expect e;

    ck_assert_msg(st && strcmp(st, "0 0\n") == 0, "stats over 306 dossiers failed: %s (see %s/big.log)",
                  st ? st : "?", work);
    expect_of(files, n, &e);
    ck_assert_uint_eq(e.n, NSAMPLES + NGEN);
    /* The generator spreads the dossiers over every case. */
    for (int k = 0; k <= 5; k++)
        ck_assert_uint_gt(e.stars[k], 10);
    ck_assert_uint_gt(e.yes, 10);
    ck_assert_uint_gt(e.no, 10);
    ck_assert_uint_gt(e.unknown, 10);
    check_pdf(pdf, &e);
    check_docx(docx, &e);
    expect_free(&e);
    files_free(files, n);
    free(st);
    free(status);
    free(pdf);
    free(docx);
}
END_TEST

START_TEST(same_bytes_twice)
{
    char *a = path_in("twice-a.pdf"), *b = path_in("twice-b.pdf"), *c = path_in("twice-a.docx"),
         *d = path_in("twice-b.docx"), *cmd;

    if (asprintf(&cmd, "$FIVESTAR stats samples/*.xml -o %s && $FIVESTAR stats samples/*.xml -o %s && "
                       "cmp %s %s && $FIVESTAR stats samples/*.xml -o %s && "
                       "TZ=Asia/Shanghai $FIVESTAR stats samples/*.xml -o %s && cmp %s %s",
                 a, b, a, b, c, d, c, d) < 0)
        abort();
    ck_assert_int_eq(tu_run(cmd, NULL, NULL), 0);
    free(cmd);
    free(a);
    free(b);
    free(c);
    free(d);
}
END_TEST

/* A dossier with errors stops the run and nothing is written. */
START_TEST(invalid_stops)
{
    char *dir = tu_tmpdir(), *cmd, *err;

    if (asprintf(&cmd, "printf '<dossier format=\"1\" year=\"2018\"/>' > %s/bad.xml; "
                       "$FIVESTAR stats samples/*.xml %s/bad.xml -o %s/t.pdf", dir, dir, dir) < 0)
        abort();
    ck_assert_int_eq(tu_run(cmd, NULL, &err), 1);
    ck_assert_msg(strstr(err, "bad.xml:1: error:"), "%s", err);
    ck_assert_msg(strstr(err, "未生成统计表"), "%s", err);
    free(cmd);
    free(err);
    if (asprintf(&cmd, "test ! -e %s/t.pdf && test -z \"$(ls %s | grep -v bad.xml)\"", dir, dir) < 0)
        abort();
    ck_assert_int_eq(tu_run(cmd, NULL, NULL), 0);
    free(cmd);
    free(dir);
}
END_TEST

/* --skip-invalid reports the bad dossier, leaves it out and exits 1. */
START_TEST(skip_invalid)
{
    char *dir = tu_tmpdir(), *cmd, *err, *pdf, *text;

    if (asprintf(&cmd, "printf '<dossier format=\"1\" year=\"2018\"/>' > %s/bad.xml; "
                       "$FIVESTAR stats samples/*.xml %s/bad.xml -o %s/t.pdf --skip-invalid",
                 dir, dir, dir) < 0)
        abort();
    ck_assert_int_eq(tu_run(cmd, NULL, &err), 1);
    ck_assert_msg(strstr(err, "bad.xml:1: error:"), "%s", err);
    ck_assert_msg(strstr(err, "bad.xml: warning: 此档案未列入统计表"), "%s", err);
    if (asprintf(&pdf, "%s/t.pdf", dir) < 0)
        abort();
    text = tu_pdf_text(pdf, 0);
    ck_assert_msg(strstr(text, "共6个党组织"), "%s", text);
    free(text);
    free(pdf);
    free(cmd);
    free(err);
    free(dir);
}
END_TEST

START_TEST(usage_errors)
{
    char *err;

    ck_assert_int_eq(tu_run("$FIVESTAR stats samples/mingli-2018.xml", NULL, &err), 2);
    ck_assert_msg(strstr(err, "-o"), "%s", err);
    free(err);
    ck_assert_int_eq(tu_run("$FIVESTAR stats samples/mingli-2018.xml -o /tmp/x.txt", NULL, &err), 2);
    free(err);
    ck_assert_int_eq(tu_run("$FIVESTAR stats -o /tmp/x.pdf", NULL, &err), 2);
    free(err);
    ck_assert_int_eq(tu_run("$FIVESTAR stats samples/mingli-2018.xml -o /dev/full/x.pdf", NULL, &err), 3);
    ck_assert_msg(strstr(err, "/dev/full/x.pdf"), "%s", err);
    free(err);
}
END_TEST

/* On a terminal the run shows [N/TOTAL] and wipes it at the end. */
START_TEST(progress_on_a_terminal)
{
    char *dir = tu_tmpdir(), *cmd, *out;

    if (asprintf(&cmd, "script -qec '$FIVESTAR stats samples/*.xml -o %s/t.pdf' /dev/null", dir) < 0)
        abort();
    ck_assert_int_eq(tu_run(cmd, &out, NULL), 0);
    ck_assert_msg(strstr(out, "[1/6]") && strstr(out, "[6/6]"), "%s", out);
    ck_assert_msg(strstr(out, "\r\033[K"), "progress line not wiped: %s", out);
    free(out);
    free(cmd);
    free(dir);
}
END_TEST

/* Loads the forms template TEXT; returns the diagnostics (malloc'd) and
 * whether it loaded, and with a 统计表, in *OK. */
static char *load_forms(const char *text, int *ok)
{
    char *dir = tu_tmpdir(), *path, *out = NULL;
    fs_diags diags = {0};
    fs_error err;
    fs_forms *f;
    size_t n = 0;
    FILE *mem;

    if (asprintf(&path, "%s/forms.xml", dir) < 0)
        abort();
    tu_write(path, text, strlen(text));
    f = fs_forms_load(path, &diags, &err);
    *ok = f && fs_forms_has_statistics(f);
    fs_forms_free(f);
    mem = open_memstream(&out, &n);
    fs_diags_print(&diags, mem);
    fclose(mem);
    fs_diags_clear(&diags);
    free(path);
    free(dir);
    return out;
}

#define FORMS_HEAD "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<forms format=\"1\" id=\"t\">\n" \
    "<scoresheet><title>T</title><scores>" \
    "<column role=\"section\" width=\"30\">a</column><column role=\"number\" width=\"10\">b</column>" \
    "<column role=\"standard\" width=\"100\">c</column><column role=\"score\" width=\"16\">d</column>" \
    "<section><p>{label}</p></section></scores></scoresheet>\n" \
    "<application><title>T</title><grid><column width=\"56\"/><column width=\"100\"/>" \
    "<row><label>名称</label><value>{name}</value></row></grid></application>\n"
#define LANDSCAPE "<page width=\"297\" height=\"210\" top=\"28\" bottom=\"26\" left=\"37\" right=\"35\"/>"

START_TEST(template_statistics)
{
    int ok;
    char *msg, *shipped = tu_read("templates/forms/dongguan-2018.xml", NULL);

    /* The shipped template has one. */
    msg = load_forms(shipped, &ok);
    ck_assert_msg(ok, "%s", msg);
    free(msg);
    free(shipped);
    /* Without <statistics> a template still loads, without a 统计表. */
    msg = load_forms(FORMS_HEAD "</forms>\n", &ok);
    ck_assert_msg(!ok && strcmp(msg, "") == 0, "%s", msg);
    free(msg);
    /* Its own landscape page: columns add up to 225 mm. */
    msg = load_forms(FORMS_HEAD "<statistics>" LANDSCAPE "<title>{count}</title><roster>"
                     "<column width=\"200\" value=\"{name}\">名称</column>"
                     "<column width=\"25\" value=\"{compliant}\">是否达标</column>"
                     "<group>{town}（{town_count}）</group></roster></statistics></forms>\n", &ok);
    ck_assert_msg(ok, "%s", msg);
    free(msg);
    /* Placeholders out of their context, widths that do not fill the text
     * block, no roster. */
    msg = load_forms(FORMS_HEAD "<statistics>" LANDSCAPE "<title>{name}</title>\n<roster>"
                     "<column width=\"200\" value=\"{count}\">名称</column>\n"
                     "<group>{held_star}</group></roster></statistics>\n</forms>\n", &ok);
    ck_assert(!ok);
    ck_assert_msg(strstr(msg, ":5: error: 占位符 {name} 不能用在 <title> 中"), "%s", msg);
    ck_assert_msg(strstr(msg, ":6: error: 占位符 {count} 不能用在 <column> 中"), "%s", msg);
    ck_assert_msg(strstr(msg, "占位符 {held_star}"), "%s", msg);
    ck_assert_msg(strstr(msg, "200 毫米") && strstr(msg, "225 毫米"), "%s", msg);
    free(msg);
    msg = load_forms(FORMS_HEAD "<statistics><title>T</title></statistics></forms>\n", &ok);
    ck_assert(!ok);
    ck_assert_msg(strstr(msg, "缺少 <roster>"), "%s", msg);
    free(msg);
}
END_TEST

/* One organisation in two files of one year: stats and archive still
 * work, and warn naming both files (two rows, two folders otherwise go
 * unnoticed). */
START_TEST(same_organisation_twice)
{
    char *dir = tu_tmpdir(), *src = tu_read("samples/mingli-2018.xml", NULL);
    char *a, *b, *cmd, *out, *err;

    if (asprintf(&a, "%s/a.xml", dir) < 0 || asprintf(&b, "%s/b.xml", dir) < 0)
        abort();
    tu_write(a, src, strlen(src));
    tu_write(b, src, strlen(src));
    if (asprintf(&cmd, "$FIVESTAR stats '%s' '%s' -o '%s/s.pdf'", a, b, dir) < 0)
        abort();
    ck_assert_int_eq(tu_run(cmd, &out, &err), 0);
    ck_assert_msg(strstr(err, "有两份") && strstr(err, "a.xml") && strstr(err, "b.xml"),
                  "stats: %s", err);
    free(cmd);
    free(out);
    free(err);
    if (asprintf(&cmd, "$FIVESTAR archive '%s' '%s' -o '%s/x.zip'", a, b, dir) < 0)
        abort();
    tu_run(cmd, &out, &err);
    ck_assert_msg(strstr(err, "有两份") && strstr(err, "a.xml") && strstr(err, "b.xml"),
                  "archive: %s", err);
    free(cmd);
    free(out);
    free(err);
    /* two years in one 统计表: said */
    if (asprintf(&cmd, "$FIVESTAR stats samples/mingli-2018.xml samples/qinghe-shizhiguan-2019.xml "
                       "-o '%s/y.pdf'", dir) < 0)
        abort();
    ck_assert_int_eq(tu_run(cmd, &out, &err), 0);
    ck_assert_msg(strstr(err, "不同年度") && strstr(err, "2018") && strstr(err, "2019"), "%s", err);
    free(cmd);
    free(out);
    free(err);
    /* distinct organisations of one year: no such warning */
    if (asprintf(&cmd, "$FIVESTAR stats samples/mingli-2018.xml samples/hengtai-2018.xml -o '%s/t.pdf'",
                 dir) < 0)
        abort();
    ck_assert_int_eq(tu_run(cmd, &out, &err), 0);
    ck_assert_ptr_null(strstr(err, "有两份"));
    free(cmd);
    free(out);
    free(err);
    free(a);
    free(b);
    free(src);
    free(dir);
}
END_TEST

static Suite *stats_suite(void)
{
    Suite *s = suite_create("stats");
    TCase *tc = tcase_create("stats");

    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, samples_both_formats);
    tcase_add_test(tc, samples_and_300_generated);
    tcase_add_test(tc, same_bytes_twice);
    tcase_add_test(tc, invalid_stops);
    tcase_add_test(tc, skip_invalid);
    tcase_add_test(tc, usage_errors);
    tcase_add_test(tc, progress_on_a_terminal);
    tcase_add_test(tc, template_statistics);
    tcase_add_test(tc, same_organisation_twice);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    const char *bin = getenv("FIVESTAR");
    char *cmd;

    setenv("FIVESTAR_TEMPLATES", "templates", 0);
    fs_templates_init(NULL);
    /* The generated dossiers and the big tables, once, before the forked
     * tests read them. */
    work = tu_tmpdir();
    if (asprintf(&cmd, "sh tests/gen-dossiers.sh %d %s/gen && "
                       "{ %s stats samples/*.xml %s/gen/*.xml -o %s/big.pdf; a=$?; "
                       "%s stats samples/*.xml %s/gen/*.xml -o %s/big.docx; echo $a $? >%s/big.status; } "
                       ">%s/big.log 2>&1",
                 NGEN, work, bin && *bin ? bin : "./fivestar", work, work,
                 bin && *bin ? bin : "./fivestar", work, work, work, work) < 0)
        abort();
    if (system(cmd) < 0)
        abort();
    free(cmd);
    return tu_main(stats_suite());
}
