/*
 * sandbox_proc.c - see sandbox_proc.h.
 */
#include "sandbox_proc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fileio.h"

int sbx_pidfd_open(pid_t pid)
{
#ifdef SYS_pidfd_open
    return (int)syscall(SYS_pidfd_open, pid, 0);
#else
    (void)pid;
    errno = ENOSYS;
    return -1;
#endif
}

int sbx_pidfd_send_signal(int pidfd, int sig)
{
#ifdef SYS_pidfd_send_signal
    return (int)syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0);
#else
    (void)pidfd;
    (void)sig;
    errno = ENOSYS;
    return -1;
#endif
}

static int write_file(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    size_t len = strlen(text);
    ssize_t n;

    if (fd < 0)
        return -1;
    n = write(fd, text, len);
    close(fd);
    return n == (ssize_t)len ? 0 : -1;
}

/* In a process that has just unshared CLONE_NEWUSER: map our uid/gid to 0. */
int sbx_map_ids(uid_t uid, gid_t gid)
{
    char line[64];

    if (write_file("/proc/self/setgroups", "deny") != 0 && errno != ENOENT)
        return -1;
    snprintf(line, sizeof line, "0 %u 1", (unsigned)uid);
    if (write_file("/proc/self/uid_map", line) != 0)
        return -1;
    snprintf(line, sizeof line, "0 %u 1", (unsigned)gid);
    return write_file("/proc/self/gid_map", line);
}

/* Close every fd except `keep` (-1 for none) and 0..2. */
void sbx_close_all_but(int keep)
{
    DIR *d = opendir("/proc/self/fd");
    int dfd;
    struct dirent *e;

    if (d == NULL) {
        for (int fd = 3; fd < 1024; fd++) {
            if (fd != keep)
                close(fd);
        }
        return;
    }
    dfd = dirfd(d);
    for (e = readdir(d); e != NULL; e = readdir(d)) {
        char *end;
        long fd = strtol(e->d_name, &end, 10);

        if (*end != '\0' || fd < 3 || fd == keep || fd == dfd)
            continue;
        close((int)fd);
    }
    closedir(d);
}

/* Point 0, 1 and 2 at /dev/null: a host must not hold the supervisor's
 * terminal or pipes open (a caller reading them would never see EOF). */
void sbx_quiet_stdio(void)
{
    int fd = open("/dev/null", O_RDWR | O_CLOEXEC);

    if (fd < 0)
        return;
    for (int i = 0; i < 3; i++)
        (void)dup2(fd, i);
    if (fd > 2)
        close(fd);
}

void sbx_reset_signals(void)
{
    sigset_t none;

    for (int sig = 1; sig < NSIG; sig++) {
        if (sig != SIGKILL && sig != SIGSTOP)
            (void)signal(sig, SIG_DFL);
    }
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
}

/*
 * Overwrite the environment block the process was started with.  A forked
 * process inherits the supervisor's, and /proc/<pid>/environ shows that block
 * whatever clearenv() did later: the harness's secrets would leak through it.
 * Entries still in use are moved to the heap first.
 */
void sbx_scrub_env_block(void)
{
    extern char **environ;
    char buf[1024];
    char *p;
    unsigned long start = 0, end = 0;

    if (fileio_read_small("/proc/self/stat", buf, sizeof buf) < 0)
        return;
    p = strrchr(buf, ')');
    if (p == NULL)
        return;
    /* Field 3 follows ") "; env_start and env_end are fields 50 and 51. */
    p += 2;
    for (int field = 3; field < 50 && p != NULL; field++) {
        p = strchr(p, ' ');
        if (p != NULL)
            p++;
    }
    if (p == NULL)
        return;
    start = strtoul(p, &p, 10);
    end = strtoul(p, NULL, 10);
    if (start == 0 || end <= start || end - start > 16ul * 1024 * 1024)
        return;
    for (size_t i = 0; environ != NULL && environ[i] != NULL; i++) {
        uintptr_t a = (uintptr_t)environ[i];

        if (a >= start && a < end) {
            char *copy = strdup(environ[i]);

            environ[i] = copy != NULL ? copy : (char *)"";
        }
    }
    memset((void *)start, 0, end - start);
}
