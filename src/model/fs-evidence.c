/*
 * fs-evidence.c - are the evidence files a dossier names there?
 * (fs-evidence.h)
 */
#include "fs-evidence.h"
#include "fs-cn.h"
#include "fs-file.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Was HREF (normalised) already checked among the first N of SEEN? */
static int seen_before(char **seen, size_t n, const char *href)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(seen[i], href) == 0)
            return 1;
    return 0;
}

/* Checks each evidence href of D; see fs-evidence.h. */
size_t fs_dossier_check_evidence(const fs_dossier *d, fs_diags *diags)
{
    char *dir = fs_file_dir_of(d->path);
    char **seen = NULL;
    size_t nseen = 0, warned = 0;

    for (size_t k = 0; k < FS_MAX_ITEMS; k++)
        for (size_t e = 0; e < d->scores[k].nevidence; e++) {
            const fs_evidence *ev = &d->scores[k].evidence[e];
            char *href;
            int fd;

            if (!ev->href)
                continue;
            href = fs_file_normal_href(ev->href);
            if (seen_before(seen, nseen, href)) {
                free(href);
                continue;
            }
            seen = fs_xrealloc(seen, (nseen + 1) * sizeof *seen);
            seen[nseen++] = href;
            fd = fs_file_open_below(dir, href);
            if (fd >= 0) {
                close(fd);
                continue;
            }
            warned++;
            if (errno == ENOENT)
                fs_diags_add(diags, d->path, ev->line, FS_WARNING,
                             "第%zu项的佐证材料 %s 不存在：请把文件放到档案所在文件夹中的这个位置"
                             "（路径相对于档案所在的文件夹），或改正 href；否则归档时不会收入",
                             k + 1, href);
            else if (errno == ELOOP || errno == ENOTDIR)
                fs_diags_add(diags, d->path, ev->line, FS_WARNING,
                             "第%zu项的佐证材料 %s 经过符号链接或路径中有一段不是文件夹："
                             "请把文件本身复制到档案所在的文件夹中", k + 1, href);
            else if (errno == EINVAL)
                fs_diags_add(diags, d->path, ev->line, FS_WARNING,
                             "第%zu项的佐证材料 %s 不是普通文件（可能是文件夹）：请指向一个文件",
                             k + 1, href);
            else if (errno == EPERM)
                fs_diags_add(diags, d->path, ev->line, FS_WARNING,
                             "第%zu项的佐证材料 %s 会离开档案所在的文件夹：请把文件复制到档案所在的文件夹中",
                             k + 1, href);
            else
                fs_diags_add(diags, d->path, ev->line, FS_WARNING,
                             "第%zu项的佐证材料 %s 无法打开（%s）：请检查文件和权限", k + 1, href,
                             fs_errno_cn(errno));
        }
    for (size_t i = 0; i < nseen; i++)
        free(seen[i]);
    free(seen);
    free(dir);
    return warned;
}
