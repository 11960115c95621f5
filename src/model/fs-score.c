/*
 * fs-score.c - section subtotals, total and verdict, in exact tenths.
 */
#include "fs-model.h"

#include <string.h>

/* Sums the self-scores of D per section of R and in total, and compares the
 * total with R's threshold for the star D applies for (-1 when R has none).
 * D must have passed validation: every item present and within range. */
void fs_score_dossier(const fs_dossier *d, const fs_rubric *r,
                      fs_result_sheet *out)
{
    const fs_threshold *th = fs_rubric_threshold(r, d->apply_star);

    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < r->nitems; i++) {
        const fs_rubric_item *it = &r->items[i];
        out->section[it->section] += d->scores[i].points;
        out->total += d->scores[i].points;
    }
    out->max = r->max;
    out->star = d->apply_star;
    out->threshold = th ? th->min : -1;
    out->qualified = th && out->total >= th->min;
}
