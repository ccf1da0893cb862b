/* engine.c - see engine.h. */
#include "engine.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "embed.h"
#include "exercise.h"
#include "fileio.h"
#include "judge.h"
#include "measure.h"
#include "measure_alloc.h"
#include "measure_proc.h"
#include "report_json.h"
#include "sandbox.h"
#include "score.h"
#include "sha256.h"
#include "steady.h"
#include "store.h"
#include "worker.h"

/* Reference runs kept: one per exercise and parameter set a process grades. */
#define ENGINE_REF_CACHE_MAX 32

/* One measurement of the reference's (and baseline's) measured checks. */
struct ref_sample {
    struct worker_result ref, base; /* only the measured checks, unless `whole` */
    int has_base;
    int whole; /* the entry's whole run: nothing to fold */
    int64_t t_ns;
};

/* A candidate run waiting for the reference measurement after it. */
struct pending {
    const struct exercise *ex;
    char *name;
    char sha[SHA256_HEX_LEN];
    int cpus;
    struct explain_result *explanation;
    struct worker_result cand;
    engine_done_fn done;
    void *ud;
};

/* A cached reference (and baseline) run of one exercise content and params. */
struct ref_entry {
    char key[SHA256_HEX_LEN];
    struct worker_result ref;
    struct worker_result base;
    int has_base;
    /* ENGINE_REF_ROLLING */
    const struct exercise *ex; /* borrowed: the one its candidates were submitted with */
    cJSON *params;             /* owned copy */
    struct ref_sample last;    /* the latest measurement; last.t_ns == 0: none yet */
    struct pending *pend;
    size_t npend, cap;
    unsigned window; /* candidates between measurements now */
};

struct engine {
    struct engine_config cfg;
    struct worker_pool *pool;
    struct store *store;
    struct ref_entry *cache[ENGINE_REF_CACHE_MAX]; /* oldest first */
    size_t ncache;
    struct engine_stats stats;
    long long last_run_id; /* the store row of the last result recorded */
    /* Drawn once: every run of this engine (references and candidates
     * alike) gets it as h.seed, so hidden inputs made from it are the same
     * on both sides of a comparison and unknown to a submission. */
    uint64_t seed;
    /* The baseline's time limits are multiplied by this (1: as written):
     * how much slower than its CPU time the reference's last run of the
     * checks the baseline runs went by the wall clock (base_load_scale()). */
    double base_scale;
};

static struct engine *default_engine; /* engine_run()'s; freed at exit */

static unsigned roll_every(const struct engine *e)
{
    unsigned k = e->cfg.ref_every ? e->cfg.ref_every : ENGINE_ROLL_EVERY;
    return k > ENGINE_ROLL_EVERY_MAX ? ENGINE_ROLL_EVERY_MAX : k;
}

static double roll_every_s(const struct engine *e)
{
    return e->cfg.ref_every_s > 0 ? e->cfg.ref_every_s : ENGINE_ROLL_EVERY_S;
}

static double roll_drift(const struct engine *e)
{
    return e->cfg.ref_drift > 0 ? e->cfg.ref_drift : ENGINE_ROLL_DRIFT;
}

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

static void sample_cleanup(struct ref_sample *s)
{
    worker_result_cleanup(&s->ref);
    worker_result_cleanup(&s->base);
    memset(s, 0, sizeof *s);
}

static void pending_cleanup(struct pending *p)
{
    free(p->name);
    if (p->explanation != NULL) {
        explain_result_cleanup(p->explanation);
        free(p->explanation);
    }
    worker_result_cleanup(&p->cand);
    memset(p, 0, sizeof *p);
}

static void entry_free(struct ref_entry *en)
{
    if (en == NULL)
        return;
    worker_result_cleanup(&en->ref);
    worker_result_cleanup(&en->base);
    sample_cleanup(&en->last);
    for (size_t i = 0; i < en->npend; i++)
        pending_cleanup(&en->pend[i]);
    free(en->pend);
    cJSON_Delete(en->params);
    free(en);
}

/* Drop the cached reference and baseline runs. */
static void engine_forget(struct engine *e)
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

/* `lost`: the layers the candidate's run went without (worker_result's
 * SANDBOX_LOST_*): the result lists what held for its run. */
static enum ph_rc finish(const struct exercise *ex, const char *sha, int cpus, unsigned lost,
                         struct explain_result *explanation, struct run_result *out,
                         struct ph_err *err)
{
    struct result_facts *f = &out->facts;

    out->explanation = explanation;
    f->harness_version = strdup(PH_VERSION);
    f->python = strdup(embed_python_version());
    f->sandbox = strdup(sandbox_run_layers_string(lost));
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
            out->perf.num_of = strdup(rules_operand_text(&ex->perf.num));
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

static double base_load_scale(const struct exercise *ex, const struct worker_result *ref);

static enum ph_rc run_module(struct engine *e, const struct exercise *ex,
                             const struct engine_opts *opts, enum worker_role role,
                             const char *file, const char *const *only, size_t nonly,
                             struct worker_result *res, struct ph_err *err)
{
    struct worker_spec spec;
    struct exercise_scaled scaled = {0};
    char path[4096];
    int64_t t0;
    enum ph_rc rc;

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
    /* A slow machine must not make the exercise ungradable: the baseline
     * is slow on purpose, and on a machine loaded so that its checks outlast
     * their limits it gets limits stretched by the load the reference just
     * met (the copy shares every string with `ex`). */
    if (role == WORKER_BASELINE && e->base_scale > 1.0) {
        rc = exercise_scaled_init(&scaled, ex, e->base_scale, err);
        if (rc != PH_OK)
            return rc;
        spec.ex = &scaled.ex;
    }
    t0 = measure_now_ns();
    rc = worker_run(e->pool, &spec, res, err);
    e->stats.ref_ns += measure_now_ns() - t0;
    exercise_scaled_cleanup(&scaled);
    if (rc == PH_OK && role == WORKER_REFERENCE && ex->needs_baseline)
        e->base_scale = base_load_scale(ex, res);
    return rc;
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

static enum ph_rc settle_entry(struct engine *e, struct ref_entry *en, struct ph_err *err);

/* Keep `en` (taken); the oldest entry makes room, its waiting candidates
 * judged first. */
static void cache_add(struct engine *e, struct ref_entry *en)
{
    if (e->ncache == ENGINE_REF_CACHE_MAX) {
        struct ph_err ignored = {0};
        (void)settle_entry(e, e->cache[0], &ignored); /* its candidates got any error */
        entry_free(e->cache[0]);
        memmove(e->cache, e->cache + 1, (e->ncache - 1) * sizeof e->cache[0]);
        e->ncache--;
    }
    e->cache[e->ncache++] = en;
}

/* Keep a copy of `res`, a whole clean run of `role`, in the entry of `key`
 * (made when there is none); *entry (may be NULL) gets the entry. */
static enum ph_rc cache_keep(struct engine *e, const char *key, enum worker_role role,
                             const struct worker_result *res, struct ref_entry **entry,
                             struct ph_err *err)
{
    struct ref_entry *en = cache_find(e, key);
    enum ph_rc rc;

    assert(role != WORKER_CANDIDATE && res->end == WORKER_END_OK);
    if (en == NULL) {
        en = calloc(1, sizeof *en);
        if (en == NULL)
            return ph_errf(err, PH_ENOMEM, "out of memory");
        snprintf(en->key, sizeof en->key, "%s", key);
        cache_add(e, en);
    }
    if (entry != NULL)
        *entry = en;
    rc = worker_result_copy(role == WORKER_REFERENCE ? &en->ref : &en->base, res, err);
    if (rc != PH_OK)
        return rc;
    en->has_base |= role == WORKER_BASELINE;
    return PH_OK;
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
            char key[SHA256_HEX_LEN];
            rc = cache_key(ex, opts->params, key, err);
            if (rc == PH_OK)
                rc = cache_keep(e, key, role, out, entry, err);
            return rc;
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

/* The worker spec of a run of the candidate's bytes (`text`, borrowed). */
static void candidate_spec(const struct engine *e, const struct exercise *ex,
                           const struct engine_opts *opts, const char *name, const char *text,
                           size_t len, struct worker_spec *spec)
{
    memset(spec, 0, sizeof *spec);
    spec->ex = ex;
    spec->params = opts->params;
    spec->seed = e->seed;
    spec->role = WORKER_CANDIDATE;
    spec->module_path = opts->submission_path;
    spec->display_name = name;
    spec->module_text = text;
    spec->module_len = len;
}

/*
 * Run the candidate; when its worker is stopped in a check (timeout, crash,
 * memory, output flood), the checks after it run in a fresh worker, and so
 * on: one check's failure costs that check.  A forged stream is not given
 * another worker: it is a rejection of the run.
 */
static enum ph_rc run_candidate_workers(struct engine *e, const struct exercise *ex,
                                        const struct engine_opts *opts, const char *name,
                                        const char *text, size_t len, struct worker_result *out,
                                        struct ph_err *err)
{
    struct worker_spec spec;
    const char **rest = NULL;
    size_t from = 0;
    enum ph_rc rc;

    candidate_spec(e, ex, opts, name, text, len, &spec);
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

static enum ph_rc run_candidate(struct engine *e, const struct exercise *ex,
                                const struct engine_opts *opts, const char *name, const char *text,
                                size_t len, struct worker_result *out, struct ph_err *err)
{
    int64_t t0 = measure_now_ns();
    enum ph_rc rc = run_candidate_workers(e, ex, opts, name, text, len, out, err);

    e->stats.cand_ns += measure_now_ns() - t0;
    return rc;
}

/* ---- steady performance figures ---- */

/* One timed run of the performance check alone, by `role`, into `res`. */
static enum ph_rc perf_run(struct engine *e, const struct exercise *ex,
                           const struct engine_opts *opts, enum worker_role role, const char *name,
                           const char *text, size_t len, struct worker_result *res,
                           struct ph_err *err)
{
    const char *only[1] = {ex->perf.check};
    struct engine_opts quiet = *opts;
    struct worker_spec spec;
    int64_t t0 = measure_now_ns();
    enum ph_rc rc;

    /* The screen shows the run's checks once; these repeats go unseen. */
    quiet.progress = NULL;
    if (role != WORKER_CANDIDATE) {
        rc = run_module(e, ex, &quiet, role,
                        role == WORKER_REFERENCE ? "reference.py" : "baseline.py", only, 1, res,
                        err);
        if (rc == PH_OK)
            e->stats.perf_other_timed++;
        return rc;
    }
    candidate_spec(e, ex, opts, name, text, len, &spec);
    spec.only = only;
    spec.nonly = 1;
    rc = worker_run(e->pool, &spec, res, err);
    e->stats.cand_ns += measure_now_ns() - t0;
    if (rc == PH_OK)
        e->stats.cand_timed++;
    return rc;
}

struct perf_pair {
    double num, den, ratio;
};

static int pair_cmp(const void *a, const void *b)
{
    double x = ((const struct perf_pair *)a)->ratio, y = ((const struct perf_pair *)b)->ratio;
    return x < y ? -1 : x > y;
}

/* The performance mark a ratio earns (score.c's line), in points. */
static double perf_mark(const struct exercise *ex, double ratio)
{
    double t = (ratio - ex->perf.zero_at) / (ex->perf.full_at - ex->perf.zero_at);

    return ex->weights.performance * (t < 0 ? 0 : t > 1 ? 1 : t);
}

/* 1 when the pairs taken so far settle the mark: the pairs on either side
 * of the median (the lower middle when n is even) earn marks at most
 * ENGINE_PERF_SETTLED apart, so another round could move the median's mark
 * by no more than that.  Sorts `pairs`. */
static int perf_settled(const struct exercise *ex, struct perf_pair *pairs, size_t n)
{
    size_t mid = (n - 1) / 2, lo, hi;

    if (n < 3)
        return 0;
    qsort(pairs, n, sizeof pairs[0], pair_cmp);
    lo = mid - 1;
    hi = mid + 1;
    return fabs(perf_mark(ex, pairs[hi].ratio) - perf_mark(ex, pairs[lo].ratio)) <=
           ENGINE_PERF_SETTLED;
}

/*
 * Steady performance figures (docs/exercise-format.md, "Performance"): when
 * the candidate's performance check passed and its ratio lies in or near
 * the band, that check alone runs again ENGINE_PERF_ROUNDS times for each
 * side the ratio reads, in fresh workers taken in turn (the run's own pair
 * was reference then candidate; then candidate, reference; reference,
 * candidate; ...), so a change of the machine's speed falls on both sides
 * alike; then round after round, up to ENGINE_PERF_ROUNDS_MAX, until the
 * pairs next to the median earn marks within ENGINE_PERF_SETTLED points
 * (perf_settled): the noisier the figures, the more pairs the median
 * takes.  The result keeps the pair whose ratio is the median of all of
 * them, and its description says how far they spread.  A round whose runs
 * did not end cleanly is left out.  The verdicts stay the run's own.
 */
/* Round k of steady_perf(): the candidate first when k is even (the run's
 * own pair had it last), last when odd. */
static const enum worker_role steady_order[2][3] = {
    {WORKER_CANDIDATE, WORKER_REFERENCE, WORKER_BASELINE},
    {WORKER_REFERENCE, WORKER_BASELINE, WORKER_CANDIDATE},
};

static int steady_slot(enum worker_role role)
{
    return role == WORKER_CANDIDATE   ? STEADY_CAND
           : role == WORKER_REFERENCE ? STEADY_REF
                                      : STEADY_BASE;
}

/* Whether the judged `out` gets steady figures (steady_perf): then `uses`
 * says which sides run again and `first` is the run's own pair. */
static int steady_wanted(const struct engine *e, const struct exercise *ex,
                         const struct run_result *out, int uses[STEADY_NSIDES],
                         struct perf_pair *first)
{
    double lo = fmin(ex->perf.full_at, ex->perf.zero_at);
    double hi = fmax(ex->perf.full_at, ex->perf.zero_at), r;
    long pc;

    /* ENGINE_REF_CACHED_ALL times nothing again, and a caller that reads
     * verdicts only wants no marks: the figures stay the run's. */
    if (e->cfg.ref_policy == ENGINE_REF_CACHED_ALL || e->cfg.no_steady)
        return 0;
    if (!ex->perf.present || ex->perf.check == NULL || ex->perf.num.kind != RULE_OPERAND_PATH ||
        ex->perf.den.kind != RULE_OPERAND_PATH)
        return 0;
    pc = exercise_find_check(ex, ex->perf.check);
    if (!out->perf.measured || pc < 0 || (size_t)pc >= out->nchecks ||
        out->checks[pc].status != VERDICT_PASSED || out->verdict == VERDICT_REJECTED)
        return 0;
    r = out->perf.num / out->perf.den;
    /* Far outside the band no noise moves the mark: nothing to steady. */
    if (r > hi * ENGINE_PERF_MARGIN || r < lo / ENGINE_PERF_MARGIN)
        return 0;
    /* Every run the ratio reads runs again: each path of a quotient, or of
     * a ratio of two quotients, counts (steady.h). */
    if (!steady_sides(&ex->perf, uses))
        return 0;
    first->num = out->perf.num;
    first->den = out->perf.den;
    first->ratio = r;
    return 1;
}

/* The pair of one round whose runs `res` (by steady slot) all ended
 * cleanly (`ok`), appended to `pairs`. */
static void steady_round_pair(const struct judge_input *in0, const int uses[STEADY_NSIDES],
                              const struct worker_result *res, int ok, struct perf_pair *pairs,
                              size_t *n)
{
    struct judge_input in = *in0;
    double num, den;

    if (!ok)
        return;
    if (uses[STEADY_CAND])
        in.cand = &res[STEADY_CAND];
    if (uses[STEADY_REF])
        in.ref = &res[STEADY_REF];
    if (uses[STEADY_BASE])
        in.base = &res[STEADY_BASE];
    if (judge_perf_figures(&in, &num, &den) == 0) {
        pairs[*n].num = num;
        pairs[*n].den = den;
        pairs[*n].ratio = num / den;
        (*n)++;
    }
}

/* The median pair of the `n` taken into `out`, and how far they spread. */
static enum ph_rc steady_conclude(struct engine *e, struct perf_pair *pairs, size_t n,
                                  struct run_result *out, struct ph_err *err)
{
    char *describe;
    char note[160];
    size_t dl;

    e->stats.perf_steadied++;
    if (n < 2)
        return PH_OK;
    qsort(pairs, n, sizeof pairs[0], pair_cmp);
    /* An even count keeps the lower middle: the doubt goes to no one's
     * favour more than one figure's worth. */
    out->perf.num = pairs[(n - 1) / 2].num;
    out->perf.den = pairs[(n - 1) / 2].den;
    snprintf(note, sizeof note, "median of %zu runs of each side taken in turn, %.1f%% apart", n,
             pairs[0].ratio > 0 ? 100.0 * (pairs[n - 1].ratio / pairs[0].ratio - 1) : 0.0);
    dl = out->perf.describe ? strlen(out->perf.describe) : 0;
    describe = malloc(dl + strlen(note) + 3);
    if (describe == NULL)
        return ph_errf(err, PH_ENOMEM, "out of memory");
    snprintf(describe, dl + strlen(note) + 3, "%s%s%s", dl ? out->perf.describe : "",
             dl ? "; " : "", note);
    free(out->perf.describe);
    out->perf.describe = describe;
    return PH_OK;
}

static enum ph_rc steady_perf(struct engine *e, const struct exercise *ex,
                              const struct engine_opts *opts, const char *name, const char *text,
                              size_t len, const struct judge_input *in0, struct run_result *out,
                              struct ph_err *err)
{
    struct perf_pair pairs[1 + ENGINE_PERF_ROUNDS_MAX];
    int uses[STEADY_NSIDES];
    size_t n = 0, k;
    enum ph_rc rc = PH_OK;

    if (!steady_wanted(e, ex, out, uses, &pairs[0]))
        return PH_OK;
    n = 1;
    for (k = 0; k < ENGINE_PERF_ROUNDS_MAX; k++) {
        struct worker_result res[STEADY_NSIDES];
        int ok = 1;

        memset(res, 0, sizeof res);
        for (int j = 0; j < 3 && rc == PH_OK; j++) {
            enum worker_role role = steady_order[k % 2][j];
            int slot = steady_slot(role);
            if (!uses[slot])
                continue;
            rc = perf_run(e, ex, opts, role, name, text, len, &res[slot], err);
            if (rc == PH_OK && res[slot].end != WORKER_END_OK)
                ok = 0;
        }
        if (rc == PH_OK)
            steady_round_pair(in0, uses, res, ok, pairs, &n);
        for (int j = 0; j < STEADY_NSIDES; j++)
            worker_result_cleanup(&res[j]);
        if (rc != PH_OK)
            return rc;
        if (k + 1 >= ENGINE_PERF_ROUNDS && perf_settled(ex, pairs, n))
            break;
    }
    return steady_conclude(e, pairs, n, out, err);
}

/* ---- handing results over ---- */

/* Record `res` as a run in the engine's store, when it has one. */
static enum ph_rc record(struct engine *e, const struct run_result *res, struct ph_err *err)
{
    struct store_run key;
    char *json;
    enum ph_rc rc;

    if (e->store == NULL)
        return PH_OK;
    json = report_json_text(res);
    if (json == NULL)
        return ph_errf(err, PH_ENOMEM, "out of memory");
    key.exercise = res->exercise;
    key.exercise_sha256 = res->facts.exercise_sha256;
    key.submission = res->submission;
    key.submission_sha256 = res->facts.submission_sha256;
    key.verdict = verdict_name(res->verdict);
    key.total = res->score.total;
    rc = store_run_put(e->store, &key, json, &e->last_run_id, err);
    free(json);
    return rc;
}

/* Give the caller its result (or error), recorded first (engine.h). */
static void hand_over(struct engine *e, engine_done_fn done, void *ud, enum ph_rc rc,
                      struct run_result *res, struct ph_err *err)
{
    if (rc == PH_OK && (rc = record(e, res, err)) != PH_OK) {
        run_result_cleanup(res);
        free(res);
        res = NULL;
    }
    done(ud, rc, res, err);
}

long long engine_last_run_id(const struct engine *e)
{
    return e->last_run_id;
}

/* ---- the rolling reference (ENGINE_REF_ROLLING) ---- */

/* The timed figures of an h.measure() entry that rules compare. */
static int is_duration_key(const char *k)
{
    return strcmp(k, "wall_ns") == 0 || strcmp(k, "cpu_ns") == 0 || strcmp(k, "run_wall_ns") == 0 ||
           strcmp(k, "run_cpu_ns") == 0;
}

/* Largest relative difference between the durations (wall_ns, cpu_ns) at
 * the same place in two figure trees: one check's `measures` in two
 * measurements of the reference. */
static double tree_disagreement(const cJSON *a, const cJSON *b)
{
    double worst = 0;
    const cJSON *x;

    if (!cJSON_IsObject(a) || !cJSON_IsObject(b))
        return 0;
    cJSON_ArrayForEach(x, a)
    {
        const cJSON *y = x->string ? cJSON_GetObjectItemCaseSensitive(b, x->string) : NULL;
        double d = 0;
        if (y == NULL)
            continue;
        if (cJSON_IsNumber(x) && cJSON_IsNumber(y) && is_duration_key(x->string)) {
            double lo = fmin(x->valuedouble, y->valuedouble);
            d = lo > 0 ? fabs(x->valuedouble - y->valuedouble) / lo : 0;
        } else {
            d = tree_disagreement(x, y);
        }
        if (d > worst)
            worst = d;
    }
    return worst;
}

/* The check's `measures` object (h.measure() figures), wherever the frame
 * nests it; NULL when it has none. */
static const cJSON *find_measures(const cJSON *node)
{
    const cJSON *x;

    if (!cJSON_IsObject(node))
        return NULL;
    cJSON_ArrayForEach(x, node)
    {
        const cJSON *m;
        if (x->string != NULL && strcmp(x->string, "measures") == 0 && cJSON_IsObject(x))
            return x;
        m = find_measures(x);
        if (m != NULL)
            return m;
    }
    return NULL;
}

/*
 * How much the machine's load slows the baseline down, judged on the
 * reference's run `ref` of the checks the baseline runs: the largest wall
 * time over CPU time of its measurements (of at least
 * ENGINE_BASE_SCALE_MIN_CPU_NS of CPU), between 1 and ENGINE_BASE_SCALE_MAX.
 * Idle, about 1-3 (a request's round trip is in the wall time); on a 2-core
 * machine loaded 30 times over, 15 or more.
 */
static double base_load_scale(const struct exercise *ex, const struct worker_result *ref)
{
    double worst = 1.0;

    for (size_t i = 0; i < ref->nchecks; i++) {
        long idx = exercise_find_check(ex, ref->checks[i].name);
        const cJSON *m, *it;

        if (idx < 0 || !ex->checks[idx].base_measured)
            continue;
        m = find_measures(ref->checks[i].frame);
        cJSON_ArrayForEach(it, m)
        {
            const cJSON *w = cJSON_GetObjectItemCaseSensitive(it, "wall_ns");
            const cJSON *c = cJSON_GetObjectItemCaseSensitive(it, "run_cpu_ns");

            if (cJSON_IsNumber(w) && cJSON_IsNumber(c) &&
                c->valuedouble >= ENGINE_BASE_SCALE_MIN_CPU_NS &&
                w->valuedouble / c->valuedouble > worst)
                worst = w->valuedouble / c->valuedouble;
        }
    }
    return worst > ENGINE_BASE_SCALE_MAX ? ENGINE_BASE_SCALE_MAX : worst;
}

/* How far apart two measurements of the reference are: the largest relative
 * difference between their timed figures in any check. */
static double disagreement(const struct worker_result *a, const struct worker_result *b)
{
    double worst = 0;

    for (size_t i = 0; i < a->nchecks; i++) {
        const cJSON *fa = a->checks[i].frame;
        for (size_t j = 0; j < b->nchecks; j++) {
            const cJSON *fb = b->checks[j].frame;
            double d;
            if (fa == NULL || fb == NULL || strcmp(a->checks[i].name, b->checks[j].name) != 0)
                continue;
            d = tree_disagreement(find_measures(fa), find_measures(fb));
            if (d > worst)
                worst = d;
        }
    }
    return worst;
}

/* Measure the reference's (and baseline's) measured checks once, into `s`. */
static enum ph_rc take_sample(struct engine *e, struct ref_entry *en, struct ref_sample *s,
                              struct ph_err *err)
{
    const struct exercise *ex = en->ex;
    struct engine_opts o;
    const char **names = calloc(ex->nchecks ? ex->nchecks : 1, sizeof *names);
    enum ph_rc rc = PH_OK;
    size_t n;

    memset(s, 0, sizeof *s);
    memset(&o, 0, sizeof o);
    o.params = en->params;
    if (names == NULL)
        return ph_errf(err, PH_ENOMEM, "out of memory");
    n = measured_checks(ex, WORKER_REFERENCE, names);
    rc = run_module(e, ex, &o, WORKER_REFERENCE, "reference.py", names, n, &s->ref, err);
    if (rc != PH_OK)
        goto out;
    e->stats.ref_timed++;
    if (ex->needs_baseline) {
        n = measured_checks(ex, WORKER_BASELINE, names);
        rc = run_module(e, ex, &o, WORKER_BASELINE, "baseline.py", names, n, &s->base, err);
        if (rc != PH_OK)
            goto out;
        e->stats.base_timed++;
        s->has_base = 1;
    }
    s->t_ns = measure_now_ns();
out:
    free(names);
    if (rc != PH_OK)
        sample_cleanup(s);
    return rc;
}

/* A measurement taken (t_ns set) whose runs ended cleanly. */
static int sample_ok(const struct ref_sample *s)
{
    return s->t_ns != 0 && s->ref.end == WORKER_END_OK &&
           (!s->has_base || s->base.end == WORKER_END_OK);
}

/* The entry's whole run with the measurement `s` folded in, into `out`. */
static enum ph_rc sample_view(const struct ref_entry *en, const struct worker_result *whole,
                              const struct worker_result *part, int fold, struct worker_result *out,
                              struct ph_err *err)
{
    struct worker_result tmp;
    enum ph_rc rc = worker_result_copy(out, whole, err);

    if (rc != PH_OK || !fold)
        return rc;
    rc = worker_result_copy(&tmp, part, err);
    if (rc != PH_OK) {
        worker_result_cleanup(out);
        return rc;
    }
    worker_result_fold(out, &tmp, 1, en->ex->limits.output_bytes);
    worker_result_cleanup(&tmp);
    return PH_OK;
}

/* Judge `p` against measurement `s`, scored without its explanation. */
static enum ph_rc judge_against(const struct ref_entry *en, const struct ref_sample *s,
                                const struct pending *p, struct run_result *out, struct ph_err *err)
{
    struct worker_result ref, base;
    struct judge_input in;
    enum ph_rc rc;

    memset(&base, 0, sizeof base);
    memset(out, 0, sizeof *out);
    rc = sample_view(en, &en->ref, &s->ref, !s->whole, &ref, err);
    if (rc != PH_OK)
        return rc;
    memset(&in, 0, sizeof in);
    in.ex = p->ex;
    in.submission_name = p->name;
    in.cpus = p->cpus;
    in.cand = &p->cand;
    in.ref = &ref;
    if (p->ex->needs_baseline) {
        rc = sample_view(en, &en->base, &s->base, !s->whole, &base, err);
        if (rc != PH_OK)
            goto out;
        in.base = &base;
    }
    rc = judge_run(&in, out, err);
    if (rc == PH_OK)
        rc = score_run(out, err);
    if (rc != PH_OK)
        run_result_cleanup(out);
out:
    worker_result_cleanup(&ref);
    worker_result_cleanup(&base);
    return rc;
}

/* Judge every waiting candidate of `en` against each of the `n` measurements
 * (the one before their runs and those after), keep the better judgement,
 * and hand it over. */
static void judge_pending(struct engine *e, struct ref_entry *en,
                          const struct ref_sample *const *samples, size_t n)
{
    for (size_t i = 0; i < en->npend; i++) {
        int64_t t0 = measure_now_ns();
        struct pending *p = &en->pend[i];
        struct run_result best, r;
        struct ph_err err = {0}, e2 = {0};
        enum ph_rc rc = PH_EINTERNAL;
        int have = 0;

        memset(&best, 0, sizeof best);
        for (size_t k = 0; k < n; k++) {
            enum ph_rc rk = judge_against(en, samples[k], p, &r, have ? &e2 : &err);
            if (rk != PH_OK) {
                if (!have)
                    rc = rk;
                continue;
            }
            if (!have || r.score.total > best.score.total) {
                if (have)
                    run_result_cleanup(&best);
                best = r;
                have = 1;
                rc = PH_OK;
            } else {
                run_result_cleanup(&r);
            }
        }
        if (have) {
            rc = finish(p->ex, p->sha, p->cpus, p->cand.lost, p->explanation, &best, &err);
            p->explanation = NULL;
        }
        e->stats.judge_ns += measure_now_ns() - t0;
        if (rc != PH_OK) {
            if (have)
                run_result_cleanup(&best);
            p->done(p->ud, rc, NULL, &err);
        } else {
            struct run_result *out = malloc(sizeof *out);
            if (out == NULL) {
                run_result_cleanup(&best);
                ph_errf(&err, PH_ENOMEM, "out of memory");
                p->done(p->ud, PH_ENOMEM, NULL, &err);
            } else {
                *out = best;
                hand_over(e, p->done, p->ud, PH_OK, out, &err);
            }
        }
        pending_cleanup(p);
    }
    en->npend = 0;
}

/* Whether judgement `r` of a candidate of `ex` is out of any reference
 * measurement's reach upwards: every check whose rules read the reference's
 * (or baseline's) measured figures passed, and the performance part is
 * full.  Judged against another measurement, such a candidate keeps its
 * score (the better judgement is kept), so measuring again cannot help it. */
static int judgement_saturated(const struct exercise *ex, const struct run_result *r)
{
    if (r->nchecks != ex->nchecks)
        return 0;
    for (size_t i = 0; i < ex->nchecks; i++)
        if ((ex->checks[i].ref_measured || ex->checks[i].base_measured) &&
            r->checks[i].status != VERDICT_PASSED)
            return 0;
    return !ex->perf.present || r->score.performance >= r->score.performance_max;
}

/* Whether every candidate waiting in `en` is saturated (above) by its
 * judgement against one of the `n` measurements. */
static int pending_saturated(struct engine *e, const struct ref_entry *en,
                             const struct ref_sample *const *samples, size_t n)
{
    int64_t t0 = measure_now_ns();
    int all = 1;

    for (size_t i = 0; i < en->npend && all; i++) {
        const struct pending *p = &en->pend[i];
        int sat = 0;
        for (size_t k = 0; k < n && !sat; k++) {
            struct run_result r;
            struct ph_err ignored = {0};
            if (judge_against(en, samples[k], p, &r, &ignored) != PH_OK)
                continue;
            sat = judgement_saturated(p->ex, &r);
            run_result_cleanup(&r);
        }
        all = sat;
    }
    e->stats.judge_ns += measure_now_ns() - t0;
    return all;
}

/* Whether measurement `s` disagrees with the reference (and baseline)
 * figures `ref`/`base` by more than the drift tolerance. */
static int samples_disagree(const struct engine *e, const struct worker_result *ref,
                            const struct worker_result *base, const struct ref_sample *s)
{
    return disagreement(ref, &s->ref) > roll_drift(e) ||
           (s->has_base && disagreement(base, &s->base) > roll_drift(e));
}

/*
 * Take the measurement after `en`'s waiting candidates and judge them.  On
 * a disagreement with the one before, measure again; the window shrinks
 * when that one disagrees too (the machine's speed changed).
 */
static enum ph_rc settle_entry(struct engine *e, struct ref_entry *en, struct ph_err *err)
{
    struct ref_sample after, again;
    const struct ref_sample *use[3];
    size_t n = 0;
    enum ph_rc rc = PH_OK;

    memset(&after, 0, sizeof after);
    memset(&again, 0, sizeof again);
    if (en->npend == 0)
        return PH_OK;
    use[n++] = &en->last;
    /* No waiting candidate can gain from a new measurement, and the last
     * one is recent: it alone judges them.  Measurements stay at least
     * every `ref_every_s` seconds, and every `ref_every` candidates that a
     * measurement could still raise. */
    if (en->last.t_ns != 0 && (double)(measure_now_ns() - en->last.t_ns) / 1e9 < roll_every_s(e) &&
        pending_saturated(e, en, use, n)) {
        e->stats.ref_spared++;
        judge_pending(e, en, use, n);
        return PH_OK;
    }
    rc = take_sample(e, en, &after, err);
    if (rc == PH_OK && !sample_ok(&after)) {
        /* A measurement that did not finish (a timeout under load): once more. */
        sample_cleanup(&after);
        rc = take_sample(e, en, &after, err);
    }
    if (rc == PH_OK && sample_ok(&after)) {
        const struct worker_result *lr = en->last.whole ? &en->ref : &en->last.ref;
        const struct worker_result *lb = en->last.whole ? &en->base : &en->last.base;
        use[n++] = &after;
        if (samples_disagree(e, lr, lb, &after)) {
            /* Measure again: the machine's speed changed if the new figure
             * agrees with `after`, not with the one before; otherwise
             * `after` was a stray figure.  Both count for the judgement. */
            e->stats.ref_drifts++;
            if (pending_saturated(e, en, use, n)) {
                /* Nobody waiting can gain from a third: the window stays. */
                e->stats.ref_spared++;
            } else if (take_sample(e, en, &again, err) == PH_OK && sample_ok(&again)) {
                if (samples_disagree(e, lr, lb, &again)) {
                    use[n++] = &again;
                    en->window = en->window / 2 > 1 ? en->window / 2 : 1;
                } else {
                    /* `after` was a stray figure: it judges no one (a
                     * reference measured twice as slow once would give
                     * every candidate waiting full marks). */
                    use[n - 1] = &again;
                }
            } else {
                en->window = en->window / 2 > 1 ? en->window / 2 : 1;
            }
        } else {
            en->window = en->window * 2 > roll_every(e) ? roll_every(e) : en->window * 2;
        }
    }
    judge_pending(e, en, use, n);
    /* The latest good measurement is the next candidates' "before". */
    if (sample_ok(&again)) {
        sample_cleanup(&en->last);
        en->last = again;
        memset(&again, 0, sizeof again);
    } else if (sample_ok(&after)) {
        sample_cleanup(&en->last);
        en->last = after;
        memset(&after, 0, sizeof after);
    }
    sample_cleanup(&after);
    sample_cleanup(&again);
    return rc;
}

enum ph_rc engine_settle(struct engine *e, const struct exercise *ex, struct ph_err *err)
{
    enum ph_rc rc = PH_OK;

    for (size_t i = 0; i < e->ncache; i++) {
        struct ref_entry *en = e->cache[i];
        if (en->npend == 0 || (ex != NULL && en->ex != ex))
            continue;
        enum ph_rc r = settle_entry(e, en, err);
        if (rc == PH_OK)
            rc = r;
    }
    return rc;
}

/* The rolling entry of (ex, params), made with the reference's whole run
 * (and the baseline's) when there is none; NULL (and PH_OK) when the
 * reference did not run cleanly: then `ref`/`base` hold that run for an
 * immediate judgement. */
static enum ph_rc rolling_entry(struct engine *e, const struct exercise *ex,
                                const struct engine_opts *opts, const char *key,
                                struct ref_entry **out, struct worker_result *ref,
                                struct worker_result *base, struct ph_err *err)
{
    struct ref_entry *en = cache_find(e, key);
    enum ph_rc rc;

    *out = NULL;
    memset(ref, 0, sizeof *ref);
    memset(base, 0, sizeof *base);
    if (en != NULL && en->last.t_ns != 0) {
        e->stats.cache_hits++;
        en->ex = ex; /* the same content: measured with the one loaded now */
        *out = en;
        return PH_OK;
    }
    rc = reference_for(e, ex, opts, WORKER_REFERENCE, &en, ref, err);
    if (rc != PH_OK || en == NULL)
        return rc;
    if (ex->needs_baseline) {
        rc = reference_for(e, ex, opts, WORKER_BASELINE, &en, base, err);
        if (rc != PH_OK || !en->has_base)
            return rc;
    }
    en->ex = ex;
    if (opts->params != NULL && (en->params = cJSON_Duplicate(opts->params, 1)) == NULL)
        return ph_errf(err, PH_ENOMEM, "out of memory");
    /* The whole run is the first measurement. */
    en->last.whole = 1;
    en->last.has_base = en->has_base;
    en->last.ref.end = en->ref.end;
    en->last.base.end = en->base.end;
    en->last.t_ns = measure_now_ns();
    en->window = roll_every(e);
    worker_result_cleanup(ref);
    worker_result_cleanup(base);
    *out = en;
    return PH_OK;
}

/* Hold the candidate run `cand` (taken) until the next measurement. */
static enum ph_rc hold(struct engine *e, struct ref_entry *en, const struct exercise *ex,
                       const char *name, const char *sha, int cpus,
                       struct explain_result *explanation, struct worker_result *cand,
                       engine_done_fn done, void *ud, struct ph_err *err)
{
    struct pending *p;

    if (en->npend == en->cap) {
        size_t cap = en->cap ? en->cap * 2 : 8;
        struct pending *np = realloc(en->pend, cap * sizeof *np);
        if (np == NULL)
            return ph_errf(err, PH_ENOMEM, "out of memory");
        en->pend = np;
        en->cap = cap;
    }
    p = &en->pend[en->npend];
    memset(p, 0, sizeof *p);
    p->name = strdup(name);
    if (p->name == NULL)
        return ph_errf(err, PH_ENOMEM, "out of memory");
    en->npend++;
    p->ex = ex;
    snprintf(p->sha, sizeof p->sha, "%s", sha);
    p->cpus = cpus;
    p->explanation = explanation;
    p->cand = *cand;
    memset(cand, 0, sizeof *cand);
    p->done = done;
    p->ud = ud;
    (void)e;
    return PH_OK;
}

/*
 * Rolling (grade): the candidate's side of steady_perf().  The reference's
 * figures come from the measurements that bracket the candidates, so only
 * the candidate's performance check runs again, ENGINE_PERF_ROUNDS times in
 * fresh workers (then more, up to ENGINE_PERF_ROUNDS_MAX, until settled),
 * when its ratio against the last measurement lies in or near the band; the
 * run whose ratio against that measurement is the median of all of them
 * gives `cand` its performance check.
 */
static enum ph_rc steady_cand(struct engine *e, const struct ref_entry *en,
                              const struct exercise *ex, const struct engine_opts *opts,
                              const char *name, const char *text, size_t len, int cpus,
                              struct worker_result *cand, struct ph_err *err)
{
    struct worker_result runs[1 + ENGINE_PERF_ROUNDS_MAX];
    double ratio[1 + ENGINE_PERF_ROUNDS_MAX], lo, hi, num, den;
    size_t n = 0, k, best = 0;
    struct judge_input in;
    const struct worker_check *pc;
    enum ph_rc rc = PH_OK;
    int uses[STEADY_NSIDES];

    if (e->cfg.no_steady || !steady_sides(&ex->perf, uses) || !uses[STEADY_CAND])
        return PH_OK;
    pc = worker_result_check(cand, ex->perf.check);
    if (pc == NULL || pc->frame == NULL || cand->end != WORKER_END_OK)
        return PH_OK;
    memset(&in, 0, sizeof in);
    in.ex = ex;
    in.cpus = cpus;
    in.cand = cand;
    in.ref = en->last.whole ? &en->ref : &en->last.ref;
    in.base = en->last.whole ? &en->base : &en->last.base;
    if (!en->has_base)
        in.base = NULL;
    if (judge_perf_figures(&in, &num, &den) != 0)
        return PH_OK;
    lo = fmin(ex->perf.full_at, ex->perf.zero_at);
    hi = fmax(ex->perf.full_at, ex->perf.zero_at);
    ratio[0] = num / den;
    if (ratio[0] > hi * ENGINE_PERF_MARGIN || ratio[0] < lo / ENGINE_PERF_MARGIN)
        return PH_OK;
    memset(runs, 0, sizeof runs);
    n = 1;
    for (k = 0; k < ENGINE_PERF_ROUNDS_MAX && rc == PH_OK; k++) {
        struct perf_pair sorted[1 + ENGINE_PERF_ROUNDS_MAX];
        rc = perf_run(e, ex, opts, WORKER_CANDIDATE, name, text, len, &runs[n], err);
        if (rc != PH_OK)
            break;
        in.cand = &runs[n];
        if (runs[n].end == WORKER_END_OK && judge_perf_figures(&in, &num, &den) == 0) {
            ratio[n] = num / den;
            n++;
        } else {
            worker_result_cleanup(&runs[n]);
        }
        /* More runs while the ones next to the median disagree (steady_perf). */
        for (size_t i = 0; i < n; i++)
            sorted[i].ratio = ratio[i];
        if (k + 1 >= ENGINE_PERF_ROUNDS && perf_settled(ex, sorted, n))
            break;
    }
    if (rc == PH_OK) {
        e->stats.perf_steadied++;
        /* The median (the lower middle of an even count). */
        struct perf_pair order[1 + ENGINE_PERF_ROUNDS_MAX] = {{0, 0, 0}};
        for (k = 0; k < n; k++) {
            order[k].ratio = ratio[k];
            order[k].num = (double)k; /* which run */
            order[k].den = 0;
        }
        qsort(order, n, sizeof order[0], pair_cmp);
        best = (size_t)order[(n - 1) / 2].num;
        /* Only the check's entry moves: the run's own figures (its CPU,
         * wall time and output) stay those of the candidate's run. */
        for (size_t i = 0; best != 0 && i < cand->nchecks; i++) {
            struct worker_check *dc = &cand->checks[i];
            for (size_t j = 0; j < runs[best].nchecks; j++) {
                struct worker_check *lc = &runs[best].checks[j];
                if (strcmp(dc->name, lc->name) != 0 || lc->frame == NULL)
                    continue;
                cJSON_Delete(dc->frame);
                *dc = *lc;
                lc->frame = NULL;
            }
        }
    }
    for (k = 1; k < n; k++)
        worker_result_cleanup(&runs[k]);
    return rc;
}

/* ---- grading ---- */

enum ph_rc engine_submit(struct engine *e, const struct exercise *ex,
                         const struct engine_opts *opts, struct explain_result *explanation,
                         engine_done_fn done, void *ud, struct ph_err *err)
{
    struct worker_result cand, ref, base;
    struct judge_input in;
    struct ref_entry *entry = NULL;
    struct run_result *out = NULL;
    const char *name, *text;
    size_t len;
    char *owned = NULL;
    char why[512], sha[SHA256_HEX_LEN] = "", key[SHA256_HEX_LEN];
    struct ph_err ferr = {0}, gerr = {0};
    int cpus = measure_cpus();
    int64_t t_judge = 0;
    int rolling;
    enum ph_rc rc, settled = PH_OK;
    long bad;

    assert(e != NULL && ex != NULL && opts != NULL && done != NULL);
    rolling = e->cfg.ref_policy == ENGINE_REF_ROLLING;
    name = opts->display_name ? opts->display_name : opts->submission_path;
    text = opts->submission_text;
    len = opts->submission_len;
    memset(&cand, 0, sizeof cand);
    memset(&ref, 0, sizeof ref);
    memset(&base, 0, sizeof base);
    memset(&in, 0, sizeof in);
    out = calloc(1, sizeof *out);
    if (out == NULL) {
        rc = ph_errf(&gerr, PH_ENOMEM, "out of memory");
        goto done;
    }
    in.ex = ex;
    in.submission_name = name;
    in.cpus = cpus;
    /* The submission is read once: these bytes are screened, hashed and run. */
    if (text == NULL) {
        rc = fileio_read(opts->submission_path, ENGINE_SUBMISSION_MAX, &owned, &len, &ferr);
        if (rc == PH_ELIMIT) {
            rc = screened_out(ex, name, VERDICT_REJECTED, ferr.msg, out, &gerr);
            goto finish;
        }
        if (rc != PH_OK) {
            ph_errf(&gerr, rc, "%s", ferr.msg);
            goto done;
        }
        text = owned;
    } else if (len > ENGINE_SUBMISSION_MAX) {
        char hs[32];
        snprintf(why, sizeof why, "%s: larger than %s", name,
                 fileio_human_size((double)ENGINE_SUBMISSION_MAX, hs, sizeof hs));
        rc = screened_out(ex, name, VERDICT_REJECTED, why, out, &gerr);
        goto finish;
    }
    sha256_hex(text, len, sha);
    bad = fileio_utf8_invalid_at(text, len);
    if (bad >= 0) {
        snprintf(why, sizeof why, "%s is not valid UTF-8 (byte %ld, 0x%02x): save it as UTF-8",
                 name, bad, (unsigned char)text[bad]);
        rc = screened_out(ex, name, VERDICT_ERROR, why, out, &gerr);
        goto finish;
    }
    e->stats.submissions++;
    if (e->cfg.ref_policy != ENGINE_REF_FRESH) {
        rc = cache_key(ex, opts->params, key, &gerr);
        if (rc != PH_OK)
            goto done;
        entry = cache_find(e, key);
    }
    if (rolling) {
        rc = rolling_entry(e, ex, opts, key, &entry, &ref, &base, &gerr);
        if (rc != PH_OK)
            goto done;
    }
    if (rolling && entry != NULL) {
        int64_t now;
        rc = run_candidate(e, ex, opts, name, text, len, &cand, &gerr);
        if (rc == PH_OK)
            rc = steady_cand(e, entry, ex, opts, name, text, len, cpus, &cand, &gerr);
        if (rc != PH_OK)
            goto done;
        rc = hold(e, entry, ex, name, sha, cpus, explanation, &cand, done, ud, &gerr);
        if (rc != PH_OK)
            goto done;
        explanation = NULL;
        free(out);
        free(owned);
        now = measure_now_ns();
        if (entry->npend >= entry->window ||
            (double)(now - entry->last.t_ns) / 1e9 >= roll_every_s(e))
            settled = settle_entry(e, entry, err);
        return settled;
    }
    if (!rolling) {
        /* The reference first: if the exercise is broken, say so before blaming anyone. */
        rc = reference_for(e, ex, opts, WORKER_REFERENCE, &entry, &ref, &gerr);
        if (rc != PH_OK)
            goto done;
        if (ex->needs_baseline) {
            rc = reference_for(e, ex, opts, WORKER_BASELINE, &entry, &base, &gerr);
            if (rc != PH_OK)
                goto done;
        }
    }
    in.ref = &ref;
    if (ex->needs_baseline)
        in.base = &base;
    rc = run_candidate(e, ex, opts, name, text, len, &cand, &gerr);
    if (rc != PH_OK)
        goto done;
    in.cand = &cand;
    t_judge = measure_now_ns();
    rc = judge_run(&in, out, &gerr);
    if (rc == PH_OK) {
        e->stats.judge_ns += measure_now_ns() - t_judge;
        rc = steady_perf(e, ex, opts, name, text, len, &in, out, &gerr);
        t_judge = measure_now_ns();
    }
finish:
    if (rc == PH_OK) {
        rc = finish(ex, sha, cpus, cand.lost, explanation, out, &gerr);
        explanation = NULL;
    }
    if (t_judge != 0)
        e->stats.judge_ns += measure_now_ns() - t_judge;
done:
    /* A failure after judging leaves nothing half-built for the caller. */
    if (rc != PH_OK && out != NULL) {
        run_result_cleanup(out);
        free(out);
        out = NULL;
    }
    if (explanation != NULL) {
        explain_result_cleanup(explanation);
        free(explanation);
    }
    free(owned);
    worker_result_cleanup(&cand);
    worker_result_cleanup(&ref);
    worker_result_cleanup(&base);
    hand_over(e, done, ud, rc, out, &gerr);
    return PH_OK;
}

struct sync_done {
    int called;
    enum ph_rc rc;
    struct run_result *out;
    struct ph_err *err;
};

static void sync_done(void *ud, enum ph_rc rc, struct run_result *res, const struct ph_err *err)
{
    struct sync_done *s = ud;

    s->called = 1;
    s->rc = rc;
    if (rc == PH_OK) {
        *s->out = *res;
        free(res);
    } else {
        *s->err = *err;
    }
}

enum ph_rc engine_grade(struct engine *e, const struct exercise *ex, const struct engine_opts *opts,
                        struct explain_result *explanation, struct run_result *out,
                        struct ph_err *err)
{
    struct sync_done s;
    enum ph_rc rc;

    assert(out != NULL);
    memset(out, 0, sizeof *out);
    memset(&s, 0, sizeof s);
    s.out = out;
    s.err = err;
    rc = engine_submit(e, ex, opts, explanation, sync_done, &s, err);
    /* Rolling: this one alone waits for its measurement after. */
    if (!s.called)
        (void)engine_settle(e, ex, err);
    if (!s.called)
        return rc != PH_OK ? rc
                           : ph_errf(err, PH_EINTERNAL, "%s: the run was never judged", ex->id);
    return s.rc;
}

/* ---- several grades in flight (engine_batch) ---- */

/* What a task's run in flight is for. */
enum task_run { TASK_IDLE, TASK_REF, TASK_BASE, TASK_CAND, TASK_STEADY };

/* One grading of a batch: engine_submit()'s path (reference, baseline,
 * candidate with its resumed workers, judgement, steady rounds) cut at each
 * worker run, so that one run of it at a time is in flight. */
struct task {
    const struct exercise *ex;
    struct engine_opts opts; /* its strings are the copies below; params borrowed */
    char *path, *name, *text;
    size_t len;
    char sha[SHA256_HEX_LEN];
    char key[SHA256_HEX_LEN]; /* the cache's (not under ENGINE_REF_FRESH) */
    int cpus;
    struct explain_result *explanation; /* owned until handed over */
    engine_done_fn done;
    void *ud;
    /* The runs so far. */
    int have_ref, have_base, have_cand;
    struct worker_result ref, base, cand;
    size_t cand_runs; /* candidate workers run so far (the first, then resumed ones) */
    size_t cand_from; /* run_candidate_workers()'s `from` */
    double base_scale;
    /* The run in flight. */
    enum task_run running;
    enum worker_role role;
    int whole; /* a whole run of the reference or baseline (kept in the cache when clean) */
    struct worker_job *job;
    struct worker_spec spec;
    struct exercise_scaled scaled;
    const char **names; /* its `only` list; owned, room for every check */
    char module[4096];
    int64_t t0;
    /* Judged. */
    struct run_result *out;
    struct judge_input in;
    int steadying;
    int uses[STEADY_NSIDES];
    struct perf_pair pairs[1 + ENGINE_PERF_ROUNDS_MAX];
    size_t npairs, round, step;
    struct worker_result sres[STEADY_NSIDES];
    int sok;
};

struct engine_batch {
    struct engine *e;
    size_t max_runs;
    struct task **tasks; /* in the order added; NULL once handed over */
    size_t ntasks, cap;
    size_t first; /* tasks before it are all handed over */
};

enum ph_rc engine_batch_new(struct engine *e, size_t max_runs, struct engine_batch **out,
                            struct ph_err *err)
{
    struct engine_batch *b;
    size_t hosts = e->cfg.max_hosts ? e->cfg.max_hosts : WORKER_POOL_DEFAULT_HOSTS;

    *out = NULL;
    if (e->cfg.ref_policy == ENGINE_REF_ROLLING)
        return ph_errf(err, PH_EUSAGE,
                       "a batch of the engine takes the reference's figures per candidate: "
                       "the rolling reference is not supported there");
    b = calloc(1, sizeof *b);
    if (b == NULL)
        return ph_errf(err, PH_ENOMEM, "out of memory");
    b->e = e;
    /* Each run in flight holds a host of the pool. */
    b->max_runs = max_runs == 0 ? 1 : max_runs;
    if (b->max_runs > hosts)
        b->max_runs = hosts;
    if (b->max_runs > WORKER_POLL_MAX)
        b->max_runs = WORKER_POLL_MAX;
    *out = b;
    return PH_OK;
}

static void task_free(struct task *t)
{
    if (t == NULL)
        return;
    worker_cancel(t->job);
    exercise_scaled_cleanup(&t->scaled);
    free(t->path);
    free(t->name);
    free(t->text);
    free(t->names);
    if (t->explanation != NULL) {
        explain_result_cleanup(t->explanation);
        free(t->explanation);
    }
    worker_result_cleanup(&t->ref);
    worker_result_cleanup(&t->base);
    worker_result_cleanup(&t->cand);
    for (int i = 0; i < STEADY_NSIDES; i++)
        worker_result_cleanup(&t->sres[i]);
    if (t->out != NULL) {
        run_result_cleanup(t->out);
        free(t->out);
    }
    free(t);
}

void engine_batch_free(struct engine_batch *b)
{
    if (b == NULL)
        return;
    for (size_t i = 0; i < b->ntasks; i++)
        task_free(b->tasks[i]);
    free(b->tasks);
    free(b);
}

/* Hand `t`'s result (or error) over and free it. */
static void task_end(struct engine_batch *b, size_t i, enum ph_rc rc, struct ph_err *err)
{
    struct task *t = b->tasks[i];
    struct run_result *out = NULL;
    engine_done_fn done = t->done;
    void *ud = t->ud;

    if (rc == PH_OK) {
        int64_t t0 = measure_now_ns();
        rc = finish(t->ex, t->sha, t->cpus, t->in.cand != NULL ? t->in.cand->lost : 0,
                    t->explanation, t->out, err);
        t->explanation = NULL;
        b->e->stats.judge_ns += measure_now_ns() - t0;
    }
    if (rc == PH_OK) {
        out = t->out;
        t->out = NULL;
    }
    b->tasks[i] = NULL;
    task_free(t);
    hand_over(b->e, done, ud, rc, out, err);
}

enum ph_rc engine_batch_add(struct engine_batch *b, const struct exercise *ex,
                            const struct engine_opts *opts, struct explain_result *explanation,
                            engine_done_fn done, void *ud, struct ph_err *err)
{
    struct engine *e = b->e;
    struct task *t = NULL;
    const char *name;
    struct ph_err ferr = {0}, gerr = {0};
    enum ph_rc rc = PH_OK;
    char why[512];
    long bad;
    int screened = 0;

    assert(ex != NULL && opts != NULL && done != NULL);
    name = opts->display_name ? opts->display_name : opts->submission_path;
    assert(name != NULL);
    if (b->ntasks == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 16;
        struct task **nt = realloc(b->tasks, cap * sizeof *nt);
        if (nt == NULL) {
            rc = ph_errf(&gerr, PH_ENOMEM, "out of memory");
            goto fail;
        }
        b->tasks = nt;
        b->cap = cap;
    }
    t = calloc(1, sizeof *t);
    if (t == NULL) {
        rc = ph_errf(&gerr, PH_ENOMEM, "out of memory");
        goto fail;
    }
    t->ex = ex;
    t->done = done;
    t->ud = ud;
    t->explanation = explanation;
    explanation = NULL;
    t->cpus = measure_cpus();
    t->base_scale = e->base_scale;
    t->name = strdup(name);
    t->path = strdup(opts->submission_path ? opts->submission_path : name);
    t->names = calloc(ex->nchecks ? ex->nchecks : 1, sizeof *t->names);
    if (t->name == NULL || t->path == NULL || t->names == NULL) {
        rc = ph_errf(&gerr, PH_ENOMEM, "out of memory");
        goto fail;
    }
    t->out = calloc(1, sizeof *t->out);
    if (t->out == NULL) {
        rc = ph_errf(&gerr, PH_ENOMEM, "out of memory");
        goto fail;
    }
    /* The same screening as engine_submit(): read once, size, UTF-8. */
    if (opts->submission_text == NULL) {
        rc = fileio_read(opts->submission_path, ENGINE_SUBMISSION_MAX, &t->text, &t->len, &ferr);
        if (rc == PH_ELIMIT) {
            rc = screened_out(ex, name, VERDICT_REJECTED, ferr.msg, t->out, &gerr);
            screened = 1;
        } else if (rc != PH_OK) {
            ph_errf(&gerr, rc, "%s", ferr.msg);
            goto fail;
        }
    } else if (opts->submission_len > ENGINE_SUBMISSION_MAX) {
        char hs[32];
        snprintf(why, sizeof why, "%s: larger than %s", name,
                 fileio_human_size((double)ENGINE_SUBMISSION_MAX, hs, sizeof hs));
        rc = screened_out(ex, name, VERDICT_REJECTED, why, t->out, &gerr);
        screened = 1;
    } else {
        t->len = opts->submission_len;
        t->text = malloc(t->len + 1);
        if (t->text == NULL) {
            rc = ph_errf(&gerr, PH_ENOMEM, "out of memory");
            goto fail;
        }
        memcpy(t->text, opts->submission_text, t->len);
        t->text[t->len] = '\0';
    }
    if (!screened) {
        sha256_hex(t->text, t->len, t->sha);
        bad = fileio_utf8_invalid_at(t->text, t->len);
        if (bad >= 0) {
            snprintf(why, sizeof why, "%s is not valid UTF-8 (byte %ld, 0x%02x): save it as UTF-8",
                     name, bad, (unsigned char)t->text[bad]);
            rc = screened_out(ex, name, VERDICT_ERROR, why, t->out, &gerr);
            screened = 1;
        }
    }
    if (!screened && e->cfg.ref_policy != ENGINE_REF_FRESH)
        rc = cache_key(ex, opts->params, t->key, &gerr);
    if (rc != PH_OK)
        goto fail;
    t->opts.submission_path = t->path;
    t->opts.display_name = t->name;
    t->opts.params = opts->params;
    t->opts.submission_text = t->text;
    t->opts.submission_len = t->len;
    b->tasks[b->ntasks++] = t;
    if (screened) {
        task_end(b, b->ntasks - 1, PH_OK, &gerr);
        return PH_OK;
    }
    e->stats.submissions++;
    return PH_OK;
fail:
    /* The submission's own failure goes to `done`, as engine_submit() does;
     * nothing of it stays in the batch. */
    if (explanation != NULL) {
        explain_result_cleanup(explanation);
        free(explanation);
    }
    task_free(t);
    done(ud, rc, NULL, &gerr);
    (void)err;
    return PH_OK;
}

/* 1 when another task of `b` has a whole run of `role` for `key` in flight:
 * its result goes into the cache, and `t` waits for it rather than run a
 * second whole one (the one-at-a-time path would have found it cached). */
static int task_building(const struct engine_batch *b, const struct task *t, enum worker_role role)
{
    for (size_t i = b->first; i < b->ntasks; i++) {
        const struct task *o = b->tasks[i];
        if (o != NULL && o != t && o->job != NULL && o->whole && o->role == role &&
            strcmp(o->key, t->key) == 0)
            return 1;
    }
    return 0;
}

/* Start `t`'s run of `role` (the first `nonly` of t->names, or the only
 * check `only1`, or all); `kind` says what it is for. */
static enum ph_rc task_start(struct engine_batch *b, struct task *t, enum task_run kind,
                             enum worker_role role, const char *const *only, size_t nonly,
                             int whole, struct ph_err *err)
{
    struct engine *e = b->e;
    const struct exercise *ex = t->ex;
    enum ph_rc rc;

    assert(t->job == NULL);
    memset(&t->spec, 0, sizeof t->spec);
    exercise_scaled_cleanup(&t->scaled);
    memset(&t->scaled, 0, sizeof t->scaled);
    if (role == WORKER_CANDIDATE) {
        candidate_spec(e, ex, &t->opts, t->name, t->text, t->len, &t->spec);
    } else {
        const char *file = role == WORKER_REFERENCE ? "reference.py" : "baseline.py";
        snprintf(t->module, sizeof t->module, "%s/%s", ex->dir, file);
        t->spec.ex = ex;
        t->spec.params = t->opts.params;
        t->spec.seed = e->seed;
        t->spec.role = role;
        t->spec.module_path = t->module;
        t->spec.display_name = file;
        /* The baseline's limits stretched by the load its reference met (run_module). */
        if (role == WORKER_BASELINE && t->base_scale > 1.0) {
            rc = exercise_scaled_init(&t->scaled, ex, t->base_scale, err);
            if (rc != PH_OK)
                return rc;
            t->spec.ex = &t->scaled.ex;
        }
    }
    t->spec.only = only;
    t->spec.nonly = nonly;
    t->running = kind;
    t->role = role;
    t->whole = whole;
    t->t0 = measure_now_ns();
    rc = worker_start(e->pool, &t->spec, &t->job, err);
    if (rc != PH_OK)
        t->running = TASK_IDLE;
    return rc;
}

/* The reference's or baseline's part of `t`: the cached run (its measured
 * checks started again), or a whole run started; reference_for()'s steps.
 * *started: a run is in flight; *blocked: waits for another task's. */
static enum ph_rc task_other(struct engine_batch *b, struct task *t, enum worker_role role,
                             int *started, int *blocked, struct ph_err *err)
{
    struct engine *e = b->e;
    struct ref_entry *en = e->cfg.ref_policy == ENGINE_REF_FRESH ? NULL : cache_find(e, t->key);
    struct worker_result *dst = role == WORKER_REFERENCE ? &t->ref : &t->base;
    int *have = role == WORKER_REFERENCE ? &t->have_ref : &t->have_base;
    const struct worker_result *cached = en == NULL                 ? NULL
                                         : role == WORKER_REFERENCE ? &en->ref
                                         : en->has_base             ? &en->base
                                                                    : NULL;
    enum ph_rc rc;
    size_t n;

    *started = *blocked = 0;
    if (cached == NULL) {
        if (e->cfg.ref_policy != ENGINE_REF_FRESH && task_building(b, t, role)) {
            *blocked = 1;
            return PH_OK;
        }
        rc = task_start(b, t, role == WORKER_REFERENCE ? TASK_REF : TASK_BASE, role, NULL, 0, 1,
                        err);
        *started = rc == PH_OK;
        return rc;
    }
    e->stats.cache_hits++;
    rc = worker_result_copy(dst, cached, err);
    if (rc != PH_OK)
        return rc;
    n = e->cfg.ref_policy == ENGINE_REF_CACHED_ALL ? 0 : measured_checks(t->ex, role, t->names);
    if (n == 0) {
        *have = 1;
        return PH_OK;
    }
    rc = task_start(b, t, role == WORKER_REFERENCE ? TASK_REF : TASK_BASE, role, t->names, n, 0,
                    err);
    *started = rc == PH_OK;
    return rc;
}

/* The checks after the one a stop cut short, to run in a fresh worker
 * (run_candidate_workers()): how many are in t->names, 0 when done. */
static size_t task_cand_rest(struct task *t)
{
    struct worker_result *out = &t->cand;
    long stop = stopped_check(out);
    size_t n = 0;

    if (stop < 0 || (size_t)stop < t->cand_from || out->end == WORKER_END_PROTOCOL)
        return 0;
    for (size_t i = (size_t)stop + 1; i < out->nchecks; i++)
        if (out->checks[i].frame == NULL)
            t->names[n++] = out->checks[i].name;
    if (n > 0)
        t->cand_from = (size_t)stop + 1;
    return n;
}

/* Take the result `res` (taken) of `t`'s run that just ended. */
static enum ph_rc task_absorb(struct engine_batch *b, struct task *t, struct worker_result *res,
                              struct ph_err *err)
{
    struct engine *e = b->e;
    const struct exercise *ex = t->ex;
    int64_t took = measure_now_ns() - t->t0;
    enum ph_rc rc = PH_OK;

    switch (t->running) {
    case TASK_REF:
    case TASK_BASE: {
        int ref = t->running == TASK_REF;
        struct worker_result *dst = ref ? &t->ref : &t->base;
        e->stats.ref_ns += took;
        if (ref && ex->needs_baseline)
            e->base_scale = t->base_scale = base_load_scale(ex, res);
        if (t->whole) {
            (*(ref ? &e->stats.ref_whole : &e->stats.base_whole))++;
            *dst = *res;
            memset(res, 0, sizeof *res);
            if (e->cfg.ref_policy != ENGINE_REF_FRESH && dst->end == WORKER_END_OK)
                rc =
                    cache_keep(e, t->key, ref ? WORKER_REFERENCE : WORKER_BASELINE, dst, NULL, err);
        } else {
            (*(ref ? &e->stats.ref_timed : &e->stats.base_timed))++;
            worker_result_fold(dst, res, 1, ex->limits.output_bytes);
        }
        *(ref ? &t->have_ref : &t->have_base) = 1;
        break;
    }
    case TASK_CAND:
        e->stats.cand_ns += took;
        if (t->cand_runs++ == 0) {
            t->cand = *res;
            memset(res, 0, sizeof *res);
        } else {
            e->stats.resumed++;
            if (res->end == WORKER_END_PROTOCOL) {
                t->cand.end = WORKER_END_PROTOCOL;
                memcpy(t->cand.detail, res->detail, sizeof t->cand.detail);
            }
            worker_result_fold(&t->cand, res, 0, ex->limits.output_bytes);
        }
        break;
    case TASK_STEADY: {
        int slot = steady_slot(t->role);
        if (t->role == WORKER_CANDIDATE) {
            e->stats.cand_ns += took;
            e->stats.cand_timed++;
        } else {
            e->stats.ref_ns += took;
            e->stats.perf_other_timed++;
            if (t->role == WORKER_REFERENCE && ex->needs_baseline)
                e->base_scale = t->base_scale = base_load_scale(ex, res);
        }
        t->sres[slot] = *res;
        memset(res, 0, sizeof *res);
        if (t->sres[slot].end != WORKER_END_OK)
            t->sok = 0;
        t->step++;
        break;
    }
    case TASK_IDLE:
        assert(0);
        break;
    }
    t->running = TASK_IDLE;
    exercise_scaled_cleanup(&t->scaled);
    memset(&t->scaled, 0, sizeof t->scaled);
    worker_result_cleanup(res);
    return rc;
}

/* The steady rounds (steady_perf()): start the next run, or conclude
 * (*concluded) once the rounds are over. */
static enum ph_rc task_steady(struct engine_batch *b, struct task *t, int *started, int *concluded,
                              struct ph_err *err)
{
    const struct exercise *ex = t->ex;

    *started = *concluded = 0;
    for (;;) {
        while (t->step < 3) {
            enum worker_role role = steady_order[t->round % 2][t->step];
            if (!t->uses[steady_slot(role)]) {
                t->step++;
                continue;
            }
            t->names[0] = ex->perf.check;
            enum ph_rc rc = task_start(b, t, TASK_STEADY, role, t->names, 1, 0, err);
            *started = rc == PH_OK;
            return rc;
        }
        /* The round is over. */
        steady_round_pair(&t->in, t->uses, t->sres, t->sok, t->pairs, &t->npairs);
        for (int j = 0; j < STEADY_NSIDES; j++)
            worker_result_cleanup(&t->sres[j]);
        if ((t->round + 1 >= ENGINE_PERF_ROUNDS && perf_settled(ex, t->pairs, t->npairs)) ||
            t->round + 1 >= ENGINE_PERF_ROUNDS_MAX) {
            t->steadying = 0;
            *concluded = 1;
            return steady_conclude(b->e, t->pairs, t->npairs, t->out, err);
        }
        t->round++;
        t->step = 0;
        t->sok = 1;
    }
}

/*
 * Move `t` on as far as it goes without waiting: start its next run
 * (*started), or note that it waits for another task's whole reference
 * run, or judge it and hand it over (*ended: the task is freed).
 */
static enum ph_rc task_next(struct engine_batch *b, size_t i, int *started, int *ended,
                            struct ph_err *err)
{
    struct task *t = b->tasks[i];
    const struct exercise *ex = t->ex;
    int blocked_ref = 0, blocked_base = 0, concluded = 0;
    enum ph_rc rc;
    size_t n;

    *started = *ended = 0;
    assert(t->job == NULL);
    if (t->out != NULL && t->in.ex != NULL) {
        /* Judged: steady rounds, then done. */
        if (t->steadying) {
            rc = task_steady(b, t, started, &concluded, err);
            if (rc != PH_OK || *started)
                return rc;
        }
        *ended = 1;
        task_end(b, i, PH_OK, err);
        return PH_OK;
    }
    /* The reference first (if the exercise is broken, it says so before any
     * candidate is blamed), then the baseline; a task waiting for another's
     * whole reference runs its candidate meanwhile. */
    if (!t->have_ref) {
        rc = task_other(b, t, WORKER_REFERENCE, started, &blocked_ref, err);
        if (rc != PH_OK || *started)
            return rc;
    }
    if (t->have_ref && ex->needs_baseline && !t->have_base) {
        rc = task_other(b, t, WORKER_BASELINE, started, &blocked_base, err);
        if (rc != PH_OK || *started)
            return rc;
    }
    if (!t->have_cand) {
        n = t->cand_runs == 0 ? 0 : task_cand_rest(t);
        if (t->cand_runs == 0 || n > 0) {
            rc = task_start(b, t, TASK_CAND, WORKER_CANDIDATE, n ? t->names : NULL, n, 0, err);
            *started = rc == PH_OK;
            return rc;
        }
        t->have_cand = 1;
    }
    if (!t->have_ref || (ex->needs_baseline && !t->have_base))
        return PH_OK; /* waits for another task's whole run */
    /* Judge. */
    {
        int64_t t0 = measure_now_ns();
        memset(&t->in, 0, sizeof t->in);
        t->in.ex = ex;
        t->in.submission_name = t->name;
        t->in.cpus = t->cpus;
        t->in.ref = &t->ref;
        t->in.base = ex->needs_baseline ? &t->base : NULL;
        t->in.cand = &t->cand;
        rc = judge_run(&t->in, t->out, err);
        b->e->stats.judge_ns += measure_now_ns() - t0;
        if (rc != PH_OK) {
            /* judge_run() leaves nothing in `out` on failure. */
            t->in.ex = NULL;
            return rc;
        }
    }
    if (steady_wanted(b->e, ex, t->out, t->uses, &t->pairs[0])) {
        t->steadying = 1;
        t->npairs = 1;
        t->round = t->step = 0;
        t->sok = 1;
        rc = task_steady(b, t, started, &concluded, err);
        if (rc != PH_OK || *started)
            return rc;
    }
    *ended = 1;
    task_end(b, i, PH_OK, err);
    return PH_OK;
}

/* A task that failed: its error to its caller, the task freed. */
static void task_fail(struct engine_batch *b, size_t i, enum ph_rc rc, struct ph_err *err)
{
    struct task *t = b->tasks[i];

    b->tasks[i] = NULL;
    t->done(t->ud, rc, NULL, err);
    task_free(t);
}

size_t engine_batch_step(struct engine_batch *b, int timeout_ms)
{
    struct worker_job *jobs[WORKER_POLL_MAX];
    size_t owner[WORKER_POLL_MAX];
    size_t njobs = 0, inflight = 0, left = 0;

    /* Start what can start, in the order the tasks came, up to max_runs. */
    for (size_t i = b->first; i < b->ntasks; i++)
        if (b->tasks[i] != NULL && b->tasks[i]->job != NULL)
            inflight++;
    for (size_t i = b->first; i < b->ntasks && inflight < b->max_runs; i++) {
        struct task *t = b->tasks[i];
        struct ph_err err = {0};
        int started, ended;
        enum ph_rc rc;

        if (t == NULL || t->job != NULL)
            continue;
        rc = task_next(b, i, &started, &ended, &err);
        if (rc != PH_OK) {
            if (b->tasks[i] != NULL)
                task_fail(b, i, rc, &err);
            continue;
        }
        inflight += started;
    }
    for (size_t i = b->first; i < b->ntasks; i++)
        if (b->tasks[i] != NULL && b->tasks[i]->job != NULL) {
            jobs[njobs] = b->tasks[i]->job;
            owner[njobs++] = i;
        }
    /* A task waits only for another's run in flight: with none in flight,
     * every task left has started or ended above. */
    if (njobs == 0) {
        for (size_t i = b->first; i < b->ntasks; i++) {
            struct ph_err err = {0};
            if (b->tasks[i] == NULL)
                continue;
            ph_errf(&err, PH_EINTERNAL, "%s: the grading of %s stalled", b->tasks[i]->ex->id,
                    b->tasks[i]->name);
            assert(!"a batch task waits for nothing in flight");
            task_fail(b, i, PH_EINTERNAL, &err);
        }
    }
    if (njobs > 0 && worker_poll(jobs, njobs, timeout_ms) > 0) {
        for (size_t k = 0; k < njobs; k++) {
            struct task *t = b->tasks[owner[k]];
            struct worker_result res;
            struct ph_err err = {0};
            enum ph_rc rc;

            if (!worker_job_done(t->job))
                continue;
            rc = worker_finish(t->job, &res, &err);
            t->job = NULL;
            if (rc == PH_OK)
                rc = task_absorb(b, t, &res, &err);
            else
                worker_result_cleanup(&res);
            if (rc != PH_OK) {
                t->running = TASK_IDLE;
                task_fail(b, owner[k], rc, &err);
            }
        }
    }
    while (b->first < b->ntasks && b->tasks[b->first] == NULL)
        b->first++;
    for (size_t i = b->first; i < b->ntasks; i++)
        left += b->tasks[i] != NULL;
    return left;
}

void engine_batch_run(struct engine_batch *b)
{
    while (engine_batch_step(b, -1) > 0)
        ;
}
