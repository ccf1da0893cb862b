/*
 * result.h - the outcome of one run: verdicts, per-check results, figures,
 * score, and the facts of the run it was graded in.  Produced by judge.c
 * and score.c, consumed by the reports and the store.  A result is
 * self-contained: scoring it (score_run) and rendering it need nothing but
 * the result, so one loaded back from JSON or the store (report_json.h)
 * scores and renders the same on any machine.  Its JSON form is documented
 * in docs/result-format.md.  A `struct run_result` owns every pointer in it.
 */
#ifndef PH_RESULT_H
#define PH_RESULT_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "explain.h"
#include "measure.h"
#include "sha256.h"

/* The version of the result's JSON form ("format"); a reader refuses others. */
#define RESULT_FORMAT 1

enum verdict {
    VERDICT_PASSED,
    VERDICT_FAILED,
    VERDICT_ERROR,   /* exception at import or in a check */
    VERDICT_TIMEOUT, /* wall-clock or CPU limit */
    VERDICT_MEMORY_LIMIT,
    VERDICT_CRASHED, /* killed by a signal */
    VERDICT_OUTPUT_LIMIT,
    VERDICT_REJECTED, /* a blocked operation or an attempt to forge results */
    VERDICT_SKIPPED,  /* a check that never ran because the run ended first */
};

/* "passed", "memory_limit", ...; static storage. */
const char *verdict_name(enum verdict v);

/* How bad a verdict is, for combining checks into a run verdict (higher wins). */
int verdict_rank(enum verdict v);

struct check_result {
    char *name;
    char *description;
    enum verdict status;
    char *message; /* why it did not pass, or NULL */
    char *lesson;  /* the lesson string with figures filled in, or NULL */
    int visible;
    double weight;
    struct measure_figures metrics; /* the check as a whole, from C */
    int has_metrics;
    cJSON *log; /* labelled measures, clients, monitors (owned) */
};

struct score {
    double correctness, performance, explanation, total, max;
    double correctness_max, performance_max, explanation_max;
    int explanation_missing;
    double perf_ratio; /* -1 when not measured */
    char *perf_origin; /* which check and figures, for reports */
    /* "2.30x slower than the reference" (ratio.h), or NULL when the ratio is
     * not one of the candidate against the reference or a baseline */
    char *perf_compared;
};

/* The exercise's weights, as they were when the run was graded. */
struct result_weights {
    double correctness, performance, explanation; /* points */
};

/* The performance spec and the figures it read (num / den), as judged. */
struct result_perf {
    int present;    /* the exercise has a performance spec */
    char *check;    /* whose figures; it must pass for any credit */
    char *describe; /* what is measured, or NULL */
    char *num_of;   /* the rule path of num ("ref.measure.t.cpu_ns"), or NULL */
    char *den_of;   /* and of den: they say what the ratio compares (ratio.h) */
    double full_at, zero_at;
    int measured; /* num and den were found (den > 0) */
    double num, den;
};

/* Facts of the run that a report shows and that a re-render on another
 * machine must not replace with its own. */
struct result_facts {
    char *harness_version;                  /* PH_VERSION of the grader */
    char *python;                           /* "3.11.2" */
    char *sandbox;                          /* active layers, e.g. "rlimits,pidns,seccomp,audit" */
    char *alloc_hooks;                      /* measure_hooks_mode() */
    int cpus;                               /* online CPUs (sys.cpus in rules) */
    char exercise_sha256[SHA256_HEX_LEN];   /* exercise.content_sha256 */
    char submission_sha256[SHA256_HEX_LEN]; /* the bytes graded; "" when none were read */
};

struct run_result {
    char *exercise;
    char *title;
    char *submission; /* as the user named it */
    enum verdict verdict;
    char *detail; /* one line on the verdict */
    struct check_result *checks;
    size_t nchecks;
    struct measure_figures metrics; /* the whole run */
    /* The worker never sent its whole-run figures (it was killed or died):
     * the Python ones are lower bounds from the checks that finished. */
    int metrics_partial;
    struct score score;
    struct explain_result *explanation; /* NULL when none was given */
    char *model_answer;                 /* shown with the explanation */
    char *stdout_text;                  /* what the submission printed (capped) */
    char *stderr_text;
    struct result_weights weights;
    struct result_perf perf;
    struct result_facts facts;
};

/* Release what `r` owns and zero it; `r` itself is not freed.  Accepts NULL. */
void run_result_cleanup(struct run_result *r);

/* The verdict named `name` ("memory_limit"): 0, or -1 when none is. */
int verdict_parse(const char *name, enum verdict *out);

#endif
