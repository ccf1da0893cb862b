/*
 * sandbox_reap.c - see sandbox_reap.h.
 */
#include "sandbox_reap.h"

#include <errno.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fileio.h"
#include "sandbox_proc.h"

/* 1 if `pid` is not the caller, not a zombie, and runs as *(uid_t *)arg. */
static int live_as_uid(long pid, void *arg)
{
    char path[64], buf[1024];
    const char *state, *uidline;

    if (pid == (long)getpid())
        return 0;
    snprintf(path, sizeof path, "/proc/%ld/status", pid);
    if (fileio_read_small(path, buf, sizeof buf) < 0)
        return 0;
    state = strstr(buf, "\nState:\t");
    uidline = strstr(buf, "\nUid:\t");
    if (state == NULL || uidline == NULL)
        return 0;
    return strtoul(uidline + 6, NULL, 10) == (unsigned long)*(uid_t *)arg && state[8] != 'Z';
}

/* 1 when some process running as `uid`, other than the caller, is not a
 * zombie (from /proc; 1 when /proc cannot tell). */
static int uid_has_live_process(uid_t uid)
{
    return fileio_each_pid(live_as_uid, &uid) != 0;
}

/* Kill every process running as `uid`: a helper with that uid calls kill(-1),
 * which reaches exactly those processes, until none is left. */
void sbx_reap_uid(uid_t uid)
{
    pid_t pid = fork();

    if (pid < 0)
        return;
    if (pid == 0) {
        if (setgroups(0, NULL) != 0 || setresgid(uid, uid, uid) != 0 ||
            setresuid(uid, uid, uid) != 0)
            _exit(1);
        for (int i = 0; i < 1000; i++) {
            if (kill(-1, SIGKILL) != 0 && errno == ESRCH)
                _exit(0);
            /* kill() also "reaches" zombies (the worker waits for the
             * supervisor's wait4): done once only zombies are left. */
            if (i > 0 && !uid_has_live_process(uid))
                _exit(0);
            usleep(1000);
        }
        _exit(1);
    }
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
        ;
}

/* The parent pid of `pid`, from /proc; -1 if gone. */
static pid_t parent_of(pid_t pid)
{
    char path[64], buf[512];
    const char *p;

    snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
    if (fileio_read_small(path, buf, sizeof buf) < 0)
        return -1;
    p = strrchr(buf, ')');
    if (p == NULL || strlen(p) < 4)
        return -1;
    return (pid_t)strtol(p + 4, NULL, 10);
}

/* Without a PID namespace: the worker is a subreaper, so every process of
 * the run is its descendant; kill them (before the worker) until none is
 * left.  A process about to fork cannot, once SIGKILL is pending. */
struct descendants {
    pid_t root;
    int found;
};

static int kill_if_descendant(long pid, void *arg)
{
    struct descendants *k = arg;
    pid_t up;
    int depth = 0;

    if (pid <= 1 || pid == k->root)
        return 0;
    for (up = parent_of((pid_t)pid); up > 1 && up != k->root && depth < 64; depth++)
        up = parent_of(up);
    if (up == k->root) {
        (void)kill((pid_t)pid, SIGKILL);
        k->found = 1;
    }
    return 0;
}

void sbx_reap_descendants(pid_t root)
{
    for (int round = 0; round < 100; round++) {
        struct descendants k = {root, 0};

        if (fileio_each_pid(kill_if_descendant, &k) < 0 || !k.found)
            return;
        usleep(1000);
    }
}
