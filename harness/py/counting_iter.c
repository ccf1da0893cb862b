/*
 * counting_iter.c - _pyharness.CountingIterator (see counting_iter.h).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>

#include "counting_iter.h"

/* ---- CountingIterator ---- */

/*
 * An iterator that counts what was pulled from it, for the laziness checks.
 * The checks hand it to the submission, so the count must not be writable
 * from Python: it is a read-only C member of a type that cannot be
 * subclassed and whose instances' __class__ cannot be reassigned (a static
 * type).  Native code in the worker could still rewrite it; counting from
 * the host is the plan (docs/observation.md).
 */
typedef struct {
    PyObject_HEAD PyObject *it; /* new ref */
    Py_ssize_t pulled;
} counting_iter;

static void counting_dealloc(counting_iter *self)
{
    PyObject_GC_UnTrack(self);
    Py_CLEAR(self->it);
    PyObject_GC_Del(self);
}

static int counting_traverse(counting_iter *self, visitproc visit, void *arg)
{
    Py_VISIT(self->it);
    return 0;
}

static PyObject *counting_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    PyObject *src;
    counting_iter *self;

    if (!PyArg_ParseTuple(args, "O:CountingIterator", &src) ||
        (kwds != NULL && PyDict_GET_SIZE(kwds) > 0)) {
        if (!PyErr_Occurred())
            PyErr_SetString(PyExc_TypeError, "CountingIterator takes one iterable");
        return NULL;
    }
    self = PyObject_GC_New(counting_iter, type);
    if (self == NULL)
        return NULL;
    self->pulled = 0;
    self->it = PyObject_GetIter(src);
    if (self->it == NULL) {
        Py_DECREF(self);
        return NULL;
    }
    PyObject_GC_Track(self);
    return (PyObject *)self;
}

static PyObject *counting_next(counting_iter *self)
{
    PyObject *item = PyIter_Next(self->it); /* new ref */

    if (item != NULL)
        self->pulled++;
    return item;
}

static PyMemberDef counting_members[] = {
    {"pulled", T_PYSSIZET, offsetof(counting_iter, pulled), READONLY,
     "items pulled so far (read-only)"},
    {NULL, 0, 0, 0, NULL},
};

PyTypeObject counting_iter_type = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "_pyharness.CountingIterator",
    .tp_basicsize = sizeof(counting_iter),
    .tp_dealloc = (destructor)counting_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC, /* no BASETYPE: final */
    .tp_doc = "CountingIterator(iterable): counts the items pulled, in C.",
    .tp_traverse = (traverseproc)counting_traverse,
    .tp_iter = PyObject_SelfIter,
    .tp_iternext = (iternextfunc)counting_next,
    .tp_members = counting_members,
    .tp_new = counting_new,
};
