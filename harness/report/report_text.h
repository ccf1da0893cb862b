/*
 * report_text.h - the human-readable report of a run, for terminals.
 * Reads nothing but the result (result.h).
 */
#ifndef PH_REPORT_TEXT_H
#define PH_REPORT_TEXT_H

#include <stdio.h>

#include "result.h"

/* Wrap the report's messages at `columns` (the terminal's width); 0, the
 * default, for none. */
void report_text_set_width(int columns);

/* The report of `r` on `out`.  `color` adds ANSI colours (for terminals). */
void report_text_run(FILE *out, const struct run_result *r, int color);

#endif
