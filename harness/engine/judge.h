/*
 * judge.h - turning what workers reported into verdicts, in the supervisor.
 *
 * The candidate's observations are compared with the reference's
 * (type-strictly, compare.h) and the check's rules are evaluated on figures
 * measured in C.  Nothing the candidate's process said is trusted as a
 * verdict: a frame is only data.  Also formats the lessons reports show.
 */
#ifndef PH_JUDGE_H
#define PH_JUDGE_H

#include <cjson/cJSON.h>

#include "err.h"
#include "result.h"
#include "worker.h"

struct exercise;

struct judge_input {
    const struct exercise *ex;
    const struct worker_result *cand;
    const struct worker_result *ref;  /* required */
    const struct worker_result *base; /* NULL unless the exercise needs a baseline */
    const char *submission_name;
};

/*
 * Fill `out` (caller cleans up with run_result_cleanup()).  PH_EINTERNAL when
 * the reference itself failed a check: the exercise is broken, and the
 * message says which check and why.
 */
enum ph_rc judge_run(const struct judge_input *in, struct run_result *out, struct ph_err *err);

/*
 * Resolve a rule operand ("cand.measure.big.wall_ns", a number) for check
 * `check` to a number.  Returns 0 on success, -1 when missing or not numeric.
 */
int judge_number(const struct judge_input *in, const char *check, const cJSON *operand,
                 double *out);

#endif
