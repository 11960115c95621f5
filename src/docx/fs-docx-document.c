/*
 * fs-docx-document.c - word/document.xml: the body of the form.
 *
 * Paragraphs keep the model's alignment, first-line indent (in characters
 * and in twips), spacing before and after and line spacing (at least the
 * multiple of the largest type size, as the PDF sets lines).  Tables are
 * real Word tables: fixed layout, a grid of the model's column widths,
 * gridSpan for column spans, vMerge for row spans (each covered row gets
 * its own continuation w:tc with an empty paragraph), vertical alignment,
 * borders, cell margins from the padding, cantSplit and tblHeader rows and
 * at-least row heights.  Child elements follow the order of the
 * WordprocessingML schema (ECMA-376 Part 1 §17), which Word enforces.
 */
#include "fs-docx-private.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct fs_docx_document {
    const fs_docx_ctx *c;
    fs_docx_hf hf;
};

/* A document writer for C; the header and footer ids of HF are borrowed.
 * Free it with fs_docx_document_free. */
fs_docx_document *fs_docx_document_new(const fs_docx_ctx *c, fs_docx_hf hf)
{
    fs_docx_document *self = fs_xcalloc(1, sizeof *self);

    self->c = c;
    self->hf = hf;
    return self;
}

/* Frees SELF (not the context); NULL is fine. */
void fs_docx_document_free(fs_docx_document *self)
{
    free(self);
}

/* ------------------------------------------------------------------------
 * Paragraphs.
 * ---------------------------------------------------------------------- */

/* Does P draw nothing (no run with text)? */
static int para_empty(const fs_para *p)
{
    for (size_t i = 0; i < p->nruns; i++)
        if (p->runs[i].text[0])
            return 0;
    return 1;
}

/* Write the <w:pPr> element of P in style ST.  Schema order: pStyle,
 * keepNext, pageBreakBefore, spacing, ind, jc, rPr: the paragraph mark's
 * look, which matters (and is written) only for an empty paragraph,
 * whose height it gives. */
void fs_docx_document_write_ppr(fs_dx *x, const fs_docx_ctx *c, const fs_para *p,
                                fs_dx_style st, int break_before)
{
    fs_dx_start(x, "w:pPr");
    fs_dx_val(x, "w:pStyle", fs_dx_style_id(st));
    if (p->keep_with_next)
        fs_dx_empty(x, "w:keepNext");
    if (break_before)
        fs_dx_empty(x, "w:pageBreakBefore");
    fs_docx_write_para_layout(x, p);
    if (p->nruns && para_empty(p)) {
        const fs_run *r = &p->runs[0];
        int font;

        fs_docx_ctx_segment(c, r->role, r->text, &font);
        fs_docx_write_rpr(x, c, font, fs_docx_write_para_size(p), r->flags & FS_RUN_BOLD,
                          (int)st);
    }
    fs_dx_end(x);
}

/* Write the <w:p> element of P (style ST), with a page break before it
 * when BREAK_BEFORE. */
static void write_w_p(fs_dx *x, const fs_docx_ctx *c, const fs_para *p,
                      fs_dx_style st, int break_before)
{
    fs_dx_start(x, "w:p");
    fs_docx_document_write_ppr(x, c, p, st, break_before);
    for (size_t i = 0; i < p->nruns; i++)
        fs_docx_write_text_runs(x, c, p->runs[i].text, p->runs[i].role,
                                p->runs[i].size, p->runs[i].flags, (int)st);
    fs_dx_end(x);
}

/* Write an empty <w:p> with the properties of P (a vMerge continuation
 * cell's paragraph), or a bare one when P is NULL. */
static void write_w_p_empty(fs_dx *x, const fs_docx_ctx *c, const fs_para *p)
{
    fs_dx_start(x, "w:p");
    if (p)
        fs_docx_document_write_ppr(x, c, p, FS_DX_TABLE, 0);
    fs_dx_end(x);
}

/* Write a 1-point empty <w:p>: what Word needs between two tables (which
 * it would otherwise join) and after a final table, or (PAGE_BREAK) a page
 * break before a table. */
static void write_w_p_thin(fs_dx *x, int page_break)
{
    fs_dx_start(x, "w:p");
    fs_dx_start(x, "w:pPr");
    fs_docx_write_thin_spacing(x);
    fs_dx_start(x, "w:rPr");
    fs_docx_write_sz(x, 1);
    fs_dx_end(x);
    fs_dx_end(x);
    if (page_break) {
        fs_dx_start(x, "w:r");
        fs_dx_start(x, "w:br");
        fs_dx_attr(x, "w:type", "page");
        fs_dx_end(x);
        fs_dx_end(x);
    }
    fs_dx_end(x);
}

/* ------------------------------------------------------------------------
 * Tables.
 * ---------------------------------------------------------------------- */

/* Write a width element NAME (tblW, tcW) of W twips. */
static void write_width(fs_dx *x, const char *name, long w)
{
    fs_dx_start(x, name);
    fs_dx_attr_int(x, "w:w", w);
    fs_dx_attr(x, "w:type", "dxa");
    fs_dx_end(x);
}

/* Write one border element NAME (w:top …) of BORDER points, nil for 0. */
static void write_border(fs_dx *x, const char *name, double border)
{
    long eighths = lround(border * 8);

    fs_dx_start(x, name);
    if (border <= 0) {
        fs_dx_attr(x, "w:val", "nil");
    } else {
        fs_dx_attr(x, "w:val", "single");
        fs_dx_attr_int(x, "w:sz", eighths < 2 ? 2 : eighths > 96 ? 96 : eighths);
        fs_dx_attr_int(x, "w:space", 0);
        fs_dx_attr(x, "w:color", "000000");
    }
    fs_dx_end(x);
}

/* Write the <w:tblBorders> element: the outline and every inside rule. */
static void write_w_tblBorders(fs_dx *x, double border)
{
    static const char *const sides[] = {
        "w:top", "w:left", "w:bottom", "w:right", "w:insideH", "w:insideV",
    };

    fs_dx_start(x, "w:tblBorders");
    for (size_t i = 0; i < sizeof sides / sizeof sides[0]; i++)
        write_border(x, sides[i], border);
    fs_dx_end(x);
}

/* Write the <w:tblCellMar> element: PAD_Y above and below, PAD_X left and
 * right (mm). */
static void write_w_tblCellMar(fs_dx *x, double pad_x, double pad_y)
{
    fs_dx_start(x, "w:tblCellMar");
    write_width(x, "w:top", fs_dx_mm(pad_y));
    write_width(x, "w:left", fs_dx_mm(pad_x));
    write_width(x, "w:bottom", fs_dx_mm(pad_y));
    write_width(x, "w:right", fs_dx_mm(pad_x));
    fs_dx_end(x);
}

/* Write the <w:tblPr> element.  Schema order: tblW, tblInd, tblBorders,
 * tblLayout, tblCellMar, tblLook. */
void fs_docx_document_write_tblpr(fs_dx *x, const fs_table *t, long width)
{
    fs_dx_start(x, "w:tblPr");
    write_width(x, "w:tblW", width);
    write_width(x, "w:tblInd", 0);
    write_w_tblBorders(x, t->border);
    fs_dx_start(x, "w:tblLayout");
    fs_dx_attr(x, "w:type", "fixed");
    fs_dx_end(x);
    write_w_tblCellMar(x, t->pad_x, t->pad_y);
    fs_dx_start(x, "w:tblLook");
    fs_dx_attr(x, "w:val", "0000");
    fs_dx_attr_int(x, "w:firstRow", 0);
    fs_dx_attr_int(x, "w:lastRow", 0);
    fs_dx_attr_int(x, "w:firstColumn", 0);
    fs_dx_attr_int(x, "w:lastColumn", 0);
    fs_dx_attr_int(x, "w:noHBand", 1);
    fs_dx_attr_int(x, "w:noVBand", 1);
    fs_dx_end(x);
    fs_dx_end(x);
}

/* Write the <w:tblGrid> element. */
void fs_docx_document_write_tblgrid(fs_dx *x, const fs_docx_grid *g)
{
    fs_dx_start(x, "w:tblGrid");
    for (size_t k = 0; k < g->ncols; k++) {
        fs_dx_start(x, "w:gridCol");
        fs_dx_attr_int(x, "w:w", g->cols[k]);
        fs_dx_end(x);
    }
    fs_dx_end(x);
}

/* Write the <w:trPr> element (nothing for a plain row).  Its children
 * are a choice group: cantSplit, trHeight, tblHeader. */
void fs_docx_document_write_trpr(fs_dx *x, const fs_row *r)
{
    if (!(r->flags & (FS_ROW_HEADER | FS_ROW_CANT_SPLIT)) && r->min_height <= 0)
        return;
    fs_dx_start(x, "w:trPr");
    if (r->flags & FS_ROW_CANT_SPLIT)
        fs_dx_empty(x, "w:cantSplit");
    if (r->min_height > 0) {
        fs_dx_start(x, "w:trHeight");
        fs_dx_attr_int(x, "w:val", fs_dx_mm(r->min_height));
        fs_dx_attr(x, "w:hRule", "atLeast");
        fs_dx_end(x);
    }
    if (r->flags & FS_ROW_HEADER)
        fs_dx_empty(x, "w:tblHeader");
    fs_dx_end(x);
}

/* The w:vAlign value of V. */
static const char *valign_value(fs_valign v)
{
    return v == FS_VALIGN_CENTER ? "center"
        : v == FS_VALIGN_BOTTOM ? "bottom" : "top";
}

/* Write the <w:tcPr> element.  Schema order: tcW, gridSpan, vMerge,
 * vAlign. */
static void write_w_tcPr(fs_dx *x, long width, int colspan, fs_docx_vmerge vm,
                         fs_valign valign)
{
    fs_dx_start(x, "w:tcPr");
    write_width(x, "w:tcW", width);
    if (colspan > 1)
        fs_dx_val_int(x, "w:gridSpan", colspan);
    if (vm == FS_DOCX_VMERGE_RESTART)
        fs_dx_val(x, "w:vMerge", "restart");
    else if (vm == FS_DOCX_VMERGE_CONTINUE)
        fs_dx_empty(x, "w:vMerge");
    fs_dx_val(x, "w:vAlign", valign_value(valign));
    fs_dx_end(x);
}

/* Write the <w:tc> element of CELL (WIDTH twips, COLSPAN grid columns):
 * its paragraphs, or for a continuation (FS_DOCX_VMERGE_CONTINUE) one empty
 * paragraph, since every w:tc must end with a w:p. */
void fs_docx_document_write_tc(fs_dx *x, const fs_docx_ctx *c, const fs_cell *cell,
                               long width, int colspan, fs_docx_vmerge vm)
{
    fs_dx_start(x, "w:tc");
    write_w_tcPr(x, width, colspan, vm, cell ? cell->valign : FS_VALIGN_TOP);
    if (vm == FS_DOCX_VMERGE_CONTINUE || !cell || !cell->nparas)
        write_w_p_empty(x, c, cell && cell->nparas ? &cell->paras[0] : NULL);
    else
        for (size_t i = 0; i < cell->nparas; i++)
            write_w_p(x, c, &cell->paras[i], FS_DX_TABLE, 0);
    fs_dx_end(x);
}

/* Write the <w:tr> element of row R of T: each grid slot is covered by a
 * cell starting here, a continuation of a row span from above, or (where
 * the model leaves a hole) an empty filler cell. */
void fs_docx_document_write_tr(fs_dx *x, const fs_docx_ctx *c, const fs_table *t,
                               const fs_docx_grid *g, size_t r)
{
    size_t cc = 0;

    fs_dx_start(x, "w:tr");
    fs_docx_document_write_trpr(x, &t->rows[r]);
    while (cc < g->ncols) {
        const fs_cell *cell = g->own[r * g->ncols + cc];
        size_t n = 1;

        if (cell && (size_t)cell->col == cc) {
            size_t org = g->origin[r * g->ncols + cc];
            int cs = fs_docx_grid_span(cell->colspan, g->ncols - cc);
            int rs = fs_docx_grid_span(cell->rowspan, g->nrows - org);
            fs_docx_vmerge vm = org != r ? FS_DOCX_VMERGE_CONTINUE
                : rs > 1 ? FS_DOCX_VMERGE_RESTART : FS_DOCX_VMERGE_NONE;

            n = (size_t)cs;
            fs_docx_document_write_tc(x, c, cell, fs_docx_grid_width(g, cc, n), cs, vm);
        } else {
            while (cc + n < g->ncols && !g->own[r * g->ncols + cc + n])
                n++;
            fs_docx_document_write_tc(x, c, NULL, fs_docx_grid_width(g, cc, n), (int)n, FS_DOCX_VMERGE_NONE);
        }
        cc += n;
    }
    fs_dx_end(x);
}

/* Write the <w:tbl> element of T. */
static void write_w_tbl(fs_dx *x, const fs_docx_ctx *c, const fs_table *t)
{
    fs_docx_grid g;

    if (!t->ncols || !t->nrows)
        return;
    fs_docx_grid_build(&g, t);
    fs_dx_start(x, "w:tbl");
    fs_docx_document_write_tblpr(x, t, fs_docx_grid_width(&g, 0, g.ncols));
    fs_docx_document_write_tblgrid(x, &g);
    for (size_t r = 0; r < t->nrows; r++)
        fs_docx_document_write_tr(x, c, t, &g, r);
    fs_dx_end(x);
    fs_docx_grid_free(&g);
}

/* ------------------------------------------------------------------------
 * The section.
 * ---------------------------------------------------------------------- */

/* Write a <w:NAME> (headerReference, footerReference) element. */
static void write_w_reference(fs_dx *x, const char *name, const char *type, const char *rid)
{
    fs_dx_start(x, name);
    fs_dx_attr(x, "w:type", type);
    fs_dx_attr(x, "r:id", rid);
    fs_dx_end(x);
}

/* Write the <w:pgSz> element. */
static void write_w_pgSz(fs_dx *x, const fs_page_setup *pg)
{
    fs_dx_start(x, "w:pgSz");
    fs_dx_attr_int(x, "w:w", fs_dx_mm(pg->width));
    fs_dx_attr_int(x, "w:h", fs_dx_mm(pg->height));
    if (pg->width > pg->height)
        fs_dx_attr(x, "w:orient", "landscape");
    fs_dx_end(x);
}

/* Write the <w:pgMar> element: the model's margins, a header distance
 * that sets a running head's small line about 4 mm above the text block
 * as the PDF does (15 mm without one) and the footer distance of the
 * page number. */
static void write_w_pgMar(fs_dx *x, const fs_page_setup *pg, int head)
{
    long top = fs_dx_mm(pg->top), header = fs_dx_mm(head ? pg->top - 8.5 : 15);

    fs_dx_start(x, "w:pgMar");
    fs_dx_attr_int(x, "w:top", top);
    fs_dx_attr_int(x, "w:right", fs_dx_mm(pg->right));
    fs_dx_attr_int(x, "w:bottom", fs_dx_mm(pg->bottom));
    fs_dx_attr_int(x, "w:left", fs_dx_mm(pg->left));
    fs_dx_attr_int(x, "w:header", header < top ? header : top / 2);
    fs_dx_attr_int(x, "w:footer", fs_docx_footer_distance(pg));
    fs_dx_attr_int(x, "w:gutter", 0);
    fs_dx_end(x);
}

/* Write the <w:sectPr> element.  Schema order: the header and footer
 * references, pgSz, pgMar, titlePg.  With a running head the first page
 * gets its own, empty header (titlePg), and then needs the page-number
 * footer named for it too. */
void fs_docx_document_write_sectpr(fs_dx *x, const fs_page_setup *pg,
                                   const fs_docx_hf *hf)
{
    int title = hf->head && hf->first;

    fs_dx_start(x, "w:sectPr");
    if (title) {
        write_w_reference(x, "w:headerReference", "default", hf->head);
        write_w_reference(x, "w:headerReference", "even", hf->head);
        write_w_reference(x, "w:headerReference", "first", hf->first);
    }
    if (hf->odd)
        write_w_reference(x, "w:footerReference", "default", hf->odd);
    if (hf->even)
        write_w_reference(x, "w:footerReference", "even", hf->even);
    if (hf->odd && title)
        write_w_reference(x, "w:footerReference", "first", hf->odd);
    write_w_pgSz(x, pg);
    write_w_pgMar(x, pg, title);
    if (title)
        fs_dx_empty(x, "w:titlePg");
    fs_dx_end(x);
}

/* ------------------------------------------------------------------------
 * The part.
 * ---------------------------------------------------------------------- */

/* Write the <w:body> element: the blocks in order.  A page break becomes
 * pageBreakBefore of the next paragraph (or a thin paragraph holding the
 * break before a table); tables never touch each other or the end; a
 * drawing is a paragraph on a page of its own (fs-docx-drawing.c). */
static void write_w_body(fs_dx *x, const fs_docx_document *self)
{
    const fs_docx_ctx *c = self->c;
    const fs_doc *doc = c->doc;
    fs_block_kind prev = FS_BLOCK_PARA;
    int pending = 0;
    long shape_id = 1;

    fs_dx_start(x, "w:body");
    for (size_t i = 0; i < doc->nblocks; i++) {
        const fs_block *b = &doc->blocks[i];

        switch (b->kind) {
        case FS_BLOCK_PARA:
            write_w_p(x, c, b->u.para, fs_dx_para_style(b->u.para, 0), pending);
            pending = 0;
            prev = FS_BLOCK_PARA;
            break;
        case FS_BLOCK_TABLE:
            if (pending || (i > 0 && prev == FS_BLOCK_TABLE))
                write_w_p_thin(x, pending);
            pending = 0;
            write_w_tbl(x, c, b->u.table);
            prev = FS_BLOCK_TABLE;
            break;
        case FS_BLOCK_PAGE_BREAK:
            pending = 1;
            break;
        case FS_BLOCK_DRAWING:      /* a page of its own (fs-doc.h) */
            if (!b->u.drawing)
                break;
            fs_docx_drawing_write(x, c, b->u.drawing, pending || i > 0, &shape_id);
            pending = i + 1 < doc->nblocks;
            prev = FS_BLOCK_PARA;
            break;
        }
    }
    if (pending || prev == FS_BLOCK_TABLE || doc->nblocks == 0)
        write_w_p_thin(x, pending);
    fs_docx_document_write_sectpr(x, &doc->page, &self->hf);
    fs_dx_end(x);
}

/* Writes the whole part (an fs_dx_write_fn). */
void fs_docx_document_write(const void *vself, fs_dx *x)
{
    const fs_docx_document *self = vself;

    fs_dx_decl(x);
    fs_dx_start(x, "w:document");
    fs_dx_attr(x, "xmlns:w", FS_DX_NS_W);
    fs_dx_attr(x, "xmlns:r", FS_DX_NS_R);
    fs_docx_drawing_namespaces(x, self->c->doc);
    write_w_body(x, self);
    fs_dx_end(x);
}
