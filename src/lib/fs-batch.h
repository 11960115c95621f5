/*
 * fs-batch.h - what the commands over many dossiers share (render, stats,
 * archive): the fontset, rubrics and forms templates loaded once per run,
 * the PDF/A profile, rendering a document to PDF or DOCX bytes, and the
 * progress line.
 *
 * The progress line ("[12/300] 生成 a.xml") goes to standard error only
 * when it is a terminal, is redrawn in place, and is wiped before any
 * diagnostic is printed, so that messages never mix with it and logs and
 * pipes never see it.
 */
#ifndef FS_BATCH_H
#define FS_BATCH_H

#include "fivestar.h"
#include "fs-doc.h"
#include "fs-docx.h"
#include "fs-form.h"

typedef struct fs_pdfa fs_pdfa;

typedef struct fs_batch_options {
    int fonts;                  /* load the fontset (not needed to verify) */
    int pdfa;                   /* PDFs follow PDF/A-1b (fs-pdfa.h)        */
    fs_docx_options docx;
    const char *verb;           /* what the progress line says: 生成 …     */
} fs_batch_options;

typedef struct fs_batch fs_batch;

/* Loads what O asks for: the fontset ($FIVESTAR_FONTS or fonts/fonts.conf)
 * and the PDF/A colour profile.  Problems go to DIAGS.  Returns NULL with
 * *ERR (FS_E_FONT, FS_E_IO …) on failure. */
fs_batch *fs_batch_new(const fs_batch_options *o, fs_diags *diags, fs_error *err);
void fs_batch_free(fs_batch *b);

/* Loads dossier FILE through the run's rubric cache (fs_dossier_load). */
fs_dossier *fs_batch_load(fs_batch *b, const char *file, const fs_rubric **r,
                          fs_diags *diags, fs_error *err);
/* The forms template of rubric R, loaded on first use.  NULL with *ERR =
 * FS_E_TEMPLATE (a diagnostic says why, once). */
fs_forms *fs_batch_forms(fs_batch *b, const fs_rubric *r, fs_diags *diags,
                         fs_error *err);
/* Renders DOC as DOCX (DOCX non-zero) or PDF (PDF/A when the run says so)
 * into *OUT / *OUTLEN (malloc'd).  On failure an error naming NAME (the
 * file it was meant for) is in DIAGS. */
fs_error fs_batch_render(fs_batch *b, fs_doc *doc, int docx, const char *name,
                         unsigned char **out, size_t *outlen, fs_diags *diags);
/* Renders DOC by the extension of PATH (.docx, else PDF) and writes it
 * whole or not at all. */
fs_error fs_batch_write(fs_batch *b, fs_doc *doc, const char *path,
                        fs_diags *diags);

/* Shows "[DONE/TOTAL] VERB FILE" on a terminal. */
void fs_batch_progress(fs_batch *b, size_t done, size_t total, const char *file);
/* Sorts and prints DIAGS to standard error (wiping the progress line
 * first) and empties them. */
void fs_batch_report(fs_batch *b, fs_diags *diags);
/* Wipes the progress line, if any; call before normal output. */
void fs_batch_clear(fs_batch *b);

/* The name of dossier PATH's output folder: its file name less ".xml"
 * (malloc'd).  PATH is the user's own argument, not dossier content. */
char *fs_batch_dossier_name(const char *path);

#endif
