/*
 * spoof: UDP with the agent's source address; see spoof.h.
 *
 * The packet comes from udpip.c; for IPv4 the kernel fills the
 * identification (raw(7), IP_HDRINCL).
 */
#include "spoof.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "udpip.h"
#include "wbuf.h"

#ifndef IPV6_HDRINCL
#define IPV6_HDRINCL 36                 /* Linux 4.5; older libc headers lack it. */
#endif

#define SPOOF_MAX 65535

struct spoof {
    int fd4, fd6;
    uint64_t sent, failed;
    uint8_t pkt[SPOOF_MAX];
};

static int
spoof_socket(int family, int level, int opt, char *err, size_t errlen)
{
    int fd = socket(family, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW), on = 1;

    if (fd < 0 || setsockopt(fd, level, opt, &on, sizeof(on)) != 0) {
        int e = errno;

        snprintf(err, errlen, "-S: raw %s socket: %s%s", family == AF_INET ? "IPv4" : "IPv6",
            strerror(e), e == EPERM ? " (needs CAP_NET_RAW)" : "");
        if (fd >= 0)
            close(fd);
        return -e;
    }
    return fd;
}

int
spoof_open(struct spoof **out, char *err, size_t errlen)
{
    struct spoof *s = calloc(1, sizeof(*s));

    *out = NULL;
    if (s == NULL) {
        snprintf(err, errlen, "out of memory");
        return ENOMEM;
    }
    s->fd4 = spoof_socket(AF_INET, IPPROTO_IP, IP_HDRINCL, err, errlen);
    if (s->fd4 < 0) {
        int e = -s->fd4;

        free(s);
        return e;
    }
    /* A host without IPv6 still spoofs IPv4. */
    s->fd6 = spoof_socket(AF_INET6, IPPROTO_IPV6, IPV6_HDRINCL, err, errlen);
    *out = s;
    return 0;
}

int
spoof_send(struct spoof *s, const struct sflow_addr *src, uint16_t sport,
    const struct sockaddr *dst, const void *payload, size_t len)
{
    int v6 = dst->sa_family == AF_INET6, fd = v6 ? s->fd6 : s->fd4;
    struct sockaddr_storage to;
    const uint8_t *daddr;
    struct wbuf w;
    uint16_t dport;

    if (src->type != (v6 ? SFLOW_ADDR_IP6 : SFLOW_ADDR_IP4) || fd < 0 ||
        (dst->sa_family != AF_INET && !v6))
        return EAFNOSUPPORT;
    if (v6) {
        daddr = ((const struct sockaddr_in6 *)(const void *)dst)->sin6_addr.s6_addr;
        dport = ntohs(((const struct sockaddr_in6 *)(const void *)dst)->sin6_port);
    } else {
        daddr = (const uint8_t *)&((const struct sockaddr_in *)(const void *)dst)->sin_addr;
        dport = ntohs(((const struct sockaddr_in *)(const void *)dst)->sin_port);
    }
    wbuf_init(&w, s->pkt, sizeof(s->pkt));
    if (udpip_build(&w, v6, src->a, daddr, sport, dport, payload, len) != 0)
        return EMSGSIZE;
    /* The port is in the UDP header; a raw socket wants none in the address. */
    memset(&to, 0, sizeof(to));
    memcpy(&to, dst, v6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in));
    if (v6)
        ((struct sockaddr_in6 *)&to)->sin6_port = 0;
    else
        ((struct sockaddr_in *)&to)->sin_port = 0;
    if (sendto(fd, w.base, w.size, 0, (struct sockaddr *)&to, v6 ?
        sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in)) < 0) {
        s->failed++;
        return errno;
    }
    s->sent++;
    return 0;
}

void
spoof_counts(const struct spoof *s, uint64_t *sent, uint64_t *failed)
{
    *sent = s->sent;
    *failed = s->failed;
}

void
spoof_close(struct spoof *s)
{
    if (s == NULL)
        return;
    close(s->fd4);
    if (s->fd6 >= 0)
        close(s->fd6);
    free(s);
}
