/*
 * dynbuf.h - a growable byte buffer with a cap (after curl's dynbuf).
 *
 * Every buffer that grows with what another process or a file sends has a
 * cap: a worker's result stream, its captured output, frames queued to
 * send.  The bytes are always followed by a NUL (not counted in the length),
 * so text can be read in place.  A zero-initialised dynbuf is empty with no
 * cap set: dynbuf_init() sets one; until then DYNBUF_DEFAULT_MAX applies.
 * Owns its bytes; release with dynbuf_free().
 *
 * An append that fails (past the cap, out of memory) frees the bytes and
 * makes every later append fail the same way until dynbuf_reset() or
 * dynbuf_free(): a caller building text in many pieces (a prompt) appends
 * without checking each and asks dynbuf_failed() once at the end.
 */
#ifndef PH_DYNBUF_H
#define PH_DYNBUF_H

#include <stddef.h>

#include "err.h"

/* The cap of a buffer nobody gave one: generous, but a cap. */
#define DYNBUF_DEFAULT_MAX (64u * 1024 * 1024)

struct dynbuf {
    char *buf;         /* NULL until the first byte; NUL-terminated after */
    size_t len;        /* bytes held */
    size_t cap;        /* bytes allocated */
    size_t max;        /* the most it may ever hold; 0: DYNBUF_DEFAULT_MAX */
    enum ph_rc failed; /* PH_OK, or why an append failed (sticky, see above) */
};

void dynbuf_init(struct dynbuf *b, size_t max);

/* Release the bytes and empty `b` (its cap stays, a failure is forgotten).
 * Accepts NULL. */
void dynbuf_free(struct dynbuf *b);

/* Empty `b`, keeping its allocation; a failure is forgotten. */
void dynbuf_reset(struct dynbuf *b);

/*
 * Append `n` bytes (borrowed).  Past the cap: PH_ELIMIT, and the buffer is
 * freed (as curl does: a stream that outgrew its cap is not to be used).
 */
enum ph_rc dynbuf_add(struct dynbuf *b, const void *data, size_t n, struct ph_err *err);

/* dynbuf_add() of the NUL-terminated string `s` (borrowed). */
enum ph_rc dynbuf_addstr(struct dynbuf *b, const char *s, struct ph_err *err);

/* dynbuf_add() of printf-style text, of any length (curl's Curl_dyn_addf). */
enum ph_rc dynbuf_addf(struct dynbuf *b, struct ph_err *err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* PH_OK, or why an append failed since the last reset or free. */
enum ph_rc dynbuf_failed(const struct dynbuf *b);

/* Append what fits under the cap and drop the rest (captured output).
 * Returns the bytes kept; 0 also when memory runs out. */
size_t dynbuf_add_truncated(struct dynbuf *b, const void *data, size_t n);

/* Drop the first `n` bytes (n <= len): a reader that consumed them. */
void dynbuf_consume(struct dynbuf *b, size_t n);

/* Take the bytes (caller frees; NULL when empty) and leave `b` empty. */
char *dynbuf_take(struct dynbuf *b, size_t *len);

#endif
