/* Unit tests for steady.c: which runs the engine repeats to steady a
 * performance mark, read from every path of the ratio's operands. */
#include <criterion/criterion.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "exercise.h"
#include "rules.h"
#include "steady.h"

/* A performance spec whose ratio is `num` / `den` as exercise.json writes them. */
static void perf_of(struct exercise_perf *perf, const char *num, const char *den)
{
    struct ph_err err = {0};
    cJSON *jn = cJSON_CreateString(num), *jd = cJSON_CreateString(den);

    memset(perf, 0, sizeof *perf);
    perf->present = 1;
    cr_assert_eq(rules_compile_quotient(jn, "test", "performance.ratio.num", &perf->num, &err),
                 PH_OK, "%s", err.msg);
    cr_assert_eq(rules_compile_operand(jd, "test", "performance.ratio.den", &perf->den, &err),
                 PH_OK, "%s", err.msg);
    cJSON_Delete(jn);
    cJSON_Delete(jd);
}

static void perf_done(struct exercise_perf *perf)
{
    rules_operand_cleanup(&perf->num);
    rules_operand_cleanup(&perf->den);
}

Test(steady, plain_ratio)
{
    struct exercise_perf perf;
    int uses[STEADY_NSIDES];

    perf_of(&perf, "ref.measure.big.py_peak_bytes", "cand.measure.big.py_peak_bytes");
    cr_assert_eq(steady_sides(&perf, uses), 1);
    cr_assert_eq(uses[STEADY_CAND], 1);
    cr_assert_eq(uses[STEADY_REF], 1);
    cr_assert_eq(uses[STEADY_BASE], 0);
    perf_done(&perf);
}

Test(steady, quotient_numerator)
{
    struct exercise_perf perf;
    int uses[STEADY_NSIDES];

    perf_of(&perf, "ref.measure.a.wall_ns / base.measure.a.wall_ns", "ref.measure.b.wall_ns");
    cr_assert_eq(steady_sides(&perf, uses), 1);
    cr_assert_eq(uses[STEADY_CAND], 0);
    cr_assert_eq(uses[STEADY_REF], 1);
    cr_assert_eq(uses[STEADY_BASE], 1);
    perf_done(&perf);
}

/* "(A / B) / (C / D)": the candidate is read only in C and D, the paths
 * past the first three, which the engine once left out (it then never ran
 * the candidate again, and steadied nothing for it). */
Test(steady, four_path_ratio)
{
    struct exercise_perf perf;
    int uses[STEADY_NSIDES];

    perf_of(&perf,
            "(ref.measure.serial.cpu_ns / ref.obs.calibration_ns.serial) / "
            "(cand.measure.work.cpu_ns / cand.obs.calibration_ns.work)",
            "ref.measure.serial.wall_ns");
    cr_assert_eq(steady_sides(&perf, uses), 1);
    cr_assert_eq(uses[STEADY_CAND], 1, "the candidate's paths of the second quotient count");
    cr_assert_eq(uses[STEADY_REF], 1);
    cr_assert_eq(uses[STEADY_BASE], 0);
    perf_done(&perf);

    perf_of(&perf,
            "(cand.measure.a.cpu_ns / cand.obs.cal) / (base.measure.a.cpu_ns / base.obs.cal)",
            "sys.cpus");
    cr_assert_eq(steady_sides(&perf, uses), 1);
    cr_assert_eq(uses[STEADY_CAND], 1);
    cr_assert_eq(uses[STEADY_REF], 0);
    cr_assert_eq(uses[STEADY_BASE], 1, "the baseline's paths of the second quotient count");
    perf_done(&perf);
}

Test(steady, nothing_to_steady)
{
    struct exercise_perf perf;
    int uses[STEADY_NSIDES] = {1, 1, 1};

    memset(&perf, 0, sizeof perf);
    cr_assert_eq(steady_sides(&perf, uses), 0, "no spec");
    cr_assert_eq(uses[STEADY_CAND] + uses[STEADY_REF] + uses[STEADY_BASE], 0);
    cr_assert_eq(steady_sides(NULL, uses), 0);

    perf_of(&perf, "ref.measure.a.wall_ns", "sys.cpus");
    rules_operand_cleanup(&perf.den);
    memset(&perf.den, 0, sizeof perf.den);
    perf.den.kind = RULE_OPERAND_NUMBER;
    perf.den.number = 2;
    cr_assert_eq(steady_sides(&perf, uses), 0, "a number on one side: no ratio of figures");
    perf_done(&perf);

    perf_of(&perf, "sys.cpus", "sys.cpus");
    cr_assert_eq(steady_sides(&perf, uses), 0, "no run read");
    perf_done(&perf);
}
