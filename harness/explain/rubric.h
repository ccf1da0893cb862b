/*
 * rubric.h - an exercise's explanation rubric.
 *
 * Owns the parsed rubric (key points with weights, misconceptions with
 * penalties, and the offline scorer's compiled concept data).  The offline
 * scorer (rubric_score.h) and the LLM scorer (llm_prompt.h) read it.
 */
#ifndef PH_RUBRIC_H
#define PH_RUBRIC_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "err.h"

struct rubric_point {
    char *id;
    char *text;    /* the idea, in a sentence: shown to candidates and LLMs */
    double weight; /* relative weight; points' weights need not sum to max */
};

struct rubric_misconception {
    char *id;
    char *text;       /* the wrong belief, in a sentence, as a candidate would state it */
    char *correction; /* what is right instead, for feedback; NULL when not given */
    double penalty;   /* points off, on the 0..max scale */
    int fundamental;  /* the central claim is wrong: the offline score is capped */
};

struct rubric {
    double max; /* 10 */
    struct rubric_point *points;
    size_t npoints;
    struct rubric_misconception *misconceptions;
    size_t nmisconceptions;
    void *offline; /* the offline scorer's compiled data; private to rubric.c */
    double curve;  /* 0..1: how far the offline grade bends up past half coverage (0: linear) */
};

/*
 * Parse the "rubric" object of an exercise.json.  `where` names the file for
 * messages ("exercises/x/exercise.json").  On success *out is a new rubric the
 * caller frees with rubric_free().  `node` is borrowed.
 */
enum ph_rc rubric_parse(const cJSON *node, const char *where, struct rubric **out,
                        struct ph_err *err);

/* Accepts NULL. */
void rubric_free(struct rubric *r);

#endif
