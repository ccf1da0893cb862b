/*
 * stem.h - the Porter stemmer (M. F. Porter, 1980) the offline scorer runs on
 * every word, so "preserves", "preserved" and "preserving" meet.
 *
 * Owns nothing: it rewrites a caller's buffer in place.
 */
#ifndef PH_STEM_H
#define PH_STEM_H

/* A suffix and what replaces it; also used by the tokenizer's contractions. */
struct suffix_rule {
    const char *from, *to;
};

/* Stem `w` (a lower-case word, NUL-terminated, modified in place) when it is a
 * plain ASCII word of three letters or more; numbers and non-ASCII words stay
 * as they are.  The result is never longer than the input. */
void stem_word(char *w);

#endif
