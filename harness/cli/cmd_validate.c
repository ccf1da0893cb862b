/* cmd_validate.c - see cmd_validate.h. */
#include "cmd_validate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bank.h"
#include "cli.h"
#include "cli_progress.h"
#include "engine.h"
#include "exercise.h"
#include "fileio.h"
#include "paths.h"
#include "perf_compare.h"
#include "perf_workload.h"
#include "validate_lint.h"

#define EXPECTED_MAX (64u * 1024)

/* A workload's sizes must span this factor at least, or the growth classes
 * compare fits (linear, n log n, quadratic...) cannot be told apart. */
#define WORKLOAD_MIN_SPAN 4.0
/* One call at the smallest size longer than this leaves compare too few
 * rounds at the larger sizes within a default budget. */
#define WORKLOAD_MAX_SMALLEST_CALL_S 1.0

struct tally {
    int ok, bad;
    cJSON *items; /* with --json: one object per line, else NULL */
    int broken;   /* an exercise that does not load: bad input, exit 2 */
};

static void say(struct tally *t, int ok, const char *id, const char *fmt, const char *a,
                const char *b) __attribute__((format(printf, 4, 0)));

static void say(struct tally *t, int ok, const char *id, const char *fmt, const char *a,
                const char *b)
{
    char line[1024];

    snprintf(line, sizeof line, fmt, a, b);
    if (t->items != NULL) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "exercise", id);
        cJSON_AddBoolToObject(o, "ok", ok);
        cJSON_AddStringToObject(o, "message", line);
        cJSON_AddItemToArray(t->items, o);
    } else {
        printf("%s %s: %s\n", ok ? "ok  " : "FAIL", id, line);
        fflush(stdout); /* a line as each finding is made: validate can take a minute */
    }
    if (ok)
        t->ok++;
    else
        t->bad++;
}

/* Names of the checks that did not pass in the last verdict_of(), " a b ". */
static char not_passed[2048];

/* Run `file` as a submission; the verdict name goes to `verdict`. */
static enum ph_rc verdict_of(struct engine *e, const struct exercise *ex, const char *file,
                             char *verdict, size_t cap, char *detail, size_t dcap,
                             struct ph_err *err)
{
    size_t i, used;
    struct engine_opts o;
    struct cli_progress prog;
    struct run_result r;
    enum ph_rc rc;
    const char *base = strrchr(file, '/');

    memset(&o, 0, sizeof o);
    o.submission_path = file;
    o.display_name = base ? base + 1 : file;
    /* On a terminal, a spinner with the check in progress: validate can take a minute. */
    cli_progress_init(&prog, stderr);
    prog.spinner_only = 1;
    prog.cand_label = o.display_name;
    if (prog.tty) {
        o.progress = cli_progress_cb;
        o.progress_ud = &prog;
    }
    rc = engine_grade(e, ex, &o, NULL, &r, err);
    cli_progress_finish(&prog);
    if (rc != PH_OK)
        return rc;
    snprintf(verdict, cap, "%s", verdict_name(r.verdict));
    snprintf(detail, dcap, "%s", r.detail ? r.detail : "");
    used = (size_t)snprintf(not_passed, sizeof not_passed, " ");
    for (i = 0; i < r.nchecks && used < sizeof not_passed; i++)
        if (r.checks[i].status != VERDICT_PASSED && r.checks[i].status != VERDICT_SKIPPED)
            used += (size_t)snprintf(not_passed + used, sizeof not_passed - used, "%s ",
                                     r.checks[i].name);
    run_result_cleanup(&r);
    return PH_OK;
}

/*
 * A run that misses its expectation is run again, and reported only when it
 * missed VALIDATE_ATTEMPTS times.  Verdicts of timed checks move with the
 * machine's load (CI saw reference.py fail its own parallelism rule while
 * other suites shared the cores): an author wants the exercise's real
 * disagreements, and a miss that did not hold is still shown, with the run
 * that missed.
 */
#define VALIDATE_ATTEMPTS 3

/* What one file must get: a verdict and, when check is not "", that check
 * among the ones that did not pass. */
struct expect {
    const char *verdict;
    const char *check;
};

/* Whether the last verdict_of() (`verdict`, `detail`, not_passed) met `x`;
 * either way `msg` says what happened, as the report line after the file's
 * name. */
static int met(const struct expect *x, const char *verdict, const char *detail, char *msg,
               size_t cap)
{
    char needle[140];

    snprintf(needle, sizeof needle, " %s ", x->check);
    if (strcmp(verdict, x->verdict) != 0) {
        snprintf(msg, cap, "%s, expected %s (%.400s)", verdict, x->verdict, detail);
        return 0;
    }
    if (x->check[0] != '\0' && strstr(not_passed, needle) == NULL) {
        snprintf(msg, cap,
                 "%s, but not for the reason expected.json gives: check %s passed (did not "
                 "pass:%.300s)",
                 verdict, x->check, not_passed[1] ? not_passed : " none");
        return 0;
    }
    if (x->check[0] != '\0')
        snprintf(msg, cap, "%s (check %s did not pass, as expected)", verdict, x->check);
    else
        snprintf(msg, cap, "%s", verdict);
    return 1;
}

/* Run `file` (shown as `label`) until it meets `x`, at most
 * VALIDATE_ATTEMPTS times, and report the outcome. */
static void expect_file(struct engine *e, const struct exercise *ex, const char *file,
                        const char *label, const struct expect *x, struct tally *t)
{
    struct ph_err err = {0};
    char verdict[32], detail[1024], msg[800], first[800] = "";
    int k, ok = 0;

    for (k = 1; k <= VALIDATE_ATTEMPTS && !ok; k++) {
        ph_err_clear(&err);
        if (verdict_of(e, ex, file, verdict, sizeof verdict, detail, sizeof detail, &err) !=
            PH_OK) {
            say(t, 0, ex->id, "%s: %s", label, err.msg);
            return;
        }
        ok = met(x, verdict, detail, msg, sizeof msg);
        if (!ok && k == 1)
            snprintf(first, sizeof first, "%s", msg);
    }
    if (!ok) {
        char line[900];
        snprintf(line, sizeof line, "%s (the same on %d runs)", msg, VALIDATE_ATTEMPTS);
        say(t, 0, ex->id, "%s: %s", label, line);
    } else if (first[0] != '\0') {
        char line[1000];
        snprintf(line, sizeof line, "%s on run %d of up to %d; run 1 missed: %.700s", msg, k - 1,
                 VALIDATE_ATTEMPTS, first);
        say(t, 1, ex->id, "%s: %s", label, line);
    } else {
        say(t, 1, ex->id, "%s: %s", label, msg);
    }
}

/* The exercise's sized workloads (workloads.py): declared, sizes a growth
 * fit can use, and each one running on the reference at its smallest size. */
static void validate_workloads(const struct exercise *ex, struct tally *t)
{
    struct perf_workloads wls;
    struct ph_err err = {0};
    char path[4096], ref[4096];
    size_t bad = 0;

    snprintf(path, sizeof path, "%s/workloads.py", ex->dir);
    snprintf(ref, sizeof ref, "%s/reference.py", ex->dir);
    if (!fileio_is_file(path)) {
        say(t, 0, ex->id,
            "%s: missing: an exercise declares at least one sized workload for `pyharness "
            "compare` (WORKLOADS and workload_NAME(sub, h, n); see %s)",
            path, "docs/exercise-format.md");
        return;
    }
    if (perf_workloads_load(ex->dir, &wls, &err) != PH_OK) {
        say(t, 0, ex->id, "%s%s", err.msg, "");
        perf_workloads_cleanup(&wls);
        return;
    }
    for (size_t i = 0; i < wls.n; i++) {
        const struct perf_workload *w = &wls.items[i];
        char what[600], why[300], msg[1024];
        double call_s = 0;
        int ok = 0;
        snprintf(what, sizeof what, "workloads.py: WORKLOADS[\"%s\"]", w->name);
        if (w->nsizes < 3) {
            say(t, 0, ex->id, "%s.sizes: %s", what,
                "needs at least 3 sizes: a growth class is fitted to them");
            bad++;
            continue;
        }
        if (w->sizes[w->nsizes - 1] < WORKLOAD_MIN_SPAN * w->sizes[0]) {
            snprintf(msg, sizeof msg,
                     "from %g to %g spans less than a factor of %g: growth classes cannot be "
                     "told apart",
                     w->sizes[0], w->sizes[w->nsizes - 1], WORKLOAD_MIN_SPAN);
            say(t, 0, ex->id, "%s.sizes: %s", what, msg);
            bad++;
            continue;
        }
        ph_err_clear(&err);
        if (perf_workload_try(ex, w, ref, 1, w->sizes[0], &ok, why, sizeof why, &call_s, &err) !=
            PH_OK) {
            say(t, 0, ex->id, "%s: %s", what, err.msg);
            bad++;
            continue;
        }
        if (!ok) {
            snprintf(msg, sizeof msg, "workload_%s(sub, h, n) on reference.py at n = %g: %s%s",
                     w->name, w->sizes[0], why,
                     strstr(why, "not callable") != NULL
                         ? " (it must return a function that does the work once)"
                         : "");
            say(t, 0, ex->id, "workloads.py: %s%s", msg, "");
            bad++;
            continue;
        }
        if (call_s > WORKLOAD_MAX_SMALLEST_CALL_S) {
            snprintf(msg, sizeof msg,
                     "one call on reference.py at the smallest size, n = %g, takes %.3g s (at "
                     "most %g s): compare could time few rounds",
                     w->sizes[0], call_s, WORKLOAD_MAX_SMALLEST_CALL_S);
            say(t, 0, ex->id, "%s.sizes: %s", what, msg);
            bad++;
        }
    }
    if (bad == 0) {
        char msg[256];
        snprintf(msg, sizeof msg,
                 "%zu sized workload(s), each runs on reference.py at its "
                 "smallest size",
                 wls.n);
        say(t, 1, ex->id, "workloads.py: %s%s", msg, "");
    }
    perf_workloads_cleanup(&wls);
}

struct lint_ctx {
    struct tally *t;
    const char *id;
};

static void lint_say(void *ud, const char *msg)
{
    struct lint_ctx *l = ud;

    say(l->t, 0, l->id, "%s%s", msg, "");
}

static void validate_one(struct engine *e, const char *arg, struct tally *t)
{
    struct lint_ctx lint;
    struct ph_err err = {0};
    struct exercise *ex = NULL;
    char *dir = NULL, *text = NULL;
    const struct expect must_pass = {"passed", ""};
    char path[4096], verdict[32], detail[1024];
    size_t len = 0;
    cJSON *expected = NULL, *it;

    if (bank_resolve(arg, &dir, &err) != PH_OK || exercise_load(dir, &ex, &err) != PH_OK) {
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
    lint.t = t;
    lint.id = ex->id;
    if (validate_lint(ex, lint_say, &lint) == 0)
        say(t, 1, ex->id, "%s%s", "no unknown keys, every check has its function, weights add up",
            "");
    snprintf(path, sizeof path, "%s/reference.py", ex->dir);
    expect_file(e, ex, path, "reference.py", &must_pass, t);
    validate_workloads(ex, t);
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
        char file[4096], label[600], want_check[128] = "";
        struct expect want_x;
        const char *want;
        /* "file.py": "failed", or {"verdict": "failed", "check": "name"}: the
         * named check must be among those that did not pass. */
        if (cJSON_IsString(it)) {
            want = it->valuestring;
        } else if (cJSON_IsObject(it) &&
                   cJSON_IsString(cJSON_GetObjectItemCaseSensitive(it, "verdict"))) {
            const cJSON *ck = cJSON_GetObjectItemCaseSensitive(it, "check");
            want = cJSON_GetObjectItemCaseSensitive(it, "verdict")->valuestring;
            if (cJSON_IsString(ck))
                snprintf(want_check, sizeof want_check, "%s", ck->valuestring);
            else if (ck != NULL) {
                say(t, 0, ex->id,
                    "examples/expected.json: \"%s\": \"check\" must be a check name%s", it->string,
                    "");
                continue;
            }
            if (want_check[0] != '\0' && exercise_find_check(ex, want_check) < 0) {
                say(t, 0, ex->id,
                    "examples/expected.json: \"%s\" names check \"%s\", which is not a check",
                    it->string, want_check);
                continue;
            }
        } else {
            say(t, 0, ex->id,
                "examples/expected.json: \"%s\" must map to a verdict name or {\"verdict\": ..., "
                "\"check\": ...}%s",
                it->string, "");
            continue;
        }
        snprintf(file, sizeof file, "%s/examples/%s", ex->dir, it->string);
        snprintf(label, sizeof label, "examples/%s", it->string);
        want_x.verdict = want;
        want_x.check = want_check;
        expect_file(e, ex, file, label, &want_x, t);
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
    static const char usage[] =
        "usage: pyharness validate [EXERCISE...] [--json] [--engine-stats]\n"
        "                          [--reference cached|all|fresh] [--steady]\n"
        "Check exercises end to end: exercise.json (unknown keys, weights, lesson units, a\n"
        "check_ function per check), reference.py passes, starter.py does not, and every\n"
        "example in examples/expected.json gets its verdict.  Every exercise on the search\n"
        "path unless some are named.  Only verdicts are checked, so mid-band performance\n"
        "marks are not steadied (no re-runs of the speed check) unless --steady.  A file\n"
        "that misses its verdict runs again, up to 3 times (timed checks move with the\n"
        "machine's load): a miss is reported when it held every time, else on the ok line.\n"
        "Exit 1 when anything failed, 2 when an exercise does not load.\n";
    struct ph_err err = {0};
    struct tally t = {0, 0, NULL, 0};
    struct engine *e = NULL;
    struct engine_config cfg;
    const char *policy = NULL;
    int i, json = 0, npos, parsed, stats = 0, steady = 0, status;
    const struct cli_opt opts[] = {
        {"json", 0, CLI_FLAG, NULL, "print the findings as JSON", NULL, &json},
        {"engine-stats", 0, CLI_FLAG, NULL,
         "print how many reference runs the engine made (benchmarks)", NULL, &stats},
        {"steady", 0, CLI_FLAG, NULL,
         "steady mid-band performance marks as run does (re-runs; verdicts unchanged)", NULL,
         &steady},
        {"reference", 0, CLI_VALUE, "POLICY",
         "reuse reference runs: cached (timed checks again; the default), all, or fresh", &policy,
         NULL},
        {NULL, 0, CLI_FLAG, NULL, NULL, NULL, NULL},
    };

    parsed = cli_parse(usage, opts, argc, argv, &npos);
    if (parsed != CLI_PARSE_OK)
        return cli_parse_status(parsed);
    /* A misspelt name is bad usage (exit 2), found before any work. */
    for (i = 1; i <= npos; i++) {
        char *dir = NULL;
        if (bank_resolve(argv[i], &dir, &err) != PH_OK)
            return cli_fail(&err);
        free(dir);
    }
    memset(&cfg, 0, sizeof cfg);
    /* Steadying re-runs a mid-band speed check to settle its mark; it never
     * changes a verdict, and validate reports verdicts only. */
    cfg.no_steady = !steady;
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
    if (json)
        t.items = cJSON_CreateArray();
    if (npos > 0) {
        for (i = 1; i <= npos; i++)
            validate_one(e, argv[i], &t);
    } else {
        struct bank_entry *list = NULL;
        size_t n = 0, k;
        if (bank_list(&list, &n, &err) != PH_OK) {
            cJSON_Delete(t.items);
            engine_free(e);
            return cli_fail(&err);
        }
        for (k = 0; k < n; k++)
            validate_one(e, list[k].dir, &t);
        bank_list_free(list, n);
    }
    if (json) {
        cJSON *root = cJSON_CreateObject();
        char *text;
        cJSON_AddNumberToObject(root, "passed", t.ok);
        cJSON_AddNumberToObject(root, "failed", t.bad);
        cJSON_AddItemToObject(root, "findings", t.items);
        text = cJSON_Print(root);
        if (text != NULL)
            printf("%s\n", text);
        free(text);
        cJSON_Delete(root);
    } else {
        printf("%d passed, %d failed\n", t.ok, t.bad);
    }
    if (stats) {
        struct engine_stats st;
        engine_get_stats(e, &st);
        printf("engine: %lu submissions, reference runs %lu whole + %lu timed-only, baseline "
               "runs %lu whole + %lu timed-only, %lu cache hits, %lu resumed workers, %lu "
               "hosts, %lu steadied marks\n",
               st.submissions, st.ref_whole, st.ref_timed, st.base_whole, st.base_timed,
               st.cache_hits, st.resumed, st.hosts_started, st.perf_steadied);
    }
    engine_free(e);
    status = t.broken ? CLI_EXIT_INPUT : t.bad == 0 ? CLI_EXIT_OK : CLI_EXIT_NOT_PASSED;
    return status;
}
