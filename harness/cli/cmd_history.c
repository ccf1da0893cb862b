/*
 * cmd_history.c - see cmd_history.h.
 *
 * Progress per topic is the mean score (0..10) of each session that asked
 * the topic, oldest first; the chart draws the last HISTORY_TREND_MAX of
 * them as a sparkline and the overall mean as a bar.
 */
#include "cmd_history.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "cli.h"
#include "store.h"

#define HISTORY_TOPICS_MAX 64
#define HISTORY_SESSIONS_MAX 4096
/* Points of the trend kept per topic and sessions listed in text mode. */
#define HISTORY_TREND_MAX 20
#define HISTORY_LIST_MAX 10

static const char usage[] = "usage: pyharness history [--json]\n"
                            "Past practice sessions and progress per topic.";

struct topic {
    char name[64];
    size_t answers, timed_out;
    double sum, best;
    double trend[HISTORY_TREND_MAX]; /* session means, oldest first */
    size_t ntrend;
    long long last_session;
    double cur_sum;
    size_t cur_n;
};

struct session {
    long long id, started_at;
    int interrupted;
    size_t answers;
    double sum, seconds;
};

struct acc {
    struct topic t[HISTORY_TOPICS_MAX];
    size_t nt;
    struct session *s;
    size_t ns;
};

static void close_trend(struct topic *t)
{
    if (t->cur_n == 0)
        return;
    if (t->ntrend == HISTORY_TREND_MAX) {
        memmove(t->trend, t->trend + 1, sizeof t->trend[0] * (HISTORY_TREND_MAX - 1));
        t->ntrend--;
    }
    t->trend[t->ntrend++] = t->cur_sum / (double)t->cur_n;
    t->cur_sum = 0;
    t->cur_n = 0;
}

static int add_row(void *arg, const struct store_practice_row *row)
{
    struct acc *a = arg;
    double s10 = row->max > 0 ? row->score / row->max * 10.0 : 0;
    struct topic *t = NULL;
    size_t i;

    if (a->ns == 0 || a->s[a->ns - 1].id != row->session) {
        if (a->ns < HISTORY_SESSIONS_MAX) {
            struct session *s = &a->s[a->ns++];
            memset(s, 0, sizeof *s);
            s->id = row->session;
            s->started_at = row->started_at;
            s->interrupted = row->interrupted;
        }
    }
    if (a->ns > 0 && a->s[a->ns - 1].id == row->session) {
        a->s[a->ns - 1].answers++;
        a->s[a->ns - 1].sum += s10;
        a->s[a->ns - 1].seconds += row->seconds_used;
    }
    for (i = 0; i < a->nt; i++)
        if (strcmp(a->t[i].name, row->topic) == 0)
            break;
    if (i == a->nt) {
        if (a->nt == HISTORY_TOPICS_MAX)
            return 0;
        t = &a->t[a->nt++];
        memset(t, 0, sizeof *t);
        snprintf(t->name, sizeof t->name, "%s", row->topic);
    }
    t = &a->t[i];
    if (t->last_session != row->session)
        close_trend(t);
    t->last_session = row->session;
    t->answers++;
    t->timed_out += row->timed_out != 0;
    t->sum += s10;
    if (s10 > t->best)
        t->best = s10;
    t->cur_sum += s10;
    t->cur_n++;
    return 0;
}

static const char *const blocks[] = {" ",      "\u2581", "\u2582", "\u2583", "\u2584",
                                     "\u2585", "\u2586", "\u2587", "\u2588"};

static void print_text(struct acc *a)
{
    char when[32];

    if (a->ns == 0) {
        printf("No practice sessions yet: start one with `pyharness practice`.\n");
        return;
    }
    printf("Progress per topic (mean score out of 10; trend: one mark per session, oldest "
           "first)\n");
    printf("  %-20s %7s %5s  %-10s  %s\n", "topic", "answers", "mean", "", "trend");
    for (size_t i = 0; i < a->nt; i++) {
        struct topic *t = &a->t[i];
        double mean = t->sum / (double)t->answers;
        int full = (int)(mean + 0.5);
        printf("  %-20.20s %7zu %5.1f  ", t->name, t->answers, mean);
        for (int k = 0; k < 10; k++)
            fputs(k < full ? "\u2588" : "\u00b7", stdout);
        printf("  ");
        for (size_t k = 0; k < t->ntrend; k++) {
            int lvl = (int)(t->trend[k] / 10.0 * 8.0 + 0.5);
            fputs(blocks[lvl < 1 ? 1 : lvl > 8 ? 8 : lvl], stdout);
        }
        printf("\n");
    }
    printf("\nRecent sessions\n");
    for (size_t i = a->ns > HISTORY_LIST_MAX ? a->ns - HISTORY_LIST_MAX : 0; i < a->ns; i++) {
        struct session *s = &a->s[i];
        time_t t = (time_t)s->started_at;
        struct tm tm;
        if (localtime_r(&t, &tm) == NULL || strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm) == 0)
            snprintf(when, sizeof when, "%lld", s->started_at);
        printf("  #%-4lld %s  %2zu answer%s  mean %4.1f  %3.0f min%s\n", s->id, when, s->answers,
               s->answers == 1 ? " " : "s", s->sum / (double)s->answers, s->seconds / 60.0,
               s->interrupted ? "  (ended early)" : "");
    }
    /* The weakest topic is what the next session will lean toward. */
    size_t weakest = 0;
    for (size_t i = 1; i < a->nt; i++)
        if (a->t[i].sum / (double)a->t[i].answers <
            a->t[weakest].sum / (double)a->t[weakest].answers)
            weakest = i;
    printf("\nWeakest topic: %s; `pyharness practice` asks it more often.\n", a->t[weakest].name);
}

static int print_json(struct acc *a)
{
    cJSON *root = cJSON_CreateObject(), *topics, *sessions;
    char *text = NULL;
    int status = CLI_EXIT_INTERNAL;

    if (root == NULL)
        goto out;
    topics = cJSON_AddArrayToObject(root, "topics");
    sessions = cJSON_AddArrayToObject(root, "sessions");
    if (topics == NULL || sessions == NULL)
        goto out;
    for (size_t i = 0; i < a->nt; i++) {
        struct topic *t = &a->t[i];
        cJSON *o = cJSON_CreateObject(), *trend;
        if (o == NULL || !cJSON_AddItemToArray(topics, o))
            goto out;
        cJSON_AddStringToObject(o, "topic", t->name);
        cJSON_AddNumberToObject(o, "answers", (double)t->answers);
        cJSON_AddNumberToObject(o, "mean", t->sum / (double)t->answers);
        cJSON_AddNumberToObject(o, "best", t->best);
        cJSON_AddNumberToObject(o, "timed_out", (double)t->timed_out);
        trend = cJSON_AddArrayToObject(o, "trend");
        for (size_t k = 0; trend != NULL && k < t->ntrend; k++)
            cJSON_AddItemToArray(trend, cJSON_CreateNumber(t->trend[k]));
    }
    for (size_t i = 0; i < a->ns; i++) {
        struct session *s = &a->s[i];
        cJSON *o = cJSON_CreateObject();
        if (o == NULL || !cJSON_AddItemToArray(sessions, o))
            goto out;
        cJSON_AddNumberToObject(o, "id", (double)s->id);
        cJSON_AddNumberToObject(o, "started_at", (double)s->started_at);
        cJSON_AddNumberToObject(o, "answers", (double)s->answers);
        cJSON_AddNumberToObject(o, "mean", s->sum / (double)s->answers);
        cJSON_AddNumberToObject(o, "seconds_used", s->seconds);
        cJSON_AddBoolToObject(o, "interrupted", s->interrupted);
    }
    text = cJSON_Print(root);
    if (text == NULL)
        goto out;
    puts(text);
    status = CLI_EXIT_OK;
out:
    if (status != CLI_EXIT_OK)
        fprintf(stderr, "pyharness history: out of memory writing JSON\n");
    free(text);
    cJSON_Delete(root);
    return status;
}

int cmd_history_main(int argc, char **argv)
{
    struct ph_err err;
    struct store *st = NULL;
    char *path = NULL;
    struct acc *a = calloc(1, sizeof *a);
    int json = 0, npos = 0, parsed, status;
    const struct cli_opt opts[] = {
        {"json", 0, CLI_FLAG, NULL, "print JSON for tools", NULL, &json},
        {NULL, 0, CLI_FLAG, NULL, NULL, NULL, NULL},
    };

    ph_err_clear(&err);
    if (a == NULL || (a->s = calloc(HISTORY_SESSIONS_MAX, sizeof *a->s)) == NULL) {
        free(a);
        fprintf(stderr, "pyharness history: out of memory\n");
        return CLI_EXIT_INTERNAL;
    }
    parsed = cli_parse(usage, opts, argc, argv, &npos);
    if (parsed != CLI_PARSE_OK) {
        status = cli_parse_status(parsed);
        goto out;
    }
    if (npos != 0) {
        status = cli_usage("history: unexpected argument \"%s\"", argv[1]);
        goto out;
    }
    if (store_history_path(&path, &err) != PH_OK || store_open(path, &st, &err) != PH_OK ||
        store_practice_each(st, add_row, a, &err) != PH_OK) {
        status = cli_fail(&err);
        goto out;
    }
    for (size_t i = 0; i < a->nt; i++)
        close_trend(&a->t[i]);
    if (json) {
        status = print_json(a);
    } else {
        print_text(a);
        status = CLI_EXIT_OK;
    }
out:
    store_close(st);
    free(path);
    free(a->s);
    free(a);
    return status;
}
