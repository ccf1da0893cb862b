/*
 * explain_score.h - the explanation scorer's front end.
 *
 * Picks a scorer (offline rubric or LLM), runs a batch of answers through
 * it, consults and fills the LLM score cache (store.c), falls back to the
 * offline scorer when the LLM gives no usable verdict, and sets the
 * calibration signals (the offline scorer's view beside an LLM's score).
 * Used by `pyharness score`, `run` and `grade`.  Owns nothing between calls.
 */
#ifndef PH_EXPLAIN_SCORE_H
#define PH_EXPLAIN_SCORE_H

#include <stddef.h>

#include "err.h"
#include "explain.h"

struct exercise;

enum explain_scorer {
    EXPLAIN_AUTO,    /* the LLM when one is configured, else offline */
    EXPLAIN_OFFLINE, /* the rubric scorer, no network */
    EXPLAIN_LLM,     /* the configured LLM; an error when none is */
};

/* How far (on a 0..10 scale) an LLM's score may stray from the offline
 * scorer's before the result is flagged for a human. */
#define EXPLAIN_FLAG_DISAGREEMENT 3.0

struct explain_job {
    const struct exercise *ex;    /* borrowed; must have a rubric */
    const char *answer;           /* borrowed, UTF-8 */
    const char *source;           /* borrowed: file name for messages */
    struct explain_result result; /* filled; the job owns it: explain_result_cleanup() */
    struct ph_err err;
    enum ph_rc rc; /* PH_OK when `result` holds a score */
};

/*
 * Score `n` jobs.  LLM jobs run concurrently through llm.c (cached ones send
 * nothing); offline ones go through rubric_score().  An LLM failure for one
 * answer is not an error: that answer gets the offline score with
 * fallback=1 and a note.  Returns PH_OK when every job was scored; otherwise
 * the first failing job's code, with its message in `err` (each job keeps its
 * own rc and err).  Fails before scoring anything when `which` is
 * EXPLAIN_LLM and no LLM is configured (PH_EUSAGE), or the LLM configuration
 * is invalid (PH_EINPUT).  Problems with the cache are not errors: scoring
 * goes on without it.
 */
enum ph_rc explain_score_many(struct explain_job *jobs, size_t n, enum explain_scorer which,
                              struct ph_err *err);

/* 1 when an LLM is configured (environment or config file); see llm.h. */
int explain_llm_configured(void);

/* Parse "offline", "llm" or "auto"; -1 for anything else. */
int explain_scorer_parse(const char *name, enum explain_scorer *out);

#endif
