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
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "sealed.h"
#include "sandbox_audit.h"

struct sealed {
    PyObject_HEAD PyObject *obj; /* new ref */
};

static void sealed_dealloc(PyObject *self)
{
    Py_CLEAR(((struct sealed *)self)->obj);
    Py_TYPE(self)->tp_free(self);
}

static PyObject *sealed_call(PyObject *self, PyObject *args, PyObject *kwargs)
{
    if (PyTuple_GET_SIZE(args) != 0 || (kwargs != NULL && PyDict_GET_SIZE(kwargs) != 0)) {
        PyErr_SetString(PyExc_TypeError, "a sealed handle takes no arguments");
        return NULL;
    }
    if (sandbox_audit_refuse_unless_harness("a sealed handle of the harness") != 0)
        return NULL;
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

static PyMethodDef sealed_methods[] = {
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
