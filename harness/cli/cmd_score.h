/*
 * cmd_score.h - `pyharness score EXERCISE ANSWER_FILE... [--json]
 * [--scorer offline|llm|auto] [--exercises DIR]`: score written
 * explanations of an exercise's concept, several answers concurrently.
 * Owns the command line, reading and checking the answer files, and the
 * text and JSON output; scoring itself is explain_score.h's.
 */
#ifndef PH_CMD_SCORE_H
#define PH_CMD_SCORE_H

/* argv[0] is "score".  Prints results to stdout and errors to stderr; returns
 * the process exit status: 0 scored, 2 bad usage or input, 3 internal. */
int cmd_score_main(int argc, char **argv);

#endif
