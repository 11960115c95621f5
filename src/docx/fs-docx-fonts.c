/*
 * fs-docx-fonts.c - the context of one DOCX: which font draws which
 * character, the paragraph styles, and the embedded font files (HarfBuzz
 * subsets obfuscated as ECMA-376 Part 1 §17.8.1 says).
 *
 * Each role is named by the font an office PC has for it (宋体, 黑体, 楷体,
 * 仿宋, 方正小标宋简体, 微软雅黑 for the fallback; the configured face's own
 * name when it is such a font) and embeds the role's face, or, when its
 * OS/2 fsType forbids editable embedding, an allowed face of the same
 * style from the fontset (song: a Ming/Song/Sung family; hei: a Hei/Sans
 * family; kai: a Kai family), else the fallback face.  A character goes to
 * the role's font when that face has it, else to the first other role's
 * font whose face has it.
 */
#include "fs-docx-private.h"
#include "fs-draw.h"
#include "fs-cn.h"
#include "fs-sfnt.h"

#include <harfbuzz/hb.h>
#include <harfbuzz/hb-ot.h>
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

/* See fs-docx-private.h: the style comes from the paragraph's kind (its
 * template's word for it).  Cell paragraphs take the table style whatever
 * their kind; in the body the attachment label and the title have styles
 * of their own and every other kind is narrative. */
fs_dx_style fs_dx_para_style(const fs_para *p, int in_cell)
{
    if (in_cell)
        return FS_DX_TABLE;
    switch (p->kind) {
    case FS_PARA_ATTACHMENT: return FS_DX_ATTACHMENT;
    case FS_PARA_TITLE: return FS_DX_TITLE;
    case FS_PARA_BODY: case FS_PARA_SUBTITLE: case FS_PARA_HEADING:
    case FS_PARA_CELL: case FS_PARA_NOTE: case FS_PARA_SIGNATURE:
    case FS_PARA_NKINDS:
        break;
    }
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
    /* 仿宋 and 小标宋 are Song styles: a Ming face stands in best. */
    const char *const *words = role == FS_ROLE_SONG || role == FS_ROLE_FANGSONG ||
                               role == FS_ROLE_XIAOBIAOSONG ? song
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
 * The font list: office names.
 * ---------------------------------------------------------------------- */

/* A font an office PC has: its name as Chinese Windows and WPS show it
 * (w:name) and its English name (w:altName). */
typedef struct office_font {
    const char *name, *alt;
} office_font;

/* The name each role takes in a DOCX when its face is not itself one of
 * the fonts below: the faces of Windows in China (宋体 SimSun, 黑体
 * SimHei, 楷体 KaiTi, 仿宋 FangSong, 微软雅黑 for what the others lack)
 * and the title face GB/T 9704 asks for (方正小标宋简体). */
static const office_font role_office[FS_ROLE_COUNT] = {
    [FS_ROLE_SONG] = {"宋体", "SimSun"},
    [FS_ROLE_HEI] = {"黑体", "SimHei"},
    [FS_ROLE_KAI] = {"楷体", "KaiTi"},
    [FS_ROLE_LATIN] = {"Times New Roman", NULL},
    [FS_ROLE_FALLBACK] = {"微软雅黑", "Microsoft YaHei"},
    [FS_ROLE_FANGSONG] = {"仿宋", "FangSong"},
    [FS_ROLE_XIAOBIAOSONG] = {"方正小标宋简体", "FZXiaoBiaoSong-B05S"},
    [FS_ROLE_EDITABLE] = {"宋体", "SimSun"},
};

/* Every office font a DOCX may name for East Asian text: the defaults
 * above and the older _GB2312 faces many offices install (a fonts.conf
 * that gives a role one of these keeps its name). */
static const office_font known_office[] = {
    {"宋体", "SimSun"}, {"新宋体", "NSimSun"}, {"黑体", "SimHei"},
    {"楷体", "KaiTi"}, {"楷体_GB2312", "KaiTi_GB2312"},
    {"仿宋", "FangSong"}, {"仿宋_GB2312", "FangSong_GB2312"},
    {"方正小标宋简体", "FZXiaoBiaoSong-B05S"},
    {"方正小标宋_GBK", "FZXiaoBiaoSong-B05"}, {"微软雅黑", "Microsoft YaHei"},
};

/* See fs-docx-private.h. */
int fs_docx_office_font(const char *name)
{
    for (size_t i = 0; i < sizeof known_office / sizeof known_office[0]; i++)
        if (name && strcmp(name, known_office[i].name) == 0)
            return 1;
    return 0;
}

/* The office font of ROLE: the face's own family when it is an office font
 * (by its Chinese or English name), else the role's default. */
static office_font office_of(const fs_docx_ctx *c, fs_font_role role)
{
    const char *family = NULL;

    if (!c->office && c->fonts)
        family = fs_fontset_face_family(c->fonts,
                                        fs_fontset_role_face(c->fonts, role));
    for (size_t i = 0; family && i < sizeof known_office / sizeof known_office[0]; i++)
        if (strcmp(family, known_office[i].name) == 0 ||
            strcmp(family, known_office[i].alt) == 0)
            return known_office[i];
    return role_office[(unsigned)role < FS_ROLE_COUNT ? role : FS_ROLE_SONG];
}

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
    f->alt_name = alt ? fs_strdup(alt) : NULL;
    f->face = face;
    f->cjk = cjk;
    f->serif = serif;
    return (int)c->nfonts++;
}

/* The roles in the order their fonts are listed (and their files
 * numbered): the same on every run. */
static const fs_font_role list_order[] = {
    FS_ROLE_LATIN, FS_ROLE_SONG, FS_ROLE_HEI, FS_ROLE_KAI, FS_ROLE_FANGSONG,
    FS_ROLE_XIAOBIAOSONG, FS_ROLE_FALLBACK,
};

/* Maps every role to the docx font of its office name.  With a fontset,
 * each font carries the face it embeds: the role's face when its licence
 * allows editable embedding, else a substitute of the same style
 * (substitute_face), else the face itself (named, never embedded).  The
 * latin role keeps its face's own family (a Latin font is no office
 * font, and Liberation Serif is not Times New Roman) unless office fonts
 * are asked for.  w:family says roman for the Song, Kai and Latin styles. */
static void map_roles(fs_docx_ctx *c)
{
    const fs_fontset *fs = c->office ? NULL : c->fonts;

    for (size_t i = 0; i < sizeof list_order / sizeof list_order[0]; i++) {
        fs_font_role r = list_order[i];
        office_font of = office_of(c, r);
        int face = fs ? fs_fontset_role_face(fs, r) : -1;
        int use = face;
        int serif = r != FS_ROLE_HEI && r != FS_ROLE_FALLBACK;

        if (fs && face >= 0 && !face_ok(fs, face)) {
            use = substitute_face(fs, face);
            if (use < 0)
                use = face;
        }
        if (r == FS_ROLE_LATIN && fs && use >= 0)
            of = (office_font){fs_fontset_face_family(fs, use), NULL};
        c->role_font[r] = font_get(c, of.name, of.alt, use,
                                   r != FS_ROLE_LATIN, serif);
    }
    c->role_font[FS_ROLE_EDITABLE] = c->role_font[FS_ROLE_SONG];
    c->latin = c->role_font[FS_ROLE_LATIN];
}

/* Does docx font FONT (with a fontset face) draw CP? */
static int font_has(const fs_docx_ctx *c, int font, uint32_t cp)
{
    int face = c->fontv[font].face;

    return face >= 0 && fs_fontset_has(c->fonts, face, cp);
}

/* See fs-docx-private.h: the role's own font when its face has CP (so
 * that text stays in the font a clerk sees named), else the first of the
 * other roles' fonts whose face has it, else the role's font. */
int fs_docx_ctx_font(const fs_docx_ctx *c, fs_font_role role, uint32_t cp)
{
    static const fs_font_role chain[] = {
        FS_ROLE_FALLBACK, FS_ROLE_SONG, FS_ROLE_HEI, FS_ROLE_KAI,
        FS_ROLE_FANGSONG, FS_ROLE_XIAOBIAOSONG, FS_ROLE_LATIN,
    };
    int font;

    if ((unsigned)role >= FS_ROLE_COUNT)
        role = FS_ROLE_SONG;
    if (cp < 0x80)
        return c->latin;
    font = c->role_font[role];
    if (c->office || font_has(c, font, cp))
        return font;
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
    map_roles(c);
    for (size_t i = 0; i < doc->nblocks; i++) {
        const fs_block *b = &doc->blocks[i];
        if (b->kind == FS_BLOCK_PARA)
            scan_para(c, b->u.para, 0, &t);
        else if (b->kind == FS_BLOCK_TABLE)
            scan_table(c, b->u.table, &t);
        else if (b->kind == FS_BLOCK_DRAWING && b->u.drawing)
            scan_drawing(c, b->u.drawing);
    }
    for (size_t i = 0; doc->running && i < doc->running->nparas; i++)
        scan_para(c, &doc->running->paras[i], 0, &t);
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
        free(c->fontv[i].cuts);
    }
    free(c->fontv);
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

/* The PostScript name (name ID 6) of FACE with characters outside
 * printable ASCII dropped, into PS (N bytes); FALLBACK when it has none. */
static void ps_name(hb_face_t *face, const char *fallback, char *ps, size_t n)
{
    char buf[64];
    unsigned len = sizeof buf;
    size_t k = 0;

    if (!hb_ot_name_get_utf8(face, HB_OT_NAME_ID_POSTSCRIPT_NAME,
                             HB_LANGUAGE_INVALID, &len, buf) || !buf[0])
        snprintf(buf, sizeof buf, "%s", fallback);
    for (const char *p = buf; *p && k + 1 < n; p++)
        if (*p > 0x20 && *p < 0x7F && !strchr("[](){}<>/%", *p))
            ps[k++] = *p;
    ps[k] = '\0';
}

/* Rebuilds the font DATA (LEN bytes) with a name table calling it FAMILY
 * (its PostScript name stays that of the source face, so that a PDF made
 * from the document still says which face drew it), every other table as
 * it is (fs_sfnt_replace_table writes the table directory, checksums
 * and head.checkSumAdjustment as HarfBuzz does).  Returns the new bytes
 * in *OUT (malloc'd) and *OUTLEN; 0, or -1 when DATA is not a font it
 * can read. */
static int rename_font(const unsigned char *data, size_t len,
                       const char *family, unsigned char **out,
                       size_t *outlen)
{
    hb_blob_t *blob = hb_blob_create((const char *)data, (unsigned)len,
                                     HB_MEMORY_MODE_READONLY, NULL, NULL);
    hb_face_t *face = hb_face_create(blob, 0);
    hb_blob_t *name;
    char ps[64];
    unsigned nlen = 0;
    const char *nd;
    int ret;

    ps_name(face, "FivestarFont", ps, sizeof ps);
    name = name_table(family, ps);
    nd = hb_blob_get_data(name, &nlen);
    ret = nd ? fs_sfnt_replace_table(data, len, "name", (const unsigned char *)nd, nlen,
                                     out, outlen)
             : -1;
    hb_blob_destroy(name);
    hb_face_destroy(face);
    hb_blob_destroy(blob);
    return ret;
}

/* Calls the embedded subset of F (*DATA, *LEN, replaced) by F's w:name,
 * the office font's name: Word and WPS then draw the text with the
 * installed font of that name where there is one (Windows refuses to load
 * an embedded font whose name is installed: TTLoadEmbeddedFont's
 * E_FONTNAMEALREADYEXISTS) and with the subset where there is none.
 * LibreOffice always prefers the embedded subset (see fonts/README).
 * Returns 0 or -1. */
static int font_rename(const fs_dx_font *f, unsigned char **data, size_t *len)
{
    unsigned char *renamed = NULL;
    size_t rlen = 0;

    if (rename_font(*data, *len, f->name, &renamed, &rlen) < 0)
        return -1;
    free(*data);
    *data = renamed;
    *len = rlen;
    return 0;
}

/* Adds to the latin font F every printable ASCII and Latin-1 character
 * its face has, so that a clerk's edits in Latin letters, digits and
 * punctuation stay in the embedded face (a subset only of what the form
 * uses would leave new letters to a fallback font), then sorts F again. */
static void latin_complete(const fs_docx_ctx *c, fs_dx_font *f)
{
    for (uint32_t cp = 0x20; cp <= 0xFF; cp++)
        if ((cp < 0x7F || cp >= 0xA0) && fs_fontset_has(c->fonts, f->face, cp))
            font_use(f, cp);
    font_sort(f);
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
        if ((int)i == c->latin)
            latin_complete(c, f);
        err = fs_font_subset(c->fonts, f->face, f->cps, f->ncps, &data, &len);
        if (err == FS_OK &&
            (len < 32 || font_rename(f, &data, &len) < 0)) {
            free(data);
            err = FS_E_FONT;
        }
        if (err != FS_OK) {
            fs_diags_add(c->diags, fs_fontset_face_path(c->fonts, f->face), 0,
                         FS_ERROR, "无法取字体 %s（序号 %d）的子集嵌入 Word 文件："
                         "请换用其他字体，或加 --office-fonts 不嵌入字体",
                         fs_fontset_face_family(c->fonts, f->face),
                         fs_fontset_face_index(c->fonts, f->face));
            err = FS_E_FONT;
            goto done;
        }
        f->ncuts = fs_sfnt_cuts(data, len, &f->cuts);
        fs_docx_font_key(f->name, f->cps, f->ncps, f->key);
        fs_docx_obfuscate(data, len, f->key);
        f->odttf = data;
        f->odttf_len = len;
    }
done:
    return err;
}
