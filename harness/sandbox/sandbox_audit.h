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

/*
 * What arming needs from Python: the standard library's folder, and
 * posix.environ stripped of anything the C environment no longer has.  A
 * sandbox host calls it once, with its environment final, so that its
 * workers arm without running Python; sandbox_audit_arm() calls it if
 * nobody did.
 */
void sandbox_audit_prepare(void);

/*
 * Turn the policy on; irreversible and never widened by a later call.  `p` is
 * borrowed (strings are copied); NULL reads it from the SANDBOX_ENV_*
 * variables (child mode).
 */
void sandbox_audit_arm(const struct sandbox_policy *p);

/*
 * The first operation the hook blocked in this process, as the message of
 * the exception it raised ("pyharness sandbox: <event> blocked: <detail>"),
 * or NULL.  Kept in C, so a candidate that catches the exception cannot hide
 * the attempt.  Static storage.
 */
const char *sandbox_audit_violation(void);

/*
 * 0 when the code calling into C now is the runtime package's own (its
 * files under the runtime's folder; not the checks, which call submission
 * code and could be used as a relay), or the hook is not armed or switched
 * off for tests; else -1 with a violation recorded and raised naming
 * `what`.  For C objects that hand harness state to harness code only.
 */
int sandbox_audit_refuse_unless_harness(const char *what);

/* Also write every violation, as one line, to `fd` (a pipe to the check
 * runner; -1: none): what the hook refuses reaches the runner even if the
 * worker's own Python reports are silenced.  The write never blocks. */
void sandbox_audit_set_channel(int fd);

/*
 * 1 when the hook is switched off for tests: PYHARNESS_TEST_DISABLE_AUDIT=1
 * at install time, honoured only by a build with PH_TEST_SWITCHES (see
 * CMakeLists.txt).  The hook stays installed and the other layers stay on;
 * processes a run re-executes (multiprocessing spawn) do not see the
 * variable and arm their hook as usual.
 */
#define SANDBOX_AUDIT_TEST_ENV "PYHARNESS_TEST_DISABLE_AUDIT"

#endif
