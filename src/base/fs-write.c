/*
 * fs-write.c - whole-or-nothing file writing (fs-base.h): a file holds its
 * old content or all of its new one, never a part, through a temporary
 * beside it (fs-temp.c); devices and FIFOs are written through.
 */
#define _GNU_SOURCE
#include "fs-base.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ------------------------------------------------------------------------
 * Whole-or-nothing writing.
 * ---------------------------------------------------------------------- */

/* Writes DATA straight into PATH, an existing device or FIFO (/dev/stdout,
 * /dev/full): a stream has no "whole or nothing", and replacing the device
 * node with a regular file (as a rename would, for root) must never happen.
 * Returns FS_OK, or FS_E_IO with errno set. */
static fs_error write_through(const char *path, const char *p, size_t n)
{
    int fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
    int saved;
    fs_error err = FS_E_IO;

    if (fd < 0)
        return FS_E_IO;
    if (fs_write_fd(fd, p, n) == 0)
        err = FS_OK;
    saved = errno;
    if (close(fd) < 0 && err == FS_OK)
        err = FS_E_IO;
    else
        errno = saved;
    return err;
}

/* Writes DATA into a new temporary file in PATH's folder, flushes it to the
 * disk and renames it onto PATH, so PATH holds either its old content or
 * all of DATA, never a part.  On failure the temporary is removed, errno
 * tells why and FS_E_IO is returned.  A PATH that exists and is not a
 * regular file is never replaced: a folder fails (EISDIR), a device or
 * FIFO is written through (write_through). */
fs_error fs_write_atomic(const char *path, const void *data, size_t n)
{
    char *tmp;
    struct stat sb;

    if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode)) {
        if (S_ISDIR(sb.st_mode)) {
            errno = EISDIR;
            return FS_E_IO;
        }
        return write_through(path, data, n);
    }
    if (fs_temp_write(path, data, n, &tmp) != FS_OK)
        return FS_E_IO;
    return fs_temp_commit(tmp, path);
}
