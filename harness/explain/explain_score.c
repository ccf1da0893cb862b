/*
 * explain_score.c - see explain_score.h.
 *
 * The offline scorer runs for every answer, even when an LLM scores it: it
 * is cheap and deterministic, it is the fallback when the LLM fails, and its
 * misconception and injection signals are shown beside the LLM's verdict so
 * a reviewer can spot an LLM that was talked into a high grade.  Only the
 * LLM's own verdict is cached; the calibration is recomputed each time.
 */
#include "explain_score.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exercise.h"
#include "fileio.h"
#include "llm.h"
#include "rubric_score.h"
#include "sha256.h"
#include "store.h"

/* 1 when an LLM is configured (environment or config file); see llm.h. */
static int explain_llm_configured(void)
{
    return llm_configured();
}

int explain_scorer_parse(const char *name, enum explain_scorer *out)
{
    if (strcmp(name, "auto") == 0)
        *out = EXPLAIN_AUTO;
    else if (strcmp(name, "offline") == 0)
        *out = EXPLAIN_OFFLINE;
    else if (strcmp(name, "llm") == 0)
        *out = EXPLAIN_LLM;
    else
        return -1;
    return 0;
}

static void set_note(struct explain_result *r, const char *note)
{
    char *copy = strdup(note);

    if (copy == NULL)
        return; /* a missing note is better than a missing score */
    free(r->note);
    r->note = copy;
}

/* Put the offline scorer's view beside an LLM's verdict and flag a large
 * disagreement: either one may be wrong, and an LLM that was talked into a
 * high grade by the answer itself is exactly the case to catch. */
static void calibrate(struct explain_result *llm, const struct explain_result *offline)
{
    char note[512];
    double scale = llm->max > 0 ? 10.0 / llm->max : 1.0;
    double diff = fabs(llm->score - offline->score) * scale;

    llm->offline.present = 1;
    llm->offline.score = offline->score;
    llm->offline.injection = offline->injection;
    llm->offline.misconceptions =
        calloc(offline->nmisconceptions + 1, sizeof *llm->offline.misconceptions);
    if (llm->offline.misconceptions != NULL) {
        for (size_t i = 0; i < offline->nmisconceptions; i++) {
            char *id = strdup(offline->misconceptions[i].id ? offline->misconceptions[i].id : "");
            if (id == NULL)
                break;
            llm->offline.misconceptions[llm->offline.nmisconceptions++] = id;
        }
    }
    if (offline->unscored) {
        /* The offline scorer could not read it (another language): there is
         * nothing to disagree with. */
    } else if (diff > EXPLAIN_FLAG_DISAGREEMENT) {
        char why[160];
        snprintf(why, sizeof why,
                 "the LLM (%.1f) and the offline scorer (%.1f) disagree by more than %g points",
                 llm->score, offline->score, EXPLAIN_FLAG_DISAGREEMENT);
        explain_result_review(llm, 0.4, why);
        llm->flagged = 1;
        snprintf(note, sizeof note,
                 "the LLM scored %.1f/%g but the offline scorer %.1f/%g: they differ by more "
                 "than %g points on a 0-10 scale%s; a human should review this answer",
                 llm->score, llm->max, offline->score, offline->max, EXPLAIN_FLAG_DISAGREEMENT,
                 offline->injection ? ", and the offline scorer saw text addressed to the grader"
                                    : "");
        set_note(llm, note);
    } else if (offline->injection && !llm->injection) {
        explain_result_review(llm, 0.3, "injection attempt seen by the offline scorer");
        llm->flagged = 1;
        set_note(llm, "the offline scorer saw text addressed to the grader that the LLM did not "
                      "report; a human should review this answer");
    }
    llm->injection |= offline->injection;
    if (llm->language == NULL && offline->language != NULL)
        llm->language = strdup(offline->language);
}

/* Replace `dst` by the offline result, marked as standing in for the LLM. */
static void use_fallback(struct explain_result *dst, struct explain_result *offline,
                         const char *why)
{
    char note[PH_ERR_MSG_MAX + 128];

    explain_result_cleanup(dst);
    *dst = *offline;
    memset(offline, 0, sizeof *offline);
    dst->fallback = 1;
    snprintf(note, sizeof note,
             "the LLM scorer gave no usable grade (%s); the offline scorer stood in", why);
    set_note(dst, note);
    explain_result_review(dst, dst->confidence < 0.6 ? dst->confidence : 0.6,
                          "the LLM gave no usable grade; scored offline instead");
}

/* The question a job scores answers to, whether an exercise or not. */
static struct explain_question job_question(const struct explain_job *j)
{
    struct explain_question q = {NULL, NULL, NULL, NULL};

    if (j->ex != NULL) {
        q.id = j->ex->id;
        q.question = j->ex->question;
        q.model_answer = j->ex->model_answer;
        q.rubric = j->ex->rubric;
    } else if (j->q != NULL) {
        q = *j->q;
    }
    return q;
}

static enum ph_rc job_check(struct explain_job *job)
{
    struct explain_question q = job_question(job);

    if ((job->ex == NULL && job->q == NULL) || job->answer == NULL || q.id == NULL)
        return ph_errf(&job->err, PH_EINTERNAL, "%s: no question or answer to score",
                       job->source ? job->source : "answer");
    if (q.rubric == NULL)
        return ph_errf(&job->err, PH_EINPUT,
                       "%s: the question has no \"rubric\", so explanations cannot be scored",
                       job->ex != NULL && job->ex->json_path ? job->ex->json_path : q.id);
    return PH_OK;
}

/* The offline score of job `j` into `out` (zeroed first: rubric_score may
 * not know the fields this module added). */
static enum ph_rc score_offline(struct explain_job *j, struct explain_result *out,
                                struct ph_err *err)
{
    struct explain_question q = job_question(j);

    memset(out, 0, sizeof *out);
    return rubric_score(q.rubric, q.id, j->answer, out, err);
}

static void set_model_answer(struct explain_job *j)
{
    struct explain_question q = job_question(j);

    if (j->rc == PH_OK && j->result.model_answer == NULL && q.model_answer != NULL)
        j->result.model_answer = strdup(q.model_answer);
}

struct llm_side {
    struct llm_task task;
    char prompt_version[LLM_PROMPT_VERSION_LEN];
    char answer_sha[SHA256_HEX_LEN];
    struct explain_result offline;
    enum ph_rc offline_rc;
    struct ph_err offline_err;
    int want_llm; /* not answered from the cache */
};

static void cache_key(const struct llm_config *cfg, const struct llm_side *s,
                      struct store_llm_key *key)
{
    key->provider = llm_provider_name(cfg->provider);
    key->model = cfg->model;
    key->prompt_version = s->prompt_version;
    key->question = s->task.question_id;
    key->answer_sha256 = s->answer_sha;
}

/* Try the cache for side `s`; 1 and fills `out` on a hit. */
static int cache_lookup(struct store *st, const struct llm_config *cfg, const struct llm_side *s,
                        struct explain_result *out)
{
    struct store_llm_key key;
    char *text = NULL;
    cJSON *json = NULL;
    int hit = 0;

    if (st == NULL)
        return 0;
    cache_key(cfg, s, &key);
    if (store_llm_get(st, &key, &text, NULL) != PH_OK || text == NULL)
        goto out;
    json = cJSON_Parse(text);
    if (explain_result_from_json(json, out, NULL) != PH_OK)
        goto out;
    out->cached = 1;
    out->requests = 0;
    hit = 1;
out:
    cJSON_Delete(json);
    free(text);
    return hit;
}

static void cache_store(struct store *st, const struct llm_config *cfg, const struct llm_side *s,
                        const struct explain_result *r)
{
    struct store_llm_key key;
    cJSON *json;
    char *text = NULL;

    if (st == NULL)
        return;
    json = explain_result_to_json(r);
    if (json != NULL)
        text = cJSON_PrintUnformatted(json);
    cache_key(cfg, s, &key);
    if (text != NULL)
        store_llm_put(st, &key, text, NULL); /* best effort: a lost entry costs one request */
    free(text);
    cJSON_Delete(json);
}

/*
 * Open the LLM score cache.  PYHARNESS_LLM_CACHE set by the user either works
 * or is an error: a folder holds llm-cache.sqlite3, a file is the database,
 * and one that cannot be opened stops the command before anything is sent
 * (a silently disabled cache would resend, and pay for, every answer).  The
 * default location is best effort: without it every answer is sent.
 */
static enum ph_rc open_cache(struct store **st, struct ph_err *err)
{
    const char *env = getenv("PYHARNESS_LLM_CACHE");
    char *path = NULL, *joined = NULL;
    struct ph_err serr;
    enum ph_rc rc = PH_OK;

    *st = NULL;
    ph_err_clear(&serr);
    if (env != NULL && env[0] != '\0' && strcmp(env, "off") != 0 && strcmp(env, "0") != 0) {
        size_t n = strlen(env) + sizeof "/llm-cache.sqlite3";
        if (fileio_is_dir(env)) {
            joined = malloc(n);
            if (joined == NULL)
                return ph_errf(err, PH_ENOMEM, "out of memory");
            snprintf(joined, n, "%s/llm-cache.sqlite3", env);
        }
        if (store_open(joined != NULL ? joined : env, st, &serr) != PH_OK) {
            *st = NULL;
            rc = ph_errf(err, PH_EINPUT,
                         "PYHARNESS_LLM_CACHE=%s: the LLM score cache cannot be opened (%s); "
                         "point it at a writable folder or file, or set it to off",
                         env, serr.msg);
        }
        free(joined);
        return rc;
    }
    if (store_llm_cache_path(&path, NULL) == PH_OK && path != NULL &&
        store_open(path, st, NULL) != PH_OK)
        *st = NULL;
    free(path);
    return PH_OK;
}

static enum ph_rc score_with_llm(struct explain_job *jobs, size_t n,
                                 const struct explain_opts *opts, const struct llm_config *cfgp,
                                 struct ph_err *err)
{
    struct llm_config cfg = *cfgp;
    struct llm_side *side = NULL;
    struct llm_job *lj = NULL;
    size_t *map = NULL;
    size_t nl = 0;
    struct store *st = NULL;
    enum ph_rc rc;

    side = calloc(n + 1, sizeof *side);
    lj = calloc(n + 1, sizeof *lj);
    map = calloc(n + 1, sizeof *map);
    if (side == NULL || lj == NULL || map == NULL) {
        rc = ph_errf(err, PH_ENOMEM, "out of memory scoring %zu answers", n);
        goto out;
    }
    rc = open_cache(&st, err);
    if (rc != PH_OK)
        goto out;

    for (size_t i = 0; i < n; i++) {
        struct explain_job *j = &jobs[i];
        struct llm_side *s = &side[i];
        if (j->rc != PH_OK)
            continue;
        struct explain_question q = job_question(j);
        s->task.question_id = q.id;
        s->task.question = q.question;
        s->task.model_answer = q.model_answer;
        s->task.rubric = q.rubric;
        llm_prompt_version(&s->task, s->prompt_version);
        sha256_hex(j->answer, strlen(j->answer), s->answer_sha);
        ph_err_clear(&s->offline_err);
        s->offline_rc = score_offline(j, &s->offline, &s->offline_err);
        if (cache_lookup(st, &cfg, s, &j->result))
            continue;
        s->want_llm = 1;
        lj[nl].task = &s->task;
        lj[nl].answer = j->answer;
        map[nl++] = i;
    }

    if (nl > 0) {
        rc = llm_score_watched(&cfg, lj, nl, opts->watch, err);
        if (rc != PH_OK)
            goto out;
    }
    for (size_t k = 0; k < nl; k++) {
        struct explain_job *j = &jobs[map[k]];
        struct llm_side *s = &side[map[k]];
        if (lj[k].rc == PH_OK) {
            j->result = lj[k].result;
            memset(&lj[k].result, 0, sizeof lj[k].result);
            j->result.requests = lj[k].requests;
            cache_store(st, &cfg, s, &j->result);
        } else if (opts->fallback_offline && s->offline_rc == PH_OK) {
            use_fallback(&j->result, &s->offline, lj[k].err.msg);
            j->result.requests = lj[k].requests;
        } else if (!opts->fallback_offline) {
            j->rc = ph_errf(&j->err, lj[k].rc == PH_OK ? PH_ENET : lj[k].rc,
                            "the LLM gave no usable grade (%s); nothing was scored (--fallback "
                            "offline scores such answers offline)",
                            lj[k].err.msg);
        } else {
            j->rc = ph_errf(&j->err, s->offline_rc, "%s", s->offline_err.msg);
        }
    }
    for (size_t i = 0; i < n; i++) {
        struct explain_job *j = &jobs[i];
        if (j->rc == PH_OK && !j->result.fallback && side[i].offline_rc == PH_OK)
            calibrate(&j->result, &side[i].offline);
    }
    rc = PH_OK;
out:
    for (size_t i = 0; side != NULL && i < n; i++)
        explain_result_cleanup(&side[i].offline);
    for (size_t k = 0; lj != NULL && k < nl; k++)
        explain_result_cleanup(&lj[k].result);
    store_close(st);
    free(map);
    free(lj);
    free(side);
    return rc;
}

enum ph_rc explain_score_many(struct explain_job *jobs, size_t n, enum explain_scorer which,
                              struct ph_err *err)
{
    struct explain_opts o = {which, which != EXPLAIN_LLM, 0, NULL};

    return explain_score_batch(jobs, n, &o, err);
}

enum ph_rc explain_score_batch(struct explain_job *jobs, size_t n, const struct explain_opts *opts,
                               struct ph_err *err)
{
    enum explain_scorer which = opts->scorer;
    struct llm_config cfg;
    char note[512] = "";
    int use_llm = 0;
    enum ph_rc rc = PH_OK;

    memset(&cfg, 0, sizeof cfg);
    for (size_t i = 0; i < n; i++) {
        memset(&jobs[i].result, 0, sizeof jobs[i].result);
        ph_err_clear(&jobs[i].err);
        jobs[i].rc = job_check(&jobs[i]);
    }
    if (which == EXPLAIN_LLM && !explain_llm_configured())
        return ph_errf(err, PH_EUSAGE,
                       "the LLM scorer was asked for but no LLM is configured: set "
                       "PYHARNESS_LLM_PROVIDER (ollama, llamacpp, openai, anthropic) and, for a "
                       "remote API, PYHARNESS_LLM_API_KEY and PYHARNESS_LLM_ALLOW_REMOTE=1 (see "
                       "docs/llm.md), or choose the offline scorer");
    if (which != EXPLAIN_OFFLINE && explain_llm_configured()) {
        rc = llm_config_load(&cfg, err);
        if (rc != PH_OK)
            return rc;
        use_llm = 1;
        /* Students' answers leave this machine only when someone chose it. */
        if (cfg.remote && !cfg.allow_remote && !opts->allow_remote) {
            if (which == EXPLAIN_LLM) {
                rc = ph_errf(err, PH_EUSAGE,
                             "the configured LLM at %s is not on this machine, and sending "
                             "students' answers there was not allowed: pass --allow-remote or "
                             "set PYHARNESS_LLM_ALLOW_REMOTE=1 (environment or config file), or "
                             "use a local server (ollama, llamacpp)",
                             cfg.host);
                llm_config_cleanup(&cfg);
                return rc;
            }
            snprintf(note, sizeof note,
                     "scored offline: an LLM is configured at %s, but answers are sent to a "
                     "remote host only with --allow-remote or PYHARNESS_LLM_ALLOW_REMOTE=1",
                     cfg.host);
            use_llm = 0;
        }
    }
    if (use_llm) {
        rc = score_with_llm(jobs, n, opts, &cfg, err);
        llm_config_cleanup(&cfg);
        if (rc != PH_OK)
            return rc;
    } else {
        llm_config_cleanup(&cfg);
        for (size_t i = 0; i < n; i++) {
            if (jobs[i].rc != PH_OK)
                continue;
            jobs[i].rc = score_offline(&jobs[i], &jobs[i].result, &jobs[i].err);
            if (jobs[i].rc == PH_OK && note[0] != '\0')
                set_note(&jobs[i].result, note);
        }
    }
    for (size_t i = 0; i < n; i++) {
        set_model_answer(&jobs[i]);
        if (jobs[i].rc != PH_OK && rc == PH_OK)
            rc = ph_errf(err, jobs[i].rc, "%s", jobs[i].err.msg);
    }
    return rc;
}
