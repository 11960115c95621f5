/*
 * fs-form.h - the forms, built once as documents from templates.
 *
 * A forms template (templates/forms/ID.xml, ID named by the rubric's forms
 * attribute, default the rubric's id) holds the fixed texts, labels, column
 * widths and type sizes of 附件1 评定标准, 附件2 申报表 and 附件3 统计表.
 * The builders below combine it with the rubric, a dossier and its scores
 * into a fs_doc that both backends render; no layout lives in C.
 */
#ifndef FS_FORM_H
#define FS_FORM_H

#include "fs-model.h"
#include "fs-doc.h"

typedef struct fs_forms fs_forms;

/* Loads PATH; problems (naming PATH and line) go to DIAGS; NULL with
 * *ERR = FS_E_TEMPLATE on failure. */
fs_forms *fs_forms_load(const char *path, fs_diags *diags, fs_error *err);
void fs_forms_free(fs_forms *f);

/* 附件1: the scoresheet with self-scores, subtotals, total and verdict. */
fs_doc *fs_form_scoresheet(const fs_forms *f, const fs_rubric *r,
                           const fs_dossier *d, const fs_result_sheet *s);
/* 附件2: the application form. */
fs_doc *fs_form_application(const fs_forms *f, const fs_rubric *r,
                            const fs_dossier *d, const fs_result_sheet *s);

/* One row of the 统计表: a valid dossier, its rubric and scores, and its
 * 是否达标 as decided by the caller (fs-stats.c). */
typedef struct fs_stats_row {
    const fs_dossier *d;
    const fs_rubric *r;
    fs_result_sheet s;
    int compliant;              /* 1 是, 0 否, -1 left blank               */
    size_t town_rank;           /* fs_forms_town_rank of its 镇街           */
} fs_stats_row;

/* The figures under the 统计表. */
typedef struct fs_stats_summary {
    size_t count;
    size_t stars[6];            /* by star level held; [0]: none or absent */
    size_t qualified, unqualified, undetermined;    /* 是否达标 是, 否, blank */
    fs_tenths average;          /* mean self-assessed total, to a tenth    */
    int year_min, year_max;     /* assessment years (0 with no rows)       */
} fs_stats_summary;

/* The place of TOWN (a dossier's 镇街, e.g. 南城街道) in the 统计表's
 * order of towns, the city's official order kept in the template's
 * <towns>: smaller comes first.  Towns the template does not list share
 * the rank of its <other/> (the end when absent). */
size_t fs_forms_town_rank(const fs_forms *f, const char *town);

/* Does the template have a 统计表 (<statistics>)? */
int fs_forms_has_statistics(const fs_forms *f);
/* 附件3: the N ROWS in the order given (the caller sorts them), grouped
 * by town where the template says so, SUM under the table.  NULL when the
 * template has no 统计表.  Runs carry no dossier lines. */
fs_doc *fs_form_statistics(const fs_forms *f, const fs_stats_row *rows,
                           size_t n, const fs_stats_summary *sum);

/* The state of one evidence file in the 佐证材料目录 (the bundle's
 * evidence index). */
typedef enum fs_index_state {
    FS_INDEX_PAGES,             /* in the bundle, pages FIRST to LAST      */
    FS_INDEX_NOFILE,            /* no href given: 无文件                    */
    FS_INDEX_MISSING,           /* not there or unreadable: 缺失            */
    FS_INDEX_NOT_ATTACHED       /* read and hashed, but not shown (DOCX,
                                   XLSX; damaged, encrypted, too large): 未附 */
} fs_index_state;

/* One row of the 佐证材料目录: an evidence of rubric item ITEM, or (with
 * CAPTION NULL) an item that has a note but no evidence. */
typedef struct fs_index_row {
    int item;
    const char *caption;
    const char *file;           /* the href (normalised), NULL when none   */
    fs_index_state state;
    size_t first, last;         /* FS_INDEX_PAGES: page numbers            */
    const char *sha;            /* SHA-256 in hex, NULL when not read      */
    long line;                  /* its dossier line                        */
} fs_index_row;

/* Does the template have a 佐证材料目录 (<evidence-index>)? */
int fs_forms_has_evidence_index(const fs_forms *f);
/* The 佐证材料目录 of dossier D: the N ROWS in item order (rows of one
 * item share its 序号, standard and note cells), the item's standard
 * shortened as the template says, the first 12 digits of each SHA-256.
 * Its metadata (title, subject) is the whole bundle's.  NULL when the
 * template has no <evidence-index>. */
fs_doc *fs_form_evidence_index(const fs_forms *f, const fs_rubric *r,
                               const fs_dossier *d, const fs_result_sheet *s,
                               const fs_index_row *rows, size_t n);

#endif
