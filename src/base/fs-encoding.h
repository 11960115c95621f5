/*
 * fs-encoding.h - what a dossier's bytes say about its encoding, before
 * libxml2 parses them: Notepad's GBK files without a declaration, UTF-8
 * files declared as GB18030, stray NUL bytes.
 */
#ifndef FS_ENCODING_H
#define FS_ENCODING_H

#include "fs-base.h"

/* Looks at the LEN bytes of BUF, read from PATH, before they are parsed:
 * - a NUL byte (outside UTF-16/32) is an error naming its line;
 * - a declared encoding other than UTF-8/16/32 whose bytes are valid UTF-8
 *   with multi-byte sequences is an error (the file looks like UTF-8);
 * - bytes that are not UTF-8, with no encoding declared, are to be read as
 *   GB18030: *FORCE is set to "GB18030" and *BAD_LINE to the line of the
 *   first byte that is not UTF-8 (the caller warns once the parse worked).
 * Returns 0, or -1 after an error in DIAGS. */
int fs_encoding_sniff(const char *path, const char *buf, size_t len,
                      fs_diags *diags, const char **force, long *bad_line);

/* The warning for a file read as GB18030 by fs_encoding_sniff. */
#define FS_ENCODING_GB_WARNING \
    "文件不是 UTF-8 编码，XML 声明中也没有写明编码，已按 GB18030（GBK）读取：" \
    "请核对表格上的文字；建议用记事本打开，“另存为”时编码选 UTF-8 保存" \
    "（或在第一行写明 <?xml version=\"1.0\" encoding=\"GB18030\"?>）"

/* Is [S, S+N) valid UTF-8 (no overlong forms, surrogates or code points
 * above U+10FFFF)?  Returns the offset of the first bad byte, or N. */
size_t fs_utf8_valid_prefix(const char *s, size_t n);

#endif
