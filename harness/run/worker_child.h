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

/* In the host, once: import what the exercise uses, load the checks, and
 * snapshot what workers check for tampering (sandbox_hooks.host_init; `arg`
 * is a struct worker_host_ctx, worker.h). */
int worker_child_host_init(void *arg, char *msg, size_t cap);

/* The worker process's body (sandbox_hooks.body): run the job worker_run()
 * sent and report over fd 3.  Never returns. */
void worker_child_body(const struct sandbox_run *run, const void *job, size_t len, void *arg);

#endif
