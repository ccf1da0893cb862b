/*
 * lm.h - a small trigram language model for the speech recogniser, built
 * from the project's own texts (questions, model answers, rubrics).
 *
 * The model is written in the ARPA text format PocketSphinx reads, with
 * absolute discounting and back-off (discounts estimated from the counts,
 * as Ney et al. suggest: D = n1 / (n1 + 2 n2)).  Its vocabulary is the
 * texts' words that the pronunciation dictionary knows, and a dictionary
 * restricted to those words is written beside it: a recogniser limited to
 * the few hundred words a learner is likely to say confuses far fewer of
 * them.  Owns nothing between calls.
 */
#ifndef PH_LM_H
#define PH_LM_H

#include <stddef.h>

#include "err.h"

struct lm_stats {
    size_t vocab;     /* words in the model (without <s> and </s>) */
    size_t general;   /* of those, words only the general list brought */
    size_t dropped;   /* distinct words the dictionary does not know */
    size_t ngrams[3]; /* unigrams, bigrams, trigrams written */
    size_t sentences;
};

/*
 * Everyday words mixed into the model at a low weight, so that a word the
 * texts never use can still be recognised (interpolation at the unigram
 * level: P(w) = (1 - weight) P_texts(w) + weight P_general(w), with the
 * back-off weights of the higher orders computed against that mixture).
 * `word[i]` (borrowed) has probability `p[i]` in a general model; the
 * words the dictionaries do not know are left out and the rest
 * renormalised.
 */
struct lm_general {
    char *const *word;
    const double *p;
    size_t n;
    double weight; /* 0 < weight < 1 */
};

/*
 * Build from `texts` (n strings, borrowed).  `dict_in` is a CMU-format
 * pronunciation dictionary ("word PH O N ES", variants "word(2) ...");
 * `extra_dict` (may be NULL) is one more, read first, for the jargon the
 * general one lacks (asyncio, coroutine, deque).  `arpa_out` and `dict_out`
 * are written (replaced).  `stats` may be NULL.  `gen` (may be NULL) adds everyday words.
 */
enum ph_rc lm_build(const char *const *texts, size_t n, const char *dict_in, const char *extra_dict,
                    const struct lm_general *gen, const char *arpa_out, const char *dict_out,
                    struct lm_stats *stats, struct ph_err *err);

#endif
