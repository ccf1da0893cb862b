/* cmd_bench.c - see cmd_bench.h. */
#include "cmd_bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "bank.h"
#include "cli.h"
#include "exercise.h"
#include "measure.h"
#include "paths.h"
#include "worker.h"

#define BENCH_MAX_RUNS 100000

static const char usage[] = "usage: pyharness bench-worker EXERCISE FILE RUNS\n"
                            "(internal) the cost of one run through a sandbox host\n";

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

    return (x > y) - (x < y);
}

int cmd_bench_main(int argc, char **argv)
{
    struct ph_err err = {0};
    struct exercise *ex = NULL;
    struct worker_spec spec;
    struct worker_pool *pool = NULL;
    char *dir = NULL, *end = NULL;
    int64_t *times = NULL, t0, total = 0, startup, first, self0 = 0, self_cpu;
    long n, i;
    int status = CLI_EXIT_INTERNAL;

    int npos, parsed;
    const struct cli_opt opts[] = {{NULL, 0, CLI_FLAG, NULL, NULL, NULL, NULL}};

    parsed = cli_parse(usage, opts, argc, argv, &npos);
    if (parsed != CLI_PARSE_OK)
        return cli_parse_status(parsed);
    if (npos != 3)
        return cli_usage("bench-worker: needs an exercise, a file and a number of runs\n%s", usage);
    n = strtol(argv[3], &end, 10);
    if (end == argv[3] || *end != '\0' || n < 1 || n > BENCH_MAX_RUNS)
        return cli_usage("bench-worker: RUNS must be 1..%d", BENCH_MAX_RUNS);
    t0 = measure_now_ns();
    if (bank_resolve(argv[1], &dir, &err) != PH_OK || exercise_load(dir, &ex, &err) != PH_OK ||
        cli_start_python(&err) != PH_OK)
        goto fail;
    startup = measure_now_ns() - t0;
    times = calloc((size_t)n, sizeof *times);
    if (times == NULL) {
        ph_errf(&err, PH_ENOMEM, "out of memory");
        goto fail;
    }
    if (worker_pool_new(1, &pool, &err) != PH_OK)
        goto fail;
    self0 = measure_rusage_cpu_ns(RUSAGE_SELF);
    memset(&spec, 0, sizeof spec);
    spec.ex = ex;
    spec.role = WORKER_CANDIDATE;
    spec.module_path = argv[2];
    spec.display_name = argv[2];
    for (i = 0; i < n; i++) {
        struct worker_result res;
        int64_t s = measure_now_ns();
        if (worker_run(pool, &spec, &res, &err) != PH_OK)
            goto fail;
        times[i] = measure_now_ns() - s;
        total += times[i];
        if (res.end != WORKER_END_OK) {
            ph_errf(&err, PH_EWORKER, "run %ld ended with %s: %s", i, worker_end_name(res.end),
                    res.detail);
            worker_result_cleanup(&res);
            goto fail;
        }
        worker_result_cleanup(&res);
    }
    self_cpu = measure_rusage_cpu_ns(RUSAGE_SELF) - self0;
    first = times[0]; /* includes starting the exercise's sandbox host */
    qsort(times, (size_t)n, sizeof *times, cmp_i64);
    /* The host and its workers are counted once reaped: stop it first. */
    worker_pool_free(pool);
    pool = NULL;
    printf("{\"runs\": %ld, \"startup_ns\": %lld, \"first_ns\": %lld, \"mean_ns\": %lld, "
           "\"median_ns\": %lld, \"min_ns\": %lld, \"supervisor_cpu_ns\": %lld, "
           "\"sandbox_cpu_ns\": %lld}\n",
           n, (long long)startup, (long long)first, (long long)(total / n), (long long)times[n / 2],
           (long long)times[0], (long long)(self_cpu / n),
           (long long)(measure_rusage_cpu_ns(RUSAGE_CHILDREN) / n));
    status = CLI_EXIT_OK;
    goto out;
fail:
    status = cli_fail(&err);
out:
    worker_pool_free(pool);
    free(times);
    exercise_free(ex);
    free(dir);
    return status;
}
