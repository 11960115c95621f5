/*
 * fs-sfnt.h - the table structure of a TrueType font file (the subsets
 * fivestar embeds): where to cut it for deflating it in cached pieces
 * (fs-zcache.h), and a copy of it with one table replaced.
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

/* Writes a copy of the font file FONT (LEN bytes) in which table TAG (its
 * four letters) holds the TLEN bytes TABLE instead, laid out as HarfBuzz 6
 * lays out the subsets it makes (records in tag order; tables from the
 * shortest, then by tag, each padded to 4 bytes; the new table's checksum
 * and head.checkSumAdjustment computed, the others' kept), so that
 * replacing a table of a
 * HarfBuzz subset gives the bytes HarfBuzz would give, without HarfBuzz
 * parsing and writing the whole file again.  Returns 0 with *OUT
 * (malloc'd, the caller frees it) and *OUTLEN, or -1 when FONT is not a
 * TrueType file this can read or has no table TAG. */
int fs_sfnt_replace_table(const unsigned char *font, size_t len, const char tag[4],
                          const unsigned char *table, size_t tlen,
                          unsigned char **out, size_t *outlen);

#endif
