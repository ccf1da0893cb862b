/*
 * cmd_statement.h - `pyharness show EXERCISE` (the question, the statement,
 * the visible checks and how the grade is made) and `pyharness start
 * EXERCISE [DIR]` (a working copy of the starter, and the command to run
 * next).  `show` also renders a saved result (cmd_show.h): cmd_show_any_main
 * picks by what it is given.
 */
#ifndef PH_CMD_STATEMENT_H
#define PH_CMD_STATEMENT_H

#include <stdio.h>

struct exercise;

int cmd_start_main(int argc, char **argv);

/* `show`: a saved result (RESULT.json, --store, --id) goes to cmd_show_main,
 * anything else names an exercise. */
int cmd_show_any_main(int argc, char **argv);

/* What `show EXERCISE` prints, to `out`: `starter_path` is how the statement's file
 * is named, `starter` its text (borrowed, may be NULL). */
void cmd_statement_write(FILE *out, const struct exercise *ex, const char *starter_path,
                         const char *starter, int color, int width);
#endif
