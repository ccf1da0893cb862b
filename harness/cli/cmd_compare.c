/*
 * cmd_compare.c - `pyharness compare EXERCISE FILE... [--against reference|baseline|FILE]
 *                 [--sizes LIST] [--budget 60s] [--workload NAME] [--format html|md|json]
 *                 [--json] [--out FILE]`
 */
#include "cmd_compare.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "exercise.h"
#include "fileio.h"
#include "paths.h"
#include "perf_compare.h"
#include "perf_report.h"
#include "perf_workload.h"

#define BUDGET_MAX_S (24.0 * 3600) /* a day: past that, a typo */

static const char usage[] =
    "usage: pyharness compare EXERCISE FILE... [--against reference|baseline|FILE]\n"
    "                         [--sizes 1e3,1e4,...] [--budget 60s] [--workload NAME]\n"
    "                         [--format html|md|json] [--json] [--out FILE]\n";

/* "60", "60s", "90s", "2m", "1.5m", "500ms" -> seconds; -1 when not a duration. */
static double parse_duration(const char *s)
{
    char *end;
    double v;

    errno = 0;
    v = strtod(s, &end);
    if (end == s || errno != 0 || !(v > 0))
        return -1;
    if (*end == '\0' || strcmp(end, "s") == 0)
        return v;
    if (strcmp(end, "m") == 0 || strcmp(end, "min") == 0)
        return v * 60;
    if (strcmp(end, "ms") == 0)
        return v / 1000;
    return -1;
}

/* "2%", "0.02" -> 0.02; -1 when not a fraction in (0, 0.5]. */
static double parse_precision(const char *s)
{
    char *end;
    double v;

    errno = 0;
    v = strtod(s, &end);
    if (end == s || errno != 0)
        return -1;
    if (strcmp(end, "%") == 0)
        v /= 100;
    else if (*end != '\0')
        return -1;
    return v > 0 && v <= 0.5 ? v : -1;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

int cmd_compare_main(int argc, char **argv)
{
    const char *against = NULL, *sizes_arg = NULL, *budget_arg = NULL, *format_arg = NULL;
    const char *out_path = NULL, *workload_arg = NULL, *precision_arg = NULL, *rounds_arg = NULL;
    int json = 0, quiet = 0, sequential = 0, status = CLI_EXIT_INTERNAL, have = 0;
    struct ph_err err = {0};
    struct exercise *ex = NULL;
    struct perf_workloads wls = {0};
    struct perf_comparison cmp;
    struct perf_options po;
    struct perf_impl_spec specs[PERF_MAX_IMPLS];
    char against_path[PATH_MAX];
    char dup_names[PERF_MAX_IMPLS][PATH_MAX + 16];
    double sizes[PERF_WORKLOAD_MAX_SIZES];
    size_t nsizes = 0, nspecs = 0, baseline = 0;
    long only = -1;
    enum perf_format fmt = PERF_FORMAT_MD;
    char *dir = NULL;
    int npos, parsed;
    const struct cli_opt opts_table[] = {
        {"against", 'a', CLI_VALUE, "WHAT",
         "baseline: reference (the exercise's), baseline, or a FILE (default: the first FILE)",
         &against, NULL},
        {"sizes", 's', CLI_VALUE, "LIST", "input sizes, e.g. 1e3,1e4,1e5 (default: the workload's)",
         &sizes_arg, NULL},
        {"budget", 'b', CLI_VALUE, "TIME", "time for measuring, e.g. 60s or 2m (default 60s)",
         &budget_arg, NULL},
        {"workload", 'w', CLI_VALUE, "NAME", "only this sized workload (default: all)",
         &workload_arg, NULL},
        {"format", 'f', CLI_VALUE, "FMT",
         "html, md or json (default: from --out's extension, else md)", &format_arg, NULL},
        {"json", 0, CLI_FLAG, NULL, "print the JSON report on stdout", NULL, &json},
        {"out", 'o', CLI_VALUE, "FILE", "write the report to FILE (md: charts beside it)",
         &out_path, NULL},
        {"precision", 0, CLI_VALUE, "PCT",
         "stop when every ratio's 95% interval is within this (default 1%)", &precision_arg, NULL},
        {"sequential", 0, CLI_FLAG, NULL, "no interleaving: all runs of A, then B (benchmark)",
         NULL, &sequential},
        {"min-rounds", 0, CLI_VALUE, "N",
         "rounds before the stopping rule applies (default 10 on the CPU clock, 20 on the "
         "wall clock; with --sequential: the rounds)",
         &rounds_arg, NULL},
        {"quiet", 'q', CLI_FLAG, NULL, "no progress on stderr", NULL, &quiet},
        {NULL, 0, CLI_FLAG, NULL, NULL, NULL, NULL},
    };

    memset(&cmp, 0, sizeof cmp);
    memset(&po, 0, sizeof po);
    parsed = cli_parse(usage, opts_table, argc, argv, &npos);
    if (parsed != CLI_PARSE_OK)
        return cli_parse_status(parsed);
    if (npos < 2 || (npos < 3 && against == NULL))
        return cli_usage("compare: needs an exercise and at least two files, or one file and "
                         "--against\n%s",
                         usage);
    if (format_arg != NULL && perf_format_parse(format_arg, &fmt) != 0)
        return cli_usage("--format takes html, md or json, not \"%s\"", format_arg);
    if (format_arg == NULL && out_path != NULL)
        fmt = ends_with(out_path, ".html") || ends_with(out_path, ".htm") ? PERF_FORMAT_HTML
              : ends_with(out_path, ".json")                              ? PERF_FORMAT_JSON
                                                                          : PERF_FORMAT_MD;
    po.budget_s = 60;
    if (budget_arg != NULL) {
        po.budget_s = parse_duration(budget_arg);
        if (!(po.budget_s > 0) || po.budget_s > BUDGET_MAX_S)
            return cli_usage("--budget takes a duration such as 60s or 2m, not \"%s\"", budget_arg);
    }
    if (precision_arg != NULL) {
        po.precision = parse_precision(precision_arg);
        if (po.precision < 0)
            return cli_usage("--precision takes a percentage such as 2%%, not \"%s\"",
                             precision_arg);
    }
    if (rounds_arg != NULL) {
        char *end;
        long v = strtol(rounds_arg, &end, 10);
        if (*end != '\0' || end == rounds_arg || v < 2 || v > 400)
            return cli_usage("--min-rounds takes a number from 2 to 400, not \"%s\"", rounds_arg);
        po.min_rounds = (size_t)v;
    }
    /* Before minutes of measuring, not after. */
    if (out_path != NULL && fileio_check_writable(out_path, "--out", &err) != PH_OK)
        goto fail;
    if (sizes_arg != NULL && perf_sizes_parse(sizes_arg, "--sizes", sizes, PERF_WORKLOAD_MAX_SIZES,
                                              &nsizes, &err) != PH_OK)
        goto fail;
    if (exercise_resolve(argv[1], paths_exercises_dir(), &dir, &err) != PH_OK ||
        exercise_load(dir, &ex, &err) != PH_OK)
        goto fail;
    /* The baseline first, so that it is A in A B C. */
    if (against != NULL) {
        int is_ref = strcmp(against, "reference") == 0;
        if (is_ref || strcmp(against, "baseline") == 0) {
            snprintf(against_path, sizeof against_path, "%s/%s.py", ex->dir, against);
            if (!fileio_is_file(against_path)) {
                ph_errf(&err, PH_EINPUT, "%s: this exercise has no %s.py", ex->dir, against);
                goto fail;
            }
            specs[nspecs].path = against_path;
            specs[nspecs].name = is_ref ? "reference" : "baseline";
            specs[nspecs].is_reference = is_ref;
        } else {
            specs[nspecs].path = against;
            specs[nspecs].name = against;
            specs[nspecs].is_reference = 0;
        }
        nspecs++;
    }
    for (int i = 2; i <= npos; i++) {
        if (nspecs >= PERF_MAX_IMPLS) {
            ph_errf(&err, PH_EINPUT, "compare: at most %d implementations at once", PERF_MAX_IMPLS);
            goto fail;
        }
        specs[nspecs].path = argv[i];
        specs[nspecs].name = argv[i];
        specs[nspecs].is_reference = 0;
        nspecs++;
    }
    /* Reports name a file by its base name, or by the path as given when
     * two base names are the same. */
    for (size_t i = 0; i < nspecs; i++) {
        const char *slash = strrchr(specs[i].name, '/');
        const char *base = slash ? slash + 1 : specs[i].name;
        int clash = 0;
        for (size_t j = 0; j < nspecs; j++) {
            const char *sj = strrchr(specs[j].path, '/');
            clash |= j != i && strcmp(sj ? sj + 1 : specs[j].path, base) == 0;
        }
        if (!clash)
            specs[i].name = base;
    }
    /* The same file twice (an A/A comparison, which should read "no
     * significant difference"): "a.py" and "a.py (2)". */
    for (size_t i = 1; i < nspecs; i++) {
        size_t same = 1;
        for (size_t j = 0; j < i; j++)
            same += strcmp(specs[j].name, specs[i].name) == 0;
        if (same > 1) {
            snprintf(dup_names[i], sizeof dup_names[i], "%s (%zu)", specs[i].name, same);
            specs[i].name = dup_names[i];
        }
    }
    for (size_t i = 0; i < nspecs; i++)
        if (!fileio_is_file(specs[i].path)) {
            ph_errf(&err, PH_EINPUT, "%s: %s", specs[i].path,
                    fileio_is_dir(specs[i].path) ? "is a folder, expected a Python file"
                                                 : "no such file");
            goto fail;
        }
    if (cli_start_python(&err) != PH_OK || perf_workloads_load(ex->dir, &wls, &err) != PH_OK)
        goto fail;
    if (workload_arg != NULL) {
        only = perf_workloads_find(&wls, workload_arg);
        if (only < 0) {
            ph_errf(&err, PH_EINPUT, "%s/workloads.py: no workload named \"%s\"", ex->dir,
                    workload_arg);
            goto fail;
        }
        po.only = &only;
        po.nonly = 1;
    }
    po.ex = ex;
    po.workloads = &wls;
    po.sizes = nsizes ? sizes : NULL;
    po.nsizes = nsizes;
    po.sequential = sequential;
    po.progress = quiet ? NULL : stderr;
    if (perf_compare_run(&po, specs, nspecs, baseline, &cmp, &err) != PH_OK)
        goto fail;
    have = 1;
    if (out_path != NULL && perf_report_write(&cmp, fmt, out_path, NULL, &err) != PH_OK)
        goto fail;
    if (json && perf_report_write(&cmp, PERF_FORMAT_JSON, NULL, stdout, &err) != PH_OK)
        goto fail;
    if (!json && out_path == NULL && perf_report_write(&cmp, fmt, NULL, stdout, &err) != PH_OK)
        goto fail;
    if (!json && out_path != NULL) {
        for (size_t w = 0; w < cmp.nresults; w++)
            perf_report_summary(stdout, &cmp, w);
        printf("%s\nreport: %s\n", cmp.stop, out_path);
    }
    status = CLI_EXIT_OK;
    for (size_t i = 0; i < cmp.nimpls; i++)
        if (cmp.impls[i].correct == PERF_WRONG)
            status = CLI_EXIT_NOT_PASSED;
    goto out;
fail:
    status = cli_fail(&err);
out:
    if (have)
        perf_comparison_cleanup(&cmp);
    perf_workloads_cleanup(&wls);
    exercise_free(ex);
    free(dir);
    fflush(stdout);
    return status;
}
