/*
 * targets.c - the fuzzing entry points of fuzz.h.
 *
 * Built twice: into each libFuzzer target (tests/fuzz/fuzz-*.c, by `make
 * fuzz`, with -fsanitize=fuzzer,address,undefined) and, as an object of its
 * own, into tests/test-fuzz, which replays tests/fuzz/regressions/ in the
 * ordinary test suite.  Every check here abort()s: the sanitizers and
 * libFuzzer turn that into a report with the input that caused it.
 */
#define _GNU_SOURCE
#include "fuzz.h"

#include "fivestar.h"
#include "fs-doc.h"
#include "fs-font.h"
#include "fs-form.h"
#include "fs-text.h"
#include "fs-sfnt.h"
#include "fs-zcache.h"

#include <errno.h>
#include <fcntl.h>
#include <libdeflate.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Aborts with MSG on standard error when COND is false. */
#define FUZZ_CHECK(cond, msg)                                                 \
    do {                                                                      \
        if (!(cond)) {                                                        \
            fprintf(stderr, "fuzz: %s:%d: %s (%s)\n", __FILE__, __LINE__,     \
                    msg, #cond);                                              \
            abort();                                                          \
        }                                                                     \
    } while (0)

/* State kept between inputs: loading the schema, rubric, forms template
 * and fonts once keeps the targets fast (and is what a batch run does). */
static struct {
    int ready;
    char *dossier_path;         /* the file each dossier input is written to */
    fs_rubric_cache *cache;
    fs_forms *forms;
    int forms_failed;
    fs_fontset *fonts;
    FILE *devnull;
} fz;

/* Sets up the shared state once: the templates folder (templates/ of the
 * working directory unless FIVESTAR_TEMPLATES is set), a file name on
 * tmpfs for the dossier bytes, /dev/null for printing diagnostics. */
static void fuzz_init(void)
{
    const char *shm = "/dev/shm", *tmp = getenv("TMPDIR");

    if (fz.ready)
        return;
    setenv("FIVESTAR_TEMPLATES", "templates", 0);
    fs_templates_init(NULL);
    if (access(shm, W_OK) != 0)
        shm = tmp && *tmp ? tmp : "/tmp";
    fz.dossier_path = fs_printf("%s/fivestar-fuzz-%ld.xml", shm, (long)getpid());
    fz.devnull = fopen("/dev/null", "w");
    FUZZ_CHECK(fz.devnull != NULL, "cannot open /dev/null");
    fz.ready = 1;
}

/* See fuzz.h: frees the state kept between inputs. */
void fs_fuzz_cleanup(void)
{
    if (!fz.ready)
        return;
    fs_forms_free(fz.forms);
    fs_rubric_cache_free(fz.cache);
    fs_fontset_free(fz.fonts);
    fs_zcache_clear();
    fclose(fz.devnull);
    free(fz.dossier_path);
    memset(&fz, 0, sizeof fz);
}

/* Writes DATA to PATH; aborts when that fails (a broken fuzzing set-up,
 * not a finding). */
static void write_file(const char *path, const uint8_t *data, size_t size)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    size_t done = 0;

    FUZZ_CHECK(fd >= 0, "cannot create the dossier file");
    while (done < size) {
        ssize_t w = write(fd, data + done, size - done);
        if (w < 0 && errno == EINTR)
            continue;
        FUZZ_CHECK(w > 0, "cannot write the dossier file");
        done += (size_t)w;
    }
    FUZZ_CHECK(close(fd) == 0, "cannot close the dossier file");
}

/* Checks what fs_dossier_load promises about a loaded dossier D of rubric
 * R: the values the forms rely on are within their rules. */
static void check_dossier(const fs_dossier *d, const fs_rubric *r)
{
    FUZZ_CHECK(r != NULL, "a dossier without its rubric");
    FUZZ_CHECK(r->nitems <= FS_MAX_ITEMS && r->nsections <= FS_MAX_SECTIONS, "rubric size");
    FUZZ_CHECK(d->year >= 1900 && d->year <= 2999, "year out of range");
    FUZZ_CHECK(d->members >= 1 && d->members <= 100000, "members out of range");
    FUZZ_CHECK(d->apply_star >= 1 && d->apply_star <= 5, "applied star out of range");
    FUZZ_CHECK(d->name.s && d->unit.s && d->town.s && d->leader.s, "required text missing");
    for (size_t i = 0; i < r->nitems; i++) {
        FUZZ_CHECK(d->scores[i].present, "an item without a score");
        FUZZ_CHECK(d->scores[i].points >= 0 && d->scores[i].points <= r->items[i].max,
                   "score outside 0..max");
    }
}

/* See fuzz.h: one dossier input, loaded, checked, scored and formed. */
int fs_fuzz_dossier(const uint8_t *data, size_t size)
{
    fs_diags diags = {0};
    const fs_rubric *r = NULL;
    fs_dossier *d = NULL;
    fs_doc *sheet = NULL, *app = NULL;
    fs_result_sheet s;
    fs_error err = FS_OK;

    fuzz_init();
    if (!fz.cache)
        fz.cache = fs_rubric_cache_new();
    write_file(fz.dossier_path, data, size);
    d = fs_dossier_load(fz.dossier_path, fz.cache, &r, &diags, &err);
    fs_diags_sort(&diags);
    fs_diags_print(&diags, fz.devnull);
    if (!d) {
        FUZZ_CHECK(err != FS_OK, "no dossier and no error");
        FUZZ_CHECK(err != FS_E_TEMPLATE, "the real templates failed to load");
        FUZZ_CHECK(diags.errors > 0, "a refused dossier without an error message");
        goto done;
    }
    FUZZ_CHECK(err == FS_OK && diags.errors == 0, "a dossier accepted with errors");
    check_dossier(d, r);
    fs_score_dossier(d, r, &s);
    FUZZ_CHECK(s.total >= 0 && s.total <= s.max, "total outside 0..max");
    if (!fz.forms && !fz.forms_failed) {
        char *path = fs_printf("%s/forms/%s.xml", fs_templates_dir(), r->id);
        fs_diags fd = {0};
        fs_error fe;

        fz.forms = fs_forms_load(path, &fd, &fe);
        fz.forms_failed = fz.forms == NULL;
        fs_diags_clear(&fd);
        free(path);
        FUZZ_CHECK(fz.forms != NULL, "the real forms template failed to load");
    }
    sheet = fs_form_scoresheet(fz.forms, r, d, &s);
    app = fs_form_application(fz.forms, r, d, &s);
    FUZZ_CHECK(sheet && app, "a form was not built");
done:
    fs_doc_free(sheet);
    fs_doc_free(app);
    fs_dossier_free(d);
    fs_diags_clear(&diags);
    unlink(fz.dossier_path);
    return 0;
}

/* ------------------------------------------------------------------------
 * The line breaker.
 * ---------------------------------------------------------------------- */

/* The widths a fuzzed measure may answer, hostile ones included. */
static const double odd_widths[] = {
    0, 1, 2.5, 5, 10, 12, 0.001, 1e-300, 100, 1e9, 1e308, -1, -1e308,
    NAN, INFINITY, -INFINITY,
};

/* A measure answering per code point from a seed: mostly ordinary widths,
 * some hostile ones, so that the same input always measures the same. */
typedef struct fuzz_measure {
    uint32_t seed;
    unsigned calls;
} fuzz_measure;

/* Width of CP under the seed of CTX (a fuzz_measure). */
static double seeded_width(void *ctx, uint32_t cp)
{
    fuzz_measure *m = ctx;
    uint32_t h = (cp ^ m->seed) * 2654435761u;

    m->calls++;
    h ^= h >> 15;
    if ((h & 7) != 0)           /* 7 in 8: an ordinary width */
        return (double)(h >> 8 & 31) / 2;
    return odd_widths[(h >> 3) % (sizeof odd_widths / sizeof *odd_widths)];
}

/* The breaker's spaces (fs-text.c keeps its own copy static). */
static int breaker_space(uint32_t cp)
{
    return cp == ' ' || (cp >= '\t' && cp <= '\r') || cp == 0x1680 ||
           (cp >= 0x2000 && cp <= 0x200B && cp != 0x2007) || cp == 0x205F;
}

/* The width the breaker should report for [START, END) of TEXT: the sum of
 * what the measure answered, negatives and NaN counted as 0. */
static double span_width(const char *text, size_t start, size_t end, fuzz_measure *m)
{
    const char *p = text + start;
    double w = 0;

    while ((size_t)(p - text) < end) {
        double c = seeded_width(m, fs_utf8_next(&p));
        w += c > 0 ? c : 0;
    }
    return w;
}

/* Are A and B equal within the rounding of summing them in another
 * order? */
static int same_width(double a, double b)
{
    if (isinf(a) || isinf(b))
        return fs_exact_eq(a, b);
    return fabs(a - b) <= 1e-9 * fmax(1, fmax(fabs(a), fabs(b)));
}

/* Checks the lines L of TEXT (LEN bytes): in order, on character
 * boundaries, every non-space character on exactly one line, lines start
 * on a non-space (but the first), nothing but spaces between them, each
 * line's width the sum of its characters. */
static void check_lines(const char *text, size_t len, const fs_lines *l, uint32_t seed)
{
    char *boundary = fs_xcalloc(len + 1, 1);
    const char *p = text;
    size_t prev_end = 0, nonspace = 0;
    fuzz_measure m = {seed, 0};

    while (*p) {
        boundary[p - text] = 1;
        if (!breaker_space(fs_utf8_next(&p)))
            nonspace++;
    }
    boundary[len] = 1;
    FUZZ_CHECK(l->n >= 1, "no line at all");
    FUZZ_CHECK(l->n <= nonspace + 1, "more lines than characters");
    FUZZ_CHECK(l->v[0].start == 0, "the first line does not start the text");
    for (size_t i = 0; i < l->n; i++) {
        const fs_line *ln = &l->v[i];

        FUZZ_CHECK(ln->start <= ln->end && ln->end <= len, "line outside the text");
        FUZZ_CHECK(boundary[ln->start] && boundary[ln->end], "line splits a character");
        FUZZ_CHECK(ln->start >= prev_end, "lines overlap");
        FUZZ_CHECK(nonspace == 0 || ln->start < ln->end, "an empty line");
        for (p = text + prev_end; p < text + ln->start;)
            FUZZ_CHECK(breaker_space(fs_utf8_next(&p)), "a character dropped between lines");
        if (i > 0) {
            p = text + ln->start;
            FUZZ_CHECK(!breaker_space(fs_utf8_next(&p)), "a line starts with a space");
        }
        FUZZ_CHECK(!isnan(ln->width) && ln->width >= 0, "line width NaN or negative");
        FUZZ_CHECK(same_width(ln->width, span_width(text, ln->start, ln->end, &m)),
                   "line width is not the sum of its characters");
        prev_end = ln->end;
    }
    for (p = text + prev_end; *p;)
        FUZZ_CHECK(breaker_space(fs_utf8_next(&p)), "a character dropped after the last line");
    free(boundary);
}

/* See fuzz.h: one text broken with seeded, partly hostile widths. */
int fs_fuzz_breaker(const uint8_t *data, size_t size)
{
    fs_lines l = {0};
    fuzz_measure m;
    double width, indent;
    char *text;
    size_t len;

    if (size < 8)
        return 0;
    /* Byte 0: the line width (a table value, or 0..127.5 points); byte 1:
     * the indent; bytes 2..5: the seed; 6..7: reserved. */
    width = data[0] & 0x80 ? odd_widths[data[0] % (sizeof odd_widths / sizeof *odd_widths)]
                           : data[0] / 2.0;
    indent = data[1] & 0x80 ? odd_widths[data[1] % (sizeof odd_widths / sizeof *odd_widths)]
                            : data[1] / 4.0;
    m.seed = (uint32_t)data[2] | (uint32_t)data[3] << 8 | (uint32_t)data[4] << 16 |
             (uint32_t)data[5] << 24;
    m.calls = 0;
    text = fs_xmalloc(size - 8 + 1);
    memcpy(text, data + 8, size - 8);
    text[size - 8] = '\0';
    len = strlen(text);                 /* the breaker reads up to a NUL */

    fs_break_lines(text, width, indent, seeded_width, &m, &l);
    check_lines(text, len, &l, m.seed);
    /* Linear work: each character is measured a bounded number of times.
     * A line of one character may measure the overflow character and up to
     * FS_TEXT_HANG_MAX (6) more looking for a hanging break, and the next
     * line measures the overflow character again: at most about 8 times a
     * character; 12 leaves room and still catches anything quadratic. */
    FUZZ_CHECK(m.calls <= 12 * (len + 1) + 64, "the breaker measured too often");
    /* Appending to a used array, as the typesetter does. */
    fs_break_lines(text, width, indent, seeded_width, &m, &l);
    FUZZ_CHECK(l.n >= 2, "a second paragraph added no line");
    fs_lines_free(&l);
    free(text);
    return 0;
}

/* ------------------------------------------------------------------------
 * Measuring with the real fonts.
 * ---------------------------------------------------------------------- */

/* A measure as the typesetters use it: the face fs_fontset_pick chooses,
 * the tofu's when none has the character, in points at SIZE. */
typedef struct font_measure {
    const fs_fontset *fs;
    fs_font_role role;
    double size;
} font_measure;

/* Width of CP in points through CTX (a font_measure). */
static double font_width(void *ctx, uint32_t cp)
{
    const font_measure *m = ctx;
    int face = fs_fontset_pick(m->fs, m->role, cp);

    if (face < 0) {
        cp = FS_TOFU;
        face = fs_fontset_pick(m->fs, m->role, cp);
    }
    if (face < 0)
        return m->size;
    return fs_fontset_advance(m->fs, face, cp) * m->size / 1000.0;
}

/* Loads the default fonts once (FIVESTAR_FONTS, else fonts/fonts.conf of
 * the working directory); aborts when they cannot be loaded. */
static const fs_fontset *fuzz_fonts(void)
{
    const char *conf = getenv("FIVESTAR_FONTS");
    fs_diags diags = {0};
    fs_error err;

    fuzz_init();
    if (!fz.fonts) {
        fz.fonts = fs_fontset_load(conf && *conf ? conf : "fonts/fonts.conf", &diags, &err);
        fs_diags_print(&diags, stderr);
        fs_diags_clear(&diags);
        FUZZ_CHECK(fz.fonts != NULL, "the default fonts did not load");
    }
    return fz.fonts;
}

/* Looks CP up in ROLE and checks the answers against each other: the face
 * picked has CP, its advance is sane, a face that lacks CP measures 0. */
static void check_code_point(const fs_fontset *fs, fs_font_role role, uint32_t cp)
{
    int face = fs_fontset_pick(fs, role, cp), n = fs_fontset_nfaces(fs);

    FUZZ_CHECK(face >= -1 && face < n, "pick returned no face of the set");
    if (face >= 0) {
        int adv = fs_fontset_advance(fs, face, cp);
        FUZZ_CHECK(fs_fontset_has(fs, face, cp), "picked a face without the character");
        FUZZ_CHECK(adv >= 0 && adv <= 100000, "advance out of range");
    } else {
        static const fs_font_role drawn[] = {
            FS_ROLE_SONG, FS_ROLE_HEI, FS_ROLE_KAI, FS_ROLE_LATIN, FS_ROLE_FALLBACK,
        };
        for (size_t i = 0; i < sizeof drawn / sizeof *drawn; i++)
            FUZZ_CHECK(!fs_fontset_has(fs, fs_fontset_role_face(fs, drawn[i]), cp),
                       "no face picked although a role's face has the character");
    }
    for (int f = -1; f <= n; f++)
        if (!fs_fontset_has(fs, f, cp))
            FUZZ_CHECK(fs_fontset_advance(fs, f, cp) == 0, "advance of a missing glyph");
}

/* See fuzz.h: one text measured and broken with the default fonts. */
int fs_fuzz_measure(const uint8_t *data, size_t size)
{
    const fs_fontset *fs = fuzz_fonts();
    font_measure m;
    fs_lines l = {0};
    char *text;
    const char *p;
    double total = 0;

    if (size < 2)
        return 0;
    /* Byte 0: the role (FS_ROLE_COUNT and beyond test the bounds); byte 1:
     * the type size, 0..63.75 points. */
    m.fs = fs;
    m.role = (fs_font_role)(data[0] % (FS_ROLE_COUNT + 2));
    m.size = data[1] / 4.0;
    text = fs_xmalloc(size - 2 + 1);
    memcpy(text, data + 2, size - 2);
    text[size - 2] = '\0';

    if ((int)m.role >= FS_ROLE_COUNT) {
        FUZZ_CHECK(fs_fontset_pick(fs, m.role, 'a') == -1, "pick accepted a bad role");
        m.role = FS_ROLE_SONG;
    }
    for (p = text; *p;) {
        const char *before = p;
        uint32_t cp = fs_utf8_next(&p);
        char enc[4];

        FUZZ_CHECK(p > before, "the UTF-8 decoder did not advance");
        FUZZ_CHECK(fs_utf8_encode(cp, enc) >= 1, "a decoded character does not encode");
        check_code_point(fs, m.role, cp);
        total += font_width(&m, cp);
    }
    FUZZ_CHECK(isfinite(total) && total >= 0, "text width not finite");
    FUZZ_CHECK(fs_utf8_len(text) <= strlen(text), "more characters than bytes");
    /* Arbitrary 32-bit values, surrogates and beyond U+10FFFF included. */
    for (size_t i = 2; i + 4 <= size; i += 4) {
        uint32_t cp = (uint32_t)data[i] | (uint32_t)data[i + 1] << 8 |
                      (uint32_t)data[i + 2] << 16 | (uint32_t)data[i + 3] << 24;
        check_code_point(fs, m.role, cp);
        check_code_point(fs, m.role, cp & 0x1FFFFF);
    }
    /* Breaking with the real measure, as the PDF typesetter does. */
    fs_break_lines(text, m.size * 20, m.size * 2, font_width, &m, &l);
    FUZZ_CHECK(l.n >= 1, "no line");
    fs_lines_free(&l);
    free(text);
    return 0;
}

/* 1 when the stream Z (ZLEN bytes; zlib when ZLIB, else raw deflate)
 * inflates to exactly the SIZE bytes DATA. */
static int inflates_back(const unsigned char *z, size_t zlen, int zlib,
                         const uint8_t *data, size_t size)
{
    struct libdeflate_decompressor *d = libdeflate_alloc_decompressor();
    unsigned char *back = fs_xmalloc(size + 1);
    size_t got = 0;
    int ok;

    FUZZ_CHECK(d != NULL, "no memory for a decompressor");
    ok = (zlib ? libdeflate_zlib_decompress(d, z, zlen, back, size + 1, &got)
               : libdeflate_deflate_decompress(d, z, zlen, back, size + 1, &got)) ==
             LIBDEFLATE_SUCCESS &&
         got == size && memcmp(back, data, size) == 0;
    free(back);
    libdeflate_free_decompressor(d);
    return ok;
}

/* See fuzz.h: DATA cut as a font file and deflated in cached pieces. */
int fs_fuzz_pieces(const uint8_t *data, size_t size)
{
    size_t *cuts = NULL, ncuts;
    unsigned char *z[3] = {NULL, NULL, NULL};
    size_t zlen[3] = {0, 0, 0};

    if (size > (1u << 20))
        return 0;
    ncuts = fs_sfnt_cuts(data, size, &cuts);
    FUZZ_CHECK((ncuts == 0) == (cuts == NULL), "cuts and their count disagree");
    for (size_t i = 0; i < ncuts; i++) {
        FUZZ_CHECK(cuts[i] > 0 && cuts[i] < size, "a cut outside the file");
        FUZZ_CHECK(i == 0 || cuts[i] > cuts[i - 1], "cuts not ascending");
    }
    /* cold, warm (from the cache), raw */
    fs_zcache_clear();
    FUZZ_CHECK(fs_zcache_deflate(data, size, cuts, ncuts, 1, 1, &z[0], &zlen[0]) == 0,
               "deflating failed");
    FUZZ_CHECK(fs_zcache_deflate(data, size, cuts, ncuts, 1, 1, &z[1], &zlen[1]) == 0,
               "deflating failed");
    FUZZ_CHECK(fs_zcache_deflate(data, size, cuts, ncuts, 1, 0, &z[2], &zlen[2]) == 0,
               "deflating failed");
    FUZZ_CHECK(zlen[0] == zlen[1] && memcmp(z[0], z[1], zlen[0]) == 0,
               "the cache changed the bytes");
    FUZZ_CHECK(inflates_back(z[0], zlen[0], 1, data, size), "the zlib stream does not inflate back");
    FUZZ_CHECK(inflates_back(z[2], zlen[2], 0, data, size), "the raw stream does not inflate back");
    FUZZ_CHECK(fs_zcache_get_stats().bytes <= FS_ZCACHE_BYTES, "the cache outgrew its bound");
    for (int i = 0; i < 3; i++)
        free(z[i]);
    free(cuts);
    return 0;
}
