/* Unit tests for ratio.c and the duration format reports share. */
#include <criterion/criterion.h>
#include <string.h>

#include "fileio.h"
#include "ratio.h"

Test(ratio, a_time_ratio_reads_the_same_whichever_way_the_spec_divides)
{
    enum ratio_kind k;
    int top;
    char a[96], b[96];

    cr_assert_eq(ratio_classify("ref.measure.t.wall_ns", "cand.measure.t.wall_ns", &k, &top), 0);
    cr_assert_eq(k, RATIO_TIME);
    cr_assert_eq(top, 0);
    /* reference / yours = 0.25 and yours / reference = 4: one sentence. */
    ratio_phrase(top ? 0.25 : 1 / 0.25, k, a, sizeof a);
    cr_assert_eq(ratio_classify("cand.measure.t.wall_ns", "ref.measure.t.wall_ns", &k, &top), 0);
    ratio_phrase(top ? 4.0 : 1 / 4.0, k, b, sizeof b);
    cr_assert_str_eq(a, "4.00x slower than the reference");
    cr_assert_str_eq(b, a);
}

Test(ratio, faster_less_and_the_same_are_said_in_words)
{
    char buf[96];

    cr_assert_str_eq(ratio_phrase(0.5, RATIO_TIME, buf, sizeof buf),
                     "2.00x faster than the reference");
    cr_assert_str_eq(ratio_phrase(0.25, RATIO_MEMORY, buf, sizeof buf),
                     "4.00x less memory than the reference");
    cr_assert_str_eq(ratio_phrase(1.02, RATIO_TIME, buf, sizeof buf),
                     "about as fast as the reference");
    cr_assert_str_eq(ratio_phrase(23.0, RATIO_TIME, buf, sizeof buf),
                     "23.0x slower than the reference");
}

Test(ratio, figures_of_different_kinds_or_roles_are_not_named)
{
    enum ratio_kind k;
    int top;

    cr_assert_eq(ratio_classify("cand.measure.t.wall_ns", "ref.measure.t.py_peak_bytes", &k, &top),
                 -1);
    cr_assert_eq(ratio_classify("cand.measure.a.wall_ns", "cand.measure.b.wall_ns", &k, &top), -1);
    cr_assert_eq(ratio_classify("cand.obs.count", "ref.obs.count", &k, &top), -1);
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
