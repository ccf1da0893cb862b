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
 * with credit in 0..1, the score must lie in 0..max, misconceptions must be
 * the rubric's.  PH_EPROTO with a message saying what was wrong otherwise;
 * `out` is then left empty.
 */
enum ph_rc llm_parse_response(enum llm_provider provider, const char *model,
                              const struct llm_task *task, const char *body, size_t len,
                              struct explain_result *out, struct ph_err *err);

#endif
