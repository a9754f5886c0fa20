/*
 * recv_udp: a UDP receiver built for bursts.  recvmmsg() takes up to
 * RECV_BATCH datagrams per system call; SO_RXQ_OVFL tells how many the
 * kernel dropped because the queue was full, so that loss is never silent.
 */
#include "recv_udp.h"

#include "fmt.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/sock_diag.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define RECV_BATCH 64
#define RECV_MAX 65536

int
recv_udp_open(struct recv_udp *u, const char *addr, uint16_t port, int family,
    int rcvbuf, int reuseport, char *err, size_t errlen)
{
    struct addrinfo hints, *res, *ai;
    char portstr[8];
    int fd = -1, on = 1, off = 0, rc;

    memset(u, 0, sizeof(*u));
    u->fd = -1;
    memset(&hints, 0, sizeof(hints));
    hints.ai_socktype = SOCK_DGRAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    hints.ai_family = family == AF_UNSPEC && addr == NULL ? AF_INET6 : family;
    snprintf(portstr, sizeof(portstr), "%u", port);
    rc = getaddrinfo(addr, portstr, &hints, &res);
    if (rc != 0 && family == AF_UNSPEC && addr == NULL) {
        hints.ai_family = AF_INET;
        rc = getaddrinfo(addr, portstr, &hints, &res);
    }
    if (rc != 0) {
        snprintf(err, errlen, "%s: %s", addr ? addr : "*", gai_strerror(rc));
        return -1;
    }
    for (ai = res; ai != NULL; ai = ai->ai_next) {
        fd = socket(ai->ai_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd < 0 && family == AF_UNSPEC && ai->ai_family == AF_INET6 && addr == NULL)
            continue;
        if (fd < 0)
            break;
        /*
         * No SO_REUSEADDR: on UDP it lets any other process that sets it too
         * bind the same port and take the datagrams.  Our own --threads share
         * it with SO_REUSEPORT, which the kernel grants only to the same user.
         */
        if (reuseport)
            setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof(on));
        /* Dual-stack unless the user asked for IPv6 only (-6). */
        if (ai->ai_family == AF_INET6)
            setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY,
                family == AF_INET6 ? &on : &off, sizeof(on));
        setsockopt(fd, SOL_SOCKET, SO_RXQ_OVFL, &on, sizeof(on));
        if (rcvbuf > 0 &&
            setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)) != 0)
            /* Only root may force; others get the sysctl's ceiling. */
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
        if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
            u->family = ai->ai_family;
            break;
        }
        snprintf(err, errlen, "bind to %s port %u: %s", addr ? addr :
            ai->ai_family == AF_INET6 ? "[::]" : "0.0.0.0", port, strerror(errno));
        close(fd);
        fd = -1;
    }
    if (fd < 0 && ai == NULL && res != NULL && err[0] == '\0')
        snprintf(err, errlen, "socket: %s", strerror(errno));
    freeaddrinfo(res);
    if (fd < 0) {
        if (err[0] == '\0')
            snprintf(err, errlen, "socket: %s", strerror(errno));
        return -1;
    }
    u->bufs = malloc((size_t)RECV_BATCH * RECV_MAX);
    if (u->bufs == NULL) {
        snprintf(err, errlen, "out of memory");
        close(fd);
        return -1;
    }
    u->fd = fd;
    return 0;
}

static void
recv_udp_source(const struct sockaddr_storage *ss, struct dgram_meta *meta)
{
    const struct sockaddr_in *sin = (const struct sockaddr_in *)ss;
    const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)ss;

    meta->src_ver = 0;
    if (ss->ss_family == AF_INET) {
        *fmt_ipv4(meta->src, (const uint8_t *)&sin->sin_addr) = '\0';
        meta->src_port = ntohs(sin->sin_port);
        meta->src_ver = 4;
        memcpy(meta->src_ip, &sin->sin_addr, 4);
    } else if (ss->ss_family == AF_INET6) {
        /* Show an IPv4 sender on a dual-stack socket as IPv4. */
        if (IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr)) {
            *fmt_ipv4(meta->src, &sin6->sin6_addr.s6_addr[12]) = '\0';
            meta->src_ver = 4;
            memcpy(meta->src_ip, &sin6->sin6_addr.s6_addr[12], 4);
        } else {
            inet_ntop(AF_INET6, &sin6->sin6_addr, meta->src, sizeof(meta->src));
            meta->src_ver = 6;
            memcpy(meta->src_ip, &sin6->sin6_addr, 16);
        }
        meta->src_port = ntohs(sin6->sin6_port);
    } else {
        strcpy(meta->src, "-");
    }
}

/* The kernel's cumulative drop count rides on each datagram (SO_RXQ_OVFL). */
static void
recv_udp_drops(struct recv_udp *u, struct msghdr *mh)
{
    struct cmsghdr *cm;
    uint32_t drops;

    for (cm = CMSG_FIRSTHDR(mh); cm != NULL; cm = CMSG_NXTHDR(mh, cm)) {
        if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SO_RXQ_OVFL) {
            memcpy(&drops, CMSG_DATA(cm), sizeof(drops));
            u->stats.socket_drops = drops;
        }
    }
}

int
recv_udp_loop(struct recv_udp *u, recv_cb cb, void *ctx,
    volatile sig_atomic_t *stop, void (*tick)(void *), int tick_ms)
{
    struct mmsghdr msgs[RECV_BATCH];
    struct iovec iov[RECV_BATCH];
    struct sockaddr_storage from[RECV_BATCH];
    char ctl[RECV_BATCH][CMSG_SPACE(sizeof(uint32_t)) + 64];
    struct dgram_meta meta;
    struct pollfd pfd;
    int i, n;

    while (!*stop) {
        pfd.fd = u->fd;
        pfd.events = POLLIN;
        n = poll(&pfd, 1, tick_ms);
        if (n <= 0) {
            if (tick)
                tick(ctx);
            if (n < 0 && errno != EINTR)
                return -1;
            continue;
        }
        for (i = 0; i < RECV_BATCH; i++) {
            iov[i].iov_base = u->bufs + (size_t)i * RECV_MAX;
            iov[i].iov_len = RECV_MAX;
            memset(&msgs[i].msg_hdr, 0, sizeof(msgs[i].msg_hdr));
            msgs[i].msg_hdr.msg_iov = &iov[i];
            msgs[i].msg_hdr.msg_iovlen = 1;
            msgs[i].msg_hdr.msg_name = &from[i];
            msgs[i].msg_hdr.msg_namelen = sizeof(from[i]);
            msgs[i].msg_hdr.msg_control = ctl[i];
            msgs[i].msg_hdr.msg_controllen = sizeof(ctl[i]);
        }
        n = recvmmsg(u->fd, msgs, RECV_BATCH, MSG_DONTWAIT, NULL);
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN)
                continue;
            return -1;
        }
        gettimeofday(&meta.ts, NULL);
        for (i = 0; i < n; i++) {
            u->stats.datagrams++;
            recv_udp_drops(u, &msgs[i].msg_hdr);
            meta.from_file = 0;
            recv_udp_source(&from[i], &meta);
            meta.size = msgs[i].msg_len;
            if (cb(ctx, u->bufs + (size_t)i * RECV_MAX, msgs[i].msg_len, &meta) != 0)
                return 0;
        }
        if (tick)
            tick(ctx);
    }
    return 0;
}

/*
 * SO_RXQ_OVFL reports drops only on the next datagram received; a report
 * made while the socket is idle asks the kernel (SO_MEMINFO, the same
 * counter) instead.
 */
uint64_t
recv_udp_socket_drops(struct recv_udp *u)
{
    uint32_t mem[SK_MEMINFO_VARS];
    socklen_t len = sizeof(mem);

    if (u->fd >= 0 && getsockopt(u->fd, SOL_SOCKET, SO_MEMINFO, mem, &len) == 0 &&
        len > SK_MEMINFO_DROPS * sizeof(mem[0]))
        return mem[SK_MEMINFO_DROPS];
    return u->stats.socket_drops;
}

void
recv_udp_close(struct recv_udp *u)
{
    if (u->fd >= 0)
        close(u->fd);
    u->fd = -1;
    free(u->bufs);
    u->bufs = NULL;
}
