/*
 * fuzz.h - the entry points shared by the libFuzzer targets (fuzz-*.c) and
 * by tests/test-fuzz.c, which feeds every file of tests/fuzz/regressions/
 * to the same functions in an ordinary build.
 *
 * Each entry point takes arbitrary bytes, never fails on them, and abort()s
 * when an invariant of the code under test is broken, so that libFuzzer
 * (and the regression test) report it.  They run from the project's root:
 * templates/ and fonts/fonts.conf are found there unless FIVESTAR_TEMPLATES
 * or FIVESTAR_FONTS say otherwise.
 */
#ifndef FS_FUZZ_H
#define FS_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/* Loads DATA as a dossier file (written to a file on tmpfs) against the
 * real templates, then scores it and builds both forms when it is valid. */
int fs_fuzz_dossier(const uint8_t *data, size_t size);

/* Breaks the text after an 8-byte header (widths, indent, a seed for the
 * per-character widths, which include 0, negative, NaN and huge values)
 * and checks the line breaker's invariants. */
int fs_fuzz_breaker(const uint8_t *data, size_t size);

/* Measures the UTF-8 after a 2-byte header (role, type size) with the
 * default fonts, as the PDF typesetter does, checks the answers, breaks it
 * into lines with that measure, and also looks up the raw 32-bit values of
 * the bytes as code points. */
int fs_fuzz_measure(const uint8_t *data, size_t size);

/* Cuts DATA as a font file (fs_sfnt_cuts) and deflates it in those pieces
 * (fs_zcache_deflate) cold, from the cache, and raw: checks the cuts are
 * ascending and inside DATA, that every stream inflates back to DATA and
 * that the cache changes no byte. */
int fs_fuzz_pieces(const uint8_t *data, size_t size);

/* Frees what the entry points keep between calls (caches, fonts), so that
 * a leak checker sees a clean exit. */
void fs_fuzz_cleanup(void);

#endif
