/* perf_report.c - see perf_report.h. */
#include "perf_report.h"

#include <limits.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "paths.h"
#include "perf_chart.h"
#include "ratio.h"

static cJSON *perf_report_json(const struct perf_comparison *c);

#define FIT_POINTS 48 /* points along a fitted curve */
#define CI_ITERS 1000 /* bootstrap resamples for a median's band */
#define CI_SEED 0xc0ffeeULL

int perf_format_parse(const char *name, enum perf_format *out)
{
    if (strcmp(name, "html") == 0)
        *out = PERF_FORMAT_HTML;
    else if (strcmp(name, "md") == 0 || strcmp(name, "markdown") == 0)
        *out = PERF_FORMAT_MD;
    else if (strcmp(name, "json") == 0)
        *out = PERF_FORMAT_JSON;
    else
        return -1;
    return 0;
}

/* "10^6" for a power of ten, else the plain number. */
static const char *size_text(double n, char *buf, size_t cap)
{
    double e = log10(n);

    if (n >= 100 && fabs(e - round(e)) < 1e-9)
        snprintf(buf, cap, "10^%.0f", e);
    else
        snprintf(buf, cap, "%.0f", n);
    return buf;
}

static const char *secs(double v, char *buf, size_t cap)
{
    return perf_unit_format(v, PERF_UNIT_SECONDS, buf, cap);
}

static const char *bytes(double v, char *buf, size_t cap)
{
    return perf_unit_format(v, PERF_UNIT_BYTES, buf, cap);
}

static const char *sig_word(enum perf_sig s)
{
    return s == PERF_SIG_DIFFERENT ? "different" : s == PERF_SIG_NEGLIGIBLE ? "negligible" : "none";
}

/* Largest size where both i and the baseline were measured, or -1. */
static long common_size(const struct perf_comparison *c, size_t wl, size_t i)
{
    const struct perf_workload_result *r = &c->results[wl];

    for (size_t s = r->nsizes; s-- > 0;)
        if (perf_cell_at(c, wl, i, s)->has_ratio)
            return (long)s;
    return -1;
}

static const char *growth_word(enum perf_class k)
{
    static const char *const words[PERF_NCLASSES] = {
        "in constant time", "logarithmically", "linearly",      "as n log n",
        "quadratically",    "cubically",       "exponentially",
    };
    return (unsigned)k < PERF_NCLASSES ? words[k] : "?";
}

/* The noise measured for a noisy ratio, in words: what varied and by how much. */
static void noise_text(FILE *out, const struct perf_comparison *c,
                       const struct perf_workload_result *r, const struct perf_cell *cell)
{
    fprintf(out,
            "%zu rounds, the interval is ±%.1f%% wide, the %s-time ratio varied by ±%.1f%% from "
            "round to round",
            cell->nrounds, 100 * perf_ci_halfwidth(&cell->r_time), r->w->cpu_clock ? "CPU" : "wall",
            100 * cell->ratio_noise);
    if (cell->nrounds >= 4) /* halves of at least 2 rounds */
        fprintf(out, ", the two halves of the run gave ratios %.1f%% apart", 100 * cell->drift);
    if (c->cpu_pressure >= 0)
        fprintf(out, ", and some task waited for a CPU %.0f%% of the time", 100 * c->cpu_pressure);
}

/* "a.py is 3.1x faster than b.py at n = 10^6 items (95% CI 2.9-3.3); ..." */
static void sentence(FILE *out, const struct perf_comparison *c, size_t wl, size_t i)
{
    const struct perf_workload_result *r = &c->results[wl];
    const struct perf_impl *im = &c->impls[i], *base = &c->impls[c->baseline];
    const struct perf_fit *ft = &r->time_fit[i], *bt = &r->time_fit[c->baseline];
    const struct perf_fit *fm = &r->mem_fit[i], *bm = &r->mem_fit[c->baseline];
    long s = common_size(c, wl, i);
    char nb[32];

    if (im->correct == PERF_WRONG) {
        fprintf(out, "%s is wrong (%s), so it was not timed.", im->name,
                im->why ? im->why : "a check failed");
        return;
    }
    if (s < 0) {
        fprintf(out, "%s and %s were never measured at the same size.", im->name, base->name);
        return;
    }
    {
        const struct perf_cell *cell = perf_cell_at(c, wl, i, (size_t)s);
        const struct perf_ci *ci = &cell->r_time;
        size_text(r->sizes[s], nb, sizeof nb);
        char said[96], lo[64], hi[64];
        int worse;
        ratio_phrase_of(ci->est, RATIO_TIME, base->name, said, sizeof said);
        ratio_factor(ci->est, &worse);
        if (cell->noisy) {
            /* No point figure the next invocation would not repeat: the
             * interval, and the noise that made it so. */
            if (ci->lo > 1.0 || ci->hi < 1.0)
                fprintf(out, "%s is %s at n = %s %s, by %s to %s (95%% CI)", im->name,
                        worse ? "slower" : "faster", nb, r->w->unit,
                        ratio_bound(worse ? ci->lo : ci->hi, RATIO_TIME, lo, sizeof lo),
                        ratio_bound(worse ? ci->hi : ci->lo, RATIO_TIME, hi, sizeof hi));
            else
                fprintf(out,
                        "no significant difference in time between %s and %s at n = %s %s "
                        "(95%% CI %s to %s)",
                        im->name, base->name, nb, r->w->unit,
                        ratio_bound(ci->lo, RATIO_TIME, lo, sizeof lo),
                        ratio_bound(ci->hi, RATIO_TIME, hi, sizeof hi));
            {
                int machine =
                    cell->ratio_noise > PERF_RATIO_NOISE_LIMIT || cell->drift > PERF_NEGLIGIBLE;
                fprintf(out, ", but not to the 3%% a rerun would reproduce: %s (",
                        machine ? "the machine was too noisy"
                                : "too few rounds fitted in the budget");
                noise_text(out, c, r, cell);
                fprintf(out, "); rerun with a larger --budget%s",
                        machine ? " on a quieter machine" : "");
            }
        } else if (cell->sig_time == PERF_SIG_DIFFERENT)
            fprintf(out, "%s is %s at n = %s %s (95%% CI %s to %s)", im->name, said, nb, r->w->unit,
                    ratio_bound(worse ? ci->lo : ci->hi, RATIO_TIME, lo, sizeof lo),
                    ratio_bound(worse ? ci->hi : ci->lo, RATIO_TIME, hi, sizeof hi));
        else
            fprintf(out,
                    "no significant difference in time between %s and %s at n = %s %s (measured "
                    "%s, 95%% CI %s to %s%s)",
                    im->name, base->name, nb, r->w->unit,
                    ratio_phrase_of(ci->est, RATIO_TIME, NULL, said, sizeof said),
                    ratio_bound(ci->lo, RATIO_TIME, lo, sizeof lo),
                    ratio_bound(ci->hi, RATIO_TIME, hi, sizeof hi),
                    cell->sig_time == PERF_SIG_NEGLIGIBLE ? ", under 3%" : "");
        if (ft->ok && bt->ok) {
            if (ft->best == bt->best)
                fprintf(out, "; both grow %s", growth_word(ft->best));
            else
                fprintf(out, "; %s grows %s, %s %s", im->name, growth_word(ft->best), base->name,
                        growth_word(bt->best));
            if (r->time_worse[i])
                fprintf(out, " (%s where the baseline is %s)", perf_class_name(ft->best),
                        perf_class_name(bt->best));
            else if (r->time_unclear[i])
                fprintf(out, " (not distinguishable from the baseline's growth at this noise)");
        }
        if (cell->sig_peak == PERF_SIG_DIFFERENT) {
            char fx[32];
            int more;
            ratio_factor_text(ratio_factor(cell->r_peak.est, &more), fx, sizeof fx);
            fprintf(out, "; %s uses %s %s Python peak memory", im->name, fx,
                    more ? "more" : "less");
        } else {
            fprintf(out, "; the same Python peak memory");
        }
        if (fm->ok && bm->ok && r->mem_worse[i])
            fprintf(out, ", growing %s where the baseline's is %s", perf_class_name(fm->best),
                    perf_class_name(bm->best));
        else if (fm->ok && bm->ok && r->mem_unclear[i])
            fprintf(out, ", its growth not distinguishable from the baseline's");
        fprintf(out, ".");
    }
}

void perf_report_summary(FILE *out, const struct perf_comparison *c, size_t wl)
{
    for (size_t i = 0; i < c->nimpls; i++) {
        if (i == c->baseline)
            continue;
        if (c->nresults > 1)
            fprintf(out, "%s: ", c->results[wl].w->name);
        sentence(out, c, wl, i);
        fputc('\n', out);
    }
}

/* ---- charts ------------------------------------------------------------ */

struct chart_data {
    struct perf_chart_series series[PERF_MAX_IMPLS];
    struct perf_chart_point pts[PERF_MAX_IMPLS][PERF_WORKLOAD_MAX_SIZES];
    double fx[PERF_MAX_IMPLS][FIT_POINTS], fy[PERF_MAX_IMPLS][FIT_POINTS];
    double *rx[PERF_MAX_IMPLS], *ry[PERF_MAX_IMPLS];
    unsigned char *ro[PERF_MAX_IMPLS];
    char title[256], xlabel[128], id[96];
    struct perf_chart chart;
};

static void chart_data_cleanup(struct chart_data *d)
{
    for (size_t i = 0; i < PERF_MAX_IMPLS; i++) {
        free(d->rx[i]);
        free(d->ry[i]);
        free(d->ro[i]);
    }
}

/* The 95% interval of the median of x[0..n) (bootstrap). */
static void median_band(const double *x, size_t n, double *lo, double *hi)
{
    double *ones = malloc((n ? n : 1) * sizeof *ones);
    struct perf_ci ci;

    *lo = *hi = 0;
    if (ones == NULL)
        return;
    for (size_t i = 0; i < n; i++)
        ones[i] = 1;
    if (perf_ratio_ci(x, ones, n, CI_ITERS, CI_SEED, &ci) == 0) {
        *lo = ci.lo;
        *hi = ci.hi;
    } else {
        *lo = *hi = ci.est;
    }
    free(ones);
}

/* memory: 0 time, 1 Python peak memory.  0, or -1 when out of memory. */
static int chart_build(const struct perf_comparison *c, size_t wl, int memory, const char *id_stem,
                       struct chart_data *d)
{
    const struct perf_workload_result *r = &c->results[wl];
    size_t ns = 0;

    memset(d, 0, sizeof *d);
    for (size_t i = 0; i < c->nimpls; i++) {
        struct perf_chart_series *se = &d->series[ns];
        const struct perf_fit *fit = memory ? &r->mem_fit[i] : &r->time_fit[i];
        size_t np = 0, nraw = 0;
        double xmin = HUGE_VAL, xmax = 0;

        for (size_t s = 0; s < r->nsizes; s++) {
            const struct perf_cell *cell = perf_cell_at(c, wl, i, s);
            struct perf_chart_point *p = &d->pts[ns][np];
            if (cell->state != PERF_CELL_MEASURED || cell->nrounds == 0)
                continue;
            p->x = r->sizes[s];
            if (memory) {
                p->y = cell->s_peak.median;
                median_band(cell->peak, cell->nrounds, &p->lo, &p->hi);
            } else {
                p->y = r->w->cpu_clock ? cell->s_cpu.median : cell->s_wall.median;
                median_band(r->w->cpu_clock ? cell->cpu : cell->wall, cell->nrounds, &p->lo,
                            &p->hi);
            }
            xmin = fmin(xmin, p->x);
            xmax = fmax(xmax, p->x);
            nraw += memory ? 0 : cell->nraw;
            np++;
        }
        if (np == 0)
            continue;
        se->name = c->impls[i].name;
        se->pts = d->pts[ns];
        se->npts = np;
        if (fit->ok) {
            for (size_t k = 0; k < FIT_POINTS; k++) {
                double t = (double)k / (FIT_POINTS - 1);
                d->fx[ns][k] = xmin * pow(xmax / xmin, t);
                d->fy[ns][k] = perf_model_eval(&fit->models[fit->best], d->fx[ns][k]) -
                               (memory ? PERF_MEM_SLACK_BYTES : 0);
            }
            se->fit_x = d->fx[ns];
            se->fit_y = d->fy[ns];
            se->nfit = FIT_POINTS;
        }
        if (nraw > 0) {
            size_t k = 0;
            d->rx[ns] = malloc(nraw * sizeof(double));
            d->ry[ns] = malloc(nraw * sizeof(double));
            d->ro[ns] = malloc(nraw);
            if (d->rx[ns] == NULL || d->ry[ns] == NULL || d->ro[ns] == NULL)
                return -1;
            for (size_t s = 0; s < r->nsizes; s++) {
                const struct perf_cell *cell = perf_cell_at(c, wl, i, s);
                if (cell->state != PERF_CELL_MEASURED || cell->nrounds == 0)
                    continue;
                for (size_t j = 0; j < cell->nraw; j++, k++) {
                    d->rx[ns][k] = r->sizes[s];
                    d->ry[ns][k] = cell->raw[j];
                    d->ro[ns][k] = (unsigned char)perf_is_outlier(&cell->s_raw, cell->raw[j]);
                }
            }
            se->raw_x = d->rx[ns];
            se->raw_y = d->ry[ns];
            se->raw_outlier = d->ro[ns];
            se->nraw = k;
        }
        ns++;
    }
    snprintf(d->id, sizeof d->id, "%s-%s-%s", id_stem, r->w->name, memory ? "memory" : "time");
    snprintf(d->title, sizeof d->title, "%s: %s against input size", r->w->name,
             memory            ? "Python peak memory"
             : r->w->cpu_clock ? "CPU time per call"
                               : "wall time per call");
    snprintf(d->xlabel, sizeof d->xlabel, "input size n (%s)", r->w->unit);
    d->chart.id = d->id;
    d->chart.title = d->title;
    d->chart.x_label = d->xlabel;
    d->chart.y_label = memory            ? "Python peak memory (bytes)"
                       : r->w->cpu_clock ? "CPU time per call (seconds)"
                                         : "wall time per call (seconds)";
    d->chart.x_unit = PERF_UNIT_COUNT;
    d->chart.y_unit = memory ? PERF_UNIT_BYTES : PERF_UNIT_SECONDS;
    d->chart.log_x = d->chart.log_y = 1;
    d->chart.lines = 1;
    d->chart.series = d->series;
    d->chart.nseries = ns;
    return 0;
}

static int chart_write(FILE *out, const struct perf_comparison *c, size_t wl, int memory,
                       int standalone)
{
    struct chart_data *d = malloc(sizeof *d);
    int rc = -1;

    if (d == NULL)
        return -1;
    if (chart_build(c, wl, memory, "chart", d) == 0 && d->chart.nseries > 0)
        rc = perf_chart_svg(out, &d->chart, standalone);
    chart_data_cleanup(d);
    free(d);
    return rc;
}

/* ---- shared text ------------------------------------------------------- */

struct out_fmt {
    int html; /* else Markdown */
};

static void esc(FILE *out, const struct out_fmt *f, const char *s)
{
    if (f->html) {
        perf_xml_escape(out, s);
        return;
    }
    for (; s != NULL && *s; s++) {
        if (*s == '|' || *s == '*' || *s == '_' || *s == '`' || *s == '<' || *s == '[')
            fputc('\\', out);
        fputc(*s == '\n' ? ' ' : *s, out);
    }
}

static const char *ratio_class(const struct perf_cell *cell)
{
    if (cell->noisy)
        return "noisy";
    if (cell->sig_time != PERF_SIG_DIFFERENT)
        return "same";
    return cell->r_time.est < 1 ? "faster" : "slower";
}

/* "1.52x faster [1.41x, 1.60x]": the estimate and its interval said as
 * ratio.h says every comparison, the interval's factors in the estimate's
 * direction; "no significant difference [1.02x faster, 1.01x slower]";
 * "... too noisy for 3%" when a rerun would not reproduce it. */
static void ratio_text(char *buf, size_t cap, const struct perf_ci *ci, enum perf_sig sig,
                       int noisy)
{
    char est[64], lo[64], hi[64];
    int worse;

    if (sig == PERF_SIG_DIFFERENT) {
        ratio_factor(ci->est, &worse);
        ratio_factor_text(worse ? ci->lo : 1 / ci->hi, lo, sizeof lo);
        ratio_factor_text(worse ? ci->hi : 1 / ci->lo, hi, sizeof hi);
        ratio_phrase_of(ci->est, RATIO_TIME, NULL, est, sizeof est);
        snprintf(buf, cap, "%s [%s, %s]%s", est, lo, hi, noisy ? " too noisy for 3%" : "");
    } else {
        snprintf(buf, cap, "no significant difference [%s, %s]%s",
                 ratio_bound(ci->lo, RATIO_TIME, lo, sizeof lo),
                 ratio_bound(ci->hi, RATIO_TIME, hi, sizeof hi), noisy ? " too noisy for 3%" : "");
    }
}

static int show_parallelism(const struct perf_comparison *c, size_t wl)
{
    const struct perf_workload_result *r = &c->results[wl];

    for (size_t k = 0; k < c->nimpls * r->nsizes; k++)
        if (r->cells[k].state == PERF_CELL_MEASURED && r->cells[k].s_par.median > 1.15)
            return 1;
    return 0;
}

/* One table row, HTML or Markdown. */
static void row(FILE *out, const struct out_fmt *f, const char *cls, const char *const *cells,
                size_t n, int header, size_t nleft)
{
    if (f->html) {
        fprintf(out, "<tr%s%s%s>", cls ? " class=\"" : "", cls ? cls : "", cls ? "\"" : "");
        for (size_t i = 0; i < n; i++) {
            fprintf(out, "<%s%s>", header ? "th" : "td", i < nleft ? " class=\"name\"" : "");
            perf_xml_escape(out, cells[i]);
            fprintf(out, "</%s>", header ? "th" : "td");
        }
        fprintf(out, "</tr>\n");
        return;
    }
    fputc('|', out);
    for (size_t i = 0; i < n; i++) {
        fputc(' ', out);
        esc(out, f, cells[i]);
        fputs(" |", out);
    }
    fputc('\n', out);
    if (header) {
        fputc('|', out);
        for (size_t i = 0; i < n; i++)
            fputs(i < nleft ? " :--- |" : " ---: |", out);
        fputc('\n', out);
    }
}

#define NCOLS 13

static void figures_table(FILE *out, const struct out_fmt *f, const struct perf_comparison *c,
                          size_t wl)
{
    const struct perf_workload_result *r = &c->results[wl];
    const char *head[NCOLS] = {"n",
                               "implementation",
                               "wall / call (median)",
                               "IQR",
                               "CPU / call",
                               "time against the baseline [95% CI]",
                               "Python peak",
                               "RSS peak",
                               "allocations / call",
                               "parallelism",
                               "outliers",
                               "rounds x values",
                               "spread between rounds"};
    size_t ncols = show_parallelism(c, wl) ? NCOLS : NCOLS - 1;
    char b[NCOLS][160];
    const char *cells[NCOLS];

    if (ncols == NCOLS - 1) {
        head[9] = head[10];
        head[10] = head[11];
        head[11] = head[12];
    }
    if (f->html)
        fprintf(out, "<table class=\"figures\" data-workload=\"%s\">\n<thead>", r->w->name);
    row(out, f, NULL, head, ncols, 1, 2);
    if (f->html)
        fprintf(out, "</thead>\n<tbody>\n");
    for (size_t s = 0; s < r->nsizes; s++) {
        for (size_t i = 0; i < c->nimpls; i++) {
            const struct perf_cell *cell = perf_cell_at(c, wl, i, s);
            size_t k = 0;
            char tmp[3][32];
            for (size_t j = 0; j < NCOLS; j++)
                cells[j] = b[j];
            size_text(r->sizes[s], b[k++], sizeof b[0]);
            snprintf(b[k++], sizeof b[0], "%s%s", c->impls[i].name,
                     i == c->baseline ? " (baseline)" : "");
            if (cell->state != PERF_CELL_MEASURED || cell->nrounds == 0) {
                snprintf(b[k++], sizeof b[0], "%s", cell->note[0] ? cell->note : "not measured");
                for (; k < ncols; k++)
                    b[k][0] = '\0';
                row(out, f, i == c->baseline ? "baseline skipped" : "skipped", cells, ncols, 0, 3);
                continue;
            }
            secs(cell->s_wall.median, b[k++], sizeof b[0]);
            snprintf(b[k++], sizeof b[0], "%s-%s", secs(cell->s_wall.q1, tmp[0], 32),
                     secs(cell->s_wall.q3, tmp[1], 32));
            secs(cell->s_cpu.median, b[k++], sizeof b[0]);
            if (i == c->baseline)
                snprintf(b[k++], sizeof b[0], "1 (baseline)");
            else if (cell->has_ratio)
                ratio_text(b[k++], sizeof b[0], &cell->r_time, cell->sig_time, cell->noisy);
            else
                snprintf(b[k++], sizeof b[0], "-");
            bytes(cell->s_peak.median, b[k++], sizeof b[0]);
            bytes(cell->s_rss.median, b[k++], sizeof b[0]);
            /* A count reads as one: 33340, not 3.334e+04. */
            snprintf(b[k++], sizeof b[0], cell->s_allocs.median >= 1000 ? "%.0f" : "%.4g",
                     cell->s_allocs.median);
            if (ncols == NCOLS)
                snprintf(b[k++], sizeof b[0], "%.2f", cell->s_par.median);
            snprintf(b[k++], sizeof b[0], "%zu of %zu", cell->s_raw.noutliers, cell->nraw);
            snprintf(b[k++], sizeof b[0], "%zu x %zu (loops %zu)", cell->nrounds, cell->values,
                     cell->loops);
            snprintf(b[k++], sizeof b[0], "±%.1f%%%s", 100 * cell->noise,
                     cell->noise > PERF_NOISE_LIMIT ? " (noisy)" : "");
            row(out, f, i == c->baseline ? "baseline" : ratio_class(cell), cells, ncols, 0, 2);
        }
    }
    if (f->html)
        fprintf(out, "</tbody>\n</table>\n");
    else
        fputc('\n', out);
}

static void fit_evidence(char *buf, size_t cap, const struct perf_fit *fit)
{
    if (!fit->ok) {
        snprintf(buf, cap, "not enough sizes to fit (3 needed)");
        return;
    }
    snprintf(buf, cap,
             "%s, Akaike weight %.2f; runner-up %s (AIC +%.1f); largest residual %.1f%%; "
             "fit %.3g + %.3g f(n)",
             perf_class_big_o(fit->best), fit->weight, perf_class_name(fit->runner_up),
             fit->delta_aic, fit->max_residual * 100, fit->models[fit->best].a,
             fit->models[fit->best].b);
}

static void growth_table(FILE *out, const struct out_fmt *f, const struct perf_comparison *c,
                         size_t wl)
{
    const struct perf_workload_result *r = &c->results[wl];
    const char *head[6] = {"implementation", "time grows",        "evidence (time)",
                           "memory grows",   "evidence (memory)", "against the baseline"};
    char b[6][320];
    const char *cells[6];

    if (f->html)
        fprintf(out, "<table class=\"growth\">\n<thead>");
    row(out, f, NULL, head, 6, 1, 6);
    if (f->html)
        fprintf(out, "</thead>\n<tbody>\n");
    for (size_t i = 0; i < c->nimpls; i++) {
        const struct perf_fit *ft = &r->time_fit[i], *fm = &r->mem_fit[i];
        if (c->impls[i].correct == PERF_WRONG)
            continue;
        for (size_t j = 0; j < 6; j++)
            cells[j] = b[j];
        snprintf(b[0], sizeof b[0], "%s", c->impls[i].name);
        snprintf(b[1], sizeof b[1], "%s", ft->ok ? perf_class_name(ft->best) : "-");
        fit_evidence(b[2], sizeof b[2], ft);
        snprintf(b[3], sizeof b[3], "%s", fm->ok ? perf_class_name(fm->best) : "-");
        fit_evidence(b[4], sizeof b[4], fm);
        if (i == c->baseline)
            snprintf(b[5], sizeof b[5], "baseline");
        else if (r->time_worse[i] || r->mem_worse[i])
            snprintf(b[5], sizeof b[5], "WORSE: %s%s%s", r->time_worse[i] ? "time" : "",
                     r->time_worse[i] && r->mem_worse[i] ? " and " : "",
                     r->mem_worse[i] ? "memory" : "");
        else if (r->time_unclear[i] || r->mem_unclear[i])
            snprintf(b[5], sizeof b[5], "not distinguishable: %s%s%s",
                     r->time_unclear[i] ? "time" : "",
                     r->time_unclear[i] && r->mem_unclear[i] ? " and " : "",
                     r->mem_unclear[i] ? "memory" : "");
        else
            snprintf(b[5], sizeof b[5], "no worse");
        row(out, f, r->time_worse[i] || r->mem_worse[i] ? "flag" : NULL, cells, 6, 0, 6);
    }
    if (f->html)
        fprintf(out, "</tbody>\n</table>\n");
    else
        fputc('\n', out);
}

static void impls_table(FILE *out, const struct out_fmt *f, const struct perf_comparison *c)
{
    const char *head[4] = {"implementation", "file", "correctness", "notes"};
    char b[4][900];
    const char *cells[4] = {b[0], b[1], b[2], b[3]};

    if (f->html)
        fprintf(out, "<table class=\"impls\">\n<thead>");
    row(out, f, NULL, head, 4, 1, 4);
    if (f->html)
        fprintf(out, "</thead>\n<tbody>\n");
    for (size_t i = 0; i < c->nimpls; i++) {
        const struct perf_impl *im = &c->impls[i];
        snprintf(b[0], sizeof b[0], "%s%s", im->name, i == c->baseline ? " (baseline)" : "");
        snprintf(b[1], sizeof b[1], "%s", im->path);
        snprintf(b[2], sizeof b[2], "%s%s%s", perf_correct_name(im->correct),
                 im->verdict ? ": verdict " : "", im->verdict ? im->verdict : "");
        snprintf(b[3], sizeof b[3], "%s", im->why ? im->why : "");
        row(out, f, im->correct == PERF_WRONG ? "wrong" : NULL, cells, 4, 0, 4);
    }
    if (f->html)
        fprintf(out, "</tbody>\n</table>\n");
    else
        fputc('\n', out);
}

static void method_text(FILE *out, const struct out_fmt *f, const struct perf_comparison *c)
{
    if (f->html)
        fprintf(out, "<p class=\"stop%s\">", c->converged ? "" : " budget");
    else
        fprintf(out, "**Stopping:** ");
    esc(out, f, c->stop);
    fprintf(out, f->html ? "</p>\n" : "\n\n");
    if (c->nnoisy > 0) {
        fprintf(out, f->html ? "<p class=\"noisy\"><strong>Not reproducible to 3%%:</strong> "
                             : "**Not reproducible to 3%%:** ");
        fprintf(out,
                "%zu ratio(s) could not be measured to the 3%% that a rerun reproduces: their "
                "interval, the disagreement between the two halves of the run, or the spread of "
                "the per-round ratios was wider (the figures are in each sentence above; each "
                "implementation's own spread is in the \"spread between rounds\" column). Their "
                "intervals are given, not a single figure.",
                c->nnoisy);
        if (c->cpu_pressure >= 0)
            fprintf(out, " Some task waited for a CPU during %.0f%% of the measuring time.",
                    100 * c->cpu_pressure);
        fprintf(out, f->html ? "</p>\n" : "\n\n");
    }
    fprintf(out, f->html ? "<p>" : "");
    fprintf(out,
            "Every sample comes from a fresh sandboxed worker: one unmeasured warm-up call, then "
            "values of `loops` calls each (on the CPU clock 3 values of about 10 ms; on the wall "
            "clock up to 15 values of about 2 ms, short enough that some fall between two "
            "preemptions of a busy machine); the sample is the smallest value (interference "
            "only adds time). Every 2 rounds the workers come from a new sandbox host, with a new "
            "memory layout, so that no one layout decides the ratio. Rounds run every "
            "implementation once "
            "per size in a rotated order (A B C, then B C A, ...), "
            "so a change in the machine's speed hits all alike; a ratio is the median over rounds "
            "divided by the baseline's, with a 95%% percentile-bootstrap interval that resamples "
            "rounds with their pairs; sampling goes on (at least 10 rounds on the CPU clock, "
            "20 on the wall clock) until the interval is within the precision and the ratios "
            "of the two halves of the run agree within 3%%. A ratio whose interval contains 1, "
            "or that is within 3%%, "
            "is reported as no significant difference. Outliers (beyond 1.5 IQR of the "
            "quartiles) are kept in every figure and drawn hollow. Growth classes are fitted to "
            "the medians on log residuals and ranked by AIC. Python %s, %d CPU(s), budget %.0f "
            "s, measured in %.1f s plus %.1f s of correctness checks.",
            c->python, c->cpus, c->budget_s, c->elapsed_s - c->check_s, c->check_s);
    fprintf(out, f->html ? "</p>\n" : "\n");
}

static const char *clock_note(const struct perf_workload_result *r)
{
    return r->w->cpu_clock ? "Ratios, growth and the time chart use CPU time (the work is "
                             "single-threaded, and CPU time does not count waiting for a core)."
                           : "Ratios, growth and the time chart use wall time (the work waits, "
                             "or uses threads or processes).";
}

/* The body of the HTML page or the Markdown document.  `svg_stem`: for
 * Markdown, the path prefix of the chart files (NULL: no charts). */
static int body(FILE *out, const struct out_fmt *f, const struct perf_comparison *c,
                const char *svg_stem, struct ph_err *err)
{
    if (f->html) {
        fprintf(out, "<h1>");
        perf_xml_escape(out, c->title);
        fprintf(out, "</h1>\n<p class=\"meta\">Exercise <code>");
        perf_xml_escape(out, c->exercise);
        fprintf(out, "</code>: %zu implementation(s) compared with <strong>", c->nimpls);
        perf_xml_escape(out, c->impls[c->baseline].name);
        fprintf(out, "</strong> as the baseline.</p>\n<section class=\"summary\"><h2>Summary</h2>"
                     "\n<ul class=\"summary\">\n");
    } else {
        fprintf(out, "Exercise `%s`: %zu implementation(s) compared with **", c->exercise,
                c->nimpls);
        esc(out, f, c->impls[c->baseline].name);
        fprintf(out, "** as the baseline.\n\n## Summary\n\n");
    }
    for (size_t w = 0; w < c->nresults; w++)
        for (size_t i = 0; i < c->nimpls; i++) {
            char *text = NULL;
            size_t len = 0;
            FILE *m;
            if (i == c->baseline)
                continue;
            m = open_memstream(&text, &len);
            if (m == NULL)
                return ph_errf(err, PH_ENOMEM, "out of memory");
            if (c->nresults > 1)
                fprintf(m, "%s: ", c->results[w].w->name);
            sentence(m, c, w, i);
            fclose(m);
            fprintf(out, f->html ? "<li>" : "- ");
            esc(out, f, text);
            fprintf(out, f->html ? "</li>\n" : "\n");
            free(text);
        }
    if (c->nimpls == 1) {
        fprintf(out, f->html ? "<li>" : "- ");
        fprintf(out, "One implementation: figures and growth only, no ratios.");
        fprintf(out, f->html ? "</li>\n" : "\n");
    }
    fprintf(out, f->html ? "</ul>\n" : "\n");
    method_text(out, f, c);
    fprintf(out, f->html ? "</section>\n<section><h2>Implementations</h2>\n"
                         : "\n## Implementations\n\n");
    impls_table(out, f, c);
    if (f->html)
        fprintf(out, "</section>\n");
    for (size_t w = 0; w < c->nresults; w++) {
        const struct perf_workload_result *r = &c->results[w];
        if (f->html) {
            fprintf(out,
                    "<section class=\"workload\" id=\"workload-%s\">\n<h2>Workload "
                    "<code>%s</code></h2>\n<p>",
                    r->w->name, r->w->name);
            perf_xml_escape(out, r->w->description);
            fprintf(out, " %s</p>\n", clock_note(r));
        } else {
            fprintf(out, "## Workload `%s`\n\n", r->w->name);
            esc(out, f, r->w->description);
            fprintf(out, " %s\n\n", clock_note(r));
        }
        figures_table(out, f, c, w);
        fprintf(out, f->html ? "<h3>Growth</h3>\n" : "### Growth\n\n");
        growth_table(out, f, c, w);
        fprintf(out, f->html ? "<h3>Charts</h3>\n" : "### Charts\n\n");
        for (int memory = 0; memory < 2; memory++) {
            if (f->html) {
                fprintf(out, "<figure>\n");
                if (chart_write(out, c, w, memory, 0) != 0)
                    fprintf(out, "<p>Nothing measured to draw.</p>\n");
                fprintf(out,
                        "<figcaption>%s of <code>%s</code> against n, log-log; one line "
                        "per implementation.</figcaption>\n</figure>\n",
                        memory            ? "Python peak memory"
                        : r->w->cpu_clock ? "CPU time per call"
                                          : "Wall time per call",
                        r->w->name);
            } else if (svg_stem != NULL) {
                char path[PATH_MAX + 128];
                const char *base;
                FILE *svg;
                snprintf(path, sizeof path, "%s-%s-%s.svg", svg_stem, r->w->name,
                         memory ? "memory" : "time");
                svg = fopen(path, "w");
                if (svg == NULL)
                    return ph_errf(err, PH_EIO, "%s: cannot write the chart", path);
                if (chart_write(svg, c, w, memory, 1) != 0)
                    fprintf(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n");
                if (fclose(svg) != 0)
                    return ph_errf(err, PH_EIO, "%s: cannot write the chart", path);
                base = strrchr(path, '/');
                fprintf(out, "![%s of %s against n](%s)\n\n",
                        memory ? "Python peak memory" : "time per call", r->w->name,
                        base ? base + 1 : path);
            } else if (memory == 0) {
                fprintf(out, "(Charts are written beside the report with `--out FILE`.)\n\n");
            }
        }
        if (f->html)
            fprintf(out, "</section>\n");
    }
    return PH_OK;
}

/* Copy `tmpl` to `out`, replacing {{title}}, {{style}} and {{body}}. */
static void fill(FILE *out, const char *tmpl, const char *title, const char *style,
                 const char *body_text, int html)
{
    const char *p = tmpl;

    while (*p) {
        const char *q = strstr(p, "{{");
        const char *e = q ? strstr(q, "}}") : NULL;
        if (q == NULL || e == NULL) {
            fputs(p, out);
            return;
        }
        fwrite(p, 1, (size_t)(q - p), out);
        if (strncmp(q, "{{title}}", 9) == 0) {
            if (html)
                perf_xml_escape(out, title);
            else
                fputs(title, out);
        } else if (strncmp(q, "{{style}}", 9) == 0) {
            fputs(style ? style : "", out);
        } else if (strncmp(q, "{{body}}", 8) == 0) {
            fputs(body_text, out);
        } else {
            fwrite(q, 1, (size_t)(e + 2 - q), out);
        }
        p = e + 2;
    }
}

static enum ph_rc write_text(const char *out_path, FILE *stream, const char *text,
                             struct ph_err *err)
{
    FILE *f;
    size_t len = strlen(text);

    if (out_path == NULL) {
        fputs(text, stream);
        return PH_OK;
    }
    /* fopen, not fileio_write (0600): a report is for sharing, so it gets
     * the user's umask, as the chart files beside it do. */
    f = fopen(out_path, "w");
    if (f == NULL)
        return ph_errf(err, PH_EIO, "%s: cannot write the report: %s", out_path, strerror(errno));
    if (fwrite(text, 1, len, f) != len) {
        fclose(f);
        return ph_errf(err, PH_EIO, "%s: cannot write the report: %s", out_path, strerror(errno));
    }
    if (fclose(f) != 0)
        return ph_errf(err, PH_EIO, "%s: cannot write the report: %s", out_path, strerror(errno));
    return PH_OK;
}

enum ph_rc perf_report_write(const struct perf_comparison *c, enum perf_format fmt,
                             const char *out_path, FILE *stream, struct ph_err *err)
{
    char *tmpl = NULL, *style = NULL, *btext = NULL, *page = NULL;
    size_t blen = 0, plen = 0;
    char title[512], stem[PATH_MAX];
    struct out_fmt f = {fmt == PERF_FORMAT_HTML};
    FILE *m = NULL;
    enum ph_rc rc;

    if (fmt == PERF_FORMAT_JSON) {
        cJSON *j = perf_report_json(c);
        char *text = j ? cJSON_Print(j) : NULL;
        cJSON_Delete(j);
        if (text == NULL)
            return ph_errf(err, PH_ENOMEM, "out of memory");
        page = malloc(strlen(text) + 2);
        if (page == NULL) {
            free(text);
            return ph_errf(err, PH_ENOMEM, "out of memory");
        }
        snprintf(page, strlen(text) + 2, "%s\n", text);
        free(text);
        rc = write_text(out_path, stream, page, err);
        free(page);
        return rc;
    }
    rc = paths_read_report(f.html ? "compare.html" : "compare.md", &tmpl, err);
    if (rc == PH_OK && f.html)
        rc = paths_read_report("style.css", &style, err);
    if (rc != PH_OK)
        goto out;
    snprintf(stem, sizeof stem, "%s", out_path ? out_path : "");
    if (out_path != NULL) {
        char *dot = strrchr(stem, '.'), *slash = strrchr(stem, '/');
        if (dot != NULL && (slash == NULL || dot > slash))
            *dot = '\0';
    }
    m = open_memstream(&btext, &blen);
    if (m == NULL) {
        rc = ph_errf(err, PH_ENOMEM, "out of memory");
        goto out;
    }
    rc = body(m, &f, c, out_path ? stem : NULL, err);
    fclose(m);
    m = NULL;
    if (rc != PH_OK)
        goto out;
    snprintf(title, sizeof title, "Comparison: %s", c->title);
    m = open_memstream(&page, &plen);
    if (m == NULL) {
        rc = ph_errf(err, PH_ENOMEM, "out of memory");
        goto out;
    }
    fill(m, tmpl, title, style, btext, f.html);
    fclose(m);
    m = NULL;
    rc = write_text(out_path, stream, page, err);
out:
    free(tmpl);
    free(style);
    free(btext);
    free(page);
    return rc;
}

/* ---- JSON -------------------------------------------------------------- */

static cJSON *summary_json(const struct perf_summary *s)
{
    cJSON *o = cJSON_CreateObject();

    cJSON_AddNumberToObject(o, "median", s->median);
    cJSON_AddNumberToObject(o, "q1", s->q1);
    cJSON_AddNumberToObject(o, "q3", s->q3);
    cJSON_AddNumberToObject(o, "min", s->min);
    cJSON_AddNumberToObject(o, "max", s->max);
    cJSON_AddNumberToObject(o, "mad", s->mad);
    cJSON_AddNumberToObject(o, "n", (double)s->n);
    cJSON_AddNumberToObject(o, "outliers", (double)s->noutliers);
    return o;
}

static cJSON *ci_json(const struct perf_ci *ci, enum perf_sig sig)
{
    cJSON *o = cJSON_CreateObject();

    cJSON_AddNumberToObject(o, "estimate", ci->est);
    cJSON_AddNumberToObject(o, "lo", ci->lo);
    cJSON_AddNumberToObject(o, "hi", ci->hi);
    cJSON_AddStringToObject(o, "difference", sig_word(sig));
    return o;
}

static cJSON *fit_json(const struct perf_fit *fit)
{
    cJSON *o = cJSON_CreateObject(), *res, *aic;

    cJSON_AddBoolToObject(o, "ok", fit->ok);
    if (!fit->ok)
        return o;
    cJSON_AddStringToObject(o, "class", perf_class_name(fit->best));
    cJSON_AddStringToObject(o, "big_o", perf_class_big_o(fit->best));
    cJSON_AddNumberToObject(o, "a", fit->models[fit->best].a);
    cJSON_AddNumberToObject(o, "b", fit->models[fit->best].b);
    cJSON_AddStringToObject(o, "runner_up", perf_class_name(fit->runner_up));
    cJSON_AddNumberToObject(o, "delta_aic", fit->delta_aic);
    cJSON_AddNumberToObject(o, "weight", fit->weight);
    res = cJSON_AddArrayToObject(o, "residuals");
    for (size_t i = 0; i < fit->m; i++)
        cJSON_AddItemToArray(res, cJSON_CreateNumber(fit->residuals[i]));
    aic = cJSON_AddObjectToObject(o, "aic");
    for (int k = 0; k < PERF_NCLASSES; k++)
        if (fit->models[k].valid)
            cJSON_AddNumberToObject(aic, perf_class_name((enum perf_class)k), fit->models[k].aic);
    return o;
}

/* The JSON report; caller frees with cJSON_Delete(); NULL when out of memory. */
static cJSON *perf_report_json(const struct perf_comparison *c)
{
    cJSON *root = cJSON_CreateObject(), *arr, *wls;

    if (root == NULL)
        return NULL;
    cJSON_AddNumberToObject(root, "format", 1);
    cJSON_AddStringToObject(root, "kind", "comparison");
    cJSON_AddStringToObject(root, "exercise", c->exercise);
    cJSON_AddStringToObject(root, "title", c->title);
    cJSON_AddStringToObject(root, "baseline", c->impls[c->baseline].name);
    cJSON_AddNumberToObject(root, "budget_s", c->budget_s);
    cJSON_AddNumberToObject(root, "precision", c->precision);
    cJSON_AddNumberToObject(root, "elapsed_s", c->elapsed_s);
    cJSON_AddNumberToObject(root, "check_s", c->check_s);
    cJSON_AddNumberToObject(root, "rounds", (double)c->rounds);
    cJSON_AddBoolToObject(root, "converged", c->converged);
    cJSON_AddBoolToObject(root, "interleaved", !c->sequential);
    cJSON_AddStringToObject(root, "stop", c->stop);
    cJSON_AddStringToObject(root, "python", c->python);
    cJSON_AddNumberToObject(root, "cpus", c->cpus);
    if (c->cpu_pressure >= 0)
        cJSON_AddNumberToObject(root, "cpu_pressure", c->cpu_pressure);
    else
        cJSON_AddNullToObject(root, "cpu_pressure");
    cJSON_AddNumberToObject(root, "noisy_ratios", (double)c->nnoisy);
    arr = cJSON_AddArrayToObject(root, "implementations");
    for (size_t i = 0; i < c->nimpls; i++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "name", c->impls[i].name);
        cJSON_AddStringToObject(o, "path", c->impls[i].path);
        cJSON_AddStringToObject(o, "correctness", perf_correct_name(c->impls[i].correct));
        cJSON_AddBoolToObject(o, "wrong", c->impls[i].correct == PERF_WRONG);
        if (c->impls[i].verdict)
            cJSON_AddStringToObject(o, "verdict", c->impls[i].verdict);
        if (c->impls[i].why)
            cJSON_AddStringToObject(o, "why", c->impls[i].why);
        cJSON_AddItemToArray(arr, o);
    }
    wls = cJSON_AddArrayToObject(root, "workloads");
    for (size_t w = 0; w < c->nresults; w++) {
        const struct perf_workload_result *r = &c->results[w];
        cJSON *o = cJSON_CreateObject(), *sz, *cells, *growth, *summ;
        char *text = NULL;
        size_t len = 0;
        FILE *m;
        cJSON_AddStringToObject(o, "name", r->w->name);
        cJSON_AddStringToObject(o, "unit", r->w->unit);
        cJSON_AddStringToObject(o, "description", r->w->description);
        cJSON_AddStringToObject(o, "clock", r->w->cpu_clock ? "cpu" : "wall");
        sz = cJSON_AddArrayToObject(o, "sizes");
        for (size_t s = 0; s < r->nsizes; s++)
            cJSON_AddItemToArray(sz, cJSON_CreateNumber(r->sizes[s]));
        summ = cJSON_AddArrayToObject(o, "summary");
        for (size_t i = 0; i < c->nimpls; i++) {
            if (i == c->baseline)
                continue;
            m = open_memstream(&text, &len);
            if (m != NULL) {
                sentence(m, c, w, i);
                fclose(m);
                cJSON_AddItemToArray(summ, cJSON_CreateString(text));
                free(text);
                text = NULL;
            }
        }
        cells = cJSON_AddArrayToObject(o, "results");
        for (size_t s = 0; s < r->nsizes; s++)
            for (size_t i = 0; i < c->nimpls; i++) {
                const struct perf_cell *cell = perf_cell_at(c, w, i, s);
                cJSON *e = cJSON_CreateObject(), *ratio, *raw;
                cJSON_AddStringToObject(e, "implementation", c->impls[i].name);
                cJSON_AddNumberToObject(e, "size", r->sizes[s]);
                cJSON_AddStringToObject(e, "state",
                                        cell->state == PERF_CELL_MEASURED  ? "measured"
                                        : cell->state == PERF_CELL_SKIPPED ? "skipped"
                                                                           : "failed");
                if (cell->note[0])
                    cJSON_AddStringToObject(e, "note", cell->note);
                cJSON_AddItemToArray(cells, e);
                if (cell->state != PERF_CELL_MEASURED)
                    continue;
                cJSON_AddNumberToObject(e, "loops", (double)cell->loops);
                cJSON_AddNumberToObject(e, "rounds", (double)cell->nrounds);
                cJSON_AddNumberToObject(e, "values_per_worker", (double)cell->values);
                cJSON_AddItemToObject(e, "wall_s", summary_json(&cell->s_wall));
                cJSON_AddItemToObject(e, "cpu_s", summary_json(&cell->s_cpu));
                cJSON_AddItemToObject(e, "py_peak_bytes", summary_json(&cell->s_peak));
                cJSON_AddItemToObject(e, "rss_peak_bytes", summary_json(&cell->s_rss));
                cJSON_AddItemToObject(e, "py_allocs", summary_json(&cell->s_allocs));
                cJSON_AddItemToObject(e, "parallelism", summary_json(&cell->s_par));
                cJSON_AddNumberToObject(e, "outliers", (double)cell->s_raw.noutliers);
                cJSON_AddNumberToObject(e, "noise", cell->noise);
                if (cell->has_ratio) {
                    cJSON_AddNumberToObject(e, "drift", cell->drift);
                    cJSON_AddNumberToObject(e, "ratio_noise", cell->ratio_noise);
                    cJSON_AddBoolToObject(e, "noisy", cell->noisy);
                    ratio = cJSON_AddObjectToObject(e, "ratio");
                    cJSON_AddItemToObject(ratio, "wall", ci_json(&cell->r_wall, cell->sig_wall));
                    cJSON_AddItemToObject(ratio, "time", ci_json(&cell->r_time, cell->sig_time));
                    cJSON_AddItemToObject(ratio, "cpu", ci_json(&cell->r_cpu, cell->sig_cpu));
                    cJSON_AddItemToObject(ratio, "py_peak", ci_json(&cell->r_peak, cell->sig_peak));
                }
                raw = cJSON_AddArrayToObject(e, "samples_s");
                for (size_t k = 0; k < cell->nraw; k++)
                    cJSON_AddItemToArray(raw, cJSON_CreateNumber(cell->raw[k]));
            }
        growth = cJSON_AddArrayToObject(o, "growth");
        for (size_t i = 0; i < c->nimpls; i++) {
            cJSON *g = cJSON_CreateObject();
            cJSON_AddStringToObject(g, "implementation", c->impls[i].name);
            cJSON_AddItemToObject(g, "time", fit_json(&r->time_fit[i]));
            cJSON_AddItemToObject(g, "memory", fit_json(&r->mem_fit[i]));
            cJSON_AddBoolToObject(g, "time_worse_than_baseline", r->time_worse[i]);
            cJSON_AddBoolToObject(g, "memory_worse_than_baseline", r->mem_worse[i]);
            cJSON_AddStringToObject(g, "time_vs_baseline",
                                    perf_growth_vs_name(r->time_worse[i] ? PERF_GROWTH_WORSE
                                                        : r->time_unclear[i]
                                                            ? PERF_GROWTH_UNCLEAR
                                                            : PERF_GROWTH_NO_WORSE));
            cJSON_AddStringToObject(g, "memory_vs_baseline",
                                    perf_growth_vs_name(r->mem_worse[i] ? PERF_GROWTH_WORSE
                                                        : r->mem_unclear[i]
                                                            ? PERF_GROWTH_UNCLEAR
                                                            : PERF_GROWTH_NO_WORSE));
            cJSON_AddItemToArray(growth, g);
        }
        cJSON_AddItemToArray(wls, o);
    }
    return root;
}
