/*
 * fs-flowcmd.c - the flowchart subcommand (cli.md):
 *
 *   fivestar flowchart creation|dynamic -o OUT.pdf|OUT.docx
 *                      [--dossier FILE | --rubric ID]
 *
 * creation (also 创建) is 附件4 (创建流程图), dynamic (动态管理) 附件5
 * (动态管理流程图), read from the template set's flowcharts
 * (templates/flowcharts/ID/NAME.xml, else templates/flowcharts/NAME.xml)
 * and laid out on one A4 page (fs-flow.h).  The set is the dossier's
 * rubric, else --rubric, else the only rubric there is (with several the
 * user must say which).  The format follows OUT's extension.  With a dossier, which is loaded and
 * checked like `validate` does, the chart is marked with its history; a
 * dossier with errors gets nothing written (exit 1).  The chart is the
 * library's (fs_lib_build of its entry in the forms table) and is written
 * whole or not at all (fs_lib_write).
 */
#define _GNU_SOURCE
#include "fs-cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Does PATH end in EXT (compared without case)? */
static int has_ext(const char *path, const char *ext)
{
    size_t n = strlen(path), k = strlen(ext);

    return n > k && strcasecmp(path + n - k, ext) == 0;
}

/* fivestar flowchart: see the top of this file.  Usage errors (no or an
 * unknown chart, no -o, an extension other than .pdf or .docx, no set or
 * an unknown one, --rubric beside --dossier) give 2, a dossier with
 * errors 1, unreadable files, templates or fonts 3. */
int fs_cmd_flowchart(int argc, char **argv)
{
    static const char *const spec[] = {"-o=", "--dossier=", "--rubric=", NULL};
    fs_cli_args a;
    fs_diags diags = {0};
    fs_lib *lib = NULL;
    fs_dossier *d = NULL;
    fs_doc *doc = NULL;
    const fs_form_entry *form;
    fs_render_options ro = {FS_FORMAT_PDF, 0, 0};
    const char *name, *out, *dossier, *rubric;
    fs_error err = FS_OK;
    int status = 2;

    if (fs_cli_parse(argc, argv, spec, &a) < 0)
        return 2;
    out = a.opt[0];
    dossier = a.opt[1];
    rubric = a.opt[2];
    if (a.nfiles != 1) {
        fprintf(stderr, "fivestar flowchart: error: 请给出一个流程图名称：creation 或 创建（附件4），"
                        "dynamic 或 动态管理（附件5）\n");
        goto done;
    }
    name = a.files[0];
    form = fs_forms_table_find(name);
    if (!form || form->kind != FS_FORM_FLOWCHART) {
        fprintf(stderr, "fivestar flowchart: error: 未知流程图“%s”：应为 creation 或 创建（附件4），"
                        "dynamic 或 动态管理（附件5）\n", name);
        goto done;
    }
    if (!out || !*out) {
        fprintf(stderr, "fivestar flowchart: error: 请用 -o 给出输出文件（.pdf 或 .docx）\n");
        goto done;
    }
    if (has_ext(out, ".docx"))
        ro.format = FS_FORMAT_DOCX;
    else if (!has_ext(out, ".pdf")) {
        fprintf(stderr, "fivestar flowchart: error: 输出文件“%s”应以 .pdf 或 .docx 结尾\n", out);
        goto done;
    }
    if (dossier && rubric) {
        fprintf(stderr, "fivestar flowchart: error: --dossier 与 --rubric 只用其一：有档案时用档案的"
                        "评定标准\n");
        goto done;
    }

    status = 0;
    if (!(lib = fs_lib_new(NULL, &diags, &err)))
        goto done;
    if (dossier && !(d = fs_lib_load(lib, dossier, &diags, &err)))
        goto done;
    if (!dossier && fs_lib_set_rubric(lib, rubric, &diags) != FS_OK) {
        status = 2;             /* no set named among several, or unknown */
        goto done;
    }
    if (!(doc = fs_lib_build(lib, form, d, &diags, &err)))
        goto done;
    err = fs_lib_write(lib, doc, &ro, out, &diags);
    if (err == FS_OK)
        printf("%s %s（模板 %s）→ %s\n", form->attachment, form->stem,
               d ? d->rubric_id : fs_lib_rubric_id(lib), out);
done:
    fs_diags_sort(&diags);
    fs_diags_print(&diags, stderr);
    if (status == 0)
        status = fs_cli_worst(0, err);
    fs_doc_free(doc);
    fs_dossier_free(d);
    fs_lib_free(lib);
    fs_diags_clear(&diags);
    fs_cli_args_free(&a);
    return status;
}
