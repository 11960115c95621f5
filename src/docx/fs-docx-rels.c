/*
 * fs-docx-rels.c - a relationships part (_rels/.rels,
 * word/_rels/document.xml.rels, word/_rels/fontTable.xml.rels): the
 * relationships of one source part, numbered rId1, rId2, … as added.
 */
#include "fs-docx-private.h"

#include <stdlib.h>

typedef struct rel {
    char id[16];
    char *type;                 /* full relationship type URI            */
    char *target;               /* relative to the source part's folder  */
} rel;

struct fs_docx_rels {
    rel **v;                    /* each allocated alone: ids stay put    */
    size_t n;
};

/* A new, empty relationships part; free with fs_docx_rels_free. */
fs_docx_rels *fs_docx_rels_new(void)
{
    return fs_xcalloc(1, sizeof(fs_docx_rels));
}

/* Frees SELF and the ids it handed out; NULL is fine. */
void fs_docx_rels_free(fs_docx_rels *self)
{
    if (!self)
        return;
    for (size_t i = 0; i < self->n; i++) {
        free(self->v[i]->type);
        free(self->v[i]->target);
        free(self->v[i]);
    }
    free(self->v);
    free(self);
}

/* See fs-docx-private.h.  The id stays valid until SELF is freed. */
const char *fs_docx_rels_add(fs_docx_rels *self, const char *type,
                             const char *target)
{
    rel *r;

    self->v = fs_xrealloc(self->v, (self->n + 1) * sizeof *self->v);
    r = self->v[self->n++] = fs_xcalloc(1, sizeof *r);
    snprintf(r->id, sizeof r->id, "rId%zu", self->n);
    r->type = fs_strdup(type);
    r->target = fs_strdup(target);
    return r->id;
}

/* Write the <Relationship> element. */
static void write_Relationship(fs_dx *x, const rel *r)
{
    fs_dx_start(x, "Relationship");
    fs_dx_attr(x, "Id", r->id);
    fs_dx_attr(x, "Type", r->type);
    fs_dx_attr(x, "Target", r->target);
    fs_dx_end(x);
}

/* Writes the whole part (an fs_dx_write_fn). */
void fs_docx_rels_write(const void *vself, fs_dx *x)
{
    const fs_docx_rels *self = vself;

    fs_dx_decl(x);
    fs_dx_start(x, "Relationships");
    fs_dx_attr(x, "xmlns",
               "http://schemas.openxmlformats.org/package/2006/relationships");
    for (size_t i = 0; i < self->n; i++)
        write_Relationship(x, self->v[i]);
    fs_dx_end(x);
}
