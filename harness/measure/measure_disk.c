/*
 * measure_disk.c - see measure_disk.h.
 */
#include "measure_disk.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>

#include "measure_proc.h"

#ifndef TMPFS_MAGIC
#define TMPFS_MAGIC 0x01021994
#endif

int measure_own_fs_usage(const char *path, struct fileio_usage *out)
{
    char parent[PATH_MAX];
    struct statfs fs;
    struct statvfs v;
    struct stat here, up;

    if (strcmp(path, "/dev/shm") == 0 && !measure_shm_counted())
        return 0; /* the machine's, shared with everything else on it */
    if (statfs(path, &fs) != 0 || fs.f_type != TMPFS_MAGIC)
        return 0;
    /* The root of its own mount, not a folder inside a tmpfs (a scratch root
     * on a tmpfs /tmp holds other runs and other programs' files). */
    if (snprintf(parent, sizeof parent, "%s/..", path) >= (int)sizeof parent ||
        stat(path, &here) != 0 || stat(parent, &up) != 0 || here.st_dev == up.st_dev)
        return 0;
    if (statvfs(path, &v) != 0 || v.f_blocks < v.f_bfree || v.f_files < v.f_ffree)
        return 0;
    out->bytes = (unsigned long long)(v.f_blocks - v.f_bfree) * v.f_frsize;
    out->entries = v.f_files - v.f_ffree;
    if (out->entries > 0)
        out->entries--; /* its root, which a walk does not count */
    return 1;
}

/* More folders than the run has (its own and /dev/shm) are walked. */
#define OWN_FS_MAX 8

void measure_run_disk(const char *const *folders, size_t n, unsigned long long max_bytes,
                      unsigned long long max_entries, struct fileio_usage *out)
{
    struct fileio_usage own[OWN_FS_MAX];
    int is_own[OWN_FS_MAX];
    int all_own = n <= OWN_FS_MAX;

    out->bytes = 0;
    out->entries = 0;
    for (size_t i = 0; i < n && i < OWN_FS_MAX; i++) {
        is_own[i] = measure_own_fs_usage(folders[i], &own[i]);
        if (!is_own[i])
            all_own = 0;
    }
    /* A file open with no name is on one of the folders' file systems: the
     * kernel's count has it already where every one is the run's own. */
    if (!all_own) {
        int64_t hidden = measure_run_unlinked_bytes();

        out->bytes = hidden > 0 ? (unsigned long long)hidden : 0;
    }
    for (size_t i = 0; i < n && out->bytes <= max_bytes && out->entries <= max_entries; i++) {
        struct fileio_usage u;

        if (i < OWN_FS_MAX && is_own[i])
            u = own[i];
        else if (fileio_tree_usage(folders[i], max_bytes - out->bytes, max_entries - out->entries,
                                   &u) != 0)
            continue;
        out->bytes += u.bytes;
        out->entries += u.entries;
    }
}
