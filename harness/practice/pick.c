/*
 * pick.c - see pick.h.
 */
#include "pick.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "qbank.h"

/* Weight of a topic at score 0 over one at score 10: 4:1.  Unseen topics sit
 * in the middle, so a new learner gets a spread of everything. */
#define PICK_WEIGHT_FLOOR 1.0
#define PICK_WEIGHT_SPAN 3.0
#define PICK_UNSEEN_MEAN 5.0

double pick_weight(const struct pick_topic *stats, size_t nstats, const char *topic)
{
    double mean = PICK_UNSEEN_MEAN;

    for (size_t i = 0; i < nstats; i++)
        if (stats[i].answers > 0 && strcasecmp(stats[i].topic, topic) == 0) {
            mean = stats[i].mean;
            break;
        }
    if (mean < 0)
        mean = 0;
    if (mean > 10)
        mean = 10;
    return PICK_WEIGHT_FLOOR + PICK_WEIGHT_SPAN * (1.0 - mean / 10.0);
}

/* xorshift64*: small, seedable, good enough to shuffle a quiz. */
static double next_unit(uint64_t *s)
{
    uint64_t x = *s;

    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return (double)((x * 2685821657736338717ULL) >> 11) / (double)(1ULL << 53);
}

size_t pick_questions(const struct qbank *b, const struct pick_opts *o,
                      const struct pick_topic *stats, size_t nstats, size_t *out, size_t max)
{
    double *w = calloc(b->n > 0 ? b->n : 1, sizeof *w);
    uint64_t state = o->seed != 0 ? o->seed : 0x9e3779b97f4a7c15ULL;
    double left = o->seconds;
    size_t n = 0;

    if (w == NULL)
        return 0;
    for (size_t i = 0; i < b->n; i++) {
        const struct qbank_question *q = &b->q[i];
        if (o->topic != NULL && !qbank_matches_topic(q, o->topic))
            continue;
        if (o->concepts_only && q->kind != QBANK_CONCEPT)
            continue;
        w[i] = pick_weight(stats, nstats, q->topic);
    }
    while (n < max && (o->count == 0 || n < o->count)) {
        double total = 0, r, acc = 0;
        size_t chosen = b->n;
        for (size_t i = 0; i < b->n; i++)
            if (w[i] > 0 && (o->count != 0 || n == 0 || b->q[i].seconds <= left))
                total += w[i];
        if (total <= 0)
            break;
        r = next_unit(&state) * total;
        for (size_t i = 0; i < b->n; i++) {
            if (!(w[i] > 0 && (o->count != 0 || n == 0 || b->q[i].seconds <= left)))
                continue;
            acc += w[i];
            chosen = i;
            if (r < acc)
                break;
        }
        if (chosen == b->n)
            break;
        out[n++] = chosen;
        left -= b->q[chosen].seconds;
        w[chosen] = 0;
    }
    free(w);
    return n;
}
