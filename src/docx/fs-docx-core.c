/*
 * fs-docx-core.c - docProps/core.xml: title, subject, author, keywords and
 * language of the document.  No dates: they would make two renders of the
 * same input differ (dcterms:created and modified are optional).
 */
#include "fs-docx-private.h"

#include <stdlib.h>

struct fs_docx_core {
    const fs_doc *doc;
};

/* A core properties writer for DOC; free with fs_docx_core_free. */
fs_docx_core *fs_docx_core_new(const fs_doc *doc)
{
    fs_docx_core *self = fs_xcalloc(1, sizeof *self);

    self->doc = doc;
    return self;
}

/* Frees SELF; NULL is fine. */
void fs_docx_core_free(fs_docx_core *self)
{
    free(self);
}

/* Write the element NAME with TEXT, unless TEXT is NULL or empty. */
static void write_property(fs_dx *x, const char *name, const char *text)
{
    if (text && *text)
        fs_dx_element(x, name, text);
}

/* Writes the whole part (an fs_dx_write_fn).  dc:creator is the author
 * (the party organisation), else the program. */
void fs_docx_core_write(const void *vself, fs_dx *x)
{
    const fs_doc *doc = ((const fs_docx_core *)vself)->doc;

    fs_dx_decl(x);
    fs_dx_start(x, "cp:coreProperties");
    fs_dx_attr(x, "xmlns:cp",
               "http://schemas.openxmlformats.org/package/2006/metadata/core-properties");
    fs_dx_attr(x, "xmlns:dc", "http://purl.org/dc/elements/1.1/");
    fs_dx_attr(x, "xmlns:dcterms", "http://purl.org/dc/terms/");
    fs_dx_attr(x, "xmlns:dcmitype", "http://purl.org/dc/dcmitype/");
    fs_dx_attr(x, "xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance");
    write_property(x, "dc:title", doc->title);
    write_property(x, "dc:subject", doc->subject);
    write_property(x, "dc:creator", doc->author && *doc->author
                   ? doc->author : doc->creator);
    write_property(x, "cp:keywords", doc->keywords);
    write_property(x, "cp:lastModifiedBy", doc->creator);
    write_property(x, "dc:language", "zh-CN");
    fs_dx_end(x);
}
