/*
 * cmd_gradescope.c - `pyharness gradescope HOMEWORK --out autograder.zip`
 *
 * The zip Gradescope's "Zip file upload" autograder expects: `setup.sh`
 * (run once when the image is built: installs the Debian packages and
 * builds pyharness from the sources in the zip) and `run_autograder` (run
 * per submission: grades /autograder/submission with the metadata
 * Gradescope writes beside it, and writes /autograder/results/results.json).
 * The assignment's exercises travel in the zip, and homework.json is
 * rewritten to point at them.
 */
#include "cmd_gradescope.h"

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "cli.h"
#include "exercise.h"
#include "fileio.h"
#include "homework.h"
#include "paths.h"
#include "zipfile.h"

static const char usage[] = "usage: pyharness gradescope HOMEWORK.json --out autograder.zip\n";

#define FILE_MAX (16u << 20)
#define DEPTH_MAX 6

/* Packages the grader needs at run time on Gradescope's Ubuntu image. */
static const char setup_sh[] =
    "#!/bin/sh\n"
    "# Gradescope runs this once, as root, when it builds the autograder image.\n"
    "set -eu\n"
    "export DEBIAN_FRONTEND=noninteractive\n"
    "apt-get update -qq\n"
    "apt-get install -y -qq --no-install-recommends cmake gcc make pkg-config python3 \\\n"
    "  python3-dev libcurl4-openssl-dev libcjson-dev libseccomp-dev libsqlite3-dev zlib1g-dev\n"
    "cd \"${PYHARNESS_AUTOGRADER_ROOT:-/autograder}/source/pyharness\"\n"
    "cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPH_BUILD_TESTS=OFF\n"
    "cmake --build build -j\"$(nproc)\" --target pyharness\n";

static const char run_sh[] =
    "#!/bin/sh\n"
    "# Gradescope copies this to /autograder/run_autograder and runs it per submission; the\n"
    "# zip is in /autograder/source.  PYHARNESS_AUTOGRADER_ROOT moves /autograder (tests lay\n"
    "# out a temporary root); PYHARNESS_BIN picks another pyharness binary.\n"
    "set -u\n"
    "ROOT=\"${PYHARNESS_AUTOGRADER_ROOT:-/autograder}\"\n"
    "SRC=\"$ROOT/source\"\n"
    "BIN=\"${PYHARNESS_BIN:-$SRC/pyharness/build/pyharness}\"\n"
    "OUT=\"$(mktemp -d)\"\n"
    "mkdir -p \"$ROOT/results\"\n"
    "META=\"$ROOT/submission_metadata.json\"\n"
    "set -- \"$BIN\" grade \"$SRC/homework.json\" \"$ROOT/submission\" --single \\\n"
    "  --student submission --out \"$OUT\" --quiet\n"
    "[ -f \"$META\" ] && set -- \"$@\" --gradescope-metadata \"$META\"\n"
    "if \"$@\" && [ -f \"$OUT/submission/results.json\" ]; then\n"
    "  cp \"$OUT/submission/results.json\" \"$ROOT/results/results.json\"\n"
    "  status=0\n"
    "else\n"
    "  status=$?\n"
    "  printf '{\"score\": 0, \"output\": \"The autograder could not grade this submission "
    "(exit status %s). Your instructor has been shown the log.\"}\\n' \"$status\" \\\n"
    "    > \"$ROOT/results/results.json\"\n"
    "fi\n"
    "rm -rf \"$OUT\"\n"
    "exit 0\n";

static int skip_name(const char *n)
{
    return n[0] == '.' || strcmp(n, "__pycache__") == 0 || strcmp(n, "build") == 0 ||
           strncmp(n, "build-", 6) == 0;
}

/* Add the files under `dir` as `prefix/...`; `skip_examples` leaves an
 * exercise's examples out (solutions students must not get). */
static enum ph_rc add_tree(struct zipfile_writer *w, const char *dir, const char *prefix, int depth,
                           int skip_examples, struct ph_err *err)
{
    struct dirent **names = NULL;
    int n = scandir(dir, &names, NULL, alphasort);
    enum ph_rc rc = PH_OK;

    if (n < 0)
        return ph_errf(err, PH_EIO, "%s: cannot list", dir);
    for (int i = 0; i < n && rc == PH_OK; i++) {
        char path[PATH_MAX], name[PATH_MAX];
        struct stat sb;
        const char *b = names[i]->d_name;
        if (skip_name(b) || (skip_examples && depth == 0 && strcmp(b, "examples") == 0))
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, b);
        snprintf(name, sizeof name, "%s/%s", prefix, b);
        if (lstat(path, &sb) != 0)
            continue;
        if (S_ISDIR(sb.st_mode) && depth < DEPTH_MAX) {
            rc = add_tree(w, path, name, depth + 1, skip_examples, err);
        } else if (S_ISREG(sb.st_mode)) {
            char *data = NULL;
            size_t len = 0;
            rc = fileio_read(path, FILE_MAX, &data, &len, err);
            if (rc == PH_OK)
                rc = zipfile_writer_add(w, name, data, len, (sb.st_mode & 0111) ? 0755 : 0644, err);
            free(data);
        }
    }
    for (int i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return rc;
}

/* homework.json with every exercise's folder pointing into the zip. */
static char *rewrite_homework(const struct homework *hw)
{
    cJSON *root = cJSON_Parse(hw->text), *exs, *e;
    char folder[256];
    char *text;
    size_t k = 0;

    if (root == NULL)
        return NULL;
    exs = cJSON_GetObjectItemCaseSensitive(root, "exercises");
    cJSON_ArrayForEach(e, exs)
    {
        snprintf(folder, sizeof folder, "exercises/%s", hw->ex[k].id);
        cJSON_DeleteItemFromObjectCaseSensitive(e, "folder");
        cJSON_AddStringToObject(e, "folder", folder);
        k++;
    }
    text = cJSON_Print(root);
    cJSON_Delete(root);
    return text;
}

int cmd_gradescope_main(int argc, char **argv)
{
    const char *out = NULL;
    struct homework *hw = NULL;
    struct zipfile_writer *w = NULL;
    struct ph_err err = {0};
    char *hwtext = NULL, src[PATH_MAX];
    int npos, parsed, status = CLI_EXIT_INTERNAL;
    static const char *const src_items[] = {"CMakeLists.txt", "harness", "python",
                                            "reports",        "tools",   NULL};
    const struct cli_opt opts_table[] = {
        {"out", 'o', CLI_VALUE, "ZIP", "where to write the autograder zip", &out, NULL},
        {NULL, 0, CLI_FLAG, NULL, NULL, NULL, NULL},
    };

    parsed = cli_parse(usage, opts_table, argc, argv, &npos);
    if (parsed != CLI_PARSE_OK)
        return cli_parse_status(parsed);
    if (npos != 1 || out == NULL)
        return cli_usage("gradescope: needs a homework.json and --out ZIP\n%s", usage);
    if (homework_load(argv[1], &hw, &err) != PH_OK ||
        homework_load_exercises(hw, paths_exercises_dir(), &err) != PH_OK)
        goto fail;
    snprintf(src, sizeof src, "%s/harness/cli/main.c", PH_SOURCE_DIR);
    if (!fileio_is_file(src)) {
        ph_errf(&err, PH_EINPUT,
                "%s: the pyharness sources are not there; build the zip from a source checkout",
                PH_SOURCE_DIR);
        goto fail;
    }
    hwtext = rewrite_homework(hw);
    if (hwtext == NULL) {
        ph_errf(&err, PH_ENOMEM, "out of memory");
        goto fail;
    }
    if (zipfile_writer_open(out, &w, &err) != PH_OK)
        goto fail;
    if (zipfile_writer_add(w, "setup.sh", setup_sh, strlen(setup_sh), 0755, &err) != PH_OK ||
        zipfile_writer_add(w, "run_autograder", run_sh, strlen(run_sh), 0755, &err) != PH_OK ||
        zipfile_writer_add(w, "homework.json", hwtext, strlen(hwtext), 0644, &err) != PH_OK)
        goto fail;
    for (size_t k = 0; k < hw->nex; k++) {
        char prefix[256];
        snprintf(prefix, sizeof prefix, "exercises/%s", hw->ex[k].id);
        if (add_tree(w, hw->ex[k].ex->dir, prefix, 0, 1, &err) != PH_OK)
            goto fail;
    }
    for (const char *const *it = src_items; *it != NULL; it++) {
        char path[PATH_MAX], name[PATH_MAX];
        snprintf(path, sizeof path, "%s/%s", PH_SOURCE_DIR, *it);
        snprintf(name, sizeof name, "pyharness/%s", *it);
        if (fileio_is_dir(path)) {
            if (add_tree(w, path, name, 1, 0, &err) != PH_OK)
                goto fail;
        } else if (fileio_is_file(path)) {
            char *data = NULL;
            size_t len = 0;
            if (fileio_read(path, FILE_MAX, &data, &len, &err) != PH_OK)
                goto fail;
            enum ph_rc rc = zipfile_writer_add(w, name, data, len, 0644, &err);
            free(data);
            if (rc != PH_OK)
                goto fail;
        }
    }
    {
        struct zipfile_writer *tmp = w;
        w = NULL;
        if (zipfile_writer_close(tmp, &err) != PH_OK)
            goto fail;
    }
    printf("wrote %s: upload it as the assignment's autograder (\"Zip file upload\")\n", out);
    status = CLI_EXIT_OK;
    goto out;
fail:
    status = cli_fail(&err);
out:
    if (w != NULL) {
        struct ph_err ignored = {0};
        (void)zipfile_writer_close(w, &ignored);
        (void)unlink(out);
    }
    free(hwtext);
    homework_free(hw);
    return status;
}
