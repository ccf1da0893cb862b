/*
 * sandbox_host.c - see sandbox_host.h.
 */
#include "sandbox_host.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fileio.h"
#include "sandbox.h"
#include "sandbox_internal.h"
#include "sandbox_cgroup.h"
#include "sandbox_landlock.h"
#include "sandbox_limits.h"
#include "sandbox_msg.h"
#include "sandbox_proc.h"
#include "sandbox_reap.h"
#include "sandbox_runfs.h"
#include "sandbox_seccomp.h"
#include "sandbox_view.h"

static int namespace_flags(void)
{
    int flags = 0;

    if (sbx_caps.pid_namespace)
        flags |= CLONE_NEWPID;
    if (sbx_caps.net_namespace)
        flags |= CLONE_NEWNET;
    if (sbx_caps.ipc_namespace)
        flags |= CLONE_NEWIPC | CLONE_NEWUTS; /* the same privilege: a host name of its own */
    if (sbx_caps.mount_namespace)
        flags |= CLONE_NEWNS;
    if (geteuid() != 0 && sbx_caps.user_namespace)
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
    if ((flags & CLONE_NEWUSER) != 0 && sbx_map_ids(uid, gid) != 0)
        return -1;
    *what = "making mounts private";
    if ((flags & CLONE_NEWNS) != 0 && mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
        return -1;
    return 0;
}

/* State of the host process itself (meaningful only there). */
static struct {
    int ctrl;
    pid_t self;
    int pidns; /* PID 1 of its own namespace */
    const struct sandbox_policy *policy;
    const struct sandbox_hooks *hooks;
    unsigned char *buf;         /* one JOB message */
    struct rlimit_plan *limits; /* the runs' rlimits (sbx_limits_plan) */
    int not_forked;             /* an exec'd host without a relay: no fork to recover from */
    char runfs[4096];           /* the running run's folder while its tmpfs is mounted, else "" */
    pid_t cg_owner;             /* names the host's cgroup folder (sandbox_cgroup.h) */
    struct sbx_cgroup_run cg;   /* the running run's cgroups (seq 0: none) */
    unsigned test_fail;         /* SANDBOX_LOST_* to fail at run time (test_fail_layers) */
} hs = {.cg = {0, -1, -1, -1, -1}};

static _Noreturn void fail_start(int ctrl, const char *what)
{
    char msg[256];

    snprintf(msg, sizeof msg, "%s: %s", what, strerror(errno != 0 ? errno : EINVAL));
    sbx_msg_send_end(ctrl, MSG_FAIL, 0, NULL, msg);
    _exit(RELAY_SETUP_FAILED);
}

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
    (void)fileio_each_pid(kill_unless_init, NULL);
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
    if (hs.pidns && sbx_filter_in_host) {
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
        sbx_reap_descendants(getpid());
    if (uid != 0)
        sbx_reap_uid(uid);
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

    if (!sbx_caps.mount_namespace)
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

/*
 * PYHARNESS_TEST_FAIL_RUN_LAYERS (a build with PH_TEST_SWITCHES only): a
 * comma-separated list of layers (`cgroupcpu`, `runfs`) whose making fails
 * at run time, as a refusing kernel or a full cgroup would, so that tests
 * can see a result list only what held for its run.  Read once by
 * host_main, before the environment is scrubbed.  SANDBOX_LOST_* bits.
 */
static unsigned test_fail_layers(void)
{
    unsigned bits = 0;
#ifdef PH_TEST_SWITCHES
    const char *p = getenv("PYHARNESS_TEST_FAIL_RUN_LAYERS");

    while (p != NULL && *p != '\0') {
        size_t item = strcspn(p, ",");

        if (item == strlen("cgroupcpu") && strncmp(p, "cgroupcpu", item) == 0)
            bits |= SANDBOX_LOST_CGROUPCPU;
        if (item == strlen("runfs") && strncmp(p, "runfs", item) == 0)
            bits |= SANDBOX_LOST_RUNFS;
        p += item;
        if (*p == ',')
            p++;
    }
#endif
    return bits;
}

/* The run's folder becomes a tmpfs of its quota (sandbox_runfs.h) before
 * its worker is handed the job.  Where that cannot be done, the folder stays
 * on the scratch root's disk, weighed by walking it as before. */
static void host_mount_runfs(const struct msg_job *job)
{
    struct ph_err err = {0};

    hs.runfs[0] = '\0';
    if (!sbx_caps.mount_namespace || hs.policy->disk_bytes == 0 || hs.policy->disk_files == 0 ||
        (hs.test_fail & SANDBOX_LOST_RUNFS) != 0)
        return;
    if (sbx_runfs_mount(job->scratch, (uid_t)job->uid, hs.policy->disk_bytes, hs.policy->disk_files,
                        &err) == PH_OK)
        snprintf(hs.runfs, sizeof hs.runfs, "%s", job->scratch);
}

/* After every process of the run is gone: what its file system held goes. */
static void host_unmount_runfs(void)
{
    if (hs.runfs[0] == '\0')
        return;
    sbx_runfs_unmount(hs.runfs);
    hs.runfs[0] = '\0';
}

/* Wait for the worker to end, acting on ABORT meanwhile.  Returns its wait
 * status; *ru its rusage. */
static int host_wait_worker(pid_t pid, uid_t uid, struct rusage *ru)
{
    int pidfd = sbx_pidfd_open(pid);
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
                host_unmount_runfs();
                sbx_cgroup_run_remove(&hs.cg);
                sbx_cgroup_host_close();
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
    /* Everything inherited goes but what the parked hook kept for the body. */
    close_range(4, SANDBOX_PARKED_FD_MIN - 1, 0);
    (void)setsid(); /* parked_main already tied it to the host's life */
    memset(&run, 0, sizeof run);
    memcpy(run.scratch, job->scratch, sizeof run.scratch);
    run.scratch[sizeof run.scratch - 1] = '\0';
    run.uid = job->uid;
    run.policy = hs.policy;
    run.own_shm = sbx_caps.mount_namespace;
    run.own_net = sbx_caps.net_namespace;
    if (chdir(run.scratch) != 0)
        snprintf(sbx_child_setup_error, sizeof sbx_child_setup_error, "chdir %s: %s", run.scratch,
                 strerror(errno));
    hs.hooks->body(&run, job + 1, job->len, hs.hooks->arg);
    _exit(RELAY_SETUP_FAILED);
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
    pid_t pid;                /* 0: none */
    int sock;                 /* the host's end of its job socket */
    struct sbx_cgroup_run cg; /* its run's cgroups (seq 0: none) */
} parked = {0, -1, {0, -1, -1, -1, -1}};

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
    /* Before anything of the run is forked: what the parked hook forks is
     * born in the run's cgroup, which counts it however it ends. */
    if (parked.cg.seq != 0)
        (void)sbx_cgroup_child_begin(&parked.cg);
    sbx_cgroup_run_remove(&hs.cg); /* empty here; its descriptors are the host's */
    /* The run's own IPC namespace; a failure stops the run in sandbox_enter. */
    if (sbx_caps.ipc_namespace && unshare(CLONE_NEWIPC) != 0)
        snprintf(sbx_child_setup_error, sizeof sbx_child_setup_error, "IPC namespace: %s",
                 strerror(errno));
    /* The limits depend on the host's policy alone: set now, off the run's
     * clock (sandbox_enter reports a failure). */
    if (sbx_limits_apply(hs.limits, &err) == PH_OK)
        sbx_limits_applied = 1;
    else if (sbx_child_setup_error[0] == '\0')
        snprintf(sbx_child_setup_error, sizeof sbx_child_setup_error, "%s", err.msg);
    if (hs.hooks->parked != NULL)
        hs.hooks->parked(hs.hooks->arg);
    sbx_cgroup_child_parked();
    n = sbx_msg_recv(sock, hs.buf, JOB_MSG_MAX, got);
    if (!sbx_msg_is_job(hs.buf, n))
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
    if (sbx_cgroup_active() && (hs.test_fail & SANDBOX_LOST_CGROUPCPU) == 0)
        (void)sbx_cgroup_run_make(&parked.cg); /* else the run goes without */
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
        sbx_cgroup_run_remove(&parked.cg);
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
    if (sbx_msg_send_fds(parked.sock, &iov, 1, got, nfd) != n) {
        (void)kill(pid, SIGKILL);
        while (waitpid(pid, NULL, __WALL) < 0 && errno == EINTR)
            ;
        /* What it forked (a runner's worker) dies with it (PDEATHSIG); the
         * removal waits for the kernel to let its cgroup go. */
        sbx_cgroup_run_remove(&parked.cg);
        pid = -1;
    } else {
        hs.cg = parked.cg;
    }
    parked.cg = (struct sbx_cgroup_run){0, -1, -1, -1, -1};
    close(parked.sock);
    return pid;
}

/* The kernel's count of the run's CPU (its cgroup: processes reaped by
 * nobody included), when above what rusage saw: what no wait collected is
 * added to the user time. */
static void host_run_cgroup_cpu(struct rusage *ru)
{
    int64_t cg = sbx_cgroup_usage_ns(hs.cg.run_usage);
    int64_t seen = ((int64_t)ru->ru_utime.tv_sec + ru->ru_stime.tv_sec) * 1000000000LL +
                   ((int64_t)ru->ru_utime.tv_usec + ru->ru_stime.tv_usec) * 1000LL;
    int64_t user;

    if (cg <= seen)
        return;
    user = ((int64_t)ru->ru_utime.tv_sec * 1000000LL + ru->ru_utime.tv_usec) + (cg - seen) / 1000;
    ru->ru_utime.tv_sec = (time_t)(user / 1000000LL);
    ru->ru_utime.tv_usec = (suseconds_t)(user % 1000000LL);
}

/*
 * Which of the probe's layers this run went without (SANDBOX_LOST_*), told
 * to the supervisor with its END: a result lists what held for its run, not
 * what the machine offers.  The CPU account held when the run's cgroups
 * were made and both counted CPU (the check runner's in run-N, the worker's
 * in run-N/w: a parked child that could not enter them leaves them at 0);
 * the folder's tmpfs held when it was mounted.
 */
static unsigned host_run_lost(void)
{
    unsigned lost = 0;

    if (sbx_caps.cgroup_cpu != 0 && (hs.cg.seq == 0 || sbx_cgroup_usage_ns(hs.cg.run_usage) <= 0 ||
                                     sbx_cgroup_usage_ns(hs.cg.work_usage) <= 0))
        lost |= SANDBOX_LOST_CGROUPCPU;
    if (sbx_caps.mount_namespace && hs.runfs[0] == '\0')
        lost |= SANDBOX_LOST_RUNFS;
    return lost;
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
    host_mount_runfs(job);
    getrusage(RUSAGE_CHILDREN, &before);
    pid = host_unpark(n, got);
    if (pid < 0) {
        /* None parked (a fork failed), or it died: the one way to make a
         * worker, now. */
        host_park();
        pid = host_unpark(n, got);
    }
    /* The job's payload may hold the grading's secrets (its header, the uid
     * and folder, is still needed): the next runs are forked from here. */
    if ((size_t)n > sizeof *job)
        explicit_bzero(hs.buf + sizeof *job, (size_t)n - sizeof *job);
    for (int i = 0; i < 3; i++) {
        if (fds[i] >= 0)
            close(fds[i]);
    }
    if (pid < 0) {
        host_unmount_runfs();
        sbx_cgroup_run_remove(&hs.cg);
        sbx_msg_send_run_end(hs.ctrl, W_EXITCODE(RELAY_SETUP_FAILED, 0), &ru, "fork failed",
                             SANDBOX_LOST_ALL);
        return;
    }
    status = host_wait_worker(pid, job->uid, &ru);
    host_end_run(pid, job->uid);
    /* CPU of everything the run forked, orphans included; peak RSS is the
     * worker's own (RUSAGE_CHILDREN keeps a maximum over all runs). */
    getrusage(RUSAGE_CHILDREN, &after);
    timersub(&after.ru_utime, &before.ru_utime, &ru.ru_utime);
    timersub(&after.ru_stime, &before.ru_stime, &ru.ru_stime);
    host_run_cgroup_cpu(&ru);
    host_clean_shm();
    sbx_msg_send_run_end(hs.ctrl, status, &ru, NULL, host_run_lost());
    /* After the END: an unmount waits for an RCU grace period (0.6-0.9 ms
     * here, asleep), which the supervisor need not wait for.  It takes the
     * mount out of the tree at once, before the supervisor, done with the
     * result, removes the folder it covered. */
    host_unmount_runfs();
    sbx_cgroup_run_remove(&hs.cg);
    host_park();
}

static _Noreturn void host_main(int ctrl)
{
    char msg[256] = "";

    hs.ctrl = ctrl;
    hs.self = getpid();
    hs.pidns = sbx_caps.pid_namespace && getpid() == 1;
    (void)prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    (void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    if (!hs.pidns && sbx_caps.subreaper)
        (void)prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    sbx_reset_signals();
    sbx_close_all_but(ctrl);
    sbx_quiet_stdio();
    hs.test_fail = test_fail_layers();
    sbx_scrub_env_block();
    if (hs.hooks->after_fork_child != NULL && !hs.not_forked)
        hs.hooks->after_fork_child();
    /* Before the view: its descriptors reach /sys/fs/cgroup, which the view
     * need not show.  Without it, runs fall back (sandbox_cgroup.h). */
    if (sbx_caps.cgroup_cpu != 0) {
        struct ph_err cerr = {0};

        if (!hs.pidns)
            sbx_cgroup_sweep();
        (void)sbx_cgroup_host_open(hs.cg_owner > 0 ? hs.cg_owner : getpid(), &cerr);
    }
    hs.buf = malloc(JOB_MSG_MAX);
    hs.limits = malloc(sizeof *hs.limits);
    if (hs.buf == NULL || hs.limits == NULL)
        fail_start(ctrl, "out of memory");
    if (sbx_caps.mount_namespace) {
        struct ph_err err = {0};

        if (sbx_view_build(hs.policy, &err) != PH_OK) {
            sbx_msg_send_end(ctrl, MSG_FAIL, 0, NULL, err.msg);
            _exit(RELAY_SETUP_FAILED);
        }
    }
    if (hs.hooks->host_init != NULL && hs.hooks->host_init(hs.hooks->arg, msg, sizeof msg) != 0) {
        /* Status 1: the caller's own set-up refused (its input), not ours. */
        sbx_msg_send_end(ctrl, MSG_FAIL, 1, NULL, msg[0] ? msg : "the host failed to initialise");
        _exit(RELAY_SETUP_FAILED);
    }
    /* Built inside the view, before the host's own filter: each worker
     * enters it (sandbox_enter). */
    {
        struct ph_err lerr = {0};

        if (sbx_landlock_prepare(hs.policy, &lerr) != PH_OK) {
            sbx_msg_send_end(ctrl, MSG_FAIL, 0, NULL, lerr.msg);
            _exit(RELAY_SETUP_FAILED);
        }
    }
    /* With its own PID namespace and /proc, the host can live under the
     * runs' filter (see sbx_filter_in_host); elsewhere each worker attaches it. */
    if (hs.pidns && sbx_caps.mount_namespace && sbx_caps.seccomp) {
        struct ph_err ferr = {0};

        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 && sbx_seccomp_install(&ferr) == PH_OK)
            sbx_filter_in_host = 1;
    }
    /* The runs' limits, worked out once: the host's own limits and memory
     * are what each worker starts from. */
    sbx_limits_plan(hs.policy, !sbx_caps.uid_drop, hs.limits);
    sbx_msg_send_end(ctrl, MSG_READY, 0, NULL, NULL);
    host_park();
    for (;;) {
        int fds[3];
        ssize_t n = sbx_msg_recv(ctrl, hs.buf, JOB_MSG_MAX, fds);

        if (n == 0)
            break;
        if (!sbx_msg_is_job(hs.buf, n)) {
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
    host_unmount_runfs();
    sbx_cgroup_run_remove(&parked.cg);
    sbx_cgroup_host_close();
    _exit(0);
}

/* With a PID namespace: the supervisor's child unshares, forks the host
 * (PID 1 of the new namespace) and waits for it.  It exists because the
 * process that creates a PID namespace stays outside it; it costs one fork
 * per host, not per run. */
_Noreturn void sbx_relay_main(const struct sandbox_policy *p, const struct sandbox_hooks *hooks,
                              pid_t supervisor, int ctrl, int info_fd)
{
    const char *what = "";
    pid_t host;
    int status = 0;

    hs.policy = p;
    hs.hooks = hooks;
    (void)setpgid(0, 0);
    if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0 || getppid() != supervisor)
        _exit(RELAY_SETUP_FAILED);
    if (enter_namespaces(namespace_flags(), &what) != 0)
        fail_start(ctrl, what);
    /* Only now: a non-dumpable process cannot write its own id maps. */
    (void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    /* The host's cgroup folder is named after this process, which outlives
     * it: here PIDs of other hosts' relays are visible to sweep. */
    hs.cg_owner = getpid();
    if (sbx_caps.cgroup_cpu != 0)
        sbx_cgroup_sweep();
    host = fork();
    if (host < 0)
        fail_start(ctrl, "fork of the namespace's init");
    if (host == 0) {
        close(info_fd);
        host_main(ctrl);
    }
    (void)write(info_fd, &host, sizeof host);
    sbx_close_all_but(-1);
    sbx_quiet_stdio();
    sbx_reset_signals();
    sbx_scrub_env_block();
    while (waitpid(host, &status, 0) < 0) {
        if (errno != EINTR)
            break;
    }
    /* However the host ended (killed, say): its cgroups go.  With the host
     * gone, so is every process of its namespace. */
    if (sbx_caps.cgroup_cpu != 0)
        sbx_cgroup_owner_remove(hs.cg_owner);
    _exit(0);
}

/* Without a PID namespace the supervisor's child is the host. */
_Noreturn void sbx_flat_main(const struct sandbox_policy *p, const struct sandbox_hooks *hooks,
                             pid_t supervisor, int ctrl)
{
    const char *what = "";

    hs.policy = p;
    hs.hooks = hooks;
    (void)setpgid(0, 0);
    if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0 || getppid() != supervisor)
        _exit(RELAY_SETUP_FAILED);
    if (enter_namespaces(namespace_flags() & ~CLONE_NEWPID, &what) != 0)
        fail_start(ctrl, what);
    host_main(ctrl);
}

_Noreturn void sbx_host_serve_exec(const struct sandbox_policy *p,
                                   const struct sandbox_hooks *hooks, pid_t supervisor, int ctrl,
                                   int info_fd)
{
    if (sbx_caps.pid_namespace)
        sbx_relay_main(p, hooks, supervisor, ctrl, info_fd);
    hs.not_forked = 1;
    sbx_flat_main(p, hooks, supervisor, ctrl);
}
