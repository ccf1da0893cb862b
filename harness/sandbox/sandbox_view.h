/*
 * sandbox_view.h - the mount view a host builds once for all its runs:
 * only /usr, a few /etc files, device nodes, a fresh /proc, the runtime
 * package, the host binary and the scratch root; bin folders and the
 * exercise bank covered.
 */
#ifndef PH_SANDBOX_VIEW_H
#define PH_SANDBOX_VIEW_H

#include "err.h"
#include "sandbox.h"

/* In a host inside its own mount namespace: build the view under the
 * scratch root and pivot_root into it.  Irreversible. */
enum ph_rc sbx_view_build(const struct sandbox_policy *p, struct ph_err *err);

#endif
