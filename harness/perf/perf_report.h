/*
 * perf_report.h - a comparison (perf_compare.h) as a report: a
 * self-contained HTML page with inline SVG charts, the same content as
 * Markdown (charts as SVG files beside it), or JSON for tools.
 *
 * The page and the Markdown are filled into the templates of the top-level
 * reports/ folder (paths_reports_dir()); the style sheet is inlined, so the
 * page needs no network, no script and no font.  Each comparison gets a
 * summary sentence ("b.py is 3.1x faster than a.py at n = 10^6 items (95%
 * CI 2.9-3.3); ..."), the table of figures per size, the growth classes with
 * their evidence, and two charts per workload (time and Python peak memory
 * against size, log-log).
 */
#ifndef PH_PERF_REPORT_H
#define PH_PERF_REPORT_H

#include <stdio.h>

#include <cjson/cJSON.h>

#include "err.h"
#include "perf_compare.h"

enum perf_format { PERF_FORMAT_HTML, PERF_FORMAT_MD, PERF_FORMAT_JSON };

/* "html", "md" (or "markdown"), "json"; 0, or -1 when unknown. */
int perf_format_parse(const char *name, enum perf_format *out);

/*
 * Write the report to `out_path`, or to `stream` when out_path is NULL.
 * Markdown written to a file puts its charts beside it as
 * STEM-WORKLOAD-time.svg and STEM-WORKLOAD-memory.svg.  PH_EIO naming the
 * file when it cannot be written; PH_EINPUT when a template is missing.
 */
enum ph_rc perf_report_write(const struct perf_comparison *c, enum perf_format fmt,
                             const char *out_path, FILE *stream, struct ph_err *err);

/* The summary sentences of workload `wl`, one per line, into `out`. */
void perf_report_summary(FILE *out, const struct perf_comparison *c, size_t wl);

#endif
