/*
 * serve_gate.c - replies sealed by the worker's real serving loop only
 * (see serve_gate.h).
 *
 * Red team 11 served a run from the submission: at import it wrote its own
 * import report on the socket and ran pyharness.remote._Worker (a subclass)
 * itself, answering timed requests with a fast stand-in; another wrote a
 * raw reply and _exit(0)ed.  The runner now accepts a reply or an import
 * report only with a MAC under a key that exists in this file's static
 * memory alone (the audit hook refuses ctypes and /proc/<pid>/mem), and the
 * MAC is computed only for frames of the loop C started after the import.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <assert.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "dict_version.h"
#include "fileio.h"
#include "serve_gate.h"
#include "sha256.h"

#define KEY_LEN 32
#define MAC_HEX 64
#define BODY_MAX (64u * 1024 * 1024 - 1 - MAC_HEX) /* remote.MESSAGE_MAX */
#define NSNAP 3

/* A dict as it was before the import: a copy, and its version tag. */
struct snap {
    PyObject *dict; /* new ref: the live dict */
    PyObject *copy; /* new ref */
    uint64_t tag;
    const char *what;
};

enum gate_state { GATE_OFF, GATE_ARMED, GATE_OPEN, GATE_SERVING };

static struct {
    enum gate_state state;
    unsigned char key[KEY_LEN];
    pthread_t thread;
    PyObject *serve_code; /* new ref: remote.serve's code */
    PyObject *loop_code;  /* new ref: remote._Worker.serve's code */
    PyObject *encoder;    /* new ref: _json's C encoder, made before the import */
    PyFrameObject *bound; /* new ref: remote.serve's frame, once bound */
    PyFrameObject *loop;  /* new ref: its _Worker.serve frame, once it sealed */
    struct snap snaps[NSNAP];
} gate;

/* HMAC-SHA256 (RFC 2104) of `len` bytes of `data` under gate.key. */
static void mac_hex(const void *data, size_t len, char out[MAC_HEX + 1])
{
    static const char hex[] = "0123456789abcdef";
    unsigned char pad[64], inner[SHA256_DIGEST_LEN], outer[SHA256_DIGEST_LEN];
    struct sha256_ctx c;
    size_t i;

    memset(pad, 0x36, sizeof pad);
    for (i = 0; i < KEY_LEN; i++)
        pad[i] ^= gate.key[i];
    sha256_init(&c);
    sha256_update(&c, pad, sizeof pad);
    sha256_update(&c, data, len);
    sha256_final(&c, inner);
    memset(pad, 0x5c, sizeof pad);
    for (i = 0; i < KEY_LEN; i++)
        pad[i] ^= gate.key[i];
    sha256_init(&c);
    sha256_update(&c, pad, sizeof pad);
    sha256_update(&c, inner, sizeof inner);
    sha256_final(&c, outer);
    for (i = 0; i < SHA256_DIGEST_LEN; i++) {
        out[2 * i] = hex[outer[i] >> 4];
        out[2 * i + 1] = hex[outer[i] & 15];
    }
    out[MAC_HEX] = '\0';
    explicit_bzero(pad, sizeof pad);
    explicit_bzero(&c, sizeof c);
}

/* The key frame: 4-byte big-endian length, then {"op":"key","k":"<hex>"}. */
static int send_key(int fd)
{
    static const char hex[] = "0123456789abcdef";
    unsigned char frame[4 + 96];
    char *body = (char *)frame + 4;
    int n, rc;
    size_t i;

    n = snprintf(body, sizeof frame - 4, "{\"op\":\"key\",\"k\":\"");
    for (i = 0; i < KEY_LEN; i++) {
        body[n++] = hex[gate.key[i] >> 4];
        body[n++] = hex[gate.key[i] & 15];
    }
    body[n++] = '"';
    body[n++] = '}';
    assert((size_t)n + 4 <= sizeof frame);
    frame[0] = (unsigned char)(n >> 24);
    frame[1] = (unsigned char)(n >> 16);
    frame[2] = (unsigned char)(n >> 8);
    frame[3] = (unsigned char)n;
    rc = fileio_write_all(fd, frame, (size_t)n + 4);
    explicit_bzero(frame, sizeof frame);
    return rc;
}

static int snap_take(struct snap *s, PyObject *dict, const char *what)
{
    s->copy = PyDict_Copy(dict);
    if (s->copy == NULL)
        return -1;
    s->dict = Py_NewRef(dict);
    s->tag = dict_version_tag(dict);
    s->what = what;
    return 0;
}

/* 0 when every binding of the dict is the one it had at arming.  Runs no
 * Python code (identity comparisons only). */
static int snap_intact(struct snap *s)
{
    PyObject *k, *v; /* borrowed */
    Py_ssize_t pos = 0;

    if (s->tag != 0 && dict_version_tag(s->dict) == s->tag)
        return 0;
    if (PyDict_GET_SIZE(s->dict) != PyDict_GET_SIZE(s->copy))
        return -1;
    while (PyDict_Next(s->copy, &pos, &k, &v)) {
        PyObject *now = PyDict_GetItemWithError(s->dict, k); /* borrowed */

        if (now != v) {
            PyErr_Clear();
            return -1;
        }
    }
    s->tag = dict_version_tag(s->dict);
    return 0;
}

static PyObject *code_of(PyObject *owner, const char *name)
{
    PyObject *fn = PyObject_GetAttrString(owner, name); /* new ref */
    PyObject *code = NULL;

    if (fn != NULL && PyFunction_Check(fn))
        code = Py_XNewRef(PyFunction_GetCode(fn));
    else if (fn != NULL)
        PyErr_Format(PyExc_TypeError, "serve gate: %s is not a function", name);
    Py_XDECREF(fn);
    return code;
}

/* _json.make_encoder with json.dumps's compact separators, ASCII output. */
static PyObject *make_encoder(void)
{
    PyObject *cjson = PyImport_ImportModule("_json");                      /* new ref */
    PyObject *jenc = cjson ? PyImport_ImportModule("json.encoder") : NULL; /* new ref */
    PyObject *ascii = NULL, *inst = NULL, *deflt = NULL, *enc = NULL;      /* new refs */

    if (jenc != NULL)
        ascii = PyObject_GetAttrString(cjson, "encode_basestring_ascii");
    if (ascii != NULL)
        inst = PyObject_CallMethod(jenc, "JSONEncoder", NULL);
    if (inst != NULL)
        deflt = PyObject_GetAttrString(inst, "default");
    if (deflt != NULL)
        enc = PyObject_CallMethod(cjson, "make_encoder", "(OOOOssiii)", Py_None, deflt, ascii,
                                  Py_None, ":", ",", 0, 0, 1);
    Py_XDECREF(deflt);
    Py_XDECREF(inst);
    Py_XDECREF(ascii);
    Py_XDECREF(jenc);
    Py_XDECREF(cjson);
    return enc;
}

int gate_arm(int fd, PyObject *remote)
{
    PyObject *worker = NULL, *ph = NULL, *mdict; /* new refs; borrowed */
    int rc = -1;

    if (gate.state != GATE_OFF) {
        PyErr_SetString(PyExc_RuntimeError, "serve gate: armed already");
        return -1;
    }
    if (getrandom(gate.key, KEY_LEN, 0) != KEY_LEN) {
        PyErr_SetFromErrno(PyExc_OSError);
        return -1;
    }
    gate.thread = pthread_self();
    mdict = PyModule_GetDict(remote);
    worker = PyObject_GetAttrString(remote, "_Worker");
    ph = PyImport_ImportModule("_pyharness");
    if (mdict == NULL || worker == NULL || !PyType_Check(worker) || ph == NULL)
        goto out;
    gate.serve_code = code_of(remote, "serve");
    gate.loop_code = gate.serve_code ? code_of(worker, "serve") : NULL;
    gate.encoder = gate.loop_code ? make_encoder() : NULL;
    if (gate.encoder == NULL || snap_take(&gate.snaps[0], mdict, "pyharness.remote") != 0 ||
        snap_take(&gate.snaps[1], ((PyTypeObject *)worker)->tp_dict, "remote._Worker") != 0 ||
        snap_take(&gate.snaps[2], PyModule_GetDict(ph), "_pyharness") != 0)
        goto out;
    if (send_key(fd) != 0) {
        PyErr_SetString(PyExc_OSError, "serve gate: cannot send the key frame");
        goto out;
    }
    gate.state = GATE_ARMED;
    rc = 0;
out:
    if (rc != 0 && !PyErr_Occurred())
        PyErr_SetString(PyExc_RuntimeError, "serve gate: pyharness.remote has no serving loop");
    Py_XDECREF(ph);
    Py_XDECREF(worker);
    return rc;
}

void gate_open(void)
{
    if (gate.state == GATE_ARMED)
        gate.state = GATE_OPEN;
}

int gate_binding(void)
{
    return gate.state == GATE_OPEN;
}

static PyObject *refuse(const char *why)
{
    PyErr_Format(PyExc_RuntimeError, "the harness's serving loop refuses: %s", why);
    return NULL;
}

static int traced(void)
{
    PyThreadState *ts = PyThreadState_Get();

    return ts->c_tracefunc != NULL || ts->c_profilefunc != NULL;
}

PyObject *gate_py_bind(PyObject *self, PyObject *unused)
{
    PyFrameObject *f = PyEval_GetFrame(); /* borrowed */
    PyFrameObject *back;                  /* new ref */
    PyCodeObject *code;                   /* new ref */
    int ok;

    (void)self;
    (void)unused;
    if (gate.state != GATE_OPEN || !pthread_equal(pthread_self(), gate.thread) || f == NULL)
        return refuse("not the serving loop C started after the import");
    code = PyFrame_GetCode(f);
    back = PyFrame_GetBack(f);
    ok = (PyObject *)code == gate.serve_code && back == NULL;
    Py_XDECREF(code);
    Py_XDECREF(back);
    if (!ok)
        return refuse("not the serving loop C started after the import");
    gate.bound = (PyFrameObject *)Py_NewRef(f);
    gate.state = GATE_SERVING;
    Py_RETURN_NONE;
}

/* 1 when `f` is the loop frame: the one _Worker.serve frame the bound
 * frame called (bound here the first time it is seen). */
static int is_loop(PyFrameObject *f)
{
    PyFrameObject *back; /* new ref */
    PyCodeObject *code;  /* new ref */
    int ok;

    if (gate.loop != NULL || gate.bound == NULL)
        return f == gate.loop;
    code = PyFrame_GetCode(f);
    back = PyFrame_GetBack(f);
    ok = (PyObject *)code == gate.loop_code && back == gate.bound;
    Py_XDECREF(code);
    Py_XDECREF(back);
    if (ok)
        gate.loop = (PyFrameObject *)Py_NewRef(f);
    return ok;
}

/* 0 when the caller is the bound frame or the loop frame. */
static int caller_is_loop(void)
{
    PyFrameObject *f = PyEval_GetFrame(); /* borrowed */

    if (f == NULL)
        return -1;
    return f == gate.bound || is_loop(f) ? 0 : -1;
}

int gate_refuse_unless_loop(const char *what)
{
    PyFrameObject *f; /* new ref */

    if (gate.state == GATE_OFF)
        return 0; /* not a worker: no loop to be called from */
    if (gate.state == GATE_SERVING && pthread_equal(pthread_self(), gate.thread)) {
        f = (PyFrameObject *)Py_XNewRef(PyEval_GetFrame());
        while (f != NULL) {
            PyFrameObject *back;

            if (is_loop(f)) {
                Py_DECREF(f);
                return 0;
            }
            back = PyFrame_GetBack(f);
            Py_DECREF(f);
            f = back;
        }
    }
    PyErr_Format(PyExc_RuntimeError,
                 "%s: only for the harness's serving loop (its frames lead back to it)", what);
    return -1;
}

PyObject *gate_py_seal(PyObject *self, PyObject *msg)
{
    PyObject *chunks = NULL, *empty = NULL, *text = NULL, *res = NULL; /* new refs */
    const char *body;
    Py_ssize_t len;
    char mac[MAC_HEX + 1];
    size_t i;

    (void)self;
    if (gate.state != GATE_SERVING || !pthread_equal(pthread_self(), gate.thread) ||
        caller_is_loop() != 0)
        return refuse("not the serving loop C started after the import");
    if (!PyDict_CheckExact(msg)) {
        PyErr_SetString(PyExc_TypeError, "serve_seal(msg): msg must be a dict");
        return NULL;
    }
    if (traced())
        return refuse("a trace or profile function is set on the serving thread");
    for (i = 0; i < NSNAP; i++)
        if (snap_intact(&gate.snaps[i]) != 0) {
            PyErr_Format(PyExc_RuntimeError,
                         "the harness's serving loop refuses: the submission changed %s",
                         gate.snaps[i].what);
            return NULL;
        }
    chunks = PyObject_CallFunction(gate.encoder, "Oi", msg, 0);
    empty = chunks ? PyUnicode_FromString("") : NULL;
    text = empty ? PyUnicode_Join(empty, chunks) : NULL;
    body = text ? PyUnicode_AsUTF8AndSize(text, &len) : NULL;
    if (body == NULL)
        goto out;
    if ((size_t)len > BODY_MAX) {
        PyErr_Format(PyExc_ValueError, "a message of %zd bytes is over the %u limit", len,
                     BODY_MAX);
        goto out;
    }
    mac_hex(body, (size_t)len, mac);
    res = PyBytes_FromStringAndSize(NULL, 4 + 1 + MAC_HEX + len);
    if (res != NULL) {
        unsigned char *p = (unsigned char *)PyBytes_AS_STRING(res);
        size_t n = 1 + MAC_HEX + (size_t)len;

        p[0] = (unsigned char)(n >> 24);
        p[1] = (unsigned char)(n >> 16);
        p[2] = (unsigned char)(n >> 8);
        p[3] = (unsigned char)n;
        p[4] = 'S';
        memcpy(p + 5, mac, MAC_HEX);
        memcpy(p + 5 + MAC_HEX, body, (size_t)len);
    }
out:
    Py_XDECREF(text);
    Py_XDECREF(empty);
    Py_XDECREF(chunks);
    return res;
}
