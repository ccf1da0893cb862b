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
#include "fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sandbox_host.h"
#include "sandbox_internal.h"
#include "sandbox_msg.h"
#include "sandbox_proc.h"
#include "sandbox_reap.h"
#include "sandbox_seccomp.h"

#define TERM_WAIT_MS 1000   /* how long a host may take to end a run it was asked to end */
#define KILL_WAIT_MS 5000   /* how long we wait for a killed host's namespace to empty */
#define HOST_START_MS 30000 /* how long a host may take to build its namespaces and view */

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
    unsigned lost;                       /* SANDBOX_LOST_* of the run collected last */
};

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
    int pidfd = sbx_pidfd_open(pid);

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
        (void)sbx_pidfd_send_signal(h->host_pidfd, SIGKILL);
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
    if (!sbx_caps.pid_namespace && h->run_uid != 0)
        sbx_reap_uid(h->run_uid);
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

/* After the fork of a host's first process `pid`: file `h` (control socket
 * sv0; info0 the pipe on which a relay tells the host's pid, or -1) and wait
 * for READY.  Frees `h` on failure. */
static enum ph_rc host_adopt(struct sandbox_host *h, pid_t pid, int sv0, int info0,
                             struct sandbox_host **out, struct ph_err *err)
{
    enum ph_rc rc;

    (void)setpgid(pid, pid);
    h->child = pid;
    h->ctrl = sv0;
    h->host = pid;
    if (info0 >= 0) {
        pid_t host = 0;
        ssize_t n;

        do {
            n = read(info0, &host, sizeof host);
        } while (n < 0 && errno == EINTR);
        close(info0);
        h->host = n == (ssize_t)sizeof host && host > 0 ? host : 0;
    }
    if (h->host > 0)
        h->host_pidfd = sbx_pidfd_open(h->host);
    rc = host_wait_ready(h, err);
    if (rc != PH_OK) {
        sandbox_host_stop(h);
        return rc;
    }
    *out = h;
    return PH_OK;
}

/* What every host start needs first: the probe, the filter, the scratch
 * root's mode, `h`, the control socket and the relay's info pipe. */
static enum ph_rc host_prepare(const struct sandbox_policy *p, struct sandbox_host **hp, int sv[2],
                               int info[2], struct ph_err *err)
{
    struct sandbox_host *h;

    *hp = NULL;
    info[0] = info[1] = -1;
    if (p->scratch_dir == NULL || p->scratch_dir[0] != '/')
        return ph_errf(err, PH_EINTERNAL, "sandbox: the scratch root must be an absolute path");
    (void)sandbox_probe();
    if (sbx_caps.seccomp)
        sbx_seccomp_prepare();
    /* Runs' uids must reach their own folders inside it, and nothing else. */
    if (chmod(p->scratch_dir, 0711) != 0)
        return ph_errf(err, PH_EIO, "sandbox: chmod %s: %s", p->scratch_dir, strerror(errno));
    h = calloc(1, sizeof *h);
    if (h == NULL)
        return ph_errf(err, PH_ENOMEM, "out of memory");
    h->policy = p;
    h->host_pidfd = -1;
    h->ctrl = -1;
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) {
        free(h);
        return ph_errf(err, PH_EIO, "sandbox: socketpair: %s", strerror(errno));
    }
    if (sbx_caps.pid_namespace && pipe2(info, O_CLOEXEC) != 0) {
        close(sv[0]);
        close(sv[1]);
        free(h);
        return ph_errf(err, PH_EIO, "sandbox: pipe: %s", strerror(errno));
    }
    *hp = h;
    return PH_OK;
}

static void close_pair(int fds[2])
{
    for (int i = 0; i < 2; i++) {
        if (fds[i] >= 0)
            close(fds[i]);
        fds[i] = -1;
    }
}

enum ph_rc sandbox_host_start(const struct sandbox_policy *p, const struct sandbox_hooks *hooks,
                              struct sandbox_host **out, struct ph_err *err)
{
    struct sandbox_host *h;
    int sv[2], info[2];
    pid_t supervisor = getpid(), pid;
    enum ph_rc rc;

    *out = NULL;
    rc = host_prepare(p, &h, sv, info, err);
    if (rc != PH_OK)
        return rc;
    h->hooks = hooks;
    if (hooks->before_fork != NULL)
        hooks->before_fork();
    pid = fork();
    if (pid == 0) {
        close(sv[0]);
        if (info[0] >= 0)
            close(info[0]);
        if (sbx_caps.pid_namespace)
            sbx_relay_main(p, hooks, supervisor, sv[1], info[1]);
        sbx_flat_main(p, hooks, supervisor, sv[1]);
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
    return host_adopt(h, pid, sv[0], info[0], out, err);
}

/* What the supervisor tells an exec'd host ahead of the caller's bytes. */
struct exec_header {
    uint32_t magic;
    int32_t supervisor;
    struct sandbox_caps caps;
    uint32_t len; /* the caller's config bytes that follow */
};
#define EXEC_MAGIC 0x70687831u /* "phx1" */
#define EXEC_CONFIG_MAX (1024u * 1024)

/* In the child between fork and exec: only async-signal-safe calls. */
static _Noreturn void exec_child(const char *const *argv, const char *const *envp, int ctrl,
                                 int info, int cfg)
{
    int fds[3] = {ctrl, info, cfg};
    int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);

    /* Out of the way of 3..5 first, then into place, without CLOEXEC. */
    for (int i = 0; i < 3; i++)
        fds[i] = fds[i] >= 0 ? fcntl(fds[i], F_DUPFD_CLOEXEC, 64) : -1;
    if (devnull >= 0)
        (void)dup2(devnull, STDIN_FILENO);
    for (int i = 0; i < 3; i++) {
        if (fds[i] >= 0 && dup2(fds[i], SANDBOX_EXEC_CTRL_FD + i) < 0)
            _exit(RELAY_SETUP_FAILED);
    }
    close_range(SANDBOX_EXEC_CONFIG_FD + 1, ~0U, 0);
    if (info < 0)
        close(SANDBOX_EXEC_INFO_FD);
    (void)prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    execve(argv[0], (char *const *)argv, (char *const *)envp);
    _exit(RELAY_SETUP_FAILED);
}

enum ph_rc sandbox_host_exec(const struct sandbox_policy *p, const char *const *argv,
                             const char *const *envp, const void *config, size_t len,
                             struct sandbox_host **out, struct ph_err *err)
{
    struct sandbox_host *h;
    struct exec_header hdr;
    int sv[2], info[2], cfg[2] = {-1, -1};
    pid_t pid;
    enum ph_rc rc;

    *out = NULL;
    if (len > EXEC_CONFIG_MAX)
        return ph_errf(err, PH_EINTERNAL, "sandbox: a host configuration of %zu bytes", len);
    rc = host_prepare(p, &h, sv, info, err);
    if (rc != PH_OK)
        return rc;
    if (pipe2(cfg, O_CLOEXEC) != 0) {
        close_pair(sv);
        close_pair(info);
        free(h);
        return ph_errf(err, PH_EIO, "sandbox: pipe: %s", strerror(errno));
    }
    pid = fork();
    if (pid == 0)
        exec_child(argv, envp, sv[1], info[1], cfg[0]);
    close(sv[1]);
    close(cfg[0]);
    if (info[1] >= 0)
        close(info[1]);
    if (pid < 0) {
        close(sv[0]);
        close(cfg[1]);
        if (info[0] >= 0)
            close(info[0]);
        free(h);
        return ph_errf(err, PH_EIO, "sandbox: fork: %s", strerror(errno));
    }
    memset(&hdr, 0, sizeof hdr);
    hdr.magic = EXEC_MAGIC;
    hdr.supervisor = (int32_t)getpid();
    hdr.caps = sbx_caps;
    hdr.len = (uint32_t)len;
    /* A host that died before reading gets EPIPE here, and fails READY. */
    (void)(fileio_write_all(cfg[1], &hdr, sizeof hdr) == 0 &&
           fileio_write_all(cfg[1], config, len) == 0);
    close(cfg[1]);
    return host_adopt(h, pid, sv[0], info[0], out, err);
}

/* ---- in a host started by exec ---- */

static pid_t exec_supervisor;

enum ph_rc sandbox_host_exec_config(void **config, size_t *len, struct ph_err *err)
{
    struct exec_header hdr;
    char *buf = NULL;
    size_t got = 0;

    *config = NULL;
    *len = 0;
    memset(&hdr, 0, sizeof hdr);
    while (got < sizeof hdr) {
        ssize_t n = read(SANDBOX_EXEC_CONFIG_FD, (char *)&hdr + got, sizeof hdr - got);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return ph_errf(err, PH_EINTERNAL, "sandbox: no host configuration on fd %d",
                           SANDBOX_EXEC_CONFIG_FD);
        got += (size_t)n;
    }
    if (hdr.magic != EXEC_MAGIC || hdr.len > EXEC_CONFIG_MAX)
        return ph_errf(err, PH_EINTERNAL, "sandbox: a malformed host configuration");
    buf = malloc(hdr.len + 1u);
    if (buf == NULL)
        return ph_errf(err, PH_ENOMEM, "out of memory");
    got = 0;
    while (got < hdr.len) {
        ssize_t n = read(SANDBOX_EXEC_CONFIG_FD, buf + got, hdr.len - got);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            free(buf);
            return ph_errf(err, PH_EINTERNAL, "sandbox: a truncated host configuration");
        }
        got += (size_t)n;
    }
    buf[hdr.len] = '\0';
    close(SANDBOX_EXEC_CONFIG_FD);
    exec_supervisor = (pid_t)hdr.supervisor;
    sandbox_probe_adopt(&hdr.caps);
    *config = buf;
    *len = hdr.len;
    return PH_OK;
}

_Noreturn void sandbox_host_exec_refuse(int input_fault, const char *msg)
{
    sbx_msg_send_end(SANDBOX_EXEC_CTRL_FD, MSG_FAIL, input_fault ? 1 : 0, NULL, msg);
    _exit(RELAY_SETUP_FAILED);
}

_Noreturn void sandbox_host_exec_serve(const struct sandbox_policy *p,
                                       const struct sandbox_hooks *hooks)
{
    if (sbx_caps.seccomp)
        sbx_seccomp_prepare();
    sbx_host_serve_exec(p, hooks, exec_supervisor, SANDBOX_EXEC_CTRL_FD, SANDBOX_EXEC_INFO_FD);
}

int sandbox_host_alive(const struct sandbox_host *h)
{
    return h != NULL && h->ctrl >= 0;
}

pid_t sandbox_host_pid(const struct sandbox_host *h)
{
    return h != NULL ? h->host : 0;
}

void sandbox_host_stop(struct sandbox_host *h)
{
    if (h == NULL)
        return;
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

enum ph_rc sandbox_run_new(struct sandbox_host *h, struct sandbox_run *run, struct ph_err *err)
{
    memset(run, 0, sizeof *run);
    h->serial++;
    /* Unique among live runs: hosts differ by pid, a host's runs by serial,
     * and a run's processes are all dead before its uid comes round again. */
    if (sbx_caps.uid_drop)
        run->uid = UID_BASE + ((unsigned)(h->host % (1u << UID_HOST_BITS)) << UID_SERIAL_BITS) +
                   (unsigned)(h->serial % (1u << UID_SERIAL_BITS));
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
    n = sbx_msg_send_fds(h->ctrl, iov, len > 0 ? 2 : 1, sent, nfd);
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
    h->lost = m.lost & SANDBOX_LOST_ALL;
    return 1;
died:
    /* The host died under the run: as if its worker had been killed. */
    h->running = 0;
    *status = SIGKILL;
    h->lost = SANDBOX_LOST_ALL;
    return 1;
}

unsigned sandbox_run_lost(const struct sandbox_host *h)
{
    return h != NULL ? h->lost : SANDBOX_LOST_ALL;
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
