/*
 * llm.h - scoring explanations with a remote LLM: configuration, prompts,
 * the HTTP client and response validation.
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
#include <stdint.h>
#include <time.h>

#include "err.h"
#include "explain.h"

struct rubric;

/* Bump whenever the prompt, schema or parsing changes meaning: cached
 * scores made under another version are not reused. */
#define LLM_PROMPT_VERSION 1

/* Longest response body read from a provider; a grader's verdict is a few
 * KiB, so anything past this is a broken or hostile server. */
#define LLM_RESPONSE_MAX (1024 * 1024)

/* "1:" + 16 hex digits + NUL; see llm_prompt_version(). */
#define LLM_PROMPT_VERSION_LEN 32

enum llm_provider { LLM_OPENAI, LLM_ANTHROPIC };

struct llm_config {
    enum llm_provider provider;
    char *endpoint; /* full URL of chat/completions or messages */
    char *model;
    char *api_key;        /* NULL when none (local servers); never printed */
    unsigned concurrency; /* requests in flight at once, >= 1 */
    double rpm;           /* requests started per minute; 0 = no budget */
    double timeout_s;     /* per request, connection included */
    unsigned max_retries; /* after the first attempt, on 429/5xx/timeouts */
    char *source;         /* config file read, or NULL: for messages */
};

/*
 * 1 when an LLM is configured: any PYHARNESS_LLM_* key, OPENAI_API_KEY,
 * OPENAI_BASE_URL or ANTHROPIC_API_KEY is set (non-empty) in the environment
 * or in the config file ($PYHARNESS_CONFIG, else
 * $XDG_CONFIG_HOME/pyharness/config, XDG_CONFIG_HOME defaulting to ~/.config).
 * A config file that cannot be parsed counts as configured, so that
 * llm_config_load() reports what is wrong with it.
 */
int llm_configured(void);

/*
 * Read the configuration: environment first, then the config file (KEY=VALUE
 * lines, '#' comments).  Fills `cfg` (caller cleans up with
 * llm_config_cleanup()).  PH_EINPUT naming the variable or file:line when a
 * value is invalid.
 */
enum ph_rc llm_config_load(struct llm_config *cfg, struct ph_err *err);

/* Accepts NULL; zeroes `cfg`. */
void llm_config_cleanup(struct llm_config *cfg);

/* "openai" or "anthropic"; static storage. */
const char *llm_provider_name(enum llm_provider p);

/* What the grader is told about one exercise; every field is borrowed. */
struct llm_task {
    const char *question_id; /* exercise id */
    const char *question;
    const char *model_answer;
    const struct rubric *rubric;
};

/*
 * The prompt version used as part of a cache key: LLM_PROMPT_VERSION and a
 * hash of everything in the prompt except the candidate's answer (question,
 * model answer, rubric), so editing an exercise invalidates its cached scores.
 */
void llm_prompt_version(const struct llm_task *task, char out[LLM_PROMPT_VERSION_LEN]);

/*
 * Build the request body for `answer` (borrowed, UTF-8).  The answer is
 * fenced between markers carrying a nonce derived from its hash, so it cannot
 * close its own fence.  Caller frees *body_out with free().
 */
enum ph_rc llm_build_request(const struct llm_config *cfg, const struct llm_task *task,
                             const char *answer, char **body_out, struct ph_err *err);

/*
 * Parse and validate a provider's 200 response body (`len` bytes, borrowed,
 * need not be NUL-terminated) into `out` (caller cleans up with
 * explain_result_cleanup()).  Every rubric point needs exactly one verdict
 * with credit in 0..1, the score must lie in 0..max, misconceptions must be
 * the rubric's.  PH_EPROTO with a message saying what was wrong otherwise;
 * `out` is then left empty.
 */
enum ph_rc llm_parse_response(enum llm_provider provider, const char *model,
                              const struct llm_task *task, const char *body, size_t len,
                              struct explain_result *out, struct ph_err *err);

/*
 * Parse a Retry-After header value (delta-seconds or an HTTP-date, relative to
 * `now`) into milliseconds, clamped to 0..LLM_RETRY_AFTER_MAX_S.  Returns 1
 * when the value was understood, 0 otherwise.
 */
#define LLM_RETRY_AFTER_MAX_S 120
int llm_parse_retry_after(const char *value, time_t now, long *ms_out);

/*
 * The delay before retry number `attempt` (1 for the first retry):
 * exponential from LLM_BACKOFF_BASE_MS, capped at LLM_BACKOFF_MAX_MS, with
 * "equal jitter" so the result lies in [d/2, d] for the uncapped-or-capped d.
 * `rng` is the caller's xorshift state (any nonzero seed).
 */
#define LLM_BACKOFF_BASE_MS 500
#define LLM_BACKOFF_MAX_MS 30000
long llm_backoff_ms(unsigned attempt, uint64_t *rng);

/*
 * Request-per-minute budget as a token bucket: it refills at rpm/60 tokens a
 * second and holds at most `burst`.  Times are seconds on any monotonic clock.
 */
struct llm_bucket {
    double tokens, capacity, rate; /* rate in tokens per second; 0 = unlimited */
    double last;
};
void llm_bucket_init(struct llm_bucket *b, double rpm, double burst, double now);
/* Take a token and return 1, or return 0 and set *wait_s to when one will be
 * available. */
int llm_bucket_take(struct llm_bucket *b, double now, double *wait_s);

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

/*
 * Score `n` jobs concurrently through one curl multi handle: at most
 * cfg->concurrency in flight, cfg->rpm per minute, retries with backoff and
 * jitter on 429/5xx/timeouts honouring Retry-After, one more request when a
 * reply is malformed or out of range.  Each job gets its own rc; the call
 * itself fails only when the batch could not run at all (no memory, curl
 * could not start).
 */
enum ph_rc llm_score_many(const struct llm_config *cfg, struct llm_job *jobs, size_t n,
                          struct ph_err *err);

#endif
