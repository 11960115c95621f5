/*
 * fs-docx-styles.c - word/styles.xml: document defaults (latin and song
 * fonts, Chinese language, no automatic spacing between Chinese and Latin
 * text, which the PDF does not add either), Normal, the default table
 * style, and the form's named paragraph styles: 附件标识 (the 附件N label),
 * 文件标题 (the title), 表格文字 (table text) and 叙述正文 (narrative).
 * Each named style takes its layout from the first paragraph of that kind
 * and the most common font, size and weight of its text, so runs name
 * only what differs and an office that restyles one changes them all.
 */
#include "fs-docx-private.h"

#include <stdlib.h>

struct fs_docx_styles {
    const fs_docx_ctx *c;
};

/* A styles writer for C; free with fs_docx_styles_free. */
fs_docx_styles *fs_docx_styles_new(const fs_docx_ctx *c)
{
    fs_docx_styles *self = fs_xcalloc(1, sizeof *self);

    self->c = c;
    return self;
}

/* Frees SELF; NULL is fine. */
void fs_docx_styles_free(fs_docx_styles *self)
{
    free(self);
}

/* Write the <w:rPrDefault> element: song for Chinese, 五号. */
static void write_w_rPrDefault(fs_dx *x, const fs_docx_ctx *c)
{
    fs_dx_start(x, "w:rPrDefault");
    fs_dx_start(x, "w:rPr");
    fs_docx_write_rfonts(x, c, c->role_font[FS_ROLE_SONG]);
    fs_dx_val_int(x, "w:sz", fs_dx_hps(FS_PT_HAO5));
    fs_dx_val_int(x, "w:szCs", fs_dx_hps(FS_PT_HAO5));
    fs_dx_start(x, "w:lang");
    fs_dx_attr(x, "w:val", "en-US");
    fs_dx_attr(x, "w:eastAsia", "zh-CN");
    fs_dx_attr(x, "w:bidi", "ar-SA");
    fs_dx_end(x);
    fs_dx_end(x);
    fs_dx_end(x);
}

/* Write the <w:pPrDefault> element. */
static void write_w_pPrDefault(fs_dx *x)
{
    fs_dx_start(x, "w:pPrDefault");
    fs_dx_start(x, "w:pPr");
    fs_dx_val_int(x, "w:autoSpaceDE", 0);
    fs_dx_val_int(x, "w:autoSpaceDN", 0);
    fs_dx_start(x, "w:spacing");
    fs_dx_attr_int(x, "w:after", 0);
    fs_dx_attr_int(x, "w:line", 240);
    fs_dx_attr(x, "w:lineRule", "auto");
    fs_dx_end(x);
    fs_dx_end(x);
    fs_dx_end(x);
}

/* Write the <w:docDefaults> element. */
static void write_w_docDefaults(fs_dx *x, const fs_docx_ctx *c)
{
    fs_dx_start(x, "w:docDefaults");
    write_w_rPrDefault(x, c);
    write_w_pPrDefault(x);
    fs_dx_end(x);
}

/* Opens a <w:style> element of TYPE and ID with its <w:name>; DEF marks
 * the default style of its type. */
static void start_w_style(fs_dx *x, const char *type, const char *id,
                          const char *name, int def)
{
    fs_dx_start(x, "w:style");
    fs_dx_attr(x, "w:type", type);
    if (def)
        fs_dx_attr_int(x, "w:default", 1);
    else
        fs_dx_attr_int(x, "w:customStyle", 1);
    fs_dx_attr(x, "w:styleId", id);
    fs_dx_val(x, "w:name", name);
}

/* Write the Normal paragraph style. */
static void write_style_normal(fs_dx *x)
{
    start_w_style(x, "paragraph", "Normal", "Normal", 1);
    fs_dx_empty(x, "w:qFormat");
    fs_dx_start(x, "w:pPr");
    fs_dx_val(x, "w:jc", "both");
    fs_dx_end(x);
    fs_dx_end(x);
}

/* Write the default character style. */
static void write_style_default_font(fs_dx *x)
{
    start_w_style(x, "character", "DefaultParagraphFont",
                  "Default Paragraph Font", 1);
    fs_dx_val_int(x, "w:uiPriority", 1);
    fs_dx_empty(x, "w:semiHidden");
    fs_dx_empty(x, "w:unhideWhenUsed");
    fs_dx_end(x);
}

/* Write the default table style (Word's "Normal Table"). */
static void write_style_table_normal(fs_dx *x)
{
    static const char *const sides[] = {"w:top", "w:left", "w:bottom", "w:right"};

    start_w_style(x, "table", "TableNormal", "Normal Table", 1);
    fs_dx_val_int(x, "w:uiPriority", 99);
    fs_dx_empty(x, "w:semiHidden");
    fs_dx_empty(x, "w:unhideWhenUsed");
    fs_dx_start(x, "w:tblPr");
    fs_dx_start(x, "w:tblInd");
    fs_dx_attr_int(x, "w:w", 0);
    fs_dx_attr(x, "w:type", "dxa");
    fs_dx_end(x);
    fs_dx_start(x, "w:tblCellMar");
    for (size_t i = 0; i < 4; i++) {
        fs_dx_start(x, sides[i]);
        fs_dx_attr_int(x, "w:w", i % 2 ? 108 : 0);
        fs_dx_attr(x, "w:type", "dxa");
        fs_dx_end(x);
    }
    fs_dx_end(x);
    fs_dx_end(x);
    fs_dx_end(x);
}

/* Write one named paragraph style ST: the layout of paragraph P and the
 * style's run look (fs_docx_ctx.style).  Schema order: name, basedOn,
 * next, uiPriority, qFormat, pPr, rPr. */
static void write_style_para(fs_dx *x, const fs_docx_ctx *c, fs_dx_style st,
                             const fs_para *p)
{
    const fs_dx_style_props *sp = &c->style[st];

    start_w_style(x, "paragraph", fs_dx_style_id(st), fs_dx_style_name(st), 0);
    fs_dx_val(x, "w:basedOn", "Normal");
    if (st == FS_DX_ATTACHMENT || st == FS_DX_TITLE)
        fs_dx_val(x, "w:next", fs_dx_style_id(FS_DX_NARRATIVE));
    fs_dx_val_int(x, "w:uiPriority", 10 + (int)st);
    fs_dx_empty(x, "w:qFormat");
    fs_dx_start(x, "w:pPr");
    if (p->keep_with_next)
        fs_dx_empty(x, "w:keepNext");
    fs_docx_write_para_layout(x, p);
    fs_dx_end(x);
    fs_docx_write_rpr(x, c, sp->font, sp->hps / 2.0,
                      sp->bold ? FS_RUN_BOLD : 0, -1);
    fs_dx_end(x);
}

/* Writes the whole part (an fs_dx_write_fn).  A style the document does
 * not use gets the forms template's look. */
void fs_docx_styles_write(const void *vself, fs_dx *x)
{
    const fs_docx_styles *self = vself;
    const fs_docx_ctx *c = self->c;

    fs_dx_decl(x);
    fs_dx_start(x, "w:styles");
    fs_dx_attr(x, "xmlns:w", FS_DX_NS_W);
    fs_dx_attr(x, "xmlns:r", FS_DX_NS_R);
    write_w_docDefaults(x, c);
    write_style_normal(x);
    write_style_default_font(x);
    write_style_table_normal(x);
    for (int st = 0; st < FS_DX_NSTYLES; st++) {
        const fs_para *p = c->style_para[st];
        fs_para def;
        fs_run run;

        fs_dx_style_default((fs_dx_style)st, &def, &run);
        write_style_para(x, c, (fs_dx_style)st, p && p->nruns ? p : &def);
    }
    fs_dx_end(x);
}
