/*
 * fs-xml.h - private: reading untrusted XML safely, schema checks, and small
 * helpers over libxml2 trees.
 */
#ifndef FS_XML_H
#define FS_XML_H

#include "fs-base.h"
#include <libxml/tree.h>

/* Reads PATH (at most MAX_BYTES) and parses it with libxml2 without ever
 * loading a DTD, an external entity or a network resource: a document type
 * declaration or an entity declaration stops the parse with an error.
 * Problems go to DIAGS as PATH:LINE.  Returns the tree or NULL with *ERR =
 * FS_E_IO (unreadable) or FS_E_INVALID (too large, not well-formed). */
xmlDocPtr fs_xml_read(const char *path, long max_bytes, fs_diags *diags,
                      fs_error *err);

/* fs_xml_read, which also hands the bytes it parsed to the caller: *SRC
 * (malloc'd, the caller frees it) and *SRCLEN, for fs_schema_check_known;
 * *SRC is NULL when the tree is. */
xmlDocPtr fs_xml_read_source(const char *path, long max_bytes, char **src,
                             size_t *srclen, fs_diags *diags, fs_error *err);

/* The same for the LEN bytes at DATA, named NAME in diagnostics: the same
 * checks, the same messages, the same tree as when they are read from a
 * file.  DATA stays the caller's. */
xmlDocPtr fs_xml_read_memory(const char *name, const void *data, size_t len,
                             long max_bytes, fs_diags *diags, fs_error *err);

/* Checks DOC (read from FILE) against the XML Schema at XSD_PATH; every
 * violation goes to DIAGS in Chinese.  Returns the number of violations, or
 * -1 with a diagnostic when the schema itself cannot be used.
 * fs_schema_load reads the schema's bytes (NULL with a diagnostic when it
 * cannot); they are parsed on the first check that needs them, once, under
 * a lock (threads may share a schema). */
typedef struct fs_schema fs_schema;
fs_schema *fs_schema_load(const char *xsd_path, fs_diags *diags);
void fs_schema_free(fs_schema *s);
int fs_schema_check(fs_schema *s, xmlDocPtr doc, const char *file,
                    fs_diags *diags);

/* fs_schema_check for a template file: a document whose bytes (SRC,
 * SRCLEN, from fs_xml_read_source) and the schema's are byte for byte a
 * pair found valid when fivestar was built (fs_xml_known, below) is not
 * checked again, and the schema is then never parsed; any other document
 * is checked as by fs_schema_check.  The shipped templates are read on
 * every run, and parsing and applying their schemas was most of what
 * `validate` spent (README, Performance). */
int fs_schema_check_known(fs_schema *s, xmlDocPtr doc, const char *src,
                          size_t srclen, const char *file, fs_diags *diags);

/* The pairs (schema, template) found valid when fivestar was built: their
 * bytes.  The list ends with a pair of NULLs.  Generated into the build
 * folder by tools/known-templates.sh, which runs xmllint over templates/;
 * empty (every template checked at run time) when xmllint was missing. */
typedef struct fs_xml_known_pair {
    const unsigned char *xsd;
    size_t xsd_len;
    const unsigned char *doc;
    size_t doc_len;
} fs_xml_known_pair;
extern const fs_xml_known_pair fs_xml_known[];

/* Tree helpers.  Children are element children only. */
xmlNodePtr fs_xml_child(xmlNodePtr parent, const char *name);
xmlNodePtr fs_xml_next(xmlNodePtr node, const char *name);
/* The attribute NAME of NODE, malloc'd, or NULL. */
char *fs_xml_attr(xmlNodePtr node, const char *name);
/* The text content of NODE, malloc'd (never NULL for a node). */
char *fs_xml_text(xmlNodePtr node);
long fs_xml_line(xmlNodePtr node);

/* Text normalisation of dossier-format.md.  Both return new strings. */
char *fs_text_trim(const char *s);          /* leading/trailing blanks     */
char *fs_text_paragraphs(const char *s);    /* lines trimmed, empty lines
                                               dropped, joined by '\n'     */

#endif
