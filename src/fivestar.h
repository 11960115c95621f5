/*
 * fivestar.h - the public interface of libfivestar (build/libfivestar.a),
 * the one header a front end (the command line, the browser editor, the
 * print bundle) includes.  Every step a front end offers is a call here;
 * no front end re-implements one.
 *
 *   fs_lib       the context: templates, fonts, rubrics, forms templates
 *                and the PDF/A profile, each loaded once and shared by
 *                every call made with it
 *   load         a dossier from a file or from bytes in memory, checked
 *                against its rubric: the diagnostics are data (fs_diags:
 *                file, line, severity, message in Chinese)
 *   score        subtotals, total, verdict, and the `score --json` line
 *   forms        a table of every form (fs_form_entry): id, output file
 *                stem, what it is built from; build one as a document,
 *                render it to bytes or to a file (PDF, PDF/A, DOCX)
 *   bundle       one PDF of the forms, the 佐证材料目录 and the evidence
 *   statistics   the 统计表 of many dossiers
 *   new          the text of a blank dossier
 *
 * The vocabulary types come from fs-base.h (fs_error, fs_diags, fs_tenths,
 * fs_buf …) and fs-model.h (fs_dossier, fs_rubric, fs_result_sheet): front
 * ends read their fields and never change them.  Documents (fs_doc) and
 * the context are opaque.
 *
 * Ownership: what a function returns malloc'd the caller frees (free(),
 * or the matching *_free, each of which accepts NULL).  A dossier must be
 * freed before the context it was loaded with, since its rubric belongs
 * to the context.  Failure: functions return NULL or an fs_error and add
 * at least one diagnostic to DIAGS saying why; they never print.
 *
 * A context is not shared between threads; a process forked after its
 * fonts are loaded may use its copy (the CLI's render --jobs does).
 */
#ifndef FIVESTAR_H
#define FIVESTAR_H

#include "fs-base.h"
#include "fs-model.h"

/* ------------------------------------------------------------------------
 * The context.
 * ---------------------------------------------------------------------- */
typedef struct fs_lib fs_lib;

typedef struct fs_lib_options {
    int fonts;          /* load the fontset now (else at the first render) */
    int pdfa;           /* load the PDF/A profile now (else when needed)   */
    int threads;        /* render a dossier's forms on up to this many
                           threads at once (fs_lib_write_forms,
                           fs_lib_batch_add); 0 or 1: one after the other,
                           at most FS_LIB_MAX_THREADS                      */
    const char *first;  /* with FONTS, when a second processor is free: a
                           dossier the run will load first.  fs_lib_new
                           reads it, saying nothing, to load the templates
                           it names while the fonts load on a thread of
                           their own, and returns when both are done (so
                           forking after it is safe).  Templates that gave
                           any error are not kept: the run loads them again
                           and says why.  NULL: fonts only               */
} fs_lib_options;
#define FS_LIB_MAX_THREADS 8

/* Makes a context over the templates folder fs_templates_init found
 * (call it first; $FIVESTAR_TEMPLATES wins).  The fonts are those of
 * $FIVESTAR_FONTS, else fonts/fonts.conf beside the templates folder when
 * it is there, else beside the templates that come with the program.
 * O (NULL: load nothing now) says what to load at once, so that a failure
 * shows before any work and forked workers share what was loaded.
 * Returns NULL with *ERR (FS_E_FONT, FS_E_IO, FS_E_TEMPLATE) and the
 * reason in DIAGS.  Free it with fs_lib_free. */
fs_lib *fs_lib_new(const fs_lib_options *o, fs_diags *diags, fs_error *err);
void fs_lib_free(fs_lib *lib);

/* The font configuration the context uses: $FIVESTAR_FONTS, else
 * fonts/fonts.conf beside the templates folder when it is there, else
 * beside the templates that come with the program, so that a copy of
 * templates/ alone keeps the fonts (malloc'd). */
char *fs_lib_fonts_conf_path(void);

/* Progress: FN (NULL: none) is called with CTX as long runs (statistics,
 * archive) take up each dossier: DONE of TOTAL, FILE the one taken up. */
typedef void fs_progress_fn(void *ctx, size_t done, size_t total,
                            const char *file);
void fs_lib_set_progress(fs_lib *lib, fs_progress_fn *fn, void *ctx);
/* Reporting: long runs (the archive) call FN (NULL: none) with CTX and
 * their DIAGS after each dossier is loaded and at the end, so that a
 * front end can print them as they come (and empty them).  Without one
 * they all stay in DIAGS. */
typedef void fs_report_fn(void *ctx, fs_diags *diags);
void fs_lib_set_report(fs_lib *lib, fs_report_fn *fn, void *ctx);

/* ------------------------------------------------------------------------
 * Dossiers.
 * ---------------------------------------------------------------------- */

/* Reads the dossier file PATH and checks it (format, schema, every rule of
 * dossier-format.md, its rubric): every problem goes to DIAGS in the order
 * found (fs_diags_sort puts them in line order).  Returns the dossier,
 * with d->rubric set, or NULL with *ERR = FS_E_INVALID (it has errors),
 * FS_E_IO (unreadable) or FS_E_TEMPLATE (its rubric or the schema is
 * missing or broken).  Free it with fs_dossier_free before LIB. */
fs_dossier *fs_lib_load(fs_lib *lib, const char *path, fs_diags *diags,
                        fs_error *err);
/* The same for the LEN bytes at DATA (say, an HTTP request's body), as if
 * read from a file named NAME: NAME is what the diagnostics and the forms
 * call it, and evidence is looked up beside it.  Same checks, same
 * diagnostics and the same dossier as fs_lib_load of such a file.  DATA
 * stays the caller's. */
fs_dossier *fs_lib_load_memory(fs_lib *lib, const char *name, const void *data,
                               size_t len, fs_diags *diags, fs_error *err);

/* The diagnostics DIAGS as a JSON array (malloc'd, no newline):
 * [{"file":…,"line":12,"severity":"error","message":"…"}, …] in their
 * current order. */
char *fs_json_diags(const fs_diags *diags);

/* ------------------------------------------------------------------------
 * Scores.  fs_score_dossier (fs-model.h) fills an fs_result_sheet.
 * ---------------------------------------------------------------------- */

/* The line `fivestar score --json` prints for D (loaded by fs_lib_load):
 * one JSON object with the keys of cli.md and a final newline (malloc'd).
 * The CLI and the server print these same bytes. */
char *fs_json_score(const fs_dossier *d);

/* ------------------------------------------------------------------------
 * The forms.  Each form is one entry of a table (src/lib/fs-forms-table.c):
 * adding a form is its template plus one entry.
 * ---------------------------------------------------------------------- */
typedef enum fs_form_kind {
    FS_FORM_DOSSIER,    /* one per dossier: render writes it into DIR/NAME/ */
    FS_FORM_STATS,      /* one over many dossiers (fs_stats_build)          */
    FS_FORM_FLOWCHART   /* a chart, plain or marked with a dossier          */
} fs_form_kind;

typedef enum fs_format { FS_FORMAT_PDF, FS_FORMAT_DOCX } fs_format;

typedef struct fs_form_entry {
    const char *id;             /* "scoresheet", "creation" …              */
    const char *stem;           /* output file name less extension: 评定标准 */
    const char *attachment;     /* 附件1 …                                  */
    fs_form_kind kind;
    unsigned formats;           /* 1 << FS_FORMAT_PDF | 1 << FS_FORMAT_DOCX */
} fs_form_entry;

/* The number of forms and the I-th (in the order render and archive write
 * them), or NULL past the end. */
size_t fs_forms_table_count(void);
const fs_form_entry *fs_forms_table_get(size_t i);
/* The form whose id or stem is NAME, or NULL; the flowcharts also by
 * their Chinese names 创建 and 动态管理. */
const fs_form_entry *fs_forms_table_find(const char *name);
/* The extension of FORMAT with its dot: ".pdf", ".docx". */
const char *fs_format_ext(fs_format format);
/* The output file name of FORM in FORMAT: "评定标准.pdf" (malloc'd). */
char *fs_form_file_name(const fs_form_entry *form, fs_format format);

/* A built form, ready to render in any format.  Opaque here (fs-doc.h). */
typedef struct fs_doc fs_doc;
void fs_doc_free(fs_doc *doc);

/* The template set (rubric ID, fs-set.h) of the forms built without a
 * dossier, the plain flowcharts; NULL: the only rubric in
 * templates/rubrics.  FS_OK, or FS_E_INVALID with a Chinese diagnostic
 * when ID is unknown, or NULL while there are several rubrics (the front
 * end must ask which).  Without this call such a form is built from the
 * only rubric there is, if there is one. */
fs_error fs_lib_set_rubric(fs_lib *lib, const char *id, fs_diags *diags);
/* The set fs_lib_set_rubric chose, or NULL. */
const char *fs_lib_rubric_id(const fs_lib *lib);

/* Builds FORM for dossier D (loaded by LIB): a dossier form needs D; a
 * flowchart, from the charts of D's template set, is marked with D's
 * history, or plain when D is NULL (the set of fs_lib_set_rubric).  For the
 * 统计表 use fs_stats_build.  Returns the document (fs_doc_free), or NULL
 * with *ERR (FS_E_TEMPLATE, FS_E_IO, FS_E_USAGE for a missing D) and the
 * reason in DIAGS. */
fs_doc *fs_lib_build(fs_lib *lib, const fs_form_entry *form,
                     const fs_dossier *d, fs_diags *diags, fs_error *err);

typedef struct fs_render_options {
    fs_format format;
    int pdfa;           /* PDF: follow PDF/A-1b                              */
    int office_fonts;   /* DOCX: embed no font (fs-docx.h)                    */
} fs_render_options;

/* Renders DOC as O says (NULL: PDF) into *OUT / *OUTLEN (malloc'd; the
 * caller frees *OUT).  NAME is what the diagnostics call the result.
 * Returns FS_OK, or an error (FS_E_FONT, FS_E_PDF, FS_E_ZIP …) with *OUT
 * NULL and a message naming NAME in DIAGS.  The same inputs give the same
 * bytes.  DOC is only read: once LIB has its fonts (and PDF/A profile)
 * loaded, one document may be rendered on several threads at once. */
fs_error fs_lib_render(fs_lib *lib, const fs_doc *doc,
                       const fs_render_options *o, const char *name,
                       unsigned char **out, size_t *outlen, fs_diags *diags);
/* Renders DOC as O says and writes it to PATH whole or not at all (beside,
 * fsync, rename): the bytes fs_lib_render gives.  FS_E_IO when it cannot
 * be written, PATH then untouched. */
fs_error fs_lib_write(fs_lib *lib, fs_doc *doc,
                      const fs_render_options *o, const char *path,
                      fs_diags *diags);
/* Builds FORM for D and renders it (fs_lib_build then fs_lib_render):
 * what `render` and `flowchart --dossier` write for it. */
fs_error fs_lib_render_form(fs_lib *lib, const fs_form_entry *form,
                            const fs_dossier *d, const fs_render_options *o,
                            unsigned char **out, size_t *outlen,
                            fs_diags *diags);

/* What `render` does for one dossier: builds every form of kind
 * FS_FORM_DOSSIER for D and writes it, in each format of FORMATS (a set
 * of 1 << FS_FORMAT_…; O gives the other options), into the folder DIR
 * (made, one level, once every form is built), as fs_form_file_name
 * calls it.  Stops at the first
 * failure (FS_E_IO, FS_E_FONT …, with the reason in DIAGS); each file is
 * written whole or not at all. */
fs_error fs_lib_write_forms(fs_lib *lib, const fs_dossier *d, const char *dir,
                            unsigned formats, const fs_render_options *o,
                            fs_diags *diags);
/* Many dossiers' forms, made durable together (fs-lib-batch.c): what
 * `render` does for a group of dossiers.  fs_lib_batch_add does what
 * fs_lib_write_forms does for D but leaves its files as temporaries beside
 * their final names (a failure leaves nothing of D and is returned);
 * DIAGS must live until the batch is committed or freed.
 * fs_lib_batch_commit flushes every temporary of the batch in one pass
 * (one syncfs of the file system when there are many, instead of a flush
 * per file) and then renames each dossier's files into place; a failed
 * flush goes to every dossier's DIAGS and leaves nothing of them, a failed
 * rename (rare) fails its dossier with the files renamed before it kept.
 * fs_lib_batch_result is the I-th dossier's outcome (FS_OK once it is
 * committed whole).  fs_lib_batch_free removes what was not committed. */
typedef struct fs_lib_batch fs_lib_batch;
fs_lib_batch *fs_lib_batch_new(void);
fs_error fs_lib_batch_add(fs_lib *lib, fs_lib_batch *b, const fs_dossier *d,
                          const char *dir, unsigned formats,
                          const fs_render_options *o, fs_diags *diags);
size_t fs_lib_batch_count(const fs_lib_batch *b);
void fs_lib_batch_commit(fs_lib_batch *b);
fs_error fs_lib_batch_result(const fs_lib_batch *b, size_t i);
void fs_lib_batch_free(fs_lib_batch *b);
/* Makes the folder DIR (one level) unless it is a folder already.
 * Returns 0, or -1 with errno (ENOTDIR when DIR is something else). */
int fs_lib_make_dir(const char *dir);

/* ------------------------------------------------------------------------
 * The bundle: one PDF to print or hand in (src/bundle/fs-bundle.h).
 * ---------------------------------------------------------------------- */

/* Makes the bundle of dossier D (loaded by LIB): 附件1 and 附件2 as render
 * draws them, the marked 附件4, the 佐证材料目录 and the evidence files
 * found beside D (images and PDF pages; other files listed as 未附), page
 * numbers through the whole, an outline.  PDFA: the forms' PDF/A-1b
 * structure.  Evidence problems are warnings in DIAGS; the bundle is made
 * all the same.  Returns FS_OK with *OUT / *OUTLEN (malloc'd), or an error
 * (FS_E_FONT, FS_E_TEMPLATE, FS_E_PDF) with the reason in DIAGS.  The same
 * inputs give the same bytes. */
fs_error fs_lib_bundle(fs_lib *lib, const fs_dossier *d, int pdfa,
                       unsigned char **out, size_t *outlen, fs_diags *diags);
/* The bundle's file name in the archive (and the server's download). */
#define FS_BUNDLE_FILE "申报材料汇编.pdf"

/* ------------------------------------------------------------------------
 * Output names (fs-names.c).  A file name is untrusted text: the folder
 * of a dossier is never ".", "..", empty, hidden or outside the output
 * folder, and no two dossiers of one run share one.
 * ---------------------------------------------------------------------- */

/* The folder of dossier PATH under render's output folder and in the
 * archive: its file name less ".xml", with control characters,
 * backslashes and bytes that are not UTF-8 made "_", leading dots dropped,
 * "档案" when nothing is left (malloc'd). */
char *fs_names_folder(const char *path);
/* The folders of the N dossier files FILES of one run, settled before
 * anything is written: N malloc'd names (free them with fs_names_free).
 * A folder name that differs from the file's gets a warning.  Two files
 * with one name: with REFUSE, an error naming both and *ERR =
 * FS_E_INVALID; without, the later one gets NAME-2 (NAME-3 …, never a
 * name another file of the run has) and a warning naming both. */
char **fs_names_folders(const char *const *files, size_t n, int refuse,
                        fs_diags *diags, fs_error *err);
void fs_names_free(char **v, size_t n);
/* Is NAME safe as a member of an archive, so that unpacking it stays in
 * the folder it is unpacked into: not empty, not absolute, no drive
 * letter, no backslash or control character, no empty, "." or ".."
 * segment. */
int fs_names_member_ok(const char *name);

/* ------------------------------------------------------------------------
 * The 统计表 (附件3).
 * ---------------------------------------------------------------------- */

/* Builds the 统计表 of the N dossiers D (loaded by LIB, in any order: the
 * rows are sorted by town, then name, then file), with the forms template
 * of the first one's rubric; NAME (the output file) names it in
 * diagnostics.  A row whose 是否达标 cannot be decided is left blank with
 * a warning in DIAGS.  Returns the document, or NULL with *ERR
 * (FS_E_INVALID for N = 0, FS_E_TEMPLATE) and the reason in DIAGS. */
fs_doc *fs_stats_build(fs_lib *lib, const fs_dossier *const *d, size_t n,
                       const char *name, fs_diags *diags, fs_error *err);

/* ------------------------------------------------------------------------
 * The yearly archive (zip): 统计表.pdf/.docx, then for each dossier (by
 * folder name) NAME/NAME.xml, its forms (PDF/A-1b and DOCX), its bundle
 * (NAME/申报材料汇编.pdf) and the evidence files it names, then
 * manifest.json with the size and SHA-256 of every other member.  Deterministic: the same inputs give the same
 * bytes.
 * ---------------------------------------------------------------------- */
#define FS_ARCHIVE_MANIFEST "manifest.json"

typedef struct fs_archive_options {
    fs_date date;       /* of the members; y = 0: the newest application
                           date among the dossiers                       */
    int skip_invalid;   /* leave out dossiers with errors (with a warning)
                           instead of writing nothing                    */
} fs_archive_options;

typedef struct fs_archive_summary {
    int written;                /* the archive was written                */
    size_t dossiers, members;
    fs_date date;
    char manifest_sha256[65];   /* hex, to note down for checking later   */
} fs_archive_summary;

/* Loads the N dossier files FILES with LIB and writes their archive to
 * OUT whole or not at all (libzip writes beside and renames).  Every
 * problem goes to DIAGS (and to LIB's report function as it comes).
 * Returns the worst outcome: FS_E_INVALID when a dossier has errors
 * (nothing written unless O->skip_invalid), two dossiers would share a
 * folder or none is left (nothing written); FS_E_IO, FS_E_ZIP … when
 * writing failed (OUT untouched).  SUM says what was written. */
fs_error fs_archive_write(fs_lib *lib, const char *const *files, size_t n,
                          const char *out, const fs_archive_options *o,
                          fs_archive_summary *sum, fs_diags *diags);

typedef struct fs_archive_info {
    size_t members;             /* listed in the manifest                 */
    char *version, *date;       /* the manifest's, "?" when absent        */
    char **rubrics;
    size_t nrubrics;
    char manifest_sha256[65];
} fs_archive_info;

/* Checks the archive PATH: every member's size and SHA-256 against its
 * manifest, every missing, extra or altered member named in DIAGS.
 * Returns FS_OK with INFO filled (free it with fs_archive_info_clear),
 * FS_E_INVALID when the archive does not pass, FS_E_IO when it cannot be
 * read. */
fs_error fs_archive_verify(const char *path, fs_archive_info *info,
                           fs_diags *diags);
void fs_archive_info_clear(fs_archive_info *info);

/* ------------------------------------------------------------------------
 * New dossiers.
 * ---------------------------------------------------------------------- */

/* The text of a blank dossier of rubric ID (NULL: the only rubric in
 * templates/rubrics; an error when there are several) for YEAR, every
 * rubric item listed with its standard as a comment (malloc'd).  NULL
 * with *ERR (FS_E_INVALID: no such rubric, or none named among several;
 * FS_E_TEMPLATE) and the reason in DIAGS. */
char *fs_blank_dossier(fs_lib *lib, const char *id, int year,
                       fs_diags *diags, fs_error *err);

#endif
