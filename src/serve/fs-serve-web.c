/*
 * fs-serve-web.c - the page of `fivestar serve`: plain HTML, CSS and
 * JavaScript from src/serve/web/, embedded in the program at build time
 * (fs-serve-web-data.S), so that nothing is fetched from anywhere else.
 *   index.html   the page's frame
 *   style.css    its look
 *   dossier.js   the dossier as a structured form over its XML tree:
 *                reading, editing in place, writing with line numbers
 *   app.js       the screens: list, editor, forms, statistics
 */
#include "fs-serve.h"

#include <string.h>

#define EMBED(name) extern const char name##_start[], name##_end[]
EMBED(fs_web_index_html);
EMBED(fs_web_style_css);
EMBED(fs_web_dossier_js);
EMBED(fs_web_app_js);

static const struct asset {
    const char *path, *type, *start, *end;
} assets[] = {
    {"/", "text/html; charset=utf-8", fs_web_index_html_start, fs_web_index_html_end},
    {"/index.html", "text/html; charset=utf-8", fs_web_index_html_start, fs_web_index_html_end},
    {"/style.css", "text/css; charset=utf-8", fs_web_style_css_start, fs_web_style_css_end},
    {"/dossier.js", "text/javascript; charset=utf-8", fs_web_dossier_js_start, fs_web_dossier_js_end},
    {"/app.js", "text/javascript; charset=utf-8", fs_web_app_js_start, fs_web_app_js_end},
};

/* See fs-serve.h.  The reply holds a copy of the file. */
int fs_serve_web(const char *path, fs_serve_reply *rep)
{
    for (size_t i = 0; i < sizeof assets / sizeof *assets; i++) {
        const struct asset *a = &assets[i];
        size_t n;

        if (strcmp(a->path, path) != 0)
            continue;
        n = (size_t)(a->end - a->start);
        rep->status = 200;
        rep->type = a->type;
        rep->data = fs_xmalloc(n + 1);
        memcpy(rep->data, a->start, n);
        rep->data[n] = '\0';
        rep->len = n;
        return 0;
    }
    return -1;
}
