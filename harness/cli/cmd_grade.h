/* cmd_grade.h - `pyharness grade`: see docs/grading.md. */
#ifndef PH_CMD_GRADE_H
#define PH_CMD_GRADE_H

/* argv[0] is "grade".  Returns the process exit status (cli.h). */
int cmd_grade_main(int argc, char **argv);

/* Parse --format's comma-separated list into GRADE_FORMAT_* bits
 * (nbgrader always included); -1 on an unknown name. */
int cmd_grade_parse_formats(const char *s, unsigned *out);

#endif
