/*
 * fs-xmlmsg.c - libxml2's parser and schema errors in plain Chinese.
 *
 * Errors are told apart by libxml2's error code (xmlError.code), not by
 * their English text; the English text is only mined for the names and
 * values libxml2 puts nowhere else (the value of a facet error, the list
 * of expected elements).  Each message says what is wrong and what to do.
 * With --verbose libxml2's own text follows, for developers.
 */
#include "fs-cn.h"

#include <libxml/xmlerror.h>
#include <stdlib.h>
#include <string.h>

/* Appends libxml2's own text of E to B when --verbose is on. */
static void add_original(fs_buf *b, const xmlError *e)
{
    char *m;
    size_t n;

    if (!fs_verbose() || !e->message)
        return;
    m = fs_cn_oneline_dup(e->message);
    n = strlen(m);
    while (n && m[n - 1] == ' ')
        m[--n] = '\0';
    fs_buf_printf(b, "（libxml2：%s）", m);
    free(m);
}

/* E's string field S, or "?" when libxml2 left it empty. */
static const char *str_or(const char *s)
{
    return s && *s ? s : "?";
}

/* The Chinese text of the well-formedness error E, without the prefix. */
static void parse_text(fs_buf *b, const xmlError *e)
{
    const char *msg = e->message ? e->message : "";

    switch (e->code) {
    case XML_ERR_TAG_NAME_MISMATCH:
        if (e->str2 && strcmp(e->str2, "unparsable") == 0)
            fs_buf_printf(b, "结束标签写法有误（应为 </%s>，“</”与名称之间不能有空格）", str_or(e->str1));
        else
            fs_buf_printf(b, "第 %d 行的开始标签 <%s> 与此处的结束标签 </%s> 不一致："
                          "请把两处改成同一个元素名（注意拼写），或补上缺少的结束标签",
                          e->int1, str_or(e->str1), str_or(e->str2));
        break;
    case XML_ERR_TAG_NOT_FINISHED:
        fs_buf_printf(b, "文件在 <%s>（第 %d 行开始）结束之前就结束了：请补上 </%s>，"
                      "或检查文件是否只保存了一部分", str_or(e->str1), e->int1, str_or(e->str1));
        break;
    case XML_ERR_INVALID_CHAR:
        if (strstr(msg, "UTF-8"))
            fs_buf_adds(b, "文件内容不是 UTF-8 编码：请用记事本等编辑器打开，“另存为”时编码选 UTF-8，"
                           "或在第一行的 XML 声明中写明实际编码，如 encoding=\"GB18030\"");
        else if (e->int1 > 0)
            fs_buf_printf(b, "含有 XML 不允许的字符 U+%04X（控制字符，常见于从其他软件复制来的文字）："
                          "请删去它", (unsigned)e->int1);
        else
            fs_buf_adds(b, "含有 XML 不允许的字符（控制字符，常见于从其他软件复制来的文字）：请删去它");
        break;
    case XML_ERR_INVALID_HEX_CHARREF:
    case XML_ERR_INVALID_DEC_CHARREF:
    case XML_ERR_INVALID_CHARREF:
        fs_buf_adds(b, "字符引用（&#…;）写法有误或指向不允许的字符：请直接写出该字符，或删去");
        break;
    case XML_ERR_DOCUMENT_END:
        fs_buf_adds(b, "根元素结束（</dossier>）之后还有多余的内容：请删去结束标签之后的文字或元素");
        break;
    case XML_ERR_DOCUMENT_EMPTY:
        fs_buf_adds(b, "文件是空的，或开头不是 XML：档案应以 <?xml version=\"1.0\" encoding=\"UTF-8\"?> "
                       "或 <dossier> 开头（用 fivestar new 可生成一份空白档案）");
        break;
    case XML_ERR_ENTITYREF_NO_NAME:
    case XML_ERR_ENTITYREF_SEMICOL_MISSING:
        fs_buf_adds(b, "“&”后面不是完整的实体引用：文字中的 & 请写成 &amp;，< 请写成 &lt;");
        break;
    case XML_ERR_UNDECLARED_ENTITY:
    case XML_WAR_UNDECLARED_ENTITY:
        fs_buf_printf(b, "不允许使用实体 &%s;：只可使用 &amp; &lt; &gt; &quot; &apos; 和字符引用",
                      str_or(e->str1));
        break;
    case XML_ERR_ATTRIBUTE_REDEFINED:
        fs_buf_printf(b, "属性 %s 重复出现：同一元素的每个属性只能写一次，请删去多余的", str_or(e->str1));
        break;
    case XML_ERR_ATTRIBUTE_WITHOUT_VALUE:
        fs_buf_printf(b, "属性 %s 没有取值：应写成 %s=\"取值\"", str_or(e->str1), str_or(e->str1));
        break;
    case XML_ERR_ATTRIBUTE_NOT_STARTED:
    case XML_ERR_ATTRIBUTE_NOT_FINISHED:
    case XML_ERR_SPACE_REQUIRED:
        fs_buf_adds(b, "属性写法有误：属性值须用英文双引号括起来，如 star=\"5\"，属性之间用空格隔开，"
                       "引号须成对（注意不要用中文引号“”）");
        break;
    case XML_ERR_LT_IN_ATTRIBUTE:
        fs_buf_adds(b, "属性值中不能有“<”：请写成 &lt;，并检查引号是否成对");
        break;
    case XML_ERR_GT_REQUIRED:
        if (e->str1)
            fs_buf_printf(b, "开始标签 <%s 没有以“>”结束：请检查这一行的尖括号和引号是否成对", e->str1);
        else
            fs_buf_adds(b, "标签没有以“>”结束：请检查这一行的尖括号和引号是否成对");
        break;
    case XML_ERR_LTSLASH_REQUIRED:
    case XML_ERR_LT_REQUIRED:
        fs_buf_adds(b, "标签写法有误：请检查这一行的“<”“</”和“>”是否成对");
        break;
    case XML_ERR_NAME_REQUIRED:
        if (strstr(msg, "EntityRef"))
            fs_buf_adds(b, "“&”后面不是完整的实体引用：文字中的 & 请写成 &amp;，< 请写成 &lt;");
        else if (strstr(msg, "attribute"))
            fs_buf_adds(b, "属性名写法有误：属性应写成 名称=\"取值\"，名称只用英文字母；文字中的 < 请写成 &lt;");
        else
            fs_buf_adds(b, "元素名写法有误：“<”后面应紧跟元素名（英文字母开头）；文字中的 < 请写成 &lt;");
        break;
    case XML_ERR_MISPLACED_CDATA_END:
        fs_buf_adds(b, "文字中不能出现“]]>”：请写成 ]]&gt;");
        break;
    case XML_ERR_HYPHEN_IN_COMMENT:
        fs_buf_adds(b, "注释 <!-- … --> 中不能有连续的两个减号“--”：请改掉");
        break;
    case XML_ERR_COMMENT_NOT_FINISHED:
        fs_buf_adds(b, "注释 <!-- 没有用 --> 结束：请补上");
        break;
    case XML_ERR_RESERVED_XML_NAME:
        fs_buf_adds(b, "XML 声明 <?xml … ?> 只能写在文件的最开头，前面不能有空行、空格或其他文字");
        break;
    case XML_ERR_VERSION_MISSING:
    case XML_ERR_STRING_NOT_STARTED:
    case XML_ERR_STRING_NOT_CLOSED:
    case XML_ERR_XMLDECL_NOT_STARTED:
    case XML_ERR_XMLDECL_NOT_FINISHED:
    case XML_ERR_ENCODING_NAME:
        fs_buf_adds(b, "第一行的 XML 声明写法有误：应为 <?xml version=\"1.0\" encoding=\"UTF-8\"?>");
        break;
    case XML_ERR_UNSUPPORTED_ENCODING:
    case XML_ERR_UNKNOWN_ENCODING:
        fs_buf_printf(b, "XML 声明中的编码“%s”无法识别：请写 encoding=\"UTF-8\"（推荐）或 encoding=\"GB18030\"",
                      str_or(e->str1));
        break;
    case XML_ERR_INVALID_ENCODING:
        fs_buf_adds(b, "文件内容与 XML 声明中写明的编码不符：请用 UTF-8 保存，并把声明写成 encoding=\"UTF-8\"");
        break;
    case XML_ERR_PI_NOT_STARTED:
    case XML_ERR_PI_NOT_FINISHED:
        fs_buf_adds(b, "处理指令 <?…?> 写法有误：档案中除第一行的 XML 声明外不需要 <?…?>，请删去");
        break;
    case XML_ERR_CONDSEC_INVALID:
    case XML_ERR_CDATA_NOT_FINISHED:
        fs_buf_adds(b, "<![CDATA[ 段没有用 ]]> 结束：请补上，或改用普通文字");
        break;
    case XML_ERR_NO_MEMORY:
        fs_buf_adds(b, "内存不足，无法读取文件");
        break;
    case XML_ERR_NAME_TOO_LONG:
        fs_buf_adds(b, "元素名或属性名过长：请检查拼写");
        break;
    default:
        fs_buf_printf(b, "文件不是格式正确的 XML（错误代码 %d）：请检查这一行附近的尖括号、引号，"
                      "以及开始标签和结束标签是否成对", e->code);
        break;
    }
}

/* Translates a well-formedness error; see fs-cn.h. */
char *fs_xml_parse_message(const xmlError *e)
{
    fs_buf b = {0};

    fs_buf_adds(&b, "XML 格式错误：");
    parse_text(&b, e);
    add_original(&b, e);
    return b.s;
}

/* ------------------------------------------------------------------------
 * Schema violations.
 * ---------------------------------------------------------------------- */

/* The text between START (after its first occurrence in MSG) and the next
 * END, malloc'd, or NULL. */
static char *between(const char *msg, const char *start, const char *end)
{
    const char *p = strstr(msg, start), *q;

    if (!p)
        return NULL;
    p += strlen(start);
    if (!(q = strstr(p, end)))
        return NULL;
    return fs_printf("%.*s", (int)(q - p), p);
}

/* The names inside "( a, b )" of a libxml2 "Expected is" tail, joined by
 * "、" (malloc'd), or NULL. */
static char *expected_list(const char *msg)
{
    const char *p = strstr(msg, "Expected is");
    const char *open, *close;
    fs_buf b = {0};

    if (!p || !(open = strchr(p, '(')) || !(close = strrchr(p, ')')) || close < open)
        return NULL;
    fs_buf_adds(&b, "");
    for (const char *s = open + 1; s < close;) {
        size_t n = strcspn(s, ",)");
        const char *a = s, *z = s + n;

        while (a < z && *a == ' ')
            a++;
        while (z > a && z[-1] == ' ')
            z--;
        if (z > a) {
            if (b.len)
                fs_buf_adds(&b, "> 或 <");
            if (*a == '#')      /* "##other{…}*": any other element */
                fs_buf_adds(&b, "其他元素");
            else
                fs_buf_add(&b, a, (size_t)(z - a));
        }
        s += n + (s[n] == ',');
        if (s[-1] == ')')
            break;
    }
    return b.s;
}

/* The quoted items of libxml2's "{'yes', 'no'}" joined by "、" (malloc'd),
 * or NULL. */
static char *value_set(const char *msg)
{
    char *raw = between(msg, "{", "}");
    fs_buf b = {0};

    if (!raw)
        return NULL;
    fs_buf_adds(&b, "");
    for (char *s = raw; *s;) {
        char *q = strchr(s, '\''), *r;
        if (!q || !(r = strchr(q + 1, '\'')))
            break;
        if (b.len)
            fs_buf_adds(&b, "、");
        fs_buf_add(&b, q + 1, (size_t)(r - q - 1));
        s = r + 1;
    }
    free(raw);
    return b.s;
}

/* What a bad value of element or attribute NAME should be instead. */
static const char *value_hint(const char *name)
{
    if (strcmp(name, "compliant") == 0)
        return "应为 yes 或 no，也可写 是 或 否";
    if (strcmp(name, "format") == 0)
        return "应为 1";
    if (strcmp(name, "result") == 0)
        return "应为 pass 或 fail，即 通过 或 不通过";
    if (strcmp(name, "stage") == 0)
        return "应为使用说明中列出的环节名之一";
    return "请对照使用说明填写";
}

/* The Chinese text of the schema violation E on element EL. */
static void schema_text(fs_buf *b, const xmlError *e, const char *el, const char *msg)
{
    char *exp = expected_list(msg);
    char *attr = between(msg, "attribute '", "'");
    char *value = between(msg, "value '", "'");
    char *set = value_set(msg);
    const char *name = attr ? attr : el;

    if (!value)                 /* "Element 'x': 'v' is not a valid value …" */
        value = between(msg, "': '", "' is not");

    switch (e->code) {
    case XML_SCHEMAV_ELEMENT_CONTENT:
        if (strstr(msg, "Missing child element"))
            fs_buf_printf(b, "结构错误：<%s> 缺少必需的子元素 <%s>：请补上", el, exp ? exp : "?");
        else if (exp)
            fs_buf_printf(b, "结构错误：此处不应出现 <%s>，应为 <%s>（元素名拼错或顺序不对）", el, exp);
        else
            fs_buf_printf(b, "结构错误：此处不应出现 <%s>（未知元素、重复或顺序不对）：请对照使用说明改正", el);
        break;
    case XML_SCHEMAV_CVC_COMPLEX_TYPE_4:
        fs_buf_printf(b, "结构错误：<%s> 缺少必需的属性 %s：请补上 %s=\"…\"", el, str_or(attr),
                      str_or(attr));
        break;
    case XML_SCHEMAV_CVC_COMPLEX_TYPE_3_2_1:
    case XML_SCHEMAV_CVC_COMPLEX_TYPE_3_2_2:
        fs_buf_printf(b, "结构错误：<%s> 不允许有属性 %s：请删去或检查拼写", el, str_or(attr));
        break;
    case XML_SCHEMAV_CVC_ENUMERATION_VALID:
    case XML_SCHEMAV_CVC_PATTERN_VALID:
    case XML_SCHEMAV_CVC_DATATYPE_VALID_1_2_3:
        fs_buf_printf(b, "<%s>%s%s 的取值不在允许范围内：“%s”", el, attr ? " 的属性 " : "",
                      attr ? attr : "", value ? value : "");
        if (set && strstr(set, "、"))
            fs_buf_printf(b, "应为 %s 之一", set);
        else if (set && *set)
            fs_buf_printf(b, "应为 %s", set);
        else
            fs_buf_adds(b, value_hint(name));
        break;
    case XML_SCHEMAV_CVC_COMPLEX_TYPE_2_3:
        fs_buf_printf(b, "结构错误：<%s> 中不应有文字，只能有子元素：请把文字移到相应的子元素中", el);
        break;
    case XML_SCHEMAV_CVC_COMPLEX_TYPE_2_1:
        fs_buf_printf(b, "结构错误：<%s> 应为空元素：请删去其中的内容", el);
        break;
    case XML_SCHEMAV_CVC_IDC: {
        char *key = between(msg, "['", "']");
        char *rule = between(msg, "identity-constraint '", "'");
        if (!rule)
            rule = between(msg, "keyref '", "'");
        if (strstr(msg, "Duplicate"))
            fs_buf_printf(b, "结构错误：<%s> 中的“%s”重复出现（约束 %s）：同一标识只能用一次，请改名",
                          el, key ? key : "", rule ? rule : "?");
        else
            fs_buf_printf(b, "结构错误：<%s> 引用的“%s”没有定义（约束 %s）：请检查拼写，或先定义它",
                          el, key ? key : "", rule ? rule : "?");
        free(key);
        free(rule);
        break;
    }
    case XML_SCHEMAV_CVC_ELT_1:
        fs_buf_printf(b, "结构错误：根元素应为 <dossier>，而不是 <%s>：这不是 fivestar 档案，"
                      "或元素名拼错", el);
        break;
    default:
        fs_buf_printf(b, "结构错误：<%s> 不符合档案格式（错误代码 %d）：请对照使用说明检查此元素",
                      el, e->code);
        break;
    }
    free(exp);
    free(attr);
    free(value);
    free(set);
}

/* Translates a schema violation; see fs-cn.h. */
char *fs_xml_schema_message(const xmlError *e, const char *el)
{
    const char *msg = e->message ? e->message : "";
    char *named = NULL;
    fs_buf b = {0};

    switch (e->code) {
    case XML_SCHEMAV_CVC_DATATYPE_VALID_1_2_1:
    case XML_SCHEMAV_CVC_ATTRIBUTE_3:
    case XML_SCHEMAV_CVC_TYPE_3_1_1:
    case XML_SCHEMAV_CVC_ELT_5_2_2_2_2:
        return NULL;            /* said already by the facet error */
    default:
        break;
    }
    if (!el || strcmp(el, "?") == 0)    /* no node: libxml2 names it */
        named = between(msg, "Element '", "'");
    schema_text(&b, e, named ? named : el ? el : "?", msg);
    add_original(&b, e);
    free(named);
    return b.s;
}
