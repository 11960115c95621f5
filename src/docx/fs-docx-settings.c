/*
 * fs-docx-settings.c - word/settings.xml: embedded fonts kept on save
 * (as subsets), different odd and even footers for the page numbers, no
 * compression of Chinese punctuation (the PDF does not compress it),
 * Word 2013 layout (compatibility mode 15) and '.' as decimal symbol.
 */
#include "fs-docx-private.h"

#include <stdlib.h>

struct fs_docx_settings {
    int embedded;               /* some font file is embedded            */
    int even_odd;               /* page numbers: odd right, even left    */
};

/* A settings writer for C; free with fs_docx_settings_free. */
fs_docx_settings *fs_docx_settings_new(const fs_docx_ctx *c)
{
    fs_docx_settings *self = fs_xcalloc(1, sizeof *self);

    for (size_t i = 0; i < c->nfonts; i++)
        if (c->fontv[i].odttf)
            self->embedded = 1;
    self->even_odd = c->doc->page.pagenum != FS_PAGENUM_NONE;
    return self;
}

/* Frees SELF; NULL is fine. */
void fs_docx_settings_free(fs_docx_settings *self)
{
    free(self);
}

/* Write the <w:zoom> element. */
static void write_w_zoom(fs_dx *x)
{
    fs_dx_start(x, "w:zoom");
    fs_dx_attr_int(x, "w:percent", 100);
    fs_dx_end(x);
}

/* Write the <w:compat> element: underline trailing spaces too (a blank
 * for the pen at the end of a line is underlined, as in the PDF), and
 * Word 2013 layout. */
static void write_w_compat(fs_dx *x)
{
    fs_dx_start(x, "w:compat");
    fs_dx_empty(x, "w:ulTrailSpace");
    fs_dx_start(x, "w:compatSetting");
    fs_dx_attr(x, "w:name", "compatibilityMode");
    fs_dx_attr(x, "w:uri", "http://schemas.microsoft.com/office/word");
    fs_dx_attr(x, "w:val", "15");
    fs_dx_end(x);
    fs_dx_end(x);
}

/* Write the <w:themeFontLang> element. */
static void write_w_themeFontLang(fs_dx *x)
{
    fs_dx_start(x, "w:themeFontLang");
    fs_dx_attr(x, "w:val", "en-US");
    fs_dx_attr(x, "w:eastAsia", "zh-CN");
    fs_dx_end(x);
}

/* Writes the whole part (an fs_dx_write_fn), children in the order of
 * CT_Settings. */
void fs_docx_settings_write(const void *vself, fs_dx *x)
{
    const fs_docx_settings *self = vself;

    fs_dx_decl(x);
    fs_dx_start(x, "w:settings");
    fs_dx_attr(x, "xmlns:w", FS_DX_NS_W);
    write_w_zoom(x);
    if (self->embedded) {
        fs_dx_empty(x, "w:embedTrueTypeFonts");
        fs_dx_empty(x, "w:saveSubsetFonts");
    }
    fs_dx_val_int(x, "w:defaultTabStop", 420);
    if (self->even_odd)
        fs_dx_empty(x, "w:evenAndOddHeaders");
    fs_dx_val(x, "w:characterSpacingControl", "doNotCompress");
    write_w_compat(x);
    write_w_themeFontLang(x);
    fs_dx_val(x, "w:decimalSymbol", ".");
    fs_dx_val(x, "w:listSeparator", ",");
    fs_dx_end(x);
}
