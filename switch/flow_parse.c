/*
 * flow_parse: ovs-ofctl flow syntax to struct flow_rule and back; see
 * flow_parse.h.
 *
 * Every match field and every set_field/mod_* action goes through one
 * table of fields: where the field lives in struct flow_key, which bits
 * of it, how its value is written, what it needs in the match.  A value
 * (and mask) is turned into bytes of the key once, so matching and
 * rewriting never look at names again.
 */
#include "flow_parse.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define ETH_IP 0x0800
#define ETH_ARP 0x0806
#define ETH_IP6 0x86dd
#define ETH_VLAN 0x8100

static int __attribute__((__format__(printf, 3, 4)))
fail(char *err, size_t errsz, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(err, errsz, fmt, ap);
    va_end(ap);
    return EINVAL;
}

/* ---- the fields ---- */

enum fmt { FMT_DEC, FMT_HEX, FMT_MAC, FMT_IP4, FMT_IP6, FMT_PORT, FMT_TCP_FLAGS };

/* What a field needs in the match (OpenFlow's prerequisites). */
enum prereq {
    PR_NONE, PR_IP_ARP, PR_IP_ANY, PR_IP_ANY_ARP, PR_ARP, PR_IP6, PR_L4, PR_TCP, PR_ICMP, PR_ND,
};

enum field_id {
    F_IN_PORT, F_DL_SRC, F_DL_DST, F_DL_TYPE, F_VLAN_TCI, F_DL_VLAN, F_DL_VLAN_PCP,
    F_NW_SRC, F_NW_DST, F_ARP_SPA, F_ARP_TPA, F_ARP_OP, F_ARP_SHA, F_ARP_THA,
    F_NW_PROTO, F_NW_TOS, F_IP_DSCP, F_NW_ECN, F_NW_TTL,
    F_IPV6_SRC, F_IPV6_DST, F_IPV6_LABEL, F_ND_TARGET,
    F_TP_SRC, F_TP_DST, F_ICMP_TYPE, F_ICMP_CODE, F_TCP_FLAGS, F_METADATA,
    F_REG0, F_REG1, F_REG2, F_REG3, F_REG4, F_REG5, F_REG6, F_REG7,
    F_COUNT
};

struct field {
    const char *name;
    uint16_t off;               /* In struct flow_key. */
    uint8_t size;               /* 1, 2, 4 or 8 (a host-order number), 6 (MAC), 16 (IPv6). */
    uint8_t fmt;                /* enum fmt */
    uint8_t prereq;             /* enum prereq */
    uint8_t shift;              /* Numbers: the value sits this far up in 'bits'. */
    bool maskable;
    bool settable;              /* By set_field (the datapath can write it). */
    uint64_t bits;              /* Numbers: the bits of the storage it covers. */
    uint64_t implied;           /* Bits it also sets, in value and mask (a VLAN's "present"). */
    const char *mod;            /* Its mod_* action, if it has one. */
};

#define KOFF(f) ((uint16_t)offsetof(struct flow_key, f))
#define REG(n) { "reg" #n, KOFF(regs[n]), 4, FMT_HEX, PR_NONE, 0, true, true, 0xffffffffu, 0, NULL }

static const struct field fields[F_COUNT] = {
    [F_IN_PORT] = { "in_port", KOFF(in_port), 2, FMT_PORT, PR_NONE, 0, false, false, 0xffff, 0, NULL },
    [F_DL_SRC] = { "dl_src", KOFF(dl_src), 6, FMT_MAC, PR_NONE, 0, true, true, 0, 0, "mod_dl_src" },
    [F_DL_DST] = { "dl_dst", KOFF(dl_dst), 6, FMT_MAC, PR_NONE, 0, true, true, 0, 0, "mod_dl_dst" },
    [F_DL_TYPE] = { "dl_type", KOFF(dl_type), 2, FMT_HEX, PR_NONE, 0, false, false, 0xffff, 0, NULL },
    [F_VLAN_TCI] = { "vlan_tci", KOFF(vlan_tci), 2, FMT_HEX, PR_NONE, 0, true, true, 0xffff, 0, NULL },
    [F_DL_VLAN] = { "dl_vlan", KOFF(vlan_tci), 2, FMT_DEC, PR_NONE, 0, false, true, 0x0fff,
        FLOW_TCI_PRESENT, "mod_vlan_vid" },
    [F_DL_VLAN_PCP] = { "dl_vlan_pcp", KOFF(vlan_tci), 2, FMT_DEC, PR_NONE, 13, false, true, 0xe000,
        FLOW_TCI_PRESENT, "mod_vlan_pcp" },
    [F_NW_SRC] = { "nw_src", KOFF(nw_src), 4, FMT_IP4, PR_IP_ARP, 0, true, true, 0xffffffffu, 0, "mod_nw_src" },
    [F_NW_DST] = { "nw_dst", KOFF(nw_dst), 4, FMT_IP4, PR_IP_ARP, 0, true, true, 0xffffffffu, 0, "mod_nw_dst" },
    [F_ARP_SPA] = { "arp_spa", KOFF(nw_src), 4, FMT_IP4, PR_ARP, 0, true, true, 0xffffffffu, 0, NULL },
    [F_ARP_TPA] = { "arp_tpa", KOFF(nw_dst), 4, FMT_IP4, PR_ARP, 0, true, true, 0xffffffffu, 0, NULL },
    [F_ARP_OP] = { "arp_op", KOFF(nw_proto), 1, FMT_DEC, PR_ARP, 0, false, true, 0xff, 0, NULL },
    [F_ARP_SHA] = { "arp_sha", KOFF(arp_sha), 6, FMT_MAC, PR_ARP, 0, true, true, 0, 0, NULL },
    [F_ARP_THA] = { "arp_tha", KOFF(arp_tha), 6, FMT_MAC, PR_ARP, 0, true, true, 0, 0, NULL },
    [F_NW_PROTO] = { "nw_proto", KOFF(nw_proto), 1, FMT_DEC, PR_IP_ANY_ARP, 0, false, false, 0xff, 0, NULL },
    [F_NW_TOS] = { "nw_tos", KOFF(nw_tos), 1, FMT_DEC, PR_IP_ANY, 0, false, true, 0xfc, 0, "mod_nw_tos" },
    [F_IP_DSCP] = { "ip_dscp", KOFF(nw_tos), 1, FMT_DEC, PR_IP_ANY, 2, false, true, 0xfc, 0, NULL },
    [F_NW_ECN] = { "nw_ecn", KOFF(nw_tos), 1, FMT_DEC, PR_IP_ANY, 0, false, true, 0x03, 0, "mod_nw_ecn" },
    [F_NW_TTL] = { "nw_ttl", KOFF(nw_ttl), 1, FMT_DEC, PR_IP_ANY, 0, false, true, 0xff, 0, "mod_nw_ttl" },
    [F_IPV6_SRC] = { "ipv6_src", KOFF(ipv6_src), 16, FMT_IP6, PR_IP6, 0, true, true, 0, 0, NULL },
    [F_IPV6_DST] = { "ipv6_dst", KOFF(ipv6_dst), 16, FMT_IP6, PR_IP6, 0, true, true, 0, 0, NULL },
    [F_IPV6_LABEL] = { "ipv6_label", KOFF(ipv6_label), 4, FMT_HEX, PR_IP6, 0, true, true, 0xfffff, 0, NULL },
    [F_ND_TARGET] = { "nd_target", KOFF(nd_target), 16, FMT_IP6, PR_ND, 0, true, true, 0, 0, NULL },
    [F_TP_SRC] = { "tp_src", KOFF(tp_src), 2, FMT_DEC, PR_L4, 0, true, true, 0xffff, 0, "mod_tp_src" },
    [F_TP_DST] = { "tp_dst", KOFF(tp_dst), 2, FMT_DEC, PR_L4, 0, true, true, 0xffff, 0, "mod_tp_dst" },
    [F_ICMP_TYPE] = { "icmp_type", KOFF(tp_src), 2, FMT_DEC, PR_ICMP, 0, true, true, 0xffff, 0, NULL },
    [F_ICMP_CODE] = { "icmp_code", KOFF(tp_dst), 2, FMT_DEC, PR_ICMP, 0, true, true, 0xffff, 0, NULL },
    [F_TCP_FLAGS] = { "tcp_flags", KOFF(tcp_flags), 2, FMT_TCP_FLAGS, PR_TCP, 0, true, false, 0x0fff, 0, NULL },
    [F_METADATA] = { "metadata", KOFF(metadata), 8, FMT_HEX, PR_NONE, 0, true, true, UINT64_MAX, 0, NULL },
    [F_REG0] = REG(0), [F_REG1] = REG(1), [F_REG2] = REG(2), [F_REG3] = REG(3),
    [F_REG4] = REG(4), [F_REG5] = REG(5), [F_REG6] = REG(6), [F_REG7] = REG(7),
};

_Static_assert(F_COUNT <= 64, "fields fit a 64-bit set");

/* Other names ovs-ofctl accepts for the same fields (OXM names mostly). */
static const struct { const char *name; enum field_id id; } aliases[] = {
    { "eth_src", F_DL_SRC }, { "eth_dst", F_DL_DST }, { "eth_type", F_DL_TYPE },
    { "vlan_vid", F_DL_VLAN }, { "vlan_pcp", F_DL_VLAN_PCP },
    { "ip_src", F_NW_SRC }, { "ip_dst", F_NW_DST }, { "ipv4_src", F_NW_SRC }, { "ipv4_dst", F_NW_DST },
    { "ip_proto", F_NW_PROTO }, { "ip_ecn", F_NW_ECN }, { "nw_tos_dscp", F_IP_DSCP },
    { "tcp_src", F_TP_SRC }, { "tcp_dst", F_TP_DST }, { "udp_src", F_TP_SRC }, { "udp_dst", F_TP_DST },
    { "sctp_src", F_TP_SRC }, { "sctp_dst", F_TP_DST },
    { "icmpv4_type", F_ICMP_TYPE }, { "icmpv4_code", F_ICMP_CODE },
    { "icmpv6_type", F_ICMP_TYPE }, { "icmpv6_code", F_ICMP_CODE },
};

static int
find_field(const char *name)
{
    for (int i = 0; i < F_COUNT; i++)
        if (strcmp(fields[i].name, name) == 0)
            return i;
    for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
        if (strcmp(aliases[i].name, name) == 0)
            return (int)aliases[i].id;
    return -1;
}

/* ---- values: text <-> key bytes ---- */

static uint64_t
get_num(const uint8_t *p, size_t size)
{
    uint8_t u8;
    uint16_t u16;
    uint32_t u32;
    uint64_t u64;

    switch (size) {
    case 1: memcpy(&u8, p, 1); return u8;
    case 2: memcpy(&u16, p, 2); return u16;
    case 4: memcpy(&u32, p, 4); return u32;
    default: memcpy(&u64, p, 8); return u64;
    }
}

static void
put_num(uint8_t *p, size_t size, uint64_t v)
{
    uint8_t u8 = (uint8_t)v;
    uint16_t u16 = (uint16_t)v;
    uint32_t u32 = (uint32_t)v;

    switch (size) {
    case 1: memcpy(p, &u8, 1); break;
    case 2: memcpy(p, &u16, 2); break;
    case 4: memcpy(p, &u32, 4); break;
    default: memcpy(p, &v, 8); break;
    }
}

/* Unsigned number (decimal, or hex with 0x) no larger than 'max'; 0 or EINVAL. */
static int
parse_uint(const char *s, uint64_t max, uint64_t *out)
{
    char *end;
    unsigned long long v;

    if (*s < '0' || *s > '9')
        return EINVAL;
    errno = 0;
    v = strtoull(s, &end, 0);
    if (errno != 0 || *end != '\0' || v > max)
        return EINVAL;
    *out = v;
    return 0;
}

static int
parse_mac(const char *s, uint8_t mac[6])
{
    unsigned v[6];
    int n = 0;

    if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%n", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &n) != 6 ||
        s[n] != '\0' || n != 17)
        return EINVAL;
    for (int i = 0; i < 6; i++)
        mac[i] = (uint8_t)v[i];
    return 0;
}

/* The first 'len' bits of 'n' bytes at 'mask' set, the rest clear. */
static void
prefix_bytes(uint8_t *mask, size_t n, unsigned len)
{
    for (size_t i = 0; i < n; i++, len = len >= 8 ? len - 8 : 0)
        mask[i] = len >= 8 ? 0xff : (uint8_t)(0xff00 >> len);
}

static const char *const tcp_flag_names[12] = {
    "fin", "syn", "rst", "psh", "ack", "urg", "ece", "cwr", "ns", "[200]", "[400]", "[800]",
};

static int
tcp_flag_bit(const char *s, size_t n)
{
    for (int i = 0; i < 12; i++)
        if (strlen(tcp_flag_names[i]) == n && strncmp(tcp_flag_names[i], s, n) == 0)
            return i;
    return -1;
}

/* "+syn-ack" (value and mask) or "syn|ack" (all flags given); 0 or EINVAL. */
static int
parse_tcp_flags(const char *s, uint64_t *v, uint64_t *m)
{
    bool signs = *s == '+' || *s == '-';

    *v = *m = 0;
    if (!signs)
        *m = 0xfff;
    while (*s) {
        char sign = signs ? *s++ : '+';
        size_t n = strcspn(s, signs ? "+-" : "|");
        int bit = tcp_flag_bit(s, n);

        if (bit < 0 || (signs && (*m >> bit & 1)))
            return EINVAL;
        if (signs)
            *m |= 1u << bit;
        if (sign == '+')
            *v |= 1u << bit;
        s += n;
        if (!signs && *s == '|' && *++s == '\0')
            return EINVAL;
    }
    return 0;
}

/*
 * A number field's "V" or "V/M" into 'val'/'mask' (key bytes at the
 * field's storage); the value and mask are as wide as the field.
 */
static int
parse_number(const struct field *f, const char *s, uint8_t *val, uint8_t *mask)
{
    char buf[64];
    char *slash;
    uint64_t full = f->bits >> f->shift, v, m = full;

    if (strlen(s) >= sizeof(buf))
        return EINVAL;
    strcpy(buf, s);
    slash = strchr(buf, '/');
    if (slash != NULL) {
        *slash++ = '\0';
        if (!f->maskable || parse_uint(slash, full, &m) != 0)
            return EINVAL;
    }
    if (f->fmt == FMT_TCP_FLAGS && (buf[0] < '0' || buf[0] > '9')) {
        if (slash != NULL || parse_tcp_flags(buf, &v, &m) != 0)
            return EINVAL;
    } else if (parse_uint(buf, full, &v) != 0) {
        return EINVAL;
    }
    put_num(val, f->size, ((v & m) << f->shift | f->implied));
    put_num(mask, f->size, (m << f->shift | f->implied));
    return 0;
}

/* "a.b.c.d", with "/len" or "/m.m.m.m" (any mask); host-order number bytes. */
static int
parse_ip4(const char *s, uint8_t *val, uint8_t *mask, bool maskable)
{
    char buf[64];
    char *slash;
    struct in_addr a, ma;
    uint32_t m = 0xffffffffu;
    uint64_t l;

    if (strlen(s) >= sizeof(buf))
        return EINVAL;
    strcpy(buf, s);
    slash = strchr(buf, '/');
    if (slash != NULL) {
        *slash++ = '\0';
        if (!maskable)
            return EINVAL;
        if (strchr(slash, '.') != NULL) {
            if (inet_pton(AF_INET, slash, &ma) != 1)
                return EINVAL;
            m = ntohl(ma.s_addr);
        } else if (parse_uint(slash, 32, &l) == 0) {
            m = l == 0 ? 0 : 0xffffffffu << (32 - l);
        } else {
            return EINVAL;
        }
    }
    if (inet_pton(AF_INET, buf, &a) != 1)
        return EINVAL;
    put_num(val, 4, ntohl(a.s_addr) & m);
    put_num(mask, 4, m);
    return 0;
}

/* An IPv6 address, with "/len" or "/mask-address". */
static int
parse_ip6(const char *s, uint8_t *val, uint8_t *mask, bool maskable)
{
    char buf[INET6_ADDRSTRLEN * 2 + 2];
    char *slash;
    uint64_t l;

    if (strlen(s) >= sizeof(buf))
        return EINVAL;
    strcpy(buf, s);
    memset(mask, 0xff, 16);
    slash = strchr(buf, '/');
    if (slash != NULL) {
        *slash++ = '\0';
        if (!maskable)
            return EINVAL;
        if (strchr(slash, ':') != NULL) {
            if (inet_pton(AF_INET6, slash, mask) != 1)
                return EINVAL;
        } else if (parse_uint(slash, 128, &l) == 0) {
            prefix_bytes(mask, 16, (unsigned)l);
        } else {
            return EINVAL;
        }
    }
    if (inet_pton(AF_INET6, buf, val) != 1)
        return EINVAL;
    for (int i = 0; i < 16; i++)
        val[i] &= mask[i];
    return 0;
}

static int
parse_mac_masked(const char *s, uint8_t *val, uint8_t *mask, bool maskable)
{
    char buf[40];
    char *slash;

    if (strlen(s) >= sizeof(buf))
        return EINVAL;
    strcpy(buf, s);
    memset(mask, 0xff, 6);
    slash = strchr(buf, '/');
    if (slash != NULL) {
        *slash++ = '\0';
        if (!maskable || parse_mac(slash, mask) != 0)
            return EINVAL;
    }
    if (parse_mac(buf, val) != 0)
        return EINVAL;
    for (int i = 0; i < 6; i++)
        val[i] &= mask[i];
    return 0;
}

/* A port number 1-0xfeff, or LOCAL. */
static int
parse_port(const char *s, uint16_t *port)
{
    uint64_t v;

    if (strcasecmp(s, "LOCAL") == 0) {
        *port = FLOW_PORT_LOCAL;
        return 0;
    }
    if (parse_uint(s, 0xfeff, &v) != 0 || v == 0)
        return EINVAL;
    *port = (uint16_t)v;
    return 0;
}

/* Field 'f''s value text 's' into key bytes 'val' and 'mask' ('f->size' of each). */
static int
parse_value(const struct field *f, const char *s, uint8_t *val, uint8_t *mask)
{
    uint16_t port;

    switch (f->fmt) {
    case FMT_MAC:
        return parse_mac_masked(s, val, mask, f->maskable);
    case FMT_IP4:
        return parse_ip4(s, val, mask, f->maskable);
    case FMT_IP6:
        return parse_ip6(s, val, mask, f->maskable);
    case FMT_PORT:
        if (parse_port(s, &port) != 0)
            return EINVAL;
        put_num(val, 2, port);
        put_num(mask, 2, 0xffff);
        return 0;
    default:
        return parse_number(f, s, val, mask);
    }
}

/* ---- the match ---- */

/* What the parser learnt besides the rule: which fields were named. */
struct parse_state {
    uint64_t named;             /* Bits of enum field_id. */
    bool table_given;
};

static int
match_set(struct flow_match *m, const struct field *f, const uint8_t *val, const uint8_t *mask,
    char *err, size_t errsz)
{
    uint8_t *k = (uint8_t *)&m->key + f->off, *mk = (uint8_t *)&m->mask + f->off;

    for (size_t i = 0; i < f->size; i++)
        if ((mk[i] & mask[i] & (k[i] ^ val[i])) != 0)
            return fail(err, errsz, "%s: conflicts with an earlier field of this rule", f->name);
    for (size_t i = 0; i < f->size; i++) {
        k[i] = (uint8_t)((k[i] & ~mask[i]) | (val[i] & mask[i]));
        mk[i] |= mask[i];
    }
    return 0;
}

struct shorthand {
    const char *name;
    uint16_t dl_type;
    int nw_proto;               /* -1: none. */
};

/* The first name of a protocol is the one printed. */
static const struct shorthand shorthands[] = {
    { "ip", ETH_IP, -1 }, { "arp", ETH_ARP, -1 }, { "icmp", ETH_IP, 1 },
    { "tcp", ETH_IP, 6 }, { "udp", ETH_IP, 17 }, { "sctp", ETH_IP, 132 },
    { "ipv6", ETH_IP6, -1 }, { "tcp6", ETH_IP6, 6 }, { "udp6", ETH_IP6, 17 },
    { "icmp6", ETH_IP6, 58 }, { "sctp6", ETH_IP6, 132 }, { "icmpv6", ETH_IP6, 58 },
};

static const struct shorthand *
find_shorthand(const char *name)
{
    for (size_t i = 0; i < sizeof(shorthands) / sizeof(shorthands[0]); i++)
        if (strcmp(shorthands[i].name, name) == 0)
            return &shorthands[i];
    return NULL;
}

static int
set_shorthand(struct flow_match *m, const struct shorthand *sh, struct parse_state *ps,
    char *err, size_t errsz)
{
    uint8_t v[2], mk[2] = { 0xff, 0xff };
    int e;

    put_num(v, 2, sh->dl_type);
    if ((m->mask.dl_type && m->key.dl_type != sh->dl_type))
        return fail(err, errsz, "%s: conflicts with dl_type=0x%04x", sh->name, m->key.dl_type);
    if ((e = match_set(m, &fields[F_DL_TYPE], v, mk, err, errsz)) != 0)
        return e;
    if (sh->nw_proto >= 0) {
        uint8_t p = (uint8_t)sh->nw_proto, pm = 0xff;

        if (m->mask.nw_proto && m->key.nw_proto != p)
            return fail(err, errsz, "%s: conflicts with nw_proto=%u", sh->name, m->key.nw_proto);
        if ((e = match_set(m, &fields[F_NW_PROTO], &p, &pm, err, errsz)) != 0)
            return e;
        ps->named |= 1ull << F_NW_PROTO;
    }
    ps->named |= 1ull << F_DL_TYPE;
    return 0;
}

/* The protocols 'm' pins down, for prerequisites and for naming fields. */
struct proto {
    bool ip, ip6, arp;
    int nw_proto;               /* -1 if not matched. */
};

static struct proto
match_proto(const struct flow_match *m)
{
    struct proto p;
    bool t = m->mask.dl_type == 0xffff;

    p.ip = t && m->key.dl_type == ETH_IP;
    p.ip6 = t && m->key.dl_type == ETH_IP6;
    p.arp = t && m->key.dl_type == ETH_ARP;
    p.nw_proto = (p.ip || p.ip6) && m->mask.nw_proto == 0xff ? m->key.nw_proto : -1;
    return p;
}

static bool
is_icmp(const struct proto *p)
{
    return (p->ip && p->nw_proto == 1) || (p->ip6 && p->nw_proto == 58);
}

static bool
prereq_met(const struct flow_match *m, enum prereq pr)
{
    struct proto p = match_proto(m);
    int n = p.nw_proto;

    switch (pr) {
    case PR_NONE: return true;
    case PR_IP_ARP: return p.ip || p.arp;
    case PR_IP_ANY: return p.ip || p.ip6;
    case PR_IP_ANY_ARP: return p.ip || p.ip6 || p.arp;
    case PR_ARP: return p.arp;
    case PR_IP6: return p.ip6;
    case PR_L4: return n == 6 || n == 17 || n == 132 || is_icmp(&p);
    case PR_TCP: return n == 6;
    case PR_ICMP: return is_icmp(&p);
    case PR_ND:
        return p.ip6 && n == 58 && m->mask.tp_src == 0xffff &&
            (m->key.tp_src == 135 || m->key.tp_src == 136);
    }
    return false;
}

static const char *const prereq_hint[] = {
    [PR_NONE] = "", [PR_IP_ARP] = "add ip or arp", [PR_IP_ANY] = "add ip or ipv6",
    [PR_IP_ANY_ARP] = "add ip, ipv6 or arp", [PR_ARP] = "add arp", [PR_IP6] = "add ipv6",
    [PR_L4] = "add tcp, udp, sctp, icmp or their IPv6 forms", [PR_TCP] = "add tcp or tcp6",
    [PR_ICMP] = "add icmp or icmp6", [PR_ND] = "add icmp6,icmp_type=135 or 136",
};

static int
check_prereqs(const struct flow_match *m, uint64_t named, char *err, size_t errsz)
{
    struct proto p = match_proto(m);

    for (int i = 0; i < F_COUNT; i++)
        if ((named >> i & 1) && !prereq_met(m, fields[i].prereq))
            return fail(err, errsz, "%s: prerequisites not met (%s)", fields[i].name,
                prereq_hint[fields[i].prereq]);
    /* An ICMP type or code is one byte, whichever name set it. */
    if (is_icmp(&p) && (m->key.tp_src | m->key.tp_dst) > 0xff)
        return fail(err, errsz, "icmp_type/icmp_code: values are 0-255");
    return 0;
}

/* ---- actions ---- */

/* Splits 's' at commas and blanks outside parentheses; returns the next token or NULL. */
static char *
next_token(char **s)
{
    char *p = *s, *start;
    int depth = 0;

    while (*p == ',' || *p == ' ' || *p == '\t')
        p++;
    if (*p == '\0')
        return NULL;
    start = p;
    for (; *p; p++) {
        if (*p == '(')
            depth++;
        else if (*p == ')' && depth > 0)
            depth--;
        else if (depth == 0 && (*p == ',' || *p == ' ' || *p == '\t'))
            break;
    }
    if (*p)
        *p++ = '\0';
    *s = p;
    return start;
}

/* Actions of what the switch does not have: refused with the reason. */
static const struct { const char *name; const char *why; } refused[] = {
    { "controller", "there is no OpenFlow controller channel" },
    { "learn", "there is no OpenFlow controller channel (learn)" },
    { "ct", "connection tracking is not supported" },
    { "ct_clear", "connection tracking is not supported" },
    { "set_queue", "queues are not supported" },
    { "enqueue", "queues are not supported" },
};

static int
set_field_action(struct flow_action *fa, int id, const char *val, const char *what,
    char *err, size_t errsz)
{
    const struct field *f = &fields[id];

    if (!f->settable)
        return fail(err, errsz, "%s: %s cannot be set", what, f->name);
    fa->type = FA_SET_FIELD;
    fa->field = (uint8_t)id;
    fa->off = f->off;
    fa->len = f->size;
    if (parse_value(f, val, fa->val, fa->mask) != 0)
        return fail(err, errsz, "%s: bad value \"%s\" for %s", what, val, f->name);
    return 0;
}

/* "resubmit:P", "resubmit(P,T)", "resubmit(,T)". */
static int
parse_resubmit(const char *a, struct flow_action *fa, char *err, size_t errsz)
{
    char buf[64], *comma, *close;
    uint64_t v;

    fa->type = FA_RESUBMIT;
    fa->port = FLOW_PORT_IN;
    fa->table = FLOW_TABLE_ALL;
    if (a[8] == ':')
        return parse_port(a + 9, &fa->port) == 0 ? 0 :
            fail(err, errsz, "resubmit: bad port \"%s\"", a + 9);
    if (a[8] != '(' || strlen(a + 9) >= sizeof(buf))
        return fail(err, errsz, "resubmit: write resubmit:PORT or resubmit([PORT],[TABLE])");
    strcpy(buf, a + 9);
    close = strchr(buf, ')');
    comma = strchr(buf, ',');
    if (close == NULL || close[1] != '\0' || comma == NULL || comma > close)
        return fail(err, errsz, "resubmit: write resubmit:PORT or resubmit([PORT],[TABLE])");
    *comma = *close = '\0';
    if (buf[0] && strcasecmp(buf, "in_port") != 0 && parse_port(buf, &fa->port) != 0)
        return fail(err, errsz, "resubmit: bad port \"%s\"", buf);
    if (comma[1]) {
        if (parse_uint(comma + 1, FLOW_N_TABLES - 1, &v) != 0)
            return fail(err, errsz, "resubmit: bad table \"%s\" (0-%d)", comma + 1, FLOW_N_TABLES - 1);
        fa->table = (uint8_t)v;
    }
    if (fa->port == FLOW_PORT_IN && fa->table == FLOW_TABLE_ALL)
        return fail(err, errsz, "resubmit: give a port or a table");
    return 0;
}

static const struct { const char *name; enum flow_action_type type; } simple_actions[] = {
    { "normal", FA_NORMAL }, { "flood", FA_FLOOD }, { "all", FA_ALL }, { "in_port", FA_IN_PORT },
    { "strip_vlan", FA_STRIP_VLAN }, { "pop_vlan", FA_STRIP_VLAN }, { "dec_ttl", FA_DEC_TTL },
};

static int
parse_action(const char *a, struct flow_rule *r, char *err, size_t errsz)
{
    struct flow_action *fa;
    const char *arg = strchr(a, ':');
    char name[32];
    size_t nlen = strcspn(a, ":(");
    uint64_t v;
    int id;

    if (nlen >= sizeof(name))
        return fail(err, errsz, "unknown action \"%s\"", a);
    memcpy(name, a, nlen);
    name[nlen] = '\0';
    for (char *p = name; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    if (arg)
        arg++;
    for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
        if (strcmp(name, refused[i].name) == 0)
            return fail(err, errsz, "%s: not supported: %s", refused[i].name, refused[i].why);
    if (r->n_actions == FLOW_MAX_ACTIONS)
        return fail(err, errsz, "too many actions (at most %d)", FLOW_MAX_ACTIONS);
    if (r->n_actions > 0 && r->actions[r->n_actions - 1].type == FA_GOTO_TABLE)
        return fail(err, errsz, "goto_table must be the last action");
    fa = &r->actions[r->n_actions];
    memset(fa, 0, sizeof(*fa));
    for (size_t i = 0; i < sizeof(simple_actions) / sizeof(simple_actions[0]); i++) {
        if (strcmp(name, simple_actions[i].name) == 0 && a[nlen] == '\0') {
            fa->type = (uint8_t)simple_actions[i].type;
            r->n_actions++;
            return 0;
        }
    }
    if (a[nlen] == '\0' && parse_port(name, &fa->port) == 0) {
        fa->type = FA_OUTPUT;
    } else if (strcmp(name, "output") == 0 && arg) {
        if (strcasecmp(arg, "in_port") == 0)
            fa->type = FA_IN_PORT;
        else if (parse_port(arg, &fa->port) == 0)
            fa->type = FA_OUTPUT;
        else
            return fail(err, errsz, "output: bad port \"%s\"", arg);
    } else if (strcmp(name, "resubmit") == 0) {
        int e = parse_resubmit(a, fa, err, errsz);

        if (e != 0)
            return e;
    } else if (strcmp(name, "goto_table") == 0 && arg) {
        if (parse_uint(arg, FLOW_N_TABLES - 1, &v) != 0)
            return fail(err, errsz, "goto_table: bad table \"%s\" (0-%d)", arg, FLOW_N_TABLES - 1);
        fa->type = FA_GOTO_TABLE;
        fa->table = (uint8_t)v;
    } else if (strcmp(name, "push_vlan") == 0 && arg) {
        if (parse_uint(arg, 0xffff, &v) != 0 || v != ETH_VLAN)
            return fail(err, errsz, "push_vlan: only 0x8100 (802.1Q) tags, not \"%s\"", arg);
        fa->type = FA_PUSH_VLAN;
    } else if (strcmp(name, "set_field") == 0 && arg) {
        const char *to = strstr(arg, "->");
        char val[96];

        if (to == NULL || (size_t)(to - arg) >= sizeof(val))
            return fail(err, errsz, "set_field: write set_field:VALUE->FIELD");
        memcpy(val, arg, (size_t)(to - arg));
        val[to - arg] = '\0';
        if ((id = find_field(to + 2)) < 0)
            return fail(err, errsz, "set_field: unknown field \"%s\"", to + 2);
        if (set_field_action(fa, id, val, "set_field", err, errsz) != 0)
            return EINVAL;
    } else if (strncmp(name, "mod_", 4) == 0 && arg) {
        for (id = 0; id < F_COUNT; id++)
            if (fields[id].mod && strcmp(fields[id].mod, name) == 0)
                break;
        if (id == F_COUNT)
            return fail(err, errsz, "unknown action \"%s\"", a);
        if (fields[id].maskable && strchr(arg, '/') != NULL)
            return fail(err, errsz, "%s: no mask here (use set_field)", name);
        if (set_field_action(fa, id, arg, name, err, errsz) != 0)
            return EINVAL;
    } else {
        return fail(err, errsz, "unknown action \"%s\"", a);
    }
    r->n_actions++;
    return 0;
}

static int
parse_actions(char *s, struct flow_rule *r, char *err, size_t errsz)
{
    char *tok;
    bool drop = false;
    size_t n = 0;

    while ((tok = next_token(&s)) != NULL) {
        int e;

        n++;
        if (strcasecmp(tok, "drop") == 0) {
            drop = true;
            continue;
        }
        if ((e = parse_action(tok, r, err, errsz)) != 0)
            return e;
    }
    if (drop && n > 1)
        return fail(err, errsz, "drop must be the only action");
    return 0;
}

/* What the actions need of the match, and the tables they go to. */
static int
check_actions(const struct flow_rule *r, char *err, size_t errsz)
{
    for (size_t i = 0; i < r->n_actions; i++) {
        const struct flow_action *a = &r->actions[i];

        if (a->type == FA_SET_FIELD) {
            const struct field *f = &fields[a->field];
            const char *what = f->mod ? f->mod : f->name;

            if (!prereq_met(&r->match, f->prereq))
                return fail(err, errsz, "%s: prerequisites not met (%s)", what, prereq_hint[f->prereq]);
            if ((a->field == F_TP_SRC || a->field == F_TP_DST) && match_proto(&r->match).nw_proto == 132)
                return fail(err, errsz, "%s: rewriting SCTP ports is not supported", what);
        } else if (a->type == FA_DEC_TTL && !prereq_met(&r->match, PR_IP_ANY)) {
            return fail(err, errsz, "dec_ttl: prerequisites not met (%s)", prereq_hint[PR_IP_ANY]);
        } else if (a->type == FA_GOTO_TABLE && a->table <= r->table_id) {
            return fail(err, errsz, "goto_table:%u: must go to a later table than %u", a->table, r->table_id);
        }
    }
    return 0;
}

/* ---- settings and the whole rule ---- */

static int
parse_cookie(const char *val, enum flow_parse_mode mode, struct flow_rule *r, char *err, size_t errsz)
{
    char buf[64], *slash;
    uint64_t v, m = UINT64_MAX;

    if (strlen(val) >= sizeof(buf))
        return fail(err, errsz, "cookie: bad value \"%s\"", val);
    strcpy(buf, val);
    slash = strchr(buf, '/');
    if (slash != NULL) {
        *slash++ = '\0';
        if (mode == FLOW_PARSE_ADD)
            return fail(err, errsz, "cookie: a mask is allowed only when selecting flows");
        if (strcmp(slash, "-1") != 0 && parse_uint(slash, UINT64_MAX, &m) != 0)
            return fail(err, errsz, "cookie: bad mask \"%s\"", slash);
    }
    if (parse_uint(buf, UINT64_MAX, &v) != 0)
        return fail(err, errsz, "cookie: bad value \"%s\"", val);
    r->cookie = v & m;
    r->cookie_mask = mode == FLOW_PARSE_ADD ? 0 : m;
    return 0;
}

static int
parse_setting(const char *name, const char *val, enum flow_parse_mode mode, struct flow_rule *r,
    struct parse_state *ps, char *err, size_t errsz)
{
    uint64_t v;

    if (strcmp(name, "priority") == 0) {
        if (parse_uint(val, 65535, &v) != 0)
            return fail(err, errsz, "priority: \"%s\" is not 0-65535", val);
        r->priority = (uint16_t)v;
    } else if (strcmp(name, "idle_timeout") == 0 || strcmp(name, "hard_timeout") == 0) {
        if (mode != FLOW_PARSE_ADD)
            return fail(err, errsz, "%s: not allowed here", name);
        if (parse_uint(val, 65535, &v) != 0)
            return fail(err, errsz, "%s: \"%s\" is not 0-65535 seconds", name, val);
        if (name[0] == 'i')
            r->idle_timeout = (uint16_t)v;
        else
            r->hard_timeout = (uint16_t)v;
    } else if (strcmp(name, "cookie") == 0) {
        return parse_cookie(val, mode, r, err, errsz);
    } else if (strcmp(name, "table") == 0) {
        if (parse_uint(val, FLOW_N_TABLES - 1, &v) != 0 &&
            (mode == FLOW_PARSE_ADD || strcasecmp(val, "ALL") != 0))
            return fail(err, errsz, "table: \"%s\" is not 0-%d", val, FLOW_N_TABLES - 1);
        r->table_id = strcasecmp(val, "ALL") == 0 ? FLOW_TABLE_ALL : (uint8_t)v;
        ps->table_given = true;
    } else {
        return ENOENT;
    }
    return 0;
}

static int
parse_field(const char *name, const char *val, struct flow_rule *r, struct parse_state *ps,
    char *err, size_t errsz)
{
    uint8_t v[16], m[16];
    int id = find_field(name);

    if (strncmp(name, "ct_", 3) == 0)
        return fail(err, errsz, "%s: not supported: connection tracking is not supported", name);
    if (id < 0)
        return fail(err, errsz, "unknown field \"%s\"", name);
    if (strcmp(val, "*") == 0 || strcasecmp(val, "ANY") == 0)
        return 0;
    if (id == F_DL_VLAN && (strcmp(val, "0xffff") == 0 || strcmp(val, "65535") == 0)) {
        /* Untagged: no "present" bit, VID 0 (Open vSwitch's vlan_tci=0x0000/0x1fff). */
        id = F_VLAN_TCI;
        memset(v, 0, 2);
        put_num(m, 2, FLOW_TCI_PRESENT | 0x0fff);
    } else if (parse_value(&fields[id], val, v, m) != 0) {
        return fail(err, errsz, "%s: bad value \"%s\"", name, val);
    }
    ps->named |= 1ull << id;
    return match_set(&r->match, &fields[id], v, m, err, errsz);
}

int
flow_parse(const char *s, enum flow_parse_mode mode, struct flow_rule *r,
    char *err, size_t errsz)
{
    char *copy, *acts = NULL, *p, *rest, *tok;
    struct parse_state ps = { 0, false };
    int e = 0;

    memset(r, 0, sizeof(*r));
    r->priority = FLOW_DEFAULT_PRIORITY;
    copy = strdup(s);
    if (copy == NULL)
        return fail(err, errsz, "out of memory");
    p = strstr(copy, "actions=");
    if (p != NULL && (p == copy || strchr(", \t", p[-1]) != NULL)) {
        *p = '\0';
        acts = p + strlen("actions=");
    } else if (p != NULL) {
        e = fail(err, errsz, "misplaced \"actions=\"");
        goto out;
    }
    rest = copy;
    while (e == 0 && (tok = next_token(&rest)) != NULL) {
        char *eq = strchr(tok, '=');
        const struct shorthand *sh;

        if (eq == NULL) {
            if (strcmp(tok, "send_flow_rem") == 0 && mode == FLOW_PARSE_ADD)
                r->flags |= FLOW_FLAG_SEND_FLOW_REM;
            else if ((sh = find_shorthand(tok)) != NULL)
                e = set_shorthand(&r->match, sh, &ps, err, errsz);
            else
                e = fail(err, errsz, "unknown keyword \"%s\"", tok);
            continue;
        }
        *eq = '\0';
        if (eq[1] == '\0') {
            e = fail(err, errsz, "%s: missing value", tok);
            break;
        }
        e = parse_setting(tok, eq + 1, mode, r, &ps, err, errsz);
        if (e == ENOENT)
            e = parse_field(tok, eq + 1, r, &ps, err, errsz);
    }
    if (e == 0 && mode == FLOW_PARSE_DEL && !ps.table_given)
        r->table_id = FLOW_TABLE_ALL;
    if (e == 0)
        e = check_prereqs(&r->match, ps.named, err, errsz);
    if (e == 0 && mode == FLOW_PARSE_ADD && acts == NULL)
        e = fail(err, errsz, "must specify actions (actions=...)");
    if (e == 0 && mode == FLOW_PARSE_DEL && acts != NULL)
        e = fail(err, errsz, "actions are not allowed when deleting flows");
    if (e == 0 && acts != NULL)
        e = parse_actions(acts, r, err, errsz);
    if (e == 0)
        e = check_actions(r, err, errsz);
    if (e == 0 && mode == FLOW_PARSE_ADD) {
        char text[FLOW_TEXT_MAX];

        flow_format_rule(r, text, sizeof(text));
        if (strlen(text) >= sizeof(text) - 1)   /* Full: it may have been cut. */
            e = fail(err, errsz, "rule too long (its text must stay under %d bytes)", FLOW_TEXT_MAX);
    }
out:
    free(copy);
    return e;
}

/* ---- formatting ---- */

struct sbuf {
    char *p;
    size_t size, n;
};

static void __attribute__((__format__(printf, 2, 3)))
sb_printf(struct sbuf *b, const char *fmt, ...)
{
    va_list ap;
    int w;

    if (b->n >= b->size)
        return;
    va_start(ap, fmt);
    w = vsnprintf(b->p + b->n, b->size - b->n, fmt, ap);
    va_end(ap);
    if (w > 0)
        b->n = b->n + (size_t)w < b->size ? b->n + (size_t)w : b->size - 1;
}

#define SEP(b) ((b)->n ? "," : "")

static void
put_mac(struct sbuf *b, const uint8_t *m)
{
    sb_printf(b, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

/* Prefix length of a contiguous mask of 'n' bytes, or -1. */
static int
prefix_len(const uint8_t *mask, size_t n)
{
    int len = 0;
    size_t i = 0;

    while (i < n && mask[i] == 0xff)
        i++, len += 8;
    if (i < n) {
        uint8_t x = mask[i];

        while (x & 0x80)
            x = (uint8_t)(x << 1), len++;
        if (x != 0)
            return -1;
        while (++i < n)
            if (mask[i] != 0)
                return -1;
    }
    return len;
}

static void
put_ip4(struct sbuf *b, uint32_t a)
{
    sb_printf(b, "%u.%u.%u.%u", a >> 24, a >> 16 & 255, a >> 8 & 255, a & 255);
}

/* Field 'f''s value and mask (key bytes) as parse_value() reads them. */
static void
put_value(struct sbuf *b, const struct field *f, const uint8_t *val, const uint8_t *mask)
{
    char s[INET6_ADDRSTRLEN];
    uint8_t nb[4];
    int l;

    switch (f->fmt) {
    case FMT_MAC:
        put_mac(b, val);
        if (prefix_len(mask, 6) != 48) {
            sb_printf(b, "/");
            put_mac(b, mask);
        }
        return;
    case FMT_IP4: {
        uint32_t v = (uint32_t)get_num(val, 4), m = (uint32_t)get_num(mask, 4);

        put_ip4(b, v);
        put_num(nb, 4, htonl(m));
        l = prefix_len(nb, 4);
        if (l >= 0 && l < 32) {
            sb_printf(b, "/%d", l);
        } else if (l < 0) {
            sb_printf(b, "/");
            put_ip4(b, m);
        }
        return;
    }
    case FMT_IP6:
        inet_ntop(AF_INET6, val, s, sizeof(s));
        sb_printf(b, "%s", s);
        l = prefix_len(mask, 16);
        if (l >= 0 && l < 128) {
            sb_printf(b, "/%d", l);
        } else if (l < 0) {
            inet_ntop(AF_INET6, mask, s, sizeof(s));
            sb_printf(b, "/%s", s);
        }
        return;
    case FMT_PORT:
        if (get_num(val, 2) == FLOW_PORT_LOCAL)
            sb_printf(b, "LOCAL");
        else
            sb_printf(b, "%u", (unsigned)get_num(val, 2));
        return;
    default:
        break;
    }
    uint64_t full = f->bits >> f->shift;
    uint64_t v = (get_num(val, f->size) & f->bits) >> f->shift;
    uint64_t m = (get_num(mask, f->size) & f->bits) >> f->shift;

    if (f->fmt == FMT_TCP_FLAGS && m == full && v == 0) {
        sb_printf(b, "0");
    } else if (f->fmt == FMT_TCP_FLAGS) {
        const char *sep = "";

        for (int i = 0; i < 12; i++) {
            if (m == full && (v >> i & 1)) {
                sb_printf(b, "%s%s", sep, tcp_flag_names[i]);
                sep = "|";
            } else if (m != full && (m >> i & 1)) {
                sb_printf(b, "%c%s", (v >> i & 1) ? '+' : '-', tcp_flag_names[i]);
            }
        }
    } else if (m != full) {
        /* vlan_tci=0x0000/0x1000, ipv6_label=0x00005/0x0000f, tp_src=0x1000/0xf000 */
        int w = f->fmt != FMT_HEX ? 1 : f->size == 2 ? 4 : f->bits == 0xfffff ? 5 : 1;

        sb_printf(b, "0x%0*llx/0x%0*llx", w, (unsigned long long)v, w, (unsigned long long)m);
    } else if (f->fmt == FMT_HEX) {
        /* ovs-ofctl's widths: dl_type and vlan_tci 4 digits, ipv6_label 5. */
        int w = f->size == 2 ? 4 : f->bits == 0xfffff ? 5 : 1;

        sb_printf(b, "0x%0*llx", w, (unsigned long long)v);
    } else {
        sb_printf(b, "%llu", (unsigned long long)v);
    }
}

/* Field 'id' of 'm' as "name=value" if the match sets any of its bits. */
static void
put_field(struct sbuf *b, const struct flow_match *m, enum field_id id)
{
    const struct field *f = &fields[id];
    const uint8_t *v = (const uint8_t *)&m->key + f->off, *mk = (const uint8_t *)&m->mask + f->off;
    bool any = false;

    if (f->fmt == FMT_MAC || f->fmt == FMT_IP6 || f->fmt == FMT_IP4 || f->fmt == FMT_PORT) {
        for (size_t i = 0; i < f->size; i++)
            any |= mk[i] != 0;
    } else {
        any = (get_num(mk, f->size) & f->bits) != 0;
    }
    if (!any)
        return;
    sb_printf(b, "%s%s=", SEP(b), f->name);
    put_value(b, f, v, mk);
}

/* The VLAN fields as ovs-ofctl prints them: dl_vlan/dl_vlan_pcp where they say it all. */
static void
put_vlan(struct sbuf *b, const struct flow_match *m)
{
    uint16_t v = m->key.vlan_tci, mk = m->mask.vlan_tci;
    uint16_t vid = mk & 0x0fff, pcp = mk & 0xe000;

    if (mk == 0)
        return;
    if ((mk & FLOW_TCI_PRESENT) && (v & FLOW_TCI_PRESENT) && (vid == 0 || vid == 0x0fff) &&
        (pcp == 0 || pcp == 0xe000) && (vid || pcp)) {
        if (vid)
            put_field(b, m, F_DL_VLAN);
        if (pcp)
            put_field(b, m, F_DL_VLAN_PCP);
    } else {
        put_field(b, m, F_VLAN_TCI);
    }
}

static void
format_match(struct sbuf *b, const struct flow_match *m)
{
    struct proto p = match_proto(m);
    bool proto_done = false;

    if (p.ip || p.ip6 || p.arp) {
        const struct shorthand *best = NULL;

        for (size_t i = 0; i < sizeof(shorthands) / sizeof(shorthands[0]); i++) {
            const struct shorthand *sh = &shorthands[i];

            if (sh->dl_type != m->key.dl_type)
                continue;
            if (sh->nw_proto < 0 && best == NULL)
                best = sh;
            else if (sh->nw_proto >= 0 && sh->nw_proto == p.nw_proto && (best == NULL || best->nw_proto < 0))
                best = sh;
        }
        sb_printf(b, "%s%s", SEP(b), best->name);
        proto_done = best->nw_proto >= 0;
    }
    for (int i = F_REG0; i <= F_REG7; i++)
        put_field(b, m, (enum field_id)i);
    put_field(b, m, F_METADATA);
    put_field(b, m, F_IN_PORT);
    put_vlan(b, m);
    put_field(b, m, F_DL_SRC);
    put_field(b, m, F_DL_DST);
    if (!(p.ip || p.ip6 || p.arp))
        put_field(b, m, F_DL_TYPE);
    if (p.ip6) {
        put_field(b, m, F_IPV6_SRC);
        put_field(b, m, F_IPV6_DST);
        put_field(b, m, F_IPV6_LABEL);
    } else if (p.arp) {
        put_field(b, m, F_ARP_SPA);
        put_field(b, m, F_ARP_TPA);
    } else {
        put_field(b, m, F_NW_SRC);
        put_field(b, m, F_NW_DST);
    }
    if (!proto_done)
        put_field(b, m, p.arp ? F_ARP_OP : F_NW_PROTO);
    if (p.arp) {
        put_field(b, m, F_ARP_SHA);
        put_field(b, m, F_ARP_THA);
    }
    put_field(b, m, F_NW_TOS);
    put_field(b, m, F_NW_ECN);
    put_field(b, m, F_NW_TTL);
    if (is_icmp(&p)) {
        put_field(b, m, F_ICMP_TYPE);
        put_field(b, m, F_ICMP_CODE);
        put_field(b, m, F_ND_TARGET);
    } else {
        put_field(b, m, F_TP_SRC);
        put_field(b, m, F_TP_DST);
    }
    put_field(b, m, F_TCP_FLAGS);
}

void
flow_format_match(const struct flow_match *m, char *buf, size_t size)
{
    struct sbuf b = { buf, size, 0 };

    if (size)
        buf[0] = '\0';
    format_match(&b, m);
}

static void
put_port(struct sbuf *b, uint16_t port)
{
    if (port == FLOW_PORT_LOCAL)
        sb_printf(b, "LOCAL");
    else if (port != FLOW_PORT_IN)
        sb_printf(b, "%u", port);
}

static void
put_set_field(struct sbuf *b, const struct flow_action *a)
{
    const struct field *f = &fields[a->field];
    uint8_t full[16];
    bool whole;

    /* A mod_* action sets the whole field (and a VLAN's "present" bit). */
    if (f->fmt == FMT_MAC || f->fmt == FMT_IP4 || f->fmt == FMT_IP6)
        memset(full, 0xff, f->size);
    else
        put_num(full, f->size, f->bits | f->implied);
    whole = memcmp(a->mask, full, f->size) == 0;
    if (f->mod && whole) {
        sb_printf(b, "%s:", f->mod);
        put_value(b, f, a->val, a->mask);
    } else {
        sb_printf(b, "set_field:");
        put_value(b, f, a->val, a->mask);
        sb_printf(b, "->%s", f->name);
    }
}

static void
format_actions(struct sbuf *b, const struct flow_rule *r)
{
    size_t start = b->n;

    if (r->n_actions == 0)
        sb_printf(b, "drop");
    for (size_t i = 0; i < r->n_actions; i++) {
        const struct flow_action *a = &r->actions[i];

        if (b->n > start)
            sb_printf(b, ",");
        switch ((enum flow_action_type)a->type) {
        case FA_OUTPUT:
            if (a->port == FLOW_PORT_LOCAL)
                sb_printf(b, "LOCAL");
            else
                sb_printf(b, "output:%u", a->port);
            break;
        case FA_NORMAL:
            sb_printf(b, "NORMAL");
            break;
        case FA_FLOOD:
            sb_printf(b, "FLOOD");
            break;
        case FA_ALL:
            sb_printf(b, "ALL");
            break;
        case FA_IN_PORT:
            sb_printf(b, "IN_PORT");
            break;
        case FA_STRIP_VLAN:
            sb_printf(b, "strip_vlan");
            break;
        case FA_PUSH_VLAN:
            sb_printf(b, "push_vlan:0x8100");
            break;
        case FA_SET_FIELD:
            put_set_field(b, a);
            break;
        case FA_DEC_TTL:
            sb_printf(b, "dec_ttl");
            break;
        case FA_RESUBMIT:
            if (a->table == FLOW_TABLE_ALL) {
                sb_printf(b, "resubmit:");
                put_port(b, a->port);
            } else {
                sb_printf(b, "resubmit(");
                put_port(b, a->port);
                sb_printf(b, ",%u)", a->table);
            }
            break;
        case FA_GOTO_TABLE:
            sb_printf(b, "goto_table:%u", a->table);
            break;
        }
    }
}

void
flow_format_actions(const struct flow_rule *r, char *buf, size_t size)
{
    struct sbuf b = { buf, size, 0 };

    if (size)
        buf[0] = '\0';
    format_actions(&b, r);
}

void
flow_format_rule(const struct flow_rule *r, char *buf, size_t size)
{
    struct sbuf b = { buf, size, 0 };

    if (size)
        buf[0] = '\0';
    sb_printf(&b, "priority=%u", r->priority);
    if (r->table_id)
        sb_printf(&b, ",table=%u", r->table_id);
    if (r->cookie)
        sb_printf(&b, ",cookie=0x%llx", (unsigned long long)r->cookie);
    if (r->idle_timeout)
        sb_printf(&b, ",idle_timeout=%u", r->idle_timeout);
    if (r->hard_timeout)
        sb_printf(&b, ",hard_timeout=%u", r->hard_timeout);
    if (r->flags & FLOW_FLAG_SEND_FLOW_REM)
        sb_printf(&b, ",send_flow_rem");
    format_match(&b, &r->match);
    sb_printf(&b, " actions=");
    format_actions(&b, r);
}
