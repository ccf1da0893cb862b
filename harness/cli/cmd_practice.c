/*
 * cmd_practice.c - see cmd_practice.h.
 */
#include "cmd_practice.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "exercise.h"
#include "explain.h"
#include "explain_score.h"
#include "paths.h"
#include "qbank.h"
#include "session.h"
#include "store.h"

/* Scores a question's own model answer must reach, and an off-topic or
 * empty one must stay under, for the bank to pass --check-bank.  The
 * exercises' rubrics (exercises/, tuned by the scorer's own work) are held
 * to "under half" for now: today's offline scorer gives an off-topic
 * paragraph partial credit on a few of them (up to 4.1). */
#define CHECK_MODEL_MIN 7.0
#define CHECK_OFFTOPIC_MAX 2.0
#define CHECK_OFFTOPIC_MAX_EXERCISE 5.0

static const char usage[] =
    "usage: pyharness practice [--topic T] [--minutes M] [--questions N] [--voice]\n"
    "                          [--answer-audio FILE] [--answers FILE] [--check-bank]\n"
    "A timed practice session: questions weighted toward your weakest topics, a\n"
    "countdown, instant scores per rubric point and the model answers.";

static const char offtopic[] =
    "To make a good risotto, toast the rice in butter first, then add warm stock one ladle "
    "at a time and stir until it is absorbed. Finish with parmesan and let it rest for two "
    "minutes before serving.";

static int parse_double(const char *s, double lo, double hi, double *out)
{
    char *end;
    double v;

    errno = 0;
    v = strtod(s, &end);
    if (errno != 0 || end == s || *end != '\0' || !(v >= lo && v <= hi))
        return -1;
    *out = v;
    return 0;
}

/* Score each concept question's model answer, an empty answer and an
 * off-topic one with the offline scorer; print a line per question. */
static int check_bank(const struct qbank *b)
{
    int bad = 0;
    size_t nconcept = 0;

    for (size_t i = 0; i < b->n; i++) {
        const struct qbank_question *q = &b->q[i];
        struct explain_job jobs[3];
        const char *answers[3] = {q->ex->model_answer, ".", offtopic};
        struct ph_err err;

        if (q->ex->rubric == NULL) {
            printf("%-34s %-16s no rubric (coding exercise graded by its checks)\n", q->id,
                   q->topic);
            continue;
        }
        nconcept += q->kind == QBANK_CONCEPT;
        memset(jobs, 0, sizeof jobs);
        ph_err_clear(&err);
        for (int k = 0; k < 3; k++) {
            jobs[k].ex = q->ex;
            jobs[k].answer = answers[k];
            jobs[k].source = q->id;
        }
        if (explain_score_many(jobs, 3, EXPLAIN_OFFLINE, &err) != PH_OK) {
            printf("%-34s %-16s FAIL: %s\n", q->id, q->topic, err.msg);
            bad++;
        } else {
            double cap =
                q->kind == QBANK_CONCEPT ? CHECK_OFFTOPIC_MAX : CHECK_OFFTOPIC_MAX_EXERCISE;
            int ok = jobs[0].result.score >= CHECK_MODEL_MIN && jobs[1].result.score <= cap &&
                     jobs[2].result.score <= cap;
            printf("%-34s %-16s model %4.1f  empty %3.1f  off-topic %3.1f  %s\n", q->id, q->topic,
                   jobs[0].result.score, jobs[1].result.score, jobs[2].result.score,
                   ok ? "ok" : "FAIL");
            bad += !ok;
            /* Show the author which points a bad answer earned. */
            for (int k = 0; !ok && k < 3; k++)
                for (size_t j = 0; j < jobs[k].result.npoints; j++)
                    if ((k == 0) != (jobs[k].result.points[j].credit > 0))
                        printf("    %s answer: %s %.0f%%%s%s\n",
                               k == 0   ? "model"
                               : k == 1 ? "empty"
                                        : "off-topic",
                               jobs[k].result.points[j].id, jobs[k].result.points[j].credit * 100,
                               jobs[k].result.points[j].evidence ? ": " : "",
                               jobs[k].result.points[j].evidence ? jobs[k].result.points[j].evidence
                                                                 : "");
        }
        for (int k = 0; k < 3; k++)
            explain_result_cleanup(&jobs[k].result);
    }
    printf("%zu questions (%zu concept questions): %s\n", b->n, nconcept,
           bad ? "some FAIL" : "all ok");
    return bad ? CLI_EXIT_NOT_PASSED : CLI_EXIT_OK;
}

int cmd_practice_main(int argc, char **argv)
{
    struct session_opts so;
    struct ph_err err;
    struct qbank *bank = NULL;
    struct store *st = NULL;
    char *qdir = NULL, *hist = NULL;
    const char *topic = NULL, *minutes = NULL, *questions = NULL, *seconds = NULL;
    const char *audio = NULL, *answers = NULL, *voice_lm = NULL, *seed = NULL, *scorer = NULL;
    const char *qdir_opt = NULL;
    int voice = 0, check = 0, no_code = 0, plain = 0, no_history = 0, npos = 0, parsed;
    int status = CLI_EXIT_INTERNAL;
    double v;
    const struct cli_opt opts[] = {
        {"topic", 't', CLI_VALUE, "T", "only questions of topic T (or whose id starts with T)",
         &topic, NULL},
        {"minutes", 'm', CLI_VALUE, "M", "the session's time (default 20; fractions allowed)",
         &minutes, NULL},
        {"questions", 'n', CLI_VALUE, "N", "ask N questions (default: as many as fit)", &questions,
         NULL},
        {"seconds", 0, CLI_VALUE, "S", "time per question (default: a fair share of the session)",
         &seconds, NULL},
        {"voice", 0, CLI_FLAG, NULL, "speak the questions; Ctrl-R records a spoken answer", NULL,
         &voice},
        {"answer-audio", 0, CLI_VALUE, "FILE",
         "a WAV answering the first question (or a folder of <id>.wav)", &audio, NULL},
        {"voice-lm", 0, CLI_VALUE, "NAME",
         "recogniser language model: bank (default), mixed or general", &voice_lm, NULL},
        {"answers", 0, CLI_VALUE, "FILE", "grade scripted answers (\"## QUESTION-ID\" sections)",
         &answers, NULL},
        {"scorer", 0, CLI_VALUE, "NAME", "offline, llm or auto (default auto)", &scorer, NULL},
        {"no-code", 0, CLI_FLAG, NULL, "concept questions only (no coding exercises)", NULL,
         &no_code},
        {"plain", 0, CLI_FLAG, NULL, "plain line-by-line prompts even on a terminal", NULL, &plain},
        {"seed", 0, CLI_VALUE, "N", "pick questions reproducibly", &seed, NULL},
        {"no-history", 0, CLI_FLAG, NULL, "neither read nor record the history", NULL, &no_history},
        {"questions-dir", 0, CLI_VALUE, "DIR", "the concept question bank (default questions/)",
         &qdir_opt, NULL},
        {"check-bank", 0, CLI_FLAG, NULL,
         "score every model answer, an empty and an off-topic answer; exit 1 on a bad question",
         NULL, &check},
        {NULL, 0, CLI_FLAG, NULL, NULL, NULL, NULL},
    };

    ph_err_clear(&err);
    memset(&so, 0, sizeof so);
    so.minutes = 20;
    so.scorer = EXPLAIN_AUTO;
    parsed = cli_parse(usage, opts, argc, argv, &npos);
    if (parsed != CLI_PARSE_OK)
        return cli_parse_status(parsed);
    if (npos != 0)
        return cli_usage("practice: unexpected argument \"%s\"\n%s", argv[1], usage);
    if (minutes != NULL && parse_double(minutes, 0.05, 600, &so.minutes) != 0)
        return cli_usage("--minutes takes a number of minutes from 0.05 to 600, not \"%s\"",
                         minutes);
    if (questions != NULL) {
        if (parse_double(questions, 1, 64, &v) != 0 || v != (unsigned)v)
            return cli_usage("--questions takes a whole number from 1 to 64, not \"%s\"",
                             questions);
        so.count = (unsigned)v;
    }
    if (seconds != NULL && parse_double(seconds, 1, 7200, &so.seconds) != 0)
        return cli_usage("--seconds takes a number of seconds from 1 to 7200, not \"%s\"", seconds);
    if (seed != NULL) {
        if (parse_double(seed, 0, 1e15, &v) != 0)
            return cli_usage("--seed takes a whole number, not \"%s\"", seed);
        so.seed = (uint64_t)v;
    }
    if (scorer != NULL && explain_scorer_parse(scorer, &so.scorer) != 0)
        return cli_usage("--scorer takes offline, llm or auto, not \"%s\"", scorer);
    if (voice_lm != NULL && strcmp(voice_lm, "mixed") != 0 && strcmp(voice_lm, "bank") != 0 &&
        strcmp(voice_lm, "general") != 0)
        return cli_usage("--voice-lm takes bank, mixed or general, not \"%s\"", voice_lm);
    if (answers != NULL && (voice || audio != NULL))
        return cli_usage("--answers grades written answers: it does not go with --voice or "
                         "--answer-audio");
    so.topic = topic;
    so.voice = voice;
    so.answer_audio = audio;
    so.answers_file = answers;
    so.voice_lm = voice_lm;
    so.concepts_only = no_code;
    so.plain = plain;

    if (qdir_opt != NULL) {
        qdir = strdup(qdir_opt);
        if (qdir == NULL) {
            ph_errf(&err, PH_ENOMEM, "out of memory");
            goto fail;
        }
    } else if (qbank_default_dir(&qdir, &err) != PH_OK) {
        goto fail;
    }
    if (qbank_load(qdir, paths_exercises_dir(), &bank, &err) != PH_OK)
        goto fail;
    if (check) {
        status = check_bank(bank);
        goto out;
    }
    if (cli_start_python(&err) != PH_OK)
        goto fail;
    if (!no_history) {
        if (store_history_path(&hist, &err) != PH_OK || store_open(hist, &st, &err) != PH_OK)
            goto fail;
    }
    status = cli_exit_status(session_run(&so, bank, st));
    goto out;
fail:
    status = cli_fail(&err);
out:
    store_close(st);
    qbank_free(bank);
    free(qdir);
    free(hist);
    return status;
}
