/*
 * llm_prompt.h - the grading prompt (system text, the rubric, the fenced answer) and
 * the request body with its response schema, for each provider.
 */
#ifndef PH_LLM_PROMPT_H
#define PH_LLM_PROMPT_H

#include "err.h"
#include "llm_config.h"

struct rubric;

/* Bump whenever the prompt, schema or parsing changes meaning: cached
 * scores made under another version are not reused. */
#define LLM_PROMPT_VERSION 2

/* Longest response body read from a provider; a grader's verdict is a few
 * KiB, so anything past this is a broken or hostile server. */
#define LLM_RESPONSE_MAX (1024 * 1024)

/* "1:" + 16 hex digits + NUL; see llm_prompt_version(). */
#define LLM_PROMPT_VERSION_LEN 32

/* What the grader is told about one exercise; every field is borrowed. */
struct llm_task {
    const char *question_id; /* exercise id */
    const char *question;
    const char *model_answer;
    const struct rubric *rubric;
};

/*
 * The prompt version used as part of a cache key: LLM_PROMPT_VERSION and a
 * hash of everything in the prompt except the candidate's answer (question,
 * model answer, rubric), so editing an exercise invalidates its cached scores.
 */
void llm_prompt_version(const struct llm_task *task, char out[LLM_PROMPT_VERSION_LEN]);

/*
 * Build the request body for `answer` (borrowed, UTF-8).  The answer is
 * fenced between markers carrying a nonce derived from its hash, so it cannot
 * close its own fence.  Caller frees *body_out with free().
 */
enum ph_rc llm_build_request(const struct llm_config *cfg, const struct llm_task *task,
                             const char *answer, char **body_out, struct ph_err *err);

#endif
