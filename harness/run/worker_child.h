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
 * Prepared once per host, before any run (host_prep_init), so that a
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

/* The host's prepared objects (worker_child.c holds them, host_prep.c fills
 * them once, every run's processes inherit them). */
extern struct child_host host;

/* End this process after writing what is queued for the supervisor and
 * `what` to stderr: an exit without the end frame, never a pass. */
_Noreturn void child_die(const char *what);

/* A new frame of `type` carrying the run's nonce; the caller queues it
 * (child_queue_frame takes it).  Dies when out of memory. */
cJSON *child_new_frame(const struct child *c, enum proto_frame_type type);

/* Queue frame `f` (takes ownership); a check's frame over the protocol's cap
 * is replaced by an error saying so.  child_send_frames() writes the queue
 * to the result pipe (before candidate code runs again); child_send_frame()
 * queues and writes.  Each dies on failure. */
void child_queue_frame(cJSON *f);
void child_send_frames(const struct child *c);
void child_send_frame(const struct child *c, cJSON *f);

/* Point HOME and TMPDIR at the run's folder `scratch` (borrowed), in C and
 * in both of Python's copies of the environment. */
void child_enter_run_folder(const char *scratch);

/* Set attribute `name` of the Harness object `h` to `value` (takes the
 * reference; NULL dies). */
void child_set_harness_field(PyObject *h, const char *name, PyObject *value);

/* Bind run `c` to the host's objects and its folder, role and params. */
void child_setup(struct child *c);

/* In the process that forks a run's worker, while its parent is still the
 * host: remember whether that host is its PID namespace's init (the
 * worker's audit hook needs to know; child_confine reads it). */
void child_note_pidns(void);

/* Enter the run's sandbox and arm the audit hook for it; dies on failure. */
void child_confine(struct child *c);

/* Flush sys.stdout and sys.stderr (errors cleared). */
void child_flush_streams(void);

/* Fill `a` from the job (`len` bytes; a->job owns the parsed JSON and the
 * strings point into it).  0, or -1 if it is not one. */
int child_parse_job(struct worker_child_args *a, const void *job, size_t len);

#endif
