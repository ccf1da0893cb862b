/* cli.c - see cli.h. */
#include "cli.h"

#include <assert.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "embed.h"
#include "scratch.h"
#include "textwrap.h"

int cli_alloc_hooks = 1;

enum ph_rc cli_start_python(struct ph_err *err)
{
    struct embed_options o = {cli_alloc_hooks};
    enum ph_rc rc;

    /* Before the interpreter: the guardian is forked from a small process,
     * and every engine, host and run folder goes under this scratch. */
    rc = scratch_enter("run", err);
    if (rc != PH_OK)
        return rc;
    return embed_init(&o, err);
}

int cli_exit_status(enum ph_rc rc)
{
    switch (rc) {
    case PH_OK:
        return CLI_EXIT_OK;
    case PH_EUSAGE:
    case PH_EINPUT:
        return CLI_EXIT_INPUT;
    default:
        return CLI_EXIT_INTERNAL;
    }
}

int cli_fail(const struct ph_err *err)
{
    fprintf(stderr, "pyharness: %s\n", err->msg[0] ? err->msg : ph_strerror(err->rc));
    return cli_exit_status(err->rc);
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
    const char *term = getenv("TERM");

    return isatty(fileno(f)) && (no == NULL || no[0] == '\0') &&
           (term == NULL || strcmp(term, "dumb") != 0);
}

int cli_width(FILE *f)
{
    struct winsize ws;
    const char *env = getenv("COLUMNS");
    long w = 80;

    if (isatty(fileno(f)) && ioctl(fileno(f), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) {
        w = ws.ws_col;
    } else if (env != NULL && env[0] != '\0') {
        char *end;
        long v = strtol(env, &end, 10);
        if (*end == '\0' && v > 0)
            w = v;
    }
    return w < 40 ? 40 : w > 200 ? 200 : (int)w;
}

void cli_wrap(FILE *out, const char *text, const char *indent, int width)
{
    textwrap_print(out, text, indent, indent, width);
}

/* ---- the option parser ---- */

/* Levenshtein distance, capped: names are short, so a fixed row suffices. */
#define DYM_MAX 64

static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b), i, j, prev, cur, row[DYM_MAX + 1];

    if (la > DYM_MAX || lb > DYM_MAX)
        return (size_t)-1;
    for (j = 0; j <= lb; j++)
        row[j] = j;
    for (i = 1; i <= la; i++) {
        prev = row[0];
        row[0] = i;
        for (j = 1; j <= lb; j++) {
            cur = row[j];
            row[j] = prev + (a[i - 1] != b[j - 1]);
            if (row[j - 1] + 1 < row[j])
                row[j] = row[j - 1] + 1;
            if (cur + 1 < row[j])
                row[j] = cur + 1;
            prev = cur;
        }
    }
    return row[lb];
}

const char *cli_did_you_mean(const char *word, const char *const *names)
{
    const char *best = NULL;
    size_t best_d = (size_t)-1, d, limit;

    if (word == NULL)
        return NULL;
    /* A third of the word's length, at least 2: "genrators-streaming" is a
     * typo of "generators-streaming", "run" is not one of "gradescope". */
    limit = strlen(word) / 3;
    if (limit < 2)
        limit = 2;
    for (; *names != NULL; names++) {
        d = edit_distance(word, *names);
        if (d < best_d) {
            best_d = d;
            best = *names;
        }
    }
    return best_d <= limit && best_d > 0 ? best : NULL;
}

/* Print the synopsis and one line per option to `out`. */
static void cli_help(FILE *out, const char *usage, const struct cli_opt *opts)
{
    const struct cli_opt *o;
    char left[64];

    fputs(usage, out);
    if (opts == NULL || opts[0].name == NULL)
        return;
    fputs("\noptions:\n", out);
    for (o = opts; o->name != NULL; o++) {
        if (o->short_name)
            snprintf(left, sizeof left, "-%c, --%s%s%s", o->short_name, o->name,
                     o->metavar ? " " : "", o->metavar ? o->metavar : "");
        else
            snprintf(left, sizeof left, "    --%s%s%s", o->name, o->metavar ? " " : "",
                     o->metavar ? o->metavar : "");
        fprintf(out, "  %-28s %s\n", left, o->help);
    }
    fprintf(out, "  %-28s %s\n", "-h, --help", "this help");
}

static int parse_error(const char *usage, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int parse_error(const char *usage, const char *fmt, ...)
{
    va_list ap;

    fputs("pyharness: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    fputs(usage, stderr);
    fputs("(add --help for every option)\n", stderr);
    return CLI_PARSE_ERROR;
}

static const struct cli_opt *find_long(const struct cli_opt *opts, const char *name, size_t len)
{
    for (; opts->name != NULL; opts++)
        if (strlen(opts->name) == len && strncmp(opts->name, name, len) == 0)
            return opts;
    return NULL;
}

static const struct cli_opt *find_short(const struct cli_opt *opts, char c)
{
    for (; opts->name != NULL; opts++)
        if (opts->short_name == c)
            return opts;
    return NULL;
}

static int unknown_option(const char *usage, const struct cli_opt *opts, const char *arg,
                          size_t len)
{
    const char *names[64], *guess;
    char word[DYM_MAX + 1];
    size_t n = 0;

    for (; opts->name != NULL && n + 1 < sizeof names / sizeof names[0]; opts++)
        names[n++] = opts->name;
    names[n] = NULL;
    if (len > DYM_MAX)
        len = DYM_MAX;
    memcpy(word, arg, len);
    word[len] = '\0';
    guess = cli_did_you_mean(word, names);
    if (guess != NULL)
        return parse_error(usage, "unknown option \"--%s\": did you mean --%s?", word, guess);
    return parse_error(usage, "unknown option \"--%s\"", word);
}

int cli_parse(const char *usage, const struct cli_opt *opts, int argc, char **argv, int *npos)
{
    static const struct cli_opt none[] = {{NULL, 0, CLI_FLAG, NULL, NULL, NULL, NULL}};
    const struct cli_opt *o;
    const char *a, *eq, *val;
    int i, n = 0, only_pos = 0;
    size_t len;

    if (opts == NULL)
        opts = none;
    for (i = 1; i < argc; i++) {
        a = argv[i];
        if (only_pos || a[0] != '-' || a[1] == '\0') {
            argv[1 + n++] = argv[i];
            continue;
        }
        if (strcmp(a, "--") == 0) {
            only_pos = 1;
            continue;
        }
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            cli_help(stdout, usage, opts);
            return CLI_PARSE_HELP;
        }
        if (a[1] == '-') {
            eq = strchr(a + 2, '=');
            len = eq ? (size_t)(eq - (a + 2)) : strlen(a + 2);
            o = find_long(opts, a + 2, len);
            if (o == NULL)
                return unknown_option(usage, opts, a + 2, len);
            val = eq ? eq + 1 : NULL;
        } else {
            o = find_short(opts, a[1]);
            if (o == NULL)
                return parse_error(usage, "unknown option \"-%c\"", a[1]);
            val = a[2] != '\0' ? a + 2 : NULL;
        }
        if (o->kind == CLI_FLAG) {
            if (val != NULL)
                return parse_error(usage, "option --%s takes no value", o->name);
            assert(o->flag != NULL);
            *o->flag = 1;
            continue;
        }
        if (val == NULL) {
            if (i + 1 >= argc)
                return parse_error(usage, "option --%s needs a value (%s)", o->name,
                                   o->metavar ? o->metavar : "VALUE");
            val = argv[++i];
        }
        assert(o->value != NULL);
        *o->value = val;
    }
    argv[1 + n] = NULL;
    *npos = n;
    return CLI_PARSE_OK;
}

int cli_parse_status(int parsed)
{
    return parsed == CLI_PARSE_HELP ? CLI_EXIT_OK : CLI_EXIT_INPUT;
}
