/*
 * worker_child.h - what the processes of a run share: the sandbox host's
 * prepared objects (struct child_host, made by host_prep.c), one run as its
 * processes see it (struct child), the job as parsed (struct
 * worker_child_args), and the helpers both the check runner
 * (check_runner.c) and the worker (worker_proc.c) call.  Internal to run/.
 */
#ifndef PH_WORKER_CHILD_H
#define PH_WORKER_CHILD_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <sys/types.h>

#include <cjson/cJSON.h>

#include "proto.h"
#include "sandbox.h"
#include "worker.h"

/* What the job says, parsed in the worker (see worker_run). */
struct worker_child_args {
    struct worker_spec spec; /* ex is the host's; strings point into job */
    cJSON *job;              /* owned */
    const struct sandbox_run *run;
    int result_fd;
    const char *scratch;
    const char *module_path;
    const char *nonce;
    const char *seed; /* hex, or NULL; the runner's alone (wipe_secrets) */
};

/*
 * Prepared once per host, before any run (worker_child_host_init), so that a
 * worker runs as little Python as it can before the submission: each Python
 * function a worker runs for the first time writes to pages it shares with
 * the host (reference counts, specialised bytecode), and every such page is
 * a copy-on-write fault in every run.  All references are owned.
 */
struct child_host {
    const struct worker_host_ctx *ctx;
    PyObject *rt;       /* pyharness.runtime */
    PyObject *describe; /* runtime.describe_exception */
    PyObject *missing;  /* runtime.missing_names */
    PyObject *remote;   /* pyharness.remote */
    PyObject *h;        /* the Harness object; each worker sets its fields */
    PyObject *h_type;   /* its type, as the host made it */
    PyObject *sub;      /* runtime.submission_module(), its spec and loader */
    PyObject *sub_spec;
    PyObject *sub_loader;
    PyObject *environ[2]; /* posix.environ and os.environ._data (bytes -> bytes) */
};

/* One run, in its worker.  The PyObject pointers borrow the host's. */
struct child {
    const struct worker_child_args *a;
    PyObject *describe; /* runtime.describe_exception, bound before submission code */
    int violation_reported;
    int h_type_reported;
    PyObject *checks; /* dict name -> function (new ref, loaded after the fork) */
    PyObject *h;      /* the Harness object */
    PyObject *sub;    /* the submission module, or the runner's proxy for it */
    PyObject *runner; /* remote._Runner of a split run (new ref), or NULL */
    pid_t worker;     /* the worker process of a split run */
    /* The audit hook's violations, one per line (sandbox_audit_set_channel):
     * the worker's write end, the runner's read end; -1 when none. */
    int channel;
};

extern struct child_host host;

_Noreturn void die(const char *what);
cJSON *new_frame(const struct child *c, enum proto_frame_type type);
void queue_frame(cJSON *f);
void send_frames(const struct child *c);
void send_frame(const struct child *c, cJSON *f);
void enter_run_folder(const char *scratch);
void set_harness_field(PyObject *h, const char *name, PyObject *value);
void setup(struct child *c);
extern int run_in_own_pidns;
void confine(struct child *c);
void flush_python_streams(void);
int parse_job(struct worker_child_args *a, const void *job, size_t len);

#endif
