/*
 * qbank.c - see qbank.h.
 *
 * Concept questions become small `struct exercise`s so that the scorer's
 * public entry point (explain_score_many) grades them exactly as it grades an
 * exercise's explanation: same rubric format, same offline scorer, same LLM
 * prompt.  Nothing else in such an exercise is set (no checks, no folder
 * files); only practice ever holds one.
 */
#include "qbank.h"

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "exercise.h"
#include "fileio.h"
#include "paths.h"
#include "rubric.h"

/* A bank file is a few dozen questions of a few KiB each. */
#define QBANK_FILE_MAX (4u * 1024 * 1024)
/* More than this many questions is a mistake (a glob over the wrong folder). */
#define QBANK_QUESTIONS_MAX 4096
/* A question may not ask for less than this or more than this many seconds. */
#define QBANK_SECONDS_MIN 10.0
#define QBANK_SECONDS_MAX 7200.0

const char *qbank_kind_name(enum qbank_kind k)
{
    return k == QBANK_EXERCISE ? "exercise" : "concept";
}

void qbank_free(struct qbank *b)
{
    if (b == NULL)
        return;
    for (size_t i = 0; i < b->n; i++) {
        free(b->q[i].id);
        free(b->q[i].topic);
        free(b->q[i].source);
        exercise_free(b->q[i].ex);
    }
    free(b->q);
    free(b->dir);
    free(b);
}

const struct qbank_question *qbank_find(const struct qbank *b, const char *id)
{
    for (size_t i = 0; i < b->n; i++)
        if (strcmp(b->q[i].id, id) == 0)
            return &b->q[i];
    return NULL;
}

int qbank_matches_topic(const struct qbank_question *q, const char *topic)
{
    size_t n = strlen(topic);

    if (n == 0)
        return 1;
    if (strcasecmp(q->topic, topic) == 0)
        return 1;
    return strncasecmp(q->id, topic, n) == 0;
}

enum ph_rc qbank_default_dir(char **out, struct ph_err *err)
{
    const char *env = getenv("PYHARNESS_QUESTIONS");
    const char *ex = paths_exercises_dir();
    char buf[PATH_MAX];
    int n;

    *out = NULL;
    if (env != NULL && env[0] != '\0') {
        n = snprintf(buf, sizeof buf, "%s", env);
    } else {
        const char *slash = ex != NULL ? strrchr(ex, '/') : NULL;
        if (slash == NULL)
            n = snprintf(buf, sizeof buf, "questions");
        else
            n = snprintf(buf, sizeof buf, "%.*s/questions", (int)(slash - ex), ex);
    }
    if (n < 0 || (size_t)n >= sizeof buf)
        return ph_errf(err, PH_EINPUT, "question bank path too long");
    *out = strdup(buf);
    if (*out == NULL)
        return ph_errf(err, PH_ENOMEM, "out of memory");
    return PH_OK;
}

static enum ph_rc grow(struct qbank *b, size_t *cap, struct ph_err *err)
{
    struct qbank_question *q;
    size_t ncap;

    if (b->n < *cap)
        return PH_OK;
    if (b->n >= QBANK_QUESTIONS_MAX)
        return ph_errf(err, PH_ELIMIT, "question bank: more than %d questions",
                       QBANK_QUESTIONS_MAX);
    ncap = *cap != 0 ? *cap * 2 : 64;
    q = realloc(b->q, ncap * sizeof *q);
    if (q == NULL)
        return ph_errf(err, PH_ENOMEM, "out of memory");
    b->q = q;
    *cap = ncap;
    return PH_OK;
}

static enum ph_rc dup_string(const cJSON *obj, const char *key, const char *where,
                             const char *field, char **out, struct ph_err *err)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

    if (!cJSON_IsString(v) || v->valuestring[0] == '\0')
        return ph_errf(err, PH_EINPUT, "%s: %s.%s: %s", where, field, key,
                       v == NULL ? "missing" : "expected a non-empty string");
    *out = strdup(v->valuestring);
    if (*out == NULL)
        return ph_errf(err, PH_ENOMEM, "out of memory");
    return PH_OK;
}

static int id_ok(const char *id)
{
    if (id[0] == '\0' || strlen(id) > 64)
        return 0;
    for (const char *p = id; *p != '\0'; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
            return 0;
    return 1;
}

/* One concept question: questions[i] of `path`. */
static enum ph_rc load_concept(const cJSON *item, const char *path, size_t i, const char *topic,
                               struct qbank_question *out, struct ph_err *err)
{
    struct exercise *ex = NULL;
    const cJSON *secs, *rub;
    char field[64];
    char where[PATH_MAX + 64];
    enum ph_rc rc;

    memset(out, 0, sizeof *out);
    snprintf(field, sizeof field, "questions[%zu]", i);
    if (!cJSON_IsObject(item))
        return ph_errf(err, PH_EINPUT, "%s: %s: expected an object", path, field);
    ex = calloc(1, sizeof *ex);
    if (ex == NULL)
        return ph_errf(err, PH_ENOMEM, "out of memory");
    rc = dup_string(item, "id", path, field, &ex->id, err);
    if (rc == PH_OK && !id_ok(ex->id))
        rc =
            ph_errf(err, PH_EINPUT, "%s: %s.id: \"%s\" must be 1-64 characters of a-z, 0-9 and '-'",
                    path, field, ex->id);
    if (rc == PH_OK)
        rc = dup_string(item, "question", path, field, &ex->question, err);
    if (rc == PH_OK)
        rc = dup_string(item, "model_answer", path, field, &ex->model_answer, err);
    if (rc != PH_OK)
        goto out;
    ex->topic = strdup(topic);
    ex->title = strdup(ex->id);
    snprintf(where, sizeof where, "%s: %s", path, field);
    ex->json_path = strdup(where);
    out->id = strdup(ex->id);
    out->topic = strdup(topic);
    out->source = strdup(path);
    if (ex->topic == NULL || ex->title == NULL || ex->json_path == NULL || out->id == NULL ||
        out->topic == NULL || out->source == NULL) {
        rc = ph_errf(err, PH_ENOMEM, "out of memory");
        goto out;
    }
    out->kind = QBANK_CONCEPT;
    out->seconds = QBANK_CONCEPT_SECONDS;
    secs = cJSON_GetObjectItemCaseSensitive(item, "seconds");
    if (secs != NULL) {
        if (!cJSON_IsNumber(secs) || secs->valuedouble < QBANK_SECONDS_MIN ||
            secs->valuedouble > QBANK_SECONDS_MAX) {
            rc = ph_errf(err, PH_EINPUT, "%s: %s.seconds: expected a number from %g to %g", path,
                         field, QBANK_SECONDS_MIN, QBANK_SECONDS_MAX);
            goto out;
        }
        out->seconds = secs->valuedouble;
    }
    rub = cJSON_GetObjectItemCaseSensitive(item, "rubric");
    if (rub == NULL) {
        rc = ph_errf(err, PH_EINPUT, "%s: %s.rubric: missing", path, field);
        goto out;
    }
    snprintf(where, sizeof where, "%s: %s.rubric", path, field);
    rc = rubric_parse(rub, where, &ex->rubric, err);
    if (rc != PH_OK)
        goto out;
    out->ex = ex;
    ex = NULL;
out:
    exercise_free(ex);
    if (rc != PH_OK) {
        free(out->id);
        free(out->topic);
        free(out->source);
        memset(out, 0, sizeof *out);
    }
    return rc;
}

static enum ph_rc load_file(struct qbank *b, size_t *cap, const char *path, struct ph_err *err)
{
    char *text = NULL;
    size_t len = 0;
    cJSON *doc = NULL;
    const cJSON *topic, *qs;
    enum ph_rc rc;
    size_t i = 0;
    const cJSON *item;

    rc = fileio_read(path, QBANK_FILE_MAX, &text, &len, err);
    if (rc != PH_OK)
        goto out;
    doc = cJSON_ParseWithLength(text, len);
    if (doc == NULL || !cJSON_IsObject(doc)) {
        rc = ph_errf(err, PH_EINPUT, "%s: not a JSON object (check the syntax near byte %ld)", path,
                     doc == NULL ? (long)(cJSON_GetErrorPtr() - text) : 0L);
        goto out;
    }
    topic = cJSON_GetObjectItemCaseSensitive(doc, "topic");
    if (!cJSON_IsString(topic) || topic->valuestring[0] == '\0') {
        rc = ph_errf(err, PH_EINPUT, "%s: topic: expected a non-empty string", path);
        goto out;
    }
    qs = cJSON_GetObjectItemCaseSensitive(doc, "questions");
    if (!cJSON_IsArray(qs) || cJSON_GetArraySize(qs) == 0) {
        rc = ph_errf(err, PH_EINPUT, "%s: questions: expected a non-empty array", path);
        goto out;
    }
    cJSON_ArrayForEach(item, qs)
    {
        rc = grow(b, cap, err);
        if (rc != PH_OK)
            goto out;
        rc = load_concept(item, path, i, topic->valuestring, &b->q[b->n], err);
        if (rc != PH_OK)
            goto out;
        b->n++;
        i++;
    }
    rc = PH_OK;
out:
    cJSON_Delete(doc);
    free(text);
    return rc;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The *.json names of `dir`, sorted; caller frees each and the array. */
static enum ph_rc list_json(const char *dir, char ***out, size_t *n, struct ph_err *err)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char **v = NULL;
    size_t cap = 0;
    enum ph_rc rc = PH_ENOMEM;

    *out = NULL;
    *n = 0;
    if (d == NULL)
        return ph_errf(err, PH_EINPUT, "%s: cannot open the question bank folder", dir);
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len < 6 || e->d_name[0] == '.' || strcmp(e->d_name + len - 5, ".json") != 0)
            continue;
        if (*n == cap) {
            size_t ncap = cap != 0 ? cap * 2 : 16;
            char **nv = realloc(v, ncap * sizeof *nv);
            if (nv == NULL)
                goto fail;
            v = nv;
            cap = ncap;
        }
        v[*n] = strdup(e->d_name);
        if (v[*n] == NULL)
            goto fail;
        (*n)++;
    }
    closedir(d);
    if (*n > 0)
        qsort(v, *n, sizeof *v, cmp_str);
    *out = v;
    return PH_OK;
fail:
    closedir(d);
    for (size_t i = 0; i < *n; i++)
        free(v[i]);
    free(v);
    *n = 0;
    return ph_errf(err, rc, "out of memory");
}

static enum ph_rc load_exercises(struct qbank *b, size_t *cap, const char *dir, struct ph_err *err)
{
    char **ids = NULL;
    size_t nids = 0;
    enum ph_rc rc;

    rc = exercise_list(dir, &ids, &nids, err);
    if (rc != PH_OK)
        goto out;
    for (size_t i = 0; i < nids; i++) {
        char *exdir = NULL;
        struct exercise *ex = NULL;
        struct qbank_question *q;

        rc = exercise_resolve(ids[i], dir, &exdir, err);
        if (rc == PH_OK)
            rc = exercise_load(exdir, &ex, err);
        free(exdir);
        if (rc == PH_OK)
            rc = grow(b, cap, err);
        if (rc != PH_OK) {
            exercise_free(ex);
            goto out;
        }
        q = &b->q[b->n];
        memset(q, 0, sizeof *q);
        q->kind = QBANK_EXERCISE;
        q->seconds = QBANK_EXERCISE_SECONDS;
        q->id = strdup(ex->id);
        q->topic = strdup(ex->topic != NULL ? ex->topic : "exercises");
        q->source = strdup(ex->json_path);
        q->ex = ex;
        b->n++;
        if (q->id == NULL || q->topic == NULL || q->source == NULL) {
            rc = ph_errf(err, PH_ENOMEM, "out of memory");
            goto out;
        }
    }
    rc = PH_OK;
out:
    for (size_t i = 0; i < nids; i++)
        free(ids[i]);
    free(ids);
    return rc;
}

enum ph_rc qbank_load(const char *questions_dir, const char *exercises_dir, struct qbank **out,
                      struct ph_err *err)
{
    struct qbank *b = calloc(1, sizeof *b);
    char **names = NULL;
    size_t nnames = 0, cap = 0;
    enum ph_rc rc;

    *out = NULL;
    if (b == NULL || (b->dir = strdup(questions_dir)) == NULL) {
        free(b);
        return ph_errf(err, PH_ENOMEM, "out of memory");
    }
    rc = list_json(questions_dir, &names, &nnames, err);
    if (rc != PH_OK)
        goto out;
    for (size_t i = 0; i < nnames; i++) {
        char path[PATH_MAX];
        if ((size_t)snprintf(path, sizeof path, "%s/%s", questions_dir, names[i]) >= sizeof path) {
            rc = ph_errf(err, PH_EINPUT, "%s/%s: path too long", questions_dir, names[i]);
            goto out;
        }
        rc = load_file(b, &cap, path, err);
        if (rc != PH_OK)
            goto out;
    }
    if (exercises_dir != NULL) {
        rc = load_exercises(b, &cap, exercises_dir, err);
        if (rc != PH_OK)
            goto out;
    }
    for (size_t i = 0; i < b->n; i++)
        for (size_t j = 0; j < i; j++)
            if (strcmp(b->q[i].id, b->q[j].id) == 0) {
                rc = ph_errf(err, PH_EINPUT, "%s: question id \"%s\" is also used in %s",
                             b->q[i].source, b->q[i].id, b->q[j].source);
                goto out;
            }
    if (b->n == 0) {
        rc = ph_errf(err, PH_EINPUT, "%s: the question bank is empty", questions_dir);
        goto out;
    }
    *out = b;
    b = NULL;
    rc = PH_OK;
out:
    for (size_t i = 0; i < nnames; i++)
        free(names[i]);
    free(names);
    qbank_free(b);
    return rc;
}
