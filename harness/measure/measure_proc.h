/*
 * measure_proc.h - the /proc readers of the run: its processes, their CPU,
 * resident sizes, PSS, reads and page faults, and the machine's busy time.
 */
#ifndef PH_MEASURE_PROC_H
#define PH_MEASURE_PROC_H

#include <stdint.h>
#include <sys/types.h>

#include "measure.h"

/* VmRSS of this process in bytes from /proc/self/status; -1 if unreadable. */
int64_t measure_rss_bytes(void);

/*
 * Count, in children_cpu_ns, the CPU of every process /proc shows (not only
 * reaped children) but PID 1.  For a worker whose PID namespace holds its run only.
 */
void measure_set_run_namespace(int on);

/*
 * The run's CPU as the kernel counts it for the run's cgroup
 * (sandbox_cgroup.h): `fd` reads its usage (cgroup v1 cpuacct.usage, or v2
 * cpu.stat), -1 for none.  A process the kernel reaps itself (its parent
 * ignores SIGCHLD) takes its CPU time out of every rusage and /proc figure
 * when it ends; the cgroup keeps it.  With one set, a span's run_cpu_ns is
 * the cgroup's growth over the span and children_cpu_ns that less the
 * observed process's own CPU; without, both come from rusage and /proc.
 */
void measure_set_run_cgroup(int fd);

/* Nanoseconds the run's cgroup counted so far; -1 without one or when
 * unreadable. */
int64_t measure_run_cgroup_cpu_ns(void);

/* The CPU nanoseconds a cgroup's usage file (v1 cpuacct.usage, v2
 * cpu.stat) open at `fd` shows; -1 when unreadable. */
int64_t measure_cgroup_usage_ns(int fd);

/* Count what /dev/shm holds as the run's memory: files there are tmpfs
 * pages no process's resident set shows.  Only for a run whose /dev/shm is
 * its own (sandbox_run.own_shm); off by default. */
void measure_count_shm(int on);
int measure_shm_counted(void);

/* Bytes of the regular files open in the observed run's processes that no
 * folder holds (unlinked, or made by O_TMPFILE), each file once: data the
 * run keeps that neither a resident set nor a walk of its folder shows.
 * Part of the run's memory (below) and of its disk quota.  0 outside a run
 * namespace of its own.  A sum taken less than 1 ms before is reused: the
 * disk and memory samples of one tick share one walk. */
int64_t measure_run_unlinked_bytes(void);

/* The memory of the whole observed run: the proportional set size (shared
 * pages split between the processes sharing them) of every process of the
 * run's PID namespace but its PID 1 and this one, and what /dev/shm, the
 * run's socket buffers and its unlinked open files hold (measure_count_shm,
 * measure_sock.h, measure_run_unlinked_bytes).  -1 when not observing or
 * unreadable. */
int64_t measure_run_pss_bytes(void);

/* The run's memory for its limit, as cheaply as it can be had: the PSS
 * above while a span that weighs the run is open (its samples are graded
 * figures), otherwise the resident sizes of the run's processes together,
 * an upper bound of their PSS read in O(1) per process where a PSS read
 * walks the page tables.  -1 when not observing or unreadable. */
int64_t measure_run_memory_bound(void);

/* Call fn(pid, arg) for every process of the observed run: the subject,
 * and every other process of the run's own PID namespace but its PID 1 and
 * this one (none without such a namespace, or before the run made one).
 * Stops early when fn returns nonzero.  Observing this process (no
 * subject), the run is this process and what the namespace shows. */
void measure_each_run_pid(int (*fn)(long pid, void *arg), void *arg);

/* Whether process `pid` still runs: neither gone nor a zombie waiting to be
 * reaped (it holds nothing and does nothing). */
int measure_pid_running(long pid);

/* Logical CPUs this process may run on. */
int measure_cpus(void);

/* 1 when the run has a PID namespace of its own (measure_set_run_namespace). */
int measure_in_run_namespace(void);

/* Within measure/, for measure_begin() and measure_end(): CPU of the reaped
 * children (RUSAGE_CHILDREN); of every other process of the run's own PID
 * namespace, from /proc (resolution: the clock tick); busy time of the
 * machine's CPUs we may run on (-1 if unknown). */
int64_t measure_children_cpu_ns(void);
int64_t measure_namespace_children_cpu_ns(void);
int64_t measure_machine_busy_ns(void);

/* VmHWM of the observed process (or this one) in bytes; -1 if unreadable. */
int64_t measure_hwm_bytes(void);

/* A span's /proc side: at its start, the resident-set marks (VmHWM reset),
 * the run's other processes, reads, faults and main thread, and its PSS when
 * `flags` has MEASURE_WEIGH; at its end, the run's peak resident size given
 * the kernel's figure `hwm` read with the span's clocks, then the figures of
 * the observed run (memory, reads, faults, main thread) into `out`. */
void measure_proc_span_begin(struct measure_span *s, unsigned flags);
int64_t measure_proc_hwm_end(const struct measure_span *s, int64_t hwm);
void measure_proc_span_end(const struct measure_span *s, struct measure_figures *out);

#endif
