/*
 * fs-bundle-evidence.c - a dossier's evidence files read and judged for
 * the bundle (fs-bundle-private.h): opened below the dossier's folder
 * only, hashed, recognised by content, checked against the limits of
 * fs-bundle.h, with a warning at the dossier line for every file that
 * cannot be shown.
 */
#define _GNU_SOURCE
#include "fs-bundle-private.h"
#include "fs-file.h"
#include "fs-merge.h"
#include "fs-cn.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* Running totals against the bundle's limits. */
typedef struct totals {
    size_t bytes, pages;
} totals;

/* Does PATH end in one of the extensions of the space-separated list
 * EXTS (without case)? */
static int has_ext(const char *path, const char *exts)
{
    const char *dot = strrchr(path, '.');
    size_t n;

    if (!dot || strchr(dot, '/'))
        return 0;
    n = strlen(dot + 1);
    for (const char *p = exts; *p;) {
        size_t k = strcspn(p, " ");
        if (k == n && strncasecmp(p, dot + 1, n) == 0)
            return 1;
        p += k;
        p += *p == ' ';
    }
    return 0;
}

/* Is DATA a PDF (the header within its first 1024 bytes, as readers
 * accept it)? */
static int is_pdf(const unsigned char *data, size_t n)
{
    size_t lim = n < 1024 ? n : 1024;

    return lim >= 5 && memmem(data, lim, "%PDF-", 5) != NULL;
}

/* Opens and reads E's file from DIR, or marks it 缺失 / 未附 with a
 * warning.  Returns 0 with E->data read and hashed, or -1. */
static int read_file(const fs_dossier *d, const char *dir, fs_bundle_ev *e,
                     totals *t, fs_diags *diags)
{
    int fd = fs_file_open_below(dir, e->href);
    struct stat sb;
    long line = e->ev->line;

    if (fd < 0) {
        e->state = FS_INDEX_MISSING;
        if (errno == ENOENT)
            fs_diags_add(diags, d->path, line, FS_WARNING,
                         "佐证材料 %s 不存在（相对于档案所在文件夹），目录中记为缺失", e->href);
        else if (errno == ELOOP || errno == ENOTDIR)
            fs_diags_add(diags, d->path, line, FS_WARNING,
                         "佐证材料 %s 经过符号链接或不在档案所在文件夹内，目录中记为缺失", e->href);
        else if (errno == EINVAL)
            fs_diags_add(diags, d->path, line, FS_WARNING,
                         "佐证材料 %s 不是普通文件，目录中记为缺失", e->href);
        else
            fs_diags_add(diags, d->path, line, FS_WARNING,
                         "佐证材料 %s 无法打开（%s），目录中记为缺失", e->href, fs_errno_cn(errno));
        return -1;
    }
    if (fstat(fd, &sb) == 0 && sb.st_size > FS_BUNDLE_MAX_FILE) {
        e->state = FS_INDEX_NOT_ATTACHED;
        fs_diags_add(diags, d->path, line, FS_WARNING,
                     "佐证材料 %s 超过 %ld MiB，未附入（目录中记为未附）；请压缩或拆分后再附",
                     e->href, FS_BUNDLE_MAX_FILE / (1024 * 1024));
        close(fd);
        return -1;
    }
    if (fs_file_read_fd(fd, FS_BUNDLE_MAX_FILE, &e->data, &e->len) < 0) {
        e->state = FS_INDEX_MISSING;
        fs_diags_add(diags, d->path, line, FS_WARNING,
                     "佐证材料 %s 无法读取（%s），目录中记为缺失", e->href, fs_errno_cn(errno));
        close(fd);
        return -1;
    }
    close(fd);
    fs_sha256_hex(e->data, e->len, e->sha);
    if (t->bytes + e->len > (size_t)FS_BUNDLE_MAX_BYTES) {
        e->state = FS_INDEX_NOT_ATTACHED;
        fs_diags_add(diags, d->path, line, FS_WARNING,
                     "佐证材料总量超过 %ld MiB，%s 未附入（目录中记为未附）",
                     FS_BUNDLE_MAX_BYTES / (1024 * 1024), e->href);
        return -1;
    }
    t->bytes += e->len;
    return 0;
}

/* Takes E's pages into the running total, or refuses them (未附) when
 * the bundle would pass its page limit. */
static int take_pages(const fs_dossier *d, fs_bundle_ev *e, totals *t, fs_diags *diags)
{
    if (t->pages + e->npages > FS_BUNDLE_MAX_PAGES) {
        fs_diags_add(diags, d->path, e->ev->line, FS_WARNING,
                     "佐证材料共超过 %d 页，%s 未附入（目录中记为未附）",
                     FS_BUNDLE_MAX_PAGES, e->href);
        e->state = FS_INDEX_NOT_ATTACHED;
        e->npages = 0;
        return -1;
    }
    t->pages += e->npages;
    e->state = FS_INDEX_PAGES;
    return 0;
}

/* Judges E's bytes: an image, a PDF, or another kind of file (未附). */
static void judge(const fs_dossier *d, fs_bundle_ev *e, int flatten, totals *t,
                  fs_diags *diags)
{
    long line = e->ev->line;
    char why[FS_MERGE_WHY];
    int repaired = 0;

    e->state = FS_INDEX_NOT_ATTACHED;
    if (fs_image_sniff(e->data, e->len) != FS_IMAGE_NONE) {
        if (fs_image_load(e->data, e->len, flatten, &e->img, why) < 0) {
            fs_diags_add(diags, d->path, line, FS_WARNING,
                         "佐证材料 %s：%s；未附入（目录中记为未附）", e->href, why);
            return;
        }
        e->kind = BEV_IMAGE;
        e->npages = 1;
        if (take_pages(d, e, t, diags) < 0)
            fs_image_clear(&e->img);
        return;
    }
    if (is_pdf(e->data, e->len)) {
        if (fs_merge_check_pdf(e->data, e->len, FS_BUNDLE_MAX_PDF_PAGES, &e->pdf,
                               &e->pdflen, &e->npages, &repaired, why) < 0) {
            fs_diags_add(diags, d->path, line, FS_WARNING,
                         "佐证材料 %s：%s；未附入（目录中记为未附）", e->href, why);
            return;
        }
        if (repaired)
            fs_diags_add(diags, d->path, line, FS_WARNING,
                         "佐证材料 %s 有损坏之处，已由 qpdf 修复后并入，请核对其页面", e->href);
        e->kind = BEV_PDF;
        if (take_pages(d, e, t, diags) < 0) {
            free(e->pdf);
            e->pdf = NULL;
            e->pdflen = 0;
        }
        return;
    }
    if (has_ext(e->href, "jpg jpeg jpe png pdf"))
        fs_diags_add(diags, d->path, line, FS_WARNING,
                     "佐证材料 %s 的内容不是扩展名所说的 %s 文件（可能已损坏或改错了扩展名），"
                     "未附入（目录中记为未附）", e->href, strrchr(e->href, '.') + 1);
    else
        fs_diags_add(diags, d->path, line, FS_WARNING,
                     "佐证材料 %s 不是图像（JPEG、PNG）或 PDF，只在目录中列出其 SHA-256（记为未附）；"
                     "如需并入，请转为 PDF", e->href);
}

/* Reads and judges every evidence of D; see fs-bundle-private.h. */
void fs_bundle_evidence_collect(const fs_dossier *d, const fs_rubric *r,
                                int flatten, fs_bundle_evs *out, fs_diags *diags)
{
    char *dir = fs_file_dir_of(d->path);
    totals t = {0, 0};

    memset(out, 0, sizeof *out);
    for (size_t k = 0; k < r->nitems && k < FS_MAX_ITEMS; k++)
        for (size_t i = 0; i < d->scores[k].nevidence; i++) {
            fs_bundle_ev *e;

            out->v = fs_xrealloc(out->v, (out->n + 1) * sizeof *out->v);
            e = &out->v[out->n++];
            memset(e, 0, sizeof *e);
            e->item = (int)k + 1;
            e->ev = &d->scores[k].evidence[i];
            e->same = -1;
            if (!e->ev->href || !*e->ev->href) {
                e->state = FS_INDEX_NOFILE;
                continue;
            }
            e->href = fs_file_normal_href(e->ev->href);
            for (size_t j = 0; j + 1 < out->n && e->same < 0; j++)
                if (out->v[j].href && out->v[j].same < 0 &&
                    strcmp(out->v[j].href, e->href) == 0) {
                    e->same = (long)j;
                    e->state = out->v[j].state;
                    memcpy(e->sha, out->v[j].sha, sizeof e->sha);
                }
            if (e->same >= 0)
                continue;               /* the file is shown once */
            if (read_file(d, dir, e, &t, diags) == 0)
                judge(d, e, flatten, &t, diags);
            if (e->kind != BEV_IMAGE || e->img.kind != FS_IMAGE_JPEG) {
                free(e->data);          /* a JPEG's image points into it */
                e->data = NULL;
            }
        }
    free(dir);
}

/* Frees what E holds (not E). */
void fs_bundle_evidence_free(fs_bundle_evs *e)
{
    for (size_t i = 0; i < e->n; i++) {
        free(e->v[i].href);
        fs_image_clear(&e->v[i].img);
        free(e->v[i].data);
        free(e->v[i].pdf);
    }
    free(e->v);
    e->v = NULL;
    e->n = 0;
}
