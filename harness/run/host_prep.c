/*
 * host_prep.c - a sandbox host's one-time preparation, before any run (see
 * host_prep.h).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>

#include "host_prep.h"
#include "exercise.h"
#include "measure_sock.h"
#include "paths.h"
#include "sandbox_audit.h"
#include "tamper_watch.h"
#include "worker_child.h"

/*
 * The host's environment may hold API keys: the host keeps a fixed
 * allow-list only, in C and in both of Python's copies of it, once; each
 * run then only points HOME and TMPDIR at its own folder.  (Rebuilding the
 * whole environment per run touched every old entry: 70-odd copy-on-write
 * faults.)  0, or -1 with a Python error set.
 */
static int scrub_environment(const char *home)
{
    PyObject *keep, *r; /* new refs */

    clearenv();
    setenv("PATH", "/usr/local/bin:/usr/bin:/bin", 1);
    setenv("LANG", "C.UTF-8", 1);
    setenv("LC_ALL", "C.UTF-8", 1);
    setenv("HOME", home, 1);
    setenv("TMPDIR", home, 1);
    keep = Py_BuildValue("{s:s,s:s,s:s,s:s,s:s}", "PATH", "/usr/local/bin:/usr/bin:/bin", "LANG",
                         "C.UTF-8", "LC_ALL", "C.UTF-8", "HOME", home, "TMPDIR", home);
    if (keep == NULL)
        return -1;
    r = PyObject_CallMethod(host.rt, "scrub_environ", "O", keep);
    Py_DECREF(keep);
    Py_XDECREF(r);
    return r != NULL ? 0 : -1;
}

/* Import each module named in `names` (a list, or NULL); a module that
 * fails to import is the submission's problem if it needs it, not ours. */
static void preload(PyObject *names)
{
    Py_ssize_t n = names != NULL && PyList_Check(names) ? PyList_GET_SIZE(names) : 0;

    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *m = PyImport_Import(PyList_GET_ITEM(names, i)); /* new ref */

        if (m == NULL)
            PyErr_Clear();
        Py_XDECREF(m);
    }
}

/* Call module.fn() for its effect; 0, or -1 with the error cleared. */
static int call_for_effect(const char *module, const char *fn)
{
    PyObject *m = PyImport_ImportModule(module), *r = NULL; /* new refs */

    if (m != NULL)
        r = PyObject_CallMethod(m, fn, NULL);
    Py_XDECREF(m);
    if (r == NULL) {
        PyErr_Clear();
        return -1;
    }
    Py_DECREF(r);
    return 0;
}

/* An attribute of the object an attribute of `o` names: o.a.b; new ref. */
static PyObject *attr2(PyObject *o, const char *a, const char *b)
{
    PyObject *mid = o != NULL ? PyObject_GetAttrString(o, a) : NULL; /* new ref */
    PyObject *res = mid != NULL ? PyObject_GetAttrString(mid, b) : NULL;

    Py_XDECREF(mid);
    return res;
}

/* What every run uses and can be made before any: the Harness object, the
 * submission's module, the environment's dicts.  0, or -1 with a Python
 * error set. */
static int prepare_runs(void)
{
    PyObject *mod, *cls = NULL, *params; /* new refs */

    if (host.describe == NULL)
        return -1;
    host.missing = PyObject_GetAttrString(host.rt, "missing_names");
    mod = PyImport_ImportModule("pyharness.harness");
    if (mod != NULL)
        cls = PyObject_GetAttrString(mod, "Harness");
    Py_XDECREF(mod);
    params = PyDict_New();
    if (cls != NULL && params != NULL)
        host.h = PyObject_CallFunction(cls, "ssO", host.ctx->ex->dir, "cand", params);
    if (host.h != NULL)
        host.h_type = Py_NewRef((PyObject *)Py_TYPE(host.h));
    Py_XDECREF(cls);
    Py_XDECREF(params);
    host.sub = PyObject_CallMethod(host.rt, "submission_module", NULL);
    host.sub_spec = host.sub != NULL ? PyObject_GetAttrString(host.sub, "__spec__") : NULL;
    host.sub_loader =
        host.sub_spec != NULL ? PyObject_GetAttrString(host.sub_spec, "loader") : NULL;
    host.environ[0] = PyObject_GetAttrString(PyImport_AddModule("posix"), "environ");
    host.environ[1] = attr2(PyImport_AddModule("os"), "environ", "_data");
    if (host.missing == NULL || host.h == NULL || host.sub_loader == NULL ||
        host.environ[0] == NULL || host.environ[1] == NULL)
        return -1;
    if (!PyDict_Check(host.environ[0]) || !PyDict_Check(host.environ[1])) {
        PyErr_SetString(PyExc_TypeError, "the environment is not held in dicts");
        return -1;
    }
    sandbox_audit_prepare();
    return 0;
}

/* Write "<what>: <type>: <message>" of the current Python error into msg
 * and clear it; returns -1. */
static int python_error(char *msg, size_t cap, const char *fmt, ...)
{
    PyObject *type, *value, *tb, *text = NULL; /* new refs */
    const char *what = NULL;
    char head[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(head, sizeof head, fmt, ap);
    va_end(ap);
    PyErr_Fetch(&type, &value, &tb);
    if (value != NULL)
        text = PyObject_Str(value);
    if (text != NULL)
        what = PyUnicode_AsUTF8(text);
    snprintf(msg, cap, "%s: %s: %s", head, type != NULL ? ((PyTypeObject *)type)->tp_name : "error",
             what ? what : "?");
    Py_XDECREF(text);
    Py_XDECREF(type);
    Py_XDECREF(value);
    Py_XDECREF(tb);
    PyErr_Clear();
    return -1;
}

/* Classes the checks call through, and their modules. */
static const char *const harness_classes[][2] = {
    {"pyharness.harness", "Harness"},
    {"pyharness.fakellm", "FakeLLMClient"},
    /* The worker's side of the protocol: a submission rewriting
     * RemoteClient.complete would skip or fake the calls a check makes. */
    {"pyharness.remote", "RemoteClient"},
    {"pyharness.remote", "Fed"},
    {"pyharness.remote", "Callback"},
    {"pyharness.remote", "_Worker"},
    {"pyharness.remote", "Wire"},
};

/*
 * Make the checks' own classes immutable, as built-in types are, once the
 * host has bound everything into them: `Harness.measure = fake` on the class
 * itself (same class object, so h's type check would not see it) then
 * raises TypeError in any worker.  Their dicts are also watched (a write
 * past the flag, from native code, is still reported).
 */
static void freeze_harness_classes(void)
{
    PyObject *modules = PyImport_GetModuleDict(); /* borrowed */

    for (size_t i = 0; i < sizeof harness_classes / sizeof harness_classes[0]; i++) {
        PyObject *mod = PyDict_GetItemString(modules, harness_classes[i][0]); /* borrowed */
        PyObject *cls =
            mod != NULL ? PyObject_GetAttrString(mod, harness_classes[i][1]) : NULL; /* new ref */

        if (cls != NULL && PyType_Check(cls)) {
            PyTypeObject *t = (PyTypeObject *)cls;

            t->tp_flags |= Py_TPFLAGS_IMMUTABLETYPE;
            PyType_Modified(t);
            watch_dict(t->tp_dict, harness_classes[i][1]);
        }
        Py_XDECREF(cls);
        PyErr_Clear();
    }
}

int host_prep_init(void *arg, char *msg, size_t cap)
{
    PyObject *modules = PyImport_GetModuleDict(); /* borrowed */

    host.ctx = arg;
    /* Secrets go before anything else: the host lives as long as its runs. */
    clearenv();
    preload(host.ctx->preload);
    host.rt = PyImport_ImportModule("pyharness.runtime");
    if (host.rt != NULL)
        host.describe = PyObject_GetAttrString(host.rt, "describe_exception");
    if (host.describe != NULL && scrub_environment(host.ctx->scratch_root) != 0)
        Py_CLEAR(host.describe);
    if (prepare_runs() != 0)
        return python_error(msg, cap, "the runtime failed to load (python/ is %s)",
                            paths_python_dir());
    /* Check runners and workers use it; loaded once, before any run. */
    host.remote = PyImport_ImportModule("pyharness.remote");
    if (host.remote == NULL)
        return python_error(msg, cap, "the runtime failed to load (python/ is %s)",
                            paths_python_dir());
    /* A worker dumps its stacks on this signal, sent by its runner a little
     * before the supervisor's deadline for a check (a diagnostic only). */
    {
        PyObject *fh = PyImport_ImportModule("faulthandler"), *r = NULL; /* new refs */

        if (fh != NULL)
            r = PyObject_CallMethod(fh, "register", "iOO", SIGUSR2, Py_None, Py_True);
        Py_XDECREF(r);
        Py_XDECREF(fh);
        PyErr_Clear();
    }
    /* h.run_async and h.client bind asyncio now, before any submission. */
    if (PyDict_GetItemString(modules, "asyncio") != NULL &&
        call_for_effect("pyharness.harness", "bind_asyncio") != 0) {
        snprintf(msg, cap, "binding asyncio into the check harness failed");
        return -1;
    }
    freeze_harness_classes();
    /* Before the runs' filter, which allows Unix sockets only: runners
     * weigh the run's socket buffers through it (a failure leaves them
     * unweighed, as on a kernel without sock_diag). */
    (void)measure_sock_open(SANDBOX_PARKED_FD_MIN);
    /* What the host loaded stays out of the collector's way in every worker. */
    (void)call_for_effect("gc", "freeze");
    /* Last: what the workers compare against is the host's final state. */
    watch_snapshot();
    return 0;
}
