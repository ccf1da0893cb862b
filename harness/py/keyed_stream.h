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

/* chain_ints(state, batch) -> int: state mixed with every item of batch (a
 * sequence of ints, each in 64 bits), in order, and with the batch's
 * length; a TypeError for an item that is not an exact int.  The digest of
 * a timed loop: a chain over every batch seeded with a key the runner
 * draws cannot be had without every batch's items. */
PyObject *keyed_chain(PyObject *self, PyObject *args);

/* chain_strs(state, seq) -> int: the same for a sequence of str (each
 * mixed with its kind, length and text), a TypeError for anything else.
 * Little-endian words, as on every machine the harness builds for. */
PyObject *keyed_chain_strs(PyObject *self, PyObject *args);

#endif
