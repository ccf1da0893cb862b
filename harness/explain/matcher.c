/*
 * matcher.c - see matcher.h.
 */
#include "matcher.h"

#include "stem.h"
#include "synonym.h"
#include "words.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int word_matches(const struct pword *w, const struct token *t);

/*
 * A compound with "multi" says its last part: "multithreaded Python is safe"
 * states "thread safe", "multicore" names cores.  Does token `t`, written as
 * "multi" and a word of at least four letters, match `w` by that word?
 */
static int compound_matches(const struct pword *w, const struct token *t)
{
    struct token rest;
    size_t n = strlen(t->raw);

    if (n < 9 || strncmp(t->raw, "multi", 5) != 0 || strncmp(w->raw, "multi", 5) == 0)
        return 0;
    memset(&rest, 0, sizeof rest);
    memcpy(rest.raw, t->raw + 5, n - 5 + 1);
    if (rest.raw[0] == '-')
        memmove(rest.raw, rest.raw + 1, n - 5);
    memcpy(rest.stem, rest.raw, sizeof rest.stem);
    stem_word(rest.stem);
    rest.hash = doc_hash(rest.stem);
    rest.syn = synonym_class(rest.stem);
    return word_matches(w, &rest);
}

static int word_matches(const struct pword *w, const struct token *t)
{
    if (w->prefix)
        return strncmp(t->raw, w->raw, strlen(w->raw)) == 0 ||
               strncmp(t->stem, w->s, strlen(w->s)) == 0 || compound_matches(w, t);
    return (w->hash == t->hash && strcmp(w->s, t->stem) == 0) || (w->syn && w->syn == t->syn) ||
           compound_matches(w, t);
}

/* Copy `s` without its '_' into buf (cap bytes); 0 when it does not fit. */
static int squeeze(const char *s, char *buf, size_t cap)
{
    size_t n = 0;

    for (; *s != '\0'; s++) {
        if (*s == '_')
            continue;
        if (n + 1 >= cap)
            return 0;
        buf[n++] = *s;
    }
    buf[n] = '\0';
    return 1;
}

/* Shortest word read as two ("n calls" for ncalls): below it, joins are chance. */
#define JOINED_MIN 5

/* Is `whole` the words `a` and `b` written apart, or `a` and `b` the word
 * `whole` written as one?  "tot time" is tottime, "async io" asyncio, "pin
 * memory" pin_memory, "context vars" ContextVar: people and recognisers write
 * a name both ways.  Compared without '_', as written or as stemmed. */
static int joined_eq(const char *whole_raw, const char *whole_stem, const char *a, const char *b)
{
    char w[2 * WORD_MAX], j[2 * WORD_MAX], ws[2 * WORD_MAX];
    size_t na;

    if (!squeeze(whole_raw, w, sizeof w) || !squeeze(a, j, sizeof j))
        return 0;
    na = strlen(j);
    if (na == 0 || strncmp(w, j, na) != 0 || !squeeze(b, j + na, sizeof j - na) || j[na] == '\0' ||
        strlen(j) < JOINED_MIN)
        return 0;
    if (strcmp(w, j) == 0)
        return 1;
    if (!squeeze(whole_stem, ws, sizeof ws))
        return 0;
    stem_word(j);
    return strcmp(ws, j) == 0;
}

/* Tokens k and k + 1 were written next to each other: nothing but spaces or
 * a hyphen between them (not a dropped article: "tot the time"). */
static int adjacent(const struct doc *d, size_t k)
{
    const struct token *a = &d->tok[k], *b = &d->tok[k + 1];

    if (b->clause != a->clause || b->off < a->end)
        return 0;
    for (size_t i = a->end; i < b->off; i++)
        if (d->text[i] != ' ' && d->text[i] != '-')
            return 0;
    return 1;
}

/* Is one of `a` and `b` a number written in digits and the other the same
 * number in words ("2" and "two"; up to twenty)?  A transcript says numbers
 * in words, and people type either. */
static int number_eq(const char *a, const char *b)
{
    static const char *const names[] = {
        "zero",     "one",     "two",     "three",     "four",     "five",     "six",
        "seven",    "eight",   "nine",    "ten",       "eleven",   "twelve",   "thirteen",
        "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty"};
    const char *digits = a, *word = b;
    size_t n = sizeof names / sizeof names[0];
    unsigned v = 0;

    if (b[0] >= '0' && b[0] <= '9') {
        digits = b;
        word = a;
    }
    if (digits[0] < '0' || digits[0] > '9' || strlen(digits) > 2)
        return 0;
    for (const char *c = digits; *c != '\0'; c++) {
        if (*c < '0' || *c > '9')
            return 0;
        v = v * 10 + (unsigned)(*c - '0');
    }
    return v < n && strcmp(word, names[v]) == 0;
}

/*
 * A belief written with a participle names a state ("the GIL was dropped",
 * "gil removed"); the same stem as a present verb names an act by some
 * agent ("NumPy kernels drop the GIL" releases it).  So in a misconception
 * (matched without `joins`) a word the rubric writes as an "-ed" participle
 * matches only a word written as one (a synonym of it matches as any word).
 */
static int participle_kept(const struct pword *w, const struct token *t)
{
    size_t n = strlen(w->raw), m = strlen(t->raw);

    if (w->prefix || n < 5 || strcmp(w->raw + n - 2, "ed") != 0 || strcmp(w->s, t->stem) != 0)
        return 1;
    return m >= 3 && strcmp(t->raw + m - 2, "ed") == 0;
}

/* Does word j of `p` start at token k?  *nw is how many of the phrase's
 * words matched (2 when two of them are one written word), *end the last
 * token used (k + 1 when the word is written as two).  `joins` allows names
 * written apart or together and numbers in words (see joined_eq). */
static int match_at(const struct phrase *p, size_t j, const struct doc *d, size_t k, int joins,
                    size_t *nw, size_t *end)
{
    const struct pword *w = &p->w[j];
    const struct token *t = &d->tok[k];

    *nw = 1;
    *end = k;
    if (word_matches(w, t))
        return joins || participle_kept(w, t);
    if (w->prefix || !joins)
        return 0;
    if (number_eq(w->raw, t->raw))
        return 1;
    if (k + 1 < d->ntok && adjacent(d, k) && joined_eq(w->raw, w->s, t->raw, d->tok[k + 1].raw)) {
        *end = k + 1;
        return 1;
    }
    if (j + 1 < p->n && !p->w[j + 1].prefix &&
        joined_eq(t->raw, t->stem, w->raw, p->w[j + 1].raw)) {
        *nw = 2;
        return 1;
    }
    return 0;
}

/* Is the occurrence [start, end] of `p` denied?  *at is the negator. */
static int negated(const struct doc *d, const struct phrase *p, size_t start, size_t end,
                   size_t *at)
{
    const struct token *t0 = &d->tok[start];

    if (p->has_neg)
        return 0;
    for (size_t k = start + 1; k < end; k++) {
        if (d->tok[k].neg) {
            *at = k;
            return d->tok[k].neg;
        }
    }
    for (size_t back = 1; back <= NEG_REACH && back <= start; back++) {
        const struct token *t = &d->tok[start - back];
        if (t->clause != t0->clause)
            break;
        if (t->neg) {
            *at = start - back;
            return t->neg;
        }
    }
    return 0;
}

/*
 * A negator that belongs to another phrase of the same pattern denies nothing
 * else: in "data that does not fit in RAM", "not" is part of "not fit", and
 * "RAM" is stated, not denied.
 */
static void resolve_negation(struct occs *gocc, size_t ng)
{
    for (size_t g = 0; g < ng; g++) {
        for (size_t i = 0; i < gocc[g].n; i++) {
            struct occ *o = &gocc[g].v[i];
            for (size_t h = 0; h < ng && o->neg; h++) {
                for (size_t k = 0; k < gocc[h].n && o->neg; k++) {
                    const struct occ *q = &gocc[h].v[k];
                    if (q->self_neg && q->start <= o->neg_at && o->neg_at <= q->end)
                        o->neg = 0;
                }
            }
        }
    }
}

/* Append every occurrence of `p` in the answer to `out`. */
static enum ph_rc find_phrase(const struct doc *d, const struct phrase *p, int joins,
                              struct occs *out)
{
    for (size_t i = 0; i < d->ntok; i++) {
        size_t pos, w, nw;
        int ok = 1;

        if (d->sent[d->tok[i].sent].wrong || !match_at(p, 0, d, i, joins, &nw, &pos))
            continue;
        for (w = nw; w < p->n && ok; w += nw) {
            ok = 0;
            for (size_t k = pos + 1; k < d->ntok && k <= pos + 1 + PHRASE_SLOP; k++) {
                /* A phrase is words read together: a comma, colon or
                 * clause opener between two words parts them ("the
                 * complete, ordered batch" does not say "completion order"). */
                if (d->tok[k].clause != d->tok[i].clause)
                    break;
                size_t end;
                if (match_at(p, w, d, k, joins, &nw, &end)) {
                    pos = end;
                    ok = 1;
                    break;
                }
            }
        }
        if (!ok)
            continue;
        enum ph_rc rc = doc_grow((void **)&out->v, &out->cap, out->n + 1, sizeof *out->v);
        if (rc != PH_OK)
            return rc;
        out->v[out->n].start = i;
        out->v[out->n].end = pos;
        out->v[out->n].sent = d->tok[i].sent;
        out->v[out->n].clause = d->tok[i].clause;
        out->v[out->n].neg_at = 0;
        out->v[out->n].neg = negated(d, p, i, pos, &out->v[out->n].neg_at);
        out->v[out->n].self_neg = p->has_neg;
        out->n++;
    }
    return PH_OK;
}

/* matcher_find_group(), with names written apart or together only when
 * `joins` is set: a misconception's words are matched as written, so that
 * "read lines" never states a belief about readlines(). */
static enum ph_rc find_group(const struct doc *d, const struct group *g, int joins,
                             struct occs *out)
{
    size_t n0 = out->n;

    for (size_t a = 0; a < g->nalt; a++) {
        enum ph_rc rc = find_phrase(d, &g->alt[a], joins, out);
        if (rc != PH_OK)
            return rc;
    }
    /* A phrase inside a longer one of the same group that is denied is
     * denied with it: in "does not return them in input order", "order" is
     * past the negator's reach, but "input order" is not. */
    for (size_t i = n0; i < out->n; i++) {
        struct occ *o = &out->v[i];
        for (size_t j = n0; j < out->n && !o->neg; j++) {
            const struct occ *w = &out->v[j];
            if (j != i && w->neg && !w->self_neg && w->start <= o->start && o->end <= w->end) {
                o->neg = w->neg;
                o->neg_at = w->neg_at;
            }
        }
    }
    return PH_OK;
}

enum ph_rc matcher_find_group(const struct doc *d, const struct group *g, struct occs *out)
{
    return find_group(d, g, 1, out);
}

/* The first token of clause `u` (tokens' clause numbers never decrease), or
 * d->ntok when no token is in it. */
static size_t clause_start(const struct doc *d, unsigned u)
{
    size_t lo = 0, hi = d->ntok;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (d->tok[mid].clause < u)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Is token `k` inside one of the occurrences in `o`? */
static int inside(const struct occs *o, size_t k)
{
    for (size_t i = 0; i < o->n; i++)
        if (o->v[i].start <= k && k <= o->v[i].end)
            return 1;
    return 0;
}

/* Does the clause starting at token `a` open with a pronoun for its subject
 * ("it breaks ties", "and, as a bonus, it ...", "which means")?  A clause
 * that names a subject of its own ("returning False lets it propagate") is
 * not about the one named before it. */
static int pronoun_clause(const struct doc *d, size_t a)
{
    static const char *const lead[] = {"and", "but", "so", "then", "also", "thus", "hence"};
    static const char *const pron[] = {"it", "they", "this", "these", "that", "which"};

    unsigned u = a < d->ntok ? d->tok[a].clause : 0;

    while (a < d->ntok && d->tok[a].clause == u && WORDS_IN(d->tok[a].raw, lead))
        a++;
    return a < d->ntok && d->tok[a].clause == u && !d->tok[a].code && WORDS_IN(d->tok[a].raw, pron);
}

/*
 * The subject carried into clauses that do not name it.  Writers name a
 * subject once and go on about it: "asyncio.gather wraps everything in tasks.
 * The result is a list in the same order as the arguments" states that
 * gather keeps the order; "gather collects results as each call completes,
 * so the list it returns is in completion order" states that gather returns
 * completion order.  So a clause that names no subject of the question (no
 * topic phrase) is read as being about the subject of its sentence (the
 * first topic phrase before it) or, when its sentence names none before it
 * and `across` (points, not misconceptions: a wrong belief is charged only on
 * what a sentence itself says), the subject of the sentence before.  A topic phrase naming anything
 * else in between ("gather keeps the order; as_completed hands back ...") stops the carry.  Group 0
 * of a pattern is its subject; `subj` is its occurrences, to which one
 * carried occurrence per such clause is added.
 */
static enum ph_rc add_carried(const struct doc *d, struct occs *subj, int across, int own)
{
    size_t n0 = subj->n;

    if (n0 == 0 || d->ntok == 0 || d->topic == NULL)
        return PH_OK;
    for (unsigned u = d->tok[0].clause; u <= d->tok[d->ntok - 1].clause; u++) {
        size_t a = clause_start(d, u), b = a, anchor = SIZE_MAX;
        const struct occ *from = NULL;
        unsigned sa;
        int blocked = 0;
        if (a >= d->ntok || d->tok[a].clause != u || d->tok[a].code)
            continue;
        sa = d->tok[a].sent;
        while (b + 1 < d->ntok && d->tok[b + 1].clause == u)
            b++;
        for (size_t i = 0; i < n0; i++)
            if (subj->v[i].clause == u)
                blocked = 1; /* named here: nothing to carry */
        /* The subject is the first thing the sentence names, or, when it
         * names nothing before this clause, what the sentence before did. */
        for (size_t k = d->sent[sa].tok0; k < a && anchor == SIZE_MAX; k++)
            if (d->topic[k])
                anchor = k;
        if (anchor == SIZE_MAX && across && sa > 0)
            for (size_t k = d->sent[sa - 1].tok0; k < d->sent[sa - 1].tok1 && anchor == SIZE_MAX;
                 k++)
                if (d->topic[k])
                    anchor = k;
        for (size_t i = 0; i < n0 && anchor != SIZE_MAX && !blocked; i++) {
            const struct occ *o = &subj->v[i];
            if (o->start <= anchor && anchor <= o->end && !o->neg && !d->tok[o->start].code)
                from = o;
        }
        /* A belief's own subject need not be a subject of the question:
         * "most_common is written in C and it breaks ties alphabetically"
         * says most_common breaks them.  With `own` (a belief's own
         * groups, not a denied point's), a clause also takes the nearest
         * subject its sentence names before it (a topic phrase in between
         * still stops the carry, below). */
        for (size_t i = 0; i < n0 && own && !blocked && anchor == SIZE_MAX && pronoun_clause(d, a);
             i++) {
            const struct occ *o = &subj->v[i];
            if (o->sent == sa && o->end < a && !o->neg && !o->carried && !d->tok[o->start].code &&
                (from == NULL || o->end > from->end))
                from = o;
        }
        if (blocked || from == NULL || a - from->end > CARRY_REACH)
            continue;
        for (size_t k = from->end + 1; k <= b && !blocked; k++)
            blocked = d->topic[k] && !inside(subj, k);
        if (blocked)
            continue;
        enum ph_rc rc = doc_grow((void **)&subj->v, &subj->cap, subj->n + 1, sizeof *subj->v);
        if (rc != PH_OK)
            return rc;
        subj->v[subj->n] = (struct occ){.start = a,
                                        .end = a,
                                        .sent = d->tok[a].sent,
                                        .clause = u,
                                        .neg = 0,
                                        .neg_at = 0,
                                        .self_neg = 0,
                                        .carried = 1};
        subj->n++;
    }
    return PH_OK;
}

/* Does group occurrence list `o` hold an occurrence in unit `u` (a sentence or
 * a clause number) with polarity `want_neg` (-1: either)? */
static int occs_in(const struct occs *o, int by_clause, unsigned u, int want_neg)
{
    for (size_t i = 0; i < o->n; i++) {
        unsigned ou = by_clause ? o->v[i].clause : o->v[i].sent;
        if (ou == u && (want_neg < 0 || o->v[i].neg == want_neg))
            return 1;
    }
    return 0;
}

/* Is the only un-negated occurrence in sentence `u` a carried one? */
static int carried_only(const struct occs *o, unsigned u)
{
    for (size_t i = 0; i < o->n; i++)
        if (o->v[i].sent == u && !o->v[i].neg && !o->v[i].carried)
            return 0;
    return 1;
}

/* Is the subject of clause `u` only carried into it? */
static int carried_clause(const struct occs *o, unsigned u)
{
    for (size_t i = 0; i < o->n; i++)
        if (o->v[i].clause == u && !o->v[i].carried)
            return 0;
    return 1;
}

/* Does every group have an un-negated occurrence somewhere? */
static int all_groups_anywhere(const struct occs *gocc, size_t ng)
{
    for (size_t g = 0; g < ng; g++) {
        int any = 0;
        for (size_t i = 0; i < gocc[g].n && !any; i++)
            any = !gocc[g].v[i].neg;
        if (!any)
            return 0;
    }
    return 1;
}

/* The sentence of the first un-negated occurrence of any group in unit `u`. */
static long evidence_in(const struct occs *gocc, size_t ng, int by_clause, unsigned u)
{
    for (size_t g = 0; g < ng; g++) {
        for (size_t i = 0; i < gocc[g].n; i++) {
            const struct occ *o = &gocc[g].v[i];
            if (!o->neg && (by_clause ? o->clause : o->sent) == u)
                return (long)o->sent;
        }
    }
    return -1;
}

/* Is the point's subject (its first group) named, un-negated, in prose? */
static int mentioned(const struct doc *d, const struct occs *o)
{
    for (size_t i = 0; i < o->n; i++)
        if (!o->v[i].neg && !d->tok[o->v[i].start].code)
            return 1;
    return 0;
}

/* How well the groups of one pattern co-occur; `gocc` holds each group's
 * occurrences. */
static struct match match_pattern(const struct doc *d, const struct occs *gocc, size_t ng,
                                  enum scope scope, const unsigned char *uses)
{
    struct match best = {0.0, -1};
    int by_clause = scope == SCOPE_CLAUSE;
    unsigned nunits = by_clause ? d->clause + 1 : (unsigned)d->nsent;

    for (unsigned u = 0; u < nunits; u++) {
        size_t here = 0, pair = 0, any = 0;
        int denied = 0;
        double c = 0.0;
        /* A unit that states the point and denies it ("gather does not keep
         * the order") earns nothing, not even partial credit. */
        for (size_t g = 0; g < ng; g++) {
            int some = occs_in(&gocc[g], by_clause, u, -1);
            any += (size_t)some;
            if (some && !occs_in(&gocc[g], by_clause, u, 0))
                denied = 1;
        }
        if (denied && any == ng)
            continue;
        for (size_t g = 0; g < ng; g++) {
            int in = occs_in(&gocc[g], by_clause, u, 0);
            here += (size_t)in;
            /* Across two sentences only what each names itself: a subject
             * carried into u does not reach on into u + 1. */
            if ((in && !carried_only(&gocc[g], u)) ||
                (!by_clause && u + 1 < nunits && occs_in(&gocc[g], 0, u + 1, 0)))
                pair++;
        }
        if (here == ng)
            c = 1.0;
        else if (scope == SCOPE_PAIR && pair == ng)
            c = 1.0;
        else if (pair == ng)
            c = CREDIT_PAIR;
        else if (here >= 2 && ng > 2)
            c = CREDIT_PARTIAL * (double)here / (double)ng;
        if (c > 0) {
            long s = evidence_in(gocc, ng, by_clause, u);
            if (uses != NULL && s >= 0 && uses[s] >= SENTENCE_POINTS_MAX)
                c *= CREDIT_CROWDED;
            if (c > best.credit) {
                best.credit = c;
                best.sent = s;
            }
        }
    }
    if (ng > 1 && best.credit < CREDIT_ANYWHERE && all_groups_anywhere(gocc, ng))
        best.credit = CREDIT_ANYWHERE;
    if (best.credit < CREDIT_MENTION && mentioned(d, &gocc[0]))
        best.credit = CREDIT_MENTION;
    return best;
}

static void occs_free(struct occs *o, size_t n)
{
    if (o == NULL)
        return;
    for (size_t i = 0; i < n; i++)
        free(o[i].v);
    free(o);
}

/* Best match of a concept over its variants. */
enum ph_rc matcher_concept(const struct doc *d, const struct concept *c, const unsigned char *uses,
                           struct match *out)
{
    enum ph_rc rc = PH_OK;

    out->credit = 0.0;
    out->sent = -1;
    for (size_t v = 0; v < c->nvar && rc == PH_OK; v++) {
        const struct pattern *p = &c->var[v];
        struct occs *gocc = calloc(p->ng, sizeof *gocc);
        if (gocc == NULL)
            return PH_ENOMEM;
        for (size_t g = 0; g < p->ng && rc == PH_OK; g++)
            rc = matcher_find_group(d, &p->g[g], &gocc[g]);
        resolve_negation(gocc, p->ng);
        if (rc == PH_OK && p->ng > 1)
            rc = add_carried(d, &gocc[0], 1, 0);
        if (rc == PH_OK) {
            struct match m = match_pattern(d, gocc, p->ng, c->scope, uses);
            if (m.credit > out->credit)
                *out = m;
        }
        occs_free(gocc, p->ng);
    }
    return rc;
}

/*
 * Do the groups occur un-negated in unit `u` (in the order written when
 * `ordered`)?  A claim is the same claim in any word order ("threads run in
 * parallel" and "in parallel, threads run"), so order is not required unless
 * the rubric asks for it, for the rare belief whose words also make a correct
 * contrast in another order.
 */
static int in_order(const struct occs *gocc, size_t ng, int by_clause, unsigned u, int ordered)
{
    if (!ordered) {
        for (size_t g = 0; g < ng; g++)
            if (!occs_in(&gocc[g], by_clause, u, 0))
                return 0;
        return 1;
    }
    size_t after = 0;
    int first = 1;

    for (size_t g = 0; g < ng; g++) {
        size_t best = SIZE_MAX;
        for (size_t i = 0; i < gocc[g].n; i++) {
            const struct occ *o = &gocc[g].v[i];
            if (o->neg || (by_clause ? o->clause : o->sent) != u)
                continue;
            if ((first || o->start > after) && o->start < best)
                best = o->start;
        }
        if (best == SIZE_MAX)
            return 0;
        after = best;
        first = 0;
    }
    return 1;
}

/*
 * Is sentence `si` about a belief rather than stating it ("many people think
 * threads run in parallel, but they do not", "a common myth is that ...", "the
 * trap: ...", "firing every request at once is a bad idea")?
 * Such a sentence reports the misconception; it does not hold it.
 */
static int reported(const struct doc *d, long si)
{
    static const char *const words[] = {
        "myth",    "myths",     "misconception", "misconceptions", "mistaken", "mistakenly",
        "wrongly", "misbelief", "tempting",      "misleading",     "fallacy",  "misunderstanding",
        "mistake", "mistakes",  "pitfall",       "pitfalls",       "trap",     "antipattern",
        "anti"};
    static const char *const who[] = {"people", "many", "some", "beginners", "everyone", "often"};
    static const char *const verbs[] = {"think",  "believe",  "assume",  "say",  "claim", "expect",
                                        "thinks", "believes", "assumes", "says", "claims"};
    static const char *const rejects[] = {"reject", "rejects", "untrue", "incorrect"};
    static const char *const copulas[] = {"is", "s", "are", "was", "re", "that"};
    const struct sentence *s;

    if (si < 0 || (size_t)si >= d->nsent)
        return 0;
    s = &d->sent[si];
    for (size_t i = s->tok0; i < s->tok1; i++) {
        const struct token *t = &d->tok[i];
        const struct token *nx = i + 1 < s->tok1 ? &d->tok[i + 1] : NULL;
        if (WORDS_IN(t->raw, words))
            return 1;
        if (nx != NULL && WORDS_IN(t->raw, who) && WORDS_IN(nx->raw, verbs))
            return 1;
        /* "people sometimes say", "many still believe" */
        if (nx != NULL && i + 2 < s->tok1 && WORDS_IN(t->raw, who) &&
            WORDS_IN(d->tok[i + 2].raw, verbs))
            return 1;
        /* A sentence that rejects what it quotes: "I'd reject the common
         * shortcuts", "..., but that's wrong", "(false for I/O)".  Python's
         * False, and things that go wrong, reject nothing. */
        if (WORDS_IN(t->raw, rejects) && !t->code)
            return 1;
        if (!t->code && i > s->tok0 &&
            ((strcmp(t->raw, "wrong") == 0 && WORDS_IN(d->tok[i - 1].raw, copulas)) ||
             (strcmp(t->raw, "false") == 0 && d->text[t->off] == 'f' &&
              (WORDS_IN(d->tok[i - 1].raw, copulas) ||
               (t->off > 0 && d->text[t->off - 1] == '(')))))
            return 1;
        if (nx != NULL && strcmp(t->raw, "contrary") == 0 && strcmp(nx->raw, "to") == 0)
            return 1;
        /* "firing every request at once is a bad idea" */
        if (nx != NULL && (strcmp(t->raw, "bad") == 0 || strcmp(t->raw, "terrible") == 0) &&
            (strcmp(nx->raw, "idea") == 0 || strcmp(nx->raw, "practice") == 0))
            return 1;
        if (nx != NULL && strcmp(t->raw, "common") == 0 &&
            (strcmp(nx->raw, "mistake") == 0 || strcmp(nx->raw, "belief") == 0 ||
             strcmp(nx->raw, "error") == 0))
            return 1;
    }
    return 0;
}

/*
 * Does one pattern state a misconception in some unit?  With `denied`, the
 * pattern is a point's: every group must occur in one clause and at least one
 * of them only negated ("gather does not keep the order").  Otherwise every
 * group must occur un-negated.  A unit holding an `unless` phrase never counts.
 */
/* Is occurrence `o` inside one of the occurrences of the `ng` groups `gocc`? */
static int within(const struct occ *o, const struct occs *gocc, size_t ng)
{
    for (size_t g = 0; g < ng; g++)
        for (size_t i = 0; i < gocc[g].n; i++)
            if (!gocc[g].v[i].carried && gocc[g].v[i].start <= o->start &&
                o->end <= gocc[g].v[i].end)
                return 1;
    return 0;
}

/*
 * Does an occurrence in clause `u` deny its words?  "without" before a thing
 * says it is absent, not that a claim is false: "concurrent I/O without
 * threads" does not say threads are no help for I/O, while "without keeping
 * the order" denies keeping it.  So "without" denies only an action (a word
 * ending in "ing").
 */
static int denies_in(const struct doc *d, const struct occs *o, unsigned u)
{
    for (size_t i = 0; i < o->n; i++) {
        const struct occ *x = &o->v[i];
        const char *w = d->tok[x->start].raw;
        size_t n = strlen(w);
        if (x->clause != u || x->neg != NEG_NOT)
            continue;
        if (strcmp(d->tok[x->neg_at].raw, "without") == 0 &&
            !(n > 4 && strcmp(w + n - 3, "ing") == 0))
            continue;
        return 1;
    }
    return 0;
}

/* Does sentence `si` assert some variant of `c` in full, every group named
 * in it, none denied, with words other than the misconception's claim (`mocc`,
 * the occurrences of its `mng` groups after the subject): "completion order"
 * names an order but does not say the input order is kept. */
static enum ph_rc asserts_in(const struct doc *d, const struct concept *c, unsigned si,
                             const struct occs *mocc, size_t mng, int *yes)
{
    enum ph_rc rc = PH_OK;

    *yes = 0;
    for (size_t v = 0; c != NULL && v < c->nvar && rc == PH_OK && !*yes; v++) {
        const struct pattern *p = &c->var[v];
        struct occs *gocc = calloc(p->ng, sizeof *gocc);
        int all = 1;
        if (gocc == NULL)
            return PH_ENOMEM;
        for (size_t g = 0; g < p->ng && rc == PH_OK; g++)
            rc = matcher_find_group(d, &p->g[g], &gocc[g]);
        resolve_negation(gocc, p->ng);
        for (size_t g = 0; g < p->ng && all; g++) {
            int found = 0;
            for (size_t i = 0; i < gocc[g].n && !found; i++) {
                const struct occ *o = &gocc[g].v[i];
                found = o->sent == si && !o->neg && !within(o, mocc, mng);
            }
            all = found;
        }
        *yes = rc == PH_OK && all;
        occs_free(gocc, p->ng);
    }
    return rc;
}

/*
 * Is clause `u` a condition ("if the block raises", "when a task awaits",
 * "while one thread waits for the network")?
 * A belief is often stated across one: "if the block raises, control jumps
 * out, so __exit__ does not run" holds the whole claim in one sentence, its
 * condition split from its predicate by commas.  So a condition clause lends
 * its words to the clauses after it in its sentence ("If X, Y").
 */
static int condition_clause(const struct doc *d, unsigned u)
{
    static const char *const conds[] = {"if", "when", "whenever", "once", "while"};
    size_t k = clause_start(d, u);

    /* The clause opens with the condition ("if the block raises", "note
     * that if ..."); "use a list comprehension when you need the list" is
     * advice, not a condition on a claim. */
    if (k + 1 < d->ntok && d->tok[k + 1].clause == u && strcmp(d->tok[k].raw, "that") == 0)
        k++;
    else if (k + 2 < d->ntok && d->tok[k + 2].clause == u && strcmp(d->tok[k + 1].raw, "that") == 0)
        k += 2;
    return k < d->ntok && d->tok[k].clause == u && !d->tok[k].code && !d->tok[k].ident &&
           WORDS_IN(d->tok[k].raw, conds);
}

static int hypothetical(const struct doc *d, unsigned u, long si);

/* Does clause `c` end with a colon that opens clause `u`, right after it in
 * its sentence ("we already know where the time goes: the interpreter is slow
 * at loops")?  What follows a colon says what the clause before it means, so
 * that clause lends its words to it as a condition does. */
static int colon_opens(const struct doc *d, unsigned c, unsigned u)
{
    size_t a = clause_start(d, u);

    return c + 1 == u && a > 0 && a < d->ntok && d->tok[a - 1].clause == c && d->tok[a - 1].colon &&
           !d->tok[a - 1].code && d->tok[a - 1].sent == d->tok[a].sent;
}

/* Does `o` hold an occurrence, with polarity `want_neg` (-1: either), in a
 * condition clause before clause `u` in its sentence (not one that is itself
 * a hypothesis, see hypothetical(), nor one that holds a word of `claims`,
 * which may be NULL: "if it returns a true value the exception is
 * swallowed" makes a claim of its own and lends nothing to what follows)?
 * With `colon`, a clause that opens `u` with a colon lends too; an exception
 * or a denial before a colon does not ("a generator doesn't keep memory
 * constant: it loads the whole dataset first" excuses nothing after it). */
static int lent_to(const struct doc *d, const struct occs *o, unsigned u, int want_neg,
                   const struct occs *claims, int colon)
{
    size_t a = clause_start(d, u);

    for (size_t i = 0; i < o->n && a < d->ntok; i++) {
        const struct occ *x = &o->v[i];
        if (x->clause >= u || x->sent != d->tok[a].sent || x->carried)
            continue;
        if ((want_neg < 0 || x->neg == want_neg) &&
            (condition_clause(d, x->clause) || (colon && colon_opens(d, x->clause, u))) &&
            !hypothetical(d, x->clause, -1) &&
            (claims == NULL || !occs_in(claims, 1, x->clause, 0)))
            return 1;
    }
    return 0;
}

/* occs_in() for clause `u`, counting the condition clauses of its sentence. */
static int occs_in_claim(const struct doc *d, const struct occs *o, unsigned u, int want_neg,
                         const struct occs *claims)
{
    return occs_in(o, 1, u, want_neg) || lent_to(d, o, u, want_neg, claims, 1);
}

/*
 * Is clause `u` (sentence `si`) a hypothesis rather than a claim: "inside a
 * finally, otherwise the teardown is skipped when the block raises", "the
 * cleanup would never run", "if you forget the finally, ..."?  It says what
 * goes wrong when something is missing, which is a correct statement.  "I
 * would" and "we would" state the candidate's plan: no hypothesis.
 */
static int hypothetical(const struct doc *d, unsigned u, long si)
{
    static const char *const in_clause[] = {"otherwise", "would", "else"};
    static const char *const forget[] = {"forget", "forgets", "forgot", "forgotten",
                                         "omit",   "omits",   "omitted"};
    static const char *const leave[] = {"leave", "leaves", "left"};
    static const char *const guard[] = {"finally", "try", "with"};

    static const char *const planner[] = {"i", "we"};

    for (size_t k = clause_start(d, u); k < d->ntok && d->tok[k].clause == u; k++) {
        if (d->tok[k].code || !WORDS_IN(d->tok[k].raw, in_clause))
            continue;
        /* "I would rewrite everything in C first" is the candidate's plan,
         * a claim about what to do, not a hypothesis. */
        if (strcmp(d->tok[k].raw, "would") == 0 && k > 0 && d->tok[k - 1].clause == u &&
            WORDS_IN(d->tok[k - 1].raw, planner))
            continue;
        return 1;
    }
    if (si < 0 || (size_t)si >= d->nsent)
        return 0;
    for (size_t k = d->sent[si].tok0; k < d->sent[si].tok1; k++) {
        const struct token *t = &d->tok[k];
        const char *nx = k + 1 < d->sent[si].tok1 ? d->tok[k + 1].raw : "";
        if (t->code)
            continue;
        /* "if you forget the finally", "if you leave out the try", "without
         * a finally" */
        /* "people forget that map builds a list", "what people forget is
         * that ...": what is forgotten is asserted, not supposed. */
        if ((WORDS_IN(t->raw, forget) && strcmp(nx, "that") != 0 && strcmp(nx, "is") != 0 &&
             strcmp(nx, "was") != 0) ||
            (WORDS_IN(t->raw, leave) && strcmp(nx, "out") == 0) ||
            (strcmp(t->raw, "without") == 0 && WORDS_IN(nx, guard)))
            return 1;
    }
    return 0;
}

/* Is the clause after clause `u`, in the same sentence, a clause of time
 * ("..., while it waits", "when the block raises", "during the call")? */
static int time_clause_after(const struct doc *d, unsigned u)
{
    static const char *const opens[] = {"while", "when", "whenever", "during", "until"};
    size_t a = clause_start(d, u), k = clause_start(d, u + 1);

    return a < d->ntok && k < d->ntok && d->tok[k].clause == u + 1 &&
           d->tok[k].sent == d->tok[a].sent && !d->tok[k].code && WORDS_IN(d->tok[k].raw, opens);
}

/*
 * Is occurrence `o` a bare negator ("not", "does not", "never", "without",
 * "can't"): an `unless` phrase made only of a denial and auxiliaries?  The
 * matcher already reads a denial of the belief's own words; listed as an
 * exception, a bare negator would excuse any belief whose clause or sentence
 * denies anything at all ("the event loop spreads them over the CPU cores,
 * and because coroutines are not threads ...").
 */
static int bare_negator(const struct doc *d, const struct occ *o)
{
    static const char *const aux[] = {"do",   "does", "did",  "is",    "are",    "was",
                                      "were", "can",  "will", "would", "should", "could"};
    int any = 0;

    for (size_t k = o->start; k <= o->end; k++) {
        if (d->tok[k].neg == NEG_NOT)
            any = 1;
        else if (!WORDS_IN(d->tok[k].raw, aux))
            return 0;
    }
    return any;
}

/*
 * Does an `unless` phrase excuse the belief in unit `u` (a clause, or a
 * sentence when !by_clause)?  Any phrase of the list does (but not read
 * across a negator it does not hold: "does matter" in "does not matter"),
 * except a bare
 * negator, which excuses only when it stands before the belief's claim (the
 * occurrences `claim`, un-negated) in the claim's own clause: "asyncio does
 * not, as many think, spread tasks over cores" (past the negator's reach).
 * A denial of the point is excused by any of them, bare negators too, as
 * before: one negator in the clause is the whole evidence of a denial.
 */
static int excused(const struct doc *d, const struct occs *unless, const struct occs *claim,
                   int by_clause, unsigned u)
{
    for (size_t i = 0; i < unless->n; i++) {
        const struct occ *x = &unless->v[i];
        int skipped_neg = 0;
        if ((by_clause ? x->clause : x->sent) != u)
            continue;
        /* "does matter" read across a skipped "not" ("does not matter")
         * says the opposite of the exception. */
        for (size_t k = x->start + 1; k < x->end && !x->self_neg; k++)
            skipped_neg |= d->tok[k].neg == NEG_NOT;
        if (skipped_neg)
            continue;
        if (!bare_negator(d, x))
            return 1;
        for (size_t j = 0; claim != NULL && j < claim->n; j++) {
            const struct occ *c = &claim->v[j];
            if (!c->neg && !c->carried && c->clause == x->clause && x->end < c->start)
                return 1;
        }
    }
    return 0;
}

/* In sentence `si`, does the belief's claim (group 1) come, in a clause of
 * its own, before any clause that names its subject (group 0), and does no
 * clause hold both? */
static int claim_before_subject(const struct occs *gocc, unsigned si)
{
    size_t first_claim = SIZE_MAX, first_subject = SIZE_MAX;

    for (size_t j = 0; j < gocc[1].n; j++) {
        const struct occ *c = &gocc[1].v[j];
        if (!c->neg && c->sent == si && c->start < first_claim)
            first_claim = c->start;
    }
    for (size_t i = 0; i < gocc[0].n; i++) {
        const struct occ *a = &gocc[0].v[i];
        if (a->neg || a->sent != si || a->carried)
            continue;
        for (size_t j = 0; j < gocc[1].n; j++)
            if (!gocc[1].v[j].neg && gocc[1].v[j].clause == a->clause)
                return 0;
        if (a->start < first_subject)
            first_subject = a->start;
    }
    return first_claim != SIZE_MAX && first_subject != SIZE_MAX && first_claim < first_subject;
}

static enum ph_rc misc_pattern(const struct doc *d, const struct pattern *p, enum scope scope,
                               int denied, int ordered, const struct occs *unless,
                               const struct occs *claims, const struct concept *point,
                               struct misc_hit *hit)
{
    int by_clause = denied || scope == SCOPE_CLAUSE;
    unsigned nunits = by_clause ? d->clause + 1 : (unsigned)d->nsent;
    struct occs *gocc = calloc(p->ng, sizeof *gocc);
    const struct occs *claim;
    enum ph_rc rc = PH_OK;

    if (gocc == NULL)
        return PH_ENOMEM;
    for (size_t g = 0; g < p->ng && rc == PH_OK; g++)
        rc = find_group(d, &p->g[g], 0, &gocc[g]);
    resolve_negation(gocc, p->ng);
    if (rc == PH_OK && p->ng > 1)
        rc = add_carried(d, &gocc[0], 0, !denied);
    /* The belief's claim (its second group; a lone group is its own). */
    claim = p->ng >= 2 ? &gocc[1] : p->ng == 1 ? &gocc[0] : NULL;
    for (unsigned u = 0; u < nunits && rc == PH_OK && hit->sent < 0; u++) {
        int all = 1, neg = 0;
        if (denied) {
            for (size_t g = 0; g < p->ng && all; g++) {
                all = occs_in(&gocc[g], by_clause, u, -1);
                /* Denied, not merely contrasted: "the slowest call rather
                 * than the sum" does not deny the point about the sum. */
                if (all && !occs_in(&gocc[g], by_clause, u, 0) && denies_in(d, &gocc[g], u))
                    neg = 1;
            }
        } else {
            all = in_order(gocc, p->ng, by_clause, u, ordered);
            /* An ordered belief's subject lent by a condition before it
             * keeps its order: "if handle_request spawns child tasks, any id
             * they set becomes visible to the parent". */
            if (!all && by_clause && ordered && p->ng > 1)
                all =
                    lent_to(d, &gocc[0], u, 0, claims, 1) && in_order(gocc + 1, p->ng - 1, 1, u, 1);
            if (!all && by_clause && !ordered) {
                /* The claim (the second group) in this clause; the subject
                 * (the first) and, of three or more, the setting (the last)
                 * here or in a condition before it: "if __exit__ returns
                 * True, Python re-raises the exception", "if the block
                 * raises, ..., so __exit__ does not run".  A condition that
                 * holds the claim is a claim of its own ("if it returns a
                 * true value the exception is swallowed, so a manager
                 * returns False"). */
                all = 1;
                for (size_t g = 0; g < p->ng && all; g++) {
                    int setting = p->ng >= 3 && g == p->ng - 1;
                    int lent = g == 0 || setting;
                    all = lent ? occs_in_claim(d, &gocc[g], u, 0, claims)
                               : occs_in(&gocc[g], 1, u, 0);
                    /* The setting may follow in a clause of time: "a thread
                     * still holds the GIL while it waits for the network". */
                    if (!all && setting && time_clause_after(d, u))
                        all = occs_in(&gocc[g], 1, u + 1, 0);
                }
            }
        }
        if (!all || (denied && !neg) ||
            (denied ? occs_in(unless, 1, u, -1) : excused(d, unless, claim, by_clause, u)) ||
            (by_clause && lent_to(d, unless, u, -1, NULL, 0)))
            continue;
        /* The unit's sentence: a clause's own, or the sentence itself. */
        size_t cs = by_clause ? clause_start(d, u) : 0;
        long su;
        if (cs >= d->ntok)
            continue;
        su = by_clause ? (long)d->tok[cs].sent : (long)u;
        if (reported(d, su))
            continue;
        if (!denied && by_clause && hypothetical(d, u, su))
            continue;
        /* Read with a carried subject, a clause is held to its whole
         * sentence: "gather returns one list in the order you passed them,
         * whichever finished first" names an exception word or asserts the
         * point this belief denies, and then states nothing wrong. */
        if (by_clause && carried_clause(&gocc[0], u) && !lent_to(d, &gocc[0], u, 0, claims, 1)) {
            unsigned si = (unsigned)su;
            int yes = 0;
            if (excused(d, unless, claim, 0, si))
                continue;
            rc = asserts_in(d, point, si, gocc + 1, p->ng - 1, &yes);
            if (yes)
                continue;
        }
        /* Read over a whole sentence, a claim made before its subject is
         * named, in another clause, may be a claim about something else:
         * "completion order is random, so gather the coroutines in prompt
         * order" asserts the point this belief denies and states nothing
         * wrong. */
        if (!denied && !by_clause && p->ng > 1 && claim_before_subject(gocc, (unsigned)su)) {
            int yes = 0;
            rc = asserts_in(d, point, (unsigned)su, gocc + 1, p->ng - 1, &yes);
            if (yes)
                continue;
        }
        hit->sent = su;
        hit->indirect = denied || (by_clause && carried_clause(&gocc[0], u));
    }
    occs_free(gocc, p->ng);
    return rc;
}

/*
 * Does the answer state a misconception?  Either its own groups all occur,
 * un-negated, in one clause, or the point it `negates` is stated with a group
 * denied.  hit->sent is the evidence sentence, -1 when not stated.
 */
enum ph_rc matcher_misc(const struct doc *d, const struct off_misc *m,
                        const struct concept *negated_point, struct misc_hit *hit)
{
    struct occs unless = {0}, claims = {0};
    enum ph_rc rc;

    hit->sent = -1;
    hit->indirect = 0;
    rc = find_group(d, &m->unless, 0, &unless);
    /* What each variant says of its subject (its second group). */
    for (size_t v = 0; v < m->c.nvar && rc == PH_OK; v++)
        if (m->c.var[v].ng >= 2)
            rc = find_group(d, &m->c.var[v].g[1], 0, &claims);
    for (size_t v = 0; v < m->c.nvar && rc == PH_OK && hit->sent < 0; v++)
        rc = misc_pattern(d, &m->c.var[v], m->c.scope, 0, m->ordered, &unless, &claims,
                          negated_point, hit);
    for (size_t v = 0; m->by_denial && negated_point != NULL && v < negated_point->nvar &&
                       rc == PH_OK && hit->sent < 0;
         v++)
        rc = misc_pattern(d, &negated_point->var[v], SCOPE_CLAUSE, 1, 0, &unless, NULL, NULL, hit);
    free(unless.v);
    free(claims.v);
    return rc;
}

enum ph_rc matcher_misc_words_in(const struct doc *d, const struct off_misc *m, long si, int *yes)
{
    enum ph_rc rc = PH_OK;

    *yes = 0;
    for (size_t v = 0; v < m->c.nvar && rc == PH_OK && !*yes; v++) {
        struct occs o = {0};
        if (m->c.var[v].ng < 2)
            continue;
        rc = find_group(d, &m->c.var[v].g[1], 0, &o);
        for (size_t i = 0; i < o.n && !*yes; i++)
            *yes = (long)o.v[i].sent == si && !o.v[i].neg;
        free(o.v);
    }
    return rc;
}

/* Is the sentence `si` hedged or a question ("maybe gather keeps the order?")?
 * A crossed subject costs a point and caps the grade only when it is asserted
 * with certainty. */
static int uncertain(const struct doc *d, long si)
{
    static const char *const hedges[] = {"maybe",    "perhaps", "might",  "probably",
                                         "possibly", "guess",   "unsure", "suppose"};
    const struct sentence *s = &d->sent[si];

    for (size_t k = s->tok0; k < s->tok1; k++)
        if (!d->tok[k].code && WORDS_IN(d->tok[k].raw, hedges))
            return 1;
    for (size_t b = s->off1; b < d->len && b < s->off1 + 4; b++)
        if (d->text[b] == '?')
            return 1;
    return 0;
}

/* Is rival occurrence `r` the thing compared with, not the subject ("faster
 * than gather", "like gather", "compared to gather", "gather vs ...")? */
static int compared(const struct doc *d, const struct occ *r)
{
    static const char *const before[] = {"than", "like", "unlike", "vs", "versus", "to", "with"};
    const struct token *p = r->start > 0 ? &d->tok[r->start - 1] : NULL;

    if (p == NULL || p->clause != r->clause)
        return 0;
    if (strcmp(p->raw, "to") == 0 || strcmp(p->raw, "with") == 0)
        return r->start > 1 && d->tok[r->start - 2].clause == r->clause &&
               (strcmp(d->tok[r->start - 2].raw, "compared") == 0 ||
                strcmp(d->tok[r->start - 2].raw, "opposed") == 0);
    return WORDS_IN(p->raw, before);
}

/* Does clause `u` hold a negator, a contrast word or a word that blocks what
 * follows ("regardless of", "prevents threads from", "stops") before token `k`? */
static int denied_before(const struct doc *d, unsigned u, size_t k)
{
    static const char *const blocks[] = {
        "regardless", "irrespective", "prevent", "prevents", "prevented", "stop",  "stops",
        "stopped",    "blocks",       "forbids", "even",     "although",  "though"};
    for (size_t i = clause_start(d, u); i < k && i < d->ntok && d->tok[i].clause == u; i++)
        if (d->tok[i].neg || (!d->tok[i].code && WORDS_IN(d->tok[i].raw, blocks)))
            return 1;
    return 0;
}

/* Does `o` hold an occurrence in clause `u`? */
static int in_clause(const struct occs *o, unsigned u)
{
    for (size_t j = 0; j < o->n; j++)
        if (o->v[j].clause == u)
            return 1;
    return 0;
}

/* Does `o` hold an occurrence in clause `u` that asserts (not denied, not
 * compared, not inside a rival subject's words)? */
static int asserted_in(const struct doc *d, const struct occs *o, unsigned u,
                       const struct occs *riv)
{
    for (size_t j = 0; j < o->n; j++) {
        const struct occ *x = &o->v[j];
        if (x->clause == u && !x->neg && !x->carried && !inside(riv, x->start) && !compared(d, x) &&
            !denied_before(d, u, x->start))
            return 1;
    }
    return 0;
}

enum ph_rc matcher_crossed(const struct doc *d, const struct concept *c, const struct crossed *x,
                           long *sent)
{
    struct occs riv = {0}, unless = {0}, *own = NULL, *claim = NULL;
    enum ph_rc rc = PH_OK;

    *sent = -1;
    if (x == NULL || x->subjects.nalt == 0 || x->claims.ng == 0)
        return PH_OK;
    own = calloc(c->nvar + 1, sizeof *own);
    claim = calloc(x->claims.ng, sizeof *claim);
    if (own == NULL || claim == NULL) {
        rc = PH_ENOMEM;
        goto out;
    }
    rc = matcher_find_group(d, &x->subjects, &riv);
    if (rc == PH_OK && x->unless.nalt > 0)
        rc = matcher_find_group(d, &x->unless, &unless);
    for (size_t v = 0; rc == PH_OK && v < c->nvar; v++)
        if (c->var[v].ng > 0)
            rc = matcher_find_group(d, &c->var[v].g[0], &own[v]);
    for (size_t g = 0; rc == PH_OK && g < x->claims.ng; g++)
        rc = matcher_find_group(d, &x->claims.g[g], &claim[g]);
    for (size_t i = 0; rc == PH_OK && i < riv.n && *sent < 0; i++) {
        const struct occ *r = &riv.v[i];
        unsigned u = r->clause;
        int holds = !in_clause(&unless, u);

        if (r->neg || r->carried || d->tok[r->start].code || d->sent[r->sent].dropped ||
            d->sent[r->sent].code || compared(d, r) || denied_before(d, u, r->start))
            continue;
        /* A clause that names the point's own subject (in words that are
         * neither the rival's, so a rival may be the point's subject with a
         * claim that reverses it, nor the claim's) compares the two, or says the relation of the
         * right one; one that denies anything is no plain claim ("an endless
         * iterator that a list comprehension cannot"). */
        for (size_t v = 0; v < c->nvar && holds; v++)
            for (size_t j = 0; j < own[v].n && holds; j++) {
                int claimed;
                /* The clause first: inside() walks every occurrence, and a
                 * 64 KiB answer holds thousands (196 s, where 3.6 s before). */
                if (own[v].v[j].clause != u)
                    continue;
                claimed = inside(&riv, own[v].v[j].start);
                for (size_t g = 0; g < x->claims.ng && !claimed; g++)
                    claimed = inside(&claim[g], own[v].v[j].start);
                if (!claimed)
                    holds = 0;
            }
        if (holds && denied_before(d, u, d->ntok))
            holds = 0;
        for (size_t g = 0; g < x->claims.ng && holds; g++)
            holds = asserted_in(d, &claim[g], u, &riv);
        if (holds && !reported(d, r->sent) && !hypothetical(d, u, r->sent) &&
            !uncertain(d, r->sent))
            *sent = r->sent;
    }
out:
    free(riv.v);
    free(unless.v);
    occs_free(own, c->nvar + 1);
    occs_free(claim, x->claims.ng);
    return rc;
}
