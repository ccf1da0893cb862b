/*
 * paths.h - where the host finds its data: the Python runtime (python/) and
 * the exercise bank (exercises/).
 *
 * The data root: the environment (PYHARNESS_HOME), then an installed tree
 * beside the binary (<prefix>/share/pyharness), then the source tree the
 * binary was built from.  Exercises are found along a search path of banks:
 * each --exercises DIR (first given, first searched) or else
 * PYHARNESS_EXERCISES (colon-separated), then the built-in bank under the
 * data root.  A local exercise shadows a built-in one of the same id.  Owns
 * the resolved strings (static storage).
 */
#ifndef PH_PATHS_H
#define PH_PATHS_H

#include "err.h"

/* Resolve everything once, from /proc/self/exe.  Call before any getter. */
enum ph_rc paths_init(struct ph_err *err);

/* Add a bank searched before the built-in one (from --exercises DIR), after
 * the banks added before it; copied.  PH_EINPUT when DIR is not a folder. */
enum ph_rc paths_set_exercises(const char *dir, struct ph_err *err);

/* Most banks on the search path: a few course folders and the built-in one. */
#define PATHS_BANKS_MAX 8

const char *paths_exe(void); /* absolute path of this binary */
const char *paths_python_dir(void);
/* The first bank searched (the first --exercises DIR, else the built-in one). */
const char *paths_exercises_dir(void);
const char *paths_reports_dir(void); /* templates and styles of the reports */

/* The largest file of reports/ read. */
#define PATHS_REPORT_FILE_MAX (256u * 1024)

/* Read reports/NAME (a template or a style sheet) whole; caller frees *text.
 * PH_EINPUT naming the path when it cannot be read (a broken install). */
enum ph_rc paths_read_report(const char *name, char **text, struct ph_err *err);

/* The banks, in search order; index < paths_bank_count().  Borrowed. */
size_t paths_bank_count(void);
const char *paths_bank(size_t i);
/* Where bank i came from: "--exercises", "PYHARNESS_EXERCISES" or "built-in". */
const char *paths_bank_origin(size_t i);

/* The bank holding exercise `id` (a folder with exercise.json), searched in
 * order: its index, or -1 when no bank has it. */
long paths_find_exercise(const char *id);

#endif
