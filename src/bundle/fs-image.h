/*
 * fs-image.h - evidence photos and scans (JPEG, PNG) made ready for a
 * PDF page, without trusting the file.
 *
 * The kind is taken from the first bytes (never from the extension), and
 * the size from the header before anything is decoded, so that a
 * 20,000 x 20,000 image is refused before a pixel buffer exists.
 *   - JPEG is never decoded: its bytes go into the PDF as they are
 *     (DCTDecode), so the photo keeps its resolution and quality.  The
 *     header gives width, height, components and the EXIF orientation.
 *   - PNG is decoded with libpng's simplified API (which reports every
 *     error as a message, never longjmp()s through our code) to 8-bit RGB
 *     and, when any pixel is not opaque, an 8-bit alpha channel (a PDF
 *     soft mask); for PDF/A, which forbids soft masks, the alpha is laid
 *     over white instead.  Both planes are kept zlib-compressed
 *     (libdeflate, FlateDecode in the PDF), so that a bundle of many
 *     photos holds compressed data, never more than one decoded image.
 */
#ifndef FS_IMAGE_H
#define FS_IMAGE_H

#include "fs-base.h"

/* Limits: each side at most FS_IMAGE_MAX_SIDE pixels and at most
 * FS_IMAGE_MAX_PIXELS in all (a PNG of that size takes 4 bytes a pixel
 * while it is decoded). */
#define FS_IMAGE_MAX_SIDE 16000u
#define FS_IMAGE_MAX_PIXELS 40000000UL

typedef enum fs_image_kind { FS_IMAGE_NONE, FS_IMAGE_JPEG, FS_IMAGE_PNG } fs_image_kind;

typedef struct fs_image {
    fs_image_kind kind;
    unsigned width, height;     /* pixels, as stored                       */
    int orientation;            /* EXIF 1..8 (1: as stored)                */
    /* JPEG: the file's bytes (not owned) */
    const unsigned char *jpeg;
    size_t jpeg_len;
    int components;             /* 1 gray, 3 RGB (YCbCr), 4 CMYK           */
    int inverted;               /* Adobe CMYK: the PDF needs /Decode 1 0 … */
    /* PNG: decoded pixels, zlib-compressed (owned) */
    unsigned char *rgb;         /* width * height * 3 bytes compressed     */
    size_t rgb_len;
    unsigned char *alpha;       /* width * height compressed, NULL when
                                   every pixel is opaque                   */
    size_t alpha_len;
} fs_image;

/* The kind of the N bytes at DATA by their signature. */
fs_image_kind fs_image_sniff(const unsigned char *data, size_t n);

/* Reads the image in DATA (N bytes; a JPEG's bytes must outlive IMG) into
 * IMG.  FLATTEN lays a PNG's transparency over white (PDF/A).  Returns 0,
 * or -1 with a Chinese sentence in WHY saying why the image cannot be used
 * (not an image of a known kind, damaged, too large) and nothing in IMG
 * to free. */
#define FS_IMAGE_WHY 256
int fs_image_load(const unsigned char *data, size_t n, int flatten,
                  fs_image *img, char why[FS_IMAGE_WHY]);
void fs_image_clear(fs_image *img);

#endif
