/*
 * pymodule.h - the built-in `_pyharness` module, through which Python code
 * reaches the C measurements, and its per-check log of labelled measurements,
 * fake LLM client counters and event-loop monitors (kept in C so a
 * submission cannot rewrite them).
 */
#ifndef PH_PYMODULE_H
#define PH_PYMODULE_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <stdint.h>

#include <cjson/cJSON.h>

#include "measure.h"

/*
 * The log of what `_pyharness` recorded since the last reset, as a new JSON
 * object {"measures": {label: figures}, "clients": {name: counters},
 * "monitors": {name: {...}}, "tamper": [...]}.  Caller frees with
 * cJSON_Delete().  pymodule_log_reset() starts a new check.
 */
cJSON *pymodule_log_take(void);
void pymodule_log_reset(void);

/*
 * A measurement span (measure_begin/measure_end) that, in a check runner,
 * also collects what the observed worker reported of its own figures for
 * the requests made during it (the Python allocator's, a cross-check).
 * `saved` holds the enclosing span's collection until pymodule_span_end.
 */
struct pymodule_inside {
    int64_t opaque[5];
};
void pymodule_span_begin(struct measure_span *span, struct pymodule_inside *saved, unsigned flags);
void pymodule_span_end(const struct measure_span *span, const struct pymodule_inside *saved,
                       struct measure_figures *f);

/* This process is a check runner: it runs no submission code, so the
 * `_pyharness` entry points that check their caller accept any caller. */
void pymodule_set_runner(void);

/* Wipe what a worker must not hold (the fake model's answer key) before
 * submission code runs in it. */
void pymodule_wipe_secrets(void);

/* Draw the fake model's answer key, once per process, before any fork. */
void pymodule_answer_key_init(void);

/* The module's init function, for PyImport_AppendInittab. */
PyObject *pymodule_init(void);

#endif
