/*
 * fs-model.h - the model: the rubric (templates/rubrics/ID.xml) and where
 * the templates are, the dossier as loaded and checked, and its scores.
 * Backend-neutral: nothing here knows about documents, PDF or DOCX.
 *
 * Ownership: a *_new or *_load function returns an object the caller frees
 * with the matching *_free; every *_free accepts NULL.  Strings inside the
 * structures below are owned by the structure that holds them.
 */
#ifndef FS_MODEL_H
#define FS_MODEL_H

#include "fs-base.h"

#define FS_DOSSIER_FORMAT 1

/* Limits of dossier-format.md. */
#define FS_MAX_FILE_BYTES (4L * 1024 * 1024)
#define FS_MAX_TEXT_CHARS 5000
#define FS_MAX_NOTE_CHARS 500
#define FS_MAX_SECTIONS 16
#define FS_MAX_ITEMS 200

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
 * Where the templates are (fs-templates.c): $FIVESTAR_TEMPLATES, else
 * ../templates or ../share/fivestar/templates next to the executable, else
 * the installed share directory.  fs_templates_path returns a malloc'd path of NAME under
 * that directory, or NULL.
 * ---------------------------------------------------------------------- */
void fs_templates_init(const char *argv0);
const char *fs_templates_dir(void);
/* The templates folder that comes with the program (the checkout's or the
 * installed one), ignoring $FIVESTAR_TEMPLATES. */
const char *fs_templates_builtin_dir(void);
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

typedef enum fs_result { FS_RESULT_NONE, FS_RESULT_PASS, FS_RESULT_FAIL } fs_result;

/* One event of <history>.  The stages are data: those of the flowcharts
 * of the dossier's template set (fs-set.h). */
typedef struct fs_event {
    fs_date date;
    char *stage;                /* canonical name (initial-review), also
                                   when the dossier gave a Chinese one;
                                   NULL when it names no stage of the set  */
    int annual;                 /* belongs to the annual cycle (附件5)      */
    fs_result result;
    char *text;
    long line;
} fs_event;

typedef struct fs_dossier {
    char *path;                 /* as given on the command line            */
    int year;
    char *rubric_id;
    const fs_rubric *rubric;    /* set once loaded without errors; owned
                                   by the rubric cache it came through    */
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
/* The cache of a run (fs-rubric-cache.c). */
typedef struct fs_rubric_cache fs_rubric_cache;
fs_rubric_cache *fs_rubric_cache_new(void);
void fs_rubric_cache_free(fs_rubric_cache *c);
/* The dossier schema (templates/dossier.xsd), loaded once per cache;
 * NULL after a diagnostic when it cannot be used (fs-xml.h). */
struct fs_schema *fs_rubric_cache_schema(fs_rubric_cache *c, fs_diags *diags);
const fs_rubric *fs_rubric_cache_get(fs_rubric_cache *c, const char *id,
                                     fs_diags *diags, const char *file,
                                     long line, fs_error *err);

fs_dossier *fs_dossier_load(const char *path, fs_rubric_cache *cache,
                            const fs_rubric **rubric, fs_diags *diags,
                            fs_error *err);
/* The same for the LEN bytes at DATA (the caller's), as if they had been
 * read from a file named NAME: NAME is the dossier's path in diagnostics
 * and for its evidence, and the result is what fs_dossier_load gives for
 * a file NAME holding those bytes. */
fs_dossier *fs_dossier_load_memory(const char *name, const void *data,
                                   size_t len, fs_rubric_cache *cache,
                                   const fs_rubric **rubric, fs_diags *diags,
                                   fs_error *err);
void fs_dossier_free(fs_dossier *d);

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

#endif
