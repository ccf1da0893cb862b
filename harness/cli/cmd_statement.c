/* cmd_statement.c - see cmd_statement.h. */
#include "cmd_statement.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bank.h"
#include "cli.h"
#include "cmd_show.h"
#include "exercise.h"
#include "fileio.h"
#include "ratio.h"

#define STARTER_MAX (256u * 1024) /* a starter is a page of signatures and docstrings */

static const char show_usage[] =
    "usage: pyharness show EXERCISE [--json]\n"
    "The question, the statement (starter.py), the visible checks and how the grade is made.\n"
    "(pyharness show RESULT.json | --store DB --id N renders a saved result again.)\n";

static const char start_usage[] =
    "usage: pyharness start EXERCISE [DIR] [--force]\n"
    "Copy the exercise's starter to DIR/EXERCISE.py (DIR defaults to the current folder)\n"
    "and print the command that grades it.\n";

static const char *bold(int color)
{
    return color ? "\033[1m" : "";
}

static const char *plain(int color)
{
    return color ? "\033[0m" : "";
}

/*
 * Where the performance marks start and end, said as reports say a run's
 * figures ("full marks at 2.00x slower than the reference or better, ...");
 * a ratio of anything else (a share of a possible speed-up) as its bounds.
 * tools/statements.py renders the same words into each starter.py.
 */
static const char *perf_terms(const struct exercise *ex, char *buf, size_t cap)
{
    const struct exercise_perf *p = &ex->perf;
    struct ratio_pair pair;

    if (p->num.kind == RULE_OPERAND_PATH && p->den.kind == RULE_OPERAND_PATH &&
        ratio_classify(p->num.path.text, p->den.path.text, &pair) == 0)
        return ratio_terms(&pair, p->full_at, p->zero_at, buf, cap);
    snprintf(buf, cap, "full marks at a ratio of %g or %s, none at %g or %s", p->full_at,
             p->full_at > p->zero_at ? "more" : "less", p->zero_at,
             p->full_at > p->zero_at ? "less" : "more");
    return buf;
}

static cJSON *show_json(const struct exercise *ex, const char *starter_path)
{
    cJSON *o = cJSON_CreateObject(), *checks = cJSON_AddArrayToObject(o, "visible_checks");
    cJSON *w = cJSON_AddObjectToObject(o, "weights");
    size_t i, hidden = 0;
    char terms[256];

    cJSON_AddStringToObject(o, "id", ex->id);
    cJSON_AddStringToObject(o, "title", ex->title);
    cJSON_AddStringToObject(o, "topic", ex->topic);
    if (ex->question != NULL)
        cJSON_AddStringToObject(o, "question", ex->question);
    cJSON_AddStringToObject(o, "starter", starter_path);
    for (i = 0; i < ex->nchecks; i++) {
        const struct exercise_check *c = &ex->checks[i];
        cJSON *one;
        if (!c->visible) {
            hidden++;
            continue;
        }
        one = cJSON_CreateObject();
        cJSON_AddStringToObject(one, "name", c->name);
        cJSON_AddStringToObject(one, "description", c->description ? c->description : "");
        cJSON_AddNumberToObject(one, "weight", c->weight);
        cJSON_AddItemToArray(checks, one);
    }
    cJSON_AddNumberToObject(o, "hidden_checks", (double)hidden);
    cJSON_AddNumberToObject(w, "correctness", ex->weights.correctness);
    cJSON_AddNumberToObject(w, "performance", ex->weights.performance);
    cJSON_AddNumberToObject(w, "explanation", ex->weights.explanation);
    if (ex->perf.present) {
        cJSON *p = cJSON_AddObjectToObject(o, "performance");
        cJSON_AddStringToObject(p, "check", ex->perf.check);
        cJSON_AddStringToObject(p, "describe", ex->perf.describe ? ex->perf.describe : "");
        cJSON_AddNumberToObject(p, "full_at", ex->perf.full_at);
        cJSON_AddNumberToObject(p, "zero_at", ex->perf.zero_at);
        cJSON_AddStringToObject(p, "terms", perf_terms(ex, terms, sizeof terms));
    }
    return o;
}

void cmd_statement_write(FILE *out, const struct exercise *ex, const char *starter_path,
                         const char *starter, int color, int width)
{
    size_t i, hidden = 0;
    double visible_w = 0, total_w = 0;
    char line[1024];

    fprintf(out, "%s%s%s  %s\n", bold(color), ex->id, plain(color), ex->title);
    fprintf(out, "topic: %s\n", ex->topic);
    if (ex->question != NULL) {
        fprintf(out, "\n%sQuestion%s\n", bold(color), plain(color));
        cli_wrap(out, ex->question, "  ", width);
    }
    fprintf(out, "\n%sStatement%s (%s)\n", bold(color), plain(color), starter_path);
    if (starter != NULL) {
        const char *p = starter;
        while (*p != '\0') {
            const char *nl = strchr(p, '\n');
            size_t n = nl ? (size_t)(nl - p) : strlen(p);
            fprintf(out, "  | %.*s\n", (int)n, p);
            p = nl ? nl + 1 : p + n;
        }
    }
    for (i = 0; i < ex->nchecks; i++) {
        total_w += ex->checks[i].weight;
        if (ex->checks[i].visible)
            visible_w += ex->checks[i].weight;
        else
            hidden++;
    }
    fprintf(out, "\n%sVisible checks%s\n", bold(color), plain(color));
    for (i = 0; i < ex->nchecks; i++) {
        const struct exercise_check *c = &ex->checks[i];
        if (!c->visible)
            continue;
        fprintf(out, "  %s (weight %g)\n", c->name, c->weight);
        cli_wrap(out, c->description ? c->description : "(no description)", "      ", width);
    }
    if (hidden > 0)
        fprintf(out, "  and %zu hidden check%s (%.0f%% of the correctness weight)\n", hidden,
                hidden == 1 ? "" : "s", total_w > 0 ? 100.0 * (total_w - visible_w) / total_w : 0);
    fprintf(out, "\n%sHow the grade is made%s\n", bold(color), plain(color));
    fprintf(out, "  correctness %.0f, performance %.0f, explanation %.0f (of %.0f)\n",
            ex->weights.correctness, ex->weights.performance, ex->weights.explanation,
            ex->weights.correctness + ex->weights.performance + ex->weights.explanation);
    cli_wrap(out,
             "correctness: each check's share is its weight; a check passes when your "
             "function's results match the reference's and its rules on time and memory hold.",
             "  ", width);
    if (ex->perf.present) {
        char terms[256];
        snprintf(line, sizeof line,
                 "performance: from check %s, %s; %s, linear in between; the check must pass for "
                 "any credit.",
                 ex->perf.check, ex->perf.describe ? ex->perf.describe : "a measured ratio",
                 perf_terms(ex, terms, sizeof terms));
        cli_wrap(out, line, "  ", width);
    }
    if (ex->weights.explanation > 0)
        cli_wrap(out,
                 "explanation: answer the question above in a short text file and pass it with "
                 "--explanation FILE; it is scored against the exercise's rubric.",
                 "  ", width);
    fprintf(out, "  limits: %g s wall, %g s CPU, %zu MiB of memory per run\n", ex->limits.wall_s,
            ex->limits.cpu_s, ex->limits.memory_bytes / (1024 * 1024));
    if (strcmp(starter_path, "starter.py") != 0) /* not in a student kit */
        fprintf(out, "\nnext: pyharness start %s\n", ex->id);
}

/* `pyharness show EXERCISE`: the statement, or with --json its fields. */
static int cmd_statement_main(int argc, char **argv)
{
    struct ph_err err = {0};
    struct exercise *ex = NULL;
    char *dir = NULL, *starter = NULL;
    char starter_path[4096];
    size_t len = 0;
    int json = 0, npos, parsed, status;
    const struct cli_opt opts[] = {
        {"json", 0, CLI_FLAG, NULL, "print it as JSON", NULL, &json},
        {NULL, 0, CLI_FLAG, NULL, NULL, NULL, NULL},
    };

    parsed = cli_parse(show_usage, opts, argc, argv, &npos);
    if (parsed != CLI_PARSE_OK)
        return cli_parse_status(parsed);
    if (npos != 1)
        return cli_usage("show: needs one exercise id\n%s", show_usage);
    if (bank_resolve(argv[1], &dir, &err) != PH_OK || exercise_load(dir, &ex, &err) != PH_OK)
        goto fail;
    snprintf(starter_path, sizeof starter_path, "%s/starter.py", ex->dir);
    if (fileio_read(starter_path, STARTER_MAX, &starter, &len, &err) != PH_OK)
        goto fail;
    if (json) {
        cJSON *o = show_json(ex, starter_path);
        char *text = o ? cJSON_Print(o) : NULL;
        cJSON_Delete(o);
        if (text == NULL) {
            ph_errf(&err, PH_ENOMEM, "out of memory");
            goto fail;
        }
        printf("%s\n", text);
        free(text);
    } else {
        cmd_statement_write(stdout, ex, starter_path, starter, cli_color(stdout),
                            cli_width(stdout));
    }
    status = CLI_EXIT_OK;
    goto out;
fail:
    status = cli_fail(&err);
out:
    free(starter);
    exercise_free(ex);
    free(dir);
    return status;
}

/* Write `len` bytes to a new file `path`; an existing file is kept unless
 * `force`. */
static enum ph_rc write_new(const char *path, const char *buf, size_t len, int force,
                            struct ph_err *err)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | (force ? O_TRUNC : O_EXCL), 0644);
    size_t done = 0;

    if (fd < 0 && errno == EEXIST)
        return ph_errf(err, PH_EINPUT,
                       "%s already exists: kept as it is (add --force to start over)", path);
    if (fd < 0)
        return ph_errf(err, PH_EINPUT, "%s: cannot create it: %s", path, strerror(errno));
    while (done < len) {
        ssize_t n = write(fd, buf + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            int e = errno;
            close(fd);
            return ph_errf(err, PH_EIO, "%s: write failed: %s", path, strerror(e));
        }
        done += (size_t)n;
    }
    if (close(fd) != 0)
        return ph_errf(err, PH_EIO, "%s: write failed: %s", path, strerror(errno));
    return PH_OK;
}

int cmd_start_main(int argc, char **argv)
{
    struct ph_err err = {0};
    struct exercise *ex = NULL;
    char *dir = NULL, *starter = NULL;
    char src[4096], dst[4096];
    const char *into = ".";
    size_t len = 0;
    int force = 0, npos, parsed, status;
    const struct cli_opt opts[] = {
        {"force", 'f', CLI_FLAG, NULL, "overwrite an existing working file", NULL, &force},
        {NULL, 0, CLI_FLAG, NULL, NULL, NULL, NULL},
    };

    parsed = cli_parse(start_usage, opts, argc, argv, &npos);
    if (parsed != CLI_PARSE_OK)
        return cli_parse_status(parsed);
    if (npos < 1 || npos > 2)
        return cli_usage("start: needs an exercise id and, optionally, a folder\n%s", start_usage);
    if (npos == 2)
        into = argv[2];
    if (bank_resolve(argv[1], &dir, &err) != PH_OK || exercise_load(dir, &ex, &err) != PH_OK)
        goto fail;
    if (!fileio_is_dir(into)) {
        ph_errf(&err, PH_EINPUT, "%s: no such folder (create it first, or leave DIR out)", into);
        goto fail;
    }
    snprintf(src, sizeof src, "%s/starter.py", ex->dir);
    if (fileio_read(src, STARTER_MAX, &starter, &len, &err) != PH_OK)
        goto fail;
    if ((size_t)snprintf(dst, sizeof dst, "%s/%s.py", into, ex->id) >= sizeof dst) {
        ph_errf(&err, PH_EINPUT, "%s: path too long", into);
        goto fail;
    }
    if (write_new(dst, starter, len, force, &err) != PH_OK)
        goto fail;
    printf("wrote %s (the starter of %s)\n", dst, ex->id);
    printf("next: edit it, then grade it with\n  pyharness run %s %s\n", ex->id, dst);
    if (ex->weights.explanation > 0)
        printf("and, with your answer to the question in a text file,\n"
               "  pyharness run %s %s --explanation answer.md\n",
               ex->id, dst);
    printf("(`pyharness show %s` prints the statement again)\n", ex->id);
    status = CLI_EXIT_OK;
    goto out;
fail:
    status = cli_fail(&err);
out:
    free(starter);
    exercise_free(ex);
    free(dir);
    return status;
}

/* A saved result (a file, or --store/--id) or an exercise id. */
static int names_a_result(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        size_t n = strlen(a);
        if (strncmp(a, "--store", 7) == 0 || strncmp(a, "--id", 4) == 0)
            return 1;
        if (a[0] != '-' && (fileio_is_file(a) || (n > 5 && strcmp(a + n - 5, ".json") == 0)))
            return 1;
    }
    return 0;
}

int cmd_show_any_main(int argc, char **argv)
{
    return names_a_result(argc, argv) ? cmd_show_main(argc, argv) : cmd_statement_main(argc, argv);
}
