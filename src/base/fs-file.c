/*
 * fs-file.c - evidence files opened below the dossier's folder only
 * (fs-file.h), shared by archive and bundle.
 */
#define _GNU_SOURCE
#include "fs-file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Reads FD whole, at most MAX bytes; see fs-file.h. */
int fs_file_read_fd(int fd, long max, unsigned char **data, size_t *len)
{
    fs_buf b = {0};
    char chunk[65536];
    ssize_t n;

    while ((n = read(fd, chunk, sizeof chunk)) != 0) {
        if (n < 0) {
            if (errno == EINTR)
                continue;
            fs_buf_free(&b);
            return -1;
        }
        if ((long)(b.len + (size_t)n) > max) {
            fs_buf_free(&b);
            errno = EFBIG;
            return -1;
        }
        fs_buf_add(&b, chunk, (size_t)n);
    }
    *data = (unsigned char *)(b.s ? b.s : fs_strdup(""));
    *len = b.len;
    return 0;
}

/* Opens HREF below DIR segment by segment; see fs-file.h. */
int fs_file_open_below(const char *dir, const char *href)
{
    char *copy = fs_strdup(href), *save = NULL;
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), err = 0;
    const char *seg = strtok_r(copy, "/", &save);
    struct stat sb;

    while (fd >= 0 && seg) {
        const char *next = strtok_r(NULL, "/", &save);
        int nfd;

        if (strcmp(seg, ".") == 0) {
            seg = next;
            continue;
        }
        if (strcmp(seg, "..") == 0) {
            err = EPERM;
            break;
        }
        nfd = openat(fd, seg, O_RDONLY | O_NOFOLLOW | O_CLOEXEC |
                     (next ? O_DIRECTORY : O_NONBLOCK));
        err = nfd < 0 ? errno : 0;
        close(fd);
        fd = nfd;
        seg = next;
    }
    if (fd < 0 && !err)
        err = errno;
    if (fd >= 0 && !err && (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)))
        err = EINVAL;
    if (err && fd >= 0) {
        close(fd);
        fd = -1;
    }
    free(copy);
    errno = err;
    return fd;
}

/* HREF without "." segments and doubled slashes; see fs-file.h. */
char *fs_file_normal_href(const char *href)
{
    fs_buf b = {0};

    fs_buf_adds(&b, "");
    for (const char *p = href; *p;) {
        size_t n = strcspn(p, "/");
        if (n && !(n == 1 && p[0] == '.')) {
            if (b.len)
                fs_buf_adds(&b, "/");
            fs_buf_add(&b, p, n);
        }
        p += n;
        p += *p == '/';
    }
    return b.s;
}

/* The folder of PATH; see fs-file.h. */
char *fs_file_dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');

    if (!slash)
        return fs_strdup(".");
    if (slash == path)
        return fs_strdup("/");
    return fs_printf("%.*s", (int)(slash - path), path);
}
