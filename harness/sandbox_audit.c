/* sandbox_audit.c - see sandbox_audit.h.  Minimal first cut. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "sandbox_audit.h"

static int armed;

static int audit_hook(const char *event, PyObject *args, void *data)
{
    (void)event;
    (void)args;
    (void)data;
    if (!armed)
        return 0;
    return 0;
}

void sandbox_audit_install(void)
{
    (void)PySys_AddAuditHook(audit_hook, NULL);
}

void sandbox_audit_arm(const struct sandbox_policy *p)
{
    (void)p;
    armed = 1;
}
