/*
 * fs-serve-docs.c - what the library makes of a dossier the server holds
 * in memory: loading and checking it exactly as `validate` does, its score
 * as `score --json` writes it, its forms and marked flowcharts as `render`
 * and `flowchart --dossier` write them, and the 统计表 as `stats` does.
 *
 * Nothing here validates, scores or lays out by itself: every answer comes
 * from the library calls the commands use.  A dossier in memory is handed
 * to the loader as an anonymous in-memory file (memfd), never written into
 * DIR or any other folder.
 */
#define _GNU_SOURCE
#include "fs-serve.h"
#include "fs-batch.h"
#include "fs-cli.h"
#include "fs-docx.h"
#include "fs-flow.h"
#include "fs-pdf.h"
#include "fs-stats.h"
#include "fs-xml.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

/* Puts DATA into an anonymous in-memory file and writes a path naming it
 * into PATH.  Returns its descriptor (the caller closes it), or -1. */
static int mem_file(const char *data, size_t len, char *path, size_t size)
{
    int fd = memfd_create("fivestar-dossier", MFD_CLOEXEC);
    size_t done = 0;

    if (fd < 0)
        return -1;
    while (done < len) {
        ssize_t k = write(fd, data + done, len - done);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0) {
            close(fd);
            return -1;
        }
        done += (size_t)k;
    }
    snprintf(path, size, "/proc/self/fd/%d", fd);
    return fd;
}

/* Renames the diagnostics from FIRST on that name the in-memory file to
 * NAME, so that messages and the 统计表's order speak of the real file. */
static void rename_diags(fs_diags *diags, size_t first, const char *path,
                         const char *name)
{
    for (size_t i = first; i < diags->n; i++)
        if (diags->v[i].file && strcmp(diags->v[i].file, path) == 0) {
            free(diags->v[i].file);
            diags->v[i].file = fs_strdup(name);
        }
}

/* See fs-serve.h. */
fs_dossier *fs_serve_load(fs_serve *s, const char *name, const char *data,
                          size_t len, const fs_rubric **r, fs_diags *diags,
                          fs_error *err)
{
    char path[64];
    size_t first = diags->n;
    int fd = mem_file(data, len, path, sizeof path);
    fs_dossier *d;

    *r = NULL;
    if (fd < 0) {
        fs_diags_add(diags, name, 0, FS_ERROR, "服务器内存不足，无法检查档案：%s", strerror(errno));
        *err = FS_E_IO;
        return NULL;
    }
    d = fs_batch_load(s->batch, path, r, diags, err);
    close(fd);
    rename_diags(diags, first, path, name);
    if (d) {
        free(d->path);
        d->path = fs_strdup(name);
    }
    return d;
}

/* See fs-serve.h. */
int fs_serve_wellformed(const char *name, const char *data, size_t len,
                        fs_diags *diags)
{
    char path[64];
    size_t first = diags->n;
    int fd = mem_file(data, len, path, sizeof path), ok = 0;
    xmlDocPtr doc;
    xmlNodePtr root;
    fs_error err;
    char *format = NULL;

    if (fd < 0) {
        fs_diags_add(diags, name, 0, FS_ERROR, "服务器内存不足，无法检查档案：%s", strerror(errno));
        return 0;
    }
    doc = fs_xml_read(path, FS_MAX_FILE_BYTES, diags, &err);
    close(fd);
    if (doc) {
        root = xmlDocGetRootElement(doc);
        format = fs_xml_attr(root, "format");
        ok = strcmp((const char *)root->name, "dossier") == 0 && format &&
             strcmp(format, "1") == 0;
        if (!ok)
            fs_diags_add(diags, path, fs_xml_line(root), FS_ERROR,
                         "这不是格式 1 的档案：根元素应为 <dossier format=\"1\" …>");
    }
    rename_diags(diags, first, path, name);
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
    char path[64], *y;
    int fd = mem_file(data, len, path, sizeof path);
    xmlDocPtr doc;
    xmlNodePtr root, o;
    fs_error err;

    *org = *town = NULL;
    *year = 0;
    if (fd < 0)
        return;
    doc = fs_xml_read(path, FS_MAX_FILE_BYTES, &quiet, &err);
    close(fd);
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

/* See fs-serve.h: the keys and their order of cli.md's `score --json`. */
void fs_serve_score_json(fs_buf *b, const char *file, const fs_dossier *d,
                         const fs_rubric *r)
{
    fs_result_sheet s;
    char x[24], y[24];

    fs_score_dossier(d, r, &s);
    fs_buf_adds(b, "{\"file\":");
    fs_serve_json_str(b, file);
    fs_buf_adds(b, ",\"organization\":");
    fs_serve_json_str(b, d->name.s);
    fs_buf_printf(b, ",\"year\":%d,\"rubric\":", d->year);
    fs_serve_json_str(b, r->id);
    fs_buf_adds(b, ",\"sections\":[");
    for (size_t i = 0; i < r->nsections; i++) {
        fs_buf_printf(b, "%s{\"number\":%d,\"title\":", i ? "," : "", r->sections[i].number);
        fs_serve_json_str(b, r->sections[i].name);
        fs_buf_printf(b, ",\"max\":%s,\"score\":%s}",
                      fs_tenths_format(r->sections[i].max, x, sizeof x),
                      fs_tenths_format(s.section[i], y, sizeof y));
    }
    fs_buf_printf(b, "],\"total\":%s,\"max\":%s,\"star\":%d,\"threshold\":",
                  fs_tenths_format(s.total, x, sizeof x), fs_tenths_format(s.max, y, sizeof y),
                  s.star);
    fs_buf_adds(b, s.threshold >= 0 ? fs_tenths_format(s.threshold, x, sizeof x) : "null");
    fs_buf_printf(b, ",\"qualified\":%s}", s.qualified ? "true" : "false");
}

/* The flowchart document of drawing DR, as `flowchart` makes it
 * (fs-flowcmd.c): DR's page, no page numbers, the chart's title, the
 * organisation as author. */
static fs_doc *chart_doc(const fs_flow *f, fs_drawing *dr, const fs_dossier *d)
{
    fs_doc *doc = fs_doc_new();

    doc->page.width = dr->page_w;
    doc->page.height = dr->page_h;
    doc->page.left = dr->page_x;
    doc->page.top = dr->page_y;
    doc->page.right = dr->page_w - dr->page_x - dr->width;
    doc->page.bottom = dr->page_h - dr->page_y - dr->height;
    doc->page.pagenum = FS_PAGENUM_NONE;
    fs_doc_set_meta(doc, f->title, d && d->name.s ? d->name.s : "", f->attachment,
                    "fivestar");
    doc->source_file = fs_strdup(d ? d->path : f->path);
    fs_doc_add_drawing(doc, dr);
    return doc;
}

/* Flowchart CHART ("creation", "dynamic") marked with D. */
static fs_error render_chart(fs_serve *s, const char *chart, int docx,
                             const fs_dossier *d, unsigned char **out,
                             size_t *len, fs_diags *diags)
{
    char *path = fs_flow_path(chart), *conf = NULL;
    fs_flow *f = NULL;
    fs_doc *doc = NULL;
    fs_drawing *dr;
    fs_error err = FS_E_TEMPLATE;

    if (!path) {
        fs_diags_add(diags, chart, 0, FS_ERROR, "找不到模板文件夹 templates");
        goto done;
    }
    if (!(f = fs_flow_load(path, diags, &err)))
        goto done;
    if (!s->chart_fonts) {
        conf = fs_fonts_conf_path();
        if (!(s->chart_fonts = fs_fontset_load(conf, diags, &err)))
            goto done;
    }
    dr = fs_flow_layout(f, s->chart_fonts, NULL, diags);
    fs_flow_mark(f, dr, d, s->chart_fonts);
    doc = chart_doc(f, dr, d);
    err = docx ? fs_docx_render(doc, s->chart_fonts, NULL, diags, out, len)
               : fs_pdf_render(doc, s->chart_fonts, diags, out, len);
    if (err != FS_OK)
        fs_diags_add(diags, chart, 0, FS_ERROR, "生成失败：%s", fs_strerror(err));
done:
    fs_doc_free(doc);
    fs_flow_free(f);
    free(path);
    free(conf);
    return err;
}

/* See fs-serve.h. */
fs_error fs_serve_form(fs_serve *s, const char *form, const fs_dossier *d,
                       const fs_rubric *r, unsigned char **out, size_t *len,
                       fs_diags *diags)
{
    static const struct { const char *name; int kind, docx; } forms[] = {
        {"评定标准.pdf", 0, 0}, {"评定标准.docx", 0, 1},
        {"申报表.pdf", 1, 0}, {"申报表.docx", 1, 1},
        {"创建流程图.pdf", 2, 0}, {"创建流程图.docx", 2, 1},
        {"动态管理流程图.pdf", 3, 0}, {"动态管理流程图.docx", 3, 1},
    };
    fs_forms *tpl;
    fs_doc *doc;
    fs_result_sheet sheet;
    fs_error err;

    for (size_t i = 0; i < sizeof forms / sizeof *forms; i++) {
        if (strcmp(forms[i].name, form) != 0)
            continue;
        if (forms[i].kind >= 2)
            return render_chart(s, forms[i].kind == 2 ? "creation" : "dynamic",
                                forms[i].docx, d, out, len, diags);
        if (!(tpl = fs_batch_forms(s->batch, r, diags, &err)))
            return err;
        fs_score_dossier(d, r, &sheet);
        doc = forms[i].kind == 0 ? fs_form_scoresheet(tpl, r, d, &sheet)
                                 : fs_form_application(tpl, r, d, &sheet);
        err = fs_batch_render(s->batch, doc, forms[i].docx, form, out, len, diags);
        fs_doc_free(doc);
        return err;
    }
    return FS_E_USAGE;
}

/* See fs-serve.h: rows, order and figures as `stats` makes them. */
fs_error fs_serve_stats(fs_serve *s, fs_dossier **d, const fs_rubric **r, size_t n,
                        int docx, unsigned char **out, size_t *len, fs_diags *diags)
{
    fs_stats_row *rows = fs_xcalloc(n, sizeof *rows);
    const char *name = docx ? "统计表.docx" : "统计表.pdf";
    fs_doc *doc;
    fs_error err;

    for (size_t i = 0; i < n; i++)
        fs_stats_row_init(&rows[i], d[i], r[i], diags);
    fs_stats_sort(rows, n);
    doc = fs_stats_doc(s->batch, rows, n, name, diags, &err);
    if (doc)
        err = fs_batch_render(s->batch, doc, docx, name, out, len, diags);
    fs_doc_free(doc);
    free(rows);
    return err;
}

/* See fs-serve.h. */
int fs_serve_rubric_json(fs_serve *s, const char *id, fs_buf *b)
{
    fs_diags diags = {0};
    fs_error err;
    const fs_rubric *r;
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
    fs_buf_adds(b, "]}");
    return 0;
}

/* See fs-serve.h: runs `fivestar new` (this very program) and takes what
 * it prints, so the blank is the command's own. */
char *fs_serve_blank(fs_serve *s)
{
    int p[2], status;
    pid_t pid;
    fs_buf b = {0};
    char chunk[8192];

    if (pipe2(p, O_CLOEXEC) < 0)
        return NULL;
    pid = fork();
    if (pid == 0) {
        int null = open("/dev/null", O_RDWR);
        dup2(p[1], 1);
        if (null >= 0) {
            dup2(null, 0);
            dup2(null, 2);
        }
        execl(s->self, s->self, "new", (char *)NULL);
        _exit(127);
    }
    close(p[1]);
    if (pid < 0) {
        close(p[0]);
        return NULL;
    }
    for (;;) {
        ssize_t k = read(p[0], chunk, sizeof chunk);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            break;
        fs_buf_add(&b, chunk, (size_t)k);
    }
    close(p[0]);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || !b.len) {
        fs_buf_free(&b);
        return NULL;
    }
    return b.s;
}

/* See fs-serve.h. */
void fs_serve_docs_free(fs_serve *s)
{
    fs_fontset_free(s->chart_fonts);
    s->chart_fonts = NULL;
    fs_rubric_cache_free(s->rubrics);
    s->rubrics = NULL;
}
