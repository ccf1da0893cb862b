/*
 * perf_fit.h - which growth class a series of (size, cost) points follows.
 *
 * Every class is fitted as cost = a + b f(n) (f = 1, log n, n, n log n, n^2,
 * n^3) or cost = a e^(b n) (exponential), and all of them are then scored on
 * one scale: the residuals ln(cost / fitted), which make a 10% miss at
 * n = 10^3 count as much as one at n = 10^6, and Akaike's information
 * criterion over those residuals, AIC = m ln(RSS / m) + 2k, so a class with
 * more parameters has to earn them.  Misses under PERF_FIT_TOLERANCE count as
 * exact, and among the classes within 2 AIC of the best the simplest is
 * named (the data cannot tell them apart).  The runner-up and its AIC
 * difference are kept as the evidence.  Pure functions; the caller owns
 * everything.
 */
#ifndef PH_PERF_FIT_H
#define PH_PERF_FIT_H

#include <stddef.h>

#include "perf_stats.h"

enum perf_class {
    PERF_CONSTANT,
    PERF_LOG,
    PERF_LINEAR,
    PERF_NLOGN,
    PERF_QUADRATIC,
    PERF_CUBIC,
    PERF_EXPONENTIAL,
    PERF_NCLASSES,
};

/* Relative miss under which a class fits a point exactly (see perf_fit.c). */
#define PERF_FIT_TOLERANCE 0.08

/* Most points a fit takes: sizes a user asks for, not a data set. */
#define PERF_FIT_MAX 64

struct perf_model {
    enum perf_class cls;
    int valid; /* fitted with a positive curve at every point */
    double a, b;
    int k;      /* parameters */
    double rss; /* sum of squared log residuals */
    double aic;
};

struct perf_fit {
    int ok; /* at least 3 distinct sizes with positive costs */
    size_t m;
    struct perf_model models[PERF_NCLASSES];
    enum perf_class best, runner_up;
    double delta_aic;               /* runner-up's AIC minus the named class's */
    double weight;                  /* Akaike weight of the best class, 0..1 */
    double residuals[PERF_FIT_MAX]; /* best class: cost / fitted - 1 at each point */
    double max_residual;            /* largest |residual| */
};

/*
 * Fit x[0..m) (sizes, > 0) against y[0..m) (costs, > 0).  Returns 0 and
 * fills `out`; -1 (out->ok = 0) when there are fewer than 3 usable points
 * or more than PERF_FIT_MAX.
 */
int perf_fit_growth(const double *x, const double *y, size_t m, struct perf_fit *out);

/* How an implementation's growth compares with the baseline's. */
enum perf_growth_vs {
    PERF_GROWTH_NO_WORSE, /* the same class or a lower one (or no fit) */
    PERF_GROWTH_WORSE,    /* a higher class, and the evidence holds */
    PERF_GROWTH_UNCLEAR,  /* a higher class named, but not distinguishable */
};

/* The AIC difference on an implementation's own figures by which the
 * baseline's class must fit them worse than its own class. */
#define PERF_GROWTH_MIN_DAIC 6.0

/*
 * Is `impl`'s growth worse than `base`'s?  Only when both say so:
 *  - the fits: on impl's own figures, the baseline's class has an AIC at
 *    least PERF_GROWTH_MIN_DAIC above impl's named class (the data reject
 *    the baseline's growth for this implementation);
 *  - the intervals: the ratio impl/base at the largest size (`last`) is
 *    above the one at the smallest size (`first`), their 95% intervals
 *    apart (the ratio grows beyond its noise).
 * A higher class without both is PERF_GROWTH_UNCLEAR ("not
 * distinguishable").  `first`/`last` may be NULL (no ratios): unclear.
 */
enum perf_growth_vs perf_growth_compare(const struct perf_fit *impl, const struct perf_fit *base,
                                        const struct perf_ci *first, const struct perf_ci *last);

/* "worse", "not distinguishable", "no worse". */
const char *perf_growth_vs_name(enum perf_growth_vs v);

/* The fitted cost at size n. */
double perf_model_eval(const struct perf_model *model, double n);

/* "constant", "logarithmic", "linear", "n log n", "quadratic", "cubic", "exponential". */
const char *perf_class_name(enum perf_class c);

/* "O(1)", "O(log n)", ... */
const char *perf_class_big_o(enum perf_class c);

#endif
