/*
 * fs-bundle-private.h - what the bundle's files share: the evidence of a
 * dossier as read and judged (fs-bundle-evidence.c) for the index and the
 * pages (fs-bundle.c).  Not for use outside src/bundle/.
 */
#ifndef FS_BUNDLE_PRIVATE_H
#define FS_BUNDLE_PRIVATE_H

#include "fs-bundle.h"
#include "fs-image.h"
#include "fs-sha256.h"

typedef enum bev_kind { BEV_NONE, BEV_IMAGE, BEV_PDF } bev_kind;

/* One <evidence> of the dossier. */
typedef struct fs_bundle_ev {
    int item;                   /* rubric item number                      */
    const fs_evidence *ev;      /* caption, href, line (the dossier's)     */
    char *href;                 /* normalised, NULL when none was given    */
    fs_index_state state;
    char sha[2 * FS_SHA256_LEN + 1];    /* "" when not read                */
    bev_kind kind;
    fs_image img;               /* BEV_IMAGE                               */
    unsigned char *data;        /* the file (kept for a JPEG: IMG uses it) */
    size_t len;
    unsigned char *pdf;         /* BEV_PDF: the checked copy (qpdf's)      */
    size_t pdflen;
    size_t npages;              /* pages it takes in the bundle            */
    long same;                  /* an earlier entry naming the same file,
                                   whose pages it shares; else -1          */
    size_t first;               /* page number of its first page           */
} fs_bundle_ev;

typedef struct fs_bundle_evs {
    fs_bundle_ev *v;
    size_t n;
} fs_bundle_evs;

/* Reads every evidence of D (rubric R), in item order, from D's folder:
 * hashes each file, loads images (PNG transparency over white when
 * FLATTEN) and checks PDFs, within the limits of fs-bundle.h.  Every
 * problem is a warning in DIAGS at the evidence's dossier line. */
void fs_bundle_evidence_collect(const fs_dossier *d, const fs_rubric *r,
                                int flatten, fs_bundle_evs *out, fs_diags *diags);
void fs_bundle_evidence_free(fs_bundle_evs *e);

#endif
