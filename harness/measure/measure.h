/*
 * measure.h - time and memory figures taken from C: the clocks, the process
 * a check runner observes, and measurement spans (measure_begin/measure_end).
 *
 * The module's other parts, each with its own header: the counting
 * allocator (measure_alloc.h), the /proc readers of the run
 * (measure_proc.h), how the run's threads share the CPUs (measure_sched.h),
 * and figures to JSON and back (measure_json.h).  Python code can read
 * figures but cannot change them: the counters live in these files'
 * statics, out of reach of anything but native code.
 */
#ifndef PH_MEASURE_H
#define PH_MEASURE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <time.h>

struct measure_figures {
    int64_t wall_ns;          /* CLOCK_MONOTONIC */
    int64_t cpu_ns;           /* the process, all its threads */
    int64_t children_cpu_ns;  /* children reaped during the span */
    int64_t py_peak_bytes;    /* highest live Python-allocated bytes above the start */
    int64_t py_current_bytes; /* live bytes at the end minus at the start */
    int64_t py_allocs;        /* allocation calls (malloc, calloc, realloc of NULL) */
    /* VmHWM during the span (reset at its start), and VmHWM at the end minus
     * VmRSS at the start.  Observed from outside, the run's processes
     * together: each one's peak (or growth) summed, a process born during the
     * span counted by its proportional set size at the end. */
    int64_t rss_peak_bytes;
    int64_t rss_growth_bytes;
    /* Observed from outside: CPU of every process of the run (cpu_ns +
     * children_cpu_ns), and the bytes they read (rchar of /proc/<pid>/io:
     * files, pipes, the runner's socket); -1 when not observed. */
    int64_t run_cpu_ns;
    int64_t io_read_bytes;
    /* Observed from outside: page faults of the run's processes (minor and
     * major; memory first touched, which giving other memory back cannot
     * hide); -1 when not observed. */
    int64_t page_faults;
    /* Observed from outside: CPU of the worker's main thread alone (the one
     * that runs the requests), from its schedstat; -1 when not observed.  A
     * serial run is measured on it, so a thread spinning beside the work
     * cannot inflate what a speed-up is measured against. */
    int64_t main_thread_cpu_ns;
    /* Observed from outside, for a span that asked (measure_sched_next_span):
     * how the run's threads shared the CPUs, from their schedstat sampled
     * while the span ran.  runnable_ns sums every thread's time running or
     * waiting in a run queue; busiest_cpu_ns is the CPU time of the run's
     * busiest process.  -1 when not observed. */
    int64_t runnable_ns, busiest_cpu_ns;
    double parallelism; /* (cpu + children cpu) / wall */
    int rss_reset;      /* 1 when the kernel let us reset VmHWM */
    /* Competing load over the span, from /proc/stat (the CPUs this process
     * may run on): CPU time the machine spent on anything but this run, and
     * the cores left for the run (CPUs - other / wall); -1 when unknown. */
    int64_t other_cpu_ns;
    double cores_free;
    /* Repeated measurements (measure_pick_median): the figures above are
     * medians; the fastest and slowest wall and CPU times give the spread. */
    int repeats;
    int64_t wall_min_ns, wall_max_ns, cpu_min_ns, cpu_max_ns;
    /* Speed-up against a serial cost measured in the same check
     * (measure_speedup); 0 when none was given. */
    double speedup;          /* serial CPU time / wall time */
    double speedup_possible; /* min(cores free, tasks that can run at once) */
    /* The same span judged without its wall time, so that other load on the
     * machine changes none of them (-1 when not observed): how many of the
     * run's threads wanted a CPU at once (runnable / wall), how far the
     * work was divided (serial / busiest process), and how little of it was
     * wasted (serial / the run's CPU time). */
    double concurrency, split, efficiency;
    /* min(split, concurrency): how many processes did the work at once, and
     * max_parallel, how many could (the check's tasks, workers and CPUs). */
    double parallel_achieved, max_parallel;
    /* 1 when wall, CPU and resident-set figures were taken from outside the
     * measured process (measure_observe); the Python figures and the two
     * below are then the worker's own report, kept as a cross-check. */
    int outside;
    int64_t inside_wall_ns, inside_cpu_ns;
};

/* Processes of a run besides its worker whose memory a span follows one by
 * one (the run's nproc limit is 64 by default); more are counted like
 * processes born during the span. */
#define MEASURE_OTHERS_MAX 64

/* The state saved by measure_begin(); spans nest (an inner span does not
 * lose the outer one's peak). */
struct measure_span {
    int64_t t0_busy; /* busy CPU time of the machine (our CPUs), -1 if unknown */
    int64_t t0_wall, t0_cpu, t0_children, t0_ns_children;
    int64_t py_cur0, py_allocs0;
    int64_t saved_peak; /* outer span's peak so far */
    int64_t rss0;
    int64_t unseen0;   /* what /dev/shm and socket buffers held at the start */
    int64_t saved_hwm; /* outer span's highest VmHWM seen before resets */
    int rss_reset;
    /* Observed from outside: the run's other processes at the start (their
     * VmHWM reset) and what the run had read. */
    struct {
        long pid;
        int64_t rss0;
    } others[MEASURE_OTHERS_MAX];
    int nothers;
    int64_t t0_rchar, t0_faults;
    /* The outer span's first and highest samples of the run's PSS, put back
     * when this span ends (measure_run_pss_bytes records them per span). */
    int64_t pss0, saved_pss_seen;
    int64_t t0_main;
    int64_t t0_cgroup; /* the run's cgroup CPU figure, -1 without one */
    int sched;         /* this span follows the run's threads (MEASURE_SCHED) */
    int weigh;         /* this span weighs the run (MEASURE_WEIGH) */
};

/* Flags of measure_begin: for the spans whose figures are graded (h.measure),
 * not every check's.  MEASURE_WEIGH weighs the observed run (its PSS) at the
 * start, since the read walks the worker's page tables (other spans take
 * their first 20 ms sample as their base).  MEASURE_SCHED follows how the
 * run's threads share the CPUs: their schedstat is read at the span's edges
 * and whenever measure_sched_sample() is called in between (the runner calls
 * it every few milliseconds while the span's request runs, so that a process
 * that ends within the span still counts), for a span whose speed-up is
 * judged.  A span nested in a following one does not follow again. */
enum {
    MEASURE_WEIGH = 1 << 0,
    MEASURE_SCHED = 1 << 1,
};

void measure_begin(struct measure_span *s, unsigned flags);
void measure_end(const struct measure_span *s, struct measure_figures *out);

int64_t measure_now_ns(void); /* CLOCK_MONOTONIC */
int64_t measure_cpu_ns(void); /* CLOCK_PROCESS_CPUTIME_ID */
/* User plus system CPU from getrusage(`who`): RUSAGE_SELF or RUSAGE_CHILDREN
 * (the reaped descendants); 0 if it fails. */
int64_t measure_rusage_cpu_ns(int who);

/*
 * Observe `pid` instead of this process (a check runner timing the worker it
 * sends requests to): the CPU clock becomes the worker's, resident-set
 * figures are read from /proc/<pid>/status (and reset through its
 * clear_refs), and the namespace scan leaves this process out.  The Python
 * allocator figures stay this process's (a runner fills them from the
 * worker's own report).  pid 0 returns to this process.  0, or -1 when the
 * kernel gives no CPU clock for pid.
 */
int measure_observe(pid_t pid);
pid_t measure_subject(void); /* 0 when observing this process */

/*
 * Combine `n` repeated measurements of the same work (each on fresh inputs)
 * into `out`: the median of each time and memory figure, parallelism from
 * the medians, and the fastest and slowest wall and CPU times as the spread.
 * n >= 1.  A single run is copied as it is.
 */
void measure_pick_median(const struct measure_figures *runs, int n, struct measure_figures *out);

/*
 * Parallelism as a speed-up: `serial_cpu_ns` is the CPU time the same work
 * took run serially (measured in the same check), `max_parallel` how many
 * of its tasks can run at once.  Sets par->speedup (serial / wall) and
 * par->speedup_possible (the smaller of max_parallel and the cores the
 * machine left free during the span), so that spinning processes around
 * serial work earns nothing, and load arriving mid-span lowers what is
 * expected instead of failing the code.  When the span followed the run's
 * threads, also par->concurrency, par->split and par->efficiency, which
 * other load does not move.
 */
void measure_speedup(int64_t serial_cpu_ns, int max_parallel, struct measure_figures *par);

/* CLOCK_* `id` in ns, 0 if unreadable. */
int64_t measure_clock_ns(clockid_t id);

#endif
