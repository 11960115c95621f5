/*
 * test-templates.c - template sets as data (fs-set.h) and the Chinese
 * names of stages, results and charts.
 *
 * The acceptance test of issue 12: a second set, made by copying the
 * Dongguan files into a copy of templates/, renaming the id, changing
 * texts, a label and one stage name, renders a dossier that names it
 * (validate, render, flowchart --dossier) with the new words and accepts
 * the new stage, through FIVESTAR_TEMPLATES alone (the copy has no fonts
 * beside it), while a Dongguan dossier beside it still renders its own.
 *
 * Issue 13: every stage and result of a history written by its Chinese
 * name (the stage-name of its box, or the box's label) validates and
 * gives the same score, the same stages and the same marked charts as its
 * canonical twin; 创建 / 动态管理 name the charts.
 */
#include "testutil.h"
#include "fivestar.h"
#include "fs-set.h"
#include "fs-model.h"
#include "fs-xml.h"

#include <limits.h>
#include <stdarg.h>

/* The text of the PDF at PATH without any white space (malloc'd). */
static char *pdf_words(const char *path)
{
    char *out;

    ck_assert_int_eq(tu_run_fmt(&out, NULL, "pdftotext -enc UTF-8 '%s' - | tr -d ' \\n\\f\\r\\t'",
                         path), 0);
    return out;
}

/* Fails unless the PDF at PATH holds every string of HAS (NULL-ended)
 * and none of HASNT. */
static void pdf_says(const char *path, const char *const *has, const char *const *hasnt)
{
    char *t = pdf_words(path);

    for (size_t i = 0; has && has[i]; i++)
        ck_assert_msg(strstr(t, has[i]) != NULL, "%s: no \"%s\"", path, has[i]);
    for (size_t i = 0; hasnt && hasnt[i]; i++)
        ck_assert_msg(strstr(t, hasnt[i]) == NULL, "%s: has \"%s\"", path, hasnt[i]);
    free(t);
}

/* Makes $FIVESTAR and $FIVESTAR_TEMPLATES (the checkout's) absolute, so
 * that commands may change folder. */
static void setup(void)
{
    const char *bin = getenv("FIVESTAR");
    char abs[PATH_MAX];

    if (realpath(bin && *bin ? bin : "./fivestar", abs))
        setenv("FIVESTAR", abs, 1);
    if (realpath("templates", abs))
        setenv("FIVESTAR_TEMPLATES", abs, 1);
    unsetenv("FIVESTAR_FONTS");
    fs_templates_init(NULL);
}

/* The acceptance test of issue 12 (see the top of this file). */
START_TEST(test_second_set)
{
    char *dir = tu_tmpdir(), *out, *err, *env, pdf[PATH_MAX], cwd[PATH_MAX];
    int st;

    ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));

    /* templates/ copied alone (no fonts/ beside it); the set shifan-2025:
     * 东莞市 → 示范市 everywhere, the label 党员人数 → 党员数量, the box
     * 工委审核 → 市委审核 whose stage committee-review becomes city-review */
    st = tu_run_fmt(NULL, &err,
             "set -e; cp -r templates '%s/templates'; cd '%s/templates';"
             "sed 's/id=\"dongguan-2018\"/id=\"shifan-2025\"/; s/东莞市/示范市/g'"
             " rubrics/dongguan-2018.xml > rubrics/shifan-2025.xml;"
             "sed 's/id=\"dongguan-2018\"/id=\"shifan-2025\"/; s/东莞市/示范市/g;"
             " s/<label>党员人数</<label>党员数量</' forms/dongguan-2018.xml > forms/shifan-2025.xml;"
             "mkdir flowcharts/shifan-2025; for c in creation dynamic; do"
             " sed 's/东莞市/示范市/g; s/>工委审核</>市委审核</;"
             " s/stage=\"committee-review\" stage-name=\"工委审核\"/stage=\"city-review\" stage-name=\"市委审核\"/'"
             " flowcharts/$c.xml > flowcharts/shifan-2025/$c.xml; done;"
             "grep -q 'stage=\"city-review\"' flowcharts/shifan-2025/creation.xml;"
             "grep -q '党员数量' forms/shifan-2025.xml;"
             "mkdir ../d; cd ../d; cp '%s/samples/mingli-2018.xml' dg.xml;"
             "sed 's/rubric=\"dongguan-2018\"/rubric=\"shifan-2025\"/;"
             " s/stage=\"committee-review\"/stage=\"city-review\"/' dg.xml > new.xml;"
             "grep -q 'city-review' new.xml;"
             "sed 's/stage=\"city-review\"/stage=\"committee-review\"/' new.xml > old.xml;"
             "sed 's/ rubric=\"dongguan-2018\"//' dg.xml > none.xml",
             dir, dir, cwd);
    ck_assert_msg(st == 0, "making the set: %s", err);
    free(err);
    if (asprintf(&env, "cd '%s' && env -u FIVESTAR_FONTS FIVESTAR_TEMPLATES='%s/templates'",
                 dir, dir) < 0)
        abort();

    /* validate: both dossiers, each against its own set */
    st = tu_run_fmt(&out, &err, "%s $FIVESTAR validate d/new.xml d/dg.xml", env);
    ck_assert_msg(st == 0, "validate: %s%s", out, err);
    free(out);
    free(err);

    /* the new set no longer has committee-review: refused, naming the new */
    st = tu_run_fmt(&out, &err, "%s $FIVESTAR validate d/old.xml", env);
    ck_assert_int_eq(st, 1);
    ck_assert_msg(strstr(err, "stage=\"committee-review\" 不是评定标准 shifan-2025") &&
                  strstr(err, "city-review（市委审核）"), "%s", err);
    free(out);
    free(err);

    /* two sets and a dossier that names none: the clerk must say which */
    st = tu_run_fmt(&out, &err, "%s $FIVESTAR validate d/none.xml", env);
    ck_assert_int_eq(st, 1);
    ck_assert_msg(strstr(err, "未写明评定标准") && strstr(err, "dongguan-2018、shifan-2025"),
                  "%s", err);
    free(out);
    free(err);

    /* render: each with its own texts and labels */
    st = tu_run_fmt(&out, &err, "%s $FIVESTAR render d/new.xml d/dg.xml -o out", env);
    ck_assert_msg(st == 0, "render: %s%s", out, err);
    free(out);
    free(err);
    {
        const char *nw[] = {"示范市社会组织“五星级党组织”申报表", "党员数量", NULL};
        const char *nw_not[] = {"东莞市社会组织“", "党员人数", NULL};
        const char *dg[] = {"东莞市社会组织“五星级党组织”申报表", "党员人数", NULL};
        const char *dg_not[] = {"示范市", "党员数量", NULL};
        const char *nr[] = {"示范市社会组织“五星级党组织”评定标准", NULL};
        snprintf(pdf, sizeof pdf, "%s/out/new/申报表.pdf", dir);
        pdf_says(pdf, nw, nw_not);
        snprintf(pdf, sizeof pdf, "%s/out/new/评定标准.pdf", dir);
        pdf_says(pdf, nr, nw_not);
        snprintf(pdf, sizeof pdf, "%s/out/dg/申报表.pdf", dir);
        pdf_says(pdf, dg, dg_not);
    }

    /* flowchart --dossier: the set's chart, marked at the new stage */
    st = tu_run_fmt(&out, &err, "%s $FIVESTAR flowchart creation --dossier d/new.xml -o new-c.pdf"
             " && %s $FIVESTAR flowchart 动态管理 --dossier d/dg.xml -o dg-d.pdf", env, env);
    ck_assert_msg(st == 0, "flowchart: %s%s", out, err);
    ck_assert_msg(strstr(out, "模板 shifan-2025") && strstr(out, "模板 dongguan-2018"), "%s", out);
    free(out);
    free(err);
    {
        const char *nw[] = {"示范市社会组织“五星级党组织”创建流程图", "市委审核",
                            "2018年5月10日通过", NULL};
        const char *nw_not[] = {"东莞市社会组织“", "工委审核", NULL};
        const char *dg[] = {"东莞市社会组织“五星级党组织”动态管理流程图", "工委审核", NULL};
        const char *dg_not[] = {"示范市", "市委审核", NULL};
        snprintf(pdf, sizeof pdf, "%s/new-c.pdf", dir);
        pdf_says(pdf, nw, nw_not);
        snprintf(pdf, sizeof pdf, "%s/dg-d.pdf", dir);
        pdf_says(pdf, dg, dg_not);
    }

    /* flowchart without a dossier: two sets, so --rubric is needed */
    st = tu_run_fmt(&out, &err, "%s $FIVESTAR flowchart creation -o x.pdf", env);
    ck_assert_int_eq(st, 2);
    ck_assert_msg(strstr(err, "多个评定标准（dongguan-2018、shifan-2025）") &&
                  strstr(err, "--rubric"), "%s", err);
    free(out);
    free(err);
    st = tu_run_fmt(&out, &err, "%s $FIVESTAR flowchart 创建 --rubric shifan-2025 -o x.pdf", env);
    ck_assert_msg(st == 0, "%s", err);
    free(out);
    free(err);
    {
        const char *nw[] = {"示范市社会组织“五星级党组织”创建流程图", "市委审核", NULL};
        snprintf(pdf, sizeof pdf, "%s/x.pdf", dir);
        pdf_says(pdf, nw, NULL);
    }
    st = tu_run_fmt(&out, &err, "%s $FIVESTAR flowchart creation --rubric nosuch -o y.pdf", env);
    ck_assert_int_eq(st, 2);
    ck_assert_msg(strstr(err, "未知的评定标准“nosuch”"), "%s", err);
    free(out);
    free(err);
    st = tu_run_fmt(&out, &err, "%s $FIVESTAR new --rubric shifan-2025 | grep -c 'rubric=\"shifan-2025\"'"
             " && %s $FIVESTAR new", env, env);
    ck_assert_int_eq(st, 2);
    ck_assert_msg(strstr(err, "多个评定标准") && strstr(err, "--rubric"), "%s", err);
    free(out);
    free(err);
    free(env);
    free(dir);
}
END_TEST

/* Replaces every FROM in *S by TO. */
static void replace_all(char **s, const char *from, const char *to)
{
    while (strstr(*s, from)) {
        char *t = tu_replace(*s, from, to);
        free(*s);
        *s = t;
    }
}

/* Writes DIR/NAME/songshan.xml: the songshan sample with every stage
 * written by its ALIAS-th Chinese name (-1: the last, a box's label), with
 * blanks around it, and the results by 通过 / 不通过; ALIAS -2 keeps the
 * sample as it is. */
static void twin(const char *dir, const char *name, const fs_set *set, int alias)
{
    char *s = tu_read("samples/songshan-revoked-2018.xml", NULL), path[PATH_MAX];

    ck_assert_ptr_nonnull(s);
    for (size_t i = 0; alias != -2 && i < set->nstages; i++) {
        const fs_set_stage *st = &set->stages[i];
        char from[128], to[256];
        size_t k = alias < 0 ? st->naliases - 1 : (size_t)alias;
        ck_assert_uint_gt(st->naliases, k);
        snprintf(from, sizeof from, "stage=\"%s\"", st->name);
        snprintf(to, sizeof to, "stage=\" %s \"", st->aliases[k]);
        replace_all(&s, from, to);
    }
    if (alias != -2) {
        replace_all(&s, "result=\"pass\"", "result=\"通过\"");
        replace_all(&s, "result=\"fail\"", "result=\"不通过\"");
    }
    snprintf(path, sizeof path, "%s/%s", dir, name);
    mkdir(path, 0755);
    snprintf(path, sizeof path, "%s/%s/songshan.xml", dir, name);
    tu_write(path, s, strlen(s));
    free(s);
}

/* Issue 13: Chinese stage, result and chart names (see the top). */
START_TEST(test_chinese_names)
{
    static const char *const names[] = {"stagename", "label"};
    char *dir = tu_tmpdir(), path[PATH_MAX];
    fs_diags diags = {0};
    fs_error err;
    fs_set *set = fs_set_load("dongguan-2018", &diags, &err);
    fs_rubric_cache *cache = fs_rubric_cache_new();
    const fs_rubric *r;
    fs_dossier *canon;
    char *score_canon, *out, *e, *text_canon[2];

    ck_assert_msg(set != NULL, "%s", fs_strerror(err));
    /* the names of the issue, from the flowcharts' data */
    ck_assert_str_eq(fs_set_stage_find(set, "提交申报材料")->name, "submitted");
    ck_assert_str_eq(fs_set_stage_find(set, "初审")->name, "initial-review");
    ck_assert_str_eq(fs_set_stage_find(set, "镇街（园区）或直管党委初审")->name, "initial-review");
    ck_assert_str_eq(fs_set_stage_find(set, " 整改 ")->name, "rectification");
    ck_assert_str_eq(fs_set_stage_find(set, "党组织整改")->name, "rectification");
    ck_assert_ptr_null(fs_set_stage_find(set, "通过"));
    ck_assert(fs_set_stage_find(set, "复查")->review);
    ck_assert(!fs_set_stage_find(set, "整改")->review);
    ck_assert(fs_set_stage_find(set, "annual-report")->annual_start);
    ck_assert(fs_set_stage_find(set, "创建成功")->creation_end);
    ck_assert_str_eq(fs_set_chart_name("创建", NULL), "creation");
    ck_assert_str_eq(fs_set_chart_name("动态管理", NULL), "dynamic");
    ck_assert_ptr_null(fs_set_chart_name("动态", NULL));

    twin(dir, "canon", set, -2);
    twin(dir, "stagename", set, 0);
    twin(dir, "label", set, -1);
    snprintf(path, sizeof path, "%s/canon/songshan.xml", dir);
    canon = fs_dossier_load(path, cache, &r, &diags, &err);
    ck_assert_msg(canon != NULL, "%s", fs_strerror(err));
    ck_assert_int_eq(tu_run_fmt(&score_canon, NULL, "cd '%s/canon' && $FIVESTAR score --json songshan.xml",
                         dir), 0);
    for (int c = 0; c < 2; c++) {
        snprintf(path, sizeof path, "%s/c%d.pdf", dir, c);
        ck_assert_int_eq(tu_run_fmt(NULL, NULL, "$FIVESTAR flowchart %s --dossier %s/canon/songshan.xml"
                             " -o %s", c ? "dynamic" : "creation", dir, path), 0);
        text_canon[c] = pdf_words(path);
    }
    for (int n = 0; n < 2; n++) {
        fs_dossier *d;
        char *score;

        snprintf(path, sizeof path, "%s/%s/songshan.xml", dir, names[n]);
        ck_assert_int_eq(tu_run_fmt(&out, &e, "$FIVESTAR validate %s", path), 0);
        free(out);
        free(e);
        d = fs_dossier_load(path, cache, &r, &diags, &err);
        ck_assert_msg(d != NULL, "%s", fs_strerror(err));
        ck_assert_uint_eq(d->nevents, canon->nevents);
        for (size_t i = 0; i < d->nevents; i++) {
            ck_assert_str_eq(d->events[i].stage, canon->events[i].stage);
            ck_assert_int_eq(d->events[i].result, canon->events[i].result);
            ck_assert_int_eq(d->events[i].annual, canon->events[i].annual);
        }
        fs_dossier_free(d);
        ck_assert_int_eq(tu_run_fmt(&score, NULL, "cd '%s/%s' && $FIVESTAR score --json songshan.xml",
                             dir, names[n]), 0);
        ck_assert_str_eq(score, score_canon);
        free(score);
        for (int c = 0; c < 2; c++) {
            char *t;
            snprintf(path, sizeof path, "%s/%s-%d.pdf", dir, names[n], c);
            ck_assert_int_eq(tu_run_fmt(NULL, NULL, "$FIVESTAR flowchart %s --dossier %s/%s/songshan.xml"
                                 " -o %s", c ? "动态管理" : "创建", dir, names[n], path), 0);
            t = pdf_words(path);
            ck_assert_str_eq(t, text_canon[c]);
            free(t);
        }
    }
    /* a result on a stage that is not a review, in Chinese too */
    {
        char *s = tu_read("samples/mingli-2018.xml", NULL);
        char *bad = tu_replace(s, "stage=\"submitted\"/>", "stage=\"提交申报材料\" result=\"通过\"/>");
        snprintf(path, sizeof path, "%s/bad.xml", dir);
        tu_write(path, bad, strlen(bad));
        ck_assert_int_eq(tu_run_fmt(&out, &e, "$FIVESTAR validate %s", path), 1);
        ck_assert_msg(strstr(e, "不是审核环节") && strstr(e, "initial-review（初审）"), "%s", e);
        free(out);
        free(e);
        free(bad);
        free(s);
    }
    for (int c = 0; c < 2; c++)
        free(text_canon[c]);
    free(score_canon);
    fs_dossier_free(canon);
    fs_rubric_cache_free(cache);
    fs_set_free(set);
    fs_diags_clear(&diags);
    free(dir);
}
END_TEST

/* A set with charts of its own, and a Chinese name given to two stages. */
START_TEST(test_set_errors)
{
    char *dir = tu_tmpdir(), *s, *bad, path[PATH_MAX];
    fs_diags diags = {0};
    fs_error err;
    fs_set *set;

    ck_assert_int_eq(tu_run_fmt(NULL, NULL, "cp -r templates '%s/templates' && mkdir "
                         "'%s/templates/flowcharts/dongguan-2018'", dir, dir), 0);
    s = tu_read("templates/flowcharts/dynamic.xml", NULL);
    bad = tu_replace(s, "stage-name=\"复查\"", "stage-name=\"整改\"");
    snprintf(path, sizeof path, "%s/templates/flowcharts/dongguan-2018/dynamic.xml", dir);
    tu_write(path, bad, strlen(bad));
    snprintf(path, sizeof path, "%s/templates", dir);
    setenv("FIVESTAR_TEMPLATES", path, 1);
    fs_templates_init(NULL);
    /* the set's own dynamic.xml, the shared creation.xml */
    free(s);
    s = fs_set_chart_path("dongguan-2018", "dynamic");
    ck_assert_msg(strstr(s, "/flowcharts/dongguan-2018/dynamic.xml") != NULL, "%s", s);
    free(s);
    s = fs_set_chart_path("dongguan-2018", "creation");
    ck_assert_msg(strstr(s, "/flowcharts/creation.xml") != NULL, "%s", s);
    free(s);
    set = fs_set_load("dongguan-2018", &diags, &err);
    ck_assert_ptr_null(set);
    ck_assert_int_eq(err, FS_E_TEMPLATE);
    ck_assert_uint_ge(diags.errors, 1);
    free(bad);
    fs_diags_clear(&diags);
    free(dir);
    setup();
}
END_TEST

/* Loads the rubric at PATH with the templates folder DIR/templates;
 * returns how many errors were reported, 0 when it loaded.  Fails when a
 * message names none of the files or the load and the messages disagree. */
static size_t rubric_errors(const char *dir, const char *path)
{
    char t[PATH_MAX];
    fs_diags diags = {0};
    fs_error err;
    fs_rubric *r;
    size_t n;

    snprintf(t, sizeof t, "%s/templates", dir);
    setenv("FIVESTAR_TEMPLATES", t, 1);
    fs_templates_init(NULL);
    r = fs_rubric_load(path, &diags, &err);
    n = diags.errors;
    ck_assert_msg((r != NULL) == (n == 0), "%s: loaded %d, %zu errors", path, r != NULL, n);
    for (size_t i = 0; i < diags.n; i++)
        ck_assert_msg(diags.v[i].file && (strcmp(diags.v[i].file, path) == 0 ||
                                          strstr(diags.v[i].file, "rubric.xsd")),
                      "%s", diags.v[i].message);
    fs_rubric_free(r);
    fs_diags_clear(&diags);
    return n;
}

/* The shipped rubric and flowcharts were checked against their schemas
 * when fivestar was built (fs_xml_known) and are not checked again; what
 * is not byte for byte such a pair is: a changed rubric under the shipped
 * schema, the shipped rubric under a changed schema. */
START_TEST(test_known_templates)
{
    const char *shipped[] = {"rubrics/dongguan-2018.xml", "flowcharts/creation.xml",
                             "flowcharts/dynamic.xml"};
    char *dir = tu_tmpdir(), *s, *bad, path[PATH_MAX], rubric[PATH_MAX];
    size_t len;

    for (size_t i = 0; i < sizeof shipped / sizeof shipped[0]; i++) {
        int found = 0;

        snprintf(path, sizeof path, "templates/%s", shipped[i]);
        s = tu_read(path, &len);
        for (const fs_xml_known_pair *k = fs_xml_known; k->xsd; k++)
            found |= k->doc_len == len && memcmp(k->doc, s, len) == 0;
        ck_assert_msg(found, "%s is not among the templates checked at build time "
                      "(was xmllint missing when build/base/fs-xml-known.c was made?)", path);
        free(s);
    }

    /* the shipped pair, copied elsewhere: known by its bytes, not its path */
    ck_assert_int_eq(tu_run_fmt(NULL, NULL, "cp -r templates '%s/templates'", dir), 0);
    snprintf(rubric, sizeof rubric, "%s/templates/rubrics/dongguan-2018.xml", dir);
    ck_assert_uint_eq(rubric_errors(dir, rubric), 0);

    /* an element the schema does not allow (the loader alone ignores it) */
    s = tu_read("templates/rubrics/dongguan-2018.xml", NULL);
    bad = tu_replace(s, "</issuer>", "</issuer>\n  <bogus/>");
    tu_write(rubric, bad, strlen(bad));
    ck_assert_uint_ge(rubric_errors(dir, rubric), 1);
    tu_write(rubric, s, strlen(s));
    ck_assert_uint_eq(rubric_errors(dir, rubric), 0);
    free(bad);
    free(s);

    /* the shipped rubric under a schema that now refuses its id */
    s = tu_read("templates/rubric.xsd", NULL);
    bad = tu_replace(s, "[a-z0-9]+(-[a-z0-9]+)*", "[A-Z]+");
    ck_assert_ptr_nonnull(bad);
    snprintf(path, sizeof path, "%s/templates/rubric.xsd", dir);
    tu_write(path, bad, strlen(bad));
    ck_assert_uint_ge(rubric_errors(dir, rubric), 1);
    free(bad);
    free(s);
    free(dir);
    setup();
}
END_TEST

int main(void)
{
    Suite *s = suite_create("templates");
    TCase *tc = tcase_create("sets");

    setup();
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_second_set);
    tcase_add_test(tc, test_chinese_names);
    tcase_add_test(tc, test_set_errors);
    tcase_add_test(tc, test_known_templates);
    suite_add_tcase(s, tc);
    return tu_main(s);
}
