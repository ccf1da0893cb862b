/* Unit tests for measure_disk.c: the run's disk figure, from a walk of a
 * plain folder and from the kernel's count on a tmpfs of the run's own. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fileio.h"
#include "measure_disk.h"

#define MIB (1024ull * 1024)

static void write_bytes(int fd, unsigned long long n)
{
    static char block[64 * 1024];

    memset(block, 0x5a, sizeof block);
    for (unsigned long long done = 0; done < n; done += sizeof block)
        cr_assert_eq(write(fd, block, sizeof block), (ssize_t)sizeof block, "write: %s",
                     strerror(errno));
}

Test(measure_disk, a_plain_folder_is_walked)
{
    char dir[] = "/tmp/ph-measure-disk-XXXXXX";
    char path[64];
    struct fileio_usage u;
    const char *folders[1] = {dir};
    int fd;

    cr_assert_not_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/f.bin", dir);
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    cr_assert_geq(fd, 0);
    write_bytes(fd, MIB);
    fsync(fd);
    close(fd);
    cr_assert_eq(measure_own_fs_usage(dir, &u), 0,
                 "a folder on the machine's disk is not the run's own");
    measure_run_disk(folders, 1, 64 * MIB, 1000, &u);
    cr_assert_geq(u.bytes, MIB);
    cr_assert_eq(u.entries, 1);
    unlink(path);
    rmdir(dir);
}

/* A private mount namespace (and a user namespace where we are not root),
 * or skip: the machine does not allow one. */
static void private_mounts(void)
{
    if (unshare(CLONE_NEWNS) != 0 && unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0)
        cr_skip_test("no mount namespace here: %s", strerror(errno));
    cr_assert_eq(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL), 0, "%s", strerror(errno));
}

Test(measure_disk, a_tmpfs_of_the_run_counts_files_held_only_in_flight)
{
    char dir[] = "/tmp/ph-measure-disk-XXXXXX";
    struct fileio_usage walk, own, run;
    const char *folders[1] = {dir};
    int sv[2], fd;
    char tag = 'f';
    struct iovec iov = {&tag, 1};
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } ctl;
    struct msghdr msg = {0};
    struct cmsghdr *c;

    cr_assert_not_null(mkdtemp(dir));
    private_mounts();
    cr_assert_eq(mount("tmpfs", dir, "tmpfs", MS_NOSUID | MS_NODEV, "size=8m,nr_inodes=64"), 0,
                 "%s", strerror(errno));
    /* A file with no name whose one descriptor is then in flight. */
    fd = open(dir, O_TMPFILE | O_WRONLY, 0600);
    cr_assert_geq(fd, 0, "O_TMPFILE: %s", strerror(errno));
    write_bytes(fd, 2 * MIB);
    cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    memset(&ctl, 0, sizeof ctl);
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = ctl.buf;
    msg.msg_controllen = sizeof ctl.buf;
    c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &fd, sizeof fd);
    cr_assert_eq(sendmsg(sv[0], &msg, 0), 1, "%s", strerror(errno));
    close(fd);

    cr_assert_eq(fileio_tree_usage(dir, 64 * MIB, 1000, &walk), 0);
    cr_assert_eq(walk.bytes, 0, "a walk sees no file at all");
    cr_assert_eq(measure_own_fs_usage(dir, &own), 1,
                 "a tmpfs mounted on the folder is the run's own");
    cr_assert_geq(own.bytes, 2 * MIB, "the kernel's count holds the file in flight");
    measure_run_disk(folders, 1, 64 * MIB, 1000, &run);
    cr_assert_geq(run.bytes, 2 * MIB);
    /* Past its size, the kernel refuses. */
    fd = open(dir, O_TMPFILE | O_WRONLY, 0600);
    cr_assert_geq(fd, 0);
    {
        static char block[1024 * 1024];
        ssize_t n = 0;

        for (int i = 0; i < 16 && n >= 0; i++)
            n = write(fd, block, sizeof block);
        cr_assert_eq(n, -1);
        cr_assert_eq(errno, ENOSPC);
    }
    close(fd);
    close(sv[0]);
    close(sv[1]);
    (void)umount2(dir, MNT_DETACH);
    rmdir(dir);
}
