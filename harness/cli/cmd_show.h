/*
 * cmd_show.h - `pyharness show EXERCISE` (the question, the statement, the
 * visible checks and how the grade is made) and `pyharness start EXERCISE
 * [DIR]` (a working copy of the starter, and the command to run next).
 */
#ifndef PH_CMD_SHOW_H
#define PH_CMD_SHOW_H

#include <stdio.h>

struct exercise;

int cmd_show_main(int argc, char **argv);

/* What `show` prints, to `out`: `starter_path` is how the statement's file
 * is named, `starter` its text (borrowed, may be NULL). */
void cmd_show_write(FILE *out, const struct exercise *ex, const char *starter_path,
                    const char *starter, int color, int width);
int cmd_start_main(int argc, char **argv);

#endif
