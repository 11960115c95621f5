/*
 * test-outputs.c - never lose, mix or misplace a form (issue 18): output
 * folders settled per run whatever the file names (two x.xml, "...xml",
 * "..xml", ".xml"), --jobs 2 giving what --jobs 1 gives, archive members
 * that stay inside the archive and a check that refuses the ones that do
 * not, a dossier's forms changing together on a filling disk, SIGINT and
 * SIGTERM stopping cleanly, SIGXFSZ as an ordinary write error, and the
 * temporaries of a killed run removed by the next one.
 */
#include "testutil.h"

#include <signal.h>
#include <stdarg.h>
#include <time.h>

static char *work;      /* a fresh folder; $ROOT is the project's root */

/* Two dossiers named x.xml in two folders, rendered five times with two
 * workers and once with one: each organisation in its own folder (x/ is
 * the first's, x-2/ the second's, byte for byte what each gives alone),
 * a warning naming both files, and the same files and messages every
 * time. */
START_TEST(same_file_names_keep_apart)
{
    char *o1 = NULL, *e1 = NULL;

    ck_assert_int_eq(tu_run_fmt(NULL, NULL, "cd %s && mkdir -p a b && cp $ROOT/samples/minimal-2018.xml a/x.xml && "
                                     "cp $ROOT/samples/mingli-2018.xml b/x.xml && "
                                     "$FIVESTAR render a/x.xml -o alone-a --jobs 1 && "
                                     "$FIVESTAR render b/x.xml -o alone-b --jobs 1", work), 0);
    ck_assert_int_eq(tu_run_fmt(&o1, &e1, "cd %s && $FIVESTAR render a/x.xml b/x.xml -o one --jobs 1", work), 0);
    ck_assert_msg(strstr(e1, "b/x.xml: warning: 与 a/x.xml 同名") && strstr(e1, "“x-2”"), "%s", e1);
    ck_assert_int_eq(tu_run_fmt(NULL, NULL, "cd %s && diff -r alone-a/x one/x && diff -r alone-b/x one/x-2 && "
                                     "test $(ls one | wc -l) = 2", work), 0);
    for (int round = 0; round < 5; round++) {
        char *o2 = NULL, *e2 = NULL;

        ck_assert_int_eq(tu_run_fmt(&o2, &e2, "cd %s && rm -rf two && $FIVESTAR render a/x.xml b/x.xml -o two --jobs 2 "
                                       "| sed s/two/one/", work), 0);
        ck_assert_str_eq(o1, o2);
        ck_assert_str_eq(e1, e2);
        ck_assert_int_eq(tu_run_fmt(NULL, NULL, "cd %s && diff -r one two", work), 0);
        free(o2), free(e2);
    }
    free(o1), free(e1);
}
END_TEST

/* "...xml", "..xml" and ".xml" write only into folders of their own under
 * -o: nothing beside -o, no loose file in it, no hidden folder. */
START_TEST(hostile_names_stay_inside)
{
    char *err = NULL;

    ck_assert_int_eq(tu_run_fmt(NULL, &err, "cd %s && mkdir -p h/in h/top && for n in ...xml ..xml .xml; do "
                                     "cp $ROOT/samples/minimal-2018.xml h/in/$n; done && "
                                     "$FIVESTAR render h/in/...xml h/in/..xml h/in/.xml -o h/top/o --jobs 2",
                         work), 0);
    ck_assert_msg(strstr(err, "文件夹名改为“档案”"), "%s", err);
    /* Nothing but the output folder beside it, nothing loose inside it,
     * three visible folders of four forms each. */
    ck_assert_int_eq(tu_run_fmt(NULL, NULL, "cd %s/h/top && test \"$(ls -A)\" = o && "
                                     "test -z \"$(find o -mindepth 1 -maxdepth 1 ! -type d)\" && "
                                     "test -z \"$(find o -mindepth 1 -name '.*')\" && "
                                     "test $(find o -mindepth 1 -maxdepth 1 -type d | wc -l) = 3 && "
                                     "test $(find o -type f | wc -l) = 12", work), 0);
    free(err);
}
END_TEST

/* The archive of "...xml" and a normal dossier: every member name stays
 * inside the archive, and the archive passes its check. */
START_TEST(archive_members_stay_inside)
{
    char *out = NULL;

    ck_assert_int_eq(tu_run_fmt(NULL, NULL, "cd %s && mkdir -p z && cp $ROOT/samples/minimal-2018.xml z/...xml && "
                                     "$FIVESTAR archive z/...xml $ROOT/samples/mingli-2018.xml -o z/a.zip",
                         work), 0);
    ck_assert_int_eq(tu_run_fmt(&out, NULL, "cd %s && python3 -c 'import sys, zipfile; "
                                     "print(\"\\n\".join(zipfile.ZipFile(sys.argv[1]).namelist()))' z/a.zip",
                         work), 0);
    ck_assert_msg(strstr(out, "档案/评定标准.pdf\n") && strstr(out, "档案/档案.xml\n"), "%s", out);
    ck_assert_msg(!strstr(out, "..") && !strstr(out, "./") && out[0] != '/', "%s", out);
    ck_assert_int_eq(tu_run_fmt(NULL, NULL, "cd %s && $FIVESTAR archive --verify z/a.zip", work), 0);
    free(out);
}
END_TEST

/* An archive whose manifest lists, honestly (right size and SHA-256), a
 * member that climbs out: --verify refuses it (exit 1) and names it; so
 * it does a member the manifest does not list. */
START_TEST(verify_refuses_climbing_members)
{
    static const char *const bad[] = {"../../x", "/abs", "..\\..\\x", "a/../../x", "a/./x"};

    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char *err = NULL;
        int st = tu_run_fmt(NULL, &err, "cd %s && python3 - '%s' <<'EOF'\n"
                     "import hashlib, json, sys, zipfile\n"
                     "name, data = sys.argv[1], b'payload'\n"
                     "m = {'format': 'fivestar-archive 1', 'members': [{'name': name, 'size': len(data),\n"
                     "     'sha256': hashlib.sha256(data).hexdigest()}]}\n"
                     "with zipfile.ZipFile('climb.zip', 'w') as z:\n"
                     "    z.writestr(zipfile.ZipInfo(name), data)\n"
                     "    z.writestr('manifest.json', json.dumps(m))\n"
                     "EOF\n"
                     "$FIVESTAR archive --verify climb.zip", work, bad[i]);
        ck_assert_msg(st == 1, "%s: exit %d, %s", bad[i], st, err);
        ck_assert_msg(strstr(err, "成员名不安全"), "%s: %s", bad[i], err);
        free(err);
    }
}
END_TEST

/* The forms of one dossier on a filling disk, at budgets from nothing to
 * enough: after each run its folder holds last year's four forms or the
 * four new ones, never a mix, and no temporary (exit 3 or 0). */
START_TEST(full_disk_all_or_nothing)
{
    char *out = NULL;
    int st;

    if (geteuid() != 0) {
        printf("full_disk_all_or_nothing: skipped (needs root for a tmpfs)\n");
        return;
    }
    st = tu_run_fmt(&out, NULL,
             "cd %s && mkdir -p full/old full/new full/m && "
             "$FIVESTAR render $ROOT/samples/minimal-2018.xml -o full/old --jobs 1 >/dev/null 2>&1 && "
             "$FIVESTAR render $ROOT/samples/hengtai-2018.xml -o full/new --jobs 1 >/dev/null 2>&1 && "
             "cp $ROOT/samples/hengtai-2018.xml full/x.xml && "
             "(cd full/old/minimal-2018 && sha256sum * | sort) > full/old.sums && "
             "(cd full/new/hengtai-2018 && sha256sum * | sort) > full/new.sums && "
             "unshare -m sh -c 'mount -t tmpfs -o size=1m fivestar-full full/m || exit 100; "
             "for kb in 0 $(seq 40 8 440) 640; do "
             "  rm -rf full/m/*; mkdir -p full/m/o/x; cp full/old/minimal-2018/* full/m/o/x/; "
             "  dd if=/dev/zero of=full/m/fill bs=4k 2>/dev/null; truncate -s -${kb}K full/m/fill; "
             "  $FIVESTAR render full/x.xml -o full/m/o --jobs 1 >/dev/null 2>&1; st=$?; "
             "  got=$(cd full/m/o/x && sha256sum * | sort); "
             "  if [ \"$got\" = \"$(cat full/old.sums)\" ]; then k=old; "
             "  elif [ \"$got\" = \"$(cat full/new.sums)\" ]; then k=new; else k=MIXED; fi; "
             "  echo \"$kb $st $k\"; done'", work);
    if (st == 100) {
        printf("full_disk_all_or_nothing: skipped (no tmpfs mount allowed)\n");
        free(out);
        return;
    }
    ck_assert_msg(st == 0, "exit %d: %s", st, out);
    ck_assert_msg(!strstr(out, "MIXED"), "a dossier with a mixed set:\n%s", out);
    ck_assert_msg(strstr(out, " 3 old\n") && strstr(out, " 0 new\n"), "%s", out);
    ck_assert_msg(!strstr(out, " 0 old\n") && !strstr(out, " 3 new\n"), "%s", out);
    free(out);
}
END_TEST

/* SIGINT or SIGTERM at a random moment of a batch of 60 dossiers with two
 * workers (to the parent alone, or to the whole group as a terminal's
 * Ctrl-C does): exit 130 / 143 with a message, no temporary anywhere, and
 * every dossier folder empty of forms or holding all four complete. */
START_TEST(signals_stop_cleanly)
{
    char *ref = NULL;
    int stopped = 0;

    /* 300 dossiers (50 copies of the six samples), as the issue asks:
     * long enough (a second or more on two cores) that a signal within 0.8 s
     * nearly always finds the batch still going. */
    ck_assert_int_eq(tu_run_fmt(NULL, NULL, "cd %s && mkdir -p sig/in && for i in $(seq 50); do "
                                     "for s in $ROOT/samples/*.xml; do cp $s sig/in/d$i-$(basename $s); done; done && "
                                     "$FIVESTAR render $ROOT/samples/*.xml -o sig/ref --jobs 2 >/dev/null 2>&1",
                         work), 0);
    srand((unsigned)time(NULL));
    for (int round = 0; round < 20; round++) {
        int sig = round % 2 ? SIGTERM : SIGINT, group = round % 3 == 0;
        long ms = 50 + rand() % 750;
        char *err = NULL;
        int st = tu_run_fmt(NULL, &err,
                     "cd %s && rm -rf sig/out && mkdir -p sig/out || exit 99; "
                     "setsid $FIVESTAR render sig/in/*.xml -o sig/out --jobs 2 >sig/said 2>sig/err & pid=$!; "
                     "sleep %ld.%03ld; kill -%d %s$pid; wait $pid; st=$?; cat sig/err >&2; exit $st",
                     work, ms / 1000, ms % 1000, sig, group ? "-" : "");

        if (st == 0) {          /* finished before the signal */
            free(err);
            continue;
        }
        stopped++;
        ck_assert_msg(st == 128 + sig, "round %d: exit %d\n%s", round, st, err);
        ck_assert_msg(strstr(err, "已中断"), "round %d: %s", round, err);
        ck_assert_int_eq(tu_run_fmt(&ref, NULL, "cd %s && find sig/out -name '*fstmp*'", work), 0);
        ck_assert_msg(!*ref, "round %d: temporaries left: %s", round, ref);
        free(ref);
        /* Every dossier: nothing, or its four forms as the reference. */
        ck_assert_int_eq(tu_run_fmt(&ref, NULL, "cd %s/sig/out && for d in *; do [ -d \"$d\" ] || continue; "
                                         "n=$(ls $d | wc -l); s=${d#d*-}; [ $n = 0 ] && continue; "
                                         "[ $n = 4 ] || echo \"$d: $n files\"; "
                                         "for f in $d/*; do cmp -s $f ../ref/$s/$(basename $f) || echo \"$f differs\"; "
                                         "done; done", work), 0);
        ck_assert_msg(!*ref, "round %d: %s", round, ref);
        free(ref);
        /* Every dossier written is said to be (its line on standard
         * output), also when the signal came while its group was being
         * committed. */
        ck_assert_int_eq(tu_run_fmt(&ref, NULL, "cd %s/sig/out && for d in *; do [ -d \"$d\" ] || continue; "
                                         "[ $(ls $d | wc -l) = 4 ] || continue; "
                                         "grep -q \"/$d/$\" ../said || echo \"$d: written, not said\"; done", work), 0);
        ck_assert_msg(!*ref, "round %d: %s", round, ref);
        free(ref);
        free(err);
    }
    printf("signals_stop_cleanly: %d of 20 runs stopped by the signal\n", stopped);
    ck_assert_int_ge(stopped, 16);
}
END_TEST

/* A file size limit: render and archive fail as ordinary write errors
 * (exit 3, a message), not killed by SIGXFSZ, and leave no temporary. */
START_TEST(file_size_limit_is_a_write_error)
{
    char *err = NULL, *left = NULL;

    /* bash: ulimit -f counts KiB. */
    ck_assert_int_eq(tu_run_fmt(NULL, &err, "cd %s && mkdir -p fsz && bash -c 'ulimit -f 200; "
                                     "exec $FIVESTAR render $ROOT/samples/hengtai-2018.xml -o fsz/o --jobs 1'",
                         work), 3);
    ck_assert_msg(strstr(err, ": error: "), "%s", err);
    free(err);
    ck_assert_int_eq(tu_run_fmt(NULL, &err, "cd %s && bash -c 'ulimit -f 600; exec $FIVESTAR archive "
                                     "$ROOT/samples/*.xml -o fsz/a.zip'", work), 3);
    ck_assert_msg(strstr(err, "fsz/a.zip: error: "), "%s", err);
    ck_assert_int_eq(tu_run_fmt(&left, NULL, "cd %s/fsz && find . -name '*fstmp*' -o -name 'a.zip*'", work), 0);
    ck_assert_msg(!*left, "left behind: %s", left);
    free(err), free(left);
}
END_TEST

/* Outputs follow the user's umask, and a file replaced keeps its own
 * permissions: a form kept private stays private. */
START_TEST(outputs_keep_permissions)
{
    char *modes = NULL;

    ck_assert_int_eq(tu_run_fmt(&modes, NULL,
                         "cd %s && (umask 077 && $FIVESTAR render $ROOT/samples/hengtai-2018.xml -o pm "
                         ">/dev/null 2>&1 && $FIVESTAR stats $ROOT/samples/hengtai-2018.xml -o pm/s.pdf "
                         ">/dev/null 2>&1) && stat -c %%a pm/hengtai-2018/评定标准.pdf pm/s.pdf && "
                         "chmod 640 pm/hengtai-2018/申报表.pdf && "
                         "(umask 022 && $FIVESTAR render $ROOT/samples/hengtai-2018.xml -o pm >/dev/null 2>&1) && "
                         "stat -c %%a pm/hengtai-2018/申报表.pdf", work), 0);
    ck_assert_str_eq(modes, "600\n600\n640\n");
    free(modes);
}
END_TEST

/* The temporaries of a run that was killed outright (its PID gone) are
 * removed by the next run into that folder, with a warning; one of a run
 * still going (this test's own PID) is kept. */
START_TEST(killed_runs_temporaries_swept)
{
    char *err = NULL, *left = NULL;
    pid_t gone = fork();

    if (gone == 0)
        _exit(0);
    waitpid(gone, NULL, 0);
    ck_assert_int_eq(tu_run_fmt(NULL, NULL, "cd %s && mkdir -p sw/o/minimal-2018 && "
                                     "echo partial > sw/o/minimal-2018/评定标准.pdf.fstmp-%ld-AbC123 && "
                                     "echo partial > sw/o/minimal-2018/申报表.docx.fstmp-%ld-XyZ789",
                         work, (long)gone, (long)getpid()), 0);
    ck_assert_int_eq(tu_run_fmt(NULL, &err, "cd %s && $FIVESTAR render $ROOT/samples/minimal-2018.xml -o sw/o", work), 0);
    ck_assert_msg(strstr(err, "评定标准.pdf.fstmp-") && strstr(err, "临时文件"), "%s", err);
    ck_assert_int_eq(tu_run_fmt(&left, NULL, "cd %s/sw/o/minimal-2018 && ls", work), 0);
    ck_assert_msg(!strstr(left, "评定标准.pdf.fstmp-"), "%s", left);
    ck_assert_msg(strstr(left, "申报表.docx.fstmp-"), "%s", left);
    free(err), free(left);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("outputs");
    TCase *tc = tcase_create("outputs");

    char root[4096], *bin;
    const char *env = getenv("FIVESTAR");

    /* The commands run in WORK: fivestar and the samples by absolute path. */
    if (!getcwd(root, sizeof root))
        abort();
    setenv("ROOT", root, 1);
    if (env && env[0] == '/')
        bin = strdup(env);
    else if (asprintf(&bin, "%s/%s", root, env && *env ? env : "fivestar") < 0)
        abort();
    setenv("FIVESTAR", bin, 1);
    free(bin);
    if (!getenv("FIVESTAR_TEMPLATES")) {
        char *t;
        if (asprintf(&t, "%s/templates", root) < 0)
            abort();
        setenv("FIVESTAR_TEMPLATES", t, 1);
        free(t);
    }
    work = tu_tmpdir();
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, same_file_names_keep_apart);
    tcase_add_test(tc, hostile_names_stay_inside);
    tcase_add_test(tc, archive_members_stay_inside);
    tcase_add_test(tc, verify_refuses_climbing_members);
    tcase_add_test(tc, full_disk_all_or_nothing);
    tcase_add_test(tc, signals_stop_cleanly);
    tcase_add_test(tc, file_size_limit_is_a_write_error);
    tcase_add_test(tc, killed_runs_temporaries_swept);
    tcase_add_test(tc, outputs_keep_permissions);
    suite_add_tcase(s, tc);
    return tu_main(s);
}
