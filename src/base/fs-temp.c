/*
 * fs-temp.c - temporary files beside the files fivestar writes
 * (fs-base.h), so that a file holds its old content or all of its new
 * one, never a part, and a set of files (one dossier's forms) changes
 * together: each is written to a temporary beside its final name and
 * flushed, and only when all of them are whole are they renamed.
 *
 * A temporary is named FINAL.fstmp-PID-XXXXXX (PID: the process that
 * writes it).  The ones this process has not renamed yet are kept in a
 * list, so that an interrupted run can remove them (fs_temp_discard_all).
 * Those of a run that was killed outright (SIGKILL, power loss) are
 * recognised by the next run into their folder by that pattern and a PID
 * that no longer runs, and removed (fs_temp_sweep).
 */
#define _GNU_SOURCE
#include "fs-base.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MARK ".fstmp-"

/* The temporaries of this process not yet renamed or removed. */
static char **pending;
static size_t npending, cappending;

static void remember(char *tmp)
{
    if (npending == cappending) {
        cappending = cappending ? 2 * cappending : 16;
        pending = fs_xrealloc(pending, cappending * sizeof *pending);
    }
    pending[npending++] = tmp;
}

static void forget(const char *tmp)
{
    for (size_t i = 0; i < npending; i++)
        if (pending[i] == tmp) {
            pending[i] = pending[--npending];
            return;
        }
}

/* The process's umask, read without changing it (the umask(2) round trip
 * would open a window in which another thread creates files unmasked):
 * from /proc/self/status, else 022. */
static mode_t current_umask(void)
{
    FILE *f = fopen("/proc/self/status", "re");
    char line[128];
    unsigned m = 022;

    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "Umask: %o", &m) == 1)
            break;
    if (f)
        fclose(f);
    return (mode_t)(m & 0777);
}

/* Writes the N bytes at DATA to a new temporary beside PATH and, when
 * FLUSH, flushes it to the disk; see fs-base.h. */
static fs_error temp_write(const char *path, const void *data, size_t n, char **tmp,
                           int flush)
{
    int fd, saved;
    struct stat sb;

    int exists;

    *tmp = NULL;
    exists = stat(path, &sb) == 0;
    if (exists && !S_ISREG(sb.st_mode)) {
        errno = S_ISDIR(sb.st_mode) ? EISDIR : EEXIST;
        return FS_E_IO;
    }
    *tmp = fs_printf("%s" MARK "%ld-XXXXXX", path, (long)getpid());
    fd = mkstemp(*tmp);
    if (fd < 0)
        goto fail;
    remember(*tmp);
    /* mkstemp makes it 0600: the file it replaces keeps its permissions,
     * a new one gets those the umask allows, as any program's would. */
    fchmod(fd, exists ? sb.st_mode & 07777 : 0666 & ~current_umask());
    if (fs_write_fd(fd, data, n) < 0)
        goto fail_close;
    if (flush && fsync(fd) < 0 && errno != EINVAL)
        goto fail_close;
    if (close(fd) < 0)
        goto fail_unlink;
    return FS_OK;

fail_close:
    saved = errno;
    close(fd);
    errno = saved;
fail_unlink:
    fs_temp_discard(*tmp);
    *tmp = NULL;
    return FS_E_IO;
fail:
    saved = errno;
    free(*tmp);
    *tmp = NULL;
    errno = saved;
    return FS_E_IO;
}

/* See fs-base.h. */
fs_error fs_temp_write(const char *path, const void *data, size_t n, char **tmp)
{
    return temp_write(path, data, n, tmp, 1);
}

/* See fs-base.h. */
fs_error fs_temp_write_unflushed(const char *path, const void *data, size_t n,
                                 char **tmp)
{
    return temp_write(path, data, n, tmp, 0);
}

/* Flushes the N temporaries TMPS, one after the other (the file system
 * serves the whole pass with one journal commit, where a flush per
 * file written would commit once per file); see fs-base.h. */
fs_error fs_temp_flush(char *const *tmps, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int fd = open(tmps[i], O_RDONLY | O_CLOEXEC | O_NOCTTY), saved;

        if (fd < 0)
            return FS_E_IO;
        if (fdatasync(fd) < 0 && errno != EINVAL) {
            saved = errno;
            close(fd);
            errno = saved;
            return FS_E_IO;
        }
        close(fd);
    }
    return FS_OK;
}

/* Renames TMP onto PATH; see fs-base.h. */
fs_error fs_temp_commit(char *tmp, const char *path)
{
    if (rename(tmp, path) < 0) {
        fs_temp_discard(tmp);
        return FS_E_IO;
    }
    forget(tmp);
    free(tmp);
    return FS_OK;
}

/* Removes TMP; see fs-base.h. */
void fs_temp_discard(char *tmp)
{
    int saved = errno;

    if (!tmp)
        return;
    unlink(tmp);
    forget(tmp);
    free(tmp);
    errno = saved;
}

/* Removes every temporary of this process; see fs-base.h. */
void fs_temp_discard_all(void)
{
    while (npending)
        fs_temp_discard(pending[npending - 1]);
    free(pending);
    pending = NULL;
    cappending = 0;
}

/* The PID in the temporary NAME (….fstmp-PID-XXXXXX), or 0 when NAME is
 * not one. */
static long temp_pid(const char *name)
{
    const char *m = strstr(name, MARK);
    char *end;
    long pid;

    while (m && strstr(m + 1, MARK))
        m = strstr(m + 1, MARK);
    if (!m || !(m[strlen(MARK)] >= '1' && m[strlen(MARK)] <= '9'))
        return 0;
    pid = strtol(m + strlen(MARK), &end, 10);
    if (*end != '-' || strlen(end + 1) < 6)
        return 0;
    return pid;
}

/* Removes from DIR the temporaries of processes that no longer run; see
 * fs-base.h. */
int fs_temp_sweep(const char *dir, fs_diags *diags)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int removed = 0;

    if (!d)
        return 0;
    while ((e = readdir(d)) != NULL) {
        long pid = temp_pid(e->d_name);
        char *path;

        if (pid <= 0 || pid == (long)getpid() || kill((pid_t)pid, 0) == 0 || errno != ESRCH)
            continue;
        path = fs_printf("%s/%s", dir, e->d_name);
        if (unlink(path) == 0) {
            fs_diags_add(diags, path, 0, FS_WARNING,
                         "删除了一次中断的运行（进程 %ld）留下的临时文件", pid);
            removed++;
        }
        free(path);
    }
    closedir(d);
    return removed;
}
