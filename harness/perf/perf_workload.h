/*
 * perf_workload.h - an exercise's sized workloads: what `pyharness compare`
 * times as the input grows.
 *
 * An exercise declares them in its own file `workloads.py`, beside
 * checks.py: a literal `WORKLOADS = {"NAME": {"sizes": [...], "unit": "...",
 * "description": "..."}}` (read here with ast.literal_eval, nothing
 * executed) and one function `workload_NAME(sub, h, n)` per entry, which the
 * sandbox host loads the way it loads checks.py (see
 * pyharness.runtime.load_workloads and docs/exercise-format.md).
 */
#ifndef PH_PERF_WORKLOAD_H
#define PH_PERF_WORKLOAD_H

#include <stddef.h>

#include "err.h"

#define PERF_WORKLOAD_MAX_SIZES 16 /* a chart's worth of sizes */
#define PERF_WORKLOAD_SIZE_MAX 1e9 /* an input a worker can hold */

struct perf_workload {
    char *name;                            /* identifier; the check is "workload:NAME" */
    char *unit;                            /* what n counts: "items", "calls" */
    char *description;                     /* one line, may be empty */
    double sizes[PERF_WORKLOAD_MAX_SIZES]; /* default sizes, ascending */
    int cpu_clock; /* "clock": "cpu": ratios on CPU time (single-threaded work);
                    * "wall" (default): on wall time (waits, threads, processes) */
    size_t nsizes;
};

struct perf_workloads {
    struct perf_workload *items;
    size_t n;
};

/*
 * Read `dir`/workloads.py.  The interpreter must be initialised.  A missing
 * file is PH_EINPUT ("declares no sized workloads"); a malformed
 * declaration is PH_EINPUT naming the file and the field.  The caller
 * releases `out` with perf_workloads_cleanup() (also after a failure).
 */
enum ph_rc perf_workloads_load(const char *dir, struct perf_workloads *out, struct ph_err *err);

void perf_workloads_cleanup(struct perf_workloads *w);

/* Index of `name`, or -1. */
long perf_workloads_find(const struct perf_workloads *w, const char *name);

/* Parse "1e3,1e4,100000" into sizes (positive integers, ascending after
 * sorting, duplicates removed).  PH_EINPUT naming `what` on bad input. */
enum ph_rc perf_sizes_parse(const char *text, const char *what, double *sizes, size_t cap,
                            size_t *n, struct ph_err *err);

#endif
