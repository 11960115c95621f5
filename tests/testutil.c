/*
 * testutil.c - the helpers of testutil.h, compiled once and linked into
 * every test program.
 */
#include "testutil.h"

#include <dirent.h>

#include <stdarg.h>

/* A fresh temporary folder (never removed: CI machines are throwaway and
 * the files help when a test fails). */
char *tu_tmpdir(void)
{
    const char *base = getenv("TMPDIR");
    char *t;

    if (asprintf(&t, "%s/fivestar-test-XXXXXX", base && *base ? base : "/tmp") < 0)
        abort();
    if (!mkdtemp(t))
        abort();
    return t;
}

char *tu_read(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t n = 0, cap = 0;

    if (!f)
        return NULL;
    for (;;) {
        if (n + 4096 + 1 > cap) {
            char *grown;

            cap = cap ? cap * 2 : 65536;
            grown = realloc(buf, cap);
            if (!grown)
                abort();
            buf = grown;
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

void tu_write(const char *path, const char *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    ck_assert_msg(f != NULL, "cannot write %s", path);
    ck_assert_uint_eq(fwrite(data, 1, n, f), n);
    fclose(f);
}

/* Returns a copy of S with the first occurrence of FROM replaced by TO;
 * the test fails when FROM is not there (so an edit cannot silently miss). */
char *tu_replace(const char *s, const char *from, const char *to)
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
long tu_line_of(const char *s, const char *needle)
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
int tu_run(const char *cmd, char **out, char **err)
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

/* Validates every XML part of the DOCX files FILES (shell words) against
 * the ECMA-376 schemas with tests/docx_validate.py; fails the test on an
 * invalid part, says SKIP on standard error when the schemas or xmllint
 * are not there. */
void tu_docx_valid(const char *files)
{
    char *cmd, *out = NULL, *err = NULL;
    int st;

    if (asprintf(&cmd, "/usr/bin/python3 tests/docx_validate.py %s", files) < 0)
        abort();
    st = tu_run(cmd, &out, &err);
    if (st == 2)
        fprintf(stderr, "SKIP schema validation: %s", err ? err : "");
    else
        ck_assert_msg(st == 0, "schema validation failed (%d):\n%.3000s", st,
                      err ? err : "");
    free(cmd);
    free(out);
    free(err);
}

/* Runs a suite and returns the process exit status. */
int tu_main(Suite *s)
{
    SRunner *sr = srunner_create(s);
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* Starts `$FIVESTAR serve DIR --port 0 --no-open EXTRA…` and reads the
 * address from the first line of its output; the test fails when that
 * line does not come within 30 s. */
void tu_serve_start(tu_server *s, const char *dir)
{
    const char *bin = getenv("FIVESTAR");
    int p[2];
    FILE *f;
    char *tmp = tu_tmpdir();
    const char *t;

    memset(s, 0, sizeof *s);
    snprintf(s->err_path, sizeof s->err_path, "%s/serve.err", tmp);
    free(tmp);
    ck_assert_int_eq(pipe(p), 0);
    s->pid = fork();
    ck_assert_int_ge(s->pid, 0);
    if (s->pid == 0) {
        int e = open(s->err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(p[1], 1);
        if (e >= 0)
            dup2(e, 2);
        close(p[0]);
        close(p[1]);
        execl(bin && *bin ? bin : "./fivestar", "fivestar", "serve", dir, "--port", "0",
              "--no-open", (char *)NULL);
        _exit(127);
    }
    close(p[1]);
    f = fdopen(p[0], "r");
    alarm(30);
    ck_assert_msg(fgets(s->address, sizeof s->address, f) != NULL, "serve printed no address");
    alarm(0);
    fclose(f);          /* later output of the server goes nowhere: it writes none */
    s->address[strcspn(s->address, "\n")] = '\0';
    ck_assert_msg(sscanf(s->address, "http://127.0.0.1:%d/", &s->port) == 1,
                  "address line: %s", s->address);
    t = strstr(s->address, "?token=");
    ck_assert_ptr_nonnull(t);
    snprintf(s->token, sizeof s->token, "%s", t + 7);
}

/* Stops the server with SIGTERM; returns its exit status. */
int tu_serve_stop(tu_server *s)
{
    int st = 0;

    kill(s->pid, SIGTERM);
    waitpid(s->pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

void tu_reply_free(tu_reply *r)
{
    free(r->head);
    free(r->body);
    memset(r, 0, sizeof *r);
}

/* The value of header NAME in R (malloc'd), or NULL. */
char *tu_header(const tu_reply *r, const char *name)
{
    size_t n = strlen(name);

    for (const char *p = r->head; p && *p;) {
        const char *end = strstr(p, "\r\n");
        if (!end)
            break;
        if (strncasecmp(p, name, n) == 0 && p[n] == ':') {
            const char *v = p + n + 1;
            while (*v == ' ')
                v++;
            return strndup(v, (size_t)(end - v));
        }
        p = end + 2;
    }
    return NULL;
}

/* Sends one request to 127.0.0.1:PORT: METHOD PATH, the header lines
 * HEADERS ("Name: value\r\n" each, may be ""), and LEN bytes of BODY
 * (NULL: none) with a Content-Length (unless HEADERS has one, or says
 * Transfer-Encoding: BODY is then sent as it is, chunked by the caller).  No Host header is added
 * when HEADERS has one.  Reads the whole reply (Connection: close). */
tu_reply tu_http(int port, const char *method, const char *path,
                 const char *headers, const void *body, size_t len)
{
    struct sockaddr_in a;
    tu_reply r = {0, NULL, NULL, 0};
    char *req = NULL, *buf = NULL, *sep;
    size_t n = 0, cap = 0;
    int fd = socket(AF_INET, SOCK_STREAM, 0), hl;

    ck_assert_int_ge(fd, 0);
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ck_assert_int_eq(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
    {
        char clen[64] = "";
        if (!strcasestr(headers, "Transfer-Encoding:") && !strcasestr(headers, "Content-Length:"))
            snprintf(clen, sizeof clen, "Content-Length: %zu\r\n", len);
        if (strcasestr(headers, "Host:"))
            hl = asprintf(&req, "%s %s HTTP/1.1\r\n%s%sConnection: close\r\n\r\n",
                          method, path, headers, clen);
        else
            hl = asprintf(&req, "%s %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n%s%sConnection: close\r\n\r\n",
                          method, path, port, headers, clen);
    }
    ck_assert_int_gt(hl, 0);
    ck_assert_int_eq(send(fd, req, (size_t)hl, MSG_NOSIGNAL), hl);
    for (size_t done = 0; body && done < len;) {
        ssize_t k = send(fd, (const char *)body + done, len - done, MSG_NOSIGNAL);
        if (k <= 0)
            break;              /* the server may answer and close early (413) */
        done += (size_t)k;
    }
    for (;;) {
        ssize_t k;
        if (n + 65536 + 1 > cap) {
            char *grown;

            cap = cap ? cap * 2 : 131072;
            grown = realloc(buf, cap);
            if (!grown)
                abort();
            buf = grown;
        }
        k = recv(fd, buf + n, cap - n - 1, 0);
        if (k <= 0)
            break;
        n += (size_t)k;
    }
    close(fd);
    free(req);
    ck_assert_msg(buf && n > 12, "no reply to %s %s", method, path);
    buf[n] = '\0';
    r.status = atoi(buf + 9);
    sep = strstr(buf, "\r\n\r\n");
    ck_assert_ptr_nonnull(sep);
    r.head = strndup(buf, (size_t)(sep - buf) + 2);
    r.len = n - (size_t)(sep + 4 - buf);
    r.body = malloc(r.len + 1);
    memcpy(r.body, sep + 4, r.len);
    r.body[r.len] = '\0';
    free(buf);
    return r;
}

/* Writes the LEN bytes of TEXT to a new temporary folder as NAME and loads
 * it as a dossier; DIAGS are sorted.  *PATH_OUT (if given) gets the path. */
fs_dossier *tu_load_text(const char *text, size_t len,
                         const char *name, fs_diags *diags,
                         fs_error *err, char **path_out)
{
    char *dir = tu_tmpdir(), *path;
    fs_rubric_cache *cache = fs_rubric_cache_new();
    const fs_rubric *r;
    fs_dossier *d;

    if (asprintf(&path, "%s/%s", dir, name) < 0)
        abort();
    tu_write(path, text, len);
    d = fs_dossier_load(path, cache, &r, diags, err);
    fs_diags_sort(diags);
    fs_rubric_cache_free(cache);
    free(dir);
    if (path_out)
        *path_out = path;
    else
        free(path);
    return d;
}

/* Every diagnostic of DIAGS, one per line (malloc'd), for failure messages. */
char *tu_diags_text(const fs_diags *diags)
{
    fs_buf all = {0};

    fs_buf_adds(&all, "");
    for (size_t i = 0; i < diags->n; i++)
        fs_buf_printf(&all, "  %ld: %s: %s\n", diags->v[i].line,
                      diags->v[i].severity == FS_ERROR ? "error" : "warning", diags->v[i].message);
    return all.s;
}

/* The first diagnostic of SEV at LINE (any line when LINE < 0) containing
 * MSG, or NULL. */
const fs_diag *tu_find_diag(const fs_diags *diags,
                            fs_severity sev, long line,
                            const char *msg)
{
    for (size_t i = 0; i < diags->n; i++) {
        const fs_diag *g = &diags->v[i];
        if (g->severity == sev && (line < 0 || g->line == line) && strstr(g->message, msg))
            return g;
    }
    return NULL;
}

/* See testutil.h. */
int tu_run_fmt(char **out, char **err, const char *fmt, ...)
{
    va_list ap;
    char *cmd;
    int st;

    va_start(ap, fmt);
    if (vasprintf(&cmd, fmt, ap) < 0)
        abort();
    va_end(ap);
    st = tu_run(cmd, out, err);
    free(cmd);
    return st;
}

/* See testutil.h. */
char *tu_path(const char *dir, const char *name)
{
    char *p;

    if (asprintf(&p, "%s/%s", dir, name) < 0)
        abort();
    return p;
}

/* See testutil.h. */
char *tu_read_ok(const char *path, size_t *len)
{
    char *s = tu_read(path, len);

    ck_assert_msg(s != NULL, "cannot read %s", path);
    return s;
}

/* See testutil.h. */
char *tu_squeeze(const char *s, int join_pages)
{
    char *t = malloc(strlen(s) + 1);
    size_t k = 0;

    if (!t)
        abort();
    for (; *s; s++)
        if (!strchr(" \t\r\n", *s) && !(join_pages && *s == '\f'))
            t[k++] = *s;
    t[k] = '\0';
    return t;
}

/* See testutil.h. */
char *tu_pdftotext(const char *pdf, char **err)
{
    char *cmd, *out;

    if (asprintf(&cmd, "pdftotext -raw '%s' -", pdf) < 0)
        abort();
    ck_assert_msg(tu_run(cmd, &out, err) == 0, "%s failed", cmd);
    free(cmd);
    return out;
}

/* See testutil.h. */
char *tu_pdf_text(const char *pdf, int join_pages)
{
    char *out = tu_pdftotext(pdf, NULL), *t = tu_squeeze(out, join_pages);

    free(out);
    return t;
}

/* See testutil.h. */
int tu_count_entries(const char *dir, const char *part)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;

    if (!d)
        return -1;
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && strstr(e->d_name, part))
            n++;
    closedir(d);
    return n;
}
