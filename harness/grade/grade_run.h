/*
 * grade_run.h - grading a class: the parts to grade, the worker processes
 * that grade them, and the store that records each part as it finishes.
 *
 * A part is one student's work on one exercise.  The parent process never
 * starts the interpreter: it screens, decides what needs grading (a part
 * whose exercise, code and explanation hashes match the store is skipped
 * unless `regrade`), and hands parts, exercise by exercise, to N forked
 * worker processes, each with its own engine.  A worker records a part in
 * the store, in one statement, only once it is fully graded: a run killed
 * at any moment resumes where it stopped.
 */
#ifndef PH_GRADE_RUN_H
#define PH_GRADE_RUN_H

#include <stddef.h>

#include "err.h"

struct homework;
struct subs_class;

#define GRADE_JOBS_MAX 64
#define GRADE_STORE_NAME "grade.sqlite3"
/* The status of a part not graded because the student went over the
 * assignment's submission budget. */
#define GRADE_STATUS_OVER_BUDGET "over_budget"

struct grade_opts {
    const char *out_dir;  /* results folder; the store lives in it */
    int jobs;             /* worker processes, 1..GRADE_JOBS_MAX */
    int shard_k, shard_n; /* grade students of shard k (1..n) only; n = 0: all */
    int regrade;          /* grade every part again */
    int scorer;           /* enum explain_scorer for explanations */
    int quiet;            /* no progress output */
    /* How the reference's timed checks are measured (engine.h): 0, the
     * rolling reference every `ref_every` parts (0: the engine's default);
     * 1, again beside each part. */
    int ref_each;
    int ref_every;
    /* Starts the embedded interpreter in a worker process (cli_start_python). */
    enum ph_rc (*start_engine)(struct ph_err *err);
};

struct grade_counts {
    size_t students; /* in this shard */
    size_t parts;    /* students x exercises */
    size_t graded;   /* parts run through the engine now */
    size_t screened; /* parts recorded as missing/invalid without a run */
    size_t skipped;  /* unchanged parts already in the store */
    size_t failed;   /* parts the grader itself failed on (recorded, retried next run) */
    int interrupted; /* the signal (SIGINT, SIGTERM, SIGHUP) that stopped the run, or 0 */
};

/* 1 when `student` belongs to shard k of n (n = 0: every student).  The
 * slice depends on the id alone, so every node computes the same one. */
int grade_in_shard(const char *student, int k, int n);

/*
 * Grade the class into the store `<out_dir>/grade.sqlite3`.  The homework's
 * exercises must be loaded.  SIGINT, SIGTERM or SIGHUP stop the run: the
 * workers are killed (the parts in flight are not recorded) and
 * counts->interrupted names the signal; everything recorded stays.  An error is returned only for
 * what stops the whole run (the store, the scratch folder); a part that cannot be graded is
 * recorded with its message.
 */
enum ph_rc grade_run(const struct homework *hw, const struct subs_class *cls,
                     const struct grade_opts *o, struct grade_counts *counts, struct ph_err *err);

#endif
