/* report_json.c - see report.h. */
#include "report.h"

#include <string.h>

#include "measure.h"

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
        cJSON_AddStringToObject(p, "origin", s->perf_origin ? s->perf_origin : "");
        p = cJSON_AddObjectToObject(parts, "explanation");
        cJSON_AddNumberToObject(p, "score", s->explanation);
        cJSON_AddNumberToObject(p, "max", s->explanation_max);
        cJSON_AddBoolToObject(p, "missing", s->explanation_missing);
    }
    return o;
}

cJSON *report_json_run(const struct run_result *r)
{
    cJSON *root = cJSON_CreateObject(), *tests, *h, *m;
    size_t i;

    if (root == NULL)
        return NULL;
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
        if (c->log != NULL) {
            const cJSON *mm = cJSON_GetObjectItemCaseSensitive(c->log, "measures");
            const cJSON *cl = cJSON_GetObjectItemCaseSensitive(c->log, "clients");
            const cJSON *mo = cJSON_GetObjectItemCaseSensitive(c->log, "monitors");
            if (mm != NULL && mm->child != NULL)
                cJSON_AddItemToObject(t, "measures", cJSON_Duplicate(mm, 1));
            if (cl != NULL && cl->child != NULL)
                cJSON_AddItemToObject(t, "clients", cJSON_Duplicate(cl, 1));
            if (mo != NULL && mo->child != NULL)
                cJSON_AddItemToObject(t, "monitors", cJSON_Duplicate(mo, 1));
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
        if (e != NULL && r->model_answer != NULL)
            cJSON_AddStringToObject(e, "model_answer", r->model_answer);
        cJSON_AddItemToObject(root, "explanation", e);
    } else {
        cJSON_AddNullToObject(root, "explanation");
    }
    cJSON_AddStringToObject(root, "stdout", r->stdout_text ? r->stdout_text : "");
    cJSON_AddStringToObject(root, "stderr", r->stderr_text ? r->stderr_text : "");
    h = cJSON_AddObjectToObject(root, "harness");
    cJSON_AddStringToObject(h, "version", PH_VERSION);
    cJSON_AddStringToObject(h, "python", r->python ? r->python : "");
    cJSON_AddStringToObject(h, "sandbox", r->sandbox ? r->sandbox : "");
    cJSON_AddStringToObject(h, "alloc_hooks", measure_hooks_mode());
    cJSON_AddNumberToObject(h, "cpus", measure_cpus());
    return root;
fail:
    cJSON_Delete(root);
    return NULL;
}
