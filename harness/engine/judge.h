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
    int cpus; /* the run's CPU count: sys.cpus, and recorded in the result */
};

/*
 * Fill `out` (caller cleans up with run_result_cleanup()): verdicts, figures,
 * the exercise's weights and the performance figures, facts.cpus; the
 * caller adds the other facts and scores it (score_run).  PH_EINTERNAL when
 * the reference itself failed a check: the exercise is broken, and the
 * message says which check and why.
 */
enum ph_rc judge_run(const struct judge_input *in, struct run_result *out, struct ph_err *err);

/*
 * The performance ratio's figures (`num`, `den`) that the exercise's spec
 * reads from `in`'s frames of its performance check: 0, or -1 when the
 * exercise has none or a figure is missing (or den is not positive).  Runs
 * of only that check are enough.
 */
int judge_perf_figures(const struct judge_input *in, double *num, double *den);

#endif
