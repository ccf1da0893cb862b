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

/* Watch dict `d` (borrowed; a new reference is kept) under `name`: every
 * value in it, not only callables. */
void watch_dict(PyObject *d, const char *name);

/* Watch the checks' own namespace and its builtins (`checks` borrowed: the
 * dict of check functions). */
void watch_checks_namespace(PyObject *checks);

/* In the host, last, once: snapshot the watched modules' callables and
 * submodules, which every worker inherits. */
void watch_snapshot(void);

/* Append to `arr` (borrowed) what the submission tampered with since the
 * snapshot, each change once; runs no Python code.  watch_add_tamper puts
 * the list in `frame` as "tamper" when it is not empty. */
void watch_verify(struct child *c, cJSON *arr);
void watch_add_tamper(struct child *c, cJSON *frame);

#endif
