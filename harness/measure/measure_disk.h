/*
 * measure_disk.h - the run's disk figure for its quota: what its writable
 * folders hold, from the kernel's count where the run owns the file system.
 *
 * Where a folder is a tmpfs of the run's own (its folder, mounted by the
 * sandbox host, sandbox_runfs.h; /dev/shm when the mount view's is the
 * run's, measure_count_shm), the figure is the file system's used blocks
 * and inodes (statvfs): every file the run holds there, named or not, open
 * or only referenced by a descriptor in flight in a socket.  Elsewhere it
 * is a walk of the folder plus the run's open files that no folder holds
 * (measure_run_unlinked_bytes), which sees neither those in flight nor
 * those held by no process.
 */
#ifndef PH_MEASURE_DISK_H
#define PH_MEASURE_DISK_H

#include <stddef.h>

#include "fileio.h"

/* What `folders` (n of them, borrowed) hold together, in bytes and entries,
 * counted up to just past the bounds (a walk stops there).  Unreadable
 * folders count as empty. */
void measure_run_disk(const char *const *folders, size_t n, unsigned long long max_bytes,
                      unsigned long long max_entries, struct fileio_usage *out);

/* 1 when `path` is the root of a file system of the run's own whose used
 * blocks and inodes are the run's: a tmpfs mounted on the folder itself
 * (not one it lies in), or /dev/shm when measure_count_shm() is on.  *out
 * is then what it holds (entries without its root). */
int measure_own_fs_usage(const char *path, struct fileio_usage *out);

#endif
