/*
 * measure.c - see measure.h.
 *
 * The counting allocator.  A free must know how many bytes it gives back,
 * without a hash table (tracemalloc's table is what makes it cost ~3x).
 *
 * Pool mode (CPython 3.10-3.12, layout verified at start-up): requests of 1
 * to 512 bytes go to pymalloc untouched, and a free reads the block's size
 * class from the header of the 16 KiB pool the block lives in.  Everything
 * else (larger requests, and blocks pymalloc had to take from malloc when it
 * ran out of arenas) carries a 16-byte header {size, tag}, where the tag is
 * a secret xor the block's address: a pool block's preceding 16 bytes match
 * it with probability 2^-64, and a submission cannot read the secret.  No
 * header on small objects keeps pymalloc's size classes, and so its memory
 * use and speed, as they are without measurement.
 *
 * Header mode (anything else): every block carries the header.
 *
 * Either way the hooks must be installed before the interpreter allocates
 * anything: a block allocated before them would be misread when freed.
 *
 * MEM and OBJ are only called with the GIL held, so their counters are plain
 * variables.  RAW may be called from any thread without the GIL, so its
 * counter is atomic.  pymalloc calls PyMem_RawMalloc itself (large blocks in
 * header mode, fallbacks in pool mode): a thread-local depth flag marks such
 * nested RAW blocks so that they are counted once, by the GIL hooks.
 */
#include "measure.h"

#include <Python.h>

#include "fileio.h"
#include "measure_sock.h"

#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#define HDR 16 /* keeps the 16-byte alignment pymalloc and malloc promise */

/* pymalloc's layout in CPython 3.10-3.12 on 64-bit (Objects/obmalloc.c):
 * requests up to 512 bytes are served from 16 KiB pools whose header keeps
 * the size-class index at offset 36; blocks start 48 bytes into a pool. */
#define SMALL_MAX 512
#define POOL_SIZE ((uintptr_t)16384)
#define POOL_SZIDX_OFFSET 36
#define POOL_FIRST_BLOCK 48

#define NESTED_BIT ((size_t)1 << 63) /* RAW block counted by the GIL hooks above it */
#define BIG_BIT ((size_t)1 << 62)    /* GIL block taken straight from malloc */
#define SIZE_MASK (~(NESTED_BIT | BIG_BIT))

struct hook {
    PyMemAllocatorEx orig;
};

struct blk {
    size_t n;     /* bytes counted for the block, with the flag bits */
    uint64_t tag; /* tag_key ^ the address handed out */
};

static struct hook hook_raw, hook_mem, hook_obj;
static int hooks_active;
static int pool_mode;
static uint64_t tag_key;

/* Live bytes through MEM and OBJ (GIL held) and through RAW (any thread). */
static int64_t gil_cur;
static int64_t gil_allocs;
static _Atomic int64_t raw_cur;
static _Atomic int64_t raw_allocs;
static _Atomic int64_t peak; /* relaxed: a racy max from RAW is acceptable */
static int64_t clock_ns(clockid_t id);
static __thread int in_gil_hook;

static inline void note_peak(int64_t total)
{
    if (total > atomic_load_explicit(&peak, memory_order_relaxed))
        atomic_store_explicit(&peak, total, memory_order_relaxed);
}

static inline void gil_add(int64_t n)
{
    gil_cur += n;
    note_peak(gil_cur + atomic_load_explicit(&raw_cur, memory_order_relaxed));
}

static inline void raw_add(int64_t n)
{
    int64_t now = atomic_fetch_add_explicit(&raw_cur, n, memory_order_relaxed) + n;
    note_peak(now + gil_cur);
}

static inline uint64_t tag_of(const void *p)
{
    return tag_key ^ (uint64_t)(uintptr_t)p;
}

static inline struct blk *blk_of(void *p)
{
    return (struct blk *)((char *)p - HDR);
}

/* Write the header at `base`; return the address to hand out. */
static inline void *blk_init(void *base, size_t n)
{
    struct blk *b = base;
    void *p = (char *)base + HDR;

    b->n = n;
    b->tag = tag_of(p);
    return p;
}

static inline size_t small_class(size_t n)
{
    return (n + 15) & ~(size_t)15;
}

static inline int is_small(size_t n)
{
    return n - 1 < SMALL_MAX; /* 1..512; 0 wraps around and is not */
}

/* ---- header mode: MEM and OBJ (GIL held) ---- */

static void *hdr_malloc(void *ctx, size_t n)
{
    struct hook *h = ctx;
    void *base;

    if (n > PY_SSIZE_T_MAX - HDR)
        return NULL;
    in_gil_hook++;
    base = h->orig.malloc(h->orig.ctx, n + HDR);
    in_gil_hook--;
    if (base == NULL)
        return NULL;
    gil_allocs++;
    gil_add((int64_t)n);
    return blk_init(base, n);
}

static void *hdr_calloc(void *ctx, size_t nelem, size_t elsize)
{
    struct hook *h = ctx;
    void *base;
    size_t n;

    if (elsize != 0 && nelem > (PY_SSIZE_T_MAX - HDR) / elsize)
        return NULL;
    n = nelem * elsize;
    in_gil_hook++;
    base = h->orig.calloc(h->orig.ctx, 1, n + HDR);
    in_gil_hook--;
    if (base == NULL)
        return NULL;
    gil_allocs++;
    gil_add((int64_t)n);
    return blk_init(base, n);
}

static void *hdr_realloc(void *ctx, void *p, size_t n)
{
    struct hook *h = ctx;
    void *base;
    size_t old;

    if (p == NULL)
        return hdr_malloc(ctx, n);
    if (n > PY_SSIZE_T_MAX - HDR)
        return NULL;
    old = blk_of(p)->n;
    in_gil_hook++;
    base = h->orig.realloc(h->orig.ctx, blk_of(p), n + HDR);
    in_gil_hook--;
    if (base == NULL)
        return NULL;
    gil_add((int64_t)n - (int64_t)old);
    return blk_init(base, n);
}

static void hdr_free(void *ctx, void *p)
{
    struct hook *h = ctx;

    if (p == NULL)
        return;
    gil_cur -= (int64_t)blk_of(p)->n;
    h->orig.free(h->orig.ctx, blk_of(p));
}

/* ---- pool mode: MEM and OBJ (GIL held) ---- */

/* Bytes counted for a block the pool-mode hooks handed out. */
static inline size_t pool_size_of(void *p, int *tagged)
{
    struct blk *b = blk_of(p);

    if (b->tag == tag_of(p)) {
        *tagged = 1;
        return b->n & SIZE_MASK;
    }
    *tagged = 0;
    return ((size_t) * (const unsigned *)(((uintptr_t)p & ~(POOL_SIZE - 1)) + POOL_SZIDX_OFFSET) +
            1)
           << 4;
}

/* A block over 512 bytes (or of 0): straight from malloc, with a header. */
static void *big_alloc(size_t n, int zero)
{
    void *base;

    if (n > PY_SSIZE_T_MAX - HDR)
        return NULL;
    base = zero ? hook_raw.orig.calloc(hook_raw.orig.ctx, 1, n + HDR)
                : hook_raw.orig.malloc(hook_raw.orig.ctx, n + HDR);
    if (base == NULL)
        return NULL;
    gil_allocs++;
    gil_add((int64_t)n);
    return blk_init(base, n | BIG_BIT);
}

static void *pool_malloc(void *ctx, size_t n)
{
    struct hook *h = ctx;
    void *p;

    if (!is_small(n))
        return big_alloc(n, 0);
    in_gil_hook++;
    p = h->orig.malloc(h->orig.ctx, n);
    in_gil_hook--;
    if (p == NULL)
        return NULL;
    gil_allocs++;
    gil_add((int64_t)small_class(n));
    return p;
}

static void *pool_calloc(void *ctx, size_t nelem, size_t elsize)
{
    struct hook *h = ctx;
    void *p;
    size_t n;

    if (elsize != 0 && nelem > (PY_SSIZE_T_MAX - HDR) / elsize)
        return NULL;
    n = nelem * elsize;
    if (!is_small(n))
        return big_alloc(n, 1);
    in_gil_hook++;
    p = h->orig.calloc(h->orig.ctx, nelem, elsize);
    in_gil_hook--;
    if (p == NULL)
        return NULL;
    gil_allocs++;
    gil_add((int64_t)small_class(n));
    return p;
}

static void pool_free(void *ctx, void *p)
{
    struct hook *h = ctx;
    int tagged;
    size_t n;

    if (p == NULL)
        return;
    n = pool_size_of(p, &tagged);
    gil_cur -= (int64_t)n;
    if (tagged && (blk_of(p)->n & BIG_BIT)) {
        hook_raw.orig.free(hook_raw.orig.ctx, blk_of(p));
        return;
    }
    /* A pool block, or one pymalloc took from PyMem_RawMalloc: its own free
     * knows which; the RAW hook sees NESTED_BIT and does not count it again. */
    h->orig.free(h->orig.ctx, p);
}

static void *pool_realloc(void *ctx, void *p, size_t n)
{
    struct hook *h = ctx;
    int tagged, qtagged;
    size_t old;
    void *q, *base;

    if (p == NULL)
        return pool_malloc(ctx, n);
    old = pool_size_of(p, &tagged);
    if (!tagged && is_small(n)) {
        /* Small to small: pymalloc may keep the block or move it. */
        in_gil_hook++;
        q = h->orig.realloc(h->orig.ctx, p, n);
        in_gil_hook--;
        if (q == NULL)
            return NULL;
        gil_add((int64_t)pool_size_of(q, &qtagged) - (int64_t)old);
        return q;
    }
    if (tagged && (blk_of(p)->n & BIG_BIT) && !is_small(n)) {
        if (n > PY_SSIZE_T_MAX - HDR)
            return NULL;
        base = hook_raw.orig.realloc(hook_raw.orig.ctx, blk_of(p), n + HDR);
        if (base == NULL)
            return NULL;
        gil_add((int64_t)n - (int64_t)old);
        return blk_init(base, n | BIG_BIT);
    }
    /* Across the small/large line: move by hand. */
    q = pool_malloc(ctx, n);
    if (q == NULL)
        return NULL;
    memcpy(q, p, old < n ? old : n);
    pool_free(ctx, p);
    return q;
}

/* ---- RAW domain (any thread) ---- */

static void *raw_malloc(void *ctx, size_t n)
{
    struct hook *h = ctx;
    void *base;

    if (n > PY_SSIZE_T_MAX - HDR)
        return NULL;
    base = h->orig.malloc(h->orig.ctx, n + HDR);
    if (base == NULL)
        return NULL;
    /* A call from inside pymalloc: the GIL hook above counts it. */
    if (in_gil_hook)
        return blk_init(base, small_class(n) | NESTED_BIT);
    atomic_fetch_add_explicit(&raw_allocs, 1, memory_order_relaxed);
    raw_add((int64_t)n);
    return blk_init(base, n);
}

static void *raw_calloc(void *ctx, size_t nelem, size_t elsize)
{
    struct hook *h = ctx;
    void *base;
    size_t n;

    if (elsize != 0 && nelem > (PY_SSIZE_T_MAX - HDR) / elsize)
        return NULL;
    n = nelem * elsize;
    base = h->orig.calloc(h->orig.ctx, 1, n + HDR);
    if (base == NULL)
        return NULL;
    if (in_gil_hook)
        return blk_init(base, small_class(n) | NESTED_BIT);
    atomic_fetch_add_explicit(&raw_allocs, 1, memory_order_relaxed);
    raw_add((int64_t)n);
    return blk_init(base, n);
}

static void *raw_realloc(void *ctx, void *p, size_t n)
{
    struct hook *h = ctx;
    void *base;
    size_t old;

    if (p == NULL)
        return raw_malloc(ctx, n);
    if (n > PY_SSIZE_T_MAX - HDR)
        return NULL;
    old = blk_of(p)->n;
    base = h->orig.realloc(h->orig.ctx, blk_of(p), n + HDR);
    if (base == NULL)
        return NULL;
    if (old & NESTED_BIT)
        return blk_init(base, small_class(n) | NESTED_BIT);
    raw_add((int64_t)n - (int64_t)old);
    return blk_init(base, n);
}

static void raw_free(void *ctx, void *p)
{
    struct hook *h = ctx;
    size_t n;

    if (p == NULL)
        return;
    n = blk_of(p)->n;
    if (!(n & NESTED_BIT))
        raw_add(-(int64_t)n);
    h->orig.free(h->orig.ctx, blk_of(p));
}

/*
 * 1 when pymalloc's layout is the one pool mode relies on: blocks of every
 * size class are 16-byte aligned, past the pool header, and the pool header
 * names their class.  Runs before Py_Initialize (pymalloc's state is static).
 */
static int pool_layout_ok(const PyMemAllocatorEx *obj)
{
#if PY_VERSION_HEX >= 0x030A0000 && PY_VERSION_HEX < 0x030D0000 && UINTPTR_MAX == UINT64_MAX
    static const size_t sizes[] = {1, 16, 17, 100, 256, 257, 500, 511, 512};
    void *ps[sizeof sizes / sizeof sizes[0]];
    size_t i, n = sizeof sizes / sizeof sizes[0];
    int ok = 1;

    for (i = 0; i < n; i++) {
        uintptr_t a;
        unsigned szidx;
        ps[i] = obj->malloc(obj->ctx, sizes[i]);
        if (ps[i] == NULL) {
            ok = 0;
            continue;
        }
        a = (uintptr_t)ps[i];
        if ((a & 15) != 0 || (a & (POOL_SIZE - 1)) < POOL_FIRST_BLOCK) {
            ok = 0;
            continue;
        }
        szidx = *(const unsigned *)((a & ~(POOL_SIZE - 1)) + POOL_SZIDX_OFFSET);
        if ((((size_t)szidx + 1) << 4) != small_class(sizes[i]))
            ok = 0;
    }
    for (i = 0; i < n; i++)
        if (ps[i] != NULL)
            obj->free(obj->ctx, ps[i]);
    return ok;
#else
    (void)obj;
    return 0;
#endif
}

static void wrap(PyMemAllocatorDomain domain, struct hook *h)
{
    PyMemAllocatorEx a;

    PyMem_GetAllocator(domain, &h->orig);
    a.ctx = h;
    if (domain == PYMEM_DOMAIN_RAW) {
        a.malloc = raw_malloc;
        a.calloc = raw_calloc;
        a.realloc = raw_realloc;
        a.free = raw_free;
    } else if (pool_mode) {
        a.malloc = pool_malloc;
        a.calloc = pool_calloc;
        a.realloc = pool_realloc;
        a.free = pool_free;
    } else {
        a.malloc = hdr_malloc;
        a.calloc = hdr_calloc;
        a.realloc = hdr_realloc;
        a.free = hdr_free;
    }
    PyMem_SetAllocator(domain, &a);
}

void measure_install_hooks(void)
{
    PyMemAllocatorEx obj, mem;

    if (hooks_active)
        return;
    if (getrandom(&tag_key, sizeof tag_key, 0) != (ssize_t)sizeof tag_key)
        tag_key =
            (uint64_t)(uintptr_t)&tag_key ^ (uint64_t)measure_now_ns() * 0x9E3779B97F4A7C15ull;
    /* RAW first: the self-test below makes pymalloc allocate its arena table
     * through PyMem_RawRealloc, and that block must carry our header. */
    wrap(PYMEM_DOMAIN_RAW, &hook_raw);
    PyMem_GetAllocator(PYMEM_DOMAIN_OBJ, &obj);
    PyMem_GetAllocator(PYMEM_DOMAIN_MEM, &mem);
    /* Pool mode needs both GIL domains to be pymalloc itself.  The variable
     * forces header mode, so the test suite covers both. */
    pool_mode = obj.malloc == mem.malloc && obj.free == mem.free && pool_layout_ok(&obj) &&
                getenv("PYHARNESS_ALLOC_HEADERS") == NULL;
    wrap(PYMEM_DOMAIN_MEM, &hook_mem);
    wrap(PYMEM_DOMAIN_OBJ, &hook_obj);
    hooks_active = 1;
}

const char *measure_hooks_mode(void)
{
    return !hooks_active ? "off" : pool_mode ? "pool" : "header";
}

int measure_hooks_active(void)
{
    return hooks_active;
}

int64_t measure_py_current(void)
{
    return gil_cur + atomic_load_explicit(&raw_cur, memory_order_relaxed);
}

/* Allocations made through the counting hooks since they were installed. */
static int64_t measure_py_allocs(void)
{
    return gil_allocs + atomic_load_explicit(&raw_allocs, memory_order_relaxed);
}

static int64_t measure_py_peak(void)
{
    return atomic_load_explicit(&peak, memory_order_relaxed);
}

void measure_py_begin(struct measure_py_span *s)
{
    int64_t cur = measure_py_current();

    s->saved_peak = measure_py_peak();
    atomic_store_explicit(&peak, cur, memory_order_relaxed);
    s->cur0 = cur;
    s->allocs0 = measure_py_allocs();
    s->cpu0 = clock_ns(CLOCK_PROCESS_CPUTIME_ID);
    s->wall0 = clock_ns(CLOCK_MONOTONIC);
}

void measure_py_end(const struct measure_py_span *s, struct measure_py_figures *out)
{
    int64_t span_peak = measure_py_peak();

    out->wall_ns = clock_ns(CLOCK_MONOTONIC) - s->wall0;
    out->cpu_ns = clock_ns(CLOCK_PROCESS_CPUTIME_ID) - s->cpu0;
    out->peak_bytes = span_peak > s->cur0 ? span_peak - s->cur0 : 0;
    out->current_bytes = measure_py_current() - s->cur0;
    out->allocs = measure_py_allocs() - s->allocs0;
    if (s->saved_peak > span_peak)
        atomic_store_explicit(&peak, s->saved_peak, memory_order_relaxed);
}

static int64_t clock_ns(clockid_t id)
{
    struct timespec ts;

    if (clock_gettime(id, &ts) != 0)
        return 0;
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int64_t measure_now_ns(void)
{
    return clock_ns(CLOCK_MONOTONIC);
}

/* The process a check runner observes (measure_observe), or 0: this process. */
static pid_t subject;
static clockid_t subject_clock;
static char subject_status[64], subject_clear_refs[64];

int measure_observe(pid_t pid)
{
    clockid_t id;

    if (pid <= 0) {
        subject = 0;
        return 0;
    }
    if (clock_getcpuclockid(pid, &id) != 0)
        return -1;
    subject = pid;
    subject_clock = id;
    snprintf(subject_status, sizeof subject_status, "/proc/%ld/status", (long)pid);
    snprintf(subject_clear_refs, sizeof subject_clear_refs, "/proc/%ld/clear_refs", (long)pid);
    return 0;
}

pid_t measure_subject(void)
{
    return subject;
}

int64_t measure_cpu_ns(void)
{
    return clock_ns(subject > 0 ? subject_clock : CLOCK_PROCESS_CPUTIME_ID);
}

int64_t measure_rusage_cpu_ns(int who)
{
    struct rusage ru;

    if (getrusage(who, &ru) != 0)
        return 0;
    return ((int64_t)ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000LL +
           ((int64_t)ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000LL;
}

static int64_t children_cpu_ns(void)
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

static int shm_counted;

void measure_count_shm(int on)
{
    shm_counted = on;
}

/* Memory the run holds that no process's resident set shows, where it is
 * counted (else 0): the files of /dev/shm (a tmpfs of the run's own, so its
 * used blocks are the run's) and the run's socket buffers (measure_sock.h). */
static int64_t unseen_bytes(void)
{
    struct statvfs v;
    int64_t total = measure_sock_bytes();

    if (total < 0)
        total = 0;
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

    if (pid == 1 || (subject > 0 && pid == w->me))
        return 0;
    return w->fn(pid, w->arg);
}

void measure_each_run_pid(int (*fn)(long pid, void *arg), void *arg)
{
    long me = (long)getpid(), self = subject > 0 ? (long)subject : me;
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

static int64_t namespace_children_cpu_ns(void)
{
    static long tick;
    struct ticks_sum t = {subject > 0 ? (long)subject : (long)getpid(), 0};

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
    return subject > 0 ? fileio_status_bytes(subject_status, key) : fileio_proc_status_bytes(key);
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

static int add_pss(long pid, void *arg)
{
    int64_t v = pss_of(pid);

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

    if (subject <= 0)
        return -1;
    measure_each_run_pid(add_pss, &total);
    if (total <= 0)
        return -1;
    total += unseen_bytes();
    if (pss_base < 0)
        pss_base = total;
    if (total > pss_seen)
        pss_seen = total;
    return total;
}

/* Spans open that weigh the run (MEASURE_WEIGH). */
static int weighing;

/* Resident bytes of `pid` (the second field of /proc/<pid>/statm), or -1. */
static int64_t resident_of(long pid)
{
    char path[64], buf[256];
    const char *p;
    char *end;
    long long pages;

    snprintf(path, sizeof path, "/proc/%ld/statm", pid);
    if (fileio_read_small(path, buf, sizeof buf) < 0 || (p = strchr(buf, ' ')) == NULL)
        return -1;
    pages = strtoll(p + 1, &end, 10);
    if (end == p + 1 || pages < 0)
        return -1;
    return pages * (int64_t)sysconf(_SC_PAGESIZE);
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

    if (subject <= 0)
        return -1;
    if (weighing > 0)
        return measure_run_pss_bytes();
    measure_each_run_pid(add_resident, &total);
    return total > 0 ? total + unseen_bytes() : -1;
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

    snprintf(path, sizeof path, "/proc/%ld/task/%ld/schedstat", (long)subject, (long)subject);
    if (fileio_read_small(path, buf, sizeof buf) <= 0)
        return -1;
    return strtoll(buf, NULL, 10);
}

/* ---- how the run's threads share the CPUs (load-free parallelism) ----
 *
 * Wall-time speed-ups depend on what else the machine runs.  The kernel's
 * schedstat does not: per thread, the time it ran and the time it waited in
 * a run queue.  Their sum is the time the thread wanted a CPU, whether it got
 * one or not, so processes that work at once show as such on a loaded
 * machine too, and one process working after another never does.  Threads
 * are sampled (a pool's processes end within the span, taking their figures
 * with them); a thread keeps what it was last seen with. */
#define SCHED_THREADS_MAX 256

struct sched_thread {
    long pid, tid;
    int64_t run0, wait0, run, wait;
};

static struct sched_thread sched_threads[SCHED_THREADS_MAX];
static int nsched_threads;
static int sched_on;

static struct sched_thread *sched_find(long pid, long tid)
{
    for (int i = 0; i < nsched_threads; i++)
        if (sched_threads[i].tid == tid && sched_threads[i].pid == pid)
            return &sched_threads[i];
    return NULL;
}

/* One thread's run and wait times; at the span's start they are its base, a
 * thread first seen later was born within the span and started from 0.  A
 * thread number reused within the span reads lower than before: what the
 * first one did stays, and the new one adds from its own 0. */
static void sched_note(long pid, long tid, int64_t run, int64_t wait, int at_start)
{
    struct sched_thread *t = sched_find(pid, tid);

    if (t != NULL && (run < t->run || wait < t->wait)) {
        /* A new thread under an old number: keep the old one's share. */
        t->run0 -= t->run;
        t->wait0 -= t->wait;
    }
    if (t == NULL) {
        if (nsched_threads == SCHED_THREADS_MAX)
            return;
        t = &sched_threads[nsched_threads++];
        t->pid = pid;
        t->tid = tid;
        t->run0 = at_start ? run : 0;
        t->wait0 = at_start ? wait : 0;
    }
    t->run = run;
    t->wait = wait;
}

static int sched_scan_pid(long pid, void *arg)
{
    int at_start = *(int *)arg;
    char path[96], buf[128];
    struct dirent *e;
    DIR *d;

    snprintf(path, sizeof path, "/proc/%ld/task", pid);
    d = opendir(path);
    if (d == NULL)
        return 0;
    for (e = readdir(d); e != NULL; e = readdir(d)) {
        long long run, wait;
        long tid;

        if (e->d_name[0] < '0' || e->d_name[0] > '9')
            continue;
        tid = strtol(e->d_name, NULL, 10);
        snprintf(path, sizeof path, "/proc/%ld/task/%ld/schedstat", pid, tid);
        if (fileio_read_small(path, buf, sizeof buf) <= 0 ||
            sscanf(buf, "%lld %lld", &run, &wait) != 2)
            continue;
        sched_note(pid, tid, run, wait, at_start);
    }
    closedir(d);
    return 0;
}

static void sched_scan(int at_start)
{
    measure_each_run_pid(sched_scan_pid, &at_start);
}

int measure_sched_sample(void)
{
    if (sched_on)
        sched_scan(0);
    return sched_on;
}

/* The span's totals: every thread's running and waiting time, and the CPU
 * time of the busiest process. */
static void sched_totals(int64_t *runnable, int64_t *busiest)
{
    int64_t sum = 0, top = 0;

    for (int i = 0; i < nsched_threads; i++) {
        const struct sched_thread *t = &sched_threads[i];
        int64_t cpu = 0;
        int seen = 0;

        sum += (t->run - t->run0) + (t->wait - t->wait0);
        /* A process's CPU is its threads' together: add them up at its
         * first thread in the table. */
        for (int j = 0; j < i && !seen; j++)
            seen = sched_threads[j].pid == t->pid;
        if (seen)
            continue;
        for (int j = i; j < nsched_threads; j++)
            if (sched_threads[j].pid == t->pid)
                cpu += sched_threads[j].run - sched_threads[j].run0;
        if (cpu > top)
            top = cpu;
    }
    *runnable = sum;
    *busiest = top;
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

    if (pid == (long)subject || s->nothers >= MEASURE_OTHERS_MAX)
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

    if (pid == (long)subject)
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

static int64_t measure_hwm_bytes(void)
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
    return subject > 0 ? clear_refs_at(subject_clear_refs) : fileio_proc_clear_refs("5");
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

static int64_t machine_busy_ns(void)
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

void measure_begin(struct measure_span *s, unsigned flags)
{
    int64_t cur = measure_py_current();

    s->saved_peak = measure_py_peak();
    /* The span's peak starts from what is live now. */
    atomic_store_explicit(&peak, cur, memory_order_relaxed);
    s->py_cur0 = cur;
    s->py_allocs0 = measure_py_allocs();
    s->rss_reset = measure_reset_hwm();
    s->saved_hwm = hwm_seen;
    hwm_seen = 0;
    s->rss0 = measure_rss_bytes();
    s->unseen0 = unseen_bytes();
    s->nothers = 0;
    s->pss0 = pss_base; /* the outer span's, put back at the end */
    s->saved_pss_seen = pss_seen;
    s->t0_rchar = -1;
    s->t0_faults = -1;
    s->t0_main = -1;
    s->weigh = 0;
    if (subject > 0) {
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
    s->sched = 0;
    if ((flags & MEASURE_SCHED) && subject > 0 && !sched_on) {
        s->sched = 1;
        sched_on = 1;
        nsched_threads = 0;
        sched_scan(1);
    }
    s->t0_children = children_cpu_ns();
    s->t0_ns_children = namespace_children_cpu_ns();
    s->t0_busy = machine_busy_ns();
    s->t0_cpu = measure_cpu_ns();
    s->t0_wall = measure_now_ns();
}

void measure_end(const struct measure_span *s, struct measure_figures *out)
{
    int64_t wall = measure_now_ns() - s->t0_wall;
    int64_t cpu = measure_cpu_ns() - s->t0_cpu;
    int64_t ch = children_cpu_ns() - s->t0_children;
    int64_t ns_ch = ns_scope ? namespace_children_cpu_ns() - s->t0_ns_children : 0;
    int64_t span_peak = measure_py_peak();
    int64_t hwm = measure_hwm_bytes();
    int64_t busy = s->t0_busy >= 0 ? machine_busy_ns() : -1;

    if (hwm_seen > hwm)
        hwm = hwm_seen; /* a nested span reset the kernel's figure */
    hwm_seen = s->saved_hwm > hwm ? s->saved_hwm : hwm;

    memset(out, 0, sizeof *out);
    out->wall_ns = wall;
    out->cpu_ns = cpu;
    out->children_cpu_ns = subject > 0 || ns_ch > ch ? ns_ch : ch;
    ch = out->children_cpu_ns;
    if (subject <= 0) {
        /* An observer's own allocations are not the run's: it takes the
         * subject's from the subject's report instead. */
        out->py_peak_bytes = span_peak - s->py_cur0;
        if (out->py_peak_bytes < 0)
            out->py_peak_bytes = 0;
        out->py_current_bytes = measure_py_current() - s->py_cur0;
        out->py_allocs = measure_py_allocs() - s->py_allocs0;
    }
    out->rss_peak_bytes = hwm;
    out->rss_growth_bytes = (hwm >= 0 && s->rss0 >= 0 && hwm > s->rss0) ? hwm - s->rss0 : 0;
    out->run_cpu_ns = cpu + ch;
    out->io_read_bytes = -1;
    out->page_faults = -1;
    out->main_thread_cpu_ns = -1;
    out->runnable_ns = -1;
    out->busiest_cpu_ns = -1;
    out->concurrency = out->split = out->efficiency = -1;
    if (s->sched) {
        sched_scan(0);
        sched_totals(&out->runnable_ns, &out->busiest_cpu_ns);
        sched_on = 0;
    }
    if (subject > 0) {
        struct others_sum o = {s, 0, 0};
        struct run_io io = run_io();
        int64_t unseen;

        /* The run's memory is every process's: a child that holds what the
         * worker hands it is the run holding it. */
        measure_each_run_pid(sum_other, &o);
        /* Files left in /dev/shm and data left in socket buffers are
         * memory no process shows. */
        unseen = unseen_bytes();
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
    out->rss_reset = s->rss_reset;
    out->outside = subject > 0;
    out->parallelism = wall > 0 ? (double)(cpu + ch) / (double)wall : 0.0;
    out->repeats = 1;
    out->wall_min_ns = out->wall_max_ns = wall;
    out->cpu_min_ns = out->cpu_max_ns = cpu;
    out->other_cpu_ns = -1;
    out->cores_free = -1;
    if (busy >= 0 && wall > 0) {
        int cpus = measure_cpus();
        int64_t other = busy - s->t0_busy - (cpu + ch);
        double free;
        if (other < 0)
            other = 0;
        free = (double)cpus - (double)other / (double)wall;
        out->other_cpu_ns = other;
        out->cores_free = free < 0 ? 0 : free > cpus ? cpus : free;
    }
    /* Restore the outer span's view: its peak is the larger of the two. */
    if (s->saved_peak > span_peak)
        atomic_store_explicit(&peak, s->saved_peak, memory_order_relaxed);
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

    return (x > y) - (x < y);
}

static int cmp_dbl(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

#define MEDIAN_MAX 128

/* Median of the int64 field at `offset` over `runs` (1 <= n <= MEDIAN_MAX); *lo and *hi
 * get the extremes. */
static int64_t median_i64(const struct measure_figures *runs, int n, size_t offset, int64_t *lo,
                          int64_t *hi)
{
    int64_t v[MEDIAN_MAX] = {0};
    int i;

    assert(n >= 1 && n <= MEDIAN_MAX);
    for (i = 0; i < n; i++)
        memcpy(&v[i], (const char *)&runs[i] + offset, sizeof v[i]);
    qsort(v, (size_t)n, sizeof v[0], cmp_i64);
    if (lo != NULL)
        *lo = v[0];
    if (hi != NULL)
        *hi = v[n - 1];
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

void measure_pick_median(const struct measure_figures *runs, int n, struct measure_figures *out)
{
    double cores[MEDIAN_MAX];
    int i, ncores = 0;

    if (n > MEDIAN_MAX)
        n = MEDIAN_MAX;
    *out = runs[0];
    if (n <= 1)
        return;
#define MED(field, lo, hi)                                                                         \
    out->field = median_i64(runs, n, offsetof(struct measure_figures, field), lo, hi)
    MED(wall_ns, &out->wall_min_ns, &out->wall_max_ns);
    MED(cpu_ns, &out->cpu_min_ns, &out->cpu_max_ns);
    MED(children_cpu_ns, NULL, NULL);
    MED(py_peak_bytes, NULL, NULL);
    MED(py_current_bytes, NULL, NULL);
    MED(py_allocs, NULL, NULL);
    MED(rss_peak_bytes, NULL, NULL);
    MED(rss_growth_bytes, NULL, NULL);
    MED(other_cpu_ns, NULL, NULL);
    MED(inside_wall_ns, NULL, NULL);
    MED(inside_cpu_ns, NULL, NULL);
    MED(run_cpu_ns, NULL, NULL);
    MED(io_read_bytes, NULL, NULL);
    MED(page_faults, NULL, NULL);
    MED(main_thread_cpu_ns, NULL, NULL);
    MED(runnable_ns, NULL, NULL);
    MED(busiest_cpu_ns, NULL, NULL);
#undef MED
    for (i = 0; i < n; i++)
        if (runs[i].cores_free >= 0)
            cores[ncores++] = runs[i].cores_free;
    if (ncores > 0) {
        qsort(cores, (size_t)ncores, sizeof cores[0], cmp_dbl);
        out->cores_free =
            ncores % 2 ? cores[ncores / 2] : (cores[ncores / 2 - 1] + cores[ncores / 2]) / 2;
    }
    out->parallelism = out->wall_ns > 0
                           ? (double)(out->cpu_ns + out->children_cpu_ns) / (double)out->wall_ns
                           : 0.0;
    out->repeats = n;
}

void measure_speedup(int64_t serial_cpu_ns, int max_parallel, struct measure_figures *par)
{
    double possible = max_parallel > 0 ? (double)max_parallel : 1.0;

    if (par->cores_free >= 0 && par->cores_free < possible)
        possible = par->cores_free;
    if (possible < 0.1)
        possible = 0.1; /* the run got almost nothing: judge what it did get */
    par->speedup = par->wall_ns > 0 ? (double)serial_cpu_ns / (double)par->wall_ns : 0.0;
    par->speedup_possible = possible;
    par->concurrency = par->split = par->efficiency = -1;
    if (par->runnable_ns >= 0 && par->wall_ns > 0)
        par->concurrency = (double)par->runnable_ns / (double)par->wall_ns;
    if (par->busiest_cpu_ns > 0)
        par->split = (double)serial_cpu_ns / (double)par->busiest_cpu_ns;
    if (par->run_cpu_ns > 0)
        par->efficiency = (double)serial_cpu_ns / (double)par->run_cpu_ns;
    par->parallel_achieved = par->split < par->concurrency ? par->split : par->concurrency;
    par->max_parallel = max_parallel > 0 ? (double)max_parallel : 1.0;
}

cJSON *measure_figures_to_json(const struct measure_figures *f)
{
    cJSON *o = cJSON_CreateObject();

    if (o == NULL)
        return NULL;
    if (!cJSON_AddNumberToObject(o, "wall_ns", (double)f->wall_ns) ||
        !cJSON_AddNumberToObject(o, "cpu_ns", (double)f->cpu_ns) ||
        !cJSON_AddNumberToObject(o, "children_cpu_ns", (double)f->children_cpu_ns) ||
        !cJSON_AddNumberToObject(o, "py_peak_bytes", (double)f->py_peak_bytes) ||
        !cJSON_AddNumberToObject(o, "py_current_bytes", (double)f->py_current_bytes) ||
        !cJSON_AddNumberToObject(o, "py_allocs", (double)f->py_allocs) ||
        !cJSON_AddNumberToObject(o, "rss_peak_bytes", (double)f->rss_peak_bytes) ||
        !cJSON_AddNumberToObject(o, "rss_growth_bytes", (double)f->rss_growth_bytes) ||
        !cJSON_AddNumberToObject(o, "parallelism", f->parallelism) ||
        !cJSON_AddNumberToObject(o, "other_cpu_ns", (double)f->other_cpu_ns) ||
        !cJSON_AddNumberToObject(o, "cores_free", f->cores_free) ||
        !cJSON_AddNumberToObject(o, "run_cpu_ns", (double)f->run_cpu_ns)) {
        cJSON_Delete(o);
        return NULL;
    }
    if (f->repeats > 1 && (!cJSON_AddNumberToObject(o, "wall_min_ns", (double)f->wall_min_ns) ||
                           !cJSON_AddNumberToObject(o, "wall_max_ns", (double)f->wall_max_ns) ||
                           !cJSON_AddNumberToObject(o, "cpu_min_ns", (double)f->cpu_min_ns) ||
                           !cJSON_AddNumberToObject(o, "cpu_max_ns", (double)f->cpu_max_ns))) {
        cJSON_Delete(o);
        return NULL;
    }
    if (f->outside &&
        (!cJSON_AddStringToObject(o, "observed", "outside") ||
         !cJSON_AddNumberToObject(o, "io_read_bytes", (double)f->io_read_bytes) ||
         !cJSON_AddNumberToObject(o, "page_faults", (double)f->page_faults) ||
         !cJSON_AddNumberToObject(o, "main_thread_cpu_ns", (double)f->main_thread_cpu_ns) ||
         !cJSON_AddNumberToObject(o, "inside_wall_ns", (double)f->inside_wall_ns) ||
         !cJSON_AddNumberToObject(o, "inside_cpu_ns", (double)f->inside_cpu_ns))) {
        cJSON_Delete(o);
        return NULL;
    }
    if (f->speedup_possible > 0 &&
        (!cJSON_AddNumberToObject(o, "speedup", f->speedup) ||
         !cJSON_AddNumberToObject(o, "speedup_possible", f->speedup_possible) ||
         !cJSON_AddNumberToObject(o, "concurrency", f->concurrency) ||
         !cJSON_AddNumberToObject(o, "split", f->split) ||
         !cJSON_AddNumberToObject(o, "efficiency", f->efficiency) ||
         !cJSON_AddNumberToObject(o, "parallel_achieved", f->parallel_achieved) ||
         !cJSON_AddNumberToObject(o, "max_parallel", f->max_parallel) ||
         !cJSON_AddNumberToObject(o, "runnable_ns", (double)f->runnable_ns) ||
         !cJSON_AddNumberToObject(o, "busiest_cpu_ns", (double)f->busiest_cpu_ns))) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

/* A figure read back from a stored result: a number outside int64_t's range
 * (or NaN) cannot come from measure_figures_to_json(), and converting it
 * would be undefined behaviour, so it reads as 0. */
static int64_t num_field(const cJSON *obj, const char *name)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, name);
    double v;

    if (!cJSON_IsNumber(it))
        return 0;
    v = it->valuedouble;
    if (!(v > -9.2e18 && v < 9.2e18))
        return 0;
    return (int64_t)v;
}

int measure_figures_from_json(const cJSON *obj, struct measure_figures *out)
{
    const cJSON *par;

    memset(out, 0, sizeof *out);
    if (!cJSON_IsObject(obj))
        return -1;
    out->wall_ns = num_field(obj, "wall_ns");
    out->cpu_ns = num_field(obj, "cpu_ns");
    out->children_cpu_ns = num_field(obj, "children_cpu_ns");
    out->run_cpu_ns = cJSON_GetObjectItemCaseSensitive(obj, "run_cpu_ns") != NULL
                          ? num_field(obj, "run_cpu_ns")
                          : out->cpu_ns + out->children_cpu_ns;
    out->io_read_bytes = cJSON_GetObjectItemCaseSensitive(obj, "io_read_bytes") != NULL
                             ? num_field(obj, "io_read_bytes")
                             : -1;
    out->page_faults = cJSON_GetObjectItemCaseSensitive(obj, "page_faults") != NULL
                           ? num_field(obj, "page_faults")
                           : -1;
    out->main_thread_cpu_ns = cJSON_GetObjectItemCaseSensitive(obj, "main_thread_cpu_ns") != NULL
                                  ? num_field(obj, "main_thread_cpu_ns")
                                  : -1;
    out->py_peak_bytes = num_field(obj, "py_peak_bytes");
    out->py_current_bytes = num_field(obj, "py_current_bytes");
    out->py_allocs = num_field(obj, "py_allocs");
    out->rss_peak_bytes = num_field(obj, "rss_peak_bytes");
    out->rss_growth_bytes = num_field(obj, "rss_growth_bytes");
    par = cJSON_GetObjectItemCaseSensitive(obj, "parallelism");
    out->parallelism = cJSON_IsNumber(par) ? par->valuedouble : 0.0;
    out->other_cpu_ns = num_field(obj, "other_cpu_ns");
    par = cJSON_GetObjectItemCaseSensitive(obj, "cores_free");
    out->cores_free = cJSON_IsNumber(par) ? par->valuedouble : -1.0;
    /* The spread is written only for repeated runs: read back, it says so,
     * so that figures render again as they were. */
    out->repeats = cJSON_GetObjectItemCaseSensitive(obj, "wall_min_ns") != NULL ? 2 : 1;
    out->wall_min_ns = num_field(obj, "wall_min_ns");
    out->wall_max_ns = num_field(obj, "wall_max_ns");
    out->cpu_min_ns = num_field(obj, "cpu_min_ns");
    out->cpu_max_ns = num_field(obj, "cpu_max_ns");
    out->outside = cJSON_GetObjectItemCaseSensitive(obj, "observed") != NULL;
    out->inside_wall_ns = num_field(obj, "inside_wall_ns");
    out->inside_cpu_ns = num_field(obj, "inside_cpu_ns");
    par = cJSON_GetObjectItemCaseSensitive(obj, "speedup");
    out->speedup = cJSON_IsNumber(par) ? par->valuedouble : 0.0;
    par = cJSON_GetObjectItemCaseSensitive(obj, "speedup_possible");
    out->speedup_possible = cJSON_IsNumber(par) ? par->valuedouble : 0.0;
    par = cJSON_GetObjectItemCaseSensitive(obj, "concurrency");
    out->concurrency = cJSON_IsNumber(par) ? par->valuedouble : -1.0;
    par = cJSON_GetObjectItemCaseSensitive(obj, "split");
    out->split = cJSON_IsNumber(par) ? par->valuedouble : -1.0;
    par = cJSON_GetObjectItemCaseSensitive(obj, "efficiency");
    out->efficiency = cJSON_IsNumber(par) ? par->valuedouble : -1.0;
    par = cJSON_GetObjectItemCaseSensitive(obj, "parallel_achieved");
    out->parallel_achieved = cJSON_IsNumber(par) ? par->valuedouble : -1.0;
    par = cJSON_GetObjectItemCaseSensitive(obj, "max_parallel");
    out->max_parallel = cJSON_IsNumber(par) ? par->valuedouble : 0.0;
    out->runnable_ns = cJSON_GetObjectItemCaseSensitive(obj, "runnable_ns") != NULL
                           ? num_field(obj, "runnable_ns")
                           : -1;
    out->busiest_cpu_ns = cJSON_GetObjectItemCaseSensitive(obj, "busiest_cpu_ns") != NULL
                              ? num_field(obj, "busiest_cpu_ns")
                              : -1;
    return 0;
}
