/*
 * report.h - showing a run: the JSON contract and the terminal report.
 *
 * The JSON form is what later tools read (batch grading, comparison,
 * practice); its field names are fixed: exercise, submission, verdict,
 * tests[{name,status,message,metrics}], metrics, score{correctness,
 * performance,explanation,total,max}, harness{version,python}.
 */
#ifndef PH_REPORT_H
#define PH_REPORT_H

#include <stdio.h>

#include <cjson/cJSON.h>

#include "result.h"

/* New JSON object for a run; caller frees with cJSON_Delete(); NULL on OOM. */
cJSON *report_json_run(const struct run_result *r);

/* Wrap the text report's messages at `columns` (the terminal's width); 0,
 * the default, for none. */
void report_text_set_width(int columns);

/* The human-readable report.  `color` adds ANSI colours (for terminals). */
void report_text_run(FILE *out, const struct run_result *r, int color);

#endif
