/* perf_fit.c - see perf_fit.h. */
#include "perf_fit.h"

#include <math.h>
#include <string.h>

/* How far a class may miss a point and still count as exact: 8%.  Per-item
 * costs drift by up to that much across sizes for reasons no growth class
 * models (caches, the allocator, CPython's cache of small ints, integers
 * growing a digit), while n log n and n differ by 30-45% per decade at the
 * sizes people pick, which stays well above it.  The medians are
 * precise enough that, without a floor, AIC would promote such drift to a
 * higher class (linear code "n log n", a constant "logarithmic").  It also
 * keeps an exact fit from having AIC -infinity. */
#define RSS_FLOOR_PER_POINT (PERF_FIT_TOLERANCE * PERF_FIT_TOLERANCE)
/* Classes within this much AIC of the best are indistinguishable by the
 * data (Burnham & Anderson's rule of thumb): the simplest of them is named. */
#define AIC_TIE 2.0

static const char *const class_names[PERF_NCLASSES] = {
    "constant", "logarithmic", "linear", "n log n", "quadratic", "cubic", "exponential",
};
static const char *const class_big_o[PERF_NCLASSES] = {
    "O(1)", "O(log n)", "O(n)", "O(n log n)", "O(n^2)", "O(n^3)", "O(2^n)",
};

const char *perf_class_name(enum perf_class c)
{
    return (unsigned)c < PERF_NCLASSES ? class_names[c] : "?";
}

const char *perf_class_big_o(enum perf_class c)
{
    return (unsigned)c < PERF_NCLASSES ? class_big_o[c] : "?";
}

static double basis(enum perf_class c, double n)
{
    switch (c) {
    case PERF_CONSTANT:
        return 0;
    case PERF_LOG:
        return log(n);
    case PERF_LINEAR:
        return n;
    case PERF_NLOGN:
        return n * log(n);
    case PERF_QUADRATIC:
        return n * n;
    case PERF_CUBIC:
        return n * n * n;
    default:
        return 0;
    }
}

double perf_model_eval(const struct perf_model *model, double n)
{
    if (model->cls == PERF_EXPONENTIAL)
        return model->a * exp(model->b * n);
    return model->a + model->b * basis(model->cls, n);
}

/* Weighted least squares of y = a + b f with weights 1/y^2 (relative
 * errors), a >= 0 and b >= 0: a curve through the origin when the free
 * intercept would be negative (it would go below zero at small n). */
static void fit_affine(struct perf_model *md, const double *x, const double *y, size_t m)
{
    double sw = 0, sf = 0, sy = 0, sff = 0, sfy = 0, det;

    for (size_t i = 0; i < m; i++) {
        double w = 1 / (y[i] * y[i]), f = basis(md->cls, x[i]);
        sw += w;
        sf += w * f;
        sy += w * y[i];
        sff += w * f * f;
        sfy += w * f * y[i];
    }
    md->k = md->cls == PERF_CONSTANT ? 1 : 2;
    if (md->cls == PERF_CONSTANT) {
        md->a = sy / sw;
        md->b = 0;
        return;
    }
    det = sw * sff - sf * sf;
    md->a = det != 0 ? (sff * sy - sf * sfy) / det : 0;
    md->b = det != 0 ? (sw * sfy - sf * sy) / det : 0;
    if (md->a < 0 || det == 0) {
        md->a = 0;
        md->b = sff > 0 ? sfy / sff : 0;
    }
}

/* ln y = ln a + b n by ordinary least squares. */
static void fit_exponential(struct perf_model *md, const double *x, const double *y, size_t m)
{
    double sx = 0, sl = 0, sxx = 0, sxl = 0, det;

    for (size_t i = 0; i < m; i++) {
        double l = log(y[i]);
        sx += x[i];
        sl += l;
        sxx += x[i] * x[i];
        sxl += x[i] * l;
    }
    md->k = 2;
    det = (double)m * sxx - sx * sx;
    md->b = det != 0 ? ((double)m * sxl - sx * sl) / det : 0;
    md->a = exp((sl - md->b * sx) / (double)m);
}

int perf_fit_growth(const double *x, const double *y, size_t m, struct perf_fit *out)
{
    double best = HUGE_VAL, second = HUGE_VAL, wsum = 0;
    size_t distinct = 0;

    memset(out, 0, sizeof *out);
    out->m = m;
    if (m > PERF_FIT_MAX)
        return -1;
    for (size_t i = 0; i < m; i++) {
        if (!(x[i] > 0) || !(y[i] > 0) || !isfinite(x[i]) || !isfinite(y[i]))
            return -1;
        if (i == 0 || x[i] != x[i - 1])
            distinct++;
    }
    if (distinct < 3)
        return -1;
    for (int c = 0; c < PERF_NCLASSES; c++) {
        struct perf_model *md = &out->models[c];
        md->cls = (enum perf_class)c;
        if (c == PERF_EXPONENTIAL)
            fit_exponential(md, x, y, m);
        else
            fit_affine(md, x, y, m);
        /* A decreasing curve is not a growth class; constant covers it. */
        md->valid = md->cls == PERF_CONSTANT || md->b > 0;
        md->rss = 0;
        for (size_t i = 0; md->valid && i < m; i++) {
            double f = perf_model_eval(md, x[i]);
            if (!(f > 0) || !isfinite(f)) {
                md->valid = 0;
                break;
            }
            md->rss += log(y[i] / f) * log(y[i] / f);
        }
        if (!md->valid) {
            md->aic = HUGE_VAL;
            continue;
        }
        md->aic = (double)m * log(fmax(md->rss / (double)m, RSS_FLOOR_PER_POINT)) + 2.0 * md->k;
    }
    /* The lowest AIC, then the simplest class within AIC_TIE of it. */
    for (int c = 0; c < PERF_NCLASSES; c++)
        if (out->models[c].aic < best)
            best = out->models[c].aic;
    out->best = PERF_CONSTANT;
    for (int c = 0; c < PERF_NCLASSES; c++)
        if (out->models[c].aic <= best + AIC_TIE) {
            out->best = (enum perf_class)c;
            break;
        }
    out->runner_up = out->best == PERF_CONSTANT ? PERF_LOG : PERF_CONSTANT;
    for (int c = 0; c < PERF_NCLASSES; c++)
        if (c != (int)out->best && out->models[c].aic < second) {
            second = out->models[c].aic;
            out->runner_up = (enum perf_class)c;
        }
    out->delta_aic = second - out->models[out->best].aic;
    best = out->models[out->best].aic;
    for (int c = 0; c < PERF_NCLASSES; c++)
        if (out->models[c].valid)
            wsum += exp(-(out->models[c].aic - best) / 2);
    out->weight = wsum > 0 ? 1 / wsum : 0;
    for (size_t i = 0; i < m; i++) {
        double f = perf_model_eval(&out->models[out->best], x[i]);
        out->residuals[i] = y[i] / f - 1;
        if (fabs(out->residuals[i]) > out->max_residual)
            out->max_residual = fabs(out->residuals[i]);
    }
    out->ok = 1;
    return 0;
}

enum perf_growth_vs perf_growth_compare(const struct perf_fit *impl, const struct perf_fit *base,
                                        const struct perf_ci *first, const struct perf_ci *last)
{
    double daic;

    if (!impl->ok || !base->ok || impl->best <= base->best)
        return PERF_GROWTH_NO_WORSE;
    daic = impl->models[base->best].aic - impl->models[impl->best].aic;
    if (!(daic >= PERF_GROWTH_MIN_DAIC))
        return PERF_GROWTH_UNCLEAR;
    if (first == NULL || last == NULL || !(last->lo > first->hi) || !(last->est > first->est))
        return PERF_GROWTH_UNCLEAR;
    return PERF_GROWTH_WORSE;
}

const char *perf_growth_vs_name(enum perf_growth_vs v)
{
    switch (v) {
    case PERF_GROWTH_WORSE:
        return "worse";
    case PERF_GROWTH_UNCLEAR:
        return "not distinguishable";
    case PERF_GROWTH_NO_WORSE:
        break;
    }
    return "no worse";
}
