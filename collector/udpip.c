/*
 * udpip: UDP over IPv4/IPv6 with checksums; see udpip.h.
 *
 *   IPv4: 20-byte header, no options, DF clear, TTL 64, its checksum.
 *   IPv6: 40-byte header, hop limit 64.
 *   UDP: checksum over the pseudo-header (addresses, protocol, length),
 *   mandatory for IPv6 (RFC 8200 section 8.1), sent for IPv4 too.
 */
#include "udpip.h"

#include <errno.h>
#include <netinet/in.h>

/* One's complement sum of 'n' bytes at 'p' added to 'sum'. */
static uint32_t
udpip_sum(const uint8_t *p, size_t n, uint32_t sum)
{
    size_t i;

    for (i = 0; i + 1 < n; i += 2)
        sum += (uint32_t)p[i] << 8 | p[i + 1];
    if (n & 1)
        sum += (uint32_t)p[n - 1] << 8;
    return sum;
}

static uint16_t
udpip_fold(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

int
udpip_build(struct wbuf *w, int v6, const uint8_t *src, const uint8_t *dst,
    uint16_t sport, uint16_t dport, const void *payload, size_t len)
{
    size_t alen = v6 ? 16 : 4, ip_at = w->size, udp_at, ulen = 8 + len;
    uint16_t csum;

    if (ulen > 0xffff || (!v6 && ulen + 20 > 0xffff))
        return EMSGSIZE;
    if (v6) {
        wbuf_put_u32(w, 6u << 28);
        wbuf_put_u16(w, (uint16_t)ulen);
        wbuf_put_u8(w, IPPROTO_UDP);
        wbuf_put_u8(w, 64);
    } else {
        wbuf_put_u8(w, 0x45);
        wbuf_put_u8(w, 0);
        wbuf_put_u16(w, (uint16_t)(20 + ulen));
        wbuf_put_u32(w, 0);             /* identification, flags, fragment offset */
        wbuf_put_u8(w, 64);
        wbuf_put_u8(w, IPPROTO_UDP);
        wbuf_put_u16(w, 0);
    }
    wbuf_put_bytes(w, src, alen);
    wbuf_put_bytes(w, dst, alen);
    udp_at = w->size;
    wbuf_put_u16(w, sport);
    wbuf_put_u16(w, dport);
    wbuf_put_u16(w, (uint16_t)ulen);
    wbuf_put_u16(w, 0);
    wbuf_put_bytes(w, payload, len);
    if (w->error)
        return EMSGSIZE;
    if (!v6)
        wbuf_patch_u16(w, ip_at + 10, udpip_fold(udpip_sum(w->base + ip_at, 20, 0)));
    csum = udpip_fold(udpip_sum(w->base + udp_at, ulen,
        udpip_sum(dst, alen, udpip_sum(src, alen, IPPROTO_UDP + (uint32_t)ulen))));
    /* 0 means "no checksum" in UDP: a computed 0 is sent as all ones. */
    wbuf_patch_u16(w, udp_at + 6, csum == 0 ? 0xffff : csum);
    return 0;
}
