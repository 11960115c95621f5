/*
 * fs-base.h - the base layer every other folder builds on: error codes,
 * diagnostics (FILE:LINE: error|warning: MESSAGE collected as data),
 * exact tenths, dates, allocation that never returns NULL, growable
 * buffers, UTF-8 and the whole-or-nothing file write.  Nothing here knows
 * about dossiers, rubrics or documents.
 *
 * Ownership: strings inside the structures below are owned by the
 * structure that holds them; every *_free / *_clear accepts NULL or empty.
 */
#ifndef FS_BASE_H
#define FS_BASE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

#define FS_VERSION "0.1.0"

/* ------------------------------------------------------------------------
 * Errors.  One enum for every failure cause; fs_strerror() names it and
 * fs_exit_status() maps it onto the exit statuses of cli.md.
 * ---------------------------------------------------------------------- */
typedef enum fs_error {
    FS_OK = 0,
    FS_E_INVALID,   /* an input has errors (printed as diagnostics)        */
    FS_E_USAGE,     /* bad command line                                    */
    FS_E_IO,        /* a file could not be read or written                 */
    FS_E_NOMEM,     /* out of memory                                       */
    FS_E_TEMPLATE,  /* a template or rubric is missing or wrong            */
    FS_E_FONT,      /* a font is missing or unusable                       */
    FS_E_PDF,       /* libharu failed                                      */
    FS_E_ZIP,       /* libzip failed                                       */
    FS_E_NOTIMPL,   /* a subcommand that is not implemented yet            */
    FS_E_INTERRUPTED, /* stopped by SIGINT or SIGTERM (fs_signal_caught)   */
    FS_E_MAX
} fs_error;

const char *fs_strerror(fs_error err);
int fs_exit_status(fs_error err);

/* ------------------------------------------------------------------------
 * Diagnostics (fs-diags.c): FILE:LINE: error|warning: MESSAGE, collected
 * and printed in line order.  A line of 0 prints as FILE: error: MESSAGE.
 * ---------------------------------------------------------------------- */
typedef enum fs_severity { FS_WARNING, FS_ERROR } fs_severity;

typedef struct fs_diag {
    char *file;
    long line;
    fs_severity severity;
    char *message;
    size_t seq;                 /* order of arrival, keeps the sort stable */
} fs_diag;

typedef struct fs_diags {
    fs_diag *v;
    size_t n, cap;
    size_t errors, warnings;
} fs_diags;

void fs_diags_add(fs_diags *d, const char *file, long line, fs_severity sev,
                  const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
void fs_diags_sort(fs_diags *d);
void fs_diags_print(const fs_diags *d, FILE *out);
void fs_diags_clear(fs_diags *d);

/* Are A and B the same number?  An exact comparison, for values that are
 * copied, quantised or whole, never for results computed two ways (which
 * need a tolerance); false when either is NaN, as A == B.  Spelled this way
 * so that -Wfloat-equal flags every other exact comparison. */
static inline int fs_exact_eq(double a, double b)
{
    return a <= b && a >= b;
}

/* ------------------------------------------------------------------------
 * Points are exact tenths: 4.5 points is 45.
 * ---------------------------------------------------------------------- */
typedef long fs_tenths;

/* Writes TENTHS as "93", "19.5" or "-0.5" into BUF (at least 24 bytes). */
char *fs_tenths_format(fs_tenths t, char *buf, size_t size);
/* Parses "4", "4.5", "4.0" (at most one decimal, no sign, no exponent).
 * Returns 0 and sets *OUT, or -1 when S is not such a number. */
int fs_tenths_parse(const char *s, fs_tenths *out);

/* ------------------------------------------------------------------------
 * Dates.
 * ---------------------------------------------------------------------- */
typedef struct fs_date { int y, m, d; } fs_date;

/* Parses YYYY-MM-DD of a real calendar date; returns 0 or -1. */
int fs_date_parse(const char *s, fs_date *out);
int fs_date_cmp(fs_date a, fs_date b);
/* "2018年4月12日" (GB/T 9704: no leading zeros). */
char *fs_date_format_cn(fs_date d, char *buf, size_t size);

/* ------------------------------------------------------------------------
 * Small helpers shared by the modules (fs-util.c).
 * ---------------------------------------------------------------------- */
void *fs_xmalloc(size_t n);     /* abort()s on failure: never returns NULL */
void *fs_xcalloc(size_t n, size_t size);
void *fs_xrealloc(void *p, size_t n);
/* Room for element N in the array V of SIZE-byte elements, *CAP of them
 * (doubling); returns the possibly moved array. */
void *fs_grow(void *v, size_t n, size_t *cap, size_t size);
char *fs_strdup(const char *s); /* NULL for NULL                           */
char *fs_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *fs_vprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* A growable byte buffer; b.s is always NUL-terminated once used. */
typedef struct fs_buf { char *s; size_t len, cap; } fs_buf;
void fs_buf_add(fs_buf *b, const char *s, size_t n);
void fs_buf_adds(fs_buf *b, const char *s);
void fs_buf_printf(fs_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void fs_buf_free(fs_buf *b);

/* UTF-8: decodes one code point at *P (advancing it), 0xFFFD on bad input. */
uint32_t fs_utf8_next(const char **p);
size_t fs_utf8_encode(uint32_t cp, char out[4]);
size_t fs_utf8_len(const char *s);          /* characters, not bytes      */

/* Writes the NUL-free bytes DATA to PATH whole or not at all (fs-write.c):
 * a temporary file beside PATH, fsync, rename.  Returns FS_OK or FS_E_IO
 * with errno set and the temporary removed. */
fs_error fs_write_atomic(const char *path, const void *data, size_t n);
/* Writes all N bytes at DATA to FD (again after EINTR and short writes;
 * fs-util.c): 0, or -1 with errno set. */
int fs_write_fd(int fd, const void *data, size_t n);

/* Temporaries (fs-temp.c).  fs_temp_write writes the N bytes at DATA to a
 * new file PATH.fstmp-PID-XXXXXX beside PATH and flushes it to the disk;
 * *TMP is its name (malloc'd), which the caller hands to fs_temp_commit
 * (renames it onto PATH) or fs_temp_discard (removes it); both free it.
 * Writing several temporaries before committing any makes a set of files
 * change together.  Failures return FS_E_IO with errno set and leave no
 * temporary (and PATH as it was); a PATH that is a folder or a device
 * fails.  fs_temp_discard_all removes every temporary this process has
 * not committed (after an interruption).  fs_temp_sweep removes from DIR
 * the temporaries of processes that no longer run (a killed run), with a
 * warning each in DIAGS, and returns how many. */
fs_error fs_temp_write(const char *path, const void *data, size_t n, char **tmp);
/* fs_temp_write without the flush, for a set of files: write them all
 * with it, then flush them in one pass with fs_temp_flush (FS_E_IO with
 * errno set when one fails), then commit them.  One flush pass per set
 * instead of one per file, and for a large set (many dossiers' files) one
 * syncfs per file system instead of one flush per file (README,
 * Performance). */
fs_error fs_temp_write_unflushed(const char *path, const void *data, size_t n,
                                 char **tmp);
fs_error fs_temp_flush(char *const *tmps, size_t n);
fs_error fs_temp_commit(char *tmp, const char *path);
void fs_temp_discard(char *tmp);
void fs_temp_discard_all(void);
int fs_temp_sweep(const char *dir, fs_diags *diags);

/* Signals (fs-signal.c).  fs_signal_install makes SIGINT and SIGTERM set
 * a flag that long loops read with fs_signal_caught (the signal, or 0)
 * to stop cleanly with FS_E_INTERRUPTED, and ignores SIGXFSZ so that a
 * write past `ulimit -f` fails with EFBIG. */
void fs_signal_install(void);
int fs_signal_caught(void);

#endif
