/*
 * progress.h - progress of a batch on stderr: a bar redrawn in place on a
 * terminal (count, rate, time left; colour unless NO_COLOR), plain lines
 * otherwise (logs, CI, Slurm output files).
 */
#ifndef PH_PROGRESS_H
#define PH_PROGRESS_H

#include <stdio.h>

struct progress {
    FILE *out;
    int tty, color;
    size_t total, done, skipped;
    double t0;         /* monotonic seconds at start */
    double last_print; /* plain mode prints at most every few seconds */
    size_t last_done;
};

/* `skipped` parts need no grading (already in the store): not in the rate. */
void progress_start(struct progress *p, FILE *out, size_t total, size_t skipped);

/* One more part graded; `what` names it for plain lines. */
void progress_step(struct progress *p, const char *what);

/* The final line. */
void progress_end(struct progress *p);

#endif
