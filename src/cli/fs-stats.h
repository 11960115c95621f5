/*
 * fs-stats.h - the 统计表 (附件3) over many dossiers: the stats command,
 * and the pieces archive uses to put the same table in the archive.
 */
#ifndef FS_STATS_H
#define FS_STATS_H

#include "fs-batch.h"
#include "fs-form.h"

/* Fills ROW for dossier D of rubric R: its scores, and 是否达标 from
 * <compliant>, else from the rubric's threshold for the star level held,
 * else blank with a warning in DIAGS naming the dossier. */
void fs_stats_row_init(fs_stats_row *row, const fs_dossier *d,
                       const fs_rubric *r, fs_diags *diags);
/* Sorts ROWS by town, then name (code point order: the same on every
 * machine, whatever the locale), then file name. */
void fs_stats_sort(fs_stats_row *rows, size_t n);
/* The figures under the table: counts per star level held, 是否达标
 * counts, the mean total (rounded half up to a tenth), the years. */
void fs_stats_summarise(const fs_stats_row *rows, size_t n, fs_stats_summary *sum);
/* The 统计表 of the N sorted ROWS, with the forms template of the first
 * row's rubric; DOC->source_file is OUT.  NULL with *ERR =
 * FS_E_TEMPLATE and an error in DIAGS when the template has none. */
fs_doc *fs_stats_doc(fs_batch *b, const fs_stats_row *rows, size_t n,
                     const char *out, fs_diags *diags, fs_error *err);

#endif
