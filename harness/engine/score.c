/* score.c - see score.h. */
#include "score.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exercise.h"
#include "ratio.h"

static double clamp01(double v)
{
    return v < 0 ? 0 : v > 1 ? 1 : v;
}

/* Scores are shown with one decimal; keep the stored value the shown one. */
static double round1(double v)
{
    return (double)(long long)(v * 10.0 + (v >= 0 ? 0.5 : -0.5)) / 10.0;
}

/* "1.25x slower than the reference" -> "1.25x slower": the thresholds follow
 * the figure that already named the reference. */
static void trim_reference(char *phrase)
{
    static const char tail[] = " than the reference";
    size_t n = strlen(phrase), m = sizeof tail - 1;

    if (n > m && strcmp(phrase + n - m, tail) == 0)
        phrase[n - m] = '\0';
}

enum ph_rc score_run(const struct judge_input *in, struct run_result *out, struct ph_err *err)
{
    const struct exercise *ex = in->ex;
    struct score *s = &out->score;
    double wsum = 0, wpass = 0, num, den;
    char origin[512];
    size_t i;

    memset(s, 0, sizeof *s);
    s->perf_ratio = -1;
    s->correctness_max = ex->weights.correctness;
    s->performance_max = ex->weights.performance;
    s->explanation_max = ex->weights.explanation;
    s->max = s->correctness_max + s->performance_max + s->explanation_max;
    for (i = 0; i < out->nchecks; i++) {
        wsum += out->checks[i].weight;
        if (out->checks[i].status == VERDICT_PASSED)
            wpass += out->checks[i].weight;
    }
    s->correctness = wsum > 0 ? s->correctness_max * wpass / wsum : 0;
    if (ex->perf.present) {
        long idx = exercise_find_check(ex, ex->perf.check);
        int passed = idx >= 0 && out->checks[idx].status == VERDICT_PASSED;
        if (passed && judge_number(in, ex->perf.check, ex->perf.num, &num) == 0 &&
            judge_number(in, ex->perf.check, ex->perf.den, &den) == 0 && den > 0) {
            double r = num / den;
            s->perf_ratio = r;
            s->performance = s->performance_max * clamp01((r - ex->perf.zero_at) /
                                                          (ex->perf.full_at - ex->perf.zero_at));
            enum ratio_kind kind;
            int cand_top;
            if (cJSON_IsString(ex->perf.num) && cJSON_IsString(ex->perf.den) &&
                ratio_classify(ex->perf.num->valuestring, ex->perf.den->valuestring, &kind,
                               &cand_top) == 0 &&
                r > 0 && ex->perf.full_at > 0 && ex->perf.zero_at > 0) {
                /* One convention for every ratio a report shows: the
                 * candidate against the reference, in words. */
                char now[96], full[96], zero[96];
                ratio_phrase(cand_top ? r : 1 / r, kind, now, sizeof now);
                ratio_phrase(cand_top ? ex->perf.full_at : 1 / ex->perf.full_at, kind, full,
                             sizeof full);
                ratio_phrase(cand_top ? ex->perf.zero_at : 1 / ex->perf.zero_at, kind, zero,
                             sizeof zero);
                trim_reference(full);
                trim_reference(zero);
                snprintf(origin, sizeof origin, "check %s: %s (full marks at %s, none at %s)",
                         ex->perf.check, now, full, zero);
            } else {
                snprintf(origin, sizeof origin,
                         "check %s: %s = %.2f (full marks at %.2f, none at %.2f)", ex->perf.check,
                         ex->perf.describe ? ex->perf.describe : "ratio", r, ex->perf.full_at,
                         ex->perf.zero_at);
            }
        } else {
            snprintf(origin, sizeof origin, "check %s did not pass: no performance credit",
                     ex->perf.check);
        }
    } else {
        /* No measured comparison: performance follows correctness. */
        s->performance = wsum > 0 ? s->performance_max * wpass / wsum : 0;
        snprintf(origin, sizeof origin, "no performance spec: follows correctness");
    }
    s->perf_origin = strdup(origin);
    if (s->perf_origin == NULL)
        return ph_errf(err, PH_ENOMEM, "out of memory");
    if (out->explanation != NULL && out->explanation->max > 0) {
        s->explanation =
            s->explanation_max * clamp01(out->explanation->score / out->explanation->max);
    } else {
        s->explanation = 0;
        s->explanation_missing = 1;
    }
    if (out->verdict == VERDICT_REJECTED) {
        s->correctness = s->performance = s->explanation = 0;
    }
    s->correctness = round1(s->correctness);
    s->performance = round1(s->performance);
    s->explanation = round1(s->explanation);
    s->total = round1(s->correctness + s->performance + s->explanation);
    return PH_OK;
}
