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
#include "run_progress.h"

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

/* Largest module a run loads: the engine screens submissions against a
 * smaller cap (ENGINE_SUBMISSION_MAX); this bounds the exercise's own files. */
#define WORKER_MODULE_MAX (2u * 1024 * 1024)
/* Largest file a run may write in its scratch folder (RLIMIT_FSIZE). */
#define WORKER_FSIZE_MAX (64u * 1024 * 1024)
/* How long before a check's deadline a worker writes its Python stack to
 * stderr (its runner sends it SIGUSR2, on which faulthandler dumps every
 * thread: check_runner.c), so the verdict of a hung check names its line. */
#define WORKER_STACK_LEAD_S 0.4
/* What faulthandler writes before the stack of the thread it interrupted;
 * worker.c looks for it in stderr. */
#define WORKER_STACK_MARK "Current thread 0x"
/* Hosts a pool keeps when its creator does not say. */
#define WORKER_POOL_DEFAULT_HOSTS 4

struct worker_spec {
    const struct exercise *ex; /* borrowed */
    enum worker_role role;
    const char *module_path; /* file loaded as the `submission` module; borrowed */
    /* The module's bytes, already read and screened (borrowed, may be
     * NULL): the run gets exactly these, and module_path is not read again. */
    const char *module_text;
    size_t module_len;
    const char *display_name; /* how tracebacks name it ("my_solution.py") */
    const cJSON *params;      /* handed to checks as h.params; borrowed, may be NULL */
    /* The grading's secret seed (h.seed): the same for the reference and the
     * candidate it is compared with, never in the worker; 0 for none. */
    uint64_t seed;
    /* Run only these checks, in this order; NULL: all.  A name starting with
     * WORKER_WORKLOAD_PREFIX is a sized workload of workloads.py (compare). */
    const char *const *only;
    size_t nonly;
    /* called as checks begin and end (run_progress.h); may be NULL */
    void (*progress)(void *ud, const struct run_progress *p);
    void *progress_ud;
};

/* Names of workload checks: not an identifier, so never a check of checks.py. */
#define WORKER_WORKLOAD_PREFIX "workload:"

struct worker_check {
    const char *name;   /* borrowed from the exercise (a workload's from spec->only) */
    cJSON *frame;       /* the "check" frame, owned; NULL if it never arrived */
    int started;        /* its "begin" frame arrived */
    int64_t elapsed_ns; /* supervisor's clock from begin to result */
    /* The worker ended while this check ran: how (never WORKER_END_OK) and
     * the supervisor's words for it.  stopped is 0 otherwise. */
    int stopped;
    enum worker_end stop;
    char stop_detail[512];
};

struct worker_result {
    enum worker_role role;
    enum worker_end end;
    char detail[512];    /* what ended it, for reports ("SIGSEGV", "CPU limit 10 s") */
    int exit_status;     /* when it exited; -1 when killed */
    int term_signal;     /* when killed by a signal; 0 otherwise */
    int killed_by_us;    /* the supervisor sent the kill (timeout, output) */
    unsigned lost;       /* SANDBOX_LOST_* (sandbox.h): layers this run went without */
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
 * The sandbox hosts kept between runs, owned by whoever made the pool (an
 * engine, bench-worker): one per exercise load and run in flight, at most
 * `max_hosts` (0: WORKER_POOL_DEFAULT_HOSTS) alive, the least recently used
 * idle one stopped to make room.  Caller frees with worker_pool_free(),
 * which stops every host and removes their scratch roots; the interpreter
 * must still be initialised then.
 */
struct worker_pool;

enum ph_rc worker_pool_new(size_t max_hosts, struct worker_pool **out, struct ph_err *err);
void worker_pool_free(struct worker_pool *p); /* accepts NULL */

/* Hosts started since the pool was made (for tests and benchmarks). */
unsigned long worker_pool_hosts_started(const struct worker_pool *p);

/*
 * Fork a worker for `spec` on a host of `pool`, feed it, enforce the
 * exercise's limits, and collect what it sent.  PH_OK means the worker was
 * run and `res` says how it ended (even a crash is PH_OK); an error is the
 * harness's own failure.  Caller releases `res` with worker_result_cleanup().
 * worker_start() + worker_finish(): one run in flight.
 */
enum ph_rc worker_run(struct worker_pool *pool, const struct worker_spec *spec,
                      struct worker_result *res, struct ph_err *err);

/*
 * Several runs in flight from one pool: a run started with worker_start()
 * holds a host of its own (the pool starts one per run in flight, up to its
 * max_hosts), and worker_poll() drives any set of them over one poll(),
 * never blocking on one while another has something to read.  The same
 * loop as worker_run()'s decides how each ended: limits, deadlines and
 * frames are enforced per run, with the same figures.
 *
 *     worker_start(pool, &a, &ja, err); worker_start(pool, &b, &jb, err);
 *     while (worker_poll(jobs, 2, -1) < 2) ;
 *     worker_finish(ja, &ra, err); worker_finish(jb, &rb, err);
 */
struct worker_job;

/* Most jobs one worker_poll() call drives. */
#define WORKER_POLL_MAX 64

/* Start a run of `spec` (borrowed, with everything it points to, until the
 * job is finished or cancelled) on a host of `pool`: *out is the job, to be
 * handed to worker_finish() or worker_cancel().  An error (no host, no
 * pipe) leaves nothing in flight and *out NULL. */
enum ph_rc worker_start(struct worker_pool *pool, const struct worker_spec *spec,
                        struct worker_job **out, struct ph_err *err);

/* Advance every job of `jobs` (at most WORKER_POLL_MAX; NULL entries and
 * finished jobs are skipped): wait up to `timeout_ms` (-1: as long as the
 * nearest deadline allows; never more than a slice of 50 ms while several
 * are in flight) for any of them to have something to read, and take it.
 * Returns how many of the n are done. */
size_t worker_poll(struct worker_job *const *jobs, size_t n, int timeout_ms);

/* 1 once `j` (borrowed) has ended and its result is complete. */
int worker_job_done(const struct worker_job *j);

/* Drive `j` to its end if it is not there yet, move its result into `res`
 * and free `j` (taken).  Returns what worker_run() would have; caller
 * releases `res` with worker_result_cleanup() either way. */
enum ph_rc worker_finish(struct worker_job *j, struct worker_result *res, struct ph_err *err);

/* Kill the run of `j` now, drop its result and free `j` (taken); accepts
 * NULL.  For a caller giving up on runs still in flight. */
void worker_cancel(struct worker_job *j);

void worker_result_cleanup(struct worker_result *res);

/* The entry of `res` for the check named `name` (borrowed), or NULL. */
const struct worker_check *worker_result_check(const struct worker_result *res, const char *name);

/* A deep copy of `src` into `dst` (caller cleans up with worker_result_cleanup()). */
enum ph_rc worker_result_copy(struct worker_result *dst, const struct worker_result *src,
                              struct ph_err *err);

/*
 * Fold `later` (a run of some of the same checks, `only`) into `dst`: each
 * check `later` reported replaces dst's, its frame moved out of `later`;
 * CPU, wall time and output add up (output kept up to `out_cap` bytes per stream).  A later end
 * other than WORKER_END_OK becomes dst's when dst ended well.  The whole-run frame goes when the
 * two are not one run (`whole_run` 0).  `later` is left for cleanup.
 */
void worker_result_fold(struct worker_result *dst, struct worker_result *later, int whole_run,
                        size_t out_cap);

const char *worker_role_name(enum worker_role role); /* "cand", "ref", "base" */
const char *worker_end_name(enum worker_end end);

/* What a host needs before its first run: the exercise and its compiled
 * checks.py (embed_compile_cached), both as they are when the host forks. */
struct worker_host_ctx {
    const struct exercise *ex;
    /* checks.py compiled and marshalled by a throwaway child of the host
     * (worker_host.c): the host never holds the checks as Python objects,
     * so a worker forked from it finds no check source in its memory; the
     * worker wipes these bytes before submission code runs, and the check
     * runner loads them after the worker is forked.  Owned by the host. */
    unsigned char *checks_blob;
    size_t checks_len;
    void *workloads_code; /* compiled workloads.py, or NULL when the exercise has none */
    void *preload;        /* list of module names the host imports first (PyObject *), or NULL */
    const char *scratch_root; /* where the runs' folders are: the host's HOME and TMPDIR */
};

#endif
