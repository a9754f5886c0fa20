/* fwd_guard: forwarding loop guard; see fwd_guard.h. */
#include "fwd_guard.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netdb.h>
#include <netinet/in.h>
#include <string.h>

#include "forward_hash.h"

/* An IP address reduced to 4 bytes (IPv4, IPv4-mapped too) or 16. */
struct ip {
    int ver;                    /* 4, 6, or 0: not IP. */
    uint8_t a[16];
};

static struct ip
ip_of(const struct sockaddr *sa)
{
    struct ip ip = { 0, { 0 } };
    const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)(const void *)sa;

    if (sa->sa_family == AF_INET) {
        ip.ver = 4;
        memcpy(ip.a, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, 4);
    } else if (sa->sa_family == AF_INET6 && IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr)) {
        ip.ver = 4;
        memcpy(ip.a, &sin6->sin6_addr.s6_addr[12], 4);
    } else if (sa->sa_family == AF_INET6) {
        ip.ver = 6;
        memcpy(ip.a, &sin6->sin6_addr, 16);
    }
    return ip;
}

static bool
ip_equal(const struct ip *x, const struct ip *y)
{
    return x->ver != 0 && x->ver == y->ver && memcmp(x->a, y->a, x->ver == 4 ? 4 : 16) == 0;
}

/* 0.0.0.0, ::, 127.0.0.0/8 and ::1 all reach this host. */
static bool
ip_is_this_host(const struct ip *ip)
{
    static const uint8_t zero[16], one6[16] = { [15] = 1 };

    if (ip->ver == 4)
        return ip->a[0] == 127 || memcmp(ip->a, zero, 4) == 0;
    return memcmp(ip->a, zero, 16) == 0 || memcmp(ip->a, one6, 16) == 0;
}

static bool
ip_is_local(const struct ip *ip)
{
    struct ifaddrs *ifs, *i;
    bool found = false;

    if (ip_is_this_host(ip))
        return true;
    if (getifaddrs(&ifs) != 0)
        return false;
    for (i = ifs; i != NULL && !found; i = i->ifa_next) {
        struct ip mine;

        if (i->ifa_addr == NULL)
            continue;
        mine = ip_of(i->ifa_addr);
        found = ip_equal(&mine, ip);
    }
    freeifaddrs(ifs);
    return found;
}

bool
fwd_guard_is_self(const struct config *cfg, const struct sockaddr *sa)
{
    struct addrinfo hints, *res, *ai;
    struct ip to = ip_of(sa), bound;
    uint16_t port = sa->sa_family == AF_INET ?
        ntohs(((const struct sockaddr_in *)(const void *)sa)->sin_port) :
        ntohs(((const struct sockaddr_in6 *)(const void *)sa)->sin6_port);
    bool self = false;

    if (cfg->file != NULL || port != cfg->port || to.ver == 0)
        return false;
    /* -4 does not hear IPv6, -6 (IPv6 only) does not hear IPv4. */
    if ((cfg->family == AF_INET && to.ver == 6) || (cfg->family == AF_INET6 && to.ver == 4))
        return false;
    if (cfg->bind_addr == NULL)
        return ip_is_local(&to);
    memset(&hints, 0, sizeof(hints));
    hints.ai_socktype = SOCK_DGRAM;
    hints.ai_flags = AI_PASSIVE;
    if (getaddrinfo(cfg->bind_addr, NULL, &hints, &res) != 0)
        return false;           /* The bind fails later with its own message. */
    for (ai = res; ai != NULL && !self; ai = ai->ai_next) {
        bound = ip_of(ai->ai_addr);
        if (bound.ver != 0 && memcmp(bound.a, (uint8_t[16]){ 0 }, bound.ver == 4 ? 4 : 16) == 0)
            self = ip_is_local(&to);        /* -b 0.0.0.0 or -b ::, a wildcard. */
        else
            self = ip_equal(&bound, &to);
    }
    freeaddrinfo(res);
    return self;
}

bool
fwd_guard_seen(struct fwd_guard *g, const uint8_t *raw, size_t len,
    const struct sflow_datagram *dg)
{
    uint64_t h = 1469598103934665603ull, *slot;
    uint32_t w[5];

    if (dg->stage >= 2) {
        w[0] = dg->agent.type;
        w[1] = dg->sub_agent_id;
        w[2] = dg->seq;
        w[3] = dg->uptime;
        w[4] = (uint32_t)len;
        h = forward_hash_fnv(forward_hash_fnv(h, dg->agent.a, sizeof(dg->agent.a)), w,
            sizeof(w));
    } else {
        w[0] = (uint32_t)len;
        h = forward_hash_fnv(forward_hash_fnv(h, w, 4), raw, len < 64 ? len : 64);
    }
    h |= 1;                     /* 0 marks an empty slot. */
    slot = &g->slot[(h ^ h >> 29) & (FWD_GUARD_SLOTS - 1)];
    if (*slot == h)
        return true;
    *slot = h;
    return false;
}
