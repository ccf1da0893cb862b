/*
 * sandbox_audit.h - the CPython audit hook layer of the sandbox.
 *
 * The hook is installed before Py_Initialize (so Python code cannot remove
 * it) and allows everything until armed; arming it in a worker turns on the
 * policy that blocks what candidate code must not do.  Needs Python.h, which
 * is why it is not part of sandbox.c.  Owns a private copy of the policy
 * strings once armed.
 */
#ifndef PH_SANDBOX_AUDIT_H
#define PH_SANDBOX_AUDIT_H

#include "sandbox.h"

/* Install the hook; call once per process, before Py_Initialize(). */
void sandbox_audit_install(void);

/* Turn the policy on; irreversible.  `p` is borrowed (strings are copied). */
void sandbox_audit_arm(const struct sandbox_policy *p);

#endif
