/*
 * sandbox_seccomp.c - see sandbox_seccomp.h.
 */
#include "sandbox_seccomp.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <seccomp.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sandbox_runfs.h"

/* Build the run's filter (not loaded).  Caller releases *out. */
static enum ph_rc build_seccomp(scmp_filter_ctx *out, struct ph_err *err)
{
    /* System calls no submission needs and that reach outside the run:
     * debugging other processes, the kernel's own state, new namespaces or
     * mounts (which would undo the view), io_uring (whose operations seccomp
     * cannot see), memfd (an executable file that bypasses noexec), System
     * V IPC (shared memory and message queues hold memory no resident set,
     * file or socket shows: red team 10 held 1.5 GiB in detached segments
     * under a 512 MB limit; multiprocessing uses POSIX shm in /dev/shm,
     * which is weighed). */
    static const int denied[] = {
        SCMP_SYS(ptrace),
        SCMP_SYS(process_vm_readv),
        SCMP_SYS(process_vm_writev),
        SCMP_SYS(pivot_root),
        SCMP_SYS(chroot),
        SCMP_SYS(kexec_load),
        SCMP_SYS(kexec_file_load),
        SCMP_SYS(bpf),
        SCMP_SYS(perf_event_open),
        SCMP_SYS(keyctl),
        SCMP_SYS(add_key),
        SCMP_SYS(request_key),
        SCMP_SYS(setns),
        SCMP_SYS(init_module),
        SCMP_SYS(finit_module),
        SCMP_SYS(delete_module),
        SCMP_SYS(reboot),
        SCMP_SYS(swapon),
        SCMP_SYS(swapoff),
        SCMP_SYS(acct),
        SCMP_SYS(quotactl),
        SCMP_SYS(settimeofday),
        SCMP_SYS(clock_settime),
        SCMP_SYS(clock_adjtime),
        SCMP_SYS(adjtimex),
        SCMP_SYS(iopl),
        SCMP_SYS(ioperm),
        SCMP_SYS(syslog),
        SCMP_SYS(userfaultfd),
        SCMP_SYS(open_by_handle_at),
        SCMP_SYS(name_to_handle_at),
        SCMP_SYS(lookup_dcookie),
        SCMP_SYS(fanotify_init),
        SCMP_SYS(io_uring_setup),
        SCMP_SYS(io_uring_enter),
        SCMP_SYS(io_uring_register),
        SCMP_SYS(fsopen),
        SCMP_SYS(fsconfig),
        SCMP_SYS(fsmount),
        SCMP_SYS(fspick),
        SCMP_SYS(move_mount),
        SCMP_SYS(open_tree),
        SCMP_SYS(mount_setattr),
        SCMP_SYS(pidfd_getfd),
        SCMP_SYS(pidfd_send_signal),
        SCMP_SYS(kcmp),
        SCMP_SYS(vhangup),
        SCMP_SYS(uselib),
        SCMP_SYS(sethostname),
        SCMP_SYS(setdomainname),
        SCMP_SYS(memfd_create),
        SCMP_SYS(memfd_secret),
        SCMP_SYS(personality),
        SCMP_SYS(shmget),
        SCMP_SYS(msgget),
        SCMP_SYS(semget),
    };
    static const int xattr_set[] = {SCMP_SYS(setxattr), SCMP_SYS(lsetxattr), SCMP_SYS(fsetxattr)};
    static const unsigned long ns_flags[] = {CLONE_NEWNS,    CLONE_NEWUTS, CLONE_NEWIPC,
                                             CLONE_NEWUSER,  CLONE_NEWPID, CLONE_NEWNET,
                                             CLONE_NEWCGROUP};
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
    int r = 0;

    if (ctx == NULL)
        return ph_errf(err, PH_ENOMEM, "sandbox: seccomp_init failed");
    r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);
    for (size_t i = 0; r == 0 && i < sizeof denied / sizeof denied[0]; i++) {
        if (denied[i] < 0)
            continue; /* not on this architecture */
        r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), denied[i], 0);
    }
    /* Extended attributes: a tmpfs keeps their values in kernel memory no
     * figure weighs (red team 10 held 1 GiB in user.* attributes of files in
     * /dev/shm).  ENOTSUP, as from a file system without them: shutil's
     * copies of metadata skip them. */
    for (size_t i = 0; r == 0 && i < sizeof xattr_set / sizeof xattr_set[0]; i++)
        r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOTSUP), xattr_set[i], 0);
    /* mount and umount2: only with the flags of a run's file system
     * (sandbox_runfs.h), which a host under this filter mounts for each
     * run; a worker has no capability to mount anything with them. */
    if (r == 0)
        r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(mount), 1,
                             SCMP_A3(SCMP_CMP_NE, SBX_RUNFS_MOUNT_FLAGS));
    if (r == 0)
        r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(umount2), 1,
                             SCMP_A1(SCMP_CMP_NE, SBX_RUNFS_UMOUNT_FLAGS));
    /* unshare: nothing but a new IPC namespace, which is what a host's
     * parked worker takes for its run (an unprivileged worker is refused it
     * by the kernel anyway).  pidfd_open stays allowed: without
     * pidfd_send_signal and pidfd_getfd a pidfd only tells when a process
     * ends, and the host waits on its workers' pidfds under this filter. */
    if (r == 0)
        r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(unshare), 1,
                             SCMP_A0(SCMP_CMP_NE, CLONE_NEWIPC));
    /* Sockets: AF_UNIX only (multiprocessing's pipes, queues and managers). */
    if (r == 0)
        r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EAFNOSUPPORT), SCMP_SYS(socket), 1,
                             SCMP_A0(SCMP_CMP_NE, AF_UNIX));
    if (r == 0)
        r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EAFNOSUPPORT), SCMP_SYS(socketpair), 1,
                             SCMP_A0(SCMP_CMP_NE, AF_UNIX));
    /* Pipe buffers are kernel memory no figure weighs (socket buffers are
     * weighed, measure_sock.h): a pipe keeps its default 64 KiB, where
     * F_SETPIPE_SZ would let one process hold a gigabyte in them. */
    if (r == 0)
        r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(fcntl), 1,
                             SCMP_A1(SCMP_CMP_EQ, F_SETPIPE_SZ));
    /* fork() yes, new namespaces no; clone3 hides its flags in memory, so
     * make libc fall back to clone. */
    for (size_t i = 0; r == 0 && i < sizeof ns_flags / sizeof ns_flags[0]; i++)
        r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(clone), 1,
                             SCMP_A0(SCMP_CMP_MASKED_EQ, ns_flags[i], ns_flags[i]));
    if (r == 0)
        r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
    /* kill(-1) and kill(-pgid) reach beyond the run where there is no PID
     * namespace; the run signals its own processes by pid. */
    if (r == 0)
        r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(kill), 1,
                             SCMP_A0(SCMP_CMP_MASKED_EQ, 0x80000000u, 0x80000000u));
    /* Typing into the supervisor's terminal. */
    if (r == 0)
        r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(ioctl), 1,
                             SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffu, TIOCSTI));
    if (r == 0)
        r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(ioctl), 1,
                             SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffu, TIOCLINUX));
    if (r != 0) {
        seccomp_release(ctx);
        return ph_errf(err, PH_EINTERNAL, "sandbox: seccomp: %s", strerror(-r));
    }
    *out = ctx;
    return PH_OK;
}

/*
 * The filter compiled to BPF once, in the supervisor, and inherited by every
 * worker: libseccomp would otherwise build and compile it again for each run
 * (about 0.7 ms).  Empty when the export failed; then each run builds it.
 */
#define FILTER_MAX_INSNS 4096
static struct sock_filter filter_prog[FILTER_MAX_INSNS];
static unsigned short filter_len;
static int filter_tried;

void sbx_seccomp_prepare(void)
{
    scmp_filter_ctx ctx = NULL;
    struct ph_err err = {0};
    int pfd[2];
    ssize_t n, got = 0;

    if (filter_tried)
        return;
    filter_tried = 1;
    if (build_seccomp(&ctx, &err) != PH_OK)
        return;
    if (pipe2(pfd, O_CLOEXEC) != 0) {
        seccomp_release(ctx);
        return;
    }
    /* A few hundred instructions fit a pipe's buffer many times over. */
    if (seccomp_export_bpf(ctx, pfd[1]) == 0) {
        close(pfd[1]);
        pfd[1] = -1;
        for (;;) {
            n = read(pfd[0], (char *)filter_prog + got, sizeof filter_prog - (size_t)got);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                break;
            got += n;
        }
        if (got > 0 && got % (ssize_t)sizeof filter_prog[0] == 0 &&
            (size_t)got < sizeof filter_prog)
            filter_len = (unsigned short)(got / (ssize_t)sizeof filter_prog[0]);
    }
    if (pfd[1] >= 0)
        close(pfd[1]);
    close(pfd[0]);
    seccomp_release(ctx);
}

enum ph_rc sbx_seccomp_install(struct ph_err *err)
{
    scmp_filter_ctx ctx = NULL;
    enum ph_rc rc;
    int r;

    if (filter_len > 0) {
        struct sock_fprog prog = {filter_len, filter_prog};
        /* no_new_privs is already set (sandbox_enter); TSYNC as libseccomp
         * would: every thread gets the filter. */
        if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, &prog) == 0)
            return PH_OK;
        return ph_errf(err, PH_EINTERNAL, "sandbox: seccomp: %s", strerror(errno));
    }
    rc = build_seccomp(&ctx, err);
    if (rc != PH_OK)
        return rc;
    r = seccomp_load(ctx);
    seccomp_release(ctx);
    if (r != 0)
        return ph_errf(err, PH_EINTERNAL, "sandbox: seccomp: %s", strerror(-r));
    return PH_OK;
}
