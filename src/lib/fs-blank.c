/*
 * fs-blank.c - the blank dossier `fivestar new` writes (fivestar.h): every
 * field empty, every rubric item listed with its standard and 检查内容 as
 * a comment, ready to fill in.
 */
#include "fs-lib-private.h"
#include "fs-set.h"

#include <stdlib.h>

/* Adds S inside an XML comment: "--" may not appear there. */
static void comment_text(fs_buf *b, const char *s)
{
    for (; *s; s++) {
        fs_buf_add(b, s, 1);
        if (*s == '-' && (s[1] == '-' || s[1] == '\0'))
            fs_buf_adds(b, " ");
    }
}

/* The blank dossier of rubric R and YEAR (malloc'd). */
static char *blank_text(const fs_rubric *r, int year)
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
        "    <founded></founded>  <!-- 党组织成立时间，如 2010-06-18 或 2010年6月18日 -->\n"
        "    <leader></leader>    <!-- 党组织负责人；1–30 字 -->\n"
        "    <phone></phone>      <!-- 单位电话，如 0769-22881234 -->\n"
        "    <star>0</star>       <!-- 已获评的星级 0–5，0 表示尚未获评；可删去 -->\n"
        "  </organization>\n\n");
    fs_buf_printf(&b,
        "  <!-- 申报时间 date，如 %d-04-12 或 %d年4月12日；申报星级 star 默认为 5（五星级） -->\n"
        "  <application date=\"\" star=\"5\">\n"
        "    <honors></honors>  <!-- 受表彰情况，每行一段；可删去 -->\n", year, year);
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
        "  <!-- 统计表中的一行；可删去。是否达标 compliant 写 是 或 否（yes 或 no）。 -->\n"
        "  <standing>\n"
        "    <problems></problems>\n"
        "    <plan></plan>\n"
        "  </standing>\n"
        "</dossier>\n");
    return b.s;
}

/* The blank dossier of rubric ID for YEAR; see fivestar.h. */
char *fs_blank_dossier(fs_lib *lib, const char *id, int year,
                       fs_diags *diags, fs_error *err)
{
    char *only = NULL, *list = NULL, *text = NULL;
    const fs_rubric *r;

    if (!id) {                  /* the only rubric there is, else ask */
        id = only = fs_set_only_rubric(&list);
        if (!id) {
            if (*list)
                fs_diags_add(diags, "fivestar new", 0, FS_ERROR,
                             "模板中有多个评定标准（%s）：请用 --rubric ID 指明用哪一个", list);
            else
                fs_diags_add(diags, "fivestar new", 0, FS_ERROR,
                             "%s/rubrics 中没有评定标准，请检查模板文件夹（FIVESTAR_TEMPLATES）",
                             fs_templates_dir());
            *err = FS_E_INVALID;
            goto done;
        }
    }
    r = fs_lib_rubric(lib, id, diags, "fivestar new", 0, err);
    text = r ? blank_text(r, year) : NULL;
done:
    free(only);
    free(list);
    return text;
}
