/*
 * grade_report.h - what a graded class becomes, written from the store
 * alone (so that `merge` writes the same files from the shards' stores):
 *
 *   gradebook.csv (+ gradebook-canvas.csv, gradebook-moodle.csv on request)
 *   <student>/results.json   Gradescope's autograder results format
 *   <student>/feedback.md, <student>/feedback.html
 *   junit.xml, summary.html (distribution, pass rates, slowest, review queue)
 *
 * Columns and conventions are documented in docs/grading.md.
 */
#ifndef PH_GRADE_REPORT_H
#define PH_GRADE_REPORT_H

#include "err.h"

struct homework;
struct store;

enum {
    GRADE_FORMAT_NBGRADER = 1, /* gradebook.csv: always written */
    GRADE_FORMAT_CANVAS = 2,
    GRADE_FORMAT_MOODLE = 4,
};

struct grade_report_opts {
    long long now; /* feedback shows what is visible at this time (Unix seconds) */
    int published; /* grades are published: after_published checks show */
    unsigned formats;
    /* Gradescope: the best score of earlier submissions, kept when this one
     * is over the budget; < 0 when there is none. */
    double previous_best;
};

struct grade_report_totals {
    size_t students;
    size_t review; /* entries in the review queue */
};

/* Write every output into `out_dir` from the store `st` (both borrowed). */
enum ph_rc grade_report_write(const struct homework *hw, struct store *st, const char *out_dir,
                              const struct grade_report_opts *ro, struct grade_report_totals *tot,
                              struct ph_err *err);

#endif
