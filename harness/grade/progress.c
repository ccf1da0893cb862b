/*
 * progress.c - see progress.h.
 */
#include "progress.h"

#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#define BAR_WIDTH 30
#define PLAIN_EVERY_S 5.0 /* a line per part would drown a log of 1000 parts */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void progress_start(struct progress *p, FILE *out, size_t total, size_t skipped)
{
    const char *nc = getenv("NO_COLOR");

    p->out = out;
    p->tty = isatty(fileno(out));
    p->color = p->tty && (nc == NULL || nc[0] == '\0');
    p->total = total;
    p->skipped = skipped;
    p->done = 0;
    p->t0 = now_s();
    p->last_print = 0;
    p->last_done = 0;
    if (!p->tty)
        fprintf(out, "grading %zu parts (%zu already graded, skipped)\n", total, skipped);
}

static void eta(double secs, char *buf, size_t cap)
{
    if (secs < 0)
        snprintf(buf, cap, "?");
    else if (secs < 90)
        snprintf(buf, cap, "%.0f s", secs);
    else if (secs < 5400)
        snprintf(buf, cap, "%.0f min", secs / 60);
    else
        snprintf(buf, cap, "%.1f h", secs / 3600);
}

void progress_step(struct progress *p, const char *what)
{
    double t = now_s(), el = t - p->t0;
    double rate = el > 0 ? (double)p->done / el : 0;
    char left[32];

    p->done++;
    rate = el > 0 ? (double)p->done / el : 0;
    eta(rate > 0 ? (double)(p->total - p->done) / rate : -1, left, sizeof left);
    if (p->tty) {
        int fill = p->total ? (int)(BAR_WIDTH * p->done / p->total) : BAR_WIDTH;
        fprintf(p->out, "\r%s[", p->color ? "\033[32m" : "");
        for (int i = 0; i < BAR_WIDTH; i++)
            fputc(i < fill ? '#' : '.', p->out);
        fprintf(p->out, "]%s %zu/%zu  %.2f/s  %s left   ", p->color ? "\033[0m" : "", p->done,
                p->total, rate, left);
        fflush(p->out);
    } else if (t - p->last_print >= PLAIN_EVERY_S || p->done == p->total) {
        fprintf(p->out, "graded %zu/%zu (%.2f/s, about %s left; last: %s)\n", p->done, p->total,
                rate, left, what);
        fflush(p->out);
        p->last_print = t;
    }
}

void progress_end(struct progress *p)
{
    double el = now_s() - p->t0;

    if (p->tty)
        fputc('\n', p->out);
    fprintf(p->out, "graded %zu parts in %.1f s (%zu unchanged, not graded again)\n", p->done, el,
            p->skipped);
    fflush(p->out);
}
