/*
 * fs-serve-api.c - the routes of the JSON API (serve.md):
 *
 *   GET  /api/dossiers                     the list, sorted by file name
 *   GET  /api/dossiers/FILE                the XML as stored, with its ETag
 *   PUT  /api/dossiers/FILE                save (If-Match / If-None-Match)
 *   POST /api/dossiers/FILE/check          diagnostics and score, no save
 *   POST /api/dossiers/FILE/new            a blank dossier (`fivestar new`)
 *   GET  /api/dossiers/FILE/forms/FORM     评定标准.pdf … 动态管理流程图.pdf
 *   GET  /api/dossiers/FILE/bundle.pdf     the forms, evidence index and
 *                                          evidence in one PDF (`bundle`)
 *   GET  /api/stats.pdf, /api/stats.docx   the 统计表 of the valid dossiers
 *   GET  /api/rubric/ID                    the rubric, for building the page
 *
 * The requests reaching here carry the token and passed the Host and
 * Origin checks (fs-serve-http.c).  Versions: GET gives an ETag; a PUT
 * with If-Match that no longer matches the file gets 409, so a second tab
 * editing a stale copy is warned instead of silently overwriting; a PUT
 * with If-None-Match: * (creating) gets 409 when the file exists.
 */
#define _GNU_SOURCE
#include "fs-serve.h"
#include "fs-cn.h"
#include "fs-normalize.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define DOCX_TYPE "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

/* Sets REP to STATUS with {"error":MESSAGE,"diagnostics":[…]}. */
static void error_diags(fs_serve_reply *rep, unsigned status, const char *message,
                        fs_diags *diags)
{
    fs_buf b = {0};

    fs_buf_adds(&b, "{\"error\":");
    fs_serve_json_str(&b, message);
    fs_buf_adds(&b, ",\"diagnostics\":");
    fs_serve_json_diags(&b, diags);
    fs_buf_adds(&b, "}");
    fs_serve_reply_json(rep, status, &b);
}

/* The reply for a file NAME that could not be read (errno set). */
static void read_failed(fs_serve_reply *rep)
{
    if (errno == ENOENT)
        fs_serve_reply_error(rep, 404, "没有这个档案文件");
    else if (errno == EFBIG)
        fs_serve_reply_error(rep, 413, "档案文件超过 4 MiB，无法打开");
    else if (errno == EINVAL)
        fs_serve_reply_error(rep, 400, "文件名不合规：应为本文件夹中以 .xml 结尾的文件名，"
                                       "不含 /、\\、..，不以点开头");
    else
        fs_serve_reply_error(rep, 404, "不是本文件夹中的普通档案文件（符号链接、文件夹等不予打开）");
}

/* GET /api/dossiers. */
static void list(fs_serve *s, fs_serve_reply *rep)
{
    char **names;
    size_t n = fs_serve_list(s, &names);
    fs_buf b = {0};
    char x[24];

    fs_buf_adds(&b, "[");
    for (size_t i = 0; i < n; i++) {
        fs_diags diags = {0};
        fs_dossier *d = NULL;
        fs_error err;
        char *data = NULL, *org = NULL, *town = NULL;
        size_t len;
        int year = 0;

        if (b.len > 1)
            fs_buf_adds(&b, ",");
        if (fs_serve_read(s, names[i], &data, &len) < 0) {
            /* too large or unreadable: listed, as a file with an error */
            fs_buf_adds(&b, "{\"file\":");
            fs_serve_json_str(&b, names[i]);
            fs_buf_adds(&b, ",\"organization\":null,\"town\":null,\"year\":null,"
                            "\"total\":null,\"qualified\":null,\"errors\":1,\"warnings\":0}");
            continue;
        }
        d = fs_serve_load(s, names[i], data, len, &diags, &err);
        fs_buf_adds(&b, "{\"file\":");
        fs_serve_json_str(&b, names[i]);
        if (d) {
            fs_result_sheet sheet;
            fs_score_dossier(d, d->rubric, &sheet);
            fs_buf_adds(&b, ",\"organization\":");
            fs_serve_json_str(&b, d->name.s);
            fs_buf_adds(&b, ",\"town\":");
            fs_serve_json_str(&b, d->town.s);
            fs_buf_printf(&b, ",\"year\":%d,\"total\":%s,\"qualified\":%s", d->year,
                          fs_tenths_format(sheet.total, x, sizeof x),
                          sheet.qualified ? "true" : "false");
        } else {
            fs_serve_peek(data, len, &org, &town, &year);
            fs_buf_adds(&b, ",\"organization\":");
            fs_serve_json_str(&b, org);
            fs_buf_adds(&b, ",\"town\":");
            fs_serve_json_str(&b, town);
            if (year)
                fs_buf_printf(&b, ",\"year\":%d", year);
            else
                fs_buf_adds(&b, ",\"year\":null");
            fs_buf_adds(&b, ",\"total\":null,\"qualified\":null");
        }
        fs_buf_printf(&b, ",\"errors\":%zu,\"warnings\":%zu}", diags.errors, diags.warnings);
        fs_dossier_free(d);
        fs_diags_clear(&diags);
        free(data);
        free(org);
        free(town);
    }
    fs_buf_adds(&b, "]");
    fs_serve_list_free(names, n);
    fs_serve_reply_json(rep, 200, &b);
}

/* GET /api/dossiers/NAME: the file as stored, with the ETag of the stored
 * bytes; with ?canonical=1 (the page) the same file with the values a
 * clerk typed (是, 五星级, 2019年4月12日 …) in their canonical spellings
 * (fs_dossier_normalize_text), still under the stored file's ETag. */
static void get(fs_serve *s, const char *name, const fs_serve_req *req, fs_serve_reply *rep)
{
    char *data, *norm = NULL;
    size_t len, nlen;
    fs_diags diags = {0};

    if (fs_serve_read(s, name, &data, &len) < 0) {
        read_failed(rep);
        return;
    }
    rep->status = 200;
    rep->type = "application/xml; charset=utf-8";
    rep->etag = fs_serve_etag(data, len);
    if (req->canonical && fs_dossier_normalize_text(name, data, len, &norm, &nlen, &diags) > 0) {
        free(data);
        data = norm;
        len = nlen;
    } else {
        free(norm);
    }
    fs_diags_clear(&diags);
    rep->data = data;
    rep->len = len;
}

/* Does the file NAME now stand where the request REQ says it expects it?
 * 0 when yes; else sets REP (409, or 404 for what is not a regular file). */
static int version_ok(fs_serve *s, const char *name, const fs_serve_req *req,
                      fs_serve_reply *rep)
{
    char *data = NULL, *tag = NULL;
    size_t len;
    int exists = fs_serve_read(s, name, &data, &len) == 0, rc = 0;

    if (!exists && errno != ENOENT) {
        read_failed(rep);
        return -1;
    }
    if (exists)
        tag = fs_serve_etag(data, len);
    if (req->if_none_match && strcmp(req->if_none_match, "*") == 0 && exists) {
        fs_serve_reply_error(rep, 409, "已有同名的档案文件，未覆盖：请换一个文件名");
        rc = -1;
    } else if (req->if_match && strcmp(req->if_match, "*") != 0 &&
               (!exists || strcmp(req->if_match, tag) != 0)) {
        fs_serve_reply_error(rep, 409, exists
            ? "此档案已在别处（另一个标签页或程序）修改并保存过，本页的内容不是最新的：未保存。"
              "请先把本页的改动另行记下，重新打开档案后再改"
            : "此档案已被删除或改名，未保存");
        rc = -1;
    }
    free(data);
    free(tag);
    return rc;
}

/* PUT /api/dossiers/NAME: a well-formed dossier of format 1 is saved even
 * with rule errors (a draft); anything else is refused with the file on
 * disk untouched. */
static void put(fs_serve *s, const char *name, const fs_serve_req *req,
                fs_serve_reply *rep)
{
    fs_diags diags = {0};
    fs_dossier *d;
    fs_error err;
    fs_buf b = {0};
    char *body = NULL;
    size_t len = 0;

    if (!fs_serve_name_ok(name)) {
        errno = EINVAL;
        read_failed(rep);
        return;
    }
    if (!fs_serve_wellformed(name, req->body, req->len, &diags)) {
        fs_diags_sort(&diags);
        error_diags(rep, 400, "不是格式正确的档案 XML，未保存（文件保持原样）", &diags);
        goto done;
    }
    if (version_ok(s, name, req, rep) < 0)
        goto done;
    /* Saved canonically: 是 → yes, 五星级 → 5, 2019年4月12日 → 2019-04-12. */
    if (fs_dossier_normalize_text(name, req->body, req->len, &body, &len, &diags) < 0) {
        body = fs_xmalloc(req->len + 1);
        memcpy(body, req->body, req->len);
        len = req->len;
    }
    fs_diags_clear(&diags);
    d = fs_serve_load(s, name, body, len, &diags, &err);
    fs_dossier_free(d);
    fs_diags_sort(&diags);
    if (fs_serve_save(s, name, body, len) < 0) {
        fs_buf_printf(&b, "无法保存档案：%s", fs_errno_cn(errno));
        fs_serve_reply_error(rep, errno == ELOOP || errno == EISDIR ? 404 : 500, b.s);
        fs_buf_free(&b);
        goto done;
    }
    fs_buf_adds(&b, "{\"saved\":true,\"diagnostics\":");
    fs_serve_json_diags(&b, &diags);
    fs_buf_adds(&b, "}");
    fs_serve_reply_json(rep, 200, &b);
    rep->etag = fs_serve_etag(body, len);
done:
    free(body);
    fs_diags_clear(&diags);
}

/* POST /api/dossiers/NAME/check: {"diagnostics":[…],"score":{…}|null}. */
static void check(fs_serve *s, const char *name, const fs_serve_req *req,
                  fs_serve_reply *rep)
{
    fs_diags diags = {0};
    fs_dossier *d = NULL;
    fs_error err;
    fs_buf b = {0};

    if (fs_serve_wellformed(name, req->body, req->len, &diags))
        d = fs_serve_load(s, name, req->body, req->len, &diags, &err);
    fs_diags_sort(&diags);
    fs_buf_adds(&b, "{\"diagnostics\":");
    fs_serve_json_diags(&b, &diags);
    fs_buf_adds(&b, ",\"score\":");
    if (d)
        fs_serve_score_json(&b, d);
    else
        fs_buf_adds(&b, "null");
    fs_buf_adds(&b, "}");
    fs_serve_reply_json(rep, 200, &b);
    fs_dossier_free(d);
    fs_diags_clear(&diags);
}

/* POST /api/dossiers/NAME/new: writes the blank dossier of `fivestar new`
 * as NAME unless it exists. */
static void create(fs_serve *s, const char *name, fs_serve_reply *rep)
{
    fs_serve_req req = {"PUT", NULL, NULL, 0, NULL, "*", 0, 0};
    fs_diags diags = {0};
    char *blank = fs_serve_blank(s, &diags);

    if (!blank) {
        error_diags(rep, 500, "无法生成空白档案", &diags);
        fs_diags_clear(&diags);
        return;
    }
    req.body = blank;
    req.len = strlen(blank);
    put(s, name, &req, rep);
    if (rep->status == 200)
        rep->status = 201;
    free(blank);
}

/* Appends S percent-encoded for a filename* parameter (RFC 5987). */
static void pct(fs_buf *b, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
            (*p >= '0' && *p <= '9') || strchr("-._~", *p))
            fs_buf_add(b, (const char *)p, 1);
        else
            fs_buf_printf(b, "%%%02X", *p);
    }
}

/* Content-Type and Content-Disposition of a document named FILE. */
static void document(fs_serve_reply *rep, const char *file, int download)
{
    fs_buf b = {0};
    size_t n = strlen(file);

    rep->type = n > 5 && strcmp(file + n - 5, ".docx") == 0 ? DOCX_TYPE : "application/pdf";
    fs_buf_adds(&b, download ? "attachment" : "inline");
    fs_buf_adds(&b, "; filename*=UTF-8''");
    pct(&b, file);
    rep->disposition = b.s;
}

/* GET /api/dossiers/NAME/forms/FORM. */
static void form(fs_serve *s, const char *name, const char *which,
                 const fs_serve_req *req, fs_serve_reply *rep)
{
    fs_diags diags = {0};
    fs_dossier *d = NULL;
    fs_error err;
    unsigned char *out = NULL;
    size_t len = 0, n = strlen(name);
    char *data = NULL, *file;

    if (fs_serve_read(s, name, &data, &len) < 0) {
        read_failed(rep);
        return;
    }
    d = fs_serve_load(s, name, data, len, &diags, &err);
    if (!d) {
        fs_diags_sort(&diags);
        error_diags(rep, 409, "档案有错误，不能生成表格：请先按下列问题改正并保存", &diags);
        goto done;
    }
    err = fs_serve_form(s, which, d, &out, &len, &diags);
    if (err == FS_E_USAGE) {
        fs_serve_reply_error(rep, 404, "没有这种表格：可用 评定标准.pdf、申报表.pdf、"
                                       "评定标准.docx、申报表.docx、创建流程图.pdf、动态管理流程图.pdf");
        goto done;
    }
    if (err != FS_OK) {
        fs_diags_sort(&diags);
        error_diags(rep, 500, "生成表格失败", &diags);
        goto done;
    }
    rep->status = 200;
    rep->data = (char *)out;
    rep->len = len;
    out = NULL;
    file = fs_printf("%.*s-%s", (int)(n - 4), name, which);
    document(rep, file, req->download);
    free(file);
done:
    free(out);
    free(data);
    fs_dossier_free(d);
    fs_diags_clear(&diags);
}

/* GET /api/dossiers/NAME/bundle.pdf: what `fivestar bundle DIR/NAME`
 * writes.  The dossier is loaded as DIR/NAME so that its evidence is found
 * beside it, as the command finds it. */
static void bundle(fs_serve *s, const char *name, const fs_serve_req *req,
                   fs_serve_reply *rep)
{
    fs_diags diags = {0};
    fs_dossier *d = NULL;
    fs_error err;
    unsigned char *out = NULL;
    size_t len = 0, n = strlen(name);
    char *data = NULL, *path = NULL, *file;

    if (fs_serve_read(s, name, &data, &len) < 0) {
        read_failed(rep);
        return;
    }
    path = fs_printf("%s/%s", s->dir, name);
    d = fs_serve_load(s, path, data, len, &diags, &err);
    if (!d) {
        fs_diags_sort(&diags);
        error_diags(rep, 409, "档案有错误，不能生成汇编：请先按下列问题改正并保存", &diags);
        goto done;
    }
    err = fs_lib_bundle(s->lib, d, 0, &out, &len, &diags);
    if (err != FS_OK) {
        fs_diags_sort(&diags);
        error_diags(rep, 500, "生成汇编失败", &diags);
        goto done;
    }
    rep->status = 200;
    rep->data = (char *)out;
    rep->len = len;
    out = NULL;
    file = fs_printf("%.*s-申报材料汇编.pdf", (int)(n - 4), name);
    document(rep, file, req->download);
    free(file);
done:
    free(out);
    free(data);
    free(path);
    fs_dossier_free(d);
    fs_diags_clear(&diags);
}

/* GET /api/stats.pdf and .docx: every valid dossier of DIR. */
static void stats(fs_serve *s, int docx, const fs_serve_req *req, fs_serve_reply *rep)
{
    char **names;
    size_t n = fs_serve_list(s, &names), k = 0, len = 0;
    fs_dossier **d = fs_xcalloc(n + 1, sizeof *d);
    fs_diags diags = {0};
    unsigned char *out = NULL;
    fs_error err;

    for (size_t i = 0; i < n; i++) {
        char *data;
        size_t dl;
        if (fs_serve_read(s, names[i], &data, &dl) < 0)
            continue;
        d[k] = fs_serve_load(s, names[i], data, dl, &diags, &err);
        if (d[k])
            k++;
        free(data);
    }
    fs_diags_clear(&diags);
    if (!k) {
        fs_serve_reply_error(rep, 409, "文件夹中没有可列入统计表的档案（有错误的档案不列入）");
        goto done;
    }
    err = fs_serve_stats(s, (const fs_dossier *const *)d, k, docx, &out, &len, &diags);
    if (err != FS_OK) {
        fs_diags_sort(&diags);
        error_diags(rep, 500, "生成统计表失败", &diags);
        goto done;
    }
    rep->status = 200;
    rep->data = (char *)out;
    rep->len = len;
    out = NULL;
    document(rep, docx ? "统计表.docx" : "统计表.pdf", req->download);
done:
    for (size_t i = 0; i < k; i++)
        fs_dossier_free(d[i]);
    free(d);
    free(out);
    fs_diags_clear(&diags);
    fs_serve_list_free(names, n);
}

/* Is METHOD M?  Else sets REP to 405. */
static int method(const fs_serve_req *req, const char *m, fs_serve_reply *rep)
{
    if (strcmp(req->method, m) == 0)
        return 1;
    fs_serve_reply_error(rep, 405, "不支持这种请求方法");
    return 0;
}

/* See fs-serve.h. */
void fs_serve_api(fs_serve *s, const fs_serve_req *req, fs_serve_reply *rep)
{
    const char *p = req->path;
    char *name = NULL;
    const char *rest;

    if (strcmp(p, "/api/dossiers") == 0 || strcmp(p, "/api/dossiers/") == 0) {
        if (method(req, "GET", rep))
            list(s, rep);
        return;
    }
    if (strcmp(p, "/api/stats.pdf") == 0 || strcmp(p, "/api/stats.docx") == 0) {
        if (method(req, "GET", rep))
            stats(s, p[11] == 'd', req, rep);
        return;
    }
    if (strncmp(p, "/api/rubric/", 12) == 0) {
        fs_buf b = {0};
        if (!method(req, "GET", rep))
            return;
        if (fs_serve_rubric_json(s, p + 12, &b) < 0) {
            fs_buf_free(&b);
            fs_serve_reply_error(rep, 404, "没有这个评定标准");
            return;
        }
        fs_serve_reply_json(rep, 200, &b);
        rep->cache = 1;
        return;
    }
    if (strncmp(p, "/api/dossiers/", 14) != 0) {
        fs_serve_reply_error(rep, 404, "没有这个地址");
        return;
    }
    p += 14;
    rest = strchr(p, '/');
    name = rest ? fs_printf("%.*s", (int)(rest - p), p) : fs_strdup(p);
    if (!fs_serve_name_ok(name)) {
        errno = EINVAL;
        read_failed(rep);
    } else if (!rest) {
        if (strcmp(req->method, "GET") == 0)
            get(s, name, req, rep);
        else if (method(req, "PUT", rep))
            put(s, name, req, rep);
    } else if (strcmp(rest, "/check") == 0) {
        if (method(req, "POST", rep))
            check(s, name, req, rep);
    } else if (strcmp(rest, "/new") == 0) {
        if (method(req, "POST", rep))
            create(s, name, rep);
    } else if (strcmp(rest, "/bundle.pdf") == 0) {
        if (method(req, "GET", rep))
            bundle(s, name, req, rep);
    } else if (strncmp(rest, "/forms/", 7) == 0) {
        if (method(req, "GET", rep))
            form(s, name, rest + 7, req, rep);
    } else {
        fs_serve_reply_error(rep, 404, "没有这个地址");
    }
    free(name);
}
