/*
 * fs-form.c - the forms (附件1 评定标准, 附件2 申报表, 附件3 统计表) built as
 * documents of the backend-neutral model from a forms template
 * (templates/forms/ID.xml, schema templates/forms.xsd), the rubric, a
 * dossier and its scores (附件3: many dossiers, one row each).
 *
 * The template is read once into the structures below, with every style
 * resolved (table → row → cell → paragraph inheritance) and every text
 * split into literal pieces, placeholders and blanks, so that building a
 * document is a walk that substitutes values and never parses again.
 * All layout lives in the template; this file knows only what the roles
 * of the 附件1 columns and the placeholders mean.
 *
 * Placeholders belong to contexts, checked when the template is loaded:
 * the form of one dossier (附件1, 附件2), a rubric section inside it, the
 * 统计表 as a whole (counts and averages over its dossiers), one dossier's
 * row of the 统计表, and the row that opens a town's group.
 */
#define _GNU_SOURCE
#include "fs-form.h"
#include "fs-xml.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FORMS_MAX_BYTES (1L * 1024 * 1024)
#define MAX_COLS 20

/* ------------------------------------------------------------------------
 * The template in memory.
 * ---------------------------------------------------------------------- */

/* A text style, fully resolved. */
typedef struct tstyle {
    fs_font_role role;
    double size;                /* points                                  */
    fs_align align;
    double indent;              /* characters                              */
    double before, after;       /* mm                                      */
    double spacing;             /* multiple of the size                    */
    int keep;                   /* keep with next                          */
    unsigned flags;             /* FS_RUN_BOLD                             */
    int narrative;              /* split into paragraphs, indent, justify  */
} tstyle;

/* Placeholders, with the contexts they may be used in. */
typedef enum var_id {
    V_NAME, V_UNIT, V_TOWN, V_LEADER, V_PHONE, V_MEMBERS, V_FOUNDED, V_DATE,
    V_YEAR, V_STAR, V_HONORS, V_OPINION, V_REMARK, V_RUBRIC_TITLE,
    V_RUBRIC_REMARK, V_ISSUER, V_TOTAL, V_MAX, V_THRESHOLD, V_THRESHOLD_NAME,
    V_SHORTFALL,
    V_LABEL, V_SECTION, V_SECTION_NUMBER, V_SECTION_MAX, V_SUBTOTAL,
    V_SITUATION,
    V_COUNT, V_STAR0, V_STAR1, V_STAR2, V_STAR3, V_STAR4, V_STAR5,
    V_QUALIFIED, V_UNQUALIFIED, V_UNDETERMINED, V_AVERAGE,
    V_HELD_STAR, V_COMPLIANT, V_PROBLEMS, V_PLAN, V_STANDING_REMARK,
    V_TOWN_COUNT
} var_id;

/* Contexts: one dossier's form, a rubric section in it, the 统计表 as a
 * whole, one dossier's row of the 统计表, a town's group row. */
enum { CTX_FORM = 1, CTX_SECTION = 2, CTX_STATS = 4, CTX_ROW = 8, CTX_GROUP = 16 };

static const struct var_def {
    const char *name;
    var_id id;
    unsigned ctx;
} var_defs[] = {
    {"name", V_NAME, CTX_FORM | CTX_ROW},
    {"unit", V_UNIT, CTX_FORM | CTX_ROW},
    {"town", V_TOWN, CTX_FORM | CTX_ROW | CTX_GROUP},
    {"leader", V_LEADER, CTX_FORM},
    {"phone", V_PHONE, CTX_FORM},
    {"members", V_MEMBERS, CTX_FORM},
    {"founded", V_FOUNDED, CTX_FORM},
    {"date", V_DATE, CTX_FORM},
    {"year", V_YEAR, CTX_FORM | CTX_STATS | CTX_ROW},
    {"star", V_STAR, CTX_FORM},
    {"honors", V_HONORS, CTX_FORM},
    {"opinion", V_OPINION, CTX_FORM},
    {"remark", V_REMARK, CTX_FORM},
    {"rubric_title", V_RUBRIC_TITLE, CTX_FORM},
    {"rubric_remark", V_RUBRIC_REMARK, CTX_FORM},
    {"issuer", V_ISSUER, CTX_FORM},
    {"total", V_TOTAL, CTX_FORM | CTX_ROW},
    {"max", V_MAX, CTX_FORM},
    {"threshold", V_THRESHOLD, CTX_FORM},
    {"threshold_name", V_THRESHOLD_NAME, CTX_FORM},
    {"shortfall", V_SHORTFALL, CTX_FORM},
    {"label", V_LABEL, CTX_SECTION},
    {"section", V_SECTION, CTX_SECTION},
    {"section_number", V_SECTION_NUMBER, CTX_SECTION},
    {"section_max", V_SECTION_MAX, CTX_SECTION},
    {"subtotal", V_SUBTOTAL, CTX_SECTION},
    {"situation", V_SITUATION, CTX_SECTION},
    {"count", V_COUNT, CTX_STATS},
    {"star0", V_STAR0, CTX_STATS},
    {"star1", V_STAR1, CTX_STATS},
    {"star2", V_STAR2, CTX_STATS},
    {"star3", V_STAR3, CTX_STATS},
    {"star4", V_STAR4, CTX_STATS},
    {"star5", V_STAR5, CTX_STATS},
    {"qualified", V_QUALIFIED, CTX_STATS},
    {"unqualified", V_UNQUALIFIED, CTX_STATS},
    {"undetermined", V_UNDETERMINED, CTX_STATS},
    {"average", V_AVERAGE, CTX_STATS},
    {"held_star", V_HELD_STAR, CTX_ROW},
    {"compliant", V_COMPLIANT, CTX_ROW},
    {"problems", V_PROBLEMS, CTX_ROW},
    {"plan", V_PLAN, CTX_ROW},
    {"standing_remark", V_STANDING_REMARK, CTX_ROW},
    {"town_count", V_TOWN_COUNT, CTX_GROUP},
};

/* Writes into BUF (SIZE bytes) where the placeholders of context set CTX
 * may be used, for messages. */
static const char *ctx_where(unsigned ctx, char *buf, size_t size)
{
    static const char *const where[] = {
        "附件1、附件2 的文字", "<scores> 的 <section> 或 <grid> 的 <each-section>",
        "<statistics> 的 <meta>、<attachment>、<title> 和 <para>",
        "<roster> 的 <column value=\"…\">", "<roster> 的 <group>",
    };
    size_t used = 0;

    buf[0] = '\0';
    for (unsigned i = 0; i < sizeof where / sizeof *where; i++)
        if (ctx & (1u << i)) {
            int k = snprintf(buf + used, size - used, "%s%s", used ? "；" : "", where[i]);
            if (k < 0 || (size_t)k >= size - used)
                break;
            used += (size_t)k;
        }
    return buf;
}

/* One piece of a text: literal UTF-8, a placeholder, or a blank. */
typedef enum seg_kind { SEG_TEXT, SEG_VAR, SEG_BLANK } seg_kind;

typedef struct tseg {
    seg_kind kind;
    char *text;                 /* SEG_TEXT                                */
    var_id var;                 /* SEG_VAR                                 */
    int n, underline;           /* SEG_BLANK: N characters                 */
} tseg;

typedef struct tpara {
    tstyle st;
    tseg *segs;
    size_t nsegs;
} tpara;

typedef struct tcell {
    int label;                  /* <label>: repeats when its row splits    */
    int span;
    fs_valign valign;
    tpara *paras;               /* one pattern, or one per <p>             */
    size_t nparas;
    int multi;                  /* made of <p> elements: empty ones drop   */
} tcell;

typedef struct trow {
    int each_section;
    double min_height;
    int keep;
    tcell *cells;
    size_t ncells;
} trow;

/* Roles of the columns of <scores>. */
typedef enum col_role {
    ROLE_SECTION, ROLE_NUMBER, ROLE_STANDARD, ROLE_CHECK, ROLE_MAX,
    ROLE_SCORE, ROLE_NOTE, ROLE_COUNT
} col_role;

static const char *const role_names[ROLE_COUNT] = {
    "section", "number", "standard", "check", "max", "score", "note",
};

typedef struct ttable {
    size_t ncols;
    double widths[MAX_COLS];
    double pad_x, pad_y, border;
    /* <scores> */
    col_role roles[MAX_COLS];
    tpara heads[MAX_COLS];
    fs_valign head_valign;
    tstyle body[MAX_COLS];
    fs_valign body_valign[MAX_COLS];
    tpara *section;
    size_t nsection;
    fs_valign section_valign;
    tpara total;
    int has_total;
    /* <grid> */
    trow *rows;
    size_t nrows;
    /* <roster>: HEADS, HEAD_VALIGN and BODY_VALIGN as for <scores> */
    tpara vals[MAX_COLS];       /* a dossier's cell of each column         */
    tpara group;                /* the row before each town's rows         */
    int has_group;
    char *yes, *no, *no_star;   /* 是否达标 是 / 否, 已获评的星级 none       */
} ttable;

typedef enum block_kind {
    B_PARA, B_FIELDS, B_SPACER, B_SCORES, B_SUMMARY, B_GRID, B_ROSTER
} block_kind;

typedef struct tblock {
    block_kind kind;
    tpara *paras;               /* B_PARA: 1; B_FIELDS: one per field;
                                   B_SUMMARY: qualified, shortfall, unrated */
    size_t nparas;
    double *widths;             /* B_FIELDS                                */
    double height;              /* B_SPACER                                */
    ttable *table;              /* B_SCORES, B_GRID, B_ROSTER              */
} tblock;

typedef struct tform {
    tpara title, subject, keywords;     /* metadata patterns               */
    fs_page_setup page;         /* the template's, or the form's own       */
    tblock *blocks;
    size_t nblocks;
} tform;

/* The kinds of form, which decide the blocks and placeholders allowed. */
typedef enum form_kind { FORM_SHEET, FORM_APP, FORM_STATS } form_kind;

struct fs_forms {
    char *path;
    char *id;
    fs_page_setup page;
    char *stars[6];             /* display names of star levels 1..5       */
    tform sheet, app, stats;
    int has_stats;              /* the template has <statistics>           */
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
    free(t->yes);
    free(t->no);
    free(t->no_star);
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
    for (int i = 0; i < 6; i++)
        free(f->stars[i]);
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
        if (!ok)
            load_error(ld, node, "<%s> 不允许有属性 %s", (const char *)node->name, name);
    }
}

#define STYLE_ATTRS "font size align indent line-spacing space-before " \
    "space-after keep-with-next bold"

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
    st.role = (fs_font_role)attr_enum(ld, node, "font", "song hei kai latin fallback",
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
        const struct var_def *def = NULL;
        for (size_t i = 0; i < sizeof var_defs / sizeof *var_defs; i++)
            if (strlen(var_defs[i].name) == k && strncmp(var_defs[i].name, s + 1, k) == 0)
                def = &var_defs[i];
        if (!def)
            load_error(ld, node, "<%s> 中有未知的占位符 {%.*s}",
                       (const char *)node->name, (int)k, s + 1);
        else if (!(def->ctx & ctx)) {
            char where[512];
            load_error(ld, node, "占位符 {%s} 不能用在 <%s> 中（可用于：%s）",
                       def->name, (const char *)node->name,
                       ctx_where(def->ctx, where, sizeof where));
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
            else if (n != floor(n))
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
    .spacing = 1.5,
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
        check_attrs(ld, c, STYLE_ATTRS " width");
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
                check_attrs(ld, p, STYLE_ATTRS);
                t->section = fs_xrealloc(t->section, (t->nsection + 1) * sizeof *t->section);
                t->section[t->nsection++] = parse_pattern(ld, p, parse_style(ld, p, &ss),
                                                          CTX_FORM | CTX_SECTION, 0);
            }
        } else if (is_elem(c, "total")) {
            tstyle ts = st;
            check_attrs(ld, c, STYLE_ATTRS);
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
        check_attrs(ld, c, STYLE_ATTRS);
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

    check_attrs(ld, node, STYLE_ATTRS " span valign narrative");
    if (c.label)
        st.align = FS_ALIGN_CENTER;
    st = parse_style(ld, node, &st);
    if (attr_number(ld, node, "span", 1, MAX_COLS, &span) && span != floor(span))
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
        check_attrs(ld, p, STYLE_ATTRS " narrative");
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

/* <roster>: the 统计表, one column per field of a dossier's row (a header
 * text and a value pattern), and an optional <group> row per town. */
static void load_roster(loader *ld, xmlNodePtr node, tform *f)
{
    ttable *t = fs_xcalloc(1, sizeof *t);
    tstyle st, head;

    check_attrs(ld, node, STYLE_ATTRS " pad-x pad-y border yes no no-star");
    st = parse_table_attrs(ld, node, t);
    attr_word(node, "yes", "是", &t->yes);
    attr_word(node, "no", "否", &t->no);
    attr_word(node, "no-star", "", &t->no_star);
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
            if (t->ncols == MAX_COLS) {
                load_error(ld, c, "表格最多 %d 列", MAX_COLS);
                continue;
            }
            size_t k = t->ncols++;
            check_attrs(ld, c, STYLE_ATTRS " width value valign narrative");
            if (!attr_number(ld, c, "width", 1, 1000, &t->widths[k]))
                load_error(ld, c, "<column> 缺少属性 width（毫米）");
            t->body[k] = parse_style(ld, c, &st);
            t->body_valign[k] = parse_valign(ld, c, FS_VALIGN_CENTER);
            t->heads[k] = parse_pattern(ld, c, head, CTX_STATS, 0);
            t->vals[k].st = t->body[k];
            if ((value = fs_xml_attr(c, "value")) != NULL)
                parse_text(ld, c, value, CTX_ROW, &t->vals[k]);
            else
                load_error(ld, c, "<column> 缺少属性 value（该列的内容，如 {name}）");
            free(value);
        } else if (is_elem(c, "group")) {
            tstyle gs = st;
            check_attrs(ld, c, STYLE_ATTRS);
            tpara_free(&t->group);
            t->group = parse_pattern(ld, c, parse_style(ld, c, &gs), CTX_GROUP, 0);
            t->has_group = 1;
        } else {
            load_error(ld, c, "<roster> 中不能有 <%s>", (const char *)c->name);
        }
    }
    if (!t->ncols)
        load_error(ld, node, "<roster> 缺少 <column>");
    else
        check_width(ld, node, t->widths, t->ncols);
    add_block(f, (tblock){B_ROSTER, NULL, 0, NULL, 0, t});
}

/* <scoresheet>, <application> or <statistics> (KIND): metadata, then the
 * blocks in order.  <scores> and <summary> belong to 附件1, <grid> and
 * <fields> to 附件1 and 附件2, <roster> (exactly one) to the 统计表, whose
 * texts take the placeholders of the whole table. */
static void load_form(loader *ld, xmlNodePtr node, tform *f, form_kind kind)
{
    tstyle st = base_style;
    unsigned ctx = kind == FORM_STATS ? CTX_STATS : CTX_FORM;
    size_t rosters = 0;

    check_attrs(ld, node, "");
    for (xmlNodePtr c = node->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (kind == FORM_STATS && is_elem(c, "page")) {
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
        } else if (is_elem(c, "attachment") || is_elem(c, "title") || is_elem(c, "para")) {
            tblock b = {B_PARA, fs_xmalloc(sizeof(tpara)), 1, NULL, 0, NULL};
            tstyle ps = st;
            check_attrs(ld, c, STYLE_ATTRS);
            if (is_elem(c, "attachment")) {
                ps.role = FS_ROLE_HEI;
                ps.size = FS_PT_HAO3;
            } else if (is_elem(c, "title")) {
                ps.size = FS_PT_HAO2;
                ps.align = FS_ALIGN_CENTER;
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
        } else if (kind != FORM_STATS && is_elem(c, "grid")) {
            load_grid(ld, c, f);
        } else if (kind == FORM_STATS && is_elem(c, "roster")) {
            if (rosters++)
                load_error(ld, c, "<statistics> 只能有一个 <roster>");
            load_roster(ld, c, f);
        } else {
            load_error(ld, c, "<%s> 中不能有 <%s>", (const char *)node->name,
                       (const char *)c->name);
        }
    }
    if (!f->title.nsegs && !f->nblocks)
        load_error(ld, node, "<%s> 是空的", (const char *)node->name);
    else if (kind == FORM_STATS && !rosters)
        load_error(ld, node, "<statistics> 缺少 <roster>（统计表的表格）");
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
        if (!attr_number(ld, c, "level", 1, 5, &level) || level != floor(level)) {
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
    xmlNodePtr root, sheet = NULL, app = NULL, stats = NULL;
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
        else if (is_elem(c, "scoresheet") && !sheet)
            sheet = c;
        else if (is_elem(c, "application") && !app)
            app = c;
        else if (is_elem(c, "statistics") && !stats)
            stats = c;
        else
            load_error(&ld, c, "<forms> 中不能有 <%s>（或重复）", (const char *)c->name);
    }
    ld.text_width = f->page.width - f->page.left - f->page.right;
    f->sheet.page = f->app.page = f->stats.page = f->page;
    if (!sheet)
        load_error(&ld, root, "缺少 <scoresheet>（附件1 评定标准）");
    else
        load_form(&ld, sheet, &f->sheet, FORM_SHEET);
    if (!app)
        load_error(&ld, root, "缺少 <application>（附件2 申报表）");
    else
        load_form(&ld, app, &f->app, FORM_APP);
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

/* ------------------------------------------------------------------------
 * Building: values of placeholders.
 * ---------------------------------------------------------------------- */

typedef struct bctx {
    const fs_forms *f;
    const fs_rubric *r;         /* NULL outside a dossier (统计表 as a whole) */
    const fs_dossier *d;
    const fs_result_sheet *s;
    int section;                /* index into r->sections, -1 outside      */
    /* 统计表 */
    const fs_stats_summary *sum;
    const fs_stats_row *row;    /* the row being built, or NULL            */
    const ttable *roster;
    size_t town_count;          /* rows of the town of a <group> row       */
    int no_lines;               /* runs carry no dossier line (several
                                   dossiers share the document)           */
    char buf[64];
} bctx;

/* The text of dossier field T ("" when absent) and its line in *LINE. */
static const char *text_or_empty(const fs_text *t, long *line)
{
    *line = t->s ? t->line : 0;
    return t->s ? t->s : "";
}

/* T as "93" or "19.5", in X->buf. */
static const char *tenths(bctx *x, fs_tenths t)
{
    return fs_tenths_format(t, x->buf, sizeof x->buf);
}

/* D as 2018年4月12日 in X->buf; "" for an unset date. */
static const char *date_cn(bctx *x, fs_date d)
{
    if (d.y <= 0)
        return "";
    return fs_date_format_cn(d, x->buf, sizeof x->buf);
}

/* The display name of star level STAR: the template's <stars>, else the
 * rubric's threshold name, else "N星级". */
static const char *star_name(bctx *x, int star)
{
    const fs_threshold *th;

    if (star >= 1 && star <= 5 && x->f->stars[star])
        return x->f->stars[star];
    if ((th = fs_rubric_threshold(x->r, star)) != NULL)
        return th->name;
    if (star <= 0)
        return "";
    snprintf(x->buf, sizeof x->buf, "%d星级", star);
    return x->buf;
}

/* N as a decimal number in X->buf. */
static const char *count_text(bctx *x, size_t n)
{
    snprintf(x->buf, sizeof x->buf, "%zu", n);
    return x->buf;
}

/* The text of a placeholder of the 统计表 as a whole (CTX_STATS). */
static const char *stats_value(bctx *x, var_id v)
{
    const fs_stats_summary *m = x->sum;

    switch (v) {
    case V_COUNT: return count_text(x, m->count);
    case V_STAR0: case V_STAR1: case V_STAR2: case V_STAR3: case V_STAR4:
    case V_STAR5:
        return count_text(x, m->stars[v - V_STAR0]);
    case V_QUALIFIED: return count_text(x, m->qualified);
    case V_UNQUALIFIED: return count_text(x, m->unqualified);
    case V_UNDETERMINED: return count_text(x, m->undetermined);
    case V_AVERAGE: return m->count ? tenths(x, m->average) : "";
    case V_YEAR:
        if (m->year_min <= 0)
            return "";
        if (m->year_min == m->year_max)
            snprintf(x->buf, sizeof x->buf, "%d", m->year_min);
        else
            snprintf(x->buf, sizeof x->buf, "%d—%d", m->year_min, m->year_max);
        return x->buf;
    default:
        return "";
    }
}

/* The text of a placeholder of a dossier's row of the 统计表 (CTX_ROW)
 * that only rows have. */
static const char *row_value(bctx *x, var_id v, long *line)
{
    const fs_dossier *d = x->d;

    switch (v) {
    case V_HELD_STAR:
        *line = d->star_line;
        return d->star > 0 ? star_name(x, d->star) : x->roster->no_star;
    case V_COMPLIANT:
        return x->row->compliant > 0 ? x->roster->yes
             : x->row->compliant == 0 ? x->roster->no : "";
    case V_PROBLEMS: return text_or_empty(&d->problems, line);
    case V_PLAN: return text_or_empty(&d->plan, line);
    case V_STANDING_REMARK: return text_or_empty(&d->standing_remark, line);
    default: return "";
    }
}

/* The text of placeholder V (owned by the dossier, rubric, template or
 * X->buf, valid until the next call) and the dossier line it comes from
 * (0: none). */
static const char *var_value(bctx *x, var_id v, long *line)
{
    const fs_dossier *d = x->d;
    const fs_result_sheet *s = x->s;
    const fs_rubric_section *sec = x->section >= 0 ? &x->r->sections[x->section] : NULL;
    const fs_threshold *th = s ? fs_rubric_threshold(x->r, s->star) : NULL;

    *line = 0;
    if (v == V_TOWN_COUNT)
        return count_text(x, x->town_count);
    if (!d)                             /* the 统计表 as a whole */
        return stats_value(x, v);
    if (v >= V_HELD_STAR)
        return row_value(x, v, line);
    switch (v) {
    case V_NAME: return text_or_empty(&d->name, line);
    case V_UNIT: return text_or_empty(&d->unit, line);
    case V_TOWN: return text_or_empty(&d->town, line);
    case V_LEADER: return text_or_empty(&d->leader, line);
    case V_PHONE: return text_or_empty(&d->phone, line);
    case V_MEMBERS:
        if (d->members <= 0)
            return "";
        snprintf(x->buf, sizeof x->buf, "%ld", d->members);
        return x->buf;
    case V_FOUNDED: return date_cn(x, d->founded);
    case V_DATE:
        *line = d->application_line;
        return date_cn(x, d->date);
    case V_YEAR:
        snprintf(x->buf, sizeof x->buf, "%d", d->year);
        return x->buf;
    case V_STAR:
        *line = d->application_line;
        return star_name(x, d->apply_star);
    case V_HONORS: return text_or_empty(&d->honors, line);
    case V_OPINION: return text_or_empty(&d->opinion, line);
    case V_REMARK: return text_or_empty(&d->remark, line);
    case V_RUBRIC_TITLE: return x->r->title ? x->r->title : "";
    case V_RUBRIC_REMARK: return x->r->remark ? x->r->remark : "";
    case V_ISSUER: return x->r->issuer ? x->r->issuer : "";
    case V_TOTAL: return tenths(x, s->total);
    case V_MAX: return tenths(x, s->max);
    case V_THRESHOLD: return s->threshold < 0 ? "" : tenths(x, s->threshold);
    case V_THRESHOLD_NAME: return th ? th->name : "";
    case V_SHORTFALL:
        return s->threshold < 0 || s->total >= s->threshold
            ? "" : tenths(x, s->threshold - s->total);
    case V_LABEL: return sec ? sec->label : "";
    case V_SECTION: return sec ? sec->name : "";
    case V_SECTION_NUMBER:
        if (!sec)
            return "";
        snprintf(x->buf, sizeof x->buf, "%d", sec->number);
        return x->buf;
    case V_SECTION_MAX: return sec ? tenths(x, sec->max) : "";
    case V_SUBTOTAL: return sec ? tenths(x, s->section[x->section]) : "";
    case V_SITUATION:
        if (!sec || sec->number < 1 || sec->number > FS_MAX_SECTIONS)
            return "";
        return text_or_empty(&d->situation[sec->number - 1], line);
    default:
        return "";
    }
}

/* Writes N ideographic spaces into BUF (at least 3 * N + 1 bytes). */
static const char *blank_text(char *buf, int n)
{
    char *p = buf;

    for (int i = 0; i < n; i++) {
        memcpy(p, "\xE3\x80\x80", 3);
        p += 3;
    }
    *p = '\0';
    return buf;
}

/* The whole text of pattern P, newlines included, as one malloc'd string
 * (for metadata and for telling whether a pattern comes out empty). */
static char *expand_flat(bctx *x, const tpara *p)
{
    fs_buf b = {0};
    char blank[3 * 40 + 1];
    long line;

    fs_buf_adds(&b, "");
    for (size_t i = 0; i < p->nsegs; i++) {
        const tseg *sg = &p->segs[i];
        if (sg->kind == SEG_TEXT)
            fs_buf_adds(&b, sg->text);
        else if (sg->kind == SEG_VAR)
            fs_buf_adds(&b, var_value(x, sg->var, &line));
        else
            fs_buf_adds(&b, blank_text(blank, sg->n));
    }
    return b.s;
}

/* ------------------------------------------------------------------------
 * Building: paragraphs.
 * ---------------------------------------------------------------------- */

/* Where paragraphs go: the document or a cell. */
typedef struct target {
    fs_doc *doc;
    fs_cell *cell;
} target;

/* Adds a paragraph with the properties of ST to T. */
static fs_para *new_para(target t, const tstyle *st)
{
    fs_para *p = t.cell ? fs_cell_add_para(t.cell, st->align)
                        : fs_doc_add_para(t.doc, st->align);

    p->indent_chars = st->indent;
    p->space_before = st->before;
    p->space_after = st->after;
    p->line_spacing = st->spacing;
    p->keep_with_next = st->keep;
    return p;
}

/* Writes the runs of one pattern: pieces of text with the same flags and
 * line are merged into one run, and a newline starts a new paragraph (the
 * first paragraph keeps the space before, the last the space after). */
typedef struct writer {
    target t;
    const tstyle *st;
    fs_para *p;                 /* the paragraph being written, or NULL    */
    fs_buf run;                 /* pending run text                        */
    unsigned flags;             /* of the pending run                      */
    long line;
} writer;

/* Adds the pending run, if any, to the current paragraph. */
static void writer_flush(writer *w)
{
    if (!w->run.len)
        return;
    if (!w->p)
        w->p = new_para(w->t, w->st);
    fs_para_add_run(w->p, w->run.s, w->st->role, w->st->size,
                    w->st->flags | w->flags, w->line);
    w->run.len = 0;
    w->run.s[0] = '\0';
}

/* Ends the current paragraph, creating it when it has nothing yet, and
 * gives it an empty run when it has none (so that it has a size). */
static void writer_end_para(writer *w)
{
    writer_flush(w);
    if (!w->p)
        w->p = new_para(w->t, w->st);
    if (!w->p->nruns)
        fs_para_add_run(w->p, "", w->st->role, w->st->size, w->st->flags, 0);
}

/* Appends S with run FLAGS and dossier LINE. */
static void writer_put(writer *w, const char *s, unsigned flags, long line)
{
    while (*s) {
        size_t k = strcspn(s, "\n");

        if (k) {
            if (w->run.len && (flags != w->flags || line != w->line))
                writer_flush(w);
            w->flags = flags;
            w->line = line;
            fs_buf_add(&w->run, s, k);
        }
        if (!s[k])
            break;
        writer_end_para(w);
        w->p->space_after = 0;
        w->p = new_para(w->t, w->st);
        w->p->space_before = 0;
        s += k + 1;
    }
}

/* Finishes the pattern: the last paragraph, and the writer's memory. */
static void writer_done(writer *w)
{
    writer_end_para(w);
    fs_buf_free(&w->run);
}

/* Emits pattern P into T with the placeholders of X filled in: one
 * paragraph, or one per line of a multi-line value.  With SKIP_EMPTY a
 * pattern that comes out empty adds nothing.  Returns the number of
 * paragraphs added. */
static size_t emit(target t, const tpara *p, bctx *x, int skip_empty)
{
    writer w = {t, &p->st, NULL, {0}, 0, 0};
    char blank[3 * 40 + 1];
    size_t before;

    if (skip_empty) {
        char *flat = expand_flat(x, p);
        int empty = strspn(flat, " \n") == strlen(flat);
        free(flat);
        if (empty)
            return 0;
    }
    before = t.cell ? t.cell->nparas : t.doc->nblocks;
    for (size_t i = 0; i < p->nsegs; i++) {
        const tseg *sg = &p->segs[i];
        long line = 0;

        if (sg->kind == SEG_TEXT)
            writer_put(&w, sg->text, 0, 0);
        else if (sg->kind == SEG_VAR) {
            const char *v = var_value(x, sg->var, &line);
            writer_put(&w, v, 0, x->no_lines ? 0 : line);
        } else
            writer_put(&w, blank_text(blank, sg->n),
                       sg->underline ? FS_RUN_UNDERLINE : 0, 0);
    }
    writer_done(&w);
    return (t.cell ? t.cell->nparas : t.doc->nblocks) - before;
}

/* Adds TEXT (one paragraph per line) to cell C in style ST; LINE is the
 * dossier line it comes from, 0 for rubric text. */
static void emit_literal(fs_cell *c, const tstyle *st, const char *text, long line)
{
    writer w = {{NULL, c}, st, NULL, {0}, 0, 0};

    writer_put(&w, text, 0, line);
    writer_done(&w);
}

/* ------------------------------------------------------------------------
 * Building: blocks.
 * ---------------------------------------------------------------------- */

/* A line of fields: a table without rules or padding. */
static void build_fields(fs_doc *doc, const tblock *b, bctx *x)
{
    fs_table *t = fs_doc_add_table(doc, b->nparas, b->widths);
    fs_row *r;

    t->pad_x = t->pad_y = 0;
    t->border = 0;
    r = fs_table_add_row(t, FS_ROW_CANT_SPLIT, 0);
    for (size_t i = 0; i < b->nparas; i++) {
        fs_cell *c = fs_row_add_cell(t, r, 1, 1, FS_VALIGN_TOP);
        emit((target){NULL, c}, &b->paras[i], x, 0);
    }
}

/* Vertical space of B->height mm: an empty paragraph that tall. */
static void build_spacer(fs_doc *doc, const tblock *b)
{
    fs_para *p = fs_doc_add_para(doc, FS_ALIGN_LEFT);

    p->line_spacing = 1.0;
    fs_para_add_run(p, "", FS_ROLE_SONG, b->height * 72.0 / 25.4, 0, 0);
}

/* The body cell of column K for item IT in row R. */
static void score_cell(fs_table *t, fs_row *r, const ttable *tt, size_t k,
                       const fs_rubric_item *it, bctx *x)
{
    const tstyle *st = &tt->body[k];
    const fs_score *sc = it->number >= 1 && it->number <= FS_MAX_ITEMS
        ? &x->d->scores[it->number - 1] : NULL;
    fs_cell *c = fs_row_add_cell(t, r, 1, 1, tt->body_valign[k]);
    char buf[32];

    switch (tt->roles[k]) {
    case ROLE_NUMBER:
        snprintf(buf, sizeof buf, "%d", it->number);
        emit_literal(c, st, buf, 0);
        break;
    case ROLE_STANDARD:
        for (size_t j = 0; j < it->nstandard; j++)
            emit_literal(c, st, it->standard[j], 0);
        if (!it->nstandard)
            emit_literal(c, st, "", 0);
        break;
    case ROLE_CHECK:
        emit_literal(c, st, it->check ? it->check : "", 0);
        break;
    case ROLE_MAX:
        emit_literal(c, st, fs_tenths_format(it->max, buf, sizeof buf), 0);
        break;
    case ROLE_SCORE:
        emit_literal(c, st, sc && sc->present
                     ? fs_tenths_format(sc->points, buf, sizeof buf) : "",
                     sc ? sc->line : 0);
        break;
    case ROLE_NOTE:
        emit_literal(c, st, sc && sc->note.s ? sc->note.s : "", sc ? sc->note.line : 0);
        break;
    case ROLE_SECTION:
    case ROLE_COUNT:
        break;
    }
}

/* The 附件1 table: header row, one row per item with the section cell
 * spanning its items, and the 合计 row. */
static void build_scores(fs_doc *doc, const ttable *tt, bctx *x)
{
    fs_table *t = fs_doc_add_table(doc, tt->ncols, tt->widths);
    fs_row *r;

    t->pad_x = tt->pad_x;
    t->pad_y = tt->pad_y;
    t->border = tt->border;
    r = fs_table_add_row(t, FS_ROW_HEADER | FS_ROW_CANT_SPLIT, 0);
    for (size_t k = 0; k < tt->ncols; k++) {
        fs_cell *c = fs_row_add_cell(t, r, 1, 1, tt->head_valign);
        emit((target){NULL, c}, &tt->heads[k], x, 0);
    }
    for (size_t si = 0; si < x->r->nsections; si++) {
        const fs_rubric_section *sec = &x->r->sections[si];
        x->section = (int)si;
        for (int i = 0; i < sec->nitems; i++) {
            const fs_rubric_item *it = &x->r->items[sec->first_item + i];
            r = fs_table_add_row(t, 0, 0);
            for (size_t k = 0; k < tt->ncols; k++) {
                if (tt->roles[k] != ROLE_SECTION) {
                    score_cell(t, r, tt, k, it, x);
                    continue;
                }
                if (i > 0)
                    continue;           /* covered by the span from above */
                fs_cell *c = fs_row_add_cell(t, r, 1, sec->nitems, tt->section_valign);
                c->repeat_label = 1;
                for (size_t j = 0; j < tt->nsection; j++)
                    emit((target){NULL, c}, &tt->section[j], x, 1);
                if (!c->nparas)
                    emit_literal(c, &tt->section[0].st, "", 0);
            }
        }
    }
    x->section = -1;
    if (!tt->has_total)
        return;
    size_t first = 0;
    while (first < tt->ncols && tt->roles[first] != ROLE_MAX && tt->roles[first] != ROLE_SCORE)
        first++;
    r = fs_table_add_row(t, FS_ROW_CANT_SPLIT, 0);
    fs_cell *c = fs_row_add_cell(t, r, (int)first, 1, FS_VALIGN_CENTER);
    emit((target){NULL, c}, &tt->total, x, 0);
    for (size_t k = first; k < tt->ncols; k++) {
        tstyle st = tt->body[k];
        c = fs_row_add_cell(t, r, 1, 1, FS_VALIGN_CENTER);
        st.role = tt->total.st.role;
        if (tt->roles[k] == ROLE_MAX)
            emit_literal(c, &st, tenths(x, x->s->max), 0);
        else if (tt->roles[k] == ROLE_SCORE)
            emit_literal(c, &st, tenths(x, x->s->total), x->d->assessment_line);
        else
            emit_literal(c, &st, "", 0);
    }
}

/* The verdict line: qualified, short of the threshold, or no threshold. */
static void build_summary(fs_doc *doc, const tblock *b, bctx *x)
{
    const tpara *p = x->s->threshold < 0 ? &b->paras[2]
        : x->s->qualified ? &b->paras[0] : &b->paras[1];

    emit((target){doc, NULL}, p, x, 0);
}

/* One row of a grid (for section X->section in an <each-section>). */
static void build_grid_row(fs_table *t, const trow *tr, bctx *x)
{
    fs_row *r = fs_table_add_row(t, tr->keep ? FS_ROW_CANT_SPLIT : 0, tr->min_height);

    for (size_t i = 0; i < tr->ncells; i++) {
        const tcell *tc = &tr->cells[i];
        fs_cell *c = fs_row_add_cell(t, r, tc->span, 1, tc->valign);
        c->repeat_label = tc->label;
        for (size_t j = 0; j < tc->nparas; j++)
            emit((target){NULL, c}, &tc->paras[j], x, tc->multi);
        if (!c->nparas)
            emit_literal(c, &tc->paras[0].st, "", 0);
    }
}

/* A ruled table of labels and values; <each-section> rows repeat per
 * rubric section. */
static void build_grid(fs_doc *doc, const ttable *tt, bctx *x)
{
    fs_table *t = fs_doc_add_table(doc, tt->ncols, tt->widths);

    t->pad_x = tt->pad_x;
    t->pad_y = tt->pad_y;
    t->border = tt->border;
    for (size_t i = 0; i < tt->nrows; i++) {
        if (!tt->rows[i].each_section) {
            build_grid_row(t, &tt->rows[i], x);
            continue;
        }
        for (size_t si = 0; si < x->r->nsections; si++) {
            x->section = (int)si;
            build_grid_row(t, &tt->rows[i], x);
        }
        x->section = -1;
    }
}

/* Adds a 统计表 table to DOC: the header row (repeated on every page it
 * crosses) and one row per dossier of ROWS[FROM, TO). */
static void roster_table(fs_doc *doc, const ttable *tt, bctx *x,
                         const fs_stats_row *rows, size_t from, size_t to)
{
    fs_table *t = fs_doc_add_table(doc, tt->ncols, tt->widths);
    fs_row *r;

    t->pad_x = tt->pad_x;
    t->pad_y = tt->pad_y;
    t->border = tt->border;
    r = fs_table_add_row(t, FS_ROW_HEADER | FS_ROW_CANT_SPLIT, 0);
    for (size_t k = 0; k < tt->ncols; k++) {
        fs_cell *c = fs_row_add_cell(t, r, 1, 1, tt->head_valign);
        emit((target){NULL, c}, &tt->heads[k], x, 0);
    }
    for (size_t i = from; i < to; i++) {
        x->d = rows[i].d;
        x->r = rows[i].r;
        x->s = &rows[i].s;
        x->row = &rows[i];
        r = fs_table_add_row(t, FS_ROW_CANT_SPLIT, 0);  /* whole, unless taller than a page */
        for (size_t k = 0; k < tt->ncols; k++) {
            fs_cell *c = fs_row_add_cell(t, r, 1, 1, tt->body_valign[k]);
            emit((target){NULL, c}, &tt->vals[k], x, 0);
        }
    }
    x->d = NULL;
    x->r = NULL;
    x->s = NULL;
    x->row = NULL;
}

/* The town of row R, "" when absent. */
static const char *row_town(const fs_stats_row *r)
{
    return r->d->town.s ? r->d->town.s : "";
}

/* The 统计表 of the N ROWS (in the order given).  With a <group> in the
 * template, each town gets its heading (kept with the table below it: a
 * table row cannot be kept with the next) and a table of its own;
 * without, all rows are one table. */
static void build_roster(fs_doc *doc, const ttable *tt, bctx *x,
                         const fs_stats_row *rows, size_t n)
{
    x->roster = tt;
    if (!tt->has_group) {
        roster_table(doc, tt, x, rows, 0, n);
        return;
    }
    for (size_t i = 0; i < n;) {
        size_t k = i;
        while (k < n && strcmp(row_town(&rows[i]), row_town(&rows[k])) == 0)
            k++;
        x->d = rows[i].d;
        x->r = rows[i].r;
        x->s = &rows[i].s;
        x->row = &rows[i];
        x->town_count = k - i;
        for (size_t added = emit((target){doc, NULL}, &tt->group, x, 0); added; added--)
            doc->blocks[doc->nblocks - added].u.para->keep_with_next = 1;
        roster_table(doc, tt, x, rows, i, k);
        i = k;
    }
}

/* Builds FORM for dossier D: page setup and metadata from the template,
 * then every block in order.  Returns a new document the caller frees. */
static fs_doc *build(const fs_forms *f, const tform *form, const fs_rubric *r,
                     const fs_dossier *d, const fs_result_sheet *s)
{
    bctx x = {.f = f, .r = r, .d = d, .s = s, .section = -1};
    fs_doc *doc = fs_doc_new();
    char *title = expand_flat(&x, &form->title);
    char *subject = expand_flat(&x, &form->subject);
    char *keywords = expand_flat(&x, &form->keywords);

    doc->page = form->page;
    fs_doc_set_meta(doc, title, d->name.s ? d->name.s : "", subject, "fivestar");
    if (*keywords) {
        free(doc->keywords);
        doc->keywords = fs_strdup(keywords);
    }
    free(doc->source_file);
    doc->source_file = fs_strdup(d->path);
    for (size_t i = 0; i < form->nblocks; i++) {
        const tblock *b = &form->blocks[i];
        switch (b->kind) {
        case B_PARA: emit((target){doc, NULL}, &b->paras[0], &x, 0); break;
        case B_FIELDS: build_fields(doc, b, &x); break;
        case B_SPACER: build_spacer(doc, b); break;
        case B_SCORES: build_scores(doc, b->table, &x); break;
        case B_SUMMARY: build_summary(doc, b, &x); break;
        case B_GRID: build_grid(doc, b->table, &x); break;
        case B_ROSTER: break;           /* only in the 统计表 */
        }
    }
    free(title);
    free(subject);
    free(keywords);
    return doc;
}

/* Does template F have a 统计表 (<statistics>)? */
int fs_forms_has_statistics(const fs_forms *f)
{
    return f->has_stats;
}

/* 附件3 统计表 of the N dossiers ROWS, in the order given, with the
 * figures SUM under it, as a new document the caller frees.  Runs carry
 * no dossier lines (the document mixes dossiers); the caller sets
 * source_file.  NULL when the template has no <statistics>. */
fs_doc *fs_form_statistics(const fs_forms *f, const fs_stats_row *rows,
                           size_t n, const fs_stats_summary *sum)
{
    bctx x = {.f = f, .section = -1, .sum = sum, .no_lines = 1};
    const tform *form = &f->stats;
    fs_doc *doc;
    char *title, *subject, *keywords;

    if (!f->has_stats)
        return NULL;
    doc = fs_doc_new();
    title = expand_flat(&x, &form->title);
    subject = expand_flat(&x, &form->subject);
    keywords = expand_flat(&x, &form->keywords);
    doc->page = form->page;
    fs_doc_set_meta(doc, title, "", subject, "fivestar");
    if (*keywords) {
        free(doc->keywords);
        doc->keywords = fs_strdup(keywords);
    }
    for (size_t i = 0; i < form->nblocks; i++) {
        const tblock *b = &form->blocks[i];
        switch (b->kind) {
        case B_PARA: emit((target){doc, NULL}, &b->paras[0], &x, 0); break;
        case B_SPACER: build_spacer(doc, b); break;
        case B_ROSTER: build_roster(doc, b->table, &x, rows, n); break;
        case B_FIELDS: case B_SCORES: case B_SUMMARY: case B_GRID:
            break;                      /* refused by the loader */
        }
    }
    free(title);
    free(subject);
    free(keywords);
    return doc;
}

/* 附件1 评定标准 of dossier D (rubric R, scores S) as a new document the
 * caller frees with fs_doc_free.  Never fails (memory exhaustion aborts). */
fs_doc *fs_form_scoresheet(const fs_forms *f, const fs_rubric *r,
                           const fs_dossier *d, const fs_result_sheet *s)
{
    return build(f, &f->sheet, r, d, s);
}

/* 附件2 申报表 of dossier D, as fs_form_scoresheet. */
fs_doc *fs_form_application(const fs_forms *f, const fs_rubric *r,
                            const fs_dossier *d, const fs_result_sheet *s)
{
    return build(f, &f->app, r, d, s);
}
