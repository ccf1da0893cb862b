/*
 * qbank.h - the practice question bank: concept questions from questions/
 * and the coding exercises from the exercise bank, in one list.
 *
 * A concept question is a written answer scored by the same rubric scorer
 * as an exercise's explanation (explain_score.h); to reach it, each one is
 * loaded into a `struct exercise` of its own that carries only the id,
 * question, model answer and rubric (no checks).  A coding exercise keeps
 * its whole `struct exercise` and is graded with engine_run().  The bank
 * owns every question, string and exercise in it.  The file format is in
 * docs/practice.md.
 */
#ifndef PH_QBANK_H
#define PH_QBANK_H

#include <stddef.h>

#include "err.h"

struct exercise;

enum qbank_kind {
    QBANK_CONCEPT,  /* a written answer, scored against a rubric */
    QBANK_EXERCISE, /* code written in $EDITOR, run and measured */
};

/* Default time per question when the bank does not say. */
#define QBANK_CONCEPT_SECONDS 240.0
#define QBANK_EXERCISE_SECONDS 900.0

struct qbank_question {
    enum qbank_kind kind;
    char *id;    /* unique across the bank */
    char *topic; /* e.g. "asyncio", "generators" */
    double seconds;
    struct exercise *ex; /* question, model_answer, rubric; owned */
    char *source;        /* the file it came from, for messages */
};

struct qbank {
    struct qbank_question *q;
    size_t n;
    char *dir; /* the concept questions' folder (pronunciations.dict lives there too) */
};

/*
 * Load every questions_dir/<name>.json, then (when exercises_dir is not
 * NULL) every exercise of exercises_dir as a coding question.  A malformed
 * file fails the whole load with its path and field named (a quiz with a
 * broken question must not start).  Duplicate ids are an error.  On success
 * *out is a new bank the caller frees with qbank_free().
 */
enum ph_rc qbank_load(const char *questions_dir, const char *exercises_dir, struct qbank **out,
                      struct ph_err *err);

/* Accepts NULL. */
void qbank_free(struct qbank *b);

/* The question with this id, or NULL; borrowed from `b`. */
const struct qbank_question *qbank_find(const struct qbank *b, const char *id);

/* 1 when `q` belongs to the topic the learner named: its topic equals
 * `topic` (case-insensitive) or its id starts with `topic`. */
int qbank_matches_topic(const struct qbank_question *q, const char *topic);

/* Where the concept questions live: $PYHARNESS_QUESTIONS, else the folder
 * `questions` beside the exercise folder.  Caller frees *out with free(). */
enum ph_rc qbank_default_dir(char **out, struct ph_err *err);

const char *qbank_kind_name(enum qbank_kind k);

#endif
