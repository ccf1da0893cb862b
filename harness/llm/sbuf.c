/*
 * sbuf.c - see sbuf.h.
 */
#include "sbuf.h"

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

void sbuf_init(struct sbuf *s, size_t max)
{
    s->p = NULL;
    s->len = s->cap = 0;
    s->max = max;
    s->failed = 0;
}

void sbuf_free(struct sbuf *s)
{
    free(s->p);
    sbuf_init(s, s->max);
}

int sbuf_add(struct sbuf *s, const char *data, size_t n)
{
    if (s->failed)
        return -1;
    if (n > s->max - s->len) {
        s->failed = 1;
        return -1;
    }
    if (s->len + n + 1 > s->cap) {
        size_t cap = s->cap ? s->cap : 256;
        while (cap < s->len + n + 1)
            cap *= 2;
        if (cap > s->max + 1)
            cap = s->max + 1;
        char *p = realloc(s->p, cap);
        if (p == NULL) {
            s->failed = 1;
            return -1;
        }
        s->p = p;
        s->cap = cap;
    }
    memcpy(s->p + s->len, data, n);
    s->len += n;
    s->p[s->len] = '\0';
    return 0;
}

int sbuf_str(struct sbuf *s, const char *str)
{
    return sbuf_add(s, str, strlen(str));
}

__attribute__((format(printf, 2, 3))) int sbuf_printf(struct sbuf *s, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof tmp) {
        s->failed = 1;
        return -1;
    }
    return sbuf_add(s, tmp, (size_t)n);
}
