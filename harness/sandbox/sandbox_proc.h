/*
 * sandbox_proc.h - helpers for the sandbox's own processes (relay, host,
 * parked worker) right after a fork, and small /proc and pidfd wrappers the
 * sandbox's files share.
 */
#ifndef PH_SANDBOX_PROC_H
#define PH_SANDBOX_PROC_H

#include <sys/types.h>

int sbx_pidfd_open(pid_t pid);
int sbx_pidfd_send_signal(int pidfd, int sig);

/* In a process that has just unshared CLONE_NEWUSER: map our uid/gid to 0.
 * 0, or -1 with errno set. */
int sbx_map_ids(uid_t uid, gid_t gid);

/* Close every fd except `keep` (-1 for none) and 0..2. */
void sbx_close_all_but(int keep);
/* Point 0, 1 and 2 at /dev/null. */
void sbx_quiet_stdio(void);
/* Every signal to its default, none blocked. */
void sbx_reset_signals(void);
/* Overwrite the environment block the process was started with. */
void sbx_scrub_env_block(void);

#endif
