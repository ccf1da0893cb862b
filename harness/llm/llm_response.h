/*
 * llm_response.h - a provider's reply parsed and checked against the rubric, and the
 * grade computed from it.
 */
#ifndef PH_LLM_RESPONSE_H
#define PH_LLM_RESPONSE_H

#include <stddef.h>

#include "err.h"
#include "explain.h"
#include "llm_config.h"
#include "llm_prompt.h"

/*
 * Parse and validate a provider's 200 response body (`len` bytes, borrowed,
 * need not be NUL-terminated) into `out` (caller cleans up with
 * explain_result_cleanup()).  Every rubric point needs exactly one verdict
 * with credit in 0..1, the model's total must lie in 0..max, misconceptions
 * must be the rubric's.  The grade (out->score) is computed here from the
 * rubric: credit x weight of every point as a share of the weights, times
 * max, minus the penalty of each misconception whose evidence is found
 * verbatim in `answer` (borrowed; the text that was graded).  The model's own
 * total is out->llm_total, a cross-check: a disagreement of more than
 * LLM_TOTAL_DISAGREEMENT points on a 0-10 scale marks the result
 * needs_review.  PH_EPROTO with a message saying what was wrong otherwise;
 * `out` is then left empty.
 */
enum ph_rc llm_parse_response(enum llm_provider provider, const char *model,
                              const struct llm_task *task, const char *answer, const char *body,
                              size_t len, struct explain_result *out, struct ph_err *err);

/* How far (0-10 scale) the model's own total may stray from the arithmetic. */
#define LLM_TOTAL_DISAGREEMENT 2.0
/* Shortest quote accepted as evidence of a misconception, in bytes. */
#define LLM_EVIDENCE_MIN 12

/* 1 when `evidence` occurs in `answer`, ignoring case, runs of white space,
 * an ellipsis and outer quotation marks. */
int llm_evidence_in(const char *answer, const char *evidence);

#endif
