/*
 * dict_version.c - see dict_version.h.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <stdint.h>

#include "dict_version.h"

uint64_t dict_version_tag(PyObject *d)
{
#if PY_VERSION_HEX < 0x030C0000
    _Pragma("GCC diagnostic push")
        _Pragma("GCC diagnostic ignored \"-Wdeprecated-declarations\"") return ((PyDictObject *)d)
            ->ma_version_tag;
    _Pragma("GCC diagnostic pop")
#else
    (void)d;
    return 0;
#endif
}
