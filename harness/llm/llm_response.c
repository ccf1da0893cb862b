/*
 * llm_response.c - see llm_response.h.
 */
#include "llm_response.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cjson/cJSON.h>
#include <curl/curl.h>

#include <cjson/cJSON.h>

#include "llm_config.h"
#include "rubric.h"

/* What we keep of a grader's prose: enough for a paragraph, not a novel. */
#define FEEDBACK_MAX 2000
#define EVIDENCE_MAX 600
/* A rubric has a handful of points; a reply listing more is garbage. */
#define VERDICTS_MAX 256

/* Make s[0..n) valid UTF-8 in place: invalid bytes become '?', and a
 * sequence cut off by the end is dropped.  Returns the new length. */
static size_t utf8_clean(char *s, size_t n)
{
    size_t i = 0;

    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        unsigned char lo = 0x80, hi = 0xbf; /* allowed range of the second byte */
        size_t need, k;
        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xc2 && c <= 0xdf) {
            need = 1;
        } else if (c >= 0xe0 && c <= 0xef) {
            need = 2;
            lo = c == 0xe0 ? 0xa0 : 0x80; /* no overlong forms */
            hi = c == 0xed ? 0x9f : 0xbf; /* no surrogates */
        } else if (c >= 0xf0 && c <= 0xf4) {
            need = 3;
            lo = c == 0xf0 ? 0x90 : 0x80;
            hi = c == 0xf4 ? 0x8f : 0xbf;
        } else {
            s[i++] = '?';
            continue;
        }
        for (k = 1; k <= need && i + k < n; k++) {
            unsigned char d = (unsigned char)s[i + k];
            if (k == 1 ? (d < lo || d > hi) : (d & 0xc0) != 0x80)
                break;
        }
        if (k > need) {
            i += need + 1;
            continue;
        }
        if (i + k == n)
            return i; /* cut off by the end: drop it */
        s[i++] = '?';
    }
    return i;
}

/* A copy of `src` cut to at most `max` bytes on a character boundary, with
 * control characters other than newline and tab replaced.  NULL for an
 * empty string or on out-of-memory (*oom set). */
static char *clean_copy(const char *src, size_t max, int *oom)
{
    size_t n = strlen(src);
    char *out;

    if (n == 0)
        return NULL;
    if (n > max)
        n = max;
    out = malloc(n + 1);
    if (out == NULL) {
        *oom = 1;
        return NULL;
    }
    memcpy(out, src, n);
    n = utf8_clean(out, n);
    out[n] = '\0';
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)out[i] < ' ' && out[i] != '\n' && out[i] != '\t')
            out[i] = ' ';
    return out;
}

static int is_number(const cJSON *n)
{
    return cJSON_IsNumber(n) && isfinite(n->valuedouble);
}

/* Lower-cased, with every run of white space (and typographic quotes and
 * dashes) folded, so a quote the model re-wrapped still matches. */
static size_t fold(const char *s, char *out, size_t cap)
{
    size_t o = 0;
    int space = 1;

    for (; *s != '\0' && o + 1 < cap; s++) {
        unsigned char c = (unsigned char)*s;
        if (isspace(c)) {
            if (!space)
                out[o++] = ' ';
            space = 1;
            continue;
        }
        out[o++] = (char)tolower(c);
        space = 0;
    }
    while (o > 0 && out[o - 1] == ' ')
        o--;
    out[o] = '\0';
    return o;
}

int llm_evidence_in(const char *answer, const char *evidence)
{
    char *a = NULL, *e = NULL;
    size_t alen, elen, cut;
    int found = 0;

    if (answer == NULL || evidence == NULL)
        return 0;
    alen = strlen(answer);
    elen = strlen(evidence);
    a = malloc(alen + 1);
    e = malloc(elen + 1);
    if (a == NULL || e == NULL)
        goto out;
    fold(answer, a, alen + 1);
    elen = fold(evidence, e, elen + 1);
    /* A quote may be trimmed: drop an ellipsis and outer quotes. */
    while (elen > 0 && (e[elen - 1] == '.' || e[elen - 1] == '"' || e[elen - 1] == '\''))
        e[--elen] = '\0';
    cut = 0;
    while (cut < elen && (e[cut] == '"' || e[cut] == '\'' || e[cut] == '.'))
        cut++;
    if (elen - cut < LLM_EVIDENCE_MIN)
        goto out;
    found = strstr(a, e + cut) != NULL;
out:
    free(a);
    free(e);
    return found;
}

/* The grade from the rubric: each point's credit times its weight, as a share
 * of all the weights, scaled to max, minus the penalty of every misconception
 * kept (the model quoted it), within 0..max.  The model's own total is kept
 * in llm_total only to check this against. */
static void llm_grade(struct explain_result *out)
{
    double wsum = 0, got = 0, pen = 0, g;

    for (size_t i = 0; i < out->npoints; i++) {
        wsum += out->points[i].weight;
        got += out->points[i].credit * out->points[i].weight;
    }
    for (size_t i = 0; i < out->nmisconceptions; i++)
        pen += out->misconceptions[i].penalty;
    g = (wsum > 0 ? out->max * got / wsum : 0) - pen;
    g = g < 0 ? 0 : g > out->max ? out->max : g;
    out->score = round(g * 100.0) / 100.0;
}

/* Validate the grader's verdict object and fill `out`. */
static enum ph_rc parse_verdict(const cJSON *v, enum llm_provider provider, const char *model,
                                const struct llm_task *task, const char *answer,
                                struct explain_result *out, struct ph_err *err)
{
    const struct rubric *r = task->rubric;
    const cJSON *points, *mis, *score, *feedback, *inj, *item;
    char scorer[256];
    int oom = 0;
    size_t nmis_reply, unquoted = 0;

    if (!cJSON_IsObject(v))
        return ph_errf(err, PH_EPROTO, "the grade is not a JSON object");
    points = cJSON_GetObjectItemCaseSensitive(v, "points");
    mis = cJSON_GetObjectItemCaseSensitive(v, "misconceptions");
    score = cJSON_GetObjectItemCaseSensitive(v, "score");
    feedback = cJSON_GetObjectItemCaseSensitive(v, "feedback");
    inj = cJSON_GetObjectItemCaseSensitive(v, "injection");
    if (!cJSON_IsArray(points))
        return ph_errf(err, PH_EPROTO, "the grade has no \"points\" array");
    if (cJSON_GetArraySize(points) > VERDICTS_MAX)
        return ph_errf(err, PH_EPROTO, "the grade lists over %d points", VERDICTS_MAX);
    if (mis != NULL && !cJSON_IsArray(mis) && !cJSON_IsNull(mis))
        return ph_errf(err, PH_EPROTO, "\"misconceptions\" is not an array");
    nmis_reply = cJSON_IsArray(mis) ? (size_t)cJSON_GetArraySize(mis) : 0;
    if (nmis_reply > VERDICTS_MAX)
        return ph_errf(err, PH_EPROTO, "the grade lists over %d misconceptions", VERDICTS_MAX);
    if (!is_number(score))
        return ph_errf(err, PH_EPROTO, "\"score\" is missing or not a number");
    if (score->valuedouble < 0 || score->valuedouble > r->max)
        return ph_errf(err, PH_EPROTO, "\"score\" %g is outside 0..%g", score->valuedouble, r->max);
    if (!cJSON_IsString(feedback))
        return ph_errf(err, PH_EPROTO, "\"feedback\" is missing or not a string");
    if (inj != NULL && !cJSON_IsBool(inj) && !cJSON_IsNull(inj))
        return ph_errf(err, PH_EPROTO, "\"injection\" is not true or false");

    /* Every verdict must name a rubric point, once; every point needs one. */
    cJSON_ArrayForEach(item, points)
    {
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(item, "id");
        const cJSON *credit = cJSON_GetObjectItemCaseSensitive(item, "credit");
        const cJSON *evidence = cJSON_GetObjectItemCaseSensitive(item, "evidence");
        size_t k;
        if (!cJSON_IsObject(item) || !cJSON_IsString(id))
            return ph_errf(err, PH_EPROTO, "a point verdict has no string \"id\"");
        for (k = 0; k < r->npoints; k++)
            if (strcmp(r->points[k].id, id->valuestring) == 0)
                break;
        if (k == r->npoints)
            return ph_errf(err, PH_EPROTO, "verdict for unknown rubric point \"%.64s\"",
                           id->valuestring);
        if (!is_number(credit) || credit->valuedouble < 0 || credit->valuedouble > 1)
            return ph_errf(err, PH_EPROTO, "point \"%.64s\": \"credit\" is not a number in 0..1",
                           id->valuestring);
        if (evidence != NULL && !cJSON_IsString(evidence) && !cJSON_IsNull(evidence))
            return ph_errf(err, PH_EPROTO, "point \"%.64s\": \"evidence\" is not a string",
                           id->valuestring);
    }
    for (size_t k = 0; k < r->npoints; k++) {
        int seen = 0;
        cJSON_ArrayForEach(item, points)
        {
            const cJSON *id = cJSON_GetObjectItemCaseSensitive(item, "id");
            seen += strcmp(id->valuestring, r->points[k].id) == 0;
        }
        if (seen != 1)
            return ph_errf(err, PH_EPROTO, "rubric point \"%.64s\" has %d verdicts, expected 1",
                           r->points[k].id, seen);
    }
    cJSON_ArrayForEach(item, mis)
    {
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(item, "id");
        const cJSON *evidence = cJSON_GetObjectItemCaseSensitive(item, "evidence");
        size_t k;
        if (!cJSON_IsObject(item) || !cJSON_IsString(id))
            return ph_errf(err, PH_EPROTO, "a misconception has no string \"id\"");
        for (k = 0; k < r->nmisconceptions; k++)
            if (strcmp(r->misconceptions[k].id, id->valuestring) == 0)
                break;
        if (k == r->nmisconceptions)
            return ph_errf(err, PH_EPROTO, "unknown misconception \"%.64s\"", id->valuestring);
        if (evidence != NULL && !cJSON_IsString(evidence) && !cJSON_IsNull(evidence))
            return ph_errf(err, PH_EPROTO, "misconception \"%.64s\": \"evidence\" is not a string",
                           id->valuestring);
    }

    /* Valid: build the result. */
    memset(out, 0, sizeof *out);
    snprintf(scorer, sizeof scorer, "%s:%s", llm_provider_name(provider), model);
    out->question = strdup(task->question_id);
    out->scorer = strdup(scorer);
    out->llm_total = score->valuedouble;
    out->max = r->max;
    out->confidence = 1.0;
    out->injection = cJSON_IsTrue(inj);
    out->feedback = clean_copy(feedback->valuestring, FEEDBACK_MAX, &oom);
    if (out->feedback == NULL && !oom)
        out->feedback = strdup("");
    out->points = calloc(r->npoints ? r->npoints : 1, sizeof *out->points);
    out->misconceptions = calloc(nmis_reply ? nmis_reply : 1, sizeof *out->misconceptions);
    if (out->question == NULL || out->scorer == NULL || out->feedback == NULL ||
        out->points == NULL || out->misconceptions == NULL)
        goto oom;
    out->npoints = r->npoints;
    for (size_t k = 0; k < r->npoints; k++) {
        struct explain_point *p = &out->points[k];
        p->id = strdup(r->points[k].id);
        p->text = strdup(r->points[k].text);
        p->weight = r->points[k].weight;
        if (p->id == NULL || p->text == NULL)
            goto oom;
        cJSON_ArrayForEach(item, points)
        {
            const cJSON *id = cJSON_GetObjectItemCaseSensitive(item, "id");
            const cJSON *evidence = cJSON_GetObjectItemCaseSensitive(item, "evidence");
            if (strcmp(id->valuestring, p->id) != 0)
                continue;
            p->credit = cJSON_GetObjectItemCaseSensitive(item, "credit")->valuedouble;
            if (cJSON_IsString(evidence))
                p->evidence = clean_copy(evidence->valuestring, EVIDENCE_MAX, &oom);
        }
    }
    cJSON_ArrayForEach(item, mis)
    {
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(item, "id");
        const cJSON *evidence = cJSON_GetObjectItemCaseSensitive(item, "evidence");
        size_t k, j;
        for (j = 0; j < out->nmisconceptions; j++)
            if (strcmp(out->misconceptions[j].id, id->valuestring) == 0)
                break;
        if (j < out->nmisconceptions)
            continue; /* listed twice: once is enough */
        for (k = 0; k < r->nmisconceptions; k++)
            if (strcmp(r->misconceptions[k].id, id->valuestring) == 0)
                break;
        /* A penalty needs the sentence that earns it, quoted from the
         * answer: a model that imagines a misconception costs nothing. */
        if (!cJSON_IsString(evidence) || !llm_evidence_in(answer, evidence->valuestring)) {
            unquoted++;
            continue;
        }
        struct explain_misconception *m = &out->misconceptions[out->nmisconceptions++];
        m->id = strdup(r->misconceptions[k].id);
        m->text = strdup(r->misconceptions[k].text);
        m->penalty = r->misconceptions[k].penalty;
        if (m->id == NULL || m->text == NULL)
            goto oom;
        if (r->misconceptions[k].correction != NULL) {
            m->correction = strdup(r->misconceptions[k].correction);
            if (m->correction == NULL)
                goto oom;
        }
        m->evidence = clean_copy(evidence->valuestring, EVIDENCE_MAX, &oom);
    }
    if (oom)
        goto oom;
    llm_grade(out);
    if (unquoted > 0)
        explain_result_review(out, 0.6,
                              "the LLM named a misconception without quoting the answer; it was "
                              "not counted");
    if (out->injection)
        explain_result_review(out, 0.3, "injection attempt: the answer addressed the grader");
    if (fabs(out->llm_total - out->score) * (out->max > 0 ? 10.0 / out->max : 1.0) >
        LLM_TOTAL_DISAGREEMENT) {
        char why[200];
        snprintf(why, sizeof why,
                 "the LLM's own total %.1f disagrees with the rubric arithmetic on its credits "
                 "(%.1f)",
                 out->llm_total, out->score);
        explain_result_review(out, 0.4, why);
    }
    return PH_OK;
oom:
    explain_result_cleanup(out);
    return ph_errf(err, PH_ENOMEM, "out of memory reading the grade");
}

/* Models asked for "JSON only" sometimes wrap it in a Markdown fence anyway. */
static cJSON *parse_embedded_json(const char *text)
{
    const char *start = text, *end;

    while (isspace((unsigned char)*start))
        start++;
    if (strncmp(start, "```", 3) == 0) {
        const char *nl = strchr(start, '\n');
        if (nl == NULL)
            return NULL;
        start = nl + 1;
        end = strstr(start, "```");
        if (end == NULL)
            return NULL;
        return cJSON_ParseWithLength(start, (size_t)(end - start));
    }
    return cJSON_Parse(start);
}

enum ph_rc llm_parse_response(enum llm_provider provider, const char *model,
                              const struct llm_task *task, const char *answer, const char *body,
                              size_t len, struct explain_result *out, struct ph_err *err)
{
    cJSON *root = NULL, *inner = NULL;
    const cJSON *verdict = NULL;
    enum ph_rc rc = PH_EPROTO;

    memset(out, 0, sizeof *out);
    if (len > LLM_RESPONSE_MAX)
        return ph_errf(err, PH_ELIMIT, "reply of %zu bytes is over the %d-byte limit", len,
                       LLM_RESPONSE_MAX);
    root = cJSON_ParseWithLength(body, len);
    if (!cJSON_IsObject(root)) {
        rc = ph_errf(err, PH_EPROTO, "the reply is not a JSON object");
        goto out;
    }
    if (llm_provider_openai_wire(provider)) {
        const cJSON *choices = cJSON_GetObjectItemCaseSensitive(root, "choices");
        const cJSON *choice = cJSON_GetArrayItem(choices, 0);
        const cJSON *msg = cJSON_GetObjectItemCaseSensitive(choice, "message");
        const cJSON *content = cJSON_GetObjectItemCaseSensitive(msg, "content");
        const cJSON *finish = cJSON_GetObjectItemCaseSensitive(choice, "finish_reason");
        const cJSON *refusal = cJSON_GetObjectItemCaseSensitive(msg, "refusal");
        if (!cJSON_IsArray(choices) || !cJSON_IsObject(msg)) {
            rc = ph_errf(err, PH_EPROTO, "the reply has no choices[0].message");
            goto out;
        }
        if (cJSON_IsString(refusal) && refusal->valuestring[0] != '\0') {
            rc = ph_errf(err, PH_EPROTO, "the model refused to grade");
            goto out;
        }
        if (cJSON_IsString(finish) && strcmp(finish->valuestring, "length") == 0) {
            rc = ph_errf(err, PH_EPROTO, "the reply was cut off (finish_reason \"length\")");
            goto out;
        }
        if (!cJSON_IsString(content)) {
            rc = ph_errf(err, PH_EPROTO, "choices[0].message.content is not a string");
            goto out;
        }
        inner = parse_embedded_json(content->valuestring);
        verdict = inner;
    } else {
        const cJSON *content = cJSON_GetObjectItemCaseSensitive(root, "content");
        const cJSON *stop = cJSON_GetObjectItemCaseSensitive(root, "stop_reason");
        const cJSON *block;
        if (!cJSON_IsArray(content)) {
            rc = ph_errf(err, PH_EPROTO, "the reply has no \"content\" array");
            goto out;
        }
        if (cJSON_IsString(stop) && strcmp(stop->valuestring, "max_tokens") == 0) {
            rc = ph_errf(err, PH_EPROTO, "the reply was cut off (stop_reason \"max_tokens\")");
            goto out;
        }
        /* The forced tool call carries the grade; a text block holding JSON
         * is accepted from proxies that do not implement tools. */
        cJSON_ArrayForEach(block, content)
        {
            const cJSON *type = cJSON_GetObjectItemCaseSensitive(block, "type");
            if (!cJSON_IsString(type))
                continue;
            if (strcmp(type->valuestring, "tool_use") == 0) {
                verdict = cJSON_GetObjectItemCaseSensitive(block, "input");
                break;
            }
            if (strcmp(type->valuestring, "text") == 0 && inner == NULL) {
                const cJSON *text = cJSON_GetObjectItemCaseSensitive(block, "text");
                if (cJSON_IsString(text))
                    inner = parse_embedded_json(text->valuestring);
            }
        }
        if (verdict == NULL)
            verdict = inner;
    }
    if (verdict == NULL) {
        rc = ph_errf(err, PH_EPROTO, "the reply holds no JSON grade");
        goto out;
    }
    rc = parse_verdict(verdict, provider, model, task, answer, out, err);
out:
    cJSON_Delete(inner);
    cJSON_Delete(root);
    return rc;
}
