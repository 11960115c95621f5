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
#include <pthread.h>
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

static mode_t umask_value = 022;
static pthread_once_t umask_once = PTHREAD_ONCE_INIT;

/* Reads the process's umask without changing it (the umask(2) round trip
 * would open a window in which another thread creates files unmasked):
 * from /proc/self/status, else 022. */
static void umask_read(void)
{
    FILE *f = fopen("/proc/self/status", "re");
    char line[128];
    unsigned m = 022;

    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "Umask: %o", &m) == 1)
            break;
    if (f)
        fclose(f);
    umask_value = (mode_t)(m & 0777);
}

/* The process's umask, read once (a batch writes thousands of files):
 * fivestar never changes its umask; a program on libfivestar that does
 * so after its first write gets the umask of that first write. */
static mode_t current_umask(void)
{
    pthread_once(&umask_once, umask_read);
    return umask_value;
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

/* From this many temporaries on, fs_temp_flush has the kernel write back
 * their whole file system with one syncfs, instead of flushing them one
 * by one: each fdatasync waits for the disk (on ext4 without a journal it
 * writes the file's inode on its own), one syncfs writes every dirty page
 * and inode in one pass and waits once.  Measured on a batch of 300
 * dossiers (README, Performance): the flushes took 17 % of the time one
 * by one and 3 % in passes of 16 dossiers' files. */
#define SYNCFS_MIN 16

/* How flush_one flushes. */
enum { FLUSH_FILE, FLUSH_FS, FLUSH_CHECK };

/* Flushes the file NAME: its data (FLUSH_FILE: fdatasync), its whole
 * file system (FLUSH_FS: syncfs), or nothing but what may be left of its
 * data, to hear of its own write-back errors (FLUSH_CHECK, after a
 * syncfs: sync_file_range waits for its pages and reports the file's
 * errors, which a syncfs does not before Linux 5.8 and not to a second
 * caller after; it does not flush the disk's cache again as an fdatasync
 * per file would).  0, or -1 with errno. */
static int flush_one(const char *name, int how)
{
    int fd = open(name, O_RDONLY | O_CLOEXEC | O_NOCTTY), saved, rc;

    if (fd < 0)
        return -1;
    if (how == FLUSH_FS)
        rc = syncfs(fd);
    else if (how == FLUSH_CHECK)
        rc = sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WAIT_BEFORE |
                             SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER);
    else
        rc = fdatasync(fd);
    if (rc < 0 && (errno == EINVAL || errno == ENOSYS || errno == ESPIPE))
        rc = 0;                 /* a file system that cannot flush */
    saved = errno;
    close(fd);
    errno = saved;
    return rc;
}

/* Flushes the N temporaries TMPS to the disk; see fs-base.h.  A few are
 * flushed one after the other (the file system serves the pass with one
 * journal commit); many (SYNCFS_MIN) with one syncfs per file system
 * they are on, then each checked for its own write-back errors. */
fs_error fs_temp_flush(char *const *tmps, size_t n)
{
    dev_t *devs;
    size_t ndevs = 0;
    fs_error err = FS_OK;

    if (n < SYNCFS_MIN) {
        for (size_t i = 0; i < n; i++)
            if (flush_one(tmps[i], FLUSH_FILE) < 0)
                return FS_E_IO;
        return FS_OK;
    }
    devs = fs_xcalloc(n, sizeof *devs);
    for (size_t i = 0; i < n && err == FS_OK; i++) {
        struct stat sb;
        size_t k = 0;

        if (stat(tmps[i], &sb) < 0) {
            err = FS_E_IO;
            break;
        }
        while (k < ndevs && devs[k] != sb.st_dev)
            k++;
        if (k < ndevs)
            continue;
        devs[ndevs++] = sb.st_dev;
        if (flush_one(tmps[i], FLUSH_FS) < 0)
            err = FS_E_IO;
    }
    free(devs);
    for (size_t i = 0; i < n && err == FS_OK; i++)
        if (flush_one(tmps[i], FLUSH_CHECK) < 0)
            err = FS_E_IO;
    return err;
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
