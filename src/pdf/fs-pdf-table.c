/*
 * fs-pdf-table.c - tables in the PDF typesetter: layout, pagination and
 * the display list of their cells.
 *
 * Row heights come from the content (row-spanning cells give their
 * extra height to their last row); a row that does not fit moves to the
 * next page, unless it is tall (more than a quarter of the text block) and
 * may split (no FS_ROW_CANT_SPLIT), or taller than a page: then it splits
 * between lines of its cells, starting on the current page;
 * header rows repeat; a row-spanning cell marked repeat_label that crosses
 * a page break shows its content again in each part, centred as its
 * valign says, and each part is made tall enough for it.  Every part of a
 * cell on a page is drawn as a closed rectangle, so merged cells have no
 * inner lines and a table cut by a page break is closed at the page's end
 * and opens again below the repeated header.
 */
#define _GNU_SOURCE
#include "fs-pdf-private.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------
 * Tables: layout.
 * ---------------------------------------------------------------------- */

/* The height of line I of cell C. */
static double item_pitch(const tcell *c, size_t i)
{
    return c->items[i].pl->pitch;
}

/* Lays out the paragraphs of cell C for its width and lists its lines. */
static void cell_build(rctx *rc, const tlay *tl, tcell *c)
{
    double avail = c->w - 2 * tl->pad_x, y = 0;
    size_t cap = 0;

    c->npar = c->c->nparas;
    c->paras = fs_xcalloc(c->npar ? c->npar : 1, sizeof *c->paras);
    for (size_t i = 0; i < c->npar; i++) {
        play *pl = &c->paras[i];

        fs_pdf_layout_para(rc, &c->c->paras[i], avail, pl);
        y += pl->before;
        for (size_t k = 0; k < pl->nl; k++) {
            c->items = fs_grow(c->items, c->nitems, &cap, sizeof *c->items);
            c->items[c->nitems++] = (item){ pl, k, y };
            y += pl->pitch;
        }
        y += pl->after;
    }
    c->content = y;
    c->need = y + 2 * tl->pad_y;
}

/* Orders row-spanning cells (indexes into the context's cells) by their
 * last row, then by position. */
static int span_cmp(const void *a, const void *b, void *ctx)
{
    const tcell *cells = ctx;
    const tcell *x = &cells[*(const size_t *)a], *y = &cells[*(const size_t *)b];
    size_t ex = x->row + x->rs, ey = y->row + y->rs;

    if (ex != ey)
        return ex < ey ? -1 : 1;
    return (*(const size_t *)a > *(const size_t *)b) -
           (*(const size_t *)a < *(const size_t *)b);
}

/* Lays out table T (left edge at X0) into *TL (freed with fs_pdf_table_free):
 * cells with their content, and the natural height of each row: the
 * largest of its min_height and its one-row cells; a row-spanning cell
 * that needs more than its rows give adds the rest to its last row. */
void fs_pdf_table_build(rctx *rc, const fs_table *t, double x0, tlay *tl)
{
    double *colx = fs_xcalloc(t->ncols + 1, sizeof *colx);
    size_t cap = 0, *spans = NULL, nspans = 0;

    memset(tl, 0, sizeof *tl);
    tl->t = t;
    tl->x0 = x0;
    tl->pad_x = t->pad_x > 0 ? t->pad_x * MM : 0;
    tl->pad_y = t->pad_y > 0 ? t->pad_y * MM : 0;
    tl->border = t->border > 0 ? t->border : 0;
    tl->nrows = t->nrows;
    tl->rows = fs_xcalloc(t->nrows ? t->nrows : 1, sizeof *tl->rows);
    while (tl->nhead < t->nrows && (t->rows[tl->nhead].flags & FS_ROW_HEADER))
        tl->nhead++;
    for (size_t k = 0; k < t->ncols; k++)
        colx[k + 1] = colx[k] + (t->widths[k] > 0 ? t->widths[k] * MM : 0);

    for (size_t r = 0; r < t->nrows; r++) {
        const fs_row *row = &t->rows[r];
        size_t limit = r < tl->nhead ? tl->nhead : t->nrows;

        for (size_t i = 0; i < row->ncells; i++) {
            const fs_cell *fc = &row->cells[i];
            size_t col, cs, rs;
            tcell *c;

            if (fc->col < 0 || (size_t)fc->col >= t->ncols)
                continue;
            col = (size_t)fc->col;
            cs = fc->colspan < 1 ? 1 : (size_t)fc->colspan;
            if (cs > t->ncols - col)
                cs = t->ncols - col;
            rs = fc->rowspan < 1 ? 1 : (size_t)fc->rowspan;
            if (rs > limit - r)
                rs = limit - r;
            tl->cells = fs_grow(tl->cells, tl->ncells, &cap, sizeof *tl->cells);
            c = &tl->cells[tl->ncells++];
            memset(c, 0, sizeof *c);
            c->c = fc;
            c->row = r;
            c->rs = rs;
            c->x = colx[col];
            c->w = colx[col + cs] - colx[col];
            cell_build(rc, tl, c);
        }
        tl->rows[r].h = row->min_height > 0 ? row->min_height * MM : 0;
    }
    spans = fs_xcalloc(tl->ncells ? tl->ncells : 1, sizeof *spans);
    for (size_t i = 0; i < tl->ncells; i++) {
        const tcell *c = &tl->cells[i];

        if (c->rs == 1)
            tl->rows[c->row].h = dmax(tl->rows[c->row].h, c->need);
        else
            spans[nspans++] = i;
    }
    qsort_r(spans, nspans, sizeof *spans, span_cmp, tl->cells);
    for (size_t i = 0; i < nspans; i++) {
        const tcell *c = &tl->cells[spans[i]];
        double have = 0;

        for (size_t r = c->row; r < c->row + c->rs; r++)
            have += tl->rows[r].h;
        if (c->need > have)
            tl->rows[c->row + c->rs - 1].h += c->need - have;
    }
    for (size_t r = 0; r < tl->nhead; r++)
        tl->head_h += tl->rows[r].h;
    free(spans);
    free(colx);
}

/* Frees what fs_pdf_table_build and the pagination allocated in TL. */
void fs_pdf_table_free(tlay *tl)
{
    for (size_t i = 0; i < tl->ncells; i++) {
        for (size_t k = 0; k < tl->cells[i].npar; k++)
            fs_pdf_layout_para_free(&tl->cells[i].paras[k]);
        free(tl->cells[i].paras);
        free(tl->cells[i].items);
    }
    for (size_t r = 0; r < tl->nrows; r++)
        free(tl->rows[r].pl);
    free(tl->rows);
    free(tl->cells);
}

/* ------------------------------------------------------------------------
 * Tables: pagination.
 * ---------------------------------------------------------------------- */

/* Puts a part of row R, H points tall, at the cursor. */
static void row_place(tpag *tp, size_t r, double h)
{
    trow *row = &tp->tl->rows[r];

    row->pl = fs_grow(row->pl, row->npl, &row->cappl, sizeof *row->pl);
    row->pl[row->npl++] = (place){ fs_pdf_layout_cur_page(tp->rc), tp->rc->y, h };
    tp->rc->y += h;
    if (r >= tp->tl->nhead) {
        tp->last_row = r;
        tp->placed = 1;
    }
}

/* Makes the last row placed EXT points taller (as far as the page allows). */
static void stretch_last(tpag *tp, double ext)
{
    rctx *rc = tp->rc;
    trow *row;

    ext = dmin(ext, rc->bottom - rc->y);
    if (ext <= EPS || !tp->placed)
        return;
    row = &tp->tl->rows[tp->last_row];
    if (!row->npl || row->pl[row->npl - 1].page != fs_pdf_layout_cur_page(rc))
        return;
    row->pl[row->npl - 1].h += ext;
    rc->y += ext;
}

/* The height still missing from the labelled groups' parts on this page
 * for their labels (groups that have no part here yet are skipped). */
static double groups_short(const tpag *tp, size_t only_end, int any_end)
{
    double ext = 0;

    for (size_t i = 0; i < tp->ng; i++) {
        const label_span *g = &tp->g[i];
        double part = tp->rc->y - g->part_top;

        if (!any_end && g->end != only_end)
            continue;
        if (part > EPS && part < g->need)
            ext = dmax(ext, g->need - part);
    }
    return ext;
}

/* Places the header rows at the cursor. */
static void place_headers(tpag *tp)
{
    for (size_t r = 0; r < tp->tl->nhead; r++)
        row_place(tp, r, tp->tl->rows[r].h);
}

/* Sets the table's continuation text (fs_table.continued: "南城街道（续）")
 * at the cursor, across the text block. */
static void place_continued(rctx *rc, const fs_cell *cont)
{
    for (size_t i = 0; cont && i < cont->nparas; i++) {
        play pl;

        fs_pdf_layout_para(rc, &cont->paras[i], rc->right - rc->left, &pl);
        fs_pdf_layout_place_para(rc, &pl);
        fs_pdf_layout_para_free(&pl);
    }
}

/* Ends the table's part on this page and starts the next page: parts of
 * labelled groups are first made tall enough for their labels, then the
 * continuation text and the header rows are repeated and the groups'
 * parts start anew. */
static void table_break(tpag *tp)
{
    rctx *rc = tp->rc;

    stretch_last(tp, groups_short(tp, 0, 1));
    fs_pdf_layout_new_page(rc);
    place_continued(rc, tp->tl->t->continued);
    if (tp->tl->rep_head)
        place_headers(tp);
    tp->body_top = rc->y;
    for (size_t i = 0; i < tp->ng; i++)
        tp->g[i].part_top = rc->y;
}

/* Opens the labelled groups of the cells that start in row R. */
static void groups_open(tpag *tp, size_t r)
{
    for (size_t i = 0; i < tp->tl->ncells; i++) {
        const tcell *c = &tp->tl->cells[i];

        if (c->row != r || c->rs < 2 || !c->c->repeat_label)
            continue;
        tp->g = fs_grow(tp->g, tp->ng, &tp->capg, sizeof *tp->g);
        tp->g[tp->ng++] = (label_span){ i, c->row + c->rs - 1, c->need, tp->rc->y };
    }
}

/* Closes the groups whose last row is R, making their last part tall
 * enough for the label. */
static void groups_close(tpag *tp, size_t r)
{
    size_t k = 0;

    stretch_last(tp, groups_short(tp, r, 0));
    for (size_t i = 0; i < tp->ng; i++)
        if (tp->g[i].end != r)
            tp->g[k++] = tp->g[i];
    tp->ng = k;
}

/* The largest need of the labelled groups that start in row R, and the
 * height of the rows they span (*SPAN). */
static double groups_need(const tlay *tl, size_t r, double *span)
{
    double need = 0;

    *span = 0;
    for (size_t i = 0; i < tl->ncells; i++) {
        const tcell *c = &tl->cells[i];
        double h = 0;

        if (c->row != r || c->rs < 2 || !c->c->repeat_label)
            continue;
        for (size_t k = r; k < r + c->rs; k++)
            h += tl->rows[k].h;
        need = dmax(need, c->need);
        *span = dmax(*span, h);
    }
    return need;
}

/* The height of lines [K, J) of cell C (J > K), from the top of line K. */
static double lines_height(const tcell *c, size_t k, size_t j)
{
    return c->items[j - 1].top - c->items[k].top + item_pitch(c, j - 1);
}

/* How many lines of cell C from line K fit in AREA points; the height
 * they take in *USED. */
static size_t fit_lines(const tcell *c, size_t k, double area, double *used)
{
    size_t j = k;
    double shift = k < c->nitems ? c->items[k].top : 0;

    while (j < c->nitems && c->items[j].top - shift + item_pitch(c, j) <= area + EPS)
        j++;
    if (j == c->nitems && j > k)
        *used = dmax(c->content - shift, c->items[j - 1].top - shift + item_pitch(c, j - 1));
    else if (j > k)
        *used = c->items[j - 1].top - shift + item_pitch(c, j - 1);
    else
        *used = 0;
    return j;
}

/* Places row R in parts, from the cursor: each part takes the lines of
 * its cells that fit on the page (at least three lines of some cell unless
 * it has fewer left, else the part moves to the next page; a cell's last
 * line never goes alone onto a page), and is as tall as the tallest
 * cell's share, or its repeated labels.  The row's own min_height is
 * honoured by its last part. */
static void split_row(tpag *tp, size_t r)
{
    tlay *tl = tp->tl;
    rctx *rc = tp->rc;
    size_t *next = fs_xcalloc(tl->ncells ? tl->ncells : 1, sizeof *next);
    size_t *cand = fs_xcalloc(tl->ncells ? tl->ncells : 1, sizeof *cand);
    double lneed = 0, used = 0;

    for (size_t i = 0; i < tl->ncells; i++)
        if (tl->cells[i].row == r && tl->cells[i].rs == 1 &&
            tl->cells[i].c->repeat_label)
            lneed = dmax(lneed, tl->cells[i].need);

    for (;;) {
        double avail = rc->bottom - rc->y, area = avail - 2 * tl->pad_y;
        double cons = 0, h;
        int ok = 0, left = 0, done = 1;

        for (size_t i = 0; i < tl->ncells; i++) {
            const tcell *c = &tl->cells[i];
            double u;

            cand[i] = next[i];
            if (c->row != r || c->rs != 1 || c->c->repeat_label ||
                next[i] >= c->nitems)
                continue;
            left = 1;
            cand[i] = fit_lines(c, next[i], area, &u);
            if (c->nitems - cand[i] == 1 && cand[i] - next[i] >= 4)
                u = lines_height(c, next[i], --cand[i]);   /* no widow */
            cons = dmax(cons, u);
            if (cand[i] - next[i] >= 3 || cand[i] == c->nitems)
                ok = 1;
            if (cand[i] < c->nitems)
                done = 0;
        }
        if ((left && !ok) || lneed > avail + EPS) {
            if (rc->y > tp->body_top + EPS) {
                table_break(tp);
                continue;
            }
            /* Nothing fits even on a fresh page: force a line per cell. */
            done = 1;
            for (size_t i = 0; i < tl->ncells; i++) {
                const tcell *c = &tl->cells[i];

                if (c->row != r || c->rs != 1 || c->c->repeat_label ||
                    next[i] >= c->nitems)
                    continue;
                if (cand[i] == next[i]) {
                    cand[i] = next[i] + 1;
                    cons = dmax(cons, item_pitch(c, next[i]));
                }
                if (cand[i] < c->nitems)
                    done = 0;
            }
        }
        h = dmax(cons + 2 * tl->pad_y, lneed);
        if (done)
            h = dmax(h, dmin(tl->rows[r].h - used, avail));
        row_place(tp, r, h);
        used += h;
        memcpy(next, cand, tl->ncells * sizeof *next);
        if (done)
            break;
        table_break(tp);
    }
    free(next);
    free(cand);
}

/* Does row R of TL move to the next page whole when it does not fit here
 * (FS_ROW_CANT_SPLIT, or at most a quarter of the text block tall)? */
static int row_keeps(const rctx *rc, const tlay *tl, size_t r)
{
    return (tl->t->rows[r].flags & FS_ROW_CANT_SPLIT) ||
           tl->rows[r].h <= (rc->bottom - rc->top) / 4;
}

/* The least room row R needs at the foot of a page to start there: the
 * whole row when it keeps together, else its repeated labels and the
 * first three lines of each of its cells.  At most a page. */
static double row_min_start(const rctx *rc, const tlay *tl, size_t r)
{
    double full = rc->bottom - rc->top, need = 0;

    if (row_keeps(rc, tl, r))
        return dmin(tl->rows[r].h, full);
    for (size_t i = 0; i < tl->ncells; i++) {
        const tcell *c = &tl->cells[i];

        if (c->row != r || c->rs != 1)
            continue;
        if (c->c->repeat_label)
            need = dmax(need, c->need);
        else if (c->nitems)
            need = dmax(need, c->items[0].top + 2 * tl->pad_y +
                        lines_height(c, 0, c->nitems < 3 ? c->nitems : 3));
    }
    return dmin(need, full);
}

/* Places body row R at the cursor: on this page when it fits; else on the
 * next page when it fits there and is short (FS_ROW_CANT_SPLIT, or at
 * most a quarter of the text block); else split between lines, starting
 * here.  A labelled group that would break with too little room for its
 * label here starts on the next page. */
static void place_row(tpag *tp, size_t r)
{
    tlay *tl = tp->tl;
    rctx *rc = tp->rc;
    double h = tl->rows[r].h, avail = rc->bottom - rc->y;
    double fresh = rc->bottom - rc->top - (tl->rep_head ? tl->head_h : 0);
    double span, need = groups_need(tl, r, &span);
    int keep = row_keeps(rc, tl, r);

    if (h <= avail + EPS) {
        if (need > 0 && span > avail + EPS && need > avail + EPS &&
            rc->y > tp->body_top + EPS)
            table_break(tp);
        groups_open(tp, r);
        row_place(tp, r, h);
    } else if (h <= fresh + EPS && keep) {
        table_break(tp);
        groups_open(tp, r);
        row_place(tp, r, h);
    } else {
        groups_open(tp, r);
        split_row(tp, r);
    }
    groups_close(tp, r);
}

/* The room the start of table TL needs on a page: its header rows and
 * the start of its first body row (see row_min_start). */
double fs_pdf_table_start(const rctx *rc, const tlay *tl)
{
    double h = tl->head_h;

    if (tl->nhead < tl->nrows)
        h += row_min_start(rc, tl, tl->nhead);
    return dmin(h, rc->bottom - rc->top);
}

/* Paginates table TL from the cursor.  The header rows and the start of
 * the first body row stay together: when they do not fit the rest of the
 * page, the table starts on the next. */
static void table_paginate(rctx *rc, tlay *tl)
{
    tpag tp = { rc, tl, NULL, 0, 0, 0, 0, 0 };
    double full = rc->bottom - rc->top;

    tl->rep_head = tl->nhead > 0 && tl->head_h <= full / 3;
    if (rc->y + fs_pdf_table_start(rc, tl) > rc->bottom + EPS && !fs_pdf_layout_at_top(rc))
        fs_pdf_layout_new_page(rc);
    place_headers(&tp);
    tp.body_top = rc->y;
    for (size_t r = tl->nhead; r < tl->nrows; r++)
        place_row(&tp, r);
    free(tp.g);
}

/* ------------------------------------------------------------------------
 * Tables: drawing.
 * ---------------------------------------------------------------------- */

/* The parts of cell C, one per page (a header cell: one per repetition),
 * into *OUT (malloc'd); returns how many. */
static size_t cell_frags(const tlay *tl, const tcell *c, frag **out)
{
    const trow *first = &tl->rows[c->row], *last = &tl->rows[c->row + c->rs - 1];
    frag *f = NULL;
    size_t n = 0, cap = 0;

    if (c->row < tl->nhead) {
        size_t k = first->npl < last->npl ? first->npl : last->npl;

        for (size_t i = 0; i < k; i++) {
            f = fs_grow(f, n, &cap, sizeof *f);
            f[n++] = (frag){ first->pl[i].page, first->pl[i].top,
                             last->pl[i].top + last->pl[i].h };
        }
        *out = f;
        return n;
    }
    for (size_t r = c->row; r < c->row + c->rs; r++)
        for (size_t i = 0; i < tl->rows[r].npl; i++) {
            const place *p = &tl->rows[r].pl[i];

            if (n && f[n - 1].page == p->page) {
                f[n - 1].bot = dmax(f[n - 1].bot, p->top + p->h);
                continue;
            }
            f = fs_grow(f, n, &cap, sizeof *f);
            f[n++] = (frag){ p->page, p->top, p->top + p->h };
        }
    *out = f;
    return n;
}

/* Draws lines [I0, I1) of cell C in part F: the lines keep their spacing;
 * the block of them (H points tall, its top SHIFT points into the content)
 * sits in the part as the cell's valign says when ALIGNED, else at its
 * top. */
static void cell_lines(rctx *rc, const tlay *tl, const tcell *c,
                       const frag *f, size_t i0, size_t i1, double shift,
                       double h, int aligned)
{
    double area = f->bot - f->top - 2 * tl->pad_y, off = 0;
    double x = tl->x0 + c->x + tl->pad_x;

    if (aligned && c->c->valign == FS_VALIGN_CENTER)
        off = (area - h) / 2;
    else if (aligned && c->c->valign == FS_VALIGN_BOTTOM)
        off = area - h;
    if (off < 0)
        off = 0;
    for (size_t i = i0; i < i1; i++)
        fs_pdf_layout_line(rc, f->page, c->items[i].pl, c->items[i].li, x,
                  f->top + tl->pad_y + off + c->items[i].top - shift);
}

/* Draws cell C: its border and its content in each of its parts.  One
 * part: aligned in it.  Several parts of a header cell (one per page) or
 * of a cell with repeat_label: the whole content again in each part (the
 * lines that fit when the part is short), aligned.
 * Otherwise the lines flow from part to part, starting at the top of each;
 * what is left after the last part is drawn below it. */
static void cell_draw(rctx *rc, const tlay *tl, const tcell *c)
{
    frag *f = NULL;
    size_t nf = cell_frags(tl, c, &f), k = 0;
    double u;

    for (size_t i = 0; i < nf && tl->border > 0; i++)
        fs_pdf_layout_add_rect(rc, f[i].page, tl->x0 + c->x, f[i].top, tl->x0 + c->x + c->w,
                 f[i].bot, tl->border);
    if (nf == 0 || c->nitems == 0)
        goto done;
    if (nf == 1 || (fit_lines(c, 0, f[0].bot - f[0].top - 2 * tl->pad_y, &u)
                    == c->nitems && !c->c->repeat_label && c->row >= tl->nhead)) {
        cell_lines(rc, tl, c, &f[0], 0, c->nitems, 0, c->content, 1);
        goto done;
    }
    if (c->c->repeat_label || c->row < tl->nhead) {
        for (size_t i = 0; i < nf; i++) {
            size_t m = fit_lines(c, 0, f[i].bot - f[i].top - 2 * tl->pad_y, &u);

            cell_lines(rc, tl, c, &f[i], 0, m, c->items[0].top, u, 1);
        }
        goto done;
    }
    for (size_t i = 0; i < nf && k < c->nitems; i++) {
        size_t j = fit_lines(c, k, f[i].bot - f[i].top - 2 * tl->pad_y, &u);
        double shift = c->items[k].top;

        if (j == k || i + 1 == nf)
            j = i + 1 == nf ? c->nitems : k + 1;
        cell_lines(rc, tl, c, &f[i], k, j, shift, 0, 0);
        k = j;
    }
done:
    free(f);
}

/* Paginates and draws the laid-out table TL at the cursor; the cursor
 * ends below it. */
void fs_pdf_table_place(rctx *rc, tlay *tl)
{
    table_paginate(rc, tl);
    for (size_t i = 0; i < tl->ncells; i++)
        cell_draw(rc, tl, &tl->cells[i]);
}

