/*
 * cmd_show.h - `pyharness show EXERCISE` (the question, the statement, the
 * visible checks and how the grade is made) and `pyharness start EXERCISE
 * [DIR]` (a working copy of the starter, and the command to run next).
 */
#ifndef PH_CMD_SHOW_H
#define PH_CMD_SHOW_H

int cmd_show_main(int argc, char **argv);
int cmd_start_main(int argc, char **argv);

#endif
