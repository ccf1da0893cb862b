/*
 * sandbox_enter.c - sandbox_enter() and what it needs (see sandbox.h): the
 * run's identity, no_new_privs, the seccomp filter, and the environment a
 * re-executed host reads its policy from.
 */
#include "sandbox_enter.h"

#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fileio.h"
#include "measure_proc.h"
#include "sandbox_cgroup.h"
#include "sandbox_internal.h"
#include "sandbox_landlock.h"
#include "sandbox_limits.h"
#include "sandbox_seccomp.h"

char sbx_child_setup_error[256];
int sbx_limits_applied;
int sbx_filter_in_host;

/* ---- identity ---- */

static enum ph_rc drop_identity(uid_t uid, struct ph_err *err)
{
    if (uid != 0) {
        /* No exec of the run can get a capability back: the bounding set
         * goes first, while CAP_SETPCAP is still ours. */
        for (int cap = 0; cap <= 63; cap++)
            (void)prctl(PR_CAPBSET_DROP, cap, 0, 0, 0);
        /* The run's folder was handed to `uid` by sandbox_run_start. */
        if (setgroups(0, NULL) != 0 || setresgid(uid, uid, uid) != 0 ||
            setresuid(uid, uid, uid) != 0)
            return ph_errf(err, PH_EINTERNAL, "sandbox: dropping to uid %u: %s", (unsigned)uid,
                           strerror(errno));
        /* Changing uid made us non-dumpable, which gives /proc/self to root and
         * breaks the worker's own measurements (clear_refs).  Other processes of
         * the run share our uid and our memory anyway; ptrace is denied by
         * seccomp. */
        (void)prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
        return PH_OK;
    }
    {
        /* Root without a uid of its own, or root of a user namespace: keep the
         * uid, drop every capability. */
        struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
        struct __user_cap_data_struct data[2];

        memset(data, 0, sizeof data);
        for (int cap = 0; cap <= 63; cap++)
            (void)prctl(PR_CAPBSET_DROP, cap, 0, 0, 0);
        if (syscall(SYS_capset, &hdr, data) != 0)
            return ph_errf(err, PH_EINTERNAL, "sandbox: dropping capabilities: %s",
                           strerror(errno));
        /* As above: the check runner reads this process's /proc from
         * outside (CPU, memory, its children), which a non-dumpable process
         * refuses; ptrace stays denied by seccomp. */
        (void)prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
    }
    return PH_OK;
}

enum ph_rc sandbox_runner_confine(struct ph_err *err)
{
    struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
    struct __user_cap_data_struct data[2];
    uint64_t keep = SANDBOX_RUNNER_CAPS, have;

    memset(data, 0, sizeof data);
    if (syscall(SYS_capget, &hdr, data) != 0)
        return ph_errf(err, PH_EINTERNAL, "sandbox: reading the runner's capabilities: %s",
                       strerror(errno));
    have = (uint64_t)data[0].permitted | (uint64_t)data[1].permitted << 32;
    keep &= have;
    /* The bounding set first: dropping from it needs CAP_SETPCAP, which
     * the capset below takes away.  Without it (a user namespace's root
     * may lack it) the bounding set stays; the sets below hold all the
     * same. */
    for (int cap = 0; cap <= 63; cap++) {
        if ((keep & (1ull << cap)) == 0)
            (void)prctl(PR_CAPBSET_DROP, cap, 0, 0, 0);
    }
    (void)prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
    memset(data, 0, sizeof data);
    data[0].effective = data[0].permitted = (uint32_t)keep;
    data[1].effective = data[1].permitted = (uint32_t)(keep >> 32);
    if (syscall(SYS_capset, &hdr, data) != 0)
        return ph_errf(err, PH_EINTERNAL, "sandbox: dropping the runner's capabilities: %s",
                       strerror(errno));
    return PH_OK;
}

/* ---- the rest of sandbox_enter ---- */

/* NAME=a:b:c from a NULL-terminated list (entries with ':' are skipped). */
static void set_list_env(const char *name, const char *const *list)
{
    char buf[4096];
    size_t used = 0;

    buf[0] = '\0';
    for (size_t i = 0; list != NULL && list[i] != NULL; i++) {
        int n;

        if (strchr(list[i], ':') != NULL)
            continue;
        n = snprintf(buf + used, sizeof buf - used, "%s%s", used > 0 ? ":" : "", list[i]);
        if (n < 0 || (size_t)n >= sizeof buf - used)
            break;
        used += (size_t)n;
    }
    if (used > 0)
        (void)setenv(name, buf, 1);
}

enum ph_rc sandbox_enter(const struct sandbox_run *run, struct ph_err *err)
{
    const struct sandbox_policy *p = run->policy;
    char num[32];
    enum ph_rc rc;
    int entered;

    (void)sandbox_probe();
    if (sbx_child_setup_error[0] != '\0')
        return ph_errf(err, PH_EINTERNAL, "sandbox: %s", sbx_child_setup_error);
    if (p == NULL)
        return ph_errf(err, PH_EINTERNAL, "sandbox: not in a run's worker");
    if (!sbx_limits_applied) {
        struct rlimit_plan plan;

        sbx_limits_plan(p, run->uid == 0, &plan);
        rc = sbx_limits_apply(&plan, err);
        if (rc != PH_OK)
            return rc;
    }
    /* For re-executed hosts (multiprocessing spawn): the policy of their hook. */
    (void)setenv(SANDBOX_ENV_SCRATCH, run->scratch, 1);
    if (p->python_dir != NULL)
        (void)setenv(SANDBOX_ENV_PYTHON, p->python_dir, 1);
    if (p->host_exe != NULL)
        (void)setenv(SANDBOX_ENV_EXE, p->host_exe, 1);
    snprintf(num, sizeof num, "%ld", (long)getpid());
    (void)setenv(SANDBOX_ENV_ROOT_PID, num, 1);
    set_list_env(SANDBOX_ENV_HIDDEN, p->hidden_paths);
    set_list_env(SANDBOX_ENV_READABLE, p->readable_paths);
    /* Into the cgroup the run's CPU is read from (sandbox_cgroup.h), while
     * still the host's uid; where that fails, spans fall back to rusage and
     * /proc rather than read a cgroup this process is not in. */
    if (sbx_cgroup_worker_enter() != 0)
        measure_set_run_cgroup(-1);
    rc = drop_identity(run->uid, err);
    if (rc != PH_OK)
        return rc;
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
        return ph_errf(err, PH_EINTERNAL, "sandbox: no_new_privs: %s", strerror(errno));
    /* The worker's own figures are read through these once /proc is gone. */
    fileio_keep_proc_self();
    rc = sbx_landlock_enter(&entered, err);
    if (rc != PH_OK)
        return rc;
    if (sbx_caps.seccomp && !sbx_filter_in_host)
        return sbx_seccomp_install(err);
    return PH_OK;
}

void sandbox_policy_from_env(struct sandbox_policy *p)
{
    memset(p, 0, sizeof *p);
    p->scratch_dir = getenv(SANDBOX_ENV_SCRATCH);
    p->python_dir = getenv(SANDBOX_ENV_PYTHON);
    p->host_exe = getenv(SANDBOX_ENV_EXE);
}

int sandbox_confined(void)
{
    return prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1;
}
