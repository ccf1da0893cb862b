/*
 * cli.h - what the subcommands share: start-up of the interpreter with the
 * global options, error printing, and exit statuses.
 */
#ifndef PH_CLI_H
#define PH_CLI_H

#include <stdio.h>

#include "err.h"

/* Exit statuses of every subcommand. */
enum {
    CLI_EXIT_OK = 0, /* all checks passed / the command did its job */
    CLI_EXIT_NOT_PASSED = 1,
    CLI_EXIT_INPUT = 2,    /* bad usage or bad input */
    CLI_EXIT_INTERNAL = 3, /* the harness itself failed */
};

/* Set by main() from --no-alloc-hooks (benchmarks only). */
extern int cli_alloc_hooks;

/* Start the embedded interpreter once (idempotent). */
enum ph_rc cli_start_python(struct ph_err *err);

/* Print "pyharness: <message>" to stderr; return the exit status for err->rc. */
int cli_fail(const struct ph_err *err);

/* Print a usage error and return CLI_EXIT_INPUT. */
int cli_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* 1 when colours should be used on `f`. */
int cli_color(FILE *f);

#endif
