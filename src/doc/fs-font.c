/*
 * fs-font.c - the fonts both backends use (fs-font.h): the font roles and
 * fonts.conf, glyph look-up and measuring with HarfBuzz, and subsets of a
 * face (hb-subset: no hinting, no layout tables) that the backends embed.
 * Embedding itself is the backends' (the PDF's in src/pdf/, the DOCX's in
 * src/docx/).  Nothing depends on time or randomness: the same input gives
 * the same subsets.
 */
#define _GNU_SOURCE                 /* vasprintf, memfd_create */
#include "fs-font.h"
#include "fs-cn.h"

#include <errno.h>
#include <pthread.h>
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


static const char *const role_names[FS_ROLE_COUNT] = {
    "song", "hei", "kai", "latin", "fallback", "fangsong", "xiaobiaosong",
    "editable"
};

/* Is ROLE one a configuration may leave out? */
static int role_optional(int role)
{
    return role == FS_ROLE_EDITABLE || role == FS_ROLE_FANGSONG ||
           role == FS_ROLE_XIAOBIAOSONG;
}

/* See fs-font.h. */
const char *fs_font_role_name(fs_font_role role)
{
    return (int)role >= 0 && role < FS_ROLE_COUNT ? role_names[role] : NULL;
}

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

/* Subsets made by fs_font_subset, kept for the next document that asks
 * for the very same one (most often the DOCX's Latin face, embedded with
 * all of Latin-1 whatever the text: the same subset in every form).  At
 * most MEMO_N of them and MEMO_BYTES of font data, the least recently used
 * dropped first; only subsets of at most MEMO_MAX_CPS code points and
 * MEMO_BYTES / MEMO_N bytes (a large subset holds a form's own text and is
 * seldom asked for again). */
#define MEMO_N 8
#define MEMO_BYTES (512u << 10)
#define MEMO_MAX_CPS 1024

typedef struct subset_memo {
    int face;
    uint32_t *cps;                  /* the valid code points, ascending   */
    size_t ncps;
    unsigned char *data;            /* the subset                         */
    size_t len;
    unsigned long used;             /* CLOCK at the last use              */
} subset_memo;

typedef struct memo_set {
    pthread_mutex_t lock;
    subset_memo v[MEMO_N];
    unsigned long clock;
} memo_set;

struct fs_fontset {
    fs_face faces[FS_ROLE_COUNT];   /* a role adds at most one face */
    int nfaces;
    int role_face[FS_ROLE_COUNT];
    memo_set *memo;                 /* changed by fs_font_subset, whose
                                       fontset is const to its callers    */
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

/* ------------------------------------------------------------------------
 * Small helpers.
 * ---------------------------------------------------------------------- */

/* Adds an error to DIAGS (which may be NULL: then the message is dropped).
 * The message is formatted here because fs_diags_add has no va_list form;
 * if that runs out of memory the message is dropped. */
void fs_font_error(fs_diags *diags, const char *file, long line,
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

/* Is CP a code point a font cmap can map (not a surrogate, not 0, at most
 * U+10FFFF)? */
int fs_font_cp_valid(uint32_t cp)
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
            return "字体文件路径缺少结尾的引号“\"”：请补上";
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
                return "字体序号应为 0 到 65535 的整数（.ttc 字体集中的第几个字体）";
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
        return "缺少字体文件路径：应写成 角色 = 路径 [序号]";
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
        fs_font_error(diags, conf, 0, "无法读取字体配置：%s（请检查 FIVESTAR_FONTS 或 fonts/fonts.conf）",
                   fs_errno_cn(errno));
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
            fs_font_error(diags, conf, lineno, "这一行含有空字符（0x00）：请删去");
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
            fs_font_error(diags, conf, lineno,
                       "应写成“角色 = 路径 [序号]”，而这一行是“%s”", s);
            bad = 1;
            continue;
        }
        *eq = 0;
        s = trim(s);
        role = role_by_name(s);
        if (role < 0) {
            fs_font_error(diags, conf, lineno,
                       "未知的字体角色“%s”：角色只能是 song、hei、kai、"
                       "latin、fallback、editable", s);
            bad = 1;
            continue;
        }
        val = trim(eq + 1);
        msg = parse_value(val, &path, &index);
        if (msg) {
            fs_font_error(diags, conf, lineno, "%s", msg);
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
        fs_font_error(diags, conf, 0, "无法读取字体配置：%s（请检查 FIVESTAR_FONTS 或 fonts/fonts.conf）",
                   fs_errno_cn(errno));
        bad = 1;
    }
    if (!bad)
        for (int r = 0; r < FS_ROLE_COUNT; r++)
            if (cands[r].n == 0 && !role_optional(r)) {
                fs_font_error(diags, conf, 0,
                           "没有为角色“%s”指定字体：请在字体配置中加一行 %s = 字体文件路径",
                           role_names[r], role_names[r]);
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
        fs_font_error(diags, conf, line, "无法读取字体文件 %s：请检查路径，或安装相应的字体软件包（make deps）", path);
        goto fail;
    }
    count = hb_face_count(fc->blob);
    if (count == 0) {
        fs_font_error(diags, conf, line,
                   "%s 不是 TrueType 或 OpenType 字体：请换用 .ttf、.ttc 或 .otf 字体文件", path);
        goto fail;
    }
    if ((unsigned)index >= count) {
        fs_font_error(diags, conf, line,
                   "字体序号 %d 超出范围：%s 中有 %u 个字体（序号 0–%u）",
                   index, path, count, count - 1);
        goto fail;
    }
    fc->face = hb_face_create(fc->blob, (unsigned)index);
    fc->upem = hb_face_get_upem(fc->face);
    if (hb_face_get_glyph_count(fc->face) == 0 || fc->upem == 0 ||
        !face_has_table(fc->face, HB_TAG('c', 'm', 'a', 'p'))) {
        fs_font_error(diags, conf, line, "%s（序号 %d）不是可用的字体：请换用其他字体文件",
                   path, index);
        goto fail;
    }
    if (!face_has_table(fc->face, HB_TAG('g', 'l', 'y', 'f'))) {
        fs_font_error(diags, conf, line,
                   "%s（序号 %d）是 PostScript（CFF）轮廓的字体，PDF 中只能嵌入 "
                   "TrueType 轮廓的字体：请换用 .ttf 字体", path, index);
        goto fail;
    }
    fc->fstype = face_fstype(fc->face);
    if (fc->fstype & 0x0302) {
        fs_font_error(diags, conf, line,
                   "%s 的授权不允许嵌入或取子集（OS/2 fsType 0x%04X）："
                   "请换用允许嵌入的字体", path, fc->fstype);
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
        fs_buf_printf(&tried, "%s%s", i ? "、" : "", l->v[i].path);
    }
    if (!c) {
        fs_font_error(diags, conf, l->v[0].line,
                   "找不到角色“%s”的字体文件：%s%s：请安装相应的字体软件包（make deps），"
                   "或在字体配置中改用已有的字体", role_names[r], tried.s,
                   l->n > 1 ? " 都不存在" : " 不存在");
        goto done;
    }
    if (!S_ISREG(st.st_mode)) {
        fs_font_error(diags, conf, c->line, "字体 %s 不是普通文件：请指向字体文件本身",
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
    fs->memo = fs_xcalloc(1, sizeof *fs->memo);
    pthread_mutex_init(&fs->memo->lock, NULL);
    for (int r = 0; r < FS_ROLE_COUNT; r++) {
        fs->role_face[r] = -1;
        if (cands[r].n == 0)
            continue;           /* only the optional roles may be left out */
        if (pick_candidate(fs, r, &cands[r], conf, diags) < 0)
            bad = 1;
    }
    if (fs->role_face[FS_ROLE_FANGSONG] < 0)
        fs->role_face[FS_ROLE_FANGSONG] = fs->role_face[FS_ROLE_SONG];
    if (fs->role_face[FS_ROLE_XIAOBIAOSONG] < 0)
        fs->role_face[FS_ROLE_XIAOBIAOSONG] = fs->role_face[FS_ROLE_SONG];
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
    if (fs->memo) {
        for (int i = 0; i < MEMO_N; i++) {
            free(fs->memo->v[i].cps);
            free(fs->memo->v[i].data);
        }
        pthread_mutex_destroy(&fs->memo->lock);
        free(fs->memo);
    }
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
    if (!fs_font_cp_valid(cp))
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

/* See fs-font.h: subset_face on face FACE of FS, NULL when FACE is out of
 * range. */
hb_face_t *fs_fontset_subset_face(const fs_fontset *fs, int face,
                                  const hb_set_t *unicodes, int for_pdf)
{
    const fs_face *fc = get_face(fs, face);

    return fc ? subset_face(fc->face, unicodes, for_pdf) : NULL;
}

/* Copies the memo of FS for face FACE and the NCPS code points CPS into
 * *OUT / *OUTLEN when there is one.  Returns 1 when found, else 0. */
static int memo_get(const fs_fontset *fs, int face, const uint32_t *cps,
                    size_t ncps, unsigned char **out, size_t *outlen)
{
    memo_set *m = fs->memo;
    int found = 0;

    pthread_mutex_lock(&m->lock);
    for (int i = 0; i < MEMO_N && !found; i++) {
        subset_memo *e = &m->v[i];

        if (e->data && e->face == face && e->ncps == ncps &&
            memcmp(e->cps, cps, ncps * sizeof *cps) == 0) {
            *out = fs_xmalloc(e->len);
            memcpy(*out, e->data, e->len);
            *outlen = e->len;
            e->used = ++m->clock;
            found = 1;
        }
    }
    pthread_mutex_unlock(&m->lock);
    return found;
}

/* Keeps a copy of the subset DATA (LEN bytes) of face FACE for the NCPS
 * code points CPS in the memo of FS, in place of the least recently used
 * one, unless it is too large or the memo would outgrow MEMO_BYTES. */
static void memo_put(const fs_fontset *fs, int face, const uint32_t *cps,
                     size_t ncps, const unsigned char *data, size_t len)
{
    memo_set *m = fs->memo;
    subset_memo *slot = NULL;
    size_t bytes = len;

    if (ncps > MEMO_MAX_CPS || len > MEMO_BYTES / MEMO_N)
        return;
    pthread_mutex_lock(&m->lock);
    for (int i = 0; i < MEMO_N; i++) {
        subset_memo *e = &m->v[i];

        if (!slot || !e->data || (slot->data && e->used < slot->used))
            slot = e;
    }
    for (int i = 0; i < MEMO_N; i++)
        if (&m->v[i] != slot && m->v[i].data)
            bytes += m->v[i].len;
    if (bytes <= MEMO_BYTES) {
        free(slot->cps);
        free(slot->data);
        slot->face = face;
        slot->cps = fs_xmalloc((ncps ? ncps : 1) * sizeof *cps);
        memcpy(slot->cps, cps, ncps * sizeof *cps);
        slot->ncps = ncps;
        slot->data = fs_xmalloc(len);
        memcpy(slot->data, data, len);
        slot->len = len;
        slot->used = ++m->clock;
    }
    pthread_mutex_unlock(&m->lock);
}

/* See fs-font.h.  Layout tables are kept (Word and LibreOffice shape with
 * them); hinting is dropped.  The cmap holds the real code points.  The
 * same subset asked for again comes from the fontset's memo: the bytes
 * are those HarfBuzz made the first time. */
fs_error fs_font_subset(const fs_fontset *fs, int face, const uint32_t *cps,
                        size_t n, unsigned char **out, size_t *outlen)
{
    const fs_face *fc = get_face(fs, face);
    hb_set_t *set = hb_set_create();
    hb_face_t *sub = NULL;
    hb_blob_t *blob = NULL;
    uint32_t *valid = NULL;
    size_t nvalid = 0;
    hb_codepoint_t cp = HB_SET_VALUE_INVALID;
    fs_error err = FS_E_FONT;

    *out = NULL;
    *outlen = 0;
    if (!fc)
        goto done;
    for (size_t i = 0; i < n; i++)
        if (fs_font_cp_valid(cps[i]))
            hb_set_add(set, cps[i]);
    if (!hb_set_allocation_successful(set))
        goto done;
    /* The key of the memo: the set in ascending order. */
    valid = fs_xmalloc((hb_set_get_population(set) + 1) * sizeof *valid);
    while (hb_set_next(set, &cp))
        valid[nvalid++] = cp;
    if (memo_get(fs, face, valid, nvalid, out, outlen)) {
        err = FS_OK;
        goto done;
    }
    sub = subset_face(fc->face, set, 0);
    if (!sub)
        goto done;
    blob = hb_face_reference_blob(sub);
    if (blob_copy(blob, out, outlen) == 0) {
        memo_put(fs, face, valid, nvalid, *out, *outlen);
        err = FS_OK;
    }
done:
    free(valid);
    hb_blob_destroy(blob);
    hb_face_destroy(sub);
    hb_set_destroy(set);
    return err;
}
