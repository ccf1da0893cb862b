/* cli.c - see cli.h. */
#include "cli.h"

#include <stdarg.h>
#include <stdlib.h>
#include <unistd.h>

#include "embed.h"

int cli_alloc_hooks = 1;

enum ph_rc cli_start_python(struct ph_err *err)
{
    struct embed_options o = {cli_alloc_hooks};

    return embed_init(&o, err);
}

int cli_fail(const struct ph_err *err)
{
    fprintf(stderr, "pyharness: %s\n", err->msg[0] ? err->msg : ph_strerror(err->rc));
    return ph_rc_exit_status(err->rc);
}

int cli_usage(const char *fmt, ...)
{
    va_list ap;

    fputs("pyharness: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs("\n(see `pyharness --help`)\n", stderr);
    return CLI_EXIT_INPUT;
}

int cli_color(FILE *f)
{
    const char *no = getenv("NO_COLOR");

    return isatty(fileno(f)) && (no == NULL || no[0] == '\0');
}
