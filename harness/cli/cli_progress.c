/* cli_progress.c - see cli_progress.h. */
#include "cli_progress.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fileio.h"
#include "llm.h"

#define REDRAW_NS 100000000LL     /* a spinner frame every 100 ms at most */
#define SPIN_AFTER_NS 300000000LL /* a check shorter than this gets no spinner */

static const char *const frames[] = {"|", "/", "-", "\\"};

static int64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static const char *role_label(const struct cli_progress *p, int role)
{
    if (role == 0 && p->cand_label != NULL)
        return p->cand_label;
    return role == 1 ? "reference.py" : role == 2 ? "baseline.py" : "your file";
}

void cli_progress_init(struct cli_progress *p, FILE *out)
{
    const char *term = getenv("TERM");

    memset(p, 0, sizeof *p);
    p->out = out;
    p->tty = isatty(fileno(out)) && (term == NULL || strcmp(term, "dumb") != 0);
}

static void clear_line(struct cli_progress *p)
{
    if (p->line_open) {
        fputs("\r\033[K", p->out);
        p->line_open = 0;
    }
}

static void spinner(struct cli_progress *p, const char *fmt, const char *a, const char *b,
                    const char *c)
{
    char line[256];

    snprintf(line, sizeof line, fmt, a, b, c);
    fprintf(p->out, "\r\033[K  %s %s", frames[p->frame++ % 4], line);
    fflush(p->out);
    p->line_open = 1;
    p->last_draw = now_ns();
}

void cli_progress_cb(void *ud, const struct run_progress *ev)
{
    struct cli_progress *p = ud;
    char t[32], lim[32], idx[32];

    snprintf(idx, sizeof idx, "[%zu/%zu]", ev->index + 1, ev->count);
    switch (ev->kind) {
    case RUN_PROGRESS_ROLE:
        if (p->tty) {
            clear_line(p);
            spinner(p, "running %s%s%s", role_label(p, ev->role), ev->role == 0 ? "" : " first",
                    "");
        } else if (!p->spinner_only) {
            fprintf(p->out, "running %s (%zu check%s)\n", role_label(p, ev->role), ev->count,
                    ev->count == 1 ? "" : "s");
        }
        break;
    case RUN_PROGRESS_BEGIN:
        if (p->tty)
            spinner(p, "%s: %s %s", role_label(p, ev->role), idx, ev->check);
        break;
    case RUN_PROGRESS_DONE:
        if (ev->role != 0 || p->spinner_only) {
            if (p->tty)
                spinner(p, "%s: %s %s", role_label(p, ev->role), idx, ev->check);
            break;
        }
        clear_line(p);
        fprintf(p->out, "  %-7s %-28s %s%s\n", idx, ev->check,
                fileio_human_duration((double)ev->elapsed_ns, t, sizeof t),
                ev->ok ? "" : "  (raised an exception)");
        fflush(p->out);
        break;
    case RUN_PROGRESS_TICK:
        if (!p->tty || ev->elapsed_ns < SPIN_AFTER_NS || now_ns() - p->last_draw < REDRAW_NS)
            break;
        fileio_human_duration((double)ev->elapsed_ns, t, sizeof t);
        snprintf(lim, sizeof lim, "%g s", ev->limit_s);
        {
            char what[128];
            snprintf(what, sizeof what, "%s: %s %s", role_label(p, ev->role), idx, ev->check);
            spinner(p, "%s  %s (limit %s)", what, t, lim);
        }
        break;
    }
}

void cli_progress_llm(void *ud, const struct llm_event *ev)
{
    struct cli_progress *p = ud;
    char t[32], why[128];
    size_t i;

    switch (ev->kind) {
    case LLM_EVENT_WAITING:
        if (!p->tty || ev->elapsed_s < 0.3 || now_ns() - p->last_draw < REDRAW_NS)
            break;
        fileio_human_duration(ev->elapsed_s * 1e9, t, sizeof t);
        spinner(p, "waiting for the model's answer%s  %s%s", ev->pending > 1 ? "s" : "", t, "");
        break;
    case LLM_EVENT_RETRY:
        /* A server's words: one line, printable, short. */
        snprintf(why, sizeof why, "%s", ev->why != NULL ? ev->why : "no reply");
        for (i = 0; why[i] != '\0'; i++)
            if ((unsigned char)why[i] < 0x20 || why[i] == 0x7f)
                why[i] = ' ';
        if (i == sizeof why - 1)
            memcpy(why + sizeof why - 4, "...", 4);
        clear_line(p);
        fprintf(p->out, "  LLM: %s; retry %u of %u in %.1f s\n", why, ev->retry, ev->retries,
                (double)ev->delay_ms / 1000.0);
        fflush(p->out);
        break;
    }
}

void cli_progress_finish(struct cli_progress *p)
{
    if (p->tty)
        clear_line(p);
    fflush(p->out);
}
