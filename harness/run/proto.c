/* proto.c - see proto.h. */
#include "proto.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static enum ph_rc write_all(int fd, const void *data, size_t n, struct ph_err *err)
{
    const char *p = data;

    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return ph_errf(err, PH_EIO, "result pipe: %s", strerror(errno));
        p += w;
        n -= (size_t)w;
    }
    return PH_OK;
}

enum ph_rc proto_queue(struct proto_out *q, const cJSON *frame, struct ph_err *err)
{
    char *text = cJSON_PrintUnformatted(frame);
    unsigned char *p;
    size_t n;

    if (text == NULL)
        return ph_errf(err, PH_ENOMEM, "out of memory serialising a frame");
    n = strlen(text);
    if (n > PROTO_FRAME_MAX) {
        free(text);
        return ph_errf(err, PH_ELIMIT, "frame of %zu bytes exceeds the %u-byte cap", n,
                       PROTO_FRAME_MAX);
    }
    if (q->cap - q->len < n + 4) {
        size_t cap = q->cap ? q->cap : 4096;
        char *grown;

        while (cap - q->len < n + 4)
            cap *= 2;
        grown = realloc(q->buf, cap);
        if (grown == NULL) {
            free(text);
            return ph_errf(err, PH_ENOMEM, "out of memory queueing a frame");
        }
        q->buf = grown;
        q->cap = cap;
    }
    p = (unsigned char *)q->buf + q->len;
    p[0] = (unsigned char)(n & 0xff);
    p[1] = (unsigned char)((n >> 8) & 0xff);
    p[2] = (unsigned char)((n >> 16) & 0xff);
    p[3] = (unsigned char)((n >> 24) & 0xff);
    memcpy(p + 4, text, n);
    q->len += n + 4;
    free(text);
    return PH_OK;
}

enum ph_rc proto_flush(struct proto_out *q, int fd, struct ph_err *err)
{
    enum ph_rc rc = q->len > 0 ? write_all(fd, q->buf, q->len, err) : PH_OK;

    q->len = 0;
    return rc;
}

void proto_out_cleanup(struct proto_out *q)
{
    free(q->buf);
    memset(q, 0, sizeof *q);
}

enum ph_rc proto_write(int fd, const cJSON *frame, struct ph_err *err)
{
    struct proto_out q = {0};
    enum ph_rc rc = proto_queue(&q, frame, err);

    if (rc == PH_OK)
        rc = proto_flush(&q, fd, err);
    proto_out_cleanup(&q);
    return rc;
}

void proto_reader_init(struct proto_reader *r)
{
    memset(r, 0, sizeof *r);
}

void proto_reader_cleanup(struct proto_reader *r)
{
    free(r->buf);
    memset(r, 0, sizeof *r);
}

enum ph_rc proto_reader_feed(struct proto_reader *r, const void *data, size_t n, struct ph_err *err)
{
    if (r->total + n > PROTO_STREAM_MAX)
        return ph_errf(err, PH_ELIMIT, "worker sent more than %u bytes of results",
                       PROTO_STREAM_MAX);
    if (r->len + n > r->cap) {
        size_t nc = r->cap ? r->cap : 4096;
        unsigned char *t;
        while (nc < r->len + n)
            nc *= 2;
        t = realloc(r->buf, nc);
        if (t == NULL)
            return ph_errf(err, PH_ENOMEM, "out of memory reading worker results");
        r->buf = t;
        r->cap = nc;
    }
    memcpy(r->buf + r->len, data, n);
    r->len += n;
    r->total += n;
    return PH_OK;
}

int proto_reader_next(struct proto_reader *r, cJSON **frame, struct ph_err *err)
{
    uint32_t n;
    cJSON *obj;

    *frame = NULL;
    if (r->len < 4)
        return 0;
    n = (uint32_t)r->buf[0] | (uint32_t)r->buf[1] << 8 | (uint32_t)r->buf[2] << 16 |
        (uint32_t)r->buf[3] << 24;
    if (n == 0 || n > PROTO_FRAME_MAX) {
        ph_errf(err, PH_EPROTO, "malformed result stream: frame length %u", n);
        return -1;
    }
    if (r->len - 4 < n)
        return 0;
    obj = cJSON_ParseWithLength((const char *)r->buf + 4, n);
    memmove(r->buf, r->buf + 4 + n, r->len - 4 - n);
    r->len -= 4 + n;
    if (obj == NULL || !cJSON_IsObject(obj)) {
        cJSON_Delete(obj);
        ph_errf(err, PH_EPROTO, "malformed result stream: a frame is not a JSON object");
        return -1;
    }
    *frame = obj;
    return 1;
}

size_t proto_reader_pending(const struct proto_reader *r)
{
    return r->len;
}
