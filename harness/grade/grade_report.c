/*
 * grade_report.c - see grade_report.h.
 *
 * Every file is written to `<name>.tmp` and renamed, so a reader (or a
 * second render after a crash) never sees half a gradebook.  Scores are
 * rounded to 2 decimals once, here, and every output prints the same
 * rounded figures.
 */
#include "grade_report.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "exercise.h"
#include "fileio.h"
#include "grade_run.h"
#include "homework.h"
#include "markup.h"
#include "paths.h"
#include "perf_chart.h"
#include "ratio.h"
#include "similarity.h"
#include "store.h"

#define SIM_THRESHOLD 0.5 /* Jaccard of fingerprints: well above two honest solutions */
#define SIM_MIN_SHARED 6  /* fingerprints in common before a pair means anything */
#define TOP_N 5           /* slowest / most memory-hungry listed */
#define HIST_BINS 10

struct part {
    char *status, *problem, *shard;
    long long wall_ns, cpu_ns, py_peak, rss_peak, submitted_at, grade_ns;
    double total, max, correctness, performance, explanation;
    int flagged, attempts;
    cJSON *result; /* parsed result_json, or NULL */
    char *source;
    double points; /* this part's share of the homework's points */
    /* How many times faster than the reference its measured check ran (the
     * reference's time / its own: 2 is twice as fast, 0.5 half as fast), from
     * the result's performance figures; -1 when the exercise's performance
     * ratio is not a time against the reference's, or none was measured. */
    double speed;
};

struct student {
    char *id;
    struct part **parts; /* one per homework exercise; NULL when never recorded */
    double raw, late_pct, penalty, score, max;
    int days_late;
    long long ts;
};

struct book {
    const struct homework *hw;
    struct student *st;
    size_t n, cap;
    /* The pages' style sheets, reports/grade-feedback.css and
     * grade-summary.css, without their last newline; owned. */
    char *css_feedback, *css_summary;
};

static double r2(double x)
{
    return round(x * 100.0) / 100.0;
}

static char *xstrdup(const char *s)
{
    return s ? strdup(s) : NULL;
}

static void part_free(struct part *p)
{
    if (p == NULL)
        return;
    free(p->status);
    free(p->problem);
    free(p->shard);
    free(p->source);
    cJSON_Delete(p->result);
    free(p);
}

/* The reference's time over the candidate's, from a result's "performance"
 * figures (num/den and the rule paths they came from), or -1. */
static double part_speed(const cJSON *result)
{
    const cJSON *perf = result ? cJSON_GetObjectItemCaseSensitive(result, "performance") : NULL;
    const cJSON *num = cJSON_GetObjectItemCaseSensitive(perf, "num");
    const cJSON *den = cJSON_GetObjectItemCaseSensitive(perf, "den");
    const cJSON *num_of = cJSON_GetObjectItemCaseSensitive(perf, "num_of");
    const cJSON *den_of = cJSON_GetObjectItemCaseSensitive(perf, "den_of");
    struct ratio_pair pair;
    double a, c;

    if (!cJSON_IsNumber(num) || !cJSON_IsNumber(den) || !cJSON_IsString(num_of) ||
        !cJSON_IsString(den_of))
        return -1;
    if (ratio_classify(num_of->valuestring, den_of->valuestring, &pair) != 0 ||
        pair.kind != RATIO_TIME || pair.other != RATIO_REFERENCE)
        return -1;
    a = pair.cand_on_top ? den->valuedouble : num->valuedouble; /* the reference's */
    c = pair.cand_on_top ? num->valuedouble : den->valuedouble; /* the candidate's */
    if (!(a > 0) || !(c > 0) || !isfinite(a / c))
        return -1;
    return a / c;
}

static enum ph_rc collect(const struct store_grade_row *row, void *arg, struct ph_err *err)
{
    struct book *b = arg;
    const struct homework *hw = b->hw;
    struct student *s;
    struct part *p;
    size_t k;

    for (k = 0; k < hw->nex; k++)
        if (strcmp(hw->ex[k].id, row->exercise) == 0)
            break;
    if (k == hw->nex)
        return PH_OK; /* an exercise no longer in the assignment */
    if (b->n == 0 || strcmp(b->st[b->n - 1].id, row->student) != 0) {
        if (b->n == b->cap) {
            size_t cap = b->cap ? b->cap * 2 : 64;
            struct student *ns = realloc(b->st, cap * sizeof *ns);
            if (ns == NULL)
                return ph_errf(err, PH_ENOMEM, "out of memory");
            b->st = ns;
            b->cap = cap;
        }
        s = &b->st[b->n];
        memset(s, 0, sizeof *s);
        s->id = strdup(row->student);
        s->parts = calloc(hw->nex, sizeof *s->parts);
        b->n++;
        if (s->id == NULL || s->parts == NULL)
            return ph_errf(err, PH_ENOMEM, "out of memory");
    }
    s = &b->st[b->n - 1];
    p = calloc(1, sizeof *p);
    if (p == NULL)
        return ph_errf(err, PH_ENOMEM, "out of memory");
    p->status = xstrdup(row->status);
    p->problem = xstrdup(row->problem);
    p->shard = xstrdup(row->shard);
    p->source = xstrdup(row->source);
    p->wall_ns = row->wall_ns;
    p->cpu_ns = row->cpu_ns;
    p->py_peak = row->py_peak_bytes;
    p->rss_peak = row->rss_peak_bytes;
    p->submitted_at = row->submitted_at;
    p->grade_ns = row->grade_ns;
    p->total = row->total;
    p->max = row->max;
    p->correctness = row->correctness;
    p->performance = row->performance;
    p->explanation = row->explanation;
    p->flagged = row->flagged;
    p->attempts = row->attempts;
    p->result = row->result_json ? cJSON_Parse(row->result_json) : NULL;
    p->points = row->max > 0 ? r2(hw->ex[k].points * row->total / row->max) : 0;
    p->speed = part_speed(p->result);
    part_free(s->parts[k]);
    s->parts[k] = p;
    return PH_OK;
}

static void book_totals(struct book *b)
{
    const struct homework *hw = b->hw;

    for (size_t i = 0; i < b->n; i++) {
        struct student *s = &b->st[i];
        s->raw = 0;
        s->max = 0;
        s->ts = 0;
        for (size_t k = 0; k < hw->nex; k++) {
            s->max += hw->ex[k].points;
            if (s->parts[k] == NULL)
                continue;
            s->raw += s->parts[k]->points;
            if (s->parts[k]->submitted_at > s->ts)
                s->ts = s->parts[k]->submitted_at;
        }
        s->raw = r2(s->raw);
        s->max = r2(s->max);
        s->late_pct = homework_late_percent(hw, s->ts, &s->days_late);
        s->penalty = r2(s->raw * s->late_pct / 100.0);
        s->score = r2(s->raw - s->penalty);
    }
}

static void book_free(struct book *b)
{
    for (size_t i = 0; i < b->n; i++) {
        for (size_t k = 0; k < b->hw->nex; k++)
            part_free(b->st[i].parts ? b->st[i].parts[k] : NULL);
        free(b->st[i].parts);
        free(b->st[i].id);
    }
    free(b->st);
    free(b->css_feedback);
    free(b->css_summary);
}

/* ---- output helpers ---------------------------------------------------------- */

struct out {
    FILE *f;
    char path[PATH_MAX], tmp[PATH_MAX + 8];
};

static enum ph_rc out_open(struct out *o, const char *dir, const char *name, struct ph_err *err)
{
    snprintf(o->path, sizeof o->path, "%s/%s", dir, name);
    snprintf(o->tmp, sizeof o->tmp, "%s.tmp", o->path);
    o->f = fopen(o->tmp, "w");
    if (o->f == NULL)
        return ph_errf(err, PH_EIO, "%s: cannot write: %s", o->tmp, strerror(errno));
    return PH_OK;
}

static enum ph_rc out_close(struct out *o, struct ph_err *err)
{
    int bad = ferror(o->f);

    if (fclose(o->f) != 0 || bad) {
        (void)unlink(o->tmp);
        return ph_errf(err, PH_EIO, "%s: write failed", o->tmp);
    }
    if (rename(o->tmp, o->path) != 0)
        return ph_errf(err, PH_EIO, "%s: cannot rename: %s", o->path, strerror(errno));
    return PH_OK;
}

static void csv_field(FILE *f, const char *s)
{
    /* A leading = + - @ would be a formula in a spreadsheet: quote it away. */
    int risky = s[0] == '=' || s[0] == '+' || s[0] == '@' ||
                (s[0] == '-' && s[1] != '\0' && !(s[1] >= '0' && s[1] <= '9'));
    fputc('"', f);
    if (risky)
        fputc('\'', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

static void html_esc(FILE *f, const char *s)
{
    markup_escape(f, s, 0);
}

/* ---- HTML tables: the one writer of every table on the feedback and summary pages ---- */

/* Open a table of class `cls` (or none) with its header cells, NULL-ended. */
static void html_table(FILE *f, const char *cls, ...)
{
    va_list ap;
    const char *h;

    fputs("<table", f);
    if (cls != NULL)
        fprintf(f, " class=\"%s\"", cls);
    fputs("><tr>", f);
    va_start(ap, cls);
    while ((h = va_arg(ap, const char *)) != NULL) {
        fputs("<th>", f);
        html_esc(f, h);
        fputs("</th>", f);
    }
    va_end(ap);
    fputs("</tr>\n", f);
}

/* Start a row (of class `cls`, or none) with cells of escaped text,
 * NULL-ended; the caller may add cells and ends it with html_row_end(). */
static void html_row(FILE *f, const char *cls, ...)
{
    va_list ap;
    const char *c;

    fputs(cls != NULL ? "<tr class=\"" : "<tr>", f);
    if (cls != NULL)
        fprintf(f, "%s\">", cls);
    va_start(ap, cls);
    while ((c = va_arg(ap, const char *)) != NULL) {
        fputs("<td>", f);
        html_esc(f, c);
        fputs("</td>", f);
    }
    va_end(ap);
}

static void html_row_end(FILE *f)
{
    fputs("</tr>\n", f);
}

/* Markdown: keep text literal inside table cells and prose. */
static void md_esc(FILE *f, const char *s)
{
    for (; s != NULL && *s; s++) {
        if (strchr("\\`*_[]<>|#", *s) != NULL)
            fputc('\\', f);
        fputc(*s == '\n' ? ' ' : *s, f);
    }
}

/* Drop a UTF-8 sequence cut short at the end of `s` (by a capped snprintf),
 * so that JSON and HTML stay valid UTF-8. */
static char *utf8_trim(char *s)
{
    size_t n = strlen(s), i = n, need;

    while (i > 0 && ((unsigned char)s[i - 1] & 0xC0) == 0x80 && n - i < 3)
        i--;
    if (i == 0 || ((unsigned char)s[i - 1] & 0x80) == 0)
        return s;
    i--; /* the lead byte */
    need = ((unsigned char)s[i] & 0xE0) == 0xC0   ? 2
           : ((unsigned char)s[i] & 0xF0) == 0xE0 ? 3
           : ((unsigned char)s[i] & 0xF8) == 0xF0 ? 4
                                                  : 1;
    if (n - i < need)
        s[i] = '\0';
    return s;
}

static const char *jstr(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static double jnum(const cJSON *o, const char *k, double dflt)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsNumber(v) ? v->valuedouble : dflt;
}

static const char *part_status(const struct part *p)
{
    return p ? p->status : "missing";
}

/* ---- gradebook ------------------------------------------------------------ */

static enum ph_rc write_gradebook(const struct book *b, const char *dir, unsigned formats,
                                  struct ph_err *err)
{
    const struct homework *hw = b->hw;
    struct out o = {0};
    char ts[64];
    enum ph_rc rc;

    rc = out_open(&o, dir, "gradebook.csv", err);
    if (rc != PH_OK)
        return rc;
    fputs("student_id,raw_score,late_penalty,score,max_score,timestamp,days_late", o.f);
    for (size_t k = 0; k < hw->nex; k++) {
        char h[160];
        snprintf(h, sizeof h, "%s (%g)", hw->ex[k].id, hw->ex[k].points);
        fputc(',', o.f);
        csv_field(o.f, h);
    }
    fputs(",status\n", o.f);
    for (size_t i = 0; i < b->n; i++) {
        const struct student *s = &b->st[i];
        int bad = 0;
        char over[512] = "";
        size_t used = 0;
        csv_field(o.f, s->id);
        fprintf(o.f, ",%.2f,%.2f,%.2f,%.2f,%s,%d", s->raw, s->penalty, s->score, s->max,
                s->ts > 0 ? homework_format_time(s->ts, ts, sizeof ts) : "", s->days_late);
        for (size_t k = 0; k < hw->nex; k++) {
            const struct part *p = s->parts[k];
            char why[256];
            fprintf(o.f, ",%.2f", p ? p->points : 0.0);
            bad |= p == NULL || p->problem != NULL;
            /* A part the assignment's budget stopped or refused is named with
             * its reason. */
            if (p != NULL && strcmp(p->status, GRADE_STATUS_OVER_BUDGET) == 0)
                snprintf(why, sizeof why, "not graded: submission %d, over the budget of %d",
                         p->attempts, hw->budget);
            if (p != NULL &&
                (strcmp(p->status, GRADE_STATUS_OVER_BUDGET) == 0 ||
                 homework_budget_stop(hw, k, p->status, why, sizeof why) != NULL) &&
                used < sizeof over)
                used += (size_t)snprintf(over + used, sizeof over - used, "%s%s %s",
                                         used ? "; " : "", hw->ex[k].id, why);
        }
        fputc(',', o.f);
        if (over[0] != '\0')
            csv_field(o.f, over);
        else
            fputs(bad ? "see feedback" : "ok", o.f);
        fputc('\n', o.f);
    }
    rc = out_close(&o, err);
    if (rc == PH_OK && (formats & GRADE_FORMAT_CANVAS)) {
        /* Canvas's gradebook import: the first five columns identify the
         * student (Canvas matches on SIS Login ID when ID is empty), then
         * one column per assignment, named as in Canvas. */
        rc = out_open(&o, dir, "gradebook-canvas.csv", err);
        if (rc != PH_OK)
            return rc;
        fputs("Student,ID,SIS User ID,SIS Login ID,Section,", o.f);
        csv_field(o.f, hw->name);
        fputs("\n", o.f);
        fputs("Points Possible,,,,,", o.f);
        fprintf(o.f, "%.2f\n", b->n ? b->st[0].max : 0.0);
        for (size_t i = 0; i < b->n; i++) {
            csv_field(o.f, b->st[i].id);
            fputs(",,,", o.f);
            csv_field(o.f, b->st[i].id);
            fprintf(o.f, ",,%.2f\n", b->st[i].score);
        }
        rc = out_close(&o, err);
    }
    if (rc == PH_OK && (formats & GRADE_FORMAT_MOODLE)) {
        /* Moodle's "Import grades from CSV": map "ID number" to the user
         * field of that name and the assignment column to its grade item;
         * "Feedback" can be mapped to the item's feedback. */
        rc = out_open(&o, dir, "gradebook-moodle.csv", err);
        if (rc != PH_OK)
            return rc;
        fputs("ID number,", o.f);
        csv_field(o.f, hw->name);
        fputs(",Feedback\n", o.f);
        for (size_t i = 0; i < b->n; i++) {
            char fb[128];
            csv_field(o.f, b->st[i].id);
            fprintf(o.f, ",%.2f,", b->st[i].score);
            if (b->st[i].days_late > 0)
                snprintf(fb, sizeof fb, "%d day(s) late: -%.0f%%", b->st[i].days_late,
                         b->st[i].late_pct);
            else
                snprintf(fb, sizeof fb, "on time");
            csv_field(o.f, fb);
            fputc('\n', o.f);
        }
        rc = out_close(&o, err);
    }
    return rc;
}

/* ---- per-student: Gradescope results.json ---------------------------------- */

static double check_weights(const cJSON *tests)
{
    const cJSON *t;
    double sum = 0;

    cJSON_ArrayForEach(t, tests) sum += jnum(t, "weight", 1);
    return sum > 0 ? sum : 1;
}

static cJSON *gs_test(const char *name, const char *number, double score, double max,
                      const char *status, const char *output, const char *vis, const char *tag1,
                      const char *tag2)
{
    cJSON *t = cJSON_CreateObject(), *tags;

    cJSON_AddStringToObject(t, "name", name);
    cJSON_AddStringToObject(t, "number", number);
    cJSON_AddNumberToObject(t, "score", r2(score));
    cJSON_AddNumberToObject(t, "max_score", r2(max));
    cJSON_AddStringToObject(t, "status", status);
    cJSON_AddStringToObject(t, "output", output ? output : "");
    cJSON_AddStringToObject(t, "output_format", "text");
    cJSON_AddStringToObject(t, "visibility", vis);
    tags = cJSON_AddArrayToObject(t, "tags");
    cJSON_AddItemToArray(tags, cJSON_CreateString(tag1));
    if (tag2 != NULL)
        cJSON_AddItemToArray(tags, cJSON_CreateString(tag2));
    return t;
}

static cJSON *gradescope_results(const struct book *b, const struct student *s,
                                 const struct grade_report_opts *ro)
{
    const struct homework *hw = b->hw;
    cJSON *root = cJSON_CreateObject(), *tests, *lb, *e;
    char out[2048] = "", name[256], num[32], ts[64];
    double exec_s = 0, wall_s = 0, peak_mb = 0, score = s->score;
    size_t used = 0;
    int over_budget = 0;

    if (root == NULL)
        return NULL;
    tests = cJSON_CreateArray();
    for (size_t k = 0; k < hw->nex; k++) {
        const struct part *p = s->parts[k];
        const char *exid = hw->ex[k].id;
        double f;
        if (p != NULL && hw->budget > 0 && p->attempts > hw->budget)
            over_budget = 1;
        if (p == NULL || p->result == NULL) {
            snprintf(name, sizeof name, "%s: submission", exid);
            snprintf(num, sizeof num, "%zu", k + 1);
            cJSON_AddItemToArray(tests, gs_test(name, num, 0, hw->ex[k].points, "failed",
                                                p && p->problem ? p->problem : "not submitted",
                                                "visible", exid, part_status(p)));
            continue;
        }
        exec_s += (double)p->grade_ns / 1e9;
        wall_s += (double)p->wall_ns / 1e9;
        if ((double)p->py_peak / 1048576.0 > peak_mb)
            peak_mb = (double)p->py_peak / 1048576.0;
        f = p->max > 0 ? hw->ex[k].points / p->max : 0;
        const cJSON *sc = cJSON_GetObjectItemCaseSensitive(p->result, "score");
        const cJSON *parts = cJSON_GetObjectItemCaseSensitive(sc, "parts");
        const cJSON *rt = cJSON_GetObjectItemCaseSensitive(p->result, "tests"), *t;
        double cmax = jnum(cJSON_GetObjectItemCaseSensitive(parts, "correctness"), "max", 0);
        double sumw = check_weights(rt);
        size_t i = 0;
        cJSON_ArrayForEach(t, rt)
        {
            const char *cn = jstr(t, "name") ? jstr(t, "name") : "?";
            const char *st = jstr(t, "status") ? jstr(t, "status") : "failed";
            const cJSON *vis = cJSON_GetObjectItemCaseSensitive(t, "visible");
            enum hw_visibility v = homework_check_vis(hw, k, cn, !cJSON_IsTrue(vis));
            double mx = f * cmax * jnum(t, "weight", 1) / sumw;
            char msg[1024];
            const char *m = jstr(t, "message"), *lesson = jstr(t, "lesson");
            snprintf(msg, sizeof msg, "%s%s%s%s%s", st, m && m[0] ? ": " : "", m ? m : "",
                     lesson ? "\n" : "", lesson ? lesson : "");
            utf8_trim(msg);
            snprintf(name, sizeof name, "%s: %s", exid, cn);
            utf8_trim(name);
            snprintf(num, sizeof num, "%zu.%zu", k + 1, ++i);
            cJSON_AddItemToArray(tests, gs_test(name, num, strcmp(st, "passed") == 0 ? mx : 0, mx,
                                                strcmp(st, "passed") == 0 ? "passed" : "failed",
                                                msg, homework_vis_name(v), exid, st));
        }
        const cJSON *perf = cJSON_GetObjectItemCaseSensitive(parts, "performance");
        if (perf != NULL) {
            snprintf(name, sizeof name, "%s: performance", exid);
            snprintf(num, sizeof num, "%zu.%zu", k + 1, ++i);
            cJSON_AddItemToArray(
                tests, gs_test(name, num, f * jnum(perf, "score", 0), f * jnum(perf, "max", 0),
                               jnum(perf, "score", 0) >= jnum(perf, "max", 0) ? "passed" : "failed",
                               jstr(perf, "origin"), homework_vis_name(hw->vis_visible), exid,
                               "performance"));
        }
        const cJSON *ex = cJSON_GetObjectItemCaseSensitive(parts, "explanation");
        if (ex != NULL && jnum(ex, "max", 0) > 0) {
            const cJSON *expl = cJSON_GetObjectItemCaseSensitive(p->result, "explanation");
            snprintf(name, sizeof name, "%s: explanation", exid);
            snprintf(num, sizeof num, "%zu.%zu", k + 1, ++i);
            cJSON_AddItemToArray(
                tests, gs_test(name, num, f * jnum(ex, "score", 0), f * jnum(ex, "max", 0),
                               jnum(ex, "score", 0) > 0 ? "passed" : "failed",
                               expl ? jstr(expl, "feedback") : "no explanation submitted",
                               homework_vis_name(hw->vis_visible), exid, "explanation"));
        }
        if (p->problem != NULL)
            used += (size_t)snprintf(out + used, used < sizeof out ? sizeof out - used : 0,
                                     "- %s\n", p->problem);
    }
    if (used >= sizeof out)
        used = sizeof out - 1;
    if (s->days_late > 0)
        used += (size_t)snprintf(out + used, sizeof out - used,
                                 "- submitted %s, %d day(s) late: %.0f%% off (%.2f points)\n",
                                 homework_format_time(s->ts, ts, sizeof ts), s->days_late,
                                 s->late_pct, s->penalty);
    if (over_budget && ro->previous_best >= 0 && ro->previous_best > score) {
        score = ro->previous_best;
        if (used < sizeof out)
            used += (size_t)snprintf(out + used, sizeof out - used,
                                     "- this submission is over the budget of %d: your best "
                                     "earlier score (%.2f) stands\n",
                                     hw->budget, ro->previous_best);
    }
    (void)used;
    utf8_trim(out);
    cJSON_AddNumberToObject(root, "score", r2(score));
    cJSON_AddNumberToObject(root, "execution_time", (double)(long long)ceil(exec_s));
    cJSON_AddStringToObject(root, "output", out);
    cJSON_AddStringToObject(root, "output_format", "md");
    cJSON_AddStringToObject(root, "test_output_format", "text");
    cJSON_AddStringToObject(root, "visibility", "visible");
    cJSON_AddStringToObject(root, "stdout_visibility", "hidden");
    cJSON_AddItemToObject(root, "tests", tests);
    lb = cJSON_AddArrayToObject(root, "leaderboard");
    e = cJSON_CreateObject();
    cJSON_AddStringToObject(e, "name", "Time (s)");
    cJSON_AddNumberToObject(e, "value", round(wall_s * 1000) / 1000);
    cJSON_AddStringToObject(e, "order", "asc");
    cJSON_AddItemToArray(lb, e);
    e = cJSON_CreateObject();
    cJSON_AddStringToObject(e, "name", "Peak memory (MB)");
    cJSON_AddNumberToObject(e, "value", round(peak_mb * 100) / 100);
    cJSON_AddStringToObject(e, "order", "asc");
    cJSON_AddItemToArray(lb, e);
    /* Per exercise: times faster than the reference (the class summary's
     * speed chart plots the same figure). */
    for (size_t k = 0; k < hw->nex; k++) {
        const struct part *p = s->parts[k];
        char what[160];
        if (p == NULL || !(p->speed > 0))
            continue;
        snprintf(what, sizeof what, "%s: speed vs reference (x)", hw->ex[k].id);
        e = cJSON_CreateObject();
        cJSON_AddStringToObject(e, "name", what);
        cJSON_AddNumberToObject(e, "value", round(p->speed * 1000) / 1000);
        cJSON_AddStringToObject(e, "order", "desc");
        cJSON_AddItemToArray(lb, e);
    }
    return root;
}

/* ---- per-student: feedback (Markdown and HTML from one walk) ---------------- */

struct fb {
    FILE *md, *html;
};

static void fb_text(struct fb *f, const char *s)
{
    md_esc(f->md, s);
    html_esc(f->html, s);
}

static void feedback(const struct book *b, const struct student *s,
                     const struct grade_report_opts *ro, struct fb *f)
{
    const struct homework *hw = b->hw;
    char ts[64], due[64];

    fprintf(f->md, "# ");
    md_esc(f->md, hw->name);
    fprintf(f->md, ": feedback for ");
    md_esc(f->md, s->id);
    fprintf(f->md, "\n\n");
    fprintf(f->html, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                     "<title>");
    html_esc(f->html, hw->name);
    fprintf(f->html, "</title><style>%s</style></head><body>\n<h1>", b->css_feedback);
    html_esc(f->html, hw->name);
    fprintf(f->html, ": feedback for ");
    html_esc(f->html, s->id);
    fprintf(f->html, "</h1>\n");
    fprintf(f->md, "Score: **%.2f / %.2f**", s->score, s->max);
    fprintf(f->html, "<p>Score: <strong>%.2f / %.2f</strong>", s->score, s->max);
    if (s->days_late > 0) {
        fprintf(f->md,
                " (%.2f before a late penalty of %.0f%%: submitted %s, %d day(s) after "
                "the due date %s)",
                s->raw, s->late_pct, homework_format_time(s->ts, ts, sizeof ts), s->days_late,
                homework_format_time(hw->due, due, sizeof due));
        fprintf(f->html,
                " (%.2f before a late penalty of %.0f%%: submitted %s, %d day(s) after "
                "the due date %s)",
                s->raw, s->late_pct, ts, s->days_late, due);
    }
    fprintf(f->md, "\n\n");
    fprintf(f->html, "</p>\n");
    for (size_t k = 0; k < hw->nex; k++) {
        const struct part *p = s->parts[k];
        const cJSON *rt, *t, *expl;
        size_t hidden = 0;
        fprintf(f->md, "## ");
        md_esc(f->md, hw->ex[k].id);
        fprintf(f->md, ": %.2f / %g (%s)\n\n", p ? p->points : 0, hw->ex[k].points, part_status(p));
        fprintf(f->html, "<h2>");
        html_esc(f->html, hw->ex[k].id);
        fprintf(f->html, ": %.2f / %g (<span class=\"%s\">%s</span>)</h2>\n", p ? p->points : 0,
                hw->ex[k].points, part_status(p), part_status(p));
        if (p == NULL || p->problem != NULL) {
            fprintf(f->md, "**Problem:** ");
            fprintf(f->html, "<p><strong>Problem:</strong> ");
            fb_text(f, p ? p->problem : "nothing was recorded for this exercise");
            fprintf(f->md, "\n\n");
            fprintf(f->html, "</p>\n");
        }
        if (p == NULL || p->result == NULL)
            continue;
        fprintf(f->md, "| check | status | what it found |\n|---|---|---|\n");
        html_table(f->html, NULL, "check", "status", "what it found", (char *)NULL);
        rt = cJSON_GetObjectItemCaseSensitive(p->result, "tests");
        cJSON_ArrayForEach(t, rt)
        {
            const char *cn = jstr(t, "name") ? jstr(t, "name") : "?";
            const char *st = jstr(t, "status") ? jstr(t, "status") : "?";
            const char *m = jstr(t, "message"), *lesson = jstr(t, "lesson");
            const char *desc = jstr(t, "description");
            enum hw_visibility v = homework_check_vis(
                hw, k, cn, !cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(t, "visible")));
            if (!homework_vis_shown(hw, v, ro->now, ro->published)) {
                hidden++;
                continue;
            }
            fprintf(f->md, "| ");
            md_esc(f->md, cn);
            fprintf(f->md, " | %s | ", st);
            html_row(f->html, NULL, cn, (char *)NULL);
            fprintf(f->html, "<td class=\"%s\">%s</td><td>", st, st);
            if (desc != NULL)
                fb_text(f, desc);
            if (m != NULL && m[0] != '\0') {
                fprintf(f->md, ". ");
                fprintf(f->html, "<br>");
                fb_text(f, m);
            }
            if (lesson != NULL) {
                fprintf(f->md, ". Figures: ");
                fprintf(f->html, "<br><em>Figures:</em> ");
                fb_text(f, lesson);
            }
            fprintf(f->md, " |\n");
            fprintf(f->html, "</td>");
            html_row_end(f->html);
        }
        fprintf(f->md, "\n");
        fprintf(f->html, "</table>\n");
        if (hidden > 0) {
            fprintf(f->md, "%zu more check(s) are not shown yet.\n\n", hidden);
            fprintf(f->html, "<p>%zu more check(s) are not shown yet.</p>\n", hidden);
        }
        {
            /* "840 µs", not "0.8 ms" or "0.0 ms"; sizes in their own unit. */
            char wall[32], cpu[32], peak[32];
            fileio_human_duration((double)p->wall_ns, wall, sizeof wall);
            fileio_human_duration((double)p->cpu_ns, cpu, sizeof cpu);
            fileio_human_size((double)p->py_peak, peak, sizeof peak);
            fprintf(f->md, "Measured: %s wall, %s CPU, peak Python memory %s.\n\n", wall, cpu,
                    peak);
            fprintf(f->html, "<p>Measured: %s wall, %s CPU, peak Python memory %s.</p>\n", wall,
                    cpu, peak);
        }
        {
            /* How the performance marks were earned, in the words the terminal report uses. */
            const cJSON *sc = cJSON_GetObjectItemCaseSensitive(p->result, "score");
            const cJSON *pp = cJSON_GetObjectItemCaseSensitive(
                cJSON_GetObjectItemCaseSensitive(sc, "parts"), "performance");
            const char *origin = jstr(pp, "origin");
            if (origin != NULL && origin[0] != '\0') {
                fprintf(f->md, "**Performance:** ");
                fprintf(f->html, "<p><strong>Performance:</strong> ");
                fb_text(f, origin);
                fprintf(f->md, "\n\n");
                fprintf(f->html, "</p>\n");
            }
        }
        expl = cJSON_GetObjectItemCaseSensitive(p->result, "explanation");
        if (cJSON_IsObject(expl)) {
            fprintf(f->md, "**Explanation:** %.1f / %.0f. ", jnum(expl, "score", 0),
                    jnum(expl, "max", 10));
            fprintf(f->html, "<p><strong>Explanation:</strong> %.1f / %.0f. ",
                    jnum(expl, "score", 0), jnum(expl, "max", 10));
            fb_text(f, jstr(expl, "feedback"));
            fprintf(f->md, "\n\n");
            fprintf(f->html, "</p>\n");
        }
        if (homework_model_answer_shown(hw, k, ro->now)) {
            const char *ma = hw->ex[k].ex != NULL   ? hw->ex[k].ex->model_answer
                             : cJSON_IsObject(expl) ? jstr(expl, "model_answer")
                                                    : NULL;
            if (ma != NULL) {
                fprintf(f->md, "**Model answer:** ");
                fprintf(f->html, "<p><strong>Model answer:</strong> ");
                fb_text(f, ma);
                fprintf(f->md, "\n\n");
                fprintf(f->html, "</p>\n");
            }
        }
    }
    fprintf(f->html, "</body></html>\n");
}

/* ---- junit.xml -------------------------------------------------------------- */

static void xml_esc(FILE *f, const char *s)
{
    markup_escape(f, s, MARKUP_DROP_CONTROLS);
}

static enum ph_rc write_junit(const struct book *b, const char *dir, struct ph_err *err)
{
    const struct homework *hw = b->hw;
    struct out o = {0};
    enum ph_rc rc = out_open(&o, dir, "junit.xml", err);

    if (rc != PH_OK)
        return rc;
    fprintf(o.f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"");
    xml_esc(o.f, hw->name);
    fprintf(o.f, "\">\n");
    for (size_t i = 0; i < b->n; i++) {
        const struct student *s = &b->st[i];
        size_t tests = 0, failures = 0;
        double secs = 0;
        for (size_t k = 0; k < hw->nex; k++) {
            const struct part *p = s->parts[k];
            const cJSON *rt = p && p->result ? cJSON_GetObjectItemCaseSensitive(p->result, "tests")
                                             : NULL,
                        *t;
            if (rt == NULL) {
                tests++;
                failures++;
                continue;
            }
            secs += (double)p->wall_ns / 1e9;
            cJSON_ArrayForEach(t, rt)
            {
                tests++;
                failures += !(jstr(t, "status") && strcmp(jstr(t, "status"), "passed") == 0);
            }
        }
        fprintf(o.f, "  <testsuite name=\"");
        xml_esc(o.f, s->id);
        fprintf(o.f, "\" tests=\"%zu\" failures=\"%zu\" time=\"%.3f\">\n", tests, failures, secs);
        for (size_t k = 0; k < hw->nex; k++) {
            const struct part *p = s->parts[k];
            const cJSON *rt = p && p->result ? cJSON_GetObjectItemCaseSensitive(p->result, "tests")
                                             : NULL,
                        *t;
            if (rt == NULL) {
                fprintf(o.f, "    <testcase classname=\"");
                xml_esc(o.f, hw->ex[k].id);
                fprintf(o.f, "\" name=\"submission\"><failure message=\"");
                xml_esc(o.f, p && p->problem ? p->problem : "not submitted");
                fprintf(o.f, "\" type=\"%s\"/></testcase>\n", part_status(p));
                continue;
            }
            cJSON_ArrayForEach(t, rt)
            {
                const char *st = jstr(t, "status") ? jstr(t, "status") : "?";
                const cJSON *m = cJSON_GetObjectItemCaseSensitive(t, "metrics");
                fprintf(o.f, "    <testcase classname=\"");
                xml_esc(o.f, hw->ex[k].id);
                fprintf(o.f, "\" name=\"");
                xml_esc(o.f, jstr(t, "name"));
                fprintf(o.f, "\" time=\"%.6f\"", jnum(m, "wall_ns", 0) / 1e9);
                if (strcmp(st, "passed") == 0) {
                    fprintf(o.f, "/>\n");
                } else {
                    fprintf(o.f, "><failure message=\"");
                    xml_esc(o.f, jstr(t, "message") ? jstr(t, "message") : st);
                    fprintf(o.f, "\" type=\"%s\"/></testcase>\n", st);
                }
            }
        }
        fprintf(o.f, "  </testsuite>\n");
    }
    fprintf(o.f, "</testsuites>\n");
    return out_close(&o, err);
}

/* ---- summary.html ------------------------------------------------------------ */

struct pair {
    size_t a, b, k, shared;
    double sim;
};

struct ranked {
    size_t s, k;
    long long v;
};

static int cmp_ranked(const void *x, const void *y)
{
    long long a = ((const struct ranked *)x)->v, b = ((const struct ranked *)y)->v;
    return a < b ? 1 : a > b ? -1 : 0;
}

static int cmp_pair(const void *x, const void *y)
{
    double a = ((const struct pair *)x)->sim, b = ((const struct pair *)y)->sim;
    return a < b ? 1 : a > b ? -1 : 0;
}

/* ---- class summary charts (compare's chart module, perf_chart.h) ------------------- */

/* Students per band of 10% of the maximum: the assignment's score (after
 * the late penalty) and each exercise's points, one series each. */
static void chart_scores(FILE *f, const struct book *b)
{
    const struct homework *hw = b->hw;
    size_t ns = hw->nex + 1;
    struct perf_chart_point *pts = calloc(ns * HIST_BINS, sizeof *pts);
    struct perf_chart_series *series = calloc(ns, sizeof *series);
    struct perf_chart c;

    if (pts == NULL || series == NULL)
        goto out;
    for (size_t si = 0; si < ns; si++) {
        struct perf_chart_point *sp = &pts[si * HIST_BINS];
        size_t bins[HIST_BINS] = {0};
        for (size_t i = 0; i < b->n; i++) {
            const struct student *st = &b->st[i];
            const struct part *p = si > 0 ? st->parts[si - 1] : NULL;
            double pct = si == 0 ? (st->max > 0 ? 100 * st->score / st->max : 0)
                                 : (p != NULL ? 100 * p->points / hw->ex[si - 1].points : 0);
            int bin = (int)(pct / (100.0 / HIST_BINS));
            bins[bin >= HIST_BINS ? HIST_BINS - 1 : bin < 0 ? 0 : bin]++;
        }
        for (int j = 0; j < HIST_BINS; j++) {
            sp[j].x = 100.0 / HIST_BINS * (j + 0.5);
            sp[j].y = sp[j].lo = sp[j].hi = (double)bins[j];
        }
        series[si].name = si == 0 ? "assignment score" : hw->ex[si - 1].id;
        series[si].pts = sp;
        series[si].npts = HIST_BINS;
    }
    memset(&c, 0, sizeof c);
    c.id = "chart-scores";
    c.title = "Score distribution";
    c.x_label = "score, % of the maximum (middle of each 10% band)";
    c.y_label = "students";
    c.x_unit = c.y_unit = PERF_UNIT_PLAIN;
    c.lines = 1;
    c.series = series;
    c.nseries = ns;
    (void)perf_chart_svg(f, &c, 0);
out:
    free(pts);
    free(series);
}

/* A student's point in a chart with one series per exercise, before it is
 * sorted and named. */
struct student_point {
    double x, y;
    size_t student; /* index in b->st */
};

/* By x; ties in the students' order. */
static int cmp_student_point(const void *x, const void *y)
{
    const struct student_point *a = x, *b = y;

    if (a->x != b->x)
        return a->x < b->x ? -1 : 1;
    return a->student < b->student ? -1 : a->student > b->student;
}

/* The arrays of a chart with one series per exercise and one point per
 * student, each point named after its student.  All three are owned
 * (class_series_free); the labels' strings are the book's. */
struct class_series {
    struct perf_chart_point *pts;
    const char **labels;
    struct perf_chart_series *series;
    size_t nseries;
};

/* Write exercise k's points into `out` (room for b->n), in any order; how many. */
typedef size_t (*part_points_fn)(const struct book *b, size_t k, struct student_point *out);

static void class_series_free(struct class_series *cs)
{
    free(cs->pts);
    free(cs->labels);
    free(cs->series);
    memset(cs, 0, sizeof *cs);
}

/*
 * Fill `cs`: for each exercise, the points `points` gives, in order of x.
 * With `share`, a point's y is the share (%) of the exercise's points at or
 * below it: an empirical distribution function.  An exercise without points
 * has no series.  0, or -1 when out of memory (`cs` then holds nothing).
 */
static int class_series_build(struct class_series *cs, const struct book *b, part_points_fn points,
                              int share)
{
    size_t nex = b->hw->nex, used = 0;
    struct student_point *sp = calloc(b->n + 1, sizeof *sp);

    memset(cs, 0, sizeof *cs);
    cs->pts = calloc(b->n * nex + 1, sizeof *cs->pts);
    cs->labels = calloc(b->n * nex + 1, sizeof *cs->labels);
    cs->series = calloc(nex + 1, sizeof *cs->series);
    if (sp == NULL || cs->pts == NULL || cs->labels == NULL || cs->series == NULL) {
        free(sp);
        class_series_free(cs);
        return -1;
    }
    for (size_t k = 0; k < nex; k++) {
        size_t first = used, m = points(b, k, sp);
        struct perf_chart_series *s;

        if (m == 0)
            continue;
        qsort(sp, m, sizeof *sp, cmp_student_point);
        for (size_t j = 0; j < m; j++, used++) {
            struct perf_chart_point *pt = &cs->pts[used];

            pt->x = sp[j].x;
            pt->y = pt->lo = pt->hi = share ? 100.0 * (double)(j + 1) / (double)m : sp[j].y;
            cs->labels[used] = b->st[sp[j].student].id;
        }
        s = &cs->series[cs->nseries++];
        s->name = b->hw->ex[k].id;
        s->pts = cs->pts + first;
        s->npts = m;
        s->labels = cs->labels + first;
    }
    free(sp);
    return 0;
}

/* Exercise k's graded parts: wall time (s) against peak Python memory. */
static size_t figure_points(const struct book *b, size_t k, struct student_point *out)
{
    size_t m = 0;

    for (size_t i = 0; i < b->n; i++) {
        const struct part *p = b->st[i].parts[k];
        if (p == NULL || p->result == NULL || p->wall_ns <= 0 || p->py_peak <= 0)
            continue;
        out[m].x = (double)p->wall_ns / 1e9;
        out[m].y = (double)p->py_peak;
        out[m].student = i;
        m++;
    }
    return m;
}

/* Exercise k's parts whose speed check passed: their speed ratio. */
static size_t speed_points(const struct book *b, size_t k, struct student_point *out)
{
    size_t m = 0;

    for (size_t i = 0; i < b->n; i++) {
        const struct part *p = b->st[i].parts[k];
        if (p == NULL || !(p->speed > 0))
            continue;
        out[m].x = p->speed;
        out[m].y = 0;
        out[m].student = i;
        m++;
    }
    return m;
}

/* Every graded submission's wall time against its peak Python memory, one
 * series per exercise, each point named after its student: the slow and
 * the memory-hungry stand apart at the right and the top. */
static void chart_figures(FILE *f, const struct book *b)
{
    struct class_series cs;
    struct perf_chart c;

    if (class_series_build(&cs, b, figure_points, 0) != 0)
        return;
    if (cs.nseries == 0)
        goto out;
    memset(&c, 0, sizeof c);
    c.id = "chart-figures";
    c.title = "Time and memory of every graded submission";
    c.x_label = "wall time of the whole run";
    c.y_label = "peak Python memory";
    c.x_unit = PERF_UNIT_SECONDS;
    c.y_unit = PERF_UNIT_BYTES;
    c.log_x = c.log_y = 1;
    c.series = cs.series;
    c.nseries = cs.nseries;
    (void)perf_chart_svg(f, &c, 0);
out:
    class_series_free(&cs);
}

/* The distribution of the students' speed against the reference, per
 * exercise: each student's ratio (the reference's time over theirs; 1 is as
 * fast as the reference) on a log axis, against the share of the class at
 * or below it: the empirical distribution function, one series per
 * exercise, each point named after its student.  Only parts whose speed
 * check passed have a ratio.  1 when drawn. */
static int chart_speed(FILE *f, const struct book *b)
{
    struct class_series cs;
    struct perf_chart c;
    int drawn = 0;

    if (class_series_build(&cs, b, speed_points, 1) != 0)
        return 0;
    if (cs.nseries == 0)
        goto out;
    memset(&c, 0, sizeof c);
    c.id = "chart-speed";
    c.title = "Speed against the reference, per exercise";
    c.x_label = "speed vs the reference (its time / the student's; 1x: as fast)";
    c.y_label = "% of the exercise's timed students at or below";
    c.x_unit = PERF_UNIT_RATIO;
    c.y_unit = PERF_UNIT_PLAIN;
    c.log_x = 1;
    c.lines = 1;
    c.series = cs.series;
    c.nseries = cs.nseries;
    drawn = perf_chart_svg(f, &c, 0) == 0;
out:
    class_series_free(&cs);
    return drawn;
}

static void passage(FILE *f, const char *src, const unsigned char *mark, size_t nlines)
{
    const char *p = src;
    size_t line = 1, shown = 0;
    int gap = 0;

    fprintf(f, "<pre>");
    while (*p != '\0' && line <= nlines && shown < 40) {
        const char *e = strchr(p, '\n');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (mark[line - 1]) {
            char buf[256];
            snprintf(buf, sizeof buf, "%.*s", (int)(len < 200 ? len : 200), p);
            utf8_trim(buf);
            if (gap && shown > 0)
                fprintf(f, "   ...\n");
            fprintf(f, "%3zu ", line);
            html_esc(f, buf);
            fputc('\n', f);
            shown++;
            gap = 0;
        } else {
            gap = 1;
        }
        p = e ? e + 1 : p + len;
        line++;
    }
    fprintf(f, "</pre>");
}

static size_t count_lines(const char *s)
{
    size_t n = 1;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

static enum ph_rc similar_pairs(const struct book *b, size_t k, const char *starter,
                                struct pair **out, size_t *nout)
{
    struct sim_doc *docs = calloc(b->n + 1, sizeof *docs), common = {0};
    size_t *df = NULL, np = 0, cap = 0;
    struct pair *pairs = NULL;

    *out = NULL;
    *nout = 0;
    if (docs == NULL)
        return PH_ENOMEM;
    if (starter != NULL)
        (void)sim_doc_init(&common, starter);
    for (size_t i = 0; i < b->n; i++) {
        const struct part *p = b->st[i].parts[k];
        if (p != NULL && p->source != NULL && sim_doc_init(&docs[i], p->source) == 0)
            sim_doc_subtract(&docs[i], &common);
    }
    for (size_t i = 0; i < b->n; i++)
        for (size_t j = i + 1; j < b->n; j++) {
            size_t shared = 0;
            double sim = sim_score(&docs[i], &docs[j], &shared);
            if (sim < SIM_THRESHOLD || shared < SIM_MIN_SHARED)
                continue;
            if (np == cap) {
                cap = cap ? cap * 2 : 16;
                struct pair *np2 = realloc(pairs, cap * sizeof *np2);
                if (np2 == NULL)
                    break;
                pairs = np2;
            }
            pairs[np].a = i;
            pairs[np].b = j;
            pairs[np].k = k;
            pairs[np].shared = shared;
            pairs[np].sim = sim;
            np++;
        }
    for (size_t i = 0; i < b->n; i++)
        sim_doc_free(&docs[i]);
    sim_doc_free(&common);
    free(docs);
    free(df);
    *out = pairs;
    *nout = np;
    return PH_OK;
}

static void pair_detail(FILE *f, const struct book *b, const struct pair *pr)
{
    const char *sa = b->st[pr->a].parts[pr->k]->source, *sb = b->st[pr->b].parts[pr->k]->source;
    struct sim_doc da = {0}, db = {0};
    size_t na = count_lines(sa), nb = count_lines(sb);
    unsigned char *ma = calloc(na, 1), *mb = calloc(nb, 1);

    if (ma != NULL && mb != NULL && sim_doc_init(&da, sa) == 0 && sim_doc_init(&db, sb) == 0) {
        sim_shared_lines(&da, &db, ma, na);
        sim_shared_lines(&db, &da, mb, nb);
        fprintf(f, "<details><summary>shared passages</summary><div class=\"pair\"><div><b>");
        html_esc(f, b->st[pr->a].id);
        fprintf(f, "</b>");
        passage(f, sa, ma, na);
        fprintf(f, "</div><div><b>");
        html_esc(f, b->st[pr->b].id);
        fprintf(f, "</b>");
        passage(f, sb, mb, nb);
        fprintf(f, "</div></div></details>");
    }
    sim_doc_free(&da);
    sim_doc_free(&db);
    free(ma);
    free(mb);
}

static char *read_starter(const struct homework *hw, size_t k)
{
    char path[PATH_MAX], *text = NULL;
    size_t len = 0;
    struct ph_err e = {0};

    if (hw->ex[k].ex == NULL)
        return NULL;
    snprintf(path, sizeof path, "%s/starter.py", hw->ex[k].ex->dir);
    if (!fileio_is_file(path) || fileio_read(path, EXERCISE_FILE_MAX, &text, &len, &e) != PH_OK)
        return NULL;
    return text;
}

static enum ph_rc write_summary(const struct book *b, const char *dir,
                                struct grade_report_totals *tot, struct ph_err *err)
{
    const struct homework *hw = b->hw;
    struct ranked *rk = calloc(b->n * hw->nex + 1, sizeof *rk);
    struct out o = {0};
    size_t nr = 0, review = 0;
    double sum = 0;
    char due[64];
    enum ph_rc rc;

    if (rk == NULL)
        return ph_errf(err, PH_ENOMEM, "out of memory");
    rc = out_open(&o, dir, "summary.html", err);
    if (rc != PH_OK) {
        free(rk);
        return rc;
    }
    FILE *f = o.f;
    fprintf(f, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>");
    html_esc(f, hw->name);
    fprintf(f, ": class summary</title><style>%s</style></head><body>\n<h1>", b->css_summary);
    html_esc(f, hw->name);
    for (size_t i = 0; i < b->n; i++)
        sum += b->st[i].score;
    fprintf(f, ": class summary</h1>\n<p>%zu students, due %s, mean score %.2f / %.2f.</p>\n", b->n,
            homework_format_time(hw->due, due, sizeof due), b->n ? sum / (double)b->n : 0,
            b->n ? b->st[0].max : 0);
    fprintf(f, "<h2>Score distribution</h2>\n");
    chart_scores(f, b);
    fprintf(f, "<h2>Speed against the reference</h2>\n");
    if (!chart_speed(f, b))
        fprintf(f, "<p>No submission has a speed measured against the reference.</p>\n");

    fprintf(f, "<h2>Pass rates per check</h2>\n");
    for (size_t k = 0; k < hw->nex; k++) {
        /* Checks are listed in the order the first graded result gives them. */
        const cJSON *names = NULL, *t;
        for (size_t i = 0; i < b->n && names == NULL; i++)
            if (b->st[i].parts[k] && b->st[i].parts[k]->result)
                names = cJSON_GetObjectItemCaseSensitive(b->st[i].parts[k]->result, "tests");
        fprintf(f, "<h3>");
        html_esc(f, hw->ex[k].id);
        fprintf(f, "</h3>");
        html_table(f, "rates", "check", "passed", "", (char *)NULL);
        cJSON_ArrayForEach(t, names)
        {
            const char *cn = jstr(t, "name");
            size_t pass = 0;
            for (size_t i = 0; i < b->n; i++) {
                const struct part *p = b->st[i].parts[k];
                const cJSON *u;
                if (p == NULL || p->result == NULL)
                    continue;
                cJSON_ArrayForEach(
                    u, cJSON_GetObjectItemCaseSensitive(
                           p->result,
                           "tests")) if (jstr(u, "name") && cn &&
                                         strcmp(jstr(u, "name"), cn) == 0 && jstr(u, "status") &&
                                         strcmp(jstr(u, "status"), "passed") == 0) pass++;
            }
            char rate[64];
            snprintf(rate, sizeof rate, "%zu / %zu", pass, b->n);
            html_row(f, NULL, cn, rate, (char *)NULL);
            fprintf(f, "<td><span class=\"rate\" style=\"width:%.0fpx\"></span></td>",
                    b->n ? 200.0 * (double)pass / (double)b->n : 0);
            html_row_end(f);
        }
        fprintf(f, "</table>\n");
    }

    for (int pass = 0; pass < 2; pass++) {
        nr = 0;
        for (size_t i = 0; i < b->n; i++)
            for (size_t k = 0; k < hw->nex; k++) {
                const struct part *p = b->st[i].parts[k];
                if (p == NULL || p->result == NULL)
                    continue;
                rk[nr].s = i;
                rk[nr].k = k;
                rk[nr].v = pass == 0 ? p->wall_ns : p->py_peak; /* peak Python memory ranks */
                nr++;
            }
        qsort(rk, nr, sizeof *rk, cmp_ranked);
        fprintf(f, "<h2>%s</h2>\n",
                pass == 0 ? "Slowest submissions" : "Most memory-hungry submissions");
        if (pass == 0)
            chart_figures(f, b);
        html_table(f, pass == 0 ? "slowest" : "memory", "student", "exercise", "verdict", "wall",
                   "peak Python memory", "peak RSS", (char *)NULL);
        for (size_t r = 0; r < nr && r < TOP_N; r++) {
            const struct part *p = b->st[rk[r].s].parts[rk[r].k];
            char wall[32], py[32], rss[32];
            snprintf(wall, sizeof wall, "%.1f ms", (double)p->wall_ns / 1e6);
            snprintf(py, sizeof py, "%.1f KiB", (double)p->py_peak / 1024);
            snprintf(rss, sizeof rss, "%.1f MiB", (double)p->rss_peak / 1048576);
            html_row(f, NULL, b->st[rk[r].s].id, hw->ex[rk[r].k].id, p->status, wall, py, rss,
                     (char *)NULL);
            html_row_end(f);
        }
        fprintf(f, "</table>\n");
    }

    fprintf(f, "<h2>Review queue</h2>\n");
    html_table(f, "review", "student", "exercise", "why", (char *)NULL);
    for (size_t i = 0; i < b->n; i++)
        for (size_t k = 0; k < hw->nex; k++) {
            const struct part *p = b->st[i].parts[k];
            const char *why = NULL;
            if (p == NULL)
                continue;
            if (strcmp(p->status, "rejected") == 0)
                why = "sandbox verdict: rejected";
            else if (strcmp(p->status, "crashed") == 0)
                why = "sandbox verdict: crashed";
            else if (strcmp(p->status, "error") == 0 && p->result == NULL)
                why = "the grader failed on this part";
            else if (p->flagged)
                why = "explanation score uncertain (flagged by the scorer)";
            else if (hw->budget > 0 && p->attempts > hw->budget)
                why = "over the submission budget";
            if (why == NULL)
                continue;
            review++;
            html_row(f, "item", b->st[i].id, hw->ex[k].id, (char *)NULL);
            fprintf(f, "<td>%s", why);
            if (p->problem != NULL) {
                fprintf(f, ": ");
                html_esc(f, p->problem);
            } else if (p->result != NULL && jstr(p->result, "detail") != NULL) {
                fprintf(f, ": ");
                html_esc(f, jstr(p->result, "detail"));
            }
            fprintf(f, "</td>");
            html_row_end(f);
        }
    fprintf(f, "</table>\n<h3>Near-identical submissions</h3>\n");
    html_table(f, "similar", "exercise", "students", "similarity", "", (char *)NULL);
    for (size_t k = 0; k < hw->nex; k++) {
        struct pair *pairs = NULL;
        size_t np = 0;
        char *starter = read_starter(hw, k);
        if (similar_pairs(b, k, starter, &pairs, &np) != PH_OK) {
            free(starter);
            continue;
        }
        if (np > 1)
            qsort(pairs, np, sizeof *pairs, cmp_pair);
        for (size_t i = 0; i < np; i++) {
            review++;
            html_row(f, "pairrow", hw->ex[k].id, (char *)NULL);
            fprintf(f, "<td class=\"students\">");
            html_esc(f, b->st[pairs[i].a].id);
            fprintf(f, " &amp; ");
            html_esc(f, b->st[pairs[i].b].id);
            fprintf(f, "</td><td>%.0f%% (%zu fingerprints)</td><td>", 100 * pairs[i].sim,
                    pairs[i].shared);
            pair_detail(f, b, &pairs[i]);
            fprintf(f, "</td>");
            html_row_end(f);
        }
        free(pairs);
        free(starter);
    }
    fprintf(f, "</table>\n</body></html>\n");
    free(rk);
    tot->review = review;
    return out_close(&o, err);
}

/* ---- entry point ----------------------------------------------------------------- */

static enum ph_rc write_student(const struct book *b, const struct student *s, const char *dir,
                                const struct grade_report_opts *ro, struct ph_err *err)
{
    char sdir[PATH_MAX];
    struct out md = {0}, html = {0}, js = {0};
    struct fb f;
    cJSON *gs;
    char *text;
    enum ph_rc rc;

    if (s->id[0] == '.' || strchr(s->id, '/') != NULL)
        return ph_errf(err, PH_EINPUT, "student id \"%s\" cannot name a folder", s->id);
    snprintf(sdir, sizeof sdir, "%s/%s", dir, s->id);
    if (mkdir(sdir, 0755) != 0 && errno != EEXIST)
        return ph_errf(err, PH_EIO, "%s: cannot create: %s", sdir, strerror(errno));
    gs = gradescope_results(b, s, ro);
    text = gs ? cJSON_Print(gs) : NULL;
    cJSON_Delete(gs);
    if (text == NULL)
        return ph_errf(err, PH_ENOMEM, "out of memory");
    rc = out_open(&js, sdir, "results.json", err);
    if (rc == PH_OK) {
        fputs(text, js.f);
        fputc('\n', js.f);
        rc = out_close(&js, err);
    }
    free(text);
    if (rc != PH_OK)
        return rc;
    rc = out_open(&md, sdir, "feedback.md", err);
    if (rc != PH_OK)
        return rc;
    rc = out_open(&html, sdir, "feedback.html", err);
    if (rc != PH_OK) {
        fclose(md.f);
        return rc;
    }
    f.md = md.f;
    f.html = html.f;
    feedback(b, s, ro, &f);
    rc = out_close(&md, err);
    if (rc == PH_OK)
        rc = out_close(&html, err);
    else
        fclose(html.f);
    return rc;
}

/* A style sheet of reports/, its trailing white space cut (caller frees). */
static enum ph_rc read_style(const char *name, char **out, struct ph_err *err)
{
    enum ph_rc rc = paths_read_report(name, out, err);
    size_t n;

    if (rc != PH_OK)
        return rc;
    n = strlen(*out);
    while (n > 0 && isspace((unsigned char)(*out)[n - 1]))
        (*out)[--n] = '\0';
    return PH_OK;
}

enum ph_rc grade_report_write(const struct homework *hw, struct store *st, const char *out_dir,
                              const struct grade_report_opts *ro, struct grade_report_totals *tot,
                              struct ph_err *err)
{
    struct book b;
    enum ph_rc rc;

    memset(&b, 0, sizeof b);
    memset(tot, 0, sizeof *tot);
    b.hw = hw;
    rc = read_style("grade-feedback.css", &b.css_feedback, err);
    if (rc == PH_OK)
        rc = read_style("grade-summary.css", &b.css_summary, err);
    if (rc == PH_OK)
        rc = store_grade_each(st, collect, &b, err);
    if (rc != PH_OK)
        goto out;
    book_totals(&b);
    tot->students = b.n;
    rc = write_gradebook(&b, out_dir, ro->formats, err);
    for (size_t i = 0; rc == PH_OK && i < b.n; i++)
        rc = write_student(&b, &b.st[i], out_dir, ro, err);
    if (rc == PH_OK)
        rc = write_junit(&b, out_dir, err);
    if (rc == PH_OK)
        rc = write_summary(&b, out_dir, tot, err);
out:
    book_free(&b);
    return rc;
}
