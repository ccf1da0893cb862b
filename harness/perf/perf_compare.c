/* perf_compare.c - see perf_compare.h. */
#include "perf_compare.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "embed.h"
#include "engine.h"
#include "exercise.h"
#include "measure.h"
#include "measure_stall.h"
#include "measure_json.h"
#include "proto.h"
#include "worker.h"

#define DEFAULT_BUDGET_S 60.0
#define DEFAULT_PRECISION 0.01
#define DEFAULT_MIN_ROUNDS 10
/* pyperf's default of 20 processes: a wall clock needs more fresh workers
 * before its median stops moving with the machine's load. */
#define DEFAULT_MIN_ROUNDS_WALL 20
#define ROUNDS_PER_HOST 2 /* then a fresh sandbox host: see new_host() */
#define HARD_MIN_ROUNDS 3 /* rounds run whatever the budget: fewer give no interval */
#define DEFAULT_MAX_ROUNDS 400
#define DEFAULT_TARGET_VALUE_S 0.01
#define VALUES_PER_WORKER 3 /* measured values per fresh worker on the CPU clock */
/*
 * The wall clock on a shared machine: another runnable task takes the core
 * for a scheduler slice (4 ms at HZ=250), which adds its whole length to the
 * value it lands in and nothing to the others.  Long values are all hit, by
 * a varying number of slices, so their minimum follows the machine's load;
 * a value of ~2 ms fits between two preemptions often enough that the
 * smallest of a dozen of them is an undisturbed one, in every worker.  So on
 * the wall clock a worker measures up to MAX_VALUES short values (about
 * WALL_WORKER_SPAN_S in all) where the CPU clock takes 3 of 10 ms.
 */
#define WALL_TARGET_VALUE_S 0.002
#define WALL_WORKER_SPAN_S 0.03
#define MAX_VALUES PERF_MAX_VALUES
#define SLOW_CALL_S 0.1    /* past this, one call is its own warm-up and value */
#define CALIB_SPAN_S 0.002 /* one value of the second calibration run */
#define MAX_LOOPS 1000000
#define STOP_ITERS 400   /* bootstrap resamples while deciding whether to stop */
#define FINAL_ITERS 2000 /* for the reported intervals */
#define BOOT_SEED 0x5eedf00dULL
#define NFIGS 6

enum fig { FIG_WALL, FIG_CPU, FIG_PEAK, FIG_RSS, FIG_ALLOCS, FIG_PAR };

/* One comparison's measuring state: its options and the pool of sandbox
 * hosts its workers come from (its own, so that the default engine's host,
 * which ran the correctness checks, is not the one timed). */
struct session {
    struct perf_options o;
    struct worker_pool *pool;
    int min_rounds_given; /* else the clock's default */
};

static void progress(const struct perf_options *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* A round's progress line overwrites the last on a terminal; elsewhere (a
 * log file, a CI job) each round gets its own line. */
static const char *line_start(const struct perf_options *o)
{
    return o->progress != NULL && isatty(fileno(o->progress)) ? "\r" : "";
}

static const char *line_end(const struct perf_options *o)
{
    return o->progress != NULL && isatty(fileno(o->progress)) ? "\033[K" : "\n";
}

static void progress(const struct perf_options *o, const char *fmt, ...)
{
    va_list ap;

    if (o->progress == NULL)
        return;
    va_start(ap, fmt);
    vfprintf(o->progress, fmt, ap);
    va_end(ap);
    fflush(o->progress);
}

const char *perf_correct_name(enum perf_correct c)
{
    switch (c) {
    case PERF_CORRECT:
        return "correct";
    case PERF_CORRECT_BUT:
        return "correct results, rules failed";
    case PERF_WRONG:
        return "wrong";
    default:
        return "reference";
    }
}

struct perf_cell *perf_cell_at(const struct perf_comparison *c, size_t wl, size_t i, size_t s)
{
    const struct perf_workload_result *r = &c->results[wl];
    return &r->cells[i * r->nsizes + s];
}

static void cell_cleanup(struct perf_cell *cell)
{
    free(cell->wall);
    free(cell->cpu);
    free(cell->peak);
    free(cell->rss);
    free(cell->allocs);
    free(cell->par);
    free(cell->raw);
}

void perf_comparison_cleanup(struct perf_comparison *c)
{
    for (size_t i = 0; i < c->nimpls; i++) {
        free(c->impls[i].path);
        free(c->impls[i].name);
        free(c->impls[i].verdict);
        free(c->impls[i].why);
    }
    for (size_t w = 0; c->results != NULL && w < c->nresults; w++) {
        struct perf_workload_result *r = &c->results[w];
        for (size_t k = 0; r->cells != NULL && k < c->nimpls * r->nsizes; k++)
            cell_cleanup(&r->cells[k]);
        free(r->cells);
    }
    free(c->results);
    free(c->exercise);
    free(c->title);
    memset(c, 0, sizeof *c);
}

static int cell_alloc(struct perf_cell *cell, size_t rounds)
{
    double **arrs[] = {&cell->wall, &cell->cpu, &cell->peak, &cell->rss, &cell->allocs, &cell->par};

    for (size_t i = 0; i < sizeof arrs / sizeof arrs[0]; i++) {
        *arrs[i] = calloc(rounds, sizeof(double));
        if (*arrs[i] == NULL)
            return -1;
    }
    cell->raw = calloc(rounds * MAX_VALUES, sizeof(double));
    return cell->raw == NULL ? -1 : 0;
}

/* ---- correctness ------------------------------------------------------- */

/* The judge words a failed comparison "wrong result ..."; any other failed
 * check broke a rule (a figure), which does not make the results wrong. */
static int is_wrong(const struct check_result *cr)
{
    if (cr->status == VERDICT_PASSED || cr->status == VERDICT_SKIPPED)
        return 0;
    if (cr->status == VERDICT_FAILED)
        return cr->message != NULL && strncmp(cr->message, "wrong result", 12) == 0;
    /* Too slow for a check says nothing about its results: that is what
     * compare is for. */
    if (cr->status == VERDICT_TIMEOUT)
        return 0;
    return 1;
}

/* "check: first line of its message" into why (cut at cap). */
static void say_check(const struct check_result *cr, char *why, size_t cap)
{
    const char *m = cr->message ? cr->message : verdict_name(cr->status);
    int line = (int)strcspn(m, "\n");

    while (line > 0 && (m[line - 1] == ' ' || m[line - 1] == ':'))
        line--; /* "NotImplementedError: " with no message */
    snprintf(why, cap, "%s: %.*s", cr->name, line > 200 ? 200 : line, m);
}

static enum ph_rc check_impl(const struct exercise *ex, struct perf_impl *im, struct ph_err *err)
{
    struct engine_opts eo;
    struct run_result res;
    const struct check_result *first_wrong = NULL, *first_rule = NULL;
    char why[512] = "";
    int wrong = 0, rules = 0;
    enum ph_rc rc;

    memset(&eo, 0, sizeof eo);
    eo.submission_path = im->path;
    eo.display_name = im->name;
    rc = engine_run(ex, &eo, NULL, &res, err);
    if (rc != PH_OK)
        return rc;
    im->verdict = strdup(verdict_name(res.verdict));
    for (size_t i = 0; i < res.nchecks; i++) {
        const struct check_result *cr = &res.checks[i];
        if (cr->status == VERDICT_PASSED || cr->status == VERDICT_SKIPPED)
            continue;
        if (is_wrong(cr)) {
            wrong++;
            first_wrong = first_wrong ? first_wrong : cr;
        } else {
            rules++;
            first_rule = first_rule ? first_rule : cr;
        }
    }
    /* The first failure that says why, and how many more there are: the
     * report's summary is a sentence, the checks' messages are in `run`. */
    if (wrong || rules) {
        int more = (wrong ? wrong : rules) - 1;
        size_t n;

        say_check(wrong ? first_wrong : first_rule, why, sizeof why);
        n = strlen(why);
        if (more > 0 && n < sizeof why)
            snprintf(why + n, sizeof why - n, "; and %d more check%s", more, more == 1 ? "" : "s");
    }
    if (res.verdict != VERDICT_PASSED && wrong == 0 && rules == 0) {
        wrong = 1; /* the run itself failed (import error, rejected) */
        snprintf(why, sizeof why, "%s", res.detail ? res.detail : verdict_name(res.verdict));
    }
    im->correct = wrong ? PERF_WRONG : rules ? PERF_CORRECT_BUT : PERF_CORRECT;
    if (im->correct != PERF_CORRECT)
        im->why = strdup(why);
    run_result_cleanup(&res);
    return PH_OK;
}

/* ---- one worker -------------------------------------------------------- */

struct sample {
    int ok;
    char why[256];
    size_t nvalues;
    double v[MAX_VALUES][NFIGS];
};

static double figure(const struct measure_figures *f, enum fig which, size_t loops)
{
    switch (which) {
    case FIG_WALL:
        return (double)f->wall_ns / 1e9 / (double)loops;
    case FIG_CPU:
        return (double)(f->cpu_ns + f->children_cpu_ns) / 1e9 / (double)loops;
    case FIG_PEAK:
        return (double)f->py_peak_bytes;
    case FIG_RSS:
        return (double)f->rss_peak_bytes;
    case FIG_ALLOCS:
        return (double)f->py_allocs / (double)loops;
    default:
        return f->parallelism;
    }
}

static void sample_failed(struct sample *smp, const struct worker_result *res, const cJSON *frame)
{
    const cJSON *e = cJSON_GetObjectItemCaseSensitive(frame, "error");
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(e, "message");
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(e, "type");
    if (proto_frame_status(res->import_frame) == PROTO_STATUS_ERROR)
        snprintf(smp->why, sizeof smp->why, "the file failed to import");
    else if (cJSON_IsString(m))
        snprintf(smp->why, sizeof smp->why, "the workload raised %s: %s",
                 cJSON_IsString(t) ? t->valuestring : "an exception", m->valuestring);
    else
        snprintf(smp->why, sizeof smp->why, "the worker ended: %s",
                 res->detail[0] ? res->detail : worker_end_name(res->end));
}

/* cpu_clock: CPU figures from the thread clock the workload check reports
 * (exact) instead of the process clock (tick-grained in a threaded worker). */
static enum ph_rc run_sample(struct worker_pool *pool, const struct exercise *ex,
                             const struct perf_impl *im, const char *check, double n, size_t loops,
                             size_t warmup, size_t values, int cpu_clock, struct sample *smp,
                             struct ph_err *err)
{
    struct worker_spec spec;
    struct worker_result res;
    const char *only[1] = {check};
    cJSON *params = cJSON_CreateObject(), *frame, *measures, *tcpu;
    enum ph_rc rc;

    memset(smp, 0, sizeof *smp);
    if (params == NULL)
        return ph_errf(err, PH_ENOMEM, "out of memory");
    cJSON_AddNumberToObject(params, "n", n);
    cJSON_AddNumberToObject(params, "loops", (double)loops);
    cJSON_AddNumberToObject(params, "warmup", (double)warmup);
    cJSON_AddNumberToObject(params, "values", (double)values);
    memset(&spec, 0, sizeof spec);
    spec.ex = ex;
    spec.role = im->is_reference ? WORKER_REFERENCE : WORKER_CANDIDATE;
    spec.module_path = im->path;
    spec.display_name = im->name;
    spec.params = params;
    spec.only = only;
    spec.nonly = 1;
    rc = worker_run(pool, &spec, &res, err);
    cJSON_Delete(params);
    if (rc != PH_OK)
        return rc;
    frame = res.nchecks == 1 ? res.checks[0].frame : NULL;
    measures = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(frame, "log"),
                                                "measures");
    tcpu = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(frame, "obs"),
                                            "thread_cpu_ns");
    if (res.end != WORKER_END_OK || proto_frame_status(frame) != PROTO_STATUS_OK) {
        sample_failed(smp, &res, frame);
        goto out;
    }
    for (size_t i = 0; i < values && i < MAX_VALUES; i++) {
        char label[16];
        struct measure_figures f;
        snprintf(label, sizeof label, "v%zu", i);
        if (measure_figures_from_json(cJSON_GetObjectItemCaseSensitive(measures, label), &f) != 0) {
            snprintf(smp->why, sizeof smp->why, "the worker sent no figures for %s", label);
            goto out;
        }
        for (int k = 0; k < NFIGS; k++)
            smp->v[i][k] = figure(&f, (enum fig)k, loops);
        if (cpu_clock) {
            const cJSON *t = cJSON_GetArrayItem(tcpu, (int)i);
            if (!cJSON_IsNumber(t) || t->valuedouble < 0) {
                snprintf(smp->why, sizeof smp->why, "the worker sent no thread CPU time");
                goto out;
            }
            smp->v[i][FIG_CPU] = t->valuedouble / 1e9 / (double)loops;
        }
        smp->nvalues++;
    }
    smp->ok = 1;
out:
    worker_result_cleanup(&res);
    return PH_OK;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

/* Record a worker's values as round `cell->nrounds` of the cell.  The
 * round's figure is the smallest of the worker's values: interference from
 * the rest of the machine only ever adds time, so the least disturbed of
 * a worker's consecutive values is the one that repeats (timeit's reasoning);
 * across rounds the median then discards the workers that were disturbed
 * throughout.  Every value stays in `raw` for the charts. */
static void record(struct perf_cell *cell, const struct sample *smp, int cpu_clock)
{
    double *dst[NFIGS] = {cell->wall, cell->cpu, cell->peak, cell->rss, cell->allocs, cell->par};
    double col[MAX_VALUES] = {0};

    for (int k = 0; k < NFIGS; k++) {
        for (size_t i = 0; i < smp->nvalues; i++)
            col[i] = smp->v[i][k];
        qsort(col, smp->nvalues, sizeof col[0], cmp_double);
        /* Memory and parallelism are not disturbed that way: their median. */
        dst[k][cell->nrounds] =
            k == FIG_WALL || k == FIG_CPU || k == FIG_ALLOCS ? col[0] : col[smp->nvalues / 2];
    }
    for (size_t i = 0; i < smp->nvalues; i++)
        cell->raw[cell->nraw++] = smp->v[i][cpu_clock ? FIG_CPU : FIG_WALL];
    cell->nrounds++;
}

/* ---- analysis ---------------------------------------------------------- */

static enum perf_sig significance(const struct perf_ci *ci)
{
    if (!(ci->lo > 1.0 || ci->hi < 1.0))
        return PERF_SIG_NONE;
    if (fabs(ci->est - 1.0) < PERF_NEGLIGIBLE)
        return PERF_SIG_NEGLIGIBLE;
    return PERF_SIG_DIFFERENT;
}

/* Robust coefficient of variation of a summary: 1.4826 MAD / median (the
 * MAD scaled to a standard deviation for normal data). */
static double robust_cv(const struct perf_summary *s)
{
    return s->n >= 2 && s->median > 0 ? 1.4826 * s->mad / s->median : 0.0;
}

/* Robust CV of the per-round ratios a[i] / b[i], i < n. */
static double pair_noise(const double *a, const double *b, size_t n)
{
    struct perf_summary s;
    double *q = malloc((n ? n : 1) * sizeof *q);
    size_t k = 0;

    if (q == NULL)
        return 0.0;
    for (size_t i = 0; i < n; i++)
        if (b[i] > 0)
            q[k++] = a[i] / b[i];
    if (perf_summarize(q, k, &s) != 0)
        s.n = 0;
    free(q);
    return robust_cv(&s);
}

/* How far the ratio on the first half of the rounds is from the one on the
 * second half, relative to the whole: a drift of the machine during the run
 * that pairing did not cancel shows here, and the bootstrap interval, which
 * treats rounds as exchangeable, does not see it.  0 below 4 rounds. */
static double ratio_drift(const double *a, const double *b, size_t n, double est)
{
    struct perf_ci h1, h2;
    size_t k = n / 2;

    if (n < 4 || !(est > 0))
        return 0.0;
    perf_ratio_ci(a, b, k, 0, BOOT_SEED, &h1);
    perf_ratio_ci(a + k, b + k, n - k, 0, BOOT_SEED, &h2);
    return fabs(h1.est - h2.est) / est;
}

static void analyse_cell(struct perf_cell *cell, const struct perf_cell *base, unsigned iters,
                         int cpu_clock)
{
    perf_summarize(cell->wall, cell->nrounds, &cell->s_wall);
    perf_summarize(cell->cpu, cell->nrounds, &cell->s_cpu);
    perf_summarize(cell->peak, cell->nrounds, &cell->s_peak);
    perf_summarize(cell->rss, cell->nrounds, &cell->s_rss);
    perf_summarize(cell->allocs, cell->nrounds, &cell->s_allocs);
    perf_summarize(cell->par, cell->nrounds, &cell->s_par);
    perf_summarize(cell->raw, cell->nraw, &cell->s_raw);
    cell->noise = robust_cv(cpu_clock ? &cell->s_cpu : &cell->s_wall);
    cell->has_ratio = 0;
    cell->noisy = 0;
    cell->drift = 0;
    cell->ratio_noise = 0;
    if (base == NULL || cell->state != PERF_CELL_MEASURED || base->state != PERF_CELL_MEASURED)
        return;
    {
        /* Pairs are the rounds both ran (a cell stops when it fails). */
        size_t n = cell->nrounds < base->nrounds ? cell->nrounds : base->nrounds;
        double *pa = malloc((n ? n : 1) * sizeof *pa), *pb = malloc((n ? n : 1) * sizeof *pb);
        if (n == 0 || pa == NULL || pb == NULL) {
            free(pa);
            free(pb);
            return;
        }
        perf_ratio_ci(cell->wall, base->wall, n, iters, BOOT_SEED, &cell->r_wall);
        perf_ratio_ci(cell->cpu, base->cpu, n, iters, BOOT_SEED + 1, &cell->r_cpu);
        for (size_t i = 0; i < n; i++) {
            pa[i] = fmax(cell->peak[i], 1.0);
            pb[i] = fmax(base->peak[i], 1.0);
        }
        perf_ratio_ci(pa, pb, n, iters, BOOT_SEED + 2, &cell->r_peak);
        free(pa);
        free(pb);
    }
    cell->sig_wall = significance(&cell->r_wall);
    cell->sig_cpu = significance(&cell->r_cpu);
    cell->sig_peak = significance(&cell->r_peak);
    if (fabs(cell->s_peak.median - base->s_peak.median) < PERF_MEM_SLACK_BYTES)
        cell->sig_peak = PERF_SIG_NONE;
    cell->r_time = cpu_clock ? cell->r_cpu : cell->r_wall;
    cell->sig_time = cpu_clock ? cell->sig_cpu : cell->sig_wall;
    cell->has_ratio = 1;
    {
        size_t n = cell->nrounds < base->nrounds ? cell->nrounds : base->nrounds;
        const double *a = cpu_clock ? cell->cpu : cell->wall;
        const double *b = cpu_clock ? base->cpu : base->wall;
        cell->drift = ratio_drift(a, b, n, cell->r_time.est);
        cell->ratio_noise = pair_noise(a, b, n);
    }
    cell->noisy = perf_ci_halfwidth(&cell->r_time) > PERF_NEGLIGIBLE ||
                  cell->drift > PERF_NEGLIGIBLE || cell->ratio_noise > PERF_RATIO_NOISE_LIMIT;
}

static void fit_impl(struct perf_workload_result *r, struct perf_comparison *c, size_t i)
{
    double x[PERF_WORKLOAD_MAX_SIZES], t[PERF_WORKLOAD_MAX_SIZES], m[PERF_WORKLOAD_MAX_SIZES];
    size_t k = 0;

    for (size_t s = 0; s < r->nsizes; s++) {
        const struct perf_cell *cell = &r->cells[i * r->nsizes + s];
        if (cell->state != PERF_CELL_MEASURED || cell->nrounds == 0)
            continue;
        x[k] = r->sizes[s];
        t[k] = r->w->cpu_clock ? cell->s_cpu.median : cell->s_wall.median;
        m[k] = fmax(cell->s_peak.median, 0) + PERF_MEM_SLACK_BYTES;
        k++;
    }
    (void)c;
    perf_fit_growth(x, t, k, &r->time_fit[i]);
    perf_fit_growth(x, m, k, &r->mem_fit[i]);
}

void perf_compare_analyse(struct perf_comparison *c, unsigned iters)
{
    c->nnoisy = 0;
    for (size_t w = 0; w < c->nresults; w++) {
        struct perf_workload_result *r = &c->results[w];
        for (size_t s = 0; s < r->nsizes; s++) {
            const struct perf_cell *base = &r->cells[c->baseline * r->nsizes + s];
            for (size_t i = 0; i < c->nimpls; i++)
                analyse_cell(&r->cells[i * r->nsizes + s], i == c->baseline ? NULL : base, iters,
                             r->w->cpu_clock);
        }
        for (size_t k = 0; k < c->nimpls * r->nsizes; k++)
            c->nnoisy += (size_t)r->cells[k].noisy;
        for (size_t i = 0; i < c->nimpls; i++)
            fit_impl(r, c, i);
        for (size_t i = 0; i < c->nimpls; i++) {
            const struct perf_fit *bt = &r->time_fit[c->baseline], *bm = &r->mem_fit[c->baseline];
            const struct perf_cell *first = NULL, *last = NULL;
            enum perf_growth_vs tv = PERF_GROWTH_NO_WORSE, mv = PERF_GROWTH_NO_WORSE;
            /* The ratios to the baseline at the smallest and largest sizes measured. */
            for (size_t s = 0; s < r->nsizes; s++) {
                const struct perf_cell *cell = &r->cells[i * r->nsizes + s];
                if (cell->state != PERF_CELL_MEASURED || !cell->has_ratio)
                    continue;
                if (first == NULL)
                    first = cell;
                last = cell;
            }
            if (first == last)
                first = last = NULL;
            if (i != c->baseline) {
                tv = perf_growth_compare(&r->time_fit[i], bt, first ? &first->r_time : NULL,
                                         last ? &last->r_time : NULL);
                mv = perf_growth_compare(&r->mem_fit[i], bm, first ? &first->r_peak : NULL,
                                         last ? &last->r_peak : NULL);
            }
            r->time_worse[i] = tv == PERF_GROWTH_WORSE;
            r->time_unclear[i] = tv == PERF_GROWTH_UNCLEAR;
            r->mem_worse[i] = mv == PERF_GROWTH_WORSE;
            r->mem_unclear[i] = mv == PERF_GROWTH_UNCLEAR;
        }
    }
}

/* ---- scheduling -------------------------------------------------------- */

static double now_s(void)
{
    return (double)measure_now_ns() / 1e9;
}

/* 1 when every ratio at size s is within the precision (or cannot have one). */
static int size_done(struct perf_comparison *c, struct perf_workload_result *r, size_t s,
                     double precision)
{
    const struct perf_cell *base = &r->cells[c->baseline * r->nsizes + s];

    if (base->state != PERF_CELL_MEASURED)
        return 1;
    for (size_t i = 0; i < c->nimpls; i++) {
        struct perf_cell *cell = &r->cells[i * r->nsizes + s];
        struct perf_ci ci;
        if (i == c->baseline || cell->state != PERF_CELL_MEASURED)
            continue;
        const double *a = r->w->cpu_clock ? cell->cpu : cell->wall;
        const double *b = r->w->cpu_clock ? base->cpu : base->wall;
        size_t n = cell->nrounds < base->nrounds ? cell->nrounds : base->nrounds;
        if (perf_ratio_ci(a, b, n, STOP_ITERS, BOOT_SEED, &ci) != 0)
            return 0;
        if (perf_ci_halfwidth(&ci) > precision)
            return 0;
        /* An interval tight over a run whose two halves disagree is tight
         * about a moving target: keep sampling. */
        if (ratio_drift(a, b, n, ci.est) > PERF_NEGLIGIBLE)
            return 0;
    }
    return 1;
}

static enum ph_rc calibrate(struct session *ss, struct perf_comparison *c,
                            struct perf_workload_result *r, const char *check, double max_call_s,
                            struct ph_err *err)
{
    for (size_t i = 0; i < c->nimpls; i++) {
        const struct perf_impl *im = &c->impls[i];
        double prev_n = 0, prev_t = 0;
        for (size_t s = 0; s < r->nsizes; s++) {
            struct perf_cell *cell = &r->cells[i * r->nsizes + s];
            struct sample smp;
            enum ph_rc rc;
            if (im->correct == PERF_WRONG) {
                cell->state = PERF_CELL_SKIPPED;
                snprintf(cell->note, sizeof cell->note, "not timed: wrong results");
                continue;
            }
            if (cell->state == PERF_CELL_SKIPPED) /* by the size below: too slow there */
                continue;
            if (s > 0 && r->cells[i * r->nsizes + s - 1].state != PERF_CELL_MEASURED) {
                cell->state = PERF_CELL_SKIPPED;
                snprintf(cell->note, sizeof cell->note, "not run: %s at a smaller size",
                         r->cells[i * r->nsizes + s - 1].state == PERF_CELL_FAILED ? "failed"
                                                                                   : "skipped");
                continue;
            }
            /* Predict this size from the growth seen so far (at least linear). */
            if (s >= 2 && prev_t > 0) {
                const struct perf_cell *p2 = &r->cells[i * r->nsizes + s - 2];
                double slope = log(prev_t / p2->calib_s) / log(prev_n / r->sizes[s - 2]);
                double predicted = prev_t * pow(r->sizes[s] / prev_n, fmax(slope, 1.0));
                if (predicted > max_call_s) {
                    cell->state = PERF_CELL_SKIPPED;
                    snprintf(cell->note, sizeof cell->note,
                             "not run: one call would take about %.3g s (its share of the budget "
                             "is %.3g s)",
                             predicted, max_call_s);
                    continue;
                }
            }
            rc = run_sample(ss->pool, ss->o.ex, im, check, r->sizes[s], 1, 1, 1, r->w->cpu_clock,
                            &smp, err);
            if (rc != PH_OK)
                return rc;
            if (!smp.ok) {
                cell->state = PERF_CELL_FAILED;
                snprintf(cell->note, sizeof cell->note, "%s", smp.why);
                progress(&ss->o, "  %s at n=%g: %s\n", im->name, r->sizes[s], smp.why);
                continue;
            }
            cell->calib_s = fmax(smp.v[0][FIG_WALL], 1e-9);
            /* A fast call: calibrate again on a few values of a few calls,
             * so one preempted call does not set the loops for good. */
            if (cell->calib_s < SLOW_CALL_S) {
                double t = cell->calib_s, l = ceil(CALIB_SPAN_S / t);
                size_t loops = l > MAX_LOOPS ? MAX_LOOPS : (size_t)l;
                rc = run_sample(ss->pool, ss->o.ex, im, check, r->sizes[s], loops, 1,
                                r->w->cpu_clock ? VALUES_PER_WORKER : MAX_VALUES / 2,
                                r->w->cpu_clock, &smp, err);
                if (rc != PH_OK)
                    return rc;
                for (size_t v = 0; smp.ok && v < smp.nvalues; v++) {
                    double x = smp.v[v][r->w->cpu_clock ? FIG_CPU : FIG_WALL];
                    if (x > 0 && (v == 0 || x < t))
                        t = x;
                }
                cell->calib_s = fmax(t, 1e-9);
            }
            if (cell->calib_s > SLOW_CALL_S) {
                cell->loops = 1;
                cell->warmup = 0;
                cell->values = 1;
            } else if (r->w->cpu_clock) {
                double l = ceil(ss->o.target_value_s / cell->calib_s);
                cell->loops = l > MAX_LOOPS ? MAX_LOOPS : (size_t)l;
                cell->warmup = 1;
                cell->values = VALUES_PER_WORKER;
            } else {
                double l = ceil(WALL_TARGET_VALUE_S / cell->calib_s), v;
                cell->loops = l > MAX_LOOPS ? MAX_LOOPS : (size_t)l;
                v = round(WALL_WORKER_SPAN_S / ((double)cell->loops * cell->calib_s));
                cell->warmup = 1;
                cell->values = v < VALUES_PER_WORKER ? VALUES_PER_WORKER
                               : v > MAX_VALUES      ? MAX_VALUES
                                                     : (size_t)v;
            }
            if (cell->calib_s > max_call_s && s + 1 < r->nsizes) {
                /* Measured here; the larger sizes would not fit the budget. */
                r->cells[i * r->nsizes + s + 1].state = PERF_CELL_SKIPPED;
                snprintf(r->cells[i * r->nsizes + s + 1].note, sizeof cell->note,
                         "not run: one call took %.3g s at n=%g", cell->calib_s, r->sizes[s]);
            }
            prev_n = r->sizes[s];
            prev_t = cell->calib_s;
        }
    }
    return PH_OK;
}

/* A fresh sandbox host for the next rounds.  Workers forked from one host
 * share its address-space layout, hash seed and heap: a layout that happens
 * to suit one implementation's loop better than another's (or worse) then
 * holds for a whole invocation, and shows as a ratio that moves between
 * invocations by several percent while each invocation's interval is tight
 * (Mytkowicz et al. 2009, "Producing wrong data without doing anything
 * obviously wrong").  The host is exec'd, so each one draws a new layout,
 * as pyperf's many processes do; the median over rounds then averages over
 * layouts instead of reporting one of them. */
static enum ph_rc new_host(struct session *ss, struct ph_err *err)
{
    worker_pool_free(ss->pool);
    ss->pool = NULL;
    return worker_pool_new(1, &ss->pool, err);
}

/* One worker of implementation i at size s; marks the cell failed if it fails. */
static enum ph_rc measure_once(struct session *ss, struct perf_comparison *c,
                               struct perf_workload_result *r, const char *check, size_t i,
                               size_t s, struct ph_err *err)
{
    struct perf_cell *cell = &r->cells[i * r->nsizes + s];
    struct sample smp;
    enum ph_rc rc;

    if (cell->state != PERF_CELL_MEASURED)
        return PH_OK;
    rc = run_sample(ss->pool, ss->o.ex, &c->impls[i], check, r->sizes[s], cell->loops, cell->warmup,
                    cell->values, r->w->cpu_clock, &smp, err);
    if (rc != PH_OK)
        return rc;
    if (!smp.ok) {
        cell->state = PERF_CELL_FAILED;
        snprintf(cell->note, sizeof cell->note, "%s (after %zu rounds)", smp.why, cell->nrounds);
        return PH_OK;
    }
    record(cell, &smp, r->w->cpu_clock);
    return PH_OK;
}

static enum ph_rc measure_workload(struct session *ss, struct perf_comparison *c,
                                   struct perf_workload_result *r, double t0, double deadline,
                                   struct ph_err *err)
{
    char check[128];
    int done[PERF_WORKLOAD_MAX_SIZES] = {0};
    size_t round, ndone, ntimed = 0;
    size_t min_rounds = ss->min_rounds_given ? ss->o.min_rounds
                        : r->w->cpu_clock    ? DEFAULT_MIN_ROUNDS
                                             : DEFAULT_MIN_ROUNDS_WALL;
    double max_call_s;
    enum ph_rc rc;

    snprintf(check, sizeof check, "%s%s", WORKER_WORKLOAD_PREFIX, r->w->name);
    /* A call may take a third of what one implementation gets at one size. */
    for (size_t i = 0; i < c->nimpls; i++)
        ntimed += c->impls[i].correct != PERF_WRONG;
    max_call_s = (deadline - now_s()) / 3.0 / (double)(ntimed ? ntimed : 1) / (double)r->nsizes;
    if (max_call_s < 0.2)
        max_call_s = 0.2;
    progress(&ss->o, "%s: calibrating %zu implementation(s) at %zu size(s)\n", r->w->name,
             c->nimpls, r->nsizes);
    rc = calibrate(ss, c, r, check, max_call_s, err);
    if (rc != PH_OK)
        return rc;
    if (ss->o.sequential) {
        /* The benchmark's foil: all of A's rounds, then all of B's. */
        for (size_t i = 0; i < c->nimpls; i++)
            for (round = 0; round < min_rounds; round++)
                for (size_t s = 0; s < r->nsizes; s++) {
                    rc = measure_once(ss, c, r, check, i, s, err);
                    if (rc != PH_OK)
                        return rc;
                }
        c->rounds = min_rounds;
        snprintf(c->stop, sizeof c->stop, "sequential mode: %zu rounds per implementation",
                 min_rounds);
        return PH_OK;
    }
    for (round = 0; round < ss->o.max_rounds; round++) {
        if (round > 0 && round % ROUNDS_PER_HOST == 0) {
            rc = new_host(ss, err);
            if (rc != PH_OK)
                return rc;
        }
        for (size_t s = 0; s < r->nsizes; s++) {
            if (done[s])
                continue;
            /* A B C, then B C A, then C A B: no implementation always first. */
            for (size_t k = 0; k < c->nimpls; k++) {
                rc = measure_once(ss, c, r, check, (k + round) % c->nimpls, s, err);
                if (rc != PH_OK)
                    return rc;
            }
        }
        /* The budget outranks min_rounds, once an interval can be had. */
        if (round + 1 >= HARD_MIN_ROUNDS && round + 1 < min_rounds && now_s() >= deadline) {
            round++;
            c->converged = 0;
            break;
        }
        if (round + 1 < min_rounds) {
            progress(&ss->o, "%s%s: round %zu of at least %zu, %.0f s%s", line_start(&ss->o),
                     r->w->name, round + 1, min_rounds, now_s() - t0, line_end(&ss->o));
            continue;
        }
        ndone = 0;
        for (size_t s = 0; s < r->nsizes; s++) {
            if (!done[s])
                done[s] = size_done(c, r, s, ss->o.precision);
            ndone += (size_t)done[s];
        }
        progress(&ss->o, "%s%s: round %zu, %zu of %zu size(s) within ±%.3g%%, %.0f s%s",
                 line_start(&ss->o), r->w->name, round + 1, ndone, r->nsizes, ss->o.precision * 100,
                 now_s() - t0, line_end(&ss->o));
        if (ndone == r->nsizes) {
            round++;
            break;
        }
        if (now_s() >= deadline) {
            round++;
            c->converged = 0;
            break;
        }
    }
    if (*line_start(&ss->o) != '\0')
        progress(&ss->o, "\n");
    if (round > c->rounds)
        c->rounds = round;
    for (size_t s = 0; s < r->nsizes; s++)
        if (!size_done(c, r, s, ss->o.precision))
            c->converged = 0;
    return PH_OK;
}

enum ph_rc perf_compare_run(const struct perf_options *opts, const struct perf_impl_spec *impls,
                            size_t nimpls, size_t baseline, struct perf_comparison *out,
                            struct ph_err *err)
{
    struct session ss = {*opts, NULL, opts->min_rounds >= 2};
    struct perf_options o = *opts;
    const struct exercise *ex = o.ex;
    double t0 = now_s(), deadline, stall0, stall1;
    size_t nwl = o.only ? o.nonly : o.workloads->n;
    enum ph_rc rc = PH_ENOMEM;

    memset(out, 0, sizeof *out);
    if (nimpls == 0 || nimpls > PERF_MAX_IMPLS || baseline >= nimpls)
        return ph_errf(err, PH_EINPUT, "compare: 1 to %d implementations", PERF_MAX_IMPLS);
    if (o.budget_s <= 0)
        o.budget_s = DEFAULT_BUDGET_S;
    if (o.precision <= 0)
        o.precision = DEFAULT_PRECISION;
    if (o.min_rounds < 2)
        o.min_rounds = DEFAULT_MIN_ROUNDS_WALL; /* the larger default, for max_rounds */
    if (o.max_rounds < o.min_rounds)
        o.max_rounds = o.max_rounds ? o.min_rounds : DEFAULT_MAX_ROUNDS;
    if (o.target_value_s <= 0)
        o.target_value_s = DEFAULT_TARGET_VALUE_S;
    out->exercise = strdup(ex->id);
    out->title = strdup(ex->title);
    out->budget_s = o.budget_s;
    out->precision = o.precision;
    out->sequential = o.sequential;
    out->converged = 1;
    out->cpus = (int)sysconf(_SC_NPROCESSORS_ONLN);
    snprintf(out->python, sizeof out->python, "%s", embed_python_version());
    out->nimpls = nimpls;
    out->baseline = baseline;
    for (size_t i = 0; i < nimpls; i++) {
        out->impls[i].path = strdup(impls[i].path);
        out->impls[i].name = strdup(impls[i].name ? impls[i].name : impls[i].path);
        out->impls[i].is_reference = impls[i].is_reference;
        out->impls[i].correct = impls[i].is_reference ? PERF_UNCHECKED : PERF_CORRECT;
        if (out->impls[i].path == NULL || out->impls[i].name == NULL)
            goto nomem;
    }
    out->results = calloc(nwl ? nwl : 1, sizeof *out->results);
    if (out->exercise == NULL || out->title == NULL || out->results == NULL)
        goto nomem;
    out->nresults = nwl;
    for (size_t w = 0; w < nwl; w++) {
        struct perf_workload_result *r = &out->results[w];
        r->w = &o.workloads->items[o.only ? (size_t)o.only[w] : w];
        r->nsizes = o.sizes ? o.nsizes : r->w->nsizes;
        memcpy(r->sizes, o.sizes ? o.sizes : r->w->sizes, r->nsizes * sizeof(double));
        r->cells = calloc(nimpls * r->nsizes, sizeof *r->cells);
        if (r->cells == NULL)
            goto nomem;
        for (size_t k = 0; k < nimpls * r->nsizes; k++)
            if (cell_alloc(&r->cells[k], o.max_rounds) != 0)
                goto nomem;
    }
    /* Correctness first: a wrong implementation is reported, not timed. */
    for (size_t i = 0; i < nimpls && !o.skip_correctness; i++) {
        if (out->impls[i].is_reference)
            continue;
        progress(&o, "checking %s against the exercise's checks\n", out->impls[i].name);
        rc = check_impl(ex, &out->impls[i], err);
        if (rc != PH_OK)
            return rc;
        if (out->impls[i].correct == PERF_WRONG)
            progress(&o, "  wrong: %s\n", out->impls[i].why);
    }
    out->check_s = now_s() - t0;
    stall0 = measure_cpu_stall_us();
    ss.o = o;
    rc = worker_pool_new(1, &ss.pool, err);
    if (rc != PH_OK)
        return rc;
    /* The budget is for measuring, shared by the workloads. */
    for (size_t w = 0; w < nwl; w++) {
        double start = now_s();
        deadline = t0 + out->check_s + o.budget_s * (double)(w + 1) / (double)nwl;
        rc = measure_workload(&ss, out, &out->results[w], start, deadline, err);
        if (rc != PH_OK) {
            worker_pool_free(ss.pool);
            return rc;
        }
    }
    worker_pool_free(ss.pool);
    perf_compare_analyse(out, FINAL_ITERS);
    out->elapsed_s = now_s() - t0;
    stall1 = measure_cpu_stall_us();
    out->cpu_pressure = stall0 >= 0 && stall1 >= stall0 && out->elapsed_s > out->check_s
                            ? fmin((stall1 - stall0) / 1e6 / (out->elapsed_s - out->check_s), 1.0)
                            : -1;
    if (o.sequential)
        ; /* stop says so already */
    else if (out->converged)
        snprintf(out->stop, sizeof out->stop,
                 "converged: every ratio's 95%% interval is within ±%.3g%% (%zu rounds)",
                 o.precision * 100, out->rounds);
    else
        snprintf(out->stop, sizeof out->stop,
                 "budget spent: stopped after %zu rounds (%.0f s) before every ratio's 95%% "
                 "interval was within ±%.3g%%",
                 out->rounds, o.budget_s, o.precision * 100);
    return PH_OK;
nomem:
    return ph_errf(err, PH_ENOMEM, "out of memory");
}

enum ph_rc perf_workload_try(const struct exercise *ex, const struct perf_workload *w,
                             const char *path, int is_reference, double n, int *ok, char *why,
                             size_t cap, double *call_s, struct ph_err *err)
{
    struct worker_pool *pool = NULL;
    struct perf_impl im;
    struct sample smp;
    char check[128];
    enum ph_rc rc;

    *ok = 0;
    *call_s = 0;
    if (cap > 0)
        why[0] = '\0';
    memset(&im, 0, sizeof im);
    im.path = (char *)path; /* borrowed; run_sample only reads it */
    im.name = (char *)path;
    im.is_reference = is_reference;
    snprintf(check, sizeof check, "%s%s", WORKER_WORKLOAD_PREFIX, w->name);
    rc = worker_pool_new(1, &pool, err);
    if (rc != PH_OK)
        return rc;
    rc = run_sample(pool, ex, &im, check, n, 1, 0, 1, w->cpu_clock, &smp, err);
    worker_pool_free(pool);
    if (rc != PH_OK)
        return rc;
    *ok = smp.ok;
    if (smp.ok)
        *call_s = smp.v[0][w->cpu_clock ? FIG_CPU : FIG_WALL];
    else if (cap > 0)
        snprintf(why, cap, "%s", smp.why);
    return PH_OK;
}
