/*
 * test-zcache.c - deflating in cached pieces (fs-zcache.h), where a font
 * file is cut and a table of it replaced (fs-sfnt.h), the subset memo of
 * a fontset (fs-font.h), and a zip member deflated elsewhere
 * (fs_zipw_add_deflated).
 *
 * Every stream made here is inflated back by libdeflate (which checks the
 * zlib stream's Adler-32) and compared with the input; the same input must
 * give the same bytes from a cold cache, a warm one and a full one.
 */
#include "testutil.h"
#include "fs-font.h"
#include "fs-sfnt.h"
#include "fs-zcache.h"
#include "fs-zipw.h"

#include <check.h>
#include <hb.h>
#include <libdeflate.h>
#include <stdlib.h>
#include <string.h>

/* Pseudo-random bytes: STATE advanced by a linear congruential step. */
static void fill_random(unsigned char *p, size_t n, uint32_t *state)
{
    for (size_t i = 0; i < n; i++) {
        *state = *state * 1103515245u + 12345u;
        p[i] = (unsigned char)(*state >> 16);
    }
}

/* Text-like bytes: words from a small vocabulary (compresses well). */
static void fill_text(unsigned char *p, size_t n, uint32_t *state)
{
    static const char *const words[] = {"党支部 ", "评定标准 ", "glyf ", "loca ",
                                        "<w:p>", "</w:p>\n", "五星级 ", "0769 "};
    size_t i = 0;

    while (i < n) {
        const char *w;
        *state = *state * 1103515245u + 12345u;
        w = words[(*state >> 16) % 8];
        for (size_t k = 0; w[k] && i < n; k++)
            p[i++] = (unsigned char)w[k];
    }
}

/* Fails unless Z (ZLEN bytes, zlib when ZLIB else raw deflate) inflates to
 * exactly the LEN bytes DATA. */
static void assert_inflates(const unsigned char *z, size_t zlen, int zlib,
                            const unsigned char *data, size_t len)
{
    struct libdeflate_decompressor *d = libdeflate_alloc_decompressor();
    unsigned char *back = malloc(len + 1);
    size_t got = 0;
    enum libdeflate_result r;

    ck_assert_ptr_nonnull(d);
    r = zlib ? libdeflate_zlib_decompress(d, z, zlen, back, len + 1, &got)
             : libdeflate_deflate_decompress(d, z, zlen, back, len + 1, &got);
    ck_assert_int_eq(r, LIBDEFLATE_SUCCESS);
    ck_assert_uint_eq(got, len);
    ck_assert_int_eq(memcmp(back, data, len), 0);
    free(back);
    libdeflate_free_decompressor(d);
}

/* Deflates DATA with CUTS in both formats, checks both inflate back, and
 * returns the zlib stream (malloc'd) in *Z / *ZLEN. */
static void deflate_both(const unsigned char *data, size_t len, const size_t *cuts,
                         size_t ncuts, unsigned char **z, size_t *zlen)
{
    unsigned char *raw = NULL;
    size_t rawlen = 0;

    ck_assert_int_eq(fs_zcache_deflate(data, len, cuts, ncuts, 1, 0, &raw, &rawlen), 0);
    assert_inflates(raw, rawlen, 0, data, len);
    ck_assert_int_eq(fs_zcache_deflate(data, len, cuts, ncuts, 1, 1, z, zlen), 0);
    assert_inflates(*z, *zlen, 1, data, len);
    /* the zlib stream is the raw one between a header and an Adler-32 */
    ck_assert_uint_eq(*zlen, rawlen + 6);
    ck_assert_int_eq(memcmp(*z + 2, raw, rawlen), 0);
    free(raw);
}

/* Streams inflate back whatever the data and the cuts: text, random
 * bytes (libdeflate stores them), empty input, cuts out of range, pieces
 * longer than 16 KiB, one-byte pieces. */
START_TEST(test_roundtrip)
{
    size_t len = 200000;
    unsigned char *data = malloc(len), *z = NULL;
    size_t zlen, cuts[128], n = 0;
    uint32_t state = 7;

    fill_text(data, 90000, &state);
    fill_random(data + 90000, 30000, &state);
    fill_text(data + 120000, len - 120000, &state);
    for (size_t at = 1; at < 100; at++)             /* one-byte pieces */
        cuts[n++] = at;
    cuts[n++] = 90000;
    cuts[n++] = 120000;
    cuts[n++] = 120001;
    cuts[n++] = len;                                /* ignored */
    cuts[n++] = len + 5;                            /* ignored */
    fs_zcache_clear();
    deflate_both(data, len, cuts, n, &z, &zlen);
    ck_assert_uint_lt(zlen, len / 2);              /* the text did compress */
    free(z);
    deflate_both(data, len, NULL, 0, &z, &zlen);    /* no cuts: 16 KiB pieces */
    free(z);
    deflate_both(data, 0, NULL, 0, &z, &zlen);      /* nothing */
    free(z);
    deflate_both(data, 1, cuts, n, &z, &zlen);      /* one byte, cuts beyond */
    free(z);
    free(data);
    fs_zcache_clear();
}
END_TEST

/* A piece seen before is taken from the cache, and the bytes are the same
 * from a cold cache, a warm one, after other data and after clearing. */
START_TEST(test_cache_same_bytes)
{
    size_t len = 100000, cuts[] = {10000, 20000, 50000};
    unsigned char *a = malloc(len), *b = malloc(len), *z1, *z2, *z3, *z4;
    size_t l1, l2, l3, l4;
    uint32_t state = 11;
    fs_zcache_stats st;

    fill_text(a, len, &state);
    memcpy(b, a, len);
    b[60000] ^= 0x55;                   /* B differs from A in one piece */
    fs_zcache_clear();
    ck_assert_int_eq(fs_zcache_deflate(a, len, cuts, 3, 1, 1, &z1, &l1), 0);
    st = fs_zcache_get_stats();
    ck_assert_uint_eq(st.hits, 0);
    ck_assert_uint_eq(st.misses, 8);        /* 4 pieces, 2 of them cut again at 16 KiB */
    ck_assert_uint_gt(st.bytes, len);       /* pieces and their deflated bytes */
    assert_inflates(z1, l1, 1, a, len);
    deflate_both(a, len, cuts, 3, &z2, &l2);
    st = fs_zcache_get_stats();
    ck_assert_uint_eq(st.misses, 8);        /* the second time: all hits */
    ck_assert_uint_eq(st.hits, 16);
    ck_assert_uint_eq(l1, l2);
    ck_assert_int_eq(memcmp(z1, z2, l1), 0);

    /* B: only the piece that differs is deflated again */
    {
        fs_zcache_stats before = fs_zcache_get_stats(), after;
        unsigned char *zb;
        size_t lb;

        deflate_both(b, len, cuts, 3, &zb, &lb);
        after = fs_zcache_get_stats();
        ck_assert_uint_eq(after.misses - before.misses, 1);    /* then a hit */
        free(zb);
    }
    deflate_both(a, len, cuts, 3, &z3, &l3);
    fs_zcache_clear();
    deflate_both(a, len, cuts, 3, &z4, &l4);
    ck_assert_uint_eq(l1, l3);
    ck_assert_uint_eq(l1, l4);
    ck_assert_int_eq(memcmp(z1, z3, l1), 0);
    ck_assert_int_eq(memcmp(z1, z4, l1), 0);
    free(z1);
    free(z2);
    free(z3);
    free(z4);
    free(a);
    free(b);
    fs_zcache_clear();
}
END_TEST

/* More distinct pieces than the cache holds: it stays within its bound,
 * and what comes out still inflates back and matches a cold cache. */
START_TEST(test_cache_bounded)
{
    size_t len = 1u << 20;
    unsigned char *data = malloc(len), *z, *zc;
    size_t zlen, zclen;
    uint32_t state = 3;

    fs_zcache_clear();
    for (int round = 0; round < 6; round++) {
        fill_text(data, len, &state);
        deflate_both(data, len, NULL, 0, &z, &zlen);
        ck_assert_uint_le(fs_zcache_get_stats().bytes, FS_ZCACHE_BYTES);
        free(z);
    }
    ck_assert_uint_gt(fs_zcache_get_stats().bytes, FS_ZCACHE_BYTES / 2);
    /* the last data again: partly cached now, the same bytes as cold */
    ck_assert_int_eq(fs_zcache_deflate(data, len, NULL, 0, 1, 1, &z, &zlen), 0);
    fs_zcache_clear();
    ck_assert_int_eq(fs_zcache_deflate(data, len, NULL, 0, 1, 1, &zc, &zclen), 0);
    ck_assert_uint_eq(zlen, zclen);
    ck_assert_int_eq(memcmp(z, zc, zlen), 0);
    free(z);
    free(zc);
    free(data);
    fs_zcache_clear();
}
END_TEST

/* On two threads (fs_zcache_set_threads) the pieces come out the same as
 * on one: cold and from the cache, with and without cuts. */
START_TEST(test_two_threads_same_bytes)
{
    size_t len = 400000, cuts[] = {5000, 70000, 70001, 300000};
    unsigned char *data = malloc(len), *z1, *z2, *z3;
    size_t l1, l2, l3;
    uint32_t state = 21;

    fill_text(data, len / 2, &state);
    fill_random(data + len / 2, len / 4, &state);
    fill_text(data + len / 2 + len / 4, len - len / 2 - len / 4, &state);
    for (int withcuts = 0; withcuts < 2; withcuts++) {
        const size_t *c = withcuts ? cuts : NULL;
        size_t nc = withcuts ? 4 : 0;

        fs_zcache_set_threads(1);
        fs_zcache_clear();
        ck_assert_int_eq(fs_zcache_deflate(data, len, c, nc, 1, 1, &z1, &l1), 0);
        fs_zcache_set_threads(2);
        fs_zcache_clear();
        ck_assert_int_eq(fs_zcache_deflate(data, len, c, nc, 1, 1, &z2, &l2), 0);
        ck_assert_uint_eq(fs_zcache_get_stats().hits, 0);
        ck_assert_int_eq(fs_zcache_deflate(data, len, c, nc, 1, 1, &z3, &l3), 0);
        ck_assert_uint_gt(fs_zcache_get_stats().hits, 0);
        ck_assert_uint_eq(l1, l2);
        ck_assert_uint_eq(l1, l3);
        ck_assert_int_eq(memcmp(z1, z2, l1), 0);
        ck_assert_int_eq(memcmp(z1, z3, l1), 0);
        assert_inflates(z2, l2, 1, data, len);
        free(z1), free(z2), free(z3);
    }
    fs_zcache_set_threads(1);
    fs_zcache_clear();
    free(data);
}
END_TEST

/* The shipped fontset (fonts/fonts.conf). */
static fs_fontset *fontset(void)
{
    fs_diags d = {0};
    fs_error err;
    fs_fontset *fs = fs_fontset_load("fonts/fonts.conf", &d, &err);

    ck_assert_msg(fs != NULL, "fonts/fonts.conf did not load");
    fs_diags_clear(&d);
    return fs;
}

/* The code points of the UTF-8 text S, in a new array (*N of them). */
static uint32_t *cps_of(const char *s, size_t *n)
{
    uint32_t *v = malloc(strlen(s) * sizeof *v);
    size_t k = 0;

    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        uint32_t c;
        int len = *p < 0x80 ? 1 : *p < 0xE0 ? 2 : *p < 0xF0 ? 3 : 4;

        c = len == 1 ? *p : (uint32_t)(*p & (0xFF >> (len + 1)));
        for (int i = 1; i < len; i++)
            c = c << 6 | (p[i] & 0x3F);
        v[k++] = c;
        p += len;
    }
    *n = k;
    return v;
}


/* fs_sfnt_cuts on real subsets: ascending, inside the file, at every
 * table, glyf cut into pieces of at most 16 KiB; most pieces of a subset
 * recur in a subset with one more glyph; a file it cannot read gives no
 * cuts. */
START_TEST(test_sfnt_cuts)
{
    fs_fontset *fs = fontset();
    int song = fs_fontset_role_face(fs, FS_ROLE_SONG);
    size_t na, nb, la, lb, *ca, *cb, nca, ncb, shared = 0, total = 0;
    /* the rubric's text, and the same with one more character */
    char *text = tu_read("templates/rubrics/dongguan-2018.xml", NULL);
    char *more = tu_replace(text, "<title>", "<title>鑫");
    uint32_t *a = cps_of(text, &na), *b = cps_of(more, &nb);
    unsigned char *fa, *fb;
    unsigned char junk[64];
    uint32_t state = 5;

    ck_assert_int_eq(fs_font_subset(fs, song, a, na, &fa, &la), FS_OK);
    ck_assert_int_eq(fs_font_subset(fs, song, b, nb, &fb, &lb), FS_OK);
    nca = fs_sfnt_cuts(fa, la, &ca);
    ncb = fs_sfnt_cuts(fb, lb, &cb);
    ck_assert_uint_gt(la, 100000);
    ck_assert_uint_gt(nca, 12);         /* tables and glyph runs */
    for (size_t i = 0; i < nca; i++) {
        ck_assert_uint_gt(ca[i], 0);
        ck_assert_uint_lt(ca[i], la);
        if (i)
            ck_assert_uint_gt(ca[i], ca[i - 1]);
    }
    /* every table of 1 KiB or more starts at a cut */
    for (unsigned t = 0; t < (unsigned)(fa[4] << 8 | fa[5]); t++) {
        const unsigned char *r = fa + 12 + 16 * t;
        size_t off = (size_t)r[8] << 24 | (size_t)r[9] << 16 | (size_t)r[10] << 8 | r[11];
        size_t tlen = (size_t)r[12] << 24 | (size_t)r[13] << 16 | (size_t)r[14] << 8 | r[15];
        int found = 0;

        for (size_t i = 0; i < nca; i++)
            found |= ca[i] == off;
        ck_assert_msg(found || tlen < 1024, "table %.4s at %zu is not a cut", (const char *)r, off);
    }
    /* pieces of A found in B, by bytes */
    for (size_t i = 0; i + 1 < nca; i++) {
        size_t plen = ca[i + 1] - ca[i];

        ck_assert_uint_le(plen, 16384 + 4096);
        total += plen;
        for (size_t k = 0; k + 1 < ncb; k++)
            if (cb[k + 1] - cb[k] == plen && memcmp(fa + ca[i], fb + cb[k], plen) == 0) {
                shared += plen;
                break;
            }
    }
    ck_assert_msg(shared * 10 >= total * 6, "only %zu of %zu bytes in shared pieces", shared, total);

    free(cb);
    /* not a font, a truncated one, a directory that does not fit */
    fill_random(junk, sizeof junk, &state);
    ck_assert_uint_eq(fs_sfnt_cuts(junk, sizeof junk, &cb), 0);
    ck_assert_ptr_null(cb);
    ck_assert_uint_eq(fs_sfnt_cuts(fa, 11, &cb), 0);
    memcpy(junk, fa, 12);
    junk[4] = 0xFF;                     /* 65,280 tables in 64 bytes */
    ck_assert_uint_eq(fs_sfnt_cuts(junk, sizeof junk, &cb), 0);
    /* every prefix of a real subset: no crash, cuts inside the prefix */
    for (size_t cut = 12; cut < la; cut += la / 97) {
        size_t *c, n = fs_sfnt_cuts(fa, cut, &c);

        for (size_t i = 0; i < n; i++)
            ck_assert_uint_lt(c[i], cut);
        free(c);
    }
    free(ca);
    free(fa);
    free(fb);
    free(a);
    free(b);
    free(text);
    free(more);
    fs_fontset_free(fs);
}
END_TEST

/* The bytes HarfBuzz's face builder writes for FONT (LEN bytes) with
 * table TAG replaced by the TLEN bytes TABLE (malloc'd, *OUTLEN). */
static unsigned char *hb_replaced(const unsigned char *font, size_t len, hb_tag_t tag,
                                  const unsigned char *table, size_t tlen, size_t *outlen)
{
    hb_blob_t *blob = hb_blob_create((const char *)font, (unsigned)len,
                                     HB_MEMORY_MODE_READONLY, NULL, NULL);
    hb_face_t *face = hb_face_create(blob, 0), *builder = hb_face_builder_create();
    hb_blob_t *res;
    hb_tag_t tags[64];
    unsigned count = 64, rlen = 0;
    unsigned char *out;

    hb_face_get_table_tags(face, 0, &count, tags);
    for (unsigned i = 0; i < count; i++) {
        hb_blob_t *t = tags[i] == tag ? hb_blob_create((const char *)table, (unsigned)tlen,
                                                       HB_MEMORY_MODE_READONLY, NULL, NULL)
                                      : hb_face_reference_table(face, tags[i]);

        hb_face_builder_add_table(builder, tags[i], t);
        hb_blob_destroy(t);
    }
    res = hb_face_reference_blob(builder);
    out = malloc(hb_blob_get_length(res));
    memcpy(out, hb_blob_get_data(res, &rlen), hb_blob_get_length(res));
    *outlen = rlen;
    hb_blob_destroy(res);
    hb_face_destroy(builder);
    hb_face_destroy(face);
    hb_blob_destroy(blob);
    return out;
}

/* fs_sfnt_replace_table: the bytes HarfBuzz's builder writes for the same
 * replacement (a longer table, a shorter one, of a small subset and a
 * large one), a valid font (the whole file sums to B1B0AFBA); a table that
 * is not there, or a file that is not a font, gives -1. */
START_TEST(test_sfnt_replace_table)
{
    fs_fontset *fs = fontset();
    int faces[2] = {fs_fontset_role_face(fs, FS_ROLE_LATIN), fs_fontset_role_face(fs, FS_ROLE_SONG)};
    char *text = tu_read("templates/rubrics/dongguan-2018.xml", NULL);
    size_t n, len, olen, hlen;
    uint32_t *cps = cps_of(text, &n);
    unsigned char *font, *out, *ref, table[301], junk[100];
    uint32_t state = 1;

    fill_random(table, sizeof table, &state);
    for (int f = 0; f < 2; f++) {
        ck_assert_int_eq(fs_font_subset(fs, faces[f], cps, n, &font, &len), FS_OK);
        for (size_t tl = 7; tl <= sizeof table; tl += 294) {
            for (int w = 0; w < 2; w++) {
                const char *tag = w ? "cmap" : "name";
                uint32_t sum = 0;

                ck_assert_int_eq(fs_sfnt_replace_table(font, len, tag, table, tl, &out, &olen), 0);
                ref = hb_replaced(font, len, HB_TAG(tag[0], tag[1], tag[2], tag[3]), table, tl, &hlen);
                ck_assert_uint_eq(olen, hlen);
                ck_assert_msg(memcmp(out, ref, olen) == 0, "face %d, %s of %zu bytes: not HarfBuzz's bytes",
                              f, tag, tl);
                ck_assert_uint_eq(olen % 4, 0);
                for (size_t i = 0; i < olen; i += 4)
                    sum += (uint32_t)out[i] << 24 | (uint32_t)out[i + 1] << 16 |
                           (uint32_t)out[i + 2] << 8 | out[i + 3];
                ck_assert_uint_eq(sum, 0xB1B0AFBAu);
                free(out);
                free(ref);
            }
        }
        ck_assert_int_eq(fs_sfnt_replace_table(font, len, "ZZZZ", table, 10, &out, &olen), -1);
        ck_assert_ptr_null(out);
        ck_assert_int_eq(fs_sfnt_replace_table(font, 40, "name", table, 10, &out, &olen), -1);
        free(font);
    }
    fill_random(junk, sizeof junk, &state);
    ck_assert_int_eq(fs_sfnt_replace_table(junk, sizeof junk, "name", table, 10, &out, &olen), -1);
    free(cps);
    free(text);
    fs_fontset_free(fs);
}
END_TEST

/* fs_font_subset asked twice for the same subset gives the same bytes
 * (the second from the memo); another set gives other bytes. */
START_TEST(test_subset_memo)
{
    fs_fontset *fs = fontset();
    int latin = fs_fontset_role_face(fs, FS_ROLE_LATIN);
    size_t na, nb, l1, l2, l3;
    uint32_t *a = cps_of("Liberation Serif 0769-22345678 ABCabc", &na);
    uint32_t *b = cps_of("Liberation Serif 0769-22345678 ABCabcZ", &nb);
    unsigned char *f1, *f2, *f3;

    ck_assert_int_eq(fs_font_subset(fs, latin, a, na, &f1, &l1), FS_OK);
    ck_assert_int_eq(fs_font_subset(fs, latin, a, na, &f2, &l2), FS_OK);
    ck_assert_int_eq(fs_font_subset(fs, latin, b, nb, &f3, &l3), FS_OK);
    ck_assert_ptr_ne(f1, f2);           /* each caller owns its copy */
    ck_assert_uint_eq(l1, l2);
    ck_assert_int_eq(memcmp(f1, f2, l1), 0);
    ck_assert(l3 != l1 || memcmp(f1, f3, l1) != 0);
    free(f1);
    free(f2);
    free(f3);
    free(a);
    free(b);
    fs_fontset_free(fs);
}
END_TEST

/* A member deflated elsewhere is stored as given, and stored plain when
 * that would not be smaller. */
START_TEST(test_zip_deflated_member)
{
    size_t len = 50000, zlen, outlen;
    unsigned char *data = malloc(len), *z, *out;
    uint32_t state = 9;
    fs_zipw *zw = fs_zipw_new(0, (1 << 5) | 1);
    char *listing;

    fill_text(data, len, &state);
    ck_assert_int_eq(fs_zcache_deflate(data, len, NULL, 0, 1, 0, &z, &zlen), 0);
    ck_assert_int_eq(fs_zipw_add_deflated(zw, "a.txt", data, len, z, zlen), 0);
    ck_assert_int_eq(fs_zipw_add_deflated(zw, "b.txt", data, 100, z, zlen), 0);
    ck_assert_int_eq(fs_zipw_finish(zw, &out, &outlen), 0);
    {
        char *dir = tu_tmpdir(), path[4096], *back;
        size_t blen;

        snprintf(path, sizeof path, "%s/t.zip", dir);
        tu_write(path, (const char *)out, outlen);
        ck_assert_int_eq(tu_run_fmt(&listing, NULL, "unzip -tq '%s' && unzip -v '%s'", path, path), 0);
        ck_assert_msg(strstr(listing, "Defl:N") && strstr(listing, "Stored"), "%s", listing);
        free(listing);
        ck_assert_int_eq(tu_run_fmt(NULL, NULL, "cd '%s' && unzip -q t.zip", dir), 0);
        snprintf(path, sizeof path, "%s/a.txt", dir);
        back = tu_read(path, &blen);
        ck_assert_uint_eq(blen, len);
        ck_assert_int_eq(memcmp(back, data, len), 0);
        free(back);
        snprintf(path, sizeof path, "%s/b.txt", dir);
        back = tu_read(path, &blen);
        ck_assert_uint_eq(blen, 100);
        ck_assert_int_eq(memcmp(back, data, 100), 0);
        free(back);
        free(dir);
    }
    fs_zipw_free(zw);
    free(out);
    free(z);
    free(data);
    fs_zcache_clear();
}
END_TEST

int main(void)
{
    Suite *s = suite_create("zcache");
    TCase *tc = tcase_create("pieces");

    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_roundtrip);
    tcase_add_test(tc, test_cache_same_bytes);
    tcase_add_test(tc, test_cache_bounded);
    tcase_add_test(tc, test_two_threads_same_bytes);
    tcase_add_test(tc, test_sfnt_cuts);
    tcase_add_test(tc, test_sfnt_replace_table);
    tcase_add_test(tc, test_subset_memo);
    tcase_add_test(tc, test_zip_deflated_member);
    suite_add_tcase(s, tc);
    return tu_main(s);
}
