/*
 * fs-sfnt.h - reading the table structure of a TrueType font file (the
 * subsets fivestar embeds), for deflating it in cached pieces
 * (fs-zcache.h).
 */
#ifndef FS_SFNT_H
#define FS_SFNT_H

#include <stddef.h>

/* Where to cut the font file FONT (LEN bytes) into pieces that recur from
 * subset to subset of one face: around every table of 1 KiB or more, and inside
 * the glyf table between glyphs, after each glyph whose own bytes say so
 * (about one glyph in eight, once a piece holds 8 KiB; always at 16 KiB),
 * so that the same run of glyphs is cut the same way in every subset that
 * holds it, whatever glyphs come before.  Returns the number of cuts and
 * sets *CUTS (malloc'd, ascending, the caller frees it); 0 and NULL when
 * FONT is not a TrueType file this can read (then deflate it whole). */
size_t fs_sfnt_cuts(const unsigned char *font, size_t len, size_t **cuts);

#endif
