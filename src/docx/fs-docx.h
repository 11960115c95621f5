/*
 * fs-docx.h - the DOCX backend: a fs_doc as a WordprocessingML package.
 *
 * The same document model the PDF backend typesets becomes a Word file with
 * real tables (fixed layout, the PDF's column widths, vMerge for row spans,
 * gridSpan for column spans, repeated header rows), the PDF's margins, type
 * sizes and page numbers, and the fonts it uses embedded as obfuscated
 * HarfBuzz subsets, so that Word, WPS and LibreOffice show it as printed
 * even where those fonts are not installed.
 *
 * Fonts.  A run's rFonts name the latin face for ASCII (w:ascii, w:hAnsi)
 * and, with w:hint="eastAsia", the font an office PC has for the run's
 * role (w:eastAsia: 宋体, 黑体, 楷体, 仿宋, 方正小标宋简体; see
 * fonts/README), so that Word and WPS draw old and new text with the
 * installed font.  Each such font is embedded as a subset of the face that
 * draws it here, renamed to the office name, so the form shows every
 * character where the font is missing.  Only faces whose OS/2 fsType
 * allows editable embedding (0, or bit 0x08) are embedded: Word and
 * LibreOffice ignore the others; where the PDF's face may not be embedded
 * (AR PL SungtiL GB has fsType 4), an allowed face of the same style from
 * the fontset is embedded instead (for song: a Ming/Song/Sung face such as
 * AR PL UMing).  A character the role's face lacks goes to a run naming
 * another role's font whose face has it.
 *
 * Output is deterministic: the same document and fonts give the same bytes
 * (fixed member order and times, no dates in docProps/core.xml).
 */
#ifndef FS_DOCX_H
#define FS_DOCX_H

#include "fs-doc.h"

typedef struct fs_docx_options {
    /* Non-zero: embed nothing, for offices whose PCs all have the fonts
     * (smaller files); the office fonts of the roles are named as always,
     * and Times New Roman for latin.  Zero (the default): embed subsets
     * under the office names. */
    int office_fonts;
} fs_docx_options;

/* Renders DOC with the faces of FONTS as a DOCX package in memory: *OUT
 * (malloc'd, the caller frees it) and *OUTLEN.  OPT may be NULL for the
 * defaults; with office_fonts, FONTS is not used and may be NULL.  Nothing is written to disk (write *OUT with fs_write_atomic).
 * Returns FS_OK; FS_E_FONT when a font cannot be subset, FS_E_ZIP when
 * libzip fails, FS_E_NOMEM when libxml2 cannot write a part, each with a
 * message in DIAGS; *OUT is then NULL. */
fs_error fs_docx_render(const fs_doc *doc, const fs_fontset *fonts,
                        const fs_docx_options *opt, fs_diags *diags,
                        unsigned char **out, size_t *outlen);

#endif
