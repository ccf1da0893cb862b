/*
 * cmd_kit.h - `pyharness kit OUT_DIR [EXERCISE...]`: export what students
 * may see (the statement, the starter, the visible checks and how the grade
 * is made) and nothing of the answer keys (no reference.py, checks.py,
 * baseline.py, examples/, model answer or rubric).
 */
#ifndef PH_CMD_KIT_H
#define PH_CMD_KIT_H

int cmd_kit_main(int argc, char **argv);

#endif
