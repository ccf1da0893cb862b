/*
 * worker.c - see worker.h.  The supervisor's side of a run.
 *
 * The loop below is the only place that decides how a worker ended.  It
 * reads three pipes (results, stdout, stderr) with poll(), enforces the
 * whole-run and per-check deadlines and the output cap, and reaps with
 * wait4() so CPU time and peak RSS come from the kernel, not from anything
 * the submission could write.  A worker can only ever make things worse for
 * itself: a missing, truncated or forged frame never turns into a result.
 */
#include "worker.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dynbuf.h"
#include "embed.h"
#include "exercise.h"
#include "fileio.h"
#include "measure.h"
#include "measure_stall.h"
#include "paths.h"
#include "proto.h"
#include "sandbox.h"
#include "worker_host.h"

/* A SIGKILL counts as the CPU limit's when the run had used this share of
 * it (the hard limit sits just above the soft one), and as the memory
 * limit's when its peak RSS had reached this share of the limit. */
#define CPU_KILL_SHARE 0.98
#define MEMORY_KILL_SHARE 0.9
#define PIPE_READ_CHUNK 65536     /* bytes taken from a pipe per read() */
#define POLL_SLICE_MS 50          /* how often we look at the worker between reads */
#define EXIT_GRACE_NS 200000000LL /* drain pipes this long after the worker exits */
#define EXIT_WAIT_NS 2000000000LL /* wait this long for a worker whose pipes closed */
/* A check's or a run's wall-clock limit gives back the time the machine's
 * CPUs were oversubscribed (measure_stall.h), up to this many times the
 * limit: code that hangs is still stopped on a busy machine, only later. */
#define LIMIT_STRETCH 3.0
#define EXIT_SLICE_MS 5 /* how often, with other runs in flight, we ask if it ended */

const char *worker_role_name(enum worker_role role)
{
    switch (role) {
    case WORKER_CANDIDATE:
        return "cand";
    case WORKER_REFERENCE:
        return "ref";
    case WORKER_BASELINE:
        return "base";
    }
    return "?";
}

const char *worker_end_name(enum worker_end end)
{
    switch (end) {
    case WORKER_END_OK:
        return "ok";
    case WORKER_END_TIMEOUT:
        return "timeout";
    case WORKER_END_CPU:
        return "cpu_limit";
    case WORKER_END_MEMORY:
        return "memory_limit";
    case WORKER_END_SIGNAL:
        return "crashed";
    case WORKER_END_OUTPUT:
        return "output_limit";
    case WORKER_END_EARLY_EXIT:
        return "early_exit";
    case WORKER_END_PROTOCOL:
        return "protocol";
    }
    return "?";
}

void worker_result_cleanup(struct worker_result *res)
{
    size_t i;

    if (res == NULL)
        return;
    for (i = 0; i < res->nchecks; i++)
        cJSON_Delete(res->checks[i].frame);
    free(res->checks);
    cJSON_Delete(res->import_frame);
    cJSON_Delete(res->end_frame);
    free(res->out);
    free(res->errout);
    memset(res, 0, sizeof *res);
}

const struct worker_check *worker_result_check(const struct worker_result *res, const char *name)
{
    if (res == NULL)
        return NULL;
    for (size_t i = 0; i < res->nchecks; i++)
        if (strcmp(res->checks[i].name, name) == 0)
            return &res->checks[i];
    return NULL;
}

static char *dup_bytes(const char *s, size_t n)
{
    char *d;

    if (s == NULL)
        return NULL;
    d = malloc(n + 1);
    if (d != NULL) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

enum ph_rc worker_result_copy(struct worker_result *dst, const struct worker_result *src,
                              struct ph_err *err)
{
    size_t i;

    *dst = *src;
    dst->checks = NULL;
    dst->import_frame = dst->end_frame = NULL;
    dst->out = dst->errout = NULL;
    dst->nchecks = 0;
    dst->checks = calloc(src->nchecks ? src->nchecks : 1, sizeof *dst->checks);
    if (dst->checks == NULL)
        goto nomem;
    dst->nchecks = src->nchecks;
    for (i = 0; i < src->nchecks; i++) {
        dst->checks[i] = src->checks[i];
        dst->checks[i].frame = NULL;
        if (src->checks[i].frame != NULL) {
            dst->checks[i].frame = cJSON_Duplicate(src->checks[i].frame, 1);
            if (dst->checks[i].frame == NULL)
                goto nomem;
        }
    }
    if ((src->import_frame != NULL &&
         (dst->import_frame = cJSON_Duplicate(src->import_frame, 1)) == NULL) ||
        (src->end_frame != NULL && (dst->end_frame = cJSON_Duplicate(src->end_frame, 1)) == NULL))
        goto nomem;
    dst->out = dup_bytes(src->out, src->out_len);
    dst->errout = dup_bytes(src->errout, src->err_len);
    if ((src->out != NULL && dst->out == NULL) || (src->errout != NULL && dst->errout == NULL))
        goto nomem;
    return PH_OK;
nomem:
    worker_result_cleanup(dst);
    return ph_errf(err, PH_ENOMEM, "out of memory");
}

/* Append `n` bytes to a captured stream, keeping at most `cap` in all. */
static void append_capped(char **buf, size_t *len, const char *more, size_t n, size_t cap)
{
    struct dynbuf b;

    if (more == NULL || n == 0)
        return;
    dynbuf_init(&b, cap);
    b.buf = *buf;
    b.len = *len;
    b.cap = *buf != NULL ? *len + 1 : 0;
    (void)dynbuf_add_truncated(&b, more, n);
    *buf = dynbuf_take(&b, len);
}

void worker_result_fold(struct worker_result *dst, struct worker_result *later, int whole_run,
                        size_t out_cap)
{
    for (size_t i = 0; i < later->nchecks; i++) {
        struct worker_check *lc = &later->checks[i];

        for (size_t j = 0; j < dst->nchecks; j++) {
            struct worker_check *dc = &dst->checks[j];

            if (strcmp(dc->name, lc->name) != 0)
                continue;
            cJSON_Delete(dc->frame);
            *dc = *lc;
            lc->frame = NULL;
            break;
        }
    }
    /* Checks of the later run are now the result's: so are its gaps. */
    dst->lost |= later->lost;
    if (dst->end == WORKER_END_OK && later->end != WORKER_END_OK) {
        dst->end = later->end;
        memcpy(dst->detail, later->detail, sizeof dst->detail);
        dst->exit_status = later->exit_status;
        dst->term_signal = later->term_signal;
        dst->killed_by_us = later->killed_by_us;
    }
    dst->wall_ns += later->wall_ns;
    dst->ru.ru_utime.tv_sec += later->ru.ru_utime.tv_sec;
    dst->ru.ru_utime.tv_usec += later->ru.ru_utime.tv_usec;
    dst->ru.ru_stime.tv_sec += later->ru.ru_stime.tv_sec;
    dst->ru.ru_stime.tv_usec += later->ru.ru_stime.tv_usec;
    if (later->ru.ru_maxrss > dst->ru.ru_maxrss)
        dst->ru.ru_maxrss = later->ru.ru_maxrss;
    append_capped(&dst->out, &dst->out_len, later->out, later->out_len, out_cap);
    append_capped(&dst->errout, &dst->err_len, later->errout, later->err_len, out_cap);
    dst->output_bytes += later->output_bytes;
    if (!whole_run) {
        cJSON_Delete(dst->end_frame);
        dst->end_frame = NULL;
    }
}

static enum ph_rc make_nonce(char *out, size_t cap, struct ph_err *err)
{
    unsigned char raw[16];
    size_t i;

    if (getrandom(raw, sizeof raw, 0) != (ssize_t)sizeof raw)
        return ph_errf(err, PH_EIO, "getrandom: %s", strerror(errno));
    for (i = 0; i < sizeof raw && 2 * i + 2 < cap; i++)
        snprintf(out + 2 * i, 3, "%02x", raw[i]);
    return PH_OK;
}

/* Supervisor-side state of one run. */
struct run {
    const struct worker_spec *spec;
    struct worker_result *res;
    struct proto_reader reader;
    char nonce[40];
    int got_hello, got_import, import_failed, got_end;
    size_t next_check;              /* index of the next check expected to begin */
    struct stall_limit check_limit; /* the running check's (res->running_check >= 0) */
    struct dynbuf out, err;         /* captured stdout and stderr, capped */
    const char *module_copy;        /* the module's path in the run's folder (its frames' file) */
    char proto_error[256];
};

static void set_detail(struct worker_result *res, const char *fmt, const char *arg)
    __attribute__((format(printf, 2, 0)));

static void set_detail(struct worker_result *res, const char *fmt, const char *arg)
{
    snprintf(res->detail, sizeof res->detail, fmt, arg);
}

/* Every string and key of `v` made valid UTF-8 (a worker may write any
 * bytes into a frame; reports must stay valid JSON and UTF-8). */
static void scrub_json(cJSON *v, int depth)
{
    for (; v != NULL && depth < 256; v = v->next) {
        if (v->string != NULL)
            (void)fileio_utf8_scrub(v->string, strlen(v->string));
        if (cJSON_IsString(v) && v->valuestring != NULL)
            (void)fileio_utf8_scrub(v->valuestring, strlen(v->valuestring));
        scrub_json(v->child, depth + 1);
    }
}

/* Tell the spec's progress function, if any, about check `i`. */
static void progress(const struct run *r, enum run_progress_kind kind, size_t i, int ok,
                     int64_t elapsed_ns)
{
    struct run_progress p;
    long ci;

    if (r->spec->progress == NULL || i >= r->res->nchecks)
        return;
    memset(&p, 0, sizeof p);
    p.kind = kind;
    p.role = (int)r->spec->role;
    p.check = r->res->checks[i].name;
    p.index = i;
    p.count = r->res->nchecks;
    p.ok = ok;
    p.elapsed_ns = elapsed_ns;
    ci = exercise_find_check(r->spec->ex, p.check);
    p.limit_s = ci >= 0 ? r->spec->ex->checks[ci].timeout_s : 0;
    r->spec->progress(r->spec->progress_ud, &p);
}

/* Validate and file one frame.  Returns 0, or -1 with run->proto_error set. */
static int take_frame(struct run *r, cJSON *frame)
{
    const cJSON *n = cJSON_GetObjectItemCaseSensitive(frame, "n");
    enum proto_frame_type type = proto_frame_type(frame);
    enum proto_status status;
    const cJSON *name;
    struct worker_result *res = r->res;

    scrub_json(frame, 0);

    if (!cJSON_IsString(n) || strcmp(n->valuestring, r->nonce) != 0) {
        snprintf(r->proto_error, sizeof r->proto_error,
                 "a frame on the result pipe did not come from the worker's C code (forged "
                 "result message)");
        goto bad;
    }
    switch (type) {
    case PROTO_FRAME_UNKNOWN:
        goto malformed;
    case PROTO_FRAME_HELLO:
        if (r->got_hello)
            goto order;
        r->got_hello = 1;
        break;
    case PROTO_FRAME_IMPORT:
        status = proto_frame_status(frame);
        if (!r->got_hello || r->got_import || status == PROTO_STATUS_MISSING)
            goto order;
        r->got_import = 1;
        r->import_failed = status != PROTO_STATUS_OK;
        res->import_frame = frame;
        return 0;
    case PROTO_FRAME_BEGIN: {
        long idx;
        double tmo;

        name = cJSON_GetObjectItemCaseSensitive(frame, "check");
        if (!r->got_import || r->import_failed || r->next_check >= res->nchecks ||
            !cJSON_IsString(name) ||
            strcmp(name->valuestring, res->checks[r->next_check].name) != 0 ||
            res->checks[r->next_check].started)
            goto order;
        res->checks[r->next_check].started = 1;
        res->checks[r->next_check].elapsed_ns = measure_now_ns();
        res->running_check = (long)r->next_check;
        idx = exercise_find_check(r->spec->ex, name->valuestring);
        /* res->checks holds the exercise's checks and, for compare, its
         * sized workloads, which have the whole run's limit. */
        assert(idx >= 0 || strncmp(name->valuestring, WORKER_WORKLOAD_PREFIX,
                                   strlen(WORKER_WORKLOAD_PREFIX)) == 0);
        tmo = idx >= 0 ? r->spec->ex->checks[idx].timeout_s : r->spec->ex->limits.wall_s;
        stall_limit_start(&r->check_limit, measure_now_ns(), tmo, LIMIT_STRETCH);
        progress(r, RUN_PROGRESS_BEGIN, r->next_check, 0, 0);
        break;
    }
    case PROTO_FRAME_CHECK: {
        struct worker_check *c;

        name = cJSON_GetObjectItemCaseSensitive(frame, "check");
        if (res->running_check < 0 || !cJSON_IsString(name))
            goto order;
        c = &res->checks[res->running_check];
        if (strcmp(name->valuestring, c->name) != 0 || c->frame != NULL)
            goto order;
        c->frame = frame;
        c->elapsed_ns = measure_now_ns() - c->elapsed_ns;
        {
            const cJSON *m = cJSON_GetObjectItemCaseSensitive(frame, "metrics");
            const cJSON *w = cJSON_GetObjectItemCaseSensitive(m, "wall_ns");
            /* The check's own figure, as the report will show it; frames may
             * arrive together, so the supervisor's clock can say less. */
            progress(r, RUN_PROGRESS_DONE, (size_t)res->running_check,
                     proto_frame_status(frame) == PROTO_STATUS_OK,
                     cJSON_IsNumber(w) && w->valuedouble > 0 ? (int64_t)w->valuedouble
                                                             : c->elapsed_ns);
        }
        res->running_check = -1;
        r->next_check++;
        return 0;
    }
    case PROTO_FRAME_END:
        if (!r->got_import || r->got_end || res->running_check >= 0 ||
            (!r->import_failed && r->next_check != res->nchecks))
            goto order;
        r->got_end = 1;
        res->end_frame = frame;
        return 0;
    }
    cJSON_Delete(frame);
    return 0;
order:
    snprintf(r->proto_error, sizeof r->proto_error, "result messages arrived out of order (\"%s\")",
             proto_frame_type_name(type));
    goto bad;
malformed:
    snprintf(r->proto_error, sizeof r->proto_error, "a result message has no valid type");
bad:
    cJSON_Delete(frame);
    return -1;
}

/* Read what is available on the result pipe.  Returns 0, 1 at EOF, -1 on protocol error. */
static int pump_results(struct run *r, int fd)
{
    char buf[PIPE_READ_CHUNK];
    struct ph_err e = {0};
    ssize_t n = read(fd, buf, sizeof buf);
    cJSON *frame;
    int got;

    if (n < 0)
        return (errno == EINTR || errno == EAGAIN) ? 0 : 1;
    if (n == 0)
        return 1;
    if (proto_reader_feed(&r->reader, buf, (size_t)n, &e) != PH_OK) {
        snprintf(r->proto_error, sizeof r->proto_error, "%s", e.msg);
        return -1;
    }
    for (;;) {
        got = proto_reader_next(&r->reader, &frame, &e);
        if (got == 0)
            return 0;
        if (got < 0) {
            snprintf(r->proto_error, sizeof r->proto_error, "%s", e.msg);
            return -1;
        }
        if (take_frame(r, frame) != 0)
            return -1;
    }
}

/* Read stdout or stderr into `b` (capped: the rest is counted, not kept).
 * Returns 1 at EOF. */
static int pump_output(int fd, struct dynbuf *b, size_t *total)
{
    char tmp[PIPE_READ_CHUNK];
    ssize_t n = read(fd, tmp, sizeof tmp);

    if (n < 0)
        return (errno == EINTR || errno == EAGAIN) ? 0 : 1;
    if (n == 0)
        return 1;
    *total += (size_t)n;
    (void)dynbuf_add_truncated(b, tmp, (size_t)n);
    return 0;
}

static const char *signal_name(int sig)
{
    const char *abbrev = sigabbrev_np(sig);
    static char buf[32];

    if (abbrev == NULL) {
        snprintf(buf, sizeof buf, "signal %d", sig);
        return buf;
    }
    snprintf(buf, sizeof buf, "SIG%s", abbrev);
    return buf;
}

static double ru_cpu_s(const struct rusage *ru)
{
    return (double)ru->ru_utime.tv_sec + (double)ru->ru_stime.tv_sec +
           ((double)ru->ru_utime.tv_usec + (double)ru->ru_stime.tv_usec) / 1e6;
}

/* Decide how the run ended from what the supervisor itself saw. */
static void classify(struct run *r, int status, int killed_for, const char *kill_detail)
{
    struct worker_result *res = r->res;
    const struct exercise_limits *lim = &r->spec->ex->limits;
    const char *during = res->running_check >= 0 ? res->checks[res->running_check].name : NULL;
    char buf[256];

    res->exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    res->term_signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    if (killed_for >= 0) {
        res->end = (enum worker_end)killed_for;
        set_detail(res, "%s", kill_detail);
        return;
    }
    if (r->proto_error[0]) {
        res->end = WORKER_END_PROTOCOL;
        set_detail(res, "%s", r->proto_error);
        return;
    }
    if (WIFSIGNALED(status)) {
        int sig = WTERMSIG(status);
        double cpu = ru_cpu_s(&res->ru);
        if (sig == SIGXCPU || (sig == SIGKILL && cpu >= lim->cpu_s * CPU_KILL_SHARE)) {
            res->end = WORKER_END_CPU;
            snprintf(buf, sizeof buf, "CPU time limit of %g s reached%s%s", lim->cpu_s,
                     during ? " in check " : "", during ? during : "");
        } else if (sig == SIGKILL && (size_t)res->ru.ru_maxrss * 1024 >=
                                         (size_t)(lim->memory_bytes * MEMORY_KILL_SHARE)) {
            res->end = WORKER_END_MEMORY;
            snprintf(buf, sizeof buf, "killed for memory (peak RSS %ld MiB)%s%s",
                     res->ru.ru_maxrss / 1024, during ? " in check " : "", during ? during : "");
        } else {
            res->end = WORKER_END_SIGNAL;
            snprintf(buf, sizeof buf, "crashed with %s%s%s", signal_name(sig),
                     during ? " in check " : "", during ? during : "");
        }
        set_detail(res, "%s", buf);
        return;
    }
    if (r->got_end && res->exit_status == 0) {
        const cJSON *st = cJSON_GetObjectItemCaseSensitive(res->end_frame, "stopped");
        const cJSON *t = cJSON_GetObjectItemCaseSensitive(st, "type");
        const cJSON *m = cJSON_GetObjectItemCaseSensitive(st, "message");

        res->end = WORKER_END_OK;
        /* The runner stopped the run (its memory, its disk, a worker that
         * ran on after the last check): that is how it ended. */
        if (cJSON_IsString(t) && cJSON_IsString(m)) {
            res->end = strcmp(t->valuestring, "MemoryError") == 0    ? WORKER_END_MEMORY
                       : strcmp(t->valuestring, "TimeoutError") == 0 ? WORKER_END_TIMEOUT
                                                                     : WORKER_END_EARLY_EXIT;
            set_detail(res, "%s", m->valuestring);
        }
        return;
    }
    res->end = WORKER_END_EARLY_EXIT;
    if (!r->got_import)
        snprintf(buf, sizeof buf,
                 "the worker exited with status %d before the submission was "
                 "imported",
                 res->exit_status);
    else
        snprintf(buf, sizeof buf,
                 "the submission ended the process (exit status %d)%s%s before "
                 "the checks finished",
                 res->exit_status, during ? " during check " : "", during ? during : "");
    set_detail(res, "%s", buf);
}

/* Collect the run's end, waiting until `until` at the latest.  1 when it ended. */
static int wait_end(struct sandbox_host *h, int64_t until, int *status, struct rusage *ru)
{
    int64_t left = until - measure_now_ns();

    return sandbox_run_wait(h, left > 0 ? (int)(left / 1000000 + 1) : 0, status, ru) == 1;
}

/*
 * The line a hung check was on, from the stack the worker's watchdog wrote
 * to stderr (WORKER_STACK_MARK, check_runner.c): the most recent frame in
 * the submission's own file, as ", at FILE line N in FUNC" in `out` ("" when
 * there is none).  The dump is cut out of the captured stderr: it also
 * names the checks' frames, which are not the candidate's to see.
 */
static void hung_line(struct worker_result *res, const char *module, const char *display, char *out,
                      size_t cap)
{
    char *mark, *line;
    char want[300];
    size_t wlen;

    out[0] = '\0';
    if (res->errout == NULL || module == NULL)
        return;
    mark = NULL;
    for (char *p = strstr(res->errout, WORKER_STACK_MARK); p != NULL;
         p = strstr(p + 1, WORKER_STACK_MARK))
        mark = p; /* the last one: the check's own */
    if (mark == NULL)
        return;
    snprintf(want, sizeof want, "  File \"%s\", line ", module);
    wlen = strlen(want);
    for (line = mark; line != NULL && *line != '\0'; line = strchr(line, '\n')) {
        if (*line == '\n')
            line++;
        if (strncmp(line, want, wlen) == 0) {
            char *eol = strchr(line, '\n');
            int n = eol ? (int)(eol - line - wlen) : (int)strlen(line + wlen);
            const char *name = display ? display : "submission.py";
            const char *base = strrchr(name, '/');
            snprintf(out, cap, ", at %s line %.*s", base ? base + 1 : name, n, line + wlen);
            break;
        }
    }
    /* Cut the dump (every thread's stack) from the mark on: the worker was
     * stopped right after writing it. */
    res->err_len = (size_t)(mark - res->errout);
    *mark = '\0';
}

/* Put the module into the run's folder, where the worker imports it: the
 * bytes the engine screened and hashed when it has them, so that what runs
 * is what was graded; else a copy of the (exercise's own) file. */
static enum ph_rc place_module(const struct worker_spec *spec, const char *scratch,
                               char *module_copy, size_t mcap, struct ph_err *err)
{
    char *text = NULL;
    size_t len = 0;
    enum ph_rc rc;

    snprintf(module_copy, mcap, "%s/submission.py", scratch);
    if (spec->module_text != NULL)
        return fileio_write(module_copy, spec->module_text, spec->module_len, err);
    rc = fileio_read(spec->module_path, WORKER_MODULE_MAX, &text, &len, err);
    if (rc == PH_OK)
        rc = fileio_write(module_copy, text, len, err);
    free(text);
    return rc;
}

/*
 * A host kept between runs: one per exercise (its folder and content hash:
 * a host forked for one load serves a later load of the same files, and
 * never an edited exercise), so that a run costs a fork and not a new set
 * of namespaces.  A pool holds several, for several exercises at once and
 * several of one exercise (one per run in flight).  Each slot is its own
 * allocation: its policy and hooks must stay where the host was given them.
 */
struct host_slot {
    struct sandbox_host *h;
    char ex_sha256[SHA256_HEX_LEN]; /* content hash of the exercise it serves */
    char ex_dir[PATH_MAX];          /* and its folder */
    int busy;                       /* a run is in flight on it */
    uint64_t last_used;             /* pool tick, for evicting the least recently used */
    struct sandbox_policy pol;
    char root[PATH_MAX];
};

struct worker_pool {
    struct host_slot **slots;
    size_t nslots, max_hosts;
    uint64_t tick;
    unsigned long hosts_started;
};

static void slot_free(struct host_slot *s)
{
    if (s == NULL)
        return;
    assert(!s->busy);
    sandbox_host_stop(s->h);
    if (s->root[0] != '\0')
        fileio_rmtree(s->root);
    free(s);
}

enum ph_rc worker_pool_new(size_t max_hosts, struct worker_pool **out, struct ph_err *err)
{
    struct worker_pool *p = calloc(1, sizeof *p);

    *out = NULL;
    if (p == NULL)
        return ph_errf(err, PH_ENOMEM, "out of memory");
    p->max_hosts = max_hosts > 0 ? max_hosts : WORKER_POOL_DEFAULT_HOSTS;
    p->slots = calloc(p->max_hosts, sizeof *p->slots);
    if (p->slots == NULL) {
        free(p);
        return ph_errf(err, PH_ENOMEM, "out of memory");
    }
    *out = p;
    return PH_OK;
}

void worker_pool_free(struct worker_pool *p)
{
    if (p == NULL)
        return;
    for (size_t i = 0; i < p->nslots; i++)
        slot_free(p->slots[i]);
    free(p->slots);
    free(p);
}

unsigned long worker_pool_hosts_started(const struct worker_pool *p)
{
    return p->hosts_started;
}

/* Start a host for `ex` in a new slot (*out), not yet in the pool. */
static enum ph_rc slot_start(const struct exercise *ex, struct host_slot **out, struct ph_err *err)
{
    const char *tmp = getenv("TMPDIR");
    const char *argv[] = {paths_exe(), WORKER_HOST_ARG, NULL};
    char cpath[PATH_MAX];
    char *config = NULL;
    struct host_slot *s = calloc(1, sizeof *s);
    enum ph_rc rc = PH_ENOMEM;

    *out = NULL;
    if (s == NULL)
        return ph_errf(err, PH_ENOMEM, "out of memory");
    /* The host compiles the checks itself; compiling here first reports a
     * broken checks.py as this process always has (file and line). */
    snprintf(cpath, sizeof cpath, "%s/checks.py", ex->dir);
    if (embed_compile_cached(cpath, "checks.py", err) == NULL) {
        rc = err->rc;
        goto fail;
    }
    /* Sized workloads (pyharness compare), when the exercise has them. */
    snprintf(cpath, sizeof cpath, "%s/workloads.py", ex->dir);
    if (fileio_is_file(cpath)) {
        if (embed_compile_cached(cpath, "workloads.py", err) == NULL) {
            rc = err->rc;
            goto fail;
        }
    }
    if (tmp == NULL || tmp[0] != '/')
        tmp = "/tmp";
    snprintf(s->root, sizeof s->root, "%s/pyharness-XXXXXX", tmp);
    if (mkdtemp(s->root) == NULL) {
        s->root[0] = '\0';
        rc = ph_errf(err, PH_EIO, "cannot create a scratch folder in %s: %s", tmp, strerror(errno));
        goto fail;
    }
    s->pol.scratch_dir = s->root;
    s->pol.python_dir = paths_python_dir();
    s->pol.host_exe = paths_exe();
    s->pol.cpu_s = ex->limits.cpu_s;
    s->pol.memory_bytes = ex->limits.memory_bytes;
    s->pol.fsize_bytes = WORKER_FSIZE_MAX;
    s->pol.nproc = ex->limits.nproc;
    s->pol.network = 0;
    config = worker_host_config(ex, s->root, s->pol.cpu_s, s->pol.memory_bytes, s->pol.fsize_bytes,
                                s->pol.nproc);
    if (config == NULL) {
        rc = ph_errf(err, PH_ENOMEM, "out of memory");
        goto fail;
    }
    fflush(stdout);
    fflush(stderr);
    /* A new program, not a fork: the host starts from a clean environment
     * and holds nothing of this process's memory (worker_host.h). */
    rc = sandbox_host_exec(&s->pol, argv, worker_host_env(), config, strlen(config), &s->h, err);
    free(config);
    if (rc != PH_OK)
        goto fail;
    snprintf(s->ex_sha256, sizeof s->ex_sha256, "%s", ex->content_sha256);
    snprintf(s->ex_dir, sizeof s->ex_dir, "%s", ex->dir);
    *out = s;
    return PH_OK;
fail:
    slot_free(s);
    return rc;
}

/*
 * An idle live host for `ex`: one already kept, or a new one.  When the pool
 * is full, the least recently used idle host makes room; dead hosts are
 * dropped on the way.  The slot comes back busy: release with slot_release().
 */
static enum ph_rc pool_acquire(struct worker_pool *p, const struct exercise *ex,
                               struct host_slot **out, struct ph_err *err)
{
    struct host_slot *s = NULL;
    size_t i, victim = SIZE_MAX;
    enum ph_rc rc;

    *out = NULL;
    for (i = 0; i < p->nslots; i++) {
        struct host_slot *c = p->slots[i];

        if (c->busy)
            continue;
        if (strcmp(c->ex_sha256, ex->content_sha256) == 0 && strcmp(c->ex_dir, ex->dir) == 0 &&
            sandbox_host_alive(c->h)) {
            s = c;
            break;
        }
        if (victim == SIZE_MAX || !sandbox_host_alive(c->h) ||
            c->last_used < p->slots[victim]->last_used)
            victim = i;
    }
    if (s == NULL) {
        if (p->nslots == p->max_hosts) {
            if (victim == SIZE_MAX)
                return ph_errf(err, PH_EINTERNAL, "every one of the %zu sandbox hosts is busy",
                               p->max_hosts);
            slot_free(p->slots[victim]);
            p->slots[victim] = p->slots[--p->nslots];
            p->slots[p->nslots] = NULL;
        }
        rc = slot_start(ex, &s, err);
        if (rc != PH_OK)
            return rc;
        assert(p->nslots < p->max_hosts);
        p->slots[p->nslots++] = s;
        p->hosts_started++;
    }
    s->busy = 1;
    s->last_used = ++p->tick;
    *out = s;
    return PH_OK;
}

/* Drop a slot whose host died, so the next acquire starts a new one. */
static void pool_drop(struct worker_pool *p, struct host_slot *s)
{
    for (size_t i = 0; i < p->nslots; i++) {
        if (p->slots[i] == s) {
            p->slots[i] = p->slots[--p->nslots];
            p->slots[p->nslots] = NULL;
            s->busy = 0;
            slot_free(s);
            return;
        }
    }
    assert(0 && "slot not in its pool");
}

/* The job for the worker: everything of `spec` that is not the exercise. */
static char *make_job(const struct worker_spec *spec, const char *nonce, const char *module_copy)
{
    cJSON *job = cJSON_CreateObject(), *only;
    char *text = NULL;

    if (job == NULL)
        return NULL;
    cJSON_AddStringToObject(job, "n", nonce);
    cJSON_AddNumberToObject(job, "role", (double)spec->role);
    cJSON_AddStringToObject(job, "module", module_copy);
    cJSON_AddStringToObject(job, "display",
                            spec->display_name ? spec->display_name : "submission.py");
    if (spec->params != NULL)
        cJSON_AddItemToObject(job, "params", cJSON_Duplicate(spec->params, 1));
    if (spec->seed != 0) {
        char hex[17];

        snprintf(hex, sizeof hex, "%016llx", (unsigned long long)spec->seed);
        cJSON_AddStringToObject(job, "seed", hex);
    }
    if (spec->only != NULL) {
        only = cJSON_AddArrayToObject(job, "only");
        for (size_t i = 0; only != NULL && i < spec->nonly; i++)
            cJSON_AddItemToArray(only, cJSON_CreateString(spec->only[i]));
    }
    text = cJSON_PrintUnformatted(job);
    cJSON_Delete(job);
    return text;
}

/*
 * A run in flight (worker.h).  Its life: READING while any of its three
 * pipes is open (the loop that decides how it ended), EXITING when the
 * pipes closed before the host reported the end (a worker that closed them
 * is exiting: it gets EXIT_WAIT_NS to do so by itself, so that a clean exit
 * is not mistaken for our kill), DONE once reaped and its result complete.
 * Every step takes what is ready and never blocks, so one caller can drive
 * several jobs over one poll().
 */
enum job_phase {
    JOB_READING,
    JOB_EXITING,
    JOB_DONE,
};

struct worker_job {
    struct worker_pool *pool;
    struct host_slot *slot;
    struct run r;
    struct worker_result res;
    struct sandbox_run run;
    char module_copy[sizeof((struct sandbox_run *)0)->scratch + 32];
    int fds[3]; /* results, stdout, stderr (read ends); -1 once closed */
    enum job_phase phase;
    int64_t t0, exited_at, exit_until;
    struct stall_limit run_limit;
    int status, reaped, killed_for;
    char kill_detail[256];
    enum ph_rc rc; /* the harness's own failure, if any (err says what) */
    struct ph_err err;
};

static void slot_release(struct worker_pool *p, struct host_slot *s);

/* Stop the run now and collect it: nothing of a run outlives it (the host
 * reports the end only once every process of the run is gone). */
static void job_abort(struct worker_job *j)
{
    if (j->reaped)
        return;
    sandbox_run_abort(j->slot->h);
    (void)sandbox_run_wait(j->slot->h, -1, &j->status, &j->res.ru);
    j->reaped = 1;
}

/* The run is over: collect what it sent, decide how it ended, and give its
 * host and folder back (DONE). */
static void job_complete(struct worker_job *j)
{
    struct run *r = &j->r;
    struct worker_result *res = &j->res;

    assert(j->phase != JOB_DONE);
    job_abort(j);
    res->lost = sandbox_run_lost(j->slot->h);
    res->killed_by_us = j->killed_for >= 0;
    res->wall_ns = measure_now_ns() - j->t0;
    res->out = dynbuf_take(&r->out, &res->out_len);
    res->errout = dynbuf_take(&r->err, &res->err_len);
    /* What the submission printed goes into reports as text: valid UTF-8,
     * no NUL to cut it short (judge.c scrubs again what it joins and cuts). */
    if (res->out != NULL)
        (void)fileio_utf8_scrub(res->out, res->out_len);
    if (res->errout != NULL)
        (void)fileio_utf8_scrub(res->errout, res->err_len);
    classify(r, j->status, j->killed_for, j->kill_detail);
    if (res->end != WORKER_END_OK && res->running_check >= 0) {
        struct worker_check *c = &res->checks[res->running_check];
        char where[256] = "";

        assert(c->frame == NULL);
        if (res->end == WORKER_END_TIMEOUT || res->end == WORKER_END_CPU)
            hung_line(res, r->module_copy, r->spec->display_name, where, sizeof where);
        c->stopped = 1;
        c->stop = res->end;
        snprintf(c->stop_detail, sizeof c->stop_detail, "%s%s", res->detail, where);
    }
    for (int i = 0; i < 3; i++) {
        if (j->fds[i] >= 0)
            close(j->fds[i]);
        j->fds[i] = -1;
    }
    if (r->proto_error[0] == '\0' && proto_reader_pending(&r->reader) > 0 &&
        res->end == WORKER_END_OK) {
        res->end = WORKER_END_PROTOCOL;
        set_detail(res, "%s", "the result stream ended with a truncated message");
    }
    proto_reader_cleanup(&r->reader);
    dynbuf_free(&r->out);
    dynbuf_free(&r->err);
    slot_release(j->pool, j->slot);
    j->slot = NULL;
    if (j->run.scratch[0] != '\0')
        fileio_rmtree(j->run.scratch);
    j->run.scratch[0] = '\0';
    j->phase = JOB_DONE;
}

/* The reading loop is over (pipes closed, a kill decided, the grace after
 * the worker's exit spent): wait for its exit, or complete it now. */
static void job_stop_reading(struct worker_job *j, int64_t now)
{
    if (!j->reaped && j->killed_for < 0) {
        j->exit_until =
            now + EXIT_WAIT_NS < j->run_limit.due_ns ? now + EXIT_WAIT_NS : j->run_limit.due_ns;
        j->phase = JOB_EXITING;
        return;
    }
    job_complete(j);
}

/* What READING does before it waits: the deadlines, the host's report of
 * the end, the progress tick.  Returns the time it must look again by. */
static int64_t job_before_wait(struct worker_job *j, int64_t now)
{
    struct run *r = &j->r;
    struct worker_result *res = &j->res;
    const struct exercise_limits *lim = &r->spec->ex->limits;
    int check_over, run_over;
    int64_t until;

    if (j->phase == JOB_EXITING) {
        if (sandbox_run_wait(j->slot->h, 0, &j->status, &res->ru) == 1)
            j->reaped = 1;
        if (j->reaped || now >= j->exit_until)
            job_complete(j);
        return j->exit_until;
    }
    check_over = res->running_check >= 0 && stall_limit_reached(&r->check_limit, now);
    run_over = stall_limit_reached(&j->run_limit, now);
    until = j->run_limit.due_ns;
    if (res->running_check >= 0 && r->check_limit.due_ns < until)
        until = r->check_limit.due_ns;
    if (res->running_check >= 0 && r->spec->progress != NULL)
        progress(r, RUN_PROGRESS_TICK, (size_t)res->running_check, 0,
                 now - res->checks[res->running_check].elapsed_ns);
    if (check_over || run_over) {
        char waived[128] = "";
        int64_t w = stall_limit_waived_ns(check_over ? &r->check_limit : &j->run_limit, now);

        if (w >= 500000000)
            snprintf(waived, sizeof waived,
                     " (not counting %.1f s when the machine's CPUs were oversubscribed)",
                     (double)w / 1e9);
        j->killed_for = WORKER_END_TIMEOUT;
        if (check_over) {
            long ci = exercise_find_check(r->spec->ex, res->checks[res->running_check].name);
            snprintf(j->kill_detail, sizeof j->kill_detail, "check %s ran past its %g s limit%s",
                     res->checks[res->running_check].name,
                     ci >= 0 ? r->spec->ex->checks[ci].timeout_s : lim->wall_s, waived);
        } else {
            snprintf(j->kill_detail, sizeof j->kill_detail,
                     "the run took longer than its %g s limit%s", lim->wall_s, waived);
        }
        job_stop_reading(j, now);
        return now;
    }
    if (!j->reaped && sandbox_run_wait(j->slot->h, 0, &j->status, &res->ru) == 1) {
        j->reaped = 1;
        j->exited_at = now;
    }
    /* Descendants may keep the pipes open after the worker is gone. */
    if (j->reaped && now - j->exited_at > EXIT_GRACE_NS) {
        job_stop_reading(j, now);
        return now;
    }
    if (j->reaped && j->exited_at + EXIT_GRACE_NS < until)
        until = j->exited_at + EXIT_GRACE_NS + 1;
    return until;
}

/* Take what poll() found on the job's pipes (`revents` per fds[]). */
static void job_after_wait(struct worker_job *j, const short revents[3])
{
    struct run *r = &j->r;
    struct worker_result *res = &j->res;
    const struct exercise_limits *lim = &r->spec->ex->limits;
    int open_fds = 0;

    for (int which = 0; which < 3; which++) {
        int eof;

        if (j->fds[which] < 0 || !(revents[which] & (POLLIN | POLLHUP | POLLERR)))
            continue;
        if (which == 0) {
            eof = pump_results(r, j->fds[0]);
            if (eof < 0) {
                j->killed_for = WORKER_END_PROTOCOL;
                snprintf(j->kill_detail, sizeof j->kill_detail, "%s", r->proto_error);
                job_stop_reading(j, measure_now_ns());
                return;
            }
        } else {
            eof = pump_output(j->fds[which], which == 1 ? &r->out : &r->err, &res->output_bytes);
        }
        if (eof) {
            close(j->fds[which]);
            j->fds[which] = -1;
        }
    }
    if (res->output_bytes > lim->output_bytes) {
        char hs[32];
        j->killed_for = WORKER_END_OUTPUT;
        snprintf(j->kill_detail, sizeof j->kill_detail, "wrote more than %s to stdout/stderr",
                 fileio_human_size((double)lim->output_bytes, hs, sizeof hs));
        job_stop_reading(j, measure_now_ns());
        return;
    }
    for (int i = 0; i < 3; i++)
        open_fds += j->fds[i] >= 0;
    if (open_fds == 0)
        job_stop_reading(j, measure_now_ns());
}

/* Give a slot back after a run: kept when its host lives, else dropped. */
static void slot_release(struct worker_pool *p, struct host_slot *s)
{
    if (s == NULL)
        return;
    if (sandbox_host_alive(s->h))
        s->busy = 0;
    else
        pool_drop(p, s);
}

static void job_free(struct worker_job *j)
{
    if (j == NULL)
        return;
    for (int i = 0; i < 3; i++)
        if (j->fds[i] >= 0)
            close(j->fds[i]);
    worker_result_cleanup(&j->res);
    free(j);
}

enum ph_rc worker_start(struct worker_pool *pool, const struct worker_spec *spec,
                        struct worker_job **out, struct ph_err *err)
{
    const struct exercise *ex = spec->ex;
    struct worker_job *j = calloc(1, sizeof *j);
    struct worker_result *res;
    struct host_slot *slot = NULL;
    int pres[2] = {-1, -1}, pout[2] = {-1, -1}, perr[2] = {-1, -1};
    int fds[3];
    enum ph_rc rc = PH_EINTERNAL;
    char *job = NULL;
    size_t i;

    *out = NULL;
    if (j == NULL)
        return ph_errf(err, PH_ENOMEM, "out of memory");
    res = &j->res;
    j->pool = pool;
    j->fds[0] = j->fds[1] = j->fds[2] = -1;
    j->killed_for = -1;
    j->run.scratch[0] = '\0';
    res->role = spec->role;
    res->exit_status = -1;
    res->running_check = -1;
    res->nchecks = spec->only ? spec->nonly : ex->nchecks;
    res->checks = calloc(res->nchecks ? res->nchecks : 1, sizeof *res->checks);
    if (res->checks == NULL) {
        rc = ph_errf(err, PH_ENOMEM, "out of memory");
        goto fail;
    }
    for (i = 0; i < res->nchecks; i++) {
        long idx;
        if (spec->only != NULL &&
            strncmp(spec->only[i], WORKER_WORKLOAD_PREFIX, strlen(WORKER_WORKLOAD_PREFIX)) == 0) {
            res->checks[i].name = spec->only[i];
            continue;
        }
        idx = spec->only ? exercise_find_check(ex, spec->only[i]) : (long)i;
        if (idx < 0) {
            rc = ph_errf(err, PH_EINPUT, "%s: no check named \"%s\"", ex->json_path, spec->only[i]);
            goto fail;
        }
        res->checks[i].name = ex->checks[idx].name;
    }
    rc = make_nonce(j->r.nonce, sizeof j->r.nonce, err);
    if (rc != PH_OK)
        goto fail;
    if (pipe2(pres, O_CLOEXEC) != 0 || pipe2(pout, O_CLOEXEC) != 0 || pipe2(perr, O_CLOEXEC) != 0) {
        rc = ph_errf(err, PH_EIO, "pipe: %s", strerror(errno));
        goto fail;
    }
    fds[0] = pout[1];
    fds[1] = perr[1];
    fds[2] = pres[1];
    /* A host that died since the last run (killed from outside, out of
     * memory) is replaced once. */
    for (int attempt = 0; attempt < 2; attempt++) {
        if (j->run.scratch[0] != '\0')
            fileio_rmtree(j->run.scratch);
        j->run.scratch[0] = '\0';
        free(job);
        job = NULL;
        if (slot != NULL)
            pool_drop(pool, slot);
        slot = NULL;
        rc = pool_acquire(pool, ex, &slot, err);
        if (rc == PH_OK)
            rc = sandbox_run_new(slot->h, &j->run, err);
        if (rc != PH_OK) {
            j->run.scratch[0] = '\0';
            goto fail;
        }
        rc = place_module(spec, j->run.scratch, j->module_copy, sizeof j->module_copy, err);
        if (rc != PH_OK)
            goto fail;
        job = make_job(spec, j->r.nonce, j->module_copy);
        if (job == NULL) {
            rc = ph_errf(err, PH_ENOMEM, "out of memory");
            goto fail;
        }
        rc = sandbox_run_start(slot->h, &j->run, job, strlen(job), fds, err);
        if (rc == PH_OK || sandbox_host_alive(slot->h))
            break;
    }
    if (rc != PH_OK)
        goto fail;
    free(job);
    close(pres[1]);
    close(pout[1]);
    close(perr[1]);
    j->fds[0] = pres[0];
    j->fds[1] = pout[0];
    j->fds[2] = perr[0];
    for (i = 0; i < 3; i++)
        fcntl(j->fds[i], F_SETFL, O_NONBLOCK);
    j->slot = slot;
    j->r.spec = spec;
    j->r.res = res;
    j->r.module_copy = j->module_copy;
    dynbuf_init(&j->r.out, ex->limits.output_bytes);
    dynbuf_init(&j->r.err, ex->limits.output_bytes);
    proto_reader_init(&j->r.reader);
    j->t0 = measure_now_ns();
    stall_limit_start(&j->run_limit, j->t0, ex->limits.wall_s, LIMIT_STRETCH);
    j->phase = JOB_READING;
    *out = j;
    return PH_OK;
fail:
    slot_release(pool, slot);
    for (i = 0; i < 2; i++) {
        if (pres[i] >= 0)
            close(pres[i]);
        if (pout[i] >= 0)
            close(pout[i]);
        if (perr[i] >= 0)
            close(perr[i]);
    }
    free(job);
    if (j->run.scratch[0] != '\0')
        fileio_rmtree(j->run.scratch);
    job_free(j);
    return rc;
}

int worker_job_done(const struct worker_job *j)
{
    return j->phase == JOB_DONE;
}

size_t worker_poll(struct worker_job *const *jobs, size_t n, int timeout_ms)
{
    struct pollfd pfd[3 * WORKER_POLL_MAX];
    size_t owner[3 * WORKER_POLL_MAX];
    short revents[WORKER_POLL_MAX][3];
    int64_t now = measure_now_ns(), until = INT64_MAX;
    int64_t wait_ms;
    nfds_t np = 0;
    size_t done = 0, live = 0;
    int exiting = 0;

    assert(n <= WORKER_POLL_MAX);
    for (size_t i = 0; i < n; i++) {
        struct worker_job *j = jobs[i];
        int64_t t;

        if (j == NULL || j->phase == JOB_DONE)
            continue;
        t = job_before_wait(j, now);
        if (j->phase == JOB_DONE)
            continue;
        live++;
        if (t < until)
            until = t;
        if (j->phase == JOB_EXITING) {
            exiting++;
            continue;
        }
        for (int k = 0; k < 3; k++) {
            if (j->fds[k] < 0)
                continue;
            pfd[np].fd = j->fds[k];
            pfd[np].events = POLLIN;
            pfd[np].revents = 0;
            owner[np++] = i * 3 + (size_t)k;
        }
    }
    if (live == 1 && exiting == 1 && timeout_ms < 0) {
        /* One run, and it is exiting: wait on the host for it (no pipe is
         * left to wake us), as long as it may take. */
        for (size_t i = 0; i < n; i++) {
            struct worker_job *j = jobs[i];

            if (j == NULL || j->phase != JOB_EXITING)
                continue;
            if (wait_end(j->slot->h, j->exit_until, &j->status, &j->res.ru))
                j->reaped = 1;
            job_complete(j);
        }
    } else if (live > 0) {
        wait_ms = (until - now) / 1000000 + 1;
        if (wait_ms > POLL_SLICE_MS)
            wait_ms = POLL_SLICE_MS;
        /* A run waiting to be reaped is looked at again soon: its host,
         * not a pipe, says when it ended. */
        if (exiting > 0 && wait_ms > EXIT_SLICE_MS)
            wait_ms = EXIT_SLICE_MS;
        if (timeout_ms >= 0 && wait_ms > timeout_ms)
            wait_ms = timeout_ms;
        if (wait_ms < 0)
            wait_ms = 0;
        if (poll(pfd, np, (int)wait_ms) < 0 && errno != EINTR) {
            int e = errno;

            for (size_t i = 0; i < n; i++) {
                struct worker_job *j = jobs[i];

                if (j == NULL || j->phase == JOB_DONE)
                    continue;
                j->rc = ph_errf(&j->err, PH_EIO, "poll: %s", strerror(e));
                j->killed_for = WORKER_END_SIGNAL;
                snprintf(j->kill_detail, sizeof j->kill_detail, "the harness could not poll: %s",
                         strerror(e));
                job_complete(j);
            }
        } else {
            memset(revents, 0, sizeof revents);
            for (nfds_t k = 0; k < np; k++)
                revents[owner[k] / 3][owner[k] % 3] = pfd[k].revents;
            for (size_t i = 0; i < n; i++)
                if (jobs[i] != NULL && jobs[i]->phase == JOB_READING)
                    job_after_wait(jobs[i], revents[i]);
        }
    }
    for (size_t i = 0; i < n; i++)
        done += jobs[i] != NULL && jobs[i]->phase == JOB_DONE;
    return done;
}

enum ph_rc worker_finish(struct worker_job *j, struct worker_result *res, struct ph_err *err)
{
    enum ph_rc rc;

    memset(res, 0, sizeof *res);
    if (j == NULL)
        return ph_errf(err, PH_EINTERNAL, "worker_finish: no run to finish");
    while (j->phase != JOB_DONE)
        (void)worker_poll(&j, 1, -1);
    rc = j->rc;
    if (rc != PH_OK)
        *err = j->err;
    *res = j->res;
    memset(&j->res, 0, sizeof j->res);
    job_free(j);
    return rc;
}

void worker_cancel(struct worker_job *j)
{
    if (j == NULL)
        return;
    if (j->phase != JOB_DONE) {
        j->killed_for = WORKER_END_TIMEOUT;
        snprintf(j->kill_detail, sizeof j->kill_detail, "the run was cancelled");
        job_complete(j);
    }
    job_free(j);
}

enum ph_rc worker_run(struct worker_pool *pool, const struct worker_spec *spec,
                      struct worker_result *res, struct ph_err *err)
{
    struct worker_job *j = NULL;
    enum ph_rc rc;

    memset(res, 0, sizeof *res);
    rc = worker_start(pool, spec, &j, err);
    if (rc != PH_OK)
        return rc;
    return worker_finish(j, res, err);
}
