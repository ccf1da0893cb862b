/*
 * rubric.c - see rubric.h: parsing an exercise's rubric and compiling its
 * phrases for the offline scorer (matcher.h).
 *
 * The rubric JSON format is documented in docs/exercise-format.md.
 */
#include "rubric.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc.h"
#include "matcher.h"
#include "synonym.h"

/* Limits on a rubric, so a malformed exercise cannot make scoring quadratic
 * in something unbounded; real rubrics use a fraction of each. */
#define RUBRIC_POINTS_MAX 32
#define RUBRIC_MISC_MAX 32
#define RUBRIC_VARIANTS_MAX 8
#define RUBRIC_GROUPS_MAX 8
#define RUBRIC_ALTS_MAX 128
#define RUBRIC_PHRASE_WORDS_MAX 8

/* The cleanups leave what they release empty, so that an error path that
 * already cleaned up a part and the rubric's final free never release it
 * twice (found by fuzz_exercise). */
static void phrase_cleanup(struct phrase *p)
{
    free(p->w);
    p->w = NULL;
}

static void group_cleanup(struct group *g)
{
    for (size_t i = 0; g->alt != NULL && i < g->nalt; i++)
        phrase_cleanup(&g->alt[i]);
    free(g->alt);
    g->alt = NULL;
    g->nalt = 0;
}

static void concept_cleanup(struct concept *c)
{
    for (size_t v = 0; c->var != NULL && v < c->nvar; v++) {
        for (size_t g = 0; c->var[v].g != NULL && g < c->var[v].ng; g++)
            group_cleanup(&c->var[v].g[g]);
        free(c->var[v].g);
        c->var[v].g = NULL;
        c->var[v].ng = 0;
    }
    free(c->var);
    c->var = NULL;
    c->nvar = 0;
}

static void offline_free(struct offline *o, size_t npoints, size_t nmisc)
{
    if (o == NULL)
        return;
    for (size_t i = 0; o->pts != NULL && i < npoints; i++)
        concept_cleanup(&o->pts[i]);
    for (size_t i = 0; o->rivals != NULL && i < npoints; i++) {
        group_cleanup(&o->rivals[i].subjects);
        group_cleanup(&o->rivals[i].unless);
        for (size_t k = 0; k < o->rivals[i].claims.ng; k++)
            group_cleanup(&o->rivals[i].claims.g[k]);
        free(o->rivals[i].claims.g);
    }
    free(o->rivals);
    for (size_t i = 0; o->mis != NULL && i < nmisc; i++) {
        concept_cleanup(&o->mis[i].c);
        group_cleanup(&o->mis[i].unless);
    }
    group_cleanup(&o->topic);
    free(o->pts);
    free(o->mis);
    free(o);
}

void rubric_free(struct rubric *r)
{
    if (r == NULL)
        return;
    offline_free(r->offline, r->npoints, r->nmisconceptions);
    for (size_t i = 0; r->points != NULL && i < r->npoints; i++) {
        free(r->points[i].id);
        free(r->points[i].text);
    }
    for (size_t i = 0; r->misconceptions != NULL && i < r->nmisconceptions; i++) {
        free(r->misconceptions[i].id);
        free(r->misconceptions[i].text);
        free(r->misconceptions[i].correction);
    }
    free(r->points);
    free(r->misconceptions);
    free(r);
}

/* Compile one phrase string with the answer's own tokenizer, so both sides
 * are normalised the same way.  `field` names it in messages. */
static enum ph_rc compile_phrase(const char *src, const char *where, const char *field,
                                 struct phrase *out, struct ph_err *err)
{
    struct doc d = {0};
    enum ph_rc rc;

    memset(out, 0, sizeof *out);
    rc = doc_sanitize(&d, src, strlen(src));
    if (rc == PH_OK)
        rc = doc_tokenize(&d);
    if (rc != PH_OK) {
        rc = ph_errf(err, PH_ENOMEM, "%s: %s: out of memory", where, field);
        goto out;
    }
    doc_mark_negators(&d);
    if (d.ntok == 0 || d.ntok > RUBRIC_PHRASE_WORDS_MAX) {
        rc = ph_errf(err, PH_EINPUT, "%s: %s: a phrase needs 1 to %d words, \"%s\" has %zu", where,
                     field, RUBRIC_PHRASE_WORDS_MAX, src, d.ntok);
        goto out;
    }
    out->w = calloc(d.ntok, sizeof *out->w);
    if (out->w == NULL) {
        rc = ph_errf(err, PH_ENOMEM, "%s: %s: out of memory", where, field);
        goto out;
    }
    out->n = d.ntok;
    for (size_t i = 0; i < d.ntok; i++) {
        const struct token *t = &d.tok[i];
        struct pword *w = &out->w[i];
        snprintf(w->s, sizeof w->s, "%s", t->stem);
        snprintf(w->raw, sizeof w->raw, "%s", t->raw);
        w->hash = doc_hash(w->s);
        w->syn = synonym_class(w->s);
        /* A '*' right after a word makes it a prefix ("serializ*"). */
        w->prefix = t->end < d.len && d.text[t->end] == '*';
        if (t->neg)
            out->has_neg = 1;
    }
    rc = PH_OK;
out:
    doc_cleanup(&d);
    return rc;
}

static enum ph_rc parse_group(const cJSON *arr, const char *where, const char *field,
                              struct group *out, struct ph_err *err)
{
    char sub[256];
    size_t n;
    enum ph_rc rc = PH_EINPUT;

    memset(out, 0, sizeof *out);
    if (!cJSON_IsArray(arr) || cJSON_GetArraySize(arr) < 1) {
        return ph_errf(err, PH_EINPUT, "%s: %s: expected a non-empty array of phrases", where,
                       field);
    }
    n = (size_t)cJSON_GetArraySize(arr);
    if (n > RUBRIC_ALTS_MAX)
        return ph_errf(err, PH_ELIMIT, "%s: %s: more than %d phrases", where, field,
                       RUBRIC_ALTS_MAX);
    out->alt = calloc(n, sizeof *out->alt);
    if (out->alt == NULL)
        return ph_errf(err, PH_ENOMEM, "%s: %s: out of memory", where, field);
    for (size_t i = 0; i < n; i++) {
        const cJSON *s = cJSON_GetArrayItem(arr, (int)i);
        snprintf(sub, sizeof sub, "%s[%zu]", field, i);
        if (!cJSON_IsString(s)) {
            rc = ph_errf(err, PH_EINPUT, "%s: %s: expected a string", where, sub);
            goto out;
        }
        rc = compile_phrase(s->valuestring, where, sub, &out->alt[i], err);
        if (rc != PH_OK)
            goto out;
        out->nalt++;
    }
    rc = PH_OK;
out:
    if (rc != PH_OK)
        group_cleanup(out);
    return rc;
}

static enum ph_rc parse_pattern(const cJSON *arr, const char *where, const char *field,
                                struct pattern *out, struct ph_err *err)
{
    char sub[256];
    size_t n;
    enum ph_rc rc = PH_EINPUT;

    memset(out, 0, sizeof *out);
    if (!cJSON_IsArray(arr) || cJSON_GetArraySize(arr) < 1)
        return ph_errf(err, PH_EINPUT,
                       "%s: %s: expected a non-empty array of groups (arrays of phrases)", where,
                       field);
    n = (size_t)cJSON_GetArraySize(arr);
    if (n > RUBRIC_GROUPS_MAX)
        return ph_errf(err, PH_ELIMIT, "%s: %s: more than %d groups", where, field,
                       RUBRIC_GROUPS_MAX);
    out->g = calloc(n, sizeof *out->g);
    if (out->g == NULL)
        return ph_errf(err, PH_ENOMEM, "%s: %s: out of memory", where, field);
    for (size_t i = 0; i < n; i++) {
        snprintf(sub, sizeof sub, "%s[%zu]", field, i);
        rc = parse_group(cJSON_GetArrayItem(arr, (int)i), where, sub, &out->g[i], err);
        if (rc != PH_OK)
            goto out;
        out->ng++;
    }
    rc = PH_OK;
out:
    if (rc != PH_OK) {
        for (size_t i = 0; i < out->ng; i++)
            group_cleanup(&out->g[i]);
        free(out->g);
        memset(out, 0, sizeof *out);
    }
    return rc;
}

/* "concepts" (one pattern), "variants" (more patterns) and "scope" of the
 * object at `field`.  `required`: the object must give at least one pattern. */
static enum ph_rc parse_concept(const cJSON *obj, const char *where, const char *field,
                                enum scope dflt, int required, struct concept *out,
                                struct ph_err *err)
{
    const cJSON *concepts = cJSON_GetObjectItemCaseSensitive(obj, "concepts");
    const cJSON *variants = cJSON_GetObjectItemCaseSensitive(obj, "variants");
    const cJSON *scope = cJSON_GetObjectItemCaseSensitive(obj, "scope");
    char sub[256];
    size_t nvar = 0, nv;
    enum ph_rc rc = PH_EINPUT;

    memset(out, 0, sizeof *out);
    out->scope = dflt;
    if (scope != NULL) {
        if (!cJSON_IsString(scope))
            return ph_errf(err, PH_EINPUT, "%s: %s.scope: expected a string", where, field);
        if (strcmp(scope->valuestring, "clause") == 0)
            out->scope = SCOPE_CLAUSE;
        else if (strcmp(scope->valuestring, "sentence") == 0)
            out->scope = SCOPE_SENTENCE;
        else if (strcmp(scope->valuestring, "pair") == 0)
            out->scope = SCOPE_PAIR;
        else
            return ph_errf(err, PH_EINPUT,
                           "%s: %s.scope: \"%s\" is not one of clause, sentence, pair", where,
                           field, scope->valuestring);
    }
    if (concepts != NULL)
        nvar++;
    if (variants != NULL) {
        if (!cJSON_IsArray(variants))
            return ph_errf(err, PH_EINPUT, "%s: %s.variants: expected an array of concept lists",
                           where, field);
        nvar += (size_t)cJSON_GetArraySize(variants);
    }
    if (nvar == 0) {
        if (!required)
            return PH_OK;
        return ph_errf(err, PH_EINPUT,
                       "%s: %s.concepts: missing (the offline scorer needs the groups of "
                       "phrases that express this point)",
                       where, field);
    }
    if (nvar > RUBRIC_VARIANTS_MAX)
        return ph_errf(err, PH_ELIMIT, "%s: %s.variants: more than %d", where, field,
                       RUBRIC_VARIANTS_MAX);
    out->var = calloc(nvar, sizeof *out->var);
    if (out->var == NULL)
        return ph_errf(err, PH_ENOMEM, "%s: %s: out of memory", where, field);
    if (concepts != NULL) {
        snprintf(sub, sizeof sub, "%s.concepts", field);
        rc = parse_pattern(concepts, where, sub, &out->var[out->nvar], err);
        if (rc != PH_OK)
            goto out;
        out->nvar++;
    }
    nv = variants != NULL ? (size_t)cJSON_GetArraySize(variants) : 0;
    for (size_t i = 0; i < nv; i++) {
        snprintf(sub, sizeof sub, "%s.variants[%zu]", field, i);
        rc = parse_pattern(cJSON_GetArrayItem(variants, (int)i), where, sub, &out->var[out->nvar],
                           err);
        if (rc != PH_OK)
            goto out;
        out->nvar++;
    }
    rc = PH_OK;
out:
    if (rc != PH_OK) {
        concept_cleanup(out);
        memset(out, 0, sizeof *out);
    }
    return rc;
}

static enum ph_rc get_string(const cJSON *obj, const char *key, const char *where,
                             const char *field, char **out, struct ph_err *err)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

    if (v == NULL)
        return ph_errf(err, PH_EINPUT, "%s: %s.%s: missing", where, field, key);
    if (!cJSON_IsString(v) || v->valuestring[0] == '\0')
        return ph_errf(err, PH_EINPUT, "%s: %s.%s: expected a non-empty string", where, field, key);
    *out = strdup(v->valuestring);
    if (*out == NULL)
        return ph_errf(err, PH_ENOMEM, "%s: %s.%s: out of memory", where, field, key);
    return PH_OK;
}

static enum ph_rc get_number(const cJSON *obj, const char *key, const char *where,
                             const char *field, double lo, double hi, double *out,
                             struct ph_err *err)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

    if (v == NULL)
        return ph_errf(err, PH_EINPUT, "%s: %s.%s: missing", where, field, key);
    if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) || v->valuedouble <= lo ||
        v->valuedouble > hi)
        return ph_errf(err, PH_EINPUT, "%s: %s.%s: expected a number in (%g, %g]", where, field,
                       key, lo, hi);
    *out = v->valuedouble;
    return PH_OK;
}

static enum ph_rc check_list(const cJSON *node, const char *key, const char *where, int required,
                             size_t maxn, size_t *n, struct ph_err *err)
{
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(node, key);

    *n = 0;
    if (arr == NULL) {
        if (required)
            return ph_errf(err, PH_EINPUT, "%s: rubric.%s: missing", where, key);
        return PH_OK;
    }
    if (!cJSON_IsArray(arr))
        return ph_errf(err, PH_EINPUT, "%s: rubric.%s: expected an array", where, key);
    *n = (size_t)cJSON_GetArraySize(arr);
    if (required && *n == 0)
        return ph_errf(err, PH_EINPUT, "%s: rubric.%s: needs at least one entry", where, key);
    if (*n > maxn)
        return ph_errf(err, PH_ELIMIT, "%s: rubric.%s: more than %zu entries", where, key, maxn);
    return PH_OK;
}

/* A point's "rivals": {"subjects": [phrases], "claims": [groups], "unless":
 * [phrases]} (see matcher_crossed()).  Parts already parsed on a failure are
 * released by offline_free(). */
static enum ph_rc parse_rivals(const cJSON *obj, const char *where, const char *field,
                               struct crossed *out, struct ph_err *err)
{
    char sub[192];
    const cJSON *unless;
    enum ph_rc rc;

    if (!cJSON_IsObject(obj))
        return ph_errf(err, PH_EINPUT,
                       "%s: %s.rivals: expected an object with \"subjects\" and \"claims\"", where,
                       field);
    snprintf(sub, sizeof sub, "%s.rivals.subjects", field);
    rc = parse_group(cJSON_GetObjectItemCaseSensitive(obj, "subjects"), where, sub, &out->subjects,
                     err);
    if (rc != PH_OK)
        return rc;
    snprintf(sub, sizeof sub, "%s.rivals.claims", field);
    rc = parse_pattern(cJSON_GetObjectItemCaseSensitive(obj, "claims"), where, sub, &out->claims,
                       err);
    if (rc != PH_OK)
        return rc;
    unless = cJSON_GetObjectItemCaseSensitive(obj, "unless");
    if (unless == NULL)
        return PH_OK;
    snprintf(sub, sizeof sub, "%s.rivals.unless", field);
    return parse_group(unless, where, sub, &out->unless, err);
}

enum ph_rc rubric_parse(const cJSON *node, const char *where, struct rubric **out,
                        struct ph_err *err)
{
    struct rubric *r = NULL;
    struct offline *off = NULL;
    const cJSON *pts, *mis, *max;
    size_t np = 0, nm = 0;
    char field[128];
    enum ph_rc rc = PH_EINPUT;

    *out = NULL;
    if (where == NULL)
        where = "rubric";
    if (!cJSON_IsObject(node)) {
        rc = ph_errf(err, PH_EINPUT, "%s: rubric: expected an object", where);
        goto out;
    }
    rc = check_list(node, "points", where, 1, RUBRIC_POINTS_MAX, &np, err);
    if (rc != PH_OK)
        goto out;
    rc = check_list(node, "misconceptions", where, 0, RUBRIC_MISC_MAX, &nm, err);
    if (rc != PH_OK)
        goto out;
    pts = cJSON_GetObjectItemCaseSensitive(node, "points");
    mis = cJSON_GetObjectItemCaseSensitive(node, "misconceptions");
    r = calloc(1, sizeof *r);
    off = calloc(1, sizeof *off);
    if (r == NULL || off == NULL) {
        rc = ph_errf(err, PH_ENOMEM, "%s: rubric: out of memory", where);
        goto out;
    }
    r->offline = off;
    r->max = 10.0;
    max = cJSON_GetObjectItemCaseSensitive(node, "max");
    if (max != NULL) {
        rc = get_number(node, "max", where, "rubric", 0.0, 1000.0, &r->max, err);
        if (rc != PH_OK)
            goto out;
    }
    if (cJSON_GetObjectItemCaseSensitive(node, "curve") != NULL) {
        rc = get_number(node, "curve", where, "rubric", 0.0, 1.0, &r->curve, err);
        if (rc != PH_OK)
            goto out;
    }
    r->points = calloc(np, sizeof *r->points);
    off->pts = calloc(np, sizeof *off->pts);
    off->rivals = calloc(np, sizeof *off->rivals);
    r->misconceptions = calloc(nm ? nm : 1, sizeof *r->misconceptions);
    off->mis = calloc(nm ? nm : 1, sizeof *off->mis);
    if (r->points == NULL || off->pts == NULL || off->rivals == NULL || r->misconceptions == NULL ||
        off->mis == NULL) {
        rc = ph_errf(err, PH_ENOMEM, "%s: rubric: out of memory", where);
        goto out;
    }
    if (cJSON_GetObjectItemCaseSensitive(node, "topic") != NULL) {
        rc = parse_group(cJSON_GetObjectItemCaseSensitive(node, "topic"), where, "rubric.topic",
                         &off->topic, err);
        if (rc != PH_OK)
            goto out;
    }
    for (size_t i = 0; i < np; i++) {
        const cJSON *p = cJSON_GetArrayItem(pts, (int)i);
        struct rubric_point *rp = &r->points[i];

        snprintf(field, sizeof field, "rubric.points[%zu]", i);
        r->npoints = i + 1; /* so rubric_free() releases this entry too */
        if (!cJSON_IsObject(p)) {
            rc = ph_errf(err, PH_EINPUT, "%s: %s: expected an object", where, field);
            goto out;
        }
        rc = get_string(p, "id", where, field, &rp->id, err);
        if (rc == PH_OK)
            rc = get_string(p, "text", where, field, &rp->text, err);
        if (rc == PH_OK)
            rc = get_number(p, "weight", where, field, 0.0, 100.0, &rp->weight, err);
        if (rc == PH_OK)
            rc = parse_concept(p, where, field, SCOPE_SENTENCE, 1, &off->pts[i], err);
        if (rc == PH_OK && cJSON_GetObjectItemCaseSensitive(p, "rivals") != NULL)
            rc = parse_rivals(cJSON_GetObjectItemCaseSensitive(p, "rivals"), where, field,
                              &off->rivals[i], err);
        if (rc != PH_OK)
            goto out;
        for (size_t k = 0; k < i; k++) {
            if (strcmp(r->points[k].id, rp->id) == 0) {
                rc = ph_errf(err, PH_EINPUT, "%s: %s.id: \"%s\" is used twice", where, field,
                             rp->id);
                goto out;
            }
        }
    }
    for (size_t i = 0; i < nm; i++) {
        const cJSON *m = cJSON_GetArrayItem(mis, (int)i);
        struct rubric_misconception *rm = &r->misconceptions[i];
        struct off_misc *om = &off->mis[i];
        const cJSON *neg, *unless;

        snprintf(field, sizeof field, "rubric.misconceptions[%zu]", i);
        r->nmisconceptions = i + 1;
        om->negates = -1;
        if (!cJSON_IsObject(m)) {
            rc = ph_errf(err, PH_EINPUT, "%s: %s: expected an object", where, field);
            goto out;
        }
        rc = get_string(m, "id", where, field, &rm->id, err);
        if (rc == PH_OK)
            rc = get_string(m, "text", where, field, &rm->text, err);
        if (rc == PH_OK && cJSON_GetObjectItemCaseSensitive(m, "correction") != NULL)
            rc = get_string(m, "correction", where, field, &rm->correction, err);
        if (rc == PH_OK && cJSON_GetObjectItemCaseSensitive(m, "fundamental") != NULL) {
            const cJSON *o = cJSON_GetObjectItemCaseSensitive(m, "fundamental");
            if (!cJSON_IsBool(o))
                rc = ph_errf(err, PH_EINPUT, "%s: %s.fundamental: expected true or false", where,
                             field);
            rm->fundamental = cJSON_IsTrue(o);
        }
        if (rc == PH_OK && cJSON_GetObjectItemCaseSensitive(m, "ordered") != NULL) {
            const cJSON *o = cJSON_GetObjectItemCaseSensitive(m, "ordered");
            if (!cJSON_IsBool(o))
                rc =
                    ph_errf(err, PH_EINPUT, "%s: %s.ordered: expected true or false", where, field);
            om->ordered = cJSON_IsTrue(o);
        }
        if (rc == PH_OK)
            rc = get_number(m, "penalty", where, field, 0.0, r->max, &rm->penalty, err);
        if (rc == PH_OK)
            rc = parse_concept(m, where, field, SCOPE_CLAUSE, 0, &om->c, err);
        if (rc != PH_OK)
            goto out;
        neg = cJSON_GetObjectItemCaseSensitive(m, "negates");
        if (neg != NULL) {
            if (!cJSON_IsString(neg)) {
                rc = ph_errf(err, PH_EINPUT, "%s: %s.negates: expected a point id", where, field);
                goto out;
            }
            for (size_t k = 0; k < np; k++)
                if (strcmp(r->points[k].id, neg->valuestring) == 0)
                    om->negates = (long)k;
            if (om->negates < 0) {
                rc = ph_errf(err, PH_EINPUT, "%s: %s.negates: no point has id \"%s\"", where, field,
                             neg->valuestring);
                goto out;
            }
        }
        om->by_denial = om->negates >= 0;
        if (rc == PH_OK && cJSON_GetObjectItemCaseSensitive(m, "by_denial") != NULL) {
            const cJSON *o = cJSON_GetObjectItemCaseSensitive(m, "by_denial");
            if (!cJSON_IsBool(o)) {
                rc = ph_errf(err, PH_EINPUT, "%s: %s.by_denial: expected true or false", where,
                             field);
                goto out;
            }
            om->by_denial = om->by_denial && cJSON_IsTrue(o);
        }
        for (size_t k = 0; k < i && om->by_denial; k++)
            if (off->mis[k].by_denial && off->mis[k].negates == om->negates)
                om->by_denial = 0; /* an earlier belief already answers a denial */
        if (om->c.nvar == 0 && om->negates < 0) {
            rc = ph_errf(err, PH_EINPUT,
                         "%s: %s.concepts: missing (give concepts, negates or both)", where, field);
            goto out;
        }
        if (om->c.nvar == 0 && !om->by_denial) {
            rc = ph_errf(err, PH_EINPUT,
                         "%s: %s.concepts: missing (an earlier misconception already answers a "
                         "denial of the point this one negates, so give its own concepts)",
                         where, field);
            goto out;
        }
        unless = cJSON_GetObjectItemCaseSensitive(m, "unless");
        if (unless != NULL) {
            char sub[160];
            snprintf(sub, sizeof sub, "%s.unless", field);
            rc = parse_group(unless, where, sub, &om->unless, err);
            if (rc != PH_OK)
                goto out;
        }
        for (size_t k = 0; k < i; k++) {
            if (strcmp(r->misconceptions[k].id, rm->id) == 0) {
                rc = ph_errf(err, PH_EINPUT, "%s: %s.id: \"%s\" is used twice", where, field,
                             rm->id);
                goto out;
            }
        }
    }
    *out = r;
    r = NULL;
    rc = PH_OK;
out:
    if (r != NULL)
        rubric_free(r);
    else if (rc != PH_OK)
        offline_free(off, 0, 0);
    return rc;
}
