/*
 * sandbox_reap.h - killing what a run left where there is no PID namespace
 * to kill it with: every process of the run's uid, every descendant.
 */
#ifndef PH_SANDBOX_REAP_H
#define PH_SANDBOX_REAP_H

#include <sys/types.h>

/* Kill every process running as `uid` (never 0) until none is left. */
void sbx_reap_uid(uid_t uid);

/* Kill every descendant of `root` (found in /proc) until none is left. */
void sbx_reap_descendants(pid_t root);

#endif
