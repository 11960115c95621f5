/*
 * fs-docx-content-types.c - [Content_Types].xml: the media type of every
 * part, by file extension (Default) or by part name (Override).
 */
#include "fs-docx-private.h"

#include <stdlib.h>

typedef struct ct_entry {
    char *key;                  /* extension or part name                */
    char *type;
} ct_entry;

struct fs_docx_content_types {
    ct_entry *defaults, *overrides;
    size_t ndefaults, noverrides;
};

/* A new, empty list: the caller adds every part and frees it with
 * fs_docx_content_types_free. */
fs_docx_content_types *fs_docx_content_types_new(void)
{
    return fs_xcalloc(1, sizeof(fs_docx_content_types));
}

/* Frees SELF; NULL is fine. */
void fs_docx_content_types_free(fs_docx_content_types *self)
{
    if (!self)
        return;
    for (size_t i = 0; i < self->ndefaults; i++) {
        free(self->defaults[i].key);
        free(self->defaults[i].type);
    }
    for (size_t i = 0; i < self->noverrides; i++) {
        free(self->overrides[i].key);
        free(self->overrides[i].type);
    }
    free(self->defaults);
    free(self->overrides);
    free(self);
}

/* Appends KEY and TYPE (copied) to the list V of N entries. */
static void ct_add(ct_entry **v, size_t *n, const char *key, const char *type)
{
    *v = fs_xrealloc(*v, (*n + 1) * sizeof **v);
    (*v)[*n].key = fs_strdup(key);
    (*v)[*n].type = fs_strdup(type);
    (*n)++;
}

/* Declares TYPE for every part whose name ends in ".EXT". */
void fs_docx_content_types_add_default(fs_docx_content_types *self,
                                       const char *ext, const char *type)
{
    ct_add(&self->defaults, &self->ndefaults, ext, type);
}

/* Declares TYPE for the part PART ("/word/document.xml"). */
void fs_docx_content_types_add_override(fs_docx_content_types *self,
                                        const char *part, const char *type)
{
    ct_add(&self->overrides, &self->noverrides, part, type);
}

/* Write the <Default> element. */
static void write_Default(fs_dx *x, const ct_entry *e)
{
    fs_dx_start(x, "Default");
    fs_dx_attr(x, "Extension", e->key);
    fs_dx_attr(x, "ContentType", e->type);
    fs_dx_end(x);
}

/* Write the <Override> element. */
static void write_Override(fs_dx *x, const ct_entry *e)
{
    fs_dx_start(x, "Override");
    fs_dx_attr(x, "PartName", e->key);
    fs_dx_attr(x, "ContentType", e->type);
    fs_dx_end(x);
}

/* Writes the whole part (an fs_dx_write_fn). */
void fs_docx_content_types_write(const void *vself, fs_dx *x)
{
    const fs_docx_content_types *self = vself;

    fs_dx_decl(x);
    fs_dx_start(x, "Types");
    fs_dx_attr(x, "xmlns",
               "http://schemas.openxmlformats.org/package/2006/content-types");
    for (size_t i = 0; i < self->ndefaults; i++)
        write_Default(x, &self->defaults[i]);
    for (size_t i = 0; i < self->noverrides; i++)
        write_Override(x, &self->overrides[i]);
    fs_dx_end(x);
}
