/*
 * fs-stats.c - fivestar stats FILE... -o OUT.pdf|OUT.docx: the 统计表
 * (附件3) of many dossiers, one row each, sorted by town then name, with
 * the counts per star level, the 是否达标 counts and the mean total under
 * it (fs-stats.h).
 *
 * Every dossier is checked first and its problems printed.  An invalid
 * dossier stops the run (exit 1, nothing written) unless --skip-invalid,
 * which leaves it out, says so, and still exits 1.  The table is rendered
 * in memory and written whole or not at all.
 */
#define _GNU_SOURCE
#include "fs-stats.h"
#include "fs-cli.h"

#include <stdlib.h>
#include <string.h>

/* Decides ROW's 是否达标; see fs-stats.h. */
void fs_stats_row_init(fs_stats_row *row, const fs_dossier *d,
                       const fs_rubric *r, fs_diags *diags)
{
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

/* qsort order: town, name, file. */
static int row_cmp(const void *a, const void *b)
{
    const fs_stats_row *x = a, *y = b;
    int c = strcmp(town_of(x), town_of(y));

    if (!c)
        c = strcmp(x->d->name.s ? x->d->name.s : "", y->d->name.s ? y->d->name.s : "");
    if (!c)
        c = strcmp(x->d->path, y->d->path);
    return c;
}

/* Sorts ROWS; see fs-stats.h. */
void fs_stats_sort(fs_stats_row *rows, size_t n)
{
    if (n > 1)
        qsort(rows, n, sizeof *rows, row_cmp);
}

/* Counts and averages ROWS into SUM; see fs-stats.h. */
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

/* Builds the 统计表 document; see fs-stats.h. */
fs_doc *fs_stats_doc(fs_batch *b, const fs_stats_row *rows, size_t n,
                     const char *out, fs_diags *diags, fs_error *err)
{
    fs_stats_summary sum;
    fs_forms *forms;
    fs_doc *doc;

    *err = FS_E_TEMPLATE;
    if (!n)
        return NULL;
    forms = fs_batch_forms(b, rows[0].r, diags, err);
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
    doc->source_file = fs_strdup(out);
    *err = FS_OK;
    return doc;
}

/* Is PATH's extension EXT (".pdf", ".docx"), in any case? */
static int has_ext(const char *path, const char *ext)
{
    size_t n = strlen(path), k = strlen(ext);

    return n > k && strcasecmp(path + n - k, ext) == 0;
}

/* The dossiers of a run and their rows. */
typedef struct loaded {
    fs_dossier **d;
    fs_stats_row *rows;
    size_t n;
} loaded;

/* fivestar stats FILE... -o OUT.pdf|OUT.docx [--skip-invalid] [--pdfa]
 * [--office-fonts]. */
int fs_cmd_stats(int argc, char **argv)
{
    static const char *const spec[] = {"-o=", "--skip-invalid", "--pdfa", "--office-fonts", NULL};
    fs_cli_args a;
    fs_batch_options bo = {1, 0, {0}, "统计"};
    fs_batch *b = NULL;
    fs_diags diags = {0};
    loaded ld = {NULL, NULL, 0};
    fs_doc *doc = NULL;
    const char *out;
    int status = 2, skip;
    fs_error err;

    if (fs_cli_parse(argc, argv, spec, &a) < 0)
        return 2;
    out = a.opt[0];
    skip = a.opt[1] != NULL;
    bo.pdfa = a.opt[2] != NULL;
    bo.docx.office_fonts = a.opt[3] != NULL;
    if (!a.nfiles) {
        fprintf(stderr, "fivestar stats: error: 请给出档案文件\n");
        goto done;
    }
    if (!out || !(has_ext(out, ".pdf") || has_ext(out, ".docx"))) {
        fprintf(stderr, "fivestar stats: error: 请用 -o 给出输出文件，扩展名为 .pdf 或 .docx\n");
        goto done;
    }
    status = 0;
    b = fs_batch_new(&bo, &diags, &err);
    fs_diags_print(&diags, stderr);
    fs_diags_clear(&diags);
    if (!b) {
        status = fs_exit_status(err);
        goto done;
    }
    ld.d = fs_xcalloc(a.nfiles, sizeof *ld.d);
    ld.rows = fs_xcalloc(a.nfiles, sizeof *ld.rows);
    for (size_t i = 0; i < a.nfiles; i++) {
        const fs_rubric *r;
        fs_dossier *d;

        fs_batch_progress(b, i + 1, a.nfiles, a.files[i]);
        d = fs_batch_load(b, a.files[i], &r, &diags, &err);
        if (d) {
            fs_stats_row_init(&ld.rows[ld.n], d, r, &diags);
            ld.d[ld.n++] = d;
        } else if (skip) {
            fs_diags_add(&diags, a.files[i], 0, FS_WARNING, "此档案未列入统计表（--skip-invalid）");
        }
        fs_batch_report(b, &diags);
        status = fs_cli_worst(status, err);
    }
    fs_batch_clear(b);
    if (status && !skip) {
        fprintf(stderr, "fivestar stats: error: 有档案未通过检查，未生成统计表（加 --skip-invalid 可略去这些档案）\n");
        goto done;
    }
    if (!ld.n) {
        fprintf(stderr, "fivestar stats: error: 没有可列入统计表的档案，未生成 %s\n", out);
        status = fs_cli_worst(status, FS_E_INVALID);
        goto done;
    }
    fs_stats_sort(ld.rows, ld.n);
    doc = fs_stats_doc(b, ld.rows, ld.n, out, &diags, &err);
    if (doc)
        err = fs_batch_write(b, doc, out, &diags);
    fs_batch_report(b, &diags);
    status = fs_cli_worst(status, err);
    if (err == FS_OK)
        printf("统计表（%zu 个党组织）→ %s\n", ld.n, out);
done:
    fs_doc_free(doc);
    for (size_t i = 0; i < ld.n; i++)
        fs_dossier_free(ld.d[i]);
    free(ld.d);
    free(ld.rows);
    fs_batch_free(b);
    fs_diags_clear(&diags);
    fs_cli_args_free(&a);
    return status;
}
