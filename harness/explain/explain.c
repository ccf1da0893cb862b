/*
 * explain.c - see explain.h: the result of scoring one explanation, and its
 * JSON form.
 */
#include "explain.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void explain_result_cleanup(struct explain_result *r)
{
    if (r == NULL)
        return;
    for (size_t i = 0; r->points != NULL && i < r->npoints; i++) {
        free(r->points[i].id);
        free(r->points[i].text);
        free(r->points[i].evidence);
    }
    free(r->points);
    for (size_t i = 0; r->misconceptions != NULL && i < r->nmisconceptions; i++) {
        free(r->misconceptions[i].id);
        free(r->misconceptions[i].text);
        free(r->misconceptions[i].correction);
        free(r->misconceptions[i].evidence);
    }
    free(r->misconceptions);
    for (size_t i = 0; r->offline.misconceptions != NULL && i < r->offline.nmisconceptions; i++)
        free(r->offline.misconceptions[i]);
    free(r->offline.misconceptions);
    free(r->question);
    free(r->scorer);
    free(r->feedback);
    free(r->note);
    free(r->model_answer);
    free(r->language);
    free(r->review_reason);
    memset(r, 0, sizeof *r);
}

void explain_result_review(struct explain_result *r, double confidence, const char *why)
{
    size_t old, add;
    char *p;

    r->needs_review = 1;
    if (r->confidence > confidence)
        r->confidence = confidence;
    if (why == NULL || why[0] == '\0')
        return;
    if (r->review_reason != NULL && strstr(r->review_reason, why) != NULL)
        return;
    old = r->review_reason != NULL ? strlen(r->review_reason) : 0;
    add = strlen(why);
    p = realloc(r->review_reason, old + add + 3);
    if (p == NULL)
        return;
    if (old > 0) {
        memcpy(p + old, "; ", 2);
        old += 2;
    }
    memcpy(p + old, why, add + 1);
    r->review_reason = p;
}

/* Scores are shown to people: two decimals are plenty. */
static double round2(double x)
{
    return round(x * 100.0) / 100.0;
}

static cJSON *string_or_null(const char *s)
{
    return s != NULL ? cJSON_CreateString(s) : cJSON_CreateNull();
}

cJSON *explain_result_to_json(const struct explain_result *r)
{
    cJSON *o = cJSON_CreateObject();
    cJSON *arr, *item;
    int ok = o != NULL;

    if (!ok)
        return NULL;
    ok &= cJSON_AddItemToObject(o, "question", string_or_null(r->question));
    ok &= cJSON_AddItemToObject(o, "scorer", string_or_null(r->scorer));
    ok &= cJSON_AddNumberToObject(o, "score", round2(r->score)) != NULL;
    ok &= cJSON_AddNumberToObject(o, "max", r->max) != NULL;
    arr = cJSON_AddArrayToObject(o, "points");
    ok &= arr != NULL;
    for (size_t i = 0; ok && i < r->npoints; i++) {
        const struct explain_point *p = &r->points[i];
        item = cJSON_CreateObject();
        ok &= cJSON_AddItemToArray(arr, item);
        ok &= cJSON_AddItemToObject(item, "id", string_or_null(p->id));
        ok &= cJSON_AddItemToObject(item, "text", string_or_null(p->text));
        ok &= cJSON_AddNumberToObject(item, "weight", p->weight) != NULL;
        ok &= cJSON_AddNumberToObject(item, "credit", p->credit) != NULL;
        ok &= cJSON_AddItemToObject(item, "evidence", string_or_null(p->evidence));
    }
    arr = cJSON_AddArrayToObject(o, "misconceptions");
    ok &= arr != NULL;
    for (size_t i = 0; ok && i < r->nmisconceptions; i++) {
        const struct explain_misconception *m = &r->misconceptions[i];
        item = cJSON_CreateObject();
        ok &= cJSON_AddItemToArray(arr, item);
        ok &= cJSON_AddItemToObject(item, "id", string_or_null(m->id));
        ok &= cJSON_AddItemToObject(item, "text", string_or_null(m->text));
        ok &= cJSON_AddItemToObject(item, "correction", string_or_null(m->correction));
        ok &= cJSON_AddNumberToObject(item, "penalty", m->penalty) != NULL;
        ok &= cJSON_AddItemToObject(item, "evidence", string_or_null(m->evidence));
    }
    ok &= cJSON_AddItemToObject(o, "feedback", string_or_null(r->feedback));
    ok &= cJSON_AddBoolToObject(o, "injection", r->injection) != NULL;
    ok &= cJSON_AddBoolToObject(o, "fallback", r->fallback) != NULL;
    ok &= cJSON_AddBoolToObject(o, "flagged", r->flagged) != NULL;
    ok &= cJSON_AddItemToObject(o, "note", string_or_null(r->note));
    ok &= cJSON_AddBoolToObject(o, "cached", r->cached) != NULL;
    ok &= cJSON_AddNumberToObject(o, "requests", r->requests) != NULL;
    ok &= cJSON_AddBoolToObject(o, "scored", !r->unscored) != NULL;
    ok &= cJSON_AddItemToObject(o, "language", string_or_null(r->language));
    ok &= cJSON_AddNumberToObject(o, "confidence", round2(r->confidence)) != NULL;
    ok &= cJSON_AddBoolToObject(o, "needs_review", r->needs_review) != NULL;
    ok &= cJSON_AddItemToObject(o, "review_reason", string_or_null(r->review_reason));
    if (ok && r->llm_total >= 0 && r->scorer != NULL && strcmp(r->scorer, "offline") != 0)
        ok &= cJSON_AddNumberToObject(o, "llm_total", round2(r->llm_total)) != NULL;
    if (ok && r->model_answer != NULL)
        ok &= cJSON_AddStringToObject(o, "model_answer", r->model_answer) != NULL;
    if (ok && r->offline.present) {
        cJSON *off = cJSON_AddObjectToObject(o, "offline");
        ok &= off != NULL;
        ok &= ok && cJSON_AddNumberToObject(off, "score", round2(r->offline.score)) != NULL;
        ok &= ok && cJSON_AddBoolToObject(off, "injection", r->offline.injection) != NULL;
        arr = ok ? cJSON_AddArrayToObject(off, "misconceptions") : NULL;
        ok &= arr != NULL;
        for (size_t i = 0; ok && i < r->offline.nmisconceptions; i++)
            ok &= cJSON_AddItemToArray(arr, cJSON_CreateString(r->offline.misconceptions[i]));
    }
    if (!ok) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

/* Copy an optional string member: absent or null gives NULL; anything but a
 * string is an error (-1); out of memory is -2. */
static int opt_string(const cJSON *o, const char *name, char **out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

    *out = NULL;
    if (v == NULL || cJSON_IsNull(v))
        return 0;
    if (!cJSON_IsString(v))
        return -1;
    *out = strdup(v->valuestring);
    return *out ? 0 : -2;
}

static int req_string(const cJSON *o, const char *name, char **out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

    *out = NULL;
    if (!cJSON_IsString(v))
        return -1;
    *out = strdup(v->valuestring);
    return *out ? 0 : -2;
}

static int req_number(const cJSON *o, const char *name, double *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

    if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble))
        return -1;
    *out = v->valuedouble;
    return 0;
}

static void tally(int r, int *bad, int *oom)
{
    if (r == -1)
        *bad = 1;
    else if (r == -2)
        *oom = 1;
}

enum ph_rc explain_result_from_json(const cJSON *json, struct explain_result *out,
                                    struct ph_err *err)
{
    const cJSON *points, *mis, *item, *off;
    int bad = 0, oom = 0;
    size_t i;

    memset(out, 0, sizeof *out);
    if (!cJSON_IsObject(json))
        return ph_errf(err, PH_EPROTO, "explanation result: not a JSON object");
    tally(req_string(json, "question", &out->question), &bad, &oom);
    tally(req_string(json, "scorer", &out->scorer), &bad, &oom);
    tally(req_number(json, "score", &out->score), &bad, &oom);
    tally(req_number(json, "max", &out->max), &bad, &oom);
    tally(req_string(json, "feedback", &out->feedback), &bad, &oom);
    tally(opt_string(json, "note", &out->note), &bad, &oom);
    tally(opt_string(json, "model_answer", &out->model_answer), &bad, &oom);
    out->injection = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(json, "injection"));
    out->fallback = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(json, "fallback"));
    out->flagged = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(json, "flagged"));
    out->cached = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(json, "cached"));
    out->needs_review = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(json, "needs_review"));
    out->unscored = cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(json, "scored"));
    tally(opt_string(json, "language", &out->language), &bad, &oom);
    tally(opt_string(json, "review_reason", &out->review_reason), &bad, &oom);
    out->confidence = 1.0;
    out->llm_total = -1;
    if (cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(json, "confidence")))
        out->confidence = cJSON_GetObjectItemCaseSensitive(json, "confidence")->valuedouble;
    if (cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(json, "llm_total")))
        out->llm_total = cJSON_GetObjectItemCaseSensitive(json, "llm_total")->valuedouble;
    points = cJSON_GetObjectItemCaseSensitive(json, "points");
    mis = cJSON_GetObjectItemCaseSensitive(json, "misconceptions");
    if (oom)
        goto oom;
    if (bad || !cJSON_IsArray(points) || !cJSON_IsArray(mis))
        goto fail;
    out->points = calloc((size_t)cJSON_GetArraySize(points) + 1, sizeof *out->points);
    out->misconceptions = calloc((size_t)cJSON_GetArraySize(mis) + 1, sizeof *out->misconceptions);
    if (out->points == NULL || out->misconceptions == NULL)
        goto oom;
    i = 0;
    cJSON_ArrayForEach(item, points)
    {
        struct explain_point *p = &out->points[i++];
        out->npoints = i;
        tally(req_string(item, "id", &p->id), &bad, &oom);
        tally(opt_string(item, "text", &p->text), &bad, &oom);
        tally(req_number(item, "weight", &p->weight), &bad, &oom);
        tally(req_number(item, "credit", &p->credit), &bad, &oom);
        tally(opt_string(item, "evidence", &p->evidence), &bad, &oom);
    }
    i = 0;
    cJSON_ArrayForEach(item, mis)
    {
        struct explain_misconception *m = &out->misconceptions[i++];
        out->nmisconceptions = i;
        tally(req_string(item, "id", &m->id), &bad, &oom);
        tally(opt_string(item, "text", &m->text), &bad, &oom);
        tally(req_number(item, "penalty", &m->penalty), &bad, &oom);
        tally(opt_string(item, "correction", &m->correction), &bad, &oom);
        tally(opt_string(item, "evidence", &m->evidence), &bad, &oom);
    }
    off = cJSON_GetObjectItemCaseSensitive(json, "offline");
    if (cJSON_IsObject(off)) {
        const cJSON *ids = cJSON_GetObjectItemCaseSensitive(off, "misconceptions");
        out->offline.present = 1;
        tally(req_number(off, "score", &out->offline.score), &bad, &oom);
        out->offline.injection = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(off, "injection"));
        if (!cJSON_IsArray(ids))
            goto fail;
        out->offline.misconceptions =
            calloc((size_t)cJSON_GetArraySize(ids) + 1, sizeof *out->offline.misconceptions);
        if (out->offline.misconceptions == NULL)
            goto oom;
        cJSON_ArrayForEach(item, ids)
        {
            if (!cJSON_IsString(item))
                goto fail;
            char *s = strdup(item->valuestring);
            if (s == NULL)
                goto oom;
            out->offline.misconceptions[out->offline.nmisconceptions++] = s;
        }
    }
    if (oom)
        goto oom;
    if (bad)
        goto fail;
    return PH_OK;
oom:
    explain_result_cleanup(out);
    return ph_errf(err, PH_ENOMEM, "out of memory reading an explanation result");
fail:
    explain_result_cleanup(out);
    return ph_errf(err, PH_EPROTO, "explanation result: a required field is missing or mistyped");
}
