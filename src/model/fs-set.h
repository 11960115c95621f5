/*
 * fs-set.h - a city's template set, as data.  A set is named by its rubric
 * id and is the files
 *
 *   templates/rubrics/ID.xml            the rubric (fs-rubric.c)
 *   templates/forms/ID.xml              the texts of the forms (src/forms/)
 *   templates/flowcharts/ID/creation.xml  附件4, else flowcharts/creation.xml
 *   templates/flowcharts/ID/dynamic.xml   附件5, else flowcharts/dynamic.xml
 *
 * This module finds a set's flowcharts and reads from them the stages a
 * dossier's <history> may name: the `stage` attribute of a node is the
 * stage's canonical name; its `stage-name` attribute and its label are
 * Chinese names a clerk may type instead (normalised on load); a node of
 * kind="review" makes its stage a review (an event there may have a
 * result, 通过 / 不通过); the start of the annual chart (cycle="annual")
 * and the ends of the creation chart say when a dossier's history moves
 * on to the annual cycle.  Nothing here is a C list of stages.
 */
#ifndef FS_SET_H
#define FS_SET_H

#include "fs-model.h"

/* The charts of a set, in this order: creation (附件4), dynamic (附件5). */
#define FS_SET_NCHARTS 2

/* The canonical name of chart NAME: "creation" for creation or 创建,
 * "dynamic" for dynamic or 动态管理; NULL for anything else.  INDEX (may
 * be NULL) gets its place among the FS_SET_NCHARTS charts. */
const char *fs_set_chart_name(const char *name, int *index);

/* The file of chart NAME (canonical, see fs_set_chart_name) of the set
 * RUBRIC: templates/flowcharts/RUBRIC/NAME.xml when it exists, else
 * templates/flowcharts/NAME.xml (also when RUBRIC is NULL).  Malloc'd;
 * NULL when NAME is not a chart or RUBRIC is not a safe id. */
char *fs_set_chart_path(const char *rubric, const char *name);

typedef struct fs_set_stage {
    char *name;                 /* canonical: initial-review               */
    char **aliases;             /* Chinese names: 初审, the box's label …   */
    size_t naliases;
    int review;                 /* a review box somewhere: 通过 / 不通过     */
    int annual_start;           /* the start of an annual chart            */
    int creation_end;           /* an end of the creation chart            */
} fs_set_stage;

typedef struct fs_set {
    char *id;                   /* the rubric id                           */
    fs_set_stage *stages;       /* in chart order, then node order         */
    size_t nstages;
} fs_set;

/* Reads the stages of set RUBRIC from its charts (fs_set_chart_path),
 * each read safely and checked against templates/flowchart.xsd.  A
 * Chinese name given to two different stages is an error.  Problems go to
 * DIAGS as CHART:LINE; returns NULL with *ERR = FS_E_TEMPLATE (also when
 * a chart cannot be read).  The caller frees the set with
 * fs_set_free (fs_rubric_cache_set keeps one per rubric for a run). */
fs_set *fs_set_load(const char *rubric, fs_diags *diags, fs_error *err);
void fs_set_free(fs_set *s);

/* The stage of S named NAME, canonically or by one of its Chinese names
 * (surrounding blanks ignored), or NULL. */
const fs_set_stage *fs_set_stage_find(const fs_set *s, const char *name);

/* "submitted（提交申报材料）、initial-review（初审）…": the stages of S
 * for a message, only the reviews when REVIEWS_ONLY.  Malloc'd. */
char *fs_set_stage_list(const fs_set *s, int reviews_only);

/* The set to use when nobody names one: the id of the only rubric in
 * templates/rubrics (malloc'd), or NULL when there are none or several.
 * LIST (may be NULL) gets the ids there are, sorted, joined by 、 for a
 * message (malloc'd, "" when none). */
char *fs_set_only_rubric(char **list);

/* The set of rubric ID, loaded on first use and kept in cache C for the
 * run (a set that failed is not retried: NULL with *ERR again).  See
 * fs_set_load. */
const fs_set *fs_rubric_cache_set(fs_rubric_cache *c, const char *id,
                                  fs_diags *diags, fs_error *err);

#endif
