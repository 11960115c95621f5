/*
 * fs-archive.c - writing the yearly archive (fivestar.h, fs_archive_write;
 * `fivestar archive FILE... -o OUT.zip`).  Checking one is
 * fs-archive-verify.c.
 *
 * Layout of the archive, in this member order:
 *
 *   统计表.pdf, 统计表.docx          the 统计表 of every dossier archived
 *   NAME/NAME.xml                     each dossier as given (NAME: its file
 *   NAME/评定标准.pdf, .docx            name less .xml; folders sorted by
 *   NAME/申报表.pdf, .docx              name), its forms (PDF/A-1b), its
 *   NAME/申报材料汇编.pdf               bundle (fs_lib_bundle, PDF/A-1b
 *                                     structure), and the evidence files
 *   NAME/PATH                         it names that exist, at their path
 *                                     below its folder
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
#include "fs-lib-private.h"
#include "fs-file.h"
#include "fs-sha256.h"
#include "fs-cn.h"
#include "fs-zipmsg.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#define MANIFEST FS_ARCHIVE_MANIFEST
#define EVIDENCE_MAX (256L * 1024 * 1024)

/* ------------------------------------------------------------------------
 * The run.
 * ---------------------------------------------------------------------- */

/* The worse of two outcomes, by the exit status each stands for. */
static fs_error worse(fs_error a, fs_error b)
{
    return fs_exit_status(b) > fs_exit_status(a) ? b : a;
}

typedef enum mkind { M_STATS, M_DOSSIER, M_FORM, M_BUNDLE, M_EVIDENCE, M_MANIFEST } mkind;

struct actx;

/* One member of the archive and, while libzip reads it, its bytes. */
typedef struct member {
    struct actx *a;
    mkind kind;
    char *name;                 /* path in the archive                     */
    size_t dossier;             /* M_DOSSIER, M_FORM, M_BUNDLE, M_EVIDENCE */
    const fs_form_entry *form;  /* M_FORM, M_STATS: its entry in the table  */
    fs_format format;           /* M_FORM, M_STATS                         */
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
    const char *out;
    fs_diags *diags;
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
 * Producing the members.
 * ---------------------------------------------------------------------- */

/* The manifest: what the archive holds and how to check it. */
static void manifest(actx *a, fs_buf *b)
{
    char date[16];

    snprintf(date, sizeof date, "%04d-%02d-%02d", a->date.y, a->date.m, a->date.d);
    fs_buf_adds(b, "{\n  \"format\": \"fivestar-archive 1\",\n  \"fivestar\": ");
    fs_json_string(b, FS_VERSION);
    fs_buf_adds(b, ",\n  \"date\": ");
    fs_json_string(b, date);
    fs_buf_adds(b, ",\n  \"rubrics\": [");
    for (size_t i = 0, k = 0; i < a->ndos; i++) {
        size_t j = 0;
        while (j < i && strcmp(a->dos[j].r->id, a->dos[i].r->id) != 0)
            j++;
        if (j < i)
            continue;                   /* listed already */
        fs_buf_adds(b, k++ ? ", " : "");
        fs_json_string(b, a->dos[i].r->id);
    }
    fs_buf_adds(b, "],\n  \"hash\": \"sha256\",\n  \"dossiers\": [\n");
    for (size_t i = 0; i < a->ndos; i++) {
        const adossier *x = &a->dos[i];
        const char *base = strrchr(x->file, '/');
        fs_result_sheet s;
        char total[24];

        fs_score_dossier(x->d, x->r, &s);
        fs_buf_adds(b, "    {\"folder\": ");
        fs_json_string(b, x->name);
        fs_buf_adds(b, ", \"file\": ");
        fs_json_string(b, base ? base + 1 : x->file);
        fs_buf_adds(b, ", \"organization\": ");
        fs_json_string(b, x->d->name.s);
        fs_buf_adds(b, ", \"town\": ");
        fs_json_string(b, x->d->town.s);
        fs_buf_printf(b, ", \"year\": %d, \"rubric\": ", x->d->year);
        fs_json_string(b, x->r->id);
        fs_buf_printf(b, ", \"total\": %s, \"evidence_missing\": [",
                      fs_tenths_format(s.total, total, sizeof total));
        for (size_t k = 0; k < x->nmissing; k++) {
            fs_buf_adds(b, k ? ", " : "");
            fs_json_string(b, x->missing[k]);
        }
        fs_buf_printf(b, "]}%s\n", i + 1 < a->ndos ? "," : "");
    }
    fs_buf_adds(b, "  ],\n  \"members\": [\n");
    for (size_t i = 0; i < a->nm; i++) {
        const member *m = &a->m[i];
        if (m->kind == M_MANIFEST)
            continue;
        fs_buf_adds(b, "    {\"name\": ");
        fs_json_string(b, m->name);
        fs_buf_printf(b, ", \"size\": %zu, \"sha256\": \"%s\"}%s\n", m->size, m->sha,
                      i + 2 < a->nm ? "," : "");
    }
    fs_buf_adds(b, "  ]\n}\n");
}

/* Renders form M->form of M's dossier (or the 统计表) in M's format,
 * PDFs as PDF/A-1b. */
static fs_error produce_doc(member *m, unsigned char **data, size_t *len)
{
    actx *a = m->a;
    fs_doc *doc = NULL;
    fs_error err = FS_OK;

    if (m->kind == M_STATS) {
        doc = fs_stats_doc(a->b, a->rows, a->ndos, m->name, a->diags, &err);
    } else {
        doc = fs_lib_build(a->b, m->form, a->dos[m->dossier].d, a->diags, &err);
    }
    if (doc) {
        fs_render_options ro = {m->format, 1, 0};
        err = fs_lib_render(a->b, doc, &ro, m->name, data, len, a->diags);
    }
    fs_doc_free(doc);
    return err;
}

/* The bundle of M's dossier (fs_lib_bundle, PDF/A).  Its warnings about
 * evidence go to the run's diagnostics the first time it is made (libzip
 * may ask for a member twice); errors every time. */
static fs_error produce_bundle(member *m, unsigned char **data, size_t *len)
{
    actx *a = m->a;
    fs_diags bd = {0};
    fs_error err = fs_lib_bundle(a->b, a->dos[m->dossier].d, 1, data, len, &bd);

    for (size_t i = 0; i < bd.n; i++)
        if (bd.v[i].severity == FS_ERROR || !m->done)
            fs_diags_add(a->diags, bd.v[i].file, bd.v[i].line, bd.v[i].severity, "%s",
                         bd.v[i].message);
    fs_diags_clear(&bd);
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
            fs_lib_progress(a->b, a->shown, a->ndos, a->dos[m->dossier].file);
        }
        err = produce_doc(m, &m->data, &m->len);
        break;
    case M_BUNDLE:
        err = produce_bundle(m, &m->data, &m->len);
        break;
    case M_DOSSIER:
        fd = open(a->dos[m->dossier].file, O_RDONLY | O_CLOEXEC);
        if (fd < 0 || fs_file_read_fd(fd, FS_MAX_FILE_BYTES, &m->data, &m->len) < 0) {
            fs_diags_add(a->diags, a->dos[m->dossier].file, 0, FS_ERROR,
                         "无法读取：%s", fs_errno_cn(errno));
            err = FS_E_IO;
        }
        if (fd >= 0)
            close(fd);
        break;
    case M_EVIDENCE:
        fd = fs_file_open_below(a->dos[m->dossier].dir, m->href);
        if (fd < 0 || fs_file_read_fd(fd, EVIDENCE_MAX, &m->data, &m->len) < 0) {
            fs_diags_add(a->diags, a->dos[m->dossier].file, m->line, FS_ERROR,
                         "佐证材料 %s 在归档时无法读取：%s", m->href, fs_errno_cn(errno));
            err = FS_E_IO;
        }
        if (fd >= 0)
            close(fd);
        break;
    case M_MANIFEST:
        for (size_t i = 0; i < a->nm; i++)
            if (a->m[i].kind != M_MANIFEST && !a->m[i].done) {
                fs_diags_add(a->diags, a->out, 0, FS_ERROR,
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
        fs_diags_add(a->diags, a->out, 0, FS_ERROR, "成员 %s 两次生成的内容不同", m->name);
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

    /* SIGINT or SIGTERM: fail the member, so that libzip gives up and
     * removes its temporary. */
    if (fs_signal_caught() && cmd != ZIP_SOURCE_ERROR && cmd != ZIP_SOURCE_FREE &&
        cmd != ZIP_SOURCE_CLOSE) {
        m->a->err = FS_E_INTERRUPTED;
        zip_error_set(&m->zerr, ZIP_ER_INTERNAL, 0);
        return -1;
    }
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
    char *base = fs_printf("%s.xml", x->name);
    size_t first = a->nm;

    for (size_t k = 0; k < x->r->nitems && k < FS_MAX_ITEMS; k++)
        for (size_t e = 0; e < d->scores[k].nevidence; e++) {
            const fs_evidence *ev = &d->scores[k].evidence[e];
            char *href, *name;
            int fd, dup = 0, clash, unsafe;
            struct stat sb;

            if (!ev->href)
                continue;
            href = fs_file_normal_href(ev->href);
            name = fs_printf("%s/%s", x->name, href);
            for (size_t j = first; j < a->nm && !dup; j++)
                dup = strcmp(a->m[j].name, name) == 0;
            for (size_t j = 0; j < x->nmissing && !dup; j++)
                dup = strcmp(x->missing[j], href) == 0;
            clash = strcmp(href, base) == 0 || strcmp(href, FS_BUNDLE_FILE) == 0;
            for (size_t f = 0; f < fs_forms_table_count(); f++)
                for (int fmt = FS_FORMAT_PDF; fmt <= FS_FORMAT_DOCX; fmt++) {
                    const fs_form_entry *form = fs_forms_table_get(f);
                    char *fname = fs_form_file_name(form, (fs_format)fmt);
                    clash |= form->kind == FS_FORM_DOSSIER && strcmp(href, fname) == 0;
                    free(fname);
                }
            if (dup) {
                free(href);
                free(name);
                continue;
            }
            unsafe = !fs_names_member_ok(name);
            fd = clash || unsafe ? -1 : fs_file_open_below(x->dir, href);
            if (fd >= 0 && (fstat(fd, &sb) < 0 || sb.st_size > EVIDENCE_MAX)) {
                close(fd);
                fd = -1;
                errno = EFBIG;
            }
            if (fd < 0) {
                if (unsafe)
                    fs_diags_add(a->diags, x->file, ev->line, FS_WARNING,
                                 "佐证材料 %s 的路径不能用作档案包中的名称，未收入档案包", href);
                else if (clash)
                    fs_diags_add(a->diags, x->file, ev->line, FS_WARNING,
                                 "佐证材料 %s 与档案包中表格或档案本身同名，未收入档案包", href);
                else if (errno == ELOOP || errno == ENOTDIR)
                    fs_diags_add(a->diags, x->file, ev->line, FS_WARNING,
                                 "佐证材料 %s 经过符号链接，未收入档案包（只收入档案所在文件夹内的普通文件）", href);
                else if (errno == EINVAL)
                    fs_diags_add(a->diags, x->file, ev->line, FS_WARNING,
                                 "佐证材料 %s 不是普通文件，未收入档案包", href);
                else if (errno == EFBIG)
                    fs_diags_add(a->diags, x->file, ev->line, FS_WARNING,
                                 "佐证材料 %s 超过 %ld MiB，未收入档案包", href,
                                 EVIDENCE_MAX / (1024 * 1024));
                else
                    fs_diags_add(a->diags, x->file, ev->line, FS_WARNING,
                                 "佐证材料 %s 无法打开（%s），未收入档案包", href, fs_errno_cn(errno));
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
    free(base);
}

/* Plans every member in archive order (see the top of this file). */
static void plan(actx *a)
{
    size_t nforms = fs_forms_table_count();

    for (size_t f = 0; f < nforms; f++)
        for (int fmt = FS_FORMAT_PDF; fmt <= FS_FORMAT_DOCX; fmt++) {
            const fs_form_entry *form = fs_forms_table_get(f);
            member *m;

            if (form->kind != FS_FORM_STATS || !(form->formats & 1u << fmt))
                continue;
            m = add_member(a, M_STATS, fs_form_file_name(form, (fs_format)fmt), 0);
            m->form = form;
            m->format = (fs_format)fmt;
        }
    for (size_t i = 0; i < a->ndos; i++) {
        const adossier *x = &a->dos[i];

        add_member(a, M_DOSSIER, fs_printf("%s/%s.xml", x->name, x->name), i);
        for (size_t f = 0; f < nforms; f++)
            for (int fmt = FS_FORMAT_PDF; fmt <= FS_FORMAT_DOCX; fmt++) {
                const fs_form_entry *form = fs_forms_table_get(f);
                char *name;
                member *m;

                if (form->kind != FS_FORM_DOSSIER || !(form->formats & 1u << fmt))
                    continue;
                name = fs_form_file_name(form, (fs_format)fmt);
                m = add_member(a, M_FORM, fs_printf("%s/%s", x->name, name), i);
                m->form = form;
                m->format = (fs_format)fmt;
                free(name);
            }
        add_member(a, M_BUNDLE, fs_printf("%s/%s", x->name, FS_BUNDLE_FILE), i);
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
static fs_error write_zip_to(actx *a, const char *path)
{
    zip_t *za;
    int zerr = 0;
    zip_uint16_t ddate, dtime = 0;
    int y = a->date.y < 1980 ? 1980 : a->date.y > 2107 ? 2107 : a->date.y;

    ddate = (zip_uint16_t)((y - 1980) << 9 | a->date.m << 5 | a->date.d);
    za = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &zerr);
    if (!za) {
        zip_error_t ze;
        zip_error_init_with_code(&ze, zerr);
        fs_diags_add(a->diags, a->out, 0, FS_ERROR, "无法创建档案包：%s", fs_zip_cn(&ze));
        zip_error_fini(&ze);
        return FS_E_IO;
    }
    for (size_t i = 0; i < a->nm; i++) {
        member *m = &a->m[i];
        zip_source_t *src;

        if (!fs_names_member_ok(m->name)) {
            fs_diags_add(a->diags, a->out, 0, FS_ERROR,
                         "成员名“%s”解开时会离开档案包所在的文件夹，未生成档案包", m->name);
            zip_discard(za);
            return FS_E_INVALID;
        }
        src = zip_source_function(za, member_cb, m);
        zip_int64_t idx = src ? zip_file_add(za, m->name, src, ZIP_FL_ENC_UTF_8) : -1;

        if (idx < 0) {
            zip_source_free(src);
            fs_diags_add(a->diags, a->out, 0, FS_ERROR, "无法加入成员 %s：%s", m->name,
                         fs_zip_cn(zip_get_error(za)));
            zip_discard(za);
            return FS_E_ZIP;
        }
        if (zip_set_file_compression(za, (zip_uint64_t)idx, ZIP_CM_STORE, 0) < 0 ||
            zip_file_set_dostime(za, (zip_uint64_t)idx, dtime, ddate, 0) < 0 ||
            zip_file_set_external_attributes(za, (zip_uint64_t)idx, 0, ZIP_OPSYS_UNIX,
                                             (zip_uint32_t)0100644 << 16) < 0) {
            fs_diags_add(a->diags, a->out, 0, FS_ERROR, "无法设置成员 %s：%s", m->name,
                         fs_zip_cn(zip_get_error(za)));
            zip_discard(za);
            return FS_E_ZIP;
        }
    }
    if (zip_close(za) < 0) {
        if (!a->err)
            fs_diags_add(a->diags, a->out, 0, FS_ERROR, "无法写入档案包：%s", fs_zip_cn(zip_get_error(za)));
        zip_discard(za);
        return a->err ? a->err : FS_E_IO;
    }
    return FS_OK;
}

/* Writes the planned archive to A->out whole or not at all: libzip
 * writes into a temporary of ours beside it (fs_temp_write's name, so
 * that an interrupted run removes it and a killed one's is swept by the
 * next run into that folder), which is renamed onto A->out at the end. */
static fs_error write_zip(actx *a)
{
    char *dir = fs_file_dir_of(a->out), *tmp = NULL;
    fs_error err;

    fs_temp_sweep(dir, a->diags);
    free(dir);
    if (fs_temp_write(a->out, "", 0, &tmp) != FS_OK) {
        fs_diags_add(a->diags, a->out, 0, FS_ERROR, "无法创建档案包：%s", fs_errno_cn(errno));
        return FS_E_IO;
    }
    err = write_zip_to(a, tmp);
    if (err != FS_OK) {
        fs_temp_discard(tmp);
    } else if (fs_temp_commit(tmp, a->out) != FS_OK) {
        fs_diags_add(a->diags, a->out, 0, FS_ERROR, "无法写入档案包：%s", fs_errno_cn(errno));
        err = FS_E_IO;
    }
    return err;
}

/* Frees what A holds (not A itself). */
static void actx_free(actx *a)
{
    for (size_t i = 0; i < a->nm; i++) {
        free(a->m[i].name);
        free(a->m[i].href);
        free(a->m[i].data);
        zip_error_fini(&a->m[i].zerr);
    }
    free(a->m);
    for (size_t i = 0; i < a->ndos; i++) {
        fs_dossier_free(a->dos[i].d);
        free(a->dos[i].dir);
        free(a->dos[i].name);
        for (size_t k = 0; k < a->dos[i].nmissing; k++)
            free(a->dos[i].missing[k]);
        free(a->dos[i].missing);
    }
    free(a->dos);
    free(a->rows);
}

/* Writes the yearly archive of the N dossier files FILES to OUT; see
 * fivestar.h. */
fs_error fs_archive_write(fs_lib *lib, const char *const *files, size_t n,
                          const char *out, const fs_archive_options *o,
                          fs_archive_summary *sum, fs_diags *diags)
{
    static const char *const self = "fivestar archive";
    actx a;
    fs_error status = FS_OK, err;
    const char **files_ok;
    char **names;

    memset(&a, 0, sizeof a);
    memset(sum, 0, sizeof *sum);
    a.b = lib;
    a.out = out;
    a.diags = diags;
    a.date = o->date;
    a.dos = fs_xcalloc(n ? n : 1, sizeof *a.dos);
    a.rows = fs_xcalloc(n ? n : 1, sizeof *a.rows);
    for (size_t i = 0; i < n; i++) {
        adossier *x = &a.dos[a.ndos];

        if (fs_signal_caught()) {
            status = FS_E_INTERRUPTED;
            goto done;
        }
        fs_lib_progress(lib, i + 1, n, files[i]);
        x->d = fs_lib_load(lib, files[i], diags, &err);
        if (x->d) {
            x->r = x->d->rubric;
            x->file = files[i];
            x->dir = fs_file_dir_of(x->file);
            a.ndos++;
            if (!o->date.y && fs_date_cmp(x->d->date, a.date) > 0)
                a.date = x->d->date;
        } else if (o->skip_invalid) {
            fs_diags_add(diags, files[i], 0, FS_WARNING, "此档案未收入档案包（--skip-invalid）");
        }
        fs_lib_report(lib, diags);
        status = worse(status, err);
    }
    if (status && !o->skip_invalid) {
        fs_diags_add(diags, self, 0, FS_ERROR,
                     "有档案未通过检查，未生成档案包（加 --skip-invalid 可略去这些档案）");
        goto done;
    }
    if (!a.ndos) {
        fs_diags_add(diags, self, 0, FS_ERROR, "没有可归档的档案，未生成 %s", out);
        status = worse(status, FS_E_INVALID);
        goto done;
    }
    /* Folder names, settled and checked before anything is written. */
    files_ok = fs_xcalloc(a.ndos, sizeof *files_ok);
    for (size_t i = 0; i < a.ndos; i++)
        files_ok[i] = a.dos[i].file;
    names = fs_names_folders(files_ok, a.ndos, 1, diags, &err);
    for (size_t i = 0; i < a.ndos; i++)
        a.dos[i].name = names[i];
    free(names);
    free(files_ok);
    if (err) {
        status = worse(status, err);
        goto done;
    }
    qsort(a.dos, a.ndos, sizeof *a.dos, dossier_cmp);
    for (size_t i = 0; i < a.ndos; i++)
        fs_stats_row_init(&a.rows[i], a.dos[i].d, diags);
    fs_stats_sort(a.rows, a.ndos, fs_lib_forms(lib, a.rows[0].r, diags, &err));
    fs_stats_warn_twice(a.rows, a.ndos, diags);
    plan(&a);
    fs_lib_report(lib, diags);
    err = write_zip(&a);
    status = worse(status, err);
    if (err == FS_OK) {
        sum->written = 1;
        sum->dossiers = a.ndos;
        sum->members = a.nm;
        sum->date = a.date;
        memcpy(sum->manifest_sha256, a.m[a.nm - 1].sha, sizeof sum->manifest_sha256);
    }
done:
    fs_lib_report(lib, diags);
    actx_free(&a);
    return status;
}
