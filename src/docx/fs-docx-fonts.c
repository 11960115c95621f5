/*
 * fs-docx-fonts.c - the context of one DOCX: which font draws which
 * character, the paragraph styles, and the embedded font files (HarfBuzz
 * subsets obfuscated as ECMA-376 Part 1 §17.8.1 says).
 *
 * A character goes to the face the PDF draws it with (fs_fontset_pick),
 * mapped to a face that may be embedded in an editable document: the face
 * itself when its OS/2 fsType is 0 or has bit 0x08, else an allowed face of
 * the same style from the fontset (song: a Ming/Song/Sung family; hei: a
 * Hei/Sans family; kai: a Kai family), else the fallback face.  Faces with
 * the same family name share one w:font.
 */
#include "fs-docx-private.h"
#include "fs-draw.h"

#include <harfbuzz/hb.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------
 * Styles.
 * ---------------------------------------------------------------------- */

static const char *const style_ids[FS_DX_NSTYLES] = {
    "FsNarrative", "FsAttachment", "FsTitle", "FsTableText",
};

static const char *const style_names[FS_DX_NSTYLES] = {
    "叙述正文", "附件标识", "文件标题", "表格文字",
};

/* The w:styleId of style S (ASCII, stable). */
const char *fs_dx_style_id(fs_dx_style s)
{
    return style_ids[(unsigned)s < FS_DX_NSTYLES ? s : FS_DX_NARRATIVE];
}

/* The w:name of style S, as Word shows it in its style gallery. */
const char *fs_dx_style_name(fs_dx_style s)
{
    return style_names[(unsigned)s < FS_DX_NSTYLES ? s : FS_DX_NARRATIVE];
}

/* See fs-docx-private.h: the dongguan-2018 template's look. */
void fs_dx_style_default(fs_dx_style s, fs_para *p, fs_run *r)
{
    static const struct {
        fs_font_role role;
        double size;
        fs_align align;
        double indent, spacing;
    } look[FS_DX_NSTYLES] = {
        [FS_DX_NARRATIVE] = {FS_ROLE_SONG, FS_PT_XIAO4, FS_ALIGN_JUSTIFY, 2, 1.5},
        [FS_DX_ATTACHMENT] = {FS_ROLE_HEI, FS_PT_HAO3, FS_ALIGN_LEFT, 0, 1.5},
        [FS_DX_TITLE] = {FS_ROLE_SONG, FS_PT_HAO2, FS_ALIGN_CENTER, 0, 1.3},
        [FS_DX_TABLE] = {FS_ROLE_SONG, FS_PT_HAO5, FS_ALIGN_LEFT, 0, 1.25},
    };
    unsigned i = (unsigned)s < FS_DX_NSTYLES ? (unsigned)s : FS_DX_NARRATIVE;

    memset(r, 0, sizeof *r);
    memset(p, 0, sizeof *p);
    r->text = (char *)"";
    r->role = look[i].role;
    r->size = look[i].size;
    p->runs = r;
    p->nruns = 1;
    p->align = look[i].align;
    p->indent_chars = look[i].indent;
    p->line_spacing = look[i].spacing;
}

/* The largest run size of P in points (0 without runs). */
static double para_max_size(const fs_para *p)
{
    double m = 0;

    for (size_t i = 0; i < p->nruns; i++)
        if (p->runs[i].size > m)
            m = p->runs[i].size;
    return m;
}

/* See fs-docx-private.h: a cell paragraph is table text; in the body, a
 * short paragraph starting with 附件 is the attachment label, a centred
 * one of 小二 or more the title, anything else narrative. */
fs_dx_style fs_dx_para_style(const fs_para *p, int in_cell)
{
    size_t chars = 0;

    if (in_cell)
        return FS_DX_TABLE;
    for (size_t i = 0; i < p->nruns; i++)
        chars += fs_utf8_len(p->runs[i].text);
    if (p->nruns && strncmp(p->runs[0].text, "附件", strlen("附件")) == 0 &&
        chars <= 8)
        return FS_DX_ATTACHMENT;
    if (p->align == FS_ALIGN_CENTER && para_max_size(p) >= FS_PT_XIAO2)
        return FS_DX_TITLE;
    return FS_DX_NARRATIVE;
}

/* ------------------------------------------------------------------------
 * Choosing faces.
 * ---------------------------------------------------------------------- */

/* See fs-docx-private.h.  This is LibreOffice's rule (EmbeddedFontsHelper
 * sufficientTTFRights, EditingAllowed) and what Word needs to keep a font
 * embedded when the document is edited. */
int fs_docx_fstype_ok(unsigned fstype)
{
    return fstype == 0 || (fstype & 0x0008) != 0;
}

/* Is FACE of FS embeddable? */
static int face_ok(const fs_fontset *fs, int face)
{
    return face >= 0 && fs_docx_fstype_ok(fs_fontset_face_fstype(fs, face));
}

/* The first role whose own face is FACE (its style), or FS_ROLE_FALLBACK. */
static fs_font_role face_role(const fs_fontset *fs, int face)
{
    for (int r = 0; r < FS_ROLE_COUNT; r++)
        if (fs_fontset_role_face(fs, (fs_font_role)r) == face)
            return (fs_font_role)r;
    return FS_ROLE_FALLBACK;
}

/* Does the family name of FACE suggest the style of ROLE? */
static int face_has_style(const fs_fontset *fs, int face, fs_font_role role)
{
    static const char *const song[] = {"Ming", "Song", "Sung", "宋", "明", NULL};
    static const char *const hei[] = {"Hei", "Gothic", "Sans", "黑", NULL};
    static const char *const kai[] = {"Kai", "楷", NULL};
    const char *const *words = role == FS_ROLE_SONG ? song
        : role == FS_ROLE_HEI ? hei : role == FS_ROLE_KAI ? kai : NULL;
    const char *family = fs_fontset_face_family(fs, face);

    for (size_t i = 0; words && words[i]; i++)
        if (family && strstr(family, words[i]))
            return 1;
    return 0;
}

/* The face the DOCX uses instead of FACE, which may not be embedded: an
 * embeddable face of the same style that draws what FACE draws (a CJK face
 * for a CJK face), else the fallback face, else any embeddable CJK face;
 * -1 when there is none. */
static int substitute_face(const fs_fontset *fs, int face)
{
    fs_font_role role = face_role(fs, face);
    int cjk = fs_fontset_has(fs, face, 0x4E00);
    int n = fs_fontset_nfaces(fs);
    int fb = fs_fontset_role_face(fs, FS_ROLE_FALLBACK);

    for (int g = 0; g < n; g++)
        if (g != face && face_ok(fs, g) && face_has_style(fs, g, role) &&
            (!cjk || fs_fontset_has(fs, g, 0x4E00)))
            return g;
    if (fb != face && face_ok(fs, fb) &&
        (!cjk || fs_fontset_has(fs, fb, 0x4E00)))
        return fb;
    for (int g = 0; g < n; g++)
        if (g != face && face_ok(fs, g) &&
            (!cjk || fs_fontset_has(fs, g, 0x4E00)))
            return g;
    return -1;
}

/* ------------------------------------------------------------------------
 * The font list.
 * ---------------------------------------------------------------------- */

/* Returns the index of the docx font named NAME, adding it (with FACE,
 * ALT, CJK, SERIF) when it is new. */
static int font_get(fs_docx_ctx *c, const char *name, const char *alt,
                    int face, int cjk, int serif)
{
    fs_dx_font *f;

    for (size_t i = 0; i < c->nfonts; i++)
        if (strcmp(c->fontv[i].name, name) == 0)
            return (int)i;
    c->fontv = fs_xrealloc(c->fontv, (c->nfonts + 1) * sizeof *c->fontv);
    f = &c->fontv[c->nfonts];
    memset(f, 0, sizeof *f);
    f->name = fs_strdup(name);
    f->alt_name = fs_strdup(alt);
    f->face = face;
    f->cjk = cjk;
    f->serif = serif;
    return (int)c->nfonts++;
}

/* The docx font of fontset face FACE: the face itself or its substitute;
 * a face with no embeddable substitute is still named (not embedded).
 * w:family says roman for the styles of song, kai and latin. */
static int face_font(fs_docx_ctx *c, int face)
{
    const fs_fontset *fs = c->fonts;
    int use = face_ok(fs, face) ? face : substitute_face(fs, face);
    fs_font_role style = face_role(fs, face);

    if (use < 0)
        use = face;
    return font_get(c, fs_fontset_face_family(fs, use), NULL, use,
                    fs_fontset_has(fs, use, 0x4E00),
                    style == FS_ROLE_SONG || style == FS_ROLE_KAI ||
                    style == FS_ROLE_LATIN);
}

/* Office fonts: the names offices have installed, one per role. */
static void map_office(fs_docx_ctx *c)
{
    int song, hei, kai;

    c->latin = font_get(c, "Times New Roman", NULL, -1, 0, 1);
    song = font_get(c, "宋体", "SimSun", -1, 1, 1);
    hei = font_get(c, "黑体", "SimHei", -1, 1, 0);
    kai = font_get(c, "楷体_GB2312", "KaiTi_GB2312", -1, 1, 1);
    c->role_font[FS_ROLE_SONG] = song;
    c->role_font[FS_ROLE_HEI] = hei;
    c->role_font[FS_ROLE_KAI] = kai;
    c->role_font[FS_ROLE_LATIN] = song;
    c->role_font[FS_ROLE_FALLBACK] = song;
}

/* Fontset faces: latin first, then the roles in order, so the numbering
 * of fonts (and of their files) is the same on every run. */
static void map_faces(fs_docx_ctx *c)
{
    int n = fs_fontset_nfaces(c->fonts);
    static const fs_font_role order[FS_ROLE_COUNT] = {
        FS_ROLE_LATIN, FS_ROLE_SONG, FS_ROLE_HEI, FS_ROLE_KAI, FS_ROLE_FALLBACK,
    };

    c->face_font = fs_xcalloc((size_t)(n > 0 ? n : 1), sizeof *c->face_font);
    for (int f = 0; f < n; f++)
        c->face_font[f] = -1;
    for (int i = 0; i < FS_ROLE_COUNT; i++) {
        int face = fs_fontset_role_face(c->fonts, order[i]);
        if (face >= 0 && c->face_font[face] < 0)
            c->face_font[face] = face_font(c, face);
        c->role_font[order[i]] = face >= 0 ? c->face_font[face] : 0;
    }
    for (int f = 0; f < n; f++)
        if (c->face_font[f] < 0)
            c->face_font[f] = face_font(c, f);
    c->latin = c->role_font[FS_ROLE_LATIN];
}

/* Does docx font FONT (of a fontset face) draw CP? */
static int font_has(const fs_docx_ctx *c, int font, uint32_t cp)
{
    int face = c->fontv[font].face;

    return face >= 0 && fs_fontset_has(c->fonts, face, cp);
}

/* See fs-docx-private.h. */
int fs_docx_ctx_font(const fs_docx_ctx *c, fs_font_role role, uint32_t cp)
{
    static const fs_font_role chain[] = {
        FS_ROLE_FALLBACK, FS_ROLE_SONG, FS_ROLE_HEI, FS_ROLE_KAI, FS_ROLE_LATIN,
    };
    int face, font;

    if ((unsigned)role >= FS_ROLE_COUNT)
        role = FS_ROLE_SONG;
    if (cp < 0x80)
        return c->latin;
    if (c->office)
        return c->role_font[role];
    face = fs_fontset_pick(c->fonts, role, cp);
    if (face < 0)
        return c->role_font[role];
    font = c->face_font[face];
    if (font_has(c, font, cp))
        return font;
    /* The substitute lacks CP: the role's font, then the others. */
    if (font_has(c, c->role_font[role], cp))
        return c->role_font[role];
    for (size_t i = 0; i < sizeof chain / sizeof chain[0]; i++)
        if (font_has(c, c->role_font[chain[i]], cp))
            return c->role_font[chain[i]];
    return font;
}

/* See fs-docx-private.h. */
size_t fs_docx_ctx_segment(const fs_docx_ctx *c, fs_font_role role,
                           const char *s, int *font)
{
    const char *p = s;
    int cur = -1;

    while (*p) {
        const char *at = p;
        uint32_t cp = fs_utf8_next(&p);

        if (cp < 0x80)
            continue;
        int f = fs_docx_ctx_font(c, role, cp);
        if (cur < 0)
            cur = f;
        else if (f != cur) {
            p = at;
            break;
        }
    }
    *font = cur >= 0 ? cur
        : c->role_font[(unsigned)role < FS_ROLE_COUNT ? role : FS_ROLE_SONG];
    return (size_t)(p - s);
}

/* ------------------------------------------------------------------------
 * Scanning the document.
 * ---------------------------------------------------------------------- */

/* Records that docx font FONT draws CP. */
static void font_use(fs_dx_font *f, uint32_t cp)
{
    if (f->ncps == f->cap) {
        f->cap = f->cap ? f->cap * 2 : 256;
        f->cps = fs_xrealloc(f->cps, f->cap * sizeof *f->cps);
    }
    f->cps[f->ncps++] = cp;
}

/* Is CP a character Word or LibreOffice may draw with the latin font
 * rather than the East Asian one (Latin-1, general punctuation: the
 * "ambiguous" characters that w:hint and LibreOffice's script detection
 * decide)?  Those the latin face has go into its subset too. */
static int cp_ambiguous(uint32_t cp)
{
    return (cp >= 0xA0 && cp <= 0x2FF) || (cp >= 0x2000 && cp <= 0x206F);
}

/* How many characters of style ST take FONT, HPS and BOLD: the most
 * common look becomes the style's (fs_docx_ctx.style). */
typedef struct tally {
    struct tally_entry {
        int st, font, bold;
        long hps;
        size_t n;
    } *v;
    size_t n;
} tally;

/* Adds N characters to the entry of ST, FONT, HPS, BOLD in T. */
static void tally_add(tally *t, int st, int font, long hps, int bold, size_t n)
{
    for (size_t i = 0; i < t->n; i++)
        if (t->v[i].st == st && t->v[i].font == font && t->v[i].hps == hps &&
            t->v[i].bold == bold) {
            t->v[i].n += n;
            return;
        }
    t->v = fs_xrealloc(t->v, (t->n + 1) * sizeof *t->v);
    t->v[t->n++] = (struct tally_entry){st, font, bold, hps, n};
}

/* Records the code points of TEXT drawn in ROLE; with a tally T, counts
 * its pieces for style ST at SIZE and FLAGS. */
static void scan_text(fs_docx_ctx *c, const char *text, fs_font_role role,
                      tally *t, int st, double size, unsigned flags)
{
    const char *s = text;

    while (*s) {
        int font;
        size_t n = fs_docx_ctx_segment(c, role, s, &font);
        const char *p = s;

        if (t)                  /* weighed by bytes: CJK counts thrice */
            tally_add(t, st, font, fs_dx_hps(size),
                      (flags & FS_RUN_BOLD) != 0, n);

        while (p < s + n) {
            uint32_t cp = fs_utf8_next(&p);
            if (cp < 0x20)
                continue;
            if (cp < 0x80) {
                font_use(&c->fontv[c->latin], cp);
                continue;
            }
            font_use(&c->fontv[font], cp);
            if (cp_ambiguous(cp) && font != c->latin &&
                font_has(c, c->latin, cp))
                font_use(&c->fontv[c->latin], cp);
        }
        s += n;
    }
}

/* Records the code points and the style of paragraph P. */
static void scan_para(fs_docx_ctx *c, const fs_para *p, int in_cell, tally *t)
{
    fs_dx_style st = fs_dx_para_style(p, in_cell);

    if (!c->style_para[st])
        c->style_para[st] = p;
    for (size_t i = 0; i < p->nruns; i++)
        scan_text(c, p->runs[i].text, p->runs[i].role, t, (int)st,
                  p->runs[i].size, p->runs[i].flags);
}

/* Records the paragraphs of every cell of TB. */
static void scan_table(fs_docx_ctx *c, const fs_table *tb, tally *t)
{
    for (size_t r = 0; r < tb->nrows; r++)
        for (size_t k = 0; k < tb->rows[r].ncells; k++) {
            const fs_cell *cell = &tb->rows[r].cells[k];
            for (size_t i = 0; i < cell->nparas; i++)
                scan_para(c, &cell->paras[i], 1, t);
        }
}

/* Records the code points of every line of T. */
static void scan_draw_text(fs_docx_ctx *c, const fs_draw_text *t)
{
    for (size_t i = 0; i < t->nlines; i++)
        if (t->lines[i].text)
            scan_text(c, t->lines[i].text, t->role, NULL, 0, 0, 0);
}

/* Records the code points of the texts of DR (they take no style). */
static void scan_drawing(fs_docx_ctx *c, const fs_drawing *dr)
{
    for (size_t i = 0; i < dr->nshapes; i++)
        scan_draw_text(c, &dr->shapes[i].label);
    for (size_t i = 0; i < dr->nconnectors; i++)
        scan_draw_text(c, &dr->connectors[i].label);
    for (size_t i = 0; i < dr->ntexts; i++)
        scan_draw_text(c, &dr->texts[i].text);
}

/* Sets each style's run look: the most common one in the document (the
 * first seen wins a tie), else the template's default. */
static void set_style_props(fs_docx_ctx *c, const tally *t)
{
    for (int st = 0; st < FS_DX_NSTYLES; st++) {
        size_t best = 0;
        fs_para p;
        fs_run r;

        fs_dx_style_default((fs_dx_style)st, &p, &r);
        c->style[st].font = c->role_font[r.role];
        c->style[st].hps = fs_dx_hps(r.size);
        c->style[st].bold = 0;
        for (size_t i = 0; i < t->n; i++)
            if (t->v[i].st == st && t->v[i].n > best) {
                best = t->v[i].n;
                c->style[st].font = t->v[i].font;
                c->style[st].hps = t->v[i].hps;
                c->style[st].bold = t->v[i].bold;
            }
    }
}

/* qsort order of code points. */
static int cp_cmp(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

    return x < y ? -1 : x > y;
}

/* Sorts the code points of F and drops duplicates. */
static void font_sort(fs_dx_font *f)
{
    size_t n = 0;

    if (!f->ncps)
        return;
    qsort(f->cps, f->ncps, sizeof *f->cps, cp_cmp);
    for (size_t i = 0; i < f->ncps; i++)
        if (n == 0 || f->cps[i] != f->cps[n - 1])
            f->cps[n++] = f->cps[i];
    f->ncps = n;
}

/* See fs-docx-private.h. */
fs_docx_ctx *fs_docx_ctx_new(const fs_doc *doc, const fs_fontset *fonts,
                             const fs_docx_options *opt, fs_diags *diags)
{
    fs_docx_ctx *c = fs_xcalloc(1, sizeof *c);
    tally t = {NULL, 0};

    c->doc = doc;
    c->fonts = fonts;
    c->diags = diags;
    c->office = opt && opt->office_fonts;
    if (c->office)
        map_office(c);
    else
        map_faces(c);
    for (size_t i = 0; i < doc->nblocks; i++) {
        const fs_block *b = &doc->blocks[i];
        if (b->kind == FS_BLOCK_PARA)
            scan_para(c, b->u.para, 0, &t);
        else if (b->kind == FS_BLOCK_TABLE)
            scan_table(c, b->u.table, &t);
        else if (b->kind == FS_BLOCK_DRAWING && b->u.drawing)
            scan_drawing(c, b->u.drawing);
    }
    if (doc->page.pagenum != FS_PAGENUM_NONE) {
        scan_text(c, FS_DX_PAGENUM_LEFT "0123456789" FS_DX_PAGENUM_RIGHT,
                  FS_ROLE_SONG, NULL, 0, 0, 0);
    }
    set_style_props(c, &t);
    free(t.v);
    for (size_t i = 0; i < c->nfonts; i++)
        font_sort(&c->fontv[i]);
    return c;
}

/* Frees C and everything it owns; NULL is fine. */
void fs_docx_ctx_free(fs_docx_ctx *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->nfonts; i++) {
        free(c->fontv[i].name);
        free(c->fontv[i].alt_name);
        free(c->fontv[i].cps);
        free(c->fontv[i].odttf);
    }
    free(c->fontv);
    free(c->face_font);
    free(c);
}

/* ------------------------------------------------------------------------
 * Embedding.
 * ---------------------------------------------------------------------- */

/* 64-bit FNV-1a of the N bytes at P, continuing from H. */
static uint64_t fnv1a(uint64_t h, const void *p, size_t n)
{
    const unsigned char *s = p;

    for (size_t i = 0; i < n; i++) {
        h ^= s[i];
        h *= 0x100000001B3ULL;
    }
    return h;
}

/* 64-bit FNV-1a of the N code points CPS (each as 4 bytes, most
 * significant first, so the hash is the same on every machine),
 * continuing from H. */
static uint64_t fnv1a_cps(uint64_t h, const uint32_t *cps, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char b[4] = {
            (unsigned char)(cps[i] >> 24), (unsigned char)(cps[i] >> 16),
            (unsigned char)(cps[i] >> 8), (unsigned char)cps[i],
        };
        h = fnv1a(h, b, 4);
    }
    return h;
}

/* See fs-docx-private.h.  Two FNV-1a hashes with different starting
 * values give the 16 bytes; the version (4) and variant bits are set so
 * that the key is a well-formed random-style GUID. */
void fs_docx_font_key(const char *name, const uint32_t *cps, size_t n,
                      char out[39])
{
    uint64_t h1 = 0xCBF29CE484222325ULL, h2 = 0x6C62272E07BB0142ULL;
    unsigned char b[16];

    h1 = fnv1a_cps(fnv1a(h1, name, strlen(name) + 1), cps, n);
    h2 = fnv1a(fnv1a_cps(h2, cps, n), name, strlen(name) + 1);
    for (int i = 0; i < 8; i++) {
        b[i] = (unsigned char)(h1 >> (56 - 8 * i));
        b[8 + i] = (unsigned char)(h2 >> (56 - 8 * i));
    }
    b[6] = (unsigned char)((b[6] & 0x0F) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3F) | 0x80);
    snprintf(out, 39,
             "{%02X%02X%02X%02X-%02X%02X-%02X%02X-%02X%02X-"
             "%02X%02X%02X%02X%02X%02X}",
             b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9],
             b[10], b[11], b[12], b[13], b[14], b[15]);
}

/* The value of hex digit C, or -1. */
static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* See fs-docx-private.h. */
int fs_docx_obfuscate(unsigned char *data, size_t len, const char *key)
{
    unsigned char b[16];
    int nd = 0;

    for (const char *p = key; *p; p++) {
        int v = hex_value(*p);
        if (v < 0) {
            if (*p == '{' || *p == '}' || *p == '-')
                continue;
            return -1;
        }
        if (nd >= 32)
            return -1;
        if (nd % 2 == 0)
            b[nd / 2] = (unsigned char)(v << 4);
        else
            b[nd / 2] |= (unsigned char)v;
        nd++;
    }
    if (nd != 32 || len < 32)
        return -1;
    for (int i = 0; i < 16; i++) {
        data[i] ^= b[15 - i];
        data[16 + i] ^= b[15 - i];
    }
    return 0;
}

/* Appends the big-endian 16-bit value V to B. */
static void put16(fs_buf *b, unsigned v)
{
    char c[2] = {(char)(v >> 8 & 0xFF), (char)(v & 0xFF)};

    fs_buf_add(b, c, 2);
}

/* A 'name' table (format 0) that calls the font FAMILY (IDs 1, 3, 4),
 * style Regular (2) and PostScript name PS (6), for Windows (UTF-16BE,
 * en-US) and, where the text is ASCII, for the Mac (Roman).  Returns a
 * blob owning its bytes. */
static hb_blob_t *name_table(const char *family, const char *ps)
{
    const struct { unsigned id; const char *s; } names[] = {
        {1, family}, {2, "Regular"}, {3, family}, {4, family}, {6, ps},
    };
    const size_t nn = sizeof names / sizeof names[0];
    fs_buf recs = {0}, strs = {0}, out = {0};
    unsigned count = 0;
    int ascii = 1;
    char *data;

    fs_buf_add(&strs, "", 0);
    for (const char *p = family; *p; p++)
        ascii &= (unsigned char)*p < 0x80;
    for (int plat = 1; plat <= 3; plat += 2) {
        if (plat == 1 && !ascii)
            continue;
        for (size_t i = 0; i < nn; i++) {
            size_t off = strs.len;

            if (plat == 1) {
                fs_buf_adds(&strs, names[i].s);
            } else {
                const char *p = names[i].s;
                while (*p) {
                    uint32_t cp = fs_utf8_next(&p);
                    if (cp >= 0x10000) {
                        put16(&strs, 0xD800 + ((cp - 0x10000) >> 10));
                        put16(&strs, 0xDC00 + ((cp - 0x10000) & 0x3FF));
                    } else {
                        put16(&strs, cp);
                    }
                }
            }
            put16(&recs, (unsigned)plat);
            put16(&recs, plat == 1 ? 0 : 1);            /* encoding */
            put16(&recs, plat == 1 ? 0 : 0x409);        /* language */
            put16(&recs, names[i].id);
            put16(&recs, (unsigned)(strs.len - off));
            put16(&recs, (unsigned)off);
            count++;
        }
    }
    put16(&out, 0);
    put16(&out, count);
    put16(&out, 6 + 12 * count);
    fs_buf_add(&out, recs.s, recs.len);
    fs_buf_add(&out, strs.s, strs.len);
    data = out.s;
    fs_buf_free(&recs);
    fs_buf_free(&strs);
    return hb_blob_create(data, (unsigned)out.len, HB_MEMORY_MODE_WRITABLE,
                          data, free);
}

/* Rebuilds the font DATA (LEN bytes) with a name table calling it FAMILY,
 * every other table as it is (HarfBuzz writes the table directory,
 * checksums and head.checkSumAdjustment).  Returns the new bytes in *OUT
 * (malloc'd) and *OUTLEN; 0, or -1 when HarfBuzz fails. */
static int rename_font(const unsigned char *data, size_t len,
                       const char *family, unsigned char **out,
                       size_t *outlen)
{
    hb_blob_t *blob = hb_blob_create((const char *)data, (unsigned)len,
                                     HB_MEMORY_MODE_READONLY, NULL, NULL);
    hb_face_t *face = hb_face_create(blob, 0);
    hb_face_t *builder = hb_face_builder_create();
    hb_blob_t *res = NULL;
    char ps[64];
    size_t n = 0;
    unsigned start = 0, count;
    hb_tag_t tags[32];
    int ret = -1;

    for (const char *p = family; *p && n < sizeof ps - 1; p++)
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
            (*p >= '0' && *p <= '9'))
            ps[n++] = *p;
    ps[n] = '\0';
    do {
        count = sizeof tags / sizeof tags[0];
        hb_face_get_table_tags(face, start, &count, tags);
        for (unsigned i = 0; i < count; i++) {
            hb_blob_t *t = tags[i] == HB_TAG('n', 'a', 'm', 'e')
                ? name_table(family, ps) : hb_face_reference_table(face, tags[i]);
            hb_face_builder_add_table(builder, tags[i], t);
            hb_blob_destroy(t);
        }
        start += count;
    } while (count == sizeof tags / sizeof tags[0]);
    res = hb_face_reference_blob(builder);
    {
        unsigned rlen = 0;
        const char *r = hb_blob_get_data(res, &rlen);

        if (r && rlen >= 32) {
            *out = fs_xmalloc(rlen);
            memcpy(*out, r, rlen);
            *outlen = rlen;
            ret = 0;
        }
    }
    hb_blob_destroy(res);
    hb_face_destroy(builder);
    hb_face_destroy(face);
    hb_blob_destroy(blob);
    return ret;
}

/* Gives the embedded font F a family name of its own: its family, a space
 * and six hex digits of a hash of the family and the code points of its
 * subset DATA, written into the subset's name table (*DATA and *LEN are
 * replaced) and used as w:name.  LibreOffice keeps the first embedded
 * font of a name for the whole session (EmbeddedFontsHelper: "assume it's
 * already been added"), so two forms whose subsets of one face differ
 * showed gaps where the second needed glyphs the first lacked, when both
 * were opened in one session (seen with LibreOffice 7.4; Word untested).
 * Word limits names to 31 characters.  Returns 0 or -1. */
static int font_make_unique(fs_dx_font *f, unsigned char **data,
                            size_t *len)
{
    uint64_t h = fnv1a_cps(fnv1a(0xCBF29CE484222325ULL, f->name,
                                 strlen(f->name)), f->cps, f->ncps);
    char name[64];
    size_t base = strlen(f->name);
    unsigned char *renamed = NULL;
    size_t rlen = 0;

    if (base > 24)
        base = 24;
    while (base > 0 && ((unsigned char)f->name[base] & 0xC0) == 0x80)
        base--;                                 /* a whole UTF-8 char */
    snprintf(name, sizeof name, "%.*s %06X", (int)base, f->name,
             (unsigned)(h & 0xFFFFFF));
    if (rename_font(*data, *len, name, &renamed, &rlen) < 0)
        return -1;
    free(*data);
    *data = renamed;
    *len = rlen;
    f->alt_name = f->name;
    f->name = fs_strdup(name);
    return 0;
}

/* See fs-docx-private.h. */
fs_error fs_docx_ctx_embed(fs_docx_ctx *c)
{
    fs_error err = FS_OK;

    if (c->office)
        goto done;
    for (size_t i = 0; i < c->nfonts; i++) {
        fs_dx_font *f = &c->fontv[i];
        unsigned char *data = NULL;
        size_t len = 0;

        if (f->face < 0 || !f->ncps || !face_ok(c->fonts, f->face))
            continue;
        err = fs_font_subset(c->fonts, f->face, f->cps, f->ncps, &data, &len);
        if (err == FS_OK &&
            (len < 32 || font_make_unique(f, &data, &len) < 0)) {
            free(data);
            err = FS_E_FONT;
        }
        if (err != FS_OK) {
            fs_diags_add(c->diags, fs_fontset_face_path(c->fonts, f->face), 0,
                         FS_ERROR, "cannot make a subset of %s (face %d) to "
                         "embed in the DOCX file",
                         fs_fontset_face_family(c->fonts, f->face),
                         fs_fontset_face_index(c->fonts, f->face));
            err = FS_E_FONT;
            goto done;
        }
        fs_docx_font_key(f->name, f->cps, f->ncps, f->key);
        fs_docx_obfuscate(data, len, f->key);
        f->odttf = data;
        f->odttf_len = len;
    }
done:
    return err;
}
