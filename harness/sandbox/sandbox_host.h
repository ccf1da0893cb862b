/*
 * sandbox_host.h - the processes a sandbox host is made of: the relay (the
 * supervisor's child that unshares a PID namespace and waits), the host
 * (PID 1 of that namespace, which never runs candidate code), and the
 * parked worker it forks ahead of each run.  See the diagram at the top of
 * sandbox.c.
 */
#ifndef PH_SANDBOX_HOST_H
#define PH_SANDBOX_HOST_H

#include <sys/types.h>

#include "sandbox.h"

/* In the supervisor's new child, with a PID namespace: unshare, fork the
 * host as PID 1 of the new namespace (its pid, as we see it, written to
 * info_fd) and wait for it.  `p` and `hooks` are this process's copies. */
_Noreturn void sbx_relay_main(const struct sandbox_policy *p, const struct sandbox_hooks *hooks,
                              pid_t supervisor, int ctrl, int info_fd);

/* Without a PID namespace the supervisor's child is the host itself. */
_Noreturn void sbx_flat_main(const struct sandbox_policy *p, const struct sandbox_hooks *hooks,
                             pid_t supervisor, int ctrl);

/* In a host process started by exec (sandbox_host_exec): whichever of the
 * two above applies.  No fork separates it from its start. */
_Noreturn void sbx_host_serve_exec(const struct sandbox_policy *p,
                                   const struct sandbox_hooks *hooks, pid_t supervisor, int ctrl,
                                   int info_fd);

#endif
