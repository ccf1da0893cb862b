/*
 * paths.c - see paths.h.
 *
 * The binary must work from the build tree with no environment set, and after
 * `cmake --install` from <prefix>/bin with data under <prefix>/share/pyharness.
 * We look beside /proc/self/exe first, so an installed copy never picks up a
 * source tree that happens to exist on the build machine.
 */
#include "paths.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"

static char exe[PATH_MAX];
static char python_dir[PATH_MAX];
static char builtin_dir[PATH_MAX];
static char reports_dir[PATH_MAX];

struct bank {
    char dir[PATH_MAX];
    const char *origin;
};
/* Added banks in search order, the built-in one not among them. */
static struct bank banks[PATHS_BANKS_MAX];
static size_t nbanks;
static const char *bank_origin = "--exercises";

static int is_dir(const char *p)
{
    struct stat st;

    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The data root: $PYHARNESS_HOME, <exe>/../share/pyharness, the source tree. */
static enum ph_rc find_root(char *root, size_t cap, struct ph_err *err)
{
    const char *env = getenv("PYHARNESS_HOME");
    char probe[PATH_MAX + 32];
    char dir[PATH_MAX];
    char *slash;

    if (env != NULL && env[0] != '\0') {
        snprintf(probe, sizeof probe, "%s/python", env);
        if (!is_dir(probe))
            return ph_errf(err, PH_EINPUT, "PYHARNESS_HOME=%s has no python/ folder", env);
        snprintf(root, cap, "%s", env);
        return PH_OK;
    }
    snprintf(dir, sizeof dir, "%s", exe);
    slash = strrchr(dir, '/');
    if (slash != NULL) {
        *slash = '\0';
        snprintf(probe, sizeof probe, "%s/../share/pyharness/python", dir);
        if (is_dir(probe)) {
            snprintf(root, cap, "%s/../share/pyharness", dir);
            return PH_OK;
        }
    }
    snprintf(probe, sizeof probe, "%s/python", PH_SOURCE_DIR);
    if (is_dir(probe)) {
        snprintf(root, cap, "%s", PH_SOURCE_DIR);
        return PH_OK;
    }
    snprintf(probe, sizeof probe, "%s/python", PH_INSTALL_DATADIR);
    if (is_dir(probe)) {
        snprintf(root, cap, "%s", PH_INSTALL_DATADIR);
        return PH_OK;
    }
    return ph_errf(err, PH_EINTERNAL,
                   "cannot find pyharness's data (python/, exercises/): looked beside %s, in %s "
                   "and %s; set PYHARNESS_HOME",
                   exe, PH_SOURCE_DIR, PH_INSTALL_DATADIR);
}

enum ph_rc paths_init(struct ph_err *err)
{
    char root[PATH_MAX];
    char real[PATH_MAX];
    const char *env;
    ssize_t n;
    enum ph_rc rc;

    n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return ph_errf(err, PH_EINTERNAL, "cannot read /proc/self/exe");
    exe[n] = '\0';
    rc = find_root(root, sizeof root, err);
    if (rc != PH_OK)
        return rc;
    if (realpath(root, real) == NULL)
        return ph_errf(err, PH_EINTERNAL, "cannot resolve %s", root);
    if ((size_t)snprintf(python_dir, sizeof python_dir, "%s/python", real) >= sizeof python_dir ||
        (size_t)snprintf(builtin_dir, sizeof builtin_dir, "%s/exercises", real) >=
            sizeof builtin_dir ||
        (size_t)snprintf(reports_dir, sizeof reports_dir, "%s/reports", real) >= sizeof reports_dir)
        return ph_errf(err, PH_EINTERNAL, "data path too long: %s", real);
    nbanks = 0;
    env = getenv("PYHARNESS_EXERCISES");
    if (env != NULL && env[0] != '\0') {
        const char *p = env, *colon;
        char one[PATH_MAX];

        bank_origin = "PYHARNESS_EXERCISES";
        for (; *p != '\0'; p = colon ? colon + 1 : p + strlen(p)) {
            size_t len;

            colon = strchr(p, ':');
            len = colon ? (size_t)(colon - p) : strlen(p);
            if (len == 0)
                continue;
            if (len >= sizeof one)
                return ph_errf(err, PH_EINPUT, "PYHARNESS_EXERCISES: a path is too long");
            memcpy(one, p, len);
            one[len] = '\0';
            rc = paths_set_exercises(one, err);
            if (rc != PH_OK)
                return ph_errf(err, rc, "PYHARNESS_EXERCISES: %s", err->msg);
        }
        bank_origin = "--exercises";
    }
    return PH_OK;
}

enum ph_rc paths_set_exercises(const char *dir, struct ph_err *err)
{
    char real[PATH_MAX];
    size_t i;

    if (!is_dir(dir))
        return ph_errf(err, PH_EINPUT, "%s: not a folder of exercises (--exercises DIR)", dir);
    if (realpath(dir, real) == NULL)
        return ph_errf(err, PH_EINPUT, "%s: cannot resolve the path", dir);
    /* The command line replaces the environment's banks, as it always did. */
    if (strcmp(bank_origin, "--exercises") == 0 && nbanks > 0 &&
        strcmp(banks[0].origin, "PYHARNESS_EXERCISES") == 0)
        nbanks = 0;
    if (strcmp(real, builtin_dir) == 0)
        return PH_OK; /* already searched, last */
    for (i = 0; i < nbanks; i++)
        if (strcmp(banks[i].dir, real) == 0)
            return PH_OK;
    if (nbanks == PATHS_BANKS_MAX)
        return ph_errf(err, PH_EINPUT, "%s: at most %d exercise banks", dir, PATHS_BANKS_MAX);
    memcpy(banks[nbanks].dir, real, strlen(real) + 1);
    banks[nbanks].origin = bank_origin;
    nbanks++;
    return PH_OK;
}

size_t paths_bank_count(void)
{
    return nbanks + 1;
}

const char *paths_bank(size_t i)
{
    return i < nbanks ? banks[i].dir : builtin_dir;
}

const char *paths_bank_origin(size_t i)
{
    return i < nbanks ? banks[i].origin : "built-in";
}

long paths_find_exercise(const char *id)
{
    char probe[PATH_MAX + 300];
    size_t i;

    if (id == NULL || id[0] == '\0' || strchr(id, '/') != NULL || id[0] == '.')
        return -1;
    for (i = 0; i < paths_bank_count(); i++) {
        if ((size_t)snprintf(probe, sizeof probe, "%s/%s/exercise.json", paths_bank(i), id) >=
            sizeof probe)
            continue;
        if (access(probe, F_OK) == 0)
            return (long)i;
    }
    return -1;
}

const char *paths_exe(void)
{
    return exe;
}

const char *paths_python_dir(void)
{
    return python_dir;
}

const char *paths_reports_dir(void)
{
    return reports_dir;
}

enum ph_rc paths_read_report(const char *name, char **text, struct ph_err *err)
{
    char path[PATH_MAX + 64];
    size_t len;

    snprintf(path, sizeof path, "%s/%s", reports_dir, name);
    if (fileio_read(path, PATHS_REPORT_FILE_MAX, text, &len, err) != PH_OK)
        return ph_errf(err, PH_EINPUT, "%s: cannot read the report template (%s)", path, err->msg);
    return PH_OK;
}

const char *paths_exercises_dir(void)
{
    return paths_bank(0);
}
