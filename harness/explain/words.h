/*
 * words.h - the English word lists the offline scorer reads structure from:
 * function words (prose has many, a list of terms none), connectives (a
 * reason, a consequence, a contrast) and the words that open a new clause.
 *
 * Owns only static tables.
 */
#ifndef PH_WORDS_H
#define PH_WORDS_H

#include <stddef.h>

/* 1 when `w` equals one of list[0..n). */
int words_in(const char *w, const char *const *list, size_t n);

#define WORDS_IN(w, l) words_in((w), (l), sizeof(l) / sizeof((l)[0]))

/* `w` is lower-case, as written. */
int words_is_function(const char *w);
int words_is_connective(const char *w);
int words_is_clause_opener(const char *w);

#endif
