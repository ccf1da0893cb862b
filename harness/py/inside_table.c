/*
 * inside_table.c - the worker's table of shipped (@inside) check functions
 * and calls with the harness's frames cut off (see inside_table.h).
 *
 * The functions a timed check calls in the worker used to live in a Python
 * dict of the serving loop, which a submission reached through f_back and
 * rebound (red-team 8's inside_swap).  Here the table is plain C memory: no
 * Python container holds it, so neither frames nor gc reach it.  The
 * function objects themselves stay reachable (their globals are a frame's
 * f_globals), so every call first and last compares what the functions run
 * with what was sealed: the code object, the globals and builtins dicts and
 * every binding in them, the defaults.  A difference refuses the call (the
 * substitute is never timed) and is reported as tampering.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "dict_version.h"
#include "inside_table.h"
#include "serve_gate.h"

#define TABLE_MAX 64
#define VIOLATION_MAX 256

/* A dict's bindings at the seal: keys and values, new refs. */
struct snap {
    PyObject *dict; /* new ref */
    PyObject **keys;
    PyObject **vals;
    Py_ssize_t n;
    uint64_t tag; /* version tag when last found intact, or 0 */
};

struct entry {
    PyObject *name;       /* new ref, str */
    PyObject *fn;         /* new ref, exact function */
    PyObject *code;       /* new ref */
    PyObject *defaults;   /* new ref or NULL */
    PyObject *kwdefaults; /* new ref or NULL */
};

static struct {
    struct entry e[TABLE_MAX];
    size_t n;
    struct snap ns;
    struct snap builtins;
    int sealed;
    char violation[VIOLATION_MAX];
} tab;

static int snap_take(struct snap *s, PyObject *d)
{
    PyObject *k, *v; /* borrowed */
    Py_ssize_t pos = 0, i = 0, n = PyDict_GET_SIZE(d);

    s->keys = PyMem_RawCalloc((size_t)n + 1, sizeof *s->keys);
    s->vals = PyMem_RawCalloc((size_t)n + 1, sizeof *s->vals);
    if (s->keys == NULL || s->vals == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    while (i < n && PyDict_Next(d, &pos, &k, &v)) {
        Py_INCREF(k);
        Py_INCREF(v);
        s->keys[i] = k;
        s->vals[i] = v;
        i++;
    }
    s->n = i;
    Py_INCREF(d);
    s->dict = d;
    s->tag = dict_version_tag(d);
    return 0;
}

/* 0 when `s->dict` binds exactly what it did at the seal; else -1 with
 * the tampering described in tab.violation.  Runs no Python code. */
static int snap_intact(struct snap *s, const char *what)
{
    Py_ssize_t i;

    if (s->tag != 0 && dict_version_tag(s->dict) == s->tag)
        return 0;
    if (PyDict_GET_SIZE(s->dict) != s->n) {
        snprintf(tab.violation, sizeof tab.violation,
                 "the submission added or removed a name in %s (%zd names, %zd sealed)", what,
                 PyDict_GET_SIZE(s->dict), s->n);
        return -1;
    }
    for (i = 0; i < s->n; i++) {
        PyObject *now = PyDict_GetItemWithError(s->dict, s->keys[i]); /* borrowed */

        if (now != s->vals[i]) {
            const char *k = PyUnicode_Check(s->keys[i]) ? PyUnicode_AsUTF8(s->keys[i]) : NULL;

            PyErr_Clear();
            snprintf(tab.violation, sizeof tab.violation, "the submission %s %s in %s",
                     now != NULL ? "rebound" : "deleted", k != NULL ? k : "a name", what);
            return -1;
        }
    }
    s->tag = dict_version_tag(s->dict);
    return 0;
}

/* 0 when every sealed function still runs what was sealed; else -1 with
 * tab.violation set (kept: the first tampering found is what is reported).
 * An exception pending on entry (the call just made raised) is pending again
 * on return: the checks below clear what they raise themselves. */
static int table_intact(void)
{
    char first[VIOLATION_MAX];
    PyObject *et, *ev, *tb; /* new refs, or NULL */
    size_t i;
    int bad = 0;

    PyErr_Fetch(&et, &ev, &tb);

    snprintf(first, sizeof first, "%s", tab.violation);
    for (i = 0; i < tab.n && !bad; i++) {
        PyFunctionObject *f = (PyFunctionObject *)tab.e[i].fn;
        const char *name = PyUnicode_AsUTF8(tab.e[i].name);
        const char *what = NULL;

        if (f->func_code != tab.e[i].code)
            what = "code";
        else if (f->func_globals != tab.ns.dict)
            what = "globals";
        else if (f->func_builtins != tab.builtins.dict)
            what = "builtins";
        else if (f->func_defaults != tab.e[i].defaults || f->func_kwdefaults != tab.e[i].kwdefaults)
            what = "defaults";
        else if (f->func_closure != NULL)
            what = "closure";
        if (what != NULL) {
            snprintf(tab.violation, sizeof tab.violation,
                     "the submission replaced the %s of the check function %s", what,
                     name != NULL ? name : "?");
            bad = 1;
        }
    }
    PyErr_Clear();
    if (!bad)
        bad = snap_intact(&tab.ns, "the checks' namespace in the worker") != 0 ||
              snap_intact(&tab.builtins, "the checks' builtins in the worker") != 0;
    if (bad && first[0] != '\0')
        snprintf(tab.violation, sizeof tab.violation, "%s", first);
    PyErr_Restore(et, ev, tb);
    return bad ? -1 : 0;
}

const char *inside_table_violation(void)
{
    return tab.violation[0] != '\0' ? tab.violation : NULL;
}

PyObject *inside_table_seal(PyObject *self, PyObject *args)
{
    PyObject *fns, *ns, *k, *v, *builtins = NULL; /* borrowed */
    Py_ssize_t pos = 0;

    (void)self;
    if (gate_refuse_unless_loop("inside_seal") != 0)
        return NULL;
    if (!PyArg_ParseTuple(args, "O!O!:inside_seal", &PyDict_Type, &fns, &PyDict_Type, &ns))
        return NULL;
    if (tab.sealed) {
        PyErr_SetString(PyExc_RuntimeError, "inside_seal: the table is sealed already");
        return NULL;
    }
    if (PyDict_GET_SIZE(fns) > TABLE_MAX) {
        PyErr_Format(PyExc_ValueError, "inside_seal: more than %d @inside functions", TABLE_MAX);
        return NULL;
    }
    while (PyDict_Next(fns, &pos, &k, &v)) {
        PyFunctionObject *f = (PyFunctionObject *)v;

        if (!PyUnicode_CheckExact(k) || !Py_IS_TYPE(v, &PyFunction_Type) || f->func_globals != ns ||
            f->func_closure != NULL || (builtins != NULL && f->func_builtins != builtins)) {
            PyErr_SetString(PyExc_TypeError,
                            "inside_seal: each @inside function must be a plain function of "
                            "the shipped namespace");
            return NULL;
        }
        builtins = f->func_builtins;
    }
    pos = 0;
    while (PyDict_Next(fns, &pos, &k, &v)) {
        PyFunctionObject *f = (PyFunctionObject *)v;
        struct entry *e = &tab.e[tab.n++];

        e->name = Py_NewRef(k);
        e->fn = Py_NewRef(v);
        e->code = Py_NewRef(f->func_code);
        e->defaults = Py_XNewRef(f->func_defaults);
        e->kwdefaults = Py_XNewRef(f->func_kwdefaults);
    }
    if (snap_take(&tab.ns, ns) != 0)
        return NULL;
    if (builtins == NULL || !PyDict_Check(builtins))
        builtins = PyEval_GetBuiltins(); /* no function: nothing calls these */
    if (snap_take(&tab.builtins, builtins) != 0)
        return NULL;
    tab.sealed = 1;
    Py_RETURN_NONE;
}

/*
 * The frame the next Python function called from here will link to as its
 * caller.  Cutting it to NULL for the length of a call makes f_back of that
 * function's frame None, tracebacks stop there, and sys._getframe cannot go
 * deeper: the serving loop's frames (and their `self`) are out of reach.
 */
#if PY_VERSION_HEX >= 0x030B0000 && PY_VERSION_HEX < 0x030D0000
#define CUT_FRAMES 1
#define CURRENT_FRAME(ts) ((ts)->cframe->current_frame)
#elif PY_VERSION_HEX >= 0x030D0000
#define CUT_FRAMES 1
#define CURRENT_FRAME(ts) ((ts)->current_frame)
#else
#define CUT_FRAMES 0
#endif

static PyObject *call_cut(PyObject *fn, PyObject *const *args, size_t nargsf, PyObject *kwnames)
{
#if CUT_FRAMES
    PyThreadState *ts = PyThreadState_Get();
    struct _PyInterpreterFrame *saved = CURRENT_FRAME(ts);
    PyObject *r;

    CURRENT_FRAME(ts) = NULL;
    r = PyObject_Vectorcall(fn, args, nargsf, kwnames);
    CURRENT_FRAME(ts) = saved;
    return r;
#else
    return PyObject_Vectorcall(fn, args, nargsf, kwnames);
#endif
}

PyObject *inside_table_cut(PyObject *self, PyObject *const *args, Py_ssize_t nargs,
                           PyObject *kwnames)
{
    (void)self;
    if (nargs < 1) {
        PyErr_SetString(PyExc_TypeError, "cut(fn, *args, **kwargs): fn is missing");
        return NULL;
    }
    /* A call with no frame below it is what the serving loop's binding
     * looks for: none is made while the loop has yet to bind. */
    if (gate_binding()) {
        PyErr_SetString(PyExc_RuntimeError, "cut: refused before the serving loop is bound");
        return NULL;
    }
    return call_cut(args[0], args + 1, (size_t)(nargs - 1), kwnames);
}

int inside_table_check(void)
{
    return tab.sealed ? table_intact() : 0;
}

static PyObject *refuse(void)
{
    PyErr_Format(PyExc_RuntimeError, "the check code that runs in the worker was changed: %s",
                 tab.violation);
    return NULL;
}

PyObject *inside_table_call(PyObject *self, PyObject *args)
{
    PyObject *name, *a, *kw, *fn = NULL, *r = NULL, *kwnames = NULL; /* borrowed; r, kwnames new */
    PyObject *stack[64];
    Py_ssize_t na, nk = 0, i;
    size_t j;

    (void)self;
    if (gate_refuse_unless_loop("inside_call") != 0)
        return NULL;
    if (!PyArg_ParseTuple(args, "UO!O!:inside_call", &name, &PyTuple_Type, &a, &PyDict_Type, &kw))
        return NULL;
    for (j = 0; j < tab.n; j++)
        if (PyUnicode_Compare(tab.e[j].name, name) == 0) {
            fn = tab.e[j].fn;
            break;
        }
    if (fn == NULL) {
        if (!PyErr_Occurred())
            PyErr_Format(PyExc_KeyError, "no @inside function %R", name);
        return NULL;
    }
    na = PyTuple_GET_SIZE(a);
    if (na + PyDict_GET_SIZE(kw) > (Py_ssize_t)(sizeof stack / sizeof stack[0])) {
        PyErr_SetString(PyExc_ValueError, "inside_call: too many arguments");
        return NULL;
    }
    if (table_intact() != 0)
        return refuse();
    for (i = 0; i < na; i++)
        stack[i] = PyTuple_GET_ITEM(a, i);
    if (PyDict_GET_SIZE(kw) > 0) {
        PyObject *k, *v; /* borrowed */
        Py_ssize_t pos = 0;

        kwnames = PyTuple_New(PyDict_GET_SIZE(kw));
        if (kwnames == NULL)
            return NULL;
        while (PyDict_Next(kw, &pos, &k, &v)) {
            PyTuple_SET_ITEM(kwnames, nk, Py_NewRef(k));
            stack[na + nk++] = Py_NewRef(v); /* the dict may change during the call */
        }
    }
    Py_INCREF(fn);
    r = call_cut(fn, stack, (size_t)na, kwnames);
    Py_DECREF(fn);
    for (i = 0; i < nk; i++)
        Py_DECREF(stack[na + i]);
    Py_XDECREF(kwnames);
    if (table_intact() != 0) {
        Py_XDECREF(r);
        if (PyErr_Occurred())
            PyErr_Clear();
        return refuse();
    }
    return r;
}

PyObject *inside_table_get(PyObject *self, PyObject *name)
{
    size_t j;

    (void)self;
    if (gate_refuse_unless_loop("inside_get") != 0)
        return NULL;
    if (!PyUnicode_Check(name)) {
        PyErr_SetString(PyExc_TypeError, "inside_get(name): name must be a str");
        return NULL;
    }
    if (table_intact() != 0)
        return refuse();
    for (j = 0; j < tab.n; j++)
        if (PyUnicode_Compare(tab.e[j].name, name) == 0)
            return Py_NewRef(tab.e[j].fn);
    if (!PyErr_Occurred())
        PyErr_Format(PyExc_KeyError, "no @inside function %R", name);
    return NULL;
}
