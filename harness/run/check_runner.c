/*
 * check_runner.c - the check runner of a run (see check_runner.h).
 *
 * Measured figures come from the C log and from observing the worker from
 * outside, not from Python objects.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <marshal.h>

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <sys/socket.h>

#include "check_runner.h"
#include "exercise.h"
#include "measure_json.h"
#include "measure_proc.h"
#include "measure_sock.h"
#include "proto.h"
#include "pymodule.h"
#include "sandbox_enter.h"
#include "sandbox_msg.h"
#include "ser.h"
#include "tamper_watch.h"
#include "worker_child.h"
#include "worker_proc.h"

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

static int import_submission(struct child *c)
{
    cJSON *f = child_new_frame(c, PROTO_FRAME_IMPORT);

    c->sub = worker_proc_load_submission(c);
    if (c->sub == NULL) {
        (void)proto_set_status(f, PROTO_STATUS_ERROR);
        cJSON_AddItemToObject(f, "error", take_exception(c));
        child_queue_frame(f);
        return -1;
    }
    (void)proto_set_status(f, PROTO_STATUS_OK);
    watch_add_tamper(c, f);
    child_queue_frame(f);
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

/* What the worker and the runner noticed during the check, into `frame`'s
 * tamper list (made if needed). */
static void runner_tamper(struct child *c, cJSON *frame)
{
    PyObject *list = PyObject_CallMethod(c->runner, "end_check", NULL); /* new ref */
    cJSON *arr;
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
    struct pymodule_inside saved;
    struct measure_figures fig;
    cJSON *f, *log;

    f = child_new_frame(c, PROTO_FRAME_BEGIN);
    cJSON_AddStringToObject(f, "check", name);
    child_send_frame(c, f);
    f = child_new_frame(c, PROTO_FRAME_CHECK);
    cJSON_AddStringToObject(f, "check", name);
    pymodule_log_reset();
    fn = PyDict_GetItemString(c->checks, name);
    if (fn == NULL) {
        (void)proto_set_status(f, PROTO_STATUS_ERROR);
        cJSON *e = cJSON_AddObjectToObject(f, "error");
        cJSON_AddStringToObject(e, "type", "HarnessError");
        cJSON_AddStringToObject(e, "message", "checks.py defines no such check");
        child_queue_frame(f);
        return 0;
    }
    if (c->runner != NULL)
        runner_deadline(c, name);
    else
        watchdog_arm(c->a->spec.ex, name);
    pymodule_span_begin(&span, &saved, 0);
    obs = PyObject_CallFunctionObjArgs(fn, c->sub, c->h, NULL);
    pymodule_span_end(&span, &saved, &fig);
    if (c->runner == NULL)
        watchdog_disarm();
    if (c->runner != NULL && runner_flag(c, "gone") && !runner_stopped(c)) {
        Py_XDECREF(obs);
        PyErr_Clear();
        cJSON_Delete(f);
        return -1;
    }
    if (obs == NULL) {
        (void)proto_set_status(f, PROTO_STATUS_ERROR);
        cJSON_AddItemToObject(f, "error", take_exception(c));
    } else {
        struct ser s = {0};
        cJSON *j = ser_value(&s, obs, 0);
        Py_DECREF(obs);
        if (j == NULL) {
            cJSON *e;
            PyErr_Clear();
            (void)proto_set_status(f, PROTO_STATUS_ERROR);
            e = cJSON_AddObjectToObject(f, "error");
            cJSON_AddStringToObject(e, "type", "ObservationError");
            cJSON_AddStringToObject(e, "message", s.err[0] ? s.err : "cannot serialise the result");
        } else {
            (void)proto_set_status(f, PROTO_STATUS_OK);
            cJSON_AddItemToObject(f, "obs", j);
        }
    }
    cJSON_AddItemToObject(f, "metrics", measure_figures_to_json(&fig));
    log = pymodule_log_take();
    if (log != NULL)
        cJSON_AddItemToObject(f, "log", log);
    watch_add_tamper(c, f);
    if (c->runner != NULL)
        runner_tamper(c, f);
    child_queue_frame(f);
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
        child_die("checks.py failed to load");
    if (with_workloads && host.ctx->workloads_code != NULL) {
        r = PyObject_CallMethod(host.rt, "load_workloads", "OsO",
                                (PyObject *)host.ctx->workloads_code, "workloads.py", checks);
        if (r == NULL)
            child_die("workloads.py failed to load");
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

/* The runner stopped the run (a quota, or a worker that did not end after
 * the last check): why, as the end frame's "stopped" {type, message}, so
 * the run ends stopped even when every check had already passed. */
static void end_stopped(const struct child *c, cJSON *f)
{
    PyObject *why, *type; /* new refs */
    cJSON *s;

    if (c->runner == NULL || !runner_stopped(c))
        return;
    why = PyObject_GetAttrString(c->runner, "stopped");
    type = PyObject_GetAttrString(c->runner, "stopped_type");
    if (why != NULL && type != NULL && PyUnicode_Check(why) && PyUnicode_Check(type)) {
        const char *w = PyUnicode_AsUTF8(why), *t = PyUnicode_AsUTF8(type);

        s = w != NULL && t != NULL ? cJSON_AddObjectToObject(f, "stopped") : NULL;
        if (s != NULL) {
            cJSON_AddStringToObject(s, "type", t);
            cJSON_AddStringToObject(s, "message", w);
        }
    }
    Py_XDECREF(why);
    Py_XDECREF(type);
    PyErr_Clear();
}

/* The end of a run, either kind: the END frame with the run's figures
 * after every frame queued before it, the streams flushed, and exit. */
static _Noreturn void end_run(struct child *c, const struct measure_figures *fig)
{
    cJSON *f = child_new_frame(c, PROTO_FRAME_END);

    cJSON_AddItemToObject(f, "metrics", measure_figures_to_json(fig));
    end_stopped(c, f);
    child_send_frame(c, f);
    fflush(stdout);
    fflush(stderr);
    _exit(0);
}

/* A single-process run (sized workloads): the old way, checks and
 * submission in one interpreter. */
static _Noreturn void run_single(struct child *c)
{
    struct measure_span span;
    struct measure_figures fig;

    /* Not a split run: the parked runner's protocol state must not make
     * h.client() hand out the runner's service handles. */
    if (PyObject_SetAttrString(host.remote, "_current", Py_None) != 0)
        PyErr_Clear();
    c->checks = load_checks(1);
    watch_checks_namespace(c->checks);
    child_confine(c);
    child_queue_frame(child_new_frame(c, PROTO_FRAME_HELLO));
    measure_begin(&span, 0);
    if (import_submission(c) == 0)
        run_checks(c);
    measure_end(&span, &fig);
    /* The streams may be the submission's objects, whose flush() runs its code. */
    child_send_frames(c);
    child_flush_streams();
    end_run(c, &fig);
}

/* The worker ended before the run did: end this process the same way, so
 * the host reports the run's end as it would have for a single process
 * (a crash, the CPU limit, an early exit).  Frames already complete go first. */
static _Noreturn void mirror_worker(struct child *c)
{
    int status = 0;

    child_send_frames(c);
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
    struct pymodule_inside saved;
    struct measure_figures fig;
    PyObject *started, *sub, *err, *tamper; /* started new ref; the rest borrowed from it */
    PyTypeObject *remote;                   /* borrowed: the module keeps it */
    cJSON *f;

    pymodule_set_runner();
    {
        /* The worker exists (it needed the rest to take the run's uid):
         * from here on this process keeps only what observing it takes. */
        struct ph_err cerr = {0};

        if (sandbox_runner_confine(&cerr) != PH_OK)
            child_die(cerr.msg);
    }
    /* A worker that is gone is an error to report, not a signal to die of. */
    signal(SIGPIPE, SIG_IGN);
    if (measure_observe(c->worker) != 0)
        child_die("cannot read the worker's CPU clock");
    measure_set_run_namespace(getppid() == 1);
    measure_count_shm(c->a->run->own_shm);
    measure_count_sockets(c->a->run->own_net);
    if (c->checks == NULL)
        c->checks = load_checks(0);
    /* Only now, in this process: the worker never holds the seed. */
    if (c->a->seed != NULL)
        child_set_harness_field(c->h, "seed", PyLong_FromString(c->a->seed, NULL, 16));
    remote = (PyTypeObject *)PyObject_GetAttrString(host.remote, "Remote");
    if (remote == NULL || !PyType_Check(remote))
        child_die("pyharness.remote.Remote is missing");
    Py_DECREF(remote); /* the module keeps it */
    ser_set_remote_type(remote);
    child_queue_frame(child_new_frame(c, PROTO_FRAME_HELLO));
    pymodule_span_begin(&span, &saved, 0);
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
    f = child_new_frame(c, PROTO_FRAME_IMPORT);
    if (err != Py_None) {
        struct ser s = {0};
        cJSON *e = ser_value(&s, err, 0);

        PyErr_Clear();
        (void)proto_set_status(f, PROTO_STATUS_ERROR);
        cJSON_AddItemToObject(f, "error", e != NULL ? e : cJSON_CreateObject());
    } else {
        (void)proto_set_status(f, PROTO_STATUS_OK);
        c->sub = sub;
    }
    if (PyList_Check(tamper) && PyList_GET_SIZE(tamper) > 0) {
        struct ser s = {0};
        cJSON *t = ser_value(&s, tamper, 0);

        PyErr_Clear();
        if (t != NULL)
            cJSON_AddItemToObject(f, "tamper", t);
    }
    child_queue_frame(f);
    if (c->sub != NULL) {
        run_checks(c);
        /* Stopped by the runner (the run's memory): every check reported it,
         * and the run ends in order.  Gone by itself: end as it ended. */
        if (runner_flag(c, "gone") && !runner_stopped(c))
            mirror_worker(c);
    }
    pymodule_span_end(&span, &saved, &fig);
    {
        PyObject *r = PyObject_CallMethod(c->runner, "bye", NULL); /* new ref */
        Py_XDECREF(r);
        PyErr_Clear();
    }
    /* The worker has flushed its output (or is gone): the host ends what is
     * left of the run once this process exits. */
    measure_observe(0);
    end_run(c, &fig);
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

void check_runner_parked(void *arg)
{
    int js[2], ps[2], tp[2] = {-1, -1};
    pid_t pid;

    (void)arg;
    child_note_pidns();
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
        worker_proc_parked_main(js[1], ps[1], tp[1]);
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

void check_runner_body(const struct sandbox_run *run, const void *job, size_t len, void *arg)
{
    struct worker_child_args a;
    struct child c;
    int sv[2], tp[2];

    (void)arg;
    memset(&a, 0, sizeof a);
    a.run = run;
    a.result_fd = 3;
    a.scratch = run->scratch;
    if (child_parse_job(&a, job, len) != 0)
        child_die("the job from the supervisor is malformed");
    memset(&c, 0, sizeof c);
    c.a = &a;
    c.channel = -1;
    /* A file past RLIMIT_FSIZE becomes OSError(EFBIG), not a dead worker. */
    signal(SIGXFSZ, SIG_IGN);
    child_setup(&c);
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
    child_note_pidns();
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
        child_die("cannot make the worker's socket");
    if (pipe2(tp, O_CLOEXEC | O_NONBLOCK) != 0)
        tp[0] = tp[1] = -1;
    c.worker = fork();
    if (c.worker < 0)
        child_die("cannot fork the worker");
    if (c.worker == 0) {
        close(sv[0]);
        if (tp[0] >= 0)
            close(tp[0]);
        c.channel = tp[1];
        worker_proc_run(&c, sv[1], (void *)job, len);
    }
    close(sv[1]);
    if (tp[1] >= 0)
        close(tp[1]);
    c.channel = tp[0];
    run_as_runner(&c, sv[0]);
}
