/*
 * ser.h - the type-strict serialiser: a Python value to JSON looking only at
 * exact built-in types, never running Python code.  Others are named by type.
 */
#ifndef PH_SER_H
#define PH_SER_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <cjson/cJSON.h>

/* The serialiser's state for one value: values seen, and why it failed. */
struct ser {
    long nodes;
    char err[160];
};

/* `o` (borrowed) as JSON at nesting `depth` (0 at the top): exact built-in
 * types as themselves or tagged ({"$tuple": [...]}, {"$int": "..."}),
 * anything else as {"$type": name}.  New item (caller frees with
 * cJSON_Delete()), or NULL with s->err saying why (too deep, too many
 * values, out of memory). */
cJSON *ser_value(struct ser *s, PyObject *o, int depth);
/* pyharness.remote.Remote in a check runner (borrowed: the module keeps it):
 * its instances stand for objects that stay in the worker and are named by
 * their type there. */
void ser_set_remote_type(PyTypeObject *type);

#endif
