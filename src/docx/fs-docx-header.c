/*
 * fs-docx-header.c - word/header1.xml and header2.xml: the running head
 * of a form (fs_doc.running: the branch's name and the form, small, at
 * the right) on every page but the first, as the PDF sets it above the
 * text block, so that loose pages can be matched; and the first page's
 * header, which is empty (the section has w:titlePg).
 */
#include "fs-docx-private.h"

#include <stdlib.h>
#include <string.h>

struct fs_docx_header {
    const fs_docx_ctx *c;
    const fs_cell *running;     /* NULL: the empty first-page header      */
};

/* A header writer for C showing RUNNING (borrowed; NULL for an empty
 * header); free with fs_docx_header_free. */
fs_docx_header *fs_docx_header_new(const fs_docx_ctx *c, const fs_cell *running)
{
    fs_docx_header *self = fs_xcalloc(1, sizeof *self);

    self->c = c;
    self->running = running;
    return self;
}

/* Frees SELF; NULL is fine. */
void fs_docx_header_free(fs_docx_header *self)
{
    free(self);
}

/* Write one <w:p> of the running head: P's layout and its runs. */
static void write_header_p(fs_dx *x, const fs_docx_ctx *c, const fs_para *p)
{
    fs_dx_start(x, "w:p");
    fs_dx_start(x, "w:pPr");
    fs_docx_write_para_layout(x, p);
    fs_dx_end(x);
    for (size_t i = 0; i < p->nruns; i++)
        fs_docx_write_text_runs(x, c, p->runs[i].text, p->runs[i].role,
                                p->runs[i].size, p->runs[i].flags, -1);
    fs_dx_end(x);
}

/* Writes the whole part (an fs_dx_write_fn): a w:hdr holding the running
 * head's paragraphs, or one empty paragraph (a header must hold one). */
void fs_docx_header_write(const void *vself, fs_dx *x)
{
    const fs_docx_header *self = vself;
    const fs_cell *run = self->running;

    fs_dx_decl(x);
    fs_dx_start(x, "w:hdr");
    fs_dx_attr(x, "xmlns:w", FS_DX_NS_W);
    fs_dx_attr(x, "xmlns:r", FS_DX_NS_R);
    for (size_t i = 0; run && i < run->nparas; i++)
        write_header_p(x, self->c, &run->paras[i]);
    if (!run || !run->nparas) {
        fs_dx_start(x, "w:p");
        fs_dx_end(x);
    }
    fs_dx_end(x);
}
