/*
 * runner.h - slow work (scoring, running code, transcribing, speaking) in
 * a child process, so the session's screen keeps its countdown and spinner.
 *
 * The child is forked from the session process (the interpreter is already
 * started, as for a sandbox host), runs one function, writes its JSON answer
 * to a pipe and exits; the parent polls runner_fd() with its keyboard and
 * reads with runner_step().  A child is killed with runner_kill() when the
 * learner leaves.  A `struct runner` owns the child and the pipe until
 * runner_cleanup().
 */
#ifndef PH_RUNNER_H
#define PH_RUNNER_H

#include <sys/types.h>

#include <cjson/cJSON.h>

#include "dynbuf.h"
#include "err.h"

/* The child's answer is a score or a run result: a few KiB, never MiBs. */
#define RUNNER_OUTPUT_MAX (4u * 1024 * 1024)
/* A request is a question and a file name. */
#define RUNNER_REQUEST_MAX (64u * 1024)
/* How long a server has to free its engine (stop its sandbox hosts). */
#define RUNNER_SERVER_QUIT_MS 5000

/* The job run in the child: fill *out with a new JSON object (the child
 * frees nothing: it exits).  Return PH_OK, or an error with `err` set. */
typedef enum ph_rc (*runner_fn)(void *arg, cJSON **out, struct ph_err *err);

/* A serving child's job: answer `req` (borrowed) in *out (a new JSON
 * object), keeping whatever it likes in `state` between calls.  Called with
 * req NULL once when the session ends: free the state (sandbox hosts go with
 * the engine), *out is ignored. */
typedef enum ph_rc (*runner_serve_fn)(void *state, const cJSON *req, cJSON **out,
                                      struct ph_err *err);

struct runner {
    pid_t pid;         /* 0 when no child */
    int fd;            /* read end of the pipe, -1 when closed */
    int req_fd;        /* a server's request pipe (write end), -1 otherwise */
    struct dynbuf out; /* what the child sent, capped at RUNNER_OUTPUT_MAX */
    int done;
};

void runner_init(struct runner *r);

/* Fork a child that runs fn(arg).  stdin, stdout and stderr of the child are
 * /dev/null: it must not draw on the learner's screen. */
enum ph_rc runner_start(struct runner *r, runner_fn fn, void *arg, struct ph_err *err);

/* Fork a serving child running fn(state, request) for each request until
 * runner_cleanup().  stdin, stdout and stderr are /dev/null as above. */
enum ph_rc runner_serve(struct runner *r, runner_serve_fn fn, void *state, struct ph_err *err);

/* 1 when `r` is a serving child that is alive and waiting for a request. */
int runner_serving(const struct runner *r);

/* Send one request (borrowed) to a serving child that is waiting; read the
 * answer with runner_step().  PH_EWORKER when the child is gone. */
enum ph_rc runner_request(struct runner *r, const cJSON *req, struct ph_err *err);

/* The fd to poll for POLLIN, or -1. */
int runner_fd(const struct runner *r);

/*
 * Read what is there without blocking.  Returns 0 while the child is still
 * working; 1 when it has finished: then *out is its JSON (caller frees with
 * cJSON_Delete()) or NULL with `err` set (the child failed or died).
 */
int runner_step(struct runner *r, cJSON **out, struct ph_err *err);

/* Kill the child (if any) and wait for it.  A server killed in the middle
 * of a job is gone: runner_serving() is 0 and the next one starts afresh. */
void runner_kill(struct runner *r);

/* Kill if needed, close, free.  A serving child that is waiting is asked to
 * finish (its state freed, RUNNER_SERVER_QUIT_MS at most) before it is killed. */
void runner_cleanup(struct runner *r);

#endif
