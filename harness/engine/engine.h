/*
 * engine.h - grading submissions: the path every command (run, validate,
 * grade, compare, practice) takes to turn a file into a result.
 *
 * An engine owns what outlives one submission: the pool of sandbox hosts
 * (worker.h: several exercises alive at once, one host per run in flight),
 * the cache of reference and baseline runs, the store a caller attaches
 * (where every result is recorded as it is handed over), and the scorer
 * configuration.  For one submission it reads the file once,
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
 *
 * A batch (grade) amortises the reference's timing over a class
 * (ENGINE_REF_ROLLING, docs/grading.md "Reference policy"): the measured
 * checks of the reference run again every `ref_every` candidates or
 * `ref_every_s` seconds per exercise, whichever comes first, not beside each
 * candidate.  A candidate is held (engine_submit) until the next such
 * measurement, then judged against the measurement before its run and the
 * one after it, and keeps the better of the two judgements: load that
 * arrives on either side of its run cannot fail it.  When two consecutive
 * measurements disagree by more than `ref_drift`, the reference is measured
 * once more at once and that one counts too; if it also disagrees with the
 * one before (the machine's speed changed, not a stray figure), the window
 * between measurements is halved (down to one candidate), else the stray one
 * judges no one.  It doubles back
 * to `ref_every` while consecutive measurements agree.  A measurement (or a
 * drift's extra one) is spared when every waiting candidate already has full
 * marks on whatever the reference's figures decide, judged against the last
 * one, and that one is under `ref_every_s` old: no candidate could gain.
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
    ENGINE_REF_ROLLING,    /* measured figures every K candidates or T s, bracketing them */
};

/* ENGINE_REF_ROLLING's defaults (a 0 in the config means these). */
#define ENGINE_ROLL_EVERY 8      /* candidates between two reference measurements */
#define ENGINE_ROLL_EVERY_S 20.0 /* seconds between them */
#define ENGINE_ROLL_DRIFT 0.5    /* relative disagreement that means drift */
#define ENGINE_ROLL_EVERY_MAX 64

/* Steady performance figures (engine.c, steady_perf): rounds of the
 * performance check alone, each side once per round, taken when the ratio
 * lies within ENGINE_PERF_MARGIN times of the band: ENGINE_PERF_ROUNDS of
 * them, then more (up to ENGINE_PERF_ROUNDS_MAX in all) while the marks of
 * the pairs next to the median are more than ENGINE_PERF_SETTLED points
 * apart (the noise of the figures would still move the mark). */
#define ENGINE_PERF_ROUNDS 2
#define ENGINE_PERF_ROUNDS_MAX 6
#define ENGINE_PERF_SETTLED 0.5
#define ENGINE_PERF_MARGIN 1.3

/* The baseline's limits (every check's timeout_s and the run's wall_s) are
 * stretched by the load its reference run met: the largest wall/CPU ratio
 * of the reference's measurements of at least ENGINE_BASE_SCALE_MIN_CPU_NS
 * in the checks the baseline runs, at most ENGINE_BASE_SCALE_MAX (engine.c,
 * base_load_scale). */
#define ENGINE_BASE_SCALE_MAX 10.0
#define ENGINE_BASE_SCALE_MIN_CPU_NS 5e6

struct engine_config {
    size_t max_hosts; /* sandbox hosts kept alive; 0: the pool's default */
    enum engine_ref_policy ref_policy;
    enum explain_scorer scorer; /* how callers score explanations (EXPLAIN_AUTO) */
    /* ENGINE_REF_ROLLING only; 0: the defaults above.  ref_every is capped
     * at ENGINE_ROLL_EVERY_MAX. */
    unsigned ref_every;
    double ref_every_s;
    double ref_drift;
    /* 1: keep each run's own performance figures, never steadied (no
     * ENGINE_PERF_ROUNDS re-runs): for callers that read verdicts only
     * (validate), which steadying never changes. */
    int no_steady;
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
    unsigned long ref_drifts;    /* rolling: consecutive measurements that disagreed */
    /* rolling: measurements not taken because every candidate waiting for
     * one was already out of its reach (full marks on everything the
     * reference's figures decide) */
    unsigned long ref_spared;
    unsigned long cand_timed;       /* candidate runs of the performance check only */
    unsigned long perf_other_timed; /* and the reference's or baseline's beside them */
    unsigned long perf_steadied;    /* candidates whose performance figures were taken again */
    /* Wall time, in ns, spent in: the reference's and baseline's runs, the
     * candidates' runs (worker_run calls, the worker's own start and end
     * included), judging and scoring. */
    long long ref_ns;
    long long cand_ns;
    long long judge_ns;
};

struct engine;

/* A new engine (cfg NULL: defaults).  Caller frees with engine_free(). */
enum ph_rc engine_new(const struct engine_config *cfg, struct engine **out, struct ph_err *err);

/* Stop its hosts, drop its cache, close its store.  Candidates still
 * pending (engine_submit) are dropped without a call: settle first.
 * Accepts NULL. */
void engine_free(struct engine *e);

/*
 * Attach the store results are recorded in (takes ownership; NULL detaches
 * and closes the one attached).  While one is attached, every result the
 * engine hands over (engine_grade, engine_submit's `done`) is first recorded
 * in it as a run (store_run_put: its JSON, report_json.h); when that fails
 * the caller gets the error and no result.  `grade` attaches none: it
 * records each part itself, with the student's row, in one statement.
 */
void engine_set_store(struct engine *e, struct store *st);

/* The store id of the last result recorded (above), or 0. */
long long engine_last_run_id(const struct engine *e);

void engine_get_stats(const struct engine *e, struct engine_stats *out);

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
 * Called once per engine_submit(): rc PH_OK with the result (the callee
 * owns it and cleans it up with run_result_cleanup()), or the error that
 * engine_grade() would have returned (res NULL).
 */
typedef void (*engine_done_fn)(void *ud, enum ph_rc rc, struct run_result *res,
                               const struct ph_err *err);

/*
 * engine_grade() for a batch: the same screening, run and judgement, but
 * under ENGINE_REF_ROLLING the result may come later, from a later
 * engine_submit() or engine_settle() (the candidate waits for the
 * reference measurement after it).  Other policies call `done` before
 * returning.  `done` is called exactly once for the submission; `ex` must
 * stay loaded until then.  The opts' strings and text are copied as
 * needed; `params` must be the same object (or equal) for an exercise's
 * submissions.  Returns PH_OK, or what went wrong with a reference
 * measurement taken for earlier candidates (they got it through `done`).
 */
enum ph_rc engine_submit(struct engine *e, const struct exercise *ex,
                         const struct engine_opts *opts, struct explain_result *explanation,
                         engine_done_fn done, void *ud, struct ph_err *err);

/* Judge every candidate still waiting for a reference measurement: those of
 * `ex` (NULL: of every exercise).  A last measurement is taken for them. */
enum ph_rc engine_settle(struct engine *e, const struct exercise *ex, struct ph_err *err);

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

/*
 * Several grades in flight on one engine, each on its own host of the
 * pool: a batch takes many (submission, exercise) gradings and keeps up to
 * `max_runs` worker runs in flight over one poll() (worker.h's
 * start/poll/finish), its follow-up runs included: the reference's and
 * baseline's (a whole run shared per exercise through the cache: a grading
 * that needs one another grading is running waits for it, and runs its
 * candidate meanwhile), the resumed workers after a stopped check, the
 * steady rounds of a performance mark.  Each grading takes the same steps,
 * in the same order, as engine_submit() under the engine's policy, so its
 * result is the one-at-a-time path's.  Not under ENGINE_REF_ROLLING
 * (PH_EUSAGE).  Progress callbacks of the opts are not called (runs of
 * several gradings interleave): the caller counts `done` calls.
 */
struct engine_batch;

/* A batch on `e` (borrowed: it must outlive the batch).  `max_runs` is
 * capped by the engine's max_hosts (each run holds a host) and
 * WORKER_POLL_MAX; 0 means 1.  Caller frees with engine_batch_free(). */
enum ph_rc engine_batch_new(struct engine *e, size_t max_runs, struct engine_batch **out,
                            struct ph_err *err);

/* Queue one grading: the submission is read (unless its text is given),
 * screened and copied now; `explanation` is taken; `done` is called once,
 * from here (a screened-out submission, or an error) or from
 * engine_batch_step().  `ex` and opts->params stay borrowed until then.
 * Returns PH_OK: the submission's own errors go to `done`. */
enum ph_rc engine_batch_add(struct engine_batch *b, const struct exercise *ex,
                            const struct engine_opts *opts, struct explain_result *explanation,
                            engine_done_fn done, void *ud, struct ph_err *err);

/* Start what can start, wait up to `timeout_ms` (-1: until a run ends) for
 * runs in flight, and move their gradings on (calling `done` for those that
 * end).  Returns how many gradings are not handed over yet. */
size_t engine_batch_step(struct engine_batch *b, int timeout_ms);

/* engine_batch_step() until every grading is handed over. */
void engine_batch_run(struct engine_batch *b);

/* Kill the runs in flight and drop the gradings not handed over (their
 * `done` is never called).  Accepts NULL. */
void engine_batch_free(struct engine_batch *b);

#endif
