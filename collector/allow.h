/*
 * allow: the agents sflowcollect accepts datagrams from (--allow CIDR,
 * repeatable), IPv4 and IPv6 networks.  sFlow carries no authentication,
 * so the sender's address is all there is to tell an agent from anyone
 * else who can send UDP; datagrams from elsewhere are dropped before they
 * are decoded.
 */
#ifndef SFK_ALLOW_H
#define SFK_ALLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ALLOW_MAX 64

struct allow_net {
    uint8_t ver;                /* 4 or 6. */
    uint8_t prefix;             /* Bits that must match. */
    uint8_t addr[16];           /* Host bits cleared. */
};

struct allow {
    struct allow_net nets[ALLOW_MAX];
    size_t n;                   /* 0: every sender is allowed. */
};

/*
 * Adds 'cidr' ("192.0.2.0/24", "2001:db8::/32", or one address) to 'a'.
 * An IPv4-mapped IPv6 network is stored as IPv4.  Returns 0, or -1 with a
 * message in 'err'.
 */
int allow_add(struct allow *a, const char *cidr, char *err, size_t errlen);

/* Whether the address 'addr' (4 bytes if 'ver' is 4, else 16) is allowed. */
bool allow_match(const struct allow *a, int ver, const uint8_t *addr);

#endif /* SFK_ALLOW_H */
