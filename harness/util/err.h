/*
 * err.h - the host's one result type and its error messages.
 *
 * Every function that can fail returns an `enum ph_rc` (PH_OK is 0) and, when
 * given a `struct ph_err *`, fills it with a message a user can act on: the
 * file, field or line at fault.  Modules never print errors themselves; the
 * command that called them decides how to show them.  Owns nothing on the heap.
 */
#ifndef PH_ERR_H
#define PH_ERR_H

#include <stddef.h>

enum ph_rc {
    PH_OK = 0,
    PH_EUSAGE,    /* bad command line */
    PH_EINPUT,    /* bad input file: exercise, submission, answer, config */
    PH_ENOMEM,    /* out of memory */
    PH_EIO,       /* a read, write or system call failed */
    PH_EPYTHON,   /* the embedded interpreter failed */
    PH_EWORKER,   /* a worker process misbehaved (protocol, death) */
    PH_ELIMIT,    /* a fixed cap was exceeded */
    PH_ENET,      /* network or HTTP failure */
    PH_EPROTO,    /* a peer sent something malformed */
    PH_EINTERNAL, /* a bug or broken installation */
};

#define PH_ERR_MSG_MAX 1024

struct ph_err {
    enum ph_rc rc;
    char msg[PH_ERR_MSG_MAX];
};

/* Short fixed description of a code; never NULL, static storage. */
const char *ph_strerror(enum ph_rc rc);

/*
 * Record an error and return its code, so callers can write
 * `return ph_errf(err, PH_EINPUT, "%s: missing field \"id\"", path);`.
 * `err` may be NULL (the message is dropped).  The first error wins: a later
 * call does not overwrite a message already set, so the innermost cause stays.
 */
enum ph_rc ph_errf(struct ph_err *err, enum ph_rc rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Reset to "no error". */
void ph_err_clear(struct ph_err *err);

#endif
