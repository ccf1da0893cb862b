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

/*
 * One option parser for every command.  A command describes its options in
 * a table ended by an entry whose name is NULL; cli_parse() accepts
 * `--name VALUE`, `--name=VALUE`, short aliases (`-j 2`, `-j2`), `--` (the
 * rest are positional), and `-h`/`--help` (prints cli_help() and returns
 * CLI_PARSE_HELP).  An unknown or misspelt option is an error that names the
 * flag and, when one is close, the option meant.
 */
enum cli_opt_kind {
    CLI_FLAG,  /* --json: *flag = 1 */
    CLI_VALUE, /* --out FILE: *value = the argument (borrowed from argv) */
};

struct cli_opt {
    const char *name; /* "out" for --out; NULL ends the table */
    char short_name;  /* 'j' for -j, or 0 */
    enum cli_opt_kind kind;
    const char *metavar; /* "FILE" in the help line; NULL for flags */
    const char *help;    /* one line */
    const char **value;  /* CLI_VALUE: where the value goes (borrowed from argv) */
    int *flag;           /* CLI_FLAG: set to 1 when given */
};

enum {
    CLI_PARSE_OK = 0,
    CLI_PARSE_HELP = -1, /* --help was printed; exit CLI_EXIT_OK */
    CLI_PARSE_ERROR = -2 /* a message was printed; exit CLI_EXIT_INPUT */
};

/*
 * Parse argv[1..argc-1] (argv[0] is the command's name).  Positional
 * arguments are moved, in order, to the front of argv[1..]; *npos receives
 * their count.  `usage` is the command's synopsis line(s), printed by --help
 * and after an error.  Returns CLI_PARSE_OK, CLI_PARSE_HELP or
 * CLI_PARSE_ERROR.
 */
int cli_parse(const char *usage, const struct cli_opt *opts, int argc, char **argv, int *npos);

/* The exit status a command returns for a cli_parse() result other than OK. */
int cli_parse_status(int parsed);

/* The closest of `names` (NULL-ended) to `word` by edit distance when it is
 * close enough to be a likely typo, else NULL; borrowed from `names`. */
const char *cli_did_you_mean(const char *word, const char *const *names);

/* Set by main() from --no-alloc-hooks (benchmarks only). */
extern int cli_alloc_hooks;

/* Start the embedded interpreter once (idempotent). */
enum ph_rc cli_start_python(struct ph_err *err);

/* The exit status for an error code: CLI_EXIT_INPUT for usage and input
 * errors, CLI_EXIT_INTERNAL for the rest, CLI_EXIT_OK for PH_OK. */
int cli_exit_status(enum ph_rc rc);

/* Print "pyharness: <message>" to stderr; return the exit status for err->rc. */
int cli_fail(const struct ph_err *err);

/* Print a usage error and return CLI_EXIT_INPUT. */
int cli_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* 1 when colours should be used on `f`: a terminal, NO_COLOR unset or
 * empty, and TERM not "dumb". */
int cli_color(FILE *f);

/* Columns to wrap prose at on `f`: the terminal's width when `f` is one
 * (else $COLUMNS, else 80), kept between 40 and 200. */
int cli_width(FILE *f);

/*
 * Print `text` to `out` as paragraphs wrapped at `width` columns, each line
 * started by `indent`; existing newlines are kept, a word longer than a line
 * stands alone on its own.
 */
void cli_wrap(FILE *out, const char *text, const char *indent, int width);

#endif
