/*
 * fs-serve.h - private to src/serve/: `fivestar serve`, the dossier editor
 * in a browser (docs: /work/shared/spec/serve.md, README "serve").
 *
 * A second front end over the library, beside src/cli/.  The pieces, one
 * job each:
 *   fs-serve.c        the command: options, token, starting and stopping
 *   fs-serve-http.c   HTTP plumbing on libmicrohttpd: who may ask (token,
 *                     cookie, Host, Origin), bodies and their limit, replies
 *   fs-serve-api.c    the routes of the JSON API
 *   fs-serve-reply.c  replies as data: JSON strings, diagnostics, errors
 *   fs-serve-store.c  the folder: safe names, reading, listing, atomic save
 *   fs-serve-docs.c   what the library (fivestar.h) makes of a dossier held
 *                     in memory: diagnostics, score, forms, the 统计表
 *   fs-serve-web.c    the page (src/serve/web/, embedded at build time)
 * Library code never includes this header.
 */
#ifndef FS_SERVE_H
#define FS_SERVE_H

#include "fivestar.h"

#include <stddef.h>

#define FS_SERVE_MAX_BODY (4L * 1024 * 1024)


/* The server's state: fixed once it listens, except the lazily loaded
 * chart fonts.  Requests are handled one at a time (one libmicrohttpd
 * thread), so nothing here needs a lock. */
typedef struct fs_serve {
    int dirfd;                  /* DIR, opened O_DIRECTORY                 */
    char *dir;                  /* DIR as given                            */
    char token[48];             /* URL-safe, 192 random bits               */
    char *hosts[2];             /* "ADDR:PORT", "localhost:PORT"           */
    char *origins[2];           /* "http://" + each of hosts               */
    char *address;              /* http://ADDR:PORT/?token=TOKEN           */
    fs_lib *lib;                /* fonts, rubrics, forms templates         */
    fs_rubric_cache *rubrics;   /* for GET /api/rubric/ID, on first use    */
} fs_serve;

/* One request as the routes see it. */
typedef struct fs_serve_req {
    const char *method;
    const char *path;           /* decoded, without the query              */
    const char *body;           /* NUL-terminated, LEN bytes               */
    size_t len;
    const char *if_match;       /* header values, NULL when absent         */
    const char *if_none_match;
    int download;               /* ?download=1                             */
    int canonical;              /* ?canonical=1: a dossier's typed values in
                                   their canonical spellings              */
} fs_serve_req;

/* A reply: the routes fill it, the HTTP layer sends it.  DATA, ETAG and
 * DISPOSITION are malloc'd and freed by fs_serve_reply_free.  The
 * functions below are fs-serve-reply.c. */
typedef struct fs_serve_reply {
    unsigned status;
    const char *type;           /* Content-Type                            */
    char *data;
    size_t len;
    char *etag;
    char *disposition;
    int cache;                  /* may be cached (the page's files)        */
} fs_serve_reply;

void fs_serve_reply_free(fs_serve_reply *r);
/* Sets R to STATUS with the JSON in B (taken over). */
void fs_serve_reply_json(fs_serve_reply *r, unsigned status, fs_buf *b);
/* Sets R to STATUS with {"error":"MESSAGE"}. */
void fs_serve_reply_error(fs_serve_reply *r, unsigned status, const char *message);
/* Appends S as a JSON string (NULL: null). */
void fs_serve_json_str(fs_buf *b, const char *s);
/* Appends the diagnostics D as a JSON array of {"line","severity","message"}. */
void fs_serve_json_diags(fs_buf *b, const fs_diags *d);

/* fs-serve-http.c: starts listening on ADDR:PORT (PORT 0: any free port),
 * storing the daemon in *DAEMON and the port in *BOUND.  Returns 0, or -1
 * after a message on standard error. */
int fs_serve_http_start(fs_serve *s, const char *addr, unsigned port,
                        void **daemon, unsigned *bound);
/* Stops the daemon, letting a request in progress finish. */
void fs_serve_http_stop(void *daemon);

/* fs-serve-api.c: answers REQ (authorised already) into REP. */
void fs_serve_api(fs_serve *s, const fs_serve_req *req, fs_serve_reply *rep);

/* fs-serve-web.c: the embedded file for PATH ("/" is index.html) into
 * REP; 0, or -1 when there is none. */
int fs_serve_web(const char *path, fs_serve_reply *rep);

/* fs-serve-store.c ---------------------------------------------------- */

/* Is NAME a dossier file name the server may touch: a plain name ending
 * in ".xml", at most 255 bytes, valid UTF-8, no '/', '\\', control
 * character or leading '.'? */
int fs_serve_name_ok(const char *name);
/* Reads DIR/NAME (a regular file, never through a symlink) into *DATA
 * (malloc'd, NUL-terminated) / *LEN.  Returns 0; -1 with errno (ENOENT,
 * ELOOP for a symlink, EFBIG over 4 MiB, EISDIR for anything but a
 * regular file …). */
int fs_serve_read(const fs_serve *s, const char *name, char **data, size_t *len);
/* The dossier files of DIR (sorted, names passing fs_serve_name_ok and
 * regular files, symlinks left out) as a malloc'd array of malloc'd names
 * in *NAMES; returns their number. */
size_t fs_serve_list(const fs_serve *s, char ***names);
void fs_serve_list_free(char **names, size_t n);
/* The version tag of DATA: a quoted SHA-256 prefix (malloc'd). */
char *fs_serve_etag(const char *data, size_t len);
/* Writes DATA to DIR/NAME whole or not at all (a hidden file beside it,
 * fsync, rename, fsync of DIR).  Returns 0 or -1 with errno. */
int fs_serve_save(const fs_serve *s, const char *name, const char *data, size_t len);

/* fs-serve-docs.c ----------------------------------------------------- */

/* Loads dossier XML held in memory (DATA, LEN) named NAME, as `validate`
 * would load the file (fs_lib_load_memory).  Problems go to DIAGS;
 * returns the dossier (caller frees; d->rubric set), or NULL with *ERR. */
fs_dossier *fs_serve_load(fs_serve *s, const char *name, const char *data,
                          size_t len, fs_diags *diags, fs_error *err);
/* Is DATA well-formed XML (UTF-8 or a declared encoding, no DTD or
 * entity) with a root <dossier format="1">?  Problems go to DIAGS. */
int fs_serve_wellformed(const char *name, const char *data, size_t len,
                        fs_diags *diags);
/* Fields of a dossier that did not load, read from the raw tree for the
 * list: organisation name, town (malloc'd or NULL) and year (0). */
void fs_serve_peek(const char *data, size_t len, char **org, char **town, int *year);
/* Appends the score of D as `score --json` writes it (no newline). */
void fs_serve_score_json(fs_buf *b, const fs_dossier *d);
/* Renders FILE ("评定标准.pdf", "创建流程图.docx" …: a form of the table
 * with one of its formats) for dossier D into *OUT / *LEN, the bytes
 * `render` / `flowchart --dossier` write.  Returns FS_OK; FS_E_USAGE for
 * no such form; else an error with a diagnostic. */
fs_error fs_serve_form(fs_serve *s, const char *file, const fs_dossier *d,
                       unsigned char **out, size_t *len, fs_diags *diags);
/* The 统计表 (DOCX non-zero: .docx) of the N valid dossiers D, N > 0. */
fs_error fs_serve_stats(fs_serve *s, const fs_dossier *const *d, size_t n, int docx,
                        unsigned char **out, size_t *len, fs_diags *diags);
/* Appends rubric ID as JSON; 0, or -1 when there is no such rubric. */
int fs_serve_rubric_json(fs_serve *s, const char *id, fs_buf *b);
/* The blank dossier of `fivestar new` for the current year (malloc'd), or
 * NULL after a diagnostic in DIAGS. */
char *fs_serve_blank(fs_serve *s, fs_diags *diags);

#endif
