/*
 * session.h - one timed practice session, from the first question to the
 * summary.
 *
 * Picks the questions (pick.h) from the bank, weighted by the learner's
 * history (store.h); asks each one with a countdown, in the full-screen
 * editor when stdin and stdout are terminals or as plain prompts when they
 * are not, or takes the answers from a file (--answers); scores each answer
 * in a child process (runner.h) while the screen keeps moving; shows the
 * score per rubric point and the model answer; records everything; ends
 * with a summary.  Owns nothing after session_run() returns.
 */
#ifndef PH_SESSION_H
#define PH_SESSION_H

#include <stdint.h>

#include "explain_score.h"

struct qbank;
struct store;

struct session_opts {
    const char *topic;        /* NULL: every topic */
    double minutes;           /* the whole session's time */
    unsigned count;           /* questions; 0: as many as fit */
    double seconds;           /* per-question limit overriding the share; 0: share */
    int voice;                /* speak questions; Ctrl-R records an answer */
    const char *answer_audio; /* WAV file (or folder of <id>.wav) answering by voice */
    const char *answers_file; /* scripted answers: no prompts, no clock */
    const char *voice_lm;     /* "bank" (default) or "general" */
    int concepts_only;        /* leave coding exercises out */
    uint64_t seed;
    enum explain_scorer scorer;
    int plain; /* force plain prompts even on a terminal */
};

/* Run a session.  Messages go to stderr (already printed when this returns
 * an error: bad answers file, no question for the topic), the session to
 * stdout.  `st` may be NULL (no history).  A session the learner ended with
 * Ctrl-C is PH_OK. */
enum ph_rc session_run(const struct session_opts *o, const struct qbank *b, struct store *st);

#endif
