/*
 * measure_alloc.h - the counting allocator wrapped around CPython's RAW, MEM
 * and OBJ domains, and the Python allocator's figures for a span.  The
 * counters live in this module's statics, out of reach of anything but
 * native code.  Includes Python.h for PyMem_SetAllocator only.
 */
#ifndef PH_MEASURE_ALLOC_H
#define PH_MEASURE_ALLOC_H

#include <stdint.h>

/*
 * Wrap the allocator domains with the counting hooks.  Must run before
 * Py_PreInitialize/Py_Initialize: the hooks prefix each block with its size,
 * so a block allocated before them and freed through them would be misread.
 * Idempotent.
 */
void measure_install_hooks(void);

/* 1 when the counting hooks are installed. */
int measure_hooks_active(void);

/* "pool" (small blocks counted by pymalloc's size class, no header), "header"
 * (every block carries its size), or "off".  Static storage. */
const char *measure_hooks_mode(void);

/* The Python allocator and this process's clocks alone, for a worker's
 * report of one request (cheap: no /proc read). */
struct measure_py_span {
    int64_t cur0, allocs0, saved_peak, wall0, cpu0;
};
struct measure_py_figures {
    int64_t peak_bytes, current_bytes, allocs, wall_ns, cpu_ns;
};
void measure_py_begin(struct measure_py_span *s);
void measure_py_end(const struct measure_py_span *s, struct measure_py_figures *out);

/* Live Python-allocated bytes now. */
int64_t measure_py_current(void);

/* Allocation calls through the counting hooks since they were installed. */
int64_t measure_py_allocs(void);

/* The highest live Python-allocated bytes since the innermost span began, and
 * its reset: a span starts it at what is live and puts the outer span's
 * back when it ends. */
int64_t measure_py_peak(void);
void measure_py_peak_set(int64_t bytes);

#endif
