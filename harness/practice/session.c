/*
 * session.c - see session.h.
 *
 * One loop drives every screen: poll() on the keyboard, on the pipe of
 * whatever child is working (scoring, running code, transcribing, speaking)
 * and on a self-pipe the signal handlers write to, with a 200 ms timeout so
 * the countdown and the spinner move even when nothing happens.  The clock is
 * the monotonic one; a question's time is fixed when it is shown, and when it
 * runs out whatever was typed is what gets scored.
 *
 * Screen layout (full-screen mode, fits 80x24): a status line with the
 * question number, topic and countdown; the question, wrapped; a rule with
 * the keys; the answer editor; a message line at the bottom.  Results,
 * model answers and the summary are printed as ordinary scrolling text.
 */
#include "session.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "editor.h"
#include "engine.h"
#include "exercise.h"
#include "explain.h"
#include "fileio.h"
#include "pick.h"
#include "practice_score.h"
#include "qbank.h"
#include "report_json.h"
#include "runner.h"
#include "scratch.h"
#include "store.h"
#include "stt_http.h"
#include "term.h"
#include "voice.h"
#include "voice_lm.h"

/* How often the screen is redrawn while nothing else happens. */
#define TICK_MS 200
/* Questions in one session, at most. */
#define SESSION_MAX_QUESTIONS 64
/* Topics whose history weighs the pick; the bank has nine. */
#define SESSION_TOPICS_MAX 64
/* A scripted answers file: a quiz, not a book. */
#define ANSWERS_FILE_MAX (1024u * 1024)
/* Lines of the question shown above the editor at most (the rest is cut
 * with an ellipsis so the editor keeps room on a 24-line screen). */
#define QUESTION_ROWS_MAX 9

struct item {
    const struct qbank_question *q;
    char *answer;
    double score, max; /* max is 10: exercises are scaled to it */
    double allowed, used;
    int timed_out;
    int scored;
    char *scorer;
    char *missed; /* the heaviest rubric point not earned, for "study next" */
    int listed;   /* already named under "study next" */
};

struct code_server {
    const struct qbank *b;
    struct engine *e; /* made at the first request */
    unsigned runs;
};

struct ses {
    const struct session_opts *o;
    const struct qbank *b;
    struct store *st;
    long long session_id;
    int tui;
    int quit;
    struct item items[SESSION_MAX_QUESTIONS];
    size_t n;
    char inbuf[EDITOR_MAX + 4096]; /* plain mode: bytes read, not yet used */
    size_t inlen;
    int in_eof;
    struct voice_lm_files lm;
    int lm_ready;
    char tmpdir[PATH_MAX];
    struct runner code;     /* the serving child that runs the learner's code */
    struct code_server srv; /* its state (in the child) */
    double last_run_s;      /* how long the last run took to grade */
    unsigned last_run_n;    /* which run of the session it was */
};

static volatile sig_atomic_t got_signal;
static int sig_pipe[2] = {-1, -1};

static void on_signal(int sig)
{
    int saved = errno;
    char c = (char)sig;

    got_signal = sig;
    if (sig_pipe[1] >= 0 && write(sig_pipe[1], &c, 1) < 0) {
        /* The pipe is full: one byte is enough to wake the loop. */
    }
    errno = saved;
}

/*
 * The key that ends a recording early: the session sends SIGUSR1 to the
 * recording child, whose copy of this flag voice_record() watches.  The
 * handler is installed before any child is forked, so a key pressed the
 * moment recording starts cannot find SIGUSR1 still at its default (which
 * would kill the child and lose the answer).
 */
static volatile int rec_stop;

static void on_rec_stop(int sig)
{
    (void)sig;
    rec_stop = 1;
}

static void on_fatal(int sig)
{
    term_restore_now();
    signal(sig, SIG_DFL);
    raise(sig);
}

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char spinner[] = "|/-\\";

/* Text helpers ----------------------------------------------------------- */

/* Print `text` wrapped to `width`, each line starting with `indent`. */
static void print_wrapped(FILE *f, const char *text, const char *indent, int width)
{
    struct editor ed;
    struct editor_row *rows;
    size_t n, r, c;
    int w = width - (int)strlen(indent);

    if (w < 20)
        w = 20;
    editor_init(&ed);
    if (editor_set(&ed, text) != 0) {
        fprintf(f, "%s%s\n", indent, text);
        editor_cleanup(&ed);
        return;
    }
    n = editor_layout(&ed, w + 1, NULL, 0, &r, &c);
    rows = calloc(n + 1, sizeof *rows);
    if (rows == NULL) {
        fprintf(f, "%s%s\n", indent, text);
    } else {
        n = editor_layout(&ed, w + 1, rows, n + 1, &r, &c);
        for (size_t i = 0; i < n; i++) {
            size_t len = rows[i].end - rows[i].start;
            while (len > 0 && ed.buf[rows[i].start + len - 1] == ' ')
                len--;
            fprintf(f, "%s%.*s\n", indent, (int)len, ed.buf + rows[i].start);
        }
    }
    free(rows);
    editor_cleanup(&ed);
}

/* Print "prefix text" wrapped to `width`, continuation lines indented to
 * the end of the prefix. */
static void print_hanging(FILE *f, const char *prefix, const char *text, int width)
{
    char indent[64];
    size_t n = strlen(prefix);
    struct editor ed;
    struct editor_row *rows = NULL;
    size_t nr, r, c;
    int w;

    if (n >= sizeof indent)
        n = sizeof indent - 1;
    memset(indent, ' ', n);
    indent[n] = '\0';
    w = width - (int)n;
    if (w < 20)
        w = 20;
    editor_init(&ed);
    if (editor_set(&ed, text) == 0) {
        nr = editor_layout(&ed, w + 1, NULL, 0, &r, &c);
        rows = calloc(nr + 1, sizeof *rows);
        if (rows != NULL)
            nr = editor_layout(&ed, w + 1, rows, nr + 1, &r, &c);
    }
    if (rows == NULL) {
        fprintf(f, "%s%s\n", prefix, text);
    } else {
        for (size_t i = 0; i < nr; i++) {
            size_t len = rows[i].end - rows[i].start;
            while (len > 0 && (ed.buf[rows[i].start + len - 1] == ' ' ||
                               ed.buf[rows[i].start + len - 1] == '\n'))
                len--;
            fprintf(f, "%s%.*s\n", i == 0 ? prefix : indent, (int)len, ed.buf + rows[i].start);
        }
    }
    free(rows);
    editor_cleanup(&ed);
}

static int screen_width(void)
{
    int rows, cols;

    term_size(&rows, &cols);
    return cols > 100 ? 100 : cols;
}

static void fmt_time(char *buf, size_t size, double s)
{
    long t = s > 0 ? (long)ceil(s) : 0;

    snprintf(buf, size, "%02ld:%02ld", t / 60, t % 60);
}

/* Jobs run in children (runner.h) ---------------------------------------- */

struct score_arg {
    const struct exercise *ex;
    const char *answer;
    enum explain_scorer scorer;
};

static enum ph_rc score_fn(void *arg, cJSON **out, struct ph_err *err)
{
    struct score_arg *a = arg;
    struct explain_job job;
    enum ph_rc rc;

    memset(&job, 0, sizeof job);
    job.ex = a->ex;
    job.answer = a->answer;
    job.source = "your answer";
    rc = explain_score_many(&job, 1, a->scorer, err);
    if (rc == PH_OK && job.rc == PH_OK)
        *out = explain_result_to_json(&job.result);
    else if (rc == PH_OK)
        rc = ph_errf(err, job.rc, "%s", job.err.msg);
    explain_result_cleanup(&job.result);
    if (rc == PH_OK && *out == NULL)
        rc = ph_errf(err, PH_ENOMEM, "out of memory");
    return rc;
}

static double num(const cJSON *o, const char *k, double dflt);
static const char *str(const cJSON *o, const char *k);

/*
 * The learner's code runs in one serving child for the whole session
 * (runner_serve), which keeps one engine: its sandbox host for the exercise
 * and the reference runs it cached stay from one run to the next, so the
 * second run of the same exercise skips the reference's whole run and the
 * host's start.  The engine is freed (its hosts stopped) when the session
 * closes the server; a server killed by Ctrl-C takes its hosts with it as a
 * one-shot child did, and the next run starts a new one.
 */
static enum ph_rc code_serve(void *state, const cJSON *req, cJSON **out, struct ph_err *err)
{
    struct code_server *cs = state;
    struct engine_opts eo;
    struct run_result res;
    const struct qbank_question *q;
    const char *id, *path;
    double t0 = now_s();
    enum ph_rc rc = PH_OK;
    cJSON *result;

    if (req == NULL) {
        engine_free(cs->e);
        cs->e = NULL;
        return PH_OK;
    }
    id = str(req, "question");
    path = str(req, "path");
    q = id != NULL ? qbank_find(cs->b, id) : NULL;
    if (q == NULL || q->kind != QBANK_EXERCISE || path == NULL)
        return ph_errf(err, PH_EINTERNAL, "a malformed run request");
    if (cs->e == NULL)
        rc = engine_new(NULL, &cs->e, err);
    if (rc != PH_OK)
        return rc;
    memset(&eo, 0, sizeof eo);
    eo.submission_path = path;
    eo.display_name = "your solution";
    rc = engine_grade(cs->e, q->ex, &eo, NULL, &res, err);
    if (rc != PH_OK)
        return rc;
    result = report_json_run(&res);
    run_result_cleanup(&res);
    *out = cJSON_CreateObject();
    if (result == NULL || *out == NULL) {
        cJSON_Delete(result);
        return ph_errf(err, PH_ENOMEM, "out of memory");
    }
    cJSON_AddItemToObject(*out, "result", result);
    cJSON_AddNumberToObject(*out, "seconds", now_s() - t0);
    cJSON_AddNumberToObject(*out, "run", ++cs->runs);
    return PH_OK;
}

struct listen_arg {
    const char *wav; /* NULL: record from the microphone */
    double max_seconds;
    const char *lm, *dict;
};

static enum ph_rc listen_fn(void *arg, cJSON **out, struct ph_err *err)
{
    struct listen_arg *a = arg;
    struct voice_audio audio;
    char *text = NULL;
    enum ph_rc rc;

    rc = a->wav != NULL ? voice_wav_read(a->wav, &audio, err)
                        : voice_record(a->max_seconds, &rec_stop, &audio, err);
    if (rc != PH_OK)
        return rc;
    rc = stt_http_configured() ? stt_http_transcribe(&audio, &text, err)
                               : voice_transcribe(&audio, a->lm, a->dict, &text, err);
    voice_audio_free(&audio);
    if (rc != PH_OK)
        return rc;
    /* Shown and scored as written text: "asyncio dot gather" is asyncio.gather. */
    char *written = practice_heard_text(text);
    *out = cJSON_CreateObject();
    if (written == NULL || *out == NULL || cJSON_AddStringToObject(*out, "text", written) == NULL)
        rc = ph_errf(err, PH_ENOMEM, "out of memory");
    free(written);
    free(text);
    return rc;
}

static enum ph_rc speak_fn(void *arg, cJSON **out, struct ph_err *err)
{
    enum ph_rc rc = voice_speak(arg, err);

    if (rc == PH_OK)
        *out = cJSON_CreateObject();
    return rc;
}

/*
 * Wait for a runner's answer, honouring Ctrl-C (a signal, or the byte when
 * the terminal is raw).  With `label`, a spinner, the time spent and (when
 * `deadline` > 0) the question's countdown are redrawn on the current line
 * while the child works.  NULL when it failed (err set) or the learner left
 * (s->quit set).
 */
static cJSON *wait_runner(struct ses *s, struct runner *r, const char *label, double deadline,
                          struct ph_err *err)
{
    cJSON *out = NULL;
    double t0 = now_s();
    int tty = label != NULL;

    for (;;) {
        struct pollfd p[3] = {
            {runner_fd(r), POLLIN, 0}, {sig_pipe[0], POLLIN, 0}, {tty ? 0 : -1, POLLIN, 0}};
        int k = poll(p, 3, tty ? TICK_MS / 2 : TICK_MS);
        int ctrl_c = 0;
        if (k > 0 && (p[2].revents & POLLIN)) {
            char c[64];
            ssize_t nr = read(0, c, sizeof c);
            ctrl_c = nr > 0 && memchr(c, 0x03, (size_t)nr) != NULL;
        }
        if (got_signal || ctrl_c) {
            s->quit = 1;
            runner_kill(r);
            ph_errf(err, PH_EUSAGE, "interrupted");
            out = NULL;
            break;
        }
        if (k < 0 && errno != EINTR) {
            ph_errf(err, PH_EIO, "poll: %s", strerror(errno));
            break;
        }
        if (runner_step(r, &out, err) == 1)
            break;
        if (tty) {
            char left[16] = "";
            double el = now_s() - t0;
            if (deadline > 0)
                fmt_time(left, sizeof left, deadline - now_s());
            printf("\r\033[K%s %c %.1fs%s%s", label, spinner[(int)(el * 8) % 4], el,
                   deadline > 0 ? "   time left " : "", left);
            fflush(stdout);
        }
    }
    if (tty) {
        printf("\r\033[K");
        fflush(stdout);
    }
    return out;
}

/* Voice ------------------------------------------------------------------ */

static int ensure_lm(struct ses *s, struct ph_err *err)
{
    if (s->lm_ready)
        return 0;
    if (stt_http_configured() ||
        (s->o->voice_lm != NULL && strcmp(s->o->voice_lm, "general") == 0)) {
        s->lm_ready = 1;
        return 0;
    }
    if (s->o->voice_lm == NULL || strcmp(s->o->voice_lm, "bank") == 0) {
        if (voice_lm_bank(s->b, NULL, NULL, &s->lm, err) != PH_OK)
            return -1;
    } else {
        struct voice_lm_mix mix;
        voice_lm_mix_default(&mix);
        if (voice_lm_bank(s->b, &mix, NULL, &s->lm, err) != PH_OK)
            return -1;
    }
    s->lm_ready = 1;
    return 0;
}

/* The WAV answering `q`, if --answer-audio gave one: a file answers the
 * first question; a folder holds <id>.wav per question. */
static const char *audio_for(struct ses *s, size_t idx, char *buf, size_t size)
{
    const struct qbank_question *q = s->items[idx].q;
    struct stat sb;

    if (s->o->answer_audio == NULL || q->kind != QBANK_CONCEPT)
        return NULL;
    if (stat(s->o->answer_audio, &sb) == 0 && S_ISDIR(sb.st_mode)) {
        snprintf(buf, size, "%s/%s.wav", s->o->answer_audio, q->id);
        return access(buf, R_OK) == 0 ? buf : NULL;
    }
    return idx == 0 ? s->o->answer_audio : NULL;
}

/* Showing results ---------------------------------------------------------- */

static double num(const cJSON *o, const char *k, double dflt)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

    return cJSON_IsNumber(v) ? v->valuedouble : dflt;
}

static const char *str(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void show_concept_result(struct item *it, const cJSON *r, int brief)
{
    const cJSON *pts = cJSON_GetObjectItemCaseSensitive(r, "points");
    const cJSON *mis = cJSON_GetObjectItemCaseSensitive(r, "misconceptions");
    const cJSON *p;
    int w = screen_width();
    double worst_w = -1;
    char prefix[32];

    it->score = num(r, "score", 0);
    it->max = num(r, "max", 10);
    free(it->scorer);
    it->scorer = strdup(str(r, "scorer") != NULL ? str(r, "scorer") : "offline");
    printf("\nScore: %.1f/%g  (%s scorer)\n", it->score, it->max,
           it->scorer != NULL ? it->scorer : "offline");
    printf("Rubric points:\n");
    cJSON_ArrayForEach(p, pts)
    {
        double credit = num(p, "credit", 0), weight = num(p, "weight", 0);
        const char *text = str(p, "text");
        const char *mark = credit >= 0.75 ? "[+]" : credit > 0.0 ? "[~]" : "[-]";
        snprintf(prefix, sizeof prefix, "  %s %3.0f%%  ", mark, credit * 100.0);
        print_hanging(stdout, prefix, text ? text : "", w);
        if (credit < 0.75 && weight * (1.0 - credit) > worst_w && text != NULL) {
            worst_w = weight * (1.0 - credit);
            free(it->missed);
            it->missed = strdup(text);
        }
    }
    cJSON_ArrayForEach(p, mis)
    {
        snprintf(prefix, sizeof prefix, "  [!] -%-3g  ", num(p, "penalty", 0));
        print_hanging(stdout, prefix, str(p, "text") ? str(p, "text") : "", w);
    }
    if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r, "injection")))
        printf("  (text addressed to the grader was ignored)\n");
    if (!brief && str(r, "feedback") != NULL && str(r, "feedback")[0] != '\0') {
        printf("Feedback:\n");
        print_wrapped(stdout, str(r, "feedback"), "  ", w);
    }
}

static void show_code_result(struct item *it, const cJSON *r)
{
    const cJSON *score = cJSON_GetObjectItemCaseSensitive(r, "score");
    const cJSON *tests = cJSON_GetObjectItemCaseSensitive(r, "tests");
    const cJSON *t;
    double total = num(score, "total", 0), max = num(score, "max", 100);
    const cJSON *expl = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(score, "parts"), "explanation");
    int w = screen_width();
    char line[1024];

    /* A practice run asks for no written explanation: its points are not
     * counted against the learner (the reference scores 10/10, not 8/10). */
    if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(expl, "missing")))
        max -= num(expl, "max", 0);
    it->max = 10;
    it->score = max > 0 ? total / max * 10.0 : 0;
    free(it->scorer);
    it->scorer = strdup("engine");
    printf("\nVerdict: %s   Score: %.1f/10  (%.0f/%.0f points: correctness and speed)\n",
           str(r, "verdict") ? str(r, "verdict") : "?", it->score, total, max);
    cJSON_ArrayForEach(t, tests)
    {
        const char *status = str(t, "status") ? str(t, "status") : "?";
        const char *msg = str(t, "message");
        snprintf(line, sizeof line, "%s %-22s %s%s%s",
                 strcmp(status, "passed") == 0 ? "[+]" : "[-]",
                 str(t, "name") ? str(t, "name") : "?", status, msg && msg[0] ? ": " : "",
                 msg ? msg : "");
        print_wrapped(stdout, line, "  ", w);
        if (strcmp(status, "passed") != 0 && it->missed == NULL)
            it->missed = strdup(str(t, "name") ? str(t, "name") : "a check");
    }
    if (str(r, "detail") != NULL)
        print_wrapped(stdout, str(r, "detail"), "  ", w);
    {
        /* Speed against the reference, in the words `run` uses. */
        const cJSON *perf = cJSON_GetObjectItemCaseSensitive(
            cJSON_GetObjectItemCaseSensitive(score, "parts"), "performance");
        if (str(perf, "origin") != NULL && str(perf, "origin")[0] != '\0') {
            snprintf(line, sizeof line, "speed: %s", str(perf, "origin"));
            print_wrapped(stdout, line, "  ", w);
        }
    }
}

static void show_model_answer(const struct item *it)
{
    if (it->q->ex->model_answer == NULL)
        return;
    printf("\nModel answer:\n");
    print_wrapped(stdout, it->q->ex->model_answer, "  ", screen_width());
}

static void record(struct ses *s, struct item *it, size_t seq)
{
    struct store_practice_answer a;
    struct ph_err err;

    if (s->st == NULL || s->session_id == 0)
        return;
    memset(&a, 0, sizeof a);
    ph_err_clear(&err);
    a.seq = (int)seq;
    a.question = it->q->id;
    a.topic = it->q->topic;
    a.kind = qbank_kind_name(it->q->kind);
    a.answer = it->answer != NULL ? it->answer : "";
    a.score = it->score;
    a.max = it->max;
    a.seconds_used = it->used;
    a.seconds_allowed = it->allowed;
    a.timed_out = it->timed_out;
    a.scorer = it->scorer != NULL ? it->scorer : "";
    if (store_practice_answer_put(s->st, s->session_id, &a, &err) != PH_OK)
        fprintf(stderr, "pyharness practice: %s (the session goes on)\n", err.msg);
}

/* Score a written answer in a child, with a spinner when on a terminal. */
static void score_concept(struct ses *s, struct item *it)
{
    struct runner r;
    struct score_arg arg = {it->q->ex, it->answer, s->o->scorer};
    struct ph_err err;
    cJSON *res = NULL;

    ph_err_clear(&err);
    it->max = 10;
    if (it->answer == NULL || it->answer[strspn(it->answer, " \t\r\n")] == '\0') {
        it->score = 0;
        it->scored = 1;
        it->scorer = strdup("none");
        printf("\nScore: 0/10  (no answer)\n");
        return;
    }
    runner_init(&r);
    if (runner_start(&r, score_fn, &arg, &err) != PH_OK) {
        fprintf(stderr, "pyharness practice: %s\n", err.msg);
        return;
    }
    res = wait_runner(s, &r, s->tui ? "scoring" : NULL, 0, &err);
    runner_cleanup(&r);
    if (res == NULL && s->quit && arg.scorer != EXPLAIN_OFFLINE) {
        /* Ctrl-C while an LLM scored a submitted answer: the answer is kept,
         * scored by the offline rubric scorer here (no network, instant). */
        arg.scorer = EXPLAIN_OFFLINE;
        ph_err_clear(&err);
        if (score_fn(&arg, &res, &err) != PH_OK)
            res = NULL;
    }
    if (res == NULL) {
        if (!s->quit)
            fprintf(stderr, "pyharness practice: scoring failed: %s\n", err.msg);
        return;
    }
    show_concept_result(it, res, s->tui);
    it->scored = 1;
    cJSON_Delete(res);
}

/* Run the learner's code in a child; *res receives the run's JSON. */
static int run_code(struct ses *s, struct item *it, const char *path, cJSON **res, double deadline)
{
    struct ph_err err;
    cJSON *req = cJSON_CreateObject(), *ans;

    *res = NULL;
    ph_err_clear(&err);
    if (req == NULL || cJSON_AddStringToObject(req, "question", it->q->id) == NULL ||
        cJSON_AddStringToObject(req, "path", path) == NULL) {
        cJSON_Delete(req);
        fprintf(stderr, "pyharness practice: out of memory\n");
        return -1;
    }
    if (!runner_serving(&s->code) && runner_serve(&s->code, code_serve, &s->srv, &err) != PH_OK) {
        cJSON_Delete(req);
        fprintf(stderr, "pyharness practice: %s\n", err.msg);
        return -1;
    }
    if (runner_request(&s->code, req, &err) != PH_OK) {
        cJSON_Delete(req);
        fprintf(stderr, "pyharness practice: %s\n", err.msg);
        return -1;
    }
    cJSON_Delete(req);
    ans = wait_runner(s, &s->code, s->tui ? "running your code" : NULL, deadline, &err);
    if (ans != NULL) {
        *res = cJSON_DetachItemFromObjectCaseSensitive(ans, "result");
        s->last_run_s = num(ans, "seconds", 0);
        s->last_run_n = (unsigned)num(ans, "run", 0);
        if (getenv("PYHARNESS_PRACTICE_TIMING") != NULL)
            fprintf(stderr, "practice: run %u of the session graded in %.2f s\n", s->last_run_n,
                    s->last_run_s);
    }
    cJSON_Delete(ans);
    if (*res == NULL && !s->quit)
        fprintf(stderr, "pyharness practice: the run failed: %s\n", err.msg);
    return *res != NULL ? 0 : -1;
}

/* Plain mode: read lines until a blank line, EOF or the deadline.  Returns
 * the text (caller frees); *timed_out set when the deadline ended it. */
static char *plain_read(struct ses *s, double deadline, int first_line_only, int *timed_out)
{
    char *text;
    size_t end = 0;

    *timed_out = 0;
    for (;;) {
        char *blank = NULL;
        if (first_line_only) {
            char *nl = memchr(s->inbuf, '\n', s->inlen);
            if (nl != NULL) {
                end = (size_t)(nl - s->inbuf);
                break;
            }
        } else {
            for (size_t i = 0; i + 1 < s->inlen; i++)
                if (s->inbuf[i] == '\n' && s->inbuf[i + 1] == '\n' && (i > 0 || s->inlen > 0)) {
                    blank = s->inbuf + i;
                    break;
                }
            if (blank != NULL) {
                end = (size_t)(blank - s->inbuf);
                if (end == 0) {
                    /* Blank lines before any text: skip them. */
                    memmove(s->inbuf, s->inbuf + 1, --s->inlen);
                    continue;
                }
                break;
            }
        }
        if (s->in_eof) {
            end = s->inlen;
            break;
        }
        double left = deadline - now_s();
        if (left <= 0) {
            *timed_out = 1;
            end = s->inlen;
            break;
        }
        struct pollfd p[2] = {{0, POLLIN, 0}, {sig_pipe[0], POLLIN, 0}};
        int k = poll(p, 2, left > 1 ? 1000 : (int)(left * 1000) + 1);
        if (got_signal) {
            s->quit = 1;
            return NULL;
        }
        if (k > 0 && (p[0].revents & (POLLIN | POLLHUP))) {
            ssize_t nr = read(0, s->inbuf + s->inlen, sizeof s->inbuf - s->inlen - 1);
            if (nr <= 0)
                s->in_eof = 1;
            else
                s->inlen += (size_t)nr;
            if (s->inlen >= sizeof s->inbuf - 1)
                s->in_eof = 1; /* an answer this long ends here */
        }
    }
    text = malloc(end + 1);
    if (text == NULL)
        return NULL;
    memcpy(text, s->inbuf, end);
    text[end] = '\0';
    /* Drop what was used and the separator after it. */
    while (end < s->inlen && s->inbuf[end] == '\n')
        end++;
    memmove(s->inbuf, s->inbuf + end, s->inlen - end);
    s->inlen -= end;
    return text;
}

/* Full-screen editor ------------------------------------------------------ */

struct screen {
    struct ses *s;
    size_t idx;
    const char *hint;
    char msg[256];
    struct editor *ed;
    size_t top; /* first editor row shown */
    double deadline;
};

static void draw(struct screen *sc)
{
    struct ses *s = sc->s;
    const struct qbank_question *q = s->items[sc->idx].q;
    int rows, cols;
    char left[16], status[256], right[64];
    struct editor qed;
    struct editor_row qrows[QUESTION_ROWS_MAX + 1];
    size_t nq, r, c, shown;
    int row = 1, room;

    /* Every line is placed with an explicit cursor move and kept shorter
     * than the screen, so nothing ever wraps or scrolls the screen.  stdio
     * output goes out first: both reach the same terminal. */
    fflush(stdout);
    term_size(&rows, &cols);
    if (cols > 250)
        cols = 250;
    if (rows < 8)
        rows = 8;
    fmt_time(left, sizeof left, sc->deadline - now_s());
    term_puts("\033[?25l");
    snprintf(status, sizeof status, " question %zu/%zu | %s | %s", sc->idx + 1, s->n, q->topic,
             qbank_kind_name(q->kind));
    snprintf(right, sizeof right, " time left %s ", left);
    room = cols - 1 - (int)strlen(right);
    term_move(row++, 1);
    term_printf("\033[7m%-*.*s%s\033[0m\033[K", room > 0 ? room : 0, room > 0 ? room : 0, status,
                right);
    editor_init(&qed);
    editor_set(&qed, q->ex->question);
    nq = editor_layout(&qed, cols, qrows, QUESTION_ROWS_MAX + 1, &r, &c);
    shown = nq > QUESTION_ROWS_MAX ? QUESTION_ROWS_MAX : nq;
    if (rows < 16 && shown > 4)
        shown = 4;
    for (size_t i = 0; i < shown; i++) {
        size_t len = qrows[i].end - qrows[i].start;
        term_move(row++, 1);
        term_putn(qed.buf + qrows[i].start, len);
        if (i + 1 == shown && nq > shown)
            term_puts("...");
        term_puts("\033[K");
    }
    editor_cleanup(&qed);
    term_move(row++, 1);
    {
        char rule[256];
        int n = snprintf(rule, sizeof rule, "-- %s ", sc->hint);
        if (n > cols - 1)
            n = cols - 1;
        term_printf("\033[2m%.*s", n, rule);
        for (int k = n; k < cols - 1; k++)
            term_puts("-");
        term_puts("\033[0m\033[K");
    }
    if (sc->ed != NULL) {
        int height = rows - row; /* editor rows: row .. rows-1 */
        size_t n, crow, ccol;
        struct editor_row *er;
        if (height < 1)
            height = 1;
        n = editor_layout(sc->ed, cols, NULL, 0, &crow, &ccol);
        er = calloc(n + 1, sizeof *er);
        if (er != NULL)
            n = editor_layout(sc->ed, cols, er, n + 1, &crow, &ccol);
        if (crow < sc->top)
            sc->top = crow;
        if (crow >= sc->top + (size_t)height)
            sc->top = crow - (size_t)height + 1;
        for (int i = 0; i < height; i++) {
            size_t k = sc->top + (size_t)i;
            term_move(row + i, 1);
            if (er != NULL && k < n) {
                size_t len = er[k].end - er[k].start;
                if (len > 0 && sc->ed->buf[er[k].start + len - 1] == '\n')
                    len--;
                term_putn(sc->ed->buf + er[k].start, len);
            }
            term_puts("\033[K");
        }
        free(er);
        term_move(rows, 1);
        term_printf("%.*s\033[K", cols - 1, sc->msg);
        term_move(row + (int)(crow - sc->top), (int)ccol + 1);
        term_puts("\033[?25h");
    } else {
        for (int i = row; i < rows; i++) {
            term_move(i, 1);
            term_puts("\033[K");
        }
        term_move(rows, 1);
        term_printf("%.*s\033[K", cols - 1, sc->msg);
    }
    term_flush();
}

/* Ask a concept question in the full-screen editor.  Returns the answer
 * (caller frees), or NULL when the learner quit. */
static char *tui_concept(struct ses *s, size_t idx, double deadline, int *timed_out)
{
    const char *hint = s->o->voice ? "your answer: Enter twice or Ctrl-D submits | Ctrl-R speak | "
                                     "Ctrl-C quit"
                                   : "your answer: Enter twice or Ctrl-D submits | Ctrl-C quits";
    struct item *it = &s->items[idx];
    struct editor ed;
    struct screen sc;
    struct runner listen, speak;
    struct listen_arg la;
    struct ph_err err;
    unsigned char in[256];
    size_t inlen = 0;
    char wavbuf[PATH_MAX];
    const char *wav = audio_for(s, idx, wavbuf, sizeof wavbuf);
    char *answer = NULL;
    int width, rows, done = 0, recording = 0;

    *timed_out = 0;
    editor_init(&ed);
    runner_init(&listen);
    runner_init(&speak);
    memset(&sc, 0, sizeof sc);
    memset(&la, 0, sizeof la);
    ph_err_clear(&err);
    sc.s = s;
    sc.idx = idx;
    sc.ed = &ed;
    sc.deadline = deadline;
    sc.hint = hint;
    if (s->o->voice && voice_tts_built())
        runner_start(&speak, speak_fn, it->q->ex->question, &err);
    if (wav != NULL || s->o->voice) {
        if (ensure_lm(s, &err) != 0)
            snprintf(sc.msg, sizeof sc.msg, "voice: %s", err.msg);
    }
    if (wav != NULL && s->lm_ready) {
        la.wav = wav;
        la.lm = s->lm.arpa;
        la.dict = s->lm.dict;
        if (runner_start(&listen, listen_fn, &la, &err) == PH_OK)
            snprintf(sc.msg, sizeof sc.msg, "transcribing %s ...", wav);
    }
    while (!done) {
        struct pollfd p[3] = {
            {0, POLLIN, 0}, {runner_fd(&listen), POLLIN, 0}, {runner_fd(&speak), POLLIN, 0}};
        double left = deadline - now_s();
        cJSON *res = NULL;

        if (got_signal) {
            s->quit = 1; /* SIGHUP (the terminal closed) or SIGTERM */
            break;
        }
        term_size(&rows, &width);
        draw(&sc);
        if (left <= 0) {
            *timed_out = 1;
            break;
        }
        if (poll(p, 3, left * 1000 < TICK_MS ? (int)(left * 1000) + 1 : TICK_MS) < 0 &&
            errno != EINTR)
            break;
        if (p[1].fd >= 0 && (p[1].revents & (POLLIN | POLLHUP)) &&
            runner_step(&listen, &res, &err) == 1) {
            const char *t = res != NULL ? str(res, "text") : NULL;
            recording = 0;
            sc.hint = hint;
            if (t != NULL) {
                if (ed.len > 0 && ed.buf[ed.len - 1] != '\n' && ed.buf[ed.len - 1] != ' ')
                    editor_insert(&ed, " ", 1);
                editor_insert(&ed, t, strlen(t));
                snprintf(sc.msg, sizeof sc.msg,
                         "transcript inserted: check it, edit it, then submit");
            } else {
                snprintf(sc.msg, sizeof sc.msg, "voice: %s", err.msg);
                ph_err_clear(&err);
            }
            cJSON_Delete(res);
            res = NULL;
        }
        if (p[2].fd >= 0 && (p[2].revents & (POLLIN | POLLHUP)) &&
            runner_step(&speak, &res, &err) == 1) {
            if (res == NULL) {
                snprintf(sc.msg, sizeof sc.msg, "voice: %s; read the question on screen", err.msg);
                ph_err_clear(&err);
            }
            cJSON_Delete(res);
            res = NULL;
        }
        if (p[0].revents & (POLLHUP | POLLERR | POLLNVAL) && !(p[0].revents & POLLIN)) {
            s->quit = 1; /* the terminal is gone: nothing more will be typed */
            break;
        }
        if (!(p[0].revents & POLLIN))
            continue;
        ssize_t nr = read(0, in + inlen, sizeof in - inlen);
        if (nr == 0 || (nr < 0 && errno != EINTR && errno != EAGAIN)) {
            s->quit = 1;
            break;
        }
        if (nr < 0)
            continue;
        inlen += (size_t)nr;
        for (;;) {
            struct term_key key;
            size_t used = term_key_decode(in, inlen, 1, &key);
            if (used == 0)
                break;
            memmove(in, in + used, inlen - used);
            inlen -= used;
            if (recording && (key.kind == TERM_KEY_ENTER || key.kind == TERM_KEY_CTRL_R ||
                              (key.kind == TERM_KEY_TEXT && key.len == 1 && key.text[0] == ' '))) {
                /* Enter, Space or Ctrl-R again: stop now, keep what was said. */
                if (listen.pid > 0)
                    kill(listen.pid, SIGUSR1);
                recording = 0;
                sc.hint = hint;
                snprintf(sc.msg, sizeof sc.msg, "recording stopped: transcribing ...");
                continue;
            }
            switch (key.kind) {
            case TERM_KEY_TEXT:
                if (editor_insert(&ed, key.text, key.len) != 0)
                    snprintf(sc.msg, sizeof sc.msg, "the answer is at its length limit");
                break;
            case TERM_KEY_ENTER:
                if (editor_enter(&ed) == EDITOR_SUBMIT)
                    done = 1;
                break;
            case TERM_KEY_CTRL_D:
                done = 1;
                break;
            case TERM_KEY_BACKSPACE:
                editor_backspace(&ed);
                break;
            case TERM_KEY_DELETE:
                editor_delete(&ed);
                break;
            case TERM_KEY_LEFT:
                editor_left(&ed);
                break;
            case TERM_KEY_RIGHT:
                editor_right(&ed);
                break;
            case TERM_KEY_UP:
                editor_up(&ed, width);
                break;
            case TERM_KEY_DOWN:
                editor_down(&ed, width);
                break;
            case TERM_KEY_HOME:
                editor_home(&ed, width);
                break;
            case TERM_KEY_END:
                editor_end(&ed, width);
                break;
            case TERM_KEY_CTRL_C:
                s->quit = 1;
                done = 1;
                break;
            case TERM_KEY_CTRL_R:
                if (!s->o->voice || !voice_asr_built()) {
                    snprintf(sc.msg, sizeof sc.msg, "voice answers need --voice and %s",
                             voice_asr_built() ? "a microphone" : "PocketSphinx");
                } else if (s->lm_ready && runner_fd(&listen) < 0) {
                    la.wav = NULL;
                    la.max_seconds = left < 120 ? left : 120;
                    la.lm = s->lm.arpa;
                    la.dict = s->lm.dict;
                    rec_stop = 0; /* the child's copy starts clear */
                    if (runner_start(&listen, listen_fn, &la, &err) == PH_OK) {
                        recording = 1;
                        sc.hint = "recording: Enter or Space stops | Ctrl-C quit";
                        snprintf(sc.msg, sizeof sc.msg,
                                 "listening: speak, then pause 1.5 s or press Enter or Space to "
                                 "stop");
                    }
                }
                break;
            default:
                break;
            }
            if (done)
                break;
        }
    }
    runner_cleanup(&listen);
    runner_cleanup(&speak);
    if (!s->quit)
        answer = strdup(editor_text(&ed));
    editor_cleanup(&ed);
    return answer;
}

/* Run $EDITOR on `path` until it exits or the deadline passes. */
static void run_editor(const char *path, double deadline)
{
    pid_t pid;
    int status;

    term_leave();
    printf("\033[H\033[2J");
    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        const char *ed = getenv("VISUAL") != NULL && getenv("VISUAL")[0]   ? getenv("VISUAL")
                         : getenv("EDITOR") != NULL && getenv("EDITOR")[0] ? getenv("EDITOR")
                                                                           : "vi";
        signal(SIGINT, SIG_DFL);
        execl("/bin/sh", "sh", "-c", "exec $0 \"$1\"", ed, path, (char *)NULL);
        _exit(127);
    }
    if (pid > 0) {
        for (;;) {
            pid_t w = waitpid(pid, &status, WNOHANG);
            if (w == pid || (w < 0 && errno != EINTR))
                break;
            if (now_s() >= deadline) {
                /* Time is up: what the editor saved is what gets graded. */
                kill(pid, SIGTERM);
                struct timespec ts = {1, 0};
                nanosleep(&ts, NULL);
                kill(pid, SIGKILL);
                waitpid(pid, &status, 0);
                break;
            }
            struct timespec ts = {0, 50 * 1000 * 1000};
            nanosleep(&ts, NULL);
        }
    }
    term_enter();
}

static int copy_file(const char *from, const char *to)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f;
    int ok;

    if (fileio_read(from, ENGINE_SUBMISSION_MAX, &text, &len, NULL) != PH_OK)
        return -1;
    f = fopen(to, "w");
    ok = f != NULL && fwrite(text, 1, len, f) == len;
    if (f != NULL && fclose(f) != 0)
        ok = 0;
    free(text);
    return ok ? 0 : -1;
}

static long long mtime_ns(const char *path)
{
    struct stat sb;

    if (stat(path, &sb) != 0)
        return -1;
    return (long long)sb.st_mtim.tv_sec * 1000000000LL + sb.st_mtim.tv_nsec;
}

/* A coding exercise in the full-screen mode: edit, run, look, submit. */
static void tui_exercise(struct ses *s, size_t idx, double deadline)
{
    struct item *it = &s->items[idx];
    char path[PATH_MAX], starter[PATH_MAX];
    struct screen sc;
    cJSON *last = NULL;
    long long last_m = -2;
    int submit = 0;

    snprintf(path, sizeof path, "%s/%s.py", s->tmpdir, it->q->id);
    snprintf(starter, sizeof starter, "%s/starter.py", it->q->ex->dir);
    if (access(path, F_OK) != 0 && copy_file(starter, path) != 0) {
        FILE *f = fopen(path, "w");
        if (f != NULL)
            fclose(f);
    }
    memset(&sc, 0, sizeof sc);
    sc.s = s;
    sc.idx = idx;
    sc.deadline = deadline;
    sc.hint = "Enter: edit in $EDITOR | r: run | s: submit | Ctrl-C: quit";
    snprintf(sc.msg, sizeof sc.msg, "your file: %s", path);
    while (!submit && !s->quit) {
        struct pollfd p = {0, POLLIN, 0};
        unsigned char c[64];
        int action = 0;

        if (got_signal) {
            s->quit = 1;
            break;
        }
        draw(&sc);
        if (now_s() >= deadline)
            break;
        if (poll(&p, 1, TICK_MS) > 0 && (p.revents & (POLLIN | POLLHUP | POLLERR | POLLNVAL))) {
            ssize_t nr = read(0, c, sizeof c);
            if (nr == 0 || (nr < 0 && errno != EINTR && errno != EAGAIN))
                s->quit = 1; /* the terminal is gone */
            for (ssize_t i = 0; i < nr; i++) {
                if (c[i] == 0x03)
                    s->quit = 1;
                else if (c[i] == '\r' || c[i] == '\n' || c[i] == 'e')
                    action = 'e';
                else if (c[i] == 'r')
                    action = 'r';
                else if (c[i] == 's')
                    action = 's';
            }
        }
        if (s->quit)
            break;
        if (action == 'e') {
            run_editor(path, deadline);
            action = 'r';
        }
        if (action == 's' && last != NULL && mtime_ns(path) == last_m) {
            submit = 1;
            break;
        }
        if (action == 'r' || action == 's') {
            cJSON_Delete(last);
            last = NULL;
            last_m = mtime_ns(path);
            printf("\033[H\033[2J");
            fflush(stdout);
            if (run_code(s, it, path, &last, deadline) == 0 && last != NULL)
                snprintf(sc.msg, sizeof sc.msg, "last run (#%u): %s, %.0f/%.0f points in %.1f s%s",
                         s->last_run_n, str(last, "verdict") ? str(last, "verdict") : "?",
                         num(cJSON_GetObjectItemCaseSensitive(last, "score"), "total", 0),
                         num(cJSON_GetObjectItemCaseSensitive(last, "score"), "max", 0),
                         s->last_run_s, action == 's' ? "" : " (s submits it)");
            if (action == 's')
                submit = 1;
        }
    }
    if (!submit && !s->quit)
        it->timed_out = 1;
    if (!s->quit && (last == NULL || mtime_ns(path) != last_m)) {
        /* Time ran out after an edit: grade what was saved. */
        cJSON_Delete(last);
        last = NULL;
        run_code(s, it, path, &last, deadline);
    }
    term_leave();
    printf("\033[H\033[2J");
    if (last != NULL && !s->quit) {
        char *text = NULL;
        size_t len;
        if (fileio_read(path, ENGINE_SUBMISSION_MAX, &text, &len, NULL) == PH_OK)
            it->answer = text;
        show_code_result(it, last);
        it->scored = 1;
    }
    cJSON_Delete(last);
}

/* Waiting between questions: Enter goes on, q or Ctrl-C finishes. */
static void tui_pause(struct ses *s, int last)
{
    printf("\n%s\n", last < 0 ? "Press Enter for the model answer, q to finish now."
                     : last   ? "Press Enter for the summary."
                              : "Press Enter for the next question, q to finish now.");
    fflush(stdout);
    if (term_enter() != 0)
        return;
    for (;;) {
        struct pollfd p = {0, POLLIN, 0};
        unsigned char c;
        ssize_t nr;
        if (got_signal) {
            s->quit = 1;
            break;
        }
        if (poll(&p, 1, 1000) <= 0)
            continue;
        nr = read(0, &c, 1);
        if (nr < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (nr != 1) {
            s->quit = 1; /* the terminal is gone */
            break;
        }
        if (c == 0x03 || c == 'q') {
            s->quit = 1;
            break;
        }
        if (c == '\r' || c == '\n' || c == ' ')
            break;
    }
    term_leave();
}

/* Summary ----------------------------------------------------------------- */

/* Quitting after the last question was answered (q at its score or model
 * answer) does not end the session early. */
static int ended_early(const struct ses *s)
{
    size_t answered = 0;

    for (size_t i = 0; i < s->n; i++)
        answered += s->items[i].scored != 0;
    return s->quit && answered < s->n;
}

static void summary(struct ses *s)
{
    double total = 0, max = 0, used = 0;
    size_t answered = 0;
    char t1[16], t2[16];

    printf("\n== Summary ==\n");
    printf("  #  %-24s %-16s %7s  %s\n", "question", "topic", "score", "used / allowed");
    for (size_t i = 0; i < s->n; i++) {
        struct item *it = &s->items[i];
        if (!it->scored)
            continue;
        answered++;
        total += it->score;
        max += it->max;
        used += it->used;
        fmt_time(t1, sizeof t1, it->used);
        fmt_time(t2, sizeof t2, it->allowed);
        if (it->allowed <= 0)
            snprintf(t2, sizeof t2, "untimed");
        /* 79 columns at most, so a summary never wraps on an 80-column screen;
         * the longest topic ("context managers") is not cut. */
        printf(" %2zu  %-24.24s %-16.16s %4.1f/%-2g  %s / %s%s\n", i + 1, it->q->id, it->q->topic,
               it->score, it->max, t1, t2, it->timed_out ? " timed out" : "");
    }
    if (answered == 0) {
        printf("  no question was answered\n");
        return;
    }
    fmt_time(t1, sizeof t1, used);
    printf("Total: %.1f/%g (%.0f%%) in %s%s\n", total, max, max > 0 ? total / max * 100 : 0, t1,
           ended_early(s) ? "; the session was ended early" : "");
    /* Study next: the weakest topics of this session, with what was missed. */
    printf("Study next:\n");
    int shown = 0;
    for (int pass = 0; pass < 3 && shown < 3; pass++) {
        size_t worst = s->n;
        for (size_t i = 0; i < s->n; i++) {
            struct item *it = &s->items[i];
            if (!it->scored || it->score >= 7.5 || it->listed)
                continue;
            if (worst == s->n || it->score < s->items[worst].score)
                worst = i;
        }
        if (worst == s->n)
            break;
        struct item *w = &s->items[worst];
        char line[600];
        snprintf(line, sizeof line, "%s (%s, %.1f/10)%s%s", w->q->topic, w->q->id, w->score,
                 w->missed != NULL ? ": " : "", w->missed != NULL ? w->missed : "");
        print_hanging(stdout, "  - ", line, screen_width());
        w->listed = 1;
        shown++;
    }
    if (shown == 0)
        printf("  nothing urgent: every answer scored 7.5 or more\n");
}

/* Scripted answers ---------------------------------------------------------- */

/* "## <question-id>" starts an answer; everything up to the next such line
 * is its text (for an exercise: its Python code). */
static int parse_answers(struct ses *s, char *text, struct ph_err *err)
{
    char *p = text;
    struct item *cur = NULL;
    char *body = NULL;
    size_t lineno = 0;

    while (*p != '\0') {
        char *nl = strchr(p, '\n');
        char *next = nl != NULL ? nl + 1 : p + strlen(p);
        lineno++;
        if (strncmp(p, "## ", 3) == 0) {
            char id[80];
            size_t n = (size_t)((nl != NULL ? nl : next) - (p + 3));
            while (n > 0 && (p[3 + n - 1] == ' ' || p[3 + n - 1] == '\r'))
                n--;
            if (n == 0 || n >= sizeof id)
                return ph_errf(err, PH_EINPUT, "%s:%zu: expected \"## QUESTION-ID\"",
                               s->o->answers_file, lineno);
            memcpy(id, p + 3, n);
            id[n] = '\0';
            if (cur != NULL) {
                *(p - 1) = '\0';
                cur->answer = strdup(body);
            }
            if (s->n >= SESSION_MAX_QUESTIONS)
                return ph_errf(err, PH_ELIMIT, "%s: more than %d answers", s->o->answers_file,
                               SESSION_MAX_QUESTIONS);
            cur = &s->items[s->n++];
            cur->q = qbank_find(s->b, id);
            if (cur->q == NULL)
                return ph_errf(err, PH_EINPUT, "%s:%zu: no question \"%s\" in the bank",
                               s->o->answers_file, lineno, id);
            body = next;
        } else if (cur == NULL && p[strspn(p, " \t\r\n")] != '\0' &&
                   p[strspn(p, " \t\r")] != '\n') {
            if (p[0] != '#')
                return ph_errf(err, PH_EINPUT,
                               "%s:%zu: text before the first \"## QUESTION-ID\" line",
                               s->o->answers_file, lineno);
        }
        p = next;
    }
    if (cur != NULL)
        cur->answer = strdup(body);
    if (s->n == 0)
        return ph_errf(err, PH_EINPUT, "%s: no \"## QUESTION-ID\" line: nothing to grade",
                       s->o->answers_file);
    return 0;
}

/* The session -------------------------------------------------------------- */

struct stats_acc {
    struct pick_topic t[SESSION_TOPICS_MAX];
    double sum[SESSION_TOPICS_MAX];
    size_t n;
};

/* store_practice_each() callback: the mean score (0..10) per topic. */
static int stats_cb(void *arg, const struct store_practice_row *row)
{
    struct stats_acc *a = arg;
    size_t i;

    for (i = 0; i < a->n; i++)
        if (strcmp(a->t[i].topic, row->topic) == 0)
            break;
    if (i == a->n) {
        /* Topics past the table's size keep the unseen weight. */
        if (a->n == SESSION_TOPICS_MAX)
            return 0;
        a->t[i].topic = strdup(row->topic);
        if (a->t[i].topic == NULL)
            return 0;
        a->n++;
    }
    a->sum[i] += row->max > 0 ? row->score / row->max * 10.0 : 0;
    a->t[i].answers++;
    a->t[i].mean = a->sum[i] / (double)a->t[i].answers;
    return 0;
}

static void ask_plain(struct ses *s, size_t i, double allowed)
{
    struct item *it = &s->items[i];
    double t0 = now_s();
    char left[16], wavbuf[PATH_MAX];
    const char *wav = audio_for(s, i, wavbuf, sizeof wavbuf);
    struct ph_err err;

    ph_err_clear(&err);
    fmt_time(left, sizeof left, allowed);
    printf("\n== Question %zu/%zu (%s, %s) — time limit %s ==\n", i + 1, s->n, it->q->topic,
           qbank_kind_name(it->q->kind), left);
    print_wrapped(stdout, it->q->ex->question, "", screen_width());
    if (wav != NULL) {
        struct runner r;
        struct listen_arg la = {wav, 0, NULL, NULL};
        cJSON *res = NULL;
        if (ensure_lm(s, &err) == 0) {
            la.lm = s->lm.arpa;
            la.dict = s->lm.dict;
            runner_init(&r);
            if (runner_start(&r, listen_fn, &la, &err) == PH_OK)
                res = wait_runner(s, &r, NULL, 0, &err);
            runner_cleanup(&r);
        }
        if (res != NULL && str(res, "text") != NULL) {
            it->answer = strdup(str(res, "text"));
            printf("Transcript of %s:\n", wav);
            print_wrapped(stdout, it->answer, "  ", screen_width());
        } else if (!s->quit) {
            fprintf(stderr, "pyharness practice: %s: %s\n", wav, err.msg);
        }
        cJSON_Delete(res);
    } else if (it->q->kind == QBANK_CONCEPT) {
        printf("Type your answer; end it with an empty line (or end of input).\n");
        fflush(stdout);
        it->answer = plain_read(s, t0 + allowed, 0, &it->timed_out);
    } else {
        printf("Give the path of your solution file (starter: %s/starter.py):\n", it->q->ex->dir);
        fflush(stdout);
        it->answer = plain_read(s, t0 + allowed, 1, &it->timed_out);
    }
    it->used = now_s() - t0;
    if (it->used > allowed)
        it->used = allowed;
    if (it->timed_out)
        printf("\n(time is up: what was typed is scored)\n");
}

enum ph_rc session_run(const struct session_opts *o, const struct qbank *b, struct store *st)
{
    struct ses *s = calloc(1, sizeof *s);
    struct ph_err err;
    struct sigaction sa;
    char *answers_text = NULL;
    size_t idx[SESSION_MAX_QUESTIONS];
    enum ph_rc status = PH_EINTERNAL;
    double session_s = o->minutes * 60.0, spent = 0;

    ph_err_clear(&err);
    if (s == NULL) {
        fprintf(stderr, "pyharness practice: out of memory\n");
        return PH_ENOMEM;
    }
    s->o = o;
    s->b = b;
    s->st = st;
    s->srv.b = b;
    runner_init(&s->code);
    s->tui = o->answers_file == NULL && !o->plain && isatty(0) && isatty(1);
    if (pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
        fprintf(stderr, "pyharness practice: pipe: %s\n", strerror(errno));
        goto out;
    }
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    sa.sa_handler = on_rec_stop;
    sigaction(SIGUSR1, &sa, NULL);
    signal(SIGSEGV, on_fatal);
    signal(SIGABRT, on_fatal);
    signal(SIGPIPE, SIG_IGN);
    /* Under the command's scratch folder (cli_start_python made it), so
     * a killed session leaves nothing behind. */
    snprintf(s->tmpdir, sizeof s->tmpdir, "%s/pyharness-practice-XXXXXX",
             scratch_root() != NULL ? scratch_root() : "/tmp");
    if (mkdtemp(s->tmpdir) == NULL) {
        fprintf(stderr, "pyharness practice: mkdtemp: %s\n", strerror(errno));
        goto out;
    }

    if (o->answers_file != NULL) {
        size_t len;
        if (fileio_read(o->answers_file, ANSWERS_FILE_MAX, &answers_text, &len, &err) != PH_OK ||
            parse_answers(s, answers_text, &err) != 0) {
            fprintf(stderr, "pyharness practice: %s\n", err.msg);
            status = err.rc;
            goto out;
        }
    } else {
        struct stats_acc acc;
        struct pick_opts po;
        memset(&acc, 0, sizeof acc);
        if (st != NULL && store_practice_each(st, stats_cb, &acc, &err) != PH_OK) {
            fprintf(stderr, "pyharness practice: %s (history ignored)\n", err.msg);
            ph_err_clear(&err);
        }
        memset(&po, 0, sizeof po);
        po.topic = o->topic;
        po.count = o->count;
        po.seconds = session_s;
        po.concepts_only = o->concepts_only;
        po.seed = o->seed;
        s->n = pick_questions(b, &po, acc.t, acc.n, idx, SESSION_MAX_QUESTIONS);
        for (size_t i = 0; i < acc.n; i++)
            free((char *)acc.t[i].topic);
        if (s->n == 0) {
            fprintf(stderr, "pyharness practice: no question matches --topic %s\n",
                    o->topic != NULL ? o->topic : "");
            status = PH_EINPUT;
            goto out;
        }
        for (size_t i = 0; i < s->n; i++)
            s->items[i].q = &b->q[idx[i]];
    }
    if (st != NULL) {
        struct store_practice_session ps = {(long long)time(NULL), o->topic, o->minutes, o->voice};
        if (store_practice_begin(st, &ps, &s->session_id, &err) != PH_OK) {
            fprintf(stderr, "pyharness practice: %s (this session is not recorded)\n", err.msg);
            ph_err_clear(&err);
        }
    }
    if (o->answers_file == NULL) {
        char t[16];
        fmt_time(t, sizeof t, o->seconds > 0 ? o->seconds * (double)s->n : session_s);
        printf("Practice session: %zu question%s in %s%s.\n", s->n, s->n == 1 ? "" : "s", t,
               s->tui ? "" : " (plain prompts: stdin is not a terminal)");
    }

    for (size_t i = 0; i < s->n && !s->quit && !got_signal; i++) {
        struct item *it = &s->items[i];
        double left = session_s - spent;
        double allowed = o->seconds > 0 ? o->seconds : left / (double)(s->n - i);

        if (o->answers_file != NULL) {
            printf("\n== %s (%s) ==\n", it->q->id, it->q->topic);
            print_wrapped(stdout, it->q->ex->question, "", screen_width());
            it->allowed = 0;
            if (it->q->kind == QBANK_EXERCISE) {
                char path[PATH_MAX];
                FILE *f;
                cJSON *res = NULL;
                snprintf(path, sizeof path, "%s/%s.py", s->tmpdir, it->q->id);
                f = fopen(path, "w");
                if (f != NULL) {
                    fputs(it->answer != NULL ? it->answer : "", f);
                    fclose(f);
                }
                if (run_code(s, it, path, &res, now_s() + 3600) == 0) {
                    show_code_result(it, res);
                    it->scored = 1;
                }
                cJSON_Delete(res);
            } else {
                score_concept(s, it);
            }
            show_model_answer(it);
            if (it->scored)
                record(s, it, i);
            continue;
        }
        if (allowed < 1)
            allowed = 1;
        it->allowed = allowed;
        if (s->tui) {
            double t0 = now_s();
            if (term_enter() != 0) {
                s->tui = 0;
                i--;
                continue;
            }
            printf("\033[H\033[2J");
            if (it->q->kind == QBANK_CONCEPT) {
                it->answer = tui_concept(s, i, t0 + allowed, &it->timed_out);
                it->used = now_s() - t0;
                term_leave();
                printf("\033[H\033[2J");
                if (s->quit)
                    break;
                printf("== Question %zu/%zu: %s ==\n", i + 1, s->n, it->q->id);
                if (it->timed_out)
                    printf("Time is up: what you typed is scored.\n");
                printf("Your answer:\n");
                print_wrapped(stdout, it->answer[0] ? it->answer : "(empty)", "  ", screen_width());
                score_concept(s, it);
                if (s->quit && it->scored) {
                    /* Ctrl-C while it was scored: a submitted answer is kept. */
                    it->used = it->used > allowed ? allowed : it->used;
                    record(s, it, i);
                    break;
                }
            } else {
                tui_exercise(s, i, t0 + allowed);
                it->used = now_s() - t0;
            }
            if (it->used > allowed)
                it->used = allowed;
            if (s->quit)
                break;
            if (it->scored)
                record(s, it, i);
            spent += it->used;
            /* The score first, on a screen of its own; then the model answer. */
            tui_pause(s, -1);
            if (s->quit)
                break;
            printf("\033[H\033[2J== Question %zu/%zu: %s ==\n", i + 1, s->n, it->q->id);
            show_model_answer(it);
            tui_pause(s, i + 1 == s->n);
            continue;
        }
        ask_plain(s, i, allowed);
        if (s->quit || got_signal)
            break;
        if (it->q->kind == QBANK_EXERCISE) {
            cJSON *res = NULL;
            if (it->answer != NULL && it->answer[0] != '\0' &&
                run_code(s, it, it->answer, &res, now_s() + 3600) == 0) {
                show_code_result(it, res);
                it->scored = 1;
            } else if (!s->quit) {
                it->score = 0;
                it->max = 10;
                it->scored = 1;
                it->scorer = strdup("none");
                printf("\nScore: 0/10  (no solution file)\n");
            }
            cJSON_Delete(res);
        } else {
            score_concept(s, it);
        }
        show_model_answer(it);
        if (it->scored)
            record(s, it, i);
        spent += it->used;
    }
    if (got_signal)
        s->quit = 1;
    term_leave();
    summary(s);
    if (st != NULL && s->session_id != 0 &&
        store_practice_end(st, s->session_id, ended_early(s), &err) != PH_OK)
        fprintf(stderr, "pyharness practice: %s\n", err.msg);
    status = PH_OK;
out:
    term_leave();
    if (s->tmpdir[0] != '\0') {
        for (size_t i = 0; i < s->n; i++) {
            char path[PATH_MAX];
            snprintf(path, sizeof path, "%s/%s.py", s->tmpdir,
                     s->items[i].q != NULL ? s->items[i].q->id : "");
            unlink(path);
        }
        rmdir(s->tmpdir);
    }
    for (size_t i = 0; i < s->n; i++) {
        free(s->items[i].answer);
        free(s->items[i].scorer);
        free(s->items[i].missed);
    }
    runner_cleanup(&s->code);
    voice_lm_files_free(&s->lm);
    free(answers_text);
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGHUP, SIG_DFL);
    signal(SIGUSR1, SIG_DFL);
    if (sig_pipe[0] >= 0) {
        close(sig_pipe[0]);
        close(sig_pipe[1]);
        sig_pipe[0] = sig_pipe[1] = -1;
    }
    free(s);
    return status;
}
