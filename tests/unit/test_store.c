/* test_store.c - the SQLite store (store.c) and the SHA-256 its cache keys
 * use (sha256.c). */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "fileio.h"
#include "sha256.h"
#include "store.h"

static char dir[64];
static char db[128];

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/ph-test-store-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    snprintf(db, sizeof db, "%s/a/b/cache.sqlite3", dir);
}

static void teardown(void)
{
    fileio_rmtree(dir);
}

TestSuite(store, .init = setup, .fini = teardown);

static const struct store_llm_key key = {
    "openai", "m-1", "1:abcdef", "tiny-gather",
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"};

Test(store, creates_file_folders_schema_and_wal)
{
    struct store *st = NULL;
    struct ph_err err;
    sqlite3 *h;
    sqlite3_stmt *s;

    ph_err_clear(&err);
    cr_assert_eq(store_open(db, &st, &err), PH_OK, "%s", err.msg);
    cr_assert_eq(store_schema_version(st), STORE_SCHEMA_VERSION);
    store_close(st);
    cr_assert(fileio_is_file(db));
    /* Reopening an up-to-date file changes nothing. */
    cr_assert_eq(store_open(db, &st, &err), PH_OK, "%s", err.msg);
    cr_assert_eq(store_schema_version(st), STORE_SCHEMA_VERSION);
    store_close(st);

    cr_assert_eq(sqlite3_open(db, &h), SQLITE_OK);
    cr_assert_eq(sqlite3_prepare_v2(h, "PRAGMA journal_mode", -1, &s, NULL), SQLITE_OK);
    cr_assert_eq(sqlite3_step(s), SQLITE_ROW);
    cr_assert_str_eq((const char *)sqlite3_column_text(s, 0), "wal");
    sqlite3_finalize(s);
    cr_assert_eq(
        sqlite3_prepare_v2(h, "SELECT count(*), max(version) FROM schema_version", -1, &s, NULL),
        SQLITE_OK);
    cr_assert_eq(sqlite3_step(s), SQLITE_ROW);
    cr_assert_eq(sqlite3_column_int(s, 0), 1);
    cr_assert_eq(sqlite3_column_int(s, 1), STORE_SCHEMA_VERSION);
    sqlite3_finalize(s);
    sqlite3_close(h);
}

Test(store, llm_put_get_replace_and_miss)
{
    struct store *st = NULL;
    struct ph_err err;
    char *json = NULL;
    struct store_llm_key other = key;

    ph_err_clear(&err);
    cr_assert_eq(store_open(db, &st, &err), PH_OK, "%s", err.msg);
    cr_assert_eq(store_llm_get(st, &key, &json, &err), PH_OK);
    cr_assert_null(json);
    cr_assert_eq(store_llm_put(st, &key, "{\"score\":7}", &err), PH_OK, "%s", err.msg);
    cr_assert_eq(store_llm_get(st, &key, &json, &err), PH_OK);
    cr_assert_str_eq(json, "{\"score\":7}");
    free(json);
    cr_assert_eq(store_llm_put(st, &key, "{\"score\":8}", &err), PH_OK);
    cr_assert_eq(store_llm_get(st, &key, &json, &err), PH_OK);
    cr_assert_str_eq(json, "{\"score\":8}");
    free(json);
    /* Each part of the key matters. */
    const char **parts[] = {&other.provider, &other.model, &other.prompt_version, &other.question,
                            &other.answer_sha256};
    for (size_t i = 0; i < 5; i++) {
        other = key;
        *parts[i] = "different";
        cr_assert_eq(store_llm_get(st, &other, &json, &err), PH_OK);
        cr_assert_null(json, "part %zu ignored", i);
    }
    store_close(st);
    /* It persists. */
    cr_assert_eq(store_open(db, &st, &err), PH_OK);
    cr_assert_eq(store_llm_get(st, &key, &json, &err), PH_OK);
    cr_assert_str_eq(json, "{\"score\":8}");
    free(json);
    store_close(st);
}

Test(store, two_connections_share_the_file)
{
    struct store *a = NULL, *b = NULL;
    struct ph_err err;
    char *json = NULL;

    ph_err_clear(&err);
    cr_assert_eq(store_open(db, &a, &err), PH_OK);
    cr_assert_eq(store_open(db, &b, &err), PH_OK);
    cr_assert_eq(store_llm_put(a, &key, "{}", &err), PH_OK);
    cr_assert_eq(store_llm_get(b, &key, &json, &err), PH_OK);
    cr_assert_str_eq(json, "{}");
    free(json);
    store_close(a);
    store_close(b);
}

Test(store, oversized_result_refused)
{
    struct store *st = NULL;
    struct ph_err err;
    char *big = malloc(STORE_LLM_JSON_MAX + 2);

    memset(big, 'x', STORE_LLM_JSON_MAX + 1);
    big[STORE_LLM_JSON_MAX + 1] = '\0';
    ph_err_clear(&err);
    cr_assert_eq(store_open(db, &st, &err), PH_OK);
    cr_assert_eq(store_llm_put(st, &key, big, &err), PH_ELIMIT);
    store_close(st);
    free(big);
}

Test(store, newer_schema_refused_naming_the_file)
{
    struct store *st = NULL;
    struct ph_err err;
    sqlite3 *h;

    ph_err_clear(&err);
    cr_assert_eq(store_open(db, &st, &err), PH_OK);
    store_close(st);
    cr_assert_eq(sqlite3_open(db, &h), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(h, "UPDATE schema_version SET version = 99", NULL, NULL, NULL),
                 SQLITE_OK);
    sqlite3_close(h);
    st = NULL;
    cr_assert_eq(store_open(db, &st, &err), PH_EINPUT);
    cr_assert_null(st);
    cr_assert(strstr(err.msg, db) != NULL && strstr(err.msg, "99") != NULL, "%s", err.msg);
}

Test(store, garbage_file_refused)
{
    struct store *st = NULL;
    struct ph_err err;
    char path[160];
    const char junk[] = "this is certainly not an SQLite database, just some text that is long "
                        "enough to fill the header page of one, and then some more bytes.....";

    snprintf(path, sizeof path, "%s/junk.sqlite3", dir);
    cr_assert_eq(fileio_write(path, junk, sizeof junk, NULL), PH_OK);
    ph_err_clear(&err);
    cr_assert_neq(store_open(path, &st, &err), PH_OK);
    cr_assert_null(st);
    cr_assert(strstr(err.msg, path) != NULL, "%s", err.msg);
}

Test(store, unwritable_place_fails_cleanly)
{
    struct store *st = NULL;
    struct ph_err err;

    ph_err_clear(&err);
    cr_assert_neq(store_open("/proc/pyharness/x.sqlite3", &st, &err), PH_OK);
    cr_assert_null(st);
    cr_assert(strstr(err.msg, "/proc/pyharness") != NULL, "%s", err.msg);
}

Test(store, cache_path_resolution)
{
    char *p = NULL;
    struct ph_err err;

    ph_err_clear(&err);
    setenv("PYHARNESS_LLM_CACHE", "/x/y.sqlite3", 1);
    cr_assert_eq(store_llm_cache_path(&p, &err), PH_OK);
    cr_assert_str_eq(p, "/x/y.sqlite3");
    free(p);
    setenv("PYHARNESS_LLM_CACHE", "off", 1);
    cr_assert_eq(store_llm_cache_path(&p, &err), PH_OK);
    cr_assert_null(p);
    unsetenv("PYHARNESS_LLM_CACHE");
    setenv("XDG_CACHE_HOME", "/xdg", 1);
    cr_assert_eq(store_llm_cache_path(&p, &err), PH_OK);
    cr_assert_str_eq(p, "/xdg/pyharness/llm-cache.sqlite3");
    free(p);
    unsetenv("XDG_CACHE_HOME");
    setenv("HOME", "/home/u", 1);
    cr_assert_eq(store_llm_cache_path(&p, &err), PH_OK);
    cr_assert_str_eq(p, "/home/u/.cache/pyharness/llm-cache.sqlite3");
    free(p);
}

Test(sha256, known_vectors)
{
    char hex[SHA256_HEX_LEN];
    char *million = malloc(1000000);

    sha256_hex("", 0, hex);
    cr_assert_str_eq(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    sha256_hex("abc", 3, hex);
    cr_assert_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, hex);
    cr_assert_str_eq(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    memset(million, 'a', 1000000);
    sha256_hex(million, 1000000, hex);
    cr_assert_str_eq(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    free(million);
}

Test(sha256, incremental_matches_one_shot)
{
    unsigned char data[1000], a[SHA256_DIGEST_LEN], b[SHA256_DIGEST_LEN];
    struct sha256_ctx c;

    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (unsigned char)(i * 7 + 3);
    for (size_t len = 0; len <= sizeof data; len += 37) {
        sha256_init(&c);
        sha256_update(&c, data, len);
        sha256_final(&c, a);
        sha256_init(&c);
        for (size_t off = 0, step = 1; off < len; off += step, step = step % 70 + 1)
            sha256_update(&c, data + off, off + step > len ? len - off : step);
        sha256_final(&c, b);
        cr_assert_eq(memcmp(a, b, sizeof a), 0, "length %zu", len);
    }
}
