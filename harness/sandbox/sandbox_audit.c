/*
 * sandbox_audit.c - see sandbox_audit.h.
 *
 * PEP 578 audit hooks are not a sandbox by themselves: native code bypasses
 * them and some operations raise no event at all.  Here they are the layer
 * that knows Python: it refuses ctypes, process creation other than fork,
 * sockets other than AF_UNIX, introspection that reaches the checker's
 * objects (gc, foreign frames, code objects), files outside the run's
 * allow-lists, signals to processes outside the run.  The mount view,
 * seccomp and the dropped uid (sandbox.c) hold where this layer does not.
 *
 * A blocked operation raises pyharness.SandboxViolation, a PermissionError,
 * with a message "pyharness sandbox: <event> blocked: <detail>", and is
 * remembered in C (sandbox_audit_violation) even if the candidate catches it.
 *
 * Code is classified by its file name: "protected" (the runtime package, the
 * exercise bank, hidden paths, the checks), "stdlib" (the interpreter's
 * library, frozen modules) or "candidate" (everything else).  Introspection
 * is refused when candidate code reaches protected objects; stdlib helpers
 * acting for the runtime are let through.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <frameobject.h>

#include "sandbox_audit.h"

#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <stdarg.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "paths.h"
#include "sandbox_enter.h"
#include "sandbox_landlock.h"

#define MAX_LIST 32 /* entries in each allow/deny list */
#define VIOLATION_MAX 512

enum code_class { CODE_CANDIDATE, CODE_STDLIB, CODE_PROTECTED };

struct path_list {
    char *items[MAX_LIST]; /* owned */
    size_t n;
};

static struct {
    int installed;
    int armed;
    int test_off;   /* PYHARNESS_TEST_DISABLE_AUDIT=1 in a PH_TEST_SWITCHES build */
    pid_t root_pid; /* the run's first Python process */
    int own_pid_ns; /* root_pid's parent is PID 1: the run has its own PID namespace */
    pid_t runner;   /* in it, root_pid's parent when that is not PID 1: its check runner */
    char *scratch;
    char *python_dir;
    char *host_exe;
    char *stdlib_dir;
    struct path_list hidden;   /* never readable */
    struct path_list readable; /* readable in addition to the defaults */
} pol;

static char violation[VIOLATION_MAX];
static PyObject *violation_type; /* new ref, kept for the process's life */
static _Thread_local int in_hook;

/* Readable by default: the interpreter's files and harmless system files. */
static const char *const default_readable[] = {
    "/usr",
    "/etc/localtime",
    "/etc/timezone",
    "/etc/mime.types",
    "/etc/os-release",
    "/etc/passwd",
    "/etc/group",
    "/etc/hosts",
    "/dev/null",
    "/dev/zero",
    "/dev/full",
    "/dev/random",
    "/dev/urandom",
    "/dev/shm",
    "/proc/cpuinfo",
    "/proc/meminfo",
    "/proc/stat",
    "/sys/devices/system/cpu",
};

/* Writable besides the scratch folder. */
static const char *const default_writable[] = {"/dev/null", "/dev/shm", "/dev/full"};

/* Modules candidate code may not import: raw memory and the interpreter's
 * test hooks. */
static const char *const denied_modules[] = {
    "ctypes",      "_ctypes",           "_ctypes_test",        "_testcapi",   "_testinternalcapi",
    "_testbuffer", "_testmultiphase",   "_testimportmultiple", "_testclinic", "_xxsubinterpreters",
    "_xxtestfuzz", "_xxinterpchannels",
};

static int under(const char *path, const char *dir)
{
    size_t n;

    if (path == NULL || dir == NULL || dir[0] == '\0')
        return 0;
    n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/')
        n--;
    return strncmp(path, dir, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

static int under_list(const char *path, const struct path_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        if (under(path, l->items[i]))
            return 1;
    }
    return 0;
}

/* Under any exercise bank on the search path (--exercises adds banks to the
 * built-in one: each holds answer keys). */
static int under_banks(const char *path)
{
    for (size_t i = 0; i < paths_bank_count(); i++) {
        if (under(path, paths_bank(i)))
            return 1;
    }
    return 0;
}

static char *dup_or_null(const char *s)
{
    return s != NULL && s[0] != '\0' ? strdup(s) : NULL;
}

static void list_add(struct path_list *l, const char *s)
{
    char real[PATH_MAX];

    if (s == NULL || s[0] == '\0' || l->n >= MAX_LIST)
        return;
    if (realpath(s, real) != NULL && strcmp(real, s) != 0 && l->n + 1 < MAX_LIST)
        l->items[l->n++] = strdup(real);
    l->items[l->n++] = strdup(s);
}

/* Split a ':'-separated environment value into `l`. */
static void list_add_env(struct path_list *l, const char *name)
{
    const char *v = getenv(name);
    char buf[PATH_MAX];

    while (v != NULL && *v != '\0') {
        const char *end = strchr(v, ':');
        size_t len = end != NULL ? (size_t)(end - v) : strlen(v);

        if (len > 0 && len < sizeof buf) {
            memcpy(buf, v, len);
            buf[len] = '\0';
            list_add(l, buf);
        }
        if (end == NULL)
            break;
        v = end + 1;
    }
}

/* ---- raising ---- */

static int block(const char *event, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int channel_fd = -1; /* sandbox_audit_set_channel */

void sandbox_audit_set_channel(int fd)
{
    channel_fd = fd;
}

static int block(const char *event, const char *fmt, ...)
{
    char detail[VIOLATION_MAX];
    char msg[VIOLATION_MAX + 64];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    snprintf(msg, sizeof msg, "pyharness sandbox: %s blocked: %s", event, detail);
    if (channel_fd >= 0) {
        char line[sizeof msg + 1];
        int n = snprintf(line, sizeof line, "%s\n", msg);

        (void)!write(channel_fd, line, n > 0 && (size_t)n < sizeof line ? (size_t)n : 0);
    }
    if (violation[0] == '\0')
        snprintf(violation, sizeof violation, "%s", msg);
    if (violation_type == NULL) {
        violation_type = PyErr_NewExceptionWithDoc(
            "pyharness.SandboxViolation",
            "An operation the pyharness sandbox does not allow in candidate code.",
            PyExc_PermissionError, NULL);
        if (violation_type == NULL)
            return -1; /* the error of PyErr_NewException stands */
    }
    PyErr_SetString(violation_type, msg);
    return -1;
}

const char *sandbox_audit_violation(void)
{
    return violation[0] != '\0' ? violation : NULL;
}

/* ---- classification of code ---- */

static enum code_class classify_filename(const char *f)
{
    if (f == NULL)
        return CODE_CANDIDATE;
    if (strncmp(f, "<pyharness", 10) == 0 || strcmp(f, "checks.py") == 0)
        return CODE_PROTECTED;
    if (under(f, pol.python_dir) || under_banks(f) || under_list(f, &pol.hidden))
        return CODE_PROTECTED;
    if (strncmp(f, "<frozen ", 8) == 0 || under(f, pol.stdlib_dir) ||
        strncmp(f, "/usr/lib/python3", 16) == 0 || strncmp(f, "/usr/local/lib/python3", 22) == 0)
        return CODE_STDLIB;
    return CODE_CANDIDATE;
}

static enum code_class classify_code(PyCodeObject *code)
{
    const char *f;

    if (code == NULL || code->co_filename == NULL || !PyUnicode_Check(code->co_filename))
        return CODE_CANDIDATE;
    f = PyUnicode_AsUTF8(code->co_filename);
    if (f == NULL) {
        PyErr_Clear();
        return CODE_CANDIDATE;
    }
    return classify_filename(f);
}

static enum code_class classify_frame(PyFrameObject *frame)
{
    PyCodeObject *code; /* new ref */
    enum code_class c;

    if (frame == NULL)
        return CODE_STDLIB; /* called from C with no Python frame: the host itself */
    code = PyFrame_GetCode(frame);
    c = classify_code(code);
    Py_XDECREF(code);
    return c;
}

/* Skip frames of packages that merely relay a request (importlib, ctypes'
 * own wrappers): whoever called them is the one asking. */
static int is_relay_frame(PyFrameObject *frame)
{
    PyCodeObject *code = PyFrame_GetCode(frame); /* new ref */
    const char *f = NULL;
    int relay = 0;

    if (code != NULL && code->co_filename != NULL && PyUnicode_Check(code->co_filename))
        f = PyUnicode_AsUTF8(code->co_filename);
    if (f == NULL)
        PyErr_Clear();
    else
        relay = strncmp(f, "<frozen importlib", 17) == 0 || strstr(f, "/importlib/") != NULL ||
                strstr(f, "/ctypes/") != NULL;
    Py_XDECREF(code);
    return relay;
}

/* Class of the code that asked for the current operation. */
static enum code_class caller_class(void)
{
    PyFrameObject *frame = PyEval_GetFrame(); /* borrowed */
    PyFrameObject *back = NULL;               /* new ref */
    enum code_class c;

    if (frame == NULL)
        return CODE_STDLIB;
    Py_INCREF(frame);
    for (int depth = 0; depth < 64 && is_relay_frame(frame); depth++) {
        back = PyFrame_GetBack(frame);
        if (back == NULL)
            break;
        Py_DECREF(frame);
        frame = back;
    }
    c = classify_frame(frame);
    Py_DECREF(frame);
    return c;
}

static int candidate_calling(void)
{
    return caller_class() == CODE_CANDIDATE;
}

/* ---- paths ---- */

/* Lexically resolve "." and ".." in the absolute path `in` (after resolving
 * symlinks of its longest existing prefix) into `out`. */
static int normalize(const char *in, char *out, size_t cap)
{
    char prefix[PATH_MAX], real[PATH_MAX], rest[PATH_MAX * 2];
    char *slash;
    size_t len = 0;

    snprintf(prefix, sizeof prefix, "%s", in);
    rest[0] = '\0';
    /* Longest existing prefix. */
    for (;;) {
        if (realpath(prefix[0] != '\0' ? prefix : "/", real) != NULL)
            break;
        slash = strrchr(prefix, '/');
        if (slash == NULL)
            return -1;
        *slash = '\0';
    }
    snprintf(rest, sizeof rest, "%s", in + strlen(prefix));
    out[0] = '\0';
    if (strcmp(real, "/") != 0) {
        len = strlen(real);
        if (len >= cap)
            return -1;
        memcpy(out, real, len + 1);
    }
    for (char *seg = rest; *seg != '\0';) {
        char *end;
        size_t n;

        while (*seg == '/')
            seg++;
        if (*seg == '\0')
            break;
        end = strchr(seg, '/');
        n = end != NULL ? (size_t)(end - seg) : strlen(seg);
        if (n == 1 && seg[0] == '.') {
            /* nothing */
        } else if (n == 2 && seg[0] == '.' && seg[1] == '.') {
            char *up = strrchr(out, '/');

            if (up != NULL)
                *up = '\0';
            len = strlen(out);
        } else {
            if (len + 1 + n + 1 > cap)
                return -1;
            out[len++] = '/';
            memcpy(out + len, seg, n);
            len += n;
            out[len] = '\0';
        }
        seg += n;
    }
    if (out[0] == '\0')
        snprintf(out, cap, "/");
    return 0;
}

/* 1 if `path` has a ".." segment. */
static int has_dotdot(const char *path)
{
    for (const char *s = path; *s != '\0';) {
        const char *end = strchr(s, '/');
        size_t n = end != NULL ? (size_t)(end - s) : strlen(s);

        if (n == 2 && s[0] == '.' && s[1] == '.')
            return 1;
        if (end == NULL)
            break;
        s = end + 1;
    }
    return 0;
}

/* The absolute, symlink-free form of `obj` (str, bytes or PathLike) in `out`;
 * 1 on success, 0 when it is not a path (an fd), -1 on error (cleared). */
static int resolve_path(PyObject *obj, char *out, size_t cap)
{
    PyObject *bytes = NULL; /* new ref */
    const char *raw;
    char joined[PATH_MAX * 2];
    int rc = -1;

    if (obj == NULL || obj == Py_None || PyLong_Check(obj))
        return 0;
    if (!PyUnicode_FSConverter(obj, &bytes)) {
        PyErr_Clear();
        return -1;
    }
    raw = PyBytes_AS_STRING(bytes);
    /* A relative name is resolved here against the working folder, but the
     * call may resolve it against a dir_fd the event does not show: ".."
     * would then climb out of whatever folder that descriptor is. */
    if (raw[0] != '/' && has_dotdot(raw))
        goto out;
    if (raw[0] == '/') {
        snprintf(joined, sizeof joined, "%s", raw);
    } else {
        char cwd[PATH_MAX];

        if (getcwd(cwd, sizeof cwd) == NULL)
            goto out;
        snprintf(joined, sizeof joined, "%s/%s", cwd, raw);
    }
    if (realpath(joined, out) != NULL) {
        rc = 1;
        goto out;
    }
    /* A file being created, or one the mount view hides: resolve the longest
     * existing folder, then drop "." and ".." lexically from the rest, so a
     * path cannot pass as inside scratch by starting with it. */
    rc = normalize(joined, out, cap) == 0 ? 1 : -1;
out:
    Py_XDECREF(bytes);
    return rc;
}

/* /proc/self, /proc/thread-self or /proc/<our pid> */
static int own_proc(const char *path, const char **rest)
{
    char mine[64];
    size_t n;

    n = (size_t)snprintf(mine, sizeof mine, "/proc/%ld", (long)getpid());
    if (strncmp(path, mine, n) == 0 && (path[n] == '/' || path[n] == '\0')) {
        *rest = path + n;
        return 1;
    }
    return 0;
}

/*
 * What of its own /proc entry a run may open: a few read-only figures, by
 * name.  Not the folder itself nor task/<tid>: a descriptor of either is a
 * dir_fd from which "mem", "environ" or "root" open by a relative name, and
 * the "open" audit event does not carry dir_fd.  Not mem, environ, pagemap,
 * root, cwd, map_files, in any spelling (task/<tid>/mem is the same memory).
 */
static int own_proc_readable(const char *rest)
{
    static const char *const allowed[] = {"/status", "/stat",   "/statm",   "/smaps_rollup",
                                          "/limits", "/cgroup", "/sched",   "/io",
                                          "/fd",     "/comm",   "/cmdline", "/maps"};

    for (size_t i = 0; i < sizeof allowed / sizeof allowed[0]; i++) {
        size_t n = strlen(allowed[i]);

        /* "/fd" also allows "/fd/N" (what an open descriptor is). */
        if (strncmp(rest, allowed[i], n) == 0 &&
            (rest[n] == '\0' || (strcmp(allowed[i], "/fd") == 0 && rest[n] == '/')))
            return 1;
    }
    return 0;
}

static int readable(const char *path)
{
    const char *rest = NULL;

    if (under_banks(path) || under_list(path, &pol.hidden))
        return 0;
    if (own_proc(path, &rest))
        return own_proc_readable(rest);
    if (under(path, pol.scratch) || under(path, pol.python_dir) || under(path, pol.host_exe) ||
        under_list(path, &pol.readable))
        return 1;
    for (size_t i = 0; i < sizeof default_readable / sizeof default_readable[0]; i++) {
        if (under(path, default_readable[i]))
            return 1;
    }
    return 0;
}

static int writable(const char *path)
{
    if (under_banks(path) || under_list(path, &pol.hidden))
        return 0;
    if (under(path, pol.scratch))
        return 1;
    for (size_t i = 0; i < sizeof default_writable / sizeof default_writable[0]; i++) {
        if (under(path, default_writable[i]))
            return 1;
    }
    return 0;
}

static int check_path(const char *event, PyObject *obj, int write)
{
    char path[PATH_MAX];
    int r = resolve_path(obj, path, sizeof path);

    if (r == 0)
        return 0;
    if (r < 0)
        return block(event, "a path that cannot be resolved");
    if (write ? writable(path) : readable(path))
        return 0;
    return block(event, "%s: %s", path,
                 write ? "writing outside the scratch folder" : "outside the run's readable files");
}

static int open_mode_writes(PyObject *mode, PyObject *flags)
{
    if (mode != NULL && PyUnicode_Check(mode)) {
        const char *m = PyUnicode_AsUTF8(mode);

        if (m == NULL) {
            PyErr_Clear();
            return 1;
        }
        return strpbrk(m, "wax+") != NULL;
    }
    if (flags != NULL && PyLong_Check(flags)) {
        long f = PyLong_AsLong(flags);

        if (f == -1 && PyErr_Occurred()) {
            PyErr_Clear();
            return 1;
        }
        return (f & (O_WRONLY | O_RDWR | O_CREAT | O_TRUNC | O_APPEND)) != 0;
    }
    return 0;
}

/* ---- processes ---- */

static pid_t parent_of(pid_t pid)
{
    char path[64], buf[512];
    const char *p;
    FILE *f;
    size_t n;

    /* Without /proc (a run confined by Landlock), this process still knows its own. */
    if (pid == getpid())
        return getppid();

    snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
    f = fopen(path, "re");
    if (f == NULL)
        return -1;
    n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    p = strrchr(buf, ')');
    if (p == NULL || strlen(p) < 4)
        return -1;
    return (pid_t)strtol(p + 4, NULL, 10);
}

/* Is `pid` the run's root process or one of its descendants? */
static int pid_in_run(long pid)
{
    pid_t up = (pid_t)pid;

    if (pid <= 0)
        return 0;
    /* In the run's own PID namespace every process but its init belongs to
     * the run: walking parents would misjudge a process whose parent is
     * exiting at that moment (a pool shutting down). */
    if (pol.own_pid_ns)
        return pid > 1 && pid != (long)pol.runner;
    /* A pid that is gone (a pool worker that already exited) hurts no one:
     * let kill() fail with ESRCH as it would anywhere.  With signals scoped
     * by Landlock the kernel itself tells the run's processes (its domain)
     * from the rest, and /proc, which the walk below reads, is out of reach. */
    if (kill(up, 0) != 0)
        return errno == ESRCH;
    if (sbx_landlock_signals_scoped())
        return 1;
    for (int depth = 0; depth < 128 && up > 1; depth++) {
        if (up == pol.root_pid || up == getpid())
            return 1;
        up = parent_of(up);
    }
    return 0;
}

/* ---- the hook ---- */

static const char *event_str(PyObject *args, Py_ssize_t i)
{
    PyObject *o;
    const char *s;

    if (args == NULL || !PyTuple_Check(args) || PyTuple_GET_SIZE(args) <= i)
        return NULL;
    o = PyTuple_GET_ITEM(args, i);
    if (!PyUnicode_Check(o))
        return NULL;
    s = PyUnicode_AsUTF8(o);
    if (s == NULL)
        PyErr_Clear();
    return s;
}

static PyObject *event_arg(PyObject *args, Py_ssize_t i)
{
    if (args == NULL || !PyTuple_Check(args) || PyTuple_GET_SIZE(args) <= i)
        return NULL;
    return PyTuple_GET_ITEM(args, i);
}

static long event_long(PyObject *args, Py_ssize_t i, long dflt)
{
    PyObject *o = event_arg(args, i);
    long v;

    if (o == NULL || !PyLong_Check(o))
        return dflt;
    v = PyLong_AsLong(o);
    if (v == -1 && PyErr_Occurred()) {
        PyErr_Clear();
        return dflt;
    }
    return v;
}

/* The code object behind a frame, generator, coroutine, traceback or
 * function, without raising audit events; new ref or NULL. */
static PyCodeObject *code_of(PyObject *obj)
{
    if (obj == NULL)
        return NULL;
    if (PyFrame_Check(obj))
        return PyFrame_GetCode((PyFrameObject *)obj);
    if (PyTraceBack_Check(obj)) {
        PyFrameObject *f = ((PyTracebackObject *)obj)->tb_frame;

        return f != NULL ? PyFrame_GetCode(f) : NULL;
    }
    if (PyFunction_Check(obj)) {
        PyObject *c = PyFunction_GetCode(obj); /* borrowed */

        Py_XINCREF(c);
        return (PyCodeObject *)c;
    }
    if (PyGen_Check(obj) || PyCoro_CheckExact(obj) || PyAsyncGen_CheckExact(obj)) {
        PyObject *c = PyObject_GetAttrString(obj, "gi_code"); /* new ref; hook re-entry is off */

        if (c == NULL) {
            PyErr_Clear();
            c = PyObject_GetAttrString(obj, "cr_code");
        }
        if (c == NULL) {
            PyErr_Clear();
            c = PyObject_GetAttrString(obj, "ag_code");
        }
        if (c == NULL || !PyCode_Check(c)) {
            PyErr_Clear();
            Py_XDECREF(c);
            return NULL;
        }
        return (PyCodeObject *)c;
    }
    return NULL;
}

static int protected_object(PyObject *obj)
{
    PyCodeObject *code = code_of(obj); /* new ref */
    int prot = code != NULL && classify_code(code) == CODE_PROTECTED;

    Py_XDECREF(code);
    return prot;
}

/* Types defined by the runtime package or the checks. */
static int protected_type(PyObject *obj)
{
    PyObject *mod; /* new ref */
    const char *m;
    int prot = 0;

    if (!PyType_Check(obj))
        return 0;
    mod = PyObject_GetAttrString(obj, "__module__");
    if (mod == NULL) {
        PyErr_Clear();
        return 0;
    }
    if (PyUnicode_Check(mod)) {
        m = PyUnicode_AsUTF8(mod);
        if (m == NULL)
            PyErr_Clear();
        else
            prot = strncmp(m, "pyharness", 9) == 0 || strncmp(m, "_pyharness", 10) == 0;
    }
    Py_DECREF(mod);
    return prot;
}

static int denied_module(const char *name)
{
    for (size_t i = 0; i < sizeof denied_modules / sizeof denied_modules[0]; i++) {
        size_t n = strlen(denied_modules[i]);

        if (strncmp(name, denied_modules[i], n) == 0 && (name[n] == '\0' || name[n] == '.'))
            return 1;
    }
    return 0;
}

static int starts(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static int is(const char *s, const char *t)
{
    return strcmp(s, t) == 0;
}

static int hook_files(const char *event, PyObject *args)
{
    if (is(event, "open")) {
        PyObject *path = event_arg(args, 0);

        return check_path(event, path, open_mode_writes(event_arg(args, 1), event_arg(args, 2)));
    }
    if (is(event, "os.listdir") || is(event, "os.scandir"))
        return check_path(event, event_arg(args, 0), 0);
    if (is(event, "os.symlink") || is(event, "os.link"))
        return block(event, "links could point the checks at other files");
    if (is(event, "os.rename")) {
        if (check_path(event, event_arg(args, 0), 1) != 0)
            return -1;
        return check_path(event, event_arg(args, 1), 1);
    }
    if (is(event, "os.remove") || is(event, "os.rmdir") || is(event, "os.mkdir") ||
        is(event, "os.chmod") || is(event, "os.chown") || is(event, "os.utime") ||
        is(event, "os.truncate") || is(event, "os.setxattr") || is(event, "os.removexattr") ||
        is(event, "os.mkfifo") || is(event, "os.mknod"))
        return check_path(event, event_arg(args, 0), 1);
    if (is(event, "sqlite3.connect")) {
        const char *db = event_str(args, 0);

        if (db != NULL && (is(db, ":memory:") || db[0] == '\0'))
            return 0;
        return check_path(event, event_arg(args, 0), 1);
    }
    if (is(event, "sqlite3.enable_load_extension") || is(event, "sqlite3.load_extension"))
        return block(event, "native extensions");
    return 0;
}

static int hook_processes(const char *event, PyObject *args)
{
    if (is(event, "os.system") || is(event, "os.exec") || is(event, "os.spawn") ||
        is(event, "os.posix_spawn") || is(event, "subprocess.Popen") || is(event, "os.forkpty") ||
        is(event, "pty.spawn") || is(event, "os.startfile"))
        return block(event, "running other programs");
    if (is(event, "os.kill")) {
        long pid = event_long(args, 0, -1);

        if (!pid_in_run(pid))
            return block(event, "pid %ld is not a process of this run", pid);
        return 0;
    }
    if (is(event, "os.killpg")) {
        long pgid = event_long(args, 0, -1);

        if (pgid != (long)getpgrp() && !pid_in_run(pgid))
            return block(event, "process group %ld is not this run's", pgid);
        return 0;
    }
    return 0;
}

static int hook_introspection(const char *event, PyObject *args)
{
    if (is(event, "gc.get_objects") || is(event, "gc.get_referrers") ||
        is(event, "gc.get_referents"))
        return block(event, "walking the interpreter's objects reaches the checks");
    if (is(event, "sys._current_frames") || is(event, "sys._current_exceptions"))
        return block(event, "other threads' frames belong to the harness");
    /* From any caller: bdb, pdb, threading.settrace/setprofile and
     * cProfile install a tracer on the candidate's behalf, from stdlib
     * frames; nothing of the harness traces once armed. */
    if (is(event, "sys.settrace") || is(event, "sys.setprofile"))
        return block(event, "tracing could rewrite the checks' frames");
    if (is(event, "code.__new__")) {
        if (candidate_calling())
            return block(event, "hand-made code objects can read arbitrary memory");
        return 0;
    }
    if (is(event, "marshal.loads") || is(event, "marshal.load")) {
        /* importlib loading a .pyc calls marshal.loads itself. */
        if (classify_frame(PyEval_GetFrame()) == CODE_CANDIDATE)
            return block(event, "hand-made code objects can read arbitrary memory");
        return 0;
    }
    if (is(event, "sys._getframe")) {
        PyObject *frame = event_arg(args, 0);

        if (frame != NULL && protected_object(frame) && candidate_calling())
            return block(event, "the frames of the checks are not the submission's");
        return 0;
    }
    if (is(event, "object.__getattr__")) {
        PyObject *obj = event_arg(args, 0);

        if (obj != NULL && protected_object(obj) && candidate_calling())
            return block(event, "%s of the harness's code",
                         event_str(args, 1) ? event_str(args, 1) : "an attribute");
        return 0;
    }
    if (is(event, "object.__setattr__") || is(event, "object.__delattr__")) {
        PyObject *obj = event_arg(args, 0);
        const char *name = event_str(args, 1);

        if (name != NULL && is(name, "__code__") && candidate_calling())
            return block(event, "replacing a function's __code__");
        if (obj != NULL && protected_type(obj) && candidate_calling())
            return block(event, "changing the harness's classes");
        return 0;
    }
    if (is(event, "compile")) {
        const char *f = event_str(args, 1);

        if (f != NULL && classify_filename(f) != CODE_CANDIDATE && candidate_calling())
            return block(event, "compiling under the name of harness or library code (%s)", f);
        return 0;
    }
    return 0;
}

static int hook_modules_and_net(const char *event, PyObject *args)
{
    if (is(event, "import")) {
        const char *name = event_str(args, 0);

        if (name != NULL && denied_module(name) && candidate_calling())
            return block(event, "module %s gives raw memory access", name);
        return 0;
    }
    if (starts(event, "ctypes.")) {
        if (candidate_calling())
            return block(event, "raw memory and native calls");
        return 0;
    }
    if (is(event, "socket.__new__")) {
        long family = event_long(args, 1, -1);

        if (family != AF_UNIX)
            return block(event, "network sockets (family %ld)", family);
        return 0;
    }
    if (is(event, "socket.connect") || is(event, "socket.bind") || is(event, "socket.sendto") ||
        is(event, "socket.sendmsg")) {
        PyObject *addr = event_arg(args, 1);

        /* AF_UNIX: abstract names live in the run's network namespace;
         * filesystem sockets must be in scratch. */
        if (addr != NULL && PyUnicode_Check(addr))
            return check_path(event, addr, 1);
        if (addr != NULL && PyBytes_Check(addr) && PyBytes_GET_SIZE(addr) > 0 &&
            PyBytes_AS_STRING(addr)[0] != '\0')
            return check_path(event, addr, 1);
        if (addr != NULL && PyTuple_Check(addr))
            return block(event, "network addresses");
        return 0;
    }
    if (is(event, "socket.getaddrinfo") || is(event, "socket.gethostbyname") ||
        is(event, "socket.gethostbyaddr") || is(event, "socket.sethostname"))
        return block(event, "the network");
    return 0;
}

static int audit_hook(const char *event, PyObject *args, void *data)
{
    int rc;

    (void)data;
    if (!pol.armed || in_hook || pol.test_off)
        return 0;
    in_hook = 1;
    rc = hook_files(event, args);
    if (rc == 0)
        rc = hook_processes(event, args);
    if (rc == 0)
        rc = hook_introspection(event, args);
    if (rc == 0)
        rc = hook_modules_and_net(event, args);
    in_hook = 0;
    return rc;
}

/* ---- frames: f_back, f_locals, f_globals, f_builtins ----
 *
 * No audit event stands on these (sys._getframe and tb_frame have one), so
 * a submission's own frame led by f_back to the serving loop and the
 * checks, and from their locals and globals to anything the worker holds
 * (red-team 8's inside_swap).  The frame type's getters are replaced, once,
 * by ones that refuse the harness's frames to code running on the
 * candidate's behalf (candidate code anywhere on the stack): f_back ends
 * the stack there (None, as at the bottom of a thread); such a frame's
 * locals, globals and builtins read as empty dicts.  Active with the hook
 * (off with PYHARNESS_TEST_DISABLE_AUDIT). */

/* 1 when candidate code is on the current thread's stack (up to 64 frames
 * down): whatever asks, it asks on the candidate's behalf. */
static int candidate_on_stack(void)
{
    PyFrameObject *f = PyEval_GetFrame(); /* borrowed */
    PyFrameObject *back;                  /* new ref */
    int found = 0;

    if (f == NULL)
        return 0;
    Py_INCREF(f);
    for (int depth = 0; depth < 64 && !found; depth++) {
        found = classify_frame(f) == CODE_CANDIDATE;
        back = PyFrame_GetBack(f);
        Py_DECREF(f);
        f = back;
        if (f == NULL)
            break;
    }
    Py_XDECREF(f);
    return found;
}

static int frames_guarded(void)
{
    return pol.armed && !pol.test_off && !in_hook;
}

static int harness_frame(PyFrameObject *f)
{
    return f != NULL && classify_frame(f) == CODE_PROTECTED;
}

static PyObject *guard_back(PyObject *self, void *closure)
{
    PyFrameObject *back = PyFrame_GetBack((PyFrameObject *)self); /* new ref */

    (void)closure;
    if (back != NULL && frames_guarded() && harness_frame(back) && candidate_on_stack()) {
        Py_DECREF(back);
        Py_RETURN_NONE;
    }
    if (back == NULL)
        Py_RETURN_NONE;
    return (PyObject *)back;
}

/* 1 when the locals, globals or builtins of frame `self` are hidden: a
 * harness frame read on the candidate's behalf.  Hidden, not refused: the
 * stdlib reads them for honest reasons too (traceback.print_exc() reads
 * f_globals of every frame of a traceback, and an exception from a fed
 * iterator has the harness's frames in it). */
static int guard_hides(PyObject *self)
{
    return frames_guarded() && harness_frame((PyFrameObject *)self) && candidate_on_stack();
}

static PyObject *guard_locals(PyObject *self, void *closure)
{
    (void)closure;
    return guard_hides(self) ? PyDict_New() : PyFrame_GetLocals((PyFrameObject *)self);
}

static PyObject *guard_globals(PyObject *self, void *closure)
{
    (void)closure;
    return guard_hides(self) ? PyDict_New() : PyFrame_GetGlobals((PyFrameObject *)self);
}

static PyObject *guard_builtins(PyObject *self, void *closure)
{
    (void)closure;
    return guard_hides(self) ? PyDict_New() : PyFrame_GetBuiltins((PyFrameObject *)self);
}

/* 1 when the code calling into C now is the runtime package's own (its
 * files under the runtime's folder): not the checks, not the stdlib. */
static int runtime_calling(void)
{
    PyFrameObject *frame = PyEval_GetFrame(); /* borrowed */
    PyCodeObject *code;                       /* new ref */
    const char *f = NULL;
    int yes;

    if (frame == NULL || pol.python_dir == NULL)
        return 0;
    code = PyFrame_GetCode(frame);
    if (code != NULL && code->co_filename != NULL && PyUnicode_Check(code->co_filename))
        f = PyUnicode_AsUTF8(code->co_filename);
    if (f == NULL)
        PyErr_Clear();
    yes = f != NULL && under(f, pol.python_dir);
    Py_XDECREF(code);
    return yes;
}

int sandbox_audit_refuse_unless_harness(const char *what)
{
    int rc;

    if (!frames_guarded() || runtime_calling())
        return 0;
    in_hook = 1;
    rc = block("harness object", "%s, from code that is not the runtime's", what);
    in_hook = 0;
    return rc;
}

static PyGetSetDef frame_guards[] = {
    {"f_back", guard_back, NULL, NULL, NULL},
    {"f_locals", guard_locals, NULL, NULL, NULL},
    {"f_globals", guard_globals, NULL, NULL, NULL},
    {"f_builtins", guard_builtins, NULL, NULL, NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static void guard_frames(void)
{
    static int done;
    PyObject *dict; /* new ref */

    if (done || !Py_IsInitialized())
        return;
    done = 1;
#if PY_VERSION_HEX >= 0x030C0000
    dict = PyType_GetDict(&PyFrame_Type);
#else
    dict = PyFrame_Type.tp_dict;
    Py_XINCREF(dict);
#endif
    for (PyGetSetDef *g = frame_guards; dict != NULL && g->name != NULL; g++) {
        PyObject *d = PyDescr_NewGetSet(&PyFrame_Type, g); /* new ref */

        if (d == NULL || PyDict_SetItemString(dict, g->name, d) != 0)
            PyErr_Clear();
        Py_XDECREF(d);
    }
    Py_XDECREF(dict);
    PyType_Modified(&PyFrame_Type);
}

/* ---- installing and arming ---- */

static void arm_from(const struct sandbox_policy *p, pid_t root)
{
    char real[PATH_MAX];

    pol.scratch = dup_or_null(
        p->scratch_dir != NULL && realpath(p->scratch_dir, real) != NULL ? real : p->scratch_dir);
    pol.python_dir = dup_or_null(p->python_dir);
    pol.host_exe = dup_or_null(p->host_exe);
    for (size_t i = 0; p->hidden_paths != NULL && p->hidden_paths[i] != NULL; i++)
        list_add(&pol.hidden, p->hidden_paths[i]);
    for (size_t i = 0; p->readable_paths != NULL && p->readable_paths[i] != NULL; i++)
        list_add(&pol.readable, p->readable_paths[i]);
    pol.root_pid = root;
    pol.own_pid_ns = p->own_pid_ns || (root > 1 && parent_of(root) == 1);
    /* The runner shares the namespace but is not of the run. */
    pol.runner = pol.own_pid_ns && root > 1 ? parent_of(root) : 0;
    if (pol.runner == 1)
        pol.runner = 0;
    pol.armed = 1;
}

static void arm_from_env(void)
{
    struct sandbox_policy p;
    const char *root = getenv(SANDBOX_ENV_ROOT_PID);
    long r = root != NULL ? strtol(root, NULL, 10) : 0;

    sandbox_policy_from_env(&p);
    list_add_env(&pol.hidden, SANDBOX_ENV_HIDDEN);
    list_add_env(&pol.readable, SANDBOX_ENV_READABLE);
    arm_from(&p, r > 0 ? (pid_t)r : getpid());
}

static int sandbox_audit_test_disabled(void)
{
#ifdef PH_TEST_SWITCHES
    const char *v = getenv(SANDBOX_AUDIT_TEST_ENV);

    /* Read once, at install time, before a host clears its environment. */
    if (!pol.installed && v != NULL && strcmp(v, "1") == 0)
        pol.test_off = 1;
#endif
    return pol.test_off;
}

void sandbox_audit_install(void)
{
    if (pol.installed)
        return;
    (void)sandbox_audit_test_disabled();
    if (PySys_AddAuditHook(audit_hook, NULL) != 0)
        return;
    pol.installed = 1;
    /* A host re-executed inside a run (multiprocessing spawn, or a candidate
     * exec'ing it) is confined already: armed from the start, whatever its
     * command line asks for. */
    if (sandbox_confined())
        arm_from_env();
}

/* Python's copies of the environment must hold nothing the C one does not. */
static void sync_environ(void)
{
    PyObject *posix = PyImport_ImportModule("posix"); /* new ref */
    PyObject *env = NULL;                             /* new ref */
    PyObject *keys = NULL;                            /* new ref */

    if (posix == NULL)
        goto out;
    env = PyObject_GetAttrString(posix, "environ");
    if (env == NULL || !PyDict_Check(env))
        goto out;
    keys = PyDict_Keys(env);
    if (keys == NULL)
        goto out;
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(keys); i++) {
        PyObject *k = PyList_GET_ITEM(keys, i); /* borrowed */

        if (PyBytes_Check(k) && getenv(PyBytes_AS_STRING(k)) == NULL)
            (void)PyDict_DelItem(env, k);
    }
out:
    PyErr_Clear();
    Py_XDECREF(keys);
    Py_XDECREF(env);
    Py_XDECREF(posix);
}

static void find_stdlib(void)
{
    PyObject *os = PyImport_ImportModule("os"); /* new ref */
    PyObject *file = NULL;                      /* new ref */
    const char *f;
    char *slash;

    if (os == NULL)
        goto out;
    file = PyObject_GetAttrString(os, "__file__");
    if (file == NULL || !PyUnicode_Check(file))
        goto out;
    f = PyUnicode_AsUTF8(file);
    if (f == NULL)
        goto out;
    free(pol.stdlib_dir);
    pol.stdlib_dir = strdup(f);
    slash = pol.stdlib_dir != NULL ? strrchr(pol.stdlib_dir, '/') : NULL;
    if (slash != NULL)
        *slash = '\0';
out:
    PyErr_Clear();
    Py_XDECREF(file);
    Py_XDECREF(os);
}

static int prepared;

void sandbox_audit_prepare(void)
{
    if (!Py_IsInitialized())
        return;
    in_hook = 1;
    find_stdlib();
    sync_environ();
    guard_frames();
    in_hook = 0;
    prepared = 1;
}

void sandbox_audit_arm(const struct sandbox_policy *p)
{
    if (!prepared)
        sandbox_audit_prepare();
    if (pol.armed)
        return; /* irreversible, and never widened */
    if (p == NULL)
        arm_from_env();
    else
        arm_from(p, getpid());
}
