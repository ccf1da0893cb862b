/*
 * spoken.h - text as it is spoken: the words a recogniser can produce, and
 * the word error rate between a reference and a transcript.
 *
 * Shared by the language-model builder (lm.c), the voice front end and the
 * tests.  Words are lowercase ASCII letters and apostrophes; digits become
 * number words ("2" -> "two"); identifiers split at '_' and '.', and are
 * read as they are said aloud: "asyncio.gather" is "asyncio dot gather",
 * "==" "equals equals".  Owns nothing between calls.
 */
#ifndef PH_SPOKEN_H
#define PH_SPOKEN_H

#include <stddef.h>

/* Longest word kept; longer ones are cut. */
#define SPOKEN_WORD_MAX 32

struct spoken_words {
    char **w;
    size_t n;
};

/* Split `text` into spoken words.  Sentence ends (. ! ? ; : and new lines)
 * become the word "</s>" when `mark_sentences` is set.  Caller frees with
 * spoken_words_free().  -1 on out of memory. */
int spoken_split(const char *text, int mark_sentences, struct spoken_words *out);

void spoken_words_free(struct spoken_words *w);

/* Word error rate of `hyp` against `ref`: (substitutions + deletions +
 * insertions) / words of ref, after spoken_split; 0 when both are empty, 1
 * when ref is empty and hyp is not. */
double spoken_wer(const char *ref, const char *hyp);

#endif
