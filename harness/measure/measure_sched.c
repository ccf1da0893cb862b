/*
 * measure_sched.c - see measure_sched.h.
 */
#include "measure_sched.h"
#include "measure_proc.h"

#include "fileio.h"

#include <stdint.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>

/* ---- how the run's threads share the CPUs (load-free parallelism) ----
 *
 * Wall-time speed-ups depend on what else the machine runs.  The kernel's
 * schedstat does not: per thread, the time it ran and the time it waited in
 * a run queue.  Their sum is the time the thread wanted a CPU, whether it got
 * one or not, so processes that work at once show as such on a loaded
 * machine too, and one process working after another never does.  Threads
 * are sampled (a pool's processes end within the span, taking their figures
 * with them); a thread keeps what it was last seen with. */
#define SCHED_THREADS_MAX 256

struct sched_thread {
    long pid, tid;
    int64_t run0, wait0, run, wait;
};

static struct sched_thread sched_threads[SCHED_THREADS_MAX];
static int nsched_threads;
static int sched_on;

static struct sched_thread *sched_find(long pid, long tid)
{
    for (int i = 0; i < nsched_threads; i++)
        if (sched_threads[i].tid == tid && sched_threads[i].pid == pid)
            return &sched_threads[i];
    return NULL;
}

/* One thread's run and wait times; at the span's start they are its base, a
 * thread first seen later was born within the span and started from 0.  A
 * thread number reused within the span reads lower than before: what the
 * first one did stays, and the new one adds from its own 0. */
static void sched_note(long pid, long tid, int64_t run, int64_t wait, int at_start)
{
    struct sched_thread *t = sched_find(pid, tid);

    if (t != NULL && (run < t->run || wait < t->wait)) {
        /* A new thread under an old number: keep the old one's share. */
        t->run0 -= t->run;
        t->wait0 -= t->wait;
    }
    if (t == NULL) {
        if (nsched_threads == SCHED_THREADS_MAX)
            return;
        t = &sched_threads[nsched_threads++];
        t->pid = pid;
        t->tid = tid;
        t->run0 = at_start ? run : 0;
        t->wait0 = at_start ? wait : 0;
    }
    t->run = run;
    t->wait = wait;
}

static int sched_scan_pid(long pid, void *arg)
{
    int at_start = *(int *)arg;
    char path[96], buf[128];
    struct dirent *e;
    DIR *d;

    snprintf(path, sizeof path, "/proc/%ld/task", pid);
    d = opendir(path);
    if (d == NULL)
        return 0;
    for (e = readdir(d); e != NULL; e = readdir(d)) {
        long long run, wait;
        long tid;

        if (e->d_name[0] < '0' || e->d_name[0] > '9')
            continue;
        tid = strtol(e->d_name, NULL, 10);
        snprintf(path, sizeof path, "/proc/%ld/task/%ld/schedstat", pid, tid);
        if (fileio_read_small(path, buf, sizeof buf) <= 0 ||
            sscanf(buf, "%lld %lld", &run, &wait) != 2)
            continue;
        sched_note(pid, tid, run, wait, at_start);
    }
    closedir(d);
    return 0;
}

static void sched_scan(int at_start)
{
    measure_each_run_pid(sched_scan_pid, &at_start);
}

int measure_sched_sample(void)
{
    if (sched_on)
        sched_scan(0);
    return sched_on;
}

/* The span's totals: every thread's running and waiting time, and the CPU
 * time of the busiest process. */
static void sched_totals(int64_t *runnable, int64_t *busiest)
{
    int64_t sum = 0, top = 0;

    for (int i = 0; i < nsched_threads; i++) {
        const struct sched_thread *t = &sched_threads[i];
        int64_t cpu = 0;
        int seen = 0;

        sum += (t->run - t->run0) + (t->wait - t->wait0);
        /* A process's CPU is its threads' together: add them up at its
         * first thread in the table. */
        for (int j = 0; j < i && !seen; j++)
            seen = sched_threads[j].pid == t->pid;
        if (seen)
            continue;
        for (int j = i; j < nsched_threads; j++)
            if (sched_threads[j].pid == t->pid)
                cpu += sched_threads[j].run - sched_threads[j].run0;
        if (cpu > top)
            top = cpu;
    }
    *runnable = sum;
    *busiest = top;
}

int measure_sched_start(void)
{
    if (sched_on)
        return 0;
    sched_on = 1;
    nsched_threads = 0;
    sched_scan(1);
    return 1;
}

void measure_sched_stop(int64_t *runnable, int64_t *busiest)
{
    sched_scan(0);
    sched_totals(runnable, busiest);
    sched_on = 0;
}
