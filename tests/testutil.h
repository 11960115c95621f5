/*
 * testutil.h - small helpers shared by the test programs: temporary
 * folders, files, string edits and running the fivestar binary.  The
 * helpers are compiled once (tests/testutil.c) and linked into every test
 * program; add a helper here rather than copying it between tests.
 */
#ifndef FS_TESTUTIL_H
#define FS_TESTUTIL_H

#define _GNU_SOURCE
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <fcntl.h>
#include <strings.h>

/* A fresh temporary folder (never removed: CI machines are throwaway and
 * the files help when a test fails). */
char *tu_tmpdir(void);

char *tu_read(const char *path, size_t *len);

void tu_write(const char *path, const char *data, size_t n);

/* Returns a copy of S with the first occurrence of FROM replaced by TO;
 * the test fails when FROM is not there (so an edit cannot silently miss). */
char *tu_replace(const char *s, const char *from, const char *to);

/* The 1-based line of the first occurrence of NEEDLE in S. */
long tu_line_of(const char *s, const char *needle);

/* Runs the shell command CMD (fivestar is $FIVESTAR), capturing standard
 * output and error in *OUT and *ERR (malloc'd); returns the exit status. */
int tu_run(const char *cmd, char **out, char **err);

/* Validates every XML part of the DOCX files FILES (shell words) against
 * the ECMA-376 schemas with tests/docx_validate.py; fails the test on an
 * invalid part, says SKIP on standard error when the schemas or xmllint
 * are not there. */
void tu_docx_valid(const char *files);

/* Runs the shell command made from FMT as tu_run does. */
int tu_run_fmt(char **out, char **err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* DIR/NAME, malloc'd. */
char *tu_path(const char *dir, const char *name);

/* The number of entries of DIR other than . and .. whose names contain
 * PART ("" for all); -1 when DIR cannot be read. */
int tu_count_entries(const char *dir, const char *part);

/* The whole of PATH as tu_read reads it; the test fails when it cannot be
 * read. */
char *tu_read_ok(const char *path, size_t *len);

/* A copy of S without ASCII white space (space, tab, CR, LF): what is
 * left of a text once its lines are joined.  Form feeds (pdftotext's page
 * breaks) stay unless JOIN_PAGES.  Malloc'd. */
char *tu_squeeze(const char *s, int join_pages);

/* The text of PDF as `pdftotext -raw` gives it (content-stream order:
 * each cell's lines together); its standard error to *ERR when ERR is
 * not NULL.  The test fails when pdftotext does.  Malloc'd. */
char *tu_pdftotext(const char *pdf, char **err);

/* The text of PDF without white space (tu_squeeze of tu_pdftotext, pages
 * apart by form feeds unless JOIN_PAGES). */
char *tu_pdf_text(const char *pdf, int join_pages);

/* Runs a suite and returns the process exit status. */
int tu_main(Suite *s);

/* ------------------------------------------------------------------------
 * `fivestar serve` in the background, and a minimal HTTP/1.1 client for it.
 * ---------------------------------------------------------------------- */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>

typedef struct tu_server {
    pid_t pid;
    int port;
    char token[128];
    char address[256];          /* the first line it printed               */
    char err_path[512];         /* its standard error                      */
} tu_server;

/* Starts `$FIVESTAR serve DIR --port 0 --no-open EXTRA…` and reads the
 * address from the first line of its output; the test fails when that
 * line does not come within 30 s. */
void tu_serve_start(tu_server *s, const char *dir);

/* Stops the server with SIGTERM; returns its exit status. */
int tu_serve_stop(tu_server *s);

typedef struct tu_reply {
    int status;
    char *head;                 /* the header lines, malloc'd              */
    char *body;                 /* malloc'd, NUL-terminated                */
    size_t len;
} tu_reply;

void tu_reply_free(tu_reply *r);

/* The value of header NAME in R (malloc'd), or NULL. */
char *tu_header(const tu_reply *r, const char *name);

/* Sends one request to 127.0.0.1:PORT: METHOD PATH, the header lines
 * HEADERS ("Name: value\r\n" each, may be ""), and LEN bytes of BODY
 * (NULL: none) with a Content-Length (unless HEADERS has one, or says
 * Transfer-Encoding: BODY is then sent as it is, chunked by the caller).  No Host header is added
 * when HEADERS has one.  Reads the whole reply (Connection: close). */
tu_reply tu_http(int port, const char *method, const char *path,
                 const char *headers, const void *body, size_t len);

/* ------------------------------------------------------------------------
 * Dossiers (these need fivestar.h, which every test program links).
 * ---------------------------------------------------------------------- */
#include "fivestar.h"

/* Writes the LEN bytes of TEXT to a new temporary folder as NAME and loads
 * it as a dossier; DIAGS are sorted.  *PATH_OUT (if given) gets the path. */
fs_dossier *tu_load_text(const char *text, size_t len,
                         const char *name, fs_diags *diags,
                         fs_error *err, char **path_out);

/* Every diagnostic of DIAGS, one per line (malloc'd), for failure messages. */
char *tu_diags_text(const fs_diags *diags);

/* The first diagnostic of SEV at LINE (any line when LINE < 0) containing
 * MSG, or NULL. */
const fs_diag *tu_find_diag(const fs_diags *diags,
                            fs_severity sev, long line,
                            const char *msg);

#endif
