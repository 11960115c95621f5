/*
 * fs-doc.c - builders of the document model (fs-doc.h).
 *
 * Every builder copies the strings it is given; the document owns all it
 * holds and fs_doc_free releases it.  Arrays grow by doubling, so a pointer
 * returned by an add function (a row, a cell, a cell's paragraph, a run)
 * stays valid only until the next addition to the same array: fill in one
 * row's cells before adding the next row, as the forms builder does.
 * Paragraphs and tables added to the document itself are allocated one by
 * one and never move.  Allocation failure aborts (fs_xmalloc).
 */
#include "fs-doc.h"
#include "fs-draw.h"

#include <stdlib.h>
#include <string.h>

/* Default line spacing of a new paragraph: a multiple of its size that
 * leaves room between lines of Chinese text (1.0 makes them touch). */
#define FS_DOC_LINE_SPACING 1.3

/* Makes room for element N of the array V of SIZE-byte elements and
 * returns the (possibly moved) array.  The
 * arrays of fs-doc.h have no capacity field, so the capacity is implicit:
 * 0 when empty, else the larger of 4 and the smallest power of two not
 * below the count.  Appends stay amortised O(1).  Aborts when out of
 * memory. */
static void *reserve(void *v, size_t n, size_t size)
{
    if (n == 0 || (n >= 4 && (n & (n - 1)) == 0))
        v = fs_xrealloc(v, (n < 4 ? 4 : n * 2) * size);
    return v;
}

/* Frees the runs of P and P's run array (not P itself). */
static void para_clear(fs_para *p)
{
    for (size_t i = 0; i < p->nruns; i++)
        free(p->runs[i].text);
    free(p->runs);
}

/* Frees the paragraphs of C (not C itself). */
static void cell_clear(fs_cell *c)
{
    for (size_t i = 0; i < c->nparas; i++)
        para_clear(&c->paras[i]);
    free(c->paras);
}

/* Frees table T and everything in it; NULL is fine. */
static void table_free(fs_table *t)
{
    if (!t)
        return;
    for (size_t r = 0; r < t->nrows; r++) {
        for (size_t i = 0; i < t->rows[r].ncells; i++)
            cell_clear(&t->rows[r].cells[i]);
        free(t->rows[r].cells);
    }
    free(t->rows);
    free(t->widths);
    if (t->continued)
        cell_clear(t->continued);
    free(t->continued);
    free(t);
}

/* Sets the defaults of a new paragraph P: alignment ALIGN, no indent or
 * spacing around it, FS_DOC_LINE_SPACING. */
static void para_init(fs_para *p, fs_align align)
{
    memset(p, 0, sizeof *p);
    p->align = align;
    p->line_spacing = FS_DOC_LINE_SPACING;
}

/* A new empty document: A4 portrait (210 x 297 mm), GB/T 9704 margins
 * (top 37, bottom 35, left 28, right 26 mm) and GB/T 9704 page numbers;
 * no metadata.  The caller frees it with fs_doc_free.  Never NULL. */
fs_doc *fs_doc_new(void)
{
    fs_doc *doc = fs_xcalloc(1, sizeof *doc);

    doc->page.width = 210.0;
    doc->page.height = 297.0;
    doc->page.top = 37.0;
    doc->page.bottom = 35.0;
    doc->page.left = 28.0;
    doc->page.right = 26.0;
    doc->page.pagenum = FS_PAGENUM_GBT9704;
    return doc;
}

/* Frees DOC and everything it owns; NULL is fine. */
void fs_doc_free(fs_doc *doc)
{
    if (!doc)
        return;
    for (size_t i = 0; i < doc->nblocks; i++) {
        fs_block *b = &doc->blocks[i];

        if (b->kind == FS_BLOCK_PARA && b->u.para) {
            para_clear(b->u.para);
            free(b->u.para);
        } else if (b->kind == FS_BLOCK_TABLE) {
            table_free(b->u.table);
        } else if (b->kind == FS_BLOCK_DRAWING) {
            fs_drawing_free(b->u.drawing);
        }
    }
    free(doc->blocks);
    if (doc->running)
        cell_clear(doc->running);
    free(doc->running);
    free(doc->title);
    free(doc->author);
    free(doc->subject);
    free(doc->creator);
    free(doc->keywords);
    free(doc->source_file);
    free(doc);
}

/* Replaces the title, author, subject and creator of DOC with copies of the
 * given strings (NULL clears a field).  Keywords are set directly. */
void fs_doc_set_meta(fs_doc *doc, const char *title, const char *author,
                     const char *subject, const char *creator)
{
    char *t = fs_strdup(title), *a = fs_strdup(author);
    char *s = fs_strdup(subject), *c = fs_strdup(creator);

    free(doc->title);
    free(doc->author);
    free(doc->subject);
    free(doc->creator);
    doc->title = t;
    doc->author = a;
    doc->subject = s;
    doc->creator = c;
}

/* Appends a new block of KIND to DOC and returns it (zeroed otherwise). */
static fs_block *add_block(fs_doc *doc, fs_block_kind kind)
{
    fs_block *b;

    doc->blocks = reserve(doc->blocks, doc->nblocks, sizeof *doc->blocks);
    b = &doc->blocks[doc->nblocks++];
    memset(b, 0, sizeof *b);
    b->kind = kind;
    return b;
}

/* Adds an empty paragraph aligned ALIGN to the end of DOC (see para_init
 * for its defaults) and returns it; it belongs to DOC and never moves. */
fs_para *fs_doc_add_para(fs_doc *doc, fs_align align)
{
    fs_para *p = fs_xmalloc(sizeof *p);

    para_init(p, align);
    add_block(doc, FS_BLOCK_PARA)->u.para = p;
    return p;
}

/* Appends a run of a copy of TEXT (NULL counts as "") to P and returns
 * it; valid until the next run is added to P. */
fs_run *fs_para_add_run(fs_para *p, const char *text, fs_font_role role,
                        double size, unsigned flags, long line)
{
    fs_run *r;

    p->runs = reserve(p->runs, p->nruns, sizeof *p->runs);
    r = &p->runs[p->nruns++];
    r->text = fs_strdup(text ? text : "");
    r->role = role;
    r->size = size;
    r->flags = flags;
    r->line = line;
    return r;
}

/* Adds a page break to DOC. */
void fs_doc_add_page_break(fs_doc *doc)
{
    add_block(doc, FS_BLOCK_PAGE_BREAK);
}

/* Adds the drawing DR to DOC, which owns it from now on; NULL adds
 * nothing. */
void fs_doc_add_drawing(fs_doc *doc, fs_drawing *dr)
{
    if (dr)
        add_block(doc, FS_BLOCK_DRAWING)->u.drawing = dr;
}

/* Adds an empty table of NCOLS columns WIDTHS mm wide (copied) to DOC and
 * returns it; padding 1 mm, border 0.5 pt until the caller changes them.
 * The table belongs to DOC and never moves. */
fs_table *fs_doc_add_table(fs_doc *doc, size_t ncols, const double *widths)
{
    fs_table *t = fs_xcalloc(1, sizeof *t);

    t->ncols = ncols;
    t->widths = fs_xcalloc(ncols ? ncols : 1, sizeof *t->widths);
    if (widths && ncols)
        memcpy(t->widths, widths, ncols * sizeof *widths);
    t->pad_x = 1.0;
    t->pad_y = 1.0;
    t->border = 0.5;
    add_block(doc, FS_BLOCK_TABLE)->u.table = t;
    return t;
}

/* Appends an empty row with FS_ROW_* FLAGS and MIN_HEIGHT mm to T.  The
 * row is valid until the next row is added. */
fs_row *fs_table_add_row(fs_table *t, unsigned flags, double min_height)
{
    fs_row *r;

    t->rows = reserve(t->rows, t->nrows, sizeof *t->rows);
    r = &t->rows[t->nrows++];
    memset(r, 0, sizeof *r);
    r->flags = flags;
    r->min_height = min_height;
    return r;
}

/* Appends a cell spanning COLSPAN columns and ROWSPAN rows (values below 1
 * count as 1) to row R of T, in the first grid column that no earlier cell
 * of R and no row span from an earlier row covers; when every column is
 * covered the cell gets col = ncols and the backends skip it.  The cell is
 * valid until the next cell is added to R. */
fs_cell *fs_row_add_cell(fs_table *t, fs_row *r, int colspan, int rowspan,
                         fs_valign valign)
{
    size_t ri = (size_t)(r - t->rows), col = 0;
    unsigned char *used = fs_xcalloc(t->ncols + 1, 1);
    fs_cell *c;

    /* Mark the columns covered by spans from above and by R's cells. */
    for (size_t i = 0; i <= ri && i < t->nrows; i++)
        for (size_t k = 0; k < t->rows[i].ncells; k++) {
            const fs_cell *o = &t->rows[i].cells[k];
            int rs = o->rowspan < 1 ? 1 : o->rowspan;
            int cs = o->colspan < 1 ? 1 : o->colspan;

            if (i < ri && i + (size_t)rs <= ri)
                continue;
            for (int j = 0; j < cs; j++)
                if (o->col >= 0 && (size_t)o->col + (size_t)j < t->ncols)
                    used[o->col + j] = 1;
        }
    while (col < t->ncols && used[col])
        col++;
    free(used);

    r->cells = reserve(r->cells, r->ncells, sizeof *r->cells);
    c = &r->cells[r->ncells++];
    memset(c, 0, sizeof *c);
    c->col = (int)col;
    c->colspan = colspan < 1 ? 1 : colspan;
    c->rowspan = rowspan < 1 ? 1 : rowspan;
    c->valign = valign;
    return c;
}

/* Appends an empty paragraph (defaults of para_init) to cell C; valid
 * until the next paragraph is added to C. */
fs_para *fs_cell_add_para(fs_cell *c, fs_align align)
{
    fs_para *p;

    c->paras = reserve(c->paras, c->nparas, sizeof *c->paras);
    p = &c->paras[c->nparas++];
    para_init(p, align);
    p->kind = FS_PARA_CELL;
    return p;
}

/* Returns the continuation text of T, creating it empty (see fs-doc.h). */
fs_cell *fs_table_continued(fs_table *t)
{
    if (!t->continued)
        t->continued = fs_xcalloc(1, sizeof *t->continued);
    return t->continued;
}

/* Returns the running head of DOC, creating it empty (see fs-doc.h). */
fs_cell *fs_doc_running(fs_doc *doc)
{
    if (!doc->running)
        doc->running = fs_xcalloc(1, sizeof *doc->running);
    return doc->running;
}

/* Adds one paragraph per line of TEXT (split at every '\n'; NULL counts as
 * "", which gives one empty paragraph) to cell C, each aligned ALIGN,
 * indented INDENT_CHARS and holding one run of ROLE, SIZE and dossier
 * LINE.  An empty line gives a paragraph with an empty run, so that it
 * keeps its height. */
void fs_cell_add_text(fs_cell *c, const char *text, fs_align align,
                      double indent_chars, fs_font_role role, double size,
                      long line)
{
    const char *s = text ? text : "";

    for (;;) {
        size_t n = strcspn(s, "\n");
        char *piece = fs_xmalloc(n + 1);
        fs_para *p = fs_cell_add_para(c, align);

        memcpy(piece, s, n);
        piece[n] = '\0';
        p->indent_chars = indent_chars;
        fs_para_add_run(p, piece, role, size, 0, line);
        free(piece);
        if (!s[n])
            break;
        s += n + 1;
    }
}

/* The sum of T's column widths in mm. */
double fs_table_width(const fs_table *t)
{
    double w = 0;

    for (size_t i = 0; i < t->ncols; i++)
        w += t->widths[i];
    return w;
}
