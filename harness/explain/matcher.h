/*
 * matcher.h - rubric phrases compiled for the offline scorer, and the
 * matching of them against a tokenized answer.
 *
 * A rubric point is a concept: one or more variants, each a pattern of
 * concept groups; a group is a list of alternative phrasings.  A point is
 * expressed when every group occurs in one sentence (full credit), in two
 * neighbouring sentences, or anywhere (less), and partly when only some
 * groups occur together.  A phrasing preceded closely by a negator in its
 * clause does not count for the point; it can instead state the misconception
 * that names the point in "negates".  Misconceptions are concept groups too,
 * but must co-occur, un-negated and in order, in one clause.
 */
#ifndef PH_MATCHER_H
#define PH_MATCHER_H

#include <stddef.h>
#include <stdint.h>

#include "doc.h"
#include "err.h"

/* Words a phrase may skip between two of its own words ("order is kept" for
 * "order kept"), and how far back a negator reaches ("does not really keep"). */
#define PHRASE_SLOP 1
#define NEG_REACH 4
/* How many words back a clause may take its subject from (see add_carried). */
#define CARRY_REACH 40

/* Credit for a point whose groups co-occur only across two neighbouring
 * sentences, or only somewhere in the answer, and the share of a point given
 * per group when at least two of three or more groups occur together.  A
 * lone word of a point earns nothing: a mention is not a claim. */
#define CREDIT_PAIR 0.6
#define CREDIT_ANYWHERE 0.35
#define CREDIT_PARTIAL 0.45
/* A point whose subject is only named (in prose, not denied) earns a little:
 * a grader gives an on-topic but vague answer a few marks, and more than a
 * list of terms, which the style factor then takes down. */
#define CREDIT_MENTION 0.2
#define SENTENCE_POINTS_MAX 2
#define CREDIT_CROWDED 0.5

enum scope { SCOPE_CLAUSE, SCOPE_SENTENCE, SCOPE_PAIR };

struct pword {
    char s[WORD_MAX];   /* stem */
    char raw[WORD_MAX]; /* as written, lower-cased */
    uint32_t hash;      /* of s */
    int prefix;         /* written with a trailing '*': matches any word or stem it starts */
    unsigned char syn;  /* synonym class (synonym.h): matches any word of it; 0 for none */
};

struct phrase {
    struct pword *w;
    size_t n;
    int has_neg; /* the phrase itself says "not ...": never negated again */
};

struct group {
    struct phrase *alt;
    size_t nalt;
};

struct pattern {
    struct group *g;
    size_t ng;
};

struct concept {
    struct pattern *var;
    size_t nvar;
    enum scope scope;
};

struct off_misc {
    struct concept c; /* nvar may be 0 when only `negates` is given */
    long negates;     /* index of the point this denies, or -1 */
    int by_denial;    /* a plain denial of that point ("gather does not keep the
                         order") states this belief: set for the first misconception
                         of each point that does not opt out ("by_denial": false),
                         so one denial is charged once */
    int ordered;      /* its groups must occur in the order written */
    struct group unless;
};

/* A point's rivals (rubric "rivals"): the subjects its relation does not
 * hold for, and the claims that, said of one of them, reverse the point. */
struct crossed {
    struct group subjects; /* nalt 0: the point has no rivals */
    struct pattern claims; /* every group must occur in the clause */
    struct group unless;   /* a clause naming one of these is not judged (nalt may be 0) */
};

struct offline {
    struct concept *pts;    /* one per rubric point */
    struct crossed *rivals; /* one per point */
    struct off_misc *mis;
    struct group topic; /* the question's subject; nalt 0 when the rubric gives none */
};

struct occ {
    size_t start, end; /* token indices, inclusive */
    unsigned sent, clause;
    int neg;       /* denied by a negator close before or inside it */
    size_t neg_at; /* that negator's token index, when neg */
    int self_neg;  /* the phrase itself holds a negator ("not fit") */
    int carried;   /* not written here: the subject carried into this clause */
};

struct occs {
    struct occ *v;
    size_t n, cap;
};

struct match {
    double credit;
    long sent; /* evidence sentence, or -1 */
};

/* Append every occurrence of any phrase of `g` in `d` to `out` (the caller
 * frees out->v).  A name counts written apart or together ("tot time" is
 * tottime, "pin memory" pin_memory) and a number up to twenty in digits or
 * words, so a typed answer and its transcript match alike; a misconception's
 * own words are matched only as written (matcher_misc). */
enum ph_rc matcher_find_group(const struct doc *d, const struct group *g, struct occs *out);

/*
 * Best match of concept `c` over its variants.  `uses` (one count per
 * sentence, or NULL) says how many points each sentence already earned: one
 * sentence rarely makes more than two key points, so a point whose only
 * evidence is a sentence that already earned SENTENCE_POINTS_MAX gets
 * CREDIT_CROWDED of its credit (a long list-like sentence cannot earn the
 * whole rubric).
 */
enum ph_rc matcher_concept(const struct doc *d, const struct concept *c, const unsigned char *uses,
                           struct match *out);

/* Does sentence `si` use the words of misconception `m`'s claim (the second
 * group of any variant: the first is its subject, the second what it says of
 * it, any further one the setting), un-negated?  A sentence that
 * does is no independent evidence for the point the belief denies. */
enum ph_rc matcher_misc_words_in(const struct doc *d, const struct off_misc *m, long si, int *yes);

/* Where an answer states a misconception. */
struct misc_hit {
    long sent;    /* the evidence sentence, -1 when not stated */
    int indirect; /* read through a denial of the point, or with a subject carried from
                     an earlier clause or lent by a condition: the likelier misreading */
};

/* Does the answer state misconception `m` (or, when m->by_denial, deny
 * `negated_point`, which may be NULL)? */
enum ph_rc matcher_misc(const struct doc *d, const struct off_misc *m,
                        const struct concept *negated_point, struct misc_hit *hit);

/*
 * Does the answer assert one of a point's rival claims of a rival subject (a
 * crossed subject: "gather returns the results in completion order", when
 * completion order is as_completed's)?  A clause crosses the subject when it
 * names a rival as written (not carried from another clause, not after a
 * negator, a contrast or a comparison word: "unlike gather", "faster than
 * gather"), names neither the point's own subject (the first group of any of
 * the point's variants, `c`, in words that are not the rival's or the
 * claim's: a rival may be the point's own subject with a claim that reverses
 * the point, "__exit__ runs once the block completes successfully") nor a
 * word of `x->unless`, and holds every group
 * of `x->claims` with no negator before it in the clause ("threads do not
 * speed up CPU-bound work" rejects the wrong alternative; it does not assert
 * it).  Code, sentences that report or suppose a belief, questions and hedged
 * sentences assert nothing.  *sent is the first such sentence, -1 for none.
 */
enum ph_rc matcher_crossed(const struct doc *d, const struct concept *c, const struct crossed *x,
                           long *sent);

#endif
