/*
 * fs-image.c - JPEG headers and PNG decoding for evidence pages
 * (fs-image.h).  Every length read from a file is checked against what
 * is left of it before it is used.
 */
#include "fs-image.h"

#include <libdeflate.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The kind of DATA by its signature; see fs-image.h. */
fs_image_kind fs_image_sniff(const unsigned char *data, size_t n)
{
    static const unsigned char png_sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

    if (n >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF)
        return FS_IMAGE_JPEG;
    if (n >= 8 && memcmp(data, png_sig, 8) == 0)
        return FS_IMAGE_PNG;
    return FS_IMAGE_NONE;
}

/* Frees what IMG owns and empties it. */
void fs_image_clear(fs_image *img)
{
    free(img->rgb);
    free(img->alpha);
    memset(img, 0, sizeof *img);
}

/* Is a W x H image within the limits of fs-image.h? */
static int size_ok(unsigned long w, unsigned long h)
{
    return w && h && w <= FS_IMAGE_MAX_SIDE && h <= FS_IMAGE_MAX_SIDE &&
           w * h <= FS_IMAGE_MAX_PIXELS;
}

/* ------------------------------------------------------------------------
 * JPEG: markers up to the frame header, never the entropy-coded data.
 * ---------------------------------------------------------------------- */

/* A 16- or 32-bit TIFF number at P in the byte order BIG. */
static unsigned tiff16(const unsigned char *p, int big)
{
    return big ? (unsigned)(p[0] << 8 | p[1]) : (unsigned)(p[1] << 8 | p[0]);
}

static unsigned long tiff32(const unsigned char *p, int big)
{
    return big ? (unsigned long)p[0] << 24 | (unsigned long)p[1] << 16 |
                 (unsigned long)p[2] << 8 | p[3]
               : (unsigned long)p[3] << 24 | (unsigned long)p[2] << 16 |
                 (unsigned long)p[1] << 8 | p[0];
}

/* The Orientation tag (0x0112) of the first IFD of the EXIF block S
 * (N bytes, "Exif\0\0" and a TIFF header); 1 when absent or odd. */
static int exif_orientation(const unsigned char *s, size_t n)
{
    const unsigned char *t = s + 6;
    size_t tn, count;
    unsigned long ifd;
    int big;

    if (n < 6 + 8 || memcmp(s, "Exif\0\0", 6) != 0)
        return 1;
    tn = n - 6;
    if (memcmp(t, "MM\0*", 4) == 0)
        big = 1;
    else if (memcmp(t, "II*\0", 4) == 0)
        big = 0;
    else
        return 1;
    ifd = tiff32(t + 4, big);
    if (ifd > tn - 2)
        return 1;
    count = tiff16(t + ifd, big);
    for (size_t i = 0; i < count; i++) {
        size_t at = (size_t)ifd + 2 + 12 * i;
        if (at + 12 > tn)
            break;
        if (tiff16(t + at, big) == 0x0112 && tiff16(t + at + 2, big) == 3) {
            unsigned v = tiff16(t + at + 8, big);
            return v >= 1 && v <= 8 ? (int)v : 1;
        }
    }
    return 1;
}

/* Reads the JPEG header of DATA into IMG; NULL or why not. */
static const char *load_jpeg(const unsigned char *data, size_t n, fs_image *img)
{
    size_t at = 2;
    int adobe = 0;

    img->orientation = 1;
    for (;;) {
        unsigned m, len;
        const unsigned char *seg;

        while (at < n && data[at] != 0xFF)
            at++;                       /* tolerate junk between segments */
        while (at < n && data[at] == 0xFF)
            at++;
        if (at >= n)
            return "JPEG 文件不完整：找不到图像帧头（SOF）";
        m = data[at++];
        if (m == 0xD8 || m == 0x01 || (m >= 0xD0 && m <= 0xD7))
            continue;
        if (m == 0xD9 || m == 0xDA)
            return "JPEG 文件损坏：图像数据之前没有帧头（SOF）";
        if (at + 2 > n)
            return "JPEG 文件不完整";
        len = (unsigned)(data[at] << 8 | data[at + 1]);
        if (len < 2 || len > n - at)
            return "JPEG 文件损坏：段长度超出文件";
        seg = data + at + 2;
        len -= 2;
        if (m == 0xE1 && len >= 6 && memcmp(seg, "Exif\0\0", 6) == 0)
            img->orientation = exif_orientation(seg, len);
        else if (m == 0xEE && len >= 12 && memcmp(seg, "Adobe", 5) == 0)
            adobe = 1;
        else if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC) {
            unsigned long w, h;
            if (m != 0xC0 && m != 0xC1 && m != 0xC2)
                return "JPEG 采用了 PDF 阅读器普遍不支持的编码（无损、算术或分层编码），请另存为普通 JPEG";
            if (len < 6)
                return "JPEG 文件损坏：帧头太短";
            if (seg[0] != 8)
                return "JPEG 不是 8 位色深，请另存为普通 JPEG";
            h = (unsigned long)(seg[1] << 8 | seg[2]);
            w = (unsigned long)(seg[3] << 8 | seg[4]);
            img->components = seg[5];
            if (img->components != 1 && img->components != 3 && img->components != 4)
                return "JPEG 的颜色通道数不受支持（应为灰度、RGB 或 CMYK）";
            if (!w || !h)
                return "JPEG 文件损坏：宽或高为 0（或写在图像数据之后）";
            img->width = (unsigned)w;
            img->height = (unsigned)h;
            if (!size_ok(w, h))
                return NULL;            /* the caller reports the size */
            img->inverted = adobe && img->components == 4;
            img->kind = FS_IMAGE_JPEG;
            img->jpeg = data;
            img->jpeg_len = n;
            return NULL;
        }
        at += 2 + len;
    }
}

/* ------------------------------------------------------------------------
 * PNG: libpng's simplified API, after a look at IHDR.
 * ---------------------------------------------------------------------- */

/* The N bytes at P zlib-compressed (malloc'd, *LEN bytes), or NULL. */
static unsigned char *deflate(const unsigned char *p, size_t n, size_t *len)
{
    struct libdeflate_compressor *c = libdeflate_alloc_compressor(6);
    unsigned char *z = NULL;
    size_t cap;

    *len = 0;
    if (!c)
        return NULL;
    cap = libdeflate_zlib_compress_bound(c, n);
    z = malloc(cap ? cap : 1);
    if (z)
        *len = libdeflate_zlib_compress(c, p, n, z, cap);
    libdeflate_free_compressor(c);
    if (z && !*len) {
        free(z);
        return NULL;
    }
    return z;
}

/* Decodes the PNG DATA into IMG (RGB plus alpha where any pixel is not
 * opaque; over white when FLATTEN); NULL or why not. */
static const char *load_png(const unsigned char *data, size_t n, int flatten,
                            fs_image *img)
{
    png_image pi;
    unsigned char *px = NULL, *alpha = NULL;
    size_t count;
    int translucent = 0;
    const char *why = NULL;

    /* The size straight from IHDR (the first chunk), before libpng reads
     * anything else. */
    if (n >= 24 && memcmp(data + 12, "IHDR", 4) == 0) {
        unsigned long w = (unsigned long)data[16] << 24 | (unsigned long)data[17] << 16 |
                          (unsigned long)data[18] << 8 | data[19];
        unsigned long h = (unsigned long)data[20] << 24 | (unsigned long)data[21] << 16 |
                          (unsigned long)data[22] << 8 | data[23];
        if (!size_ok(w, h)) {
            img->width = (unsigned)(w > 0xFFFFFFFFUL ? 0xFFFFFFFFUL : w);
            img->height = (unsigned)(h > 0xFFFFFFFFUL ? 0xFFFFFFFFUL : h);
            return NULL;                /* the caller reports the size */
        }
    }
    memset(&pi, 0, sizeof pi);
    pi.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_memory(&pi, data, n))
        return "PNG 文件损坏，无法读出图像";
    if (!size_ok(pi.width, pi.height)) {
        img->width = pi.width;
        img->height = pi.height;
        png_image_free(&pi);
        return NULL;                    /* the caller reports the size */
    }
    pi.format = PNG_FORMAT_RGBA;
    count = (size_t)pi.width * pi.height;
    px = malloc(count * 4);
    if (!px) {
        png_image_free(&pi);
        return "图像太大，内存不足";
    }
    if (!png_image_finish_read(&pi, NULL, px, 0, NULL)) {
        why = "PNG 文件损坏，无法读出图像数据";
        goto done;
    }
    for (size_t i = 0; i < count && !translucent; i++)
        translucent = px[4 * i + 3] != 255;
    if (translucent && !flatten && !(alpha = malloc(count))) {
        why = "图像太大，内存不足";
        goto done;
    }
    /* RGBA to RGB in place (the write position never passes the read
     * position), the alpha aside or laid over white. */
    for (size_t i = 0; i < count; i++) {
        unsigned a = px[4 * i + 3];
        for (int c = 0; c < 3; c++) {
            unsigned v = px[4 * i + (size_t)c];
            if (translucent && flatten)
                v = (v * a + 255 * (255 - a) + 127) / 255;
            px[3 * i + (size_t)c] = (unsigned char)v;
        }
        if (alpha)
            alpha[i] = (unsigned char)a;
    }
    img->rgb = deflate(px, count * 3, &img->rgb_len);
    if (alpha)
        img->alpha = deflate(alpha, count, &img->alpha_len);
    if (!img->rgb || (alpha && !img->alpha)) {
        why = "图像太大，内存不足";
        goto done;
    }
    img->kind = FS_IMAGE_PNG;
    img->width = pi.width;
    img->height = pi.height;
    img->orientation = 1;
    img->components = 3;
done:
    png_image_free(&pi);
    free(px);
    free(alpha);
    return why;
}

/* Reads the image in DATA into IMG; see fs-image.h. */
int fs_image_load(const unsigned char *data, size_t n, int flatten,
                  fs_image *img, char why[FS_IMAGE_WHY])
{
    const char *w;

    memset(img, 0, sizeof *img);
    switch (fs_image_sniff(data, n)) {
    case FS_IMAGE_JPEG:
        w = load_jpeg(data, n, img);
        break;
    case FS_IMAGE_PNG:
        w = load_png(data, n, flatten, img);
        break;
    default:
        w = "不是 JPEG 或 PNG 图像";
        break;
    }
    if (w)
        snprintf(why, FS_IMAGE_WHY, "%s", w);
    else if (img->kind == FS_IMAGE_NONE)   /* refused for its size, undecoded */
        snprintf(why, FS_IMAGE_WHY, "图像为 %u × %u 像素，超过上限（每边 %u 像素、共 %lu 万像素），"
                 "请缩小后再附", img->width, img->height, FS_IMAGE_MAX_SIDE,
                 FS_IMAGE_MAX_PIXELS / 10000);
    else
        return 0;
    fs_image_clear(img);
    return -1;
}
