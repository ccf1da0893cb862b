/*
 * llm_rate.c - see llm_rate.h.
 */
#include "llm_rate.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cjson/cJSON.h>
#include <curl/curl.h>

static int parse_2digits(const char *s, int *out)
{
    if (!isdigit((unsigned char)s[0]) || !isdigit((unsigned char)s[1]))
        return -1;
    *out = (s[0] - '0') * 10 + (s[1] - '0');
    return 0;
}

/* IMF-fixdate, "Sun, 06 Nov 1994 08:49:37 GMT" (RFC 9110 5.6.7), parsed by
 * hand so the process locale cannot change the month names. */
static int parse_http_date(const char *s, time_t *out)
{
    static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    struct tm tm;
    int day, year_hi, year_lo, h, m, sec, mon;
    const char *p = strchr(s, ',');

    if (p == NULL || strlen(p) < 26)
        return -1;
    p += 2; /* ", " */
    if (parse_2digits(p, &day) || p[2] != ' ')
        return -1;
    for (mon = 0; mon < 12; mon++)
        if (strncmp(p + 3, months + 3 * mon, 3) == 0)
            break;
    if (mon == 12 || p[6] != ' ')
        return -1;
    if (parse_2digits(p + 7, &year_hi) || parse_2digits(p + 9, &year_lo) || p[11] != ' ')
        return -1;
    if (parse_2digits(p + 12, &h) || p[14] != ':' || parse_2digits(p + 15, &m) || p[17] != ':' ||
        parse_2digits(p + 18, &sec) || strncmp(p + 20, " GMT", 4) != 0)
        return -1;
    if (day < 1 || day > 31 || h > 23 || m > 59 || sec > 60)
        return -1;
    memset(&tm, 0, sizeof tm);
    tm.tm_year = year_hi * 100 + year_lo - 1900;
    tm.tm_mon = mon;
    tm.tm_mday = day;
    tm.tm_hour = h;
    tm.tm_min = m;
    tm.tm_sec = sec;
    *out = timegm(&tm);
    return *out == (time_t)-1 ? -1 : 0;
}

int llm_parse_retry_after(const char *value, time_t now, long *ms_out)
{
    const long max_ms = LLM_RETRY_AFTER_MAX_S * 1000L;
    const char *p = value;
    long secs = 0;

    if (value == NULL)
        return 0;
    while (*p == ' ' || *p == '\t')
        p++;
    if (isdigit((unsigned char)*p)) {
        while (isdigit((unsigned char)*p)) {
            if (secs <= LLM_RETRY_AFTER_MAX_S)
                secs = secs * 10 + (*p - '0');
            p++;
        }
        while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
            p++;
        if (*p != '\0')
            return 0;
        *ms_out = secs > LLM_RETRY_AFTER_MAX_S ? max_ms : secs * 1000L;
        return 1;
    }
    time_t when;
    if (parse_http_date(p, &when) != 0)
        return 0;
    double diff = difftime(when, now);
    *ms_out = diff <= 0 ? 0 : diff >= LLM_RETRY_AFTER_MAX_S ? max_ms : (long)(diff * 1000);
    return 1;
}

static uint64_t rng_next(uint64_t *s)
{
    uint64_t x = *s ? *s : 0x9e3779b97f4a7c15ull;

    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * 0x2545f4914f6cdd1dull;
}

long llm_backoff_ms(unsigned attempt, uint64_t *rng)
{
    long d = LLM_BACKOFF_BASE_MS;

    for (unsigned i = 1; i < attempt && d < LLM_BACKOFF_MAX_MS; i++)
        d *= 2;
    if (d > LLM_BACKOFF_MAX_MS)
        d = LLM_BACKOFF_MAX_MS;
    /* Equal jitter: never less than half the step, so retries still back
     * off, and spread so a batch that failed together does not retry
     * together. */
    return d / 2 + (long)(rng_next(rng) % (uint64_t)(d / 2 + 1));
}

void llm_bucket_init(struct llm_bucket *b, double rpm, double burst, double now)
{
    b->rate = rpm > 0 ? rpm / 60.0 : 0;
    b->capacity = burst < 1 ? 1 : burst;
    b->tokens = b->capacity;
    b->last = now;
}

int llm_bucket_take(struct llm_bucket *b, double now, double *wait_s)
{
    if (b->rate <= 0)
        return 1;
    if (now > b->last) {
        b->tokens += (now - b->last) * b->rate;
        if (b->tokens > b->capacity)
            b->tokens = b->capacity;
        b->last = now;
    }
    if (b->tokens >= 1) {
        b->tokens -= 1;
        return 1;
    }
    *wait_s = (1 - b->tokens) / b->rate;
    return 0;
}
