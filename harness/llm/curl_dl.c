/*
 * curl_dl.c - libcurl, loaded the first time an LLM is asked.
 *
 * Every process that runs candidate code is a fork of the supervisor, so
 * whatever the supervisor maps, every worker maps too.  Linked normally,
 * libcurl brings its dependency tree (TLS, SSH, LDAP, Kerberos: about thirty
 * libraries, half of a worker's mappings) into processes that never make a
 * request: each fork and exit pays for the mappings, and a submission finds
 * that code at hand.  This module defines the libcurl functions llm.c calls
 * and forwards them to the real ones, which curl_global_init() finds with
 * dlopen() (llm.c calls it once, under pthread_once, before anything else).
 *
 * The variadic setopt and getinfo calls are forwarded by the type class
 * libcurl encodes in each option's number (long, pointer, function pointer,
 * curl_off_t), which is how libcurl itself reads them.
 */
#define CURL_DISABLE_TYPECHECK /* the type-checking macros would rename what we define */
#include <curl/curl.h>

#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define CURL_SONAME "libcurl.so.4"

static struct {
    CURLcode (*global_init)(long);
    const char *(*easy_strerror)(CURLcode);
    CURL *(*easy_init)(void);
    CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
    CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
    void (*easy_cleanup)(CURL *);
    struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
    void (*slist_free_all)(struct curl_slist *);
    CURLM *(*multi_init)(void);
    CURLMcode (*multi_setopt)(CURLM *, CURLMoption, ...);
    CURLMcode (*multi_add_handle)(CURLM *, CURL *);
    CURLMcode (*multi_remove_handle)(CURLM *, CURL *);
    CURLMcode (*multi_perform)(CURLM *, int *);
    CURLMcode (*multi_poll)(CURLM *, struct curl_waitfd[], unsigned int, int, int *);
    CURLMsg *(*multi_info_read)(CURLM *, int *);
    CURLMcode (*multi_cleanup)(CURLM *);
} fn;

static int loaded;
static char load_error[256] = "libcurl is not loaded yet";

/* dlopen libcurl and find every function; 0, or -1 with load_error set. */
static int load(void)
{
    const struct {
        const char *name;
        void **slot;
    } table[] = {
        {"curl_global_init", (void **)&fn.global_init},
        {"curl_easy_strerror", (void **)&fn.easy_strerror},
        {"curl_easy_init", (void **)&fn.easy_init},
        {"curl_easy_setopt", (void **)&fn.easy_setopt},
        {"curl_easy_getinfo", (void **)&fn.easy_getinfo},
        {"curl_easy_cleanup", (void **)&fn.easy_cleanup},
        {"curl_slist_append", (void **)&fn.slist_append},
        {"curl_slist_free_all", (void **)&fn.slist_free_all},
        {"curl_multi_init", (void **)&fn.multi_init},
        {"curl_multi_setopt", (void **)&fn.multi_setopt},
        {"curl_multi_add_handle", (void **)&fn.multi_add_handle},
        {"curl_multi_remove_handle", (void **)&fn.multi_remove_handle},
        {"curl_multi_perform", (void **)&fn.multi_perform},
        {"curl_multi_poll", (void **)&fn.multi_poll},
        {"curl_multi_info_read", (void **)&fn.multi_info_read},
        {"curl_multi_cleanup", (void **)&fn.multi_cleanup},
    };
    void *lib;

    if (loaded)
        return 0;
    lib = dlopen(CURL_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (lib == NULL) {
        snprintf(load_error, sizeof load_error, "cannot load %s: %s", CURL_SONAME, dlerror());
        return -1;
    }
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        void *sym = dlsym(lib, table[i].name);

        if (sym == NULL) {
            snprintf(load_error, sizeof load_error, "%s has no %s", CURL_SONAME, table[i].name);
            dlclose(lib);
            return -1;
        }
        /* POSIX: a function's address travels through void *. */
        memcpy(table[i].slot, &sym, sizeof sym);
    }
    loaded = 1;
    return 0;
}

CURLcode curl_global_init(long flags)
{
    if (load() != 0)
        return CURLE_FAILED_INIT;
    return fn.global_init(flags);
}

const char *curl_easy_strerror(CURLcode code)
{
    if (!loaded)
        return load_error;
    return fn.easy_strerror(code);
}

CURL *curl_easy_init(void)
{
    return loaded ? fn.easy_init() : NULL;
}

CURLcode curl_easy_setopt(CURL *h, CURLoption opt, ...)
{
    va_list ap;
    CURLcode rc;

    if (!loaded)
        return CURLE_FAILED_INIT;
    va_start(ap, opt);
    if (opt < CURLOPTTYPE_OBJECTPOINT)
        rc = fn.easy_setopt(h, opt, va_arg(ap, long));
    else if (opt < CURLOPTTYPE_FUNCTIONPOINT)
        rc = fn.easy_setopt(h, opt, va_arg(ap, void *));
    else if (opt < CURLOPTTYPE_OFF_T)
        rc = fn.easy_setopt(h, opt, va_arg(ap, void (*)(void)));
    else if (opt < CURLOPTTYPE_BLOB)
        rc = fn.easy_setopt(h, opt, va_arg(ap, curl_off_t));
    else
        rc = fn.easy_setopt(h, opt, va_arg(ap, void *));
    va_end(ap);
    return rc;
}

CURLcode curl_easy_getinfo(CURL *h, CURLINFO info, ...)
{
    va_list ap;
    CURLcode rc;

    if (!loaded)
        return CURLE_FAILED_INIT;
    va_start(ap, info);
    rc = fn.easy_getinfo(h, info, va_arg(ap, void *)); /* always where to store it */
    va_end(ap);
    return rc;
}

void curl_easy_cleanup(CURL *h)
{
    if (loaded)
        fn.easy_cleanup(h);
}

struct curl_slist *curl_slist_append(struct curl_slist *list, const char *s)
{
    return loaded ? fn.slist_append(list, s) : NULL;
}

void curl_slist_free_all(struct curl_slist *list)
{
    if (loaded)
        fn.slist_free_all(list);
}

CURLM *curl_multi_init(void)
{
    return loaded ? fn.multi_init() : NULL;
}

CURLMcode curl_multi_setopt(CURLM *m, CURLMoption opt, ...)
{
    va_list ap;
    CURLMcode rc;

    if (!loaded)
        return CURLM_INTERNAL_ERROR;
    va_start(ap, opt);
    if (opt < CURLOPTTYPE_OBJECTPOINT)
        rc = fn.multi_setopt(m, opt, va_arg(ap, long));
    else if (opt < CURLOPTTYPE_FUNCTIONPOINT)
        rc = fn.multi_setopt(m, opt, va_arg(ap, void *));
    else if (opt < CURLOPTTYPE_OFF_T)
        rc = fn.multi_setopt(m, opt, va_arg(ap, void (*)(void)));
    else
        rc = fn.multi_setopt(m, opt, va_arg(ap, curl_off_t));
    va_end(ap);
    return rc;
}

CURLMcode curl_multi_add_handle(CURLM *m, CURL *h)
{
    return loaded ? fn.multi_add_handle(m, h) : CURLM_INTERNAL_ERROR;
}

CURLMcode curl_multi_remove_handle(CURLM *m, CURL *h)
{
    return loaded ? fn.multi_remove_handle(m, h) : CURLM_INTERNAL_ERROR;
}

CURLMcode curl_multi_perform(CURLM *m, int *running)
{
    return loaded ? fn.multi_perform(m, running) : CURLM_INTERNAL_ERROR;
}

CURLMcode curl_multi_poll(CURLM *m, struct curl_waitfd extra[], unsigned int n, int timeout_ms,
                          int *numfds)
{
    return loaded ? fn.multi_poll(m, extra, n, timeout_ms, numfds) : CURLM_INTERNAL_ERROR;
}

CURLMsg *curl_multi_info_read(CURLM *m, int *left)
{
    return loaded ? fn.multi_info_read(m, left) : NULL;
}

CURLMcode curl_multi_cleanup(CURLM *m)
{
    return loaded ? fn.multi_cleanup(m) : CURLM_INTERNAL_ERROR;
}
