/* compare.c - see compare.h. */
#include "compare.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PATH_CAP 256
#define MAX_DEPTH 200

/* A short rendering of `v` for messages (at most `cap`-1 bytes, "..." when cut). */
static void compare_render(const cJSON *v, char *buf, size_t cap)
{
    char *s = cJSON_PrintUnformatted(v);

    if (cap == 0)
        return;
    if (s == NULL) {
        snprintf(buf, cap, "?");
        return;
    }
    if (strlen(s) < cap) {
        snprintf(buf, cap, "%s", s);
    } else if (cap > 4) {
        memcpy(buf, s, cap - 4);
        memcpy(buf + cap - 4, "...", 4);
    } else {
        buf[0] = '\0';
    }
    free(s);
}

/* Integers up to this magnitude are exact in a double (2^53, rounded down). */
#define EXACT_INT_MAX 9.007e15

/* What a value is, in Python's terms: the types compared strictly. */
enum kind {
    KIND_UNKNOWN,
    KIND_NONE,
    KIND_BOOL,
    KIND_STR,
    KIND_LIST,
    KIND_INT,
    KIND_FLOAT,
    KIND_TUPLE,
    KIND_SET,
    KIND_BYTES,
    KIND_EXCEPTION,
    KIND_OBJECT,
    KIND_DICT,
};

/* How messages name each kind. */
static const char *const kind_names[] = {
    [KIND_UNKNOWN] = "?",   [KIND_NONE] = "None",           [KIND_BOOL] = "bool",
    [KIND_STR] = "str",     [KIND_LIST] = "list",           [KIND_INT] = "int",
    [KIND_FLOAT] = "float", [KIND_TUPLE] = "tuple",         [KIND_SET] = "set",
    [KIND_BYTES] = "bytes", [KIND_EXCEPTION] = "exception", [KIND_OBJECT] = "object",
    [KIND_DICT] = "dict",
};

/* Each tag's key, and the kind of the value it tags. */
static const struct {
    const char *key;
    enum kind kind;
} tags[] = {
    [COMPARE_TAG_NONE] = {NULL, KIND_DICT},       [COMPARE_TAG_TUPLE] = {"$tuple", KIND_TUPLE},
    [COMPARE_TAG_FLOAT] = {"$float", KIND_FLOAT}, [COMPARE_TAG_INT] = {"$int", KIND_INT},
    [COMPARE_TAG_SET] = {"$set", KIND_SET},       [COMPARE_TAG_BYTES] = {"$bytes", KIND_BYTES},
    [COMPARE_TAG_STR0] = {"$str0", KIND_STR},     [COMPARE_TAG_EXC] = {"$exc", KIND_EXCEPTION},
    [COMPARE_TAG_TYPE] = {"$type", KIND_OBJECT},  [COMPARE_TAG_DICT] = {"$dict", KIND_DICT},
};

enum compare_tag compare_tag_of(const cJSON *v)
{
    const char *key;

    if (!cJSON_IsObject(v) || v->child == NULL || v->child->string == NULL)
        return COMPARE_TAG_NONE;
    key = v->child->string;
    if (key[0] != '$')
        return COMPARE_TAG_NONE;
    for (size_t t = COMPARE_TAG_NONE + 1; t < sizeof tags / sizeof tags[0]; t++)
        if (strcmp(key, tags[t].key) == 0)
            return (enum compare_tag)t;
    return COMPARE_TAG_NONE;
}

static enum kind kind(const cJSON *v)
{
    if (cJSON_IsNull(v))
        return KIND_NONE;
    if (cJSON_IsBool(v))
        return KIND_BOOL;
    if (cJSON_IsString(v))
        return KIND_STR;
    if (cJSON_IsArray(v))
        return KIND_LIST;
    if (cJSON_IsNumber(v))
        return v->valuedouble == floor(v->valuedouble) && fabs(v->valuedouble) < EXACT_INT_MAX
                   ? KIND_INT
                   : KIND_FLOAT;
    if (cJSON_IsObject(v)) /* a tagged value has one member; more make a plain dict */
        return v->child != NULL && v->child->next == NULL ? tags[compare_tag_of(v)].kind
                                                          : KIND_DICT;
    return KIND_UNKNOWN;
}

/* A float's value, tagged or not; 0 when `v` is not a float. */
static int float_value(const cJSON *v, double *out)
{
    if (cJSON_IsNumber(v)) {
        *out = v->valuedouble;
        return 1;
    }
    if (compare_tag_of(v) == COMPARE_TAG_FLOAT) {
        const cJSON *x = v->child;
        if (cJSON_IsNumber(x)) {
            *out = x->valuedouble;
            return 1;
        }
        if (cJSON_IsString(x)) {
            if (strcmp(x->valuestring, "nan") == 0)
                *out = NAN;
            else if (strcmp(x->valuestring, "inf") == 0)
                *out = INFINITY;
            else
                *out = -INFINITY;
            return 1;
        }
    }
    return 0;
}

static int floats_close(double a, double b, const struct compare_opts *o)
{
    if (isnan(a) || isnan(b))
        return isnan(a) && isnan(b);
    if (a == b)
        return 1;
    if (isinf(a) || isinf(b))
        return 0;
    return fabs(a - b) <= fmax(o->abs_tol, o->rel_tol * fmax(fabs(a), fabs(b)));
}

static int ignored(const char *key, const struct compare_opts *o)
{
    size_t i;

    for (i = 0; i < o->nignore; i++)
        if (strcmp(key, o->ignore[i]) == 0)
            return 1;
    return 0;
}

struct ctx {
    const struct compare_opts *o;
    int show;
    char *why;
    size_t whycap;
};

static int differ(struct ctx *c, const char *path, const char *what, const cJSON *e, const cJSON *g)
{
    char eb[120], gb[120];

    if (c->show && e != NULL && g != NULL) {
        compare_render(e, eb, sizeof eb);
        compare_render(g, gb, sizeof gb);
        snprintf(c->why, c->whycap, "at %s: %s: expected %s, got %s", path[0] ? path : "top", what,
                 eb, gb);
    } else {
        snprintf(c->why, c->whycap, "at %s: %s", path[0] ? path : "top", what);
    }
    return 0;
}

/* A readable key path: result.count, result[0] (a dict key that is a
 * number, as JSON writes int keys), result["two words"]. */
static void key_path(char *buf, size_t cap, const char *path, const char *key)
{
    const char *k = key;
    int ident = (*k == '_' || isalpha((unsigned char)*k)), digits = isdigit((unsigned char)*k) != 0;

    for (; *k != '\0'; k++) {
        ident = ident && (*k == '_' || isalnum((unsigned char)*k));
        digits = digits && isdigit((unsigned char)*k);
    }
    if (ident)
        snprintf(buf, cap, "%s%s%s", path, path[0] != '\0' ? "." : "", key);
    else if (digits)
        snprintf(buf, cap, "%s[%s]", path, key);
    else
        snprintf(buf, cap, "%s[\"%s\"]", path, key);
}

static int eq(struct ctx *c, const cJSON *e, const cJSON *g, const char *path, int depth);

static int eq_array(struct ctx *c, const cJSON *e, const cJSON *g, const char *path, int depth)
{
    int ne = cJSON_GetArraySize(e), ng = cJSON_GetArraySize(g);
    const cJSON *a, *b;
    char sub[PATH_CAP];
    char what[96];
    int i = 0;

    if (ne != ng) {
        /* A hidden check's expected length is one of its expected values. */
        if (c->show)
            snprintf(what, sizeof what, "length differs (expected %d items, got %d)", ne, ng);
        else
            snprintf(what, sizeof what, "length differs (%d items)", ng);
        return differ(c, path, what, NULL, NULL);
    }
    for (a = e->child, b = g->child; a != NULL && b != NULL; a = a->next, b = b->next, i++) {
        snprintf(sub, sizeof sub, "%s[%d]", path, i);
        if (!eq(c, a, b, sub, depth + 1))
            return 0;
    }
    return 1;
}

/* Sets: every element of one has an equal element of the other (multiset). */
static int eq_set(struct ctx *c, const cJSON *e, const cJSON *g, const char *path, int depth)
{
    int n = cJSON_GetArraySize(e);
    char *used;
    const cJSON *a, *b;
    int i, ok = 1;
    struct ctx quiet = *c;
    char scratch[8];

    if (n != cJSON_GetArraySize(g))
        return differ(c, path, "set sizes differ", NULL, NULL);
    used = calloc((size_t)n + 1, 1);
    if (used == NULL)
        return differ(c, path, "out of memory comparing sets", NULL, NULL);
    quiet.why = scratch;
    quiet.whycap = sizeof scratch;
    for (a = e->child; a != NULL && ok; a = a->next) {
        int found = 0;
        for (b = g->child, i = 0; b != NULL; b = b->next, i++) {
            if (!used[i] && eq(&quiet, a, b, path, depth + 1)) {
                used[i] = 1;
                found = 1;
                break;
            }
        }
        if (!found)
            ok = differ(c, path, "set contents differ", NULL, NULL);
    }
    free(used);
    return ok;
}

static int eq(struct ctx *c, const cJSON *e, const cJSON *g, const char *path, int depth)
{
    enum kind ke = kind(e), kg = kind(g);
    char what[96];

    if (depth > MAX_DEPTH)
        return differ(c, path, "nested too deeply to compare", NULL, NULL);
    if (ke != kg) {
        if (c->show)
            snprintf(what, sizeof what, "type differs (expected %s, got %s)", kind_names[ke],
                     kind_names[kg]);
        else
            snprintf(what, sizeof what, "type differs (got %s)", kind_names[kg]);
        return differ(c, path, what, e, g);
    }
    if (ke == KIND_FLOAT) {
        double a = 0, b = 0;
        float_value(e, &a);
        float_value(g, &b);
        return floats_close(a, b, c->o) ? 1 : differ(c, path, "value differs", e, g);
    }
    if (cJSON_IsNumber(e))
        return e->valuedouble == g->valuedouble ? 1 : differ(c, path, "value differs", e, g);
    if (cJSON_IsNull(e))
        return 1;
    if (cJSON_IsBool(e))
        return cJSON_IsTrue(e) == cJSON_IsTrue(g) ? 1 : differ(c, path, "value differs", e, g);
    if (ke == KIND_STR) {
        /* A plain string and one holding a NUL ({"$str0": hex}) never match. */
        if (cJSON_IsString(e) != cJSON_IsString(g))
            return differ(c, path, "value differs", e, g);
        if (cJSON_IsString(e))
            return strcmp(e->valuestring, g->valuestring) == 0
                       ? 1
                       : differ(c, path, "value differs", e, g);
        return cJSON_Compare(e->child, g->child, 1) ? 1 : differ(c, path, "value differs", e, g);
    }
    if (cJSON_IsArray(e))
        return eq_array(c, e, g, path, depth);
    if (ke == KIND_SET)
        return eq_set(c, e->child, g->child, path, depth);
    if (ke == KIND_TUPLE || ke == KIND_INT || ke == KIND_BYTES || ke == KIND_EXCEPTION ||
        ke == KIND_OBJECT || compare_tag_of(e) == COMPARE_TAG_DICT) {
        /* One tagged member: compare the payloads. */
        if (!cJSON_IsObject(g) || g->child == NULL ||
            strcmp(e->child->string, g->child->string) != 0)
            return differ(c, path, "type differs", e, g);
        if (ke == KIND_TUPLE || ke == KIND_DICT)
            return eq(c, e->child, g->child, path, depth + 1);
        return cJSON_Compare(e->child, g->child, 1) ? 1 : differ(c, path, "value differs", e, g);
    }
    /* A plain dict: the same keys, each value equal. */
    {
        const cJSON *a;
        char sub[PATH_CAP];
        int n_e = 0, n_g = 0;
        for (a = e->child; a != NULL; a = a->next) {
            const cJSON *b;
            if (depth == 0 && ignored(a->string, c->o))
                continue;
            n_e++;
            b = cJSON_GetObjectItemCaseSensitive(g, a->string);
            key_path(sub, sizeof sub, path, a->string);
            if (b == NULL)
                return differ(c, sub, "missing key", NULL, NULL);
            if (!eq(c, a, b, sub, depth + 1))
                return 0;
        }
        for (a = g->child; a != NULL; a = a->next)
            if (!(depth == 0 && ignored(a->string, c->o)))
                n_g++;
        if (n_e != n_g) {
            for (a = g->child; a != NULL; a = a->next)
                if (cJSON_GetObjectItemCaseSensitive(e, a->string) == NULL &&
                    !(depth == 0 && ignored(a->string, c->o))) {
                    key_path(sub, sizeof sub, path, a->string);
                    return differ(c, sub, "unexpected key", NULL, NULL);
                }
            return differ(c, path, "keys differ", NULL, NULL);
        }
        return 1;
    }
}

int compare_json(const cJSON *expected, const cJSON *got, const struct compare_opts *opts,
                 int show_values, char *why, size_t whycap)
{
    struct ctx c = {opts, show_values, why, whycap};

    if (whycap > 0)
        why[0] = '\0';
    if (expected == NULL || got == NULL) {
        snprintf(why, whycap, "missing observation");
        return 0;
    }
    return eq(&c, expected, got, "", 0);
}
