/*
 * test-text.c - tests of the line breaker (src/fs-text.c).
 *
 * Widths come from a toy measure: every character outside ASCII is 10 pt
 * (CJK), ASCII is 5 pt and a space 2.5 pt, so that all sums are exact.
 * Each rule has a case that fails when the rule is taken out.  Prints the
 * speed on a 5000-character paragraph without asserting it.
 */
#include "fs-text.h"

#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The toy measure; CTX, when not NULL, counts the calls. */
static double measure(void *ctx, uint32_t cp)
{
    if (ctx)
        ++*(size_t *)ctx;
    if (cp == ' ')
        return 2.5;
    return cp < 0x80 ? 5.0 : 10.0;
}

/* The spaces of fs-text.c (a copy: the breaker keeps its own static). */
static int is_space(uint32_t cp)
{
    return cp == ' ' || (cp >= '\t' && cp <= '\r') || cp == 0x1680 ||
           (cp >= 0x2000 && cp <= 0x200B && cp != 0x2007) || cp == 0x205F;
}

/* Breaks TEXT and returns its lines joined by '|' in a static buffer, with
 * the lines left in *OUT (the caller frees them) when OUT is not NULL. */
static const char *brk(const char *text, double width, double indent,
                       fs_lines *keep)
{
    static char buf[4096];
    fs_lines l = { 0 };
    size_t k = 0;

    fs_break_lines(text, width, indent, measure, NULL, &l);
    buf[0] = 0;
    for (size_t i = 0; i < l.n; i++) {
        size_t n = l.v[i].end - l.v[i].start;
        ck_assert_uint_lt(k + n + 2, sizeof buf);
        if (i)
            buf[k++] = '|';
        memcpy(buf + k, text + l.v[i].start, n);
        k += n;
        buf[k] = 0;
    }
    if (keep)
        *keep = l;
    else
        fs_lines_free(&l);
    return buf;
}

/* Sum of the toy measure over bytes [START, END) of TEXT. */
static double sum_width(const char *text, size_t start, size_t end)
{
    const char *p = text + start;
    double w = 0;

    while (p < text + end)
        w += measure(NULL, fs_utf8_next(&p));
    return w;
}

/* Checks what must hold for any input: at least one line; the first starts
 * at 0; lines are in order, non-empty unless TEXT has nothing but spaces,
 * start and end on character boundaries, and what lies between them (and
 * after the last) is spaces; no line but the first starts with a space;
 * every width is the sum of the measure over the line. */
static void check_invariants(const char *text, const fs_lines *l)
{
    size_t len = strlen(text), prev_end = 0;
    int only_spaces = 1;
    char *boundary = calloc(len + 1, 1);
    const char *p = text;

    ck_assert_ptr_nonnull(boundary);
    while (*p) {
        boundary[p - text] = 1;
        if (!is_space(fs_utf8_next(&p)))
            only_spaces = 0;
    }
    boundary[len] = 1;

    ck_assert_uint_ge(l->n, 1);
    ck_assert_uint_eq(l->v[0].start, 0);
    for (size_t i = 0; i < l->n; i++) {
        const fs_line *ln = &l->v[i];

        ck_assert(boundary[ln->start] && boundary[ln->end]);
        ck_assert_uint_le(ln->end, len);
        if (only_spaces)
            ck_assert_uint_eq(ln->start, ln->end);
        else
            ck_assert_uint_lt(ln->start, ln->end);
        ck_assert_uint_ge(ln->start, prev_end);
        for (p = text + prev_end; p < text + ln->start;)
            ck_assert(is_space(fs_utf8_next(&p)));
        if (i > 0) {
            p = text + ln->start;
            ck_assert(!is_space(fs_utf8_next(&p)));
        }
        ck_assert(fs_exact_eq(ln->width, sum_width(text, ln->start, ln->end)));
        prev_end = ln->end;
    }
    for (p = text + prev_end; *p;)
        ck_assert(is_space(fs_utf8_next(&p)));
    free(boundary);
}

START_TEST(test_classes)
{
    static const char *no_start =
        "，。、；：？！）》」』”’%…!%),.:;?]}〕】〉·¢°'\"†‡›℃∶〃〆〗〞﹚﹜"
        "＂％＇．］｝～";
    static const char *no_end = "（《「『“‘([{$£¥·'\"〈【〔〖〝﹙﹛＄．［｛￡￥";
    const char *p;

    for (p = no_start; *p;)
        ck_assert(fs_text_no_line_start(fs_utf8_next(&p)));
    for (p = no_end; *p;)
        ck_assert(fs_text_no_line_end(fs_utf8_next(&p)));
    for (p = "中あア한。（，０Ａ〇𠮷㐀\xF0\xAA\x9C\x80\xF0\xB0\x80\x80"; *p;)
        ck_assert(fs_text_is_cjk(fs_utf8_next(&p)));
    ck_assert(fs_text_is_cjk(0x20BB7));         /* 𠮷, Ext B              */
    ck_assert(fs_text_is_cjk(0x31350));         /* Ext H                  */
    ck_assert(fs_text_is_cjk(0xFFFD));
    for (p = "aZ09%-.é "; *p;)
        ck_assert(!fs_text_is_cjk(fs_utf8_next(&p)));
    ck_assert(!fs_text_no_line_start(0x4E2D));
    ck_assert(!fs_text_no_line_start(0x2014));  /* a lone — may start     */
    ck_assert(!fs_text_no_line_end('a'));
}
END_TEST

START_TEST(test_empty)
{
    fs_lines l = { 0 };

    fs_break_lines("", 100, 0, measure, NULL, &l);
    ck_assert_uint_eq(l.n, 1);
    ck_assert_uint_eq(l.v[0].start, 0);
    ck_assert_uint_eq(l.v[0].end, 0);
    ck_assert(fs_exact_eq(l.v[0].width, 0));
    /* Appends: a second call adds to what is there. */
    fs_break_lines("   ", 100, 0, measure, NULL, &l);
    ck_assert_uint_eq(l.n, 2);
    ck_assert_uint_eq(l.v[1].end, 0);
    ck_assert(fs_exact_eq(l.v[1].width, 0));
    fs_break_lines(NULL, 100, 0, measure, NULL, &l);
    ck_assert_uint_eq(l.n, 3);
    fs_lines_free(&l);
    ck_assert_ptr_null(l.v);
    fs_lines_free(NULL);
}
END_TEST

START_TEST(test_cjk_width)
{
    fs_lines l;

    ck_assert_str_eq(brk("中文排版测试一下", 30, 0, &l), "中文排|版测试|一下");
    ck_assert(fs_exact_eq(l.v[0].width, 30) && fs_exact_eq(l.v[1].width, 30) && fs_exact_eq(l.v[2].width, 20));
    fs_lines_free(&l);
    ck_assert_str_eq(brk("中文排版测试一下", 39.9, 0, NULL), "中文排|版测试|一下");
    ck_assert_str_eq(brk("中文排版测试一下", 100, 0, NULL), "中文排版测试一下");
}
END_TEST

START_TEST(test_period_no_start)
{
    /* 中中中 fills the line; 。 may not start the next: 中 comes along. */
    ck_assert_str_eq(brk("中中中。", 30, 0, NULL), "中中|中。");
    ck_assert_str_eq(brk("中中中，中中", 30, 0, NULL), "中中|中，中|中");
    /* Two forbidden characters in a row: still only one move. */
    ck_assert_str_eq(brk("中中中”。", 40, 0, NULL), "中中|中”。");
    /* 。 would start the line again after the move: move two. */
    ck_assert_str_eq(brk("中中。。", 30, 0, NULL), "中|中。。");
    /* ASCII forms too, after CJK. */
    ck_assert_str_eq(brk("中中中!", 30, 0, NULL), "中中|中!");
    ck_assert_str_eq(brk("中中中%", 30, 0, NULL), "中中|中%");
}
END_TEST

START_TEST(test_paren_no_end)
{
    ck_assert_str_eq(brk("中中（中）", 30, 0, NULL), "中中|（中）");
    ck_assert_str_eq(brk("中中《书》", 30, 0, NULL), "中中|《书》");
    ck_assert_str_eq(brk("中中(中)", 25, 0, NULL), "中中|(中)");
}
END_TEST

START_TEST(test_quotes)
{
    /* “ may not end a line. */
    ck_assert_str_eq(brk("中中“中”", 30, 0, NULL), "中中|“中”");
    /* ” may not start one. */
    ck_assert_str_eq(brk("中中中”", 30, 0, NULL), "中中|中”");
    ck_assert_str_eq(brk("他说“好”", 50, 0, NULL), "他说“好”");
}
END_TEST

START_TEST(test_words_whole)
{
    fs_lines l;

    ck_assert_str_eq(brk("电话：0769-22881234", 80, 0, &l),
                     "电话：|0769-22881234");
    ck_assert(fs_exact_eq(l.v[0].width, 30) && fs_exact_eq(l.v[1].width, 65));
    fs_lines_free(&l);
    ck_assert_str_eq(brk("中中中50%", 40, 0, NULL), "中中中|50%");
    ck_assert_str_eq(brk("中中中3.5分", 40, 0, NULL), "中中中|3.5分");
    ck_assert_str_eq(brk("请发e-mail给我", 45, 0, NULL), "请发|e-mail给|我");
    /* A Latin word right after CJK text may go to the next line. */
    ck_assert_str_eq(brk("中文abc", 30, 0, NULL), "中文|abc");
    ck_assert_str_eq(brk("abc中文", 20, 0, NULL), "abc|中文");
}
END_TEST

START_TEST(test_long_word_cut)
{
    ck_assert_str_eq(brk("abcdefghijklmnopqrstuvwxyz", 50, 0, NULL),
                     "abcdefghij|klmnopqrst|uvwxyz");
    /* The cut respects 禁则 too: '.' does not start the line. */
    ck_assert_str_eq(brk("aaaaaaaaaa.", 50, 0, NULL), "aaaaaaaaa|a.");
    /* The word goes to its own line first, then is cut. */
    ck_assert_str_eq(brk("中 abcdefghijklmno", 50, 0, NULL),
                     "中|abcdefghij|klmno");
    ck_assert_str_eq(brk("中abcdefghijklmno", 50, 0, NULL),
                     "中|abcdefghij|klmno");
}
END_TEST

START_TEST(test_spaces)
{
    fs_lines l;

    /* aaaa is 20: the space after it would make 22.5. */
    ck_assert_str_eq(brk("aaaa bbbb", 20, 0, &l), "aaaa|bbbb");
    ck_assert_uint_eq(l.v[0].end, 4);
    ck_assert_uint_eq(l.v[1].start, 5);
    ck_assert(fs_exact_eq(l.v[0].width, 20) && fs_exact_eq(l.v[1].width, 20));
    fs_lines_free(&l);
    ck_assert_str_eq(brk("aaaa    bbbb  ", 22, 0, &l), "aaaa|bbbb");
    ck_assert_uint_eq(l.v[1].start, 8);
    ck_assert_uint_eq(l.v[1].end, 12);
    fs_lines_free(&l);
    /* Inside a line spaces count. */
    ck_assert_str_eq(brk("aa bb", 100, 0, &l), "aa bb");
    ck_assert(fs_exact_eq(l.v[0].width, 22.5));
    fs_lines_free(&l);
    ck_assert_str_eq(brk("hello world foo", 55, 0, NULL), "hello world|foo");
    /* A space is a break even between Latin words after CJK. */
    ck_assert_str_eq(brk("中 ab cd", 25, 0, NULL), "中 ab|cd");
    /* Spaces between 。 and the previous word do not let 。 start a line. */
    ck_assert_str_eq(brk("aaaa .", 20, 0, NULL), "aaa|a .");
}
END_TEST

START_TEST(test_first_indent)
{
    fs_lines l;

    ck_assert_str_eq(brk("中中中中中中", 30, 20, &l), "中|中中中|中中");
    ck_assert(fs_exact_eq(l.v[0].width, 10));
    fs_lines_free(&l);
    ck_assert_str_eq(brk("中中中中中中", 30, 0, NULL), "中中中|中中中");
    /* An indent as wide as the line still leaves one character there. */
    ck_assert_str_eq(brk("中中中中", 30, 30, NULL), "中|中中中");
}
END_TEST

START_TEST(test_ellipsis_dash)
{
    /* Without the pair rule the break would fall between the two halves. */
    ck_assert_str_eq(brk("中中……", 30, 0, NULL), "中|中……");
    ck_assert_str_eq(brk("中中——", 30, 0, NULL), "中中|——");
    ck_assert_str_eq(brk("中中——中", 30, 0, NULL), "中中|——中");
    ck_assert_str_eq(brk("中——中", 20, 0, NULL), "中|——|中");
}
END_TEST

START_TEST(test_non_bmp)
{
    fs_lines l;

    ck_assert_str_eq(brk("𠮷𠮷𠮷", 20, 0, &l), "𠮷𠮷|𠮷");
    ck_assert_uint_eq(l.v[0].end, 8);
    ck_assert_uint_eq(l.v[1].start, 8);
    ck_assert_uint_eq(l.v[1].end, 12);
    ck_assert(fs_exact_eq(l.v[0].width, 20));
    fs_lines_free(&l);
    ck_assert_str_eq(brk("𠮷野家。", 30, 0, NULL), "𠮷野|家。");
    /* 𠮷 breaks like any Han character, here before a Latin word. */
    ck_assert_str_eq(brk("𠮷abc", 20, 0, NULL), "𠮷|abc");
}
END_TEST

START_TEST(test_invalid_utf8)
{
    static const char *bad[] = {
        "\xff", "\xff\xfe\xfd", "\xe4\xb8", "中\xe4\xb8", "\xc0\x80\xc1\xbf",
        "\xed\xa0\x80\xed\xbf\xbf", "\xf4\x90\x80\x80", "\xf8\x88\x80\x80\x80",
        "abc\x80\x80\x80\x64\x65\x66" /* abc, 3 stray bytes, def */, "\xe4\xb8\xad\xe4", "（\xff", "\xff。。。",
        "\xe2\x80\xa6\xe2\x80", "  \xff  \xfe  ",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        static const double widths[] = { -1, 0, 1, 10, 20, 1e9 };
        for (size_t j = 0; j < sizeof widths / sizeof *widths; j++) {
            fs_lines l = { 0 };
            fs_break_lines(bad[i], widths[j], 0, measure, NULL, &l);
            check_invariants(bad[i], &l);
            fs_lines_free(&l);
        }
    }
    /* Invalid bytes break like CJK characters (U+FFFD, 10 pt each). */
    ck_assert_str_eq(brk("\xff\xff\xff", 20, 0, NULL), "\xff\xff|\xff");
}
END_TEST

START_TEST(test_progress)
{
    fs_lines l;

    ck_assert_str_eq(brk("中中中", 1, 0, NULL), "中|中|中");
    ck_assert_str_eq(brk("中中中", 0, 0, NULL), "中|中|中");
    ck_assert_str_eq(brk("中中中", -5, 0, NULL), "中|中|中");
    ck_assert_str_eq(brk("abc", 1, 0, NULL), "a|b|c");
    ck_assert_str_eq(brk("a b", 1, 0, NULL), "a|b");
    /* Nothing may move down without emptying the line: 。 hangs. */
    ck_assert_str_eq(brk("中。", 1, 0, &l), "中。");
    ck_assert(fs_exact_eq(l.v[0].width, 20));
    fs_lines_free(&l);
    ck_assert_str_eq(brk("中。中。", 10, 0, NULL), "中。|中。");
    ck_assert_str_eq(brk("中……”中", 10, 0, NULL), "中……”|中");
    /* An endless run of forbidden starts is still broken, in bounded
     * steps, and never loops. */
    {
        char buf[3 * 300 + 1] = "";
        for (int i = 0; i < 300; i++)
            strcat(buf, "。");
        fs_break_lines(buf, 30, 0, measure, NULL, &l);
        check_invariants(buf, &l);
        ck_assert_uint_gt(l.n, 10);
        fs_lines_free(&l);
        fs_break_lines(buf, NAN, NAN, measure, NULL, &l);
        check_invariants(buf, &l);
        fs_lines_free(&l);
        fs_break_lines(buf, INFINITY, 0, measure, NULL, &l);
        ck_assert_uint_eq(l.n, 1);
        fs_lines_free(&l);
    }
}
END_TEST

START_TEST(test_concat)
{
    static const char *text =
        "  按照《关于开展“五星级”党组织创建活动的通知》（东组通〔2018〕12号）"
        "要求，我支部于2018年4月12日召开支委会……会上，书记张三同志说：“要"
        "把e-mail和0769-22881234公布出来——方便群众联系。” 同意率100%。 "
        "See http://example.com/a/very/long/path/that/will/not/fit/anywhere "
        "for details.  𠮷野家、丸の内、서울。";
    static const double widths[] = { 0, 3, 10, 15, 20, 35, 50, 77.5, 100,
                                      160, 333, 1e6 };
    size_t len = strlen(text);

    for (size_t i = 0; i < sizeof widths / sizeof *widths; i++) {
        for (double indent = -10; indent <= 20; indent += 10) {
            fs_lines l = { 0 };
            size_t kept = 0, dropped = 0;

            fs_break_lines(text, widths[i], indent, measure, NULL, &l);
            check_invariants(text, &l);
            for (size_t k = 0; k < l.n; k++) {
                double avail = widths[i] - (k ? 0 : indent);
                kept += l.v[k].end - l.v[k].start;
                /* Only single characters may be wider than the line at
                 * these widths (no 禁则 chain is longer than the line). */
                if (avail >= 40)
                    ck_assert(l.v[k].width <= avail);
            }
            for (const char *p = text; *p; p++)
                dropped += *p == ' ';
            ck_assert_uint_le(len - kept, dropped);
            fs_lines_free(&l);
        }
    }
}
END_TEST

/* A small deterministic generator for the fuzz loop. */
static uint32_t rnd(uint64_t *state)
{
    *state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (uint32_t)(*state >> 33);
}

START_TEST(test_fuzz)
{
    static const char *pieces[] = {
        "中", "。", "，", "（", "）", "“", "”", "…", "—", "a", "1", " ",
        "%", "-", ".", "𠮷", "\xff", "\xe4\xb8", "\xc0\x80", "\xf0\x9f",
        "\t", "·", "\xcc\x81", "\xe2\x80\x8b", "(", "《", "》", "ab",
    };
    static const double widths[] = { -3, 0, 1, 7.5, 10, 20, 25, 50, 100 };
    uint64_t state = 12345;
    char buf[512];

    for (int iter = 0; iter < 20000; iter++) {
        size_t k = 0, n = rnd(&state) % 60;
        fs_lines l = { 0 };

        for (size_t i = 0; i < n; i++) {
            const char *piece;
            char raw[2];
            if (rnd(&state) % 5 == 0) {
                raw[0] = (char)(rnd(&state) % 255 + 1);
                raw[1] = 0;
                piece = raw;
            } else {
                piece = pieces[rnd(&state) % (sizeof pieces / sizeof *pieces)];
            }
            size_t pl = strlen(piece);
            if (k + pl >= sizeof buf)
                break;
            memcpy(buf + k, piece, pl);
            k += pl;
        }
        buf[k] = 0;
        fs_break_lines(buf, widths[rnd(&state) % 9],
                       widths[rnd(&state) % 9] / 2, measure, NULL, &l);
        check_invariants(buf, &l);
        fs_lines_free(&l);
    }
}
END_TEST

START_TEST(test_speed)
{
    static const char *unit =
        "按照《关于开展“五星级”党组织创建活动的通知》要求，我支部于2018年"
        "4月12日召开支委会……书记说：“把e-mail和0769-22881234公布出来。” ";
    char *text = malloc(64 * 1024);
    size_t chars = 0, calls = 0;
    fs_lines l = { 0 };
    struct timespec t0, t1;
    const int runs = 200;

    ck_assert_ptr_nonnull(text);
    text[0] = 0;
    while (chars < 5000) {
        strcat(text, unit);
        chars = fs_utf8_len(text);
    }
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int i = 0; i < runs; i++) {
        l.n = 0;
        fs_break_lines(text, 453.5, 20, measure, NULL, &l);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    check_invariants(text, &l);
    l.n = 0;
    fs_break_lines(text, 453.5, 20, measure, &calls, &l);
    double us = ((t1.tv_sec - t0.tv_sec) * 1e6 +
                 (t1.tv_nsec - t0.tv_nsec) / 1e3) / runs;
    printf("speed: %zu characters, %zu lines, %.1f us per paragraph, "
           "%.2f us per 1000 characters, %.2f measure calls per character\n",
           chars, l.n, us, us * 1000 / chars, (double)calls / chars);
    /* Not a timing assertion: the number of measure calls shows O(n). */
    ck_assert(calls < 3 * chars);
    fs_lines_free(&l);
    free(text);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("text");
    TCase *tc = tcase_create("break");
    SRunner *sr;
    int failed;

    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_classes);
    tcase_add_test(tc, test_empty);
    tcase_add_test(tc, test_cjk_width);
    tcase_add_test(tc, test_period_no_start);
    tcase_add_test(tc, test_paren_no_end);
    tcase_add_test(tc, test_quotes);
    tcase_add_test(tc, test_words_whole);
    tcase_add_test(tc, test_long_word_cut);
    tcase_add_test(tc, test_spaces);
    tcase_add_test(tc, test_first_indent);
    tcase_add_test(tc, test_ellipsis_dash);
    tcase_add_test(tc, test_non_bmp);
    tcase_add_test(tc, test_invalid_utf8);
    tcase_add_test(tc, test_progress);
    tcase_add_test(tc, test_concat);
    tcase_add_test(tc, test_fuzz);
    tcase_add_test(tc, test_speed);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
