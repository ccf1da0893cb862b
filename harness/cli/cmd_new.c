/* cmd_new.c - see cmd_new.h.  The templates are the example exercise
 * "mean of a stream": small enough to read in a minute, and it validates. */
#include "cmd_new.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "fileio.h"

static const char usage[] =
    "usage: pyharness new ID [DIR]\n"
    "Create DIR/ID (DIR defaults to the current folder): an exercise that validates as\n"
    "created, to edit into your own.  Then: pyharness validate DIR/ID\n";

static const char t_exercise_json[] =
    "{\n"
    "  \"//\": \"A pyharness exercise. Keys starting with // are comments; docs/exercise-format.md "
    "has the full format.\",\n"
    "  \"id\": \"@ID@\",\n"
    "  \"//id\": \"the folder's name: lower case letters, digits and dashes\",\n"
    "  \"title\": \"Arithmetic mean of a stream\",\n"
    "  \"topic\": \"generators\",\n"
    "  \"//topic\": \"one or two words; `pyharness list` shows it\",\n"
    "  \"question\": \"Why can the mean of a stream be computed in constant memory, and what goes "
    "wrong when the input is first turned into a list?\",\n"
    "  \"//question\": \"what the learner answers in prose (scored with --explanation FILE)\",\n"
    "  \"model_answer\": \"Keeping a running total and a count needs two numbers whatever the "
    "length of the input, so memory stays constant and the input may be a generator far larger "
    "than memory. Calling list() first stores every item, so memory grows with the input, and an "
    "endless iterator never finishes.\",\n"
    "  \"//model_answer\": \"shown after an explanation is scored, and given to an LLM scorer\",\n"
    "  \"entry_points\": [\"mean\"],\n"
    "  \"//entry_points\": \"names the submission must define; a missing one is an error "
    "verdict\",\n"
    "  \"limits\": {\"wall_s\": 30, \"cpu_s\": 30, \"memory_mb\": 256, \"output_kb\": 64, "
    "\"nproc\": 16},\n"
    "  \"//limits\": \"per run: wall-clock and CPU seconds, memory above the interpreter's own, "
    "captured output, processes\",\n"
    "  \"weights\": {\"correctness\": 60, \"performance\": 20, \"explanation\": 20},\n"
    "  \"//weights\": \"percent of the total; they must add up to 100 (validate checks it)\",\n"
    "  \"checks\": [\n"
    "    {\n"
    "      \"name\": \"mean_basic\",\n"
    "      \"//name\": \"checks.py defines check_mean_basic(sub, h); its return value is compared "
    "with the reference's\",\n"
    "      \"visible\": true,\n"
    "      \"//visible\": \"false by default: a hidden check never shows expected values\",\n"
    "      \"weight\": 2,\n"
    "      \"//weight\": \"the check's share of the correctness score\",\n"
    "      \"timeout_s\": 5,\n"
    "      \"description\": \"mean() of a few lists and ranges, integers and floats\"\n"
    "    },\n"
    "    {\n"
    "      \"name\": \"mean_empty\",\n"
    "      \"weight\": 1,\n"
    "      \"timeout_s\": 5,\n"
    "      \"description\": \"an empty input raises ValueError\"\n"
    "    },\n"
    "    {\n"
    "      \"name\": \"mean_memory\",\n"
    "      \"visible\": true,\n"
    "      \"weight\": 2,\n"
    "      \"timeout_s\": 10,\n"
    "      \"compare\": \"none\",\n"
    "      \"//compare\": \"equal (default): observations must equal the reference's; none: only "
    "the rules decide\",\n"
    "      \"description\": \"memory does not grow with the length of the input\",\n"
    "      \"rules\": [\n"
    "        {\n"
    "          \"left\": \"cand.measure.big.page_faults\",\n"
    "          \"op\": \"le\",\n"
    "          \"right\": \"ref.measure.big.page_faults\",\n"
    "          \"scale\": 1.5,\n"
    "          \"plus\": 256,\n"
    "          \"message\": \"mean() touches new memory that grows with the input: is it "
    "building a list?\"\n"
    "        },\n"
    "        {\n"
    "          \"left\": \"cand.measure.big.py_peak_bytes\",\n"
    "          \"op\": \"le\",\n"
    "          \"right\": \"ref.measure.big.py_peak_bytes\",\n"
    "          \"scale\": 1.5,\n"
    "          \"plus\": 1048576,\n"
    "          \"message\": \"mean() holds memory that grows with the input: is it building a "
    "list?\"\n"
    "        }\n"
    "      ],\n"
    "      \"//rules\": \"left OP right * scale + plus; operands are numbers or paths into the "
    "measured figures\",\n"
    "      \"lesson\": \"peak Python memory {cand.measure.big.py_peak_bytes:bytes} for 10^6 items "
    "({cand.measure.big.py_peak_bytes/ref.measure.big.py_peak_bytes:vs})\",\n"
    "      \"//lesson\": \"shown in reports; {path:unit} with units bytes, mb, ms, s, sec, x, int, "
    "pct, num; {cand.X/ref.X:vs} says 2.30x slower (or more memory) than the reference\"\n"
    "    },\n"
    "    {\n"
    "      \"name\": \"speed\",\n"
    "      \"weight\": 1,\n"
    "      \"timeout_s\": 10,\n"
    "      \"compare\": \"none\",\n"
    "      \"description\": \"the mean of 10^6 items, timed\",\n"
    "      \"rules\": [\n"
    "        {\n"
    "          \"left\": \"cand.measure.t.wall_ns\",\n"
    "          \"op\": \"le\",\n"
    "          \"right\": \"ref.measure.t.wall_ns\",\n"
    "          \"scale\": 20,\n"
    "          \"plus\": 100000000,\n"
    "          \"message\": \"mean() is far slower than a plain loop\"\n"
    "        }\n"
    "      ]\n"
    "    }\n"
    "  ],\n"
    "  \"performance\": {\n"
    "    \"check\": \"speed\",\n"
    "    \"describe\": \"wall-clock time for 10^6 items\",\n"
    "    \"ratio\": {\"num\": \"ref.measure.t.wall_ns\", \"den\": \"cand.measure.t.wall_ns\"},\n"
    "    \"full_at\": 0.8,\n"
    "    \"zero_at\": 0.2\n"
    "  },\n"
    "  \"//performance\": \"the ratio num / den scores linearly from zero_at (no points) to "
    "full_at (all of them); only when the check passed; reports say it as 1.25x slower than the "
    "reference\",\n"
    "  \"rubric\": {\n"
    "    \"max\": 10,\n"
    "    \"points\": [\n"
    "      {\n"
    "        \"id\": \"running-total\",\n"
    "        \"text\": \"A running total and a count are enough, so memory stays constant.\",\n"
    "        \"weight\": 1,\n"
    "        \"concepts\": [[\"total\", \"sum\", \"count\", \"running\"], [\"constant\", "
    "\"memory\", \"two numbers\"]]\n"
    "      },\n"
    "      {\n"
    "        \"id\": \"list-grows\",\n"
    "        \"text\": \"list() stores every item, so memory grows with the input.\",\n"
    "        \"weight\": 1,\n"
    "        \"concepts\": [[\"list*\"], [\"grow*\", \"every item\", \"all item*\", \"whole "
    "input\"]]\n"
    "      }\n"
    "    ]\n"
    "  },\n"
    "  \"//rubric\": \"points an explanation is credited for; see docs/exercise-format.md\"\n"
    "}\n";

static const char t_starter_py[] =
    "\"\"\"Arithmetic mean of a stream.\n"
    "\n"
    "Write mean(values): the arithmetic mean of the numbers of the iterable\n"
    "`values`, which may be a generator far larger than memory.  An empty input\n"
    "raises ValueError.\n"
    "\"\"\"\n"
    "\n"
    "\n"
    "def mean(values):\n"
    "    \"\"\"Return the mean of `values` in memory that does not grow with its length.\n"
    "\n"
    "    >>> mean([1, 2, 3, 4])\n"
    "    2.5\n"
    "    \"\"\"\n"
    "    raise NotImplementedError\n";

static const char t_reference_py[] = "def mean(values):\n"
                                     "    total = 0\n"
                                     "    count = 0\n"
                                     "    for v in values:\n"
                                     "        total += v\n"
                                     "        count += 1\n"
                                     "    if count == 0:\n"
                                     "        raise ValueError(\"mean() of an empty input\")\n"
                                     "    return total / count\n";

static const char t_checks_py[] =
    "\"\"\"Checks of @ID@: each check_<name>(sub, h) returns an observation.\n"
    "\n"
    "The harness runs every check on the reference and on the submission and\n"
    "compares what they return (or only applies the check's rules when its\n"
    "\"compare\" is \"none\").  h.measure(label, fn) times fn() and counts the Python\n"
    "memory it allocates; the figures are read by rules as\n"
    "cand.measure.<label>.<figure>.\n"
    "\"\"\"\n"
    "\n"
    "\n"
    "def check_mean_basic(sub, h):\n"
    "    return [sub.mean([1, 2, 3, 4]), sub.mean(range(10)), sub.mean([0.5, 0.25]), "
    "sub.mean([7])]\n"
    "\n"
    "\n"
    "def check_mean_empty(sub, h):\n"
    "    try:\n"
    "        sub.mean(iter([]))\n"
    "    except ValueError:\n"
    "        return \"ValueError\"\n"
    "    return \"no exception\"\n"
    "\n"
    "\n"
    "def check_mean_memory(sub, h):\n"
    "    h.measure(\"big\", lambda: sub.mean(i for i in range(10**6)))\n"
    "\n"
    "\n"
    "def check_speed(sub, h):\n"
    "    h.measure(\"t\", lambda: sub.mean(range(10**6)))\n";

static const char t_workloads_py[] =
    "\"\"\"Sized workloads of @ID@, for `pyharness compare`: how time and memory grow\n"
    "with n.  WORKLOADS is read without running anything; workload_<name>(sub, h, n)\n"
    "prepares an input of size n and returns a function that does the work once.\n"
    "\"\"\"\n"
    "\n"
    "WORKLOADS = {\n"
    "    \"mean\": {\n"
    "        \"sizes\": [1000, 10000, 100000],\n"
    "        \"unit\": \"values\",\n"
    "        \"clock\": \"cpu\",\n"
    "        \"description\": \"mean() of a generator of n numbers.\",\n"
    "    },\n"
    "}\n"
    "\n"
    "\n"
    "def workload_mean(sub, h, n):\n"
    "    return lambda: sub.mean(i % 97 for i in range(n))\n";

static const char t_examples_good_py[] = "def mean(values):\n"
                                         "    count = 0\n"
                                         "    total = 0\n"
                                         "    for count, v in enumerate(values, 1):\n"
                                         "        total += v\n"
                                         "    if not count:\n"
                                         "        raise ValueError(\"empty\")\n"
                                         "    return total / count\n";

static const char t_examples_bad_list_py[] = "def mean(values):\n"
                                             "    items = list(values)\n"
                                             "    if not items:\n"
                                             "        raise ValueError(\"empty\")\n"
                                             "    return sum(items) / len(items)\n";

static const char t_examples_bad_floor_py[] = "def mean(values):\n"
                                              "    total = count = 0\n"
                                              "    for v in values:\n"
                                              "        total += v\n"
                                              "        count += 1\n"
                                              "    if count == 0:\n"
                                              "        raise ValueError(\"empty\")\n"
                                              "    return total // count\n";

static const char t_examples_expected_json[] =
    "{\n"
    "  \"good.py\": \"passed\",\n"
    "  \"bad_list.py\": {\"verdict\": \"failed\", \"check\": \"mean_memory\"},\n"
    "  \"bad_floor.py\": {\"verdict\": \"failed\", \"check\": \"mean_basic\"}\n"
    "}\n";

static const struct {
    const char *name;
    const char *text;
} templates[] = {
    {"exercise.json", t_exercise_json},
    {"starter.py", t_starter_py},
    {"reference.py", t_reference_py},
    {"checks.py", t_checks_py},
    {"workloads.py", t_workloads_py},
    {"examples/good.py", t_examples_good_py},
    {"examples/bad_list.py", t_examples_bad_list_py},
    {"examples/bad_floor.py", t_examples_bad_floor_py},
    {"examples/expected.json", t_examples_expected_json},
};

/* 1 when `id` is a valid exercise id: [a-z0-9-], starting with a letter. */
static int valid_id(const char *id)
{
    const char *p;

    if (id[0] < 'a' || id[0] > 'z' || strlen(id) > 64)
        return 0;
    for (p = id; *p != '\0'; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
            return 0;
    return 1;
}

/* `text` with every "@ID@" replaced by `id`; caller frees. */
static char *fill(const char *text, const char *id)
{
    size_t n = strlen(text), idl = strlen(id), cap = n + 1, o = 0;
    const char *p;
    char *out;

    for (p = strstr(text, "@ID@"); p != NULL; p = strstr(p + 4, "@ID@"))
        cap += idl;
    out = malloc(cap);
    if (out == NULL)
        return NULL;
    for (p = text; *p != '\0';) {
        if (strncmp(p, "@ID@", 4) == 0) {
            memcpy(out + o, id, idl);
            o += idl;
            p += 4;
        } else {
            out[o++] = *p++;
        }
    }
    out[o] = '\0';
    return out;
}

int cmd_new_main(int argc, char **argv)
{
    struct ph_err err = {0};
    char dir[4096], path[4200];
    const char *into = ".", *id;
    int npos, parsed, status = CLI_EXIT_INTERNAL;
    size_t i;

    parsed = cli_parse(usage, NULL, argc, argv, &npos);
    if (parsed != CLI_PARSE_OK)
        return cli_parse_status(parsed);
    if (npos < 1 || npos > 2)
        return cli_usage("new: needs an exercise id and, optionally, a folder\n%s", usage);
    id = argv[1];
    if (npos == 2)
        into = argv[2];
    if (!valid_id(id))
        return cli_usage("new: \"%s\" is not an exercise id: lower case letters, digits and "
                         "dashes, starting with a letter",
                         id);
    if (!fileio_is_dir(into)) {
        ph_errf(&err, PH_EINPUT, "%s: no such folder", into);
        return cli_fail(&err);
    }
    if ((size_t)snprintf(dir, sizeof dir, "%s/%s", into, id) >= sizeof dir) {
        ph_errf(&err, PH_EINPUT, "%s: path too long", into);
        return cli_fail(&err);
    }
    if (mkdir(dir, 0755) != 0) {
        ph_errf(&err, PH_EINPUT, "%s: %s", dir,
                errno == EEXIST ? "already exists: kept as it is" : strerror(errno));
        return cli_fail(&err);
    }
    snprintf(path, sizeof path, "%s/examples", dir);
    if (mkdir(path, 0755) != 0) {
        ph_errf(&err, PH_EIO, "%s: %s", path, strerror(errno));
        goto fail;
    }
    for (i = 0; i < sizeof templates / sizeof templates[0]; i++) {
        char *text = fill(templates[i].text, id);
        enum ph_rc rc;
        if (text == NULL) {
            ph_errf(&err, PH_ENOMEM, "out of memory");
            goto fail;
        }
        snprintf(path, sizeof path, "%s/%s", dir, templates[i].name);
        rc = fileio_write(path, text, strlen(text), &err);
        free(text);
        if (rc != PH_OK)
            goto fail;
        /* fileio_write creates 0600: an exercise is read by its graders too. */
        (void)chmod(path, 0644);
    }
    printf("created %s/ (exercise.json, starter.py, reference.py, checks.py, examples/)\n", dir);
    printf("next: pyharness validate %s\n", dir);
    printf("then edit it into your own; `pyharness --exercises %s list` shows it in the bank\n",
           into);
    return CLI_EXIT_OK;
fail:
    status = cli_fail(&err);
    fileio_rmtree(dir); /* nothing half-made left behind */
    return status;
}
