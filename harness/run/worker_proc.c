/*
 * worker_proc.c - the worker of a run: it imports the submission and
 * answers the check runner's requests (see worker_proc.h).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <fcntl.h>
#include <signal.h>

#include "worker_proc.h"
#include "worker.h"
#include "exercise.h"
#include "fileio.h"
#include "measure_sock.h"
#include "pymodule.h"
#include "sandbox_audit.h"
#include "sandbox_landlock.h"
#include "sandbox_msg.h"
#include "serve_gate.h"
#include "tamper_watch.h"
#include "worker_child.h"

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
PyObject *worker_proc_load_submission(const struct child *c)
{
    const char *path = c->a->module_path;
    const char *slash = strrchr(path, '/');
    PyObject *mod = host.sub, *globals = PyModule_GetDict(host.sub);             /* borrowed */
    PyObject *file = NULL, *folder = NULL, *src = NULL, *code = NULL, *r = NULL; /* new refs */
    struct ph_err err = {0};
    char *text = NULL;
    size_t len = 0;
    int ok = 0;

    if (fileio_read(path, WORKER_MODULE_MAX, &text, &len, &err) != PH_OK) {
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
    pymodule_wipe_secrets();
}

/*
 * The worker of a split run: confined, it imports the submission and
 * answers the runner's requests on `fd` (remote.serve) until told to stop.
 * It has no result pipe: nothing it writes reaches the supervisor but its
 * output.
 */
_Noreturn void worker_proc_run(struct child *c, int fd, void *job, size_t len)
{
    PyObject *err = NULL, *tamper, *r; /* new refs */
    PyObject *type, *tb;

    wipe_secrets(c, job, len);
    if (c->a->result_fd >= 0)
        close(c->a->result_fd);
    serving = c;
    tamper = PyCFunction_New(&tamper_def, NULL);
    if (tamper == NULL)
        child_die("cannot set up the worker");
    child_confine(c);
    sandbox_audit_set_channel(c->channel);
    /* Replies are sealed under a key sent before the import (serve_gate.h). */
    if (gate_arm(fd, host.remote) != 0)
        child_die("cannot arm the serving loop's gate");
    c->sub = worker_proc_load_submission(c);
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
    gate_open();
    r = PyObject_CallMethod(
        host.remote, "serve", "iOOsO", fd, c->sub ? c->sub : Py_None, err ? err : Py_None,
        c->a->spec.display_name ? c->a->spec.display_name : "submission.py", tamper);
    Py_XDECREF(r);
    PyErr_Clear();
    child_flush_streams();
    fflush(stdout);
    fflush(stderr);
    _exit(0);
}

/* The worker-to-be: wait for the job its runner forwards, take the run's
 * output fds and folder, then become the run's worker. */
_Noreturn void worker_proc_parked_main(int jobsock, int proto, int channel)
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
    if (child_parse_job(&a, buf + sizeof run, (size_t)n - sizeof run) != 0)
        child_die("the job from the runner is malformed");
    memset(&c, 0, sizeof c);
    c.a = &a;
    c.channel = 4;
    signal(SIGXFSZ, SIG_IGN);
    child_enter_run_folder(a.scratch);
    worker_proc_run(&c, 3, buf, (size_t)n);
}
