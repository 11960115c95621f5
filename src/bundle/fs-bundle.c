/*
 * fs-bundle.c - the bundle of one dossier (fs-bundle.h): its parts typeset
 * through the batch (the same forms and renderer as `render`), the
 * evidence index laid out until its own length is known, the evidence
 * pages, and everything put together with qpdf (fs-merge.h).
 *
 * Page numbers: every part is a fs_doc with GB/T 9704 page numbers whose
 * page_offset says where it starts in the bundle.  Evidence is drawn onto
 * pages of our own (one per image, one per PDF page): a fs_doc of two
 * header lines a page, typeset with the same margins at the bottom and
 * sides as the forms, so its "— N —" sits where the forms' does; the
 * photo or PDF page goes into the rectangle below the header.
 */
#define _GNU_SOURCE
#include "fs-bundle-private.h"
#include "fs-flow.h"
#include "fs-merge.h"
#include "fs-pdf.h"
#include "fs-pdfa.h"
#include "fs-set.h"

#include <stdlib.h>
#include <string.h>

#define MM (72.0 / 25.4)

/* The evidence pages: header from 15 mm below the top edge, a rule at
 * 27 mm, the evidence from 29 mm down to 37 mm above the bottom edge
 * (the page number's line sits 28 mm above it), 15 mm from the sides. */
#define EV_TOP 15.0
#define EV_RULE 27.0
#define EV_BODY_TOP 29.0
#define EV_BODY_BOTTOM 37.0
#define EV_SIDE 15.0

/* The state of one bundle being made. */
typedef struct bctx {
    const fs_bundle_input *in;
    const fs_dossier *d;
    const fs_rubric *r;
    const fs_fontset *fonts;
    fs_diags *diags;
    fs_merge *m;
    fs_page_setup page;         /* the forms' page (附件1's)               */
    char why[FS_MERGE_WHY];
} bctx;

/* Reports a failure of the bundle's PDF: WHY, naming the dossier. */
static fs_error pdf_failed(bctx *x, const char *why)
{
    fs_diags_add(x->diags, x->d->path, 0, FS_ERROR, "生成汇编 PDF 失败：%s", why);
    return FS_E_PDF;
}

/* Typesets DOC as the library renders every PDF form: with the run's
 * fonts, PDF/A-1b when the run says so.  *OUT malloc'd. */
static fs_error render(bctx *x, fs_doc *doc, unsigned char **out, size_t *outlen)
{
    fs_pdf_options po = {x->in->pdfa};
    fs_error err;

    err = fs_pdf_render(doc, x->fonts, &po, x->diags, out, outlen);
    if (err != FS_OK)
        fs_diags_add(x->diags, x->d->path, 0, FS_ERROR, "生成汇编失败：%s", fs_strerror(err));
    return err;
}

/* Typesets DOC (taken over and freed) starting at page number OFFSET + 1
 * and adds it to the merge as source *DOCN, its pages appended when
 * APPEND.  *PAGES: its page count. */
static fs_error add_part(bctx *x, fs_doc *doc, size_t offset, int append,
                         size_t *docn, size_t *pages)
{
    unsigned char *data = NULL;
    size_t len = 0;
    fs_error err;

    if (!doc)
        return pdf_failed(x, "内部错误：表格未能生成");
    doc->page_offset = (int)offset;
    err = render(x, doc, &data, &len);
    fs_doc_free(doc);
    if (err != FS_OK)
        return err;
    if (fs_merge_add(x->m, data, len, append, docn, x->why) < 0)
        return pdf_failed(x, x->why);
    *pages = fs_merge_doc_pages(x->m, *docn);
    return FS_OK;
}

/* The 附件4 创建流程图 marked with D's history, on the forms' page with
 * GB/T 9704 page numbers; *TITLE gets "附件4 创建流程图" (malloc'd). */
static fs_doc *flow_doc(bctx *x, char **title, fs_error *err)
{
    char *path = fs_set_chart_path(x->d->rubric_id, "creation");
    fs_flow *f = path ? fs_flow_load(path, x->diags, err) : NULL;
    fs_drawing *dr;
    fs_doc *doc = NULL;

    if (!path) {
        fs_diags_add(x->diags, x->d->path, 0, FS_ERROR,
                     "找不到评定标准“%s”的创建流程图模板", x->d->rubric_id);
        *err = FS_E_TEMPLATE;
    }
    if (!f)
        goto done;
    dr = fs_flow_layout(f, x->fonts, NULL, x->diags);
    fs_flow_mark(f, dr, x->d, x->fonts);
    doc = fs_doc_new();
    doc->page = x->page;
    doc->page.width = dr->page_w;
    doc->page.height = dr->page_h;
    fs_doc_set_meta(doc, f->title, x->d->name.s, f->attachment, "fivestar");
    doc->source_file = fs_strdup(x->d->path);
    fs_doc_add_drawing(doc, dr);
    *title = fs_printf("%s %s", f->attachment, f->title);
done:
    fs_flow_free(f);
    free(path);
    return doc;
}

/* ------------------------------------------------------------------------
 * The index.
 * ---------------------------------------------------------------------- */

/* Numbers the evidence pages from FIRST on; returns the number after
 * the last. */
static size_t number_pages(fs_bundle_evs *evs, size_t first)
{
    for (size_t i = 0; i < evs->n; i++) {
        fs_bundle_ev *e = &evs->v[i];
        if (e->same >= 0) {
            e->first = evs->v[e->same].first;
            e->npages = evs->v[e->same].npages;
        } else if (e->state == FS_INDEX_PAGES) {
            e->first = first;
            first += e->npages;
        }
    }
    return first;
}

/* The 佐证材料目录 of the evidence as numbered now (malloc'd rows). */
static fs_doc *index_doc(bctx *x, const fs_forms *forms, const fs_result_sheet *s,
                         const fs_bundle_evs *evs)
{
    fs_index_row *rows = NULL;
    size_t n = 0, k = 0;
    fs_doc *doc;

    for (size_t item = 1; item <= x->r->nitems && item <= FS_MAX_ITEMS; item++) {
        const fs_score *sc = &x->d->scores[item - 1];
        size_t before = n;
        for (; k < evs->n && evs->v[k].item == (int)item; k++) {
            const fs_bundle_ev *e = &evs->v[k];
            rows = fs_xrealloc(rows, (n + 1) * sizeof *rows);
            rows[n++] = (fs_index_row){(int)item, e->ev->caption, e->href, e->state,
                                       e->first, e->first + (e->npages ? e->npages - 1 : 0),
                                       e->sha[0] ? e->sha : NULL, e->ev->line};
        }
        if (n == before && sc->note.s) {
            rows = fs_xrealloc(rows, (n + 1) * sizeof *rows);
            rows[n++] = (fs_index_row){(int)item, NULL, NULL, FS_INDEX_NOFILE, 0, 0,
                                       NULL, sc->note.line};
        }
    }
    doc = fs_form_evidence_index(forms, x->r, x->d, s, rows, n);
    free(rows);
    return doc;
}

/* ------------------------------------------------------------------------
 * Evidence pages.
 * ---------------------------------------------------------------------- */

/* The width of TEXT in ROLE at SIZE points, in points. */
static double text_width(const fs_fontset *fs, fs_font_role role, double size,
                         const char *text)
{
    double w = 0;

    while (*text) {
        uint32_t cp = fs_utf8_next(&text);
        int face = fs_fontset_pick(fs, role, cp);
        w += face < 0 ? 1000 : fs_fontset_advance(fs, face, cp);
    }
    return w * size / 1000;
}

/* TEXT cut with "…" so that it fits WIDTH points in ROLE at SIZE (a
 * header line never wraps: the evidence goes right below it); malloc'd. */
static char *fit_line(const fs_fontset *fs, fs_font_role role, double size,
                      const char *text, double width)
{
    char *s = fs_strdup(text);
    size_t n = strlen(s);

    for (char *p = s; *p; p++)
        if (*p == '\n' || *p == '\r' || *p == '\t')
            *p = ' ';
    if (text_width(fs, role, size, s) <= width)
        return s;
    width -= text_width(fs, role, size, "…");
    while (n > 0) {
        do
            n--;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80);
        s[n] = '\0';
        if (text_width(fs, role, size, s) <= width)
            break;
    }
    fs_buf b = {0};
    fs_buf_adds(&b, s);
    fs_buf_adds(&b, "…");
    free(s);
    return b.s;
}

/* Adds one line TEXT to DOC in ROLE at SIZE, cut to the text width. */
static void header_line(bctx *x, fs_doc *doc, fs_font_role role, double size,
                        const char *text, long line)
{
    double width = (doc->page.width - doc->page.left - doc->page.right) * MM;
    char *t = fit_line(x->fonts, role, size, text, width);
    fs_para *p = fs_doc_add_para(doc, FS_ALIGN_LEFT);

    p->line_spacing = 1.3;
    fs_para_add_run(p, t, role, size, 0, line);
    free(t);
}

/* The pages that carry the evidence: per page two header lines (the item
 * and caption; the organisation, the file and, for a PDF, which of its
 * pages), numbered from OFFSET + 1; NULL when there are none. */
static fs_doc *carrier_doc(bctx *x, const fs_bundle_evs *evs, size_t offset)
{
    fs_doc *doc = NULL;

    for (size_t i = 0; i < evs->n; i++) {
        const fs_bundle_ev *e = &evs->v[i];
        if (e->state != FS_INDEX_PAGES || e->same >= 0)
            continue;
        for (size_t k = 0; k < e->npages; k++) {
            char *l1 = fs_printf("第%d项佐证材料：%s", e->item, e->ev->caption);
            char *l2 = e->npages > 1
                ? fs_printf("%s　　文件：%s（第 %zu 页，共 %zu 页）", x->d->name.s, e->href,
                            k + 1, e->npages)
                : fs_printf("%s　　文件：%s", x->d->name.s, e->href);
            if (!doc) {
                doc = fs_doc_new();
                doc->page = x->page;
                doc->page.top = EV_TOP;
                doc->page_offset = (int)offset;
                doc->source_file = fs_strdup(x->d->path);
            } else {
                fs_doc_add_page_break(doc);
            }
            header_line(x, doc, FS_ROLE_HEI, FS_PT_XIAO4, l1, e->ev->line);
            header_line(x, doc, FS_ROLE_SONG, FS_PT_HAO5, l2, e->ev->line);
            free(l1);
            free(l2);
        }
    }
    return doc;
}

/* Draws every evidence onto its pages (the carrier pages are in the
 * output already) with a rule under each header. */
static fs_error place_evidence(bctx *x, fs_bundle_evs *evs)
{
    double pw = x->page.width * MM, ph = x->page.height * MM;
    fs_rect body = {EV_SIDE * MM, EV_BODY_BOTTOM * MM, pw - 2 * EV_SIDE * MM,
                    ph - (EV_BODY_TOP + EV_BODY_BOTTOM) * MM};

    for (size_t i = 0; i < evs->n; i++) {
        fs_bundle_ev *e = &evs->v[i];
        size_t doc;

        if (e->state != FS_INDEX_PAGES || e->same >= 0)
            continue;
        for (size_t k = 0; k < e->npages; k++)
            if (fs_merge_rule(x->m, e->first - 1 + k, x->page.left * MM,
                              pw - x->page.right * MM, ph - EV_RULE * MM, x->why) < 0)
                return pdf_failed(x, x->why);
        if (e->kind == BEV_IMAGE) {
            if (fs_merge_place_image(x->m, e->first - 1, &e->img, body, x->why) < 0)
                return pdf_failed(x, x->why);
            continue;
        }
        if (fs_merge_add(x->m, e->pdf, e->pdflen, 0, &doc, x->why) < 0) {
            e->pdf = NULL;
            return pdf_failed(x, x->why);
        }
        e->pdf = NULL;                  /* the merge owns it now */
        for (size_t k = 0; k < e->npages; k++)
            if (fs_merge_place_page(x->m, e->first - 1 + k, doc, k, body, x->why) < 0)
                return pdf_failed(x, x->why);
    }
    return FS_OK;
}

/* Outline entries of the evidence shown, under "佐证材料". */
static void outline_evidence(bctx *x, const fs_bundle_evs *evs)
{
    int any = 0;

    for (size_t i = 0; i < evs->n; i++) {
        const fs_bundle_ev *e = &evs->v[i];
        char *t;
        if (e->state != FS_INDEX_PAGES || e->same >= 0)
            continue;
        if (!any++)
            fs_merge_outline(x->m, 0, "佐证材料", e->first - 1);
        t = fs_printf("第%d项 %s", e->item, e->ev->caption);
        fs_merge_outline(x->m, 1, t, e->first - 1);
        free(t);
    }
}

/* ------------------------------------------------------------------------
 * The whole.
 * ---------------------------------------------------------------------- */

/* Makes the bundle; see fs-bundle.h. */
fs_error fs_bundle_render(const fs_bundle_input *in, const fs_dossier *d,
                          unsigned char **out, size_t *outlen, fs_diags *diags)
{
    bctx x;
    fs_bundle_evs evs = {NULL, 0};
    fs_result_sheet s;
    const fs_forms *forms = in->forms;
    const fs_rubric *r = d->rubric;
    fs_doc *doc;
    fs_error err = FS_OK;
    size_t page = 0, n = 0, docn, index_docn = 0, ni = 1, nidx = 0, base;
    char *flow_title = NULL;

    memset(&x, 0, sizeof x);
    x.in = in;
    x.d = d;
    x.r = r;
    x.fonts = in->fonts;
    x.diags = diags;
    *out = NULL;
    *outlen = 0;
    if (!x.fonts || !forms) {
        fs_diags_add(diags, d->path, 0, FS_ERROR, "内部错误：汇编缺少字体或表格模板");
        return x.fonts ? FS_E_TEMPLATE : FS_E_FONT;
    }
    if (!fs_forms_has_evidence_index(forms)) {
        fs_diags_add(diags, d->path, 0, FS_ERROR,
                     "评定标准“%s”的表格模板缺少 <evidence-index>（佐证材料目录），无法生成汇编",
                     r->id);
        return FS_E_TEMPLATE;
    }
    fs_score_dossier(d, r, &s);
    x.m = fs_merge_new();

    /* 附件1, 附件2, 附件4 */
    doc = fs_form_scoresheet(forms, r, d, &s);
    if (doc)
        x.page = doc->page;
    if ((err = add_part(&x, doc, page, 1, &docn, &n)) != FS_OK)
        goto done;
    fs_merge_outline(x.m, 0, "附件1 评定标准", page);
    page += n;
    if ((err = add_part(&x, fs_form_application(forms, r, d, &s), page, 1, &docn, &n)) != FS_OK)
        goto done;
    fs_merge_outline(x.m, 0, "附件2 申报表", page);
    page += n;
    doc = flow_doc(&x, &flow_title, &err);
    if (!doc || (err = add_part(&x, doc, page, 1, &docn, &n)) != FS_OK)
        goto done;
    fs_merge_outline(x.m, 0, flow_title, page);
    page += n;

    /* The evidence, then the index typeset until its length is stable:
     * the page numbers it lists depend on its own page count. */
    fs_bundle_evidence_collect(d, r, in->pdfa != NULL, &evs, diags);
    base = page;
    for (int round = 0; round < 4; round++) {
        unsigned char *data = NULL;
        size_t len = 0;
        long got;

        number_pages(&evs, base + ni + 1);
        doc = index_doc(&x, forms, &s, &evs);
        if (!doc) {
            err = pdf_failed(&x, "内部错误：佐证材料目录未能生成");
            goto done;
        }
        doc->page_offset = (int)base;
        err = render(&x, doc, &data, &len);
        fs_doc_free(doc);
        if (err != FS_OK)
            goto done;
        got = fs_merge_count_pages(data, len);
        if (got <= 0) {
            free(data);
            err = pdf_failed(&x, "内部错误：无法读取佐证材料目录");
            goto done;
        }
        if ((size_t)got == ni || round == 3) {
            if ((size_t)got != ni) {
                free(data);
                err = pdf_failed(&x, "内部错误：佐证材料目录的页数不稳定");
                goto done;
            }
            if (fs_merge_add(x.m, data, len, 1, &index_docn, x.why) < 0) {
                err = pdf_failed(&x, x.why);
                goto done;
            }
            break;
        }
        free(data);
        ni = (size_t)got;
    }
    fs_merge_outline(x.m, 0, "佐证材料目录", page);
    page += ni;

    /* The evidence pages. */
    doc = carrier_doc(&x, &evs, page);
    if (doc) {
        if ((err = add_part(&x, doc, page, 1, &docn, &nidx)) != FS_OK)
            goto done;
        if (page + nidx != number_pages(&evs, page + 1) - 1 ||
            fs_merge_pages(x.m) != page + nidx) {
            err = pdf_failed(&x, "内部错误：佐证材料页数不符");
            goto done;
        }
        if ((err = place_evidence(&x, &evs)) != FS_OK)
            goto done;
        outline_evidence(&x, &evs);
    }
    if (fs_merge_write(x.m, index_docn, in->pdfa != NULL, out, outlen, x.why) < 0)
        err = pdf_failed(&x, x.why);
done:
    if (err != FS_OK) {
        free(*out);
        *out = NULL;
        *outlen = 0;
    }
    free(flow_title);
    fs_bundle_evidence_free(&evs);
    fs_merge_free(x.m);
    return err;
}
