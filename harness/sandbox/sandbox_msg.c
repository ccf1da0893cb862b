/*
 * sandbox_msg.c - see sandbox_msg.h.
 */
#include "sandbox_msg.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void send_end(int fd, uint32_t type, int status, const struct rusage *ru, const char *msg,
                     uint32_t lost)
{
    struct msg_end m;

    memset(&m, 0, sizeof m);
    m.type = type;
    m.status = status;
    m.lost = lost;
    if (ru != NULL)
        m.ru = *ru;
    if (msg != NULL)
        snprintf(m.msg, sizeof m.msg, "%s", msg);
    while (send(fd, &m, sizeof m, MSG_NOSIGNAL) < 0 && errno == EINTR)
        ;
}

void sbx_msg_send_end(int fd, uint32_t type, int status, const struct rusage *ru, const char *msg)
{
    send_end(fd, type, status, ru, msg, 0);
}

void sbx_msg_send_run_end(int fd, int status, const struct rusage *ru, const char *msg,
                          uint32_t lost)
{
    send_end(fd, MSG_END, status, ru, msg, lost);
}

/* Send one message made of `iov` with `nfd` fds attached.  Returns what
 * sendmsg() returned. */
ssize_t sbx_msg_send_fds(int sock, struct iovec *iov, int iovcnt, const int *fds, int nfd)
{
    union {
        struct cmsghdr align;
        char buf[CMSG_SPACE(3 * sizeof(int))];
    } cm;
    struct msghdr mh;
    ssize_t n;

    memset(&mh, 0, sizeof mh);
    mh.msg_iov = iov;
    mh.msg_iovlen = (size_t)iovcnt;
    if (nfd > 0) {
        struct cmsghdr *c;

        memset(&cm, 0, sizeof cm);
        mh.msg_control = cm.buf;
        mh.msg_controllen = CMSG_SPACE((size_t)nfd * sizeof(int));
        c = CMSG_FIRSTHDR(&mh);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN((size_t)nfd * sizeof(int));
        memcpy(CMSG_DATA(c), fds, (size_t)nfd * sizeof(int));
    }
    do {
        n = sendmsg(sock, &mh, MSG_NOSIGNAL);
    } while (n < 0 && errno == EINTR);
    return n;
}

/* Receive one message and up to three fds.  Returns its length, 0 at EOF. */
ssize_t sbx_msg_recv(int fd, unsigned char *buf, size_t cap, int fds[3])
{
    union {
        struct cmsghdr align;
        char buf[CMSG_SPACE(3 * sizeof(int))];
    } cm;
    struct iovec iov = {buf, cap};
    struct msghdr mh;
    struct cmsghdr *c;
    ssize_t n;

    fds[0] = fds[1] = fds[2] = -1;
    memset(&mh, 0, sizeof mh);
    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    mh.msg_control = cm.buf;
    mh.msg_controllen = sizeof cm.buf;
    do {
        n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC);
    } while (n < 0 && errno == EINTR);
    if (n < 0)
        return 0;
    for (c = CMSG_FIRSTHDR(&mh); c != NULL; c = CMSG_NXTHDR(&mh, c)) {
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
            size_t k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);

            memcpy(fds, CMSG_DATA(c), (k > 3 ? 3 : k) * sizeof(int));
        }
    }
    if ((mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) != 0) {
        for (int i = 0; i < 3; i++) {
            if (fds[i] >= 0)
                close(fds[i]);
            fds[i] = -1;
        }
        return -1;
    }
    return n;
}

/* 1 if `buf` (n bytes) is a whole JOB message. */
int sbx_msg_is_job(const unsigned char *buf, ssize_t n)
{
    const struct msg_job *job = (const struct msg_job *)buf;

    return n >= (ssize_t)sizeof *job && job->type == MSG_JOB && job->len <= SANDBOX_JOB_MAX &&
           n == (ssize_t)(sizeof *job + job->len);
}
