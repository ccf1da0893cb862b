/*
 * worker.h - running one submission's checks in a fresh forked process.
 *
 * The supervisor (this process, interpreter already initialised) keeps a
 * sandbox host per exercise (sandbox.h) that forks a fresh worker per run,
 * so no run can leave state for the next.  The worker loads
 * one module (the candidate's file, reference.py or baseline.py) and runs
 * the exercise's observation checks against it; it reports plain data over
 * a pipe as frames (proto.h) written from C:
 *
 *   {"t":"hello", "n":NONCE}
 *   {"t":"import", "n":NONCE, "status":"ok"|"error", "error":{type,message,traceback}}
 *   {"t":"begin", "n":NONCE, "check":NAME}
 *   {"t":"check", "n":NONCE, "check":NAME, "status":"ok"|"error", "obs":..., "error":...,
 *    "metrics":{figures}, "log":{"measures":..., "clients":..., "monitors":..., "tamper":[...]}}
 *   {"t":"end", "n":NONCE, "metrics":{figures of the whole run}}
 *
 * The nonce is drawn by the supervisor before the fork and lives only in C
 * memory, so a submission writing forged frames to the pipe gives itself
 * away.  This module owns the scratch folder, the pipes and the process; it
 * decides how the process ended (struct worker_result), never whether the
 * submission passed: that is judge.c's job.
 */
#ifndef PH_WORKER_H
#define PH_WORKER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>

#include <cjson/cJSON.h>

#include "err.h"

struct exercise;
struct sandbox_policy;

enum worker_role {
    WORKER_CANDIDATE, /* cand.* in rules */
    WORKER_REFERENCE, /* ref.* */
    WORKER_BASELINE,  /* base.* */
};

/* How the worker process ended, as seen by the supervisor alone. */
enum worker_end {
    WORKER_END_OK,         /* exited 0 after a complete, valid stream */
    WORKER_END_TIMEOUT,    /* wall-clock limit (whole run or one check) */
    WORKER_END_CPU,        /* RLIMIT_CPU (SIGXCPU / SIGKILL past the hard limit) */
    WORKER_END_MEMORY,     /* out of memory */
    WORKER_END_SIGNAL,     /* killed by another signal: a crash */
    WORKER_END_OUTPUT,     /* stdout+stderr over the limit */
    WORKER_END_EARLY_EXIT, /* exited (any status) before the stream was complete */
    WORKER_END_PROTOCOL,   /* malformed or forged frames */
};

struct worker_spec {
    const struct exercise *ex; /* borrowed */
    enum worker_role role;
    const char *module_path;  /* file loaded as the `submission` module; borrowed */
    const char *display_name; /* how tracebacks name it ("my_solution.py") */
    const cJSON *params;      /* handed to checks as h.params; borrowed, may be NULL */
    /* Run only these checks, in this order; NULL: all.  A name starting with
     * WORKER_WORKLOAD_PREFIX is a sized workload of workloads.py (compare). */
    const char *const *only;
    size_t nonly;
};

/* Names of workload checks: not an identifier, so never a check of checks.py. */
#define WORKER_WORKLOAD_PREFIX "workload:"

struct worker_check {
    const char *name;   /* borrowed from the exercise (a workload's from spec->only) */
    cJSON *frame;       /* the "check" frame, owned; NULL if it never arrived */
    int started;        /* its "begin" frame arrived */
    int64_t elapsed_ns; /* supervisor's clock from begin to result */
};

struct worker_result {
    enum worker_role role;
    enum worker_end end;
    char detail[512];    /* what ended it, for reports ("SIGSEGV", "CPU limit 10 s") */
    int exit_status;     /* when it exited; -1 when killed */
    int term_signal;     /* when killed by a signal; 0 otherwise */
    int killed_by_us;    /* the supervisor sent the kill (timeout, output) */
    long running_check;  /* index into checks of the check in progress at the end, or -1 */
    struct rusage ru;    /* from wait4: CPU and peak RSS the worker cannot touch */
    int64_t wall_ns;     /* fork to reap */
    cJSON *import_frame; /* owned */
    cJSON *end_frame;    /* owned */
    struct worker_check *checks;
    size_t nchecks;
    char *out; /* captured stdout (capped), NUL-terminated, owned */
    size_t out_len;
    char *errout; /* captured stderr (capped) */
    size_t err_len;
    size_t output_bytes; /* everything it wrote, counted past the cap */
};

/*
 * Fork a worker for `spec`, feed it, enforce the exercise's limits, and
 * collect what it sent.  PH_OK means the worker was run and `res` says how it
 * ended (even a crash is PH_OK); an error is the harness's own failure.
 * Caller releases `res` with worker_result_cleanup().
 */
enum ph_rc worker_run(const struct worker_spec *spec, struct worker_result *res,
                      struct ph_err *err);

void worker_result_cleanup(struct worker_result *res);

/* Stop the sandbox host worker_run() keeps between runs and remove its
 * scratch root.  Registered with atexit() by the first worker_run(). */
void worker_shutdown(void);

const char *worker_role_name(enum worker_role role); /* "cand", "ref", "base" */
const char *worker_end_name(enum worker_end end);

/* What a host needs before its first run: the exercise and its compiled
 * checks.py (embed_compile_cached), both as they are when the host forks. */
struct worker_host_ctx {
    const struct exercise *ex;
    void *checks_code;
    void *workloads_code; /* compiled workloads.py, or NULL when the exercise has none */
    void *preload;        /* list of module names the host imports first (PyObject *), or NULL */
    const char *scratch_root; /* where the runs' folders are: the host's HOME and TMPDIR */
};

struct sandbox_run;

/* In the host (worker_child.c), once: import what the exercise uses, load
 * the checks, and snapshot what workers check for tampering
 * (sandbox_hooks.host_init; `arg` is a struct worker_host_ctx). */
int worker_child_host_init(void *arg, char *msg, size_t cap);

/* The worker process's body (sandbox_hooks.body; worker_child.c): run the
 * job worker_run() sent and report over fd 3.  Never returns. */
void worker_child_body(const struct sandbox_run *run, const void *job, size_t len, void *arg);

#endif
