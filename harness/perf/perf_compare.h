/*
 * perf_compare.h - comparing implementations of one exercise as the input
 * grows: correctness first, then interleaved, adaptive measurement of the
 * exercise's sized workloads, then ratios with intervals and growth fits.
 *
 * How it measures, and why (Georges, Buytaert & Eeckhout 2007; pyperf):
 * - every sample is a fresh sandboxed worker forked from the exercise's
 *   host, so no run inherits another's heap, caches or JIT-like warm state;
 *   inside it, `warmup` unmeasured calls, then `values` measured ones of
 *   `loops` calls each (on the CPU clock 3 values of ~10 ms, which puts the
 *   clock's resolution and the fork's noise far below it; on the wall clock
 *   up to 15 values of ~2 ms, so that some fall between two preemptions of
 *   a busy machine); the worker's smallest value is the round's figure;
 * - every 2 rounds the workers come from a new exec'd host, with its own
 *   memory layout, so no one layout decides a whole invocation's ratio;
 * - a round runs every implementation once per size, the order rotated
 *   each round (A B C, B C A, C A B), so a change in the machine's speed
 *   hits all of them alike, and the ratio of two implementations is taken
 *   over rounds, pair by pair (perf_ratio_ci);
 * - rounds (at least 10 on the CPU clock, 20 on the wall clock) continue
 *   until every ratio's 95% interval is within ±precision of its estimate
 *   and the two halves of the rounds agree within 3%, or the time budget
 *   is spent: the result says which.  A size whose ratios are already
 *   tight stops early.  A ratio that still cannot be reproduced to 3% is
 *   marked noisy, with the noise measured (perf_cell.noisy);
 * - an implementation too slow at one size (a call would take longer than
 *   its share of the budget) is not run at the larger ones, and says so.
 *
 * The caller owns a struct perf_comparison and releases it with
 * perf_comparison_cleanup().  The interpreter must be initialised.
 */
#ifndef PH_PERF_COMPARE_H
#define PH_PERF_COMPARE_H

#include <stddef.h>
#include <stdio.h>

#include "err.h"
#include "perf_fit.h"
#include "perf_stats.h"
#include "perf_workload.h"

struct exercise;

#define PERF_MAX_IMPLS 8
#define PERF_MAX_VALUES 16 /* measured values per worker */

enum perf_correct {
    PERF_CORRECT,     /* every check passed */
    PERF_CORRECT_BUT, /* right results, but some rule of the exercise failed (notes) */
    PERF_WRONG,       /* a wrong result, an exception, a crash: not timed */
    PERF_UNCHECKED,   /* the exercise's own reference: the answer key */
};

struct perf_impl {
    char *path;       /* file measured */
    char *name;       /* as reports name it */
    int is_reference; /* the exercise's reference.py */
    enum perf_correct correct;
    char *verdict; /* the run's verdict ("passed", "failed", ...) */
    char *why;     /* for PERF_WRONG and PERF_CORRECT_BUT: which check, what */
};

enum perf_cell_state {
    PERF_CELL_MEASURED,
    PERF_CELL_SKIPPED, /* too slow at a smaller size, or wrong */
    PERF_CELL_FAILED,  /* the workload raised or the worker died */
};

/* Significance of a ratio to the baseline. */
enum perf_sig {
    PERF_SIG_NONE,       /* the interval contains 1 */
    PERF_SIG_NEGLIGIBLE, /* excludes 1, but within ±PERF_NEGLIGIBLE of it */
    PERF_SIG_DIFFERENT,
};

/* Memory fits add this to every peak, and a memory difference smaller than
 * this is never called significant: a few hundred bytes of frames and small
 * objects say nothing about how memory grows, and log residuals need > 0. */
#define PERF_MEM_SLACK_BYTES 1024.0

/* Differences smaller than this are below what repeated invocations of
 * compare reproduce (the stability goal), so they are not called differences. */
#define PERF_NEGLIGIBLE 0.03

/* Round figures that spread more than this (robust coefficient of
 * variation, 1.4826 MAD / median) were disturbed in most workers, not in a
 * few: their median then follows how busy the machine was while they ran,
 * and another invocation on a quieter or busier machine gives another
 * figure, whatever the bootstrap interval says.  Applied to a cell's own
 * figures (shown as noisy) and to the per-round ratios of a pair (the
 * ratio is then noisy): a slow drift of the machine moves both sides of a
 * pair, so it counts against the first and not the second. */
#define PERF_NOISE_LIMIT 0.05
#define PERF_RATIO_NOISE_LIMIT 0.10

/* One implementation at one size of one workload.  Figures per call. */
struct perf_cell {
    enum perf_cell_state state;
    char note[256];
    size_t loops, warmup, values;
    double calib_s; /* one call, from the calibration run */
    size_t nrounds;
    /* Per round (the median of the worker's values): */
    double *wall, *cpu, *peak, *rss, *allocs, *par;
    /* Every value measured (per call, on the workload's clock), for the
     * charts and the outlier counts. */
    double *raw;
    size_t nraw;
    struct perf_summary s_wall, s_cpu, s_peak, s_rss, s_allocs, s_par, s_raw;
    /* Ratios to the baseline at this size.  r_time is the workload's clock
     * (r_cpu or r_wall): the one the stopping rule and the summary use. */
    struct perf_ci r_wall, r_cpu, r_peak, r_time;
    enum perf_sig sig_wall, sig_cpu, sig_peak, sig_time;
    int has_ratio;
    /* How reproducible the time figures are (see PERF_NOISE_LIMIT): */
    double noise;       /* robust CV of the round figures on the workload's clock */
    double ratio_noise; /* robust CV of the per-round ratios to the baseline */
    double drift;       /* |ratio on the first half of the rounds - on the second| / ratio */
    /* The ratio is not reproducible to PERF_NEGLIGIBLE: its interval or its
     * drift is wider, or its per-round ratios spread past
     * PERF_RATIO_NOISE_LIMIT.  Reports then give the interval and the
     * measured noise, not a bare figure. */
    int noisy;
};

struct perf_workload_result {
    const struct perf_workload *w; /* borrowed from the caller's perf_workloads */
    double sizes[PERF_WORKLOAD_MAX_SIZES];
    size_t nsizes;
    struct perf_cell *cells; /* [impl * nsizes + size] */
    struct perf_fit time_fit[PERF_MAX_IMPLS], mem_fit[PERF_MAX_IMPLS];
    /* Growth against the baseline's (perf_growth_compare): worse only when
     * the fits' AIC and the ratios' intervals say so; a higher class without
     * that evidence is "not distinguishable" (the *_unclear flags). */
    int time_worse[PERF_MAX_IMPLS], mem_worse[PERF_MAX_IMPLS];
    int time_unclear[PERF_MAX_IMPLS], mem_unclear[PERF_MAX_IMPLS];
};

struct perf_options {
    const struct exercise *ex;              /* borrowed */
    const struct perf_workloads *workloads; /* borrowed */
    const long *only;                       /* indices into workloads to run; NULL: all */
    size_t nonly;
    const double *sizes; /* override every workload's sizes; NULL: declared ones */
    size_t nsizes;
    double budget_s;       /* default 60 */
    double precision;      /* target relative half-width of every ratio's CI; default 0.01 */
    size_t min_rounds;     /* 0: 10 on the CPU clock, 20 on the wall clock */
    size_t max_rounds;     /* default 400 */
    double target_value_s; /* one measured value on the CPU clock; default 0.01 */
    int sequential;        /* 1: no interleaving (A A A ... B B B), for the benchmark */
    int skip_correctness;  /* the benchmark's pair is known to be correct */
    FILE *progress;        /* NULL: quiet */
};

struct perf_comparison {
    char *exercise, *title;
    struct perf_impl impls[PERF_MAX_IMPLS];
    size_t nimpls;
    size_t baseline; /* index into impls */
    struct perf_workload_result *results;
    size_t nresults;
    double budget_s, precision, elapsed_s, check_s;
    size_t rounds; /* measured rounds (calibration not counted) */
    int converged; /* every ratio's interval reached the precision */
    int sequential;
    size_t nnoisy;       /* ratios (cells) marked noisy */
    double cpu_pressure; /* share of the measuring time some task waited for a CPU
                          * (/proc/pressure/cpu "some"); -1: not available */
    char stop[200];      /* why sampling stopped, in a sentence */
    char python[32];
    int cpus;
};

struct perf_impl_spec {
    const char *path; /* borrowed */
    const char *name; /* borrowed; NULL: the path */
    int is_reference;
};

/*
 * Check and measure `impls` (at most PERF_MAX_IMPLS), `baseline` indexing
 * the one the ratios divide by.  PH_OK with `out` filled (wrong
 * implementations included, marked); PH_EINPUT for a file that cannot be
 * read; an engine error otherwise.
 */
enum ph_rc perf_compare_run(const struct perf_options *opts, const struct perf_impl_spec *impls,
                            size_t nimpls, size_t baseline, struct perf_comparison *out,
                            struct ph_err *err);

void perf_comparison_cleanup(struct perf_comparison *c);

/*
 * Run workload `w` of `ex` once on `path` (the exercise's reference.py when
 * is_reference) at size n, in a fresh worker of a pool of its own: one call,
 * no warm-up.  For `pyharness validate`.  PH_OK with *ok set: 1 and *call_s
 * the call's time on the workload's clock, or 0 and `why` (cap bytes) saying
 * what went wrong; an engine error otherwise.  Everything is borrowed.
 */
enum ph_rc perf_workload_try(const struct exercise *ex, const struct perf_workload *w,
                             const char *path, int is_reference, double n, int *ok, char *why,
                             size_t cap, double *call_s, struct ph_err *err);

/* The cell of implementation i at size index s. */
struct perf_cell *perf_cell_at(const struct perf_comparison *c, size_t wl, size_t i, size_t s);

const char *perf_correct_name(enum perf_correct c); /* "correct", "wrong", ... */

/* Recompute every statistic, ratio and fit from the samples (bootstrap
 * with `iters` resamples). Exposed for the tests, which feed samples. */
void perf_compare_analyse(struct perf_comparison *c, unsigned iters);

#endif
