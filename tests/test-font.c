/*
 * test-font.c - tests of the font module (src/fs-font.c), with check.
 *
 * Needs the Debian fonts of fonts/fonts.conf, poppler-utils (pdffonts,
 * pdftotext) and qpdf.  The default config is fonts/fonts.conf relative to
 * the current folder, or $FS_TEST_FONTS_CONF.  With $FS_TEST_KEEP_PDF set,
 * the sample PDF is also written to that path.  Exit status 1 when a test
 * fails.
 */
#include "testutil.h"

#include "fs-font.h"
#include "fs-pdf-font.h"

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <hb.h>
#include <hb-ot.h>

#define GBSN "/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf"
#define UMING "/usr/share/fonts/truetype/arphic/uming.ttc"
#define WQY "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
#define WENKAI "/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf"
#define LIBSERIF "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf"
#define DROID "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"

/* The text drawn into the test PDF: BMP hanzi, ASCII, a character only the
 * fallback font has (堃), a CJK Extension B one (𠮷, only in LXGW WenKai)
 * and the tofu mark. */
#define SAMPLE "中文ABC 堃 𠮷 〓"

/* ------------------------------------------------------------------------
 * Helpers.
 * ---------------------------------------------------------------------- */

static const char *default_conf(void)
{
    const char *c = getenv("FS_TEST_FONTS_CONF");

    return c && c[0] ? c : "fonts/fonts.conf";
}

/* Makes a fresh temporary folder; the caller frees the name. */
static char *make_tmpdir(void)
{
    const char *t = getenv("TMPDIR");
    char *d = fs_printf("%s/fs-font-test-XXXXXX", t && t[0] ? t : "/tmp");

    ck_assert_ptr_nonnull(mkdtemp(d));
    return d;
}

/* Removes the folder DIR with everything in it. */
static void remove_tree(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    struct stat st;

    if (!d)
        return;
    while ((e = readdir(d)) != NULL) {
        char *p;

        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        p = fs_printf("%s/%s", dir, e->d_name);
        if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
            remove_tree(p);
        else
            unlink(p);
        free(p);
    }
    closedir(d);
    rmdir(dir);
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");

    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    ck_assert_int_eq(fclose(f), 0);
}

/* Does DIAGS hold an error whose message contains NEEDLE?  Returns its
 * line, or -1. */
static long diag_line(const fs_diags *d, const char *needle)
{
    for (size_t i = 0; i < d->n; i++)
        if (d->v[i].severity == FS_ERROR && strstr(d->v[i].message, needle))
            return d->v[i].line;
    return -1;
}

static void dump_diags(const fs_diags *d)
{
    fs_diags_print(d, stderr);
}

static fs_fontset *load_default(void)
{
    fs_diags d = {0};
    fs_error err = FS_E_MAX;
    fs_fontset *fs = fs_fontset_load(default_conf(), &d, &err);

    if (!fs)
        dump_diags(&d);
    ck_assert_ptr_nonnull(fs);
    ck_assert_int_eq(err, FS_OK);
    ck_assert_uint_eq(d.errors, 0);
    fs_diags_clear(&d);
    return fs;
}

/* Loads CONF expecting failure; returns the diagnostics (caller clears). */
static fs_diags load_failing(const char *conf)
{
    fs_diags d = {0};
    fs_error err = FS_OK;
    fs_fontset *fs = fs_fontset_load(conf, &d, &err);

    ck_assert_ptr_null(fs);
    ck_assert_int_eq(err, FS_E_FONT);
    ck_assert_uint_ge(d.errors, 1);
    return d;
}

/* ------------------------------------------------------------------------
 * Config parsing.
 * ---------------------------------------------------------------------- */

START_TEST(test_conf_default)
{
    fs_fontset *fs = load_default();
    int song = fs_fontset_role_face(fs, FS_ROLE_SONG);
    int kai = fs_fontset_role_face(fs, FS_ROLE_KAI);
    int hei = fs_fontset_role_face(fs, FS_ROLE_HEI);
    int latin = fs_fontset_role_face(fs, FS_ROLE_LATIN);
    int fb = fs_fontset_role_face(fs, FS_ROLE_FALLBACK);

    int editable = fs_fontset_role_face(fs, FS_ROLE_EDITABLE);

    ck_assert_int_eq(fs_fontset_nfaces(fs), 6);
    ck_assert_str_eq(fs_fontset_face_path(fs, song), GBSN);
    /* The face a DOCX embeds for song: its licence allows editing. */
    ck_assert_str_eq(fs_fontset_face_family(fs, editable), "AR PL UMing CN");
    ck_assert_uint_eq(fs_fontset_face_fstype(fs, editable), 0);
    ck_assert_str_eq(fs_fontset_face_path(fs, hei), WQY);
    ck_assert_str_eq(fs_fontset_face_path(fs, kai), WENKAI);
    ck_assert_str_eq(fs_fontset_face_path(fs, latin), LIBSERIF);
    ck_assert_str_eq(fs_fontset_face_path(fs, fb), DROID);
    ck_assert_int_eq(fs_fontset_face_index(fs, hei), 0);
    ck_assert_str_eq(fs_fontset_face_family(fs, song), "AR PL SungtiL GB");
    ck_assert_str_eq(fs_fontset_face_family(fs, hei), "WenQuanYi Micro Hei");
    ck_assert_str_eq(fs_fontset_face_family(fs, kai), "LXGW WenKai");
    ck_assert_str_eq(fs_fontset_face_family(fs, latin), "Liberation Serif");
    ck_assert_str_eq(fs_fontset_face_family(fs, fb), "Droid Sans Fallback");
    ck_assert_uint_eq(fs_fontset_face_fstype(fs, song), 4);
    ck_assert_uint_eq(fs_fontset_face_fstype(fs, hei), 8);
    ck_assert_uint_eq(fs_fontset_face_fstype(fs, kai), 0);
    ck_assert_uint_eq(fs_fontset_face_fstype(fs, latin), 0);
    ck_assert_uint_eq(fs_fontset_face_fstype(fs, fb), 8);
    /* 仿宋 and 小标宋: Debian has neither; fonts.conf gives them the song
     * file, one face with song's. */
    ck_assert_int_eq(fs_fontset_role_face(fs, FS_ROLE_FANGSONG), song);
    ck_assert_int_eq(fs_fontset_role_face(fs, FS_ROLE_XIAOBIAOSONG), song);
    ck_assert_str_eq(fs_font_role_name(FS_ROLE_XIAOBIAOSONG), "xiaobiaosong");
    /* Bad arguments. */
    ck_assert_ptr_null(fs_fontset_face_path(fs, 6));
    ck_assert_ptr_null(fs_fontset_face_path(fs, -1));
    ck_assert_int_eq(fs_fontset_role_face(fs, FS_ROLE_COUNT), -1);
    ck_assert_int_eq(fs_fontset_has(fs, 99, 0x4E2D), 0);
    fs_fontset_free(fs);
    fs_fontset_free(NULL);
}
END_TEST

START_TEST(test_conf_syntax)
{
    char *dir = make_tmpdir();
    char *sub = fs_printf("%s/my fonts", dir);
    char *link = fs_printf("%s/my fonts/song 1.ttf", dir);
    char *conf = fs_printf("%s/test.conf", dir);
    fs_diags d = {0};
    fs_error err = FS_E_MAX;
    fs_fontset *fs;
    int song, hei, kai, latin, fb;

    ck_assert_int_eq(mkdir(sub, 0700), 0);
    ck_assert_int_eq(symlink(GBSN, link), 0);
    write_text(conf,
        "\xEF\xBB\xBF# a comment line\n"
        "\n"
        "   # an indented comment\n"
        "song = missing-song.ttf\n"                       /* candidate 1 */
        "song = \"my fonts/song 1.ttf\"   # relative, quoted\n"
        "hei=" UMING " 2\n"                              /* no spaces */
        "kai\t=\t" GBSN "\t# same file as song\n"
        "latin = " LIBSERIF "\r\n"                       /* CRLF */
        "fallback = /nonexistent/fallback.ttf\n"
        "fallback = " UMING "   2   # same face as hei\n");
    fs = fs_fontset_load(conf, &d, &err);
    if (!fs)
        dump_diags(&d);
    ck_assert_ptr_nonnull(fs);
    ck_assert_int_eq(err, FS_OK);
    ck_assert_uint_eq(d.n, 0);

    song = fs_fontset_role_face(fs, FS_ROLE_SONG);
    hei = fs_fontset_role_face(fs, FS_ROLE_HEI);
    kai = fs_fontset_role_face(fs, FS_ROLE_KAI);
    latin = fs_fontset_role_face(fs, FS_ROLE_LATIN);
    fb = fs_fontset_role_face(fs, FS_ROLE_FALLBACK);
    /* song and kai are one file (through a symlink), hei and fallback one
     * face of the collection: three faces. */
    ck_assert_int_eq(fs_fontset_nfaces(fs), 3);
    ck_assert_int_eq(song, 0);
    ck_assert_int_eq(hei, 1);
    ck_assert_int_eq(kai, song);
    ck_assert_int_eq(latin, 2);
    ck_assert_int_eq(fb, hei);
    ck_assert_str_eq(fs_fontset_face_path(fs, song), link);
    ck_assert_int_eq(fs_fontset_face_index(fs, hei), 2);
    ck_assert_str_eq(fs_fontset_face_family(fs, hei), "AR PL UMing TW");
    /* No fangsong or xiaobiaosong line: both draw with the song face. */
    ck_assert_int_eq(fs_fontset_role_face(fs, FS_ROLE_FANGSONG), song);
    ck_assert_int_eq(fs_fontset_role_face(fs, FS_ROLE_XIAOBIAOSONG), song);
    fs_fontset_free(fs);
    fs_diags_clear(&d);
    remove_tree(dir);
    free(sub);
    free(link);
    free(conf);
    free(dir);
}
END_TEST

START_TEST(test_conf_missing_font)
{
    char *dir = make_tmpdir();
    char *conf = fs_printf("%s/missing.conf", dir);
    fs_diags d;

    write_text(conf,
        "song = " GBSN "\n"
        "hei = " WQY "\n"
        "# kai has two candidates, neither exists\n"
        "kai = /nonexistent/kai-one.ttf\n"
        "kai = kai-two.ttf\n"
        "latin = " LIBSERIF "\n"
        "fallback = " DROID "\n");
    d = load_failing(conf);
    {
        char *two = fs_printf("%s/kai-two.ttf", dir);

        ck_assert_int_eq(diag_line(&d, "/nonexistent/kai-one.ttf"), 4);
        ck_assert_int_eq(diag_line(&d, two), 4);
        ck_assert_int_eq(diag_line(&d, "“kai”"), 4);
        ck_assert_str_eq(d.v[0].file, conf);
        free(two);
    }
    fs_diags_clear(&d);

    /* The config file itself is missing. */
    d = load_failing("/nonexistent/fonts.conf");
    ck_assert_str_eq(d.v[0].file, "/nonexistent/fonts.conf");
    fs_diags_clear(&d);

    remove_tree(dir);
    free(conf);
    free(dir);
}
END_TEST

START_TEST(test_conf_bad_lines)
{
    char *dir = make_tmpdir();
    char *conf = fs_printf("%s/bad.conf", dir);
    fs_diags d;

    write_text(conf,
        "# line 1\n"
        "song = " GBSN "\n"
        "song " GBSN "\n"                                  /* 3: no '=' */
        "hei = " WQY "\n"
        "heavy = " WQY "\n"                                /* 5: role */
        "kai = \"" WENKAI "\n"                             /* 6: quote */
        "kai = \"" WENKAI "\" x1\n"                        /* 7: index */
        "latin = \n"                                       /* 8: path */
        "latin = " LIBSERIF "\n"
        "fallback = " DROID "\n");
    d = load_failing(conf);
    ck_assert_int_eq(diag_line(&d, "应写成“角色 = 路径 [序号]”"), 3);
    ck_assert_int_eq(diag_line(&d, "未知的字体角色“heavy”"), 5);
    ck_assert_int_eq(diag_line(&d, "结尾的引号"), 6);
    ck_assert_int_eq(diag_line(&d, "字体序号应为"), 7);
    ck_assert_int_eq(diag_line(&d, "缺少字体文件路径"), 8);
    ck_assert_uint_eq(d.errors, 5);
    for (size_t i = 0; i < d.n; i++)
        ck_assert_str_eq(d.v[i].file, conf);
    fs_diags_clear(&d);

    /* A role without any line; a collection index out of range; a file
     * that is not a font. */
    write_text(conf,
        "song = " GBSN "\n"
        "hei = " WQY " 7\n"
        "latin = " LIBSERIF "\n"
        "fallback = " DROID "\n");
    d = load_failing(conf);
    ck_assert_int_eq(diag_line(&d, "没有为角色“kai”指定字体"), 0);
    fs_diags_clear(&d);

    write_text(conf,
        "song = " GBSN "\n"
        "hei = " WQY " 7\n"
        "kai = bad.conf\n"
        "latin = " LIBSERIF "\n"
        "fallback = " DROID "\n");
    d = load_failing(conf);
    ck_assert_int_eq(diag_line(&d, "字体序号 7 超出范围"), 2);
    ck_assert_int_eq(diag_line(&d, WQY), 2);
    ck_assert_int_eq(diag_line(&d, "不是 TrueType 或 OpenType 字体"), 3);
    fs_diags_clear(&d);

    remove_tree(dir);
    free(conf);
    free(dir);
}
END_TEST

/* ------------------------------------------------------------------------
 * Picking and measuring.
 * ---------------------------------------------------------------------- */

START_TEST(test_pick)
{
    fs_fontset *fs = load_default();
    int song = fs_fontset_role_face(fs, FS_ROLE_SONG);
    int hei = fs_fontset_role_face(fs, FS_ROLE_HEI);
    int kai = fs_fontset_role_face(fs, FS_ROLE_KAI);
    int latin = fs_fontset_role_face(fs, FS_ROLE_LATIN);
    int fb = fs_fontset_role_face(fs, FS_ROLE_FALLBACK);
    uint32_t only_fb = 0;

    /* ASCII letters, digits and punctuation come from latin. */
    ck_assert_int_eq(fs_fontset_pick(fs, FS_ROLE_SONG, 'A'), latin);
    ck_assert_int_eq(fs_fontset_pick(fs, FS_ROLE_SONG, '7'), latin);
    /* ... except in hei text, which keeps its own sans-serif digits. */
    ck_assert_int_eq(fs_fontset_pick(fs, FS_ROLE_HEI, '7'), fs_fontset_role_face(fs, FS_ROLE_HEI));
    ck_assert_int_eq(fs_fontset_pick(fs, FS_ROLE_KAI, ','), latin);
    /* The space goes with the Latin words it separates. */
    ck_assert_int_eq(fs_fontset_pick(fs, FS_ROLE_SONG, ' '), latin);
    /* Hanzi come from the role's face. */
    ck_assert_int_eq(fs_fontset_pick(fs, FS_ROLE_SONG, 0x4E2D), song);
    ck_assert_int_eq(fs_fontset_pick(fs, FS_ROLE_HEI, 0x4E2D), hei);
    ck_assert_int_eq(fs_fontset_pick(fs, FS_ROLE_KAI, 0x4E2D), kai);
    ck_assert_int_eq(fs_fontset_pick(fs, FS_ROLE_LATIN, 0x4E2D), fb);
    ck_assert_int_eq(fs_fontset_pick(fs, FS_ROLE_SONG, FS_TOFU), song);
    /* 堃 is not in GB2312 (gbsn00lp) but in the fallback font. */
    ck_assert_int_eq(fs_fontset_has(fs, song, 0x5803), 0);
    ck_assert_int_eq(fs_fontset_pick(fs, FS_ROLE_SONG, 0x5803), fb);
    /* A character only the fallback font has. */
    for (uint32_t cp = 0x3400; cp < 0xA000 && !only_fb; cp++)
        if (fs_fontset_has(fs, fb, cp) && !fs_fontset_has(fs, song, cp) &&
            !fs_fontset_has(fs, hei, cp) && !fs_fontset_has(fs, kai, cp) &&
            !fs_fontset_has(fs, latin, cp))
            only_fb = cp;
    ck_assert_uint_ne(only_fb, 0);
    ck_assert_int_eq(fs_fontset_pick(fs, FS_ROLE_SONG, only_fb), fb);
    ck_assert_int_eq(fs_fontset_pick(fs, FS_ROLE_HEI, only_fb), fb);
    /* 𠮷 (Extension B): none but LXGW WenKai has it. */
    ck_assert_int_eq(fs_fontset_pick(fs, FS_ROLE_SONG, 0x20BB7), kai);
    /* Characters no face has. */
    ck_assert_int_eq(fs_fontset_pick(fs, FS_ROLE_SONG, 0xE000), -1);
    ck_assert_int_eq(fs_fontset_pick(fs, FS_ROLE_SONG, 0xE123), -1);
    ck_assert_int_eq(fs_fontset_pick(fs, FS_ROLE_SONG, 0x0378), -1);
    ck_assert_int_eq(fs_fontset_pick(fs, FS_ROLE_SONG, 0x10FFFD), -1);
    ck_assert_int_eq(fs_fontset_pick(fs, FS_ROLE_SONG, 0xD800), -1);
    ck_assert_int_eq(fs_fontset_pick(fs, FS_ROLE_SONG, 0x110000), -1);
    ck_assert_int_eq(fs_fontset_pick(fs, FS_ROLE_COUNT, 0x4E2D), -1);
    fs_fontset_free(fs);
}
END_TEST

START_TEST(test_advance)
{
    fs_fontset *fs = load_default();
    int song = fs_fontset_role_face(fs, FS_ROLE_SONG);
    int latin = fs_fontset_role_face(fs, FS_ROLE_LATIN);
    int hei = fs_fontset_role_face(fs, FS_ROLE_HEI);

    ck_assert_int_eq(fs_fontset_advance(fs, song, 0x4E2D), 1000);
    ck_assert_int_eq(fs_fontset_advance(fs, song, 'A'), 500);  /* 512/1024 */
    /* Liberation Serif: 'A' is 1479/2048 em = 722.17 -> 722 (truncated). */
    ck_assert_int_eq(fs_fontset_advance(fs, latin, 'A'), 722);
    /* WenQuanYi Micro Hei: space 531/2048 = 259.3 -> 259. */
    ck_assert_int_eq(fs_fontset_advance(fs, hei, ' '), 259);
    ck_assert_int_eq(fs_fontset_advance(fs, latin, 0x4E2D), 0);
    ck_assert_int_eq(fs_fontset_advance(fs, 42, 0x4E2D), 0);
    fs_fontset_free(fs);
}
END_TEST

/* ------------------------------------------------------------------------
 * Subsetting.
 * ---------------------------------------------------------------------- */

START_TEST(test_subset)
{
    fs_fontset *fs = load_default();
    int kai = fs_fontset_role_face(fs, FS_ROLE_KAI);
    const uint32_t cps[] = { 0x4E2D, 0x6587, 0x20BB7, 'A', 0x4E2D };
    unsigned char *data = NULL;
    size_t len = 0;
    hb_blob_t *blob;
    hb_face_t *face;
    hb_font_t *font;
    hb_codepoint_t gid;
    char name[128];
    unsigned nlen = sizeof name;

    ck_assert_int_eq(fs_font_subset(fs, kai, cps, 5, &data, &len), FS_OK);
    ck_assert_ptr_nonnull(data);
    ck_assert_uint_gt(len, 1000);
    ck_assert_uint_lt(len, 40000);
    blob = hb_blob_create((const char *)data, (unsigned)len,
                          HB_MEMORY_MODE_READONLY, NULL, NULL);
    face = hb_face_create(blob, 0);
    font = hb_font_create(face);
    ck_assert(hb_font_get_nominal_glyph(font, 0x4E2D, &gid));
    ck_assert(hb_font_get_nominal_glyph(font, 0x20BB7, &gid));
    ck_assert(hb_font_get_nominal_glyph(font, 'A', &gid));
    ck_assert(!hb_font_get_nominal_glyph(font, 0x6C49, &gid));
    ck_assert_uint_lt(hb_face_get_glyph_count(face), 40);
    hb_ot_name_get_utf8(face, HB_OT_NAME_ID_FONT_FAMILY,
                        hb_language_from_string("en", -1), &nlen, name);
    ck_assert_str_eq(name, "LXGW WenKai");
    hb_font_destroy(font);
    hb_face_destroy(face);
    hb_blob_destroy(blob);
    free(data);

    /* A face of a collection comes out as a plain font file. */
    {
        int hei = fs_fontset_role_face(fs, FS_ROLE_HEI);

        ck_assert_int_eq(fs_font_subset(fs, hei, cps, 2, &data, &len), FS_OK);
        ck_assert(memcmp(data, "ttcf", 4) != 0);
        free(data);
    }
    ck_assert_int_eq(fs_font_subset(fs, 17, cps, 2, &data, &len), FS_E_FONT);
    ck_assert_ptr_null(data);
    fs_fontset_free(fs);
}
END_TEST

/* ------------------------------------------------------------------------
 * A real PDF.
 * ---------------------------------------------------------------------- */

static void on_hpdf_error(HPDF_STATUS e, HPDF_STATUS detail, void *user)
{
    (void)user;
    fprintf(stderr, "libharu error 0x%04lX (detail %lu)\n",
            (unsigned long)e, (unsigned long)detail);
}

/* The first occurrence of the string NEEDLE in the LEN bytes at HAY (which
 * may hold NUL bytes), or NULL. */
static const char *mem_find(const char *hay, size_t len, const char *needle)
{
    size_t n = strlen(needle);

    for (size_t i = 0; n <= len && i <= len - n; i++)
        if (hay[i] == needle[0] && memcmp(hay + i, needle, n) == 0)
            return hay + i;
    return NULL;
}

/* Draws SAMPLE in 16 pt on an A4 page with the default fonts (role song)
 * and saves it to OUT.  When CALLER_UTF is set, HPDF_UseUTFEncodings is
 * called before fs_pdf_fonts_embed (which must then not call it again).
 * Returns the number of faces used. */
static int make_pdf(const char *out, int caller_utf, char **encoded_kai)
{
    fs_fontset *fs = load_default();
    fs_pdf_fonts *pf = fs_pdf_fonts_new(fs);
    fs_diags d = {0};
    uint32_t cps[64];
    int faces[64], used[FS_ROLE_COUNT] = {0}, nused = 0;
    size_t n = 0;
    const char *p = SAMPLE;
    HPDF_Doc pdf;
    HPDF_Page page;
    double x = 50, size = 16;
    fs_error err;

    while (*p) {
        cps[n] = fs_utf8_next(&p);
        faces[n] = fs_fontset_pick(fs, FS_ROLE_SONG, cps[n]);
        ck_assert_int_ge(faces[n], 0);
        fs_pdf_fonts_use(pf, faces[n], cps[n]);
        if (!used[faces[n]]++)
            nused++;
        n++;
    }
    pdf = HPDF_New(on_hpdf_error, NULL);
    ck_assert_ptr_nonnull(pdf);
    HPDF_SetCompressionMode(pdf, HPDF_COMP_ALL);
    if (caller_utf)
        ck_assert_int_eq(HPDF_UseUTFEncodings(pdf), HPDF_OK);
    err = fs_pdf_fonts_embed(pf, pdf, &d);
    if (err != FS_OK)
        dump_diags(&d);
    ck_assert_int_eq(err, FS_OK);
    ck_assert_uint_eq(HPDF_GetError(pdf), HPDF_OK);
    for (int f = 0; f < fs_fontset_nfaces(fs); f++)
        ck_assert(!used[f] == !fs_pdf_fonts_get(pf, f));

    page = HPDF_AddPage(pdf);
    HPDF_Page_SetSize(page, HPDF_PAGE_SIZE_A4, HPDF_PAGE_PORTRAIT);
    HPDF_Page_BeginText(page);
    for (size_t i = 0; i < n;) {
        size_t j = i;
        double w = 0;
        char *s;

        while (j < n && faces[j] == faces[i]) {
            w += fs_fontset_advance(fs, faces[j], cps[j]) * size / 1000;
            j++;
        }
        s = fs_pdf_fonts_encode(pf, faces[i], cps + i, j - i);
        HPDF_Page_SetFontAndSize(page, fs_pdf_fonts_get(pf, faces[i]),
                                 (HPDF_REAL)size);
        HPDF_Page_TextOut(page, (HPDF_REAL)x, 700, s);
        /* What we measure is what libharu draws. */
        ck_assert_int_eq((int)(HPDF_Page_TextWidth(page, s) * 1000 + 0.5),
                         (int)(w * 1000 + 0.5));
        if (encoded_kai && faces[i] == fs_fontset_role_face(fs, FS_ROLE_KAI)) {
            /* libharu finds a glyph for the stand-in in the rebuilt cmap
             * (it builds the CIDToGIDMap from it), and none for the real
             * code point. */
            HPDF_Font font = fs_pdf_fonts_get(pf, faces[i]);
            HPDF_FontDef def = HPDF_GetFontDef(pdf, HPDF_Font_GetFontName(font));

            ck_assert_ptr_nonnull(def);
            ck_assert_uint_ne(HPDF_TTFontDef_GetGlyphid(def, 0x0100), 0);
            ck_assert_uint_eq(HPDF_TTFontDef_GetGlyphid(def, 0x4E2D), 0);
            *encoded_kai = fs_strdup(s);
        }
        free(s);
        x += w;
        i = j;
    }
    HPDF_Page_EndText(page);
    ck_assert_uint_eq(HPDF_SaveToFile(pdf, out), HPDF_OK);
    HPDF_Free(pdf);
    fs_pdf_fonts_free(pf);
    fs_fontset_free(fs);
    fs_diags_clear(&d);
    return nused;
}

START_TEST(test_pdf)
{
    char *dir = make_tmpdir();
    char *tmpfonts = fs_printf("%s/tmp", dir);
    char *pdf1 = fs_printf("%s/one.pdf", dir);
    char *pdf2 = fs_printf("%s/two.pdf", dir);
    char *qdf = fs_printf("%s/one.qdf", dir);
    char *cmd, *out, *err, *b1, *b2, *kai = NULL;
    size_t l1, l2;
    int nfaces, lines = 0;
    const char *old_tmpdir = getenv("TMPDIR");
    char *saved = old_tmpdir ? fs_strdup(old_tmpdir) : NULL;

    /* Temporary subset files go to a private folder that must stay empty. */
    ck_assert_int_eq(mkdir(tmpfonts, 0700), 0);
    setenv("TMPDIR", tmpfonts, 1);
    nfaces = make_pdf(pdf1, 1, &kai);
    ck_assert_int_eq(tu_count_entries(tmpfonts, ""), 0);
    make_pdf(pdf2, 0, NULL);
    ck_assert_int_eq(tu_count_entries(tmpfonts, ""), 0);
    if (saved)
        setenv("TMPDIR", saved, 1);
    else
        unsetenv("TMPDIR");
    ck_assert_int_eq(nfaces, 4);     /* song, latin, fallback, kai */

    /* 𠮷, the only character of the kai face, is drawn through the first
     * stand-in, U+0100. */
    ck_assert_ptr_nonnull(kai);
    ck_assert_str_eq(kai, "\xC4\x80");

    /* Two runs give the same bytes. */
    b1 = tu_read(pdf1, &l1);
    b2 = tu_read(pdf2, &l2);
    ck_assert_ptr_nonnull(b1);
    ck_assert_ptr_nonnull(b2);
    ck_assert_uint_eq(l1, l2);
    ck_assert(memcmp(b1, b2, l1) == 0);
    fprintf(stderr, "test_pdf: sample PDF is %zu bytes\n", l1);
    if (getenv("FS_TEST_KEEP_PDF")) {           /* for a look at it */
        FILE *f = fopen(getenv("FS_TEST_KEEP_PDF"), "wb");

        ck_assert_ptr_nonnull(f);
        ck_assert_uint_eq(fwrite(b1, 1, l1, f), l1);
        ck_assert_int_eq(fclose(f), 0);
    }
    free(b1);
    free(b2);

    /* pdffonts: every font embedded, subset, with ToUnicode. */
    cmd = fs_printf("pdffonts '%s'", pdf1);
    ck_assert_int_eq(tu_run(cmd, &out, &err), 0);
    ck_assert_str_eq(err, "");
    {
        char *line = out, *nl;
        int past_rule = 0;

        for (; *line; line = nl ? nl + 1 : line + strlen(line)) {
            char *tok[32];
            int nt = 0;

            nl = strchr(line, '\n');
            if (nl)
                *nl = 0;
            if (strncmp(line, "-----", 5) == 0) {
                past_rule = 1;
                continue;
            }
            if (!past_rule || !line[0])
                continue;
            for (char *t = strtok(line, " "); t && nt < 32; t = strtok(NULL, " "))
                tok[nt++] = t;
            ck_assert_int_ge(nt, 8);
            ck_assert_msg(strncmp(tok[0], "HPDFA", 5) == 0, "font %s", tok[0]);
            ck_assert_str_eq(tok[nt - 5], "yes");     /* emb */
            ck_assert_str_eq(tok[nt - 4], "yes");     /* sub */
            ck_assert_str_eq(tok[nt - 3], "yes");     /* uni */
            lines++;
        }
    }
    ck_assert_int_eq(lines, nfaces);
    free(cmd);
    free(out);
    free(err);

    /* pdftotext: the text comes back, 𠮷 included, without warnings. */
    cmd = fs_printf("pdftotext -enc UTF-8 '%s' -", pdf1);
    ck_assert_int_eq(tu_run(cmd, &out, &err), 0);
    ck_assert_msg(err[0] == 0, "pdftotext stderr: %s", err);
    ck_assert_msg(strstr(out, "中文ABC") != NULL, "text: %s", out);
    ck_assert_msg(strstr(out, "堃") != NULL, "text: %s", out);
    ck_assert_msg(strstr(out, "𠮷") != NULL, "text: %s", out);
    ck_assert_msg(strstr(out, "〓") != NULL, "text: %s", out);
    ck_assert_msg(strstr(out, "\xC4\x80") == NULL, "stand-in leaked");
    free(cmd);
    free(out);
    free(err);

    /* qpdf --check passes. */
    cmd = fs_printf("qpdf --check '%s'", pdf1);
    ck_assert_int_eq(tu_run(cmd, &out, &err), 0);
    ck_assert_msg(strstr(out, "No syntax or stream encoding errors") != NULL,
                  "qpdf: %s %s", out, err);
    free(cmd);
    free(out);
    free(err);

    /* The ToUnicode CMaps are bfchar from the stand-ins, in code point
     * order (song: 〓 U+3013, 中, 文), with a surrogate pair for 𠮷. */
    cmd = fs_printf("qpdf --qdf --object-streams=disable '%s' '%s'", pdf1, qdf);
    ck_assert_int_eq(tu_run(cmd, &out, &err), 0);
    free(cmd);
    free(out);
    free(err);
    b1 = tu_read(qdf, &l1);
    ck_assert_ptr_nonnull(b1);
    ck_assert(strstr(b1, "begincidrange") == NULL);
    ck_assert(strstr(b1, "/CMapType 2 def") != NULL);
    ck_assert(strstr(b1, "<0100> <D842DFB7>") != NULL);
    ck_assert(strstr(b1, "<0100> <3013>") != NULL);
    ck_assert(strstr(b1, "<0101> <4E2D>") != NULL);
    ck_assert(strstr(b1, "<0102> <6587>") != NULL);
    ck_assert(strstr(b1, "<0100> <5803>") != NULL);
    /* The CIDToGIDMaps cover the CIDs in use, not all 65,536 (qpdf --qdf
     * writes each stream's length as the object after it). */
    {
        const char *m = b1, *end = b1 + l1;
        int nmaps = 0;

        while ((m = mem_find(m, (size_t)(end - m), "/CIDToGIDMap ")) != NULL) {
            char *hdr = fs_printf("\n%ld 0 obj\n", strtol(m + 13, NULL, 10));
            const char *o = mem_find(b1, l1, hdr), *len, *l;
            char *lhdr;

            ck_assert_ptr_nonnull(o);
            len = mem_find(o, (size_t)(end - o), "/Length ");
            ck_assert_ptr_nonnull(len);
            lhdr = fs_printf("\n%ld 0 obj\n", strtol(len + 8, NULL, 10));
            l = mem_find(b1, l1, lhdr);
            ck_assert_ptr_nonnull(l);
            ck_assert_int_lt(strtol(l + strlen(lhdr), NULL, 10), 1000);
            free(lhdr);
            free(hdr);
            nmaps++;
            m += 13;
        }
        ck_assert_int_eq(nmaps, nfaces);
    }
    free(b1);

    remove_tree(dir);
    free(kai);
    free(saved);
    free(tmpfonts);
    free(pdf1);
    free(pdf2);
    free(qdf);
    free(dir);
}
END_TEST

START_TEST(test_encode)
{
    fs_fontset *fs = load_default();
    fs_pdf_fonts *pf = fs_pdf_fonts_new(fs);
    int kai = fs_fontset_role_face(fs, FS_ROLE_KAI);
    /* 中, 𠮷 and 文 are recorded, U+2000B is not. */
    const uint32_t cps[] = { 0x4E2D, 0x20BB7, 0x6587, 0x2000B };
    char *s;

    for (size_t i = 0; i < 3; i++)
        fs_pdf_fonts_use(pf, kai, cps[i]);
    /* Not embedded yet: no stand-ins. */
    s = fs_pdf_fonts_encode(pf, kai, cps, 2);
    ck_assert_str_eq(s, "中𠮷");
    free(s);
    {
        HPDF_Doc pdf = HPDF_New(on_hpdf_error, NULL);
        fs_diags d = {0};

        ck_assert_int_eq(fs_pdf_fonts_embed(pf, pdf, &d), FS_OK);
        /* A second call is refused. */
        ck_assert_int_eq(fs_pdf_fonts_embed(pf, pdf, &d), FS_E_PDF);
        HPDF_Free(pdf);
        fs_diags_clear(&d);
    }
    s = fs_pdf_fonts_encode(pf, kai, cps, 4);
    /* The stand-ins count up from U+0100 in code point order: 中 U+0100,
     * 文 U+0101, 𠮷 U+0102; U+2000B, not recorded, becomes U+FFFF (no
     * glyph). */
    ck_assert_str_eq(s, "\xC4\x80\xC4\x82\xC4\x81\xEF\xBF\xBF");
    free(s);
    s = fs_pdf_fonts_encode(pf, kai, cps, 0);
    ck_assert_str_eq(s, "");
    free(s);
    fs_pdf_fonts_free(pf);
    fs_pdf_fonts_free(NULL);
    fs_fontset_free(fs);
}
END_TEST

/* Two different files with the same PostScript name cannot both go into
 * one PDF (libharu identifies fonts by that name): a clear error. */
START_TEST(test_pdf_same_psname)
{
    char *dir = make_tmpdir();
    char *copy = fs_printf("%s/copy.ttf", dir);
    char *conf = fs_printf("%s/dup.conf", dir);
    char *cmd = fs_printf("cp '%s' '%s'", LIBSERIF, copy);
    fs_diags d = {0};
    fs_error err = FS_E_MAX;
    fs_fontset *fs;
    fs_pdf_fonts *pf;
    HPDF_Doc pdf;

    ck_assert_int_eq(system(cmd), 0);
    write_text(conf,
        "song = copy.ttf\n"
        "hei = " WQY "\n"
        "kai = " WENKAI "\n"
        "latin = " LIBSERIF "\n"
        "fallback = " DROID "\n");
    fs = fs_fontset_load(conf, &d, &err);
    ck_assert_ptr_nonnull(fs);
    ck_assert_int_eq(fs_fontset_nfaces(fs), 5);
    pf = fs_pdf_fonts_new(fs);
    fs_pdf_fonts_use(pf, fs_fontset_role_face(fs, FS_ROLE_SONG), 0x20AC);
    fs_pdf_fonts_use(pf, fs_fontset_role_face(fs, FS_ROLE_LATIN), 'A');
    pdf = HPDF_New(on_hpdf_error, NULL);
    ck_assert_int_eq(fs_pdf_fonts_embed(pf, pdf, &d), FS_E_FONT);
    ck_assert_int_eq(diag_line(&d, "PostScript 名称相同（LiberationSerif）"), 0);
    HPDF_Free(pdf);
    fs_pdf_fonts_free(pf);
    fs_fontset_free(fs);
    fs_diags_clear(&d);
    remove_tree(dir);
    free(cmd);
    free(conf);
    free(copy);
    free(dir);
}
END_TEST

/* ------------------------------------------------------------------------ */

static Suite *font_suite(void)
{
    Suite *s = suite_create("font");
    TCase *conf = tcase_create("config");
    TCase *glyphs = tcase_create("glyphs");
    TCase *pdf = tcase_create("pdf");

    tcase_add_test(conf, test_conf_default);
    tcase_add_test(conf, test_conf_syntax);
    tcase_add_test(conf, test_conf_missing_font);
    tcase_add_test(conf, test_conf_bad_lines);
    tcase_add_test(glyphs, test_pick);
    tcase_add_test(glyphs, test_advance);
    tcase_add_test(glyphs, test_subset);
    tcase_add_test(pdf, test_encode);
    tcase_add_test(pdf, test_pdf);
    tcase_add_test(pdf, test_pdf_same_psname);
    tcase_set_timeout(conf, 60);
    tcase_set_timeout(glyphs, 60);
    tcase_set_timeout(pdf, 120);
    suite_add_tcase(s, conf);
    suite_add_tcase(s, glyphs);
    suite_add_tcase(s, pdf);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(font_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed != 0;
}
