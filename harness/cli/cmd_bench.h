/*
 * cmd_bench.h - `pyharness bench-worker EXERCISE FILE N`: the fork-server's
 * cost per run, for `make bench`.  Starts the interpreter once, then runs the
 * submission's checks N times, each in a fresh worker, and prints the time
 * per run (JSON).  Not a user command; listed in --help as internal.
 */
#ifndef PH_CMD_BENCH_H
#define PH_CMD_BENCH_H

int cmd_bench_main(int argc, char **argv);

#endif
