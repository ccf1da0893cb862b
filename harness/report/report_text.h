/*
 * report_text.h - the human-readable report of a run, for terminals.
 * Reads nothing but the result (result.h).
 */
#ifndef PH_REPORT_TEXT_H
#define PH_REPORT_TEXT_H

#include <stdio.h>

#include "result.h"

/* The report of `r` on `out`.  `color` adds ANSI colours (for terminals). */
void report_text_run(FILE *out, const struct run_result *r, int color);

#endif
