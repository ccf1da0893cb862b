/*
 * sandbox.c - see sandbox.h.
 *
 * Process layout where PID namespaces work (the normal case):
 *
 *   supervisor -> relay (host PID namespace, C only, one per host)
 *                   -> host (PID 1 of a fresh PID namespace; network, IPC and
 *                      mount namespaces of its own; the mount view)
 *                        -> worker (one per run: sandbox_hooks.body runs here)
 *
 * The relay exists because the process that unshares a PID namespace stays
 * outside it; it only waits for the host.  The host never runs candidate
 * code: it keeps the next run's worker forked and parked (so the fork and
 * the interpreter's after-fork work overlap the supervisor's handling of the
 * last result, never a measured run), hands it the job, acts on ABORT, and
 * when the worker has ended kills every other process of the namespace
 * (kill(-1) from PID 1, or a /proc walk under its own filter), reaps them,
 * empties /dev/shm, and only then sends END with the worker's wait status
 * and the CPU of everything the run forked (RUSAGE_CHILDREN).  The host is
 * non-dumpable and runs as root of its namespaces; each worker drops to the
 * run's own uid, so a run cannot reach its host, and PID 1 ignores the
 * signals a process of its namespace may send it.  When the supervisor dies,
 * PR_SET_PDEATHSIG takes down the relay, the host and with it the
 * namespace: no daemon outlives its run or its supervisor.
 *
 * Where a PID namespace is refused the host is the supervisor's child, a
 * subreaper, and ends a run by killing the worker's session, every
 * descendant (when the host has a child left to look under), and (as root)
 * every process of the run's uid.
 *
 * A parked worker unshares its own IPC namespace and sets the run's rlimits
 * (worked out once by the host) before its job arrives.  sandbox_enter()
 * then applies, in the worker: the drop to the run's identity, no_new_privs
 * and a seccomp filter (which a host with its own PID namespace and /proc
 * attaches to itself once, before its first worker, so that workers inherit
 * it instead of attaching it each run).  The mount view (only /usr, a few
 * /etc files, device nodes, a fresh /proc, the runtime package, the host
 * binary and the scratch root; bin folders and the exercise bank covered) is
 * built once, by the host.
 */
#include "sandbox.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <limits.h>
#include <linux/capability.h>
#include <poll.h>
#include <sched.h>
#include <seccomp.h>
#include <linux/seccomp.h>
#include <linux/filter.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fileio.h"
#include "paths.h"

/* Identities of runs when the supervisor is root: one uid per live run
 * (see sandbox_run_new), far above any real account, so RLIMIT_NPROC counts
 * only that run, kill(-1) as that uid reaches only it, and what one run
 * leaves behind is not the next run's to read. */
#define UID_BASE 1600000000u

/* Defaults when the policy leaves a limit at 0. */
#define DEFAULT_CPU_S 10
#define DEFAULT_MEMORY (1024ul * 1024 * 1024)
#define DEFAULT_FSIZE (64ul * 1024 * 1024)
#define DEFAULT_NPROC 64u
#define CPU_HARD_MARGIN_S 2 /* SIGXCPU first, SIGKILL this much later */
#define NOFILE_LIMIT 256    /* multiprocessing needs a few dozen */
#define STACK_LIMIT (64ul * 1024 * 1024)
#define SHM_SIZE "64m"      /* /dev/shm for multiprocessing's semaphores */
#define TERM_WAIT_MS 1000   /* how long a host may take to end a run it was asked to end */
#define KILL_WAIT_MS 5000   /* how long we wait for a killed host's namespace to empty */
#define HOST_START_MS 30000 /* how long a host may take to build its namespaces and view */

/* Exit status of a process of ours whose setup failed before candidate code. */
#define RELAY_SETUP_FAILED 125

static struct sandbox_caps caps;
static int caps_ready;

/* Set in the worker when setting up its run failed after the fork:
 * sandbox_enter reports it, so the run fails closed before candidate code. */
static char child_setup_error[256];
/* Set in a parked worker once its rlimits are in place. */
static int limits_applied;

static int sys_pidfd_open(pid_t pid)
{
#ifdef SYS_pidfd_open
    return (int)syscall(SYS_pidfd_open, pid, 0);
#else
    (void)pid;
    errno = ENOSYS;
    return -1;
#endif
}

static int sys_pidfd_send_signal(int pidfd, int sig)
{
#ifdef SYS_pidfd_send_signal
    return (int)syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0);
#else
    (void)pidfd;
    (void)sig;
    errno = ENOSYS;
    return -1;
#endif
}

static int disabled_by_env(const char *layer)
{
    const char *list = getenv("PYHARNESS_SANDBOX_DISABLE");
    size_t n = strlen(layer);
    const char *s;

    if (list == NULL)
        return 0;
    for (s = list; *s != '\0';) {
        const char *end = strchr(s, ',');
        size_t len = end != NULL ? (size_t)(end - s) : strlen(s);

        if (len == n && strncmp(s, layer, n) == 0)
            return 1;
        if (end == NULL)
            break;
        s = end + 1;
    }
    return 0;
}

static void note(const char *layer, const char *why)
{
    size_t used = strlen(caps.notes);

    if (used + 2 >= sizeof caps.notes)
        return;
    snprintf(caps.notes + used, sizeof caps.notes - used, "%s: %s; ", layer, why);
}

static int write_file(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    size_t len = strlen(text);
    ssize_t n;

    if (fd < 0)
        return -1;
    n = write(fd, text, len);
    close(fd);
    return n == (ssize_t)len ? 0 : -1;
}

/* In a process that has just unshared CLONE_NEWUSER: map our uid/gid to 0. */
static int map_ids(uid_t uid, gid_t gid)
{
    char line[64];

    if (write_file("/proc/self/setgroups", "deny") != 0 && errno != ENOENT)
        return -1;
    snprintf(line, sizeof line, "0 %u 1", (unsigned)uid);
    if (write_file("/proc/self/uid_map", line) != 0)
        return -1;
    snprintf(line, sizeof line, "0 %u 1", (unsigned)gid);
    return write_file("/proc/self/gid_map", line);
}

/* Call fn(pid, arg) for each process /proc lists, until it returns
 * nonzero.  Returns that value, 0 if it never did, -1 if /proc is unreadable. */
static int for_each_pid(int (*fn)(long pid, void *arg), void *arg)
{
    DIR *d = opendir("/proc");
    struct dirent *e;
    int r = 0;

    if (d == NULL)
        return -1;
    for (e = readdir(d); e != NULL && r == 0; e = readdir(d)) {
        char *end;
        long pid = strtol(e->d_name, &end, 10);

        if (*end == '\0' && pid > 0)
            r = fn(pid, arg);
    }
    closedir(d);
    return r;
}

/* Run `fn` in a throwaway child; its exit status 0 means the layer works,
 * anything else is an errno value. */
static int probe_in_child(int (*fn)(void))
{
    pid_t pid = fork();
    int status = 0;

    if (pid < 0)
        return errno;
    if (pid == 0)
        _exit(fn());
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR)
            return ECHILD;
    }
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    return EFAULT;
}

static int userns_flag(void)
{
    return geteuid() != 0 ? CLONE_NEWUSER : 0;
}

static int try_unshare(int flag)
{
    uid_t uid = getuid();
    gid_t gid = getgid();

    if (unshare(flag | userns_flag()) != 0)
        return errno;
    if (userns_flag() != 0 && map_ids(uid, gid) != 0)
        return errno;
    return 0;
}

static int probe_userns(void)
{
    return unshare(CLONE_NEWUSER) == 0 ? 0 : errno;
}

static int probe_pidns(void)
{
    pid_t pid;
    int status = 0;

    if (try_unshare(CLONE_NEWPID) != 0)
        return errno != 0 ? errno : EPERM;
    pid = fork();
    if (pid < 0)
        return errno;
    if (pid == 0)
        _exit(getpid() == 1 ? 0 : EINVAL);
    if (waitpid(pid, &status, 0) < 0)
        return errno;
    return WIFEXITED(status) ? WEXITSTATUS(status) : EFAULT;
}

static int probe_netns(void)
{
    return try_unshare(CLONE_NEWNET);
}

static int probe_ipcns(void)
{
    return try_unshare(CLONE_NEWIPC);
}

static int probe_mntns(void)
{
    int rc = try_unshare(CLONE_NEWNS);

    if (rc != 0)
        return rc;
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
        return errno;
    if (mount("tmpfs", "/mnt", "tmpfs", MS_NOSUID | MS_NODEV, "size=4k") != 0 &&
        mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "size=4k") != 0)
        return errno;
    return 0;
}

static int probe_seccomp(void)
{
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
    int rc;

    if (ctx == NULL)
        return ENOMEM;
    rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(ptrace), 0);
    if (rc == 0)
        rc = seccomp_load(ctx);
    seccomp_release(ctx);
    if (rc != 0)
        return -rc;
    return syscall(SYS_ptrace, 0, 0, 0, 0) < 0 && errno == EPERM ? 0 : EINVAL;
}

static int probe_subreaper(void)
{
    return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0 ? 0 : errno;
}

static int probe_uid(void)
{
    if (geteuid() != 0)
        return EPERM;
    if (setgroups(0, NULL) != 0 || setresgid(UID_BASE, UID_BASE, UID_BASE) != 0 ||
        setresuid(UID_BASE, UID_BASE, UID_BASE) != 0)
        return errno;
    return 0;
}

static int probe_nnp(void)
{
    return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 ? 0 : errno;
}

static int check_layer(const char *name, int (*fn)(void), const char *why_off)
{
    int rc;

    if (disabled_by_env(name)) {
        note(name, "disabled by PYHARNESS_SANDBOX_DISABLE");
        return 0;
    }
    rc = fn();
    if (rc == 0)
        return 1;
    note(name, why_off != NULL ? why_off : strerror(rc));
    return 0;
}

static int run_probe(int (*fn)(void))
{
    return probe_in_child(fn);
}

/* Wrappers so check_layer runs each probe in its own child. */
#define PROBE_WRAPPER(name)                                                                        \
    static int name##_child(void)                                                                  \
    {                                                                                              \
        return run_probe(name);                                                                    \
    }
PROBE_WRAPPER(probe_userns)
PROBE_WRAPPER(probe_pidns)
PROBE_WRAPPER(probe_netns)
PROBE_WRAPPER(probe_ipcns)
PROBE_WRAPPER(probe_mntns)
PROBE_WRAPPER(probe_seccomp)
PROBE_WRAPPER(probe_subreaper)
PROBE_WRAPPER(probe_uid)
PROBE_WRAPPER(probe_nnp)

const struct sandbox_caps *sandbox_probe(void)
{
    if (caps_ready)
        return &caps;
    memset(&caps, 0, sizeof caps);
    caps.rlimits = 1;
    caps.audit_hooks = 1; /* compiled in; the host installs it before Py_Initialize */
    if (geteuid() != 0)
        caps.user_namespace = check_layer("userns", probe_userns_child, NULL);
    if (geteuid() == 0 || caps.user_namespace) {
        caps.pid_namespace = check_layer("pidns", probe_pidns_child, NULL);
        caps.net_namespace = check_layer("netns", probe_netns_child, NULL);
        caps.ipc_namespace = check_layer("ipcns", probe_ipcns_child, NULL);
        caps.mount_namespace = check_layer("mntns", probe_mntns_child, NULL);
    } else {
        note("namespaces", "unprivileged user namespaces are refused here");
    }
    caps.seccomp = check_layer("seccomp", probe_seccomp_child, NULL);
    caps.subreaper = check_layer("subreaper", probe_subreaper_child, NULL);
    caps.no_new_privs = check_layer("nnp", probe_nnp_child, NULL);
    if (geteuid() == 0)
        caps.uid_drop = check_layer("uid", probe_uid_child, NULL);
    else
        note("uid", "not root: the run keeps the caller's uid (user namespace)");
    if (caps.uid_drop == 0 && caps.user_namespace == 0)
        note("nproc", "RLIMIT_NPROC counts every process of this user");
    caps_ready = 1;
    return &caps;
}

const char *sandbox_layers_string(void)
{
    static char buf[160];
    const struct sandbox_caps *c = sandbox_probe();
    size_t used = 0;
    struct {
        int on;
        const char *name;
    } layers[] = {
        {c->rlimits, "rlimits"},       {c->uid_drop, "uid"},        {c->user_namespace, "userns"},
        {c->pid_namespace, "pidns"},   {c->net_namespace, "netns"}, {c->ipc_namespace, "ipcns"},
        {c->mount_namespace, "mntns"}, {c->subreaper, "subreaper"}, {c->seccomp, "seccomp"},
        {c->audit_hooks, "audit"},
    };

    buf[0] = '\0';
    for (size_t i = 0; i < sizeof layers / sizeof layers[0]; i++) {
        int n;

        if (!layers[i].on)
            continue;
        n = snprintf(buf + used, sizeof buf - used, "%s%s", used > 0 ? "," : "", layers[i].name);
        if (n < 0 || (size_t)n >= sizeof buf - used)
            break;
        used += (size_t)n;
    }
    return buf;
}

static enum ph_rc build_view(const struct sandbox_policy *p, struct ph_err *err);
/* The rlimits of a run, in the order they are set. */
struct limit {
    int res;
    const char *name;
    struct rlimit rl;
    int required; /* a failure to set it stops the run */
};
struct rlimit_plan {
    struct limit l[8];
    size_t n;
};

static void plan_rlimits(const struct sandbox_policy *p, int shared_uid, struct rlimit_plan *plan);
static enum ph_rc apply_rlimits(const struct rlimit_plan *plan, struct ph_err *err);
static void prepare_seccomp(void);
static enum ph_rc install_seccomp(struct ph_err *err);
static void kill_descendants(pid_t root);
static void kill_uid(uid_t uid);

/* ---- in new processes ---- */

/* Close every fd except `keep` (-1 for none) and 0..2. */
static void close_all_but(int keep)
{
    DIR *d = opendir("/proc/self/fd");
    int dfd;
    struct dirent *e;

    if (d == NULL) {
        for (int fd = 3; fd < 1024; fd++) {
            if (fd != keep)
                close(fd);
        }
        return;
    }
    dfd = dirfd(d);
    for (e = readdir(d); e != NULL; e = readdir(d)) {
        char *end;
        long fd = strtol(e->d_name, &end, 10);

        if (*end != '\0' || fd < 3 || fd == keep || fd == dfd)
            continue;
        close((int)fd);
    }
    closedir(d);
}

/* Point 0, 1 and 2 at /dev/null: a host must not hold the supervisor's
 * terminal or pipes open (a caller reading them would never see EOF). */
static void quiet_stdio(void)
{
    int fd = open("/dev/null", O_RDWR | O_CLOEXEC);

    if (fd < 0)
        return;
    for (int i = 0; i < 3; i++)
        (void)dup2(fd, i);
    if (fd > 2)
        close(fd);
}

static void reset_signals(void)
{
    sigset_t none;

    for (int sig = 1; sig < NSIG; sig++) {
        if (sig != SIGKILL && sig != SIGSTOP)
            (void)signal(sig, SIG_DFL);
    }
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
}

/*
 * Overwrite the environment block the process was started with.  A forked
 * process inherits the supervisor's, and /proc/<pid>/environ shows that block
 * whatever clearenv() did later: the harness's secrets would leak through it.
 * Entries still in use are moved to the heap first.
 */
static void scrub_env_block(void)
{
    extern char **environ;
    char buf[1024];
    char *p;
    unsigned long start = 0, end = 0;

    if (fileio_read_small("/proc/self/stat", buf, sizeof buf) < 0)
        return;
    p = strrchr(buf, ')');
    if (p == NULL)
        return;
    /* Field 3 follows ") "; env_start and env_end are fields 50 and 51. */
    p += 2;
    for (int field = 3; field < 50 && p != NULL; field++) {
        p = strchr(p, ' ');
        if (p != NULL)
            p++;
    }
    if (p == NULL)
        return;
    start = strtoul(p, &p, 10);
    end = strtoul(p, NULL, 10);
    if (start == 0 || end <= start || end - start > 16ul * 1024 * 1024)
        return;
    for (size_t i = 0; environ != NULL && environ[i] != NULL; i++) {
        uintptr_t a = (uintptr_t)environ[i];

        if (a >= start && a < end) {
            char *copy = strdup(environ[i]);

            environ[i] = copy != NULL ? copy : (char *)"";
        }
    }
    memset((void *)start, 0, end - start);
}

static int namespace_flags(void)
{
    int flags = 0;

    if (caps.pid_namespace)
        flags |= CLONE_NEWPID;
    if (caps.net_namespace)
        flags |= CLONE_NEWNET;
    if (caps.ipc_namespace)
        flags |= CLONE_NEWIPC;
    if (caps.mount_namespace)
        flags |= CLONE_NEWNS;
    if (geteuid() != 0 && caps.user_namespace)
        flags |= CLONE_NEWUSER;
    return flags;
}

/* Unshare `flags` and make the new namespaces usable.  0, or -1 with errno
 * set and `what` naming the step. */
static int enter_namespaces(int flags, const char **what)
{
    uid_t uid = getuid();
    gid_t gid = getgid();

    *what = "unshare";
    if (flags == 0)
        return 0;
    if (unshare(flags) != 0)
        return -1;
    *what = "user namespace id maps";
    if ((flags & CLONE_NEWUSER) != 0 && map_ids(uid, gid) != 0)
        return -1;
    *what = "making mounts private";
    if ((flags & CLONE_NEWNS) != 0 && mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
        return -1;
    return 0;
}

/* ---- the host process ---- */

/*
 * Messages on a host's control socket (SOCK_SEQPACKET: one message per
 * send, never merged or split).  The supervisor sends JOB (with the run's
 * three fds) and ABORT; the host answers READY or FAIL once at start-up,
 * then exactly one END per JOB.
 */
enum { MSG_READY = 1, MSG_FAIL, MSG_JOB, MSG_ABORT, MSG_END };

struct msg_job {
    uint32_t type;  /* MSG_JOB */
    uint32_t uid;   /* the run's uid, 0 for none */
    uint32_t len;   /* payload bytes after this header */
    uint32_t fdmap; /* bit i: fds[i] was sent (in order) */
    char scratch[4096];
};

struct msg_end {
    uint32_t type;  /* MSG_END, MSG_READY, MSG_FAIL */
    int32_t status; /* the worker's wait status; for MSG_FAIL, 1 if host_init refused */
    struct rusage ru;
    char msg[256]; /* why, for MSG_FAIL */
};

#define JOB_MSG_MAX (sizeof(struct msg_job) + SANDBOX_JOB_MAX)

struct sandbox_host {
    const struct sandbox_policy *policy; /* borrowed */
    const struct sandbox_hooks *hooks;   /* borrowed */
    pid_t child;                         /* our child: the relay, or the host itself */
    pid_t host;                          /* the host, as our namespace numbers it */
    int host_pidfd;                      /* -1 when unavailable */
    int ctrl;                            /* our end of the control socket; -1 once dead */
    int running;                         /* a run was started and not yet collected */
    uid_t run_uid;                       /* of the run started last */
    unsigned long serial;                /* runs started so far */
    struct sandbox_host *next;           /* all hosts, for sandbox_stop_all */
};

static struct sandbox_host *hosts;

/* State of the host process itself (meaningful only there). */
static struct {
    int ctrl;
    pid_t self;
    int pidns; /* PID 1 of its own namespace */
    const struct sandbox_policy *policy;
    const struct sandbox_hooks *hooks;
    unsigned char *buf;         /* one JOB message */
    struct rlimit_plan *limits; /* the runs' rlimits (plan_rlimits) */
} hs;

static void send_end(int fd, uint32_t type, int status, const struct rusage *ru, const char *msg)
{
    struct msg_end m;

    memset(&m, 0, sizeof m);
    m.type = type;
    m.status = status;
    if (ru != NULL)
        m.ru = *ru;
    if (msg != NULL)
        snprintf(m.msg, sizeof m.msg, "%s", msg);
    while (send(fd, &m, sizeof m, MSG_NOSIGNAL) < 0 && errno == EINTR)
        ;
}

static _Noreturn void fail_start(int ctrl, const char *what)
{
    char msg[256];

    snprintf(msg, sizeof msg, "%s: %s", what, strerror(errno != 0 ? errno : EINVAL));
    send_end(ctrl, MSG_FAIL, 0, NULL, msg);
    _exit(RELAY_SETUP_FAILED);
}

/*
 * Set in a host that installed the run's seccomp filter on itself before
 * parking its first worker: every worker inherits it, so none pays for
 * attaching it (about 0.1 ms a run).  Such a host lives under the filter
 * too, which refuses kill(-1): it ends runs with kill_ns_scan() instead.
 */
static int filter_in_host;

/* kill() every process of the namespace but PID 1, found in its own /proc:
 * what kill(-1) from PID 1 does. */
static int kill_unless_init(long pid, void *arg)
{
    (void)arg;
    if (pid > 1)
        (void)kill((pid_t)pid, SIGKILL);
    return 0;
}

static void kill_ns_scan(void)
{
    (void)for_each_pid(kill_unless_init, NULL);
}

/* Whether this process has a child, live or not yet reaped. */
static int has_children(void)
{
    siginfo_t si;

    memset(&si, 0, sizeof si);
    return waitid(P_ALL, 0, &si, WEXITED | WSTOPPED | WCONTINUED | WNOHANG | WNOWAIT | __WALL) == 0;
}

/* Kill every process of the run but the host: from PID 1, kill(-1) reaches
 * the whole namespace; without one, the worker's group, the descendants the
 * host adopted as subreaper, and the run's uid. */
static void host_kill_run(pid_t worker, uid_t uid)
{
    if (hs.pidns && filter_in_host) {
        kill_ns_scan();
        return;
    }
    if (hs.pidns) {
        (void)kill(-1, SIGKILL);
        return;
    }
    if (worker > 0)
        (void)kill(-worker, SIGKILL);
    /* What outlives its parent is re-parented to the host (a subreaper) or
     * leaves its tree for good: with no child left, there is nothing of the
     * run below the host to look for. */
    if (has_children())
        kill_descendants(getpid());
    if (uid != 0)
        kill_uid(uid);
}

/* Kill and reap until nothing of the run is left. */
static void host_end_run(pid_t worker, uid_t uid)
{
    host_kill_run(worker, uid);
    for (int round = 0; round < 10000; round++) {
        pid_t w = waitpid(-1, NULL, __WALL | (hs.pidns ? 0 : WNOHANG));

        if (w < 0 && errno == ECHILD)
            return;
        if (w < 0 && errno == EINTR)
            continue;
        if (hs.pidns) {
            /* Whatever forked before the kill landed is killed now. */
            host_kill_run(worker, uid);
        } else if (w == 0) {
            usleep(1000);
            if (round % 16 == 15)
                host_kill_run(worker, uid);
        }
    }
}

/* The view's /dev/shm is the host's own tmpfs: empty it between runs. */
static void host_clean_shm(void)
{
    DIR *d;
    struct dirent *e;

    if (!caps.mount_namespace)
        return;
    d = opendir("/dev/shm");
    if (d == NULL)
        return;
    for (e = readdir(d); e != NULL; e = readdir(d)) {
        char path[300];

        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(path, sizeof path, "/dev/shm/%s", e->d_name);
        (void)fileio_rmtree(path);
    }
    closedir(d);
}

/* Wait for the worker to end, acting on ABORT meanwhile.  Returns its wait
 * status; *ru its rusage. */
static int host_wait_worker(pid_t pid, uid_t uid, struct rusage *ru)
{
    int pidfd = sys_pidfd_open(pid);
    int status = 0;

    for (;;) {
        struct pollfd p[2] = {{hs.ctrl, POLLIN, 0}, {pidfd, POLLIN, 0}};
        pid_t w = wait4(pid, &status, WNOHANG | __WALL, ru);

        if (w == pid)
            break;
        if (w < 0 && errno != EINTR) {
            status = SIGKILL; /* cannot happen: it is our child */
            break;
        }
        if (poll(p, pidfd >= 0 ? 2 : 1, pidfd >= 0 ? -1 : 1) <= 0)
            continue;
        if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
            uint32_t type = 0;
            ssize_t n = recv(hs.ctrl, &type, sizeof type, 0);

            if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) {
                /* The supervisor is gone: so is the run. */
                host_end_run(pid, uid);
                _exit(0);
            }
            if (n == (ssize_t)sizeof type && type == MSG_ABORT)
                host_kill_run(pid, uid);
        }
    }
    if (pidfd >= 0)
        close(pidfd);
    return status;
}

/* In the new worker, once its job arrived: its fds, session and folder;
 * then the caller's body. */
static _Noreturn void worker_start(const struct msg_job *job, const int fds[3])
{
    struct sandbox_run run;
    int high[3], devnull;

    /* Out of the way of 0..3 first: received fds may sit anywhere. */
    for (int i = 0; i < 3; i++)
        high[i] = fds[i] >= 0 ? fcntl(fds[i], F_DUPFD_CLOEXEC, 64) : -1;
    devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
    (void)dup2(devnull, STDIN_FILENO);
    (void)dup2(high[0] >= 0 ? high[0] : devnull, STDOUT_FILENO);
    (void)dup2(high[1] >= 0 ? high[1] : devnull, STDERR_FILENO);
    if (dup2(high[2] >= 0 ? high[2] : devnull, 3) < 0)
        _exit(RELAY_SETUP_FAILED);
    /* The result pipe stays ours: a re-executed host (multiprocessing
     * spawn) must not inherit it. */
    (void)fcntl(3, F_SETFD, FD_CLOEXEC);
    close_range(4, ~0U, 0);
    (void)setsid(); /* parked_main already tied it to the host's life */
    memset(&run, 0, sizeof run);
    memcpy(run.scratch, job->scratch, sizeof run.scratch);
    run.scratch[sizeof run.scratch - 1] = '\0';
    run.uid = job->uid;
    run.policy = hs.policy;
    if (chdir(run.scratch) != 0)
        snprintf(child_setup_error, sizeof child_setup_error, "chdir %s: %s", run.scratch,
                 strerror(errno));
    hs.hooks->body(&run, job + 1, job->len, hs.hooks->arg);
    _exit(RELAY_SETUP_FAILED);
}

/* Send one message made of `iov` with `nfd` fds attached.  Returns what
 * sendmsg() returned. */
static ssize_t send_with_fds(int sock, struct iovec *iov, int iovcnt, const int *fds, int nfd)
{
    union {
        struct cmsghdr align;
        char buf[CMSG_SPACE(3 * sizeof(int))];
    } cm;
    struct msghdr mh;
    ssize_t n;

    memset(&mh, 0, sizeof mh);
    mh.msg_iov = iov;
    mh.msg_iovlen = (size_t)iovcnt;
    if (nfd > 0) {
        struct cmsghdr *c;

        memset(&cm, 0, sizeof cm);
        mh.msg_control = cm.buf;
        mh.msg_controllen = CMSG_SPACE((size_t)nfd * sizeof(int));
        c = CMSG_FIRSTHDR(&mh);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN((size_t)nfd * sizeof(int));
        memcpy(CMSG_DATA(c), fds, (size_t)nfd * sizeof(int));
    }
    do {
        n = sendmsg(sock, &mh, MSG_NOSIGNAL);
    } while (n < 0 && errno == EINTR);
    return n;
}

/* Receive one message and up to three fds.  Returns its length, 0 at EOF. */
static ssize_t recv_job(int fd, unsigned char *buf, size_t cap, int fds[3])
{
    union {
        struct cmsghdr align;
        char buf[CMSG_SPACE(3 * sizeof(int))];
    } cm;
    struct iovec iov = {buf, cap};
    struct msghdr mh;
    struct cmsghdr *c;
    ssize_t n;

    fds[0] = fds[1] = fds[2] = -1;
    memset(&mh, 0, sizeof mh);
    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    mh.msg_control = cm.buf;
    mh.msg_controllen = sizeof cm.buf;
    do {
        n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC);
    } while (n < 0 && errno == EINTR);
    if (n < 0)
        return 0;
    for (c = CMSG_FIRSTHDR(&mh); c != NULL; c = CMSG_NXTHDR(&mh, c)) {
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
            size_t k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);

            memcpy(fds, CMSG_DATA(c), (k > 3 ? 3 : k) * sizeof(int));
        }
    }
    if ((mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) != 0) {
        for (int i = 0; i < 3; i++) {
            if (fds[i] >= 0)
                close(fds[i]);
            fds[i] = -1;
        }
        return -1;
    }
    return n;
}

/* 1 if `buf` (n bytes) is a whole JOB message. */
static int is_job(const unsigned char *buf, ssize_t n)
{
    const struct msg_job *job = (const struct msg_job *)buf;

    return n >= (ssize_t)sizeof *job && job->type == MSG_JOB && job->len <= SANDBOX_JOB_MAX &&
           n == (ssize_t)(sizeof *job + job->len);
}

/* Unpack the fds a JOB carried: fdmap says which of stdout, stderr and
 * the result pipe were sent, in that order. */
static void job_fds(const struct msg_job *job, const int got[3], int fds[3])
{
    int k = 0;

    for (int i = 0; i < 3; i++)
        fds[i] = (job->fdmap & (1u << i)) != 0 ? got[k++] : -1;
}

/*
 * The next run's worker, forked as soon as the previous run is over and
 * parked until its job arrives: the fork and the interpreter's after-fork
 * work happen while the supervisor handles the last result, never while a
 * run is being measured.  It holds nothing of the host's but its memory.
 */
static struct {
    pid_t pid; /* 0: none */
    int sock;  /* the host's end of its job socket */
} parked;

static _Noreturn void parked_main(int sock)
{
    struct ph_err err = {0};
    int got[3], fds[3];
    ssize_t n;

    /* Not the control socket: the supervisor must see EOF when the host dies. */
    close(hs.ctrl);
    (void)prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    if (getppid() != (hs.pidns ? 1 : hs.self))
        _exit(0);
    /* The run's own IPC namespace; a failure stops the run in sandbox_enter. */
    if (caps.ipc_namespace && unshare(CLONE_NEWIPC) != 0)
        snprintf(child_setup_error, sizeof child_setup_error, "IPC namespace: %s", strerror(errno));
    /* The limits depend on the host's policy alone: set now, off the run's
     * clock (sandbox_enter reports a failure). */
    if (apply_rlimits(hs.limits, &err) == PH_OK)
        limits_applied = 1;
    else if (child_setup_error[0] == '\0')
        snprintf(child_setup_error, sizeof child_setup_error, "%s", err.msg);
    n = recv_job(sock, hs.buf, JOB_MSG_MAX, got);
    if (!is_job(hs.buf, n))
        _exit(0);
    job_fds((const struct msg_job *)hs.buf, got, fds);
    worker_start((const struct msg_job *)hs.buf, fds);
}

static void host_park(void)
{
    int sv[2];
    pid_t pid;

    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
        return;
    if (hs.hooks->before_fork != NULL)
        hs.hooks->before_fork();
    pid = fork();
    if (pid == 0) {
        if (hs.hooks->after_fork_child != NULL)
            hs.hooks->after_fork_child();
        close(sv[0]);
        parked_main(sv[1]);
    }
    if (hs.hooks->after_fork_parent != NULL)
        hs.hooks->after_fork_parent();
    close(sv[1]);
    if (pid < 0) {
        close(sv[0]);
        return;
    }
    parked.pid = pid;
    parked.sock = sv[0];
}

/* Hand the job (`n` bytes in hs.buf, fds packed in `got`) to the parked
 * worker.  Its pid, or -1 when there is none or it is gone. */
static pid_t host_unpark(ssize_t n, const int got[3])
{
    const struct msg_job *job = (const struct msg_job *)hs.buf;
    struct iovec iov = {hs.buf, (size_t)n};
    int nfd = __builtin_popcount(job->fdmap & 7u);
    pid_t pid = parked.pid;

    if (pid <= 0)
        return -1;
    parked.pid = 0;
    if (send_with_fds(parked.sock, &iov, 1, got, nfd) != n) {
        (void)kill(pid, SIGKILL);
        while (waitpid(pid, NULL, __WALL) < 0 && errno == EINTR)
            ;
        pid = -1;
    }
    close(parked.sock);
    return pid;
}

/* One run: hand it to the parked worker (parking one first if there is
 * none), wait for it, end everything of it, report, and park the next
 * run's worker. */
static void host_run(ssize_t n, int got[3])
{
    const struct msg_job *job = (const struct msg_job *)hs.buf;
    struct rusage before, after, ru;
    int fds[3];
    int status;
    pid_t pid;

    job_fds(job, got, fds);
    memset(&ru, 0, sizeof ru);
    getrusage(RUSAGE_CHILDREN, &before);
    pid = host_unpark(n, got);
    if (pid < 0) {
        /* None parked (a fork failed), or it died: the one way to make a
         * worker, now. */
        host_park();
        pid = host_unpark(n, got);
    }
    for (int i = 0; i < 3; i++) {
        if (fds[i] >= 0)
            close(fds[i]);
    }
    if (pid < 0) {
        send_end(hs.ctrl, MSG_END, W_EXITCODE(RELAY_SETUP_FAILED, 0), &ru, "fork failed");
        return;
    }
    status = host_wait_worker(pid, job->uid, &ru);
    host_end_run(pid, job->uid);
    /* CPU of everything the run forked, orphans included; peak RSS is the
     * worker's own (RUSAGE_CHILDREN keeps a maximum over all runs). */
    getrusage(RUSAGE_CHILDREN, &after);
    timersub(&after.ru_utime, &before.ru_utime, &ru.ru_utime);
    timersub(&after.ru_stime, &before.ru_stime, &ru.ru_stime);
    host_clean_shm();
    send_end(hs.ctrl, MSG_END, status, &ru, NULL);
    host_park();
}

static _Noreturn void host_main(int ctrl)
{
    char msg[256] = "";

    hs.ctrl = ctrl;
    hs.self = getpid();
    hs.pidns = caps.pid_namespace && getpid() == 1;
    (void)prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    (void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    if (!hs.pidns && caps.subreaper)
        (void)prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    reset_signals();
    close_all_but(ctrl);
    quiet_stdio();
    scrub_env_block();
    if (hs.hooks->after_fork_child != NULL)
        hs.hooks->after_fork_child();
    hs.buf = malloc(JOB_MSG_MAX);
    hs.limits = malloc(sizeof *hs.limits);
    if (hs.buf == NULL || hs.limits == NULL)
        fail_start(ctrl, "out of memory");
    if (caps.mount_namespace) {
        struct ph_err err = {0};

        if (build_view(hs.policy, &err) != PH_OK) {
            send_end(ctrl, MSG_FAIL, 0, NULL, err.msg);
            _exit(RELAY_SETUP_FAILED);
        }
    }
    if (hs.hooks->host_init != NULL && hs.hooks->host_init(hs.hooks->arg, msg, sizeof msg) != 0) {
        /* Status 1: the caller's own set-up refused (its input), not ours. */
        send_end(ctrl, MSG_FAIL, 1, NULL, msg[0] ? msg : "the host failed to initialise");
        _exit(RELAY_SETUP_FAILED);
    }
    /* With its own PID namespace and /proc, the host can live under the
     * runs' filter (see filter_in_host); elsewhere each worker attaches it. */
    if (hs.pidns && caps.mount_namespace && caps.seccomp) {
        struct ph_err ferr = {0};

        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 && install_seccomp(&ferr) == PH_OK)
            filter_in_host = 1;
    }
    /* The runs' limits, worked out once: the host's own limits and memory
     * are what each worker starts from. */
    plan_rlimits(hs.policy, !caps.uid_drop, hs.limits);
    send_end(ctrl, MSG_READY, 0, NULL, NULL);
    host_park();
    for (;;) {
        int fds[3];
        ssize_t n = recv_job(ctrl, hs.buf, JOB_MSG_MAX, fds);

        if (n == 0)
            break;
        if (!is_job(hs.buf, n)) {
            /* A late ABORT, or nothing we sent: drop it. */
            for (int i = 0; i < 3; i++) {
                if (fds[i] >= 0)
                    close(fds[i]);
            }
            continue;
        }
        host_run(n, fds);
    }
    /* The supervisor closed the socket (or died): end quietly. */
    host_end_run(0, 0);
    _exit(0);
}

/* With a PID namespace: the supervisor's child unshares, forks the host
 * (PID 1 of the new namespace) and waits for it.  It exists because the
 * process that creates a PID namespace stays outside it; it costs one fork
 * per host, not per run. */
static _Noreturn void relay_main(pid_t supervisor, int ctrl, int info_fd)
{
    const char *what = "";
    pid_t host;
    int status = 0;

    (void)setpgid(0, 0);
    if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0 || getppid() != supervisor)
        _exit(RELAY_SETUP_FAILED);
    if (enter_namespaces(namespace_flags(), &what) != 0)
        fail_start(ctrl, what);
    /* Only now: a non-dumpable process cannot write its own id maps. */
    (void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    host = fork();
    if (host < 0)
        fail_start(ctrl, "fork of the namespace's init");
    if (host == 0) {
        close(info_fd);
        host_main(ctrl);
    }
    (void)write(info_fd, &host, sizeof host);
    close_all_but(-1);
    quiet_stdio();
    reset_signals();
    scrub_env_block();
    while (waitpid(host, &status, 0) < 0) {
        if (errno != EINTR)
            _exit(RELAY_SETUP_FAILED);
    }
    _exit(0);
}

/* Without a PID namespace the supervisor's child is the host. */
static _Noreturn void flat_main(pid_t supervisor, int ctrl)
{
    const char *what = "";

    (void)setpgid(0, 0);
    if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0 || getppid() != supervisor)
        _exit(RELAY_SETUP_FAILED);
    if (enter_namespaces(namespace_flags() & ~CLONE_NEWPID, &what) != 0)
        fail_start(ctrl, what);
    host_main(ctrl);
}

/* ---- hosts, supervisor side ---- */

/* Wait at most `ms` for `fd` to be readable (a pidfd: its process has
 * exited).  What poll() returns, EINTR retried: > 0 readable, 0 timed out. */
static int poll_in(int fd, int ms)
{
    struct pollfd pfd = {.fd = fd, .events = POLLIN};
    int n;

    do {
        n = poll(&pfd, 1, ms);
    } while (n < 0 && errno == EINTR);
    return n;
}

/* Reap our child `pid`, waiting at most `ms` before killing it. */
static void reap_child(pid_t pid, int ms)
{
    int pidfd = sys_pidfd_open(pid);

    if (pidfd >= 0) {
        if (poll_in(pidfd, ms) <= 0)
            (void)kill(pid, SIGKILL);
        close(pidfd);
    } else {
        for (int i = 0; i < ms && waitpid(pid, NULL, WNOHANG) == 0; i++)
            usleep(1000);
        (void)kill(pid, SIGKILL);
    }
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
        ;
}

/* The host will not answer: kill it (as PID 1, with its whole namespace)
 * and wait until it is gone. */
static void host_kill(struct sandbox_host *h)
{
    if (h->ctrl >= 0) {
        close(h->ctrl);
        h->ctrl = -1;
    }
    if (h->host_pidfd >= 0) {
        (void)sys_pidfd_send_signal(h->host_pidfd, SIGKILL);
        (void)poll_in(h->host_pidfd, KILL_WAIT_MS);
        close(h->host_pidfd);
        h->host_pidfd = -1;
    } else if (h->host > 0) {
        (void)kill(h->host, SIGKILL);
    }
    if (h->child > 0) {
        (void)kill(h->child, SIGKILL);
        reap_child(h->child, KILL_WAIT_MS);
        h->child = 0;
    }
    /* Without a PID namespace the run's processes outlive the host. */
    if (!caps.pid_namespace && h->run_uid != 0)
        kill_uid(h->run_uid);
}

static void host_forget(struct sandbox_host *h)
{
    for (struct sandbox_host **p = &hosts; *p != NULL; p = &(*p)->next) {
        if (*p == h) {
            *p = h->next;
            return;
        }
    }
}

/* Read the host's first message: READY, or why it failed. */
static enum ph_rc host_wait_ready(struct sandbox_host *h, struct ph_err *err)
{
    struct msg_end m;
    ssize_t n;

    if (poll_in(h->ctrl, HOST_START_MS) <= 0)
        return ph_errf(err, PH_EINTERNAL, "sandbox: the host did not start within %d s",
                       HOST_START_MS / 1000);
    memset(&m, 0, sizeof m);
    n = recv(h->ctrl, &m, sizeof m, 0);
    if (n == (ssize_t)sizeof m && m.type == MSG_READY)
        return PH_OK;
    m.msg[sizeof m.msg - 1] = '\0';
    if (n == (ssize_t)sizeof m && m.type == MSG_FAIL && m.status == 1)
        return ph_errf(err, PH_EINPUT, "%s", m.msg);
    return ph_errf(err, PH_EINTERNAL, "sandbox: starting the run's host failed: %s",
                   n == (ssize_t)sizeof m && m.type == MSG_FAIL ? m.msg : "it died");
}

enum ph_rc sandbox_host_start(const struct sandbox_policy *p, const struct sandbox_hooks *hooks,
                              struct sandbox_host **out, struct ph_err *err)
{
    struct sandbox_host *h;
    int sv[2], info[2] = {-1, -1};
    pid_t supervisor = getpid(), pid;
    enum ph_rc rc;

    *out = NULL;
    if (p->scratch_dir == NULL || p->scratch_dir[0] != '/')
        return ph_errf(err, PH_EINTERNAL, "sandbox: the scratch root must be an absolute path");
    (void)sandbox_probe();
    if (caps.seccomp)
        prepare_seccomp();
    /* Runs' uids must reach their own folders inside it, and nothing else. */
    if (chmod(p->scratch_dir, 0711) != 0)
        return ph_errf(err, PH_EIO, "sandbox: chmod %s: %s", p->scratch_dir, strerror(errno));
    h = calloc(1, sizeof *h);
    if (h == NULL)
        return ph_errf(err, PH_ENOMEM, "out of memory");
    h->policy = p;
    h->hooks = hooks;
    h->host_pidfd = -1;
    h->ctrl = -1;
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) {
        free(h);
        return ph_errf(err, PH_EIO, "sandbox: socketpair: %s", strerror(errno));
    }
    if (caps.pid_namespace && pipe2(info, O_CLOEXEC) != 0) {
        close(sv[0]);
        close(sv[1]);
        free(h);
        return ph_errf(err, PH_EIO, "sandbox: pipe: %s", strerror(errno));
    }
    /* The host's copy of the policy: this memory, as it is at the fork. */
    hs.policy = p;
    hs.hooks = hooks;
    if (hooks->before_fork != NULL)
        hooks->before_fork();
    pid = fork();
    if (pid == 0) {
        close(sv[0]);
        if (info[0] >= 0)
            close(info[0]);
        if (caps.pid_namespace)
            relay_main(supervisor, sv[1], info[1]);
        flat_main(supervisor, sv[1]);
    }
    if (hooks->after_fork_parent != NULL)
        hooks->after_fork_parent();
    close(sv[1]);
    if (info[1] >= 0)
        close(info[1]);
    if (pid < 0) {
        close(sv[0]);
        if (info[0] >= 0)
            close(info[0]);
        free(h);
        return ph_errf(err, PH_EIO, "sandbox: fork: %s", strerror(errno));
    }
    (void)setpgid(pid, pid);
    h->child = pid;
    h->ctrl = sv[0];
    h->host = pid;
    if (info[0] >= 0) {
        pid_t host = 0;
        ssize_t n;

        do {
            n = read(info[0], &host, sizeof host);
        } while (n < 0 && errno == EINTR);
        close(info[0]);
        h->host = n == (ssize_t)sizeof host && host > 0 ? host : 0;
    }
    if (h->host > 0)
        h->host_pidfd = sys_pidfd_open(h->host);
    h->next = hosts;
    hosts = h;
    rc = host_wait_ready(h, err);
    if (rc != PH_OK) {
        sandbox_host_stop(h);
        return rc;
    }
    *out = h;
    return PH_OK;
}

int sandbox_host_alive(const struct sandbox_host *h)
{
    return h != NULL && h->ctrl >= 0;
}

pid_t sandbox_host_pid(const struct sandbox_host *h)
{
    return h != NULL ? h->host : 0;
}

int sandbox_host_fd(const struct sandbox_host *h)
{
    return h != NULL ? h->ctrl : -1;
}

void sandbox_host_stop(struct sandbox_host *h)
{
    if (h == NULL)
        return;
    host_forget(h);
    if (h->ctrl >= 0) {
        /* EOF on its socket: the host ends the run it may have, and exits. */
        close(h->ctrl);
        h->ctrl = -1;
        if (h->host_pidfd >= 0 && poll_in(h->host_pidfd, TERM_WAIT_MS) <= 0)
            host_kill(h);
    }
    host_kill(h);
    free(h);
}

void sandbox_stop_all(void)
{
    while (hosts != NULL)
        sandbox_host_stop(hosts);
}

enum ph_rc sandbox_run_new(struct sandbox_host *h, struct sandbox_run *run, struct ph_err *err)
{
    memset(run, 0, sizeof *run);
    h->serial++;
    /* Unique among live runs: hosts differ by pid, a host's runs by serial,
     * and a run's processes are all dead before its uid comes round again. */
    if (caps.uid_drop)
        run->uid =
            UID_BASE + ((unsigned)(h->host % (1 << 19)) << 10) + (unsigned)(h->serial % 1024);
    if (snprintf(run->scratch, sizeof run->scratch, "%s/run-XXXXXX", h->policy->scratch_dir) >=
        (int)sizeof run->scratch)
        return ph_errf(err, PH_EINTERNAL, "sandbox: scratch path too long");
    if (mkdtemp(run->scratch) == NULL)
        return ph_errf(err, PH_EIO, "cannot create a run folder in %s: %s", h->policy->scratch_dir,
                       strerror(errno));
    return PH_OK;
}

static uid_t chown_to;

static int chown_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    (void)lchown(path, chown_to, chown_to);
    return 0;
}

enum ph_rc sandbox_run_start(struct sandbox_host *h, const struct sandbox_run *run, const void *job,
                             size_t len, const int fds[3], struct ph_err *err)
{
    struct msg_job hdr;
    struct iovec iov[2];
    int sent[3], nfd = 0;
    ssize_t n;

    if (!sandbox_host_alive(h))
        return ph_errf(err, PH_EINTERNAL, "sandbox: the run's host is not running");
    if (h->running)
        return ph_errf(err, PH_EINTERNAL, "sandbox: the host is already running a run");
    if (len > SANDBOX_JOB_MAX)
        return ph_errf(err, PH_EINPUT, "sandbox: a job of %zu bytes is over the %u byte limit", len,
                       SANDBOX_JOB_MAX);
    if (run->uid != 0) {
        chown_to = run->uid;
        (void)nftw(run->scratch, chown_entry, 16, FTW_PHYS | FTW_MOUNT);
    }
    memset(&hdr, 0, sizeof hdr);
    hdr.type = MSG_JOB;
    hdr.uid = run->uid;
    hdr.len = (uint32_t)len;
    snprintf(hdr.scratch, sizeof hdr.scratch, "%s", run->scratch);
    for (int i = 0; i < 3; i++) {
        if (fds[i] >= 0) {
            hdr.fdmap |= 1u << i;
            sent[nfd++] = fds[i];
        }
    }
    iov[0].iov_base = &hdr;
    iov[0].iov_len = sizeof hdr;
    iov[1].iov_base = (void *)job;
    iov[1].iov_len = len;
    n = send_with_fds(h->ctrl, iov, len > 0 ? 2 : 1, sent, nfd);
    if (n != (ssize_t)(sizeof hdr + len)) {
        int e = errno;

        host_kill(h);
        return ph_errf(err, PH_EINTERNAL, "sandbox: the run's host is gone (%s)", strerror(e));
    }
    h->running = 1;
    h->run_uid = run->uid;
    return PH_OK;
}

int sandbox_run_wait(struct sandbox_host *h, int timeout_ms, int *status, struct rusage *ru)
{
    struct msg_end m;
    ssize_t n;

    *status = 0;
    memset(ru, 0, sizeof *ru);
    if (!h->running)
        return 1;
    if (h->ctrl < 0)
        goto died;
    if (poll_in(h->ctrl, timeout_ms) == 0)
        return 0;
    do {
        n = recv(h->ctrl, &m, sizeof m, 0);
    } while (n < 0 && errno == EINTR);
    if (n != (ssize_t)sizeof m || m.type != MSG_END) {
        host_kill(h);
        goto died;
    }
    h->running = 0;
    *status = m.status;
    *ru = m.ru;
    return 1;
died:
    /* The host died under the run: as if its worker had been killed. */
    h->running = 0;
    *status = SIGKILL;
    return 1;
}

void sandbox_run_abort(struct sandbox_host *h)
{
    uint32_t type = MSG_ABORT;

    if (h == NULL || !h->running || h->ctrl < 0)
        return;
    if (send(h->ctrl, &type, sizeof type, MSG_NOSIGNAL) != (ssize_t)sizeof type) {
        host_kill(h);
        return;
    }
    /* The host answers with the run's END once everything of it is gone. */
    if (poll_in(h->ctrl, TERM_WAIT_MS) <= 0)
        host_kill(h);
}

/* ---- sandbox_enter: limits ---- */

/* A "Key:  <n> kB" line of /proc/self/status, in bytes; 0 if missing. */
static size_t status_kb(const char *key)
{
    long long b = fileio_proc_status_bytes(key);

    return b > 0 ? (size_t)b : 0;
}

/* Processes of our real uid now (for RLIMIT_NPROC when it counts them all). */
static int count_if_mine(long pid, void *arg)
{
    char path[64];
    struct stat st;

    snprintf(path, sizeof path, "/proc/%ld", pid);
    if (stat(path, &st) == 0 && st.st_uid == getuid())
        (*(unsigned *)arg)++;
    return 0;
}

static unsigned count_own_processes(void)
{
    unsigned count = 0;

    (void)for_each_pid(count_if_mine, &count);
    return count;
}

/* One limit of the plan: what setrlimit() gets, clamped to the hard limit
 * in force (asking for more fails as non-root). */
static void plan_limit(struct rlimit_plan *plan, int res, const char *name, rlim_t soft,
                       rlim_t hard, int required)
{
    struct limit *l = &plan->l[plan->n++];
    struct rlimit cur;

    l->res = res;
    l->name = name;
    l->required = required;
    l->rl.rlim_cur = soft;
    l->rl.rlim_max = hard;
    if (getrlimit(res, &cur) == 0 && cur.rlim_max != RLIM_INFINITY) {
        if (l->rl.rlim_max > cur.rlim_max)
            l->rl.rlim_max = cur.rlim_max;
        if (l->rl.rlim_cur > l->rl.rlim_max)
            l->rl.rlim_cur = l->rl.rlim_max;
    }
}

/* The limits of a run under policy `p`, worked out in the process whose
 * children will run (a sandbox host works them out once for all its runs).
 * `shared_uid`: the runs keep this process's uid (no uid drop). */
static void plan_rlimits(const struct sandbox_policy *p, int shared_uid, struct rlimit_plan *plan)
{
    rlim_t cpu = p->cpu_s > 0 ? (rlim_t)(p->cpu_s + 0.999) : DEFAULT_CPU_S;
    size_t mem = p->memory_bytes > 0 ? p->memory_bytes : DEFAULT_MEMORY;
    size_t fsize = p->fsize_bytes > 0 ? p->fsize_bytes : DEFAULT_FSIZE;
    unsigned nproc = p->nproc > 0 ? p->nproc : DEFAULT_NPROC;
    /* RLIMIT_DATA bounds all private writable memory, and a worker already
     * holds the supervisor's: the limit is growth on top of what exists. */
    size_t data = status_kb("VmData:") + mem;

    /* Outside a dedicated uid or user namespace, NPROC counts all our processes. */
    if (shared_uid && !caps.user_namespace)
        nproc += count_own_processes();
    else if (shared_uid)
        nproc += 2; /* the relay and the host, which share the uid */
    plan->n = 0;
    plan_limit(plan, RLIMIT_CPU, "RLIMIT_CPU", cpu, cpu + CPU_HARD_MARGIN_S, 1);
    plan_limit(plan, RLIMIT_CORE, "RLIMIT_CORE", 0, 0, 1);
    plan_limit(plan, RLIMIT_DATA, "RLIMIT_DATA", data, data, 1);
    plan_limit(plan, RLIMIT_FSIZE, "RLIMIT_FSIZE", fsize, fsize, 1);
    plan_limit(plan, RLIMIT_NPROC, "RLIMIT_NPROC", nproc, nproc, 1);
    plan_limit(plan, RLIMIT_NOFILE, "RLIMIT_NOFILE", NOFILE_LIMIT, NOFILE_LIMIT, 1);
    plan_limit(plan, RLIMIT_STACK, "RLIMIT_STACK", STACK_LIMIT, STACK_LIMIT, 1);
    plan_limit(plan, RLIMIT_MSGQUEUE, "RLIMIT_MSGQUEUE", 0, 0, 0);
}

static enum ph_rc apply_rlimits(const struct rlimit_plan *plan, struct ph_err *err)
{
    for (size_t i = 0; i < plan->n; i++) {
        const struct limit *l = &plan->l[i];

        if (setrlimit(l->res, &l->rl) != 0 && l->required)
            return ph_errf(err, PH_EINTERNAL, "sandbox: %s: %s", l->name, strerror(errno));
    }
    return PH_OK;
}

/* ---- sandbox_enter: the mount view ---- */

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
        fd = open(dst, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
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

static enum ph_rc mount_proc(const char *root, struct ph_err *err)
{
    static const char *const options[] = {"hidepid=invisible", "hidepid=2", NULL};
    char dst[PATH_MAX];

    snprintf(dst, sizeof dst, "%s/proc", root);
    if (mkdir(dst, 0555) != 0 && errno != EEXIST)
        return ph_errf(err, PH_EINTERNAL, "sandbox: mkdir %s: %s", dst, strerror(errno));
    for (size_t i = 0; i < sizeof options / sizeof options[0]; i++) {
        if (mount("proc", dst, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, options[i]) == 0)
            return PH_OK;
    }
    /* A user namespace may not mount the proc of a PID namespace it does not
     * own (no PID namespace here): show the host's, hidepid aside. */
    if (mount("/proc", dst, NULL, MS_BIND | MS_REC, NULL) == 0)
        return PH_OK;
    return ph_errf(err, PH_EINTERNAL, "sandbox: mounting /proc: %s", strerror(errno));
}

/* Folders holding programs: covered, so that nothing but the host binary can
 * be executed (the scratch folder and /dev/shm are noexec). */
static const char *const program_dirs[] = {
    "/usr/bin",   "/usr/sbin",        "/usr/local/bin", "/usr/local/sbin", "/usr/libexec",
    "/usr/games", "/usr/local/games", "/bin",           "/sbin",
};

static enum ph_rc build_view(const struct sandbox_policy *p, struct ph_err *err)
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

/* ---- sandbox_enter: identity ---- */

static enum ph_rc drop_identity(uid_t uid, struct ph_err *err)
{
    if (uid != 0) {
        /* The run's folder was handed to `uid` by sandbox_run_start. */
        if (setgroups(0, NULL) != 0 || setresgid(uid, uid, uid) != 0 ||
            setresuid(uid, uid, uid) != 0)
            return ph_errf(err, PH_EINTERNAL, "sandbox: dropping to uid %u: %s", (unsigned)uid,
                           strerror(errno));
        /* Changing uid made us non-dumpable, which gives /proc/self to root and
         * breaks the worker's own measurements (clear_refs).  Other processes of
         * the run share our uid and our memory anyway; ptrace is denied by
         * seccomp. */
        (void)prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
        return PH_OK;
    }
    {
        /* Root without a uid of its own, or root of a user namespace: keep the
         * uid, drop every capability. */
        struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
        struct __user_cap_data_struct data[2];

        memset(data, 0, sizeof data);
        for (int cap = 0; cap <= 63; cap++)
            (void)prctl(PR_CAPBSET_DROP, cap, 0, 0, 0);
        if (syscall(SYS_capset, &hdr, data) != 0)
            return ph_errf(err, PH_EINTERNAL, "sandbox: dropping capabilities: %s",
                           strerror(errno));
    }
    return PH_OK;
}

/* ---- sandbox_enter: seccomp ---- */

/* Build the run's filter (not loaded).  Caller releases *out. */
static enum ph_rc build_seccomp(scmp_filter_ctx *out, struct ph_err *err)
{
    /* System calls no submission needs and that reach outside the run:
     * debugging other processes, the kernel's own state, new namespaces or
     * mounts (which would undo the view), io_uring (whose operations seccomp
     * cannot see), memfd (an executable file that bypasses noexec). */
    static const int denied[] = {
        SCMP_SYS(ptrace),
        SCMP_SYS(process_vm_readv),
        SCMP_SYS(process_vm_writev),
        SCMP_SYS(mount),
        SCMP_SYS(umount2),
        SCMP_SYS(pivot_root),
        SCMP_SYS(chroot),
        SCMP_SYS(kexec_load),
        SCMP_SYS(kexec_file_load),
        SCMP_SYS(bpf),
        SCMP_SYS(perf_event_open),
        SCMP_SYS(keyctl),
        SCMP_SYS(add_key),
        SCMP_SYS(request_key),
        SCMP_SYS(setns),
        SCMP_SYS(init_module),
        SCMP_SYS(finit_module),
        SCMP_SYS(delete_module),
        SCMP_SYS(reboot),
        SCMP_SYS(swapon),
        SCMP_SYS(swapoff),
        SCMP_SYS(acct),
        SCMP_SYS(quotactl),
        SCMP_SYS(settimeofday),
        SCMP_SYS(clock_settime),
        SCMP_SYS(clock_adjtime),
        SCMP_SYS(adjtimex),
        SCMP_SYS(iopl),
        SCMP_SYS(ioperm),
        SCMP_SYS(syslog),
        SCMP_SYS(userfaultfd),
        SCMP_SYS(open_by_handle_at),
        SCMP_SYS(name_to_handle_at),
        SCMP_SYS(lookup_dcookie),
        SCMP_SYS(fanotify_init),
        SCMP_SYS(io_uring_setup),
        SCMP_SYS(io_uring_enter),
        SCMP_SYS(io_uring_register),
        SCMP_SYS(fsopen),
        SCMP_SYS(fsconfig),
        SCMP_SYS(fsmount),
        SCMP_SYS(fspick),
        SCMP_SYS(move_mount),
        SCMP_SYS(open_tree),
        SCMP_SYS(mount_setattr),
        SCMP_SYS(pidfd_getfd),
        SCMP_SYS(pidfd_send_signal),
        SCMP_SYS(kcmp),
        SCMP_SYS(vhangup),
        SCMP_SYS(uselib),
        SCMP_SYS(sethostname),
        SCMP_SYS(setdomainname),
        SCMP_SYS(memfd_create),
        SCMP_SYS(memfd_secret),
        SCMP_SYS(personality),
    };
    static const unsigned long ns_flags[] = {CLONE_NEWNS,    CLONE_NEWUTS, CLONE_NEWIPC,
                                             CLONE_NEWUSER,  CLONE_NEWPID, CLONE_NEWNET,
                                             CLONE_NEWCGROUP};
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
    int r = 0;

    if (ctx == NULL)
        return ph_errf(err, PH_ENOMEM, "sandbox: seccomp_init failed");
    r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);
    for (size_t i = 0; r == 0 && i < sizeof denied / sizeof denied[0]; i++) {
        if (denied[i] < 0)
            continue; /* not on this architecture */
        r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), denied[i], 0);
    }
    /* unshare: nothing but a new IPC namespace, which is what a host's
     * parked worker takes for its run (an unprivileged worker is refused it
     * by the kernel anyway).  pidfd_open stays allowed: without
     * pidfd_send_signal and pidfd_getfd a pidfd only tells when a process
     * ends, and the host waits on its workers' pidfds under this filter. */
    if (r == 0)
        r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(unshare), 1,
                             SCMP_A0(SCMP_CMP_NE, CLONE_NEWIPC));
    /* Sockets: AF_UNIX only (multiprocessing's pipes, queues and managers). */
    if (r == 0)
        r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EAFNOSUPPORT), SCMP_SYS(socket), 1,
                             SCMP_A0(SCMP_CMP_NE, AF_UNIX));
    if (r == 0)
        r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EAFNOSUPPORT), SCMP_SYS(socketpair), 1,
                             SCMP_A0(SCMP_CMP_NE, AF_UNIX));
    /* fork() yes, new namespaces no; clone3 hides its flags in memory, so
     * make libc fall back to clone. */
    for (size_t i = 0; r == 0 && i < sizeof ns_flags / sizeof ns_flags[0]; i++)
        r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(clone), 1,
                             SCMP_A0(SCMP_CMP_MASKED_EQ, ns_flags[i], ns_flags[i]));
    if (r == 0)
        r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
    /* kill(-1) and kill(-pgid) reach beyond the run where there is no PID
     * namespace; the run signals its own processes by pid. */
    if (r == 0)
        r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(kill), 1,
                             SCMP_A0(SCMP_CMP_MASKED_EQ, 0x80000000u, 0x80000000u));
    /* Typing into the supervisor's terminal. */
    if (r == 0)
        r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(ioctl), 1,
                             SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffu, TIOCSTI));
    if (r == 0)
        r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(ioctl), 1,
                             SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffu, TIOCLINUX));
    if (r != 0) {
        seccomp_release(ctx);
        return ph_errf(err, PH_EINTERNAL, "sandbox: seccomp: %s", strerror(-r));
    }
    *out = ctx;
    return PH_OK;
}

/*
 * The filter compiled to BPF once, in the supervisor, and inherited by every
 * worker: libseccomp would otherwise build and compile it again for each run
 * (about 0.7 ms).  Empty when the export failed; then each run builds it.
 */
#define FILTER_MAX_INSNS 4096
static struct sock_filter filter_prog[FILTER_MAX_INSNS];
static unsigned short filter_len;
static int filter_tried;

static void prepare_seccomp(void)
{
    scmp_filter_ctx ctx = NULL;
    struct ph_err err = {0};
    int pfd[2];
    ssize_t n, got = 0;

    if (filter_tried)
        return;
    filter_tried = 1;
    if (build_seccomp(&ctx, &err) != PH_OK)
        return;
    if (pipe2(pfd, O_CLOEXEC) != 0) {
        seccomp_release(ctx);
        return;
    }
    /* A few hundred instructions fit a pipe's buffer many times over. */
    if (seccomp_export_bpf(ctx, pfd[1]) == 0) {
        close(pfd[1]);
        pfd[1] = -1;
        for (;;) {
            n = read(pfd[0], (char *)filter_prog + got, sizeof filter_prog - (size_t)got);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                break;
            got += n;
        }
        if (got > 0 && got % (ssize_t)sizeof filter_prog[0] == 0 &&
            (size_t)got < sizeof filter_prog)
            filter_len = (unsigned short)(got / (ssize_t)sizeof filter_prog[0]);
    }
    if (pfd[1] >= 0)
        close(pfd[1]);
    close(pfd[0]);
    seccomp_release(ctx);
}

static enum ph_rc install_seccomp(struct ph_err *err)
{
    scmp_filter_ctx ctx = NULL;
    enum ph_rc rc;
    int r;

    if (filter_len > 0) {
        struct sock_fprog prog = {filter_len, filter_prog};
        /* no_new_privs is already set (sandbox_enter); TSYNC as libseccomp
         * would: every thread gets the filter. */
        if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, &prog) == 0)
            return PH_OK;
        return ph_errf(err, PH_EINTERNAL, "sandbox: seccomp: %s", strerror(errno));
    }
    rc = build_seccomp(&ctx, err);
    if (rc != PH_OK)
        return rc;
    r = seccomp_load(ctx);
    seccomp_release(ctx);
    if (r != 0)
        return ph_errf(err, PH_EINTERNAL, "sandbox: seccomp: %s", strerror(-r));
    return PH_OK;
}

/* NAME=a:b:c from a NULL-terminated list (entries with ':' are skipped). */
static void set_list_env(const char *name, const char *const *list)
{
    char buf[4096];
    size_t used = 0;

    buf[0] = '\0';
    for (size_t i = 0; list != NULL && list[i] != NULL; i++) {
        int n;

        if (strchr(list[i], ':') != NULL)
            continue;
        n = snprintf(buf + used, sizeof buf - used, "%s%s", used > 0 ? ":" : "", list[i]);
        if (n < 0 || (size_t)n >= sizeof buf - used)
            break;
        used += (size_t)n;
    }
    if (used > 0)
        (void)setenv(name, buf, 1);
}

enum ph_rc sandbox_enter(const struct sandbox_run *run, struct ph_err *err)
{
    const struct sandbox_policy *p = run->policy;
    char num[32];
    enum ph_rc rc;

    (void)sandbox_probe();
    if (child_setup_error[0] != '\0')
        return ph_errf(err, PH_EINTERNAL, "sandbox: %s", child_setup_error);
    if (p == NULL)
        return ph_errf(err, PH_EINTERNAL, "sandbox: not in a run's worker");
    if (!limits_applied) {
        struct rlimit_plan plan;

        plan_rlimits(p, run->uid == 0, &plan);
        rc = apply_rlimits(&plan, err);
        if (rc != PH_OK)
            return rc;
    }
    /* For re-executed hosts (multiprocessing spawn): the policy of their hook. */
    (void)setenv(SANDBOX_ENV_SCRATCH, run->scratch, 1);
    if (p->python_dir != NULL)
        (void)setenv(SANDBOX_ENV_PYTHON, p->python_dir, 1);
    if (p->host_exe != NULL)
        (void)setenv(SANDBOX_ENV_EXE, p->host_exe, 1);
    snprintf(num, sizeof num, "%ld", (long)getpid());
    (void)setenv(SANDBOX_ENV_ROOT_PID, num, 1);
    set_list_env(SANDBOX_ENV_HIDDEN, p->hidden_paths);
    set_list_env(SANDBOX_ENV_READABLE, p->readable_paths);
    rc = drop_identity(run->uid, err);
    if (rc != PH_OK)
        return rc;
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
        return ph_errf(err, PH_EINTERNAL, "sandbox: no_new_privs: %s", strerror(errno));
    if (caps.seccomp && !filter_in_host)
        return install_seccomp(err);
    return PH_OK;
}

void sandbox_policy_from_env(struct sandbox_policy *p)
{
    memset(p, 0, sizeof *p);
    p->scratch_dir = getenv(SANDBOX_ENV_SCRATCH);
    p->python_dir = getenv(SANDBOX_ENV_PYTHON);
    p->host_exe = getenv(SANDBOX_ENV_EXE);
}

int sandbox_confined(void)
{
    return prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1;
}

/* ---- killing what a run left, without a PID namespace ---- */

/* 1 if `pid` is not the caller, not a zombie, and runs as *(uid_t *)arg. */
static int live_as_uid(long pid, void *arg)
{
    char path[64], buf[1024];
    const char *state, *uidline;

    if (pid == (long)getpid())
        return 0;
    snprintf(path, sizeof path, "/proc/%ld/status", pid);
    if (fileio_read_small(path, buf, sizeof buf) < 0)
        return 0;
    state = strstr(buf, "\nState:\t");
    uidline = strstr(buf, "\nUid:\t");
    if (state == NULL || uidline == NULL)
        return 0;
    return strtoul(uidline + 6, NULL, 10) == (unsigned long)*(uid_t *)arg && state[8] != 'Z';
}

/* 1 when some process running as `uid`, other than the caller, is not a
 * zombie (from /proc; 1 when /proc cannot tell). */
static int uid_has_live_process(uid_t uid)
{
    return for_each_pid(live_as_uid, &uid) != 0;
}

/* Kill every process running as `uid`: a helper with that uid calls kill(-1),
 * which reaches exactly those processes, until none is left. */
static void kill_uid(uid_t uid)
{
    pid_t pid = fork();

    if (pid < 0)
        return;
    if (pid == 0) {
        if (setgroups(0, NULL) != 0 || setresgid(uid, uid, uid) != 0 ||
            setresuid(uid, uid, uid) != 0)
            _exit(1);
        for (int i = 0; i < 1000; i++) {
            if (kill(-1, SIGKILL) != 0 && errno == ESRCH)
                _exit(0);
            /* kill() also "reaches" zombies (the worker waits for the
             * supervisor's wait4): done once only zombies are left. */
            if (i > 0 && !uid_has_live_process(uid))
                _exit(0);
            usleep(1000);
        }
        _exit(1);
    }
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
        ;
}

/* The parent pid of `pid`, from /proc; -1 if gone. */
static pid_t parent_of(pid_t pid)
{
    char path[64], buf[512];
    const char *p;

    snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
    if (fileio_read_small(path, buf, sizeof buf) < 0)
        return -1;
    p = strrchr(buf, ')');
    if (p == NULL || strlen(p) < 4)
        return -1;
    return (pid_t)strtol(p + 4, NULL, 10);
}

/* Without a PID namespace: the worker is a subreaper, so every process of
 * the run is its descendant; kill them (before the worker) until none is
 * left.  A process about to fork cannot, once SIGKILL is pending. */
struct descendants {
    pid_t root;
    int found;
};

static int kill_if_descendant(long pid, void *arg)
{
    struct descendants *k = arg;
    pid_t up;
    int depth = 0;

    if (pid <= 1 || pid == k->root)
        return 0;
    for (up = parent_of((pid_t)pid); up > 1 && up != k->root && depth < 64; depth++)
        up = parent_of(up);
    if (up == k->root) {
        (void)kill((pid_t)pid, SIGKILL);
        k->found = 1;
    }
    return 0;
}

static void kill_descendants(pid_t root)
{
    for (int round = 0; round < 100; round++) {
        struct descendants k = {root, 0};

        if (for_each_pid(kill_if_descendant, &k) < 0 || !k.found)
            return;
        usleep(1000);
    }
}
