/*
 * runner.c - see runner.h.
 *
 * The child writes one JSON document: {"ok": true, "value": ...} or
 * {"ok": false, "error": "...", "code": N}.  A child that dies first leaves
 * a short or empty document, which the parent reports with the signal.
 * A serving child reads requests as one JSON document per line and answers
 * each with one such document and a new line (cJSON's unformatted output
 * has no new line of its own).
 */
#include "runner.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

void runner_init(struct runner *r)
{
    memset(r, 0, sizeof *r);
    r->fd = -1;
    r->req_fd = -1;
    dynbuf_init(&r->out, RUNNER_OUTPUT_MAX);
}

static void write_all(int fd, const char *s, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, s, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return;
        s += w;
        n -= (size_t)w;
    }
}

static void quiet_child(void)
{
    int null = open("/dev/null", O_RDWR | O_CLOEXEC);

    if (null >= 0) {
        dup2(null, 0);
        dup2(null, 1);
        dup2(null, 2);
    }
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGPIPE, SIG_DFL);
}

/* Write the answer document for (rc, value), taking `value`; `nl` ends it
 * with a new line.  0 when written. */
static int answer(int fd, enum ph_rc rc, cJSON *value, const struct ph_err *err, int nl)
{
    cJSON *doc = cJSON_CreateObject();
    char *text;

    if (doc == NULL) {
        cJSON_Delete(value);
        return -1;
    }
    if (rc == PH_OK && value != NULL) {
        cJSON_AddBoolToObject(doc, "ok", 1);
        cJSON_AddItemToObject(doc, "value", value);
    } else {
        cJSON_Delete(value);
        cJSON_AddBoolToObject(doc, "ok", 0);
        cJSON_AddStringToObject(doc, "error", err->msg[0] != '\0' ? err->msg : "failed");
        cJSON_AddNumberToObject(doc, "code", rc != PH_OK ? (double)rc : (double)PH_EINTERNAL);
    }
    text = cJSON_PrintUnformatted(doc);
    cJSON_Delete(doc);
    if (text == NULL)
        return -1;
    write_all(fd, text, strlen(text));
    if (nl)
        write_all(fd, "\n", 1);
    free(text);
    return 0;
}

static void child(int fd, runner_fn fn, void *arg)
{
    struct ph_err err;
    cJSON *value = NULL;
    enum ph_rc rc;

    quiet_child();
    ph_err_clear(&err);
    rc = fn(arg, &value, &err);
    /* _exit: the parent's stdio buffers and atexit handlers are not ours.
     * Jobs that start sandbox hosts free their engine themselves. */
    _exit(answer(fd, rc, value, &err, 0) == 0 ? 0 : 3);
}

/* A serving child: one request per line until the parent closes the pipe. */
static void server(int in, int out, runner_serve_fn fn, void *state)
{
    char *line = malloc(RUNNER_REQUEST_MAX + 1);
    size_t len = 0;
    struct ph_err err;
    cJSON *value = NULL;

    quiet_child();
    for (;;) {
        char *nl = line != NULL ? memchr(line, '\n', len) : NULL;
        if (nl == NULL) {
            ssize_t n;
            if (line == NULL || len == RUNNER_REQUEST_MAX)
                break;
            n = read(in, line + len, RUNNER_REQUEST_MAX - len);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                break;
            len += (size_t)n;
            continue;
        }
        *nl = '\0';
        cJSON *req = cJSON_Parse(line);
        ph_err_clear(&err);
        value = NULL;
        enum ph_rc rc = req != NULL ? fn(state, req, &value, &err)
                                    : ph_errf(&err, PH_EINTERNAL, "a malformed request");
        cJSON_Delete(req);
        if (answer(out, rc, value, &err, 1) != 0)
            break;
        len -= (size_t)(nl + 1 - line);
        memmove(line, nl + 1, len);
    }
    free(line);
    fn(state, NULL, &value, &err);
    _exit(0);
}

enum ph_rc runner_start(struct runner *r, runner_fn fn, void *arg, struct ph_err *err)
{
    int p[2];
    pid_t pid;

    runner_cleanup(r);
    if (pipe2(p, O_CLOEXEC) != 0)
        return ph_errf(err, PH_EIO, "pipe: %s", strerror(errno));
    fflush(stdout);
    fflush(stderr);
    pid = fork();
    if (pid < 0) {
        close(p[0]);
        close(p[1]);
        return ph_errf(err, PH_EIO, "fork: %s", strerror(errno));
    }
    if (pid == 0) {
        close(p[0]);
        child(p[1], fn, arg);
    }
    close(p[1]);
    if (fcntl(p[0], F_SETFL, O_NONBLOCK) != 0) {
        /* Reads would block the screen; a blocking pipe still works, slowly. */
    }
    r->pid = pid;
    r->fd = p[0];
    r->done = 0;
    return PH_OK;
}

enum ph_rc runner_serve(struct runner *r, runner_serve_fn fn, void *state, struct ph_err *err)
{
    int req[2], resp[2];
    pid_t pid;

    runner_cleanup(r);
    if (pipe2(req, O_CLOEXEC) != 0)
        return ph_errf(err, PH_EIO, "pipe: %s", strerror(errno));
    if (pipe2(resp, O_CLOEXEC) != 0) {
        close(req[0]);
        close(req[1]);
        return ph_errf(err, PH_EIO, "pipe: %s", strerror(errno));
    }
    fflush(stdout);
    fflush(stderr);
    pid = fork();
    if (pid < 0) {
        close(req[0]);
        close(req[1]);
        close(resp[0]);
        close(resp[1]);
        return ph_errf(err, PH_EIO, "fork: %s", strerror(errno));
    }
    if (pid == 0) {
        close(req[1]);
        close(resp[0]);
        server(req[0], resp[1], fn, state);
    }
    close(req[0]);
    close(resp[1]);
    (void)fcntl(resp[0], F_SETFL, O_NONBLOCK);
    r->pid = pid;
    r->fd = resp[0];
    r->req_fd = req[1];
    r->done = 1; /* waiting for a request */
    return PH_OK;
}

int runner_serving(const struct runner *r)
{
    return r->req_fd >= 0 && r->pid > 0 && r->done;
}

enum ph_rc runner_request(struct runner *r, const cJSON *req, struct ph_err *err)
{
    char *text;
    size_t n;
    ssize_t w = 0;

    if (!runner_serving(r))
        return ph_errf(err, PH_EWORKER, "the background server is not running");
    text = cJSON_PrintUnformatted(req);
    if (text == NULL)
        return ph_errf(err, PH_ENOMEM, "out of memory");
    n = strlen(text);
    if (n + 1 > RUNNER_REQUEST_MAX) {
        free(text);
        return ph_errf(err, PH_ELIMIT, "a request of %zu bytes", n);
    }
    text[n] = '\n';
    /* A request is far below PIPE_BUF: one write, never torn. */
    do
        w = write(r->req_fd, text, n + 1);
    while (w < 0 && errno == EINTR);
    free(text);
    if (w != (ssize_t)(n + 1)) {
        runner_kill(r);
        return ph_errf(err, PH_EWORKER, "the background server is gone");
    }
    r->done = 0;
    dynbuf_reset(&r->out);
    return PH_OK;
}

int runner_fd(const struct runner *r)
{
    return r->done ? -1 : r->fd;
}

static int reap(struct runner *r, int *status)
{
    pid_t w;

    if (r->pid <= 0)
        return 0;
    do
        w = waitpid(r->pid, status, 0);
    while (w < 0 && errno == EINTR);
    r->pid = 0;
    return w > 0;
}

int runner_step(struct runner *r, cJSON **out, struct ph_err *err)
{
    char chunk[4096];
    ssize_t n;
    int status = 0;
    cJSON *doc = NULL;

    *out = NULL;
    if (r->fd < 0)
        return ph_errf(err, PH_EINTERNAL, "no job running"), 1;
    for (;;) {
        n = read(r->fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return 0;
        if (n <= 0)
            break;
        if (dynbuf_add(&r->out, chunk, (size_t)n, err) != PH_OK) {
            runner_kill(r);
            if (err->rc == PH_ELIMIT)
                ph_errf(err, PH_ELIMIT, "a background job sent more than %u bytes",
                        RUNNER_OUTPUT_MAX);
            goto done;
        }
        if (r->req_fd >= 0 && memchr(r->out.buf, '\n', r->out.len) != NULL)
            break;
    }
    if (r->req_fd >= 0 && r->out.len > 0 && r->out.buf[r->out.len - 1] == '\n') {
        /* A server's answer: the child stays for the next request. */
        doc = cJSON_ParseWithLength(r->out.buf, r->out.len - 1);
        dynbuf_reset(&r->out);
        r->done = 1;
        if (doc == NULL)
            ph_errf(err, PH_EWORKER, "the background server sent a malformed answer");
        else if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(doc, "ok")))
            *out = cJSON_DetachItemFromObjectCaseSensitive(doc, "value");
        else
            ph_errf(err, PH_EWORKER, "%s",
                    cJSON_IsString(cJSON_GetObjectItemCaseSensitive(doc, "error"))
                        ? cJSON_GetObjectItemCaseSensitive(doc, "error")->valuestring
                        : "the background job failed");
        cJSON_Delete(doc);
        return 1;
    }
    reap(r, &status);
    if (r->req_fd >= 0) {
        close(r->req_fd);
        r->req_fd = -1;
    }
    if (r->out.len > 0)
        doc = cJSON_ParseWithLength(r->out.buf, r->out.len);
    if (doc == NULL) {
        if (WIFSIGNALED(status))
            ph_errf(err, PH_EWORKER, "the background job died (signal %d)", WTERMSIG(status));
        else
            ph_errf(err, PH_EWORKER, "the background job exited (status %d) without an answer",
                    WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    } else if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(doc, "ok"))) {
        *out = cJSON_DetachItemFromObjectCaseSensitive(doc, "value");
    } else {
        const cJSON *msg = cJSON_GetObjectItemCaseSensitive(doc, "error");
        const cJSON *code = cJSON_GetObjectItemCaseSensitive(doc, "code");
        ph_errf(err, cJSON_IsNumber(code) ? (enum ph_rc)code->valueint : PH_EINTERNAL, "%s",
                cJSON_IsString(msg) ? msg->valuestring : "the background job failed");
    }
done:
    cJSON_Delete(doc);
    r->done = 1;
    if (r->fd >= 0)
        close(r->fd);
    r->fd = -1;
    dynbuf_reset(&r->out);
    return 1;
}

void runner_kill(struct runner *r)
{
    int status;

    if (r->pid > 0) {
        kill(r->pid, SIGKILL);
        reap(r, &status);
    }
    if (r->req_fd >= 0) {
        close(r->req_fd);
        r->req_fd = -1;
    }
}

void runner_cleanup(struct runner *r)
{
    if (runner_serving(r)) {
        /* Idle: end of requests, then a little time to stop its hosts. */
        close(r->req_fd);
        r->req_fd = -1;
        for (int ms = 0; ms < RUNNER_SERVER_QUIT_MS; ms += 10) {
            int status;
            pid_t w = waitpid(r->pid, &status, WNOHANG);
            if (w == r->pid || (w < 0 && errno != EINTR)) {
                r->pid = 0;
                break;
            }
            struct timespec ts = {0, 10 * 1000 * 1000};
            nanosleep(&ts, NULL);
        }
    }
    runner_kill(r);
    if (r->req_fd >= 0)
        close(r->req_fd);
    if (r->fd >= 0)
        close(r->fd);
    dynbuf_free(&r->out);
    runner_init(r);
}
