/*
 * fs-pdf-draw.h - private to the PDF typesetter: drawing a fs_drawing
 * (fs-draw.h) on a page with libharu.
 *
 * The typesetter's two passes apply: fs_pdf_drawing_new, in the layout
 * pass, picks the face of every character of the drawing's texts and
 * records it with fs_pdf_fonts_use; fs_pdf_drawing_draw, after
 * fs_pdf_fonts_embed, strokes and fills the shapes and connectors and
 * shows the texts with fs_pdf_fonts_encode.
 */
#ifndef FS_PDF_DRAW_H
#define FS_PDF_DRAW_H

#include "fs-draw.h"
#include "fs-pdf-font.h"

#include <hpdf.h>

typedef struct fs_pdf_drawing fs_pdf_drawing;

/* Prepares DR (borrowed: it must outlive the result) for drawing with the
 * faces of FONTS into the PDF whose fonts PF collects (borrowed too).  A
 * character no face has is drawn as 〓 (FS_TOFU) with one warning per
 * character in DIAGS naming FILE.  Never NULL; free it with
 * fs_pdf_drawing_free. */
fs_pdf_drawing *fs_pdf_drawing_new(const fs_drawing *dr, const fs_fontset *fonts,
                                   fs_pdf_fonts *pf, fs_diags *diags,
                                   const char *file);
void fs_pdf_drawing_free(fs_pdf_drawing *pd);

/* Draws PD on PAGE, PAGE_H points high, with its origin page_x, page_y mm
 * from the page's top-left corner.  The graphics state is saved and
 * restored around it.  libharu errors go to the document's handler. */
void fs_pdf_drawing_draw(const fs_pdf_drawing *pd, HPDF_Page page, double page_h);

#endif
