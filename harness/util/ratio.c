/* ratio.c - see ratio.h. */
#include "ratio.h"

#include <stdio.h>
#include <string.h>

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

int ratio_classify(const char *num, const char *den, enum ratio_kind *kind, int *cand_on_top)
{
    enum ratio_kind k;

    *kind = RATIO_UNKNOWN;
    *cand_on_top = 0;
    if (num == NULL || den == NULL)
        return -1;
    k = kind_of(num);
    if (k == RATIO_UNKNOWN || kind_of(den) != k)
        return -1;
    if (strncmp(num, "cand.", 5) == 0 && strncmp(den, "ref.", 4) == 0)
        *cand_on_top = 1;
    else if (!(strncmp(num, "ref.", 4) == 0 && strncmp(den, "cand.", 5) == 0))
        return -1;
    *kind = k;
    return 0;
}

const char *ratio_phrase(double cand_over_ref, enum ratio_kind kind, char *buf, size_t cap)
{
    const char *more = kind == RATIO_TIME ? "slower" : "more memory";
    const char *less = kind == RATIO_TIME ? "faster" : "less memory";
    const char *same = kind == RATIO_TIME ? "about as fast as" : "about as much memory as";
    double r = cand_over_ref;

    if (kind == RATIO_UNKNOWN || !(r > 0)) {
        snprintf(buf, cap, "%.2fx the reference", r);
    } else if (r >= 0.95 && r <= 1.05) {
        snprintf(buf, cap, "%s the reference", same);
    } else if (r > 1) {
        snprintf(buf, cap, "%.*fx %s than the reference", r < 10 ? 2 : 1, r, more);
    } else {
        snprintf(buf, cap, "%.*fx %s than the reference", 1 / r < 10 ? 2 : 1, 1 / r, less);
    }
    return buf;
}
