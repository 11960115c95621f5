/*
 * test-core.c - the rubric loader, every validation rule of
 * docs/dossier-format.md, scoring in exact tenths, and the command line.
 *
 * Each bad dossier is the spec's example (samples/mingli-2018.xml) with one
 * edit; the test asserts that loading fails and that a diagnostic on the
 * edited line carries the rule's message.
 */
#include "testutil.h"
#include "fivestar.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <signal.h>

#define BASE "samples/mingli-2018.xml"

/* Loads TEXT as a dossier from a temporary file named NAME; fills DIAGS.
 * Like tu_load_text, but also checks, while the rubric cache still lives,
 * that a dossier that loads has the Dongguan rubric. */
static fs_dossier *load_text(const char *text, size_t len, const char *name,
                             fs_diags *diags, fs_error *err, char **path_out)
{
    char *dir = tu_tmpdir(), *path;
    fs_rubric_cache *cache = fs_rubric_cache_new();
    const fs_rubric *r;
    fs_dossier *d;

    if (asprintf(&path, "%s/%s", dir, name) < 0)
        abort();
    tu_write(path, text, len);
    d = fs_dossier_load(path, cache, &r, diags, err);
    fs_diags_sort(diags);
    if (d) {
        ck_assert_ptr_nonnull(r);
        ck_assert_str_eq(r->id, "dongguan-2018");
    }
    fs_rubric_cache_free(cache);
    free(dir);
    if (path_out)
        *path_out = path;
    else
        free(path);
    return d;
}

/* Asserts that DIAGS holds a diagnostic of SEV at LINE (>= 0) containing
 * MSG (tu_find_diag), listing all of them when it does not. */
static void assert_diag(const fs_diags *diags, fs_severity sev, long line,
                        const char *msg)
{
    char *all;

    if (tu_find_diag(diags, sev, line, msg))
        return;
    all = tu_diags_text(diags);
    ck_abort_msg("no %s at line %ld containing \"%s\"; got:\n%s",
                 sev == FS_ERROR ? "error" : "warning", line, msg, *all ? all : "  (none)\n");
}

/* ------------------------------------------------------------------------
 * One rule, one edit.
 * ---------------------------------------------------------------------- */

typedef struct rule_case {
    const char *rule;           /* what is being checked                   */
    const char *from;           /* text of the example to replace          */
    const char *to;             /* replacement; "%N%" → N copies of 字      */
    const char *marker;         /* names the line the error must be on     */
    const char *message;        /* part of the expected message            */
} rule_case;

static const rule_case rules[] = {
    {"format is 1", "format=\"1\"", "format=\"2\"", "<dossier ", "取值不在允许范围内"},
    {"year has four digits", "year=\"2018\"", "year=\"18\"", "<dossier ", "四位数字"},
    {"rubric must exist", "rubric=\"dongguan-2018\"", "rubric=\"../../etc/passwd\"", "<dossier ", "未知的评定标准"},
    {"required element", "    <leader>李某某</leader>\n", "", "<phone>", "应为 <leader>"},
    {"unknown element", "<star>4</star>", "<star>4</star><fax>0769</fax>", "<fax>", "不应出现 <fax>"},
    {"element order", "<unit>广东明理律师事务所</unit>\n    <town>南城街道</town>",
     "<town>南城街道</town>\n    <unit>广东明理律师事务所</unit>", "<town>", "应为 <unit>"},
    {"required attribute", "<application date=\"2018-04-12\" star=\"5\">", "<application star=\"5\">",
     "<application", "缺少必需的属性 date"},
    {"no text in score", "<score item=\"3\" points=\"2\"/>", "<score item=\"3\" points=\"2\">很好</score>",
     "<score item=\"3\"", "不应有文字"},
    {"name not empty", "中共东莞市明理律师事务所支部委员会</name>", " </name>", "<name>", "党组织名称（name）不能为空"},
    {"name ≤ 100", "中共东莞市明理律师事务所支部委员会</name>", "%101%</name>", "<name>", "超过上限 100"},
    {"unit ≤ 100", "广东明理律师事务所</unit>", "%101%</unit>", "<unit>", "超过上限 100"},
    {"town ≤ 50", "南城街道</town>", "%51%</town>", "<town>", "超过上限 50"},
    {"leader ≤ 30", "李某某</leader>", "%31%</leader>", "<leader>", "超过上限 30"},
    {"members whole", "<members>15</members>", "<members>十五</members>", "<members>", "1–100000 的整数"},
    {"members ≥ 1", "<members>15</members>", "<members>0</members>", "<members>", "1–100000 的整数"},
    {"members ≤ 100000", "<members>15</members>", "<members>100001</members>", "<members>", "1–100000 的整数"},
    {"founded real date", "2010-06-18", "2018-02-30", "<founded>", "不是有效日期"},
    {"founded format", "2010-06-18", "18/06/2010", "<founded>", "不是有效日期"},
    {"founded not after application", "2010-06-18", "2018-04-13", "<application", "晚于申报时间"},
    {"phone characters", "0769-22881234", "0769-2288x234", "<phone>", "单位电话"},
    {"phone ≥ 7", "0769-22881234", "228812", "<phone>", "7–20 个字符"},
    {"phone ≤ 20", "0769-22881234", "0769-22881234-0000000", "<phone>", "7–20 个字符"},
    {"star 0..5", "<star>4</star>", "<star>6</star>", "<star>", "0–5 的整数"},
    {"application date real", "date=\"2018-04-12\" star", "date=\"2018-13-01\" star", "<application", "不是有效日期"},
    {"applied star has threshold", "date=\"2018-04-12\" star=\"5\"", "date=\"2018-04-12\" star=\"4\"",
     "<application", "没有达标分数线"},
    {"applied star 1..5", "date=\"2018-04-12\" star=\"5\"", "date=\"2018-04-12\" star=\"9\"",
     "<application", "1–5 的整数"},
    {"situation section in rubric", "<situation section=\"6\">", "<situation section=\"7\">",
     "<situation section=\"7\">", "部分编号 1–6"},
    {"situation once per section", "<situation section=\"2\">", "<situation section=\" 1\">",
     "section=\" 1\"", "第1部分（班子建设情况）重复"},
    {"every item scored", "    <score item=\"33\" points=\"1.5\"/>\n", "", "<assessment>", "缺少第33项"},
    {"item scored once", "<score item=\"32\" points=\"2\"/>", "<score item=\"31\" points=\"2\"/>",
     "<score item=\"31\" points=\"2\"/>", "第31项自评分重复"},
    {"item in rubric", "<score item=\"33\" points=\"1.5\"/>", "<score item=\"34\" points=\"1.5\"/>",
     "<score item=\"34\"", "不是评定标准中的项目编号"},
    {"points one decimal", "<score item=\"6\" points=\"4\"/>", "<score item=\"6\" points=\"4.25\"/>",
     "<score item=\"6\"", "最多一位小数"},
    {"points not negative", "<score item=\"6\" points=\"4\"/>", "<score item=\"6\" points=\"-1\"/>",
     "<score item=\"6\"", "最多一位小数"},
    {"points a number", "<score item=\"6\" points=\"4\"/>", "<score item=\"6\" points=\"四\"/>",
     "<score item=\"6\"", "最多一位小数"},
    {"points within max", "<score item=\"19\" points=\"5\"/>", "<score item=\"19\" points=\"6\"/>",
     "<score item=\"19\"", "第19项自评分 6 超过该项分值 5"},
    {"note ≤ 500", "<note>参与所务重大事项研究的记录不够完整。</note>", "<note>%501%</note>",
     "<note>", "超过上限 500"},
    {"href relative", "href=\"photos/board.jpg\"", "href=\"/etc/passwd\"", "href=", "绝对路径"},
    {"href inside folder", "href=\"photos/board.jpg\"", "href=\"photos/../../secret.pdf\"", "href=", ".."},
    {"href no backslash", "href=\"photos/board.jpg\"", "href=\"photos\\board.jpg\"", "href=", "反斜杠"},
    {"href no scheme or drive", "href=\"photos/board.jpg\"", "href=\"C:/board.jpg\"", "href=", "冒号"},
    {"no control characters", "<leader>李某某</leader>", "<leader>李&#x7F;某某</leader>", "<leader>", "U+007F"},
    {"no C1 control characters", "<plan>2018年内", "<plan>2018&#x85;年内", "<plan>", "U+0085"},
    {"text ≤ 5000", "<remark>申报材料共3册。</remark>", "<remark>%5001%</remark>", "<remark>", "超过上限 5000"},
    {"history in date order", "<event date=\"2018-05-10\" stage=\"committee-review\"",
     "<event date=\"2018-04-01\" stage=\"committee-review\"", "stage=\"committee-review\"", "早于"},
    {"result only on reviews", "stage=\"submitted\"/>", "stage=\"submitted\" result=\"pass\"/>",
     "stage=\"submitted\"", "不是审核环节"},
    {"event date real", "<event date=\"2018-04-12\"", "<event date=\"2018-04-31\"", "2018-04-31", "不是有效日期"},
    {"stage known", "stage=\"creation\"", "stage=\"built\"", "stage=\"built\"", "不是评定标准 dongguan-2018 的流程图中的环节：应为 submitted（提交申报材料）、"},
    {"compliant yes|no", "<compliant>yes</compliant>", "<compliant>maybe</compliant>", "<compliant>",
     "取值不在允许范围内"},
    {"well-formed", "</leader>", "</leadr>", "</leadr>", "XML 格式错误"},
    {"no DTD", "<dossier ", "<!DOCTYPE dossier [<!ENTITY a \"x\">]>\n<dossier ", "<!DOCTYPE", "文档类型声明"},
    {"no entities", "李某某</leader>", "&nbsp;李某某</leader>", "<leader>", "不允许使用实体"},
};
#define NRULES (sizeof rules / sizeof *rules)

/* Expands "%N%" in TO into N copies of a CJK character. */
static char *expand(const char *to)
{
    const char *p = strstr(to, "%");
    fs_buf b = {0};
    long n;

    if (!p)
        return fs_strdup(to);
    n = strtol(p + 1, NULL, 10);
    fs_buf_add(&b, to, (size_t)(p - to));
    for (long i = 0; i < n; i++)
        fs_buf_adds(&b, "字");
    fs_buf_adds(&b, strchr(p + 1, '%') + 1);
    return b.s;
}

START_TEST(test_rule)
{
    const rule_case *c = &rules[_i];
    char *base = tu_read_ok(BASE, NULL), *to = expand(c->to), *text = tu_replace(base, c->from, to);
    fs_diags diags = {0};
    fs_error err;
    fs_dossier *d = load_text(text, strlen(text), "bad.xml", &diags, &err, NULL);

    ck_assert_msg(d == NULL, "rule \"%s\": the bad dossier was accepted", c->rule);
    ck_assert_int_eq(err, FS_E_INVALID);
    assert_diag(&diags, FS_ERROR, tu_line_of(text, c->marker), c->message);
    fs_diags_clear(&diags);
    free(base);
    free(to);
    free(text);
}
END_TEST

/* ------------------------------------------------------------------------
 * Rules that need more than one edit.
 * ---------------------------------------------------------------------- */

START_TEST(test_samples_validate)
{
    static const char *const files[] = {
        "samples/mingli-2018.xml", "samples/hengtai-2018.xml", "samples/dalang-social-2018.xml",
        "samples/minimal-2018.xml", "samples/qinghe-shizhiguan-2019.xml",
        "samples/songshan-revoked-2018.xml",
    };
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        fs_rubric_cache *cache = fs_rubric_cache_new();
        fs_diags diags = {0};
        const fs_rubric *r;
        fs_error err;
        fs_dossier *d = fs_dossier_load(files[i], cache, &r, &diags, &err);
        ck_assert_msg(d != NULL, "%s does not validate (%zu errors)", files[i], diags.errors);
        ck_assert_int_eq(err, FS_OK);
        fs_dossier_free(d);
        fs_diags_clear(&diags);
        fs_rubric_cache_free(cache);
    }
}
END_TEST

START_TEST(test_example_fields)
{
    char *base = tu_read_ok(BASE, NULL);
    fs_diags diags = {0};
    fs_error err;
    fs_dossier *d = load_text(base, strlen(base), "a.xml", &diags, &err, NULL);

    ck_assert_ptr_nonnull(d);
    ck_assert_uint_eq(diags.n, 0);
    ck_assert_str_eq(d->name.s, "中共东莞市明理律师事务所支部委员会");
    ck_assert_int_eq(d->members, 15);
    ck_assert_int_eq(d->star, 4);
    ck_assert_int_eq(d->apply_star, 5);
    ck_assert_int_eq(d->founded.y, 2010);
    /* Narratives: one paragraph per line, indentation dropped. */
    ck_assert_str_eq(d->honors.s, "2016年获评东莞市律师行业先进基层党组织。\n"
                                  "2017年支部书记获评东莞市社会组织优秀共产党员。");
    ck_assert_ptr_nonnull(d->situation[5].s);
    ck_assert_int_eq(d->scores[4].points, 35);
    ck_assert_str_eq(d->scores[4].note.s, "参与所务重大事项研究的记录不够完整。");
    ck_assert_str_eq(d->scores[1].evidence[0].href, "photos/board.jpg");
    ck_assert_uint_eq(d->nevents, 4);
    ck_assert_str_eq(d->events[1].stage, "initial-review");
    ck_assert_int_eq(d->events[1].result, FS_RESULT_PASS);
    ck_assert_int_eq(d->compliant, 1);
    fs_dossier_free(d);
    fs_diags_clear(&diags);
    free(base);
}
END_TEST

START_TEST(test_missing_situation_warns)
{
    char *base = tu_read_ok(BASE, NULL);
    char *text = tu_replace(base, "<situation section=\"3\">", "<remark-not>");
    fs_diags diags = {0};
    fs_error err;
    fs_dossier *d;

    /* Drop the whole <situation section="3"> element. */
    free(text);
    {
        const char *s = strstr(base, "    <situation section=\"3\">");
        const char *e = strstr(s, "</situation>\n") + strlen("</situation>\n");
        if (asprintf(&text, "%.*s%s", (int)(s - base), base, e) < 0)
            abort();
    }
    d = load_text(text, strlen(text), "w.xml", &diags, &err, NULL);
    ck_assert_ptr_nonnull(d);
    ck_assert_uint_eq(diags.errors, 0);
    assert_diag(&diags, FS_WARNING, tu_line_of(text, "<application"), "未填写阵地建设情况");
    fs_dossier_free(d);
    fs_diags_clear(&diags);
    free(text);
    free(base);
}
END_TEST

START_TEST(test_year_mismatch_warns)
{
    char *base = tu_read_ok(BASE, NULL);
    char *text = tu_replace(base, "year=\"2018\"", "year=\"2017\"");
    fs_diags diags = {0};
    fs_error err;
    fs_dossier *d = load_text(text, strlen(text), "w.xml", &diags, &err, NULL);

    ck_assert_ptr_nonnull(d);
    assert_diag(&diags, FS_WARNING, tu_line_of(text, "<application"), "不在评定年度 2017 内");
    fs_dossier_free(d);
    fs_diags_clear(&diags);
    free(text);
    free(base);
}
END_TEST

START_TEST(test_all_problems_in_line_order)
{
    char *base = tu_read_ok(BASE, NULL);
    char *t1 = tu_replace(base, "<score item=\"19\" points=\"5\"/>", "<score item=\"19\" points=\"6\"/>");
    char *t2 = tu_replace(t1, "<leader>李某某</leader>", "<leader>李&#x7F;某某</leader>");
    char *t3 = tu_replace(t2, "中共东莞市明理律师事务所支部委员会</name>", "</name>");
    fs_diags diags = {0};
    fs_error err;
    fs_dossier *d = load_text(t3, strlen(t3), "many.xml", &diags, &err, NULL);

    ck_assert_ptr_null(d);
    ck_assert_uint_eq(diags.errors, 3);
    ck_assert_int_eq(diags.v[0].line, tu_line_of(t3, "<name>"));
    ck_assert_int_eq(diags.v[1].line, tu_line_of(t3, "<leader>"));
    ck_assert_int_eq(diags.v[2].line, tu_line_of(t3, "<score item=\"19\""));
    fs_diags_clear(&diags);
    free(t1);
    free(t2);
    free(t3);
    free(base);
}
END_TEST

/* The five predefined entities and character references are plain XML,
 * not entities to refuse. */
START_TEST(test_predefined_entities_accepted)
{
    char *base = tu_read_ok(BASE, NULL);
    char *text = tu_replace(base, "<leader>李某某</leader>", "<leader>李&amp;某&#x4E2D;&lt;&#20013;</leader>");
    fs_diags diags = {0};
    fs_error err;
    fs_dossier *d = load_text(text, strlen(text), "amp.xml", &diags, &err, NULL);

    ck_assert_ptr_nonnull(d);
    ck_assert_str_eq(d->leader.s, "李&某中<中");
    fs_dossier_free(d);
    fs_diags_clear(&diags);
    free(text);
    free(base);
}
END_TEST

START_TEST(test_size_limit)
{
    char *base = tu_read_ok(BASE, NULL);
    size_t n = (size_t)FS_MAX_FILE_BYTES + 1;
    char *big = malloc(n);
    fs_diags diags = {0};
    fs_error err;
    const char *tail = strstr(base, "<dossier ");
    size_t head = (size_t)(tail - base);

    /* The example, padded with a comment up to one byte over 4 MiB. */
    memcpy(big, base, head);
    memcpy(big + head, "<!--", 4);
    memset(big + head + 4, 'x', n - head - 7 - strlen(tail));
    memcpy(big + n - 3 - strlen(tail), "-->", 3);
    memcpy(big + n - strlen(tail), tail, strlen(tail));
    ck_assert_ptr_null(load_text(big, n, "big.xml", &diags, &err, NULL));
    ck_assert_int_eq(err, FS_E_INVALID);
    ck_assert_ptr_nonnull(strstr(diags.v[0].message, "超过上限"));
    fs_diags_clear(&diags);
    free(big);
    free(base);
}
END_TEST

/* Converts the example to ENCODING with iconv(3) and declares it. */
static char *reencode(const char *encoding, size_t *outlen)
{
    char *base = tu_read_ok(BASE, NULL);
    char *decl;
    char *text;
    iconv_t cd = iconv_open(encoding, "UTF-8");
    size_t inleft, outleft;
    char *in, *out, *buf;

    if (asprintf(&decl, "encoding=\"%s\"", encoding) < 0)
        abort();
    text = tu_replace(base, "encoding=\"UTF-8\"", decl);
    ck_assert(cd != (iconv_t)-1);
    inleft = strlen(text);
    outleft = inleft * 2 + 16;
    buf = out = malloc(outleft);
    in = text;
    ck_assert(iconv(cd, &in, &inleft, &out, &outleft) != (size_t)-1);
    iconv_close(cd);
    *outlen = (size_t)(out - buf);
    free(decl);
    free(text);
    free(base);
    return buf;
}

START_TEST(test_gb18030)
{
    size_t n;
    char *text = reencode("GB18030", &n);
    fs_diags diags = {0};
    fs_error err;
    fs_dossier *d = load_text(text, n, "gb.xml", &diags, &err, NULL);

    ck_assert_msg(d != NULL, "a GB18030 dossier is refused");
    ck_assert_ptr_null(memmem(text, n, "明理", strlen("明理")));   /* really re-encoded */
    ck_assert_str_eq(d->name.s, "中共东莞市明理律师事务所支部委员会");
    fs_dossier_free(d);
    fs_diags_clear(&diags);
    free(text);
}
END_TEST

START_TEST(test_bom)
{
    char *base = tu_read_ok(BASE, NULL), *text;
    fs_diags diags = {0};
    fs_error err;
    fs_dossier *d;

    if (asprintf(&text, "\xEF\xBB\xBF%s", base) < 0)
        abort();
    d = load_text(text, strlen(text), "bom.xml", &diags, &err, NULL);
    ck_assert_ptr_nonnull(d);
    fs_dossier_free(d);
    fs_diags_clear(&diags);
    free(text);
    free(base);
}
END_TEST

START_TEST(test_unknown_encoding)
{
    char *base = tu_read_ok(BASE, NULL);
    char *text = tu_replace(base, "encoding=\"UTF-8\"", "encoding=\"X-NO-SUCH\"");
    fs_diags diags = {0};
    fs_error err;

    ck_assert_ptr_null(load_text(text, strlen(text), "enc.xml", &diags, &err, NULL));
    ck_assert_uint_ge(diags.errors, 1);
    fs_diags_clear(&diags);
    free(text);
    free(base);
}
END_TEST

/* An external entity naming a FIFO: were it ever opened, open(2) would
 * block for lack of a writer and the test would time out. */
START_TEST(test_external_entity_not_read)
{
    char *dir = tu_tmpdir(), *fifo, *doc;
    fs_diags diags = {0};
    fs_error err;

    if (asprintf(&fifo, "%s/pipe", dir) < 0)
        abort();
    ck_assert_int_eq(mkfifo(fifo, 0600), 0);
    if (asprintf(&doc, "<?xml version=\"1.0\"?>\n<!DOCTYPE dossier [\n"
                       "<!ENTITY xxe SYSTEM \"file://%s\">\n]>\n"
                       "<dossier format=\"1\" year=\"2018\"><organization><name>&xxe;</name>"
                       "</organization></dossier>\n", fifo) < 0)
        abort();
    ck_assert_ptr_null(load_text(doc, strlen(doc), "xxe.xml", &diags, &err, NULL));
    ck_assert_int_eq(err, FS_E_INVALID);
    assert_diag(&diags, FS_ERROR, 2, "文档类型声明");
    fs_diags_clear(&diags);
    free(doc);
    free(fifo);
    free(dir);
}
END_TEST

START_TEST(test_billion_laughs)
{
    fs_buf b = {0};
    fs_diags diags = {0};
    fs_error err;

    fs_buf_adds(&b, "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n<!ENTITY lol \"lol\">\n");
    for (int i = 1; i <= 9; i++)
        fs_buf_printf(&b, "<!ENTITY lol%d \"&lol%d;&lol%d;&lol%d;&lol%d;&lol%d;&lol%d;&lol%d;&lol%d;&lol%d;&lol%d;\">\n",
                      i, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1);
    fs_buf_adds(&b, "]>\n<dossier format=\"1\" year=\"2018\">&lol9;</dossier>\n");
    /* "lol0" is spelt "lol" above. */
    char *text = tu_replace(b.s, "&lol0;&lol0;", "&lol;&lol;");
    while (strstr(text, "&lol0;")) {
        char *t = tu_replace(text, "&lol0;", "&lol;");
        free(text);
        text = t;
    }
    ck_assert_ptr_null(load_text(text, strlen(text), "lol.xml", &diags, &err, NULL));
    assert_diag(&diags, FS_ERROR, 2, "文档类型声明");
    fs_diags_clear(&diags);
    fs_buf_free(&b);
    free(text);
}
END_TEST

/* ------------------------------------------------------------------------
 * Scoring.
 * ---------------------------------------------------------------------- */

/* The example with every item's points taken from POINTS[0..32]. */
static char *with_points(const char *const points[33])
{
    char *text = tu_read_ok(BASE, NULL);
    const char *s = strstr(text, "<assessment>") + strlen("<assessment>");
    const char *e = strstr(text, "</assessment>");
    fs_buf b = {0};

    fs_buf_add(&b, text, (size_t)(s - text));
    fs_buf_adds(&b, "\n");
    for (int i = 0; i < 33; i++)
        fs_buf_printf(&b, "    <score item=\"%d\" points=\"%s\"/>\n", i + 1, points[i]);
    fs_buf_adds(&b, "  ");
    fs_buf_adds(&b, e);
    free(text);
    return b.s;
}

static void score_of(const char *const points[33], fs_result_sheet *out)
{
    char *text = with_points(points);
    char *dir = tu_tmpdir(), *path;
    fs_rubric_cache *cache = fs_rubric_cache_new();
    fs_diags diags = {0};
    const fs_rubric *r;
    fs_error err;
    fs_dossier *d;

    if (asprintf(&path, "%s/s.xml", dir) < 0)
        abort();
    tu_write(path, text, strlen(text));
    d = fs_dossier_load(path, cache, &r, &diags, &err);
    ck_assert_msg(d != NULL, "scoring fixture invalid");
    fs_score_dossier(d, r, out);
    fs_dossier_free(d);
    fs_diags_clear(&diags);
    fs_rubric_cache_free(cache);
    free(path);
    free(dir);
    free(text);
}

static const char *const maxima[33] = {
    "5", "3", "2", "2", "4", "4", "3", "3", "2", "2", "3", "2", "3", "2", "5", "5", "5",
    "3", "5", "5", "3", "2", "2", "2", "3", "3", "3", "2", "2", "3", "2", "3", "2",
};

START_TEST(test_tenths_sum_exact)
{
    const char *p[33];
    fs_result_sheet s;
    char buf[24];

    for (int i = 0; i < 33; i++)
        p[i] = "0.1";
    score_of(p, &s);
    ck_assert_int_eq(s.total, 33);
    ck_assert_str_eq(fs_tenths_format(s.total, buf, sizeof buf), "3.3");
    ck_assert_int_eq(s.section[0], 6);
    ck_assert(!s.qualified);
}
END_TEST

START_TEST(test_ninety_qualifies)
{
    const char *p[33];
    fs_result_sheet s;

    memcpy(p, maxima, sizeof p);
    p[0] = "0";                 /* -5  */
    p[14] = "0.0";              /* -5  */
    p[15] = "5.0";
    score_of(p, &s);
    ck_assert_int_eq(s.total, 900);
    ck_assert_int_eq(s.threshold, 900);
    ck_assert(s.qualified);
    p[1] = "2.9";               /* 89.9 */
    score_of(p, &s);
    ck_assert_int_eq(s.total, 899);
    ck_assert(!s.qualified);
}
END_TEST

START_TEST(test_example_total)
{
    char *base = tu_read_ok(BASE, NULL);
    fs_diags diags = {0};
    fs_error err;
    fs_rubric_cache *cache = fs_rubric_cache_new();
    const fs_rubric *r;
    fs_dossier *d = fs_dossier_load(BASE, cache, &r, &diags, &err);
    fs_result_sheet s;
    static const fs_tenths sections[6] = {195, 195, 140, 245, 100, 55};

    ck_assert_ptr_nonnull(d);
    fs_score_dossier(d, r, &s);
    ck_assert_int_eq(s.total, 930);
    for (int i = 0; i < 6; i++)
        ck_assert_int_eq(s.section[i], sections[i]);
    ck_assert(s.qualified);
    fs_dossier_free(d);
    fs_rubric_cache_free(cache);
    fs_diags_clear(&diags);
    free(base);
}
END_TEST

START_TEST(test_tenths_parse_format)
{
    fs_tenths t;
    char buf[24];

    ck_assert_int_eq(fs_tenths_parse("4", &t), 0);
    ck_assert_int_eq(t, 40);
    ck_assert_int_eq(fs_tenths_parse("4.5", &t), 0);
    ck_assert_int_eq(t, 45);
    ck_assert_int_eq(fs_tenths_parse("4.0", &t), 0);
    ck_assert_int_eq(t, 40);
    ck_assert_int_eq(fs_tenths_parse("4.25", &t), -1);
    ck_assert_int_eq(fs_tenths_parse("-1", &t), -1);
    ck_assert_int_eq(fs_tenths_parse("4.", &t), -1);
    ck_assert_int_eq(fs_tenths_parse(".5", &t), -1);
    ck_assert_int_eq(fs_tenths_parse("1e1", &t), -1);
    ck_assert_int_eq(fs_tenths_parse(" 4", &t), -1);
    ck_assert_str_eq(fs_tenths_format(930, buf, sizeof buf), "93");
    ck_assert_str_eq(fs_tenths_format(195, buf, sizeof buf), "19.5");
    ck_assert_str_eq(fs_tenths_format(5, buf, sizeof buf), "0.5");
    ck_assert_str_eq(fs_tenths_format(-5, buf, sizeof buf), "-0.5");
}
END_TEST

START_TEST(test_dates)
{
    fs_date d;
    char buf[32];

    ck_assert_int_eq(fs_date_parse("2016-02-29", &d), 0);
    ck_assert_int_eq(fs_date_parse("2018-02-29", &d), -1);
    ck_assert_int_eq(fs_date_parse("1900-02-29", &d), -1);
    ck_assert_int_eq(fs_date_parse("2000-02-29", &d), 0);
    ck_assert_int_eq(fs_date_parse("2018-4-12", &d), -1);
    ck_assert_int_eq(fs_date_parse("2018-04-12", &d), 0);
    ck_assert_str_eq(fs_date_format_cn(d, buf, sizeof buf), "2018年4月12日");
}
END_TEST

/* ------------------------------------------------------------------------
 * The rubric loader.
 * ---------------------------------------------------------------------- */

/* A templates folder whose rubric file is the real one with one edit. */
static char *templates_with(const char *from, const char *to)
{
    char *dir = tu_tmpdir(), *cmd, *path, *rubric, *edited;

    if (asprintf(&cmd, "cp -r templates/. %s/", dir) < 0)
        abort();
    ck_assert_int_eq(system(cmd), 0);
    if (asprintf(&path, "%s/rubrics/dongguan-2018.xml", dir) < 0)
        abort();
    rubric = tu_read(path, NULL);
    edited = tu_replace(rubric, from, to);
    tu_write(path, edited, strlen(edited));
    free(cmd);
    free(path);
    free(rubric);
    free(edited);
    return dir;
}

static void expect_rubric_error(const char *from, const char *to, const char *msg)
{
    char *dir = templates_with(from, to), *path;
    fs_diags diags = {0};
    fs_error err;
    fs_rubric *r;
    int found = 0;

    if (asprintf(&path, "%s/rubrics/dongguan-2018.xml", dir) < 0)
        abort();
    setenv("FIVESTAR_TEMPLATES", dir, 1);
    fs_templates_init(NULL);
    r = fs_rubric_load(path, &diags, &err);
    setenv("FIVESTAR_TEMPLATES", "templates", 1);   /* as main() set it */
    fs_templates_init(NULL);
    ck_assert_ptr_null(r);
    ck_assert_int_eq(err, FS_E_TEMPLATE);
    for (size_t i = 0; i < diags.n; i++)
        found |= strstr(diags.v[i].message, msg) != NULL && strcmp(diags.v[i].file, path) == 0;
    ck_assert_msg(found, "no rubric error \"%s\" (got %zu diagnostics: %s)", msg, diags.n,
                  diags.n ? diags.v[0].message : "");
    fs_diags_clear(&diags);
    free(path);
    free(dir);
}

START_TEST(test_rubric_loads)
{
    char *path = fs_rubric_path("dongguan-2018");
    fs_diags diags = {0};
    fs_error err;
    fs_rubric *r = fs_rubric_load(path, &diags, &err);

    ck_assert_ptr_nonnull(r);
    ck_assert_uint_eq(r->nsections, 6);
    ck_assert_uint_eq(r->nitems, 33);
    ck_assert_int_eq(r->max, 1000);
    ck_assert_int_eq(fs_rubric_threshold(r, 5)->min, 900);
    ck_assert_ptr_null(fs_rubric_threshold(r, 4));
    ck_assert_str_eq(r->sections[1].label, "二、队伍建设");
    ck_assert_int_eq(r->sections[1].first_item, 6);
    ck_assert_int_eq(r->sections[1].nitems, 8);
    ck_assert_uint_eq(r->items[16].nstandard, 3);        /* item 17: three paragraphs */
    ck_assert_ptr_null(r->items[3].check);               /* item 4: no 检查内容 */
    ck_assert_str_eq(r->items[0].check, "会议纪要、请示、批复等文件");
    ck_assert_ptr_nonnull(strstr(r->remark, "总分达90分及以上的"));
    fs_rubric_free(r);
    fs_diags_clear(&diags);
    free(path);
}
END_TEST

START_TEST(test_rubric_items_add_up)
{
    expect_rubric_error("<item number=\"1\" max=\"5\">", "<item number=\"1\" max=\"6\">",
                        "各项分值之和为 21，与该部分分值 20 不符");
}
END_TEST

START_TEST(test_rubric_sections_add_up)
{
    expect_rubric_error("id=\"dongguan-2018\" max=\"100\"", "id=\"dongguan-2018\" max=\"99\"",
                        "各部分分值之和为 100，与总分 99 不符");
}
END_TEST

START_TEST(test_rubric_numbering)
{
    expect_rubric_error("<item number=\"2\" max=\"3\">", "<item number=\"34\" max=\"3\">",
                        "应按 1、2、3");
}
END_TEST

START_TEST(test_rubric_structure)
{
    expect_rubric_error("<check>会议纪要、请示、批复等文件</check>",
                        "<check>会议纪要、请示、批复等文件</check><check>x</check>",
                        "结构错误");
}
END_TEST

START_TEST(test_rubric_id_is_not_a_path)
{
    ck_assert(!fs_rubric_id_ok("../x"));
    ck_assert(!fs_rubric_id_ok("a/b"));
    ck_assert(!fs_rubric_id_ok(""));
    ck_assert(fs_rubric_id_ok("dongguan-2018"));
    ck_assert_ptr_null(fs_rubric_path("../rubrics/dongguan-2018"));
    ck_assert_ptr_null(fs_rubric_path("dongguan"));
}
END_TEST

/* ------------------------------------------------------------------------
 * The command line.
 * ---------------------------------------------------------------------- */

START_TEST(test_cli_validate_samples)
{
    char *out, *err;
    ck_assert_int_eq(tu_run("$FIVESTAR validate samples/*.xml", &out, &err), 0);
    ck_assert_ptr_nonnull(strstr(out, "samples/mingli-2018.xml: 通过检查"));
    free(out);
    free(err);
}
END_TEST

START_TEST(test_cli_validate_bad)
{
    char *dir = tu_tmpdir(), *cmd, *out, *err, *base = tu_read_ok(BASE, NULL);
    char *text = tu_replace(base, "<score item=\"19\" points=\"5\"/>", "<score item=\"19\" points=\"6\"/>");
    char *path, *expect;

    if (asprintf(&path, "%s/a.xml", dir) < 0 ||
        asprintf(&cmd, "$FIVESTAR validate %s " BASE, path) < 0 ||
        asprintf(&expect, "%s:%ld: error: 第19项自评分 6 超过该项分值 5\n"
                 "完成：1 份成功，1 份有错误（%s）：请按上面的 error 信息逐一改正后重新运行\n", path,
                 tu_line_of(text, "<score item=\"19\""), path) < 0)
        abort();
    tu_write(path, text, strlen(text));
    ck_assert_int_eq(tu_run(cmd, &out, &err), 1);
    ck_assert_str_eq(err, expect);
    ck_assert_ptr_nonnull(strstr(out, BASE ": 通过检查"));   /* the good one still checked */
    free(out);
    free(err);
    free(cmd);
    free(expect);
    free(path);
    free(text);
    free(base);
    free(dir);
}
END_TEST

START_TEST(test_cli_exit_codes)
{
    ck_assert_int_eq(tu_run("$FIVESTAR", NULL, NULL), 2);
    ck_assert_int_eq(tu_run("$FIVESTAR frobnicate", NULL, NULL), 2);
    ck_assert_int_eq(tu_run("$FIVESTAR validate", NULL, NULL), 2);
    ck_assert_int_eq(tu_run("$FIVESTAR validate --bogus " BASE, NULL, NULL), 2);
    ck_assert_int_eq(tu_run("$FIVESTAR score " BASE " -o", NULL, NULL), 2);
    ck_assert_int_eq(tu_run("$FIVESTAR validate /nonexistent/x.xml", NULL, NULL), 3);
    ck_assert_int_eq(tu_run("$FIVESTAR --help", NULL, NULL), 0);
    ck_assert_int_eq(tu_run("$FIVESTAR validate --help", NULL, NULL), 0);
    /* A broken template is an internal failure, not the dossier's. */
    ck_assert_int_eq(tu_run("FIVESTAR_TEMPLATES=/nonexistent $FIVESTAR validate " BASE, NULL, NULL), 3);
}
END_TEST

START_TEST(test_cli_version)
{
    char *out;
    ck_assert_int_eq(tu_run("$FIVESTAR --version", &out, NULL), 0);
    ck_assert_str_eq(out, "fivestar " FS_VERSION "\n");
    free(out);
}
END_TEST

START_TEST(test_cli_score_json)
{
    char *out, *err;

    ck_assert_int_eq(tu_run("$FIVESTAR score --json " BASE " samples/hengtai-2018.xml", &out, &err), 0);
    ck_assert_str_eq(out,
        "{\"file\":\"samples/mingli-2018.xml\",\"organization\":\"中共东莞市明理律师事务所支部委员会\","
        "\"year\":2018,\"rubric\":\"dongguan-2018\",\"sections\":["
        "{\"number\":1,\"title\":\"班子建设\",\"max\":20,\"score\":19.5},"
        "{\"number\":2,\"title\":\"队伍建设\",\"max\":20,\"score\":19.5},"
        "{\"number\":3,\"title\":\"阵地建设\",\"max\":15,\"score\":14},"
        "{\"number\":4,\"title\":\"制度建设\",\"max\":25,\"score\":24.5},"
        "{\"number\":5,\"title\":\"廉政建设\",\"max\":10,\"score\":10},"
        "{\"number\":6,\"title\":\"品牌建设\",\"max\":10,\"score\":5.5}],"
        "\"total\":93,\"max\":100,\"star\":5,\"threshold\":90,\"qualified\":true}\n"
        "{\"file\":\"samples/hengtai-2018.xml\",\"organization\":\"中共广东恒泰律师事务所支部委员会\","
        "\"year\":2018,\"rubric\":\"dongguan-2018\",\"sections\":["
        "{\"number\":1,\"title\":\"班子建设\",\"max\":20,\"score\":18.5},"
        "{\"number\":2,\"title\":\"队伍建设\",\"max\":20,\"score\":17.5},"
        "{\"number\":3,\"title\":\"阵地建设\",\"max\":15,\"score\":13},"
        "{\"number\":4,\"title\":\"制度建设\",\"max\":25,\"score\":23},"
        "{\"number\":5,\"title\":\"廉政建设\",\"max\":10,\"score\":9.5},"
        "{\"number\":6,\"title\":\"品牌建设\",\"max\":10,\"score\":8}],"
        "\"total\":89.5,\"max\":100,\"star\":5,\"threshold\":90,\"qualified\":false}\n");
    free(out);
    free(err);
}
END_TEST

START_TEST(test_cli_score_bad_prints_nothing)
{
    char *out, *err;
    ck_assert_int_eq(tu_run("printf '<dossier/>' > /tmp/fivestar-empty.xml; "
                            "$FIVESTAR score --json /tmp/fivestar-empty.xml", &out, &err), 1);
    ck_assert_str_eq(out, "");
    ck_assert_ptr_nonnull(strstr(err, "/tmp/fivestar-empty.xml:1: error:"));
    free(out);
    free(err);
}
END_TEST

START_TEST(test_cli_score_text)
{
    char *out;
    ck_assert_int_eq(tu_run("$FIVESTAR score samples/hengtai-2018.xml", &out, NULL), 0);
    ck_assert_ptr_nonnull(strstr(out, "合计  89.5 / 100"));
    ck_assert_ptr_nonnull(strstr(out, "尚差 0.5 分"));
    free(out);
}
END_TEST

/* `new` gives a dossier that validates once every blank is filled. */
START_TEST(test_cli_new_fills_and_validates)
{
    char *out, *text, *dir = tu_tmpdir(), *path;
    static const char *const fills[][2] = {
        {"<name></name>", "<name>中共东莞市某某律师事务所支部委员会</name>"},
        {"<unit></unit>", "<unit>广东某某律师事务所</unit>"},
        {"<town></town>", "<town>东城街道</town>"},
        {"<members></members>", "<members>8</members>"},
        {"<founded></founded>", "<founded>2012-03-01</founded>"},
        {"<leader></leader>", "<leader>王某某</leader>"},
        {"<phone></phone>", "<phone>0769-22000000</phone>"},
        {"date=\"\"", "date=\"2018-04-10\""},
    };
    fs_diags diags = {0};
    fs_error err;
    fs_dossier *d;

    ck_assert_int_eq(tu_run("$FIVESTAR new --year 2018", &out, NULL), 0);
    ck_assert_ptr_nonnull(strstr(out, "第19项（5分）：“三会一课”制度"));
    /* Unfilled it is refused, with a message per blank. */
    ck_assert_ptr_null(load_text(out, strlen(out), "blank.xml", &diags, &err, NULL));
    ck_assert_uint_ge(diags.errors, 30);
    fs_diags_clear(&diags);

    text = out;
    for (size_t i = 0; i < sizeof fills / sizeof *fills; i++) {
        char *t = tu_replace(text, fills[i][0], fills[i][1]);
        free(text);
        text = t;
    }
    while (strstr(text, "points=\"\"")) {
        char *t = tu_replace(text, "points=\"\"", "points=\"1\"");
        free(text);
        text = t;
    }
    d = load_text(text, strlen(text), "filled.xml", &diags, &err, NULL);
    ck_assert_msg(d != NULL, "filled blank dossier refused: %s",
                  diags.n ? diags.v[0].message : "");
    fs_dossier_free(d);
    fs_diags_clear(&diags);

    /* -o never replaces an existing file. */
    if (asprintf(&path, "$FIVESTAR new -o %s/filled.xml", dir) < 0)
        abort();
    tu_write(strchr(path, ' ') + 8, "keep", 4);
    ck_assert_int_eq(tu_run(path, NULL, NULL), 3);
    {
        char *kept = tu_read(strchr(path, ' ') + 8, NULL);
        ck_assert_str_eq(kept, "keep");
        free(kept);
    }
    free(path);
    free(text);
    free(dir);
}
END_TEST

/* fs_temp_write_unflushed, fs_temp_flush, fs_temp_commit: three files
 * (one replacing an old one) written whole through one pass of flushes;
 * a pass over a temporary that is gone fails with FS_E_IO and changes
 * nothing; no temporary is left. */
START_TEST(test_temp_flush_pass)
{
    char *dir = tu_tmpdir(), *p[3], *tmps[3], *got;
    const char *data[3] = {"alpha", "beta beta", ""};
    size_t n;
    DIR *d;
    struct dirent *e;
    int files = 0;

    for (int i = 0; i < 3; i++)
        if (asprintf(&p[i], "%s/f%d", dir, i) < 0)
            abort();
    ck_assert_int_eq(fs_write_atomic(p[1], "old", 3), FS_OK);
    for (int i = 0; i < 3; i++)
        ck_assert_int_eq(fs_temp_write_unflushed(p[i], data[i], strlen(data[i]), &tmps[i]), FS_OK);
    ck_assert_int_eq(fs_temp_flush(tmps, 3), FS_OK);
    for (int i = 0; i < 3; i++)
        ck_assert_int_eq(fs_temp_commit(tmps[i], p[i]), FS_OK);
    for (int i = 0; i < 3; i++) {
        got = tu_read(p[i], &n);
        ck_assert_ptr_nonnull(got);
        ck_assert_uint_eq(n, strlen(data[i]));
        ck_assert_int_eq(memcmp(got, data[i], n), 0);
        free(got);
    }
    /* A pass that fails: the second temporary disappeared. */
    ck_assert_int_eq(fs_temp_write_unflushed(p[0], "x", 1, &tmps[0]), FS_OK);
    ck_assert_int_eq(fs_temp_write_unflushed(p[1], "y", 1, &tmps[1]), FS_OK);
    ck_assert_int_eq(unlink(tmps[1]), 0);
    ck_assert_int_eq(fs_temp_flush(tmps, 2), FS_E_IO);
    ck_assert_int_eq(errno, ENOENT);
    fs_temp_discard(tmps[0]);
    fs_temp_discard(tmps[1]);
    got = tu_read(p[0], &n);
    ck_assert_uint_eq(n, 5);
    free(got);
    d = opendir(dir);
    ck_assert_ptr_nonnull(d);
    while ((e = readdir(d)))
        if (e->d_name[0] != '.') {
            ck_assert_msg(strstr(e->d_name, ".fstmp-") == NULL, "temporary left: %s", e->d_name);
            files++;
        }
    closedir(d);
    ck_assert_int_eq(files, 3);
    for (int i = 0; i < 3; i++)
        free(p[i]);
    free(dir);
}
END_TEST

static Suite *core_suite(void)
{
    Suite *s = suite_create("core");
    TCase *tc = tcase_create("rules");

    tcase_add_loop_test(tc, test_rule, 0, NRULES);
    tcase_add_test(tc, test_samples_validate);
    tcase_add_test(tc, test_temp_flush_pass);
    tcase_add_test(tc, test_example_fields);
    tcase_add_test(tc, test_missing_situation_warns);
    tcase_add_test(tc, test_year_mismatch_warns);
    tcase_add_test(tc, test_all_problems_in_line_order);
    tcase_add_test(tc, test_predefined_entities_accepted);
    tcase_add_test(tc, test_size_limit);
    tcase_add_test(tc, test_gb18030);
    tcase_add_test(tc, test_bom);
    tcase_add_test(tc, test_unknown_encoding);
    tcase_add_test(tc, test_external_entity_not_read);
    tcase_add_test(tc, test_billion_laughs);
    suite_add_tcase(s, tc);

    tc = tcase_create("scoring");
    tcase_add_test(tc, test_tenths_sum_exact);
    tcase_add_test(tc, test_ninety_qualifies);
    tcase_add_test(tc, test_example_total);
    tcase_add_test(tc, test_tenths_parse_format);
    tcase_add_test(tc, test_dates);
    suite_add_tcase(s, tc);

    tc = tcase_create("rubric");
    tcase_add_test(tc, test_rubric_loads);
    tcase_add_test(tc, test_rubric_items_add_up);
    tcase_add_test(tc, test_rubric_sections_add_up);
    tcase_add_test(tc, test_rubric_numbering);
    tcase_add_test(tc, test_rubric_structure);
    tcase_add_test(tc, test_rubric_id_is_not_a_path);
    suite_add_tcase(s, tc);

    tc = tcase_create("cli");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_cli_validate_samples);
    tcase_add_test(tc, test_cli_validate_bad);
    tcase_add_test(tc, test_cli_exit_codes);
    tcase_add_test(tc, test_cli_version);
    tcase_add_test(tc, test_cli_score_json);
    tcase_add_test(tc, test_cli_score_bad_prints_nothing);
    tcase_add_test(tc, test_cli_score_text);
    tcase_add_test(tc, test_cli_new_fills_and_validates);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    /* The tests run from the project's root with its templates. */
    setenv("FIVESTAR_TEMPLATES", "templates", 0);
    fs_templates_init(NULL);
    return tu_main(core_suite());
}
