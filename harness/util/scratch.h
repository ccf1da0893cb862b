/*
 * scratch.h - one scratch folder per pyharness process tree, removed however
 * the tree ends, and the sweeping of dead runs' folders.
 *
 * A command that starts engines, hosts or runs calls scratch_enter() first:
 * it creates `$TMPDIR/pyharness-<tag>-XXXXXX`, holds an exclusive flock on
 * `.lock` inside it, and points $TMPDIR of the process (and of everything it
 * starts) at it, so every folder the engines make goes under it.
 *
 * Removal does not rely on the command ending well.  A guardian process
 * (double-forked, in its own session, ignoring the terminal's signals)
 * holds the lock too and waits for the end of a pipe whose write end only
 * the command's own process tree holds: when the last of them is gone
 * (normal exit, SIGINT, SIGTERM, SIGKILL), it removes the folder.  If the
 * guardian is killed as well, the lock is free and the next command's sweep
 * removes the folder.  The lock, not a pid, decides, so pid reuse can
 * neither keep a dead run's folder nor remove a live one's.
 */
#ifndef PH_SCRATCH_H
#define PH_SCRATCH_H

#include "err.h"

/* Every folder this module makes starts with one of these; `grade` used
 * the second before every command had one. */
#define SCRATCH_PREFIX "pyharness-run-"
#define SCRATCH_PREFIX_GRADE "pyharness-grade-"

/* Remove the folders of dead runs under `tmp` (borrowed); returns how many.
 * Only folders of this user, with one of the prefixes above and a `.lock`
 * nobody holds (or, without a `.lock`, older than a minute) are removed. */
int scratch_sweep(const char *tmp);

/* Sweep, then create and lock this process tree's folder, start its
 * guardian and set $TMPDIR to it.  `tag` (borrowed; letters) names the
 * folder, e.g. "run".  A no-op when this process, or the process it was
 * forked from, already entered. */
enum ph_rc scratch_enter(const char *tag, struct ph_err *err);

/* The folder entered, or NULL. */
const char *scratch_root(void);

/* In the process that entered: remove the folder now and restore $TMPDIR.
 * Elsewhere (a forked child) and when nothing was entered: a no-op. */
void scratch_leave(void);

#endif
