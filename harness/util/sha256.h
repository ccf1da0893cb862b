/*
 * sha256.h - SHA-256 (FIPS 180-4), small and dependency-free.
 *
 * Used for cache keys (the LLM score cache hashes each answer) and for the
 * fence nonce around a candidate's answer in LLM prompts.  Not for secrets:
 * there is no constant-time guarantee.  Owns nothing on the heap.
 */
#ifndef PH_SHA256_H
#define PH_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_DIGEST_LEN 32
#define SHA256_HEX_LEN 65 /* 64 hex digits and the terminating NUL */

struct sha256_ctx {
    uint32_t h[8];
    uint64_t nbytes; /* message length so far */
    unsigned char block[64];
    size_t fill; /* bytes waiting in block */
};

/* Incremental use: init, any number of updates, final.  `data` is borrowed. */
void sha256_init(struct sha256_ctx *c);
void sha256_update(struct sha256_ctx *c, const void *data, size_t len);
void sha256_final(struct sha256_ctx *c, unsigned char out[SHA256_DIGEST_LEN]);

/* One-shot digest of `len` bytes of `data` as 64 lowercase hex digits. */
void sha256_hex(const void *data, size_t len, char out[SHA256_HEX_LEN]);

#endif
