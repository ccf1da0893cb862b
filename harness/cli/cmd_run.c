/*
 * cmd_run.c - `pyharness run EXERCISE FILE [--json] [--out FILE]
 *             [--explanation FILE] [--scorer offline|llm|auto]
 *             [--fallback offline] [--allow-remote] [--store DB]`
 */
#include "cmd_run.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bank.h"
#include "cli.h"
#include "cli_progress.h"
#include "engine.h"
#include "exercise.h"
#include "explain_score.h"
#include "fileio.h"
#include "llm.h"
#include "paths.h"
#include "report_json.h"
#include "report_text.h"
#include "store.h"

#define ANSWER_MAX (64u * 1024) /* an explanation is prose: a page, not a book */

static const char usage[] =
    "usage: pyharness run EXERCISE FILE [--json] [--out FILE] [--explanation FILE]\n"
    "                     [--scorer offline|llm|auto] [--fallback offline] [--allow-remote]\n"
    "                     [--store DB]\n";

/* Score the explanation file, if any, as `eo` says.  *out is NULL when none
 * was given.  An LLM that gives no usable grade without a fallback is
 * PH_ENET or PH_EPROTO: the caller stops before grading anything. */
static enum ph_rc score_explanation(const struct exercise *ex, const char *path,
                                    const struct explain_opts *eo, struct explain_result **out,
                                    struct ph_err *err)
{
    struct explain_job job;
    char *text = NULL;
    size_t len = 0;
    enum ph_rc rc;

    *out = NULL;
    if (path == NULL)
        return PH_OK;
    if (ex->rubric == NULL)
        return ph_errf(err, PH_EINPUT, "%s: this exercise has no rubric to score an explanation",
                       ex->json_path);
    rc = fileio_read(path, ANSWER_MAX, &text, &len, err);
    if (rc != PH_OK)
        return rc == PH_ELIMIT ? PH_EINPUT : rc;
    {
        /* As `score` does: an empty answer is a mistake to point out, not a 0. */
        size_t i;
        for (i = 0; i < len && isspace((unsigned char)text[i]); i++)
            ;
        if (i == len) {
            free(text);
            return ph_errf(err, PH_EINPUT, "%s: the answer is empty", path);
        }
    }
    if (memchr(text, '\0', len) != NULL || fileio_utf8_invalid_at(text, len) >= 0) {
        free(text);
        return ph_errf(err, PH_EINPUT, "%s: not valid UTF-8 text", path);
    }
    memset(&job, 0, sizeof job);
    job.ex = ex;
    job.answer = text;
    job.source = path;
    rc = explain_score_batch(&job, 1, eo, err);
    if (rc == PH_OK && job.rc == PH_OK) {
        *out = malloc(sizeof **out);
        if (*out == NULL) {
            rc = ph_errf(err, PH_ENOMEM, "out of memory");
        } else {
            **out = job.result;
            memset(&job.result, 0, sizeof job.result);
        }
    } else if (rc == PH_OK) {
        rc = ph_errf(err, job.rc, "%s", job.err.msg);
    }
    explain_result_cleanup(&job.result);
    free(text);
    return rc;
}

int cmd_run_main(int argc, char **argv)
{
    const char *exercise_arg = NULL, *file = NULL, *out_path = NULL, *explanation = NULL;
    enum explain_scorer which = EXPLAIN_AUTO;
    struct explain_opts eo;
    struct ph_err err = {0};
    struct exercise *ex = NULL;
    struct run_result res;
    struct explain_result *er = NULL;
    struct engine_opts opts;
    struct store *st = NULL;
    char *dir = NULL;
    struct cli_progress prog;
    struct llm_watch watch;
    enum ph_rc rc_expl;
    int quiet = 0;
    int json = 0, status = CLI_EXIT_INTERNAL, have_res = 0;
    const char *scorer = NULL, *store_path = NULL, *fallback = NULL;
    int allow_remote = 0;
    int npos, parsed;
    const struct cli_opt opts_table[] = {
        {"json", 0, CLI_FLAG, NULL, "print the result as JSON", NULL, &json},
        {"out", 'o', CLI_VALUE, "FILE", "write the JSON result to FILE (stdout keeps the report)",
         &out_path, NULL},
        {"explanation", 'e', CLI_VALUE, "FILE", "score this written explanation too", &explanation,
         NULL},
        {"scorer", 0, CLI_VALUE, "NAME", "offline, llm or auto (default auto)", &scorer, NULL},
        {"fallback", 0, CLI_VALUE, "offline",
         "with --scorer llm: score the explanation offline when the LLM gives no usable grade "
         "(else exit 1 before grading)",
         &fallback, NULL},
        {"allow-remote", 0, CLI_FLAG, NULL,
         "let the explanation go to a remote (non-loopback) LLM for this command", NULL,
         &allow_remote},
        {"quiet", 'q', CLI_FLAG, NULL, "no progress lines on stderr", NULL, &quiet},
        {"store", 0, CLI_VALUE, "DB", "also record the result in this SQLite store", &store_path,
         NULL},
        {NULL, 0, CLI_FLAG, NULL, NULL, NULL, NULL},
    };

    memset(&res, 0, sizeof res);
    parsed = cli_parse(usage, opts_table, argc, argv, &npos);
    if (parsed != CLI_PARSE_OK)
        return cli_parse_status(parsed);
    if (scorer != NULL && explain_scorer_parse(scorer, &which) != 0)
        return cli_usage("--scorer takes offline, llm or auto, not \"%s\"", scorer);
    if (fallback != NULL && strcmp(fallback, "offline") != 0)
        return cli_usage("run: --fallback %s: the only fallback is offline\n%s", fallback, usage);
    if (npos != 2)
        return cli_usage("run: needs an exercise and a submission file\n%s", usage);
    exercise_arg = argv[1];
    file = argv[2];
    /* Refuse an unwritable --out now, not after the work is done. */
    if (out_path != NULL && fileio_check_writable(out_path, "--out", &err) != PH_OK)
        goto fail;
    if (explanation != NULL && !fileio_is_file(explanation)) {
        ph_errf(&err, PH_EINPUT, "--explanation %s: %s", explanation,
                fileio_is_dir(explanation) ? "is a folder, expected a text file" : "no such file");
        goto fail;
    }
    if (bank_resolve(exercise_arg, &dir, &err) != PH_OK || exercise_load(dir, &ex, &err) != PH_OK)
        goto fail;
    if (!fileio_is_file(file)) {
        ph_errf(&err, PH_EINPUT, "%s: %s", file,
                fileio_is_dir(file) ? "is a folder, expected a Python file" : "no such file");
        goto fail;
    }
    cli_progress_init(&prog, stderr);
    /* What the scorer waits for, when it is a model over the network. */
    if (!quiet && explanation != NULL &&
        (which == EXPLAIN_LLM || (which == EXPLAIN_AUTO && llm_configured())))
        fprintf(stderr, "scoring %s with the LLM scorer (waiting for the model's answer)\n",
                explanation);
    /* As `score` does: auto always falls back; llm only when asked to. */
    memset(&eo, 0, sizeof eo);
    eo.scorer = which;
    eo.fallback_offline = fallback != NULL || which == EXPLAIN_AUTO;
    eo.allow_remote = allow_remote;
    watch.fn = quiet ? NULL : cli_progress_llm;
    watch.ud = &prog;
    eo.watch = &watch;
    rc_expl = score_explanation(ex, explanation, &eo, &er, &err);
    if (!quiet)
        cli_progress_finish(&prog);
    if (rc_expl != PH_OK) {
        /* No usable LLM grade is a failed scoring (exit 1, as `score`), not
         * bad input or an internal error; nothing was graded. */
        if (err.rc == PH_ENET || err.rc == PH_EPROTO) {
            fprintf(stderr, "pyharness: %s\n", err.msg);
            status = CLI_EXIT_NOT_PASSED;
            goto out;
        }
        goto fail;
    }
    /* A store that cannot be opened is refused before anything is graded. */
    if (store_path != NULL && store_open(store_path, &st, &err) != PH_OK)
        goto fail;
    if (!quiet)
        fprintf(stderr, "grading %s on %s (%zu checks; reference.py runs first)\n", file, ex->id,
                ex->nchecks);
    if (cli_start_python(&err) != PH_OK)
        goto fail;
    if (st != NULL) {
        /* The engine records the result in it as it hands it over. */
        struct engine *eng = engine_default(&err);
        if (eng == NULL)
            goto fail;
        engine_set_store(eng, st);
        st = NULL;
    }
    memset(&opts, 0, sizeof opts);
    opts.submission_path = file;
    opts.display_name = file;
    if (!quiet) {
        opts.progress = cli_progress_cb;
        opts.progress_ud = &prog;
    }
    if (engine_run(ex, &opts, er, &res, &err) != PH_OK) {
        if (!quiet)
            cli_progress_finish(&prog);
        er = NULL;
        goto fail;
    }
    if (!quiet) {
        cli_progress_finish(&prog);
        fputc('\n', stderr);
    }
    er = NULL;
    have_res = 1;
    if (store_path != NULL)
        fprintf(stderr, "pyharness: recorded as run %lld in %s\n",
                engine_last_run_id(engine_default(&err)), store_path);
    if (json || out_path != NULL) {
        char *text = report_json_text(&res);
        if (text == NULL) {
            ph_errf(&err, PH_ENOMEM, "out of memory writing the report");
            goto fail;
        }
        if (out_path != NULL) {
            size_t n = strlen(text);
            text[n] = '\n';
            if (fileio_write(out_path, text, n + 1, &err) != PH_OK) {
                free(text);
                goto fail;
            }
            text[n] = '\0';
        }
        if (json && out_path == NULL)
            printf("%s\n", text);
        free(text);
    }
    if (isatty(fileno(stdout)))
        report_text_set_width(cli_width(stdout));
    if (!json || out_path != NULL)
        report_text_run(stdout, &res, cli_color(stdout));
    status = res.verdict == VERDICT_PASSED ? CLI_EXIT_OK : CLI_EXIT_NOT_PASSED;
    goto out;
fail:
    status = cli_fail(&err);
out:
    if (er != NULL) {
        explain_result_cleanup(er);
        free(er);
    }
    if (have_res)
        run_result_cleanup(&res);
    store_close(st);
    exercise_free(ex);
    free(dir);
    fflush(stdout);
    return status;
}
