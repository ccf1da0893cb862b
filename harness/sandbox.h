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
    const char *scratch_dir;  /* the only writable place; borrowed */
    const char *python_dir;   /* the runtime package, readable; borrowed */
    const char *host_exe;     /* this binary, re-executed by multiprocessing spawn */
    double cpu_s;             /* RLIMIT_CPU soft; hard is a little above */
    size_t memory_bytes;      /* data segment growth allowed */
    size_t fsize_bytes;       /* largest file the run may write */
    unsigned nproc;           /* processes at once */
    int network;              /* 0: no network at all (the default) */
};

/* Which layers work on this machine; filled by sandbox_probe(). */
struct sandbox_caps {
    int rlimits;
    int pid_namespace;
    int net_namespace;
    int mount_namespace;
    int user_namespace;
    int ipc_namespace;
    int seccomp;
    int audit_hooks;
    int subreaper;
    char notes[512]; /* why a layer is missing, for doctor and reports */
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

/* Kill every process of the run rooted at `pid` (its group or namespace). */
void sandbox_kill(pid_t pid);

/* A JSON-friendly one-line summary of active layers, e.g. "rlimits,pidns,netns,seccomp,audit".
 * Static storage. */
const char *sandbox_layers_string(void);

#endif
