/*
 * fivestar.h - public types and functions of fivestar.
 *
 * fivestar reads one XML dossier per party organisation, validates it
 * against a rubric read from templates/, scores it in exact tenths and
 * renders the official forms.  Every public name starts with fs_ / FS_.
 *
 * Ownership: a *_new or *_load function returns an object the caller frees
 * with the matching *_free; every *_free accepts NULL.  Strings inside the
 * structures below are owned by the structure that holds them.
 */
#ifndef FIVESTAR_H
#define FIVESTAR_H

#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

#define FS_VERSION "0.1.0"
#define FS_DOSSIER_FORMAT 1

/* Limits of dossier-format.md. */
#define FS_MAX_FILE_BYTES (4L * 1024 * 1024)
#define FS_MAX_TEXT_CHARS 5000
#define FS_MAX_NOTE_CHARS 500
#define FS_MAX_SECTIONS 16
#define FS_MAX_ITEMS 200

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
    FS_E_MAX
} fs_error;

const char *fs_strerror(fs_error err);
int fs_exit_status(fs_error err);

/* ------------------------------------------------------------------------
 * Diagnostics: FILE:LINE: error|warning: MESSAGE, collected and printed in
 * line order.  A line of 0 prints as FILE: error: MESSAGE.
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
 * The rubric (templates/rubrics/ID.xml).
 * ---------------------------------------------------------------------- */
typedef struct fs_rubric_item {
    int number;                 /* 1..n, global over the sections          */
    int section;                /* index into fs_rubric.sections           */
    fs_tenths max;
    char **standard;            /* paragraphs of 评定标准                  */
    size_t nstandard;
    char *check;                /* 检查内容, NULL where none is given       */
} fs_rubric_item;

typedef struct fs_rubric_section {
    int number;                 /* 1..6                                    */
    char *name;                 /* 班子建设                                */
    char *label;                /* 一、班子建设                            */
    fs_tenths max;
    int first_item, nitems;     /* index into fs_rubric.items              */
} fs_rubric_section;

typedef struct fs_threshold {
    int star;                   /* 5                                       */
    fs_tenths min;              /* 900                                     */
    char *name;                 /* 五星级党组织                            */
} fs_threshold;

typedef struct fs_rubric {
    char *id;
    char *path;
    char *title;
    char *issuer;
    char *remark;
    fs_tenths max;
    fs_rubric_section *sections;
    size_t nsections;
    fs_rubric_item *items;
    size_t nitems;
    fs_threshold *thresholds;
    size_t nthresholds;
} fs_rubric;

/* Loads and checks the rubric file PATH (items add up to their sections,
 * sections to the total, items numbered 1..n).  Problems go to DIAGS;
 * returns NULL with *ERR set (FS_E_TEMPLATE or FS_E_NOMEM). */
fs_rubric *fs_rubric_load(const char *path, fs_diags *diags, fs_error *err);
void fs_rubric_free(fs_rubric *r);
const fs_rubric_item *fs_rubric_item_by_number(const fs_rubric *r, int n);
const fs_threshold *fs_rubric_threshold(const fs_rubric *r, int star);
/* Is ID a safe rubric id (letters, digits, '-', '_', '.', no "..")? */
int fs_rubric_id_ok(const char *id);

/* ------------------------------------------------------------------------
 * Where the templates are: $FIVESTAR_TEMPLATES, else ../templates or
 * ../share/fivestar/templates next to the executable, else the installed
 * share directory.  fs_templates_path returns a malloc'd path of NAME under
 * that directory, or NULL.
 * ---------------------------------------------------------------------- */
void fs_templates_init(const char *argv0);
const char *fs_templates_dir(void);
char *fs_templates_path(const char *name);
char *fs_rubric_path(const char *id);

/* ------------------------------------------------------------------------
 * The dossier.
 * ---------------------------------------------------------------------- */
typedef struct fs_text {
    char *s;                    /* NULL when absent; normalised text       */
    long line;                  /* line of the element, 0 when absent      */
} fs_text;

typedef struct fs_evidence {
    char *caption;
    char *href;                 /* NULL when absent                        */
    long line;
} fs_evidence;

typedef struct fs_score {
    int present;
    fs_tenths points;
    fs_text note;
    fs_evidence *evidence;
    size_t nevidence;
    long line;
} fs_score;

typedef enum fs_stage {
    FS_STAGE_SUBMITTED, FS_STAGE_INITIAL_REVIEW, FS_STAGE_COMMITTEE_REVIEW,
    FS_STAGE_RECTIFICATION, FS_STAGE_CREATION, FS_STAGE_GUIDANCE,
    FS_STAGE_INITIAL_EVALUATION, FS_STAGE_FINAL_EVALUATION, FS_STAGE_APPROVED,
    FS_STAGE_ANNUAL_REPORT, FS_STAGE_INSPECTION, FS_STAGE_ASSESSMENT,
    FS_STAGE_RECHECK, FS_STAGE_REVOKED, FS_STAGE_COUNT
} fs_stage;

typedef enum fs_result { FS_RESULT_NONE, FS_RESULT_PASS, FS_RESULT_FAIL } fs_result;

typedef struct fs_event {
    fs_date date;
    fs_stage stage;
    fs_result result;
    char *text;
    long line;
} fs_event;

typedef struct fs_dossier {
    char *path;                 /* as given on the command line            */
    int year;
    char *rubric_id;
    long line;

    /* <organization> */
    fs_text name, unit, town, leader, phone;
    long members;
    fs_date founded;
    int star;                   /* -1 when absent                          */
    long star_line;

    /* <application> */
    fs_date date;
    int apply_star;
    long application_line;
    fs_text honors, opinion, remark;
    fs_text situation[FS_MAX_SECTIONS];     /* index: section number - 1   */

    /* <assessment>, index: item number - 1 */
    fs_score scores[FS_MAX_ITEMS];
    long assessment_line;

    /* <standing> */
    int compliant;              /* -1 absent, 0 no, 1 yes                  */
    fs_text problems, plan, standing_remark;

    /* <history> */
    fs_event *events;
    size_t nevents;
} fs_dossier;

/* Loads PATH safely (no DTD, entity or network; size limit; any encoding
 * libxml2 converts), checks it against templates/dossier.xsd and every rule
 * of dossier-format.md, and returns the dossier with its rubric in *RUBRIC
 * (loaded through CACHE, which the caller owns; see fs_rubric_cache).
 * Every problem goes to DIAGS in line order.  Returns NULL when the file
 * has errors (*ERR = FS_E_INVALID), cannot be read (FS_E_IO) or its rubric
 * is missing or broken (FS_E_TEMPLATE). */
typedef struct fs_rubric_cache fs_rubric_cache;
fs_rubric_cache *fs_rubric_cache_new(void);
void fs_rubric_cache_free(fs_rubric_cache *c);
const fs_rubric *fs_rubric_cache_get(fs_rubric_cache *c, const char *id,
                                     fs_diags *diags, const char *file,
                                     long line, fs_error *err);

fs_dossier *fs_dossier_load(const char *path, fs_rubric_cache *cache,
                            const fs_rubric **rubric, fs_diags *diags,
                            fs_error *err);
void fs_dossier_free(fs_dossier *d);
const char *fs_stage_name(fs_stage s);
int fs_stage_is_review(fs_stage s);

/* ------------------------------------------------------------------------
 * Scoring.
 * ---------------------------------------------------------------------- */
typedef struct fs_result_sheet {
    fs_tenths section[FS_MAX_SECTIONS];
    fs_tenths total;
    fs_tenths max;
    int star;                   /* star applied for                        */
    fs_tenths threshold;        /* -1 when the rubric has none             */
    int qualified;              /* total >= threshold                      */
} fs_result_sheet;

void fs_score_dossier(const fs_dossier *d, const fs_rubric *r,
                      fs_result_sheet *out);

/* ------------------------------------------------------------------------
 * Small helpers shared by the modules (fs-util.c).
 * ---------------------------------------------------------------------- */
void *fs_xmalloc(size_t n);     /* abort()s on failure: never returns NULL */
void *fs_xcalloc(size_t n, size_t size);
void *fs_xrealloc(void *p, size_t n);
char *fs_strdup(const char *s); /* NULL for NULL                           */
char *fs_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

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

/* Writes the NUL-free bytes DATA to PATH whole or not at all: a temporary
 * file beside PATH, fsync, rename.  Returns FS_OK or FS_E_IO with errno set
 * and the temporary removed. */
fs_error fs_write_atomic(const char *path, const void *data, size_t n);

#endif
