/* cmd_list.h - `pyharness list [--json]`: the exercise bank, one line each. */
#ifndef PH_CMD_LIST_H
#define PH_CMD_LIST_H

int cmd_list_main(int argc, char **argv);

#endif
