/* err.c - see err.h. */
#include "err.h"

#include <stdarg.h>
#include <stdio.h>

const char *ph_strerror(enum ph_rc rc)
{
    switch (rc) {
    case PH_OK:
        return "no error";
    case PH_EUSAGE:
        return "bad usage";
    case PH_EINPUT:
        return "bad input";
    case PH_ENOMEM:
        return "out of memory";
    case PH_EIO:
        return "I/O error";
    case PH_EPYTHON:
        return "embedded Python error";
    case PH_EWORKER:
        return "worker error";
    case PH_ELIMIT:
        return "limit exceeded";
    case PH_ENET:
        return "network error";
    case PH_EPROTO:
        return "protocol error";
    case PH_EINTERNAL:
        return "internal error";
    }
    return "unknown error";
}

enum ph_rc ph_errf(struct ph_err *err, enum ph_rc rc, const char *fmt, ...)
{
    va_list ap;

    if (err == NULL || err->rc != PH_OK)
        return rc;
    err->rc = rc;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    return rc;
}

void ph_err_clear(struct ph_err *err)
{
    if (err == NULL)
        return;
    err->rc = PH_OK;
    err->msg[0] = '\0';
}
