/*
 * fs-docx-fonttable.c - word/fontTable.xml: every font the document names,
 * with the relationship id and obfuscation key of its embedded subset
 * (ECMA-376 Part 1 §17.8.3.3).  w:name is the family name in the font's
 * own name table, which is how Word and LibreOffice match the embedded
 * file to the runs that name it.
 */
#include "fs-docx-private.h"

#include <stdlib.h>

struct fs_docx_fonttable {
    const fs_docx_ctx *c;
    const char *const *rids;    /* per font: embedded file's id or NULL  */
};

/* A fontTable writer for C with the relationship ids RIDS (borrowed, one
 * per font of C); free with fs_docx_fonttable_free. */
fs_docx_fonttable *fs_docx_fonttable_new(const fs_docx_ctx *c,
                                         const char *const *rids)
{
    fs_docx_fonttable *self = fs_xcalloc(1, sizeof *self);

    self->c = c;
    self->rids = rids;
    return self;
}

/* Frees SELF; NULL is fine. */
void fs_docx_fonttable_free(fs_docx_fonttable *self)
{
    free(self);
}

/* Write the <w:embedRegular> element. */
static void write_w_embedRegular(fs_dx *x, const char *rid, const char *key)
{
    fs_dx_start(x, "w:embedRegular");
    fs_dx_attr(x, "r:id", rid);
    fs_dx_attr(x, "w:fontKey", key);
    fs_dx_attr_int(x, "w:subsetted", 1);
    fs_dx_end(x);
}

/* Write the <w:font> element of F.  Schema order: altName, charset,
 * family, pitch, embedRegular. */
static void write_w_font(fs_dx *x, const fs_dx_font *f, const char *rid)
{
    fs_dx_start(x, "w:font");
    fs_dx_attr(x, "w:name", f->name);
    if (f->alt_name)
        fs_dx_val(x, "w:altName", f->alt_name);
    fs_dx_val(x, "w:charset", f->cjk ? "86" : "00");
    fs_dx_val(x, "w:family", f->serif ? "roman" : "swiss");
    fs_dx_val(x, "w:pitch", "variable");
    if (rid && f->odttf)
        write_w_embedRegular(x, rid, f->key);
    fs_dx_end(x);
}

/* Writes the whole part (an fs_dx_write_fn). */
void fs_docx_fonttable_write(const void *vself, fs_dx *x)
{
    const fs_docx_fonttable *self = vself;

    fs_dx_decl(x);
    fs_dx_start(x, "w:fonts");
    fs_dx_attr(x, "xmlns:w", FS_DX_NS_W);
    fs_dx_attr(x, "xmlns:r", FS_DX_NS_R);
    for (size_t i = 0; i < self->c->nfonts; i++)
        write_w_font(x, &self->c->fontv[i], self->rids ? self->rids[i] : NULL);
    fs_dx_end(x);
}
