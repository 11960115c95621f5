/*
 * fs-serve-http.c - the HTTP side of `fivestar serve` on libmicrohttpd:
 * who may ask, request bodies, and replies (serve.md, "Who may use it").
 *
 * Every request, in this order:
 *   1. Host must be the listening address or localhost, with our port
 *      (no DNS rebinding): else 403.
 *   2. The token, as ?token=, the cookie, or Authorization: Bearer: else
 *      403, before any body is read.  A page opened with ?token= gets the
 *      cookie (HttpOnly, SameSite=Strict) and a redirect to the same page
 *      without the token in its address.
 *   3. PUT, POST and DELETE whose Origin is present and not our own: 403.
 *   4. A body over 4 MiB: 413 (at once when Content-Length says so, else
 *      once it has grown past the limit; the rest is discarded).
 * Only then do the routes (fs-serve-api.c) or the page (fs-serve-web.c)
 * see the request.  One thread handles the requests one after the other;
 * stopping the daemon lets a request in progress (a save) finish.
 */
#define _GNU_SOURCE
#include "fs-serve.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

/* ------------------------------------------------------------------------
 * Sending replies (made by fs-serve-reply.c).
 * ---------------------------------------------------------------------- */

/* Sends REP on C with the headers every reply carries; frees REP. */
static enum MHD_Result send_reply(struct MHD_Connection *c, fs_serve_reply *rep,
                                  const char *cookie, const char *location)
{
    struct MHD_Response *res;
    enum MHD_Result ok;

    if (!rep->data)
        rep->data = fs_strdup("");
    res = MHD_create_response_from_buffer(rep->len, rep->data, MHD_RESPMEM_MUST_FREE);
    if (!res) {
        fs_serve_reply_free(rep);
        return MHD_NO;
    }
    rep->data = NULL;           /* the response owns it now */
    if (rep->type)
        MHD_add_response_header(res, MHD_HTTP_HEADER_CONTENT_TYPE, rep->type);
    if (rep->etag)
        MHD_add_response_header(res, MHD_HTTP_HEADER_ETAG, rep->etag);
    if (rep->disposition)
        MHD_add_response_header(res, MHD_HTTP_HEADER_CONTENT_DISPOSITION, rep->disposition);
    if (cookie)
        MHD_add_response_header(res, MHD_HTTP_HEADER_SET_COOKIE, cookie);
    if (location)
        MHD_add_response_header(res, MHD_HTTP_HEADER_LOCATION, location);
    MHD_add_response_header(res, MHD_HTTP_HEADER_CACHE_CONTROL,
                            rep->cache ? "private, max-age=300" : "no-store");
    MHD_add_response_header(res, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(res, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(res, "X-Frame-Options", "SAMEORIGIN");
    MHD_add_response_header(res, "Content-Security-Policy",
                            "default-src 'self'; object-src 'self' blob:; frame-src 'self' blob:; "
                            "frame-ancestors 'self'; base-uri 'none'; form-action 'none'");
    ok = MHD_queue_response(c, rep->status, res);
    MHD_destroy_response(res);
    fs_serve_reply_free(rep);
    return ok;
}

/* Sends a JSON error STATUS with MESSAGE. */
static enum MHD_Result send_error(struct MHD_Connection *c, unsigned status,
                                  const char *message)
{
    fs_serve_reply rep = {0};

    fs_serve_reply_error(&rep, status, message);
    return send_reply(c, &rep, NULL, NULL);
}

/* ------------------------------------------------------------------------
 * Who may ask.
 * ---------------------------------------------------------------------- */

/* Compares the token T with ours in time independent of where they differ. */
static int token_eq(const fs_serve *s, const char *t)
{
    size_t n = strlen(s->token), m = t ? strlen(t) : 0;
    unsigned char diff = n != m;

    if (!t)
        return 0;
    for (size_t i = 0; i < n; i++)
        diff |= (unsigned char)(s->token[i] ^ (i < m ? t[i] : 0));
    return diff == 0;
}

/* The token's cookie name: one per port, since cookies ignore ports. */
static char *cookie_name(const fs_serve *s)
{
    const char *colon = strrchr(s->hosts[1], ':');

    return fs_printf("fivestar_%s", colon ? colon + 1 : "0");
}

/* How the request on C shows the token: 0 not at all, 1 in the query,
 * 2 as cookie or Bearer. */
static int token_of(const fs_serve *s, struct MHD_Connection *c)
{
    const char *auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                   MHD_HTTP_HEADER_AUTHORIZATION);
    char *name = cookie_name(s);
    int how = 0;

    if (auth && strncasecmp(auth, "Bearer ", 7) == 0 && token_eq(s, auth + 7))
        how = 2;
    else if (token_eq(s, MHD_lookup_connection_value(c, MHD_COOKIE_KIND, name)))
        how = 2;
    else if (token_eq(s, MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "token")))
        how = 1;
    free(name);
    return how;
}

/* Is V (a Host or Origin value) one of LIST's two? */
static int one_of(char *const *list, const char *v)
{
    return v && list[0] && list[1] &&
           (strcasecmp(v, list[0]) == 0 || strcasecmp(v, list[1]) == 0);
}

/* ------------------------------------------------------------------------
 * Requests.
 * ---------------------------------------------------------------------- */

/* What is kept between the calls for one request. */
typedef struct request {
    fs_buf body;
    int too_big;
} request;

/* Decodes %XX in place (libmicrohttpd's hook for paths and arguments).  A
 * %00 becomes 0x01, which no name accepts, so that a NUL cannot cut a name
 * short into another one. */
static size_t unescape(void *cls, struct MHD_Connection *c, char *s)
{
    char *w = s;

    (void)cls, (void)c;
    for (const char *r = s; *r; r++) {
        if (*r == '%' && isxdigit((unsigned char)r[1]) && isxdigit((unsigned char)r[2])) {
            char hex[3] = {r[1], r[2], '\0'};
            unsigned long v = strtoul(hex, NULL, 16);
            *w++ = (char)(v ? v : 1);
            r += 2;
        } else {
            *w++ = *r;
        }
    }
    *w = '\0';
    return (size_t)(w - s);
}

/* libmicrohttpd's handler: see the top of this file. */
static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
                              const char *meth, const char *version,
                              const char *upload, size_t *upload_size, void **state)
{
    fs_serve *s = cls;
    request *rq = *state;
    fs_serve_req req;
    fs_serve_reply rep = {0};
    int how;

    (void)version;
    if (!rq) {
        const char *host = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST);
        const char *origin = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_ORIGIN);
        const char *clen = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                       MHD_HTTP_HEADER_CONTENT_LENGTH);
        int changes = strcmp(meth, "PUT") == 0 || strcmp(meth, "POST") == 0 ||
                      strcmp(meth, "DELETE") == 0 || strcmp(meth, "PATCH") == 0;

        if (!one_of(s->hosts, host))
            return send_error(c, 403, "拒绝访问：请求的 Host 不是本服务器的地址");
        if (!token_of(s, c))
            return send_error(c, 403, "拒绝访问：缺少或错误的令牌。请用 fivestar serve "
                                      "启动时显示的完整地址（含 ?token=…）打开");
        if (changes && origin && !one_of(s->origins, origin))
            return send_error(c, 403, "拒绝访问：请求来自其他网站（Origin 不符）");
        if (clen && strtoull(clen, NULL, 10) > (unsigned long long)FS_SERVE_MAX_BODY)
            return send_error(c, 413, "内容超过 4 MiB 的上限，未处理");
        *state = fs_xcalloc(1, sizeof *rq);
        return MHD_YES;
    }
    if (*upload_size) {
        if (!rq->too_big && rq->body.len + *upload_size > (size_t)FS_SERVE_MAX_BODY)
            rq->too_big = 1;
        if (!rq->too_big)
            fs_buf_add(&rq->body, upload, *upload_size);
        *upload_size = 0;
        return MHD_YES;
    }
    if (rq->too_big)
        return send_error(c, 413, "内容超过 4 MiB 的上限，未处理");

    how = token_eq(s, MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "token"));
    if (how && strcmp(meth, "GET") == 0 && strncmp(url, "/api/", 5) != 0) {
        /* Opened from the printed address: keep the token in a cookie
         * and take it out of the address bar (and the history). */
        char *name = cookie_name(s);
        char *cookie = fs_printf("%s=%s; Path=/; HttpOnly; SameSite=Strict", name, s->token);
        enum MHD_Result ok;
        rep.status = 303;
        rep.type = "text/plain; charset=utf-8";
        /* "//host/…" would send the browser elsewhere: only our own root. */
        ok = send_reply(c, &rep, cookie, url[0] == '/' && url[1] != '/' ? url : "/");
        free(cookie);
        free(name);
        return ok;
    }
    if (strncmp(url, "/api/", 5) != 0) {
        if (strcmp(meth, "GET") != 0 && strcmp(meth, "HEAD") != 0)
            return send_error(c, 405, "不支持这种请求方法");
        if (fs_serve_web(url, &rep) < 0)
            return send_error(c, 404, "没有这个页面");
        return send_reply(c, &rep, NULL, NULL);
    }
    memset(&req, 0, sizeof req);
    req.method = meth;
    req.path = url;
    req.body = rq->body.s ? rq->body.s : "";
    req.len = rq->body.len;
    req.if_match = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_MATCH);
    req.if_none_match = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                    MHD_HTTP_HEADER_IF_NONE_MATCH);
    req.download = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "download") != NULL;
    req.canonical = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "canonical") != NULL;
    fs_serve_api(s, &req, &rep);
    return send_reply(c, &rep, NULL, NULL);
}

/* Frees a request's state once its reply is sent. */
static void completed(void *cls, struct MHD_Connection *c, void **state,
                      enum MHD_RequestTerminationCode why)
{
    request *rq = *state;

    (void)cls, (void)c, (void)why;
    if (rq) {
        fs_buf_free(&rq->body);
        free(rq);
        *state = NULL;
    }
}

/* See fs-serve.h. */
int fs_serve_http_start(fs_serve *s, const char *addr, unsigned port,
                        void **daemon, unsigned *bound)
{
    struct sockaddr_in v4;
    struct sockaddr_in6 v6;
    const struct sockaddr *sa;
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL;
    struct MHD_Daemon *d;
    const union MHD_DaemonInfo *info;

    memset(&v4, 0, sizeof v4);
    memset(&v6, 0, sizeof v6);
    if (inet_pton(AF_INET, addr, &v4.sin_addr) == 1) {
        v4.sin_family = AF_INET;
        v4.sin_port = htons((uint16_t)port);
        sa = (const struct sockaddr *)&v4;
    } else if (inet_pton(AF_INET6, addr, &v6.sin6_addr) == 1) {
        v6.sin6_family = AF_INET6;
        v6.sin6_port = htons((uint16_t)port);
        sa = (const struct sockaddr *)&v6;
        flags |= MHD_USE_IPv6;
    } else {
        fprintf(stderr, "fivestar serve: error: --listen 应为 IP 地址，如 127.0.0.1，而不是“%s”\n", addr);
        return -1;
    }
    d = MHD_start_daemon(flags, (uint16_t)port, NULL, NULL, handle, s,
                         MHD_OPTION_SOCK_ADDR, sa,
                         MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
                         MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL,
                         MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)120,
                         MHD_OPTION_END);
    if (!d) {
        fprintf(stderr, "fivestar serve: error: 无法在 %s 端口 %u 上监听（端口被占用？可用 --port "
                        "换一个端口，--port 0 自动选择）\n", addr, port);
        return -1;
    }
    info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    *bound = info ? info->port : port;
    *daemon = d;
    return 0;
}

/* See fs-serve.h. */
void fs_serve_http_stop(void *daemon)
{
    if (daemon)
        MHD_stop_daemon(daemon);
}
