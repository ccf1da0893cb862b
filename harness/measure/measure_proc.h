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

/* Count what /dev/shm holds as the run's memory: files there are tmpfs
 * pages no process's resident set shows.  Only for a run whose /dev/shm is
 * its own (sandbox_run.own_shm); off by default. */
void measure_count_shm(int on);

/* The memory of the whole observed run: the proportional set size (shared
 * pages split between the processes sharing them) of every process of the
 * run's PID namespace but its PID 1 and this one, and what /dev/shm holds
 * (measure_count_shm).  -1 when not observing or unreadable. */
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

struct run_io {
    int64_t rchar, faults;
};

struct others_sum {
    const struct measure_span *s;
    int64_t peak, growth;
};

/* Within measure/: what a span reads at its edges. */
int64_t children_cpu_ns(void);
extern int ns_scope;
int64_t shm_bytes(void);
int64_t namespace_children_cpu_ns(void);
extern int64_t pss_seen;
extern int64_t pss_base;
extern int weighing;
int64_t main_thread_ns(void);
struct run_io run_io(void);
int note_other(long pid, void *arg);
int sum_other(long pid, void *arg);
int64_t measure_hwm_bytes(void);
extern int64_t hwm_seen;
int measure_reset_hwm(void);
int64_t machine_busy_ns(void);

#endif
