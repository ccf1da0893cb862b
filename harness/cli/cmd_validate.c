/* cmd_validate.c - see cmd_validate.h. */
#include "cmd_validate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "engine.h"
#include "exercise.h"
#include "fileio.h"
#include "paths.h"

#define EXPECTED_MAX (64u * 1024)

struct tally {
    int ok, bad;
    int broken; /* an exercise that does not load: bad input, exit 2 */
};

static const char usage[] =
    "usage: pyharness validate [EXERCISE...] [--engine-stats] [--reference cached|all|fresh]\n";

static void say(struct tally *t, int ok, const char *id, const char *fmt, const char *a,
                const char *b) __attribute__((format(printf, 4, 0)));

static void say(struct tally *t, int ok, const char *id, const char *fmt, const char *a,
                const char *b)
{
    char line[1024];

    snprintf(line, sizeof line, fmt, a, b);
    printf("%s %s: %s\n", ok ? "ok  " : "FAIL", id, line);
    if (ok)
        t->ok++;
    else
        t->bad++;
}

/* Run `file` as a submission; the verdict name goes to `verdict`. */
static enum ph_rc verdict_of(struct engine *e, const struct exercise *ex, const char *file,
                             char *verdict, size_t cap, char *detail, size_t dcap,
                             struct ph_err *err)
{
    struct engine_opts o;
    struct run_result r;
    enum ph_rc rc;
    const char *base = strrchr(file, '/');

    memset(&o, 0, sizeof o);
    o.submission_path = file;
    o.display_name = base ? base + 1 : file;
    rc = engine_grade(e, ex, &o, NULL, &r, err);
    if (rc != PH_OK)
        return rc;
    snprintf(verdict, cap, "%s", verdict_name(r.verdict));
    snprintf(detail, dcap, "%s", r.detail ? r.detail : "");
    run_result_cleanup(&r);
    return PH_OK;
}

static void validate_one(struct engine *e, const char *arg, struct tally *t)
{
    struct ph_err err = {0};
    struct exercise *ex = NULL;
    char *dir = NULL, *text = NULL;
    char path[4096], verdict[32], detail[1024];
    size_t len = 0;
    cJSON *expected = NULL, *it;

    if (exercise_resolve(arg, paths_exercises_dir(), &dir, &err) != PH_OK ||
        exercise_load(dir, &ex, &err) != PH_OK) {
        say(t, 0, arg, "%s%s", err.msg, "");
        t->broken |= err.rc == PH_EINPUT || err.rc == PH_EUSAGE;
        goto out;
    }
    if (ex->question == NULL || ex->model_answer == NULL || ex->rubric == NULL)
        say(t, 0, ex->id, "%s: missing %s", ex->json_path,
            ex->question == NULL       ? "\"question\""
            : ex->model_answer == NULL ? "\"model_answer\""
                                       : "\"rubric\"");
    else
        say(t, 1, ex->id, "%s%s", "exercise.json is complete", "");
    snprintf(path, sizeof path, "%s/reference.py", ex->dir);
    if (verdict_of(e, ex, path, verdict, sizeof verdict, detail, sizeof detail, &err) != PH_OK) {
        say(t, 0, ex->id, "reference: %s%s", err.msg, "");
        goto out;
    }
    say(t, strcmp(verdict, "passed") == 0, ex->id, "reference.py: %s %s", verdict,
        strcmp(verdict, "passed") == 0 ? "" : detail);
    snprintf(path, sizeof path, "%s/starter.py", ex->dir);
    ph_err_clear(&err);
    if (verdict_of(e, ex, path, verdict, sizeof verdict, detail, sizeof detail, &err) != PH_OK)
        say(t, 0, ex->id, "starter: %s%s", err.msg, "");
    else
        say(t, strcmp(verdict, "passed") != 0, ex->id, "starter.py: %s%s", verdict,
            strcmp(verdict, "passed") != 0 ? " (as it should: no solution yet)"
                                           : " but must not pass");
    snprintf(path, sizeof path, "%s/examples/expected.json", ex->dir);
    ph_err_clear(&err);
    if (fileio_read(path, EXPECTED_MAX, &text, &len, &err) != PH_OK) {
        say(t, 0, ex->id, "%s%s", err.msg, "");
        goto out;
    }
    expected = cJSON_ParseWithLength(text, len);
    if (!cJSON_IsObject(expected) || cJSON_GetArraySize(expected) < 3) {
        say(t, 0, ex->id, "%s: must be an object naming at least 3 examples%s", path, "");
        goto out;
    }
    cJSON_ArrayForEach(it, expected)
    {
        char file[4096];
        if (!cJSON_IsString(it)) {
            say(t, 0, ex->id, "examples/expected.json: \"%s\" must map to a verdict name%s",
                it->string, "");
            continue;
        }
        snprintf(file, sizeof file, "%s/examples/%s", ex->dir, it->string);
        ph_err_clear(&err);
        if (verdict_of(e, ex, file, verdict, sizeof verdict, detail, sizeof detail, &err) !=
            PH_OK) {
            say(t, 0, ex->id, "%s%s", err.msg, "");
            continue;
        }
        if (strcmp(verdict, it->valuestring) == 0) {
            say(t, 1, ex->id, "examples/%s: %s", it->string, verdict);
        } else {
            char want[600];
            snprintf(want, sizeof want, "%s, expected %s (%.400s)", verdict, it->valuestring,
                     detail);
            say(t, 0, ex->id, "examples/%s: %s", it->string, want);
        }
    }
out:
    cJSON_Delete(expected);
    free(text);
    exercise_free(ex);
    free(dir);
    fflush(stdout);
}

int cmd_validate_main(int argc, char **argv)
{
    struct ph_err err = {0};
    struct tally t = {0, 0, 0};
    struct engine *e = NULL;
    struct engine_config cfg;
    const char *policy = NULL;
    int i, npos, parsed, stats = 0, status;
    const struct cli_opt opts[] = {
        {"engine-stats", 0, CLI_FLAG, NULL,
         "print how many reference runs the engine made (benchmarks)", NULL, &stats},
        {"reference", 0, CLI_VALUE, "POLICY",
         "reuse reference runs: cached (timed checks again; the default), all, or fresh", &policy,
         NULL},
        {NULL, 0, CLI_FLAG, NULL, NULL, NULL, NULL},
    };

    parsed = cli_parse(usage, opts, argc, argv, &npos);
    if (parsed != CLI_PARSE_OK)
        return cli_parse_status(parsed);
    memset(&cfg, 0, sizeof cfg);
    if (policy == NULL || strcmp(policy, "cached") == 0)
        cfg.ref_policy = ENGINE_REF_CACHED;
    else if (strcmp(policy, "all") == 0)
        cfg.ref_policy = ENGINE_REF_CACHED_ALL;
    else if (strcmp(policy, "fresh") == 0)
        cfg.ref_policy = ENGINE_REF_FRESH;
    else
        return cli_usage("validate: --reference takes cached, all or fresh, not \"%s\"\n%s", policy,
                         usage);
    if (cli_start_python(&err) != PH_OK || engine_new(&cfg, &e, &err) != PH_OK)
        return cli_fail(&err);
    if (npos > 0) {
        for (i = 1; i <= npos; i++)
            validate_one(e, argv[i], &t);
    } else {
        char **ids = NULL;
        size_t n = 0, k;
        if (exercise_list(paths_exercises_dir(), &ids, &n, &err) != PH_OK) {
            engine_free(e);
            return cli_fail(&err);
        }
        for (k = 0; k < n; k++) {
            validate_one(e, ids[k], &t);
            free(ids[k]);
        }
        free(ids);
    }
    printf("%d passed, %d failed\n", t.ok, t.bad);
    if (stats) {
        struct engine_stats st;
        engine_get_stats(e, &st);
        printf("engine: %lu submissions, reference runs %lu whole + %lu timed-only, baseline "
               "runs %lu whole + %lu timed-only, %lu cache hits, %lu resumed workers, %lu "
               "hosts\n",
               st.submissions, st.ref_whole, st.ref_timed, st.base_whole, st.base_timed,
               st.cache_hits, st.resumed, st.hosts_started);
    }
    engine_free(e);
    status = t.broken ? CLI_EXIT_INPUT : t.bad == 0 ? CLI_EXIT_OK : CLI_EXIT_NOT_PASSED;
    return status;
}
