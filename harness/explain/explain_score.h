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
struct llm_watch;
struct rubric;

enum explain_scorer {
    EXPLAIN_AUTO,    /* the LLM when one is configured, else offline */
    EXPLAIN_OFFLINE, /* the rubric scorer, no network */
    EXPLAIN_LLM,     /* the configured LLM; an error when none is */
};

/* How far (on a 0..10 scale) an LLM's score may stray from the offline
 * scorer's before the result is flagged for a human. */
#define EXPLAIN_FLAG_DISAGREEMENT 3.0

/* A question to score answers to, when it is not an exercise (a practice
 * session's concept question): every field borrowed. */
struct explain_question {
    const char *id;
    const char *question;
    const char *model_answer; /* may be NULL */
    const struct rubric *rubric;
};

struct explain_job {
    const struct exercise *ex;        /* borrowed; must have a rubric; or NULL and... */
    const struct explain_question *q; /* ...this, borrowed */
    const char *answer;               /* borrowed, UTF-8 */
    const char *source;               /* borrowed: file name for messages */
    struct explain_result result;     /* filled; the job owns it: explain_result_cleanup() */
    struct ph_err err;
    enum ph_rc rc; /* PH_OK when `result` holds a score */
};

/* How a batch is scored. */
struct explain_opts {
    enum explain_scorer scorer;
    /* When the LLM gives no usable grade for an answer: 1 = the offline
     * scorer stands in (marked fallback and needs_review), 0 = that answer
     * fails with PH_ENET / PH_EPROTO and the command exits non-zero. */
    int fallback_offline;
    /* The command line allowed a remote (non-loopback) LLM endpoint
     * (--allow-remote); the configuration can allow it too. */
    int allow_remote;
    /* Told what an LLM batch waits for (retries, time); borrowed, may be NULL. */
    const struct llm_watch *watch;
};

/*
 * Score `n` jobs as `opts` says (see explain_score_many() for the rest).
 */
enum ph_rc explain_score_batch(struct explain_job *jobs, size_t n, const struct explain_opts *opts,
                               struct ph_err *err);

/*
 * Score `n` jobs; explain_score_batch() with fallback to the offline scorer
 * unless `which` is EXPLAIN_LLM, and remote endpoints only when the
 * configuration allows them.  LLM jobs run concurrently through llm.c (cached ones send
 * nothing); offline ones go through rubric_score().  An LLM failure for one
 * answer gets the offline score with fallback=1 and a note when fallback is
 * allowed, and fails that job otherwise.  Returns PH_OK when every job was scored; otherwise
 * the first failing job's code, with its message in `err` (each job keeps its
 * own rc and err).  Fails before scoring anything when `which` is
 * EXPLAIN_LLM and no LLM is configured (PH_EUSAGE), or the LLM configuration
 * is invalid or names a remote endpoint nobody allowed (PH_EINPUT), or
 * PYHARNESS_LLM_CACHE names a cache that cannot be opened (PH_EINPUT).
 */
enum ph_rc explain_score_many(struct explain_job *jobs, size_t n, enum explain_scorer which,
                              struct ph_err *err);

/* Parse "offline", "llm" or "auto"; -1 for anything else. */
int explain_scorer_parse(const char *name, enum explain_scorer *out);

#endif
