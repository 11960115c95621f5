/*
 * test-archive.c - SHA-256 against the FIPS 180-4 examples, and
 * `fivestar archive` / `archive --verify` end to end.
 *
 * Asserted: the archive holds, per dossier, its XML, its four forms and
 * the evidence files it names that are regular files inside its folder
 * (not through symbolic links), the 统计表 in both formats and a manifest
 * with the size and SHA-256 of every member, the rubric, the version and
 * the date; --verify passes on a fresh archive and names the member after
 * one byte of it changed (a rewritten member, and a byte flipped in
 * place), after a member is removed and when one is added; two runs give
 * the same bytes (also in another time zone); invalid input writes
 * nothing and leaves an existing archive alone.
 */
#include "testutil.h"
#include "fivestar.h"
#include "fs-sha256.h"

/* ------------------------------------------------------------------------
 * SHA-256.
 * ---------------------------------------------------------------------- */

static void assert_digest(const char *msg, size_t n, const char *want)
{
    char hex[65];

    fs_sha256_hex(msg, n, hex);
    ck_assert_str_eq(hex, want);
}

/* FIPS 180-4 / NIST CSRC examples (SHA256.pdf, SHA2_Additional.pdf). */
START_TEST(sha256_vectors)
{
    assert_digest("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assert_digest("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    assert_digest("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56,
                  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    assert_digest("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
                  "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu", 112,
                  "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}
END_TEST

/* One million 'a', fed in pieces of 7 bytes (every block boundary case). */
START_TEST(sha256_million_a_in_pieces)
{
    fs_sha256 c;
    unsigned char d[FS_SHA256_LEN];
    char hex[65], a[7];
    size_t left = 1000000;

    memset(a, 'a', sizeof a);
    fs_sha256_init(&c);
    while (left) {
        size_t k = left < sizeof a ? left : sizeof a;
        fs_sha256_update(&c, a, k);
        left -= k;
    }
    fs_sha256_final(&c, d);
    fs_sha256_tohex(d, hex);
    ck_assert_str_eq(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}
END_TEST

/* Every length from 0 to 200 (padding into one or two blocks) against
 * coreutils' sha256sum. */
START_TEST(sha256_lengths_against_coreutils)
{
    char *dir = tu_tmpdir(), *path, *cmd, *out, hex[65];
    unsigned char buf[200];

    if (asprintf(&path, "%s/m", dir) < 0)
        abort();
    for (size_t n = 0; n <= 200; n += 1 + n / 40) {
        for (size_t i = 0; i < n; i++)
            buf[i] = (unsigned char)(i * 131 + n);
        tu_write(path, (const char *)buf, n);
        fs_sha256_hex(buf, n, hex);
        if (asprintf(&cmd, "sha256sum %s | cut -c1-64", path) < 0)
            abort();
        ck_assert_int_eq(tu_run(cmd, &out, NULL), 0);
        ck_assert_msg(strncmp(out, hex, 64) == 0, "length %zu: %s vs %s", n, hex, out);
        free(out);
        free(cmd);
    }
    free(path);
    free(dir);
}
END_TEST

/* ------------------------------------------------------------------------
 * The archive.
 * ---------------------------------------------------------------------- */

/* A folder with dossiers and evidence, made once in main:
 *   d/mingli-2018.xml   evidence photos/board.jpg (a file), ./photos/board.jpg
 *                       again, photos/room.jpg (a symlink to /etc/hostname),
 *                       linked/secret.txt (through a symlinked folder), and
 *                       photos/ (a folder)
 *   d/hengtai-2018.xml  evidence all missing
 *   the archive of both in a.zip, and its log and status. */
static char *work;

static char *path_in(const char *name)
{
    return tu_path(work, name);
}

/* Makes the fixture folder of the comment above. */
static void make_fixture(void)
{
    char *text = tu_read("samples/mingli-2018.xml", NULL), *t2, *path, *cmd;
    FILE *f;

    const char *from = "<score item=\"3\" points=\"2\"/>", *at = strstr(text, from);

    /* (tu_replace asserts, which check allows only inside a test) */
    if (!at || asprintf(&t2, "%.*s%s%s", (int)(at - text), text,
                        "<score item=\"3\" points=\"2\">"
                        "<evidence href=\"./photos/board.jpg\">同一张照片</evidence>"
                        "<evidence href=\"linked/secret.txt\">链接出去的文件夹</evidence>"
                        "<evidence href=\"photos\">一个文件夹</evidence></score>",
                        at + strlen(from)) < 0)
        abort();
    if (asprintf(&cmd, "mkdir -p %s/d/photos %s/outside && printf 'JPEG board' > %s/d/photos/board.jpg && "
                       "ln -s /etc/hostname %s/d/photos/room.jpg && echo secret > %s/outside/secret.txt && "
                       "ln -s %s/outside %s/d/linked && cp samples/hengtai-2018.xml %s/d/",
                 work, work, work, work, work, work, work, work) < 0 ||
        asprintf(&path, "%s/d/mingli-2018.xml", work) < 0)
        abort();
    if (system(cmd) != 0 || !(f = fopen(path, "w")))
        abort();
    fputs(t2, f);
    fclose(f);
    free(cmd);
    free(path);
    free(t2);
    free(text);
}

/* Runs --verify on ARCHIVE; returns the status, the messages in *ERR. */
static int verify(const char *archive, char **out, char **err)
{
    char *cmd;
    int st;

    if (asprintf(&cmd, "$FIVESTAR archive --verify '%s'", archive) < 0)
        abort();
    st = tu_run(cmd, out, err);
    free(cmd);
    return st;
}

/* Runs the Python script SCRIPT in the work folder (edits of a.zip,
 * checks of the manifest); the test fails when it fails. */
static void python(const char *script)
{
    char *dir = tu_tmpdir(), *path, *cmd, *out, *err;

    if (asprintf(&path, "%s/check.py", dir) < 0 ||
        asprintf(&cmd, "cd %s && /usr/bin/python3 %s", work, path) < 0)
        abort();
    tu_write(path, script, strlen(script));
    ck_assert_msg(tu_run(cmd, &out, &err) == 0, "python: %s%s", out, err);
    free(out);
    free(err);
    free(cmd);
    free(path);
    free(dir);
}

#define COPY_ZIP \
    "import zipfile\n" \
    "z = zipfile.ZipFile('a.zip')\n" \
    "def copy(i):\n" \
    "    n = zipfile.ZipInfo(i.filename, i.date_time)\n" \
    "    n.external_attr = i.external_attr\n" \
    "    return n\n"

START_TEST(archive_holds_everything)
{
    char *status = path_in("a.status"), *st = tu_read(status, NULL), *log = path_in("a.log");
    char *lg = tu_read(log, NULL), *cmd, *out;

    ck_assert_msg(st && strcmp(st, "0\n") == 0, "archive failed: %s", lg);
    /* The symbolic links and the folder are reported, not followed. */
    ck_assert_msg(strstr(lg, "photos/room.jpg 经过符号链接"), "%s", lg);
    ck_assert_msg(strstr(lg, "linked/secret.txt 经过符号链接"), "%s", lg);
    ck_assert_msg(strstr(lg, "photos 不是普通文件"), "%s", lg);
    ck_assert_msg(strstr(lg, "hengtai-2018.xml:46: warning: 佐证材料 materials/approval-2016.pdf"), "%s", lg);
    if (asprintf(&cmd, "cd %s && unzip -Z1 a.zip", work) < 0)
        abort();
    ck_assert_int_eq(tu_run(cmd, &out, NULL), 0);
    ck_assert_str_eq(out,
                     "统计表.pdf\n统计表.docx\n"
                     "hengtai-2018/hengtai-2018.xml\nhengtai-2018/评定标准.pdf\nhengtai-2018/评定标准.docx\n"
                     "hengtai-2018/申报表.pdf\nhengtai-2018/申报表.docx\nhengtai-2018/申报材料汇编.pdf\n"
                     "mingli-2018/mingli-2018.xml\nmingli-2018/评定标准.pdf\nmingli-2018/评定标准.docx\n"
                     "mingli-2018/申报表.pdf\nmingli-2018/申报表.docx\nmingli-2018/申报材料汇编.pdf\n"
                     "mingli-2018/photos/board.jpg\n"
                     "manifest.json\n");
    free(out);
    free(cmd);
    /* Members are what they were made from; the bundle is `bundle --pdfa`'s. */
    if (asprintf(&cmd, "cd %s && unzip -p a.zip mingli-2018/photos/board.jpg | cmp - d/photos/board.jpg && "
                       "unzip -p a.zip mingli-2018/mingli-2018.xml | cmp - d/mingli-2018.xml && "
                       "unzip -p a.zip mingli-2018/申报表.pdf | pdftotext - - | grep -q 明理律师事务所 && "
                       "\"$FIVESTAR\" bundle d/mingli-2018.xml -o b.pdf --pdfa 2>/dev/null && "
                       "unzip -p a.zip mingli-2018/申报材料汇编.pdf | cmp - b.pdf",
                 work) < 0)
        abort();
    ck_assert_int_eq(tu_run(cmd, NULL, NULL), 0);
    free(cmd);
    /* The manifest: version, rubric, date (the newest application date),
     * the missing evidence, and every member checked by Python's own
     * SHA-256. */
    python("import json, zipfile, hashlib\n"
           "z = zipfile.ZipFile('a.zip')\n"
           "m = json.loads(z.read('manifest.json'))\n"
           "assert m['fivestar'] == '" FS_VERSION "', m['fivestar']\n"
           "assert m['rubrics'] == ['dongguan-2018'], m['rubrics']\n"
           "assert m['date'] == '2018-04-13', m['date']\n"
           "d = {x['folder']: x for x in m['dossiers']}\n"
           "assert sorted(d['mingli-2018']['evidence_missing']) == ['linked/secret.txt', 'photos', 'photos/room.jpg'], d\n"
           "assert len(d['hengtai-2018']['evidence_missing']) == 9\n"
           "names = [i.filename for i in z.infolist() if i.filename != 'manifest.json']\n"
           "assert [x['name'] for x in m['members']] == names\n"
           "for x in m['members']:\n"
           "    b = z.read(x['name'])\n"
           "    assert len(b) == x['size'] and hashlib.sha256(b).hexdigest() == x['sha256'], x['name']\n"
           "for i in z.infolist():\n"
           "    assert i.date_time == (2018, 4, 13, 0, 0, 0) and i.compress_type == 0, i\n"
           "    assert i.external_attr >> 16 == 0o100644, i\n");
    free(st);
    free(status);
    free(lg);
    free(log);
}
END_TEST

START_TEST(verify_fresh)
{
    char *zip = path_in("a.zip"), *out, *err;

    char *cmd, *sum, *log = path_in("a.log"), *lg;

    ck_assert_int_eq(verify(zip, &out, &err), 0);
    ck_assert_msg(strstr(out, "核验通过：15 个成员") && strstr(out, "dongguan-2018") &&
                  strstr(out, "2018-04-13") && strstr(out, FS_VERSION), "%s", out);
    ck_assert_str_eq(err, "");
    /* The manifest's own SHA-256, to be recorded elsewhere: printed when
     * the archive is made and when it is verified. */
    if (asprintf(&cmd, "unzip -p %s manifest.json | sha256sum | cut -c1-64", zip) < 0)
        abort();
    ck_assert_int_eq(tu_run(cmd, &sum, NULL), 0);
    sum[64] = '\0';
    lg = tu_read(log, NULL);
    ck_assert_msg(strstr(out, sum) && strstr(lg, sum), "%s\n%s\n%s", sum, out, lg);
    free(lg);
    free(log);
    free(sum);
    free(cmd);
    free(out);
    free(err);
    free(zip);
}
END_TEST

/* One byte of a member changed, the archive rewritten with a valid CRC:
 * the hash names it. */
START_TEST(verify_names_a_changed_member)
{
    char *zip = path_in("changed.zip"), *out, *err;

    python(COPY_ZIP
           "o = zipfile.ZipFile('changed.zip', 'w')\n"
           "for i in z.infolist():\n"
           "    b = z.read(i.filename)\n"
           "    if i.filename == 'mingli-2018/申报表.docx':\n"
           "        b = b[:1000] + bytes([b[1000] ^ 1]) + b[1001:]\n"
           "    o.writestr(copy(i), b)\n"
           "o.close()\n");
    ck_assert_int_eq(verify(zip, &out, &err), 1);
    ck_assert_msg(strstr(err, "文件已被改动：mingli-2018/申报表.docx（SHA-256"), "%s", err);
    ck_assert_msg(!strstr(err, "hengtai"), "%s", err);
    free(out);
    free(err);
    free(zip);
}
END_TEST

/* One byte flipped in place inside a stored member: the CRC names it. */
START_TEST(verify_names_a_flipped_byte)
{
    char *zip = path_in("flipped.zip"), *out, *err;

    python("import zipfile\n"
           "z = zipfile.ZipFile('a.zip')\n"
           "i = z.getinfo('hengtai-2018/评定标准.pdf')\n"
           "raw = bytearray(open('a.zip', 'rb').read())\n"
           "at = i.header_offset + 30 + len(i.filename.encode()) + len(i.extra) + 777\n"
           "raw[at] ^= 0x40\n"
           "open('flipped.zip', 'wb').write(raw)\n");
    ck_assert_int_eq(verify(zip, &out, &err), 1);
    ck_assert_msg(strstr(err, "文件已被改动：hengtai-2018/评定标准.pdf"), "%s", err);
    free(out);
    free(err);
    free(zip);
}
END_TEST

/* A member removed and another added. */
START_TEST(verify_names_missing_and_extra)
{
    char *zip = path_in("removed.zip"), *out, *err;

    python(COPY_ZIP
           "o = zipfile.ZipFile('removed.zip', 'w')\n"
           "for i in z.infolist():\n"
           "    if i.filename != 'mingli-2018/photos/board.jpg':\n"
           "        o.writestr(copy(i), z.read(i.filename))\n"
           "o.writestr('mingli-2018/photos/new.jpg', b'not in the manifest')\n"
           "o.close()\n");
    ck_assert_int_eq(verify(zip, &out, &err), 1);
    ck_assert_msg(strstr(err, "缺少成员：mingli-2018/photos/board.jpg"), "%s", err);
    ck_assert_msg(strstr(err, "多出成员：mingli-2018/photos/new.jpg"), "%s", err);
    free(out);
    free(err);
    free(zip);
}
END_TEST

START_TEST(verify_bad_archives)
{
    char *out, *err, *cmd;

    ck_assert_int_eq(verify("/nonexistent/a.zip", &out, &err), 3);
    free(out);
    free(err);
    ck_assert_int_eq(verify("samples/mingli-2018.xml", &out, &err), 1);
    ck_assert_msg(strstr(err, "zip"), "%s", err);
    free(out);
    free(err);
    /* A zip without a manifest. */
    python("import zipfile\n"
           "zipfile.ZipFile('nomanifest.zip', 'w').writestr('a.txt', 'x')\n");
    if (asprintf(&cmd, "%s/nomanifest.zip", work) < 0)
        abort();
    ck_assert_int_eq(verify(cmd, &out, &err), 1);
    ck_assert_msg(strstr(err, "manifest.json"), "%s", err);
    free(cmd);
    free(out);
    free(err);
}
END_TEST

/* Two runs, the second in another time zone: the same bytes. */
START_TEST(same_bytes_twice)
{
    char *cmd;

    if (asprintf(&cmd, "cd %s && TZ=America/Los_Angeles $FIVESTAR archive d/mingli-2018.xml "
                       "d/hengtai-2018.xml -o b.zip && cmp a.zip b.zip", work) < 0)
        abort();
    ck_assert_int_eq(tu_run(cmd, NULL, NULL), 0);
    free(cmd);
}
END_TEST

/* --date sets the manifest's date and every member's time. */
START_TEST(explicit_date)
{
    char *cmd;

    if (asprintf(&cmd, "cd %s && $FIVESTAR archive d/mingli-2018.xml --date 2019-01-31 -o dated.zip",
                 work) < 0)
        abort();
    ck_assert_int_eq(tu_run(cmd, NULL, NULL), 0);
    free(cmd);
    python("import json, zipfile\n"
           "z = zipfile.ZipFile('dated.zip')\n"
           "assert json.loads(z.read('manifest.json'))['date'] == '2019-01-31'\n"
           "assert all(i.date_time == (2019, 1, 31, 0, 0, 0) for i in z.infolist())\n");
    ck_assert_int_eq(tu_run("$FIVESTAR archive samples/mingli-2018.xml --date 2019-02-30 -o /tmp/x.zip",
                            NULL, NULL), 2);
}
END_TEST

/* Invalid input writes nothing and leaves an existing archive alone. */
START_TEST(invalid_writes_nothing)
{
    char *cmd, *err;

    if (asprintf(&cmd, "cd %s && cp a.zip keep.zip && printf '<dossier/>' > bad.xml && "
                       "$FIVESTAR archive d/mingli-2018.xml bad.xml -o keep.zip", work) < 0)
        abort();
    ck_assert_int_eq(tu_run(cmd, NULL, &err), 1);
    ck_assert_msg(strstr(err, "bad.xml:1: error:") && strstr(err, "未生成档案包"), "%s", err);
    free(cmd);
    free(err);
    if (asprintf(&cmd, "cd %s && cmp a.zip keep.zip && test -z \"$(ls | grep 'keep.zip.')\"", work) < 0)
        abort();
    ck_assert_int_eq(tu_run(cmd, NULL, NULL), 0);
    free(cmd);
    /* Two dossiers that would share a folder. */
    if (asprintf(&cmd, "cd %s && mkdir -p other && cp d/mingli-2018.xml other/ && "
                       "$FIVESTAR archive d/mingli-2018.xml other/mingli-2018.xml -o twice.zip", work) < 0)
        abort();
    ck_assert_int_eq(tu_run(cmd, NULL, &err), 1);
    ck_assert_msg(strstr(err, "同一个文件夹“mingli-2018”"), "%s", err);
    free(cmd);
    free(err);
    if (asprintf(&cmd, "test ! -e %s/twice.zip", work) < 0)
        abort();
    ck_assert_int_eq(tu_run(cmd, NULL, NULL), 0);
    free(cmd);
}
END_TEST

START_TEST(usage_errors)
{
    ck_assert_int_eq(tu_run("$FIVESTAR archive samples/mingli-2018.xml", NULL, NULL), 2);
    ck_assert_int_eq(tu_run("$FIVESTAR archive -o /tmp/x.zip", NULL, NULL), 2);
    ck_assert_int_eq(tu_run("$FIVESTAR archive --verify a.zip b.zip", NULL, NULL), 2);
    ck_assert_int_eq(tu_run("$FIVESTAR archive --verify", NULL, NULL), 2);
}
END_TEST

/* An archive someone unpacked, changed and zipped again with a second
 * entry of one name: refused, and said in words a clerk understands. */
START_TEST(verify_duplicate_entry)
{
    char *dir = tu_tmpdir(), *err = NULL;

    ck_assert_int_eq(tu_run_fmt(NULL, NULL, "$FIVESTAR archive samples/mingli-2018.xml -o %s/a.zip "
                                     ">/dev/null 2>&1 && mkdir %s/x && cd %s/x && unzip -q ../a.zip && "
                                     "echo changed >> mingli-2018/申报表.pdf && "
                                     "python3 -c 'import zipfile; z=zipfile.ZipFile(\"../a.zip\",\"a\"); "
                                     "z.write(\"mingli-2018/申报表.pdf\")' 2>/dev/null", dir, dir, dir), 0);
    ck_assert_int_eq(tu_run_fmt(NULL, &err, "$FIVESTAR archive --verify %s/a.zip", dir), 1);
    ck_assert_msg(strstr(err, "两个同名的文件") || strstr(err, "文件已被改动"), "%s", err);
    ck_assert_ptr_null(strstr(err, "文件已存在"));
    free(err);
    free(dir);
}
END_TEST

static Suite *archive_suite(void)
{
    Suite *s = suite_create("archive");
    TCase *tc = tcase_create("sha256");

    tcase_add_test(tc, sha256_vectors);
    tcase_add_test(tc, sha256_million_a_in_pieces);
    tcase_add_test(tc, sha256_lengths_against_coreutils);
    suite_add_tcase(s, tc);
    tc = tcase_create("archive");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, archive_holds_everything);
    tcase_add_test(tc, verify_fresh);
    tcase_add_test(tc, verify_names_a_changed_member);
    tcase_add_test(tc, verify_names_a_flipped_byte);
    tcase_add_test(tc, verify_names_missing_and_extra);
    tcase_add_test(tc, verify_bad_archives);
    tcase_add_test(tc, same_bytes_twice);
    tcase_add_test(tc, verify_duplicate_entry);
    tcase_add_test(tc, explicit_date);
    tcase_add_test(tc, invalid_writes_nothing);
    tcase_add_test(tc, usage_errors);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    const char *bin = getenv("FIVESTAR");
    char cwd[4096], *abs, *cmd;

    /* The tests run commands in their own folder: FIVESTAR absolute. */
    if (!getcwd(cwd, sizeof cwd))
        abort();
    if (!bin || !*bin)
        bin = "./fivestar";
    if (asprintf(&abs, "%s%s%s", bin[0] == '/' ? "" : cwd, bin[0] == '/' ? "" : "/", bin) < 0)
        abort();
    setenv("FIVESTAR", abs, 1);
    work = tu_tmpdir();
    make_fixture();
    if (asprintf(&cmd, "cd %s && TZ=Asia/Shanghai %s archive d/mingli-2018.xml d/hengtai-2018.xml "
                       "-o a.zip >a.log 2>&1; echo $? >a.status", work, abs) < 0)
        abort();
    if (system(cmd) < 0)
        abort();
    free(cmd);
    free(abs);
    return tu_main(archive_suite());
}
