/*
 * measure.c - see measure.h: clocks, the observed process, and spans.
 */
#include "measure.h"
#include "measure_alloc.h"
#include "measure_proc.h"
#include "measure_sched.h"

#include <stdint.h>
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

int64_t measure_clock_ns(clockid_t id)
{
    struct timespec ts;

    if (clock_gettime(id, &ts) != 0)
        return 0;
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int64_t measure_now_ns(void)
{
    return measure_clock_ns(CLOCK_MONOTONIC);
}

/* The process a check runner observes (measure_observe), or 0: this process. */
static pid_t subject;
static clockid_t subject_clock;

int measure_observe(pid_t pid)
{
    clockid_t id;

    if (pid <= 0) {
        subject = 0;
        return 0;
    }
    if (clock_getcpuclockid(pid, &id) != 0)
        return -1;
    subject = pid;
    subject_clock = id;
    return 0;
}

pid_t measure_subject(void)
{
    return subject;
}

int64_t measure_cpu_ns(void)
{
    return measure_clock_ns(subject > 0 ? subject_clock : CLOCK_PROCESS_CPUTIME_ID);
}

int64_t measure_rusage_cpu_ns(int who)
{
    struct rusage ru;

    if (getrusage(who, &ru) != 0)
        return 0;
    return ((int64_t)ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000LL +
           ((int64_t)ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000LL;
}

void measure_begin(struct measure_span *s, unsigned flags)
{
    int64_t cur = measure_py_current();

    s->saved_peak = measure_py_peak();
    /* The span's peak starts from what is live now. */
    measure_py_peak_set(cur);
    s->py_cur0 = cur;
    s->py_allocs0 = measure_py_allocs();
    measure_proc_span_begin(s, flags);
    s->sched = (flags & MEASURE_SCHED) && measure_subject() > 0 && measure_sched_start();
    s->t0_children = measure_children_cpu_ns();
    s->t0_ns_children = measure_namespace_children_cpu_ns();
    s->t0_cgroup = measure_run_cgroup_cpu_ns();
    s->t0_busy = measure_machine_busy_ns();
    s->t0_cpu = measure_cpu_ns();
    s->t0_wall = measure_now_ns();
}

void measure_end(const struct measure_span *s, struct measure_figures *out)
{
    int64_t wall = measure_now_ns() - s->t0_wall;
    int64_t cpu = measure_cpu_ns() - s->t0_cpu;
    int64_t ch = measure_children_cpu_ns() - s->t0_children;
    int64_t ns_ch =
        measure_in_run_namespace() ? measure_namespace_children_cpu_ns() - s->t0_ns_children : 0;
    int64_t span_peak = measure_py_peak();
    int64_t hwm = measure_hwm_bytes();
    int64_t busy = s->t0_busy >= 0 ? measure_machine_busy_ns() : -1;

    hwm = measure_proc_hwm_end(s, hwm);

    memset(out, 0, sizeof *out);
    out->wall_ns = wall;
    out->cpu_ns = cpu;
    out->children_cpu_ns = measure_subject() > 0 || ns_ch > ch ? ns_ch : ch;
    if (s->t0_cgroup >= 0) {
        /* The kernel's count for the run's cgroup: every process of the run,
         * those reaped by nobody included (measure_proc.h). */
        int64_t now = measure_run_cgroup_cpu_ns();

        if (now >= s->t0_cgroup)
            out->children_cpu_ns = now - s->t0_cgroup > cpu ? now - s->t0_cgroup - cpu : 0;
    }
    ch = out->children_cpu_ns;
    if (measure_subject() <= 0) {
        /* An observer's own allocations are not the run's: it takes the
         * subject's from the subject's report instead. */
        out->py_peak_bytes = span_peak - s->py_cur0;
        if (out->py_peak_bytes < 0)
            out->py_peak_bytes = 0;
        out->py_current_bytes = measure_py_current() - s->py_cur0;
        out->py_allocs = measure_py_allocs() - s->py_allocs0;
    }
    out->rss_peak_bytes = hwm;
    out->rss_growth_bytes = (hwm >= 0 && s->rss0 >= 0 && hwm > s->rss0) ? hwm - s->rss0 : 0;
    out->run_cpu_ns = cpu + ch;
    out->io_read_bytes = -1;
    out->page_faults = -1;
    out->main_thread_cpu_ns = -1;
    out->runnable_ns = -1;
    out->busiest_cpu_ns = -1;
    out->concurrency = out->split = out->efficiency = -1;
    if (s->sched)
        measure_sched_stop(&out->runnable_ns, &out->busiest_cpu_ns);
    measure_proc_span_end(s, out);
    out->rss_reset = s->rss_reset;
    out->outside = measure_subject() > 0;
    out->parallelism = wall > 0 ? (double)(cpu + ch) / (double)wall : 0.0;
    out->repeats = 1;
    out->wall_min_ns = out->wall_max_ns = wall;
    out->cpu_min_ns = out->cpu_max_ns = cpu;
    out->other_cpu_ns = -1;
    out->cores_free = -1;
    if (busy >= 0 && wall > 0) {
        int cpus = measure_cpus();
        int64_t other = busy - s->t0_busy - (cpu + ch);
        double free;
        if (other < 0)
            other = 0;
        free = (double)cpus - (double)other / (double)wall;
        out->other_cpu_ns = other;
        out->cores_free = free < 0 ? 0 : free > cpus ? cpus : free;
    }
    /* Restore the outer span's view: its peak is the larger of the two. */
    if (s->saved_peak > span_peak)
        measure_py_peak_set(s->saved_peak);
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

    return (x > y) - (x < y);
}

static int cmp_dbl(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

#define MEDIAN_MAX 128

/* Median of the int64 field at `offset` over `runs` (1 <= n <= MEDIAN_MAX); *lo and *hi
 * get the extremes. */
static int64_t median_i64(const struct measure_figures *runs, int n, size_t offset, int64_t *lo,
                          int64_t *hi)
{
    int64_t v[MEDIAN_MAX] = {0};
    int i;

    assert(n >= 1 && n <= MEDIAN_MAX);
    for (i = 0; i < n; i++)
        memcpy(&v[i], (const char *)&runs[i] + offset, sizeof v[i]);
    qsort(v, (size_t)n, sizeof v[0], cmp_i64);
    if (lo != NULL)
        *lo = v[0];
    if (hi != NULL)
        *hi = v[n - 1];
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

void measure_pick_median(const struct measure_figures *runs, int n, struct measure_figures *out)
{
    double cores[MEDIAN_MAX];
    int i, ncores = 0;

    if (n > MEDIAN_MAX)
        n = MEDIAN_MAX;
    *out = runs[0];
    if (n <= 1)
        return;
#define MED(field, lo, hi)                                                                         \
    out->field = median_i64(runs, n, offsetof(struct measure_figures, field), lo, hi)
    MED(wall_ns, &out->wall_min_ns, &out->wall_max_ns);
    MED(cpu_ns, &out->cpu_min_ns, &out->cpu_max_ns);
    MED(children_cpu_ns, NULL, NULL);
    MED(py_peak_bytes, NULL, NULL);
    MED(py_current_bytes, NULL, NULL);
    MED(py_allocs, NULL, NULL);
    MED(rss_peak_bytes, NULL, NULL);
    MED(rss_growth_bytes, NULL, NULL);
    MED(other_cpu_ns, NULL, NULL);
    MED(inside_wall_ns, NULL, NULL);
    MED(inside_cpu_ns, NULL, NULL);
    MED(run_cpu_ns, NULL, NULL);
    MED(io_read_bytes, NULL, NULL);
    MED(page_faults, NULL, NULL);
    MED(main_thread_cpu_ns, NULL, NULL);
    MED(runnable_ns, NULL, NULL);
    MED(busiest_cpu_ns, NULL, NULL);
#undef MED
    for (i = 0; i < n; i++)
        if (runs[i].cores_free >= 0)
            cores[ncores++] = runs[i].cores_free;
    if (ncores > 0) {
        qsort(cores, (size_t)ncores, sizeof cores[0], cmp_dbl);
        out->cores_free =
            ncores % 2 ? cores[ncores / 2] : (cores[ncores / 2 - 1] + cores[ncores / 2]) / 2;
    }
    out->parallelism = out->wall_ns > 0
                           ? (double)(out->cpu_ns + out->children_cpu_ns) / (double)out->wall_ns
                           : 0.0;
    out->repeats = n;
}

void measure_speedup(int64_t serial_cpu_ns, int max_parallel, struct measure_figures *par)
{
    double possible = max_parallel > 0 ? (double)max_parallel : 1.0;

    if (par->cores_free >= 0 && par->cores_free < possible)
        possible = par->cores_free;
    if (possible < 0.1)
        possible = 0.1; /* the run got almost nothing: judge what it did get */
    par->speedup = par->wall_ns > 0 ? (double)serial_cpu_ns / (double)par->wall_ns : 0.0;
    par->speedup_possible = possible;
    par->concurrency = par->split = par->efficiency = -1;
    if (par->runnable_ns >= 0 && par->wall_ns > 0)
        par->concurrency = (double)par->runnable_ns / (double)par->wall_ns;
    if (par->busiest_cpu_ns > 0)
        par->split = (double)serial_cpu_ns / (double)par->busiest_cpu_ns;
    if (par->run_cpu_ns > 0)
        par->efficiency = (double)serial_cpu_ns / (double)par->run_cpu_ns;
    par->parallel_achieved = par->split < par->concurrency ? par->split : par->concurrency;
    par->max_parallel = max_parallel > 0 ? (double)max_parallel : 1.0;
}
