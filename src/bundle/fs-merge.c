/*
 * fs-merge.c - the bundle's PDF put together with qpdf's C API
 * (fs-merge.h).  qpdf owns every PDF object; this file only creates
 * dictionaries, streams and arrays through object handles, and checks
 * qpdf_has_error after each step that can fail (qpdf 10.5+ reports C API
 * errors that way instead of throwing).
 */
#define _GNU_SOURCE
#include "fs-merge.h"

#include <errno.h>
#include <math.h>
#include <qpdf/qpdf-c.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

/* Limits of the child that reads an evidence PDF (fs_merge_check_pdf). */
#define FS_MERGE_CHILD_MEMORY (1024UL * 1024 * 1024)
#define FS_MERGE_CHILD_SECONDS 60
#define FS_MERGE_MAX_CONTENT (128 * 1024 * 1024)

#if defined(__SANITIZE_ADDRESS__)
#define FS_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FS_UNDER_ASAN 1
#endif
#endif

/* A source document: the bytes qpdf reads from (qpdf does not copy
 * them, and copies of its objects are read at write time) and its
 * handle. */
typedef struct msource {
    qpdf_data q;
    unsigned char *data;
    size_t n, npages;
    qpdf_oh *forms;             /* per page: its form XObject in the output,
                                   0 until made                            */
} msource;

typedef struct mentry {
    int level;
    char *title;
    size_t page;
} mentry;

struct fs_merge {
    qpdf_data q;                /* the output                              */
    int broken;                 /* qpdf_empty_pdf failed                   */
    msource *src;
    size_t nsrc;
    unsigned char *wrapped;     /* per output page: contents wrapped in q/Q */
    size_t npages;
    unsigned names;             /* XObject names handed out: /FsX1 …       */
    mentry *outline;
    size_t noutline;
    char version[8];            /* highest PDF version of the sources     */
};

/* If qpdf Q has an error, writes WHAT and qpdf's detail into WHY, clears
 * the error and returns 1; else 0. */
static int failed(qpdf_data q, const char *what, char why[FS_MERGE_WHY])
{
    qpdf_error e;

    if (!qpdf_has_error(q))
        return 0;
    e = qpdf_get_error(q);
    snprintf(why, FS_MERGE_WHY, "%s（qpdf：%s）", what,
             e ? qpdf_get_error_message_detail(q, e) : "?");
    return 1;
}

/* A new qpdf handle that reports nothing on standard error. */
static qpdf_data quiet_qpdf(void)
{
    qpdf_data q = qpdf_init();

    qpdf_silence_errors(q);
    qpdf_set_suppress_warnings(q, QPDF_TRUE);
    return q;
}

/* Drops Q's pending warnings; returns how many there were. */
static size_t drain_warnings(qpdf_data q)
{
    size_t n = 0;

    while (qpdf_more_warnings(q)) {
        qpdf_next_warning(q);
        n++;
    }
    return n;
}

/* The crop box (else media box) of PAGE into B (x0, y0, x1, y1, ordered);
 * 0, or -1 when it is missing or absurd. */
static int page_box(qpdf_data q, qpdf_oh page, double b[4])
{
    qpdf_oh box = qpdf_oh_get_key(q, page, "/CropBox");

    if (!qpdf_oh_is_array(q, box) || qpdf_oh_get_array_n_items(q, box) != 4)
        box = qpdf_oh_get_key(q, page, "/MediaBox");
    if (!qpdf_oh_is_array(q, box) || qpdf_oh_get_array_n_items(q, box) != 4)
        return -1;
    for (int i = 0; i < 4; i++) {
        qpdf_oh v = qpdf_oh_get_array_item(q, box, i);
        if (!qpdf_oh_is_number(q, v))
            return -1;
        b[i] = qpdf_oh_get_numeric_value(q, v);
        if (!isfinite(b[i]) || fabs(b[i]) > 1e6)
            return -1;
    }
    if (b[0] > b[2]) {
        double t = b[0];
        b[0] = b[2];
        b[2] = t;
    }
    if (b[1] > b[3]) {
        double t = b[1];
        b[1] = b[3];
        b[3] = t;
    }
    return b[2] - b[0] >= 1 && b[3] - b[1] >= 1 ? 0 : -1;
}

/* The /Rotate of PAGE in quarter turns clockwise, 0..3. */
static int page_quarters(qpdf_data q, qpdf_oh page)
{
    qpdf_oh v = qpdf_oh_get_key(q, page, "/Rotate");
    long long r = qpdf_oh_is_integer(q, v) ? qpdf_oh_get_int_value(q, v) : 0;

    return (int)(((r / 90) % 4 + 4) % 4);
}

/* The check of fs_merge_check_pdf, in this process: see there.  The
 * decoded content streams of all pages together may hold at most
 * FS_MERGE_MAX_CONTENT bytes. */
static int check_pdf(const unsigned char *data, size_t n, size_t max_pages,
                     unsigned char **clean, size_t *clean_len, size_t *npages,
                     int *repaired, char why[FS_MERGE_WHY])
{
    qpdf_data q = quiet_qpdf();
    int rc = -1, pages;
    size_t content = 0;

    *clean = NULL;
    *clean_len = 0;
    *npages = 0;
    *repaired = 0;
    if (qpdf_read_memory(q, "evidence", (const char *)data, (unsigned long long)n, "")
        & QPDF_ERRORS) {
        qpdf_error e = qpdf_get_error(q);
        if (e && qpdf_get_error_code(q, e) == qpdf_e_password)
            snprintf(why, FS_MERGE_WHY, "PDF 有打开密码，无法并入；请附上未加密的文件");
        else
            snprintf(why, FS_MERGE_WHY, "PDF 文件损坏，无法读取（qpdf：%s）",
                     e ? qpdf_get_error_message_detail(q, e) : "?");
        goto done;
    }
    if (qpdf_is_encrypted(q)) {
        snprintf(why, FS_MERGE_WHY, "PDF 已加密（设有权限限制），不能并入；请附上未加密的文件");
        goto done;
    }
    pages = qpdf_get_num_pages(q);
    if (failed(q, "PDF 文件损坏：页面树无法读取", why))
        goto done;
    if (pages <= 0) {
        snprintf(why, FS_MERGE_WHY, "PDF 没有页面");
        goto done;
    }
    if ((size_t)pages > max_pages) {
        snprintf(why, FS_MERGE_WHY, "PDF 有 %d 页，超过每份佐证材料 %zu 页的上限；"
                 "请拆分或只附相关页", pages, max_pages);
        goto done;
    }
    qpdf_push_inherited_attributes_to_page(q);
    if (failed(q, "PDF 文件损坏：页面属性无法读取", why))
        goto done;
    for (int i = 0; i < pages; i++) {
        qpdf_oh page = qpdf_get_page_n(q, (size_t)i);
        unsigned char *buf = NULL;
        size_t len = 0;
        double box[4];

        if (page_box(q, page, box) < 0) {
            snprintf(why, FS_MERGE_WHY, "PDF 第 %d 页没有有效的页面尺寸", i + 1);
            goto done;
        }
        qpdf_oh_get_page_content_data(q, page, &buf, &len);
        free(buf);
        content += len;
        if (content > FS_MERGE_MAX_CONTENT) {
            snprintf(why, FS_MERGE_WHY, "PDF 页面内容解压后超过 %d MiB 的上限",
                     FS_MERGE_MAX_CONTENT / (1024 * 1024));
            goto done;
        }
        if (qpdf_has_error(q)) {
            qpdf_error e = qpdf_get_error(q);
            snprintf(why, FS_MERGE_WHY, "PDF 第 %d 页的内容无法解码（qpdf：%s）", i + 1,
                     e ? qpdf_get_error_message_detail(q, e) : "?");
            goto done;
        }
        qpdf_oh_release_all(q);
    }
    /* A full write reads every object and stream once: what survives it
     * is what the bundle will hold. */
    qpdf_init_write_memory(q);
    qpdf_set_object_stream_mode(q, qpdf_o_disable);
    qpdf_set_decode_level(q, qpdf_dl_none);     /* streams copied, never inflated */
    qpdf_set_deterministic_ID(q, QPDF_TRUE);
    if (qpdf_write(q) & QPDF_ERRORS) {
        failed(q, "PDF 文件损坏，无法完整读出", why);
        goto done;
    }
    *clean_len = qpdf_get_buffer_length(q);
    *clean = fs_xmalloc(*clean_len ? *clean_len : 1);
    memcpy(*clean, qpdf_get_buffer(q), *clean_len);
    *npages = (size_t)pages;
    *repaired = drain_warnings(q) > 0;
    rc = 0;
done:
    qpdf_cleanup(&q);
    return rc;
}

/* What the checking child sends back before the clean bytes. */
typedef struct check_reply {
    int rc, repaired;
    size_t npages, len;
    char why[FS_MERGE_WHY];
} check_reply;

/* Reads N bytes from FD into P; 0, or -1 at an early end or error. */
static int read_all(int fd, void *p, size_t n)
{
    char *c = p;

    while (n) {
        ssize_t k = read(fd, c, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return -1;
        c += k;
        n -= (size_t)k;
    }
    return 0;
}

/* Checks an evidence PDF; see fs-merge.h.  qpdf reads a hostile file in
 * a child process whose address space and processor time are limited
 * (FS_MERGE_CHILD_MEMORY, FS_MERGE_CHILD_SECONDS): a decompression bomb
 * or a runaway parse kills the child, not the run.  (Under
 * AddressSanitizer, which reserves terabytes of address space, the limits
 * are left off.)  The child sends the verdict and the clean bytes back
 * through a pipe. */
int fs_merge_check_pdf(const unsigned char *data, size_t n, size_t max_pages,
                       unsigned char **clean, size_t *clean_len, size_t *npages,
                       int *repaired, char why[FS_MERGE_WHY])
{
    int fds[2], status = 0;
    pid_t pid;
    check_reply r;
    unsigned char *buf = NULL;

    *clean = NULL;
    *clean_len = 0;
    *npages = 0;
    *repaired = 0;
    if (pipe(fds) < 0)
        return snprintf(why, FS_MERGE_WHY, "无法创建管道：%s", strerror(errno)), -1;
    fflush(NULL);
    pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return snprintf(why, FS_MERGE_WHY, "无法创建子进程：%s", strerror(errno)), -1;
    }
    if (pid == 0) {
        unsigned char *out = NULL;
#ifndef FS_UNDER_ASAN
        struct rlimit mem = {FS_MERGE_CHILD_MEMORY, FS_MERGE_CHILD_MEMORY};
        struct rlimit cpu = {FS_MERGE_CHILD_SECONDS, FS_MERGE_CHILD_SECONDS};
        setrlimit(RLIMIT_AS, &mem);
        setrlimit(RLIMIT_CPU, &cpu);
#endif
        close(fds[0]);
        memset(&r, 0, sizeof r);
        r.rc = check_pdf(data, n, max_pages, &out, &r.len, &r.npages, &r.repaired, r.why);
        if (fs_write_fd(fds[1], &r, sizeof r) < 0 || (r.len && fs_write_fd(fds[1], out, r.len) < 0))
            _exit(3);
        _exit(0);
    }
    close(fds[1]);
    memset(&r, 0, sizeof r);
    if (read_all(fds[0], &r, sizeof r) == 0 && r.len <= (size_t)4 * n + 65536) {
        buf = fs_xmalloc(r.len ? r.len : 1);
        if (read_all(fds[0], buf, r.len) < 0) {
            free(buf);
            buf = NULL;
        }
    }
    close(fds[0]);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (!buf || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        free(buf);
        snprintf(why, FS_MERGE_WHY, "读取这份 PDF 超出了内存（%d MiB）或时间（%d 秒）上限，"
                 "可能是恶意构造或严重损坏的文件", (int)(FS_MERGE_CHILD_MEMORY >> 20),
                 FS_MERGE_CHILD_SECONDS);
        return -1;
    }
    r.why[FS_MERGE_WHY - 1] = '\0';
    if (r.rc < 0) {
        free(buf);
        memcpy(why, r.why, FS_MERGE_WHY);
        return -1;
    }
    *clean = buf;
    *clean_len = r.len;
    *npages = r.npages;
    *repaired = r.repaired;
    return 0;
}

/* The page count of DATA; see fs-merge.h. */
long fs_merge_count_pages(const unsigned char *data, size_t n)
{
    qpdf_data q = quiet_qpdf();
    long pages = -1;

    if (!(qpdf_read_memory(q, "part", (const char *)data, (unsigned long long)n, "")
          & QPDF_ERRORS)) {
        pages = qpdf_get_num_pages(q);
        if (qpdf_has_error(q))
            pages = -1;
    }
    qpdf_cleanup(&q);
    return pages;
}

/* A new, empty output; see fs-merge.h. */
fs_merge *fs_merge_new(void)
{
    fs_merge *m = fs_xcalloc(1, sizeof *m);

    m->q = quiet_qpdf();
    if (qpdf_empty_pdf(m->q) & QPDF_ERRORS)
        m->broken = 1;
    strcpy(m->version, "1.4");
    return m;
}

/* Frees M, its sources and their bytes; NULL is fine. */
void fs_merge_free(fs_merge *m)
{
    if (!m)
        return;
    qpdf_cleanup(&m->q);
    for (size_t i = 0; i < m->nsrc; i++) {
        qpdf_cleanup(&m->src[i].q);
        free(m->src[i].data);
        free(m->src[i].forms);
    }
    free(m->src);
    free(m->wrapped);
    for (size_t i = 0; i < m->noutline; i++)
        free(m->outline[i].title);
    free(m->outline);
    free(m);
}

/* Reads DATA as a source and appends its pages when APPEND; see
 * fs-merge.h. */
int fs_merge_add(fs_merge *m, unsigned char *data, size_t n, int append,
                 size_t *doc, char why[FS_MERGE_WHY])
{
    msource *s;
    const char *v;
    int pages;

    m->src = fs_xrealloc(m->src, (m->nsrc + 1) * sizeof *m->src);
    s = &m->src[m->nsrc];
    memset(s, 0, sizeof *s);
    s->q = quiet_qpdf();
    s->data = data;
    s->n = n;
    m->nsrc++;
    *doc = m->nsrc - 1;
    if (m->broken) {
        snprintf(why, FS_MERGE_WHY, "qpdf 无法创建空文档");
        return -1;
    }
    if (qpdf_read_memory(s->q, "part", (const char *)data, (unsigned long long)n, "")
        & QPDF_ERRORS) {
        failed(s->q, "无法读取生成的 PDF", why);
        return -1;
    }
    pages = qpdf_get_num_pages(s->q);
    qpdf_push_inherited_attributes_to_page(s->q);
    if (failed(s->q, "无法读取 PDF 的页面", why) || pages < 0)
        return -1;
    s->npages = (size_t)pages;
    s->forms = fs_xcalloc(s->npages + 1, sizeof *s->forms);
    v = qpdf_get_pdf_version(s->q);
    if (v && strlen(v) < sizeof m->version && strcmp(v, m->version) > 0)
        strcpy(m->version, v);
    if (!append)
        return 0;
    for (size_t i = 0; i < s->npages; i++) {
        qpdf_add_page(m->q, s->q, qpdf_get_page_n(s->q, i), QPDF_FALSE);
        if (failed(m->q, "无法并入 PDF 页面", why))
            return -1;
        m->wrapped = fs_xrealloc(m->wrapped, m->npages + 1);
        m->wrapped[m->npages++] = 0;
    }
    qpdf_oh_release_all(s->q);
    return 0;
}

size_t fs_merge_doc_pages(const fs_merge *m, size_t doc)
{
    return doc < m->nsrc ? m->src[doc].npages : 0;
}

size_t fs_merge_pages(const fs_merge *m)
{
    return m->npages;
}

/* ------------------------------------------------------------------------
 * Drawing onto output pages.
 * ---------------------------------------------------------------------- */

/* A new stream of the output holding the N bytes DATA, unfiltered (qpdf
 * compresses it when writing). */
static qpdf_oh new_stream(qpdf_data q, const void *data, size_t n)
{
    qpdf_oh s = qpdf_oh_new_stream(q);

    qpdf_oh_replace_stream_data(q, s, data, n, qpdf_oh_new_null(q), qpdf_oh_new_null(q));
    return s;
}

/* Appends the content OPS to output page PAGE, the page's own content
 * first wrapped in q … Q so that whatever state it leaves does not
 * reach OPS. */
static int add_content(fs_merge *m, size_t page, const char *ops, char why[FS_MERGE_WHY])
{
    qpdf_data q = m->q;
    qpdf_oh pg = qpdf_get_page_n(q, page), arr;

    if (!m->wrapped[page]) {
        qpdf_oh old = qpdf_oh_get_key(q, pg, "/Contents");
        arr = qpdf_oh_new_array(q);
        qpdf_oh_append_item(q, arr, new_stream(q, "q\n", 2));
        if (qpdf_oh_is_array(q, old)) {
            int k = qpdf_oh_get_array_n_items(q, old);
            for (int i = 0; i < k; i++)
                qpdf_oh_append_item(q, arr, qpdf_oh_get_array_item(q, old, i));
        } else if (qpdf_oh_is_stream(q, old)) {
            qpdf_oh_append_item(q, arr, old);
        }
        qpdf_oh_append_item(q, arr, new_stream(q, "Q\n", 2));
        qpdf_oh_replace_key(q, pg, "/Contents", arr);
        m->wrapped[page] = 1;
    }
    arr = qpdf_oh_get_key(q, pg, "/Contents");
    qpdf_oh_append_item(q, arr, new_stream(q, ops, strlen(ops)));
    return failed(q, "无法在页面上绘制佐证材料", why) ? -1 : 0;
}

/* A shallow copy of dictionary D (an empty one when D is not one). */
static qpdf_oh dict_copy(qpdf_data q, qpdf_oh d)
{
    qpdf_oh c = qpdf_oh_new_dictionary(q);
    char **keys = NULL;
    size_t nk = 0;

    if (!qpdf_oh_is_dictionary(q, d))
        return c;
    qpdf_oh_begin_dict_key_iter(q, d);
    while (qpdf_oh_dict_more_keys(q)) {
        keys = fs_xrealloc(keys, (nk + 1) * sizeof *keys);
        keys[nk++] = fs_strdup(qpdf_oh_dict_next_key(q));
    }
    for (size_t i = 0; i < nk; i++) {
        qpdf_oh_replace_key(q, c, keys[i], qpdf_oh_get_key(q, d, keys[i]));
        free(keys[i]);
    }
    free(keys);
    return c;
}

/* Names XO in the resources of output page PAGE; writes the name
 * ("/FsX7") into NAME. */
static void add_xobject(fs_merge *m, size_t page, qpdf_oh xo, char name[16])
{
    qpdf_data q = m->q;
    qpdf_oh pg = qpdf_get_page_n(q, page);
    qpdf_oh res = dict_copy(q, qpdf_oh_get_key(q, pg, "/Resources"));
    qpdf_oh xd = dict_copy(q, qpdf_oh_get_key(q, res, "/XObject"));

    snprintf(name, 16, "/FsX%u", ++m->names);
    qpdf_oh_replace_key(q, xd, name, xo);
    qpdf_oh_replace_key(q, res, "/XObject", xd);
    qpdf_oh_replace_key(q, pg, "/Resources", res);
}

/* An affine map x' = a x + c y + e, y' = b x + d y + f. */
typedef struct mat { double a, b, c, d, e, f; } mat;

/* R after M. */
static mat mat_then(mat m, mat r)
{
    return (mat){r.a * m.a + r.c * m.b, r.b * m.a + r.d * m.b,
                 r.a * m.c + r.c * m.d, r.b * m.c + r.d * m.d,
                 r.a * m.e + r.c * m.f + r.e, r.b * m.e + r.d * m.f + r.f};
}

/* The map of a W x H box at the origin, mirrored across when FLIP, then
 * turned clockwise by Q quarters, onto a box at the origin again. */
static mat orient(double w, double h, int flip, int q)
{
    mat m = flip ? (mat){-1, 0, 0, 1, w, 0} : (mat){1, 0, 0, 1, 0, 0};

    switch (q & 3) {
    case 1: return mat_then(m, (mat){0, -1, 1, 0, 0, w});
    case 2: return mat_then(m, (mat){-1, 0, 0, -1, w, h});
    case 3: return mat_then(m, (mat){0, 1, -1, 0, h, 0});
    default: return m;
    }
}

/* The map that puts a W x H box (at the origin, mirrored by FLIP and
 * turned Q quarters clockwise) into R: scaled to fit but at most MAXS,
 * a quarter turn counter-clockwise more when that is at least 10 %
 * larger, centred across and at the top; *PLACED gets where it went. */
static mat fit(double w, double h, int flip, int q, fs_rect r, double maxs, fs_rect *placed)
{
    double dw = q & 1 ? h : w, dh = q & 1 ? w : h;
    double s0 = fmin(r.w / dw, r.h / dh), s1 = fmin(r.w / dh, r.h / dw), s;
    mat m;

    if (s1 > s0 * 1.1) {
        q = (q + 3) & 3;
        dw = q & 1 ? h : w;
        dh = q & 1 ? w : h;
        s0 = s1;
    }
    s = fmin(s0, maxs);
    m = orient(w, h, flip, q);
    *placed = (fs_rect){r.x + (r.w - s * dw) / 2, r.y + r.h - s * dh, s * dw, s * dh};
    return mat_then(m, (mat){s, 0, 0, s, placed->x, placed->y});
}

/* Appends "q M cm NAME Do Q" to page PAGE. */
static int draw_xobject(fs_merge *m, size_t page, qpdf_oh xo, mat t, char why[FS_MERGE_WHY])
{
    char name[16], ops[256];

    add_xobject(m, page, xo, name);
    snprintf(ops, sizeof ops, "q %.5f %.5f %.5f %.5f %.3f %.3f cm %s Do Q\n",
             t.a, t.b, t.c, t.d, t.e, t.f, name);
    return add_content(m, page, ops, why);
}

/* An image XObject of the output: W x H, 8 bits, colour space CS, the N
 * bytes DATA already encoded with FILTER (NULL: raw). */
static qpdf_oh new_image(qpdf_data q, unsigned w, unsigned h, const char *cs,
                         const unsigned char *data, size_t n, const char *filter)
{
    qpdf_oh s = qpdf_oh_new_stream(q), d;

    qpdf_oh_replace_stream_data(q, s, data, n,
                                filter ? qpdf_oh_new_name(q, filter) : qpdf_oh_new_null(q),
                                qpdf_oh_new_null(q));
    d = qpdf_oh_get_dict(q, s);
    qpdf_oh_replace_key(q, d, "/Type", qpdf_oh_new_name(q, "/XObject"));
    qpdf_oh_replace_key(q, d, "/Subtype", qpdf_oh_new_name(q, "/Image"));
    qpdf_oh_replace_key(q, d, "/Width", qpdf_oh_new_integer(q, w));
    qpdf_oh_replace_key(q, d, "/Height", qpdf_oh_new_integer(q, h));
    qpdf_oh_replace_key(q, d, "/ColorSpace", qpdf_oh_new_name(q, cs));
    qpdf_oh_replace_key(q, d, "/BitsPerComponent", qpdf_oh_new_integer(q, 8));
    return s;
}

/* Draws an image; see fs-merge.h. */
int fs_merge_place_image(fs_merge *m, size_t page, const fs_image *img,
                         fs_rect r, char why[FS_MERGE_WHY])
{
    static const int flips[9] = {0, 0, 1, 0, 1, 1, 0, 1, 0};
    static const int turns[9] = {0, 0, 0, 2, 2, 3, 1, 1, 3};
    qpdf_data q = m->q;
    qpdf_oh xo;
    int o = img->orientation >= 1 && img->orientation <= 8 ? img->orientation : 1;
    fs_rect placed;
    mat t;

    if (page >= m->npages)
        return snprintf(why, FS_MERGE_WHY, "内部错误：页码越界"), -1;
    if (img->kind == FS_IMAGE_JPEG) {
        static const char *const cs[5] = {"", "/DeviceGray", "", "/DeviceRGB", "/DeviceCMYK"};
        xo = new_image(q, img->width, img->height, cs[img->components],
                       img->jpeg, img->jpeg_len, "/DCTDecode");
        if (img->inverted)
            qpdf_oh_replace_key(q, qpdf_oh_get_dict(q, xo), "/Decode",
                                qpdf_oh_parse(q, "[1 0 1 0 1 0 1 0]"));
    } else {
        xo = new_image(q, img->width, img->height, "/DeviceRGB", img->rgb,
                       img->rgb_len, "/FlateDecode");
        if (img->alpha) {
            qpdf_oh sm = new_image(q, img->width, img->height, "/DeviceGray", img->alpha,
                                   img->alpha_len, "/FlateDecode");
            qpdf_oh_replace_key(q, qpdf_oh_get_dict(q, xo), "/SMask", sm);
        }
    }
    if (failed(q, "无法把图像写入 PDF", why))
        return -1;
    /* the unit square of image space, W x H first */
    t = mat_then((mat){img->width, 0, 0, img->height, 0, 0},
                 fit(img->width, img->height, flips[o], turns[o], r, 1.0, &placed));
    return draw_xobject(m, page, xo, t, why);
}

/* The form XObject of page I of source S, in the output (made once). */
static qpdf_oh page_form(fs_merge *m, msource *s, size_t i, double box[4], int *quarters,
                         char why[FS_MERGE_WHY])
{
    qpdf_data sq = s->q;
    qpdf_oh page = qpdf_get_page_n(sq, i), form, d, bbox, v;
    unsigned char *buf = NULL;
    size_t len = 0;

    if (page_box(sq, page, box) < 0) {
        snprintf(why, FS_MERGE_WHY, "PDF 第 %zu 页没有有效的页面尺寸", i + 1);
        return 0;
    }
    *quarters = page_quarters(sq, page);
    if (s->forms[i])
        return s->forms[i];
    qpdf_oh_get_page_content_data(sq, page, &buf, &len);
    if (failed(sq, "PDF 页面的内容无法解码", why)) {
        free(buf);
        return 0;
    }
    form = qpdf_oh_new_stream(sq);
    qpdf_oh_replace_stream_data(sq, form, buf ? buf : (unsigned char *)"", len,
                                qpdf_oh_new_null(sq), qpdf_oh_new_null(sq));
    free(buf);
    d = qpdf_oh_get_dict(sq, form);
    qpdf_oh_replace_key(sq, d, "/Type", qpdf_oh_new_name(sq, "/XObject"));
    qpdf_oh_replace_key(sq, d, "/Subtype", qpdf_oh_new_name(sq, "/Form"));
    bbox = qpdf_oh_new_array(sq);
    for (int k = 0; k < 4; k++)
        qpdf_oh_append_item(sq, bbox, qpdf_oh_new_real_from_double(sq, box[k], 3));
    qpdf_oh_replace_key(sq, d, "/BBox", bbox);
    v = qpdf_oh_get_key(sq, page, "/Resources");
    qpdf_oh_replace_key(sq, d, "/Resources",
                        qpdf_oh_is_dictionary(sq, v) ? v : qpdf_oh_new_dictionary(sq));
    v = qpdf_oh_get_key(sq, page, "/Group");
    if (qpdf_oh_is_dictionary(sq, v))
        qpdf_oh_replace_key(sq, d, "/Group", v);
    if (failed(sq, "无法把 PDF 页面转为表单对象", why))
        return 0;
    s->forms[i] = qpdf_oh_copy_foreign_object(m->q, sq, form);
    if (failed(m->q, "无法复制 PDF 页面", why))
        return s->forms[i] = 0;
    return s->forms[i];
}

/* Draws a page of a source; see fs-merge.h. */
int fs_merge_place_page(fs_merge *m, size_t page, size_t doc, size_t src_page,
                        fs_rect r, char why[FS_MERGE_WHY])
{
    double box[4];
    int quarters = 0;
    qpdf_oh form;
    fs_rect placed;
    char ops[160];
    mat t;

    if (page >= m->npages || doc >= m->nsrc || src_page >= m->src[doc].npages)
        return snprintf(why, FS_MERGE_WHY, "内部错误：页码越界"), -1;
    form = page_form(m, &m->src[doc], src_page, box, &quarters, why);
    if (!form)
        return -1;
    t = mat_then((mat){1, 0, 0, 1, -box[0], -box[1]},
                 fit(box[2] - box[0], box[3] - box[1], 0, quarters, r, 1.0, &placed));
    if (draw_xobject(m, page, form, t, why) < 0)
        return -1;
    /* a thin frame: where the evidence page ends (its own white margins
     * and page number would otherwise run into ours) */
    snprintf(ops, sizeof ops, "q 0.6 G 0.4 w %.3f %.3f %.3f %.3f re S Q\n",
             placed.x, placed.y, placed.w, placed.h);
    return add_content(m, page, ops, why);
}

/* Strokes a thin grey rule; see fs-merge.h. */
int fs_merge_rule(fs_merge *m, size_t page, double x0, double x1, double y,
                  char why[FS_MERGE_WHY])
{
    char ops[160];

    if (page >= m->npages)
        return snprintf(why, FS_MERGE_WHY, "内部错误：页码越界"), -1;
    snprintf(ops, sizeof ops, "q 0.5 G 0.5 w %.3f %.3f m %.3f %.3f l S Q\n", x0, y, x1, y);
    return add_content(m, page, ops, why);
}

/* ------------------------------------------------------------------------
 * Outline and writing.
 * ---------------------------------------------------------------------- */

/* Records an outline entry; see fs-merge.h. */
void fs_merge_outline(fs_merge *m, int level, const char *title, size_t page)
{
    m->outline = fs_xrealloc(m->outline, (m->noutline + 1) * sizeof *m->outline);
    m->outline[m->noutline++] = (mentry){level ? 1 : 0, fs_strdup(title), page};
}

/* The outline item of entry E under PARENT. */
static qpdf_oh outline_item(qpdf_data q, const mentry *e, qpdf_oh parent)
{
    qpdf_oh it = qpdf_make_indirect_object(q, qpdf_oh_new_dictionary(q));
    qpdf_oh dest = qpdf_oh_new_array(q);

    qpdf_oh_append_item(q, dest, qpdf_get_page_n(q, e->page));
    qpdf_oh_append_item(q, dest, qpdf_oh_new_name(q, "/Fit"));
    qpdf_oh_replace_key(q, it, "/Title", qpdf_oh_new_unicode_string(q, e->title));
    qpdf_oh_replace_key(q, it, "/Parent", parent);
    qpdf_oh_replace_key(q, it, "/Dest", dest);
    return it;
}

/* Links the N items IT under PARENT (First, Last, Prev, Next, Count: all
 * open). */
static void outline_link(qpdf_data q, qpdf_oh parent, const qpdf_oh *it, size_t n,
                         long long count)
{
    if (!n)
        return;
    for (size_t i = 0; i < n; i++) {
        if (i)
            qpdf_oh_replace_key(q, it[i], "/Prev", it[i - 1]);
        if (i + 1 < n)
            qpdf_oh_replace_key(q, it[i], "/Next", it[i + 1]);
    }
    qpdf_oh_replace_key(q, parent, "/First", it[0]);
    qpdf_oh_replace_key(q, parent, "/Last", it[n - 1]);
    qpdf_oh_replace_key(q, parent, "/Count", qpdf_oh_new_integer(q, count));
}

/* Builds the outline of M's entries in the output's catalog. */
static void build_outline(fs_merge *m)
{
    qpdf_data q = m->q;
    qpdf_oh root = qpdf_get_root(q), top, *parts, *kids;
    size_t nparts = 0;

    if (!m->noutline)
        return;
    top = qpdf_make_indirect_object(q, qpdf_oh_new_dictionary(q));
    qpdf_oh_replace_key(q, top, "/Type", qpdf_oh_new_name(q, "/Outlines"));
    parts = fs_xcalloc(m->noutline, sizeof *parts);
    kids = fs_xcalloc(m->noutline, sizeof *kids);
    for (size_t i = 0; i < m->noutline;) {
        size_t nk = 0, j = i + 1;
        if (m->outline[i].level != 0 || m->outline[i].page >= m->npages) {
            i++;
            continue;
        }
        parts[nparts] = outline_item(q, &m->outline[i], top);
        for (; j < m->noutline && m->outline[j].level == 1; j++)
            if (m->outline[j].page < m->npages)
                kids[nk] = outline_item(q, &m->outline[j], parts[nparts]), nk++;
        outline_link(q, parts[nparts], kids, nk, (long long)nk);
        nparts++;
        i = j;
    }
    outline_link(q, top, parts, nparts, (long long)m->noutline);
    qpdf_oh_replace_key(q, root, "/Outlines", top);
    qpdf_oh_replace_key(q, root, "/PageMode", qpdf_oh_new_name(q, "/UseOutlines"));
    free(parts);
    free(kids);
}

/* OH of source SQ as an object of the output: indirect objects through
 * qpdf's foreign copy, direct arrays and dictionaries item by item,
 * scalars re-parsed from their PDF syntax. */
static qpdf_oh copy_in(fs_merge *m, qpdf_data sq, qpdf_oh oh)
{
    qpdf_data q = m->q;

    if (qpdf_oh_is_indirect(sq, oh))
        return qpdf_oh_copy_foreign_object(q, sq, oh);
    if (qpdf_oh_is_array(sq, oh)) {
        qpdf_oh a = qpdf_oh_new_array(q);
        int n = qpdf_oh_get_array_n_items(sq, oh);
        for (int i = 0; i < n; i++)
            qpdf_oh_append_item(q, a, copy_in(m, sq, qpdf_oh_get_array_item(sq, oh, i)));
        return a;
    }
    if (qpdf_oh_is_dictionary(sq, oh)) {
        qpdf_oh d = qpdf_oh_new_dictionary(q), c = dict_copy(sq, oh);
        char **keys = NULL;
        size_t nk = 0;
        qpdf_oh_begin_dict_key_iter(sq, c);
        while (qpdf_oh_dict_more_keys(sq)) {
            keys = fs_xrealloc(keys, (nk + 1) * sizeof *keys);
            keys[nk++] = fs_strdup(qpdf_oh_dict_next_key(sq));
        }
        for (size_t i = 0; i < nk; i++) {
            qpdf_oh_replace_key(q, d, keys[i], copy_in(m, sq, qpdf_oh_get_key(sq, oh, keys[i])));
            free(keys[i]);
        }
        free(keys);
        return d;
    }
    return qpdf_oh_parse(q, qpdf_oh_unparse_binary(sq, oh));
}

/* Sets the subset tag of font name key K of dictionary D to TAG (six
 * letters) when the name has one ("/ABCDEF+Name"). */
static void retag_name(qpdf_data q, qpdf_oh d, const char *k, const char *tag)
{
    qpdf_oh v = qpdf_oh_get_key(q, d, k);
    char *name;

    if (!qpdf_oh_is_name(q, v))
        return;
    name = fs_strdup(qpdf_oh_get_name(q, v));
    if (strlen(name) > 8 && name[7] == '+') {
        memcpy(name + 1, tag, 6);
        qpdf_oh_replace_key(q, d, k, qpdf_oh_new_name(q, name));
    }
    free(name);
}

/* Gives every subset font of the output's pages (the parts we typeset:
 * each carries libharu's HPDFAA+, HPDFAB+ … of its own) a subset tag of
 * its own, FSAAAA, FSAAAB …, in page order: a PDF should not hold two
 * different subsets under one name.  Fonts inside evidence pages (form
 * XObjects) keep theirs. */
static void retag_fonts(fs_merge *m)
{
    qpdf_data q = m->q;
    int *seen = NULL;
    size_t nseen = 0;

    for (size_t p = 0; p < m->npages; p++) {
        qpdf_oh fonts = qpdf_oh_get_key(q, qpdf_oh_get_key(q, qpdf_get_page_n(q, p), "/Resources"),
                                        "/Font");
        char **keys = NULL;
        size_t nk = 0;

        if (!qpdf_oh_is_dictionary(q, fonts))
            continue;
        qpdf_oh_begin_dict_key_iter(q, fonts);
        while (qpdf_oh_dict_more_keys(q)) {
            keys = fs_xrealloc(keys, (nk + 1) * sizeof *keys);
            keys[nk++] = fs_strdup(qpdf_oh_dict_next_key(q));
        }
        for (size_t i = 0; i < nk; i++) {
            qpdf_oh f = qpdf_oh_get_key(q, fonts, keys[i]), kids, fd;
            int id = qpdf_oh_get_object_id(q, f), dup = 0;
            char tag[7];
            free(keys[i]);
            for (size_t j = 0; j < nseen && !dup; j++)
                dup = seen[j] == id;
            if (dup || !id || !qpdf_oh_is_dictionary(q, f))
                continue;
            seen = fs_xrealloc(seen, (nseen + 1) * sizeof *seen);
            seen[nseen++] = id;
            snprintf(tag, sizeof tag, "FS%c%c%c%c", 'A' + (int)(nseen / 17576 % 26),
                     'A' + (int)(nseen / 676 % 26), 'A' + (int)(nseen / 26 % 26),
                     'A' + (int)(nseen % 26));
            retag_name(q, f, "/BaseFont", tag);
            kids = qpdf_oh_get_key(q, f, "/DescendantFonts");
            if (qpdf_oh_is_array(q, kids) && qpdf_oh_get_array_n_items(q, kids) > 0) {
                qpdf_oh cid = qpdf_oh_get_array_item(q, kids, 0);
                retag_name(q, cid, "/BaseFont", tag);
                fd = qpdf_oh_get_key(q, cid, "/FontDescriptor");
            } else {
                fd = qpdf_oh_get_key(q, f, "/FontDescriptor");
            }
            if (qpdf_oh_is_dictionary(q, fd))
                retag_name(q, fd, "/FontName", tag);
        }
        free(keys);
    }
    free(seen);
}

/* Writes the output; see fs-merge.h. */
int fs_merge_write(fs_merge *m, size_t doc_meta, int pdfa, unsigned char **out,
                   size_t *outlen, char why[FS_MERGE_WHY])
{
    qpdf_data q = m->q;

    *out = NULL;
    *outlen = 0;
    if (m->broken || !m->npages) {
        snprintf(why, FS_MERGE_WHY, "内部错误：没有页面可写");
        return -1;
    }
    if (doc_meta < m->nsrc) {
        qpdf_data sq = m->src[doc_meta].q;
        qpdf_oh sroot = qpdf_get_root(sq), root = qpdf_get_root(q);
        qpdf_oh info = qpdf_oh_get_key(sq, qpdf_get_trailer(sq), "/Info");
        static const char *const keys[2] = {"/Metadata", "/OutputIntents"};

        if (qpdf_oh_is_dictionary(sq, info))
            qpdf_oh_replace_key(q, qpdf_get_trailer(q), "/Info",
                                qpdf_make_indirect_object(q, copy_in(m, sq, info)));
        for (int k = 0; k < 2; k++) {
            qpdf_oh v = qpdf_oh_get_key(sq, sroot, keys[k]);
            if (!qpdf_oh_is_null(sq, v))
                qpdf_oh_replace_key(q, root, keys[k], copy_in(m, sq, v));
        }
        if (failed(sq, "无法读取文档信息", why) || failed(q, "无法复制文档信息", why))
            return -1;
    }
    build_outline(m);
    if (failed(q, "无法生成书签", why))
        return -1;
    retag_fonts(m);
    if (failed(q, "无法整理字体名称", why))
        return -1;
    qpdf_init_write_memory(q);
    qpdf_set_object_stream_mode(q, qpdf_o_disable);
    qpdf_set_decode_level(q, qpdf_dl_none);     /* streams copied, never inflated */
    qpdf_set_compress_streams(q, QPDF_TRUE);
    qpdf_set_deterministic_ID(q, QPDF_TRUE);
    if (pdfa)
        qpdf_force_pdf_version(q, "1.4");
    else
        qpdf_set_minimum_pdf_version(q, m->version);
    if (qpdf_write(q) & QPDF_ERRORS) {
        failed(q, "无法写出合并后的 PDF", why);
        return -1;
    }
    drain_warnings(q);
    *outlen = qpdf_get_buffer_length(q);
    *out = fs_xmalloc(*outlen ? *outlen : 1);
    memcpy(*out, qpdf_get_buffer(q), *outlen);
    return 0;
}
