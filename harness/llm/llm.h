/*
 * llm.h - scoring a batch of explanations with an LLM over HTTP.
 *
 * Speaks two wire formats: OpenAI-compatible chat completions (OpenAI,
 * Ollama, llama.cpp server, vLLM, LM Studio) and the Anthropic Messages API.
 * Owns the libcurl handles (only llm.c includes curl headers), the request
 * bodies and the capped response buffers of a batch.  It never falls back
 * to the offline scorer and never touches the cache: that is explain.c's
 * job.  The API key lives only in `struct llm_config` and in request
 * headers; it is never put in an error message, a result or a log.
 */
#ifndef PH_LLM_H
#define PH_LLM_H

#include <stddef.h>

#include "err.h"
#include "explain.h"
#include "llm_config.h"
#include "llm_prompt.h"
#include "llm_rate.h"
#include "llm_response.h"

/* One answer to score.  `task` and `answer` are borrowed; `result` is filled
 * on success and owned by the job (explain_result_cleanup()). */
struct llm_job {
    const struct llm_task *task;
    const char *answer;
    struct explain_result result;
    enum ph_rc rc; /* PH_OK, or why this answer got no usable verdict */
    struct ph_err err;
    unsigned requests; /* HTTP requests sent (retries included) */
};

/* What a batch reports while it waits, for a command to show (llm_watch). */
enum llm_event_kind {
    LLM_EVENT_WAITING, /* still waiting for replies: about every 100 ms */
    LLM_EVENT_RETRY,   /* a request failed (or its reply was unusable): sent again after delay_ms */
};

struct llm_event {
    enum llm_event_kind kind;
    size_t job;       /* index of the answer in the batch */
    size_t pending;   /* answers not yet scored */
    unsigned retry;   /* RETRY: which retry this is, from 1 */
    unsigned retries; /* RETRY: at most this many (max_retries; 1 for an unusable reply) */
    long delay_ms;    /* RETRY: before the next request */
    const char *why;  /* RETRY: what failed ("HTTP 503: ..."); borrowed, no key in it */
    double elapsed_s; /* since the batch began */
};

/* A function the batch calls while it runs; it must return quickly. */
struct llm_watch {
    void (*fn)(void *ud, const struct llm_event *ev);
    void *ud;
};

/*
 * Score `n` jobs concurrently through one curl multi handle: at most
 * cfg->concurrency in flight, cfg->rpm per minute, retries with backoff and
 * jitter on 429/5xx/timeouts honouring Retry-After, one more request when a
 * reply is malformed or out of range.  Each job gets its own rc; the call
 * itself fails only when the batch could not run at all (no memory, curl
 * could not start).  `watch` (borrowed; may be NULL) is told what it waits
 * for.
 */
enum ph_rc llm_score_watched(const struct llm_config *cfg, struct llm_job *jobs, size_t n,
                             const struct llm_watch *watch, struct ph_err *err);

#endif
