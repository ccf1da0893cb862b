/* perf_workload.c - see perf_workload.h. */
#include "perf_workload.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "embed.h"
#include "fileio.h"

#define UNIT_MAX 32
#define DESCRIPTION_MAX 300

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

static int valid_name(const char *s)
{
    if (s[0] == '\0' || strlen(s) > 64)
        return 0;
    for (const char *p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p == '_' ||
              (p != s && *p >= '0' && *p <= '9')))
            return 0;
    return 1;
}

/* Sort, drop duplicates, check the range; PH_EINPUT naming `what`. */
static enum ph_rc tidy_sizes(double *sizes, size_t *n, const char *what, struct ph_err *err)
{
    size_t k = 0;

    if (*n == 0)
        return ph_errf(err, PH_EINPUT, "%s: no sizes", what);
    for (size_t i = 0; i < *n; i++)
        if (!(sizes[i] >= 1) || sizes[i] > PERF_WORKLOAD_SIZE_MAX || sizes[i] != floor(sizes[i]))
            return ph_errf(err, PH_EINPUT, "%s: size %g is not a whole number from 1 to %g", what,
                           sizes[i], PERF_WORKLOAD_SIZE_MAX);
    qsort(sizes, *n, sizeof *sizes, cmp_double);
    for (size_t i = 0; i < *n; i++)
        if (k == 0 || sizes[i] != sizes[k - 1])
            sizes[k++] = sizes[i];
    *n = k;
    return PH_OK;
}

enum ph_rc perf_sizes_parse(const char *text, const char *what, double *sizes, size_t cap,
                            size_t *n, struct ph_err *err)
{
    const char *p = text;

    *n = 0;
    while (*p != '\0') {
        char *end;
        double v;
        errno = 0;
        v = strtod(p, &end);
        if (end == p || errno != 0 || (*end != ',' && *end != '\0'))
            return ph_errf(err, PH_EINPUT, "%s: \"%s\" is not a list of sizes such as 1e3,1e4,1e5",
                           what, text);
        if (*n >= cap)
            return ph_errf(err, PH_EINPUT, "%s: more than %zu sizes", what, cap);
        sizes[(*n)++] = v;
        p = *end == ',' ? end + 1 : end;
    }
    return tidy_sizes(sizes, n, what, err);
}

static char *dup_or_empty(const cJSON *s)
{
    return strdup(cJSON_IsString(s) ? s->valuestring : "");
}

enum ph_rc perf_workloads_load(const char *dir, struct perf_workloads *out, struct ph_err *err)
{
    char path[PATH_MAX], what[PATH_MAX + 160];
    char *text = NULL;
    cJSON *doc = NULL, *item;
    enum ph_rc rc = PH_EINPUT;
    size_t i = 0;

    memset(out, 0, sizeof *out);
    snprintf(path, sizeof path, "%s/workloads.py", dir);
    if (!fileio_is_file(path))
        return ph_errf(err, PH_EINPUT, "%s: this exercise declares no sized workloads (no %s)", dir,
                       "workloads.py");
    text = embed_call_text("pyharness.runtime", "read_workloads", path, err);
    if (text == NULL)
        return err->rc;
    doc = cJSON_Parse(text);
    if (!cJSON_IsObject(doc) || cJSON_GetArraySize(doc) == 0) {
        rc = ph_errf(err, PH_EINPUT, "%s: WORKLOADS must be a non-empty dict of workloads", path);
        goto out;
    }
    out->items = calloc((size_t)cJSON_GetArraySize(doc), sizeof *out->items);
    if (out->items == NULL) {
        rc = ph_errf(err, PH_ENOMEM, "out of memory");
        goto out;
    }
    cJSON_ArrayForEach(item, doc)
    {
        struct perf_workload *w = &out->items[i];
        const cJSON *sizes = cJSON_GetObjectItemCaseSensitive(item, "sizes");
        const cJSON *unit = cJSON_GetObjectItemCaseSensitive(item, "unit");
        const cJSON *desc = cJSON_GetObjectItemCaseSensitive(item, "description");
        const cJSON *clock = cJSON_GetObjectItemCaseSensitive(item, "clock");
        const cJSON *s;

        snprintf(what, sizeof what, "%s: WORKLOADS[\"%s\"]", path, item->string);
        if (!valid_name(item->string)) {
            rc = ph_errf(err, PH_EINPUT, "%s: the name must be an identifier", what);
            goto out;
        }
        if (!cJSON_IsObject(item) || !cJSON_IsArray(sizes) || cJSON_GetArraySize(sizes) < 1 ||
            cJSON_GetArraySize(sizes) > PERF_WORKLOAD_MAX_SIZES) {
            rc = ph_errf(err, PH_EINPUT, "%s.sizes: needs a list of 1 to %d sizes", what,
                         PERF_WORKLOAD_MAX_SIZES);
            goto out;
        }
        if (!cJSON_IsString(unit) || unit->valuestring[0] == '\0' ||
            strlen(unit->valuestring) > UNIT_MAX) {
            rc = ph_errf(err, PH_EINPUT,
                         "%s.unit: needs what n counts (\"items\"), at most %d "
                         "characters",
                         what, UNIT_MAX);
            goto out;
        }
        if (desc != NULL &&
            (!cJSON_IsString(desc) || strlen(desc->valuestring) > DESCRIPTION_MAX)) {
            rc = ph_errf(err, PH_EINPUT, "%s.description: a string of at most %d characters", what,
                         DESCRIPTION_MAX);
            goto out;
        }
        if (clock != NULL &&
            (!cJSON_IsString(clock) ||
             (strcmp(clock->valuestring, "cpu") != 0 && strcmp(clock->valuestring, "wall") != 0))) {
            rc = ph_errf(err, PH_EINPUT, "%s.clock: \"cpu\" or \"wall\"", what);
            goto out;
        }
        out->n = ++i;
        w->cpu_clock = clock != NULL && strcmp(clock->valuestring, "cpu") == 0;
        w->name = strdup(item->string);
        w->unit = dup_or_empty(unit);
        w->description = dup_or_empty(desc);
        if (w->name == NULL || w->unit == NULL || w->description == NULL) {
            rc = ph_errf(err, PH_ENOMEM, "out of memory");
            goto out;
        }
        cJSON_ArrayForEach(s, sizes)
        {
            if (!cJSON_IsNumber(s)) {
                rc = ph_errf(err, PH_EINPUT, "%s.sizes: every size is a number", what);
                goto out;
            }
            w->sizes[w->nsizes++] = s->valuedouble;
        }
        snprintf(what + strlen(what), sizeof what - strlen(what), ".sizes");
        rc = tidy_sizes(w->sizes, &w->nsizes, what, err);
        if (rc != PH_OK)
            goto out;
    }
    rc = PH_OK;
out:
    cJSON_Delete(doc);
    free(text);
    return rc;
}

void perf_workloads_cleanup(struct perf_workloads *w)
{
    for (size_t i = 0; w->items != NULL && i < w->n; i++) {
        free(w->items[i].name);
        free(w->items[i].unit);
        free(w->items[i].description);
    }
    free(w->items);
    memset(w, 0, sizeof *w);
}

long perf_workloads_find(const struct perf_workloads *w, const char *name)
{
    for (size_t i = 0; i < w->n; i++)
        if (strcmp(w->items[i].name, name) == 0)
            return (long)i;
    return -1;
}
