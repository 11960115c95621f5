/*
 * fs-xml.c - reading untrusted XML safely, checking it against an XML
 * Schema with messages in Chinese, and small tree helpers.
 *
 * Safety: the file is read into memory with a size limit, and libxml2
 * parses it with XML_PARSE_NONET and without DTD loading or entity
 * substitution.  On top of that our SAX hooks stop the parser at the first
 * document type declaration or entity declaration, so a billion-laughs DTD
 * or an external entity is refused before anything is expanded or opened.
 */
#include "fs-xml.h"
#include "fs-cn.h"
#include "fs-encoding.h"

#include <errno.h>
#include <pthread.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlschemas.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ------------------------------------------------------------------------
 * Reading.
 * ---------------------------------------------------------------------- */

/* What a file that cannot be converted to UTF-8 is told. */
#define ENCODING_MSG "文件编码无法识别：既不是 UTF-8，也不是 XML 声明中写明的编码。请用记事本打开，" \
    "“另存为”时编码选 UTF-8 保存，并把第一行写成 <?xml version=\"1.0\" encoding=\"UTF-8\"?>"

typedef struct read_state {
    const char *file;
    fs_diags *diags;
    int refused;                /* a DTD or entity declaration was seen    */
    int encoding;               /* conversion failed: 1 noted, 2 reported  */
    int reported;               /* a well-formedness error was reported    */
} read_state;

/* SAX hook for <!DOCTYPE ...>: refuse and stop. */
static void refuse_subset(void *ctx, const xmlChar *name, const xmlChar *ext,
                          const xmlChar *sys)
{
    xmlParserCtxtPtr c = ctx;
    read_state *st = c->_private;

    (void)name, (void)ext, (void)sys;
    if (!st->refused)
        fs_diags_add(st->diags, st->file, xmlSAX2GetLineNumber(c), FS_ERROR,
                     "文件含有文档类型声明（DOCTYPE）：档案不得使用 DTD 或实体，已拒绝读取");
    st->refused = 1;
    xmlStopParser(c);
}

/* SAX hook for entity references: never resolve an entity ourselves. */
static xmlEntityPtr refuse_entity(void *ctx, const xmlChar *name)
{
    xmlParserCtxtPtr c = ctx;
    read_state *st = c->_private;

    if (!st->refused)
        fs_diags_add(st->diags, st->file, xmlSAX2GetLineNumber(c), FS_ERROR,
                     "不允许使用实体 &%s;（只可使用 &amp; &lt; &gt; &quot; &apos; 和字符引用）",
                     (const char *)name);
    st->refused = 1;
    xmlStopParser(c);
    return NULL;
}

/* Structured error hook for well-formedness errors: the first one is
 * reported in Chinese (fs_xml_parse_message); the ones that follow are
 * mostly the parser losing its way after it, and are dropped. */
static void parse_error(void *ctx, xmlErrorPtr e)
{
    xmlParserCtxtPtr c = ctx;
    read_state *st = c->_private;
    char *msg;

    if (st->refused || st->encoding == 2 || st->reported || !e || e->level < XML_ERR_ERROR)
        return;
    if (st->encoding == 1) {
        /* The converted text stops before the bytes that failed, so the
         * parser's complaint about the end of the data is on their line. */
        st->encoding = 2;
        fs_diags_add(st->diags, st->file, e->line, FS_ERROR, "%s", ENCODING_MSG);
        return;
    }
    st->reported = 1;
    msg = fs_xml_parse_message(e);
    fs_diags_add(st->diags, st->file, e->line, FS_ERROR, "%s", msg);
    free(msg);
}

/* Process-wide error hook, installed only while one file is parsed:
 * libxml2 reports a failed encoding conversion without a parser context,
 * so it would bypass parse_error and print raw English lines on standard
 * error.  The conversion failure is noted here and reported by parse_error
 * in place of the parser's next complaint (fs_xml_read reports it when
 * there is none). */
static void conversion_error(void *ctx, xmlErrorPtr e)
{
    read_state *st = ctx;

    if (!st->encoding && e && e->level >= XML_ERR_ERROR)
        st->encoding = 1;
}

/* Reads at most MAX+1 bytes of PATH into *BUF (malloc'd). */
static fs_error slurp(const char *path, long max, char **buf, long *len,
                      fs_diags *diags)
{
    FILE *f = fopen(path, "rb");
    struct stat sb;
    fs_error err = FS_E_IO;
    char *p = NULL;
    size_t n;

    if (!f) {
        fs_diags_add(diags, path, 0, FS_ERROR, "无法打开文件：%s（请检查文件名和所在文件夹）",
                     fs_errno_cn(errno));
        return FS_E_IO;
    }
    if (fstat(fileno(f), &sb) < 0 || !S_ISREG(sb.st_mode)) {
        fs_diags_add(diags, path, 0, FS_ERROR, "不是普通文件（可能是文件夹）：请给出档案的 .xml 文件");
        goto done;
    }
    if (sb.st_size > max) {
        fs_diags_add(diags, path, 0, FS_ERROR,
                     "文件大小 %lld 字节超过上限 %ld 字节（4 MiB）：佐证材料请另存为文件，"
                     "用 <evidence href=\"…\"> 引用", (long long)sb.st_size, max);
        err = FS_E_INVALID;
        goto done;
    }
    p = fs_xmalloc((size_t)max + 1);
    n = fread(p, 1, (size_t)max + 1, f);
    if (ferror(f)) {
        fs_diags_add(diags, path, 0, FS_ERROR, "读取失败：%s", fs_errno_cn(errno));
        goto done;
    }
    if ((long)n > max) {        /* grew while we read it */
        fs_diags_add(diags, path, 0, FS_ERROR, "文件大小超过上限 %ld 字节（4 MiB）", max);
        err = FS_E_INVALID;
        goto done;
    }
    *buf = p;
    *len = (long)n;
    p = NULL;
    err = FS_OK;
done:
    free(p);
    fclose(f);
    return err;
}

/* Parses the LEN bytes of BUF, named PATH in diagnostics, refusing any
 * DTD, entity or network access; see fs_xml_read. */
static xmlDocPtr parse_bytes(const char *path, const char *buf, long len,
                             fs_diags *diags, fs_error *err)
{
    read_state st = {path, diags, 0, 0, 0};
    xmlParserCtxtPtr c = NULL;
    xmlDocPtr doc = NULL;
    long gb_line = 0;
    const char *force = NULL;
    int opts = XML_PARSE_NONET | XML_PARSE_BIG_LINES | XML_PARSE_NOCDATA;

    *err = FS_E_INVALID;
    if (fs_encoding_sniff(path, buf, (size_t)len, diags, &force, &gb_line) < 0)
        goto done;
    c = xmlNewParserCtxt();
    if (!c) {
        *err = FS_E_NOMEM;
        goto done;
    }
    c->_private = &st;
    c->sax->internalSubset = refuse_subset;
    c->sax->externalSubset = refuse_subset;
    c->sax->getEntity = refuse_entity;
    c->sax->getParameterEntity = refuse_entity;
    c->sax->serror = parse_error;
    c->sax->initialized = XML_SAX2_MAGIC;
    xmlSetStructuredErrorFunc(&st, conversion_error);
    doc = xmlCtxtReadMemory(c, buf, (int)len, path, force, opts);
    xmlSetStructuredErrorFunc(NULL, NULL);
    if (st.encoding == 1 && !st.refused)
        fs_diags_add(diags, path, 0, FS_ERROR, "%s", ENCODING_MSG);
    if (st.refused || st.encoding || !c->wellFormed) {
        if (!st.refused && !st.encoding && diags->errors == 0)
            fs_diags_add(diags, path, 0, FS_ERROR, "XML 格式错误：文件不是格式正确的 XML，"
                         "请检查尖括号、引号以及开始标签和结束标签是否成对");
        xmlFreeDoc(doc);
        doc = NULL;
        goto done;
    }
    if (!doc || !xmlDocGetRootElement(doc)) {
        fs_diags_add(diags, path, 0, FS_ERROR, "文件中没有 XML 元素：请用 fivestar new 生成一份空白档案再填写");
        xmlFreeDoc(doc);
        doc = NULL;
        goto done;
    }
    if (force)
        fs_diags_add(diags, path, gb_line, FS_WARNING, "%s", FS_ENCODING_GB_WARNING);
    *err = FS_OK;
done:
    if (c)
        xmlFreeParserCtxt(c);
    return doc;
}

/* Reads PATH and parses it safely; see fs-xml.h. */
xmlDocPtr fs_xml_read(const char *path, long max_bytes, fs_diags *diags,
                      fs_error *err)
{
    char *src = NULL;
    size_t len = 0;
    xmlDocPtr doc = fs_xml_read_source(path, max_bytes, &src, &len, diags, err);

    free(src);
    return doc;
}

/* fs_xml_read, and the bytes parsed to the caller; see fs-xml.h. */
xmlDocPtr fs_xml_read_source(const char *path, long max_bytes, char **src,
                             size_t *srclen, fs_diags *diags, fs_error *err)
{
    xmlDocPtr doc = NULL;
    char *buf = NULL;
    long len = 0;

    *src = NULL;
    *srclen = 0;
    *err = slurp(path, max_bytes, &buf, &len, diags);
    if (*err == FS_OK)
        doc = parse_bytes(path, buf, len, diags, err);
    if (doc) {
        *src = buf;
        *srclen = (size_t)len;
    } else
        free(buf);
    return doc;
}

/* Parses the LEN bytes at DATA as if read from a file NAME; see fs-xml.h. */
xmlDocPtr fs_xml_read_memory(const char *name, const void *data, size_t len,
                             long max_bytes, fs_diags *diags, fs_error *err)
{
    if (len > (size_t)max_bytes || len > (size_t)INT32_MAX) {
        fs_diags_add(diags, name, 0, FS_ERROR,
                     "文件大小 %lld 字节超过上限 %ld 字节（4 MiB）", (long long)len, max_bytes);
        *err = FS_E_INVALID;
        return NULL;
    }
    return parse_bytes(name, data, (long)len, diags, err);
}

/* ------------------------------------------------------------------------
 * Schema checks.
 * ---------------------------------------------------------------------- */

/* A schema: its bytes from fs_schema_load, parsed into SCHEMA by the
 * first check that needs it (FAILED when that went wrong, so that it is
 * tried and reported once). */
struct fs_schema {
    pthread_mutex_t lock;
    char *path;
    char *bytes;
    long len;
    xmlSchemaPtr schema;
    int failed;
};

typedef struct check_state {
    const char *file;
    fs_diags *diags;
    int count;
} check_state;

/* Turns one schema violation into a Chinese diagnostic (fs-xmlmsg.c). */
static void schema_error(void *ctx, xmlErrorPtr e)
{
    check_state *st = ctx;
    xmlNodePtr node = e->node;
    const char *el = node && node->name ? (const char *)node->name : "?";
    long line = node ? (long)xmlGetLineNo(node) : e->line;
    char *msg;

    st->count++;
    msg = fs_xml_schema_message(e, el);
    if (msg)
        fs_diags_add(st->diags, st->file, line, FS_ERROR, "%s", msg);
    free(msg);
}

/* Silences libxml2's generic error printing while a schema is parsed. */
static void quiet(void *ctx, xmlErrorPtr e)
{
    (void)ctx, (void)e;
}

/* Reads the schema at XSD_PATH (at most 1 MiB); the caller
 * frees the result with fs_schema_free.  NULL, with a diagnostic, when it
 * cannot be read. */
fs_schema *fs_schema_load(const char *xsd_path, fs_diags *diags)
{
    fs_schema *s = fs_xcalloc(1, sizeof *s);
    fs_diags quiet_diags = {0};

    if (slurp(xsd_path, 1L << 20, &s->bytes, &s->len, &quiet_diags) != FS_OK) {
        fs_diags_clear(&quiet_diags);
        fs_diags_add(diags, xsd_path, 0, FS_ERROR, "无法读取档案格式的 XML Schema");
        free(s);
        return NULL;
    }
    fs_diags_clear(&quiet_diags);
    s->path = fs_strdup(xsd_path);
    pthread_mutex_init(&s->lock, NULL);
    return s;
}

/* Frees S and its parsed schema; NULL is fine. */
void fs_schema_free(fs_schema *s)
{
    if (!s)
        return;
    xmlSchemaFree(s->schema);
    pthread_mutex_destroy(&s->lock);
    free(s->bytes);
    free(s->path);
    free(s);
}

/* The parsed schema of S, parsing its bytes on the first call; NULL, with
 * a diagnostic from the call that tried, when they are not a usable
 * schema. */
static xmlSchemaPtr schema_parsed(fs_schema *s, fs_diags *diags)
{
    xmlSchemaParserCtxtPtr pc;
    xmlSchemaPtr schema;

    pthread_mutex_lock(&s->lock);
    if (!s->schema && !s->failed) {
        pc = xmlSchemaNewMemParserCtxt(s->bytes, (int)s->len);
        if (pc) {
            xmlSchemaSetParserStructuredErrors(pc, quiet, NULL);
            s->schema = xmlSchemaParse(pc);
            xmlSchemaFreeParserCtxt(pc);
        }
        if (!s->schema) {
            s->failed = 1;
            fs_diags_add(diags, s->path, 0, FS_ERROR, "无法读取档案格式的 XML Schema");
        }
    }
    schema = s->schema;
    pthread_mutex_unlock(&s->lock);
    return schema;
}

/* Checks DOC against S; see fs-xml.h. */
int fs_schema_check(fs_schema *s, xmlDocPtr doc, const char *file,
                    fs_diags *diags)
{
    check_state st = {file, diags, 0};
    xmlSchemaPtr schema = schema_parsed(s, diags);
    xmlSchemaValidCtxtPtr vc = schema ? xmlSchemaNewValidCtxt(schema) : NULL;
    int rc;

    if (!vc) {
        if (schema)
            fs_diags_add(diags, s->path, 0, FS_ERROR, "无法使用档案格式的 XML Schema");
        return -1;
    }
    xmlSchemaSetValidStructuredErrors(vc, schema_error, &st);
    rc = xmlSchemaValidateDoc(vc, doc);
    xmlSchemaFreeValidCtxt(vc);
    if (rc < 0) {
        fs_diags_add(diags, s->path, 0, FS_ERROR, "XML Schema 检查内部错误");
        return -1;
    }
    if (rc > 0 && st.count == 0) {
        fs_diags_add(diags, file, 0, FS_ERROR, "结构错误：不符合档案格式");
        st.count = 1;
    }
    return st.count;
}

/* Checks DOC against S unless the pair is known good; see fs-xml.h. */
int fs_schema_check_known(fs_schema *s, xmlDocPtr doc, const char *src,
                          size_t srclen, const char *file, fs_diags *diags)
{
    for (const fs_xml_known_pair *k = fs_xml_known; src && k->xsd; k++)
        if (k->doc_len == srclen && k->xsd_len == (size_t)s->len &&
            memcmp(k->doc, src, srclen) == 0 &&
            memcmp(k->xsd, s->bytes, k->xsd_len) == 0)
            return 0;
    return fs_schema_check(s, doc, file, diags);
}

/* ------------------------------------------------------------------------
 * Tree helpers.
 * ---------------------------------------------------------------------- */

/* The first element child of PARENT named NAME (any name when NULL). */
xmlNodePtr fs_xml_child(xmlNodePtr parent, const char *name)
{
    if (!parent)
        return NULL;
    for (xmlNodePtr n = parent->children; n; n = n->next)
        if (n->type == XML_ELEMENT_NODE &&
            (!name || strcmp((const char *)n->name, name) == 0))
            return n;
    return NULL;
}

/* The next element sibling of NODE named NAME (any name when NULL). */
xmlNodePtr fs_xml_next(xmlNodePtr node, const char *name)
{
    for (xmlNodePtr n = node ? node->next : NULL; n; n = n->next)
        if (n->type == XML_ELEMENT_NODE &&
            (!name || strcmp((const char *)n->name, name) == 0))
            return n;
    return NULL;
}

char *fs_xml_attr(xmlNodePtr node, const char *name)
{
    xmlChar *v = node ? xmlGetNoNsProp(node, (const xmlChar *)name) : NULL;
    char *s = v ? fs_strdup((const char *)v) : NULL;

    xmlFree(v);
    return s;
}

char *fs_xml_text(xmlNodePtr node)
{
    xmlChar *v = xmlNodeGetContent(node);
    char *s = fs_strdup(v ? (const char *)v : "");

    xmlFree(v);
    return s;
}

long fs_xml_line(xmlNodePtr node)
{
    return node ? (long)xmlGetLineNo(node) : 0;
}

/* ------------------------------------------------------------------------
 * Text normalisation.  Blanks are ASCII white space and U+3000, the
 * ideographic space Chinese editors indent with.
 * ---------------------------------------------------------------------- */

static size_t blank_len(const char *s)
{
    if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
        return 1;
    if ((unsigned char)s[0] == 0xE3 && (unsigned char)s[1] == 0x80 &&
        (unsigned char)s[2] == 0x80)
        return 3;
    return 0;
}

/* Copies [S, S+N) without its leading and trailing blanks. */
static char *trim_span(const char *s, size_t n)
{
    const char *e = s + n;
    size_t k;
    char *r;

    while (s < e && (k = blank_len(s)) > 0)
        s += k;
    for (;;) {
        if (e - s >= 1 && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
            e--;
        else if (e - s >= 3 && blank_len(e - 3) == 3)
            e -= 3;
        else
            break;
    }
    r = fs_xmalloc((size_t)(e - s) + 1);
    memcpy(r, s, (size_t)(e - s));
    r[e - s] = '\0';
    return r;
}

char *fs_text_trim(const char *s)
{
    return trim_span(s, strlen(s));
}

char *fs_text_paragraphs(const char *s)
{
    fs_buf b = {0};

    fs_buf_adds(&b, "");
    while (*s) {
        size_t n = strcspn(s, "\n");
        char *line = trim_span(s, n);
        if (*line) {
            if (b.len)
                fs_buf_adds(&b, "\n");
            fs_buf_adds(&b, line);
        }
        free(line);
        s += n;
        if (*s == '\n')
            s++;
    }
    return b.s;
}
