/*
 * fs-stats.c - the 统计表 (附件3) of many dossiers (fivestar.h): one row
 * each, sorted by town then name, with the counts per star level, the
 * 是否达标 counts and the mean total under it.  `stats` and `archive`
 * build it here.
 */
#define _GNU_SOURCE
#include "fs-lib-private.h"

#include <stdlib.h>
#include <string.h>

/* Decides ROW's 是否达标; see fs-lib-private.h. */
void fs_stats_row_init(fs_stats_row *row, const fs_dossier *d, fs_diags *diags)
{
    const fs_rubric *r = d->rubric;
    const fs_threshold *th = d->star > 0 ? fs_rubric_threshold(r, d->star) : NULL;

    memset(row, 0, sizeof *row);
    row->d = d;
    row->r = r;
    fs_score_dossier(d, r, &row->s);
    if (d->compliant >= 0) {
        row->compliant = d->compliant;
    } else if (th) {
        row->compliant = row->s.total >= th->min;
    } else {
        row->compliant = -1;
        if (d->star > 0)
            fs_diags_add(diags, d->path, d->star_line, FS_WARNING,
                         "是否达标无法判定：没有 <compliant>，评定标准“%s”也没有已获评星级"
                         "（%d星）的达标分数线；统计表中此栏留空", r->id, d->star);
        else
            fs_diags_add(diags, d->path, d->star_line ? d->star_line : d->line, FS_WARNING,
                         "是否达标无法判定：没有 <compliant>，也没有已获评的星级；统计表中此栏留空");
    }
}

/* The town of row R, "" when absent. */
static const char *town_of(const fs_stats_row *r)
{
    return r->d->town.s ? r->d->town.s : "";
}

/* qsort order: the town's rank, town, name, file. */
static int row_cmp(const void *a, const void *b)
{
    const fs_stats_row *x = a, *y = b;
    int c = x->town_rank < y->town_rank ? -1 : x->town_rank > y->town_rank;

    if (!c)
        c = strcmp(town_of(x), town_of(y));

    if (!c)
        c = strcmp(x->d->name.s ? x->d->name.s : "", y->d->name.s ? y->d->name.s : "");
    if (!c)
        c = strcmp(x->d->path, y->d->path);
    return c;
}

/* Sorts ROWS; see fs-lib-private.h. */
void fs_stats_sort(fs_stats_row *rows, size_t n, const fs_forms *forms)
{
    for (size_t i = 0; i < n; i++)
        rows[i].town_rank = forms ? fs_forms_town_rank(forms, town_of(&rows[i])) : 0;
    if (n > 1)
        qsort(rows, n, sizeof *rows, row_cmp);
}

/* qsort order of row pointers: organisation name, then year. */
static int name_cmp(const void *a, const void *b)
{
    const fs_stats_row *x = *(const fs_stats_row *const *)a, *y = *(const fs_stats_row *const *)b;
    int c = strcmp(x->d->name.s ? x->d->name.s : "", y->d->name.s ? y->d->name.s : "");

    if (!c)
        c = (x->d->year > y->d->year) - (x->d->year < y->d->year);
    if (!c)
        c = strcmp(x->d->path, y->d->path);
    return c;
}

/* Warns about every organisation that ROWS hold twice for one year (two
 * files of one branch: two rows in the 统计表, two folders in the
 * archive); see fs-lib-private.h. */
void fs_stats_warn_twice(const fs_stats_row *rows, size_t n, fs_diags *diags)
{
    const fs_stats_row **v = fs_xcalloc(n ? n : 1, sizeof *v);

    for (size_t i = 0; i < n; i++)
        v[i] = &rows[i];
    qsort(v, n, sizeof *v, name_cmp);
    for (size_t i = 1; i < n; i++) {
        const fs_dossier *a = v[i - 1]->d, *b = v[i]->d;

        if (a->name.s && b->name.s && strcmp(a->name.s, b->name.s) == 0 && a->year == b->year)
            fs_diags_add(diags, b->path, b->name.line, FS_WARNING,
                         "党组织“%s”的 %d 年度档案有两份（另一份是 %s）：统计表中会有两行，"
                         "归档时也会有两份；请确认是否重复，删去多余的一份",
                         b->name.s, b->year, a->path);
    }
    free(v);
}

/* Warns, as NAME (the 统计表 being made), when ROWS span several years:
 * a 统计表 is made once a year, and mixing years is easily missed. */
static void warn_years(const fs_stats_row *rows, size_t n, const char *name, fs_diags *diags)
{
    int lo = 0, hi = 0;
    size_t nlo = 0;

    for (size_t i = 0; i < n; i++) {
        int y = rows[i].d->year;

        if (!lo || y < lo)
            lo = y, nlo = 0;
        if (y == lo)
            nlo++;
        if (y > hi)
            hi = y;
    }
    if (lo && hi > lo)
        fs_diags_add(diags, name, 0, FS_WARNING,
                     "所列档案分属不同年度（%d 年至 %d 年，其中 %d 年 %zu 份）：统计表通常每年一份，"
                     "请确认是否只应列入同一年度的档案", lo, hi, lo, nlo);
}

/* Counts and averages ROWS into SUM; see fs-lib-private.h. */
void fs_stats_summarise(const fs_stats_row *rows, size_t n, fs_stats_summary *sum)
{
    fs_tenths total = 0;

    memset(sum, 0, sizeof *sum);
    sum->count = n;
    for (size_t i = 0; i < n; i++) {
        const fs_stats_row *r = &rows[i];
        int star = r->d->star >= 1 && r->d->star <= 5 ? r->d->star : 0;

        sum->stars[star]++;
        if (r->compliant > 0)
            sum->qualified++;
        else if (r->compliant == 0)
            sum->unqualified++;
        else
            sum->undetermined++;
        total += r->s.total;
        if (!sum->year_min || r->d->year < sum->year_min)
            sum->year_min = r->d->year;
        if (r->d->year > sum->year_max)
            sum->year_max = r->d->year;
    }
    /* Totals are never negative: half up is (2 * total + n) / (2 * n). */
    if (n)
        sum->average = (2 * total + (fs_tenths)n) / (2 * (fs_tenths)n);
}

/* Builds the 统计表 document of sorted rows; see fs-lib-private.h. */
fs_doc *fs_stats_doc(fs_lib *lib, const fs_stats_row *rows, size_t n,
                     const char *name, fs_diags *diags, fs_error *err)
{
    fs_stats_summary sum;
    fs_forms *forms;
    fs_doc *doc;

    *err = FS_E_TEMPLATE;
    if (!n)
        return NULL;
    forms = fs_lib_forms(lib, rows[0].r, diags, err);
    if (!forms)
        return NULL;
    if (!fs_forms_has_statistics(forms)) {
        fs_diags_add(diags, rows[0].r->path, 0, FS_ERROR,
                     "评定标准“%s”的表格模板没有统计表（<statistics>）", rows[0].r->id);
        *err = FS_E_TEMPLATE;
        return NULL;
    }
    fs_stats_summarise(rows, n, &sum);
    doc = fs_form_statistics(forms, rows, n, &sum);
    free(doc->source_file);
    doc->source_file = fs_strdup(name);
    *err = FS_OK;
    return doc;
}

/* Builds the 统计表 of N dossiers in any order; see fivestar.h. */
fs_doc *fs_stats_build(fs_lib *lib, const fs_dossier *const *d, size_t n,
                       const char *name, fs_diags *diags, fs_error *err)
{
    fs_stats_row *rows;
    fs_doc *doc;

    if (!n) {
        fs_diags_add(diags, name, 0, FS_ERROR, "没有可列入统计表的档案");
        *err = FS_E_INVALID;
        return NULL;
    }
    rows = fs_xcalloc(n, sizeof *rows);
    for (size_t i = 0; i < n; i++)
        fs_stats_row_init(&rows[i], d[i], diags);
    fs_stats_sort(rows, n, fs_lib_forms(lib, rows[0].r, diags, err));
    fs_stats_warn_twice(rows, n, diags);
    warn_years(rows, n, name, diags);
    doc = fs_stats_doc(lib, rows, n, name, diags, err);
    free(rows);
    return doc;
}
