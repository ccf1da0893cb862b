/* score.c - see score.h. */
#include "score.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* 1 when the run's verdict is a run-level failure no check carries. */
static int run_ended_after_checks(const struct run_result *out)
{
    switch (out->verdict) {
    case VERDICT_TIMEOUT:
    case VERDICT_MEMORY_LIMIT:
    case VERDICT_CRASHED:
    case VERDICT_OUTPUT_LIMIT:
    case VERDICT_ERROR: /* e.g. its disk quota, broken after the last check */
        break;
    default:
        return 0;
    }
    for (size_t i = 0; i < out->nchecks; i++) {
        if (out->checks[i].status == out->verdict || out->checks[i].status == VERDICT_SKIPPED)
            return 0;
    }
    return 1;
}

/*
 * "check speed: 1.23x faster than the reference (CPU time of ...); full
 * marks at 2.00x slower than the reference or better, none at 5.00x slower
 * or worse": the measured figures and the bounds said the one way ratio.h
 * says them.
 */
static void compared_origin(const struct result_perf *p, const struct ratio_pair *pair,
                            char *origin, size_t ocap, char *compared, size_t ccap)
{
    double cand = pair->cand_on_top ? p->num : p->den, other = pair->cand_on_top ? p->den : p->num;
    char terms[256];

    ratio_phrase(cand, other, pair->kind, ratio_other_name(pair->other), compared, ccap);
    ratio_terms(pair, p->full_at, p->zero_at, terms, sizeof terms);
    snprintf(origin, ocap, "check %s: %s%s%s%s; %s", p->check, compared, p->describe ? " (" : "",
             p->describe ? p->describe : "", p->describe ? ")" : "", terms);
}

enum ph_rc score_run(struct run_result *out, struct ph_err *err)
{
    const struct result_perf *p = &out->perf;
    struct score *s = &out->score;
    double wsum = 0, wpass = 0;
    char origin[768], compared[128];
    struct ratio_pair pair;
    size_t i;

    free(s->perf_origin);
    free(s->perf_compared);
    memset(s, 0, sizeof *s);
    s->perf_ratio = -1;
    s->correctness_max = out->weights.correctness;
    s->performance_max = out->weights.performance;
    s->explanation_max = out->weights.explanation;
    s->max = s->correctness_max + s->performance_max + s->explanation_max;
    for (i = 0; i < out->nchecks; i++) {
        wsum += out->checks[i].weight;
        if (out->checks[i].status == VERDICT_PASSED)
            wpass += out->checks[i].weight;
    }
    s->correctness = wsum > 0 ? s->correctness_max * wpass / wsum : 0;
    if (p->present) {
        int passed = 0;
        for (i = 0; i < out->nchecks; i++)
            if (strcmp(out->checks[i].name, p->check) == 0)
                passed = out->checks[i].status == VERDICT_PASSED;
        if (passed && p->measured && p->den > 0) {
            double r = p->num / p->den;
            assert(p->full_at != p->zero_at); /* exercise_load() refuses it */
            s->perf_ratio = r;
            s->performance =
                s->performance_max * clamp01((r - p->zero_at) / (p->full_at - p->zero_at));
            if (ratio_classify(p->num_of, p->den_of, &pair) == 0) {
                compared_origin(p, &pair, origin, sizeof origin, compared, sizeof compared);
                s->perf_compared = strdup(compared);
                if (s->perf_compared == NULL)
                    return ph_errf(err, PH_ENOMEM, "out of memory");
            } else {
                snprintf(origin, sizeof origin,
                         "check %s: %s = %.2f (full marks at %.2f, none at %.2f)", p->check,
                         p->describe ? p->describe : "ratio", r, p->full_at, p->zero_at);
            }
        } else {
            snprintf(origin, sizeof origin, "check %s did not pass: no performance credit",
                     p->check);
        }
    } else {
        /* No measured comparison: performance follows correctness. */
        s->performance = wsum > 0 ? s->performance_max * wpass / wsum : 0;
        snprintf(origin, sizeof origin, "no performance spec: follows correctness");
    }
    /* A run that ended badly after its last check (a timeout, crash or
     * limit that no check carries: the checks all finished) did not finish
     * what comes after them, the whole run's figures: no performance credit,
     * so such a run never keeps full marks.  A check that hung or crashed
     * costs only that check. */
    if (s->performance > 0 && run_ended_after_checks(out)) {
        s->performance = 0;
        snprintf(origin, sizeof origin, "the run did not finish (%s): no performance credit",
                 out->detail != NULL ? out->detail : verdict_name(out->verdict));
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
