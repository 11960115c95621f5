/*
 * fs-docx-grid.c - the column grid of a Word table: the model's column
 * widths in twips, rounded cumulatively, and which cell of the model
 * covers each slot of the grid (row spans and column spans resolved), as
 * fs-docx-document.c writes w:tblGrid, gridSpan and vMerge from it.
 */
#include "fs-docx-private.h"

#include <stdlib.h>

/* Clamps a span V to 1..MAX. */
int fs_docx_grid_span(int v, size_t max)
{
    if (v < 1)
        return 1;
    return (size_t)v > max ? (int)max : v;
}

/* Lays out T into G: widths rounded cumulatively (so they add up to the
 * rounded table width) and every slot's covering cell.  Free with
 * grid_free. */
void fs_docx_grid_build(fs_docx_grid *g, const fs_table *t)
{
    double sum = 0;
    long prev = 0;

    g->nrows = t->nrows;
    g->ncols = t->ncols;
    g->cols = fs_xcalloc(t->ncols, sizeof *g->cols);
    g->own = fs_xcalloc(t->nrows * t->ncols, sizeof *g->own);
    g->origin = fs_xcalloc(t->nrows * t->ncols, sizeof *g->origin);
    for (size_t k = 0; k < t->ncols; k++) {
        long edge;

        sum += t->widths[k];
        edge = fs_dx_mm(sum);
        g->cols[k] = edge - prev;
        prev = edge;
    }
    for (size_t r = 0; r < t->nrows; r++)
        for (size_t i = 0; i < t->rows[r].ncells; i++) {
            const fs_cell *cell = &t->rows[r].cells[i];
            size_t col = cell->col < 0 ? 0 : (size_t)cell->col;

            if (col >= t->ncols)
                continue;
            int rs = fs_docx_grid_span(cell->rowspan, t->nrows - r);
            int cs = fs_docx_grid_span(cell->colspan, t->ncols - col);
            for (size_t rr = r; rr < r + (size_t)rs; rr++)
                for (size_t cc = col; cc < col + (size_t)cs; cc++)
                    if (!g->own[rr * t->ncols + cc]) {
                        g->own[rr * t->ncols + cc] = cell;
                        g->origin[rr * t->ncols + cc] = r;
                    }
        }
}

/* Frees what fs_docx_grid_build allocated. */
void fs_docx_grid_free(fs_docx_grid *g)
{
    free(g->cols);
    free(g->own);
    free(g->origin);
}

/* The width in twips of NCOLS grid columns from COL. */
long fs_docx_grid_width(const fs_docx_grid *g, size_t col, size_t ncols)
{
    long w = 0;

    for (size_t k = col; k < col + ncols && k < g->ncols; k++)
        w += g->cols[k];
    return w;
}

