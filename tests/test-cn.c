/*
 * test-cn.c - Chinese for the clerks (issue 13) and one-line diagnostics
 * and encodings (issue 18): libxml2's errors in plain Chinese, Chinese
 * spellings of typed values equal to their canonical twins, GB18030
 * without a declaration, UTF-8 under a GB18030 declaration, NUL bytes,
 * file names that would break a diagnostic line, the closing summary line
 * of batch commands.
 */
#include "testutil.h"
#include "fs-normalize.h"

#include <iconv.h>
#include <libxml/parser.h>

#define BASE "samples/mingli-2018.xml"

/* Is MESSAGE free of English words?  Quoted names are taken out first:
 * <…> (element names and examples of markup), “…” (the user's own
 * values), &…; (entities to type), NAME="…" (attribute examples), and the
 * file name FILE; what is left may hold no run of three ASCII letters but
 * the names of encodings and of the program. */
static int no_english(const char *message, const char *file)
{
    static const char *const allowed[] = {"XML", "UTF", "GBK", "fivestar", "new", "yes", NULL};
    fs_buf b = {0};
    const char *p = message;
    int ok = 1;

    fs_buf_adds(&b, "");
    while (*p) {
        const char *close = NULL;
        if (file && *file && strncmp(p, file, strlen(file)) == 0) {
            p += strlen(file);
            continue;
        }
        if (strncmp(p, "属性 ", strlen("属性 ")) == 0) {   /* an attribute's name */
            p += strlen("属性 ");
            while ((*p >= 'a' && *p <= 'z') || *p == '-')
                p++;
            continue;
        }
        if (*p == '<')
            close = strchr(p, '>');
        else if (strncmp(p, "“", 3) == 0)
            close = strstr(p + 3, "”");
        else if (*p == '&')
            close = strchr(p, ';');
        if (close) {
            p = close + (*close == '>' || *close == ';' ? 1 : 3);
            fs_buf_adds(&b, " ");
            continue;
        }
        fs_buf_add(&b, p, 1);
        p++;
    }
    /* NAME="…" examples. */
    for (char *q = b.s; (q = strstr(q, "=\"")) != NULL;) {
        char *end = strchr(q + 2, '"');
        char *start = q;
        while (start > b.s && ((start[-1] >= 'a' && start[-1] <= 'z') || start[-1] == '_'))
            start--;
        if (!end)
            break;
        memset(start, ' ', (size_t)(end + 1 - start));
        q = end + 1;
    }
    for (char *q = b.s; *q;) {
        size_t n = 0;
        while ((q[n] >= 'A' && q[n] <= 'Z') || (q[n] >= 'a' && q[n] <= 'z'))
            n++;
        if (n >= 3) {
            int fine = 0;
            for (int i = 0; allowed[i]; i++)
                fine |= strlen(allowed[i]) == n && strncmp(q, allowed[i], n) == 0;
            if (!fine)
                ok = 0;
        }
        q += n ? n : 1;
    }
    fs_buf_free(&b);
    return ok;
}

/* ------------------------------------------------------------------------
 * libxml2's errors, translated.
 * ---------------------------------------------------------------------- */

typedef struct broken {
    const char *what;
    const char *from, *to;      /* one edit of the example               */
    const char *marker;         /* the line the error is on ("" = any)    */
    const char *message;        /* part of the Chinese message            */
} broken;

static const broken broken_cases[] = {
    {"tag mismatch", "</unit>", "</unti>", "</unti>", "不一致"},
    {"premature end", "</dossier>\n", "", "", "结束之前就结束了"},
    {"invalid char", "<leader>李某某", "<leader>李\x01某某", "<leader>", "不允许的字符 U+0001"},
    {"invalid char reference", "<leader>李某某", "<leader>李&#1;某某", "<leader>", "U+0001"},
    {"extra content", "</dossier>\n", "</dossier>\n<dossier/>\n", "<dossier/>", "多余的内容"},
    {"bare ampersand", "广东明理律师事务所</unit>", "广东明理&律师事务所</unit>", "</unit>", "&amp;"},
    {"attribute twice", "<dossier format=\"1\"", "<dossier format=\"1\" format=\"1\"", "<dossier ", "重复出现"},
    {"unquoted attribute", "<score item=\"6\" points=\"4\"/>", "<score item=6 points=\"4\"/>",
     "<score item=6", "双引号"},
    {"tag not closed", "<leader>李某某</leader>", "<leader>李某某</leader", "<phone>", "“>”"},
    {"double hyphen in comment", "<dossier ", "<!-- a -- b -->\n<dossier ", "<!-- a", "--"},
    {"declaration not first", "<?xml version", "\n<?xml version", "<?xml", "最开头"},
    {"unknown encoding", "encoding=\"UTF-8\"", "encoding=\"NO-SUCH-ENC\"", "", "编码"},
    {"lt in attribute", "<score item=\"6\" points=\"4\"/>", "<score item=\"6\" points=\"<4\"/>",
     "<score item=\"6\"", "&lt;"},
    {"facet enumeration", "<compliant>yes</compliant>", "<compliant>也许</compliant>", "<compliant>",
     "取值不在允许范围内"},
    {"enumeration of format", "format=\"1\"", "format=\"2\"", "<dossier ", "应为 1"},
    {"missing element", "    <leader>李某某</leader>\n", "", "<phone>", "应为 <leader>"},
    {"unexpected element", "<star>4</star>", "<star>4</star><fax>0769</fax>", "<fax>", "不应出现 <fax>"},
    {"missing child", "    <phone>0769-22881234</phone>\n    <star>4</star>\n", "", "<organization>",
     "缺少必需的子元素"},
    {"missing attribute", "<application date=\"2018-04-12\" star=\"5\">", "<application star=\"5\">",
     "<application", "缺少必需的属性 date"},
    {"unknown attribute", "<score item=\"6\" points=\"4\"/>", "<score item=\"6\" points=\"4\" weight=\"1\"/>",
     "weight=", "不允许有属性 weight"},
    {"text in element", "<score item=\"3\" points=\"2\"/>", "<score item=\"3\" points=\"2\">很好</score>",
     "<score item=\"3\"", "不应有文字"},
};
#define NBROKEN (sizeof broken_cases / sizeof *broken_cases)

START_TEST(test_parser_errors_in_chinese)
{
    const broken *c = &broken_cases[_i];
    char *base = tu_read_ok(BASE, NULL), *text = tu_replace(base, c->from, c->to), *path, *all;
    fs_diags diags = {0};
    fs_error err;
    fs_dossier *d = tu_load_text(text, strlen(text), "bad.xml", &diags, &err, &path);
    long line = *c->marker ? tu_line_of(text, c->marker) : -1;
    const fs_diag *g = tu_find_diag(&diags, FS_ERROR, line, c->message);

    all = tu_diags_text(&diags);
    ck_assert_msg(d == NULL, "%s: accepted", c->what);
    ck_assert_msg(g != NULL, "%s: no error at line %ld with \"%s\"; got:\n%s", c->what, line,
                  c->message, all);
    for (size_t i = 0; i < diags.n; i++) {
        ck_assert_msg(no_english(diags.v[i].message, path), "%s: English in \"%s\"", c->what,
                      diags.v[i].message);
        ck_assert_msg(strchr(diags.v[i].message, '\n') == NULL, "%s: line break", c->what);
    }
    fs_diags_clear(&diags);
    free(all);
    free(path);
    free(text);
    free(base);
}
END_TEST

/* The command line: no such file, and --verbose showing libxml2's text. */
START_TEST(test_cli_messages_chinese)
{
    char *dir = tu_tmpdir(), *path, *cmd, *out, *err, *base = tu_read_ok(BASE, NULL);
    char *text = tu_replace(base, "</unit>", "</unti>");

    if (asprintf(&path, "%s/a.xml", dir) < 0)
        abort();
    tu_write(path, text, strlen(text));
    ck_assert_int_eq(tu_run("$FIVESTAR validate /nonexistent/no.xml", &out, &err), 3);
    ck_assert_ptr_nonnull(strstr(err, "文件或文件夹不存在"));
    ck_assert_msg(no_english(strstr(err, "error: ") + 7, NULL), "English in %s", err);
    free(out);
    free(err);
    if (asprintf(&cmd, "$FIVESTAR validate %s", path) < 0)
        abort();
    ck_assert_int_eq(tu_run(cmd, &out, &err), 1);
    ck_assert_ptr_null(strstr(err, "Opening"));
    ck_assert_ptr_nonnull(strstr(err, "不一致"));
    free(out);
    free(err);
    free(cmd);
    if (asprintf(&cmd, "$FIVESTAR --verbose validate %s", path) < 0)
        abort();
    ck_assert_int_eq(tu_run(cmd, &out, &err), 1);
    ck_assert_ptr_nonnull(strstr(err, "不一致"));
    ck_assert_ptr_nonnull(strstr(err, "Opening and ending tag mismatch"));
    free(out);
    free(err);
    free(cmd);
    free(path);
    free(text);
    free(base);
    free(dir);
}
END_TEST

/* ------------------------------------------------------------------------
 * Encodings.
 * ---------------------------------------------------------------------- */

/* TEXT (UTF-8) converted to ENCODING; *OUTLEN gets its length. */
static char *convert(const char *text, const char *encoding, size_t *outlen)
{
    iconv_t cd = iconv_open(encoding, "UTF-8");
    size_t inleft = strlen(text), outleft = inleft * 2 + 16;
    char *in = (char *)(uintptr_t)text, *buf = malloc(outleft), *out = buf;

    ck_assert(cd != (iconv_t)-1);
    ck_assert(iconv(cd, &in, &inleft, &out, &outleft) != (size_t)-1);
    iconv_close(cd);
    *outlen = (size_t)(out - buf);
    return buf;
}

START_TEST(test_gbk_without_declaration)
{
    char *base = tu_read_ok(BASE, NULL), *text = tu_replace(base, " encoding=\"UTF-8\"", ""), *gb;
    size_t n;
    fs_diags diags = {0};
    fs_error err;
    fs_dossier *d;

    gb = convert(text, "GB18030", &n);
    d = tu_load_text(gb, n, "notepad.xml", &diags, &err, NULL);
    ck_assert_msg(d != NULL, "refused");
    ck_assert_str_eq(d->name.s, "中共东莞市明理律师事务所支部委员会");
    ck_assert_uint_eq(diags.errors, 0);
    ck_assert_uint_eq(diags.warnings, 1);
    ck_assert_ptr_nonnull(strstr(diags.v[0].message, "已按 GB18030"));
    ck_assert_ptr_nonnull(strstr(diags.v[0].message, "另存为"));
    ck_assert_int_gt(diags.v[0].line, 1);   /* the first byte that is not UTF-8 */
    fs_dossier_free(d);
    fs_diags_clear(&diags);
    free(gb);
    free(text);
    free(base);
}
END_TEST

START_TEST(test_gb18030_declared_loads_clean)
{
    char *base = tu_read_ok(BASE, NULL), *text = tu_replace(base, "encoding=\"UTF-8\"", "encoding=\"GB18030\""), *gb;
    size_t n;
    fs_diags diags = {0};
    fs_error err;
    fs_dossier *d;

    gb = convert(text, "GB18030", &n);
    d = tu_load_text(gb, n, "gb.xml", &diags, &err, NULL);
    ck_assert_ptr_nonnull(d);
    ck_assert_uint_eq(diags.n, 0);
    ck_assert_str_eq(d->name.s, "中共东莞市明理律师事务所支部委员会");
    fs_dossier_free(d);
    fs_diags_clear(&diags);
    free(gb);
    free(text);
    free(base);
}
END_TEST

/* Issue 18: UTF-8 bytes under a GB18030 declaration decode as GB18030 too,
 * into nonsense (涓滃煄…); they are refused. */
START_TEST(test_utf8_declared_gb18030_flagged)
{
    char *base = tu_read_ok(BASE, NULL), *text = tu_replace(base, "encoding=\"UTF-8\"", "encoding=\"GB18030\"");
    fs_diags diags = {0};
    fs_error err;
    fs_dossier *d = tu_load_text(text, strlen(text), "liar.xml", &diags, &err, NULL);
    char *all = tu_diags_text(&diags);

    ck_assert_ptr_null(d);
    ck_assert_msg(tu_find_diag(&diags, FS_ERROR, 1, "看来是 UTF-8") != NULL, "got:\n%s", all);
    fs_diags_clear(&diags);
    free(all);
    free(text);
    free(base);
}
END_TEST

START_TEST(test_nul_after_root_refused)
{
    char *base = tu_read_ok(BASE, NULL);
    size_t n = strlen(base);
    char *text = malloc(n + 2);
    fs_diags diags = {0};
    fs_error err;
    fs_dossier *d;

    memcpy(text, base, n);
    text[n] = '\0';
    text[n + 1] = '\n';
    d = tu_load_text(text, n + 2, "nul.xml", &diags, &err, NULL);
    ck_assert_ptr_null(d);
    ck_assert_int_eq(err, FS_E_INVALID);
    ck_assert_ptr_nonnull(tu_find_diag(&diags, FS_ERROR, -1, "空字符"));
    fs_diags_clear(&diags);
    free(text);
    free(base);
}
END_TEST

/* A file name with a line break and a fake prefix stays on one line. */
START_TEST(test_diagnostics_one_line)
{
    char *dir = tu_tmpdir(), *path, *cmd, *out, *err, *base = tu_read_ok(BASE, NULL);
    char *text = tu_replace(base, "</unit>", "</unti>");

    if (asprintf(&path, "%s/x\nfake.xml:1: error: forged\n.xml", dir) < 0)
        abort();
    tu_write(path, text, strlen(text));
    if (asprintf(&cmd, "$FIVESTAR validate '%s'", path) < 0)
        abort();
    ck_assert_int_eq(tu_run(cmd, &out, &err), 1);
    ck_assert_msg(strstr(err, "\nfake.xml") == NULL && strncmp(err, "fake.xml", 8) != 0,
                  "a file name forged a line:\n%s", err);
    ck_assert_ptr_nonnull(strstr(err, "x\\x0Afake.xml"));
    /* Exactly one diagnostic line. */
    ck_assert_ptr_nonnull(strchr(err, '\n'));
    ck_assert_ptr_null(strchr(strchr(err, '\n') + 1, '\n'));
    free(out);
    free(err);
    free(cmd);
    free(path);
    free(text);
    free(base);
    free(dir);
}
END_TEST

/* ------------------------------------------------------------------------
 * Chinese spellings.
 * ---------------------------------------------------------------------- */

typedef struct spelling {
    const char *what;
    const char *canonical_from, *canonical_to;  /* edit giving the canonical twin */
    const char *chinese_to;                     /* the same value, in Chinese */
} spelling;

static const spelling spellings[] = {
    {"compliant 是", "<compliant>yes</compliant>", "<compliant>yes</compliant>", "<compliant>是</compliant>"},
    {"compliant 否", "<compliant>yes</compliant>", "<compliant>no</compliant>", "<compliant>否</compliant>"},
    {"compliant 达标", "<compliant>yes</compliant>", "<compliant>yes</compliant>",
     "<compliant> 达标 </compliant>"},
    {"compliant YES", "<compliant>yes</compliant>", "<compliant>yes</compliant>", "<compliant>YES</compliant>"},
    {"founded 年月日", "<founded>2010-06-18</founded>", "<founded>2010-06-18</founded>",
     "<founded>2010年6月18日</founded>"},
    {"founded slashes", "<founded>2010-06-18</founded>", "<founded>2010-06-18</founded>",
     "<founded>2010/6/18</founded>"},
    {"founded dots", "<founded>2010-06-18</founded>", "<founded>2010-06-18</founded>",
     "<founded>2010.6.18</founded>"},
    {"founded full-width", "<founded>2010-06-18</founded>", "<founded>2010-06-18</founded>",
     "<founded>２０１０年６月１８日</founded>"},
    {"application date", "date=\"2018-04-12\" star=\"5\"", "date=\"2018-04-12\" star=\"5\"",
     "date=\"2018年4月12日\" star=\"5\""},
    {"star 四星", "<star>4</star>", "<star>4</star>", "<star>四星</star>"},
    {"star 四星级", "<star>4</star>", "<star>4</star>", "<star>四星级</star>"},
    {"star 4星", "<star>4</star>", "<star>4</star>", "<star>4星</star>"},
    {"star 无", "<star>4</star>", "<star>0</star>", "<star>无</star>"},
    {"applied 五星级", "date=\"2018-04-12\" star=\"5\"", "date=\"2018-04-12\" star=\"5\"",
     "date=\"2018-04-12\" star=\"五星级\""},
    {"applied 五星", "date=\"2018-04-12\" star=\"5\"", "date=\"2018-04-12\" star=\"5\"",
     "date=\"2018-04-12\" star=\"五星\""},
    {"points 分", "<score item=\"6\" points=\"4\"/>", "<score item=\"6\" points=\"4\"/>",
     "<score item=\"6\" points=\"4分\"/>"},
    {"points full-width", "<score item=\"6\" points=\"4\"/>", "<score item=\"6\" points=\"3.5\"/>",
     "<score item=\"6\" points=\"３．５\"/>"},
    {"members 人", "<members>15</members>", "<members>15</members>", "<members>15人</members>"},
    {"year 年", "year=\"2018\"", "year=\"2018\"", "year=\"2018年\""},
    {"event date", "<event date=\"2018-04-12\"", "<event date=\"2018-04-12\"",
     "<event date=\"2018年4月12日\""},
};
#define NSPELLINGS (sizeof spellings / sizeof *spellings)

/* Writes TEXT to DIR/NAME and returns the path (malloc'd). */
static char *write_in(const char *dir, const char *name, const char *text)
{
    char *path;

    if (asprintf(&path, "%s/%s", dir, name) < 0)
        abort();
    tu_write(path, text, strlen(text));
    return path;
}

START_TEST(test_chinese_spelling_equals_canonical)
{
    const spelling *c = &spellings[_i];
    char *base = tu_read_ok(BASE, NULL);
    char *canon = tu_replace(base, c->canonical_from, c->canonical_to);
    char *chinese = tu_replace(base, c->canonical_from, c->chinese_to);
    char *d1 = tu_tmpdir(), *d2 = tu_tmpdir(), *p1 = write_in(d1, "a.xml", canon),
         *p2 = write_in(d2, "a.xml", chinese), *cmd, *o1, *o2, *e1, *e2;
    fs_diags diags = {0};
    fs_error err;
    fs_dossier *a, *b;

    a = tu_load_text(canon, strlen(canon), "a.xml", &diags, &err, NULL);
    ck_assert_msg(a != NULL, "%s: canonical twin refused", c->what);
    b = tu_load_text(chinese, strlen(chinese), "a.xml", &diags, &err, NULL);
    ck_assert_msg(b != NULL, "%s: Chinese spelling refused", c->what);
    ck_assert_uint_eq(diags.errors, 0);
    ck_assert_int_eq(a->compliant, b->compliant);
    ck_assert_int_eq(fs_date_cmp(a->founded, b->founded), 0);
    ck_assert_int_eq(fs_date_cmp(a->date, b->date), 0);
    ck_assert_int_eq(a->star, b->star);
    ck_assert_int_eq(a->apply_star, b->apply_star);
    ck_assert_int_eq(a->members, b->members);
    ck_assert_int_eq(a->year, b->year);
    ck_assert_int_eq(fs_date_cmp(a->events[0].date, b->events[0].date), 0);
    for (int i = 0; i < 33; i++)
        ck_assert_int_eq(a->scores[i].points, b->scores[i].points);

    /* The command line: both validate, and score --json prints the same. */
    if (asprintf(&cmd, "cd %s && $FIVESTAR validate a.xml && $FIVESTAR score --json a.xml", d1) < 0)
        abort();
    ck_assert_int_eq(tu_run(cmd, &o1, &e1), 0);
    free(cmd);
    if (asprintf(&cmd, "cd %s && $FIVESTAR validate a.xml && $FIVESTAR score --json a.xml", d2) < 0)
        abort();
    ck_assert_int_eq(tu_run(cmd, &o2, &e2), 0);
    ck_assert_ptr_nonnull(strstr(o2, "a.xml: 通过检查"));
    ck_assert_ptr_nonnull(strstr(o2, "{\"file\":\"a.xml\""));
    ck_assert_str_eq(o1, o2);
    ck_assert_str_eq(e1, e2);
    free(cmd);
    free(o1);
    free(o2);
    free(e1);
    free(e2);
    fs_dossier_free(a);
    fs_dossier_free(b);
    fs_diags_clear(&diags);
    free(p1);
    free(p2);
    free(d1);
    free(d2);
    free(canon);
    free(chinese);
    free(base);
}
END_TEST

/* Fails unless NORM turns each CASES[i][0] into CASES[i][1] (NULL: not
 * recognised), for the N cases. */
static void expect_norm(char *(*norm)(const char *), const char *const (*cases)[2], size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char *r = norm(cases[i][0]);

        if (cases[i][1])
            ck_assert_msg(r && strcmp(r, cases[i][1]) == 0, "%s gave %s", cases[i][0],
                          r ? r : "NULL");
        else
            ck_assert_msg(r == NULL, "%s gave %s", cases[i][0], r);
        free(r);
    }
}

START_TEST(test_normalisers)
{
    static const char *const dates[][2] = {
        {"2010-06-18", "2010-06-18"}, {"2010年6月18日", "2010-06-18"}, {"2010/6/18", "2010-06-18"},
        {"2010.6.18", "2010-06-18"}, {" 2010-6-8 ", "2010-06-08"}, {"２０１０年１２月１日", "2010-12-01"},
        {"2010年6月18号", "2010-06-18"}, {"2010年6月18", "2010-06-18"},
        {"18/06/2010", NULL}, {"2010-6/18", NULL}, {"2010年6月", NULL}, {"二〇一〇年六月", NULL}, {"", NULL},
    };
    static const char *const stars[][2] = {
        {"5", "5"}, {"五星", "5"}, {"五星级", "5"}, {"５星级", "5"}, {"一星", "1"}, {"三", "3"},
        {"0", "0"}, {"无", "0"}, {"未获评", "0"}, {"六星", NULL}, {"6", NULL}, {"五颗星", NULL},
    };
    static const char *const yesno[][2] = {
        {"yes", "yes"}, {"No", "no"}, {"是", "yes"}, {"否", "no"}, {"　是　", "yes"},
        {"不达标", "no"}, {"maybe", NULL}, {"是否", NULL},
    };
    expect_norm(fs_norm_date, dates, sizeof dates / sizeof *dates);
    expect_norm(fs_norm_star, stars, sizeof stars / sizeof *stars);
    expect_norm(fs_norm_yesno, yesno, sizeof yesno / sizeof *yesno);
}
END_TEST

/* The tree function the editors use: values rewritten, lines kept. */
START_TEST(test_normalize_tree_writes_canonical)
{
    static const char xml[] =
        "<dossier format=\"1\" year=\"2018年\">\n"
        "  <organization>\n"
        "    <founded>2010年6月18日</founded>\n"
        "    <star>四星级</star>\n"
        "  </organization>\n"
        "  <application date=\"2018/4/12\" star=\"五星\"/>\n"
        "  <standing><compliant>是</compliant></standing>\n"
        "</dossier>\n";
    xmlDocPtr doc = xmlReadMemory(xml, (int)strlen(xml), "t.xml", NULL, XML_PARSE_NONET);
    xmlChar *out = NULL;
    int n = 0;

    ck_assert_ptr_nonnull(doc);
    ck_assert_int_eq(fs_dossier_normalize(doc), 6);
    ck_assert_int_eq(fs_dossier_normalize(doc), 0);     /* canonical stays put */
    xmlDocDumpMemory(doc, &out, &n);
    ck_assert_ptr_nonnull(strstr((char *)out, "year=\"2018\""));
    ck_assert_ptr_nonnull(strstr((char *)out, "<founded>2010-06-18</founded>"));
    ck_assert_ptr_nonnull(strstr((char *)out, "<star>4</star>"));
    ck_assert_ptr_nonnull(strstr((char *)out, "date=\"2018-04-12\" star=\"5\""));
    ck_assert_ptr_nonnull(strstr((char *)out, "<compliant>yes</compliant>"));
    ck_assert_int_eq(xmlGetLineNo(xmlDocGetRootElement(doc)->children->next->children->next), 3);
    xmlFree(out);
    xmlFreeDoc(doc);
}
END_TEST

/* The text function: canonical values written back, the rest kept; a
 * canonical text comes back byte for byte. */
START_TEST(test_normalize_text)
{
    char *base = tu_read_ok(BASE, NULL);
    char *text = tu_replace(base, "<founded>2010-06-18</founded>", "<founded>2010年6月18日</founded>");
    char *out = NULL;
    size_t n = 0;
    fs_diags diags = {0};

    ck_assert_int_eq(fs_dossier_normalize_text("a.xml", text, strlen(text), &out, &n, &diags), 1);
    ck_assert_ptr_nonnull(strstr(out, "<founded>2010-06-18</founded>"));
    ck_assert_ptr_nonnull(strstr(out, "<!-- A complete dossier"));        /* comments kept */
    ck_assert_int_eq(tu_line_of(out, "<founded>"), tu_line_of(text, "<founded>"));
    free(out);
    ck_assert_int_eq(fs_dossier_normalize_text("a.xml", base, strlen(base), &out, &n, &diags), 0);
    ck_assert_uint_eq(n, strlen(base));
    ck_assert_int_eq(memcmp(out, base, n), 0);
    free(out);
    ck_assert_int_eq(fs_dossier_normalize_text("b.xml", "<dossier>", 9, &out, &n, &diags), -1);
    ck_assert_uint_ge(diags.errors, 1);
    fs_diags_clear(&diags);
    free(text);
    free(base);
}
END_TEST

/* A value that is no spelling of anything is reported as typed. */
START_TEST(test_unknown_spelling_reported_as_typed)
{
    char *base = tu_read_ok(BASE, NULL), *text = tu_replace(base, "<founded>2010-06-18</founded>",
                                                 "<founded>二〇一〇年六月</founded>");
    fs_diags diags = {0};
    fs_error err;
    fs_dossier *d = tu_load_text(text, strlen(text), "a.xml", &diags, &err, NULL);

    ck_assert_ptr_null(d);
    ck_assert_ptr_nonnull(tu_find_diag(&diags, FS_ERROR, tu_line_of(text, "<founded>"),
                                       "“二〇一〇年六月”不是有效日期"));
    fs_diags_clear(&diags);
    free(text);
    free(base);
}
END_TEST

/* ------------------------------------------------------------------------
 * The closing line of batch commands.
 * ---------------------------------------------------------------------- */

START_TEST(test_batch_summary_names_failed)
{
    char *dir = tu_tmpdir(), *base = tu_read_ok(BASE, NULL);
    char *bad = tu_replace(base, "<score item=\"19\" points=\"5\"/>", "<score item=\"19\" points=\"6\"/>");
    char *malformed = tu_replace(base, "</unit>", "</unti>");
    char *pa = write_in(dir, "a.xml", bad), *pb = write_in(dir, "b.xml", malformed);
    char *cmd, *out, *err, *last;
    char *pm = write_in(dir, "m.xml", base);
    const char *const cmds[] = {
        "validate a.xml m.xml b.xml", "score --json a.xml m.xml b.xml",
        "render -o out a.xml m.xml b.xml", "render --jobs 2 -o out2 a.xml m.xml b.xml",
        "stats --skip-invalid -o s.pdf a.xml m.xml b.xml",
        "archive --skip-invalid -o x.zip a.xml m.xml b.xml",
    };
    const char *want = "完成：1 份成功", *failed = "，2 份有错误（a.xml、b.xml）：";

    for (size_t i = 0; i < sizeof cmds / sizeof *cmds; i++) {
        if (asprintf(&cmd, "cd %s && $FIVESTAR %s", dir, cmds[i]) < 0)
            abort();
        ck_assert_msg(tu_run(cmd, &out, &err) == 1, "%s: exit status is not 1", cmds[i]);
        last = strrchr(err, '\n');
        ck_assert_ptr_nonnull(last);
        *last = '\0';
        last = strrchr(err, '\n') ? strrchr(err, '\n') + 1 : err;
        ck_assert_msg(strncmp(last, want, strlen(want)) == 0 && strstr(last, failed),
                      "%s: last line \"%s\"", cmds[i], last);
        if (strncmp(cmds[i], "score", 5) == 0)
            ck_assert_msg(out[0] == '{' && strchr(out, '\n') == out + strlen(out) - 1,
                          "score --json: stdout is not one JSON line: %s", out);
        free(out);
        free(err);
        free(cmd);
    }
    /* One dossier: no closing line. */
    if (asprintf(&cmd, "cd %s && $FIVESTAR validate a.xml", dir) < 0)
        abort();
    ck_assert_int_eq(tu_run(cmd, &out, &err), 1);
    ck_assert_ptr_null(strstr(err, "完成"));
    free(out);
    free(err);
    free(cmd);
    free(pa);
    free(pb);
    free(pm);
    free(bad);
    free(malformed);
    free(base);
    free(dir);
}
END_TEST


/* ------------------------------------------------------------------------
 * Evidence at validate time, and samples that run clean.
 * ---------------------------------------------------------------------- */

START_TEST(test_validate_warns_missing_evidence)
{
    char *dir = tu_tmpdir(), *base = tu_read_ok(BASE, NULL), *cmd, *out, *err, *text, *path, *want;

    /* board.jpg is there, room.jpg is not, the folder is no file, the link
     * leaves the folder. */
    text = tu_replace(base, "<evidence href=\"photos/room.jpg\">",
                      "<evidence href=\"photos\">文件夹</evidence>"
                      "<evidence href=\"link.jpg\">链接</evidence>"
                      "<evidence href=\"photos/room.jpg\">");
    path = write_in(dir, "a.xml", text);
    if (asprintf(&cmd, "cd %s && mkdir photos && printf 'JPEG' > photos/board.jpg && "
                       "ln -s /etc/hostname link.jpg && $FIVESTAR validate a.xml", dir) < 0)
        abort();
    ck_assert_int_eq(tu_run(cmd, &out, &err), 0);      /* warnings only */
    ck_assert_ptr_nonnull(strstr(out, "a.xml: 通过检查（有警告）"));
    if (asprintf(&want, "a.xml:%ld: warning: 第15项的佐证材料 photos/room.jpg 不存在",
                 tu_line_of(text, "href=\"photos/room.jpg\"")) < 0)
        abort();
    ck_assert_msg(strstr(err, want), "no \"%s\" in:\n%s", want, err);
    ck_assert_msg(strstr(err, "photos 不是普通文件"), "%s", err);
    ck_assert_msg(strstr(err, "link.jpg 经过符号链接"), "%s", err);
    ck_assert_msg(!strstr(err, "board.jpg"), "%s", err);
    free(out);
    free(err);
    free(cmd);
    free(want);
    free(path);
    free(text);
    free(base);
    free(dir);
}
END_TEST

/* What make demo runs, on the shipped samples (the 统计表 of the 2018
 * ones: one year, as a 统计表 is made): no warning but those of the
 * sample kept to show them (minimal-2018.xml, said so in README). */
START_TEST(test_demo_runs_clean)
{
    char *dir = tu_tmpdir(), *cmd, *out, *err;

    if (asprintf(&cmd, "$FIVESTAR validate samples/*.xml && $FIVESTAR score samples/*.xml && "
                       "$FIVESTAR render samples/*.xml -o %s/out && "
                       "$FIVESTAR stats samples/*-2018.xml -o %s/out/s.pdf && "
                       "$FIVESTAR stats samples/*-2018.xml -o %s/out/s.docx && "
                       "$FIVESTAR archive samples/*.xml -o %s/out/a.zip && "
                       "$FIVESTAR flowchart dynamic -o %s/out/d.pdf --dossier samples/mingli-2018.xml",
                 dir, dir, dir, dir, dir) < 0)
        abort();
    ck_assert_int_eq(tu_run(cmd, &out, &err), 0);
    for (char *line = err; line && *line;) {
        char *end = strchr(line, '\n');
        if (end)
            *end = '\0';
        ck_assert_msg(strncmp(line, "完成：", strlen("完成：")) == 0 ||
                      strncmp(line, "samples/minimal-2018.xml:", strlen("samples/minimal-2018.xml:")) == 0,
                      "unexpected line on standard error: %s", line);
        line = end ? end + 1 : NULL;
    }
    free(out);
    free(err);
    free(cmd);
    free(dir);
}
END_TEST

/* ------------------------------------------------------------------------
 * Help, installation, missing libraries.
 * ---------------------------------------------------------------------- */

/* make run from a test that may itself run under make: without the
 * parent's flags (its jobserver, B=, OPT=). */
#define MAKE_CLEAN "env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL "

START_TEST(test_help_explains_every_option)
{
    static const char *const cases[][8] = {
        {"validate", "--verbose", NULL},
        {"score", "--json", "--verbose", NULL},
        {"render", "-o", "--format", "--office-fonts", "--pdfa", "--jobs", "--verbose", NULL},
        {"stats", "-o", "--skip-invalid", "--pdfa", "--office-fonts", NULL},
        {"flowchart", "-o", "--dossier", "--rubric", NULL},
        {"archive", "-o", "--date", "--skip-invalid", "--verify", NULL},
        {"new", "-o", "--force", "--rubric", "--year", NULL},
        {"serve", "--port", "--listen", "--no-open", NULL},
        {"bundle", "-o", "--pdfa", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *cmd, *out, *err;
        if (asprintf(&cmd, "$FIVESTAR %s --help", cases[i][0]) < 0)
            abort();
        ck_assert_int_eq(tu_run(cmd, &out, &err), 0);
        ck_assert_msg(strstr(out, "选项：") && strstr(out, "例子："), "%s --help:\n%s", cases[i][0], out);
        for (int k = 1; cases[i][k]; k++) {
            char *line;
            /* The option starts a line of the 选项 list, explained in Chinese. */
            if (asprintf(&line, "\n  %s ", cases[i][k]) < 0)
                abort();
            ck_assert_msg(strstr(out, line), "%s --help does not explain %s:\n%s", cases[i][0],
                          cases[i][k], out);
            free(line);
        }
        free(out);
        free(err);
        free(cmd);
    }
}
END_TEST

/* make install DESTDIR=… PREFIX=/usr, then the installed binary renders
 * the example from "/", with no FIVESTAR_* variable to help it; then make
 * uninstall leaves nothing behind. */
START_TEST(test_install_runs_from_anywhere)
{
    char *dir = tu_tmpdir(), *cmd, *out, *err;
    const char *forms[] = {"评定标准.pdf", "评定标准.docx", "申报表.pdf", "申报表.docx"};

    if (asprintf(&cmd, MAKE_CLEAN "make -s install-files BIN=$FIVESTAR DESTDIR=%s/root PREFIX=/usr && "
                       "cd / && env -u FIVESTAR_TEMPLATES -u FIVESTAR_FONTS %s/root/usr/bin/fivestar "
                       "render %s/root/usr/share/doc/fivestar/samples/mingli-2018.xml -o %s/out && "
                       "test -s %s/root/usr/share/man/man1/fivestar.1 && "
                       "test -s %s/root/usr/share/doc/fivestar/使用说明.md && "
                       "test -s %s/root/usr/share/bash-completion/completions/fivestar",
                 dir, dir, dir, dir, dir, dir, dir) < 0)
        abort();
    ck_assert_msg(tu_run(cmd, &out, &err) == 0, "install or run failed:\n%s%s", out, err);
    for (int i = 0; i < 4; i++) {
        char *p;
        struct stat sb;
        if (asprintf(&p, "%s/out/mingli-2018/%s", dir, forms[i]) < 0)
            abort();
        ck_assert_msg(stat(p, &sb) == 0 && sb.st_size > 1000, "%s not written", p);
        free(p);
    }
    free(out);
    free(err);
    free(cmd);
    if (asprintf(&cmd, MAKE_CLEAN "make -s uninstall DESTDIR=%s/root PREFIX=/usr && find %s/root -type f", dir, dir) < 0)
        abort();
    ck_assert_int_eq(tu_run(cmd, &out, &err), 0);
    ck_assert_msg(*out == '\0', "left after uninstall:\n%s", out);
    free(out);
    free(err);
    free(cmd);
    free(dir);
}
END_TEST

/* A plain make without libzip stops with one line naming the package and
 * make deps, before any compiler runs. */
START_TEST(test_missing_library_one_line)
{
    char *dir = tu_tmpdir(), *cmd, *out, *err;

    if (asprintf(&cmd, "mkdir -p %s/bin && printf '#!/bin/sh\\nfor a in \"$@\"; do [ \"$a\" = libzip ] && exit 1; done\\n"
                       "exec /usr/bin/pkg-config \"$@\"\\n' > %s/bin/pkg-config && chmod +x %s/bin/pkg-config && "
                       "PATH=%s/bin:$PATH " MAKE_CLEAN "make B=%s/build", dir, dir, dir, dir, dir) < 0)
        abort();
    ck_assert_int_eq(tu_run(cmd, &out, &err), 2);
    ck_assert_msg(strstr(err, "libzip-dev") && strstr(err, "make deps"), "%s", err);
    ck_assert_msg(strchr(err, '\n') == err + strlen(err) - 1, "more than one line:\n%s", err);
    ck_assert_msg(!strstr(out, "cc ") && !strstr(err, "cc "), "a compiler ran:\n%s%s", out, err);
    free(out);
    free(err);
    free(cmd);
    free(dir);
}
END_TEST

int main(void)
{
    char *abs = realpath(getenv("FIVESTAR") ? getenv("FIVESTAR") : "./fivestar", NULL);
    Suite *s = suite_create("cn");

    if (abs)
        setenv("FIVESTAR", abs, 1);     /* the tests cd into their folders */
    free(abs);
    TCase *tc = tcase_create("messages");

    char *templates = realpath("templates", NULL);

    setenv("FIVESTAR_TEMPLATES", templates ? templates : "templates", 0);
    free(templates);
    fs_templates_init(NULL);

    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, test_parser_errors_in_chinese, 0, NBROKEN);
    tcase_add_test(tc, test_cli_messages_chinese);
    tcase_add_test(tc, test_gbk_without_declaration);
    tcase_add_test(tc, test_gb18030_declared_loads_clean);
    tcase_add_test(tc, test_utf8_declared_gb18030_flagged);
    tcase_add_test(tc, test_nul_after_root_refused);
    tcase_add_test(tc, test_diagnostics_one_line);
    suite_add_tcase(s, tc);

    tc = tcase_create("spellings");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, test_chinese_spelling_equals_canonical, 0, NSPELLINGS);
    tcase_add_test(tc, test_normalisers);
    tcase_add_test(tc, test_normalize_tree_writes_canonical);
    tcase_add_test(tc, test_normalize_text);
    tcase_add_test(tc, test_unknown_spelling_reported_as_typed);
    suite_add_tcase(s, tc);

    tc = tcase_create("batch");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_batch_summary_names_failed);
    tcase_add_test(tc, test_validate_warns_missing_evidence);
    tcase_add_test(tc, test_demo_runs_clean);
    tcase_add_test(tc, test_help_explains_every_option);
    tcase_add_test(tc, test_install_runs_from_anywhere);
    tcase_add_test(tc, test_missing_library_one_line);
    suite_add_tcase(s, tc);
    return tu_main(s);
}
