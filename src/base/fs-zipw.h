/*
 * fs-zipw.h - a small zip writer in memory, deflating with libdeflate: the
 * package of a DOCX file.
 *
 * Members are written in the order they are added, each deflated at its
 * own level (or stored when deflating does not make it smaller), with a
 * fixed date, no extra fields and no comment, so the same members give
 * byte-identical archives.  No zip64: at most 65,535 members and 4 GiB,
 * which a DOCX is far from.
 */
#ifndef FS_ZIPW_H
#define FS_ZIPW_H

#include <stddef.h>

typedef struct fs_zipw fs_zipw;

/* A new, empty archive whose members are dated DOS_TIME / DOS_DATE (the
 * zip's MS-DOS fields).  Never NULL (fs_xmalloc aborts on no memory). */
fs_zipw *fs_zipw_new(unsigned dos_time, unsigned dos_date);
/* Frees Z (NULL-safe). */
void fs_zipw_free(fs_zipw *z);

/* Adds member NAME (UTF-8, no leading '/') with the LEN bytes DATA (not
 * kept), deflated at LEVEL (libdeflate's 1..12; 0 stores).  Returns 0, or
 * -1 with nothing added when the archive would outgrow the zip format or
 * libdeflate has no memory. */
int fs_zipw_add(fs_zipw *z, const char *name, const void *data, size_t len,
                int level);

/* Adds member NAME with the LEN bytes DATA, already deflated by the caller
 * into the raw deflate stream DEFLATED (ZLEN bytes; neither kept): DATA is
 * read for its CRC-32, and stored instead when ZLEN is 0 or not smaller
 * than LEN.  Returns 0, or -1 with nothing added when the archive would
 * outgrow the zip format. */
int fs_zipw_add_deflated(fs_zipw *z, const char *name, const void *data,
                         size_t len, const void *deflated, size_t zlen);

/* Ends the archive (central directory) and hands its bytes to the caller
 * in *OUT (malloc'd) and *OUTLEN; Z is left empty.  Returns 0, or -1 when
 * the archive would outgrow the zip format. */
int fs_zipw_finish(fs_zipw *z, unsigned char **out, size_t *outlen);

#endif
