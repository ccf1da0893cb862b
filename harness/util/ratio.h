/*
 * ratio.h - one way to say how a candidate's figure compares with another
 * one (the reference's, a baseline's), everywhere a report says it: "2.30x
 * slower than the reference", "1.80x less memory than the reference", never
 * a bare quotient whose direction the reader must guess.
 *
 * The factor is always 1 or more and the word carries the direction: a run
 * twice as fast is "2.00x faster", never "0.50x".  Within 5% either way the
 * figures are "about as fast as" each other.  Figures that cannot be
 * compared (missing, negative, zero) are said in words, never as inf or nan.
 */
#ifndef PH_RATIO_H
#define PH_RATIO_H

#include <stddef.h>

enum ratio_kind {
    RATIO_UNKNOWN, /* not a pair of figures we can name */
    RATIO_TIME,    /* *_ns figures: slower / faster */
    RATIO_MEMORY,  /* *_bytes figures: more / less memory */
};

/* What the candidate is compared with. */
enum ratio_other {
    RATIO_REFERENCE, /* ref.* figures: "the reference" */
    RATIO_BASELINE,  /* base.* figures: "the baseline" */
};

/* A quotient of two rule paths, as ratio_classify() reads it. */
struct ratio_pair {
    enum ratio_kind kind;
    enum ratio_other other;
    int cand_on_top; /* 1 when `num` is the candidate's figure */
};

/* Factors this large or larger are said as "over 1000000x". */
#define RATIO_HUGE 1e6

/*
 * What a quotient of two rule paths ("ref.measure.t.cpu_ns" and
 * "cand.measure.t.cpu_ns") compares.  Returns 0 and fills *out, or -1 when
 * the pair is not one candidate figure against the same kind of reference
 * or baseline figure (out->kind is then RATIO_UNKNOWN).
 */
int ratio_classify(const char *num, const char *den, struct ratio_pair *out);

/* "the reference" or "the baseline". */
const char *ratio_other_name(enum ratio_other other);

/*
 * How the candidate's figure `cand` compares with `other`'s figure of the
 * same kind: "2.30x slower than the reference", "about as fast as the
 * reference", "4.00x less memory than the baseline".  `than` names the other
 * side ("the reference"; NULL for none: "2.30x slower").  A negative or NaN
 * figure is "not measured"; a zero one is said in words.  Writes into `buf`
 * (96 bytes are always enough); returns it.
 */
const char *ratio_phrase(double cand, double other, enum ratio_kind kind, const char *than,
                         char *buf, size_t cap);

/* ratio_phrase() from the quotient cand / other alone (> 0). */
const char *ratio_phrase_of(double cand_over_other, enum ratio_kind kind, const char *than,
                            char *buf, size_t cap);

/*
 * A grading bound, exactly (no "about" band): "2.00x slower", "5.00x
 * faster", "the same speed" for 1.  `cand_over_other` > 0.
 */
const char *ratio_bound(double cand_over_other, enum ratio_kind kind, char *buf, size_t cap);

/*
 * The grading terms of a performance spec whose ratio is `pair` and whose
 * bounds (of num / den) are full_at and zero_at: "full marks at 2.00x slower
 * than the reference or better, none at 5.00x slower or worse".  Writes into
 * `buf`; returns it.
 */
const char *ratio_terms(const struct ratio_pair *pair, double full_at, double zero_at, char *buf,
                        size_t cap);

/* A factor (>= 1) as every phrase writes it: "2.30x", "23.0x", "230x",
 * "over 1000000x" ("n/a" for NaN).  Writes into `buf`; returns it. */
const char *ratio_factor_text(double factor, char *buf, size_t cap);

/*
 * The factor and direction a quotient cand / other is said with: returns
 * the factor (>= 1) and sets *worse to 1 when the candidate's figure is the
 * larger (slower, more memory).  For confidence intervals: the interval
 * [lo, hi] of the quotient is said as [ratio_factor(hi), ratio_factor(lo)]
 * when the estimate is below 1.
 */
double ratio_factor(double cand_over_other, int *worse);

#endif
