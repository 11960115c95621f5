/*
 * fs-forms-blocks.c - the blocks of a form in a forms template: <fields>,
 * the <scores> table of the rubric, the <summary>, <grid> tables with
 * their cells, and <roster> (the 统计表's rows) or <evidence> (the
 * 佐证材料目录's), each read into the structures of fs-forms-private.h with
 * its widths checked against the text block.  fs-forms-load.c calls them
 * for each block of a form.
 */
#define _GNU_SOURCE
#include "fs-forms-private.h"
#include "fs-xml.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const role_names[ROLE_COUNT] = {
    "section", "number", "standard", "check", "max", "score", "note",
};

/* Appends block B to form F, which takes over what B holds. */
void fs_forms_blocks_add(tform *f, tblock b)
{
    f->blocks = fs_xrealloc(f->blocks, (f->nblocks + 1) * sizeof *f->blocks);
    f->blocks[f->nblocks++] = b;
}

/* Reports N column widths W of NODE that do not fill the text block. */
static void check_width(loader *ld, xmlNodePtr node, const double *w, size_t n)
{
    double sum = 0;

    for (size_t i = 0; i < n; i++)
        sum += w[i];
    if (fabs(sum - ld->text_width) > 0.01)
        fs_forms_read_error(ld, node, "<%s> 各列宽度之和为 %g 毫米，应等于版心宽度 %g 毫米",
                            (const char *)node->name, sum, ld->text_width);
}

/* <header> NODE of table T: the header row's style (*HEAD, refined by
 * NODE's attributes) and vertical alignment. */
static void read_header(loader *ld, xmlNodePtr node, tstyle *head, ttable *t)
{
    fs_forms_read_attrs(ld, node, STYLE_ATTRS " valign");
    *head = fs_forms_read_style(ld, node, head);
    t->head_valign = fs_forms_read_valign(ld, node, t->head_valign);
}

/* Reads the table attributes of NODE into T and returns its text style. */
static tstyle parse_table_attrs(loader *ld, xmlNodePtr node, ttable *t)
{
    tstyle st = fs_forms_read_base_style;

    st.size = FS_PT_HAO5;
    st.spacing = 1.25;
    st = fs_forms_read_style(ld, node, &st);
    t->pad_x = 1.0;
    t->pad_y = 1.0;
    t->border = 0.5;
    fs_forms_read_number(ld, node, "pad-x", 0, 20, &t->pad_x);
    fs_forms_read_number(ld, node, "pad-y", 0, 20, &t->pad_y);
    fs_forms_read_number(ld, node, "border", 0, 5, &t->border);
    return st;
}

/* <fields>: a line of fields set as a table without rules. */
void fs_forms_blocks_fields(loader *ld, xmlNodePtr node, tform *f)
{
    tblock b = {B_FIELDS, NULL, 0, NULL, 0, NULL};
    tstyle st;

    fs_forms_read_attrs(ld, node, STYLE_ATTRS);
    st = fs_forms_read_style(ld, node, &fs_forms_read_base_style);
    for (xmlNodePtr c = node->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (!fs_forms_read_is(c, "field")) {
            fs_forms_read_error(ld, c, "<fields> 中只能有 <field>，不能有 <%s>", (const char *)c->name);
            continue;
        }
        if (b.nparas == MAX_COLS) {
            fs_forms_read_error(ld, c, "<fields> 最多 %d 个 <field>", MAX_COLS);
            break;
        }
        fs_forms_read_attrs(ld, c, PARA_ATTRS " width");
        b.paras = fs_xrealloc(b.paras, (b.nparas + 1) * sizeof *b.paras);
        b.widths = fs_xrealloc(b.widths, (b.nparas + 1) * sizeof *b.widths);
        b.widths[b.nparas] = 0;
        if (!fs_forms_read_number(ld, c, "width", 1, 1000, &b.widths[b.nparas]))
            fs_forms_read_error(ld, c, "<field> 缺少属性 width（毫米）");
        b.paras[b.nparas++] = fs_forms_read_pattern(ld, c, fs_forms_read_style(ld, c, &st), CTX_FORM, 0);
    }
    if (!b.nparas)
        fs_forms_read_error(ld, node, "<fields> 至少要有一个 <field>");
    else
        check_width(ld, node, b.widths, b.nparas);
    fs_forms_blocks_add(f, b);
}

/* <scores>: the 附件1 table, one column per role. */
void fs_forms_blocks_scores(loader *ld, xmlNodePtr node, tform *f)
{
    ttable *t = fs_xcalloc(1, sizeof *t);
    tstyle st, head;
    int seen[ROLE_COUNT] = {0};
    xmlNodePtr sec = NULL;

    fs_forms_read_attrs(ld, node, STYLE_ATTRS " pad-x pad-y border");
    st = parse_table_attrs(ld, node, t);
    head = st;
    head.align = FS_ALIGN_CENTER;
    t->head_valign = FS_VALIGN_CENTER;
    t->section_valign = FS_VALIGN_CENTER;
    for (xmlNodePtr c = node->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (fs_forms_read_is(c, "header")) {
            read_header(ld, c, &head, t);
        } else if (fs_forms_read_is(c, "column")) {
            if (t->ncols == MAX_COLS) {
                fs_forms_read_error(ld, c, "表格最多 %d 列", MAX_COLS);
                continue;
            }
            size_t k = t->ncols++;
            int role;
            fs_forms_read_attrs(ld, c, STYLE_ATTRS " role width valign");
            role = fs_forms_read_enum(ld, c, "role", "section number standard check max score note", -1);
            if (role < 0) {
                fs_forms_read_error(ld, c, "<column> 缺少属性 role");
                role = ROLE_NOTE;
            } else if (seen[role]++) {
                fs_forms_read_error(ld, c, "角色 %s 的列重复", role_names[role]);
            }
            t->roles[k] = (col_role)role;
            if (!fs_forms_read_number(ld, c, "width", 1, 1000, &t->widths[k]))
                fs_forms_read_error(ld, c, "<column> 缺少属性 width（毫米）");
            t->body[k] = fs_forms_read_style(ld, c, &st);
            t->body_valign[k] = fs_forms_read_valign(ld, c, FS_VALIGN_CENTER);
            t->heads[k] = fs_forms_read_pattern(ld, c, head, CTX_FORM, 0);
        } else if (fs_forms_read_is(c, "section")) {
            tstyle ss;
            sec = c;
            fs_forms_read_attrs(ld, c, STYLE_ATTRS " valign");
            ss = st;
            ss.align = FS_ALIGN_CENTER;
            ss = fs_forms_read_style(ld, c, &ss);
            t->section_valign = fs_forms_read_valign(ld, c, FS_VALIGN_CENTER);
            for (xmlNodePtr p = c->children; p; p = p->next) {
                if (p->type != XML_ELEMENT_NODE)
                    continue;
                if (!fs_forms_read_is(p, "p")) {
                    fs_forms_read_error(ld, p, "<section> 中只能有 <p>");
                    continue;
                }
                fs_forms_read_attrs(ld, p, PARA_ATTRS);
                t->section = fs_xrealloc(t->section, (t->nsection + 1) * sizeof *t->section);
                t->section[t->nsection++] = fs_forms_read_pattern(ld, p, fs_forms_read_style(ld, p, &ss),
                                                                  CTX_FORM | CTX_SECTION, 0);
            }
        } else if (fs_forms_read_is(c, "total")) {
            tstyle ts = st;
            fs_forms_read_attrs(ld, c, PARA_ATTRS);
            ts.align = FS_ALIGN_CENTER;
            fs_forms_read_para_free(&t->total);
            t->total = fs_forms_read_pattern(ld, c, fs_forms_read_style(ld, c, &ts), CTX_FORM, 0);
            t->has_total = 1;
        } else {
            fs_forms_read_error(ld, c, "<scores> 中不能有 <%s>", (const char *)c->name);
        }
    }
    for (int r = ROLE_SECTION; r <= ROLE_STANDARD; r++)
        if (!seen[r])
            fs_forms_read_error(ld, node, "<scores> 缺少角色为 %s 的列", role_names[r]);
    if (!seen[ROLE_SCORE])
        fs_forms_read_error(ld, node, "<scores> 缺少角色为 score 的列");
    if (!sec || !t->nsection)
        fs_forms_read_error(ld, node, "<scores> 缺少 <section>（评定项目单元格的内容）");
    if (t->has_total && t->ncols &&
        (t->roles[0] == ROLE_MAX || t->roles[0] == ROLE_SCORE))
        fs_forms_read_error(ld, node, "合计行的标签需要分值、自评分两列之前至少有一列");
    if (t->ncols)
        check_width(ld, node, t->widths, t->ncols);
    fs_forms_blocks_add(f, (tblock){B_SCORES, NULL, 0, NULL, 0, t});
}

/* <summary>: three patterns, picked by the verdict. */
void fs_forms_blocks_summary(loader *ld, xmlNodePtr node, tform *f)
{
    static const char *const names[3] = {"qualified", "shortfall", "unrated"};
    tblock b = {B_SUMMARY, fs_xcalloc(3, sizeof(tpara)), 3, NULL, 0, NULL};
    tstyle st;

    fs_forms_read_attrs(ld, node, STYLE_ATTRS);
    st = fs_forms_read_style(ld, node, &fs_forms_read_base_style);
    for (int i = 0; i < 3; i++) {
        xmlNodePtr c = fs_xml_child(node, names[i]);
        if (!c) {
            fs_forms_read_error(ld, node, "<summary> 缺少 <%s>", names[i]);
            b.paras[i].st = st;
            continue;
        }
        fs_forms_read_attrs(ld, c, PARA_ATTRS);
        tstyle ps = fs_forms_read_style(ld, c, &st);
        /* the spacing of <summary> itself applies to whichever is printed */
        ps.before = xmlHasProp(c, (const xmlChar *)"space-before") ? ps.before : st.before;
        ps.after = xmlHasProp(c, (const xmlChar *)"space-after") ? ps.after : st.after;
        ps.keep = xmlHasProp(c, (const xmlChar *)"keep-with-next") ? ps.keep : st.keep;
        b.paras[i] = fs_forms_read_pattern(ld, c, ps, CTX_FORM, 0);
    }
    for (xmlNodePtr c = node->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && !fs_forms_read_is(c, "qualified") &&
            !fs_forms_read_is(c, "shortfall") && !fs_forms_read_is(c, "unrated"))
            fs_forms_read_error(ld, c, "<summary> 中不能有 <%s>", (const char *)c->name);
    fs_forms_blocks_add(f, b);
}

/* A <label> or <value> cell of a grid row. */
static tcell load_cell(loader *ld, xmlNodePtr node, const tstyle *row, unsigned ctx)
{
    tcell c = {fs_forms_read_is(node, "label"), 1, FS_VALIGN_CENTER, NULL, 0, 0};
    tstyle st = *row;
    double span = 1;

    fs_forms_read_attrs(ld, node, PARA_ATTRS " span valign narrative");
    if (c.label)
        st.align = FS_ALIGN_CENTER;
    st = fs_forms_read_style(ld, node, &st);
    if (fs_forms_read_number(ld, node, "span", 1, MAX_COLS, &span) && !fs_exact_eq(span, floor(span)))
        fs_forms_read_error(ld, node, "<%s> 的属性 span 应为整数", (const char *)node->name);
    c.span = (int)span;
    c.valign = fs_forms_read_valign(ld, node, st.narrative ? FS_VALIGN_TOP : FS_VALIGN_CENTER);
    c.multi = fs_xml_child(node, "p") != NULL;
    if (!c.multi) {
        c.paras = fs_xmalloc(sizeof *c.paras);
        c.paras[0] = fs_forms_read_pattern(ld, node, st, ctx, 0);
        c.nparas = 1;
        return c;
    }
    tpara between = fs_forms_read_pattern(ld, node, st, ctx, 1);
    if (!fs_forms_read_empty(&between))
        fs_forms_read_error(ld, node, "<%s> 有 <p> 时，文字都应写在 <p> 中", (const char *)node->name);
    fs_forms_read_para_free(&between);
    for (xmlNodePtr p = node->children; p; p = p->next) {
        if (!fs_forms_read_is(p, "p"))
            continue;
        fs_forms_read_attrs(ld, p, PARA_ATTRS " narrative");
        c.paras = fs_xrealloc(c.paras, (c.nparas + 1) * sizeof *c.paras);
        c.paras[c.nparas++] = fs_forms_read_pattern(ld, p, fs_forms_read_style(ld, p, &st), ctx, 0);
    }
    return c;
}

/* <grid>: columns, then rows of label and value cells. */
void fs_forms_blocks_grid(loader *ld, xmlNodePtr node, tform *f)
{
    ttable *t = fs_xcalloc(1, sizeof *t);
    tstyle st;

    fs_forms_read_attrs(ld, node, STYLE_ATTRS " pad-x pad-y border");
    st = parse_table_attrs(ld, node, t);
    for (xmlNodePtr c = node->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (fs_forms_read_is(c, "column")) {
            fs_forms_read_attrs(ld, c, "width");
            if (t->nrows)
                fs_forms_read_error(ld, c, "<column> 应写在所有行之前");
            if (t->ncols == MAX_COLS) {
                fs_forms_read_error(ld, c, "表格最多 %d 列", MAX_COLS);
                continue;
            }
            if (!fs_forms_read_number(ld, c, "width", 1, 1000, &t->widths[t->ncols]))
                fs_forms_read_error(ld, c, "<column> 缺少属性 width（毫米）");
            t->ncols++;
            continue;
        }
        if (!fs_forms_read_is(c, "row") && !fs_forms_read_is(c, "each-section")) {
            fs_forms_read_error(ld, c, "<grid> 中不能有 <%s>", (const char *)c->name);
            continue;
        }
        trow r = {fs_forms_read_is(c, "each-section"), 0, 0, NULL, 0};
        unsigned ctx = CTX_FORM | (r.each_section ? CTX_SECTION : 0);
        int cols = 0;
        fs_forms_read_attrs(ld, c, STYLE_ATTRS " min-height keep");
        tstyle rs = fs_forms_read_style(ld, c, &st);
        fs_forms_read_number(ld, c, "min-height", 0, 1000, &r.min_height);
        r.keep = fs_forms_read_yesno(ld, c, "keep", 0);
        for (xmlNodePtr k = c->children; k; k = k->next) {
            if (k->type != XML_ELEMENT_NODE)
                continue;
            if (!fs_forms_read_is(k, "label") && !fs_forms_read_is(k, "value")) {
                fs_forms_read_error(ld, k, "<%s> 中只能有 <label> 和 <value>", (const char *)c->name);
                continue;
            }
            r.cells = fs_xrealloc(r.cells, (r.ncells + 1) * sizeof *r.cells);
            r.cells[r.ncells] = load_cell(ld, k, &rs, ctx);
            cols += r.cells[r.ncells++].span;
        }
        if ((size_t)cols != t->ncols)
            fs_forms_read_error(ld, c, "这一行的单元格共占 %d 列，表格有 %zu 列", cols, t->ncols);
        t->rows = fs_xrealloc(t->rows, (t->nrows + 1) * sizeof *t->rows);
        t->rows[t->nrows++] = r;
    }
    if (!t->ncols)
        fs_forms_read_error(ld, node, "<grid> 缺少 <column>");
    else
        check_width(ld, node, t->widths, t->ncols);
    if (!t->nrows)
        fs_forms_read_error(ld, node, "<grid> 至少要有一行");
    fs_forms_blocks_add(f, (tblock){B_GRID, NULL, 0, NULL, 0, t});
}

/* Reads attribute NAME of NODE (a display word such as 是) into *OUT,
 * keeping DEF when it is absent. */
static void attr_word(xmlNodePtr node, const char *name, const char *def, char **out)
{
    char *v = fs_xml_attr(node, name);

    free(*out);
    *out = v ? v : fs_strdup(def);
}

/* <roster> (the 统计表: one column per field of a dossier's row, a
 * header text and a value pattern, and an optional <group> row per town)
 * or, with INDEX, <evidence> (the 佐证材料目录: one column per role, and
 * the words of its 页码 column).  The two share the header and columns. */
void fs_forms_blocks_roster(loader *ld, xmlNodePtr node, tform *f, int index)
{
    ttable *t = fs_xcalloc(1, sizeof *t);
    tstyle st, head;
    int seen[IDX_COUNT] = {0};
    double chars = 0;

    fs_forms_read_attrs(ld, node, index ? STYLE_ATTRS " pad-x pad-y border standard-chars missing "
                        "no-file not-attached none"
                        : STYLE_ATTRS " pad-x pad-y border yes no no-star");
    st = parse_table_attrs(ld, node, t);
    if (index) {
        fs_forms_read_number(ld, node, "standard-chars", 1, 5000, &chars);
        t->standard_chars = (int)chars;
        attr_word(node, "missing", "缺失", &t->yes);
        attr_word(node, "no-file", "无文件", &t->no);
        attr_word(node, "not-attached", "未附", &t->no_star);
        attr_word(node, "none", "", &t->none);
    } else {
        attr_word(node, "yes", "是", &t->yes);
        attr_word(node, "no", "否", &t->no);
        attr_word(node, "no-star", "", &t->no_star);
    }
    head = st;
    head.align = FS_ALIGN_CENTER;
    t->head_valign = FS_VALIGN_CENTER;
    for (xmlNodePtr c = node->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (fs_forms_read_is(c, "header")) {
            read_header(ld, c, &head, t);
        } else if (fs_forms_read_is(c, "column")) {
            char *value;
            int role;
            if (t->ncols == MAX_COLS) {
                fs_forms_read_error(ld, c, "表格最多 %d 列", MAX_COLS);
                continue;
            }
            size_t k = t->ncols++;
            fs_forms_read_attrs(ld, c, index ? STYLE_ATTRS " width role valign"
                                : STYLE_ATTRS " width value valign narrative");
            if (!fs_forms_read_number(ld, c, "width", 1, 1000, &t->widths[k]))
                fs_forms_read_error(ld, c, "<column> 缺少属性 width（毫米）");
            t->body[k] = fs_forms_read_style(ld, c, &st);
            t->body_valign[k] = fs_forms_read_valign(ld, c, FS_VALIGN_CENTER);
            t->heads[k] = fs_forms_read_pattern(ld, c, head, index ? CTX_FORM : CTX_STATS, 0);
            if (index) {
                role = fs_forms_read_enum(ld, c, "role", "number standard note caption file page sha", -1);
                if (role < 0)
                    fs_forms_read_error(ld, c, "<column> 缺少属性 role（number、standard、note、caption、"
                                        "file、page 或 sha）");
                else if (seen[role]++)
                    fs_forms_read_error(ld, c, "佐证材料目录中同一角色的列重复");
                t->iroles[k] = role < 0 ? IDX_CAPTION : (idx_role)role;
                continue;
            }
            t->vals[k].st = t->body[k];
            if ((value = fs_xml_attr(c, "value")) != NULL)
                fs_forms_read_text(ld, c, value, CTX_ROW, &t->vals[k]);
            else
                fs_forms_read_error(ld, c, "<column> 缺少属性 value（该列的内容，如 {name}）");
            free(value);
        } else if (!index && fs_forms_read_is(c, "group")) {
            tstyle gs = st;
            char *cont = fs_xml_attr(c, "continued");
            fs_forms_read_attrs(ld, c, PARA_ATTRS " continued");
            gs.kind = FS_PARA_HEADING;
            fs_forms_read_para_free(&t->group);
            t->group = fs_forms_read_pattern(ld, c, fs_forms_read_style(ld, c, &gs), CTX_GROUP, 0);
            t->has_group = 1;
            fs_forms_read_para_free(&t->group_cont);
            t->has_group_cont = 0;
            if (cont) {
                t->group_cont.st = t->group.st;
                t->group_cont.st.before = 0;
                fs_forms_read_text(ld, c, cont, CTX_GROUP, &t->group_cont);
                t->has_group_cont = 1;
            }
            free(cont);
        } else {
            fs_forms_read_error(ld, c, "<%s> 中不能有 <%s>", (const char *)node->name,
                                (const char *)c->name);
        }
    }
    if (index && !seen[IDX_CAPTION])
        fs_forms_read_error(ld, node, "<evidence> 缺少角色为 caption 的列");
    if (!t->ncols)
        fs_forms_read_error(ld, node, "<%s> 缺少 <column>", (const char *)node->name);
    else
        check_width(ld, node, t->widths, t->ncols);
    fs_forms_blocks_add(f, (tblock){index ? B_EVIDENCE : B_ROSTER, NULL, 0, NULL, 0, t});
}
