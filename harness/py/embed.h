/*
 * embed.h - the embedded interpreter's lifecycle and the `_pyharness` module.
 *
 * Owns: interpreter start-up in isolated mode (allocator and audit hooks go in
 * first), the built-in `_pyharness` module through which Python code reaches
 * the C measurements, the per-check log of labelled measurements and fake
 * LLM client counters (kept in C so a submission cannot rewrite them), and
 * the "child mode" entry that lets this binary stand in for python3 when
 * multiprocessing re-executes sys.executable.
 */
#ifndef PH_EMBED_H
#define PH_EMBED_H

#include <cjson/cJSON.h>

#include "err.h"
#include "measure.h"

struct embed_options {
    int alloc_hooks; /* install the counting allocator (off only for benchmarks) */
};

/*
 * Start the interpreter: hooks, PyConfig in isolated mode (no user site, no
 * PYTHON* variables, no current directory on sys.path), sys.executable = this
 * binary, python/ on sys.path, and the modules submissions commonly need
 * imported once so that forked workers start warm.
 */
enum ph_rc embed_init(const struct embed_options *opts, struct ph_err *err);

/*
 * Compile a trusted Python file (an exercise's checks.py) once per process
 * and keep the code object, keyed by path, size and mtime, so that each
 * forked worker only executes it.  Compiling runs no code.  Returns a
 * borrowed PyObject * (a code object) valid for the life of the process, or
 * NULL with `err` set (a syntax error names the file and line).
 */
void *embed_compile_cached(const char *path, const char *filename, struct ph_err *err);

/*
 * Call the stdlib-only helper `module`.`func`(arg) in this process and return
 * the str it returns (for pyharness.runtime.read_workloads: a declaration
 * read with ast.literal_eval, nothing executed).  Caller frees with free();
 * NULL with `err` set (PH_EINPUT and the exception's text) on failure.
 */
char *embed_call_text(const char *module, const char *func, const char *arg, struct ph_err *err);

/* "3.11.2" (static storage, valid after embed_init). */
const char *embed_python_version(void);

/*
 * 1 when argv looks like a python3 command line (`-B -I -c CODE ...`), which is
 * how multiprocessing's spawn and forkserver start their children.
 */
int embed_is_child_invocation(int argc, char **argv);

/* Run as a python3 stand-in for such a command line; returns the exit status. */
int embed_child_main(int argc, char **argv);

/*
 * The log of what `_pyharness` recorded since the last reset, as a new JSON
 * object {"measures": {label: figures}, "clients": {name: counters},
 * "monitors": {name: {...}}, "tamper": [...]}.  Caller frees with
 * cJSON_Delete().  embed_log_reset() starts a new check.
 */
cJSON *embed_log_take(void);
void embed_log_reset(void);

/*
 * A measurement span (measure_begin/measure_end) that, in a check runner,
 * also collects what the observed worker reported of its own figures for
 * the requests made during it (the Python allocator's, a cross-check).
 * `saved` holds the enclosing span's collection until embed_span_end.
 */
struct embed_inside {
    int64_t opaque[5];
};
void embed_span_begin(struct measure_span *span, struct embed_inside *saved, unsigned flags);
void embed_span_end(const struct measure_span *span, const struct embed_inside *saved,
                    struct measure_figures *f);

/* This process is a check runner: it runs no submission code, so the
 * `_pyharness` entry points that check their caller accept any caller. */
void embed_set_runner(void);

/* Wipe what a worker must not hold (the fake model's answer key) before
 * submission code runs in it. */
void embed_wipe_secrets(void);

#endif
