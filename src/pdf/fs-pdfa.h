/*
 * fs-pdfa.h - PDF/A-1b for the archive, as far as libharu 2.3.0 allows.
 *
 * The PDF backend calls fs_pdfa_apply after drawing every page and before
 * saving, with the settings of its render options (fs_pdf_options.pdfa);
 * without settings it does nothing.  With them it
 *   - sets the header to %PDF-1.4 (libharu writes the binary comment);
 *   - adds XMP metadata (pdfaid part 1, conformance B) whose values are
 *     the Info entries', XML-escaped, in an unfiltered stream with /Type
 *     /Metadata and /Subtype /XML (libharu's own writes /SubType and does
 *     not escape);
 *   - adds an sRGB OutputIntent (GTS_PDFA1) with the ICC profile of
 *     Debian's icc-profiles-free;
 *   - gives every embedded CIDFontType2 subset a /CIDSet listing the CIDs
 *     whose glyphs the font program holds;
 *   - sets a deterministic /ID: SHA-256 of the metadata and the pages'
 *     content streams, so that the same document gives the same bytes.
 * The typesetter draws no transparency, images, annotations or actions;
 * the tests check that none appear.  No PDF/A validator is packaged for
 * Debian: what is and is not verified is listed in the README.
 */
#ifndef FS_PDFA_H
#define FS_PDFA_H

#include "fs-doc.h"

#include <hpdf.h>

/* The run's PDF/A settings: the output intent's ICC profile. */
typedef struct fs_pdfa fs_pdfa;

/* Reads the sRGB profile: $FIVESTAR_ICC, else
 * /usr/share/color/icc/sRGB.icc (package icc-profiles-free).  NULL with
 * *ERR = FS_E_IO and a diagnostic naming the file (and the package) when
 * it is missing or not an RGB display or printer profile. */
fs_pdfa *fs_pdfa_load(fs_diags *diags, fs_error *err);
void fs_pdfa_free(fs_pdfa *p);

/* Applies PDF/A-1b with the settings P to PDF, DOC's drawing, whose pages
 * are drawn and which is not saved yet; nothing when P is NULL.  Returns
 * FS_OK, or FS_E_PDF with an error in DIAGS naming DOC->source_file. */
fs_error fs_pdfa_apply(HPDF_Doc pdf, const fs_doc *doc, const fs_pdfa *p,
                       fs_diags *diags);

#endif
