/* Unit tests for judge.c and score.c: verdicts decided from worker reports. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "exercise.h"
#include "judge.h"
#include "score.h"

#define MINI PH_TEST_DATA "/integration/fixtures/exercises/mini"

static struct exercise *ex;

static void load(void)
{
    struct ph_err err = {0};

    cr_assert_eq(exercise_load(MINI, &ex, &err), PH_OK, "%s", err.msg);
}

static void unload(void)
{
    exercise_free(ex);
}

TestSuite(judge, .init = load, .fini = unload);

/* A worker result whose check frames come from JSON texts (NULL: never arrived). */
static void fake(struct worker_result *w, enum worker_end end, const char *const frames[4])
{
    memset(w, 0, sizeof *w);
    w->end = end;
    w->running_check = -1;
    w->nchecks = ex->nchecks;
    w->checks = calloc(ex->nchecks, sizeof *w->checks);
    for (size_t i = 0; i < ex->nchecks; i++) {
        w->checks[i].name = ex->checks[i].name;
        w->checks[i].frame = frames[i] ? cJSON_Parse(frames[i]) : NULL;
        cr_assert(frames[i] == NULL || w->checks[i].frame != NULL, "bad test frame %s", frames[i]);
    }
    w->import_frame = cJSON_Parse("{\"status\": \"ok\"}");
    w->end_frame = end == WORKER_END_OK ? cJSON_Parse("{\"metrics\": {}}") : NULL;
}

#define MEM(peak)                                                                                  \
    "{\"status\":\"ok\",\"obs\":1,\"log\":{\"measures\":{\"big\":{\"page_faults\":0,"              \
    "\"py_peak_bytes\":" #peak "}}}}"

static const char *const REF[4] = {
    "{\"status\":\"ok\",\"obs\":[3,0,{\"$float\":2.75}]}",
    "{\"status\":\"ok\",\"obs\":[0,1,4,9,16,25]}",
    "{\"status\":\"ok\",\"obs\":{\"big\":{\"$int\":\"100000000000000000001\"}}}",
    MEM(1000),
};

static enum verdict judge(const char *const cand[4], enum worker_end end, struct run_result *out)
{
    struct worker_result c, r;
    struct judge_input in = {0};
    struct ph_err err = {0};

    fake(&c, end, cand);
    fake(&r, WORKER_END_OK, REF);
    in.ex = ex;
    in.cand = &c;
    in.ref = &r;
    in.submission_name = "sub.py";
    cr_assert_eq(judge_run(&in, out, &err), PH_OK, "%s", err.msg);
    cr_assert_eq(score_run(out, &err), PH_OK, "%s", err.msg);
    worker_result_cleanup(&c);
    worker_result_cleanup(&r);
    return out->verdict;
}

Test(judge, identical_observations_pass_with_full_marks)
{
    struct run_result res;

    cr_assert_eq(judge(REF, WORKER_END_OK, &res), VERDICT_PASSED);
    cr_assert_float_eq(res.score.correctness, 60, 1e-9);
    cr_assert_float_eq(res.score.performance, 20, 1e-9);
    cr_assert(res.score.explanation_missing);
    cr_assert_float_eq(res.score.total, 80, 1e-9);
    run_result_cleanup(&res);
}

Test(judge, a_wrong_value_fails_only_that_check)
{
    const char *cand[4] = {"{\"status\":\"ok\",\"obs\":[3,0,2.5]}", REF[1], REF[2], REF[3]};
    struct run_result res;

    cr_assert_eq(judge(cand, WORKER_END_OK, &res), VERDICT_FAILED);
    cr_assert_eq(res.checks[0].status, VERDICT_FAILED);
    cr_assert_eq(res.checks[1].status, VERDICT_PASSED);
    cr_assert_float_eq(res.score.correctness, 60.0 * 4 / 5, 0.05);
    run_result_cleanup(&res);
}

Test(judge, rules_read_measured_figures)
{
    const char *cand[4] = {REF[0], REF[1], REF[2], MEM(5000000)};
    struct run_result res;

    cr_assert_eq(judge(cand, WORKER_END_OK, &res), VERDICT_FAILED);
    cr_assert_eq(res.checks[3].status, VERDICT_FAILED);
    cr_assert(strstr(res.checks[3].message, "holds far more memory") != NULL);
    cr_assert_float_eq(res.score.performance, 0, 1e-9);
    run_result_cleanup(&res);
}

Test(judge, exceptions_map_to_verdicts)
{
    const char *err_frame =
        "{\"status\":\"error\",\"error\":{\"type\":\"KeyError\",\"message\":\"k\"}}";
    const char *mem_frame =
        "{\"status\":\"error\",\"error\":{\"type\":\"MemoryError\",\"message\":\"\"}}";
    const char *sbx_frame = "{\"status\":\"error\",\"error\":{\"type\":\"PermissionError\","
                            "\"message\":\"pyharness sandbox: socket blocked\"}}";
    const char *cand[4] = {err_frame, REF[1], REF[2], REF[3]};
    struct run_result res;

    cr_assert_eq(judge(cand, WORKER_END_OK, &res), VERDICT_ERROR);
    run_result_cleanup(&res);
    cand[0] = mem_frame;
    cr_assert_eq(judge(cand, WORKER_END_OK, &res), VERDICT_MEMORY_LIMIT);
    run_result_cleanup(&res);
    cand[0] = sbx_frame;
    cr_assert_eq(judge(cand, WORKER_END_OK, &res), VERDICT_REJECTED);
    cr_assert_float_eq(res.score.total, 0, 1e-9);
    run_result_cleanup(&res);
}

Test(judge, tampering_in_the_c_log_is_rejected)
{
    const char *cand[4] = {REF[0], REF[1], REF[2],
                           "{\"status\":\"ok\",\"obs\":1,\"log\":{\"measures\":{\"big\":"
                           "{\"py_peak_bytes\":1,\"nested\":true}}}}"};
    struct run_result res;

    cr_assert_eq(judge(cand, WORKER_END_OK, &res), VERDICT_REJECTED);
    cr_assert(strstr(res.checks[3].message, "tampering") != NULL);
    run_result_cleanup(&res);
}

Test(judge, a_dead_worker_never_passes)
{
    const char *cand[4] = {REF[0], REF[1], NULL, NULL};
    struct run_result res;

    /* Even with every delivered check right, an early exit (status 0) is an error. */
    cr_assert_eq(judge(cand, WORKER_END_EARLY_EXIT, &res), VERDICT_ERROR);
    cr_assert_eq(res.checks[2].status, VERDICT_SKIPPED);
    run_result_cleanup(&res);
    cr_assert_eq(judge(cand, WORKER_END_TIMEOUT, &res), VERDICT_TIMEOUT);
    run_result_cleanup(&res);
    cr_assert_eq(judge(cand, WORKER_END_SIGNAL, &res), VERDICT_CRASHED);
    run_result_cleanup(&res);
    cr_assert_eq(judge(cand, WORKER_END_PROTOCOL, &res), VERDICT_REJECTED);
    run_result_cleanup(&res);
    cr_assert_eq(judge(cand, WORKER_END_OUTPUT, &res), VERDICT_OUTPUT_LIMIT);
    run_result_cleanup(&res);
    cr_assert_eq(judge(cand, WORKER_END_MEMORY, &res), VERDICT_MEMORY_LIMIT);
    run_result_cleanup(&res);
}

Test(judge, a_failing_reference_is_an_internal_error)
{
    const char *bad_ref[4] = {"{\"status\":\"error\",\"error\":{\"type\":\"E\",\"message\":\"x\"}}",
                              REF[1], REF[2], REF[3]};
    struct worker_result c, r;
    struct judge_input in = {0};
    struct run_result out;
    struct ph_err err = {0};

    fake(&c, WORKER_END_OK, REF);
    fake(&r, WORKER_END_OK, bad_ref);
    in.ex = ex;
    in.cand = &c;
    in.ref = &r;
    in.submission_name = "s.py";
    cr_assert_eq(judge_run(&in, &out, &err), PH_EINTERNAL);
    cr_assert(strstr(err.msg, "reference.py fails check add") != NULL, "%s", err.msg);
    run_result_cleanup(&out);
    worker_result_cleanup(&c);
    worker_result_cleanup(&r);
}

Test(judge, verdict_names_and_ranks)
{
    cr_assert_str_eq(verdict_name(VERDICT_MEMORY_LIMIT), "memory_limit");
    cr_assert_str_eq(verdict_name(VERDICT_OUTPUT_LIMIT), "output_limit");
    cr_assert_gt(verdict_rank(VERDICT_REJECTED), verdict_rank(VERDICT_CRASHED));
    cr_assert_gt(verdict_rank(VERDICT_FAILED), verdict_rank(VERDICT_PASSED));
}
