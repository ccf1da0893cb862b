/*
 * compare.h - type-strict comparison of observations, in the supervisor.
 *
 * Observations arrive as JSON written by the worker's C serialiser, which
 * tags what plain JSON would blur: {"$tuple": [...]}, {"$float": 2.0} for an
 * integral float, {"$int": "..."} past 2^53, {"$set": [...]}, {"$bytes": hex},
 * {"$exc": "ValueError"}, {"$type": "mod.Class"} for anything else.  So 1 and
 * 1.0, a list and a tuple, or an object whose __eq__ always says True never
 * compare equal.  Owns nothing.
 */
#ifndef PH_COMPARE_H
#define PH_COMPARE_H

#include <stddef.h>

#include <cjson/cJSON.h>

/* The tags above, as the key of a tagged value's one member. */
enum compare_tag {
    COMPARE_TAG_NONE, /* not an object, or its first key is no tag */
    COMPARE_TAG_TUPLE,
    COMPARE_TAG_FLOAT,
    COMPARE_TAG_INT,
    COMPARE_TAG_SET,
    COMPARE_TAG_BYTES,
    COMPARE_TAG_STR0, /* a str holding a NUL, as hex */
    COMPARE_TAG_EXC,
    COMPARE_TAG_TYPE,
    COMPARE_TAG_DICT, /* a dict whose keys are not all plain strings */
};

/* The tag named by the first member's key of `v` (borrowed, may be NULL);
 * COMPARE_TAG_NONE when `v` is not an object or that key is no tag.  A
 * tagged value has that one member only: callers that need it check. */
enum compare_tag compare_tag_of(const cJSON *v);

struct compare_opts {
    double rel_tol, abs_tol; /* for floats only */
    char *const *ignore;     /* top-level object keys to skip */
    size_t nignore;
};

/*
 * 1 when `got` equals `expected` under `opts`, else 0 and a description of
 * the first difference in `why` ("at [3][1]: expected 5, got 4").  With
 * `show_values` 0 (hidden checks) nothing expected is named, not even a
 * length or a type: only where the first difference is and what was got.
 */
int compare_json(const cJSON *expected, const cJSON *got, const struct compare_opts *opts,
                 int show_values, char *why, size_t whycap);

#endif
