/*
 * sandbox_internal.h - what the sandbox's files share, and nothing outside
 * harness/sandbox/ includes.
 *
 * The sandbox is one module split by process and layer (see the diagram at
 * the top of sandbox.c): the probe (sandbox_probe.c), the supervisor side
 * (sandbox.c), the relay and host processes (sandbox_host.c), their control
 * messages (sandbox_msg.c), helpers for freshly forked processes
 * (sandbox_proc.c), and the layers a worker enters: rlimits
 * (sandbox_limits.c), the mount view (sandbox_view.c), seccomp
 * (sandbox_seccomp.c), identity and the rest of sandbox_enter()
 * (sandbox_enter.c); sandbox_reap.c kills what a run left where there is no
 * PID namespace.  The few variables below are process-wide state those
 * files share: each process (supervisor, host, worker) has its own copy.
 */
#ifndef PH_SANDBOX_INTERNAL_H
#define PH_SANDBOX_INTERNAL_H

#include "sandbox_probe.h"

/* Identities of runs when the supervisor is root: one uid per live run
 * (see sandbox_run_new), far above any real account, so RLIMIT_NPROC counts
 * only that run, kill(-1) as that uid reaches only it, and what one run
 * leaves behind is not the next run's to read. */
#define UID_BASE 1600000000u
/* A run's uid above UID_BASE: its host's pid (low UID_HOST_BITS) then the
 * host's run serial (low UID_SERIAL_BITS); UID_BASE + 2^29 stays below 2^31. */
#define UID_HOST_BITS 19
#define UID_SERIAL_BITS 10

/* Exit status of a process of ours whose setup failed before candidate code. */
#define RELAY_SETUP_FAILED 125

/* The layers this machine allows; filled by sandbox_probe() (sandbox_probe.c). */
extern struct sandbox_caps sbx_caps;

/* Set in the worker when setting up its run failed after the fork:
 * sandbox_enter reports it, so the run fails closed before candidate code
 * (sandbox_enter.c). */
extern char sbx_child_setup_error[256];
/* Set in a parked worker once its rlimits are in place (sandbox_enter.c). */
extern int sbx_limits_applied;
/*
 * Set in a host that installed the run's seccomp filter on itself before
 * parking its first worker: every worker inherits it, so none pays for
 * attaching it (about 0.1 ms a run).  Such a host lives under the filter
 * too, which refuses kill(-1): it ends runs with a /proc scan instead
 * (sandbox_enter.c).
 */
extern int sbx_filter_in_host;

#endif
