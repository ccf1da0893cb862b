/*
 * sandbox.h - confinement of the processes that run candidate code.
 *
 * Owns the layers that stand between a submission and the host: the hosts
 * that hold fresh namespaces and fork a worker per run (sandbox_host_start,
 * sandbox_run_start), resource limits and seccomp (sandbox_enter, sandbox_enter.h), and the
 * probe that tells which layers this machine allows (sandbox_probe.h, shown by
 * `pyharness doctor` and in reports).  The CPython
 * audit hook lives in sandbox_audit.c because it needs Python.h.
 */
#ifndef PH_SANDBOX_H
#define PH_SANDBOX_H

#include <stddef.h>
#include <sys/resource.h>
#include <sys/types.h>

#include "err.h"
#include "sandbox_probe.h"

struct sandbox_policy {
    const char *scratch_dir; /* the only writable place; borrowed */
    const char *python_dir;  /* the runtime package, readable; borrowed */
    const char *host_exe;    /* this binary, re-executed by multiprocessing spawn */
    double cpu_s;            /* RLIMIT_CPU soft; hard is a little above */
    size_t memory_bytes;     /* data segment growth allowed */
    size_t fsize_bytes;      /* largest file the run may write */
    unsigned nproc;          /* processes at once */
    int network;             /* 0: no network at all (the default) */
    /* The run's disk quota: with a mount namespace, each run's folder is a
     * tmpfs of this size and inode count (plus a little slack,
     * sandbox_runfs.h), so the kernel counts every byte and file the run
     * holds there.  0: the folder stays on the scratch root's disk. */
    unsigned long long disk_bytes;
    unsigned long long disk_files;
    /* Optional, NULL-terminated lists (borrowed).  hidden_paths are made
     * invisible in the mount view and unreadable to the audit hook even when
     * they lie inside a tree that is otherwise visible (the exercise bank is
     * always hidden; pass other submissions, the harness tree, ...).
     * readable_paths are extra files or folders the run may read (the
     * submission file, if it is not copied into scratch_dir). */
    const char *const *hidden_paths;
    const char *const *readable_paths;
    /* For sandbox_audit_arm(): the run's processes are alone in a PID
     * namespace whose init is its host, even when the armed process is not
     * the host's child (a worker forked by its check runner).  When 0, the
     * hook infers it from the armed process's parent being PID 1. */
    int own_pid_ns;
};

/*
 * A host holds one set of namespaces (PID, network, IPC, mount) and the
 * mount view for many runs, one at a time: it is PID 1 of its PID namespace
 * and forks a fresh worker for every run (ahead of the run, once the
 * previous one has ended).  Building namespaces and a mount
 * view costs milliseconds; a run then costs one fork.  Nothing of a run
 * outlives it: when its worker ends, the host kills every other process of
 * the namespace, reaps them, empties the private /dev/shm and only then
 * reports the end to the supervisor.  Each run also gets its own uid (as
 * root), its own IPC namespace and its own scratch folder.
 */
struct sandbox_host;

/* One run, as the supervisor prepares it (sandbox_run_new) and the worker
 * sees it. */
struct sandbox_run {
    char scratch[4096];                  /* its own folder, inside the host's scratch root */
    unsigned uid;                        /* the uid it runs as; 0: it keeps the caller's */
    const struct sandbox_policy *policy; /* in the worker: the host's policy; else NULL */
    int own_shm; /* 1: /dev/shm is the view's tmpfs, the run's alone (emptied after it) */
    int own_net; /* 1: the network namespace is the host's, whose runs are one at a time */
};

struct sandbox_hooks {
    /* Around every fork (the host's and each worker's): PyOS_BeforeFork and
     * friends for an embedded interpreter.  Each may be NULL. */
    void (*before_fork)(void);
    void (*after_fork_parent)(void);
    void (*after_fork_child)(void);
    /* In the host, once, inside its namespaces and view, before any run:
     * 0, or -1 with a message (the host then fails to start, and
     * sandbox_host_start() returns PH_EINPUT with that message: the
     * caller's input was at fault).  May be NULL. */
    int (*host_init)(void *arg, char *msg, size_t cap);
    /* In each worker, with fds 1, 2 and 3 the run's stdout, stderr and
     * result pipe, its cwd the run's folder.  It must call sandbox_enter()
     * before running candidate code.  Never returns. */
    void (*body)(const struct sandbox_run *run, const void *job, size_t len, void *arg);
    /* In each worker while it is parked, before its job arrives and off the
     * run's clock: what does not depend on the job (a caller that splits a
     * run into processes forks the others here).  May be NULL. */
    void (*parked)(void *arg);
    void *arg;
};

/* Descriptors the parked hook keeps for the body: at or above this number
 * they survive the worker's clean-up of inherited fds. */
#define SANDBOX_PARKED_FD_MIN 240 /* under the runs' RLIMIT_NOFILE (256) */

/* Largest job payload sandbox_run_start() carries. */
#define SANDBOX_JOB_MAX (64u * 1024)

/*
 * Start a host for policy `p`, whose scratch_dir is the scratch root: an
 * existing absolute folder that holds the runs' folders.  `p`, its strings
 * and `hooks` must stay valid until sandbox_host_stop().  Must be called
 * with no other threads running.
 */
enum ph_rc sandbox_host_start(const struct sandbox_policy *p, const struct sandbox_hooks *hooks,
                              struct sandbox_host **out, struct ph_err *err);

/*
 * Start a host as sandbox_host_start() does, but as a new program: a child
 * execve()s argv[0] with `argv` and `envp` (the caller's clean environment),
 * so the host holds nothing of this process's memory (keys read from the
 * environment or files, other runs' sources, answer keys).  The program
 * finds its control socket on SANDBOX_EXEC_CTRL_FD and reads `config` (len
 * bytes, copied) with sandbox_host_exec_config(), then calls
 * sandbox_host_exec_serve() with its own policy and hooks (or
 * sandbox_host_exec_refuse()).  `p` must describe the same policy (the
 * scratch root) and stay valid until sandbox_host_stop().
 */
enum ph_rc sandbox_host_exec(const struct sandbox_policy *p, const char *const *argv,
                             const char *const *envp, const void *config, size_t len,
                             struct sandbox_host **out, struct ph_err *err);

/* The descriptors an exec'd host starts with. */
#define SANDBOX_EXEC_CTRL_FD 3
#define SANDBOX_EXEC_INFO_FD 4
#define SANDBOX_EXEC_CONFIG_FD 5

/* In the exec'd program: read what sandbox_host_exec() sent (and adopt the
 * supervisor's probe).  *config is NUL-terminated; caller frees it. */
enum ph_rc sandbox_host_exec_config(void **config, size_t *len, struct ph_err *err);

/* In the exec'd program: become the host (relay first where PID namespaces
 * work) for `p` and `hooks`, which must stay valid.  Never returns. */
_Noreturn void sandbox_host_exec_serve(const struct sandbox_policy *p,
                                       const struct sandbox_hooks *hooks);

/* In the exec'd program, before serving: report why it cannot (input_fault:
 * the caller's input, e.g. a broken checks.py) and exit. */
_Noreturn void sandbox_host_exec_refuse(int input_fault, const char *msg);

/* 1 while the host can take runs, as far as the supervisor knows: a host
 * that died since is found out by the next sandbox_run_start(). */
int sandbox_host_alive(const struct sandbox_host *h);

/* The host process, as this PID namespace numbers it (for `doctor` and
 * tests); 0 if unknown. */
pid_t sandbox_host_pid(const struct sandbox_host *h);

/* Kill the host and whatever runs in it, reap it, free `h`.  Accepts NULL. */
void sandbox_host_stop(struct sandbox_host *h);

/* Make the next run's folder and identity.  The caller fills the folder and
 * removes it after the run (it stays the caller's to remove). */
enum ph_rc sandbox_run_new(struct sandbox_host *h, struct sandbox_run *run, struct ph_err *err);

/*
 * Start `run` (one at a time per host): hand its folder to its uid, send
 * `job` (at most SANDBOX_JOB_MAX bytes, copied) and fds[0..2] (the write
 * ends of stdout, stderr and the result pipe; -1 for /dev/null) to the host,
 * which forks the worker.  The caller may close its copies of fds afterwards.
 */
enum ph_rc sandbox_run_start(struct sandbox_host *h, const struct sandbox_run *run, const void *job,
                             size_t len, const int fds[3], struct ph_err *err);

/*
 * Collect the end of the running run, waiting at most `timeout_ms` (-1:
 * until it ends).  1: it ended and every process of it is gone; *status is
 * the worker's wait status, *ru the rusage of the whole run (CPU of every
 * process of it, the worker's peak RSS), figures the submission cannot
 * touch.  0: still running.  A host that dies under a run ends it as if its
 * worker had been killed by SIGKILL (and is not alive any more).
 */
int sandbox_run_wait(struct sandbox_host *h, int timeout_ms, int *status, struct rusage *ru);

/* End the running run now (timeout, output cap): every process of it is
 * killed.  Then collect it with sandbox_run_wait(). */
void sandbox_run_abort(struct sandbox_host *h);

/*
 * Layers of the probe (sandbox_probe.h) a run can go without although the
 * machine has them, when making them fails at run time: the run's cgroup
 * (its CPU account, `cgroupcpu`) and its folder's own tmpfs (`runfs`).
 */
enum {
    SANDBOX_LOST_CGROUPCPU = 1u << 0,
    SANDBOX_LOST_RUNFS = 1u << 1,
    SANDBOX_LOST_ALL = SANDBOX_LOST_CGROUPCPU | SANDBOX_LOST_RUNFS,
};

/* Which of those the last run collected by sandbox_run_wait() went without
 * (SANDBOX_LOST_* bits): all of them when its host died under it, since
 * nothing then says they held. */
unsigned sandbox_run_lost(const struct sandbox_host *h);

#endif
