/*
 * check_runner.h - the check runner: the process of a run that holds
 * checks.py, observes the worker and alone writes frames to the supervisor.
 */
#ifndef PH_CHECK_RUNNER_H
#define PH_CHECK_RUNNER_H

#include <stddef.h>

struct sandbox_run;

/*
 * A run is two processes: this one becomes the check runner (it runs the
 * checks, observes and reports over fd 3) and a child becomes the worker
 * (it runs the submission and answers the runner's requests; see
 * python/pyharness/remote.py).  check_runner_parked (sandbox_hooks.parked)
 * forks the worker-to-be and loads the checks before the job arrives;
 * check_runner_body (sandbox_hooks.body) hands the job to it and runs the
 * checks.  Sized workloads (pyharness compare) run in this one process.
 */
void check_runner_parked(void *arg);
void check_runner_body(const struct sandbox_run *run, const void *job, size_t len, void *arg);

#endif
