/*
 * fs-form-text.c - the words of the forms: the placeholders a forms
 * template may use and their values for a dossier, a rubric section or
 * the 统计表, and the writer that turns a template's text (literals,
 * placeholders, blanks) into paragraphs and runs of the document model.
 */
#define _GNU_SOURCE
#include "fs-forms-private.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct var_def var_defs[] = {
    {"name", V_NAME, CTX_FORM | CTX_ROW},
    {"unit", V_UNIT, CTX_FORM | CTX_ROW},
    {"town", V_TOWN, CTX_FORM | CTX_ROW | CTX_GROUP},
    {"leader", V_LEADER, CTX_FORM},
    {"phone", V_PHONE, CTX_FORM},
    {"members", V_MEMBERS, CTX_FORM},
    {"founded", V_FOUNDED, CTX_FORM},
    {"date", V_DATE, CTX_FORM},
    {"year", V_YEAR, CTX_FORM | CTX_STATS | CTX_ROW},
    {"star", V_STAR, CTX_FORM},
    {"honors", V_HONORS, CTX_FORM},
    {"opinion", V_OPINION, CTX_FORM},
    {"remark", V_REMARK, CTX_FORM},
    {"rubric_title", V_RUBRIC_TITLE, CTX_FORM},
    {"rubric_remark", V_RUBRIC_REMARK, CTX_FORM},
    {"issuer", V_ISSUER, CTX_FORM},
    {"total", V_TOTAL, CTX_FORM | CTX_ROW},
    {"max", V_MAX, CTX_FORM},
    {"threshold", V_THRESHOLD, CTX_FORM},
    {"threshold_name", V_THRESHOLD_NAME, CTX_FORM},
    {"shortfall", V_SHORTFALL, CTX_FORM},
    {"label", V_LABEL, CTX_SECTION},
    {"section", V_SECTION, CTX_SECTION},
    {"section_number", V_SECTION_NUMBER, CTX_SECTION},
    {"section_max", V_SECTION_MAX, CTX_SECTION},
    {"subtotal", V_SUBTOTAL, CTX_SECTION},
    {"situation", V_SITUATION, CTX_SECTION},
    {"count", V_COUNT, CTX_STATS},
    {"star0", V_STAR0, CTX_STATS},
    {"star1", V_STAR1, CTX_STATS},
    {"star2", V_STAR2, CTX_STATS},
    {"star3", V_STAR3, CTX_STATS},
    {"star4", V_STAR4, CTX_STATS},
    {"star5", V_STAR5, CTX_STATS},
    {"qualified", V_QUALIFIED, CTX_STATS},
    {"unqualified", V_UNQUALIFIED, CTX_STATS},
    {"undetermined", V_UNDETERMINED, CTX_STATS},
    {"average", V_AVERAGE, CTX_STATS},
    {"held_star", V_HELD_STAR, CTX_ROW},
    {"compliant", V_COMPLIANT, CTX_ROW},
    {"problems", V_PROBLEMS, CTX_ROW},
    {"plan", V_PLAN, CTX_ROW},
    {"standing_remark", V_STANDING_REMARK, CTX_ROW},
    {"town_count", V_TOWN_COUNT, CTX_GROUP},
};

/* Writes into BUF (SIZE bytes) where the placeholders of context set CTX
 * may be used, for messages. */
const char *fs_form_text_where(unsigned ctx, char *buf, size_t size)
{
    static const char *const where[] = {
        "附件1、附件2 的文字", "<scores> 的 <section> 或 <grid> 的 <each-section>",
        "<statistics> 的 <meta>、<attachment>、<title> 和 <para>",
        "<roster> 的 <column value=\"…\">", "<roster> 的 <group>",
    };
    size_t used = 0;

    buf[0] = '\0';
    for (unsigned i = 0; i < sizeof where / sizeof *where; i++)
        if (ctx & (1u << i)) {
            int k = snprintf(buf + used, size - used, "%s%s", used ? "；" : "", where[i]);
            if (k < 0 || (size_t)k >= size - used)
                break;
            used += (size_t)k;
        }
    return buf;
}

/* The placeholder named by the LEN bytes at NAME, or NULL when there is
 * none by that name. */
const struct var_def *fs_form_text_var(const char *name, size_t len)
{
    const struct var_def *def = NULL;

    for (size_t i = 0; i < sizeof var_defs / sizeof *var_defs; i++)
        if (strlen(var_defs[i].name) == len && strncmp(var_defs[i].name, name, len) == 0)
            def = &var_defs[i];
    return def;
}

/* The text of dossier field T ("" when absent) and its line in *LINE. */
static const char *text_or_empty(const fs_text *t, long *line)
{
    *line = t->s ? t->line : 0;
    return t->s ? t->s : "";
}

/* T as "93" or "19.5", in X->buf. */
const char *fs_form_text_tenths(bctx *x, fs_tenths t)
{
    return fs_tenths_format(t, x->buf, sizeof x->buf);
}

/* D as 2018年4月12日 in X->buf; "" for an unset date. */
static const char *date_cn(bctx *x, fs_date d)
{
    if (d.y <= 0)
        return "";
    return fs_date_format_cn(d, x->buf, sizeof x->buf);
}

/* The display name of star level STAR: the template's <stars>, else the
 * rubric's threshold name, else "N星级". */
static const char *star_name(bctx *x, int star)
{
    const fs_threshold *th;

    if (star >= 1 && star <= 5 && x->f->stars[star])
        return x->f->stars[star];
    if ((th = fs_rubric_threshold(x->r, star)) != NULL)
        return th->name;
    if (star <= 0)
        return "";
    snprintf(x->buf, sizeof x->buf, "%d星级", star);
    return x->buf;
}

/* N as a decimal number in X->buf. */
static const char *count_text(bctx *x, size_t n)
{
    snprintf(x->buf, sizeof x->buf, "%zu", n);
    return x->buf;
}

/* The text of a placeholder of the 统计表 as a whole (CTX_STATS). */
static const char *stats_value(bctx *x, var_id v)
{
    const fs_stats_summary *m = x->sum;

    switch (v) {
    case V_COUNT: return count_text(x, m->count);
    case V_STAR0: case V_STAR1: case V_STAR2: case V_STAR3: case V_STAR4:
    case V_STAR5:
        return count_text(x, m->stars[v - V_STAR0]);
    case V_QUALIFIED: return count_text(x, m->qualified);
    case V_UNQUALIFIED: return count_text(x, m->unqualified);
    case V_UNDETERMINED: return count_text(x, m->undetermined);
    case V_AVERAGE: return m->count ? fs_form_text_tenths(x, m->average) : "";
    case V_YEAR:
        if (m->year_min <= 0)
            return "";
        if (m->year_min == m->year_max)
            snprintf(x->buf, sizeof x->buf, "%d", m->year_min);
        else
            snprintf(x->buf, sizeof x->buf, "%d—%d", m->year_min, m->year_max);
        return x->buf;
    default:
        return "";
    }
}

/* The text of a placeholder of a dossier's row of the 统计表 (CTX_ROW)
 * that only rows have. */
static const char *row_value(bctx *x, var_id v, long *line)
{
    const fs_dossier *d = x->d;

    switch (v) {
    case V_HELD_STAR:
        *line = d->star_line;
        return d->star > 0 ? star_name(x, d->star) : x->roster->no_star;
    case V_COMPLIANT:
        return x->row->compliant > 0 ? x->roster->yes
             : x->row->compliant == 0 ? x->roster->no : "";
    case V_PROBLEMS: return text_or_empty(&d->problems, line);
    case V_PLAN: return text_or_empty(&d->plan, line);
    case V_STANDING_REMARK: return text_or_empty(&d->standing_remark, line);
    default: return "";
    }
}

/* The text of placeholder V (owned by the dossier, rubric, template or
 * X->buf, valid until the next call) and the dossier line it comes from
 * (0: none). */
static const char *var_value(bctx *x, var_id v, long *line)
{
    const fs_dossier *d = x->d;
    const fs_result_sheet *s = x->s;
    const fs_rubric_section *sec = x->section >= 0 ? &x->r->sections[x->section] : NULL;
    const fs_threshold *th = s ? fs_rubric_threshold(x->r, s->star) : NULL;

    *line = 0;
    if (v == V_TOWN_COUNT)
        return count_text(x, x->town_count);
    if (!d)                             /* the 统计表 as a whole */
        return stats_value(x, v);
    if (v >= V_HELD_STAR)
        return row_value(x, v, line);
    switch (v) {
    case V_NAME: return text_or_empty(&d->name, line);
    case V_UNIT: return text_or_empty(&d->unit, line);
    case V_TOWN: return text_or_empty(&d->town, line);
    case V_LEADER: return text_or_empty(&d->leader, line);
    case V_PHONE: return text_or_empty(&d->phone, line);
    case V_MEMBERS:
        if (d->members <= 0)
            return "";
        snprintf(x->buf, sizeof x->buf, "%ld", d->members);
        return x->buf;
    case V_FOUNDED: return date_cn(x, d->founded);
    case V_DATE:
        *line = d->application_line;
        return date_cn(x, d->date);
    case V_YEAR:
        snprintf(x->buf, sizeof x->buf, "%d", d->year);
        return x->buf;
    case V_STAR:
        *line = d->application_line;
        return star_name(x, d->apply_star);
    case V_HONORS: return text_or_empty(&d->honors, line);
    case V_OPINION: return text_or_empty(&d->opinion, line);
    case V_REMARK: return text_or_empty(&d->remark, line);
    case V_RUBRIC_TITLE: return x->r->title ? x->r->title : "";
    case V_RUBRIC_REMARK: return x->r->remark ? x->r->remark : "";
    case V_ISSUER: return x->r->issuer ? x->r->issuer : "";
    case V_TOTAL: return fs_form_text_tenths(x, s->total);
    case V_MAX: return fs_form_text_tenths(x, s->max);
    case V_THRESHOLD: return s->threshold < 0 ? "" : fs_form_text_tenths(x, s->threshold);
    case V_THRESHOLD_NAME: return th ? th->name : "";
    case V_SHORTFALL:
        return s->threshold < 0 || s->total >= s->threshold
            ? "" : fs_form_text_tenths(x, s->threshold - s->total);
    case V_LABEL: return sec ? sec->label : "";
    case V_SECTION: return sec ? sec->name : "";
    case V_SECTION_NUMBER:
        if (!sec)
            return "";
        snprintf(x->buf, sizeof x->buf, "%d", sec->number);
        return x->buf;
    case V_SECTION_MAX: return sec ? fs_form_text_tenths(x, sec->max) : "";
    case V_SUBTOTAL: return sec ? fs_form_text_tenths(x, s->section[x->section]) : "";
    case V_SITUATION:
        if (!sec || sec->number < 1 || sec->number > FS_MAX_SECTIONS)
            return "";
        return text_or_empty(&d->situation[sec->number - 1], line);
    default:
        return "";
    }
}

/* Writes N ideographic spaces into BUF (at least 3 * N + 1 bytes). */
static const char *blank_text(char *buf, int n)
{
    char *p = buf;

    for (int i = 0; i < n; i++) {
        memcpy(p, "\xE3\x80\x80", 3);
        p += 3;
    }
    *p = '\0';
    return buf;
}

/* The whole text of pattern P, newlines included, as one malloc'd string
 * (for metadata and for telling whether a pattern comes out empty). */
char *fs_form_text_flat(bctx *x, const tpara *p)
{
    fs_buf b = {0};
    char blank[3 * 40 + 1];
    long line;

    fs_buf_adds(&b, "");
    for (size_t i = 0; i < p->nsegs; i++) {
        const tseg *sg = &p->segs[i];
        if (sg->kind == SEG_TEXT)
            fs_buf_adds(&b, sg->text);
        else if (sg->kind == SEG_VAR)
            fs_buf_adds(&b, var_value(x, sg->var, &line));
        else
            fs_buf_adds(&b, blank_text(blank, sg->n));
    }
    return b.s;
}

/* ------------------------------------------------------------------------
 * Building: paragraphs.
 * ---------------------------------------------------------------------- */

/* Adds a paragraph with the properties of ST to T. */
static fs_para *new_para(target t, const tstyle *st)
{
    fs_para *p = t.cell ? fs_cell_add_para(t.cell, st->align)
                        : fs_doc_add_para(t.doc, st->align);

    p->indent_chars = st->indent;
    p->space_before = st->before;
    p->space_after = st->after;
    p->line_spacing = st->spacing;
    p->keep_with_next = st->keep;
    if (st->kind >= 0)
        p->kind = (fs_para_kind)st->kind;
    return p;
}

/* Writes the runs of one pattern: pieces of text with the same flags and
 * line are merged into one run, and a newline starts a new paragraph (the
 * first paragraph keeps the space before, the last the space after). */
typedef struct writer {
    target t;
    const tstyle *st;
    fs_para *p;                 /* the paragraph being written, or NULL    */
    fs_buf run;                 /* pending run text                        */
    unsigned flags;             /* of the pending run                      */
    long line;
} writer;

/* Adds the pending run, if any, to the current paragraph. */
static void writer_flush(writer *w)
{
    if (!w->run.len)
        return;
    if (!w->p)
        w->p = new_para(w->t, w->st);
    fs_para_add_run(w->p, w->run.s, w->st->role, w->st->size,
                    w->st->flags | w->flags, w->line);
    w->run.len = 0;
    w->run.s[0] = '\0';
}

/* Ends the current paragraph, creating it when it has nothing yet, and
 * gives it an empty run when it has none (so that it has a size). */
static void writer_end_para(writer *w)
{
    writer_flush(w);
    if (!w->p)
        w->p = new_para(w->t, w->st);
    if (!w->p->nruns)
        fs_para_add_run(w->p, "", w->st->role, w->st->size, w->st->flags, 0);
}

/* Appends S with run FLAGS and dossier LINE. */
static void writer_put(writer *w, const char *s, unsigned flags, long line)
{
    while (*s) {
        size_t k = strcspn(s, "\n");

        if (k) {
            if (w->run.len && (flags != w->flags || line != w->line))
                writer_flush(w);
            w->flags = flags;
            w->line = line;
            fs_buf_add(&w->run, s, k);
        }
        if (!s[k])
            break;
        writer_end_para(w);
        w->p->space_after = 0;
        w->p = new_para(w->t, w->st);
        w->p->space_before = 0;
        s += k + 1;
    }
}

/* Finishes the pattern: the last paragraph, and the writer's memory. */
static void writer_done(writer *w)
{
    writer_end_para(w);
    fs_buf_free(&w->run);
}

/* Emits pattern P into T with the placeholders of X filled in: one
 * paragraph, or one per line of a multi-line value.  With SKIP_EMPTY a
 * pattern that comes out empty adds nothing.  Returns the number of
 * paragraphs added. */
size_t fs_form_text_emit(target t, const tpara *p, bctx *x, int skip_empty)
{
    writer w = {t, &p->st, NULL, {0}, 0, 0};
    char blank[3 * 40 + 1];
    size_t before;

    if (skip_empty) {
        char *flat = fs_form_text_flat(x, p);
        int empty = strspn(flat, " \n") == strlen(flat);
        free(flat);
        if (empty)
            return 0;
    }
    before = t.cell ? t.cell->nparas : t.doc->nblocks;
    for (size_t i = 0; i < p->nsegs; i++) {
        const tseg *sg = &p->segs[i];
        long line = 0;

        if (sg->kind == SEG_TEXT)
            writer_put(&w, sg->text, 0, 0);
        else if (sg->kind == SEG_VAR) {
            const char *v = var_value(x, sg->var, &line);
            writer_put(&w, v, 0, x->no_lines ? 0 : line);
        } else
            writer_put(&w, blank_text(blank, sg->n),
                       sg->underline ? FS_RUN_UNDERLINE : 0, 0);
    }
    writer_done(&w);
    return (t.cell ? t.cell->nparas : t.doc->nblocks) - before;
}

/* Adds TEXT (one paragraph per line) to cell C in style ST; LINE is the
 * dossier line it comes from, 0 for rubric text. */
void fs_form_text_literal(fs_cell *c, const tstyle *st, const char *text, long line)
{
    writer w = {{NULL, c}, st, NULL, {0}, 0, 0};

    writer_put(&w, text, 0, line);
    writer_done(&w);
}

/* Vertical space of B->height mm: an empty paragraph that tall. */
void fs_form_text_spacer(fs_doc *doc, const tblock *b)
{
    fs_para *p = fs_doc_add_para(doc, FS_ALIGN_LEFT);

    p->line_spacing = 1.0;
    fs_para_add_run(p, "", FS_ROLE_SONG, b->height * 72.0 / 25.4, 0, 0);
}

/* A new document for FORM (the caller frees it): the template's page, its
 * title, subject and keywords with X's placeholders filled in, AUTHOR as
 * the author. */
fs_doc *fs_form_text_doc(const tform *form, bctx *x, const char *author)
{
    fs_doc *doc = fs_doc_new();
    char *title = fs_form_text_flat(x, &form->title);
    char *subject = fs_form_text_flat(x, &form->subject);
    char *keywords = fs_form_text_flat(x, &form->keywords);

    doc->page = form->page;
    fs_doc_set_meta(doc, title, author, subject, "fivestar");
    if (*keywords) {
        free(doc->keywords);
        doc->keywords = fs_strdup(keywords);
    }
    free(title);
    free(subject);
    free(keywords);
    return doc;
}

/* Adds to DOC a table with TT's columns, padding and rules, and returns it
 * (DOC owns it). */
fs_table *fs_form_text_table(fs_doc *doc, const ttable *tt)
{
    fs_table *t = fs_doc_add_table(doc, tt->ncols, tt->widths);

    t->pad_x = tt->pad_x;
    t->pad_y = tt->pad_y;
    t->border = tt->border;
    return t;
}

/* Adds TT's header row to T (repeated on every page, never split), its
 * texts filled in from X. */
void fs_form_text_head_row(fs_table *t, const ttable *tt, bctx *x)
{
    fs_row *r = fs_table_add_row(t, FS_ROW_HEADER | FS_ROW_CANT_SPLIT, 0);

    for (size_t k = 0; k < tt->ncols; k++) {
        fs_cell *c = fs_row_add_cell(t, r, 1, 1, tt->head_valign);
        fs_form_text_emit((target){NULL, c}, &tt->heads[k], x, 0);
    }
}
