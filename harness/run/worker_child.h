/*
 * worker_child.h - the code that runs inside a sandbox host and its
 * workers (worker_child.c): the host's one-time preparation and the body of
 * each worker.  worker.c hands these to sandbox_host_start() as hooks; the
 * message vocabulary they speak is documented in worker.h.
 */
#ifndef PH_WORKER_CHILD_H
#define PH_WORKER_CHILD_H

#include <stddef.h>

struct sandbox_run;

/* In the host, once: import what the exercise uses, compile-check the
 * checks (kept as bytes, see worker.h), and snapshot what workers check
 * for tampering (sandbox_hooks.host_init; `arg` is a struct
 * worker_host_ctx, worker.h). */
int worker_child_host_init(void *arg, char *msg, size_t cap);

/*
 * A run is two processes: this one becomes the check runner (it runs the
 * checks, observes and reports over fd 3) and a child becomes the worker
 * (it runs the submission and answers the runner's requests; see
 * python/pyharness/remote.py).  worker_child_parked (sandbox_hooks.parked)
 * forks the worker-to-be and loads the checks before the job arrives;
 * worker_child_body (sandbox_hooks.body) hands the job to it and runs the
 * checks.  Sized workloads (pyharness compare) run in this one process.
 */
void worker_child_parked(void *arg);
void worker_child_body(const struct sandbox_run *run, const void *job, size_t len, void *arg);

#endif
