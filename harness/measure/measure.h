/*
 * measure.h - time and memory figures taken from C.
 *
 * Owns the counting allocator wrapped around CPython's RAW, MEM and OBJ
 * domains, the clocks, and the readings of the kernel's resident-set figures.
 * Python code can read figures but cannot change them: the counters live in
 * this module's statics, out of reach of anything but native code.
 *
 * This module includes Python.h for PyMem_SetAllocator only; it calls no other
 * part of the C API.
 */
#ifndef PH_MEASURE_H
#define PH_MEASURE_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

struct measure_figures {
    int64_t wall_ns;          /* CLOCK_MONOTONIC */
    int64_t cpu_ns;           /* the process, all its threads */
    int64_t children_cpu_ns;  /* children reaped during the span */
    int64_t py_peak_bytes;    /* highest live Python-allocated bytes above the start */
    int64_t py_current_bytes; /* live bytes at the end minus at the start */
    int64_t py_allocs;        /* allocation calls (malloc, calloc, realloc of NULL) */
    int64_t rss_peak_bytes;   /* VmHWM during the span (reset at its start) */
    int64_t rss_growth_bytes; /* VmHWM at the end minus VmRSS at the start */
    double parallelism;       /* (cpu + children cpu) / wall */
    int rss_reset;            /* 1 when the kernel let us reset VmHWM */
};

/* The state saved by measure_begin(); spans nest (an inner span does not
 * lose the outer one's peak). */
struct measure_span {
    int64_t t0_wall, t0_cpu, t0_children, t0_ns_children;
    int64_t py_cur0, py_allocs0;
    int64_t saved_peak; /* outer span's peak so far */
    int64_t rss0;
    int64_t saved_hwm; /* outer span's highest VmHWM seen before resets */
    int rss_reset;
};

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

void measure_begin(struct measure_span *s);
void measure_end(const struct measure_span *s, struct measure_figures *out);

/* Live Python-allocated bytes now, and the process-lifetime peak. */
int64_t measure_py_current(void);
int64_t measure_py_peak(void);
int64_t measure_py_allocs(void);

int64_t measure_now_ns(void); /* CLOCK_MONOTONIC */
int64_t measure_cpu_ns(void); /* CLOCK_PROCESS_CPUTIME_ID */
/* User plus system CPU from getrusage(`who`): RUSAGE_SELF or RUSAGE_CHILDREN
 * (the reaped descendants); 0 if it fails. */
int64_t measure_rusage_cpu_ns(int who);

/* VmRSS / VmHWM of this process in bytes from /proc/self/status; -1 if unreadable. */
int64_t measure_rss_bytes(void);
int64_t measure_hwm_bytes(void);

/* Reset VmHWM to the current RSS (/proc/self/clear_refs "5").  1 on success. */
int measure_reset_hwm(void);

/*
 * Count, in children_cpu_ns, the CPU of every process /proc shows (not only
 * reaped children) but PID 1.  For a worker whose PID namespace holds its run only.
 */
void measure_set_run_namespace(int on);

/* Logical CPUs this process may run on. */
int measure_cpus(void);

/* New JSON object with every figure; caller frees with cJSON_Delete(). */
cJSON *measure_figures_to_json(const struct measure_figures *f);

/* Read figures back from JSON written by measure_figures_to_json (missing
 * fields are zero).  Returns 0, or -1 when `obj` is not an object. */
int measure_figures_from_json(const cJSON *obj, struct measure_figures *out);

#endif
