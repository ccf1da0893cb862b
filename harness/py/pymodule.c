/*
 * pymodule.c - the built-in `_pyharness` module and its per-check C log (see
 * pymodule.h).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "pymodule.h"
#include "counting_iter.h"
#include "keyed_stream.h"
#include "inside_table.h"
#include "sealed.h"
#include "serve_gate.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <signal.h>
#include <sys/random.h>

#include "fileio.h"
#include "measure_alloc.h"
#include "measure_disk.h"
#include "measure_proc.h"
#include "measure_sched.h"
#include "measure_json.h"
#include "paths.h"
#include "sha256.h"

/* Fixed sizes of the C-side log: a check labels a handful of measurements
 * and makes one or two fake clients; more is a runaway or a tampering loop. */
#define LOG_LABELS 64
#define LOG_CLIENTS 16
#define LOG_MONITORS 16
#define LOG_TAMPER 8
#define NAME_MAX_LEN 64
#define CLIENT_MAX_TOKENS (1u << 22) /* calls one fake client may see in one check */
#define MAX_REPEAT 100
#define CLIENT_MAX_PROMPTS 100000  /* entries in one fake client's latency table */
#define EARLY_END_SLACK_NS 1000000 /* timer granularity: 1 ms early is not tampering */

struct mlabel {
    char label[NAME_MAX_LEN];
    struct measure_figures f;
    int repeats;
    int nested; /* taken inside another measurement: not the check's own */
};

/* A prompt the fake server treats specially: its own latency, or a failure. */
struct fprompt {
    char *prompt; /* owned */
    int64_t latency_ns;
    int fail;
};

struct fclient {
    char name[NAME_MAX_LEN];
    long cap;
    int64_t default_latency_ns;
    struct fprompt *table; /* owned; looked up by prompt text */
    size_t ntable;
    int64_t calls, completed, rejected, in_flight, peak, bad_tokens, early_ends, cancelled;
    char **prompts; /* prompts[seq]: the call's prompt (owned) */
    int64_t first_ns, last_ns, last_change_ns;
    double inflight_integral_ns;
    unsigned char *done; /* done[seq]: 1 once the call ended */
    int64_t *due_ns;     /* due_ns[seq]: the earliest time the call may end */
    size_t ntok, captok;
};

struct monitor {
    char name[NAME_MAX_LEN];
    int64_t beats, last_ns, max_gap_ns;
};

static struct mlabel mlog[LOG_LABELS];
static size_t nmlog;
static struct fclient clients[LOG_CLIENTS];
static size_t nclients;
static struct monitor monitors[LOG_MONITORS];
static size_t nmonitors;
static char tamper[LOG_TAMPER][160];
static size_t ntamper;
static int measure_depth;

/* The fake model's answers end in a tag keyed by this secret, drawn once per
 * host process and inherited by its workers, so reference and candidate get
 * the same answers while a submission cannot make one up without waiting for
 * the call: the tag comes from client_end() only. */
static unsigned char answer_key[32];
static int answer_key_set;

void pymodule_answer_key_init(void)
{
    if (!answer_key_set)
        answer_key_set = getrandom(answer_key, sizeof answer_key, 0) == (ssize_t)sizeof answer_key;
}

static void note_tamper(const char *fmt, const char *arg) __attribute__((format(printf, 1, 0)));

static void note_tamper(const char *fmt, const char *arg)
{
    if (ntamper < LOG_TAMPER) {
        snprintf(tamper[ntamper], sizeof tamper[ntamper], fmt, arg);
        ntamper++;
    }
}

void pymodule_log_reset(void)
{
    size_t i;

    for (i = 0; i < nclients; i++) {
        size_t j;
        free(clients[i].done);
        free(clients[i].due_ns);
        for (j = 0; j < clients[i].ntok; j++)
            free(clients[i].prompts[j]);
        free(clients[i].prompts);
        for (j = 0; j < clients[i].ntable; j++)
            free(clients[i].table[j].prompt);
        free(clients[i].table);
    }
    memset(clients, 0, sizeof clients);
    nclients = 0;
    memset(mlog, 0, sizeof mlog);
    nmlog = 0;
    memset(monitors, 0, sizeof monitors);
    nmonitors = 0;
    ntamper = 0;
}

cJSON *pymodule_log_take(void)
{
    cJSON *root = cJSON_CreateObject();
    cJSON *m, *c, *mo, *t;
    size_t i;

    if (root == NULL)
        return NULL;
    m = cJSON_AddObjectToObject(root, "measures");
    c = cJSON_AddObjectToObject(root, "clients");
    mo = cJSON_AddObjectToObject(root, "monitors");
    t = cJSON_AddArrayToObject(root, "tamper");
    if (m == NULL || c == NULL || mo == NULL || t == NULL)
        goto fail;
    for (i = 0; i < nmlog; i++) {
        cJSON *f = measure_figures_to_json(&mlog[i].f);
        if (f == NULL)
            goto fail;
        cJSON_AddNumberToObject(f, "repeats", mlog[i].repeats);
        if (mlog[i].nested)
            cJSON_AddTrueToObject(f, "nested");
        cJSON_AddItemToObject(m, mlog[i].label, f);
    }
    for (i = 0; i < nclients; i++) {
        struct fclient *k = &clients[i];
        cJSON *o = cJSON_AddObjectToObject(c, k->name);
        int64_t span = k->last_ns > k->first_ns ? k->last_ns - k->first_ns : 0;
        if (o == NULL)
            goto fail;
        cJSON_AddNumberToObject(o, "calls", (double)k->calls);
        cJSON_AddNumberToObject(o, "completed", (double)k->completed);
        cJSON_AddNumberToObject(o, "rejected", (double)k->rejected);
        cJSON_AddNumberToObject(o, "in_flight_at_end", (double)k->in_flight);
        cJSON_AddNumberToObject(o, "peak_in_flight", (double)k->peak);
        cJSON_AddNumberToObject(o, "cap", (double)k->cap);
        cJSON_AddNumberToObject(o, "span_ns", (double)span);
        cJSON_AddNumberToObject(o, "mean_in_flight",
                                span > 0 ? k->inflight_integral_ns / (double)span : 0.0);
        cJSON_AddNumberToObject(o, "bad_tokens", (double)k->bad_tokens);
        cJSON_AddNumberToObject(o, "early_ends", (double)k->early_ends);
        cJSON_AddNumberToObject(o, "cancelled", (double)k->cancelled);
    }
    for (i = 0; i < nmonitors; i++) {
        cJSON *o = cJSON_AddObjectToObject(mo, monitors[i].name);
        if (o == NULL)
            goto fail;
        cJSON_AddNumberToObject(o, "beats", (double)monitors[i].beats);
        cJSON_AddNumberToObject(o, "max_gap_ns", (double)monitors[i].max_gap_ns);
    }
    for (i = 0; i < ntamper; i++)
        cJSON_AddItemToArray(t, cJSON_CreateString(tamper[i]));
    return root;
fail:
    cJSON_Delete(root);
    return NULL;
}

/* ---- the _pyharness module ---- */

static PyObject *figures_dict(const struct measure_figures *f)
{
    return Py_BuildValue(
        "{s:L,s:L,s:L,s:L,s:L,s:L,s:L,s:L,s:d,s:L,s:L}", "wall_ns", (long long)f->wall_ns, "cpu_ns",
        (long long)f->cpu_ns, "children_cpu_ns", (long long)f->children_cpu_ns, "py_peak_bytes",
        (long long)f->py_peak_bytes, "py_current_bytes", (long long)f->py_current_bytes,
        "py_allocs", (long long)f->py_allocs, "rss_peak_bytes", (long long)f->rss_peak_bytes,
        "rss_growth_bytes", (long long)f->rss_growth_bytes, "parallelism", f->parallelism,
        "run_cpu_ns", (long long)f->run_cpu_ns, "io_read_bytes", (long long)f->io_read_bytes);
}

/* What the observed worker reported of its own figures for the requests
 * made during the innermost open span (inside_note), in a check runner. */
struct inside_figs {
    int64_t py_peak, py_current, py_allocs, wall_ns, cpu_ns;
};
static struct inside_figs inside;
_Static_assert(sizeof(struct inside_figs) <= sizeof(struct pymodule_inside),
               "pymodule_inside too small");

void pymodule_span_begin(struct measure_span *span, struct pymodule_inside *saved, unsigned flags)
{
    memcpy(saved, &inside, sizeof inside);
    memset(&inside, 0, sizeof inside);
    measure_begin(span, flags);
}

void pymodule_span_end(const struct measure_span *span, const struct pymodule_inside *saved,
                       struct measure_figures *f)
{
    struct inside_figs outer;

    measure_end(span, f);
    memcpy(&outer, saved, sizeof outer);
    if (f->outside) {
        f->py_peak_bytes = inside.py_peak;
        f->py_current_bytes = inside.py_current;
        f->py_allocs = inside.py_allocs;
        f->inside_wall_ns = inside.wall_ns;
        f->inside_cpu_ns = inside.cpu_ns;
    }
    /* An outer span sees what the inner one saw. */
    if (outer.py_current + inside.py_peak > outer.py_peak)
        outer.py_peak = outer.py_current + inside.py_peak;
    outer.py_current += inside.py_current;
    outer.py_allocs += inside.py_allocs;
    outer.wall_ns += inside.wall_ns;
    outer.cpu_ns += inside.cpu_ns;
    inside = outer;
}

/* Call fn(*args, **kwargs) inside a measurement span.  Returns a new ref.
 * In a check runner (measure_subject() set), wall, CPU and resident-set
 * figures are the runner's view of the worker; the Python allocator
 * figures are the worker's report, a lesson and a cross-check only. */
static PyObject *call_measured(PyObject *fn, PyObject *args, PyObject *kwargs, unsigned flags,
                               struct measure_figures *f)
{
    struct measure_span span;
    struct pymodule_inside saved;
    PyObject *res; /* new ref */

    measure_depth++;
    pymodule_span_begin(&span, &saved, flags | MEASURE_WEIGH);
    res = PyObject_Call(fn, args, kwargs);
    pymodule_span_end(&span, &saved, f);
    measure_depth--;
    return res;
}

/* inside_note(py_peak, py_current, py_allocs, wall_ns, cpu_ns): the worker's
 * own figures for one request, added to the open span's (a runner calls it
 * with what the worker's reply said). */
static PyObject *py_inside_note(PyObject *self, PyObject *args)
{
    long long peak, cur, allocs, wall, cpu;

    if (!PyArg_ParseTuple(args, "LLLLL:inside_note", &peak, &cur, &allocs, &wall, &cpu))
        return NULL;
    if (inside.py_current + peak > inside.py_peak)
        inside.py_peak = inside.py_current + peak;
    inside.py_current += cur;
    inside.py_allocs += allocs;
    inside.wall_ns += wall;
    inside.cpu_ns += cpu;
    Py_RETURN_NONE;
}

/* measure(fn, *args, **kwargs) -> (result, figures) */
static PyObject *py_measure(PyObject *self, PyObject *args, PyObject *kwargs)
{
    PyObject *fn, *rest = NULL, *res = NULL, *figs = NULL, *out = NULL;
    struct measure_figures f;

    if (PyTuple_GET_SIZE(args) < 1) {
        PyErr_SetString(PyExc_TypeError, "measure(fn, *args, **kwargs): fn is required");
        return NULL;
    }
    fn = PyTuple_GET_ITEM(args, 0);                           /* borrowed */
    rest = PyTuple_GetSlice(args, 1, PyTuple_GET_SIZE(args)); /* new ref */
    if (rest == NULL)
        goto done;
    res = call_measured(fn, rest, kwargs, 0, &f); /* new ref */
    if (res == NULL)
        goto done;
    figs = figures_dict(&f); /* new ref */
    if (figs == NULL)
        goto done;
    out = PyTuple_Pack(2, res, figs);
done:
    Py_XDECREF(rest);
    Py_XDECREF(res);
    Py_XDECREF(figs);
    return out;
}

/* measure_into(label, repeat, fn, args, kwargs[, serial, max_parallel]) -> result; the
 * median figures of the `repeat` runs go to the C log (measure_pick_median).  With
 * `serial`, the label of a serial run of the same work measured earlier in this check,
 * the speed-up against its CPU time is recorded too (measure_speedup). */
static PyObject *py_measure_into(PyObject *self, PyObject *args)
{
    static struct measure_figures runs[MAX_REPEAT];
    const char *label, *serial = NULL;
    int repeat, i, max_parallel = 1;
    PyObject *fn, *fargs, *fkw, *res = NULL;
    struct mlabel *slot;
    const struct mlabel *base = NULL;
    size_t k;

    if (!PyArg_ParseTuple(args, "siOO!O|zi:measure_into", &label, &repeat, &fn, &PyTuple_Type,
                          &fargs, &fkw, &serial, &max_parallel))
        return NULL;
    if (fkw == Py_None)
        fkw = NULL;
    else if (!PyDict_Check(fkw)) {
        PyErr_SetString(PyExc_TypeError, "measure_into: kwargs must be a dict or None");
        return NULL;
    }
    if (repeat < 1 || repeat > MAX_REPEAT) {
        PyErr_Format(PyExc_ValueError, "measure_into: repeat must be 1..%d", MAX_REPEAT);
        return NULL;
    }
    if (strlen(label) == 0 || strlen(label) >= NAME_MAX_LEN) {
        PyErr_SetString(PyExc_ValueError, "measure_into: label must be 1..63 characters");
        return NULL;
    }
    for (k = 0; k < nmlog; k++) {
        if (strcmp(mlog[k].label, label) == 0) {
            note_tamper("measurement label \"%s\" recorded twice in one check", label);
            PyErr_Format(PyExc_RuntimeError, "measurement label %s already used in this check",
                         label);
            return NULL;
        }
        if (serial != NULL && strcmp(mlog[k].label, serial) == 0)
            base = &mlog[k];
    }
    if (serial != NULL && base == NULL) {
        PyErr_Format(PyExc_ValueError, "measure_into: no serial measurement %s in this check",
                     serial);
        return NULL;
    }
    if (nmlog == LOG_LABELS) {
        PyErr_SetString(PyExc_RuntimeError, "too many labelled measurements in one check");
        return NULL;
    }
    slot = &mlog[nmlog++];
    snprintf(slot->label, sizeof slot->label, "%s", label);
    slot->nested = measure_depth > 0;
    for (i = 0; i < repeat; i++) {
        Py_XDECREF(res);
        /* A speed-up is judged on a span measured against a serial run. */
        res =
            call_measured(fn, fargs, fkw, base != NULL ? MEASURE_SCHED : 0, &runs[i]); /* new ref */
        if (res == NULL)
            break;
    }
    if (res != NULL) {
        measure_pick_median(runs, repeat, &slot->f);
        if (base != NULL)
            /* Observed from outside, the serial run's own thread: a thread
             * spinning beside it must not make the serial cost look higher. */
            measure_speedup(base->f.main_thread_cpu_ns > 0
                                ? base->f.main_thread_cpu_ns
                                : base->f.cpu_ns + base->f.children_cpu_ns,
                            max_parallel, &slot->f);
        slot->repeats = repeat;
    } else {
        nmlog--; /* a failed measurement records nothing */
    }
    return res;
}

static struct fclient *client_get(long id)
{
    if (id < 0 || (size_t)id >= nclients) {
        PyErr_SetString(PyExc_ValueError, "unknown fake client id");
        return NULL;
    }
    return &clients[id];
}

static void client_advance(struct fclient *k, int64_t now)
{
    if (k->last_change_ns != 0)
        k->inflight_integral_ns += (double)k->in_flight * (double)(now - k->last_change_ns);
    k->last_change_ns = now;
}

/* Copy a {prompt: latency_s} dict and a fail list into the client's table. */
static int client_table(struct fclient *k, PyObject *latencies, PyObject *fail)
{
    Py_ssize_t pos = 0, n;
    PyObject *key, *val;   /* borrowed */
    PyObject *fseq = NULL; /* new ref */
    size_t cap = 0, j;

    n = PyDict_Size(latencies);
    fseq = PySequence_Fast(fail, "client_new: fail must be a sequence of prompts");
    if (fseq == NULL)
        return -1;
    cap = (size_t)n + (size_t)PySequence_Fast_GET_SIZE(fseq);
    if (cap > CLIENT_MAX_PROMPTS) {
        PyErr_SetString(PyExc_ValueError, "client_new: too many special prompts");
        goto fail;
    }
    k->table = calloc(cap ? cap : 1, sizeof *k->table);
    if (k->table == NULL) {
        PyErr_NoMemory();
        goto fail;
    }
    while (PyDict_Next(latencies, &pos, &key, &val)) {
        const char *ps = PyUnicode_Check(key) ? PyUnicode_AsUTF8(key) : NULL;
        double d = PyFloat_AsDouble(val);
        if (ps == NULL || (d == -1.0 && PyErr_Occurred()) || d < 0 || d > 3600) {
            if (!PyErr_Occurred())
                PyErr_SetString(PyExc_ValueError, "client_new: latencies maps str to seconds");
            goto fail;
        }
        k->table[k->ntable].prompt = strdup(ps);
        if (k->table[k->ntable].prompt == NULL) {
            PyErr_NoMemory();
            goto fail;
        }
        k->table[k->ntable].latency_ns = (int64_t)(d * 1e9);
        k->table[k->ntable++].fail = 0;
    }
    for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE(fseq); i++) {
        PyObject *it = PySequence_Fast_GET_ITEM(fseq, i); /* borrowed */
        const char *ps = PyUnicode_Check(it) ? PyUnicode_AsUTF8(it) : NULL;
        int found = 0;
        if (ps == NULL) {
            if (!PyErr_Occurred())
                PyErr_SetString(PyExc_TypeError, "client_new: fail holds prompts (str)");
            goto fail;
        }
        for (j = 0; j < k->ntable; j++)
            if (strcmp(k->table[j].prompt, ps) == 0) {
                k->table[j].fail = 1;
                found = 1;
            }
        if (!found) {
            k->table[k->ntable].prompt = strdup(ps);
            if (k->table[k->ntable].prompt == NULL) {
                PyErr_NoMemory();
                goto fail;
            }
            k->table[k->ntable].latency_ns = k->default_latency_ns;
            k->table[k->ntable++].fail = 1;
        }
    }
    Py_DECREF(fseq);
    return 0;
fail:
    Py_XDECREF(fseq);
    return -1;
}

/*
 * client_new(name, cap, latency_s, latencies, fail) -> id.  The latency
 * table lives here, not in Python attributes: a submission cannot make the
 * fake server faster, and a call that ends before its latency is recorded.
 */
static PyObject *py_client_new(PyObject *self, PyObject *args)
{
    const char *name;
    long cap;
    double latency;
    PyObject *latencies, *fail; /* borrowed */
    struct fclient *k;
    size_t i;

    if (!PyArg_ParseTuple(args, "sldO!O:client_new", &name, &cap, &latency, &PyDict_Type,
                          &latencies, &fail))
        return NULL;
    if (strlen(name) == 0 || strlen(name) >= NAME_MAX_LEN || cap < 1 || latency < 0 ||
        latency > 3600) {
        PyErr_SetString(PyExc_ValueError, "client_new: bad name, cap or latency");
        return NULL;
    }
    for (i = 0; i < nclients; i++)
        if (strcmp(clients[i].name, name) == 0) {
            note_tamper("fake client \"%s\" created twice in one check", name);
            PyErr_SetString(PyExc_RuntimeError, "fake client name already used in this check");
            return NULL;
        }
    if (nclients == LOG_CLIENTS) {
        PyErr_SetString(PyExc_RuntimeError, "too many fake clients in one check");
        return NULL;
    }
    k = &clients[nclients];
    memset(k, 0, sizeof *k);
    snprintf(k->name, NAME_MAX_LEN, "%s", name);
    k->cap = cap;
    k->default_latency_ns = (int64_t)(latency * 1e9);
    nclients++;
    if (client_table(k, latencies, fail) != 0)
        return NULL;
    return PyLong_FromSize_t(nclients - 1);
}

/*
 * client_begin(id, prompt) -> (token, latency_s, fails).  token is -1 when
 * the server-side cap is exceeded (HTTP 429): that call is not in flight.
 */
static PyObject *py_client_begin(PyObject *self, PyObject *args)
{
    long id;
    const char *prompt;
    struct fclient *k;
    int64_t now = measure_now_ns(), latency;
    int fails = 0;
    size_t j;

    if (!PyArg_ParseTuple(args, "ls:client_begin", &id, &prompt))
        return NULL;
    k = client_get(id);
    if (k == NULL)
        return NULL;
    k->calls++;
    if (k->first_ns == 0)
        k->first_ns = now;
    if (k->in_flight >= k->cap) {
        k->rejected++;
        return Py_BuildValue("(Ldi)", -1LL, 0.0, 0);
    }
    latency = k->default_latency_ns;
    for (j = 0; j < k->ntable; j++)
        if (strcmp(k->table[j].prompt, prompt) == 0) {
            latency = k->table[j].latency_ns;
            fails = k->table[j].fail;
            break;
        }
    if (k->ntok == CLIENT_MAX_TOKENS) {
        PyErr_SetString(PyExc_RuntimeError, "fake client: too many calls in one check");
        return NULL;
    }
    if (k->ntok == k->captok) {
        size_t nc = k->captok ? k->captok * 2 : 1024;
        unsigned char *t = realloc(k->done, nc);
        int64_t *d;
        char **pr;
        if (t == NULL)
            return PyErr_NoMemory();
        k->done = t;
        d = realloc(k->due_ns, nc * sizeof *d);
        if (d == NULL)
            return PyErr_NoMemory();
        k->due_ns = d;
        pr = realloc(k->prompts, nc * sizeof *pr);
        if (pr == NULL)
            return PyErr_NoMemory();
        k->prompts = pr;
        k->captok = nc;
    }
    k->prompts[k->ntok] = strdup(prompt);
    if (k->prompts[k->ntok] == NULL)
        return PyErr_NoMemory();
    k->done[k->ntok] = 0;
    k->due_ns[k->ntok] = now + latency;
    client_advance(k, now);
    k->in_flight++;
    if (k->in_flight > k->peak)
        k->peak = k->in_flight;
    return Py_BuildValue("(Ldi)", ((long long)id << 40) | (long long)k->ntok++,
                         (double)latency / 1e9, fails);
}

/* The token's client and call, or NULL after recording the misuse. */
static struct fclient *client_call(long long tok, size_t *seq_out)
{
    long id = (long)(tok >> 40);
    size_t seq = (size_t)(tok & ((1LL << 40) - 1));
    struct fclient *k = tok < 0 ? NULL : client_get(id);

    if (k == NULL) {
        PyErr_Clear();
        if (nclients > 0)
            clients[0].bad_tokens++;
        note_tamper("fake client: end of a call that never began (%s)", "bad token");
        return NULL;
    }
    if (seq >= k->ntok || k->done[seq]) {
        k->bad_tokens++;
        note_tamper("fake client \"%s\": a call ended twice or never began", k->name);
        return NULL;
    }
    *seq_out = seq;
    return k;
}

static void client_finish(struct fclient *k, size_t seq, int64_t now)
{
    k->done[seq] = 1;
    client_advance(k, now);
    k->in_flight--;
    k->last_ns = now;
}

/*
 * client_end(token) -> answer: the call finished.  A token ends once, and
 * not before its latency has elapsed; the answer carries a tag keyed by a
 * secret only C holds, so it cannot be made up without the call.
 */
static PyObject *py_client_end(PyObject *self, PyObject *args)
{
    long long tok;
    size_t seq;
    struct fclient *k;
    int64_t now = measure_now_ns();
    struct sha256_ctx h;
    unsigned char digest[SHA256_DIGEST_LEN];
    const char *prompt;

    if (!PyArg_ParseTuple(args, "L:client_end", &tok))
        return NULL;
    k = client_call(tok, &seq);
    if (k == NULL)
        Py_RETURN_NONE;
    if (now < k->due_ns[seq] - EARLY_END_SLACK_NS) {
        k->early_ends++;
        note_tamper("fake client \"%s\": a call ended before its latency had elapsed", k->name);
        client_finish(k, seq, now);
        Py_RETURN_NONE;
    }
    client_finish(k, seq, now);
    k->completed++;
    prompt = k->prompts[seq];
    pymodule_answer_key_init();
    sha256_init(&h);
    sha256_update(&h, answer_key, sizeof answer_key);
    sha256_update(&h, prompt, strlen(prompt));
    sha256_final(&h, digest);
    return PyUnicode_FromFormat("completion<%s>#%02x%02x%02x%02x", prompt, digest[0], digest[1],
                                digest[2], digest[3]);
}

/* client_cancel(token): the caller cancelled the call; it leaves the server. */
static PyObject *py_client_cancel(PyObject *self, PyObject *args)
{
    long long tok;
    size_t seq;
    struct fclient *k;

    if (!PyArg_ParseTuple(args, "L:client_cancel", &tok))
        return NULL;
    k = client_call(tok, &seq);
    if (k != NULL) {
        k->cancelled++;
        client_finish(k, seq, measure_now_ns());
    }
    Py_RETURN_NONE;
}

/* The thread that initialised the interpreter: a forked worker's main
 * thread has the same identity. */
static unsigned long main_thread;

/* A worker's own figures for the request it is answering (remote.py's
 * serve loop): opened and closed around each request, nested at most
 * INSIDE_DEPTH deep (a request does not start another). */
#define INSIDE_DEPTH 8
static struct measure_py_span inside_spans[INSIDE_DEPTH];
static int ninside;

static PyObject *py_inside_open(PyObject *self, PyObject *unused)
{
    if (ninside == INSIDE_DEPTH) {
        PyErr_SetString(PyExc_RuntimeError, "inside_open: nested too deeply");
        return NULL;
    }
    measure_py_begin(&inside_spans[ninside]);
    return PyLong_FromLong(ninside++);
}

static PyObject *py_inside_close(PyObject *self, PyObject *arg)
{
    long i = PyLong_AsLong(arg);
    struct measure_py_figures f;

    if (i == -1 && PyErr_Occurred())
        return NULL;
    if (i < 0 || i != ninside - 1) {
        PyErr_SetString(PyExc_ValueError, "inside_close: not the innermost open span");
        return NULL;
    }
    measure_py_end(&inside_spans[--ninside], &f);
    return Py_BuildValue("(LLLLL)", (long long)f.peak_bytes, (long long)f.current_bytes,
                         (long long)f.allocs, (long long)f.wall_ns, (long long)f.cpu_ns);
}

static int runner_process;

void pymodule_set_runner(void)
{
    runner_process = 1;
}

void pymodule_wipe_secrets(void)
{
    explicit_bzero(answer_key, sizeof answer_key);
    answer_key_set = 1; /* never drawn again here: this process has no key */
}

/*
 * 1 when the Python code calling a `_pyharness` entry point is the check
 * harness itself (pyharness/harness.py under python/), on the main thread.
 * A submission calling heartbeat() from a thread of its own would hide a
 * blocked event loop; from its own coroutine, it would hide a blocking call
 * split into slices.  (The audit hook refuses code compiled under the
 * harness's file name.)
 */
static int called_by_harness(void)
{
    PyFrameObject *f = PyEval_GetFrame(); /* borrowed */
    PyCodeObject *code;
    const char *file, *dir = paths_python_dir();
    size_t n = dir != NULL ? strlen(dir) : 0;
    int ok;

    /* A check runner runs no submission code: whatever calls is the harness. */
    if (runner_process)
        return 1;
    if (PyThread_get_thread_ident() != main_thread || f == NULL || n == 0)
        return 0;
    code = PyFrame_GetCode(f); /* new ref */
    file = PyUnicode_Check(code->co_filename) ? PyUnicode_AsUTF8(code->co_filename) : NULL;
    ok = file != NULL && strncmp(file, dir, n) == 0 &&
         strcmp(file + n, "/pyharness/harness.py") == 0;
    Py_DECREF(code);
    PyErr_Clear();
    return ok;
}

/* heartbeat(name): one tick of an event-loop monitor; records the longest gap. */
static PyObject *py_heartbeat(PyObject *self, PyObject *args)
{
    const char *name;
    int64_t now = measure_now_ns();
    struct monitor *m = NULL;
    size_t i;

    if (!PyArg_ParseTuple(args, "s:heartbeat", &name))
        return NULL;
    if (!called_by_harness()) {
        note_tamper("heartbeat(\"%s\") called by the submission", name);
        Py_RETURN_NONE;
    }
    for (i = 0; i < nmonitors; i++)
        if (strcmp(monitors[i].name, name) == 0)
            m = &monitors[i];
    if (m == NULL) {
        if (nmonitors == LOG_MONITORS || strlen(name) >= NAME_MAX_LEN) {
            PyErr_SetString(PyExc_RuntimeError, "too many monitors, or name too long");
            return NULL;
        }
        m = &monitors[nmonitors++];
        snprintf(m->name, sizeof m->name, "%s", name);
    } else if (now - m->last_ns > m->max_gap_ns) {
        m->max_gap_ns = now - m->last_ns;
    }
    m->beats++;
    m->last_ns = now;
    Py_RETURN_NONE;
}

/* sched_sample() -> True while a span follows the run's threads (after
 * reading their schedstat), False otherwise: the runner calls it every few
 * milliseconds while a request runs. */
static PyObject *py_sched_sample(PyObject *self, PyObject *unused)
{
    return PyBool_FromLong(measure_sched_sample());
}

/* run_memory(exact=False): see the method table. */
static PyObject *py_run_memory(PyObject *self, PyObject *args)
{
    int exact = 0;

    if (!PyArg_ParseTuple(args, "|p:run_memory", &exact))
        return NULL;
    return PyLong_FromLongLong(exact ? measure_run_pss_bytes() : measure_run_memory_bound());
}

/* run_disk(folders, max_bytes, max_entries) -> (bytes, entries): what the
 * folders hold together, counted up to just past the bounds: the kernel's
 * count where a folder is a file system of the run's own, else a walk and
 * the run's open files that no folder holds (measure_disk.h). */
#define RUN_DISK_FOLDERS_MAX 8

static PyObject *py_run_disk(PyObject *self, PyObject *args)
{
    struct fileio_usage total = {0, 0};
    unsigned long long max_bytes, max_entries;
    const char *paths[RUN_DISK_FOLDERS_MAX];
    PyObject *folders, *seq; /* borrowed; new ref */
    size_t n = 0;

    (void)self;
    if (!PyArg_ParseTuple(args, "OKK:run_disk", &folders, &max_bytes, &max_entries))
        return NULL;
    seq = PySequence_Fast(folders, "run_disk: folders must be a sequence");
    if (seq == NULL)
        return NULL;
    if (PySequence_Fast_GET_SIZE(seq) > RUN_DISK_FOLDERS_MAX) {
        Py_DECREF(seq);
        return PyErr_Format(PyExc_ValueError, "run_disk: at most %d folders", RUN_DISK_FOLDERS_MAX);
    }
    for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE(seq); i++) {
        paths[n] = PyUnicode_AsUTF8(PySequence_Fast_GET_ITEM(seq, i));
        if (paths[n] == NULL) {
            Py_DECREF(seq);
            return NULL;
        }
        n++;
    }
    /* The UTF-8 buffers live as long as their strings, which seq holds. */
    measure_run_disk(paths, n, max_bytes, max_entries, &total);
    Py_DECREF(seq);
    return Py_BuildValue("(KK)", total.bytes, total.entries);
}

/* kill_run(): SIGKILL every process of the observed run (the runner's PID
 * namespace but PID 1 and the runner itself). */
/* One live process of the run besides the worker into the dict `arg`:
 * pid -> its command line (NULs as spaces), zombies left out. */
static int note_process(long pid, void *arg)
{
    char path[64], buf[512];
    PyObject *k, *v;
    long n;

    /* A zombie (ended, not yet reaped) holds nothing. */
    if (pid == (long)measure_subject() || !measure_pid_running(pid))
        return 0;
    snprintf(path, sizeof path, "/proc/%ld/cmdline", pid);
    n = fileio_read_small(path, buf, sizeof buf);
    for (long i = 0; i < n; i++)
        if (buf[i] == '\0')
            buf[i] = ' ';
    k = PyLong_FromLong(pid);
    v = PyUnicode_DecodeUTF8(buf, n > 0 ? n : 0, "replace");
    if (k == NULL || v == NULL || PyDict_SetItem((PyObject *)arg, k, v) != 0)
        PyErr_Clear();
    Py_XDECREF(k);
    Py_XDECREF(v);
    return 0;
}

/* run_processes() -> {pid: command line}: the observed run's live processes
 * besides its worker, seen from outside. */
static PyObject *py_run_processes(PyObject *self, PyObject *unused)
{
    PyObject *d;

    (void)self;
    (void)unused;
    if (!runner_process || measure_subject() <= 0) {
        PyErr_SetString(PyExc_RuntimeError, "run_processes: not a check runner");
        return NULL;
    }
    d = PyDict_New();
    if (d != NULL)
        measure_each_run_pid(note_process, d);
    return d;
}

static int kill_one(long pid, void *arg)
{
    (void)arg;
    (void)kill((pid_t)pid, SIGKILL);
    return 0;
}

static PyObject *py_kill_run(PyObject *self, PyObject *unused)
{
    (void)self;
    (void)unused;
    if (!runner_process || measure_subject() <= 0) {
        PyErr_SetString(PyExc_RuntimeError, "kill_run: not a check runner");
        return NULL;
    }
    /* The worker first: it makes no more processes once it is gone. */
    (void)kill(measure_subject(), SIGKILL);
    measure_each_run_pid(kill_one, NULL);
    Py_RETURN_NONE;
}

static PyObject *py_now_ns(PyObject *self, PyObject *unused)
{
    return PyLong_FromLongLong(measure_now_ns());
}

static PyObject *py_cpu_ns(PyObject *self, PyObject *unused)
{
    return PyLong_FromLongLong(measure_cpu_ns());
}

static PyObject *py_cpus(PyObject *self, PyObject *unused)
{
    return PyLong_FromLong(measure_cpus());
}

static PyObject *py_py_current(PyObject *self, PyObject *unused)
{
    return PyLong_FromLongLong(measure_py_current());
}

static PyObject *py_hooks_active(PyObject *self, PyObject *unused)
{
    return PyBool_FromLong(measure_hooks_active());
}

static PyMethodDef methods[] = {
    {"measure", (PyCFunction)(void (*)(void))py_measure, METH_VARARGS | METH_KEYWORDS,
     "measure(fn, *args, **kwargs) -> (result, figures): call fn and measure it from C."},
    {"measure_into", py_measure_into, METH_VARARGS,
     "measure_into(label, repeat, fn, args, kwargs[, serial, max_parallel]) -> result: measure "
     "fn `repeat` times and record the median figures under `label` in the check's C log."},
    {"kill_run", py_kill_run, METH_NOARGS, "kill_run(): stop every process of the observed run."},
    {"run_processes", py_run_processes, METH_NOARGS,
     "run_processes() -> {pid: cmdline}: the observed run's live processes but its worker."},
    {"run_disk", py_run_disk, METH_VARARGS,
     "run_disk(folders, max_bytes, max_entries) -> (bytes, entries) the folders hold."},
    {"sched_sample", py_sched_sample, METH_NOARGS,
     "sched_sample() -> whether a span follows the run's threads (read now)"},
    {"run_memory", py_run_memory, METH_VARARGS,
     "run_memory(exact=False) -> bytes: the observed run's processes' memory together, or -1:\n"
     "their PSS when exact or while a graded span is open, else their resident sizes (an\n"
     "upper bound of the PSS, cheap to read)."},
    {"inside_open", py_inside_open, METH_NOARGS,
     "inside_open() -> span: start the worker's own figures for a request."},
    {"inside_close", py_inside_close, METH_O,
     "inside_close(span) -> (py_peak, py_current, py_allocs, wall_ns, cpu_ns)."},
    {"inside_seal", inside_table_seal, METH_VARARGS,
     "inside_seal(fns, ns): the worker's @inside functions into the C table (once)."},
    {"inside_call", inside_table_call, METH_VARARGS,
     "inside_call(name, args, kwargs) -> result: call a sealed @inside function, verified "
     "before and after, with the caller's frames cut off."},
    {"inside_get", inside_table_get, METH_O,
     "inside_get(name) -> the sealed @inside function of that name (verified first)."},
    {"seal", sealed_new, METH_O,
     "seal(obj) -> a handle whose call gives obj back to the harness's own code only."},
    {"cut", (PyCFunction)(void (*)(void))inside_table_cut, METH_FASTCALL | METH_KEYWORDS,
     "cut(fn, *args, **kwargs) -> fn(*args, **kwargs), the caller's frames out of its reach."},
    {"serve_bind", gate_py_bind, METH_NOARGS,
     "serve_bind(): bind the worker's serving loop (remote.serve, started by C after the "
     "import; once)."},
    {"serve_seal", gate_py_seal, METH_O,
     "serve_seal(msg) -> the frame's bytes, MAC'd under the run's key (the bound loop only)."},
    {"inside_note", py_inside_note, METH_VARARGS,
     "inside_note(py_peak, py_current, py_allocs, wall_ns, cpu_ns): the observed worker's own "
     "figures for a request, kept beside the runner's (a check runner only)."},
    {"client_new", py_client_new, METH_VARARGS,
     "client_new(name, cap, latency_s, latencies, fail) -> id"},
    {"client_begin", py_client_begin, METH_VARARGS,
     "client_begin(id, prompt) -> (token, latency_s, fails); token -1 when over the cap"},
    {"client_end", py_client_end, METH_VARARGS, "client_end(token) -> the model's answer"},
    {"client_cancel", py_client_cancel, METH_VARARGS, "client_cancel(token): call cancelled"},
    {"heartbeat", py_heartbeat, METH_VARARGS, "heartbeat(name): event-loop monitor tick"},
    {"chain_ints", keyed_chain, METH_VARARGS,
     "chain_ints(state, batch) -> state mixed with every int of batch and its length"},
    {"chain_strs", keyed_chain_strs, METH_VARARGS,
     "chain_strs(state, seq) -> state mixed with every str of seq and its length"},
    {"now_ns", py_now_ns, METH_NOARGS, "CLOCK_MONOTONIC in ns"},
    {"cpu_ns", py_cpu_ns, METH_NOARGS, "process CPU time in ns"},
    {"cpus", py_cpus, METH_NOARGS, "logical CPUs available"},
    {"py_current", py_py_current, METH_NOARGS, "live Python-allocated bytes"},
    {"hooks_active", py_hooks_active, METH_NOARGS, "whether the counting allocator is on"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT,
    "_pyharness",
    "Measurements taken from C by the pyharness host.  Figures here cannot be changed from "
    "Python.",
    -1,
    methods,
    NULL,
    NULL,
    NULL,
    NULL,
};

PyObject *pymodule_init(void)
{
    PyObject *m; /* new ref */

    main_thread = PyThread_get_thread_ident();
    if (PyType_Ready(&counting_iter_type) != 0 || PyType_Ready(&keyed_stream_type) != 0 ||
        PyType_Ready(&sealed_type) != 0)
        return NULL;
    m = PyModule_Create(&module);
    if (m != NULL &&
        (PyModule_AddObjectRef(m, "CountingIterator", (PyObject *)&counting_iter_type) != 0 ||
         PyModule_AddObjectRef(m, "KeyedStream", (PyObject *)&keyed_stream_type) != 0))
        Py_CLEAR(m);
    return m;
}
