/*
 * fs-names.c - the names a run writes under, derived from file names the
 * user gave (fivestar.h): each dossier's folder under `render -o` and in
 * the archive, and the check every archive member name passes.
 *
 * A file name is untrusted text: "...xml" would make the folder "..", and
 * "a/x.xml" and "b/x.xml" would share "x".  So a folder name is the file
 * name less ".xml" with control characters, backslashes and bytes that
 * are not UTF-8 replaced by "_", leading dots dropped, and "档案" when
 * nothing is left; and the names of one run are settled before anything
 * is written, so that no two dossiers share a folder, whatever the order
 * or the number of workers.
 */
#define _GNU_SOURCE
#include "fs-lib-private.h"

#include <stdlib.h>
#include <string.h>

#define EMPTY_NAME "档案"

/* The base name of PATH less ".xml" (a pointer into PATH and a length). */
static const char *stem_of(const char *path, size_t *n)
{
    const char *base = strrchr(path, '/');

    base = base ? base + 1 : path;
    *n = strlen(base);
    if (*n > 4 && strcmp(base + *n - 4, ".xml") == 0)
        *n -= 4;
    return base;
}

/* Is the UTF-8 sequence at P (N bytes left) well formed?  Returns its
 * length, or 0. */
static size_t utf8_ok(const unsigned char *p, size_t n)
{
    size_t len = p[0] < 0x80 ? 1 : p[0] >= 0xC2 && p[0] < 0xE0 ? 2
               : p[0] >= 0xE0 && p[0] < 0xF0 ? 3 : p[0] >= 0xF0 && p[0] < 0xF5 ? 4 : 0;
    uint32_t cp;

    if (!len || len > n)
        return 0;
    for (size_t i = 1; i < len; i++)
        if ((p[i] & 0xC0) != 0x80)
            return 0;
    if (len == 1)
        return 1;
    cp = p[0] & (0x7F >> len);
    for (size_t i = 1; i < len; i++)
        cp = cp << 6 | (p[i] & 0x3F);
    if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp < 0xE000))) ||
        (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
        return 0;
    return len;
}

/* The safe folder name of dossier PATH; see fivestar.h. */
char *fs_names_folder(const char *path)
{
    size_t n;
    const unsigned char *p = (const unsigned char *)stem_of(path, &n);
    fs_buf b = {0};

    while (n && *p == '.') {
        p++;
        n--;
    }
    for (size_t i = 0; i < n;) {
        size_t k = utf8_ok(p + i, n - i);

        if (!k || p[i] < 0x20 || p[i] == 0x7F || p[i] == '\\') {
            fs_buf_adds(&b, "_");
            i += k ? k : 1;
        } else {
            fs_buf_add(&b, (const char *)p + i, k);
            i += k;
        }
    }
    if (!b.len)
        fs_buf_adds(&b, EMPTY_NAME);
    return b.s;
}

/* Is NAME among the first N of V? */
static int taken(char *const *v, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(v[i], name) == 0)
            return 1;
    return 0;
}

/* The folder names of the N dossier files FILES of one run; see
 * fivestar.h. */
char **fs_names_folders(const char *const *files, size_t n, int refuse,
                        fs_diags *diags, fs_error *err)
{
    char **own = fs_xcalloc(n ? n : 1, sizeof *own);
    char **v = fs_xcalloc(n ? n : 1, sizeof *v);

    *err = FS_OK;
    for (size_t i = 0; i < n; i++) {
        size_t stem_len;
        const char *stem = stem_of(files[i], &stem_len);

        own[i] = fs_names_folder(files[i]);
        if (strlen(own[i]) != stem_len || memcmp(own[i], stem, stem_len) != 0)
            fs_diags_add(diags, files[i], 0, FS_WARNING,
                         "文件名不宜直接用作文件夹名，此档案的文件夹名改为“%s”", own[i]);
    }
    for (size_t i = 0; i < n; i++) {
        size_t first = 0;

        v[i] = fs_strdup(own[i]);
        if (!taken(v, i, v[i]))
            continue;
        while (strcmp(v[first], own[i]) != 0)
            first++;
        if (refuse) {
            fs_diags_add(diags, files[i], 0, FS_ERROR,
                         "与 %s 同名，会占用同一个文件夹“%s”：请改名后再试", files[first], own[i]);
            *err = FS_E_INVALID;
            continue;
        }
        /* NAME-2, NAME-3 …: taken by no earlier dossier, and no other
         * dossier's own name. */
        for (int k = 2; taken(v, i, v[i]) || taken(own, n, v[i]); k++) {
            free(v[i]);
            v[i] = fs_printf("%s-%d", own[i], k);
        }
        fs_diags_add(diags, files[i], 0, FS_WARNING,
                     "与 %s 同名，为免两份档案的表格混在一个文件夹里，此档案的表格写入文件夹“%s”",
                     files[first], v[i]);
    }
    fs_names_free(own, n);
    return v;
}

/* Frees the N names V; see fivestar.h. */
void fs_names_free(char **v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        free(v[i]);
    free(v);
}

/* Is NAME a safe archive member name; see fivestar.h. */
int fs_names_member_ok(const char *name)
{
    size_t n = strlen(name);

    if (!n || name[0] == '/' || strchr(name, '\\') || name[n - 1] == '/')
        return 0;
    for (const unsigned char *p = (const unsigned char *)name; *p; p++)
        if (*p < 0x20 || *p == 0x7F || (*p == ':' && p == (const unsigned char *)name + 1))
            return 0;
    for (const char *p = name; *p;) {
        size_t k = strcspn(p, "/");
        if (k == 0 || (k == 2 && p[0] == '.' && p[1] == '.') || (k == 1 && p[0] == '.'))
            return 0;
        p += k;
        p += *p == '/';
    }
    return 1;
}
