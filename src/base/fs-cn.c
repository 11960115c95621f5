/*
 * fs-cn.c - the --verbose switch, system errors in Chinese, and one-line
 * escaping of untrusted text (fs-cn.h).
 */
#define _GNU_SOURCE
#include "fs-cn.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

static int verbose;

/* Turns the --verbose switch on (ON non-zero) or off. */
void fs_set_verbose(int on)
{
    verbose = on != 0;
}

/* Whether --verbose was given. */
int fs_verbose(void)
{
    return verbose;
}

/* The Chinese wording of the system errors a user can meet; the others
 * are named by number (in a buffer of the calling thread's own: forms are
 * rendered on several threads). */
const char *fs_errno_cn(int errnum)
{
    static __thread char other[32];

    switch (errnum) {
    case 0: return "未知原因";
    case ENOENT: return "文件或文件夹不存在";
    case EACCES: return "没有访问权限";
    case EPERM: return "不允许此操作";
    case EISDIR: return "这是文件夹，不是文件";
    case ENOTDIR: return "路径中有一段不是文件夹";
    case ENOSPC: return "磁盘已满";
#ifdef EDQUOT
    case EDQUOT: return "超出磁盘配额";
#endif
    case EROFS: return "磁盘或文件夹是只读的";
    case EEXIST: return "已经存在";
    case EIO: return "读写出错（磁盘或网络盘可能有故障）";
    case EMFILE: case ENFILE: return "同时打开的文件过多";
    case ENAMETOOLONG: return "文件名或路径过长";
    case ELOOP: return "路径经过符号链接";
    case EFBIG: return "文件过大";
    case ENOMEM: return "内存不足";
    case EINVAL: return "参数无效";
    case EBUSY: case ETXTBSY: return "文件正被占用";
    case EXDEV: return "不能跨磁盘移动文件";
    case EAGAIN: return "资源暂时不可用，请稍后再试";
    case EINTR: return "操作被中断";
    case EPIPE: return "输出管道已关闭";
    case ENXIO: case ENODEV: return "设备不存在";
    case ENOTEMPTY: return "文件夹不是空的";
    case EBADF: return "文件描述符无效";
    default:
        snprintf(other, sizeof other, "系统错误 %d", errnum);
        return other;
    }
}

/* Appends S to B on one line: line breaks and tabs folded into one space
 * (FOLD non-zero) or escaped like any control character (FOLD zero). */
static void oneline(fs_buf *b, const char *s, int fold)
{
    const char *p = s ? s : "";
    size_t start_len;
    int pending = 0;

    fs_buf_add(b, "", 0);
    start_len = b->len;
    while (*p) {
        const char *start = p;
        uint32_t cp = fs_utf8_next(&p);

        if (fold && (cp == '\n' || cp == '\r' || cp == '\t')) {
            pending = 1;        /* one space, and none at either end */
            continue;
        }
        if (pending && b->len > start_len && b->s[b->len - 1] != ' ')
            fs_buf_adds(b, " ");
        pending = 0;
        if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) ||
            (cp == 0xFFFD && (p - start != 3 || memcmp(start, "\xEF\xBF\xBD", 3) != 0))) {
            for (const char *q = start; q < p; q++)
                fs_buf_printf(b, "\\x%02X", (unsigned char)*q);
        } else {
            fs_buf_add(b, start, (size_t)(p - start));
        }
    }
}

/* Appends S on one line, breaks folded; see fs-cn.h. */
void fs_cn_oneline(fs_buf *b, const char *s)
{
    oneline(b, s, 1);
}

/* One-line copy of S; see fs-cn.h. */
char *fs_cn_oneline_dup(const char *s)
{
    fs_buf b = {0};

    oneline(&b, s, 1);
    return b.s;
}

/* Appends the file name S with every control character escaped; see
 * fs-cn.h. */
void fs_cn_name(fs_buf *b, const char *s)
{
    oneline(b, s, 0);
}

/* Escaped copy of the file name S; see fs-cn.h. */
char *fs_cn_name_dup(const char *s)
{
    fs_buf b = {0};

    oneline(&b, s, 0);
    return b.s;
}

/* Prints one error line outside the diagnostics; see fs-cn.h. */
void fs_cn_error(const char *file, const char *fmt, ...)
{
    va_list ap;
    char *msg = NULL, *name = fs_cn_name_dup(file), *line;

    va_start(ap, fmt);
    if (vasprintf(&msg, fmt, ap) < 0)
        msg = NULL;
    va_end(ap);
    line = fs_cn_oneline_dup(msg ? msg : "");
    fprintf(stderr, "%s: error: %s\n", name, line);
    free(line);
    free(msg);
    free(name);
}
