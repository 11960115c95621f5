/*
 * fs-forms-load.c - reads a forms template (templates/forms/ID.xml, schema
 * templates/forms.xsd) into the structures of fs-forms-private.h: every
 * style resolved (table → row → cell → paragraph inheritance) and every
 * text split into literal pieces, placeholders and blanks, so that
 * building a document is a walk that substitutes values and never parses
 * again.  Placeholders belong to contexts, checked here: the form of one
 * dossier (附件1, 附件2), a rubric section inside it, the 统计表 as a
 * whole, one dossier's row of the 统计表, and the row that opens a town's
 * group.  Problems go to the diagnostics with the template's file:line.
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

static const char *const role_names[ROLE_COUNT] = {
    "section", "number", "standard", "check", "max", "score", "note",
};

/* ------------------------------------------------------------------------
 * Freeing.
 * ---------------------------------------------------------------------- */

/* Frees the pieces of P (not P itself) and leaves it empty. */
static void tpara_free(tpara *p)
{
    for (size_t i = 0; i < p->nsegs; i++)
        free(p->segs[i].text);
    free(p->segs);
    p->segs = NULL;
    p->nsegs = 0;
}

/* Frees the N patterns of the array V and the array. */
static void tparas_free(tpara *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        tpara_free(&v[i]);
    free(v);
}

/* Frees table T (<scores> or <grid>) and all it holds; NULL is fine. */
static void ttable_free(ttable *t)
{
    if (!t)
        return;
    for (size_t c = 0; c < t->ncols; c++) {
        tpara_free(&t->heads[c]);
        tpara_free(&t->vals[c]);
    }
    tpara_free(&t->group);
    tpara_free(&t->group_cont);
    free(t->yes);
    free(t->no);
    free(t->no_star);
    free(t->none);
    tparas_free(t->section, t->nsection);
    tpara_free(&t->total);
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
    tpara_free(&f->title);
    tpara_free(&f->subject);
    tpara_free(&f->keywords);
    tpara_free(&f->running);
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
 * Loading: attributes and styles.
 * ---------------------------------------------------------------------- */

typedef struct loader {
    const char *path;
    fs_diags *diags;
    size_t errors;
    double text_width;          /* mm, the text block                      */
} loader;

/* Reports a problem of the template at NODE's line and counts it. */
static void load_error(loader *ld, xmlNodePtr node, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void load_error(loader *ld, xmlNodePtr node, const char *fmt, ...)
{
    va_list ap;
    char *msg = NULL;

    va_start(ap, fmt);
    if (vasprintf(&msg, fmt, ap) < 0)
        msg = NULL;
    va_end(ap);
    fs_diags_add(ld->diags, ld->path, fs_xml_line(node), FS_ERROR, "%s",
                 msg ? msg : "?");
    free(msg);
    ld->errors++;
}

/* Is N an element named NAME? */
static int is_elem(xmlNodePtr n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

/* Reports every attribute of NODE whose name is not in the space-separated
 * list ALLOWED (a typo such as space_before must not pass silently). */
static void check_attrs(loader *ld, xmlNodePtr node, const char *allowed)
{
    for (xmlAttrPtr a = node->properties; a; a = a->next) {
        const char *name = (const char *)a->name;
        size_t n = strlen(name);
        const char *p = allowed;
        int ok = 0;

        while (*p && !ok) {
            size_t k = strcspn(p, " ");
            ok = k == n && strncmp(p, name, n) == 0;
            p += k;
            while (*p == ' ')
                p++;
        }
        if (!ok && strcmp(name, "print") != 0)  /* any block: load_form */
            load_error(ld, node, "<%s> 不允许有属性 %s", (const char *)node->name, name);
    }
}

#define STYLE_ATTRS "font size align indent line-spacing space-before " \
    "space-after keep-with-next bold"
/* ... and those of an element that makes paragraphs (kind: fs_para_kind). */
#define PARA_ATTRS STYLE_ATTRS " kind"
#define KIND_WORDS "body attachment title subtitle heading cell note signature"

/* Parses attribute NAME of NODE as a number in [LO, HI] into *OUT; leaves
 * *OUT alone when the attribute is absent.  Returns 1 when it was set. */
static int attr_number(loader *ld, xmlNodePtr node, const char *name,
                       double lo, double hi, double *out)
{
    char *v = fs_xml_attr(node, name), *end;
    double x;
    int set = 0;

    if (!v)
        return 0;
    x = strtod(v, &end);
    while (*end == ' ')
        end++;
    if (end == v || *end || !isfinite(x) || x < lo || x > hi)
        load_error(ld, node, "<%s> 的属性 %s=\"%s\" 应为 %g 到 %g 之间的数",
                   (const char *)node->name, name, v, lo, hi);
    else {
        *out = x;
        set = 1;
    }
    free(v);
    return set;
}

/* Parses attribute NAME of NODE as one of the space-separated WORDS and
 * returns its index, DEF when the attribute is absent or wrong. */
static int attr_enum(loader *ld, xmlNodePtr node, const char *name,
                     const char *words, int def)
{
    char *v = fs_xml_attr(node, name);
    const char *p = words;
    int i = 0, found = -1;

    if (!v)
        return def;
    while (*p) {
        size_t k = strcspn(p, " ");
        if (k == strlen(v) && strncmp(p, v, k) == 0) {
            found = i;
            break;
        }
        p += k;
        while (*p == ' ')
            p++;
        i++;
    }
    if (found < 0)
        load_error(ld, node, "<%s> 的属性 %s=\"%s\" 应为以下之一：%s",
                   (const char *)node->name, name, v, words);
    free(v);
    return found < 0 ? def : found;
}

/* Attribute NAME of NODE as yes (1) or no (0); DEF when absent or wrong. */
static int attr_yesno(loader *ld, xmlNodePtr node, const char *name, int def)
{
    return attr_enum(ld, node, name, "no yes", def);
}

/* Chinese type sizes (号) in points. */
static const struct { const char *name; double pt; } size_names[] = {
    {"初号", 42}, {"小初", 36}, {"一号", 26}, {"小一", 24}, {"二号", 22},
    {"小二", 18}, {"三号", 16}, {"小三", 15}, {"四号", 14}, {"小四", 12},
    {"五号", 10.5}, {"小五", 9}, {"六号", 7.5},
};

/* Reads the size attribute of NODE (a 号 name or points) into *OUT. */
static void attr_size(loader *ld, xmlNodePtr node, double *out)
{
    char *v = fs_xml_attr(node, "size");

    if (!v)
        return;
    for (size_t i = 0; i < sizeof size_names / sizeof *size_names; i++)
        if (strcmp(v, size_names[i].name) == 0) {
            *out = size_names[i].pt;
            free(v);
            return;
        }
    free(v);
    attr_number(ld, node, "size", 4, 72, out);
}

/* The style of NODE: PARENT's text properties (font, size, alignment,
 * indent, line spacing, narrative) with NODE's attributes applied; the
 * spacing around paragraphs and keep-with-next are not inherited. */
static tstyle parse_style(loader *ld, xmlNodePtr node, const tstyle *parent)
{
    tstyle st = *parent;

    st.before = st.after = 0;
    st.role = (fs_font_role)attr_enum(ld, node, "font", "song hei kai latin fallback fangsong xiaobiaosong",
                                      (int)st.role);
    attr_size(ld, node, &st.size);
    st.align = (fs_align)attr_enum(ld, node, "align", "left center right justify",
                                   (int)st.align);
    attr_number(ld, node, "indent", 0, 20, &st.indent);
    attr_number(ld, node, "line-spacing", 0.5, 5, &st.spacing);
    attr_number(ld, node, "space-before", 0, 200, &st.before);
    attr_number(ld, node, "space-after", 0, 200, &st.after);
    st.keep = attr_yesno(ld, node, "keep-with-next", 0);
    if (attr_yesno(ld, node, "bold", (st.flags & FS_RUN_BOLD) != 0))
        st.flags |= FS_RUN_BOLD;
    else
        st.flags &= ~(unsigned)FS_RUN_BOLD;
    /* narrative="yes": paragraphs indented two characters and justified,
     * unless the element itself says otherwise; its children inherit the
     * result like any other style. */
    st.narrative = attr_yesno(ld, node, "narrative", st.narrative);
    st.kind = attr_enum(ld, node, "kind", KIND_WORDS, st.kind);
    if (st.narrative && xmlHasProp(node, (const xmlChar *)"narrative")) {
        if (!xmlHasProp(node, (const xmlChar *)"indent"))
            st.indent = 2;
        if (!xmlHasProp(node, (const xmlChar *)"align"))
            st.align = FS_ALIGN_JUSTIFY;
    }
    return st;
}

/* The valign attribute of NODE; DEF when absent or wrong. */
static fs_valign parse_valign(loader *ld, xmlNodePtr node, fs_valign def)
{
    return (fs_valign)attr_enum(ld, node, "valign", "top center bottom", (int)def);
}

/* ------------------------------------------------------------------------
 * Loading: texts.
 * ---------------------------------------------------------------------- */

/* Appends piece S to pattern P. */
static void add_seg(tpara *p, tseg s)
{
    p->segs = fs_xrealloc(p->segs, (p->nsegs + 1) * sizeof *p->segs);
    p->segs[p->nsegs++] = s;
}

/* Appends literal text [S, S+N) to P, merging with a literal before it. */
static void add_literal(tpara *p, const char *s, size_t n)
{
    tseg *last = p->nsegs ? &p->segs[p->nsegs - 1] : NULL;

    if (!n)
        return;
    if (last && last->kind == SEG_TEXT) {
        size_t k = strlen(last->text);
        last->text = fs_xrealloc(last->text, k + n + 1);
        memcpy(last->text + k, s, n);
        last->text[k + n] = '\0';
        return;
    }
    char *t = fs_xmalloc(n + 1);
    memcpy(t, s, n);
    t[n] = '\0';
    add_seg(p, (tseg){SEG_TEXT, t, 0, 0, 0});
}

/* Splits TEXT (a text node of NODE) into literals and placeholders and
 * appends them to P; placeholders must be known and allowed in CTX. */
static void parse_text(loader *ld, xmlNodePtr node, const char *text,
                       unsigned ctx, tpara *p)
{
    const char *s = text;

    while (*s) {
        size_t n = strcspn(s, "{}");
        add_literal(p, s, n);
        s += n;
        if (!*s)
            break;
        if (s[0] == s[1]) {             /* {{ or }} */
            add_literal(p, s, 1);
            s += 2;
            continue;
        }
        if (*s == '}') {
            load_error(ld, node, "<%s> 中有多余的 }（要印出 } 请写 }}）",
                       (const char *)node->name);
            s++;
            continue;
        }
        const char *close = strchr(s, '}');
        if (!close) {
            load_error(ld, node, "<%s> 中的 { 没有对应的 }（要印出 { 请写 {{）",
                       (const char *)node->name);
            break;
        }
        size_t k = (size_t)(close - s - 1);
        const struct var_def *def = fs_form_text_var(s + 1, k);
        if (!def)
            load_error(ld, node, "<%s> 中有未知的占位符 {%.*s}",
                       (const char *)node->name, (int)k, s + 1);
        else if (!(def->ctx & ctx)) {
            char where[512];
            load_error(ld, node, "占位符 {%s} 不能用在 <%s> 中（可用于：%s）",
                       def->name, (const char *)node->name,
                       fs_form_text_where(def->ctx, where, sizeof where));
        }
        else
            add_seg(p, (tseg){SEG_VAR, NULL, def->id, 0, 0});
        s = close + 1;
    }
}

/* Removes the line breaks of the template's source from S in place: a
 * newline and the blanks around it vanish (lines of Chinese join without
 * a space), and so do ASCII blanks at the start (FIRST) and end (LAST). */
static void squeeze(char *s, int first, int last)
{
    char *w = s;
    const char *r = s;

    while (*r) {
        if (*r == ' ' || *r == '\t' || *r == '\n' || *r == '\r') {
            const char *e = r;
            int nl = 0;
            while (*e == ' ' || *e == '\t' || *e == '\n' || *e == '\r')
                nl |= *e == '\n' || *e == '\r', e++;
            if (!nl && !(first && w == s) && !(last && !*e)) {
                memmove(w, r, (size_t)(e - r));
                w += e - r;
            }
            r = e;
            continue;
        }
        *w++ = *r++;
    }
    *w = '\0';
}

/* Reads the mixed content of NODE (text and <blank/>) into a pattern with
 * style ST.  Other child elements are errors unless ALLOW_P (they are then
 * handled by the caller). */
static tpara parse_pattern(loader *ld, xmlNodePtr node, tstyle st,
                           unsigned ctx, int allow_p)
{
    tpara p = {st, NULL, 0};
    xmlNodePtr first = NULL, last = NULL;

    for (xmlNodePtr c = node->children; c; c = c->next)
        if (c->type == XML_TEXT_NODE || is_elem(c, "blank")) {
            if (!first)
                first = c;
            last = c;
        }
    for (xmlNodePtr c = node->children; c; c = c->next) {
        if (c->type == XML_TEXT_NODE) {
            xmlChar *raw = xmlNodeGetContent(c);
            char *t = fs_strdup((const char *)raw);
            xmlFree(raw);
            squeeze(t, c == first, c == last);
            parse_text(ld, node, t, ctx, &p);
            free(t);
        } else if (is_elem(c, "blank")) {
            double n = 0;
            check_attrs(ld, c, "n underline");
            if (!attr_number(ld, c, "n", 1, 40, &n))
                load_error(ld, c, "<blank> 缺少属性 n（空出的字数）");
            else if (!fs_exact_eq(n, floor(n)))
                load_error(ld, c, "<blank> 的属性 n 应为整数");
            add_seg(&p, (tseg){SEG_BLANK, NULL, 0, (int)n,
                               attr_yesno(ld, c, "underline", 1)});
        } else if (c->type == XML_ELEMENT_NODE && !(allow_p && is_elem(c, "p"))) {
            load_error(ld, c, "<%s> 中不能有 <%s>", (const char *)node->name,
                       (const char *)c->name);
        }
    }
    return p;
}

/* Is P nothing but white space (what a cell made of <p> elements may
 * hold between them)? */
static int pattern_empty(const tpara *p)
{
    for (size_t i = 0; i < p->nsegs; i++)
        if (p->segs[i].kind != SEG_TEXT ||
            strspn(p->segs[i].text, " \t\r\n") != strlen(p->segs[i].text))
            return 0;
    return 1;
}

/* ------------------------------------------------------------------------
 * Loading: blocks.
 * ---------------------------------------------------------------------- */

/* Appends block B to form F, which takes over what B holds. */
static void add_block(tform *f, tblock b)
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
        load_error(ld, node, "<%s> 各列宽度之和为 %g 毫米，应等于版心宽度 %g 毫米",
                   (const char *)node->name, sum, ld->text_width);
}

/* The default style of a document paragraph. */
static const tstyle base_style = {
    .role = FS_ROLE_SONG, .size = FS_PT_XIAO4, .align = FS_ALIGN_LEFT,
    .spacing = 1.5, .kind = -1,
};

/* Reads the table attributes of NODE into T and returns its text style. */
static tstyle parse_table_attrs(loader *ld, xmlNodePtr node, ttable *t)
{
    tstyle st = base_style;

    st.size = FS_PT_HAO5;
    st.spacing = 1.25;
    st = parse_style(ld, node, &st);
    t->pad_x = 1.0;
    t->pad_y = 1.0;
    t->border = 0.5;
    attr_number(ld, node, "pad-x", 0, 20, &t->pad_x);
    attr_number(ld, node, "pad-y", 0, 20, &t->pad_y);
    attr_number(ld, node, "border", 0, 5, &t->border);
    return st;
}

/* <fields>: a line of fields set as a table without rules. */
static void load_fields(loader *ld, xmlNodePtr node, tform *f)
{
    tblock b = {B_FIELDS, NULL, 0, NULL, 0, NULL};
    tstyle st;

    check_attrs(ld, node, STYLE_ATTRS);
    st = parse_style(ld, node, &base_style);
    for (xmlNodePtr c = node->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (!is_elem(c, "field")) {
            load_error(ld, c, "<fields> 中只能有 <field>，不能有 <%s>", (const char *)c->name);
            continue;
        }
        if (b.nparas == MAX_COLS) {
            load_error(ld, c, "<fields> 最多 %d 个 <field>", MAX_COLS);
            break;
        }
        check_attrs(ld, c, PARA_ATTRS " width");
        b.paras = fs_xrealloc(b.paras, (b.nparas + 1) * sizeof *b.paras);
        b.widths = fs_xrealloc(b.widths, (b.nparas + 1) * sizeof *b.widths);
        b.widths[b.nparas] = 0;
        if (!attr_number(ld, c, "width", 1, 1000, &b.widths[b.nparas]))
            load_error(ld, c, "<field> 缺少属性 width（毫米）");
        b.paras[b.nparas++] = parse_pattern(ld, c, parse_style(ld, c, &st), CTX_FORM, 0);
    }
    if (!b.nparas)
        load_error(ld, node, "<fields> 至少要有一个 <field>");
    else
        check_width(ld, node, b.widths, b.nparas);
    add_block(f, b);
}

/* <scores>: the 附件1 table, one column per role. */
static void load_scores(loader *ld, xmlNodePtr node, tform *f)
{
    ttable *t = fs_xcalloc(1, sizeof *t);
    tstyle st, head;
    int seen[ROLE_COUNT] = {0};
    xmlNodePtr sec = NULL;

    check_attrs(ld, node, STYLE_ATTRS " pad-x pad-y border");
    st = parse_table_attrs(ld, node, t);
    head = st;
    head.align = FS_ALIGN_CENTER;
    t->head_valign = FS_VALIGN_CENTER;
    t->section_valign = FS_VALIGN_CENTER;
    for (xmlNodePtr c = node->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (is_elem(c, "header")) {
            check_attrs(ld, c, STYLE_ATTRS " valign");
            head = parse_style(ld, c, &head);
            t->head_valign = parse_valign(ld, c, t->head_valign);
        } else if (is_elem(c, "column")) {
            if (t->ncols == MAX_COLS) {
                load_error(ld, c, "表格最多 %d 列", MAX_COLS);
                continue;
            }
            size_t k = t->ncols++;
            int role;
            check_attrs(ld, c, STYLE_ATTRS " role width valign");
            role = attr_enum(ld, c, "role", "section number standard check max score note", -1);
            if (role < 0) {
                load_error(ld, c, "<column> 缺少属性 role");
                role = ROLE_NOTE;
            } else if (seen[role]++) {
                load_error(ld, c, "角色 %s 的列重复", role_names[role]);
            }
            t->roles[k] = (col_role)role;
            if (!attr_number(ld, c, "width", 1, 1000, &t->widths[k]))
                load_error(ld, c, "<column> 缺少属性 width（毫米）");
            t->body[k] = parse_style(ld, c, &st);
            t->body_valign[k] = parse_valign(ld, c, FS_VALIGN_CENTER);
            t->heads[k] = parse_pattern(ld, c, head, CTX_FORM, 0);
        } else if (is_elem(c, "section")) {
            tstyle ss;
            sec = c;
            check_attrs(ld, c, STYLE_ATTRS " valign");
            ss = st;
            ss.align = FS_ALIGN_CENTER;
            ss = parse_style(ld, c, &ss);
            t->section_valign = parse_valign(ld, c, FS_VALIGN_CENTER);
            for (xmlNodePtr p = c->children; p; p = p->next) {
                if (p->type != XML_ELEMENT_NODE)
                    continue;
                if (!is_elem(p, "p")) {
                    load_error(ld, p, "<section> 中只能有 <p>");
                    continue;
                }
                check_attrs(ld, p, PARA_ATTRS);
                t->section = fs_xrealloc(t->section, (t->nsection + 1) * sizeof *t->section);
                t->section[t->nsection++] = parse_pattern(ld, p, parse_style(ld, p, &ss),
                                                          CTX_FORM | CTX_SECTION, 0);
            }
        } else if (is_elem(c, "total")) {
            tstyle ts = st;
            check_attrs(ld, c, PARA_ATTRS);
            ts.align = FS_ALIGN_CENTER;
            tpara_free(&t->total);
            t->total = parse_pattern(ld, c, parse_style(ld, c, &ts), CTX_FORM, 0);
            t->has_total = 1;
        } else {
            load_error(ld, c, "<scores> 中不能有 <%s>", (const char *)c->name);
        }
    }
    for (int r = ROLE_SECTION; r <= ROLE_STANDARD; r++)
        if (!seen[r])
            load_error(ld, node, "<scores> 缺少角色为 %s 的列", role_names[r]);
    if (!seen[ROLE_SCORE])
        load_error(ld, node, "<scores> 缺少角色为 score 的列");
    if (!sec || !t->nsection)
        load_error(ld, node, "<scores> 缺少 <section>（评定项目单元格的内容）");
    if (t->has_total && t->ncols &&
        (t->roles[0] == ROLE_MAX || t->roles[0] == ROLE_SCORE))
        load_error(ld, node, "合计行的标签需要分值、自评分两列之前至少有一列");
    if (t->ncols)
        check_width(ld, node, t->widths, t->ncols);
    add_block(f, (tblock){B_SCORES, NULL, 0, NULL, 0, t});
}

/* <summary>: three patterns, picked by the verdict. */
static void load_summary(loader *ld, xmlNodePtr node, tform *f)
{
    static const char *const names[3] = {"qualified", "shortfall", "unrated"};
    tblock b = {B_SUMMARY, fs_xcalloc(3, sizeof(tpara)), 3, NULL, 0, NULL};
    tstyle st;

    check_attrs(ld, node, STYLE_ATTRS);
    st = parse_style(ld, node, &base_style);
    for (int i = 0; i < 3; i++) {
        xmlNodePtr c = fs_xml_child(node, names[i]);
        if (!c) {
            load_error(ld, node, "<summary> 缺少 <%s>", names[i]);
            b.paras[i].st = st;
            continue;
        }
        check_attrs(ld, c, PARA_ATTRS);
        tstyle ps = parse_style(ld, c, &st);
        /* the spacing of <summary> itself applies to whichever is printed */
        ps.before = xmlHasProp(c, (const xmlChar *)"space-before") ? ps.before : st.before;
        ps.after = xmlHasProp(c, (const xmlChar *)"space-after") ? ps.after : st.after;
        ps.keep = xmlHasProp(c, (const xmlChar *)"keep-with-next") ? ps.keep : st.keep;
        b.paras[i] = parse_pattern(ld, c, ps, CTX_FORM, 0);
    }
    for (xmlNodePtr c = node->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && !is_elem(c, "qualified") &&
            !is_elem(c, "shortfall") && !is_elem(c, "unrated"))
            load_error(ld, c, "<summary> 中不能有 <%s>", (const char *)c->name);
    add_block(f, b);
}

/* A <label> or <value> cell of a grid row. */
static tcell load_cell(loader *ld, xmlNodePtr node, const tstyle *row, unsigned ctx)
{
    tcell c = {is_elem(node, "label"), 1, FS_VALIGN_CENTER, NULL, 0, 0};
    tstyle st = *row;
    double span = 1;

    check_attrs(ld, node, PARA_ATTRS " span valign narrative");
    if (c.label)
        st.align = FS_ALIGN_CENTER;
    st = parse_style(ld, node, &st);
    if (attr_number(ld, node, "span", 1, MAX_COLS, &span) && !fs_exact_eq(span, floor(span)))
        load_error(ld, node, "<%s> 的属性 span 应为整数", (const char *)node->name);
    c.span = (int)span;
    c.valign = parse_valign(ld, node, st.narrative ? FS_VALIGN_TOP : FS_VALIGN_CENTER);
    c.multi = fs_xml_child(node, "p") != NULL;
    if (!c.multi) {
        c.paras = fs_xmalloc(sizeof *c.paras);
        c.paras[0] = parse_pattern(ld, node, st, ctx, 0);
        c.nparas = 1;
        return c;
    }
    tpara between = parse_pattern(ld, node, st, ctx, 1);
    if (!pattern_empty(&between))
        load_error(ld, node, "<%s> 有 <p> 时，文字都应写在 <p> 中", (const char *)node->name);
    tpara_free(&between);
    for (xmlNodePtr p = node->children; p; p = p->next) {
        if (!is_elem(p, "p"))
            continue;
        check_attrs(ld, p, PARA_ATTRS " narrative");
        c.paras = fs_xrealloc(c.paras, (c.nparas + 1) * sizeof *c.paras);
        c.paras[c.nparas++] = parse_pattern(ld, p, parse_style(ld, p, &st), ctx, 0);
    }
    return c;
}

/* <grid>: columns, then rows of label and value cells. */
static void load_grid(loader *ld, xmlNodePtr node, tform *f)
{
    ttable *t = fs_xcalloc(1, sizeof *t);
    tstyle st;

    check_attrs(ld, node, STYLE_ATTRS " pad-x pad-y border");
    st = parse_table_attrs(ld, node, t);
    for (xmlNodePtr c = node->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (is_elem(c, "column")) {
            check_attrs(ld, c, "width");
            if (t->nrows)
                load_error(ld, c, "<column> 应写在所有行之前");
            if (t->ncols == MAX_COLS) {
                load_error(ld, c, "表格最多 %d 列", MAX_COLS);
                continue;
            }
            if (!attr_number(ld, c, "width", 1, 1000, &t->widths[t->ncols]))
                load_error(ld, c, "<column> 缺少属性 width（毫米）");
            t->ncols++;
            continue;
        }
        if (!is_elem(c, "row") && !is_elem(c, "each-section")) {
            load_error(ld, c, "<grid> 中不能有 <%s>", (const char *)c->name);
            continue;
        }
        trow r = {is_elem(c, "each-section"), 0, 0, NULL, 0};
        unsigned ctx = CTX_FORM | (r.each_section ? CTX_SECTION : 0);
        int cols = 0;
        check_attrs(ld, c, STYLE_ATTRS " min-height keep");
        tstyle rs = parse_style(ld, c, &st);
        attr_number(ld, c, "min-height", 0, 1000, &r.min_height);
        r.keep = attr_yesno(ld, c, "keep", 0);
        for (xmlNodePtr k = c->children; k; k = k->next) {
            if (k->type != XML_ELEMENT_NODE)
                continue;
            if (!is_elem(k, "label") && !is_elem(k, "value")) {
                load_error(ld, k, "<%s> 中只能有 <label> 和 <value>", (const char *)c->name);
                continue;
            }
            r.cells = fs_xrealloc(r.cells, (r.ncells + 1) * sizeof *r.cells);
            r.cells[r.ncells] = load_cell(ld, k, &rs, ctx);
            cols += r.cells[r.ncells++].span;
        }
        if ((size_t)cols != t->ncols)
            load_error(ld, c, "这一行的单元格共占 %d 列，表格有 %zu 列", cols, t->ncols);
        t->rows = fs_xrealloc(t->rows, (t->nrows + 1) * sizeof *t->rows);
        t->rows[t->nrows++] = r;
    }
    if (!t->ncols)
        load_error(ld, node, "<grid> 缺少 <column>");
    else
        check_width(ld, node, t->widths, t->ncols);
    if (!t->nrows)
        load_error(ld, node, "<grid> 至少要有一行");
    add_block(f, (tblock){B_GRID, NULL, 0, NULL, 0, t});
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
static void load_roster(loader *ld, xmlNodePtr node, tform *f, int index)
{
    ttable *t = fs_xcalloc(1, sizeof *t);
    tstyle st, head;
    int seen[IDX_COUNT] = {0};
    double chars = 0;

    check_attrs(ld, node, index ? STYLE_ATTRS " pad-x pad-y border standard-chars missing "
                                  "no-file not-attached none"
                                : STYLE_ATTRS " pad-x pad-y border yes no no-star");
    st = parse_table_attrs(ld, node, t);
    if (index) {
        attr_number(ld, node, "standard-chars", 1, 5000, &chars);
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
        if (is_elem(c, "header")) {
            check_attrs(ld, c, STYLE_ATTRS " valign");
            head = parse_style(ld, c, &head);
            t->head_valign = parse_valign(ld, c, t->head_valign);
        } else if (is_elem(c, "column")) {
            char *value;
            int role;
            if (t->ncols == MAX_COLS) {
                load_error(ld, c, "表格最多 %d 列", MAX_COLS);
                continue;
            }
            size_t k = t->ncols++;
            check_attrs(ld, c, index ? STYLE_ATTRS " width role valign"
                                     : STYLE_ATTRS " width value valign narrative");
            if (!attr_number(ld, c, "width", 1, 1000, &t->widths[k]))
                load_error(ld, c, "<column> 缺少属性 width（毫米）");
            t->body[k] = parse_style(ld, c, &st);
            t->body_valign[k] = parse_valign(ld, c, FS_VALIGN_CENTER);
            t->heads[k] = parse_pattern(ld, c, head, index ? CTX_FORM : CTX_STATS, 0);
            if (index) {
                role = attr_enum(ld, c, "role", "number standard note caption file page sha", -1);
                if (role < 0)
                    load_error(ld, c, "<column> 缺少属性 role（number、standard、note、caption、"
                               "file、page 或 sha）");
                else if (seen[role]++)
                    load_error(ld, c, "佐证材料目录中同一角色的列重复");
                t->iroles[k] = role < 0 ? IDX_CAPTION : (idx_role)role;
                continue;
            }
            t->vals[k].st = t->body[k];
            if ((value = fs_xml_attr(c, "value")) != NULL)
                parse_text(ld, c, value, CTX_ROW, &t->vals[k]);
            else
                load_error(ld, c, "<column> 缺少属性 value（该列的内容，如 {name}）");
            free(value);
        } else if (!index && is_elem(c, "group")) {
            tstyle gs = st;
            char *cont = fs_xml_attr(c, "continued");
            check_attrs(ld, c, PARA_ATTRS " continued");
            gs.kind = FS_PARA_HEADING;
            tpara_free(&t->group);
            t->group = parse_pattern(ld, c, parse_style(ld, c, &gs), CTX_GROUP, 0);
            t->has_group = 1;
            tpara_free(&t->group_cont);
            t->has_group_cont = 0;
            if (cont) {
                t->group_cont.st = t->group.st;
                t->group_cont.st.before = 0;
                parse_text(ld, c, cont, CTX_GROUP, &t->group_cont);
                t->has_group_cont = 1;
            }
            free(cont);
        } else {
            load_error(ld, c, "<%s> 中不能有 <%s>", (const char *)node->name,
                       (const char *)c->name);
        }
    }
    if (index && !seen[IDX_CAPTION])
        load_error(ld, node, "<evidence> 缺少角色为 caption 的列");
    if (!t->ncols)
        load_error(ld, node, "<%s> 缺少 <column>", (const char *)node->name);
    else
        check_width(ld, node, t->widths, t->ncols);
    add_block(f, (tblock){index ? B_EVIDENCE : B_ROSTER, NULL, 0, NULL, 0, t});
}

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
    tstyle st = base_style;
    unsigned ctx = kind == FORM_STATS ? CTX_STATS : CTX_FORM;
    size_t rosters = 0;

    check_attrs(ld, node, "");
    for (xmlNodePtr c = node->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (!attr_yesno(ld, c, "print", 1)) {
            continue;                   /* switched off in the template */
        } else if (kind == FORM_STATS && is_elem(c, "page")) {
            continue;                   /* read by the caller, first */
        } else if (is_elem(c, "meta")) {
            check_attrs(ld, c, "title subject keywords");
            static const char *const names[3] = {"title", "subject", "keywords"};
            tpara *dst[3] = {&f->title, &f->subject, &f->keywords};
            for (int i = 0; i < 3; i++) {
                char *v = fs_xml_attr(c, names[i]);
                if (v) {
                    tpara_free(dst[i]);
                    parse_text(ld, c, v, ctx, dst[i]);
                }
                free(v);
            }
            if (!xmlHasProp(c, (const xmlChar *)"title"))
                load_error(ld, c, "<meta> 缺少属性 title");
        } else if (kind != FORM_STATS && is_elem(c, "running")) {
            tstyle rs = st;
            check_attrs(ld, c, STYLE_ATTRS);
            rs.size = 9;                        /* 小五 */
            rs.align = FS_ALIGN_RIGHT;
            tpara_free(&f->running);
            f->running = parse_pattern(ld, c, parse_style(ld, c, &rs), ctx, 0);
            f->has_running = 1;
        } else if (is_elem(c, "attachment") || is_elem(c, "title") || is_elem(c, "para")) {
            tblock b = {B_PARA, fs_xmalloc(sizeof(tpara)), 1, NULL, 0, NULL};
            tstyle ps = st;
            check_attrs(ld, c, PARA_ATTRS);
            ps.kind = FS_PARA_BODY;
            if (is_elem(c, "attachment")) {
                ps.role = FS_ROLE_HEI;
                ps.size = FS_PT_HAO3;
                ps.kind = FS_PARA_ATTACHMENT;
            } else if (is_elem(c, "title")) {
                ps.size = FS_PT_HAO2;
                ps.align = FS_ALIGN_CENTER;
                ps.kind = FS_PARA_TITLE;
            }
            b.paras[0] = parse_pattern(ld, c, parse_style(ld, c, &ps), ctx, 0);
            add_block(f, b);
        } else if (kind != FORM_STATS && is_elem(c, "fields")) {
            load_fields(ld, c, f);
        } else if (is_elem(c, "spacer")) {
            tblock b = {B_SPACER, NULL, 0, NULL, 0, NULL};
            check_attrs(ld, c, "height");
            if (!attr_number(ld, c, "height", 0.5, 200, &b.height))
                load_error(ld, c, "<spacer> 缺少属性 height（毫米）");
            add_block(f, b);
        } else if (kind == FORM_SHEET && is_elem(c, "scores")) {
            load_scores(ld, c, f);
        } else if (kind == FORM_SHEET && is_elem(c, "summary")) {
            load_summary(ld, c, f);
        } else if ((kind == FORM_SHEET || kind == FORM_APP) && is_elem(c, "grid")) {
            load_grid(ld, c, f);
        } else if (kind == FORM_STATS && is_elem(c, "roster")) {
            if (rosters++)
                load_error(ld, c, "<statistics> 只能有一个 <roster>");
            load_roster(ld, c, f, 0);
        } else if (kind == FORM_INDEX && is_elem(c, "evidence")) {
            if (rosters++)
                load_error(ld, c, "<evidence-index> 只能有一个 <evidence>");
            load_roster(ld, c, f, 1);
        } else {
            load_error(ld, c, "<%s> 中不能有 <%s>", (const char *)node->name,
                       (const char *)c->name);
        }
    }
    if (!f->title.nsegs && !f->nblocks)
        load_error(ld, node, "<%s> 是空的", (const char *)node->name);
    else if (kind == FORM_STATS && !rosters)
        load_error(ld, node, "<statistics> 缺少 <roster>（统计表的表格）");
    else if (kind == FORM_INDEX && !rosters)
        load_error(ld, node, "<evidence-index> 缺少 <evidence>（佐证材料目录的表格）");
}

/* <page>: the page setup, GB/T 9704 when absent. */
static void load_page(loader *ld, xmlNodePtr node, fs_page_setup *pg)
{
    check_attrs(ld, node, "width height top bottom left right page-numbers");
    attr_number(ld, node, "width", 50, 1000, &pg->width);
    attr_number(ld, node, "height", 50, 1000, &pg->height);
    attr_number(ld, node, "top", 0, 200, &pg->top);
    attr_number(ld, node, "bottom", 0, 200, &pg->bottom);
    attr_number(ld, node, "left", 0, 200, &pg->left);
    attr_number(ld, node, "right", 0, 200, &pg->right);
    pg->pagenum = attr_enum(ld, node, "page-numbers", "none gbt9704", (int)pg->pagenum)
        ? FS_PAGENUM_GBT9704 : FS_PAGENUM_NONE;
    if (pg->left + pg->right >= pg->width - 20 || pg->top + pg->bottom >= pg->height - 20)
        load_error(ld, node, "页边距太大，版心放不下");
}

/* <stars>: display names of the star levels (申报星级). */
static void load_stars(loader *ld, xmlNodePtr node, fs_forms *f)
{
    check_attrs(ld, node, "");
    for (xmlNodePtr c = node->children; c; c = c->next) {
        double level = 0;
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (!is_elem(c, "star")) {
            load_error(ld, c, "<stars> 中只能有 <star>");
            continue;
        }
        check_attrs(ld, c, "level");
        if (!attr_number(ld, c, "level", 1, 5, &level) || !fs_exact_eq(level, floor(level))) {
            load_error(ld, c, "<star> 的属性 level 应为 1 到 5 的整数");
            continue;
        }
        if (f->stars[(int)level])
            load_error(ld, c, "星级 %d 重复", (int)level);
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

    check_attrs(ld, node, "");
    for (xmlNodePtr c = node->children; c; c = c->next) {
        char *t, *name;

        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (is_elem(c, "other")) {
            if (other++)
                load_error(ld, c, "<towns> 中只能有一个 <other/>");
            f->other_rank = f->ntowns;
            continue;
        }
        if (!is_elem(c, "town")) {
            load_error(ld, c, "<towns> 中只能有 <town> 和 <other/>");
            continue;
        }
        check_attrs(ld, c, "");
        t = fs_xml_text(c);
        name = fs_text_trim(t);
        free(t);
        if (!*name) {
            load_error(ld, c, "<town> 是空的");
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
    if (!is_elem(root, "forms")) {
        load_error(&ld, root, "表格模板的根元素应为 <forms>，而不是 <%s>",
                   (const char *)root->name);
        goto done;
    }
    f = fs_xcalloc(1, sizeof *f);
    f->path = fs_strdup(path);
    f->page = (fs_page_setup){210, 297, 37, 35, 28, 26, FS_PAGENUM_GBT9704};
    check_attrs(&ld, root, "format id");
    format = fs_xml_attr(root, "format");
    if (!format || strcmp(format, "1") != 0)
        load_error(&ld, root, "<forms> 的属性 format 应为 1");
    f->id = fs_xml_attr(root, "id");
    if (!f->id || !fs_rubric_id_ok(f->id))
        load_error(&ld, root, "<forms> 缺少属性 id 或 id 不合规");
    for (xmlNodePtr c = root->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (is_elem(c, "page"))
            load_page(&ld, c, &f->page);
        else if (is_elem(c, "stars"))
            load_stars(&ld, c, f);
        else if (is_elem(c, "towns") && !f->towns)
            load_towns(&ld, c, f);
        else if (is_elem(c, "scoresheet") && !sheet)
            sheet = c;
        else if (is_elem(c, "application") && !app)
            app = c;
        else if (is_elem(c, "statistics") && !stats)
            stats = c;
        else if (is_elem(c, "evidence-index") && !index)
            index = c;
        else
            load_error(&ld, c, "<forms> 中不能有 <%s>（或重复）", (const char *)c->name);
    }
    ld.text_width = f->page.width - f->page.left - f->page.right;
    f->sheet.page = f->app.page = f->stats.page = f->index.page = f->page;
    if (!sheet)
        load_error(&ld, root, "缺少 <scoresheet>（附件1 评定标准）");
    else
        load_form(&ld, sheet, &f->sheet, FORM_SHEET);
    if (!app)
        load_error(&ld, root, "缺少 <application>（附件2 申报表）");
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

