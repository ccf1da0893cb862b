/*
 * engine.h - one graded run of one submission: the path every command
 * (run, grade, compare, practice) takes to turn a file into a result.
 *
 * Reads and screens the submission, runs the reference (and baseline) and
 * the candidate in separate fresh workers, judges, and scores.  The
 * interpreter must be initialised (embed_init) before the first call.
 */
#ifndef PH_ENGINE_H
#define PH_ENGINE_H

#include <cjson/cJSON.h>

#include "err.h"
#include "result.h"
#include "run_progress.h"

struct exercise;
struct explain_result;

/* Largest submission accepted: a homework file, not a data set. */
#define ENGINE_SUBMISSION_MAX (1024u * 1024)

struct engine_opts {
    const char *submission_path; /* file to grade; borrowed */
    const char *display_name;    /* how reports name it; defaults to the path */
    const cJSON *params;         /* check parameters; borrowed, may be NULL */
    run_progress_fn progress;    /* told as each role starts and each check ends; may be NULL */
    void *progress_ud;
};

/*
 * Run and judge.  PH_EINPUT when the submission file cannot be read at all
 * (missing, unreadable: nothing to grade).  A file that can be read but not
 * graded (too large, not UTF-8, syntax error, missing functions) is a
 * result with a verdict, not an error.  `explanation` (taken, may be NULL)
 * becomes out->explanation and counts in the score.  On success the caller
 * cleans up `out` with run_result_cleanup(); on failure nothing is left in it.
 */
enum ph_rc engine_run(const struct exercise *ex, const struct engine_opts *opts,
                      struct explain_result *explanation, struct run_result *out,
                      struct ph_err *err);

#endif
