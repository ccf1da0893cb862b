/* Unit tests for harness/perf/: statistics, growth fits, charts, sizes. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "perf_chart.h"
#include "perf_compare.h"
#include "perf_fit.h"
#include "perf_stats.h"
#include "perf_workload.h"

/* Deterministic noise: splitmix64 to a standard normal (Box-Muller). */
static uint64_t rng_state;

static double uniform01(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    return ((double)(z >> 11) + 0.5) / 9007199254740992.0;
}

static double normal(void)
{
    return sqrt(-2 * log(uniform01())) * cos(2 * M_PI * uniform01());
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(hay, needle); p != NULL; p = strstr(p + 1, needle))
        n++;
    return n;
}

Test(perf_stats, the_median_and_quartiles_of_a_known_sample)
{
    const double x[] = {5, 1, 4, 2, 3};
    struct perf_summary s;

    cr_assert_eq(perf_summarize(x, 5, &s), 0);
    cr_assert_float_eq(s.median, 3, 1e-12);
    cr_assert_float_eq(s.q1, 2, 1e-12);
    cr_assert_float_eq(s.q3, 4, 1e-12);
    cr_assert_float_eq(s.mad, 1, 1e-12);
    cr_assert_eq(s.noutliers, 0);
}

Test(perf_stats, an_outlier_is_counted_and_kept)
{
    const double x[] = {10, 10.2, 9.9, 10.1, 10.05, 55};
    struct perf_summary s;

    cr_assert_eq(perf_summarize(x, 6, &s), 0);
    cr_assert_eq(s.noutliers, 1);
    cr_assert_float_eq(s.max, 55, 1e-12, "the outlier stays in the data");
    cr_assert(s.median < 10.2, "the median is not pulled by it: %g", s.median);
}

Test(perf_stats, identical_distributions_give_an_interval_around_one)
{
    double a[40], b[40];
    struct perf_ci ci;

    rng_state = 7;
    for (int i = 0; i < 40; i++) {
        double drift = 1 + 0.3 * sin(i / 3.0); /* the machine slows down and speeds up */
        a[i] = drift * (1 + 0.02 * normal());
        b[i] = drift * (1 + 0.02 * normal());
    }
    cr_assert_eq(perf_ratio_ci(a, b, 40, 2000, 1, &ci), 0);
    cr_assert(ci.lo < 1 && ci.hi > 1, "interval [%g, %g] should contain 1", ci.lo, ci.hi);
    cr_assert_not(ci.significant);
    /* Pairs cancel the drift: the interval is narrow although drift is 30%. */
    cr_assert(perf_ci_halfwidth(&ci) < 0.03, "half-width %g", perf_ci_halfwidth(&ci));
}

Test(perf_stats, a_real_difference_is_significant_and_estimated)
{
    double a[30], b[30];
    struct perf_ci ci;

    rng_state = 11;
    for (int i = 0; i < 30; i++) {
        a[i] = 3.0 * (1 + 0.05 * normal());
        b[i] = 1.0 * (1 + 0.05 * normal());
    }
    cr_assert_eq(perf_ratio_ci(a, b, 30, 2000, 1, &ci), 0);
    cr_assert(ci.significant);
    cr_assert(ci.lo < 3.0 && ci.hi > 3.0, "[%g, %g] should contain 3", ci.lo, ci.hi);
    cr_assert(ci.lo > 2.7 && ci.hi < 3.3, "[%g, %g]", ci.lo, ci.hi);
}

static double curve(enum perf_class c, double n)
{
    switch (c) {
    case PERF_CONSTANT:
        return 4e-6;
    case PERF_LINEAR:
        return 1e-6 + 2e-8 * n;
    case PERF_NLOGN:
        return 1e-6 + 3e-9 * n * log(n);
    case PERF_QUADRATIC:
        return 1e-6 + 1e-10 * n * n;
    default:
        return 0;
    }
}

/* Every seed of noisy data at sizes a user would pick names the class. */
static void recovers(enum perf_class cls, const double *sizes, size_t m, double noise)
{
    for (uint64_t seed = 1; seed <= 50; seed++) {
        double y[PERF_FIT_MAX];
        struct perf_fit fit;
        rng_state = seed * 1000 + (uint64_t)cls;
        for (size_t i = 0; i < m; i++)
            y[i] = curve(cls, sizes[i]) * (1 + noise * normal());
        cr_assert_eq(perf_fit_growth(sizes, y, m, &fit), 0);
        cr_assert_eq(fit.best, cls, "seed %llu: %s fitted as %s (runner-up %s, dAIC %.2f)",
                     (unsigned long long)seed, perf_class_name(cls), perf_class_name(fit.best),
                     perf_class_name(fit.runner_up), fit.delta_aic);
    }
}

static const double decades[] = {1e3, 1e4, 1e5, 1e6};
static const double doublings[] = {500, 1000, 2000, 4000, 8000, 16000};

Test(perf_fit, constant_is_recovered_with_noise)
{
    recovers(PERF_CONSTANT, decades, 4, 0.03);
    recovers(PERF_CONSTANT, doublings, 6, 0.03);
}

Test(perf_fit, linear_is_recovered_with_noise)
{
    recovers(PERF_LINEAR, decades, 4, 0.03);
    recovers(PERF_LINEAR, doublings, 6, 0.03);
}

Test(perf_fit, n_log_n_is_recovered_with_noise)
{
    recovers(PERF_NLOGN, decades, 4, 0.03);
    recovers(PERF_NLOGN, doublings, 6, 0.03);
}

Test(perf_fit, quadratic_is_recovered_with_noise)
{
    recovers(PERF_QUADRATIC, decades, 4, 0.03);
    recovers(PERF_QUADRATIC, doublings, 6, 0.03);
}

Test(perf_fit, a_drift_under_the_tolerance_does_not_make_linear_n_log_n)
{
    /* Per-item cost rising 15% over the sizes, as CPython's small-int cache
     * and the caches do to a linear loop. */
    double y[6];
    struct perf_fit fit;

    for (size_t i = 0; i < 6; i++)
        y[i] = 17e-9 * doublings[i] * (1 + 0.15 * (double)i / 5);
    cr_assert_eq(perf_fit_growth(doublings, y, 6, &fit), 0);
    cr_assert_eq(fit.best, PERF_LINEAR, "fitted as %s", perf_class_name(fit.best));
}

Test(perf_fit, too_few_sizes_is_no_fit)
{
    const double x[] = {10, 100}, y[] = {1, 2};
    struct perf_fit fit;

    cr_assert_eq(perf_fit_growth(x, y, 2, &fit), -1);
    cr_assert_not(fit.ok);
}

Test(perf_fit, evidence_names_a_runner_up_and_residuals)
{
    double y[4];
    struct perf_fit fit;

    for (size_t i = 0; i < 4; i++)
        y[i] = curve(PERF_QUADRATIC, decades[i]);
    cr_assert_eq(perf_fit_growth(decades, y, 4, &fit), 0);
    cr_assert_eq(fit.best, PERF_QUADRATIC);
    cr_assert_neq(fit.runner_up, fit.best);
    cr_assert(fit.delta_aic > 2, "%g", fit.delta_aic);
    cr_assert(fit.max_residual < 0.01, "%g", fit.max_residual);
    cr_assert_str_eq(perf_class_big_o(fit.best), "O(n^2)");
}

Test(perf_chart, an_svg_with_every_series_point_band_and_fit)
{
    struct perf_chart_point pts[2][3] = {
        {{1e3, 1e-4, 9e-5, 1.1e-4}, {1e4, 1e-3, 9e-4, 1.1e-3}, {1e5, 1e-2, 9e-3, 1.1e-2}},
        {{1e3, 2e-4, 2e-4, 2e-4}, {1e4, 4e-3, 4e-3, 4e-3}, {1e5, 9e-2, 8e-2, 1e-1}},
    };
    const double fx[2] = {1e3, 1e5}, fy[2] = {1e-4, 1e-2};
    const double rx[3] = {1e3, 1e3, 1e3}, ry[3] = {1e-4, 1.01e-4, 5e-4};
    const unsigned char ro[3] = {0, 0, 1};
    struct perf_chart_series series[2] = {
        {"a<&>.py", pts[0], 3, fx, fy, 2, rx, ry, ro, 3, NULL},
        {"b.py", pts[1], 3, NULL, NULL, 0, NULL, NULL, NULL, 0, NULL},
    };
    struct perf_chart chart = {"t1",
                               "time",
                               "input size n (items)",
                               "time per call (seconds)",
                               PERF_UNIT_COUNT,
                               PERF_UNIT_SECONDS,
                               1,
                               1,
                               1,
                               series,
                               2};
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);

    cr_assert_not_null(f);
    cr_assert_eq(perf_chart_svg(f, &chart, 0), 0);
    fclose(f);
    cr_assert_eq(count(text, "<svg "), 1);
    cr_assert(strstr(text, "data-series=\"2\"") != NULL);
    cr_assert_eq(count(text, "class=\"series\""), 2);
    cr_assert_eq(count(text, "<g class=\"pt\">"), 6);
    cr_assert_eq(count(text, "class=\"band\""), 2);
    cr_assert_eq(count(text, "class=\"fit\""), 1);
    cr_assert_eq(count(text, "class=\"outlier\""), 1);
    cr_assert(strstr(text, "a&lt;&amp;&gt;.py") != NULL, "names are escaped");
    cr_assert(strstr(text, "a<&>") == NULL);
    cr_assert(strstr(text, "input size n (items) (log scale)") != NULL);
    cr_assert(strstr(text, "100 µs") != NULL, "ticks in the unit");
    /* Nothing to fetch: the only URL is the SVG namespace. */
    cr_assert_eq(count(text, "http"), 1);
    free(text);
}

Test(perf_chart, units_read_as_a_person_would_write_them)
{
    char b[32];

    cr_assert_str_eq(perf_unit_format(0.0123, PERF_UNIT_SECONDS, b, sizeof b), "12.3 ms");
    cr_assert_str_eq(perf_unit_format(1e-6, PERF_UNIT_SECONDS, b, sizeof b), "1 µs");
    cr_assert_str_eq(perf_unit_format(4.1e6, PERF_UNIT_BYTES, b, sizeof b), "4.1 MB");
    cr_assert_str_eq(perf_unit_format(1e4, PERF_UNIT_COUNT, b, sizeof b), "10k");
    cr_assert_str_eq(perf_unit_format(1e6, PERF_UNIT_COUNT, b, sizeof b), "1M");
}

Test(perf_workload, sizes_parse_sort_and_reject)
{
    double s[8];
    size_t n;
    struct ph_err err = {0};

    cr_assert_eq(perf_sizes_parse("1e4,1e3,100000,1e3", "--sizes", s, 8, &n, &err), PH_OK);
    cr_assert_eq(n, 3);
    cr_assert_float_eq(s[0], 1000, 0);
    cr_assert_float_eq(s[2], 100000, 0);
    cr_assert_eq(perf_sizes_parse("1e3,ten", "--sizes", s, 8, &n, &err), PH_EINPUT);
    cr_assert(strstr(err.msg, "--sizes") != NULL, "%s", err.msg);
    ph_err_clear(&err);
    cr_assert_eq(perf_sizes_parse("0.5", "--sizes", s, 8, &n, &err), PH_EINPUT);
}

/* A comparison of two implementations at one size, fed round figures: the
 * baseline b (impl 0) and a (impl 1), on the CPU clock; then analysed. */
static struct perf_workload noise_wl = {
    .name = "w", .unit = "items", .description = "", .sizes = {1000}, .cpu_clock = 1, .nsizes = 1};

static void feed(struct perf_comparison *c, const double *a, const double *b, size_t n)
{
    const double *src[2] = {b, a};

    memset(c, 0, sizeof *c);
    c->nimpls = 2;
    c->baseline = 0;
    for (size_t i = 0; i < 2; i++) {
        c->impls[i].path = strdup(i ? "a.py" : "b.py");
        c->impls[i].name = strdup(c->impls[i].path);
    }
    c->results = calloc(1, sizeof *c->results);
    c->nresults = 1;
    c->results->w = &noise_wl;
    c->results->nsizes = 1;
    c->results->sizes[0] = 1000;
    c->results->cells = calloc(2, sizeof *c->results->cells);
    for (size_t i = 0; i < 2; i++) {
        struct perf_cell *cell = &c->results->cells[i];
        double **arrs[] = {&cell->wall,   &cell->cpu, &cell->peak, &cell->rss,
                           &cell->allocs, &cell->par, &cell->raw};
        for (size_t k = 0; k < sizeof arrs / sizeof arrs[0]; k++) {
            *arrs[k] = calloc(n, sizeof(double));
            memcpy(*arrs[k], src[i], n * sizeof(double));
        }
        cell->state = PERF_CELL_MEASURED;
        cell->nrounds = cell->nraw = n;
    }
    perf_compare_analyse(c, 1000);
}

Test(perf_noise, a_drift_common_to_both_sides_of_each_pair_is_not_noise)
{
    double a[40], b[40];
    struct perf_comparison c;
    const struct perf_cell *cell;

    rng_state = 21;
    for (int i = 0; i < 40; i++) {
        double drift = 1 + 0.3 * sin(i / 3.0);
        a[i] = 1.3 * drift * (1 + 0.01 * normal());
        b[i] = drift * (1 + 0.01 * normal());
    }
    feed(&c, a, b, 40);
    cell = perf_cell_at(&c, 0, 1, 0);
    cr_assert(cell->has_ratio);
    cr_assert_not(cell->noisy, "ratio noise %g, drift %g", cell->ratio_noise, cell->drift);
    cr_assert(cell->noise > PERF_NOISE_LIMIT, "the figures themselves moved: %g", cell->noise);
    cr_assert_eq(c.nnoisy, 0);
    perf_comparison_cleanup(&c);
}

Test(perf_noise, a_ratio_that_moves_between_the_halves_of_the_run_is_noisy)
{
    double a[40], b[40];
    struct perf_comparison c;
    const struct perf_cell *cell;

    rng_state = 22;
    for (int i = 0; i < 40; i++) {
        a[i] = (i < 20 ? 1.2 : 1.4) * (1 + 0.005 * normal());
        b[i] = 1 + 0.005 * normal();
    }
    feed(&c, a, b, 40);
    cell = perf_cell_at(&c, 0, 1, 0);
    cr_assert(cell->noisy);
    cr_assert(cell->drift > 0.1 && cell->drift < 0.2, "drift %g", cell->drift);
    cr_assert_eq(c.nnoisy, 1);
    perf_comparison_cleanup(&c);
}

Test(perf_noise, widely_spread_rounds_are_noisy_even_with_many_of_them)
{
    double a[400], b[400];
    struct perf_comparison c;
    const struct perf_cell *cell;

    rng_state = 23;
    for (int i = 0; i < 400; i++) {
        a[i] = 1.3 * (1 + 0.3 * fabs(normal()));
        b[i] = 1 + 0.3 * fabs(normal());
    }
    feed(&c, a, b, 400);
    cell = perf_cell_at(&c, 0, 1, 0);
    cr_assert(cell->ratio_noise > PERF_RATIO_NOISE_LIMIT, "%g", cell->ratio_noise);
    cr_assert(cell->noisy);
    perf_comparison_cleanup(&c);
}

Test(perf_noise, steady_rounds_are_not_noisy)
{
    double a[20], b[20];
    struct perf_comparison c;
    const struct perf_cell *cell;

    rng_state = 24;
    for (int i = 0; i < 20; i++) {
        a[i] = 1.3 * (1 + 0.01 * normal());
        b[i] = 1 + 0.01 * normal();
    }
    feed(&c, a, b, 20);
    cell = perf_cell_at(&c, 0, 1, 0);
    cr_assert_not(cell->noisy, "halfwidth %g drift %g noise %g", perf_ci_halfwidth(&cell->r_time),
                  cell->drift, cell->ratio_noise);
    cr_assert(cell->noise < 0.03 && cell->ratio_noise < 0.03);
    perf_comparison_cleanup(&c);
}

/* ---- growth against the baseline: the flag needs evidence ---- */

Test(perf_growth, clean_quadratic_against_linear_is_worse)
{
    double base[4], impl[4];
    struct perf_fit fb, fi;
    /* The ratio impl/base at 10^3 and 10^6, with tight intervals. */
    const struct perf_ci first = {0.01, 0.0095, 0.0105, 1}, last = {10, 9.6, 10.4, 1};

    for (size_t i = 0; i < 4; i++) {
        base[i] = 1e-7 * decades[i];
        impl[i] = 1e-11 * decades[i] * decades[i];
    }
    cr_assert_eq(perf_fit_growth(decades, base, 4, &fb), 0);
    cr_assert_eq(perf_fit_growth(decades, impl, 4, &fi), 0);
    cr_assert_eq(fb.best, PERF_LINEAR);
    cr_assert_eq(fi.best, PERF_QUADRATIC);
    cr_assert_eq(perf_growth_compare(&fi, &fb, &first, &last), PERF_GROWTH_WORSE);
    /* The same fits with intervals that overlap: the ratio did not grow
     * beyond its noise, so the flag is not raised. */
    {
        const struct perf_ci wide_first = {0.5, 0.2, 3, 0}, wide_last = {1, 0.3, 4, 0};
        cr_assert_eq(perf_growth_compare(&fi, &fb, &wide_first, &wide_last), PERF_GROWTH_UNCLEAR);
        cr_assert_eq(perf_growth_compare(&fi, &fb, NULL, NULL), PERF_GROWTH_UNCLEAR);
    }
    /* The baseline against itself, and the lower class against the higher. */
    cr_assert_eq(perf_growth_compare(&fb, &fb, &first, &last), PERF_GROWTH_NO_WORSE);
    cr_assert_eq(perf_growth_compare(&fb, &fi, &first, &last), PERF_GROWTH_NO_WORSE);
    cr_assert_str_eq(perf_growth_vs_name(PERF_GROWTH_UNCLEAR), "not distinguishable");
}

Test(perf_growth, a_noisy_linear_series_named_higher_is_not_distinguishable)
{
    /* A linear cost measured with 35% noise (a busy machine): the fit names
     * a class above linear, but the data do not reject linear, and the
     * ratios' intervals overlap. */
    const double noise[4] = {-0.30, 0.05, -0.10, 0.35};
    const struct perf_ci first = {0.8, 0.55, 1.25, 0}, last = {1.3, 0.8, 2.1, 0};
    double base[4], impl[4];
    struct perf_fit fb, fi;

    for (size_t i = 0; i < 4; i++) {
        base[i] = 1e-7 * decades[i];
        impl[i] = 1e-7 * decades[i] * (1 + noise[i]);
    }
    cr_assert_eq(perf_fit_growth(decades, base, 4, &fb), 0);
    cr_assert_eq(perf_fit_growth(decades, impl, 4, &fi), 0);
    cr_assert_eq(fb.best, PERF_LINEAR);
    /* The case under test: a higher class named on noise alone. */
    cr_assert_gt(fi.best, PERF_LINEAR, "fitted as %s", perf_class_name(fi.best));
    cr_assert_eq(perf_growth_compare(&fi, &fb, &first, &last), PERF_GROWTH_UNCLEAR);
    /* Even with intervals that are apart, the fits' evidence is missing. */
    {
        const struct perf_ci tight_first = {0.7, 0.68, 0.72, 1}, tight_last = {1.35, 1.3, 1.4, 1};
        cr_assert_eq(perf_growth_compare(&fi, &fb, &tight_first, &tight_last), PERF_GROWTH_UNCLEAR,
                     "dAIC %.2f", fi.models[fb.best].aic - fi.models[fi.best].aic);
    }
}
