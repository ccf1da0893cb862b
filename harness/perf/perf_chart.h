/*
 * perf_chart.h - line charts as inline SVG, drawn by the project (no
 * script, no font, no network: a report embeds the text as it is).
 *
 * One chart: several series of points on linear or logarithmic axes, each
 * series with an interval band (lo..hi at each point), its individual
 * samples as faint dots (outliers hollow, so they are shown, not dropped),
 * and an optional fitted curve drawn dashed.  Series differ by colour
 * (Okabe-Ito, readable with colour-blindness), by marker and by dash, so a
 * chart printed in grey still tells them apart.  Axes carry their label
 * with the unit and ticks formatted in that unit.
 *
 * Used by `pyharness compare` (time and memory against size) and by
 * `grade`'s class summary (score distribution; time against memory, one
 * labelled point per submission).  The markup carries
 * data-* attributes a test can count: <svg class="ph-chart" data-series=N>,
 * <g class="series" data-name=... data-points=K>, one element of class
 * "pt" per point.
 */
#ifndef PH_PERF_CHART_H
#define PH_PERF_CHART_H

#include <stddef.h>
#include <stdio.h>

enum perf_unit {
    PERF_UNIT_PLAIN,   /* 3 significant digits */
    PERF_UNIT_COUNT,   /* sizes: 1k, 10k, 1M */
    PERF_UNIT_SECONDS, /* values in seconds: 1 µs, 10 ms, 2 s */
    PERF_UNIT_BYTES,   /* 1 kB, 10 MB (decimal, so decades fall on ticks) */
    PERF_UNIT_RATIO,   /* 1.5x */
};

struct perf_chart_point {
    double x, y;
    double lo, hi; /* the band; equal to y for none */
};

struct perf_chart_series {
    const char *name;                   /* borrowed */
    const struct perf_chart_point *pts; /* borrowed, sorted by x */
    size_t npts;
    const double *fit_x, *fit_y; /* dashed fitted curve, or NULL */
    size_t nfit;
    const double *raw_x, *raw_y;      /* individual samples, or NULL */
    const unsigned char *raw_outlier; /* 1 for an outlier; may be NULL */
    size_t nraw;
    const char *const *labels; /* per point, named in its tooltip (a student); may be NULL */
};

struct perf_chart {
    const char *id;      /* unique in the page: the SVG's id */
    const char *title;   /* drawn above the plot */
    const char *x_label; /* with the unit: "input size n (items)" */
    const char *y_label; /* "time per call (s)" */
    enum perf_unit x_unit, y_unit;
    int log_x, log_y;
    int lines; /* 1: join the points of a series; 0: markers only */
    const struct perf_chart_series *series;
    size_t nseries;
};

/* Write the chart as one <svg> element (with the XML declaration when
 * `standalone`, for a file beside a Markdown report).  0, or -1 when the
 * chart has nothing to draw on a log axis (no positive value). */
int perf_chart_svg(FILE *out, const struct perf_chart *chart, int standalone);

/* Format v in `unit` into buf ("12.3 ms", "4.1 MB", "10k"); returns buf. */
const char *perf_unit_format(double v, enum perf_unit unit, char *buf, size_t cap);

/* Write s with &, <, >, " and ' escaped for XML and HTML. */
void perf_xml_escape(FILE *out, const char *s);

#endif
