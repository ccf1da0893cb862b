/* rules.c - see rules.h. */
#include "rules.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "fileio.h"
#include "measure.h"
#include "measure_json.h"
#include "ratio.h"

#define RULE_MSG_MAX 1024      /* a rule's failure message, as reports show it */
#define RULE_PATH_STEPS_MAX 16 /* deeper paths are a typo, not a figure */
#define RULE_WHEN_DEPTH_MAX 4  /* "when" inside "when" inside ... */
#define RULE_INDEX_MAX 1000000 /* a larger list index in a path is a typo */
#define RULE_QUOTE_MAX 60      /* characters of a bad placeholder quoted in its error */

static const char *const role_names[RULE_NROLES] = {"cand", "ref", "base", "sys"};

static const struct {
    const char *name;
    enum rule_section section;
} section_names[] = {
    {"obs", RULE_SEC_OBS},       {"metrics", RULE_SEC_METRICS}, {"measure", RULE_SEC_MEASURE},
    {"client", RULE_SEC_CLIENT}, {"monitor", RULE_SEC_MONITOR},
};

static const struct {
    const char *name;
    enum rule_unit unit;
} unit_names[] = {
    {"num", RULE_UNIT_NUM}, {"bytes", RULE_UNIT_BYTES}, {"mb", RULE_UNIT_MB},
    {"ms", RULE_UNIT_MS},   {"s", RULE_UNIT_S},         {"sec", RULE_UNIT_SEC},
    {"x", RULE_UNIT_X},     {"int", RULE_UNIT_INT},     {"pct", RULE_UNIT_PCT},
    {"vs", RULE_UNIT_VS},
};

static const struct {
    const char *name;
    enum rule_op op;
    const char *symbol;
} op_names[] = {
    {"le", RULE_LE, "<="}, {"lt", RULE_LT, "<"},  {"ge", RULE_GE, ">="},
    {"gt", RULE_GT, ">"},  {"eq", RULE_EQ, "=="}, {"ne", RULE_NE, "!="},
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static char *dupn(const char *s, size_t n)
{
    char *d = malloc(n + 1);

    if (d != NULL) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

/* "<=", "<", ...; static storage. */
static const char *rules_op_symbol(enum rule_op op)
{
    for (size_t i = 0; i < NELEM(op_names); i++)
        if (op_names[i].op == op)
            return op_names[i].symbol;
    assert(0 && "unknown rule op");
    return "?";
}

/* ---- compiling ---- */

static void path_cleanup(struct rule_path *p)
{
    for (size_t i = 0; i < p->nsteps; i++)
        free(p->steps[i].key);
    free(p->steps);
    free(p->text);
    memset(p, 0, sizeof *p);
}

/*
 * A figure is a field measure_figures_to_json() writes: asked of measure_json.c
 * itself, with every optional field turned on, so that the rule language
 * knows a figure the moment measure_json.c reports one.
 */
static int is_figure(const char *s)
{
    struct measure_figures all;
    cJSON *o;
    int found;

    memset(&all, 0, sizeof all);
    all.repeats = 2;          /* the spread: wall_min_ns, ... */
    all.speedup_possible = 1; /* speedup, speedup_possible */
    all.outside = 1;          /* io_read_bytes, inside_wall_ns, ... */
    o = measure_figures_to_json(&all);
    found = o != NULL && cJSON_GetObjectItemCaseSensitive(o, s) != NULL;
    cJSON_Delete(o);
    return found;
}

static long as_index(const char *s)
{
    long v = 0;

    if (*s == '\0')
        return -1;
    for (; *s != '\0'; s++) {
        if (*s < '0' || *s > '9' || v > RULE_INDEX_MAX)
            return -1;
        v = v * 10 + (*s - '0');
    }
    return v;
}

static enum ph_rc compile_path(const char *text, const char *where, const char *ctx,
                               struct rule_path *out, struct ph_err *err)
{
    const char *segs[RULE_PATH_STEPS_MAX + 2];
    size_t lens[RULE_PATH_STEPS_MAX + 2], nseg = 0, i, first;
    const char *p = text;
    enum ph_rc rc = PH_EINPUT;

    memset(out, 0, sizeof *out);
    for (;;) {
        const char *dot = strchr(p, '.');
        size_t n = dot ? (size_t)(dot - p) : strlen(p);

        if (nseg == NELEM(segs))
            return ph_errf(err, PH_EINPUT, "%s: %s: \"%s\" is too deep a path", where, ctx, text);
        if (n == 0)
            return ph_errf(err, PH_EINPUT, "%s: %s: \"%s\" has an empty part", where, ctx, text);
        segs[nseg] = p;
        lens[nseg++] = n;
        if (dot == NULL)
            break;
        p = dot + 1;
    }
    for (i = 0; i < RULE_NROLES; i++)
        if (strlen(role_names[i]) == lens[0] && memcmp(role_names[i], segs[0], lens[0]) == 0)
            break;
    if (i == RULE_NROLES)
        return ph_errf(err, PH_EINPUT,
                       "%s: %s: unknown role \"%.*s\" in \"%s\" (a path starts with cand., "
                       "ref., base. or sys.)",
                       where, ctx, (int)lens[0], segs[0], text);
    out->role = (enum rule_role)i;
    if (out->role == RULE_SYS) {
        if (nseg != 2 || lens[1] != 4 || memcmp(segs[1], "cpus", 4) != 0)
            return ph_errf(err, PH_EINPUT, "%s: %s: unknown figure \"%s\" (sys. has only cpus)",
                           where, ctx, text);
        out->section = RULE_SEC_CPUS;
        first = 2;
    } else {
        if (nseg < 2)
            return ph_errf(err, PH_EINPUT, "%s: %s: \"%s\" names no figure", where, ctx, text);
        for (i = 0; i < NELEM(section_names); i++)
            if (strlen(section_names[i].name) == lens[1] &&
                memcmp(section_names[i].name, segs[1], lens[1]) == 0)
                break;
        if (i == NELEM(section_names))
            return ph_errf(err, PH_EINPUT,
                           "%s: %s: unknown figure \"%.*s\" in \"%s\" (expected obs, metrics, "
                           "measure, client or monitor)",
                           where, ctx, (int)lens[1], segs[1], text);
        out->section = section_names[i].section;
        first = 2;
        switch (out->section) {
        case RULE_SEC_OBS:
            break;
        case RULE_SEC_METRICS:
            if (nseg != 3 || !is_figure(segs[2]))
                return ph_errf(err, PH_EINPUT,
                               "%s: %s: unknown figure in \"%s\" (metrics.FIGURE: wall_ns, "
                               "cpu_ns, py_peak_bytes, ...)",
                               where, ctx, text);
            break;
        case RULE_SEC_MEASURE:
            if (nseg != 4 || !is_figure(segs[3]))
                return ph_errf(err, PH_EINPUT,
                               "%s: %s: unknown figure in \"%s\" (measure.LABEL.FIGURE: "
                               "wall_ns, cpu_ns, py_peak_bytes, ...)",
                               where, ctx, text);
            break;
        case RULE_SEC_CLIENT:
        case RULE_SEC_MONITOR:
            if (nseg != 4)
                return ph_errf(err, PH_EINPUT, "%s: %s: \"%s\" must be %s.LABEL.FIELD", where, ctx,
                               text, section_names[i].name);
            break;
        case RULE_SEC_CPUS:
            assert(0);
            break;
        }
    }
    out->text = dupn(text, strlen(text));
    out->nsteps = nseg - first;
    out->steps = calloc(out->nsteps ? out->nsteps : 1, sizeof *out->steps);
    if (out->text == NULL || out->steps == NULL)
        goto nomem;
    for (i = 0; i < out->nsteps; i++) {
        out->steps[i].key = dupn(segs[first + i], lens[first + i]);
        if (out->steps[i].key == NULL)
            goto nomem;
        out->steps[i].index = as_index(out->steps[i].key);
    }
    return PH_OK;
nomem:
    rc = ph_errf(err, PH_ENOMEM, "out of memory");
    path_cleanup(out);
    return rc;
}

void rules_operand_cleanup(struct rule_operand *o)
{
    if (o == NULL)
        return;
    path_cleanup(&o->path);
    path_cleanup(&o->den);
    path_cleanup(&o->over_num);
    path_cleanup(&o->over_den);
    free(o->text);
    cJSON_Delete(o->literal);
    memset(o, 0, sizeof *o);
}

enum ph_rc rules_compile_operand(const cJSON *json, const char *where, const char *ctx,
                                 struct rule_operand *out, struct ph_err *err)
{
    memset(out, 0, sizeof *out);
    if (json == NULL)
        return ph_errf(err, PH_EINPUT, "%s: %s: missing", where, ctx);
    if (cJSON_IsNumber(json)) {
        out->kind = RULE_OPERAND_NUMBER;
        out->number = json->valuedouble;
        return PH_OK;
    }
    if (cJSON_IsBool(json) || cJSON_IsNull(json)) {
        out->kind = RULE_OPERAND_LITERAL;
        out->literal = cJSON_Duplicate(json, 0);
        return out->literal ? PH_OK : ph_errf(err, PH_ENOMEM, "out of memory");
    }
    if (!cJSON_IsString(json))
        return ph_errf(err, PH_EINPUT, "%s: %s: must be a number or a path string", where, ctx);
    out->kind = RULE_OPERAND_PATH;
    return compile_path(json->valuestring, where, ctx, &out->path, err);
}

/* "A<sep>B" (n characters of s) into two paths. */
static enum ph_rc compile_pair(const char *s, size_t n, const char *sep, const char *where,
                               const char *ctx, struct rule_path *num, struct rule_path *den,
                               struct ph_err *err)
{
    char buf[256];
    char *mid;
    enum ph_rc rc;

    if (n >= sizeof buf)
        return ph_errf(err, PH_EINPUT, "%s: %s: \"%.60s\" is too long", where, ctx, s);
    memcpy(buf, s, n);
    buf[n] = '\0';
    mid = strstr(buf, sep);
    if (mid == NULL)
        return ph_errf(err, PH_EINPUT, "%s: %s: \"%s\" is not a quotient PATH%sPATH", where, ctx,
                       buf, sep);
    *mid = '\0';
    rc = compile_path(buf, where, ctx, num, err);
    if (rc == PH_OK)
        rc = compile_path(mid + strlen(sep), where, ctx, den, err);
    if (rc != PH_OK) {
        path_cleanup(num);
        path_cleanup(den);
    }
    return rc;
}

/*
 * "(A<sep>B)<sep>(C<sep>D)", the ratio of two quotients, into four paths
 * (p[0] / p[1]) / (p[2] / p[3]).  `s` starts with "(".
 */
static enum ph_rc compile_over(const char *s, const char *sep, const char *where, const char *ctx,
                               struct rule_path p[4], struct ph_err *err)
{
    char middle[8];
    const char *mid;
    size_t n = strlen(s);
    enum ph_rc rc;

    snprintf(middle, sizeof middle, ")%s(", sep);
    mid = strstr(s, middle);
    if (s[0] != '(' || n < 2 || s[n - 1] != ')' || mid == NULL ||
        strchr(mid + strlen(middle), '(') != NULL || memchr(s + 1, '(', (size_t)(mid - s - 1)))
        return ph_errf(err, PH_EINPUT,
                       "%s: %s: \"%.*s\": a ratio of two quotients is written "
                       "\"(A%sB)%s(C%sD)\"",
                       where, ctx, RULE_QUOTE_MAX, s, sep, sep, sep);
    rc = compile_pair(s + 1, (size_t)(mid - s - 1), sep, where, ctx, &p[0], &p[1], err);
    if (rc == PH_OK) {
        const char *second = mid + strlen(middle);
        rc = compile_pair(second, (size_t)(s + n - 1 - second), sep, where, ctx, &p[2], &p[3], err);
        if (rc != PH_OK) {
            path_cleanup(&p[0]);
            path_cleanup(&p[1]);
        }
    }
    return rc;
}

enum ph_rc rules_compile_quotient(const cJSON *json, const char *where, const char *ctx,
                                  struct rule_operand *out, struct ph_err *err)
{
    const char *s;
    enum ph_rc rc;

    s = cJSON_IsString(json) ? json->valuestring : NULL;
    if (s == NULL || (s[0] != '(' && strstr(s, " / ") == NULL))
        return rules_compile_operand(json, where, ctx, out, err);
    memset(out, 0, sizeof *out);
    out->kind = RULE_OPERAND_PATH;
    out->has_den = 1;
    out->text = dupn(s, strlen(s));
    if (out->text == NULL)
        return ph_errf(err, PH_ENOMEM, "out of memory");
    if (s[0] == '(') {
        struct rule_path p[4];

        memset(p, 0, sizeof p);
        rc = compile_over(s, " / ", where, ctx, p, err);
        if (rc == PH_OK) {
            out->has_over = 1;
            out->path = p[0];
            out->den = p[1];
            out->over_num = p[2];
            out->over_den = p[3];
        }
    } else {
        rc = compile_pair(s, strlen(s), " / ", where, ctx, &out->path, &out->den, err);
    }
    if (rc != PH_OK)
        rules_operand_cleanup(out);
    return rc;
}

void rules_rule_cleanup(struct rule *r)
{
    if (r == NULL)
        return;
    rules_operand_cleanup(&r->left);
    rules_operand_cleanup(&r->right);
    if (r->when != NULL) {
        rules_rule_cleanup(r->when);
        free(r->when);
    }
    free(r->message);
    memset(r, 0, sizeof *r);
}

static enum ph_rc compile_rule(const cJSON *json, const char *where, const char *ctx, int depth,
                               struct rule *out, struct ph_err *err)
{
    char sub[256];
    const cJSON *op, *it;
    enum ph_rc rc;
    size_t i;

    memset(out, 0, sizeof *out);
    out->scale = 1.0;
    if (!cJSON_IsObject(json))
        return ph_errf(err, PH_EINPUT, "%s: %s: must be an object", where, ctx);
    if (depth > RULE_WHEN_DEPTH_MAX)
        return ph_errf(err, PH_EINPUT, "%s: %s: \"when\" nested too deep", where, ctx);
    snprintf(sub, sizeof sub, "%s.left", ctx);
    rc = rules_compile_quotient(cJSON_GetObjectItemCaseSensitive(json, "left"), where, sub,
                                &out->left, err);
    if (rc != PH_OK)
        goto fail;
    snprintf(sub, sizeof sub, "%s.right", ctx);
    rc = rules_compile_quotient(cJSON_GetObjectItemCaseSensitive(json, "right"), where, sub,
                                &out->right, err);
    if (rc != PH_OK)
        goto fail;
    op = cJSON_GetObjectItemCaseSensitive(json, "op");
    if (!cJSON_IsString(op)) {
        rc = ph_errf(err, PH_EINPUT, "%s: %s.op: missing (le, lt, ge, gt, eq or ne)", where, ctx);
        goto fail;
    }
    for (i = 0; i < NELEM(op_names); i++)
        if (strcmp(op->valuestring, op_names[i].name) == 0)
            break;
    if (i == NELEM(op_names)) {
        rc = ph_errf(err, PH_EINPUT, "%s: %s.op: unknown op \"%s\" (le, lt, ge, gt, eq or ne)",
                     where, ctx, op->valuestring);
        goto fail;
    }
    out->op = op_names[i].op;
    if (out->left.kind == RULE_OPERAND_LITERAL && out->op != RULE_EQ && out->op != RULE_NE) {
        rc = ph_errf(err, PH_EINPUT, "%s: %s.left: true, false and null compare only with eq or ne",
                     where, ctx);
        goto fail;
    }
    it = cJSON_GetObjectItemCaseSensitive(json, "scale");
    if (it != NULL && !cJSON_IsNumber(it)) {
        rc = ph_errf(err, PH_EINPUT, "%s: %s.scale: must be a number", where, ctx);
        goto fail;
    }
    if (it != NULL)
        out->scale = it->valuedouble;
    it = cJSON_GetObjectItemCaseSensitive(json, "plus");
    if (it != NULL && !cJSON_IsNumber(it)) {
        rc = ph_errf(err, PH_EINPUT, "%s: %s.plus: must be a number", where, ctx);
        goto fail;
    }
    if (it != NULL)
        out->plus = it->valuedouble;
    it = cJSON_GetObjectItemCaseSensitive(json, "message");
    if (it != NULL && !cJSON_IsString(it)) {
        rc = ph_errf(err, PH_EINPUT, "%s: %s.message: must be a string", where, ctx);
        goto fail;
    }
    if (it != NULL) {
        out->message = dupn(it->valuestring, strlen(it->valuestring));
        if (out->message == NULL) {
            rc = ph_errf(err, PH_ENOMEM, "out of memory");
            goto fail;
        }
    }
    it = cJSON_GetObjectItemCaseSensitive(json, "when");
    if (it != NULL) {
        out->when = calloc(1, sizeof *out->when);
        if (out->when == NULL) {
            rc = ph_errf(err, PH_ENOMEM, "out of memory");
            goto fail;
        }
        snprintf(sub, sizeof sub, "%s.when", ctx);
        rc = compile_rule(it, where, sub, depth + 1, out->when, err);
        if (rc != PH_OK)
            goto fail;
    }
    return PH_OK;
fail:
    rules_rule_cleanup(out);
    return rc;
}

enum ph_rc rules_compile_rule(const cJSON *json, const char *where, const char *ctx,
                              struct rule *out, struct ph_err *err)
{
    return compile_rule(json, where, ctx, 0, out, err);
}

void rules_lesson_cleanup(struct rule_lesson *l)
{
    if (l == NULL)
        return;
    for (size_t i = 0; i < l->nparts; i++) {
        free(l->parts[i].text);
        path_cleanup(&l->parts[i].num);
        path_cleanup(&l->parts[i].den);
        path_cleanup(&l->parts[i].over_num);
        path_cleanup(&l->parts[i].over_den);
    }
    free(l->parts);
    memset(l, 0, sizeof *l);
}

static enum ph_rc lesson_placeholder(const char *expr, size_t n, const char *where, const char *ctx,
                                     struct rule_lesson_part *part, struct ph_err *err)
{
    char buf[256];
    char *colon, *slash;
    enum ph_rc rc;
    size_t i;

    if (n == 0 || n >= sizeof buf)
        return ph_errf(err, PH_EINPUT, "%s: %s: placeholder \"{%.*s}\" is empty or too long", where,
                       ctx, (int)(n > RULE_QUOTE_MAX ? RULE_QUOTE_MAX : n), expr);
    memcpy(buf, expr, n);
    buf[n] = '\0';
    part->unit = RULE_UNIT_NUM;
    colon = strchr(buf, ':');
    if (colon != NULL) {
        *colon = '\0';
        for (i = 0; i < NELEM(unit_names); i++)
            if (strcmp(colon + 1, unit_names[i].name) == 0)
                break;
        if (i == NELEM(unit_names))
            return ph_errf(err, PH_EINPUT,
                           "%s: %s: unknown unit \"%s\" in \"{%.*s}\" (num, bytes, mb, ms, s, sec, "
                           "x, vs, int or pct)",
                           where, ctx, colon + 1, (int)n, expr);
        part->unit = unit_names[i].unit;
    }
    if (buf[0] == '(') {
        struct rule_path p[4];

        memset(p, 0, sizeof p);
        rc = compile_over(buf, "/", where, ctx, p, err);
        if (rc != PH_OK)
            return rc;
        part->has_den = part->has_over = 1;
        part->num = p[0];
        part->den = p[1];
        part->over_num = p[2];
        part->over_den = p[3];
    } else {
        slash = strchr(buf, '/');
        if (slash != NULL)
            *slash = '\0';
        rc = compile_path(buf, where, ctx, &part->num, err);
        if (rc == PH_OK && slash != NULL) {
            part->has_den = 1;
            rc = compile_path(slash + 1, where, ctx, &part->den, err);
        }
    }
    if (rc == PH_OK && part->unit == RULE_UNIT_VS) {
        struct ratio_pair pair;
        /* "2.30x slower than the reference" needs a candidate figure against
         * the reference's or the baseline's of the same kind. */
        if (!part->has_den || part->has_over ||
            ratio_classify(part->num.text, part->den.text, &pair) != 0)
            return ph_errf(err, PH_EINPUT,
                           "%s: %s: \"{%.*s}\": the unit vs compares a cand. figure with the "
                           "same ref. or base. figure (_ns or _bytes), as {cand.X/ref.X:vs}",
                           where, ctx, (int)n, expr);
    }
    return rc;
}

enum ph_rc rules_compile_lesson(const char *text, const char *where, const char *ctx,
                                struct rule_lesson *out, struct ph_err *err)
{
    const char *p = text;
    size_t cap = 8;
    enum ph_rc rc = PH_OK;

    memset(out, 0, sizeof *out);
    out->parts = calloc(cap, sizeof *out->parts);
    if (out->parts == NULL)
        return ph_errf(err, PH_ENOMEM, "out of memory");
    while (*p != '\0') {
        struct rule_lesson_part *part;
        const char *open = strchr(p, '{');
        const char *close;

        if (out->nparts + 1 >= cap) {
            struct rule_lesson_part *t = realloc(out->parts, 2 * cap * sizeof *t);
            if (t == NULL) {
                rc = ph_errf(err, PH_ENOMEM, "out of memory");
                goto fail;
            }
            memset(t + cap, 0, cap * sizeof *t);
            out->parts = t;
            cap *= 2;
        }
        part = &out->parts[out->nparts];
        if (open != p) {
            size_t n = open ? (size_t)(open - p) : strlen(p);
            part->text = dupn(p, n);
            if (part->text == NULL) {
                rc = ph_errf(err, PH_ENOMEM, "out of memory");
                goto fail;
            }
            out->nparts++;
            p += n;
            continue;
        }
        close = strchr(open, '}');
        if (close == NULL) {
            rc = ph_errf(err, PH_EINPUT, "%s: %s: a \"{\" is never closed", where, ctx);
            goto fail;
        }
        out->nparts++;
        rc = lesson_placeholder(open + 1, (size_t)(close - open - 1), where, ctx, part, err);
        if (rc != PH_OK)
            goto fail;
        p = close + 1;
    }
    return PH_OK;
fail:
    rules_lesson_cleanup(out);
    return rc;
}

/* ---- what a rule reads ---- */

const char *rules_operand_text(const struct rule_operand *o)
{
    if (o->kind != RULE_OPERAND_PATH)
        return NULL;
    return o->has_den && o->text != NULL ? o->text : o->path.text;
}

/* The paths an operand reads, into p (up to 4); how many. */
static size_t operand_paths(const struct rule_operand *o, const struct rule_path *p[4])
{
    size_t n = 0;

    if (o->kind != RULE_OPERAND_PATH)
        return 0;
    p[n++] = &o->path;
    if (o->has_den)
        p[n++] = &o->den;
    if (o->has_over) {
        p[n++] = &o->over_num;
        p[n++] = &o->over_den;
    }
    return n;
}

int rules_operand_reads(const struct rule_operand *o, enum rule_role role)
{
    const struct rule_path *p[4];
    size_t n = operand_paths(o, p);

    for (size_t i = 0; i < n; i++)
        if (p[i]->role == role)
            return 1;
    return 0;
}

int rules_operand_reads_measured(const struct rule_operand *o, enum rule_role role)
{
    const struct rule_path *p[4];
    size_t n = operand_paths(o, p);

    for (size_t i = 0; i < n; i++)
        if (p[i]->role == role && p[i]->section != RULE_SEC_OBS)
            return 1;
    return 0;
}

int rules_rule_reads(const struct rule *r, enum rule_role role)
{
    return rules_operand_reads(&r->left, role) || rules_operand_reads(&r->right, role) ||
           (r->when != NULL && rules_rule_reads(r->when, role));
}

int rules_rule_reads_measured(const struct rule *r, enum rule_role role)
{
    return rules_operand_reads_measured(&r->left, role) ||
           rules_operand_reads_measured(&r->right, role) ||
           (r->when != NULL && rules_rule_reads_measured(r->when, role));
}

static const char *const worker_reported[] = {
    "py_peak_bytes", "py_current_bytes", "py_allocs", "inside_wall_ns", "inside_cpu_ns",
};

static int path_worker_reported(const struct rule_path *p)
{
    const char *last;
    size_t i;

    if (p->section != RULE_SEC_MEASURE && p->section != RULE_SEC_METRICS)
        return 0;
    if (p->nsteps == 0)
        return 0;
    last = p->steps[p->nsteps - 1].key;
    for (i = 0; i < NELEM(worker_reported); i++)
        if (strcmp(last, worker_reported[i]) == 0)
            return 1;
    return 0;
}

static int operand_worker_reported(const struct rule_operand *o)
{
    const struct rule_path *p[4];
    size_t n = operand_paths(o, p);

    for (size_t i = 0; i < n; i++)
        if (path_worker_reported(p[i]))
            return 1;
    return 0;
}

int rules_rule_reads_worker_report(const struct rule *r)
{
    return operand_worker_reported(&r->left) || operand_worker_reported(&r->right);
}

/* ---- resolving ---- */

static const char *section_key(enum rule_section s)
{
    switch (s) {
    case RULE_SEC_OBS:
        return "obs";
    case RULE_SEC_METRICS:
        return "metrics";
    case RULE_SEC_MEASURE:
        return "measures";
    case RULE_SEC_CLIENT:
        return "clients";
    case RULE_SEC_MONITOR:
        return "monitors";
    case RULE_SEC_CPUS:
        break;
    }
    assert(0 && "no key for this section");
    return "";
}

static int is_tuple(const cJSON *node)
{
    return compare_tag_of(node) == COMPARE_TAG_TUPLE;
}

/*
 * The JSON value at `p` (borrowed from the frames, or *scratch, a new node
 * the caller frees with cJSON_Delete, for `len` and sys.cpus), or NULL when
 * the figure is missing.
 */
static const cJSON *rules_resolve(const struct rule_path *p, const struct rule_frames *f,
                                  cJSON **scratch)
{
    const cJSON *node;

    assert(p->role < RULE_NROLES);
    *scratch = NULL;
    if (p->section == RULE_SEC_CPUS) {
        *scratch = cJSON_CreateNumber(f->cpus);
        return *scratch;
    }
    node = f->frame[p->role];
    if (node == NULL)
        return NULL;
    if (p->section == RULE_SEC_OBS || p->section == RULE_SEC_METRICS)
        node = cJSON_GetObjectItemCaseSensitive(node, section_key(p->section));
    else
        node = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(node, "log"),
                                                section_key(p->section));
    for (size_t i = 0; i < p->nsteps && node != NULL; i++) {
        const struct rule_step *s = &p->steps[i];

        if (cJSON_IsArray(node) && s->index >= 0) {
            node = cJSON_GetArrayItem(node, (int)s->index);
        } else if (is_tuple(node) && s->index >= 0) {
            node = cJSON_GetArrayItem(node->child, (int)s->index);
        } else if (strcmp(s->key, "len") == 0 && (cJSON_IsArray(node) || cJSON_IsString(node))) {
            cJSON_Delete(*scratch);
            *scratch = cJSON_CreateNumber(cJSON_IsArray(node) ? cJSON_GetArraySize(node)
                                                              : (double)strlen(node->valuestring));
            node = *scratch;
        } else {
            node = cJSON_GetObjectItemCaseSensitive(node, s->key);
        }
    }
    return node;
}

/* A number, unwrapping {"$float": x}; bools count as 0/1. */
static int as_number(const cJSON *v, double *out)
{
    if (cJSON_IsNumber(v)) {
        *out = v->valuedouble;
        return 0;
    }
    if (cJSON_IsBool(v)) {
        *out = cJSON_IsTrue(v) ? 1.0 : 0.0;
        return 0;
    }
    if (compare_tag_of(v) == COMPARE_TAG_FLOAT && cJSON_IsNumber(v->child)) {
        *out = v->child->valuedouble;
        return 0;
    }
    return -1;
}

static int path_number(const struct rule_path *p, const struct rule_frames *f, double *out)
{
    cJSON *scratch = NULL;
    const cJSON *v = rules_resolve(p, f, &scratch);
    int rc = v != NULL ? as_number(v, out) : -1;

    cJSON_Delete(scratch);
    return rc;
}

int rules_number(const struct rule_operand *o, const struct rule_frames *f, double *out)
{
    switch (o->kind) {
    case RULE_OPERAND_NUMBER:
        *out = o->number;
        return 0;
    case RULE_OPERAND_PATH: {
        double num, den, onum = 1, oden = 1;
        if (!o->has_den)
            return path_number(&o->path, f, out);
        if (path_number(&o->path, f, &num) != 0 || path_number(&o->den, f, &den) != 0 || den == 0)
            return -1;
        if (o->has_over && (path_number(&o->over_num, f, &onum) != 0 ||
                            path_number(&o->over_den, f, &oden) != 0 || onum == 0 || oden == 0))
            return -1;
        *out = (num / den) / (onum / oden);
        return 0;
    }
    case RULE_OPERAND_LITERAL:
        return as_number(o->literal, out);
    }
    return -1;
}

/* ---- formatting ---- */

static void rules_format_value(double v, enum rule_unit unit, char *buf, size_t cap)
{
    switch (unit) {
    case RULE_UNIT_BYTES:
        fileio_human_size(v, buf, cap);
        return;
    case RULE_UNIT_MB:
        snprintf(buf, cap, "%.1f MB", v / 1e6);
        return;
    case RULE_UNIT_MS:
        if (v < 1e6) /* "0.0 ms" says nothing: 840 µs */
            fileio_human_duration(v, buf, cap);
        else
            snprintf(buf, cap, "%.1f ms", v / 1e6);
        return;
    case RULE_UNIT_S:
        snprintf(buf, cap, "%.2f s", v / 1e9);
        return;
    case RULE_UNIT_SEC:
        snprintf(buf, cap, "%.3f s", v);
        return;
    case RULE_UNIT_X:
    case RULE_UNIT_VS: /* without a candidate/reference pair to name */
        snprintf(buf, cap, "%.2fx", v);
        return;
    case RULE_UNIT_INT:
        snprintf(buf, cap, "%.0f", v);
        return;
    case RULE_UNIT_PCT:
        snprintf(buf, cap, "%.0f%%", v * 100);
        return;
    case RULE_UNIT_NUM:
        break;
    }
    if ((v == floor(v) || fabs(v) >= 1000) && fabs(v) < 1e15)
        snprintf(buf, cap, "%.0f", v); /* a count: 1000, not 1e+03 */
    else
        snprintf(buf, cap, "%.3g", v);
}

/* Unit implied by an operand's last field, for messages. */
static enum rule_unit unit_of(const struct rule_operand *o)
{
    const char *last;
    size_t n;

    if (o->kind != RULE_OPERAND_PATH || o->has_den || o->path.nsteps == 0)
        return RULE_UNIT_NUM;
    last = o->path.steps[o->path.nsteps - 1].key;
    n = strlen(last);
    if (n > 3 && strcmp(last + n - 3, "_ns") == 0)
        return RULE_UNIT_MS;
    if (n > 6 && strcmp(last + n - 6, "_bytes") == 0)
        return RULE_UNIT_BYTES;
    return RULE_UNIT_NUM;
}

char *rules_lesson_format(const struct rule_lesson *l, const struct rule_frames *f)
{
    char out[RULE_MSG_MAX];
    size_t o = 0;

    out[0] = '\0';
    for (size_t i = 0; i < l->nparts && o + 1 < sizeof out; i++) {
        const struct rule_lesson_part *part = &l->parts[i];
        char val[64];
        const char *piece = part->text;
        double a, b = 1.0, c = 1.0, d = 1.0;
        struct ratio_pair pair;
        int n;

        if (piece == NULL) {
            if (path_number(&part->num, f, &a) != 0 ||
                (part->has_den && path_number(&part->den, f, &b) != 0))
                return NULL;
            if (part->has_over) {
                /* {(a/b)/(c/d)}: shown as the one quotient a/b' with b' = b*c/d */
                if (path_number(&part->over_num, f, &c) != 0 ||
                    path_number(&part->over_den, f, &d) != 0 || c == 0 || d == 0)
                    return NULL;
                b = b * c / d;
            }
            if (part->has_den && part->unit == RULE_UNIT_VS &&
                ratio_classify(part->num.text, part->den.text, &pair) == 0)
                /* cand/ref or ref/cand: said one way, "2.30x slower than the reference";
                 * a zero figure is said in words. */
                ratio_phrase(pair.cand_on_top ? a : b, pair.cand_on_top ? b : a, pair.kind,
                             ratio_other_name(pair.other), val, sizeof val);
            else if (part->has_den && b == 0)
                return NULL;
            else
                rules_format_value(part->has_den ? a / b : a, part->unit, val, sizeof val);
            piece = val;
        }
        n = snprintf(out + o, sizeof out - o, "%s", piece);
        o = n < 0 ? o : o + (size_t)n;
        if (o >= sizeof out)
            o = sizeof out - 1;
    }
    out[o] = '\0';
    return dupn(out, o);
}

/* ---- evaluating ---- */

static const char *operand_name(const struct rule_operand *o)
{
    if (o->kind != RULE_OPERAND_PATH)
        return "value";
    return o->has_den ? o->text : o->path.text;
}

/* eq/ne on values that are not both numbers: compared as JSON, exactly. */
static int eval_json_equality(const struct rule *r, const struct rule_frames *f, char *why,
                              size_t cap)
{
    cJSON *s1 = NULL, *s2 = NULL;
    const cJSON *a = NULL, *b = NULL;
    struct compare_opts co = {0};
    char tmp[8];
    int same, ok;

    a = r->left.kind == RULE_OPERAND_PATH ? rules_resolve(&r->left.path, f, &s1) : r->left.literal;
    b = r->right.kind == RULE_OPERAND_PATH ? rules_resolve(&r->right.path, f, &s2)
                                           : r->right.literal;
    if (r->right.kind == RULE_OPERAND_NUMBER)
        b = s2 = cJSON_CreateNumber(r->right.number);
    if (a == NULL || b == NULL) {
        snprintf(why, cap, "figure %s is missing",
                 a == NULL ? operand_name(&r->left) : operand_name(&r->right));
        cJSON_Delete(s1);
        cJSON_Delete(s2);
        return -1;
    }
    same = compare_json(b, a, &co, 0, tmp, sizeof tmp);
    cJSON_Delete(s1);
    cJSON_Delete(s2);
    ok = r->op == RULE_EQ ? same : !same;
    if (!ok)
        snprintf(why, cap, "%s", r->message ? r->message : "rule failed");
    return ok;
}

int rules_eval(const struct rule *r, const struct rule_frames *f, char *why, size_t cap)
{
    double l, rv;
    int ok = 0, lbad, rbad;
    char lt[64], rt[64];

    if (r->when != NULL) {
        char tmp[8];
        if (rules_eval(r->when, f, tmp, sizeof tmp) != 1)
            return 1; /* the rule does not apply here */
    }
    lbad = rules_number(&r->left, f, &l) != 0;
    rbad = rules_number(&r->right, f, &rv) != 0;
    if (lbad || rbad) {
        if ((r->op == RULE_EQ || r->op == RULE_NE) && r->left.kind != RULE_OPERAND_NUMBER &&
            !r->left.has_den && !r->right.has_den)
            return eval_json_equality(r, f, why, cap);
        snprintf(why, cap, "figure %s is missing",
                 lbad ? operand_name(&r->left) : operand_name(&r->right));
        return -1;
    }
    rv = rv * r->scale + r->plus;
    switch (r->op) {
    case RULE_LE:
        ok = l <= rv;
        break;
    case RULE_LT:
        ok = l < rv;
        break;
    case RULE_GE:
        ok = l >= rv;
        break;
    case RULE_GT:
        ok = l > rv;
        break;
    case RULE_EQ:
        ok = l == rv;
        break;
    case RULE_NE:
        ok = l != rv;
        break;
    }
    if (!ok) {
        enum rule_unit u = unit_of(&r->left);
        rules_format_value(l, u, lt, sizeof lt);
        rules_format_value(rv, u, rt, sizeof rt);
        snprintf(why, cap, "%s (%s = %s, needed %s %s)", r->message ? r->message : "rule failed",
                 operand_name(&r->left), lt, rules_op_symbol(r->op), rt);
    }
    return ok;
}
