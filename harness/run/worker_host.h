/*
 * worker_host.h - the sandbox host as a program of its own.
 *
 * The supervisor starts each exercise's host by exec of this binary
 * (`pyharness __sandbox-host`, see sandbox_host_exec), with an environment
 * made from an allow-list and a configuration of plain data over a pipe:
 * the exercise folder, the policy, whether the counting allocator is on.
 * The host starts its own interpreter, loads the exercise and compiles its
 * checks, and serves runs.  Nothing the supervisor held (API keys, the LLM
 * configuration, other exercises, reference.py's text under `validate`,
 * the heap of a long-lived process) exists in it or in its workers.
 */
#ifndef PH_WORKER_HOST_H
#define PH_WORKER_HOST_H

#include <stddef.h>

#include "err.h"

struct exercise;

/* argv[1] that selects host mode. */
#define WORKER_HOST_ARG "__sandbox-host"

/* The configuration the supervisor sends for `ex` (a new JSON text, caller
 * frees with free()), or NULL when out of memory. */
char *worker_host_config(const struct exercise *ex, const char *scratch_root, double cpu_s,
                         size_t memory_bytes, size_t fsize_bytes, unsigned nproc);

/* The environment a host is started with: the allow-listed variables of
 * this process (locale, time zone, test and sanitizer switches).  Static
 * storage, NULL-terminated; rebuilt by each call. */
const char *const *worker_host_env(void);

/* main() for `pyharness __sandbox-host`: never returns when it serves;
 * returns an exit status when started by hand. */
int worker_host_main(int argc, char **argv);

#endif
