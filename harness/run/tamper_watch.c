/*
 * tamper_watch.c - what a submission must not rebind, snapshotted in the
 * sandbox host and compared in each run (see tamper_watch.h).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <stdint.h>
#include <stdio.h>

#include "tamper_watch.h"
#include "dict_version.h"
#include "inside_table.h"
#include "sandbox_audit.h"
#include "worker_child.h"

/* Modules whose functions, classes and submodules a submission must not
 * rebind: checks and the runtime call them after submission code has run. */
static const char *const watched_modules[] = {
    "builtins",
    "itertools",
    "collections",
    "functools",
    "operator",
    "json",
    "asyncio",
    "asyncio.tasks",
    "contextvars",
    "contextlib",
    "threading",
    "time",
    "math",
    "heapq",
    "re",
    "gc",
    "random",
    "io",
    "os",
    "multiprocessing",
    "concurrent.futures",
    "pyharness",
    "pyharness.runtime",
    "pyharness.checklib",
    "pyharness.harness",
    "pyharness.fakellm",
    "pyharness.remote",
    "resource",
    "_pyharness",
    NULL,
};
#define WATCH_MAX 64
#define TAMPER_MSG_MAX 256

/*
 * The watched modules' callables, snapshotted once in the host (after the
 * runtime is loaded, before any worker): every worker inherits the same
 * objects, so identity comparisons stay valid in the child.
 */
static struct {
    PyObject *dicts[WATCH_MAX]; /* live module dicts, new refs */
    PyObject *snaps[WATCH_MAX]; /* their callables and submodules, new refs */
    uint64_t tags[WATCH_MAX];   /* dict version at the snapshot, or 0 */
    const char *names[WATCH_MAX];
    size_t n;
    int done;
} watch;

/* Watch `d` (borrowed) under `name`: every value in it, not only callables. */
void watch_dict(PyObject *d, const char *name)
{
    PyObject *snap;

    if (d == NULL || !PyDict_Check(d) || watch.n >= WATCH_MAX)
        return;
    snap = PyDict_Copy(d);
    if (snap == NULL) {
        PyErr_Clear();
        return;
    }
    Py_INCREF(d);
    watch.dicts[watch.n] = d;
    watch.snaps[watch.n] = snap;
    watch.names[watch.n] = name;
    watch.n++;
}

/*
 * The checks' own namespace and its private builtins.  A submission can
 * reach them by walking frames (f_back from its own frame is the check's,
 * and no audit event stands on f_back or f_globals): rebinding a helper
 * there (CountingIterator, _drain) would turn failing code into passing
 * code.  Any rebinding is reported as tampering, which rejects the run.
 */
void watch_checks_namespace(PyObject *checks)
{
    PyObject *k, *fn; /* borrowed */
    Py_ssize_t pos = 0;

    if (checks == NULL || !PyDict_Next(checks, &pos, &k, &fn) || !PyFunction_Check(fn))
        return;
    {
        PyObject *g = PyFunction_GetGlobals(fn); /* borrowed */
        PyObject *b = g != NULL ? PyDict_GetItemString(g, "__builtins__") : NULL;

        watch_dict(g, "checks.py");
        watch_dict(b, "checks.py builtins");
    }
}

void watch_snapshot(void)
{
    size_t i;

    if (watch.done)
        return;
    watch.done = 1;
    for (i = 0; watched_modules[i] != NULL && watch.n < WATCH_MAX; i++) {
        PyObject *name = PyUnicode_FromString(watched_modules[i]); /* new ref */
        PyObject *mod = NULL, *d, *snap, *k, *v; /* mod new ref; d, k, v borrowed */
        Py_ssize_t pos = 0;

        /* Only what is loaded: a module the host never imported is fresh in
         * each worker, and nothing the checks rely on. */
        if (name != NULL)
            mod = PyImport_GetModule(name);
        Py_XDECREF(name);
        if (mod == NULL) {
            PyErr_Clear();
            continue;
        }
        d = PyModule_GetDict(mod);
        snap = PyDict_New();
        if (snap == NULL) {
            PyErr_Clear();
            Py_DECREF(mod);
            return;
        }
        while (PyDict_Next(d, &pos, &k, &v))
            if ((PyCallable_Check(v) || PyModule_Check(v)) && PyDict_SetItem(snap, k, v) != 0)
                PyErr_Clear();
        Py_INCREF(d);
        Py_DECREF(mod);
        watch.dicts[watch.n] = d;
        watch.snaps[watch.n] = snap;
        watch.names[watch.n] = watched_modules[i];
        watch.n++;
    }
    /* After the loop: importing a later module may add to an earlier one. */
    for (i = 0; i < watch.n; i++)
        watch.tags[i] = dict_version_tag(watch.dicts[i]);
}

/*
 * Add to `arr` what the submission tampered with since the snapshot: a
 * rebound or deleted function, class or module in a watched module, or an
 * operation the audit hook blocked (even if the submission caught the
 * exception).  Runs no Python code: identity comparisons on exact dicts.
 */
void watch_verify(struct child *c, cJSON *arr)
{
    const char *violation = sandbox_audit_violation();
    char msg[TAMPER_MSG_MAX];
    size_t i;

    if (violation != NULL && !c->violation_reported) {
        snprintf(msg, sizeof msg, "%s", violation);
        cJSON_AddItemToArray(arr, cJSON_CreateString(msg));
        c->violation_reported = 1;
    }
    /* The worker's table of @inside functions: a swapped code object, a
     * rebound global (checked around every call; reported once here). */
    {
        static int inside_reported;
        const char *inside = inside_table_check() != 0 ? inside_table_violation() : NULL;

        if (inside != NULL && !inside_reported) {
            snprintf(msg, sizeof msg, "%s", inside);
            cJSON_AddItemToArray(arr, cJSON_CreateString(msg));
            inside_reported = 1;
        }
    }
    /* h.__class__ reassigned (to a class whose measure() times something
     * else): the checks' harness object is no longer what the host made. */
    if (c->h != NULL && host.h_type != NULL && (PyObject *)Py_TYPE(c->h) != host.h_type &&
        !c->h_type_reported) {
        snprintf(msg, sizeof msg, "the submission changed the class of the checks' harness to %s",
                 Py_TYPE(c->h)->tp_name);
        cJSON_AddItemToArray(arr, cJSON_CreateString(msg));
        c->h_type_reported = 1;
    }
    for (i = 0; i < watch.n; i++) {
        PyObject *k, *v, *now; /* borrowed */
        Py_ssize_t pos = 0;
        if (watch.tags[i] != 0 && dict_version_tag(watch.dicts[i]) == watch.tags[i])
            continue;
        while (PyDict_Next(watch.snaps[i], &pos, &k, &v)) {
            now = PyDict_GetItemWithError(watch.dicts[i], k);
            if (now != v) {
                const char *name = PyUnicode_Check(k) ? PyUnicode_AsUTF8(k) : NULL;
                PyErr_Clear();
                snprintf(msg, sizeof msg, "the submission %s %s.%s", now ? "replaced" : "deleted",
                         watch.names[i], name ? name : "?");
                cJSON_AddItemToArray(arr, cJSON_CreateString(msg));
                /* Report each change once. */
                if (now != NULL)
                    PyDict_SetItem(watch.snaps[i], k, now);
                else
                    PyDict_DelItem(watch.snaps[i], k);
                return;
            }
        }
    }
}

void watch_add_tamper(struct child *c, cJSON *frame)
{
    cJSON *arr = cJSON_CreateArray();

    if (arr == NULL)
        child_die("out of memory");
    watch_verify(c, arr);
    if (cJSON_GetArraySize(arr) > 0)
        cJSON_AddItemToObject(frame, "tamper", arr);
    else
        cJSON_Delete(arr);
}
