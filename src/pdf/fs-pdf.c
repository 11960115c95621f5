/*
 * fs-pdf.c - the PDF typesetter (fs-pdf.h): the document body, page
 * numbers and the draw pass on libharu.
 *
 * Two passes.  The layout pass (fs-pdf-layout.c, fs-pdf-table.c) turns
 * the document into a display list per page: text spans (a run of code
 * points of one face, size and weight at one baseline) and ruling
 * segments (table borders, underlines), recording every code point it
 * will draw with fs_pdf_fonts_use.  Then the used faces are subset and
 * embedded (fs_pdf_fonts_embed) and the draw pass writes the display list
 * with libharu.  Nothing is measured by libharu.
 *
 * Coordinates in the layout pass are points from the page's top left
 * corner (y grows downwards); the draw pass flips y.  Lengths of the model
 * are millimetres and are converted once, when read.
 *
 * libharu reports errors through a handler that records the first one and
 * returns (no longjmp); every stage checks the record.
 */
#define _GNU_SOURCE
#include "fs-pdf-private.h"
#include "fs-pdf-deflate.h"
#include "fs-pdfa.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <hpdf.h>
#include <hpdf_doc.h>
#include <hpdf_objects.h>

#if HPDF_VERSION_ID >= 20400
#error "fs-pdf.c writes the Info dictionary through libharu 2.3.0 internals; re-check for 2.4"
#endif

/* libharu's first error. */
typedef struct herr {
    HPDF_STATUS code, detail;
} herr;

/* Writes V (millimetres) with one decimal and a '.' whatever the locale
 * into BUF (32 bytes) and returns it. */
static char *mm_text(char *buf, double v)
{
    if (!isfinite(v) || fabs(v) > 1e9)
        v = 0;
    return fs_tenths_format((fs_tenths)lround(v * 10), buf, 32);
}


/* ------------------------------------------------------------------------
 * The document body.
 * ---------------------------------------------------------------------- */

/* Keeps paragraph block I (keep_with_next) and the paragraphs chained to
 * it by keep_with_next together with the start of the block after them
 * (BODY and TABS hold the laid-out paragraphs and tables by block): when
 * all that does not fit the rest of the page but fits a page, a new page
 * starts. */
static void keep_together(rctx *rc, const play *body, const tlay *tabs,
                          size_t i)
{
    const fs_doc *doc = rc->doc;
    double full = rc->bottom - rc->top, h = 0;
    size_t j = i;

    while (j < doc->nblocks && doc->blocks[j].kind == FS_BLOCK_PARA &&
           doc->blocks[j].u.para && doc->blocks[j].u.para->keep_with_next) {
        h += fs_pdf_layout_para_height(&body[j]);
        j++;
    }
    if (j < doc->nblocks && doc->blocks[j].kind == FS_BLOCK_PARA &&
        doc->blocks[j].u.para)
        h += body[j].before + body[j].pitch;
    else if (j < doc->nblocks && doc->blocks[j].kind == FS_BLOCK_TABLE &&
             doc->blocks[j].u.table)
        h += fs_pdf_table_start(rc, &tabs[j]);
    if (rc->y + h > rc->bottom + EPS && h <= full + EPS && !fs_pdf_layout_at_top(rc))
        fs_pdf_layout_new_page(rc);
}

/* Lays out the blocks of the document onto pages: every paragraph and
 * table is measured first (so that keep_with_next can look ahead), then
 * placed in order. */
static void layout_body(rctx *rc)
{
    const fs_doc *doc = rc->doc;
    size_t nb = doc->nblocks ? doc->nblocks : 1;
    play *body = fs_xcalloc(nb, sizeof *body);
    tlay *tabs = fs_xcalloc(nb, sizeof *tabs);
    double width = rc->right - rc->left;
    int empty = 1;                  /* nothing placed on this page yet */

    for (size_t i = 0; i < doc->nblocks; i++) {
        const fs_block *b = &doc->blocks[i];

        if (b->kind == FS_BLOCK_PARA && b->u.para)
            fs_pdf_layout_para(rc, b->u.para, width, &body[i]);
        else if (b->kind == FS_BLOCK_TABLE && b->u.table)
            fs_pdf_table_build(rc, b->u.table, rc->left, &tabs[i]);
    }
    fs_pdf_layout_new_page(rc);
    for (size_t i = 0; i < doc->nblocks; i++) {
        const fs_block *b = &doc->blocks[i];

        switch (b->kind) {
        case FS_BLOCK_PARA:
            if (!b->u.para)
                break;
            if (b->u.para->keep_with_next)
                keep_together(rc, body, tabs, i);
            fs_pdf_layout_place_para(rc, &body[i]);
            empty = 0;
            break;
        case FS_BLOCK_TABLE:
            if (!b->u.table)
                break;
            fs_pdf_table_place(rc, &tabs[i]);
            empty = 0;
            break;
        case FS_BLOCK_PAGE_BREAK:
            if (!empty)
                fs_pdf_layout_new_page(rc);
            empty = 1;
            break;
        case FS_BLOCK_DRAWING:      /* a page of its own (fs-doc.h) */
            if (!b->u.drawing)
                break;
            if (!empty)
                fs_pdf_layout_new_page(rc);
            rc->pages[fs_pdf_layout_cur_page(rc)].draw = fs_pdf_drawing_new(
                b->u.drawing, rc->fs, rc->pf, rc->diags, doc->source_file);
            rc->y = rc->bottom;
            empty = 0;
            break;
        }
    }
    for (size_t i = 0; i < doc->nblocks; i++) {
        if (doc->blocks[i].kind == FS_BLOCK_PARA && doc->blocks[i].u.para)
            fs_pdf_layout_para_free(&body[i]);
        else if (doc->blocks[i].kind == FS_BLOCK_TABLE && doc->blocks[i].u.table)
            fs_pdf_table_free(&tabs[i]);
    }
    free(body);
    free(tabs);
}

/* Adds the GB/T 9704 page number "— N —" to every page (N counts from
 * the document's page_offset + 1): 4号 song, its
 * dashes 7 mm below the text block, on odd pages ending one character in
 * from the block's right edge, on even pages starting one character in
 * from its left edge. */
static void layout_pagenums(rctx *rc)
{
    for (size_t i = 0; i < rc->npages; i++) {
        char text[64];
        fs_run run = { text, FS_ROLE_SONG, FS_PT_HAO4, 0, 0 };
        fs_para p = { &run, 1, FS_ALIGN_LEFT, 0, 0, 0, 1.0, 0, FS_PARA_BODY };
        play pl;
        double x, base = rc->bottom + 7 * MM + DASH_RISE * FS_PT_HAO4;

        size_t n = i + 1 + (size_t)(rc->doc->page_offset > 0 ? rc->doc->page_offset : 0);

        snprintf(text, sizeof text, "\xE2\x80\x94 %zu \xE2\x80\x94", n);
        fs_pdf_layout_para(rc, &p, rc->pw, &pl);
        if (n % 2)
            x = rc->right - FS_PT_HAO4 - pl.l[0].width;
        else
            x = rc->left + FS_PT_HAO4;
        fs_pdf_layout_line(rc, i, &pl, 0, x, base - pl.base);
        fs_pdf_layout_para_free(&pl);
    }
}

/* Sets the running head (fs_doc.running: the branch's name and the form,
 * small) above the text block of every page but the first, its last line
 * 4 mm above the block, so that loose pages can be matched. */
static void layout_running(rctx *rc)
{
    const fs_cell *run = rc->doc->running;
    play *pl;
    double h = 0;

    if (!run || !run->nparas || rc->npages < 2)
        return;
    pl = fs_xcalloc(run->nparas, sizeof *pl);
    for (size_t k = 0; k < run->nparas; k++) {
        fs_pdf_layout_para(rc, &run->paras[k], rc->right - rc->left, &pl[k]);
        h += (double)pl[k].nl * pl[k].pitch;
    }
    for (size_t i = 1; i < rc->npages; i++) {
        double y = rc->top - 4 * MM - h;

        for (size_t k = 0; k < run->nparas; k++)
            for (size_t li = 0; li < pl[k].nl; li++, y += pl[k].pitch)
                fs_pdf_layout_line(rc, i, &pl[k], li, rc->left, y);
    }
    for (size_t k = 0; k < run->nparas; k++)
        fs_pdf_layout_para_free(&pl[k]);
    free(pl);
}

/* ------------------------------------------------------------------------
 * Drawing.
 * ---------------------------------------------------------------------- */

/* Orders rules by thickness, direction, line and start. */
static int seg_cmp(const void *a, const void *b)
{
    const seg *x = a, *y = b;

    if (!fs_exact_eq(x->w, y->w))
        return x->w < y->w ? -1 : 1;
    if (x->vertical != y->vertical)
        return x->vertical - y->vertical;
    if (!fs_exact_eq(x->at, y->at))
        return x->at < y->at ? -1 : 1;
    if (!fs_exact_eq(x->a, y->a))
        return x->a < y->a ? -1 : 1;
    return (x->b > y->b) - (x->b < y->b);
}

/* Strokes the rules of page P on PAGE, joined where they meet or overlap
 * on one line so that shared cell edges are drawn once.  Square caps close
 * the corners. */
static void draw_rules(const rctx *rc, dpage *p, HPDF_Page page)
{
    double cur_w = -1;

    if (!p->nsg)
        return;
    qsort(p->sg, p->nsg, sizeof *p->sg, seg_cmp);
    HPDF_Page_SetLineCap(page, HPDF_PROJECTING_SCUARE_END);
    for (size_t i = 0; i < p->nsg;) {
        seg s = p->sg[i++];

        while (i < p->nsg && fs_exact_eq(p->sg[i].w, s.w) && p->sg[i].vertical == s.vertical &&
               fs_exact_eq(p->sg[i].at, s.at) && p->sg[i].a <= s.b + 1e-3) {
            s.b = dmax(s.b, p->sg[i].b);
            i++;
        }
        if (!fs_exact_eq(s.w, cur_w)) {
            if (cur_w >= 0)
                HPDF_Page_Stroke(page);
            HPDF_Page_SetLineWidth(page, (HPDF_REAL)s.w);
            cur_w = s.w;
        }
        if (s.vertical) {
            HPDF_Page_MoveTo(page, (HPDF_REAL)s.at, (HPDF_REAL)(rc->ph - s.a));
            HPDF_Page_LineTo(page, (HPDF_REAL)s.at, (HPDF_REAL)(rc->ph - s.b));
        } else {
            HPDF_Page_MoveTo(page, (HPDF_REAL)s.a, (HPDF_REAL)(rc->ph - s.at));
            HPDF_Page_LineTo(page, (HPDF_REAL)s.b, (HPDF_REAL)(rc->ph - s.at));
        }
    }
    HPDF_Page_Stroke(page);
}

/* Writes the spans of page P on PAGE in one text object, setting font,
 * spacing and the fake-bold outline only when they change. */
static void draw_text(const rctx *rc, const dpage *p, HPDF_Page page)
{
    int face = -2, bold = 0;
    double size = -1, cs = 0;

    if (!p->nsp)
        return;
    HPDF_Page_BeginText(page);
    for (size_t i = 0; i < p->nsp; i++) {
        const dspan *s = &p->sp[i];
        HPDF_Font font = fs_pdf_fonts_get(rc->pf, s->face);
        char *text;

        if (!font)
            continue;
        if (s->face != face || !fs_exact_eq(s->size, size)) {
            HPDF_Page_SetFontAndSize(page, font, (HPDF_REAL)s->size);
            face = s->face;
            size = s->size;
        }
        if (!fs_exact_eq(s->cs, cs)) {
            HPDF_Page_SetCharSpace(page, (HPDF_REAL)s->cs);
            cs = s->cs;
        }
        if (s->bold != bold) {
            HPDF_Page_SetTextRenderingMode(page, s->bold ? HPDF_FILL_THEN_STROKE
                                                         : HPDF_FILL);
            if (s->bold)
                HPDF_Page_SetLineWidth(page, (HPDF_REAL)(s->size * BOLD_STROKE));
            bold = s->bold;
        }
        HPDF_Page_SetTextMatrix(page, 1, 0, 0, 1, (HPDF_REAL)s->x,
                                (HPDF_REAL)(rc->ph - s->y));
        text = fs_pdf_fonts_encode(rc->pf, s->face, rc->cps + s->c0, s->n);
        HPDF_Page_ShowText(page, text);
        free(text);
    }
    HPDF_Page_EndText(page);
}

/* Sets the Info entry KEY of PDF to the UTF-8 text VALUE as a UTF-16BE
 * string with a byte order mark (libharu 2.3.0 writes its own strings in
 * PDFDocEncoding, which garbles Chinese).  NULL or "" sets nothing. */
static void set_info(HPDF_Doc pdf, HPDF_InfoType type, const char *key,
                     const char *value)
{
    unsigned char *b;
    size_t n = 2;
    const char *s = value;

    if (!value || !*value)
        return;
    /* Creates the Info dictionary (libharu has no other public way). */
    if (HPDF_SetInfoAttr(pdf, type, "") != HPDF_OK || !pdf->info)
        return;
    b = fs_xmalloc(4 * strlen(value) + 2);
    b[0] = 0xFE;
    b[1] = 0xFF;
    while (*s) {
        uint32_t cp = fs_utf8_next(&s);

        if (cp >= 0x10000) {
            uint32_t v = cp - 0x10000, hi = 0xD800 + (v >> 10), lo = 0xDC00 + (v & 0x3FF);

            b[n++] = (unsigned char)(hi >> 8);
            b[n++] = (unsigned char)hi;
            b[n++] = (unsigned char)(lo >> 8);
            b[n++] = (unsigned char)lo;
        } else {
            b[n++] = (unsigned char)(cp >> 8);
            b[n++] = (unsigned char)cp;
        }
    }
    HPDF_Dict_Add(pdf->info, key, HPDF_Binary_New(pdf->mmgr, b, (HPDF_UINT)n));
    free(b);
}

/* HPDF_Error_Handler: keeps the first error and returns. */
static void HPDF_STDCALL on_error(HPDF_STATUS code, HPDF_STATUS detail, void *data)
{
    herr *e = data;

    if (!e->code) {
        e->code = code;
        e->detail = detail;
    }
}

/* Copies the saved PDF out of libharu's stream into *OUT / *OUTLEN. */
static int read_pdf(HPDF_Doc pdf, unsigned char **out, size_t *outlen)
{
    HPDF_UINT32 size = HPDF_GetStreamSize(pdf), got = 0;
    unsigned char *buf = fs_xmalloc(size ? size : 1);

    HPDF_ResetStream(pdf);
    while (got < size) {
        HPDF_UINT32 n = size - got;
        HPDF_STATUS st = HPDF_ReadFromStream(pdf, buf + got, &n);

        got += n;
        if (st == HPDF_STREAM_EOF || n == 0)
            break;
        if (st != HPDF_OK) {
            free(buf);
            return -1;
        }
    }
    if (got != size) {
        free(buf);
        return -1;
    }
    *out = buf;
    *outlen = size;
    return 0;
}

/* See fs-pdf.h. */
fs_error fs_pdf_render(const fs_doc *doc, const fs_fontset *fonts,
                       const fs_pdf_options *opt, fs_diags *diags,
                       unsigned char **out, size_t *outlen)
{
    rctx rc;
    herr he = { 0, 0 };
    HPDF_Doc pdf = NULL;
    fs_error err = FS_E_PDF;
    const fs_page_setup *ps = &doc->page;

    *out = NULL;
    *outlen = 0;
    memset(&rc, 0, sizeof rc);
    rc.doc = doc;
    rc.fs = fonts;
    rc.diags = diags;
    rc.pw = (ps->width > 0 && ps->width <= 5000 ? ps->width : 210.0) * MM;
    rc.ph = (ps->height > 0 && ps->height <= 5000 ? ps->height : 297.0) * MM;
    rc.left = ps->left * MM;
    rc.right = rc.pw - ps->right * MM;
    rc.top = ps->top * MM;
    rc.bottom = rc.ph - ps->bottom * MM;
    if (!(rc.right - rc.left >= 36) || !(rc.bottom - rc.top >= 36) ||
        !(ps->left >= 0) || !(ps->right >= 0) || !(ps->top >= 0) ||
        !(ps->bottom >= 0)) {
        char m[4][32];

        fs_diags_add(diags, doc->source_file, 0, FS_ERROR,
                     "页面设置有误：版心太小（页边距上 %s、下 %s、左 %s、右 %s mm）",
                     mm_text(m[0], ps->top), mm_text(m[1], ps->bottom),
                     mm_text(m[2], ps->left), mm_text(m[3], ps->right));
        return FS_E_PDF;
    }
    rc.pf = fs_pdf_fonts_new(fonts);

    layout_body(&rc);
    if (ps->pagenum == FS_PAGENUM_GBT9704)
        layout_pagenums(&rc);
    layout_running(&rc);

    pdf = HPDF_New(on_error, &he);
    if (!pdf) {
        fs_diags_add(diags, doc->source_file, 0, FS_ERROR, "libharu 无法创建文档");
        err = FS_E_NOMEM;
        goto done;
    }
    HPDF_SetCompressionMode(pdf, HPDF_COMP_ALL);
    err = fs_pdf_fonts_embed(rc.pf, pdf, diags);
    if (err != FS_OK)
        goto done;
    err = FS_E_PDF;
    set_info(pdf, HPDF_INFO_TITLE, "Title", doc->title);
    set_info(pdf, HPDF_INFO_AUTHOR, "Author", doc->author);
    set_info(pdf, HPDF_INFO_SUBJECT, "Subject", doc->subject);
    set_info(pdf, HPDF_INFO_CREATOR, "Creator", doc->creator);
    set_info(pdf, HPDF_INFO_KEYWORDS, "Keywords", doc->keywords);
    for (size_t i = 0; i < rc.npages && !he.code; i++) {
        HPDF_Page page = HPDF_AddPage(pdf);

        if (!page)
            break;
        HPDF_Page_SetWidth(page, (HPDF_REAL)rc.pw);
        HPDF_Page_SetHeight(page, (HPDF_REAL)rc.ph);
        if (rc.pages[i].draw)
            fs_pdf_drawing_draw(rc.pages[i].draw, page, rc.ph);
        draw_rules(&rc, &rc.pages[i], page);
        draw_text(&rc, &rc.pages[i], page);
    }
    if (!he.code && fs_pdfa_apply(pdf, doc, opt ? opt->pdfa : NULL, diags) != FS_OK)
        goto done;
    if (!he.code) {
        fs_pdf_deflate_streams(pdf);    /* else libharu deflates them */
        HPDF_SaveToStream(pdf);
    }
    if (he.code) {
        fs_diags_add(diags, doc->source_file, 0, FS_ERROR,
                     "libharu 出错：错误码 0x%04lX，详情 %lu",
                     (unsigned long)he.code, (unsigned long)he.detail);
        goto done;
    }
    if (read_pdf(pdf, out, outlen) < 0) {
        fs_diags_add(diags, doc->source_file, 0, FS_ERROR,
                     "无法读出 libharu 生成的 PDF");
        goto done;
    }
    err = FS_OK;
done:
    if (pdf)
        HPDF_Free(pdf);
    fs_pdf_fonts_free(rc.pf);
    for (size_t i = 0; i < rc.npages; i++) {
        free(rc.pages[i].sp);
        free(rc.pages[i].sg);
        fs_pdf_drawing_free(rc.pages[i].draw);
    }
    free(rc.pages);
    free(rc.cps);
    free(rc.warn);
    return err;
}
