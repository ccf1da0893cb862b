/* report_text.c - see report.h.  The terminal report of one run. */
#include "report_text.h"

#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "textwrap.h"

#define EXCERPT_LINES 15

/* Columns to wrap messages at; 0: none (files, pipes). */
static int wrap_width;

void report_text_set_width(int columns)
{
    wrap_width = columns;
}

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

/* Length of the UTF-8 sequence at s (n bytes left) and its code point;
 * 0 when it is not a valid one. */
static size_t utf8_seq(const unsigned char *s, size_t n, unsigned *cp)
{
    size_t need, k;

    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    if (s[0] >= 0xC2 && s[0] <= 0xDF)
        need = 1;
    else if (s[0] >= 0xE0 && s[0] <= 0xEF)
        need = 2;
    else if (s[0] >= 0xF0 && s[0] <= 0xF4)
        need = 3;
    else
        return 0;
    *cp = s[0] & (0x3F >> need);
    for (k = 1; k <= need; k++) {
        if (k >= n || (s[k] & 0xC0) != 0x80)
            return 0;
        *cp = (*cp << 6) | (s[k] & 0x3F);
    }
    if ((need == 2 && *cp < 0x800) || (need == 3 && (*cp < 0x10000 || *cp > 0x10FFFF)) ||
        (*cp >= 0xD800 && *cp <= 0xDFFF))
        return 0;
    return need + 1;
}

/* Code points that would act on the terminal or reorder what it shows:
 * C0 and C1 controls (ESC, CR, backspace...), DEL, the line and paragraph
 * separators (a new line in some viewers and pagers: a forged report line),
 * and the bidirectional overrides and isolates. */
static int unsafe_cp(unsigned cp)
{
    return (cp < 0x20 && cp != '\t') || (cp >= 0x7F && cp <= 0x9F) || cp == 0x2028 ||
           cp == 0x2029 || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) ||
           cp == 0x200E || cp == 0x200F || cp == 0x061C;
}

/*
 * Print `n` bytes of text that may come from a submission (its output, an
 * exception's message or type name, figures it chose): anything that would
 * act on the terminal is shown escaped (\x1b, \u202e), invalid UTF-8 as
 * \xNN.  A wrong solution must not be able to redraw the screen as a PASS.
 * Newlines are the caller's: this prints one line's worth.
 */
static void put_safe(FILE *out, const char *text, size_t n)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t i = 0;

    while (i < n) {
        unsigned cp = 0;
        size_t k = utf8_seq(s + i, n - i, &cp);

        if (k == 0) {
            fprintf(out, "\\x%02x", s[i]);
            i++;
        } else if (unsafe_cp(cp)) {
            if (cp < 0x100)
                fprintf(out, "\\x%02x", cp);
            else
                fprintf(out, "\\u%04x", cp);
            i += k;
        } else {
            fwrite(s + i, 1, k, out);
            i += k;
        }
    }
}

static void puts_safe(FILE *out, const char *text)
{
    if (text != NULL)
        put_safe(out, text, strlen(text));
}

/* `n` bytes of `text` as put_safe() prints them, in a new string (caller
 * frees with free()), or NULL when out of memory. */
static char *escaped(const char *text, size_t n)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);

    if (m == NULL)
        return NULL;
    put_safe(m, text, n);
    if (fclose(m) != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

/* The prefix of a check's message lines.  An exception's message (or a
 * rejection's) carries the submission's own text, newlines included, so it
 * sits behind a gutter as its stdout does: a line of it cannot pass for one
 * of the report's own rows (red team 10's newline_msg printed fake PASS rows
 * and a "Score 100.0 / 100" line under its ERR rows). */
static const char *message_gutter(enum verdict status)
{
    switch (status) {
    case VERDICT_ERROR:
    case VERDICT_MEMORY_LIMIT:
    case VERDICT_REJECTED:
        return "       | ";
    default:
        return "       ";
    }
}

static void indent_block(FILE *out, const char *text, const char *prefix, int max_lines)
{
    const char *p = text;
    int lines = 0;
    char line[4096];

    while (*p != '\0' && lines < max_lines) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        if (n < sizeof line && strncmp(prefix, "  | ", 4) != 0) {
            /* Prose wraps to the terminal; a program's own output does not. */
            char *safe = escaped(p, n);

            textwrap_print(out, safe != NULL ? safe : "?", prefix, prefix, wrap_width);
            free(safe);
        } else {
            fputs(prefix, out);
            put_safe(out, p, n);
            fputc('\n', out);
        }
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
        fprintf(out, "  [%s] ", p->credit >= 0.75 ? "x" : p->credit > 0.25 ? "~" : " ");
        puts_safe(out, p->text ? p->text : p->id);
        fputc('\n', out);
    }
    for (i = 0; i < e->nmisconceptions; i++) {
        fprintf(out, "  [-%.1f] misconception: ", e->misconceptions[i].penalty);
        puts_safe(out,
                  e->misconceptions[i].text ? e->misconceptions[i].text : e->misconceptions[i].id);
        fputc('\n', out);
    }
    if (e->injection)
        fprintf(out, "  note: text addressed to the grader was ignored\n");
    if (e->flagged && e->note) {
        fprintf(out, "  flagged for review: ");
        puts_safe(out, e->note);
        fputc('\n', out);
    }
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
    fprintf(out, "submission: ");
    puts_safe(out, r->submission);
    fputc('\n', out);
    fprintf(out, "verdict:    %s%s%s", col(color, status_color(r->verdict)),
            verdict_name(r->verdict), col(color, "\033[0m"));
    if (r->verdict != VERDICT_PASSED && r->detail != NULL) {
        const char *nl = strchr(r->detail, '\n');
        fputs("  (", out);
        put_safe(out, r->detail, nl ? (size_t)(nl - r->detail) : strlen(r->detail));
        fputc(')', out);
    }
    fprintf(out, "\n\n");
    for (i = 0; i < r->nchecks; i++) {
        const struct check_result *c = &r->checks[i];
        fprintf(out, "  %s%s%s ", col(color, status_color(c->status)), status_mark(c->status),
                col(color, "\033[0m"));
        puts_safe(out, c->name);
        fprintf(out, "%*s", c->name != NULL && strlen(c->name) < 28 ? 28 - (int)strlen(c->name) : 0,
                "");
        if (c->has_metrics)
            fprintf(out, " %9s  py peak %10s",
                    fileio_human_duration((double)c->metrics.wall_ns, b, sizeof b),
                    fileio_human_size((double)c->metrics.py_peak_bytes, a, sizeof a));
        fprintf(out, "%s\n", c->visible ? "" : "  (hidden)");
        if (c->description != NULL && c->description[0] != '\0') {
            fputs(col(color, "\033[2m"), out);
            textwrap_print(out, c->description, "       ", "       ", wrap_width);
            fputs(col(color, "\033[0m"), out);
        }
        if (c->message != NULL && c->status != VERDICT_PASSED)
            indent_block(out, c->message, message_gutter(c->status), 10);
        if (c->lesson != NULL) {
            char arrow[32];
            snprintf(arrow, sizeof arrow, "       %s->%s ", col(color, "\033[36m"),
                     col(color, "\033[0m"));
            fputs(arrow, out);
            {
                char *safe = escaped(c->lesson, strlen(c->lesson));

                textwrap_print(out, safe != NULL ? safe : "?", "", "          ",
                               wrap_width > 0 ? wrap_width - 10 : 0);
                free(safe);
            }
        }
    }
    {
        char line[1024];
        size_t n;

        fprintf(out, "\n%sScore%s  ", col(color, "\033[1m"), col(color, "\033[0m"));
        n = (size_t)snprintf(line, sizeof line, "%.1f / %.0f   correctness %.1f/%.0f", s->total,
                             s->max, s->correctness, s->correctness_max);
        if (s->performance_max > 0 && n < sizeof line)
            n += (size_t)snprintf(line + n, sizeof line - n, ", performance %.1f/%.0f",
                                  s->performance, s->performance_max);
        /* A part worth nothing is not "missing". */
        if (s->explanation_max > 0 && s->explanation_missing && n < sizeof line)
            snprintf(line + n, sizeof line - n,
                     ", explanation missing (0/%.0f; add --explanation FILE)", s->explanation_max);
        else if (s->explanation_max > 0 && n < sizeof line)
            snprintf(line + n, sizeof line - n, ", explanation %.1f/%.0f", s->explanation,
                     s->explanation_max);
        textwrap_print(out, line, "", "       ", wrap_width > 0 ? wrap_width - 7 : 0);
        if (s->perf_origin != NULL) {
            char *safe = escaped(s->perf_origin, strlen(s->perf_origin));

            snprintf(line, sizeof line, "performance: %s", safe != NULL ? safe : "?");
            free(safe);
            textwrap_print(out, line, "  ", "    ", wrap_width);
        }
        snprintf(line, sizeof line,
                 "run: wall %.2f s, cpu %.2f s (parallelism %.2f), python peak %s%s, rss peak %s",
                 (double)r->metrics.wall_ns / 1e9, (double)r->metrics.cpu_ns / 1e9,
                 r->metrics.parallelism, r->metrics_partial ? "at least " : "",
                 fileio_human_size((double)r->metrics.py_peak_bytes, a, sizeof a),
                 fileio_human_size((double)r->metrics.rss_peak_bytes, b, sizeof b));
        textwrap_print(out, line, "  ", "    ", wrap_width);
    }
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
