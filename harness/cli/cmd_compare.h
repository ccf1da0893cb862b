/*
 * cmd_compare.h - `pyharness compare EXERCISE FILE... [--against reference]
 * [--sizes LIST] [--budget 60s] [--format html|md|json] [--json] [--out F]`:
 * implementations side by side as the input grows (harness/perf/).
 */
#ifndef PH_CMD_COMPARE_H
#define PH_CMD_COMPARE_H

int cmd_compare_main(int argc, char **argv);

#endif
