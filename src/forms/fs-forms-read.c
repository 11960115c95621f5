/*
 * fs-forms-read.c - the pieces every loader of a forms template reads
 * (fs-forms-load.c, fs-forms-blocks.c): errors against the template's
 * file:line, attributes (known names, numbers, enumerations, 号 sizes),
 * styles with their inheritance, and texts split into literals,
 * placeholders (checked against their context) and blanks.
 */
#define _GNU_SOURCE
#include "fs-forms-private.h"
#include "fs-xml.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Frees the pieces of P (not P itself) and leaves it empty. */
void fs_forms_read_para_free(tpara *p)
{
    for (size_t i = 0; i < p->nsegs; i++)
        free(p->segs[i].text);
    free(p->segs);
    p->segs = NULL;
    p->nsegs = 0;
}

/* Reports a problem of the template at NODE's line and counts it. */
void fs_forms_read_error(loader *ld, xmlNodePtr node, const char *fmt, ...)
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
int fs_forms_read_is(xmlNodePtr n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

/* Is NODE a block of a form (a child of <scoresheet>, <application>,
 * <statistics> or <evidence-index>), the elements that may say
 * print="no" (load_form in fs-forms-load.c)? */
static int is_block(xmlNodePtr node)
{
    static const char *const forms[] = {"scoresheet", "application", "statistics",
                                        "evidence-index"};
    xmlNodePtr up = node->parent;

    for (size_t i = 0; up && up->type == XML_ELEMENT_NODE && i < sizeof forms / sizeof *forms; i++)
        if (fs_forms_read_is(up, forms[i]))
            return 1;
    return 0;
}

/* Reports every attribute of NODE whose name is not in the space-separated
 * list ALLOWED (a typo such as space_before must not pass silently). */
void fs_forms_read_attrs(loader *ld, xmlNodePtr node, const char *allowed)
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
        if (!ok && !(strcmp(name, "print") == 0 && is_block(node)))
            fs_forms_read_error(ld, node, "<%s> 不允许有属性 %s", (const char *)node->name, name);
    }
}

/* Parses attribute NAME of NODE as a number in [LO, HI] into *OUT; leaves
 * *OUT alone when the attribute is absent.  Returns 1 when it was set. */
int fs_forms_read_number(loader *ld, xmlNodePtr node, const char *name,
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
        fs_forms_read_error(ld, node, "<%s> 的属性 %s=\"%s\" 应为 %g 到 %g 之间的数",
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
int fs_forms_read_enum(loader *ld, xmlNodePtr node, const char *name,
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
        fs_forms_read_error(ld, node, "<%s> 的属性 %s=\"%s\" 应为以下之一：%s",
                            (const char *)node->name, name, v, words);
    free(v);
    return found < 0 ? def : found;
}

/* Attribute NAME of NODE as yes (1) or no (0); DEF when absent or wrong. */
int fs_forms_read_yesno(loader *ld, xmlNodePtr node, const char *name, int def)
{
    return fs_forms_read_enum(ld, node, name, "no yes", def);
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
    fs_forms_read_number(ld, node, "size", 4, 72, out);
}

/* The style of NODE: PARENT's text properties (font, size, alignment,
 * indent, line spacing, narrative) with NODE's attributes applied; the
 * spacing around paragraphs and keep-with-next are not inherited. */
tstyle fs_forms_read_style(loader *ld, xmlNodePtr node, const tstyle *parent)
{
    tstyle st = *parent;

    st.before = st.after = 0;
    st.role = (fs_font_role)fs_forms_read_enum(ld, node, "font", "song hei kai latin fallback fangsong xiaobiaosong",
                                               (int)st.role);
    attr_size(ld, node, &st.size);
    st.align = (fs_align)fs_forms_read_enum(ld, node, "align", "left center right justify",
                                            (int)st.align);
    fs_forms_read_number(ld, node, "indent", 0, 20, &st.indent);
    fs_forms_read_number(ld, node, "line-spacing", 0.5, 5, &st.spacing);
    fs_forms_read_number(ld, node, "space-before", 0, 200, &st.before);
    fs_forms_read_number(ld, node, "space-after", 0, 200, &st.after);
    st.keep = fs_forms_read_yesno(ld, node, "keep-with-next", 0);
    if (fs_forms_read_yesno(ld, node, "bold", (st.flags & FS_RUN_BOLD) != 0))
        st.flags |= FS_RUN_BOLD;
    else
        st.flags &= ~(unsigned)FS_RUN_BOLD;
    /* narrative="yes": paragraphs indented two characters and justified,
     * unless the element itself says otherwise; its children inherit the
     * result like any other style. */
    st.narrative = fs_forms_read_yesno(ld, node, "narrative", st.narrative);
    st.kind = fs_forms_read_enum(ld, node, "kind", KIND_WORDS, st.kind);
    if (st.narrative && xmlHasProp(node, (const xmlChar *)"narrative")) {
        if (!xmlHasProp(node, (const xmlChar *)"indent"))
            st.indent = 2;
        if (!xmlHasProp(node, (const xmlChar *)"align"))
            st.align = FS_ALIGN_JUSTIFY;
    }
    return st;
}

/* The valign attribute of NODE; DEF when absent or wrong. */
fs_valign fs_forms_read_valign(loader *ld, xmlNodePtr node, fs_valign def)
{
    return (fs_valign)fs_forms_read_enum(ld, node, "valign", "top center bottom", (int)def);
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
void fs_forms_read_text(loader *ld, xmlNodePtr node, const char *text,
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
            fs_forms_read_error(ld, node, "<%s> 中有多余的 }（要印出 } 请写 }}）",
                                (const char *)node->name);
            s++;
            continue;
        }
        const char *close = strchr(s, '}');
        if (!close) {
            fs_forms_read_error(ld, node, "<%s> 中的 { 没有对应的 }（要印出 { 请写 {{）",
                                (const char *)node->name);
            break;
        }
        size_t k = (size_t)(close - s - 1);
        const struct var_def *def = fs_form_text_var(s + 1, k);
        if (!def)
            fs_forms_read_error(ld, node, "<%s> 中有未知的占位符 {%.*s}",
                                (const char *)node->name, (int)k, s + 1);
        else if (!(def->ctx & ctx)) {
            char where[512];
            fs_forms_read_error(ld, node, "占位符 {%s} 不能用在 <%s> 中（可用于：%s）",
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
tpara fs_forms_read_pattern(loader *ld, xmlNodePtr node, tstyle st,
                            unsigned ctx, int allow_p)
{
    tpara p = {st, NULL, 0};
    xmlNodePtr first = NULL, last = NULL;

    for (xmlNodePtr c = node->children; c; c = c->next)
        if (c->type == XML_TEXT_NODE || fs_forms_read_is(c, "blank")) {
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
            fs_forms_read_text(ld, node, t, ctx, &p);
            free(t);
        } else if (fs_forms_read_is(c, "blank")) {
            double n = 0;
            fs_forms_read_attrs(ld, c, "n underline");
            if (!fs_forms_read_number(ld, c, "n", 1, 40, &n))
                fs_forms_read_error(ld, c, "<blank> 缺少属性 n（空出的字数）");
            else if (!fs_exact_eq(n, floor(n)))
                fs_forms_read_error(ld, c, "<blank> 的属性 n 应为整数");
            add_seg(&p, (tseg){SEG_BLANK, NULL, 0, (int)n,
                               fs_forms_read_yesno(ld, c, "underline", 1)});
        } else if (c->type == XML_ELEMENT_NODE && !(allow_p && fs_forms_read_is(c, "p"))) {
            fs_forms_read_error(ld, c, "<%s> 中不能有 <%s>", (const char *)node->name,
                                (const char *)c->name);
        }
    }
    return p;
}

/* Is P nothing but white space (what a cell made of <p> elements may
 * hold between them)? */
int fs_forms_read_empty(const tpara *p)
{
    for (size_t i = 0; i < p->nsegs; i++)
        if (p->segs[i].kind != SEG_TEXT ||
            strspn(p->segs[i].text, " \t\r\n") != strlen(p->segs[i].text))
            return 0;
    return 1;
}

/* The default style of a document paragraph. */
const tstyle fs_forms_read_base_style = {
    .role = FS_ROLE_SONG, .size = FS_PT_XIAO4, .align = FS_ALIGN_LEFT,
    .spacing = 1.5, .kind = -1,
};
