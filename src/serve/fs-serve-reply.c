/*
 * fs-serve-reply.c - the replies of `fivestar serve` as data (fs-serve.h):
 * JSON strings and diagnostics, a JSON reply, an error reply.  The routes
 * (fs-serve-api.c) and the library calls (fs-serve-docs.c) fill replies;
 * the HTTP side (fs-serve-http.c) sends them.
 */
#include "fs-serve.h"

#include <stdlib.h>
#include <string.h>

/* See fs-serve.h. */
void fs_serve_json_str(fs_buf *b, const char *s)
{
    if (!s) {
        fs_buf_adds(b, "null");
        return;
    }
    fs_buf_adds(b, "\"");
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fs_buf_printf(b, "\\%c", *p);
        else if (*p == '\n')
            fs_buf_adds(b, "\\n");
        else if (*p == '\t')
            fs_buf_adds(b, "\\t");
        else if (*p < 0x20 || *p == 0x7f)
            fs_buf_printf(b, "\\u%04x", *p);
        else
            fs_buf_add(b, (const char *)p, 1);
    }
    fs_buf_adds(b, "\"");
}

/* See fs-serve.h. */
void fs_serve_json_diags(fs_buf *b, const fs_diags *d)
{
    fs_buf_adds(b, "[");
    for (size_t i = 0; i < d->n; i++) {
        fs_buf_printf(b, "%s{\"line\":%ld,\"severity\":\"%s\",\"message\":", i ? "," : "",
                      d->v[i].line, d->v[i].severity == FS_ERROR ? "error" : "warning");
        fs_serve_json_str(b, d->v[i].message);
        fs_buf_adds(b, "}");
    }
    fs_buf_adds(b, "]");
}

/* See fs-serve.h. */
void fs_serve_reply_free(fs_serve_reply *r)
{
    free(r->data);
    free(r->etag);
    free(r->disposition);
    memset(r, 0, sizeof *r);
}

/* See fs-serve.h. */
void fs_serve_reply_json(fs_serve_reply *r, unsigned status, fs_buf *b)
{
    free(r->data);
    r->status = status;
    r->type = "application/json; charset=utf-8";
    r->len = b->len;
    r->data = b->s ? b->s : fs_strdup("");
    b->s = NULL;
    b->len = b->cap = 0;
}

/* See fs-serve.h. */
void fs_serve_reply_error(fs_serve_reply *r, unsigned status, const char *message)
{
    fs_buf b = {0};

    fs_buf_adds(&b, "{\"error\":");
    fs_serve_json_str(&b, message);
    fs_buf_adds(&b, "}");
    fs_serve_reply_json(r, status, &b);
}
