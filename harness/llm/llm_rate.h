/*
 * llm_rate.h - retry timing (Retry-After, exponential backoff with jitter) and the
 * requests-per-minute token bucket.  Pure functions of their arguments.
 */
#ifndef PH_LLM_RATE_H
#define PH_LLM_RATE_H

#include <stdint.h>
#include <time.h>

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

#endif
