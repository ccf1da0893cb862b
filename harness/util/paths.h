/*
 * paths.h - where the host finds its data: the Python runtime (python/) and
 * the exercise bank (exercises/).
 *
 * Resolution order: a command-line override (paths_set_exercises), then the
 * environment (PYHARNESS_EXERCISES, PYHARNESS_HOME), then an installed tree
 * beside the binary (<prefix>/share/pyharness), then the source tree the
 * binary was built from.  Owns the resolved strings (static storage).
 */
#ifndef PH_PATHS_H
#define PH_PATHS_H

#include "err.h"

/* Resolve everything once, from /proc/self/exe.  Call before any getter. */
enum ph_rc paths_init(struct ph_err *err);

/* Override the exercise folder (from --exercises DIR); copied. */
enum ph_rc paths_set_exercises(const char *dir, struct ph_err *err);

const char *paths_exe(void); /* absolute path of this binary */
const char *paths_python_dir(void);
const char *paths_exercises_dir(void);
const char *paths_reports_dir(void); /* templates and styles of the reports */

#endif
