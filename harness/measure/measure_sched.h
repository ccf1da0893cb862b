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

/* Within measure/: start following the run's threads for a span (1), or
 * not when a span already follows them (0); stop, with the span's totals:
 * every thread's running and waiting time, and the CPU time of the busiest
 * process. */
int measure_sched_start(void);
void measure_sched_stop(int64_t *runnable, int64_t *busiest);

#endif
