/*
 * sandbox_landlock.h - the run's kernel-enforced file and signal scope
 * (Landlock): a worker reads only the view's system folders, the runtime
 * and what the policy names, writes only its scratch root and /dev/shm,
 * never opens /proc (but for three machine-wide files), and signals only
 * the processes it made itself.  The ruleset is built once per host and
 * entered by each worker in sandbox_enter().
 */
#ifndef PH_SANDBOX_LANDLOCK_H
#define PH_SANDBOX_LANDLOCK_H

#include "err.h"
#include "sandbox.h"

/* Where a host keeps the ruleset for its workers: above everything a
 * worker's set-up closes, under the runs' RLIMIT_NOFILE. */
#define SBX_LANDLOCK_FD 255

/* The Landlock ABI this kernel offers, 0 when none (cheap, cached). */
int sbx_landlock_abi(void);

/* In a host, inside its view: build the runs' ruleset from `p` and keep it
 * at SBX_LANDLOCK_FD.  PH_OK without doing anything when the kernel has no
 * Landlock. */
enum ph_rc sbx_landlock_prepare(const struct sandbox_policy *p, struct ph_err *err);

/* In a worker (no_new_privs set): enter the ruleset its host kept, and
 * close it.  PH_OK when there is none to enter. *entered says whether it did. */
enum ph_rc sbx_landlock_enter(int *entered, struct ph_err *err);

/* Whether this process entered a ruleset that scopes its signals. */
int sbx_landlock_signals_scoped(void);

#endif
