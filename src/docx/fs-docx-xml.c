/*
 * fs-docx-xml.c - the XML writing the DOCX parts share: a libxml2
 * xmlTextWriter wrapped with a sticky error, so that the one-element
 * writers stay one call per line, and unit conversions to integers.
 */
#include "fs-docx-private.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Records the first failure of a libxml2 call (a negative return). */
static void check(fs_dx *x, int rc)
{
    if (rc < 0 && !x->err)
        x->err = 1;
}

/* Writes the XML declaration every OOXML part starts with. */
void fs_dx_decl(fs_dx *x)
{
    if (!x->err)
        check(x, xmlTextWriterStartDocument(x->w, "1.0", "UTF-8", "yes"));
}

/* Opens element NAME (a qualified name such as "w:p"). */
void fs_dx_start(fs_dx *x, const char *name)
{
    if (!x->err)
        check(x, xmlTextWriterStartElement(x->w, (const xmlChar *)name));
}

/* Closes the innermost open element ("<a/>" when it has no content). */
void fs_dx_end(fs_dx *x)
{
    if (!x->err)
        check(x, xmlTextWriterEndElement(x->w));
}

/* Adds attribute NAME="VALUE" (escaped) to the element just opened. */
void fs_dx_attr(fs_dx *x, const char *name, const char *value)
{
    if (!x->err)
        check(x, xmlTextWriterWriteAttribute(x->w, (const xmlChar *)name,
                                             (const xmlChar *)value));
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
    check(x, xmlTextWriterWriteString(x->w, (const xmlChar *)b.s));
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

/* See fs-docx-private.h.  The writer has no indentation, so the bytes
 * depend only on what WRITE writes. */
fs_error fs_dx_to_memory(fs_dx_write_fn write, const void *self,
                         char **out, size_t *len)
{
    xmlBufferPtr buf = xmlBufferCreate();
    fs_dx x = {NULL, 0};
    fs_error err = FS_E_NOMEM;

    *out = NULL;
    *len = 0;
    if (!buf)
        goto done;
    xmlBufferSetAllocationScheme(buf, XML_BUFFER_ALLOC_DOUBLEIT);
    x.w = xmlNewTextWriterMemory(buf, 0);
    if (!x.w)
        goto done;
    write(self, &x);
    if (!x.err)
        check(&x, xmlTextWriterEndDocument(x.w));
    if (!x.err)
        check(&x, xmlTextWriterFlush(x.w));
    if (x.err)
        goto done;
    *len = (size_t)xmlBufferLength(buf);
    *out = fs_xmalloc(*len + 1);
    memcpy(*out, xmlBufferContent(buf), *len);
    (*out)[*len] = '\0';
    err = FS_OK;
done:
    if (x.w)
        xmlFreeTextWriter(x.w);
    if (buf)
        xmlBufferFree(buf);
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
