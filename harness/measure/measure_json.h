/*
 * measure_json.h - figures to JSON and back.
 */
#ifndef PH_MEASURE_JSON_H
#define PH_MEASURE_JSON_H

#include <cjson/cJSON.h>

#include "measure.h"

/* New JSON object with every figure; caller frees with cJSON_Delete(). */
cJSON *measure_figures_to_json(const struct measure_figures *f);

/* Read figures back from JSON written by measure_figures_to_json (missing
 * fields are zero).  Returns 0, or -1 when `obj` is not an object. */
int measure_figures_from_json(const cJSON *obj, struct measure_figures *out);

#endif
