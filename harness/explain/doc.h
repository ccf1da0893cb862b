/*
 * doc.h - an answer (or a rubric phrase) cut into sentences, clauses and
 * stemmed words for the offline scorer.
 *
 * The text is capped by the caller, sanitized to valid UTF-8 (invalid bytes
 * become '?', control characters spaces), cut into sentences and clauses
 * (commas, semicolons, dashes and contrast words end a clause) and into
 * words: identifiers are split at '_' and '.', "doesn't" becomes "does not",
 * articles are dropped, every word is Porter-stemmed.  A `struct doc` owns
 * its text and arrays: doc_cleanup().
 */
#ifndef PH_DOC_H
#define PH_DOC_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* Longest word kept; longer ones are truncated (no rubric phrase is longer). */
#define WORD_MAX 40

struct token {
    char raw[WORD_MAX];  /* lower-cased, as written (after splitting) */
    char stem[WORD_MAX]; /* what phrases match */
    uint32_t hash;       /* of stem */
    size_t off, end;     /* byte span in the sanitized text */
    unsigned sent, clause;
    unsigned char neg;   /* NEG_NOT (not, no, never, ...) or NEG_CONTRAST (unlike,
                            instead of, rather than): both deny what follows */
    unsigned char ident; /* a piece of an identifier such as no_grad */
    unsigned char colon; /* directly followed by ':' */
    unsigned char code;  /* written in a line of code, not in prose or a comment */
    unsigned char syn;   /* synonym class of its stem (synonym.h), 0 for none */
};

struct sentence {
    size_t tok0, tok1; /* [tok0, tok1) into doc.tok */
    size_t off0, off1; /* byte span of its words in doc.text, articles included */
    unsigned nwords, nfunc, nconn;
    int dropped; /* addressed to the grader */
    int wrong;   /* states a misconception: earns no point (set by the scorer) */
    int code;    /* a line of code (its comment, if any, is a sentence of its own) */
};

struct doc {
    char *text;          /* sanitized copy of the answer */
    unsigned char *kind; /* per byte of text: DOC_PROSE, DOC_CODE, DOC_COMMENT */
    size_t len;
    struct token *tok;
    size_t ntok, captok;
    struct sentence *sent;
    size_t nsent, capsent;
    /* Per token, set by the scorer (or NULL): a phrase naming the question's
     * subject (the rubric's topic) starts here.  See matcher.c's carry. */
    unsigned char *topic;
    unsigned clause;
    int sent_open;  /* the current sentence has tokens */
    int new_clause; /* the next token starts a clause */
};

/* A negator either denies (NEG_NOT: "gather does not keep the order") or
 * contrasts (NEG_CONTRAST: "the slowest call rather than the sum" asserts
 * the first and sets the second aside).  Both keep what follows from earning
 * a point; only a denial states the opposite of a point. */
enum { NEG_NONE = 0, NEG_NOT = 1, NEG_CONTRAST = 2 };

/* What each byte of an answer is: prose, code, or a comment in code.  Code
 * is recognised by lines: inside ``` fences, or a line that reads as Python
 * (def, class, import, return, an assignment, a block opener ending in ':',
 * an indented continuation of code). */
enum { DOC_PROSE = 0, DOC_CODE = 1, DOC_COMMENT = 2 };

/* FNV-1a of a NUL-terminated string. */
uint32_t doc_hash(const char *s);

/* Grow the zero-filled array *arr of `elem`-byte items to hold `need`. */
enum ph_rc doc_grow(void **arr, size_t *cap, size_t need, size_t elem);

/* Release what `d` owns and zero it.  Accepts a zeroed doc. */
void doc_cleanup(struct doc *d);

/* Copy `in` (len bytes, borrowed) into d->text as valid UTF-8. */
enum ph_rc doc_sanitize(struct doc *d, const char *in, size_t len);

/* Cut d->text into sentences, clauses and tokens. */
enum ph_rc doc_tokenize(struct doc *d);

/* Settle negators that need context ("instead of", "not only"). */
void doc_mark_negators(struct doc *d);

#endif
