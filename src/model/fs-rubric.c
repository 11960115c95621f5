/*
 * fs-rubric.c - the rubric (评定标准) as data: loading and checking
 * templates/rubrics/ID.xml.  The templates folder is found by
 * fs-templates.c; the cache that loads each rubric once per run is
 * fs-rubric-cache.c.
 */
#define _GNU_SOURCE
#include "fs-model.h"
#include "fs-xml.h"

#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------
 * Loading.
 * ---------------------------------------------------------------------- */

void fs_rubric_free(fs_rubric *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->nitems; i++) {
        for (size_t k = 0; k < r->items[i].nstandard; k++)
            free(r->items[i].standard[k]);
        free(r->items[i].standard);
        free(r->items[i].check);
    }
    for (size_t i = 0; i < r->nsections; i++) {
        free(r->sections[i].name);
        free(r->sections[i].label);
    }
    for (size_t i = 0; i < r->nthresholds; i++)
        free(r->thresholds[i].name);
    free(r->items);
    free(r->sections);
    free(r->thresholds);
    free(r->id);
    free(r->path);
    free(r->title);
    free(r->issuer);
    free(r->remark);
    free(r);
}

/* Reads the decimal attribute NAME of NODE as tenths; -1 when bad. */
static fs_tenths attr_tenths(xmlNodePtr node, const char *name)
{
    char *v = fs_xml_attr(node, name);
    fs_tenths t = -1;

    if (!v || fs_tenths_parse(v, &t) < 0)
        t = -1;
    free(v);
    return t;
}

static long attr_long(xmlNodePtr node, const char *name)
{
    char *v = fs_xml_attr(node, name), *end = NULL;
    long n = -1;

    if (v && *v) {
        n = strtol(v, &end, 10);
        if (*end)
            n = -1;
    }
    free(v);
    return n;
}

static char *child_text(xmlNodePtr node, const char *name)
{
    xmlNodePtr c = fs_xml_child(node, name);
    char *raw, *s;

    if (!c)
        return NULL;
    raw = fs_xml_text(c);
    s = fs_text_trim(raw);
    free(raw);
    return s;
}

/* Reads one <item>; returns 0 or -1 after a diagnostic. */
static int load_item(fs_rubric *r, xmlNodePtr node, int section,
                     fs_diags *diags)
{
    fs_rubric_item *it = &r->items[r->nitems];
    xmlNodePtr std = fs_xml_child(node, "standard");

    memset(it, 0, sizeof *it);
    it->number = (int)attr_long(node, "number");
    it->section = section;
    it->max = attr_tenths(node, "max");
    r->nitems++;
    if (it->number != (int)r->nitems) {
        fs_diags_add(diags, r->path, fs_xml_line(node), FS_ERROR,
                     "评定标准的第 %zu 项编号为 %d，应按 1、2、3……连续编号", r->nitems, it->number);
        return -1;
    }
    if (it->max < 0) {
        fs_diags_add(diags, r->path, fs_xml_line(node), FS_ERROR,
                     "第%d项的分值 max 应为不带符号、最多一位小数的数", it->number);
        return -1;
    }
    for (xmlNodePtr p = fs_xml_child(std, "p"); p; p = fs_xml_next(p, "p")) {
        char *raw = fs_xml_text(p);
        it->standard = fs_xrealloc(it->standard, (it->nstandard + 1) * sizeof *it->standard);
        it->standard[it->nstandard++] = fs_text_trim(raw);
        free(raw);
    }
    if (it->nstandard == 0) {
        fs_diags_add(diags, r->path, fs_xml_line(node), FS_ERROR,
                     "第%d项缺少评定标准 <standard><p>…</p></standard>", it->number);
        return -1;
    }
    it->check = child_text(node, "check");
    return 0;
}

/* Checks that items add up to their sections and sections to the total. */
static int check_sums(const fs_rubric *r, fs_diags *diags, long line)
{
    fs_tenths total = 0;
    char a[24], b[24];
    int bad = 0;

    for (size_t s = 0; s < r->nsections; s++) {
        const fs_rubric_section *sec = &r->sections[s];
        fs_tenths sum = 0;
        for (int i = 0; i < sec->nitems; i++)
            sum += r->items[sec->first_item + i].max;
        if (sum != sec->max) {
            fs_diags_add(diags, r->path, line, FS_ERROR,
                         "“%s”各项分值之和为 %s，与该部分分值 %s 不符", sec->label,
                         fs_tenths_format(sum, a, sizeof a), fs_tenths_format(sec->max, b, sizeof b));
            bad = 1;
        }
        total += sec->max;
    }
    if (total != r->max) {
        fs_diags_add(diags, r->path, line, FS_ERROR,
                     "各部分分值之和为 %s，与总分 %s 不符",
                     fs_tenths_format(total, a, sizeof a), fs_tenths_format(r->max, b, sizeof b));
        bad = 1;
    }
    for (size_t i = 0; i < r->nthresholds; i++)
        if (r->thresholds[i].min > r->max || r->thresholds[i].star < 1 || r->thresholds[i].star > 5) {
            fs_diags_add(diags, r->path, line, FS_ERROR,
                         "星级门槛（%d星）不合理：星级应为 1–5，分数不得超过总分", r->thresholds[i].star);
            bad = 1;
        }
    return bad ? -1 : 0;
}

fs_rubric *fs_rubric_load(const char *path, fs_diags *diags, fs_error *err)
{
    fs_rubric *r = NULL;
    xmlDocPtr doc = NULL;
    xmlNodePtr root;
    fs_schema *schema = NULL;
    char *xsd = NULL;
    size_t nitems = 0, nsec = 0, nthr = 0;
    char *src = NULL;
    size_t srclen = 0;
    fs_error e;

    *err = FS_E_TEMPLATE;
    doc = fs_xml_read_source(path, FS_MAX_FILE_BYTES, &src, &srclen, diags, &e);
    if (!doc)
        goto fail;
    root = xmlDocGetRootElement(doc);
    xsd = fs_templates_path("rubric.xsd");
    schema = fs_schema_load(xsd, diags);
    if (!schema || fs_schema_check_known(schema, doc, src, srclen, path, diags) != 0)
        goto fail;

    for (xmlNodePtr s = fs_xml_child(root, "section"); s; s = fs_xml_next(s, "section")) {
        nsec++;
        for (xmlNodePtr i = fs_xml_child(s, "item"); i; i = fs_xml_next(i, "item"))
            nitems++;
    }
    for (xmlNodePtr t = fs_xml_child(root, "threshold"); t; t = fs_xml_next(t, "threshold"))
        nthr++;
    if (nsec > FS_MAX_SECTIONS || nitems > FS_MAX_ITEMS || nsec == 0) {
        fs_diags_add(diags, path, fs_xml_line(root), FS_ERROR,
                     "评定标准应有 1–%d 个部分、不超过 %d 项", FS_MAX_SECTIONS, FS_MAX_ITEMS);
        goto fail;
    }

    r = fs_xcalloc(1, sizeof *r);
    r->path = fs_strdup(path);
    r->id = fs_xml_attr(root, "id");
    r->max = attr_tenths(root, "max");
    r->title = child_text(root, "title");
    r->issuer = child_text(root, "issuer");
    r->remark = child_text(root, "remark");
    r->sections = fs_xcalloc(nsec, sizeof *r->sections);
    r->items = fs_xcalloc(nitems, sizeof *r->items);
    r->thresholds = fs_xcalloc(nthr ? nthr : 1, sizeof *r->thresholds);

    for (xmlNodePtr t = fs_xml_child(root, "threshold"); t; t = fs_xml_next(t, "threshold")) {
        fs_threshold *th = &r->thresholds[r->nthresholds++];
        th->star = (int)attr_long(t, "star");
        th->min = attr_tenths(t, "min");
        th->name = fs_xml_attr(t, "name");
    }
    for (xmlNodePtr s = fs_xml_child(root, "section"); s; s = fs_xml_next(s, "section")) {
        fs_rubric_section *sec = &r->sections[r->nsections++];
        sec->number = (int)attr_long(s, "number");
        sec->name = fs_xml_attr(s, "name");
        sec->label = fs_xml_attr(s, "label");
        sec->max = attr_tenths(s, "max");
        sec->first_item = (int)r->nitems;
        if (sec->number != (int)r->nsections || sec->max < 0) {
            fs_diags_add(diags, path, fs_xml_line(s), FS_ERROR,
                         "第 %zu 部分的编号或分值有误（编号应连续，分值最多一位小数）", r->nsections);
            goto fail;
        }
        for (xmlNodePtr i = fs_xml_child(s, "item"); i; i = fs_xml_next(i, "item"))
            if (load_item(r, i, (int)r->nsections - 1, diags) < 0)
                goto fail;
        sec->nitems = (int)r->nitems - sec->first_item;
    }
    if (check_sums(r, diags, fs_xml_line(root)) < 0)
        goto fail;
    *err = FS_OK;
    goto done;
fail:
    fs_rubric_free(r);
    r = NULL;
done:
    fs_schema_free(schema);
    free(xsd);
    xmlFreeDoc(doc);
    free(src);
    return r;
}

const fs_rubric_item *fs_rubric_item_by_number(const fs_rubric *r, int n)
{
    if (n < 1 || (size_t)n > r->nitems)
        return NULL;
    return &r->items[n - 1];
}

const fs_threshold *fs_rubric_threshold(const fs_rubric *r, int star)
{
    for (size_t i = 0; i < r->nthresholds; i++)
        if (r->thresholds[i].star == star)
            return &r->thresholds[i];
    return NULL;
}
