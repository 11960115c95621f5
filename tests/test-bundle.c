/*
 * test-bundle.c - `fivestar bundle` end to end, and the image and PDF
 * checks under it (fs-image.h, fs-merge.h) in process.
 *
 * The fixture (built once, in a temporary folder): the example dossier
 * whose items name a JPEG (640 x 480, made by pdftoppm), a PNG with an
 * alpha channel (200 x 150, written here with libpng), a 4-page PDF (the
 * example's own 评定标准), a DOCX (its 申报表) and a missing file; and a
 * copy that also names hostile files: a text file called .jpg, a corrupt
 * PDF, two encrypted PDFs, a PNG and a JPEG whose headers say 20,000 x
 * 20,000 pixels, a PDF of 2,000 pages, a PDF whose page content inflates
 * to 200 MiB (a decompression bomb) and a symbolic link.
 *
 * Asserted: exit 0 with the evidence warnings at their dossier lines; the
 * page count is the forms' + 1 flowchart + 1 index + 2 image pages + the
 * PDF's 4; pdfimages lists the JPEG (as jpeg) and the PNG (and its soft
 * mask) at their pixel sizes; pdftotext finds every caption, the note,
 * every file name, 缺失, 无文件, 未附, hash prefixes and the page numbers;
 * qpdf --check, pdffonts and pdftotext report nothing; the outline has the
 * parts and the evidence at the right pages; two runs give the same
 * bytes, with and without --pdfa; --pdfa passes tests/pdfa_check.py when
 * the evidence is images (no soft mask); each hostile file gets its
 * message, adds no page and crashes nothing; a dossier with errors or an
 * unwritable output leaves no OUT.pdf (and an old one untouched).
 */
#include "testutil.h"
#include "fivestar.h"
#include "fs-image.h"
#include "fs-lib-private.h"
#include "fs-merge.h"
#include "fs-sha256.h"

#include <png.h>

static char *T;                 /* the fixture folder                      */
static int forms_pages;         /* 评定标准 + 申报表 of the test dossier    */
static char *run_err;           /* stderr of the main bundle run           */
static int run_status;

/* Runs CMD and fails the test unless it exits 0; returns its stdout. */
static char *sh(const char *cmd)
{
    char *out = NULL, *err = NULL;
    int st = tu_run(cmd, &out, &err);

    ck_assert_msg(st == 0, "%s: exit %d: %s", cmd, st, err ? err : "");
    free(err);
    return out;
}

/* The page count of PDF by pdfinfo. */
static int pdf_pages(const char *pdf)
{
    char *cmd, *out;
    int n;

    if (asprintf(&cmd, "pdfinfo '%s' | sed -n 's/^Pages: *//p'", pdf) < 0)
        abort();
    out = sh(cmd);
    n = atoi(out);
    free(cmd);
    free(out);
    return n;
}

/* A path in the fixture folder (malloc'd). */
static char *tpath(const char *name)
{
    char *p;

    if (asprintf(&p, "%s/%s", T, name) < 0)
        abort();
    return p;
}

/* Writes a W x H RGBA PNG to PATH: the left half opaque, the right half
 * fading out. */
static void write_png(const char *path, unsigned w, unsigned h)
{
    png_image pi;
    unsigned char *px = malloc((size_t)w * h * 4);

    for (unsigned y = 0; y < h; y++)
        for (unsigned x = 0; x < w; x++) {
            unsigned char *p = px + 4 * ((size_t)y * w + x);
            p[0] = (unsigned char)(x * 255 / w);
            p[1] = (unsigned char)(y * 255 / h);
            p[2] = 128;
            p[3] = x < w / 2 ? 255 : (unsigned char)(255 - (x - w / 2) * 255 / (w / 2));
        }
    memset(&pi, 0, sizeof pi);
    pi.version = PNG_IMAGE_VERSION;
    pi.width = w;
    pi.height = h;
    pi.format = PNG_FORMAT_RGBA;
    ck_assert(png_image_write_to_file(&pi, path, 0, px, 0, NULL));
    free(px);
}

/* The dossier text: the example with evidence on items 3 and 4, and
 * EXTRA evidence on item 5 (after its note). */
static char *dossier_text(const char *extra)
{
    char *s = tu_read("samples/mingli-2018.xml", NULL), *a, *b, *c, *item5;

    ck_assert(s != NULL);
    a = tu_replace(s, "<score item=\"3\" points=\"2\"/>",
                   "<score item=\"3\" points=\"2\"><note>班子会议每月一次，纪要齐全。</note>"
                   "<evidence href=\"ev/minutes.pdf\">班子会议纪要</evidence>"
                   "<evidence href=\"ev/plan.docx\">年度工作计划</evidence>"
                   "<evidence>口头汇报记录</evidence></score>");
    b = tu_replace(a, "<score item=\"4\" points=\"2\"/>",
                   "<score item=\"4\" points=\"2\">"
                   "<evidence href=\"ev/photo.jpg\">书记讲党课照片</evidence>"
                   "<evidence href=\"./ev/scan.png\">责任书扫描件</evidence>"
                   "<evidence href=\"ev/gone.pdf\">已遗失的批复</evidence></score>");
    if (asprintf(&item5, "<note>参与所务重大事项研究的记录不够完整。</note>%s", extra) < 0)
        abort();
    c = tu_replace(b, "<note>参与所务重大事项研究的记录不够完整。</note>", item5);
    free(s);
    free(a);
    free(b);
    free(item5);
    return c;
}

/* A 2,000-page PDF made by qpdf from the one-page PDF SRC. */
static void write_big_pdf(const char *src, const char *dst)
{
    fs_buf cmd = {0};

    fs_buf_printf(&cmd, "qpdf --empty --pages '%s' ", src);
    for (int i = 0; i < 2000; i++)
        fs_buf_adds(&cmd, i ? ",1" : "1");
    fs_buf_printf(&cmd, " -- '%s'", dst);
    free(sh(cmd.s));
    fs_buf_free(&cmd);
}

/* Builds the fixture folder and runs the main bundle once (unchecked
 * fixture: in the parent process, before the tests fork). */
static void fixture(void)
{
    char *cmd, *s, *p;
    static const char hostile[] =
        "<evidence href=\"ev/fake.jpg\">伪装成照片的文本</evidence>"
        "<evidence href=\"ev/corrupt.pdf\">损坏的 PDF</evidence>"
        "<evidence href=\"ev/locked.pdf\">有打开密码的 PDF</evidence>"
        "<evidence href=\"ev/restricted.pdf\">有权限限制的 PDF</evidence>"
        "<evidence href=\"ev/huge.png\">巨大的 PNG</evidence>"
        "<evidence href=\"ev/huge.jpg\">巨大的 JPEG</evidence>"
        "<evidence href=\"ev/big.pdf\">两千页的 PDF</evidence>"
        "<evidence href=\"ev/link.png\">指向外面的链接</evidence>"
        "<evidence href=\"ev/bomb.pdf\">解压后 200 MiB 的 PDF</evidence>";
    static const unsigned char huge_jpg[] = {
        0xFF, 0xD8, 0xFF, 0xC0, 0, 11, 8, 0x4E, 0x20, 0x4E, 0x20, 1, 1, 0x11, 0, 0xFF, 0xD9,
    };
    /* A PNG signature and an IHDR of 20000 x 20000 RGBA (CRC included),
     * then nothing: it must be refused before any decoding. */
    static const unsigned char huge_png[] = {
        0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R',
        0, 0, 0x4E, 0x20, 0, 0, 0x4E, 0x20, 8, 6, 0, 0, 0, 0xE3, 0x70, 0x46, 0x39,
    };

    T = tu_tmpdir();
    {
        /* the commands below run in T: FIVESTAR and the root absolute */
        const char *bin = getenv("FIVESTAR");
        char *abs = realpath(bin && *bin ? bin : "./fivestar", NULL), *cwd = getcwd(NULL, 0);
        ck_assert_msg(abs != NULL && cwd != NULL, "cannot find fivestar");
        setenv("FIVESTAR", abs, 1);
        setenv("FS_ROOT", cwd, 1);
        free(abs);
        free(cwd);
    }
    if (asprintf(&cmd, "cd '%s' && mkdir ev r && "
                 "\"$FIVESTAR\" render \"$FS_ROOT/samples/mingli-2018.xml\" -o r >/dev/null && "
                 "cp r/mingli-2018/评定标准.pdf ev/minutes.pdf && "
                 "cp r/mingli-2018/申报表.docx ev/plan.docx && "
                 "\"$FIVESTAR\" flowchart creation -o fc.pdf >/dev/null && "
                 "pdftoppm -jpeg -singlefile -scale-to-x 640 -scale-to-y 480 fc.pdf ev/photo && "
                 "echo 'not a photo' >ev/fake.jpg && "
                 "printf '%%%%PDF-1.4\\n1 0 obj garbage\\n%%%%%%%%EOF\\n' >ev/corrupt.pdf && "
                 "qpdf --encrypt user owner 256 -- ev/minutes.pdf ev/locked.pdf && "
                 "qpdf --encrypt '' owner 256 --modify=none -- ev/minutes.pdf ev/restricted.pdf && "
                 "ln -s /etc/hostname ev/link.png && "
                 "/usr/bin/python3 \"$FS_ROOT/tests/pdf_bomb.py\" ev/bomb.pdf 200", T) < 0)
        abort();
    free(sh(cmd));
    free(cmd);
    p = tpath("ev/scan.png");
    write_png(p, 200, 150);
    free(p);
    p = tpath("ev/huge.jpg");
    tu_write(p, (const char *)huge_jpg, sizeof huge_jpg);
    free(p);
    p = tpath("ev/huge.png");
    tu_write(p, (const char *)huge_png, sizeof huge_png);
    free(p);
    {
        char *src = tpath("fc.pdf"), *dst = tpath("ev/big.pdf");
        write_big_pdf(src, dst);
        free(src);
        free(dst);
    }
    s = dossier_text("");
    p = tpath("d.xml");
    tu_write(p, s, strlen(s));
    free(p);
    free(s);
    s = dossier_text(hostile);
    p = tpath("h.xml");
    tu_write(p, s, strlen(s));
    free(p);
    free(s);
    /* the forms of this very dossier */
    if (asprintf(&cmd, "cd '%s' && \"$FIVESTAR\" render d.xml -o f >/dev/null 2>&1", T) < 0)
        abort();
    free(sh(cmd));
    free(cmd);
    {
        char *a = tpath("f/d/评定标准.pdf"), *b = tpath("f/d/申报表.pdf");
        forms_pages = pdf_pages(a) + pdf_pages(b);
        free(a);
        free(b);
    }
    if (asprintf(&cmd, "cd '%s' && \"$FIVESTAR\" bundle d.xml -o out.pdf", T) < 0)
        abort();
    run_status = tu_run(cmd, NULL, &run_err);
    free(cmd);
}

/* The text of the bundle OUT in the fixture in drawing order (-raw: the
 * lines of a table cell stay together), without white space (cells break
 * lines anywhere). */
static char *flat_text(const char *out)
{
    char *cmd, *t, *w;

    if (asprintf(&cmd, "pdftotext -raw '%s/%s' -", T, out) < 0)
        abort();
    t = sh(cmd);
    free(cmd);
    w = t;
    for (char *r = t; *r; r++)
        if (*r != ' ' && *r != '\n' && *r != '\f' && *r != '\r')
            *w++ = *r;
    *w = '\0';
    return t;
}

/* The first N hex digits of the SHA-256 of fixture file NAME. */
static char *sha_prefix(const char *name, size_t n)
{
    char *p = tpath(name), hex[65], *data;
    size_t len;

    data = tu_read(p, &len);
    ck_assert(data != NULL);
    fs_sha256_hex(data, len, hex);
    free(data);
    free(p);
    hex[n] = '\0';
    return strdup(hex);
}

/* ------------------------------------------------------------------------
 * The bundle of the example.
 * ---------------------------------------------------------------------- */

START_TEST(bundle_made_with_warnings)
{
    ck_assert_msg(run_status == 0, "exit %d: %s", run_status, run_err);
    ck_assert_ptr_nonnull(strstr(run_err, "d.xml:47: warning: 佐证材料 ev/gone.pdf 不存在"));
    ck_assert_ptr_nonnull(strstr(run_err, "d.xml:46: warning: 佐证材料 ev/plan.docx 不是图像"));
    ck_assert_ptr_null(strstr(run_err, "error"));
}
END_TEST

START_TEST(page_count_adds_up)
{
    char *out = tpath("out.pdf"), *pdf = tpath("ev/minutes.pdf");

    ck_assert_int_gt(forms_pages, 2);
    /* forms + 创建流程图 + 佐证材料目录 (one page here) + 2 images + the PDF */
    ck_assert_int_eq(pdf_pages(out), forms_pages + 1 + 1 + 2 + pdf_pages(pdf));
    ck_assert_int_eq(pdf_pages(pdf), 4);
    free(out);
    free(pdf);
}
END_TEST

START_TEST(images_keep_their_pixels)
{
    char *cmd, *out, *line;
    int jpeg = 0, png = 0, smask = 0;

    if (asprintf(&cmd, "pdfimages -list '%s/out.pdf'", T) < 0)
        abort();
    out = sh(cmd);
    for (line = strtok(out, "\n"); line; line = strtok(NULL, "\n")) {
        int page, num, w, h;
        char type[16], color[16], enc[16];
        if (sscanf(line, "%d %d %15s %d %d %15s %*d %*d %15s", &page, &num, type, &w, &h,
                   color, enc) != 7)
            continue;
        if (strcmp(type, "image") == 0 && w == 640 && h == 480 && strcmp(enc, "jpeg") == 0)
            jpeg++;
        if (strcmp(type, "image") == 0 && w == 200 && h == 150 && strcmp(enc, "image") == 0)
            png++;
        if (strcmp(type, "smask") == 0 && w == 200 && h == 150)
            smask++;
    }
    ck_assert_int_eq(jpeg, 1);
    ck_assert_int_eq(png, 1);
    ck_assert_int_eq(smask, 1);
    free(out);
    free(cmd);
}
END_TEST

/* The JPEG's bytes are in the PDF as they are (not re-encoded). */
START_TEST(jpeg_embedded_as_is)
{
    char *cmd, *a, *b, *pa;
    size_t na = 0, nb = 0;

    if (asprintf(&cmd, "cd '%s' && rm -rf img && mkdir img && pdfimages -j out.pdf img/x", T) < 0)
        abort();
    free(sh(cmd));
    free(cmd);
    pa = tpath("ev/photo.jpg");
    a = tu_read(pa, &na);
    free(pa);
    pa = tpath("img/x-000.jpg");
    b = tu_read(pa, &nb);
    ck_assert_msg(b != NULL, "no JPEG extracted");
    ck_assert_uint_eq(na, nb);
    ck_assert(memcmp(a, b, na) == 0);
    free(a);
    free(b);
    free(pa);
}
END_TEST

START_TEST(text_has_captions_notes_files_and_states)
{
    static const char *const want[] = {
        "佐证材料目录", "班子会议纪要", "年度工作计划", "口头汇报记录", "书记讲党课照片",
        "责任书扫描件", "已遗失的批复", "班子会议每月一次，纪要齐全。",
        "参与所务重大事项研究的记录不够完整。", "ev/minutes.pdf", "ev/plan.docx",
        "ev/photo.jpg", "ev/scan.png", "ev/gone.pdf", "9–12", "photos/board.jpg", "缺失", "无文件",
        "未附", "第4项佐证材料：书记讲党课照片", "中共东莞市明理律师事务所支部委员会",
        "（第4页，共4页）",
    };
    char *t = flat_text("out.pdf"), *sha, *num;
    int total;
    char *out = tpath("out.pdf");

    for (size_t i = 0; i < sizeof want / sizeof *want; i++)
        ck_assert_msg(strstr(t, want[i]) != NULL, "\"%s\" not in the bundle's text", want[i]);
    /* hash prefixes, as two groups of six digits */
    sha = sha_prefix("ev/photo.jpg", 12);
    ck_assert_msg(strstr(t, sha) != NULL, "SHA prefix %s of photo.jpg missing", sha);
    free(sha);
    sha = sha_prefix("ev/plan.docx", 12);
    ck_assert_msg(strstr(t, sha) != NULL, "SHA prefix %s of plan.docx missing", sha);
    free(sha);
    /* the last page carries its number, counted through the bundle */
    total = pdf_pages(out);
    if (asprintf(&num, "—%d—", total) < 0)
        abort();
    ck_assert_msg(strstr(t, num) != NULL, "no page number %s", num);
    free(num);
    free(out);
    free(t);
}
END_TEST

START_TEST(readers_report_nothing)
{
    char *cmd, *out, *err;
    int st;

    if (asprintf(&cmd, "qpdf --check '%s/out.pdf'", T) < 0)
        abort();
    st = tu_run(cmd, &out, &err);
    ck_assert_msg(st == 0, "qpdf --check: %s %s", out, err);
    ck_assert_ptr_null(strstr(out, "WARNING"));
    ck_assert_ptr_nonnull(strstr(out, "No syntax or stream encoding errors"));
    free(cmd);
    free(out);
    free(err);
    /* every subset font under a name of its own (the parts' fonts are
     * retagged FSAAAA+ …; the evidence PDF's keep theirs) */
    if (asprintf(&cmd, "pdffonts '%s/out.pdf' | tail -n +3 | awk '{print $1}' | sort | uniq -d", T) < 0)
        abort();
    out = sh(cmd);
    ck_assert_msg(out[0] == '\0', "font names used twice: %s", out);
    free(out);
    free(cmd);
    if (asprintf(&cmd, "pdffonts '%s/out.pdf' | grep -c '^FSAA'", T) < 0)
        abort();
    out = sh(cmd);
    ck_assert_int_ge(atoi(out), 6);
    free(out);
    free(cmd);
    if (asprintf(&cmd, "pdffonts '%s/out.pdf' >/dev/null && pdftotext '%s/out.pdf' /dev/null "
                 "&& pdfimages -list '%s/out.pdf' >/dev/null", T, T, T) < 0)
        abort();
    st = tu_run(cmd, NULL, &err);
    ck_assert_int_eq(st, 0);
    ck_assert_msg(err[0] == '\0', "poppler said: %s", err);
    free(cmd);
    free(err);
}
END_TEST

/* The outline of fixture PDF NAME as lines "LEVEL|PAGE|TITLE", read
 * from qpdf's JSON (malloc'd). */
static char *outline(const char *name)
{
    char *cmd, *out;

    if (asprintf(&cmd, "qpdf --json --json-key=outlines '%s/%s' | /usr/bin/python3 -c '"
                 "import json, sys\n"
                 "def walk(items, level):\n"
                 "    for it in items:\n"
                 "        print(\"%%d|%%d|%%s\" %% (level, it[\"destpageposfrom1\"], it[\"title\"]))\n"
                 "        walk(it[\"kids\"], level + 1)\n"
                 "walk(json.load(sys.stdin)[\"outlines\"], 0)'", T, name) < 0)
        abort();
    out = sh(cmd);
    free(cmd);
    return out;
}

/* The page of the part TITLE in OUTLINE (see outline()), or -1. */
static int part_page(const char *outline_text, const char *title)
{
    for (const char *p = outline_text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
        int level, page, used = 0;
        if (sscanf(p, "%d|%d|%n", &level, &page, &used) == 2 && used && level == 0 &&
            strncmp(p + used, title, strlen(title)) == 0 && p[used + strlen(title)] == '\n')
            return page;
    }
    return -1;
}

START_TEST(outline_has_parts_and_evidence)
{
    char *out, *want;
    int flow = forms_pages + 1, index = forms_pages + 2;
    struct { const char *title; int page; } parts[] = {
        {"附件1 评定标准", 1}, {"佐证材料目录", index}, {"佐证材料", index + 1},
        {"第3项 班子会议纪要", index + 1}, {"第4项 书记讲党课照片", index + 5},
        {"第4项 责任书扫描件", index + 6},
    };

    out = outline("out.pdf");
    for (size_t i = 0; i < sizeof parts / sizeof *parts; i++) {
        if (asprintf(&want, "%d|%d|%s\n", strncmp(parts[i].title, "第", 3) == 0,
                     parts[i].page, parts[i].title) < 0)
            abort();
        ck_assert_msg(strstr(out, want) != NULL, "no outline entry %s in:\n%s", want, out);
        free(want);
    }
    /* 附件2 right after 附件1's pages, 附件4 (the flowchart) before the index */
    ck_assert_ptr_nonnull(strstr(out, "|附件2 申报表\n"));
    if (asprintf(&want, "0|%d|附件4 ", flow) < 0)
        abort();
    ck_assert_msg(strstr(out, want) != NULL, "no %s in:\n%s", want, out);
    free(want);
    free(out);
}
END_TEST

START_TEST(reruns_are_identical)
{
    char *cmd;

    if (asprintf(&cmd, "cd '%s' && \"$FIVESTAR\" bundle d.xml -o again.pdf 2>/dev/null && "
                 "cmp out.pdf again.pdf && "
                 "\"$FIVESTAR\" bundle d.xml -o a1.pdf --pdfa 2>/dev/null && "
                 "TZ=Asia/Shanghai \"$FIVESTAR\" bundle d.xml -o a2.pdf --pdfa 2>/dev/null && "
                 "cmp a1.pdf a2.pdf && ! cmp -s out.pdf a1.pdf", T) < 0)
        abort();
    free(sh(cmd));
    free(cmd);
}
END_TEST

/* --pdfa with image evidence only: the forms' PDF/A-1b structure holds
 * for the whole bundle, and the PNG's alpha is laid over white. */
START_TEST(pdfa_structure_with_images)
{
    char *s = dossier_text(""), *nopdf, *p, *cmd, *out;

    nopdf = tu_replace(s, "<evidence href=\"ev/minutes.pdf\">班子会议纪要</evidence>", "");
    p = tpath("i.xml");
    tu_write(p, nopdf, strlen(nopdf));
    if (asprintf(&cmd, "cd '%s' && \"$FIVESTAR\" bundle i.xml -o pa.pdf --pdfa 2>/dev/null && "
                 "/usr/bin/python3 \"$FS_ROOT/tests/pdfa_check.py\" pa.pdf "
                 "/usr/share/color/icc/sRGB.icc && pdfimages -list pa.pdf", T) < 0)
        abort();
    out = sh(cmd);
    ck_assert_ptr_null(strstr(out, "smask"));
    ck_assert_ptr_nonnull(strstr(out, "200   150"));
    free(out);
    free(cmd);
    free(p);
    free(s);
    free(nopdf);
}
END_TEST

/* ------------------------------------------------------------------------
 * Hostile evidence.
 * ---------------------------------------------------------------------- */

START_TEST(hostile_files_are_reported_not_fatal)
{
    static const char *const want[] = {
        "佐证材料 ev/fake.jpg 的内容不是扩展名所说的 jpg 文件",
        "佐证材料 ev/corrupt.pdf：PDF 文件损坏",
        "佐证材料 ev/locked.pdf：PDF 有打开密码",
        "佐证材料 ev/restricted.pdf：PDF 已加密",
        "佐证材料 ev/huge.png：图像为 20000 × 20000 像素，超过上限",
        "佐证材料 ev/huge.jpg：图像为 20000 × 20000 像素，超过上限",
        "佐证材料 ev/big.pdf：PDF 有 2000 页，超过每份佐证材料 500 页的上限",
        "佐证材料 ev/link.png 经过符号链接",
        "佐证材料 ev/bomb.pdf：PDF 页面内容解压后超过 128 MiB 的上限",
    };
    char *cmd, *err, *out, *line, *t;
    int st;

    if (asprintf(&cmd, "cd '%s' && \"$FIVESTAR\" bundle h.xml -o h.pdf", T) < 0)
        abort();
    st = tu_run(cmd, NULL, &err);
    ck_assert_msg(st == 0, "exit %d: %s", st, err);
    line = tpath("h.xml");
    t = tu_read(line, NULL);
    free(line);
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        char *at = strstr(err, want[i]);
        ck_assert_msg(at != NULL, "no message \"%s\" in: %s", want[i], err);
        /* at the line of item 5's evidence */
        if (asprintf(&line, "h.xml:%ld: warning: ", tu_line_of(t, "ev/fake.jpg")) < 0)
            abort();
        ck_assert(at - err >= (long)strlen(line));
        ck_assert_msg(strncmp(at - strlen(line), line, strlen(line)) == 0, "%s", want[i]);
        free(line);
    }
    free(t);
    /* nothing of theirs is in the bundle: the pages of the plain case,
     * bar a longer index */
    out = tpath("h.pdf");
    t = outline("h.pdf");
    {
        int index = part_page(t, "佐证材料目录"), ev = part_page(t, "佐证材料");
        ck_assert_int_eq(index, forms_pages + 2);
        ck_assert_int_ge(ev - index, 1);
        line = tpath("ev/minutes.pdf");
        ck_assert_int_eq(pdf_pages(out), forms_pages + 1 + (ev - index) + 2 + pdf_pages(line));
        free(line);
    }
    free(t);
    free(out);
    t = flat_text("h.pdf");
    ck_assert_ptr_nonnull(strstr(t, "ev/big.pdf"));
    ck_assert_ptr_nonnull(strstr(t, "两千页的PDF"));
    free(t);
    free(err);
    free(cmd);
}
END_TEST

START_TEST(no_partial_output)
{
    char *cmd, *err, *s, *bad, *p;
    int st;

    /* a dossier with an error: exit 1, nothing written, an old file kept */
    s = dossier_text("");
    bad = tu_replace(s, "<score item=\"4\" points=\"2\">", "<score item=\"4\" points=\"9\">");
    free(s);
    p = tpath("bad.xml");
    tu_write(p, bad, strlen(bad));
    free(p);
    if (asprintf(&cmd, "cd '%s' && echo old >keep.pdf && \"$FIVESTAR\" bundle bad.xml -o keep.pdf; "
                 "st=$?; cat keep.pdf; ls | grep -c 'keep.pdf.' ; exit $st", T) < 0)
        abort();
    st = tu_run(cmd, &s, &err);
    ck_assert_int_eq(st, 1);
    ck_assert_str_eq(s, "old\n0\n");
    ck_assert_ptr_nonnull(strstr(err, "第4项"));
    free(cmd);
    free(s);
    free(err);
    free(bad);
    /* an output folder that does not exist: exit 3, no file */
    if (asprintf(&cmd, "cd '%s' && \"$FIVESTAR\" bundle d.xml -o nowhere/x.pdf", T) < 0)
        abort();
    st = tu_run(cmd, NULL, &err);
    ck_assert_int_eq(st, 3);
    ck_assert_ptr_nonnull(strstr(err, "无法写入"));
    free(cmd);
    free(err);
    /* usage */
    st = tu_run("\"$FIVESTAR\" bundle samples/mingli-2018.xml -o x.docx", NULL, NULL);
    ck_assert_int_eq(st, 2);
    st = tu_run("\"$FIVESTAR\" bundle -o x.pdf", NULL, NULL);
    ck_assert_int_eq(st, 2);
}
END_TEST

/* ------------------------------------------------------------------------
 * In process: images and PDFs.
 * ---------------------------------------------------------------------- */

START_TEST(image_headers)
{
    /* JPEG: SOI, APP1 Exif (big-endian TIFF, one IFD entry: Orientation
     * = 6), SOF0 640 x 480 x 3, EOI. */
    static const unsigned char jpg[] = {
        0xFF, 0xD8, 0xFF, 0xE1, 0, 34, 'E', 'x', 'i', 'f', 0, 0,
        'M', 'M', 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0,
        0xFF, 0xC0, 0, 17, 8, 0x01, 0xE0, 0x02, 0x80, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1,
        0xFF, 0xD9,
    };
    unsigned char lossless[sizeof jpg];
    fs_image img;
    char why[FS_IMAGE_WHY];

    ck_assert_int_eq(fs_image_sniff(jpg, sizeof jpg), FS_IMAGE_JPEG);
    ck_assert_int_eq(fs_image_load(jpg, sizeof jpg, 0, &img, why), 0);
    ck_assert_uint_eq(img.width, 640);
    ck_assert_uint_eq(img.height, 480);
    ck_assert_int_eq(img.components, 3);
    ck_assert_int_eq(img.orientation, 6);
    fs_image_clear(&img);
    /* truncated before the frame header */
    ck_assert_int_eq(fs_image_load(jpg, 30, 0, &img, why), -1);
    ck_assert_ptr_nonnull(strstr(why, "JPEG"));
    /* a lossless JPEG is refused with a reason */
    memcpy(lossless, jpg, sizeof jpg);
    lossless[39] = 0xC3;
    ck_assert_int_eq(fs_image_load(lossless, sizeof lossless, 0, &img, why), -1);
    ck_assert_ptr_nonnull(strstr(why, "无损"));
    /* not an image */
    ck_assert_int_eq(fs_image_load((const unsigned char *)"GIF89a", 6, 0, &img, why), -1);
    ck_assert_ptr_nonnull(strstr(why, "不是 JPEG 或 PNG"));
}
END_TEST

START_TEST(png_alpha_and_flattening)
{
    char *p = tpath("ev/scan.png"), why[FS_IMAGE_WHY];
    size_t n = 0;
    char *data = tu_read(p, &n);
    fs_image img;

    ck_assert_int_eq(fs_image_load((unsigned char *)data, n, 0, &img, why), 0);
    ck_assert_uint_eq(img.width, 200);
    ck_assert_uint_eq(img.height, 150);
    ck_assert_ptr_nonnull(img.alpha);
    fs_image_clear(&img);
    ck_assert_int_eq(fs_image_load((unsigned char *)data, n, 1, &img, why), 0);
    ck_assert_ptr_null(img.alpha);
    ck_assert_ptr_nonnull(img.rgb);
    fs_image_clear(&img);
    /* cut off in the middle of its data */
    ck_assert_int_eq(fs_image_load((unsigned char *)data, n / 2, 0, &img, why), -1);
    ck_assert_ptr_nonnull(strstr(why, "PNG"));
    free(data);
    free(p);
}
END_TEST

START_TEST(pdf_checks)
{
    char *p = tpath("ev/minutes.pdf"), why[FS_MERGE_WHY];
    size_t n = 0, clen, pages;
    char *data = tu_read(p, &n);
    unsigned char *clean;
    int repaired;

    ck_assert_int_eq(fs_merge_check_pdf((unsigned char *)data, n, 500, &clean, &clen, &pages,
                                        &repaired, why), 0);
    ck_assert_uint_eq(pages, 4);
    ck_assert_int_eq(repaired, 0);
    ck_assert(clen > 1000 && memcmp(clean, "%PDF-", 5) == 0);
    free(clean);
    /* the page limit */
    ck_assert_int_eq(fs_merge_check_pdf((unsigned char *)data, n, 3, &clean, &clen, &pages,
                                        &repaired, why), -1);
    ck_assert_ptr_nonnull(strstr(why, "有 4 页"));
    ck_assert_ptr_null(clean);
    /* garbage after the header */
    ck_assert_int_eq(fs_merge_check_pdf((const unsigned char *)"%PDF-1.4\nxx", 11, 500, &clean,
                                        &clen, &pages, &repaired, why), -1);
    ck_assert_ptr_nonnull(strstr(why, "损坏"));
    free(data);
    free(p);
}
END_TEST

/* The 佐证材料目录 is a form like the others: the DOCX backend renders it
 * too (a table with the rows' captions, files, states and hashes). */
START_TEST(index_renders_as_docx_too)
{
    fs_diags diags = {0};
    fs_error err;
    fs_lib *lib = fs_lib_new(NULL, &diags, &err);
    fs_dossier *d = lib ? fs_lib_load(lib, "samples/mingli-2018.xml", &diags, &err) : NULL;
    fs_forms *forms = d ? fs_lib_forms(lib, d->rubric, &diags, &err) : NULL;
    static const char sha[] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    const fs_index_row rows[] = {
        {2, "党组织架构上墙实景", "photos/board.jpg", FS_INDEX_PAGES, 9, 11, sha, 45},
        {2, "另一份材料", "x.docx", FS_INDEX_NOT_ATTACHED, 0, 0, sha, 45},
        {5, NULL, NULL, FS_INDEX_NOFILE, 0, 0, NULL, 48},
    };
    fs_result_sheet s;
    fs_render_options ro = {FS_FORMAT_DOCX, 0, 0};
    unsigned char *out = NULL;
    size_t len = 0;
    char *p = tpath("index.docx"), *cmd, *xml;
    fs_doc *doc;

    ck_assert_msg(forms != NULL, "no forms");
    if (!d) {
        ck_abort_msg("samples/mingli-2018.xml did not load");
        return;
    }
    ck_assert(fs_forms_has_evidence_index(forms));
    fs_score_dossier(d, d->rubric, &s);
    doc = fs_form_evidence_index(forms, d->rubric, d, &s, rows, 3);
    ck_assert_ptr_nonnull(doc);
    ck_assert_int_eq(fs_lib_render(lib, doc, &ro, "index.docx", &out, &len, &diags), FS_OK);
    tu_write(p, (const char *)out, len);
    if (asprintf(&cmd, "unzip -p '%s' word/document.xml", p) < 0)
        abort();
    xml = sh(cmd);
    for (const char *w = "佐证材料目录\0党组织架构上墙实景\0photos/board.jpg\09–11\0未附\0"
                         "012345 6789ab\0参与所务重大事项研究的记录不够完整。\0";
         *w; w += strlen(w) + 1)
        ck_assert_msg(strstr(xml, w) != NULL, "\"%s\" not in the DOCX", w);
    free(xml);
    free(cmd);
    free(p);
    free(out);
    fs_doc_free(doc);
    fs_dossier_free(d);
    fs_lib_free(lib);
    fs_diags_clear(&diags);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("bundle");
    TCase *tc = tcase_create("bundle");

    tcase_add_unchecked_fixture(tc, fixture, NULL);
    tcase_set_timeout(tc, 240);
    tcase_add_test(tc, bundle_made_with_warnings);
    tcase_add_test(tc, page_count_adds_up);
    tcase_add_test(tc, images_keep_their_pixels);
    tcase_add_test(tc, jpeg_embedded_as_is);
    tcase_add_test(tc, text_has_captions_notes_files_and_states);
    tcase_add_test(tc, readers_report_nothing);
    tcase_add_test(tc, outline_has_parts_and_evidence);
    tcase_add_test(tc, reruns_are_identical);
    tcase_add_test(tc, pdfa_structure_with_images);
    tcase_add_test(tc, hostile_files_are_reported_not_fatal);
    tcase_add_test(tc, no_partial_output);
    tcase_add_test(tc, image_headers);
    tcase_add_test(tc, png_alpha_and_flattening);
    tcase_add_test(tc, pdf_checks);
    tcase_add_test(tc, index_renders_as_docx_too);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    char *tpl = realpath("templates", NULL);

    /* absolute: the fivestar runs of the fixture work in other folders */
    if (tpl)
        setenv("FIVESTAR_TEMPLATES", tpl, 0);
    free(tpl);
    fs_templates_init(NULL);
    return tu_main(suite());
}
