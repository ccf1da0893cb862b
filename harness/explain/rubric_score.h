/*
 * rubric_score.h - the offline scorer: an answer graded against a rubric
 * without any network, deterministically.
 */
#ifndef PH_RUBRIC_SCORE_H
#define PH_RUBRIC_SCORE_H

#include "err.h"
#include "explain.h"
#include "rubric.h"

/*
 * Score `answer` (UTF-8 text, borrowed) against the rubric with the offline
 * scorer.  Fills `out` (caller cleans up with explain_result_cleanup());
 * out->scorer is "offline".  `question` is the exercise id, copied.
 */
enum ph_rc rubric_score(const struct rubric *r, const char *question, const char *answer,
                        struct explain_result *out, struct ph_err *err);

#endif
