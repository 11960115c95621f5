/*
 * fs-archive-verify.c - checking a yearly archive (fivestar.h,
 * fs_archive_verify; `fivestar archive --verify OUT.zip`): every member's
 * size and SHA-256 recomputed and compared with the manifest, and every
 * missing, extra or altered member named.  The manifest is read with the
 * small JSON reader below (strings, numbers kept as written, nesting
 * bounded).
 */
#define _GNU_SOURCE
#include "fs-lib-private.h"
#include "fs-sha256.h"
#include "fs-cn.h"
#include "fs-zipmsg.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zip.h>

#define MANIFEST FS_ARCHIVE_MANIFEST
#define MANIFEST_MAX (64L * 1024 * 1024)
#define JSON_DEPTH 32

/* ------------------------------------------------------------------------
 * JSON.
 * ---------------------------------------------------------------------- */

typedef struct jval {
    char type;                  /* o(bject) a(rray) s(tring) n(umber)
                                   t(rue) f(alse) z (null)                 */
    char *str;                  /* strings; numbers as written             */
    struct jval *kids;
    char **keys;                /* objects                                 */
    size_t n;
} jval;

/* Frees what V holds. */
static void jfree(jval *v)
{
    for (size_t i = 0; i < v->n; i++) {
        jfree(&v->kids[i]);
        if (v->keys)
            free(v->keys[i]);
    }
    free(v->kids);
    free(v->keys);
    free(v->str);
}

/* Skips JSON white space at *P. */
static void jspace(const char **p)
{
    while (**p == ' ' || **p == '\t' || **p == '\n' || **p == '\r')
        (*p)++;
}

/* Reads four hex digits at P into *OUT; 0 or -1. */
static int jhex4(const char *p, unsigned *out)
{
    unsigned v = 0;

    for (int i = 0; i < 4; i++) {
        char c = p[i];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= (unsigned)(c - 'A' + 10);
        else
            return -1;
    }
    *out = v;
    return 0;
}

/* Reads a JSON string at *P (at its quote) into *OUT (malloc'd UTF-8). */
static int jstring(const char **p, char **out)
{
    fs_buf b = {0};
    const char *s = *p + 1;

    fs_buf_adds(&b, "");
    for (;;) {
        unsigned char c = (unsigned char)*s;
        if (c == '"')
            break;
        if (c < 0x20)
            goto fail;
        if (c != '\\') {
            fs_buf_add(&b, s++, 1);
            continue;
        }
        s++;
        switch (*s) {
        case '"': case '\\': case '/': fs_buf_add(&b, s, 1); break;
        case 'b': fs_buf_adds(&b, "\b"); break;
        case 'f': fs_buf_adds(&b, "\f"); break;
        case 'n': fs_buf_adds(&b, "\n"); break;
        case 'r': fs_buf_adds(&b, "\r"); break;
        case 't': fs_buf_adds(&b, "\t"); break;
        case 'u': {
            unsigned u, lo;
            char enc[4];
            if (jhex4(s + 1, &u) < 0)
                goto fail;
            s += 4;
            if (u >= 0xD800 && u < 0xDC00 && s[1] == '\\' && s[2] == 'u' &&
                jhex4(s + 3, &lo) == 0 && lo >= 0xDC00 && lo < 0xE000) {
                u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
                s += 6;
            }
            fs_buf_add(&b, enc, fs_utf8_encode(u, enc));
            break;
        }
        default:
            goto fail;
        }
        s++;
    }
    *p = s + 1;
    *out = b.s;
    return 0;
fail:
    fs_buf_free(&b);
    return -1;
}

/* Parses one JSON value at *P into V (DEPTH levels may follow).  Returns
 * 0, or -1 with V holding what was read so far (free it with jfree). */
static int jparse(const char **p, jval *v, int depth)
{
    memset(v, 0, sizeof *v);
    jspace(p);
    if (depth <= 0)
        return -1;
    if (**p == '{' || **p == '[') {
        char close = **p == '{' ? '}' : ']';
        v->type = **p == '{' ? 'o' : 'a';
        (*p)++;
        jspace(p);
        if (**p == close) {
            (*p)++;
            return 0;
        }
        for (;;) {
            char *key = NULL;
            jspace(p);
            if (v->type == 'o') {
                if (**p != '"' || jstring(p, &key) < 0)
                    return -1;
                jspace(p);
                if (*(*p)++ != ':') {
                    free(key);
                    return -1;
                }
            }
            v->kids = fs_xrealloc(v->kids, (v->n + 1) * sizeof *v->kids);
            if (v->type == 'o') {
                v->keys = fs_xrealloc(v->keys, (v->n + 1) * sizeof *v->keys);
                v->keys[v->n] = key;
            }
            if (jparse(p, &v->kids[v->n++], depth - 1) < 0)
                return -1;
            jspace(p);
            if (**p == ',') {
                (*p)++;
                continue;
            }
            if (*(*p)++ != close)
                return -1;
            return 0;
        }
    }
    if (**p == '"') {
        v->type = 's';
        return jstring(p, &v->str);
    }
    if (strncmp(*p, "true", 4) == 0 || strncmp(*p, "null", 4) == 0) {
        v->type = **p == 't' ? 't' : 'z';
        *p += 4;
        return 0;
    }
    if (strncmp(*p, "false", 5) == 0) {
        v->type = 'f';
        *p += 5;
        return 0;
    }
    if (**p == '-' || (**p >= '0' && **p <= '9')) {
        char *end;
        v->type = 'n';
        (void)strtod(*p, &end);
        v->str = fs_printf("%.*s", (int)(end - *p), *p);
        *p = end;
        return 0;
    }
    return -1;
}

/* The member KEY of object O, or NULL. */
static const jval *jget(const jval *o, const char *key)
{
    if (!o || o->type != 'o')
        return NULL;
    for (size_t i = 0; i < o->n; i++)
        if (strcmp(o->keys[i], key) == 0)
            return &o->kids[i];
    return NULL;
}

/* ------------------------------------------------------------------------
 * Verifying.
 * ---------------------------------------------------------------------- */

/* Reads member INDEX of ZA, hashing it into HEX and counting its bytes
 * into *SIZE.  Returns 0, or -1 with libzip's reason in *WHY (a CRC error
 * when the stored bytes were changed). */
static int hash_member(zip_t *za, zip_uint64_t index, char hex[2 * FS_SHA256_LEN + 1],
                       zip_uint64_t *size, const char **why)
{
    zip_file_t *zf = zip_fopen_index(za, index, 0);
    unsigned char buf[65536], d[FS_SHA256_LEN];
    fs_sha256 c;
    zip_int64_t n;
    int rc = 0;

    *size = 0;
    if (!zf) {
        *why = fs_zip_cn(zip_get_error(za));
        return -1;
    }
    fs_sha256_init(&c);
    while ((n = zip_fread(zf, buf, sizeof buf)) > 0) {
        fs_sha256_update(&c, buf, (size_t)n);
        *size += (zip_uint64_t)n;
    }
    if (n < 0) {
        *why = fs_zip_cn(zip_file_get_error(zf));
        rc = -1;
    }
    fs_sha256_final(&c, d);
    fs_sha256_tohex(d, hex);
    zip_fclose(zf);
    return rc;
}

/* Reads and parses the manifest of ZA into *MF and its SHA-256 into HEX;
 * 0 or -1 with a diagnostic. */
static int read_manifest(zip_t *za, const char *path, jval *mf,
                         char hex[2 * FS_SHA256_LEN + 1], fs_diags *diags)
{
    zip_int64_t idx = zip_name_locate(za, MANIFEST, 0);
    zip_stat_t st;
    zip_file_t *zf;
    char *text;
    const char *p;
    zip_int64_t n;
    int rc = -1;

    memset(mf, 0, sizeof *mf);
    if (idx < 0 || zip_stat_index(za, (zip_uint64_t)idx, 0, &st) < 0 ||
        !(st.valid & ZIP_STAT_SIZE) || st.size > (zip_uint64_t)MANIFEST_MAX) {
        fs_diags_add(diags, path, 0, FS_ERROR, "缺少清单 %s，无法核验", MANIFEST);
        return -1;
    }
    text = fs_xmalloc((size_t)st.size + 1);
    zf = zip_fopen_index(za, (zip_uint64_t)idx, 0);
    n = zf ? zip_fread(zf, text, st.size) : -1;
    if (zf)
        zip_fclose(zf);
    if (n != (zip_int64_t)st.size) {
        fs_diags_add(diags, path, 0, FS_ERROR, "清单 %s 无法读出（已损坏）", MANIFEST);
        goto done;
    }
    text[st.size] = '\0';
    fs_sha256_hex(text, (size_t)st.size, hex);
    p = text;
    if (jparse(&p, mf, JSON_DEPTH) < 0 || mf->type != 'o' ||
        !jget(mf, "members") || jget(mf, "members")->type != 'a') {
        fs_diags_add(diags, path, 0, FS_ERROR, "清单 %s 格式有误，无法核验", MANIFEST);
        goto done;
    }
    rc = 0;
done:
    free(text);
    return rc;
}

/* Checks the archive PATH against its manifest; see fivestar.h. */
fs_error fs_archive_verify(const char *path, fs_archive_info *info,
                           fs_diags *diags)
{
    jval mf;
    zip_t *za;
    int zerr = 0;
    size_t errors = diags->errors;
    fs_error status = FS_OK;
    const jval *members, *date, *version, *rubrics;
    zip_int64_t count;
    char *seen = NULL;
    struct stat sb;

    memset(&mf, 0, sizeof mf);
    memset(info, 0, sizeof *info);
    if (stat(path, &sb) < 0) {
        fs_diags_add(diags, path, 0, FS_ERROR, "无法读取：%s", fs_errno_cn(errno));
        return FS_E_IO;
    }
    za = zip_open(path, ZIP_RDONLY | ZIP_CHECKCONS, &zerr);
    if (!za) {
        zip_error_t ze;
        zip_error_init_with_code(&ze, zerr);
        if (zerr == ZIP_ER_EXISTS)      /* two entries of one name */
            fs_diags_add(diags, path, 0, FS_ERROR,
                         "档案包中有两个同名的文件（常见原因：解压后改动了文件，又用压缩软件放回包中）："
                         "这已不是 fivestar 生成的原样档案包，不能作为核验依据；请找回原档案包");
        else
            fs_diags_add(diags, path, 0, FS_ERROR, "不是完好的 zip 档案包：%s", fs_zip_cn(&ze));
        zip_error_fini(&ze);
        return zerr == ZIP_ER_OPEN || zerr == ZIP_ER_READ ? FS_E_IO : FS_E_INVALID;
    }
    if (read_manifest(za, path, &mf, info->manifest_sha256, diags) < 0) {
        status = FS_E_INVALID;
        goto done;
    }
    members = jget(&mf, "members");
    count = zip_get_num_entries(za, 0);
    seen = fs_xcalloc(members->n + 1, 1);
    for (zip_int64_t i = 0; i < count; i++) {
        const char *name = zip_get_name(za, (zip_uint64_t)i, 0);
        const jval *entry = NULL;
        const jval *hash, *size;
        char hex[2 * FS_SHA256_LEN + 1], got_text[24];
        zip_uint64_t got;
        const char *why = NULL;

        if (!name || strcmp(name, MANIFEST) == 0)
            continue;
        for (size_t k = 0; k < members->n && !entry; k++) {
            const jval *nm = jget(&members->kids[k], "name");
            if (nm && nm->type == 's' && strcmp(nm->str, name) == 0 && !seen[k]) {
                entry = &members->kids[k];
                seen[k] = 1;
            }
        }
        if (!fs_names_member_ok(name)) {
            fs_diags_add(diags, path, 0, FS_ERROR, "成员名不安全：%s（绝对路径、含“..”、“\\”或控制字符，"
                         "解开时可能写到档案包以外）", name);
            continue;
        }
        if (!entry) {
            fs_diags_add(diags, path, 0, FS_ERROR, "多出成员：%s（清单中没有）", name);
            continue;
        }
        hash = jget(entry, "sha256");
        size = jget(entry, "size");
        if (hash_member(za, (zip_uint64_t)i, hex, &got, &why) < 0) {
            fs_diags_add(diags, path, 0, FS_ERROR, "文件已被改动：%s（数据损坏：%s）；档案包已不是原样，请找回原档案包或重新归档", name, why);
            continue;
        }
        snprintf(got_text, sizeof got_text, "%llu", (unsigned long long)got);
        if (!hash || hash->type != 's' || strcmp(hash->str, hex) != 0)
            fs_diags_add(diags, path, 0, FS_ERROR, "文件已被改动：%s（SHA-256 与清单不符）；档案包已不是原样，请找回原档案包或重新归档", name);
        else if (!size || size->type != 'n' || strcmp(size->str, got_text) != 0)
            fs_diags_add(diags, path, 0, FS_ERROR, "文件已被改动：%s（大小 %s 字节与清单不符）；档案包已不是原样，请找回原档案包或重新归档",
                         name, got_text);
    }
    for (size_t k = 0; k < members->n; k++) {
        const jval *nm = jget(&members->kids[k], "name");
        if (!seen[k])
            fs_diags_add(diags, path, 0, FS_ERROR, "缺少成员：%s（清单中有，档案包中没有）",
                         nm && nm->type == 's' ? nm->str : "?");
    }
    if (diags->errors > errors) {
        status = FS_E_INVALID;
        goto done;
    }
    date = jget(&mf, "date");
    version = jget(&mf, "fivestar");
    rubrics = jget(&mf, "rubrics");
    info->members = members->n;
    info->version = fs_strdup(version && version->type == 's' ? version->str : "?");
    info->date = fs_strdup(date && date->type == 's' ? date->str : "?");
    for (size_t k = 0; rubrics && rubrics->type == 'a' && k < rubrics->n; k++)
        if (rubrics->kids[k].type == 's') {
            info->rubrics = fs_xrealloc(info->rubrics, (info->nrubrics + 1) * sizeof *info->rubrics);
            info->rubrics[info->nrubrics++] = fs_strdup(rubrics->kids[k].str);
        }
done:
    free(seen);
    jfree(&mf);
    zip_discard(za);
    return status;
}

/* Frees what INFO holds; see fivestar.h. */
void fs_archive_info_clear(fs_archive_info *info)
{
    free(info->version);
    free(info->date);
    for (size_t k = 0; k < info->nrubrics; k++)
        free(info->rubrics[k]);
    free(info->rubrics);
    memset(info, 0, sizeof *info);
}
