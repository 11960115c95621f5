/*
 * fs-text.c - the line breaker of fs-text.h.
 *
 * A paragraph is broken one line at a time.  For a line starting at byte S
 * the characters are measured until the first one that no longer fits (the
 * overflow point P); every gap between two characters seen on the way is
 * graded, and the line ends at the best gap in (S, P]:
 *
 *   allowed  a real break opportunity (spaces between the characters, or a
 *            CJK character on either side) that 禁则 permits;
 *   cut      any gap 禁则 permits, even inside a Latin word or number: used
 *            only when the line holds no allowed gap, i.e. for a word longer
 *            than the line;
 *   hang     when no gap in (S, P] is permitted at all, the line runs past
 *            P up to the first permitted gap, at most FS_TEXT_HANG_MAX more
 *            characters ("中。" on a line one character wide);
 *   forced   failing that, the line ends at P whatever 禁则 says.
 *
 * Taking the latest permitted gap is what "moves the preceding character
 * down": when the gap before a forbidden character is refused, the gap
 * before its predecessor is the next candidate, and so on.  The next line
 * starts at the first non-space character after the chosen gap, so spaces
 * at a break vanish; every line holds at least one character, which is what
 * guarantees progress.
 *
 * The characters between the chosen gap and P are measured again for the
 * next line.  There is no allowed gap among them (otherwise a later gap
 * would have been chosen), so they are at most one line's worth and each
 * character is measured a small constant number of times: the breaker is
 * O(n) and allocates nothing but the growing line array.
 */
#include "fs-text.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Slack for comparing sums of floating-point widths, in points. */
#define FS_TEXT_EPS 1e-6

/* How many characters past the overflow point a line may hang when no gap
 * before it may take a break ("中……”）" on a line one character wide). */
#define FS_TEXT_HANG_MAX 6

/* A candidate break: the line ends at byte END (its last non-space
 * character), the next line starts at byte NEXT (the spaces in between are
 * dropped), and the line is WIDTH points wide.  OK says it is set. */
typedef struct fs_brk {
    size_t end, next;
    double width;
    int ok;
} fs_brk;

/* Is CP one of the characters that break like ideographs?  The CJK scripts
 * (Han including Extensions A-I and the compatibility ideographs, radicals,
 * kana, bopomofo, hangul, Yi, Tangut, Nüshu), CJK symbols and punctuation,
 * enclosed and compatibility forms, vertical and small forms, fullwidth and
 * halfwidth forms, the whole of planes 2 and 3, the Chinese ellipsis and
 * dashes (… ‥ — ― ⸺ ⸻), and U+FFFD, which stands for invalid UTF-8.
 * Pure function of CP. */
int fs_text_is_cjk(uint32_t cp)
{
    if (cp < 0x1100)
        return 0;
    return (cp >= 0x1100 && cp <= 0x11FF) ||   /* hangul jamo               */
           cp == 0x2014 || cp == 0x2015 ||     /* — ―                       */
           cp == 0x2025 || cp == 0x2026 ||     /* ‥ …                       */
           cp == 0x2E3A || cp == 0x2E3B ||     /* ⸺ ⸻                       */
           (cp >= 0x2E80 && cp <= 0x2FDF) ||   /* radicals, Kangxi          */
           (cp >= 0x2FF0 && cp <= 0x303F) ||   /* IDC, CJK punctuation      */
           (cp >= 0x3040 && cp <= 0x9FFF) ||   /* kana .. Ext A .. URO      */
           (cp >= 0xA000 && cp <= 0xA4CF) ||   /* Yi                        */
           (cp >= 0xA960 && cp <= 0xA97F) ||   /* hangul jamo ext A         */
           (cp >= 0xAC00 && cp <= 0xD7FF) ||   /* hangul, jamo ext B        */
           (cp >= 0xF900 && cp <= 0xFAFF) ||   /* compatibility ideographs  */
           (cp >= 0xFE10 && cp <= 0xFE1F) ||   /* vertical forms            */
           (cp >= 0xFE30 && cp <= 0xFE6F) ||   /* compat and small forms    */
           (cp >= 0xFF00 && cp <= 0xFFEF) ||   /* fullwidth, halfwidth      */
           cp == 0xFFFD ||                     /* invalid UTF-8             */
           (cp >= 0x16FE0 && cp <= 0x18AFF) || /* ideographic sym., Tangut  */
           (cp >= 0x1B000 && cp <= 0x1B2FF) || /* kana supplement, Nüshu    */
           (cp >= 0x1F200 && cp <= 0x1F2FF) || /* enclosed ideographic sup. */
           (cp >= 0x20000 && cp <= 0x3FFFF);   /* Ext B-I, compat supp.     */
}

/* Must CP not start a line?  The OOXML zh-CN "cannot start" set
 * !%),.:;?]}¢°·'"†‡›℃∶、。〃〆〕〗〞﹚﹜！＂％＇），．：；？］｝～ with the other
 * closing brackets and quotes (”’》」』】〉〙〛〟), the ellipses … ‥, ‰ ′ ″
 * ℉ ‼ ⁇ ⁈ ⁉, the small forms ﹐﹑﹒﹔﹕﹖﹗﹞ and the halfwidth ｡､｣｠ ￠.
 * A single — may start a line; only the second half of —— may not, which
 * the breaker handles as a pair.  Pure function of CP. */
int fs_text_no_line_start(uint32_t cp)
{
    switch (cp) {
    case '!': case '%': case ')': case ',': case '.': case ':': case ';':
    case '?': case ']': case '}': case '\'': case '"':
    case 0x00A2: case 0x00B0: case 0x00B7:             /* ¢ ° ·             */
    case 0x2019: case 0x201D:                          /* ’ ”               */
    case 0x2020: case 0x2021:                          /* † ‡               */
    case 0x2025: case 0x2026:                          /* ‥ …               */
    case 0x2030: case 0x2032: case 0x2033:             /* ‰ ′ ″             */
    case 0x203A: case 0x203C:                          /* › ‼               */
    case 0x2047: case 0x2048: case 0x2049:             /* ⁇ ⁈ ⁉             */
    case 0x2103: case 0x2109: case 0x2236:             /* ℃ ℉ ∶             */
    case 0x3001: case 0x3002: case 0x3003: case 0x3006: /* 、。〃〆          */
    case 0x3009: case 0x300B: case 0x300D: case 0x300F: /* 〉》」』          */
    case 0x3011: case 0x3015: case 0x3017: case 0x3019: /* 】〕〗〙          */
    case 0x301B: case 0x301E: case 0x301F:             /* 〛〞〟            */
    case 0xFE50: case 0xFE51: case 0xFE52: case 0xFE54: /* ﹐﹑﹒﹔          */
    case 0xFE55: case 0xFE56: case 0xFE57:             /* ﹕﹖﹗            */
    case 0xFE5A: case 0xFE5C: case 0xFE5E:             /* ﹚﹜﹞            */
    case 0xFF01: case 0xFF02: case 0xFF05: case 0xFF07: /* ！＂％＇          */
    case 0xFF09: case 0xFF0C: case 0xFF0E:             /* ）．，            */
    case 0xFF1A: case 0xFF1B: case 0xFF1F:             /* ：；？            */
    case 0xFF3D: case 0xFF5D: case 0xFF5E:             /* ］｝～            */
    case 0xFF60: case 0xFF61: case 0xFF63: case 0xFF64: /* ｠｡｣､            */
    case 0xFFE0:                                       /* ￠                 */
        return 1;
    default:
        return 0;
    }
}

/* Must CP not end a line?  The OOXML zh-CN "cannot end" set
 * $(£¥·'"〈《「『【〔〖〝﹙﹛＄（．［｛￡￥ with “ ‘ and the other opening
 * brackets ([ { ‹ 〘 〚 ﹝ ｟ ｢).  Pure function of CP. */
int fs_text_no_line_end(uint32_t cp)
{
    switch (cp) {
    case '$': case '(': case '[': case '{': case '\'': case '"':
    case 0x00A3: case 0x00A5: case 0x00B7:             /* £ ¥ ·             */
    case 0x2018: case 0x201C: case 0x2039:             /* ‘ “ ‹             */
    case 0x3008: case 0x300A: case 0x300C: case 0x300E: /* 〈《「『          */
    case 0x3010: case 0x3014: case 0x3016: case 0x3018: /* 【〔〖〘          */
    case 0x301A: case 0x301D:                          /* 〚〝              */
    case 0xFE59: case 0xFE5B: case 0xFE5D:             /* ﹙﹛﹝            */
    case 0xFF04: case 0xFF08: case 0xFF0E:             /* ＄（．            */
    case 0xFF3B: case 0xFF5B: case 0xFF5F: case 0xFF62: /* ［｛｟｢          */
    case 0xFFE1: case 0xFFE5:                          /* ￡￥              */
        return 1;
    default:
        return 0;
    }
}

/* Is CP a space: a break opportunity that is dropped at a line end?  ASCII
 * white space, the breakable Unicode spaces (U+2000-U+2006, U+2008-U+200A,
 * U+205F, U+1680) and the zero-width space.  No-break spaces (U+00A0,
 * U+2007, U+202F) and the ideographic space U+3000 are characters. */
static int is_space(uint32_t cp)
{
    return cp == ' ' || (cp >= '\t' && cp <= '\r') || cp == 0x1680 ||
           (cp >= 0x2000 && cp <= 0x200B && cp != 0x2007) || cp == 0x205F;
}

/* Does CP belong to the character before it (combining marks, variation
 * selectors, joiners), so that no break may come before it? */
static int joins_previous(uint32_t cp)
{
    return (cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x1AB0 && cp <= 0x1AFF) ||
           (cp >= 0x1DC0 && cp <= 0x1DFF) || (cp >= 0x20D0 && cp <= 0x20FF) ||
           cp == 0x200D || cp == 0x2060 || cp == 0x3099 || cp == 0x309A ||
           (cp >= 0xFE00 && cp <= 0xFE0F) || (cp >= 0xFE20 && cp <= 0xFE2F) ||
           cp == 0xFEFF || (cp >= 0xE0100 && cp <= 0xE01EF);
}

/* Does 禁则 permit a break between the non-space characters A and C, with
 * spaces between them when SPACED?  Refused when A may not end a line, C
 * may not start one, A C is half of …… or —— (or of ‥‥ ―― ⸺⸺ ⸻⸻), or C
 * hangs on A (a combining mark, a joiner). */
static int kinsoku_ok(uint32_t a, uint32_t c, int spaced)
{
    if (fs_text_no_line_end(a) || fs_text_no_line_start(c))
        return 0;
    if (spaced)
        return 1;
    if (a == c && (a == 0x2014 || a == 0x2015 || a == 0x2025 || a == 0x2026 ||
                   a == 0x2E3A || a == 0x2E3B))
        return 0;
    if (joins_previous(c) || a == 0x200D || a == 0x2060 || a == 0xFEFF)
        return 0;
    return 1;
}

/* Decodes the character at byte *POS of TEXT (LEN bytes, NUL at LEN) and
 * moves *POS past it, always by at least one byte and never beyond LEN, so
 * that a misbehaving decoder cannot stall or overrun the breaker.  Invalid
 * UTF-8 comes back as U+FFFD. */
static uint32_t next_char(const char *text, size_t len, size_t *pos)
{
    const char *p = text + *pos;
    uint32_t cp = fs_utf8_next(&p);
    size_t np = (size_t)(p - text);

    if (np <= *pos)
        np = *pos + 1;
    if (np > len)
        np = len;
    *pos = np;
    return cp;
}

/* Width of CP through MEASURE; a NULL MEASURE, a negative or NaN answer
 * count as 0 so that sums stay ordered and finite checks stay meaningful. */
static double char_width(fs_measure_fn measure, void *ctx, uint32_t cp)
{
    double w = measure ? measure(ctx, cp) : 0.0;

    return w > 0 ? w : 0.0;
}

/* Looks for a hanging break after the overflow point: the line already
 * holds everything up to the character A that ends at byte A_END (WIDTH
 * points) and the text goes on at byte POS.  Takes up to FS_TEXT_HANG_MAX
 * more characters and stops at the first gap 禁则 permits, or at the end of
 * the text.  Returns 1 with *OUT set, or 0 when there is no such gap within
 * reach (the caller then forces the break). */
static int find_hang(const char *text, size_t len, size_t pos, uint32_t a,
                     size_t a_end, double width, fs_measure_fn measure,
                     void *ctx, fs_brk *out)
{
    double spaces = 0;
    int spaced = 0, taken = 0;

    while (pos < len) {
        size_t start = pos;
        uint32_t c = next_char(text, len, &pos);

        if (is_space(c)) {
            spaces += char_width(measure, ctx, c);
            spaced = 1;
            continue;
        }
        if (kinsoku_ok(a, c, spaced)) {
            *out = (fs_brk){ a_end, start, width, 1 };
            return 1;
        }
        if (taken++ == FS_TEXT_HANG_MAX)
            return 0;
        width += spaces + char_width(measure, ctx, c);
        spaces = 0;
        spaced = 0;
        a = c;
        a_end = pos;
    }
    *out = (fs_brk){ a_end, len, width, 1 };
    return 1;
}

/* Sets *LINE to the line of TEXT (LEN bytes) that starts at byte S and may
 * be AVAIL points wide, and returns the byte where the next line starts
 * (LEN after the last line).  The first non-space character always goes on
 * the line, so the result is greater than S whenever S < LEN.  Spaces that
 * start the line (only possible at the start of the paragraph) are kept and
 * counted; spaces at its end are not part of it. */
static size_t fill_line(const char *text, size_t len, size_t s, double avail,
                        fs_measure_fn measure, void *ctx, fs_line *line)
{
    size_t pos = s, a_end = s;
    uint32_t a = 0;
    int have_a = 0, spaced = 0;
    double width = 0, spaces = 0;
    fs_brk allowed = { 0, 0, 0, 0 }, cut = { 0, 0, 0, 0 };

    while (pos < len) {
        size_t start = pos;
        uint32_t c = next_char(text, len, &pos);
        double w;

        if (is_space(c)) {
            spaces += char_width(measure, ctx, c);
            spaced = 1;
            continue;
        }
        w = char_width(measure, ctx, c);
        if (have_a) {
            if (kinsoku_ok(a, c, spaced)) {
                cut = (fs_brk){ a_end, start, width, 1 };
                if (spaced || fs_text_is_cjk(a) || fs_text_is_cjk(c))
                    allowed = cut;
            }
            if (width + spaces + w > avail + FS_TEXT_EPS) {
                fs_brk b;

                if (allowed.ok)
                    b = allowed;
                else if (cut.ok)
                    b = cut;
                else if (!find_hang(text, len, pos, c, pos,
                                    width + spaces + w, measure, ctx, &b))
                    b = (fs_brk){ a_end, start, width, 1 };
                line->start = s;
                line->end = b.end;
                line->width = b.width;
                return b.next;
            }
        }
        width += spaces + w;
        spaces = 0;
        spaced = 0;
        a = c;
        a_end = pos;
        have_a = 1;
    }
    line->start = s;
    line->end = a_end;
    line->width = width;
    return len;
}

/* Appends LINE to OUT, growing its array geometrically (fs_xrealloc aborts
 * when memory runs out). */
static void lines_push(fs_lines *out, fs_line line)
{
    if (out->n == out->cap) {
        size_t cap = out->cap ? out->cap * 2 : 8;

        if (cap < out->cap || cap > (size_t)-1 / sizeof *out->v)
            abort();
        out->v = fs_xrealloc(out->v, cap * sizeof *out->v);
        out->cap = cap;
    }
    out->v[out->n++] = line;
}

/* Breaks TEXT into lines of at most WIDTH points, the first FIRST_INDENT
 * narrower, and appends them to OUT (owned by the caller, who frees it with
 * fs_lines_free and may reuse it by setting n to 0).  See the top of this
 * file for the rules.  Never fails: a NULL TEXT counts as "", a NaN WIDTH
 * or FIRST_INDENT as 0, invalid UTF-8 as U+FFFD characters; lines may only
 * be wider than WIDTH when one character is wider than the line or 禁则
 * leaves no other choice (a hanging line).  A NULL OUT does nothing. */
void fs_break_lines(const char *text, double width, double first_indent,
                    fs_measure_fn measure, void *ctx, fs_lines *out)
{
    size_t len, s = 0;
    int first = 1;

    if (!out)
        return;
    if (!text)
        text = "";
    if (isnan(width))
        width = 0;
    if (isnan(first_indent))
        first_indent = 0;
    len = strlen(text);
    do {
        fs_line line;

        s = fill_line(text, len, s, first ? width - first_indent : width,
                      measure, ctx, &line);
        lines_push(out, line);
        first = 0;
    } while (s < len);
}

/* Frees the array of L (which stays usable, empty); NULL is fine. */
void fs_lines_free(fs_lines *l)
{
    if (!l)
        return;
    free(l->v);
    l->v = NULL;
    l->n = l->cap = 0;
}
