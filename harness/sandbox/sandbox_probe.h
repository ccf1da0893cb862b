/*
 * sandbox_probe.h - which confinement layers this machine allows.
 *
 * Owns the cached probe (each layer tried once, in a throwaway child) that
 * `pyharness doctor` and the reports show, and PYHARNESS_SANDBOX_DISABLE,
 * the switch that turns a layer off for tests.
 */
#ifndef PH_SANDBOX_PROBE_H
#define PH_SANDBOX_PROBE_H

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
    int landlock;     /* the Landlock ABI, 0 when the kernel has none */
    int cgroup_cpu;   /* enum sbx_cgroup_kind: the run's CPU account (sandbox_cgroup.h) */
    char notes[1024]; /* why a layer is missing, for doctor and reports */
};

/* Probe once (cheap, cached); never fails, missing layers are reported.
 * Static storage. */
const struct sandbox_caps *sandbox_probe(void);

/* Take `c` (copied) as this process's probe, without probing: an exec'd
 * host adopts its supervisor's, which forks no probe children. */
void sandbox_probe_adopt(const struct sandbox_caps *c);

/* A JSON-friendly one-line summary of active layers, e.g. "rlimits,pidns,netns,seccomp,audit".
 * Static storage. */
const char *sandbox_layers_string(void);

/* The same for one run: the machine's layers less those the run went
 * without (`lost`, SANDBOX_LOST_* bits of sandbox.h, from its host's END).
 * A result lists these, never more than held for its run.  Static storage. */
const char *sandbox_run_layers_string(unsigned lost);

#endif
