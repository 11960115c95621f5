/*
 * fs-doc.h - the backend-neutral document model.
 *
 * Each form is built once as a fs_doc: a page setup, metadata and a list
 * of blocks (paragraphs, tables, page breaks, drawings).  The PDF backend
 * (fs-pdf.c) typesets it; the DOCX backend serialises it.  Neither
 * re-describes a form.
 *
 * Units: lengths in millimetres, font sizes in points.  Text is UTF-8.
 * Ownership: the document owns everything added to it; builder functions
 * copy the strings they are given.  fs_doc_free(NULL) is safe.
 */
#ifndef FS_DOC_H
#define FS_DOC_H

#include "fs-base.h"
#include "fs-font.h"

/* Chinese type sizes in points (号). */
#define FS_PT_HAO2   22.0       /* 二号  */
#define FS_PT_XIAO2  18.0       /* 小二  */
#define FS_PT_HAO3   16.0       /* 三号  */
#define FS_PT_HAO4   14.0       /* 四号  */
#define FS_PT_XIAO4  12.0       /* 小四  */
#define FS_PT_HAO5   10.5       /* 五号  */

typedef enum fs_align {
    FS_ALIGN_LEFT, FS_ALIGN_CENTER, FS_ALIGN_RIGHT, FS_ALIGN_JUSTIFY
} fs_align;

typedef enum fs_valign { FS_VALIGN_TOP, FS_VALIGN_CENTER, FS_VALIGN_BOTTOM } fs_valign;

enum { FS_RUN_BOLD = 1, FS_RUN_UNDERLINE = 2 };

typedef struct fs_run {
    char *text;
    fs_font_role role;
    double size;                /* points                                  */
    unsigned flags;             /* FS_RUN_*                                */
    long line;                  /* dossier line for warnings, 0: template  */
} fs_run;

/* What a paragraph is, as its template says: backends style paragraphs by
 * kind (the DOCX picks its paragraph style from it), never by their text.
 * The names are the forms template's kind="…" words, in this order. */
typedef enum fs_para_kind {
    FS_PARA_BODY,               /* running text: the default outside tables */
    FS_PARA_ATTACHMENT,         /* the 附件N label above a form's title     */
    FS_PARA_TITLE,              /* a form's title                          */
    FS_PARA_SUBTITLE,           /* a line under the title                  */
    FS_PARA_HEADING,            /* a heading in the body (a town's group)  */
    FS_PARA_CELL,               /* text in a table cell: their default     */
    FS_PARA_NOTE,               /* a note or remark (备注, 说明)            */
    FS_PARA_SIGNATURE,          /* a signature, seal or date line          */
    FS_PARA_NKINDS
} fs_para_kind;

typedef struct fs_para {
    fs_run *runs;
    size_t nruns;
    fs_align align;
    double indent_chars;        /* first-line indent in characters of the
                                   first run's size (2 for narratives)     */
    double space_before, space_after;   /* mm                              */
    double line_spacing;        /* multiple of the font size, e.g. 1.5     */
    int keep_with_next;         /* do not end a page after this paragraph  */
    fs_para_kind kind;          /* BODY from fs_doc_add_para, CELL from
                                   fs_cell_add_para; builders may change it */
} fs_para;

typedef struct fs_cell {
    int col;                    /* first grid column (set by the builder)  */
    int colspan, rowspan;
    fs_valign valign;
    int repeat_label;           /* a row-spanning cell that crosses a page
                                   break shows its content again, centred
                                   in its part on the next page            */
    fs_para *paras;
    size_t nparas;
} fs_cell;

enum { FS_ROW_HEADER = 1, FS_ROW_CANT_SPLIT = 2 };

typedef struct fs_row {
    fs_cell *cells;             /* only cells that start in this row       */
    size_t ncells;
    unsigned flags;             /* FS_ROW_*: header rows come first and
                                   repeat on every page                    */
    double min_height;          /* mm, 0 = from content                    */
} fs_row;

typedef struct fs_table {
    size_t ncols;
    double *widths;             /* mm, one per grid column                 */
    fs_row *rows;
    size_t nrows;
    double pad_x, pad_y;        /* cell padding, mm                        */
    double border;              /* line width, points                      */
    fs_cell *continued;         /* paragraphs set above the repeated header
                                   rows on every page the table goes on to
                                   ("南城街道（续）"); owned, NULL: none.
                                   Backends that cannot repeat text at a
                                   page break may leave it out            */
} fs_table;

/* A drawing (fs-draw.h): boxes, arrows and texts laid out for one page. */
typedef struct fs_drawing fs_drawing;

/* FS_BLOCK_DRAWING takes a page of its own: it starts a new page unless
 * the current one is empty, and what follows it starts on the next page.
 * The drawing sits where its page_x, page_y put it (it was laid out for
 * the document's page). */
typedef enum fs_block_kind {
    FS_BLOCK_PARA, FS_BLOCK_TABLE, FS_BLOCK_PAGE_BREAK, FS_BLOCK_DRAWING
} fs_block_kind;

typedef struct fs_block {
    fs_block_kind kind;
    union {
        fs_para *para;
        fs_table *table;
        fs_drawing *drawing;    /* owned                                   */
    } u;
} fs_block;

typedef enum fs_pagenum {
    FS_PAGENUM_NONE,
    FS_PAGENUM_GBT9704          /* "— 1 —", 4号 song, 7 mm below the text
                                   block, odd pages right and even pages
                                   left, one character in from the edge    */
} fs_pagenum;

typedef struct fs_page_setup {
    double width, height;       /* mm: A4 portrait 210 x 297               */
    double top, bottom, left, right;    /* margins, mm                     */
    fs_pagenum pagenum;
} fs_page_setup;

typedef struct fs_doc {
    fs_page_setup page;
    char *title, *author, *subject, *creator, *keywords;
    char *source_file;          /* the dossier, for warnings               */
    fs_block *blocks;
    size_t nblocks;
    fs_cell *running;           /* paragraphs set small at the head of
                                   every page but the first (the branch's
                                   name, so that loose pages can be
                                   matched); owned, NULL: none             */
    int page_offset;            /* the PDF numbers its pages from
                                   page_offset + 1 (a part of a longer PDF,
                                   the bundle); DOCX ignores it            */
} fs_doc;

/* A4 portrait with GB/T 9704 margins (37/35/28/26 mm) and page numbers. */
fs_doc *fs_doc_new(void);
void fs_doc_free(fs_doc *doc);
void fs_doc_set_meta(fs_doc *doc, const char *title, const char *author,
                     const char *subject, const char *creator);

/* Paragraphs: added to the document or to a cell; runs appended to them. */
fs_para *fs_doc_add_para(fs_doc *doc, fs_align align);
fs_run *fs_para_add_run(fs_para *p, const char *text, fs_font_role role,
                        double size, unsigned flags, long line);
void fs_doc_add_page_break(fs_doc *doc);

/* Adds the drawing DR to DOC, which takes it over (fs_doc_free frees it
 * with fs_drawing_free); NULL adds nothing. */
void fs_doc_add_drawing(fs_doc *doc, fs_drawing *dr);

/* Tables: NCOLS columns of WIDTHS mm; rows and cells appended in order.
 * fs_row_add_cell places the cell in the first grid column of the row not
 * covered by an earlier cell or a row span from above. */
fs_table *fs_doc_add_table(fs_doc *doc, size_t ncols, const double *widths);
fs_row *fs_table_add_row(fs_table *t, unsigned flags, double min_height);
fs_cell *fs_row_add_cell(fs_table *t, fs_row *r, int colspan, int rowspan,
                         fs_valign valign);
fs_para *fs_cell_add_para(fs_cell *c, fs_align align);
/* The continuation text of table T (see fs_table.continued), made empty
 * on first use; owned by T. */
fs_cell *fs_table_continued(fs_table *t);
/* The running head of DOC (see fs_doc.running), made empty on first use;
 * owned by DOC. */
fs_cell *fs_doc_running(fs_doc *doc);

/* Adds the paragraphs of TEXT (one per line, as dossier-format.md says)
 * to a cell or to the document, each with the given indent and one run. */
void fs_cell_add_text(fs_cell *c, const char *text, fs_align align,
                      double indent_chars, fs_font_role role, double size,
                      long line);

/* Table column widths add up to WIDTH mm (within 0.01)? */
double fs_table_width(const fs_table *t);

#endif
