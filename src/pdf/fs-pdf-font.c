/*
 * fs-pdf-font.c - embedding the fonts of a PDF into libharu (fs-pdf-font.h).
 * The libharu 2.3.0 defects worked around here are measured in
 * shared/research/libharu-docx-fonts.md, sections 1 and 3.
 *
 * Embedding runs each used face through hb-subset (fs_fontset_subset_face:
 * no hinting, no layout tables), which also works around libharu's broken
 * handling of composite glyphs; because libharu 2.3.0 can only load fonts
 * from files, the subset goes into an in-memory file (memfd) or, where
 * there is none, a temporary file unlinked once loaded.
 *
 * The subset's cmap is rebuilt to map compact stand-ins, U+0100, U+0101,
 * ... one per code point drawn, in code point order, instead of the real
 * code points; fs_pdf_fonts_encode substitutes them and the ToUnicode CMap
 * (which libharu writes as an invalid code-to-CID CMap and we replace by
 * bfchar entries) maps each back to its real character, a UTF-16 surrogate
 * pair outside the BMP.  libharu 2.3.0 turns characters outside the BMP
 * into spaces, and the stand-ins make the fonts cheap to build: see
 * get_font, write_cidtogidmap and attach_fontfile (issue 3: building the
 * fonts was most of a PDF's run time).
 * Nothing depends on time or randomness: the same input gives a
 * byte-identical PDF.
 */
#define _GNU_SOURCE                 /* vasprintf, memfd_create */
#include "fs-pdf-font.h"
#include "fs-cn.h"
#include "fs-sfnt.h"
#include "fs-zcache.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <hb.h>

#include <hpdf_doc.h>
#include <hpdf_encoder.h>
#include <hpdf_font.h>
#include <hpdf_fontdef.h>
#include <hpdf_objects.h>
#include <hpdf_streams.h>

#if HPDF_VERSION_ID >= 20400
#error "fs-pdf-font.c patches libharu 2.3.0 internals (ToUnicode, glyph flags); re-check them for 2.4"
#endif

/* The stand-ins drawn for the code points of a face: SI_BASE + k for the
 * k-th code point in ascending order.  They start above ASCII and Latin-1,
 * whose values libharu treats specially in places (white space, control
 * characters), and stay below the surrogates; a format 4 cmap of one
 * segment through glyphIdArray holds at most SI_MAX of them. */
#define SI_BASE 0x0100u
#define SI_MAX 32000u

/* libdeflate level of the embedded font files, most of a PDF's bytes and
 * (deflated by libharu with zlib's default level 6) once most of its run
 * time.  Measured on the example's largest subset (237 KB, 466 glyphs of
 * AR PL SungtiL GB): zlib 6 105.8 KB in 6.5 ms; libdeflate 6 105.7 KB in
 * 3.1 ms, 4 107.6 KB in 2.1 ms, 1 111.5 KB in 1.3 ms.  Level 1 keeps the
 * example's two PDFs in 20 ms (issue 3; 6 takes 3 ms more), at 133 and
 * 65 KB instead of 127 and 62 KB. */
#ifndef FONT_DEFLATE_LEVEL
#define FONT_DEFLATE_LEVEL 1
#endif

/* bfchar entries per beginbfchar block (the CMap limit is 100). */
#define BFCHAR_BLOCK 100

/* Per-face embedding state of one PDF. */
typedef struct fs_pdf_face {
    hb_set_t *used;                 /* code points recorded by _use        */
    HPDF_Font font;                 /* NULL until embedded or when unused  */
    char *name;                     /* libharu's font name (tagged)        */
    uint32_t *cps;                  /* code points drawn, ascending: the   */
    size_t ncps;                    /* stand-in of cps[k] is SI_BASE + k   */
} fs_pdf_face;

struct fs_pdf_fonts {
    const fs_fontset *fs;
    fs_pdf_face f[FS_ROLE_COUNT];
    int embedded;
};

/* ------------------------------------------------------------------------
 * Small helpers.
 * ---------------------------------------------------------------------- */

/* Is FACE a face of FS? */
static int valid_face(const fs_fontset *fs, int face)
{
    return face >= 0 && face < fs_fontset_nfaces(fs);
}

/* Stores the low 16 bits of V big-endian at P (the caller sized the
 * buffer). */
static void put16(unsigned char *p, unsigned v)
{
    p[0] = (unsigned char)(v >> 8);
    p[1] = (unsigned char)v;
}

/* Stores V big-endian at P (the caller sized the buffer). */
static void put32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

/* ------------------------------------------------------------------------
 * Rebuilding a subset's cmap with stand-ins.
 * ---------------------------------------------------------------------- */

/* Builds a cmap table that maps the N stand-ins SI_BASE .. SI_BASE + N - 1
 * (N <= SI_MAX) to the glyphs GIDS[0..N): a format 4 subtable, referenced
 * by (0,3) and (3,1), of one segment through glyphIdArray and the final
 * 0xFFFF one.  libharu looks a code up with a linear search over the
 * segments, so that search ends at once.  Returns a blob owned by the
 * caller. */
static hb_blob_t *build_cmap(const uint16_t *gids, size_t n)
{
    size_t nseg = n ? 2 : 1, len4 = 16 + 8 * nseg + 2 * n;
    size_t off4 = 4 + 8 * 2, total = off4 + len4;
    unsigned char *t = fs_xcalloc(1, total), *s;
    unsigned char *ends, *starts, *deltas, *ranges, *arr;
    unsigned search, sel;
    size_t k = 0;

    /* Header and the two encoding records, sorted by platform. */
    put16(t + 2, 2);
    put16(t + 4, 0); put16(t + 6, 3); put32(t + 8, (uint32_t)off4);
    put16(t + 12, 3); put16(t + 14, 1); put32(t + 16, (uint32_t)off4);

    s = t + off4;
    for (search = 1, sel = 0; search * 2 <= nseg; search *= 2, sel++)
        ;
    put16(s, 4);
    put16(s + 2, (unsigned)len4);
    put16(s + 4, 0);
    put16(s + 6, (unsigned)(2 * nseg));
    put16(s + 8, 2 * search);
    put16(s + 10, sel);
    put16(s + 12, (unsigned)(2 * nseg - 2 * search));
    ends = s + 14;
    starts = ends + 2 * nseg + 2;           /* after reservedPad */
    deltas = starts + 2 * nseg;
    ranges = deltas + 2 * nseg;
    arr = ranges + 2 * nseg;
    if (n) {
        put16(starts, SI_BASE);
        put16(ends, (unsigned)(SI_BASE + n - 1));
        put16(deltas, 0);
        put16(ranges, (unsigned)(2 * nseg));    /* to glyphIdArray[0] */
        for (size_t i = 0; i < n; i++)
            put16(arr + 2 * i, gids[i]);
        k = 1;
    }
    put16(starts + 2 * k, 0xFFFF);
    put16(ends + 2 * k, 0xFFFF);
    put16(deltas + 2 * k, 1);
    put16(ranges + 2 * k, 0);
    return hb_blob_create((const char *)t, (unsigned)total,
                          HB_MEMORY_MODE_READONLY, t, free);
}

/* Rebuilds the subset font SUB so that its cmap maps the stand-in
 * SI_BASE + k of each code point CPS[k] (N of them, N <= SI_MAX) to the
 * code point's glyph, which goes to GIDS[k]; every other table is copied
 * (fs_sfnt_replace_table: not parsed and written again by HarfBuzz).
 * Returns the new font file as a blob owned by the caller, or NULL (a code
 * point missing from the subset, or HarfBuzz out of memory). */
static hb_blob_t *rebuild_cmap(hb_face_t *sub, const uint32_t *cps, size_t n,
                               uint16_t *gids)
{
    hb_blob_t *subblob = hb_face_reference_blob(sub);
    hb_face_t *src = hb_face_create(subblob, 0);
    hb_font_t *font = hb_font_create(src);
    hb_blob_t *cmap = NULL, *out = NULL;
    hb_codepoint_t gid;
    unsigned slen = 0, clen = 0;
    const char *sd = hb_blob_get_data(subblob, &slen), *cd;
    unsigned char *bytes;
    size_t blen;

    for (size_t k = 0; k < n; k++) {
        if (!hb_font_get_nominal_glyph(font, cps[k], &gid) || gid == 0 ||
            gid > 0xFFFF)
            goto done;
        gids[k] = (uint16_t)gid;
    }
    cmap = build_cmap(gids, n);
    cd = hb_blob_get_data(cmap, &clen);
    if (sd && cd &&
        fs_sfnt_replace_table((const unsigned char *)sd, slen, "cmap",
                              (const unsigned char *)cd, clen, &bytes, &blen) == 0)
        out = hb_blob_create((const char *)bytes, (unsigned)blen,
                             HB_MEMORY_MODE_WRITABLE, bytes, free);
done:
    hb_blob_destroy(cmap);
    hb_font_destroy(font);
    hb_face_destroy(src);
    hb_blob_destroy(subblob);
    return out;
}

/* ------------------------------------------------------------------------
 * PDF embedding.
 * ---------------------------------------------------------------------- */

/* Starts the embedding state of one PDF.  FS is borrowed and must outlive
 * the result.  Never returns NULL (allocation failure aborts; a HarfBuzz
 * set that could not be allocated makes fs_pdf_fonts_embed fail with
 * FS_E_NOMEM). */
fs_pdf_fonts *fs_pdf_fonts_new(const fs_fontset *fs)
{
    fs_pdf_fonts *pf = fs_xcalloc(1, sizeof *pf);

    pf->fs = fs;
    for (int f = 0; f < FS_ROLE_COUNT; f++)
        pf->f[f].used = hb_set_create();
    return pf;
}

/* Frees PF; the HPDF_Font objects belong to the PDF document.  NULL is
 * fine. */
void fs_pdf_fonts_free(fs_pdf_fonts *pf)
{
    if (!pf)
        return;
    for (int f = 0; f < FS_ROLE_COUNT; f++) {
        hb_set_destroy(pf->f[f].used);
        free(pf->f[f].name);
        free(pf->f[f].cps);
    }
    free(pf);
}

/* See fs-font.h.  Invalid code points (surrogates, 0, beyond U+10FFFF)
 * and bad faces are ignored; so is every call after fs_pdf_fonts_embed. */
void fs_pdf_fonts_use(fs_pdf_fonts *pf, int face, uint32_t cp)
{
    if (!pf || pf->embedded || !valid_face(pf->fs, face) || !fs_font_cp_valid(cp))
        return;
    hb_set_add(pf->f[face].used, cp);
}

/* Puts the font bytes DATA[0..LEN) into an anonymous in-memory file
 * (memfd_create) and returns a malloc'd name libharu can open it by,
 * /proc/self/fd/N, with the descriptor in *FD, to be closed once libharu
 * has opened the file.  Returns NULL where the system has no such files
 * (or no /proc): the caller then falls back to write_temp_font. */
static char *memfd_font(const char *data, size_t len, int *fd)
{
    char *name;
    int f;

    *fd = -1;
    f = memfd_create("fivestar-font", MFD_CLOEXEC);
    if (f < 0)
        return NULL;
    name = fs_printf("/proc/self/fd/%d", f);
    if (fs_write_fd(f, data, len) < 0 || access(name, R_OK) != 0) {
        close(f);
        free(name);
        return NULL;
    }
    *fd = f;
    return name;
}

/* Writes the font bytes DATA[0..LEN) to a new file in $TMPDIR (or /tmp)
 * and returns its malloc'd name, or NULL with the reason in DIAGS. */
static char *write_temp_font(const char *data, size_t len, const char *what,
                             fs_diags *diags)
{
    const char *dir = getenv("TMPDIR");
    char *name;
    int fd;

    if (!dir || !dir[0])
        dir = "/tmp";
    name = fs_printf("%s/fivestar-font-XXXXXX", dir);
    fd = mkstemp(name);
    if (fd < 0) {
        fs_font_error(diags, what, 0,
                   "无法在 %s 中建立临时字体文件：%s（请检查 TMPDIR 和磁盘空间）", dir,
                   fs_errno_cn(errno));
        goto fail;
    }
    if (fs_write_fd(fd, data, len) < 0) {
        fs_font_error(diags, what, 0, "无法写入临时字体文件 %s：%s", name, fs_errno_cn(errno));
        goto fail;
    }
    if (close(fd) != 0) {
        fd = -1;
        fs_font_error(diags, what, 0, "无法写入临时字体文件 %s：%s", name, fs_errno_cn(errno));
        goto fail;
    }
    return name;
fail:
    if (fd >= 0) {
        close(fd);
        unlink(name);
    }
    free(name);
    return NULL;
}

/* Writes the low 16 bits of V as four upper-case hex digits at P and
 * returns the end. */
static char *hex4(char *p, unsigned v)
{
    static const char digits[] = "0123456789ABCDEF";

    for (int shift = 12; shift >= 0; shift -= 4)
        *p++ = digits[(v >> shift) & 0xF];
    return p;
}

/* Replaces the content of the font's ToUnicode stream by a valid CMap
 * (CMapType 2, bfchar only) that maps the stand-in SI_BASE + k to CPS[k]
 * (N of them), as UTF-16: a surrogate pair outside the BMP.  The stale
 * code-to-CID keys libharu put in the stream dictionary are removed.
 * Returns 0 or -1 (libharu failed). */
static int write_tounicode(HPDF_Font font, const uint32_t *cps, size_t n)
{
    static const char *const stale[] = {
        "Type", "CMapName", "CIDSystemInfo", "WMode", "UseCMap"
    };
    HPDF_Dict tu = HPDF_Dict_GetItem(font, "ToUnicode", HPDF_OCLASS_DICT);
    fs_buf b = {0};
    int ret = -1;

    if (!tu || !tu->stream)
        goto done;
    fs_buf_adds(&b,
        "/CIDInit /ProcSet findresource begin\n"
        "12 dict begin\n"
        "begincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def\n"
        "/CMapType 2 def\n"
        "1 begincodespacerange\n"
        "<0000> <FFFF>\n"
        "endcodespacerange\n");
    for (size_t i = 0; i < n; i += BFCHAR_BLOCK) {
        size_t m = n - i < BFCHAR_BLOCK ? n - i : BFCHAR_BLOCK;

        fs_buf_printf(&b, "%zu beginbfchar\n", m);
        for (size_t k = i; k < i + m; k++) {
            char line[24], *p = line;
            uint32_t u = cps[k];

            *p++ = '<';
            p = hex4(p, (unsigned)(SI_BASE + k));
            *p++ = '>';
            *p++ = ' ';
            *p++ = '<';
            if (u > 0xFFFF) {
                u -= 0x10000;
                p = hex4(p, 0xD800 + (u >> 10));
                p = hex4(p, 0xDC00 + (u & 0x3FF));
            } else
                p = hex4(p, u);
            *p++ = '>';
            *p++ = '\n';
            fs_buf_add(&b, line, (size_t)(p - line));
        }
        fs_buf_adds(&b, "endbfchar\n");
    }
    fs_buf_adds(&b,
        "endcmap\n"
        "CMapName currentdict /CMap defineresource pop\n"
        "end\n"
        "end\n");

    HPDF_MemStream_FreeData(tu->stream);
    if (HPDF_Stream_Write(tu->stream, (const HPDF_BYTE *)b.s,
                          (HPDF_UINT)b.len) != HPDF_OK)
        goto done;
    for (size_t i = 0; i < sizeof stale / sizeof stale[0]; i++)
        HPDF_Dict_RemoveElement(tu, stale[i]);
    ret = 0;
done:
    fs_buf_free(&b);
    return ret;
}

/* Cuts the font's CIDToGIDMap, which libharu 2.3.0 writes for all 65,536
 * CIDs (131,070 bytes to compress), to the CIDs in use: 0 .. SI_BASE + N - 1,
 * the stand-in SI_BASE + k mapping to GIDS[k] and every CID below SI_BASE
 * to glyph 0 (no CID beyond the stream is ever drawn).  Checks first that
 * libharu read the rebuilt cmap as we wrote it, since its /W widths come
 * from that reading.  Returns 0 or -1. */
static int write_cidtogidmap(HPDF_Font font, HPDF_FontDef def,
                             const uint16_t *gids, size_t n)
{
    HPDF_FontAttr attr = (HPDF_FontAttr)font->attr;
    HPDF_Dict map = attr ? attr->map_stream : NULL;
    size_t len = 2 * (SI_BASE + n);
    unsigned char *b = NULL;
    int ret = -1;

    if (!map || !map->stream || !def)
        goto done;
    b = fs_xcalloc(1, len);
    for (size_t k = 0; k < n; k++) {
        if (HPDF_TTFontDef_GetGlyphid(def, (HPDF_UINT16)(SI_BASE + k)) != gids[k])
            goto done;
        put16(b + 2 * (SI_BASE + k), gids[k]);
    }
    HPDF_MemStream_FreeData(map->stream);
    if (HPDF_Stream_Write(map->stream, b, (HPDF_UINT)len) != HPDF_OK)
        goto done;
    ret = 0;
done:
    free(b);
    return ret;
}

/* HPDF_Dict write_fn of a FontFile2 stream holding data we deflated:
 * names the filter (libharu drops /Filter from a stream it does not
 * compress itself). */
static HPDF_STATUS write_flate_filter(HPDF_Dict dict, HPDF_Stream stream)
{
    (void)dict;
    return HPDF_Stream_WriteStr(stream, "/Filter /FlateDecode\012");
}

/* Gives FONT, just made by HPDF_GetFont from the TrueType definition DEF
 * of PDF, its FontDescriptor, with the keys libharu 2.3.0 writes, and a
 * FontFile2 stream holding the font file BLOB (the very file libharu
 * loaded), deflated at FONT_DEFLATE_LEVEL when the document compresses
 * fonts, in pieces that recur from subset to subset (fs_sfnt_cuts), each
 * deflated once per run (fs_zcache_deflate).  libharu would make both at
 * save time by re-reading every table of the subset from the font file,
 * re-assembling them and deflating them with zlib.  Returns 0, or -1 when libharu
 * failed (its error is set) or had made a descriptor already. */
static int attach_fontfile(HPDF_Doc pdf, HPDF_Font font, HPDF_FontDef def,
                           hb_blob_t *blob)
{
    HPDF_TTFontDefAttr attr = def ? (HPDF_TTFontDefAttr)def->attr : NULL;
    HPDF_Dict desc, data;
    HPDF_STATUS ret = HPDF_OK;
    unsigned len = 0;
    const char *bytes = hb_blob_get_data(blob, &len);
    unsigned char *z = NULL;
    size_t zlen = 0;

    if (!attr || def->descriptor || !pdf->xref)
        return -1;
    data = HPDF_DictStream_New(pdf->mmgr, pdf->xref);
    desc = HPDF_Dict_New(pdf->mmgr);
    if (!data || !desc)
        return -1;
    ret += HPDF_Dict_AddNumber(data, "Length1", (HPDF_INT32)len);
    ret += HPDF_Dict_AddNumber(data, "Length2", 0);
    ret += HPDF_Dict_AddNumber(data, "Length3", 0);
    if (font->filter & HPDF_STREAM_FILTER_FLATE_DECODE) {
        size_t *cuts = NULL;
        size_t ncuts = fs_sfnt_cuts((const unsigned char *)bytes, len, &cuts);

        if (fs_zcache_deflate(bytes, len, cuts, ncuts, FONT_DEFLATE_LEVEL, 1, &z,
                              &zlen) < 0)
            zlen = 0;
        free(cuts);
    }
    if (zlen) {
        data->write_fn = write_flate_filter;
        ret += HPDF_Stream_Write(data->stream, z, (HPDF_UINT)zlen);
    } else
        ret += HPDF_Stream_Write(data->stream, (const HPDF_BYTE *)bytes, len);
    free(z);
    ret += HPDF_Xref_Add(pdf->xref, desc);
    if (ret != HPDF_OK)
        return -1;
    ret += HPDF_Dict_Add(desc, "FontFile2", data);
    ret += HPDF_Dict_AddName(desc, "Type", "FontDescriptor");
    ret += HPDF_Dict_AddNumber(desc, "Ascent", def->ascent);
    ret += HPDF_Dict_AddNumber(desc, "Descent", def->descent);
    ret += HPDF_Dict_AddNumber(desc, "Flags", (HPDF_INT32)def->flags);
    ret += HPDF_Dict_Add(desc, "FontBBox",
                         HPDF_Box_Array_New(pdf->mmgr, def->font_bbox));
    ret += HPDF_Dict_AddName(desc, "FontName", attr->base_font);
    ret += HPDF_Dict_AddNumber(desc, "ItalicAngle", def->italic_angle);
    ret += HPDF_Dict_AddNumber(desc, "StemV", def->stemv);
    ret += HPDF_Dict_AddNumber(desc, "XHeight", def->x_height);
    if (ret != HPDF_OK)
        return -1;
    def->descriptor = desc;
    return 0;
}

/* HPDF_GetFont (PDF, NAME, "UTF-8") for a subset whose cmap maps the N
 * stand-ins SI_BASE .. SI_BASE + N - 1, made cheap.  For the UTF-8 encoder
 * libharu 2.3.0's CIDFontType2_New looks up all 65,536 BMP code points in
 * the cmap and computes 65,535 widths and a 131,070-byte CIDToGIDMap;
 * for a CMap encoder (to_unicode_fn == HPDF_CMapEncoder_ToUnicode) it
 * visits only the codes of the encoder's cid_map, with their CIDs and
 * Unicode values from cid_map and unicode_map, up to the highest CID.  So
 * for the duration of the call the UTF-8 encoder poses as a CMap encoder
 * whose only codes are the stand-ins, each its own CID and Unicode value,
 * plus SI_BASE + N, because libharu leaves out the highest CID (it maps to
 * no glyph).  The UTF-8 encoder does not use cid_map (except its first
 * bytes, where it keeps the state of its UTF-8 parser) nor unicode_map; all
 * of it is restored.  The result is the same font as from plain
 * HPDF_GetFont, but with /W and CIDToGIDMap limited to the CIDs below
 * SI_BASE + N.  Falls back to plain HPDF_GetFont when the encoder is not
 * as expected. */
static HPDF_Font get_font(HPDF_Doc pdf, const char *name, size_t n)
{
    HPDF_Encoder enc = HPDF_GetEncoder(pdf, "UTF-8");
    HPDF_CMapEncoderAttr ea;
    HPDF_Encoder_ToUnicode_Func utf8_fn;
    HPDF_UINT16 row0[256];
    HPDF_UNICODE *old_u;
    HPDF_UINT16 *old_c;
    HPDF_Font font;

    if (!enc || enc->type != HPDF_ENCODER_TYPE_DOUBLE_BYTE || !enc->attr ||
        enc->to_unicode_fn == HPDF_CMapEncoder_ToUnicode ||
        SI_BASE + n > 0xFFFF)
        return HPDF_GetFont(pdf, name, "UTF-8");
    ea = (HPDF_CMapEncoderAttr)enc->attr;
    {
        /* No code of its own beyond row 0 (the parser state). */
        const HPDF_UINT16 *c = ea->cid_map[1];
        unsigned any = 0;

        for (size_t i = 0; i < 255 * 256; i++)
            any |= c[i];
        if (any)
            return HPDF_GetFont(pdf, name, "UTF-8");
    }

    old_u = fs_xmalloc((n + 1) * sizeof *old_u);
    old_c = fs_xmalloc((n + 1) * sizeof *old_c);
    memcpy(row0, ea->cid_map[0], sizeof row0);
    memset(ea->cid_map[0], 0, sizeof row0);
    for (size_t k = 0; k <= n; k++) {
        unsigned c = (unsigned)(SI_BASE + k);

        old_u[k] = ea->unicode_map[c >> 8][c & 0xFF];
        old_c[k] = ea->cid_map[c >> 8][c & 0xFF];
        ea->unicode_map[c >> 8][c & 0xFF] = (HPDF_UNICODE)c;
        ea->cid_map[c >> 8][c & 0xFF] = (HPDF_UINT16)c;
    }
    utf8_fn = enc->to_unicode_fn;
    enc->to_unicode_fn = HPDF_CMapEncoder_ToUnicode;

    font = HPDF_GetFont(pdf, name, "UTF-8");

    enc->to_unicode_fn = utf8_fn;
    for (size_t k = 0; k <= n; k++) {
        unsigned c = (unsigned)(SI_BASE + k);

        ea->unicode_map[c >> 8][c & 0xFF] = old_u[k];
        ea->cid_map[c >> 8][c & 0xFF] = old_c[k];
    }
    memcpy(ea->cid_map[0], row0, sizeof row0);
    free(old_u);
    free(old_c);
    return font;
}

/* Subsets face F for the code points recorded in PF, loads the subset into
 * PDF and fixes its ToUnicode and CIDToGIDMap (see fs_pdf_fonts_embed).
 * Returns FS_OK, FS_E_FONT, FS_E_PDF or FS_E_NOMEM (HarfBuzz out of
 * memory). */
static fs_error embed_face(fs_pdf_fonts *pf, int f, HPDF_Doc pdf,
                           fs_diags *diags)
{
    const char *path = fs_fontset_face_path(pf->fs, f);
    int index = fs_fontset_face_index(pf->fs, f);
    fs_pdf_face *pfc = &pf->f[f];
    hb_set_t *unicodes = hb_set_create();
    hb_face_t *sub = NULL;
    hb_blob_t *blob = NULL;
    hb_codepoint_t cp = HB_SET_VALUE_INVALID;
    uint16_t *gids = NULL;
    char *tmp = NULL;
    int mfd = -1;
    const char *name;
    const char *data;
    unsigned len = 0;
    HPDF_FontDef def;
    fs_error err = FS_E_FONT;

    if (!hb_set_allocation_successful(pfc->used)) {
        err = FS_E_NOMEM;
        goto done;
    }
    /* The code points the face draws, in ascending order (hb_set_next). */
    pfc->cps = fs_xmalloc((hb_set_get_population(pfc->used) + 1) *
                          sizeof *pfc->cps);
    while (hb_set_next(pfc->used, &cp)) {
        if (!fs_fontset_has(pf->fs, f, cp))
            continue;
        hb_set_add(unicodes, cp);
        pfc->cps[pfc->ncps++] = cp;
    }
    if (!hb_set_allocation_successful(unicodes)) {
        err = FS_E_NOMEM;
        goto done;
    }
    if (pfc->ncps > SI_MAX) {
        fs_font_error(diags, path, 0, "一个字体在一份 PDF 中用到的不同字符过多（%zu 个，上限 %u 个）："
                   "请把文字分到多份档案或减少生僻字", pfc->ncps, SI_MAX);
        goto done;
    }

    sub = fs_fontset_subset_face(pf->fs, f, unicodes, 1);
    if (!sub) {
        fs_font_error(diags, path, 0, "无法取字体（序号 %d）的子集：请换用其他字体文件", index);
        goto done;
    }
    gids = fs_xmalloc((pfc->ncps + 1) * sizeof *gids);
    blob = rebuild_cmap(sub, pfc->cps, pfc->ncps, gids);
    data = blob ? hb_blob_get_data(blob, &len) : NULL;
    if (!data || len == 0) {
        fs_font_error(diags, path, 0, "无法生成字体（序号 %d）的子集：请换用其他字体文件", index);
        goto done;
    }

    /* libharu 2.3.0 loads fonts from files only: an in-memory file, or a
     * temporary one.  libharu keeps the file open (and would read the
     * glyphs from it at save time without attach_fontfile); its open
     * descriptor keeps the data alive once ours is closed or the file is
     * unlinked. */
    tmp = memfd_font(data, len, &mfd);
    if (!tmp) {
        tmp = write_temp_font(data, len, path, diags);
        if (!tmp)
            goto done;
    }
    name = HPDF_LoadTTFontFromFile(pdf, tmp, HPDF_TRUE);
    if (mfd >= 0)
        close(mfd);
    else
        unlink(tmp);
    if (!name) {
        fs_font_error(diags, path, 0, "PDF 库无法载入字体子集（错误 0x%04lX）：请换用其他字体文件",
                   (unsigned long)HPDF_GetError(pdf));
        err = FS_E_PDF;
        goto done;
    }
    for (int o = 0; o < FS_ROLE_COUNT; o++)
        if (pf->f[o].name && strcmp(pf->f[o].name, name) == 0) {
            fs_font_error(diags, path, 0, "与 %2$s 的 PostScript 名称相同（%1$s），PDF 中不能同时嵌入两者："
                       "请在字体配置中只保留其中之一", name,
                       fs_fontset_face_path(pf->fs, o));
            goto done;
        }
    pfc->name = fs_strdup(name);

    /* The subset holds only glyphs we need, so mark all of them as used:
     * libharu 2.3.0 follows composite glyphs only one level deep. */
    def = HPDF_GetFontDef(pdf, name);
    if (def && def->type == HPDF_FONTDEF_TYPE_TRUETYPE && def->attr) {
        HPDF_TTFontDefAttr attr = (HPDF_TTFontDefAttr)def->attr;

        if (attr->glyph_tbl.flgs)
            memset(attr->glyph_tbl.flgs, 1, attr->num_glyphs);
    }

    pfc->font = get_font(pdf, name, pfc->ncps);
    if (!pfc->font) {
        fs_font_error(diags, path, 0, "PDF 库无法建立字体（错误 0x%04lX）：请换用其他字体文件",
                   (unsigned long)HPDF_GetError(pdf));
        err = FS_E_PDF;
        goto done;
    }
    if (write_cidtogidmap(pfc->font, def, gids, pfc->ncps) < 0) {
        pfc->font = NULL;
        fs_font_error(diags, path, 0, "无法改写字体的 CIDToGIDMap（错误 0x%04lX）：内部错误，请报告",
                   (unsigned long)HPDF_GetError(pdf));
        err = FS_E_PDF;
        goto done;
    }
    if (write_tounicode(pfc->font, pfc->cps, pfc->ncps) < 0) {
        pfc->font = NULL;
        fs_font_error(diags, path, 0, "无法改写字体的 ToUnicode 表（错误 0x%04lX）：内部错误，请报告",
                   (unsigned long)HPDF_GetError(pdf));
        err = FS_E_PDF;
        goto done;
    }
    if (attach_fontfile(pdf, pfc->font, def, blob) < 0 &&
        HPDF_GetError(pdf) != HPDF_OK) {
        pfc->font = NULL;
        fs_font_error(diags, path, 0, "无法在 PDF 中存入字体文件（错误 0x%04lX）：内部错误，请报告",
                   (unsigned long)HPDF_GetError(pdf));
        err = FS_E_PDF;
        goto done;
    }
    err = FS_OK;
done:
    free(tmp);
    free(gids);
    hb_blob_destroy(blob);
    hb_face_destroy(sub);
    hb_set_destroy(unicodes);
    return err;
}

/* See fs-font.h.  Registers libharu's UTF-8 encoder unless the caller has
 * done so (a second HPDF_UseUTFEncodings leaves HPDF_DUPLICATE_REGISTRATION
 * in the document's error state).  Besides FS_OK, FS_E_FONT and FS_E_PDF
 * it may return FS_E_NOMEM when HarfBuzz runs out of memory.  The caller's
 * libharu error handler must return (not longjmp): a jump out of
 * HPDF_LoadTTFontFromFile would leak memory and a descriptor, or leave a
 * temporary subset file behind.  Otherwise each in-memory file is closed,
 * or temporary file unlinked, right after libharu has opened it.
 * Faces are embedded in face order, so libharu's subset tags (HPDFAA+,
 * HPDFAB+, ...) are stable.  Must be called once; a second call fails with
 * FS_E_PDF. */
fs_error fs_pdf_fonts_embed(fs_pdf_fonts *pf, HPDF_Doc pdf, fs_diags *diags)
{
    fs_error err = FS_OK;

    if (!pf || !pdf || pf->embedded) {
        fs_font_error(diags, "fs_pdf_fonts_embed", 0,
                   "调用时没有字体或文档，或调用了两次：内部错误，请报告");
        return FS_E_PDF;
    }
    pf->embedded = 1;
    if (!HPDF_Doc_FindEncoder(pdf, "UTF-8") &&
        HPDF_UseUTFEncodings(pdf) != HPDF_OK) {
        fs_font_error(diags, "libharu", 0, "PDF 库无法启用 UTF-8（错误 0x%04lX）：内部错误，请报告",
                   (unsigned long)HPDF_GetError(pdf));
        return FS_E_PDF;
    }
    for (int f = 0; f < fs_fontset_nfaces(pf->fs) && err == FS_OK; f++)
        if (!hb_set_is_empty(pf->f[f].used))
            err = embed_face(pf, f, pdf, diags);
    return err;
}

/* The embedded font of FACE, or NULL when FACE was not used or not yet
 * embedded. */
HPDF_Font fs_pdf_fonts_get(const fs_pdf_fonts *pf, int face)
{
    if (!pf || !valid_face(pf->fs, face))
        return NULL;
    return pf->f[face].font;
}

/* See fs-font.h.  Before the face is embedded the code points pass
 * through unchanged.  Once it is, a code point that was not recorded with
 * fs_pdf_fonts_use (or that the face lacks) has no stand-in and becomes
 * U+FFFF, which no subset maps: libharu draws the face's .notdef glyph.
 * Invalid code points are treated as U+FFFD.  Never returns NULL
 * (allocation failure aborts). */
char *fs_pdf_fonts_encode(const fs_pdf_fonts *pf, int face,
                          const uint32_t *cps, size_t n)
{
    const fs_pdf_face *pfc = pf && valid_face(pf->fs, face) ? &pf->f[face] : NULL;
    char *out = fs_xmalloc(4 * n + 1);
    size_t len = 0;

    if (pfc && !pfc->font)
        pfc = NULL;
    for (size_t i = 0; i < n; i++) {
        uint32_t cp = cps[i];

        if (!fs_font_cp_valid(cp))
            cp = 0xFFFD;
        if (pfc) {
            size_t lo = 0, hi = pfc->ncps;

            while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;

                if (pfc->cps[mid] < cp)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            if (lo < pfc->ncps && pfc->cps[lo] == cp)
                cp = (uint32_t)(SI_BASE + lo);
            else
                cp = 0xFFFF;
        }
        len += fs_utf8_encode(cp, out + len);
    }
    out[len] = 0;
    return out;
}

/* ------------------------------------------------------------------------
 * libharu's memory helpers.
 * ---------------------------------------------------------------------- */

/* libharu 2.3.0 clears and copies all its memory through HPDF_MemSet and
 * HPDF_MemCpy, one byte at a time: its memory streams, the 128 KB tables
 * of every font and of the UTF-8 encoder.  libharu calls them through its
 * PLT, so these definitions, exported from the executable because libharu
 * refers to them, take their place; they do the same (libharu's return
 * the end of the area) with the C library's vectorised functions.  Only
 * the speed changes: the PDFs are byte for byte the same. */
HPDF_BYTE *HPDF_MemCpy(HPDF_BYTE *out, const HPDF_BYTE *in, HPDF_UINT n);
void *HPDF_MemSet(void *s, HPDF_BYTE c, HPDF_UINT n);

HPDF_BYTE *HPDF_MemCpy(HPDF_BYTE *out, const HPDF_BYTE *in, HPDF_UINT n)
{
    if (!n)
        return out;
    memmove(out, in, n);
    return out + n;
}

void *HPDF_MemSet(void *s, HPDF_BYTE c, HPDF_UINT n)
{
    if (!n)
        return s;
    memset(s, c, n);
    return (HPDF_BYTE *)s + n;
}
