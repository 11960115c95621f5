/*
 * fs-font.h - font roles, glyph look-up, measuring and subsetting: what
 * both backends need (PDF embedding is in src/pdf/fs-pdf-font.h).
 *
 * A fontset is read once from a config file (fonts/fonts.conf) and shared
 * by every document of a run.  It maps the roles song, hei, kai, latin and
 * fallback to font files (TTF/OTF/TTC with face index) and opens each face
 * with HarfBuzz to answer "which face draws this character" and "how wide
 * is it".  Measuring never touches libharu.
 *
 * Subsets (fs_font_subset, fs_fontset_subset_face) serve the DOCX
 * backend's embedded fonts and the PDF backend's (src/pdf/fs-pdf-font.c).
 */
#ifndef FS_FONT_H
#define FS_FONT_H

#include "fs-base.h"

#include <stddef.h>
#include <stdint.h>

/* FS_ROLE_FANGSONG (仿宋) and FS_ROLE_XIAOBIAOSONG (小标宋, 公文 titles)
 * are optional: without a line of their own they draw with the song face.
 * FS_ROLE_EDITABLE is optional and never picked for drawing: it names an
 * open face that editable documents (DOCX) embed in place of a role's font
 * whose licence (OS/2 fsType) forbids editable embedding. */
typedef enum fs_font_role {
    FS_ROLE_SONG, FS_ROLE_HEI, FS_ROLE_KAI, FS_ROLE_LATIN, FS_ROLE_FALLBACK,
    FS_ROLE_FANGSONG, FS_ROLE_XIAOBIAOSONG,
    FS_ROLE_EDITABLE, FS_ROLE_COUNT
} fs_font_role;

/* The name of ROLE in fonts.conf and the templates ("song", "fangsong",
 * …); NULL when ROLE is out of range. */
const char *fs_font_role_name(fs_font_role role);

#define FS_TOFU 0x3013          /* 〓, drawn where no font has a character */

typedef struct fs_fontset fs_fontset;

/* Reads the config file CONF (see fonts/fonts.conf for the syntax: one
 * "role = path [index]" per line, '#' comments, several lines per role give
 * that role's candidates in order, the first existing file wins; relative
 * paths are relative to the config file's folder).  Opens every face.
 * Returns NULL with *ERR = FS_E_FONT (a message naming the file goes to
 * DIAGS) or FS_E_NOMEM. */
fs_fontset *fs_fontset_load(const char *conf, fs_diags *diags, fs_error *err);
void fs_fontset_free(fs_fontset *fs);

/* Number of distinct faces (roles may share one); faces are 0..n-1. */
int fs_fontset_nfaces(const fs_fontset *fs);
int fs_fontset_role_face(const fs_fontset *fs, fs_font_role role);
const char *fs_fontset_face_path(const fs_fontset *fs, int face);
int fs_fontset_face_index(const fs_fontset *fs, int face);   /* TTC index */
const char *fs_fontset_face_family(const fs_fontset *fs, int face);
/* OS/2 fsType of the face (0 = installable, 8 = editable, 4 = preview). */
unsigned fs_fontset_face_fstype(const fs_fontset *fs, int face);
int fs_fontset_has(const fs_fontset *fs, int face, uint32_t cp);

/* The face that draws CP in ROLE: ASCII letters, digits, ASCII
 * punctuation and the space come from the latin face when it has them
 * (except in hei text, whose own face draws them); otherwise the
 * role's face, then fallback, then the other roles in the order song, hei,
 * kai, latin.  Returns -1 when no face has CP (draw FS_TOFU and warn). */
int fs_fontset_pick(const fs_fontset *fs, fs_font_role role, uint32_t cp);

/* Advance of CP in FACE in 1/1000 em, truncated exactly as libharu 2.3.0
 * truncates it (advance * 1000 / unitsPerEm), so that what we measure is
 * what libharu draws.  0 when the face lacks CP. */
int fs_fontset_advance(const fs_fontset *fs, int face, uint32_t cp);

/* Subsets FACE to the code points CPS (HarfBuzz, no hinting) and returns
 * the font bytes in *OUT / *OUTLEN (malloc'd).  Also used by the DOCX
 * backend to embed fonts.  Returns FS_OK or FS_E_FONT. */
fs_error fs_font_subset(const fs_fontset *fs, int face, const uint32_t *cps,
                        size_t n, unsigned char **out, size_t *outlen);

struct hb_face_t;
struct hb_set_t;

/* Runs hb-subset on face FACE of FS for the code points of the HarfBuzz
 * set UNICODES, without hinting; FOR_PDF also drops the layout and colour
 * tables (libharu ignores them).  Returns a new HarfBuzz face the caller
 * destroys, or NULL (FACE out of range, or HarfBuzz failed). */
struct hb_face_t *fs_fontset_subset_face(const fs_fontset *fs, int face,
                                         const struct hb_set_t *unicodes,
                                         int for_pdf);

/* Is CP a code point a font cmap can map (not a surrogate, not 0, at most
 * U+10FFFF)? */
int fs_font_cp_valid(uint32_t cp);

/* Adds an error to DIAGS (which may be NULL: then the message is dropped);
 * a message that cannot be formatted for want of memory is dropped. */
void fs_font_error(fs_diags *diags, const char *file, long line,
                   const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif
