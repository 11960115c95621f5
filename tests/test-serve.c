/*
 * test-serve.c - `fivestar serve` over HTTP (serve.md): every refusal of
 * the contract leaves files alone, the happy paths answer what the CLI
 * answers (forms byte for byte), and the real-browser test
 * (tests/serve_browser.py, headless Chromium through Selenium) runs here
 * so that it counts in the suite's closing line.
 */
#include "testutil.h"

#include <dirent.h>
#include <sys/stat.h>
#include <errno.h>

static char *dir;               /* a copy of samples/ */
static tu_server srv;
static char auth[256];          /* "Authorization: Bearer TOKEN\r\n" */

static char *path_in(const char *name)
{
    return tu_path(dir, name);
}

/* A fresh copy of samples/ served for each test. */
static void setup(void)
{
    char *cmd;
    dir = tu_tmpdir();
    if (asprintf(&cmd, "cp samples/*.xml '%s'/", dir) < 0)
        abort();
    ck_assert_int_eq(system(cmd), 0);
    free(cmd);
    tu_serve_start(&srv, dir);
    snprintf(auth, sizeof auth, "Authorization: Bearer %s\r\n", srv.token);
}

static void teardown(void)
{
    tu_serve_stop(&srv);
    free(dir);
}

static tu_reply req(const char *method, const char *path, const char *body)
{
    return tu_http(srv.port, method, path, auth, body, body ? strlen(body) : 0);
}

/* The contents of DIR/NAME (malloc'd) or NULL. */
static char *file(const char *name)
{
    char *p = path_in(name), *s = tu_read(p, NULL);
    free(p);
    return s;
}

/* Does DIR hold any file whose name starts with '.' (a temporary)? */
static int hidden_files(void)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;
    while ((e = readdir(d)) != NULL)
        if (e->d_name[0] == '.' && strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            n++;
    closedir(d);
    return n;
}

/* ------------------------------------------------------------------------
 * Starting, stopping, the token.
 * ---------------------------------------------------------------------- */

START_TEST(address_line)
{
    tu_server other;
    size_t n = strlen(srv.token);

    ck_assert_int_gt(srv.port, 0);
    ck_assert_uint_ge(n, 22);               /* at least 128 bits of base64 */
    for (size_t i = 0; i < n; i++)
        ck_assert_msg(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
                             srv.token[i]) != NULL, "token not URL-safe: %s", srv.token);
    tu_serve_start(&other, dir);
    ck_assert_str_ne(other.token, srv.token);   /* fresh per start */
    ck_assert_int_ne(other.port, srv.port);
    ck_assert_int_eq(tu_serve_stop(&other), 0);
}
END_TEST

START_TEST(stops_cleanly)
{
    char *err;
    ck_assert_int_eq(tu_serve_stop(&srv), 0);
    err = tu_read(srv.err_path, NULL);
    ck_assert_ptr_nonnull(strstr(err, "已停止"));
    free(err);
    tu_serve_start(&srv, dir);                  /* for teardown */
    snprintf(auth, sizeof auth, "Authorization: Bearer %s\r\n", srv.token);
}
END_TEST

START_TEST(no_token)
{
    tu_reply r = tu_http(srv.port, "GET", "/api/dossiers", "", NULL, 0);
    char *before = file("mingli-2018.xml"), *after;

    ck_assert_int_eq(r.status, 403);
    ck_assert_ptr_nonnull(strstr(r.body, "\"error\""));
    tu_reply_free(&r);
    r = tu_http(srv.port, "GET", "/", "", NULL, 0);
    ck_assert_int_eq(r.status, 403);
    tu_reply_free(&r);
    r = tu_http(srv.port, "PUT", "/api/dossiers/mingli-2018.xml", "", "<dossier/>", 10);
    ck_assert_int_eq(r.status, 403);
    tu_reply_free(&r);
    r = tu_http(srv.port, "PUT", "/api/dossiers/mingli-2018.xml",
                "Authorization: Bearer wrongwrongwrongwrongwrongwrong\r\n", "<dossier/>", 10);
    ck_assert_int_eq(r.status, 403);
    tu_reply_free(&r);
    r = tu_http(srv.port, "GET", "/api/dossiers?token=abc", "", NULL, 0);
    ck_assert_int_eq(r.status, 403);
    tu_reply_free(&r);
    after = file("mingli-2018.xml");
    ck_assert_str_eq(before, after);
    free(before);
    free(after);
}
END_TEST

START_TEST(token_to_cookie)
{
    char path[256], hdr[256], *cookie, *loc;
    tu_reply r;

    snprintf(path, sizeof path, "/?token=%s", srv.token);
    r = tu_http(srv.port, "GET", path, "", NULL, 0);
    ck_assert_int_eq(r.status, 303);
    cookie = tu_header(&r, "Set-Cookie");
    loc = tu_header(&r, "Location");
    ck_assert_ptr_nonnull(cookie);
    ck_assert_ptr_nonnull(strstr(cookie, srv.token));
    ck_assert_ptr_nonnull(strstr(cookie, "HttpOnly"));
    ck_assert_ptr_nonnull(strstr(cookie, "SameSite=Strict"));
    ck_assert_str_eq(loc, "/");                 /* the token leaves the address */
    tu_reply_free(&r);
    *strchr(cookie, ';') = '\0';
    snprintf(hdr, sizeof hdr, "Cookie: %s\r\n", cookie);
    r = tu_http(srv.port, "GET", "/", hdr, NULL, 0);
    ck_assert_int_eq(r.status, 200);
    ck_assert_ptr_nonnull(strstr(r.body, "五星级党组织"));
    tu_reply_free(&r);
    r = tu_http(srv.port, "GET", "/api/dossiers", hdr, NULL, 0);
    ck_assert_int_eq(r.status, 200);
    tu_reply_free(&r);
    snprintf(path, sizeof path, "/api/dossiers?token=%s", srv.token);
    r = tu_http(srv.port, "GET", path, "", NULL, 0);
    ck_assert_int_eq(r.status, 200);
    tu_reply_free(&r);
    free(cookie);
    free(loc);
}
END_TEST

START_TEST(host_check)
{
    char hdr[512];
    tu_reply r;

    snprintf(hdr, sizeof hdr, "%sHost: evil.example:%d\r\n", auth, srv.port);
    r = tu_http(srv.port, "GET", "/api/dossiers", hdr, NULL, 0);
    ck_assert_int_eq(r.status, 403);
    tu_reply_free(&r);
    snprintf(hdr, sizeof hdr, "%sHost: localhost:%d\r\n", auth, srv.port + 1);
    r = tu_http(srv.port, "GET", "/api/dossiers", hdr, NULL, 0);
    ck_assert_int_eq(r.status, 403);            /* right name, wrong port */
    tu_reply_free(&r);
    snprintf(hdr, sizeof hdr, "%sHost: localhost:%d\r\n", auth, srv.port);
    r = tu_http(srv.port, "GET", "/api/dossiers", hdr, NULL, 0);
    ck_assert_int_eq(r.status, 200);
    tu_reply_free(&r);
}
END_TEST

START_TEST(origin_check)
{
    char hdr[512], *before = file("mingli-2018.xml"), *after;
    const char *body = before;
    tu_reply r;

    snprintf(hdr, sizeof hdr, "%sOrigin: http://evil.example\r\n", auth);
    r = tu_http(srv.port, "PUT", "/api/dossiers/mingli-2018.xml", hdr, "<x/>", 4);
    ck_assert_int_eq(r.status, 403);
    tu_reply_free(&r);
    r = tu_http(srv.port, "POST", "/api/dossiers/mingli-2018.xml/check", hdr, body, strlen(body));
    ck_assert_int_eq(r.status, 403);
    tu_reply_free(&r);
    r = tu_http(srv.port, "GET", "/api/dossiers", hdr, NULL, 0);
    ck_assert_int_eq(r.status, 200);            /* only state-changing requests */
    tu_reply_free(&r);
    after = file("mingli-2018.xml");
    ck_assert_str_eq(before, after);
    free(after);
    snprintf(hdr, sizeof hdr, "%sOrigin: http://127.0.0.1:%d\r\n", auth, srv.port);
    r = tu_http(srv.port, "PUT", "/api/dossiers/mingli-2018.xml", hdr, body, strlen(body));
    ck_assert_int_eq(r.status, 200);
    tu_reply_free(&r);
    free(before);
}
END_TEST

/* ------------------------------------------------------------------------
 * Names.
 * ---------------------------------------------------------------------- */

START_TEST(bad_names)
{
    static const char *const paths[] = {
        "/api/dossiers/..", "/api/dossiers/..%2F..%2Fetc%2Fpasswd", "/api/dossiers/%2E%2E",
        "/api/dossiers/..%2Fsecret.xml", "/api/dossiers/a%5Cb.xml", "/api/dossiers/.hidden.xml",
        "/api/dossiers/a%00.xml", "/api/dossiers/mingli-2018.xml%00.txt", "/api/dossiers/passwd",
        "/api/dossiers/%2Fetc%2Fpasswd",
    };
    char *outside, *secret, *cmd;

    /* a dossier beside DIR that must stay out of reach */
    if (asprintf(&outside, "%s/../secret.xml", dir) < 0)
        abort();
    tu_write(outside, "<secret/>", 9);
    for (size_t i = 0; i < sizeof paths / sizeof *paths; i++) {
        tu_reply r = req("GET", paths[i], NULL);
        ck_assert_msg(r.status == 400 || r.status == 404, "%s: %d", paths[i], r.status);
        ck_assert_ptr_null(strstr(r.body, "secret"));
        ck_assert_ptr_null(strstr(r.body, "root:"));
        tu_reply_free(&r);
        r = req("PUT", paths[i], "<dossier format=\"1\" year=\"2018\"/>");
        ck_assert_msg(r.status == 400 || r.status == 404, "PUT %s: %d", paths[i], r.status);
        tu_reply_free(&r);
    }
    secret = tu_read(outside, NULL);
    ck_assert_str_eq(secret, "<secret/>");
    free(secret);
    ck_assert_int_eq(hidden_files(), 0);
    /* a hidden file that exists is never served */
    tu_write((cmd = path_in(".hidden.xml")), "<dossier/>", 10);
    free(cmd);
    {
        tu_reply r = req("GET", "/api/dossiers/.hidden.xml", NULL);
        ck_assert_int_eq(r.status, 400);
        tu_reply_free(&r);
        r = req("GET", "/api/dossiers", NULL);
        ck_assert_ptr_null(strstr(r.body, ".hidden"));
        tu_reply_free(&r);
    }
    unlink(outside);
    free(outside);
}
END_TEST

START_TEST(symlink_out)
{
    char *outside, *link, *secret;
    tu_reply r;

    if (asprintf(&outside, "%s/../outside-%d.xml", dir, getpid()) < 0)
        abort();
    tu_write(outside, "<outside/>", 10);
    link = path_in("link.xml");
    ck_assert_int_eq(symlink(outside, link), 0);
    r = req("GET", "/api/dossiers/link.xml", NULL);
    ck_assert_int_eq(r.status, 404);
    ck_assert_ptr_null(strstr(r.body, "outside"));
    tu_reply_free(&r);
    r = req("PUT", "/api/dossiers/link.xml", "<dossier format=\"1\" year=\"2018\"/>");
    ck_assert_int_eq(r.status, 404);
    tu_reply_free(&r);
    r = req("GET", "/api/dossiers/link.xml/forms/评定标准.pdf", NULL);
    ck_assert_int_eq(r.status, 404);
    tu_reply_free(&r);
    r = req("GET", "/api/dossiers", NULL);
    ck_assert_ptr_null(strstr(r.body, "link.xml"));
    tu_reply_free(&r);
    secret = tu_read(outside, NULL);
    ck_assert_str_eq(secret, "<outside/>");
    ck_assert_int_eq(readlink(link, (char[8]){0}, 8) > 0, 1);   /* still a link */
    free(secret);
    unlink(outside);
    free(outside);
    free(link);
}
END_TEST

/* ------------------------------------------------------------------------
 * Bodies.
 * ---------------------------------------------------------------------- */

START_TEST(oversize)
{
    char *before = file("mingli-2018.xml"), *after, hdr[512];
    size_t big = 4 * 1024 * 1024 + 100, n = 0;
    char *chunked = malloc((big / 65536 + 2) * (65536 + 16));
    tu_reply r;

    /* announced: refused before the body is read */
    snprintf(hdr, sizeof hdr, "%sContent-Length: %zu\r\n", auth, big);
    r = tu_http(srv.port, "PUT", "/api/dossiers/mingli-2018.xml", hdr, NULL, 0);
    ck_assert_int_eq(r.status, 413);
    tu_reply_free(&r);
    /* chunked: refused once it grows past the limit */
    snprintf(hdr, sizeof hdr, "%sTransfer-Encoding: chunked\r\n", auth);
    for (size_t sent = 0; sent < big; sent += 65536) {
        n += (size_t)sprintf(chunked + n, "%x\r\n", 65536);
        memset(chunked + n, ' ', 65536);
        n += 65536;
        memcpy(chunked + n, "\r\n", 2);
        n += 2;
    }
    memcpy(chunked + n, "0\r\n\r\n", 5);
    n += 5;
    r = tu_http(srv.port, "PUT", "/api/dossiers/mingli-2018.xml", hdr, chunked, n);
    ck_assert_int_eq(r.status, 413);
    tu_reply_free(&r);
    after = file("mingli-2018.xml");
    ck_assert_str_eq(before, after);
    free(before);
    free(after);
    free(chunked);
}
END_TEST

/* PUT BODY over mingli-2018.xml must give 400 with diagnostics and leave
 * the file as it was. */
static void refused(const char *body, size_t len, const char *why)
{
    char *before = file("mingli-2018.xml"), *after;
    tu_reply r = tu_http(srv.port, "PUT", "/api/dossiers/mingli-2018.xml", auth, body, len);

    ck_assert_msg(r.status == 400, "%s: status %d", why, r.status);
    ck_assert_ptr_nonnull(strstr(r.body, "\"error\""));
    ck_assert_ptr_nonnull(strstr(r.body, "\"diagnostics\":[{\"line\""));
    tu_reply_free(&r);
    after = file("mingli-2018.xml");
    ck_assert_msg(strcmp(before, after) == 0, "%s: the file changed", why);
    ck_assert_int_eq(hidden_files(), 0);
    free(before);
    free(after);
}

START_TEST(malformed_refused)
{
    static const char entity[] =
        "<?xml version=\"1.0\"?>\n"
        "<!DOCTYPE dossier [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n"
        "<dossier format=\"1\" year=\"2018\">&x;</dossier>\n";
    static const char bomb[] =
        "<?xml version=\"1.0\"?>\n<!DOCTYPE d [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;\">]>\n"
        "<dossier format=\"1\" year=\"2018\">&b;</dossier>\n";
    static const char bad_utf8[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                                   "<dossier format=\"1\" year=\"2018\">\xff\xfe</dossier>\n";
    char *good = file("mingli-2018.xml");

    refused("<dossier format=\"1\"><organization></dossier>", 45, "not well-formed");
    refused(entity, strlen(entity), "external entity");
    refused(bomb, strlen(bomb), "internal entities");
    refused(bad_utf8, strlen(bad_utf8), "bad UTF-8");
    refused("<dossier format=\"2\" year=\"2018\"/>", 33, "format 2");
    refused("<html/>", 7, "not a dossier");
    refused("", 0, "empty");
    refused(good, strlen(good) / 2, "cut in half");
    free(good);
}
END_TEST

/* ------------------------------------------------------------------------
 * Saving.
 * ---------------------------------------------------------------------- */

START_TEST(save_with_etag)
{
    tu_reply r = req("GET", "/api/dossiers/mingli-2018.xml", NULL);
    char *etag = tu_header(&r, "ETag"), *edited, *onfile, hdr[512], *etag2;

    ck_assert_int_eq(r.status, 200);
    ck_assert_ptr_nonnull(etag);
    edited = tu_replace(r.body, "<leader>李某某</leader>", "<leader>王某某</leader>");
    tu_reply_free(&r);
    snprintf(hdr, sizeof hdr, "%sIf-Match: %s\r\n", auth, etag);
    r = tu_http(srv.port, "PUT", "/api/dossiers/mingli-2018.xml", hdr, edited, strlen(edited));
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(r.body, "{\"saved\":true,\"diagnostics\":[]}");
    etag2 = tu_header(&r, "ETag");
    ck_assert_str_ne(etag2, etag);
    tu_reply_free(&r);
    onfile = file("mingli-2018.xml");
    ck_assert_str_eq(onfile, edited);
    free(onfile);
    ck_assert_int_eq(hidden_files(), 0);

    /* a second tab still holding the first version: 409, file untouched */
    r = tu_http(srv.port, "PUT", "/api/dossiers/mingli-2018.xml", hdr, "<dossier format=\"1\" year=\"2018\"/>", 33);
    ck_assert_int_eq(r.status, 409);
    ck_assert_ptr_nonnull(strstr(r.body, "\"error\""));
    tu_reply_free(&r);
    onfile = file("mingli-2018.xml");
    ck_assert_str_eq(onfile, edited);
    free(onfile);
    /* creating over an existing file */
    snprintf(hdr, sizeof hdr, "%sIf-None-Match: *\r\n", auth);
    r = tu_http(srv.port, "PUT", "/api/dossiers/mingli-2018.xml", hdr, edited, strlen(edited));
    ck_assert_int_eq(r.status, 409);
    tu_reply_free(&r);
    free(etag);
    free(etag2);
    free(edited);
}
END_TEST

START_TEST(draft_saved)
{
    char *good = file("mingli-2018.xml");
    char *draft = tu_replace(good, "<score item=\"19\" points=\"5\"/>", "<score item=\"19\" points=\"6\"/>");
    long line = tu_line_of(draft, "item=\"19\"");
    char want[128], *onfile;
    tu_reply r = req("PUT", "/api/dossiers/draft.xml", draft);

    ck_assert_int_eq(r.status, 200);
    snprintf(want, sizeof want, "{\"line\":%ld,\"severity\":\"error\",\"message\":\"第19项自评分 6 超过该项分值 5\"}", line);
    ck_assert_msg(strstr(r.body, "\"saved\":true") && strstr(r.body, want), "%s", r.body);
    tu_reply_free(&r);
    onfile = file("draft.xml");
    ck_assert_str_eq(onfile, draft);
    /* it is listed, with no total */
    r = req("GET", "/api/dossiers", NULL);
    ck_assert_ptr_nonnull(strstr(r.body, "{\"file\":\"draft.xml\",\"organization\":\"中共东莞市明理律师事务所支部委员会\","
                                         "\"town\":\"南城街道\",\"year\":2018,\"total\":null,\"qualified\":null,"
                                         "\"errors\":1,\"warnings\":0}"));
    tu_reply_free(&r);
    /* and its forms are refused with the diagnostics */
    r = req("GET", "/api/dossiers/draft.xml/forms/评定标准.pdf", NULL);
    ck_assert_int_eq(r.status, 409);
    ck_assert_ptr_nonnull(strstr(r.body, want));
    tu_reply_free(&r);
    free(onfile);
    free(draft);
    free(good);
}
END_TEST

/* A save keeps the file's permissions (a dossier kept private stays
 * private); a name as long as the file system allows can be saved too. */
START_TEST(save_keeps_mode_and_long_names)
{
    char *p = path_in("mingli-2018.xml"), hdr[512], *etag, name[300], url[400];
    struct stat sb;
    tu_reply r;

    ck_assert_int_eq(chmod(p, 0600), 0);
    r = req("GET", "/api/dossiers/mingli-2018.xml", NULL);
    etag = tu_header(&r, "ETag");
    snprintf(hdr, sizeof hdr, "%sIf-Match: %s\r\n", auth, etag);
    {
        tu_reply w = tu_http(srv.port, "PUT", "/api/dossiers/mingli-2018.xml", hdr, r.body, strlen(r.body));
        ck_assert_int_eq(w.status, 200);
        tu_reply_free(&w);
    }
    ck_assert_int_eq(stat(p, &sb), 0);
    ck_assert_int_eq(sb.st_mode & 07777, 0600);
    tu_reply_free(&r);
    free(etag);
    free(p);
    /* 251 bytes + ".xml" = 255, the longest file name */
    memset(name, 'a', 251);
    strcpy(name + 251, ".xml");
    snprintf(url, sizeof url, "/api/dossiers/%s/new", name);
    r = req("POST", url, "");
    ck_assert_int_eq(r.status, 201);
    tu_reply_free(&r);
    ck_assert_int_eq(hidden_files(), 0);
}
END_TEST

START_TEST(create_blank)
{
    char *blank, *onfile;
    tu_reply r = req("POST", "/api/dossiers/new-one.xml/new", "");

    ck_assert_int_eq(r.status, 201);
    ck_assert_ptr_nonnull(strstr(r.body, "\"saved\":true"));
    tu_reply_free(&r);
    ck_assert_int_eq(tu_run("$FIVESTAR new", &blank, NULL), 0);
    onfile = file("new-one.xml");
    ck_assert_str_eq(onfile, blank);
    r = req("POST", "/api/dossiers/new-one.xml/new", "");
    ck_assert_int_eq(r.status, 409);            /* never over an existing file */
    tu_reply_free(&r);
    free(blank);
    free(onfile);
}
END_TEST

/* ------------------------------------------------------------------------
 * Reading: list, get, check, forms, stats, rubric.
 * ---------------------------------------------------------------------- */

START_TEST(list_and_get)
{
    tu_reply r = req("GET", "/api/dossiers", NULL);
    char *type = tu_header(&r, "Content-Type"), *xml;
    const char *a, *b;

    ck_assert_int_eq(r.status, 200);
    ck_assert_ptr_nonnull(strstr(type, "application/json"));
    ck_assert_ptr_nonnull(strstr(r.body,
        "{\"file\":\"mingli-2018.xml\",\"organization\":\"中共东莞市明理律师事务所支部委员会\","
        "\"town\":\"南城街道\",\"year\":2018,\"total\":93,\"qualified\":true,\"errors\":0,\"warnings\":0}"));
    a = strstr(r.body, "dalang-social-2018.xml");
    b = strstr(r.body, "songshan-revoked-2018.xml");
    ck_assert(a && b && a < b);                 /* sorted by file name */
    ck_assert_ptr_nonnull(strstr(r.body, "\"file\":\"minimal-2018.xml\""));
    free(type);
    tu_reply_free(&r);
    r = req("GET", "/api/dossiers/mingli-2018.xml", NULL);
    ck_assert_int_eq(r.status, 200);
    xml = file("mingli-2018.xml");
    ck_assert_uint_eq(r.len, strlen(xml));
    ck_assert_str_eq(r.body, xml);
    type = tu_header(&r, "Content-Type");
    ck_assert_ptr_nonnull(strstr(type, "application/xml"));
    free(type);
    free(xml);
    tu_reply_free(&r);
    r = req("GET", "/api/dossiers/none.xml", NULL);
    ck_assert_int_eq(r.status, 404);
    ck_assert_ptr_nonnull(strstr(r.body, "{\"error\":"));
    tu_reply_free(&r);
    /* a file over 4 MiB is listed as one with an error, and not served */
    {
        size_t big = 4 * 1024 * 1024 + 1;
        char *blob = malloc(big), *p = path_in("big.xml");
        memset(blob, ' ', big);
        tu_write(p, blob, big);
        r = req("GET", "/api/dossiers", NULL);
        ck_assert_ptr_nonnull(strstr(r.body, "{\"file\":\"big.xml\",\"organization\":null,"
                                             "\"town\":null,\"year\":null,\"total\":null,"
                                             "\"qualified\":null,\"errors\":1,\"warnings\":0}"));
        tu_reply_free(&r);
        r = req("GET", "/api/dossiers/big.xml", NULL);
        ck_assert_int_eq(r.status, 413);
        tu_reply_free(&r);
        free(blob);
        free(p);
    }
}
END_TEST

START_TEST(check_is_score_json)
{
    char *xml = file("mingli-2018.xml"), *cli, *want, cmd[1024];
    tu_reply r = req("POST", "/api/dossiers/mingli-2018.xml/check", xml);
    char *path = path_in("mingli-2018.xml"), *p;

    ck_assert_int_eq(r.status, 200);
    snprintf(cmd, sizeof cmd, "$FIVESTAR score --json '%s'", path);
    ck_assert_int_eq(tu_run(cmd, &cli, NULL), 0);
    cli[strcspn(cli, "\n")] = '\0';
    p = strstr(cli, path);                      /* the CLI names the path given */
    ck_assert_ptr_nonnull(p);
    want = tu_replace(cli, path, "mingli-2018.xml");
    {
        char *full;
        if (asprintf(&full, "{\"diagnostics\":[],\"score\":%s}", want) < 0)
            abort();
        ck_assert_str_eq(r.body, full);
        free(full);
    }
    tu_reply_free(&r);
    /* nothing saved, and a broken draft gives diagnostics and no score */
    r = req("POST", "/api/dossiers/other.xml/check", "<dossier format=\"1\" year=\"2018\"/>");
    ck_assert_int_eq(r.status, 200);
    ck_assert_ptr_nonnull(strstr(r.body, "\"score\":null"));
    ck_assert_ptr_nonnull(strstr(r.body, "\"severity\":\"error\""));
    tu_reply_free(&r);
    p = path_in("other.xml");
    ck_assert_int_ne(access(p, F_OK), 0);
    free(p);
    free(path);
    free(want);
    free(cli);
    free(xml);
}
END_TEST

/* GET URL must be byte for byte the file WANT. */
static void same_bytes(const char *url, const char *want, const char *type)
{
    size_t n;
    char *w = tu_read(want, &n), *t;
    tu_reply r = req("GET", url, NULL);

    ck_assert_msg(w != NULL, "no %s", want);
    ck_assert_msg(r.status == 200, "%s: %d %s", url, r.status, r.body);
    ck_assert_msg(r.len == n && memcmp(r.body, w, n) == 0, "%s differs from %s", url, want);
    t = tu_header(&r, "Content-Type");
    ck_assert_ptr_nonnull(strstr(t, type));
    free(t);
    free(w);
    tu_reply_free(&r);
}

START_TEST(forms_byte_identical)
{
    char *out = tu_tmpdir(), cmd[2048], want[1024];
    char *d = path_in("mingli-2018.xml");

    snprintf(cmd, sizeof cmd,
             "$FIVESTAR render '%s' -o '%s' && "
             "$FIVESTAR flowchart creation -o '%s/c.pdf' --dossier '%s' && "
             "$FIVESTAR flowchart dynamic -o '%s/d.pdf' --dossier '%s' && "
             "$FIVESTAR flowchart creation -o '%s/c.docx' --dossier '%s'",
             d, out, out, d, out, d, out, d);
    ck_assert_int_eq(tu_run(cmd, NULL, NULL), 0);
    static const char *const forms[] = {"评定标准.pdf", "申报表.pdf", "评定标准.docx", "申报表.docx"};
    for (size_t i = 0; i < 4; i++) {
        char url[256];
        snprintf(url, sizeof url, "/api/dossiers/mingli-2018.xml/forms/%s", forms[i]);
        snprintf(want, sizeof want, "%s/mingli-2018/%s", out, forms[i]);
        same_bytes(url, want, i < 2 ? "application/pdf" : "wordprocessingml");
    }
    snprintf(want, sizeof want, "%s/c.pdf", out);
    same_bytes("/api/dossiers/mingli-2018.xml/forms/创建流程图.pdf", want, "application/pdf");
    snprintf(want, sizeof want, "%s/d.pdf", out);
    same_bytes("/api/dossiers/mingli-2018.xml/forms/动态管理流程图.pdf", want, "application/pdf");
    snprintf(want, sizeof want, "%s/c.docx", out);
    same_bytes("/api/dossiers/mingli-2018.xml/forms/创建流程图.docx", want, "wordprocessingml");
    {
        tu_reply r = req("GET", "/api/dossiers/mingli-2018.xml/forms/评定标准.pdf?download=1", NULL);
        char *disp = tu_header(&r, "Content-Disposition");
        ck_assert_ptr_nonnull(disp);
        ck_assert_ptr_nonnull(strstr(disp, "attachment"));
        free(disp);
        tu_reply_free(&r);
        r = req("GET", "/api/dossiers/mingli-2018.xml/forms/other.pdf", NULL);
        ck_assert_int_eq(r.status, 404);
        tu_reply_free(&r);
    }
    free(d);
    free(out);
}
END_TEST

START_TEST(bundle_byte_identical)
{
    char *out = tu_tmpdir(), cmd[2048], want[1024];
    tu_reply r;

    snprintf(cmd, sizeof cmd, "$FIVESTAR bundle '%s/mingli-2018.xml' -o '%s/b.pdf'", dir, out);
    ck_assert_int_eq(tu_run(cmd, NULL, NULL), 0);
    snprintf(want, sizeof want, "%s/b.pdf", out);
    same_bytes("/api/dossiers/mingli-2018.xml/bundle.pdf", want, "application/pdf");
    r = req("PUT", "/api/dossiers/bad.xml", "<dossier format=\"1\" year=\"2018\"/>");
    ck_assert_int_eq(r.status, 200);
    tu_reply_free(&r);
    r = req("GET", "/api/dossiers/bad.xml/bundle.pdf", NULL);
    ck_assert_int_eq(r.status, 409);
    ck_assert_ptr_nonnull(strstr(r.body, "\"diagnostics\":[{"));
    tu_reply_free(&r);
    free(out);
}
END_TEST

START_TEST(stats_byte_identical)
{
    char *out = tu_tmpdir(), cmd[2048], want[1024];

    snprintf(cmd, sizeof cmd, "$FIVESTAR stats '%s'/*.xml -o '%s/s.pdf' && "
                              "$FIVESTAR stats '%s'/*.xml -o '%s/s.docx'", dir, out, dir, out);
    ck_assert_int_eq(tu_run(cmd, NULL, NULL), 0);
    snprintf(want, sizeof want, "%s/s.pdf", out);
    same_bytes("/api/stats.pdf", want, "application/pdf");
    snprintf(want, sizeof want, "%s/s.docx", out);
    same_bytes("/api/stats.docx", want, "wordprocessingml");
    free(out);
}
END_TEST

START_TEST(rubric)
{
    tu_reply r = req("GET", "/api/rubric/dongguan-2018", NULL);
    size_t items = 0;

    ck_assert_int_eq(r.status, 200);
    for (const char *p = r.body; (p = strstr(p, "\"standard\":")) != NULL; p++)
        items++;
    ck_assert_uint_eq(items, 33);
    ck_assert_ptr_nonnull(strstr(r.body, "{\"number\":19,\"max\":5,"));
    ck_assert_ptr_nonnull(strstr(r.body, "\"thresholds\":[{\"star\":5,\"min\":90,"));
    ck_assert_ptr_nonnull(strstr(r.body, "{\"name\":\"initial-review\",\"label\":\"初审\",\"review\":true}"));
    tu_reply_free(&r);
    r = req("GET", "/api/rubric/..%2Fetc", NULL);
    ck_assert_int_eq(r.status, 404);
    tu_reply_free(&r);
}
END_TEST

START_TEST(page_served)
{
    static const char *const files[] = {"/", "/app.js", "/dossier.js", "/style.css"};
    for (size_t i = 0; i < 4; i++) {
        tu_reply r = req("GET", files[i], NULL);
        char *csp = tu_header(&r, "Content-Security-Policy");
        ck_assert_int_eq(r.status, 200);
        ck_assert_uint_gt(r.len, 100);
        ck_assert_ptr_nonnull(csp);
        ck_assert_ptr_null(strstr(r.body, "http://"));     /* nothing from elsewhere */
        ck_assert_ptr_null(strstr(r.body, "https://"));
        free(csp);
        tu_reply_free(&r);
    }
}
END_TEST

/* ------------------------------------------------------------------------
 * The browser.
 * ---------------------------------------------------------------------- */

START_TEST(browser)
{
    char *out = NULL, *err = NULL;
    int st = tu_run("/usr/bin/python3 tests/serve_browser.py", &out, &err);

    ck_assert_msg(st == 0, "serve_browser.py failed (%d):\n%s\n%s", st, out, err);
    free(out);
    free(err);
}
END_TEST

static Suite *serve_suite(void)
{
    Suite *s = suite_create("serve");
    TCase *tc = tcase_create("api");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, address_line);
    tcase_add_test(tc, stops_cleanly);
    tcase_add_test(tc, no_token);
    tcase_add_test(tc, token_to_cookie);
    tcase_add_test(tc, host_check);
    tcase_add_test(tc, origin_check);
    tcase_add_test(tc, bad_names);
    tcase_add_test(tc, symlink_out);
    tcase_add_test(tc, oversize);
    tcase_add_test(tc, malformed_refused);
    tcase_add_test(tc, save_with_etag);
    tcase_add_test(tc, draft_saved);
    tcase_add_test(tc, create_blank);
    tcase_add_test(tc, save_keeps_mode_and_long_names);
    tcase_add_test(tc, list_and_get);
    tcase_add_test(tc, check_is_score_json);
    tcase_add_test(tc, forms_byte_identical);
    tcase_add_test(tc, bundle_byte_identical);
    tcase_add_test(tc, stats_byte_identical);
    tcase_add_test(tc, rubric);
    tcase_add_test(tc, page_served);
    suite_add_tcase(s, tc);

    tc = tcase_create("browser");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, browser);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return tu_main(serve_suite());
}
