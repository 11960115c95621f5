/*
 * fs-archive.c - the yearly archive: fivestar archive FILE... -o OUT.zip
 * and fivestar archive --verify OUT.zip.
 *
 * Layout of the archive, in this member order:
 *
 *   统计表.pdf, 统计表.docx          the 统计表 of every dossier archived
 *   NAME/NAME.xml                     each dossier as given (NAME: its file
 *   NAME/评定标准.pdf, .docx            name less .xml; folders sorted by
 *   NAME/申报表.pdf, .docx              name), its forms (PDF/A-1b), and
 *   NAME/PATH                         the evidence files it names that
 *                                     exist, at their path below its folder
 *   manifest.json                     fivestar version, date, rubrics, the
 *                                     dossiers, and the size and SHA-256 of
 *                                     every other member
 *
 * Deterministic: members are stored (no compression, so no dependence on
 * the zlib version), with the same order, DOS time (the date, 00:00),
 * attributes and names on every run; the date is --date or the newest
 * application date, never the clock.  Identical inputs give identical
 * bytes.
 *
 * Memory: each member is produced when libzip asks for its size (a form
 * rendered, a file read), hashed, handed over and freed, so a run holds
 * the dossiers and one member at a time.  The manifest is the last member,
 * made once all the others are hashed.
 *
 * Evidence paths were checked by the dossier loader (relative, no "..").
 * They are still opened one segment at a time with openat and O_NOFOLLOW
 * from the dossier's folder, so no symbolic link can lead outside it, and
 * only regular files of at most 256 MiB are taken; the others are
 * reported and listed in the manifest as not archived.
 */
#define _GNU_SOURCE
#include "fs-cli.h"
#include "fs-file.h"
#include "fs-lib-private.h"
#include "fs-sha256.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#define MANIFEST "manifest.json"
#define MANIFEST_MAX (64L * 1024 * 1024)
#define EVIDENCE_MAX (256L * 1024 * 1024)
#define JSON_DEPTH 32

static const char *const form_names[2][2] = {
    {"评定标准.pdf", "评定标准.docx"}, {"申报表.pdf", "申报表.docx"},
};

/* ------------------------------------------------------------------------
 * The run.
 * ---------------------------------------------------------------------- */

typedef enum mkind { M_STATS, M_DOSSIER, M_FORM, M_EVIDENCE, M_MANIFEST } mkind;

struct actx;

/* One member of the archive and, while libzip reads it, its bytes. */
typedef struct member {
    struct actx *a;
    mkind kind;
    char *name;                 /* path in the archive                     */
    size_t dossier;             /* M_DOSSIER, M_FORM, M_EVIDENCE           */
    int form, docx;             /* M_FORM (0 评定标准, 1 申报表), M_STATS    */
    char *href;                 /* M_EVIDENCE: path below the folder       */
    long line;                  /* M_EVIDENCE: dossier line                */
    unsigned char *data;
    size_t len, pos;
    int done;                   /* SIZE and SHA are known                  */
    size_t size;
    char sha[2 * FS_SHA256_LEN + 1];
    zip_error_t zerr;
} member;

/* A dossier to archive. */
typedef struct adossier {
    const char *file;           /* as given                                */
    char *dir;                  /* its folder                              */
    char *name;                 /* folder in the archive                   */
    fs_dossier *d;
    const fs_rubric *r;
    char **missing;             /* evidence not archived, for the manifest */
    size_t nmissing;
} adossier;

typedef struct actx {
    fs_lib *b;
    fs_progress pr;
    const char *out;
    fs_diags diags;             /* of member production                    */
    adossier *dos;
    size_t ndos;
    fs_stats_row *rows;         /* the 统计表's, sorted                     */
    fs_date date;
    member *m;
    size_t nm;
    fs_error err;               /* first failure inside libzip's calls     */
    size_t shown;               /* dossiers announced on the progress line */
} actx;

/* ------------------------------------------------------------------------
 * JSON: the manifest is written here and read back by --verify.
 * ---------------------------------------------------------------------- */

/* Appends S to B as a JSON string. */
static void json_str(fs_buf *b, const char *s)
{
    fs_buf_adds(b, "\"");
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        if (*p == '"' || *p == '\\')
            fs_buf_printf(b, "\\%c", *p);
        else if (*p == '\n')
            fs_buf_adds(b, "\\n");
        else if (*p < 0x20)
            fs_buf_printf(b, "\\u%04x", *p);
        else
            fs_buf_add(b, (const char *)p, 1);
    }
    fs_buf_adds(b, "\"");
}

typedef struct jval {
    char type;                  /* o(bject) a(rray) s(tring) n(umber)
                                   t(rue) f(alse) z (null)                 */
    char *str;
    double num;
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
        v->num = strtod(*p, &end);
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
 * Producing the members.
 * ---------------------------------------------------------------------- */

/* The manifest: what the archive holds and how to check it. */
static void manifest(actx *a, fs_buf *b)
{
    char date[16];

    snprintf(date, sizeof date, "%04d-%02d-%02d", a->date.y, a->date.m, a->date.d);
    fs_buf_adds(b, "{\n  \"format\": \"fivestar-archive 1\",\n  \"fivestar\": ");
    json_str(b, FS_VERSION);
    fs_buf_adds(b, ",\n  \"date\": ");
    json_str(b, date);
    fs_buf_adds(b, ",\n  \"rubrics\": [");
    for (size_t i = 0, k = 0; i < a->ndos; i++) {
        size_t j = 0;
        while (j < i && strcmp(a->dos[j].r->id, a->dos[i].r->id) != 0)
            j++;
        if (j < i)
            continue;                   /* listed already */
        fs_buf_adds(b, k++ ? ", " : "");
        json_str(b, a->dos[i].r->id);
    }
    fs_buf_adds(b, "],\n  \"hash\": \"sha256\",\n  \"dossiers\": [\n");
    for (size_t i = 0; i < a->ndos; i++) {
        const adossier *x = &a->dos[i];
        const char *base = strrchr(x->file, '/');
        fs_result_sheet s;
        char total[24];

        fs_score_dossier(x->d, x->r, &s);
        fs_buf_adds(b, "    {\"folder\": ");
        json_str(b, x->name);
        fs_buf_adds(b, ", \"file\": ");
        json_str(b, base ? base + 1 : x->file);
        fs_buf_adds(b, ", \"organization\": ");
        json_str(b, x->d->name.s);
        fs_buf_adds(b, ", \"town\": ");
        json_str(b, x->d->town.s);
        fs_buf_printf(b, ", \"year\": %d, \"rubric\": ", x->d->year);
        json_str(b, x->r->id);
        fs_buf_printf(b, ", \"total\": %s, \"evidence_missing\": [",
                      fs_tenths_format(s.total, total, sizeof total));
        for (size_t k = 0; k < x->nmissing; k++) {
            fs_buf_adds(b, k ? ", " : "");
            json_str(b, x->missing[k]);
        }
        fs_buf_printf(b, "]}%s\n", i + 1 < a->ndos ? "," : "");
    }
    fs_buf_adds(b, "  ],\n  \"members\": [\n");
    for (size_t i = 0; i < a->nm; i++) {
        const member *m = &a->m[i];
        if (m->kind == M_MANIFEST)
            continue;
        fs_buf_adds(b, "    {\"name\": ");
        json_str(b, m->name);
        fs_buf_printf(b, ", \"size\": %zu, \"sha256\": \"%s\"}%s\n", m->size, m->sha,
                      i + 2 < a->nm ? "," : "");
    }
    fs_buf_adds(b, "  ]\n}\n");
}

/* Renders form M->form of M's dossier (or the 统计表) in M's format. */
static fs_error produce_doc(member *m, unsigned char **data, size_t *len)
{
    actx *a = m->a;
    fs_doc *doc = NULL;
    fs_error err = FS_OK;

    if (m->kind == M_STATS) {
        doc = fs_stats_doc(a->b, a->rows, a->ndos, m->name, &a->diags, &err);
    } else {
        const adossier *x = &a->dos[m->dossier];
        doc = fs_lib_build(a->b, fs_forms_table_find(m->form ? "application" : "scoresheet"),
                           x->d, &a->diags, &err);
    }
    if (doc) {
        fs_render_options ro = {m->docx ? FS_FORMAT_DOCX : FS_FORMAT_PDF, 1, 0};
        err = fs_lib_render(a->b, doc, &ro, m->name, data, len, &a->diags);
    }
    fs_doc_free(doc);
    return err;
}

/* Makes M's bytes, hashes them and records size and SHA-256.  Returns 0,
 * or -1 with the cause in M->zerr and the run's error set. */
static int produce(member *m)
{
    actx *a = m->a;
    fs_error err = FS_OK;
    fs_buf mf = {0};
    int fd;

    free(m->data);
    m->data = NULL;
    m->len = 0;
    switch (m->kind) {
    case M_STATS:
    case M_FORM:
        if (m->kind == M_FORM && a->shown <= m->dossier) {
            a->shown = m->dossier + 1;
            fs_progress_show(&a->pr, a->shown, a->ndos, a->dos[m->dossier].file);
        }
        err = produce_doc(m, &m->data, &m->len);
        break;
    case M_DOSSIER:
        fd = open(a->dos[m->dossier].file, O_RDONLY | O_CLOEXEC);
        if (fd < 0 || fs_file_read_fd(fd, FS_MAX_FILE_BYTES, &m->data, &m->len) < 0) {
            fs_diags_add(&a->diags, a->dos[m->dossier].file, 0, FS_ERROR,
                         "无法读取：%s", strerror(errno));
            err = FS_E_IO;
        }
        if (fd >= 0)
            close(fd);
        break;
    case M_EVIDENCE:
        fd = fs_file_open_below(a->dos[m->dossier].dir, m->href);
        if (fd < 0 || fs_file_read_fd(fd, EVIDENCE_MAX, &m->data, &m->len) < 0) {
            fs_diags_add(&a->diags, a->dos[m->dossier].file, m->line, FS_ERROR,
                         "佐证材料 %s 在归档时无法读取：%s", m->href, strerror(errno));
            err = FS_E_IO;
        }
        if (fd >= 0)
            close(fd);
        break;
    case M_MANIFEST:
        for (size_t i = 0; i < a->nm; i++)
            if (a->m[i].kind != M_MANIFEST && !a->m[i].done) {
                fs_diags_add(&a->diags, a->out, 0, FS_ERROR,
                             "内部错误：清单先于成员 %s 生成", a->m[i].name);
                err = FS_E_ZIP;
            }
        if (!err) {
            manifest(a, &mf);
            m->data = (unsigned char *)mf.s;
            m->len = mf.len;
        }
        break;
    }
    if (err) {
        free(m->data);
        m->data = NULL;
        if (!a->err)
            a->err = err;
        zip_error_set(&m->zerr, ZIP_ER_INTERNAL, 0);
        return -1;
    }
    if (m->done && m->len != m->size) {
        fs_diags_add(&a->diags, a->out, 0, FS_ERROR, "成员 %s 两次生成的内容不同", m->name);
        a->err = a->err ? a->err : FS_E_ZIP;
        zip_error_set(&m->zerr, ZIP_ER_INTERNAL, 0);
        return -1;
    }
    fs_sha256_hex(m->data, m->len, m->sha);
    m->size = m->len;
    m->done = 1;
    return 0;
}

/* libzip's source callback for member UD: its bytes are made when libzip
 * first asks for its size or opens it, and freed when it is closed. */
static zip_int64_t member_cb(void *ud, void *data, zip_uint64_t len, zip_source_cmd_t cmd)
{
    member *m = ud;
    zip_stat_t *st;
    size_t n;

    switch (cmd) {
    case ZIP_SOURCE_SUPPORTS:
        return ZIP_SOURCE_SUPPORTS_READABLE;
    case ZIP_SOURCE_STAT:
        if ((st = ZIP_SOURCE_GET_ARGS(zip_stat_t, data, len, &m->zerr)) == NULL)
            return -1;
        if (!m->done && produce(m) < 0)
            return -1;
        zip_stat_init(st);
        st->valid = ZIP_STAT_SIZE;
        st->size = m->size;
        return sizeof *st;
    case ZIP_SOURCE_OPEN:
        if (!m->data && produce(m) < 0)
            return -1;
        m->pos = 0;
        return 0;
    case ZIP_SOURCE_READ:
        n = m->len - m->pos < len ? m->len - m->pos : (size_t)len;
        memcpy(data, m->data + m->pos, n);
        m->pos += n;
        return (zip_int64_t)n;
    case ZIP_SOURCE_CLOSE:
    case ZIP_SOURCE_FREE:
        free(m->data);
        m->data = NULL;
        return 0;
    case ZIP_SOURCE_ERROR:
        return zip_error_to_data(&m->zerr, data, len);
    default:
        zip_error_set(&m->zerr, ZIP_ER_OPNOTSUPP, 0);
        return -1;
    }
}

/* ------------------------------------------------------------------------
 * Planning the archive.
 * ---------------------------------------------------------------------- */

/* Appends a member of KIND named NAME (taken over) to A. */
static member *add_member(actx *a, mkind kind, char *name, size_t dossier)
{
    member *m;

    a->m = fs_xrealloc(a->m, (a->nm + 1) * sizeof *a->m);
    m = &a->m[a->nm++];
    memset(m, 0, sizeof *m);
    m->kind = kind;
    m->name = name;
    m->dossier = dossier;
    zip_error_init(&m->zerr);
    return m;
}

/* qsort order of evidence members by name. */
static int member_cmp(const void *x, const void *y)
{
    return strcmp(((const member *)x)->name, ((const member *)y)->name);
}

/* Plans the evidence of dossier I: each distinct href that opens as a
 * regular file below its folder becomes a member, sorted; the others are
 * reported (warnings) and listed as missing in the manifest. */
static void plan_evidence(actx *a, size_t i)
{
    adossier *x = &a->dos[i];
    const fs_dossier *d = x->d;
    const char *base = strrchr(x->file, '/') ? strrchr(x->file, '/') + 1 : x->file;
    size_t first = a->nm;
    for (size_t k = 0; k < x->r->nitems && k < FS_MAX_ITEMS; k++)
        for (size_t e = 0; e < d->scores[k].nevidence; e++) {
            const fs_evidence *ev = &d->scores[k].evidence[e];
            char *href, *name;
            int fd, dup = 0, clash;
            struct stat sb;

            if (!ev->href)
                continue;
            href = fs_file_normal_href(ev->href);
            name = fs_printf("%s/%s", x->name, href);
            for (size_t j = first; j < a->nm && !dup; j++)
                dup = strcmp(a->m[j].name, name) == 0;
            for (size_t j = 0; j < x->nmissing && !dup; j++)
                dup = strcmp(x->missing[j], href) == 0;
            clash = strcmp(href, base) == 0;
            for (int f = 0; f < 4; f++)
                clash |= strcmp(href, form_names[f / 2][f % 2]) == 0;
            if (dup) {
                free(href);
                free(name);
                continue;
            }
            fd = clash ? -1 : fs_file_open_below(x->dir, href);
            if (fd >= 0 && (fstat(fd, &sb) < 0 || sb.st_size > EVIDENCE_MAX)) {
                close(fd);
                fd = -1;
                errno = EFBIG;
            }
            if (fd < 0) {
                if (clash)
                    fs_diags_add(&a->diags, x->file, ev->line, FS_WARNING,
                                 "佐证材料 %s 与档案包中表格或档案本身同名，未收入档案包", href);
                else if (errno == ELOOP || errno == ENOTDIR)
                    fs_diags_add(&a->diags, x->file, ev->line, FS_WARNING,
                                 "佐证材料 %s 经过符号链接，未收入档案包（只收入档案所在文件夹内的普通文件）", href);
                else if (errno == EINVAL)
                    fs_diags_add(&a->diags, x->file, ev->line, FS_WARNING,
                                 "佐证材料 %s 不是普通文件，未收入档案包", href);
                else if (errno == EFBIG)
                    fs_diags_add(&a->diags, x->file, ev->line, FS_WARNING,
                                 "佐证材料 %s 超过 %ld MiB，未收入档案包", href,
                                 EVIDENCE_MAX / (1024 * 1024));
                else
                    fs_diags_add(&a->diags, x->file, ev->line, FS_WARNING,
                                 "佐证材料 %s 无法打开（%s），未收入档案包", href, strerror(errno));
                x->missing = fs_xrealloc(x->missing, (x->nmissing + 1) * sizeof *x->missing);
                x->missing[x->nmissing++] = href;
                free(name);
                continue;
            }
            close(fd);
            member *m = add_member(a, M_EVIDENCE, name, i);
            m->href = href;
            m->line = ev->line;
        }
    qsort(a->m + first, a->nm - first, sizeof *a->m, member_cmp);
}

/* Plans every member in archive order (see the top of this file). */
static void plan(actx *a)
{
    for (int docx = 0; docx < 2; docx++)
        add_member(a, M_STATS, fs_strdup(docx ? "统计表.docx" : "统计表.pdf"), 0)->docx = docx;
    for (size_t i = 0; i < a->ndos; i++) {
        const adossier *x = &a->dos[i];
        const char *base = strrchr(x->file, '/');

        add_member(a, M_DOSSIER, fs_printf("%s/%s", x->name, base ? base + 1 : x->file), i);
        for (int f = 0; f < 2; f++)
            for (int docx = 0; docx < 2; docx++) {
                member *m = add_member(a, M_FORM, fs_printf("%s/%s", x->name, form_names[f][docx]), i);
                m->form = f;
                m->docx = docx;
            }
        plan_evidence(a, i);
    }
    add_member(a, M_MANIFEST, fs_strdup(MANIFEST), 0);
    for (size_t i = 0; i < a->nm; i++)
        a->m[i].a = a;
}

/* qsort order of dossiers by folder name. */
static int dossier_cmp(const void *x, const void *y)
{
    return strcmp(((const adossier *)x)->name, ((const adossier *)y)->name);
}

/* Writes the planned archive to A->out with libzip.  Returns FS_OK, or an
 * error with diagnostics (the output is then left as it was). */
static fs_error write_zip(actx *a)
{
    zip_t *za;
    int zerr = 0;
    zip_uint16_t ddate, dtime = 0;
    int y = a->date.y < 1980 ? 1980 : a->date.y > 2107 ? 2107 : a->date.y;

    ddate = (zip_uint16_t)((y - 1980) << 9 | a->date.m << 5 | a->date.d);
    za = zip_open(a->out, ZIP_CREATE | ZIP_TRUNCATE, &zerr);
    if (!za) {
        zip_error_t ze;
        zip_error_init_with_code(&ze, zerr);
        fs_diags_add(&a->diags, a->out, 0, FS_ERROR, "无法创建档案包：%s", zip_error_strerror(&ze));
        zip_error_fini(&ze);
        return FS_E_IO;
    }
    for (size_t i = 0; i < a->nm; i++) {
        member *m = &a->m[i];
        zip_source_t *src = zip_source_function(za, member_cb, m);
        zip_int64_t idx = src ? zip_file_add(za, m->name, src, ZIP_FL_ENC_UTF_8) : -1;

        if (idx < 0) {
            zip_source_free(src);
            fs_diags_add(&a->diags, a->out, 0, FS_ERROR, "无法加入成员 %s：%s", m->name,
                         zip_strerror(za));
            zip_discard(za);
            return FS_E_ZIP;
        }
        if (zip_set_file_compression(za, (zip_uint64_t)idx, ZIP_CM_STORE, 0) < 0 ||
            zip_file_set_dostime(za, (zip_uint64_t)idx, dtime, ddate, 0) < 0 ||
            zip_file_set_external_attributes(za, (zip_uint64_t)idx, 0, ZIP_OPSYS_UNIX,
                                             (zip_uint32_t)0100644 << 16) < 0) {
            fs_diags_add(&a->diags, a->out, 0, FS_ERROR, "无法设置成员 %s：%s", m->name,
                         zip_strerror(za));
            zip_discard(za);
            return FS_E_ZIP;
        }
    }
    if (zip_close(za) < 0) {
        if (!a->err)
            fs_diags_add(&a->diags, a->out, 0, FS_ERROR, "无法写入档案包：%s", zip_strerror(za));
        zip_discard(za);
        return a->err ? a->err : FS_E_IO;
    }
    return FS_OK;
}

/* fivestar archive FILE... -o OUT.zip [--date YYYY-MM-DD] [--skip-invalid]. */
static int archive_write(const fs_cli_args *args)
{
    fs_lib_options lo = {1, 1};
    actx a;
    const char *datearg = args->opt[2];
    int status = 0, skip = args->opt[3] != NULL;
    fs_error err;

    memset(&a, 0, sizeof a);
    fs_progress_init(&a.pr, "归档");
    a.out = args->opt[0];
    if (datearg && fs_date_parse(datearg, &a.date) < 0) {
        fprintf(stderr, "fivestar archive: error: --date 应为 YYYY-MM-DD 形式的日期\n");
        return 2;
    }
    a.b = fs_lib_new(&lo, &a.diags, &err);
    fs_diags_print(&a.diags, stderr);
    fs_diags_clear(&a.diags);
    if (!a.b)
        return fs_exit_status(err);
    a.dos = fs_xcalloc(args->nfiles, sizeof *a.dos);
    a.rows = fs_xcalloc(args->nfiles, sizeof *a.rows);
    for (size_t i = 0; i < args->nfiles; i++) {
        adossier *x = &a.dos[a.ndos];

        fs_progress_show(&a.pr, i + 1, args->nfiles, args->files[i]);
        x->d = fs_lib_load(a.b, args->files[i], &a.diags, &err);
        if (x->d) {
            x->r = x->d->rubric;
            x->file = args->files[i];
            x->dir = fs_file_dir_of(x->file);
            x->name = fs_lib_folder_name(x->file);
            a.ndos++;
            if (!datearg && fs_date_cmp(x->d->date, a.date) > 0)
                a.date = x->d->date;
        } else if (skip) {
            fs_diags_add(&a.diags, args->files[i], 0, FS_WARNING, "此档案未收入档案包（--skip-invalid）");
        }
        fs_progress_report(&a.pr, &a.diags);
        status = fs_cli_worst(status, err);
    }
    fs_progress_clear(&a.pr);
    if (status && !skip) {
        fprintf(stderr, "fivestar archive: error: 有档案未通过检查，未生成档案包（加 --skip-invalid 可略去这些档案）\n");
        goto done;
    }
    if (!a.ndos) {
        fprintf(stderr, "fivestar archive: error: 没有可归档的档案，未生成 %s\n", a.out);
        status = fs_cli_worst(status, FS_E_INVALID);
        goto done;
    }
    qsort(a.dos, a.ndos, sizeof *a.dos, dossier_cmp);
    for (size_t i = 1; i < a.ndos; i++)
        if (strcmp(a.dos[i].name, a.dos[i - 1].name) == 0) {
            fs_diags_add(&a.diags, a.dos[i].file, 0, FS_ERROR,
                         "与 %s 同名，在档案包中会占用同一个文件夹“%s”：请改名后再归档",
                         a.dos[i - 1].file, a.dos[i].name);
            status = fs_cli_worst(status, FS_E_INVALID);
        }
    if (a.diags.errors) {
        fs_progress_report(&a.pr, &a.diags);
        goto done;
    }
    for (size_t i = 0; i < a.ndos; i++)
        fs_stats_row_init(&a.rows[i], a.dos[i].d, &a.diags);
    fs_stats_sort(a.rows, a.ndos);
    plan(&a);
    fs_progress_report(&a.pr, &a.diags);
    err = write_zip(&a);
    fs_progress_report(&a.pr, &a.diags);
    status = fs_cli_worst(status, err);
    if (err == FS_OK)
        printf("档案包（%zu 份档案，%zu 个成员，日期 %04d-%02d-%02d）→ %s\n"
               "清单 manifest.json 的 SHA-256：%s（请另行记录，核验时对照）\n", a.ndos, a.nm,
               a.date.y, a.date.m, a.date.d, a.out, a.m[a.nm - 1].sha);
done:
    for (size_t i = 0; i < a.nm; i++) {
        free(a.m[i].name);
        free(a.m[i].href);
        free(a.m[i].data);
        zip_error_fini(&a.m[i].zerr);
    }
    free(a.m);
    for (size_t i = 0; i < a.ndos; i++) {
        fs_dossier_free(a.dos[i].d);
        free(a.dos[i].dir);
        free(a.dos[i].name);
        for (size_t k = 0; k < a.dos[i].nmissing; k++)
            free(a.dos[i].missing[k]);
        free(a.dos[i].missing);
    }
    free(a.dos);
    free(a.rows);
    fs_progress_clear(&a.pr);
    fs_lib_free(a.b);
    fs_diags_clear(&a.diags);
    return status;
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
        *why = zip_strerror(za);
        return -1;
    }
    fs_sha256_init(&c);
    while ((n = zip_fread(zf, buf, sizeof buf)) > 0) {
        fs_sha256_update(&c, buf, (size_t)n);
        *size += (zip_uint64_t)n;
    }
    if (n < 0) {
        *why = zip_file_strerror(zf);
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

/* fivestar archive --verify ARCHIVE: recomputes every member's SHA-256
 * and size and names each missing, extra or altered member. */
static int archive_verify(const char *path)
{
    fs_diags diags = {0};
    jval mf;
    zip_t *za;
    int zerr = 0, status = 0;
    const jval *members, *date, *version, *rubrics;
    zip_int64_t count;
    char *seen = NULL, mfhash[2 * FS_SHA256_LEN + 1];
    struct stat sb;

    memset(&mf, 0, sizeof mf);
    if (stat(path, &sb) < 0) {
        fprintf(stderr, "%s: error: 无法读取：%s\n", path, strerror(errno));
        return 3;
    }
    za = zip_open(path, ZIP_RDONLY | ZIP_CHECKCONS, &zerr);
    if (!za) {
        zip_error_t ze;
        zip_error_init_with_code(&ze, zerr);
        fprintf(stderr, "%s: error: 不是完好的 zip 档案包：%s\n", path, zip_error_strerror(&ze));
        zip_error_fini(&ze);
        return zerr == ZIP_ER_OPEN || zerr == ZIP_ER_READ ? 3 : 1;
    }
    if (read_manifest(za, path, &mf, mfhash, &diags) < 0) {
        status = 1;
        goto done;
    }
    members = jget(&mf, "members");
    count = zip_get_num_entries(za, 0);
    seen = fs_xcalloc(members->n + 1, 1);
    for (zip_int64_t i = 0; i < count; i++) {
        const char *name = zip_get_name(za, (zip_uint64_t)i, 0);
        const jval *entry = NULL;
        const jval *hash, *size;
        char hex[2 * FS_SHA256_LEN + 1];
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
        if (!entry) {
            fs_diags_add(&diags, path, 0, FS_ERROR, "多出成员：%s（清单中没有）", name);
            continue;
        }
        hash = jget(entry, "sha256");
        size = jget(entry, "size");
        if (hash_member(za, (zip_uint64_t)i, hex, &got, &why) < 0)
            fs_diags_add(&diags, path, 0, FS_ERROR, "成员已被改动：%s（数据损坏：%s）", name, why);
        else if (!hash || hash->type != 's' || strcmp(hash->str, hex) != 0)
            fs_diags_add(&diags, path, 0, FS_ERROR, "成员已被改动：%s（SHA-256 与清单不符）", name);
        else if (!size || size->type != 'n' || size->num != (double)got)
            fs_diags_add(&diags, path, 0, FS_ERROR, "成员已被改动：%s（大小 %llu 字节与清单不符）",
                         name, (unsigned long long)got);
    }
    for (size_t k = 0; k < members->n; k++) {
        const jval *nm = jget(&members->kids[k], "name");
        if (!seen[k])
            fs_diags_add(&diags, path, 0, FS_ERROR, "缺少成员：%s（清单中有，档案包中没有）",
                         nm && nm->type == 's' ? nm->str : "?");
    }
    if (diags.errors) {
        status = 1;
        goto done;
    }
    date = jget(&mf, "date");
    version = jget(&mf, "fivestar");
    rubrics = jget(&mf, "rubrics");
    printf("%s: 核验通过：%zu 个成员的大小和 SHA-256 与清单一致（fivestar %s，日期 %s，评定标准",
           path, members->n, version && version->type == 's' ? version->str : "?",
           date && date->type == 's' ? date->str : "?");
    for (size_t k = 0; rubrics && rubrics->type == 'a' && k < rubrics->n; k++)
        if (rubrics->kids[k].type == 's')
            printf("%s%s", k ? "、" : " ", rubrics->kids[k].str);
    printf("）\n清单 manifest.json 的 SHA-256：%s（应与生成时记录的一致）\n", mfhash);
done:
    fs_diags_print(&diags, stderr);
    fs_diags_clear(&diags);
    free(seen);
    jfree(&mf);
    zip_discard(za);
    return status;
}

/* fivestar archive FILE... -o OUT.zip [--date D] [--skip-invalid] |
 * fivestar archive --verify ARCHIVE.zip. */
int fs_cmd_archive(int argc, char **argv)
{
    static const char *const spec[] = {"-o=", "--verify", "--date=", "--skip-invalid", NULL};
    fs_cli_args a;
    int status = 2;

    if (fs_cli_parse(argc, argv, spec, &a) < 0)
        return 2;
    if (a.opt[1]) {
        if (a.nfiles != 1 || a.opt[0] || a.opt[2] || a.opt[3])
            fprintf(stderr, "fivestar archive: error: 用法：fivestar archive --verify ARCHIVE.zip\n");
        else
            status = archive_verify(a.files[0]);
    } else if (!a.nfiles) {
        fprintf(stderr, "fivestar archive: error: 请给出档案文件\n");
    } else if (!a.opt[0]) {
        fprintf(stderr, "fivestar archive: error: 请用 -o 给出档案包文件名（如 2018.zip）\n");
    } else {
        status = archive_write(&a);
    }
    fs_cli_args_free(&a);
    return status;
}
