/*
 * test-lib.c - the public interface of libfivestar (src/fivestar.h),
 * called directly as a front end would: a dossier loaded from memory is
 * the one loaded from its file (same diagnostics, same score); every form
 * of the forms table rendered to memory is, byte for byte, the file the
 * command line writes; diagnostics come back as data; a flowchart marked
 * for a dossier held in memory is the one `flowchart --dossier` writes.
 */
#include "testutil.h"
#include "fivestar.h"

#define SAMPLE "samples/hengtai-2018.xml"

static char *work;
static fs_lib *lib;

/* The diagnostics of DIAGS sorted, one line each (malloc'd). */
static char *diags_text(fs_diags *diags)
{
    char *text = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&text, &n);

    fs_diags_sort(diags);
    fs_diags_print(diags, f);
    fclose(f);
    return text;
}

/* A sample with warnings, loaded from its file and from its bytes under
 * the same name: the same diagnostics, the same score line, the same
 * fields. */
START_TEST(memory_equals_file)
{
    static const char *const samples[] = {
        "samples/hengtai-2018.xml", "samples/minimal-2018.xml",
        "samples/qinghe-shizhiguan-2019.xml",
    };

    for (size_t i = 0; i < sizeof samples / sizeof *samples; i++) {
        fs_diags d1 = {0}, d2 = {0};
        fs_error e1, e2;
        char *data, *t1, *t2, *j1, *j2;
        size_t len;
        fs_dossier *a = fs_lib_load(lib, samples[i], &d1, &e1);
        fs_dossier *b;

        data = tu_read_ok(samples[i], &len);
        b = fs_lib_load_memory(lib, samples[i], data, len, &d2, &e2);
        ck_assert_int_eq(e1, FS_OK);
        ck_assert_int_eq(e2, FS_OK);
        ck_assert_ptr_nonnull(a);
        ck_assert_ptr_nonnull(b);
        t1 = diags_text(&d1);
        t2 = diags_text(&d2);
        ck_assert_str_eq(t1, t2);
        j1 = fs_json_score(a);
        j2 = fs_json_score(b);
        ck_assert_str_eq(j1, j2);
        ck_assert_msg(strncmp(j1, "{\"file\":\"samples/", 17) == 0, "%s", j1);
        ck_assert_str_eq(a->name.s, b->name.s);
        ck_assert_ptr_eq(a->rubric, b->rubric);
        free(t1), free(t2), free(j1), free(j2), free(data);
        fs_dossier_free(a);
        fs_dossier_free(b);
        fs_diags_clear(&d1);
        fs_diags_clear(&d2);
    }
}
END_TEST

/* The score line the library gives is the line `score --json` prints. */
START_TEST(score_json_is_the_cli_line)
{
    fs_diags diags = {0};
    fs_error err;
    fs_dossier *d = fs_lib_load(lib, SAMPLE, &diags, &err);
    char *json, *out = NULL;

    ck_assert_ptr_nonnull(d);
    json = fs_json_score(d);
    ck_assert_int_eq(tu_run("$FIVESTAR score --json " SAMPLE, &out, NULL), 0);
    ck_assert_str_eq(json, out);
    free(json);
    free(out);
    fs_dossier_free(d);
    fs_diags_clear(&diags);
}
END_TEST

/* A dossier with an error and a warning, from memory: NULL, FS_E_INVALID,
 * and the diagnostics as data (file, line, severity, message) and as
 * JSON; the same from a file of those bytes (but for the name). */
START_TEST(bad_dossier_diagnostics_as_data)
{
    char *data, *bad, *path, *json;
    size_t len;
    fs_diags d1 = {0}, d2 = {0};
    fs_error err;
    long line;
    int found = 0;

    data = tu_read_ok(SAMPLE, &len);
    bad = tu_replace(data, "points=\"", "points=\"99");
    line = tu_line_of(bad, "points=\"99");
    ck_assert_ptr_null(fs_lib_load_memory(lib, "编辑中.xml", bad, strlen(bad), &d1, &err));
    ck_assert_int_eq(err, FS_E_INVALID);
    ck_assert_uint_ge(d1.errors, 1);
    for (size_t i = 0; i < d1.n; i++)
        if (d1.v[i].severity == FS_ERROR && d1.v[i].line == line) {
            ck_assert_str_eq(d1.v[i].file, "编辑中.xml");
            ck_assert_msg(strstr(d1.v[i].message, "99"), "%s", d1.v[i].message);
            found = 1;
        }
    ck_assert_msg(found, "no error on line %ld", line);
    json = fs_json_diags(&d1);
    ck_assert_msg(strncmp(json, "[{\"file\":\"编辑中.xml\",\"line\":", 30) == 0, "%s", json);
    ck_assert_msg(strstr(json, "\"severity\":\"error\""), "%s", json);
    ck_assert_msg(json[strlen(json) - 1] == ']', "%s", json);

    /* The same bytes from a file named alike. */
    if (asprintf(&path, "%s/编辑中.xml", work) < 0)
        abort();
    tu_write(path, bad, strlen(bad));
    ck_assert_ptr_null(fs_lib_load(lib, path, &d2, &err));
    ck_assert_int_eq(err, FS_E_INVALID);
    fs_diags_sort(&d1);
    fs_diags_sort(&d2);
    ck_assert_uint_eq(d1.n, d2.n);
    for (size_t i = 0; i < d1.n; i++) {
        ck_assert_int_eq(d1.v[i].line, d2.v[i].line);
        ck_assert_int_eq(d1.v[i].severity, d2.v[i].severity);
        ck_assert_str_eq(d1.v[i].message, d2.v[i].message);
        ck_assert_str_eq(d2.v[i].file, path);
    }

    /* Not even XML. */
    fs_diags_clear(&d1);
    ck_assert_ptr_null(fs_lib_load_memory(lib, "x.xml", "<dossier", 8, &d1, &err));
    ck_assert_int_eq(err, FS_E_INVALID);
    ck_assert_uint_ge(d1.errors, 1);
    ck_assert_str_eq(d1.v[0].file, "x.xml");
    free(data), free(bad), free(path), free(json);
    fs_diags_clear(&d1);
    fs_diags_clear(&d2);
}
END_TEST

/* Compares the N bytes at P with the file PATH. */
static void same_bytes(const unsigned char *p, size_t n, const char *path)
{
    char *file;
    size_t len;

    file = tu_read_ok(path, &len);
    ck_assert_msg(len == n && memcmp(file, p, n) == 0,
                  "%s: %zu bytes on disk, %zu in memory", path, len, n);
    free(file);
}

/* Every dossier form of the table, both formats: rendered to memory (from
 * a dossier loaded from memory) it is the file `render` writes. */
START_TEST(render_to_memory_equals_render)
{
    char *cmd, *data;
    size_t len, checked = 0;
    fs_diags diags = {0};
    fs_error err;
    fs_dossier *d;

    if (asprintf(&cmd, "$FIVESTAR render " SAMPLE " -o %s/r --jobs 1", work) < 0)
        abort();
    ck_assert_int_eq(tu_run(cmd, NULL, NULL), 0);
    data = tu_read_ok(SAMPLE, &len);
    d = fs_lib_load_memory(lib, SAMPLE, data, len, &diags, &err);
    ck_assert_ptr_nonnull(d);
    for (size_t i = 0; i < fs_forms_table_count(); i++) {
        const fs_form_entry *form = fs_forms_table_get(i);

        if (form->kind != FS_FORM_DOSSIER)
            continue;
        for (int f = FS_FORMAT_PDF; f <= FS_FORMAT_DOCX; f++) {
            fs_render_options ro = {(fs_format)f, 0, 0};
            unsigned char *out;
            size_t outlen;
            char *name = fs_form_file_name(form, ro.format), *path;

            ck_assert_int_eq(fs_lib_render_form(lib, form, d, &ro, &out, &outlen, &diags), FS_OK);
            if (asprintf(&path, "%s/r/hengtai-2018/%s", work, name) < 0)
                abort();
            same_bytes(out, outlen, path);
            checked++;
            free(out), free(name), free(path);
        }
    }
    ck_assert_uint_eq(checked, 4);
    ck_assert_ptr_null(fs_forms_table_get(fs_forms_table_count()));
    free(cmd), free(data);
    fs_dossier_free(d);
    fs_diags_clear(&diags);
}
END_TEST

/* The table names every output: the five stems of the notice, found by
 * id and by stem, and file names built from them. */
START_TEST(forms_table_names)
{
    static const char *const stems[] = {"评定标准", "申报表", "统计表", "创建流程图", "动态管理流程图"};
    char *name;

    ck_assert_uint_eq(fs_forms_table_count(), 5);
    for (size_t i = 0; i < 5; i++) {
        const fs_form_entry *f = fs_forms_table_get(i);
        ck_assert_str_eq(f->stem, stems[i]);
        ck_assert_ptr_eq(fs_forms_table_find(f->id), f);
        ck_assert_ptr_eq(fs_forms_table_find(f->stem), f);
    }
    ck_assert_ptr_null(fs_forms_table_find("nothing"));
    name = fs_form_file_name(fs_forms_table_find("application"), FS_FORMAT_DOCX);
    ck_assert_str_eq(name, "申报表.docx");
    free(name);
}
END_TEST

/* Flowcharts: plain and marked for a dossier loaded from memory, each
 * format, are the files `flowchart` and `flowchart --dossier` write; the
 * marked chart differs from the plain one. */
START_TEST(flowchart_marked_from_memory)
{
    static const char *const charts[] = {"creation", "dynamic"};
    char *data;
    size_t len;
    fs_diags diags = {0};
    fs_error err;
    fs_dossier *d;

    data = tu_read_ok("samples/songshan-revoked-2018.xml", &len);
    d = fs_lib_load_memory(lib, "samples/songshan-revoked-2018.xml", data, len, &diags, &err);
    ck_assert_ptr_nonnull(d);
    for (size_t c = 0; c < 2; c++)
        for (int f = FS_FORMAT_PDF; f <= FS_FORMAT_DOCX; f++) {
            const fs_form_entry *form = fs_forms_table_find(charts[c]);
            fs_render_options ro = {(fs_format)f, 0, 0};
            const char *ext = fs_format_ext(ro.format);
            unsigned char *marked, *plain;
            size_t nmarked, nplain;
            char *cmd;

            ck_assert_ptr_nonnull(form);
            ck_assert_int_eq(form->kind, FS_FORM_FLOWCHART);
            ck_assert_int_eq(fs_lib_render_form(lib, form, d, &ro, &marked, &nmarked, &diags), FS_OK);
            ck_assert_int_eq(fs_lib_render_form(lib, form, NULL, &ro, &plain, &nplain, &diags), FS_OK);
            ck_assert(nmarked != nplain || memcmp(marked, plain, nplain) != 0);
            if (asprintf(&cmd, "$FIVESTAR flowchart %s -o %s/m%s --dossier samples/songshan-revoked-2018.xml"
                               " && $FIVESTAR flowchart %s -o %s/p%s",
                         charts[c], work, ext, charts[c], work, ext) < 0)
                abort();
            ck_assert_int_eq(tu_run(cmd, NULL, NULL), 0);
            free(cmd);
            if (asprintf(&cmd, "%s/m%s", work, ext) < 0)
                abort();
            same_bytes(marked, nmarked, cmd);
            free(cmd);
            if (asprintf(&cmd, "%s/p%s", work, ext) < 0)
                abort();
            same_bytes(plain, nplain, cmd);
            free(cmd), free(marked), free(plain);
        }
    free(data);
    fs_dossier_free(d);
    fs_diags_clear(&diags);
}
END_TEST

/* The 统计表 of the samples, built and rendered by the library (PDF and
 * DOCX), is the file `stats` writes; the blank dossier is what `new`
 * writes. */
START_TEST(stats_and_blank_match_cli)
{
    static const char *const files[] = {
        "samples/hengtai-2018.xml", "samples/minimal-2018.xml", "samples/mingli-2018.xml",
    };
    fs_dossier *ds[3];
    fs_diags diags = {0};
    fs_error err;
    char *cmd, *path, *text, *cli;

    for (size_t i = 0; i < 3; i++) {
        ds[i] = fs_lib_load(lib, files[i], &diags, &err);
        ck_assert_ptr_nonnull(ds[i]);
    }
    for (int f = FS_FORMAT_PDF; f <= FS_FORMAT_DOCX; f++) {
        fs_render_options ro = {(fs_format)f, 0, 0};
        const char *ext = fs_format_ext(ro.format);
        unsigned char *out;
        size_t n;
        fs_doc *doc;

        if (asprintf(&path, "%s/st%s", work, ext) < 0 ||
            asprintf(&cmd, "$FIVESTAR stats samples/mingli-2018.xml samples/hengtai-2018.xml "
                           "samples/minimal-2018.xml -o %s", path) < 0)
            abort();
        ck_assert_int_eq(tu_run(cmd, NULL, NULL), 0);
        doc = fs_stats_build(lib, (const fs_dossier *const *)ds, 3, path, &diags, &err);
        ck_assert_ptr_nonnull(doc);
        ck_assert_int_eq(fs_lib_render(lib, doc, &ro, path, &out, &n, &diags), FS_OK);
        same_bytes(out, n, path);
        free(out), free(cmd), free(path);
        fs_doc_free(doc);
    }
    ck_assert_ptr_null(fs_stats_build(lib, (const fs_dossier *const *)ds, 0, "none.pdf", &diags, &err));
    ck_assert_int_eq(err, FS_E_INVALID);
    for (size_t i = 0; i < 3; i++)
        fs_dossier_free(ds[i]);

    text = fs_blank_dossier(lib, NULL, 2020, &diags, &err);
    ck_assert_ptr_nonnull(text);
    ck_assert_int_eq(tu_run("$FIVESTAR new --year 2020", &cli, NULL), 0);
    ck_assert_str_eq(text, cli);
    free(text), free(cli);
    ck_assert_ptr_null(fs_blank_dossier(lib, "no-such-rubric", 2020, &diags, &err));
    ck_assert_int_ne(err, FS_OK);
    fs_diags_clear(&diags);
}
END_TEST

/* The archive written through the library is the one `archive` writes,
 * byte for byte, and passes the library's check; a changed byte does
 * not. */
START_TEST(archive_write_and_verify)
{
    static const char *const files[] = {"samples/minimal-2018.xml", "samples/mingli-2018.xml"};
    fs_archive_options o;
    fs_archive_summary sum;
    fs_archive_info info;
    fs_diags diags = {0};
    char *lib_zip, *cli_zip, *cmd, *data;
    size_t len;

    memset(&o, 0, sizeof o);
    if (asprintf(&lib_zip, "%s/lib.zip", work) < 0 || asprintf(&cli_zip, "%s/cli.zip", work) < 0 ||
        asprintf(&cmd, "$FIVESTAR archive samples/minimal-2018.xml samples/mingli-2018.xml -o %s",
                 cli_zip) < 0)
        abort();
    ck_assert_int_eq(fs_archive_write(lib, files, 2, lib_zip, &o, &sum, &diags), FS_OK);
    ck_assert(sum.written);
    ck_assert_uint_eq(sum.dossiers, 2);
    ck_assert_int_eq(tu_run(cmd, NULL, NULL), 0);
    data = tu_read_ok(lib_zip, &len);
    same_bytes((const unsigned char *)data, len, cli_zip);
    ck_assert_int_eq(fs_archive_verify(lib_zip, &info, &diags), FS_OK);
    ck_assert_uint_eq(info.members, sum.members - 1);
    ck_assert_str_eq(info.manifest_sha256, sum.manifest_sha256);
    ck_assert_uint_eq(info.nrubrics, 1);
    fs_archive_info_clear(&info);

    /* Flip one byte of the first member's data (统计表.pdf, stored). */
    data[len / 4] ^= 1;
    tu_write(lib_zip, data, len);
    fs_diags_clear(&diags);
    ck_assert_int_eq(fs_archive_verify(lib_zip, &info, &diags), FS_E_INVALID);
    ck_assert_uint_ge(diags.errors, 1);
    fs_archive_info_clear(&info);
    fs_diags_clear(&diags);
    free(lib_zip), free(cli_zip), free(cmd), free(data);
}
END_TEST

/* A batch of dossiers (what `render --jobs` commits per group): until the
 * commit no form is under its final name, only temporaries; a dossier that
 * fails leaves nothing and does not stop the others; the commit (20
 * files: one syncfs pass) puts every other dossier's forms in place, the
 * bytes fs_lib_write_forms writes; a batch freed before its commit leaves
 * nothing at all, not even the folders it made. */
START_TEST(batch_commits_whole_dossiers)
{
    static const char *const names[] = {"a", "b", "c", "d", "e"};
    enum { N = sizeof names / sizeof names[0] };
    fs_render_options ro = {FS_FORMAT_PDF, 0, 0};
    unsigned formats = 1u << FS_FORMAT_PDF | 1u << FS_FORMAT_DOCX;
    fs_diags diags[N + 1];
    fs_error err;
    fs_dossier *d;
    fs_lib_batch *b;
    char *dir, *ref, *bad, *cmd;

    memset(diags, 0, sizeof diags);
    d = fs_lib_load(lib, SAMPLE, &diags[N], &err);
    ck_assert_ptr_nonnull(d);
    ref = tu_path(work, "ref");
    ck_assert_int_eq(fs_lib_write_forms(lib, d, ref, formats, &ro, &diags[N]), FS_OK);
    ck_assert_int_eq(tu_count_entries(ref, ".fstmp-"), 0);

    /* Five dossiers and one whose folder is a file. */
    b = fs_lib_batch_new();
    bad = tu_path(work, "bad");
    tu_write(bad, "x", 1);
    for (int i = 0; i < N; i++) {
        dir = tu_path(work, names[i]);
        ck_assert_int_eq(fs_lib_batch_add(lib, b, d, dir, formats, &ro, &diags[i]), FS_OK);
        ck_assert_int_eq(tu_count_entries(dir, ".fstmp-"), 4);
        ck_assert_int_eq(tu_count_entries(dir, "评定标准") + tu_count_entries(dir, "申报表"), 4);
        ck_assert_int_eq(tu_count_entries(dir, ".pdf.fstmp-") + tu_count_entries(dir, ".docx.fstmp-"), 4);
        free(dir);
    }
    ck_assert_int_eq(fs_lib_batch_add(lib, b, d, bad, formats, &ro, &diags[N]), FS_E_IO);
    ck_assert_ptr_nonnull(tu_find_diag(&diags[N], FS_ERROR, -1, "无法创建文件夹"));
    ck_assert_uint_eq(fs_lib_batch_count(b), N + 1);
    ck_assert_int_eq(fs_lib_batch_result(b, 0), FS_E_INTERRUPTED);      /* not yet */
    fs_lib_batch_commit(b);
    for (int i = 0; i < N; i++) {
        ck_assert_int_eq(fs_lib_batch_result(b, (size_t)i), FS_OK);
        ck_assert_uint_eq(diags[i].errors, 0);
        dir = tu_path(work, names[i]);
        ck_assert_int_eq(tu_count_entries(dir, ".fstmp-"), 0);
        if (asprintf(&cmd, "diff -r %s %s", ref, dir) < 0)
            abort();
        ck_assert_int_eq(tu_run(cmd, NULL, NULL), 0);
        free(cmd), free(dir);
    }
    ck_assert_int_eq(fs_lib_batch_result(b, N), FS_E_IO);
    ck_assert_int_eq(fs_lib_batch_result(b, N + 1), FS_E_INTERRUPTED);
    fs_lib_batch_free(b);

    /* Added, never committed: nothing is left, the new folder neither;
     * the forms already in place are untouched. */
    b = fs_lib_batch_new();
    dir = tu_path(work, "never");
    ck_assert_int_eq(fs_lib_batch_add(lib, b, d, dir, formats, &ro, &diags[N]), FS_OK);
    ck_assert_int_eq(tu_count_entries(dir, ".fstmp-"), 4);
    free(dir);
    dir = tu_path(work, "b");
    ck_assert_int_eq(fs_lib_batch_add(lib, b, d, dir, formats, &ro, &diags[N]), FS_OK);
    fs_lib_batch_free(b);
    ck_assert_int_eq(tu_count_entries(dir, ".fstmp-"), 0);
    if (asprintf(&cmd, "diff -r %s %s", ref, dir) < 0)
        abort();
    ck_assert_int_eq(tu_run(cmd, NULL, NULL), 0);
    free(cmd), free(dir);
    dir = tu_path(work, "never");
    ck_assert_int_eq(tu_count_entries(dir, ""), -1);
    free(dir);
    fs_lib_batch_free(NULL);

    for (int i = 0; i <= N; i++)
        fs_diags_clear(&diags[i]);
    fs_dossier_free(d);
    free(ref), free(bad);
}
END_TEST

/* A context made with fs_lib_options.first (fonts on a second thread,
 * the first dossier's templates meanwhile) renders what one made without
 * it renders, keeps the templates it preloaded (a rubric removed after
 * fs_lib_new is not needed again), keeps none that gave an error (their
 * messages come when the dossier is rendered, the same as without
 * FIRST), and fails on missing fonts as one made without it. */
START_TEST(fonts_beside_first_dossier)
{
    fs_lib_options with = {1, 0, 2, SAMPLE}, without = {1, 0, 2, NULL};
    fs_diags diags = {0}, d1 = {0}, d2 = {0};
    fs_error err;
    fs_lib *l1, *l2;
    fs_dossier *d;
    char *t1, *t2, *dir = tu_tmpdir(), tpl[4096];
    const fs_form_entry *form = fs_forms_table_get(0);
    fs_render_options ro = {FS_FORMAT_PDF, 0, 0};
    unsigned char *o1, *o2;
    size_t n1, n2;

    /* the same bytes */
    l1 = fs_lib_new(&with, &diags, &err);
    l2 = fs_lib_new(&without, &diags, &err);
    ck_assert_ptr_nonnull(l1);
    ck_assert_ptr_nonnull(l2);
    ck_assert_uint_eq(diags.errors, 0);
    d = fs_lib_load(l1, SAMPLE, &diags, &err);
    ck_assert_ptr_nonnull(d);
    ck_assert_int_eq(fs_lib_render_form(l1, form, d, &ro, &o1, &n1, &diags), FS_OK);
    fs_dossier_free(d);
    d = fs_lib_load(l2, SAMPLE, &diags, &err);
    ck_assert_int_eq(fs_lib_render_form(l2, form, d, &ro, &o2, &n2, &diags), FS_OK);
    ck_assert_msg(n1 == n2 && memcmp(o1, o2, n1) == 0, "different bytes with FIRST");
    free(o1), free(o2);
    fs_dossier_free(d);
    fs_lib_free(l1), fs_lib_free(l2);

    /* preloaded: the rubric file may go once the context is made */
    ck_assert_int_eq(tu_run_fmt(NULL, NULL, "cp -r templates '%s/t'", dir), 0);
    snprintf(tpl, sizeof tpl, "%s/t", dir);
    setenv("FIVESTAR_TEMPLATES", tpl, 1);
    setenv("FIVESTAR_FONTS", "fonts/fonts.conf", 1);    /* the copy has none beside it */
    fs_templates_init(NULL);
    l1 = fs_lib_new(&with, &diags, &err);
    l2 = fs_lib_new(&without, &diags, &err);
    ck_assert_ptr_nonnull(l1);
    ck_assert_ptr_nonnull(l2);
    ck_assert_int_eq(tu_run_fmt(NULL, NULL, "mv '%s/t/rubrics/dongguan-2018.xml' '%s/away.xml'", dir, dir), 0);
    d = fs_lib_load(l1, SAMPLE, &d1, &err);
    ck_assert_msg(d != NULL && d1.errors == 0, "the preloaded rubric was not kept");
    fs_dossier_free(d);
    d = fs_lib_load(l2, SAMPLE, &d2, &err);
    ck_assert_ptr_null(d);                  /* without FIRST it was needed */
    fs_lib_free(l1), fs_lib_free(l2);
    fs_diags_clear(&d1), fs_diags_clear(&d2);
    ck_assert_int_eq(tu_run_fmt(NULL, NULL, "mv '%s/away.xml' '%s/t/rubrics/dongguan-2018.xml'", dir, dir), 0);

    /* a broken forms template: not kept, the same messages either way */
    ck_assert_int_eq(tu_run_fmt(NULL, NULL, "sed -i 's/<field width=\"56\">/<field width=\"zz\">/' "
                                "'%s/t/forms/dongguan-2018.xml'", dir), 0);
    l1 = fs_lib_new(&with, &diags, &err);
    l2 = fs_lib_new(&without, &diags, &err);
    ck_assert_ptr_nonnull(l1);
    d = fs_lib_load(l1, SAMPLE, &d1, &err);
    ck_assert_int_ne(fs_lib_render_form(l1, form, d, &ro, &o1, &n1, &d1), FS_OK);
    fs_dossier_free(d);
    d = fs_lib_load(l2, SAMPLE, &d2, &err);
    ck_assert_int_ne(fs_lib_render_form(l2, form, d, &ro, &o2, &n2, &d2), FS_OK);
    fs_dossier_free(d);
    t1 = diags_text(&d1);
    t2 = diags_text(&d2);
    ck_assert_msg(strstr(t1, "forms/dongguan-2018.xml:") != NULL, "%s", t1);
    ck_assert_str_eq(t1, t2);
    free(t1), free(t2);
    fs_lib_free(l1), fs_lib_free(l2);
    fs_diags_clear(&d1), fs_diags_clear(&d2);

    /* fonts that cannot load: the same failure */
    setenv("FIVESTAR_TEMPLATES", "templates", 1);
    fs_templates_init(NULL);
    setenv("FIVESTAR_FONTS", "/nonexistent/fonts.conf", 1);
    ck_assert_ptr_null(fs_lib_new(&with, &d1, &err));
    ck_assert_int_eq(err, FS_E_FONT);
    ck_assert_ptr_null(fs_lib_new(&without, &d2, &err));
    t1 = diags_text(&d1);
    t2 = diags_text(&d2);
    ck_assert_uint_ge(d1.errors, 1);
    ck_assert_str_eq(t1, t2);
    unsetenv("FIVESTAR_FONTS");
    free(t1), free(t2);
    fs_diags_clear(&d1), fs_diags_clear(&d2), fs_diags_clear(&diags);
    free(dir);
}
END_TEST

static void setup(void)
{
    fs_diags diags = {0};
    fs_error err;

    setenv("FIVESTAR_TEMPLATES", "templates", 0);
    fs_templates_init(NULL);
    lib = fs_lib_new(NULL, &diags, &err);
    ck_assert_ptr_nonnull(lib);
    fs_diags_clear(&diags);
    work = tu_tmpdir();
}

static void teardown(void)
{
    fs_lib_free(lib);
    lib = NULL;
    free(work);
}

int main(void)
{
    Suite *s = suite_create("lib");
    TCase *tc = tcase_create("lib");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, memory_equals_file);
    tcase_add_test(tc, score_json_is_the_cli_line);
    tcase_add_test(tc, bad_dossier_diagnostics_as_data);
    tcase_add_test(tc, render_to_memory_equals_render);
    tcase_add_test(tc, forms_table_names);
    tcase_add_test(tc, flowchart_marked_from_memory);
    tcase_add_test(tc, stats_and_blank_match_cli);
    tcase_add_test(tc, archive_write_and_verify);
    tcase_add_test(tc, batch_commits_whole_dossiers);
    tcase_add_test(tc, fonts_beside_first_dossier);
    suite_add_tcase(s, tc);
    return tu_main(s);
}
