/* Unit tests for the engine's batch (engine.h, engine_batch_*): several
 * gradings in flight on one engine end with the results the one-at-a-time
 * path gives, the reference's whole run is shared, and a hung check holds
 * back no other grading.  The runs are real, on the mini fixture exercise:
 * this binary serves as its own sandbox host (see serve_as_host). */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "embed.h"
#include "engine.h"
#include "exercise.h"
#include "fileio.h"
#include "paths.h"
#include "worker.h"
#include "worker_host.h"

#define MINI PH_TEST_DATA "/integration/fixtures/exercises/mini"

#include "serve_as_host.h"

static struct exercise *ex;
static char dir[64];
static char hang_path[128];

/* The submissions graded both ways: each kind of verdict the fixture has. */
#define NSUBS 4
static const char *subs[NSUBS];

static void start(void)
{
    static const char hang[] = "def add(a, b):\n    while True:\n        pass\n\n"
                               "def squares(n):\n    return (i * i for i in range(n))\n";
    struct ph_err err = {0};
    struct embed_options o = {1};

    cr_assert_eq(paths_init(&err), PH_OK, "%s", err.msg);
    cr_assert_eq(embed_init(&o, &err), PH_OK, "%s", err.msg);
    cr_assert_eq(exercise_load(MINI, &ex, &err), PH_OK, "%s", err.msg);
    snprintf(dir, sizeof dir, "/tmp/ph-test-batch-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    /* imports, then never returns from its first check: the checks after it
     * run in a fresh worker */
    snprintf(hang_path, sizeof hang_path, "%s/hang.py", dir);
    cr_assert_eq(fileio_write(hang_path, hang, strlen(hang), &err), PH_OK, "%s", err.msg);
    subs[0] = MINI "/examples/good.py";
    subs[1] = MINI "/examples/bad_add.py";
    subs[2] = MINI "/examples/bad_list.py";
    subs[3] = hang_path;
}

static void stop(void)
{
    exercise_free(ex);
    fileio_rmtree(dir);
}

TestSuite(engine_batch, .init = start, .fini = stop, .timeout = 600);

struct got {
    int called;
    enum ph_rc rc;
    struct run_result res;
    char msg[512];
};

static void got_done(void *ud, enum ph_rc rc, struct run_result *res, const struct ph_err *err)
{
    struct got *g = ud;

    g->called++;
    g->rc = rc;
    if (rc == PH_OK) {
        g->res = *res;
        free(res);
    } else {
        snprintf(g->msg, sizeof g->msg, "%s", err->msg);
    }
}

static void opts_for(struct engine_opts *o, const char *path)
{
    memset(o, 0, sizeof *o);
    o->submission_path = path;
    o->display_name = strrchr(path, '/') + 1;
}

/* The same judgement: verdicts, messages, the marks (the performance mark
 * reads peak Python memory, the same in every run of the same code, within
 * a point). */
static void assert_same(const struct run_result *a, const struct run_result *b)
{
    cr_assert_str_eq(a->submission, b->submission);
    cr_assert_eq(a->verdict, b->verdict, "%s: %s vs %s", a->submission, verdict_name(a->verdict),
                 verdict_name(b->verdict));
    cr_assert_eq(a->nchecks, b->nchecks);
    for (size_t i = 0; i < a->nchecks; i++) {
        cr_assert_str_eq(a->checks[i].name, b->checks[i].name);
        cr_assert_eq(a->checks[i].status, b->checks[i].status, "%s: check %s: %s vs %s",
                     a->submission, a->checks[i].name, verdict_name(a->checks[i].status),
                     verdict_name(b->checks[i].status));
        cr_assert_eq(a->checks[i].message == NULL, b->checks[i].message == NULL);
    }
    cr_assert_float_eq(a->score.correctness, b->score.correctness, 1e-9, "%s", a->submission);
    cr_assert_float_eq(a->score.max, b->score.max, 1e-9);
    cr_assert(fabs(a->score.performance - b->score.performance) <= 1.0, "%s: performance %g vs %g",
              a->submission, a->score.performance, b->score.performance);
    cr_assert_str_eq(a->facts.submission_sha256, b->facts.submission_sha256);
    cr_assert_str_eq(a->facts.exercise_sha256, b->facts.exercise_sha256);
}

Test(engine_batch, two_in_flight_give_the_one_at_a_time_results_and_share_the_reference)
{
    struct engine_config cfg = {0};
    struct engine *one = NULL, *many = NULL;
    struct engine_batch *b = NULL;
    struct engine_stats s1, s2;
    struct run_result alone[NSUBS];
    struct got got[NSUBS];
    struct ph_err err = {0};

    cfg.ref_policy = ENGINE_REF_CACHED;
    cr_assert_eq(engine_new(&cfg, &one, &err), PH_OK, "%s", err.msg);
    cr_assert_eq(engine_new(&cfg, &many, &err), PH_OK, "%s", err.msg);
    for (size_t i = 0; i < NSUBS; i++) {
        struct engine_opts o;
        opts_for(&o, subs[i]);
        cr_assert_eq(engine_grade(one, ex, &o, NULL, &alone[i], &err), PH_OK, "%s", err.msg);
    }
    memset(got, 0, sizeof got);
    cr_assert_eq(engine_batch_new(many, 2, &b, &err), PH_OK, "%s", err.msg);
    for (size_t i = 0; i < NSUBS; i++) {
        struct engine_opts o;
        opts_for(&o, subs[i]);
        cr_assert_eq(engine_batch_add(b, ex, &o, NULL, got_done, &got[i], &err), PH_OK, "%s",
                     err.msg);
    }
    engine_batch_run(b);
    cr_assert_eq(engine_batch_step(b, 0), 0);
    for (size_t i = 0; i < NSUBS; i++) {
        cr_assert_eq(got[i].called, 1, "%s answered %d times", subs[i], got[i].called);
        cr_assert_eq(got[i].rc, PH_OK, "%s: %s", subs[i], got[i].msg);
        assert_same(&alone[i], &got[i].res);
        run_result_cleanup(&alone[i]);
        run_result_cleanup(&got[i].res);
    }
    engine_get_stats(one, &s1);
    engine_get_stats(many, &s2);
    /* the reference's whole run once per exercise, both ways; its timed
     * checks beside every candidate, both ways */
    cr_assert_eq(s1.ref_whole, 1);
    cr_assert_eq(s2.ref_whole, 1, "the batch ran the reference whole %lu times", s2.ref_whole);
    cr_assert_eq(s2.ref_timed, s1.ref_timed);
    cr_assert_eq(s2.submissions, NSUBS);
    /* the hung check cost its own check: the checks after it ran again */
    cr_assert_eq(s2.resumed, s1.resumed);
    cr_assert_gt(s2.resumed, 0);
    cr_assert_eq(s2.perf_steadied, s1.perf_steadied);
    cr_log_info("one at a time: ref whole %lu timed %lu, resumed %lu, steadied %lu, hosts %lu; "
                "batch: ref whole %lu timed %lu, resumed %lu, steadied %lu, hosts %lu",
                s1.ref_whole, s1.ref_timed, s1.resumed, s1.perf_steadied, s1.hosts_started,
                s2.ref_whole, s2.ref_timed, s2.resumed, s2.perf_steadied, s2.hosts_started);
    /* two runs were in flight at once: a host each, no more */
    cr_assert_eq(s2.hosts_started, 2);
    engine_batch_free(b);
    engine_free(one);
    engine_free(many);
}

Test(engine_batch, screened_submissions_are_answered_at_once)
{
    struct engine *e = NULL;
    struct engine_batch *b = NULL;
    struct engine_opts o;
    struct got g[2];
    struct ph_err err = {0};
    static const char latin1[] = "def add(a, b):\n    return a + b  # caf\xe9\n";

    cr_assert_eq(engine_new(NULL, &e, &err), PH_OK, "%s", err.msg);
    cr_assert_eq(engine_batch_new(e, 2, &b, &err), PH_OK, "%s", err.msg);
    memset(g, 0, sizeof g);
    opts_for(&o, "/nonexistent/ph-batch/missing.py");
    cr_assert_eq(engine_batch_add(b, ex, &o, NULL, got_done, &g[0], &err), PH_OK);
    cr_assert_eq(g[0].called, 1);
    cr_assert_eq(g[0].rc, PH_EINPUT, "%s", g[0].msg);
    opts_for(&o, "/tmp/latin1.py");
    o.submission_text = latin1;
    o.submission_len = strlen(latin1);
    cr_assert_eq(engine_batch_add(b, ex, &o, NULL, got_done, &g[1], &err), PH_OK);
    cr_assert_eq(g[1].called, 1);
    cr_assert_eq(g[1].rc, PH_OK, "%s", g[1].msg);
    cr_assert_eq(g[1].res.verdict, VERDICT_ERROR);
    cr_assert(strstr(g[1].res.detail, "not valid UTF-8") != NULL, "%s", g[1].res.detail);
    run_result_cleanup(&g[1].res);
    cr_assert_eq(engine_batch_step(b, 0), 0, "nothing left to run");
    engine_batch_free(b);
    engine_free(e);
}

Test(engine_batch, the_rolling_reference_is_refused_and_free_drops_what_is_queued)
{
    struct engine_config cfg = {0};
    struct engine *e = NULL;
    struct engine_batch *b = NULL;
    struct engine_opts o;
    struct got g;
    struct ph_err err = {0};

    cfg.ref_policy = ENGINE_REF_ROLLING;
    cr_assert_eq(engine_new(&cfg, &e, &err), PH_OK, "%s", err.msg);
    cr_assert_eq(engine_batch_new(e, 2, &b, &err), PH_EUSAGE);
    cr_assert_null(b);
    engine_free(e);

    cfg.ref_policy = ENGINE_REF_CACHED;
    cr_assert_eq(engine_new(&cfg, &e, &err), PH_OK, "%s", err.msg);
    cr_assert_eq(engine_batch_new(e, 2, &b, &err), PH_OK, "%s", err.msg);
    memset(&g, 0, sizeof g);
    opts_for(&o, hang_path);
    cr_assert_eq(engine_batch_add(b, ex, &o, NULL, got_done, &g, &err), PH_OK);
    (void)engine_batch_step(b, 100); /* the reference's run is in flight */
    engine_batch_free(b);            /* killed, nothing answered */
    cr_assert_eq(g.called, 0);
    engine_free(e);
}
