/*
 * fs-cn.h - messages for Chinese readers: the --verbose switch, system
 * errors (errno) in Chinese, one-line escaping of untrusted text in
 * diagnostics, and libxml2's parser and schema errors in plain Chinese
 * (fs-xmlmsg.c).
 */
#ifndef FS_CN_H
#define FS_CN_H

#include "fs-base.h"
#include <libxml/xmlerror.h>

/* The global --verbose switch: when on, a translated libxml2 message is
 * followed by libxml2's own English text, for developers. */
void fs_set_verbose(int on);
int fs_verbose(void);

/* A static Chinese description of the system error ERRNUM ("文件或文件夹不存在"
 * for ENOENT …); unknown numbers give "系统错误 N" in a static buffer. */
const char *fs_errno_cn(int errnum);

/* Appends S to B on one line: line breaks and tabs become one space,
 * other control characters (C0, DEL, C1) and bytes that are not UTF-8
 * become \xNN, so that no untrusted text (a file name, a libxml2 message)
 * can start a new line or fake a "FILE:LINE:" prefix. */
void fs_cn_oneline(fs_buf *b, const char *s);
/* The same into new memory the caller frees ("" for NULL). */
char *fs_cn_oneline_dup(const char *s);
/* For file names: line breaks and tabs are escaped (\x0A) too, so that a
 * name reads as one name. */
void fs_cn_name(fs_buf *b, const char *s);
char *fs_cn_name_dup(const char *s);

/* Prints "FILE: error: MESSAGE" on one line to standard error, FILE
 * escaped as fs_cn_name does and the message folded, for the few errors a
 * command prints outside its diagnostics (an output it cannot write). */
void fs_cn_error(const char *file, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Translates the libxml2 well-formedness error E into plain Chinese
 * (malloc'd, starting "XML 格式错误："), saying what is wrong and how to
 * fix it; with --verbose libxml2's text follows in parentheses. */
char *fs_xml_parse_message(const xmlError *e);

/* Translates the schema violation E on element EL into Chinese (malloc'd),
 * or returns NULL when E only repeats what another violation already said. */
char *fs_xml_schema_message(const xmlError *e, const char *el);

#endif
