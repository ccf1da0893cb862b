/* dynbuf.c - see dynbuf.h. */
#include "dynbuf.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
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
    b->failed = PH_OK;
}

void dynbuf_reset(struct dynbuf *b)
{
    b->len = 0;
    b->failed = PH_OK;
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

/* Free the bytes and remember why (dynbuf.h: the failure is sticky). */
static enum ph_rc fail(struct dynbuf *b, enum ph_rc rc, struct ph_err *err)
{
    dynbuf_free(b);
    b->failed = rc;
    if (rc == PH_ELIMIT)
        return ph_errf(err, rc, "more than %zu bytes", max_of(b));
    if (rc == PH_ENOMEM)
        return ph_errf(err, rc, "out of memory");
    return ph_errf(err, rc, "text that cannot be formatted");
}

enum ph_rc dynbuf_add(struct dynbuf *b, const void *data, size_t n, struct ph_err *err)
{
    assert(b->len <= max_of(b));
    if (b->failed != PH_OK)
        return fail(b, b->failed, err);
    if (n > max_of(b) - b->len)
        return fail(b, PH_ELIMIT, err);
    if (grow(b, n) != 0)
        return fail(b, PH_ENOMEM, err);
    if (n > 0)
        memcpy(b->buf + b->len, data, n);
    b->len += n;
    b->buf[b->len] = '\0';
    return PH_OK;
}

enum ph_rc dynbuf_addstr(struct dynbuf *b, const char *s, struct ph_err *err)
{
    return dynbuf_add(b, s, strlen(s), err);
}

enum ph_rc dynbuf_addf(struct dynbuf *b, struct ph_err *err, const char *fmt, ...)
{
    char small[256], *big = NULL;
    va_list ap;
    int n;
    enum ph_rc rc;

    va_start(ap, fmt);
    n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return fail(b, PH_EINTERNAL, err);
    if ((size_t)n < sizeof small)
        return dynbuf_add(b, small, (size_t)n, err);
    if (b->failed != PH_OK || (size_t)n > max_of(b) - b->len)
        return dynbuf_add(b, NULL, (size_t)n, err); /* the same refusal, nothing formatted */
    big = malloc((size_t)n + 1);
    if (big == NULL)
        return fail(b, PH_ENOMEM, err);
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    rc = dynbuf_add(b, big, (size_t)n, err);
    free(big);
    return rc;
}

enum ph_rc dynbuf_failed(const struct dynbuf *b)
{
    return b->failed;
}

size_t dynbuf_add_truncated(struct dynbuf *b, const void *data, size_t n)
{
    size_t room = max_of(b) - b->len;

    if (b->failed != PH_OK)
        return 0;
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
