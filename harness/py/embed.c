/*
 * embed.c - see embed.h.
 *
 * Order matters at start-up: the counting allocator and the audit hook must
 * be in place before the interpreter allocates or runs anything (the
 * allocator writes a size header; an audit hook added before
 * initialisation cannot be removed from Python).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "embed.h"
#include "pymodule.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fileio.h"
#include "measure_alloc.h"
#include "paths.h"
#include "sandbox_audit.h"

#define CODE_CACHE_SLOTS 32           /* exercises' checks.py files kept compiled */
#define CODE_SOURCE_MAX (1024 * 1024) /* a checks.py is code, not data */

static int ready;
static char pyversion[32];

/* ---- lifecycle ---- */

/*
 * Imported once in the supervisor, so every host and worker starts warm:
 * the runtime and cheap, common modules that register no fork handlers.
 * What an exercise uses beyond these (asyncio, threading, multiprocessing,
 * random, ...) its sandbox host loads (host_prep_init): each of
 * those adds to what every fork and every worker's PyOS_AfterFork_Child
 * costs, so workers of exercises that do not use them should not pay.
 */
static const char *const preimports[] = {
    "pyharness.runtime",
    "pyharness.checklib",
    "pyharness.harness",
    "json",
    "re",
    "collections",
    "itertools",
    "functools",
    "operator",
    "contextlib",
    "contextvars",
    "math",
    "heapq",
    "bisect",
    "time",
    "typing",
    "traceback",
    "string",
    "struct",
    "io",
    "copy",
    "ast",
    NULL,
};

static enum ph_rc status_err(PyStatus st, const char *what, struct ph_err *err)
{
    return ph_errf(err, PH_EPYTHON, "initialising Python (%s): %s", what,
                   st.err_msg ? st.err_msg : "failed");
}

static enum ph_rc add_sys_path(const char *dir, int front, struct ph_err *err)
{
    PyObject *path = PySys_GetObject("path"); /* borrowed */
    PyObject *s = NULL;                       /* new ref */
    enum ph_rc rc = PH_EPYTHON;

    if (path == NULL || !PyList_Check(path))
        return ph_errf(err, PH_EPYTHON, "sys.path is missing");
    s = PyUnicode_DecodeFSDefault(dir);
    if (s == NULL)
        goto out;
    if ((front ? PyList_Insert(path, 0, s) : PyList_Append(path, s)) != 0)
        goto out;
    rc = PH_OK;
out:
    Py_XDECREF(s);
    if (rc != PH_OK) {
        PyErr_Clear();
        ph_errf(err, rc, "cannot add %s to sys.path", dir);
    }
    return rc;
}

static enum ph_rc start_interpreter(int argc, char **argv, const char *command, struct ph_err *err)
{
    PyConfig config;
    PyStatus st;
    enum ph_rc rc = PH_EPYTHON;

    if (PyImport_AppendInittab("_pyharness", pymodule_init) != 0)
        return ph_errf(err, PH_EPYTHON, "cannot register the _pyharness module");
    PyConfig_InitIsolatedConfig(&config);
    config.install_signal_handlers = 0;
    config.write_bytecode = 0;
    config.parse_argv = 0;
    config.user_site_directory = 0;
    st = PyConfig_SetBytesString(&config, &config.program_name, paths_exe());
    if (PyStatus_Exception(st)) {
        rc = status_err(st, "program name", err);
        goto out;
    }
    st = PyConfig_SetBytesString(&config, &config.executable, paths_exe());
    if (PyStatus_Exception(st)) {
        rc = status_err(st, "executable", err);
        goto out;
    }
    st = PyConfig_SetBytesArgv(&config, argc, argv);
    if (PyStatus_Exception(st)) {
        rc = status_err(st, "argv", err);
        goto out;
    }
    if (command != NULL) {
        st = PyConfig_SetBytesString(&config, &config.run_command, command);
        if (PyStatus_Exception(st)) {
            rc = status_err(st, "command", err);
            goto out;
        }
    }
    st = Py_InitializeFromConfig(&config);
    if (PyStatus_Exception(st)) {
        rc = status_err(st, "start-up", err);
        goto out;
    }
    rc = PH_OK;
out:
    PyConfig_Clear(&config);
    return rc;
}

enum ph_rc embed_init(const struct embed_options *opts, struct ph_err *err)
{
    char *argv0 = "pyharness";
    const char *v;
    enum ph_rc rc;
    size_t i;

    if (ready)
        return PH_OK;
    if (opts == NULL || opts->alloc_hooks)
        measure_install_hooks();
    sandbox_audit_install();
    pymodule_answer_key_init(); /* before any fork: every worker must share it */
    rc = start_interpreter(1, &argv0, NULL, err);
    if (rc != PH_OK)
        return rc;
    rc = add_sys_path(paths_python_dir(), 1, err);
    if (rc != PH_OK)
        return rc;
    for (i = 0; preimports[i] != NULL; i++) {
        PyObject *m = PyImport_ImportModule(preimports[i]); /* new ref */
        if (m == NULL) {
            PyErr_Print();
            return ph_errf(err, PH_EPYTHON, "cannot import %s (broken installation? python/ is %s)",
                           preimports[i], paths_python_dir());
        }
        Py_DECREF(m);
    }
    /* Move everything imported so far out of the collector's reach: forked
     * workers then never traverse (and so never copy-on-write) those pages. */
    {
        PyObject *r = PyRun_String("__import__('gc').freeze()", Py_eval_input,
                                   PyModule_GetDict(PyImport_AddModule("__main__")),
                                   PyModule_GetDict(PyImport_AddModule("__main__")));
        if (r == NULL)
            return ph_errf(err, PH_EPYTHON, "gc.freeze() failed");
        Py_DECREF(r);
    }
    v = Py_GetVersion();
    for (i = 0; i + 1 < sizeof pyversion && v[i] != '\0' && v[i] != ' '; i++)
        pyversion[i] = v[i];
    pyversion[i] = '\0';
    ready = 1;
    return PH_OK;
}

struct code_slot {
    char path[4096];
    off_t size;
    struct timespec mtime;
    PyObject *code; /* new ref, kept for the life of the process */
};

static struct code_slot code_cache[CODE_CACHE_SLOTS];
static size_t code_next;

void *embed_compile_cached(const char *path, const char *filename, struct ph_err *err)
{
    struct stat st;
    struct code_slot *slot;
    char *src = NULL;
    size_t len = 0, i;
    PyObject *code; /* new ref */

    if (stat(path, &st) != 0) {
        ph_errf(err, PH_EINPUT, "%s: cannot read", path);
        return NULL;
    }
    for (i = 0; i < CODE_CACHE_SLOTS; i++) {
        slot = &code_cache[i];
        if (slot->code != NULL && strcmp(slot->path, path) == 0 && slot->size == st.st_size &&
            slot->mtime.tv_sec == st.st_mtim.tv_sec && slot->mtime.tv_nsec == st.st_mtim.tv_nsec)
            return slot->code;
    }
    if (fileio_read(path, CODE_SOURCE_MAX, &src, &len, err) != PH_OK)
        return NULL;
    code = Py_CompileString(src, filename, Py_file_input);
    free(src);
    if (code == NULL) {
        PyObject *type, *value, *tb; /* new refs */
        PyObject *s = NULL;          /* new ref */
        PyErr_Fetch(&type, &value, &tb);
        if (value != NULL)
            s = PyObject_Str(value);
        ph_errf(err, PH_EINPUT, "%s: does not compile: %s", path,
                s != NULL && PyUnicode_AsUTF8(s) != NULL ? PyUnicode_AsUTF8(s) : "?");
        Py_XDECREF(s);
        Py_XDECREF(type);
        Py_XDECREF(value);
        Py_XDECREF(tb);
        PyErr_Clear();
        return NULL;
    }
    slot = &code_cache[code_next++ % CODE_CACHE_SLOTS];
    Py_XDECREF(slot->code);
    snprintf(slot->path, sizeof slot->path, "%s", path);
    slot->size = st.st_size;
    slot->mtime = st.st_mtim;
    slot->code = code;
    return code;
}

char *embed_call_text(const char *modname, const char *func, const char *arg, struct ph_err *err)
{
    PyObject *mod = PyImport_ImportModule(modname); /* new ref */
    PyObject *r = NULL;                             /* new ref */
    const char *text;
    char *out = NULL;

    if (mod != NULL)
        r = PyObject_CallMethod(mod, func, "s", arg);
    text = r != NULL && PyUnicode_Check(r) ? PyUnicode_AsUTF8(r) : NULL;
    if (text != NULL) {
        out = strdup(text);
        if (out == NULL)
            ph_errf(err, PH_ENOMEM, "out of memory");
    } else {
        PyObject *type, *value, *tb; /* new refs */
        PyObject *s = NULL;          /* new ref */
        PyErr_Fetch(&type, &value, &tb);
        if (value != NULL)
            s = PyObject_Str(value);
        ph_errf(err, PH_EINPUT, "%s",
                s != NULL && PyUnicode_AsUTF8(s) != NULL ? PyUnicode_AsUTF8(s) : "not a string");
        Py_XDECREF(s);
        Py_XDECREF(type);
        Py_XDECREF(value);
        Py_XDECREF(tb);
        PyErr_Clear();
    }
    Py_XDECREF(r);
    Py_XDECREF(mod);
    return out;
}

const char *embed_python_version(void)
{
    return pyversion;
}

/* python3's single-letter flags that take no argument. */
static int is_flag_cluster(const char *a)
{
    if (a[0] != '-' || a[1] == '\0' || a[1] == '-')
        return 0;
    for (a++; *a; a++)
        if (strchr("BIEsSObqudvRu", *a) == NULL)
            return 0;
    return 1;
}

int embed_is_child_invocation(int argc, char **argv)
{
    int i;

    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-c") == 0)
            return i + 1 < argc;
        if ((strcmp(argv[i], "-X") == 0 || strcmp(argv[i], "-W") == 0) && i + 1 < argc) {
            i++;
            continue;
        }
        if (!is_flag_cluster(argv[i]))
            return 0;
    }
    return 0;
}

int embed_child_main(int argc, char **argv)
{
    struct ph_err err = {0};
    const char *cmd = NULL;
    char **pyargv;
    int i, first = argc, pyargc = 0;

    /* Flags are accepted and ignored: the child is always isolated. */
    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-c") == 0 && i + 1 < argc) {
            cmd = argv[i + 1];
            first = i + 2;
            break;
        }
        if (strcmp(argv[i], "-X") == 0 || strcmp(argv[i], "-W") == 0)
            i++;
    }
    if (cmd == NULL) {
        fprintf(stderr, "pyharness: child mode needs -c CODE\n");
        return 2;
    }
    pyargv = calloc((size_t)(argc - first + 2), sizeof *pyargv);
    if (pyargv == NULL)
        return 3;
    pyargv[pyargc++] = "-c";
    for (i = first; i < argc; i++)
        pyargv[pyargc++] = argv[i];
    if (paths_init(&err) != PH_OK) {
        fprintf(stderr, "pyharness: %s\n", err.msg);
        free(pyargv);
        return 3;
    }
    measure_install_hooks();
    sandbox_audit_install();
    if (start_interpreter(pyargc, pyargv, cmd, &err) != PH_OK ||
        add_sys_path(paths_python_dir(), 0, &err) != PH_OK) {
        fprintf(stderr, "pyharness: %s\n", err.msg);
        free(pyargv);
        return 3;
    }
    /* The worker that spawned us ran armed; so do we (policy from the environment). */
    sandbox_audit_arm(NULL);
    free(pyargv);
    return Py_RunMain();
}
