/*
 * stt_http.c - see stt_http.h.
 *
 * HTTP/1.0 so that the answer is never chunked: the server closes the
 * connection after the body, and the body is read up to a cap.
 */
#include "stt_http.h"

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

/* A transcript is a few KiB; an error page not much more. */
#define STT_RESPONSE_MAX (1024 * 1024)
/* How long a transcription may take, connecting included. */
#define STT_TIMEOUT_S 120
#define STT_BOUNDARY "pyharness-stt-7f3a9c1e5b"

int stt_http_configured(void)
{
    const char *u = getenv("PYHARNESS_STT_URL");

    return u != NULL && u[0] != '\0';
}

struct url {
    char host[256];
    char port[8];
    char path[1024];
};

static enum ph_rc parse_url(const char *s, struct url *u, struct ph_err *err)
{
    const char *p, *slash, *colon;
    size_t hn;
    int n;

    if (strncmp(s, "http://", 7) != 0)
        return ph_errf(err, PH_EINPUT,
                       "PYHARNESS_STT_URL=%s: only http:// URLs are supported (a server on "
                       "this machine or its network)",
                       s);
    p = s + 7;
    slash = strchr(p, '/');
    if (slash == NULL)
        slash = p + strlen(p);
    colon = memchr(p, ':', (size_t)(slash - p));
    hn = (size_t)((colon != NULL ? colon : slash) - p);
    if (hn == 0 || hn >= sizeof u->host)
        return ph_errf(err, PH_EINPUT, "PYHARNESS_STT_URL=%s: no host", s);
    memcpy(u->host, p, hn);
    u->host[hn] = '\0';
    if (colon != NULL) {
        size_t pn = (size_t)(slash - colon - 1);
        if (pn == 0 || pn >= sizeof u->port || strspn(colon + 1, "0123456789") < pn)
            return ph_errf(err, PH_EINPUT, "PYHARNESS_STT_URL=%s: bad port", s);
        memcpy(u->port, colon + 1, pn);
        u->port[pn] = '\0';
    } else {
        snprintf(u->port, sizeof u->port, "80");
    }
    /* A base URL (".../v1") gets the endpoint's path added. */
    size_t len = strlen(slash);
    while (len > 0 && slash[len - 1] == '/')
        len--;
    n = strstr(slash, "/audio/transcriptions") != NULL
            ? snprintf(u->path, sizeof u->path, "%s", slash)
            : snprintf(u->path, sizeof u->path, "%.*s/audio/transcriptions", (int)len, slash);
    if (n < 0 || (size_t)n >= sizeof u->path)
        return ph_errf(err, PH_EINPUT, "PYHARNESS_STT_URL=%s: too long", s);
    return PH_OK;
}

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int send_all(int fd, const void *buf, size_t n, double deadline)
{
    const char *p = buf;

    while (n > 0) {
        struct pollfd pfd = {fd, POLLOUT, 0};
        double left = deadline - now_s();
        if (left <= 0 || poll(&pfd, 1, (int)(left * 1000) + 1) <= 0)
            return -1;
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* The WAV file bytes of `a`; caller frees. */
static unsigned char *wav_bytes(const struct voice_audio *a, size_t *len)
{
    size_t data = a->n * 2;
    unsigned char *b = malloc(44 + data);
    uint32_t v;

    if (b == NULL)
        return NULL;
    memcpy(b, "RIFF", 4);
    v = (uint32_t)(36 + data);
    memcpy(b + 4, (unsigned char[4]){v, v >> 8, v >> 16, v >> 24}, 4);
    memcpy(b + 8, "WAVEfmt \x10\x00\x00\x00\x01\x00\x01\x00", 16);
    v = (uint32_t)a->rate;
    memcpy(b + 24, (unsigned char[4]){v, v >> 8, v >> 16, v >> 24}, 4);
    v = (uint32_t)a->rate * 2;
    memcpy(b + 28, (unsigned char[4]){v, v >> 8, v >> 16, v >> 24}, 4);
    memcpy(b + 32,
           "\x02\x00\x10\x00"
           "data",
           8);
    v = (uint32_t)data;
    memcpy(b + 40, (unsigned char[4]){v, v >> 8, v >> 16, v >> 24}, 4);
    for (size_t i = 0; i < a->n; i++) {
        b[44 + 2 * i] = (unsigned char)(a->s[i] & 0xff);
        b[45 + 2 * i] = (unsigned char)((uint16_t)a->s[i] >> 8);
    }
    *len = 44 + data;
    return b;
}

enum ph_rc stt_http_transcribe(const struct voice_audio *a, char **text, struct ph_err *err)
{
    const char *url = getenv("PYHARNESS_STT_URL");
    const char *model = getenv("PYHARNESS_STT_MODEL");
    const char *key = getenv("PYHARNESS_STT_API_KEY");
    struct url u;
    struct addrinfo hints, *res = NULL;
    unsigned char *wav = NULL;
    char *resp = NULL, head[2048], pre[512], auth[600];
    const char post[] = "\r\n--" STT_BOUNDARY "--\r\n";
    size_t wav_len = 0, rlen = 0;
    int fd = -1, status = 0, n;
    double deadline = now_s() + STT_TIMEOUT_S;
    cJSON *doc = NULL;
    enum ph_rc rc = PH_ENET;

    *text = NULL;
    if (url == NULL || url[0] == '\0')
        return ph_errf(err, PH_EUSAGE, "PYHARNESS_STT_URL is not set");
    if (parse_url(url, &u, err) != PH_OK)
        return PH_EINPUT;
    if (model == NULL || model[0] == '\0')
        model = "whisper-1";
    wav = wav_bytes(a, &wav_len);
    resp = malloc(STT_RESPONSE_MAX + 1);
    if (wav == NULL || resp == NULL) {
        rc = ph_errf(err, PH_ENOMEM, "out of memory");
        goto out;
    }
    n = snprintf(pre, sizeof pre,
                 "--" STT_BOUNDARY
                 "\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\n%s\r\n"
                 "--" STT_BOUNDARY "\r\nContent-Disposition: form-data; "
                 "name=\"response_format\"\r\n\r\njson\r\n"
                 "--" STT_BOUNDARY "\r\nContent-Disposition: form-data; name=\"file\"; "
                 "filename=\"answer.wav\"\r\nContent-Type: audio/wav\r\n\r\n",
                 model);
    if (n < 0 || (size_t)n >= sizeof pre) {
        rc = ph_errf(err, PH_EINPUT, "PYHARNESS_STT_MODEL is too long");
        goto out;
    }
    auth[0] = '\0';
    if (key != NULL && key[0] != '\0' &&
        (size_t)snprintf(auth, sizeof auth, "Authorization: Bearer %s\r\n", key) >= sizeof auth) {
        rc = ph_errf(err, PH_EINPUT, "PYHARNESS_STT_API_KEY is too long");
        goto out;
    }
    n = snprintf(head, sizeof head,
                 "POST %s HTTP/1.0\r\nHost: %s:%s\r\nUser-Agent: pyharness\r\n%s"
                 "Content-Type: multipart/form-data; boundary=" STT_BOUNDARY "\r\n"
                 "Content-Length: %zu\r\nAccept: application/json\r\n\r\n",
                 u.path, u.host, u.port, auth, strlen(pre) + wav_len + strlen(post));
    if (n < 0 || (size_t)n >= sizeof head) {
        rc = ph_errf(err, PH_EINPUT, "PYHARNESS_STT_URL is too long");
        goto out;
    }
    memset(&hints, 0, sizeof hints);
    hints.ai_socktype = SOCK_STREAM;
    if (getaddrinfo(u.host, u.port, &hints, &res) != 0 || res == NULL) {
        rc = ph_errf(err, PH_ENET, "%s: cannot resolve %s", url, u.host);
        goto out;
    }
    fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, res->ai_addr, res->ai_addrlen) != 0) {
        rc = ph_errf(err, PH_ENET, "%s: cannot connect: %s", url, strerror(errno));
        goto out;
    }
    if (send_all(fd, head, strlen(head), deadline) != 0 ||
        send_all(fd, pre, strlen(pre), deadline) != 0 ||
        send_all(fd, wav, wav_len, deadline) != 0 ||
        send_all(fd, post, strlen(post), deadline) != 0) {
        rc = ph_errf(err, PH_ENET, "%s: sending the audio failed", url);
        goto out;
    }
    for (;;) {
        struct pollfd pfd = {fd, POLLIN, 0};
        double left = deadline - now_s();
        if (left <= 0 || poll(&pfd, 1, (int)(left * 1000) + 1) <= 0) {
            rc = ph_errf(err, PH_ENET, "%s: no answer within %d s", url, STT_TIMEOUT_S);
            goto out;
        }
        ssize_t r = recv(fd, resp + rlen, STT_RESPONSE_MAX - rlen, 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            rc = ph_errf(err, PH_ENET, "%s: %s", url, strerror(errno));
            goto out;
        }
        if (r == 0)
            break;
        rlen += (size_t)r;
        if (rlen == STT_RESPONSE_MAX) {
            rc = ph_errf(err, PH_EPROTO, "%s: answer over %d bytes", url, STT_RESPONSE_MAX);
            goto out;
        }
    }
    resp[rlen] = '\0';
    if (sscanf(resp, "HTTP/%*d.%*d %d", &status) != 1) {
        rc = ph_errf(err, PH_EPROTO, "%s: not an HTTP answer", url);
        goto out;
    }
    char *body = strstr(resp, "\r\n\r\n");
    body = body != NULL ? body + 4 : resp + rlen;
    if (status != 200) {
        rc = ph_errf(err, PH_ENET, "%s: HTTP %d: %.200s", url, status, body);
        goto out;
    }
    doc = cJSON_Parse(body);
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(doc, "text");
    if (!cJSON_IsString(t)) {
        rc = ph_errf(err, PH_EPROTO, "%s: the answer has no \"text\" string", url);
        goto out;
    }
    *text = strdup(t->valuestring);
    if (*text == NULL) {
        rc = ph_errf(err, PH_ENOMEM, "out of memory");
        goto out;
    }
    rc = PH_OK;
out:
    cJSON_Delete(doc);
    if (fd >= 0)
        close(fd);
    if (res != NULL)
        freeaddrinfo(res);
    free(resp);
    free(wav);
    return rc;
}
