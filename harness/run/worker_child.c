/*
 * worker_child.c - the body of a worker process (see worker.h).
 *
 * Runs in the forked child only.  Everything that reaches the supervisor is
 * built here, in C: observations are converted to JSON by a type-strict
 * serialiser that looks only at exact built-in types and never calls back
 * into Python (so a submission's __eq__, __repr__ or __iter__ cannot run or
 * lie), and measured figures come from the C log, not from Python objects.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <marshal.h>

#include <assert.h>
#include <limits.h>
#include <sys/uio.h>
#include <sys/prctl.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <sys/socket.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "embed.h"
#include "engine.h"
#include "exercise.h"
#include "fileio.h"
#include "measure.h"
#include "measure_sock.h"
#include "paths.h"
#include "proto.h"
#include "sandbox.h"
#include "sandbox_enter.h"
#include "sandbox_landlock.h"
#include "sandbox_msg.h"
#include "sandbox_audit.h"
#include "worker.h"
#include "worker_child.h"

#define OBS_MAX_DEPTH 64
#define OBS_MAX_NODES 2000000
#define EXACT_INT_LIMIT 9007199254740992LL /* 2^53: beyond it a JSON number loses digits */

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

/* What the job says, parsed in the worker (see worker_run). */
struct worker_child_args {
    struct worker_spec spec; /* ex is the host's; strings point into job */
    cJSON *job;              /* owned */
    const struct sandbox_run *run;
    int result_fd;
    const char *scratch;
    const char *module_path;
    const char *nonce;
    const char *seed; /* hex, or NULL; the runner's alone (wipe_secrets) */
};

/*
 * Prepared once per host, before any run (worker_child_host_init), so that a
 * worker runs as little Python as it can before the submission: each Python
 * function a worker runs for the first time writes to pages it shares with
 * the host (reference counts, specialised bytecode), and every such page is
 * a copy-on-write fault in every run.  All references are owned.
 */
static struct {
    const struct worker_host_ctx *ctx;
    PyObject *rt;       /* pyharness.runtime */
    PyObject *describe; /* runtime.describe_exception */
    PyObject *missing;  /* runtime.missing_names */
    PyObject *remote;   /* pyharness.remote */
    PyObject *h;        /* the Harness object; each worker sets its fields */
    PyObject *h_type;   /* its type, as the host made it */
    PyObject *sub;      /* runtime.submission_module(), its spec and loader */
    PyObject *sub_spec;
    PyObject *sub_loader;
    PyObject *environ[2]; /* posix.environ and os.environ._data (bytes -> bytes) */
} host;

/* One run, in its worker.  The PyObject pointers borrow the host's. */
struct child {
    const struct worker_child_args *a;
    PyObject *describe; /* runtime.describe_exception, bound before submission code */
    int violation_reported;
    int h_type_reported;
    PyObject *checks; /* dict name -> function (new ref, loaded after the fork) */
    PyObject *h;      /* the Harness object */
    PyObject *sub;    /* the submission module, or the runner's proxy for it */
    PyObject *runner; /* remote._Runner of a split run (new ref), or NULL */
    pid_t worker;     /* the worker process of a split run */
    /* The audit hook's violations, one per line (sandbox_audit_set_channel):
     * the worker's write end, the runner's read end; -1 when none. */
    int channel;
};

/* Frames not yet written to the result pipe (see proto_out). */
static struct proto_out outq;

static _Noreturn void die(const char *what)
{
    struct ph_err err = {0};

    /* What the supervisor has not seen yet says how far the run got. */
    (void)proto_flush(&outq, 3, &err);
    /* The supervisor sees an early exit without the end frame: never a pass. */
    fprintf(stderr, "pyharness worker: %s\n", what);
    if (PyErr_Occurred())
        PyErr_Print();
    fflush(stderr);
    _exit(121);
}

static cJSON *new_frame(const struct child *c, enum proto_frame_type type)
{
    cJSON *f = cJSON_CreateObject();

    assert(type != PROTO_FRAME_UNKNOWN);
    if (f == NULL || !cJSON_AddStringToObject(f, "t", proto_frame_type_name(type)) ||
        !cJSON_AddStringToObject(f, "n", c->a->nonce))
        die("out of memory building a frame");
    return f;
}

/* A check's frame over the protocol's cap: what the check observed, or the
 * exception the submission raised, is too large to report.  Say so in its
 * place (0), rather than end the run as if the submission had.  -1 for any
 * other frame. */
static int shrink_check_frame(cJSON *f)
{
    cJSON *e;

    if (proto_frame_type(f) != PROTO_FRAME_CHECK)
        return -1;
    cJSON_DeleteItemFromObjectCaseSensitive(f, "obs");
    cJSON_DeleteItemFromObjectCaseSensitive(f, "error");
    cJSON_DeleteItemFromObjectCaseSensitive(f, "log");
    cJSON_DeleteItemFromObjectCaseSensitive(f, "status");
    cJSON_AddStringToObject(f, "status", "error");
    e = cJSON_AddObjectToObject(f, "error");
    cJSON_AddStringToObject(e, "type", "ObservationError");
    cJSON_AddStringToObject(e, "message",
                            "the check's result (or the exception raised) is too large to report: "
                            "over the result protocol's frame cap");
    return 0;
}

/* Queue frame `f` (consumed); it goes with the next send_frames(). */
static void queue_frame(cJSON *f)
{
    struct ph_err err = {0};
    enum ph_rc rc = proto_queue(&outq, f, &err);

    if (rc == PH_ELIMIT && shrink_check_frame(f) == 0)
        rc = proto_queue(&outq, f, &err);
    if (rc != PH_OK) {
        cJSON_Delete(f);
        die(err.msg);
    }
    cJSON_Delete(f);
}

/* Write the queued frames.  Called before candidate code runs again: a
 * worker that dies or hangs there has told the supervisor how far it got. */
static void send_frames(const struct child *c)
{
    struct ph_err err = {0};

    if (proto_flush(&outq, c->a->result_fd, &err) != PH_OK)
        die(err.msg);
}

static void send_frame(const struct child *c, cJSON *f)
{
    queue_frame(f);
    send_frames(c);
}

/* ---- type-strict serialiser ---- */

struct ser {
    long nodes;
    char err[160];
};

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

static cJSON *ser_value(struct ser *s, PyObject *o, int depth);

/* pyharness.remote.Remote in a check runner (borrowed from the module). */
static PyTypeObject *remote_type;

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

static cJSON *ser_value(struct ser *s, PyObject *o, int depth)
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

/* ---- runtime calls ---- */

/* The current exception as {type, message, traceback}; clears it. */
static cJSON *take_exception(struct child *c)
{
    PyObject *type = NULL, *value = NULL, *tb = NULL; /* new refs */
    PyObject *desc = NULL;                            /* new ref */
    cJSON *out = NULL;
    struct ser s = {0};

    PyErr_Fetch(&type, &value, &tb);
    PyErr_NormalizeException(&type, &value, &tb);
    if (value != NULL && tb != NULL)
        PyException_SetTraceback(value, tb);
    if (value != NULL)
        desc = PyObject_CallFunction(c->describe, "Os", value,
                                     c->a->spec.display_name ? c->a->spec.display_name : "");
    if (desc != NULL)
        out = ser_value(&s, desc, 0);
    if (out == NULL || !cJSON_IsObject(out)) {
        cJSON_Delete(out);
        PyErr_Clear();
        out = cJSON_CreateObject();
        if (out != NULL) {
            cJSON_AddStringToObject(out, "type",
                                    type ? ((PyTypeObject *)type)->tp_name : "unknown");
            cJSON_AddStringToObject(out, "message", "(the exception could not be described)");
        }
    }
    Py_XDECREF(desc);
    Py_XDECREF(type);
    Py_XDECREF(value);
    Py_XDECREF(tb);
    PyErr_Clear();
    return out;
}

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

/* HOME and TMPDIR of the run, in C and in both of Python's copies of the
 * environment (posix.environ and os.environ._data map bytes to bytes). */
static void enter_run_folder(const char *scratch)
{
    static const char *const keys[] = {"HOME", "TMPDIR"};
    PyObject *value = PyBytes_FromString(scratch); /* new ref */

    if (value == NULL)
        die("out of memory");
    for (size_t i = 0; i < 2; i++) {
        PyObject *key = PyBytes_FromString(keys[i]); /* new ref */

        if (key == NULL || PyDict_SetItem(host.environ[0], key, value) != 0 ||
            PyDict_SetItem(host.environ[1], key, value) != 0)
            die("cannot set the run's folder in the environment");
        Py_DECREF(key);
        setenv(keys[i], scratch, 1);
    }
    Py_DECREF(value);
}

static PyObject *params_object(const cJSON *params)
{
    char *text;
    PyObject *json = NULL, *res = NULL; /* new refs */

    if (params == NULL)
        return PyDict_New();
    text = cJSON_PrintUnformatted(params);
    if (text == NULL)
        return NULL;
    json = PyImport_ImportModule("json");
    if (json != NULL)
        res = PyObject_CallMethod(json, "loads", "s", text);
    Py_XDECREF(json);
    free(text);
    return res;
}

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

/*
 * PEP 509's version tag changes with every write to a dict: while a watched
 * dict keeps the tag it had at the snapshot, nothing in it was rebound and
 * the scan can skip it.  (The field is gone in 3.12, which scans always.)
 */
static uint64_t dict_tag(PyObject *d)
{
#if PY_VERSION_HEX < 0x030C0000
    _Pragma("GCC diagnostic push")
        _Pragma("GCC diagnostic ignored \"-Wdeprecated-declarations\"") return ((PyDictObject *)d)
            ->ma_version_tag;
    _Pragma("GCC diagnostic pop")
#else
    (void)d;
    return 0;
#endif
}

/* Watch `d` (borrowed) under `name`: every value in it, not only callables. */
static void watch_dict(PyObject *d, const char *name)
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
static void watch_checks_namespace(PyObject *checks)
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

static void worker_child_prepare(void)
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
        watch.tags[i] = dict_tag(watch.dicts[i]);
}

/*
 * Add to `arr` what the submission tampered with since the snapshot: a
 * rebound or deleted function, class or module in a watched module, or an
 * operation the audit hook blocked (even if the submission caught the
 * exception).  Runs no Python code: identity comparisons on exact dicts.
 */
static void watch_verify(struct child *c, cJSON *arr)
{
    const char *violation = sandbox_audit_violation();
    char msg[TAMPER_MSG_MAX];
    size_t i;

    if (violation != NULL && !c->violation_reported) {
        snprintf(msg, sizeof msg, "%s", violation);
        cJSON_AddItemToArray(arr, cJSON_CreateString(msg));
        c->violation_reported = 1;
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
        if (watch.tags[i] != 0 && dict_tag(watch.dicts[i]) == watch.tags[i])
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

static void add_tamper(struct child *c, cJSON *frame)
{
    cJSON *arr = cJSON_CreateArray();

    if (arr == NULL)
        die("out of memory");
    watch_verify(c, arr);
    if (cJSON_GetArraySize(arr) > 0)
        cJSON_AddItemToObject(frame, "tamper", arr);
    else
        cJSON_Delete(arr);
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

int worker_child_host_init(void *arg, char *msg, size_t cap)
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
    worker_child_prepare();
    return 0;
}

/* Point the host's Harness object at this run (its slots, set from C). */
static void set_harness_field(PyObject *h, const char *name, PyObject *value)
{
    if (value == NULL || PyObject_SetAttrString(h, name, value) != 0)
        die("cannot set up the check harness");
    Py_DECREF(value);
}

static void setup(struct child *c)
{
    const struct worker_spec *spec = &c->a->spec;

    c->describe = host.describe;
    c->h = host.h;
    enter_run_folder(c->a->scratch);
    set_harness_field(c->h, "scratch", PyUnicode_FromString(c->a->scratch));
    set_harness_field(c->h, "role", PyUnicode_FromString(worker_role_name(spec->role)));
    set_harness_field(c->h, "params", params_object(spec->params));
}

/* Set in the process that forks a run's worker (the runner-to-be), while
 * its parent is still the host: 1 when that host is its PID namespace's init. */
static int run_in_own_pidns;

static void confine(struct child *c)
{
    struct ph_err err = {0};
    struct sandbox_policy pol = *c->a->run->policy;

    if (sandbox_enter(c->a->run, &err) != PH_OK)
        die(err.msg);
    /* The hook's writable folder is the run's own. */
    pol.scratch_dir = c->a->scratch;
    /* A worker's parent is its runner, whose parent is the namespace's
     * init: the hook cannot see that from the worker's own parent. */
    pol.own_pid_ns = run_in_own_pidns;
    sandbox_audit_arm(&pol);
    /* A child of its namespace's PID 1: /proc shows the run and nothing
     * else, so child CPU can be counted for every process of it. */
    measure_set_run_namespace(getppid() == 1);
}

/* Put `folder` first on sys.path unless it is there already; 0 or -1. */
static int path_first(PyObject *folder)
{
    PyObject *path = PySys_GetObject("path"); /* borrowed */
    int has;

    if (path == NULL || !PyList_Check(path)) {
        PyErr_SetString(PyExc_RuntimeError, "sys.path is not a list");
        return -1;
    }
    has = PySequence_Contains(path, folder);
    if (has < 0)
        return -1;
    return has ? 0 : PyList_Insert(path, 0, folder);
}

/* The exercise's entry points the module lacks, as runtime.missing_names()'s
 * error set; 0 if it has them all, -1 on error. */
static int check_entry_points(PyObject *mod, const char *display)
{
    const struct exercise *ex = host.ctx->ex;
    PyObject *missing = PyList_New(0), *err; /* new refs */

    if (missing == NULL)
        return -1;
    for (size_t i = 0; i < ex->nentry; i++) {
        PyObject *name = PyUnicode_FromString(ex->entry_points[i]); /* new ref */

        if (name == NULL || (!PyObject_HasAttr(mod, name) && PyList_Append(missing, name) != 0)) {
            Py_XDECREF(name);
            Py_DECREF(missing);
            return -1;
        }
        Py_DECREF(name);
    }
    if (PyList_GET_SIZE(missing) == 0) {
        Py_DECREF(missing);
        return 0;
    }
    err = PyObject_CallFunction(host.missing, "sO", display, missing);
    Py_DECREF(missing);
    if (err != NULL) {
        PyErr_SetObject((PyObject *)Py_TYPE(err), err);
        Py_DECREF(err);
    }
    return -1;
}

/*
 * Run the submission's file as the module `submission` the host made
 * (runtime.submission_module(), which says what this does and why).  The
 * code is compiled with the builtin compile() on the file's bytes, as
 * importlib does.  Returns the module (borrowed from the host), or NULL with
 * the exception set.
 */
static PyObject *load_submission(const struct child *c)
{
    const char *path = c->a->module_path;
    const char *slash = strrchr(path, '/');
    PyObject *mod = host.sub, *globals = PyModule_GetDict(host.sub);             /* borrowed */
    PyObject *file = NULL, *folder = NULL, *src = NULL, *code = NULL, *r = NULL; /* new refs */
    struct ph_err err = {0};
    char *text = NULL;
    size_t len = 0;
    int ok = 0;

    if (fileio_read(path, ENGINE_SUBMISSION_MAX, &text, &len, &err) != PH_OK) {
        PyErr_SetString(PyExc_OSError, err.msg);
        return NULL;
    }
    file = PyUnicode_DecodeFSDefault(path);
    /* What os.path.dirname() gives: "" for a bare name. */
    folder = PyUnicode_DecodeFSDefaultAndSize(path, slash != NULL ? slash - path : 0);
    src = PyBytes_FromStringAndSize(text, (Py_ssize_t)len);
    free(text);
    if (file == NULL || folder == NULL || src == NULL)
        goto out;
    if (PyObject_SetAttrString(host.sub_loader, "path", file) != 0 ||
        PyObject_SetAttrString(host.sub_spec, "origin", file) != 0 ||
        PyObject_SetAttrString(mod, "__file__", file) != 0 || path_first(folder) != 0)
        goto out;
    code = PyObject_CallFunction(PyDict_GetItemString(PyEval_GetBuiltins(), "compile"), "OOsii",
                                 src, file, "exec", 0, 1);
    if (code == NULL || PyDict_SetItemString(PyImport_GetModuleDict(), "submission", mod) != 0)
        goto out;
    if (PyDict_GetItemString(globals, "__builtins__") == NULL &&
        PyDict_SetItemString(globals, "__builtins__", PyEval_GetBuiltins()) != 0)
        goto out;
    r = PyEval_EvalCode(code, globals, globals);
    ok = r != NULL && check_entry_points(mod, c->a->spec.display_name ? c->a->spec.display_name
                                                                      : "submission.py") == 0;
out:
    Py_XDECREF(r);
    Py_XDECREF(code);
    Py_XDECREF(src);
    Py_XDECREF(folder);
    Py_XDECREF(file);
    return ok ? mod : NULL;
}

static int import_submission(struct child *c)
{
    cJSON *f = new_frame(c, PROTO_FRAME_IMPORT);

    c->sub = load_submission(c);
    if (c->sub == NULL) {
        cJSON_AddStringToObject(f, "status", "error");
        cJSON_AddItemToObject(f, "error", take_exception(c));
        queue_frame(f);
        return -1;
    }
    cJSON_AddStringToObject(f, "status", "ok");
    add_tamper(c, f);
    queue_frame(f);
    return 0;
}

/*
 * Where a hung check was: faulthandler's watchdog (a C thread, which needs
 * no GIL, so a busy loop cannot stop it) writes the Python stack of every
 * thread to fd 2 a little before the supervisor's deadline for the check;
 * worker.c finds it there and names the line in the check's verdict.  Only
 * a diagnostic: nothing is decided from it.  Best effort, errors cleared.
 */
static void watchdog_arm(const struct exercise *ex, const char *name)
{
    long idx = exercise_find_check(ex, name);
    double limit = idx >= 0 ? ex->checks[idx].timeout_s : 0.0;
    double at = limit - WORKER_STACK_LEAD_S;
    PyObject *fh, *r; /* new refs */

    if (limit <= 0)
        return;
    if (at < limit / 2)
        at = limit / 2;
    fh = PyImport_ImportModule("faulthandler");
    r = fh ? PyObject_CallMethod(fh, "dump_traceback_later", "dOi", at, Py_False, 2) : NULL;
    Py_XDECREF(r);
    Py_XDECREF(fh);
    PyErr_Clear();
}

/* Called with the check's exception, if any, pending: it is kept. */
static void watchdog_disarm(void)
{
    PyObject *type, *value, *tb; /* new refs: the check's exception */
    PyObject *fh, *r;            /* new refs */

    PyErr_Fetch(&type, &value, &tb);
    fh = PyImport_ImportModule("faulthandler");
    r = fh ? PyObject_CallMethod(fh, "cancel_dump_traceback_later", NULL) : NULL;
    Py_XDECREF(r);
    Py_XDECREF(fh);
    PyErr_Clear();
    PyErr_Restore(type, value, tb);
}

/* The runner's attribute `name` is true (a split run). */
static int runner_flag(const struct child *c, const char *name)
{
    PyObject *type, *value, *tb; /* new refs: an error pending before the call is kept */
    PyObject *v;                 /* new ref */
    int on;

    PyErr_Fetch(&type, &value, &tb);
    v = c->runner ? PyObject_GetAttrString(c->runner, name) : NULL;
    on = v != NULL && PyObject_IsTrue(v) == 1;
    Py_XDECREF(v);
    PyErr_Clear();
    PyErr_Restore(type, value, tb);
    return on;
}

/* 1 when the runner stopped the run itself (runner.stopped holds why). */
static int runner_stopped(const struct child *c)
{
    return runner_flag(c, "stopped");
}

/* The runner sends the worker the stack-dump signal a little before the
 * supervisor's deadline for check `name` (what watchdog_arm does in a
 * single-process run). */
static void runner_deadline(const struct child *c, const char *name)
{
    long idx = exercise_find_check(c->a->spec.ex, name);
    double limit = idx >= 0 ? c->a->spec.ex->checks[idx].timeout_s : 0.0;
    double at = limit - WORKER_STACK_LEAD_S;
    PyObject *r; /* new ref */

    if (limit <= 0)
        return;
    if (at < limit / 2)
        at = limit / 2;
    r = PyObject_CallMethod(c->runner, "set_deadline", "L",
                            (long long)(measure_now_ns() + (int64_t)(at * 1e9)));
    Py_XDECREF(r);
    PyErr_Clear();
}

/* What the worker and the runner noticed during the check, into `frame`'s
 * tamper list (made if needed). */
/* What the worker's audit hook refused since the last check, read from the
 * violations pipe into the frame's tamper list.  The worker cannot take back
 * a line once written; closing the pipe is itself reported. */
static void channel_tamper(struct child *c, cJSON *frame)
{
    char buf[4096];
    cJSON *arr;
    ssize_t n;
    int lines = 0;

    if (c->channel < 0)
        return;
    n = read(c->channel, buf, sizeof buf - 1);
    if (n < 0)
        return; /* EAGAIN: nothing refused */
    if (n == 0) {
        /* Every write end is closed while the worker still serves: it closed
         * its own.  A worker stopped by the runner, or ended, closes it too. */
        int alive =
            !runner_flag(c, "gone") && !runner_stopped(c) && measure_pid_running((long)c->worker);

        close(c->channel);
        c->channel = -1;
        if (!alive)
            return;
        snprintf(buf, sizeof buf, "the worker closed the channel its audit hook reports on");
        n = (ssize_t)strlen(buf);
    }
    arr = cJSON_GetObjectItemCaseSensitive(frame, "tamper");
    if (arr == NULL)
        arr = cJSON_AddArrayToObject(frame, "tamper");
    if (arr == NULL)
        return;
    buf[n] = '\0';
    for (char *line = buf, *nl; line != NULL && *line != '\0' && lines < 10; line = nl) {
        nl = strchr(line, '\n');
        if (nl != NULL)
            *nl++ = '\0';
        cJSON_AddItemToArray(arr, cJSON_CreateString(line));
        lines++;
    }
}

static void runner_tamper(struct child *c, cJSON *frame)
{
    PyObject *list = PyObject_CallMethod(c->runner, "end_check", NULL); /* new ref */
    cJSON *arr = cJSON_GetObjectItemCaseSensitive(frame, "tamper");
    Py_ssize_t n = list != NULL && PyList_Check(list) ? PyList_GET_SIZE(list) : 0;

    channel_tamper(c, frame);
    arr = cJSON_GetObjectItemCaseSensitive(frame, "tamper");
    for (Py_ssize_t i = 0; i < n; i++) {
        const char *u = PyUnicode_Check(PyList_GET_ITEM(list, i))
                            ? PyUnicode_AsUTF8(PyList_GET_ITEM(list, i))
                            : NULL;
        if (u == NULL)
            continue;
        if (arr == NULL)
            arr = cJSON_AddArrayToObject(frame, "tamper");
        if (arr != NULL)
            cJSON_AddItemToArray(arr, cJSON_CreateString(u));
    }
    Py_XDECREF(list);
    PyErr_Clear();
}

/* Run check `name` and queue its frame.  In a split run, returns -1 without
 * queuing it when the worker went away during the check: how it ended is
 * then the run's end (run_as_runner). */
static int run_one_check(struct child *c, const char *name)
{
    PyObject *fn, *obs; /* fn borrowed, obs new ref */
    struct measure_span span;
    struct embed_inside saved;
    struct measure_figures fig;
    cJSON *f, *log;

    f = new_frame(c, PROTO_FRAME_BEGIN);
    cJSON_AddStringToObject(f, "check", name);
    send_frame(c, f);
    f = new_frame(c, PROTO_FRAME_CHECK);
    cJSON_AddStringToObject(f, "check", name);
    embed_log_reset();
    fn = PyDict_GetItemString(c->checks, name);
    if (fn == NULL) {
        cJSON_AddStringToObject(f, "status", "error");
        cJSON *e = cJSON_AddObjectToObject(f, "error");
        cJSON_AddStringToObject(e, "type", "HarnessError");
        cJSON_AddStringToObject(e, "message", "checks.py defines no such check");
        queue_frame(f);
        return 0;
    }
    if (c->runner != NULL)
        runner_deadline(c, name);
    else
        watchdog_arm(c->a->spec.ex, name);
    embed_span_begin(&span, &saved, 0);
    obs = PyObject_CallFunctionObjArgs(fn, c->sub, c->h, NULL);
    embed_span_end(&span, &saved, &fig);
    if (c->runner == NULL)
        watchdog_disarm();
    if (c->runner != NULL && runner_flag(c, "gone") && !runner_stopped(c)) {
        Py_XDECREF(obs);
        PyErr_Clear();
        cJSON_Delete(f);
        return -1;
    }
    if (obs == NULL) {
        cJSON_AddStringToObject(f, "status", "error");
        cJSON_AddItemToObject(f, "error", take_exception(c));
    } else {
        struct ser s = {0};
        cJSON *j = ser_value(&s, obs, 0);
        Py_DECREF(obs);
        if (j == NULL) {
            cJSON *e;
            PyErr_Clear();
            cJSON_AddStringToObject(f, "status", "error");
            e = cJSON_AddObjectToObject(f, "error");
            cJSON_AddStringToObject(e, "type", "ObservationError");
            cJSON_AddStringToObject(e, "message", s.err[0] ? s.err : "cannot serialise the result");
        } else {
            cJSON_AddStringToObject(f, "status", "ok");
            cJSON_AddItemToObject(f, "obs", j);
        }
    }
    cJSON_AddItemToObject(f, "metrics", measure_figures_to_json(&fig));
    log = embed_log_take();
    if (log != NULL)
        cJSON_AddItemToObject(f, "log", log);
    add_tamper(c, f);
    if (c->runner != NULL)
        runner_tamper(c, f);
    queue_frame(f);
    return 0;
}

static void flush_python_streams(void)
{
    static const char *const names[] = {"stdout", "stderr"};

    for (size_t i = 0; i < 2; i++) {
        PyObject *stream = PySys_GetObject(names[i]); /* borrowed */
        PyObject *r = NULL;                           /* new ref */

        if (stream != NULL && stream != Py_None)
            r = PyObject_CallMethod(stream, "flush", NULL);
        Py_XDECREF(r);
        PyErr_Clear();
    }
}

/* Fill `a` from the job worker_run() sent.  0, or -1 if it is not one. */
static int parse_job(struct worker_child_args *a, const void *job, size_t len)
{
    const cJSON *n, *role, *module, *display, *params, *only, *it;
    size_t k = 0;

    a->job = cJSON_ParseWithLength(job, len);
    if (a->job == NULL)
        return -1;
    n = cJSON_GetObjectItemCaseSensitive(a->job, "n");
    role = cJSON_GetObjectItemCaseSensitive(a->job, "role");
    module = cJSON_GetObjectItemCaseSensitive(a->job, "module");
    display = cJSON_GetObjectItemCaseSensitive(a->job, "display");
    params = cJSON_GetObjectItemCaseSensitive(a->job, "params");
    only = cJSON_GetObjectItemCaseSensitive(a->job, "only");
    if (!cJSON_IsString(n) || !cJSON_IsNumber(role) || !cJSON_IsString(module) ||
        !cJSON_IsString(display))
        return -1;
    a->nonce = n->valuestring;
    {
        const cJSON *seed = cJSON_GetObjectItemCaseSensitive(a->job, "seed");
        a->seed = cJSON_IsString(seed) ? seed->valuestring : NULL;
    }
    a->module_path = module->valuestring;
    a->spec.ex = host.ctx->ex;
    a->spec.role = (enum worker_role)role->valueint;
    a->spec.module_path = module->valuestring;
    a->spec.display_name = display->valuestring;
    a->spec.params = cJSON_IsObject(params) ? params : NULL;
    if (cJSON_IsArray(only)) {
        const char **names = calloc((size_t)cJSON_GetArraySize(only) + 1, sizeof *names);

        if (names == NULL)
            return -1;
        cJSON_ArrayForEach(it, only)
        {
            if (!cJSON_IsString(it)) {
                free(names);
                return -1;
            }
            names[k++] = it->valuestring;
        }
        a->spec.only = names;
        a->spec.nonly = k;
    }
    return 0;
}

/* The checks, loaded from the host's marshalled bytes into this process
 * (and the sized workloads in a single-process run).  Dies on failure: the
 * host loaded them once already, so this is not the submission's doing. */
static PyObject *load_checks(int with_workloads)
{
    PyObject *code, *checks = NULL, *r; /* new refs */

    code = PyMarshal_ReadObjectFromString((const char *)host.ctx->checks_blob,
                                          (Py_ssize_t)host.ctx->checks_len);
    if (code != NULL)
        checks = PyObject_CallMethod(host.rt, "load_checks", "Os", code, "checks.py");
    Py_XDECREF(code);
    if (checks == NULL)
        die("checks.py failed to load");
    if (with_workloads && host.ctx->workloads_code != NULL) {
        r = PyObject_CallMethod(host.rt, "load_workloads", "OsO",
                                (PyObject *)host.ctx->workloads_code, "workloads.py", checks);
        if (r == NULL)
            die("workloads.py failed to load");
        Py_DECREF(r);
    }
    return checks;
}

/* 1 when the job runs sized workloads (pyharness compare): not a grade,
 * so they run in one process, measured from inside (see load_workloads). */
static int is_workload_job(const struct worker_spec *spec)
{
    for (size_t i = 0; spec->only != NULL && i < spec->nonly; i++)
        if (strncmp(spec->only[i], "workload:", 9) == 0)
            return 1;
    return 0;
}

static void run_checks(struct child *c)
{
    const struct worker_spec *spec = &c->a->spec;
    size_t n = spec->only ? spec->nonly : spec->ex->nchecks;

    for (size_t i = 0; i < n; i++)
        if (run_one_check(c, spec->only ? spec->only[i] : spec->ex->checks[i].name) != 0)
            return;
}

/* A single-process run (sized workloads): the old way, checks and
 * submission in one interpreter. */
static _Noreturn void run_single(struct child *c)
{
    struct measure_span span;
    struct measure_figures fig;
    cJSON *f;

    /* Not a split run: the parked runner's protocol state must not make
     * h.client() hand out the runner's service handles. */
    if (PyObject_SetAttrString(host.remote, "_current", Py_None) != 0)
        PyErr_Clear();
    c->checks = load_checks(1);
    watch_checks_namespace(c->checks);
    confine(c);
    queue_frame(new_frame(c, PROTO_FRAME_HELLO));
    measure_begin(&span, 0);
    if (import_submission(c) == 0)
        run_checks(c);
    measure_end(&span, &fig);
    /* The streams may be the submission's objects, whose flush() runs its code. */
    send_frames(c);
    flush_python_streams();
    f = new_frame(c, PROTO_FRAME_END);
    cJSON_AddItemToObject(f, "metrics", measure_figures_to_json(&fig));
    send_frame(c, f);
    fflush(stdout);
    fflush(stderr);
    _exit(0);
}

/* tamper() for the worker's serve loop: what watch_verify finds, as a list. */
static struct child *serving;

static PyObject *py_tamper(PyObject *self, PyObject *unused)
{
    cJSON *arr = cJSON_CreateArray(), *it;
    PyObject *list = PyList_New(0); /* new ref */

    (void)self;
    (void)unused;
    if (arr == NULL || list == NULL) {
        cJSON_Delete(arr);
        return list;
    }
    watch_verify(serving, arr);
    cJSON_ArrayForEach(it, arr)
    {
        PyObject *u = PyUnicode_FromString(it->valuestring); /* new ref */
        if (u == NULL || PyList_Append(list, u) != 0)
            PyErr_Clear();
        Py_XDECREF(u);
    }
    cJSON_Delete(arr);
    return list;
}

static PyMethodDef tamper_def = {"tamper", py_tamper, METH_NOARGS, NULL};

/* What a worker must not hold once submission code runs: the job (its
 * nonce), the checks' bytes, the fake model's answer key. */
static void wipe_secrets(struct child *c, void *job, size_t len)
{
    measure_sock_close();
    explicit_bzero(job, len);
    if (c->a->nonce != NULL)
        explicit_bzero((char *)c->a->nonce, strlen(c->a->nonce));
    if (c->a->seed != NULL)
        explicit_bzero((char *)c->a->seed, strlen(c->a->seed));
    explicit_bzero(host.ctx->checks_blob, host.ctx->checks_len);
    embed_wipe_secrets();
}

/*
 * The worker of a split run: confined, it imports the submission and
 * answers the runner's requests on `fd` (remote.serve) until told to stop.
 * It has no result pipe: nothing it writes reaches the supervisor but its
 * output.
 */
static _Noreturn void run_as_worker(struct child *c, int fd, void *job, size_t len)
{
    PyObject *err = NULL, *tamper, *r; /* new refs */
    PyObject *type, *tb;

    wipe_secrets(c, job, len);
    if (c->a->result_fd >= 0)
        close(c->a->result_fd);
    serving = c;
    tamper = PyCFunction_New(&tamper_def, NULL);
    if (tamper == NULL)
        die("cannot set up the worker");
    confine(c);
    sandbox_audit_set_channel(c->channel);
    c->sub = load_submission(c);
    if (c->sub == NULL) {
        PyErr_Fetch(&type, &err, &tb);
        PyErr_NormalizeException(&type, &err, &tb);
        if (err != NULL && tb != NULL)
            PyException_SetTraceback(err, tb);
        Py_XDECREF(type);
        Py_XDECREF(tb);
        if (err == NULL)
            err = Py_NewRef(Py_None);
    }
    r = PyObject_CallMethod(
        host.remote, "serve", "iOOsO", fd, c->sub ? c->sub : Py_None, err ? err : Py_None,
        c->a->spec.display_name ? c->a->spec.display_name : "submission.py", tamper);
    Py_XDECREF(r);
    PyErr_Clear();
    flush_python_streams();
    fflush(stdout);
    fflush(stderr);
    _exit(0);
}

/* The worker ended before the run did: end this process the same way, so
 * the host reports the run's end as it would have for a single process
 * (a crash, the CPU limit, an early exit).  Frames already complete go first. */
static _Noreturn void mirror_worker(struct child *c)
{
    int status = 0;

    send_frames(c);
    while (waitpid(c->worker, &status, 0) < 0 && errno == EINTR)
        ;
    fflush(stdout);
    fflush(stderr);
    if (WIFSIGNALED(status)) {
        sigset_t set;

        signal(WTERMSIG(status), SIG_DFL);
        sigemptyset(&set);
        sigaddset(&set, WTERMSIG(status));
        sigprocmask(SIG_UNBLOCK, &set, NULL);
        raise(WTERMSIG(status));
    }
    _exit(WIFEXITED(status) ? WEXITSTATUS(status) : 121);
}

/*
 * The check runner of a split run: runs checks.py with `sub` a proxy for
 * the worker's module, observes the worker from outside (measure_observe),
 * and alone writes frames to the supervisor.
 */
static _Noreturn void run_as_runner(struct child *c, int fd)
{
    struct measure_span span;
    struct embed_inside saved;
    struct measure_figures fig;
    PyObject *started, *sub, *err, *tamper; /* started new ref; the rest borrowed from it */
    cJSON *f;

    embed_set_runner();
    /* A worker that is gone is an error to report, not a signal to die of. */
    signal(SIGPIPE, SIG_IGN);
    if (measure_observe(c->worker) != 0)
        die("cannot read the worker's CPU clock");
    measure_set_run_namespace(getppid() == 1);
    measure_count_shm(c->a->run->own_shm);
    measure_count_sockets(c->a->run->own_net);
    if (c->checks == NULL)
        c->checks = load_checks(0);
    /* Only now, in this process: the worker never holds the seed. */
    if (c->a->seed != NULL)
        set_harness_field(c->h, "seed", PyLong_FromString(c->a->seed, NULL, 16));
    remote_type = (PyTypeObject *)PyObject_GetAttrString(host.remote, "Remote");
    if (remote_type == NULL || !PyType_Check(remote_type))
        die("pyharness.remote.Remote is missing");
    Py_DECREF(remote_type); /* the module keeps it */
    queue_frame(new_frame(c, PROTO_FRAME_HELLO));
    embed_span_begin(&span, &saved, 0);
    /* The quotas are watched from before the import: what an import holds
     * or writes is the run's like anything else. */
    started = PyObject_CallMethod(host.remote, "start", "iiO(sKK)K", fd, (int)c->worker, c->checks,
                                  c->a->scratch, c->a->spec.ex->limits.disk_bytes,
                                  c->a->spec.ex->limits.files,
                                  (unsigned long long)c->a->spec.ex->limits.memory_bytes);
    if (started == NULL || !PyTuple_Check(started) || PyTuple_GET_SIZE(started) != 3) {
        PyErr_Clear();
        mirror_worker(c);
    }
    c->runner = PyObject_CallMethod(host.remote, "runner", NULL);
    sub = PyTuple_GET_ITEM(started, 0);
    err = PyTuple_GET_ITEM(started, 1);
    tamper = PyTuple_GET_ITEM(started, 2);
    f = new_frame(c, PROTO_FRAME_IMPORT);
    if (err != Py_None) {
        struct ser s = {0};
        cJSON *e = ser_value(&s, err, 0);

        PyErr_Clear();
        cJSON_AddStringToObject(f, "status", "error");
        cJSON_AddItemToObject(f, "error", e != NULL ? e : cJSON_CreateObject());
    } else {
        cJSON_AddStringToObject(f, "status", "ok");
        c->sub = sub;
    }
    if (PyList_Check(tamper) && PyList_GET_SIZE(tamper) > 0) {
        struct ser s = {0};
        cJSON *t = ser_value(&s, tamper, 0);

        PyErr_Clear();
        if (t != NULL)
            cJSON_AddItemToObject(f, "tamper", t);
    }
    queue_frame(f);
    if (c->sub != NULL) {
        run_checks(c);
        /* Stopped by the runner (the run's memory): every check reported it,
         * and the run ends in order.  Gone by itself: end as it ended. */
        if (runner_flag(c, "gone") && !runner_stopped(c))
            mirror_worker(c);
    }
    embed_span_end(&span, &saved, &fig);
    {
        PyObject *r = PyObject_CallMethod(c->runner, "bye", NULL); /* new ref */
        Py_XDECREF(r);
        PyErr_Clear();
    }
    /* The worker has flushed its output (or is gone): the host ends what is
     * left of the run once this process exits. */
    measure_observe(0);
    f = new_frame(c, PROTO_FRAME_END);
    cJSON_AddItemToObject(f, "metrics", measure_figures_to_json(&fig));
    send_frame(c, f);
    fflush(stdout);
    fflush(stderr);
    _exit(0);
}

/* The worker-to-be a parked runner forked, and what the runner loaded
 * while waiting for its job.  Meaningful in the runner only. */
static struct {
    pid_t pid;        /* 0: none */
    int job;          /* SEQPACKET: the job and the run's stdout and stderr go here */
    int proto;        /* the runner's end of the request socket */
    int channel;      /* the runner's end of the violations pipe */
    PyObject *checks; /* new ref */
} pair;

/* The worker-to-be: wait for the job its runner forwards, take the run's
 * output fds and folder, then become the run's worker. */
static _Noreturn void parked_worker_main(int jobsock, int proto, int channel)
{
    static unsigned char buf[sizeof(struct sandbox_run) + SANDBOX_JOB_MAX];
    struct worker_child_args a;
    struct sandbox_run run;
    struct child c;
    int got[3] = {-1, -1, -1}, devnull;
    ssize_t n;

    (void)prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    (void)prctl(PR_SET_NAME, "ph-worker", 0, 0, 0);
    n = sbx_msg_recv(jobsock, buf, sizeof buf, got);
    if (n < (ssize_t)sizeof run || got[0] < 0 || got[1] < 0)
        _exit(0);
    memcpy(&run, buf, sizeof run);
    devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
    (void)dup2(devnull, STDIN_FILENO);
    (void)dup2(got[0], STDOUT_FILENO);
    (void)dup2(got[1], STDERR_FILENO);
    (void)dup2(proto, 3);
    (void)dup3(channel, 4, O_CLOEXEC);
    /* All but the Landlock ruleset its host kept (sandbox_enter takes it). */
    close_range(5, SBX_LANDLOCK_FD - 1, 0);
    close_range(SBX_LANDLOCK_FD + 1, ~0U, 0);
    if (chdir(run.scratch) != 0)
        _exit(0);
    memset(&a, 0, sizeof a);
    a.run = &run;
    a.result_fd = -1;
    a.scratch = run.scratch;
    if (parse_job(&a, buf + sizeof run, (size_t)n - sizeof run) != 0)
        die("the job from the runner is malformed");
    memset(&c, 0, sizeof c);
    c.a = &a;
    c.channel = 4;
    signal(SIGXFSZ, SIG_IGN);
    enter_run_folder(a.scratch);
    run_as_worker(&c, 3, buf, (size_t)n);
}

void worker_child_parked(void *arg)
{
    int js[2], ps[2], tp[2] = {-1, -1};
    pid_t pid;

    (void)arg;
    run_in_own_pidns = getppid() == 1;
    /* Names that tell the two apart in ps and perf. */
    (void)prctl(PR_SET_NAME, "ph-runner", 0, 0, 0);
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, js) != 0)
        return;
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ps) != 0) {
        close(js[0]);
        close(js[1]);
        return;
    }
    /* Non-blocking: a worker never waits on its own report of a violation. */
    if (pipe2(tp, O_CLOEXEC | O_NONBLOCK) != 0)
        tp[0] = tp[1] = -1;
    PyOS_BeforeFork();
    pid = fork();
    if (pid == 0) {
        PyOS_AfterFork_Child();
        close(js[0]);
        close(ps[0]);
        if (tp[0] >= 0)
            close(tp[0]);
        parked_worker_main(js[1], ps[1], tp[1]);
    }
    PyOS_AfterFork_Parent();
    close(js[1]);
    close(ps[1]);
    if (tp[1] >= 0)
        close(tp[1]);
    if (pid < 0) {
        close(js[0]);
        close(ps[0]);
        if (tp[0] >= 0)
            close(tp[0]);
        return;
    }
    pair.channel = tp[0] >= 0 ? fcntl(tp[0], F_DUPFD_CLOEXEC, SANDBOX_PARKED_FD_MIN) : -1;
    if (tp[0] >= 0)
        close(tp[0]);
    pair.pid = pid;
    /* Above what the run's set-up closes (sandbox.h). */
    pair.job = fcntl(js[0], F_DUPFD_CLOEXEC, SANDBOX_PARKED_FD_MIN);
    pair.proto = fcntl(ps[0], F_DUPFD_CLOEXEC, SANDBOX_PARKED_FD_MIN);
    close(js[0]);
    close(ps[0]);
    /* After the fork: the worker must never hold the checks as objects. */
    pair.checks = load_checks(0);
    {
        PyObject *r = PyObject_CallMethod(host.remote, "prepare", "iiO", pair.proto, (int)pid,
                                          pair.checks); /* new ref */
        Py_XDECREF(r);
        PyErr_Clear(); /* start() prepares again if this failed */
    }
}

/* Give the parked worker its job and the run's stdout and stderr.
 * 0, or -1 when it is gone (the caller forks one now). */
static int unpark_worker(const struct sandbox_run *run, const void *job, size_t len)
{
    struct iovec iov[2] = {{(void *)run, sizeof *run}, {(void *)job, len}};
    int fds[2] = {STDOUT_FILENO, STDERR_FILENO};
    ssize_t sent = sbx_msg_send_fds(pair.job, iov, 2, fds, 2);

    close(pair.job);
    if (sent != (ssize_t)(sizeof *run + len)) {
        kill(pair.pid, SIGKILL);
        close(pair.proto);
        Py_CLEAR(pair.checks);
        pair.pid = 0;
        return -1;
    }
    return 0;
}

void worker_child_body(const struct sandbox_run *run, const void *job, size_t len, void *arg)
{
    struct worker_child_args a;
    struct child c;
    int sv[2], tp[2];

    (void)arg;
    memset(&a, 0, sizeof a);
    a.run = run;
    a.result_fd = 3;
    a.scratch = run->scratch;
    if (parse_job(&a, job, len) != 0)
        die("the job from the supervisor is malformed");
    memset(&c, 0, sizeof c);
    c.a = &a;
    c.channel = -1;
    /* A file past RLIMIT_FSIZE becomes OSError(EFBIG), not a dead worker. */
    signal(SIGXFSZ, SIG_IGN);
    setup(&c);
    if (is_workload_job(&a.spec)) {
        if (pair.pid > 0)
            kill(pair.pid, SIGKILL);
        Py_CLEAR(pair.checks);
        run_single(&c);
    }
    if (pair.pid > 0 && unpark_worker(run, job, len) == 0) {
        c.worker = pair.pid;
        c.checks = pair.checks;
        c.channel = pair.channel;
        run_as_runner(&c, pair.proto);
    }
    run_in_own_pidns = getppid() == 1;
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
        die("cannot make the worker's socket");
    if (pipe2(tp, O_CLOEXEC | O_NONBLOCK) != 0)
        tp[0] = tp[1] = -1;
    c.worker = fork();
    if (c.worker < 0)
        die("cannot fork the worker");
    if (c.worker == 0) {
        close(sv[0]);
        if (tp[0] >= 0)
            close(tp[0]);
        c.channel = tp[1];
        run_as_worker(&c, sv[1], (void *)job, len);
    }
    close(sv[1]);
    if (tp[1] >= 0)
        close(tp[1]);
    c.channel = tp[0];
    run_as_runner(&c, sv[0]);
}
