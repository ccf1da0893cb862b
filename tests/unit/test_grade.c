/* test_grade.c - the parts of batch grading that need no interpreter:
 * homework.json (homework.c), zips (zipfile.c), fingerprints (similarity.c),
 * the sweep of dead runs' scratch folders (scratch.c), shards (grade_run.c)
 * and the grade rows of the store (store.c). */
#include <criterion/criterion.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fileio.h"
#include "grade_run.h"
#include "homework.h"
#include "scratch.h"
#include "similarity.h"
#include "store.h"
#include "zipfile.h"

static const char base_hw[] =
    "{\"name\": \"HW\", \"due\": \"2026-11-20T23:59:00Z\","
    " \"late_policy\": {\"percent_per_day\": 10, \"cap_percent\": 25, \"grace_minutes\": 15},"
    " \"exercises\": [{\"id\": \"a\", \"points\": 10},"
    "                 {\"id\": \"b\", \"points\": 5, \"visibility\": {\"speed\": \"hidden\"}}]}";

static enum ph_rc parse(const char *text, struct homework **hw, struct ph_err *err)
{
    return homework_parse("hw.json", "/tmp", text, hw, err);
}

Test(homework, parses_a_complete_assignment)
{
    struct homework *hw = NULL;
    struct ph_err err = {0};

    cr_assert_eq(parse(base_hw, &hw, &err), PH_OK, "%s", err.msg);
    cr_assert_str_eq(hw->name, "HW");
    cr_assert_eq(hw->nex, 2);
    cr_assert_float_eq(hw->ex[1].points, 5.0, 1e-9);
    cr_assert_eq(hw->grace_s, 15 * 60);
    cr_assert_eq(homework_check_vis(hw, 1, "speed", 0), HW_VIS_HIDDEN);
    cr_assert_eq(homework_check_vis(hw, 1, "other", 0), HW_VIS_VISIBLE);
    cr_assert_eq(homework_check_vis(hw, 1, "other", 1), HW_VIS_AFTER_DUE_DATE);
    homework_free(hw);
}

Test(homework, every_bad_field_is_named)
{
    static const struct {
        const char *text, *want;
    } cases[] = {
        {"{\"name\": \"x\", \"due\": \"2026-01-01\", \"exercises\": [{\"id\": \"a\", "
         "\"points\": 1}], \"extra\": 1}",
         "extra: unknown key"},
        {"{\"name\": \"x\", \"due\": \"tomorrow\", \"exercises\": [{\"id\": \"a\", "
         "\"points\": 1}]}",
         "due:"},
        {"{\"name\": \"x\", \"due\": \"2026-01-01\", \"exercises\": [{\"id\": \"a\", "
         "\"points\": 0}]}",
         "exercises[0].points"},
        {"{\"name\": \"x\", \"due\": \"2026-01-01\", \"exercises\": [{\"id\": \"../a\", "
         "\"points\": 1}]}",
         "exercises[0].id"},
        {"{\"name\": \"x\", \"due\": \"2026-01-01\", \"exercises\": [{\"id\": \"a\", "
         "\"points\": 1, \"pionts\": 2}]}",
         "exercises[0].pionts: unknown key"},
        {"{\"name\": \"x\", \"due\": \"2026-01-01\", \"exercises\": [{\"id\": \"a\", "
         "\"points\": 1}, {\"id\": \"a\", \"points\": 1}]}",
         "exercises[1].id"},
        {"{\"name\": \"x\", \"due\": \"2026-01-01\", \"late_policy\": {\"cap_percent\": 5}, "
         "\"exercises\": [{\"id\": \"a\", \"points\": 1}]}",
         "late_policy.percent_per_day: missing"},
        {"{\"name\": \"x\", \"due\": \"2026-01-01\", \"visibility\": {\"visible_checks\": "
         "\"sometimes\"}, \"exercises\": [{\"id\": \"a\", \"points\": 1}]}",
         "visibility.visible_checks: must be one of hidden, after_due_date"},
        {"{\"name\": \"x\", \"due\": \"2026-01-01\", \"max_file_kb\": 4096, "
         "\"exercises\": [{\"id\": \"a\", \"points\": 1}]}",
         "max_file_kb"},
        {"{\"name\": \"x\", \"due\": \"2026-01-01\", \"exercises\": []}", "exercises:"},
        {"[1]", "not a JSON object"},
    };

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct homework *hw = NULL;
        struct ph_err err = {0};
        cr_assert_eq(parse(cases[i].text, &hw, &err), PH_EINPUT, "case %zu", i);
        cr_assert_null(hw);
        cr_assert_not_null(strstr(err.msg, cases[i].want), "case %zu: %s", i, err.msg);
        cr_assert_not_null(strstr(err.msg, "hw.json: "), "%s", err.msg);
    }
}

Test(homework, late_policy_counts_started_days_after_the_grace_period_up_to_the_cap)
{
    struct homework *hw = NULL;
    struct ph_err err = {0};
    long long due;
    int days;

    cr_assert_eq(parse(base_hw, &hw, &err), PH_OK, "%s", err.msg);
    due = hw->due;
    cr_assert_float_eq(homework_late_percent(hw, due - 5, &days), 0, 1e-9);
    cr_assert_float_eq(homework_late_percent(hw, due + 14 * 60, &days), 0, 1e-9);
    cr_assert_eq(days, 0);
    cr_assert_float_eq(homework_late_percent(hw, due + 16 * 60, &days), 10, 1e-9);
    cr_assert_eq(days, 1);
    cr_assert_float_eq(homework_late_percent(hw, due + 15 * 60 + 86400 + 1, &days), 20, 1e-9);
    cr_assert_eq(days, 2);
    cr_assert_float_eq(homework_late_percent(hw, due + 30 * 86400, &days), 25, 1e-9);
    homework_free(hw);
}

Test(homework, times_parse_with_zones_and_fractions)
{
    long long a, b, c;

    cr_assert_eq(homework_parse_time("2026-11-20T23:59:00Z", &a), 0);
    cr_assert_eq(homework_parse_time("2026-11-21T00:59:00+01:00", &b), 0);
    cr_assert_eq(homework_parse_time("2026-11-20T15:59:00.123456-08:00", &c), 0);
    cr_assert_eq(a, b);
    cr_assert_eq(a, c);
    cr_assert_neq(homework_parse_time("2026-13-01", &a), 0);
    cr_assert_neq(homework_parse_time("2026-11-20T23:59Zjunk", &a), 0);
}

Test(zipfile, written_entries_read_back_and_oversized_ones_are_flagged)
{
    char dir[] = "/tmp/ph-test-zip-XXXXXX", path[64];
    struct zipfile_writer *w = NULL;
    struct zipfile_entry *e = NULL;
    struct ph_err err = {0};
    size_t n = 0;
    char big[5000];

    cr_assert_not_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/a.zip", dir);
    memset(big, 'x', sizeof big);
    cr_assert_eq(zipfile_writer_open(path, &w, &err), PH_OK);
    cr_assert_eq(zipfile_writer_add(w, "s/a.py", "print(1)\n", 9, 0644, &err), PH_OK);
    cr_assert_eq(zipfile_writer_add(w, "big.py", big, sizeof big, 0755, &err), PH_OK);
    cr_assert_eq(zipfile_writer_close(w, &err), PH_OK);
    cr_assert_eq(zipfile_read(path, 1024, &e, &n, &err), PH_OK, "%s", err.msg);
    cr_assert_eq(n, 2);
    cr_assert_str_eq(e[0].name, "s/a.py");
    cr_assert_str_eq(e[0].data, "print(1)\n");
    cr_assert(e[1].too_big);
    cr_assert_null(e[1].data);
    zipfile_entries_free(e, n);
    cr_assert_eq(fileio_write(path, "not a zip at all", 16, &err), PH_OK);
    cr_assert_eq(zipfile_read(path, 1024, &e, &n, &err), PH_EINPUT);
    fileio_rmtree(dir);
}

static const char orig[] = "import re\n"
                           "PAT = re.compile(r'[a-z]+')\n"
                           "def tokens(doc):\n"
                           "    found = PAT.findall(doc)\n"
                           "    return [t.lower() for t in found if len(t) > 2]\n"
                           "def counts(text):\n"
                           "    table = {}\n"
                           "    for tok in tokens(text):\n"
                           "        table[tok] = table.get(tok, 0) + 1\n"
                           "    return table\n"
                           "def best(text, k):\n"
                           "    table = counts(text)\n"
                           "    return sorted(table.items(), key=lambda kv: (-kv[1], kv[0]))[:k]\n";

static const char renamed_reordered[] =
    "import re\n"
    "def best(s, n):\n"
    "    # the most frequent ones\n"
    "    freq = counts(s)\n"
    "    return sorted(freq.items(), key=lambda it: (-it[1], it[0]))[:n]\n"
    "P = re.compile(r'[a-z]+')\n"
    "def words(d):\n"
    "    hits = P.findall(d)\n"
    "    return [w.lower() for w in hits if len(w) > 2]\n"
    "def counts(x):\n"
    "    freq = {}\n"
    "    for w in words(x):\n"
    "        freq[w] = freq.get(w, 0) + 1\n"
    "    return freq\n";

static const char different[] =
    "from collections import Counter\n"
    "def counts(text):\n"
    "    return dict(Counter(text.lower().split()))\n"
    "def best(text, k):\n"
    "    c = Counter(counts(text))\n"
    "    out = []\n"
    "    while c and len(out) < k:\n"
    "        word, n = max(c.items(), key=lambda p: (p[1], [-ord(ch) for ch in p[0]]))\n"
    "        out.append((word, n))\n"
    "        del c[word]\n"
    "    return out\n";

Test(similarity, survives_renaming_and_reordering_but_not_a_different_solution)
{
    struct sim_doc a, b, c;
    size_t shared = 0;
    unsigned char lines[20] = {0};

    cr_assert_eq(sim_doc_init(&a, orig), 0);
    cr_assert_eq(sim_doc_init(&b, renamed_reordered), 0);
    cr_assert_eq(sim_doc_init(&c, different), 0);
    cr_assert_gt(a.n, 5);
    cr_assert_geq(sim_score(&a, &b, &shared), 0.5, "%f", sim_score(&a, &b, &shared));
    cr_assert_geq(shared, 6);
    cr_assert_lt(sim_score(&a, &c, &shared), 0.2);
    sim_shared_lines(&a, &b, lines, sizeof lines);
    cr_assert(lines[3] || lines[4], "the tokens() body is a shared passage");
    sim_doc_subtract(&b, &a);
    cr_assert_lt(sim_score(&a, &b, &shared), 0.1);
    sim_doc_free(&a);
    sim_doc_free(&b);
    sim_doc_free(&c);
}

Test(similarity, tolerates_broken_files)
{
    struct sim_doc d;

    cr_assert_eq(sim_doc_init(&d, "def f(:\n  '''unterminated\n x = \"\\"), 0);
    sim_doc_free(&d);
    cr_assert_eq(sim_doc_init(&d, ""), 0);
    cr_assert_eq(d.n, 0);
    sim_doc_free(&d);
}

Test(scratch, a_dead_runs_folder_is_swept_and_a_live_ones_is_kept)
{
    char tmp[] = "/tmp/ph-test-scratch-XXXXXX", dead[128], live[128], lock[160];
    int locked[2], release[2];
    pid_t child;

    cr_assert_not_null(mkdtemp(tmp));
    snprintf(dead, sizeof dead, "%s/" SCRATCH_PREFIX "dead01", tmp);
    snprintf(live, sizeof live, "%s/" SCRATCH_PREFIX "live01", tmp);
    cr_assert_eq(mkdir(dead, 0700), 0);
    cr_assert_eq(mkdir(live, 0700), 0);
    snprintf(lock, sizeof lock, "%s/.lock", dead);
    close(open(lock, O_CREAT | O_WRONLY, 0600));
    snprintf(lock, sizeof lock, "%s/.lock", live);
    cr_assert_eq(pipe(locked), 0);
    cr_assert_eq(pipe(release), 0);
    child = fork();
    if (child == 0) {
        int lfd = open(lock, O_CREAT | O_WRONLY, 0600);
        char c;
        flock(lfd, LOCK_EX);
        (void)write(locked[1], "x", 1);
        (void)read(release[0], &c, 1); /* hold the lock until the parent is done */
        _exit(0);
    }
    {
        char c;
        cr_assert_eq(read(locked[0], &c, 1), 1);
    }
    cr_assert_eq(scratch_sweep(tmp), 1);
    cr_assert_not(fileio_is_dir(dead));
    cr_assert(fileio_is_dir(live));
    (void)write(release[1], "y", 1);
    waitpid(child, NULL, 0);
    cr_assert_eq(scratch_sweep(tmp), 1);
    cr_assert_not(fileio_is_dir(live));
    for (int i = 0; i < 2; i++) {
        close(locked[i]);
        close(release[i]);
    }
    fileio_rmtree(tmp);
}

Test(shard, every_student_is_in_exactly_one_slice)
{
    char id[32];

    for (int i = 0; i < 500; i++) {
        int in = 0;
        snprintf(id, sizeof id, "student%d", i);
        for (int k = 1; k <= 7; k++)
            in += grade_in_shard(id, k, 7);
        cr_assert_eq(in, 1, "%s", id);
        cr_assert(grade_in_shard(id, 0, 0));
    }
}

static enum ph_rc count_rows(const struct store_grade_row *row, void *arg, struct ph_err *err)
{
    (void)err;
    cr_assert_str_eq(row->status, "passed");
    cr_assert_str_eq(row->source, "print(1)");
    cr_assert_null(row->problem);
    (*(int *)arg)++;
    return PH_OK;
}

Test(store, grade_rows_replace_and_report_their_hashes)
{
    char dir[] = "/tmp/ph-test-gstore-XXXXXX", db[96];
    struct store *st = NULL;
    struct store_grade_row row;
    struct store_grade_hashes h;
    struct ph_err err = {0};
    int n = 0;

    cr_assert_not_null(mkdtemp(dir));
    snprintf(db, sizeof db, "%s/grade.sqlite3", dir);
    cr_assert_eq(store_open(db, &st, &err), PH_OK, "%s", err.msg);
    memset(&row, 0, sizeof row);
    row.student = "alice";
    row.exercise = "a";
    row.exercise_sha256 = "e1";
    row.submission_sha256 = "s1";
    row.explanation_sha256 = "";
    row.status = "passed";
    row.source = "print(1)";
    row.max = 100;
    row.submitted_at = 42;
    row.attempts = 1;
    cr_assert_eq(store_grade_put(st, &row, &err), PH_OK, "%s", err.msg);
    row.submission_sha256 = "s2";
    cr_assert_eq(store_grade_put(st, &row, &err), PH_OK, "%s", err.msg);
    cr_assert_eq(store_grade_hashes(st, "alice", "a", &h, &err), PH_OK);
    cr_assert(h.found);
    cr_assert_str_eq(h.submission_sha256, "s2");
    cr_assert_eq(h.submitted_at, 42);
    cr_assert_eq(store_grade_hashes(st, "bob", "a", &h, &err), PH_OK);
    cr_assert_not(h.found);
    cr_assert_eq(store_grade_each(st, count_rows, &n, &err), PH_OK);
    cr_assert_eq(n, 1);
    store_close(st);
    fileio_rmtree(dir);
}
