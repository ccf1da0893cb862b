/* proto.c - see proto.h. */
#include "proto.h"

#include <assert.h>

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
    unsigned char head[PROTO_HEADER_LEN];
    enum ph_rc rc;
    size_t n;

    if (text == NULL)
        return ph_errf(err, PH_ENOMEM, "out of memory serialising a frame");
    n = strlen(text);
    if (n > PROTO_FRAME_MAX) {
        free(text);
        return ph_errf(err, PH_ELIMIT, "frame of %zu bytes exceeds the %u-byte cap", n,
                       PROTO_FRAME_MAX);
    }
    if (q->b.max == 0)
        q->b.max = PROTO_STREAM_MAX;
    head[0] = (unsigned char)(n & 0xff);
    head[1] = (unsigned char)((n >> 8) & 0xff);
    head[2] = (unsigned char)((n >> 16) & 0xff);
    head[3] = (unsigned char)((n >> 24) & 0xff);
    rc = dynbuf_add(&q->b, head, sizeof head, err);
    if (rc == PH_OK)
        rc = dynbuf_add(&q->b, text, n, err);
    free(text);
    return rc;
}

enum ph_rc proto_flush(struct proto_out *q, int fd, struct ph_err *err)
{
    enum ph_rc rc = q->b.len > 0 ? write_all(fd, q->b.buf, q->b.len, err) : PH_OK;

    dynbuf_reset(&q->b);
    return rc;
}

void proto_out_cleanup(struct proto_out *q)
{
    dynbuf_free(&q->b);
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
    dynbuf_init(&r->b, PROTO_STREAM_MAX);
}

void proto_reader_cleanup(struct proto_reader *r)
{
    dynbuf_free(&r->b);
    memset(r, 0, sizeof *r);
}

enum ph_rc proto_reader_feed(struct proto_reader *r, const void *data, size_t n, struct ph_err *err)
{
    if (r->total + n > PROTO_STREAM_MAX)
        return ph_errf(err, PH_ELIMIT, "worker sent more than %u bytes of results",
                       PROTO_STREAM_MAX);
    if (dynbuf_add(&r->b, data, n, err) != PH_OK)
        return ph_errf(err, err->rc, "reading worker results: %s", err->msg);
    r->total += n;
    return PH_OK;
}

int proto_reader_next(struct proto_reader *r, cJSON **frame, struct ph_err *err)
{
    const unsigned char *p = (const unsigned char *)r->b.buf;
    uint32_t n;
    cJSON *obj;

    *frame = NULL;
    if (r->b.len < PROTO_HEADER_LEN)
        return 0;
    n = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
    if (n == 0 || n > PROTO_FRAME_MAX) {
        ph_errf(err, PH_EPROTO, "malformed result stream: frame length %u", n);
        return -1;
    }
    if (r->b.len - PROTO_HEADER_LEN < n)
        return 0;
    obj = cJSON_ParseWithLength(r->b.buf + PROTO_HEADER_LEN, n);
    dynbuf_consume(&r->b, PROTO_HEADER_LEN + n);
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
    return r->b.len;
}

static const char *const frame_names[] = {
    [PROTO_FRAME_UNKNOWN] = "?",   [PROTO_FRAME_HELLO] = "hello", [PROTO_FRAME_IMPORT] = "import",
    [PROTO_FRAME_BEGIN] = "begin", [PROTO_FRAME_CHECK] = "check", [PROTO_FRAME_END] = "end",
};

enum proto_frame_type proto_frame_type(const cJSON *frame)
{
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(frame, "t");

    if (!cJSON_IsString(t))
        return PROTO_FRAME_UNKNOWN;
    for (size_t i = PROTO_FRAME_HELLO; i < sizeof frame_names / sizeof frame_names[0]; i++)
        if (strcmp(t->valuestring, frame_names[i]) == 0)
            return (enum proto_frame_type)i;
    return PROTO_FRAME_UNKNOWN;
}

const char *proto_frame_type_name(enum proto_frame_type t)
{
    assert((size_t)t < sizeof frame_names / sizeof frame_names[0]);
    return frame_names[t];
}

/* The one spelling of each status on the wire (PROTO_STATUS_MISSING has none). */
static const char *const status_names[] = {
    [PROTO_STATUS_MISSING] = NULL,
    [PROTO_STATUS_OK] = "ok",
    [PROTO_STATUS_ERROR] = "error",
};

enum proto_status proto_frame_status(const cJSON *frame)
{
    const cJSON *st = cJSON_GetObjectItemCaseSensitive(frame, "status");

    if (!cJSON_IsString(st))
        return PROTO_STATUS_MISSING;
    if (strcmp(st->valuestring, status_names[PROTO_STATUS_OK]) == 0)
        return PROTO_STATUS_OK;
    return PROTO_STATUS_ERROR;
}

const char *proto_status_name(enum proto_status s)
{
    assert((size_t)s < sizeof status_names / sizeof status_names[0]);
    return status_names[s];
}

int proto_set_status(cJSON *frame, enum proto_status s)
{
    assert(s != PROTO_STATUS_MISSING);
    cJSON_DeleteItemFromObjectCaseSensitive(frame, "status");
    return cJSON_AddStringToObject(frame, "status", proto_status_name(s)) != NULL ? 0 : -1;
}

int proto_is_blocked(const char *message)
{
    return message != NULL &&
           strncmp(message, PROTO_BLOCKED_PREFIX, sizeof PROTO_BLOCKED_PREFIX - 1) == 0;
}
