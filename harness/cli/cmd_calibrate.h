/*
 * cmd_calibrate.h - `pyharness calibrate GRADED.jsonl`: score a set of
 * answers a teacher graded with the configured scorer and report how far the
 * scorer can be trusted on it (Spearman, mean absolute error, a confusion
 * table by grade band, the worst disagreements), before it is used on a class.
 */
#ifndef PH_CMD_CALIBRATE_H
#define PH_CMD_CALIBRATE_H

/* argv[0] is "calibrate".  Prints the report to stdout and errors to stderr;
 * returns the process exit status: 0 reported, 1 the LLM gave no usable
 * grade for some answers (without --fallback offline), 2 bad usage or input,
 * 3 internal. */
int cmd_calibrate_main(int argc, char **argv);

#endif
