/*
 * fs-font.c - font roles, glyph look-up and measuring, subsetting and PDF
 * embedding.  The interface and its rules are described in fs-font.h; the
 * libharu 2.3.0 defects worked around here are measured in
 * shared/research/libharu-docx-fonts.md, sections 1 and 3.
 *
 * Measuring uses HarfBuzz only.  Embedding runs each used face through
 * hb-subset (no hinting, no layout tables), which also works around
 * libharu's broken handling of composite glyphs; because libharu 2.3.0 can
 * only load fonts from files, the subset is written to a temporary file,
 * loaded, and unlinked at once (libharu keeps the file open and reads the
 * glyphs from it when the PDF is saved; an unlinked file stays readable
 * while it is open).  Characters outside the BMP get private-use stand-ins
 * in a rebuilt cmap, and the ToUnicode CMap libharu writes (a code-to-CID
 * CMap, invalid as ToUnicode) is replaced by bfchar entries for exactly the
 * code points drawn.  Nothing depends on time or randomness: the same input
 * gives a byte-identical PDF.
 */
#define _GNU_SOURCE                 /* vasprintf */
#include "fs-font.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <hb.h>
#include <hb-ot.h>
#include <hb-subset.h>

#include <hpdf_doc.h>
#include <hpdf_fontdef.h>
#include <hpdf_objects.h>
#include <hpdf_streams.h>

#if HPDF_VERSION_ID >= 20400
#error "fs-font.c patches libharu 2.3.0 internals (ToUnicode, glyph flags); re-check them for 2.4"
#endif

/* Private-use stand-ins for characters outside the BMP, counted down. */
#define PUA_FIRST 0xE000u
#define PUA_LAST 0xF8FFu

/* bfchar entries per beginbfchar block (the CMap limit is 100). */
#define BFCHAR_BLOCK 100

static const char *const role_names[FS_ROLE_COUNT] = {
    "song", "hei", "kai", "latin", "fallback", "editable"
};

/* One opened face.  BLOB, FACE and FONT are HarfBuzz references owned by
 * the face; PATH and FAMILY are malloc'd. */
typedef struct fs_face {
    char *path;
    int index;
    char *family;
    unsigned fstype;
    unsigned upem;
    dev_t dev;
    ino_t ino;
    hb_blob_t *blob;
    hb_face_t *face;
    hb_font_t *font;
} fs_face;

struct fs_fontset {
    fs_face faces[FS_ROLE_COUNT];   /* a role adds at most one face */
    int nfaces;
    int role_face[FS_ROLE_COUNT];
};

/* A candidate line of the config: a resolved path and a face index. */
typedef struct fs_cand {
    char *path;
    int index;
    long line;
} fs_cand;

typedef struct fs_cand_list {
    fs_cand *v;
    size_t n, cap;
} fs_cand_list;

/* Per-face embedding state of one PDF. */
typedef struct fs_pdf_face {
    hb_set_t *used;                 /* code points recorded by _use        */
    HPDF_Font font;                 /* NULL until embedded or when unused  */
    char *name;                     /* libharu's font name (tagged)        */
    uint32_t *astral;               /* sorted non-BMP code points ...      */
    uint16_t *standin;              /* ... and their private-use stand-ins */
    size_t nastral;
} fs_pdf_face;

struct fs_pdf_fonts {
    const fs_fontset *fs;
    fs_pdf_face f[FS_ROLE_COUNT];
    int embedded;
};

/* A (code point, glyph id) pair of a cmap being built. */
typedef struct fs_cmap_pair {
    uint32_t cp;
    uint32_t gid;
} fs_cmap_pair;

/* ------------------------------------------------------------------------
 * Small helpers.
 * ---------------------------------------------------------------------- */

/* Adds an error to DIAGS (which may be NULL: then the message is dropped).
 * The message is formatted here because fs_diags_add has no va_list form;
 * if that runs out of memory the message is dropped. */
static void font_error(fs_diags *diags, const char *file, long line,
                       const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void font_error(fs_diags *diags, const char *file, long line,
                       const char *fmt, ...)
{
    va_list ap;
    char *msg = NULL;
    int n;

    if (!diags)
        return;
    va_start(ap, fmt);
    n = vasprintf(&msg, fmt, ap);
    va_end(ap);
    if (n < 0) {
        msg = NULL;
        goto done;
    }
    fs_diags_add(diags, file, line, FS_ERROR, "%s", msg);
done:
    free(msg);
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

/* Is CP a code point a font cmap can map (not a surrogate, not 0, at most
 * U+10FFFF)? */
static int cp_valid(uint32_t cp)
{
    return cp > 0 && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF);
}

/* ------------------------------------------------------------------------
 * The config file.
 * ---------------------------------------------------------------------- */

/* Trims white space at both ends of S in place and returns the start. */
static char *trim(char *s)
{
    char *e;

    while (*s == ' ' || *s == '\t')
        s++;
    e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' ||
                     e[-1] == '\n'))
        *--e = 0;
    return s;
}

/* Returns the role named NAME (exact, lower case) or -1. */
static int role_by_name(const char *name)
{
    for (int r = 0; r < FS_ROLE_COUNT; r++)
        if (strcmp(name, role_names[r]) == 0)
            return r;
    return -1;
}

/* Parses a face index: decimal digits only, 0..65535.  Returns the value
 * or -1. */
static int parse_index(const char *s)
{
    long v = 0;

    if (!*s)
        return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return -1;
        v = v * 10 + (*s - '0');
        if (v > 65535)
            return -1;
    }
    return (int)v;
}

/* Makes PATH absolute against DIR (the config file's folder, "" for the
 * current folder).  Returns a malloc'd string. */
static char *resolve_path(const char *dir, const char *path)
{
    if (path[0] == '/' || !dir[0])
        return fs_strdup(path);
    return fs_printf("%s/%s", dir, path);
}

/* Parses the value of one config line, "path [index]" or "\"path\"
 * [index]", with an optional trailing "# comment" (a '#' after white
 * space).  VAL is modified.  On success sets *PATH (pointing into VAL) and
 * *INDEX and returns NULL; otherwise returns a static error text. */
static const char *parse_value(char *val, char **path, int *index)
{
    char *rest, *p, *last;

    *index = 0;
    if (val[0] == '"') {
        char *q = strchr(val + 1, '"');

        if (!q)
            return "missing closing '\"' after the font path";
        *q = 0;
        *path = val + 1;
        rest = trim(q + 1);
        if (rest[0] == '#')
            rest[0] = 0;
        else {
            for (p = rest; *p; p++)
                if ((*p == ' ' || *p == '\t') && p[1] == '#') {
                    *p = 0;
                    break;
                }
            rest = trim(rest);
        }
        if (rest[0]) {
            *index = parse_index(rest);
            if (*index < 0)
                return "the face index must be a number from 0 to 65535";
        }
    } else {
        for (p = val; *p; p++)
            if ((*p == ' ' || *p == '\t') && p[1] == '#') {
                *p = 0;
                break;
            }
        val = trim(val);
        last = NULL;
        for (p = val; *p; p++)
            if (*p == ' ' || *p == '\t')
                last = p;
        if (last) {
            int i = parse_index(trim(last + 1));

            if (i >= 0) {
                *last = 0;
                *index = i;
                val = trim(val);
            }
        }
        *path = val;
    }
    if (!(*path)[0])
        return "missing font path";
    return NULL;
}

/* Reads the config file CONF into one candidate list per role (CANDS,
 * owned by the caller, who frees the paths).  Every problem goes to DIAGS
 * naming CONF:LINE.  Returns FS_OK or FS_E_FONT. */
static fs_error read_config(const char *conf, fs_cand_list cands[FS_ROLE_COUNT],
                            fs_diags *diags)
{
    FILE *fp = NULL;
    char *line = NULL, *dir = NULL, *slash;
    size_t cap = 0;
    ssize_t len;
    long lineno = 0;
    int bad = 0;
    fs_error err = FS_OK;

    fp = fopen(conf, "r");
    if (!fp) {
        font_error(diags, conf, 0, "cannot read the font configuration: %s",
                   strerror(errno));
        err = FS_E_FONT;
        goto done;
    }
    dir = fs_strdup(conf);
    slash = strrchr(dir, '/');
    if (slash)
        slash[slash == dir ? 1 : 0] = 0;
    else
        dir[0] = 0;

    while ((len = getline(&line, &cap, fp)) >= 0) {
        char *s = line, *eq, *val, *path;
        const char *msg;
        int role, index;

        lineno++;
        if ((size_t)len != strlen(line)) {
            font_error(diags, conf, lineno, "NUL byte in the line");
            bad = 1;
            continue;
        }
        if (lineno == 1 && strncmp(s, "\xEF\xBB\xBF", 3) == 0)
            s += 3;                             /* UTF-8 byte-order mark */
        s = trim(s);
        if (!s[0] || s[0] == '#')
            continue;
        eq = strchr(s, '=');
        if (!eq) {
            font_error(diags, conf, lineno,
                       "expected 'role = path [face-index]', got '%s'", s);
            bad = 1;
            continue;
        }
        *eq = 0;
        s = trim(s);
        role = role_by_name(s);
        if (role < 0) {
            font_error(diags, conf, lineno,
                       "unknown font role '%s' (the roles are song, hei, kai, "
                       "latin and fallback)", s);
            bad = 1;
            continue;
        }
        val = trim(eq + 1);
        msg = parse_value(val, &path, &index);
        if (msg) {
            font_error(diags, conf, lineno, "%s", msg);
            bad = 1;
            continue;
        }
        {
            fs_cand_list *l = &cands[role];

            if (l->n == l->cap) {
                l->cap = l->cap ? 2 * l->cap : 4;
                l->v = fs_xrealloc(l->v, l->cap * sizeof *l->v);
            }
            l->v[l->n].path = resolve_path(dir, path);
            l->v[l->n].index = index;
            l->v[l->n].line = lineno;
            l->n++;
        }
    }
    if (ferror(fp)) {
        font_error(diags, conf, 0, "cannot read the font configuration: %s",
                   strerror(errno));
        bad = 1;
    }
    if (!bad)
        for (int r = 0; r < FS_ROLE_COUNT; r++)
            if (cands[r].n == 0 && r != FS_ROLE_EDITABLE) {
                font_error(diags, conf, 0,
                           "no font is given for the role '%s'", role_names[r]);
                bad = 1;
            }
    if (bad)
        err = FS_E_FONT;
done:
    if (fp)
        fclose(fp);
    free(line);
    free(dir);
    return err;
}

/* ------------------------------------------------------------------------
 * Faces.
 * ---------------------------------------------------------------------- */

/* Returns the English family name (name ID 1) of FACE, else any family
 * name, else "".  Malloc'd. */
static char *face_family(hb_face_t *face)
{
    char buf[256];
    unsigned len = sizeof buf;
    unsigned n = 0;
    const hb_ot_name_entry_t *names;

    if (hb_ot_name_get_utf8(face, HB_OT_NAME_ID_FONT_FAMILY,
                            hb_language_from_string("en", -1), &len, buf) > 0)
        return fs_strdup(buf);
    names = hb_ot_name_list_names(face, &n);
    for (unsigned i = 0; i < n; i++) {
        if (names[i].name_id != HB_OT_NAME_ID_FONT_FAMILY)
            continue;
        len = sizeof buf;
        if (hb_ot_name_get_utf8(face, names[i].name_id, names[i].language,
                                &len, buf) > 0)
            return fs_strdup(buf);
    }
    return fs_strdup("");
}

/* Reads OS/2 fsType of FACE (0 when the table is missing). */
static unsigned face_fstype(hb_face_t *face)
{
    hb_blob_t *os2 = hb_face_reference_table(face, HB_TAG('O', 'S', '/', '2'));
    unsigned len = 0, v = 0;
    const unsigned char *d = (const unsigned char *)hb_blob_get_data(os2, &len);

    if (d && len >= 10)
        v = (unsigned)d[8] << 8 | d[9];
    hb_blob_destroy(os2);
    return v;
}

/* Does FACE have the table TAG? */
static int face_has_table(hb_face_t *face, hb_tag_t tag)
{
    hb_blob_t *b = hb_face_reference_table(face, tag);
    int has = hb_blob_get_length(b) > 0;

    hb_blob_destroy(b);
    return has;
}

/* Frees the HarfBuzz objects and strings of FC (which may be zeroed). */
static void face_clear(fs_face *fc)
{
    hb_font_destroy(fc->font);
    hb_face_destroy(fc->face);
    hb_blob_destroy(fc->blob);
    free(fc->path);
    free(fc->family);
    memset(fc, 0, sizeof *fc);
}

/* Opens face INDEX of the font file PATH (whose stat is ST) into FC and
 * checks that libharu can embed it: TrueType outlines and an fsType that
 * allows embedding and subsetting.  Problems go to DIAGS as CONF:LINE.
 * Returns 0, or -1 with FC cleared. */
static int face_open(fs_face *fc, const char *path, int index,
                     const struct stat *st, const char *conf, long line,
                     fs_diags *diags)
{
    unsigned count;

    memset(fc, 0, sizeof *fc);
    fc->path = fs_strdup(path);
    fc->index = index;
    fc->dev = st->st_dev;
    fc->ino = st->st_ino;
    fc->blob = hb_blob_create_from_file_or_fail(path);
    if (!fc->blob) {
        font_error(diags, conf, line, "cannot read the font file %s", path);
        goto fail;
    }
    count = hb_face_count(fc->blob);
    if (count == 0) {
        font_error(diags, conf, line,
                   "%s is not a TrueType or OpenType font", path);
        goto fail;
    }
    if ((unsigned)index >= count) {
        font_error(diags, conf, line,
                   "face index %d is out of range: %s has %u face%s (0..%u)",
                   index, path, count, count == 1 ? "" : "s", count - 1);
        goto fail;
    }
    fc->face = hb_face_create(fc->blob, (unsigned)index);
    fc->upem = hb_face_get_upem(fc->face);
    if (hb_face_get_glyph_count(fc->face) == 0 || fc->upem == 0 ||
        !face_has_table(fc->face, HB_TAG('c', 'm', 'a', 'p'))) {
        font_error(diags, conf, line, "%s (face %d) is not a usable font",
                   path, index);
        goto fail;
    }
    if (!face_has_table(fc->face, HB_TAG('g', 'l', 'y', 'f'))) {
        font_error(diags, conf, line,
                   "%s (face %d) has PostScript (CFF) outlines; libharu 2.3.0 "
                   "embeds only TrueType outlines", path, index);
        goto fail;
    }
    fc->fstype = face_fstype(fc->face);
    if (fc->fstype & 0x0302) {
        font_error(diags, conf, line,
                   "the licence of %s forbids embedding or subsetting it "
                   "(OS/2 fsType 0x%04X)", path, fc->fstype);
        goto fail;
    }
    fc->family = face_family(fc->face);
    fc->font = hb_font_create(fc->face);
    hb_font_set_scale(fc->font, (int)fc->upem, (int)fc->upem);
    return 0;
fail:
    face_clear(fc);
    return -1;
}

/* Chooses the first existing candidate of role R, opens it unless an
 * identical file and index is already open, and sets FS->role_face[R].
 * Returns 0 or -1 (the problem is in DIAGS). */
static int pick_candidate(fs_fontset *fs, int r, const fs_cand_list *l,
                          const char *conf, fs_diags *diags)
{
    struct stat st;
    const fs_cand *c = NULL;
    fs_buf tried = {0};
    int ret = -1;

    for (size_t i = 0; i < l->n; i++) {
        if (stat(l->v[i].path, &st) == 0) {
            c = &l->v[i];
            break;
        }
        fs_buf_printf(&tried, "%s%s", i ? ", " : "", l->v[i].path);
    }
    if (!c) {
        font_error(diags, conf, l->v[0].line,
                   "no font file found for the role '%s': %s%s %s",
                   role_names[r], l->n > 1 ? "none of " : "", tried.s,
                   l->n > 1 ? "exists" : "does not exist");
        goto done;
    }
    if (!S_ISREG(st.st_mode)) {
        font_error(diags, conf, c->line, "the font %s is not a regular file",
                   c->path);
        goto done;
    }
    for (int f = 0; f < fs->nfaces; f++)
        if (fs->faces[f].dev == st.st_dev && fs->faces[f].ino == st.st_ino &&
            fs->faces[f].index == c->index) {
            fs->role_face[r] = f;
            ret = 0;
            goto done;
        }
    if (face_open(&fs->faces[fs->nfaces], c->path, c->index, &st, conf,
                  c->line, diags) < 0)
        goto done;
    fs->role_face[r] = fs->nfaces++;
    ret = 0;
done:
    fs_buf_free(&tried);
    return ret;
}

/* See fs-font.h.  Every problem of the file is reported (not only the
 * first) before it fails; faces are numbered in role order song, hei, kai,
 * latin, fallback, so the numbering is the same on every run. */
fs_fontset *fs_fontset_load(const char *conf, fs_diags *diags, fs_error *err)
{
    fs_cand_list cands[FS_ROLE_COUNT];
    fs_fontset *fs = NULL;
    fs_error e;
    int bad = 0;

    memset(cands, 0, sizeof cands);
    e = read_config(conf, cands, diags);
    if (e != FS_OK)
        goto done;
    fs = fs_xcalloc(1, sizeof *fs);
    for (int r = 0; r < FS_ROLE_COUNT; r++) {
        fs->role_face[r] = -1;
        if (cands[r].n == 0)
            continue;           /* only "editable" may be left out */
        if (pick_candidate(fs, r, &cands[r], conf, diags) < 0)
            bad = 1;
    }
    if (bad) {
        fs_fontset_free(fs);
        fs = NULL;
        e = FS_E_FONT;
    }
done:
    for (int r = 0; r < FS_ROLE_COUNT; r++) {
        for (size_t i = 0; i < cands[r].n; i++)
            free(cands[r].v[i].path);
        free(cands[r].v);
    }
    if (err)
        *err = e;
    return fs;
}

/* Frees FS and its faces; NULL is fine. */
void fs_fontset_free(fs_fontset *fs)
{
    if (!fs)
        return;
    for (int f = 0; f < FS_ROLE_COUNT; f++)
        face_clear(&fs->faces[f]);
    free(fs);
}

/* Returns the face FACE of FS, or NULL when FACE is out of range. */
static const fs_face *get_face(const fs_fontset *fs, int face)
{
    if (!fs || face < 0 || face >= fs->nfaces)
        return NULL;
    return &fs->faces[face];
}

/* Number of distinct faces; 0 for NULL. */
int fs_fontset_nfaces(const fs_fontset *fs)
{
    return fs ? fs->nfaces : 0;
}

/* The face of ROLE; -1 for a bad role or NULL. */
int fs_fontset_role_face(const fs_fontset *fs, fs_font_role role)
{
    if (!fs || (int)role < 0 || role >= FS_ROLE_COUNT)
        return -1;
    return fs->role_face[role];
}

/* The font file of FACE as resolved from the config (not canonicalised),
 * owned by FS; NULL for a bad face. */
const char *fs_fontset_face_path(const fs_fontset *fs, int face)
{
    const fs_face *fc = get_face(fs, face);

    return fc ? fc->path : NULL;
}

/* The collection index of FACE (0 for a plain font); -1 for a bad face. */
int fs_fontset_face_index(const fs_fontset *fs, int face)
{
    const fs_face *fc = get_face(fs, face);

    return fc ? fc->index : -1;
}

/* The English family name of FACE (name ID 1, "LXGW WenKai"), which is
 * also the name the subset keeps; owned by FS, NULL for a bad face. */
const char *fs_fontset_face_family(const fs_fontset *fs, int face)
{
    const fs_face *fc = get_face(fs, face);

    return fc ? fc->family : NULL;
}

/* OS/2 fsType of FACE; 0 for a bad face. */
unsigned fs_fontset_face_fstype(const fs_fontset *fs, int face)
{
    const fs_face *fc = get_face(fs, face);

    return fc ? fc->fstype : 0;
}

/* Looks CP up in the face's cmap; 1 and *GID when it is mapped. */
static int face_glyph(const fs_face *fc, uint32_t cp, hb_codepoint_t *gid)
{
    if (!cp_valid(cp))
        return 0;
    return hb_font_get_nominal_glyph(fc->font, cp, gid) && *gid != 0;
}

/* 1 when FACE maps CP to a real glyph (not .notdef), else 0; 0 for a bad
 * face or an invalid code point. */
int fs_fontset_has(const fs_fontset *fs, int face, uint32_t cp)
{
    const fs_face *fc = get_face(fs, face);
    hb_codepoint_t gid;

    return fc && face_glyph(fc, cp, &gid);
}

/* See fs-font.h.  The ASCII rule covers U+0020..U+007E: the space goes
 * with the Latin words it separates, at the Latin font's width (a quarter
 * em) rather than the half em of the CJK fonts' ASCII space.  Hei (黑体)
 * text keeps its own sans-serif digits and letters: "附件1" in one face, as
 * GB/T 9704 sets the 附件 label. */
int fs_fontset_pick(const fs_fontset *fs, fs_font_role role, uint32_t cp)
{
    static const fs_font_role order[] = {
        FS_ROLE_FALLBACK, FS_ROLE_SONG, FS_ROLE_HEI, FS_ROLE_KAI,
        FS_ROLE_LATIN
    };
    int f;

    if (!fs || (int)role < 0 || role >= FS_ROLE_COUNT)
        return -1;
    if (cp >= 0x20 && cp <= 0x7E && role != FS_ROLE_HEI) {
        f = fs->role_face[FS_ROLE_LATIN];
        if (fs_fontset_has(fs, f, cp))
            return f;
    }
    f = fs->role_face[role];
    if (fs_fontset_has(fs, f, cp))
        return f;
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        f = fs->role_face[order[i]];
        if (fs_fontset_has(fs, f, cp))
            return f;
    }
    return -1;
}

/* See fs-font.h: HarfBuzz's advance at scale = unitsPerEm is the hmtx
 * value, which libharu turns into (UINT)advance * 1000 / unitsPerEm. */
int fs_fontset_advance(const fs_fontset *fs, int face, uint32_t cp)
{
    const fs_face *fc = get_face(fs, face);
    hb_codepoint_t gid;
    hb_position_t adv;

    if (!fc || !face_glyph(fc, cp, &gid))
        return 0;
    adv = hb_font_get_glyph_h_advance(fc->font, gid);
    if (adv < 0)
        adv = 0;
    return (int)((unsigned)adv * 1000u / fc->upem);
}

/* ------------------------------------------------------------------------
 * Subsetting.
 * ---------------------------------------------------------------------- */

/* Runs hb-subset on FACE for the code points UNICODES, without hinting.
 * For PDF (FOR_PDF) the layout and colour tables are dropped: libharu
 * ignores them, and their glyph closure (GSUB alternates) only adds
 * weight.  Returns a new face owned by the caller, or NULL. */
static hb_face_t *subset_face(hb_face_t *face, const hb_set_t *unicodes,
                              int for_pdf)
{
    static const hb_tag_t pdf_drop[] = {
        HB_TAG('G', 'S', 'U', 'B'), HB_TAG('G', 'P', 'O', 'S'),
        HB_TAG('G', 'D', 'E', 'F'), HB_TAG('B', 'A', 'S', 'E'),
        HB_TAG('J', 'S', 'T', 'F'), HB_TAG('M', 'A', 'T', 'H'),
        HB_TAG('m', 'o', 'r', 'x'), HB_TAG('m', 'o', 'r', 't'),
        HB_TAG('k', 'e', 'r', 'x'), HB_TAG('k', 'e', 'r', 'n'),
        HB_TAG('C', 'O', 'L', 'R'), HB_TAG('C', 'P', 'A', 'L'),
        HB_TAG('S', 'V', 'G', ' '), HB_TAG('C', 'B', 'D', 'T'),
        HB_TAG('C', 'B', 'L', 'C'), HB_TAG('s', 'b', 'i', 'x'),
        HB_TAG('E', 'B', 'D', 'T'), HB_TAG('E', 'B', 'L', 'C'),
        HB_TAG('E', 'B', 'S', 'C'), HB_TAG('v', 'h', 'e', 'a'),
        HB_TAG('v', 'm', 't', 'x'), HB_TAG('V', 'O', 'R', 'G'),
        HB_TAG('h', 'd', 'm', 'x'), HB_TAG('L', 'T', 'S', 'H'),
        HB_TAG('V', 'D', 'M', 'X'), HB_TAG('D', 'S', 'I', 'G'),
    };
    hb_subset_input_t *in = hb_subset_input_create_or_fail();
    hb_face_t *out = NULL;

    if (!in)
        goto done;
    hb_set_union(hb_subset_input_unicode_set(in), unicodes);
    hb_subset_input_set_flags(in, HB_SUBSET_FLAGS_NO_HINTING);
    if (for_pdf) {
        hb_set_t *drop = hb_subset_input_set(in, HB_SUBSET_SETS_DROP_TABLE_TAG);

        for (size_t i = 0; i < sizeof pdf_drop / sizeof pdf_drop[0]; i++)
            hb_set_add(drop, pdf_drop[i]);
    }
    out = hb_subset_or_fail(face, in);
done:
    hb_subset_input_destroy(in);
    return out;
}

/* Copies the bytes of BLOB into a malloc'd buffer: *OUT, *OUTLEN.
 * Returns 0, or -1 for an empty blob. */
static int blob_copy(hb_blob_t *blob, unsigned char **out, size_t *outlen)
{
    unsigned len = 0;
    const char *d = hb_blob_get_data(blob, &len);

    if (!d || len == 0)
        return -1;
    *out = fs_xmalloc(len);
    memcpy(*out, d, len);
    *outlen = len;
    return 0;
}

/* See fs-font.h.  Layout tables are kept (Word and LibreOffice shape with
 * them); hinting is dropped.  The cmap holds the real code points. */
fs_error fs_font_subset(const fs_fontset *fs, int face, const uint32_t *cps,
                        size_t n, unsigned char **out, size_t *outlen)
{
    const fs_face *fc = get_face(fs, face);
    hb_set_t *set = hb_set_create();
    hb_face_t *sub = NULL;
    hb_blob_t *blob = NULL;
    fs_error err = FS_E_FONT;

    *out = NULL;
    *outlen = 0;
    if (!fc)
        goto done;
    for (size_t i = 0; i < n; i++)
        if (cp_valid(cps[i]))
            hb_set_add(set, cps[i]);
    if (!hb_set_allocation_successful(set))
        goto done;
    sub = subset_face(fc->face, set, 0);
    if (!sub)
        goto done;
    blob = hb_face_reference_blob(sub);
    if (blob_copy(blob, out, outlen) == 0)
        err = FS_OK;
done:
    hb_blob_destroy(blob);
    hb_face_destroy(sub);
    hb_set_destroy(set);
    return err;
}

/* ------------------------------------------------------------------------
 * Rebuilding a subset's cmap with private-use stand-ins.
 * ---------------------------------------------------------------------- */

/* qsort order of fs_cmap_pair: by code point. */
static int pair_cmp(const void *a, const void *b)
{
    const fs_cmap_pair *x = a, *y = b;

    return x->cp < y->cp ? -1 : x->cp > y->cp;
}

/* Builds a cmap table from the pairs P[0..N) (sorted by code point, no
 * duplicates): a format 4 subtable with every BMP pair, referenced by (0,3)
 * and (3,1), and, when a pair lies outside the BMP, a format 12 subtable
 * with all pairs, referenced by (0,4) and (3,10).  Returns a blob owned by
 * the caller, or NULL when the format 4 subtable would exceed 64 KB. */
static hb_blob_t *build_cmap(const fs_cmap_pair *p, size_t n)
{
    size_t nbmp = 0, nseg = 0, narr = 0, ngroups = 0, len4, len12 = 0;
    size_t nrec, off4, off12 = 0, total, i, j, k, a;
    unsigned char *t = NULL, *s;
    unsigned search, sel;
    hb_blob_t *blob = NULL;

    while (nbmp < n && p[nbmp].cp < 0xFFFF)
        nbmp++;
    /* Count format 4 segments: runs of consecutive code points, each
     * either with a constant glyph delta or through glyphIdArray. */
    for (i = 0; i < nbmp; i = j + 1) {
        int same = 1;

        for (j = i; j + 1 < nbmp && p[j + 1].cp == p[j].cp + 1; j++)
            if (p[j + 1].gid - p[j + 1].cp != p[i].gid - p[i].cp)
                same = 0;
        nseg++;
        if (!same)
            narr += j - i + 1;
    }
    nseg++;                                     /* the final 0xFFFF one */
    len4 = 16 + 8 * nseg + 2 * narr;
    if (len4 > 0xFFFF)
        goto done;
    if (nbmp < n) {
        for (i = 0; i < n; i = j + 1) {
            for (j = i; j + 1 < n && p[j + 1].cp == p[j].cp + 1 &&
                        p[j + 1].gid == p[j].gid + 1; j++)
                ;
            ngroups++;
        }
        len12 = 16 + 12 * ngroups;
    }
    nrec = len12 ? 4 : 2;
    off4 = 4 + 8 * nrec;
    total = off4 + len4;
    if (len12) {
        total = (total + 3) & ~(size_t)3;
        off12 = total;
        total += len12;
    }
    t = fs_xcalloc(1, total);

    /* Header and encoding records, sorted by platform and encoding. */
    put16(t, 0);
    put16(t + 2, (unsigned)nrec);
    s = t + 4;
    put16(s, 0); put16(s + 2, 3); put32(s + 4, (uint32_t)off4); s += 8;
    if (len12) {
        put16(s, 0); put16(s + 2, 4); put32(s + 4, (uint32_t)off12); s += 8;
    }
    put16(s, 3); put16(s + 2, 1); put32(s + 4, (uint32_t)off4); s += 8;
    if (len12) {
        put16(s, 3); put16(s + 2, 10); put32(s + 4, (uint32_t)off12);
    }

    /* Format 4. */
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
    {
        unsigned char *ends = s + 14, *starts = ends + 2 * nseg + 2;
        unsigned char *deltas = starts + 2 * nseg;
        unsigned char *ranges = deltas + 2 * nseg;
        unsigned char *arr = ranges + 2 * nseg;

        k = 0;
        a = 0;
        for (i = 0; i < nbmp; i = j + 1, k++) {
            int same = 1;

            for (j = i; j + 1 < nbmp && p[j + 1].cp == p[j].cp + 1; j++)
                if (p[j + 1].gid - p[j + 1].cp != p[i].gid - p[i].cp)
                    same = 0;
            put16(starts + 2 * k, p[i].cp);
            put16(ends + 2 * k, p[j].cp);
            if (same) {
                put16(deltas + 2 * k, (p[i].gid - p[i].cp) & 0xFFFF);
                put16(ranges + 2 * k, 0);
            } else {
                put16(deltas + 2 * k, 0);
                put16(ranges + 2 * k, (unsigned)(2 * (nseg - k) + 2 * a));
                for (size_t m = i; m <= j; m++, a++)
                    put16(arr + 2 * a, p[m].gid);
            }
        }
        put16(starts + 2 * k, 0xFFFF);
        put16(ends + 2 * k, 0xFFFF);
        put16(deltas + 2 * k, 1);
        put16(ranges + 2 * k, 0);
    }

    /* Format 12. */
    if (len12) {
        s = t + off12;
        put16(s, 12);
        put16(s + 2, 0);
        put32(s + 4, (uint32_t)len12);
        put32(s + 8, 0);
        put32(s + 12, (uint32_t)ngroups);
        s += 16;
        for (i = 0; i < n; i = j + 1, s += 12) {
            for (j = i; j + 1 < n && p[j + 1].cp == p[j].cp + 1 &&
                        p[j + 1].gid == p[j].gid + 1; j++)
                ;
            put32(s, p[i].cp);
            put32(s + 4, p[j].cp);
            put32(s + 8, p[i].gid);
        }
    }
    blob = hb_blob_create((const char *)t, (unsigned)total,
                          HB_MEMORY_MODE_READONLY, t, free);
    t = NULL;
done:
    free(t);
    return blob;
}

/* Rebuilds the subset font SUB so that each non-BMP code point ASTRAL[i]
 * is also reachable through the BMP stand-in STANDIN[i]: a new cmap (see
 * build_cmap) replaces the old one, every other table is copied.  Returns
 * the new font file as a blob owned by the caller, or NULL. */
static hb_blob_t *add_standins(hb_face_t *sub, const hb_set_t *unicodes,
                               const uint32_t *astral, const uint16_t *standin,
                               size_t nastral)
{
    hb_blob_t *subblob = hb_face_reference_blob(sub);
    hb_face_t *src = hb_face_create(subblob, 0);
    hb_font_t *font = hb_font_create(src);
    hb_face_t *builder = NULL;
    hb_blob_t *cmap = NULL, *out = NULL;
    fs_cmap_pair *pairs = NULL;
    size_t n = 0;
    hb_codepoint_t cp = HB_SET_VALUE_INVALID, gid;
    hb_tag_t tags[64];
    unsigned ntags, start = 0;

    pairs = fs_xmalloc((hb_set_get_population(unicodes) + nastral + 1) *
                       sizeof *pairs);
    while (hb_set_next(unicodes, &cp))
        if (hb_font_get_nominal_glyph(font, cp, &gid)) {
            pairs[n].cp = cp;
            pairs[n].gid = gid;
            n++;
        }
    for (size_t i = 0; i < nastral; i++) {
        if (!hb_font_get_nominal_glyph(font, astral[i], &gid))
            goto done;
        pairs[n].cp = standin[i];
        pairs[n].gid = gid;
        n++;
    }
    qsort(pairs, n, sizeof *pairs, pair_cmp);
    cmap = build_cmap(pairs, n);
    if (!cmap)
        goto done;

    builder = hb_face_builder_create();
    do {
        ntags = sizeof tags / sizeof tags[0];
        hb_face_get_table_tags(src, start, &ntags, tags);
        for (unsigned i = 0; i < ntags; i++) {
            hb_blob_t *tb;

            if (tags[i] == HB_TAG('c', 'm', 'a', 'p'))
                continue;
            tb = hb_face_reference_table(src, tags[i]);
            hb_face_builder_add_table(builder, tags[i], tb);
            hb_blob_destroy(tb);
        }
        start += ntags;
    } while (ntags == sizeof tags / sizeof tags[0]);
    hb_face_builder_add_table(builder, HB_TAG('c', 'm', 'a', 'p'), cmap);
    out = hb_face_reference_blob(builder);
    if (hb_blob_get_length(out) == 0) {
        hb_blob_destroy(out);
        out = NULL;
    }
done:
    free(pairs);
    hb_face_destroy(builder);
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
        free(pf->f[f].astral);
        free(pf->f[f].standin);
    }
    free(pf);
}

/* See fs-font.h.  Invalid code points (surrogates, 0, beyond U+10FFFF)
 * and bad faces are ignored; so is every call after fs_pdf_fonts_embed. */
void fs_pdf_fonts_use(fs_pdf_fonts *pf, int face, uint32_t cp)
{
    if (!pf || pf->embedded || !get_face(pf->fs, face) || !cp_valid(cp))
        return;
    hb_set_add(pf->f[face].used, cp);
}

/* Writes the font bytes DATA[0..LEN) to a new file in $TMPDIR (or /tmp)
 * and returns its malloc'd name, or NULL with the reason in DIAGS. */
static char *write_temp_font(const char *data, size_t len, const char *what,
                             fs_diags *diags)
{
    const char *dir = getenv("TMPDIR");
    char *name;
    int fd;
    size_t off = 0;

    if (!dir || !dir[0])
        dir = "/tmp";
    name = fs_printf("%s/fivestar-font-XXXXXX", dir);
    fd = mkstemp(name);
    if (fd < 0) {
        font_error(diags, what, 0,
                   "cannot create a temporary font file in %s: %s", dir,
                   strerror(errno));
        goto fail;
    }
    while (off < len) {
        ssize_t w = write(fd, data + off, len - off);

        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            font_error(diags, what, 0, "cannot write the temporary font "
                       "file %s: %s", name, strerror(w < 0 ? errno : ENOSPC));
            goto fail;
        }
        off += (size_t)w;
    }
    if (close(fd) != 0) {
        fd = -1;
        font_error(diags, what, 0, "cannot write the temporary font file "
                   "%s: %s", name, strerror(errno));
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

/* Replaces the content of the font's ToUnicode stream by a valid CMap
 * (CMapType 2, bfchar only) for the BMP code points of USED plus the
 * stand-ins, which map to the UTF-16 surrogate pairs of ASTRAL.  The stale
 * code-to-CID keys libharu put in the stream dictionary are removed.
 * Returns 0 or -1 (libharu failed). */
static int write_tounicode(HPDF_Font font, const hb_set_t *used,
                           const uint32_t *astral, const uint16_t *standin,
                           size_t nastral)
{
    static const char *const stale[] = {
        "Type", "CMapName", "CIDSystemInfo", "WMode", "UseCMap"
    };
    HPDF_Dict tu = HPDF_Dict_GetItem(font, "ToUnicode", HPDF_OCLASS_DICT);
    fs_cmap_pair *e = NULL;
    fs_buf b = {0};
    size_t n = 0;
    hb_codepoint_t cp = HB_SET_VALUE_INVALID;
    int ret = -1;

    if (!tu || !tu->stream)
        goto done;
    e = fs_xmalloc((hb_set_get_population(used) + nastral + 1) * sizeof *e);
    while (hb_set_next(used, &cp) && cp <= 0xFFFF) {
        e[n].cp = cp;
        e[n].gid = cp;              /* here: the Unicode value to map to */
        n++;
    }
    for (size_t i = 0; i < nastral; i++) {
        e[n].cp = standin[i];
        e[n].gid = astral[i];
        n++;
    }
    qsort(e, n, sizeof *e, pair_cmp);

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
            uint32_t u = e[k].gid;

            if (u > 0xFFFF) {
                u -= 0x10000;
                fs_buf_printf(&b, "<%04X> <%04X%04X>\n", (unsigned)e[k].cp,
                              (unsigned)(0xD800 + (u >> 10)),
                              (unsigned)(0xDC00 + (u & 0x3FF)));
            } else
                fs_buf_printf(&b, "<%04X> <%04X>\n", (unsigned)e[k].cp,
                              (unsigned)u);
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
    free(e);
    return ret;
}

/* Subsets face F for the code points recorded in PF, loads the subset into
 * PDF and fixes its ToUnicode (see fs_pdf_fonts_embed).  Returns FS_OK,
 * FS_E_FONT, FS_E_PDF or FS_E_NOMEM (HarfBuzz out of memory). */
static fs_error embed_face(fs_pdf_fonts *pf, int f, HPDF_Doc pdf,
                           fs_diags *diags)
{
    const fs_face *fc = &pf->fs->faces[f];
    fs_pdf_face *pfc = &pf->f[f];
    hb_set_t *unicodes = hb_set_create();
    hb_face_t *sub = NULL;
    hb_blob_t *blob = NULL;
    hb_codepoint_t cp = HB_SET_VALUE_INVALID, gid;
    char *tmp = NULL;
    const char *name;
    const char *data;
    unsigned len = 0;
    HPDF_FontDef def;
    fs_error err = FS_E_FONT;

    if (!hb_set_allocation_successful(pfc->used)) {
        err = FS_E_NOMEM;
        goto done;
    }
    /* The code points the face draws; non-BMP ones get stand-ins counted
     * down from U+F8FF, skipping code points the text itself uses. */
    pfc->astral = fs_xmalloc((hb_set_get_population(pfc->used) + 1) *
                             sizeof *pfc->astral);
    pfc->standin = fs_xmalloc((hb_set_get_population(pfc->used) + 1) *
                              sizeof *pfc->standin);
    {
        uint32_t next = PUA_LAST;

        while (hb_set_next(pfc->used, &cp)) {
            if (!face_glyph(fc, cp, &gid))
                continue;
            hb_set_add(unicodes, cp);
            if (cp <= 0xFFFF)
                continue;
            while (next >= PUA_FIRST && hb_set_has(pfc->used, next))
                next--;
            if (next < PUA_FIRST) {
                font_error(diags, fc->path, 0, "too many characters outside "
                           "the BMP for the private-use area");
                goto done;
            }
            pfc->astral[pfc->nastral] = cp;
            pfc->standin[pfc->nastral] = (uint16_t)next--;
            pfc->nastral++;
        }
    }
    if (!hb_set_allocation_successful(unicodes)) {
        err = FS_E_NOMEM;
        goto done;
    }

    sub = subset_face(fc->face, unicodes, 1);
    if (!sub) {
        font_error(diags, fc->path, 0, "HarfBuzz could not subset the font "
                   "(face %d)", fc->index);
        goto done;
    }
    if (pfc->nastral)
        blob = add_standins(sub, unicodes, pfc->astral, pfc->standin,
                            pfc->nastral);
    else
        blob = hb_face_reference_blob(sub);
    data = blob ? hb_blob_get_data(blob, &len) : NULL;
    if (!data || len == 0) {
        font_error(diags, fc->path, 0, "could not build the font subset "
                   "(face %d)", fc->index);
        goto done;
    }

    tmp = write_temp_font(data, len, fc->path, diags);
    if (!tmp)
        goto done;
    name = HPDF_LoadTTFontFromFile(pdf, tmp, HPDF_TRUE);
    /* libharu keeps the file open and reads the glyphs at save time; the
     * open descriptor keeps the data of the unlinked file alive. */
    unlink(tmp);
    if (!name) {
        font_error(diags, fc->path, 0, "libharu could not load the font "
                   "subset (error 0x%04lX)", (unsigned long)HPDF_GetError(pdf));
        err = FS_E_PDF;
        goto done;
    }
    for (int o = 0; o < FS_ROLE_COUNT; o++)
        if (pf->f[o].name && strcmp(pf->f[o].name, name) == 0) {
            font_error(diags, fc->path, 0, "has the same PostScript name (%s) "
                       "as %s; libharu cannot embed both", name,
                       pf->fs->faces[o].path);
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

    pfc->font = HPDF_GetFont(pdf, name, "UTF-8");
    if (!pfc->font) {
        font_error(diags, fc->path, 0, "libharu could not create the font "
                   "(error 0x%04lX)", (unsigned long)HPDF_GetError(pdf));
        err = FS_E_PDF;
        goto done;
    }
    if (write_tounicode(pfc->font, pfc->used, pfc->astral, pfc->standin,
                        pfc->nastral) < 0) {
        pfc->font = NULL;
        font_error(diags, fc->path, 0, "could not rewrite the ToUnicode CMap "
                   "(error 0x%04lX)", (unsigned long)HPDF_GetError(pdf));
        err = FS_E_PDF;
        goto done;
    }
    err = FS_OK;
done:
    free(tmp);
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
 * HPDF_LoadTTFontFromFile would leak memory and leave the temporary subset
 * file behind.  Otherwise each temporary file is unlinked right after
 * libharu has opened it.
 * Faces are embedded in face order, so libharu's subset tags (HPDFAA+,
 * HPDFAB+, ...) are stable.  Must be called once; a second call fails with
 * FS_E_PDF. */
fs_error fs_pdf_fonts_embed(fs_pdf_fonts *pf, HPDF_Doc pdf, fs_diags *diags)
{
    fs_error err = FS_OK;

    if (!pf || !pdf || pf->embedded) {
        font_error(diags, "fs_pdf_fonts_embed", 0,
                   "called without fonts or document, or twice");
        return FS_E_PDF;
    }
    pf->embedded = 1;
    if (!HPDF_Doc_FindEncoder(pdf, "UTF-8") &&
        HPDF_UseUTFEncodings(pdf) != HPDF_OK) {
        font_error(diags, "libharu", 0, "cannot enable UTF-8 (error 0x%04lX)",
                   (unsigned long)HPDF_GetError(pdf));
        return FS_E_PDF;
    }
    for (int f = 0; f < pf->fs->nfaces && err == FS_OK; f++)
        if (!hb_set_is_empty(pf->f[f].used))
            err = embed_face(pf, f, pdf, diags);
    return err;
}

/* The embedded font of FACE, or NULL when FACE was not used or not yet
 * embedded. */
HPDF_Font fs_pdf_fonts_get(const fs_pdf_fonts *pf, int face)
{
    if (!pf || !get_face(pf->fs, face))
        return NULL;
    return pf->f[face].font;
}

/* See fs-font.h.  A non-BMP code point that was not recorded with
 * fs_pdf_fonts_use has no stand-in and is passed through (libharu then
 * draws a space); invalid code points become U+FFFD.  Never returns NULL
 * (allocation failure aborts). */
char *fs_pdf_fonts_encode(const fs_pdf_fonts *pf, int face,
                          const uint32_t *cps, size_t n)
{
    const fs_pdf_face *pfc = pf && get_face(pf->fs, face) ? &pf->f[face] : NULL;
    char *out = fs_xmalloc(4 * n + 1);
    size_t len = 0;

    for (size_t i = 0; i < n; i++) {
        uint32_t cp = cps[i];

        if (!cp_valid(cp))
            cp = 0xFFFD;
        if (cp > 0xFFFF && pfc) {
            size_t lo = 0, hi = pfc->nastral;

            while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;

                if (pfc->astral[mid] < cp)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            if (lo < pfc->nastral && pfc->astral[lo] == cp)
                cp = pfc->standin[lo];
        }
        len += fs_utf8_encode(cp, out + len);
    }
    out[len] = 0;
    return out;
}
