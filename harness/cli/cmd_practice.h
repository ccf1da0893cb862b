/*
 * cmd_practice.h - `pyharness practice`: a timed practice session.
 */
#ifndef PH_CMD_PRACTICE_H
#define PH_CMD_PRACTICE_H

int cmd_practice_main(int argc, char **argv);

#endif
