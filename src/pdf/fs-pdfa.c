/*
 * fs-pdfa.c - PDF/A-1b fix-ups on a libharu 2.3.0 document (fs-pdfa.h).
 *
 * Everything here works on libharu's object tree after the pages are
 * drawn and before it is saved, through the headers Debian installs
 * (hpdf_doc.h, hpdf_objects.h, hpdf_font.h, hpdf_fontdef.h): the catalog,
 * the trailer, the font list and the descendant fonts' CIDToGIDMap
 * streams.  We do not call HPDF_PDFA_SetPDFAConformance: in 2.3.0 it
 * writes unescaped XMP under /SubType and an /ID from the clock.
 *
 * The CIDSet of a font lists CID 0 and every CID whose CIDToGIDMap entry
 * names a glyph that libharu writes into the font program (its "used"
 * flag is set: glyphs never drawn are written with zero length).  libharu
 * creates a font's FontDescriptor only when it is saved; we run that step
 * (its before_write hook) here, which it then skips at save time because
 * the descriptor exists.
 */
#define _GNU_SOURCE
#include "fs-pdfa.h"
#include "fs-sha256.h"
#include "fs-cn.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <hpdf_doc.h>
#include <hpdf_font.h>
#include <hpdf_fontdef.h>
#include <hpdf_objects.h>

#if HPDF_VERSION_ID >= 20400
#error "fs-pdfa.c works on libharu 2.3.0 internals; re-check for 2.4 (which has PDF/A of its own)"
#endif

#define ICC_DEFAULT "/usr/share/color/icc/sRGB.icc"
#define ICC_MAX (4L * 1024 * 1024)
#define ICC_NAME "sRGB IEC61966-2.1"

struct fs_pdfa {
    char *icc_path;
    unsigned char *icc;
    size_t icc_len;
};

/* Reads the ICC profile and checks its header: an RGB display or printer
 * profile of ICC version 2 (what PDF 1.4 knows). */
fs_pdfa *fs_pdfa_load(fs_diags *diags, fs_error *err)
{
    const char *env = getenv("FIVESTAR_ICC");
    fs_pdfa *p = fs_xcalloc(1, sizeof *p);
    FILE *f = NULL;
    long size;

    *err = FS_E_IO;
    p->icc_path = fs_strdup(env && *env ? env : ICC_DEFAULT);
    f = fopen(p->icc_path, "rb");
    if (!f) {
        fs_diags_add(diags, p->icc_path, 0, FS_ERROR,
                     "无法读取 PDF/A 所需的 sRGB 色彩配置文件：%s（Debian 软件包 icc-profiles-free）",
                     fs_errno_cn(errno));
        goto done;
    }
    if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 128 || size > ICC_MAX ||
        fseek(f, 0, SEEK_SET) != 0) {
        fs_diags_add(diags, p->icc_path, 0, FS_ERROR, "不是可用的 ICC 色彩配置文件（大小不对）");
        goto done;
    }
    p->icc_len = (size_t)size;
    p->icc = fs_xmalloc(p->icc_len);
    if (fread(p->icc, 1, p->icc_len, f) != p->icc_len) {
        fs_diags_add(diags, p->icc_path, 0, FS_ERROR, "读取失败：%s", fs_errno_cn(errno));
        goto done;
    }
    if (memcmp(p->icc + 36, "acsp", 4) != 0 || memcmp(p->icc + 16, "RGB ", 4) != 0 ||
        (memcmp(p->icc + 12, "mntr", 4) != 0 && memcmp(p->icc + 12, "prtr", 4) != 0) ||
        p->icc[8] != 2) {
        fs_diags_add(diags, p->icc_path, 0, FS_ERROR,
                     "不是 PDF/A-1 可用的色彩配置文件：应为 ICC 第 2 版、RGB 显示器或打印机配置");
        goto done;
    }
    *err = FS_OK;
done:
    if (f)
        fclose(f);
    if (*err) {
        fs_pdfa_free(p);
        p = NULL;
    }
    return p;
}

/* Frees P; NULL is fine. */
void fs_pdfa_free(fs_pdfa *p)
{
    if (!p)
        return;
    free(p->icc_path);
    free(p->icc);
    free(p);
}

/* ------------------------------------------------------------------------
 * Helpers on libharu's objects.
 * ---------------------------------------------------------------------- */

/* Copies the whole content of memory stream S into B. */
static void stream_bytes(HPDF_Stream s, fs_buf *b)
{
    HPDF_UINT n = HPDF_MemStream_GetBufCount(s);

    for (HPDF_UINT i = 0; i < n; i++) {
        HPDF_UINT len = 0;
        HPDF_BYTE *p = HPDF_MemStream_GetBufPtr(s, i, &len);
        if (p && len)
            fs_buf_add(b, (const char *)p, len);
    }
}

/* A new stream object holding the N bytes DATA, compressed when FLATE;
 * NULL when libharu fails. */
static HPDF_Dict new_stream(HPDF_Doc pdf, const void *data, size_t n, int flate)
{
    HPDF_Dict d = HPDF_DictStream_New(pdf->mmgr, pdf->xref);

    if (!d)
        return NULL;
    d->filter = flate ? HPDF_STREAM_FILTER_FLATE_DECODE : HPDF_STREAM_FILTER_NONE;
    if (n && HPDF_Stream_Write(d->stream, data, (HPDF_UINT)n) != HPDF_OK)
        return NULL;
    return d;
}

/* ------------------------------------------------------------------------
 * CIDSet.
 * ---------------------------------------------------------------------- */

/* Adds a /CIDSet to the FontDescriptor of Type0 TrueType font FONT
 * (creating the descriptor first).  Returns 0 or -1. */
static int add_cidset(HPDF_Doc pdf, HPDF_Font font)
{
    HPDF_FontAttr fa = font->attr;
    HPDF_TTFontDefAttr ta;
    fs_buf map = {0};
    unsigned char *bits = NULL;
    size_t ncid, nbytes;
    HPDF_Dict set;
    int rc = -1;

    if (!fa || fa->type != HPDF_FONT_TYPE0_TT || !fa->map_stream || !fa->fontdef)
        return 0;
    if (!fa->fontdef->descriptor && font->before_write_fn &&
        font->before_write_fn(font) != HPDF_OK)
        goto done;
    if (!fa->fontdef->descriptor)
        goto done;
    ta = fa->fontdef->attr;
    stream_bytes(fa->map_stream->stream, &map);
    ncid = map.len / 2;
    nbytes = ncid / 8 + 1;
    bits = fs_xcalloc(nbytes, 1);
    bits[0] = 0x80;                     /* CID 0, .notdef */
    for (size_t cid = 1; cid < ncid; cid++) {
        unsigned gid = (unsigned)(unsigned char)map.s[2 * cid] << 8 |
                       (unsigned char)map.s[2 * cid + 1];
        if (gid && gid < ta->num_glyphs && ta->glyph_tbl.flgs && ta->glyph_tbl.flgs[gid])
            bits[cid / 8] |= (unsigned char)(0x80 >> (cid % 8));
    }
    set = new_stream(pdf, bits, nbytes, 1);
    if (!set || HPDF_Dict_Add(fa->fontdef->descriptor, "CIDSet", set) != HPDF_OK)
        goto done;
    rc = 0;
done:
    fs_buf_free(&map);
    free(bits);
    return rc;
}

/* ------------------------------------------------------------------------
 * XMP metadata.
 * ---------------------------------------------------------------------- */

/* Appends S to B with &, < and > escaped and control characters (which
 * XML 1.0 forbids) as spaces. */
static void xml_text(fs_buf *b, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '&')
            fs_buf_adds(b, "&amp;");
        else if (c == '<')
            fs_buf_adds(b, "&lt;");
        else if (c == '>')
            fs_buf_adds(b, "&gt;");
        else if (c < 0x20 && c != '\t' && c != '\n')
            fs_buf_adds(b, " ");
        else
            fs_buf_add(b, s, 1);
    }
}

/* Appends the simple property <NAME>VALUE</NAME> when VALUE is set. */
static void xmp_simple(fs_buf *b, const char *name, const char *value)
{
    if (!value || !*value)
        return;
    fs_buf_printf(b, "   <%s>", name);
    xml_text(b, value);
    fs_buf_printf(b, "</%s>\n", name);
}

/* Appends <NAME><rdf:KIND><rdf:li …>VALUE</rdf:li></rdf:KIND></NAME>
 * (a language alternative or an ordered list) when VALUE is set. */
static void xmp_list(fs_buf *b, const char *name, const char *kind,
                     const char *value)
{
    if (!value || !*value)
        return;
    fs_buf_printf(b, "   <%s><rdf:%s><rdf:li%s>", name, kind,
                  strcmp(kind, "Alt") == 0 ? " xml:lang=\"x-default\"" : "");
    xml_text(b, value);
    fs_buf_printf(b, "</rdf:li></rdf:%s></%s>\n", kind, name);
}

/* The Info dictionary's string KEY (libharu's own, such as Producer), or
 * NULL; read without HPDF_GetInfoAttr, which raises an error on the
 * binary strings fs-pdf.c stores. */
static const char *info_string(HPDF_Doc pdf, const char *key)
{
    HPDF_DictElement e;

    if (!pdf->info)
        return NULL;
    for (HPDF_UINT i = 0; i < pdf->info->list->count; i++) {
        e = HPDF_List_ItemAt(pdf->info->list, i);
        if (e && strcmp(e->key, key) == 0 &&
            (((HPDF_Obj_Header *)e->value)->obj_class & HPDF_OCLASS_ANY) == HPDF_OCLASS_STRING)
            return (const char *)((HPDF_String)e->value)->value;
    }
    return NULL;
}

/* The XMP packet for DOC: the values of its Info entries (title, author,
 * subject, keywords, creator, producer) and the PDF/A identification. */
static void xmp_packet(HPDF_Doc pdf, const fs_doc *doc, fs_buf *b)
{
    fs_buf_adds(b, "<?xpacket begin=\"\xEF\xBB\xBF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
                   "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n"
                   " <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n"
                   "  <rdf:Description rdf:about=\"\" xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\">\n"
                   "   <pdfaid:part>1</pdfaid:part>\n"
                   "   <pdfaid:conformance>B</pdfaid:conformance>\n"
                   "  </rdf:Description>\n"
                   "  <rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n"
                   "   <dc:format>application/pdf</dc:format>\n");
    xmp_list(b, "dc:title", "Alt", doc->title);
    xmp_list(b, "dc:creator", "Seq", doc->author);
    xmp_list(b, "dc:description", "Alt", doc->subject);
    fs_buf_adds(b, "  </rdf:Description>\n"
                   "  <rdf:Description rdf:about=\"\" xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\">\n");
    xmp_simple(b, "pdf:Producer", info_string(pdf, "Producer"));
    xmp_simple(b, "pdf:Keywords", doc->keywords);
    fs_buf_adds(b, "  </rdf:Description>\n"
                   "  <rdf:Description rdf:about=\"\" xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\">\n");
    xmp_simple(b, "xmp:CreatorTool", doc->creator);
    fs_buf_adds(b, "  </rdf:Description>\n"
                   " </rdf:RDF>\n"
                   "</x:xmpmeta>\n"
                   "<?xpacket end=\"w\"?>");
}

/* ------------------------------------------------------------------------
 * The whole.
 * ---------------------------------------------------------------------- */

/* Adds the sRGB output intent of P to the catalog.  Returns 0 or -1. */
static int add_output_intent(HPDF_Doc pdf, const fs_pdfa *p)
{
    HPDF_Dict icc = new_stream(pdf, p->icc, p->icc_len, 1);
    HPDF_Dict oi = HPDF_Dict_New(pdf->mmgr);
    HPDF_Array arr = HPDF_Array_New(pdf->mmgr);
    HPDF_STATUS st = HPDF_OK;

    if (!icc || !oi || !arr || HPDF_Xref_Add(pdf->xref, oi) != HPDF_OK)
        return -1;
    st |= HPDF_Dict_AddNumber(icc, "N", 3);
    st |= HPDF_Dict_AddName(icc, "Alternate", "DeviceRGB");
    st |= HPDF_Dict_AddName(oi, "Type", "OutputIntent");
    st |= HPDF_Dict_AddName(oi, "S", "GTS_PDFA1");
    st |= HPDF_Dict_Add(oi, "OutputConditionIdentifier",
                        HPDF_String_New(pdf->mmgr, ICC_NAME, NULL));
    st |= HPDF_Dict_Add(oi, "Info", HPDF_String_New(pdf->mmgr, ICC_NAME, NULL));
    st |= HPDF_Dict_Add(oi, "RegistryName",
                        HPDF_String_New(pdf->mmgr, "http://www.color.org", NULL));
    st |= HPDF_Dict_Add(oi, "DestOutputProfile", icc);
    st |= HPDF_Array_Add(arr, oi);
    st |= HPDF_Dict_Add(pdf->catalog, "OutputIntents", arr);
    return st == HPDF_OK ? 0 : -1;
}

/* Sets the trailer's /ID to the first 16 bytes of the SHA-256 of XMP and
 * every page's content stream, twice (a document never revised).
 * Returns 0 or -1. */
static int set_id(HPDF_Doc pdf, const fs_buf *xmp)
{
    fs_sha256 c;
    unsigned char d[FS_SHA256_LEN];
    HPDF_Array id = HPDF_Array_New(pdf->mmgr);
    HPDF_STATUS st = HPDF_OK;

    if (!id)
        return -1;
    fs_sha256_init(&c);
    fs_sha256_update(&c, xmp->s, xmp->len);
    for (HPDF_UINT i = 0; pdf->page_list && i < pdf->page_list->count; i++) {
        HPDF_Page page = HPDF_List_ItemAt(pdf->page_list, i);
        HPDF_Dict contents = page ? HPDF_Dict_GetItem(page, "Contents", HPDF_OCLASS_DICT) : NULL;
        fs_buf b = {0};

        if (contents && contents->stream)
            stream_bytes(contents->stream, &b);
        fs_sha256_update(&c, b.s ? b.s : "", b.len);
        fs_buf_free(&b);
    }
    fs_sha256_final(&c, d);
    st |= HPDF_Array_Add(id, HPDF_Binary_New(pdf->mmgr, d, 16));
    st |= HPDF_Array_Add(id, HPDF_Binary_New(pdf->mmgr, d, 16));
    st |= HPDF_Dict_Add(pdf->trailer, "ID", id);
    return st == HPDF_OK ? 0 : -1;
}

/* See fs-pdfa.h. */
fs_error fs_pdfa_apply(HPDF_Doc pdf, const fs_doc *doc, const fs_pdfa *p,
                       fs_diags *diags)
{
    fs_buf xmp = {0};
    HPDF_Dict md;
    const char *what = NULL;

    if (!p)
        return FS_OK;
    pdf->pdf_version = HPDF_VER_14;
    for (HPDF_UINT i = 0; pdf->font_mgr && i < pdf->font_mgr->count && !what; i++)
        if (add_cidset(pdf, HPDF_List_ItemAt(pdf->font_mgr, i)) < 0)
            what = "CIDSet";
    xmp_packet(pdf, doc, &xmp);
    md = what ? NULL : new_stream(pdf, xmp.s, xmp.len, 0);
    if (!what && (!md || HPDF_Dict_AddName(md, "Type", "Metadata") != HPDF_OK ||
                  HPDF_Dict_AddName(md, "Subtype", "XML") != HPDF_OK ||
                  HPDF_Dict_Add(pdf->catalog, "Metadata", md) != HPDF_OK))
        what = "XMP 元数据";
    if (!what && add_output_intent(pdf, p) < 0)
        what = "OutputIntent";
    if (!what && set_id(pdf, &xmp) < 0)
        what = "/ID";
    fs_buf_free(&xmp);
    if (what) {
        fs_diags_add(diags, doc->source_file, 0, FS_ERROR,
                     "无法写入 PDF/A 的 %s（libharu 错误码 0x%04lX）", what,
                     (unsigned long)HPDF_GetError(pdf));
        return FS_E_PDF;
    }
    return FS_OK;
}
