/*
 * test-faults.c - fivestar when the disk, the fonts or the templates fail.
 *
 * One test per fault, each through the real binary ($FIVESTAR):
 *
 *   read-only folder   the output folder is a read-only mount;
 *   full disk          the output folder is a full tmpfs, or standard
 *                      output / an -o target is /dev/full;
 *   killed             render is SIGKILLed while it writes (all its
 *                      processes; or its first one only, whose workers
 *                      then stop);
 *   fonts              a font file is missing, or truncated;
 *   templates          forms/ or dossier.xsd is missing, or the rubric's
 *                      points do not add up;
 *   encoding           a dossier whose bytes do not convert from the
 *                      encoding it declares.
 *
 * Asserted every time: exit status 3, a message naming the file concerned,
 * no partial file under a final name, and good earlier files untouched.
 * Rendering is byte-identical (test-render), so "untouched or complete"
 * is checked by comparing every form with a reference rendering.
 *
 * Mounts: as root the disk faults run in a private mount namespace
 * (unshare -m) on a read-only bind mount or a tiny tmpfs, so nothing
 * outlives the test.  Where that is not allowed the full disk is imitated
 * with a file size limit (EFBIG) and the read-only folder with chmod
 * (which root ignores: that case then says it is skipped).
 *
 * A killed run may leave temporary files NAME.fstmp-PID-XXXXXX beside the
 * forms (not yet renamed); they never carry a form's name, and the next
 * run into that folder removes them (their PID no longer runs; a run
 * still going keeps its own).  test_killed_midway asserts both.
 */
#include "testutil.h"
#include "fivestar.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <time.h>

static const char *const samples[] = {
    "dalang-social-2018", "hengtai-2018", "mingli-2018", "minimal-2018",
    "qinghe-shizhiguan-2019", "songshan-revoked-2018",
};
#define NSAMPLES (sizeof samples / sizeof *samples)

static const char *const forms[] = {
    "评定标准.pdf", "申报表.pdf", "评定标准.docx", "申报表.docx",
};
#define NFORMS (sizeof forms / sizeof *forms)

/* The samples rendered once, in main(): every form a run writes must be
 * byte-identical to its counterpart here. */
static char *ref;

/* May this process make a private mount namespace and mount in it? */
static int can_mount;

/* Asserts that ERR (a command's standard error) contains NEEDLE. */
static void assert_says(const char *err, const char *needle)
{
    ck_assert_msg(err && strstr(err, needle), "expected \"%s\" in the message, got:\n%s",
                  needle, err ? err : "(nothing)");
}

/* Is NAME a temporary file of fivestar ("….fstmp-PID-XXXXXX")? */
static int is_temp(const char *name)
{
    return strstr(name, ".fstmp-") != NULL;
}

/* Checks the output folder DIR/NAME of sample SAMPLE: every file there is
 * one of the forms and byte-identical to the reference, or (when
 * TEMPS_OK) a temporary.  Returns the number of forms found; adds the
 * temporaries to *TEMPS. */
static int check_output(const char *dir, const char *name, const char *sample,
                        int temps_ok, int *temps)
{
    char *path;
    DIR *d;
    struct dirent *e;
    int found = 0;

    if (asprintf(&path, "%s/%s", dir, name) < 0)
        abort();
    d = opendir(path);
    if (!d)
        goto done;
    while ((e = readdir(d)) != NULL) {
        size_t k;

        if (e->d_name[0] == '.')
            continue;
        if (is_temp(e->d_name)) {
            ck_assert_msg(temps_ok, "%s/%s: a temporary file was left", path, e->d_name);
            ++*temps;
            continue;
        }
        for (k = 0; k < NFORMS && strcmp(e->d_name, forms[k]) != 0; k++)
            ;
        ck_assert_msg(k < NFORMS, "%s/%s: an unexpected file", path, e->d_name);
        ck_assert_msg(tu_run_fmt(NULL, NULL, "cmp -s '%s/%s' '%s/%s/%s'", path, e->d_name, ref, sample,
                          e->d_name) == 0,
                      "%s/%s is not the complete form (differs from %s/%s/%s)", path, e->d_name,
                      ref, sample, e->d_name);
        found++;
    }
    closedir(d);
done:
    free(path);
    return found;
}

/* Copies the reference forms of SAMPLE into DIR/NAME/ ("good earlier
 * files"). */
static void seed_output(const char *dir, const char *name, const char *sample)
{
    ck_assert_int_eq(tu_run_fmt(NULL, NULL, "mkdir -p '%s/%s' && cp '%s/%s/'* '%s/%s/'", dir, name,
                         ref, sample, dir, name), 0);
}

/* ------------------------------------------------------------------------
 * The disk.
 * ---------------------------------------------------------------------- */

/* The output folder is a read-only mount holding last year's good forms of
 * one dossier: both dossiers fail with exit 3 and a message naming the
 * file or folder, and the good forms are untouched. */
START_TEST(test_readonly_folder)
{
    char *dir = tu_tmpdir(), *err = NULL;
    int st, temps = 0;

    seed_output(dir, "o/mingli-2018", "mingli-2018");
    if (can_mount) {
        st = tu_run_fmt(NULL, &err,
                 "unshare -m sh -c 'mount --bind %s/o %s/o && mount -o remount,bind,ro %s/o "
                 "|| exit 100; exec $FIVESTAR render samples/mingli-2018.xml "
                 "samples/hengtai-2018.xml -o %s/o'",
                 dir, dir, dir, dir);
        ck_assert_int_ne(st, 100);
        assert_says(err, "只读");
    } else if (getuid() != 0) {
        st = tu_run_fmt(NULL, &err,
                 "chmod 555 %s/o %s/o/mingli-2018 && $FIVESTAR render samples/mingli-2018.xml "
                 "samples/hengtai-2018.xml -o %s/o; s=$?; chmod 755 %s/o %s/o/mingli-2018; exit $s",
                 dir, dir, dir, dir, dir);
        assert_says(err, "Permission denied");
    } else {
        printf("test_readonly_folder: skipped, root cannot mount here and ignores chmod\n");
        goto done;
    }
    ck_assert_int_eq(st, 3);
    assert_says(err, "o/mingli-2018/评定标准.pdf: error:");
    assert_says(err, "o/hengtai-2018: error:");
    ck_assert_int_eq(check_output(dir, "o/mingli-2018", "mingli-2018", 0, &temps), (int)NFORMS);
    ck_assert_int_eq(tu_run_fmt(NULL, NULL, "test ! -e %s/o/hengtai-2018", dir), 0);
done:
    free(err);
    free(dir);
}
END_TEST

/* The output folder is on a full disk holding good forms: exit 3, a
 * message naming the file and the cause, the good forms untouched and no
 * temporary left behind. */
START_TEST(test_full_disk)
{
    char *dir = tu_tmpdir(), *err = NULL;
    int st, temps = 0;

    if (can_mount) {
        /* A 2 MiB tmpfs with the good forms, then filled up. */
        st = tu_run_fmt(NULL, &err,
                 "mkdir %s/o && unshare -m sh -c 'mount -t tmpfs -o size=2m fivestar-full %s/o || exit 100; "
                 "mkdir %s/o/mingli-2018 && cp %s/mingli-2018/* %s/o/mingli-2018/ || exit 100; "
                 "dd if=/dev/zero of=%s/o/filler bs=4k 2>/dev/null; "
                 "$FIVESTAR render samples/mingli-2018.xml -o %s/o; s=$?; "
                 "mkdir %s/after && cp -r %s/o/mingli-2018 %s/after/ || exit 100; exit $s'",
                 dir, dir, dir, ref, dir, dir, dir, dir, dir, dir);
        ck_assert_int_ne(st, 100);
        assert_says(err, "磁盘已满");
    } else {
        /* No mount: a file size limit of 8 KiB, with SIGXFSZ ignored so
         * that write() fails with EFBIG. */
        seed_output(dir, "after/mingli-2018", "mingli-2018");
        st = tu_run_fmt(NULL, &err, "trap '' XFSZ; ulimit -f 16; $FIVESTAR render samples/mingli-2018.xml -o %s/after",
                 dir);
        assert_says(err, "File too large");
    }
    ck_assert_int_eq(st, 3);
    assert_says(err, "mingli-2018/评定标准.pdf: error:");
    ck_assert_int_eq(check_output(dir, "after/mingli-2018", "mingli-2018", 0, &temps), (int)NFORMS);
    free(err);
    free(dir);
}
END_TEST

/* Standard output or an -o target that is /dev/full: exit 3 with a
 * message, and the device is never replaced by a regular file. */
START_TEST(test_dev_full)
{
    char *dir = tu_tmpdir(), *err = NULL;
    int st;

    ck_assert_int_eq(tu_run_fmt(NULL, &err, "$FIVESTAR score samples/mingli-2018.xml >/dev/full"), 3);
    assert_says(err, "无法写入标准输出");
    assert_says(err, "磁盘已满");
    free(err);
    ck_assert_int_eq(tu_run_fmt(NULL, &err, "$FIVESTAR score --json samples/*.xml >/dev/full"), 3);
    assert_says(err, "无法写入标准输出");
    free(err);
    ck_assert_int_eq(tu_run_fmt(NULL, &err, "$FIVESTAR new >/dev/full"), 3);
    assert_says(err, "无法写入标准输出");
    free(err);
    /* -o onto a full device: a copy of /dev/full in our folder, so that
     * a regression could never replace the real one. */
    if (getuid() == 0) {
        st = tu_run_fmt(NULL, &err, "mknod %s/full c 1 7 && $FIVESTAR new -o %s/full --force", dir, dir);
        ck_assert_int_eq(st, 3);
        assert_says(err, "/full: error:");
        assert_says(err, "磁盘已满");
        ck_assert_int_eq(tu_run_fmt(NULL, NULL, "test -c %s/full", dir), 0);
        free(err);
    }
    free(dir);
}
END_TEST

/* Starts `PRE exec $FIVESTAR render IN/[*].xml -o OUT --jobs JOBS` (PRE:
 * shell commands, or "") and returns its
 * process id (sh execs the binary, or the valgrind wrapper execs valgrind,
 * so the id is the renderer's own). */
static pid_t start_render(const char *in, const char *out, int jobs, const char *pre)
{
    char *cmd;
    pid_t pid;

    if (asprintf(&cmd, "%s exec $FIVESTAR render %s/*.xml -o %s --jobs %d >/dev/null 2>&1", pre,
                 in, out, jobs) < 0)
        abort();
    pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        setpgid(0, 0);          /* its own group: killed with its workers */
        execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        _exit(127);
    }
    free(cmd);
    return pid;
}

/* Waits until PATH exists (at most 120 s, for valgrind); 0 or -1. */
static int wait_for(const char *path, pid_t pid)
{
    struct timespec ts = {0, 1000000};
    int status;

    for (int i = 0; i < 120000; i++) {
        if (access(path, F_OK) == 0)
            return 0;
        if (waitpid(pid, &status, WNOHANG) == pid)
            return -1;
        nanosleep(&ts, NULL);
    }
    return -1;
}

/* render is killed (SIGKILL) while it writes, at three moments after its
 * first form appears: with two workers, all its processes at once (as a
 * crash would stop them: a worker is killed between writing a group's
 * temporaries, their flush and their renames), and as one process.
 * Every file under a final name is a complete form
 * (byte-identical to the reference, so qpdf and zip readers accept it),
 * the good forms already there are untouched or replaced by complete
 * ones, and nothing but temporaries NAME.fstmp-PID-XXXXXX is left.  A
 * second, unkilled run then completes everything with exit 0 and removes
 * the killed run's temporaries. */
/* Copies of the samples rendered by the killed runs: enough work (96
 * dossiers) that even a fast machine is still writing when the last kill
 * comes, 250 ms after the first form. */
#define COPIES 16

/* Checks every copy's folder under OUT with check_output (TEMPS_OK,
 * counting temporaries in *TEMPS) and puts the number of complete forms
 * of copy I of sample S in N[I * NSAMPLES + S]; returns their sum. */
static int check_copies(const char *out, int temps_ok, int *temps, int *n)
{
    int sum = 0;

    for (int i = 0; i < COPIES; i++)
        for (size_t s = 0; s < NSAMPLES; s++) {
            char *name;

            if (asprintf(&name, "d%02d-%s", i, samples[s]) < 0)
                abort();
            n[i * (int)NSAMPLES + (int)s] = check_output(out, name, samples[s], temps_ok, temps);
            sum += n[i * (int)NSAMPLES + (int)s];
            free(name);
        }
    return sum;
}


START_TEST(test_killed_midway)
{
    static const long delays_ms[] = {0, 40, 250};
    char *dir = tu_tmpdir(), *in, *first;
    int temps = 0, forms_seen = 0, n[COPIES * NSAMPLES];

    if (asprintf(&in, "%s/in", dir) < 0)
        abort();
    ck_assert_int_eq(tu_run_fmt(NULL, NULL, "mkdir %s && for i in $(seq -w 0 %d); do for s in samples/*.xml; do "
                         "cp $s %s/d$i-$(basename $s); done; done", in, COPIES - 1, in), 0);
    for (size_t round = 0; round < sizeof delays_ms / sizeof *delays_ms; round++) {
        struct timespec ts = {0, delays_ms[round] * 1000000L};
        char *out;
        pid_t pid;
        int status;

        if (asprintf(&out, "%s/out%zu", dir, round) < 0 ||
            asprintf(&first, "%s/d00-%s/%s", out, samples[0], forms[0]) < 0)
            abort();
        /* Last year's good forms of the last six dossiers. */
        for (size_t s = 0; s < NSAMPLES; s++) {
            char *name;
            if (asprintf(&name, "out%zu/d%02d-%s", round, COPIES - 1, samples[s]) < 0)
                abort();
            seed_output(dir, name, samples[s]);
            free(name);
        }
        /* Two workers or one process, in turns, each committing groups
         * of dossiers (one pass of syncfs, then the renames). */
        pid = start_render(in, out, round % 2 ? 1 : 2, "");
        ck_assert_msg(wait_for(first, pid) == 0, "round %zu: %s never appeared", round, first);
        nanosleep(&ts, NULL);
        ck_assert_int_eq(kill(-pid, SIGKILL), 0);
        ck_assert_int_eq(waitpid(pid, &status, 0), pid);
        ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
                      "round %zu: render finished before it was killed", round);

        forms_seen += check_copies(out, 1, &temps, n);
        for (size_t s = 0; s < NSAMPLES; s++)       /* the good ones */
            ck_assert_int_eq(n[(COPIES - 1) * NSAMPLES + s], (int)NFORMS);
        ck_assert_int_eq(tu_run_fmt(NULL, NULL,
                             "for f in %s/*/*.pdf; do qpdf --check \"$f\" >/dev/null || exit 1; done; "
                             "for f in %s/*/*.docx; do /usr/bin/python3 -c 'import sys, zipfile; "
                             "sys.exit(zipfile.ZipFile(sys.argv[1]).testzip() is not None)' \"$f\" "
                             "|| exit 1; done", out, out), 0);
        /* The run after: completes every form, temporaries or not. */
        ck_assert_int_eq(tu_run_fmt(NULL, NULL, "$FIVESTAR render %s/*.xml -o %s", in, out), 0);
        for (int i = 0; i < COPIES; i++)
            for (size_t s = 0; s < NSAMPLES; s++) {
                char *name;
                if (asprintf(&name, "d%02d-%s", i, samples[s]) < 0)
                    abort();
                ck_assert_int_eq(check_output(out, name, samples[s], 0, &temps), (int)NFORMS);
                free(name);
            }
        free(first);
        free(out);
    }
    printf("test_killed_midway: %d complete forms found after the kills; "
           "temporaries left (and reported): %d\n", forms_seen, temps);
    free(in);
    free(dir);
}
END_TEST

/* Only render's first process is killed (SIGKILL), its two workers not,
 * and SIGPIPE is ignored (as some parents leave it), so that no write to
 * the dead parent's pipe ends them: they are told (SIGTERM, as their
 * parent's death signal), stop, remove the temporaries of the group they
 * were writing and end; what is left
 * is every dossier's forms complete (all four of them, byte for byte) or
 * no folder at all, and no process and no temporary. */
START_TEST(test_parent_killed_workers_stop)
{
    char *dir = tu_tmpdir(), *in, *out, *first, *pat;
    int temps = 0, whole = 0, still = 1, n[COPIES * NSAMPLES];
    pid_t pid;
    int status;

    if (asprintf(&in, "%s/in", dir) < 0 || asprintf(&out, "%s/out", dir) < 0 ||
        asprintf(&first, "%s/d00-%s/%s", out, samples[0], forms[0]) < 0 ||
        asprintf(&pat, "[r]ender %s/", in) < 0)   /* not matching pgrep's own shell */
        abort();
    ck_assert_int_eq(tu_run_fmt(NULL, NULL, "mkdir %s && for i in $(seq -w 0 %d); do for s in samples/*.xml; do "
                         "cp $s %s/d$i-$(basename $s); done; done", in, COPIES - 1, in), 0);
    pid = start_render(in, out, 2, "trap '' PIPE;");
    ck_assert_msg(wait_for(first, pid) == 0, "%s never appeared", first);
    ck_assert_int_eq(kill(pid, SIGKILL), 0);
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert_msg(WIFSIGNALED(status), "render finished before it was killed");
    /* The workers end within 60 s (valgrind), not after their dossiers. */
    for (int i = 0; i < 600 && still; i++) {
        struct timespec ts = {0, 100000000L};

        still = tu_run_fmt(NULL, NULL, "pgrep -f '%s' >/dev/null", pat) == 0;
        if (still)
            nanosleep(&ts, NULL);
    }
    ck_assert_msg(!still, "render's workers still run after their parent was killed");
    check_copies(out, 0, &temps, n);
    for (size_t k = 0; k < COPIES * NSAMPLES; k++) {
        ck_assert_msg(n[k] == 0 || n[k] == (int)NFORMS, "copy %zu of sample %zu: %d of the %d forms",
                      k / NSAMPLES, k % NSAMPLES, n[k], (int)NFORMS);
        whole += n[k] == (int)NFORMS;
    }
    ck_assert_int_ge(whole, 1);
    ck_assert_msg(whole < COPIES * (int)NSAMPLES, "every dossier was rendered: the kill came too late");
    printf("test_parent_killed_workers_stop: %d dossiers whole, the others absent, no temporary\n", whole);
    free(in), free(out), free(first), free(pat), free(dir);
}
END_TEST

/* ------------------------------------------------------------------------
 * Fonts.
 * ---------------------------------------------------------------------- */

/* Writes DIR/fonts.conf: the default one with the ROLE lines replaced by
 * "ROLE = PATH".  Returns its path (malloc'd). */
static char *font_conf(const char *dir, const char *role, const char *path)
{
    char *conf;

    if (asprintf(&conf, "%s/fonts.conf", dir) < 0)
        abort();
    ck_assert_int_eq(tu_run_fmt(NULL, NULL,
                         "sed -e '/^%s *=/d' fonts/fonts.conf > %s && echo '%s = %s' >> %s",
                         role, conf, role, path, conf), 0);
    return conf;
}

/* A font file named in the config does not exist: exit 3, the config and
 * the file named, nothing written. */
START_TEST(test_font_missing)
{
    char *dir = tu_tmpdir(), *conf = font_conf(dir, "song", "/nonexistent/fivestar/song.ttf");
    char *err;

    ck_assert_int_eq(tu_run_fmt(NULL, &err, "FIVESTAR_FONTS=%s $FIVESTAR render samples/mingli-2018.xml -o %s/o",
                         conf, dir), 3);
    assert_says(err, conf);
    assert_says(err, "/nonexistent/fivestar/song.ttf");
    ck_assert_int_eq(tu_run_fmt(NULL, NULL, "test ! -e %s/o/mingli-2018", dir), 0);
    free(err);
    free(conf);
    free(dir);
}
END_TEST

/* The latin font is a truncated copy, cut inside its table directory's
 * tables (refused when the fonts are loaded) or in its glyphs (refused
 * when it is subset), for PDF and for DOCX: exit 3, the file named, no
 * form written. */
START_TEST(test_font_truncated)
{
    static const char *const src = "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf";
    static const long cuts[] = {12, 4000, 76204};
    static const char *const formats[] = {"pdf", "docx"};
    char *dir = tu_tmpdir();

    for (size_t c = 0; c < sizeof cuts / sizeof *cuts; c++)
        for (size_t f = 0; f < 2; f++) {
            char *ttf, *conf, *err;
            int temps = 0;

            if (asprintf(&ttf, "%s/cut-%ld.ttf", dir, cuts[c]) < 0)
                abort();
            ck_assert_int_eq(tu_run_fmt(NULL, NULL, "head -c %ld %s > %s", cuts[c], src, ttf), 0);
            conf = font_conf(dir, "latin", ttf);
            ck_assert_int_eq(tu_run_fmt(NULL, &err, "rm -rf %s/o; FIVESTAR_FONTS=%s $FIVESTAR render "
                                 "samples/mingli-2018.xml -o %s/o --format %s",
                                 dir, conf, dir, formats[f]), 3);
            assert_says(err, ttf);
            ck_assert_int_eq(check_output(dir, "o/mingli-2018", "mingli-2018", 0, &temps), 0);
            free(err);
            free(conf);
            free(ttf);
        }
    free(dir);
}
END_TEST

/* ------------------------------------------------------------------------
 * Templates.
 * ---------------------------------------------------------------------- */

/* A copy of templates/ in DIR/t with the shell command EDIT run in it. */
static void templates_copy(const char *dir, const char *edit)
{
    ck_assert_int_eq(tu_run_fmt(NULL, NULL, "cp -r templates %s/t && cd %s/t && %s", dir, dir, edit), 0);
}

/* templates/forms/ is missing: render exits 3 naming the forms file;
 * validate, which needs no forms, still works. */
START_TEST(test_template_forms_missing)
{
    char *dir = tu_tmpdir(), *err, *expect;

    templates_copy(dir, "rm -r forms");
    if (asprintf(&expect, "%s/t/forms/dongguan-2018.xml", dir) < 0)
        abort();
    ck_assert_int_eq(tu_run_fmt(NULL, &err, "FIVESTAR_TEMPLATES=%s/t FIVESTAR_FONTS=fonts/fonts.conf "
                         "$FIVESTAR render samples/mingli-2018.xml samples/hengtai-2018.xml -o %s/o",
                         dir, dir), 3);
    assert_says(err, expect);
    ck_assert_int_eq(tu_run_fmt(NULL, NULL, "test -z \"$(ls -A %s/o)\"", dir), 0);
    free(err);
    ck_assert_int_eq(tu_run_fmt(NULL, NULL, "FIVESTAR_TEMPLATES=%s/t $FIVESTAR validate samples/mingli-2018.xml",
                         dir), 0);
    free(expect);
    free(dir);
}
END_TEST

/* templates/dossier.xsd is missing: validate, score and render exit 3
 * naming it (and blame the template, not the dossier). */
START_TEST(test_template_schema_missing)
{
    static const char *const cmds[] = {"validate", "score", "render -o \"$D\"/o"};
    char *dir = tu_tmpdir(), *expect;

    templates_copy(dir, "rm dossier.xsd");
    if (asprintf(&expect, "%s/t/dossier.xsd: error:", dir) < 0)
        abort();
    for (size_t i = 0; i < sizeof cmds / sizeof *cmds; i++) {
        char *err;
        ck_assert_int_eq(tu_run_fmt(NULL, &err, "D=%s; FIVESTAR_TEMPLATES=$D/t FIVESTAR_FONTS=fonts/fonts.conf "
                             "$FIVESTAR %s samples/mingli-2018.xml", dir, cmds[i]), 3);
        assert_says(err, expect);
        ck_assert_msg(!strstr(err, "samples/mingli-2018.xml:"), "the dossier was blamed:\n%s", err);
        free(err);
    }
    free(expect);
    free(dir);
}
END_TEST

/* The rubric's items do not add up to their section (item 1 raised by one
 * point): validate, score and render exit 3 with a message naming the
 * rubric file and the section. */
START_TEST(test_rubric_not_adding_up)
{
    static const char *const cmds[] = {"validate", "score", "render -o \"$D\"/o"};
    char *dir = tu_tmpdir(), *expect;

    templates_copy(dir, "sed -i '0,/<item number=\"1\" max=\"5\"/s//<item number=\"1\" max=\"6\"/' "
                        "rubrics/dongguan-2018.xml && grep -q 'number=\"1\" max=\"6\"' rubrics/dongguan-2018.xml");
    if (asprintf(&expect, "%s/t/rubrics/dongguan-2018.xml:", dir) < 0)
        abort();
    for (size_t i = 0; i < sizeof cmds / sizeof *cmds; i++) {
        char *err;
        ck_assert_int_eq(tu_run_fmt(NULL, &err, "D=%s; FIVESTAR_TEMPLATES=$D/t FIVESTAR_FONTS=fonts/fonts.conf "
                             "$FIVESTAR %s samples/mingli-2018.xml samples/hengtai-2018.xml",
                             dir, cmds[i]), 3);
        assert_says(err, expect);
        assert_says(err, "“一、班子建设”各项分值之和为 21，与该部分分值 20 不符");
        free(err);
    }
    ck_assert_int_eq(tu_run_fmt(NULL, NULL, "test ! -e %s/o/mingli-2018 && test ! -e %s/o/hengtai-2018", dir, dir), 0);
    free(expect);
    free(dir);
}
END_TEST

/* ------------------------------------------------------------------------
 * Input that cannot be read.
 * ---------------------------------------------------------------------- */

/* A dossier declared GB18030 with bytes that are not GB18030 on line 4:
 * one diagnostic in our format naming the file and line, and no raw
 * libxml2 lines ("encoding error : ...") on standard error; exit 1. */
START_TEST(test_bad_encoding)
{
    char *dir = tu_tmpdir(), *path, *err, *expect;

    if (asprintf(&path, "%s/bad-encoding.xml", dir) < 0 ||
        asprintf(&expect, "%s:4: error: 文件编码无法识别", path) < 0)
        abort();
    ck_assert_int_eq(tu_run_fmt(NULL, NULL, "printf '<?xml version=\"1.0\" encoding=\"GB18030\"?>\\n"
                         "<dossier format=\"1\" year=\"2018\">\\n  <organization>\\n"
                         "    <name>\\377\\377\\377\\377</name>\\n' > %s", path), 0);
    ck_assert_int_eq(tu_run_fmt(NULL, &err, "$FIVESTAR validate %s", path), 1);
    assert_says(err, expect);
    ck_assert_msg(strchr(err, '\n') == err + strlen(err) - 1, "more than one line:\n%s", err);
    free(err);
    free(expect);
    free(path);
    free(dir);
}
END_TEST

/* The suite: disk faults (with long timeouts, for valgrind), then fonts,
 * templates and input. */
static Suite *faults_suite(void)
{
    Suite *s = suite_create("faults");
    TCase *disk = tcase_create("disk"), *tpl = tcase_create("fonts and templates");

    tcase_set_timeout(disk, 600);
    tcase_add_test(disk, test_readonly_folder);
    tcase_add_test(disk, test_full_disk);
    tcase_add_test(disk, test_dev_full);
    tcase_add_test(disk, test_killed_midway);
    tcase_add_test(disk, test_parent_killed_workers_stop);
    suite_add_tcase(s, disk);
    tcase_set_timeout(tpl, 300);
    tcase_add_test(tpl, test_font_missing);
    tcase_add_test(tpl, test_font_truncated);
    tcase_add_test(tpl, test_template_forms_missing);
    tcase_add_test(tpl, test_template_schema_missing);
    tcase_add_test(tpl, test_rubric_not_adding_up);
    tcase_add_test(tpl, test_bad_encoding);
    suite_add_tcase(s, tpl);
    return s;
}

/* Finds out whether mounts are possible, renders the reference forms,
 * then runs the suite. */
int main(void)
{
    const char *bin = getenv("FIVESTAR");
    int st;

    setenv("FIVESTAR", bin && *bin ? bin : "./fivestar", 1);
    ref = tu_tmpdir();
    st = tu_run("unshare -m true 2>/dev/null", NULL, NULL);
    can_mount = st == 0;
    {
        char *cmd;
        if (asprintf(&cmd, "$FIVESTAR render samples/*.xml -o %s", ref) < 0)
            abort();
        st = tu_run(cmd, NULL, NULL);
        free(cmd);
        if (st != 0) {
            fprintf(stderr, "test-faults: the reference rendering failed (exit %d)\n", st);
            return EXIT_FAILURE;
        }
    }
    st = tu_main(faults_suite());
    free(ref);
    return st;
}
