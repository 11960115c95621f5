/*
 * fs-cli.h - private: the subcommands and their argument parsing.
 */
#ifndef FS_CLI_H
#define FS_CLI_H

#include "fivestar.h"

#define FS_CLI_MAXOPT 8

typedef struct fs_cli_args {
    const char **files;         /* the operands, in order                  */
    size_t nfiles;
    const char *opt[FS_CLI_MAXOPT];     /* by index into the spec; "" for a
                                           flag that is set, NULL if unset */
} fs_cli_args;

int fs_cli_parse(int argc, char **argv, const char *const *spec, fs_cli_args *a);
void fs_cli_args_free(fs_cli_args *a);
int fs_cli_worst(int status, fs_error err);
int fs_cli_help(const char *name, FILE *out);
int fs_cli_finish(int status);   /* flushes stdout; 3 when it failed */

int fs_cmd_validate(int argc, char **argv);
int fs_cmd_score(int argc, char **argv);
int fs_cmd_new(int argc, char **argv);
int fs_cmd_render(int argc, char **argv);
int fs_cmd_stats(int argc, char **argv);         /* fs-stats.c */
int fs_cmd_archive(int argc, char **argv);       /* fs-archive.c */
int fs_cmd_flowchart(int argc, char **argv);     /* fs-flowcmd.c */

/* The font config: $FIVESTAR_FONTS, else fonts/fonts.conf beside the
 * templates folder (malloc'd; fs-render.c). */
char *fs_fonts_conf_path(void);

#endif
