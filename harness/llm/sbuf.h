/*
 * sbuf.h - a small growable string with a cap: past the cap (or out of memory)
 * it is marked failed and every later append fails too, so a caller checks
 * once at the end.  The caller owns the struct; sbuf_free() releases its bytes.
 */
#ifndef PH_SBUF_H
#define PH_SBUF_H

#include <stddef.h>

struct sbuf {
    char *p;
    size_t len, cap, max;
    int failed; /* out of memory or over max: the content is unusable */
};

void sbuf_init(struct sbuf *s, size_t max);
void sbuf_free(struct sbuf *s);
int sbuf_add(struct sbuf *s, const char *data, size_t n);
int sbuf_str(struct sbuf *s, const char *str);
int sbuf_printf(struct sbuf *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#endif
