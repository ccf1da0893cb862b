/*
 * sandbox_limits.c - see sandbox_limits.h.
 */
#include "sandbox_limits.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "sandbox_internal.h"
#include "sandbox_proc.h"

/* Defaults when the policy leaves a limit at 0. */
#define DEFAULT_CPU_S 10
#define DEFAULT_MEMORY (1024ul * 1024 * 1024)
#define DEFAULT_FSIZE (64ul * 1024 * 1024)
#define DEFAULT_NPROC 64u
#define CPU_HARD_MARGIN_S 2 /* SIGXCPU first, SIGKILL this much later */
#define NOFILE_LIMIT 256    /* multiprocessing needs a few dozen */
#define STACK_LIMIT (64ul * 1024 * 1024)

/* A "Key:  <n> kB" line of /proc/self/status, in bytes; 0 if missing. */
static size_t status_kb(const char *key)
{
    long long b = fileio_proc_status_bytes(key);

    return b > 0 ? (size_t)b : 0;
}

/* Processes of our real uid now (for RLIMIT_NPROC when it counts them all). */
static int count_if_mine(long pid, void *arg)
{
    char path[64];
    struct stat st;

    snprintf(path, sizeof path, "/proc/%ld", pid);
    if (stat(path, &st) == 0 && st.st_uid == getuid())
        (*(unsigned *)arg)++;
    return 0;
}

static unsigned count_own_processes(void)
{
    unsigned count = 0;

    (void)fileio_each_pid(count_if_mine, &count);
    return count;
}

/* One limit of the plan: what setrlimit() gets, clamped to the hard limit
 * in force (asking for more fails as non-root). */
static void plan_limit(struct rlimit_plan *plan, int res, const char *name, rlim_t soft,
                       rlim_t hard, int required)
{
    struct limit *l = &plan->l[plan->n++];
    struct rlimit cur;

    l->res = res;
    l->name = name;
    l->required = required;
    l->rl.rlim_cur = soft;
    l->rl.rlim_max = hard;
    if (getrlimit(res, &cur) == 0 && cur.rlim_max != RLIM_INFINITY) {
        if (l->rl.rlim_max > cur.rlim_max)
            l->rl.rlim_max = cur.rlim_max;
        if (l->rl.rlim_cur > l->rl.rlim_max)
            l->rl.rlim_cur = l->rl.rlim_max;
    }
}

/* The limits of a run under policy `p`, worked out in the process whose
 * children will run (a sandbox host works them out once for all its runs).
 * `shared_uid`: the runs keep this process's uid (no uid drop). */
void sbx_limits_plan(const struct sandbox_policy *p, int shared_uid, struct rlimit_plan *plan)
{
    rlim_t cpu = p->cpu_s > 0 ? (rlim_t)(p->cpu_s + 0.999) : DEFAULT_CPU_S;
    size_t mem = p->memory_bytes > 0 ? p->memory_bytes : DEFAULT_MEMORY;
    size_t fsize = p->fsize_bytes > 0 ? p->fsize_bytes : DEFAULT_FSIZE;
    unsigned nproc = p->nproc > 0 ? p->nproc : DEFAULT_NPROC;
    /* RLIMIT_DATA bounds all private writable memory, and a worker already
     * holds the supervisor's: the limit is growth on top of what exists. */
    size_t data = status_kb("VmData:") + mem;

    /* Outside a dedicated uid or user namespace, NPROC counts all our processes. */
    if (shared_uid && !sbx_caps.user_namespace)
        nproc += count_own_processes();
    else if (shared_uid)
        nproc += 2; /* the relay and the host, which share the uid */
    plan->n = 0;
    plan_limit(plan, RLIMIT_CPU, "RLIMIT_CPU", cpu, cpu + CPU_HARD_MARGIN_S, 1);
    plan_limit(plan, RLIMIT_CORE, "RLIMIT_CORE", 0, 0, 1);
    plan_limit(plan, RLIMIT_DATA, "RLIMIT_DATA", data, data, 1);
    plan_limit(plan, RLIMIT_FSIZE, "RLIMIT_FSIZE", fsize, fsize, 1);
    plan_limit(plan, RLIMIT_NPROC, "RLIMIT_NPROC", nproc, nproc, 1);
    plan_limit(plan, RLIMIT_NOFILE, "RLIMIT_NOFILE", NOFILE_LIMIT, NOFILE_LIMIT, 1);
    plan_limit(plan, RLIMIT_STACK, "RLIMIT_STACK", STACK_LIMIT, STACK_LIMIT, 1);
    plan_limit(plan, RLIMIT_MSGQUEUE, "RLIMIT_MSGQUEUE", 0, 0, 0);
}

enum ph_rc sbx_limits_apply(const struct rlimit_plan *plan, struct ph_err *err)
{
    for (size_t i = 0; i < plan->n; i++) {
        const struct limit *l = &plan->l[i];

        if (setrlimit(l->res, &l->rl) != 0 && l->required)
            return ph_errf(err, PH_EINTERNAL, "sandbox: %s: %s", l->name, strerror(errno));
    }
    return PH_OK;
}
