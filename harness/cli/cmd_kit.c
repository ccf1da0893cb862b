/* cmd_kit.c - see cmd_kit.h. */
#include "cmd_kit.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bank.h"
#include "cli.h"
#include "cmd_statement.h"
#include "exercise.h"
#include "fileio.h"

#define STARTER_MAX (256u * 1024)
#define KIT_WIDTH 80

static const char usage[] =
    "usage: pyharness kit OUT_DIR [EXERCISE...]\n"
    "Export a student kit: per exercise, README.md (question, statement, visible checks,\n"
    "grading) and starter.py; never reference.py, checks.py, examples/ or the model answer.\n"
    "Every exercise on the search path unless some are named.  OUT_DIR must not exist yet.\n";

/* Write OUT/<id>/README.md and starter.py. */
static enum ph_rc export_one(const char *out_dir, const char *arg, FILE *index, struct ph_err *err)
{
    struct exercise *ex = NULL;
    char *dir = NULL, *starter = NULL;
    char path[4096], sub[4096];
    size_t len = 0;
    FILE *f = NULL;
    enum ph_rc rc;

    rc = bank_resolve(arg, &dir, err);
    if (rc == PH_OK)
        rc = exercise_load(dir, &ex, err);
    if (rc != PH_OK)
        goto out;
    snprintf(path, sizeof path, "%s/starter.py", ex->dir);
    rc = fileio_read(path, STARTER_MAX, &starter, &len, err);
    if (rc != PH_OK)
        goto out;
    snprintf(sub, sizeof sub, "%s/%s", out_dir, ex->id);
    if (mkdir(sub, 0755) != 0) {
        rc = ph_errf(err, PH_EINPUT, "%s: %s", sub,
                     errno == EEXIST ? "named twice, or already there" : strerror(errno));
        goto out;
    }
    snprintf(path, sizeof path, "%s/starter.py", sub);
    rc = fileio_write(path, starter, len, err);
    if (rc != PH_OK)
        goto out;
    (void)chmod(path, 0644);
    snprintf(path, sizeof path, "%s/README.md", sub);
    f = fopen(path, "w");
    if (f == NULL) {
        rc = ph_errf(err, PH_EIO, "%s: %s", path, strerror(errno));
        goto out;
    }
    fputs("```\n", f);
    cmd_statement_write(f, ex, "starter.py", starter, 0, KIT_WIDTH);
    fprintf(f, "```\n\nGrade your work with `pyharness run %s starter.py`.\n", ex->id);
    if (fclose(f) != 0) {
        f = NULL;
        rc = ph_errf(err, PH_EIO, "%s: write failed", path);
        goto out;
    }
    f = NULL;
    fprintf(index, "- [%s](%s/README.md): %s\n", ex->id, ex->id, ex->title);
    printf("  %s\n", sub);
out:
    if (f != NULL)
        fclose(f);
    free(starter);
    exercise_free(ex);
    free(dir);
    return rc;
}

int cmd_kit_main(int argc, char **argv)
{
    struct ph_err err = {0};
    struct bank_entry *list = NULL;
    size_t n = 0, i;
    char path[4096];
    const char *out_dir;
    FILE *index = NULL;
    int npos, parsed, k, status = CLI_EXIT_OK;

    parsed = cli_parse(usage, NULL, argc, argv, &npos);
    if (parsed != CLI_PARSE_OK)
        return cli_parse_status(parsed);
    if (npos < 1)
        return cli_usage("kit: needs an output folder\n%s", usage);
    out_dir = argv[1];
    /* Resolve every named exercise before creating anything. */
    for (k = 2; k <= npos; k++) {
        char *dir = NULL;
        if (bank_resolve(argv[k], &dir, &err) != PH_OK)
            return cli_fail(&err);
        free(dir);
    }
    if (mkdir(out_dir, 0755) != 0) {
        ph_errf(&err, PH_EINPUT, "%s: %s", out_dir,
                errno == EEXIST ? "already exists (the kit goes into a new folder)"
                                : strerror(errno));
        return cli_fail(&err);
    }
    snprintf(path, sizeof path, "%s/README.md", out_dir);
    index = fopen(path, "w");
    if (index == NULL) {
        ph_errf(&err, PH_EIO, "%s: %s", path, strerror(errno));
        return cli_fail(&err);
    }
    fputs("# Exercises\n\n", index);
    printf("student kit in %s:\n", out_dir);
    if (npos >= 2) {
        for (k = 2; k <= npos && status == CLI_EXIT_OK; k++)
            if (export_one(out_dir, argv[k], index, &err) != PH_OK)
                status = cli_fail(&err);
    } else {
        if (bank_list(&list, &n, &err) != PH_OK) {
            status = cli_fail(&err);
        } else {
            for (i = 0; i < n && status == CLI_EXIT_OK; i++)
                if (export_one(out_dir, list[i].dir, index, &err) != PH_OK)
                    status = cli_fail(&err);
            bank_list_free(list, n);
        }
    }
    if (fclose(index) != 0 && status == CLI_EXIT_OK) {
        ph_errf(&err, PH_EIO, "%s: write failed", path);
        status = cli_fail(&err);
    }
    if (status != CLI_EXIT_OK)
        fileio_rmtree(out_dir); /* no half kit */
    return status;
}
