/*
 * cmd_show.c - see cmd_show.h.  A result carries everything needed to score
 * and render it (result.h), so showing it again on another machine, or from
 * the store, prints what `run` printed, byte for byte.
 */
#include "cmd_show.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fileio.h"
#include "report_json.h"
#include "report_text.h"
#include "store.h"

static const char usage[] = "usage: pyharness show RESULT.json [--json]\n"
                            "       pyharness show --store DB --id N [--json]\n";

/* Largest result file read: the store's own cap. */
#define SHOW_RESULT_MAX ((size_t)STORE_RUN_JSON_MAX)

static enum ph_rc load_text(const char *file, const char *db, const char *id_arg, char **text,
                            struct ph_err *err)
{
    struct store *st = NULL;
    size_t len = 0;
    char *end = NULL;
    long long id;
    enum ph_rc rc;

    if (file != NULL) {
        rc = fileio_read(file, SHOW_RESULT_MAX, text, &len, err);
        return rc == PH_ELIMIT ? ph_errf(err, PH_EINPUT, "%s", err->msg) : rc;
    }
    id = strtoll(id_arg, &end, 10);
    if (end == id_arg || *end != '\0' || id < 1)
        return ph_errf(err, PH_EUSAGE, "--id takes a run number, not \"%s\"", id_arg);
    rc = store_open(db, &st, err);
    if (rc == PH_OK)
        rc = store_run_get(st, id, text, err);
    store_close(st);
    return rc;
}

int cmd_show_main(int argc, char **argv)
{
    const char *db = NULL, *id = NULL, *file = NULL;
    struct ph_err err = {0};
    struct run_result res;
    cJSON *doc = NULL;
    char *text = NULL, *again = NULL;
    int json = 0, npos, parsed, status = CLI_EXIT_INTERNAL, have_res = 0;
    const struct cli_opt opts[] = {
        {"json", 0, CLI_FLAG, NULL, "print the result as JSON", NULL, &json},
        {"store", 0, CLI_VALUE, "DB", "read the run from this SQLite store", &db, NULL},
        {"id", 0, CLI_VALUE, "N", "the run's number in the store", &id, NULL},
        {NULL, 0, CLI_FLAG, NULL, NULL, NULL, NULL},
    };

    parsed = cli_parse(usage, opts, argc, argv, &npos);
    if (parsed != CLI_PARSE_OK)
        return cli_parse_status(parsed);
    if ((npos == 1) == (db != NULL) || (db != NULL) != (id != NULL) || npos > 1)
        return cli_usage("show: give a result file, or --store and --id\n%s", usage);
    file = npos == 1 ? argv[1] : NULL;
    if (load_text(file, db, id, &text, &err) != PH_OK)
        goto fail;
    doc = cJSON_Parse(text);
    if (doc == NULL) {
        ph_errf(&err, PH_EINPUT, "%s: not valid JSON", file ? file : db);
        goto fail;
    }
    if (report_json_parse_run(doc, &res, &err) != PH_OK) {
        ph_errf(&err, err.rc, "%s: %s", file ? file : db, err.msg);
        goto fail;
    }
    have_res = 1;
    if (json) {
        again = report_json_text(&res);
        if (again == NULL) {
            ph_errf(&err, PH_ENOMEM, "out of memory writing the report");
            goto fail;
        }
        printf("%s\n", again);
    } else {
        report_text_run(stdout, &res, cli_color(stdout));
    }
    status = res.verdict == VERDICT_PASSED ? CLI_EXIT_OK : CLI_EXIT_NOT_PASSED;
    goto out;
fail:
    status = cli_fail(&err);
out:
    if (have_res)
        run_result_cleanup(&res);
    cJSON_Delete(doc);
    free(text);
    free(again);
    fflush(stdout);
    return status;
}
