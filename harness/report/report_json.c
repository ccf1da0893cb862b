/* report_json.c - see report_json.h. */
#include "report_json.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "explain.h"
#include "measure.h"
#include "measure_json.h"
#include "score.h"

/* The log sections a test carries in the JSON form, under the same names. */
static const char *const log_sections[] = {"measures", "clients", "monitors"};
#define NLOG_SECTIONS (sizeof log_sections / sizeof log_sections[0])

static cJSON *score_json(const struct score *s)
{
    cJSON *o = cJSON_CreateObject();

    if (o == NULL)
        return NULL;
    cJSON_AddNumberToObject(o, "correctness", s->correctness);
    cJSON_AddNumberToObject(o, "performance", s->performance);
    if (s->explanation_missing)
        cJSON_AddNullToObject(o, "explanation");
    else
        cJSON_AddNumberToObject(o, "explanation", s->explanation);
    cJSON_AddNumberToObject(o, "total", s->total);
    cJSON_AddNumberToObject(o, "max", s->max);
    {
        cJSON *parts = cJSON_AddObjectToObject(o, "parts");
        cJSON *p;
        p = cJSON_AddObjectToObject(parts, "correctness");
        cJSON_AddNumberToObject(p, "score", s->correctness);
        cJSON_AddNumberToObject(p, "max", s->correctness_max);
        cJSON_AddStringToObject(p, "origin", "weighted share of checks passed");
        p = cJSON_AddObjectToObject(parts, "performance");
        cJSON_AddNumberToObject(p, "score", s->performance);
        cJSON_AddNumberToObject(p, "max", s->performance_max);
        if (s->perf_ratio >= 0)
            cJSON_AddNumberToObject(p, "ratio", s->perf_ratio);
        if (s->perf_compared != NULL)
            cJSON_AddStringToObject(p, "compared", s->perf_compared);
        cJSON_AddStringToObject(p, "origin", s->perf_origin ? s->perf_origin : "");
        p = cJSON_AddObjectToObject(parts, "explanation");
        cJSON_AddNumberToObject(p, "score", s->explanation);
        cJSON_AddNumberToObject(p, "max", s->explanation_max);
        cJSON_AddBoolToObject(p, "missing", s->explanation_missing);
    }
    return o;
}

static cJSON *perf_json(const struct result_perf *p)
{
    cJSON *o;

    if (!p->present)
        return cJSON_CreateNull();
    o = cJSON_CreateObject();
    if (o == NULL)
        return NULL;
    cJSON_AddStringToObject(o, "check", p->check ? p->check : "");
    if (p->describe != NULL)
        cJSON_AddStringToObject(o, "describe", p->describe);
    if (p->num_of != NULL && p->den_of != NULL) {
        cJSON_AddStringToObject(o, "num_of", p->num_of);
        cJSON_AddStringToObject(o, "den_of", p->den_of);
    }
    cJSON_AddNumberToObject(o, "full_at", p->full_at);
    cJSON_AddNumberToObject(o, "zero_at", p->zero_at);
    if (p->measured) {
        cJSON_AddNumberToObject(o, "num", p->num);
        cJSON_AddNumberToObject(o, "den", p->den);
    } else {
        cJSON_AddNullToObject(o, "num");
        cJSON_AddNullToObject(o, "den");
    }
    return o;
}

cJSON *report_json_run(const struct run_result *r)
{
    cJSON *root = cJSON_CreateObject(), *tests, *h, *m, *w;
    size_t i;

    if (root == NULL)
        return NULL;
    cJSON_AddNumberToObject(root, "format", RESULT_FORMAT);
    cJSON_AddStringToObject(root, "exercise", r->exercise ? r->exercise : "");
    cJSON_AddStringToObject(root, "title", r->title ? r->title : "");
    cJSON_AddStringToObject(root, "submission", r->submission ? r->submission : "");
    cJSON_AddStringToObject(root, "verdict", verdict_name(r->verdict));
    cJSON_AddStringToObject(root, "detail", r->detail ? r->detail : "");
    tests = cJSON_AddArrayToObject(root, "tests");
    for (i = 0; i < r->nchecks; i++) {
        const struct check_result *c = &r->checks[i];
        cJSON *t = cJSON_CreateObject();
        if (t == NULL)
            goto fail;
        cJSON_AddItemToArray(tests, t);
        cJSON_AddStringToObject(t, "name", c->name);
        cJSON_AddStringToObject(t, "status", verdict_name(c->status));
        cJSON_AddStringToObject(t, "message", c->message ? c->message : "");
        cJSON_AddBoolToObject(t, "visible", c->visible);
        cJSON_AddNumberToObject(t, "weight", c->weight);
        if (c->description)
            cJSON_AddStringToObject(t, "description", c->description);
        if (c->lesson)
            cJSON_AddStringToObject(t, "lesson", c->lesson);
        if (c->has_metrics)
            cJSON_AddItemToObject(t, "metrics", measure_figures_to_json(&c->metrics));
        else
            cJSON_AddNullToObject(t, "metrics");
        for (size_t k = 0; c->log != NULL && k < NLOG_SECTIONS; k++) {
            const cJSON *sec = cJSON_GetObjectItemCaseSensitive(c->log, log_sections[k]);
            if (sec != NULL && sec->child != NULL)
                cJSON_AddItemToObject(t, log_sections[k], cJSON_Duplicate(sec, 1));
        }
    }
    m = measure_figures_to_json(&r->metrics);
    if (m == NULL)
        goto fail;
    if (r->metrics_partial)
        cJSON_AddBoolToObject(m, "partial", 1);
    cJSON_AddItemToObject(root, "metrics", m);
    cJSON_AddItemToObject(root, "score", score_json(&r->score));
    if (r->explanation != NULL) {
        cJSON *e = explain_result_to_json(r->explanation);
        /* The result's model answer is the one source: the explanation
         * shows it, whatever the scorer's copy says. */
        cJSON_DeleteItemFromObjectCaseSensitive(e, "model_answer");
        if (e != NULL && r->model_answer != NULL)
            cJSON_AddStringToObject(e, "model_answer", r->model_answer);
        cJSON_AddItemToObject(root, "explanation", e);
    } else {
        cJSON_AddNullToObject(root, "explanation");
    }
    if (r->model_answer != NULL)
        cJSON_AddStringToObject(root, "model_answer", r->model_answer);
    else
        cJSON_AddNullToObject(root, "model_answer");
    cJSON_AddStringToObject(root, "stdout", r->stdout_text ? r->stdout_text : "");
    cJSON_AddStringToObject(root, "stderr", r->stderr_text ? r->stderr_text : "");
    w = cJSON_AddObjectToObject(root, "weights");
    cJSON_AddNumberToObject(w, "correctness", r->weights.correctness);
    cJSON_AddNumberToObject(w, "performance", r->weights.performance);
    cJSON_AddNumberToObject(w, "explanation", r->weights.explanation);
    cJSON_AddItemToObject(root, "performance", perf_json(&r->perf));
    cJSON_AddStringToObject(root, "exercise_sha256", r->facts.exercise_sha256);
    cJSON_AddStringToObject(root, "submission_sha256", r->facts.submission_sha256);
    h = cJSON_AddObjectToObject(root, "harness");
    cJSON_AddStringToObject(h, "version", r->facts.harness_version ? r->facts.harness_version : "");
    cJSON_AddStringToObject(h, "python", r->facts.python ? r->facts.python : "");
    cJSON_AddStringToObject(h, "sandbox", r->facts.sandbox ? r->facts.sandbox : "");
    cJSON_AddStringToObject(h, "alloc_hooks", r->facts.alloc_hooks ? r->facts.alloc_hooks : "");
    cJSON_AddNumberToObject(h, "cpus", r->facts.cpus);
    return root;
fail:
    cJSON_Delete(root);
    return NULL;
}

char *report_json_text(const struct run_result *r)
{
    cJSON *j = report_json_run(r);
    char *text = j != NULL ? cJSON_Print(j) : NULL;

    cJSON_Delete(j);
    return text;
}

/* ---- reading it back ---- */

struct reader {
    const char *field; /* first field at fault */
    int nomem;
};

static const cJSON *need(struct reader *rd, const cJSON *obj, const char *key,
                         int (*is)(const cJSON *), const char *field)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

    if (v == NULL || !is(v)) {
        if (rd->field == NULL)
            rd->field = field;
        return NULL;
    }
    return v;
}

static int is_string(const cJSON *v)
{
    return cJSON_IsString(v);
}

static int is_number(const cJSON *v)
{
    return cJSON_IsNumber(v);
}

static int is_bool(const cJSON *v)
{
    return cJSON_IsBool(v);
}

static int is_object(const cJSON *v)
{
    return cJSON_IsObject(v);
}

static int is_array(const cJSON *v)
{
    return cJSON_IsArray(v);
}

static char *str(struct reader *rd, const cJSON *obj, const char *key, const char *field)
{
    const cJSON *v = need(rd, obj, key, is_string, field);
    char *s;

    if (v == NULL)
        return NULL;
    s = strdup(v->valuestring);
    rd->nomem |= s == NULL;
    return s;
}

/* A string or null; NULL for null or absent. */
static char *str_or_null(struct reader *rd, const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    char *s;

    if (!cJSON_IsString(v))
        return NULL;
    s = strdup(v->valuestring);
    rd->nomem |= s == NULL;
    return s;
}

static double num(struct reader *rd, const cJSON *obj, const char *key, const char *field)
{
    const cJSON *v = need(rd, obj, key, is_number, field);

    return v != NULL ? v->valuedouble : 0.0;
}

static void read_check(struct reader *rd, const cJSON *t, struct check_result *c)
{
    const cJSON *st = need(rd, t, "status", is_string, "tests[].status");
    const cJSON *vis = need(rd, t, "visible", is_bool, "tests[].visible");
    const cJSON *mt = cJSON_GetObjectItemCaseSensitive(t, "metrics");
    const char *msg;

    c->name = str(rd, t, "name", "tests[].name");
    c->message = str(rd, t, "message", "tests[].message");
    /* The JSON form writes a missing message as "". */
    msg = c->message;
    if (msg != NULL && msg[0] == '\0') {
        free(c->message);
        c->message = NULL;
    }
    if (st != NULL && verdict_parse(st->valuestring, &c->status) != 0 && rd->field == NULL)
        rd->field = "tests[].status";
    c->visible = cJSON_IsTrue(vis);
    c->weight = num(rd, t, "weight", "tests[].weight");
    c->description = str_or_null(rd, t, "description");
    c->lesson = str_or_null(rd, t, "lesson");
    if (cJSON_IsObject(mt))
        c->has_metrics = measure_figures_from_json(mt, &c->metrics) == 0;
    for (size_t k = 0; k < NLOG_SECTIONS; k++) {
        const cJSON *sec = cJSON_GetObjectItemCaseSensitive(t, log_sections[k]);
        if (sec == NULL)
            continue;
        if (c->log == NULL)
            c->log = cJSON_CreateObject();
        if (c->log == NULL ||
            !cJSON_AddItemToObject(c->log, log_sections[k], cJSON_Duplicate(sec, 1)))
            rd->nomem = 1;
    }
}

static void read_facts(struct reader *rd, const cJSON *root, struct run_result *r)
{
    const cJSON *h = need(rd, root, "harness", is_object, "harness");
    const cJSON *es = need(rd, root, "exercise_sha256", is_string, "exercise_sha256");
    const cJSON *ss = need(rd, root, "submission_sha256", is_string, "submission_sha256");

    if (es != NULL && strlen(es->valuestring) < sizeof r->facts.exercise_sha256)
        memcpy(r->facts.exercise_sha256, es->valuestring, strlen(es->valuestring) + 1);
    else if (rd->field == NULL)
        rd->field = "exercise_sha256";
    if (ss != NULL && strlen(ss->valuestring) < sizeof r->facts.submission_sha256)
        memcpy(r->facts.submission_sha256, ss->valuestring, strlen(ss->valuestring) + 1);
    else if (rd->field == NULL)
        rd->field = "submission_sha256";
    if (h == NULL)
        return;
    r->facts.harness_version = str(rd, h, "version", "harness.version");
    r->facts.python = str(rd, h, "python", "harness.python");
    r->facts.sandbox = str(rd, h, "sandbox", "harness.sandbox");
    r->facts.alloc_hooks = str(rd, h, "alloc_hooks", "harness.alloc_hooks");
    r->facts.cpus = (int)num(rd, h, "cpus", "harness.cpus");
}

static void read_perf(struct reader *rd, const cJSON *root, struct run_result *r)
{
    const cJSON *p = cJSON_GetObjectItemCaseSensitive(root, "performance");
    const cJSON *n, *d;

    if (cJSON_IsNull(p))
        return;
    if (!cJSON_IsObject(p)) {
        if (rd->field == NULL)
            rd->field = "performance";
        return;
    }
    r->perf.present = 1;
    r->perf.check = str(rd, p, "check", "performance.check");
    r->perf.describe = str_or_null(rd, p, "describe");
    r->perf.num_of = str_or_null(rd, p, "num_of");
    r->perf.den_of = str_or_null(rd, p, "den_of");
    r->perf.full_at = num(rd, p, "full_at", "performance.full_at");
    r->perf.zero_at = num(rd, p, "zero_at", "performance.zero_at");
    n = cJSON_GetObjectItemCaseSensitive(p, "num");
    d = cJSON_GetObjectItemCaseSensitive(p, "den");
    if (cJSON_IsNumber(n) && cJSON_IsNumber(d)) {
        r->perf.measured = 1;
        r->perf.num = n->valuedouble;
        r->perf.den = d->valuedouble;
    }
}

/* The first number in the tree that a double cannot hold (cJSON reads
 * 1e999 as infinity), or NULL.  We never write one (cJSON renders a
 * non-finite double as null), so a result holding one was not ours; and read
 * in, it would render as null and read back as a different value. */
static const cJSON *non_finite(const cJSON *item)
{
    const cJSON *c, *bad;

    if (cJSON_IsNumber(item))
        return isfinite(item->valuedouble) ? NULL : item;
    cJSON_ArrayForEach(c, item)
    {
        bad = non_finite(c);
        if (bad != NULL)
            return bad;
    }
    return NULL;
}

enum ph_rc report_json_parse_run(const cJSON *json, struct run_result *out, struct ph_err *err)
{
    struct reader rd = {NULL, 0};
    const cJSON *fmt, *v, *tests, *t, *w, *m, *ex;
    enum ph_rc rc = PH_OK;
    size_t i = 0;

    memset(out, 0, sizeof *out);
    if (!cJSON_IsObject(json))
        return ph_errf(err, PH_EINPUT, "a result must be a JSON object");
    fmt = cJSON_GetObjectItemCaseSensitive(json, "format");
    if (!cJSON_IsNumber(fmt) || fmt->valuedouble != RESULT_FORMAT)
        return ph_errf(err, PH_EINPUT, "format: this pyharness reads results of format %d",
                       RESULT_FORMAT);
    v = non_finite(json);
    if (v != NULL)
        return ph_errf(err, PH_EINPUT, "%s: a number too large for a double",
                       v->string != NULL ? v->string : "(array item)");
    out->exercise = str(&rd, json, "exercise", "exercise");
    out->title = str(&rd, json, "title", "title");
    out->submission = str(&rd, json, "submission", "submission");
    out->detail = str(&rd, json, "detail", "detail");
    v = need(&rd, json, "verdict", is_string, "verdict");
    if (v != NULL && verdict_parse(v->valuestring, &out->verdict) != 0 && rd.field == NULL)
        rd.field = "verdict";
    tests = need(&rd, json, "tests", is_array, "tests");
    if (tests != NULL && cJSON_GetArraySize(tests) > 0) {
        out->checks = calloc((size_t)cJSON_GetArraySize(tests), sizeof *out->checks);
        rd.nomem |= out->checks == NULL;
        cJSON_ArrayForEach(t, tests)
        {
            if (out->checks == NULL)
                break;
            if (!cJSON_IsObject(t)) {
                rd.field = rd.field ? rd.field : "tests[]";
                break;
            }
            read_check(&rd, t, &out->checks[i++]);
            out->nchecks = i;
        }
    }
    m = need(&rd, json, "metrics", is_object, "metrics");
    if (m != NULL) {
        if (measure_figures_from_json(m, &out->metrics) != 0 && rd.field == NULL)
            rd.field = "metrics";
        out->metrics_partial = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(m, "partial"));
    }
    out->model_answer = str_or_null(&rd, json, "model_answer");
    out->stdout_text = str(&rd, json, "stdout", "stdout");
    out->stderr_text = str(&rd, json, "stderr", "stderr");
    w = need(&rd, json, "weights", is_object, "weights");
    if (w != NULL) {
        out->weights.correctness = num(&rd, w, "correctness", "weights.correctness");
        out->weights.performance = num(&rd, w, "performance", "weights.performance");
        out->weights.explanation = num(&rd, w, "explanation", "weights.explanation");
    }
    read_perf(&rd, json, out);
    read_facts(&rd, json, out);
    if (rd.nomem) {
        rc = ph_errf(err, PH_ENOMEM, "out of memory");
        goto out;
    }
    if (rd.field != NULL) {
        rc = ph_errf(err, PH_EINPUT, "%s: missing or of the wrong type", rd.field);
        goto out;
    }
    ex = cJSON_GetObjectItemCaseSensitive(json, "explanation");
    if (cJSON_IsObject(ex)) {
        out->explanation = calloc(1, sizeof *out->explanation);
        if (out->explanation == NULL) {
            rc = ph_errf(err, PH_ENOMEM, "out of memory");
            goto out;
        }
        rc = explain_result_from_json(ex, out->explanation, err);
        if (rc != PH_OK) {
            free(out->explanation);
            out->explanation = NULL;
            ph_errf(err, PH_EINPUT, "explanation: %s", err->msg);
            goto out;
        }
    }
    /* The score is not read: it is computed again, from the result alone. */
    rc = score_run(out, err);
out:
    if (rc != PH_OK)
        run_result_cleanup(out);
    return rc;
}
