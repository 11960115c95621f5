/*
 * test-render.c - `fivestar render` end to end: the PDFs are read back with
 * poppler (pdftotext, pdffonts, pdfinfo) and qpdf, as a user's tools would.
 *
 * Asserted: every sample renders; every rubric standard, every dossier field
 * and the total are in the text; every font is an embedded subset with a
 * usable ToUnicode; every page is A4; qpdf finds nothing; a second run is
 * byte-identical; long narratives and rare characters survive; bad input
 * writes nothing; a failed write never replaces a good file.
 */
#include "testutil.h"
#include "fivestar.h"
#include "fs-text.h"

static const char *const samples[] = {
    "mingli-2018", "hengtai-2018", "dalang-social-2018", "minimal-2018",
    "qinghe-shizhiguan-2019", "songshan-revoked-2018",
};
#define NSAMPLES (sizeof samples / sizeof *samples)

/* Renders the samples once into a folder shared by the tests below. */
static char *rendered;

static void render_samples(void)
{
    char *path, *status;

    if (asprintf(&path, "%s/status", rendered) < 0)
        abort();
    status = tu_read(path, NULL);
    ck_assert_msg(status && strcmp(status, "0\n") == 0, "render of the samples failed: see %s/log", rendered);
    free(status);
    free(path);
}

/* Text of PDF with all white space removed (pdftotext breaks lines inside
 * table cells) and without the running heads of pages 2 … (a line that
 * ends in （续）: test_running_head checks them), so that a narrative
 * flowing over a page break reads on; *ERR receives pdftotext's standard
 * error. */
static char *pdf_text(const char *pdf, char **err)
{
    char *out = tu_pdftotext(pdf, err), *t;
    size_t k = 0;

    t = malloc(strlen(out) + 1);
    for (const char *p = out; *p; p++) {
        const char *eol = strchr(p, '\n');
        size_t len = eol ? (size_t)(eol - p) : strlen(p), c = strlen("（续）");

        if ((p == out || p[-1] == '\n') && len >= c && memcmp(p + len - c, "（续）", c) == 0) {
            p += len - 1;
            continue;
        }
        if (*p != ' ' && *p != '\n' && *p != '\f' && *p != '\t' && *p != '\r')
            t[k++] = *p;
    }
    t[k] = '\0';
    free(out);
    return t;
}

static void assert_contains(const char *hay, const char *needle, const char *what)
{
    char *n = tu_squeeze(needle, 0);
    ck_assert_msg(strstr(hay, n) != NULL, "%s: \"%s\" not in the PDF's text", what, needle);
    free(n);
}

/* Is [FROM, TO) nothing, or a page break: at most 600 bytes holding the
 * page number "— N —" (and the running head of the next page, the labels
 * and header rows repeated after it)? */
static int page_gap(const char *from, const char *to)
{
    return to == from || (to > from && to - from <= 600 && memmem(from, (size_t)(to - from), "—", 3));
}

/* A narrative may flow over pages, where the page number and the repeated
 * label interrupt it: assert that its pieces of 12 characters follow one
 * another in the text, with nothing between them but page breaks. */
static void assert_flows(const char *hay, const char *needle, const char *what)
{
    char *n = tu_squeeze(needle, 0);
    const char *p = n, *at = strstr(hay, n);
    int first = 1;

    if (at) {                   /* all in one piece */
        free(n);
        return;
    }
    at = hay;
    while (*p) {
        const char *q = p, *found;
        char piece[64];
        int ok = 0;

        for (int k = 0; k < 12 && *q; k++)
            fs_utf8_next(&q);
        memcpy(piece, p, (size_t)(q - p));
        piece[q - p] = '\0';
        found = strstr(at, piece);
        if (found && (first || found == at)) {
            at = found + (q - p);
            ok = 1;
        }
        /* The piece may straddle a page break: its head where we are, its
         * tail after the break. */
        for (const char *cut = piece + strlen(piece); !ok && cut > piece;) {
            size_t k;
            const char *t;
            do
                cut--;
            while (cut > piece && ((unsigned char)*cut & 0xC0) == 0x80);
            k = (size_t)(cut - piece);
            if (k == 0 || strncmp(at, piece, k) != 0)
                continue;
            if ((t = strstr(at + k, cut)) != NULL && page_gap(at + k, t)) {
                at = t + strlen(cut);
                ok = 1;
            }
        }
        /* Or the break falls just before it. */
        if (!ok && found && page_gap(at, found)) {
            at = found + (q - p);
            ok = 1;
        }
        ck_assert_msg(ok, "%s: \"%s\" (of \"%.60s…\") missing or out of order", what, piece, n);
        first = 0;
        p = q;
    }
    free(n);
}

static char *path_of(const char *sample, const char *file)
{
    char *p;
    if (asprintf(&p, "%s/%s/%s", rendered, sample, file) < 0)
        abort();
    return p;
}

/* pdffonts: every font embedded (emb), subset (sub) and with ToUnicode (uni). */
static void assert_fonts_embedded(const char *pdf)
{
    char *cmd, *out, *err, *line;
    int fonts = 0;

    if (asprintf(&cmd, "pdffonts '%s'", pdf) < 0)
        abort();
    ck_assert_int_eq(tu_run(cmd, &out, &err), 0);
    ck_assert_str_eq(err, "");
    line = strtok(out, "\n");
    while (line) {
        if (strncmp(line, "name", 4) != 0 && strncmp(line, "----", 4) != 0) {
            ck_assert_msg(strstr(line, "yes yes yes") != NULL, "%s: font not emb/sub/uni: %s", pdf, line);
            ck_assert_msg(line[6] == '+', "%s: font name without subset tag: %s", pdf, line);
            fonts++;
        }
        line = strtok(NULL, "\n");
    }
    ck_assert_int_ge(fonts, 2);
    free(cmd);
    free(out);
    free(err);
}

/* pdfinfo: every page A4; qpdf --check: no errors. */
static void assert_a4_and_clean(const char *pdf)
{
    char *cmd, *out, *err;
    const char *p;
    int pages = 0;

    if (asprintf(&cmd, "pdfinfo -f 1 -l 1000 '%s'", pdf) < 0)
        abort();
    ck_assert_int_eq(tu_run(cmd, &out, &err), 0);
    ck_assert_str_eq(err, "");
    for (p = strstr(out, "size:"); p; p = strstr(p + 1, "size:")) {
        if (p - out >= 5 && strncmp(p - 5, "File ", 5) == 0)
            continue;
        ck_assert_msg(strncmp(p + 5 + strspn(p + 5, " "), "595.276 x 841.89", 16) == 0,
                      "%s: a page is not A4", pdf);
        pages++;
    }
    ck_assert_int_ge(pages, 1);
    free(cmd);
    free(out);
    free(err);
    if (asprintf(&cmd, "qpdf --check '%s'", pdf) < 0)
        abort();
    ck_assert_int_eq(tu_run(cmd, &out, &err), 0);
    ck_assert_ptr_nonnull(strstr(out, "No syntax or stream encoding errors"));
    free(cmd);
    free(out);
    free(err);
}

START_TEST(test_every_sample_renders)
{
    render_samples();
    for (size_t i = 0; i < NSAMPLES; i++) {
        static const char *const files[] = {"评定标准.pdf", "申报表.pdf"};
        for (int f = 0; f < 2; f++) {
            char *pdf = path_of(samples[i], files[f]), *err, *text;
            text = pdf_text(pdf, &err);
            ck_assert_msg(strcmp(err, "") == 0, "pdftotext warned on %s: %s", pdf, err);
            assert_fonts_embedded(pdf);
            assert_a4_and_clean(pdf);
            free(text);
            free(err);
            free(pdf);
        }
    }
}
END_TEST

/* Loads SAMPLE with its rubric (FIVESTAR_TEMPLATES=templates). */
static fs_dossier *load_sample(const char *sample, const fs_rubric **r,
                               fs_rubric_cache *cache)
{
    char *path;
    fs_diags diags = {0};
    fs_error err;
    fs_dossier *d;

    if (asprintf(&path, "samples/%s.xml", sample) < 0)
        abort();
    d = fs_dossier_load(path, cache, r, &diags, &err);
    ck_assert_ptr_nonnull(d);
    fs_diags_clear(&diags);
    free(path);
    return d;
}

/* Is LINE (one line of pdftotext's output) a 孤字: a single CJK
 * character, with at most closing punctuation after it? */
static int orphan_line(const char *line)
{
    int chars = 0, cjk = 0;

    while (*line) {
        uint32_t cp = fs_utf8_next(&line);

        if (cp == ' ' || cp == '\t' || cp == '\f' || fs_text_no_line_start(cp))
            continue;
        chars++;
        cjk = fs_text_is_cjk(cp);
    }
    return chars == 1 && cjk;
}

/* No paragraph of any sample's forms ends in a line of one character
 * (督。 alone under item 23, 记。 under item 8): the line before gives
 * one up instead. */
START_TEST(test_no_orphans)
{
    static const char *const files[] = {"评定标准.pdf", "申报表.pdf"};

    render_samples();
    for (size_t i = 0; i < NSAMPLES; i++)
        for (size_t f = 0; f < 2; f++) {
            char *pdf = path_of(samples[i], files[f]), *out, *line, *save = NULL;

            ck_assert_int_eq(tu_run_fmt(&out, NULL, "pdftotext -raw '%s' -", pdf), 0);
            for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
                ck_assert_msg(!orphan_line(line), "%s: a line of one character: %s", pdf, line);
            free(out);
            free(pdf);
        }
}
END_TEST

/* Removes every U+3000 (ideographic space) from S, in place. */
static void drop_ideographic_spaces(char *s)
{
    char *w = s;

    for (const char *r = s; *r;)
        if (strncmp(r, "\u3000", 3) == 0)
            r += 3;
        else
            *w++ = *r++;
    *w = '\0';
}

/* Pages after the first carry the branch's name and the form, small, at
 * their head (PDF) or in the header of pages 2 … (DOCX, w:titlePg with an
 * empty first-page header), so that loose pages can be matched. */
START_TEST(test_running_head)
{
    static const char *const forms[] = {"评定标准", "申报表"};

    render_samples();
    for (size_t i = 0; i < NSAMPLES; i++)
        for (size_t f = 0; f < 2; f++) {
            fs_rubric_cache *cache = fs_rubric_cache_new();
            const fs_rubric *r;
            fs_dossier *d = load_sample(samples[i], &r, cache);
            char *file, *pdf, *docx, *p1, *p2, *hdr, *doc, *head;

            if (asprintf(&file, "%s.pdf", forms[f]) < 0 ||
                asprintf(&head, "%s%s（续）", d->name.s, forms[f]) < 0)
                abort();
            pdf = path_of(samples[i], file);
            ck_assert_int_eq(tu_run_fmt(&p1, NULL, "pdftotext -f 1 -l 1 '%s' -", pdf), 0);
            ck_assert_int_eq(tu_run_fmt(&p2, NULL, "pdftotext -raw -f 2 -l 2 '%s' -", pdf), 0);
            ck_assert_msg(!strstr(p1, "（续）"), "%s: page 1 has a running head", pdf);
            if (*p2) {
                char *sq = tu_squeeze(p2, 0);

                drop_ideographic_spaces(sq);
                ck_assert_msg(strstr(sq, head), "%s: page 2 lacks \"%s\"", pdf, head);
                free(sq);
            }
            free(file);
            if (asprintf(&file, "%s.docx", forms[f]) < 0)
                abort();
            docx = path_of(samples[i], file);
            ck_assert_int_eq(tu_run_fmt(&hdr, NULL, "unzip -p '%s' word/header1.xml", docx), 0);
            ck_assert_msg(strstr(hdr, d->name.s) && strstr(hdr, "（续）"), "%s: header1", docx);
            ck_assert_int_eq(tu_run_fmt(&doc, NULL, "unzip -p '%s' word/document.xml", docx), 0);
            ck_assert_ptr_nonnull(strstr(doc, "<w:titlePg/>"));
            ck_assert_ptr_nonnull(strstr(doc, "w:headerReference w:type=\"first\""));
            free(doc);
            free(hdr);
            free(docx);
            free(file);
            free(head);
            free(p1);
            free(p2);
            free(pdf);
            fs_dossier_free(d);
            fs_rubric_cache_free(cache);
        }
}
END_TEST

START_TEST(test_scoresheet_text)
{
    render_samples();
    for (size_t i = 0; i < NSAMPLES; i++) {
        fs_rubric_cache *cache = fs_rubric_cache_new();
        const fs_rubric *r;
        fs_dossier *d = load_sample(samples[i], &r, cache);
        fs_result_sheet s;
        char *pdf = path_of(samples[i], "评定标准.pdf"), *err, *text = pdf_text(pdf, &err);
        char total[24], *line;

        fs_score_dossier(d, r, &s);
        assert_contains(text, "附件1", pdf);
        assert_contains(text, r->title, pdf);
        assert_contains(text, d->town.s, pdf);
        assert_contains(text, d->name.s, pdf);
        for (size_t k = 0; k < r->nitems; k++) {
            for (size_t p = 0; p < r->items[k].nstandard; p++)
                assert_flows(text, r->items[k].standard[p], pdf);
            if (r->items[k].check)
                assert_contains(text, r->items[k].check, pdf);
        }
        for (size_t k = 0; k < r->nsections; k++)
            assert_contains(text, r->sections[k].label, pdf);
        assert_contains(text, r->remark, pdf);
        /* the 合计 row: 100 and the total; no verdict sentence (the
         * notice's form has none, it would prejudge the review) */
        fs_tenths_format(s.total, total, sizeof total);
        if (asprintf(&line, "合计%ld%s", (long)r->max / 10, total) < 0)
            abort();
        assert_contains(text, line, pdf);
        ck_assert_msg(!strstr(text, "达到") && !strstr(text, "尚差") && !strstr(text, "签名"),
                      "%s: a verdict or signature line the notice does not have", pdf);
        free(line);
        free(text);
        free(err);
        free(pdf);
        fs_dossier_free(d);
        fs_rubric_cache_free(cache);
    }
}
END_TEST

START_TEST(test_application_text)
{
    render_samples();
    for (size_t i = 0; i < NSAMPLES; i++) {
        fs_rubric_cache *cache = fs_rubric_cache_new();
        const fs_rubric *r;
        fs_dossier *d = load_sample(samples[i], &r, cache);
        char *pdf = path_of(samples[i], "申报表.pdf"), *err, *text = pdf_text(pdf, &err);
        char buf[64], *members;

        assert_contains(text, "附件2", pdf);
        assert_contains(text, d->name.s, pdf);
        assert_contains(text, d->unit.s, pdf);
        assert_contains(text, d->leader.s, pdf);
        assert_contains(text, d->phone.s, pdf);
        assert_contains(text, fs_date_format_cn(d->founded, buf, sizeof buf), pdf);
        assert_contains(text, fs_date_format_cn(d->date, buf, sizeof buf), pdf);
        if (asprintf(&members, "%ld", d->members) < 0)
            abort();
        assert_contains(text, members, pdf);
        assert_contains(text, "五星级", pdf);
        assert_contains(text, "（盖章）", pdf);
        if (d->honors.s)
            assert_flows(text, d->honors.s, pdf);
        if (d->remark.s)
            assert_flows(text, d->remark.s, pdf);
        if (d->opinion.s)
            assert_flows(text, d->opinion.s, pdf);
        for (size_t k = 0; k < r->nsections; k++) {
            char *label;
            if (asprintf(&label, "%s情况", r->sections[k].name) < 0)
                abort();
            assert_contains(text, label, pdf);
            if (d->situation[k].s)
                assert_flows(text, d->situation[k].s, pdf);
            free(label);
        }
        free(members);
        free(text);
        free(err);
        free(pdf);
        fs_dossier_free(d);
        fs_rubric_cache_free(cache);
    }
}
END_TEST

START_TEST(test_byte_identical)
{
    char *dir = tu_tmpdir(), *cmd;

    render_samples();
    if (asprintf(&cmd, "$FIVESTAR render samples/mingli-2018.xml samples/dalang-social-2018.xml "
                       "-o %s --format pdf && cmp %s/mingli-2018/评定标准.pdf %s/mingli-2018/评定标准.pdf "
                       "&& cmp %s/mingli-2018/申报表.pdf %s/mingli-2018/申报表.pdf "
                       "&& cmp %s/dalang-social-2018/申报表.pdf %s/dalang-social-2018/申报表.pdf",
                 dir, dir, rendered, dir, rendered, dir, rendered) < 0)
        abort();
    ck_assert_int_eq(tu_run(cmd, NULL, NULL), 0);
    free(cmd);
    free(dir);
}
END_TEST

/* The example with 5000-character narratives full of rare characters:
 * 堃 (in GB2312-less fonts only), 㑇 (CJK Ext A), 𠮷 (Ext B, outside the
 * BMP), and 𠀀 (U+20000), which no default font has. */
START_TEST(test_long_and_rare)
{
    char *base = tu_read("samples/mingli-2018.xml", NULL), *dir = tu_tmpdir();
    fs_buf para = {0};
    char *text, *path, *cmd, *out, *err, *pdftext;
    size_t n = 0;

    /* Numbered sentences, so that no piece of the text repeats. */
    for (int i = 1;; i++) {
        char unit[256];
        snprintf(unit, sizeof unit, "第%d次主题党日，支部坚持“三会一课”制度，堃㑇𠮷同志带头讲党课。", i);
        if (n + fs_utf8_len(unit) > FS_MAX_TEXT_CHARS - 1)
            break;
        fs_buf_adds(&para, unit);
        n += fs_utf8_len(unit);
    }
    while (n < FS_MAX_TEXT_CHARS - 1) {
        fs_buf_adds(&para, "党");
        n++;
    }
    fs_buf_adds(&para, "𠀀");     /* exactly 5000 characters */
    ck_assert_uint_eq(fs_utf8_len(para.s), FS_MAX_TEXT_CHARS);
    {
        const char *s = strstr(base, "<situation section=\"1\">") + strlen("<situation section=\"1\">");
        const char *e = strstr(s, "</situation>");
        if (asprintf(&text, "%.*s%s%s", (int)(s - base), base, para.s, e) < 0)
            abort();
    }
    {
        char *t = tu_replace(text, "<honors>", "<honors>");
        free(text);
        text = t;
    }
    if (asprintf(&path, "%s/long-rare.xml", dir) < 0 ||
        asprintf(&cmd, "$FIVESTAR render %s -o %s --format pdf", path, dir) < 0)
        abort();
    tu_write(path, text, strlen(text));
    ck_assert_int_eq(tu_run(cmd, &out, &err), 0);
    /* The character no font has is reported by name and code point. */
    ck_assert_msg(strstr(err, "U+20000") != NULL, "no warning for U+20000: %s", err);
    ck_assert_msg(strstr(err, "warning") != NULL, "not a warning: %s", err);
    free(cmd);
    free(out);
    if (asprintf(&cmd, "%s/long-rare/申报表.pdf", dir) < 0)
        abort();
    pdftext = pdf_text(cmd, &out);
    ck_assert_str_eq(out, "");
    ck_assert_ptr_nonnull(strstr(pdftext, "堃㑇𠮷同志"));
    ck_assert_ptr_nonnull(strstr(pdftext, "〓"));       /* drawn in place of U+20000 */
    /* All 5000 characters are there, in order, over the pages. */
    {
        char *tofu = tu_replace(para.s, "𠀀", "〓");
        assert_flows(pdftext, tofu, "long narrative");
        free(tofu);
    }
    free(pdftext);
    free(out);
    free(err);
    free(cmd);
    free(path);
    free(text);
    free(dir);
    free(base);
    fs_buf_free(&para);
}
END_TEST

START_TEST(test_bad_dossier_writes_nothing)
{
    char *dir = tu_tmpdir(), *cmd, *out, *err, *check;

    if (asprintf(&cmd, "printf '<dossier format=\"1\" year=\"2018\"/>' > %s/bad.xml; "
                       "$FIVESTAR render %s/bad.xml samples/minimal-2018.xml -o %s/out --format pdf",
                 dir, dir, dir) < 0 ||
        asprintf(&check, "test ! -e %s/out/bad && test -s %s/out/minimal-2018/评定标准.pdf", dir, dir) < 0)
        abort();
    ck_assert_int_eq(tu_run(cmd, &out, &err), 1);
    ck_assert_ptr_nonnull(strstr(err, "bad.xml:1: error:"));
    ck_assert_int_eq(tu_run(check, NULL, NULL), 0);
    free(cmd);
    free(check);
    free(out);
    free(err);
    free(dir);
}
END_TEST

/* A failed write keeps the good file and leaves no temporary behind. */
START_TEST(test_failed_write_keeps_good_file)
{
    char *dir = tu_tmpdir(), *cmd, *err;

    if (getuid() == 0) {
        /* root ignores permissions: make the file's folder unwritable by
         * replacing the output folder with a file instead. */
        if (asprintf(&cmd, "mkdir -p %s/o && echo good > %s/o/mingli-2018 && "
                           "$FIVESTAR render samples/mingli-2018.xml -o %s/o --format pdf", dir, dir, dir) < 0)
            abort();
        ck_assert_int_eq(tu_run(cmd, NULL, &err), 3);
        ck_assert_ptr_nonnull(strstr(err, "mingli-2018"));
        free(cmd);
        free(err);
        if (asprintf(&cmd, "test \"$(cat %s/o/mingli-2018)\" = good && test $(ls %s/o | wc -l) = 1", dir, dir) < 0)
            abort();
        ck_assert_int_eq(tu_run(cmd, NULL, NULL), 0);
    } else {
        if (asprintf(&cmd, "mkdir -p %s/o/mingli-2018 && echo good > %s/o/mingli-2018/评定标准.pdf && "
                           "chmod 555 %s/o/mingli-2018 && "
                           "$FIVESTAR render samples/mingli-2018.xml -o %s/o --format pdf", dir, dir, dir, dir) < 0)
            abort();
        ck_assert_int_eq(tu_run(cmd, NULL, &err), 3);
        free(err);
        free(cmd);
        if (asprintf(&cmd, "test \"$(cat %s/o/mingli-2018/评定标准.pdf)\" = good && "
                           "test $(ls %s/o/mingli-2018 | wc -l) = 1", dir, dir) < 0)
            abort();
        ck_assert_int_eq(tu_run(cmd, NULL, NULL), 0);
    }
    free(cmd);
    free(dir);
}
END_TEST

START_TEST(test_output_not_a_folder)
{
    char *err;

    /* An output "folder" that is a device: nothing can be created in it. */
    ck_assert_int_eq(tu_run("$FIVESTAR render samples/mingli-2018.xml -o /dev/full --format pdf", NULL, &err), 3);
    ck_assert_ptr_nonnull(strstr(err, "/dev/full"));
    free(err);
}
END_TEST

START_TEST(test_missing_font_config)
{
    char *err;
    ck_assert_int_eq(tu_run("FIVESTAR_FONTS=/nonexistent/fonts.conf "
                            "$FIVESTAR render samples/mingli-2018.xml -o /tmp --format pdf", NULL, &err), 3);
    ck_assert_ptr_nonnull(strstr(err, "/nonexistent/fonts.conf"));
    free(err);
}
END_TEST

/* ------------------------------------------------------------------------
 * DOCX: python-docx reads the tables and texts; LibreOffice, with no CJK
 * font installed, prints them with the embedded fonts.
 * ---------------------------------------------------------------------- */

/* Writes the texts every form of SAMPLE must hold, one per line, to PATH. */
static void write_expectations(const char *sample, int application, const char *path)
{
    fs_rubric_cache *cache = fs_rubric_cache_new();
    const fs_rubric *r;
    fs_dossier *d = load_sample(sample, &r, cache);
    FILE *f = fopen(path, "w");
    char buf[64];
    fs_result_sheet s;

    ck_assert_ptr_nonnull(f);
    fs_score_dossier(d, r, &s);
    fprintf(f, "%s\n", d->name.s);
    if (!application) {
        fprintf(f, "%s\n%s\n", d->town.s, r->title);
        for (size_t k = 0; k < r->nitems; k++) {
            for (size_t p = 0; p < r->items[k].nstandard; p++)
                fprintf(f, "%s\n", r->items[k].standard[p]);
            if (r->items[k].check)
                fprintf(f, "%s\n", r->items[k].check);
        }
        for (size_t k = 0; k < r->nsections; k++)
            fprintf(f, "%s\n", r->sections[k].label);
        fprintf(f, "%s\n", r->remark);
        fprintf(f, "合计\n");
    } else {
        fprintf(f, "%s\n%s\n%s\n%ld\n", d->unit.s, d->leader.s, d->phone.s, d->members);
        fprintf(f, "%s\n", fs_date_format_cn(d->founded, buf, sizeof buf));
        fprintf(f, "%s\n", fs_date_format_cn(d->date, buf, sizeof buf));
        fprintf(f, "（盖章）\n");
        if (d->honors.s)
            fprintf(f, "%s\n", d->honors.s);
        if (d->remark.s)
            fprintf(f, "%s\n", d->remark.s);
        for (size_t k = 0; k < r->nsections; k++) {
            fprintf(f, "%s情况\n", r->sections[k].name);
            if (d->situation[k].s)
                fprintf(f, "%s\n", d->situation[k].s);
        }
    }
    fclose(f);
    fs_dossier_free(d);
    fs_rubric_cache_free(cache);
}

START_TEST(test_docx_python)
{
    render_samples();
    for (size_t i = 0; i < NSAMPLES; i++) {
        fs_rubric_cache *cache = fs_rubric_cache_new();
        const fs_rubric *r;
        fs_dossier *d = load_sample(samples[i], &r, cache);
        fs_result_sheet s;
        char *exp1, *exp2, *cmd, *out, *err, total[24];
        int merges = 0;
        fs_buf m = {0};

        fs_score_dossier(d, r, &s);
        if (asprintf(&exp1, "%s/%s.sheet.txt", rendered, samples[i]) < 0 ||
            asprintf(&exp2, "%s/%s.app.txt", rendered, samples[i]) < 0)
            abort();
        write_expectations(samples[i], 0, exp1);
        write_expectations(samples[i], 1, exp2);
        /* The scoresheet: header row, one row per item, one vMerge per
         * section, and the total in the last row. */
        for (size_t k = 0, row = 2; k < r->nsections; k++) {
            fs_buf_printf(&m, " --merge %zu,1,%d,1", row, r->sections[k].nitems);
            row += (size_t)r->sections[k].nitems;
            merges++;
        }
        if (asprintf(&cmd, "/usr/bin/python3 tests/docx_check.py %s/%s/评定标准.docx "
                           "--expect-file %s --table 2 --table-rows %zu --table-cols 6 --header-rows 1%s "
                           "--cell %zu,6=%s --cant-split --valign 5=center --valign 6=center "
                           "--office-fonts && /usr/bin/python3 tests/docx_check.py %s/%s/申报表.docx "
                           "--expect-file %s --office-fonts",
                     rendered, samples[i], exp1, r->nitems + 2, m.s, r->nitems + 2,
                     fs_tenths_format(s.total, total, sizeof total), rendered, samples[i], exp2) < 0)
            abort();
        ck_assert_msg(tu_run(cmd, &out, &err) == 0, "%s: %s%s", samples[i], out, err);
        ck_assert_int_eq(merges, 6);
        {
            char *both;

            if (asprintf(&both, "%s/%s/评定标准.docx %s/%s/申报表.docx", rendered,
                         samples[i], rendered, samples[i]) < 0)
                abort();
            tu_docx_valid(both);
            free(both);
        }
        free(cmd);
        free(out);
        free(err);
        free(exp1);
        free(exp2);
        fs_buf_free(&m);
        fs_dossier_free(d);
        fs_rubric_cache_free(cache);
    }
}
END_TEST

START_TEST(test_docx_libreoffice)
{
    char *dir = tu_tmpdir(), *cmd, *out, *err;

    render_samples();
    /* A fontconfig that offers DejaVu only: no CJK font at all. */
    if (asprintf(&cmd, "mkdir -p %s/fc %s/pdf && printf '%%s' '<?xml version=\"1.0\"?><fontconfig>"
                       "<dir>/usr/share/fonts/truetype/dejavu</dir><cachedir>%s/fc</cachedir></fontconfig>' "
                       "> %s/fc/fonts.conf && FONTCONFIG_FILE=%s/fc/fonts.conf fc-list :lang=zh | wc -l",
                 dir, dir, dir, dir, dir) < 0)
        abort();
    ck_assert_int_eq(tu_run(cmd, &out, NULL), 0);
    ck_assert_str_eq(out, "0\n");
    free(out);
    free(cmd);
    /* One soffice run per file: LibreOffice keeps the first embedded font
     * of a name (宋体) for its whole session, so a second form would be
     * drawn with the first one's subset. */
    for (size_t i = 0; i < NSAMPLES; i++)
        for (int k = 0; k < 2; k++) {
            if (asprintf(&cmd, "mkdir -p %s/pdf/%s && FONTCONFIG_FILE=%s/fc/fonts.conf soffice "
                               "-env:UserInstallation=file://%s/profile --headless --convert-to pdf "
                               "--outdir %s/pdf/%s %s/%s/%s.docx",
                         dir, samples[i], dir, dir, dir, samples[i], rendered, samples[i],
                         k ? "申报表" : "评定标准") < 0)
                abort();
            ck_assert_int_eq(tu_run(cmd, NULL, NULL), 0);
            free(cmd);
        }
    for (size_t i = 0; i < NSAMPLES; i++) {
        fs_rubric_cache *cache = fs_rubric_cache_new();
        const fs_rubric *r;
        fs_dossier *d = load_sample(samples[i], &r, cache);
        static const char *const pdfs[] = {"评定标准.pdf", "申报表.pdf"};

        for (int k = 0; k < 2; k++) {
            char *pdf, *text, *line;
            int cjk = 0;
            if (asprintf(&pdf, "%s/pdf/%s/%s", dir, samples[i], pdfs[k]) < 0 ||
                asprintf(&cmd, "pdffonts '%s'", pdf) < 0)
                abort();
            ck_assert_int_eq(tu_run(cmd, &out, &err), 0);
            /* The embedded CJK fonts are what LibreOffice used. */
            for (line = strtok(out, "\n"); line; line = strtok(NULL, "\n"))
                cjk += strstr(line, "UMing") || strstr(line, "WenQuanYi") ||
                       strstr(line, "LXGW") || strstr(line, "Droid");
            ck_assert_msg(cjk >= 1, "%s: LibreOffice used no embedded CJK font", pdf);
            free(out);
            free(err);
            free(cmd);
            /* Every character of our PDF has a real glyph in LibreOffice's
             * (pdftotext alone would also "find" empty boxes). */
            if (asprintf(&cmd, "/usr/bin/python3 tests/pdf_fonts.py '%s' --chars-of '%s/%s/%s'",
                         pdf, rendered, samples[i], pdfs[k]) < 0)
                abort();
            ck_assert_msg(tu_run(cmd, &out, &err) == 0, "%s", err);
            free(out);
            free(err);
            free(cmd);
            text = pdf_text(pdf, &err);
            assert_contains(text, d->name.s, pdf);
            if (k == 0) {
                for (size_t j = 0; j < r->nitems; j++)
                    for (size_t p = 0; p < r->items[j].nstandard; p++)
                        assert_flows(text, r->items[j].standard[p], pdf);
            } else {
                for (size_t j = 0; j < r->nsections; j++)
                    if (d->situation[j].s)
                        assert_flows(text, d->situation[j].s, pdf);
            }
            free(text);
            free(err);
            free(pdf);
        }
        fs_dossier_free(d);
        fs_rubric_cache_free(cache);
    }
    free(dir);
}
END_TEST

/* A clerk's edit: LibreOffice (through UNO, tests/docx_edit.py) replaces
 * 李某某 by 王晓燕 in mingli's 申报表 and exports a PDF, under a fontconfig
 * holding the faces of fonts/fonts.conf and fonts/office-aliases.conf.
 * The new characters, which the embedded 宋体 subset lacks, must come out
 * in the face of their neighbours (AR PL UMing, the subset's source), and
 * every character must have a glyph. */
START_TEST(test_docx_clerk_edit)
{
    static const char *const dirs[] = {
        "dejavu", "liberation", "arphic-gbsn00lp", "arphic", "wqy",
        "lxgw-wenkai", "droid",
    };
    char *dir = tu_tmpdir(), *cmd, *out, *err, *cwd = getcwd(NULL, 0), *conf;
    fs_buf fc = {0};

    if (system("/usr/bin/python3 -c 'import uno' 2>/dev/null && command -v soffice >/dev/null") != 0) {
        fprintf(stderr, "test-render: SKIP clerk edit: python3-uno or soffice missing\n");
        free(dir);
        free(cwd);
        return;
    }
    render_samples();
    fs_buf_adds(&fc, "<?xml version=\"1.0\"?><fontconfig>");
    for (size_t i = 0; i < sizeof dirs / sizeof *dirs; i++)
        fs_buf_printf(&fc, "<dir>/usr/share/fonts/truetype/%s</dir>", dirs[i]);
    fs_buf_printf(&fc, "<include>%s/fonts/office-aliases.conf</include>"
                  "<cachedir>%s/fc</cachedir></fontconfig>\n", cwd, dir);
    if (asprintf(&conf, "%s/fonts.conf", dir) < 0)
        abort();
    tu_write(conf, fc.s, fc.len);
    if (asprintf(&cmd, "FONTCONFIG_FILE=%s /usr/bin/python3 tests/docx_edit.py "
                       "%s/mingli-2018/申报表.docx %s/edited.docx %s/edited.pdf 李某某=王晓燕 && "
                       "pdftotext %s/edited.pdf - | grep -c 王晓燕",
                 conf, rendered, dir, dir, dir) < 0)
        abort();
    ck_assert_msg(tu_run(cmd, &out, &err) == 0, "the edit failed: %s%s", out, err);
    free(cmd);
    free(out);
    free(err);
    if (asprintf(&cmd, "/usr/bin/python3 tests/pdf_fonts.py %s/edited.pdf "
                       "--same-face 王晓燕=党", dir) < 0)
        abort();
    ck_assert_msg(tu_run(cmd, &out, &err) == 0, "%s", err);
    free(cmd);
    free(out);
    free(err);
    free(conf);
    fs_buf_free(&fc);
    free(cwd);
    free(dir);
}
END_TEST

START_TEST(test_docx_byte_identical)
{
    char *dir = tu_tmpdir(), *cmd;

    render_samples();
    if (asprintf(&cmd, "TZ=Asia/Shanghai $FIVESTAR render samples/mingli-2018.xml -o %s --format docx "
                       "&& cmp %s/mingli-2018/评定标准.docx %s/mingli-2018/评定标准.docx "
                       "&& cmp %s/mingli-2018/申报表.docx %s/mingli-2018/申报表.docx",
                 dir, dir, rendered, dir, rendered) < 0)
        abort();
    ck_assert_int_eq(tu_run(cmd, NULL, NULL), 0);
    free(cmd);
    free(dir);
}
END_TEST

static Suite *render_suite(void)
{
    Suite *s = suite_create("render");
    TCase *tc = tcase_create("pdf");

    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_every_sample_renders);
    tcase_add_test(tc, test_scoresheet_text);
    tcase_add_test(tc, test_no_orphans);
    tcase_add_test(tc, test_running_head);
    tcase_add_test(tc, test_application_text);
    tcase_add_test(tc, test_byte_identical);
    tcase_add_test(tc, test_long_and_rare);
    tcase_add_test(tc, test_bad_dossier_writes_nothing);
    tcase_add_test(tc, test_failed_write_keeps_good_file);
    tcase_add_test(tc, test_output_not_a_folder);
    tcase_add_test(tc, test_missing_font_config);
    suite_add_tcase(s, tc);

    tc = tcase_create("docx");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_docx_python);
    tcase_add_test(tc, test_docx_libreoffice);
    tcase_add_test(tc, test_docx_clerk_edit);
    tcase_add_test(tc, test_docx_byte_identical);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    setenv("FIVESTAR_TEMPLATES", "templates", 0);
    fs_templates_init(NULL);
    /* The samples are rendered once, here in the parent, before the forked
     * tests read them; test_every_sample_renders checks the exit status. */
    rendered = tu_tmpdir();
    {
        char *cmd;
        const char *bin = getenv("FIVESTAR");
        if (asprintf(&cmd, "%s render samples/*.xml -o %s >%s/log 2>&1; echo $? >%s/status",
                     bin && *bin ? bin : "./fivestar", rendered, rendered, rendered) < 0)
            abort();
        if (system(cmd) < 0)
            abort();
        free(cmd);
    }
    return tu_main(render_suite());
}
