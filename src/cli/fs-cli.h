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
fs_lib *fs_cli_lib(const fs_lib_options *o, int *status); /* fs_lib_new, printed */
int fs_cli_finish(int status);   /* flushes stdout; 3 when it failed */

int fs_cmd_validate(int argc, char **argv);
int fs_cmd_score(int argc, char **argv);
int fs_cmd_new(int argc, char **argv);
int fs_cmd_render(int argc, char **argv);
int fs_cmd_stats(int argc, char **argv);         /* fs-stats.c */
int fs_cmd_archive(int argc, char **argv);       /* fs-archive.c */
int fs_cmd_flowchart(int argc, char **argv);     /* fs-flowcmd.c */
int fs_cmd_serve(int argc, char **argv);         /* src/serve/fs-serve.c */
int fs_cmd_bundle(int argc, char **argv);        /* fs-bundlecmd.c */

/* The progress line of long runs (fs-progress.c): "[12/300] 生成 a.xml"
 * on standard error only when it is a terminal, redrawn in place, and
 * wiped before any diagnostic or normal output is printed, so that
 * messages never mix with it and logs and pipes never see it. */
typedef struct fs_progress {
    const char *verb;           /* 生成, 统计, 归档                         */
    int tty;
    int shown;                  /* a line is on screen                     */
} fs_progress;

void fs_progress_init(fs_progress *p, const char *verb);
/* Shows "[DONE/TOTAL] VERB FILE"; an fs_progress_fn with P as CTX. */
void fs_progress_show(void *p, size_t done, size_t total, const char *file);
/* Wipes the line, if any; call before normal output. */
void fs_progress_clear(fs_progress *p);
/* Sorts and prints DIAGS to standard error below a wiped line and
 * empties them. */
void fs_progress_report(void *p, fs_diags *diags);

#endif
