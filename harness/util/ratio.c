/* ratio.c - see ratio.h. */
#include "ratio.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Within this factor either way, two figures are "about" the same: below
 * what a shared machine measures reliably. */
#define SAME_BAND 1.05

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);

    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static enum ratio_kind kind_of(const char *path)
{
    if (ends_with(path, "_ns"))
        return RATIO_TIME;
    if (ends_with(path, "_bytes"))
        return RATIO_MEMORY;
    return RATIO_UNKNOWN;
}

/* 0 for "ref.", 1 for "base.", -1 for anything else. */
static int other_of(const char *path, enum ratio_other *o)
{
    if (strncmp(path, "ref.", 4) == 0) {
        *o = RATIO_REFERENCE;
        return 0;
    }
    if (strncmp(path, "base.", 5) == 0) {
        *o = RATIO_BASELINE;
        return 0;
    }
    return -1;
}

int ratio_classify(const char *num, const char *den, struct ratio_pair *out)
{
    enum ratio_kind k;
    enum ratio_other o;

    memset(out, 0, sizeof *out);
    out->kind = RATIO_UNKNOWN;
    if (num == NULL || den == NULL)
        return -1;
    k = kind_of(num);
    if (k == RATIO_UNKNOWN || kind_of(den) != k)
        return -1;
    if (strncmp(num, "cand.", 5) == 0 && other_of(den, &o) == 0)
        out->cand_on_top = 1;
    else if (!(strncmp(den, "cand.", 5) == 0 && other_of(num, &o) == 0))
        return -1;
    out->kind = k;
    out->other = o;
    return 0;
}

const char *ratio_other_name(enum ratio_other other)
{
    return other == RATIO_BASELINE ? "the baseline" : "the reference";
}

/* A bound of num / den as the candidate against the other side. */
static const char *bound_of(const struct ratio_pair *pair, double at, char *buf, size_t cap)
{
    if (!(at > 0))
        return snprintf(buf, cap, "%s", pair->cand_on_top ? "no time at all" : "any figure"), buf;
    return ratio_bound(pair->cand_on_top ? at : 1 / at, pair->kind, buf, cap);
}

const char *ratio_terms(const struct ratio_pair *pair, double full_at, double zero_at, char *buf,
                        size_t cap)
{
    char full[64], zero[64];
    /* The better end is the one where the candidate's figure is the smaller. */
    int full_better = pair->cand_on_top ? full_at < zero_at : full_at > zero_at;

    bound_of(pair, full_at, full, sizeof full);
    bound_of(pair, zero_at, zero, sizeof zero);
    snprintf(buf, cap, "full marks at %s than %s or %s, none at %s or %s", full,
             ratio_other_name(pair->other), full_better ? "better" : "worse", zero,
             full_better ? "worse" : "better");
    return buf;
}

double ratio_factor(double cand_over_other, int *worse)
{
    *worse = cand_over_other >= 1;
    return cand_over_other >= 1 ? cand_over_other : 1 / cand_over_other;
}

/* "2.30x", "23.0x", "230x", "over 1000000x": the factor, never inf. */
const char *ratio_factor_text(double f, char *buf, size_t cap)
{
    if (isnan(f))
        snprintf(buf, cap, "n/a");
    else if (!(f < RATIO_HUGE))
        snprintf(buf, cap, "over %.0fx", RATIO_HUGE);
    else
        snprintf(buf, cap, "%.*fx", f < 10 ? 2 : f < 100 ? 1 : 0, f);
    return buf;
}

/* " than the reference", or "" without an object. */
static void than_text(const char *than, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s%s", than != NULL ? " than " : "", than != NULL ? than : "");
}

const char *ratio_phrase_of(double r, enum ratio_kind kind, const char *than, char *buf, size_t cap)
{
    const char *more = kind == RATIO_MEMORY ? "more memory" : "slower";
    const char *less = kind == RATIO_MEMORY ? "less memory" : "faster";
    char f[32], t[64];
    int worse;

    than_text(than, t, sizeof t);
    if (isnan(r) || r <= 0) {
        snprintf(buf, cap, "not measured");
    } else if (r >= 1 / SAME_BAND && r <= SAME_BAND) {
        if (than == NULL)
            snprintf(buf, cap, "%s",
                     kind == RATIO_MEMORY ? "about the same memory" : "about as fast");
        else
            snprintf(buf, cap, "%s %s",
                     kind == RATIO_MEMORY ? "about as much memory as" : "about as fast as", than);
    } else {
        ratio_factor_text(ratio_factor(r, &worse), f, sizeof f);
        snprintf(buf, cap, "%s %s%s", f, worse ? more : less, t);
    }
    return buf;
}

const char *ratio_phrase(double cand, double other, enum ratio_kind kind, const char *than,
                         char *buf, size_t cap)
{
    const char *what =
        kind == RATIO_MEMORY ? "used no measurable memory" : "took no measurable time";
    const char *who = than != NULL ? than : "the other";

    if (isnan(cand) || isnan(other) || cand < 0 || other < 0)
        snprintf(buf, cap, "not measured");
    else if (cand == 0 && other == 0)
        snprintf(buf, cap, "%s, nor did %s", what, who);
    else if (cand == 0)
        snprintf(buf, cap, "%s (%s did)", what, who);
    else if (other == 0)
        snprintf(buf, cap, "%s %s", who, what);
    else
        ratio_phrase_of(cand / other, kind, than, buf, cap);
    return buf;
}

const char *ratio_bound(double r, enum ratio_kind kind, char *buf, size_t cap)
{
    char f[32];
    int worse;

    if (isnan(r) || r <= 0)
        snprintf(buf, cap, "not measured");
    else if (ratio_factor(r, &worse) < 1.005) /* would print as "1.00x" either way */
        snprintf(buf, cap, "%s", kind == RATIO_MEMORY ? "the same memory" : "the same speed");
    else {
        ratio_factor_text(ratio_factor(r, &worse), f, sizeof f);
        snprintf(buf, cap, "%s %s", f,
                 worse ? (kind == RATIO_MEMORY ? "more memory" : "slower")
                       : (kind == RATIO_MEMORY ? "less memory" : "faster"));
    }
    return buf;
}
