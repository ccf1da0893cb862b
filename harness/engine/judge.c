/*
 * judge.c - see judge.h.
 *
 * A check passes only when every one of these holds, each decided here:
 * the worker delivered the check's frame; the check raised nothing; the C log
 * shows no tampering; the observation equals the reference's (when the check
 * compares); and every rule holds on the figures.
 */
#include "judge.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "exercise.h"
#include "fileio.h"
#include "ratio.h"

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

const char *verdict_name(enum verdict v)
{
    switch (v) {
    case VERDICT_PASSED:
        return "passed";
    case VERDICT_FAILED:
        return "failed";
    case VERDICT_ERROR:
        return "error";
    case VERDICT_TIMEOUT:
        return "timeout";
    case VERDICT_MEMORY_LIMIT:
        return "memory_limit";
    case VERDICT_CRASHED:
        return "crashed";
    case VERDICT_OUTPUT_LIMIT:
        return "output_limit";
    case VERDICT_REJECTED:
        return "rejected";
    case VERDICT_SKIPPED:
        return "skipped";
    }
    return "?";
}

int verdict_rank(enum verdict v)
{
    switch (v) {
    case VERDICT_PASSED:
        return 0;
    case VERDICT_SKIPPED:
        return 1;
    case VERDICT_FAILED:
        return 2;
    case VERDICT_ERROR:
        return 3;
    case VERDICT_OUTPUT_LIMIT:
        return 4;
    case VERDICT_MEMORY_LIMIT:
        return 5;
    case VERDICT_TIMEOUT:
        return 6;
    case VERDICT_CRASHED:
        return 7;
    case VERDICT_REJECTED:
        return 8;
    }
    return 9;
}

void run_result_cleanup(struct run_result *r)
{
    size_t i;

    if (r == NULL)
        return;
    for (i = 0; i < r->nchecks; i++) {
        free(r->checks[i].name);
        free(r->checks[i].description);
        free(r->checks[i].message);
        free(r->checks[i].lesson);
        cJSON_Delete(r->checks[i].log);
    }
    free(r->checks);
    free(r->exercise);
    free(r->title);
    free(r->submission);
    free(r->detail);
    free(r->score.perf_origin);
    if (r->explanation != NULL) {
        explain_result_cleanup(r->explanation);
        free(r->explanation);
    }
    free(r->model_answer);
    free(r->stdout_text);
    free(r->stderr_text);
    free(r->sandbox);
    free(r->python);
    memset(r, 0, sizeof *r);
}

/* ---- path resolution ---- */

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

/* "cand.measure.big.wall_ns" in the context of `check` -> JSON node (borrowed). */
static const cJSON *resolve(const struct judge_input *in, const char *check, const char *path,
                            cJSON **scratch)
{
    char buf[256], *seg, *save = NULL;
    const struct worker_result *w;
    const cJSON *node;

    *scratch = NULL;
    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf)
        return NULL;
    seg = strtok_r(buf, ".", &save);
    if (seg == NULL)
        return NULL;
    if (strcmp(seg, "sys") == 0) {
        seg = strtok_r(NULL, ".", &save);
        if (seg != NULL && strcmp(seg, "cpus") == 0) {
            *scratch = cJSON_CreateNumber(measure_cpus());
            return *scratch;
        }
        return NULL;
    }
    w = strcmp(seg, "cand") == 0 ? in->cand : strcmp(seg, "ref") == 0 ? in->ref : in->base;
    if (strcmp(seg, "cand") != 0 && strcmp(seg, "ref") != 0 && strcmp(seg, "base") != 0)
        return NULL;
    node = check_frame(w, check);
    if (node == NULL)
        return NULL;
    seg = strtok_r(NULL, ".", &save);
    if (seg == NULL)
        return NULL;
    if (strcmp(seg, "obs") == 0 || strcmp(seg, "metrics") == 0) {
        node = cJSON_GetObjectItemCaseSensitive(node, seg);
    } else if (strcmp(seg, "measure") == 0 || strcmp(seg, "client") == 0 ||
               strcmp(seg, "monitor") == 0) {
        const char *key = seg[0] == 'm' && seg[1] == 'e' ? "measures"
                          : seg[0] == 'c'                ? "clients"
                                                         : "monitors";
        node = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(node, "log"), key);
    } else {
        return NULL;
    }
    for (seg = strtok_r(NULL, ".", &save); seg != NULL && node != NULL;
         seg = strtok_r(NULL, ".", &save)) {
        if (cJSON_IsArray(node) && seg[0] >= '0' && seg[0] <= '9') {
            node = cJSON_GetArrayItem(node, (int)strtol(seg, NULL, 10));
        } else if (cJSON_IsObject(node) && node->child != NULL &&
                   strcmp(node->child->string, "$tuple") == 0 && seg[0] >= '0' && seg[0] <= '9') {
            node = cJSON_GetArrayItem(node->child, (int)strtol(seg, NULL, 10));
        } else if (strcmp(seg, "len") == 0 && (cJSON_IsArray(node) || cJSON_IsString(node))) {
            cJSON_Delete(*scratch);
            *scratch = cJSON_CreateNumber(cJSON_IsArray(node) ? cJSON_GetArraySize(node)
                                                              : (double)strlen(node->valuestring));
            node = *scratch;
        } else {
            node = cJSON_GetObjectItemCaseSensitive(node, seg);
        }
    }
    return node;
}

/* A number, unwrapping {"$float": x}; bools count as 0/1. */
static int as_number(const cJSON *v, double *out)
{
    if (cJSON_IsNumber(v)) {
        *out = v->valuedouble;
        return 0;
    }
    if (cJSON_IsBool(v)) {
        *out = cJSON_IsTrue(v) ? 1.0 : 0.0;
        return 0;
    }
    if (cJSON_IsObject(v) && v->child != NULL && strcmp(v->child->string, "$float") == 0 &&
        cJSON_IsNumber(v->child)) {
        *out = v->child->valuedouble;
        return 0;
    }
    return -1;
}

int judge_number(const struct judge_input *in, const char *check, const cJSON *operand, double *out)
{
    cJSON *scratch = NULL;
    const cJSON *v;
    int rc;

    if (cJSON_IsNumber(operand)) {
        *out = operand->valuedouble;
        return 0;
    }
    if (!cJSON_IsString(operand))
        return -1;
    v = resolve(in, check, operand->valuestring, &scratch);
    rc = v != NULL ? as_number(v, out) : -1;
    cJSON_Delete(scratch);
    return rc;
}

/* ---- formatting figures ---- */

static void fmt_value(double v, const char *unit, char *buf, size_t cap)
{
    if (strcmp(unit, "bytes") == 0)
        fileio_human_size(v, buf, cap);
    else if (strcmp(unit, "mb") == 0)
        snprintf(buf, cap, "%.1f MB", v / 1e6);
    else if (strcmp(unit, "ms") == 0 && v < 1e6)
        fileio_human_duration(v, buf, cap); /* "0.0 ms" says nothing: 840 µs */
    else if (strcmp(unit, "ms") == 0)
        snprintf(buf, cap, "%.1f ms", v / 1e6);
    else if (strcmp(unit, "s") == 0)
        snprintf(buf, cap, "%.2f s", v / 1e9);
    else if (strcmp(unit, "sec") == 0)
        snprintf(buf, cap, "%.3f s", v);
    else if (strcmp(unit, "x") == 0)
        snprintf(buf, cap, "%.2fx", v);
    else if (strcmp(unit, "int") == 0)
        snprintf(buf, cap, "%.0f", v);
    else if (strcmp(unit, "pct") == 0)
        snprintf(buf, cap, "%.0f%%", v * 100);
    else if (v == floor(v) && fabs(v) < 1e15)
        snprintf(buf, cap, "%.0f", v); /* a count: 1000, not 1e+03 */
    else if (fabs(v) >= 1000 && fabs(v) < 1e15)
        snprintf(buf, cap, "%.0f", v);
    else
        snprintf(buf, cap, "%.3g", v);
}

/* Unit implied by a path's last field, for messages. */
static const char *unit_of(const char *path)
{
    size_t n = strlen(path);

    if (n > 3 && strcmp(path + n - 3, "_ns") == 0)
        return "ms";
    if (n > 6 && strcmp(path + n - 6, "_bytes") == 0)
        return "bytes";
    return "num";
}

/*
 * Fill "{path:unit}" and "{pathA/pathB:unit}" placeholders.  Returns a new
 * string, or NULL when a figure is missing (the lesson is then left out).
 */
static char *format_lesson(const struct judge_input *in, const char *check, const char *tmpl)
{
    char out[MSG_MAX];
    size_t o = 0;
    const char *p = tmpl;

    while (*p != '\0' && o + 1 < sizeof out) {
        if (*p == '{') {
            const char *end = strchr(p, '}');
            char expr[256], *colon, *slash, val[64];
            const char *unit = "num";
            double a, b = 1.0;
            cJSON *opa, *opb = NULL;
            enum ratio_kind kind;
            int bad, cand_top;
            if (end == NULL || (size_t)(end - p - 1) >= sizeof expr)
                return NULL;
            memcpy(expr, p + 1, (size_t)(end - p - 1));
            expr[end - p - 1] = '\0';
            colon = strchr(expr, ':');
            if (colon != NULL) {
                *colon = '\0';
                unit = colon + 1;
            }
            slash = strchr(expr, '/');
            if (slash != NULL)
                *slash = '\0';
            opa = cJSON_CreateString(expr);
            if (slash != NULL)
                opb = cJSON_CreateString(slash + 1);
            bad = opa == NULL || judge_number(in, check, opa, &a) != 0 ||
                  (opb != NULL && judge_number(in, check, opb, &b) != 0);
            cJSON_Delete(opa);
            cJSON_Delete(opb);
            if (bad || (slash != NULL && b == 0))
                return NULL;
            if (slash != NULL && strcmp(unit, "x") == 0 &&
                ratio_classify(expr, slash + 1, &kind, &cand_top) == 0 && a > 0 && b > 0)
                /* cand/ref or ref/cand: said one way, "2.3x slower than the reference". */
                ratio_phrase(cand_top ? a / b : b / a, kind, val, sizeof val);
            else
                fmt_value(slash != NULL ? a / b : a, unit, val, sizeof val);
            o += (size_t)snprintf(out + o, sizeof out - o, "%s", val);
            if (o >= sizeof out)
                o = sizeof out - 1;
            p = end + 1;
        } else {
            out[o++] = *p++;
        }
    }
    out[o] = '\0';
    return dupstr(out);
}

/* ---- rules ---- */

static void operand_text(const struct judge_input *in, const char *check, const cJSON *op,
                         char *buf, size_t cap)
{
    double v;

    if (judge_number(in, check, op, &v) == 0)
        fmt_value(v, cJSON_IsString(op) ? unit_of(op->valuestring) : "num", buf, cap);
    else
        snprintf(buf, cap, "?");
}

/* 1 holds, 0 fails (message in why), -1 a figure is missing. */
static int eval_rule(const struct judge_input *in, const char *check, const cJSON *rule, char *why,
                     size_t cap)
{
    const cJSON *left = cJSON_GetObjectItemCaseSensitive(rule, "left");
    const cJSON *right = cJSON_GetObjectItemCaseSensitive(rule, "right");
    const char *op = cJSON_GetObjectItemCaseSensitive(rule, "op")->valuestring;
    const cJSON *when = cJSON_GetObjectItemCaseSensitive(rule, "when");
    const cJSON *msg = cJSON_GetObjectItemCaseSensitive(rule, "message");
    const cJSON *scale = cJSON_GetObjectItemCaseSensitive(rule, "scale");
    const cJSON *plus = cJSON_GetObjectItemCaseSensitive(rule, "plus");
    double l, r;
    int ok;
    char lt[64], rt[64];

    if (when != NULL) {
        char tmp[8];
        if (eval_rule(in, check, when, tmp, sizeof tmp) != 1)
            return 1; /* the rule does not apply here */
    }
    if (judge_number(in, check, left, &l) != 0 || judge_number(in, check, right, &r) != 0) {
        /* Non-numeric equality: compare the JSON values exactly. */
        if ((strcmp(op, "eq") == 0 || strcmp(op, "ne") == 0) && cJSON_IsString(left)) {
            cJSON *s1 = NULL, *s2 = NULL;
            const cJSON *a = resolve(in, check, left->valuestring, &s1);
            const cJSON *b =
                cJSON_IsString(right) ? resolve(in, check, right->valuestring, &s2) : right;
            struct compare_opts co = {0};
            char tmp[8];
            int same;
            if (a == NULL || b == NULL) {
                cJSON_Delete(s1);
                cJSON_Delete(s2);
                snprintf(why, cap, "figure %s is missing",
                         a == NULL ? left->valuestring : "on the right");
                return -1;
            }
            same = compare_json(b, a, &co, 0, tmp, sizeof tmp);
            cJSON_Delete(s1);
            cJSON_Delete(s2);
            ok = strcmp(op, "eq") == 0 ? same : !same;
            if (!ok)
                snprintf(why, cap, "%s", cJSON_IsString(msg) ? msg->valuestring : "rule failed");
            return ok;
        }
        snprintf(why, cap, "figure %s is missing",
                 judge_number(in, check, left, &l) != 0 && cJSON_IsString(left) ? left->valuestring
                 : cJSON_IsString(right)                                        ? right->valuestring
                                                                                : "?");
        return -1;
    }
    if (cJSON_IsNumber(scale))
        r *= scale->valuedouble;
    if (cJSON_IsNumber(plus))
        r += plus->valuedouble;
    if (strcmp(op, "le") == 0)
        ok = l <= r;
    else if (strcmp(op, "lt") == 0)
        ok = l < r;
    else if (strcmp(op, "ge") == 0)
        ok = l >= r;
    else if (strcmp(op, "gt") == 0)
        ok = l > r;
    else if (strcmp(op, "eq") == 0)
        ok = l == r;
    else
        ok = l != r;
    if (!ok) {
        const char *u = cJSON_IsString(left) ? unit_of(left->valuestring) : "num";
        operand_text(in, check, left, lt, sizeof lt);
        fmt_value(r, u, rt, sizeof rt);
        snprintf(why, cap, "%s (%s = %s, needed %s %s)",
                 cJSON_IsString(msg) ? msg->valuestring : "rule failed",
                 cJSON_IsString(left) ? left->valuestring : "value", lt,
                 strcmp(op, "le") == 0   ? "<="
                 : strcmp(op, "lt") == 0 ? "<"
                 : strcmp(op, "ge") == 0 ? ">="
                 : strcmp(op, "gt") == 0 ? ">"
                 : strcmp(op, "eq") == 0 ? "=="
                                         : "!=",
                 rt);
    }
    return ok;
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
    if (strncmp(ms, "pyharness sandbox:", 18) == 0)
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
    const cJSON *cf = check_frame(in->cand, ec->name);
    const cJSON *rf = check_frame(in->ref, ec->name);
    const cJSON *bf = in->base ? check_frame(in->base, ec->name) : NULL;
    const cJSON *st, *rule;
    char msg[MSG_MAX] = "";
    int wrong_result = 0;

    cr->name = dupstr(ec->name);
    cr->description = dupstr(ec->description);
    cr->visible = ec->visible;
    cr->weight = ec->weight;
    if (cr->name == NULL)
        return ph_errf(err, PH_ENOMEM, "out of memory");
    /* The reference must have passed through cleanly, or the exercise is broken. */
    st = cJSON_GetObjectItemCaseSensitive(rf, "status");
    if (rf == NULL || !cJSON_IsString(st) || strcmp(st->valuestring, "ok") != 0) {
        const cJSON *e = cJSON_GetObjectItemCaseSensitive(rf, "error");
        char why[512] = "it did not report";
        if (e != NULL)
            exception_verdict(e, why, sizeof why);
        else if (in->ref->end != WORKER_END_OK)
            snprintf(why, sizeof why, "%s", in->ref->detail);
        return ph_errf(err, PH_EINTERNAL, "%s: reference.py fails check %s: %s", in->ex->json_path,
                       ec->name, why);
    }
    if (in->base != NULL) {
        st = cJSON_GetObjectItemCaseSensitive(bf, "status");
        if (bf == NULL || !cJSON_IsString(st) || strcmp(st->valuestring, "ok") != 0)
            return ph_errf(err, PH_EINTERNAL, "%s: baseline.py fails check %s", in->ex->json_path,
                           ec->name);
    }
    if (cf == NULL) {
        long running = in->cand->running_check;
        const char *import_status = NULL;
        if (in->cand->import_frame != NULL) {
            st = cJSON_GetObjectItemCaseSensitive(in->cand->import_frame, "status");
            import_status = cJSON_IsString(st) ? st->valuestring : NULL;
        }
        if (import_status != NULL && strcmp(import_status, "ok") != 0) {
            cr->status = VERDICT_SKIPPED;
            snprintf(msg, sizeof msg, "not run: the submission failed to import");
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
    st = cJSON_GetObjectItemCaseSensitive(cf, "status");
    if (!cJSON_IsString(st) || strcmp(st->valuestring, "ok") != 0) {
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
    if (cr->status == VERDICT_PASSED && ec->rules != NULL) {
        cJSON_ArrayForEach(rule, ec->rules)
        {
            int ok = eval_rule(in, ec->name, rule, msg, sizeof msg);
            if (ok != 1) {
                cr->status = VERDICT_FAILED;
                break;
            }
        }
    }
    if (cr->status != VERDICT_PASSED)
        cr->message = dupstr(msg);
    /* A lesson reads figures as the measure of the intended computation;
     * after a wrong result they measured something else ("0 B of peak
     * memory" for a reader that returned a list), so it is left out. */
    if (ec->lesson != NULL && !wrong_result)
        cr->lesson = format_lesson(in, ec->name, ec->lesson);
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
    out->checks = calloc(ex->nchecks, sizeof *out->checks);
    if (out->exercise == NULL || out->checks == NULL)
        return ph_errf(err, PH_ENOMEM, "out of memory");
    out->nchecks = ex->nchecks;
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
        const cJSON *st = cJSON_GetObjectItemCaseSensitive(c->import_frame, "status");
        if (cJSON_IsString(st) && strcmp(st->valuestring, "ok") != 0) {
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
