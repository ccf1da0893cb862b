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
#include "cmd_calibrate.h"
#include "cmd_compare.h"
#include "cmd_doctor.h"
#include "cmd_grade.h"
#include "cmd_gradescope.h"
#include "cmd_history.h"
#include "cmd_kit.h"
#include "cmd_list.h"
#include "cmd_merge.h"
#include "cmd_new.h"
#include "cmd_practice.h"
#include "cmd_run.h"
#include "cmd_score.h"
#include "cmd_statement.h"
#include "cmd_validate.h"
#include "cmd_voice.h"
#include "embed.h"
#include "paths.h"
#include "scratch.h"
#include "worker_host.h"

struct command {
    const char *name;
    int (*main)(int argc, char **argv);
    const char *summary;
};

static const struct command commands[] = {
    {"show", cmd_show_any_main,
     "show EXERCISE [--json]          the question, statement, checks, grading\n"
     "  show RESULT.json | --store DB --id N  render a saved result again"},
    {"start", cmd_start_main, "start EXERCISE [DIR]            copy the starter to a working file"},
    {"run", cmd_run_main, "run EXERCISE FILE [--json] [--out F] [--explanation F]  grade a file"},
    {"compare", cmd_compare_main,
     "compare EXERCISE FILE... [--against reference]  implementations side by side"},
    {"list", cmd_list_main, "list [--json]                   the exercises, one line each"},
    {"score", cmd_score_main, "score EXERCISE ANSWER... [--json] score written explanations"},
    {"calibrate", cmd_calibrate_main,
     "calibrate GRADED.jsonl [--json]  the scorer vs a teacher's grades"},
    {"grade", cmd_grade_main, "grade HOMEWORK SUBMISSIONS --out DIR [-j N] grade a class"},
    {"merge", cmd_merge_main, "merge SHARD_DIR... --out DIR     one gradebook from shards"},
    {"gradescope", cmd_gradescope_main, "gradescope HOMEWORK --out ZIP    Gradescope autograder"},
    {"validate", cmd_validate_main, "validate [EXERCISE...]          check exercises end to end"},
    {"practice", cmd_practice_main, "practice [--topic T] [--minutes M] [--voice]  timed practice"},
    {"history", cmd_history_main, "history [--json]                practice progress per topic"},
    {"voice", cmd_voice_main, "voice say|transcribe|lm|measure  speech tools for --voice"},
    {"doctor", cmd_doctor_main, "doctor [--json]                 which sandbox layers work here"},
    {"new", cmd_new_main, "new ID [DIR]                    scaffold an exercise that validates"},
    {"kit", cmd_kit_main, "kit OUT_DIR [EXERCISE...]       export a student kit, no answer keys"},
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
    const char *exercises[PATHS_BANKS_MAX];
    size_t nex = 0, k;
    const struct command *c;
    int i, n = 0, status;

    if (argc == 2 && strcmp(argv[1], WORKER_HOST_ARG) == 0)
        return worker_host_main(argc, argv);
    if (embed_is_child_invocation(argc, argv))
        return embed_child_main(argc, argv);
    /* Pull out global options; keep the rest in order. */
    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--exercises") == 0 && i + 1 < argc) {
            i++;
            if (nex < PATHS_BANKS_MAX)
                exercises[nex++] = argv[i];
        } else if (strncmp(argv[i], "--exercises=", 12) == 0) {
            if (nex < PATHS_BANKS_MAX)
                exercises[nex++] = argv[i] + 12;
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
    for (k = 0; k < nex; k++)
        if (paths_set_exercises(exercises[k], &err) != PH_OK)
            return cli_fail(&err);
    for (c = commands; c->name != NULL; c++) {
        if (strcmp(argv[1], c->name) == 0) {
            status = c->main(argc - 1, argv + 1);
            fflush(stdout);
            scratch_leave();
            /* Workers are gone; skip finalising the interpreter: exit is enough. */
            return status;
        }
    }
    {
        const char *names[sizeof commands / sizeof commands[0]], *guess;
        size_t m = 0;

        for (c = commands; c->name != NULL; c++)
            names[m++] = c->name;
        names[m] = NULL;
        guess = cli_did_you_mean(argv[1], names);
        if (guess != NULL)
            return cli_usage("unknown command \"%s\": did you mean %s?", argv[1], guess);
    }
    return cli_usage("unknown command \"%s\"", argv[1]);
}
