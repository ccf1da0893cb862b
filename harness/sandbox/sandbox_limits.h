/*
 * sandbox_limits.h - the rlimits of a run: worked out once in the process
 * whose children run (a host, for all its runs), applied in each worker.
 */
#ifndef PH_SANDBOX_LIMITS_H
#define PH_SANDBOX_LIMITS_H

#include <stddef.h>
#include <sys/resource.h>

#include "err.h"
#include "sandbox.h"

/* The rlimits of a run, in the order they are set. */
struct limit {
    int res;
    const char *name;
    struct rlimit rl;
    int required; /* a failure to set it stops the run */
};
struct rlimit_plan {
    struct limit l[8];
    size_t n;
};

/* The limits of a run under policy `p`.  `shared_uid`: the runs keep this
 * process's uid (no uid drop). */
void sbx_limits_plan(const struct sandbox_policy *p, int shared_uid, struct rlimit_plan *plan);

/* setrlimit() each limit of `plan`; a required one that fails is an error. */
enum ph_rc sbx_limits_apply(const struct rlimit_plan *plan, struct ph_err *err);

#endif
