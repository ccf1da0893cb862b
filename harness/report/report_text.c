/* report_text.c - see report.h.  The terminal report of one run. */
#include "report_text.h"

#include <string.h>

#include "fileio.h"

#define EXCERPT_LINES 15

static const char *col(int on, const char *code)
{
    return on ? code : "";
}

static const char *status_mark(enum verdict v)
{
    switch (v) {
    case VERDICT_PASSED:
        return "PASS";
    case VERDICT_FAILED:
        return "FAIL";
    case VERDICT_SKIPPED:
        return "SKIP";
    default:
        return "ERR ";
    }
}

static const char *status_color(enum verdict v)
{
    return v == VERDICT_PASSED ? "\033[32m" : v == VERDICT_SKIPPED ? "\033[33m" : "\033[31m";
}

static void indent_block(FILE *out, const char *text, const char *prefix, int max_lines)
{
    const char *p = text;
    int lines = 0;

    while (*p != '\0' && lines < max_lines) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        fprintf(out, "%s%.*s\n", prefix, (int)n, p);
        lines++;
        if (nl == NULL)
            return;
        p = nl + 1;
    }
    if (*p != '\0')
        fprintf(out, "%s...\n", prefix);
}

static void explanation_block(FILE *out, const struct run_result *r, int color)
{
    const struct explain_result *e = r->explanation;
    size_t i;

    fprintf(out, "\n%sExplanation%s  %.1f / %.0f  (scorer: %s%s)\n", col(color, "\033[1m"),
            col(color, "\033[0m"), e->score, e->max, e->scorer ? e->scorer : "?",
            e->fallback ? ", LLM unavailable: offline scorer stood in" : "");
    for (i = 0; i < e->npoints; i++) {
        const struct explain_point *p = &e->points[i];
        fprintf(out, "  [%s] %s\n",
                p->credit >= 0.75  ? "x"
                : p->credit > 0.25 ? "~"
                                   : " ",
                p->text ? p->text : p->id);
    }
    for (i = 0; i < e->nmisconceptions; i++)
        fprintf(out, "  [-%.1f] misconception: %s\n", e->misconceptions[i].penalty,
                e->misconceptions[i].text ? e->misconceptions[i].text : e->misconceptions[i].id);
    if (e->injection)
        fprintf(out, "  note: text addressed to the grader was ignored\n");
    if (e->flagged && e->note)
        fprintf(out, "  flagged for review: %s\n", e->note);
    if (e->feedback && e->feedback[0])
        indent_block(out, e->feedback, "  feedback: ", 6);
    if (r->model_answer != NULL) {
        fprintf(out, "  model answer:\n");
        indent_block(out, r->model_answer, "    ", 40);
    }
}

void report_text_run(FILE *out, const struct run_result *r, int color)
{
    const struct score *s = &r->score;
    char a[32], b[32];
    size_t i;

    fprintf(out, "%s%s%s  %s\n", col(color, "\033[1m"), r->exercise, col(color, "\033[0m"),
            r->title ? r->title : "");
    fprintf(out, "submission: %s\n", r->submission);
    fprintf(out, "verdict:    %s%s%s", col(color, status_color(r->verdict)),
            verdict_name(r->verdict), col(color, "\033[0m"));
    if (r->verdict != VERDICT_PASSED && r->detail != NULL) {
        const char *nl = strchr(r->detail, '\n');
        fprintf(out, "  (%.*s)", nl ? (int)(nl - r->detail) : (int)strlen(r->detail), r->detail);
    }
    fprintf(out, "\n\n");
    for (i = 0; i < r->nchecks; i++) {
        const struct check_result *c = &r->checks[i];
        fprintf(out, "  %s%s%s %-28s", col(color, status_color(c->status)), status_mark(c->status),
                col(color, "\033[0m"), c->name);
        if (c->has_metrics)
            fprintf(out, " %9.1f ms  py peak %10s", (double)c->metrics.wall_ns / 1e6,
                    fileio_human_size((double)c->metrics.py_peak_bytes, a, sizeof a));
        fprintf(out, "%s\n", c->visible ? "" : "  (hidden)");
        if (c->message != NULL && c->status != VERDICT_PASSED)
            indent_block(out, c->message, "       ", 10);
        if (c->lesson != NULL)
            fprintf(out, "       %s->%s %s\n", col(color, "\033[36m"), col(color, "\033[0m"),
                    c->lesson);
    }
    fprintf(out,
            "\n%sScore%s  %.1f / %.0f   correctness %.1f/%.0f, performance %.1f/%.0f, "
            "explanation ",
            col(color, "\033[1m"), col(color, "\033[0m"), s->total, s->max, s->correctness,
            s->correctness_max, s->performance, s->performance_max);
    if (s->explanation_missing)
        fprintf(out, "missing (0/%.0f; add --explanation FILE)\n", s->explanation_max);
    else
        fprintf(out, "%.1f/%.0f\n", s->explanation, s->explanation_max);
    if (s->perf_origin != NULL)
        fprintf(out, "  performance: %s\n", s->perf_origin);
    fprintf(out,
            "  run: wall %.2f s, cpu %.2f s (parallelism %.2f), python peak %s%s, rss peak %s\n",
            (double)r->metrics.wall_ns / 1e9, (double)r->metrics.cpu_ns / 1e9,
            r->metrics.parallelism, r->metrics_partial ? "at least " : "",
            fileio_human_size((double)r->metrics.py_peak_bytes, a, sizeof a),
            fileio_human_size((double)r->metrics.rss_peak_bytes, b, sizeof b));
    if (r->explanation != NULL)
        explanation_block(out, r, color);
    if (r->stdout_text != NULL && r->stdout_text[0] != '\0') {
        fprintf(out, "\nstdout of the submission:\n");
        indent_block(out, r->stdout_text, "  | ", EXCERPT_LINES);
    }
    if (r->stderr_text != NULL && r->stderr_text[0] != '\0') {
        fprintf(out, "\nstderr of the submission:\n");
        indent_block(out, r->stderr_text, "  | ", EXCERPT_LINES);
    }
}
