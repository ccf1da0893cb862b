/* validate_lint.c - see validate_lint.h. */
#include "validate_lint.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cli.h"
#include "exercise.h"
#include "fileio.h"

#define CHECKS_MAX (1024u * 1024) /* checks.py: a few hundred lines */
#define LINT_MSG 512

static const char *const top_keys[] = {"id",           "title",        "topic",  "question",
                                       "model_answer", "entry_points", "limits", "weights",
                                       "checks",       "performance",  "rubric", NULL};
static const char *const limit_keys[] = {"wall_s", "cpu_s",   "memory_mb", "output_kb",
                                         "nproc",  "disk_mb", "files",     NULL};
static const char *const weight_keys[] = {"correctness", "performance", "explanation", NULL};
static const char *const check_keys[] = {"name",      "description", "visible",   "weight",
                                         "timeout_s", "compare",     "tolerance", "ignore",
                                         "rules",     "lesson",      NULL};
static const char *const tolerance_keys[] = {"rel", "abs", NULL};
static const char *const rule_keys[] = {"left", "op",      "right", "scale",
                                        "plus", "message", "when",  NULL};
static const char *const perf_keys[] = {"check", "describe", "ratio", "full_at", "zero_at", NULL};
static const char *const ratio_keys[] = {"num", "den", NULL};
/* The units a lesson placeholder {path:unit} may name (judge.c formats them). */
static const char *const units[] = {"bytes", "mb",  "ms",  "s",   "sec", "x",
                                    "vs",    "int", "pct", "num", NULL};

struct lint {
    const struct exercise *ex;
    validate_lint_fn say;
    void *ud;
    size_t n;
};

static void problem(struct lint *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void problem(struct lint *l, const char *fmt, ...)
{
    char msg[LINT_MSG];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    l->say(l->ud, msg);
    l->n++;
}

static int known(const char *key, const char *const *keys)
{
    for (; *keys != NULL; keys++)
        if (strcmp(key, *keys) == 0)
            return 1;
    return 0;
}

static void keys_of(struct lint *l, const cJSON *obj, const char *const *keys, const char *where)
{
    const cJSON *it;

    if (!cJSON_IsObject(obj))
        return;
    cJSON_ArrayForEach(it, obj)
    {
        const char *guess;
        if (known(it->string, keys) || strncmp(it->string, "//", 2) == 0) /* a comment */
            continue;
        guess = cli_did_you_mean(it->string, keys);
        if (guess != NULL)
            problem(l, "exercise.json: %s%s\"%s\" is not a known key: did you mean \"%s\"?", where,
                    where[0] ? ": " : "", it->string, guess);
        else
            problem(l, "exercise.json: %s%s\"%s\" is not a known key (see docs/exercise-format.md)",
                    where, where[0] ? ": " : "", it->string);
    }
}

static void lesson_units(struct lint *l, const char *check, size_t i, const char *lesson)
{
    const char *p = lesson;

    while ((p = strchr(p, '{')) != NULL) {
        const char *end = strchr(p, '}'), *colon;
        char unit[32];
        size_t n;

        if (end == NULL) {
            problem(l, "exercise.json: checks[%zu] (%s): lesson has a \"{\" with no \"}\"", i,
                    check);
            return;
        }
        colon = memchr(p, ':', (size_t)(end - p));
        if (colon != NULL) {
            n = (size_t)(end - colon - 1);
            if (n >= sizeof unit)
                n = sizeof unit - 1;
            memcpy(unit, colon + 1, n);
            unit[n] = '\0';
            if (!known(unit, units)) {
                const char *guess = cli_did_you_mean(unit, units);
                problem(l,
                        "exercise.json: checks[%zu] (%s): lesson placeholder unit \"%s\" is not "
                        "one of bytes, mb, ms, s, sec, x, vs, int, pct, num%s%s%s",
                        i, check, unit, guess ? " (did you mean \"" : "", guess ? guess : "",
                        guess ? "\"?)" : "");
            }
        }
        p = end + 1;
    }
}

/* 1 when `src` has a line starting "def check_<name>(" (or "async def"). */
static int defines_check(const char *src, const char *name)
{
    char want[256];
    const char *p = src;
    size_t n;

    n = (size_t)snprintf(want, sizeof want, "def check_%s(", name);
    if (n >= sizeof want)
        return 0;
    while ((p = strstr(p, want)) != NULL) {
        const char *bol = p;
        while (bol > src && bol[-1] != '\n')
            bol--;
        if (bol == p || (p - bol == 6 && strncmp(bol, "async ", 6) == 0))
            return 1;
        p += n;
    }
    return 0;
}

size_t validate_lint(const struct exercise *ex, validate_lint_fn say, void *ud)
{
    struct lint l = {ex, say, ud, 0};
    const cJSON *checks = cJSON_GetObjectItemCaseSensitive(ex->json, "checks");
    const cJSON *perf = cJSON_GetObjectItemCaseSensitive(ex->json, "performance");
    const cJSON *c;
    char where[96], path[4096];
    char *src = NULL;
    size_t len = 0, i = 0;
    struct ph_err err = {0};
    double sum;

    keys_of(&l, ex->json, top_keys, "");
    keys_of(&l, cJSON_GetObjectItemCaseSensitive(ex->json, "limits"), limit_keys, "limits");
    keys_of(&l, cJSON_GetObjectItemCaseSensitive(ex->json, "weights"), weight_keys, "weights");
    keys_of(&l, perf, perf_keys, "performance");
    keys_of(&l, cJSON_GetObjectItemCaseSensitive(perf, "ratio"), ratio_keys, "performance.ratio");
    cJSON_ArrayForEach(c, checks)
    {
        const cJSON *r, *rules = cJSON_GetObjectItemCaseSensitive(c, "rules");
        size_t k = 0;
        snprintf(where, sizeof where, "checks[%zu]", i);
        keys_of(&l, c, check_keys, where);
        snprintf(where, sizeof where, "checks[%zu].tolerance", i);
        keys_of(&l, cJSON_GetObjectItemCaseSensitive(c, "tolerance"), tolerance_keys, where);
        cJSON_ArrayForEach(r, rules)
        {
            snprintf(where, sizeof where, "checks[%zu].rules[%zu]", i, k++);
            keys_of(&l, r, rule_keys, where);
        }
        i++;
    }
    for (i = 0; i < ex->nchecks; i++)
        if (ex->checks[i].lesson != NULL)
            lesson_units(&l, ex->checks[i].name, i, ex->checks[i].lesson);
    sum = ex->weights.correctness + ex->weights.performance + ex->weights.explanation;
    if (fabs(sum - 100.0) > 1e-9)
        problem(&l,
                "exercise.json: weights: correctness %g + performance %g + explanation %g = %g, "
                "not 100",
                ex->weights.correctness, ex->weights.performance, ex->weights.explanation, sum);
    if (ex->weights.performance > 0 && !ex->perf.present)
        problem(&l,
                "exercise.json: weights.performance is %g but there is no \"performance\" "
                "section to earn it",
                ex->weights.performance);
    snprintf(path, sizeof path, "%s/checks.py", ex->dir);
    if (fileio_read(path, CHECKS_MAX, &src, &len, &err) != PH_OK) {
        problem(&l, "%s", err.msg);
        return l.n;
    }
    for (i = 0; i < ex->nchecks; i++)
        if (!defines_check(src, ex->checks[i].name))
            problem(&l,
                    "exercise.json: checks[%zu] names \"%s\", but checks.py has no "
                    "\"def check_%s(sub, h)\"",
                    i, ex->checks[i].name, ex->checks[i].name);
    free(src);
    return l.n;
}
