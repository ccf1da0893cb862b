/*
 * sandbox_runfs.c - see sandbox_runfs.h.
 */
#include "sandbox_runfs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"

/* The supervisor places one file (submission.py); a folder or two deep is
 * all a caller is expected to place. */
#define COPY_DEPTH_MAX 8

static int copy_file(int from_dir, int to_dir, const char *name, const struct stat *st, uid_t uid)
{
    char buf[16384];
    int in = openat(from_dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    int out = -1, rc = -1;

    if (in < 0)
        goto out;
    out = openat(to_dir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                 st->st_mode & 07777);
    if (out < 0)
        goto out;
    for (;;) {
        ssize_t n = read(in, buf, sizeof buf);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            goto out;
        if (n == 0)
            break;
        if (fileio_write_all(out, buf, (size_t)n) != 0)
            goto out;
    }
    if (uid != 0 && fchown(out, uid, uid) != 0)
        goto out;
    rc = 0;
out:
    if (in >= 0)
        close(in);
    if (out >= 0)
        close(out);
    return rc;
}

/* Copy the regular files and folders of `from_dir` into `to_dir`; anything
 * else (a link, a FIFO) is not the supervisor's and is left out. */
static int copy_tree(int from_dir, int to_dir, uid_t uid, int depth)
{
    DIR *d;
    struct dirent *e;
    int rc = 0;
    int fd = dup(from_dir);

    if (fd < 0)
        return -1;
    d = fdopendir(fd);
    if (d == NULL) {
        close(fd);
        return -1;
    }
    while (rc == 0 && (e = readdir(d)) != NULL) {
        struct stat st;

        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (fstatat(from_dir, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
            rc = -1;
            break;
        }
        if (S_ISREG(st.st_mode)) {
            rc = copy_file(from_dir, to_dir, e->d_name, &st, uid);
        } else if (S_ISDIR(st.st_mode) && depth < COPY_DEPTH_MAX) {
            int sub_from, sub_to;

            if (mkdirat(to_dir, e->d_name, st.st_mode & 07777) != 0) {
                rc = -1;
                break;
            }
            sub_from = openat(from_dir, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            sub_to = openat(to_dir, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (sub_from < 0 || sub_to < 0 || (uid != 0 && fchown(sub_to, uid, uid) != 0))
                rc = -1;
            else
                rc = copy_tree(sub_from, sub_to, uid, depth + 1);
            if (sub_from >= 0)
                close(sub_from);
            if (sub_to >= 0)
                close(sub_to);
        }
    }
    closedir(d);
    return rc;
}

enum ph_rc sbx_runfs_mount(const char *folder, uid_t uid, unsigned long long bytes,
                           unsigned long long files, struct ph_err *err)
{
    char opts[160];
    int old = -1, now = -1, mounted = 0;
    enum ph_rc rc = PH_EINTERNAL;

    /* The folder as the supervisor filled it, reachable under the mount. */
    old = open(folder, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (old < 0) {
        rc = ph_errf(err, PH_EIO, "sandbox: run folder %s: %s", folder, strerror(errno));
        goto out;
    }
    if (uid != 0)
        snprintf(opts, sizeof opts, "size=%llu,nr_inodes=%llu,mode=0700,uid=%u,gid=%u",
                 bytes + SBX_RUNFS_SLACK_BYTES(bytes), files + SBX_RUNFS_SLACK_FILES(files),
                 (unsigned)uid, (unsigned)uid);
    else
        snprintf(opts, sizeof opts, "size=%llu,nr_inodes=%llu,mode=0700",
                 bytes + SBX_RUNFS_SLACK_BYTES(bytes), files + SBX_RUNFS_SLACK_FILES(files));
    if (mount("tmpfs", folder, "tmpfs", SBX_RUNFS_MOUNT_FLAGS, opts) != 0) {
        rc = ph_errf(err, PH_EINTERNAL, "sandbox: tmpfs on the run folder %s: %s", folder,
                     strerror(errno));
        goto out;
    }
    mounted = 1;
    now = open(folder, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (now < 0 || copy_tree(old, now, uid, 0) != 0) {
        rc =
            ph_errf(err, PH_EIO, "sandbox: filling the run folder %s: %s", folder, strerror(errno));
        goto out;
    }
    rc = PH_OK;
out:
    if (now >= 0)
        close(now);
    if (rc != PH_OK && mounted)
        (void)umount2(folder, SBX_RUNFS_UMOUNT_FLAGS);
    if (old >= 0)
        close(old);
    return rc;
}

void sbx_runfs_unmount(const char *folder)
{
    (void)umount2(folder, SBX_RUNFS_UMOUNT_FLAGS);
}
