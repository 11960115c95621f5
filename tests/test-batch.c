/*
 * test-batch.c - `fivestar render` over many dossiers: worker processes
 * give the same files and the same messages, in the same order, as one
 * process; a bad dossier among them stops nothing but shows in the exit
 * status; the progress line appears on a terminal only.
 */
#include "testutil.h"
#include "fivestar.h"

#define NGEN 24

static char *work;

/* Runs CMD, which renders into DIR, and returns its output and messages
 * with DIR replaced by "OUT" (malloc'd, in *OUT and *ERR). */
static int run_in(const char *cmd, const char *dir, char **out, char **err)
{
    char *full;
    int st;

    if (asprintf(&full, "{ %s ; } 2>%s.err | sed 's#%s#OUT#g'; st=$?; sed -i 's#%s#OUT#g' %s.err; "
                        "cat %s.err >&2; exit $st", cmd, dir, dir, dir, dir, dir) < 0)
        abort();
    st = tu_run(full, out, err);
    free(full);
    return st;
}

/* Two workers and one process: the same files, byte for byte, and the
 * same standard output and error, line for line; the generated dossiers
 * plus a broken one in the middle (exit 1, the others all rendered). */
START_TEST(workers_match_one_process)
{
    char *cmd, *o1, *e1, *o2, *e2, *d1, *d2;
    int s1, s2;

    if (asprintf(&d1, "%s/one", work) < 0 || asprintf(&d2, "%s/two", work) < 0 ||
        asprintf(&cmd, "$FIVESTAR render %s/gen/gen-00[01]*.xml %s/bad.xml %s/gen/gen-002[0-4].xml "
                       "samples/minimal-2018.xml -o %s --jobs 1; echo status $?",
                 work, work, work, d1) < 0)
        abort();
    s1 = run_in(cmd, d1, &o1, &e1);
    free(cmd);
    if (asprintf(&cmd, "$FIVESTAR render %s/gen/gen-00[01]*.xml %s/bad.xml %s/gen/gen-002[0-4].xml "
                       "samples/minimal-2018.xml -o %s --jobs 2; echo status $?",
                 work, work, work, d2) < 0)
        abort();
    s2 = run_in(cmd, d2, &o2, &e2);
    free(cmd);
    ck_assert_int_eq(s1, 0);
    ck_assert_int_eq(s2, 0);
    ck_assert_msg(strstr(o1, "status 1\n"), "%s", o1);
    ck_assert_str_eq(o1, o2);
    ck_assert_str_eq(e1, e2);
    ck_assert_msg(strstr(e1, "bad.xml:1: error:"), "%s", e1);
    ck_assert_msg(strstr(o1, "minimal-2018.xml → OUT/minimal-2018/"), "%s", o1);
    /* Every dossier after the bad one was rendered. */
    if (asprintf(&cmd, "test $(ls %s | wc -l) = 25 && test ! -e %s/bad && diff -r %s %s", d1, d1, d1, d2) < 0)
        abort();
    ck_assert_int_eq(tu_run(cmd, NULL, NULL), 0);
    free(cmd);
    free(o1);
    free(e1);
    free(o2);
    free(e2);
    free(d1);
    free(d2);
}
END_TEST

/* One dossier on two threads (render's default on two processors, or
 * --jobs 2) and on one (--jobs 1): the same files, byte for byte, and the
 * same messages, for every sample, as PDF/A and with office fonts too. */
START_TEST(threads_match_one_thread)
{
    static const char *const opts[] = {"", "--pdfa", "--office-fonts --format docx"};
    char *cmd, *o1, *e1, *o2, *e2, *d1, *d2;

    for (size_t k = 0; k < sizeof opts / sizeof opts[0]; k++) {
        if (asprintf(&d1, "%s/t1-%zu", work, k) < 0 || asprintf(&d2, "%s/t2-%zu", work, k) < 0 ||
            asprintf(&cmd, "for f in samples/*.xml; do $FIVESTAR render $f -o %s --jobs 1 %s; "
                           "echo status $?; done", d1, opts[k]) < 0)
            abort();
        ck_assert_int_eq(run_in(cmd, d1, &o1, &e1), 0);
        free(cmd);
        if (asprintf(&cmd, "for f in samples/*.xml; do $FIVESTAR render $f -o %s --jobs 2 %s; "
                           "echo status $?; done", d2, opts[k]) < 0)
            abort();
        ck_assert_int_eq(run_in(cmd, d2, &o2, &e2), 0);
        free(cmd);
        ck_assert_str_eq(o1, o2);
        ck_assert_str_eq(e1, e2);
        ck_assert_msg(strstr(o1, "mingli-2018.xml → OUT/mingli-2018/"), "%s", o1);
        if (asprintf(&cmd, "test $(ls %s/*/* | wc -l) -ge 12 && diff -r %s %s", d1, d1, d2) < 0)
            abort();
        ck_assert_int_eq(tu_run(cmd, NULL, NULL), 0);
        free(cmd), free(o1), free(e1), free(o2), free(e2), free(d1), free(d2);
    }
}
END_TEST

START_TEST(jobs_usage)
{
    char *err;

    ck_assert_int_eq(tu_run("$FIVESTAR render samples/mingli-2018.xml --jobs 0 -o /tmp", NULL, &err), 2);
    ck_assert_msg(strstr(err, "--jobs"), "%s", err);
    free(err);
    ck_assert_int_eq(tu_run("$FIVESTAR render samples/mingli-2018.xml --jobs x -o /tmp", NULL, &err), 2);
    free(err);
}
END_TEST

/* On a terminal render shows [N/TOTAL] (one process and workers); on a
 * pipe it never does. */
START_TEST(progress_on_a_terminal_only)
{
    char *cmd, *out, *err;

    for (int jobs = 1; jobs <= 2; jobs++) {
        if (asprintf(&cmd, "script -qec '$FIVESTAR render samples/mingli-2018.xml samples/minimal-2018.xml "
                           "-o %s/tty --format docx --jobs %d' /dev/null", work, jobs) < 0)
            abort();
        ck_assert_int_eq(tu_run(cmd, &out, NULL), 0);
        ck_assert_msg(strstr(out, "[2/2]") && strstr(out, "\r\033[K"), "%s", out);
        free(out);
        free(cmd);
    }
    if (asprintf(&cmd, "$FIVESTAR render samples/mingli-2018.xml samples/minimal-2018.xml "
                       "-o %s/pipe --format docx", work) < 0)
        abort();
    ck_assert_int_eq(tu_run(cmd, &out, &err), 0);
    ck_assert_msg(!strchr(err, '\r') && !strstr(err, "[1/2]"), "%s", err);
    free(out);
    free(err);
    free(cmd);
}
END_TEST

static Suite *batch_suite(void)
{
    Suite *s = suite_create("batch");
    TCase *tc = tcase_create("batch");

    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, workers_match_one_process);
    tcase_add_test(tc, threads_match_one_thread);
    tcase_add_test(tc, jobs_usage);
    tcase_add_test(tc, progress_on_a_terminal_only);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    char *cmd;

    work = tu_tmpdir();
    if (asprintf(&cmd, "sh tests/gen-dossiers.sh %d %s/gen && printf '<dossier/>' > %s/bad.xml",
                 NGEN, work, work) < 0)
        abort();
    if (system(cmd) != 0)
        abort();
    free(cmd);
    return tu_main(batch_suite());
}
