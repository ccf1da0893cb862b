/*
 * cli_progress.h - what a command shows while a run goes: each of the
 * candidate's checks as it finishes and, on a terminal, a spinner line with
 * the elapsed time and the limit of the check in progress.  Not a terminal:
 * plain lines, no spinner, no escape codes.  Writes to stderr-like streams so
 * stdout keeps the report (or the JSON) alone.
 */
#ifndef PH_CLI_PROGRESS_H
#define PH_CLI_PROGRESS_H

#include <stdint.h>
#include <stdio.h>

#include "run_progress.h"

struct llm_event;

struct cli_progress {
    FILE *out;         /* borrowed */
    int tty;           /* spinner and redrawn lines */
    int line_open;     /* the spinner line is on screen */
    int64_t last_draw; /* monotonic ns of the last redraw */
    unsigned frame;
    /* Only the spinner, no line per check or role (validate's many runs); off a
     * terminal, nothing at all. */
    int spinner_only;
    const char *cand_label; /* the candidate's name on the spinner ("your file"); borrowed */
};

/* Start showing progress on `out` (a terminal or not). */
void cli_progress_init(struct cli_progress *p, FILE *out);

/* A progress function for engine_opts: pass the struct as user data. */
void cli_progress_cb(void *ud, const struct run_progress *ev);

/*
 * A function for struct llm_watch (llm.h): on a terminal a spinner with the
 * time spent waiting for the model; a line for every retry, terminal or not.
 */
void cli_progress_llm(void *ud, const struct llm_event *ev);

/* Take the spinner line off the screen before the report is printed. */
void cli_progress_finish(struct cli_progress *p);

#endif
