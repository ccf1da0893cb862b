/* measure_sock.c - see measure_sock.h. */
#include "measure_sock.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* The NETLINK_SOCK_DIAG socket, opened before the run's seccomp filter
 * (which allows AF_UNIX sockets only) and inherited by every runner; -1
 * when not opened.  Runs may make Unix sockets only, so a Unix dump covers
 * every socket a run can hold. */
static int diag_fd = -1;
static int counting;

int measure_sock_open(int min_fd)
{
    int fd;

    if (diag_fd >= 0)
        return 0;
    fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
    if (fd < 0)
        return -1;
    diag_fd = fcntl(fd, F_DUPFD_CLOEXEC, min_fd);
    close(fd);
    return diag_fd >= 0 ? 0 : -1;
}

int measure_sock_available(void)
{
    int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);

    if (fd < 0)
        return 0;
    close(fd);
    return 1;
}

void measure_sock_close(void)
{
    if (diag_fd >= 0)
        close(diag_fd);
    diag_fd = -1;
    counting = 0;
}

void measure_count_sockets(int on)
{
    counting = on && diag_fd >= 0;
}

/* Add the queued bytes one unix_diag_msg reports to *total. */
static void add_meminfo(const struct nlmsghdr *h, int64_t *total)
{
    const struct unix_diag_msg *m = NLMSG_DATA(h);
    int len = (int)h->nlmsg_len - NLMSG_LENGTH(sizeof *m);
    const struct rtattr *a = (const struct rtattr *)(m + 1);

    for (; RTA_OK(a, len); a = RTA_NEXT(a, len)) {
        const uint32_t *v = RTA_DATA(a);

        if (a->rta_type != UNIX_DIAG_MEMINFO ||
            RTA_PAYLOAD(a) < SK_MEMINFO_WMEM_ALLOC * sizeof *v + sizeof *v)
            continue;
        /* A Unix socket charges what it sent to itself until the peer
         * reads it: its write allocation; received data is counted there. */
        *total += (int64_t)v[SK_MEMINFO_RMEM_ALLOC] + (int64_t)v[SK_MEMINFO_WMEM_ALLOC];
    }
}

int64_t measure_sock_bytes(void)
{
    struct {
        struct nlmsghdr h;
        struct unix_diag_req r;
    } req;
    union {
        char buf[16384];
        struct nlmsghdr align;
    } u;
    int64_t total = 0;

    if (!counting)
        return 0;
    memset(&req, 0, sizeof req);
    req.h.nlmsg_len = sizeof req;
    req.h.nlmsg_type = SOCK_DIAG_BY_FAMILY;
    req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    req.r.sdiag_family = AF_UNIX;
    req.r.udiag_states = ~0u;
    req.r.udiag_show = UDIAG_SHOW_MEMINFO;
    if (send(diag_fd, &req, sizeof req, 0) != (ssize_t)sizeof req)
        return -1;
    for (;;) {
        ssize_t n = recv(diag_fd, u.buf, sizeof u.buf, 0);
        int len = (int)n;
        const struct nlmsghdr *h = &u.align;

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        for (; NLMSG_OK(h, (unsigned)len); h = NLMSG_NEXT(h, len)) {
            if (h->nlmsg_type == NLMSG_DONE)
                return total;
            if (h->nlmsg_type == NLMSG_ERROR)
                return -1;
            if (h->nlmsg_type == SOCK_DIAG_BY_FAMILY)
                add_meminfo(h, &total);
        }
    }
}
