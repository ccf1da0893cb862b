/*
 * scratch.c - see scratch.h.
 */
#include "scratch.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"

static const char *tmp_dir(void)
{
    const char *t = getenv("TMPDIR");
    return t != NULL && t[0] == '/' ? t : "/tmp";
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
        if (strncmp(de->d_name, SCRATCH_PREFIX, strlen(SCRATCH_PREFIX)) != 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", tmp, de->d_name);
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

enum ph_rc scratch_open(struct scratch *s, struct ph_err *err)
{
    const char *tmp = tmp_dir();
    char lock[PATH_MAX + 8];

    s->lock_fd = -1;
    (void)scratch_sweep(tmp);
    snprintf(s->root, sizeof s->root, "%s/%sXXXXXX", tmp, SCRATCH_PREFIX);
    if (mkdtemp(s->root) == NULL) {
        int e = errno;
        s->root[0] = '\0';
        return ph_errf(err, PH_EIO, "cannot create a scratch folder in %s: %s", tmp, strerror(e));
    }
    snprintf(lock, sizeof lock, "%s/.lock", s->root);
    /* Not O_CLOEXEC: children keep the lock while they live. */
    s->lock_fd = open(lock, O_RDWR | O_CREAT | O_EXCL, 0600);
    if (s->lock_fd < 0 || flock(s->lock_fd, LOCK_EX) != 0) {
        int e = errno;
        scratch_close(s);
        return ph_errf(err, PH_EIO, "%s: cannot lock: %s", lock, strerror(e));
    }
    return PH_OK;
}

void scratch_close(struct scratch *s)
{
    if (s->root[0] != '\0')
        (void)fileio_rmtree(s->root);
    if (s->lock_fd >= 0)
        close(s->lock_fd);
    s->lock_fd = -1;
    s->root[0] = '\0';
}
