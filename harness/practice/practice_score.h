/*
 * practice_score.h - a practice answer, typed or heard, made ready for the
 * rubric scorer.
 *
 * A transcript is not typed text: it has no identifiers ("asyncio dot
 * gather"), and its punctuation is the speaker's pauses (voice.c).  The
 * session and `voice measure` both go through here, so the figures measured
 * are the ones a learner gets.  Owns nothing between calls.
 */
#ifndef PH_PRACTICE_SCORE_H
#define PH_PRACTICE_SCORE_H

#include "err.h"

struct exercise;
struct explain_result;

/* `transcript` (borrowed) as written text: "asyncio dot gather" becomes
 * "asyncio.gather", "return underscore exceptions" "return_exceptions".
 * Caller frees; NULL when out of memory. */
char *practice_heard_text(const char *transcript);

/* Score `answer` (borrowed) with the offline scorer against the rubric of
 * `ex`; `heard` = 1 when it is a transcript (practice_heard_text() is applied
 * first).  Fills `out` (caller cleans up with explain_result_cleanup()). */
enum ph_rc practice_score_offline(const struct exercise *ex, const char *answer, int heard,
                                  struct explain_result *out, struct ph_err *err);

#endif
