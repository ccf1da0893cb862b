/*
 * scratch.c - see scratch.h.
 */
#include "scratch.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fileio.h"

/* How long a command waits for a scratch folder to go: 100 tries 0.1 s apart. */
#define SCRATCH_REMOVE_TRIES 100
#define SCRATCH_REMOVE_WAIT_US (100 * 1000)

/* The one folder of this process tree (inherited by forked children). */
static struct {
    char root[PATH_MAX];
    char old_tmp[PATH_MAX];
    int had_old_tmp;
    int lock_fd;  /* flock held on <root>/.lock */
    int guard_fd; /* write end of the guardian's pipe */
    pid_t owner;  /* the process that entered */
} cur = {.lock_fd = -1, .guard_fd = -1};

static const char *tmp_dir(void)
{
    const char *t = getenv("TMPDIR");
    return t != NULL && t[0] == '/' ? t : "/tmp";
}

static int ours(const char *name)
{
    return strncmp(name, SCRATCH_PREFIX, strlen(SCRATCH_PREFIX)) == 0 ||
           strncmp(name, SCRATCH_PREFIX_GRADE, strlen(SCRATCH_PREFIX_GRADE)) == 0;
}

int scratch_sweep(const char *tmp)
{
    DIR *d = opendir(tmp);
    struct dirent *de;
    int removed = 0;

    if (d == NULL)
        return 0;
    while ((de = readdir(d)) != NULL) {
        char path[PATH_MAX], lock[PATH_MAX];
        struct stat sb;
        int fd;
        if (!ours(de->d_name))
            continue;
        snprintf(path, sizeof path, "%s/%s", tmp, de->d_name);
        if (cur.root[0] != '\0' && strcmp(path, cur.root) == 0)
            continue;
        if (lstat(path, &sb) != 0 || !S_ISDIR(sb.st_mode) || sb.st_uid != geteuid())
            continue;
        snprintf(lock, sizeof lock, "%s/.lock", path);
        fd = open(lock, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0) {
            /* Created but not yet locked, or half removed: only sweep it
             * when it is old enough that no live run can be in between. */
            if (errno == ENOENT && sb.st_mtime + 60 < time(NULL) && fileio_rmtree(path) == 0)
                removed++;
            continue;
        }
        if (flock(fd, LOCK_EX | LOCK_NB) == 0 && fileio_rmtree(path) == 0)
            removed++;
        close(fd);
    }
    closedir(d);
    return removed;
}

/* Remove `root`, retrying while processes that outlived the command (a
 * sandbox host dying with its parent) may still write in it. */
static void remove_until_gone(const char *root)
{
    for (int i = 0; i < SCRATCH_REMOVE_TRIES; i++) {
        struct stat sb;
        (void)fileio_rmtree(root);
        if (lstat(root, &sb) != 0 && errno == ENOENT)
            return;
        usleep(SCRATCH_REMOVE_WAIT_US);
    }
}

/* The guardian: in its own session, deaf to the terminal's signals, with
 * nothing open but the lock and the pipe's read end; when the pipe ends,
 * the command's process tree is gone and the folder goes too. */
static void guardian(int rfd)
{
    char buf[64];
    int null = open("/dev/null", O_RDWR | O_CLOEXEC);
    int signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGTSTP, SIGTTIN, SIGTTOU};

    (void)setsid();
    for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++)
        signal(signals[i], SIG_IGN);
    if (null >= 0)
        for (int fd = 0; fd < 3; fd++)
            (void)dup2(null, fd);
    /* Keep the pipe and the lock; whatever else the command had open (a
     * test's capture pipe, a store) must not be held by this process. */
    for (int fd = 3; fd < 1024; fd++)
        if (fd != rfd && fd != cur.lock_fd)
            (void)close(fd);
    for (;;) {
        ssize_t r = read(rfd, buf, sizeof buf);
        if (r == 0 || (r < 0 && errno != EINTR))
            break;
    }
    remove_until_gone(cur.root);
    _exit(0);
}

static enum ph_rc start_guardian(struct ph_err *err)
{
    int p[2];
    pid_t pid;
    int status;

    if (pipe2(p, O_CLOEXEC) != 0)
        return ph_errf(err, PH_EIO, "scratch: pipe: %s", strerror(errno));
    fflush(stdout);
    fflush(stderr);
    pid = fork();
    if (pid < 0) {
        int e = errno;
        close(p[0]);
        close(p[1]);
        return ph_errf(err, PH_EIO, "scratch: fork: %s", strerror(e));
    }
    if (pid == 0) {
        close(p[1]);
        /* Orphaned at once: not a child any waitpid() of the command sees. */
        if (fork() != 0)
            _exit(0);
        guardian(p[0]);
    }
    close(p[0]);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    cur.guard_fd = p[1];
    return PH_OK;
}

enum ph_rc scratch_enter(const char *tag, struct ph_err *err)
{
    const char *tmp;
    char lock[PATH_MAX + 8];
    enum ph_rc rc;

    if (cur.root[0] != '\0')
        return PH_OK;
    tmp = tmp_dir();
    (void)scratch_sweep(tmp);
    for (int attempt = 0;; attempt++) {
        struct stat sb;
        snprintf(cur.root, sizeof cur.root, "%s/pyharness-%s-XXXXXX", tmp, tag);
        if (mkdtemp(cur.root) == NULL) {
            int e = errno;
            cur.root[0] = '\0';
            return ph_errf(err, PH_EIO, "cannot create a scratch folder in %s: %s", tmp,
                           strerror(e));
        }
        snprintf(lock, sizeof lock, "%s/.lock", cur.root);
        cur.lock_fd = open(lock, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (cur.lock_fd < 0 || flock(cur.lock_fd, LOCK_EX) != 0) {
            int e = errno;
            rc = ph_errf(err, PH_EIO, "%s: cannot lock: %s", lock, strerror(e));
            goto fail;
        }
        /* A sweep may have taken the lock between open and flock and
         * removed the folder: then the lock file is unlinked; start over. */
        if (fstat(cur.lock_fd, &sb) == 0 && sb.st_nlink > 0)
            break;
        close(cur.lock_fd);
        cur.lock_fd = -1;
        (void)fileio_rmtree(cur.root);
        if (attempt == 3) {
            rc = ph_errf(err, PH_EIO, "%s: removed by another process as it was made", cur.root);
            goto fail;
        }
    }
    rc = start_guardian(err);
    if (rc != PH_OK)
        goto fail;
    cur.owner = getpid();
    cur.had_old_tmp = getenv("TMPDIR") != NULL;
    if (cur.had_old_tmp)
        snprintf(cur.old_tmp, sizeof cur.old_tmp, "%s", getenv("TMPDIR"));
    setenv("TMPDIR", cur.root, 1);
    return PH_OK;
fail:
    if (cur.lock_fd >= 0)
        close(cur.lock_fd);
    cur.lock_fd = -1;
    (void)fileio_rmtree(cur.root);
    cur.root[0] = '\0';
    return rc;
}

const char *scratch_root(void)
{
    return cur.root[0] != '\0' ? cur.root : NULL;
}

void scratch_leave(void)
{
    if (cur.root[0] == '\0' || cur.owner != getpid())
        return;
    (void)fileio_rmtree(cur.root);
    if (cur.had_old_tmp)
        setenv("TMPDIR", cur.old_tmp, 1);
    else
        unsetenv("TMPDIR");
    close(cur.lock_fd);
    close(cur.guard_fd);
    cur.lock_fd = cur.guard_fd = -1;
    cur.root[0] = '\0';
}
