/*
 * fs-pdf-font.h - the fonts of one PDF, embedded into libharu.
 *
 * The typesetter records every code point it draws per face
 * (fs_pdf_fonts_use), then fs_pdf_fonts_embed subsets each used face with
 * hb-subset, loads the subset into libharu and rewrites its ToUnicode CMap
 * as valid bfchar.  Every code point a face draws is remapped to a compact
 * stand-in, U+0100 upwards in code point order, in the subset's cmap (the
 * stand-ins are the PDF's character codes and CIDs) and mapped back to its
 * real value (a UTF-16 surrogate pair outside the BMP, which libharu 2.3.0
 * would turn into spaces) in the ToUnicode CMap; fs_pdf_fonts_encode
 * produces the UTF-8 to hand to HPDF_Page_ShowText with that remapping
 * applied.
 */
#ifndef FS_PDF_FONT_H
#define FS_PDF_FONT_H

#include "fs-font.h"
#include <hpdf.h>

/* Per-PDF state. */
typedef struct fs_pdf_fonts fs_pdf_fonts;

fs_pdf_fonts *fs_pdf_fonts_new(const fs_fontset *fs);
void fs_pdf_fonts_free(fs_pdf_fonts *pf);
/* Records that CP will be drawn in FACE. */
void fs_pdf_fonts_use(fs_pdf_fonts *pf, int face, uint32_t cp);
/* Subsets every used face, loads it into PDF and fixes its ToUnicode.
 * Call once, after all fs_pdf_fonts_use calls and before drawing.
 * Subsets go to libharu through in-memory files (memfd), or where the
 * system has none through temporary files in $TMPDIR (or /tmp), removed
 * before this returns.  Returns FS_OK, FS_E_FONT or FS_E_PDF with a
 * message naming the font file in DIAGS. */
fs_error fs_pdf_fonts_embed(fs_pdf_fonts *pf, HPDF_Doc pdf, fs_diags *diags);
HPDF_Font fs_pdf_fonts_get(const fs_pdf_fonts *pf, int face);
/* UTF-8 for HPDF_Page_ShowText of the N code points CPS, all of FACE, each
 * replaced by its stand-in (once FACE is embedded).  Malloc'd. */
char *fs_pdf_fonts_encode(const fs_pdf_fonts *pf, int face,
                          const uint32_t *cps, size_t n);

#endif
