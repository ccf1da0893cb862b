/*
 * serve_gate.h - the worker's serving loop and nobody else seals replies.
 *
 * A submission runs in the worker's interpreter and can write its own
 * frames on the request socket, or run the harness's serving loop (or a
 * subclass of it) itself and answer timed requests with code of its
 * choosing.  The gate makes such replies useless: every reply and the
 * import report carry an HMAC-SHA256 under a key made in C before the
 * submission is imported and sent to the runner in the first frame, and
 * the key is used only for calls made by the real loop's own frames:
 *
 *   gate_arm()   before the import: key, the loop's code objects, the
 *                harness dicts the loop runs through (snapshots);
 *   gate_open()  after the import: the next serve_bind() may bind;
 *   serve_bind() from remote.serve's frame, called straight from C (no
 *                Python frame below it), on the arming thread, once;
 *   serve_seal() from that frame or from the one _Worker.serve frame it
 *                called; refused when the snapshots changed or the thread
 *                is traced.
 *
 * Owns the key (static memory, never in a Python object) and new refs to
 * the code objects, frames and snapshots it holds for the process's life.
 */
#ifndef PH_SERVE_GATE_H
#define PH_SERVE_GATE_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

/* Arm the gate in the worker before the submission's import: a fresh key,
 * written on `fd` as the run's first frame ({"op":"key"}), and what the
 * real loop is (from `remote`, borrowed: pyharness.remote).  0, or -1 with
 * a Python exception set. */
int gate_arm(int fd, PyObject *remote);

/* The import is over: serve_bind() may now bind the loop (once). */
void gate_open(void);

/* 1 while the gate is open and the loop not bound yet (calls that would
 * let a frame look as if C called it are refused then). */
int gate_binding(void);

/* 0 when the calling frame's chain leads back to the serving loop's frame
 * (or no gate is armed: not a worker); else -1 with RuntimeError naming
 * `what`.  For the C table of @inside functions: the submission cannot
 * seal its own, nor take or call the checks', at import or from frames a
 * cut call gave it. */
int gate_refuse_unless_loop(const char *what);

/* _pyharness.serve_bind() and _pyharness.serve_seal(msg) -> frame bytes. */
PyObject *gate_py_bind(PyObject *self, PyObject *unused);
PyObject *gate_py_seal(PyObject *self, PyObject *msg);

#endif
