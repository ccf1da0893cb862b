/*
 * steady.h - which runs the engine repeats to steady a performance mark.
 *
 * The performance ratio of an exercise (exercise.h, struct exercise_perf)
 * reads figures of up to three runs: the candidate's, the reference's and
 * the baseline's.  When its mark lies in or near the band, the engine runs
 * the performance check again on each side the ratio reads (engine.c,
 * steady_perf and steady_cand).  This module answers "which sides" from the
 * compiled rule operands alone, every path of them included: "A", "A / B"
 * and "(A / B) / (C / D)" alike (rules_operand_reads).  No state, no I/O.
 */
#ifndef PH_STEADY_H
#define PH_STEADY_H

struct exercise_perf;

/* Indices into steady_sides()'s `uses`, one per run a ratio can read. */
enum steady_side { STEADY_CAND, STEADY_REF, STEADY_BASE, STEADY_NSIDES };

/*
 * Set uses[STEADY_*] to 1 for each run whose figures `perf`'s ratio reads
 * (its numerator or denominator, any of their paths), 0 otherwise.  Returns
 * 1 when there is something to steady: the spec is present and both sides
 * are figures (no number), and at least one run is read; 0 otherwise (then
 * `uses` is all 0).
 */
int steady_sides(const struct exercise_perf *perf, int uses[STEADY_NSIDES]);

#endif
