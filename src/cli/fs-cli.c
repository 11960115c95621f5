/*
 * fs-cli.c - the subcommands validate, score and new (render is in
 * fs-render.c).  Each takes argv with argv[0] the command's name and
 * returns the exit status of cli.md.
 */
#define _GNU_SOURCE
#include "fs-cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ------------------------------------------------------------------------
 * Arguments.
 * ---------------------------------------------------------------------- */

/* Splits ARGV into files and the options of SPEC ("--json", "-o=", …: a
 * trailing '=' takes a value).  Returns 0, or prints a usage error and
 * returns -1. */
int fs_cli_parse(int argc, char **argv, const char *const *spec,
                 fs_cli_args *a)
{
    memset(a, 0, sizeof *a);
    a->files = fs_xcalloc((size_t)argc, sizeof *a->files);
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        int matched = 0;

        if (arg[0] != '-' || strcmp(arg, "-") == 0) {
            a->files[a->nfiles++] = arg;
            continue;
        }
        if (strcmp(arg, "--") == 0) {
            while (++i < argc)
                a->files[a->nfiles++] = argv[i];
            break;
        }
        for (size_t k = 0; spec[k] && k < FS_CLI_MAXOPT; k++) {
            size_t n = strlen(spec[k]);
            int takes = spec[k][n - 1] == '=';
            if (strncmp(arg, spec[k], n - (size_t)takes) != 0 || arg[n - (size_t)takes] != '\0')
                continue;
            matched = 1;
            if (!takes) {
                a->opt[k] = "";
            } else if (i + 1 < argc) {
                a->opt[k] = argv[++i];
            } else {
                fprintf(stderr, "fivestar %s: error: 选项 %s 需要一个参数\n", argv[0], arg);
                goto fail;
            }
        }
        if (!matched) {
            fprintf(stderr, "fivestar %s: error: 未知选项“%s”（fivestar %s --help）\n",
                    argv[0], arg, argv[0]);
            goto fail;
        }
    }
    return 0;
fail:
    free(a->files);
    a->files = NULL;
    return -1;
}

void fs_cli_args_free(fs_cli_args *a)
{
    free(a->files);
    a->files = NULL;
}

/* ------------------------------------------------------------------------
 * validate and score.
 * ---------------------------------------------------------------------- */

/* Folds the outcome of one file into the run's status: I/O and template
 * failures (3) outrank input errors (1). */
int fs_cli_worst(int status, fs_error err)
{
    int s = fs_exit_status(err);
    return s > status ? s : status;
}

/* Loads each of the N dossiers FILES in turn, prints its problems in line
 * order and, when it is valid, hands it to EACH with its rubric and CTX.
 * Rubrics are loaded once for the run.  Returns the exit status of the
 * worst outcome. */
static int each_dossier(const char **files, size_t n,
                        void (*each)(const fs_dossier *, const fs_rubric *,
                                     const fs_diags *, void *),
                        void *ctx)
{
    fs_rubric_cache *cache = fs_rubric_cache_new();
    int status = 0;

    for (size_t i = 0; i < n; i++) {
        fs_diags diags = {0};
        const fs_rubric *r;
        fs_error err;
        fs_dossier *d = fs_dossier_load(files[i], cache, &r, &diags, &err);

        fs_diags_sort(&diags);
        fs_diags_print(&diags, stderr);
        if (d)
            each(d, r, &diags, ctx);
        status = fs_cli_worst(status, err);
        fs_dossier_free(d);
        fs_diags_clear(&diags);
    }
    fs_rubric_cache_free(cache);
    return status;
}

/* Parses ARGV with SPEC into A and insists on at least one file. */
static int files_args(int argc, char **argv, const char *const *spec,
                      fs_cli_args *a)
{
    if (fs_cli_parse(argc, argv, spec, a) < 0)
        return -1;
    if (a->nfiles == 0) {
        fprintf(stderr, "fivestar %s: error: 请给出档案文件\n", argv[0]);
        fs_cli_args_free(a);
        return -1;
    }
    return 0;
}

static void validate_one(const fs_dossier *d, const fs_rubric *r,
                         const fs_diags *diags, void *ctx)
{
    (void)r, (void)ctx;
    printf("%s: 通过检查%s\n", d->path, diags->warnings ? "（有警告）" : "");
}

int fs_cmd_validate(int argc, char **argv)
{
    static const char *const spec[] = {NULL};
    fs_cli_args a;
    int status;

    if (files_args(argc, argv, spec, &a) < 0)
        return 2;
    status = each_dossier(a.files, a.nfiles, validate_one, NULL);
    fs_cli_args_free(&a);
    return status;
}

/* Writes S as a JSON string: quotes, backslash and controls escaped,
 * everything else as UTF-8. */
static void json_string(FILE *out, const char *s)
{
    putc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(out, "\\%c", *p);
        else if (*p == '\n')
            fputs("\\n", out);
        else if (*p < 0x20)
            fprintf(out, "\\u%04x", *p);
        else
            putc(*p, out);
    }
    putc('"', out);
}

/* One JSON Lines object, keys in the order of cli.md. */
static void score_json(FILE *out, const fs_dossier *d, const fs_rubric *r,
                       const fs_result_sheet *s)
{
    char a[24], b[24];

    fputs("{\"file\":", out);
    json_string(out, d->path);
    fputs(",\"organization\":", out);
    json_string(out, d->name.s);
    fprintf(out, ",\"year\":%d,\"rubric\":", d->year);
    json_string(out, r->id);
    fputs(",\"sections\":[", out);
    for (size_t i = 0; i < r->nsections; i++) {
        fprintf(out, "%s{\"number\":%d,\"title\":", i ? "," : "", r->sections[i].number);
        json_string(out, r->sections[i].name);
        fprintf(out, ",\"max\":%s,\"score\":%s}",
                fs_tenths_format(r->sections[i].max, a, sizeof a),
                fs_tenths_format(s->section[i], b, sizeof b));
    }
    fprintf(out, "],\"total\":%s,\"max\":%s,\"star\":%d,\"threshold\":",
            fs_tenths_format(s->total, a, sizeof a), fs_tenths_format(s->max, b, sizeof b),
            s->star);
    if (s->threshold >= 0)
        fputs(fs_tenths_format(s->threshold, a, sizeof a), out);
    else
        fputs("null", out);
    fprintf(out, ",\"qualified\":%s}\n", s->qualified ? "true" : "false");
}

/* The human-readable form of the same figures. */
static void score_text(FILE *out, const fs_dossier *d, const fs_rubric *r,
                       const fs_result_sheet *s)
{
    char a[24], b[24], c[24];
    const fs_threshold *th = fs_rubric_threshold(r, s->star);

    fprintf(out, "%s\n  %s（%d年度，评定标准 %s）\n", d->path, d->name.s, d->year, r->id);
    for (size_t i = 0; i < r->nsections; i++)
        fprintf(out, "  %s  %s / %s\n", r->sections[i].label,
                fs_tenths_format(s->section[i], a, sizeof a),
                fs_tenths_format(r->sections[i].max, b, sizeof b));
    fprintf(out, "  合计  %s / %s\n", fs_tenths_format(s->total, a, sizeof a),
            fs_tenths_format(s->max, b, sizeof b));
    if (!th)
        fprintf(out, "  结论：评定标准没有 %d 星的分数线\n", s->star);
    else if (s->qualified)
        fprintf(out, "  结论：达到“%s”标准（%s分）\n", th->name,
                fs_tenths_format(th->min, c, sizeof c));
    else
        fprintf(out, "  结论：未达到“%s”标准（%s分），尚差 %s 分\n", th->name,
                fs_tenths_format(th->min, c, sizeof c),
                fs_tenths_format(th->min - s->total, a, sizeof a));
}

static void score_one(const fs_dossier *d, const fs_rubric *r,
                      const fs_diags *diags, void *ctx)
{
    fs_result_sheet s;

    (void)diags;
    fs_score_dossier(d, r, &s);
    if (*(const int *)ctx)
        score_json(stdout, d, r, &s);
    else
        score_text(stdout, d, r, &s);
}

int fs_cmd_score(int argc, char **argv)
{
    static const char *const spec[] = {"--json", NULL};
    fs_cli_args a;
    int json, status;

    if (files_args(argc, argv, spec, &a) < 0)
        return 2;
    json = a.opt[0] != NULL;
    status = each_dossier(a.files, a.nfiles, score_one, &json);
    fs_cli_args_free(&a);
    return status;
}

/* ------------------------------------------------------------------------
 * new.
 * ---------------------------------------------------------------------- */

/* Adds S inside an XML comment: "--" may not appear there. */
static void comment_text(fs_buf *b, const char *s)
{
    for (; *s; s++) {
        fs_buf_add(b, s, 1);
        if (*s == '-' && (s[1] == '-' || s[1] == '\0'))
            fs_buf_adds(b, " ");
    }
}

/* Builds the blank dossier for rubric R and YEAR. */
static char *blank_dossier(const fs_rubric *r, int year)
{
    fs_buf b = {0};

    fs_buf_adds(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    fs_buf_printf(&b,
        "<!-- 五星级党组织申报档案（fivestar 档案格式 1）。格式说明见 docs/dossier-format.md。\n"
        "     填写方法：把每个空白元素和 points=\"\" 填上；可选的元素不需要时可以删去。\n"
        "     填好后运行  fivestar validate 本文件  检查，fivestar render 本文件  生成表格。 -->\n"
        "<dossier format=\"1\" year=\"%d\" rubric=\"%s\">\n", year, r->id);
    fs_buf_adds(&b,
        "  <organization>\n"
        "    <name></name>        <!-- 党组织名称（全称），如 中共东莞市××律师事务所支部委员会；1–100 字 -->\n"
        "    <unit></unit>        <!-- 申报单位（律师事务所或社会组织）；1–100 字 -->\n"
        "    <town></town>        <!-- 镇街（单位），如 南城街道、松山湖园区、市直管；1–50 字 -->\n"
        "    <members></members>  <!-- 党员人数，整数 -->\n"
        "    <founded></founded>  <!-- 党组织成立时间，如 2010-06-18 -->\n"
        "    <leader></leader>    <!-- 党组织负责人；1–30 字 -->\n"
        "    <phone></phone>      <!-- 单位电话，如 0769-22881234 -->\n"
        "    <star>0</star>       <!-- 已获评的星级 0–5，0 表示尚未获评；可删去 -->\n"
        "  </organization>\n\n");
    fs_buf_printf(&b,
        "  <!-- 申报时间 date，如 %d-04-12；申报星级 star 默认为 5 -->\n"
        "  <application date=\"\" star=\"5\">\n"
        "    <honors></honors>  <!-- 受表彰情况，每行一段；可删去 -->\n", year);
    for (size_t i = 0; i < r->nsections; i++)
        fs_buf_printf(&b, "    <situation section=\"%zu\"></situation>  <!-- %s情况，每行一段 -->\n",
                      i + 1, r->sections[i].name);
    fs_buf_adds(&b,
        "    <remark></remark>  <!-- 备注；可删去 -->\n"
        "  </application>\n\n"
        "  <!-- 自评分：每项 points 填 0 到该项分值之间的数，最多一位小数。\n"
        "       可加 <note>自评说明</note>（500 字以内）和 <evidence href=\"相对路径\">佐证材料</evidence>。 -->\n"
        "  <assessment>\n");
    for (size_t s = 0; s < r->nsections; s++) {
        const fs_rubric_section *sec = &r->sections[s];
        char m[24];
        fs_buf_printf(&b, "\n    <!-- %s（%s分） -->\n", sec->label,
                      fs_tenths_format(sec->max, m, sizeof m));
        for (int k = 0; k < sec->nitems; k++) {
            const fs_rubric_item *it = &r->items[sec->first_item + k];
            fs_buf_printf(&b, "    <!-- 第%d项（%s分）", it->number, fs_tenths_format(it->max, m, sizeof m));
            for (size_t p = 0; p < it->nstandard; p++) {
                fs_buf_adds(&b, p ? "\n         " : "：");
                comment_text(&b, it->standard[p]);
            }
            if (it->check) {
                fs_buf_adds(&b, "\n         检查内容：");
                comment_text(&b, it->check);
            }
            fs_buf_printf(&b, " -->\n    <score item=\"%d\" points=\"\"/>\n", it->number);
        }
    }
    fs_buf_adds(&b,
        "  </assessment>\n\n"
        "  <!-- 统计表中的一行；可删去。compliant 为 yes 或 no。 -->\n"
        "  <standing>\n"
        "    <problems></problems>\n"
        "    <plan></plan>\n"
        "  </standing>\n"
        "</dossier>\n");
    return b.s;
}

int fs_cmd_new(int argc, char **argv)
{
    static const char *const spec[] = {"-o=", "--rubric=", "--year=", "--force", NULL};
    fs_cli_args a;
    fs_rubric_cache *cache = NULL;
    fs_diags diags = {0};
    const fs_rubric *r;
    fs_error err;
    char *text = NULL;
    int status = 2, year;
    time_t now = time(NULL);
    struct tm tm;

    if (fs_cli_parse(argc, argv, spec, &a) < 0)
        return 2;
    if (a.nfiles) {
        fprintf(stderr, "fivestar new: error: 多余的参数“%s”\n", a.files[0]);
        goto done;
    }
    gmtime_r(&now, &tm);
    year = tm.tm_year + 1900;
    if (a.opt[2]) {
        char *end;
        long y = strtol(a.opt[2], &end, 10);
        if (*end || y < 1900 || y > 2999) {
            fprintf(stderr, "fivestar new: error: --year 应为四位数字的年份\n");
            goto done;
        }
        year = (int)y;
    }
    cache = fs_rubric_cache_new();
    r = fs_rubric_cache_get(cache, a.opt[1] ? a.opt[1] : "dongguan-2018", &diags,
                            "fivestar new", 0, &err);
    fs_diags_print(&diags, stderr);
    if (!r) {
        status = err == FS_E_INVALID ? 2 : fs_exit_status(err);
        goto done;
    }
    text = blank_dossier(r, year);
    if (!a.opt[0]) {
        fputs(text, stdout);
        status = 0;
    } else if (!a.opt[3] && access(a.opt[0], F_OK) == 0) {
        fprintf(stderr, "%s: error: 文件已存在，未覆盖（确需覆盖请加 --force）\n", a.opt[0]);
        status = 3;
    } else if (fs_write_atomic(a.opt[0], text, strlen(text)) != FS_OK) {
        fprintf(stderr, "%s: error: 无法写入：%s\n", a.opt[0], strerror(errno));
        status = 3;
    } else {
        status = 0;
    }
done:
    free(text);
    fs_diags_clear(&diags);
    fs_rubric_cache_free(cache);
    fs_cli_args_free(&a);
    return status;
}

/* Ends a command: flushes standard output and turns a failed write (a full
 * disk, /dev/full, an I/O error) into exit status 3 with a message, so
 * that a report which never reached its file cannot pass for success.
 * Returns STATUS, or 3 when standard output could not be written. */
int fs_cli_finish(int status)
{
    int failed = fflush(stdout) != 0;
    int saved = errno;

    if (ferror(stdout) || failed) {
        fprintf(stderr, "fivestar: error: 无法写入标准输出：%s\n",
                failed ? strerror(saved) : "部分内容未能写入");
        return fs_cli_worst(status, FS_E_IO);
    }
    return status;
}
