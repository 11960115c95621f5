/*
 * fs-zcache.h - deflating in pieces, with every piece's deflated bytes
 * kept for the rest of the run.
 *
 * The fonts embedded in the forms of a batch are subsets of the same
 * faces, mostly the same glyphs: the rubric's text is the same in every
 * dossier.  Deflating them was a third of a batch's time (README,
 * Performance).  Here the input is cut where the caller says (for a font,
 * fs_font_cuts: between tables and between runs of glyphs), each piece is
 * deflated on its own and ended on a byte boundary, and the pieces are
 * joined into one valid deflate stream; a piece seen before in this
 * process is not deflated again but copied from a cache (at most
 * FS_ZCACHE_BYTES, the least recently used pieces dropped first).
 *
 * Each piece's bytes depend on that piece alone, so the output depends on
 * the input and the cuts only, never on what the cache holds: the same
 * input gives the same bytes in every run, process and thread.  The price
 * is what matches across the cuts would have saved: the pieces come out a
 * few per cent larger than one stream.  Thread-safe (one lock around the
 * cache; deflating is done outside it).
 */
#ifndef FS_ZCACHE_H
#define FS_ZCACHE_H

#include <stddef.h>
#include <stdint.h>

/* The longest piece fs_zcache_deflate deflates alone (libdeflate makes
 * one block of it); a longer piece is cut further. */
#define FS_ZCACHE_PIECE_MAX 16384u

/* The most the cache holds: the bytes of its pieces and their deflated
 * bytes.  Measured over a batch of 300 dossiers (all forms, PDF and
 * DOCX): 2 MiB leaves 13.5 % of the font bytes to deflate, 3 MiB 11.5 %,
 * 12 MiB 4 %; a worker may grow to 32 MiB in all (issue 17). */
#define FS_ZCACHE_BYTES (2u << 20)

/* Deflates the LEN bytes of DATA at libdeflate's LEVEL (1..12) cut at
 * the NCUTS offsets CUTS (ascending; offsets outside 1..LEN-1 are
 * ignored), into *OUT (malloc'd, the caller frees it) and *OUTLEN: a raw
 * deflate stream (RFC 1951) when ZLIB is 0, or a zlib stream (RFC 1950:
 * header, deflate stream, Adler-32) when it is 1.  Pieces longer than 16
 * KiB are cut further.  Returns 0, or -1 with *OUT NULL when libdeflate
 * has no memory. */
int fs_zcache_deflate(const void *data, size_t len, const size_t *cuts,
                      size_t ncuts, int level, int zlib, unsigned char **out,
                      size_t *outlen);

/* Lets fs_zcache_deflate deflate the pieces it lacks on a second thread
 * when N is 2 or more and there are at least 64 KiB of them (N 1: only on
 * the caller's thread, the default).  For a run with a processor to
 * spare (fs_lib_options.threads); the bytes are the same either way. */
void fs_zcache_set_threads(int n);

/* What the cache has done in this process: pieces found and pieces
 * deflated since the start (or the last fs_zcache_clear), and the bytes it
 * holds now.  For tests and benchmarks. */
typedef struct fs_zcache_stats {
    size_t hits, misses, bytes;
} fs_zcache_stats;
fs_zcache_stats fs_zcache_get_stats(void);

/* Empties the cache, frees what it holds and zeroes its counts (the cache
 * also works after this).  For tests, and for leak checkers at the end of
 * a run. */
void fs_zcache_clear(void);

#endif
