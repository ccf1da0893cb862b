/*
 * engine.h - grading submissions: the path every command (run, validate,
 * grade, compare, practice) takes to turn a file into a result.
 *
 * An engine owns what outlives one submission: the pool of sandbox hosts
 * (worker.h: several exercises alive at once, one host per run in flight),
 * the cache of reference and baseline runs, the store a caller attaches,
 * and the scorer configuration.  For one submission it reads the file once,
 * screens and hashes those bytes, runs them in a fresh worker, judges
 * against the reference's observations, and scores the self-contained
 * result.  State lives in the engine, never in file statics, so two engines
 * can live in one process.  The interpreter must be initialised
 * (embed_init) before the first grading and still be when the engine is
 * freed.
 *
 * The reference's observations are computed once per exercise content hash
 * and check parameters (ENGINE_REF_CACHED): checks whose rules compare with
 * the reference's (or baseline's) measured figures run those checks again
 * beside each candidate, so timings are taken under the same load; the
 * other figures come from the cache.  compare wants fresh interleaved runs
 * (ENGINE_REF_FRESH).
 */
#ifndef PH_ENGINE_H
#define PH_ENGINE_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "err.h"
#include "explain_score.h"
#include "result.h"
#include "run_progress.h"

struct exercise;
struct explain_result;
struct store;

/* Largest submission accepted: a homework file, not a data set. */
#define ENGINE_SUBMISSION_MAX (1024u * 1024)

enum engine_ref_policy {
    ENGINE_REF_CACHED,     /* observations cached; measured figures again per candidate */
    ENGINE_REF_CACHED_ALL, /* everything cached, timings included */
    ENGINE_REF_FRESH,      /* the whole reference again beside every candidate */
};

struct engine_config {
    size_t max_hosts; /* sandbox hosts kept alive; 0: the pool's default */
    enum engine_ref_policy ref_policy;
    enum explain_scorer scorer; /* how callers score explanations (EXPLAIN_AUTO) */
};

/* What an engine did, for tests and benchmarks. */
struct engine_stats {
    unsigned long submissions; /* engine_grade() calls that reached a worker */
    unsigned long ref_whole;   /* whole reference runs */
    unsigned long ref_timed;   /* reference runs of the measured checks only */
    unsigned long base_whole;  /* the same for the baseline */
    unsigned long base_timed;
    unsigned long cache_hits;    /* references taken from the cache */
    unsigned long resumed;       /* fresh workers for the checks after a failed one */
    unsigned long hosts_started; /* sandbox hosts started */
};

struct engine;

/* A new engine (cfg NULL: defaults).  Caller frees with engine_free(). */
enum ph_rc engine_new(const struct engine_config *cfg, struct engine **out, struct ph_err *err);

/* Stop its hosts, drop its cache, close its store.  Accepts NULL. */
void engine_free(struct engine *e);

/* Attach the store results are recorded in (takes ownership; NULL detaches
 * and closes the one attached).  Borrowed back with engine_store(). */
void engine_set_store(struct engine *e, struct store *st);
struct store *engine_store(const struct engine *e);

const struct engine_config *engine_config(const struct engine *e);
void engine_get_stats(const struct engine *e, struct engine_stats *out);

/* Drop the cached reference and baseline runs (the next submission runs
 * them whole again). */
void engine_forget(struct engine *e);

struct engine_opts {
    const char *submission_path; /* file to grade; borrowed */
    const char *display_name;    /* how reports name it; defaults to the path */
    const cJSON *params;         /* check parameters; borrowed, may be NULL */
    /* called as checks begin and end (run_progress.h); may be NULL */
    void (*progress)(void *ud, const struct run_progress *p);
    void *progress_ud;
    /* The submission's bytes when the caller already holds them (borrowed,
     * may be NULL): then submission_path is only a name and is not read. */
    const char *submission_text;
    size_t submission_len;
};

/*
 * Grade one submission.  PH_EINPUT when the submission file cannot be read
 * at all (missing, unreadable: nothing to grade).  A file that can be read
 * but not graded (too large, not UTF-8, syntax error, missing functions) is
 * a result with a verdict, not an error.  `explanation` (taken, may be
 * NULL) becomes out->explanation and counts in the score.  On success the
 * caller cleans up `out` with run_result_cleanup(); on failure nothing is
 * left in it.
 */
enum ph_rc engine_grade(struct engine *e, const struct exercise *ex, const struct engine_opts *opts,
                        struct explain_result *explanation, struct run_result *out,
                        struct ph_err *err);

/*
 * engine_grade() on the process's default engine, made at the first call
 * with the default configuration and freed at exit: for callers that grade
 * one submission and need no engine of their own.
 */
enum ph_rc engine_run(const struct exercise *ex, const struct engine_opts *opts,
                      struct explain_result *explanation, struct run_result *out,
                      struct ph_err *err);

/* The default engine engine_run() uses (made on first use); NULL when it
 * cannot be made.  Borrowed. */
struct engine *engine_default(struct ph_err *err);

#endif
