/* engine.c - see engine.h. */
#include "engine.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "embed.h"
#include "exercise.h"
#include "fileio.h"
#include "judge.h"
#include "sandbox.h"
#include "score.h"
#include "worker.h"

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
    return PH_OK;
}

static enum ph_rc finish(const struct judge_input *in, struct explain_result *explanation,
                         struct run_result *out, struct ph_err *err)
{
    out->explanation = explanation;
    out->python = strdup(embed_python_version());
    out->sandbox = strdup(sandbox_layers_string());
    return score_run(in, out, err);
}

/* Run one role's module through a worker (the exercise's sandbox host is
 * shared by the roles: see worker.h). */
static enum ph_rc run_role(const struct exercise *ex, const struct engine_opts *opts,
                           enum worker_role role, const char *module_path, const char *display_name,
                           struct worker_result *res, struct ph_err *err)
{
    struct worker_spec spec;
    const cJSON *params = opts->params;

    if (opts->progress != NULL) {
        struct run_progress p = {RUN_PROGRESS_ROLE, (int)role, NULL, 0, ex->nchecks, 0, 0, 0};
        opts->progress(opts->progress_ud, &p);
    }
    memset(&spec, 0, sizeof spec);
    spec.progress = opts->progress;
    spec.progress_ud = opts->progress_ud;
    spec.ex = ex;
    spec.params = params;
    spec.role = role;
    spec.module_path = module_path;
    spec.display_name = display_name;
    return worker_run(&spec, res, err);
}

enum ph_rc engine_run(const struct exercise *ex, const struct engine_opts *opts,
                      struct explain_result *explanation, struct run_result *out,
                      struct ph_err *err)
{
    struct worker_result cand, ref, base;
    struct judge_input in;
    const char *name = opts->display_name ? opts->display_name : opts->submission_path;
    char *text = NULL;
    size_t len = 0;
    char why[512], path[4096];
    struct ph_err ferr = {0};
    enum ph_rc rc;
    long bad;

    memset(&cand, 0, sizeof cand);
    memset(&ref, 0, sizeof ref);
    memset(&base, 0, sizeof base);
    memset(out, 0, sizeof out[0]);
    memset(&in, 0, sizeof in);
    in.ex = ex;
    in.submission_name = name;
    rc = fileio_read(opts->submission_path, ENGINE_SUBMISSION_MAX, &text, &len, &ferr);
    if (rc == PH_ELIMIT) {
        rc = screened_out(ex, name, VERDICT_REJECTED, ferr.msg, out, err);
        if (rc == PH_OK) {
            rc = finish(&in, explanation, out, err);
            explanation = NULL;
        }
        goto done;
    }
    if (rc != PH_OK) {
        ph_errf(err, rc, "%s", ferr.msg);
        goto done;
    }
    bad = fileio_utf8_invalid_at(text, len);
    if (bad >= 0) {
        snprintf(why, sizeof why, "%s is not valid UTF-8 (byte %ld, 0x%02x): save it as UTF-8",
                 name, bad, (unsigned char)text[bad]);
        rc = screened_out(ex, name, VERDICT_ERROR, why, out, err);
        if (rc == PH_OK) {
            rc = finish(&in, explanation, out, err);
            explanation = NULL;
        }
        goto done;
    }
    /* The reference first: if the exercise is broken, say so before blaming anyone. */
    snprintf(path, sizeof path, "%s/reference.py", ex->dir);
    rc = run_role(ex, opts, WORKER_REFERENCE, path, "reference.py", &ref, err);
    if (rc != PH_OK)
        goto done;
    if (ex->needs_baseline) {
        snprintf(path, sizeof path, "%s/baseline.py", ex->dir);
        rc = run_role(ex, opts, WORKER_BASELINE, path, "baseline.py", &base, err);
        if (rc != PH_OK)
            goto done;
        in.base = &base;
    }
    rc = run_role(ex, opts, WORKER_CANDIDATE, opts->submission_path, name, &cand, err);
    if (rc != PH_OK)
        goto done;
    in.cand = &cand;
    in.ref = &ref;
    rc = judge_run(&in, out, err);
    if (rc == PH_OK) {
        rc = finish(&in, explanation, out, err);
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
    free(text);
    worker_result_cleanup(&cand);
    worker_result_cleanup(&ref);
    worker_result_cleanup(&base);
    return rc;
}
