/*
 * fs-docx-footer.c - word/footer1.xml and footer2.xml: the page number as
 * GB/T 9704 prints it and the PDF draws it: "— N —" in 4号 song, the top of
 * its line 7 mm below the text block, on odd pages at the right and on
 * even pages at the left, one character in from the edge of the text
 * block.  N is a PAGE field, so Word renumbers as the text changes.
 */
#include "fs-docx-private.h"

#include <stdlib.h>
#include <string.h>

struct fs_docx_footer {
    const fs_docx_ctx *c;
    int even;
};

/* A footer writer for C, for even pages when EVEN; free with
 * fs_docx_footer_free. */
fs_docx_footer *fs_docx_footer_new(const fs_docx_ctx *c, int even)
{
    fs_docx_footer *self = fs_xcalloc(1, sizeof *self);

    self->c = c;
    self->even = even;
    return self;
}

/* Frees SELF; NULL is fine. */
void fs_docx_footer_free(fs_docx_footer *self)
{
    free(self);
}

/* See fs-docx-private.h.  Word puts the bottom of the footer at this
 * distance from the page's edge; the number's line is exactly 4号 high. */
long fs_docx_footer_distance(const fs_page_setup *page)
{
    long d = fs_dx_mm(page->bottom - 7.0) - fs_dx_pt(FS_DX_PAGENUM_PT);

    return d > 0 ? d : 0;
}

/* Write the footer paragraph's <w:pPr>: exact line, the indent of one
 * character on the outer side, alignment to that side. */
static void write_footer_pPr(fs_dx *x, const fs_docx_ctx *c, int even)
{
    fs_dx_start(x, "w:pPr");
    fs_dx_start(x, "w:spacing");
    fs_dx_attr_int(x, "w:before", 0);
    fs_dx_attr_int(x, "w:after", 0);
    fs_dx_attr_int(x, "w:line", fs_dx_pt(FS_DX_PAGENUM_PT));
    fs_dx_attr(x, "w:lineRule", "exact");
    fs_dx_end(x);
    fs_dx_start(x, "w:ind");
    fs_dx_attr_int(x, even ? "w:left" : "w:right", fs_dx_pt(FS_DX_PAGENUM_PT));
    fs_dx_end(x);
    fs_dx_val(x, "w:jc", even ? "left" : "right");
    fs_docx_write_rpr(x, c, c->role_font[FS_ROLE_SONG], FS_DX_PAGENUM_PT, 0, -1);
    fs_dx_end(x);
}

/* Write a <w:r> holding a <w:fldChar> of TYPE (begin, separate, end). */
static void write_w_fldChar(fs_dx *x, const fs_docx_ctx *c, const char *type)
{
    fs_dx_start(x, "w:r");
    fs_docx_write_rpr(x, c, c->role_font[FS_ROLE_SONG], FS_DX_PAGENUM_PT, 0, -1);
    fs_dx_start(x, "w:fldChar");
    fs_dx_attr(x, "w:fldCharType", type);
    fs_dx_end(x);
    fs_dx_end(x);
}

/* Write a <w:r> holding the field instruction or result TEXT in element
 * NAME (w:instrText, w:t). */
static void write_field_run(fs_dx *x, const fs_docx_ctx *c, const char *name,
                            const char *text)
{
    fs_dx_start(x, "w:r");
    fs_docx_write_rpr(x, c, c->role_font[FS_ROLE_SONG], FS_DX_PAGENUM_PT, 0, -1);
    fs_dx_start(x, name);
    fs_dx_attr(x, "xml:space", "preserve");
    fs_dx_text(x, text, strlen(text));
    fs_dx_end(x);
    fs_dx_end(x);
}

/* Write the footer's <w:p>: "— ", the PAGE field (result 1), " —". */
static void write_footer_p(fs_dx *x, const fs_docx_ctx *c, int even)
{
    fs_dx_start(x, "w:p");
    write_footer_pPr(x, c, even);
    fs_docx_write_text_runs(x, c, FS_DX_PAGENUM_LEFT, FS_ROLE_SONG,
                            FS_DX_PAGENUM_PT, 0, -1);
    write_w_fldChar(x, c, "begin");
    write_field_run(x, c, "w:instrText", " PAGE ");
    write_w_fldChar(x, c, "separate");
    write_field_run(x, c, "w:t", even ? "2" : "1");
    write_w_fldChar(x, c, "end");
    fs_docx_write_text_runs(x, c, FS_DX_PAGENUM_RIGHT, FS_ROLE_SONG,
                            FS_DX_PAGENUM_PT, 0, -1);
    fs_dx_end(x);
}

/* Writes the whole part (an fs_dx_write_fn). */
void fs_docx_footer_write(const void *vself, fs_dx *x)
{
    const fs_docx_footer *self = vself;

    fs_dx_decl(x);
    fs_dx_start(x, "w:ftr");
    fs_dx_attr(x, "xmlns:w", FS_DX_NS_W);
    fs_dx_attr(x, "xmlns:r", FS_DX_NS_R);
    write_footer_p(x, self->c, self->even);
    fs_dx_end(x);
}
