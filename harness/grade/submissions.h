/*
 * submissions.h - a class's submissions, found and screened.
 *
 * Three layouts: one folder per student (`<student>/<exercise-id>.py` and
 * optionally `<exercise-id>.md`), one zip per student (`<student>.zip`,
 * the same files at any depth), and a single Gradescope-style submission
 * (the files directly in the folder).  Timestamps come from a manifest CSV
 * (student, file, submitted_at) when there is one, else from file times.
 *
 * Screening never drops a student: a missing, misnamed, empty, oversized
 * or non-UTF-8 file becomes a message for that student and a zero for that
 * part.  A `struct subs_class` owns everything it points to.
 */
#ifndef PH_SUBMISSIONS_H
#define PH_SUBMISSIONS_H

#include <stddef.h>

#include "err.h"

struct homework;

#define SUBS_STUDENTS_MAX 100000
#define SUBS_EXPLANATION_MAX (64u * 1024) /* prose: a page, not a book */
#define SUBS_MANIFEST_NAME "manifest.csv"

/* One student's work on one exercise. */
struct subs_part {
    char *code; /* the bytes to grade, NUL-terminated; NULL when not gradable */
    size_t code_len;
    const char *status; /* NULL (gradable), "missing" or "invalid" */
    char *problem;      /* what the student is told about the code file, or NULL */
    char *expl;         /* the explanation text, or NULL */
    size_t expl_len;
    char *expl_problem; /* what went wrong with the explanation file, or NULL */
    long long submitted_at;
    int attempts; /* manifest rows for the code file (1 without a manifest) */
};

struct subs_student {
    char *id;
    char *origin;            /* folder or zip it came from */
    struct subs_part *parts; /* one per homework exercise, in homework order */
};

struct subs_class {
    struct subs_student *st; /* sorted by id */
    size_t n;
    size_t nparts;   /* parts per student: the homework's exercise count */
    char **warnings; /* about the folder itself (stray files, manifest rows) */
    size_t nwarnings;
};

struct subs_opts {
    const char *manifest;  /* CSV path, or NULL: <dir>/manifest.csv when present */
    const char *single_id; /* single-submission layout: the student's id, or NULL */
    int single;            /* 1: `dir` is one submission (Gradescope layout) */
};

/*
 * Scan `dir` (borrowed).  PH_EINPUT when it is not a folder or the manifest
 * is malformed (naming the line).  On success *out is the caller's:
 * subs_free().
 */
enum ph_rc subs_scan(const struct homework *hw, const char *dir, const struct subs_opts *opts,
                     struct subs_class **out, struct ph_err *err);

void subs_free(struct subs_class *c);

#endif
