/*
 * cmd_history.h - `pyharness history`: past practice sessions and progress
 * per topic, as a small terminal chart or as JSON.
 */
#ifndef PH_CMD_HISTORY_H
#define PH_CMD_HISTORY_H

int cmd_history_main(int argc, char **argv);

#endif
