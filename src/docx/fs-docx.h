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
 * and, with w:hint="eastAsia", the face that draws its other characters in
 * the PDF (w:eastAsia), so text the role's font lacks is split into runs
 * naming the fallback face, as in the PDF.  Only faces whose OS/2 fsType
 * allows editable embedding (0, or bit 0x08) are embedded: Word and
 * LibreOffice ignore the others.  Where the PDF's face may not be embedded
 * (AR PL SungtiL GB has fsType 4), the DOCX names and embeds an allowed
 * face of the same style from the fontset instead (for song: a Ming/Song/
 * Sung face such as AR PL UMing), else the fallback face.  Each embedded
 * subset gets a family name of its own, the face's family and six hex
 * digits ("Droid Sans Fallback 1A6DD3", w:altName keeps the original):
 * LibreOffice keeps the first embedded font of a name for its whole
 * session, so 评定标准 and 申报表 opened together would otherwise draw
 * the second with the first one's subset and lose characters.
 *
 * Output is deterministic: the same document and fonts give the same bytes
 * (fixed member order and times, no dates in docProps/core.xml).
 */
#ifndef FS_DOCX_H
#define FS_DOCX_H

#include "fs-doc.h"

typedef struct fs_docx_options {
    /* Non-zero: name the Office fonts instead of the fontset's faces and
     * embed nothing, for offices that have them installed: song 宋体,
     * hei 黑体, kai 楷体_GB2312 (a fangsong role would be 仿宋_GB2312),
     * latin Times New Roman.  Zero (the default): embed subsets. */
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
