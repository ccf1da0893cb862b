/*
 * cmd_new.h - `pyharness new ID [DIR]`: scaffold an exercise folder (every
 * exercise.json field explained in "//" comment keys, a starter, a
 * reference, checks with one example check, examples with expected.json)
 * that `pyharness validate` accepts as created.
 */
#ifndef PH_CMD_NEW_H
#define PH_CMD_NEW_H

int cmd_new_main(int argc, char **argv);

#endif
