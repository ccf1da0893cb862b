/*
 * sealed.c - handles that give their object back to the harness's code only
 * (see sealed.h).
 *
 * The worker hands the submission objects of its own (a fed iterator, a
 * callback into the runner, a fake service's client) that must reach the
 * serving loop to do their work.  A plain attribute to the loop let a
 * submission take it (iterable._w) and rebind the loop's methods: a timed
 * request was then answered by the submission's substitute (red-team 9's
 * inside_loop_swap).  These objects keep a sealed handle instead: calling
 * it returns the loop to code of the harness's own files and refuses
 * anyone else, as the audit hook refuses harness frames.
 *
 * "Code of the harness's files" was too wide: a runtime function that calls
 * a callable the caller passes on a value the caller passes opened the
 * handle on the caller's behalf (red-team 13's cvt_unseal_fixup:
 * make_exception({... "args": [sealed]}, methodcaller("__call__"))).  So a
 * handle now opens only when the calling frame runs one of a fixed set of
 * code objects: the few runtime functions whose job is to use the handle,
 * given once by pyharness.remote at its import (in the sandbox host, before
 * any worker imports a submission) and held here.  Any other caller is
 * refused and the first such call is kept for the serving loop to report.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "sealed.h"
#include "sandbox_audit.h"

#define OPENERS_MAX 8
#define SEALED_VIOLATION_MAX 200

/* The code objects a handle opens for (new refs, for the process's life);
 * nopeners is -1 until Sealed.openers() ran (then nothing opens before). */
static PyObject *openers[OPENERS_MAX];
static int nopeners = -1;
/* The first refused opening, for the worker's tamper report. */
static char violation[SEALED_VIOLATION_MAX];

struct sealed {
    PyObject_HEAD PyObject *obj; /* new ref */
};

static void sealed_dealloc(PyObject *self)
{
    Py_CLEAR(((struct sealed *)self)->obj);
    Py_TYPE(self)->tp_free(self);
}

/* 1 when the frame calling into C now runs one of the openers' code. */
static int opener_calling(void)
{
    PyFrameObject *frame = PyEval_GetFrame(); /* borrowed */
    PyCodeObject *code;                       /* new ref */
    int yes = 0;

    if (frame == NULL)
        return 0;
    code = PyFrame_GetCode(frame);
    for (int i = 0; i < nopeners && !yes; i++)
        yes = (PyObject *)code == openers[i];
    if (!yes && violation[0] == '\0') {
        const char *name = PyUnicode_AsUTF8(code->co_qualname);

        if (name == NULL)
            PyErr_Clear();
        snprintf(violation, sizeof violation,
                 "a sealed handle of the harness was called from %s, not from one of the "
                 "runtime's own users of it",
                 name != NULL ? name : "?");
    }
    Py_DECREF(code);
    return yes;
}

static PyObject *sealed_call(PyObject *self, PyObject *args, PyObject *kwargs)
{
    if (PyTuple_GET_SIZE(args) != 0 || (kwargs != NULL && PyDict_GET_SIZE(kwargs) != 0)) {
        PyErr_SetString(PyExc_TypeError, "a sealed handle takes no arguments");
        return NULL;
    }
    if (sandbox_audit_refuse_unless_harness("a sealed handle of the harness") != 0)
        return NULL;
    if (!opener_calling()) {
        PyErr_SetString(PyExc_PermissionError,
                        "pyharness: a sealed handle opens only for the runtime's own users of it");
        return NULL;
    }
    return Py_NewRef(((struct sealed *)self)->obj);
}

static PyObject *sealed_repr(PyObject *self)
{
    (void)self;
    return PyUnicode_FromString("<pyharness sealed handle>");
}

static PyObject *sealed_reduce(PyObject *self, PyObject *unused)
{
    (void)self;
    (void)unused;
    PyErr_SetString(PyExc_TypeError, "a sealed handle cannot be copied or pickled");
    return NULL;
}

/* Sealed.openers(*functions): the functions whose code may open handles;
 * once per process (a second call, a submission's, is refused). */
static PyObject *sealed_openers(PyObject *unused, PyObject *args)
{
    Py_ssize_t n = PyTuple_GET_SIZE(args);

    (void)unused;
    if (nopeners >= 0) {
        PyErr_SetString(PyExc_RuntimeError, "the openers of sealed handles are given already");
        return NULL;
    }
    if (n > OPENERS_MAX) {
        PyErr_Format(PyExc_ValueError, "at most %d openers of sealed handles", OPENERS_MAX);
        return NULL;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        if (!PyFunction_Check(PyTuple_GET_ITEM(args, i))) {
            PyErr_SetString(PyExc_TypeError, "an opener of sealed handles must be a function");
            return NULL;
        }
    }
    for (Py_ssize_t i = 0; i < n; i++)
        openers[i] = Py_NewRef(PyFunction_GET_CODE(PyTuple_GET_ITEM(args, i)));
    nopeners = (int)n;
    Py_RETURN_NONE;
}

/* Sealed.violation(): the first refused opening, or None.  Not cleared by
 * reading: a submission that reads it does not take it back. */
static PyObject *sealed_violation(PyObject *unused, PyObject *noargs)
{
    (void)unused;
    (void)noargs;
    if (violation[0] == '\0')
        Py_RETURN_NONE;
    return PyUnicode_FromString(violation);
}

static PyMethodDef sealed_methods[] = {
    {"openers", sealed_openers, METH_VARARGS | METH_STATIC,
     "openers(*functions): the functions whose code may open sealed handles (once)."},
    {"violation", sealed_violation, METH_NOARGS | METH_STATIC,
     "violation() -> the first refused opening of a sealed handle, or None."},
    {"__reduce__", sealed_reduce, METH_NOARGS, NULL},
    {"__reduce_ex__", (PyCFunction)(void (*)(void))sealed_reduce, METH_O, NULL},
    {NULL, NULL, 0, NULL},
};

PyTypeObject sealed_type = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "_pyharness.Sealed",
    .tp_basicsize = sizeof(struct sealed),
    .tp_dealloc = sealed_dealloc,
    .tp_call = sealed_call,
    .tp_repr = sealed_repr,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_methods = sealed_methods,
    .tp_doc = "A handle that gives its object back to the harness's code only.",
};

PyObject *sealed_new(PyObject *self, PyObject *obj)
{
    struct sealed *s;

    (void)self;
    s = PyObject_New(struct sealed, &sealed_type);
    if (s == NULL)
        return NULL;
    s->obj = Py_NewRef(obj);
    return (PyObject *)s;
}
