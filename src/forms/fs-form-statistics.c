/*
 * fs-form-statistics.c - 附件3 统计表: one row per dossier, grouped by town
 * where the template says so, with the figures under the table, built as
 * a document of the backend-neutral model from the forms template.
 */
#define _GNU_SOURCE
#include "fs-forms-private.h"

#include <stdlib.h>
#include <string.h>

/* Adds a 统计表 table to DOC: the header row (repeated on every page it
 * crosses, under the town's heading with （续） where the template has
 * one: X names the town's first row) and one row per dossier of
 * ROWS[FROM, TO), each kept whole unless taller than a page. */
static void roster_table(fs_doc *doc, const ttable *tt, bctx *x,
                         const fs_stats_row *rows, size_t from, size_t to)
{
    fs_table *t = fs_form_text_table(doc, tt);
    fs_row *r;

    if (tt->has_group && tt->has_group_cont)
        fs_form_text_emit((target){NULL, fs_table_continued(t)}, &tt->group_cont, x, 0);
    fs_form_text_head_row(t, tt, x);
    for (size_t i = from; i < to; i++) {
        x->d = rows[i].d;
        x->r = rows[i].r;
        x->s = &rows[i].s;
        x->row = &rows[i];
        r = fs_table_add_row(t, FS_ROW_CANT_SPLIT, 0);  /* whole, unless taller than a page */
        for (size_t k = 0; k < tt->ncols; k++) {
            fs_cell *c = fs_row_add_cell(t, r, 1, 1, tt->body_valign[k]);
            fs_form_text_emit((target){NULL, c}, &tt->vals[k], x, 0);
        }
    }
    x->d = NULL;
    x->r = NULL;
    x->s = NULL;
    x->row = NULL;
}

/* The town of row R, "" when absent. */
static const char *row_town(const fs_stats_row *r)
{
    return r->d->town.s ? r->d->town.s : "";
}

/* The 统计表 of the N ROWS (in the order given).  With a <group> in the
 * template, each town gets its heading (kept with the table below it: a
 * table row cannot be kept with the next) and a table of its own;
 * without, all rows are one table. */
static void build_roster(fs_doc *doc, const ttable *tt, bctx *x,
                         const fs_stats_row *rows, size_t n)
{
    x->roster = tt;
    if (!tt->has_group) {
        roster_table(doc, tt, x, rows, 0, n);
        return;
    }
    for (size_t i = 0; i < n;) {
        size_t k = i;
        while (k < n && strcmp(row_town(&rows[i]), row_town(&rows[k])) == 0)
            k++;
        x->d = rows[i].d;
        x->r = rows[i].r;
        x->s = &rows[i].s;
        x->row = &rows[i];
        x->town_count = k - i;
        for (size_t added = fs_form_text_emit((target){doc, NULL}, &tt->group, x, 0); added; added--)
            doc->blocks[doc->nblocks - added].u.para->keep_with_next = 1;
        roster_table(doc, tt, x, rows, i, k);
        i = k;
    }
}

/* Does template F have a 统计表 (<statistics>)? */
int fs_forms_has_statistics(const fs_forms *f)
{
    return f->has_stats;
}

/* 附件3 统计表 of the N dossiers ROWS, in the order given, with the
 * figures SUM under it, as a new document the caller frees.  Runs carry
 * no dossier lines (the document mixes dossiers); the caller sets
 * source_file.  NULL when the template has no <statistics>. */
fs_doc *fs_form_statistics(const fs_forms *f, const fs_stats_row *rows,
                           size_t n, const fs_stats_summary *sum)
{
    bctx x = {.f = f, .section = -1, .sum = sum, .no_lines = 1};
    const tform *form = &f->stats;
    fs_doc *doc;

    if (!f->has_stats)
        return NULL;
    doc = fs_form_text_doc(form, &x, "");
    for (size_t i = 0; i < form->nblocks; i++) {
        const tblock *b = &form->blocks[i];
        switch (b->kind) {
        case B_PARA: fs_form_text_emit((target){doc, NULL}, &b->paras[0], &x, 0); break;
        case B_SPACER: fs_form_text_spacer(doc, b); break;
        case B_ROSTER: build_roster(doc, b->table, &x, rows, n); break;
        case B_FIELDS: case B_SCORES: case B_SUMMARY: case B_GRID: case B_EVIDENCE:
            break;                      /* refused by the loader */
        }
    }
    return doc;
}

