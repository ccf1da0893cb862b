/* steady.c - see steady.h. */
#include "steady.h"

#include <stddef.h>

#include "exercise.h"
#include "rules.h"

int steady_sides(const struct exercise_perf *perf, int uses[STEADY_NSIDES])
{
    static const enum rule_role role[STEADY_NSIDES] = {RULE_CAND, RULE_REF, RULE_BASE};
    int any = 0;

    for (int s = 0; s < STEADY_NSIDES; s++)
        uses[s] = 0;
    if (perf == NULL || !perf->present || perf->num.kind != RULE_OPERAND_PATH ||
        perf->den.kind != RULE_OPERAND_PATH)
        return 0;
    for (int s = 0; s < STEADY_NSIDES; s++) {
        uses[s] =
            rules_operand_reads(&perf->num, role[s]) || rules_operand_reads(&perf->den, role[s]);
        any |= uses[s];
    }
    return any;
}
