/*
 * keyed_stream.h - _pyharness.KeyedStream: the timed input of a speed check,
 * an iterator of ints made in C that tells nothing about what it will yield.
 */
#ifndef PH_KEYED_STREAM_H
#define PH_KEYED_STREAM_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

/* A static type (no subclass, no __class__ assignment), made ready by
 * pymodule_init(). */
extern PyTypeObject keyed_stream_type;

#endif
