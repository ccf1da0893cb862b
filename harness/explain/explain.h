/*
 * explain.h - the result of scoring one written explanation.
 *
 * Shared by the offline rubric scorer (rubric.c), the LLM scorer (llm.c) and
 * everything that reports a score (cmd_score.c, cmd_run.c, report_*.c).
 * A `struct explain_result` owns every string and array it points to.
 */
#ifndef PH_EXPLAIN_H
#define PH_EXPLAIN_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "err.h"

struct explain_point {
    char *id;       /* rubric point id */
    char *text;     /* the rubric point, as written in exercise.json */
    double weight;  /* its weight in the rubric */
    double credit;  /* 0.0 (missing) .. 1.0 (fully expressed) */
    char *evidence; /* the answer's sentence that earned it, or NULL */
};

struct explain_misconception {
    char *id;
    char *text;       /* the wrong belief, from the rubric */
    char *correction; /* what is right instead, or NULL */
    double penalty;   /* points taken off the 0..max score */
    char *evidence;   /* the answer's sentence that states it, or NULL */
};

/*
 * What the offline scorer found in an answer an LLM scored, kept beside the
 * LLM's verdict so a reviewer can see both (calibration against prompt
 * injection and LLM drift).  `present` is 0 when no LLM was involved.
 */
struct explain_offline_signals {
    int present;
    double score;          /* offline score, same 0..max scale */
    int injection;         /* offline scorer saw text addressed to the grader */
    char **misconceptions; /* ids of the misconceptions it found */
    size_t nmisconceptions;
};

struct explain_result {
    char *question; /* exercise id */
    char *scorer;   /* "offline", "openai:<model>", "anthropic:<model>" */
    double score;   /* 0 .. max */
    double max;     /* 10 for every rubric */
    struct explain_point *points;
    size_t npoints;
    struct explain_misconception *misconceptions; /* the ones the answer states */
    size_t nmisconceptions;
    char *feedback;     /* short prose for the candidate */
    int injection;      /* the answer addressed the grader ("ignore previous...") */
    int fallback;       /* an LLM was asked but failed; the offline scorer stood in */
    int flagged;        /* LLM and offline disagree a lot: a human should look */
    char *note;         /* why fallback/flagged, or NULL */
    char *model_answer; /* the exercise's model answer for reports, or NULL */
    int cached;         /* an LLM result read from the score cache, no request sent */
    unsigned requests;  /* HTTP requests sent for this answer (retries included) */
    struct explain_offline_signals offline; /* beside an LLM score: see above */
    int unscored;        /* the scorer could not read the answer (another language): score is 0 */
    char *language;      /* ISO 639-1 code of the answer's language ("en", "es"), or NULL */
    double confidence;   /* 0..1: how far the score can be trusted without a human */
    int needs_review;    /* a human should look before the score is used */
    char *review_reason; /* why needs_review, in a sentence; NULL when not */
    double llm_total;    /* the LLM's own total, a cross-check only; -1 when none */
};

/* Below this confidence a score is marked needs_review. */
#define EXPLAIN_REVIEW_CONFIDENCE 0.5

/* Mark `r` for review (confidence capped at `confidence`) and append `why`
 * to its review reason.  Allocation failures leave the flag set and the
 * reason as it was. */
void explain_result_review(struct explain_result *r, double confidence, const char *why);

/* Release everything `r` owns and zero it; `r` itself is not freed (it may
 * live on the stack).  Accepts NULL. */
void explain_result_cleanup(struct explain_result *r);

/* A new JSON object with question, score, max, scorer, points, misconceptions,
 * feedback, flags.  Caller frees with cJSON_Delete(); NULL when out of memory. */
cJSON *explain_result_to_json(const struct explain_result *r);

/* The inverse of explain_result_to_json() (used by the score cache): fill
 * `out` (caller cleans up with explain_result_cleanup()) from `json`
 * (borrowed).  PH_EPROTO when a required field is missing or mistyped. */
enum ph_rc explain_result_from_json(const cJSON *json, struct explain_result *out,
                                    struct ph_err *err);

#endif
