/*
 * fs-lib-private.h - inside libfivestar only: what the files of src/lib/
 * share beyond the public header (fivestar.h): the context's fonts, forms
 * templates and PDF/A profile, the builders of the forms table, the
 * 统计表's rows, and JSON strings.
 */
#ifndef FS_LIB_PRIVATE_H
#define FS_LIB_PRIVATE_H

#include "fivestar.h"
#include "fs-doc.h"
#include "fs-font.h"
#include "fs-form.h"

#include <pthread.h>

/* The fontset, loaded on first use.  NULL with *ERR = FS_E_FONT and the
 * reason in DIAGS (once: a failed load is not retried). */
const fs_fontset *fs_lib_fonts(fs_lib *lib, fs_diags *diags, fs_error *err);
/* The forms template of rubric R, loaded on first use.  NULL with *ERR =
 * FS_E_TEMPLATE (a diagnostic says why, once). */
fs_forms *fs_lib_forms(fs_lib *lib, const fs_rubric *r, fs_diags *diags,
                       fs_error *err);
/* The PDF/A profile, loaded on first use.  NULL with *ERR and the reason
 * in DIAGS. */
struct fs_pdfa;
const struct fs_pdfa *fs_lib_pdfa(fs_lib *lib, fs_diags *diags, fs_error *err);
/* Rubric ID through the context's cache (fs_rubric_cache_get: a problem
 * is reported against FILE:LINE). */
const fs_rubric *fs_lib_rubric(fs_lib *lib, const char *id, fs_diags *diags,
                               const char *file, long line, fs_error *err);
/* The number of threads on which the context renders one dossier's
 * forms (fs_lib_options.threads; at least 1). */
int fs_lib_threads(const fs_lib *lib);
/* 1 when the context has its fonts, and its PDF/A profile when PDFA,
 * loaded already (this loads nothing), else 0. */
int fs_lib_loaded(const fs_lib *lib, int pdfa);
/* Calls the context's progress function, if any. */
void fs_lib_progress(fs_lib *lib, size_t done, size_t total, const char *file);
/* Hands DIAGS to the context's report function, if any. */
void fs_lib_report(fs_lib *lib, fs_diags *diags);

/* One dossier's forms rendered to memory (fs-lib-jobs.c): one job per
 * form and format, in the order of rendering one after the other (every
 * form as PDF, then every form as DOCX).  fs_lib_jobs_init makes the jobs
 * of the built forms DOCS (by table index; NULL: none) in FORMATS for the
 * folder DIR; DOCS and O must outlive them.  fs_lib_jobs_start has the
 * context's threads render them ahead (fs_lib_threads; nothing with one);
 * fs_lib_jobs_get gives job I rendered (waiting for the threads, or
 * rendering it now): its bytes, outcome and diagnostics, as one thread
 * would have made them.  fs_lib_jobs_free frees them all (joining the
 * threads first). */
typedef struct fs_lib_job {
    char *path;                 /* the file's final path                   */
    unsigned char *data;        /* its bytes, LEN of them                  */
    size_t len;
    fs_error err;
    fs_diags diags;             /* what the render said                    */
    /* inside fs-lib-jobs.c */
    fs_lib *lib;
    const fs_doc *doc;
    const fs_render_options *o;
    const fs_form_entry *form;
    fs_format format;
    int done;
} fs_lib_job;

typedef struct fs_lib_jobs {
    fs_lib_job *v;
    size_t n;
    /* inside fs-lib-jobs.c */
    fs_lib *lib;
    size_t next;                /* the next job to take, atomically        */
    int threaded;               /* threads started, not yet joined         */
    size_t nthreads;
    pthread_t tid[FS_LIB_MAX_THREADS];
} fs_lib_jobs;

void fs_lib_jobs_init(fs_lib_jobs *js, fs_lib *lib, fs_doc *const *docs,
                      const char *dir, unsigned formats, const fs_render_options *o);
void fs_lib_jobs_start(fs_lib_jobs *js);
fs_lib_job *fs_lib_jobs_get(fs_lib_jobs *js, size_t i);
void fs_lib_jobs_free(fs_lib_jobs *js);

/* What a builder of the table needs, loaded by the context before it is
 * called (fs_lib_build), so that the table holds data and builders only
 * and never calls back into the context.  None is owned. */
typedef struct fs_form_parts {
    fs_forms *forms;            /* FS_FORM_DOSSIER: the forms template of
                                   the dossier's rubric                    */
    fs_result_sheet scores;     /* FS_FORM_DOSSIER: the dossier's scores   */
    const char *set;            /* FS_FORM_FLOWCHART: the template set     */
    const fs_fontset *fonts;    /* FS_FORM_FLOWCHART: for the layout       */
} fs_form_parts;

/* Builds a form of the table (fs-forms-table.c) for dossier D from the
 * parts P; NULL with *ERR and a diagnostic in DIAGS on failure. */
typedef fs_doc *fs_form_builder(const fs_form_parts *p, const fs_form_entry *form,
                                const fs_dossier *d, fs_diags *diags,
                                fs_error *err);
/* The builder of FORM, NULL when FORM is not an entry of the table or is
 * built by its own call (the 统计表). */
fs_form_builder *fs_forms_table_builder(const fs_form_entry *form);

/* Fills ROW for dossier D: its scores, and 是否达标 from <compliant>, else
 * from the rubric's threshold for the star level held, else blank with a
 * warning in DIAGS naming the dossier (fs-stats.c). */
void fs_stats_row_init(fs_stats_row *row, const fs_dossier *d, fs_diags *diags);
/* Sorts ROWS by town in the official order of FORMS' <towns> (NULL: none),
 * towns of one rank by name, then by organisation, then file name (code
 * point order: the same on every machine, whatever the locale). */
void fs_stats_sort(fs_stats_row *rows, size_t n, const fs_forms *forms);
/* Puts a warning into DIAGS for every organisation (by name) that ROWS
 * hold twice for one year, naming both files. */
void fs_stats_warn_twice(const fs_stats_row *rows, size_t n, fs_diags *diags);
/* The figures under the table: counts per star level held, 是否达标
 * counts, the mean total (rounded half up to a tenth), the years. */
void fs_stats_summarise(const fs_stats_row *rows, size_t n, fs_stats_summary *sum);
/* The 统计表 of the N sorted ROWS, with the forms template of the first
 * row's rubric; its source file is NAME.  NULL with *ERR =
 * FS_E_TEMPLATE and an error in DIAGS when the template has none. */
fs_doc *fs_stats_doc(fs_lib *lib, const fs_stats_row *rows, size_t n,
                     const char *name, fs_diags *diags, fs_error *err);

/* Appends S (NULL: "") to B as a JSON string: quote, backslash and
 * control characters escaped, the rest as UTF-8 (fs-json.c). */
void fs_json_string(fs_buf *b, const char *s);

#endif
