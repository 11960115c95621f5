/*
 * fs-serve-docs.c - what the library (fivestar.h) makes of a dossier the
 * server holds in memory: loading and checking it exactly as `validate`
 * does, its score as `score --json` writes it, its forms and marked
 * flowcharts as `render` and `flowchart --dossier` write them (the forms
 * table), the 统计表 as `stats` does, the blank dossier of `new`.
 *
 * Nothing here validates, scores or lays out by itself: every answer is a
 * library call the commands make too.  The only thing read apart is the
 * raw XML tree (fs-xml.h), to tell a draft with rule errors (saved) from
 * text that is not a dossier at all (refused), and to show the name of a
 * dossier that does not load in the list.
 */
#define _GNU_SOURCE
#include "fs-serve.h"
#include "fs-set.h"
#include "fs-xml.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* See fs-serve.h. */
fs_dossier *fs_serve_load(fs_serve *s, const char *name, const char *data,
                          size_t len, fs_diags *diags, fs_error *err)
{
    return fs_lib_load_memory(s->lib, name, data, len, diags, err);
}

/* See fs-serve.h. */
int fs_serve_wellformed(const char *name, const char *data, size_t len,
                        fs_diags *diags)
{
    fs_error err;
    xmlDocPtr doc = fs_xml_read_memory(name, data, len, FS_MAX_FILE_BYTES, diags, &err);
    xmlNodePtr root;
    char *format;
    int ok;

    if (!doc)
        return 0;
    root = xmlDocGetRootElement(doc);
    format = fs_xml_attr(root, "format");
    ok = strcmp((const char *)root->name, "dossier") == 0 && format && strcmp(format, "1") == 0;
    if (!ok)
        fs_diags_add(diags, name, fs_xml_line(root), FS_ERROR,
                     "这不是格式 1 的档案：根元素应为 <dossier format=\"1\" …>");
    free(format);
    xmlFreeDoc(doc);
    return ok;
}

/* The text of the child NAME of NODE, trimmed (malloc'd), or NULL. */
static char *child_text(xmlNodePtr node, const char *name)
{
    xmlNodePtr c = node ? fs_xml_child(node, name) : NULL;
    char *t, *trimmed;

    if (!c)
        return NULL;
    t = fs_xml_text(c);
    trimmed = fs_text_trim(t);
    free(t);
    if (!*trimmed) {
        free(trimmed);
        return NULL;
    }
    return trimmed;
}

/* See fs-serve.h: only for showing a broken file in the list. */
void fs_serve_peek(const char *data, size_t len, char **org, char **town, int *year)
{
    fs_diags quiet = {0};
    fs_error err;
    xmlDocPtr doc = fs_xml_read_memory("peek", data, len, FS_MAX_FILE_BYTES, &quiet, &err);
    xmlNodePtr root, o;
    char *y;

    *org = *town = NULL;
    *year = 0;
    fs_diags_clear(&quiet);
    if (!doc)
        return;
    root = xmlDocGetRootElement(doc);
    o = fs_xml_child(root, "organization");
    *org = child_text(o, "name");
    *town = child_text(o, "town");
    if ((y = fs_xml_attr(root, "year")) != NULL) {
        char *end;
        long v = strtol(y, &end, 10);
        if (!*end && v > 0 && v < 10000)
            *year = (int)v;
        free(y);
    }
    xmlFreeDoc(doc);
}

/* See fs-serve.h: the library's own line, less its newline. */
void fs_serve_score_json(fs_buf *b, const fs_dossier *d)
{
    char *line = fs_json_score(d);
    size_t n = strlen(line);

    fs_buf_add(b, line, n && line[n - 1] == '\n' ? n - 1 : n);
    free(line);
}

/* See fs-serve.h: FILE is a stem of the forms table (评定标准, never an id
 * like scoresheet) and one of that form's extensions. */
fs_error fs_serve_form(fs_serve *s, const char *file, const fs_dossier *d,
                       unsigned char **out, size_t *len, fs_diags *diags)
{
    const char *dot = strrchr(file, '.');
    const fs_form_entry *form = NULL;
    fs_render_options o = {FS_FORMAT_PDF, 0, 0};

    if (!dot)
        return FS_E_USAGE;
    if (strcmp(dot, ".docx") == 0)
        o.format = FS_FORMAT_DOCX;
    else if (strcmp(dot, ".pdf") != 0)
        return FS_E_USAGE;
    for (size_t i = 0; i < fs_forms_table_count(); i++) {
        const fs_form_entry *f = fs_forms_table_get(i);
        size_t n = strlen(f->stem);
        if (f->kind != FS_FORM_STATS && (size_t)(dot - file) == n &&
            strncmp(file, f->stem, n) == 0 && (f->formats & (1u << o.format)))
            form = f;
    }
    if (!form)
        return FS_E_USAGE;
    return fs_lib_render_form(s->lib, form, d, &o, out, len, diags);
}

/* See fs-serve.h: rows, order and figures as `stats` makes them. */
fs_error fs_serve_stats(fs_serve *s, const fs_dossier *const *d, size_t n, int docx,
                        unsigned char **out, size_t *len, fs_diags *diags)
{
    const char *name = docx ? "统计表.docx" : "统计表.pdf";
    fs_render_options o = {docx ? FS_FORMAT_DOCX : FS_FORMAT_PDF, 0, 0};
    fs_error err;
    fs_doc *doc = fs_stats_build(s->lib, d, n, name, diags, &err);

    if (doc)
        err = fs_lib_render(s->lib, doc, &o, name, out, len, diags);
    fs_doc_free(doc);
    return err;
}

/* See fs-serve.h: sections, items (standard, 检查内容, points),
 * thresholds and the history's stages (canonical name, Chinese name,
 * review or not), for building the page. */
int fs_serve_rubric_json(fs_serve *s, const char *id, fs_buf *b)
{
    fs_diags diags = {0};
    fs_error err;
    const fs_rubric *r;
    const fs_set *set;
    char x[24];

    if (!fs_rubric_id_ok(id))
        return -1;
    if (!s->rubrics)
        s->rubrics = fs_rubric_cache_new();
    r = fs_rubric_cache_get(s->rubrics, id, &diags, "rubric", 0, &err);
    fs_diags_clear(&diags);
    if (!r)
        return -1;
    fs_buf_adds(b, "{\"id\":");
    fs_serve_json_str(b, r->id);
    fs_buf_adds(b, ",\"title\":");
    fs_serve_json_str(b, r->title);
    fs_buf_printf(b, ",\"max\":%s,\"thresholds\":[", fs_tenths_format(r->max, x, sizeof x));
    for (size_t i = 0; i < r->nthresholds; i++) {
        fs_buf_printf(b, "%s{\"star\":%d,\"min\":%s,\"name\":", i ? "," : "",
                      r->thresholds[i].star,
                      fs_tenths_format(r->thresholds[i].min, x, sizeof x));
        fs_serve_json_str(b, r->thresholds[i].name);
        fs_buf_adds(b, "}");
    }
    fs_buf_adds(b, "],\"sections\":[");
    for (size_t i = 0; i < r->nsections; i++) {
        const fs_rubric_section *sec = &r->sections[i];
        fs_buf_printf(b, "%s{\"number\":%d,\"name\":", i ? "," : "", sec->number);
        fs_serve_json_str(b, sec->name);
        fs_buf_adds(b, ",\"label\":");
        fs_serve_json_str(b, sec->label);
        fs_buf_printf(b, ",\"max\":%s,\"items\":[", fs_tenths_format(sec->max, x, sizeof x));
        for (int k = 0; k < sec->nitems; k++) {
            const fs_rubric_item *it = &r->items[sec->first_item + k];
            fs_buf_printf(b, "%s{\"number\":%d,\"max\":%s,\"standard\":[", k ? "," : "",
                          it->number, fs_tenths_format(it->max, x, sizeof x));
            for (size_t p = 0; p < it->nstandard; p++) {
                if (p)
                    fs_buf_adds(b, ",");
                fs_serve_json_str(b, it->standard[p]);
            }
            fs_buf_adds(b, "],\"check\":");
            fs_serve_json_str(b, it->check);
            fs_buf_adds(b, "}");
        }
        fs_buf_adds(b, "]}");
    }
    fs_buf_adds(b, "]");
    /* the stages a <history> may name, from the set's flowcharts */
    set = fs_rubric_cache_set(s->rubrics, id, &diags, &err);
    fs_diags_clear(&diags);
    fs_buf_adds(b, ",\"stages\":[");
    for (size_t i = 0; set && i < set->nstages; i++) {
        const fs_set_stage *st = &set->stages[i];
        fs_buf_printf(b, "%s{\"name\":", i ? "," : "");
        fs_serve_json_str(b, st->name);
        fs_buf_adds(b, ",\"label\":");
        fs_serve_json_str(b, st->naliases ? st->aliases[0] : st->name);
        fs_buf_printf(b, ",\"review\":%s}", st->review ? "true" : "false");
    }
    fs_buf_adds(b, "]}");
    return 0;
}

/* See fs-serve.h: the library's blank, as `fivestar new` writes it (the
 * year by UTC, as there). */
char *fs_serve_blank(fs_serve *s, fs_diags *diags)
{
    time_t now = time(NULL);
    struct tm tm;
    fs_error err;

    gmtime_r(&now, &tm);
    return fs_blank_dossier(s->lib, NULL, tm.tm_year + 1900, diags, &err);
}
