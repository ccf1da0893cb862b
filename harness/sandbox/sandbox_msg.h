/*
 * sandbox_msg.h - the messages on a host's control socket, and the calls
 * that send and receive them with the fds they carry.
 *
 * SOCK_SEQPACKET: one message per send, never merged or split.  The
 * supervisor sends JOB (with the run's three fds) and ABORT; the host
 * answers READY or FAIL once at start-up, then exactly one END per JOB.
 */
#ifndef PH_SANDBOX_MSG_H
#define PH_SANDBOX_MSG_H

#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/uio.h>

#include "sandbox.h"

enum { MSG_READY = 1, MSG_FAIL, MSG_JOB, MSG_ABORT, MSG_END };

struct msg_job {
    uint32_t type;  /* MSG_JOB */
    uint32_t uid;   /* the run's uid, 0 for none */
    uint32_t len;   /* payload bytes after this header */
    uint32_t fdmap; /* bit i: fds[i] was sent (in order) */
    char scratch[4096];
};

struct msg_end {
    uint32_t type;  /* MSG_END, MSG_READY, MSG_FAIL */
    int32_t status; /* the worker's wait status; for MSG_FAIL, 1 if host_init refused */
    struct rusage ru;
    uint32_t lost; /* for MSG_END: SANDBOX_LOST_* bits, the probe's layers this run went without */
    char msg[256]; /* why, for MSG_FAIL */
};

#define JOB_MSG_MAX (sizeof(struct msg_job) + SANDBOX_JOB_MAX)

/* Send an END, READY or FAIL message (`ru` and `msg` may be NULL). */
void sbx_msg_send_end(int fd, uint32_t type, int status, const struct rusage *ru, const char *msg);

/* Send a run's END, saying which of the probe's layers it went without
 * (`lost`, SANDBOX_LOST_* bits). */
void sbx_msg_send_run_end(int fd, int status, const struct rusage *ru, const char *msg,
                          uint32_t lost);

/* Send one message made of `iov` with `nfd` fds attached.  Returns what
 * sendmsg() returned. */
ssize_t sbx_msg_send_fds(int sock, struct iovec *iov, int iovcnt, const int *fds, int nfd);

/* Receive one message and up to three fds.  Returns its length, 0 at EOF. */
ssize_t sbx_msg_recv(int fd, unsigned char *buf, size_t cap, int fds[3]);

/* 1 if `buf` (n bytes) is a whole JOB message. */
int sbx_msg_is_job(const unsigned char *buf, ssize_t n);

#endif
