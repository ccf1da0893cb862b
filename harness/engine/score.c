/* score.c - see score.h. */
#include "score.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exercise.h"
#include "worker.h"

static double clamp01(double v)
{
    return v < 0 ? 0 : v > 1 ? 1 : v;
}

/* Scores are shown with one decimal; keep the stored value the shown one. */
static double round1(double v)
{
    return (double)(long long)(v * 10.0 + (v >= 0 ? 0.5 : -0.5)) / 10.0;
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
            snprintf(origin, sizeof origin,
                     "check %s: %s = %.2f (full marks at %.2f, none at %.2f)", ex->perf.check,
                     ex->perf.describe ? ex->perf.describe : "ratio", r, ex->perf.full_at,
                     ex->perf.zero_at);
        } else {
            snprintf(origin, sizeof origin, "check %s did not pass: no performance credit",
                     ex->perf.check);
        }
    } else {
        /* No measured comparison: performance follows correctness. */
        s->performance = wsum > 0 ? s->performance_max * wpass / wsum : 0;
        snprintf(origin, sizeof origin, "no performance spec: follows correctness");
    }
    /* A run that did not finish (timed out, crashed, killed after its last
     * check) has no whole-run figures: what it did not finish earns
     * nothing, so such a run never keeps full marks. */
    if (in->cand != NULL && in->cand->end != WORKER_END_OK && s->performance > 0) {
        s->performance = 0;
        snprintf(origin, sizeof origin, "the run did not finish (%s): no performance credit",
                 in->cand->detail[0] ? in->cand->detail : worker_end_name(in->cand->end));
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
