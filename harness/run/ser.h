/*
 * ser.h - the type-strict serialiser: a Python value to JSON looking only at
 * exact built-in types, never running Python code.  Others are named by type.
 */
#ifndef PH_SER_H
#define PH_SER_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <cjson/cJSON.h>

struct ser {
    long nodes;
    char err[160];
};

cJSON *ser_value(struct ser *s, PyObject *o, int depth);
extern PyTypeObject *remote_type;

#endif
