/*
 * fuzz_llm_response.c - libFuzzer target for the LLM response parser
 * (llm_parse_response in llm.c), the code that reads bytes a remote server
 * chose.  The first input byte picks the wire format (even: OpenAI, odd:
 * Anthropic); the rest is the HTTP body.  Self-contained: links phcore only.
 *
 * Seeds: tests/fuzz/corpus/llm_response/.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "explain.h"
#include "fileio.h"
#include "llm.h"
#include "rubric.h"
#include "rubric_score.h"

static struct rubric_point points[] = {
    {"order", "gather returns results in argument order", 2},
    {"concurrent", "the awaitables run concurrently", 1},
};
static struct rubric_misconception miscs[] = {
    {.id = "completion-order",
     .text = "gather returns results in completion order",
     .correction = "gather returns results in argument order",
     .penalty = 3},
};
static struct rubric rub = {10, points, 2, miscs, 1, NULL};
static const struct llm_task task = {"tiny-gather", "In what order?", "Argument order.", &rub};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct explain_result r;
    struct ph_err err;
    enum llm_provider p;

    if (size < 1)
        return 0;
    p = (data[0] & 1) ? LLM_ANTHROPIC : LLM_OPENAI;
    ph_err_clear(&err);
    if (llm_parse_response(p, "fuzz", &task, "gather keeps the order of its arguments",
                           (const char *)data + 1, size - 1, &r, &err) == PH_OK) {
        /* What we accept must satisfy what the rest of the host relies on. */
        if (r.score < 0 || r.score > r.max || r.npoints != rub.npoints || r.feedback == NULL)
            __builtin_trap();
        for (size_t i = 0; i < r.npoints; i++) {
            if (r.points[i].credit < 0 || r.points[i].credit > 1)
                __builtin_trap();
            if (r.points[i].evidence != NULL &&
                fileio_utf8_invalid_at(r.points[i].evidence, strlen(r.points[i].evidence)) >= 0)
                __builtin_trap();
        }
        if (fileio_utf8_invalid_at(r.feedback, strlen(r.feedback)) >= 0)
            __builtin_trap();
        explain_result_cleanup(&r);
    } else if (r.points != NULL || r.scorer != NULL || err.msg[0] == '\0') {
        __builtin_trap(); /* a failure leaves nothing behind and says why */
    }
    return 0;
}
