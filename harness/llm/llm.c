/*
 * llm.c - see llm.h.
 *
 * The batch runs on one thread around one curl multi handle: transfers are
 * started while fewer than `concurrency` are in flight and the per-minute
 * token bucket allows, and each finished transfer either completes its job or
 * schedules a retry at a time chosen by exponential backoff (or Retry-After
 * when the server asks for longer).  One multi handle means one connection
 * cache, so consecutive requests to the same host reuse keep-alive
 * connections instead of paying a TCP/TLS handshake each.
 *
 * The API key is copied only into the header list handed to curl; messages
 * built from a server's reply are scrubbed of it in case a proxy echoes
 * request headers back.
 */
#include "llm.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cjson/cJSON.h>
#include <curl/curl.h>

#include <curl/curl.h>

#include "llm_config.h"
#include "llm_prompt.h"
#include "llm_rate.h"
#include "llm_response.h"
#include "dynbuf.h"

/* How much of an error reply goes into a message. */
#define SNIPPET_MAX 200
/* A watched batch wakes this often to say it is still waiting. */
#define WATCH_TICK_S 0.1
/* Replies answered 200 but unusable are retried this many times. */
#define BAD_REPLY_RETRIES 1
#define ANTHROPIC_VERSION "2023-06-01"

enum xfer_state { X_READY, X_WAITING, X_RUNNING, X_DONE };

struct xfer {
    struct llm_job *job;
    char *body;
    struct dynbuf resp;
    int overflow;         /* the reply went over LLM_RESPONSE_MAX */
    char retry_after[64]; /* this attempt's Retry-After header, or "" */
    enum xfer_state state;
    double ready_at;      /* X_WAITING: monotonic seconds */
    unsigned retries;     /* transient failures retried so far */
    unsigned bad_replies; /* unusable 200 replies retried so far */
    CURL *easy;
    char errbuf[CURL_ERROR_SIZE];
};

struct batch {
    const struct llm_config *cfg;
    CURLM *multi;
    struct curl_slist *headers;
    struct xfer *x;
    size_t n, ndone;
    CURL **idle; /* finished easy handles kept for reuse */
    size_t nidle;
    unsigned running;
    struct llm_bucket bucket;
    uint64_t rng;
    const struct llm_watch *watch; /* may be NULL */
    double began;                  /* now_s() when the batch began */
};

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc;

static void curl_init_once(void)
{
    curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Overwrite any copy of the key in a message built from a server's reply. */
static void redact(char *msg, const char *key)
{
    size_t klen;
    char *hit;

    if (key == NULL)
        return;
    klen = strlen(key);
    if (klen < 4)
        return;
    for (hit = strstr(msg, key); hit != NULL; hit = strstr(hit + klen, key))
        memset(hit, '*', klen);
}

static void job_fail(struct batch *b, struct xfer *x, enum ph_rc rc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void job_fail(struct batch *b, struct xfer *x, enum ph_rc rc, const char *fmt, ...)
{
    char msg[PH_ERR_MSG_MAX];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    redact(msg, b->cfg->api_key);
    x->job->rc = ph_errf(&x->job->err, rc, "%s: %s", llm_provider_name(b->cfg->provider), msg);
    x->state = X_DONE;
    b->ndone++;
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *userp)
{
    struct xfer *x = userp;
    size_t n = size * nmemb;

    if (dynbuf_add(&x->resp, data, n, NULL) != PH_OK) {
        x->overflow = 1;
        return 0; /* curl aborts the transfer with CURLE_WRITE_ERROR */
    }
    return n;
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *userp)
{
    struct xfer *x = userp;
    size_t n = size * nmemb;
    static const char name[] = "retry-after:";

    /* A new status line starts a new response (after a 100 Continue). */
    if (n >= 5 && strncmp(data, "HTTP/", 5) == 0)
        x->retry_after[0] = '\0';
    if (n > sizeof name - 1 && strncasecmp(data, name, sizeof name - 1) == 0) {
        size_t vlen = n - (sizeof name - 1);
        if (vlen >= sizeof x->retry_after)
            vlen = sizeof x->retry_after - 1;
        memcpy(x->retry_after, data + sizeof name - 1, vlen);
        x->retry_after[vlen] = '\0';
    }
    return n;
}

static enum ph_rc start(struct batch *b, struct xfer *x, struct ph_err *err)
{
    CURL *e = b->nidle > 0 ? b->idle[--b->nidle] : curl_easy_init();
    long timeout_ms = (long)(b->cfg->timeout_s * 1000);

    if (e == NULL)
        return ph_errf(err, PH_ENOMEM, "curl_easy_init failed");
    dynbuf_free(&x->resp);
    x->overflow = 0;
    x->retry_after[0] = '\0';
    x->errbuf[0] = '\0';
    curl_easy_setopt(e, CURLOPT_URL, b->cfg->endpoint);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, b->headers);
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, x->body);
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(x->body));
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, x);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, x);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, x->errbuf);
    curl_easy_setopt(e, CURLOPT_PRIVATE, x);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, timeout_ms);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms < 10000 ? timeout_ms : 10000L);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    /* A redirect could carry the key to another host; providers never redirect. */
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(e, CURLOPT_USERAGENT, "pyharness/" PH_VERSION);
    if (curl_multi_add_handle(b->multi, e) != CURLM_OK) {
        curl_easy_cleanup(e);
        return ph_errf(err, PH_EINTERNAL, "curl_multi_add_handle failed");
    }
    x->easy = e;
    x->state = X_RUNNING;
    x->job->requests++;
    b->running++;
    return PH_OK;
}

static int transient_curl(CURLcode c)
{
    switch (c) {
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
        return 1;
    default:
        return 0;
    }
}

/* A printable excerpt of an error reply, for messages. */
static void snippet(const struct xfer *x, char *out, size_t cap)
{
    size_t n = x->resp.len < SNIPPET_MAX ? x->resp.len : SNIPPET_MAX;
    size_t j = 0;

    for (size_t i = 0; i < n && j + 1 < cap; i++) {
        unsigned char c = (unsigned char)x->resp.buf[i];
        out[j++] = (c >= ' ' && c < 0x7f) ? (char)c : ' ';
    }
    out[j] = '\0';
}

/* Tell the batch's watcher, if any, that `x` is sent again after delay_ms. */
static void tell_retry(struct batch *b, const struct xfer *x, char *why, unsigned retry,
                       unsigned retries, long delay_ms)
{
    struct llm_event ev;

    if (b->watch == NULL || b->watch->fn == NULL)
        return;
    redact(why, b->cfg->api_key); /* a proxy may echo the request's headers back */
    memset(&ev, 0, sizeof ev);
    ev.kind = LLM_EVENT_RETRY;
    ev.job = (size_t)(x - b->x);
    ev.pending = b->n - b->ndone;
    ev.retry = retry;
    ev.retries = retries;
    ev.delay_ms = delay_ms;
    ev.why = why;
    ev.elapsed_s = now_s() - b->began;
    b->watch->fn(b->watch->ud, &ev);
}

static void finish(struct batch *b, struct xfer *x, CURLcode code)
{
    const struct llm_config *cfg = b->cfg;
    long status = 0;
    char snip[SNIPPET_MAX + 1];
    char what[PH_ERR_MSG_MAX];

    curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status);
    curl_multi_remove_handle(b->multi, x->easy);
    b->idle[b->nidle++] = x->easy;
    x->easy = NULL;
    b->running--;

    if (x->overflow) {
        job_fail(b, x, PH_ELIMIT, "the reply is over %d bytes", LLM_RESPONSE_MAX);
        return;
    }
    if (code == CURLE_OK && status >= 200 && status < 300) {
        struct ph_err perr;
        ph_err_clear(&perr);
        if (llm_parse_response(cfg->provider, cfg->model, x->job->task, x->job->answer,
                               x->resp.buf ? x->resp.buf : "", x->resp.len, &x->job->result,
                               &perr) == PH_OK) {
            x->job->rc = PH_OK;
            x->state = X_DONE;
            b->ndone++;
            return;
        }
        if (perr.rc == PH_EPROTO && x->bad_replies < BAD_REPLY_RETRIES) {
            x->bad_replies++;
            x->state = X_READY;
            snprintf(what, sizeof what, "an unusable reply (%s)", perr.msg);
            tell_retry(b, x, what, x->bad_replies, BAD_REPLY_RETRIES, 0);
            return;
        }
        job_fail(b, x, perr.rc, "unusable reply after %u requests: %s", x->job->requests, perr.msg);
        return;
    }
    if (code != CURLE_OK)
        snprintf(what, sizeof what, "%s", x->errbuf[0] ? x->errbuf : curl_easy_strerror(code));
    else {
        snippet(x, snip, sizeof snip);
        snprintf(what, sizeof what, "HTTP %ld: %s", status, snip);
    }
    int transient =
        code != CURLE_OK ? transient_curl(code) : status == 429 || status == 408 || status >= 500;
    if (transient && x->retries < cfg->max_retries) {
        long delay = llm_backoff_ms(++x->retries, &b->rng);
        long ra;
        if (x->retry_after[0] != '\0' && llm_parse_retry_after(x->retry_after, time(NULL), &ra) &&
            ra > delay)
            delay = ra;
        x->state = X_WAITING;
        x->ready_at = now_s() + (double)delay / 1000.0;
        tell_retry(b, x, what, x->retries, cfg->max_retries, delay);
        return;
    }
    if (transient)
        job_fail(b, x, PH_ENET, "gave up after %u requests to %s; last: %s", x->job->requests,
                 cfg->endpoint, what);
    else
        job_fail(b, x, PH_ENET, "%s from %s", what, cfg->endpoint);
}

static enum ph_rc batch_init(struct batch *b, const struct llm_config *cfg, struct llm_job *jobs,
                             size_t n, struct ph_err *err)
{
    char auth[4096];
    enum ph_rc rc;

    memset(b, 0, sizeof *b);
    b->cfg = cfg;
    b->n = n;
    b->rng = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32) ^ (uint64_t)(uintptr_t)b;
    llm_bucket_init(&b->bucket, cfg->rpm, cfg->concurrency < cfg->rpm ? cfg->concurrency : cfg->rpm,
                    now_s());
    pthread_once(&curl_once, curl_init_once);
    if (curl_init_rc != CURLE_OK)
        return ph_errf(err, PH_EINTERNAL, "curl_global_init failed: %s",
                       curl_easy_strerror(curl_init_rc));
    b->x = calloc(n ? n : 1, sizeof *b->x);
    b->idle = calloc(cfg->concurrency, sizeof *b->idle);
    b->multi = curl_multi_init();
    if (b->x == NULL || b->idle == NULL || b->multi == NULL)
        return ph_errf(err, PH_ENOMEM, "out of memory starting the LLM batch");
    curl_multi_setopt(b->multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)cfg->concurrency);
    curl_multi_setopt(b->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)cfg->concurrency);
    curl_multi_setopt(b->multi, CURLMOPT_MAXCONNECTS, (long)cfg->concurrency);

    struct curl_slist *h = NULL;
    const char *fixed[] = {
        "Content-Type: application/json", "Accept: application/json",
        /* Expect: 100-continue costs a round trip (or a second
         * with servers that ignore it) for every prompt over 1 KiB. */
        "Expect:", cfg->provider == LLM_ANTHROPIC ? "anthropic-version: " ANTHROPIC_VERSION : NULL};
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
        if (fixed[i] == NULL)
            continue;
        struct curl_slist *t = curl_slist_append(h, fixed[i]);
        if (t == NULL)
            goto oom;
        h = t;
    }
    if (cfg->api_key != NULL) {
        int len = snprintf(auth, sizeof auth, "%s%s",
                           llm_provider_openai_wire(cfg->provider) ? "Authorization: Bearer "
                                                                   : "x-api-key: ",
                           cfg->api_key);
        if (len < 0 || (size_t)len >= sizeof auth) {
            explicit_bzero(auth, sizeof auth);
            curl_slist_free_all(h);
            return ph_errf(err, PH_EINPUT, "the API key is longer than %zu bytes",
                           sizeof auth - 40);
        }
        struct curl_slist *t = curl_slist_append(h, auth);
        explicit_bzero(auth, sizeof auth);
        if (t == NULL)
            goto oom;
        h = t;
    }
    b->headers = h;

    for (size_t i = 0; i < n; i++) {
        struct xfer *x = &b->x[i];
        x->job = &jobs[i];
        dynbuf_init(&x->resp, LLM_RESPONSE_MAX);
        x->state = X_READY;
        memset(&jobs[i].result, 0, sizeof jobs[i].result);
        jobs[i].rc = PH_OK;
        jobs[i].requests = 0;
        ph_err_clear(&jobs[i].err);
        rc = llm_build_request(cfg, jobs[i].task, jobs[i].answer, &x->body, &jobs[i].err);
        if (rc != PH_OK) {
            jobs[i].rc = rc;
            x->state = X_DONE;
            b->ndone++;
        }
    }
    return PH_OK;
oom:
    curl_slist_free_all(h);
    return ph_errf(err, PH_ENOMEM, "out of memory starting the LLM batch");
}

static void batch_cleanup(struct batch *b)
{
    for (size_t i = 0; b->x != NULL && i < b->n; i++) {
        struct xfer *x = &b->x[i];
        if (x->easy != NULL) {
            curl_multi_remove_handle(b->multi, x->easy);
            curl_easy_cleanup(x->easy);
        }
        dynbuf_free(&x->resp);
        free(x->body);
    }
    for (size_t i = 0; i < b->nidle; i++)
        curl_easy_cleanup(b->idle[i]);
    if (b->multi != NULL)
        curl_multi_cleanup(b->multi);
    curl_slist_free_all(b->headers); /* holds the key: curl frees, cannot wipe */
    free(b->idle);
    free(b->x);
}

enum ph_rc llm_score_watched(const struct llm_config *cfg, struct llm_job *jobs, size_t n,
                             const struct llm_watch *watch, struct ph_err *err)
{
    struct batch b;
    enum ph_rc rc;
    size_t next = 0; /* jobs are started roughly in order, for fairness */
    int watched = watch != NULL && watch->fn != NULL;

    rc = batch_init(&b, cfg, jobs, n, err);
    b.watch = watch;
    b.began = now_s();
    if (rc != PH_OK)
        goto out;
    while (b.ndone < b.n) {
        double now = now_s();
        /* poll at least once a second; often enough for a spinner when watched */
        double wake = now + (watched ? WATCH_TICK_S : 1.0);

        if (watched) {
            struct llm_event ev;
            memset(&ev, 0, sizeof ev);
            ev.kind = LLM_EVENT_WAITING;
            ev.pending = b.n - b.ndone;
            ev.elapsed_s = now - b.began;
            watch->fn(watch->ud, &ev);
        }
        int still, msgs;
        CURLMsg *m;

        /* Start whatever is due, within the concurrency and rate limits. */
        int rate_limited = 0;
        while (b.running < cfg->concurrency) {
            struct xfer *x = NULL;
            double wait = 0;
            for (size_t k = 0; k < b.n && x == NULL; k++) {
                struct xfer *c = &b.x[(next + k) % b.n];
                if (c->state == X_READY || (c->state == X_WAITING && c->ready_at <= now)) {
                    x = c;
                    next = (next + k + 1) % b.n;
                }
            }
            if (x == NULL)
                break;
            if (!llm_bucket_take(&b.bucket, now, &wait)) {
                rate_limited = 1;
                if (now + wait < wake)
                    wake = now + wait;
                break;
            }
            rc = start(&b, x, err);
            if (rc != PH_OK)
                goto out;
        }
        for (size_t i = 0; i < b.n; i++)
            if (b.x[i].state == X_WAITING && b.x[i].ready_at < wake)
                wake = b.x[i].ready_at;

        if (curl_multi_perform(b.multi, &still) != CURLM_OK) {
            rc = ph_errf(err, PH_EINTERNAL, "curl_multi_perform failed");
            goto out;
        }
        for (m = curl_multi_info_read(b.multi, &msgs); m != NULL;
             m = curl_multi_info_read(b.multi, &msgs)) {
            struct xfer *x = NULL;
            if (m->msg != CURLMSG_DONE)
                continue;
            curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&x);
            finish(&b, x, m->data.result);
        }
        if (b.ndone == b.n)
            break;
        int due = 0;
        for (size_t i = 0; i < b.n && !due; i++)
            due = b.x[i].state == X_READY;
        int ms = (int)((wake - now_s()) * 1000);
        if (due && b.running < cfg->concurrency && !rate_limited)
            ms = 0; /* a reply just failed validation: ask again at once */
        if (ms < 0)
            ms = 0;
        if (curl_multi_poll(b.multi, NULL, 0, ms, NULL) != CURLM_OK) {
            rc = ph_errf(err, PH_EINTERNAL, "curl_multi_poll failed");
            goto out;
        }
    }
    rc = PH_OK;
out:
    batch_cleanup(&b);
    return rc;
}
