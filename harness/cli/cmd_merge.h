/* cmd_merge.h - `pyharness merge`: see docs/grading.md. */
#ifndef PH_CMD_MERGE_H
#define PH_CMD_MERGE_H

/* argv[0] is "merge".  Returns the process exit status (cli.h). */
int cmd_merge_main(int argc, char **argv);

#endif
