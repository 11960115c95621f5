/*
 * fs-docx-xml.c - the XML writing the DOCX parts share: a small writer
 * into memory with a sticky error, so that the one-element writers stay
 * one call per line, and unit conversions to integers.  It replaced
 * libxml2's xmlTextWriter (14 % of a batch's instructions) and writes the
 * same bytes (README, Performance).
 */
#include "fs-docx-private.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Starts X empty. */
void fs_dx_init(fs_dx *x)
{
    memset(x, 0, sizeof *x);
    fs_buf_add(&x->b, "", 0);
}

/* Frees X's memory. */
void fs_dx_free(fs_dx *x)
{
    fs_buf_free(&x->b);
    fs_buf_free(&x->names);
    free(x->at);
    memset(x, 0, sizeof *x);
}

/* Writes the XML declaration every OOXML part starts with. */
void fs_dx_decl(fs_dx *x)
{
    if (!x->err)
        fs_buf_adds(&x->b, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n");
}

/* Ends the start tag still open, if any, before content. */
static void close_tag(fs_dx *x)
{
    if (x->open) {
        fs_buf_add(&x->b, ">", 1);
        x->open = 0;
    }
}

/* Opens element NAME (a qualified name such as "w:p"). */
void fs_dx_start(fs_dx *x, const char *name)
{
    size_t n = strlen(name);

    if (x->err)
        return;
    close_tag(x);
    if (x->depth == x->cap) {
        x->cap = x->cap ? 2 * x->cap : 32;
        x->at = fs_xrealloc(x->at, x->cap * sizeof *x->at);
    }
    x->at[x->depth++] = x->names.len;
    fs_buf_add(&x->names, name, n + 1);
    fs_buf_add(&x->b, "<", 1);
    fs_buf_add(&x->b, name, n);
    x->open = 1;
}

/* Closes the innermost open element ("<a/>" when it has no content). */
void fs_dx_end(fs_dx *x)
{
    const char *name;

    if (x->err)
        return;
    if (!x->depth) {
        x->err = 1;
        return;
    }
    name = x->names.s + x->at[--x->depth];
    if (x->open) {
        fs_buf_add(&x->b, "/>", 2);
        x->open = 0;
    } else {
        fs_buf_add(&x->b, "</", 2);
        fs_buf_adds(&x->b, name);
        fs_buf_add(&x->b, ">", 1);
    }
    x->names.len = x->at[x->depth];
}

/* Closes every open element and ends the part with a newline. */
void fs_dx_finish(fs_dx *x)
{
    while (!x->err && x->depth)
        fs_dx_end(x);
    if (!x->err)
        fs_buf_add(&x->b, "\n", 1);
}

/* Appends S escaped: &, <, > and " always; in an attribute (ATTR) also
 * tab, line feed and carriage return as character references, in text
 * carriage return only (libxml2's escaping). */
static void escape(fs_buf *b, const char *s, int attr)
{
    const char *run = s;

    for (; *s; s++) {
        const char *rep;

        switch (*s) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\r': rep = "&#13;"; break;
        case '\n': rep = attr ? "&#10;" : NULL; break;
        case '\t': rep = attr ? "&#9;" : NULL; break;
        default: rep = NULL; break;
        }
        if (!rep)
            continue;
        fs_buf_add(b, run, (size_t)(s - run));
        fs_buf_adds(b, rep);
        run = s + 1;
    }
    fs_buf_add(b, run, (size_t)(s - run));
}

/* Adds attribute NAME="VALUE" (escaped) to the element just opened. */
void fs_dx_attr(fs_dx *x, const char *name, const char *value)
{
    if (x->err)
        return;
    if (!x->open) {
        x->err = 1;
        return;
    }
    fs_buf_add(&x->b, " ", 1);
    fs_buf_adds(&x->b, name);
    fs_buf_add(&x->b, "=\"", 2);
    escape(&x->b, value, 1);
    fs_buf_add(&x->b, "\"", 1);
}

/* Adds attribute NAME with the decimal integer V. */
void fs_dx_attr_int(fs_dx *x, const char *name, long v)
{
    char buf[24];

    snprintf(buf, sizeof buf, "%ld", v);
    fs_dx_attr(x, name, buf);
}

/* Is CP a character XML 1.0 allows? */
static int xml_char_ok(uint32_t cp)
{
    return cp == 0x9 || cp == 0xA || cp == 0xD ||
           (cp >= 0x20 && cp <= 0xD7FF) || (cp >= 0xE000 && cp <= 0xFFFD) ||
           (cp >= 0x10000 && cp <= 0x10FFFF);
}

/* Writes the N bytes at S as character data: escaped by libxml2, with the
 * characters XML 1.0 forbids (C0 controls, U+FFFE, U+FFFF) dropped. */
void fs_dx_text(fs_dx *x, const char *s, size_t n)
{
    fs_buf b = {0};
    const char *p = s, *end = s + n;

    if (x->err)
        return;
    fs_buf_add(&b, "", 0);
    while (p < end) {
        const char *start = p;
        uint32_t cp = fs_utf8_next(&p);

        if (p > end || p == start)
            break;
        if (xml_char_ok(cp))
            fs_buf_add(&b, start, (size_t)(p - start));
    }
    /* Even empty text ends the start tag: <a></a>, as libxml2 wrote. */
    close_tag(x);
    escape(&x->b, b.s, 0);
    fs_buf_free(&b);
}

/* Writes the empty element <NAME/>. */
void fs_dx_empty(fs_dx *x, const char *name)
{
    fs_dx_start(x, name);
    fs_dx_end(x);
}

/* Writes <NAME w:val="VAL"/>, the shape of most WordprocessingML
 * properties. */
void fs_dx_val(fs_dx *x, const char *name, const char *val)
{
    fs_dx_start(x, name);
    fs_dx_attr(x, "w:val", val);
    fs_dx_end(x);
}

/* Writes <NAME w:val="V"/> with an integer V. */
void fs_dx_val_int(fs_dx *x, const char *name, long v)
{
    fs_dx_start(x, name);
    fs_dx_attr_int(x, "w:val", v);
    fs_dx_end(x);
}

/* Writes <NAME>TEXT</NAME>. */
void fs_dx_element(fs_dx *x, const char *name, const char *text)
{
    fs_dx_start(x, name);
    fs_dx_text(x, text, strlen(text));
    fs_dx_end(x);
}

/* See fs-docx-private.h.  The bytes depend only on what WRITE writes. */
fs_error fs_dx_to_memory(fs_dx_write_fn write, const void *self,
                         char **out, size_t *len)
{
    fs_dx x;
    fs_error err = FS_E_NOMEM;

    *out = NULL;
    *len = 0;
    fs_dx_init(&x);
    write(self, &x);
    fs_dx_finish(&x);
    if (x.err)
        goto done;
    *len = x.b.len;
    *out = x.b.s;               /* NUL-terminated, as fs_buf keeps it */
    x.b.s = NULL;
    x.b.len = x.b.cap = 0;
    err = FS_OK;
done:
    fs_dx_free(&x);
    return err;
}

/* Millimetres to twips (1440 per inch, 56.6929 per mm), rounded. */
long fs_dx_mm(double mm)
{
    return lround(mm * 1440.0 / 25.4);
}

/* Points to twips (20 per point), rounded. */
long fs_dx_pt(double pt)
{
    return lround(pt * 20.0);
}

/* Points to half-points (w:sz), rounded, at least 1. */
long fs_dx_hps(double pt)
{
    long v = lround(pt * 2.0);

    return v < 1 ? 1 : v;
}
