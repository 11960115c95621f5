/*
 * fs-bundlecmd.c - the bundle subcommand (cli.md):
 *
 *   fivestar bundle FILE -o OUT.pdf [--pdfa]
 *
 * One PDF to print or attach: the dossier's forms, its marked 创建流程图,
 * the 佐证材料目录 and the evidence itself (fs-bundle.h).  The dossier is
 * loaded and checked as `validate` does; one with errors gets nothing
 * written (exit 1).  Evidence problems are warnings (exit 0).  The PDF is
 * made in memory and written beside OUT, synced and renamed into place,
 * so a failure never leaves a partial OUT.
 */
#define _GNU_SOURCE
#include "fs-cli.h"
#include "fs-cn.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* fivestar bundle: see the top of this file.  Usage errors give 2. */
int fs_cmd_bundle(int argc, char **argv)
{
    static const char *const spec[] = {"-o=", "--pdfa", NULL};
    fs_cli_args a;
    fs_diags diags = {0};
    fs_lib_options lo = {1, 0, 1, NULL};
    fs_lib *lib = NULL;
    fs_dossier *d = NULL;
    const char *out;
    unsigned char *data = NULL;
    size_t len = 0, n;
    fs_error err = FS_OK;
    int status = 2;

    if (fs_cli_parse(argc, argv, spec, &a) < 0)
        return 2;
    out = a.opt[0];
    lo.pdfa = a.opt[1] != NULL;
    if (a.nfiles != 1) {
        fprintf(stderr, "fivestar bundle: error: 请给出一个档案文件\n");
        goto done;
    }
    n = out ? strlen(out) : 0;
    if (n < 5 || strcasecmp(out + n - 4, ".pdf") != 0) {
        fprintf(stderr, "fivestar bundle: error: 请用 -o 给出输出文件，以 .pdf 结尾\n");
        goto done;
    }
    status = 0;
    if (!(lib = fs_lib_new(&lo, &diags, &err)))
        goto done;
    if (!(d = fs_lib_load(lib, a.files[0], &diags, &err)))
        goto done;
    if ((err = fs_lib_bundle(lib, d, lo.pdfa, &data, &len, &diags)) != FS_OK)
        goto done;
    if (fs_write_atomic(out, data, len) != FS_OK) {
        fs_diags_add(&diags, out, 0, FS_ERROR, "无法写入：%s", fs_errno_cn(errno));
        err = FS_E_IO;
        goto done;
    }
    printf("%s → %s\n", a.files[0], out);
done:
    fs_diags_sort(&diags);
    fs_diags_print(&diags, stderr);
    if (status == 0)
        status = fs_cli_worst(0, err);
    free(data);
    fs_dossier_free(d);
    fs_lib_free(lib);
    fs_diags_clear(&diags);
    fs_cli_args_free(&a);
    return status;
}
