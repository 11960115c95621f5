/*
 * fs-docx-app.c - docProps/app.xml: the application that made the file.
 * Page and word counts are left out: Word recomputes them, and only a
 * typesetter knows the pages.
 */
#include "fs-docx-private.h"

#include <stdlib.h>

struct fs_docx_app {
    const fs_doc *doc;
};

/* An extended properties writer for DOC; free with fs_docx_app_free. */
fs_docx_app *fs_docx_app_new(const fs_doc *doc)
{
    fs_docx_app *self = fs_xcalloc(1, sizeof *self);

    self->doc = doc;
    return self;
}

/* Frees SELF; NULL is fine. */
void fs_docx_app_free(fs_docx_app *self)
{
    free(self);
}

/* Writes the whole part (an fs_dx_write_fn). */
void fs_docx_app_write(const void *vself, fs_dx *x)
{
    const fs_doc *doc = ((const fs_docx_app *)vself)->doc;

    fs_dx_decl(x);
    fs_dx_start(x, "Properties");
    fs_dx_attr(x, "xmlns",
               "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties");
    fs_dx_attr(x, "xmlns:vt",
               "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes");
    fs_dx_element(x, "Application", doc->creator && *doc->creator
                  ? doc->creator : "fivestar");
    fs_dx_element(x, "DocSecurity", "0");
    fs_dx_element(x, "ScaleCrop", "false");
    fs_dx_element(x, "LinksUpToDate", "false");
    fs_dx_element(x, "SharedDoc", "false");
    fs_dx_element(x, "HyperlinksChanged", "false");
    fs_dx_end(x);
}
