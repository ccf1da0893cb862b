/*
 * report_json.h - a run's result as JSON, and back.
 *
 * The JSON form is the contract later tools read (batch grading, comparison,
 * practice, the store): it is documented once, in docs/result-format.md,
 * with a JSON Schema beside it (docs/result.schema.json).  It carries
 * "format": RESULT_FORMAT and everything needed to score and render the
 * result again, so that render -> parse -> render gives the same bytes.
 */
#ifndef PH_REPORT_JSON_H
#define PH_REPORT_JSON_H

#include <cjson/cJSON.h>

#include "err.h"
#include "result.h"

/* New JSON object for a run; caller frees with cJSON_Delete(); NULL on OOM. */
cJSON *report_json_run(const struct run_result *r);

/* The JSON form as text, indented, without a final newline: what `run
 * --json` prints and the store records.  Caller frees; NULL on OOM. */
char *report_json_text(const struct run_result *r);

/*
 * Read a result back from its JSON form (borrowed) into `out` (caller
 * cleans up with run_result_cleanup()) and score it from what it holds.
 * PH_EINPUT naming the field when the document is not a result of this
 * format; nothing is left in `out` then.
 */
enum ph_rc report_json_parse_run(const cJSON *json, struct run_result *out, struct ph_err *err);

#endif
