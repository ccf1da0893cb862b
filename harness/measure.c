/*
 * measure.c - see measure.h.
 *
 * The counting allocator.  Each block gets a 16-byte header holding the size
 * the caller asked for, so a free knows how much to subtract without a hash
 * table (tracemalloc's table is what makes it cost ~3x; a header costs a few
 * instructions).  16 bytes keep the 16-byte alignment pymalloc and malloc
 * promise.  Because of the header the hooks must be in place before the
 * interpreter allocates anything: see measure_install_hooks().
 *
 * MEM and OBJ are only called with the GIL held, so their counters are plain
 * variables.  RAW may be called from any thread without the GIL, so its
 * counter is atomic.  pymalloc serves blocks over 512 bytes by calling
 * PyMem_RawMalloc itself: a thread-local depth flag keeps such nested RAW
 * calls from being counted twice.
 */
#include "measure.h"

#include <Python.h>

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#define HDR 16 /* keeps 16-byte alignment */

struct hook {
    PyMemAllocatorEx orig;
};

static struct hook hook_raw, hook_mem, hook_obj;
static int hooks_active;

/* Live bytes through MEM and OBJ (GIL held) and through RAW (any thread). */
static int64_t gil_cur;
static int64_t gil_allocs;
static _Atomic int64_t raw_cur;
static _Atomic int64_t raw_allocs;
static _Atomic int64_t peak; /* relaxed: a racy max from RAW is acceptable */
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

static inline void *hdr_store(void *base, size_t n)
{
    *(size_t *)base = n;
    return (char *)base + HDR;
}

static inline size_t hdr_size(void *p)
{
    return *(size_t *)((char *)p - HDR);
}

/* ---- MEM and OBJ domains (GIL held) ---- */

static void *gil_malloc(void *ctx, size_t n)
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
    return hdr_store(base, n);
}

static void *gil_calloc(void *ctx, size_t nelem, size_t elsize)
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
    return hdr_store(base, n);
}

static void *gil_realloc(void *ctx, void *p, size_t n)
{
    struct hook *h = ctx;
    void *base;
    size_t old;

    if (p == NULL)
        return gil_malloc(ctx, n);
    if (n > PY_SSIZE_T_MAX - HDR)
        return NULL;
    old = hdr_size(p);
    in_gil_hook++;
    base = h->orig.realloc(h->orig.ctx, (char *)p - HDR, n + HDR);
    in_gil_hook--;
    if (base == NULL)
        return NULL;
    gil_add((int64_t)n - (int64_t)old);
    return hdr_store(base, n);
}

static void gil_free(void *ctx, void *p)
{
    struct hook *h = ctx;

    if (p == NULL)
        return;
    gil_cur -= (int64_t)hdr_size(p);
    in_gil_hook++;
    h->orig.free(h->orig.ctx, (char *)p - HDR);
    in_gil_hook--;
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
    /* A nested call from pymalloc is already counted by the OBJ/MEM hook;
     * its header still records 0 so the matching free subtracts nothing. */
    if (in_gil_hook)
        return hdr_store(base, 0);
    atomic_fetch_add_explicit(&raw_allocs, 1, memory_order_relaxed);
    raw_add((int64_t)n);
    return hdr_store(base, n);
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
        return hdr_store(base, 0);
    atomic_fetch_add_explicit(&raw_allocs, 1, memory_order_relaxed);
    raw_add((int64_t)n);
    return hdr_store(base, n);
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
    old = hdr_size(p);
    base = h->orig.realloc(h->orig.ctx, (char *)p - HDR, n + HDR);
    if (base == NULL)
        return NULL;
    /* A pymalloc block (counted above us) stays uncounted here. */
    if (in_gil_hook && old == 0)
        return hdr_store(base, 0);
    raw_add((int64_t)n - (int64_t)old);
    return hdr_store(base, n);
}

static void raw_free(void *ctx, void *p)
{
    struct hook *h = ctx;
    size_t n;

    if (p == NULL)
        return;
    n = hdr_size(p);
    if (n != 0)
        raw_add(-(int64_t)n);
    h->orig.free(h->orig.ctx, (char *)p - HDR);
}

static void wrap(PyMemAllocatorDomain domain, struct hook *h, int gil)
{
    PyMemAllocatorEx a;

    PyMem_GetAllocator(domain, &h->orig);
    a.ctx = h;
    a.malloc = gil ? gil_malloc : raw_malloc;
    a.calloc = gil ? gil_calloc : raw_calloc;
    a.realloc = gil ? gil_realloc : raw_realloc;
    a.free = gil ? gil_free : raw_free;
    PyMem_SetAllocator(domain, &a);
}

void measure_install_hooks(void)
{
    if (hooks_active)
        return;
    wrap(PYMEM_DOMAIN_RAW, &hook_raw, 0);
    wrap(PYMEM_DOMAIN_MEM, &hook_mem, 1);
    wrap(PYMEM_DOMAIN_OBJ, &hook_obj, 1);
    hooks_active = 1;
}

int measure_hooks_active(void)
{
    return hooks_active;
}

int64_t measure_py_current(void)
{
    return gil_cur + atomic_load_explicit(&raw_cur, memory_order_relaxed);
}

int64_t measure_py_peak(void)
{
    return atomic_load_explicit(&peak, memory_order_relaxed);
}

int64_t measure_py_allocs(void)
{
    return gil_allocs + atomic_load_explicit(&raw_allocs, memory_order_relaxed);
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

int64_t measure_cpu_ns(void)
{
    return clock_ns(CLOCK_PROCESS_CPUTIME_ID);
}

static int64_t children_cpu_ns(void)
{
    struct rusage ru;

    if (getrusage(RUSAGE_CHILDREN, &ru) != 0)
        return 0;
    return ((int64_t)ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000LL +
           ((int64_t)ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000LL;
}

/* One field ("VmRSS:", "VmHWM:") of /proc/self/status, in bytes. */
static int64_t status_field(const char *key)
{
    char buf[4096];
    ssize_t n;
    int fd;
    const char *p;
    long long kb = -1;

    fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return -1;
    buf[n] = '\0';
    p = strstr(buf, key);
    if (p == NULL)
        return -1;
    p += strlen(key);
    while (*p == ' ' || *p == '\t')
        p++;
    kb = 0;
    while (*p >= '0' && *p <= '9') {
        kb = kb * 10 + (*p - '0');
        p++;
    }
    return (int64_t)kb * 1024;
}

int64_t measure_rss_bytes(void)
{
    return status_field("VmRSS:");
}

int64_t measure_hwm_bytes(void)
{
    return status_field("VmHWM:");
}

int measure_reset_hwm(void)
{
    int fd, ok;

    fd = open("/proc/self/clear_refs", O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    ok = write(fd, "5", 1) == 1;
    close(fd);
    return ok;
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

void measure_begin(struct measure_span *s)
{
    int64_t cur = measure_py_current();

    s->saved_peak = measure_py_peak();
    /* The span's peak starts from what is live now. */
    atomic_store_explicit(&peak, cur, memory_order_relaxed);
    s->py_cur0 = cur;
    s->py_allocs0 = measure_py_allocs();
    s->rss_reset = measure_reset_hwm();
    s->rss0 = measure_rss_bytes();
    s->t0_children = children_cpu_ns();
    s->t0_cpu = measure_cpu_ns();
    s->t0_wall = measure_now_ns();
}

void measure_end(const struct measure_span *s, struct measure_figures *out)
{
    int64_t wall = measure_now_ns() - s->t0_wall;
    int64_t cpu = measure_cpu_ns() - s->t0_cpu;
    int64_t ch = children_cpu_ns() - s->t0_children;
    int64_t span_peak = measure_py_peak();
    int64_t hwm = measure_hwm_bytes();

    memset(out, 0, sizeof *out);
    out->wall_ns = wall;
    out->cpu_ns = cpu;
    out->children_cpu_ns = ch;
    out->py_peak_bytes = span_peak - s->py_cur0;
    if (out->py_peak_bytes < 0)
        out->py_peak_bytes = 0;
    out->py_current_bytes = measure_py_current() - s->py_cur0;
    out->py_allocs = measure_py_allocs() - s->py_allocs0;
    out->rss_peak_bytes = hwm;
    out->rss_growth_bytes = (hwm >= 0 && s->rss0 >= 0 && hwm > s->rss0) ? hwm - s->rss0 : 0;
    out->rss_reset = s->rss_reset;
    out->parallelism = wall > 0 ? (double)(cpu + ch) / (double)wall : 0.0;
    /* Restore the outer span's view: its peak is the larger of the two. */
    if (s->saved_peak > span_peak)
        atomic_store_explicit(&peak, s->saved_peak, memory_order_relaxed);
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
        !cJSON_AddNumberToObject(o, "parallelism", f->parallelism)) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

static int64_t num_field(const cJSON *obj, const char *name)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, name);

    return cJSON_IsNumber(it) ? (int64_t)it->valuedouble : 0;
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
    out->py_peak_bytes = num_field(obj, "py_peak_bytes");
    out->py_current_bytes = num_field(obj, "py_current_bytes");
    out->py_allocs = num_field(obj, "py_allocs");
    out->rss_peak_bytes = num_field(obj, "rss_peak_bytes");
    out->rss_growth_bytes = num_field(obj, "rss_growth_bytes");
    par = cJSON_GetObjectItemCaseSensitive(obj, "parallelism");
    out->parallelism = cJSON_IsNumber(par) ? par->valuedouble : 0.0;
    return 0;
}
