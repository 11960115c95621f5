/*
 * fs-help.h - the Chinese help texts of the commands (fs-help.c).
 */
#ifndef FS_HELP_H
#define FS_HELP_H

/* What command NAME does, every option explained and examples (a static
 * text ending in a line break), or NULL for a command without one. */
const char *fs_help_text(const char *name);

/* The closing lines of `fivestar --help`: global options, the accepted
 * spellings, exit statuses, where the guide is. */
const char *fs_help_footer(void);

#endif
