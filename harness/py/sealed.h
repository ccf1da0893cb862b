/*
 * sealed.h - _pyharness.seal(obj): a handle that gives `obj` back to the
 * harness's own code only.
 */
#ifndef PH_SEALED_H
#define PH_SEALED_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

/* Calling a handle gives its object back only when the calling frame runs
 * the code of one of the functions given once to Sealed.openers(*fns)
 * (pyharness.remote, at its import in the sandbox host); any other caller
 * gets PermissionError and the first one is kept (Sealed.violation()).
 *
 * A static type: not subclassable, no attributes, not tracked by gc (so
 * gc.get_referents cannot see what it holds).  Made ready by
 * pymodule_init(). */
extern PyTypeObject sealed_type;

/* _pyharness.seal(obj) -> a new sealed handle on `obj`. */
PyObject *sealed_new(PyObject *self, PyObject *obj);

#endif
