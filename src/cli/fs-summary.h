/*
 * fs-summary.h - the closing line of a command over many dossiers:
 * "完成：38 份成功，2 份有错误（a.xml、b.xml）" on standard error, so that a
 * failed dossier does not scroll by unnoticed among the others.
 */
#ifndef FS_SUMMARY_H
#define FS_SUMMARY_H

#include "fs-base.h"

typedef struct fs_summary {
    size_t ok, failed, warned;
    fs_buf names;               /* the failed files, joined by "、"        */
} fs_summary;

/* Counts the outcome ERR of dossier FILE (WARNINGS: how many warnings it
 * had).  FS_OK counts as a success, anything else as a failure. */
void fs_summary_add(fs_summary *s, const char *file, fs_error err, size_t warnings);
/* Counts FILE's outcome from the diagnostics text TEXT a worker printed
 * for it (its warnings are the lines with ": warning: "). */
void fs_summary_add_text(fs_summary *s, const char *file, fs_error err, const char *text);
/* For commands whose library call loads the dossiers itself (archive):
 * TALLY marks, per file of FILES, whether diagnostics passed to
 * fs_tally_diags name it in an error or a warning (diagnostics name files
 * as fs_cn_name escapes them); fs_tally_finish counts each file into S. */
typedef struct fs_tally {
    const char *const *files;
    char **names;               /* the files as diagnostics name them      */
    unsigned char *mark;        /* 1: an error, 2: a warning               */
    size_t n;
} fs_tally;
void fs_tally_init(fs_tally *t, const char *const *files, size_t n);
void fs_tally_diags(fs_tally *t, const fs_diags *d);
void fs_tally_finish(fs_tally *t, fs_summary *s);

/* Prints the closing line to OUT when more than one dossier was counted,
 * and frees S's memory. */
void fs_summary_finish(fs_summary *s, FILE *out);

#endif
