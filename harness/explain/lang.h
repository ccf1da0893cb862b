/*
 * lang.h - which language an answer is written in, from its function words.
 *
 * The offline scorer reads English: its rubric phrases are English, and a
 * correct answer in Spanish would earn almost nothing and get feedback that
 * is false ("Missing: ..." for points it makes).  So an answer is first
 * checked for the function words of English, Spanish, French, German,
 * Italian and Portuguese (words every paragraph uses: articles,
 * prepositions, conjunctions, pronouns); code and identifiers are not
 * counted, so a code-heavy English answer stays English.  Owns only static
 * tables.
 */
#ifndef PH_LANG_H
#define PH_LANG_H

#include "doc.h"

struct lang_guess {
    const char *code; /* "en", "es", "fr", "de", "it", "pt", or "??" (not Latin script) */
    const char *name; /* "English", "Spanish", ..., "another language" */
    unsigned counts;  /* function words of that language seen */
    unsigned english; /* English function words seen */
    int other;        /* 1 when the answer is not English (code != "en") */
};

/* Guess the language of `d` (tokenized, borrowed).  Never fails: too little
 * text to tell reads as English. */
struct lang_guess lang_detect(const struct doc *d);

#endif
