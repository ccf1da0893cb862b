/*
 * measure_stall.h - the machine's CPU pressure (the kernel's pressure stall
 * information, /proc/pressure/cpu), and wall-clock limits that do not count
 * the time the CPUs were oversubscribed.
 *
 * A check's time limit is there to stop code that hangs or spins; on a
 * machine whose CPUs other work keeps busy, correct code can pass it only
 * because it waited for a CPU (a blind audit saw the reference itself stopped
 * at load 20-35).  A stall_limit gives back the wall time during which some
 * task waited for a CPU, up to a bound (a multiple of the limit), so that
 * code that hangs is still stopped on a busy machine, only later.
 */
#ifndef PH_MEASURE_STALL_H
#define PH_MEASURE_STALL_H

#include <stdint.h>

/* Microseconds during which some task has waited for a CPU since boot, or
 * -1 where the kernel keeps no pressure figures. */
double measure_cpu_stall_us(void);

struct stall_limit {
    int64_t start_ns; /* measure_now_ns() when the limit started */
    int64_t limit_ns; /* the limit as given */
    int64_t due_ns;   /* when it is reached unless more stall is found */
    int64_t cap_ns;   /* never later than this */
    double stall0_us; /* measure_cpu_stall_us() at the start; -1: none */
};

/* Start `l` at `now` for `limit_s` seconds, stretched by stall time up to
 * `stretch` times the limit (stretch >= 1; 1: a plain wall-clock limit). */
void stall_limit_start(struct stall_limit *l, int64_t now, double limit_s, double stretch);

/* 1 when `l` is reached at `now`; else 0, and l->due_ns has moved later
 * (by the stall found since the start).  Call it once now >= l->due_ns. */
int stall_limit_reached(struct stall_limit *l, int64_t now);

/* The wall time of `l` not counted against it at `now` (stall), in ns. */
int64_t stall_limit_waived_ns(const struct stall_limit *l, int64_t now);

#endif
