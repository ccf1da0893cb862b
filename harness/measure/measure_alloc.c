/*
 * measure_alloc.c - see measure_alloc.h.
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
#include "measure_alloc.h"

#include <Python.h>

#include "measure.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <stdatomic.h>
#include <sys/random.h>

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

int64_t measure_py_allocs(void)
{
    return gil_allocs + atomic_load_explicit(&raw_allocs, memory_order_relaxed);
}

int64_t measure_py_peak(void)
{
    return atomic_load_explicit(&peak, memory_order_relaxed);
}

void measure_py_peak_set(int64_t bytes)
{
    atomic_store_explicit(&peak, bytes, memory_order_relaxed);
}

void measure_py_begin(struct measure_py_span *s)
{
    int64_t cur = measure_py_current();

    s->saved_peak = measure_py_peak();
    atomic_store_explicit(&peak, cur, memory_order_relaxed);
    s->cur0 = cur;
    s->allocs0 = measure_py_allocs();
    s->cpu0 = measure_clock_ns(CLOCK_PROCESS_CPUTIME_ID);
    s->wall0 = measure_clock_ns(CLOCK_MONOTONIC);
}

void measure_py_end(const struct measure_py_span *s, struct measure_py_figures *out)
{
    int64_t span_peak = measure_py_peak();

    out->wall_ns = measure_clock_ns(CLOCK_MONOTONIC) - s->wall0;
    out->cpu_ns = measure_clock_ns(CLOCK_PROCESS_CPUTIME_ID) - s->cpu0;
    out->peak_bytes = span_peak > s->cur0 ? span_peak - s->cur0 : 0;
    out->current_bytes = measure_py_current() - s->cur0;
    out->allocs = measure_py_allocs() - s->allocs0;
    if (s->saved_peak > span_peak)
        atomic_store_explicit(&peak, s->saved_peak, memory_order_relaxed);
}
