/*
 * similarity.c - see similarity.h.
 *
 * The tokeniser is a forgiving subset of Python's: it never fails, since
 * it reads students' files, broken ones included.
 */
#include "similarity.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define TOKENS_MAX 200000 /* 1 MiB of code is far fewer tokens */

/* Words kept as themselves: the shape of the code. */
static const char *const kept[] = {
    "False", "None",      "True",  "and",    "as",    "assert", "async",      "await",    "break",
    "class", "continue",  "def",   "del",    "elif",  "else",   "except",     "finally",  "for",
    "from",  "global",    "if",    "import", "in",    "is",     "lambda",     "nonlocal", "not",
    "or",    "pass",      "raise", "return", "try",   "while",  "with",       "yield",    "len",
    "range", "enumerate", "zip",   "sorted", "sum",   "min",    "max",        "list",     "dict",
    "set",   "tuple",     "str",   "int",    "float", "print",  "isinstance", "iter",     "next",
    "map",   "filter",    "open",  "self",   NULL};

struct tok {
    uint64_t h;
    int line;
};

static uint64_t fnv(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ULL;
    }
    return h;
}

static int is_kept(const char *s, size_t n)
{
    for (const char *const *k = kept; *k != NULL; k++)
        if (strlen(*k) == n && memcmp(*k, s, n) == 0)
            return 1;
    return 0;
}

static size_t tokenise(const char *p, struct tok *out, size_t cap)
{
    size_t n = 0;
    int line = 1;

    while (*p != '\0' && n < cap) {
        if (*p == '\n') {
            line++;
            p++;
        } else if (isspace((unsigned char)*p) || *p == '\\') {
            p++;
        } else if (*p == '#') {
            while (*p != '\0' && *p != '\n')
                p++;
        } else if (*p == '"' || *p == '\'') {
            char q = *p;
            int triple = p[1] == q && p[2] == q, l0 = line;
            p += triple ? 3 : 1;
            while (*p != '\0') {
                if (*p == '\\' && p[1] != '\0') {
                    line += p[1] == '\n';
                    p += 2;
                    continue;
                }
                if (*p == '\n') {
                    line++;
                    if (!triple) {
                        break;
                    }
                }
                if (*p == q && (!triple || (p[1] == q && p[2] == q))) {
                    p += triple ? 3 : 1;
                    break;
                }
                p++;
            }
            out[n].h = fnv("S", 1);
            out[n++].line = l0;
        } else if (isdigit((unsigned char)*p) || (*p == '.' && isdigit((unsigned char)p[1]))) {
            while (isalnum((unsigned char)*p) || *p == '.' || *p == '_')
                p++;
            out[n].h = fnv("N", 1);
            out[n++].line = line;
        } else if (isalpha((unsigned char)*p) || *p == '_' || (unsigned char)*p >= 0x80) {
            const char *s = p;
            while (isalnum((unsigned char)*p) || *p == '_' || (unsigned char)*p >= 0x80)
                p++;
            /* String prefixes (f"", rb'') belong to the string that follows. */
            if ((*p == '"' || *p == '\'') && p - s <= 2)
                continue;
            out[n].h = is_kept(s, (size_t)(p - s)) ? fnv(s, (size_t)(p - s)) : fnv("V", 1);
            out[n++].line = line;
        } else {
            out[n].h = fnv(p, 1);
            out[n++].line = line;
            p++;
        }
    }
    return n;
}

static int cmp_fp(const void *a, const void *b)
{
    uint64_t x = ((const struct sim_fp *)a)->hash, y = ((const struct sim_fp *)b)->hash;
    return x < y ? -1 : x > y;
}

int sim_doc_init(struct sim_doc *d, const char *src)
{
    size_t cap = strlen(src) + 1, nt, ng, w = 0;
    struct tok *t;
    uint64_t *g = NULL;
    long last = -1;

    memset(d, 0, sizeof d[0]);
    if (cap > TOKENS_MAX)
        cap = TOKENS_MAX;
    t = malloc(cap * sizeof *t);
    if (t == NULL)
        return -1;
    nt = tokenise(src, t, cap);
    if (nt < SIM_K) {
        free(t);
        return 0;
    }
    ng = nt - SIM_K + 1;
    g = malloc(ng * sizeof *g);
    d->fp = malloc(ng * sizeof *d->fp);
    if (g == NULL || d->fp == NULL) {
        free(t);
        free(g);
        free(d->fp);
        d->fp = NULL;
        return -1;
    }
    for (size_t i = 0; i < ng; i++) {
        uint64_t h = 1469598103934665603ULL;
        for (size_t k = 0; k < SIM_K; k++)
            h = (h ^ t[i + k].h) * 1099511628211ULL;
        g[i] = h;
    }
    /* Winnowing: in every window of W k-grams keep the rightmost minimum. */
    for (size_t i = 0; i + SIM_W <= ng || (i == 0 && ng > 0); i++) {
        size_t end = i + SIM_W <= ng ? i + SIM_W : ng, m = i;
        for (size_t k = i; k < end; k++)
            if (g[k] <= g[m])
                m = k;
        if ((long)m != last) {
            d->fp[w].hash = g[m];
            d->fp[w].line_first = t[m].line;
            d->fp[w].line_last = t[m + SIM_K - 1].line;
            w++;
            last = (long)m;
        }
        if (end == ng)
            break;
    }
    qsort(d->fp, w, sizeof *d->fp, cmp_fp);
    d->n = 0;
    for (size_t i = 0; i < w; i++)
        if (d->n == 0 || d->fp[d->n - 1].hash != d->fp[i].hash)
            d->fp[d->n++] = d->fp[i];
    free(g);
    free(t);
    return 0;
}

void sim_doc_free(struct sim_doc *d)
{
    free(d->fp);
    d->fp = NULL;
    d->n = 0;
}

static int has(const struct sim_doc *d, uint64_t h)
{
    size_t lo = 0, hi = d->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (d->fp[mid].hash < h)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < d->n && d->fp[lo].hash == h;
}

void sim_doc_subtract(struct sim_doc *d, const struct sim_doc *common)
{
    size_t w = 0;
    for (size_t i = 0; i < d->n; i++)
        if (!has(common, d->fp[i].hash))
            d->fp[w++] = d->fp[i];
    d->n = w;
}

double sim_score(const struct sim_doc *a, const struct sim_doc *b, size_t *shared)
{
    size_t i = 0, j = 0, both = 0;

    while (i < a->n && j < b->n) {
        if (a->fp[i].hash == b->fp[j].hash) {
            both++;
            i++;
            j++;
        } else if (a->fp[i].hash < b->fp[j].hash) {
            i++;
        } else {
            j++;
        }
    }
    *shared = both;
    return a->n + b->n - both > 0 && a->n > 0 && b->n > 0
               ? (double)both / (double)(a->n + b->n - both)
               : 0;
}

void sim_shared_lines(const struct sim_doc *a, const struct sim_doc *b, unsigned char *lines,
                      size_t nlines)
{
    for (size_t i = 0; i < a->n; i++) {
        if (!has(b, a->fp[i].hash))
            continue;
        for (int l = a->fp[i].line_first; l <= a->fp[i].line_last; l++)
            if (l >= 1 && (size_t)l <= nlines)
                lines[l - 1] = 1;
    }
}
