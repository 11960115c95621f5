/*
 * fs-docx-write.c - the WordprocessingML element writers the parts share:
 * runs (<w:r> with their <w:rPr> and <w:rFonts>, one run per font piece of
 * a text) and the paragraph layout (<w:spacing>, <w:ind>, <w:jc>).  The
 * document body, the footers, the drawings' text boxes and the styles all
 * write through these, so they depend on this file and not on each other.
 */
#include "fs-docx-private.h"

#include <math.h>

/* ------------------------------------------------------------------------
 * Runs.
 * ---------------------------------------------------------------------- */

/* Write the <w:rFonts> element: latin for ASCII, FONT for the rest, and
 * the hint that sends ambiguous characters (“ ” — ·) to FONT too. */
void fs_docx_write_rfonts(fs_dx *x, const fs_docx_ctx *c, int font)
{
    const char *latin = c->fontv[c->latin].name;

    fs_dx_start(x, "w:rFonts");
    fs_dx_attr(x, "w:ascii", latin);
    fs_dx_attr(x, "w:hAnsi", latin);
    fs_dx_attr(x, "w:eastAsia", c->fontv[font].name);
    fs_dx_attr(x, "w:hint", "eastAsia");
    fs_dx_end(x);
}

/* Write the <w:sz> and <w:szCs> elements (half-points). */
void fs_docx_write_sz(fs_dx *x, double size)
{
    fs_dx_val_int(x, "w:sz", fs_dx_hps(size));
    fs_dx_val_int(x, "w:szCs", fs_dx_hps(size));
}

/* Write the <w:spacing> of a 1-point line with no space around it (the
 * thin paragraph between two tables, the paragraph holding a drawing). */
void fs_docx_write_thin_spacing(fs_dx *x)
{
    fs_dx_start(x, "w:spacing");
    fs_dx_attr_int(x, "w:before", 0);
    fs_dx_attr_int(x, "w:after", 0);
    fs_dx_attr_int(x, "w:line", 20);
    fs_dx_attr(x, "w:lineRule", "exact");
    fs_dx_end(x);
}

/* Write the <w:rPr> element (see fs-docx-private.h).  Schema order:
 * rFonts, b, bCs, sz, szCs, u. */
void fs_docx_write_rpr(fs_dx *x, const fs_docx_ctx *c, int font, double size,
                       unsigned flags, int st)
{
    const fs_dx_style_props *sp = st >= 0 && st < FS_DX_NSTYLES
        ? &c->style[st] : NULL;
    int bold = (flags & FS_RUN_BOLD) != 0;
    int w_font = !sp || sp->font != font;
    int w_bold = sp ? bold != sp->bold : bold;
    int w_size = !sp || sp->hps != fs_dx_hps(size);
    int w_u = (flags & FS_RUN_UNDERLINE) != 0;

    if (!w_font && !w_bold && !w_size && !w_u)
        return;
    fs_dx_start(x, "w:rPr");
    if (w_font)
        fs_docx_write_rfonts(x, c, font);
    if (w_bold && bold) {
        fs_dx_empty(x, "w:b");
        fs_dx_empty(x, "w:bCs");
    } else if (w_bold) {
        fs_dx_val_int(x, "w:b", 0);
        fs_dx_val_int(x, "w:bCs", 0);
    }
    if (w_size)
        fs_docx_write_sz(x, size);
    if (w_u)
        fs_dx_val(x, "w:u", "single");
    fs_dx_end(x);
}

/* Write the <w:t> element for the N bytes at S (spaces kept). */
static void write_w_t(fs_dx *x, const char *s, size_t n)
{
    fs_dx_start(x, "w:t");
    fs_dx_attr(x, "xml:space", "preserve");
    fs_dx_text(x, s, n);
    fs_dx_end(x);
}

/* Write the <w:r> element: the N bytes at S in FONT, SIZE and FLAGS; a
 * tab becomes <w:tab/> and a newline <w:br/>. */
static void write_w_r(fs_dx *x, const fs_docx_ctx *c, const char *s, size_t n,
                      int font, double size, unsigned flags, int st)
{
    const char *end = s + n;

    fs_dx_start(x, "w:r");
    fs_docx_write_rpr(x, c, font, size, flags, st);
    while (s < end) {
        size_t k = 0;

        while (s + k < end && s[k] != '\t' && s[k] != '\n')
            k++;
        if (k)
            write_w_t(x, s, k);
        if (s + k < end)
            fs_dx_empty(x, s[k] == '\t' ? "w:tab" : "w:br");
        s += k + (s + k < end);
    }
    fs_dx_end(x);
}

/* See fs-docx-private.h. */
void fs_docx_write_text_runs(fs_dx *x, const fs_docx_ctx *c, const char *text,
                             fs_font_role role, double size, unsigned flags,
                             int st)
{
    const char *s = text;

    while (*s) {
        int font;
        size_t n = fs_docx_ctx_segment(c, role, s, &font);

        write_w_r(x, c, s, n, font, size, flags, st);
        s += n;
    }
}

/* ------------------------------------------------------------------------
 * Paragraph layout.
 * ---------------------------------------------------------------------- */

/* The largest run size of P in points, 0 without runs. */
double fs_docx_write_para_size(const fs_para *p)
{
    double m = 0;

    for (size_t i = 0; i < p->nruns; i++)
        if (p->runs[i].size > m)
            m = p->runs[i].size;
    return m;
}

/* Write the <w:spacing> element: before and after in twips, and the line
 * pitch at least LINE_SPACING times the largest size (as the PDF sets it):
 * "atLeast" rather than "exact", so that a clerk who raises the type size
 * gets taller lines instead of clipped characters. */
static void write_w_spacing(fs_dx *x, const fs_para *p)
{
    double size = fs_docx_write_para_size(p);

    fs_dx_start(x, "w:spacing");
    fs_dx_attr_int(x, "w:before", fs_dx_mm(p->space_before));
    fs_dx_attr_int(x, "w:after", fs_dx_mm(p->space_after));
    if (p->line_spacing > 0 && size > 0) {
        fs_dx_attr_int(x, "w:line", fs_dx_pt(p->line_spacing * size));
        fs_dx_attr(x, "w:lineRule", "atLeast");
    } else {
        fs_dx_attr_int(x, "w:line", 240);
        fs_dx_attr(x, "w:lineRule", "auto");
    }
    fs_dx_end(x);
}

/* Write the <w:ind> element: a first-line indent of INDENT_CHARS
 * characters (w:firstLineChars, hundredths) and the same in twips for
 * applications that ignore character units. */
static void write_w_ind(fs_dx *x, const fs_para *p)
{
    double size = p->nruns ? p->runs[0].size : 0;

    fs_dx_start(x, "w:ind");
    fs_dx_attr_int(x, "w:firstLineChars", lround(p->indent_chars * 100));
    fs_dx_attr_int(x, "w:firstLine", fs_dx_pt(p->indent_chars * size));
    fs_dx_end(x);
}

/* The w:jc value of A. */
static const char *jc_value(fs_align a)
{
    switch (a) {
    case FS_ALIGN_CENTER: return "center";
    case FS_ALIGN_RIGHT: return "right";
    case FS_ALIGN_JUSTIFY: return "both";
    case FS_ALIGN_LEFT: break;
    }
    return "left";
}

/* Write the <w:jc> element. */
static void write_w_jc(fs_dx *x, fs_align a)
{
    fs_dx_val(x, "w:jc", jc_value(a));
}

/* See fs-docx-private.h: spacing, ind (when indented) and jc of P. */
void fs_docx_write_para_layout(fs_dx *x, const fs_para *p)
{
    write_w_spacing(x, p);
    if (p->indent_chars > 0)
        write_w_ind(x, p);
    write_w_jc(x, p->align);
}

