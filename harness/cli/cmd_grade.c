/*
 * cmd_grade.c - `pyharness grade HOMEWORK SUBMISSIONS --out DIR [-j N]
 *               [--shard K/N] [--regrade] [--format LIST] ...`
 *
 * Parses and checks everything (homework, submissions, --out) before the
 * first part is graded, then grades (grade_run.c) and writes the outputs
 * from the store (grade_report.c).
 */
#include "cmd_grade.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "cli.h"
#include "engine.h"
#include "explain_score.h"
#include "fileio.h"
#include "grade_report.h"
#include "grade_run.h"
#include "homework.h"
#include "paths.h"
#include "store.h"
#include "submissions.h"

static const char usage[] =
    "usage: pyharness grade HOMEWORK.json SUBMISSIONS/ --out DIR [-j N] [--shard K/N]\n"
    "                       [--regrade] [--format nbgrader,canvas,moodle] [--scorer NAME]\n"
    "                       [--manifest CSV] [--single [--student ID]]\n"
    "                       [--gradescope-metadata FILE] [--as-of TIME] [--published]\n"
    "                       [--reference rolling|each] [--reference-every K]\n";

#define METADATA_MAX (4u << 20)

int cmd_grade_parse_formats(const char *s, unsigned *out)
{
    char buf[128];
    char *p, *save = NULL;

    *out = GRADE_FORMAT_NBGRADER;
    if (s == NULL)
        return 0;
    if (strlen(s) >= sizeof buf)
        return -1;
    snprintf(buf, sizeof buf, "%s", s);
    for (p = buf; p != NULL; p = save) {
        save = strchr(p, ',');
        if (save != NULL)
            *save++ = '\0';
        if (strcmp(p, "nbgrader") == 0 || strcmp(p, "csv") == 0)
            *out |= GRADE_FORMAT_NBGRADER;
        else if (strcmp(p, "canvas") == 0)
            *out |= GRADE_FORMAT_CANVAS;
        else if (strcmp(p, "moodle") == 0)
            *out |= GRADE_FORMAT_MOODLE;
        else
            return -1;
    }
    return 0;
}

static int parse_shard(const char *s, int *k, int *n)
{
    char *end;
    long a, b;

    a = strtol(s, &end, 10);
    if (end == s || *end != '/')
        return -1;
    s = end + 1;
    b = strtol(s, &end, 10);
    if (end == s || *end != '\0' || b < 1 || b > 100000 || a < 1 || a > b)
        return -1;
    *k = (int)a;
    *n = (int)b;
    return 0;
}

/* Gradescope's submission_metadata.json: who, when, the due date it
 * enforces, and the earlier submissions (for the budget). */
struct gs_meta {
    char student[256];
    long long created_at;
    long long due; /* 0: keep the homework's */
    int previous;
    double previous_best;
};

static enum ph_rc read_gs_meta(const char *path, struct gs_meta *m, struct ph_err *err)
{
    char *text = NULL;
    size_t len = 0;
    cJSON *root = NULL;
    const cJSON *v, *u, *a, *prev, *it;
    enum ph_rc rc;

    memset(m, 0, sizeof *m);
    m->previous_best = -1;
    rc = fileio_read(path, METADATA_MAX, &text, &len, err);
    if (rc != PH_OK)
        return ph_errf(err, PH_EINPUT, "%s", err->msg);
    root = cJSON_Parse(text);
    free(text);
    if (!cJSON_IsObject(root)) {
        cJSON_Delete(root);
        return ph_errf(err, PH_EINPUT, "%s: not a JSON object", path);
    }
    v = cJSON_GetObjectItemCaseSensitive(root, "created_at");
    if (cJSON_IsString(v) && homework_parse_time(v->valuestring, &m->created_at) != 0) {
        cJSON_Delete(root);
        return ph_errf(err, PH_EINPUT, "%s: created_at: not a time", path);
    }
    a = cJSON_GetObjectItemCaseSensitive(root, "assignment");
    v = cJSON_GetObjectItemCaseSensitive(a, "due_date");
    if (cJSON_IsString(v) && homework_parse_time(v->valuestring, &m->due) != 0) {
        cJSON_Delete(root);
        return ph_errf(err, PH_EINPUT, "%s: assignment.due_date: not a time", path);
    }
    u = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(root, "users"), 0);
    v = cJSON_GetObjectItemCaseSensitive(u, "sid");
    if (!cJSON_IsString(v) || v->valuestring[0] == '\0')
        v = cJSON_GetObjectItemCaseSensitive(u, "email");
    if (cJSON_IsString(v) && v->valuestring[0] != '\0' && strchr(v->valuestring, '/') == NULL &&
        v->valuestring[0] != '.')
        snprintf(m->student, sizeof m->student, "%s", v->valuestring);
    prev = cJSON_GetObjectItemCaseSensitive(root, "previous_submissions");
    cJSON_ArrayForEach(it, prev)
    {
        const cJSON *sc = cJSON_GetObjectItemCaseSensitive(it, "score");
        m->previous++;
        if (cJSON_IsNumber(sc) && sc->valuedouble > m->previous_best)
            m->previous_best = sc->valuedouble;
        else if (cJSON_IsString(sc) && strtod(sc->valuestring, NULL) > m->previous_best)
            m->previous_best = strtod(sc->valuestring, NULL);
    }
    cJSON_Delete(root);
    return PH_OK;
}

static enum ph_rc start_engine(struct ph_err *err)
{
    return cli_start_python(err);
}

int cmd_grade_main(int argc, char **argv)
{
    const char *out = NULL, *jobs_s = NULL, *shard_s = NULL, *format_s = NULL, *scorer_s = NULL;
    const char *manifest = NULL, *student = NULL, *gsmeta = NULL, *as_of = NULL;
    const char *ref_s = NULL, *ref_every_s = NULL;
    int regrade = 0, single = 0, published = 0, quiet = 0, npos, parsed;
    struct homework *hw = NULL;
    struct subs_class *cls = NULL;
    struct store *st = NULL;
    struct ph_err err = {0};
    struct grade_opts go;
    struct grade_counts counts;
    struct grade_report_opts ro;
    struct grade_report_totals tot;
    struct subs_opts so;
    struct gs_meta gm;
    enum explain_scorer which = EXPLAIN_OFFLINE;
    char store_path[4096];
    int status = CLI_EXIT_INTERNAL;
    const struct cli_opt opts_table[] = {
        {"out", 'o', CLI_VALUE, "DIR", "results folder (created; must be writable)", &out, NULL},
        {"jobs", 'j', CLI_VALUE, "N", "worker processes (default 1)", &jobs_s, NULL},
        {"shard", 0, CLI_VALUE, "K/N", "grade only slice K of N (1 <= K <= N)", &shard_s, NULL},
        {"regrade", 0, CLI_FLAG, NULL, "grade every part again, changed or not", NULL, &regrade},
        {"format", 0, CLI_VALUE, "LIST", "gradebooks: nbgrader (always), canvas, moodle", &format_s,
         NULL},
        {"scorer", 0, CLI_VALUE, "NAME", "explanations: offline (default), llm or auto", &scorer_s,
         NULL},
        {"manifest", 0, CLI_VALUE, "CSV", "timestamps (student,file,submitted_at)", &manifest,
         NULL},
        {"single", 0, CLI_FLAG, NULL, "SUBMISSIONS is one student's files (Gradescope)", NULL,
         &single},
        {"student", 0, CLI_VALUE, "ID", "the student's id with --single", &student, NULL},
        {"gradescope-metadata", 0, CLI_VALUE, "FILE",
         "Gradescope's submission_metadata.json (implies --single)", &gsmeta, NULL},
        {"as-of", 0, CLI_VALUE, "TIME", "show feedback as visible at TIME (default now)", &as_of,
         NULL},
        {"published", 0, CLI_FLAG, NULL, "grades are published: after_published checks show", NULL,
         &published},
        {"quiet", 'q', CLI_FLAG, NULL, "no progress output", NULL, &quiet},
        {"reference", 0, CLI_VALUE, "POLICY",
         "reference timing: rolling (default; every K parts, bracketing them) or each (beside "
         "every part)",
         &ref_s, NULL},
        {"reference-every", 0, CLI_VALUE, "K", "rolling: parts between reference measurements (8)",
         &ref_every_s, NULL},
        {NULL, 0, CLI_FLAG, NULL, NULL, NULL, NULL},
    };

    memset(&go, 0, sizeof go);
    memset(&ro, 0, sizeof ro);
    memset(&so, 0, sizeof so);
    memset(&gm, 0, sizeof gm);
    parsed = cli_parse(usage, opts_table, argc, argv, &npos);
    if (parsed != CLI_PARSE_OK)
        return cli_parse_status(parsed);
    if (npos != 2)
        return cli_usage("grade: needs a homework.json and a submissions folder\n%s", usage);
    if (out == NULL)
        return cli_usage("grade: --out DIR is required");
    go.jobs = 1;
    if (jobs_s != NULL) {
        char *end;
        long j = strtol(jobs_s, &end, 10);
        if (end == jobs_s || *end != '\0' || j < 1 || j > GRADE_JOBS_MAX)
            return cli_usage("-j takes a number of workers from 1 to %d, not \"%s\"",
                             GRADE_JOBS_MAX, jobs_s);
        go.jobs = (int)j;
    }
    if (ref_s != NULL && strcmp(ref_s, "rolling") != 0 && strcmp(ref_s, "each") != 0)
        return cli_usage("--reference takes rolling or each, not \"%s\"", ref_s);
    go.ref_each = ref_s != NULL && strcmp(ref_s, "each") == 0;
    if (ref_every_s != NULL) {
        char *end;
        long k = strtol(ref_every_s, &end, 10);
        if (end == ref_every_s || *end != '\0' || k < 1 || k > ENGINE_ROLL_EVERY_MAX)
            return cli_usage("--reference-every takes a number of parts from 1 to %d, not \"%s\"",
                             ENGINE_ROLL_EVERY_MAX, ref_every_s);
        if (go.ref_each)
            return cli_usage("--reference-every goes with --reference rolling, not each");
        go.ref_every = (int)k;
    }
    if (shard_s != NULL && parse_shard(shard_s, &go.shard_k, &go.shard_n) != 0)
        return cli_usage("--shard takes K/N with 1 <= K <= N, not \"%s\"", shard_s);
    if (cmd_grade_parse_formats(format_s, &ro.formats) != 0)
        return cli_usage("--format takes a comma-separated list of nbgrader, canvas, moodle, "
                         "not \"%s\"",
                         format_s);
    if (scorer_s != NULL && explain_scorer_parse(scorer_s, &which) != 0)
        return cli_usage("--scorer takes offline, llm or auto, not \"%s\"", scorer_s);
    ro.now = (long long)time(NULL);
    if (as_of != NULL && homework_parse_time(as_of, &ro.now) != 0)
        return cli_usage("--as-of takes a time such as 2026-11-20T23:59:00Z, not \"%s\"", as_of);
    ro.published = published;
    ro.previous_best = -1;

    if (homework_load(argv[1], &hw, &err) != PH_OK ||
        homework_load_exercises(hw, paths_exercises_dir(), &err) != PH_OK)
        goto fail;
    if (gsmeta != NULL) {
        if (read_gs_meta(gsmeta, &gm, &err) != PH_OK)
            goto fail;
        single = 1;
        if (gm.due > 0)
            hw->due = gm.due;
        if (student == NULL && gm.student[0] != '\0')
            student = gm.student;
        ro.previous_best = gm.previous_best;
    }
    so.manifest = manifest;
    so.single = single;
    so.single_id = student;
    if (subs_scan(hw, argv[2], &so, &cls, &err) != PH_OK)
        goto fail;
    if (gsmeta != NULL) {
        for (size_t k = 0; k < cls->nparts && cls->n > 0; k++) {
            if (gm.created_at > 0)
                cls->st[0].parts[k].submitted_at = gm.created_at;
            if (cls->st[0].parts[k].code != NULL || cls->st[0].parts[k].status != NULL)
                cls->st[0].parts[k].attempts = gm.previous + 1;
        }
    }
    for (size_t i = 0; i < cls->nwarnings; i++)
        fprintf(stderr, "pyharness: warning: %s\n", cls->warnings[i]);
    go.out_dir = out;
    go.regrade = regrade;
    go.scorer = (int)which;
    go.quiet = quiet;
    go.start_engine = start_engine;
    if (grade_run(hw, cls, &go, &counts, &err) != PH_OK)
        goto fail;
    if (counts.interrupted) {
        /* Nothing recorded is lost; the reports would show a partial class. */
        fprintf(stderr,
                "pyharness: grade: interrupted by %s: %zu parts graded and recorded in %s/%s "
                "this run; run the same command again to go on from there\n",
                strsignal(counts.interrupted), counts.graded, out, GRADE_STORE_NAME);
        status = 128 + counts.interrupted;
        goto out;
    }
    snprintf(store_path, sizeof store_path, "%s/%s", out, GRADE_STORE_NAME);
    if (store_open(store_path, &st, &err) != PH_OK ||
        grade_report_write(hw, st, out, &ro, &tot, &err) != PH_OK)
        goto fail;
    if (!quiet)
        fprintf(stderr,
                "%zu students%s: %zu parts graded, %zu screened out (missing or unreadable), %zu "
                "unchanged%s; %zu in the review queue; results in %s\n",
                counts.students, go.shard_n ? " in this shard" : "", counts.graded, counts.screened,
                counts.skipped, counts.failed ? " (some parts failed: run again)" : "", tot.review,
                out);
    status = counts.failed ? CLI_EXIT_INTERNAL : CLI_EXIT_OK;
    goto out;
fail:
    status = cli_fail(&err);
out:
    store_close(st);
    subs_free(cls);
    homework_free(hw);
    return status;
}
