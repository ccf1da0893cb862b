/*
 * sandbox_cgroup.c - see sandbox_cgroup.h.
 */
#include "sandbox_cgroup.h"

#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "measure_proc.h"
#include "sandbox.h"

#define V1_MOUNT "/sys/fs/cgroup/cpuacct"
#define V2_MOUNTS                                                                                  \
    {                                                                                              \
        "/sys/fs/cgroup/unified", "/sys/fs/cgroup"                                                 \
    }
#define OWN_PREFIX "pyharness-"

/* The host's folder (sbx_cgroup_host_open); in the host and the processes
 * it forks.  dir -1: none. */
static struct {
    enum sbx_cgroup_kind kind;
    int dir;           /* the host's folder, O_DIRECTORY */
    int parent;        /* the folder that holds it (our own cgroup) */
    char name[48];     /* its name in `parent` */
    unsigned next_seq; /* run-N numbers */
} cg = {SBX_CGROUP_NONE, -1, -1, "", 1};

/* A run's parked child: the descriptors it kept (dups at or above
 * SANDBOX_PARKED_FD_MIN, where the worker's set-up leaves them), and what
 * the procs descriptor is, so that a number reused by another file is never
 * written to. */
static struct {
    int run_procs, work_procs, work_usage;
    dev_t work_dev;
    ino_t work_ino;
} child = {-1, -1, -1, 0, 0};

static const char *usage_file(enum sbx_cgroup_kind kind)
{
    return kind == SBX_CGROUP_V1 ? "cpuacct.usage" : "cpu.stat";
}

static void close_fd(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

/* Our own cgroup's path in the hierarchy `kind` from /proc/self/cgroup
 * ("/" when unknown).  0, or -1 when the hierarchy is not ours. */
static int own_path(enum sbx_cgroup_kind kind, char *out, size_t cap)
{
    char buf[4096];
    long n = fileio_read_small("/proc/self/cgroup", buf, sizeof buf);
    char *line, *save = NULL;

    snprintf(out, cap, "/");
    if (n <= 0)
        return 0;
    for (line = strtok_r(buf, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
        char *ctl = strchr(line, ':'), *path;

        if (ctl == NULL || (path = strchr(ctl + 1, ':')) == NULL)
            continue;
        *path++ = '\0';
        ctl++;
        if (kind == SBX_CGROUP_V2 && strcmp(line, "0") == 0 && ctl[0] == '\0') {
            snprintf(out, cap, "%s", path);
            return 0;
        }
        if (kind == SBX_CGROUP_V1) {
            char *tok, *s2 = NULL;

            for (tok = strtok_r(ctl, ",", &s2); tok != NULL; tok = strtok_r(NULL, ",", &s2)) {
                if (strcmp(tok, "cpuacct") == 0) {
                    snprintf(out, cap, "%s", path);
                    return 0;
                }
            }
        }
    }
    return 0;
}

/* Whether `mnt` is a mounted hierarchy of `kind`: v1 shows cpuacct.usage,
 * v2 cgroup.controllers and cpu.stat. */
static int is_hierarchy(const char *mnt, enum sbx_cgroup_kind kind)
{
    char path[256];

    snprintf(path, sizeof path, "%s/%s", mnt,
             kind == SBX_CGROUP_V1 ? "cpuacct.usage" : "cgroup.controllers");
    return access(path, F_OK) == 0;
}

/* Open our own cgroup's folder in the first hierarchy that counts CPU.
 * The descriptor, or -1 (*kind NONE). */
static int open_own(enum sbx_cgroup_kind *kind)
{
    static const char *const v2[] = V2_MOUNTS;
    char own[1024], path[1400];

    *kind = SBX_CGROUP_NONE;
    if (is_hierarchy(V1_MOUNT, SBX_CGROUP_V1)) {
        own_path(SBX_CGROUP_V1, own, sizeof own);
        snprintf(path, sizeof path, "%s%s", V1_MOUNT, own);
        *kind = SBX_CGROUP_V1;
    } else {
        for (size_t i = 0; i < sizeof v2 / sizeof v2[0]; i++) {
            if (is_hierarchy(v2[i], SBX_CGROUP_V2)) {
                own_path(SBX_CGROUP_V2, own, sizeof own);
                snprintf(path, sizeof path, "%s%s", v2[i], own);
                *kind = SBX_CGROUP_V2;
                break;
            }
        }
    }
    if (*kind == SBX_CGROUP_NONE)
        return -1;
    {
        int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

        if (fd < 0)
            *kind = SBX_CGROUP_NONE;
        return fd;
    }
}

/* rmdir a cgroup, retrying while the kernel still holds tasks that were
 * reaped a moment ago (EBUSY for a few milliseconds at most). */
static int remove_cgroup(int dir, const char *name)
{
    for (int i = 0; i < 200; i++) {
        if (unlinkat(dir, name, AT_REMOVEDIR) == 0 || errno == ENOENT)
            return 0;
        if (errno != EBUSY)
            return -1;
        usleep(1000);
    }
    return -1;
}

/* A stream over the folder `dir` opens, from its first entry, on a copy of
 * the descriptor (the caller's stays open; closedir() closes the copy; the
 * two share one offset, hence the rewind), or NULL. */
static DIR *dir_stream(int dir)
{
    int copy = fcntl(dir, F_DUPFD_CLOEXEC, 0);
    DIR *d = copy >= 0 ? fdopendir(copy) : NULL;

    if (d == NULL && copy >= 0)
        close(copy);
    if (d != NULL)
        rewinddir(d);
    return d;
}

/* Remove run-N/w and run-N for every run-N in `dir` (an open folder; the
 * descriptor stays ours). */
static void remove_runs(int dir)
{
    DIR *d = dir_stream(dir);
    struct dirent *e;

    if (d == NULL)
        return;
    for (e = readdir(d); e != NULL; e = readdir(d)) {
        int rd;

        if (strncmp(e->d_name, "run-", 4) != 0)
            continue;
        rd = openat(dir, e->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (rd >= 0) {
            (void)remove_cgroup(rd, "w");
            close(rd);
        }
        (void)remove_cgroup(dir, e->d_name);
    }
    closedir(d);
}

static void remove_host_folder(int parent, const char *name);

/* Remove the folders of hosts that died without removing their own. */
static void sweep_dead(int parent)
{
    DIR *d = dir_stream(parent);
    struct dirent *e;

    if (d == NULL)
        return;
    for (e = readdir(d); e != NULL; e = readdir(d)) {
        char *end;
        long pid;

        if (strncmp(e->d_name, OWN_PREFIX, strlen(OWN_PREFIX)) != 0)
            continue;
        pid = strtol(e->d_name + strlen(OWN_PREFIX), &end, 10);
        if (pid <= 0 || *end != '\0' || kill((pid_t)pid, 0) == 0 || errno != ESRCH)
            continue;
        remove_host_folder(parent, e->d_name);
    }
    closedir(d);
}

enum sbx_cgroup_kind sbx_cgroup_probe(char *why, size_t whylen)
{
    enum sbx_cgroup_kind kind;
    int own = open_own(&kind), fd = -1;
    char name[64];
    unsigned long long r = 0;

    if (own < 0) {
        if (why != NULL)
            snprintf(why, whylen,
                     "no cgroup hierarchy that counts CPU (v1 cpuacct or v2) is "
                     "mounted under /sys/fs/cgroup");
        return SBX_CGROUP_NONE;
    }
    (void)getrandom(&r, sizeof r, GRND_NONBLOCK);
    snprintf(name, sizeof name, "pyharness-probe-%llx", r);
    if (mkdirat(own, name, 0755) != 0) {
        if (why != NULL)
            snprintf(why, whylen, "cannot make a cgroup under %s: %s",
                     kind == SBX_CGROUP_V1 ? V1_MOUNT : "the cgroup v2 hierarchy", strerror(errno));
        close(own);
        return SBX_CGROUP_NONE;
    }
    {
        char path[128];

        snprintf(path, sizeof path, "%s/%s", name, usage_file(kind));
        fd = openat(own, path, O_RDONLY | O_CLOEXEC);
    }
    if (fd < 0 || sbx_cgroup_usage_ns(fd) < 0) {
        if (why != NULL)
            snprintf(why, whylen, "a new cgroup has no readable %s", usage_file(kind));
        kind = SBX_CGROUP_NONE;
    }
    if (fd >= 0)
        close(fd);
    (void)remove_cgroup(own, name);
    close(own);
    return kind;
}

void sbx_cgroup_sweep(void)
{
    enum sbx_cgroup_kind kind;
    int parent = open_own(&kind);

    if (parent < 0)
        return;
    sweep_dead(parent);
    close(parent);
}

/* Remove the host folder `name` of `parent` and every run cgroup in it. */
static void remove_host_folder(int parent, const char *name)
{
    int hd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

    if (hd >= 0) {
        remove_runs(hd);
        close(hd);
    }
    (void)remove_cgroup(parent, name);
}

void sbx_cgroup_owner_remove(pid_t owner)
{
    enum sbx_cgroup_kind kind;
    int parent = open_own(&kind);
    char name[48];

    if (parent < 0)
        return;
    snprintf(name, sizeof name, OWN_PREFIX "%ld", (long)owner);
    remove_host_folder(parent, name);
    close(parent);
}

enum ph_rc sbx_cgroup_host_open(pid_t owner, struct ph_err *err)
{
    enum sbx_cgroup_kind kind;
    int parent, dir;
    char name[48];

    assert(cg.dir < 0);
    parent = open_own(&kind);
    if (parent < 0)
        return ph_errf(err, PH_EINTERNAL, "cgroup: no hierarchy that counts CPU");
    snprintf(name, sizeof name, OWN_PREFIX "%ld", (long)owner);
    /* The owner is alive (it is us, or our relay): a folder of that name is
     * an earlier owner's of the same PID that died without removing it. */
    remove_host_folder(parent, name);
    if (mkdirat(parent, name, 0755) != 0) {
        int e = errno;

        close(parent);
        return ph_errf(err, PH_EINTERNAL, "cgroup: making %s: %s", name, strerror(e));
    }
    dir = openat(parent, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0) {
        int e = errno;

        (void)remove_cgroup(parent, name);
        close(parent);
        return ph_errf(err, PH_EINTERNAL, "cgroup: opening %s: %s", name, strerror(e));
    }
    cg.kind = kind;
    cg.parent = parent;
    cg.dir = dir;
    snprintf(cg.name, sizeof cg.name, "%s", name);
    return PH_OK;
}

int sbx_cgroup_active(void)
{
    return cg.dir >= 0;
}

void sbx_cgroup_host_close(void)
{
    if (cg.dir < 0)
        return;
    remove_runs(cg.dir);
    close_fd(&cg.dir);
    (void)remove_cgroup(cg.parent, cg.name);
    close_fd(&cg.parent);
    cg.kind = SBX_CGROUP_NONE;
}

static void run_clear(struct sbx_cgroup_run *r)
{
    r->seq = 0;
    r->run_procs = r->work_procs = r->run_usage = r->work_usage = -1;
}

int sbx_cgroup_run_make(struct sbx_cgroup_run *r)
{
    char run[32], path[64];
    int rd = -1;

    run_clear(r);
    if (cg.dir < 0)
        return -1;
    r->seq = cg.next_seq++;
    snprintf(run, sizeof run, "run-%u", r->seq);
    if (mkdirat(cg.dir, run, 0755) != 0) {
        r->seq = 0;
        return -1;
    }
    rd = openat(cg.dir, run, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (rd < 0 || mkdirat(rd, "w", 0755) != 0)
        goto fail;
    r->run_procs = openat(rd, "cgroup.procs", O_WRONLY | O_CLOEXEC);
    r->run_usage = openat(rd, usage_file(cg.kind), O_RDONLY | O_CLOEXEC);
    snprintf(path, sizeof path, "w/%s", usage_file(cg.kind));
    r->work_usage = openat(rd, path, O_RDONLY | O_CLOEXEC);
    r->work_procs = openat(rd, "w/cgroup.procs", O_WRONLY | O_CLOEXEC);
    if (r->run_procs < 0 || r->run_usage < 0 || r->work_usage < 0 || r->work_procs < 0)
        goto fail;
    close(rd);
    return 0;
fail:
    if (rd >= 0)
        close(rd);
    sbx_cgroup_run_remove(r);
    return -1;
}

void sbx_cgroup_run_remove(struct sbx_cgroup_run *r)
{
    char run[32];
    int rd;

    close_fd(&r->run_procs);
    close_fd(&r->work_procs);
    close_fd(&r->run_usage);
    close_fd(&r->work_usage);
    if (r->seq == 0 || cg.dir < 0) {
        run_clear(r);
        return;
    }
    snprintf(run, sizeof run, "run-%u", r->seq);
    rd = openat(cg.dir, run, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (rd >= 0) {
        (void)remove_cgroup(rd, "w");
        close(rd);
    }
    (void)remove_cgroup(cg.dir, run);
    run_clear(r);
}

int64_t sbx_cgroup_usage_ns(int fd)
{
    return measure_cgroup_usage_ns(fd);
}

/* Write "0" (this process) to a cgroup.procs descriptor. */
static int enter(int procs)
{
    ssize_t n;

    do
        n = write(procs, "0", 1);
    while (n < 0 && errno == EINTR);
    return n == 1 ? 0 : -1;
}

/* `fd` moved to the parked range (close-on-exec), the old number closed. */
static int keep_high(int fd)
{
    int hi;

    if (fd < 0)
        return -1;
    hi = fcntl(fd, F_DUPFD_CLOEXEC, SANDBOX_PARKED_FD_MIN);
    close(fd);
    return hi;
}

int sbx_cgroup_child_begin(struct sbx_cgroup_run *r)
{
    struct stat st;

    close_fd(&r->run_usage); /* the host's alone */
    child.run_procs = keep_high(r->run_procs);
    child.work_procs = keep_high(r->work_procs);
    child.work_usage = keep_high(r->work_usage);
    run_clear(r);
    /* The host's folder is the host's: nothing below needs it. */
    close_fd(&cg.dir);
    close_fd(&cg.parent);
    if (child.run_procs < 0 || child.work_procs < 0 || child.work_usage < 0 ||
        fstat(child.work_procs, &st) != 0 || enter(child.work_procs) != 0) {
        close_fd(&child.run_procs);
        close_fd(&child.work_procs);
        close_fd(&child.work_usage);
        return -1;
    }
    child.work_dev = st.st_dev;
    child.work_ino = st.st_ino;
    return 0;
}

void sbx_cgroup_child_parked(void)
{
    if (child.run_procs < 0)
        return;
    /* What the parked hook forked (a check runner's worker) stays in
     * run-N/w; this process goes up to run-N, out of the spans' figure. */
    if (enter(child.run_procs) != 0) {
        close_fd(&child.work_usage);
        return;
    }
    measure_set_run_cgroup(child.work_usage);
}

int sbx_cgroup_worker_enter(void)
{
    struct stat st;
    int rc = 0;

    /* In a worker forked by a check runner, its set-up closed them all
     * (the numbers may name other files by now): it was born in run-N/w. */
    if (child.work_procs >= 0 && fstat(child.work_procs, &st) == 0 && st.st_dev == child.work_dev &&
        st.st_ino == child.work_ino) {
        rc = enter(child.work_procs);
        close_fd(&child.work_procs);
        close_fd(&child.run_procs);
    }
    child.work_procs = child.run_procs = -1;
    return rc;
}
