/*
 * measure_json.c - see measure_json.h.
 */
#include "measure_json.h"

#include <stdint.h>
#include <string.h>

cJSON *measure_figures_to_json(const struct measure_figures *f)
{
    cJSON *o = cJSON_CreateObject();

    if (o == NULL)
        return NULL;
    if (!cJSON_AddNumberToObject(o, "wall_ns", (double)f->wall_ns) ||
        !cJSON_AddNumberToObject(o, "cpu_ns", (double)f->cpu_ns) ||
        !cJSON_AddNumberToObject(o, "children_cpu_ns", (double)f->children_cpu_ns) ||
        !cJSON_AddNumberToObject(o, "py_peak_bytes", (double)f->py_peak_bytes) ||
        !cJSON_AddNumberToObject(o, "py_current_bytes", (double)f->py_current_bytes) ||
        !cJSON_AddNumberToObject(o, "py_allocs", (double)f->py_allocs) ||
        !cJSON_AddNumberToObject(o, "rss_peak_bytes", (double)f->rss_peak_bytes) ||
        !cJSON_AddNumberToObject(o, "rss_growth_bytes", (double)f->rss_growth_bytes) ||
        !cJSON_AddNumberToObject(o, "parallelism", f->parallelism) ||
        !cJSON_AddNumberToObject(o, "other_cpu_ns", (double)f->other_cpu_ns) ||
        !cJSON_AddNumberToObject(o, "cores_free", f->cores_free) ||
        !cJSON_AddNumberToObject(o, "run_cpu_ns", (double)f->run_cpu_ns)) {
        cJSON_Delete(o);
        return NULL;
    }
    if (f->repeats > 1 && (!cJSON_AddNumberToObject(o, "wall_min_ns", (double)f->wall_min_ns) ||
                           !cJSON_AddNumberToObject(o, "wall_max_ns", (double)f->wall_max_ns) ||
                           !cJSON_AddNumberToObject(o, "cpu_min_ns", (double)f->cpu_min_ns) ||
                           !cJSON_AddNumberToObject(o, "cpu_max_ns", (double)f->cpu_max_ns))) {
        cJSON_Delete(o);
        return NULL;
    }
    if (f->outside &&
        (!cJSON_AddStringToObject(o, "observed", "outside") ||
         !cJSON_AddNumberToObject(o, "io_read_bytes", (double)f->io_read_bytes) ||
         !cJSON_AddNumberToObject(o, "page_faults", (double)f->page_faults) ||
         !cJSON_AddNumberToObject(o, "main_thread_cpu_ns", (double)f->main_thread_cpu_ns) ||
         !cJSON_AddNumberToObject(o, "inside_wall_ns", (double)f->inside_wall_ns) ||
         !cJSON_AddNumberToObject(o, "inside_cpu_ns", (double)f->inside_cpu_ns))) {
        cJSON_Delete(o);
        return NULL;
    }
    if (f->speedup_possible > 0 &&
        (!cJSON_AddNumberToObject(o, "speedup", f->speedup) ||
         !cJSON_AddNumberToObject(o, "speedup_possible", f->speedup_possible) ||
         !cJSON_AddNumberToObject(o, "concurrency", f->concurrency) ||
         !cJSON_AddNumberToObject(o, "split", f->split) ||
         !cJSON_AddNumberToObject(o, "efficiency", f->efficiency) ||
         !cJSON_AddNumberToObject(o, "parallel_achieved", f->parallel_achieved) ||
         !cJSON_AddNumberToObject(o, "max_parallel", f->max_parallel) ||
         !cJSON_AddNumberToObject(o, "runnable_ns", (double)f->runnable_ns) ||
         !cJSON_AddNumberToObject(o, "busiest_cpu_ns", (double)f->busiest_cpu_ns))) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

/* A figure read back from a stored result: a number outside int64_t's range
 * (or NaN) cannot come from measure_figures_to_json(), and converting it
 * would be undefined behaviour, so it reads as 0. */
static int64_t num_field(const cJSON *obj, const char *name)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, name);
    double v;

    if (!cJSON_IsNumber(it))
        return 0;
    v = it->valuedouble;
    if (!(v > -9.2e18 && v < 9.2e18))
        return 0;
    return (int64_t)v;
}

int measure_figures_from_json(const cJSON *obj, struct measure_figures *out)
{
    const cJSON *par;

    memset(out, 0, sizeof *out);
    if (!cJSON_IsObject(obj))
        return -1;
    out->wall_ns = num_field(obj, "wall_ns");
    out->cpu_ns = num_field(obj, "cpu_ns");
    out->children_cpu_ns = num_field(obj, "children_cpu_ns");
    out->run_cpu_ns = cJSON_GetObjectItemCaseSensitive(obj, "run_cpu_ns") != NULL
                          ? num_field(obj, "run_cpu_ns")
                          : out->cpu_ns + out->children_cpu_ns;
    out->io_read_bytes = cJSON_GetObjectItemCaseSensitive(obj, "io_read_bytes") != NULL
                             ? num_field(obj, "io_read_bytes")
                             : -1;
    out->page_faults = cJSON_GetObjectItemCaseSensitive(obj, "page_faults") != NULL
                           ? num_field(obj, "page_faults")
                           : -1;
    out->main_thread_cpu_ns = cJSON_GetObjectItemCaseSensitive(obj, "main_thread_cpu_ns") != NULL
                                  ? num_field(obj, "main_thread_cpu_ns")
                                  : -1;
    out->py_peak_bytes = num_field(obj, "py_peak_bytes");
    out->py_current_bytes = num_field(obj, "py_current_bytes");
    out->py_allocs = num_field(obj, "py_allocs");
    out->rss_peak_bytes = num_field(obj, "rss_peak_bytes");
    out->rss_growth_bytes = num_field(obj, "rss_growth_bytes");
    par = cJSON_GetObjectItemCaseSensitive(obj, "parallelism");
    out->parallelism = cJSON_IsNumber(par) ? par->valuedouble : 0.0;
    out->other_cpu_ns = num_field(obj, "other_cpu_ns");
    par = cJSON_GetObjectItemCaseSensitive(obj, "cores_free");
    out->cores_free = cJSON_IsNumber(par) ? par->valuedouble : -1.0;
    /* The spread is written only for repeated runs: read back, it says so,
     * so that figures render again as they were. */
    out->repeats = cJSON_GetObjectItemCaseSensitive(obj, "wall_min_ns") != NULL ? 2 : 1;
    out->wall_min_ns = num_field(obj, "wall_min_ns");
    out->wall_max_ns = num_field(obj, "wall_max_ns");
    out->cpu_min_ns = num_field(obj, "cpu_min_ns");
    out->cpu_max_ns = num_field(obj, "cpu_max_ns");
    out->outside = cJSON_GetObjectItemCaseSensitive(obj, "observed") != NULL;
    out->inside_wall_ns = num_field(obj, "inside_wall_ns");
    out->inside_cpu_ns = num_field(obj, "inside_cpu_ns");
    par = cJSON_GetObjectItemCaseSensitive(obj, "speedup");
    out->speedup = cJSON_IsNumber(par) ? par->valuedouble : 0.0;
    par = cJSON_GetObjectItemCaseSensitive(obj, "speedup_possible");
    out->speedup_possible = cJSON_IsNumber(par) ? par->valuedouble : 0.0;
    par = cJSON_GetObjectItemCaseSensitive(obj, "concurrency");
    out->concurrency = cJSON_IsNumber(par) ? par->valuedouble : -1.0;
    par = cJSON_GetObjectItemCaseSensitive(obj, "split");
    out->split = cJSON_IsNumber(par) ? par->valuedouble : -1.0;
    par = cJSON_GetObjectItemCaseSensitive(obj, "efficiency");
    out->efficiency = cJSON_IsNumber(par) ? par->valuedouble : -1.0;
    par = cJSON_GetObjectItemCaseSensitive(obj, "parallel_achieved");
    out->parallel_achieved = cJSON_IsNumber(par) ? par->valuedouble : -1.0;
    par = cJSON_GetObjectItemCaseSensitive(obj, "max_parallel");
    out->max_parallel = cJSON_IsNumber(par) ? par->valuedouble : 0.0;
    out->runnable_ns = cJSON_GetObjectItemCaseSensitive(obj, "runnable_ns") != NULL
                           ? num_field(obj, "runnable_ns")
                           : -1;
    out->busiest_cpu_ns = cJSON_GetObjectItemCaseSensitive(obj, "busiest_cpu_ns") != NULL
                              ? num_field(obj, "busiest_cpu_ns")
                              : -1;
    return 0;
}
