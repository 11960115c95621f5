/*
 * fs-pdf-deflate.c - the streams of a PDF deflated with libdeflate.
 *
 * libharu 2.3.0 deflates a stream with zlib while it writes it, when the
 * stream's dict has the FlateDecode filter.  It has no way to take data
 * deflated already: a stream whose filter is "none" loses its /Filter
 * key.  So each stream dict gets a before-write hook, which libharu calls
 * at the start of writing that dict, after the hooks of the objects
 * written before it (a font's hook sets the filter of its CIDToGIDMap and
 * ToUnicode streams, which come later).  If the stream is then to be
 * deflated, the hook deflates its bytes with libdeflate, puts them back,
 * sets the filter to none and has the dict's write hook name
 * /FlateDecode.  The result is a valid zlib stream, as before, only made
 * about three times faster (and a little smaller at the level chosen).
 *
 * One compressor per thread, made on first use and freed when the thread
 * ends (fivestar serve renders on several threads).
 */
#define _GNU_SOURCE
#include "fs-pdf-deflate.h"
#include "fs-base.h"

#include <hpdf_objects.h>
#include <hpdf_streams.h>
#include <libdeflate.h>
#include <pthread.h>
#include <stdlib.h>

/* The level for page contents, ToUnicode maps, CIDToGIDMaps and CIDSets,
 * chosen by measurement (callgrind, the example's two PDFs; README,
 * Performance): saving them took 9.3 M instructions with zlib's default
 * level (192.8 KiB), and with libdeflate 3.1 M at level 1 (193.5 KiB),
 * 4.4 M at level 4 (192.8 KiB), 5.3 M at level 6 (191.8 KiB), 7.6 M at
 * level 9.  Level 1 costs 0.4 % in size for a third of the time. */
#ifndef FS_PDF_STREAM_LEVEL
#define FS_PDF_STREAM_LEVEL 1
#endif

static pthread_key_t comp_key;
static pthread_once_t comp_once = PTHREAD_ONCE_INIT;

/* Frees a thread's compressor when the thread ends. */
static void comp_free(void *c)
{
    libdeflate_free_compressor(c);
}

/* Makes the key of the per-thread compressor. */
static void comp_key_make(void)
{
    pthread_key_create(&comp_key, comp_free);
}

/* This thread's compressor, or NULL when there is no memory. */
static struct libdeflate_compressor *compressor(void)
{
    struct libdeflate_compressor *c;

    pthread_once(&comp_once, comp_key_make);
    c = pthread_getspecific(comp_key);
    if (!c && (c = libdeflate_alloc_compressor(FS_PDF_STREAM_LEVEL)))
        pthread_setspecific(comp_key, c);
    return c;
}

/* The dict's write hook: names the filter libharu no longer writes. */
static HPDF_STATUS write_flate(HPDF_Dict dict, HPDF_Stream stream)
{
    (void)dict;
    return HPDF_Stream_WriteStr(stream, "/Filter /FlateDecode\012");
}

/* The dict's before-write hook: deflates its stream when it is to be
 * deflated (FlateDecode alone, no write hook of its own).  Returns
 * HPDF_OK, also when it leaves the stream to libharu; or libharu's error. */
static HPDF_STATUS deflate_stream(HPDF_Dict dict)
{
    HPDF_Stream s = dict->stream;
    struct libdeflate_compressor *c;
    fs_buf raw = {0};
    unsigned char *z = NULL;
    size_t zlen = 0;
    HPDF_STATUS ret = HPDF_OK;

    if (!s || s->type != HPDF_STREAM_MEMORY ||
        dict->filter != HPDF_STREAM_FILTER_FLATE_DECODE || dict->write_fn ||
        !(c = compressor()))
        return HPDF_OK;
    for (HPDF_UINT i = 0, n = HPDF_MemStream_GetBufCount(s); i < n; i++) {
        HPDF_UINT len = 0;
        HPDF_BYTE *p = HPDF_MemStream_GetBufPtr(s, i, &len);

        if (p && len)
            fs_buf_add(&raw, (const char *)p, len);
    }
    z = fs_xmalloc(libdeflate_zlib_compress_bound(c, raw.len));
    zlen = libdeflate_zlib_compress(c, raw.s ? raw.s : "", raw.len, z,
                                    libdeflate_zlib_compress_bound(c, raw.len));
    if (zlen == 0)
        goto done;
    HPDF_MemStream_FreeData(s);
    ret = HPDF_Stream_Write(s, z, (HPDF_UINT)zlen);
    dict->filter = HPDF_STREAM_FILTER_NONE;
    dict->write_fn = write_flate;
done:
    free(z);
    fs_buf_free(&raw);
    return ret;
}

/* See fs-pdf-deflate.h: hooks every stream dict of PDF's cross-reference
 * table that has no before-write hook of its own. */
int fs_pdf_deflate_streams(HPDF_Doc pdf)
{
    if (!compressor())
        return -1;
    for (HPDF_Xref x = pdf->xref; x; x = x->prev)
        for (HPDF_UINT i = 0; i < x->entries->count; i++) {
            HPDF_XrefEntry e = HPDF_Xref_GetEntry(x, i);
            HPDF_Obj_Header *h = e ? e->obj : NULL;
            HPDF_Dict d;

            if (!h || (h->obj_class & HPDF_OCLASS_ANY) != HPDF_OCLASS_DICT)
                continue;
            d = (HPDF_Dict)e->obj;
            if (d->stream && !d->before_write_fn)
                d->before_write_fn = deflate_stream;
        }
    return 0;
}
