/*
 * host_prep.h - a sandbox host's one-time preparation: the modules the
 * exercise uses, the environment's allow-list, the Harness object and the
 * submission's module, frozen harness classes and the tamper snapshot.
 */
#ifndef PH_HOST_PREP_H
#define PH_HOST_PREP_H

#include <stddef.h>

/* In the host, once: import what the exercise uses, compile-check the
 * checks (kept as bytes, see worker.h), and snapshot what workers check
 * for tampering (sandbox_hooks.host_init; `arg` is a struct
 * worker_host_ctx, worker.h). */
int host_prep_init(void *arg, char *msg, size_t cap);

#endif
