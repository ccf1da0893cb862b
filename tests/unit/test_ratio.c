/* Unit tests for ratio.c and the duration format reports share. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "fileio.h"
#include "ratio.h"

Test(ratio, a_time_ratio_reads_the_same_whichever_way_the_spec_divides)
{
    struct ratio_pair p;
    char a[96], b[96];

    cr_assert_eq(ratio_classify("ref.measure.t.wall_ns", "cand.measure.t.wall_ns", &p), 0);
    cr_assert_eq(p.kind, RATIO_TIME);
    cr_assert_eq(p.other, RATIO_REFERENCE);
    cr_assert_eq(p.cand_on_top, 0);
    /* reference 10 ms, yours 40 ms: one sentence whichever way the quotient goes. */
    ratio_phrase(40e6, 10e6, p.kind, ratio_other_name(p.other), a, sizeof a);
    cr_assert_eq(ratio_classify("cand.measure.t.wall_ns", "ref.measure.t.wall_ns", &p), 0);
    cr_assert_eq(p.cand_on_top, 1);
    ratio_phrase_of(4.0, p.kind, ratio_other_name(p.other), b, sizeof b);
    cr_assert_str_eq(a, "4.00x slower than the reference");
    cr_assert_str_eq(b, a);
}

Test(ratio, a_baseline_is_named_as_the_baseline)
{
    struct ratio_pair p;
    char buf[96];

    cr_assert_eq(ratio_classify("base.measure.corpus.cpu_ns", "cand.measure.corpus.cpu_ns", &p), 0);
    cr_assert_eq(p.other, RATIO_BASELINE);
    cr_assert_str_eq(ratio_phrase(1e6, 5e6, p.kind, ratio_other_name(p.other), buf, sizeof buf),
                     "5.00x faster than the baseline");
}

Test(ratio, faster_less_and_the_same_are_said_in_words)
{
    char buf[96];

    cr_assert_str_eq(ratio_phrase_of(0.5, RATIO_TIME, "the reference", buf, sizeof buf),
                     "2.00x faster than the reference");
    cr_assert_str_eq(ratio_phrase_of(0.25, RATIO_MEMORY, "the reference", buf, sizeof buf),
                     "4.00x less memory than the reference");
    cr_assert_str_eq(ratio_phrase_of(4, RATIO_MEMORY, "the reference", buf, sizeof buf),
                     "4.00x more memory than the reference");
    cr_assert_str_eq(ratio_phrase_of(23.0, RATIO_TIME, "the reference", buf, sizeof buf),
                     "23.0x slower than the reference");
    cr_assert_str_eq(ratio_phrase_of(230.0, RATIO_TIME, NULL, buf, sizeof buf), "230x slower");
}

Test(ratio, equal_figures_and_the_five_percent_band_are_about_the_same)
{
    char buf[96];

    cr_assert_str_eq(ratio_phrase(7e6, 7e6, RATIO_TIME, "the reference", buf, sizeof buf),
                     "about as fast as the reference");
    cr_assert_str_eq(ratio_phrase_of(1.05, RATIO_TIME, "the reference", buf, sizeof buf),
                     "about as fast as the reference");
    cr_assert_str_eq(ratio_phrase_of(1 / 1.05, RATIO_TIME, "the reference", buf, sizeof buf),
                     "about as fast as the reference");
    cr_assert_str_eq(ratio_phrase_of(1.06, RATIO_TIME, "the reference", buf, sizeof buf),
                     "1.06x slower than the reference");
    cr_assert_str_eq(ratio_phrase(4096, 4000, RATIO_MEMORY, "the reference", buf, sizeof buf),
                     "about as much memory as the reference");
}

Test(ratio, zero_figures_are_said_in_words_never_inf_or_nan)
{
    char buf[96];

    cr_assert_str_eq(ratio_phrase(0, 5e6, RATIO_TIME, "the reference", buf, sizeof buf),
                     "took no measurable time (the reference did)");
    cr_assert_str_eq(ratio_phrase(5e6, 0, RATIO_TIME, "the reference", buf, sizeof buf),
                     "the reference took no measurable time");
    cr_assert_str_eq(ratio_phrase(0, 0, RATIO_MEMORY, "the reference", buf, sizeof buf),
                     "used no measurable memory, nor did the reference");
    cr_assert_str_eq(ratio_phrase_of(0, RATIO_TIME, "the reference", buf, sizeof buf),
                     "not measured");
}

Test(ratio, missing_figures_are_not_measured)
{
    char buf[96];

    cr_assert_str_eq(ratio_phrase(NAN, 5e6, RATIO_TIME, "the reference", buf, sizeof buf),
                     "not measured");
    cr_assert_str_eq(ratio_phrase(5e6, -1, RATIO_TIME, "the reference", buf, sizeof buf),
                     "not measured");
    cr_assert_str_eq(ratio_phrase_of(NAN, RATIO_TIME, "the reference", buf, sizeof buf),
                     "not measured");
    cr_assert_str_eq(ratio_bound(-2, RATIO_TIME, buf, sizeof buf), "not measured");
}

Test(ratio, huge_factors_are_capped_in_words)
{
    char buf[96];

    cr_assert_str_eq(ratio_phrase(1e18, 1, RATIO_TIME, "the reference", buf, sizeof buf),
                     "over 1000000x slower than the reference");
    cr_assert_str_eq(ratio_phrase(1, 1e18, RATIO_TIME, "the reference", buf, sizeof buf),
                     "over 1000000x faster than the reference");
    cr_assert_str_eq(ratio_phrase_of(INFINITY, RATIO_MEMORY, "the reference", buf, sizeof buf),
                     "over 1000000x more memory than the reference");
    cr_assert_str_eq(ratio_phrase_of(999999, RATIO_TIME, NULL, buf, sizeof buf), "999999x slower");
}

Test(ratio, bounds_are_exact_and_have_no_object)
{
    char buf[96];

    cr_assert_str_eq(ratio_bound(2.0, RATIO_TIME, buf, sizeof buf), "2.00x slower");
    cr_assert_str_eq(ratio_bound(1 / 0.85, RATIO_TIME, buf, sizeof buf), "1.18x slower");
    cr_assert_str_eq(ratio_bound(0.2, RATIO_TIME, buf, sizeof buf), "5.00x faster");
    cr_assert_str_eq(ratio_bound(1.0, RATIO_TIME, buf, sizeof buf), "the same speed");
    cr_assert_str_eq(ratio_bound(1.02, RATIO_TIME, buf, sizeof buf), "1.02x slower");
    /* What would print as "1.00x faster" is the same. */
    cr_assert_str_eq(ratio_bound(0.998, RATIO_TIME, buf, sizeof buf), "the same speed");
    cr_assert_str_eq(ratio_bound(1.004, RATIO_MEMORY, buf, sizeof buf), "the same memory");
}

Test(ratio, a_factor_is_written_one_way_everywhere)
{
    char buf[32];

    cr_assert_str_eq(ratio_factor_text(1.5, buf, sizeof buf), "1.50x");
    cr_assert_str_eq(ratio_factor_text(64.94, buf, sizeof buf), "64.9x");
    cr_assert_str_eq(ratio_factor_text(828.8, buf, sizeof buf), "829x");
    cr_assert_str_eq(ratio_factor_text(INFINITY, buf, sizeof buf), "over 1000000x");
    cr_assert_str_eq(ratio_factor_text(NAN, buf, sizeof buf), "n/a");
}

Test(ratio, the_factor_of_a_confidence_interval_turns_with_the_estimate)
{
    int worse;

    cr_assert_float_eq(ratio_factor(0.5, &worse), 2.0, 1e-12);
    cr_assert_eq(worse, 0);
    cr_assert_float_eq(ratio_factor(3.0, &worse), 3.0, 1e-12);
    cr_assert_eq(worse, 1);
    cr_assert_float_eq(ratio_factor(1.0, &worse), 1.0, 1e-12);
}

Test(ratio, figures_of_different_kinds_or_roles_are_not_named)
{
    struct ratio_pair p;

    cr_assert_eq(ratio_classify("cand.measure.t.wall_ns", "ref.measure.t.py_peak_bytes", &p), -1);
    cr_assert_eq(p.kind, RATIO_UNKNOWN);
    cr_assert_eq(ratio_classify("cand.measure.a.wall_ns", "cand.measure.b.wall_ns", &p), -1);
    cr_assert_eq(ratio_classify("cand.obs.count", "ref.obs.count", &p), -1);
    cr_assert_eq(ratio_classify("cand.measure.processes.speedup",
                                "cand.measure.processes.speedup_possible", &p),
                 -1);
    cr_assert_eq(ratio_classify(NULL, "cand.measure.a.wall_ns", &p), -1);
}

Test(duration, fast_operations_are_in_microseconds_not_zero_milliseconds)
{
    char buf[32];

    cr_assert_str_eq(fileio_human_duration(840e3, buf, sizeof buf), "840 \xc2\xb5s");
    cr_assert_str_eq(fileio_human_duration(12.34e6, buf, sizeof buf), "12.3 ms");
    cr_assert_str_eq(fileio_human_duration(4.2e9, buf, sizeof buf), "4.20 s");
    cr_assert_str_eq(fileio_human_duration(999.9e3, buf, sizeof buf), "1.00 ms");
    cr_assert_str_eq(fileio_human_duration(150, buf, sizeof buf), "150 ns");
}
