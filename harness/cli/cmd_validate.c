/* cmd_validate.c - see cmd_validate.h. */
#include "cmd_validate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bank.h"
#include "cli.h"
#include "engine.h"
#include "exercise.h"
#include "fileio.h"
#include "paths.h"

#define EXPECTED_MAX (64u * 1024)

struct tally {
    int ok, bad;
};

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
static enum ph_rc verdict_of(const struct exercise *ex, const char *file, char *verdict, size_t cap,
                             char *detail, size_t dcap, struct ph_err *err)
{
    struct engine_opts o;
    struct run_result r;
    enum ph_rc rc;
    const char *base = strrchr(file, '/');

    memset(&o, 0, sizeof o);
    o.submission_path = file;
    o.display_name = base ? base + 1 : file;
    rc = engine_run(ex, &o, NULL, &r, err);
    if (rc != PH_OK)
        return rc;
    snprintf(verdict, cap, "%s", verdict_name(r.verdict));
    snprintf(detail, dcap, "%s", r.detail ? r.detail : "");
    run_result_cleanup(&r);
    return PH_OK;
}

static void validate_one(const char *arg, struct tally *t)
{
    struct ph_err err = {0};
    struct exercise *ex = NULL;
    char *dir = NULL, *text = NULL;
    char path[4096], verdict[32], detail[1024];
    size_t len = 0;
    cJSON *expected = NULL, *it;

    if (bank_resolve(arg, &dir, &err) != PH_OK ||
        exercise_load(dir, &ex, &err) != PH_OK) {
        say(t, 0, arg, "%s%s", err.msg, "");
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
    if (verdict_of(ex, path, verdict, sizeof verdict, detail, sizeof detail, &err) != PH_OK) {
        say(t, 0, ex->id, "reference: %s%s", err.msg, "");
        goto out;
    }
    say(t, strcmp(verdict, "passed") == 0, ex->id, "reference.py: %s %s", verdict,
        strcmp(verdict, "passed") == 0 ? "" : detail);
    snprintf(path, sizeof path, "%s/starter.py", ex->dir);
    ph_err_clear(&err);
    if (verdict_of(ex, path, verdict, sizeof verdict, detail, sizeof detail, &err) != PH_OK)
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
        if (verdict_of(ex, file, verdict, sizeof verdict, detail, sizeof detail, &err) != PH_OK) {
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
    struct tally t = {0, 0};
    int i;

    if (cli_start_python(&err) != PH_OK)
        return cli_fail(&err);
    if (argc > 1) {
        for (i = 1; i < argc; i++)
            validate_one(argv[i], &t);
    } else {
        struct bank_entry *list = NULL;
        size_t n = 0, k;
        if (bank_list(&list, &n, &err) != PH_OK)
            return cli_fail(&err);
        for (k = 0; k < n; k++)
            validate_one(list[k].dir, &t);
        bank_list_free(list, n);
    }
    printf("%d passed, %d failed\n", t.ok, t.bad);
    return t.bad == 0 ? CLI_EXIT_OK : CLI_EXIT_NOT_PASSED;
}
