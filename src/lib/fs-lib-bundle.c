/*
 * fs-lib-bundle.c - fs_lib_bundle (fivestar.h): the bundle made with the
 * context's fonts, forms template and PDF/A profile (src/bundle/ does the
 * work and knows nothing of the context).
 */
#include "fs-lib-private.h"
#include "fs-bundle.h"

#include <stdlib.h>

/* Makes D's bundle; see fivestar.h. */
fs_error fs_lib_bundle(fs_lib *lib, const fs_dossier *d, int pdfa,
                       unsigned char **out, size_t *outlen, fs_diags *diags)
{
    fs_bundle_input in = {NULL, NULL, NULL};
    fs_error err = FS_OK;

    *out = NULL;
    *outlen = 0;
    if (!(in.fonts = fs_lib_fonts(lib, diags, &err)))
        return err;
    if (!(in.forms = fs_lib_forms(lib, d->rubric, diags, &err)))
        return err;
    if (pdfa && !(in.pdfa = fs_lib_pdfa(lib, diags, &err)))
        return err;
    return fs_bundle_render(&in, d, out, outlen, diags);
}
