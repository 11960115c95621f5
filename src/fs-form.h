/*
 * fs-form.h - the forms, built once as documents from templates.
 *
 * A forms template (templates/forms/ID.xml, ID named by the rubric's forms
 * attribute, default the rubric's id) holds the fixed texts, labels, column
 * widths and type sizes of 附件1 评定标准 and 附件2 申报表 (and later 附件3).
 * The builders below combine it with the rubric, a dossier and its scores
 * into a fs_doc that both backends render; no layout lives in C.
 */
#ifndef FS_FORM_H
#define FS_FORM_H

#include "fivestar.h"
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

#endif
