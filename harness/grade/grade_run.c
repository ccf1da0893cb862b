/*
 * grade_run.c - see grade_run.h.
 *
 * Processes:
 *
 *   grade (parent: no interpreter, no candidate code)
 *     |-- worker 1 (engine: interpreter, sandbox hosts) -- store
 *     |-- worker 2 ...                                   -- store
 *
 * The parent writes a part's index on a worker's job pipe; the worker
 * grades it, commits its row to the store (SQLite, WAL: workers write
 * concurrently), and answers with the index on its own result pipe.  Parts
 * go out exercise by exercise so a worker's sandbox host (one per exercise
 * today) is reused across students.  Workers die with the parent
 * (PR_SET_PDEATHSIG), their hosts with them; what they were grading is not
 * in the store and is graded on the next run.
 */
#include "grade_run.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "engine.h"
#include "exercise.h"
#include "explain_score.h"
#include "fileio.h"
#include "homework.h"
#include "progress.h"
#include "report_json.h"
#include "scratch.h"
#include "sha256.h"
#include "store.h"
#include "submissions.h"

struct job {
    size_t s, k; /* student, exercise */
    char sub_sha[65], expl_sha[65];
};

struct ctx {
    struct engine *engine; /* the worker's own (NULL in the parent) */
    const struct homework *hw;
    const struct subs_class *cls;
    const struct grade_opts *o;
    struct job *jobs;
    size_t njobs;
    char store_path[PATH_MAX];
    char shard[32];
    int stats; /* $PYHARNESS_GRADE_STATS set: workers print their engine's counts */
    /* In a worker, for $PYHARNESS_GRADE_STATS: wall time scoring
     * explanations and recording parts (the JSON and the store's commit). */
    long long expl_ns, record_ns;
    /* In a worker: the first failure to record a part (the run stops). */
    enum ph_rc rec_rc;
    struct ph_err rec_err;
};

int grade_in_shard(const char *student, int k, int n)
{
    unsigned char d[SHA256_DIGEST_LEN];
    struct sha256_ctx c;
    unsigned long long v = 0;

    if (n <= 0)
        return 1;
    sha256_init(&c);
    sha256_update(&c, student, strlen(student));
    sha256_final(&c, d);
    for (int i = 0; i < 8; i++)
        v = v << 8 | d[i];
    return (int)(v % (unsigned long long)n) == k - 1;
}

static long long now_s(void)
{
    return (long long)time(NULL);
}

static long long mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* The problems of a part for the student, code and explanation together;
 * caller frees. */
static char *part_problem(const struct subs_part *p, const char *extra)
{
    const char *a = p->problem, *b = p->expl_problem;
    char *s = NULL;

    if (a == NULL && b == NULL && extra == NULL)
        return NULL;
    if (asprintf(&s, "%s%s%s%s%s", a ? a : "", a && (b || extra) ? "; " : "", b ? b : "",
                 b && extra ? "; " : "", extra ? extra : "") < 0)
        return NULL;
    return s;
}

static void base_row(const struct ctx *c, const struct job *j, struct store_grade_row *row)
{
    const struct subs_student *st = &c->cls->st[j->s];
    const struct subs_part *p = &st->parts[j->k];

    memset(row, 0, sizeof *row);
    row->student = st->id;
    row->exercise = c->hw->ex[j->k].id;
    row->exercise_sha256 = c->hw->ex[j->k].sha256;
    row->submission_sha256 = j->sub_sha;
    row->explanation_sha256 = j->expl_sha;
    row->attempts = p->attempts;
    row->submitted_at = p->submitted_at;
    row->graded_at = now_s();
    row->shard = c->shard;
    row->source = p->code;
}

static char *budget_note(const struct homework *hw, const struct subs_part *p)
{
    char *s = NULL;

    if (hw->budget <= 0 || p->attempts <= hw->budget)
        return NULL;
    if (asprintf(&s, "%d submissions, over this assignment's budget of %d", p->attempts,
                 hw->budget) < 0)
        return NULL;
    return s;
}

/* A part screened out before any run: missing or unreadable code. */
static enum ph_rc record_screened(struct ctx *c, struct store *st, const struct job *j,
                                  struct ph_err *err)
{
    const struct subs_part *p = &c->cls->st[j->s].parts[j->k];
    struct store_grade_row row;
    char *note = budget_note(c->hw, p), *problem = part_problem(p, note);
    enum ph_rc rc;

    base_row(c, j, &row);
    row.status = p->status;
    row.problem = problem;
    row.max = 100;
    rc = store_grade_put(st, &row, err);
    free(problem);
    free(note);
    return rc;
}

/* A part over the submission budget: recorded, not run. */
static enum ph_rc record_over_budget(struct ctx *c, struct store *st, const struct job *j,
                                     struct ph_err *err)
{
    const struct subs_part *p = &c->cls->st[j->s].parts[j->k];
    struct store_grade_row row;
    char *why = NULL, *problem;
    enum ph_rc rc;

    if (asprintf(&why, "submission %d, over this assignment's budget of %d submissions: not graded",
                 p->attempts, c->hw->budget) < 0)
        return ph_errf(err, PH_ENOMEM, "out of memory");
    problem = part_problem(p, why);
    base_row(c, j, &row);
    row.status = GRADE_STATUS_OVER_BUDGET;
    row.problem = problem ? problem : why;
    row.max = 100;
    rc = store_grade_put(st, &row, err);
    free(problem);
    free(why);
    return rc;
}

/* ---- worker process ------------------------------------------------------ */

static enum ph_rc score_expl(const struct exercise *ex, const struct subs_part *p, int scorer,
                             struct explain_result **out, char **note)
{
    struct explain_job job;
    struct ph_err e = {0};
    enum ph_rc rc;

    *out = NULL;
    *note = NULL;
    if (p->expl == NULL)
        return PH_OK;
    if (ex->rubric == NULL) {
        *note = strdup("this exercise scores no explanation: the .md file was not read");
        return PH_OK;
    }
    memset(&job, 0, sizeof job);
    job.ex = ex;
    job.answer = p->expl;
    job.source = "explanation";
    rc = explain_score_many(&job, 1, (enum explain_scorer)scorer, &e);
    if (rc == PH_OK && job.rc == PH_OK) {
        *out = malloc(sizeof **out);
        if (*out != NULL) {
            **out = job.result;
            memset(&job.result, 0, sizeof job.result);
        }
    } else if (asprintf(note, "the explanation could not be scored: %s",
                        job.rc != PH_OK ? job.err.msg : e.msg) < 0) {
        *note = NULL;
    }
    explain_result_cleanup(&job.result);
    return PH_OK;
}

/* A part handed to the engine and not yet recorded (the engine's rolling
 * reference holds it until the reference's measurement after it). */
struct part_wait {
    struct ctx *c;
    struct store *st;
    const struct job *j;
    long idx;
    int out_fd;
    char *expl_note;
    long long t0;
    long long submit_ns; /* its engine_submit() call, once returned */
    int in_submit;
    int recorded;
    enum ph_rc rc; /* of recording it in the store */
    struct ph_err err;
};

static int write_all(int fd, const char *s, size_t n);

/* Record one graded part (the engine's answer) and tell the parent.  A
 * failure of the grader itself is recorded too (status "error", empty
 * hashes so that the next run grades it again). */
static void part_done(void *ud, enum ph_rc grc, struct run_result *res, const struct ph_err *gerr)
{
    struct part_wait *w = ud;
    struct ctx *c = w->c;
    const struct job *j = w->j;
    const struct subs_part *p = &c->cls->st[j->s].parts[j->k];
    struct store_grade_row row;
    char *budget = NULL, *extra = NULL, *problem = NULL, *json = NULL;
    char line[32];
    int n;
    long long t0 = mono_ns();

    base_row(c, j, &row);
    budget = budget_note(c->hw, p);
    if (w->expl_note != NULL && budget != NULL) {
        if (asprintf(&extra, "%s; %s", w->expl_note, budget) < 0)
            extra = NULL;
    } else {
        extra = w->expl_note ? strdup(w->expl_note) : budget ? strdup(budget) : NULL;
    }
    if (grc == PH_OK) {
        cJSON *jr = report_json_run(res);
        char stop[256];
        const char *why =
            homework_budget_stop(c->hw, j->k, verdict_name(res->verdict), stop, sizeof stop);
        json = jr ? cJSON_PrintUnformatted(jr) : NULL;
        cJSON_Delete(jr);
        if (why != NULL) {
            /* Stopped by the assignment's budget: say so first. */
            char *both = NULL;
            if (asprintf(&both, "%s%s%s", why, extra ? "; " : "", extra ? extra : "") < 0)
                both = NULL;
            free(extra);
            extra = both;
        }
        problem = part_problem(p, extra);
        row.status = verdict_name(res->verdict);
        row.wall_ns = res->metrics.wall_ns;
        row.cpu_ns = res->metrics.cpu_ns;
        row.py_peak_bytes = res->metrics.py_peak_bytes;
        row.rss_peak_bytes = res->metrics.rss_peak_bytes;
        row.correctness = res->score.correctness;
        row.performance = res->score.performance;
        row.explanation = res->score.explanation;
        row.total = res->score.total;
        row.max = res->score.max > 0 ? res->score.max : 100;
        row.flagged =
            res->explanation != NULL && (res->explanation->flagged || res->explanation->fallback ||
                                         res->explanation->injection);
        row.result_json = json;
    } else {
        char *msg = NULL;
        if (asprintf(&msg,
                     "the grader failed on this part (%s); it is graded again on the "
                     "next run",
                     gerr->msg) < 0)
            msg = NULL;
        problem = msg;
        row.status = "error";
        row.max = 100;
        /* Empty hashes: never taken for an up-to-date part. */
        row.exercise_sha256 = "";
        row.submission_sha256 = "";
    }
    row.problem = problem;
    /* A part judged later is charged its own submission's time; the
     * reference measurement that settles it is charged to the part whose
     * submission took it. */
    row.grade_ns = w->in_submit ? mono_ns() - w->t0 : w->submit_ns;
    w->rc = store_grade_put(w->st, &row, &w->err);
    w->recorded = 1;
    c->record_ns += mono_ns() - t0;
    if (w->rc == PH_OK) {
        n = snprintf(line, sizeof line, "%ld\n", w->idx);
        if (write_all(w->out_fd, line, (size_t)n) != 0)
            w->rc = ph_errf(&w->err, PH_EIO, "the parent stopped listening");
    }
    if (w->rc != PH_OK && c->rec_rc == PH_OK) {
        c->rec_rc = w->rc;
        c->rec_err = w->err;
    }
    if (res != NULL) {
        run_result_cleanup(res);
        free(res);
    }
    free(json);
    free(problem);
    free(extra);
    free(budget);
    free(w->expl_note);
    w->expl_note = NULL;
}

/* Hand one part to the engine; part_done() records it, now or after a
 * later part. */
static void grade_one(struct ctx *c, struct part_wait *w)
{
    const struct hw_exercise *he = &c->hw->ex[w->j->k];
    const struct subs_student *stu = &c->cls->st[w->j->s];
    const struct subs_part *p = &stu->parts[w->j->k];
    struct engine_opts eo;
    struct explain_result *er = NULL;
    struct ph_err e = {0};
    char display[512];

    w->t0 = mono_ns();
    w->in_submit = 1;
    snprintf(display, sizeof display, "%s/%s.py", stu->id, he->id);
    (void)score_expl(he->ex, p, c->o->scorer, &er, &w->expl_note);
    c->expl_ns += mono_ns() - w->t0;
    memset(&eo, 0, sizeof eo);
    eo.submission_path = display;
    eo.display_name = display;
    /* The bytes screened and hashed are the bytes graded: no file between. */
    eo.submission_text = p->code;
    eo.submission_len = p->code_len;
    /* Errors of a reference measurement reach each part it concerned. */
    (void)engine_submit(c->engine, he->ex, &eo, er, part_done, w, &e);
    w->submit_ns = mono_ns() - w->t0;
    w->in_submit = 0;
}

/* The first failure to record a part in this worker, or PH_OK. */
static enum ph_rc first_failure(const struct ctx *c, struct ph_err *err)
{
    if (c->rec_rc != PH_OK)
        *err = c->rec_err;
    return c->rec_rc;
}

/* Read one decimal index terminated by '\n'; -1 at EOF or on garbage. */
static long read_index(int fd)
{
    char buf[32];
    size_t n = 0;

    while (n < sizeof buf - 1) {
        ssize_t r = read(fd, buf + n, 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        if (buf[n] == '\n')
            break;
        n++;
    }
    buf[n] = '\0';
    if (n == 0 || n >= sizeof buf - 1)
        return -1;
    char *end;
    long v = strtol(buf, &end, 10);
    return *end == '\0' ? v : -1;
}

static int write_all(int fd, const char *s, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, s, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        s += w;
        n -= (size_t)w;
    }
    return 0;
}

static void on_nothing(int sig)
{
    (void)sig;
}

static void worker_main(struct ctx *c, int in_fd, int out_fd, pid_t parent)
{
    struct store *st = NULL;
    struct part_wait *waits = NULL;
    struct ph_err e = {0};
    long idx;
    long last_k = -1;
    int status = 3;
    long long born_ns = mono_ns(), start_ns = 0;

    (void)prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    if (getppid() != parent)
        _exit(3);
    struct engine_config cfg;
    memset(&cfg, 0, sizeof cfg);
    /* One host per exercise stays alive, and each exercise's reference is
     * observed once in this process.  Its timed checks are measured again
     * beside each candidate (--reference each) or every few candidates,
     * bracketing them (--reference rolling, the default: engine.h). */
    cfg.max_hosts = c->hw->nex;
    cfg.ref_policy = c->o->ref_each ? ENGINE_REF_CACHED : ENGINE_REF_ROLLING;
    cfg.ref_every = (unsigned)c->o->ref_every;
    cfg.scorer = (enum explain_scorer)c->o->scorer;
    waits = calloc(c->njobs ? c->njobs : 1, sizeof *waits);
    if (waits == NULL) {
        fprintf(stderr, "pyharness: grade worker: out of memory\n");
        goto out;
    }
    /* One commit per part, without waiting for the disk: kill -9 loses
     * nothing committed (store_relax_sync), and a commit cost 4-5 ms of
     * fdatasync per part on a busy machine. */
    if (c->o->start_engine(&e) != PH_OK || engine_new(&cfg, &c->engine, &e) != PH_OK ||
        store_open(c->store_path, &st, &e) != PH_OK || store_relax_sync(st, &e) != PH_OK) {
        fprintf(stderr, "pyharness: grade worker: %s\n", e.msg);
        goto out;
    }
    start_ns = mono_ns() - born_ns;
    /* The parent decides what a Ctrl-C or a SIGTERM means (grade_run.h):
     * it stops dispatching and kills this process.  A handler that does
     * nothing, not SIG_IGN: an ignored signal would stay ignored across
     * exec in the sandbox hosts and their runs; a handler is reset there. */
    {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_nothing;
        sa.sa_flags = SA_RESTART;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGTERM, &sa, NULL);
        sigaction(SIGHUP, &sa, NULL);
    }
    /* The parent sends a part when this process says "R" (ready for one);
     * each part's index comes back once it is recorded. */
    while ((idx = read_index(in_fd)) >= 0) {
        struct part_wait *w;
        if ((size_t)idx >= c->njobs)
            break;
        w = &waits[idx];
        memset(w, 0, sizeof *w);
        w->c = c;
        w->st = st;
        w->j = &c->jobs[idx];
        w->idx = idx;
        w->out_fd = out_fd;
        /* A new exercise: the last one's waiting parts get their closing
         * measurement now, next to their runs, not at the end. */
        if (last_k >= 0 && (size_t)last_k != w->j->k)
            (void)engine_settle(c->engine, NULL, &e);
        last_k = (long)w->j->k;
        grade_one(c, w);
        if (first_failure(c, &e) != PH_OK) {
            fprintf(stderr, "pyharness: grade worker: %s\n", e.msg);
            goto out;
        }
        if (write_all(out_fd, "R\n", 2) != 0)
            goto out;
    }
    (void)engine_settle(c->engine, NULL, &e);
    if (first_failure(c, &e) != PH_OK) {
        fprintf(stderr, "pyharness: grade worker: %s\n", e.msg);
        goto out;
    }
    status = 0;
    if (c->stats) {
        /* For benchmarks ($PYHARNESS_GRADE_STATS): what this worker's engine
         * ran, to the parent, which prints it. */
        struct engine_stats es;
        char line[512];
        int n;
        engine_get_stats(c->engine, &es);
        n = snprintf(line, sizeof line,
                     "S {\"submissions\": %lu, \"ref_whole\": %lu, \"ref_timed\": %lu, "
                     "\"base_timed\": %lu, \"ref_drifts\": %lu, \"ref_spared\": %lu, "
                     "\"cand_timed\": %lu, \"perf_other_timed\": %lu, \"perf_steadied\": %lu, "
                     "\"ref_ns\": %lld, "
                     "\"cand_ns\": %lld, \"judge_ns\": %lld, \"expl_ns\": %lld, "
                     "\"record_ns\": %lld, \"start_ns\": %lld, \"worker_ns\": %lld}\n",
                     es.submissions, es.ref_whole, es.ref_timed, es.base_timed, es.ref_drifts,
                     es.ref_spared, es.cand_timed, es.perf_other_timed, es.perf_steadied, es.ref_ns,
                     es.cand_ns, es.judge_ns, c->expl_ns, c->record_ns, start_ns,
                     mono_ns() - born_ns);
        (void)write_all(out_fd, line, (size_t)n);
    }
out:
    store_close(st);
    engine_free(c->engine);
    free(waits);
    fflush(stdout);
    fflush(stderr);
    /* exit(), not _exit(): the interpreter's atexit handlers run. */
    exit(status);
}

/* ---- parent -------------------------------------------------------------- */

/* Parts a worker holds at once: the one it runs and those waiting for the
 * reference measurement after them (engine.h, ENGINE_REF_ROLLING). */
#define HELD_MAX (ENGINE_ROLL_EVERY_MAX + 2)

struct worker {
    pid_t pid;
    int job_fd, res_fd;  /* job_fd -1 once told there is no more */
    long held[HELD_MAX]; /* indices handed out and not yet recorded */
    size_t nheld;
    char rbuf[512];
    size_t rlen;
};

/* `all`/`nall`: every worker slot, whose pipe ends the new child must not
 * keep (a job pipe held open by a sibling never reaches EOF). */
static int spawn(struct ctx *c, struct worker *w, struct worker *all, int nall)
{
    int jp[2], rp[2];
    pid_t parent = getpid();

    if (pipe2(jp, O_CLOEXEC) != 0)
        return -1;
    if (pipe2(rp, O_CLOEXEC) != 0) {
        close(jp[0]);
        close(jp[1]);
        return -1;
    }
    fflush(stdout);
    fflush(stderr);
    w->pid = fork();
    if (w->pid < 0) {
        close(jp[0]);
        close(jp[1]);
        close(rp[0]);
        close(rp[1]);
        return -1;
    }
    if (w->pid == 0) {
        close(jp[1]);
        close(rp[0]);
        for (int i = 0; i < nall; i++)
            if (&all[i] != w && all[i].pid > 0) {
                close(all[i].job_fd);
                close(all[i].res_fd);
            }
        worker_main(c, jp[0], rp[1], parent);
    }
    close(jp[0]);
    close(rp[1]);
    w->job_fd = jp[1];
    w->res_fd = rp[0];
    w->nheld = 0;
    w->rlen = 0;
    return 0;
}

static void retire(struct worker *w, int drain)
{
    if (w->job_fd >= 0)
        close(w->job_fd);
    /* A worker that ended normally may still say what its engine ran
     * ($PYHARNESS_GRADE_STATS) after its last part. */
    while (drain && w->res_fd >= 0) {
        char *nl;
        ssize_t r = read(w->res_fd, w->rbuf + w->rlen, sizeof w->rbuf - 1 - w->rlen);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        w->rlen += (size_t)r;
        w->rbuf[w->rlen] = '\0';
        while ((nl = strchr(w->rbuf, '\n')) != NULL) {
            *nl = '\0';
            if (strncmp(w->rbuf, "S ", 2) == 0)
                fprintf(stderr, "pyharness: grade worker stats: %s\n", w->rbuf + 2);
            memmove(w->rbuf, nl + 1, w->rlen - (size_t)(nl + 1 - w->rbuf) + 1);
            w->rlen = strlen(w->rbuf);
        }
        if (w->rlen == sizeof w->rbuf - 1)
            w->rlen = 0;
    }
    if (w->res_fd >= 0)
        close(w->res_fd);
    w->job_fd = w->res_fd = -1;
    if (w->pid > 0)
        (void)waitpid(w->pid, NULL, 0);
    w->pid = -1;
}

static int send_job(struct worker *w, size_t idx)
{
    char line[32];
    int n = snprintf(line, sizeof line, "%zu\n", idx);

    if (w->nheld == HELD_MAX)
        return -1;
    w->held[w->nheld++] = (long)idx;
    return write_all(w->job_fd, line, (size_t)n);
}

/* Forget `idx` among the parts `w` holds; 0, or -1 when it held no such part. */
static int drop_held(struct worker *w, long idx)
{
    for (size_t i = 0; i < w->nheld; i++)
        if (w->held[i] == idx) {
            w->held[i] = w->held[--w->nheld];
            return 0;
        }
    return -1;
}

/* The worker is ready for a part: the next one, or the news that there is
 * none (its job pipe closed: it judges what it holds and ends). */
static void feed(struct worker *w, const size_t *order, size_t n, size_t *next)
{
    if (w->job_fd < 0)
        return;
    if (*next < n && send_job(w, order[*next]) == 0) {
        (*next)++;
        return;
    }
    close(w->job_fd);
    w->job_fd = -1;
}

/* A worker died with a part in hand: record that part as the grader's
 * failure so the student is not silently missing, and retry next run. */
static enum ph_rc record_lost(struct ctx *c, const struct job *j, int status, struct ph_err *err)
{
    struct store *st = NULL;
    struct store_grade_row row;
    char msg[256];
    enum ph_rc rc;

    rc = store_open(c->store_path, &st, err);
    if (rc != PH_OK)
        return rc;
    base_row(c, j, &row);
    snprintf(msg, sizeof msg,
             "the grader's worker process ended while grading this part (%s %d); it is graded "
             "again on the next run",
             WIFSIGNALED(status) ? "signal" : "status",
             WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
    row.status = "error";
    row.problem = msg;
    row.max = 100;
    row.exercise_sha256 = "";
    row.submission_sha256 = "";
    rc = store_grade_put(st, &row, err);
    store_close(st);
    return rc;
}

static volatile sig_atomic_t stop_signal;

static void on_stop(int sig)
{
    stop_signal = sig;
}

static enum ph_rc dispatch(struct ctx *c, size_t *order, size_t n, struct grade_counts *counts,
                           size_t skipped, struct ph_err *err)
{
    static const int stops[] = {SIGINT, SIGTERM, SIGHUP};
    struct sigaction sa, old[3];
    struct worker ws[GRADE_JOBS_MAX];
    struct pollfd pf[GRADE_JOBS_MAX];
    struct progress prog;
    size_t next = 0, done = 0;
    int nw = c->o->jobs < (int)n ? c->o->jobs : (int)n;
    enum ph_rc rc = PH_OK;
    void (*old_pipe)(int) = signal(SIGPIPE, SIG_IGN);

    /* Stop cleanly on Ctrl-C or a scheduler's SIGTERM: no SA_RESTART, so
     * poll() returns and the loop sees the flag. */
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop;
    sigemptyset(&sa.sa_mask);
    stop_signal = 0;
    for (int i = 0; i < 3; i++)
        sigaction(stops[i], &sa, &old[i]);
    if (!c->o->quiet)
        progress_start(&prog, stderr, n, skipped);
    for (int i = 0; i < nw; i++) {
        ws[i].pid = -1;
        ws[i].job_fd = ws[i].res_fd = -1;
        if (spawn(c, &ws[i], ws, i) != 0) {
            rc = ph_errf(err, PH_EIO, "cannot start a grading worker: %s", strerror(errno));
            nw = i;
            goto out;
        }
        if (next < n && send_job(&ws[i], order[next]) == 0)
            next++;
    }
    while (done < n) {
        int np = 0;
        if (stop_signal != 0) {
            counts->interrupted = stop_signal;
            goto out;
        }
        for (int i = 0; i < nw; i++) {
            pf[i].fd = ws[i].res_fd;
            pf[i].events = POLLIN;
            pf[i].revents = 0;
            np += ws[i].res_fd >= 0;
        }
        if (np == 0) {
            rc = ph_errf(err, PH_EINTERNAL, "every grading worker ended");
            goto out;
        }
        if (poll(pf, (nfds_t)nw, -1) < 0) {
            if (errno == EINTR)
                continue;
            rc = ph_errf(err, PH_EIO, "poll: %s", strerror(errno));
            goto out;
        }
        for (int i = 0; i < nw; i++) {
            struct worker *w = &ws[i];
            ssize_t r;
            if (w->res_fd < 0 || !(pf[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            r = read(w->res_fd, w->rbuf + w->rlen, sizeof w->rbuf - 1 - w->rlen);
            if (r > 0) {
                char *nl;
                w->rlen += (size_t)r;
                w->rbuf[w->rlen] = '\0';
                while ((nl = strchr(w->rbuf, '\n')) != NULL) {
                    char what[256];
                    char *end;
                    long idx;
                    *nl = '\0';
                    if (strcmp(w->rbuf, "R") == 0) {
                        feed(w, order, n, &next);
                    } else if (strncmp(w->rbuf, "S ", 2) == 0) {
                        fprintf(stderr, "pyharness: grade worker stats: %s\n", w->rbuf + 2);
                    } else {
                        idx = strtol(w->rbuf, &end, 10);
                        if (end == w->rbuf || *end != '\0' || idx < 0 || (size_t)idx >= c->njobs ||
                            drop_held(w, idx) != 0) {
                            rc = ph_errf(err, PH_EINTERNAL,
                                         "a grading worker answered \"%s\" for no part it holds",
                                         w->rbuf);
                            goto out;
                        }
                        const struct job *j = &c->jobs[idx];
                        snprintf(what, sizeof what, "%s/%s", c->cls->st[j->s].id,
                                 c->hw->ex[j->k].id);
                        done++;
                        counts->graded++;
                        if (!c->o->quiet)
                            progress_step(&prog, what);
                    }
                    memmove(w->rbuf, nl + 1, w->rlen - (size_t)(nl + 1 - w->rbuf) + 1);
                    w->rlen = strlen(w->rbuf);
                }
                continue;
            }
            if (r < 0 && errno == EINTR)
                continue;
            /* The worker ended. */
            if (stop_signal != 0) {
                counts->interrupted = stop_signal;
                goto out;
            }
            {
                int status = 0;
                close(w->res_fd);
                if (w->job_fd >= 0)
                    close(w->job_fd);
                w->res_fd = w->job_fd = -1;
                (void)waitpid(w->pid, &status, 0);
                w->pid = -1;
                /* What it held and had not recorded is lost: say so per part. */
                for (size_t h = 0; h < w->nheld; h++) {
                    rc = record_lost(c, &c->jobs[w->held[h]], status, err);
                    if (rc != PH_OK)
                        goto out;
                    done++;
                    counts->failed++;
                    if (!c->o->quiet)
                        progress_step(&prog, "(lost: the worker ended)");
                }
                w->nheld = 0;
                if (next < n) {
                    if (spawn(c, w, ws, nw) != 0) {
                        rc = ph_errf(err, PH_EIO, "cannot restart a grading worker: %s",
                                     strerror(errno));
                        goto out;
                    }
                    if (send_job(w, order[next]) == 0)
                        next++;
                }
            }
        }
    }
out:
    for (int i = 0; i < nw; i++) {
        /* Interrupted: the parts in flight are dropped, not waited for. */
        if (counts->interrupted && ws[i].pid > 0)
            kill(ws[i].pid, SIGKILL);
        retire(&ws[i], rc == PH_OK && !counts->interrupted);
    }
    if (!c->o->quiet)
        progress_end(&prog);
    for (int i = 0; i < 3; i++)
        sigaction(stops[i], &old[i], NULL);
    signal(SIGPIPE, old_pipe);
    return rc;
}

static enum ph_rc check_writable(const char *dir, struct ph_err *err)
{
    char probe[PATH_MAX];
    int fd;

    if (mkdir(dir, 0755) != 0 && errno != EEXIST)
        return ph_errf(err, PH_EINPUT, "%s: cannot create the results folder: %s", dir,
                       strerror(errno));
    if (!fileio_is_dir(dir))
        return ph_errf(err, PH_EINPUT, "%s: exists and is not a folder", dir);
    snprintf(probe, sizeof probe, "%s/.pyharness-write-test-%d", dir, (int)getpid());
    fd = open(probe, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return ph_errf(err, PH_EINPUT, "%s: cannot write in the results folder: %s", dir,
                       strerror(errno));
    close(fd);
    (void)unlink(probe);
    return PH_OK;
}

static void hex_or_empty(const char *data, size_t len, char out[65])
{
    if (data == NULL)
        out[0] = '\0';
    else
        sha256_hex(data, len, out);
}

enum ph_rc grade_run(const struct homework *hw, const struct subs_class *cls,
                     const struct grade_opts *o, struct grade_counts *counts, struct ph_err *err)
{
    struct ctx c;
    struct store *st = NULL;
    size_t *order = NULL, norder = 0, skipped = 0;
    enum ph_rc rc;

    memset(&c, 0, sizeof c);
    memset(counts, 0, sizeof *counts);
    c.hw = hw;
    c.cls = cls;
    c.o = o;
    c.stats = getenv("PYHARNESS_GRADE_STATS") != NULL;
    if (o->shard_n > 0)
        snprintf(c.shard, sizeof c.shard, "%d/%d", o->shard_k, o->shard_n);
    rc = check_writable(o->out_dir, err);
    if (rc != PH_OK)
        return rc;
    snprintf(c.store_path, sizeof c.store_path, "%s/%s", o->out_dir, GRADE_STORE_NAME);
    rc = store_open(c.store_path, &st, err);
    if (rc != PH_OK)
        return rc;
    rc = store_relax_sync(st, err);
    if (rc != PH_OK)
        goto out;
    {
        char due[64];
        const char *k[] = {"homework_json", "homework_dir", "homework_path",
                           "name",          "shard",        "due"};
        const char *v[] = {hw->text, hw->dir, hw->path,
                           hw->name, c.shard, homework_format_time(hw->due, due, sizeof due)};
        for (size_t i = 0; i < sizeof k / sizeof k[0] && rc == PH_OK; i++)
            rc = store_meta_set(st, k[i], v[i], err);
        if (rc != PH_OK)
            goto out;
    }
    c.jobs = calloc(cls->n * hw->nex + 1, sizeof *c.jobs);
    order = calloc(cls->n * hw->nex + 1, sizeof *order);
    if (c.jobs == NULL || order == NULL) {
        rc = ph_errf(err, PH_ENOMEM, "out of memory");
        goto out;
    }
    for (size_t s = 0; s < cls->n; s++)
        counts->students += grade_in_shard(cls->st[s].id, o->shard_k, o->shard_n);
    /* Exercise-major order: a worker's sandbox host serves one exercise. */
    for (size_t k = 0; k < hw->nex; k++) {
        for (size_t s = 0; s < cls->n; s++) {
            const struct subs_part *p = &cls->st[s].parts[k];
            struct store_grade_hashes h;
            struct job *j = &c.jobs[c.njobs];
            if (!grade_in_shard(cls->st[s].id, o->shard_k, o->shard_n))
                continue;
            j->s = s;
            j->k = k;
            hex_or_empty(p->code, p->code_len, j->sub_sha);
            hex_or_empty(p->expl, p->expl_len, j->expl_sha);
            c.njobs++;
            counts->parts++;
            rc = store_grade_hashes(st, cls->st[s].id, hw->ex[k].id, &h, err);
            if (rc != PH_OK)
                goto out;
            if (!o->regrade && h.found && strcmp(h.exercise_sha256, hw->ex[k].sha256) == 0 &&
                strcmp(h.submission_sha256, j->sub_sha) == 0 &&
                strcmp(h.explanation_sha256, j->expl_sha) == 0 &&
                h.submitted_at == p->submitted_at && h.attempts == p->attempts) {
                skipped++;
                counts->skipped++;
                continue;
            }
            if (p->status == NULL && hw->budget > 0 && p->attempts > hw->budget) {
                /* Over the submission budget: the submission is not graded.
                 * A grade recorded from an earlier submission within the
                 * budget (an earlier run) is kept, as Gradescope keeps it. */
                if (!o->regrade && h.found && h.attempts > 0 && h.attempts <= hw->budget &&
                    strcmp(h.exercise_sha256, hw->ex[k].sha256) == 0) {
                    skipped++;
                    counts->skipped++;
                    continue;
                }
                rc = record_over_budget(&c, st, j, err);
                if (rc != PH_OK)
                    goto out;
                counts->screened++;
                continue;
            }
            if (p->status != NULL) {
                rc = record_screened(&c, st, j, err);
                if (rc != PH_OK)
                    goto out;
                counts->screened++;
                continue;
            }
            order[norder++] = c.njobs - 1;
        }
    }
    store_close(st);
    st = NULL;
    if (norder > 0) {
        /* Every scratch folder the workers' engines make goes under this
         * process tree's own, removed however the run ends. */
        rc = scratch_enter("grade", err);
        if (rc != PH_OK)
            goto out;
        rc = dispatch(&c, order, norder, counts, skipped, err);
    }
out:
    store_close(st);
    free(order);
    free(c.jobs);
    return rc;
}
