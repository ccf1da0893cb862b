/*
 * sandbox_view.c - see sandbox_view.h.
 */
#include "sandbox_view.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "paths.h"

#define SHM_SIZE "64m" /* /dev/shm for multiprocessing's semaphores */

static int mkdirs(const char *path, mode_t mode)
{
    char buf[PATH_MAX];
    size_t len = strlen(path);

    if (len == 0 || len >= sizeof buf)
        return -1;
    memcpy(buf, path, len + 1);
    for (char *s = buf + 1; *s != '\0'; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        if (mkdir(buf, mode) != 0 && errno != EEXIST)
            return -1;
        *s = '/';
    }
    if (mkdir(buf, mode) != 0 && errno != EEXIST)
        return -1;
    return 0;
}

/* Mount flags of the mount holding `path`, so a read-only remount keeps the
 * flags a user namespace is not allowed to clear. */
static unsigned long locked_flags(const char *path)
{
    struct statvfs sv;
    unsigned long f = 0;

    if (statvfs(path, &sv) != 0)
        return 0;
    if (sv.f_flag & ST_NOSUID)
        f |= MS_NOSUID;
    if (sv.f_flag & ST_NODEV)
        f |= MS_NODEV;
    if (sv.f_flag & ST_NOEXEC)
        f |= MS_NOEXEC;
    if (sv.f_flag & ST_NOATIME)
        f |= MS_NOATIME;
    if (sv.f_flag & ST_NODIRATIME)
        f |= MS_NODIRATIME;
    if (sv.f_flag & ST_RELATIME)
        f |= MS_RELATIME;
    if (sv.f_flag & ST_RDONLY)
        f |= MS_RDONLY;
    return f;
}

/* Bind `src` at `root``src` (same path inside the view). */
static enum ph_rc bind_at(const char *root, const char *src, unsigned long extra, int rec,
                          struct ph_err *err)
{
    char dst[PATH_MAX];
    struct stat st;
    unsigned long flags;

    if (snprintf(dst, sizeof dst, "%s%s", root, src) >= (int)sizeof dst)
        return ph_errf(err, PH_EINTERNAL, "sandbox: path too long: %s", src);
    if (stat(src, &st) != 0)
        return ph_errf(err, PH_EINTERNAL, "sandbox: %s: %s", src, strerror(errno));
    if (S_ISDIR(st.st_mode)) {
        if (mkdirs(dst, 0755) != 0)
            return ph_errf(err, PH_EINTERNAL, "sandbox: mkdir %s: %s", dst, strerror(errno));
    } else {
        char parent[PATH_MAX];
        char *slash;
        int fd;

        memcpy(parent, dst, strlen(dst) + 1);
        slash = strrchr(parent, '/');
        if (slash != NULL && slash != parent) {
            *slash = '\0';
            if (mkdirs(parent, 0755) != 0)
                return ph_errf(err, PH_EINTERNAL, "sandbox: mkdir %s: %s", parent, strerror(errno));
        }
        /* Read-only: the target may be an executable in use (ETXTBSY). */
        fd = open(dst, O_RDONLY | O_CREAT | O_CLOEXEC, 0644);
        if (fd < 0 && errno != EEXIST)
            return ph_errf(err, PH_EINTERNAL, "sandbox: create %s: %s", dst, strerror(errno));
        if (fd >= 0)
            close(fd);
    }
    if (mount(src, dst, NULL, MS_BIND | (rec ? MS_REC : 0), NULL) != 0)
        return ph_errf(err, PH_EINTERNAL, "sandbox: bind %s: %s", src, strerror(errno));
    flags = MS_REMOUNT | MS_BIND | MS_NOSUID | MS_NODEV | locked_flags(src) | extra;
    if (mount(NULL, dst, NULL, flags, NULL) != 0)
        return ph_errf(err, PH_EINTERNAL, "sandbox: remount %s: %s", dst, strerror(errno));
    return PH_OK;
}

/* Cover `path` in the view if it is visible there: an empty read-only tmpfs
 * over a folder, /dev/null over a file. */
static enum ph_rc hide_at(const char *root, const char *path, struct ph_err *err)
{
    char dst[PATH_MAX];
    struct stat st;

    if (path == NULL || path[0] != '/')
        return PH_OK;
    if (snprintf(dst, sizeof dst, "%s%s", root, path) >= (int)sizeof dst)
        return PH_OK;
    if (lstat(dst, &st) != 0)
        return PH_OK; /* not in the view at all */
    if (S_ISDIR(st.st_mode)) {
        if (mount("tmpfs", dst, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
                  "size=4k,mode=0") != 0)
            return ph_errf(err, PH_EINTERNAL, "sandbox: hiding %s: %s", path, strerror(errno));
    } else if (S_ISREG(st.st_mode)) {
        if (mount("/dev/null", dst, NULL, MS_BIND, NULL) != 0)
            return ph_errf(err, PH_EINTERNAL, "sandbox: hiding %s: %s", path, strerror(errno));
    }
    return PH_OK;
}

/* The top-level links of a merged-/usr system (/bin -> usr/bin...); real
 * folders (a split /usr) are bound like /usr. */
static enum ph_rc link_toplevel(const char *root, const char *name, struct ph_err *err)
{
    char src[64], dst[PATH_MAX], target[PATH_MAX];
    struct stat st;
    ssize_t n;

    snprintf(src, sizeof src, "/%s", name);
    if (lstat(src, &st) != 0)
        return PH_OK;
    if (S_ISDIR(st.st_mode))
        return bind_at(root, src, MS_RDONLY, 1, err);
    if (!S_ISLNK(st.st_mode))
        return PH_OK;
    n = readlink(src, target, sizeof target - 1);
    if (n <= 0)
        return PH_OK;
    target[n] = '\0';
    snprintf(dst, sizeof dst, "%s/%s", root, name);
    if (symlink(target, dst) != 0 && errno != EEXIST)
        return ph_errf(err, PH_EINTERNAL, "sandbox: symlink %s: %s", dst, strerror(errno));
    return PH_OK;
}

/* /etc: only what the dynamic loader and the stdlib read; no configuration
 * of the harness, no credentials. */
static enum ph_rc populate_etc(const char *root, struct ph_err *err)
{
    static const char *const files[] = {
        "/etc/ld.so.cache",   "/etc/localtime",  "/etc/timezone",   "/etc/passwd", "/etc/group",
        "/etc/nsswitch.conf", "/etc/mime.types", "/etc/os-release", "/etc/hosts",
    };
    char dst[PATH_MAX];
    enum ph_rc rc;

    snprintf(dst, sizeof dst, "%s/etc", root);
    if (mkdir(dst, 0755) != 0 && errno != EEXIST)
        return ph_errf(err, PH_EINTERNAL, "sandbox: mkdir %s: %s", dst, strerror(errno));
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        struct stat st;

        if (lstat(files[i], &st) != 0)
            continue;
        if (S_ISLNK(st.st_mode)) {
            char target[PATH_MAX];
            ssize_t n = readlink(files[i], target, sizeof target - 1);

            if (n <= 0)
                continue;
            target[n] = '\0';
            snprintf(dst, sizeof dst, "%s%s", root, files[i]);
            (void)symlink(target, dst);
            continue;
        }
        if (!S_ISREG(st.st_mode))
            continue;
        rc = bind_at(root, files[i], MS_RDONLY, 0, err);
        if (rc != PH_OK)
            return rc;
    }
    return PH_OK;
}

static enum ph_rc populate_dev(const char *root, struct ph_err *err)
{
    static const char *const nodes[] = {"null", "zero", "full", "random", "urandom"};
    static const char *const links[][2] = {
        {"fd", "/proc/self/fd"},
        {"stdin", "/proc/self/fd/0"},
        {"stdout", "/proc/self/fd/1"},
        {"stderr", "/proc/self/fd/2"},
    };
    char dst[PATH_MAX], src[64];

    snprintf(dst, sizeof dst, "%s/dev", root);
    if (mkdir(dst, 0755) != 0 && errno != EEXIST)
        return ph_errf(err, PH_EINTERNAL, "sandbox: mkdir %s: %s", dst, strerror(errno));
    if (mount("tmpfs", dst, "tmpfs", MS_NOSUID | MS_NOEXEC, "size=64k,mode=0755") != 0)
        return ph_errf(err, PH_EINTERNAL, "sandbox: tmpfs on /dev: %s", strerror(errno));
    for (size_t i = 0; i < sizeof nodes / sizeof nodes[0]; i++) {
        int fd;

        snprintf(src, sizeof src, "/dev/%s", nodes[i]);
        snprintf(dst, sizeof dst, "%s/dev/%s", root, nodes[i]);
        fd = open(dst, O_WRONLY | O_CREAT | O_CLOEXEC, 0666);
        if (fd >= 0)
            close(fd);
        if (mount(src, dst, NULL, MS_BIND, NULL) != 0)
            return ph_errf(err, PH_EINTERNAL, "sandbox: bind %s: %s", src, strerror(errno));
    }
    for (size_t i = 0; i < sizeof links / sizeof links[0]; i++) {
        snprintf(dst, sizeof dst, "%s/dev/%s", root, links[i][0]);
        (void)symlink(links[i][1], dst);
    }
    snprintf(dst, sizeof dst, "%s/dev/shm", root);
    if (mkdir(dst, 01777) != 0 && errno != EEXIST)
        return ph_errf(err, PH_EINTERNAL, "sandbox: mkdir %s: %s", dst, strerror(errno));
    if (mount("tmpfs", dst, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
              "size=" SHM_SIZE ",mode=1777") != 0)
        return ph_errf(err, PH_EINTERNAL, "sandbox: tmpfs on /dev/shm: %s", strerror(errno));
    return PH_OK;
}

/*
 * The machine-wide knobs under /proc, read-only in the view, as container
 * runtimes make them.  A host running as root hands each run a check runner
 * that stays root (it writes into the worker's folder and reads its /proc);
 * a path it could be tricked into writing must not reach the kernel's
 * settings (red team 11 wrote the runner's own comm through a link; the same
 * link to /proc/sys/kernel/core_pattern would have changed the machine's).
 * An unprivileged user namespace may be refused the remount, and cannot
 * write them anyway: there the refusal is not an error.
 */
static enum ph_rc proc_knobs_read_only(const char *proc, struct ph_err *err)
{
    static const char *const knobs[] = {"sys", "sysrq-trigger", "irq", "bus", "fs"};
    const unsigned long ro = MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC;
    char path[PATH_MAX];

    for (size_t i = 0; i < sizeof knobs / sizeof knobs[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", proc, knobs[i]);
        if (access(path, F_OK) != 0)
            continue; /* not in this kernel */
        if (mount(path, path, NULL, MS_BIND | MS_REC, NULL) != 0 ||
            mount(NULL, path, NULL, ro, NULL) != 0) {
            if (errno == EPERM || errno == EACCES)
                continue; /* a namespace without the right to, nor to write them */
            return ph_errf(err, PH_EINTERNAL, "sandbox: %s read-only: %s", path, strerror(errno));
        }
    }
    return PH_OK;
}

static enum ph_rc mount_proc(const char *root, struct ph_err *err)
{
    static const char *const options[] = {"hidepid=invisible", "hidepid=2", NULL};
    char dst[PATH_MAX];

    snprintf(dst, sizeof dst, "%s/proc", root);
    if (mkdir(dst, 0555) != 0 && errno != EEXIST)
        return ph_errf(err, PH_EINTERNAL, "sandbox: mkdir %s: %s", dst, strerror(errno));
    for (size_t i = 0; i < sizeof options / sizeof options[0]; i++) {
        if (mount("proc", dst, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, options[i]) == 0)
            return proc_knobs_read_only(dst, err);
    }
    /* A user namespace may not mount the proc of a PID namespace it does not
     * own (no PID namespace here): show the host's, hidepid aside. */
    if (mount("/proc", dst, NULL, MS_BIND | MS_REC, NULL) == 0)
        return proc_knobs_read_only(dst, err);
    return ph_errf(err, PH_EINTERNAL, "sandbox: mounting /proc: %s", strerror(errno));
}

/* Folders holding programs: covered, so that nothing but the host binary can
 * be executed (the scratch folder and /dev/shm are noexec). */
static const char *const program_dirs[] = {
    "/usr/bin",   "/usr/sbin",        "/usr/local/bin", "/usr/local/sbin", "/usr/libexec",
    "/usr/games", "/usr/local/games", "/bin",           "/sbin",
};

enum ph_rc sbx_view_build(const struct sandbox_policy *p, struct ph_err *err)
{
    char root[PATH_MAX];
    char dst[PATH_MAX + 64];
    const char *exercises = paths_exercises_dir();
    enum ph_rc rc = PH_EINTERNAL;

    if (p->scratch_dir == NULL || p->scratch_dir[0] != '/')
        return ph_errf(err, PH_EINTERNAL, "sandbox: the scratch folder must be absolute");
    if (snprintf(root, sizeof root, "%s/.phroot", p->scratch_dir) >= (int)sizeof root)
        return ph_errf(err, PH_EINTERNAL, "sandbox: scratch path too long");
    if (mkdir(root, 0700) != 0 && errno != EEXIST)
        return ph_errf(err, PH_EINTERNAL, "sandbox: mkdir %s: %s", root, strerror(errno));
    if (mount("tmpfs", root, "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,mode=0755") != 0)
        return ph_errf(err, PH_EINTERNAL, "sandbox: tmpfs root: %s", strerror(errno));

    rc = bind_at(root, "/usr", MS_RDONLY, 1, err);
    if (rc != PH_OK)
        goto out;
    {
        static const char *const tops[] = {"bin", "sbin", "lib", "lib32", "lib64", "libx32"};

        for (size_t i = 0; i < sizeof tops / sizeof tops[0]; i++) {
            rc = link_toplevel(root, tops[i], err);
            if (rc != PH_OK)
                goto out;
        }
    }
    for (size_t i = 0; i < sizeof program_dirs / sizeof program_dirs[0]; i++) {
        struct stat st;

        snprintf(dst, sizeof dst, "%s%s", root, program_dirs[i]);
        if (lstat(dst, &st) != 0 || !S_ISDIR(st.st_mode))
            continue;
        if (mount("tmpfs", dst, "tmpfs", MS_NOSUID | MS_NODEV, "size=64k,mode=0755") != 0) {
            rc = ph_errf(err, PH_EINTERNAL, "sandbox: covering %s: %s", program_dirs[i],
                         strerror(errno));
            goto out;
        }
    }
    rc = populate_etc(root, err);
    if (rc == PH_OK)
        rc = populate_dev(root, err);
    if (rc == PH_OK)
        rc = mount_proc(root, err);
    if (rc == PH_OK && p->python_dir != NULL)
        rc = bind_at(root, p->python_dir, MS_RDONLY | MS_NOEXEC, 0, err);
    if (rc == PH_OK && p->host_exe != NULL)
        rc = bind_at(root, p->host_exe, MS_RDONLY, 0, err);
    for (size_t i = 0; rc == PH_OK && p->readable_paths != NULL && p->readable_paths[i]; i++)
        rc = bind_at(root, p->readable_paths[i], MS_RDONLY | MS_NOEXEC, 0, err);
    if (rc == PH_OK)
        rc = bind_at(root, p->scratch_dir, MS_NOEXEC, 0, err); /* not MS_REC: it holds the view */
    if (rc != PH_OK)
        goto out;
    /* The exercise bank (reference solutions, hidden checks) and whatever the
     * caller names are covered even where they lie inside a visible tree. */
    if (exercises != NULL && exercises[0] == '/') {
        rc = hide_at(root, exercises, err);
        if (rc != PH_OK)
            goto out;
    }
    /* Every bank on the search path, not only the first. */
    for (size_t i = 0; i < paths_bank_count(); i++) {
        const char *bank = paths_bank(i);

        if (bank == NULL || bank[0] != '/' || (exercises != NULL && strcmp(bank, exercises) == 0))
            continue;
        rc = hide_at(root, bank, err);
        if (rc != PH_OK)
            goto out;
    }
    for (size_t i = 0; p->hidden_paths != NULL && p->hidden_paths[i] != NULL; i++) {
        rc = hide_at(root, p->hidden_paths[i], err);
        if (rc != PH_OK)
            goto out;
    }
    for (size_t i = 0; i < sizeof program_dirs / sizeof program_dirs[0]; i++) {
        struct stat st;

        snprintf(dst, sizeof dst, "%s%s", root, program_dirs[i]);
        if (lstat(dst, &st) == 0 && S_ISDIR(st.st_mode))
            (void)mount(NULL, dst, NULL, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV, NULL);
    }
    snprintf(dst, sizeof dst, "%s/dev", root);
    (void)mount(NULL, dst, NULL, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NOEXEC, NULL);

    if (chdir(root) != 0 || syscall(SYS_pivot_root, ".", ".") != 0 ||
        umount2(".", MNT_DETACH) != 0 || chdir("/") != 0) {
        rc = ph_errf(err, PH_EINTERNAL, "sandbox: pivot_root: %s", strerror(errno));
        goto out;
    }
    if (mount(NULL, "/", NULL, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV, NULL) != 0) {
        rc = ph_errf(err, PH_EINTERNAL, "sandbox: read-only root: %s", strerror(errno));
        goto out;
    }
    if (chdir(p->scratch_dir) != 0) {
        rc = ph_errf(err, PH_EINTERNAL, "sandbox: chdir %s: %s", p->scratch_dir, strerror(errno));
        goto out;
    }
    /* The empty folder the view was built on, now just a folder in scratch. */
    (void)rmdir(".phroot");
    rc = PH_OK;
out:
    return rc;
}
