/*
 * soundalike.h - a transcript's mis-heard rubric terms put back.
 *
 * The recogniser writes a word it knows for each stretch of sound, and a
 * term it did not catch comes out as the nearest word it does know:
 * "stage" is heard "state", "starving" "starting", "continues"
 * "contiguous".  The scorer then misses the point the term carried.  Here a
 * heard word that is none of the question's own rubric terms, but sounds
 * like one of its points' terms, becomes that term.  "Sounds like" is an
 * edit distance of at most one between sound keys (a metaphone-style key:
 * consonant classes, vowels dropped but a leading one), on terms whose keys
 * are long enough that one edit still leaves them distinct.
 *
 * Only transcripts go through here (practice_score.c): typed answers are
 * scored as they are.  Only the points' terms are targets, never a
 * misconception's, so a repair can only give credit a typed answer with
 * the right words would get; the wrong answers of tests/data/spoken_*.md
 * are the check that it does not give it to them.  Owns nothing between
 * calls.
 */
#ifndef PH_SOUNDALIKE_H
#define PH_SOUNDALIKE_H

#include <stddef.h>

struct rubric;

/* Longest key kept; longer words are keyed on their start. */
#define SOUNDALIKE_KEY_MAX 24

/* The sound key of `word` (lower-case ASCII letters; others are skipped)
 * into `key` (size `cap`, NUL-terminated, cut to fit).  Returns its length. */
size_t soundalike_key(const char *word, char *key, size_t cap);

/* `heard` (borrowed) with every word that sounds like a term of `r`'s
 * points replaced by that term, except words that are `r`'s terms already
 * and words of the texts in `keep` (a NULL-terminated list, borrowed; NULL
 * for none: the question and its model answer, whose words a learner says
 * on purpose).  `repairs`, when not NULL, receives how many words were
 * replaced.  Caller frees; NULL when out of memory.  A rubric without the
 * offline scorer's data gives a plain copy. */
char *soundalike_repair(const struct rubric *r, const char *const *keep, const char *heard,
                        size_t *repairs);

#endif
