/*
 * cmd_calibrate.c - see cmd_calibrate.h.
 *
 * A graded set is JSON Lines, one answer a line:
 *   {"question": "gil-threads-processes", "answer": "...", "grade": 8,
 *    "lang": "en", "kind": "excellent"}
 * `question` is an exercise id (or folder), `grade` the teacher's 0..10;
 * `lang` and `kind` are optional labels the report breaks figures down by.
 * A line may name the exercise in `exercise` instead, and then `question`
 * may hold the question's text (the form graded sets written from the
 * questions alone come in).
 * Every line is checked before anything is scored, so a typo on line 40 does
 * not cost 39 LLM requests first.
 *
 * Answers the scorer could not read (another language) are left out of
 * Spearman and MAE and counted apart: they carry no score to compare.
 *
 * Spearman's rho is computed on ranks with ties sharing their mean rank: a
 * teacher wants the scorer to order answers as they would; the mean absolute
 * error says how far its numbers are from theirs.
 */
#include "cmd_calibrate.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "bank.h"
#include "cli.h"
#include "err.h"
#include "exercise.h"
#include "explain.h"
#include "explain_score.h"
#include "fileio.h"
#include "paths.h"

/* A graded set is a few hundred answers of a few KiB each. */
#define GRADED_FILE_MAX (32 * 1024 * 1024)
#define GRADED_LINES_MAX 20000
/* Explanations are capped at 64 KiB everywhere. */
#define ANSWER_MAX (64 * 1024)
/* Distinct exercises in one set. */
#define EXERCISES_MAX 256
/* Grade bands of the confusion table: 0-2, 3-4, 5-6, 7-8, 9-10. */
#define NBANDS 5
/* Labels (kinds, languages) broken down in the report. */
#define LABELS_MAX 64
#define WORST_DEFAULT 5
/* Bytes of an answer quoted in the text report. */
#define EXCERPT_MAX 100

static const char usage[] =
    "usage: pyharness calibrate GRADED.jsonl [--scorer offline|llm|auto] [--json]\n"
    "Score answers a teacher graded (JSON Lines: question, answer, grade 0-10, and\n"
    "optional lang and kind) and report how well the scorer agrees: Spearman,\n"
    "mean absolute error, a confusion table by grade band, the worst disagreements.";

struct item {
    char *question;
    char *answer;
    char *lang; /* NULL when the line had none */
    char *kind;
    double grade;
    unsigned line;
    size_t ex; /* index into the exercises loaded */
};

struct set {
    struct item *items;
    size_t n;
    struct exercise *ex[EXERCISES_MAX];
    size_t nex;
};

static void set_cleanup(struct set *s)
{
    for (size_t i = 0; s->items != NULL && i < s->n; i++) {
        free(s->items[i].question);
        free(s->items[i].answer);
        free(s->items[i].lang);
        free(s->items[i].kind);
    }
    free(s->items);
    for (size_t i = 0; i < s->nex; i++)
        exercise_free(s->ex[i]);
    memset(s, 0, sizeof *s);
}

static char *dup_or_null(const cJSON *v)
{
    return cJSON_IsString(v) && v->valuestring[0] != '\0' ? strdup(v->valuestring) : NULL;
}

/* Find or load the exercise `id`; its index in s->ex into *out. */
static enum ph_rc exercise_for(struct set *s, const char *id, const char *where, size_t *out,
                               struct ph_err *err)
{
    char *dir = NULL;
    struct exercise *ex = NULL;
    enum ph_rc rc;

    for (size_t i = 0; i < s->nex; i++) {
        if (strcmp(s->ex[i]->id, id) == 0) {
            *out = i;
            return PH_OK;
        }
    }
    if (s->nex == EXERCISES_MAX)
        return ph_errf(err, PH_ELIMIT, "%s: more than %d different questions in one set", where,
                       EXERCISES_MAX);
    rc = bank_resolve(id, &dir, err); /* the search path, as every command */
    if (rc == PH_OK)
        rc = exercise_load(dir, &ex, err);
    if (rc != PH_OK && rc != PH_ENOMEM) {
        char msg[PH_ERR_MSG_MAX];
        snprintf(msg, sizeof msg, "%s", err->msg);
        ph_err_clear(err);
        rc = ph_errf(err, rc, "%s: \"question\": %s", where, msg);
    }
    if (rc == PH_OK && ex->rubric == NULL)
        rc = ph_errf(err, PH_EINPUT, "%s: question \"%s\" (%s) has no rubric to score against",
                     where, id, ex->json_path);
    if (rc == PH_OK) {
        *out = s->nex;
        s->ex[s->nex++] = ex;
        ex = NULL;
    }
    exercise_free(ex);
    free(dir);
    return rc;
}

static enum ph_rc parse_line(struct set *s, const char *path, unsigned lineno, const char *line,
                             struct ph_err *err)
{
    char where[512];
    cJSON *j = cJSON_Parse(line);
    const cJSON *q, *a, *g;
    struct item *it;
    enum ph_rc rc = PH_EINPUT;

    snprintf(where, sizeof where, "%s:%u", path, lineno);
    if (!cJSON_IsObject(j)) {
        rc = ph_errf(err, PH_EINPUT, "%s: not a JSON object", where);
        goto out;
    }
    q = cJSON_GetObjectItemCaseSensitive(j, "exercise");
    if (q == NULL)
        q = cJSON_GetObjectItemCaseSensitive(j, "question");
    a = cJSON_GetObjectItemCaseSensitive(j, "answer");
    g = cJSON_GetObjectItemCaseSensitive(j, "grade");
    if (!cJSON_IsString(q) || q->valuestring[0] == '\0') {
        rc = ph_errf(err, PH_EINPUT, "%s: \"%s\": expected an exercise id", where,
                     cJSON_GetObjectItemCaseSensitive(j, "exercise") != NULL ? "exercise"
                                                                             : "question");
        goto out;
    }
    if (!cJSON_IsString(a)) {
        rc = ph_errf(err, PH_EINPUT, "%s: \"answer\": expected a string", where);
        goto out;
    }
    if (strlen(a->valuestring) > ANSWER_MAX) {
        rc = ph_errf(err, PH_EINPUT, "%s: \"answer\": longer than 64 KiB", where);
        goto out;
    }
    if (!cJSON_IsNumber(g) || !(g->valuedouble >= 0 && g->valuedouble <= 10)) {
        rc = ph_errf(err, PH_EINPUT, "%s: \"grade\": expected a number from 0 to 10", where);
        goto out;
    }
    it = &s->items[s->n];
    memset(it, 0, sizeof *it);
    it->line = lineno;
    it->grade = g->valuedouble;
    it->question = strdup(q->valuestring);
    it->answer = strdup(a->valuestring);
    it->lang = dup_or_null(cJSON_GetObjectItemCaseSensitive(j, "lang"));
    it->kind = dup_or_null(cJSON_GetObjectItemCaseSensitive(j, "kind"));
    s->n++;
    if (it->question == NULL || it->answer == NULL) {
        rc = ph_errf(err, PH_ENOMEM, "out of memory");
        goto out;
    }
    rc = exercise_for(s, it->question, where, &it->ex, err);
out:
    cJSON_Delete(j);
    return rc;
}

static enum ph_rc load_set(const char *path, struct set *s, struct ph_err *err)
{
    char *text = NULL, *line, *next;
    size_t len = 0, nlines = 1;
    unsigned lineno = 0;
    enum ph_rc rc;

    rc = fileio_read(path, GRADED_FILE_MAX, &text, &len, err);
    if (rc != PH_OK)
        goto out;
    for (size_t i = 0; i < len; i++)
        nlines += text[i] == '\n';
    if (nlines > GRADED_LINES_MAX) {
        rc = ph_errf(err, PH_EINPUT, "%s: more than %d lines", path, GRADED_LINES_MAX);
        goto out;
    }
    s->items = calloc(nlines, sizeof *s->items);
    if (s->items == NULL) {
        rc = ph_errf(err, PH_ENOMEM, "out of memory");
        goto out;
    }
    for (line = text; rc == PH_OK && line != NULL && *line != '\0'; line = next) {
        next = strchr(line, '\n');
        if (next != NULL)
            *next++ = '\0';
        lineno++;
        if (strspn(line, " \t\r") == strlen(line))
            continue;
        rc = parse_line(s, path, lineno, line, err);
    }
    if (rc == PH_OK && s->n < 2)
        rc = ph_errf(err, PH_EINPUT, "%s: a graded set needs at least 2 answers, found %zu", path,
                     s->n);
out:
    free(text);
    return rc;
}

/* ------------------------------------------------------------ statistics */

static void ranks(const double *v, double *r, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        double below = 0, same = 0;
        for (size_t k = 0; k < n; k++) {
            if (v[k] < v[i])
                below++;
            else if (v[k] == v[i])
                same++;
        }
        r[i] = below + (same + 1) / 2.0; /* ties share their mean rank */
    }
}

static double pearson(const double *a, const double *b, size_t n)
{
    double ma = 0, mb = 0, sab = 0, saa = 0, sbb = 0;

    for (size_t i = 0; i < n; i++) {
        ma += a[i];
        mb += b[i];
    }
    ma /= (double)n;
    mb /= (double)n;
    for (size_t i = 0; i < n; i++) {
        sab += (a[i] - ma) * (b[i] - mb);
        saa += (a[i] - ma) * (a[i] - ma);
        sbb += (b[i] - mb) * (b[i] - mb);
    }
    return saa > 0 && sbb > 0 ? sab / sqrt(saa * sbb) : 0.0;
}

/* Spearman's rho and the MAE of the items selected by `sel` (NULL: all). */
struct agreement {
    size_t n;
    double rho, mae;
};

static struct agreement agree(const double *human, const double *ours, const unsigned char *sel,
                              size_t n)
{
    struct agreement a = {0, 0, 0};
    double *h = calloc(n + 1, sizeof *h), *o = calloc(n + 1, sizeof *o);
    double *rh = calloc(n + 1, sizeof *rh), *ro = calloc(n + 1, sizeof *ro);

    if (h == NULL || o == NULL || rh == NULL || ro == NULL)
        goto out;
    for (size_t i = 0; i < n; i++) {
        if (sel != NULL && !sel[i])
            continue;
        h[a.n] = human[i];
        o[a.n] = ours[i];
        a.mae += fabs(human[i] - ours[i]);
        a.n++;
    }
    if (a.n == 0)
        goto out;
    a.mae /= (double)a.n;
    ranks(h, rh, a.n);
    ranks(o, ro, a.n);
    a.rho = a.n >= 2 ? pearson(rh, ro, a.n) : 0.0;
out:
    free(h);
    free(o);
    free(rh);
    free(ro);
    return a;
}

static int band(double g)
{
    static const double upper[NBANDS - 1] = {2.5, 4.5, 6.5, 8.5};
    int b = 0;

    while (b < NBANDS - 1 && g >= upper[b])
        b++;
    return b;
}

static const char *const band_names[NBANDS] = {"0-2", "3-4", "5-6", "7-8", "9-10"};

/* A label (kind or language) and its figures. */
struct label {
    const char *name; /* borrowed from an item */
    size_t n, review, within2;
    double sum_grade, sum_score, max_score, min_score;
};

static void tally_label(struct label *labels, size_t *nl, const char *name, double grade,
                        double score, int review)
{
    struct label *l = NULL;

    if (name == NULL)
        return;
    for (size_t i = 0; i < *nl && l == NULL; i++)
        if (strcmp(labels[i].name, name) == 0)
            l = &labels[i];
    if (l == NULL) {
        if (*nl == LABELS_MAX)
            return;
        l = &labels[(*nl)++];
        memset(l, 0, sizeof *l);
        l->name = name;
        l->min_score = 1e9;
    }
    l->n++;
    l->sum_grade += grade;
    l->sum_score += score;
    l->review += (size_t)(review != 0);
    l->within2 += (size_t)(fabs(grade - score) <= 2.0);
    if (score > l->max_score)
        l->max_score = score;
    if (score < l->min_score)
        l->min_score = score;
}

static int is_english(const struct item *it)
{
    return it->lang == NULL || strcmp(it->lang, "en") == 0;
}

/* ---------------------------------------------------------------- report */

static cJSON *labels_json(const struct label *l, size_t n)
{
    cJSON *o = cJSON_CreateObject();

    for (size_t i = 0; o != NULL && i < n; i++) {
        cJSON *e = cJSON_AddObjectToObject(o, l[i].name);
        if (e == NULL)
            break;
        cJSON_AddNumberToObject(e, "n", (double)l[i].n);
        cJSON_AddNumberToObject(e, "mean_grade", round(l[i].sum_grade / l[i].n * 100) / 100);
        cJSON_AddNumberToObject(e, "mean_score", round(l[i].sum_score / l[i].n * 100) / 100);
        cJSON_AddNumberToObject(e, "max_score", l[i].max_score);
        cJSON_AddNumberToObject(e, "min_score", l[i].min_score);
        cJSON_AddNumberToObject(e, "needs_review", (double)l[i].review);
        cJSON_AddNumberToObject(e, "within_2", (double)l[i].within2);
    }
    return o;
}

static void add_agreement(cJSON *o, const char *name, struct agreement a)
{
    cJSON *e = cJSON_AddObjectToObject(o, name);

    if (e == NULL)
        return;
    cJSON_AddNumberToObject(e, "n", (double)a.n);
    cJSON_AddNumberToObject(e, "spearman", round(a.rho * 1000) / 1000);
    cJSON_AddNumberToObject(e, "mae", round(a.mae * 100) / 100);
}

struct report {
    struct agreement all, en;
    size_t confusion[NBANDS][NBANDS]; /* [grade band][score band] */
    struct label kinds[LABELS_MAX], langs[LABELS_MAX];
    size_t nkinds, nlangs, review, fallback, unscored;
    size_t *order; /* items by |grade - score|, largest first */
};

static int print_json(const char *path, const struct set *s, const struct explain_job *jobs,
                      const struct report *r, size_t worst)
{
    cJSON *o = cJSON_CreateObject(), *conf, *arr;
    char *text = NULL;
    int status = CLI_EXIT_INTERNAL;

    if (o == NULL)
        goto out;
    cJSON_AddStringToObject(o, "file", path);
    cJSON_AddStringToObject(o, "scorer", jobs[0].result.scorer ? jobs[0].result.scorer : "");
    add_agreement(o, "overall", r->all);
    add_agreement(o, "english", r->en);
    cJSON_AddNumberToObject(o, "needs_review", (double)r->review);
    cJSON_AddNumberToObject(o, "fallback", (double)r->fallback);
    cJSON_AddNumberToObject(o, "unscored", (double)r->unscored);
    conf = cJSON_AddObjectToObject(o, "confusion");
    for (int g = 0; conf != NULL && g < NBANDS; g++) {
        cJSON *row = cJSON_AddObjectToObject(conf, band_names[g]);
        for (int b = 0; row != NULL && b < NBANDS; b++)
            cJSON_AddNumberToObject(row, band_names[b], (double)r->confusion[g][b]);
    }
    cJSON_AddItemToObject(o, "kinds", labels_json(r->kinds, r->nkinds));
    cJSON_AddItemToObject(o, "languages", labels_json(r->langs, r->nlangs));
    arr = cJSON_AddArrayToObject(o, "answers");
    for (size_t i = 0; arr != NULL && i < s->n; i++) {
        const struct item *it = &s->items[i];
        const struct explain_result *res = &jobs[i].result;
        cJSON *e = cJSON_CreateObject();
        if (e == NULL || !cJSON_AddItemToArray(arr, e)) {
            cJSON_Delete(e);
            break;
        }
        cJSON_AddNumberToObject(e, "line", it->line);
        cJSON_AddStringToObject(e, "question", it->question);
        if (it->kind != NULL)
            cJSON_AddStringToObject(e, "kind", it->kind);
        if (it->lang != NULL)
            cJSON_AddStringToObject(e, "lang", it->lang);
        cJSON_AddNumberToObject(e, "grade", it->grade);
        cJSON_AddNumberToObject(e, "score", round(res->score * 100) / 100);
        cJSON_AddBoolToObject(e, "scored", !res->unscored);
        cJSON_AddNumberToObject(e, "confidence", round(res->confidence * 100) / 100);
        cJSON_AddBoolToObject(e, "needs_review", res->needs_review);
        if (res->review_reason != NULL)
            cJSON_AddStringToObject(e, "review_reason", res->review_reason);
        cJSON_AddNumberToObject(e, "misconceptions", (double)res->nmisconceptions);
        cJSON_AddStringToObject(e, "feedback", res->feedback ? res->feedback : "");
    }
    arr = cJSON_AddArrayToObject(o, "worst");
    for (size_t k = 0; arr != NULL && k < worst && k < s->n; k++)
        if (!jobs[r->order[k]].result.unscored)
            cJSON_AddItemToArray(arr, cJSON_CreateNumber(s->items[r->order[k]].line));
    text = cJSON_Print(o);
    if (text == NULL)
        goto out;
    puts(text);
    status = CLI_EXIT_OK;
out:
    if (status != CLI_EXIT_OK)
        fprintf(stderr, "pyharness calibrate: out of memory writing JSON\n");
    free(text);
    cJSON_Delete(o);
    return status;
}

static void print_labels(const char *title, const struct label *l, size_t n)
{
    if (n == 0)
        return;
    printf("\n%s:\n  %-16s %4s %10s %10s %6s %6s %7s %7s\n", title, "", "n", "mean grade",
           "mean score", "min", "max", "within2", "review");
    for (size_t i = 0; i < n; i++)
        printf("  %-16s %4zu %10.1f %10.1f %6.1f %6.1f %7zu %7zu\n", l[i].name, l[i].n,
               l[i].sum_grade / l[i].n, l[i].sum_score / l[i].n, l[i].min_score, l[i].max_score,
               l[i].within2, l[i].review);
}

/* The length of the longest prefix of `s` of at most `max` bytes that ends
 * on a character boundary. */
static int utf8_prefix(const char *s, size_t max)
{
    size_t n = strnlen(s, max + 1);

    if (n <= max)
        return (int)n;
    n = max;
    while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
        n--;
    return (int)n;
}

static void print_text(const char *path, const struct set *s, const struct explain_job *jobs,
                       const struct report *r, size_t worst)
{
    printf("%s: %zu answers, scorer %s\n", path, s->n,
           jobs[0].result.scorer ? jobs[0].result.scorer : "?");
    printf("  overall: Spearman %.3f, mean absolute error %.2f (n=%zu scored)\n", r->all.rho,
           r->all.mae, r->all.n);
    if (r->unscored > 0)
        printf("  not scored (a language the scorer cannot read): %zu, each marked needs_review\n",
               r->unscored);
    if (r->en.n != r->all.n && r->en.n > 1)
        printf("  English: Spearman %.3f, mean absolute error %.2f (n=%zu)\n", r->en.rho, r->en.mae,
               r->en.n);
    printf("  marked needs_review: %zu of %zu", r->review, s->n);
    if (r->fallback > 0)
        printf("; offline fallback: %zu", r->fallback);
    printf("\n\nconfusion (rows: teacher's grade band, columns: scorer's):\n  %-6s", "");
    for (int b = 0; b < NBANDS; b++)
        printf("%6s", band_names[b]);
    printf("\n");
    for (int g = 0; g < NBANDS; g++) {
        printf("  %-6s", band_names[g]);
        for (int b = 0; b < NBANDS; b++)
            printf("%6zu", r->confusion[g][b]);
        printf("\n");
    }
    print_labels("by kind", r->kinds, r->nkinds);
    print_labels("by language", r->langs, r->nlangs);
    if (worst > 0)
        printf("\nworst disagreements:\n");
    for (size_t k = 0; k < worst && k < s->n; k++) {
        const struct item *it = &s->items[r->order[k]];
        const struct explain_result *res = &jobs[r->order[k]].result;
        int cut = utf8_prefix(it->answer, EXCERPT_MAX);
        if (res->unscored)
            break; /* sorted last: nothing to compare */
        printf("  line %u, %s%s%s: teacher %.1f, scorer %.1f%s\n    \"%.*s%s\"\n", it->line,
               it->question, it->kind ? ", " : "", it->kind ? it->kind : "", it->grade, res->score,
               res->needs_review ? " (needs review)" : "", cut, it->answer,
               it->answer[cut] != '\0' ? "..." : "");
    }
}

/* qsort_r comparator: indices into the `diff` array, largest first. */
static int by_disagreement(const void *a, const void *b, void *diff)
{
    const double *d = diff;
    double x = d[*(const size_t *)a], y = d[*(const size_t *)b];

    return x < y ? 1 : x > y ? -1 : 0;
}

int cmd_calibrate_main(int argc, char **argv)
{
    const char *scorer = NULL, *fallback = NULL, *exercises = NULL, *worst_s = NULL;
    int json = 0, allow_remote = 0, npos = 0, parsed, status = CLI_EXIT_INTERNAL;
    const struct cli_opt opts_table[] = {
        {"scorer", 0, CLI_VALUE, "NAME", "offline, llm or auto (default offline)", &scorer, NULL},
        {"fallback", 0, CLI_VALUE, "offline",
         "score offline where the LLM gives no usable grade (otherwise exit 1)", &fallback, NULL},
        {"allow-remote", 0, CLI_FLAG, NULL, "let answers go to a remote (non-loopback) LLM", NULL,
         &allow_remote},
        {"exercises", 0, CLI_VALUE, "DIR", "look question ids up in DIR", &exercises, NULL},
        {"worst", 0, CLI_VALUE, "N", "list the N worst disagreements (default 5)", &worst_s, NULL},
        {"json", 0, CLI_FLAG, NULL, "print the report as JSON", NULL, &json},
        {NULL, 0, CLI_FLAG, NULL, NULL, NULL, NULL},
    };
    struct explain_opts eo = {EXPLAIN_OFFLINE, 0, 0, NULL};
    struct set s;
    struct report *r = NULL;
    struct explain_job *jobs = NULL;
    double *human = NULL, *ours = NULL, *diff = NULL;
    unsigned char *en = NULL, *scored = NULL;
    struct ph_err err;
    size_t worst = WORST_DEFAULT, failed = 0;
    enum ph_rc rc;

    memset(&s, 0, sizeof s);
    ph_err_clear(&err);
    parsed = cli_parse(usage, opts_table, argc, argv, &npos);
    if (parsed != CLI_PARSE_OK)
        return cli_parse_status(parsed);
    if (npos != 1)
        return cli_usage("calibrate: takes one GRADED.jsonl file, got %d arguments\n%s", npos,
                         usage);
    if (scorer != NULL && explain_scorer_parse(scorer, &eo.scorer) != 0)
        return cli_usage("calibrate: --scorer %s: expected offline, llm or auto\n%s", scorer,
                         usage);
    if (fallback != NULL && strcmp(fallback, "offline") != 0)
        return cli_usage("calibrate: --fallback %s: the only fallback is offline\n%s", fallback,
                         usage);
    if (worst_s != NULL) {
        char *end = NULL;
        long w = strtol(worst_s, &end, 10);
        if (end == worst_s || *end != '\0' || w < 0 || w > 1000)
            return cli_usage("calibrate: --worst %s: expected a count from 0 to 1000\n%s", worst_s,
                             usage);
        worst = (size_t)w;
    }
    eo.fallback_offline = fallback != NULL || eo.scorer == EXPLAIN_AUTO;
    eo.allow_remote = allow_remote;
    if (exercises != NULL) {
        rc = paths_set_exercises(exercises, &err);
        if (rc != PH_OK)
            goto fail;
    }
    rc = load_set(argv[1], &s, &err);
    if (rc != PH_OK)
        goto fail;

    jobs = calloc(s.n, sizeof *jobs);
    human = calloc(s.n, sizeof *human);
    ours = calloc(s.n, sizeof *ours);
    diff = calloc(s.n, sizeof *diff);
    en = calloc(s.n, 1);
    scored = calloc(s.n, 1);
    r = calloc(1, sizeof *r);
    if (jobs == NULL || human == NULL || ours == NULL || diff == NULL || en == NULL ||
        scored == NULL || r == NULL || (r->order = calloc(s.n, sizeof *r->order)) == NULL) {
        rc = ph_errf(&err, PH_ENOMEM, "out of memory");
        goto fail;
    }
    for (size_t i = 0; i < s.n; i++) {
        jobs[i].ex = s.ex[s.items[i].ex];
        jobs[i].answer = s.items[i].answer;
        jobs[i].source = s.items[i].question;
    }
    rc = explain_score_batch(jobs, s.n, &eo, &err);
    for (size_t i = 0; i < s.n; i++) {
        if (jobs[i].rc != PH_OK) {
            fprintf(stderr, "pyharness calibrate: %s:%u: %s\n", argv[1], s.items[i].line,
                    jobs[i].err.msg);
            failed++;
        }
    }
    if (rc != PH_OK && failed == 0)
        goto fail;
    if (failed > 0) {
        fprintf(stderr,
                "pyharness calibrate: %zu of %zu answers got no usable grade; nothing reported "
                "(--fallback offline scores them offline instead)\n",
                failed, s.n);
        status = rc == PH_ENET || rc == PH_EPROTO ? CLI_EXIT_NOT_PASSED : cli_exit_status(rc);
        goto out;
    }
    for (size_t i = 0; i < s.n; i++) {
        const struct explain_result *res = &jobs[i].result;
        human[i] = s.items[i].grade;
        ours[i] = res->max > 0 ? res->score * 10.0 / res->max : res->score;
        diff[i] = res->unscored ? -1.0 : fabs(human[i] - ours[i]); /* unscored: not listed */
        scored[i] = !res->unscored;
        en[i] = (unsigned char)(is_english(&s.items[i]) && scored[i]);
        r->unscored += (size_t)(res->unscored != 0);
        r->confusion[band(human[i])][band(ours[i])]++;
        r->review += (size_t)(res->needs_review != 0);
        r->fallback += (size_t)(res->fallback != 0);
        tally_label(r->kinds, &r->nkinds, s.items[i].kind, human[i], ours[i], res->needs_review);
        tally_label(r->langs, &r->nlangs, s.items[i].lang, human[i], ours[i], res->needs_review);
        r->order[i] = i;
    }
    r->all = agree(human, ours, scored, s.n);
    r->en = agree(human, ours, en, s.n);
    qsort_r(r->order, s.n, sizeof *r->order, by_disagreement, diff);
    if (json) {
        status = print_json(argv[1], &s, jobs, r, worst);
    } else {
        print_text(argv[1], &s, jobs, r, worst);
        status = CLI_EXIT_OK;
    }
    goto out;
fail:
    status = cli_fail(&err);
out:
    if (fflush(stdout) != 0 && status == CLI_EXIT_OK)
        status = CLI_EXIT_INTERNAL;
    for (size_t i = 0; jobs != NULL && i < s.n; i++)
        explain_result_cleanup(&jobs[i].result);
    if (r != NULL)
        free(r->order);
    free(r);
    free(jobs);
    free(human);
    free(ours);
    free(diff);
    free(en);
    free(scored);
    set_cleanup(&s);
    return status;
}
