/*
 * measure_sock.h - the memory a run holds in socket buffers.
 *
 * Data written to a socket and not yet read sits in kernel buffers that no
 * process's resident set shows: a run could keep hundreds of MiB there,
 * outside every memory figure and its memory limit (red-team sock_hoard).
 * In a network namespace of the run's own, every socket is the run's (and
 * its runner's, whose few are small), so the kernel's per-socket counters,
 * read through NETLINK_SOCK_DIAG, add up to what the run holds there.
 */
#ifndef PH_MEASURE_SOCK_H
#define PH_MEASURE_SOCK_H

#include <stdint.h>

/* Open the diagnostics socket now, at `min_fd` or above (so that a run's
 * set-up, which closes the fds below, keeps it): in the sandbox host,
 * before the runs' seccomp filter, which allows Unix sockets only.  0, or
 * -1 when the kernel refuses. */
int measure_sock_open(int min_fd);

/* 1 when this kernel answers sock_diag queries (pyharness doctor). */
int measure_sock_available(void);

/* Close it (a worker must not hold it). */
void measure_sock_close(void);

/* Count socket buffers in the run's memory (on: the run has a network
 * namespace of its own and measure_sock_open succeeded); off by default. */
void measure_count_sockets(int on);

/* Bytes queued in the buffers of every Unix socket of the caller's network
 * namespace (sent and not yet read by the peer), 0 when not counting, -1
 * when the kernel will not say. */
int64_t measure_sock_bytes(void);

#endif
