/*
 * run_progress.h - what a run reports while it goes (types only).
 *
 * The supervisor calls a progress function,
 * void (*)(void *ud, const struct run_progress *p), as the worker's frames arrive
 * and, while a check runs, on every look at the worker (about every 50 ms),
 * so that a command can show each check as it finishes and a spinner on a
 * long one.  The callback runs in the supervisor, never in a worker; it must
 * return quickly and must not call back into the engine.
 */
#ifndef PH_RUN_PROGRESS_H
#define PH_RUN_PROGRESS_H

#include <stddef.h>
#include <stdint.h>

enum run_progress_kind {
    RUN_PROGRESS_ROLE,  /* a worker is about to run `role`'s module */
    RUN_PROGRESS_BEGIN, /* check `check` began */
    RUN_PROGRESS_DONE,  /* its observation arrived (not its verdict: that comes at the end) */
    RUN_PROGRESS_TICK,  /* `check` is still running after elapsed_ns */
};

struct run_progress {
    enum run_progress_kind kind;
    int role;           /* enum worker_role: 0 candidate, 1 reference, 2 baseline */
    const char *check;  /* borrowed; NULL for RUN_PROGRESS_ROLE */
    size_t index;       /* of the check in this run, from 0 */
    size_t count;       /* checks in this run */
    int ok;             /* RUN_PROGRESS_DONE: the check returned (no exception) */
    int64_t elapsed_ns; /* since the check began (DONE, TICK) */
    double limit_s;     /* the check's own wall-clock limit */
};

#endif
