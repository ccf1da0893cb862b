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
