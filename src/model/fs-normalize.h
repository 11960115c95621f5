/*
 * fs-normalize.h - the values a clerk types, in the spellings Chinese
 * users write them, turned into the canonical spellings of
 * docs/dossier-format.md:
 *
 *   yes/no      是, 否, 达标, 不达标, 未达标, Yes, NO …          → yes, no
 *   dates       2010年6月18日, 2010/6/18, 2010.6.18, 2010-6-18     → 2010-06-18
 *   star levels 五星, 五星级, 5星, 5星级, 五; 无, 未获评 (0)       → 5, 0
 *   numbers     full-width digits ０–９ and point ．, a unit after the
 *               number (15人, 4.5分, 2018年)                        → 15, 4.5, 2018
 *
 * Leading and trailing blanks (ASCII and U+3000) are dropped.  A value
 * that is not recognised is left as it is, so that the loader reports it
 * with the user's own spelling.  History stages and results are not
 * handled here (they come from the flowchart templates).
 */
#ifndef FS_NORMALIZE_H
#define FS_NORMALIZE_H

#include "fs-model.h"
#include <libxml/tree.h>

/* Each returns the canonical spelling of S (malloc'd), or NULL when S is
 * not a spelling of that kind of value. */
char *fs_norm_yesno(const char *s);
char *fs_norm_date(const char *s);
char *fs_norm_star(const char *s);
/* A whole or decimal number with an optional UNIT after it (NULL: none). */
char *fs_norm_number(const char *s, const char *unit);

/* Rewrites, in the dossier tree DOC, every value a clerk types (the year,
 * members, founded, star, the application's date and star, situation
 * sections, score items and points, compliant, event dates) into its
 * canonical spelling, in place; elements keep their line numbers.  Used by
 * fs_dossier_load before any check, and by the tools that write dossiers
 * (the browser editor) so that what they save is canonical.  Returns the
 * number of values changed. */
int fs_dossier_normalize(xmlDocPtr doc);

/* The same for the dossier text DATA (LEN bytes, named NAME in
 * diagnostics), read as safely as a dossier file: *OUT (malloc'd, *OUTLEN
 * bytes, UTF-8) is the text with its typed values canonical.  When nothing
 * changes, *OUT is a copy of DATA, byte for byte; otherwise the tree is
 * written back by libxml2 (comments, order and line breaks kept).  Returns
 * the number of values changed, or -1 with diagnostics in DIAGS when DATA
 * is not well-formed XML. */
int fs_dossier_normalize_text(const char *name, const void *data, size_t len,
                              char **out, size_t *outlen, fs_diags *diags);

#endif
