/* perf_stats.c - see perf_stats.h. */
#include "perf_stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define TUKEY_K 1.5 /* Tukey's fences: the usual boxplot whiskers */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

/* Quantile q in [0, 1] of x[0..n), linearly interpolated between order
 * statistics (type 7, as numpy and R by default).  x is sorted in place. */
static double perf_quantile_sorted(double *x, size_t n, double q)
{
    double pos, frac;
    size_t i;

    if (n == 0)
        return 0;
    qsort(x, n, sizeof *x, cmp_double);
    pos = q * (double)(n - 1);
    i = (size_t)pos;
    if (i + 1 >= n)
        return x[n - 1];
    frac = pos - (double)i;
    return x[i] + frac * (x[i + 1] - x[i]);
}

int perf_summarize(const double *x, size_t n, struct perf_summary *out)
{
    double *v;
    double iqr;

    memset(out, 0, sizeof *out);
    out->n = n;
    if (n == 0)
        return 0;
    v = malloc(n * sizeof *v);
    if (v == NULL)
        return -1;
    memcpy(v, x, n * sizeof *v);
    out->median = perf_quantile_sorted(v, n, 0.5);
    out->q1 = perf_quantile_sorted(v, n, 0.25);
    out->q3 = perf_quantile_sorted(v, n, 0.75);
    out->min = v[0];
    out->max = v[n - 1];
    for (size_t i = 0; i < n; i++)
        v[i] = fabs(x[i] - out->median);
    out->mad = perf_quantile_sorted(v, n, 0.5);
    free(v);
    iqr = out->q3 - out->q1;
    out->lo_fence = out->q1 - TUKEY_K * iqr;
    out->hi_fence = out->q3 + TUKEY_K * iqr;
    for (size_t i = 0; i < n; i++)
        out->noutliers += perf_is_outlier(out, x[i]);
    return 0;
}

int perf_is_outlier(const struct perf_summary *s, double v)
{
    return s->n >= 4 && (v < s->lo_fence || v > s->hi_fence);
}

/* splitmix64: small, fast, and good enough to pick bootstrap indices. */
static uint64_t next_random(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

int perf_ratio_ci(const double *num, const double *den, size_t n, unsigned iters, uint64_t seed,
                  struct perf_ci *out)
{
    double *a = NULL, *b = NULL, *ratios = NULL;
    double mn, md;
    uint64_t state = seed;
    int rc = -1;

    memset(out, 0, sizeof *out);
    if (n == 0)
        return -1;
    a = malloc(n * sizeof *a);
    b = malloc(n * sizeof *b);
    ratios = malloc((iters ? iters : 1) * sizeof *ratios);
    if (a == NULL || b == NULL || ratios == NULL)
        goto out;
    memcpy(a, num, n * sizeof *a);
    memcpy(b, den, n * sizeof *b);
    mn = perf_quantile_sorted(a, n, 0.5);
    md = perf_quantile_sorted(b, n, 0.5);
    out->est = md > 0 ? mn / md : HUGE_VAL;
    out->lo = out->hi = out->est;
    if (n < 2 || iters == 0)
        goto out;
    for (unsigned it = 0; it < iters; it++) {
        for (size_t i = 0; i < n; i++) {
            size_t k = (size_t)(next_random(&state) % n);
            a[i] = num[k];
            b[i] = den[k];
        }
        mn = perf_quantile_sorted(a, n, 0.5);
        md = perf_quantile_sorted(b, n, 0.5);
        ratios[it] = md > 0 ? mn / md : HUGE_VAL;
    }
    out->lo = perf_quantile_sorted(ratios, iters, 0.025);
    out->hi = perf_quantile_sorted(ratios, iters, 0.975);
    out->significant = out->lo > 1.0 || out->hi < 1.0;
    rc = 0;
out:
    free(a);
    free(b);
    free(ratios);
    return rc;
}

double perf_ci_halfwidth(const struct perf_ci *ci)
{
    if (!(ci->est > 0) || !isfinite(ci->est))
        return HUGE_VAL;
    return (ci->hi - ci->lo) / (2 * ci->est);
}
