/*
 * fs-forms-load.c - reads a forms template (templates/forms/ID.xml, schema
 * templates/forms.xsd) into the structures of fs-forms-private.h: every
 * style resolved (table → row → cell → paragraph inheritance) and every
 * text split into literal pieces, placeholders and blanks, so that
 * building a document is a walk that substitutes values and never parses
 * again.  Placeholders belong to contexts, checked on load: the form of
 * one dossier (附件1, 附件2), a rubric section inside it, the 统计表 as a
 * whole, one dossier's row of the 统计表, and the row that opens a town's
 * group.  Problems go to the diagnostics with the template's file:line.
 *
 * This file reads the document level (the page, stars, towns, each form
 * and which blocks it may hold) and frees the template; the blocks
 * themselves are read by fs-forms-blocks.c, attributes, styles and texts
 * by fs-forms-read.c.
 */
#define _GNU_SOURCE
#include "fs-forms-private.h"
#include "fs-xml.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FORMS_MAX_BYTES (1L * 1024 * 1024)

/* ------------------------------------------------------------------------
 * Freeing.
 * ---------------------------------------------------------------------- */

/* Frees the N patterns of the array V and the array. */
static void tparas_free(tpara *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        fs_forms_read_para_free(&v[i]);
    free(v);
}

/* Frees table T (<scores> or <grid>) and all it holds; NULL is fine. */
static void ttable_free(ttable *t)
{
    if (!t)
        return;
    for (size_t c = 0; c < t->ncols; c++) {
        fs_forms_read_para_free(&t->heads[c]);
        fs_forms_read_para_free(&t->vals[c]);
    }
    fs_forms_read_para_free(&t->group);
    fs_forms_read_para_free(&t->group_cont);
    free(t->yes);
    free(t->no);
    free(t->no_star);
    free(t->none);
    tparas_free(t->section, t->nsection);
    fs_forms_read_para_free(&t->total);
    for (size_t r = 0; r < t->nrows; r++) {
        for (size_t c = 0; c < t->rows[r].ncells; c++)
            tparas_free(t->rows[r].cells[c].paras, t->rows[r].cells[c].nparas);
        free(t->rows[r].cells);
    }
    free(t->rows);
    free(t);
}

/* Frees what form F holds (F is part of fs_forms). */
static void tform_free(tform *f)
{
    fs_forms_read_para_free(&f->title);
    fs_forms_read_para_free(&f->subject);
    fs_forms_read_para_free(&f->keywords);
    fs_forms_read_para_free(&f->running);
    for (size_t i = 0; i < f->nblocks; i++) {
        tparas_free(f->blocks[i].paras, f->blocks[i].nparas);
        free(f->blocks[i].widths);
        ttable_free(f->blocks[i].table);
    }
    free(f->blocks);
}

/* Frees F and everything it holds; NULL is fine. */
void fs_forms_free(fs_forms *f)
{
    if (!f)
        return;
    tform_free(&f->sheet);
    tform_free(&f->app);
    tform_free(&f->stats);
    tform_free(&f->index);
    for (int i = 0; i < 6; i++)
        free(f->stars[i]);
    for (size_t i = 0; i < f->ntowns; i++)
        free(f->towns[i]);
    free(f->towns);
    free(f->path);
    free(f->id);
    free(f);
}

/* ------------------------------------------------------------------------
 * Loading: forms and the template.
 * ---------------------------------------------------------------------- */

/* <scoresheet>, <application>, <statistics> or <evidence-index> (KIND):
 * metadata, then the blocks in order.  <scores> and <summary> belong to
 * 附件1, <grid> to 附件1 and 附件2, <fields> to all but the 统计表,
 * <roster> (exactly one) to the 统计表, whose texts take the placeholders
 * of the whole table, <evidence> (exactly one) to the 佐证材料目录. */
static void load_form(loader *ld, xmlNodePtr node, tform *f, form_kind kind)
{
    /* Every block may say print="no": it is then left out of the form
     * (附件1's verdict sentence and signature line are additions the
     * notice does not have, kept in the template but off). */
    tstyle st = fs_forms_read_base_style;
    unsigned ctx = kind == FORM_STATS ? CTX_STATS : CTX_FORM;
    size_t rosters = 0;

    fs_forms_read_attrs(ld, node, "");
    for (xmlNodePtr c = node->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (!fs_forms_read_yesno(ld, c, "print", 1)) {
            continue;                   /* switched off in the template */
        } else if (kind == FORM_STATS && fs_forms_read_is(c, "page")) {
            continue;                   /* read by the caller, first */
        } else if (fs_forms_read_is(c, "meta")) {
            fs_forms_read_attrs(ld, c, "title subject keywords");
            static const char *const names[3] = {"title", "subject", "keywords"};
            tpara *dst[3] = {&f->title, &f->subject, &f->keywords};
            for (int i = 0; i < 3; i++) {
                char *v = fs_xml_attr(c, names[i]);
                if (v) {
                    fs_forms_read_para_free(dst[i]);
                    fs_forms_read_text(ld, c, v, ctx, dst[i]);
                }
                free(v);
            }
            if (!xmlHasProp(c, (const xmlChar *)"title"))
                fs_forms_read_error(ld, c, "<meta> 缺少属性 title");
        } else if (kind != FORM_STATS && fs_forms_read_is(c, "running")) {
            tstyle rs = st;
            fs_forms_read_attrs(ld, c, STYLE_ATTRS);
            rs.size = 9;                        /* 小五 */
            rs.align = FS_ALIGN_RIGHT;
            fs_forms_read_para_free(&f->running);
            f->running = fs_forms_read_pattern(ld, c, fs_forms_read_style(ld, c, &rs), ctx, 0);
            f->has_running = 1;
        } else if (fs_forms_read_is(c, "attachment") || fs_forms_read_is(c, "title") || fs_forms_read_is(c, "para")) {
            tblock b = {B_PARA, fs_xmalloc(sizeof(tpara)), 1, NULL, 0, NULL};
            tstyle ps = st;
            fs_forms_read_attrs(ld, c, PARA_ATTRS);
            ps.kind = FS_PARA_BODY;
            if (fs_forms_read_is(c, "attachment")) {
                ps.role = FS_ROLE_HEI;
                ps.size = FS_PT_HAO3;
                ps.kind = FS_PARA_ATTACHMENT;
            } else if (fs_forms_read_is(c, "title")) {
                ps.size = FS_PT_HAO2;
                ps.align = FS_ALIGN_CENTER;
                ps.kind = FS_PARA_TITLE;
            }
            b.paras[0] = fs_forms_read_pattern(ld, c, fs_forms_read_style(ld, c, &ps), ctx, 0);
            fs_forms_blocks_add(f, b);
        } else if (kind != FORM_STATS && fs_forms_read_is(c, "fields")) {
            fs_forms_blocks_fields(ld, c, f);
        } else if (fs_forms_read_is(c, "spacer")) {
            tblock b = {B_SPACER, NULL, 0, NULL, 0, NULL};
            fs_forms_read_attrs(ld, c, "height");
            if (!fs_forms_read_number(ld, c, "height", 0.5, 200, &b.height))
                fs_forms_read_error(ld, c, "<spacer> 缺少属性 height（毫米）");
            fs_forms_blocks_add(f, b);
        } else if (kind == FORM_SHEET && fs_forms_read_is(c, "scores")) {
            fs_forms_blocks_scores(ld, c, f);
        } else if (kind == FORM_SHEET && fs_forms_read_is(c, "summary")) {
            fs_forms_blocks_summary(ld, c, f);
        } else if ((kind == FORM_SHEET || kind == FORM_APP) && fs_forms_read_is(c, "grid")) {
            fs_forms_blocks_grid(ld, c, f);
        } else if (kind == FORM_STATS && fs_forms_read_is(c, "roster")) {
            if (rosters++)
                fs_forms_read_error(ld, c, "<statistics> 只能有一个 <roster>");
            fs_forms_blocks_roster(ld, c, f, 0);
        } else if (kind == FORM_INDEX && fs_forms_read_is(c, "evidence")) {
            if (rosters++)
                fs_forms_read_error(ld, c, "<evidence-index> 只能有一个 <evidence>");
            fs_forms_blocks_roster(ld, c, f, 1);
        } else {
            fs_forms_read_error(ld, c, "<%s> 中不能有 <%s>", (const char *)node->name,
                                (const char *)c->name);
        }
    }
    if (!f->title.nsegs && !f->nblocks)
        fs_forms_read_error(ld, node, "<%s> 是空的", (const char *)node->name);
    else if (kind == FORM_STATS && !rosters)
        fs_forms_read_error(ld, node, "<statistics> 缺少 <roster>（统计表的表格）");
    else if (kind == FORM_INDEX && !rosters)
        fs_forms_read_error(ld, node, "<evidence-index> 缺少 <evidence>（佐证材料目录的表格）");
}

/* <page>: the page setup, GB/T 9704 when absent. */
static void load_page(loader *ld, xmlNodePtr node, fs_page_setup *pg)
{
    fs_forms_read_attrs(ld, node, "width height top bottom left right page-numbers");
    fs_forms_read_number(ld, node, "width", 50, 1000, &pg->width);
    fs_forms_read_number(ld, node, "height", 50, 1000, &pg->height);
    fs_forms_read_number(ld, node, "top", 0, 200, &pg->top);
    fs_forms_read_number(ld, node, "bottom", 0, 200, &pg->bottom);
    fs_forms_read_number(ld, node, "left", 0, 200, &pg->left);
    fs_forms_read_number(ld, node, "right", 0, 200, &pg->right);
    pg->pagenum = fs_forms_read_enum(ld, node, "page-numbers", "none gbt9704", (int)pg->pagenum)
        ? FS_PAGENUM_GBT9704 : FS_PAGENUM_NONE;
    if (pg->left + pg->right >= pg->width - 20 || pg->top + pg->bottom >= pg->height - 20)
        fs_forms_read_error(ld, node, "页边距太大，版心放不下");
}

/* <stars>: display names of the star levels (申报星级). */
static void load_stars(loader *ld, xmlNodePtr node, fs_forms *f)
{
    fs_forms_read_attrs(ld, node, "");
    for (xmlNodePtr c = node->children; c; c = c->next) {
        double level = 0;
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (!fs_forms_read_is(c, "star")) {
            fs_forms_read_error(ld, c, "<stars> 中只能有 <star>");
            continue;
        }
        fs_forms_read_attrs(ld, c, "level");
        if (!fs_forms_read_number(ld, c, "level", 1, 5, &level) || !fs_exact_eq(level, floor(level))) {
            fs_forms_read_error(ld, c, "<star> 的属性 level 应为 1 到 5 的整数");
            continue;
        }
        if (f->stars[(int)level])
            fs_forms_read_error(ld, c, "星级 %d 重复", (int)level);
        free(f->stars[(int)level]);
        char *t = fs_xml_text(c);
        f->stars[(int)level] = fs_text_trim(t);
        free(t);
    }
}

/* <towns>: the order of towns in the 统计表, as the city lists them
 * (街道, 镇, 功能区, 市直管): each <town> is a name a dossier's 镇街
 * starts with (南城 for 南城街道); <other/> says where towns not listed
 * go (at the end when absent). */
static void load_towns(loader *ld, xmlNodePtr node, fs_forms *f)
{
    int other = 0;

    fs_forms_read_attrs(ld, node, "");
    for (xmlNodePtr c = node->children; c; c = c->next) {
        char *t, *name;

        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (fs_forms_read_is(c, "other")) {
            if (other++)
                fs_forms_read_error(ld, c, "<towns> 中只能有一个 <other/>");
            f->other_rank = f->ntowns;
            continue;
        }
        if (!fs_forms_read_is(c, "town")) {
            fs_forms_read_error(ld, c, "<towns> 中只能有 <town> 和 <other/>");
            continue;
        }
        fs_forms_read_attrs(ld, c, "");
        t = fs_xml_text(c);
        name = fs_text_trim(t);
        free(t);
        if (!*name) {
            fs_forms_read_error(ld, c, "<town> 是空的");
            free(name);
            continue;
        }
        f->towns = fs_xrealloc(f->towns, (f->ntowns + 1) * sizeof *f->towns);
        f->towns[f->ntowns++] = name;
    }
    if (!other)
        f->other_rank = f->ntowns;
}

/* The place of TOWN (a dossier's 镇街) in F's order of towns: the index
 * of the listed name it starts with (the longest, if several do), else
 * the place of <other/>; a leading 东莞市 or 东莞 is passed over (东莞
 * 滨海湾新区).  Towns that share a rank are ordered by their
 * names by the caller. */
size_t fs_forms_town_rank(const fs_forms *f, const char *town)
{
    size_t best = f->other_rank, len = 0;

    if (town && strncmp(town, "东莞市", strlen("东莞市")) == 0)
        town += strlen("东莞市");
    else if (town && strncmp(town, "东莞", strlen("东莞")) == 0)
        town += strlen("东莞");
    for (size_t i = 0; town && i < f->ntowns; i++) {
        size_t n = strlen(f->towns[i]);

        if (n > len && strncmp(town, f->towns[i], n) == 0) {
            best = i < f->other_rank ? i : i + 1;
            len = n;
        }
    }
    return best;
}

/* Reads the forms template PATH (safely: no DTD, entity or network; at
 * most 1 MiB) and checks what the schema cannot: widths against the text
 * block, row spans, placeholders, column roles.  Every problem goes to
 * DIAGS as PATH:LINE.  Returns the template, which the caller frees with
 * fs_forms_free, or NULL with *ERR = FS_E_TEMPLATE. */
fs_forms *fs_forms_load(const char *path, fs_diags *diags, fs_error *err)
{
    loader ld = {path, diags, 0, 0};
    fs_forms *f = NULL;
    xmlDocPtr doc;
    xmlNodePtr root, sheet = NULL, app = NULL, stats = NULL, index = NULL;
    char *format = NULL;
    fs_error rerr;

    *err = FS_E_TEMPLATE;
    doc = fs_xml_read(path, FORMS_MAX_BYTES, diags, &rerr);
    if (!doc)
        goto done;
    root = xmlDocGetRootElement(doc);
    if (!fs_forms_read_is(root, "forms")) {
        fs_forms_read_error(&ld, root, "表格模板的根元素应为 <forms>，而不是 <%s>",
                            (const char *)root->name);
        goto done;
    }
    f = fs_xcalloc(1, sizeof *f);
    f->path = fs_strdup(path);
    f->page = (fs_page_setup){210, 297, 37, 35, 28, 26, FS_PAGENUM_GBT9704};
    fs_forms_read_attrs(&ld, root, "format id");
    format = fs_xml_attr(root, "format");
    if (!format || strcmp(format, "1") != 0)
        fs_forms_read_error(&ld, root, "<forms> 的属性 format 应为 1");
    f->id = fs_xml_attr(root, "id");
    if (!f->id || !fs_rubric_id_ok(f->id))
        fs_forms_read_error(&ld, root, "<forms> 缺少属性 id 或 id 不合规");
    for (xmlNodePtr c = root->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (fs_forms_read_is(c, "page"))
            load_page(&ld, c, &f->page);
        else if (fs_forms_read_is(c, "stars"))
            load_stars(&ld, c, f);
        else if (fs_forms_read_is(c, "towns") && !f->towns)
            load_towns(&ld, c, f);
        else if (fs_forms_read_is(c, "scoresheet") && !sheet)
            sheet = c;
        else if (fs_forms_read_is(c, "application") && !app)
            app = c;
        else if (fs_forms_read_is(c, "statistics") && !stats)
            stats = c;
        else if (fs_forms_read_is(c, "evidence-index") && !index)
            index = c;
        else
            fs_forms_read_error(&ld, c, "<forms> 中不能有 <%s>（或重复）", (const char *)c->name);
    }
    ld.text_width = f->page.width - f->page.left - f->page.right;
    f->sheet.page = f->app.page = f->stats.page = f->index.page = f->page;
    if (!sheet)
        fs_forms_read_error(&ld, root, "缺少 <scoresheet>（附件1 评定标准）");
    else
        load_form(&ld, sheet, &f->sheet, FORM_SHEET);
    if (!app)
        fs_forms_read_error(&ld, root, "缺少 <application>（附件2 申报表）");
    else
        load_form(&ld, app, &f->app, FORM_APP);
    if (index) {
        load_form(&ld, index, &f->index, FORM_INDEX);
        f->has_index = 1;
    }
    if (stats) {
        xmlNodePtr pg = fs_xml_child(stats, "page");
        if (pg)
            load_page(&ld, pg, &f->stats.page);
        ld.text_width = f->stats.page.width - f->stats.page.left - f->stats.page.right;
        load_form(&ld, stats, &f->stats, FORM_STATS);
        f->has_stats = 1;
    }
    if (!ld.errors)
        *err = FS_OK;
done:
    free(format);
    xmlFreeDoc(doc);
    if (*err) {
        fs_forms_free(f);
        f = NULL;
    }
    return f;
}

