/*
 * fs-zipmsg.c - libzip's errors in Chinese, for the archive and its
 * verification (fs-zipmsg.h).
 */
#include "fs-zipmsg.h"
#include "fs-cn.h"

#include <stdio.h>

/* The error ZE in Chinese; see fs-zipmsg.h. */
const char *fs_zip_cn(zip_error_t *ze)
{
    static char other[48];

    if (zip_error_system_type(ze) == ZIP_ET_SYS && zip_error_code_system(ze))
        return fs_errno_cn(zip_error_code_system(ze));
    switch (zip_error_code_zip(ze)) {
    case ZIP_ER_CRC: return "校验和不符，数据已损坏或被改动";
    case ZIP_ER_NOZIP: return "不是 zip 文件";
    case ZIP_ER_INCONS: return "zip 文件结构不一致，可能已损坏";
    case ZIP_ER_EOF: return "文件提前结束，可能只复制了一部分";
    case ZIP_ER_NOENT: return "文件不存在";
    case ZIP_ER_EXISTS: return "文件已存在";
    case ZIP_ER_MEMORY: return "内存不足";
    case ZIP_ER_COMPNOTSUPP: return "不支持的压缩方式";
    case ZIP_ER_ENCRNOTSUPP: case ZIP_ER_NOPASSWD: case ZIP_ER_WRONGPASSWD: return "文件已加密";
    case ZIP_ER_ZLIB: return "压缩数据已损坏";
    default:
        snprintf(other, sizeof other, "压缩库错误 %d", zip_error_code_zip(ze));
        return other;
    }
}
