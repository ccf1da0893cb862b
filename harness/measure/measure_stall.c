/* measure_stall.c - see measure_stall.h. */
#include "measure_stall.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

double measure_cpu_stall_us(void)
{
    char line[256];
    double total = -1;
    FILE *f = fopen("/proc/pressure/cpu", "re");

    if (f == NULL)
        return -1;
    while (fgets(line, sizeof line, f) != NULL) {
        const char *t = strstr(line, "total=");
        if (strncmp(line, "some ", 5) == 0 && t != NULL) {
            char *end;
            total = strtod(t + 6, &end);
            if (end == t + 6)
                total = -1;
        }
    }
    fclose(f);
    return total;
}

void stall_limit_start(struct stall_limit *l, int64_t now, double limit_s, double stretch)
{
    assert(stretch >= 1);
    l->start_ns = now;
    l->limit_ns = (int64_t)(limit_s * 1e9);
    l->due_ns = now + l->limit_ns;
    l->cap_ns = now + (int64_t)((double)l->limit_ns * stretch);
    l->stall0_us = stretch > 1 ? measure_cpu_stall_us() : -1;
}

int stall_limit_reached(struct stall_limit *l, int64_t now)
{
    double stall;
    int64_t due;

    if (now < l->due_ns)
        return 0;
    if (l->stall0_us < 0 || now >= l->cap_ns)
        return 1;
    stall = measure_cpu_stall_us();
    if (stall < l->stall0_us)
        return 1;
    due = l->start_ns + l->limit_ns + (int64_t)((stall - l->stall0_us) * 1e3);
    if (due > l->cap_ns)
        due = l->cap_ns;
    if (now >= due)
        return 1;
    l->due_ns = due;
    return 0;
}

int64_t stall_limit_waived_ns(const struct stall_limit *l, int64_t now)
{
    int64_t over = now - l->start_ns - l->limit_ns;

    return over > 0 ? over : 0;
}
