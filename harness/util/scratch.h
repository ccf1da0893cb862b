/*
 * scratch.h - a batch run's scratch folder, and the sweeping of dead runs'.
 *
 * `grade` points $TMPDIR of everything it starts (engines, sandbox hosts,
 * runs) at one folder of its own, `$TMPDIR/pyharness-grade-XXXXXX`, and
 * holds an exclusive flock on `.lock` inside it for as long as it lives (its
 * children inherit the descriptor).  A folder whose lock can be taken
 * belongs to a run that is gone, however it ended (kill -9 included): the
 * next run removes it.  The lock, not a pid, decides, so pid reuse cannot
 * keep a dead run's folder alive or remove a live one's.
 */
#ifndef PH_SCRATCH_H
#define PH_SCRATCH_H

#include <limits.h>

#include "err.h"

#define SCRATCH_PREFIX "pyharness-grade-"

struct scratch {
    char root[PATH_MAX];
    int lock_fd;
};

/* Remove the folders of dead runs under `tmp` (borrowed); returns how many. */
int scratch_sweep(const char *tmp);

/* Sweep, then create and lock a new folder under $TMPDIR (or /tmp). */
enum ph_rc scratch_open(struct scratch *s, struct ph_err *err);

/* Unlock and remove the folder (a no-op on an unopened one). */
void scratch_close(struct scratch *s);

#endif
