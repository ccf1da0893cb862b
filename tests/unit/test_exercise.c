/* Unit tests for exercise.c: loading, and errors that name the file and field. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "exercise.h"

#define MINI PH_TEST_DATA "/integration/fixtures/exercises/mini"

static char dir[64];

static void make_exercise(const char *json)
{
    char path[128];
    FILE *f;
    const char *files[] = {"checks.py", "reference.py", "starter.py"};

    snprintf(dir, sizeof dir, "/tmp/ph-ex-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/exercise.json", dir);
    f = fopen(path, "w");
    fputs(json, f);
    fclose(f);
    for (size_t i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        f = fopen(path, "w");
        fclose(f);
    }
}

static void cleanup_dir(void)
{
    char cmd[128];

    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_assert_eq(system(cmd), 0);
}

static enum ph_rc load_json(const char *json, struct ph_err *err)
{
    struct exercise *ex = NULL;
    enum ph_rc rc;

    make_exercise(json);
    rc = exercise_load(dir, &ex, err);
    exercise_free(ex);
    cleanup_dir();
    return rc;
}

#define BASE "\"id\": \"t\", \"title\": \"T\", \"topic\": \"x\", \"entry_points\": [\"f\"]"

Test(exercise, loads_the_fixture)
{
    struct exercise *ex = NULL;
    struct ph_err err = {0};

    cr_assert_eq(exercise_load(MINI, &ex, &err), PH_OK, "%s", err.msg);
    cr_assert_str_eq(ex->id, "mini");
    cr_assert_eq(ex->nchecks, 4);
    cr_assert(ex->checks[0].visible);
    cr_assert_not(ex->checks[2].visible);
    cr_assert_float_eq(ex->checks[2].weight, 2.0, 1e-9);
    cr_assert_float_eq(ex->limits.wall_s, 8.0, 1e-9);
    cr_assert_eq(ex->limits.memory_bytes, 256u * 1024 * 1024);
    cr_assert(ex->perf.present);
    cr_assert_eq(exercise_find_check(ex, "memory"), 3);
    cr_assert_eq(exercise_find_check(ex, "nope"), -1);
    cr_assert_not(ex->needs_baseline);
    exercise_free(ex);
}

Test(exercise, defaults_for_limits_and_weights)
{
    struct exercise *ex = NULL;
    struct ph_err err = {0};

    make_exercise("{" BASE ", \"checks\": [{\"name\": \"a\"}]}");
    cr_assert_eq(exercise_load(dir, &ex, &err), PH_OK, "%s", err.msg);
    cr_assert_float_eq(ex->weights.correctness, 60, 1e-9);
    cr_assert_float_eq(ex->weights.performance, 20, 1e-9);
    cr_assert_float_eq(ex->weights.explanation, 20, 1e-9);
    cr_assert_eq(ex->checks[0].compare, CHECK_COMPARE_EQUAL);
    exercise_free(ex);
    cleanup_dir();
}

Test(exercise, errors_name_the_field)
{
    struct ph_err err = {0};

    cr_assert_eq(load_json("{\"title\": \"T\"}", &err), PH_EINPUT);
    cr_assert(strstr(err.msg, "exercise.json: missing field \"id\"") != NULL, "%s", err.msg);
    ph_err_clear(&err);
    cr_assert_eq(load_json("{" BASE ", \"checks\": [{\"name\": \"a\", \"weight\": \"3\"}]}", &err),
                 PH_EINPUT);
    cr_assert(strstr(err.msg, "checks[0].weight") != NULL, "%s", err.msg);
    ph_err_clear(&err);
    cr_assert_eq(load_json("{" BASE ", \"checks\": [{\"name\": \"a\", \"rules\": [{\"left\": "
                           "\"cand.obs.x\", \"op\": \"<=\", \"right\": 1}]}]}",
                           &err),
                 PH_EINPUT);
    cr_assert(strstr(err.msg, "checks[0].rules[0].op") != NULL, "%s", err.msg);
    ph_err_clear(&err);
    cr_assert_eq(load_json("{" BASE ", \"checks\": [{\"name\": \"a\"}, {\"name\": \"a\"}]}", &err),
                 PH_EINPUT);
    cr_assert(strstr(err.msg, "two checks are named \"a\"") != NULL, "%s", err.msg);
    ph_err_clear(&err);
    cr_assert_eq(
        load_json("{" BASE ", \"checks\": [{\"name\": \"a\", \"compare\": \"none\"}]}", &err),
        PH_EINPUT);
    cr_assert(strstr(err.msg, "nothing would decide it") != NULL, "%s", err.msg);
    ph_err_clear(&err);
    cr_assert_eq(load_json("{" BASE ", \"checks\": [{\"name\": \"a\"}], \"limits\": "
                           "{\"wall_s\": -1}}",
                           &err),
                 PH_EINPUT);
    cr_assert(strstr(err.msg, "limits.wall_s") != NULL, "%s", err.msg);
}

Test(exercise, syntax_error_names_the_line)
{
    struct ph_err err = {0};

    cr_assert_eq(load_json("{\n\"id\": \"t\",\n\"title\": oops\n}", &err), PH_EINPUT);
    cr_assert(strstr(err.msg, "not valid JSON (line 3)") != NULL, "%s", err.msg);
}

Test(exercise, baseline_paths_require_baseline_py)
{
    struct ph_err err = {0};

    cr_assert_eq(load_json("{" BASE ", \"checks\": [{\"name\": \"a\", \"rules\": [{\"left\": "
                           "\"base.measure.x.wall_ns\", \"op\": \"ge\", \"right\": 0}]}]}",
                           &err),
                 PH_EINPUT);
    cr_assert(strstr(err.msg, "baseline.py") != NULL, "%s", err.msg);
}

Test(exercise, resolve_ids_and_paths)
{
    char *d = NULL;
    struct ph_err err = {0};

    cr_assert_eq(exercise_resolve("mini", PH_TEST_DATA "/integration/fixtures/exercises", &d, &err),
                 PH_OK, "%s", err.msg);
    cr_assert(strstr(d, "/mini") != NULL);
    free(d);
    cr_assert_eq(exercise_resolve("nope", PH_TEST_DATA "/integration/fixtures/exercises", &d, &err),
                 PH_EINPUT);
    cr_assert(strstr(err.msg, "unknown exercise \"nope\"") != NULL, "%s", err.msg);
}

/* The rule language is compiled at load: a typo is an exercise error that
 * names the field, never a check that fails every candidate at run time. */
static void expect_rule_error(const char *check_json, const char *want)
{
    char json[1024];
    struct ph_err err = {0};

    snprintf(json, sizeof json, "{" BASE ", \"checks\": [{\"name\": \"a\"}, %s]}", check_json);
    cr_assert_eq(load_json(json, &err), PH_EINPUT, "%s loaded", check_json);
    cr_assert(strstr(err.msg, want) != NULL, "wanted \"%s\" in: %s", want, err.msg);
}

Test(rules, a_typo_in_a_figure_path_is_refused_at_load_naming_the_field)
{
    expect_rule_error("{\"name\": \"b\", \"rules\": [{\"left\": \"cand.mesure.big.wall_ns\", "
                      "\"op\": \"le\", \"right\": 1}]}",
                      "checks[1].rules[0].left: unknown figure \"mesure\"");
    expect_rule_error("{\"name\": \"b\", \"rules\": [{\"left\": 1, \"op\": \"le\", "
                      "\"right\": \"ref.measure.big.wall_nss\"}]}",
                      "checks[1].rules[0].right: unknown figure");
    expect_rule_error("{\"name\": \"b\", \"rules\": [{\"left\": \"cnd.obs.x\", \"op\": \"le\", "
                      "\"right\": 1}]}",
                      "checks[1].rules[0].left: unknown role \"cnd\"");
    expect_rule_error("{\"name\": \"b\", \"rules\": [{\"left\": \"sys.cores\", \"op\": \"le\", "
                      "\"right\": 1}]}",
                      "checks[1].rules[0].left: unknown figure");
}

Test(rules, an_unknown_op_or_a_bad_when_is_refused_at_load)
{
    expect_rule_error("{\"name\": \"b\", \"rules\": [{\"left\": \"cand.obs.x\", \"op\": \"lte\", "
                      "\"right\": 1}]}",
                      "checks[1].rules[0].op: unknown op \"lte\"");
    expect_rule_error("{\"name\": \"b\", \"rules\": [{\"left\": \"cand.obs.x\", \"op\": \"le\", "
                      "\"right\": 1, \"when\": {\"left\": \"sys.cpus\", \"op\": \"ge\"}}]}",
                      "checks[1].rules[0].when.right: missing");
}

Test(rules, a_bad_lesson_placeholder_is_refused_at_load)
{
    expect_rule_error("{\"name\": \"b\", \"lesson\": \"took {cand.measure.big.wall_ns:mss}\"}",
                      "checks[1].lesson: unknown unit \"mss\"");
    expect_rule_error("{\"name\": \"b\", \"lesson\": \"took {cand.mesure.big.wall_ns:ms}\"}",
                      "checks[1].lesson: unknown figure \"mesure\"");
    expect_rule_error("{\"name\": \"b\", \"lesson\": \"took {cand.obs.x\"}",
                      "checks[1].lesson: a \"{\" is never closed");
}

Test(rules, the_performance_ratio_is_compiled_too)
{
    char json[512];
    struct ph_err err = {0};

    snprintf(json, sizeof json,
             "{" BASE ", \"checks\": [{\"name\": \"a\"}], \"performance\": {\"check\": \"a\", "
             "\"ratio\": {\"num\": \"ref.measure.x.wal_ns\", \"den\": 1}}}");
    cr_assert_eq(load_json(json, &err), PH_EINPUT);
    cr_assert(strstr(err.msg, "performance.ratio.num: unknown figure") != NULL, "%s", err.msg);
}

Test(rules, the_performance_ratio_numerator_may_be_a_quotient)
{
    char json[512];
    struct exercise *ex = NULL;
    struct ph_err err = {0};

    snprintf(json, sizeof json,
             "{" BASE ", \"checks\": [{\"name\": \"a\"}], \"performance\": {\"check\": \"a\", "
             "\"ratio\": {\"num\": \"ref.measure.s.cpu_ns / cand.measure.p.busiest_cpu_ns\", "
             "\"den\": \"cand.measure.p.max_parallel\"}}}");
    make_exercise(json);
    cr_assert_eq(exercise_load(dir, &ex, &err), PH_OK, "%s", err.msg);
    cr_assert(ex->perf.num.has_den);
    cr_assert_str_eq(rules_operand_text(&ex->perf.num),
                     "ref.measure.s.cpu_ns / cand.measure.p.busiest_cpu_ns");
    /* The reference's side is timed beside every candidate. */
    cr_assert(ex->checks[0].ref_measured);
    exercise_free(ex);
    cleanup_dir();

    snprintf(json, sizeof json,
             "{" BASE ", \"checks\": [{\"name\": \"a\"}], \"performance\": {\"check\": \"a\", "
             "\"ratio\": {\"num\": \"ref.measure.s.cpu_ns / cand.measure.p.busyest_cpu_ns\", "
             "\"den\": 1}}}");
    cr_assert_eq(load_json(json, &err), PH_EINPUT);
    cr_assert(strstr(err.msg, "performance.ratio.num: unknown figure") != NULL, "%s", err.msg);
}

Test(rules, a_rule_evaluates_on_frames_and_says_why_it_fails)
{
    struct rule r;
    struct rule_frames f = {{0}, 2};
    struct ph_err err = {0};
    cJSON *rule = cJSON_Parse("{\"left\": \"cand.measure.big.wall_ns\", \"op\": \"le\", "
                              "\"right\": \"ref.measure.big.wall_ns\", \"scale\": 2, "
                              "\"message\": \"too slow\", "
                              "\"when\": {\"left\": \"sys.cpus\", \"op\": \"ge\", \"right\": 2}}");
    cJSON *cand = cJSON_Parse("{\"log\": {\"measures\": {\"big\": {\"wall_ns\": 5000000}}}}");
    cJSON *ref = cJSON_Parse("{\"log\": {\"measures\": {\"big\": {\"wall_ns\": 2000000}}}}");
    char why[256] = "";

    cr_assert_eq(rules_compile_rule(rule, "x.json", "checks[0].rules[0]", &r, &err), PH_OK, "%s",
                 err.msg);
    cr_assert(rules_rule_reads_measured(&r, RULE_REF));
    cr_assert(!rules_rule_reads(&r, RULE_BASE));
    f.frame[RULE_CAND] = cand;
    f.frame[RULE_REF] = ref;
    cr_assert_eq(rules_eval(&r, &f, why, sizeof why), 0);
    cr_assert_str_eq(why, "too slow (cand.measure.big.wall_ns = 5.0 ms, needed <= 4.0 ms)");
    f.cpus = 1; /* the rule does not apply on one CPU */
    cr_assert_eq(rules_eval(&r, &f, why, sizeof why), 1);
    f.cpus = 2;
    f.frame[RULE_REF] = NULL;
    cr_assert_eq(rules_eval(&r, &f, why, sizeof why), -1);
    cr_assert_str_eq(why, "figure ref.measure.big.wall_ns is missing");
    rules_rule_cleanup(&r);
    cJSON_Delete(rule);
    cJSON_Delete(cand);
    cJSON_Delete(ref);
}

Test(rules, a_check_graded_only_on_the_workers_own_report_is_refused_at_load)
{
    expect_rule_error(
        "{\"name\": \"b\", \"rules\": [{\"left\": \"cand.measure.big.py_peak_bytes\", "
        "\"op\": \"le\", \"right\": 1}, {\"left\": \"cand.measure.big.inside_cpu_ns\", "
        "\"op\": \"le\", \"right\": 1}]}",
        "check \"b\": every rule reads a figure the worker reports about itself");
}

Test(rules, an_operand_may_be_a_ratio_of_two_figures)
{
    struct rule r;
    struct rule_frames f = {{0}, 2};
    struct ph_err err = {0};
    cJSON *rule = cJSON_Parse("{\"left\": \"ref.measure.serial.cpu_ns / cand.measure.par.cpu_ns\", "
                              "\"op\": \"ge\", \"right\": 2, \"message\": \"not divided\"}");
    cJSON *cand = cJSON_Parse("{\"log\": {\"measures\": {\"par\": {\"cpu_ns\": 400}}}}");
    cJSON *ref = cJSON_Parse("{\"log\": {\"measures\": {\"serial\": {\"cpu_ns\": 1000}}}}");
    char why[256] = "";

    cr_assert_eq(rules_compile_rule(rule, "x.json", "checks[0].rules[0]", &r, &err), PH_OK, "%s",
                 err.msg);
    cr_assert(rules_rule_reads_measured(&r, RULE_REF));
    cr_assert(rules_rule_reads(&r, RULE_CAND));
    f.frame[RULE_CAND] = cand;
    f.frame[RULE_REF] = ref;
    cr_assert_eq(rules_eval(&r, &f, why, sizeof why), 1);
    cJSON_SetNumberValue(
        cJSON_GetObjectItem(
            cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(cand, "log"), "measures"),
                                "par"),
            "cpu_ns"),
        800);
    cr_assert_eq(rules_eval(&r, &f, why, sizeof why), 0);
    cr_assert_str_eq(
        why,
        "not divided (ref.measure.serial.cpu_ns / cand.measure.par.cpu_ns = 1.25, needed >= 2)");
    f.frame[RULE_REF] = NULL;
    cr_assert_eq(rules_eval(&r, &f, why, sizeof why), -1);
    rules_rule_cleanup(&r);
    cJSON_Delete(rule);
    cJSON_Delete(cand);
    cJSON_Delete(ref);
    expect_rule_error(
        "{\"name\": \"b\", \"rules\": [{\"left\": \"cand.obs.x / cand.mesure.y.cpu_ns\", "
        "\"op\": \"le\", \"right\": 1}]}",
        "checks[1].rules[0].left: unknown figure \"mesure\"");
}

Test(rules, an_operand_may_be_a_ratio_of_two_quotients)
{
    struct rule r;
    struct rule_lesson l;
    struct rule_frames f = {{0}, 2};
    struct ph_err err = {0};
    /* Each run's figure over a calibration timed in the same run. */
    cJSON *rule = cJSON_Parse(
        "{\"left\": \"(ref.measure.serial.cpu_ns / ref.obs.calib) / "
        "(cand.measure.par.busiest_cpu_ns / cand.obs.calib)\", \"op\": \"ge\", \"right\": 2, "
        "\"message\": \"not divided\"}");
    cJSON *cand = cJSON_Parse("{\"obs\": {\"calib\": 200}, "
                              "\"log\": {\"measures\": {\"par\": {\"busiest_cpu_ns\": 500}}}}");
    cJSON *ref = cJSON_Parse("{\"obs\": {\"calib\": 100}, "
                             "\"log\": {\"measures\": {\"serial\": {\"cpu_ns\": 1000}}}}");
    char why[256] = "";
    char *text;

    cr_assert_eq(rules_compile_rule(rule, "x.json", "checks[0].rules[0]", &r, &err), PH_OK, "%s",
                 err.msg);
    cr_assert(r.left.has_over);
    cr_assert(rules_rule_reads_measured(&r, RULE_REF));
    cr_assert(rules_rule_reads(&r, RULE_CAND));
    cr_assert(!rules_rule_reads(&r, RULE_BASE));
    f.frame[RULE_CAND] = cand;
    f.frame[RULE_REF] = ref;
    /* (1000 / 100) / (500 / 200) = 4 */
    cr_assert_eq(rules_eval(&r, &f, why, sizeof why), 1);
    cJSON_SetNumberValue(cJSON_GetObjectItem(cJSON_GetObjectItem(cand, "obs"), "calib"), 50);
    cr_assert_eq(rules_eval(&r, &f, why, sizeof why), 0);
    cr_assert_str_eq(why, "not divided ((ref.measure.serial.cpu_ns / ref.obs.calib) / "
                          "(cand.measure.par.busiest_cpu_ns / cand.obs.calib) = 1, needed >= 2)");
    /* A zero calibration is a missing figure, not an infinite ratio. */
    cJSON_SetNumberValue(cJSON_GetObjectItem(cJSON_GetObjectItem(cand, "obs"), "calib"), 0);
    cr_assert_eq(rules_eval(&r, &f, why, sizeof why), -1);
    cJSON_SetNumberValue(cJSON_GetObjectItem(cJSON_GetObjectItem(cand, "obs"), "calib"), 200);
    cr_assert_eq(rules_compile_lesson("split {(ref.measure.serial.cpu_ns/ref.obs.calib)/"
                                      "(cand.measure.par.busiest_cpu_ns/cand.obs.calib):num}x",
                                      "x.json", "checks[0].lesson", &l, &err),
                 PH_OK, "%s", err.msg);
    text = rules_lesson_format(&l, &f);
    cr_assert_str_eq(text, "split 4x");
    free(text);
    rules_lesson_cleanup(&l);
    rules_rule_cleanup(&r);
    cJSON_Delete(rule);
    cJSON_Delete(cand);
    cJSON_Delete(ref);
    /* Each of the four paths is checked, and a malformed ratio names its field. */
    expect_rule_error("{\"name\": \"b\", \"rules\": [{\"left\": \"(cand.obs.x / cand.obs.y) / "
                      "(cand.obs.z / cand.mesure.w.cpu_ns)\", \"op\": \"le\", \"right\": 1}]}",
                      "checks[1].rules[0].left: unknown figure \"mesure\"");
    expect_rule_error("{\"name\": \"b\", \"rules\": [{\"left\": 1, \"op\": \"le\", \"right\": "
                      "\"(cand.obs.x / cand.obs.y) / cand.obs.z\"}]}",
                      "checks[1].rules[0].right: \"(cand.obs.x / cand.obs.y) / cand.obs.z\": a "
                      "ratio of two quotients is written \"(A / B) / (C / D)\"");
    expect_rule_error("{\"name\": \"b\", \"rules\": [{\"left\": \"(cand.obs.x / cand.obs.y) / "
                      "(cand.obs.z)\", \"op\": \"le\", \"right\": 1}]}",
                      "checks[1].rules[0].left: \"cand.obs.z\" is not a quotient PATH / PATH");
    expect_rule_error("{\"name\": \"b\", \"lesson\": \"{(cand.measure.a.wall_ns/ref.obs.c)/"
                      "(ref.measure.a.wall_ns/ref.obs.c):vs}\"}",
                      "the unit vs compares");
}

Test(exercise, forgetting_the_answers_keeps_what_runs_a_submission)
{
    struct exercise *ex = NULL;
    struct ph_err err = {0};
    size_t nchecks;

    cr_assert_eq(exercise_load(PH_TEST_DATA "/../exercises/generators-streaming", &ex, &err), PH_OK,
                 "%s", err.msg);
    cr_assert(ex->model_answer != NULL && ex->rubric != NULL && ex->question != NULL);
    nchecks = ex->nchecks;
    exercise_forget_answers(ex);
    cr_assert_null(ex->model_answer);
    cr_assert_null(ex->rubric);
    cr_assert_not_null(ex->question); /* the question is public: show prints it */
    cr_assert_null(cJSON_GetObjectItemCaseSensitive(ex->json, "model_answer"));
    cr_assert_null(cJSON_GetObjectItemCaseSensitive(ex->json, "rubric"));
    cr_assert_eq(ex->nchecks, nchecks);
    cr_assert(exercise_find_check(ex, "speed") >= 0);
    cr_assert(ex->perf.present);
    exercise_forget_answers(ex); /* twice is harmless */
    exercise_forget_answers(NULL);
    exercise_free(ex);
}

Test(exercise, a_scaled_copy_stretches_every_time_limit_and_leaves_the_exercise_alone)
{
    struct exercise *ex = NULL;
    struct exercise_scaled s;
    struct ph_err err = {0};

    cr_assert_eq(exercise_load(MINI, &ex, &err), PH_OK, "%s", err.msg);
    cr_assert_gt(ex->nchecks, 0);
    cr_assert_eq(exercise_scaled_init(&s, ex, 2.5, &err), PH_OK, "%s", err.msg);
    cr_assert_float_eq(s.ex.limits.wall_s, ex->limits.wall_s * 2.5, 1e-9);
    cr_assert_float_eq(s.ex.limits.cpu_s, ex->limits.cpu_s, 1e-9);
    for (size_t i = 0; i < ex->nchecks; i++) {
        cr_assert_float_eq(s.ex.checks[i].timeout_s, ex->checks[i].timeout_s * 2.5, 1e-9);
        cr_assert_str_eq(s.ex.checks[i].name, ex->checks[i].name);
    }
    cr_assert_neq(s.ex.checks, ex->checks);
    exercise_scaled_cleanup(&s);
    cr_assert_null(s.checks);
    exercise_free(ex);
}
