/* Unit tests for measure_stall.c: the CPU pressure figure and wall-clock
 * limits that give back the time the CPUs were oversubscribed. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <unistd.h>

#include "measure_stall.h"

#define S 1000000000LL

Test(measure_stall, the_pressure_figure_only_grows)
{
    double a = measure_cpu_stall_us(), b;

    if (a < 0)
        cr_skip_test("this kernel keeps no /proc/pressure/cpu");
    usleep(20000);
    b = measure_cpu_stall_us();
    cr_assert_geq(b, a);
}

Test(measure_stall, a_limit_not_stretched_is_a_plain_wall_clock_limit)
{
    struct stall_limit l;

    stall_limit_start(&l, 100 * S, 2.5, 1.0);
    cr_assert_eq(l.due_ns, 102 * S + S / 2);
    cr_assert_not(stall_limit_reached(&l, 102 * S));
    cr_assert(stall_limit_reached(&l, 102 * S + S / 2));
    cr_assert_eq(stall_limit_waived_ns(&l, 103 * S), S / 2);
    cr_assert_eq(stall_limit_waived_ns(&l, 101 * S), 0);
}

Test(measure_stall, a_stretched_limit_is_never_reached_early_and_always_by_its_cap)
{
    struct stall_limit l;

    stall_limit_start(&l, 0, 10, 3.0);
    cr_assert_not(stall_limit_reached(&l, 9 * S));
    cr_assert_eq(l.due_ns, 10 * S, "nothing moves before the limit");
    /* At the limit it is reached, or moved on by the stall found, never
     * past the cap. */
    if (!stall_limit_reached(&l, 10 * S)) {
        cr_assert_gt(l.due_ns, 10 * S);
        cr_assert_leq(l.due_ns, 30 * S);
    }
    cr_assert(stall_limit_reached(&l, 30 * S));
    cr_assert_eq(stall_limit_waived_ns(&l, 30 * S), 20 * S);
}
