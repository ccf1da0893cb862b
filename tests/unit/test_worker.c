/* Unit tests for worker.c's start/poll state machine: several runs in
 * flight from one pool, driven over one poll(), each ending as it would
 * alone.  The runs are real: this binary serves as its own sandbox host
 * (see serve_as_host below), on the mini fixture exercise. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "embed.h"
#include "exercise.h"
#include "fileio.h"
#include "paths.h"
#include "worker.h"
#include "worker_host.h"

#define MINI PH_TEST_DATA "/integration/fixtures/exercises/mini"

#include "serve_as_host.h"

static struct exercise *ex;
static char dir[64];
static char hang_path[128], good_path[128];

static void start(void)
{
    struct ph_err err = {0};
    struct embed_options o = {1};

    cr_assert_eq(paths_init(&err), PH_OK, "%s", err.msg);
    cr_assert_eq(embed_init(&o, &err), PH_OK, "%s", err.msg);
    cr_assert_eq(exercise_load(MINI, &ex, &err), PH_OK, "%s", err.msg);
    snprintf(dir, sizeof dir, "/tmp/ph-test-worker-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    snprintf(good_path, sizeof good_path, "%s/good.py", MINI "/examples");
    snprintf(hang_path, sizeof hang_path, "%s/hang.py", dir);
    /* imports, then never returns from its first check */
    cr_assert_eq(fileio_write(hang_path,
                              "def add(a, b):\n    while True:\n        pass\n\n"
                              "def squares(n):\n    return (i * i for i in range(n))\n",
                              strlen("def add(a, b):\n    while True:\n        pass\n\n"
                                     "def squares(n):\n    return (i * i for i in range(n))\n"),
                              &err),
                 PH_OK, "%s", err.msg);
}

static void stop(void)
{
    exercise_free(ex);
    fileio_rmtree(dir);
}

TestSuite(worker, .init = start, .fini = stop, .timeout = 120);

static void spec_for(struct worker_spec *s, const char *path)
{
    memset(s, 0, sizeof *s);
    s->ex = ex;
    s->role = WORKER_CANDIDATE;
    s->module_path = path;
    s->display_name = "submission.py";
}

/* Every check of `r` reported, the run ended well. */
static void assert_complete(const struct worker_result *r)
{
    cr_assert_eq(r->end, WORKER_END_OK, "ended %s: %s", worker_end_name(r->end), r->detail);
    cr_assert_eq(r->nchecks, ex->nchecks);
    for (size_t i = 0; i < r->nchecks; i++)
        cr_assert_not_null(r->checks[i].frame, "check %s has no frame", r->checks[i].name);
    cr_assert_not_null(r->end_frame);
}

Test(worker, two_runs_in_flight_on_one_pool_each_end_as_they_would_alone)
{
    struct worker_pool *pool = NULL;
    struct worker_spec sa, sb;
    struct worker_job *jobs[2] = {NULL, NULL};
    struct worker_result ra, rb, alone;
    struct ph_err err = {0};
    size_t polls = 0;

    cr_assert_eq(worker_pool_new(4, &pool, &err), PH_OK, "%s", err.msg);
    spec_for(&sa, good_path);
    spec_for(&sb, MINI "/reference.py");
    sb.role = WORKER_REFERENCE;
    cr_assert_eq(worker_start(pool, &sa, &jobs[0], &err), PH_OK, "%s", err.msg);
    cr_assert_eq(worker_start(pool, &sb, &jobs[1], &err), PH_OK, "%s", err.msg);
    /* one host per run in flight */
    cr_assert_eq(worker_pool_hosts_started(pool), 2);
    cr_assert_not(worker_job_done(jobs[0]) && worker_job_done(jobs[1]));
    while (worker_poll(jobs, 2, -1) < 2)
        polls++;
    cr_assert_gt(polls, 0);
    cr_assert(worker_job_done(jobs[0]) && worker_job_done(jobs[1]));
    cr_assert_eq(worker_finish(jobs[0], &ra, &err), PH_OK, "%s", err.msg);
    cr_assert_eq(worker_finish(jobs[1], &rb, &err), PH_OK, "%s", err.msg);
    assert_complete(&ra);
    assert_complete(&rb);
    cr_assert_eq(rb.role, WORKER_REFERENCE);
    /* the same run alone, through worker_run(), on a host kept idle */
    cr_assert_eq(worker_run(pool, &sa, &alone, &err), PH_OK, "%s", err.msg);
    assert_complete(&alone);
    cr_assert_eq(worker_pool_hosts_started(pool), 2);
    for (size_t i = 0; i < ex->nchecks; i++) {
        char *x = cJSON_PrintUnformatted(cJSON_GetObjectItem(ra.checks[i].frame, "obs"));
        char *y = cJSON_PrintUnformatted(cJSON_GetObjectItem(alone.checks[i].frame, "obs"));

        cr_assert_str_eq(x, y, "check %s observed differently", ra.checks[i].name);
        free(x);
        free(y);
    }
    worker_result_cleanup(&ra);
    worker_result_cleanup(&rb);
    worker_result_cleanup(&alone);
    worker_pool_free(pool);
}

Test(worker, a_hung_run_holds_back_neither_the_other_run_nor_its_own_timeout)
{
    struct worker_pool *pool = NULL;
    struct worker_spec sh, sg;
    struct worker_job *jobs[2] = {NULL, NULL};
    struct worker_result rh, rg;
    struct ph_err err = {0};

    cr_assert_eq(worker_pool_new(2, &pool, &err), PH_OK, "%s", err.msg);
    spec_for(&sh, hang_path);
    spec_for(&sg, good_path);
    cr_assert_eq(worker_start(pool, &sh, &jobs[0], &err), PH_OK, "%s", err.msg);
    cr_assert_eq(worker_start(pool, &sg, &jobs[1], &err), PH_OK, "%s", err.msg);
    /* The good run ends, as it would alone, whatever its neighbour does.
     * It usually ends while the hung one is still in its check (3 s
     * limit), but not on every machine: under ASan at load 20 it took
     * longer than that, so the order is reported, not asserted (no timed
     * assertions). */
    while (!worker_job_done(jobs[1]))
        (void)worker_poll(jobs, 2, -1);
    if (worker_job_done(jobs[0]))
        cr_log_warn("the hung run reached its limit before the good run ended (a loaded machine)");
    cr_assert_eq(worker_finish(jobs[1], &rg, &err), PH_OK, "%s", err.msg);
    assert_complete(&rg);
    cr_assert_eq(worker_finish(jobs[0], &rh, &err), PH_OK, "%s", err.msg);
    cr_assert_eq(rh.end, WORKER_END_TIMEOUT, "ended %s: %s", worker_end_name(rh.end), rh.detail);
    cr_assert(rh.checks[0].stopped);
    cr_assert(strstr(rh.checks[0].stop_detail, "check add ran past its 3 s limit") != NULL, "%s",
              rh.checks[0].stop_detail);
    worker_result_cleanup(&rh);
    worker_result_cleanup(&rg);
    worker_pool_free(pool);
}

Test(worker, a_cancelled_run_gives_its_host_back_and_a_full_pool_says_so)
{
    struct worker_pool *pool = NULL;
    struct worker_spec sh, sg;
    struct worker_job *j = NULL, *k = NULL;
    struct worker_result r;
    struct ph_err err = {0};

    cr_assert_eq(worker_pool_new(1, &pool, &err), PH_OK, "%s", err.msg);
    spec_for(&sh, hang_path);
    spec_for(&sg, good_path);
    cr_assert_eq(worker_start(pool, &sh, &j, &err), PH_OK, "%s", err.msg);
    (void)worker_poll(&j, 1, 100);
    /* the one host is busy: a second run cannot start, and nothing is in flight for it */
    cr_assert_eq(worker_start(pool, &sg, &k, &err), PH_EINTERNAL);
    cr_assert_null(k);
    cr_assert(strstr(err.msg, "busy") != NULL, "%s", err.msg);
    worker_cancel(j);
    worker_cancel(NULL);
    /* the same host serves the next run */
    err = (struct ph_err){0};
    cr_assert_eq(worker_run(pool, &sg, &r, &err), PH_OK, "%s", err.msg);
    assert_complete(&r);
    cr_assert_eq(worker_pool_hosts_started(pool), 1);
    worker_result_cleanup(&r);
    worker_pool_free(pool);
}

Test(worker, a_run_that_cannot_start_leaves_nothing_in_flight)
{
    struct worker_pool *pool = NULL;
    struct worker_spec s;
    struct worker_job *j = (struct worker_job *)&s;
    const char *only[] = {"no_such_check"};
    struct ph_err err = {0};

    cr_assert_eq(worker_pool_new(1, &pool, &err), PH_OK, "%s", err.msg);
    spec_for(&s, good_path);
    s.only = only;
    s.nonly = 1;
    cr_assert_eq(worker_start(pool, &s, &j, &err), PH_EINPUT);
    cr_assert_null(j);
    cr_assert(strstr(err.msg, "no check named \"no_such_check\"") != NULL, "%s", err.msg);
    cr_assert_eq(worker_pool_hosts_started(pool), 0);
    worker_pool_free(pool);
}
