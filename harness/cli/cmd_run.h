/* cmd_run.h - `pyharness run EXERCISE FILE`: run, judge and report one submission. */
#ifndef PH_CMD_RUN_H
#define PH_CMD_RUN_H

/* argv[0] is "run".  Returns the process exit status (cli.h). */
int cmd_run_main(int argc, char **argv);

#endif
