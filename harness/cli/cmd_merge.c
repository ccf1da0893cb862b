/*
 * cmd_merge.c - `pyharness merge SHARD_DIR... --out DIR [--format LIST]`
 *
 * Combines the stores of `grade --shard` runs into one store and writes the
 * outputs from it, as a single run would.  A student found in two shards
 * is an error naming both: the slices of one assignment never overlap, so
 * an overlap means two different runs were mixed.
 */
#include "cmd_merge.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "cmd_grade.h"
#include "fileio.h"
#include "grade_report.h"
#include "grade_run.h"
#include "homework.h"
#include "paths.h"
#include "store.h"

static const char usage[] =
    "usage: pyharness merge SHARD_DIR... --out DIR [--format nbgrader,canvas,moodle]\n"
    "                       [--as-of TIME] [--published]\n";

struct seen {
    char *student;
    int shard; /* index into the shard list */
};

struct merge_ctx {
    struct store *dst;
    struct seen *seen;
    size_t n, cap;
    int shard;
    char **dirs;
};

static enum ph_rc copy_row(const struct store_grade_row *row, void *arg, struct ph_err *err)
{
    struct merge_ctx *m = arg;

    for (size_t i = 0; i < m->n; i++)
        if (strcmp(m->seen[i].student, row->student) == 0) {
            if (m->seen[i].shard != m->shard)
                return ph_errf(err, PH_EINPUT,
                               "student %s was graded in two shards: %s and %s (mixed runs? "
                               "grade again with the same --shard N everywhere)",
                               row->student, m->dirs[m->seen[i].shard], m->dirs[m->shard]);
            goto put;
        }
    if (m->n == m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 64;
        struct seen *s = realloc(m->seen, cap * sizeof *s);
        if (s == NULL)
            return ph_errf(err, PH_ENOMEM, "out of memory");
        m->seen = s;
        m->cap = cap;
    }
    m->seen[m->n].student = strdup(row->student);
    m->seen[m->n].shard = m->shard;
    if (m->seen[m->n].student == NULL)
        return ph_errf(err, PH_ENOMEM, "out of memory");
    m->n++;
put:
    return store_grade_put(m->dst, row, err);
}

int cmd_merge_main(int argc, char **argv)
{
    const char *out = NULL, *format_s = NULL, *as_of = NULL;
    int published = 0, npos, parsed, status = CLI_EXIT_INTERNAL;
    struct merge_ctx m;
    struct homework *hw = NULL;
    struct grade_report_opts ro;
    struct grade_report_totals tot;
    struct ph_err err = {0};
    char path[4096];
    char *hw_text = NULL, *hw_dir = NULL, *hw_path = NULL;
    const struct cli_opt opts_table[] = {
        {"out", 'o', CLI_VALUE, "DIR", "results folder for the whole class", &out, NULL},
        {"format", 0, CLI_VALUE, "LIST", "gradebooks: nbgrader (always), canvas, moodle", &format_s,
         NULL},
        {"as-of", 0, CLI_VALUE, "TIME", "show feedback as visible at TIME (default now)", &as_of,
         NULL},
        {"published", 0, CLI_FLAG, NULL, "grades are published: after_published checks show", NULL,
         &published},
        {NULL, 0, CLI_FLAG, NULL, NULL, NULL, NULL},
    };

    memset(&m, 0, sizeof m);
    memset(&ro, 0, sizeof ro);
    parsed = cli_parse(usage, opts_table, argc, argv, &npos);
    if (parsed != CLI_PARSE_OK)
        return cli_parse_status(parsed);
    if (npos < 1)
        return cli_usage("merge: needs the shards' results folders\n%s", usage);
    if (out == NULL)
        return cli_usage("merge: --out DIR is required");
    if (cmd_grade_parse_formats(format_s, &ro.formats) != 0)
        return cli_usage("--format takes a comma-separated list of nbgrader, canvas, moodle, "
                         "not \"%s\"",
                         format_s);
    ro.now = (long long)time(NULL);
    if (as_of != NULL && homework_parse_time(as_of, &ro.now) != 0)
        return cli_usage("--as-of takes a time such as 2026-11-20T23:59:00Z, not \"%s\"", as_of);
    ro.published = published;
    ro.previous_best = -1;
    m.dirs = argv + 1;
    for (int i = 1; i <= npos; i++) {
        snprintf(path, sizeof path, "%s/%s", argv[i], GRADE_STORE_NAME);
        if (!fileio_is_file(path)) {
            ph_errf(&err, PH_EINPUT, "%s: no %s: not the results of `pyharness grade`", argv[i],
                    GRADE_STORE_NAME);
            goto fail;
        }
    }
    snprintf(path, sizeof path, "%s/%s", out, GRADE_STORE_NAME);
    if (fileio_is_dir(out) == 0 && fileio_is_file(out)) {
        ph_errf(&err, PH_EINPUT, "%s: exists and is not a folder", out);
        goto fail;
    }
    if (store_open(path, &m.dst, &err) != PH_OK)
        goto fail;
    for (int i = 1; i <= npos; i++) {
        struct store *src = NULL;
        char *text = NULL, *dir = NULL, *hpath = NULL;
        char sp[4096];
        snprintf(sp, sizeof sp, "%s/%s", argv[i], GRADE_STORE_NAME);
        if (store_open(sp, &src, &err) != PH_OK)
            goto fail;
        if (store_meta_get(src, "homework_json", &text, &err) != PH_OK ||
            store_meta_get(src, "homework_dir", &dir, &err) != PH_OK ||
            store_meta_get(src, "homework_path", &hpath, &err) != PH_OK) {
            store_close(src);
            goto fail;
        }
        if (text == NULL || dir == NULL) {
            ph_errf(&err, PH_EINPUT, "%s: the store names no assignment", sp);
        } else if (hw_text != NULL && strcmp(hw_text, text) != 0) {
            ph_errf(&err, PH_EINPUT, "%s and %s were graded with different homework.json files",
                    argv[1], argv[i]);
        } else {
            m.shard = i - 1;
            if (store_grade_each(src, copy_row, &m, &err) == PH_OK && hw_text == NULL) {
                hw_text = text;
                hw_dir = dir;
                hw_path = hpath;
                text = dir = hpath = NULL;
            }
        }
        free(text);
        free(dir);
        free(hpath);
        store_close(src);
        if (err.rc != PH_OK)
            goto fail;
    }
    if (store_meta_set(m.dst, "homework_json", hw_text, &err) != PH_OK ||
        store_meta_set(m.dst, "homework_dir", hw_dir, &err) != PH_OK ||
        store_meta_set(m.dst, "homework_path", hw_path ? hw_path : "", &err) != PH_OK ||
        homework_parse(hw_path ? hw_path : "homework.json", hw_dir, hw_text, &hw, &err) != PH_OK)
        goto fail;
    {
        /* For starter code and model answers; the grades do not need them,
         * so a shard merged where the exercises are not is still merged. */
        struct ph_err ignored = {0};
        (void)homework_load_exercises(hw, paths_exercises_dir(), &ignored);
    }
    if (grade_report_write(hw, m.dst, out, &ro, &tot, &err) != PH_OK)
        goto fail;
    fprintf(stderr, "merged %d shard(s): %zu students; %zu in the review queue; results in %s\n",
            npos, tot.students, tot.review, out);
    status = CLI_EXIT_OK;
    goto out;
fail:
    status = cli_fail(&err);
out:
    for (size_t i = 0; i < m.n; i++)
        free(m.seen[i].student);
    free(m.seen);
    store_close(m.dst);
    homework_free(hw);
    free(hw_text);
    free(hw_dir);
    free(hw_path);
    return status;
}
