/*
 * fs-dossier.c - loading a dossier and checking it against
 * docs/dossier-format.md and its rubric.
 *
 * The order of work: read safely (fs_xml_read), check the structure
 * against templates/dossier.xsd, then walk the tree and check every value
 * rule in C, tolerating whatever the schema already complained about, so
 * that all problems of a file are reported in one run, in line order.
 */
#include "fs-model.h"
#include "fs-set.h"
#include "fs-normalize.h"
#include "fs-xml.h"

#include <stdlib.h>
#include <string.h>

/* One loading run: the file, its diagnostics and its rubric. */
typedef struct loader {
    const char *file;
    fs_diags *diags;
    const fs_rubric *rubric;
    fs_dossier *d;
} loader;

#define ERR(ld, line, ...) fs_diags_add((ld)->diags, (ld)->file, (line), FS_ERROR, __VA_ARGS__)
#define WARN(ld, line, ...) fs_diags_add((ld)->diags, (ld)->file, (line), FS_WARNING, __VA_ARGS__)

static void text_free(fs_text *t)
{
    free(t->s);
    t->s = NULL;
}

void fs_dossier_free(fs_dossier *d)
{
    if (!d)
        return;
    free(d->path);
    free(d->rubric_id);
    text_free(&d->name);
    text_free(&d->unit);
    text_free(&d->town);
    text_free(&d->leader);
    text_free(&d->phone);
    text_free(&d->honors);
    text_free(&d->opinion);
    text_free(&d->remark);
    for (int i = 0; i < FS_MAX_SECTIONS; i++)
        text_free(&d->situation[i]);
    for (int i = 0; i < FS_MAX_ITEMS; i++) {
        fs_score *s = &d->scores[i];
        text_free(&s->note);
        for (size_t k = 0; k < s->nevidence; k++) {
            free(s->evidence[k].caption);
            free(s->evidence[k].href);
        }
        free(s->evidence);
    }
    text_free(&d->problems);
    text_free(&d->plan);
    text_free(&d->standing_remark);
    for (size_t i = 0; i < d->nevents; i++) {
        free(d->events[i].text);
        free(d->events[i].stage);
    }
    free(d->events);
    free(d);
}

/* ------------------------------------------------------------------------
 * Text rules: control characters and lengths.
 * ---------------------------------------------------------------------- */

/* Reports the first control character (other than tab and line breaks) of
 * S, naming FIELD; returns 0 when there is none. */
static int check_controls(loader *ld, long line, const char *field, const char *s)
{
    const char *p = s;

    while (*p) {
        uint32_t cp = fs_utf8_next(&p);
        if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') ||
            (cp >= 0x7F && cp <= 0x9F)) {
            ERR(ld, line, "%s含有控制字符 U+%04X：除制表符和换行外不允许控制字符", field, (unsigned)cp);
            return -1;
        }
    }
    return 0;
}

/* Reads the text of NODE into OUT: single-line fields trimmed, narrative
 * fields split into paragraphs; checks controls and MIN..MAX characters. */
static void read_text(loader *ld, xmlNodePtr node, const char *field,
                      int paragraphs, size_t min, size_t max, fs_text *out)
{
    char *raw;
    size_t n;

    if (!node)
        return;
    raw = fs_xml_text(node);
    out->line = fs_xml_line(node);
    out->s = paragraphs ? fs_text_paragraphs(raw) : fs_text_trim(raw);
    free(raw);
    if (check_controls(ld, out->line, field, out->s) < 0)
        return;
    n = fs_utf8_len(out->s);
    if (n < min)
        ERR(ld, out->line, "%s不能为空", field);
    else if (n > max)
        ERR(ld, out->line, "%s有 %zu 个字符，超过上限 %zu 个字符", field, n, max);
}

/* An attribute's value, trimmed, or NULL when absent. */
static char *attr(xmlNodePtr node, const char *name)
{
    char *raw = fs_xml_attr(node, name), *s;

    if (!raw)
        return NULL;
    s = fs_text_trim(raw);
    free(raw);
    return s;
}

/* Parses a whole number of at most 9 digits within LO..HI; -1 when bad. */
static long whole_number(const char *s, long lo, long hi)
{
    long v = 0;

    if (!s || !*s || strlen(s) > 9)
        return -1;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9')
            return -1;
        v = v * 10 + (*p - '0');
    }
    return v >= lo && v <= hi ? v : -1;
}

/* Parses the date text S of FIELD at LINE; returns 0 or -1 after an error. */
static int read_date(loader *ld, long line, const char *field, const char *s,
                     fs_date *out)
{
    if (!s)
        return -1;              /* missing: the schema said so */
    if (fs_date_parse(s, out) < 0) {
        ERR(ld, line, "%s“%s”不是有效日期：应为真实的日历日期，写成 2010-06-18 或 2010年6月18日", field, s);
        return -1;
    }
    return 0;
}

/* ------------------------------------------------------------------------
 * <dossier> and <organization>.
 * ---------------------------------------------------------------------- */

static void read_root(loader *ld, xmlNodePtr root)
{
    fs_dossier *d = ld->d;
    char *year = attr(root, "year");
    char *rubric = attr(root, "rubric");

    d->line = fs_xml_line(root);
    if (year) {
        long y = strlen(year) == 4 ? whole_number(year, 1900, 2999) : -1;
        if (y < 0)
            ERR(ld, d->line, "评定年度 year=\"%s\" 应为四位数字的年份", year);
        d->year = (int)y;
    }
    d->rubric_id = rubric;
    if (!rubric) {              /* the only set there is, else the clerk says */
        char *list;
        d->rubric_id = fs_set_only_rubric(&list);
        if (!d->rubric_id)
            ERR(ld, d->line, "<dossier> 未写明评定标准 rubric，而模板中%s%s：请在 <dossier> 上写 "
                "rubric=\"…\" 指明用哪一套", *list ? "有多个评定标准：" : "没有评定标准", list);
        free(list);
    }
    free(year);
}

static void read_organization(loader *ld, xmlNodePtr org)
{
    fs_dossier *d = ld->d;
    xmlNodePtr n;
    fs_text t = {0};

    read_text(ld, fs_xml_child(org, "name"), "党组织名称（name）", 0, 1, 100, &d->name);
    read_text(ld, fs_xml_child(org, "unit"), "申报单位（unit）", 0, 1, 100, &d->unit);
    read_text(ld, fs_xml_child(org, "town"), "镇街（单位）（town）", 0, 1, 50, &d->town);
    read_text(ld, fs_xml_child(org, "leader"), "党组织负责人（leader）", 0, 1, 30, &d->leader);
    read_text(ld, fs_xml_child(org, "phone"), "单位电话（phone）", 0, 0, 1000, &d->phone);
    if (d->phone.s) {
        size_t len = strlen(d->phone.s);
        int ok = len >= 7 && len <= 20 &&
                 strspn(d->phone.s, "0123456789 -+()") == len;
        if (!ok)
            ERR(ld, d->phone.line,
                "单位电话“%s”应为 7–20 个字符，只含数字、空格和 - + ( )", d->phone.s);
    }

    if ((n = fs_xml_child(org, "members")) != NULL) {
        read_text(ld, n, "党员人数（members）", 0, 0, 1000, &t);
        d->members = whole_number(t.s, 1, 100000);
        if (d->members < 0)
            ERR(ld, t.line, "党员人数“%s”应为 1–100000 的整数", t.s);
        text_free(&t);
    }
    if ((n = fs_xml_child(org, "founded")) != NULL) {
        read_text(ld, n, "党组织成立时间（founded）", 0, 0, 1000, &t);
        if (read_date(ld, t.line, "党组织成立时间", t.s, &d->founded) < 0)
            d->founded.y = 0;
        text_free(&t);
    }
    d->star = -1;
    if ((n = fs_xml_child(org, "star")) != NULL) {
        read_text(ld, n, "已获评的星级（star）", 0, 0, 1000, &t);
        d->star_line = t.line;
        d->star = (int)whole_number(t.s, 0, 5);
        if (d->star < 0)
            ERR(ld, t.line, "已获评的星级“%s”应为 0–5 的整数（0 表示尚未获评）", t.s);
        text_free(&t);
    }
}

/* ------------------------------------------------------------------------
 * <application>.
 * ---------------------------------------------------------------------- */

static void read_application(loader *ld, xmlNodePtr app)
{
    fs_dossier *d = ld->d;
    const fs_rubric *r = ld->rubric;
    char *date = attr(app, "date");
    char *star = attr(app, "star");
    long line = fs_xml_line(app);

    d->application_line = line;
    if (date && read_date(ld, line, "申报时间 date", date, &d->date) < 0)
        d->date.y = 0;
    d->apply_star = 5;
    if (star) {
        d->apply_star = (int)whole_number(star, 1, 5);
        if (d->apply_star < 0)
            ERR(ld, line, "申报星级 star=\"%s\" 应为 1–5 的整数", star);
    }
    if (r && d->apply_star > 0 && !fs_rubric_threshold(r, d->apply_star))
        ERR(ld, line, "申报星级 %d 星在评定标准“%s”中没有达标分数线", d->apply_star, r->id);
    if (d->date.y && d->founded.y && fs_date_cmp(d->founded, d->date) > 0)
        ERR(ld, line, "党组织成立时间 %04d-%02d-%02d 晚于申报时间 %s",
            d->founded.y, d->founded.m, d->founded.d, date);
    if (d->date.y && d->year > 0 && d->date.y != d->year)
        WARN(ld, line, "申报时间 %s 不在评定年度 %d 内", date, d->year);
    free(date);
    free(star);

    read_text(ld, fs_xml_child(app, "honors"), "受表彰情况（honors）", 1, 0,
              FS_MAX_TEXT_CHARS, &d->honors);
    read_text(ld, fs_xml_child(app, "opinion"), "意见（opinion）", 1, 0,
              FS_MAX_TEXT_CHARS, &d->opinion);
    read_text(ld, fs_xml_child(app, "remark"), "备注（remark）", 1, 0,
              FS_MAX_TEXT_CHARS, &d->remark);

    for (xmlNodePtr s = fs_xml_child(app, "situation"); s; s = fs_xml_next(s, "situation")) {
        char *sec = attr(s, "section");
        long n = whole_number(sec, 1, r ? (long)r->nsections : FS_MAX_SECTIONS);
        long sl = fs_xml_line(s);

        if (n < 1) {                    /* whole_number: -1 when invalid */
            ERR(ld, sl, "建设情况 section=\"%s\" 应为评定标准的部分编号 1–%zu",
                sec ? sec : "", r ? r->nsections : (size_t)FS_MAX_SECTIONS);
        } else if (d->situation[n - 1].s) {
            ERR(ld, sl, "第%ld部分（%s情况）重复：已在第 %ld 行填写", n,
                r ? r->sections[n - 1].name : "", d->situation[n - 1].line);
        } else {
            char *field = fs_printf("%s情况", r ? r->sections[n - 1].name : "建设");
            read_text(ld, s, field, 1, 0, FS_MAX_TEXT_CHARS, &d->situation[n - 1]);
            free(field);
        }
        free(sec);
    }
    fs_buf missing = {0}, numbers = {0};
    for (size_t i = 0; r && i < r->nsections; i++)
        if (!d->situation[i].s) {
            fs_buf_printf(&missing, "%s%s", missing.len ? "、" : "", r->sections[i].name);
            fs_buf_printf(&numbers, "%s%zu", numbers.len ? "、" : "", i + 1);
        }
    if (missing.len)
        WARN(ld, line, "未填写%s情况（<situation section=\"%s\">），申报表中这些栏将为空",
             missing.s, numbers.s);
    fs_buf_free(&missing);
    fs_buf_free(&numbers);
}

/* ------------------------------------------------------------------------
 * <assessment>.
 * ---------------------------------------------------------------------- */

/* An evidence path must stay inside the dossier's folder: relative, no
 * "..", no drive letter, scheme or backslash, no empty segment. */
static const char *href_problem(const char *h)
{
    if (!*h)
        return "为空";
    if (h[0] == '/' || h[0] == '~')
        return "是绝对路径";
    if (strchr(h, '\\'))
        return "含有反斜杠（请用 /）";
    if (strchr(h, ':'))
        return "含有冒号（不得为盘符或网址）";
    if (strlen(h) > 255)
        return "超过 255 个字节";
    for (const char *p = h; *p;) {
        size_t n = strcspn(p, "/");
        if (n == 2 && p[0] == '.' && p[1] == '.')
            return "含有“..”，会离开档案所在的文件夹";
        if (n == 0)
            return "含有空的路径段（//）";
        p += n;
        if (*p == '/')
            p++;
    }
    return NULL;
}

static void read_score(loader *ld, xmlNodePtr sc)
{
    fs_dossier *d = ld->d;
    const fs_rubric *r = ld->rubric;
    long line = fs_xml_line(sc);
    char *item = attr(sc, "item"), *points = attr(sc, "points");
    long n = whole_number(item, 1, FS_MAX_ITEMS);
    const fs_rubric_item *ri = (r && n > 0) ? fs_rubric_item_by_number(r, (int)n) : NULL;
    fs_score *s;
    fs_tenths p;
    char a[24], b[24];

    if (!item || !points)
        goto done;              /* the schema reported it */
    if (!ri) {
        ERR(ld, line, "自评分 item=\"%s\" 不是评定标准中的项目编号（应为 1–%zu）", item,
            r ? r->nitems : (size_t)0);
        goto done;
    }
    s = &d->scores[n - 1];
    if (s->present) {
        ERR(ld, line, "第%ld项自评分重复：已在第 %ld 行填写，每项只能评一次", n, s->line);
        goto done;
    }
    s->present = 1;
    s->line = line;
    if (fs_tenths_parse(points, &p) < 0) {
        ERR(ld, line, "第%ld项自评分“%s”应为 0 到该项分值之间、最多一位小数的数", n, points);
        goto done;
    } else if (p > ri->max) {
        ERR(ld, line, "第%ld项自评分 %s 超过该项分值 %s", n, points,
            fs_tenths_format(ri->max, a, sizeof a));
    }
    s->points = p;
    (void)b;

    read_text(ld, fs_xml_child(sc, "note"), "自评说明（note）", 1, 0, FS_MAX_NOTE_CHARS, &s->note);
    for (xmlNodePtr e = fs_xml_child(sc, "evidence"); e; e = fs_xml_next(e, "evidence")) {
        fs_evidence *ev;
        fs_text cap = {0};
        char *href = fs_xml_attr(e, "href");
        const char *why;

        s->evidence = fs_xrealloc(s->evidence, (s->nevidence + 1) * sizeof *s->evidence);
        ev = &s->evidence[s->nevidence++];
        read_text(ld, e, "佐证材料说明（evidence）", 0, 0, FS_MAX_TEXT_CHARS, &cap);
        ev->caption = cap.s;
        ev->line = fs_xml_line(e);
        ev->href = href;
        if (href && (why = href_problem(href)) != NULL)
            ERR(ld, ev->line, "第%ld项佐证材料路径 href=\"%s\" %s：应为相对于档案所在文件夹的路径",
                n, href, why);
        else if (href)
            check_controls(ld, ev->line, "佐证材料路径 href ", href);
    }
done:
    free(item);
    free(points);
}

static void read_assessment(loader *ld, xmlNodePtr as)
{
    const fs_rubric *r = ld->rubric;
    fs_buf missing = {0};
    size_t nmissing = 0;

    ld->d->assessment_line = fs_xml_line(as);
    for (xmlNodePtr sc = fs_xml_child(as, "score"); sc; sc = fs_xml_next(sc, "score"))
        read_score(ld, sc);
    for (size_t i = 0; r && i < r->nitems; i++)
        if (!ld->d->scores[i].present) {
            fs_buf_printf(&missing, "%s%zu", nmissing ? "、" : "", i + 1);
            nmissing++;
        }
    if (nmissing)
        ERR(ld, fs_xml_line(as), "缺少第%s项的自评分：评定标准的每一项都要有且仅有一个 <score>",
            missing.s);
    fs_buf_free(&missing);
}

/* ------------------------------------------------------------------------
 * <standing> and <history>.
 * ---------------------------------------------------------------------- */

static void read_standing(loader *ld, xmlNodePtr st)
{
    fs_dossier *d = ld->d;
    xmlNodePtr c = fs_xml_child(st, "compliant");

    d->compliant = -1;
    if (c) {
        char *raw = fs_xml_text(c), *v = fs_text_trim(raw);
        if (strcmp(v, "yes") == 0)
            d->compliant = 1;
        else if (strcmp(v, "no") == 0)
            d->compliant = 0;
        free(raw);
        free(v);
    }
    read_text(ld, fs_xml_child(st, "problems"), "存在问题（problems）", 1, 0,
              FS_MAX_TEXT_CHARS, &d->problems);
    read_text(ld, fs_xml_child(st, "plan"), "下一步工作计划（plan）", 1, 0,
              FS_MAX_TEXT_CHARS, &d->plan);
    read_text(ld, fs_xml_child(st, "remark"), "备注（standing/remark）", 1, 0,
              FS_MAX_TEXT_CHARS, &d->standing_remark);
}

/* Reads <history>: every event's stage is one of the stages of the
 * flowcharts of the dossier's set (fs-set.h), canonically or by its Chinese
 * name, and is stored canonically; a result (pass / fail, 通过 / 不通过)
 * only on a review.  An event belongs to the annual cycle when it is at
 * the start of the annual chart or an event before it was there or at an
 * end of the creation chart (fs_event.annual).  When the set's charts
 * cannot be read, *SET_ERR says why (a template's fault). */
static void read_history(loader *ld, xmlNodePtr h, fs_rubric_cache *cache,
                         fs_error *set_err)
{
    fs_dossier *d = ld->d;
    fs_date last = {0, 0, 0};
    long last_line = 0;
    const fs_set *set = NULL;
    int annual = 0, set_tried = 0;

    for (xmlNodePtr e = fs_xml_child(h, "event"); e; e = fs_xml_next(e, "event")) {
        char *date = attr(e, "date"), *stage = attr(e, "stage"), *result = attr(e, "result");
        long line = fs_xml_line(e);
        const fs_set_stage *st = NULL;
        fs_event *ev;
        fs_text t = {0};

        if (!set_tried && d->rubric_id && ld->rubric) {
            set = fs_rubric_cache_set(cache, d->rubric_id, ld->diags, set_err);
            set_tried = 1;
        }
        st = fs_set_stage_find(set, stage);
        if (set && stage && !st) {
            char *list = fs_set_stage_list(set, 0);
            ERR(ld, line, "环节 stage=\"%s\" 不是评定标准 %s 的流程图中的环节：应为 %s "
                "之一（也可写括号中的中文名称或方框上的文字）", stage, d->rubric_id, list);
            free(list);
        }
        d->events = fs_xrealloc(d->events, (d->nevents + 1) * sizeof *d->events);
        ev = &d->events[d->nevents++];
        memset(ev, 0, sizeof *ev);
        ev->line = line;
        ev->stage = st ? fs_strdup(st->name) : NULL;
        ev->annual = annual || (st && st->annual_start);
        if (st && (st->annual_start || st->creation_end))
            annual = 1;
        ev->result = !result ? FS_RESULT_NONE :
                     strcmp(result, "pass") == 0 || strcmp(result, "通过") == 0 ? FS_RESULT_PASS
                                                                               : FS_RESULT_FAIL;
        if (date && read_date(ld, line, "事件日期 date", date, &ev->date) == 0) {
            if (last.y && fs_date_cmp(ev->date, last) < 0)
                ERR(ld, line, "事件日期 %s 早于第 %ld 行的上一事件：<history> 应按日期先后排列",
                    date, last_line);
            last = ev->date;
            last_line = line;
        }
        if (st && result && !st->review) {
            char *list = fs_set_stage_list(set, 1);
            ERR(ld, line, "环节 %s 不是审核环节，不能有 result（只有 %s 有通过与否）", stage, list);
            free(list);
        }
        read_text(ld, e, "事件说明", 1, 0, FS_MAX_TEXT_CHARS, &t);
        ev->text = t.s;
        free(date);
        free(stage);
        free(result);
    }
}

/* ------------------------------------------------------------------------
 * Loading.
 * ---------------------------------------------------------------------- */

/* Checks and reads the tree DOC of dossier PATH (NULL: it could not be
 * read, *ERR says why), which it frees; see fs_dossier_load. */
static fs_dossier *load_tree(xmlDocPtr doc, const char *path,
                             fs_rubric_cache *cache, const fs_rubric **rubric,
                             fs_diags *diags, fs_error *err)
{
    loader ld = {path, diags, NULL, NULL};
    size_t errors_before = diags->errors;
    xmlNodePtr root, n;
    fs_schema *schema;
    fs_error e;

    *rubric = NULL;
    if (!doc)
        goto fail;
    fs_dossier_normalize(doc);  /* 是/否, 2010年6月18日, 五星级 … */
    schema = fs_rubric_cache_schema(cache, diags);
    if (!schema) {
        *err = FS_E_TEMPLATE;
        goto fail;
    }
    if (fs_schema_check(schema, doc, path, diags) < 0) {
        *err = FS_E_TEMPLATE;
        goto fail;
    }
    root = xmlDocGetRootElement(doc);
    if (strcmp((const char *)root->name, "dossier") != 0) {
        *err = FS_E_INVALID;
        goto fail;              /* nothing else to check meaningfully */
    }

    ld.d = fs_xcalloc(1, sizeof *ld.d);
    ld.d->path = fs_strdup(path);
    ld.d->star = -1;
    ld.d->compliant = -1;
    read_root(&ld, root);
    ld.rubric = NULL;
    e = FS_E_INVALID;           /* no rubric named: said by read_root */
    if (ld.d->rubric_id)
        ld.rubric = fs_rubric_cache_get(cache, ld.d->rubric_id, diags, path,
                                        ld.d->line, &e);
    if (!ld.rubric && e != FS_E_INVALID) {
        *err = e;               /* a broken template, not the dossier's fault */
        goto fail;
    }
    if ((n = fs_xml_child(root, "organization")) != NULL)
        read_organization(&ld, n);
    if ((n = fs_xml_child(root, "application")) != NULL)
        read_application(&ld, n);
    if ((n = fs_xml_child(root, "assessment")) != NULL)
        read_assessment(&ld, n);
    if ((n = fs_xml_child(root, "standing")) != NULL)
        read_standing(&ld, n);
    if ((n = fs_xml_child(root, "history")) != NULL)
        read_history(&ld, n, cache, &e);
    if (e != FS_OK && e != FS_E_INVALID) {
        *err = e;               /* the set's charts are broken */
        goto fail;
    }

    if (diags->errors > errors_before) {
        *err = FS_E_INVALID;
        goto fail;
    }
    *err = FS_OK;
    *rubric = ld.rubric;
    ld.d->rubric = ld.rubric;
    goto done;
fail:
    if (*err == FS_OK)
        *err = FS_E_INVALID;
    fs_dossier_free(ld.d);
    ld.d = NULL;
done:
    xmlFreeDoc(doc);
    return ld.d;
}

/* Loads and checks the dossier file PATH; see fs-model.h. */
fs_dossier *fs_dossier_load(const char *path, fs_rubric_cache *cache,
                            const fs_rubric **rubric, fs_diags *diags,
                            fs_error *err)
{
    xmlDocPtr doc = fs_xml_read(path, FS_MAX_FILE_BYTES, diags, err);

    return load_tree(doc, path, cache, rubric, diags, err);
}

/* Loads and checks the dossier held in memory, named NAME; see
 * fs-model.h. */
fs_dossier *fs_dossier_load_memory(const char *name, const void *data,
                                   size_t len, fs_rubric_cache *cache,
                                   const fs_rubric **rubric, fs_diags *diags,
                                   fs_error *err)
{
    xmlDocPtr doc = fs_xml_read_memory(name, data, len, FS_MAX_FILE_BYTES, diags, err);

    return load_tree(doc, name, cache, rubric, diags, err);
}
