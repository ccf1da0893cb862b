/*
 * voice_lm.h - the recogniser's language model made from the question bank.
 *
 * The corpus is every concept question, model answer, rubric point and
 * misconception of the bank, plus the exercises' questions and model
 * answers: the sentences a learner answering these questions is likely to
 * say.  The model (lm.c) is built at first use and cached under
 * $XDG_CACHE_HOME/pyharness/voice/, keyed by the SHA-256 of the corpus, so
 * editing a question rebuilds it and nothing else does.  The general English
 * model stays available as the fallback (`--voice-lm general`).
 */
#ifndef PH_VOICE_LM_H
#define PH_VOICE_LM_H

#include "err.h"
#include "lm.h"

struct qbank;

struct voice_lm_files {
    char *arpa;            /* the model; caller frees */
    char *dict;            /* its dictionary; caller frees */
    int built;             /* 1 when made by this call, 0 when found in the cache */
    struct lm_stats stats; /* filled when built */
};

/*
 * Everyday English mixed into the bank's model: the `words` most likely
 * words of the general model, at `weight` of the unigram mass (lm.h,
 * struct lm_general).  Without it a word the bank never uses cannot be
 * recognised at all, and the recogniser says the nearest bank word instead.
 * Measured on synthesised answers it did not pay (docs/practice.md: the
 * errors are mostly acoustic, and a bigger vocabulary adds confusions), so
 * sessions use it only when asked (`--voice-lm mixed`).
 */
struct voice_lm_mix {
    size_t words;
    double weight;
};

#define VOICE_LM_MIX_WORDS 5000
#define VOICE_LM_MIX_WEIGHT 0.05

/* The mix `--voice-lm mixed` uses: the defaults above, or
 * PYHARNESS_VOICE_MIX="WORDS,WEIGHT". */
void voice_lm_mix_default(struct voice_lm_mix *mix);

/* Make (or find) the bank's model, with `mix` (NULL: the bank's words
 * only).  Caller frees with voice_lm_files_free(). */
enum ph_rc voice_lm_bank(const struct qbank *b, const struct voice_lm_mix *mix,
                         struct voice_lm_files *out, struct ph_err *err);

void voice_lm_files_free(struct voice_lm_files *f);

#endif
