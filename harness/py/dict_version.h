/*
 * dict_version.h - a dict's write counter, for the watchers that verify a
 * sealed namespace (inside_table.c) or the harness's own modules
 * (tamper_watch.c) without scanning every entry on every call.
 */
#ifndef PH_DICT_VERSION_H
#define PH_DICT_VERSION_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <stdint.h>

/*
 * PEP 509's version tag of `d` (borrowed, a dict): it changes with every
 * write, so a dict that still has the tag it had at a snapshot was not
 * written since.  0 where the interpreter has no such tag (the field is
 * gone in 3.12): callers then compare in full.
 */
uint64_t dict_version_tag(PyObject *d);

#endif
