/*
 * similarity.h - near-identical submissions, in the spirit of MOSS.
 *
 * Source is tokenised and normalised (identifiers become one symbol,
 * literals another; keywords, operators and common built-ins stay), so
 * renamed variables do not hide a copy; k-grams of tokens are hashed and
 * winnowed (the smallest hash of every window of w k-grams is kept), so
 * fingerprints are position-independent and reordered functions still
 * match.  Two documents' similarity is the Jaccard index of their
 * fingerprint sets.
 */
#ifndef PH_SIMILARITY_H
#define PH_SIMILARITY_H

#include <stddef.h>
#include <stdint.h>

#define SIM_K 12 /* tokens per k-gram: a statement or two */
#define SIM_W 6  /* winnowing window: any shared run of K+W-1 tokens is found */

struct sim_fp {
    uint64_t hash;
    int line_first, line_last; /* source lines the k-gram spans */
};

struct sim_doc {
    struct sim_fp *fp; /* sorted by hash, unique hashes */
    size_t n;
};

/* Fingerprint `src` (NUL-terminated, borrowed).  0 on success; the caller
 * frees with sim_doc_free(). */
int sim_doc_init(struct sim_doc *d, const char *src);
void sim_doc_free(struct sim_doc *d);

/* Remove from `d` every hash in `common` (starter code, idioms of the whole
 * class). */
void sim_doc_subtract(struct sim_doc *d, const struct sim_doc *common);

/* Jaccard index of the fingerprint sets, 0 when either is empty; *shared
 * receives the count of common hashes. */
double sim_score(const struct sim_doc *a, const struct sim_doc *b, size_t *shared);

/* Mark in `lines` (nlines entries, 1-based line i at lines[i-1]) the lines
 * of `a` covered by a fingerprint also in `b`. */
void sim_shared_lines(const struct sim_doc *a, const struct sim_doc *b, unsigned char *lines,
                      size_t nlines);

#endif
