/*
 * fs-serve-store.c - the folder of dossiers as the server sees it: which
 * names it may touch, reading a file without following symlinks, listing
 * the dossiers, version tags, and saving whole or not at all.
 *
 * Every file is reached through the folder's descriptor (openat) with a
 * plain name checked by fs_serve_name_ok, and opened O_NOFOLLOW: a name
 * never becomes a path outside DIR, a symlink is never followed (not even
 * one pointing inside DIR).
 */
#define _GNU_SOURCE
#include "fs-serve.h"
#include "fs-sha256.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* See fs-serve.h: a plain file name ending in ".xml". */
int fs_serve_name_ok(const char *name)
{
    size_t n = strlen(name);

    if (n < 5 || n > 255 || name[0] == '.' || strcmp(name + n - 4, ".xml") != 0)
        return 0;
    for (const char *p = name; *p;) {
        const char *at = p;
        uint32_t c = fs_utf8_next(&p);
        if (c < 0x20 || c == 0x7f || c == '/' || c == '\\')
            return 0;
        /* fs_utf8_next gives U+FFFD for bad bytes; a real U+FFFD is 3 bytes */
        if (c == 0xFFFD && (p - at != 3 || (unsigned char)at[0] != 0xEF))
            return 0;
    }
    return 1;
}

/* Reads the open regular file FD whole (at most the body limit). */
static int read_fd(int fd, char **data, size_t *len)
{
    struct stat sb;
    char *buf;
    size_t n = 0;

    if (fstat(fd, &sb) < 0)
        return -1;
    if (!S_ISREG(sb.st_mode)) {
        errno = EISDIR;
        return -1;
    }
    if (sb.st_size > FS_SERVE_MAX_BODY) {
        errno = EFBIG;
        return -1;
    }
    buf = fs_xmalloc((size_t)FS_SERVE_MAX_BODY + 2);
    for (;;) {
        ssize_t k = read(fd, buf + n, (size_t)FS_SERVE_MAX_BODY + 1 - n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0) {
            free(buf);
            return -1;
        }
        if (k == 0)
            break;
        n += (size_t)k;
        if (n > (size_t)FS_SERVE_MAX_BODY) {
            free(buf);
            errno = EFBIG;
            return -1;
        }
    }
    buf[n] = '\0';
    *data = fs_xrealloc(buf, n + 1);
    *len = n;
    return 0;
}

/* See fs-serve.h. */
int fs_serve_read(const fs_serve *s, const char *name, char **data, size_t *len)
{
    int fd, rc, saved;

    if (!fs_serve_name_ok(name)) {
        errno = EINVAL;
        return -1;
    }
    fd = openat(s->dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return -1;
    rc = read_fd(fd, data, len);
    saved = errno;
    close(fd);
    errno = saved;
    return rc;
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* See fs-serve.h. */
size_t fs_serve_list(const fs_serve *s, char ***names)
{
    int fd = openat(s->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *dir = fd >= 0 ? fdopendir(fd) : NULL;
    struct dirent *e;
    char **v = NULL;
    size_t n = 0;

    if (!dir) {
        if (fd >= 0)
            close(fd);
        *names = NULL;
        return 0;
    }
    while ((e = readdir(dir)) != NULL) {
        struct stat sb;
        if (!fs_serve_name_ok(e->d_name) ||
            fstatat(s->dirfd, e->d_name, &sb, AT_SYMLINK_NOFOLLOW) < 0 ||
            !S_ISREG(sb.st_mode))
            continue;
        v = fs_xrealloc(v, (n + 1) * sizeof *v);
        v[n++] = fs_strdup(e->d_name);
    }
    closedir(dir);
    if (n > 1)
        qsort(v, n, sizeof *v, name_cmp);
    *names = v;
    return n;
}

void fs_serve_list_free(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

/* See fs-serve.h: the first 16 bytes of the SHA-256, quoted. */
char *fs_serve_etag(const char *data, size_t len)
{
    char hex[2 * FS_SHA256_LEN + 1];

    fs_sha256_hex(data, len, hex);
    return fs_printf("\"%.32s\"", hex);
}

/* Writes the N bytes of P to FD whole; 0 or -1. */
static int write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t k = write(fd, p, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return -1;
        p += k;
        n -= (size_t)k;
    }
    return 0;
}

/* See fs-serve.h.  The temporary is ".fstmp-PID-RANDOM.tmp" beside NAME
 * (a hidden name, so it never shows in the list, and of a fixed length, so
 * that every name that may be read may be saved); a symlink or anything
 * but a regular file at NAME is refused rather than replaced.  A file that
 * exists keeps its permissions; a new one gets the umask's. */
int fs_serve_save(const fs_serve *s, const char *name, const char *data, size_t len)
{
    struct stat sb;
    char *tmp = NULL;
    int fd = -1, rc = -1, saved;

    if (!fs_serve_name_ok(name)) {
        errno = EINVAL;
        return -1;
    }
    int exists = fstatat(s->dirfd, name, &sb, AT_SYMLINK_NOFOLLOW) == 0;

    if (exists && !S_ISREG(sb.st_mode)) {
        errno = S_ISLNK(sb.st_mode) ? ELOOP : EISDIR;
        return -1;
    }
    for (int tries = 0; fd < 0 && tries < 100; tries++) {
        free(tmp);
        tmp = fs_printf(".fstmp-%ld-%d.tmp", (long)getpid(), rand() % 1000000);
        fd = openat(s->dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
        if (fd < 0 && errno != EEXIST)
            goto done;
    }
    if (fd < 0)
        goto done;
    if (exists && fchmod(fd, sb.st_mode & 07777) < 0)
        goto done;
    if (write_all(fd, data, len) < 0 || fsync(fd) < 0)
        goto done;
    if (close(fd) < 0) {
        fd = -1;
        goto done;
    }
    fd = -1;
    if (renameat(s->dirfd, tmp, s->dirfd, name) < 0)
        goto done;
    free(tmp);
    tmp = NULL;
    fsync(s->dirfd);            /* the rename itself reaches the disk */
    rc = 0;
done:
    saved = errno;
    if (fd >= 0)
        close(fd);
    if (tmp)
        unlinkat(s->dirfd, tmp, 0);
    free(tmp);
    errno = saved;
    return rc;
}
