/*
 * pick.h - which questions a practice session asks.
 *
 * Questions are drawn without replacement, each with a weight that grows as
 * the learner's past mean score on its topic falls, so a session spends its
 * time where the learner is weakest; a topic never practised counts as
 * middling.  Pure functions of their inputs (the random source is a seed),
 * so a test can pin a session down.  Owns nothing.
 */
#ifndef PH_PICK_H
#define PH_PICK_H

#include <stddef.h>
#include <stdint.h>

struct qbank;

/* A topic's past results, 0..10 scale. */
struct pick_topic {
    const char *topic; /* borrowed */
    double mean;
    size_t answers;
};

/* Weight of a topic with this history (higher: asked more often). */
double pick_weight(const struct pick_topic *stats, size_t nstats, const char *topic);

struct pick_opts {
    const char *topic; /* only questions of this topic (qbank_matches_topic), or NULL */
    size_t count;      /* questions wanted; 0: as many as fit in `seconds` */
    double seconds;    /* the session's time; used when count is 0 */
    int concepts_only; /* leave coding exercises out */
    uint64_t seed;
};

/*
 * Choose questions from `b`.  Writes up to `max` indexes into `out` (in the
 * order they will be asked) and returns how many.  With count 0, questions
 * are added while their own time fits in what is left of `seconds` (at least
 * one).  Returns 0 when no question matches the topic.
 */
size_t pick_questions(const struct qbank *b, const struct pick_opts *o,
                      const struct pick_topic *stats, size_t nstats, size_t *out, size_t max);

#endif
