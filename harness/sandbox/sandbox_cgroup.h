/*
 * sandbox_cgroup.h - the run's CPU account: a cgroup per run, made by the
 * sandbox host, whose CPU figure the kernel keeps for every process the run
 * ever had.
 *
 * The CPU of a process reaches its parent's rusage only when the parent
 * waits for it.  A child the kernel reaps itself (its parent set SIGCHLD to
 * SIG_IGN, or SA_NOCLDWAIT) is counted nowhere once it is gone: red team
 * 11 spun processes beside a serial computation that way, and the run's
 * CPU time showed only the computation.  A cgroup's CPU usage counts every
 * task that ever ran in it, reaped by anyone or by nobody.
 *
 * Owns, in the host: a folder of its own in the CPU accounting hierarchy
 * (cgroup v1 `cpuacct`, else cgroup v2), named after the process that made
 * it, and per run two cgroups below it: `run-N` (the check runner and
 * everything below it, the host's figure of the whole run) and `run-N/w`
 * (the worker and its descendants, the figure spans are graded on).  The
 * folder's descriptor is opened before the host builds its mount view, so
 * the view need not show /sys.  The host removes a run's cgroups once every
 * process of the run is gone (sbx_cgroup_run_remove), and its own folder at
 * its end; its relay removes it again once the host is gone (killed, say),
 * and a folder whose owner died without removing it is removed by the next
 * host that starts (sbx_cgroup_sweep).
 *
 * Where no cgroup can be made (no hierarchy mounted, not root, a kernel
 * refusing), every call here is a no-op, the probe says so (layer
 * `cgroupcpu` missing in doctor and in a result's `sandbox`) and the CPU
 * figures fall back to rusage and /proc (measure_proc.h).
 */
#ifndef PH_SANDBOX_CGROUP_H
#define PH_SANDBOX_CGROUP_H

#include <stdint.h>
#include <sys/types.h>

#include "err.h"

/* Which hierarchy counts CPU: none, cgroup v1 cpuacct, cgroup v2. */
enum sbx_cgroup_kind { SBX_CGROUP_NONE = 0, SBX_CGROUP_V1 = 1, SBX_CGROUP_V2 = 2 };

/* Whether this process can make, enter and remove a cgroup that counts CPU:
 * tried for real (a throwaway cgroup made and removed).  On NONE, `why`
 * (may be NULL) says why. */
enum sbx_cgroup_kind sbx_cgroup_probe(char *why, size_t whylen);

/* Where PIDs of the initial namespace (or the supervisor's) are visible:
 * the relay, or a host without a PID namespace of its own.  Remove the
 * folders of owners that are gone. */
void sbx_cgroup_sweep(void);

/* In the host, before it builds its mount view: open the hierarchy and
 * make this host's folder, `pyharness-<owner>`, where `owner` is the PID,
 * in the supervisor's namespace, of the process that outlives the host
 * (its relay) or of the host itself.  PH_OK, or an error with nothing made
 * (the runs then go without a cgroup). */
enum ph_rc sbx_cgroup_host_open(pid_t owner, struct ph_err *err);

/* In the relay, once its host is gone however it ended: remove the folder
 * `owner` named and every run cgroup in it. */
void sbx_cgroup_owner_remove(pid_t owner);

/* Whether the host holds a folder (sbx_cgroup_host_open succeeded). */
int sbx_cgroup_active(void);

/* In the host, end: remove every run cgroup left and the host's folder.
 * Only once no process of any run is alive.  Safe to call twice. */
void sbx_cgroup_host_close(void);

/* One run's cgroups and the descriptors that read and fill them.  Every
 * descriptor is -1 when not open; `seq` 0 means none made. */
struct sbx_cgroup_run {
    unsigned seq;
    int run_procs;  /* run-N/cgroup.procs: the parked child enters it */
    int work_procs; /* run-N/w/cgroup.procs: the worker enters it */
    int run_usage;  /* run-N's CPU figure: the host's whole-run figure */
    int work_usage; /* run-N/w's CPU figure: the spans' (measure_proc.h) */
};

/* In the host, before forking a run's parked child: make run-N and
 * run-N/w and open their descriptors.  0, or -1 with *r left empty (the run
 * goes without one). */
int sbx_cgroup_run_make(struct sbx_cgroup_run *r);

/* In the host, once every process of the run is gone: close r's
 * descriptors and remove its cgroups (retrying while the kernel still
 * releases the last tasks).  Leaves *r empty; safe on an empty one. */
void sbx_cgroup_run_remove(struct sbx_cgroup_run *r);

/* Nanoseconds of CPU the cgroup behind the usage descriptor `fd` counted
 * so far; -1 when unreadable. */
int64_t sbx_cgroup_usage_ns(int fd);

/* In a run's parked child, first thing: keep what the run's processes need
 * at or above SANDBOX_PARKED_FD_MIN (the procs descriptors, and run-N/w's
 * usage for the check runner's spans), close the rest of the host's, and
 * enter run-N/w, so that whatever the parked hook forks (a check runner's
 * worker) is born there.  0, or -1 when it could not (the run then goes
 * without: its figures fall back). */
int sbx_cgroup_child_begin(struct sbx_cgroup_run *r);

/* In the parked child, once the parked hook returned: go up to run-N (out of
 * the figure spans read) and hand run-N/w's usage to measure_proc.h. */
void sbx_cgroup_child_parked(void);

/* In the worker, before any code of the submission runs (sandbox_enter):
 * enter run-N/w, and close the descriptor that could.  0 (also when there
 * is no cgroup), or -1 when it could not enter. */
int sbx_cgroup_worker_enter(void);

#endif
