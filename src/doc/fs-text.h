/*
 * fs-text.h - our own line breaker for mixed Chinese and Latin text.
 *
 * libharu's TextRect and MeasureText fail on Chinese, so paragraphs are
 * broken here.  A break may fall between any two CJK characters; Latin words
 * and numbers stay whole (a word longer than a line is cut by character);
 * spaces are break opportunities and vanish at a line end; 禁则: no line
 * starts with ，。、；：？！）》」』”’%… (nor their ASCII forms) and no line ends
 * with （《「『“‘; …… and —— are never split.  Where a forbidden character
 * would start a line, the character before it moves down with it.
 */
#ifndef FS_TEXT_H
#define FS_TEXT_H

#include "fs-base.h"

/* Width of CP in points, at the size being set. */
typedef double (*fs_measure_fn)(void *ctx, uint32_t cp);

typedef struct fs_line {
    size_t start, end;          /* byte offsets into the text, [start,end)
                                   without the spaces dropped at the end   */
    double width;               /* points, without trailing spaces        */
} fs_line;

typedef struct fs_lines {
    fs_line *v;
    size_t n, cap;
} fs_lines;

/* Breaks TEXT (UTF-8, one paragraph, no line breaks) into lines of at most
 * WIDTH points; the first line is FIRST_INDENT points narrower.  Appends to
 * OUT (which the caller frees with fs_lines_free).  Always makes progress:
 * a single character wider than the line still gets a line of its own.
 * An empty TEXT gives one empty line. */
void fs_break_lines(const char *text, double width, double first_indent,
                    fs_measure_fn measure, void *ctx, fs_lines *out);
void fs_lines_free(fs_lines *l);

/* Classes used by the breaker, exposed for tests. */
int fs_text_is_cjk(uint32_t cp);
int fs_text_no_line_start(uint32_t cp);
int fs_text_no_line_end(uint32_t cp);

#endif
