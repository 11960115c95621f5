/*
 * test-form.c - the forms template and the two form builders: the model
 * that fs_form_scoresheet and fs_form_application build for the samples,
 * checked cell by cell, and the template loader's diagnostics.
 *
 * Runs from the project's root (templates/, samples/).
 */
#include "testutil.h"
#include "fs-form.h"

#include <libxml/parser.h>
#include <libxml/xmlschemas.h>

#define FORMS "templates/forms/dongguan-2018.xml"

/* ------------------------------------------------------------------------
 * Fixture: the template, and one dossier with its rubric and scores.
 * ---------------------------------------------------------------------- */

typedef struct loaded {
    fs_rubric_cache *cache;
    const fs_rubric *rubric;
    fs_dossier *dossier;
    fs_result_sheet sheet;
    fs_forms *forms;
    fs_doc *scores, *app;
} loaded;

/* Loads the template and PATH and builds both documents; fails the test
 * with the diagnostics when anything does not load. */
/* The forms template load() reads: FORMS, or a copy with the additions
 * the notice lacks switched on (with_additions). */
static const char *forms_path = FORMS;

/* Makes load() read a copy of FORMS whose verdict sentence and signature
 * line are switched on (print="yes"); the copy lives in a temp folder. */
static void with_additions(void)
{
    static char path[4096];
    char *dir = tu_tmpdir(), *src = tu_read(FORMS, NULL);
    char *a = tu_replace(src, "<summary print=\"no\"", "<summary print=\"yes\"");
    char *b = tu_replace(a, "<para print=\"no\"", "<para print=\"yes\"");

    snprintf(path, sizeof path, "%s/forms.xml", dir);
    tu_write(path, b, strlen(b));
    forms_path = path;
    free(dir);
    free(src);
    free(a);
    free(b);
}

static void load(loaded *l, const char *path)
{
    fs_diags diags = {0};
    fs_error err = FS_OK;

    memset(l, 0, sizeof *l);
    setenv("FIVESTAR_TEMPLATES", "templates", 1);
    fs_templates_init(NULL);
    l->cache = fs_rubric_cache_new();
    l->dossier = fs_dossier_load(path, l->cache, &l->rubric, &diags, &err);
    if (!l->dossier)
        fs_diags_print(&diags, stderr);
    ck_assert_msg(l->dossier != NULL, "%s: %s", path, fs_strerror(err));
    fs_score_dossier(l->dossier, l->rubric, &l->sheet);
    l->forms = fs_forms_load(forms_path, &diags, &err);
    forms_path = FORMS;
    if (!l->forms)
        fs_diags_print(&diags, stderr);
    ck_assert_msg(l->forms != NULL, "%s: %s", FORMS, fs_strerror(err));
    ck_assert_uint_eq(diags.errors, 0);
    l->scores = fs_form_scoresheet(l->forms, l->rubric, l->dossier, &l->sheet);
    l->app = fs_form_application(l->forms, l->rubric, l->dossier, &l->sheet);
    ck_assert_ptr_nonnull(l->scores);
    ck_assert_ptr_nonnull(l->app);
    fs_diags_clear(&diags);
}

static void unload(loaded *l)
{
    fs_doc_free(l->scores);
    fs_doc_free(l->app);
    fs_forms_free(l->forms);
    fs_dossier_free(l->dossier);
    fs_rubric_cache_free(l->cache);
}

/* ------------------------------------------------------------------------
 * Reading the model back.
 * ---------------------------------------------------------------------- */

static void para_text(const fs_para *p, fs_buf *b)
{
    for (size_t i = 0; i < p->nruns; i++)
        fs_buf_adds(b, p->runs[i].text);
}

/* The text of cell C, paragraphs joined by newlines; malloc'd. */
static char *cell_text(const fs_cell *c)
{
    fs_buf b = {0};

    fs_buf_adds(&b, "");
    for (size_t i = 0; i < c->nparas; i++) {
        if (i)
            fs_buf_adds(&b, "\n");
        para_text(&c->paras[i], &b);
    }
    return b.s;
}

/* All text of DOC, paragraphs and cells each on a line; malloc'd. */
static char *doc_text(const fs_doc *doc)
{
    fs_buf b = {0};

    fs_buf_adds(&b, "");
    for (size_t i = 0; i < doc->nblocks; i++) {
        const fs_block *bl = &doc->blocks[i];
        if (bl->kind == FS_BLOCK_PARA) {
            para_text(bl->u.para, &b);
            fs_buf_adds(&b, "\n");
        } else if (bl->kind == FS_BLOCK_TABLE) {
            const fs_table *t = bl->u.table;
            for (size_t r = 0; r < t->nrows; r++)
                for (size_t c = 0; c < t->rows[r].ncells; c++) {
                    char *s = cell_text(&t->rows[r].cells[c]);
                    fs_buf_adds(&b, s);
                    fs_buf_adds(&b, "\n");
                    free(s);
                }
        }
    }
    return b.s;
}

/* The widest table of DOC (the form's own, not a line of fields). */
static const fs_table *main_table(const fs_doc *doc)
{
    const fs_table *best = NULL;

    for (size_t i = 0; i < doc->nblocks; i++)
        if (doc->blocks[i].kind == FS_BLOCK_TABLE &&
            (!best || doc->blocks[i].u.table->nrows > best->nrows))
            best = doc->blocks[i].u.table;
    ck_assert_ptr_nonnull(best);
    return best;
}

/* The cell of row R that starts in grid column COL, or NULL. */
static const fs_cell *cell_at(const fs_row *r, int col)
{
    for (size_t i = 0; i < r->ncells; i++)
        if (r->cells[i].col == col)
            return &r->cells[i];
    return NULL;
}

/* The paragraph of DOC (outside tables) whose text contains NEEDLE. */
static char *find_para(const fs_doc *doc, const char *needle)
{
    for (size_t i = 0; i < doc->nblocks; i++) {
        if (doc->blocks[i].kind != FS_BLOCK_PARA)
            continue;
        fs_buf b = {0};
        fs_buf_adds(&b, "");
        para_text(doc->blocks[i].u.para, &b);
        if (strstr(b.s, needle))
            return b.s;
        fs_buf_free(&b);
    }
    return NULL;
}

/* Does some run of DOC contain TEXT and carry LINE? */
static int has_run_line(const fs_doc *doc, const char *text, long line)
{
    for (size_t i = 0; i < doc->nblocks; i++) {
        const fs_block *bl = &doc->blocks[i];
        if (bl->kind == FS_BLOCK_PARA) {
            for (size_t k = 0; k < bl->u.para->nruns; k++)
                if (strstr(bl->u.para->runs[k].text, text) && bl->u.para->runs[k].line == line)
                    return 1;
            continue;
        }
        if (bl->kind != FS_BLOCK_TABLE)
            continue;
        const fs_table *t = bl->u.table;
        for (size_t r = 0; r < t->nrows; r++)
            for (size_t c = 0; c < t->rows[r].ncells; c++)
                for (size_t p = 0; p < t->rows[r].cells[c].nparas; p++) {
                    const fs_para *pa = &t->rows[r].cells[c].paras[p];
                    for (size_t k = 0; k < pa->nruns; k++)
                        if (strstr(pa->runs[k].text, text) && pa->runs[k].line == line)
                            return 1;
                }
    }
    return 0;
}

/* ------------------------------------------------------------------------
 * The template itself.
 * ---------------------------------------------------------------------- */

START_TEST(template_matches_schema)
{
    xmlSchemaParserCtxtPtr pc = xmlSchemaNewParserCtxt("templates/forms.xsd");
    xmlSchemaPtr schema = xmlSchemaParse(pc);
    xmlSchemaValidCtxtPtr vc;
    xmlDocPtr doc;

    ck_assert_ptr_nonnull(schema);
    vc = xmlSchemaNewValidCtxt(schema);
    doc = xmlReadFile(FORMS, NULL, XML_PARSE_NONET);
    ck_assert_ptr_nonnull(doc);
    ck_assert_int_eq(xmlSchemaValidateDoc(vc, doc), 0);
    xmlFreeDoc(doc);
    xmlSchemaFreeValidCtxt(vc);
    xmlSchemaFree(schema);
    xmlSchemaFreeParserCtxt(pc);
}
END_TEST

/* Writes TEXT to a temporary template file and loads it; returns the
 * diagnostics' text (malloc'd) and whether it loaded in *OK. */
static char *load_text(const char *text, int *ok)
{
    char *dir = tu_tmpdir(), *path = fs_printf("%s/forms.xml", dir);
    fs_diags diags = {0};
    fs_error err;
    fs_forms *f;
    char *out = NULL;
    size_t n = 0;
    FILE *mem;

    tu_write(path, text, strlen(text));
    f = fs_forms_load(path, &diags, &err);
    *ok = f != NULL;
    if (f)
        ck_assert_int_eq(err, FS_OK);
    else
        ck_assert_int_eq(err, FS_E_TEMPLATE);
    fs_forms_free(f);
    mem = open_memstream(&out, &n);
    fs_diags_print(&diags, mem);
    fclose(mem);
    fs_diags_clear(&diags);
    free(path);
    free(dir);
    return out;
}

#define HEAD "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<forms format=\"1\" id=\"t\">\n"
#define SHEET_OK "<scoresheet><title>T</title><scores>" \
    "<column role=\"section\" width=\"30\">a</column>" \
    "<column role=\"number\" width=\"10\">b</column>" \
    "<column role=\"standard\" width=\"100\">c</column>" \
    "<column role=\"score\" width=\"16\">d</column>" \
    "<section><p>{label}</p></section><total>合计</total></scores></scoresheet>\n"
#define APP_OK "<application><title>T</title><grid><column width=\"56\"/><column width=\"100\"/>" \
    "<row><label>名称</label><value>{name}</value></row></grid></application>\n"

START_TEST(minimal_template_loads)
{
    int ok;
    char *msg = load_text(HEAD SHEET_OK APP_OK "</forms>\n", &ok);

    ck_assert_msg(ok, "%s", msg);
    free(msg);
}
END_TEST

START_TEST(template_errors_name_file_and_line)
{
    int ok;
    char *msg = load_text(HEAD SHEET_OK
                          "<application><title>{nmae}</title>\n"
                          "<grid><column width=\"56\"/><column width=\"90\"/>\n"
                          "<row min_height=\"3\"><label>名称</label><value>{situation}</value></row>\n"
                          "<row><label span=\"2\">x</label><value>y</value></row>\n"
                          "</grid></application></forms>\n", &ok);

    ck_assert(!ok);
    ck_assert_msg(strstr(msg, ":4: error:") && strstr(msg, "{nmae}"), "%s", msg);
    ck_assert_msg(strstr(msg, ":5: error:") && strstr(msg, "146"), "%s", msg);
    ck_assert_msg(strstr(msg, ":6: error:") && strstr(msg, "min_height"), "%s", msg);
    ck_assert_msg(strstr(msg, "{situation}"), "%s", msg);
    ck_assert_msg(strstr(msg, ":7: error:") && strstr(msg, "3 列"), "%s", msg);
    free(msg);
}
END_TEST

START_TEST(template_with_dtd_is_refused)
{
    int ok;
    char *msg = load_text("<?xml version=\"1.0\"?>\n<!DOCTYPE forms [<!ENTITY x \"y\">]>\n"
                          "<forms format=\"1\" id=\"t\">&x;</forms>\n", &ok);

    ck_assert(!ok);
    ck_assert_msg(strstr(msg, "DOCTYPE"), "%s", msg);
    free(msg);
}
END_TEST

START_TEST(template_brace_errors)
{
    int ok;
    char *msg = load_text(HEAD "<scoresheet><title>{name</title><para>a}b {{ok}}</para>"
                          "<scores><column role=\"section\" width=\"156\">a</column>"
                          "<section><p>x</p></section></scores></scoresheet>"
                          APP_OK "</forms>\n", &ok);

    ck_assert(!ok);
    ck_assert_msg(strstr(msg, "没有对应的 }"), "%s", msg);
    ck_assert_msg(strstr(msg, "多余的 }"), "%s", msg);
    ck_assert_msg(strstr(msg, "number"), "%s", msg);       /* missing role */
    free(msg);
}
END_TEST

/* ------------------------------------------------------------------------
 * 附件1 评定标准.
 * ---------------------------------------------------------------------- */

START_TEST(scoresheet_layout)
{
    loaded l;
    const fs_table *t;
    size_t items = 0;

    load(&l, "samples/mingli-2018.xml");
    t = main_table(l.scores);
    ck_assert_uint_eq(t->ncols, 6);
    ck_assert_double_eq_tol(fs_table_width(t), 156, 0.01);
    /* the header row repeats and comes first */
    ck_assert(t->rows[0].flags & FS_ROW_HEADER);
    for (size_t r = 1; r < t->nrows; r++)
        ck_assert(!(t->rows[r].flags & FS_ROW_HEADER));
    char *h = cell_text(&t->rows[0].cells[0]);
    ck_assert_str_eq(h, "评定项目");
    free(h);
    h = cell_text(&t->rows[0].cells[5]);
    ck_assert_str_eq(h, "自评分");
    free(h);
    /* header, 33 items, 合计 */
    ck_assert_uint_eq(t->nrows, 1 + l.rubric->nitems + 1);
    ck_assert_uint_eq(l.rubric->nitems, 33);
    size_t row = 1;
    for (size_t s = 0; s < l.rubric->nsections; s++) {
        const fs_rubric_section *sec = &l.rubric->sections[s];
        const fs_cell *c = cell_at(&t->rows[row], 0);
        ck_assert_ptr_nonnull(c);
        ck_assert_int_eq(c->rowspan, sec->nitems);
        ck_assert_int_eq(c->repeat_label, 1);
        ck_assert_int_eq(c->valign, FS_VALIGN_CENTER);
        ck_assert_uint_ge(c->nparas, 2);
        char *txt = cell_text(c);
        char *want = fs_printf("%s\n（%ld分）", sec->label, sec->max / 10);
        ck_assert_msg(strncmp(txt, want, strlen(want)) == 0, "%s", txt);
        char buf[32];
        char *sub = fs_printf("自评 %s 分", fs_tenths_format(l.sheet.section[s], buf, sizeof buf));
        ck_assert_msg(strstr(txt, sub), "%s", txt);
        free(sub);
        free(want);
        free(txt);
        for (int i = 0; i < sec->nitems; i++, row++, items++) {
            const fs_row *r = &t->rows[row];
            ck_assert_uint_eq(r->ncells, i == 0 ? 6 : 5);
            char *num = cell_text(cell_at(r, 1));
            ck_assert_int_eq(atoi(num), sec->first_item + i + 1);
            free(num);
        }
    }
    ck_assert_uint_eq(items, 33);
    /* 合计: label over the first four columns, 100, 93 */
    const fs_row *tot = &t->rows[t->nrows - 1];
    ck_assert_uint_eq(tot->ncells, 3);
    ck_assert_int_eq(tot->cells[0].colspan, 4);
    char *s0 = cell_text(&tot->cells[0]), *s1 = cell_text(&tot->cells[1]),
        *s2 = cell_text(&tot->cells[2]);
    ck_assert_str_eq(s0, "合计");
    ck_assert_str_eq(s1, "100");
    ck_assert_str_eq(s2, "93");
    free(s0), free(s1), free(s2);
    unload(&l);
}
END_TEST

START_TEST(scoresheet_texts)
{
    loaded l;
    char *all, *p;

    load(&l, "samples/mingli-2018.xml");
    all = doc_text(l.scores);
    ck_assert_ptr_nonnull(strstr(all, "附件1"));
    ck_assert_ptr_nonnull(strstr(all, "东莞市社会组织“五星级党组织”评定标准"));
    ck_assert_ptr_nonnull(strstr(all, "镇街（单位）：南城街道"));
    ck_assert_ptr_nonnull(strstr(all, "党组织名称：中共东莞市明理律师事务所支部委员会"));
    for (size_t i = 0; i < l.rubric->nitems; i++) {
        const fs_rubric_item *it = &l.rubric->items[i];
        for (size_t j = 0; j < it->nstandard; j++)
            ck_assert_msg(strstr(all, it->standard[j]), "item %d", it->number);
        if (it->check)
            ck_assert_msg(strstr(all, it->check), "item %d", it->number);
    }
    /* 自评分 of item 5 is 3.5, item 33 is 1.5 */
    const fs_table *t = main_table(l.scores);
    char *sc = cell_text(&t->rows[5].cells[t->rows[5].ncells - 1]);
    ck_assert_str_eq(sc, "3.5");
    free(sc);
    /* the notice's form: no verdict sentence, no signature line */
    ck_assert_ptr_null(find_para(l.scores, "自评总分"));
    ck_assert_ptr_null(find_para(l.scores, "签名"));
    ck_assert_ptr_null(strstr(all, "达到"));
    p = find_para(l.scores, "备注：");
    ck_assert_ptr_nonnull(p);
    ck_assert_ptr_nonnull(strstr(p, l.rubric->remark));
    free(p);
    unload(&l);
    /* switched on in the template, both come back */
    with_additions();
    load(&l, "samples/mingli-2018.xml");
    p = find_para(l.scores, "自评总分");
    ck_assert_ptr_nonnull(p);
    ck_assert_str_eq(p, "自评总分 93 分，达到“五星级党组织”标准（90分）。");
    free(p);
    p = find_para(l.scores, "党组织书记（签名）：");
    ck_assert_ptr_nonnull(p);
    ck_assert_ptr_nonnull(strstr(p, "年"));
    free(p);
    free(all);
    unload(&l);
}
END_TEST

START_TEST(scoresheet_typography_and_meta)
{
    loaded l;
    const fs_doc *d;
    const fs_para *p;

    load(&l, "samples/mingli-2018.xml");
    d = l.scores;
    ck_assert_double_eq_tol(d->page.width, 210, 1e-9);
    ck_assert_double_eq_tol(d->page.top, 37, 1e-9);
    ck_assert_double_eq_tol(d->page.left, 28, 1e-9);
    ck_assert_double_eq_tol(d->page.width - d->page.left - d->page.right, 156, 1e-9);
    ck_assert_int_eq(d->page.pagenum, FS_PAGENUM_GBT9704);
    ck_assert_int_eq(d->blocks[0].kind, FS_BLOCK_PARA);
    p = d->blocks[0].u.para;                    /* 附件1: 三号 黑体, flush left */
    ck_assert_str_eq(p->runs[0].text, "附件1");
    ck_assert_int_eq(p->runs[0].role, FS_ROLE_HEI);
    ck_assert_double_eq_tol(p->runs[0].size, FS_PT_HAO3, 1e-9);
    ck_assert_int_eq(p->align, FS_ALIGN_LEFT);
    p = d->blocks[1].u.para;                    /* title: 二号, centred */
    ck_assert_double_eq_tol(p->runs[0].size, FS_PT_HAO2, 1e-9);
    ck_assert_int_eq(p->align, FS_ALIGN_CENTER);
    /* table text 五号 */
    const fs_table *t = main_table(d);
    ck_assert_double_eq_tol(t->rows[1].cells[2].paras[0].runs[0].size, FS_PT_HAO5, 1e-9);
    /* every table as wide as the text block */
    for (size_t i = 0; i < d->nblocks; i++)
        if (d->blocks[i].kind == FS_BLOCK_TABLE)
            ck_assert_double_eq_tol(fs_table_width(d->blocks[i].u.table), 156, 0.01);
    ck_assert_ptr_nonnull(strstr(d->title, "中共东莞市明理律师事务所支部委员会"));
    ck_assert_ptr_nonnull(strstr(d->title, "评定标准"));
    ck_assert_str_eq(d->author, "中共东莞市明理律师事务所支部委员会");
    ck_assert_str_eq(d->creator, "fivestar");
    ck_assert_ptr_nonnull(d->subject);
    ck_assert_ptr_nonnull(strstr(d->subject, "评定标准"));
    ck_assert_str_eq(d->source_file, "samples/mingli-2018.xml");
    /* dossier text carries its line: <town> is line 7, <score item="5"> 23+ */
    ck_assert(has_run_line(d, "南城街道", l.dossier->town.line));
    ck_assert_int_gt(l.dossier->town.line, 0);
    ck_assert(has_run_line(d, "3.5", l.dossier->scores[4].line));
    unload(&l);
}
END_TEST

/* Half a point short: the shortfall sentence. */
START_TEST(scoresheet_shortfall)
{
    loaded l;
    char *p;

    with_additions();
    load(&l, "samples/mingli-2018.xml");
    fs_doc_free(l.scores);
    l.dossier->scores[0].points -= 35;          /* 5 → 1.5: total 89.5 */
    fs_score_dossier(l.dossier, l.rubric, &l.sheet);
    ck_assert_int_eq(l.sheet.total, 895);
    l.scores = fs_form_scoresheet(l.forms, l.rubric, l.dossier, &l.sheet);
    p = find_para(l.scores, "自评总分");
    ck_assert_ptr_nonnull(p);
    ck_assert_str_eq(p, "自评总分 89.5 分，距“五星级党组织”标准（90分）尚差 0.5 分。");
    ck_assert_ptr_null(strstr(p, "达到"));
    free(p);
    const fs_table *t = main_table(l.scores);
    const fs_row *tot = &t->rows[t->nrows - 1];
    char *s2 = cell_text(&tot->cells[2]);
    ck_assert_str_eq(s2, "89.5");
    free(s2);
    /* exactly 90 qualifies */
    fs_doc_free(l.scores);
    l.dossier->scores[0].points += 5;
    fs_score_dossier(l.dossier, l.rubric, &l.sheet);
    l.scores = fs_form_scoresheet(l.forms, l.rubric, l.dossier, &l.sheet);
    p = find_para(l.scores, "自评总分");
    ck_assert_str_eq(p, "自评总分 90 分，达到“五星级党组织”标准（90分）。");
    free(p);
    unload(&l);
}
END_TEST

/* A star level the rubric has no threshold for: no verdict, just the total;
 * 申报星级 still names the level from the template's <stars>. */
START_TEST(scoresheet_unrated)
{
    loaded l;
    char *p, *all;

    with_additions();
    load(&l, "samples/mingli-2018.xml");
    fs_doc_free(l.scores);
    fs_doc_free(l.app);
    l.dossier->apply_star = 4;
    fs_score_dossier(l.dossier, l.rubric, &l.sheet);
    ck_assert_int_eq(l.sheet.threshold, -1);
    l.scores = fs_form_scoresheet(l.forms, l.rubric, l.dossier, &l.sheet);
    l.app = fs_form_application(l.forms, l.rubric, l.dossier, &l.sheet);
    p = find_para(l.scores, "自评总分");
    ck_assert_ptr_nonnull(p);
    ck_assert_str_eq(p, "自评总分 93 分。");
    free(p);
    all = doc_text(l.app);
    ck_assert_ptr_nonnull(strstr(all, "\n四星级\n"));
    free(all);
    unload(&l);
}
END_TEST

START_TEST(scoresheet_sample_shortfall)
{
    loaded l;
    char *p;

    with_additions();
    load(&l, "samples/hengtai-2018.xml");
    p = find_para(l.scores, "自评总分");
    ck_assert_ptr_nonnull(p);
    ck_assert_msg(strstr(p, "尚差 0.5 分"), "%s", p);
    free(p);
    unload(&l);
}
END_TEST

/* ------------------------------------------------------------------------
 * 附件2 申报表.
 * ---------------------------------------------------------------------- */

START_TEST(application_fields)
{
    loaded l;
    const fs_dossier *d;
    char *all;

    load(&l, "samples/mingli-2018.xml");
    d = l.dossier;
    all = doc_text(l.app);
    ck_assert_ptr_nonnull(strstr(all, "附件2"));
    ck_assert_ptr_nonnull(strstr(all, "东莞市社会组织“五星级党组织”申报表"));
    ck_assert_ptr_nonnull(strstr(all, "申报单位：广东明理律师事务所"));
    ck_assert_ptr_nonnull(strstr(all, "时间：2018年4月12日"));
    static const char *const labels[] = {
        "党组织名称（全称）", "申报星级", "党员人数", "党组织成立时间",
        "党组织负责人", "单位电话", "受表彰情况", "班子建设情况", "队伍建设情况",
        "阵地建设情况", "制度建设情况", "廉政建设情况", "品牌建设情况",
        "各镇街（园区）、\n市直管党组织意见", "（盖章）", "备注",
    };
    for (size_t i = 0; i < sizeof labels / sizeof *labels; i++)
        ck_assert_msg(strstr(all, labels[i]), "%s", labels[i]);
    ck_assert_ptr_nonnull(strstr(all, d->name.s));
    ck_assert_ptr_nonnull(strstr(all, "五星级"));
    ck_assert_ptr_nonnull(strstr(all, "\n15\n"));
    ck_assert_ptr_nonnull(strstr(all, "2010年6月18日"));
    ck_assert_ptr_nonnull(strstr(all, d->leader.s));
    ck_assert_ptr_nonnull(strstr(all, d->phone.s));
    ck_assert_ptr_nonnull(strstr(all, d->honors.s));            /* lines joined by \n */
    for (size_t s = 0; s < l.rubric->nsections; s++)
        ck_assert_msg(strstr(all, d->situation[s].s), "situation %zu", s + 1);
    ck_assert_ptr_nonnull(strstr(all, d->remark.s));
    ck_assert(has_run_line(l.app, "广东明理律师事务所", d->unit.line));
    ck_assert(has_run_line(l.app, "2017年支部书记", d->honors.line));
    ck_assert_str_eq(l.app->author, d->name.s);
    ck_assert_ptr_nonnull(strstr(l.app->title, "申报表"));
    free(all);
    unload(&l);
}
END_TEST

START_TEST(application_grid)
{
    loaded l;
    const fs_table *t;
    int seen_opinion = 0, situations = 0;

    load(&l, "samples/mingli-2018.xml");
    t = main_table(l.app);
    ck_assert_uint_eq(t->ncols, 4);
    ck_assert_double_eq_tol(fs_table_width(t), 156, 0.01);
    /* 3 field rows, 受表彰情况, 6 situations, 意见, 备注 */
    ck_assert_uint_eq(t->nrows, 3 + 1 + l.rubric->nsections + 1 + 1);
    for (size_t r = 0; r < t->nrows; r++) {
        const fs_row *row = &t->rows[r];
        char *label = cell_text(&row->cells[0]);
        ck_assert_int_eq(row->cells[0].repeat_label, 1);
        if (r < 3) {
            ck_assert_uint_eq(row->ncells, 4);
        } else {
            ck_assert_uint_eq(row->ncells, 2);
            ck_assert_int_eq(row->cells[1].colspan, 3);
        }
        if (strstr(label, "建设情况")) {
            const fs_para *p = &row->cells[1].paras[0];
            ck_assert_double_eq_tol(p->indent_chars, 2, 1e-9);
            ck_assert_int_eq(p->align, FS_ALIGN_JUSTIFY);
            situations++;
        }
        if (strstr(label, "意见")) {
            const fs_cell *v = &row->cells[1];
            char *txt = cell_text(v);
            seen_opinion = 1;
            /* room for a handwritten opinion above the seal and date */
            ck_assert(row->min_height >= 60);
            ck_assert(row->flags & FS_ROW_CANT_SPLIT);
            ck_assert_int_eq(v->valign, FS_VALIGN_TOP);
            ck_assert_double_ge(v->paras[v->nparas - 2].space_before, 30);
            ck_assert_msg(strstr(txt, "（盖章）"), "%s", txt);
            /* the date line as the notice has it, the 20 printed */
            ck_assert_msg(strstr(txt, "20　　年　　月　　日"), "%s", txt);
            ck_assert_int_eq(v->paras[v->nparas - 1].align, FS_ALIGN_RIGHT);
            ck_assert_int_eq(v->paras[v->nparas - 2].align, FS_ALIGN_RIGHT);
            free(txt);
        }
        free(label);
    }
    ck_assert(seen_opinion);
    ck_assert_int_eq(situations, 6);
    unload(&l);
}
END_TEST

/* A dossier with none of the optional texts: empty cells, nothing lost. */
START_TEST(application_minimal)
{
    loaded l;
    const fs_table *t;

    load(&l, "samples/minimal-2018.xml");
    t = main_table(l.app);
    for (size_t r = 0; r < t->nrows; r++)
        for (size_t c = 0; c < t->rows[r].ncells; c++) {
            const fs_cell *cell = &t->rows[r].cells[c];
            ck_assert_uint_ge(cell->nparas, 1);
            for (size_t p = 0; p < cell->nparas; p++)
                ck_assert_uint_ge(cell->paras[p].nruns, 1);
        }
    char *all = doc_text(l.app);
    ck_assert_ptr_nonnull(strstr(all, "五星级"));       /* the default star */
    ck_assert_ptr_nonnull(strstr(all, "2016年11月3日"));
    free(all);
    unload(&l);
}
END_TEST

/* The dossier's opinion, when given, comes before the seal. */
START_TEST(application_opinion)
{
    loaded l;
    const fs_table *t;

    load(&l, "samples/mingli-2018.xml");
    fs_doc_free(l.app);
    l.dossier->opinion.s = fs_strdup("同意推荐。\n情况属实。");
    l.dossier->opinion.line = 99;
    l.app = fs_form_application(l.forms, l.rubric, l.dossier, &l.sheet);
    t = main_table(l.app);
    for (size_t r = 0; r < t->nrows; r++) {
        char *label = cell_text(&t->rows[r].cells[0]);
        if (strstr(label, "意见")) {
            const fs_cell *v = &t->rows[r].cells[1];
            char *txt = cell_text(v);
            ck_assert_msg(strncmp(txt, "同意推荐。\n情况属实。\n（盖章）", strlen("同意推荐。\n情况属实。\n（盖章）")) == 0, "%s", txt);
            ck_assert_double_eq_tol(v->paras[0].indent_chars, 2, 1e-9);
            ck_assert_int_eq(v->paras[0].runs[0].line, 99);
            free(txt);
        }
        free(label);
    }
    unload(&l);
}
END_TEST

/* The first paragraph of DOC, in the body or a cell, whose first run
 * starts with PREFIX; NULL when none does. */
static const fs_para *para_starting(const fs_doc *doc, const char *prefix)
{
    for (size_t i = 0; i < doc->nblocks; i++) {
        const fs_block *b = &doc->blocks[i];
        if (b->kind == FS_BLOCK_PARA && b->u.para->nruns &&
            strncmp(b->u.para->runs[0].text, prefix, strlen(prefix)) == 0)
            return b->u.para;
        if (b->kind != FS_BLOCK_TABLE)
            continue;
        for (size_t r = 0; r < b->u.table->nrows; r++)
            for (size_t c = 0; c < b->u.table->rows[r].ncells; c++) {
                const fs_cell *cell = &b->u.table->rows[r].cells[c];
                for (size_t k = 0; k < cell->nparas; k++)
                    if (cell->paras[k].nruns &&
                        strncmp(cell->paras[k].runs[0].text, prefix, strlen(prefix)) == 0)
                        return &cell->paras[k];
            }
    }
    return NULL;
}

/* Paragraphs carry their kind from the template: <attachment> and <title>
 * by default, kind="note" and kind="signature" where the template says so,
 * cell text as cells; a kind the template cannot have is an error naming
 * the line. */
START_TEST(paragraph_kinds)
{
    loaded l;
    const fs_para *p;
    int ok;
    char *msg;

    load(&l, "samples/mingli-2018.xml");
    ck_assert_int_eq(l.scores->blocks[0].kind, FS_BLOCK_PARA);
    ck_assert_int_eq(l.scores->blocks[0].u.para->kind, FS_PARA_ATTACHMENT);
    ck_assert_int_eq(l.scores->blocks[1].u.para->kind, FS_PARA_TITLE);
    ck_assert_int_eq(l.app->blocks[0].u.para->kind, FS_PARA_ATTACHMENT);
    ck_assert_int_eq(l.app->blocks[1].u.para->kind, FS_PARA_TITLE);
    ck_assert_ptr_nonnull(p = para_starting(l.scores, "备注："));
    ck_assert_int_eq(p->kind, FS_PARA_NOTE);
    ck_assert_ptr_nonnull(p = para_starting(l.scores, "评定项目"));
    ck_assert_int_eq(p->kind, FS_PARA_CELL);
    ck_assert_ptr_nonnull(p = para_starting(l.app, "（盖章）"));
    ck_assert_int_eq(p->kind, FS_PARA_SIGNATURE);
    ck_assert_ptr_nonnull(p = para_starting(l.app, "申报单位"));
    ck_assert_int_eq(p->kind, FS_PARA_CELL);
    unload(&l);

    msg = load_text(HEAD SHEET_OK "<application><title>T</title>\n"
                    "<para kind=\"banner\">x</para></application></forms>\n", &ok);
    ck_assert(!ok);
    ck_assert_msg(strstr(msg, ":5: error:") && strstr(msg, "kind=\"banner\""), "%s", msg);
    free(msg);
    msg = load_text(HEAD SHEET_OK "<application><title>T</title>\n"
                    "<spacer height=\"2\" kind=\"note\"/></application></forms>\n", &ok);
    ck_assert(!ok);
    ck_assert_msg(strstr(msg, ":5: error:") && strstr(msg, "kind"), "%s", msg);
    free(msg);
}
END_TEST

/* print="no" leaves a block out of its form; the attribute belongs to the
 * blocks of a form only. */
START_TEST(print_switch)
{
    int ok;
    char *msg = load_text(HEAD SHEET_OK "<application><title>T</title>\n"
                          "<para print=\"no\">x</para><para print=\"yes\">y</para></application></forms>\n",
                          &ok);

    ck_assert_msg(ok, "%s", msg);
    free(msg);
    msg = load_text(HEAD SHEET_OK "<application><title>T</title>\n"
                    "<para print=\"maybe\">x</para></application></forms>\n", &ok);
    ck_assert(!ok);
    ck_assert_msg(strstr(msg, ":5: error:") && strstr(msg, "print"), "%s", msg);
    free(msg);
    msg = load_text(HEAD SHEET_OK "<application><title>T</title>\n"
                    "<grid><column width=\"156\" print=\"no\"/><row><label>a</label><value>b</value></row>"
                    "</grid></application></forms>\n", &ok);
    ck_assert(!ok);
    ck_assert_msg(strstr(msg, ":5: error:") && strstr(msg, "print"), "%s", msg);
    free(msg);
}
END_TEST

static Suite *form_suite(void)
{
    Suite *s = suite_create("form");
    TCase *tc = tcase_create("form");

    tcase_add_test(tc, template_matches_schema);
    tcase_add_test(tc, minimal_template_loads);
    tcase_add_test(tc, print_switch);
    tcase_add_test(tc, template_errors_name_file_and_line);
    tcase_add_test(tc, template_with_dtd_is_refused);
    tcase_add_test(tc, template_brace_errors);
    tcase_add_test(tc, scoresheet_layout);
    tcase_add_test(tc, scoresheet_texts);
    tcase_add_test(tc, scoresheet_typography_and_meta);
    tcase_add_test(tc, scoresheet_shortfall);
    tcase_add_test(tc, scoresheet_sample_shortfall);
    tcase_add_test(tc, scoresheet_unrated);
    tcase_add_test(tc, application_fields);
    tcase_add_test(tc, application_grid);
    tcase_add_test(tc, application_minimal);
    tcase_add_test(tc, application_opinion);
    tcase_add_test(tc, paragraph_kinds);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return tu_main(form_suite());
}
