/*
 * fs-file.h - reading files named by untrusted data (a dossier's evidence
 * hrefs) without ever leaving the dossier's folder.
 *
 * Used by the archive and the bundle: both open an evidence path one
 * segment at a time with openat(O_NOFOLLOW) from the dossier's folder, so
 * that no symbolic link, "..", device or pipe can be reached through it.
 */
#ifndef FS_FILE_H
#define FS_FILE_H

#include "fs-base.h"

/* Opens HREF below the folder DIR for reading without following any
 * symbolic link: every segment is opened with openat(O_NOFOLLOW) from the
 * one before; "." segments are skipped, ".." is refused (EPERM), and the
 * last must be a regular file (else EINVAL).  Returns the descriptor, or
 * -1 with errno (ELOOP or ENOTDIR for a link). */
int fs_file_open_below(const char *dir, const char *href);

/* Reads the open file FD (at most MAX bytes) into *DATA / *LEN (malloc'd,
 * NUL-terminated, the caller frees it).  Returns 0, or -1 with errno
 * (EFBIG when it is larger than MAX) and nothing allocated. */
int fs_file_read_fd(int fd, long max, unsigned char **data, size_t *len);

/* HREF without "." segments and doubled slashes (malloc'd). */
char *fs_file_normal_href(const char *href);

/* The folder of PATH (malloc'd): "." when it has no slash. */
char *fs_file_dir_of(const char *path);

#endif
