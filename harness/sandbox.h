/*
 * sandbox.h - confinement of the processes that run candidate code.
 *
 * Owns the layers that stand between a submission and the host: process
 * creation into fresh namespaces (sandbox_fork), resource limits and seccomp
 * (sandbox_enter), and the probe that tells which layers this machine allows
 * (sandbox_probe, shown by `pyharness doctor` and in reports).  The CPython
 * audit hook lives in sandbox_audit.c because it needs Python.h.
 */
#ifndef PH_SANDBOX_H
#define PH_SANDBOX_H

#include <stddef.h>
#include <sys/types.h>

#include "err.h"

struct sandbox_policy {
    const char *scratch_dir; /* the only writable place; borrowed */
    const char *python_dir;  /* the runtime package, readable; borrowed */
    const char *host_exe;    /* this binary, re-executed by multiprocessing spawn */
    double cpu_s;            /* RLIMIT_CPU soft; hard is a little above */
    size_t memory_bytes;     /* data segment growth allowed */
    size_t fsize_bytes;      /* largest file the run may write */
    unsigned nproc;          /* processes at once */
    int network;             /* 0: no network at all (the default) */
    /* Optional, NULL-terminated lists (borrowed).  hidden_paths are made
     * invisible in the mount view and unreadable to the audit hook even when
     * they lie inside a tree that is otherwise visible (the exercise bank is
     * always hidden; pass other submissions, the harness tree, ...).
     * readable_paths are extra files or folders the run may read (the
     * submission file, if it is not copied into scratch_dir). */
    const char *const *hidden_paths;
    const char *const *readable_paths;
};

/* Which layers work on this machine; filled by sandbox_probe(). */
struct sandbox_caps {
    int rlimits;
    int uid_drop; /* runs as a dedicated unprivileged uid (root only) */
    int pid_namespace;
    int net_namespace;
    int mount_namespace;
    int user_namespace;
    int ipc_namespace;
    int seccomp;
    int audit_hooks;
    int subreaper;
    int no_new_privs;
    char notes[1024]; /* why a layer is missing, for doctor and reports */
};

/* Probe once (cheap, cached); never fails, missing layers are reported. */
const struct sandbox_caps *sandbox_probe(void);

/*
 * Create the process that will run candidate code.  Returns like fork(): 0 in
 * the new process, its pid in the caller, -1 with `err` set.  The new process
 * leads its own process group, and, where the machine allows, is PID 1 of a
 * fresh PID namespace with empty network and IPC namespaces, so that every
 * descendant dies with it.  Must be called with no other threads running.
 */
pid_t sandbox_fork(const struct sandbox_policy *p, struct ph_err *err);

/*
 * In the process sandbox_fork() returned 0 in: apply rlimits, drop what can
 * be dropped, and install the seccomp filter.  Call after the interpreter is
 * ready and before candidate code runs.  Irreversible.
 */
enum ph_rc sandbox_enter(const struct sandbox_policy *p, struct ph_err *err);

/* Kill every process of the run rooted at `pid` (its group or namespace).
 * Does not reap `pid` itself: the caller does, with wait4(), to read the
 * run's rusage (CPU and peak RSS the submission cannot touch). */
void sandbox_kill(pid_t pid);

/*
 * Environment variables through which a process of a run tells a re-executed
 * host (multiprocessing spawn/forkserver, "child mode") the policy for its
 * audit hook.  sandbox_enter() sets them; sandbox_policy_from_env() reads
 * them.  They cannot widen anything: a host that finds itself confined
 * (no_new_privs set) arms its hook at install time whatever they say.
 */
#define SANDBOX_ENV_SCRATCH "PYHARNESS_SANDBOX_SCRATCH"
#define SANDBOX_ENV_PYTHON "PYHARNESS_SANDBOX_PYTHON"
#define SANDBOX_ENV_EXE "PYHARNESS_SANDBOX_EXE"
#define SANDBOX_ENV_ROOT_PID "PYHARNESS_SANDBOX_ROOT_PID"
#define SANDBOX_ENV_HIDDEN "PYHARNESS_SANDBOX_HIDDEN"     /* ':'-separated */
#define SANDBOX_ENV_READABLE "PYHARNESS_SANDBOX_READABLE" /* ':'-separated */

/* Fill `p` from the SANDBOX_ENV_* variables (strings borrowed from the
 * environment; zero-initialised fields otherwise).  Never fails. */
void sandbox_policy_from_env(struct sandbox_policy *p);

/* 1 if this process already runs confined by sandbox_enter() (it or an
 * ancestor set no_new_privs and a seccomp filter), else 0. */
int sandbox_confined(void);

/* Kill every process of every run still alive (at exit or on a fatal signal
 * of the supervisor).  Safe to call more than once. */
void sandbox_kill_all(void);

/* A JSON-friendly one-line summary of active layers, e.g. "rlimits,pidns,netns,seccomp,audit".
 * Static storage. */
const char *sandbox_layers_string(void);

#endif
