/*
 * sandbox_enter.h - what a worker applies to itself before candidate code
 * runs (rlimits, identity, no_new_privs, seccomp), and the environment
 * through which a re-executed host learns its hook's policy.
 */
#ifndef PH_SANDBOX_ENTER_H
#define PH_SANDBOX_ENTER_H

#include "err.h"
#include "sandbox.h"

/*
 * In a worker: apply rlimits (a host's parked worker set them before its
 * job arrived), drop to the run's identity, no_new_privs and the seccomp
 * filter.  Call after the interpreter is ready and before
 * candidate code runs.  Irreversible.
 */
enum ph_rc sandbox_enter(const struct sandbox_run *run, struct ph_err *err);

/*
 * The capabilities a check runner keeps (it stays root, the host's uid, so
 * that the worker, another uid, cannot reach its memory): to read the
 * worker's /proc files that need ptrace access (smaps, io, fdinfo,
 * syscall, wchan), to write its clear_refs and files into the run's folder
 * (owned by the run's uid), and to signal the run's processes (the
 * watchdog's SIGUSR2, SIGKILL on a memory limit, what a pool left).  Tried
 * smaller on generators-streaming's reference: without DAC_OVERRIDE the
 * runner cannot write the run's files ("Permission denied", the reference
 * fails); without SYS_PTRACE io_read_bytes reads 0 for every span (the
 * worker's io and smaps are refused), silently.  Without KILL the corpus's
 * leftover-process entries still held (the host kills the run at its end),
 * but the runner's own signals to the worker would fail.
 */
#define SANDBOX_RUNNER_CAPS                                                                        \
    ((1ull << 1 /* CAP_DAC_OVERRIDE */) | (1ull << 5 /* CAP_KILL */) |                             \
     (1ull << 19 /* CAP_SYS_PTRACE */))

/*
 * In a check runner, once its worker is forked (which needs the rest, to
 * take the run's uid): keep no capability but SANDBOX_RUNNER_CAPS (those it
 * holds), in every set, and clear the bounding set of the others, so that
 * no exec gets them back.  PH_OK, or an error when the kernel refused
 * capset (the bounding set is cleared where CAP_SETPCAP allows).
 */
enum ph_rc sandbox_runner_confine(struct ph_err *err);

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

#endif
