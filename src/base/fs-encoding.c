/*
 * fs-encoding.c - sniffing a dossier's encoding before libxml2 parses it
 * (fs-encoding.h).
 */
#define _GNU_SOURCE
#include "fs-encoding.h"

#include <string.h>
#include <strings.h>

/* Returns the offset of the first byte of [S, S+N) that does not start a
 * valid UTF-8 sequence, or N when all of it is valid. */
size_t fs_utf8_valid_prefix(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;

    while (i < n) {
        unsigned c = p[i];
        size_t k;
        unsigned lo = 0x80, hi = 0xBF;

        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF)
            k = 1;
        else if (c >= 0xE0 && c <= 0xEF) {
            k = 2;
            if (c == 0xE0)
                lo = 0xA0;
            else if (c == 0xED)
                hi = 0x9F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            k = 3;
            if (c == 0xF0)
                lo = 0x90;
            else if (c == 0xF4)
                hi = 0x8F;
        } else {
            return i;
        }
        if (i + k >= n)
            return i;
        if (p[i + 1] < lo || p[i + 1] > hi)
            return i;
        for (size_t j = 2; j <= k; j++)
            if ((p[i + j] & 0xC0) != 0x80)
                return i;
        i += k + 1;
    }
    return n;
}

/* The 1-based line of offset AT in BUF. */
static long line_at(const char *buf, size_t at)
{
    long line = 1;

    for (size_t i = 0; i < at; i++)
        line += buf[i] == '\n';
    return line;
}

/* Copies the encoding named in the XML declaration at the start of BUF
 * into NAME (at most SIZE - 1 bytes); 0 when there is one, else -1. */
static int declared_encoding(const char *buf, size_t len, char *name, size_t size)
{
    size_t end, i;
    const char *p;

    if (len < 5 || memcmp(buf, "<?xml", 5) != 0)
        return -1;
    for (end = 5; end + 1 < len && end < 512; end++)
        if (buf[end] == '?' && buf[end + 1] == '>')
            break;
    if (end + 1 >= len || end >= 512)
        return -1;
    p = memmem(buf, end, "encoding", 8);
    if (!p)
        return -1;
    i = (size_t)(p - buf) + 8;
    while (i < end && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r' || buf[i] == '\n'))
        i++;
    if (i >= end || buf[i] != '=')
        return -1;
    i++;
    while (i < end && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r' || buf[i] == '\n'))
        i++;
    if (i >= end || (buf[i] != '"' && buf[i] != '\''))
        return -1;
    char q = buf[i++];
    size_t k = 0;
    while (i < end && buf[i] != q && k + 1 < size)
        name[k++] = buf[i++];
    name[k] = '\0';
    return k ? 0 : -1;
}

/* Looks at the bytes before they are parsed; see fs-encoding.h. */
int fs_encoding_sniff(const char *path, const char *buf, size_t len,
                      fs_diags *diags, const char **force, long *bad_line)
{
    const unsigned char *u = (const unsigned char *)buf;
    char enc[64];
    const char *nul;
    size_t bad;
    int high = 0;

    *force = NULL;
    *bad_line = 0;
    /* UTF-16 and UTF-32 (with or without a byte-order mark) are libxml2's. */
    if (len >= 2 && ((u[0] == 0xFE && u[1] == 0xFF) || (u[0] == 0xFF && u[1] == 0xFE) ||
                     u[0] == 0 || u[1] == 0))
        return 0;
    if ((nul = memchr(buf, 0, len)) != NULL) {
        fs_diags_add(diags, path, line_at(buf, (size_t)(nul - buf)), FS_ERROR,
                     "文件含有空字符（字节 0x00），XML 文件中不允许：多见于文件末尾的多余字节"
                     "或保存出错，请用编辑器删去（或重新保存文件）");
        return -1;
    }
    if (len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF)
        return 0;               /* a UTF-8 byte-order mark says it all */
    for (size_t i = 0; i < len && !high; i++)
        high = u[i] >= 0x80;
    bad = fs_utf8_valid_prefix(buf, len);
    if (declared_encoding(buf, len, enc, sizeof enc) == 0) {
        if (strcasecmp(enc, "UTF-8") == 0 || strcasecmp(enc, "UTF8") == 0 ||
            strncasecmp(enc, "UTF-16", 6) == 0 || strncasecmp(enc, "UTF-32", 6) == 0 ||
            strncasecmp(enc, "UCS", 3) == 0)
            return 0;
        if (high && bad == len) {
            fs_diags_add(diags, path, 1, FS_ERROR,
                         "XML 声明写明编码为“%s”，但文件内容看来是 UTF-8 编码（按“%s”读会成乱码）："
                         "请把第一行改为 encoding=\"UTF-8\"，或用“%s”编码重新保存文件", enc, enc, enc);
            return -1;
        }
        return 0;
    }
    if (bad < len) {
        *force = "GB18030";
        *bad_line = line_at(buf, bad);
    }
    return 0;
}
