/*
 * ratio.h - one way to say how a candidate's figure compares with the
 * reference's, everywhere a report says it: "2.3x slower than the
 * reference", "1.8x less memory than the reference", never a bare quotient
 * whose direction the reader must guess.
 */
#ifndef PH_RATIO_H
#define PH_RATIO_H

#include <stddef.h>

enum ratio_kind {
    RATIO_UNKNOWN, /* not a pair of figures we can name */
    RATIO_TIME,    /* *_ns figures: slower / faster */
    RATIO_MEMORY,  /* *_bytes figures: more / less memory */
};

/*
 * What a quotient of two rule paths compares: sets *kind and *cand_on_top
 * (1 when `num` is the candidate's figure and `den` the reference's, 0 for
 * the other way round).  Returns 0, or -1 when the pair is not one candidate
 * figure against the same reference figure type.
 */
int ratio_classify(const char *num, const char *den, enum ratio_kind *kind, int *cand_on_top);

/*
 * "2.30x slower than the reference" for `cand_over_ref` = candidate / reference
 * (time), "about the same time as the reference" within 5%.  Writes into
 * `buf`; returns it.
 */
const char *ratio_phrase(double cand_over_ref, enum ratio_kind kind, char *buf, size_t cap);

#endif
