/*
 * fs-normalize.c - Chinese spellings of typed values into the canonical
 * ones of docs/dossier-format.md (fs-normalize.h).
 */
#include "fs-normalize.h"
#include "fs-xml.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* S trimmed of blanks, with full-width digits, point, slash and hyphen
 * made ASCII (malloc'd). */
static char *clean(const char *s)
{
    char *t = fs_text_trim(s ? s : "");
    fs_buf b = {0};
    const char *p = t;

    fs_buf_adds(&b, "");
    while (*p) {
        const char *start = p;
        uint32_t cp = fs_utf8_next(&p);

        if (cp >= 0xFF10 && cp <= 0xFF19) {
            char c = (char)('0' + (cp - 0xFF10));
            fs_buf_add(&b, &c, 1);
        } else if (cp == 0xFF0E) {
            fs_buf_adds(&b, ".");
        } else if (cp == 0xFF0F) {
            fs_buf_adds(&b, "/");
        } else if (cp == 0xFF0D) {
            fs_buf_adds(&b, "-");
        } else {
            fs_buf_add(&b, start, (size_t)(p - start));
        }
    }
    free(t);
    return b.s;
}

/* Does S end with SUFFIX?  Then cut it off (in place) and return 1. */
static int cut_suffix(char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);

    if (k && n > k && strcmp(s + n - k, suffix) == 0) {
        s[n - k] = '\0';
        return 1;
    }
    return 0;
}

/* Reads 1 to MAX digits at *P into *V; 0, or -1 when there are none. */
static int digits(const char **p, int max, int *v)
{
    int n = 0;

    *v = 0;
    while (**p >= '0' && **p <= '9' && n < max) {
        *v = *v * 10 + (**p - '0');
        (*p)++;
        n++;
    }
    return n ? 0 : -1;
}

/* Skips the UTF-8 text WORD at *P; 1 when it was there. */
static int skip(const char **p, const char *word)
{
    size_t n = strlen(word);

    if (strncmp(*p, word, n) != 0)
        return 0;
    *p += n;
    return 1;
}

/* 是/否 and yes/no; see fs-normalize.h. */
char *fs_norm_yesno(const char *s)
{
    static const char *const yes[] = {"yes", "是", "达标", "合格", NULL};
    static const char *const no[] = {"no", "否", "不达标", "未达标", "不合格", NULL};
    char *c = clean(s);
    const char *r = NULL;

    for (int i = 0; !r && yes[i]; i++)
        if (strcasecmp(c, yes[i]) == 0)
            r = "yes";
    for (int i = 0; !r && no[i]; i++)
        if (strcasecmp(c, no[i]) == 0)
            r = "no";
    free(c);
    return r ? fs_strdup(r) : NULL;
}

/* 2010年6月18日, 2010/6/18, 2010.6.18, 2010-6-18; see fs-normalize.h.
 * The calendar is checked by the loader, not here. */
char *fs_norm_date(const char *s)
{
    char *c = clean(s);
    const char *p = c;
    int y, m, d, ok = 0;

    if (digits(&p, 4, &y) == 0 && p - c == 4) {
        if (skip(&p, "年")) {
            ok = digits(&p, 2, &m) == 0 && skip(&p, "月") && digits(&p, 2, &d) == 0;
            if (ok && !skip(&p, "日"))
                skip(&p, "号");
        } else if (*p == '-' || *p == '/' || *p == '.') {
            char sep = *p++;
            ok = digits(&p, 2, &m) == 0 && *p++ == sep && digits(&p, 2, &d) == 0;
        }
    }
    ok = ok && *p == '\0';
    free(c);
    return ok ? fs_printf("%04d-%02d-%02d", y, m, d) : NULL;
}

/* 五星, 五星级, 5星, 五, 5; 无 and 未获评 for 0; see fs-normalize.h. */
char *fs_norm_star(const char *s)
{
    static const char *const numerals[] = {"〇", "一", "二", "三", "四", "五", NULL};
    static const char *const none[] = {"无", "没有", "未获评", "零", "零星", NULL};
    char *c = clean(s);
    int v = -1;

    for (int i = 0; none[i]; i++)
        if (strcmp(c, none[i]) == 0)
            v = 0;
    if (v < 0) {
        if (!cut_suffix(c, "星级"))
            cut_suffix(c, "星");
        if (c[0] >= '0' && c[0] <= '5' && c[1] == '\0')
            v = c[0] - '0';
        for (int i = 0; v < 0 && numerals[i]; i++)
            if (strcmp(c, numerals[i]) == 0)
                v = i;
        if (v < 0 && strcmp(c, "零") == 0)
            v = 0;
    }
    free(c);
    return v >= 0 ? fs_printf("%d", v) : NULL;
}

/* 15, １５, 15人, 4.5分, ４．５; see fs-normalize.h. */
char *fs_norm_number(const char *s, const char *unit)
{
    char *c = clean(s);
    const char *p = c;
    int seen = 0;

    if (unit)
        cut_suffix(c, unit);
    while (*p >= '0' && *p <= '9')
        p++, seen = 1;
    if (seen && *p == '.') {
        p++;
        seen = *p >= '0' && *p <= '9';
        while (*p >= '0' && *p <= '9')
            p++;
    }
    if (!seen || *p) {
        free(c);
        return NULL;
    }
    return c;
}

/* ------------------------------------------------------------------------
 * The tree.
 * ---------------------------------------------------------------------- */

typedef char *(*normaliser)(const char *s, const char *unit);

static char *yesno_u(const char *s, const char *unit) { (void)unit; return fs_norm_yesno(s); }
static char *date_u(const char *s, const char *unit) { (void)unit; return fs_norm_date(s); }
static char *star_u(const char *s, const char *unit) { (void)unit; return fs_norm_star(s); }

/* Replaces the value V (the text of an element or an attribute's value)
 * by its canonical spelling under F; returns it (malloc'd) when it
 * differs from V trimmed, else NULL. */
static char *canonical(const char *v, normaliser f, const char *unit)
{
    char *c, *t;

    if (!v)
        return NULL;
    c = f(v, unit);
    if (!c)
        return NULL;
    t = fs_text_trim(v);
    if (strcmp(c, t) == 0) {
        free(c);
        c = NULL;
    }
    free(t);
    return c;
}

/* Normalises attribute NAME of NODE; 1 when it changed. */
static int norm_attr(xmlNodePtr node, const char *name, normaliser f, const char *unit)
{
    char *v = fs_xml_attr(node, name);
    char *c = canonical(v, f, unit);
    int changed = 0;

    if (c && xmlSetProp(node, (const xmlChar *)name, (const xmlChar *)c))
        changed = 1;
    free(v);
    free(c);
    return changed;
}

/* Normalises the text of the child element NAME of PARENT, when it holds
 * text only (a comment or element inside is left alone); 1 when changed. */
static int norm_text(xmlNodePtr parent, const char *name, normaliser f, const char *unit)
{
    xmlNodePtr node = fs_xml_child(parent, name), t;
    char *v, *c;

    if (!node)
        return 0;
    for (t = node->children; t; t = t->next)
        if (t->type != XML_TEXT_NODE)
            return 0;
    v = fs_xml_text(node);
    c = canonical(v, f, unit);
    free(v);
    if (!c)
        return 0;
    while (node->children) {
        t = node->children;
        xmlUnlinkNode(t);
        xmlFreeNode(t);
    }
    xmlNodeAddContent(node, (const xmlChar *)c);
    free(c);
    return 1;
}

/* Rewrites DOC's typed values canonically; see fs-normalize.h. */
int fs_dossier_normalize(xmlDocPtr doc)
{
    xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL, n;
    int changed = 0;

    if (!root || strcmp((const char *)root->name, "dossier") != 0)
        return 0;
    changed += norm_attr(root, "year", fs_norm_number, "年");
    if ((n = fs_xml_child(root, "organization")) != NULL) {
        changed += norm_text(n, "members", fs_norm_number, "人");
        changed += norm_text(n, "founded", date_u, NULL);
        changed += norm_text(n, "star", star_u, NULL);
    }
    if ((n = fs_xml_child(root, "application")) != NULL) {
        changed += norm_attr(n, "date", date_u, NULL);
        changed += norm_attr(n, "star", star_u, NULL);
        for (xmlNodePtr s = fs_xml_child(n, "situation"); s; s = fs_xml_next(s, "situation"))
            changed += norm_attr(s, "section", fs_norm_number, NULL);
    }
    if ((n = fs_xml_child(root, "assessment")) != NULL)
        for (xmlNodePtr s = fs_xml_child(n, "score"); s; s = fs_xml_next(s, "score")) {
            changed += norm_attr(s, "item", fs_norm_number, NULL);
            changed += norm_attr(s, "points", fs_norm_number, "分");
        }
    if ((n = fs_xml_child(root, "standing")) != NULL)
        changed += norm_text(n, "compliant", yesno_u, NULL);
    if ((n = fs_xml_child(root, "history")) != NULL)
        for (xmlNodePtr e = fs_xml_child(n, "event"); e; e = fs_xml_next(e, "event"))
            changed += norm_attr(e, "date", date_u, NULL);
    return changed;
}

/* Normalises a dossier held in memory; see fs-normalize.h. */
int fs_dossier_normalize_text(const char *name, const void *data, size_t len,
                              char **out, size_t *outlen, fs_diags *diags)
{
    fs_error err;
    xmlDocPtr doc = fs_xml_read_memory(name, data, len, FS_MAX_FILE_BYTES, diags, &err);
    xmlChar *text = NULL;
    int changed, n = 0;

    *out = NULL;
    *outlen = 0;
    if (!doc)
        return -1;
    changed = fs_dossier_normalize(doc);
    if (changed == 0) {
        *out = fs_xmalloc(len + 1);
        memcpy(*out, data, len);
        (*out)[len] = '\0';
        *outlen = len;
    } else {
        xmlDocDumpMemoryEnc(doc, &text, &n, "UTF-8");
        *out = fs_xmalloc((size_t)n + 1);
        memcpy(*out, text, (size_t)n);
        (*out)[n] = '\0';
        *outlen = (size_t)n;
        xmlFree(text);
    }
    xmlFreeDoc(doc);
    return changed;
}
