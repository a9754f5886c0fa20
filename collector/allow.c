/* allow: the --allow list of agent networks; see allow.h. */
#include "allow.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const uint8_t v4_mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

/* Whether the first 'bits' bits of 'x' and 'y' are equal. */
static bool
prefix_equal(const uint8_t *x, const uint8_t *y, unsigned int bits)
{
    unsigned int whole = bits / 8, rest = bits % 8;

    if (memcmp(x, y, whole) != 0)
        return false;
    return rest == 0 || ((x[whole] ^ y[whole]) & (0xff << (8 - rest)) & 0xff) == 0;
}

int
allow_add(struct allow *a, const char *cidr, char *err, size_t errlen)
{
    struct allow_net net;
    char host[INET6_ADDRSTRLEN + 1], *end;
    const char *slash = strchr(cidr, '/');
    size_t hlen = slash ? (size_t)(slash - cidr) : strlen(cidr);
    unsigned int i, max;
    long bits;

    if (a->n == ALLOW_MAX) {
        snprintf(err, errlen, "--allow: at most %d networks", ALLOW_MAX);
        return -1;
    }
    memset(&net, 0, sizeof(net));
    if (hlen >= sizeof(host))
        goto bad;
    memcpy(host, cidr, hlen);
    host[hlen] = '\0';
    if (inet_pton(AF_INET, host, net.addr) == 1)
        net.ver = 4;
    else if (inet_pton(AF_INET6, host, net.addr) == 1)
        net.ver = 6;
    else
        goto bad;
    max = net.ver == 4 ? 32 : 128;
    bits = max;
    if (slash != NULL) {
        errno = 0;
        bits = strtol(slash + 1, &end, 10);
        if (errno || slash[1] == '\0' || *end != '\0' || bits < 0 || bits > (long)max)
            goto bad;
    }
    if (net.ver == 6 && bits >= 96 && memcmp(net.addr, v4_mapped, 12) == 0) {
        memmove(net.addr, net.addr + 12, 4);
        memset(net.addr + 4, 0, 12);
        net.ver = 4;
        bits -= 96;
    }
    net.prefix = (uint8_t)bits;
    /* Clear the host bits, so that 10.1.2.3/8 means 10.0.0.0/8. */
    for (i = (unsigned int)bits; i < 128; i++)
        net.addr[i / 8] &= (uint8_t)~(0x80 >> (i % 8));
    a->nets[a->n++] = net;
    return 0;
bad:
    snprintf(err, errlen, "--allow: '%s' is not an IPv4 or IPv6 network (ADDR or ADDR/BITS)",
        cidr);
    return -1;
}

bool
allow_match(const struct allow *a, int ver, const uint8_t *addr)
{
    size_t i;

    if (ver == 6 && memcmp(addr, v4_mapped, 12) == 0) {
        addr += 12;
        ver = 4;
    }
    for (i = 0; i < a->n; i++)
        if (a->nets[i].ver == ver && prefix_equal(a->nets[i].addr, addr, a->nets[i].prefix))
            return true;
    return false;
}
