/*
 * exercise.c - see exercise.h.
 *
 * Validation is strict because an exercise is an answer key: a typo in a
 * rule's path would otherwise silently pass every submission.  Every message
 * names exercise.json and the field ("checks[2].rules[0].left").
 */
#include "exercise.h"

#include <ctype.h>
#include <errno.h>
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fileio.h"
#include "rubric.h"
#include "rules.h"
#include "sha256.h"

/* Defaults for limits a folder does not set: generous enough for the
 * measured workloads (10^6 items), small enough to stop a runaway. */
#define DEFAULT_WALL_S 60.0
#define DEFAULT_CPU_S 60.0
#define DEFAULT_MEMORY_MB 1024.0
#define DEFAULT_OUTPUT_KB 1024.0
#define DEFAULT_NPROC 64
/* A run's folder (and /dev/shm): enough for any exercise's data files, far
 * from what would hurt the machine. */
#define DEFAULT_DISK_MB 256.0
#define DEFAULT_FILES 10000
#define DEFAULT_CHECK_TIMEOUT_S 20.0

static char *dupstr(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);

    if (d != NULL)
        memcpy(d, s, n);
    return d;
}

static int is_identifier(const char *s)
{
    if (!(isalpha((unsigned char)*s) || *s == '_'))
        return 0;
    for (; *s; s++)
        if (!(isalnum((unsigned char)*s) || *s == '_'))
            return 0;
    return 1;
}

static int is_exercise_id(const char *s)
{
    if (*s == '\0')
        return 0;
    for (; *s; s++)
        if (!(islower((unsigned char)*s) || isdigit((unsigned char)*s) || *s == '-'))
            return 0;
    return 1;
}

/* A string field.  `required` 0 leaves *out NULL when absent. */
static enum ph_rc get_string(const cJSON *obj, const char *key, int required, const char *where,
                             const char *ctx, char **out, struct ph_err *err)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);

    *out = NULL;
    if (it == NULL) {
        if (required)
            return ph_errf(err, PH_EINPUT, "%s: missing field \"%s%s\"", where, ctx, key);
        return PH_OK;
    }
    if (!cJSON_IsString(it) || it->valuestring == NULL)
        return ph_errf(err, PH_EINPUT, "%s: field \"%s%s\" must be a string", where, ctx, key);
    *out = dupstr(it->valuestring);
    if (*out == NULL)
        return ph_errf(err, PH_ENOMEM, "out of memory");
    return PH_OK;
}

static enum ph_rc get_number(const cJSON *obj, const char *key, double dflt, double lo, double hi,
                             const char *where, const char *ctx, double *out, struct ph_err *err)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);

    *out = dflt;
    if (it == NULL)
        return PH_OK;
    if (!cJSON_IsNumber(it))
        return ph_errf(err, PH_EINPUT, "%s: field \"%s%s\" must be a number", where, ctx, key);
    if (!(it->valuedouble >= lo && it->valuedouble <= hi))
        return ph_errf(err, PH_EINPUT, "%s: field \"%s%s\" is %g, expected %g to %g", where, ctx,
                       key, it->valuedouble, lo, hi);
    *out = it->valuedouble;
    return PH_OK;
}

static enum ph_rc parse_check(const cJSON *c, size_t idx, const char *where,
                              struct exercise_check *out, int *uses_base, struct ph_err *err)
{
    char ctx[64];
    const cJSON *it, *tol;
    enum ph_rc rc;
    double d;

    snprintf(ctx, sizeof ctx, "checks[%zu].", idx);
    if (!cJSON_IsObject(c))
        return ph_errf(err, PH_EINPUT, "%s: \"checks[%zu]\" must be an object", where, idx);
    rc = get_string(c, "name", 1, where, ctx, &out->name, err);
    if (rc != PH_OK)
        return rc;
    if (!is_identifier(out->name))
        return ph_errf(err, PH_EINPUT,
                       "%s: \"%sname\" is \"%s\": use letters, digits and _ (a Python name)", where,
                       ctx, out->name);
    rc = get_string(c, "description", 0, where, ctx, &out->description, err);
    if (rc != PH_OK)
        return rc;
    rc = get_string(c, "lesson", 0, where, ctx, &out->lesson, err);
    if (rc != PH_OK)
        return rc;
    it = cJSON_GetObjectItemCaseSensitive(c, "visible");
    if (it != NULL && !cJSON_IsBool(it))
        return ph_errf(err, PH_EINPUT, "%s: \"%svisible\" must be true or false", where, ctx);
    out->visible = cJSON_IsTrue(it);
    rc = get_number(c, "weight", 1.0, 0.0, 1000.0, where, ctx, &out->weight, err);
    if (rc != PH_OK)
        return rc;
    rc = get_number(c, "timeout_s", DEFAULT_CHECK_TIMEOUT_S, 0.01, 3600.0, where, ctx,
                    &out->timeout_s, err);
    if (rc != PH_OK)
        return rc;
    out->compare = CHECK_COMPARE_EQUAL;
    it = cJSON_GetObjectItemCaseSensitive(c, "compare");
    if (it != NULL) {
        if (cJSON_IsString(it) && strcmp(it->valuestring, "equal") == 0)
            out->compare = CHECK_COMPARE_EQUAL;
        else if (cJSON_IsString(it) && strcmp(it->valuestring, "none") == 0)
            out->compare = CHECK_COMPARE_NONE;
        else
            return ph_errf(err, PH_EINPUT, "%s: \"%scompare\" must be \"equal\" or \"none\"", where,
                           ctx);
    }
    tol = cJSON_GetObjectItemCaseSensitive(c, "tolerance");
    if (tol != NULL && !cJSON_IsObject(tol))
        return ph_errf(err, PH_EINPUT, "%s: \"%stolerance\" must be an object", where, ctx);
    rc = get_number(tol, "rel", 0.0, 0.0, 1.0, where, ctx, &d, err);
    if (rc != PH_OK)
        return rc;
    out->rel_tol = d;
    rc = get_number(tol, "abs", 0.0, 0.0, 1e300, where, ctx, &d, err);
    if (rc != PH_OK)
        return rc;
    out->abs_tol = d;
    it = cJSON_GetObjectItemCaseSensitive(c, "ignore");
    if (it != NULL) {
        const cJSON *s;
        size_t n = 0;
        if (!cJSON_IsArray(it))
            return ph_errf(err, PH_EINPUT, "%s: \"%signore\" must be an array of strings", where,
                           ctx);
        out->ignore = calloc((size_t)cJSON_GetArraySize(it) + 1, sizeof *out->ignore);
        if (out->ignore == NULL)
            return ph_errf(err, PH_ENOMEM, "out of memory");
        cJSON_ArrayForEach(s, it)
        {
            if (!cJSON_IsString(s))
                return ph_errf(err, PH_EINPUT, "%s: \"%signore[%zu]\" must be a string", where, ctx,
                               n);
            out->ignore[n] = dupstr(s->valuestring);
            if (out->ignore[n] == NULL)
                return ph_errf(err, PH_ENOMEM, "out of memory");
            n++;
        }
        out->nignore = n;
    }
    it = cJSON_GetObjectItemCaseSensitive(c, "rules");
    if (it != NULL) {
        const cJSON *r;
        char rctx[96];
        if (!cJSON_IsArray(it))
            return ph_errf(err, PH_EINPUT, "%s: \"%srules\" must be an array", where, ctx);
        out->rules = calloc((size_t)cJSON_GetArraySize(it) + 1, sizeof *out->rules);
        if (out->rules == NULL)
            return ph_errf(err, PH_ENOMEM, "out of memory");
        cJSON_ArrayForEach(r, it)
        {
            snprintf(rctx, sizeof rctx, "%srules[%zu]", ctx, out->nrules);
            rc = rules_compile_rule(r, where, rctx, &out->rules[out->nrules], err);
            if (rc != PH_OK)
                return rc;
            out->nrules++;
        }
        out->has_rules = 1;
    }
    if (out->lesson != NULL) {
        char lctx[96];
        snprintf(lctx, sizeof lctx, "%slesson", ctx);
        rc = rules_compile_lesson(out->lesson, where, lctx, &out->lesson_rule, err);
        if (rc != PH_OK)
            return rc;
    }
    for (size_t k = 0; k < out->nrules; k++) {
        out->ref_measured |= rules_rule_reads_measured(&out->rules[k], RULE_REF);
        out->base_measured |= rules_rule_reads_measured(&out->rules[k], RULE_BASE);
        *uses_base |= rules_rule_reads(&out->rules[k], RULE_BASE);
    }
    if (out->nrules > 0) {
        size_t k, reported = 0;
        for (k = 0; k < out->nrules; k++)
            reported += rules_rule_reads_worker_report(&out->rules[k]) != 0;
        /* Such a rule may fail a check beside one on an outside figure; alone,
         * a worker that lies about itself would pass it. */
        if (reported == out->nrules)
            return ph_errf(err, PH_EINPUT,
                           "%s: check \"%s\": every rule reads a figure the worker reports "
                           "about itself (py_peak_bytes, py_current_bytes, py_allocs, "
                           "inside_wall_ns, inside_cpu_ns); add a rule on a figure observed from "
                           "outside (rss_growth_bytes, page_faults, io_read_bytes, run_cpu_ns)",
                           where, out->name);
    }
    if (out->compare == CHECK_COMPARE_NONE && !out->has_rules)
        return ph_errf(
            err, PH_EINPUT,
            "%s: check \"%s\" has compare \"none\" and no rules: nothing would decide it", where,
            out->name);
    return PH_OK;
}

static enum ph_rc parse_limits(const cJSON *l, const char *where, struct exercise_limits *out,
                               struct ph_err *err)
{
    double mem, outkb, nproc, disk, files;
    enum ph_rc rc;

    if (l != NULL && !cJSON_IsObject(l))
        return ph_errf(err, PH_EINPUT, "%s: \"limits\" must be an object", where);
    rc = get_number(l, "wall_s", DEFAULT_WALL_S, 0.1, 3600, where, "limits.", &out->wall_s, err);
    if (rc != PH_OK)
        return rc;
    rc = get_number(l, "cpu_s", DEFAULT_CPU_S, 0.1, 3600, where, "limits.", &out->cpu_s, err);
    if (rc != PH_OK)
        return rc;
    rc = get_number(l, "memory_mb", DEFAULT_MEMORY_MB, 16, 65536, where, "limits.", &mem, err);
    if (rc != PH_OK)
        return rc;
    rc = get_number(l, "output_kb", DEFAULT_OUTPUT_KB, 1, 1024 * 1024, where, "limits.", &outkb,
                    err);
    if (rc != PH_OK)
        return rc;
    rc = get_number(l, "nproc", DEFAULT_NPROC, 1, 4096, where, "limits.", &nproc, err);
    if (rc != PH_OK)
        return rc;
    rc = get_number(l, "disk_mb", DEFAULT_DISK_MB, 1, 65536, where, "limits.", &disk, err);
    if (rc != PH_OK)
        return rc;
    rc = get_number(l, "files", DEFAULT_FILES, 16, 1000000, where, "limits.", &files, err);
    if (rc != PH_OK)
        return rc;
    out->disk_bytes = (unsigned long long)(disk * 1024 * 1024);
    out->files = (unsigned long long)files;
    out->memory_bytes = (size_t)(mem * 1024 * 1024);
    out->output_bytes = (size_t)(outkb * 1024);
    out->nproc = (unsigned)nproc;
    return PH_OK;
}

static enum ph_rc parse_weights(const cJSON *w, const char *where, struct exercise_weights *out,
                                struct ph_err *err)
{
    enum ph_rc rc;

    if (w != NULL && !cJSON_IsObject(w))
        return ph_errf(err, PH_EINPUT, "%s: \"weights\" must be an object", where);
    rc = get_number(w, "correctness", 60, 0, 100, where, "weights.", &out->correctness, err);
    if (rc != PH_OK)
        return rc;
    rc = get_number(w, "performance", 20, 0, 100, where, "weights.", &out->performance, err);
    if (rc != PH_OK)
        return rc;
    rc = get_number(w, "explanation", 20, 0, 100, where, "weights.", &out->explanation, err);
    if (rc != PH_OK)
        return rc;
    if (out->correctness + out->performance + out->explanation <= 0)
        return ph_errf(err, PH_EINPUT, "%s: \"weights\" add up to 0", where);
    return PH_OK;
}

static enum ph_rc parse_perf(const cJSON *p, const char *where, struct exercise *ex, int *uses_base,
                             struct ph_err *err)
{
    const cJSON *ratio;
    enum ph_rc rc;

    if (p == NULL)
        return PH_OK;
    if (!cJSON_IsObject(p))
        return ph_errf(err, PH_EINPUT, "%s: \"performance\" must be an object", where);
    ex->perf.present = 1;
    rc = get_string(p, "check", 1, where, "performance.", &ex->perf.check, err);
    if (rc != PH_OK)
        return rc;
    if (exercise_find_check(ex, ex->perf.check) < 0)
        return ph_errf(err, PH_EINPUT,
                       "%s: \"performance.check\" names \"%s\", which is not a check", where,
                       ex->perf.check);
    rc = get_string(p, "describe", 0, where, "performance.", &ex->perf.describe, err);
    if (rc != PH_OK)
        return rc;
    ratio = cJSON_GetObjectItemCaseSensitive(p, "ratio");
    if (!cJSON_IsObject(ratio))
        return ph_errf(err, PH_EINPUT,
                       "%s: \"performance.ratio\" must be {\"num\": ..., \"den\": ...}", where);
    rc = rules_compile_quotient(cJSON_GetObjectItemCaseSensitive(ratio, "num"), where,
                                "performance.ratio.num", &ex->perf.num, err);
    if (rc != PH_OK)
        return rc;
    rc = rules_compile_operand(cJSON_GetObjectItemCaseSensitive(ratio, "den"), where,
                               "performance.ratio.den", &ex->perf.den, err);
    if (rc != PH_OK)
        return rc;
    {
        struct exercise_check *pc = &ex->checks[exercise_find_check(ex, ex->perf.check)];
        const struct rule_operand *ops[2] = {&ex->perf.num, &ex->perf.den};

        for (int k = 0; k < 2; k++) {
            pc->ref_measured |= rules_operand_reads_measured(ops[k], RULE_REF);
            pc->base_measured |= rules_operand_reads_measured(ops[k], RULE_BASE);
            *uses_base |= rules_operand_reads(ops[k], RULE_BASE);
        }
    }
    rc = get_number(p, "full_at", 1.0, 0, 1e9, where, "performance.", &ex->perf.full_at, err);
    if (rc != PH_OK)
        return rc;
    rc = get_number(p, "zero_at", 0.0, 0, 1e9, where, "performance.", &ex->perf.zero_at, err);
    if (rc != PH_OK)
        return rc;
    if (ex->perf.full_at == ex->perf.zero_at)
        return ph_errf(err, PH_EINPUT, "%s: \"performance.full_at\" equals \"zero_at\"", where);
    return PH_OK;
}

static enum ph_rc need_file(const char *dir, const char *name, struct ph_err *err)
{
    char path[PATH_MAX];

    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (!fileio_is_file(path))
        return ph_errf(err, PH_EINPUT, "%s: missing (every exercise needs %s)", path, name);
    return PH_OK;
}

/*
 * The exercise's content hash: every file that decides a grade, each as its
 * name, its length and its bytes, so that no two different folders hash
 * alike.  examples/, starter.py and the statement do not change a grade.
 */
static enum ph_rc content_hash(struct exercise *ex, struct ph_err *err)
{
    static const char *const files[] = {"exercise.json", "checks.py", "reference.py",
                                        "baseline.py"};
    struct sha256_ctx c;
    unsigned char d[SHA256_DIGEST_LEN];

    sha256_init(&c);
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char path[PATH_MAX], head[64];
        char *text = NULL;
        size_t len = 0;
        int n;

        snprintf(path, sizeof path, "%s/%s", ex->dir, files[i]);
        if (!fileio_is_file(path))
            continue;
        if (fileio_read(path, EXERCISE_FILE_MAX, &text, &len, err) != PH_OK)
            return err->rc == PH_ELIMIT ? ph_errf(err, PH_EINPUT, "%s", err->msg) : err->rc;
        n = snprintf(head, sizeof head, "%s\n%zu\n", files[i], len);
        sha256_update(&c, head, (size_t)n);
        sha256_update(&c, text, len);
        /* The reference's and the checks' text must not linger in freed
         * memory: sandbox hosts fork the runs from their memory. */
        explicit_bzero(text, len);
        free(text);
    }
    sha256_final(&c, d);
    for (size_t i = 0; i < SHA256_DIGEST_LEN; i++)
        snprintf(ex->content_sha256 + 2 * i, 3, "%02x", d[i]);
    return PH_OK;
}

enum ph_rc exercise_load(const char *dir, struct exercise **out, struct ph_err *err)
{
    return exercise_load_json(dir, NULL, 0, NULL, out, err);
}

enum ph_rc exercise_load_json(const char *dir, const char *json, size_t json_len,
                              const char *content_sha256, struct exercise **out, struct ph_err *err)
{
    struct exercise *ex = NULL;
    char path[PATH_MAX];
    char *text = NULL;
    size_t len = 0;
    const cJSON *it;
    const char *where;
    int uses_base = 0;
    enum ph_rc rc;
    size_t i;

    *out = NULL;
    ex = calloc(1, sizeof *ex);
    if (ex == NULL)
        return ph_errf(err, PH_ENOMEM, "out of memory");
    ex->dir = realpath(dir, NULL);
    if (ex->dir == NULL) {
        rc = ph_errf(err, PH_EINPUT, "%s: no such exercise folder", dir);
        goto out;
    }
    snprintf(path, sizeof path, "%s/exercise.json", ex->dir);
    ex->json_path = dupstr(path);
    if (ex->json_path == NULL) {
        rc = ph_errf(err, PH_ENOMEM, "out of memory");
        goto out;
    }
    where = ex->json_path;
    if (json == NULL) {
        rc = fileio_read(path, EXERCISE_JSON_MAX, &text, &len, err);
        if (rc != PH_OK && access(path, R_OK) != 0 && errno == EACCES) {
            /* An installed bank keeps exercise.json (model answer, rubric) to its group. */
            ph_err_clear(err);
            rc =
                ph_errf(err, PH_EINPUT,
                        "%s: not readable by you: an installed bank's exercise files (model "
                        "answers, rubrics, reference solutions) are for its owner and group; the "
                        "statements and starters are in its student kit (share/pyharness/student/, "
                        "or `pyharness kit DIR` run by a grader)",
                        path);
        }
        if (rc != PH_OK)
            goto out;
    }
    ex->json = cJSON_ParseWithLength(json != NULL ? json : text, json != NULL ? json_len : len);
    if (ex->json == NULL) {
        const char *at = cJSON_GetErrorPtr(), *base = json != NULL ? json : text;
        size_t blen = json != NULL ? json_len : len;
        long line = 1;
        const char *p;
        if (at != NULL && at >= base && at <= base + blen)
            for (p = base; p < at; p++)
                line += *p == '\n';
        rc = ph_errf(err, PH_EINPUT, "%s: not valid JSON (line %ld)", where, line);
        goto out;
    }
    if (!cJSON_IsObject(ex->json)) {
        rc = ph_errf(err, PH_EINPUT, "%s: the top level must be an object", where);
        goto out;
    }
    rc = get_string(ex->json, "id", 1, where, "", &ex->id, err);
    if (rc != PH_OK)
        goto out;
    if (!is_exercise_id(ex->id)) {
        rc = ph_errf(err, PH_EINPUT, "%s: \"id\" is \"%s\": use lower-case letters, digits and -",
                     where, ex->id);
        goto out;
    }
    {
        static const char *const text_fields[] = {"title", "topic", "question", "model_answer"};
        char **dest[] = {&ex->title, &ex->topic, &ex->question, &ex->model_answer};
        for (i = 0; i < 4; i++) {
            rc = get_string(ex->json, text_fields[i], i < 2, where, "", dest[i], err);
            if (rc != PH_OK)
                goto out;
        }
    }
    it = cJSON_GetObjectItemCaseSensitive(ex->json, "entry_points");
    if (!cJSON_IsArray(it) || cJSON_GetArraySize(it) == 0) {
        rc = ph_errf(err, PH_EINPUT,
                     "%s: \"entry_points\" must be a non-empty array of the names a submission "
                     "defines",
                     where);
        goto out;
    }
    ex->entry_points = calloc((size_t)cJSON_GetArraySize(it), sizeof *ex->entry_points);
    if (ex->entry_points == NULL) {
        rc = ph_errf(err, PH_ENOMEM, "out of memory");
        goto out;
    }
    {
        const cJSON *e;
        cJSON_ArrayForEach(e, it)
        {
            if (!cJSON_IsString(e) || !is_identifier(e->valuestring)) {
                rc = ph_errf(err, PH_EINPUT, "%s: \"entry_points[%zu]\" must be a Python name",
                             where, ex->nentry);
                goto out;
            }
            ex->entry_points[ex->nentry] = dupstr(e->valuestring);
            if (ex->entry_points[ex->nentry++] == NULL) {
                rc = ph_errf(err, PH_ENOMEM, "out of memory");
                goto out;
            }
        }
    }
    rc =
        parse_limits(cJSON_GetObjectItemCaseSensitive(ex->json, "limits"), where, &ex->limits, err);
    if (rc != PH_OK)
        goto out;
    rc = parse_weights(cJSON_GetObjectItemCaseSensitive(ex->json, "weights"), where, &ex->weights,
                       err);
    if (rc != PH_OK)
        goto out;
    it = cJSON_GetObjectItemCaseSensitive(ex->json, "checks");
    if (!cJSON_IsArray(it) || cJSON_GetArraySize(it) == 0) {
        rc = ph_errf(err, PH_EINPUT, "%s: \"checks\" must be a non-empty array", where);
        goto out;
    }
    ex->checks = calloc((size_t)cJSON_GetArraySize(it), sizeof *ex->checks);
    if (ex->checks == NULL) {
        rc = ph_errf(err, PH_ENOMEM, "out of memory");
        goto out;
    }
    {
        const cJSON *c;
        cJSON_ArrayForEach(c, it)
        {
            struct exercise_check *chk = &ex->checks[ex->nchecks];
            rc = parse_check(c, ex->nchecks, where, chk, &uses_base, err);
            ex->nchecks++;
            if (rc != PH_OK)
                goto out;
            for (i = 0; i + 1 < ex->nchecks; i++)
                if (strcmp(ex->checks[i].name, chk->name) == 0) {
                    rc = ph_errf(err, PH_EINPUT, "%s: two checks are named \"%s\"", where,
                                 chk->name);
                    goto out;
                }
        }
    }
    rc = parse_perf(cJSON_GetObjectItemCaseSensitive(ex->json, "performance"), where, ex,
                    &uses_base, err);
    if (rc != PH_OK)
        goto out;
    ex->needs_baseline = uses_base;
    it = cJSON_GetObjectItemCaseSensitive(ex->json, "rubric");
    if (it != NULL) {
        rc = rubric_parse(it, where, &ex->rubric, err);
        if (rc != PH_OK)
            goto out;
    }
    {
        static const char *const needed[] = {"checks.py", "reference.py", "starter.py"};
        for (i = 0; i < 3; i++) {
            rc = need_file(ex->dir, needed[i], err);
            if (rc != PH_OK)
                goto out;
        }
    }
    if (ex->needs_baseline) {
        rc = need_file(ex->dir, "baseline.py", err);
        if (rc != PH_OK)
            goto out;
    }
    if (content_sha256 != NULL)
        snprintf(ex->content_sha256, sizeof ex->content_sha256, "%s", content_sha256);
    else
        rc = content_hash(ex, err);
    if (rc != PH_OK)
        goto out;
    *out = ex;
    ex = NULL;
    rc = PH_OK;
out:
    if (text != NULL)
        explicit_bzero(text, len);
    free(text);
    exercise_free(ex);
    return rc;
}

/* Zero every string under `node` (keys included), before it is freed. */
static void wipe_json(cJSON *node)
{
    for (cJSON *c = node; c != NULL; c = c->next) {
        if (c->valuestring != NULL)
            explicit_bzero(c->valuestring, strlen(c->valuestring));
        if (c->string != NULL)
            explicit_bzero(c->string, strlen(c->string));
        if (c->child != NULL)
            wipe_json(c->child);
    }
}

static void wipe_str(char **s)
{
    if (*s != NULL) {
        explicit_bzero(*s, strlen(*s));
        free(*s);
        *s = NULL;
    }
}

void exercise_forget_answers(struct exercise *ex)
{
    static const char *const secret[] = {"model_answer", "rubric"};

    if (ex == NULL)
        return;
    wipe_str(&ex->model_answer);
    if (ex->rubric != NULL) {
        struct rubric *r = ex->rubric;
        for (size_t i = 0; i < r->npoints; i++) {
            wipe_str(&r->points[i].id);
            wipe_str(&r->points[i].text);
        }
        for (size_t i = 0; i < r->nmisconceptions; i++) {
            wipe_str(&r->misconceptions[i].id);
            wipe_str(&r->misconceptions[i].text);
            wipe_str(&r->misconceptions[i].correction);
        }
        rubric_free(r);
        ex->rubric = NULL;
    }
    for (size_t i = 0; i < sizeof secret / sizeof secret[0]; i++) {
        cJSON *it = cJSON_DetachItemFromObjectCaseSensitive(ex->json, secret[i]);
        if (it != NULL) {
            wipe_json(it); /* detached: its next is NULL, the walk stays inside it */
            cJSON_Delete(it);
        }
    }
}

void exercise_free(struct exercise *ex)
{
    size_t i, j;

    if (ex == NULL)
        return;
    for (i = 0; i < ex->nchecks; i++) {
        struct exercise_check *c = &ex->checks[i];
        free(c->name);
        free(c->description);
        free(c->lesson);
        rules_lesson_cleanup(&c->lesson_rule);
        for (j = 0; j < c->nrules; j++)
            rules_rule_cleanup(&c->rules[j]);
        free(c->rules);
        for (j = 0; j < c->nignore; j++)
            free(c->ignore[j]);
        free(c->ignore);
    }
    free(ex->checks);
    for (i = 0; i < ex->nentry; i++)
        free(ex->entry_points[i]);
    free(ex->entry_points);
    free(ex->perf.check);
    free(ex->perf.describe);
    rules_operand_cleanup(&ex->perf.num);
    rules_operand_cleanup(&ex->perf.den);
    rubric_free(ex->rubric);
    free(ex->dir);
    free(ex->json_path);
    free(ex->id);
    free(ex->title);
    free(ex->topic);
    free(ex->question);
    free(ex->model_answer);
    cJSON_Delete(ex->json);
    free(ex);
}

long exercise_find_check(const struct exercise *ex, const char *name)
{
    size_t i;

    for (i = 0; i < ex->nchecks; i++)
        if (ex->checks[i].name != NULL && strcmp(ex->checks[i].name, name) == 0)
            return (long)i;
    return -1;
}

enum ph_rc exercise_resolve(const char *arg, const char *exercises_dir, char **dir_out,
                            struct ph_err *err)
{
    char path[PATH_MAX];

    *dir_out = NULL;
    if (arg == NULL || arg[0] == '\0')
        return ph_errf(err, PH_EUSAGE, "missing exercise id");
    if (strchr(arg, '/') != NULL || (fileio_is_dir(arg) && strcmp(arg, ".") != 0)) {
        if (!fileio_is_dir(arg))
            return ph_errf(err, PH_EINPUT, "%s: no such exercise folder", arg);
        snprintf(path, sizeof path, "%s", arg);
    } else {
        if (!is_exercise_id(arg))
            return ph_errf(err, PH_EINPUT, "\"%s\" is not an exercise id (see `pyharness list`)",
                           arg);
        snprintf(path, sizeof path, "%s/%s", exercises_dir, arg);
        if (!fileio_is_dir(path))
            return ph_errf(err, PH_EINPUT,
                           "unknown exercise \"%s\" (not in %s; see `pyharness list`)", arg,
                           exercises_dir);
    }
    *dir_out = realpath(path, NULL);
    if (*dir_out == NULL)
        return ph_errf(err, PH_EINPUT, "%s: cannot resolve the path", path);
    return PH_OK;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

enum ph_rc exercise_list(const char *exercises_dir, char ***ids_out, size_t *n_out,
                         struct ph_err *err)
{
    DIR *d;
    struct dirent *e;
    char **ids = NULL;
    size_t n = 0, cap = 0;
    char path[PATH_MAX];
    enum ph_rc rc = PH_ENOMEM;

    *ids_out = NULL;
    *n_out = 0;
    d = opendir(exercises_dir);
    if (d == NULL)
        return ph_errf(err, PH_EINPUT, "%s: cannot open the exercise folder", exercises_dir);
    for (e = readdir(d); e != NULL; e = readdir(d)) {
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "%s/%s/exercise.json", exercises_dir, e->d_name);
        if (!fileio_is_file(path))
            continue;
        if (n == cap) {
            size_t nc = cap ? cap * 2 : 16;
            char **t = realloc(ids, nc * sizeof *t);
            if (t == NULL)
                goto fail;
            ids = t;
            cap = nc;
        }
        ids[n] = dupstr(e->d_name);
        if (ids[n] == NULL)
            goto fail;
        n++;
    }
    closedir(d);
    if (n > 0)
        qsort(ids, n, sizeof *ids, cmp_str);
    *ids_out = ids;
    *n_out = n;
    return PH_OK;
fail:
    closedir(d);
    while (n > 0)
        free(ids[--n]);
    free(ids);
    return ph_errf(err, rc, "out of memory");
}

enum ph_rc exercise_scaled_init(struct exercise_scaled *s, const struct exercise *ex, double scale,
                                struct ph_err *err)
{
    assert(scale > 0);
    memset(s, 0, sizeof *s);
    s->ex = *ex;
    if (ex->nchecks > 0) {
        s->checks = malloc(ex->nchecks * sizeof *s->checks);
        if (s->checks == NULL)
            return ph_errf(err, PH_ENOMEM, "out of memory");
        memcpy(s->checks, ex->checks, ex->nchecks * sizeof *s->checks);
        for (size_t i = 0; i < ex->nchecks; i++)
            s->checks[i].timeout_s *= scale;
    }
    s->ex.checks = s->checks;
    s->ex.limits.wall_s *= scale;
    return PH_OK;
}

void exercise_scaled_cleanup(struct exercise_scaled *s)
{
    if (s == NULL)
        return;
    free(s->checks);
    memset(s, 0, sizeof *s);
}
