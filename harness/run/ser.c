/*
 * ser.c - the type-strict serialiser of observations (see ser.h).
 *
 * Everything that reaches the supervisor is built in C: observations are
 * converted to JSON looking only at exact built-in types, never calling back
 * into Python (so a submission's __eq__, __repr__ or __iter__ cannot run or
 * lie).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ser.h"

#define OBS_MAX_DEPTH 64
#define OBS_MAX_NODES 2000000
#define EXACT_INT_LIMIT 9007199254740992LL /* 2^53: beyond it a JSON number loses digits */

/* ---- type-strict serialiser ---- */

static cJSON *tagged(const char *tag, cJSON *payload)
{
    cJSON *o = cJSON_CreateObject();

    if (o == NULL || payload == NULL) {
        cJSON_Delete(o);
        cJSON_Delete(payload);
        return NULL;
    }
    cJSON_AddItemToObject(o, tag, payload);
    return o;
}

cJSON *ser_value(struct ser *s, PyObject *o, int depth);

/* pyharness.remote.Remote in a check runner (borrowed from the module). */
static PyTypeObject *remote_type;

void ser_set_remote_type(PyTypeObject *type)
{
    remote_type = type;
}

/*
 * An exact str.  A string with an embedded NUL cannot be a JSON string here
 * (C strings end at NUL): it becomes {"$str0": hex of its UTF-8}, so two
 * strings that differ after a NUL never compare equal.  Lone surrogates have
 * no UTF-8 at all: they are named, as before.
 */
static cJSON *ser_str(PyObject *o)
{
    Py_ssize_t n;
    const char *u = PyUnicode_AsUTF8AndSize(o, &n);
    char *hex;
    cJSON *r;

    if (u == NULL) {
        PyErr_Clear();
        return tagged("$type", cJSON_CreateString("str (not representable as UTF-8)"));
    }
    if ((Py_ssize_t)strlen(u) == n)
        return cJSON_CreateString(u);
    hex = malloc((size_t)n * 2 + 1);
    if (hex == NULL)
        return NULL;
    for (Py_ssize_t i = 0; i < n; i++)
        snprintf(hex + 2 * i, 3, "%02x", (unsigned char)u[i]);
    hex[2 * n] = '\0';
    r = tagged("$str0", cJSON_CreateString(hex));
    free(hex);
    return r;
}

/* A dict whose keys can be a JSON object's: all exact str, none starting
 * with '$' (the tags' namespace: {"$tuple": [...]} must not read as a
 * tuple) and none holding a NUL (a C string would cut it). */
static int plain_keys(PyObject *o)
{
    Py_ssize_t pos = 0, n;
    PyObject *k, *v; /* borrowed */

    while (PyDict_Next(o, &pos, &k, &v)) {
        const char *u;

        if (!PyUnicode_CheckExact(k))
            return 0;
        u = PyUnicode_AsUTF8AndSize(k, &n);
        if (u == NULL) {
            PyErr_Clear();
            return 0;
        }
        if (u[0] == '$' || (Py_ssize_t)strlen(u) != n)
            return 0;
    }
    return 1;
}

static cJSON *ser_seq(struct ser *s, PyObject *o, int depth)
{
    Py_ssize_t i, n = PySequence_Fast_GET_SIZE(o);
    PyObject **items = PySequence_Fast_ITEMS(o); /* borrowed */
    cJSON *arr = cJSON_CreateArray();

    if (arr == NULL)
        return NULL;
    for (i = 0; i < n; i++) {
        cJSON *v = ser_value(s, items[i], depth + 1);
        if (v == NULL) {
            cJSON_Delete(arr);
            return NULL;
        }
        cJSON_AddItemToArray(arr, v);
    }
    return arr;
}

cJSON *ser_value(struct ser *s, PyObject *o, int depth)
{
    if (depth > OBS_MAX_DEPTH) {
        snprintf(s->err, sizeof s->err, "observation nested deeper than %d levels", OBS_MAX_DEPTH);
        return NULL;
    }
    if (++s->nodes > OBS_MAX_NODES) {
        snprintf(s->err, sizeof s->err, "observation has more than %d values", OBS_MAX_NODES);
        return NULL;
    }
    if (o == Py_None)
        return cJSON_CreateNull();
    if (o == Py_True || o == Py_False)
        return cJSON_CreateBool(o == Py_True);
    if (PyLong_CheckExact(o)) {
        int overflow = 0;
        long long v = PyLong_AsLongLongAndOverflow(o, &overflow);
        if (!overflow && v < EXACT_INT_LIMIT && v > -EXACT_INT_LIMIT)
            return cJSON_CreateNumber((double)v);
        {
            PyObject *str = PyObject_Str(o); /* new ref; exact int: no user code */
            cJSON *r = NULL;
            PyErr_Clear();
            if (str != NULL) {
                const char *u = PyUnicode_AsUTF8(str);
                if (u != NULL)
                    r = tagged("$int", cJSON_CreateString(u));
            }
            Py_XDECREF(str);
            PyErr_Clear();
            return r;
        }
    }
    if (PyFloat_CheckExact(o)) {
        double d = PyFloat_AS_DOUBLE(o);
        if (isnan(d))
            return tagged("$float", cJSON_CreateString("nan"));
        if (isinf(d))
            return tagged("$float", cJSON_CreateString(d > 0 ? "inf" : "-inf"));
        if (d == floor(d))
            return tagged("$float", cJSON_CreateNumber(d));
        return cJSON_CreateNumber(d);
    }
    if (PyUnicode_CheckExact(o))
        return ser_str(o);
    if (PyList_CheckExact(o))
        return ser_seq(s, o, depth);
    if (PyTuple_CheckExact(o)) {
        cJSON *arr = ser_seq(s, o, depth);
        return arr ? tagged("$tuple", arr) : NULL;
    }
    if (PyDict_CheckExact(o)) {
        Py_ssize_t pos = 0;
        PyObject *k, *v; /* borrowed */
        cJSON *obj;
        if (plain_keys(o)) {
            obj = cJSON_CreateObject();
            if (obj == NULL)
                return NULL;
            while (PyDict_Next(o, &pos, &k, &v)) {
                const char *ks = PyUnicode_AsUTF8(k);
                cJSON *jv;
                if (ks == NULL) {
                    PyErr_Clear();
                    snprintf(s->err, sizeof s->err, "a dict key is not representable as UTF-8");
                    cJSON_Delete(obj);
                    return NULL;
                }
                jv = ser_value(s, v, depth + 1);
                if (jv == NULL) {
                    cJSON_Delete(obj);
                    return NULL;
                }
                cJSON_AddItemToObject(obj, ks, jv);
            }
            return obj;
        }
        obj = cJSON_CreateArray();
        if (obj == NULL)
            return NULL;
        while (PyDict_Next(o, &pos, &k, &v)) {
            cJSON *pair = cJSON_CreateArray(), *jk, *jv;
            jk = ser_value(s, k, depth + 1);
            jv = jk ? ser_value(s, v, depth + 1) : NULL;
            if (pair == NULL || jk == NULL || jv == NULL) {
                cJSON_Delete(pair);
                cJSON_Delete(jk);
                cJSON_Delete(jv);
                cJSON_Delete(obj);
                return NULL;
            }
            cJSON_AddItemToArray(pair, jk);
            cJSON_AddItemToArray(pair, jv);
            cJSON_AddItemToArray(obj, pair);
        }
        return tagged("$dict", obj);
    }
    if (PyAnySet_CheckExact(o)) {
        PyObject *lst = PySequence_List(o); /* new ref; exact set: no user code */
        cJSON *arr;
        if (lst == NULL) {
            PyErr_Clear();
            return NULL;
        }
        arr = ser_seq(s, lst, depth);
        Py_DECREF(lst);
        return arr ? tagged("$set", arr) : NULL;
    }
    if (PyBytes_CheckExact(o)) {
        Py_ssize_t i, n = PyBytes_GET_SIZE(o);
        const unsigned char *b = (const unsigned char *)PyBytes_AS_STRING(o);
        char *hex = malloc((size_t)n * 2 + 1);
        cJSON *r;
        if (hex == NULL)
            return NULL;
        for (i = 0; i < n; i++)
            snprintf(hex + 2 * i, 3, "%02x", b[i]);
        hex[2 * n] = '\0';
        r = tagged("$bytes", cJSON_CreateString(hex));
        free(hex);
        return r;
    }
    if (PyExceptionInstance_Check(o))
        return tagged("$exc", cJSON_CreateString(Py_TYPE(o)->tp_name));
    /* An object that stays in the worker: named by its type there. */
    if (remote_type != NULL && Py_TYPE(o) == remote_type) {
        PyObject *tp = PyObject_GetAttrString(o, "_tp"); /* new ref; a slot: no user code */
        const char *u = tp != NULL && PyUnicode_CheckExact(tp) ? PyUnicode_AsUTF8(tp) : NULL;
        cJSON *r = tagged("$type", cJSON_CreateString(u != NULL ? u : "?"));

        Py_XDECREF(tp);
        PyErr_Clear();
        return r;
    }
    /* Anything else is named by its C-level type name: no Python code runs. */
    return tagged("$type", cJSON_CreateString(Py_TYPE(o)->tp_name));
}
