/*
 * worker_child.c - what the processes of a run share (see worker_child.h):
 * the host's prepared objects, the queue of frames to the supervisor, the
 * job's parsing, the run's folder and harness fields, and confinement.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "worker_child.h"
#include "measure_proc.h"
#include "sandbox_audit.h"
#include "sandbox_enter.h"

/* The host's prepared objects (struct child_host, worker_child.h). */
struct child_host host;

/* Frames not yet written to the result pipe (see proto_out). */
static struct proto_out outq;

_Noreturn void child_die(const char *what)
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

cJSON *child_new_frame(const struct child *c, enum proto_frame_type type)
{
    cJSON *f = cJSON_CreateObject();

    assert(type != PROTO_FRAME_UNKNOWN);
    if (f == NULL || !cJSON_AddStringToObject(f, "t", proto_frame_type_name(type)) ||
        !cJSON_AddStringToObject(f, "n", c->a->nonce))
        child_die("out of memory building a frame");
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
    (void)proto_set_status(f, PROTO_STATUS_ERROR);
    e = cJSON_AddObjectToObject(f, "error");
    cJSON_AddStringToObject(e, "type", "ObservationError");
    cJSON_AddStringToObject(e, "message",
                            "the check's result (or the exception raised) is too large to report: "
                            "over the result protocol's frame cap");
    return 0;
}

/* Queue frame `f` (consumed); it goes with the next child_send_frames(). */
void child_queue_frame(cJSON *f)
{
    struct ph_err err = {0};
    enum ph_rc rc = proto_queue(&outq, f, &err);

    if (rc == PH_ELIMIT && shrink_check_frame(f) == 0)
        rc = proto_queue(&outq, f, &err);
    if (rc != PH_OK) {
        cJSON_Delete(f);
        child_die(err.msg);
    }
    cJSON_Delete(f);
}

/* Write the queued frames.  Called before candidate code runs again: a
 * worker that dies or hangs there has told the supervisor how far it got. */
void child_send_frames(const struct child *c)
{
    struct ph_err err = {0};

    if (proto_flush(&outq, c->a->result_fd, &err) != PH_OK)
        child_die(err.msg);
}

void child_send_frame(const struct child *c, cJSON *f)
{
    child_queue_frame(f);
    child_send_frames(c);
}

/* ---- runtime calls ---- */

/* HOME and TMPDIR of the run, in C and in both of Python's copies of the
 * environment (posix.environ and os.environ._data map bytes to bytes). */
void child_enter_run_folder(const char *scratch)
{
    static const char *const keys[] = {"HOME", "TMPDIR"};
    PyObject *value = PyBytes_FromString(scratch); /* new ref */

    if (value == NULL)
        child_die("out of memory");
    for (size_t i = 0; i < 2; i++) {
        PyObject *key = PyBytes_FromString(keys[i]); /* new ref */

        if (key == NULL || PyDict_SetItem(host.environ[0], key, value) != 0 ||
            PyDict_SetItem(host.environ[1], key, value) != 0)
            child_die("cannot set the run's folder in the environment");
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

/* Point the host's Harness object at this run (its slots, set from C). */
void child_set_harness_field(PyObject *h, const char *name, PyObject *value)
{
    if (value == NULL || PyObject_SetAttrString(h, name, value) != 0)
        child_die("cannot set up the check harness");
    Py_DECREF(value);
}

void child_setup(struct child *c)
{
    const struct worker_spec *spec = &c->a->spec;

    c->describe = host.describe;
    c->h = host.h;
    child_enter_run_folder(c->a->scratch);
    child_set_harness_field(c->h, "scratch", PyUnicode_FromString(c->a->scratch));
    child_set_harness_field(c->h, "role", PyUnicode_FromString(worker_role_name(spec->role)));
    child_set_harness_field(c->h, "params", params_object(spec->params));
}

static int in_own_pidns;

void child_note_pidns(void)
{
    in_own_pidns = getppid() == 1;
}

void child_confine(struct child *c)
{
    struct ph_err err = {0};
    struct sandbox_policy pol = *c->a->run->policy;

    if (sandbox_enter(c->a->run, &err) != PH_OK)
        child_die(err.msg);
    /* The hook's writable folder is the run's own. */
    pol.scratch_dir = c->a->scratch;
    /* A worker's parent is its runner, whose parent is the namespace's
     * init: the hook cannot see that from the worker's own parent. */
    pol.own_pid_ns = in_own_pidns;
    sandbox_audit_arm(&pol);
    /* A child of its namespace's PID 1: /proc shows the run and nothing
     * else, so child CPU can be counted for every process of it. */
    measure_set_run_namespace(getppid() == 1);
}

void child_flush_streams(void)
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
int child_parse_job(struct worker_child_args *a, const void *job, size_t len)
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
