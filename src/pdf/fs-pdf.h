/*
 * fs-pdf.h - the PDF typesetter: a fs_doc to print-ready PDF bytes.
 *
 * Layout is our own (libharu 2.3.0 cannot break or measure Chinese text):
 * paragraphs are broken with fs_break_lines and measured with the font
 * set, tables are paginated with repeating header rows, split rows and
 * repeated labels of merged cells, and GB/T 9704 page numbers are added.
 * libharu only draws, embeds the subset fonts (fs-font.c) and writes the
 * file.  The output holds no clock: the same document and fonts give the
 * same bytes.
 */
#ifndef FS_PDF_H
#define FS_PDF_H

#include "fs-doc.h"
#include "fs-font.h"

struct fs_pdfa;

/* How to write a PDF: the document says what is on the pages, these say
 * what kind of file holds them.  All zero (or a NULL pointer for the
 * whole): a plain PDF. */
typedef struct fs_pdf_options {
    const struct fs_pdfa *pdfa; /* PDF/A-1b with these settings (fs-pdfa.h,
                                   not owned); NULL: a plain PDF           */
} fs_pdf_options;

/* Typesets DOC with FONTS, as OPT says (NULL: a plain PDF), into a PDF
 * held in memory: *OUT (malloc'd, the
 * caller frees it and writes it out, e.g. with fs_write_atomic) and
 * *OUTLEN.  Characters no font has are drawn as 〓 (FS_TOFU) with a
 * warning in DIAGS naming the character, its code point, DOC->source_file
 * and the run's line.  Returns FS_OK; or FS_E_FONT / FS_E_PDF / FS_E_NOMEM
 * with *OUT = NULL, *OUTLEN = 0 and an error in DIAGS saying why. */
fs_error fs_pdf_render(const fs_doc *doc, const fs_fontset *fonts,
                       const fs_pdf_options *opt, fs_diags *diags,
                       unsigned char **out, size_t *outlen);

#endif
