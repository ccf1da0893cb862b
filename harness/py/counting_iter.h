/*
 * counting_iter.h - _pyharness.CountingIterator: an iterator that counts, in
 * C, the items pulled from it (the laziness checks).
 */
#ifndef PH_COUNTING_ITER_H
#define PH_COUNTING_ITER_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

/* A static type: it cannot be subclassed and its instances' __class__ cannot
 * be reassigned.  Made ready by pymodule_init(). */
extern PyTypeObject counting_iter_type;

#endif
