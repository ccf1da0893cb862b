/*
 * measure_sched.h - how the run's threads share the CPUs: their schedstat,
 * sampled while a span follows them (MEASURE_SCHED).
 */
#ifndef PH_MEASURE_SCHED_H
#define PH_MEASURE_SCHED_H

#include <stdint.h>

/* Read the run's threads' schedstat now, if a span is following them:
 * 1 then, 0 when none is. */
int measure_sched_sample(void);

/* Within measure/: a span following the threads, and its samples. */
extern int nsched_threads;
extern int sched_on;
void sched_scan(int at_start);
void sched_totals(int64_t *runnable, int64_t *busiest);

#endif
