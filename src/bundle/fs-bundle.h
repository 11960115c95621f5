/*
 * fs-bundle.h - the bundle: one PDF holding what a party organisation
 * hands in (fivestar bundle FILE -o OUT.pdf).
 *
 * In order: 附件1 评定标准 and 附件2 申报表 as render draws them, the
 * 附件4 创建流程图 marked with the dossier's history, the 佐证材料目录
 * (the evidence index, a form of the forms template), then every evidence
 * file that can be shown, each from a new page under a header naming the
 * organisation, the rubric item and the caption: JPEG and PNG photos and
 * scans fitted to the page, PDF evidence page by page.  Other files
 * (DOCX, XLSX …) are listed in the index as 未附 with their SHA-256.
 * Every page has a GB/T 9704 page number "— N —", counted through the
 * whole bundle (each part is typeset knowing where it starts; evidence is
 * drawn onto pages of our own that carry the header and the number).
 * The outline has an entry per part and per evidence file shown.
 *
 * Evidence files are opened below the dossier's folder only (fs-file.h)
 * and judged by their content, never their extension.  Limits keep memory
 * and time bounded whatever the files hold: at most FS_BUNDLE_MAX_FILE
 * bytes a file, FS_BUNDLE_MAX_PDF_PAGES pages a PDF, FS_BUNDLE_MAX_PAGES
 * evidence pages and FS_BUNDLE_MAX_BYTES evidence bytes in all, images
 * within fs-image.h's limits (checked before decoding).  A file that
 * breaks a limit, is damaged, encrypted or not what it claims to be is
 * reported as a warning naming the dossier line and listed as 未附; a
 * missing or unreadable file as 缺失.  The bundle is made all the same.
 */
#ifndef FS_BUNDLE_H
#define FS_BUNDLE_H

#include "fs-base.h"
#include "fs-font.h"
#include "fs-form.h"
#include "fs-model.h"

#define FS_BUNDLE_MAX_FILE (64L * 1024 * 1024)
#define FS_BUNDLE_MAX_BYTES (512L * 1024 * 1024)
#define FS_BUNDLE_MAX_PDF_PAGES 500
#define FS_BUNDLE_MAX_PAGES 2000

struct fs_pdfa;

/* What a bundle is made with (the library's context holds them:
 * fs_lib_bundle in fivestar.h is the public call). */
typedef struct fs_bundle_input {
    const fs_fontset *fonts;
    const fs_forms *forms;      /* the forms template of the dossier's rubric */
    const struct fs_pdfa *pdfa; /* PDF/A-1b profile, NULL: a plain PDF      */
} fs_bundle_input;

/* Makes the bundle of the valid dossier D into *OUT / *OUTLEN (malloc'd),
 * with the PDF/A-1b structure of the forms when IN->pdfa is set.
 * Evidence problems are warnings in DIAGS.  Returns FS_OK, or
 * FS_E_TEMPLATE, FS_E_FONT, FS_E_PDF (an error in DIAGS says why) with
 * nothing in *OUT. */
fs_error fs_bundle_render(const fs_bundle_input *in, const fs_dossier *d,
                          unsigned char **out, size_t *outlen, fs_diags *diags);

#endif
