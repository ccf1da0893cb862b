/*
 * worker_proc.h - the worker of a run: confined, it imports the submission
 * and answers the check runner's requests (remote.serve).
 */
#ifndef PH_WORKER_PROC_H
#define PH_WORKER_PROC_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <stddef.h>

struct child;

/* Run the submission's file as the host's `submission` module.  Returns the
 * module (borrowed from the host), or NULL with the exception set. */
PyObject *worker_proc_load_submission(const struct child *c);

/* Become the worker of run `c`: wipe what it must not hold (the job, `len`
 * bytes, among them), confine, import the submission and answer the
 * runner's requests on `fd` until told to stop; then exit. */
_Noreturn void worker_proc_run(struct child *c, int fd, void *job, size_t len);

/* The worker-to-be a parked runner forked: wait on `jobsock` for the job
 * and the run's output fds, then become the run's worker (`proto` the
 * request socket, `channel` the audit hook's violations pipe). */
_Noreturn void worker_proc_parked_main(int jobsock, int proto, int channel);

#endif
