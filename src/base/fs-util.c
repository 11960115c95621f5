/*
 * fs-util.c - errors, memory, strings, buffers, exact tenths, dates, UTF-8
 * and writing a buffer to a descriptor, shared by every module: the
 * bottom of base/, using nothing else of fivestar.  Diagnostics are
 * fs-diags.c, whole-or-nothing file writing fs-write.c.
 */
#define _GNU_SOURCE
#include "fs-base.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ------------------------------------------------------------------------
 * Errors.
 * ---------------------------------------------------------------------- */

static const char *const error_strings[FS_E_MAX + 1] = {
    [FS_OK] = "成功",
    [FS_E_INVALID] = "输入有错误",
    [FS_E_USAGE] = "用法错误",
    [FS_E_IO] = "读写失败",
    [FS_E_NOMEM] = "内存不足",
    [FS_E_TEMPLATE] = "模板缺失或有误",
    [FS_E_FONT] = "字体缺失或不可用",
    [FS_E_PDF] = "生成 PDF 失败",
    [FS_E_ZIP] = "生成压缩包失败",
    [FS_E_NOTIMPL] = "尚未实现",
    [FS_E_INTERRUPTED] = "被中断",
    [FS_E_MAX] = "未知错误",
};

/* Returns a static Chinese name of ERR; out-of-range values are clamped. */
const char *fs_strerror(fs_error err)
{
    if ((unsigned)err > FS_E_MAX)
        err = FS_E_MAX;
    return error_strings[err];
}

/* Maps ERR onto the exit statuses of cli.md: 0 success, 1 input errors,
 * 2 usage, 3 input/output or internal failure; 130 or 143 for a run
 * stopped by SIGINT or SIGTERM. */
int fs_exit_status(fs_error err)
{
    switch (err) {
    case FS_OK: return 0;
    case FS_E_INVALID: return 1;
    case FS_E_USAGE: return 2;
    case FS_E_INTERRUPTED: return 128 + (fs_signal_caught() ? fs_signal_caught() : 2);
    default: return 3;
    }
}

/* ------------------------------------------------------------------------
 * Allocation.  Running out of memory is not recoverable in a command line
 * tool that holds a few megabytes: print and abort rather than thread NULL
 * checks through every caller.
 * ---------------------------------------------------------------------- */

static void out_of_memory(void)
{
    fputs("fivestar: error: 内存不足\n", stderr);
    abort();
}

void *fs_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        out_of_memory();
    return p;
}

void *fs_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        out_of_memory();
    return p;
}

void *fs_xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p)
        out_of_memory();
    return p;
}

/* Makes room in the array V (SIZE-byte elements, *CAP of them) for element
 * N and returns the possibly moved array: the capacity doubles (16 at
 * first), so appending one element at a time costs amortised O(1).
 * Aborts when out of memory. */
void *fs_grow(void *v, size_t n, size_t *cap, size_t size)
{
    if (n < *cap)
        return v;
    *cap = *cap ? *cap * 2 : 16;
    if (*cap <= n)
        *cap = n + 1;
    return fs_xrealloc(v, *cap * size);
}

/* Copies S into new memory the caller frees; NULL stays NULL. */
char *fs_strdup(const char *s)
{
    size_t n;
    char *p;

    if (!s)
        return NULL;
    n = strlen(s) + 1;
    p = fs_xmalloc(n);
    memcpy(p, s, n);
    return p;
}

/* vprintf into new memory the caller frees. */
char *fs_vprintf(const char *fmt, va_list ap)
{
    char *s = NULL;

    if (vasprintf(&s, fmt, ap) < 0)
        out_of_memory();
    return s;
}

/* printf into new memory the caller frees. */
char *fs_printf(const char *fmt, ...)
{
    va_list ap;
    char *s;

    va_start(ap, fmt);
    s = fs_vprintf(fmt, ap);
    va_end(ap);
    return s;
}

/* ------------------------------------------------------------------------
 * Growable buffer.
 * ---------------------------------------------------------------------- */

static void buf_reserve(fs_buf *b, size_t extra)
{
    size_t need = b->len + extra + 1;

    if (need <= b->cap)
        return;
    if (b->cap * 2 > need)
        need = b->cap * 2;
    if (need < 64)
        need = 64;
    b->s = fs_xrealloc(b->s, need);
    b->cap = need;
}

/* Appends N bytes of S; B keeps a terminating NUL. */
void fs_buf_add(fs_buf *b, const char *s, size_t n)
{
    buf_reserve(b, n);
    if (n)
        memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

void fs_buf_adds(fs_buf *b, const char *s)
{
    fs_buf_add(b, s, strlen(s));
}

void fs_buf_printf(fs_buf *b, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    buf_reserve(b, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

/* Frees the memory of B and leaves it empty and reusable. */
void fs_buf_free(fs_buf *b)
{
    free(b->s);
    b->s = NULL;
    b->len = b->cap = 0;
}

/* ------------------------------------------------------------------------
 * Exact tenths.
 * ---------------------------------------------------------------------- */

/* Formats T with '.' as the decimal point whatever the locale, and no
 * trailing ".0". */
char *fs_tenths_format(fs_tenths t, char *buf, size_t size)
{
    const char *sign = t < 0 ? "-" : "";
    unsigned long a = t < 0 ? (unsigned long)-t : (unsigned long)t;

    if (a % 10)
        snprintf(buf, size, "%s%lu.%lu", sign, a / 10, a % 10);
    else
        snprintf(buf, size, "%s%lu", sign, a / 10);
    return buf;
}

/* Parses digits with at most one decimal digit; no sign, no blanks. */
int fs_tenths_parse(const char *s, fs_tenths *out)
{
    fs_tenths v = 0;
    int digits = 0;

    if (!s)
        return -1;
    for (; *s >= '0' && *s <= '9'; s++) {
        if (++digits > 9)
            return -1;
        v = v * 10 + (*s - '0');
    }
    if (!digits)
        return -1;
    v *= 10;
    if (*s == '.') {
        s++;
        if (*s < '0' || *s > '9')
            return -1;
        v += *s++ - '0';
    }
    if (*s)
        return -1;
    *out = v;
    return 0;
}

/* ------------------------------------------------------------------------
 * Dates.
 * ---------------------------------------------------------------------- */

static int days_in_month(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

    return m == 2 && leap ? 29 : days[m - 1];
}

/* Accepts exactly YYYY-MM-DD naming a real day of years 1900..2999. */
int fs_date_parse(const char *s, fs_date *out)
{
    int v[8];

    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return -1;
    for (int i = 0, k = 0; i < 10; i++) {
        if (i == 4 || i == 7)
            continue;
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v[k++] = s[i] - '0';
    }
    out->y = v[0] * 1000 + v[1] * 100 + v[2] * 10 + v[3];
    out->m = v[4] * 10 + v[5];
    out->d = v[6] * 10 + v[7];
    if (out->y < 1900 || out->y > 2999 || out->m < 1 || out->m > 12 ||
        out->d < 1 || out->d > days_in_month(out->y, out->m))
        return -1;
    return 0;
}

int fs_date_cmp(fs_date a, fs_date b)
{
    if (a.y != b.y)
        return a.y < b.y ? -1 : 1;
    if (a.m != b.m)
        return a.m < b.m ? -1 : 1;
    return a.d < b.d ? -1 : a.d > b.d;
}

char *fs_date_format_cn(fs_date d, char *buf, size_t size)
{
    snprintf(buf, size, "%d年%d月%d日", d.y, d.m, d.d);
    return buf;
}

/* ------------------------------------------------------------------------
 * UTF-8.
 * ---------------------------------------------------------------------- */

/* Decodes one code point and advances *P past it.  Malformed, overlong or
 * surrogate sequences give U+FFFD and advance by one byte, so a loop over
 * arbitrary bytes always ends.  The NUL byte gives 0 without advancing. */
uint32_t fs_utf8_next(const char **p)
{
    const unsigned char *s = (const unsigned char *)*p;
    uint32_t cp;
    int n;

    if (s[0] == 0)
        return 0;
    if (s[0] < 0x80) {
        *p += 1;
        return s[0];
    }
    if (s[0] >= 0xC2 && s[0] <= 0xDF) {
        n = 1;
        cp = s[0] & 0x1F;
    } else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
        n = 2;
        cp = s[0] & 0x0F;
    } else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
        n = 3;
        cp = s[0] & 0x07;
    } else {
        *p += 1;
        return 0xFFFD;
    }
    for (int i = 1; i <= n; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            *p += 1;
            return 0xFFFD;
        }
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF)) {
        *p += 1;
        return 0xFFFD;
    }
    *p += n + 1;
    return cp;
}

/* Encodes CP (U+0000..U+10FFFF) and returns its length in bytes. */
size_t fs_utf8_encode(uint32_t cp, char out[4])
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

size_t fs_utf8_len(const char *s)
{
    size_t n = 0;

    while (*s) {
        fs_utf8_next(&s);
        n++;
    }
    return n;
}

/* ------------------------------------------------------------------------
 * Descriptors.
 * ---------------------------------------------------------------------- */

/* Writes all N bytes at DATA to FD, again after EINTR and short writes.
 * Returns 0, or -1 with errno set (EIO when write wrote nothing). */
int fs_write_fd(int fd, const void *data, size_t n)
{
    const char *p = data;

    while (n > 0) {
        ssize_t w = write(fd, p, n);

        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            if (w == 0)
                errno = EIO;
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}
