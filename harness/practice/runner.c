/*
 * runner.c - see runner.h.
 *
 * The child writes one JSON document: {"ok": true, "value": ...} or
 * {"ok": false, "error": "...", "code": N}.  A child that dies first leaves
 * a short or empty document, which the parent reports with the signal.
 */
#include "runner.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

void runner_init(struct runner *r)
{
    memset(r, 0, sizeof *r);
    r->fd = -1;
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

static void child(int fd, runner_fn fn, void *arg)
{
    struct ph_err err;
    cJSON *value = NULL, *doc = cJSON_CreateObject();
    enum ph_rc rc;
    char *text;
    int null = open("/dev/null", O_RDWR | O_CLOEXEC);

    if (null >= 0) {
        dup2(null, 0);
        dup2(null, 1);
        dup2(null, 2);
    }
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    ph_err_clear(&err);
    rc = fn(arg, &value, &err);
    if (doc == NULL)
        _exit(3);
    if (rc == PH_OK && value != NULL) {
        cJSON_AddBoolToObject(doc, "ok", 1);
        cJSON_AddItemToObject(doc, "value", value);
    } else {
        cJSON_Delete(value);
        cJSON_AddBoolToObject(doc, "ok", 0);
        cJSON_AddStringToObject(doc, "error", err.msg[0] != '\0' ? err.msg : "failed");
        cJSON_AddNumberToObject(doc, "code", rc != PH_OK ? (double)rc : (double)PH_EINTERNAL);
    }
    text = cJSON_PrintUnformatted(doc);
    if (text != NULL)
        write_all(fd, text, strlen(text));
    /* _exit: the parent's stdio buffers and atexit handlers are not ours.
     * Jobs that start sandbox hosts free their engine themselves. */
    _exit(text != NULL ? 0 : 3);
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
        if (r->len + (size_t)n > RUNNER_OUTPUT_MAX) {
            runner_kill(r);
            ph_errf(err, PH_ELIMIT, "a background job sent more than %u bytes", RUNNER_OUTPUT_MAX);
            goto done;
        }
        if (r->len + (size_t)n + 1 > r->cap) {
            size_t ncap = r->cap != 0 ? r->cap * 2 : 8192;
            while (ncap < r->len + (size_t)n + 1)
                ncap *= 2;
            char *nb = realloc(r->buf, ncap);
            if (nb == NULL) {
                runner_kill(r);
                ph_errf(err, PH_ENOMEM, "out of memory");
                goto done;
            }
            r->buf = nb;
            r->cap = ncap;
        }
        memcpy(r->buf + r->len, chunk, (size_t)n);
        r->len += (size_t)n;
    }
    reap(r, &status);
    if (r->len > 0) {
        r->buf[r->len] = '\0';
        doc = cJSON_ParseWithLength(r->buf, r->len);
    }
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
    r->len = 0;
    return 1;
}

void runner_kill(struct runner *r)
{
    int status;

    if (r->pid > 0) {
        kill(r->pid, SIGKILL);
        reap(r, &status);
    }
}

void runner_cleanup(struct runner *r)
{
    runner_kill(r);
    if (r->fd >= 0)
        close(r->fd);
    free(r->buf);
    runner_init(r);
}
