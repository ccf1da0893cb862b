/*
 * score.h - combining correctness, performance and explanation into a grade.
 *
 * Weights come from exercise.json, copied into the result when it is judged; every part records
 * where it came from (which checks, which figures, which scorer) so a report can show it.
 */
#ifndef PH_SCORE_H
#define PH_SCORE_H

#include "err.h"
#include "result.h"

/*
 * Fill out->score from the result alone: its checks' verdicts and weights,
 * out->weights, out->perf and out->explanation (NULL: that part is 0 and
 * marked missing).  A rejected run scores 0 in every part.  Replaces a
 * score already there.
 */
enum ph_rc score_run(struct run_result *out, struct ph_err *err);

#endif
