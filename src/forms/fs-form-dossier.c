/*
 * fs-form-dossier.c - the forms of one dossier, 附件1 评定标准 and 附件2
 * 申报表, built as documents of the backend-neutral model from the forms
 * template, the rubric, the dossier and its scores: the blocks (fields,
 * the <scores> table, the verdict, ruled grids) in template order.  All
 * layout lives in the template; this file knows only what the roles of
 * the 附件1 columns mean.
 */
#define _GNU_SOURCE
#include "fs-forms-private.h"

#include <stdio.h>
#include <stdlib.h>

/* ------------------------------------------------------------------------
 * Building: blocks.
 * ---------------------------------------------------------------------- */

/* A line of fields: a table without rules or padding (also in the
 * 佐证材料目录). */
void fs_form_dossier_fields(fs_doc *doc, const tblock *b, bctx *x)
{
    fs_table *t = fs_doc_add_table(doc, b->nparas, b->widths);
    fs_row *r;

    t->pad_x = t->pad_y = 0;
    t->border = 0;
    r = fs_table_add_row(t, FS_ROW_CANT_SPLIT, 0);
    for (size_t i = 0; i < b->nparas; i++) {
        fs_cell *c = fs_row_add_cell(t, r, 1, 1, FS_VALIGN_TOP);
        fs_form_text_emit((target){NULL, c}, &b->paras[i], x, 0);
    }
}

/* The body cell of column K for item IT in row R. */
static void score_cell(fs_table *t, fs_row *r, const ttable *tt, size_t k,
                       const fs_rubric_item *it, bctx *x)
{
    const tstyle *st = &tt->body[k];
    const fs_score *sc = it->number >= 1 && it->number <= FS_MAX_ITEMS
        ? &x->d->scores[it->number - 1] : NULL;
    fs_cell *c = fs_row_add_cell(t, r, 1, 1, tt->body_valign[k]);
    char buf[32];

    switch (tt->roles[k]) {
    case ROLE_NUMBER:
        snprintf(buf, sizeof buf, "%d", it->number);
        fs_form_text_literal(c, st, buf, 0);
        break;
    case ROLE_STANDARD:
        for (size_t j = 0; j < it->nstandard; j++)
            fs_form_text_literal(c, st, it->standard[j], 0);
        if (!it->nstandard)
            fs_form_text_literal(c, st, "", 0);
        break;
    case ROLE_CHECK:
        fs_form_text_literal(c, st, it->check ? it->check : "", 0);
        break;
    case ROLE_MAX:
        fs_form_text_literal(c, st, fs_tenths_format(it->max, buf, sizeof buf), 0);
        break;
    case ROLE_SCORE:
        fs_form_text_literal(c, st, sc && sc->present
                     ? fs_tenths_format(sc->points, buf, sizeof buf) : "",
                     sc ? sc->line : 0);
        break;
    case ROLE_NOTE:
        fs_form_text_literal(c, st, sc && sc->note.s ? sc->note.s : "", sc ? sc->note.line : 0);
        break;
    case ROLE_SECTION:
    case ROLE_COUNT:
        break;
    }
}

/* The 附件1 table: header row, one row per item with the section cell
 * spanning its items, and the 合计 row. */
static void build_scores(fs_doc *doc, const ttable *tt, bctx *x)
{
    fs_table *t = fs_form_text_table(doc, tt);
    fs_row *r;

    fs_form_text_head_row(t, tt, x);
    for (size_t si = 0; si < x->r->nsections; si++) {
        const fs_rubric_section *sec = &x->r->sections[si];
        x->section = (int)si;
        for (int i = 0; i < sec->nitems; i++) {
            const fs_rubric_item *it = &x->r->items[sec->first_item + i];
            /* Whole on one page, as the PDF keeps it (DOCX: cantSplit). */
            r = fs_table_add_row(t, FS_ROW_CANT_SPLIT, 0);
            for (size_t k = 0; k < tt->ncols; k++) {
                if (tt->roles[k] != ROLE_SECTION) {
                    score_cell(t, r, tt, k, it, x);
                    continue;
                }
                if (i > 0)
                    continue;           /* covered by the span from above */
                fs_cell *c = fs_row_add_cell(t, r, 1, sec->nitems, tt->section_valign);
                c->repeat_label = 1;
                for (size_t j = 0; j < tt->nsection; j++)
                    fs_form_text_emit((target){NULL, c}, &tt->section[j], x, 1);
                if (!c->nparas)
                    fs_form_text_literal(c, &tt->section[0].st, "", 0);
            }
        }
    }
    x->section = -1;
    if (!tt->has_total)
        return;
    size_t first = 0;
    while (first < tt->ncols && tt->roles[first] != ROLE_MAX && tt->roles[first] != ROLE_SCORE)
        first++;
    r = fs_table_add_row(t, FS_ROW_CANT_SPLIT, 0);
    fs_cell *c = fs_row_add_cell(t, r, (int)first, 1, FS_VALIGN_CENTER);
    fs_form_text_emit((target){NULL, c}, &tt->total, x, 0);
    for (size_t k = first; k < tt->ncols; k++) {
        tstyle st = tt->body[k];
        c = fs_row_add_cell(t, r, 1, 1, FS_VALIGN_CENTER);
        st.role = tt->total.st.role;
        if (tt->roles[k] == ROLE_MAX)
            fs_form_text_literal(c, &st, fs_form_text_tenths(x, x->s->max), 0);
        else if (tt->roles[k] == ROLE_SCORE)
            fs_form_text_literal(c, &st, fs_form_text_tenths(x, x->s->total), x->d->assessment_line);
        else
            fs_form_text_literal(c, &st, "", 0);
    }
}

/* The verdict line: qualified, short of the threshold, or no threshold. */
static void build_summary(fs_doc *doc, const tblock *b, bctx *x)
{
    const tpara *p = x->s->threshold < 0 ? &b->paras[2]
        : x->s->qualified ? &b->paras[0] : &b->paras[1];

    fs_form_text_emit((target){doc, NULL}, p, x, 0);
}

/* One row of a grid (for section X->section in an <each-section>). */
static void build_grid_row(fs_table *t, const trow *tr, bctx *x)
{
    fs_row *r = fs_table_add_row(t, tr->keep ? FS_ROW_CANT_SPLIT : 0, tr->min_height);

    for (size_t i = 0; i < tr->ncells; i++) {
        const tcell *tc = &tr->cells[i];
        fs_cell *c = fs_row_add_cell(t, r, tc->span, 1, tc->valign);
        c->repeat_label = tc->label;
        for (size_t j = 0; j < tc->nparas; j++)
            fs_form_text_emit((target){NULL, c}, &tc->paras[j], x, tc->multi);
        if (!c->nparas)
            fs_form_text_literal(c, &tc->paras[0].st, "", 0);
    }
}

/* A ruled table of labels and values; <each-section> rows repeat per
 * rubric section. */
static void build_grid(fs_doc *doc, const ttable *tt, bctx *x)
{
    fs_table *t = fs_doc_add_table(doc, tt->ncols, tt->widths);

    t->pad_x = tt->pad_x;
    t->pad_y = tt->pad_y;
    t->border = tt->border;
    for (size_t i = 0; i < tt->nrows; i++) {
        if (!tt->rows[i].each_section) {
            build_grid_row(t, &tt->rows[i], x);
            continue;
        }
        for (size_t si = 0; si < x->r->nsections; si++) {
            x->section = (int)si;
            build_grid_row(t, &tt->rows[i], x);
        }
        x->section = -1;
    }
}

/* Builds FORM for dossier D: page setup and metadata from the template,
 * then every block in order.  Returns a new document the caller frees. */
static fs_doc *build(const fs_forms *f, const tform *form, const fs_rubric *r,
                     const fs_dossier *d, const fs_result_sheet *s)
{
    bctx x = {.f = f, .r = r, .d = d, .s = s, .section = -1};
    fs_doc *doc = fs_form_text_doc(form, &x, d->name.s ? d->name.s : "");

    free(doc->source_file);
    doc->source_file = fs_strdup(d->path);
    if (form->has_running)
        fs_form_text_emit((target){NULL, fs_doc_running(doc)}, &form->running, &x, 1);
    for (size_t i = 0; i < form->nblocks; i++) {
        const tblock *b = &form->blocks[i];
        switch (b->kind) {
        case B_PARA: fs_form_text_emit((target){doc, NULL}, &b->paras[0], &x, 0); break;
        case B_FIELDS: fs_form_dossier_fields(doc, b, &x); break;
        case B_SPACER: fs_form_text_spacer(doc, b); break;
        case B_SCORES: build_scores(doc, b->table, &x); break;
        case B_SUMMARY: build_summary(doc, b, &x); break;
        case B_GRID: build_grid(doc, b->table, &x); break;
        case B_ROSTER: case B_EVIDENCE:
            break;                      /* only in the 统计表, 佐证材料目录 */
        }
    }
    return doc;
}

/* 附件1 评定标准 of dossier D (rubric R, scores S) as a new document the
 * caller frees with fs_doc_free.  Never fails (memory exhaustion aborts). */
fs_doc *fs_form_scoresheet(const fs_forms *f, const fs_rubric *r,
                           const fs_dossier *d, const fs_result_sheet *s)
{
    return build(f, &f->sheet, r, d, s);
}

/* 附件2 申报表 of dossier D, as fs_form_scoresheet. */
fs_doc *fs_form_application(const fs_forms *f, const fs_rubric *r,
                            const fs_dossier *d, const fs_result_sheet *s)
{
    return build(f, &f->app, r, d, s);
}
