/*
 * sandbox_landlock.c - see sandbox_landlock.h.
 *
 * The mount view decides what exists for a run; Landlock decides what of it
 * the worker may open, and holds even if the audit hook is switched off from
 * inside.  Its main job is /proc: the view must mount one for the host and
 * the check runner (they read the worker from outside), and the host's own
 * seccomp filter forbids unmounting it later, so the worker is denied it
 * here instead.  Descriptors opened before entering (fileio_keep_proc_self)
 * stay usable: the worker's own status for the figures shown to the learner.
 *
 * The installed <linux/landlock.h> may be older than the kernel: the
 * structure and the newer flags are spelled out here, and the size passed
 * to the kernel follows the ABI it reports.
 */
#include "sandbox_landlock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef __NR_landlock_create_ruleset
#define __NR_landlock_create_ruleset 444
#define __NR_landlock_add_rule 445
#define __NR_landlock_restrict_self 446
#endif

#define LL_CREATE_RULESET_VERSION (1U << 0)
#define LL_RULE_PATH_BENEATH 1

#define LL_FS_EXECUTE (1ULL << 0)
#define LL_FS_WRITE_FILE (1ULL << 1)
#define LL_FS_READ_FILE (1ULL << 2)
#define LL_FS_READ_DIR (1ULL << 3)
#define LL_FS_REMOVE_DIR (1ULL << 4)
#define LL_FS_REMOVE_FILE (1ULL << 5)
#define LL_FS_MAKE_CHAR (1ULL << 6)
#define LL_FS_MAKE_DIR (1ULL << 7)
#define LL_FS_MAKE_REG (1ULL << 8)
#define LL_FS_MAKE_SOCK (1ULL << 9)
#define LL_FS_MAKE_FIFO (1ULL << 10)
#define LL_FS_MAKE_BLOCK (1ULL << 11)
#define LL_FS_MAKE_SYM (1ULL << 12)
#define LL_FS_REFER (1ULL << 13)    /* ABI 2 */
#define LL_FS_TRUNCATE (1ULL << 14) /* ABI 3 */

#define LL_SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0) /* ABI 6 */
#define LL_SCOPE_SIGNAL (1ULL << 1)               /* ABI 6 */

struct ll_ruleset_attr {
    uint64_t handled_access_fs;
    uint64_t handled_access_net; /* ABI 4 */
    uint64_t scoped;             /* ABI 6 */
};

struct ll_path_beneath_attr {
    uint64_t allowed_access;
    int32_t parent_fd;
} __attribute__((packed));

#define LL_READ (LL_FS_READ_FILE | LL_FS_READ_DIR)
#define LL_WRITE_TREE                                                                              \
    (LL_FS_WRITE_FILE | LL_FS_REMOVE_DIR | LL_FS_REMOVE_FILE | LL_FS_MAKE_DIR | LL_FS_MAKE_REG |   \
     LL_FS_MAKE_SOCK | LL_FS_MAKE_FIFO | LL_FS_MAKE_SYM)

static int abi = -1;
static int scoped_signals;

int sbx_landlock_abi(void)
{
    if (abi < 0) {
        long v = syscall(__NR_landlock_create_ruleset, NULL, 0, LL_CREATE_RULESET_VERSION);
        abi = v > 0 ? (int)v : 0;
    }
    return abi;
}

/* What the kernel knows of `mask` at this ABI. */
static uint64_t known(uint64_t mask)
{
    if (abi < 2)
        mask &= ~LL_FS_REFER;
    if (abi < 3)
        mask &= ~LL_FS_TRUNCATE;
    return mask;
}

/* Allow `access` beneath `path` (a folder, or one file: then only the
 * file rights apply).  A path that does not exist in the view is skipped. */
static enum ph_rc allow(int ruleset, const char *path, uint64_t access, struct ph_err *err)
{
    struct ll_path_beneath_attr rule;
    struct stat st;
    int fd;

    fd = open(path, O_PATH | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT || errno == ENOTDIR
                   ? PH_OK
                   : ph_errf(err, PH_EINTERNAL, "sandbox: landlock: %s: %s", path, strerror(errno));
    if (fstat(fd, &st) == 0 && !S_ISDIR(st.st_mode))
        access &= LL_FS_EXECUTE | LL_FS_WRITE_FILE | LL_FS_READ_FILE | LL_FS_TRUNCATE;
    memset(&rule, 0, sizeof rule);
    rule.allowed_access = known(access);
    rule.parent_fd = fd;
    if (syscall(__NR_landlock_add_rule, ruleset, LL_RULE_PATH_BENEATH, &rule, 0) != 0) {
        int e = errno;

        close(fd);
        return ph_errf(err, PH_EINTERNAL, "sandbox: landlock rule for %s: %s", path, strerror(e));
    }
    close(fd);
    return PH_OK;
}

enum ph_rc sbx_landlock_prepare(const struct sandbox_policy *p, struct ph_err *err)
{
    /* The view's folders: its system tree and /etc as the host built them. */
    static const char *const system_dirs[] = {"/usr", "/etc",   "/bin",   "/sbin",
                                              "/lib", "/lib32", "/lib64", "/libx32"};
    /* Machine-wide figures some libraries read; nothing of any process. */
    static const char *const proc_files[] = {"/proc/cpuinfo", "/proc/meminfo", "/proc/stat"};
    static const char *const dev_write[] = {"/dev/null", "/dev/full", "/dev/tty"};
    struct ll_ruleset_attr attr;
    size_t attr_size;
    enum ph_rc rc = PH_OK;
    int fd;

    if (sbx_landlock_abi() == 0)
        return PH_OK;
    memset(&attr, 0, sizeof attr);
    attr.handled_access_fs = known(LL_FS_EXECUTE | LL_READ | LL_WRITE_TREE | LL_FS_MAKE_CHAR |
                                   LL_FS_MAKE_BLOCK | LL_FS_REFER | LL_FS_TRUNCATE);
    attr_size = sizeof attr.handled_access_fs;
    if (abi >= 6) {
        attr.scoped = LL_SCOPE_SIGNAL | LL_SCOPE_ABSTRACT_UNIX_SOCKET;
        attr_size = sizeof attr;
    }
    fd = (int)syscall(__NR_landlock_create_ruleset, &attr, attr_size, 0);
    if (fd < 0)
        return ph_errf(err, PH_EINTERNAL, "sandbox: landlock ruleset: %s", strerror(errno));
    for (size_t i = 0; rc == PH_OK && i < sizeof system_dirs / sizeof system_dirs[0]; i++)
        rc = allow(fd, system_dirs[i], LL_READ | LL_FS_EXECUTE, err);
    for (size_t i = 0; rc == PH_OK && i < sizeof proc_files / sizeof proc_files[0]; i++)
        rc = allow(fd, proc_files[i], LL_FS_READ_FILE, err);
    if (rc == PH_OK)
        rc = allow(fd, "/dev", LL_READ, err);
    for (size_t i = 0; rc == PH_OK && i < sizeof dev_write / sizeof dev_write[0]; i++)
        rc = allow(fd, dev_write[i], LL_FS_WRITE_FILE | LL_FS_READ_FILE, err);
    /* multiprocessing's semaphores and shared memory; emptied between runs. */
    if (rc == PH_OK)
        rc = allow(fd, "/dev/shm", LL_READ | LL_WRITE_TREE | LL_FS_REFER | LL_FS_TRUNCATE, err);
    if (rc == PH_OK && p->python_dir != NULL)
        rc = allow(fd, p->python_dir, LL_READ, err);
    /* Re-executed by multiprocessing's spawn and forkserver. */
    if (rc == PH_OK && p->host_exe != NULL)
        rc = allow(fd, p->host_exe, LL_FS_READ_FILE | LL_FS_EXECUTE, err);
    for (size_t i = 0; rc == PH_OK && p->readable_paths != NULL && p->readable_paths[i]; i++)
        rc = allow(fd, p->readable_paths[i], LL_READ, err);
    /* Every run of this host has its folder here; one run at a time. */
    if (rc == PH_OK && p->scratch_dir != NULL)
        rc = allow(fd, p->scratch_dir, LL_READ | LL_WRITE_TREE | LL_FS_REFER | LL_FS_TRUNCATE, err);
    if (rc == PH_OK && fd != SBX_LANDLOCK_FD) {
        if (dup2(fd, SBX_LANDLOCK_FD) < 0)
            rc = ph_errf(err, PH_EINTERNAL, "sandbox: landlock: dup2: %s", strerror(errno));
        else
            (void)fcntl(SBX_LANDLOCK_FD, F_SETFD, FD_CLOEXEC);
    }
    if (fd != SBX_LANDLOCK_FD)
        close(fd);
    if (rc != PH_OK)
        close(SBX_LANDLOCK_FD);
    return rc;
}

enum ph_rc sbx_landlock_enter(int *entered, struct ph_err *err)
{
    *entered = 0;
    if (sbx_landlock_abi() == 0 || fcntl(SBX_LANDLOCK_FD, F_GETFD) < 0)
        return PH_OK;
    if (syscall(__NR_landlock_restrict_self, SBX_LANDLOCK_FD, 0) != 0) {
        int e = errno;

        close(SBX_LANDLOCK_FD);
        return ph_errf(err, PH_EINTERNAL, "sandbox: entering landlock: %s", strerror(e));
    }
    /* The ruleset is the host's: nothing of the run may add rules to it. */
    close(SBX_LANDLOCK_FD);
    *entered = 1;
    scoped_signals = abi >= 6;
    return PH_OK;
}

int sbx_landlock_signals_scoped(void)
{
    return scoped_signals;
}
