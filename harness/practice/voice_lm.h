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
struct qbank_question;

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

/*
 * Two corpus additions measured in session 10 (docs/practice.md), both off by
 * default because neither narrowed the typed-vs-spoken score gap:
 * - the rubric terms (VOICE_LM_TERMS, PYHARNESS_VOICE_TERMS=1): every phrase
 *   of the rubrics' "concepts" lists, and the dictionary's words a stem
 *   ("schedul*") makes with a common ending, join the corpus, so words only
 *   the scorer names ("str", "raise", "pause") can be recognised.  WER fell
 *   on all six sets (0.197 -> 0.168 ... 0.230 -> 0.210); the score gaps did
 *   not (mean 0.57 = 0.57 over the 74 right answers of the tuning sets; one
 *   set's largest gap 1.5 -> 4.0).
 * - the question being answered counted more (VOICE_LM_FOCUS_REPEAT,
 *   PYHARNESS_VOICE_FOCUS=N; `voice measure` only, practice does not use it
 *   yet): its question, model answer, points and misconceptions enter the
 *   corpus N more times.  At 3 and 10 no gap changed except for the worse.
 */
#define VOICE_LM_TERMS 0
#define VOICE_LM_FOCUS_REPEAT 0

/* 1 when the rubric terms join the corpus: VOICE_LM_TERMS or
 * PYHARNESS_VOICE_TERMS. */
int voice_lm_terms(void);

/* The repeat count in force: VOICE_LM_FOCUS_REPEAT or PYHARNESS_VOICE_FOCUS. */
int voice_lm_focus_repeat(void);

/* Make (or find) the bank's model, with `mix` (NULL: the bank's words
 * only), weighted toward `focus` (NULL: no question; one model per question,
 * cached like the bank's).  Caller frees with voice_lm_files_free(). */
enum ph_rc voice_lm_bank(const struct qbank *b, const struct voice_lm_mix *mix,
                         const struct qbank_question *focus, struct voice_lm_files *out,
                         struct ph_err *err);

void voice_lm_files_free(struct voice_lm_files *f);

#endif
