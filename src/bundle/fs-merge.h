/*
 * fs-merge.h - putting PDFs together with qpdf (its C API, libqpdf): the
 * bundle's parts page after page, evidence images and evidence PDF pages
 * drawn onto the bundle's own pages, the outline, and the written file.
 *
 * No PDF is parsed here: qpdf reads, copies and writes every object.
 * An evidence PDF page is turned into a form XObject (its content streams
 * and resources, its crop box as the BBox) and drawn, scaled to fit and
 * turned as its /Rotate says, into a rectangle of one of our pages, which
 * carries the header and the page number; links, form fields and other
 * annotations of the evidence page are not carried over.
 *
 * Output is deterministic: no object streams, streams compressed with
 * zlib as qpdf does it, the /ID computed from the content
 * (qpdf_set_deterministic_ID).
 */
#ifndef FS_MERGE_H
#define FS_MERGE_H

#include "fs-base.h"
#include "fs-image.h"

#define FS_MERGE_WHY 512

typedef struct fs_merge fs_merge;

/* A rectangle on a page in points, origin at the bottom left. */
typedef struct fs_rect { double x, y, w, h; } fs_rect;

/* Checks an evidence PDF (N bytes at DATA) before anything is promised
 * about it: qpdf reads it, it is not encrypted, it has 1 to MAX_PAGES
 * pages whose content streams all decode (128 MiB at most in all), and
 * it writes out whole; all in a child process with limited memory and
 * processor time, so a hostile file cannot take the run down.
 * Returns 0 with that written copy in *CLEAN / *CLEAN_LEN (malloc'd) and
 * its page count in *NPAGES (*REPAIRED set when qpdf had to repair it),
 * or -1 with a Chinese sentence in WHY. */
int fs_merge_check_pdf(const unsigned char *data, size_t n, size_t max_pages,
                       unsigned char **clean, size_t *clean_len, size_t *npages,
                       int *repaired, char why[FS_MERGE_WHY]);

/* The number of pages of the PDF DATA (one we made), or -1. */
long fs_merge_count_pages(const unsigned char *data, size_t n);

fs_merge *fs_merge_new(void);
void fs_merge_free(fs_merge *m);

/* Takes over the PDF DATA (malloc'd, N bytes, one we made or one that
 * passed fs_merge_check_pdf) as source document number *DOC.  With
 * APPEND its pages are appended to the output.  Returns 0, or -1 with
 * WHY (DATA is freed either way). */
int fs_merge_add(fs_merge *m, unsigned char *data, size_t n, int append,
                 size_t *doc, char why[FS_MERGE_WHY]);
/* Pages of source DOC, and pages of the output so far. */
size_t fs_merge_doc_pages(const fs_merge *m, size_t doc);
size_t fs_merge_pages(const fs_merge *m);

/* Draws IMG in rectangle R of output page PAGE (0-based): as large as
 * fits but at most one point per pixel, turned by its EXIF orientation,
 * and a quarter turn counter-clockwise more when that shows it larger;
 * centred across, at the top of R.  JPEG goes in as it is (DCTDecode),
 * PNG as RGB with its alpha as a soft mask.  Returns 0 or -1 with WHY. */
int fs_merge_place_image(fs_merge *m, size_t page, const fs_image *img,
                         fs_rect r, char why[FS_MERGE_WHY]);
/* Draws page SRC_PAGE of source DOC the same way (at most full size),
 * in a thin grey frame. */
int fs_merge_place_page(fs_merge *m, size_t page, size_t doc, size_t src_page,
                        fs_rect r, char why[FS_MERGE_WHY]);
/* Strokes a 0.5 pt grey line from (X0, Y) to (X1, Y) on PAGE. */
int fs_merge_rule(fs_merge *m, size_t page, double x0, double x1, double y,
                  char why[FS_MERGE_WHY]);

/* Adds an outline entry TITLE (UTF-8) for output page PAGE: LEVEL 0 is a
 * part, LEVEL 1 an entry under the last part. */
void fs_merge_outline(fs_merge *m, int level, const char *title, size_t page);

/* Writes the output into *OUT / *OUTLEN (malloc'd).  The document
 * information and, when present, the XMP metadata and output intents
 * (PDF/A) are those of source DOC_META; PDFA forces the %PDF-1.4 header.
 * Returns 0, or -1 with WHY. */
int fs_merge_write(fs_merge *m, size_t doc_meta, int pdfa, unsigned char **out,
                   size_t *outlen, char why[FS_MERGE_WHY]);

#endif
