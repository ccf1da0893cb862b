/* dynbuf.c - see dynbuf.h. */
#include "dynbuf.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#define DYNBUF_FIRST_ALLOC 4096 /* most buffers hold a frame or two */

static size_t max_of(const struct dynbuf *b)
{
    return b->max ? b->max : DYNBUF_DEFAULT_MAX;
}

void dynbuf_init(struct dynbuf *b, size_t max)
{
    memset(b, 0, sizeof *b);
    b->max = max;
}

void dynbuf_free(struct dynbuf *b)
{
    if (b == NULL)
        return;
    free(b->buf);
    b->buf = NULL;
    b->len = b->cap = 0;
}

void dynbuf_reset(struct dynbuf *b)
{
    b->len = 0;
    if (b->buf != NULL)
        b->buf[0] = '\0';
}

/* Room for `n` more bytes and the NUL: 0, or -1 when out of memory. */
static int grow(struct dynbuf *b, size_t n)
{
    size_t need = b->len + n + 1, cap = b->cap ? b->cap : DYNBUF_FIRST_ALLOC;
    char *t;

    if (need <= b->cap)
        return 0;
    while (cap < need)
        cap *= 2;
    t = realloc(b->buf, cap);
    if (t == NULL)
        return -1;
    b->buf = t;
    b->cap = cap;
    return 0;
}

enum ph_rc dynbuf_add(struct dynbuf *b, const void *data, size_t n, struct ph_err *err)
{
    assert(b->len <= max_of(b));
    if (n > max_of(b) - b->len) {
        dynbuf_free(b);
        return ph_errf(err, PH_ELIMIT, "more than %zu bytes", max_of(b));
    }
    if (grow(b, n) != 0) {
        dynbuf_free(b);
        return ph_errf(err, PH_ENOMEM, "out of memory");
    }
    if (n > 0)
        memcpy(b->buf + b->len, data, n);
    b->len += n;
    b->buf[b->len] = '\0';
    return PH_OK;
}

size_t dynbuf_add_truncated(struct dynbuf *b, const void *data, size_t n)
{
    size_t room = max_of(b) - b->len;

    if (n > room)
        n = room;
    if (n == 0 || grow(b, n) != 0)
        return 0;
    memcpy(b->buf + b->len, data, n);
    b->len += n;
    b->buf[b->len] = '\0';
    return n;
}

void dynbuf_consume(struct dynbuf *b, size_t n)
{
    assert(n <= b->len);
    memmove(b->buf, b->buf + n, b->len - n + 1);
    b->len -= n;
}

char *dynbuf_take(struct dynbuf *b, size_t *len)
{
    char *p = b->buf;

    if (len != NULL)
        *len = b->len;
    b->buf = NULL;
    b->len = b->cap = 0;
    return p;
}
