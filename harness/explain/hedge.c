/*
 * hedge.c - see hedge.h.
 *
 * Phrases are matched on the tokens as written (lower-cased, not stemmed:
 * "depends" and "depend" are listed both), after the tokenizer has dropped
 * the articles, so "depends on the situation" is written "depends on
 * situation".  The lists hold only wording that commits to nothing in any
 * context: "things" and "whatever" are not here ("whatever order they
 * finish in" is a claim), nor "kind of" ("what kind of work").
 */
#include "hedge.h"

#include <string.h>

#include "words.h"

/* "it depends", and "depends on" followed within DEPENDS_REACH words by one
 * of what_it_depends_on: a choice handed back to the reader unexplained. */
#define DEPENDS_REACH 3

static const char *const what_it_depends_on[] = {
    "case",       "cases",   "situation", "situations", "need",          "needs",
    "context",    "usecase", "workload",  "workloads",  "application",   "requirements",
    "preference", "project", "scenario",  "problem",    "circumstances",
};

/* Words that are a hedge on their own. */
static const char *const vague_words[] = {
    "somehow", "stuff", "etc", "whatnot", "somewhat",
};

/* Multi-word hedges, a NULL-terminated word list each. */
static const char *const *const vague_phrases[] = {
    (const char *const[]){"all", "over", "place", NULL},
    (const char *const[]){"and", "so", "on", NULL},
    (const char *const[]){"or", "something", NULL},
    (const char *const[]){"something", "like", "that", NULL},
    (const char *const[]){"in", "some", "way", NULL},
    (const char *const[]){"more", "or", "less", NULL},
    (const char *const[]){"things", "like", "that", NULL},
    (const char *const[]){"that", "kind", "of", "thing", NULL},
};

/* Token i is prose a hedge can be read from. */
static int prose(const struct doc *d, size_t i)
{
    const struct token *t = &d->tok[i];

    return !t->code && !t->ident && !d->sent[t->sent].dropped;
}

/* Does phrase `p` start at token i, within one sentence, in prose? */
static int phrase_at(const struct doc *d, size_t i, const char *const *p)
{
    size_t k = 0;

    for (; p[k] != NULL; k++) {
        if (i + k >= d->ntok || !prose(d, i + k) || d->tok[i + k].sent != d->tok[i].sent ||
            strcmp(d->tok[i + k].raw, p[k]) != 0)
            return 0;
    }
    return 1;
}

static int depends_at(const struct doc *d, size_t i)
{
    const char *w = d->tok[i].raw;

    if (strcmp(w, "depends") != 0 && strcmp(w, "depend") != 0 && strcmp(w, "depending") != 0)
        return 0;
    if (i > 0 && prose(d, i - 1) && strcmp(d->tok[i - 1].raw, "it") == 0 &&
        d->tok[i - 1].sent == d->tok[i].sent)
        return 1;
    if (i + 1 >= d->ntok || strcmp(d->tok[i + 1].raw, "on") != 0)
        return 0;
    for (size_t k = i + 2; k < d->ntok && k <= i + 1 + DEPENDS_REACH; k++) {
        if (!prose(d, k) || d->tok[k].sent != d->tok[i].sent)
            return 0;
        if (WORDS_IN(d->tok[k].raw, what_it_depends_on))
            return 1;
    }
    return 0;
}

/* Words that hand the choice back to the reader's own circumstances when
 * "your" and a word of what_it_depends_on follow closely: "use whichever
 * fits your situation", "pick what suits your needs" ("whatever the problem
 * size" names no one's circumstances). */
static const char *const hands_back[] = {
    "whichever", "whatever", "fits", "fit", "suits", "suit",
};

static int hands_back_at(const struct doc *d, size_t i)
{
    if (!WORDS_IN(d->tok[i].raw, hands_back))
        return 0;
    for (size_t k = i + 1; k < d->ntok && k <= i + DEPENDS_REACH; k++) {
        if (!prose(d, k) || d->tok[k].sent != d->tok[i].sent)
            return 0;
        if (strcmp(d->tok[k].raw, "your") == 0 && k + 1 < d->ntok && prose(d, k + 1) &&
            d->tok[k + 1].sent == d->tok[i].sent && WORDS_IN(d->tok[k + 1].raw, what_it_depends_on))
            return 1;
    }
    return 0;
}

unsigned hedge_count(const struct doc *d, long *first)
{
    unsigned n = 0;

    *first = -1;
    for (size_t i = 0; i < d->ntok; i++) {
        int hit = 0;
        if (!prose(d, i))
            continue;
        hit = WORDS_IN(d->tok[i].raw, vague_words) || depends_at(d, i) || hands_back_at(d, i);
        for (size_t p = 0; !hit && p < sizeof vague_phrases / sizeof vague_phrases[0]; p++)
            hit = phrase_at(d, i, vague_phrases[p]);
        if (hit) {
            if (n == 0)
                *first = (long)d->tok[i].sent;
            n++;
        }
    }
    return n;
}

/* Verdict words: how a thing seems, never what it does. */
static const char *const verdicts[] = {
    "pythonic",  "modern", "newer",   "older",  "nicer", "easier",    "cleaner",
    "better",    "best",   "good",    "useful", "handy", "efficient", "actually",
    "basically", "things", "simpler", "neater", "fancy", "magic",     "powerful",
};
static const char *const *const verdict_phrases[] = {
    (const char *const[]){"a", "bit", NULL},    (const char *const[]){"kind", "of", NULL},
    (const char *const[]){"sort", "of", NULL},  (const char *const[]){"is", "like", NULL},
    (const char *const[]){"are", "like", NULL},
};
/* "things" followed by one of these names its examples or says what they are
 * ("things like a request id", "things that belong to the request"): a noun
 * then, not a verdict. */
static const char *const things_named[] = {"like", "such", "that", "which"};

static int things_named_at(const struct doc *d, size_t i)
{
    if (strcmp(d->tok[i].raw, "things") != 0 || i + 1 >= d->ntok || !prose(d, i + 1))
        return 0;
    for (size_t k = 0; k < sizeof things_named / sizeof things_named[0]; k++)
        if (strcmp(d->tok[i + 1].raw, things_named[k]) == 0)
            return 1;
    return 0;
}

/* Letters two words share at the start to be read as the same word. */
#define SAME_WORD_PREFIX 5

/* "X is for X-ish": token i is "for" after "is"/"are", and a word within
 * two after it starts like a word within three before the verb, in its
 * clause. */
static int restates_at(const struct doc *d, size_t i)
{
    if (strcmp(d->tok[i].raw, "for") != 0 || i < 2 || !prose(d, i - 1) ||
        (strcmp(d->tok[i - 1].raw, "is") != 0 && strcmp(d->tok[i - 1].raw, "are") != 0))
        return 0;
    for (size_t a = i + 1; a < d->ntok && a <= i + 2; a++) {
        if (d->tok[a].clause != d->tok[i].clause || strlen(d->tok[a].raw) < SAME_WORD_PREFIX)
            continue;
        for (size_t back = 2; back <= 4 && back <= i; back++) {
            const struct token *b = &d->tok[i - back];
            if (b->clause != d->tok[i].clause)
                break;
            if (strncmp(b->raw, d->tok[a].raw, SAME_WORD_PREFIX) == 0)
                return 1;
        }
    }
    return 0;
}

unsigned hedge_judgements(const struct doc *d)
{
    enum { NV = sizeof verdicts / sizeof verdicts[0] };
    enum { NP = sizeof verdict_phrases / sizeof verdict_phrases[0] };
    unsigned char seen[NV + NP + 1] = {0};
    unsigned n = 0, restated = 0;

    for (size_t i = 0; i < d->ntok; i++) {
        if (!prose(d, i))
            continue;
        for (size_t k = 0; k < NV + NP; k++) {
            int hit = k < NV ? strcmp(d->tok[i].raw, verdicts[k]) == 0 && !things_named_at(d, i)
                             : phrase_at(d, i, verdict_phrases[k - NV]);
            if (hit && !seen[k]) {
                seen[k] = 1;
                n++;
            }
        }
        /* Each restating definition counts: they are the whole answer. */
        restated += (unsigned)restates_at(d, i);
    }
    return n + restated;
}
