/*
 * test_fileio.c - fileio_rmtree() on the trees a submission can leave in its
 * run folder: deeper than PATH_MAX, symlinks out of the tree, folders
 * without read permission.
 */
#include "fileio.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *make_root(void)
{
    char tmpl[] = "/tmp/ph-fileio-XXXXXX";
    char *dir = mkdtemp(tmpl);

    cr_assert_not_null(dir);
    return strdup(dir);
}

static void touch_at(int dfd, const char *name)
{
    int fd = openat(dfd, name, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);

    cr_assert(fd >= 0, "openat %s: %s", name, strerror(errno));
    cr_assert_eq(write(fd, "x", 1), 1);
    close(fd);
}

Test(fileio, rmtree_removes_a_tree_deeper_than_path_max)
{
    char *root = make_root();
    char name[201];
    int fd = open(root, O_RDONLY | O_DIRECTORY);
    int levels = 2 * PATH_MAX / (int)(sizeof name - 1) + 2;

    memset(name, 'd', sizeof name - 1);
    name[sizeof name - 1] = '\0';
    cr_assert(fd >= 0);
    for (int i = 0; i < levels; i++) {
        int next;

        touch_at(fd, "file");
        cr_assert_eq(mkdirat(fd, name, 0700), 0, "level %d: %s", i, strerror(errno));
        next = openat(fd, name, O_RDONLY | O_DIRECTORY);
        cr_assert(next >= 0);
        close(fd);
        fd = next;
    }
    touch_at(fd, "bottom");
    close(fd);
    cr_assert_eq(fileio_rmtree(root), 0);
    cr_assert_neq(access(root, F_OK), 0, "%s is still there", root);
    free(root);
}

Test(fileio, rmtree_removes_symlinks_without_following_them)
{
    char *root = make_root();
    char *outside = make_root();
    char path[PATH_MAX], target[PATH_MAX];

    snprintf(target, sizeof target, "%s/keep", outside);
    touch_at(AT_FDCWD, target);
    snprintf(path, sizeof path, "%s/link", root);
    cr_assert_eq(symlink(outside, path), 0);
    snprintf(path, sizeof path, "%s/sub", root);
    cr_assert_eq(mkdir(path, 0700), 0);
    snprintf(path, sizeof path, "%s/sub/link", root);
    cr_assert_eq(symlink(target, path), 0);
    cr_assert_eq(fileio_rmtree(root), 0);
    cr_assert_neq(access(root, F_OK), 0);
    cr_assert_eq(access(target, F_OK), 0, "a file outside the tree was removed");
    cr_assert_eq(fileio_rmtree(outside), 0);
    free(root);
    free(outside);
}

Test(fileio, rmtree_removes_folders_of_any_permission_and_plain_files)
{
    char *root = make_root();
    char path[PATH_MAX];

    snprintf(path, sizeof path, "%s/a", root);
    cr_assert_eq(mkdir(path, 0700), 0);
    snprintf(path, sizeof path, "%s/a/b", root);
    cr_assert_eq(mkdir(path, 0700), 0);
    snprintf(path, sizeof path, "%s/a/b/f", root);
    touch_at(AT_FDCWD, path);
    snprintf(path, sizeof path, "%s/a/g", root);
    touch_at(AT_FDCWD, path);
    if (geteuid() == 0) {
        /* Root reads a folder whatever its mode (a run's 0o300 folder). */
        snprintf(path, sizeof path, "%s/a/b", root);
        cr_assert_eq(chmod(path, 0300), 0);
    }
    cr_assert_eq(fileio_rmtree(root), 0);
    cr_assert_neq(access(root, F_OK), 0);
    free(root);

    root = make_root();
    snprintf(path, sizeof path, "%s/plain", root);
    touch_at(AT_FDCWD, path);
    cr_assert_eq(fileio_rmtree(path), 0);
    cr_assert_neq(access(path, F_OK), 0);
    cr_assert_eq(fileio_rmtree(path), 0, "a missing path is already removed");
    cr_assert_eq(fileio_rmtree(root), 0);
    free(root);
}
