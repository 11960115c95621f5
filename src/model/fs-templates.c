/*
 * fs-templates.c - where the templates are: the templates folder
 * ($FIVESTAR_TEMPLATES, else the one that comes with the program), paths
 * under it, and the check that keeps a rubric id (data) from naming a
 * file outside it.  Declared in fs-model.h.
 */
#define _GNU_SOURCE
#include "fs-model.h"

#include <dirent.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef FS_DATADIR
#define FS_DATADIR "/usr/local/share/fivestar"
#endif

/* ------------------------------------------------------------------------
 * The templates folder.  Process-wide, set once at start-up.
 * ---------------------------------------------------------------------- */

static char *templates_dir;

static int is_dir(const char *p)
{
    struct stat sb;
    return stat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
}

static char *builtin_dir;

/* The templates folder that comes with the program: templates/ beside the
 * executable or one folder up (the build tree), or
 * ../share/fivestar/templates (an installed tree); else FS_DATADIR.
 * Malloc'd. */
static char *find_builtin(const char *argv0)
{
    char exe[PATH_MAX];
    ssize_t n;

    n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0 && argv0 && realpath(argv0, exe))
        n = (ssize_t)strlen(exe);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            static const char *const rel[] = {
                "templates", "../templates", "../share/fivestar/templates",
            };
            *slash = '\0';
            for (size_t i = 0; i < sizeof rel / sizeof *rel; i++) {
                char *p = fs_printf("%s/%s", exe, rel[i]);
                if (is_dir(p))
                    return p;
                free(p);
            }
        }
    }
    return fs_strdup(FS_DATADIR "/templates");
}

/* Finds the templates folder: $FIVESTAR_TEMPLATES, else the one that
 * comes with the program (find_builtin). */
void fs_templates_init(const char *argv0)
{
    const char *env = getenv("FIVESTAR_TEMPLATES");

    free(templates_dir);
    free(builtin_dir);
    builtin_dir = find_builtin(argv0);
    templates_dir = fs_strdup(env && *env ? env : builtin_dir);
}

/* The templates folder that comes with the program, whatever
 * $FIVESTAR_TEMPLATES says (the fonts are found beside it). */
const char *fs_templates_builtin_dir(void)
{
    if (!builtin_dir)
        fs_templates_init(NULL);
    return builtin_dir;
}

/* The templates folder in use: $FIVESTAR_TEMPLATES, else the builtin one
 * (fs_templates_init runs on first use when nobody called it). */
const char *fs_templates_dir(void)
{
    if (!templates_dir)
        fs_templates_init(NULL);
    return templates_dir;
}

/* "DIR/NAME" under the templates folder in use; malloc'd. */
char *fs_templates_path(const char *name)
{
    return fs_printf("%s/%s", fs_templates_dir(), name);
}

/* Rubric ids are compared with the names found in templates/rubrics, never
 * pasted into a path, so a dossier cannot name a file of its choosing.
 * Returns the path of the rubric file whose name is ID.xml, or NULL. */
char *fs_rubric_path(const char *id)
{
    char *dir = fs_templates_path("rubrics");
    DIR *d = opendir(dir);
    char *found = NULL;
    struct dirent *e;
    size_t n = strlen(id);

    while (d && (e = readdir(d)) != NULL) {
        if (strlen(e->d_name) == n + 4 && strncmp(e->d_name, id, n) == 0 &&
            strcmp(e->d_name + n, ".xml") == 0 && fs_rubric_id_ok(id)) {
            found = fs_printf("%s/%s", dir, e->d_name);
            break;
        }
    }
    if (d)
        closedir(d);
    free(dir);
    return found;
}

/* Is ID a safe rubric id: 1..64 letters, digits, '-', '_' or '.', and no
 * ".."?  Ids are data and pass this check before they are part of any
 * path. */
int fs_rubric_id_ok(const char *id)
{
    if (!id || !*id || strlen(id) > 64 || strstr(id, ".."))
        return 0;
    for (const char *p = id; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
              (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p == '.'))
            return 0;
    return 1;
}
