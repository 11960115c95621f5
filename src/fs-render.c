/*
 * fs-render.c - the render subcommand.
 */
#include "fs-cli.h"

int fs_cmd_render(int argc, char **argv)
{
    (void)argc;
    fprintf(stderr, "fivestar %s: error: 尚未实现\n", argv[0]);
    return fs_exit_status(FS_E_NOTIMPL);
}
