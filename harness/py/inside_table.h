/*
 * inside_table.h - the worker's table of shipped (@inside) check functions,
 * held in C and verified around every call, and calls into submission code
 * with the harness's frames cut off the stack.
 */
#ifndef PH_INSIDE_TABLE_H
#define PH_INSIDE_TABLE_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

/* _pyharness.inside_seal(fns, ns): take the @inside functions (`fns`: dict
 * name -> function, all with globals `ns`) into the C table, snapshot `ns`
 * and the functions' builtins; once per process. */
PyObject *inside_table_seal(PyObject *self, PyObject *args);

/* _pyharness.inside_call(name, args, kwargs): verify the table, call the
 * function with the harness's frames cut off, verify again. */
PyObject *inside_table_call(PyObject *self, PyObject *args);

/* _pyharness.inside_get(name) -> the sealed function (verified first), for
 * a check that passes an @inside function to another request. */
PyObject *inside_table_get(PyObject *self, PyObject *name);

/* Verify the table now (no Python code runs): 0 intact or not sealed, -1
 * tampered (inside_table_violation() says how). */
int inside_table_check(void);

/* _pyharness.cut(fn, *args, **kwargs): fn(*args, **kwargs) with the
 * caller's frames unreachable from the frames fn runs in (f_back ends at
 * fn's own frame). */
PyObject *inside_table_cut(PyObject *self, PyObject *const *args, Py_ssize_t nargs,
                           PyObject *kwnames);

/* The first tampering with the table the verification found, or NULL.
 * Borrowed static text. */
const char *inside_table_violation(void);

#endif
