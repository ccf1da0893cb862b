/*
 * sandbox_runfs.h - a run's own file system: a tmpfs of the run's disk
 * quota mounted on its folder, inside the host's mount namespace.
 *
 * A walk of the run's folder cannot see every file the run holds: a file
 * made with O_TMPFILE, or unlinked, whose only descriptor is in flight in a
 * socket (SCM_RIGHTS), is in no folder and in no process's /proc/<pid>/fd
 * (red team 10's inflight_disk held 1 GiB on the host's disk under a 256 MB
 * quota that way).  The kernel counts them all: a tmpfs of the quota's size
 * refuses what is past it (ENOSPC), and its used blocks and inodes
 * (statvfs) are every byte and file the run holds there, wherever the last
 * reference to them is.  Unmounting it after the run frees what it held.
 */
#ifndef PH_SANDBOX_RUNFS_H
#define PH_SANDBOX_RUNFS_H

#include <sys/mount.h>
#include <sys/types.h>

#include "err.h"

/* What a run's file system may hold beyond its quota: room for the runner to
 * see the run past its quota (and stop it with the disk verdict) before the
 * kernel refuses writes, which a submission could otherwise swallow. */
#define SBX_RUNFS_SLACK_BYTES(quota) ((quota) / 16 + 1024ull * 1024)
#define SBX_RUNFS_SLACK_FILES(quota) ((quota) / 16 + 16)

/* The one set of flags the run's filter lets mount(2) and umount2(2) have
 * (sandbox_seccomp.c): a host that lives under that filter mounts and
 * unmounts runs' file systems with them; a worker could not use them even
 * so, since it has no capability left (sandbox_enter).  MS_SILENT sets them
 * apart from any flags another mount would need. */
#define SBX_RUNFS_MOUNT_FLAGS (MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_SILENT)
#define SBX_RUNFS_UMOUNT_FLAGS (MNT_DETACH | UMOUNT_NOFOLLOW)

/*
 * In a host inside its own mount namespace: mount a tmpfs of `bytes` and
 * `files` (plus the slack above) on `folder`, owned by `uid` (0: the host's
 * own), and copy into it what the folder held (the submission the
 * supervisor placed there).  On failure the folder is left as it was.
 */
enum ph_rc sbx_runfs_mount(const char *folder, uid_t uid, unsigned long long bytes,
                           unsigned long long files, struct ph_err *err);

/* Unmount what sbx_runfs_mount() mounted on `folder` (lazily: the pages go
 * when the last reference to the file system does).  No-op if nothing is
 * mounted there. */
void sbx_runfs_unmount(const char *folder);

#endif
