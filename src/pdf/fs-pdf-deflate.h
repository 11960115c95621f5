/*
 * fs-pdf-deflate.h - the streams of a PDF deflated with libdeflate
 * instead of libharu's zlib (README, Performance).
 */
#ifndef FS_PDF_DEFLATE_H
#define FS_PDF_DEFLATE_H

#include <hpdf.h>

/* Makes every stream of PDF that libharu would deflate with zlib at save
 * time be deflated with libdeflate at FS_PDF_STREAM_LEVEL instead, as it
 * is written.  Call just before HPDF_SaveToStream.  Returns 0, or -1 when
 * libdeflate has no memory (then libharu deflates them itself). */
int fs_pdf_deflate_streams(HPDF_Doc pdf);

#endif
