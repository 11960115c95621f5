/*
 * fs-zipmsg.h - libzip's errors in Chinese (fs-zipmsg.c).
 */
#ifndef FS_ZIPMSG_H
#define FS_ZIPMSG_H

#include <zip.h>

/* The error ZE in Chinese: a static string (system errors through
 * fs_errno_cn), never libzip's English text. */
const char *fs_zip_cn(zip_error_t *ze);

#endif
