/*
 * exercise.h - loading and validating an exercise folder.
 *
 * An exercise is a folder holding exercise.json, starter.py, reference.py,
 * checks.py, optionally baseline.py, and examples/.  This module owns the
 * parsed `struct exercise` and checks everything the engine later relies on,
 * so a malformed exercise fails here with the file and field named, never in
 * the middle of a run.  The format is documented in docs/exercise-format.md.
 */
#ifndef PH_EXERCISE_H
#define PH_EXERCISE_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "err.h"
#include "rules.h"
#include "sha256.h"

/* The largest files of an exercise folder read. */
#define EXERCISE_JSON_MAX (1024 * 1024)      /* exercise.json is prose and rules, not data */
#define EXERCISE_FILE_MAX (2u * 1024 * 1024) /* checks.py, reference.py, starter.py: code */

struct rubric;

enum check_compare {
    CHECK_COMPARE_EQUAL, /* candidate's observation must equal the reference's */
    CHECK_COMPARE_NONE,  /* only the rules decide */
};

struct exercise_check {
    char *name;
    char *description;
    int visible;      /* shown to candidates with expected values */
    double weight;    /* share of the correctness score */
    double timeout_s; /* this check's own wall-clock budget */
    enum check_compare compare;
    double rel_tol; /* float tolerance for CHECK_COMPARE_EQUAL */
    double abs_tol;
    char **ignore; /* top-level observation keys left out of the comparison */
    size_t nignore;
    struct rule *rules; /* compiled from "rules"; owned */
    size_t nrules;
    int has_rules;                  /* "rules" was given (even empty) */
    char *lesson;                   /* format string for reports, or NULL */
    struct rule_lesson lesson_rule; /* the lesson compiled (no parts when none) */
    /* Its rules (or the performance spec, for its check) read the
     * reference's / baseline's measured figures, not only observations:
     * those are measured again beside each candidate, never cached. */
    int ref_measured, base_measured;
};

struct exercise_limits {
    double wall_s;       /* whole worker, killed past it */
    double cpu_s;        /* RLIMIT_CPU soft limit */
    size_t memory_bytes; /* RLIMIT_DATA above the interpreter's own */
    size_t output_bytes; /* stdout + stderr of the worker */
    unsigned nproc;      /* processes a run may hold at once */
    /* What the run's folder and /dev/shm may hold together: the check
     * runner stops the run past either. */
    unsigned long long disk_bytes, files;
};

struct exercise_weights {
    double correctness, performance, explanation; /* percent of the total */
};

struct exercise_perf {
    int present;
    char *check;             /* the check whose figures feed it; must pass for any credit */
    struct rule_operand num; /* path or number: ratio = num / den */
    struct rule_operand den;
    double full_at; /* ratio giving full marks */
    double zero_at; /* ratio giving none; linear in between */
    char *describe; /* what the ratio means, for reports */
};

struct exercise {
    char *dir; /* absolute path of the folder */
    char *json_path;
    char *id, *title, *topic, *question, *model_answer;
    char **entry_points; /* names the submission must define */
    size_t nentry;
    struct rubric *rubric; /* NULL when the exercise has no rubric */
    struct exercise_limits limits;
    struct exercise_weights weights;
    struct exercise_check *checks;
    size_t nchecks;
    struct exercise_perf perf;
    int needs_baseline; /* some rule or the perf spec reads "base." figures */
    cJSON *json;        /* the whole document; owns what the borrowed fields point to */
    /* SHA-256 over the files that decide a grade (exercise.json, checks.py,
     * reference.py, baseline.py): what a stored result, a cached reference
     * run and a kept sandbox host are keyed by. */
    char content_sha256[SHA256_HEX_LEN];
};

/*
 * Load `dir`/exercise.json and validate it, including that the files the
 * engine needs exist.  On success *out is a new exercise the caller frees
 * with exercise_free().
 */
enum ph_rc exercise_load(const char *dir, struct exercise **out, struct ph_err *err);

/* As exercise_load(), from `json` (json_len bytes, borrowed) instead of the
 * folder's exercise.json, and with the content hash given (hex, as
 * content_sha256) instead of read from the files: for a process that must
 * never read them (a sandbox host, worker_host.c). */
enum ph_rc exercise_load_json(const char *dir, const char *json, size_t json_len,
                              const char *content_sha256, struct exercise **out,
                              struct ph_err *err);

/* Accepts NULL. */
void exercise_free(struct exercise *ex);

/* Drop the model answer and the rubric (and their JSON) from `ex`: a process
 * that never scores explanations, whose memory submission code may read, has
 * no use for them.  Their strings are zeroed before they are freed; the
 * caller makes other freed memory unreadable too (sandbox hosts fill freed
 * blocks: worker_host.c).  The checks, rules and limits stay.  Accepts NULL. */
void exercise_forget_answers(struct exercise *ex);

/*
 * Turn what the user typed (an id, or a path to a folder) into an absolute
 * folder path.  An argument containing '/' or naming an existing folder is a
 * path; otherwise `exercises_dir`/ARG.  Caller frees *dir_out with free().
 */
enum ph_rc exercise_resolve(const char *arg, const char *exercises_dir, char **dir_out,
                            struct ph_err *err);

/* The ids of every exercise under `exercises_dir`, sorted.  Caller frees each
 * string and the array with free(). */
enum ph_rc exercise_list(const char *exercises_dir, char ***ids_out, size_t *n_out,
                         struct ph_err *err);

/* Index of the check named `name`, or -1. */
long exercise_find_check(const struct exercise *ex, const char *name);

/*
 * An exercise with its time limits (the whole run's wall clock and every
 * check's timeout) multiplied by a factor: what a run gets when the
 * machine is known to be slower than the limits were written for.  `ex` is
 * a view sharing every string and array with the exercise it came from,
 * which must outlive it, but its own copy of the checks; never hand it to
 * exercise_free().
 */
struct exercise_scaled {
    struct exercise ex;
    struct exercise_check *checks; /* owned: ex.checks */
};

/* Fill `s` from `ex` (borrowed) with its times multiplied by `scale` (> 0).
 * Caller releases with exercise_scaled_cleanup(), on error too. */
enum ph_rc exercise_scaled_init(struct exercise_scaled *s, const struct exercise *ex, double scale,
                                struct ph_err *err);

/* Release what exercise_scaled_init() allocated; accepts a zeroed `s`. */
void exercise_scaled_cleanup(struct exercise_scaled *s);

#endif
