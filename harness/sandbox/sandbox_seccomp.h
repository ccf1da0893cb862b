/*
 * sandbox_seccomp.h - the runs' seccomp filter: built and compiled to BPF
 * once in the supervisor, inherited, installed in a host or a worker.
 */
#ifndef PH_SANDBOX_SECCOMP_H
#define PH_SANDBOX_SECCOMP_H

#include "err.h"

/* Compile the filter once (in the supervisor, before hosts fork). */
void sbx_seccomp_prepare(void);

/* Attach the filter to this process (no_new_privs already set), all threads. */
enum ph_rc sbx_seccomp_install(struct ph_err *err);

#endif
