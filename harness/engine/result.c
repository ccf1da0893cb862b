/* result.c - see result.h. */
#include "result.h"

#include <stdlib.h>
#include <string.h>

const char *verdict_name(enum verdict v)
{
    switch (v) {
    case VERDICT_PASSED:
        return "passed";
    case VERDICT_FAILED:
        return "failed";
    case VERDICT_ERROR:
        return "error";
    case VERDICT_TIMEOUT:
        return "timeout";
    case VERDICT_MEMORY_LIMIT:
        return "memory_limit";
    case VERDICT_CRASHED:
        return "crashed";
    case VERDICT_OUTPUT_LIMIT:
        return "output_limit";
    case VERDICT_REJECTED:
        return "rejected";
    case VERDICT_SKIPPED:
        return "skipped";
    }
    return "?";
}

int verdict_rank(enum verdict v)
{
    switch (v) {
    case VERDICT_PASSED:
        return 0;
    case VERDICT_SKIPPED:
        return 1;
    case VERDICT_FAILED:
        return 2;
    case VERDICT_ERROR:
        return 3;
    case VERDICT_OUTPUT_LIMIT:
        return 4;
    case VERDICT_MEMORY_LIMIT:
        return 5;
    case VERDICT_TIMEOUT:
        return 6;
    case VERDICT_CRASHED:
        return 7;
    case VERDICT_REJECTED:
        return 8;
    }
    return 9;
}

void run_result_cleanup(struct run_result *r)
{
    size_t i;

    if (r == NULL)
        return;
    for (i = 0; i < r->nchecks; i++) {
        free(r->checks[i].name);
        free(r->checks[i].description);
        free(r->checks[i].message);
        free(r->checks[i].lesson);
        cJSON_Delete(r->checks[i].log);
    }
    free(r->checks);
    free(r->exercise);
    free(r->title);
    free(r->submission);
    free(r->detail);
    free(r->score.perf_origin);
    free(r->score.perf_compared);
    if (r->explanation != NULL) {
        explain_result_cleanup(r->explanation);
        free(r->explanation);
    }
    free(r->model_answer);
    free(r->stdout_text);
    free(r->stderr_text);
    free(r->perf.check);
    free(r->perf.describe);
    free(r->perf.num_of);
    free(r->perf.den_of);
    free(r->facts.harness_version);
    free(r->facts.python);
    free(r->facts.sandbox);
    free(r->facts.alloc_hooks);
    memset(r, 0, sizeof *r);
}

int verdict_parse(const char *name, enum verdict *out)
{
    for (int v = VERDICT_PASSED; v <= VERDICT_SKIPPED; v++) {
        if (strcmp(name, verdict_name((enum verdict)v)) == 0) {
            *out = (enum verdict)v;
            return 0;
        }
    }
    return -1;
}
