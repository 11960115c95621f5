/*
 * fs-font.c - font roles, glyph look-up and measuring, subsetting and PDF
 * embedding.  The interface and its rules are described in fs-font.h; the
 * libharu 2.3.0 defects worked around here are measured in
 * shared/research/libharu-docx-fonts.md, sections 1 and 3.
 *
 * Measuring uses HarfBuzz only.  Embedding runs each used face through
 * hb-subset (no hinting, no layout tables), which also works around
 * libharu's broken handling of composite glyphs; because libharu 2.3.0 can
 * only load fonts from files, the subset goes into an in-memory file
 * (memfd) or, where there is none, a temporary file unlinked once loaded.
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
#include "fs-font.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <hb.h>
#include <hb-ot.h>
#include <hb-subset.h>
#include <libdeflate.h>

#include <hpdf_doc.h>
#include <hpdf_encoder.h>
#include <hpdf_font.h>
#include <hpdf_fontdef.h>
#include <hpdf_objects.h>
#include <hpdf_streams.h>

#if HPDF_VERSION_ID >= 20400
#error "fs-font.c patches libharu 2.3.0 internals (ToUnicode, glyph flags); re-check them for 2.4"
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
 * code point's glyph, which goes to GIDS[k]; every other table is copied.
 * Returns the new font file as a blob owned by the caller, or NULL (a code
 * point missing from the subset, or HarfBuzz out of memory). */
static hb_blob_t *rebuild_cmap(hb_face_t *sub, const uint32_t *cps, size_t n,
                               uint16_t *gids)
{
    hb_blob_t *subblob = hb_face_reference_blob(sub);
    hb_face_t *src = hb_face_create(subblob, 0);
    hb_font_t *font = hb_font_create(src);
    hb_face_t *builder = NULL;
    hb_blob_t *cmap = NULL, *out = NULL;
    hb_codepoint_t gid;
    hb_tag_t tags[64];
    unsigned ntags, start = 0;

    for (size_t k = 0; k < n; k++) {
        if (!hb_font_get_nominal_glyph(font, cps[k], &gid) || gid == 0 ||
            gid > 0xFFFF)
            goto done;
        gids[k] = (uint16_t)gid;
    }
    cmap = build_cmap(gids, n);

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
        free(pf->f[f].cps);
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

/* Writes DATA[0..LEN) to FD.  Returns 0, or -1 with errno set. */
static int write_all(int fd, const char *data, size_t len)
{
    size_t off = 0;

    while (off < len) {
        ssize_t w = write(fd, data + off, len - off);

        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            if (w == 0)
                errno = ENOSPC;
            return -1;
        }
        off += (size_t)w;
    }
    return 0;
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
    if (write_all(f, data, len) < 0 || access(name, R_OK) != 0) {
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
        font_error(diags, what, 0,
                   "cannot create a temporary font file in %s: %s", dir,
                   strerror(errno));
        goto fail;
    }
    if (write_all(fd, data, len) < 0) {
        font_error(diags, what, 0, "cannot write the temporary font "
                   "file %s: %s", name, strerror(errno));
        goto fail;
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
 * loaded), deflated with libdeflate at FONT_DEFLATE_LEVEL when the
 * document compresses fonts.  libharu would make both at save time by
 * re-reading every table of the subset from the font file, re-assembling
 * them and deflating them with zlib.  Returns 0, or -1 when libharu
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
        struct libdeflate_compressor *c =
            libdeflate_alloc_compressor(FONT_DEFLATE_LEVEL);

        if (c) {
            size_t cap = libdeflate_zlib_compress_bound(c, len);

            z = fs_xmalloc(cap);
            zlen = libdeflate_zlib_compress(c, bytes, len, z, cap);
            libdeflate_free_compressor(c);
        }
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
    const fs_face *fc = &pf->fs->faces[f];
    fs_pdf_face *pfc = &pf->f[f];
    hb_set_t *unicodes = hb_set_create();
    hb_face_t *sub = NULL;
    hb_blob_t *blob = NULL;
    hb_codepoint_t cp = HB_SET_VALUE_INVALID, gid;
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
        if (!face_glyph(fc, cp, &gid))
            continue;
        hb_set_add(unicodes, cp);
        pfc->cps[pfc->ncps++] = cp;
    }
    if (!hb_set_allocation_successful(unicodes)) {
        err = FS_E_NOMEM;
        goto done;
    }
    if (pfc->ncps > SI_MAX) {
        font_error(diags, fc->path, 0, "too many different characters (%zu) "
                   "for one font of a PDF; the limit is %u", pfc->ncps,
                   SI_MAX);
        goto done;
    }

    sub = subset_face(fc->face, unicodes, 1);
    if (!sub) {
        font_error(diags, fc->path, 0, "HarfBuzz could not subset the font "
                   "(face %d)", fc->index);
        goto done;
    }
    gids = fs_xmalloc((pfc->ncps + 1) * sizeof *gids);
    blob = rebuild_cmap(sub, pfc->cps, pfc->ncps, gids);
    data = blob ? hb_blob_get_data(blob, &len) : NULL;
    if (!data || len == 0) {
        font_error(diags, fc->path, 0, "could not build the font subset "
                   "(face %d)", fc->index);
        goto done;
    }

    /* libharu 2.3.0 loads fonts from files only: an in-memory file, or a
     * temporary one.  libharu keeps the file open (and would read the
     * glyphs from it at save time without attach_fontfile); its open
     * descriptor keeps the data alive once ours is closed or the file is
     * unlinked. */
    tmp = memfd_font(data, len, &mfd);
    if (!tmp) {
        tmp = write_temp_font(data, len, fc->path, diags);
        if (!tmp)
            goto done;
    }
    name = HPDF_LoadTTFontFromFile(pdf, tmp, HPDF_TRUE);
    if (mfd >= 0)
        close(mfd);
    else
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

    pfc->font = get_font(pdf, name, pfc->ncps);
    if (!pfc->font) {
        font_error(diags, fc->path, 0, "libharu could not create the font "
                   "(error 0x%04lX)", (unsigned long)HPDF_GetError(pdf));
        err = FS_E_PDF;
        goto done;
    }
    if (write_cidtogidmap(pfc->font, def, gids, pfc->ncps) < 0) {
        pfc->font = NULL;
        font_error(diags, fc->path, 0, "could not rewrite the CIDToGIDMap "
                   "(error 0x%04lX)", (unsigned long)HPDF_GetError(pdf));
        err = FS_E_PDF;
        goto done;
    }
    if (write_tounicode(pfc->font, pfc->cps, pfc->ncps) < 0) {
        pfc->font = NULL;
        font_error(diags, fc->path, 0, "could not rewrite the ToUnicode CMap "
                   "(error 0x%04lX)", (unsigned long)HPDF_GetError(pdf));
        err = FS_E_PDF;
        goto done;
    }
    if (attach_fontfile(pdf, pfc->font, def, blob) < 0 &&
        HPDF_GetError(pdf) != HPDF_OK) {
        pfc->font = NULL;
        font_error(diags, fc->path, 0, "could not store the font file "
                   "(error 0x%04lX)", (unsigned long)HPDF_GetError(pdf));
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

/* See fs-font.h.  Before the face is embedded the code points pass
 * through unchanged.  Once it is, a code point that was not recorded with
 * fs_pdf_fonts_use (or that the face lacks) has no stand-in and becomes
 * U+FFFF, which no subset maps: libharu draws the face's .notdef glyph.
 * Invalid code points are treated as U+FFFD.  Never returns NULL
 * (allocation failure aborts). */
char *fs_pdf_fonts_encode(const fs_pdf_fonts *pf, int face,
                          const uint32_t *cps, size_t n)
{
    const fs_pdf_face *pfc = pf && get_face(pf->fs, face) ? &pf->f[face] : NULL;
    char *out = fs_xmalloc(4 * n + 1);
    size_t len = 0;

    if (pfc && !pfc->font)
        pfc = NULL;
    for (size_t i = 0; i < n; i++) {
        uint32_t cp = cps[i];

        if (!cp_valid(cp))
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
