/*
 * spoof: UDP with the agent's source address; see spoof.h.
 *
 * The packet is built in one buffer with the convert/ writer:
 *   IPv4 (RFC 791): 20-byte header, no options; the kernel fills the
 *   identification and the header checksum (raw(7), IP_HDRINCL).
 *   IPv6 (RFC 8200): 40-byte header.
 *   UDP (RFC 768): checksum over the pseudo-header, mandatory for IPv6
 *   (RFC 8200 section 8.1), sent for IPv4 too.
 */
#include "spoof.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* One's complement sum of 'n' bytes at 'p' added to 'sum'. */
static uint32_t
spoof_sum(const uint8_t *p, size_t n, uint32_t sum)
{
    size_t i;

    for (i = 0; i + 1 < n; i += 2)
        sum += (uint32_t)p[i] << 8 | p[i + 1];
    if (n & 1)
        sum += (uint32_t)p[n - 1] << 8;
    return sum;
}

static uint16_t
spoof_fold(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    sum = ~sum & 0xffff;
    return sum == 0 ? 0xffff : (uint16_t)sum;   /* 0 means "no checksum" in UDP. */
}

int
spoof_send(struct spoof *s, const struct sflow_addr *src, uint16_t sport,
    const struct sockaddr *dst, const void *payload, size_t len)
{
    int v6 = dst->sa_family == AF_INET6, fd = v6 ? s->fd6 : s->fd4;
    size_t alen = v6 ? 16 : 4, udp_at, ulen = 8 + len;
    struct sockaddr_storage to;
    const uint8_t *daddr;
    struct wbuf w;
    uint16_t dport;
    uint32_t sum;

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
    if (v6) {
        wbuf_put_u32(&w, 6u << 28);
        wbuf_put_u16(&w, (uint16_t)ulen);
        wbuf_put_u8(&w, IPPROTO_UDP);
        wbuf_put_u8(&w, 64);
    } else {
        wbuf_put_u8(&w, 0x45);
        wbuf_put_u8(&w, 0);
        wbuf_put_u16(&w, (uint16_t)(20 + ulen));
        wbuf_put_u32(&w, 0);            /* id and fragment: the kernel's */
        wbuf_put_u8(&w, 64);
        wbuf_put_u8(&w, IPPROTO_UDP);
        wbuf_put_u16(&w, 0);            /* checksum: the kernel's */
    }
    wbuf_put_bytes(&w, src->a, alen);
    wbuf_put_bytes(&w, daddr, alen);
    udp_at = w.size;
    wbuf_put_u16(&w, sport);
    wbuf_put_u16(&w, dport);
    wbuf_put_u16(&w, (uint16_t)ulen);
    wbuf_put_u16(&w, 0);
    wbuf_put_bytes(&w, payload, len);
    if (w.error || ulen > 0xffff)
        return EMSGSIZE;
    /* Pseudo-header (addresses, protocol, UDP length), then the datagram. */
    sum = spoof_sum(src->a, alen, 0);
    sum = spoof_sum(daddr, alen, sum);
    sum += IPPROTO_UDP + (uint32_t)ulen;
    sum = spoof_sum(w.base + udp_at, ulen, sum);
    wbuf_patch_u16(&w, udp_at + 6, spoof_fold(sum));
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
