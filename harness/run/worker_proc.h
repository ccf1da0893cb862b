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

PyObject *load_submission(const struct child *c);
_Noreturn void run_as_worker(struct child *c, int fd, void *job, size_t len);
_Noreturn void parked_worker_main(int jobsock, int proto, int channel);

#endif
