/* cmd_gradescope.h - `pyharness gradescope`: see docs/grading.md. */
#ifndef PH_CMD_GRADESCOPE_H
#define PH_CMD_GRADESCOPE_H

/* argv[0] is "gradescope".  Returns the process exit status (cli.h). */
int cmd_gradescope_main(int argc, char **argv);

#endif
