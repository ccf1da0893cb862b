/* engine.c - see engine.h. */
#include "engine.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "embed.h"
#include "exercise.h"
#include "fileio.h"
#include "judge.h"
#include "measure.h"
#include "sandbox.h"
#include "score.h"
#include "sha256.h"
#include "store.h"
#include "worker.h"

/* Reference runs kept: one per exercise and parameter set a process grades. */
#define ENGINE_REF_CACHE_MAX 32

/* A cached reference (and baseline) run of one exercise content and params. */
struct ref_entry {
    char key[SHA256_HEX_LEN];
    struct worker_result ref;
    struct worker_result base;
    int has_base;
};

struct engine {
    struct engine_config cfg;
    struct worker_pool *pool;
    struct store *store;
    struct ref_entry *cache[ENGINE_REF_CACHE_MAX]; /* oldest first */
    size_t ncache;
    struct engine_stats stats;
    /* Drawn once: every run of this engine (references and candidates
     * alike) gets it as h.seed, so hidden inputs made from it are the same
     * on both sides of a comparison and unknown to a submission. */
    uint64_t seed;
};

static struct engine *default_engine; /* engine_run()'s; freed at exit */

enum ph_rc engine_new(const struct engine_config *cfg, struct engine **out, struct ph_err *err)
{
    struct engine *e = calloc(1, sizeof *e);
    enum ph_rc rc;

    *out = NULL;
    if (e == NULL)
        return ph_errf(err, PH_ENOMEM, "out of memory");
    if (cfg != NULL)
        e->cfg = *cfg;
    if (getrandom(&e->seed, sizeof e->seed, 0) != (ssize_t)sizeof e->seed || e->seed == 0)
        e->seed = (uint64_t)measure_now_ns() | 1;
    rc = worker_pool_new(e->cfg.max_hosts, &e->pool, err);
    if (rc != PH_OK) {
        free(e);
        return rc;
    }
    *out = e;
    return PH_OK;
}

static void entry_free(struct ref_entry *en)
{
    if (en == NULL)
        return;
    worker_result_cleanup(&en->ref);
    worker_result_cleanup(&en->base);
    free(en);
}

void engine_forget(struct engine *e)
{
    for (size_t i = 0; i < e->ncache; i++)
        entry_free(e->cache[i]);
    e->ncache = 0;
}

void engine_free(struct engine *e)
{
    if (e == NULL)
        return;
    engine_forget(e);
    worker_pool_free(e->pool);
    store_close(e->store);
    if (default_engine == e)
        default_engine = NULL;
    free(e);
}

void engine_set_store(struct engine *e, struct store *st)
{
    if (e->store != st)
        store_close(e->store);
    e->store = st;
}

struct store *engine_store(const struct engine *e)
{
    return e->store;
}

const struct engine_config *engine_config(const struct engine *e)
{
    return &e->cfg;
}

void engine_get_stats(const struct engine *e, struct engine_stats *out)
{
    *out = e->stats;
    out->hosts_started = worker_pool_hosts_started(e->pool);
}

static void free_default(void)
{
    engine_free(default_engine);
}

struct engine *engine_default(struct ph_err *err)
{
    if (default_engine == NULL) {
        if (engine_new(NULL, &default_engine, err) != PH_OK)
            return NULL;
        atexit(free_default);
    }
    return default_engine;
}

enum ph_rc engine_run(const struct exercise *ex, const struct engine_opts *opts,
                      struct explain_result *explanation, struct run_result *out,
                      struct ph_err *err)
{
    struct engine *e = engine_default(err);

    if (e == NULL) {
        memset(out, 0, sizeof *out);
        if (explanation != NULL) {
            explain_result_cleanup(explanation);
            free(explanation);
        }
        return err->rc;
    }
    return engine_grade(e, ex, opts, explanation, out, err);
}

/* ---- the run's facts and score ---- */

static enum ph_rc finish(const struct exercise *ex, const char *sha, int cpus,
                         struct explain_result *explanation, struct run_result *out,
                         struct ph_err *err)
{
    struct result_facts *f = &out->facts;

    out->explanation = explanation;
    f->harness_version = strdup(PH_VERSION);
    f->python = strdup(embed_python_version());
    f->sandbox = strdup(sandbox_layers_string());
    f->alloc_hooks = strdup(measure_hooks_mode());
    f->cpus = cpus;
    snprintf(f->exercise_sha256, sizeof f->exercise_sha256, "%s", ex->content_sha256);
    snprintf(f->submission_sha256, sizeof f->submission_sha256, "%s", sha);
    if (f->harness_version == NULL || f->python == NULL || f->sandbox == NULL ||
        f->alloc_hooks == NULL)
        return ph_errf(err, PH_ENOMEM, "out of memory");
    return score_run(out, err);
}

/* A result for a submission that never reached a worker. */
static enum ph_rc screened_out(const struct exercise *ex, const char *name, enum verdict v,
                               const char *why, struct run_result *out, struct ph_err *err)
{
    size_t i;

    memset(out, 0, sizeof *out);
    out->exercise = strdup(ex->id);
    out->title = strdup(ex->title);
    out->submission = strdup(name);
    out->detail = strdup(why);
    out->model_answer = ex->model_answer ? strdup(ex->model_answer) : NULL;
    out->checks = calloc(ex->nchecks, sizeof *out->checks);
    if (out->exercise == NULL || out->checks == NULL || out->detail == NULL)
        return ph_errf(err, PH_ENOMEM, "out of memory");
    out->nchecks = ex->nchecks;
    for (i = 0; i < ex->nchecks; i++) {
        out->checks[i].name = strdup(ex->checks[i].name);
        out->checks[i].status = VERDICT_SKIPPED;
        out->checks[i].message = strdup("not run: the submission was not accepted");
        out->checks[i].visible = ex->checks[i].visible;
        out->checks[i].weight = ex->checks[i].weight;
    }
    out->verdict = v;
    out->weights.correctness = ex->weights.correctness;
    out->weights.performance = ex->weights.performance;
    out->weights.explanation = ex->weights.explanation;
    if (ex->perf.present) {
        out->perf.present = 1;
        out->perf.check = strdup(ex->perf.check);
        out->perf.describe = ex->perf.describe ? strdup(ex->perf.describe) : NULL;
        out->perf.full_at = ex->perf.full_at;
        out->perf.zero_at = ex->perf.zero_at;
        if (ex->perf.num.kind == RULE_OPERAND_PATH && ex->perf.den.kind == RULE_OPERAND_PATH) {
            out->perf.num_of = strdup(ex->perf.num.path.text);
            out->perf.den_of = strdup(ex->perf.den.path.text);
            if (out->perf.num_of == NULL || out->perf.den_of == NULL)
                return ph_errf(err, PH_ENOMEM, "out of memory");
        }
        if (out->perf.check == NULL)
            return ph_errf(err, PH_ENOMEM, "out of memory");
    }
    return PH_OK;
}

/* ---- the reference and baseline ---- */

static enum ph_rc run_module(struct engine *e, const struct exercise *ex,
                             const struct engine_opts *opts, enum worker_role role,
                             const char *file, const char *const *only, size_t nonly,
                             struct worker_result *res, struct ph_err *err)
{
    struct worker_spec spec;
    char path[4096];

    snprintf(path, sizeof path, "%s/%s", ex->dir, file);
    memset(&spec, 0, sizeof spec);
    spec.ex = ex;
    spec.params = opts->params;
    spec.seed = e->seed;
    spec.role = role;
    spec.module_path = path;
    spec.display_name = file;
    spec.only = only;
    spec.nonly = nonly;
    /* The reference's checks are shown going by too: a slow one is not a blank screen. */
    spec.progress = opts->progress;
    spec.progress_ud = opts->progress_ud;
    if (opts->progress != NULL) {
        struct run_progress p = {RUN_PROGRESS_ROLE,           role, NULL, 0,
                                 nonly ? nonly : ex->nchecks, 0,    0,    0};
        opts->progress(opts->progress_ud, &p);
    }
    return worker_run(e->pool, &spec, res, err);
}

/* The cache key: the exercise's content and the parameters the checks get. */
static enum ph_rc cache_key(const struct exercise *ex, const cJSON *params,
                            char key[SHA256_HEX_LEN], struct ph_err *err)
{
    struct sha256_ctx c;
    unsigned char d[SHA256_DIGEST_LEN];
    char *p = params ? cJSON_PrintUnformatted(params) : NULL;

    if (params != NULL && p == NULL)
        return ph_errf(err, PH_ENOMEM, "out of memory");
    sha256_init(&c);
    sha256_update(&c, ex->content_sha256, strlen(ex->content_sha256));
    sha256_update(&c, "\n", 1);
    if (p != NULL)
        sha256_update(&c, p, strlen(p));
    free(p);
    sha256_final(&c, d);
    for (size_t i = 0; i < SHA256_DIGEST_LEN; i++)
        snprintf(key + 2 * i, 3, "%02x", d[i]);
    return PH_OK;
}

static struct ref_entry *cache_find(struct engine *e, const char *key)
{
    for (size_t i = 0; i < e->ncache; i++)
        if (strcmp(e->cache[i]->key, key) == 0)
            return e->cache[i];
    return NULL;
}

/* Keep `en` (taken); the oldest entry makes room. */
static void cache_add(struct engine *e, struct ref_entry *en)
{
    if (e->ncache == ENGINE_REF_CACHE_MAX) {
        entry_free(e->cache[0]);
        memmove(e->cache, e->cache + 1, (e->ncache - 1) * sizeof e->cache[0]);
        e->ncache--;
    }
    e->cache[e->ncache++] = en;
}

/* The checks whose `role` figures are measured again beside a candidate. */
static size_t measured_checks(const struct exercise *ex, enum worker_role role, const char **names)
{
    size_t n = 0;

    for (size_t i = 0; i < ex->nchecks; i++) {
        int m = role == WORKER_REFERENCE ? ex->checks[i].ref_measured : ex->checks[i].base_measured;
        if (m)
            names[n++] = ex->checks[i].name;
    }
    return n;
}

/*
 * The reference (or baseline) run a candidate is judged against, into
 * `out` (caller cleans up): the cached one with its measured checks run
 * again, or a whole new run that is then cached.
 */
static enum ph_rc reference_for(struct engine *e, const struct exercise *ex,
                                const struct engine_opts *opts, enum worker_role role,
                                struct ref_entry **entry, struct worker_result *out,
                                struct ph_err *err)
{
    const char *file = role == WORKER_REFERENCE ? "reference.py" : "baseline.py";
    unsigned long *whole = role == WORKER_REFERENCE ? &e->stats.ref_whole : &e->stats.base_whole;
    unsigned long *timed = role == WORKER_REFERENCE ? &e->stats.ref_timed : &e->stats.base_timed;
    struct ref_entry *en = *entry;
    struct worker_result *cached;
    struct worker_result fresh;
    const char **names = NULL;
    enum ph_rc rc;
    size_t n;

    memset(out, 0, sizeof *out);
    cached = en == NULL                 ? NULL
             : role == WORKER_REFERENCE ? &en->ref
             : en->has_base             ? &en->base
                                        : NULL;
    if (cached == NULL) {
        rc = run_module(e, ex, opts, role, file, NULL, 0, out, err);
        if (rc != PH_OK)
            return rc;
        (*whole)++;
        /* Only a reference that ran cleanly is worth keeping. */
        if (e->cfg.ref_policy != ENGINE_REF_FRESH && out->end == WORKER_END_OK) {
            if (en == NULL) {
                en = calloc(1, sizeof *en);
                if (en == NULL)
                    return ph_errf(err, PH_ENOMEM, "out of memory");
                rc = cache_key(ex, opts->params, en->key, err);
                if (rc != PH_OK) {
                    free(en);
                    return rc;
                }
                cache_add(e, en);
                *entry = en;
            }
            cached = role == WORKER_REFERENCE ? &en->ref : &en->base;
            rc = worker_result_copy(cached, out, err);
            if (rc != PH_OK)
                return rc;
            en->has_base |= role == WORKER_BASELINE;
        }
        return PH_OK;
    }
    e->stats.cache_hits++;
    rc = worker_result_copy(out, cached, err);
    if (rc != PH_OK || e->cfg.ref_policy == ENGINE_REF_CACHED_ALL)
        return rc;
    names = calloc(ex->nchecks, sizeof *names);
    if (names == NULL)
        return ph_errf(err, PH_ENOMEM, "out of memory");
    n = measured_checks(ex, role, names);
    if (n > 0) {
        rc = run_module(e, ex, opts, role, file, names, n, &fresh, err);
        if (rc == PH_OK) {
            (*timed)++;
            worker_result_fold(out, &fresh, 1, ex->limits.output_bytes);
            worker_result_cleanup(&fresh);
        }
    }
    free(names);
    return rc;
}

/* ---- the candidate ---- */

/* The last check of `res` that a worker's end stopped, or -1. */
static long stopped_check(const struct worker_result *res)
{
    for (size_t i = res->nchecks; i-- > 0;)
        if (res->checks[i].stopped)
            return (long)i;
    return -1;
}

/*
 * Run the candidate; when its worker is stopped in a check (timeout, crash,
 * memory, output flood), the checks after it run in a fresh worker, and so
 * on: one check's failure costs that check.  A forged stream is not given
 * another worker: it is a rejection of the run.
 */
static enum ph_rc run_candidate(struct engine *e, const struct exercise *ex,
                                const struct engine_opts *opts, const char *name, const char *text,
                                size_t len, struct worker_result *out, struct ph_err *err)
{
    struct worker_spec spec;
    const char **rest = NULL;
    size_t from = 0;
    enum ph_rc rc;

    memset(&spec, 0, sizeof spec);
    spec.ex = ex;
    spec.params = opts->params;
    spec.seed = e->seed;
    spec.role = WORKER_CANDIDATE;
    spec.module_path = opts->submission_path;
    spec.display_name = name;
    spec.module_text = text;
    spec.module_len = len;
    spec.progress = opts->progress;
    spec.progress_ud = opts->progress_ud;
    if (opts->progress != NULL) {
        struct run_progress p = {
            RUN_PROGRESS_ROLE, WORKER_CANDIDATE, NULL, 0, ex->nchecks, 0, 0, 0};
        opts->progress(opts->progress_ud, &p);
    }
    rc = worker_run(e->pool, &spec, out, err);
    if (rc != PH_OK)
        return rc;
    rest = calloc(ex->nchecks ? ex->nchecks : 1, sizeof *rest);
    if (rest == NULL)
        return ph_errf(err, PH_ENOMEM, "out of memory");
    for (;;) {
        struct worker_result more;
        long stop = stopped_check(out);
        size_t n = 0, i;

        if (stop < 0 || (size_t)stop < from || out->end == WORKER_END_PROTOCOL)
            break;
        for (i = (size_t)stop + 1; i < out->nchecks; i++)
            if (out->checks[i].frame == NULL)
                rest[n++] = out->checks[i].name;
        if (n == 0)
            break;
        from = (size_t)stop + 1;
        spec.only = rest;
        spec.nonly = n;
        rc = worker_run(e->pool, &spec, &more, err);
        if (rc != PH_OK)
            break;
        e->stats.resumed++;
        /* The first worker's end stays the run's end, unless a later one forged frames. */
        if (more.end == WORKER_END_PROTOCOL) {
            out->end = WORKER_END_PROTOCOL;
            memcpy(out->detail, more.detail, sizeof out->detail);
        }
        worker_result_fold(out, &more, 0, ex->limits.output_bytes);
        worker_result_cleanup(&more);
    }
    free(rest);
    return rc;
}

enum ph_rc engine_grade(struct engine *e, const struct exercise *ex, const struct engine_opts *opts,
                        struct explain_result *explanation, struct run_result *out,
                        struct ph_err *err)
{
    struct worker_result cand, ref, base;
    struct judge_input in;
    struct ref_entry *entry = NULL;
    const char *name, *text;
    size_t len;
    char *owned = NULL;
    char why[512], sha[SHA256_HEX_LEN] = "", key[SHA256_HEX_LEN];
    struct ph_err ferr = {0};
    int cpus = measure_cpus();
    enum ph_rc rc;
    long bad;

    assert(e != NULL && ex != NULL && opts != NULL && out != NULL);
    name = opts->display_name ? opts->display_name : opts->submission_path;
    text = opts->submission_text;
    len = opts->submission_len;
    memset(&cand, 0, sizeof cand);
    memset(&ref, 0, sizeof ref);
    memset(&base, 0, sizeof base);
    memset(out, 0, sizeof out[0]);
    memset(&in, 0, sizeof in);
    in.ex = ex;
    in.submission_name = name;
    in.cpus = cpus;
    /* The submission is read once: these bytes are screened, hashed and run. */
    if (text == NULL) {
        rc = fileio_read(opts->submission_path, ENGINE_SUBMISSION_MAX, &owned, &len, &ferr);
        if (rc == PH_ELIMIT) {
            rc = screened_out(ex, name, VERDICT_REJECTED, ferr.msg, out, err);
            goto finish;
        }
        if (rc != PH_OK) {
            ph_errf(err, rc, "%s", ferr.msg);
            goto done;
        }
        text = owned;
    } else if (len > ENGINE_SUBMISSION_MAX) {
        char hs[32];
        snprintf(why, sizeof why, "%s: larger than %s", name,
                 fileio_human_size((double)ENGINE_SUBMISSION_MAX, hs, sizeof hs));
        rc = screened_out(ex, name, VERDICT_REJECTED, why, out, err);
        goto finish;
    }
    sha256_hex(text, len, sha);
    bad = fileio_utf8_invalid_at(text, len);
    if (bad >= 0) {
        snprintf(why, sizeof why, "%s is not valid UTF-8 (byte %ld, 0x%02x): save it as UTF-8",
                 name, bad, (unsigned char)text[bad]);
        rc = screened_out(ex, name, VERDICT_ERROR, why, out, err);
        goto finish;
    }
    e->stats.submissions++;
    if (e->cfg.ref_policy != ENGINE_REF_FRESH) {
        rc = cache_key(ex, opts->params, key, err);
        if (rc != PH_OK)
            goto done;
        entry = cache_find(e, key);
    }
    /* The reference first: if the exercise is broken, say so before blaming anyone. */
    rc = reference_for(e, ex, opts, WORKER_REFERENCE, &entry, &ref, err);
    if (rc != PH_OK)
        goto done;
    in.ref = &ref;
    if (ex->needs_baseline) {
        rc = reference_for(e, ex, opts, WORKER_BASELINE, &entry, &base, err);
        if (rc != PH_OK)
            goto done;
        in.base = &base;
    }
    rc = run_candidate(e, ex, opts, name, text, len, &cand, err);
    if (rc != PH_OK)
        goto done;
    in.cand = &cand;
    rc = judge_run(&in, out, err);
finish:
    if (rc == PH_OK) {
        rc = finish(ex, sha, cpus, explanation, out, err);
        explanation = NULL;
    }
done:
    /* A failure after judging leaves nothing half-built for the caller. */
    if (rc != PH_OK)
        run_result_cleanup(out);
    if (explanation != NULL) {
        explain_result_cleanup(explanation);
        free(explanation);
    }
    free(owned);
    worker_result_cleanup(&cand);
    worker_result_cleanup(&ref);
    worker_result_cleanup(&base);
    return rc;
}
