/*
 * perf_stats.h - the statistics of a performance comparison: robust
 * summaries of a set of timings (median, quartiles, MAD, Tukey's outlier
 * fences) and the ratio of two implementations' medians with a 95%
 * bootstrap interval.
 *
 * Why these: timings on a shared machine are skewed by interruptions, so
 * medians and quartiles describe them better than means and standard
 * deviations (pyperf reports the median for the same reason).  Outliers are
 * counted and kept, never dropped: they stay in every statistic computed
 * from ranks, where they cannot pull the estimate.  Pure functions over
 * arrays the caller owns; no allocation survives a call.
 */
#ifndef PH_PERF_STATS_H
#define PH_PERF_STATS_H

#include <stddef.h>
#include <stdint.h>

struct perf_summary {
    size_t n;
    double median, q1, q3, min, max;
    double mad;       /* median absolute deviation from the median */
    double lo_fence;  /* q1 - 1.5 IQR: values below are outliers (kept) */
    double hi_fence;  /* q3 + 1.5 IQR */
    size_t noutliers; /* values outside the fences */
};

/* Summarise x[0..n) (n may be 0: everything is then 0).  x is borrowed and
 * left as it is.  0, or -1 when out of memory. */
int perf_summarize(const double *x, size_t n, struct perf_summary *out);

/* 1 when v lies outside the Tukey fences of `s`. */
int perf_is_outlier(const struct perf_summary *s, double v);

struct perf_ci {
    double est; /* median(num) / median(den) */
    double lo, hi;
    int significant; /* the interval excludes 1 */
};

/*
 * The ratio median(num) / median(den) with a 95% percentile-bootstrap
 * interval.  num[i] and den[i] were measured in the same round (next to
 * each other in time), so the bootstrap resamples rounds, keeping the pairs:
 * a slow spell of the machine then moves both sides of a pair and not the
 * ratio.  `seed` makes the interval reproducible.  0, or -1 when n < 2 or
 * out of memory (out->est is still set when n >= 1).
 */
int perf_ratio_ci(const double *num, const double *den, size_t n, unsigned iters, uint64_t seed,
                  struct perf_ci *out);

/* Relative half-width of an interval: (hi - lo) / (2 est); HUGE_VAL if est <= 0. */
double perf_ci_halfwidth(const struct perf_ci *ci);

#endif
