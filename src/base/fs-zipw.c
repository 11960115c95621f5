/*
 * fs-zipw.c - a small zip writer in memory (fs-zipw.h), deflating with
 * libdeflate, the one deflate implementation of fivestar's own output:
 * libzip deflated through zlib at about a third of libdeflate's speed and
 * could not be handed data deflated already (README, Performance).
 *
 * Layout (APPNOTE 6.3.x, section 4.3): per member a local file header,
 * then its data; then the central directory, one entry per member; then
 * the end of central directory record.  All numbers little-endian.
 */
#include "fs-zipw.h"
#include "fs-base.h"

#include <libdeflate.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define ZIP_LOCAL_SIG 0x04034b50u
#define ZIP_CENTRAL_SIG 0x02014b50u
#define ZIP_END_SIG 0x06054b50u
#define ZIP_VERSION 20          /* 2.0: deflate                          */
#define ZIP_MADE_BY 0x0314      /* Unix, 2.0                             */
#define ZIP_UTF8_FLAG 0x0800    /* general purpose bit 11: UTF-8 name    */
#define ZIP_STORE 0
#define ZIP_DEFLATE 8
#define ZIP_MAX_MEMBERS 0xFFFFu
#define ZIP_MAX_OFFSET 0xFFFFFFFFu
#define ZIP_LEVELS 13           /* libdeflate levels 0..12               */

struct fs_zipw {
    fs_buf body;                /* local headers and data                */
    fs_buf central;             /* central directory entries             */
    size_t count;
    unsigned time, date;
    struct libdeflate_compressor *comp[ZIP_LEVELS];
};

/* Appends the 16-bit V to B, little-endian. */
static void put16(fs_buf *b, unsigned v)
{
    char c[2] = {(char)(v & 0xFF), (char)((v >> 8) & 0xFF)};

    fs_buf_add(b, c, 2);
}

/* Appends the 32-bit V to B, little-endian. */
static void put32(fs_buf *b, uint32_t v)
{
    put16(b, v & 0xFFFF);
    put16(b, v >> 16);
}

/* A new archive; the caller owns it (fs_zipw_free). */
fs_zipw *fs_zipw_new(unsigned dos_time, unsigned dos_date)
{
    fs_zipw *z = fs_xcalloc(1, sizeof *z);

    z->time = dos_time & 0xFFFF;
    z->date = dos_date & 0xFFFF;
    return z;
}

/* Frees Z, its buffers and its compressors. */
void fs_zipw_free(fs_zipw *z)
{
    if (!z)
        return;
    fs_buf_free(&z->body);
    fs_buf_free(&z->central);
    for (int i = 0; i < ZIP_LEVELS; i++)
        libdeflate_free_compressor(z->comp[i]);
    free(z);
}

/* 1 when NAME has a byte outside ASCII (then the UTF-8 flag is set). */
static int non_ascii(const char *name)
{
    for (const unsigned char *p = (const unsigned char *)name; *p; p++)
        if (*p >= 0x80)
            return 1;
    return 0;
}

/* Writes member NAME: the local header, BYTES (ZLEN of them: the member's
 * LEN bytes, whose CRC-32 is CRC, stored or deflated as METHOD says) and
 * the central entry.  Returns 0, or -1 (nothing added) when the archive
 * would outgrow the zip format. */
static int add_member(fs_zipw *z, const char *name, uint32_t crc,
                      unsigned method, const void *bytes, size_t zlen,
                      size_t len)
{
    size_t nlen = strlen(name), offset = z->body.len;
    unsigned flags = non_ascii(name) ? ZIP_UTF8_FLAG : 0;

    if (z->count >= ZIP_MAX_MEMBERS || nlen > 0xFFFF || len > ZIP_MAX_OFFSET ||
        offset > ZIP_MAX_OFFSET || offset + 30 + nlen + zlen > ZIP_MAX_OFFSET)
        return -1;

    put32(&z->body, ZIP_LOCAL_SIG);
    put16(&z->body, ZIP_VERSION);
    put16(&z->body, flags);
    put16(&z->body, method);
    put16(&z->body, z->time);
    put16(&z->body, z->date);
    put32(&z->body, crc);
    put32(&z->body, (uint32_t)zlen);
    put32(&z->body, (uint32_t)len);
    put16(&z->body, (unsigned)nlen);
    put16(&z->body, 0);                         /* extra field length    */
    fs_buf_add(&z->body, name, nlen);
    fs_buf_add(&z->body, bytes, zlen);

    put32(&z->central, ZIP_CENTRAL_SIG);
    put16(&z->central, ZIP_MADE_BY);
    put16(&z->central, ZIP_VERSION);
    put16(&z->central, flags);
    put16(&z->central, method);
    put16(&z->central, z->time);
    put16(&z->central, z->date);
    put32(&z->central, crc);
    put32(&z->central, (uint32_t)zlen);
    put32(&z->central, (uint32_t)len);
    put16(&z->central, (unsigned)nlen);
    put16(&z->central, 0);                      /* extra field length    */
    put16(&z->central, 0);                      /* comment length        */
    put16(&z->central, 0);                      /* disk number start     */
    put16(&z->central, 0);                      /* internal attributes   */
    put32(&z->central, 0);                      /* external attributes   */
    put32(&z->central, (uint32_t)offset);
    fs_buf_add(&z->central, name, nlen);
    z->count++;
    return 0;
}

/* Adds member NAME: deflates DATA at LEVEL with Z's compressor for that
 * level (made on first use), keeps the stored bytes when deflating does
 * not help.  Returns 0 or -1 (nothing added). */
int fs_zipw_add(fs_zipw *z, const char *name, const void *data, size_t len,
                int level)
{
    size_t zlen = 0;
    unsigned char *packed = NULL;
    int ret = -1;

    if (len > ZIP_MAX_OFFSET)
        return -1;
    if (level < 0 || level >= ZIP_LEVELS)
        level = 6;
    if (level > 0 && len > 1) {
        /* cppcheck-suppress arrayIndexOutOfBoundsCond ; LEVEL < ZIP_LEVELS: clamped just above */
        if (!z->comp[level] &&
            !(z->comp[level] = libdeflate_alloc_compressor(level)))
            goto done;
        packed = fs_xmalloc(len);
        /* 0 when the result would not be smaller than the input. */
        zlen = libdeflate_deflate_compress(z->comp[level], data, len, packed, len - 1);
    }
    ret = fs_zipw_add_deflated(z, name, data, len, packed, zlen);
done:
    free(packed);
    return ret;
}

/* Adds member NAME deflated elsewhere; see fs-zipw.h. */
int fs_zipw_add_deflated(fs_zipw *z, const char *name, const void *data,
                         size_t len, const void *deflated, size_t zlen)
{
    uint32_t crc = libdeflate_crc32(0, data, len);

    if (deflated && zlen > 0 && zlen < len)
        return add_member(z, name, crc, ZIP_DEFLATE, deflated, zlen, len);
    return add_member(z, name, crc, ZIP_STORE, data, len, len);
}

/* Appends the central directory and the end record to the members and
 * hands the whole to the caller. */
int fs_zipw_finish(fs_zipw *z, unsigned char **out, size_t *outlen)
{
    size_t at = z->body.len, size = z->central.len;

    if (at > ZIP_MAX_OFFSET || size > ZIP_MAX_OFFSET ||
        at + size + 22 > ZIP_MAX_OFFSET)
        return -1;
    fs_buf_add(&z->body, z->central.s ? z->central.s : "", size);
    put32(&z->body, ZIP_END_SIG);
    put16(&z->body, 0);                         /* this disk             */
    put16(&z->body, 0);                         /* disk of the directory */
    put16(&z->body, (unsigned)z->count);
    put16(&z->body, (unsigned)z->count);
    put32(&z->body, (uint32_t)size);
    put32(&z->body, (uint32_t)at);
    put16(&z->body, 0);                         /* comment length        */
    *out = (unsigned char *)z->body.s;
    *outlen = z->body.len;
    memset(&z->body, 0, sizeof z->body);
    fs_buf_free(&z->central);
    z->count = 0;
    return 0;
}
