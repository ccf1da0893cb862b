/*
 * embed.h - the embedded interpreter's lifecycle.
 *
 * Owns: interpreter start-up in isolated mode (allocator and audit hooks go in
 * first, then the built-in `_pyharness` module of pymodule.h is registered),
 * the cache of compiled checks.py files, and the "child mode" entry that lets
 * this binary stand in for python3 when multiprocessing re-executes
 * sys.executable.
 */
#ifndef PH_EMBED_H
#define PH_EMBED_H

#include "err.h"

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

#endif
