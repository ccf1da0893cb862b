/*
 * hedge.h - noncommittal wording: the phrases with which an answer avoids
 * saying anything it could be wrong about ("it depends on your use case",
 * "you should limit them somehow", "for other stuff").
 *
 * A grader reads a short answer built on such phrases as vague, however many
 * of the rubric's words it names; the offline scorer caps it (see
 * rubric_score.c).  In a long answer a hedge is harmless (the rest says
 * what it depends on), so the scorer decides; this module only counts.
 * Owns only static tables.
 */
#ifndef PH_HEDGE_H
#define PH_HEDGE_H

#include "doc.h"

/* Hedges in the prose of `d` (tokenized, borrowed): code, identifiers and
 * sentences addressed to the grader are not read.  *first is the sentence
 * index of the first one, -1 when there is none. */
unsigned hedge_count(const struct doc *d, long *first);

#endif
