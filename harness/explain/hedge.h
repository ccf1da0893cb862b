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

/*
 * Judgements in place of explanation, counted once per kind: a verdict word
 * that says how the thing seems, not what it does ("more Pythonic", "easier",
 * "the more modern option", "best practices", "a bit"), a comparison by
 * likeness ("a generator is like a function"), and a definition that restates
 * its subject ("ContextVar is for context", "threading.local is for
 * threads").  One is ordinary in a good answer; two or more in a short answer
 * are what graders call vague.
 */
unsigned hedge_judgements(const struct doc *d);

#endif
