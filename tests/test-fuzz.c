/*
 * test-fuzz.c - replays the fuzzing inputs in the ordinary test suite.
 *
 * Every file of tests/fuzz/regressions/TARGET/ (an input a fuzzer once
 * crashed or hung on, kept after the fix) and of tests/fuzz/corpus/TARGET/
 * (the seeds) goes through the same entry point the libFuzzer target
 * TARGET uses (tests/fuzz/targets.c, linked in as its own object), without
 * sanitizers unless the build has them (make asan).  An entry point
 * abort()s on a broken invariant, which check reports as a signal; a
 * signal handler names the file being replayed first.
 */
#define _GNU_SOURCE
#include "testutil.h"
#include "fuzz/fuzz.h"

#include <dirent.h>
#include <signal.h>

/* One input to replay: the target's entry point and the file. */
typedef struct replay {
    int (*run)(const uint8_t *data, size_t size);
    char *path;
} replay;

static replay *inputs;
static size_t ninputs;
static const char *replaying;   /* the file being replayed, for crash_note */

/* On a crash, names the file being replayed (write(2) only: this runs in
 * a signal handler), then dies of the same signal. */
static void crash_note(int sig)
{
    static const char head[] = "test-fuzz: crashed replaying ";

    if (replaying) {
        ssize_t w = write(2, head, sizeof head - 1);
        w += write(2, replaying, strlen(replaying));
        w += write(2, "\n", 1);
        (void)w;                /* nothing to do if standard error is gone */
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

/* Keeps names that are files to replay (not dot files or README). */
static int wanted(const struct dirent *e)
{
    return e->d_name[0] != '.' && strcmp(e->d_name, "README") != 0;
}

/* Adds every file of DIR, in name order, to the inputs of RUN. */
static void add_dir(const char *dir, int (*run)(const uint8_t *, size_t))
{
    struct dirent **names = NULL;
    int n = scandir(dir, &names, wanted, alphasort);

    for (int i = 0; i < n; i++) {
        inputs = realloc(inputs, (ninputs + 1) * sizeof *inputs);
        if (!inputs)
            abort();
        inputs[ninputs].run = run;
        if (asprintf(&inputs[ninputs].path, "%s/%s", dir, names[i]->d_name) < 0)
            abort();
        ninputs++;
        free(names[i]);
    }
    free(names);
}

START_TEST(test_replay)
{
    const replay *r = &inputs[_i];
    size_t len = 0;
    char *data = tu_read(r->path, &len);

    ck_assert_msg(data != NULL, "cannot read %s", r->path);
    replaying = r->path;
    ck_assert_int_eq(r->run((const uint8_t *)data, len), 0);
    replaying = NULL;
    free(data);
}
END_TEST

/* The inputs are all there: at least the seeds of each target. */
START_TEST(test_inputs_present)
{
    size_t per[4] = {0, 0, 0, 0};

    for (size_t i = 0; i < ninputs; i++)
        per[inputs[i].run == fs_fuzz_dossier   ? 0
            : inputs[i].run == fs_fuzz_breaker ? 1
            : inputs[i].run == fs_fuzz_measure ? 2
                                               : 3]++;
    ck_assert_msg(per[0] >= 6, "tests/fuzz/corpus/dossier: the samples are missing");
    ck_assert_uint_ge(per[1], 1);
    ck_assert_uint_ge(per[2], 1);
    ck_assert_uint_ge(per[3], 1);
}
END_TEST

/* Lists the inputs of every target, loads the fonts once, runs the
 * replay suite and frees what the entry points kept. */
int main(void)
{
    static const struct {
        const char *name;
        int (*run)(const uint8_t *, size_t);
    } targets[] = {
        {"dossier", fs_fuzz_dossier}, {"breaker", fs_fuzz_breaker}, {"measure", fs_fuzz_measure},
        {"pieces", fs_fuzz_pieces},
    };
    Suite *s = suite_create("fuzz");
    TCase *tc = tcase_create("replay");
    int status;

    setenv("FIVESTAR_TEMPLATES", "templates", 0);
    signal(SIGABRT, crash_note);
    signal(SIGSEGV, crash_note);
    signal(SIGBUS, crash_note);
    signal(SIGFPE, crash_note);
    for (size_t t = 0; t < sizeof targets / sizeof *targets; t++) {
        char *dir;
        if (asprintf(&dir, "tests/fuzz/regressions/%s", targets[t].name) < 0)
            abort();
        add_dir(dir, targets[t].run);
        free(dir);
        if (asprintf(&dir, "tests/fuzz/corpus/%s", targets[t].name) < 0)
            abort();
        add_dir(dir, targets[t].run);
        free(dir);
    }
    /* Load the fonts once here, not in every forked test. */
    fs_fuzz_measure((const uint8_t *)"\0\0", 2);

    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_inputs_present);
    tcase_add_loop_test(tc, test_replay, 0, (int)ninputs);
    suite_add_tcase(s, tc);
    status = tu_main(s);

    fs_fuzz_cleanup();
    for (size_t i = 0; i < ninputs; i++)
        free(inputs[i].path);
    free(inputs);
    return status;
}
