/*
 * worker_host.c - see worker_host.h.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <marshal.h>

#include "worker_host.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <fcntl.h>

#include "dynbuf.h"
#include "embed.h"
#include "exercise.h"
#include "fileio.h"
#include "measure_alloc.h"
#include "paths.h"
#include "sandbox.h"
#include "worker.h"
#include "check_runner.h"
#include "host_prep.h"

/* Variables a host may inherit: none of them holds a secret.  Everything
 * else (API keys, tokens, the user's configuration paths) stays behind. */
static const char *const env_allowed[] = {
    "LANG",
    "LC_ALL",
    "LC_CTYPE",
    "LC_NUMERIC",
    "LC_COLLATE",
    "LC_MESSAGES",
    "TZ",
    "PYHARNESS_HOME",
    "PYHARNESS_SANDBOX_DISABLE",
    "PYHARNESS_TEST_DISABLE_AUDIT",
    "PYHARNESS_TEST_FAIL_RUN_LAYERS", /* honoured by PH_TEST_SWITCHES builds (sandbox_host.c) */
    "PYHARNESS_ALLOC_HEADERS",
    "ASAN_OPTIONS",
    "UBSAN_OPTIONS",
    "LSAN_OPTIONS",
};

#define ENV_MAX (sizeof env_allowed / sizeof env_allowed[0])

const char *const *worker_host_env(void)
{
    static char *env[ENV_MAX + 1];
    size_t n = 0;

    for (size_t i = 0; i < ENV_MAX; i++) {
        const char *v = getenv(env_allowed[i]);
        size_t len;

        free(env[i]);
        env[i] = NULL;
        if (v == NULL)
            continue;
        len = strlen(env_allowed[i]) + strlen(v) + 2;
        env[i] = malloc(len);
        if (env[i] != NULL)
            snprintf(env[i], len, "%s=%s", env_allowed[i], v);
    }
    /* Compact: the array is both the storage and the envp. */
    {
        static const char *out[ENV_MAX + 1];

        for (size_t i = 0; i < ENV_MAX; i++) {
            if (env[i] != NULL)
                out[n++] = env[i];
        }
        out[n] = NULL;
        return out;
    }
}

static PyObject *exercise_preloads(const struct exercise *ex);

/* The preload list as JSON strings (an empty array when there is none). */
static cJSON *preload_json(const struct exercise *ex)
{
    PyObject *names = exercise_preloads(ex); /* new ref */
    cJSON *arr = cJSON_CreateArray();

    for (Py_ssize_t i = 0;
         arr != NULL && names != NULL && PyList_Check(names) && i < PyList_GET_SIZE(names); i++) {
        PyObject *n = PyList_GET_ITEM(names, i); /* borrowed */
        const char *u = PyUnicode_Check(n) ? PyUnicode_AsUTF8(n) : NULL;

        if (u != NULL)
            cJSON_AddItemToArray(arr, cJSON_CreateString(u));
    }
    PyErr_Clear();
    Py_XDECREF(names);
    return arr;
}

char *worker_host_config(const struct exercise *ex, const char *scratch_root, double cpu_s,
                         size_t memory_bytes, size_t fsize_bytes, unsigned nproc)
{
    cJSON *c = cJSON_CreateObject();
    cJSON *pre;
    char *text = NULL;

    if (c == NULL)
        return NULL;
    /* Worked out here, in the supervisor: the host never reads reference.py,
     * so its text is nowhere in the runs' address space. */
    pre = preload_json(ex);
    if (pre == NULL || !cJSON_AddItemToObject(c, "preload", pre)) {
        cJSON_Delete(pre);
        goto out;
    }
    if (cJSON_AddStringToObject(c, "exercise", ex->dir) == NULL ||
        cJSON_AddStringToObject(c, "exercises", paths_exercises_dir()) == NULL ||
        cJSON_AddStringToObject(c, "scratch", scratch_root) == NULL ||
        cJSON_AddNumberToObject(c, "cpu_s", cpu_s) == NULL ||
        cJSON_AddNumberToObject(c, "memory_bytes", (double)memory_bytes) == NULL ||
        cJSON_AddNumberToObject(c, "fsize_bytes", (double)fsize_bytes) == NULL ||
        cJSON_AddNumberToObject(c, "nproc", (double)nproc) == NULL ||
        cJSON_AddBoolToObject(c, "alloc_hooks", measure_hooks_active()) == NULL)
        goto out;
    text = cJSON_PrintUnformatted(c);
out:
    cJSON_Delete(c);
    return text;
}

static void before_fork(void)
{
    PyOS_BeforeFork();
}

static void after_fork_parent(void)
{
    PyOS_AfterFork_Parent();
}

static void after_fork_child(void)
{
    PyOS_AfterFork_Child();
}

/*
 * What the exercise's own files import (pyharness.runtime.exercise_imports):
 * the host preloads it, so the checks and submissions importing the same
 * modules do not pay for it inside a run.  A new reference, or NULL (the
 * host then loads what checks.py imports, as it executes it).
 */
static PyObject *exercise_preloads(const struct exercise *ex)
{
    static const char *const files[] = {"checks.py", "reference.py", "baseline.py", "starter.py",
                                        "workloads.py"};
    PyObject *rt = PyImport_ImportModule("pyharness.runtime"); /* new refs */
    PyObject *paths = PyList_New(0), *names = NULL;

    for (size_t i = 0; rt != NULL && paths != NULL && i < sizeof files / sizeof files[0]; i++) {
        char path[PATH_MAX];
        PyObject *s;

        snprintf(path, sizeof path, "%s/%s", ex->dir, files[i]);
        s = PyUnicode_FromString(path);
        if (s == NULL || PyList_Append(paths, s) != 0) {
            Py_XDECREF(s);
            goto out;
        }
        Py_DECREF(s);
    }
    if (rt != NULL && paths != NULL)
        names = PyObject_CallMethod(rt, "exercise_imports", "O", paths);
    /* Every worker arms faulthandler's watchdog around each check
     * (check_runner.c): imported once by the host, not once per run. */
    if (names != NULL && PyList_Check(names)) {
        PyObject *fh = PyUnicode_FromString("faulthandler"); /* new ref */
        if (fh == NULL || PyList_Append(names, fh) != 0)
            PyErr_Clear();
        Py_XDECREF(fh);
    }
out:
    if (names == NULL)
        PyErr_Clear();
    Py_XDECREF(paths);
    Py_XDECREF(rt);
    return names;
}

/*
 * What a sandbox host knows of its exercise comes from a throwaway child
 * (load_in_child): the host itself never reads exercise.json, checks.py or
 * reference.py, so neither they nor their freed copies are in the memory
 * its runs are forked from.  The child sends, in order: the exercise's JSON
 * without the model answer and the rubric (u32 length, text), its content
 * hash (hex), and checks.py compiled and marshalled (the rest).  On failure
 * it sends the reason instead and exits 1.
 */
static int load_child(const char *exdir, int fd)
{
    struct ph_err err = {0};
    struct exercise *ex = NULL;
    PyObject *code = NULL, *bytes = NULL, *rt = NULL, *checks = NULL; /* new refs */
    char *src = NULL, *json = NULL, msg[1024], cpath[PATH_MAX];
    size_t len = 0;
    uint32_t jlen;
    int rc = 1;

    msg[0] = '\0';
    if (exercise_load(exdir, &ex, &err) != PH_OK) {
        snprintf(msg, sizeof msg, "%s", err.msg);
        goto out;
    }
    exercise_forget_answers(ex);
    json = cJSON_PrintUnformatted(ex->json);
    snprintf(cpath, sizeof cpath, "%s/checks.py", ex->dir);
    if (json == NULL || fileio_read(cpath, WORKER_MODULE_MAX, &src, &len, &err) != PH_OK) {
        snprintf(msg, sizeof msg, "%s", json == NULL ? "out of memory" : err.msg);
        goto out;
    }
    code = Py_CompileString(src, "checks.py", Py_file_input);
    rt = code != NULL ? PyImport_ImportModule("pyharness.runtime") : NULL;
    checks = rt != NULL ? PyObject_CallMethod(rt, "load_checks", "Os", code, "checks.py") : NULL;
    bytes = checks != NULL ? PyMarshal_WriteObjectToString(code, Py_MARSHAL_VERSION) : NULL;
    if (bytes == NULL) {
        PyObject *type, *value, *tb, *text = NULL; /* new refs */

        PyErr_Fetch(&type, &value, &tb);
        if (value != NULL)
            text = PyObject_Str(value);
        snprintf(msg, sizeof msg, "%s failed to load: %s: %s", cpath,
                 type != NULL ? ((PyTypeObject *)type)->tp_name : "error",
                 text != NULL && PyUnicode_AsUTF8(text) != NULL ? PyUnicode_AsUTF8(text) : "?");
        Py_XDECREF(text);
        Py_XDECREF(type);
        Py_XDECREF(value);
        Py_XDECREF(tb);
        PyErr_Clear();
        goto out;
    }
    jlen = (uint32_t)strlen(json);
    rc =
        fileio_write_all(fd, "K", 1) == 0 && fileio_write_all(fd, &jlen, sizeof jlen) == 0 &&
                fileio_write_all(fd, json, jlen) == 0 &&
                fileio_write_all(fd, ex->content_sha256, SHA256_HEX_LEN - 1) == 0 &&
                fileio_write_all(fd, PyBytes_AS_STRING(bytes), (size_t)PyBytes_GET_SIZE(bytes)) == 0
            ? 0
            : 1;
out:
    if (rc != 0 && msg[0] != '\0') {
        (void)fileio_write_all(fd, "E", 1);
        (void)fileio_write_all(fd, msg, strlen(msg));
    }
    free(src);
    free(json);
    Py_XDECREF(bytes);
    Py_XDECREF(checks);
    Py_XDECREF(rt);
    Py_XDECREF(code);
    exercise_free(ex);
    return rc;
}

/* Run load_child and take what it sends: the exercise (`*ex`, owned by
 * the caller) and the checks' bytes (`*blob`, `*blen`, owned). */
static enum ph_rc load_in_child(const char *exdir, struct exercise **ex, unsigned char **blob,
                                size_t *blen, struct ph_err *err)
{
    struct dynbuf out;
    char hash[SHA256_HEX_LEN];
    uint32_t jlen = 0;
    int fds[2], status = 0;
    enum ph_rc rc;
    pid_t pid;

    if (pipe2(fds, O_CLOEXEC) != 0)
        return ph_errf(err, PH_EINTERNAL, "sandbox host: pipe: %s", strerror(errno));
    pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return ph_errf(err, PH_EINTERNAL, "sandbox host: fork: %s", strerror(errno));
    }
    if (pid == 0) {
        close(fds[0]);
        _exit(load_child(exdir, fds[1]));
    }
    close(fds[1]);
    dynbuf_init(&out, WORKER_MODULE_MAX * 8);
    for (;;) {
        char buf[8192];
        ssize_t n = read(fds[0], buf, sizeof buf);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0 || dynbuf_add(&out, buf, (size_t)n, err) != PH_OK) {
            explicit_bzero(buf, sizeof buf);
            break;
        }
        explicit_bzero(buf, sizeof buf);
    }
    close(fds[0]);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (out.len >= 1 + sizeof jlen)
        memcpy(&jlen, out.buf + 1, sizeof jlen);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || out.len < 1 || out.buf[0] != 'K' ||
        out.len < 1 + sizeof jlen + jlen + SHA256_HEX_LEN - 1) {
        rc =
            ph_errf(err, PH_EINPUT, "%s",
                    out.len > 1 && out.buf[0] == 'E' ? out.buf + 1 : "the exercise failed to load");
        dynbuf_free(&out);
        return rc;
    }
    memcpy(hash, out.buf + 1 + sizeof jlen + jlen, SHA256_HEX_LEN - 1);
    hash[SHA256_HEX_LEN - 1] = '\0';
    rc = exercise_load_json(exdir, out.buf + 1 + sizeof jlen, jlen, hash, ex, err);
    if (rc == PH_OK) {
        size_t head = 1 + sizeof jlen + jlen + SHA256_HEX_LEN - 1;

        *blen = out.len - head;
        *blob = malloc(*blen > 0 ? *blen : 1);
        if (*blob == NULL)
            rc = ph_errf(err, PH_ENOMEM, "out of memory");
        else
            memcpy(*blob, out.buf + head, *blen);
    }
    /* The checks' bytes stay in *blob only (a worker wipes that copy). */
    explicit_bzero(out.buf, out.len);
    dynbuf_free(&out);
    return rc;
}

/* The host's state: it serves one exercise for its whole life. */
static struct {
    struct sandbox_policy pol;
    struct worker_host_ctx ctx;
    char scratch[PATH_MAX];
    char python_dir[PATH_MAX];
    char exe[PATH_MAX];
} self;

static const struct sandbox_hooks hooks = {
    .before_fork = before_fork,
    .after_fork_parent = after_fork_parent,
    .after_fork_child = after_fork_child,
    .host_init = host_prep_init,
    .body = check_runner_body,
    .parked = check_runner_parked,
    .arg = &self.ctx,
};

/* The supervisor's preload list as a Python list (new ref), or NULL. */
static PyObject *preload_list(const cJSON *arr)
{
    PyObject *list = PyList_New(0); /* new ref */
    const cJSON *n;

    cJSON_ArrayForEach(n, arr)
    {
        PyObject *s = cJSON_IsString(n) ? PyUnicode_FromString(n->valuestring) : NULL;

        if (s == NULL || list == NULL || PyList_Append(list, s) != 0) {
            Py_XDECREF(s);
            Py_CLEAR(list);
            PyErr_Clear();
            return NULL;
        }
        Py_DECREF(s);
    }
    return list;
}

static const char *str_field(const cJSON *c, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(c, name);

    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static double num_field(const cJSON *c, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(c, name);

    return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

int worker_host_main(int argc, char **argv)
{
    struct ph_err err = {0};
    struct embed_options opts = {1};
    struct exercise *ex = NULL;
    void *text = NULL;
    size_t len = 0;
    cJSON *c = NULL;
    const char *exdir, *exercises, *scratch;
    char cpath[PATH_MAX];
    int input_fault = 0;

    (void)argc;
    (void)argv;
    if (isatty(SANDBOX_EXEC_CONFIG_FD) || sandbox_host_exec_config(&text, &len, &err) != PH_OK) {
        fprintf(stderr, "pyharness: %s is started by the supervisor, not by hand\n",
                WORKER_HOST_ARG);
        return 2;
    }
    c = cJSON_ParseWithLength(text, len);
    free(text);
    exdir = str_field(c, "exercise");
    exercises = str_field(c, "exercises");
    scratch = str_field(c, "scratch");
    if (c == NULL || exdir == NULL || scratch == NULL) {
        ph_errf(&err, PH_EINTERNAL, "sandbox host: a malformed configuration");
        goto fail;
    }
    opts.alloc_hooks = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(c, "alloc_hooks"));
    if (paths_init(&err) != PH_OK)
        goto fail;
    if (exercises != NULL && paths_set_exercises(exercises, &err) != PH_OK)
        goto fail;
    if (embed_init(&opts, &err) != PH_OK)
        goto fail;
    input_fault = 1; /* from here on, what fails is the exercise */
    if (load_in_child(exdir, &ex, &self.ctx.checks_blob, &self.ctx.checks_len, &err) != PH_OK)
        goto fail;
    /* Sized workloads (pyharness compare), when the exercise has them. */
    snprintf(cpath, sizeof cpath, "%s/workloads.py", ex->dir);
    if (fileio_is_file(cpath)) {
        self.ctx.workloads_code = embed_compile_cached(cpath, "workloads.py", &err);
        if (self.ctx.workloads_code == NULL)
            goto fail;
    }
    snprintf(self.scratch, sizeof self.scratch, "%s", scratch);
    snprintf(self.python_dir, sizeof self.python_dir, "%s", paths_python_dir());
    snprintf(self.exe, sizeof self.exe, "%s", paths_exe());
    self.pol.scratch_dir = self.scratch;
    self.pol.python_dir = self.python_dir;
    self.pol.host_exe = self.exe;
    self.pol.cpu_s = num_field(c, "cpu_s");
    self.pol.memory_bytes = (size_t)num_field(c, "memory_bytes");
    self.pol.fsize_bytes = (size_t)num_field(c, "fsize_bytes");
    self.pol.nproc = (unsigned)num_field(c, "nproc");
    /* Each run's folder a tmpfs of the exercise's disk quota (sandbox_runfs.h). */
    self.pol.disk_bytes = ex->limits.disk_bytes;
    self.pol.disk_files = ex->limits.files;
    self.pol.network = 0;
    self.ctx.ex = ex;
    self.ctx.preload = preload_list(cJSON_GetObjectItemCaseSensitive(c, "preload"));
    self.ctx.scratch_root = self.scratch;
    cJSON_Delete(c);
    sandbox_host_exec_serve(&self.pol, &hooks);
fail:
    cJSON_Delete(c);
    sandbox_host_exec_refuse(input_fault, err.msg[0] ? err.msg : "the host failed to start");
}
