/*
 * testutil.h - small helpers shared by the test programs: temporary
 * folders, files, string edits and running the fivestar binary.
 * Header-only (static functions) so each test program stays one file.
 */
#ifndef FS_TESTUTIL_H
#define FS_TESTUTIL_H

#define _GNU_SOURCE
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* A fresh temporary folder (never removed: CI machines are throwaway and
 * the files help when a test fails). */
static inline char *tu_tmpdir(void)
{
    const char *base = getenv("TMPDIR");
    char *t;

    if (asprintf(&t, "%s/fivestar-test-XXXXXX", base && *base ? base : "/tmp") < 0)
        abort();
    if (!mkdtemp(t))
        abort();
    return t;
}

static inline char *tu_read(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t n = 0, cap = 0;

    if (!f)
        return NULL;
    for (;;) {
        if (n + 4096 + 1 > cap) {
            cap = cap ? cap * 2 : 65536;
            buf = realloc(buf, cap);
        }
        size_t r = fread(buf + n, 1, cap - n - 1, f);
        n += r;
        if (r == 0)
            break;
    }
    fclose(f);
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

static inline void tu_write(const char *path, const char *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    ck_assert_msg(f != NULL, "cannot write %s", path);
    ck_assert_uint_eq(fwrite(data, 1, n, f), n);
    fclose(f);
}

/* Returns a copy of S with the first occurrence of FROM replaced by TO;
 * the test fails when FROM is not there (so an edit cannot silently miss). */
__attribute__((noinline, unused)) static char *tu_replace(const char *s, const char *from, const char *to)
{
    const char *p = strstr(s, from);
    char *r;

    size_t head, nto, ntail;

    ck_assert_msg(p != NULL, "fixture edit: \"%s\" not found", from);
    head = (size_t)(p - s);
    nto = strlen(to);
    ntail = strlen(p + strlen(from));
    r = malloc(head + nto + ntail + 1);
    memcpy(r, s, head);
    memcpy(r + head, to, nto);
    memcpy(r + head + nto, s + head + strlen(from), ntail + 1);
    return r;
}

/* The 1-based line of the first occurrence of NEEDLE in S. */
__attribute__((noinline, unused)) static long tu_line_of(const char *s, const char *needle)
{
    const char *p = strstr(s, needle);
    size_t end = p ? (size_t)(p - s) : 0;
    long line = 1;

    ck_assert_msg(p != NULL, "\"%s\" not in text", needle);
    for (size_t i = 0; i < end; i++)
        line += s[i] == '\n';
    return line;
}

/* Runs the shell command CMD (fivestar is $FIVESTAR), capturing standard
 * output and error in *OUT and *ERR (malloc'd); returns the exit status. */
static inline int tu_run(const char *cmd, char **out, char **err)
{
    char *dir = tu_tmpdir(), *full, *po, *pe;
    const char *bin = getenv("FIVESTAR");
    int st;

    if (asprintf(&po, "%s/out", dir) < 0 || asprintf(&pe, "%s/err", dir) < 0 ||
        asprintf(&full, "FIVESTAR=%s; export FIVESTAR; { %s ; } >%s 2>%s </dev/null",
                 bin && *bin ? bin : "./fivestar", cmd, po, pe) < 0)
        abort();
    st = system(full);
    if (out)
        *out = tu_read(po, NULL);
    if (err)
        *err = tu_read(pe, NULL);
    unlink(po);
    unlink(pe);
    rmdir(dir);
    free(full);
    free(po);
    free(pe);
    free(dir);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* Runs a suite and returns the process exit status. */
static inline int tu_main(Suite *s)
{
    SRunner *sr = srunner_create(s);
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif
