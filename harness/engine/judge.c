/*
 * judge.c - see judge.h.
 *
 * A check passes only when every one of these holds, each decided here:
 * the worker delivered the check's frame; the check raised nothing; the C log
 * shows no tampering; the observation equals the reference's (when the check
 * compares); and every rule holds on the figures.
 */
#include "judge.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "exercise.h"
#include "fileio.h"
#include "proto.h"
#include "rules.h"
#include "measure_json.h"

#define MSG_MAX 1024

static char *dupstr(const char *s)
{
    size_t n;
    char *d;

    if (s == NULL)
        return NULL;
    n = strlen(s) + 1;
    d = malloc(n);
    if (d != NULL)
        memcpy(d, s, n);
    return d;
}

/* ---- figures ---- */

static const cJSON *check_frame(const struct worker_result *w, const char *check)
{
    size_t i;

    if (w == NULL)
        return NULL;
    for (i = 0; i < w->nchecks; i++)
        if (strcmp(w->checks[i].name, check) == 0)
            return w->checks[i].frame;
    return NULL;
}

/* The frames rules read for `check`. */
static void frames_for(const struct judge_input *in, const char *check, struct rule_frames *f)
{
    memset(f, 0, sizeof *f);
    f->frame[RULE_CAND] = check_frame(in->cand, check);
    f->frame[RULE_REF] = check_frame(in->ref, check);
    f->frame[RULE_BASE] = check_frame(in->base, check);
    f->cpus = in->cpus;
}

/* ---- per check ---- */

static enum verdict end_to_verdict(enum worker_end e)
{
    switch (e) {
    case WORKER_END_OK:
        return VERDICT_PASSED;
    case WORKER_END_TIMEOUT:
    case WORKER_END_CPU:
        return VERDICT_TIMEOUT;
    case WORKER_END_MEMORY:
        return VERDICT_MEMORY_LIMIT;
    case WORKER_END_SIGNAL:
        return VERDICT_CRASHED;
    case WORKER_END_OUTPUT:
        return VERDICT_OUTPUT_LIMIT;
    case WORKER_END_EARLY_EXIT:
        return VERDICT_ERROR;
    case WORKER_END_PROTOCOL:
        return VERDICT_REJECTED;
    }
    return VERDICT_ERROR;
}

/* Verdict for an exception a check raised. */
static enum verdict exception_verdict(const cJSON *error, char *msg, size_t cap)
{
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(error, "type");
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(error, "message");
    const cJSON *tb = cJSON_GetObjectItemCaseSensitive(error, "traceback");
    const char *ts = cJSON_IsString(type) ? type->valuestring : "Exception";
    const char *ms = cJSON_IsString(m) ? m->valuestring : "";

    if (cJSON_IsString(tb) && tb->valuestring[0] != '\0')
        snprintf(msg, cap, "%s: %s\n%s", ts, ms, tb->valuestring);
    else
        snprintf(msg, cap, "%s: %s", ts, ms);
    if (proto_is_blocked(ms))
        return VERDICT_REJECTED;
    if (strcmp(ts, "MemoryError") == 0) {
        if (ms[0] == '\0')
            snprintf(msg, cap, "MemoryError: the run reached its memory limit%s%s",
                     cJSON_IsString(tb) && tb->valuestring[0] ? "\n" : "",
                     cJSON_IsString(tb) ? tb->valuestring : "");
        return VERDICT_MEMORY_LIMIT;
    }
    return VERDICT_ERROR;
}

static int log_tampered(const cJSON *frame, char *msg, size_t cap)
{
    const cJSON *log = cJSON_GetObjectItemCaseSensitive(frame, "log");
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(log, "tamper");
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(log, "measures"), *it;

    const cJSON *ft = cJSON_GetObjectItemCaseSensitive(frame, "tamper");

    if (cJSON_IsArray(ft) && cJSON_GetArraySize(ft) > 0) {
        snprintf(msg, cap, "tampering with the harness: %s",
                 cJSON_GetArrayItem(ft, 0)->valuestring);
        return 1;
    }
    if (cJSON_IsArray(t) && cJSON_GetArraySize(t) > 0) {
        snprintf(msg, cap, "tampering with the harness: %s", cJSON_GetArrayItem(t, 0)->valuestring);
        return 1;
    }
    cJSON_ArrayForEach(it, m)
    {
        if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(it, "nested"))) {
            snprintf(msg, cap,
                     "tampering with the harness: measurement \"%s\" was recorded from "
                     "inside another measurement",
                     it->string);
            return 1;
        }
    }
    return 0;
}

static enum ph_rc judge_check(const struct judge_input *in, size_t idx, struct check_result *cr,
                              struct ph_err *err)
{
    const struct exercise_check *ec = &in->ex->checks[idx];
    const cJSON *cf, *rf, *bf;
    const struct worker_check *wc;
    struct rule_frames frames;
    char msg[MSG_MAX] = "";
    int wrong_result = 0;

    /* exercise_load() refuses a check without a name, and compiles every
     * rule and lesson (rules.c): none is parsed here. */
    assert(idx < in->ex->nchecks && ec->name != NULL);
    assert(ec->nrules == 0 || ec->rules != NULL);
    cf = check_frame(in->cand, ec->name);
    rf = check_frame(in->ref, ec->name);
    bf = in->base ? check_frame(in->base, ec->name) : NULL;
    wc = worker_result_check(in->cand, ec->name);

    cr->name = dupstr(ec->name);
    cr->description = dupstr(ec->description);
    cr->visible = ec->visible;
    cr->weight = ec->weight;
    if (cr->name == NULL)
        return ph_errf(err, PH_ENOMEM, "out of memory");
    /* The reference must have passed through cleanly, or the exercise is broken. */
    if (proto_frame_status(rf) != PROTO_STATUS_OK) {
        const cJSON *e = cJSON_GetObjectItemCaseSensitive(rf, "error");
        char why[512] = "it did not report";
        if (e != NULL)
            exception_verdict(e, why, sizeof why);
        else if (in->ref->end != WORKER_END_OK)
            snprintf(why, sizeof why, "%s", in->ref->detail);
        return ph_errf(err, PH_EINTERNAL, "%s: reference.py fails check %s: %s", in->ex->json_path,
                       ec->name, why);
    }
    if (in->base != NULL && proto_frame_status(bf) != PROTO_STATUS_OK) {
        const cJSON *e = cJSON_GetObjectItemCaseSensitive(bf, "error");
        char why[512] = "it did not report";
        if (e != NULL)
            exception_verdict(e, why, sizeof why);
        else if (in->base->end != WORKER_END_OK)
            snprintf(why, sizeof why, "%s", in->base->detail);
        return ph_errf(err, PH_EINTERNAL,
                       "%s: baseline.py fails check %s: %s (its limits were already stretched "
                       "by the machine's load; grade again when the machine is less busy)",
                       in->ex->json_path, ec->name, why);
    }
    if (cf == NULL) {
        long running = in->cand->running_check;
        if (proto_frame_status(in->cand->import_frame) == PROTO_STATUS_ERROR) {
            cr->status = VERDICT_SKIPPED;
            snprintf(msg, sizeof msg, "not run: the submission failed to import");
        } else if (wc != NULL && wc->stopped) {
            cr->status = end_to_verdict(wc->stop);
            snprintf(msg, sizeof msg, "%s", wc->stop_detail);
        } else if (running >= 0 && strcmp(in->cand->checks[running].name, ec->name) == 0) {
            cr->status = end_to_verdict(in->cand->end);
            snprintf(msg, sizeof msg, "%s", in->cand->detail);
        } else {
            cr->status = in->cand->end == WORKER_END_PROTOCOL ? VERDICT_REJECTED : VERDICT_SKIPPED;
            snprintf(msg, sizeof msg, "not run: %s",
                     in->cand->detail[0] ? in->cand->detail : "the run ended early");
        }
        cr->message = dupstr(msg);
        return PH_OK;
    }
    cr->has_metrics = measure_figures_from_json(cJSON_GetObjectItemCaseSensitive(cf, "metrics"),
                                                &cr->metrics) == 0;
    {
        const cJSON *log = cJSON_GetObjectItemCaseSensitive(cf, "log");
        cr->log = log ? cJSON_Duplicate(log, 1) : NULL;
    }
    if (proto_frame_status(cf) != PROTO_STATUS_OK) {
        cr->status =
            exception_verdict(cJSON_GetObjectItemCaseSensitive(cf, "error"), msg, sizeof msg);
        cr->message = dupstr(msg);
        return PH_OK;
    }
    if (log_tampered(cf, msg, sizeof msg)) {
        cr->status = VERDICT_REJECTED;
        cr->message = dupstr(msg);
        return PH_OK;
    }
    cr->status = VERDICT_PASSED;
    if (ec->compare == CHECK_COMPARE_EQUAL) {
        struct compare_opts co = {ec->rel_tol, ec->abs_tol, ec->ignore, ec->nignore};
        char why[MSG_MAX - 32];
        if (!compare_json(cJSON_GetObjectItemCaseSensitive(rf, "obs"),
                          cJSON_GetObjectItemCaseSensitive(cf, "obs"), &co, ec->visible, why,
                          sizeof why)) {
            cr->status = VERDICT_FAILED;
            snprintf(msg, sizeof msg, "wrong result %s", why);
            wrong_result = 1;
        }
    }
    frames_for(in, ec->name, &frames);
    for (size_t k = 0; cr->status == VERDICT_PASSED && k < ec->nrules; k++)
        if (rules_eval(&ec->rules[k], &frames, msg, sizeof msg) != 1)
            cr->status = VERDICT_FAILED;
    if (cr->status != VERDICT_PASSED)
        cr->message = dupstr(msg);
    /* A lesson reads figures as the measure of the intended computation;
     * after a wrong result they measured something else ("0 B of peak
     * memory" for a reader that returned a list), so it is left out. */
    if (ec->lesson != NULL && !wrong_result)
        cr->lesson = rules_lesson_format(&ec->lesson_rule, &frames);
    return PH_OK;
}

/* Whole-run Python figures for a worker that never sent them: the highest
 * peak and the sum of the allocations of the checks that finished. */
static void python_lower_bounds(struct run_result *out)
{
    out->metrics_partial = 1;
    for (size_t i = 0; i < out->nchecks; i++) {
        const struct check_result *cr = &out->checks[i];

        if (!cr->has_metrics)
            continue;
        if (cr->metrics.py_peak_bytes > out->metrics.py_peak_bytes)
            out->metrics.py_peak_bytes = cr->metrics.py_peak_bytes;
        out->metrics.py_allocs += cr->metrics.py_allocs;
    }
}

/* The performance spec and the figures it reads, into the result. */
static enum ph_rc judge_perf(const struct judge_input *in, struct run_result *out,
                             struct ph_err *err)
{
    const struct exercise_perf *p = &in->ex->perf;
    struct rule_frames frames;
    double num, den;

    if (!p->present)
        return PH_OK;
    /* exercise_load() refuses a spec without a check that names one of the
     * exercise's checks. */
    assert(p->check != NULL && exercise_find_check(in->ex, p->check) >= 0);
    out->perf.present = 1;
    out->perf.check = dupstr(p->check);
    out->perf.describe = dupstr(p->describe);
    if (p->num.kind == RULE_OPERAND_PATH && p->den.kind == RULE_OPERAND_PATH) {
        out->perf.num_of = dupstr(rules_operand_text(&p->num));
        out->perf.den_of = dupstr(p->den.path.text);
        if (out->perf.num_of == NULL || out->perf.den_of == NULL)
            return ph_errf(err, PH_ENOMEM, "out of memory");
    }
    if (out->perf.check == NULL || (p->describe != NULL && out->perf.describe == NULL))
        return ph_errf(err, PH_ENOMEM, "out of memory");
    out->perf.full_at = p->full_at;
    out->perf.zero_at = p->zero_at;
    frames_for(in, p->check, &frames);
    if (rules_number(&p->num, &frames, &num) == 0 && rules_number(&p->den, &frames, &den) == 0 &&
        den > 0) {
        out->perf.measured = 1;
        out->perf.num = num;
        out->perf.den = den;
    }
    return PH_OK;
}

int judge_perf_figures(const struct judge_input *in, double *num, double *den)
{
    const struct exercise_perf *p = &in->ex->perf;
    struct rule_frames frames;

    if (!p->present)
        return -1;
    frames_for(in, p->check, &frames);
    if (rules_number(&p->num, &frames, num) != 0 || rules_number(&p->den, &frames, den) != 0 ||
        !(*den > 0))
        return -1;
    return 0;
}

enum ph_rc judge_run(const struct judge_input *in, struct run_result *out, struct ph_err *err)
{
    const struct exercise *ex = in->ex;
    const struct worker_result *c = in->cand;
    enum verdict worst = VERDICT_PASSED;
    enum ph_rc rc;
    char detail[MSG_MAX];
    size_t i;

    memset(out, 0, sizeof *out);
    out->exercise = dupstr(ex->id);
    out->title = dupstr(ex->title);
    out->submission = dupstr(in->submission_name);
    out->model_answer = dupstr(ex->model_answer);
    out->stdout_text = dupstr(c->out ? c->out : "");
    out->stderr_text = dupstr(c->errout ? c->errout : "");
    /* Captured output joined across resumed workers and cut at a cap may
     * end inside a UTF-8 sequence: reports stay valid UTF-8. */
    if (out->stdout_text != NULL)
        (void)fileio_utf8_scrub(out->stdout_text, strlen(out->stdout_text));
    if (out->stderr_text != NULL)
        (void)fileio_utf8_scrub(out->stderr_text, strlen(out->stderr_text));
    out->checks = calloc(ex->nchecks, sizeof *out->checks);
    if (out->exercise == NULL || out->checks == NULL)
        return ph_errf(err, PH_ENOMEM, "out of memory");
    out->nchecks = ex->nchecks;
    out->facts.cpus = in->cpus;
    out->weights.correctness = ex->weights.correctness;
    out->weights.performance = ex->weights.performance;
    out->weights.explanation = ex->weights.explanation;
    rc = judge_perf(in, out, err);
    if (rc != PH_OK)
        return rc;
    detail[0] = '\0';
    for (i = 0; i < ex->nchecks; i++) {
        rc = judge_check(in, i, &out->checks[i], err);
        if (rc != PH_OK)
            return rc;
        if (verdict_rank(out->checks[i].status) > verdict_rank(worst)) {
            worst = out->checks[i].status;
            snprintf(detail, sizeof detail, "check %s: %s", out->checks[i].name,
                     out->checks[i].message ? out->checks[i].message : verdict_name(worst));
        }
    }
    /* An import failure is the run's error, whatever the checks say; tampering
     * at import time is a rejection. */
    if (c->import_frame != NULL) {
        char m[MSG_MAX];
        if (log_tampered(c->import_frame, m, sizeof m)) {
            worst = VERDICT_REJECTED;
            snprintf(detail, sizeof detail, "at import: %s", m);
        }
    }
    if (c->import_frame != NULL) {
        if (proto_frame_status(c->import_frame) == PROTO_STATUS_ERROR) {
            char m[MSG_MAX];
            enum verdict v = exception_verdict(
                cJSON_GetObjectItemCaseSensitive(c->import_frame, "error"), m, sizeof m);
            worst = v == VERDICT_MEMORY_LIMIT || v == VERDICT_REJECTED ? v : VERDICT_ERROR;
            snprintf(detail, sizeof detail, "the submission failed to import: %s", m);
        }
    }
    /* The supervisor's view of the process overrides what the checks show. */
    if (c->end != WORKER_END_OK) {
        enum verdict v = end_to_verdict(c->end);
        if (verdict_rank(v) >= verdict_rank(worst) || worst == VERDICT_PASSED) {
            worst = v == VERDICT_PASSED ? VERDICT_ERROR : v;
            snprintf(detail, sizeof detail, "%s", c->detail);
        }
    }
    if (worst == VERDICT_SKIPPED)
        worst = VERDICT_ERROR;
    out->verdict = worst;
    out->detail = dupstr(worst == VERDICT_PASSED ? "all checks passed" : detail);
    /* Whole-run figures: the kernel's for time and RSS, C's for the Python heap. */
    out->metrics.wall_ns = c->wall_ns;
    out->metrics.cpu_ns = ((int64_t)c->ru.ru_utime.tv_sec + c->ru.ru_stime.tv_sec) * 1000000000LL +
                          ((int64_t)c->ru.ru_utime.tv_usec + c->ru.ru_stime.tv_usec) * 1000LL;
    out->metrics.rss_peak_bytes = (int64_t)c->ru.ru_maxrss * 1024;
    out->metrics.parallelism =
        c->wall_ns > 0 ? (double)out->metrics.cpu_ns / (double)c->wall_ns : 0.0;
    if (c->end_frame == NULL)
        python_lower_bounds(out);
    if (c->end_frame != NULL) {
        struct measure_figures f;
        if (measure_figures_from_json(cJSON_GetObjectItemCaseSensitive(c->end_frame, "metrics"),
                                      &f) == 0) {
            out->metrics.py_peak_bytes = f.py_peak_bytes;
            out->metrics.py_current_bytes = f.py_current_bytes;
            out->metrics.py_allocs = f.py_allocs;
            out->metrics.children_cpu_ns = f.children_cpu_ns;
            out->metrics.rss_growth_bytes = f.rss_growth_bytes;
            /* Per-check resets of VmHWM lower the kernel's own maxrss for
             * the worker; the worker's C side kept the true peak. */
            if (f.rss_peak_bytes > out->metrics.rss_peak_bytes)
                out->metrics.rss_peak_bytes = f.rss_peak_bytes;
        }
    }
    return PH_OK;
}
