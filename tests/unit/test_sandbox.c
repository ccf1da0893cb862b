/*
 * test_sandbox.c - the confinement layers of sandbox.c, exercised with plain
 * C workers (no Python): each test starts a host and a run in it, the
 * worker enters the sandbox and tries an attack, and reports through its
 * exit status (0: contained); the test then checks what must not exist.
 */
#include <criterion/criterion.h>

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <sched.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ipc.h>
#include <sys/ptrace.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/xattr.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sandbox.h"
#include "sandbox_enter.h"

/* Exit codes of the children: anything but CONTAINED is a failure. */
#define CONTAINED 0
#define ESCAPED 10
#define ENTER_FAILED 11

static char scratch[64];

static void make_scratch(void)
{
    snprintf(scratch, sizeof scratch, "/tmp/ph-sbx-test-XXXXXX");
    cr_assert_not_null(mkdtemp(scratch));
}

static void remove_scratch(void)
{
    char cmd[128];

    snprintf(cmd, sizeof cmd, "rm -rf '%s'", scratch);
    (void)system(cmd);
}

static struct sandbox_policy policy(void)
{
    struct sandbox_policy p;

    memset(&p, 0, sizeof p);
    p.scratch_dir = scratch;
    p.cpu_s = 5;
    p.memory_bytes = 64ul * 1024 * 1024;
    p.fsize_bytes = 1024 * 1024;
    p.nproc = 16;
    return p;
}

/* The worker's body: enter the sandbox, then call the test's function (the
 * job, when there is one, is handed to it as `job_text`). */
static int (*body_fn)(void);
static char job_text[256];

static void trampoline(const struct sandbox_run *run, const void *job, size_t len, void *arg)
{
    struct ph_err err = {0};

    (void)arg;
    snprintf(job_text, sizeof job_text, "%.*s", (int)len, (const char *)job);
    if (sandbox_enter(run, &err) != PH_OK) {
        fprintf(stderr, "sandbox_enter: %s\n", err.msg);
        _exit(ENTER_FAILED);
    }
    _exit(body_fn());
}

static const struct sandbox_hooks hooks = {.body = trampoline};

static struct sandbox_host *start_host(struct sandbox_policy *p, int (*body)(void))
{
    struct ph_err err = {0};
    struct sandbox_host *h = NULL;

    body_fn = body;
    cr_assert_eq(sandbox_host_start(p, &hooks, &h, &err), PH_OK, "sandbox_host_start: %s", err.msg);
    return h;
}

/* Start one run in `h`; its stderr is ours. */
static void start_run(struct sandbox_host *h, const char *job, struct sandbox_run *run)
{
    struct ph_err err = {0};
    int fds[3] = {-1, STDERR_FILENO, -1};

    cr_assert_eq(sandbox_run_new(h, run, &err), PH_OK, "sandbox_run_new: %s", err.msg);
    cr_assert_eq(sandbox_run_start(h, run, job, strlen(job), fds, &err), PH_OK,
                 "sandbox_run_start: %s", err.msg);
}

/* A host with one run whose worker enters the sandbox and calls `body`. */
static struct sandbox_host *run(struct sandbox_policy *p, int (*body)(void))
{
    struct sandbox_host *h = start_host(p, body);
    struct sandbox_run r;

    start_run(h, "", &r);
    return h;
}

static int wait_status(struct sandbox_host *h, struct rusage *ru)
{
    int status = 0;
    struct rusage dummy;

    cr_assert_eq(sandbox_run_wait(h, -1, &status, ru != NULL ? ru : &dummy), 1);
    return status;
}

static void expect_contained(struct sandbox_host *h)
{
    int status = wait_status(h, NULL);

    sandbox_host_stop(h);
    cr_assert(WIFEXITED(status), "the worker died of signal %d", WTERMSIG(status));
    cr_assert_eq(WEXITSTATUS(status), CONTAINED, "the worker reported %d", WEXITSTATUS(status));
}

/* Processes whose comm is `marker`, anywhere on the machine. */
static int count_marked(const char *marker)
{
    DIR *d = opendir("/proc");
    struct dirent *e;
    int n = 0;

    cr_assert_not_null(d);
    for (e = readdir(d); e != NULL; e = readdir(d)) {
        char path[300], comm[64] = "";
        FILE *f;

        if (e->d_name[0] < '0' || e->d_name[0] > '9')
            continue;
        snprintf(path, sizeof path, "/proc/%s/comm", e->d_name);
        f = fopen(path, "r");
        if (f == NULL)
            continue;
        if (fgets(comm, sizeof comm, f) != NULL) {
            comm[strcspn(comm, "\n")] = '\0';
            if (strcmp(comm, marker) == 0) {
                char st[300], line[256];
                FILE *s;
                int zombie = 0;

                snprintf(st, sizeof st, "/proc/%s/status", e->d_name);
                s = fopen(st, "r");
                while (s != NULL && fgets(line, sizeof line, s) != NULL) {
                    if (strncmp(line, "State:", 6) == 0)
                        zombie = strchr(line, 'Z') != NULL;
                }
                if (s != NULL)
                    fclose(s);
                n += !zombie;
            }
        }
        fclose(f);
    }
    closedir(d);
    return n;
}

static char marker[16];

static void new_marker(void)
{
    snprintf(marker, sizeof marker, "phd%d", (int)(getpid() % 100000));
}

static void wait_marked(int want)
{
    for (int i = 0; i < 300 && count_marked(marker) < want; i++)
        usleep(10000);
    cr_assert_geq(count_marked(marker), want, "the daemon never started");
}

TestSuite(sandbox, .init = make_scratch, .fini = remove_scratch, .timeout = 60);

Test(sandbox, probe_reports_layers)
{
    const struct sandbox_caps *c = sandbox_probe();

    cr_assert(c->rlimits);
    cr_assert(c->audit_hooks);
    cr_assert_neq(strstr(sandbox_layers_string(), "rlimits"), NULL);
    cr_log_info("layers: %s; notes: %s", sandbox_layers_string(), c->notes);
}

static int body_exit_42(void)
{
    return 42;
}

Test(sandbox, exit_status_is_relayed)
{
    struct sandbox_policy p = policy();
    struct sandbox_host *h = run(&p, body_exit_42);
    int status = wait_status(h, NULL);

    sandbox_host_stop(h);
    cr_assert(WIFEXITED(status));
    cr_assert_eq(WEXITSTATUS(status), 42);
}

static int body_sigterm(void)
{
    raise(SIGTERM);
    return ESCAPED;
}

Test(sandbox, death_by_signal_is_relayed)
{
    struct sandbox_policy p = policy();
    struct sandbox_host *h = run(&p, body_sigterm);
    int status = wait_status(h, NULL);

    sandbox_host_stop(h);
    cr_assert(WIFSIGNALED(status));
    cr_assert_eq(WTERMSIG(status), SIGTERM);
}

static int body_spin(void)
{
    volatile unsigned long x = 0;

    for (;;)
        x++;
    return ESCAPED;
}

Test(sandbox, cpu_limit_sends_sigxcpu)
{
    struct sandbox_policy p = policy();
    struct sandbox_host *h;
    int status;

    p.cpu_s = 1;
    h = run(&p, body_spin);
    status = wait_status(h, NULL);
    sandbox_host_stop(h);
    cr_assert(WIFSIGNALED(status));
    cr_assert(WTERMSIG(status) == SIGXCPU || WTERMSIG(status) == SIGKILL, "signal %d",
              WTERMSIG(status));
}

static int body_burn_in_grandchild(void)
{
    pid_t pid = fork();

    if (pid == 0) {
        struct timespec t0, t;
        volatile unsigned long x = 0;

        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
        do {
            x++;
            clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
        } while ((t.tv_sec - t0.tv_sec) * 1000000000L + (t.tv_nsec - t0.tv_nsec) < 300000000L);
        _exit(0);
    }
    return waitpid(pid, NULL, 0) == pid ? CONTAINED : ESCAPED;
}

Test(sandbox, rusage_counts_the_whole_run)
{
    struct sandbox_policy p = policy();
    struct rusage ru;
    struct sandbox_host *h = run(&p, body_burn_in_grandchild);
    int status = wait_status(h, &ru);
    double cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
                 (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;

    sandbox_host_stop(h);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == CONTAINED);
    cr_assert_geq(cpu, 0.25, "wait4 saw %.3f s of CPU", cpu);
}

/* SIGCHLD ignored: the kernel reaps the child, whose CPU then reaches no
 * rusage (sandbox_cgroup.h). */
static int body_burn_in_autoreaped_child(void)
{
    pid_t pid;

    signal(SIGCHLD, SIG_IGN);
    pid = fork();
    if (pid == 0) {
        struct timespec t0, t;
        volatile unsigned long x = 0;

        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
        do {
            x++;
            clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
        } while ((t.tv_sec - t0.tv_sec) * 1000000000L + (t.tv_nsec - t0.tv_nsec) < 300000000L);
        _exit(0);
    }
    if (pid < 0)
        return ESCAPED;
    while (kill(pid, 0) == 0)
        usleep(2000);
    return waitpid(pid, NULL, 0) < 0 && errno == ECHILD ? CONTAINED : ESCAPED;
}

/* Folders of the host's cgroup hierarchy named after a process that is gone
 * (sandbox_cgroup.c): what a host failed to remove. */
static int count_dead_cgroup_folders(void)
{
    static const char *const roots[] = {"/sys/fs/cgroup/cpuacct", "/sys/fs/cgroup/unified"};
    int dead = 0;

    for (size_t i = 0; i < sizeof roots / sizeof roots[0]; i++) {
        DIR *d = opendir(roots[i]);
        struct dirent *e;

        for (e = d != NULL ? readdir(d) : NULL; e != NULL; e = readdir(d)) {
            char *end;
            long pid;

            if (strncmp(e->d_name, "pyharness-", 10) != 0)
                continue;
            pid = strtol(e->d_name + 10, &end, 10);
            if (pid > 0 && *end == '\0' && kill((pid_t)pid, 0) != 0 && errno == ESRCH)
                dead++;
        }
        if (d != NULL)
            closedir(d);
    }
    return dead;
}

Test(sandbox, rusage_counts_children_the_kernel_reaps_itself)
{
    struct sandbox_policy p = policy();
    struct rusage ru;
    struct sandbox_host *h;
    int status;
    double cpu;

    if (!sandbox_probe()->cgroup_cpu)
        cr_skip_test("no cgroup counts a run's CPU here");
    h = run(&p, body_burn_in_autoreaped_child);
    status = wait_status(h, &ru);
    cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
          (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
    sandbox_host_stop(h);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == CONTAINED, "status %d", status);
    cr_assert_geq(cpu, 0.25, "the run's CPU was %.3f s", cpu);
    cr_assert_eq(count_dead_cgroup_folders(), 0, "a host's cgroup folder outlived it");
}

static int body_fork_bomb(void)
{
    int made = 0;

    for (int i = 0; i < 2000; i++) {
        pid_t pid = fork();

        if (pid == 0) {
            pause();
            _exit(0);
        }
        if (pid > 0)
            made++;
    }
    return made <= 32 ? CONTAINED : ESCAPED;
}

Test(sandbox, fork_bomb_is_contained_by_nproc)
{
    struct sandbox_policy p = policy();
    struct sandbox_host *h = run(&p, body_fork_bomb);

    expect_contained(h);
}

static int body_memory_bomb(void)
{
    size_t size = 512ul * 1024 * 1024;
    char *big = malloc(size);

    if (big == NULL)
        return CONTAINED;
    memset(big, 1, size);
    return ESCAPED;
}

Test(sandbox, memory_bomb_is_contained_by_rlimit_data)
{
    struct sandbox_policy p = policy();
    struct sandbox_host *h = run(&p, body_memory_bomb);

    expect_contained(h);
}

static int body_big_file(void)
{
    static char block[64 * 1024];
    int fd = open("big.bin", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    size_t written = 0;

    signal(SIGXFSZ, SIG_IGN);
    if (fd < 0)
        return ESCAPED;
    for (int i = 0; i < 64; i++) {
        ssize_t n = write(fd, block, sizeof block);

        if (n < 0)
            break;
        written += (size_t)n;
    }
    close(fd);
    return written <= 1024 * 1024 ? CONTAINED : ESCAPED;
}

Test(sandbox, disk_fill_is_contained_by_fsize)
{
    struct sandbox_policy p = policy();
    struct sandbox_host *h = run(&p, body_big_file);

    expect_contained(h);
}

static int body_ptrace(void)
{
    errno = 0;
    if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) == 0)
        return ESCAPED;
    return errno == EPERM ? CONTAINED : ESCAPED;
}

Test(sandbox, seccomp_denies_ptrace)
{
    struct sandbox_policy p = policy();
    struct sandbox_host *h;

    if (!sandbox_probe()->seccomp)
        cr_skip_test("seccomp is not available here");
    h = run(&p, body_ptrace);
    expect_contained(h);
}

/* System V IPC holds memory that no resident set, file or socket shows. */
static int body_sysv_ipc(void)
{
    errno = 0;
    if (shmget(IPC_PRIVATE, 1 << 20, IPC_CREAT | 0600) >= 0 || errno != EPERM)
        return ESCAPED;
    errno = 0;
    if (msgget(IPC_PRIVATE, IPC_CREAT | 0600) >= 0 || errno != EPERM)
        return ESCAPED + 1;
    errno = 0;
    if (semget(IPC_PRIVATE, 1, IPC_CREAT | 0600) >= 0 || errno != EPERM)
        return ESCAPED + 2;
    return CONTAINED;
}

/* Extended attributes: values a tmpfs keeps in unweighed kernel memory. */
static int body_xattr(void)
{
    int fd = open("attrs", O_WRONLY | O_CREAT, 0600);

    if (fd < 0)
        return ESCAPED;
    errno = 0;
    if (fsetxattr(fd, "user.hoard", "x", 1, 0) == 0 || errno != ENOTSUP)
        return ESCAPED + 1;
    errno = 0;
    if (setxattr("attrs", "user.hoard", "x", 1, 0) == 0 || errno != ENOTSUP)
        return ESCAPED + 2;
    close(fd);
    return CONTAINED;
}

Test(sandbox, seccomp_refuses_extended_attributes)
{
    struct sandbox_policy p = policy();
    struct sandbox_host *h;

    if (!sandbox_probe()->seccomp)
        cr_skip_test("seccomp is not available here");
    h = run(&p, body_xattr);
    expect_contained(h);
}

Test(sandbox, seccomp_denies_system_v_ipc)
{
    struct sandbox_policy p = policy();
    struct sandbox_host *h;

    if (!sandbox_probe()->seccomp)
        cr_skip_test("seccomp is not available here");
    h = run(&p, body_sysv_ipc);
    expect_contained(h);
}

static int body_sockets(void)
{
    int sv[2];
    int inet = socket(AF_INET, SOCK_STREAM, 0);
    int inet6 = socket(AF_INET6, SOCK_DGRAM, 0);
    int netlink = socket(AF_NETLINK, SOCK_RAW, 0);
    int unix_ok = socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0;

    if (inet >= 0 || inet6 >= 0 || netlink >= 0 || !unix_ok)
        return ESCAPED;
    return CONTAINED;
}

Test(sandbox, seccomp_allows_only_unix_sockets)
{
    struct sandbox_policy p = policy();
    struct sandbox_host *h;

    if (!sandbox_probe()->seccomp)
        cr_skip_test("seccomp is not available here");
    h = run(&p, body_sockets);
    expect_contained(h);
}

static int body_pipe_size(void)
{
    /* Pipe buffers are kernel memory no figure weighs: they keep their
     * default size. */
    int fds[2];
    int raised;

    if (pipe(fds) != 0)
        return ESCAPED;
    raised = fcntl(fds[0], F_SETPIPE_SZ, 1 << 20) >= 0 || errno != EPERM;
    close(fds[0]);
    close(fds[1]);
    return raised ? ESCAPED : CONTAINED;
}

Test(sandbox, seccomp_keeps_pipe_buffers_at_their_default)
{
    struct sandbox_policy p = policy();
    struct sandbox_host *h;

    if (!sandbox_probe()->seccomp)
        cr_skip_test("seccomp is not available here");
    h = run(&p, body_pipe_size);
    expect_contained(h);
}

static int body_new_namespace(void)
{
    /* IPC passes the filter (a host's parked worker takes one) but the
     * kernel refuses it to a worker without privileges. */
    if (unshare(CLONE_NEWUSER) == 0 || unshare(CLONE_NEWNS) == 0 || unshare(CLONE_NEWIPC) == 0)
        return ESCAPED;
    return CONTAINED;
}

static int body_pidfd_signal(void)
{
    /* A pidfd may be opened (the host waits on its workers' pidfds under the
     * same filter); signalling or stealing fds through one may not. */
    int fd = (int)syscall(SYS_pidfd_open, getppid(), 0);

    if (fd < 0)
        return CONTAINED;
    if (syscall(SYS_pidfd_send_signal, fd, SIGKILL, NULL, 0) == 0 ||
        syscall(SYS_pidfd_getfd, fd, 0, 0) >= 0)
        return ESCAPED;
    return CONTAINED;
}

Test(sandbox, seccomp_denies_signals_and_fds_through_pidfds)
{
    struct sandbox_policy p = policy();
    struct sandbox_host *h;

    if (!sandbox_probe()->seccomp)
        cr_skip_test("seccomp is not available here");
    h = run(&p, body_pidfd_signal);
    expect_contained(h);
}

Test(sandbox, seccomp_denies_new_namespaces)
{
    struct sandbox_policy p = policy();
    struct sandbox_host *h;

    if (!sandbox_probe()->seccomp)
        cr_skip_test("seccomp is not available here");
    h = run(&p, body_new_namespace);
    expect_contained(h);
}

static int body_kill_everyone(void)
{
    /* kill(-1) would reach the supervisor where there is no PID namespace
     * and the run shares the supervisor's uid. */
    if (kill(-1, SIGKILL) == 0)
        return ESCAPED;
    return CONTAINED;
}

Test(sandbox, kill_minus_one_is_refused)
{
    struct sandbox_policy p = policy();
    struct sandbox_host *h;

    if (!sandbox_probe()->seccomp)
        cr_skip_test("seccomp is not available here");
    h = run(&p, body_kill_everyone);
    expect_contained(h);
}

static int body_daemon(void)
{
    pid_t pid = fork();

    if (pid == 0) {
        setsid();
        if (fork() == 0) {
            prctl(PR_SET_NAME, marker, 0, 0, 0);
            for (;;)
                pause();
        }
        _exit(0);
    }
    waitpid(pid, NULL, 0);
    /* The worker stays, as a hung submission would. */
    for (;;)
        pause();
    return ESCAPED;
}

static void daemon_dies_with_kill(void)
{
    struct sandbox_policy p = policy();
    struct sandbox_host *h;

    new_marker();
    h = run(&p, body_daemon);
    wait_marked(1);
    sandbox_run_abort(h);
    (void)wait_status(h, NULL);
    cr_assert_eq(count_marked(marker), 0, "a daemon of the run outlived sandbox_run_abort");
    sandbox_host_stop(h);
}

Test(sandbox, setsid_double_fork_daemon_dies_with_abort)
{
    daemon_dies_with_kill();
}

static int body_daemon_and_exit(void)
{
    pid_t pid = fork();

    if (pid == 0) {
        setsid();
        if (fork() == 0) {
            prctl(PR_SET_NAME, marker, 0, 0, 0);
            for (;;)
                pause();
        }
        _exit(0);
    }
    waitpid(pid, NULL, 0);
    usleep(200000);
    return CONTAINED;
}

Test(sandbox, daemon_dies_when_the_worker_exits)
{
    struct sandbox_policy p = policy();
    struct sandbox_host *h;

    new_marker();
    h = run(&p, body_daemon_and_exit);
    (void)wait_status(h, NULL);
    cr_assert_eq(count_marked(marker), 0, "a daemon outlived its worker");
    sandbox_host_stop(h);
}

Test(sandbox, daemon_dies_without_pid_namespace)
{
    if (geteuid() != 0)
        cr_skip_test("the fallback kills by uid, which needs root");
    setenv("PYHARNESS_SANDBOX_DISABLE", "pidns", 1);
    cr_assert_eq(sandbox_probe()->pid_namespace, 0);
    daemon_dies_with_kill();
}

Test(sandbox, daemon_dies_when_the_worker_exits_without_pid_namespace)
{
    struct sandbox_policy p = policy();
    struct sandbox_host *h;

    if (geteuid() != 0)
        cr_skip_test("the fallback kills by uid, which needs root");
    setenv("PYHARNESS_SANDBOX_DISABLE", "pidns", 1);
    cr_assert_eq(sandbox_probe()->pid_namespace, 0);
    new_marker();
    h = run(&p, body_daemon_and_exit);
    (void)wait_status(h, NULL);
    cr_assert_eq(count_marked(marker), 0, "a daemon outlived its worker");
    sandbox_host_stop(h);
}

/*
 * Two runs in one host, the first leaving what it can (a daemon, a file in
 * /dev/shm, a System V segment where seccomp does not refuse System V IPC, a
 * file in its folder), the second looking for it.  The job says which run
 * this is.
 */
#define LEFT_KEY 0x5048

static int body_leave_or_look(void)
{
    if (strcmp(job_text, "leave") == 0) {
        int fd = open("/dev/shm/left-behind", O_WRONLY | O_CREAT, 0666);
        int id = shmget(LEFT_KEY, 4096, IPC_CREAT | 0666);

        if (fd < 0 || (id < 0 && errno != EPERM))
            return ESCAPED;
        close(fd);
        fd = open("mine", O_WRONLY | O_CREAT, 0644);
        if (fd < 0)
            return ESCAPED + 1;
        close(fd);
        if (fork() == 0) {
            setsid();
            prctl(PR_SET_NAME, marker, 0, 0, 0);
            for (;;)
                pause();
        }
        return CONTAINED;
    }
    if (access("/dev/shm/left-behind", F_OK) == 0 && sandbox_probe()->mount_namespace)
        return ESCAPED + 2;
    if (shmget(LEFT_KEY, 4096, 0) >= 0 && sandbox_probe()->ipc_namespace)
        return ESCAPED + 3;
    if (access("mine", F_OK) == 0)
        return ESCAPED + 4;
    return CONTAINED;
}

Test(sandbox, a_run_finds_nothing_of_the_previous_run_in_its_host)
{
    struct sandbox_policy p = policy();
    struct sandbox_host *h;
    struct sandbox_run first, second;
    int status;

    new_marker();
    h = start_host(&p, body_leave_or_look);
    start_run(h, "leave", &first);
    status = wait_status(h, NULL);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == CONTAINED, "first run: status %d",
              status);
    cr_assert_eq(count_marked(marker), 0, "the first run's daemon outlived it");
    start_run(h, "look", &second);
    status = wait_status(h, NULL);
    cr_assert(WIFEXITED(status), "second run died of signal %d", WTERMSIG(status));
    cr_assert_eq(WEXITSTATUS(status), CONTAINED, "second run reported %d", WEXITSTATUS(status));
    cr_assert_str_neq(first.scratch, second.scratch);
    if (sandbox_probe()->uid_drop)
        cr_assert_neq(first.uid, second.uid, "two runs shared a uid");
    sandbox_host_stop(h);
}

static int body_hang(void)
{
    for (;;)
        pause();
    return ESCAPED;
}

Test(sandbox, abort_ends_a_hung_run_and_the_host_takes_the_next)
{
    struct sandbox_policy p = policy();
    struct sandbox_host *h = start_host(&p, body_hang);
    struct sandbox_run r;
    int status;

    start_run(h, "", &r);
    cr_assert_eq(sandbox_run_wait(h, 100, &status, &(struct rusage){0}), 0,
                 "a hung run ended by itself: status %d", status);
    sandbox_run_abort(h);
    status = wait_status(h, NULL);
    cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "status %d", status);
    cr_assert(sandbox_host_alive(h));
    /* The same host takes the next run (which hangs too). */
    start_run(h, "", &r);
    cr_assert_eq(sandbox_run_wait(h, 100, &status, &(struct rusage){0}), 0);
    sandbox_run_abort(h);
    status = wait_status(h, NULL);
    cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "status %d", status);
    sandbox_host_stop(h);
}

static int listen_port;

static int body_connect_loopback(void)
{
    struct sockaddr_in sa;
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    if (fd < 0)
        return CONTAINED; /* seccomp: no AF_INET at all */
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)listen_port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0 ? ESCAPED : CONTAINED;
}

Test(sandbox, network_namespace_has_no_route_to_host_loopback)
{
    struct sandbox_policy p = policy();
    struct sockaddr_in sa;
    socklen_t len = sizeof sa;
    int lfd, one = 1;
    struct sandbox_host *h;

    /* seccomp off, so that this test sees the namespace alone. */
    setenv("PYHARNESS_SANDBOX_DISABLE", "seccomp", 1);
    if (!sandbox_probe()->net_namespace)
        cr_skip_test("network namespaces are not available here");
    cr_assert_eq(sandbox_probe()->seccomp, 0);
    lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    cr_assert_geq(lfd, 0);
    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    cr_assert_eq(bind(lfd, (struct sockaddr *)&sa, sizeof sa), 0);
    cr_assert_eq(listen(lfd, 8), 0);
    cr_assert_eq(getsockname(lfd, (struct sockaddr *)&sa, &len), 0);
    listen_port = ntohs(sa.sin_port);
    h = run(&p, body_connect_loopback);
    expect_contained(h);
    cr_assert_lt(accept(lfd, NULL, NULL), 0, "the listener received a connection");
    close(lfd);
}

static int body_mount_view(void)
{
    char probe[300];
    int fd;

    /* The test data folder is hidden; /usr is read-only; no shell to run. */
    if (access(PH_TEST_DATA, F_OK) == 0)
        return ESCAPED;
    if (access("/bin/sh", X_OK) == 0 || access("/usr/bin/python3", F_OK) == 0)
        return ESCAPED + 1;
    fd = open("/usr/escape", O_WRONLY | O_CREAT, 0644);
    if (fd >= 0)
        return ESCAPED + 2;
    fd = open("ok", O_WRONLY | O_CREAT, 0644); /* the run's own folder */
    if (fd < 0)
        return ESCAPED + 3;
    close(fd);
    if (getuid() == 0 && geteuid() == 0 && sandbox_probe()->uid_drop)
        return ESCAPED + 4;
    /* The scratch root holds other runs' folders: passable, not listable. */
    snprintf(probe, sizeof probe, "%s", scratch);
    if (sandbox_probe()->uid_drop && opendir(probe) != NULL)
        return ESCAPED + 6;
    {
        /* A hidden folder inside a visible tree is covered. */
        DIR *d = opendir("/usr/share/doc");
        struct dirent *e;
        int entries = 0;

        for (e = d != NULL ? readdir(d) : NULL; e != NULL; e = readdir(d))
            entries += e->d_name[0] != '.';
        if (d != NULL)
            closedir(d);
        if (entries > 0)
            return ESCAPED + 5;
    }
    {
        /* The kernel's knobs: read-only where the view could remount them
         * (a root host; its check runner stays root). */
        struct statvfs sv;

        if (sandbox_probe()->uid_drop && statvfs("/proc/sys", &sv) == 0 && !(sv.f_flag & ST_RDONLY))
            return ESCAPED + 7;
    }
    return CONTAINED;
}

Test(sandbox, mount_view_hides_and_is_read_only)
{
    struct sandbox_policy p = policy();
    const char *hidden[] = {PH_TEST_DATA, "/usr/share/doc", NULL};
    struct sandbox_host *h;

    if (!sandbox_probe()->mount_namespace)
        cr_skip_test("mount namespaces are not available here");
    p.hidden_paths = hidden;
    h = run(&p, body_mount_view);
    expect_contained(h);
}

static int body_environ_block(void)
{
    char buf[4096];
    int fd = open("/proc/self/environ", O_RDONLY);
    ssize_t n;

    if (fd < 0)
        return CONTAINED;
    n = read(fd, buf, sizeof buf);
    close(fd);
    for (ssize_t i = 0; i < n; i++) {
        if (buf[i] != '\0')
            return ESCAPED;
    }
    return CONTAINED;
}

Test(sandbox, environment_block_is_scrubbed)
{
    struct sandbox_policy p = policy();
    struct sandbox_host *h = run(&p, body_environ_block);

    expect_contained(h);
}

Test(sandbox, a_host_killed_under_a_run_ends_it_as_killed_and_takes_no_more)
{
    struct sandbox_policy p = policy();
    struct sandbox_host *h = start_host(&p, body_hang);
    struct sandbox_run r;
    struct ph_err err = {0};
    int status, fds[3] = {-1, -1, -1};

    start_run(h, "", &r);
    cr_assert_gt(sandbox_host_pid(h), 0);
    cr_assert_eq(kill(sandbox_host_pid(h), SIGKILL), 0);
    status = wait_status(h, NULL);
    cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "status %d", status);
    cr_assert_eq(sandbox_host_alive(h), 0);
    cr_assert_neq(sandbox_run_start(h, &r, "", 0, fds, &err), PH_OK);
    sandbox_host_stop(h);
}

Test(sandbox, a_host_killed_between_runs_refuses_the_next)
{
    struct sandbox_policy p = policy();
    struct sandbox_host *h = start_host(&p, body_exit_42);
    struct sandbox_run r;
    struct ph_err err = {0};
    int status, fds[3] = {-1, -1, -1};

    start_run(h, "", &r);
    status = wait_status(h, NULL);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 42);
    cr_assert_eq(kill(sandbox_host_pid(h), SIGKILL), 0);
    usleep(100000);
    cr_assert_neq(sandbox_run_start(h, &r, "", 0, fds, &err), PH_OK);
    cr_assert_eq(sandbox_host_alive(h), 0);
    cr_log_info("%s", err.msg);
    sandbox_host_stop(h);
}
