/*
 * cmd_score.c - see cmd_score.h.
 *
 * Every answer file is read and checked before anything is scored, so a typo
 * in the fifth file name does not cost four LLM requests first.
 */
#include "cmd_score.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "bank.h"
#include "cli.h"
#include "cli_progress.h"
#include "err.h"
#include "exercise.h"
#include "explain.h"
#include "cli.h"
#include "explain_score.h"
#include "fileio.h"
#include "llm.h"
#include "paths.h"

/* An explanation is a few paragraphs; 64 KiB is far past any honest one and
 * keeps a prompt (and its cost) bounded. */
#define ANSWER_MAX (64 * 1024)
/* More files than this in one command is a shell glob gone wrong. */
#define ANSWERS_MAX 10000

static const char usage[] =
    "usage: pyharness score EXERCISE ANSWER_FILE... [--json] [--scorer offline|llm|auto]\n"
    "                       [--fallback offline] [--allow-remote] [--exercises DIR]\n"
    "Score written explanations of EXERCISE's concept (an exercise id or folder).\n"
    "The default scorer, auto, uses an LLM when one is configured and allowed (a local\n"
    "server, or a remote API with --allow-remote), else the offline rubric scorer.";

struct opts {
    int json;
    int allow_remote;
    enum explain_scorer scorer;
    const char *scorer_name;
    const char *fallback;
    const char *exercises;
    const char *exercise;
    const char **files;
    size_t nfiles;
};

/* Returns -1 when parsed, else the exit status (CLI_EXIT_OK for --help). */
static int parse_args(int argc, char **argv, struct opts *o)
{
    const struct cli_opt table[] = {
        {"json", 0, CLI_FLAG, NULL, "print JSON: one object per answer, an array for several", NULL,
         &o->json},
        {"scorer", 0, CLI_VALUE, "NAME", "offline (rubric, no network), llm, or auto (default)",
         &o->scorer_name, NULL},
        {"fallback", 0, CLI_VALUE, "offline",
         "with --scorer llm: score offline where the LLM gives no usable grade (else exit 1)",
         &o->fallback, NULL},
        {"allow-remote", 0, CLI_FLAG, NULL,
         "let answers go to a remote (non-loopback) LLM for this command", NULL, &o->allow_remote},
        {"exercises", 0, CLI_VALUE, "DIR", "look exercise ids up in DIR", &o->exercises, NULL},
        {NULL, 0, CLI_FLAG, NULL, NULL, NULL, NULL},
    };
    int npos = 0, parsed = cli_parse(usage, table, argc, argv, &npos);

    if (parsed != CLI_PARSE_OK)
        return cli_parse_status(parsed);
    if (o->scorer_name != NULL && explain_scorer_parse(o->scorer_name, &o->scorer) != 0)
        return cli_usage("score: --scorer %s: expected offline, llm or auto\n%s", o->scorer_name,
                         usage);
    if (o->fallback != NULL && strcmp(o->fallback, "offline") != 0)
        return cli_usage("score: --fallback %s: the only fallback is offline\n%s", o->fallback,
                         usage);
    if (o->exercises != NULL && o->exercises[0] == '\0')
        return cli_usage("score: --exercises needs a folder\n%s", usage);
    if (npos < 1)
        return cli_usage("score: missing EXERCISE and ANSWER_FILE\n%s", usage);
    if (npos < 2)
        return cli_usage("score: missing ANSWER_FILE\n%s", usage);
    if (npos - 1 > ANSWERS_MAX)
        return cli_usage("score: too many answer files (the limit is %d)\n%s", ANSWERS_MAX, usage);
    o->exercise = argv[1];
    for (int i = 2; i <= npos; i++)
        o->files[o->nfiles++] = argv[i];
    return -1;
}

/* Read and check one answer; messages name the file. */
static enum ph_rc read_answer(const char *path, char **out, struct ph_err *err)
{
    char *text = NULL;
    size_t len = 0;
    enum ph_rc rc;
    long bad;
    size_t i;

    *out = NULL;
    rc = fileio_read(path, ANSWER_MAX, &text, &len, err);
    if (rc == PH_ELIMIT) {
        ph_err_clear(err);
        rc = ph_errf(err, PH_EINPUT,
                     "%s: the answer is over 64 KiB; explanations are capped at "
                     "64 KiB",
                     path);
    }
    if (rc != PH_OK)
        goto out;
    for (i = 0; i < len && isspace((unsigned char)text[i]); i++)
        ;
    if (i == len) {
        rc = ph_errf(err, PH_EINPUT, "%s: the answer is empty", path);
        goto out;
    }
    if (memchr(text, '\0', len) != NULL) {
        rc = ph_errf(err, PH_EINPUT, "%s: not UTF-8 text (contains a NUL byte)", path);
        goto out;
    }
    bad = fileio_utf8_invalid_at(text, len);
    if (bad >= 0) {
        rc = ph_errf(err, PH_EINPUT, "%s: not UTF-8 text (invalid byte at offset %ld)", path, bad);
        goto out;
    }
    *out = text;
    text = NULL;
    rc = PH_OK;
out:
    free(text);
    return rc;
}

static void print_indented(const char *text, const char *indent)
{
    const char *p = text;

    while (*p != '\0') {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        printf("%s%.*s\n", indent, (int)n, p);
        p += n + (nl != NULL);
    }
}

static void print_text(const char *file, const struct explain_result *r)
{
    if (r->unscored)
        printf("%s: not scored  (scorer: %s)\n", file, r->scorer);
    else
        printf("%s: %.1f/%g  (scorer: %s%s%s, confidence %.2f)\n", file, r->score, r->max,
               r->scorer, r->cached ? ", cached" : "", r->fallback ? ", fallback" : "",
               r->confidence);
    if (r->needs_review)
        printf("  NEEDS REVIEW: %s\n", r->review_reason ? r->review_reason : "low confidence");
    if (r->unscored) {
        if (r->feedback != NULL)
            printf("  %s\n", r->feedback);
        return;
    }
    printf("  rubric points:\n");
    for (size_t i = 0; i < r->npoints; i++) {
        const struct explain_point *p = &r->points[i];
        printf("    [%3.0f%%] %s (weight %g): %s\n", p->credit * 100.0, p->id, p->weight,
               p->text ? p->text : "");
        if (p->evidence != NULL)
            printf("           evidence: \"%s\"\n", p->evidence);
    }
    if (r->nmisconceptions == 0) {
        printf("  misconceptions: none found\n");
    } else {
        printf("  misconceptions:\n");
        for (size_t i = 0; i < r->nmisconceptions; i++) {
            const struct explain_misconception *m = &r->misconceptions[i];
            printf("    [-%g] %s: %s\n", m->penalty, m->id, m->text ? m->text : "");
            if (m->correction != NULL)
                printf("           correct view: %s\n", m->correction);
            if (m->evidence != NULL)
                printf("           evidence: \"%s\"\n", m->evidence);
        }
    }
    if (r->injection)
        printf("  warning: the answer contains text addressed to the grader\n");
    if (r->offline.present) {
        printf("  offline scorer: %.1f/%g", r->offline.score, r->max);
        for (size_t i = 0; i < r->offline.nmisconceptions; i++)
            printf("%s%s", i == 0 ? "; misconceptions: " : ", ", r->offline.misconceptions[i]);
        printf("%s\n", r->offline.injection ? "; saw text addressed to the grader" : "");
    }
    if (r->flagged)
        printf("  FLAGGED for review\n");
    if (r->note != NULL)
        printf("  note: %s\n", r->note);
    if (r->feedback != NULL && r->feedback[0] != '\0') {
        printf("  feedback:\n");
        print_indented(r->feedback, "    ");
    }
}

/* The JSON for one job; NULL on out-of-memory. */
static cJSON *job_json(const struct explain_job *j)
{
    cJSON *o = explain_result_to_json(&j->result);

    if (o == NULL)
        return NULL;
    if (cJSON_AddStringToObject(o, "file", j->source) == NULL) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

static int print_json(const struct explain_job *jobs, size_t n)
{
    cJSON *root = NULL;
    char *text = NULL;
    int status = CLI_EXIT_INTERNAL;

    if (n == 1) {
        root = job_json(&jobs[0]);
    } else {
        root = cJSON_CreateArray();
        for (size_t i = 0; root != NULL && i < n; i++) {
            cJSON *o = job_json(&jobs[i]);
            if (o == NULL || !cJSON_AddItemToArray(root, o)) {
                cJSON_Delete(o);
                goto out;
            }
        }
    }
    if (root == NULL)
        goto out;
    text = cJSON_Print(root);
    if (text == NULL)
        goto out;
    puts(text);
    status = CLI_EXIT_OK;
out:
    if (status != CLI_EXIT_OK)
        fprintf(stderr, "pyharness score: out of memory writing JSON\n");
    free(text);
    cJSON_Delete(root);
    return status;
}

int cmd_score_main(int argc, char **argv)
{
    struct opts o;
    struct explain_opts eo;
    struct cli_progress prog;
    struct llm_watch watch;
    struct ph_err err;
    struct exercise *ex = NULL;
    struct explain_job *jobs = NULL;
    char **answers = NULL;
    char *dir = NULL;
    enum ph_rc rc;
    int status = CLI_EXIT_INTERNAL;

    memset(&o, 0, sizeof o);
    ph_err_clear(&err);
    o.scorer = EXPLAIN_AUTO;
    o.files = calloc((size_t)(argc > 0 ? argc : 1), sizeof *o.files);
    if (o.files == NULL) {
        fprintf(stderr, "pyharness score: out of memory\n");
        return CLI_EXIT_INTERNAL;
    }
    status = parse_args(argc, argv, &o);
    if (status >= 0)
        goto out;

    if (o.exercises != NULL) {
        rc = paths_set_exercises(o.exercises, &err);
        if (rc != PH_OK)
            goto fail;
    }
    rc = bank_resolve(o.exercise, &dir, &err);
    if (rc != PH_OK)
        goto fail;
    rc = exercise_load(dir, &ex, &err);
    if (rc != PH_OK)
        goto fail;
    if (ex->rubric == NULL) {
        rc = ph_errf(&err, PH_EINPUT,
                     "%s: no \"rubric\": this exercise has no explanation to "
                     "score",
                     ex->json_path);
        goto fail;
    }

    answers = calloc(o.nfiles, sizeof *answers);
    jobs = calloc(o.nfiles, sizeof *jobs);
    if (answers == NULL || jobs == NULL) {
        rc = ph_errf(&err, PH_ENOMEM, "out of memory");
        goto fail;
    }
    /* Check every file first and report each bad one. */
    rc = PH_OK;
    for (size_t i = 0; i < o.nfiles; i++) {
        struct ph_err ferr;
        ph_err_clear(&ferr);
        if (read_answer(o.files[i], &answers[i], &ferr) != PH_OK) {
            fprintf(stderr, "pyharness score: %s\n", ferr.msg);
            if (rc == PH_OK)
                rc = ferr.rc;
        }
    }
    if (rc != PH_OK) {
        status = cli_exit_status(rc);
        goto out;
    }
    for (size_t i = 0; i < o.nfiles; i++) {
        jobs[i].ex = ex;
        jobs[i].answer = answers[i];
        jobs[i].source = o.files[i];
    }
    memset(&eo, 0, sizeof eo);
    eo.scorer = o.scorer;
    eo.fallback_offline = o.fallback != NULL || o.scorer == EXPLAIN_AUTO;
    eo.allow_remote = o.allow_remote;
    /* What the LLM waits for, on stderr: stdout keeps the scores. */
    cli_progress_init(&prog, stderr);
    watch.fn = cli_progress_llm;
    watch.ud = &prog;
    eo.watch = &watch;
    rc = explain_score_batch(jobs, o.nfiles, &eo, &err);
    cli_progress_finish(&prog);
    for (size_t i = 0; i < o.nfiles; i++)
        if (jobs[i].rc != PH_OK)
            fprintf(stderr, "pyharness score: %s: %s\n", o.files[i], jobs[i].err.msg);
    if (rc != PH_OK) {
        /* Per-job failures were printed above; a batch failure was not. */
        int any_job = 0;
        for (size_t i = 0; i < o.nfiles; i++)
            any_job |= jobs[i].rc != PH_OK;
        if (!any_job)
            fprintf(stderr, "pyharness score: %s\n", err.msg);
        /* No usable LLM grade is a failed scoring, not bad input. */
        status = rc == PH_ENET || rc == PH_EPROTO ? CLI_EXIT_NOT_PASSED : cli_exit_status(rc);
        goto out;
    }

    if (o.json) {
        status = print_json(jobs, o.nfiles);
    } else {
        for (size_t i = 0; i < o.nfiles; i++) {
            if (i > 0)
                printf("\n");
            print_text(o.files[i], &jobs[i].result);
        }
        if (ex->model_answer != NULL) {
            printf("\nmodel answer:\n");
            print_indented(ex->model_answer, "  ");
        }
        status = CLI_EXIT_OK;
    }
    goto out;
fail:
    fprintf(stderr, "pyharness score: %s\n", err.msg);
    status = cli_exit_status(rc);
out:
    if (fflush(stdout) != 0 && status == CLI_EXIT_OK)
        status = CLI_EXIT_INTERNAL;
    for (size_t i = 0; jobs != NULL && i < o.nfiles; i++)
        explain_result_cleanup(&jobs[i].result);
    for (size_t i = 0; answers != NULL && i < o.nfiles; i++)
        free(answers[i]);
    free(jobs);
    free(answers);
    exercise_free(ex);
    free(dir);
    free(o.files);
    return status;
}
