/*
 * cmd_validate.h - `pyharness validate [EXERCISE...]`: check that exercises
 * are complete and consistent: the JSON is complete, the reference passes
 * every check, the starter does not, and each example submission gets the
 * verdict examples/expected.json promises.  No arguments: every exercise.
 */
#ifndef PH_CMD_VALIDATE_H
#define PH_CMD_VALIDATE_H

int cmd_validate_main(int argc, char **argv);

#endif
