/*
 * tamper_watch.h - the watched modules' callables and the checks' namespace,
 * snapshotted in the sandbox host; what a submission rebound since, reported
 * as tampering.
 */
#ifndef PH_TAMPER_WATCH_H
#define PH_TAMPER_WATCH_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <cjson/cJSON.h>

struct child;

void watch_dict(PyObject *d, const char *name);
void watch_checks_namespace(PyObject *checks);
void worker_child_prepare(void);
void watch_verify(struct child *c, cJSON *arr);
void add_tamper(struct child *c, cJSON *frame);

#endif
