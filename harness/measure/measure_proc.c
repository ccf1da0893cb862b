/*
 * measure_proc.c - see measure_proc.h.
 */
#include "measure_proc.h"

#include "fileio.h"
#include "measure_sock.h"

#include <stdint.h>
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <dirent.h>
#include <unistd.h>

int64_t measure_children_cpu_ns(void)
{
    return measure_rusage_cpu_ns(RUSAGE_CHILDREN);
}

/*
 * CPU of every other process of the run, from /proc: each live process's
 * own time plus what it reaped (utime, stime, cutime, cstime), and what this
 * process reaped.  RUSAGE_CHILDREN alone misses grandchildren reaped by an
 * intermediate that is still alive (multiprocessing's forkserver forks the
 * pool workers and reaps them itself).  Only meaningful where /proc shows the
 * run alone: in a PID namespace whose PID 1 is the run's host
 * (measure_set_run_namespace).
 * Resolution is the clock tick (10 ms).
 */
static int ns_scope;

void measure_set_run_namespace(int on)
{
    ns_scope = on;
}

int measure_in_run_namespace(void)
{
    return ns_scope;
}

static int run_cgroup = -1;

void measure_set_run_cgroup(int fd)
{
    run_cgroup = fd;
}

int64_t measure_cgroup_usage_ns(int fd)
{
    char buf[512];
    const char *p;
    ssize_t n;

    if (fd < 0)
        return -1;
    do
        n = pread(fd, buf, sizeof buf - 1, 0);
    while (n < 0 && errno == EINTR);
    if (n <= 0)
        return -1;
    buf[n] = '\0';
    if (buf[0] >= '0' && buf[0] <= '9') /* v1 cpuacct.usage: nanoseconds */
        return strtoll(buf, NULL, 10);
    p = strncmp(buf, "usage_usec ", 11) == 0 ? buf : strstr(buf, "\nusage_usec ");
    if (p == NULL)
        return -1;
    return strtoll(strchr(p + 1, ' ') + 1, NULL, 10) * 1000; /* v2 cpu.stat: microseconds */
}

int64_t measure_run_cgroup_cpu_ns(void)
{
    return measure_cgroup_usage_ns(run_cgroup);
}

static int shm_counted;

void measure_count_shm(int on)
{
    shm_counted = on;
}

int measure_shm_counted(void)
{
    return shm_counted;
}

/* Files open in the run that no folder holds any more (O_TMPFILE, or
 * unlinked after opening), each counted once however many descriptors
 * share it.  Their pages live in the page cache (or a tmpfs) where no
 * resident set shows them, and no walk of the run's folder reaches them. */
#define UNLINKED_SEEN_MAX 256

struct unlinked_sum {
    int64_t bytes;
    size_t nseen;
    struct {
        dev_t dev;
        ino_t ino;
    } seen[UNLINKED_SEEN_MAX];
};

static int seen_before(struct unlinked_sum *u, const struct stat *st)
{
    for (size_t i = 0; i < u->nseen; i++)
        if (u->seen[i].dev == st->st_dev && u->seen[i].ino == st->st_ino)
            return 1;
    /* Past the table, a file shared by two descriptors counts twice: an
     * over-count, never an escape. */
    if (u->nseen < UNLINKED_SEEN_MAX) {
        u->seen[u->nseen].dev = st->st_dev;
        u->seen[u->nseen].ino = st->st_ino;
        u->nseen++;
    }
    return 0;
}

static int add_unlinked(long pid, void *arg)
{
    struct unlinked_sum *u = arg;
    char path[64];
    struct dirent *e;
    struct stat st;
    DIR *d;
    int dfd;

    snprintf(path, sizeof path, "/proc/%ld/fd", pid);
    d = opendir(path);
    if (d == NULL)
        return 0;
    dfd = dirfd(d);
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        /* fstatat follows the magic link to the open file itself. */
        if (fstatat(dfd, e->d_name, &st, 0) != 0 || !S_ISREG(st.st_mode) || st.st_nlink != 0)
            continue;
        if (!seen_before(u, &st))
            u->bytes += (int64_t)st.st_blocks * 512;
    }
    closedir(d);
    return 0;
}

/* The disk sample and the memory sample of one tick both want this sum,
 * and a walk of every run process's descriptors is the costliest part of a
 * sample: a sum younger than this is reused by the samples (20 ms apart, so
 * no later sample sees an old figure).  A span's end always walks afresh: a
 * file filled since the last sample must show in the span's own figures. */
#define UNLINKED_REUSE_NS 1000000

static int64_t unlinked_bytes(int fresh)
{
    static struct {
        pid_t subject;
        int64_t at_ns;
        int64_t bytes;
    } last;
    struct unlinked_sum u; /* 4 KiB: on the stack, no allocation to fail under a hoard */
    pid_t subject = measure_subject();
    int64_t now;

    if (!ns_scope || subject <= 0)
        return 0;
    now = measure_clock_ns(CLOCK_MONOTONIC);
    if (!fresh && last.subject == subject && now - last.at_ns < UNLINKED_REUSE_NS)
        return last.bytes;
    u.bytes = 0;
    u.nseen = 0;
    measure_each_run_pid(add_unlinked, &u);
    last.subject = subject;
    last.at_ns = now;
    last.bytes = u.bytes;
    return u.bytes;
}

int64_t measure_run_unlinked_bytes(void)
{
    return unlinked_bytes(0);
}

/* Memory the run holds that no process's resident set shows, where it is
 * counted (else 0): the files of /dev/shm (a tmpfs of the run's own, so its
 * used blocks are the run's), the run's socket buffers (measure_sock.h) and
 * its open files that no folder holds (measure_run_unlinked_bytes). */
static int64_t unseen_bytes(int fresh)
{
    struct statvfs v;
    int64_t total = measure_sock_bytes();

    if (total < 0)
        total = 0;
    total += unlinked_bytes(fresh);
    if (shm_counted && statvfs("/dev/shm", &v) == 0 && v.f_blocks >= v.f_bfree)
        total += (int64_t)(v.f_blocks - v.f_bfree) * (int64_t)v.f_frsize;
    return total;
}

static int64_t ticks_of(const char *stat, int self)
{
    const char *p = strrchr(stat, ')');
    unsigned long long v[4] = {0, 0, 0, 0};
    int field;

    if (p == NULL)
        return 0;
    p += 2; /* field 3 follows ") " */
    for (field = 3; field < 14 && p != NULL; field++) {
        p = strchr(p, ' ');
        if (p != NULL)
            p++;
    }
    if (p == NULL || sscanf(p, "%llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3]) != 4)
        return 0;
    return self ? (int64_t)(v[2] + v[3]) : (int64_t)(v[0] + v[1] + v[2] + v[3]);
}

/* The PID last handed out in our PID namespace (the fifth field of
 * /proc/loadavg, which the kernel reads from the reader's namespace); -1 if
 * unknown. */
static long ns_last_pid(void)
{
    char buf[128];
    const char *p;

    if (fileio_read_small("/proc/loadavg", buf, sizeof buf) < 0)
        return -1;
    p = strrchr(buf, ' ');
    return p != NULL ? strtol(p + 1, NULL, 10) : -1;
}

struct run_pid_walk {
    long me;
    int (*fn)(long pid, void *arg);
    void *arg;
};

/* PID 1 is the sandbox host (its reaped children are earlier runs); an
 * observer is not the run it observes. */
static int visit_run_pid(long pid, void *arg)
{
    const struct run_pid_walk *w = arg;

    if (pid == 1 || (measure_subject() > 0 && pid == w->me))
        return 0;
    return w->fn(pid, w->arg);
}

void measure_each_run_pid(int (*fn)(long pid, void *arg), void *arg)
{
    long me = (long)getpid(), self = measure_subject() > 0 ? (long)measure_subject() : me;
    struct run_pid_walk w = {me, fn, arg};

    /* Without a namespace of the run's own, /proc shows the whole machine:
     * the run is the process we know.  No PID handed out since it: the run
     * has made no process, and one small read spares the scan. */
    if (!ns_scope || ns_last_pid() == self || fileio_each_pid(visit_run_pid, &w) < 0)
        (void)fn(self, arg);
}

struct ticks_sum {
    long self;
    int64_t ticks;
};

static int add_ticks(long pid, void *arg)
{
    struct ticks_sum *t = arg;
    char path[64], buf[1024];

    snprintf(path, sizeof path, "/proc/%ld/stat", pid);
    /* The subject's own time comes from its CPU clock: only what it reaped. */
    if (fileio_read_small(path, buf, sizeof buf) > 0)
        t->ticks += ticks_of(buf, pid == t->self);
    return 0;
}

int64_t measure_namespace_children_cpu_ns(void)
{
    static long tick;
    struct ticks_sum t = {measure_subject() > 0 ? (long)measure_subject() : (long)getpid(), 0};

    if (!ns_scope || ns_last_pid() == t.self)
        return 0; /* no process made: nothing reaped, nothing else alive */
    if (tick <= 0)
        tick = sysconf(_SC_CLK_TCK);
    if (tick <= 0)
        return 0;
    measure_each_run_pid(add_ticks, &t);
    return t.ticks * (1000000000LL / tick);
}

static int64_t status_bytes(const char *key)
{
    char path[64];

    if (measure_subject() <= 0)
        return fileio_proc_status_bytes(key);
    snprintf(path, sizeof path, "/proc/%ld/status", (long)measure_subject());
    return fileio_status_bytes(path, key);
}

/* "Pss:" of /proc/<pid>/smaps_rollup in bytes, or -1. */
static int64_t pss_of(long pid)
{
    char path[64], buf[2048];
    const char *p;

    snprintf(path, sizeof path, "/proc/%ld/smaps_rollup", pid);
    if (fileio_read_small(path, buf, sizeof buf) < 0)
        return -1;
    p = strstr(buf, "\nPss:");
    return p != NULL ? strtoll(p + 5, NULL, 10) * 1024 : -1;
}

/* "VmPTE:" of /proc/<pid>/status in bytes, or 0: the process's page tables,
 * kernel memory no resident set shows.  A mapping touched once every 2 MiB
 * costs a page of them per touch and nothing resident (red team 10's
 * pte_hoard: 525 MB of page tables from one process of 15 MiB PSS). */
static int64_t page_tables_of(long pid)
{
    char path[64];
    int64_t v;

    snprintf(path, sizeof path, "/proc/%ld/status", pid);
    v = fileio_status_bytes(path, "VmPTE:");
    return v > 0 ? v : 0;
}

static int add_pss(long pid, void *arg)
{
    int64_t v = pss_of(pid);

    if (v > 0)
        v += page_tables_of(pid);
    if (v > 0)
        *(int64_t *)arg += v;
    return 0;
}

/* The highest run PSS read since the innermost span began: the runner
 * weighs the run every 20 ms while a request runs, so a process born and
 * gone within a span still shows in its figures. */
static int64_t pss_seen = -1;
/* The first sample taken in the innermost span: its base.  Taken lazily (a
 * PSS read walks the worker's page tables): a span too short to be sampled
 * has no base and no sampled figure, and growth within the first 20 ms shows
 * in the span's other memory figures. */
static int64_t pss_base = -1;
int64_t measure_run_pss_bytes(void)
{
    int64_t total = 0;

    if (measure_subject() <= 0)
        return -1;
    measure_each_run_pid(add_pss, &total);
    if (total <= 0)
        return -1;
    total += unseen_bytes(0);
    if (pss_base < 0)
        pss_base = total;
    if (total > pss_seen)
        pss_seen = total;
    return total;
}

/* Spans open that weigh the run (MEASURE_WEIGH). */
static int weighing;

/* Resident bytes of `pid` with its page tables (page_tables_of()), from one
 * read of /proc/<pid>/status (VmRSS is statm's resident figure), or -1. */
static int64_t resident_of(long pid)
{
    static const char *const keys[] = {"VmRSS:", "VmPTE:"};
    long long v[2];
    char path[64];

    snprintf(path, sizeof path, "/proc/%ld/status", pid);
    if (fileio_status_fields(path, keys, v, 2) != 0 || v[0] <= 0)
        return -1;
    return v[0] + (v[1] > 0 ? v[1] : 0);
}

static int add_resident(long pid, void *arg)
{
    int64_t v = resident_of(pid);

    if (v > 0)
        *(int64_t *)arg += v;
    return 0;
}

int64_t measure_run_memory_bound(void)
{
    int64_t total = 0;

    if (measure_subject() <= 0)
        return -1;
    if (weighing > 0)
        return measure_run_pss_bytes();
    measure_each_run_pid(add_resident, &total);
    return total > 0 ? total + unseen_bytes(0) : -1;
}

/* The field `key` ("rchar: ") of /proc/<pid>/io, or -1. */
static int64_t io_field(long pid, const char *key)
{
    char path[64], buf[512];
    const char *p;

    snprintf(path, sizeof path, "/proc/%ld/io", pid);
    if (fileio_read_small(path, buf, sizeof buf) < 0)
        return -1;
    p = strstr(buf, key);
    return p != NULL ? strtoll(p + strlen(key), NULL, 10) : -1;
}

/* Nanoseconds the subject's main thread has run (the first field of its
 * task's schedstat), or -1. */
static int64_t main_thread_ns(void)
{
    char path[96], buf[128];

    snprintf(path, sizeof path, "/proc/%ld/task/%ld/schedstat", (long)measure_subject(),
             (long)measure_subject());
    if (fileio_read_small(path, buf, sizeof buf) <= 0)
        return -1;
    return strtoll(buf, NULL, 10);
}

/* What the observed run's live processes have read (rchar) and faulted in
 * so far, taken in one walk of the run: a span's edges read both. */
struct run_io {
    int64_t rchar, faults;
};

/* One process's share: its rchar, and its minor plus major page faults with
 * those of the children it reaped (fields 10 to 13 of its stat: a child born
 * and gone within the span still shows in its parent's). */
static int add_io(long pid, void *arg)
{
    struct run_io *io = arg;
    char path[64], buf[1024];
    unsigned long long f[4] = {0, 0, 0, 0};
    int64_t rchar = io_field(pid, "rchar: ");
    const char *p;

    if (rchar > 0)
        io->rchar += rchar;
    snprintf(path, sizeof path, "/proc/%ld/stat", pid);
    if (fileio_read_small(path, buf, sizeof buf) <= 0)
        return 0;
    p = strrchr(buf, ')');
    /* After ") ": state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt */
    if (p != NULL && sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %llu %llu %llu %llu", &f[0], &f[1],
                            &f[2], &f[3]) == 4)
        io->faults += (int64_t)(f[0] + f[1] + f[2] + f[3]);
    return 0;
}

static struct run_io run_io(void)
{
    struct run_io io = {0, 0};

    measure_each_run_pid(add_io, &io);
    return io;
}

int measure_pid_running(long pid)
{
    char path[64], buf[256];
    const char *p;

    snprintf(path, sizeof path, "/proc/%ld/stat", pid);
    if (fileio_read_small(path, buf, sizeof buf) <= 0)
        return 0;
    p = strrchr(buf, ')');
    return p != NULL && p[1] == ' ' && p[2] != '\0' && p[2] != 'Z' && p[2] != 'X';
}

/* Reset the VmHWM of the process whose clear_refs is `path`; 1 on success. */
static int clear_refs_at(const char *path)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC), ok;

    if (fd < 0)
        return 0;
    ok = write(fd, "5", 1) == 1;
    close(fd);
    return ok;
}

/* "VmRSS:" or "VmHWM:" of another process, in bytes, or -1. */
static int64_t status_of(long pid, const char *key)
{
    char path[64];

    snprintf(path, sizeof path, "/proc/%ld/status", pid);
    return fileio_status_bytes(path, key);
}

/* At a span's start: the run's other processes, their RSS, their VmHWM reset. */
static int note_other(long pid, void *arg)
{
    struct measure_span *s = arg;
    char path[64];

    if (pid == (long)measure_subject() || s->nothers >= MEASURE_OTHERS_MAX)
        return 0;
    s->others[s->nothers].pid = pid;
    s->others[s->nothers].rss0 = status_of(pid, "VmRSS:");
    s->nothers++;
    snprintf(path, sizeof path, "/proc/%ld/clear_refs", pid);
    (void)clear_refs_at(path);
    return 0;
}

struct others_sum {
    const struct measure_span *s;
    int64_t peak, growth;
};

/* At a span's end: what each other process of the run held at its peak. */
static int sum_other(long pid, void *arg)
{
    struct others_sum *o = arg;
    int64_t hwm, pss;

    if (pid == (long)measure_subject())
        return 0;
    for (int i = 0; i < o->s->nothers; i++) {
        if (o->s->others[i].pid != pid)
            continue;
        hwm = status_of(pid, "VmHWM:");
        if (hwm > 0) {
            o->peak += hwm;
            if (o->s->others[i].rss0 >= 0 && hwm > o->s->others[i].rss0)
                o->growth += hwm - o->s->others[i].rss0;
        }
        return 0;
    }
    /* Born during the span: its pages shared with its parent count once. */
    pss = pss_of(pid);
    if (pss > 0) {
        o->peak += pss;
        o->growth += pss;
    }
    return 0;
}

int64_t measure_rss_bytes(void)
{
    return status_bytes("VmRSS:");
}

int64_t measure_hwm_bytes(void)
{
    return status_bytes("VmHWM:");
}

/* The highest VmHWM read just before a reset, since the innermost open span
 * began: a reset wipes the kernel's figure, so spans (and the process's own
 * rusage at exit) would otherwise lose the peaks of the spans nested in them. */
static int64_t hwm_seen;

/* Reset VmHWM to the current RSS (/proc/self/clear_refs "5").  1 on success. */
static int measure_reset_hwm(void)
{
    int64_t before = measure_hwm_bytes();

    if (before > hwm_seen)
        hwm_seen = before;
    char path[64];

    if (measure_subject() <= 0)
        return fileio_proc_clear_refs("5");
    snprintf(path, sizeof path, "/proc/%ld/clear_refs", (long)measure_subject());
    return clear_refs_at(path);
}

int measure_cpus(void)
{
    cpu_set_t set;
    long n;

    if (sched_getaffinity(0, sizeof set, &set) == 0)
        return CPU_COUNT(&set);
    n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

/*
 * Busy CPU time of the machine on the CPUs this process may run on, from
 * /proc/stat (user, nice, system, irq, softirq, steal of each "cpuN" line in
 * the affinity set), in ns; -1 when unreadable.  Resolution is the clock tick.
 * The descriptor is opened once and re-read from offset 0.
 */
static int stat_fd = -1;

int64_t measure_machine_busy_ns(void)
{
    static long tick;
    static char buf[16384];
    cpu_set_t set;
    ssize_t got;
    const char *p;
    unsigned long long busy = 0;
    int have_set;

    if (stat_fd < 0)
        stat_fd = open("/proc/stat", O_RDONLY | O_CLOEXEC);
    if (stat_fd < 0)
        return -1;
    if (tick <= 0)
        tick = sysconf(_SC_CLK_TCK);
    got = pread(stat_fd, buf, sizeof buf - 1, 0);
    if (got < 4 || tick <= 0 || strncmp(buf, "cpu ", 4) != 0) {
        /* Not /proc/stat any more (a sandbox closed it and the number was
         * reused): forget it, and open it again next time. */
        stat_fd = -1;
        return -1;
    }
    buf[got] = '\0';
    have_set = sched_getaffinity(0, sizeof set, &set) == 0;
    for (p = buf; p != NULL && *p != '\0'; p = strchr(p, '\n'), p = p != NULL ? p + 1 : NULL) {
        unsigned long long v[8] = {0, 0, 0, 0, 0, 0, 0, 0};
        char *end;
        long cpu;
        if (strncmp(p, "cpu", 3) != 0 || p[3] < '0' || p[3] > '9')
            continue;
        cpu = strtol(p + 3, &end, 10);
        if (have_set && (cpu < 0 || cpu >= CPU_SETSIZE || !CPU_ISSET((int)cpu, &set)))
            continue;
        if (sscanf(end, " %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3],
                   &v[4], &v[5], &v[6], &v[7]) < 4)
            continue;
        /* user nice system idle iowait irq softirq steal: all but idle and iowait */
        busy += v[0] + v[1] + v[2] + v[5] + v[6] + v[7];
    }
    return (int64_t)busy * (1000000000LL / tick);
}

void measure_proc_span_begin(struct measure_span *s, unsigned flags)
{
    s->rss_reset = measure_reset_hwm();
    s->saved_hwm = hwm_seen;
    hwm_seen = 0;
    s->rss0 = measure_rss_bytes();
    s->unseen0 = unseen_bytes(0);
    s->nothers = 0;
    s->pss0 = pss_base; /* the outer span's, put back at the end */
    s->saved_pss_seen = pss_seen;
    s->t0_rchar = -1;
    s->t0_faults = -1;
    s->t0_main = -1;
    s->weigh = 0;
    if (measure_subject() > 0) {
        struct run_io io;

        measure_each_run_pid(note_other, s);
        io = run_io();
        s->t0_rchar = io.rchar;
        s->t0_faults = io.faults;
        s->t0_main = main_thread_ns();
        pss_seen = -1;
        pss_base = -1;
        /* A span whose figures are graded weighs the run at its start, and
         * the runner's samples weigh it exactly until it ends. */
        if (flags & MEASURE_WEIGH) {
            (void)measure_run_pss_bytes();
            s->weigh = 1;
            weighing++;
        }
    }
}

int64_t measure_proc_hwm_end(const struct measure_span *s, int64_t hwm)
{
    if (hwm_seen > hwm)
        hwm = hwm_seen; /* a nested span reset the kernel's figure */
    hwm_seen = s->saved_hwm > hwm ? s->saved_hwm : hwm;
    return hwm;
}

void measure_proc_span_end(const struct measure_span *s, struct measure_figures *out)
{
    if (measure_subject() > 0) {
        struct others_sum o = {s, 0, 0};
        struct run_io io = run_io();
        int64_t unseen;

        /* The run's memory is every process's: a child that holds what the
         * worker hands it is the run holding it. */
        measure_each_run_pid(sum_other, &o);
        /* Files left in /dev/shm and data left in socket buffers are
         * memory no process shows. */
        unseen = unseen_bytes(1);
        o.peak += unseen;
        if (unseen > s->unseen0)
            o.growth += unseen - s->unseen0;
        if (out->rss_peak_bytes >= 0)
            out->rss_peak_bytes += o.peak;
        out->rss_growth_bytes += o.growth;

        out->io_read_bytes = io.rchar > s->t0_rchar ? io.rchar - s->t0_rchar : 0;
        out->page_faults = io.faults > s->t0_faults ? io.faults - s->t0_faults : 0;
        if (s->t0_main >= 0) {
            int64_t m = main_thread_ns();
            out->main_thread_cpu_ns = m >= s->t0_main ? m - s->t0_main : -1;
        }
        /* What the runner's samples saw during the span, beyond its start. */
        if (pss_base > 0 && pss_seen > pss_base && pss_seen - pss_base > out->rss_growth_bytes)
            out->rss_growth_bytes = pss_seen - pss_base;
        if (s->saved_pss_seen > pss_seen)
            pss_seen = s->saved_pss_seen;
        pss_base = s->pss0;
        if (s->weigh) {
            assert(weighing > 0);
            weighing--;
        }
    }
}
