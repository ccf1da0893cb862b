/*
 * llm_config.h - the LLM configuration: the environment (PYHARNESS_LLM_*, OPENAI_*,
 * ANTHROPIC_API_KEY) and the config file, checked and with defaults.
 *
 * The API key lives only in `struct llm_config` and in request headers; it is
 * never put in an error message, a result or a log.  docs/llm.md documents
 * every key.
 */
#ifndef PH_LLM_CONFIG_H
#define PH_LLM_CONFIG_H

#include "err.h"

/* OpenAI, Ollama and llama.cpp's server speak the OpenAI chat-completions
 * wire format and differ in defaults and in how a JSON schema is asked for;
 * Anthropic has its own Messages API. */
enum llm_provider { LLM_OPENAI, LLM_ANTHROPIC, LLM_OLLAMA, LLM_LLAMACPP };

/* 1 when `p` speaks the OpenAI chat-completions wire format. */
int llm_provider_openai_wire(enum llm_provider p);

struct llm_config {
    enum llm_provider provider;
    char *endpoint; /* full URL of chat/completions or messages */
    char *model;
    char *api_key;        /* NULL when none (local servers); never printed */
    unsigned concurrency; /* requests in flight at once, >= 1 */
    double rpm;           /* requests started per minute; 0 = no budget */
    double timeout_s;     /* per request, connection included */
    unsigned max_retries; /* after the first attempt, on 429/5xx/timeouts */
    char *source;         /* config file read, or NULL: for messages */
    int remote;           /* the endpoint's host is not this machine (not loopback) */
    int allow_remote;     /* the configuration allows sending answers to a remote host */
    char *host;           /* the endpoint's host, for messages */
};

/* 1 when the host part of `url` (http[s]://host[:port]/...) is this machine:
 * localhost, 127.0.0.0/8 or [::1]. */
int llm_url_is_loopback(const char *url);

/*
 * 1 when an LLM is configured: any PYHARNESS_LLM_* key, OPENAI_API_KEY,
 * OPENAI_BASE_URL or ANTHROPIC_API_KEY is set (non-empty) in the environment
 * or in the config file ($PYHARNESS_CONFIG, else
 * $XDG_CONFIG_HOME/pyharness/config, XDG_CONFIG_HOME defaulting to ~/.config).
 * A config file that cannot be parsed counts as configured, so that
 * llm_config_load() reports what is wrong with it.
 */
int llm_configured(void);

/*
 * Read the configuration: environment first, then the config file (KEY=VALUE
 * lines, '#' comments).  Fills `cfg` (caller cleans up with
 * llm_config_cleanup()).  PH_EINPUT naming the variable or file:line when a
 * value is invalid.
 */
enum ph_rc llm_config_load(struct llm_config *cfg, struct ph_err *err);

/* Accepts NULL; zeroes `cfg`. */
void llm_config_cleanup(struct llm_config *cfg);

/* "openai", "anthropic", "ollama" or "llamacpp"; static storage. */
const char *llm_provider_name(enum llm_provider p);

#endif
