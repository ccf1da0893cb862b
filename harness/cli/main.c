/*
 * main.c - argument parsing and dispatch to the subcommands.
 *
 * Global options (--exercises DIR, --no-alloc-hooks) may stand anywhere and
 * are taken out before the subcommand sees its arguments.  When started
 * with a python3-style command line, this binary is standing in for python3
 * in a multiprocessing child (sys.executable is this binary).
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cmd_bench.h"
#include "cmd_doctor.h"
#include "cmd_list.h"
#include "cmd_run.h"
#include "cmd_score.h"
#include "cmd_show.h"
#include "cmd_validate.h"
#include "embed.h"
#include "paths.h"
#include "worker_host.h"

struct command {
    const char *name;
    int (*main)(int argc, char **argv);
    const char *summary;
};

static const struct command commands[] = {
    {"run", cmd_run_main, "run EXERCISE FILE [--json] [--out F] [--explanation F]  grade a file"},
    {"list", cmd_list_main, "list [--json]                   the exercises, one line each"},
    {"score", cmd_score_main, "score EXERCISE ANSWER... [--json] score written explanations"},
    {"show", cmd_show_main, "show RESULT.json | --store DB --id N  render a saved result again"},
    {"validate", cmd_validate_main, "validate [EXERCISE...]          check exercises end to end"},
    {"doctor", cmd_doctor_main, "doctor [--json]                 which sandbox layers work here"},
    {"bench-worker", cmd_bench_main, "bench-worker EXERCISE FILE N    (internal) fork-server cost"},
    {NULL, NULL, NULL},
};

static void help(FILE *out)
{
    const struct command *c;

    fprintf(out,
            "pyharness %s: run, measure and grade Python performance exercises\n\n"
            "usage: pyharness COMMAND [ARGS] [--exercises DIR]\n\n",
            PH_VERSION);
    for (c = commands; c->name != NULL; c++)
        fprintf(out, "  %s\n", c->summary);
    fprintf(out, "\nglobal options: --exercises DIR (or PYHARNESS_EXERCISES), --no-alloc-hooks\n"
                 "(benchmarks only: run without the counting allocator)\n"
                 "exit status: 0 passed, 1 not passed, 2 bad usage or input, 3 internal error\n");
}

int main(int argc, char **argv)
{
    struct ph_err err = {0};
    const char *exercises = NULL;
    const struct command *c;
    int i, n = 0, status;

    if (argc == 2 && strcmp(argv[1], WORKER_HOST_ARG) == 0)
        return worker_host_main(argc, argv);
    if (embed_is_child_invocation(argc, argv))
        return embed_child_main(argc, argv);
    /* Pull out global options; keep the rest in order. */
    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--exercises") == 0 && i + 1 < argc) {
            exercises = argv[++i];
        } else if (strncmp(argv[i], "--exercises=", 12) == 0) {
            exercises = argv[i] + 12;
        } else if (strcmp(argv[i], "--no-alloc-hooks") == 0) {
            cli_alloc_hooks = 0;
        } else {
            argv[1 + n++] = argv[i];
        }
    }
    argc = n + 1;
    argv[argc] = NULL;
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        help(argc < 2 ? stderr : stdout);
        return argc < 2 ? CLI_EXIT_INPUT : CLI_EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("pyharness %s\n", PH_VERSION);
        return CLI_EXIT_OK;
    }
    if (paths_init(&err) != PH_OK)
        return cli_fail(&err);
    if (exercises != NULL && paths_set_exercises(exercises, &err) != PH_OK)
        return cli_fail(&err);
    for (c = commands; c->name != NULL; c++) {
        if (strcmp(argv[1], c->name) == 0) {
            status = c->main(argc - 1, argv + 1);
            fflush(stdout);
            /* Workers are gone; skip finalising the interpreter: exit is enough. */
            return status;
        }
    }
    return cli_usage("unknown command \"%s\"", argv[1]);
}
