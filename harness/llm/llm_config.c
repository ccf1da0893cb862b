/*
 * llm_config.c - see llm_config.h.
 */
#include "llm_config.h"

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

#include "fileio.h"

/* A config file is a handful of lines; anything bigger is a mistake. */
#define CONFIG_FILE_MAX (64 * 1024)
#define CONCURRENCY_DEFAULT 8
#define CONCURRENCY_MAX 64
#define TIMEOUT_DEFAULT_S 60.0
#define RETRIES_DEFAULT 4
#define RETRIES_MAX 10

enum cfg_key {
    K_PROVIDER,
    K_BASE_URL,
    K_MODEL,
    K_API_KEY,
    K_CONCURRENCY,
    K_RPM,
    K_TIMEOUT_S,
    K_MAX_RETRIES,
    K_OPENAI_API_KEY,
    K_OPENAI_BASE_URL,
    K_ANTHROPIC_API_KEY,
    K_ANTHROPIC_BASE_URL,
    K_ALLOW_REMOTE,
    NKEYS
};

static const char *const key_names[NKEYS] = {
    "PYHARNESS_LLM_PROVIDER",
    "PYHARNESS_LLM_BASE_URL",
    "PYHARNESS_LLM_MODEL",
    "PYHARNESS_LLM_API_KEY",
    "PYHARNESS_LLM_CONCURRENCY",
    "PYHARNESS_LLM_RPM",
    "PYHARNESS_LLM_TIMEOUT_S",
    "PYHARNESS_LLM_MAX_RETRIES",
    "OPENAI_API_KEY",
    "OPENAI_BASE_URL",
    "ANTHROPIC_API_KEY",
    "ANTHROPIC_BASE_URL",
    "PYHARNESS_LLM_ALLOW_REMOTE",
};

struct cfg_file {
    char path[PATH_MAX];
    int loaded;           /* the file existed and was read */
    char *val[NKEYS];     /* values from the file, or NULL */
    unsigned line[NKEYS]; /* where each was set, for messages */
};

static void cfg_file_cleanup(struct cfg_file *f)
{
    for (int k = 0; k < NKEYS; k++) {
        if (f->val[k] != NULL &&
            (k == K_API_KEY || k == K_OPENAI_API_KEY || k == K_ANTHROPIC_API_KEY))
            explicit_bzero(f->val[k], strlen(f->val[k]));
        free(f->val[k]);
        f->val[k] = NULL;
    }
}

/* Where the config file is; *explicit is set when the user named it, in which
 * case its absence is an error. */
static enum ph_rc cfg_file_path(char *buf, size_t cap, int *explicit, struct ph_err *err)
{
    const char *env = getenv("PYHARNESS_CONFIG");
    const char *xdg = getenv("XDG_CONFIG_HOME");
    const char *home = getenv("HOME");
    int n;

    *explicit = 0;
    buf[0] = '\0';
    if (env != NULL && env[0] != '\0') {
        *explicit = 1;
        n = snprintf(buf, cap, "%s", env);
    } else if (xdg != NULL && xdg[0] == '/') {
        n = snprintf(buf, cap, "%s/pyharness/config", xdg);
    } else if (home != NULL && home[0] != '\0') {
        n = snprintf(buf, cap, "%s/.config/pyharness/config", home);
    } else {
        return PH_OK;
    }
    if (n < 0 || (size_t)n >= cap)
        return ph_errf(err, PH_EINPUT, "config file path too long");
    return PH_OK;
}

static char *trim(char *s, char *end)
{
    while (s < end && isspace((unsigned char)*s))
        s++;
    while (end > s && isspace((unsigned char)end[-1]))
        end--;
    *end = '\0';
    return s;
}

static enum ph_rc cfg_file_load(struct cfg_file *f, struct ph_err *err)
{
    enum ph_rc rc;
    int explicit = 0;
    char *text = NULL;
    size_t len = 0;
    unsigned lineno = 0;

    memset(f, 0, sizeof *f);
    rc = cfg_file_path(f->path, sizeof f->path, &explicit, err);
    if (rc != PH_OK || f->path[0] == '\0')
        return rc;
    if (!explicit && !fileio_is_file(f->path))
        return PH_OK;
    rc = fileio_read(f->path, CONFIG_FILE_MAX, &text, &len, err);
    if (rc != PH_OK)
        goto out;
    if (memchr(text, '\0', len) != NULL) {
        rc = ph_errf(err, PH_EINPUT, "%s: contains a NUL byte; expected KEY=VALUE lines", f->path);
        goto out;
    }
    f->loaded = 1;
    for (char *line = text; line < text + len;) {
        char *nl = memchr(line, '\n', (size_t)(text + len - line));
        char *end = nl ? nl : text + len;
        char *next = nl ? nl + 1 : text + len;
        lineno++;
        char *s = trim(line, end);
        line = next;
        if (*s == '\0' || *s == '#')
            continue;
        if (strncmp(s, "export ", 7) == 0)
            s = trim(s + 7, s + strlen(s));
        char *eq = strchr(s, '=');
        if (eq == NULL) {
            rc = ph_errf(err, PH_EINPUT, "%s:%u: expected KEY=VALUE", f->path, lineno);
            goto out;
        }
        char *key = trim(s, eq);
        char *val = trim(eq + 1, eq + 1 + strlen(eq + 1));
        size_t vlen = strlen(val);
        if (vlen >= 2 && (val[0] == '"' || val[0] == '\'') && val[vlen - 1] == val[0]) {
            val[vlen - 1] = '\0';
            val++;
        }
        int k;
        for (k = 0; k < NKEYS; k++)
            if (strcmp(key, key_names[k]) == 0)
                break;
        if (k == NKEYS) {
            /* Other PYHARNESS_ settings may share the file; anything else is a typo. */
            if (strncmp(key, "PYHARNESS_", 10) == 0)
                continue;
            rc = ph_errf(err, PH_EINPUT, "%s:%u: unknown key \"%.64s\"", f->path, lineno, key);
            goto out;
        }
        free(f->val[k]);
        f->val[k] = strdup(val);
        if (f->val[k] == NULL) {
            rc = ph_errf(err, PH_ENOMEM, "%s: out of memory", f->path);
            goto out;
        }
        f->line[k] = lineno;
    }
    rc = PH_OK;
out:
    if (text != NULL) {
        explicit_bzero(text, len); /* it may hold an API key */
        free(text);
    }
    if (rc != PH_OK)
        cfg_file_cleanup(f);
    return rc;
}

/* The value of a key: the environment wins, then the file.  Empty = unset.
 * `where` describes the source for messages. */
static const char *cfg_get(const struct cfg_file *f, enum cfg_key k, char *where, size_t cap)
{
    const char *v = getenv(key_names[k]);

    if (v != NULL && v[0] != '\0') {
        snprintf(where, cap, "%s in the environment", key_names[k]);
        return v;
    }
    if (f->val[k] != NULL && f->val[k][0] != '\0') {
        snprintf(where, cap, "%s at %s:%u", key_names[k], f->path, f->line[k]);
        return f->val[k];
    }
    snprintf(where, cap, "%s", key_names[k]);
    return NULL;
}

int llm_configured(void)
{
    struct cfg_file f;
    char where[PATH_MAX + 64];
    int any = 0;

    if (cfg_file_load(&f, NULL) != PH_OK)
        return 1;
    /* Allowing remote hosts names no LLM: it alone configures nothing. */
    for (int k = 0; k < NKEYS && !any; k++)
        any = k != K_ALLOW_REMOTE && cfg_get(&f, (enum cfg_key)k, where, sizeof where) != NULL;
    cfg_file_cleanup(&f);
    return any;
}

static enum ph_rc parse_number(const char *v, const char *where, double lo, double hi, double *out,
                               struct ph_err *err)
{
    char *end = NULL;
    double d;

    errno = 0;
    d = strtod(v, &end);
    if (end == v || *end != '\0' || errno != 0 || !isfinite(d) || d < lo || d > hi)
        return ph_errf(err, PH_EINPUT, "%s: \"%.32s\" is not a number from %g to %g", where, v, lo,
                       hi);
    *out = d;
    return PH_OK;
}

static enum ph_rc parse_count(const char *v, const char *where, unsigned lo, unsigned hi,
                              unsigned *out, struct ph_err *err)
{
    char *end = NULL;
    long l;

    errno = 0;
    l = strtol(v, &end, 10);
    if (end == v || *end != '\0' || errno != 0 || l < (long)lo || l > (long)hi)
        return ph_errf(err, PH_EINPUT, "%s: \"%.32s\" is not a whole number from %u to %u", where,
                       v, lo, hi);
    *out = (unsigned)l;
    return PH_OK;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);

    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* OpenAI-style base URLs end in /v1 (https://api.openai.com/v1,
 * http://localhost:11434/v1); Anthropic's is the bare host.  Accept either
 * form for both, and a full endpoint URL too. */
static enum ph_rc make_endpoint(enum llm_provider p, const char *base, const char *where,
                                char **out, struct ph_err *err)
{
    char buf[2048];
    size_t len = strlen(base);
    const char *suffix;
    int n;

    if (strncmp(base, "http://", 7) != 0 && strncmp(base, "https://", 8) != 0)
        return ph_errf(err, PH_EINPUT, "%s: expected an http:// or https:// URL", where);
    for (const char *c = base; *c; c++)
        if ((unsigned char)*c <= ' ' || *c == 0x7f)
            return ph_errf(err, PH_EINPUT, "%s: the URL contains a space or control character",
                           where);
    while (len > 0 && base[len - 1] == '/')
        len--;
    if (llm_provider_openai_wire(p)) {
        suffix = ends_with(base, "/chat/completions") ? "" : "/chat/completions";
    } else {
        char tmp[2048];
        n = snprintf(tmp, sizeof tmp, "%.*s", (int)len, base);
        if (n < 0 || (size_t)n >= sizeof tmp)
            return ph_errf(err, PH_EINPUT, "%s: URL too long", where);
        suffix = ends_with(tmp, "/messages") ? ""
                 : ends_with(tmp, "/v1")     ? "/messages"
                                             : "/v1/messages";
    }
    n = snprintf(buf, sizeof buf, "%.*s%s", (int)len, base, suffix);
    if (n < 0 || (size_t)n >= sizeof buf)
        return ph_errf(err, PH_EINPUT, "%s: URL too long", where);
    *out = strdup(buf);
    return *out ? PH_OK : ph_errf(err, PH_ENOMEM, "out of memory");
}

static const char *default_base(enum llm_provider p)
{
    switch (p) {
    case LLM_ANTHROPIC:
        return "https://api.anthropic.com";
    case LLM_OLLAMA:
        return "http://localhost:11434/v1";
    case LLM_LLAMACPP:
        return "http://localhost:8080/v1";
    case LLM_OPENAI:
        break;
    }
    return "https://api.openai.com/v1";
}

static const char *default_model(enum llm_provider p)
{
    switch (p) {
    case LLM_ANTHROPIC:
        return "claude-3-5-haiku-latest";
    case LLM_OLLAMA:
        return "llama3.1";
    case LLM_LLAMACPP:
        return "default"; /* llama-server answers with the model it loaded */
    case LLM_OPENAI:
        break;
    }
    return "gpt-4o-mini";
}

/* The host of an http(s) URL, without port or brackets; caller frees. */
static char *url_host(const char *url)
{
    const char *h = strstr(url, "://"), *e;
    char *out;

    h = h != NULL ? h + 3 : url;
    if (strchr(h, '@') != NULL && strchr(h, '@') < h + strcspn(h, "/"))
        h = strchr(h, '@') + 1; /* user:pass@host */
    if (*h == '[') {
        h++;
        e = strchr(h, ']');
        if (e == NULL)
            e = h + strlen(h);
    } else {
        e = h + strcspn(h, ":/?#");
    }
    out = malloc((size_t)(e - h) + 1);
    if (out == NULL)
        return NULL;
    memcpy(out, h, (size_t)(e - h));
    out[e - h] = '\0';
    for (char *c = out; *c; c++)
        *c = (char)tolower((unsigned char)*c);
    return out;
}

int llm_url_is_loopback(const char *url)
{
    char *host = url_host(url);
    int local = 0;

    if (host == NULL)
        return 0;
    if (strcmp(host, "localhost") == 0 || strcmp(host, "::1") == 0 ||
        strcmp(host, "0:0:0:0:0:0:0:1") == 0 || ends_with(host, ".localhost"))
        local = 1;
    if (strncmp(host, "127.", 4) == 0) {
        /* 127.0.0.0/8, written as a dotted quad */
        local = strspn(host, "0123456789.") == strlen(host);
    }
    free(host);
    return local;
}

enum ph_rc llm_config_load(struct llm_config *cfg, struct ph_err *err)
{
    struct cfg_file f;
    char where[PATH_MAX + 64];
    const char *v, *key, *base;
    enum ph_rc rc;

    memset(cfg, 0, sizeof *cfg);
    rc = cfg_file_load(&f, err);
    if (rc != PH_OK)
        return rc;
    if (f.loaded) {
        cfg->source = strdup(f.path);
        if (cfg->source == NULL) {
            rc = ph_errf(err, PH_ENOMEM, "out of memory");
            goto out;
        }
    }

    v = cfg_get(&f, K_PROVIDER, where, sizeof where);
    if (v != NULL) {
        if (strcasecmp(v, "openai") == 0) {
            cfg->provider = LLM_OPENAI;
        } else if (strcasecmp(v, "anthropic") == 0) {
            cfg->provider = LLM_ANTHROPIC;
        } else if (strcasecmp(v, "ollama") == 0) {
            cfg->provider = LLM_OLLAMA;
        } else if (strcasecmp(v, "llamacpp") == 0 || strcasecmp(v, "llama.cpp") == 0) {
            cfg->provider = LLM_LLAMACPP;
        } else {
            rc = ph_errf(err, PH_EINPUT,
                         "%s: \"%.32s\" is not a provider; expected openai, anthropic, ollama "
                         "or llamacpp",
                         where, v);
            goto out;
        }
    } else {
        char w2[8];
        int anthropic = cfg_get(&f, K_ANTHROPIC_API_KEY, w2, sizeof w2) != NULL ||
                        cfg_get(&f, K_ANTHROPIC_BASE_URL, w2, sizeof w2) != NULL;
        int openai = cfg_get(&f, K_OPENAI_API_KEY, w2, sizeof w2) != NULL ||
                     cfg_get(&f, K_OPENAI_BASE_URL, w2, sizeof w2) != NULL;
        cfg->provider = anthropic && !openai ? LLM_ANTHROPIC : LLM_OPENAI;
    }

    key = cfg_get(&f, K_API_KEY, where, sizeof where);
    /* A local server needs no key: never hand it one meant for a vendor. */
    if (key == NULL && cfg->provider == LLM_OPENAI)
        key = cfg_get(&f, K_OPENAI_API_KEY, where, sizeof where);
    else if (key == NULL && cfg->provider == LLM_ANTHROPIC)
        key = cfg_get(&f, K_ANTHROPIC_API_KEY, where, sizeof where);
    if (key != NULL) {
        /* A line break would let the value add headers of its own. */
        for (const char *c = key; *c; c++) {
            if ((unsigned char)*c < ' ' || *c == 0x7f) {
                rc = ph_errf(err, PH_EINPUT, "%s: the API key contains a control character", where);
                goto out;
            }
        }
        cfg->api_key = strdup(key);
        if (cfg->api_key == NULL) {
            rc = ph_errf(err, PH_ENOMEM, "out of memory");
            goto out;
        }
    }

    base = cfg_get(&f, K_BASE_URL, where, sizeof where);
    if (base == NULL && cfg->provider == LLM_OPENAI)
        base = cfg_get(&f, K_OPENAI_BASE_URL, where, sizeof where);
    else if (base == NULL && cfg->provider == LLM_ANTHROPIC)
        base = cfg_get(&f, K_ANTHROPIC_BASE_URL, where, sizeof where);
    if (base == NULL)
        base = default_base(cfg->provider);
    rc = make_endpoint(cfg->provider, base, where, &cfg->endpoint, err);
    if (rc != PH_OK)
        goto out;

    cfg->remote = !llm_url_is_loopback(cfg->endpoint);
    cfg->host = url_host(cfg->endpoint);
    if (cfg->host == NULL) {
        rc = ph_errf(err, PH_ENOMEM, "out of memory");
        goto out;
    }
    v = cfg_get(&f, K_ALLOW_REMOTE, where, sizeof where);
    if (v != NULL) {
        if (strcasecmp(v, "1") == 0 || strcasecmp(v, "yes") == 0 || strcasecmp(v, "true") == 0) {
            cfg->allow_remote = 1;
        } else if (!(strcasecmp(v, "0") == 0 || strcasecmp(v, "no") == 0 ||
                     strcasecmp(v, "false") == 0)) {
            rc = ph_errf(err, PH_EINPUT, "%s: \"%.32s\": expected yes or no", where, v);
            goto out;
        }
    }

    v = cfg_get(&f, K_MODEL, where, sizeof where);
    if (v == NULL)
        v = default_model(cfg->provider);
    if (strlen(v) > 200) {
        rc = ph_errf(err, PH_EINPUT, "%s: model name longer than 200 characters", where);
        goto out;
    }
    cfg->model = strdup(v);
    if (cfg->model == NULL) {
        rc = ph_errf(err, PH_ENOMEM, "out of memory");
        goto out;
    }

    cfg->concurrency = CONCURRENCY_DEFAULT;
    v = cfg_get(&f, K_CONCURRENCY, where, sizeof where);
    rc = v ? parse_count(v, where, 1, CONCURRENCY_MAX, &cfg->concurrency, err) : PH_OK;
    if (rc != PH_OK)
        goto out;
    cfg->rpm = 0;
    v = cfg_get(&f, K_RPM, where, sizeof where);
    rc = v ? parse_number(v, where, 0, 1e6, &cfg->rpm, err) : PH_OK;
    if (rc != PH_OK)
        goto out;
    cfg->timeout_s = TIMEOUT_DEFAULT_S;
    v = cfg_get(&f, K_TIMEOUT_S, where, sizeof where);
    rc = v ? parse_number(v, where, 0.05, 3600, &cfg->timeout_s, err) : PH_OK;
    if (rc != PH_OK)
        goto out;
    cfg->max_retries = RETRIES_DEFAULT;
    v = cfg_get(&f, K_MAX_RETRIES, where, sizeof where);
    rc = v ? parse_count(v, where, 0, RETRIES_MAX, &cfg->max_retries, err) : PH_OK;
    if (rc != PH_OK)
        goto out;
out:
    cfg_file_cleanup(&f);
    if (rc != PH_OK)
        llm_config_cleanup(cfg);
    return rc;
}

void llm_config_cleanup(struct llm_config *cfg)
{
    if (cfg == NULL)
        return;
    if (cfg->api_key != NULL)
        explicit_bzero(cfg->api_key, strlen(cfg->api_key));
    free(cfg->api_key);
    free(cfg->endpoint);
    free(cfg->model);
    free(cfg->source);
    free(cfg->host);
    memset(cfg, 0, sizeof *cfg);
}

const char *llm_provider_name(enum llm_provider p)
{
    switch (p) {
    case LLM_ANTHROPIC:
        return "anthropic";
    case LLM_OLLAMA:
        return "ollama";
    case LLM_LLAMACPP:
        return "llamacpp";
    case LLM_OPENAI:
        break;
    }
    return "openai";
}

int llm_provider_openai_wire(enum llm_provider p)
{
    return p != LLM_ANTHROPIC;
}
