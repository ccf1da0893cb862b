/*
 * gloss.h - a word-for-word English reading of an answer written in Spanish,
 * French or German, for the offline scorer.
 *
 * The rubrics' phrases are English.  An answer in another language is read
 * through a small glossary (the languages' function words, negation, and the
 * exercises' terms; technical names such as asyncio, gather or __exit__ are
 * the same in every language and pass through), then scored as English.
 * The reading loses points it cannot see, rarely finds ones the answer does
 * not make, so rubric_score.c keeps its score only when it is high and
 * states no wrong belief (see GLOSS_MIN_SCORE there); any other answer stays
 * unscored and goes to a human.  Code (``` blocks, `spans`, dotted or
 * snake_case names, calls) is copied as written.  Owns only static tables.
 */
#ifndef PH_GLOSS_H
#define PH_GLOSS_H

#include <stddef.h>

#include "err.h"

/* Is there a glossary for language `code` ("es", "fr", "de")? */
int gloss_knows(const char *code);

/* The English reading of `text` (`len` bytes, UTF-8, borrowed) in language
 * `code`.  *out is NUL-terminated; the caller frees it. */
enum ph_rc gloss_translate(const char *code, const char *text, size_t len, char **out,
                           struct ph_err *err);

#endif
