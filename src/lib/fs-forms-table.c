/*
 * fs-forms-table.c - the table of forms (fivestar.h): every form fivestar
 * makes, its id, output file stem, 附件 label, what it is built from and
 * in which formats.  `render`, `archive`, the server and the bundle
 * iterate this table, and every output file name comes from it: adding a
 * form is its template plus one entry here.
 */
#define _GNU_SOURCE
#include "fs-lib-private.h"
#include "fs-flow.h"
#include "fs-set.h"

#include <stdlib.h>
#include <string.h>

#define BOTH (1u << FS_FORMAT_PDF | 1u << FS_FORMAT_DOCX)

/* 附件1: the scoresheet with self-scores, subtotals, total and verdict,
 * from P->forms and P->scores. */
static fs_doc *build_scoresheet(const fs_form_parts *p, const fs_form_entry *form,
                                const fs_dossier *d, fs_diags *diags,
                                fs_error *err)
{
    (void)form;
    (void)diags;
    *err = FS_OK;
    return fs_form_scoresheet(p->forms, d->rubric, d, &p->scores);
}

/* 附件2: the application form, from P->forms and P->scores. */
static fs_doc *build_application(const fs_form_parts *p, const fs_form_entry *form,
                                 const fs_dossier *d, fs_diags *diags,
                                 fs_error *err)
{
    (void)form;
    (void)diags;
    *err = FS_OK;
    return fs_form_application(p->forms, d->rubric, d, &p->scores);
}

/* The document of drawing DR (which it takes over): the page DR was laid
 * out for, no page numbers, F's title as the title, the organisation of
 * dossier D (NULL: none) as the author, F's 附件 label as the subject. */
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

/* 附件4 and 附件5: the chart of template set P->set (fs_set_chart_path),
 * laid out on one page with P->fonts, marked with D's history unless D is
 * NULL.  NULL with *ERR when the set's name or chart is bad. */
static fs_doc *build_flowchart(const fs_form_parts *p, const fs_form_entry *form,
                               const fs_dossier *d, fs_diags *diags,
                               fs_error *err)
{
    char *path = fs_set_chart_path(p->set, form->id);
    fs_flow *f = NULL;
    fs_drawing *dr;
    fs_doc *doc = NULL;

    if (!path) {
        fs_diags_add(diags, "fivestar", 0, FS_ERROR, "评定标准名称“%s”不可用作模板套名称", p->set);
        *err = FS_E_TEMPLATE;
        goto done;
    }
    if (!(f = fs_flow_load(path, diags, err)))
        goto done;
    dr = fs_flow_layout(f, p->fonts, NULL, diags);
    if (d)
        fs_flow_mark(f, dr, d, p->fonts);
    doc = chart_doc(f, dr, d);
    *err = FS_OK;
done:
    fs_flow_free(f);
    free(path);
    return doc;
}

/* One row of the table: the public entry and its builder. */
typedef struct row {
    fs_form_entry e;
    fs_form_builder *build;
} row;

static const row table[] = {
    {{"scoresheet", "评定标准", "附件1", FS_FORM_DOSSIER, BOTH}, build_scoresheet},
    {{"application", "申报表", "附件2", FS_FORM_DOSSIER, BOTH}, build_application},
    {{"statistics", "统计表", "附件3", FS_FORM_STATS, BOTH}, NULL},
    {{"creation", "创建流程图", "附件4", FS_FORM_FLOWCHART, BOTH}, build_flowchart},
    {{"dynamic", "动态管理流程图", "附件5", FS_FORM_FLOWCHART, BOTH}, build_flowchart},
};
#define NFORMS (sizeof table / sizeof *table)

/* The number of forms. */
size_t fs_forms_table_count(void)
{
    return NFORMS;
}

/* The I-th form, or NULL. */
const fs_form_entry *fs_forms_table_get(size_t i)
{
    return i < NFORMS ? &table[i].e : NULL;
}

/* The form whose id or stem is NAME, or NULL; the flowcharts also by
 * their Chinese names 创建 and 动态管理 (fs_set_chart_name). */
const fs_form_entry *fs_forms_table_find(const char *name)
{
    const char *chart = fs_set_chart_name(name, NULL);

    if (chart)
        name = chart;
    for (size_t i = 0; name && i < NFORMS; i++)
        if (strcmp(table[i].e.id, name) == 0 || strcmp(table[i].e.stem, name) == 0)
            return &table[i].e;
    return NULL;
}

/* The builder of FORM; see fs-lib-private.h. */
fs_form_builder *fs_forms_table_builder(const fs_form_entry *form)
{
    for (size_t i = 0; i < NFORMS; i++)
        if (form == &table[i].e)
            return table[i].build;
    return NULL;
}

/* ".pdf" or ".docx". */
const char *fs_format_ext(fs_format format)
{
    return format == FS_FORMAT_DOCX ? ".docx" : ".pdf";
}

/* "评定标准.pdf" (malloc'd). */
char *fs_form_file_name(const fs_form_entry *form, fs_format format)
{
    return fs_printf("%s%s", form->stem, fs_format_ext(format));
}
