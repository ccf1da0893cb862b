/* perf_chart.c - see perf_chart.h. */
#include "perf_chart.h"

#include <math.h>
#include <string.h>

#include "markup.h"

/* Geometry of a chart, in SVG user units (pixels at 100%). */
#define CHART_W 720.0
#define PLOT_L 86.0
#define PLOT_R (CHART_W - 24.0)
#define PLOT_T 44.0
#define PLOT_B 330.0
#define LEGEND_T 388.0
#define LEGEND_ROW 20.0
#define MARKER_R 4.5

/* Okabe & Ito's palette: distinguishable with the common colour-vision
 * deficiencies, and dark enough to print. */
static const char *const colours[] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7",
                                      "#E69F00", "#56B4E9", "#000000", "#8C6D00"};
static const char *const dashes[] = {"none", "9 4", "2 3", "10 3 2 3", "5 2", "12 2 2 2 2 2"};
#define NCOLOURS (sizeof colours / sizeof colours[0])
#define NDASHES (sizeof dashes / sizeof dashes[0])
#define NMARKERS 6

void perf_xml_escape(FILE *out, const char *s)
{
    markup_escape(out, s, MARKUP_APOS);
}

const char *perf_unit_format(double v, enum perf_unit unit, char *buf, size_t cap)
{
    static const struct unit_step {
        double scale;
        const char *suffix;
    } secs[] = {{1e-9, " ns"}, {1e-6, " µs"}, {1e-3, " ms"}, {1, " s"}},
      bytes[] = {{1, " B"}, {1e3, " kB"}, {1e6, " MB"}, {1e9, " GB"}},
      count[] = {{1, ""}, {1e3, "k"}, {1e6, "M"}, {1e9, "G"}};
    const void *table = NULL;
    size_t n = 4, i;
    double a = fabs(v);

    switch (unit) {
    case PERF_UNIT_SECONDS:
        table = secs;
        break;
    case PERF_UNIT_BYTES:
        table = bytes;
        break;
    case PERF_UNIT_COUNT:
        table = count;
        break;
    case PERF_UNIT_RATIO:
        snprintf(buf, cap, "%.3gx", v);
        return buf;
    default:
        snprintf(buf, cap, "%.3g", v);
        return buf;
    }
    {
        const struct unit_step *t = table;
        for (i = n - 1; i > 0 && a < t[i].scale * 0.9995; i--)
            ;
        if (v == 0)
            i = unit == PERF_UNIT_SECONDS ? 3 : 0;
        snprintf(buf, cap, "%.3g%s", v / t[i].scale, t[i].suffix);
    }
    return buf;
}

struct axis {
    int log;
    double lo, hi; /* data range (log10 of it on a log axis) */
    double p0, p1; /* pixel range */
};

static double axis_map(const struct axis *ax, double v)
{
    double t = ax->log ? log10(v) : v;
    return ax->p0 + (t - ax->lo) / (ax->hi - ax->lo) * (ax->p1 - ax->p0);
}

static void grow(double *lo, double *hi, double v, int log_axis)
{
    if (!isfinite(v) || (log_axis && !(v > 0)))
        return;
    if (v < *lo)
        *lo = v;
    if (v > *hi)
        *hi = v;
}

/* Decades on a log axis; a "nice" 1-2-5 range from 0 on a linear one. */
static int axis_setup(struct axis *ax, double lo, double hi)
{
    if (!(lo <= hi))
        return -1;
    if (ax->log) {
        /* The data's own range, padded: snapping to whole decades would
         * leave most of a chart of 500..8000 empty. */
        double span = log10(hi) - log10(lo);
        double pad = span > 0 ? fmax(0.06 * span, 0.05) : 0.5;
        ax->lo = log10(lo) - pad;
        ax->hi = log10(hi) + pad;
    } else {
        double span, step, mag;
        lo = fmin(lo, 0);
        span = hi - lo > 0 ? hi - lo : fabs(hi) + 1;
        mag = pow(10, floor(log10(span / 5)));
        step = span / 5 / mag < 2 ? 2 * mag : span / 5 / mag < 5 ? 5 * mag : 10 * mag;
        ax->lo = floor(lo / step) * step;
        ax->hi = ceil(hi / step) * step;
        if (ax->hi <= ax->lo)
            ax->hi = ax->lo + step;
    }
    return 0;
}

static void tick(FILE *out, const struct axis *ax, int vertical, enum perf_unit unit, double v)
{
    char buf[32];
    double p = axis_map(ax, v);

    perf_unit_format(v, unit, buf, sizeof buf);
    if (vertical)
        fprintf(out,
                "<line class=\"grid\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\"/>"
                "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n",
                PLOT_L, PLOT_R, p, p, PLOT_L - 6, p + 4, buf);
    else
        fprintf(out,
                "<line class=\"grid\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\"/>"
                "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>\n",
                p, p, PLOT_T, PLOT_B, p, PLOT_B + 18, buf);
}

static void minor(FILE *out, const struct axis *ax, int vertical, double v)
{
    double q = axis_map(ax, v);

    if (vertical)
        fprintf(out, "<line class=\"minor\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\"/>",
                PLOT_L, PLOT_R, q, q);
    else
        fprintf(out, "<line class=\"minor\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\"/>", q,
                q, PLOT_T, PLOT_B);
}

/* Log axis: labelled ticks at 1, 2 and 5 times each decade when the axis
 * spans under 2.5 decades, at every decade up to 6, every other one past
 * that; faint lines at the other multiples when there is room.  Linear
 * axis: 5 steps. */
static void draw_ticks(FILE *out, const struct axis *ax, int vertical, enum perf_unit unit)
{
    static const int all[] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    double span = ax->hi - ax->lo;
    int every = span > 6 ? 2 : 1;

    if (!ax->log) {
        for (int i = 0; i <= 5; i++)
            tick(out, ax, vertical, unit, ax->lo + span * i / 5);
        return;
    }
    for (int k = (int)floor(ax->lo); k <= (int)ceil(ax->hi); k++) {
        for (size_t j = 0; j < sizeof all / sizeof all[0]; j++) {
            int m = all[j];
            double v = m * pow(10, k), lv = log10(v);
            int label = m == 1 ? (k % every == 0) : (span < 2.5 && (m == 2 || m == 5));
            if (lv < ax->lo - 1e-9 || lv > ax->hi + 1e-9)
                continue;
            if (label)
                tick(out, ax, vertical, unit, v);
            else if (span <= 4)
                minor(out, ax, vertical, v);
        }
    }
}

static void draw_marker(FILE *out, int shape, double x, double y, const char *colour,
                        const char *cls)
{
    double r = MARKER_R;

    switch (shape % NMARKERS) {
    case 0:
        fprintf(out, "<circle class=\"%s\" cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"%s\"/>", cls,
                x, y, r, colour);
        break;
    case 1:
        fprintf(out,
                "<rect class=\"%s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                "fill=\"%s\"/>",
                cls, x - r, y - r, 2 * r, 2 * r, colour);
        break;
    case 2:
        fprintf(out, "<path class=\"%s\" d=\"M%.1f %.1fL%.1f %.1fL%.1f %.1fZ\" fill=\"%s\"/>", cls,
                x, y - 1.3 * r, x + 1.2 * r, y + 0.9 * r, x - 1.2 * r, y + 0.9 * r, colour);
        break;
    case 3:
        fprintf(out,
                "<path class=\"%s\" d=\"M%.1f %.1fL%.1f %.1fL%.1f %.1fL%.1f %.1fZ\" fill=\"%s\"/>",
                cls, x, y - 1.4 * r, x + 1.4 * r, y, x, y + 1.4 * r, x - 1.4 * r, y, colour);
        break;
    case 4:
        fprintf(out, "<path class=\"%s\" d=\"M%.1f %.1fL%.1f %.1fL%.1f %.1fZ\" fill=\"%s\"/>", cls,
                x, y + 1.3 * r, x + 1.2 * r, y - 0.9 * r, x - 1.2 * r, y - 0.9 * r, colour);
        break;
    default:
        fprintf(out,
                "<path class=\"%s\" d=\"M%.1f %.1fL%.1f %.1fM%.1f %.1fL%.1f %.1f\" stroke=\"%s\" "
                "stroke-width=\"2.5\" fill=\"none\"/>",
                cls, x - r, y - r, x + r, y + r, x - r, y + r, x + r, y - r, colour);
        break;
    }
}

static int usable(const struct axis *ax, double v)
{
    return isfinite(v) && (!ax->log || v > 0);
}

static void draw_series(FILE *out, const struct perf_chart *c, size_t si, const struct axis *ax,
                        const struct axis *ay)
{
    const struct perf_chart_series *s = &c->series[si];
    const char *colour = colours[si % NCOLOURS];
    const char *dash = dashes[si % NDASHES];
    size_t i;
    int first;

    fprintf(out, "<g class=\"series\" data-name=\"");
    perf_xml_escape(out, s->name);
    fprintf(out, "\" data-points=\"%zu\">\n", s->npts);
    /* The band: upper edge left to right, lower edge back. */
    if (s->npts >= 2) {
        fprintf(out, "<path class=\"band\" fill=\"%s\" d=\"", colour);
        first = 1;
        for (i = 0; i < s->npts; i++)
            if (usable(ax, s->pts[i].x) && usable(ay, s->pts[i].hi)) {
                fprintf(out, "%s%.1f %.1f", first ? "M" : "L", axis_map(ax, s->pts[i].x),
                        axis_map(ay, s->pts[i].hi));
                first = 0;
            }
        for (i = s->npts; i-- > 0;)
            if (usable(ax, s->pts[i].x) && usable(ay, s->pts[i].lo)) {
                fprintf(out, "%s%.1f %.1f", first ? "M" : "L", axis_map(ax, s->pts[i].x),
                        axis_map(ay, s->pts[i].lo));
                first = 0;
            }
        fprintf(out, "Z\"/>\n");
    }
    for (i = 0; i < s->nraw; i++) {
        if (!usable(ax, s->raw_x[i]) || !usable(ay, s->raw_y[i]))
            continue;
        if (s->raw_outlier != NULL && s->raw_outlier[i])
            fprintf(out,
                    "<circle class=\"outlier\" cx=\"%.1f\" cy=\"%.1f\" r=\"3\" stroke=\"%s\"/>",
                    axis_map(ax, s->raw_x[i]), axis_map(ay, s->raw_y[i]), colour);
        else
            fprintf(out, "<circle class=\"raw\" cx=\"%.1f\" cy=\"%.1f\" r=\"1.6\" fill=\"%s\"/>",
                    axis_map(ax, s->raw_x[i]), axis_map(ay, s->raw_y[i]), colour);
    }
    if (s->nraw > 0)
        fputc('\n', out);
    if (s->nfit >= 2) {
        fprintf(out, "<polyline class=\"fit\" stroke=\"%s\" points=\"", colour);
        for (i = 0; i < s->nfit; i++)
            if (usable(ax, s->fit_x[i]) && usable(ay, s->fit_y[i]))
                fprintf(out, "%.1f,%.1f ", axis_map(ax, s->fit_x[i]), axis_map(ay, s->fit_y[i]));
        fprintf(out, "\"/>\n");
    }
    if (c->lines && s->npts >= 2) {
        fprintf(out, "<polyline class=\"line\" stroke=\"%s\" stroke-dasharray=\"%s\" points=\"",
                colour, dash);
        for (i = 0; i < s->npts; i++)
            if (usable(ax, s->pts[i].x) && usable(ay, s->pts[i].y))
                fprintf(out, "%.1f,%.1f ", axis_map(ax, s->pts[i].x), axis_map(ay, s->pts[i].y));
        fprintf(out, "\"/>\n");
    }
    for (i = 0; i < s->npts; i++) {
        char bx[32], by[32];
        if (!usable(ax, s->pts[i].x) || !usable(ay, s->pts[i].y))
            continue;
        fprintf(out, "<g class=\"pt\"><title>");
        perf_xml_escape(out, s->name);
        if (s->labels != NULL && s->labels[i] != NULL) {
            fputs(", ", out);
            perf_xml_escape(out, s->labels[i]);
        }
        fprintf(out, ": %s at %s</title>", perf_unit_format(s->pts[i].y, c->y_unit, by, sizeof by),
                perf_unit_format(s->pts[i].x, c->x_unit, bx, sizeof bx));
        draw_marker(out, (int)si, axis_map(ax, s->pts[i].x), axis_map(ay, s->pts[i].y), colour,
                    "marker");
        fprintf(out, "</g>");
    }
    fprintf(out, "\n</g>\n");
}

static void draw_legend(FILE *out, const struct perf_chart *c, int any_fit, int any_raw)
{
    size_t i;
    double y = LEGEND_T;

    fprintf(out, "<g class=\"legend\">\n");
    for (i = 0; i < c->nseries; i++, y += LEGEND_ROW) {
        const char *colour = colours[i % NCOLOURS];
        if (c->lines)
            fprintf(out,
                    "<line class=\"line\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" "
                    "stroke=\"%s\" stroke-dasharray=\"%s\"/>",
                    PLOT_L, PLOT_L + 44, y, y, colour, dashes[i % NDASHES]);
        draw_marker(out, (int)i, PLOT_L + 22, y, colour, "marker");
        fprintf(out, "<text x=\"%.1f\" y=\"%.1f\">", PLOT_L + 54, y + 4);
        perf_xml_escape(out, c->series[i].name);
        fprintf(out, "</text>\n");
    }
    if (any_fit || any_raw) {
        fprintf(out, "<text class=\"note\" x=\"%.1f\" y=\"%.1f\">", PLOT_L, y + 4);
        if (c->lines)
            fprintf(out, "Shaded: 95%% interval of the median. ");
        if (any_fit)
            fprintf(out, "Thin dashed: fitted growth curve.");
        fprintf(out, "</text>\n");
        if (any_raw)
            fprintf(out,
                    "<text class=\"note\" x=\"%.1f\" y=\"%.1f\">Dots: single measurements "
                    "(hollow: outliers, kept in every figure).</text>\n",
                    PLOT_L, y + 4 + LEGEND_ROW * 0.8);
    }
    fprintf(out, "</g>\n");
}

int perf_chart_svg(FILE *out, const struct perf_chart *c, int standalone)
{
    struct axis ax = {c->log_x, 0, 0, PLOT_L, PLOT_R}, ay = {c->log_y, 0, 0, PLOT_B, PLOT_T};
    double xlo = HUGE_VAL, xhi = -HUGE_VAL, ylo = HUGE_VAL, yhi = -HUGE_VAL, height;
    int any_fit = 0, any_raw = 0;
    size_t i, j;

    for (i = 0; i < c->nseries; i++) {
        const struct perf_chart_series *s = &c->series[i];
        for (j = 0; j < s->npts; j++) {
            grow(&xlo, &xhi, s->pts[j].x, c->log_x);
            grow(&ylo, &yhi, s->pts[j].y, c->log_y);
            grow(&ylo, &yhi, s->pts[j].lo, c->log_y);
            grow(&ylo, &yhi, s->pts[j].hi, c->log_y);
        }
        for (j = 0; j < s->nraw; j++)
            grow(&ylo, &yhi, s->raw_y[j], c->log_y);
        any_fit |= s->nfit >= 2;
        any_raw |= s->nraw > 0;
    }
    if (axis_setup(&ax, xlo, xhi) != 0 || axis_setup(&ay, ylo, yhi) != 0)
        return -1;
    height =
        LEGEND_T + LEGEND_ROW * ((double)c->nseries + (any_fit || any_raw) + any_raw * 0.8) + 4;
    if (standalone)
        fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    fprintf(out,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"ph-chart\" id=\"%s\" "
            "viewBox=\"0 0 %.0f %.0f\" width=\"%.0f\" height=\"%.0f\" role=\"img\" "
            "data-series=\"%zu\" font-family=\"sans-serif\" font-size=\"12\">\n",
            c->id, CHART_W, height, CHART_W, height, c->nseries);
    /* Styles inside the SVG, so a standalone file looks the same as inline. */
    fprintf(out,
            "<style>.grid{stroke:#c8c8c8;stroke-width:1}.minor{stroke:#ececec;stroke-width:1}"
            ".axis{stroke:#000;stroke-width:1.2;fill:none}.band{opacity:.16;stroke:none}"
            ".line{fill:none;stroke-width:2}.fit{fill:none;stroke-width:1.2;stroke-dasharray:6 "
            "4;opacity:.85}.raw{opacity:.45}.outlier{fill:#fff;stroke-width:1.2}"
            ".marker{stroke:#222;stroke-width:.7}.note{fill:#444;font-size:11px}"
            "text{fill:#000}</style>\n");
    fprintf(out, "<title>");
    perf_xml_escape(out, c->title);
    fprintf(out, "</title>\n<rect x=\"0\" y=\"0\" width=\"%.0f\" height=\"%.0f\" fill=\"#fff\"/>\n",
            CHART_W, height);
    fprintf(out, "<text x=\"%.1f\" y=\"22\" font-size=\"15\" font-weight=\"bold\">", PLOT_L);
    perf_xml_escape(out, c->title);
    fprintf(out, "</text>\n");
    draw_ticks(out, &ay, 1, c->y_unit);
    draw_ticks(out, &ax, 0, c->x_unit);
    fprintf(out, "<rect class=\"axis\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/>\n",
            PLOT_L, PLOT_T, PLOT_R - PLOT_L, PLOT_B - PLOT_T);
    fprintf(out, "<text class=\"xlabel\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">",
            (PLOT_L + PLOT_R) / 2, PLOT_B + 40);
    perf_xml_escape(out, c->x_label);
    fprintf(out,
            "%s</text>\n<text class=\"ylabel\" x=\"0\" y=\"0\" text-anchor=\"middle\" "
            "transform=\"translate(18 %.1f) rotate(-90)\">",
            c->log_x ? " (log scale)" : "", (PLOT_T + PLOT_B) / 2);
    perf_xml_escape(out, c->y_label);
    fprintf(out, "%s</text>\n", c->log_y ? " (log scale)" : "");
    for (i = 0; i < c->nseries; i++)
        draw_series(out, c, i, &ax, &ay);
    draw_legend(out, c, any_fit, any_raw);
    fprintf(out, "</svg>\n");
    return 0;
}
