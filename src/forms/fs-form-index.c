/*
 * fs-form-index.c - the 佐证材料目录 (the bundle's evidence index) built as
 * a document from the forms template's <evidence-index>: its blocks in
 * template order, the <evidence> table one row per evidence file, the
 * rows of one rubric item sharing its 序号, standard and note cells.
 * What the columns show is decided by their roles; every word and width
 * comes from the template.
 */
#define _GNU_SOURCE
#include "fs-forms-private.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The standard of item IT, its paragraphs run together and cut after
 * MAX characters with "…" (0: whole); malloc'd. */
static char *short_standard(const fs_rubric_item *it, int max)
{
    fs_buf b = {0};
    size_t chars = 0;

    fs_buf_adds(&b, "");
    for (size_t j = 0; j < it->nstandard; j++)
        for (const char *p = it->standard[j]; *p;) {
            const char *start = p;
            fs_utf8_next(&p);
            if (max > 0 && chars == (size_t)max) {
                fs_buf_adds(&b, "…");
                return b.s;
            }
            fs_buf_add(&b, start, (size_t)(p - start));
            chars++;
        }
    return b.s;
}

/* The 页码 cell's text of ROW in T's words (BUF: 48 bytes). */
static const char *page_text(const ttable *t, const fs_index_row *row, char *buf)
{
    if (!row->caption)
        return "";
    switch (row->state) {
    case FS_INDEX_PAGES:
        if (row->last > row->first)
            snprintf(buf, 48, "%zu\xE2\x80\x93%zu", row->first, row->last);
        else
            snprintf(buf, 48, "%zu", row->first);
        return buf;
    case FS_INDEX_NOFILE: return t->no;
    case FS_INDEX_MISSING: return t->yes;
    case FS_INDEX_NOT_ATTACHED: return t->no_star;
    }
    return "";
}

/* The body cells of ROW (the first of its item's SPAN rows when FIRST)
 * in table row R. */
static void index_row(fs_table *t, fs_row *r, const ttable *tt, bctx *x,
                      const fs_index_row *row, int first, int span)
{
    const fs_rubric_item *it = fs_rubric_item_by_number(x->r, row->item);
    const fs_score *sc = row->item >= 1 && row->item <= FS_MAX_ITEMS
        ? &x->d->scores[row->item - 1] : NULL;
    char buf[48], sha[16];

    for (size_t k = 0; k < tt->ncols; k++) {
        const tstyle *st = &tt->body[k];
        idx_role role = tt->iroles[k];
        fs_cell *c;
        char *s;

        if ((role == IDX_NUMBER || role == IDX_STANDARD || role == IDX_NOTE) && !first)
            continue;                   /* covered by the span from above */
        if (role == IDX_NUMBER || role == IDX_STANDARD || role == IDX_NOTE) {
            c = fs_row_add_cell(t, r, 1, span, tt->body_valign[k]);
            c->repeat_label = role == IDX_NUMBER;
        } else {
            c = fs_row_add_cell(t, r, 1, 1, tt->body_valign[k]);
        }
        switch (role) {
        case IDX_NUMBER:
            snprintf(buf, sizeof buf, "%d", row->item);
            fs_form_text_literal(c, st, buf, 0);
            break;
        case IDX_STANDARD:
            s = it ? short_standard(it, tt->standard_chars) : fs_strdup("");
            fs_form_text_literal(c, st, s, 0);
            free(s);
            break;
        case IDX_NOTE:
            fs_form_text_literal(c, st, sc && sc->note.s ? sc->note.s : "",
                                 sc ? sc->note.line : 0);
            break;
        case IDX_CAPTION:
            fs_form_text_literal(c, st, row->caption ? row->caption : "", row->line);
            break;
        case IDX_FILE:
            fs_form_text_literal(c, st, row->file ? row->file : "", row->line);
            break;
        case IDX_PAGE:
            fs_form_text_literal(c, st, page_text(tt, row, buf), 0);
            break;
        case IDX_SHA:
            /* two groups of six digits, so that a narrow column breaks
             * them evenly */
            if (row->sha && strlen(row->sha) >= 12)
                snprintf(sha, sizeof sha, "%.6s %.6s", row->sha, row->sha + 6);
            else
                sha[0] = '\0';
            fs_form_text_literal(c, st, sha, 0);
            break;
        case IDX_COUNT:
            break;
        }
    }
}

/* The <evidence> table of the N ROWS (item order). */
static void build_evidence(fs_doc *doc, const ttable *tt, bctx *x,
                           const fs_index_row *rows, size_t n)
{
    fs_table *t = fs_form_text_table(doc, tt);
    fs_row *r;

    fs_form_text_head_row(t, tt, x);
    if (!n) {
        fs_cell *c;
        r = fs_table_add_row(t, FS_ROW_CANT_SPLIT, 0);
        c = fs_row_add_cell(t, r, (int)tt->ncols, 1, FS_VALIGN_CENTER);
        fs_form_text_literal(c, &tt->body[0], tt->none ? tt->none : "", 0);
        return;
    }
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && rows[j].item == rows[i].item)
            j++;
        for (size_t k = i; k < j; k++) {
            r = fs_table_add_row(t, FS_ROW_CANT_SPLIT, 0);
            index_row(t, r, tt, x, &rows[k], k == i, (int)(j - i));
        }
        i = j;
    }
}

/* Does the template have a 佐证材料目录? */
int fs_forms_has_evidence_index(const fs_forms *f)
{
    return f->has_index;
}

/* The 佐证材料目录 of dossier D; see fs-form.h. */
fs_doc *fs_form_evidence_index(const fs_forms *f, const fs_rubric *r,
                               const fs_dossier *d, const fs_result_sheet *s,
                               const fs_index_row *rows, size_t n)
{
    bctx x = {.f = f, .r = r, .d = d, .s = s, .section = -1};
    const tform *form = &f->index;
    fs_doc *doc;

    if (!f->has_index)
        return NULL;
    doc = fs_form_text_doc(form, &x, d->name.s ? d->name.s : "");
    free(doc->source_file);
    doc->source_file = fs_strdup(d->path);
    for (size_t i = 0; i < form->nblocks; i++) {
        const tblock *b = &form->blocks[i];
        switch (b->kind) {
        case B_PARA: fs_form_text_emit((target){doc, NULL}, &b->paras[0], &x, 0); break;
        case B_FIELDS: fs_form_dossier_fields(doc, b, &x); break;
        case B_SPACER: fs_form_text_spacer(doc, b); break;
        case B_EVIDENCE: build_evidence(doc, b->table, &x, rows, n); break;
        case B_SCORES: case B_SUMMARY: case B_GRID: case B_ROSTER:
            break;                      /* refused by the loader */
        }
    }
    return doc;
}
