/*
 * keyed_stream.c - _pyharness.KeyedStream (see keyed_stream.h).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <string.h>

#include "keyed_stream.h"

/*
 * KeyedStream(start, step, n, mask) yields n ints, the i-th being
 * (start + i * step) ^ mask.  It replaces a range iterator as the input of a
 * timed loop: a range iterator's __reduce__ and __length_hint__ give away
 * the whole input, so a submission could build the batches a check looks at
 * by slicing the range and skip the others.  This type has no attribute,
 * no __length_hint__, refuses pickling and copying, and cannot be
 * subclassed; what it will yield is known only by pulling it, one item at a
 * time, as a caller would.  Its state is plain C memory: native code in the
 * worker can read it, which gives the items at the cost of computing them,
 * no faster than pulling.  The speed checks do not rest on its opacity:
 * they digest every item of every batch (see generators-streaming).
 */
typedef struct {
    PyObject_HEAD long long next; /* the next value before the mask */
    long long step;
    long long mask;
    Py_ssize_t left; /* items still to yield */
} keyed_stream;

static PyObject *keyed_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    long long start, step, mask;
    Py_ssize_t n;
    keyed_stream *self;

    if (kwds != NULL && PyDict_GET_SIZE(kwds) > 0) {
        PyErr_SetString(PyExc_TypeError, "KeyedStream takes no keyword arguments");
        return NULL;
    }
    if (!PyArg_ParseTuple(args, "LLnL:KeyedStream", &start, &step, &n, &mask))
        return NULL;
    /* Every value must fit in 62 bits, so no item overflows. */
    if (n < 0 || start < 0 || step < 0 || mask < 0 || start > (1LL << 60) || step > (1LL << 20) ||
        n > (1LL << 36) || mask > (1LL << 60)) {
        PyErr_SetString(PyExc_ValueError, "KeyedStream: start, step, n or mask out of range");
        return NULL;
    }
    self = PyObject_New(keyed_stream, type);
    if (self == NULL)
        return NULL;
    self->next = start;
    self->step = step;
    self->mask = mask;
    self->left = n;
    return (PyObject *)self;
}

static void keyed_dealloc(keyed_stream *self)
{
    PyObject_Free(self);
}

static PyObject *keyed_next(keyed_stream *self)
{
    long long v;

    if (self->left <= 0)
        return NULL; /* exhausted: StopIteration without an exception set */
    v = self->next ^ self->mask;
    self->next += self->step;
    self->left--;
    return PyLong_FromLongLong(v);
}

static PyObject *keyed_refuse(PyObject *self, PyObject *args)
{
    (void)self;
    (void)args;
    PyErr_SetString(PyExc_TypeError, "a KeyedStream cannot be pickled or copied");
    return NULL;
}

static PyMethodDef keyed_methods[] = {
    {"__reduce__", keyed_refuse, METH_NOARGS, "refused"},
    {"__reduce_ex__", keyed_refuse, METH_VARARGS, "refused"},
    {"__copy__", keyed_refuse, METH_NOARGS, "refused"},
    {"__deepcopy__", keyed_refuse, METH_VARARGS, "refused"},
    {"__getstate__", keyed_refuse, METH_NOARGS, "refused"},
    {NULL, NULL, 0, NULL},
};

PyTypeObject keyed_stream_type = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "_pyharness.KeyedStream",
    .tp_basicsize = sizeof(keyed_stream),
    .tp_dealloc = (destructor)keyed_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT, /* no BASETYPE: final */
    .tp_doc = "KeyedStream(start, step, n, mask): n ints, yielded one at a time.",
    .tp_iter = PyObject_SelfIter,
    .tp_iternext = (iternextfunc)keyed_next,
    .tp_methods = keyed_methods,
    .tp_new = keyed_new,
};

/* One round of keyed_chain's mix: multiply by an odd constant and fold the
 * high half down, so the state depends non-linearly on every value. */
static unsigned long long chain_mix(unsigned long long d, unsigned long long v)
{
    d = (d ^ v) * 0x9E3779B97F4A7C15ULL;
    return d ^ (d >> 29);
}

/* Mix one item of a batch into *d: 0, or -1 with an exception set naming
 * the item (`i`) when it is not of the digest's type or range. */
typedef int (*chain_item_fn)(unsigned long long *d, PyObject *item, Py_ssize_t i);

/* chain_ints' item: an int that fits in 64 signed bits, mixed as its two's
 * complement (what checklib's `v & m` gives). */
static int mix_int(unsigned long long *d, PyObject *item, Py_ssize_t i)
{
    long long v;
    int overflow;

    if (!PyLong_CheckExact(item)) {
        PyErr_Format(PyExc_TypeError, "chain_ints: item %zd of a batch is a %.80s, not an int", i,
                     Py_TYPE(item)->tp_name);
        return -1;
    }
    v = PyLong_AsLongLongAndOverflow(item, &overflow);
    if (overflow != 0 || (v == -1 && PyErr_Occurred())) {
        PyErr_Clear();
        PyErr_Format(PyExc_OverflowError, "chain_ints: item %zd of a batch is out of range", i);
        return -1;
    }
    *d = chain_mix(*d, (unsigned long long)v);
    return 0;
}

/* chain_strs' item: a str's kind and byte length, then its bytes eight at a
 * time (the last word zero-padded). */
static int mix_str(unsigned long long *d, PyObject *item, Py_ssize_t i)
{
    const unsigned char *data;
    size_t nbytes, at;
    int kind;

    if (!PyUnicode_CheckExact(item)) {
        PyErr_Format(PyExc_TypeError, "chain_strs: item %zd is a %.80s, not a str", i,
                     Py_TYPE(item)->tp_name);
        return -1;
    }
    if (PyUnicode_READY(item) != 0)
        return -1;
    /* A str has one canonical form (the narrowest kind that holds it),
     * so its kind and bytes are a function of its text. */
    kind = PyUnicode_KIND(item);
    data = PyUnicode_DATA(item);
    nbytes = (size_t)PyUnicode_GET_LENGTH(item) * (size_t)kind;
    *d = chain_mix(*d, ((unsigned long long)nbytes << 3) ^ (unsigned long long)kind);
    for (at = 0; at + 8 <= nbytes; at += 8) {
        unsigned long long w;

        memcpy(&w, data + at, 8);
        *d = chain_mix(*d, w);
    }
    if (at < nbytes) {
        unsigned long long w = 0;

        memcpy(&w, data + at, nbytes - at);
        *d = chain_mix(*d, w);
    }
    return 0;
}

/*
 * The frame both digests share: `args` is (state, seq) as parsed by
 * `format`; state is taken modulo 2**64, every item of seq is mixed in by
 * `item` in order, then the count of items (where the batch ends), so
 * that batches cut differently digest differently.
 */
static PyObject *chain(PyObject *args, const char *format, const char *not_seq, chain_item_fn item)
{
    PyObject *state, *seq, *fast = NULL; /* fast: new ref */
    unsigned long long d;
    Py_ssize_t i, len;
    PyObject *result = NULL;

    if (!PyArg_ParseTuple(args, format, &PyLong_Type, &state, &seq))
        return NULL;
    d = PyLong_AsUnsignedLongLongMask(state);
    if (d == (unsigned long long)-1 && PyErr_Occurred())
        return NULL;
    fast = PySequence_Fast(seq, not_seq);
    if (fast == NULL)
        return NULL;
    len = PySequence_Fast_GET_SIZE(fast);
    for (i = 0; i < len; i++)
        if (item(&d, PySequence_Fast_GET_ITEM(fast, i), i) != 0) /* borrowed */
            goto out;
    d = chain_mix(d, 0x5BD1E995ULL ^ (unsigned long long)len); /* where the batch ends */
    result = PyLong_FromUnsignedLongLong(d);
out:
    Py_XDECREF(fast);
    return result;
}

PyObject *keyed_chain(PyObject *self, PyObject *args)
{
    (void)self;
    return chain(args, "O!O:chain_ints", "chain_ints: the batch is not a sequence", mix_int);
}

PyObject *keyed_chain_strs(PyObject *self, PyObject *args)
{
    (void)self;
    return chain(args, "O!O:chain_strs", "chain_strs: not a sequence", mix_str);
}
