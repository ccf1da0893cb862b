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

static char exe[PATH_MAX];
static char python_dir[PATH_MAX];
static char exercises_dir[PATH_MAX];
static char reports_dir[PATH_MAX];

static int is_dir(const char *p)
{
    struct stat st;

    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static int copy_path(char *dst, const char *src, struct ph_err *err)
{
    if (strlen(src) >= PATH_MAX)
        return ph_errf(err, PH_EINPUT, "path too long: %.64s...", src);
    memcpy(dst, src, strlen(src) + 1);
    return PH_OK;
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
        (size_t)snprintf(exercises_dir, sizeof exercises_dir, "%s/exercises", real) >=
            sizeof exercises_dir ||
        (size_t)snprintf(reports_dir, sizeof reports_dir, "%s/reports", real) >= sizeof reports_dir)
        return ph_errf(err, PH_EINTERNAL, "data path too long: %s", real);
    env = getenv("PYHARNESS_EXERCISES");
    if (env != NULL && env[0] != '\0')
        return paths_set_exercises(env, err);
    return PH_OK;
}

enum ph_rc paths_set_exercises(const char *dir, struct ph_err *err)
{
    char real[PATH_MAX];

    if (!is_dir(dir))
        return ph_errf(err, PH_EINPUT, "%s: not a folder of exercises", dir);
    if (realpath(dir, real) == NULL)
        return ph_errf(err, PH_EINPUT, "%s: cannot resolve the path", dir);
    return copy_path(exercises_dir, real, err);
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

const char *paths_exercises_dir(void)
{
    return exercises_dir;
}
