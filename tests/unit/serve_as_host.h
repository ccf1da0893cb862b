/*
 * serve_as_host.h - for unit tests that start real sandbox hosts from a
 * pool: a pool starts its hosts as `<this binary> __sandbox-host`
 * (paths_exe()), so the test binary answers that call as pyharness's main()
 * does, before Criterion runs.  Include it in one test file of a binary.
 */
#ifndef PH_TEST_SERVE_AS_HOST_H
#define PH_TEST_SERVE_AS_HOST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "worker_host.h"

__attribute__((constructor)) static void serve_as_host(void)
{
    static char buf[256];
    char *argv[3] = {NULL, NULL, NULL};
    FILE *f = fopen("/proc/self/cmdline", "r");
    size_t n;

    if (f == NULL)
        return;
    n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    argv[0] = buf;
    if (strlen(buf) + 1 >= n)
        return;
    argv[1] = buf + strlen(buf) + 1;
    if (strcmp(argv[1], WORKER_HOST_ARG) == 0)
        exit(worker_host_main(2, argv));
}

#endif
