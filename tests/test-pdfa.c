/*
 * test-pdfa.c - --pdfa: the PDF/A-1b requirements, checked structurally
 * by tests/pdfa_check.py (no PDF/A validator is packaged in Debian; see
 * the README for what this does and does not prove).
 *
 * Asserted: the forms of render --pdfa, the 统计表 of stats --pdfa and
 * the PDFs inside an archive pass every check; the same files without
 * --pdfa fail them (so the checks can fail); XML-special characters in a
 * name reach the XMP escaped and equal to the Info entry; the output is
 * byte-identical on a second run and each document has its own /ID;
 * the text is still extractable and qpdf finds nothing; a missing or
 * unsuitable colour profile is an error naming the file.
 */
#include "testutil.h"
#include "fivestar.h"

#define ICC_DEFAULT "/usr/share/color/icc/sRGB.icc"

static char *work;

/* pdfa_check.py on PDF; returns its status, its report in *OUT. */
static int pdfa_check(const char *pdf, char **out)
{
    char *cmd;
    const char *icc = getenv("FIVESTAR_ICC");
    int st;

    if (asprintf(&cmd, "/usr/bin/python3 tests/pdfa_check.py '%s' '%s'", pdf,
                 icc && *icc ? icc : ICC_DEFAULT) < 0)
        abort();
    st = tu_run(cmd, out, NULL);
    free(cmd);
    return st;
}

static void assert_pdfa(const char *pdf)
{
    char *out, *cmd, *qout;

    ck_assert_msg(pdfa_check(pdf, &out) == 0, "%s", out);
    free(out);
    if (asprintf(&cmd, "qpdf --check '%s'", pdf) < 0)
        abort();
    ck_assert_int_eq(tu_run(cmd, &qout, NULL), 0);
    ck_assert_ptr_nonnull(strstr(qout, "No syntax or stream encoding errors"));
    free(qout);
    free(cmd);
}

START_TEST(render_forms_pass)
{
    static const char *const sm[] = {"mingli-2018", "dalang-social-2018", "minimal-2018"};
    char *cmd;

    if (asprintf(&cmd, "$FIVESTAR render samples/mingli-2018.xml samples/dalang-social-2018.xml "
                       "samples/minimal-2018.xml -o %s/a --format pdf --pdfa", work) < 0)
        abort();
    ck_assert_int_eq(tu_run(cmd, NULL, NULL), 0);
    free(cmd);
    for (size_t i = 0; i < sizeof sm / sizeof *sm; i++)
        for (int f = 0; f < 2; f++) {
            char *pdf;
            if (asprintf(&pdf, "%s/a/%s/%s", work, sm[i], f ? "申报表.pdf" : "评定标准.pdf") < 0)
                abort();
            assert_pdfa(pdf);
            free(pdf);
        }
    /* Still a normal PDF for poppler: the text comes out. */
    if (asprintf(&cmd, "pdftotext %s/a/mingli-2018/申报表.pdf - | tr -d ' \\n' | "
                       "grep -q 中共东莞市明理律师事务所支部委员会", work) < 0)
        abort();
    ck_assert_int_eq(tu_run(cmd, NULL, NULL), 0);
    free(cmd);
}
END_TEST

/* Without --pdfa the same forms fail the checks: they can fail. */
START_TEST(plain_pdf_fails)
{
    char *cmd, *pdf, *out;

    if (asprintf(&cmd, "$FIVESTAR render samples/mingli-2018.xml -o %s/plain --format pdf", work) < 0 ||
        asprintf(&pdf, "%s/plain/mingli-2018/申报表.pdf", work) < 0)
        abort();
    ck_assert_int_eq(tu_run(cmd, NULL, NULL), 0);
    ck_assert_int_eq(pdfa_check(pdf, &out), 1);
    ck_assert_msg(strstr(out, "no /Metadata") && strstr(out, "no /CIDSet") &&
                  strstr(out, "/OutputIntents") && strstr(out, "PDF-1.3"), "%s", out);
    free(out);
    free(pdf);
    free(cmd);
}
END_TEST

/* Same bytes on a second run; each document its own /ID. */
START_TEST(deterministic_ids)
{
    char *cmd, *out;

    if (asprintf(&cmd, "$FIVESTAR render samples/mingli-2018.xml -o %s/b1 --format pdf --pdfa && "
                       "TZ=America/New_York $FIVESTAR render samples/mingli-2018.xml -o %s/b2 --format pdf --pdfa && "
                       "cmp %s/b1/mingli-2018/评定标准.pdf %s/b2/mingli-2018/评定标准.pdf && "
                       "cmp %s/b1/mingli-2018/申报表.pdf %s/b2/mingli-2018/申报表.pdf && "
                       "for f in %s/b1/mingli-2018/*.pdf; do qpdf --show-object=trailer \"$f\"; echo; done",
                 work, work, work, work, work, work, work) < 0)
        abort();
    ck_assert_int_eq(tu_run(cmd, &out, NULL), 0);
    {
        const char *a = strstr(out, "/ID [ <"), *b = a ? strstr(a + 1, "/ID [ <") : NULL;
        ck_assert_msg(a && b, "%s", out);
        ck_assert_msg(strncmp(a, b, 7 + 32) != 0, "two documents share an /ID: %s", out);
    }
    free(out);
    free(cmd);
}
END_TEST

/* A name with & < > " in it: the XMP stays well-formed and equal to the
 * Info dictionary (pdfa_check compares them). */
START_TEST(xml_special_characters)
{
    char *text = tu_read("samples/minimal-2018.xml", NULL), *t2, *path, *cmd, *pdf, *out;

    t2 = tu_replace(text, "<name>中共广东正衡律师事务所支部委员会</name>",
                    "<name>中共广东正衡&amp;&lt;共建&gt;&quot;律师&quot;事务所支部委员会</name>");
    if (asprintf(&path, "%s/special.xml", work) < 0 ||
        asprintf(&cmd, "$FIVESTAR render %s -o %s/sp --format pdf --pdfa", path, work) < 0 ||
        asprintf(&pdf, "%s/sp/special/申报表.pdf", work) < 0)
        abort();
    tu_write(path, t2, strlen(t2));
    ck_assert_int_eq(tu_run(cmd, NULL, NULL), 0);
    assert_pdfa(pdf);
    free(cmd);
    if (asprintf(&cmd, "qpdf --qdf --object-streams=disable %s - | grep -a -c "
                       "'中共广东正衡&amp;&lt;共建&gt;\"律师\"事务所支部委员会'", pdf) < 0)
        abort();
    ck_assert_int_eq(tu_run(cmd, &out, NULL), 0);
    ck_assert_msg(strtol(out, NULL, 10) >= 2, "escaped title and creator not in the XMP: %s", out);
    free(out);
    free(cmd);
    free(pdf);
    free(path);
    free(t2);
    free(text);
}
END_TEST

START_TEST(stats_passes)
{
    char *cmd, *pdf;

    if (asprintf(&pdf, "%s/stats.pdf", work) < 0 ||
        asprintf(&cmd, "$FIVESTAR stats samples/*.xml -o %s --pdfa", pdf) < 0)
        abort();
    ck_assert_int_eq(tu_run(cmd, NULL, NULL), 0);
    assert_pdfa(pdf);
    free(cmd);
    free(pdf);
}
END_TEST

/* archive writes its PDFs as PDF/A. */
START_TEST(archive_pdfs_pass)
{
    static const char *const members[] = {
        "统计表.pdf", "hengtai-2018/评定标准.pdf", "hengtai-2018/申报表.pdf",
    };
    char *cmd;

    if (asprintf(&cmd, "$FIVESTAR archive samples/hengtai-2018.xml -o %s/a.zip", work) < 0)
        abort();
    ck_assert_int_eq(tu_run(cmd, NULL, NULL), 0);
    free(cmd);
    for (size_t i = 0; i < sizeof members / sizeof *members; i++) {
        char *pdf;
        if (asprintf(&pdf, "%s/m%zu.pdf", work, i) < 0 ||
            asprintf(&cmd, "unzip -p %s/a.zip '%s' > %s", work, members[i], pdf) < 0)
            abort();
        ck_assert_int_eq(tu_run(cmd, NULL, NULL), 0);
        assert_pdfa(pdf);
        free(cmd);
        free(pdf);
    }
}
END_TEST

START_TEST(missing_or_wrong_profile)
{
    char *cmd, *err;

    if (asprintf(&cmd, "FIVESTAR_ICC=/nonexistent/sRGB.icc $FIVESTAR render samples/mingli-2018.xml "
                       "-o %s/x --pdfa", work) < 0)
        abort();
    ck_assert_int_eq(tu_run(cmd, NULL, &err), 3);
    ck_assert_msg(strstr(err, "/nonexistent/sRGB.icc") && strstr(err, "icc-profiles-free"), "%s", err);
    free(err);
    free(cmd);
    if (asprintf(&cmd, "FIVESTAR_ICC=samples/mingli-2018.xml $FIVESTAR stats samples/mingli-2018.xml "
                       "-o %s/x.pdf --pdfa", work) < 0)
        abort();
    ck_assert_int_eq(tu_run(cmd, NULL, &err), 3);
    ck_assert_msg(strstr(err, "samples/mingli-2018.xml: error:"), "%s", err);
    free(err);
    free(cmd);
    /* Without --pdfa the profile is never read. */
    if (asprintf(&cmd, "FIVESTAR_ICC=/nonexistent $FIVESTAR render samples/mingli-2018.xml "
                       "-o %s/y --format pdf", work) < 0)
        abort();
    ck_assert_int_eq(tu_run(cmd, NULL, NULL), 0);
    free(cmd);
}
END_TEST

static Suite *pdfa_suite(void)
{
    Suite *s = suite_create("pdfa");
    TCase *tc = tcase_create("pdfa");

    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, render_forms_pass);
    tcase_add_test(tc, plain_pdf_fails);
    tcase_add_test(tc, deterministic_ids);
    tcase_add_test(tc, xml_special_characters);
    tcase_add_test(tc, stats_passes);
    tcase_add_test(tc, archive_pdfs_pass);
    tcase_add_test(tc, missing_or_wrong_profile);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    work = tu_tmpdir();
    return tu_main(pdfa_suite());
}
