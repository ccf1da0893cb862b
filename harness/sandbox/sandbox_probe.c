/*
 * sandbox_probe.c - see sandbox_probe.h.
 */
#include "sandbox_probe.h"

#include <errno.h>
#include <grp.h>
#include <sched.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sandbox.h"
#include "sandbox_internal.h"
#include "sandbox_cgroup.h"
#include "sandbox_landlock.h"
#include "sandbox_proc.h"

struct sandbox_caps sbx_caps;
static int caps_ready;

static int disabled_by_env(const char *layer)
{
    const char *list = getenv("PYHARNESS_SANDBOX_DISABLE");
    size_t n = strlen(layer);
    const char *s;

    if (list == NULL)
        return 0;
    for (s = list; *s != '\0';) {
        const char *end = strchr(s, ',');
        size_t len = end != NULL ? (size_t)(end - s) : strlen(s);

        if (len == n && strncmp(s, layer, n) == 0)
            return 1;
        if (end == NULL)
            break;
        s = end + 1;
    }
    return 0;
}

static void note(const char *layer, const char *why)
{
    size_t used = strlen(sbx_caps.notes);

    if (used + 2 >= sizeof sbx_caps.notes)
        return;
    snprintf(sbx_caps.notes + used, sizeof sbx_caps.notes - used, "%s: %s; ", layer, why);
}

/* Run `fn` in a throwaway child; its exit status 0 means the layer works,
 * anything else is an errno value. */
static int probe_in_child(int (*fn)(void))
{
    pid_t pid = fork();
    int status = 0;

    if (pid < 0)
        return errno;
    if (pid == 0)
        _exit(fn());
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR)
            return ECHILD;
    }
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    return EFAULT;
}

static int userns_flag(void)
{
    return geteuid() != 0 ? CLONE_NEWUSER : 0;
}

static int try_unshare(int flag)
{
    uid_t uid = getuid();
    gid_t gid = getgid();

    if (unshare(flag | userns_flag()) != 0)
        return errno;
    if (userns_flag() != 0 && sbx_map_ids(uid, gid) != 0)
        return errno;
    return 0;
}

static int probe_userns(void)
{
    return unshare(CLONE_NEWUSER) == 0 ? 0 : errno;
}

static int probe_pidns(void)
{
    pid_t pid;
    int status = 0;

    if (try_unshare(CLONE_NEWPID) != 0)
        return errno != 0 ? errno : EPERM;
    pid = fork();
    if (pid < 0)
        return errno;
    if (pid == 0)
        _exit(getpid() == 1 ? 0 : EINVAL);
    if (waitpid(pid, &status, 0) < 0)
        return errno;
    return WIFEXITED(status) ? WEXITSTATUS(status) : EFAULT;
}

static int probe_netns(void)
{
    return try_unshare(CLONE_NEWNET);
}

static int probe_ipcns(void)
{
    return try_unshare(CLONE_NEWIPC);
}

static int probe_mntns(void)
{
    int rc = try_unshare(CLONE_NEWNS);

    if (rc != 0)
        return rc;
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
        return errno;
    if (mount("tmpfs", "/mnt", "tmpfs", MS_NOSUID | MS_NODEV, "size=4k") != 0 &&
        mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "size=4k") != 0)
        return errno;
    return 0;
}

static int probe_seccomp(void)
{
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
    int rc;

    if (ctx == NULL)
        return ENOMEM;
    rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(ptrace), 0);
    if (rc == 0)
        rc = seccomp_load(ctx);
    seccomp_release(ctx);
    if (rc != 0)
        return -rc;
    return syscall(SYS_ptrace, 0, 0, 0, 0) < 0 && errno == EPERM ? 0 : EINVAL;
}

static int probe_subreaper(void)
{
    return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0 ? 0 : errno;
}

static int probe_uid(void)
{
    if (geteuid() != 0)
        return EPERM;
    if (setgroups(0, NULL) != 0 || setresgid(UID_BASE, UID_BASE, UID_BASE) != 0 ||
        setresuid(UID_BASE, UID_BASE, UID_BASE) != 0)
        return errno;
    return 0;
}

static int probe_nnp(void)
{
    return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 ? 0 : errno;
}

static int check_layer(const char *name, int (*fn)(void), const char *why_off)
{
    int rc;

    if (disabled_by_env(name)) {
        note(name, "disabled by PYHARNESS_SANDBOX_DISABLE");
        return 0;
    }
    rc = fn();
    if (rc == 0)
        return 1;
    note(name, why_off != NULL ? why_off : strerror(rc));
    return 0;
}

static int run_probe(int (*fn)(void))
{
    return probe_in_child(fn);
}

/* Wrappers so check_layer runs each probe in its own child. */
#define PROBE_WRAPPER(name)                                                                        \
    static int name##_child(void)                                                                  \
    {                                                                                              \
        return run_probe(name);                                                                    \
    }
PROBE_WRAPPER(probe_userns)
PROBE_WRAPPER(probe_pidns)
PROBE_WRAPPER(probe_netns)
PROBE_WRAPPER(probe_ipcns)
PROBE_WRAPPER(probe_mntns)
PROBE_WRAPPER(probe_seccomp)
PROBE_WRAPPER(probe_subreaper)
PROBE_WRAPPER(probe_uid)
PROBE_WRAPPER(probe_nnp)

void sandbox_probe_adopt(const struct sandbox_caps *c)
{
    sbx_caps = *c;
    caps_ready = 1;
}

const struct sandbox_caps *sandbox_probe(void)
{
    if (caps_ready)
        return &sbx_caps;
    memset(&sbx_caps, 0, sizeof sbx_caps);
    sbx_caps.rlimits = 1;
    sbx_caps.audit_hooks = 1; /* compiled in; the host installs it before Py_Initialize */
#ifdef PH_TEST_SWITCHES
    {
        const char *off = getenv("PYHARNESS_TEST_DISABLE_AUDIT"); /* sandbox_audit.h */

        if (off != NULL && strcmp(off, "1") == 0) {
            sbx_caps.audit_hooks = 0;
            note("audit", "switched off by PYHARNESS_TEST_DISABLE_AUDIT (tests only)");
        }
    }
#endif
    if (geteuid() != 0)
        sbx_caps.user_namespace = check_layer("userns", probe_userns_child, NULL);
    if (geteuid() == 0 || sbx_caps.user_namespace) {
        sbx_caps.pid_namespace = check_layer("pidns", probe_pidns_child, NULL);
        sbx_caps.net_namespace = check_layer("netns", probe_netns_child, NULL);
        sbx_caps.ipc_namespace = check_layer("ipcns", probe_ipcns_child, NULL);
        sbx_caps.mount_namespace = check_layer("mntns", probe_mntns_child, NULL);
    } else {
        note("namespaces", "unprivileged user namespaces are refused here");
    }
    sbx_caps.seccomp = check_layer("seccomp", probe_seccomp_child, NULL);
    sbx_caps.subreaper = check_layer("subreaper", probe_subreaper_child, NULL);
    sbx_caps.no_new_privs = check_layer("nnp", probe_nnp_child, NULL);
    sbx_caps.landlock = sbx_landlock_abi();
    if (sbx_caps.landlock == 0)
        note("landlock", "this kernel offers no Landlock: a run can open its namespace's /proc");
    {
        char why[200] = "";

        sbx_caps.cgroup_cpu = (int)sbx_cgroup_probe(why, sizeof why);
#ifdef PH_TEST_SWITCHES
        {
            const char *off = getenv("PYHARNESS_TEST_NO_CGROUP");

            if (off != NULL && strcmp(off, "1") == 0) {
                sbx_caps.cgroup_cpu = 0;
                snprintf(why, sizeof why, "switched off by PYHARNESS_TEST_NO_CGROUP (tests only)");
            }
        }
#endif
        if (sbx_caps.cgroup_cpu == 0)
            note("cgroupcpu", why);
    }
    if (geteuid() == 0)
        sbx_caps.uid_drop = check_layer("uid", probe_uid_child, NULL);
    else
        note("uid", "not root: the run keeps the caller's uid (user namespace)");
    if (sbx_caps.uid_drop == 0 && sbx_caps.user_namespace == 0)
        note("nproc", "RLIMIT_NPROC counts every process of this user");
    caps_ready = 1;
    return &sbx_caps;
}

const char *sandbox_layers_string(void)
{
    return sandbox_run_layers_string(0);
}

const char *sandbox_run_layers_string(unsigned lost)
{
    static char buf[160];
    const struct sandbox_caps *c = sandbox_probe();
    size_t used = 0;
    struct {
        int on;
        const char *name;
    } layers[] = {
        {c->rlimits, "rlimits"},
        {c->uid_drop, "uid"},
        {c->user_namespace, "userns"},
        {c->pid_namespace, "pidns"},
        {c->net_namespace, "netns"},
        {c->ipc_namespace, "ipcns"},
        {c->mount_namespace, "mntns"},
        {c->mount_namespace && !(lost & SANDBOX_LOST_RUNFS), "runfs"},
        {c->subreaper, "subreaper"},
        {c->seccomp, "seccomp"},
        {c->landlock > 0, "landlock"},
        {c->audit_hooks, "audit"},
        {c->cgroup_cpu != 0 && !(lost & SANDBOX_LOST_CGROUPCPU), "cgroupcpu"},
    };

    buf[0] = '\0';
    for (size_t i = 0; i < sizeof layers / sizeof layers[0]; i++) {
        int n;

        if (!layers[i].on)
            continue;
        n = snprintf(buf + used, sizeof buf - used, "%s%s", used > 0 ? "," : "", layers[i].name);
        if (n < 0 || (size_t)n >= sizeof buf - used)
            break;
        used += (size_t)n;
    }
    return buf;
}
