/*
 * fs-json.c - the JSON fivestar writes for front ends (fivestar.h): the
 * `score --json` line and diagnostics as data.  The CLI and the server
 * print these same bytes.
 */
#include "fs-lib-private.h"

#include <string.h>

/* Appends S as a JSON string; see fs-lib-private.h. */
void fs_json_string(fs_buf *b, const char *s)
{
    fs_buf_adds(b, "\"");
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        if (*p == '"' || *p == '\\')
            fs_buf_printf(b, "\\%c", *p);
        else if (*p == '\n')
            fs_buf_adds(b, "\\n");
        else if (*p < 0x20)
            fs_buf_printf(b, "\\u%04x", *p);
        else
            fs_buf_add(b, (const char *)p, 1);
    }
    fs_buf_adds(b, "\"");
}

/* The `score --json` line of D, keys in the order of cli.md; see
 * fivestar.h. */
char *fs_json_score(const fs_dossier *d)
{
    const fs_rubric *r = d->rubric;
    fs_result_sheet s;
    fs_buf b = {0};
    char x[24], y[24];

    fs_score_dossier(d, r, &s);
    fs_buf_adds(&b, "{\"file\":");
    fs_json_string(&b, d->path);
    fs_buf_adds(&b, ",\"organization\":");
    fs_json_string(&b, d->name.s);
    fs_buf_printf(&b, ",\"year\":%d,\"rubric\":", d->year);
    fs_json_string(&b, r->id);
    fs_buf_adds(&b, ",\"sections\":[");
    for (size_t i = 0; i < r->nsections; i++) {
        fs_buf_printf(&b, "%s{\"number\":%d,\"title\":", i ? "," : "", r->sections[i].number);
        fs_json_string(&b, r->sections[i].name);
        fs_buf_printf(&b, ",\"max\":%s,\"score\":%s}",
                      fs_tenths_format(r->sections[i].max, x, sizeof x),
                      fs_tenths_format(s.section[i], y, sizeof y));
    }
    fs_buf_printf(&b, "],\"total\":%s,\"max\":%s,\"star\":%d,\"threshold\":",
                  fs_tenths_format(s.total, x, sizeof x), fs_tenths_format(s.max, y, sizeof y),
                  s.star);
    if (s.threshold >= 0)
        fs_buf_adds(&b, fs_tenths_format(s.threshold, x, sizeof x));
    else
        fs_buf_adds(&b, "null");
    fs_buf_printf(&b, ",\"qualified\":%s}\n", s.qualified ? "true" : "false");
    return b.s;
}

/* DIAGS as a JSON array; see fivestar.h. */
char *fs_json_diags(const fs_diags *diags)
{
    fs_buf b = {0};

    fs_buf_adds(&b, "[");
    for (size_t i = 0; i < diags->n; i++) {
        const fs_diag *g = &diags->v[i];
        fs_buf_adds(&b, i ? ",{\"file\":" : "{\"file\":");
        fs_json_string(&b, g->file);
        fs_buf_printf(&b, ",\"line\":%ld,\"severity\":\"%s\",\"message\":", g->line,
                      g->severity == FS_ERROR ? "error" : "warning");
        fs_json_string(&b, g->message);
        fs_buf_adds(&b, "}");
    }
    fs_buf_adds(&b, "]");
    return b.s;
}
