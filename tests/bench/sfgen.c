/*
 * sfgen: deterministic sFlow v5 traffic, to a pcap file or over UDP.
 *
 * The benchmark mix of gen_sflow_corpus.py (shared/bench), written with
 * convert/sflow_encode.c: several agents (10.0.0.N) take turns; each
 * datagram carries 7 flow samples (0:1, sampled_header of an Ethernet/IPv4/
 * TCP or UDP frame cut to 128 bytes, plus extended_switch) and one counter
 * sample (0:2, generic and ethernet interface counters).  Every agent has 48
 * interfaces with their own flow and counter sequence numbers, sample pools
 * and counters that only grow, and 2000 flows drawn with Zipf-like
 * popularity: TLS, HTTP and SSH over TCP; DNS, NTP, IPsec NAT-T and VXLAN
 * (with an inner Ethernet/IPv4/TCP frame) over UDP; ACK-sized to full-size
 * frames.  Everything derives from --seed (xoshiro256** seeded by
 * splitmix64), so the same arguments give a byte-identical file.
 *
 * The pcap records are Ethernet / IPv4 / UDP to port 6343, written with
 * libpcap's dump API.  --send paces datagrams to a UDP socket with
 * sendmmsg(), at --rate per second for --duration seconds.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <netdb.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "rng.h"
#include "sflow_encode.h"
#include "sflow_schema.h"
#include "wbuf.h"
#include "version.h"

#define PCAP_EPOCH 1700000000   /* First pcap timestamp: 2023-11-14T22:13:20Z. */
#define DGRAM_MAX 16384         /* sFlow payload; the default mix needs ~1.7 KB. */
#define FRAME_MAX (DGRAM_MAX + 64)
#define SEND_BATCH 64

static const uint8_t collector_mac[6] = { 0x02, 0x00, 0x5e, 0x00, 0x00, 0x01 };
static const uint8_t collector_ip[4] = { 10, 255, 0, 1 };

/* ---- PRNG: agent/rng.c's xoshiro256**, seeded from --seed ---- */

/* Uniform in [lo, hi]. */
static uint32_t
rng_range(struct rng *r, uint32_t lo, uint32_t hi)
{
    return lo + rng_below(r, hi - lo + 1);
}

/* Uniform in [0, 1). */
static double
rng_unit(struct rng *r)
{
    return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

static void
rng_fill(struct rng *r, struct wbuf *w, size_t n)
{
    uint64_t x;

    while (n >= 8) {
        wbuf_put_u64(w, rng_next(r));
        n -= 8;
    }
    x = rng_next(r);
    while (n-- > 0) {
        wbuf_put_u8(w, (uint8_t)x);
        x >>= 8;
    }
}

#define PICK(r, a) ((a)[rng_below((r), (uint32_t)(sizeof(a) / sizeof((a)[0])))])

/* ---- The simulated network ---- */

enum size_class { SIZE_SMALL, SIZE_MIXED, SIZE_BULK };

struct iface {
    uint32_t ifindex;
    uint64_t speed;
    uint32_t vlan;
    uint32_t flow_seq, pool, cntr_seq;
    uint64_t in_octets, out_octets;
    uint32_t in_ucast, out_ucast, in_mcast, out_mcast, in_bcast, out_bcast;
    uint32_t in_discards, in_errors, out_discards, fcs_errors;
};

struct flow {
    uint8_t smac[6], dmac[6];
    uint8_t sip[4], dip[4];
    uint8_t proto, tos, ttl, prio;
    uint16_t sport, dport, server, ip_id;
    int to_server;
    int ipv6;                   /* --ipv6: sent as IPv6, 2001:db8::/96 + the IPv4 addresses */
    enum size_class size;
    uint32_t in_if, out_if, vlan, out_vlan;
    uint32_t tcp_seq, tcp_ack, vni;
};

struct agent {
    struct sflow_addr addr;
    uint8_t mac[6];
    uint16_t udp_sport, ip_id;
    uint32_t seq, rate, cntr_rr;
    uint64_t uptime_base_ms;
    struct iface *ifaces;
    struct flow *flows;
    double *cum;                /* Cumulative Zipf weights of 'flows'. */
    uint32_t *bucket;           /* First flow of each of PICK_BUCKETS slices of cum. */
};

#define PICK_BUCKETS 65536

struct opts {
    uint64_t n;                 /* Datagrams; 0 = no limit (send mode). */
    const char *out;
    uint64_t seed;
    uint32_t agents, ifaces, flows;
    uint32_t flow_samples, counter_samples, header_bytes;
    uint32_t ipv6_pct;          /* --ipv6: percent of flows that are IPv6 */
    uint32_t interval_us;
    const char *send;
    const char *seeds;          /* --seeds DIR, or NULL. */
    double rate, duration;
};

struct gen {
    struct opts o;
    struct rng rng;
    struct agent *agents;
    const struct sflow_schema *sw, *generic, *ether;
    int gi[19], ei[13];         /* Schema field indices, by the names below. */
    uint64_t n_dgrams, n_flow, n_cntr, n_bytes;
};

/*
 * Ports in 32768-60999 on which Wireshark registers a dissector; clients
 * avoid them so that each sampled header decodes as the intended protocol.
 */
static const uint16_t ws_ephemeral[] = {
    34962, 34980, 37008, 41170, 44321, 44322, 44818, 45564, 47000, 47808,
    48049, 48898, 49999, 54328, 56000, 56001, 56500, 56501, 57000, 57001,
    57032, 57033, 57500, 57501, 57532, 57533, 59000, 59001, 59032, 59033,
    59500, 59501, 59532, 59533, 60001,
};

static uint16_t
ephemeral_port(struct rng *r)
{
    uint16_t p;
    size_t i;

again:
    p = (uint16_t)rng_range(r, 32768, 60999);
    for (i = 0; i < sizeof ws_ephemeral / sizeof ws_ephemeral[0]; i++)
        if (ws_ephemeral[i] == p)
            goto again;
    return p;
}

static void
make_flow(struct gen *g, struct agent *ag, struct flow *fl, uint8_t (*host_mac)[6],
    uint8_t (*host_ip)[4], uint8_t (*remote)[4], const uint8_t *router_mac)
{
    static const uint16_t tcp_servers[] = { 443, 443, 443, 443, 443, 80, 80, 8080, 22 };
    static const uint16_t udp_servers[] = { 53, 53, 123, 4500, 4789 };
    static const uint8_t tos[] = { 0, 0, 0, 0, 0x10, 0xb8 };
    static const uint8_t ttl[] = { 64, 63, 128, 127, 255, 58 };
    struct rng *r = &g->rng;
    uint32_t in_i, out_i, n = g->o.ifaces;

    in_i = rng_below(r, n);
    out_i = rng_below(r, n - 1);
    if (out_i >= in_i)
        out_i++;
    fl->in_if = in_i + 1;
    fl->out_if = out_i + 1;
    fl->vlan = ag->ifaces[in_i].vlan;
    fl->out_vlan = ag->ifaces[out_i].vlan;
    fl->prio = rng_below(r, 5) == 0 ? 5 : 0;
    memcpy(fl->smac, host_mac[in_i], 6);
    memcpy(fl->sip, host_ip[in_i], 4);
    if (rng_unit(r) < 0.6) {            /* North-south, through the router. */
        memcpy(fl->dmac, router_mac, 6);
        memcpy(fl->dip, remote[rng_below(r, 256)], 4);
    } else {                            /* East-west. */
        memcpy(fl->dmac, host_mac[out_i], 6);
        memcpy(fl->dip, host_ip[out_i], 4);
    }
    if (rng_unit(r) < 0.75) {
        fl->proto = 6;
        fl->server = PICK(r, tcp_servers);
        fl->size = fl->server == 22 ? SIZE_SMALL : fl->server == 443 ?
            (rng_unit(r) < 0.5 ? SIZE_BULK : SIZE_MIXED) : SIZE_MIXED;
    } else {
        fl->proto = 17;
        fl->server = PICK(r, udp_servers);
        fl->size = fl->server == 4789 ? SIZE_BULK : fl->server == 4500 ?
            SIZE_MIXED : SIZE_SMALL;
    }
    fl->to_server = rng_unit(r) < 0.5;
    if (fl->to_server) {
        fl->sport = ephemeral_port(r);
        fl->dport = fl->server;
    } else {
        fl->sport = fl->server;
        fl->dport = ephemeral_port(r);
    }
    fl->tos = PICK(r, tos);
    fl->ttl = PICK(r, ttl);
    fl->tcp_seq = (uint32_t)rng_next(r);
    fl->tcp_ack = (uint32_t)rng_next(r);
    fl->ip_id = (uint16_t)rng_next(r);
    fl->vni = rng_range(r, 1, (1u << 24) - 1);
    /* Drawn only when asked for, so that the default mix stays as it was. */
    if (g->o.ipv6_pct > 0)
        fl->ipv6 = rng_below(r, 100) < g->o.ipv6_pct;
}

static void *
xcalloc(size_t n, size_t size)
{
    void *p = calloc(n, size);

    if (p == NULL)
        fatal("calloc");
    return p;
}

static void
make_agents(struct gen *g)
{
    static const uint32_t rates[] = { 512, 1024, 2048, 4096 };
    static const uint64_t speeds[] = { 1000000000ULL, 10000000000ULL, 25000000000ULL };
    static const uint8_t first_octet[] = { 23, 34, 52, 104, 142, 151, 185, 203 };
    struct rng *r = &g->rng;
    uint8_t (*host_mac)[6], (*host_ip)[4], remote[256][4], router_mac[6];
    uint32_t a, i, j, n_if = g->o.ifaces;
    double acc;

    g->agents = xcalloc(g->o.agents, sizeof(*g->agents));
    host_mac = xcalloc(n_if, sizeof(*host_mac));
    host_ip = xcalloc(n_if, sizeof(*host_ip));
    for (a = 0; a < g->o.agents; a++) {
        struct agent *ag = &g->agents[a];
        uint32_t id = a + 1;

        ag->addr.type = SFLOW_ADDR_IP4;
        ag->addr.a[0] = 10;
        ag->addr.a[1] = (uint8_t)(id >> 16);
        ag->addr.a[2] = (uint8_t)(id >> 8);
        ag->addr.a[3] = (uint8_t)id;
        memcpy(ag->mac, "\x02\x00\x5e\x00", 4);
        ag->mac[4] = (uint8_t)(id >> 8);
        ag->mac[5] = (uint8_t)id;
        ag->udp_sport = (uint16_t)rng_range(r, 32768, 60767);
        ag->uptime_base_ms = rng_range(r, 3600000, 90u * 86400000u);
        ag->rate = PICK(r, rates);
        ag->ip_id = (uint16_t)rng_next(r);
        ag->ifaces = xcalloc(n_if, sizeof(*ag->ifaces));
        for (i = 0; i < n_if; i++) {
            struct iface *it = &ag->ifaces[i];

            it->ifindex = i + 1;
            it->speed = PICK(r, speeds);
            it->vlan = 10 * (1 + i % 8);
            it->pool = rng_below(r, 1000000);
            it->in_octets = rng_next(r) >> 24;
            it->out_octets = rng_next(r) >> 24;
            it->in_ucast = rng_below(r, 1u << 31);
            it->out_ucast = rng_below(r, 1u << 31);
            it->in_mcast = rng_below(r, 1u << 20);
            it->out_mcast = rng_below(r, 1u << 20);
            it->in_bcast = rng_below(r, 1u << 16);
            it->out_bcast = rng_below(r, 1u << 16);
            it->in_discards = rng_below(r, 100);
            it->in_errors = rng_below(r, 10);
            it->out_discards = rng_below(r, 100);
            it->fcs_errors = rng_below(r, 10);
        }
        /* One host behind each interface, a few hundred remote servers. */
        for (i = 0; i < n_if; i++) {
            memcpy(host_mac[i], "\x00\x1b\x21", 3);
            host_mac[i][3] = (uint8_t)a;
            host_mac[i][4] = (uint8_t)i;
            host_mac[i][5] = (uint8_t)rng_next(r);
            host_ip[i][0] = 172;
            host_ip[i][1] = (uint8_t)(16 + a % 16);
            host_ip[i][2] = (uint8_t)i;
            host_ip[i][3] = (uint8_t)rng_range(r, 2, 251);
        }
        for (i = 0; i < 256; i++) {
            remote[i][0] = PICK(r, first_octet);
            remote[i][1] = (uint8_t)rng_next(r);
            remote[i][2] = (uint8_t)rng_next(r);
            remote[i][3] = (uint8_t)rng_range(r, 1, 254);
        }
        memcpy(router_mac, "\x00\x1c\x73\x00\x00\x01", 6);
        router_mac[4] = (uint8_t)a;
        ag->flows = xcalloc(g->o.flows, sizeof(*ag->flows));
        ag->cum = xcalloc(g->o.flows, sizeof(*ag->cum));
        acc = 0;
        for (i = 0; i < g->o.flows; i++) {
            make_flow(g, ag, &ag->flows[i], host_mac, host_ip, remote, router_mac);
            acc += 1.0 / (i + 1);
            ag->cum[i] = acc;
        }
        ag->bucket = xcalloc(PICK_BUCKETS + 1, sizeof(*ag->bucket));
        for (i = 0, j = 0; j <= PICK_BUCKETS; j++) {
            while (i < g->o.flows - 1 && ag->cum[i] <= acc * j / PICK_BUCKETS)
                i++;
            ag->bucket[j] = i;
        }
    }
    free(host_mac);
    free(host_ip);
}

/*
 * Inverse of the cumulative weights: the bucket of 'x' gives the first
 * candidate, and a bucket spans a flow or two, so the scan is short (a
 * binary search over 'cum' mispredicted its way to a third of the run time).
 */
static struct flow *
pick_flow(struct gen *g, struct agent *ag)
{
    double total = ag->cum[g->o.flows - 1];
    double x = rng_unit(&g->rng) * total;
    uint32_t i = ag->bucket[(uint32_t)(x / total * PICK_BUCKETS)];

    while (i < g->o.flows - 1 && ag->cum[i] <= x)
        i++;
    return &ag->flows[i];
}

/* ---- Packets ---- */

/* RFC 1071, summed a 32-bit word at a time (RFC 1071 section 2(B)). */
static uint16_t
inet_csum(const uint8_t *p, size_t n, uint32_t start)
{
    uint64_t sum = start;
    size_t i = 0;

    for (; i + 4 <= n; i += 4)
        sum += (uint32_t)p[i] << 24 | (uint32_t)p[i + 1] << 16 |
            (uint32_t)p[i + 2] << 8 | p[i + 3];
    for (; i + 1 < n; i += 2)
        sum += (uint32_t)p[i] << 8 | p[i + 1];
    if (n & 1)
        sum += (uint32_t)p[n - 1] << 8;
    while (sum >> 16)
        sum = (sum & 0xFFFF) + (sum >> 16);
    return (uint16_t)~sum;
}

/* IPv4 header with its checksum; the caller's buffer is contiguous. */
static void
put_ipv4(struct wbuf *w, const uint8_t *src, const uint8_t *dst, uint8_t proto,
    uint16_t total_len, uint16_t id, uint8_t ttl, uint8_t tos)
{
    size_t at = w->size;

    wbuf_put_u8(w, 0x45);
    wbuf_put_u8(w, tos);
    wbuf_put_u16(w, total_len);
    wbuf_put_u16(w, id);
    wbuf_put_u16(w, 0x4000);            /* DF */
    wbuf_put_u8(w, ttl);
    wbuf_put_u8(w, proto);
    wbuf_put_u16(w, 0);
    wbuf_put_bytes(w, src, 4);
    wbuf_put_bytes(w, dst, 4);
    if (!w->error) {
        uint16_t c = inet_csum(w->base + at, 20, 0);

        w->base[at + 10] = (uint8_t)(c >> 8);
        w->base[at + 11] = (uint8_t)c;
    }
}

/* IPv6 header; addresses are the documentation prefix 2001:db8::/96 + 'src'/'dst'. */
static void
put_ipv6(struct wbuf *w, const uint8_t *src, const uint8_t *dst, uint8_t next,
    uint16_t payload_len, uint8_t hop_limit, uint8_t tclass)
{
    static const uint8_t prefix[12] = { 0x20, 0x01, 0x0d, 0xb8 };

    wbuf_put_u32(w, 6u << 28 | (uint32_t)tclass << 20);
    wbuf_put_u16(w, payload_len);
    wbuf_put_u8(w, next);
    wbuf_put_u8(w, hop_limit);
    wbuf_put_bytes(w, prefix, 12);
    wbuf_put_bytes(w, src, 4);
    wbuf_put_bytes(w, prefix, 12);
    wbuf_put_bytes(w, dst, 4);
}

static void
put_tcp(struct wbuf *w, struct rng *r, uint16_t sport, uint16_t dport,
    uint32_t seq, uint32_t ack, uint8_t flags, int timestamps)
{
    uint32_t tsval;

    wbuf_put_u16(w, sport);
    wbuf_put_u16(w, dport);
    wbuf_put_u32(w, seq);
    wbuf_put_u32(w, ack);
    wbuf_put_u8(w, (timestamps ? 8 : 5) << 4);
    wbuf_put_u8(w, flags);
    wbuf_put_u16(w, 502);
    wbuf_put_u16(w, (uint16_t)rng_next(r));     /* unverifiable when cut anyway */
    wbuf_put_u16(w, 0);
    if (timestamps) {
        tsval = (uint32_t)rng_next(r);
        wbuf_put_u32(w, 0x0101080a);            /* NOP NOP TS len 10 */
        wbuf_put_u32(w, tsval);
        wbuf_put_u32(w, tsval ^ 0x5a5a5a5a);
    }
}

static const char *const dns_names[] = {
    "www.example.com", "api.example.net", "cdn.example.org",
    "mail.example.com", "time.example.net", "s3.example.com",
};
static const char *const http_paths[] = {
    "/", "/index.html", "/api/v1/items?page=2", "/static/app.js",
    "/images/logo.png", "/healthz",
};

static void
put_dns_name(struct wbuf *w, const char *name)
{
    const char *dot;
    size_t n;

    for (;;) {
        dot = strchr(name, '.');
        n = dot ? (size_t)(dot - name) : strlen(name);
        wbuf_put_u8(w, (uint8_t)n);
        wbuf_put_bytes(w, name, n);
        if (dot == NULL)
            break;
        name = dot + 1;
    }
    wbuf_put_u8(w, 0);
}

/* A whole DNS query, or an A-record response with 1-3 answers. */
static void
put_dns(struct wbuf *w, struct rng *r, const struct flow *fl)
{
    static const uint16_t n_answers[] = { 1, 1, 2, 3 };
    uint16_t i, an = fl->to_server ? 0 : PICK(r, n_answers);

    wbuf_put_u16(w, (uint16_t)rng_next(r));
    wbuf_put_u16(w, fl->to_server ? 0x0100 : 0x8180);
    wbuf_put_u16(w, 1);
    wbuf_put_u16(w, an);
    wbuf_put_u32(w, 0);
    put_dns_name(w, PICK(r, dns_names));
    wbuf_put_u32(w, 0x00010001);                /* A, IN */
    for (i = 0; i < an; i++) {
        wbuf_put_u16(w, 0xC00C);
        wbuf_put_u32(w, 0x00010001);
        wbuf_put_u32(w, rng_range(r, 30, 3599));
        wbuf_put_u16(w, 4);
        wbuf_put_u32(w, rng_range(r, 0x01010101, 0xFEFEFEFE));
    }
}

/* 48-byte NTPv4 client (mode 3) or server (mode 4) packet. */
static void
put_ntp(struct wbuf *w, struct rng *r, const struct flow *fl)
{
    uint64_t t = (uint64_t)(3909000000u + rng_below(r, 10000000)) << 32 |
        (uint32_t)rng_next(r);

    if (fl->to_server) {
        wbuf_put_u32(w, 0x230006ec);            /* v4 client, poll 6, prec -20 */
        wbuf_put_zeros(w, 12);
        wbuf_put_zeros(w, 24);
    } else {
        wbuf_put_u32(w, 0x240206e9);            /* v4 server, stratum 2, prec -23 */
        wbuf_put_u32(w, 0x00000a00);
        wbuf_put_u32(w, 0x00000b00);
        wbuf_put_u32(w, 0xc0000201);            /* reference id */
        wbuf_put_u64(w, t - (1ULL << 36));
        wbuf_put_u64(w, t - (1ULL << 20));
        wbuf_put_u64(w, t - (1ULL << 19));
    }
    wbuf_put_u64(w, t);
}

/* 'n' bytes of text or body; no ':' in the body, so it is not taken for a header line. */
static void
put_http(struct wbuf *w, struct rng *r, const struct flow *fl, size_t n)
{
    char head[256];
    size_t len = 0, i, at;

    if (fl->to_server)
        len = (size_t)snprintf(head, sizeof head, "GET %s HTTP/1.1\r\n"
            "Host: www.example.com\r\nUser-Agent: curl/8.4.0\r\nAccept: */*\r\n\r\n",
            PICK(r, http_paths));
    else if (rng_unit(r) < 0.3)
        len = (size_t)snprintf(head, sizeof head, "HTTP/1.1 200 OK\r\nServer: nginx\r\n"
            "Content-Type: application/octet-stream\r\nContent-Length: 1048576\r\n\r\n");
    if (len > n)
        len = n;
    wbuf_put_bytes(w, head, len);
    at = w->size;
    rng_fill(r, w, n - len);
    if (!w->error)
        for (i = at; i < w->size; i++)
            if (w->base[i] == ':')
                w->base[i] = ';';
}

/* 'n' bytes of TLS application data, SSH ciphertext or ESP. */
static void
put_cipher(struct wbuf *w, struct rng *r, struct flow *fl, size_t n)
{
    if (fl->server == 443 && n >= 5) {
        wbuf_put_u8(w, 23);
        wbuf_put_u16(w, 0x0303);
        wbuf_put_u16(w, (uint16_t)(n - 5));
        n -= 5;
    } else if (fl->server == 22 && n >= 4) {
        wbuf_put_u32(w, (uint32_t)(n - 4));
        n -= 4;
    } else if (fl->server == 4500 && n >= 8) {
        fl->tcp_seq++;
        wbuf_put_u32(w, 0x10000000 | (fl->vni & 0x0FFFFFFF));     /* SPI */
        wbuf_put_u32(w, fl->tcp_seq);
        n -= 8;
    }
    rng_fill(r, w, n);
}

/* VXLAN header and an inner Ethernet/IPv4/TCP/TLS frame of 'n' - 8 bytes, cut to 'room'. */
static void
put_vxlan(struct wbuf *w, struct rng *r, const struct flow *fl, size_t n, size_t room)
{
    static const uint8_t in_src[4] = { 192, 168, 7, 10 }, in_dst[4] = { 192, 168, 9, 20 };
    size_t end = w->size + room, ip_len = n - 8 - 14;
    struct flow tls = *fl;

    wbuf_put_u32(w, 0x08000000);
    wbuf_put_u32(w, fl->vni << 8);
    wbuf_put_bytes(w, "\x00\x16\x3e\x11\x22\x33\x00\x16\x3e\x44\x55\x66\x08\x00", 14);
    put_ipv4(w, in_src, in_dst, 6, (uint16_t)ip_len, (uint16_t)rng_next(r), 64, 0);
    put_tcp(w, r, (uint16_t)(50000 + fl->vni % 1000), 443, (uint32_t)rng_next(r),
        (uint32_t)rng_next(r), 0x18, 0);
    tls.server = 443;
    if (end > w->size)
        put_cipher(w, r, &tls, end - w->size);
}

/* Original frame length on the wire, FCS included (64..1518). */
static uint32_t
frame_length(struct rng *r, const struct flow *fl)
{
    static const uint32_t ack_extra[] = { 0, 0, 0, 0, 36, 52 };

    if (fl->proto == 6 && (fl->server == 80 || fl->server == 8080) && fl->to_server)
        return 14 + 20 + 32 + 4 + (rng_below(r, 3) == 0 ? rng_range(r, 80, 109) : 0);
    if (fl->size == SIZE_SMALL || (fl->size == SIZE_MIXED && rng_unit(r) < 0.5)) {
        if (fl->proto == 6)
            return 14 + 20 + 32 + 4 + PICK(r, ack_extra);
        return 14 + 20 + 8 + 4 + rng_range(r, 30, 199);
    }
    if (fl->size == SIZE_MIXED)
        return rng_range(r, 200, 1518);
    return rng_unit(r) < 0.85 ? 1518 : rng_range(r, 600, 1518);
}

/*
 * Writes the first bytes (at most 'max_hdr', never the FCS) of one packet
 * of 'fl' into 'w'; returns the frame length.
 */
static uint32_t
sampled_frame(struct rng *r, struct flow *fl, struct wbuf *w, uint32_t max_hdr)
{
    uint8_t app[512];
    struct wbuf aw;
    uint32_t flen, ip_len, l4_len, l3_len, payload, want, room;

    /* DNS and NTP are whole messages, so the message sets the frame length. */
    wbuf_init(&aw, app, sizeof app);
    if (fl->proto == 17 && (fl->server == 53 || fl->server == 123)) {
        if (fl->server == 53)
            put_dns(&aw, r, fl);
        else
            put_ntp(&aw, r, fl);
        flen = 14 + 20 + 8 + (uint32_t)aw.size + 4;
    } else {
        flen = frame_length(r, fl);
    }
    /* IPv6: 20 header bytes more, within the largest frame. */
    l3_len = fl->ipv6 ? 40 : 20;
    if (fl->ipv6)
        flen = flen + 20 <= 1518 ? flen + 20 : 1518;
    ip_len = flen - 14 - 4;
    l4_len = fl->proto == 6 ? 32 : 8;
    payload = ip_len - l3_len - l4_len;
    want = flen - 4 < max_hdr ? flen - 4 : max_hdr;
    fl->ip_id++;

    wbuf_put_bytes(w, fl->dmac, 6);
    wbuf_put_bytes(w, fl->smac, 6);
    if (fl->ipv6) {
        wbuf_put_u16(w, 0x86dd);
        put_ipv6(w, fl->sip, fl->dip, fl->proto, (uint16_t)(ip_len - 40), fl->ttl, fl->tos);
    } else {
        wbuf_put_u16(w, 0x0800);
        put_ipv4(w, fl->sip, fl->dip, fl->proto, (uint16_t)ip_len, fl->ip_id, fl->ttl, fl->tos);
    }
    if (fl->proto == 6) {
        fl->tcp_seq += 1448;
        put_tcp(w, r, fl->sport, fl->dport, fl->tcp_seq, fl->tcp_ack,
            payload ? 0x18 : 0x10, 1);
    } else {
        wbuf_put_u16(w, fl->sport);
        wbuf_put_u16(w, fl->dport);
        wbuf_put_u16(w, (uint16_t)(ip_len - l3_len));
        wbuf_put_u16(w, (uint16_t)rng_range(r, 1, 65535));
    }
    room = want > w->size ? want - (uint32_t)w->size : 0;
    if (room > payload)
        room = payload;
    if (aw.size)
        wbuf_put_bytes(w, app, aw.size < room ? aw.size : room);
    else if (fl->proto == 6 && (fl->server == 80 || fl->server == 8080))
        put_http(w, r, fl, room);
    else if (fl->server == 4789 && payload >= 8 + 14 + 20 + 20)
        put_vxlan(w, r, fl, payload, room);
    else
        put_cipher(w, r, fl, room);
    if (w->size > want)
        w->size = want;
    return flen;
}

/* ---- Samples and datagrams ---- */

static const char *const generic_names[19] = {
    "ifIndex", "networkType", "ifSpeed", "ifDirection", "ifStatus",
    "ifInOctets", "ifInUcastPkts", "ifInMulticastPkts", "ifInBroadcastPkts",
    "ifInDiscards", "ifInErrors", "ifInUnknownProtos", "ifOutOctets",
    "ifOutUcastPkts", "ifOutMulticastPkts", "ifOutBroadcastPkts",
    "ifOutDiscards", "ifOutErrors", "ifPromiscuousMode",
};
static const char *const ether_names[13] = {
    "dot3StatsAlignmentErrors", "dot3StatsFCSErrors",
    "dot3StatsSingleCollisionFrames", "dot3StatsMultipleCollisionFrames",
    "dot3StatsSQETestErrors", "dot3StatsDeferredTransmissions",
    "dot3StatsLateCollisions", "dot3StatsExcessiveCollisions",
    "dot3StatsInternalMacTransmitErrors", "dot3StatsCarrierSenseErrors",
    "dot3StatsFrameTooLongs", "dot3StatsInternalMacReceiveErrors",
    "dot3StatsSymbolErrors",
};

static void
resolve(const struct sflow_schema *s, const char *const *names, int *idx, size_t n)
{
    size_t i;

    if (s == NULL || s->n_fields != n)
        fatalx("schema of record %u changed; update sfgen", s ? SFLOW_FORMAT(s->tag) : 0);
    for (i = 0; i < n; i++)
        if ((idx[i] = sflow_schema_field(s, names[i])) < 0)
            fatalx("schema field %s not found", names[i]);
}

static void
flow_sample(struct gen *g, struct agent *ag, struct wbuf *w)
{
    struct flow *fl = pick_flow(g, ag);
    struct iface *it = &ag->ifaces[fl->in_if - 1];
    union sflow_value v[SFLOW_MAX_FIELDS];
    uint8_t hdr[2048];
    struct wbuf hw;
    struct sflow_sample smp;
    uint32_t flen, q = ag->rate / 4;
    size_t so;

    it->flow_seq++;
    it->pool += ag->rate - q + rng_below(&g->rng, 2 * q + 1);
    wbuf_init(&hw, hdr, sizeof hdr);
    flen = sampled_frame(&g->rng, fl, &hw, g->o.header_bytes);

    memset(&smp, 0, sizeof smp);
    smp.tag = SFLOW_TAG(0, SFLOW_FLOW_SAMPLE);
    smp.seq = it->flow_seq;
    smp.ds_class = SFLOW_DS_IFINDEX;
    smp.ds_index = it->ifindex;
    smp.sampling_rate = ag->rate;
    smp.sample_pool = it->pool;
    smp.input = fl->in_if;
    smp.output = fl->out_if;
    so = sflow_enc_sample_begin(w, &smp);
    sflow_enc_header(w, PKT_PROTO_ETHERNET, flen, 4, hdr, (uint32_t)hw.size);
    memset(v, 0, sizeof(v[0]) * 4);
    v[0].u = fl->vlan;
    v[1].u = fl->prio;
    v[2].u = fl->out_vlan;
    v[3].u = fl->prio;
    sflow_enc_record(w, g->sw->tag, g->sw, v);
    sflow_enc_sample_end(w, so);
    g->n_flow++;
}

static void
counter_sample(struct gen *g, struct agent *ag, struct wbuf *w)
{
    struct rng *r = &g->rng;
    struct iface *it = &ag->ifaces[ag->cntr_rr];
    union sflow_value v[SFLOW_MAX_FIELDS];
    struct sflow_sample smp;
    uint32_t pk_in, pk_out;
    size_t so, i;

    ag->cntr_rr = (ag->cntr_rr + 1) % g->o.ifaces;
    it->cntr_seq++;
    /* About 30 % utilisation, in bursts. */
    pk_in = rng_range(r, 1000, 199999);
    pk_out = rng_range(r, 1000, 199999);
    it->in_ucast += pk_in;
    it->out_ucast += pk_out;
    it->in_octets += (uint64_t)pk_in * rng_range(r, 300, 1399);
    it->out_octets += (uint64_t)pk_out * rng_range(r, 300, 1399);
    it->in_mcast += rng_below(r, 50);
    it->out_mcast += rng_below(r, 50);
    it->in_bcast += rng_below(r, 5);
    it->out_bcast += rng_below(r, 5);
    if (rng_below(r, 20) == 0)
        it->in_discards++;
    if (rng_below(r, 100) == 0) {
        it->in_errors++;
        it->fcs_errors++;
    }

    memset(&smp, 0, sizeof smp);
    smp.tag = SFLOW_TAG(0, SFLOW_COUNTERS_SAMPLE);
    smp.seq = it->cntr_seq;
    smp.ds_class = SFLOW_DS_IFINDEX;
    smp.ds_index = it->ifindex;
    so = sflow_enc_sample_begin(w, &smp);

    memset(v, 0, sizeof v);
    {
        const uint64_t gv[19] = {
            it->ifindex, 6 /* ethernetCsmacd */, it->speed, 1 /* full duplex */,
            3 /* admin and oper up */, it->in_octets, it->in_ucast, it->in_mcast,
            it->in_bcast, it->in_discards, it->in_errors, 0, it->out_octets,
            it->out_ucast, it->out_mcast, it->out_bcast, it->out_discards, 0, 0,
        };
        for (i = 0; i < 19; i++)
            v[g->gi[i]].u = gv[i];
    }
    sflow_enc_record(w, g->generic->tag, g->generic, v);
    memset(v, 0, sizeof v);
    v[g->ei[1]].u = it->fcs_errors;
    sflow_enc_record(w, g->ether->tag, g->ether, v);
    sflow_enc_sample_end(w, so);
    g->n_cntr++;
}

/* One datagram of the next agent into 'w'; returns its size. */
static size_t
datagram(struct gen *g, struct wbuf *w, uint64_t elapsed_ms, struct agent **who)
{
    struct agent *ag = &g->agents[g->n_dgrams % g->o.agents];
    size_t dgo;
    uint32_t i;

    dgo = sflow_enc_datagram_begin(w, &ag->addr, 0, ++ag->seq,
        (uint32_t)(ag->uptime_base_ms + elapsed_ms));
    for (i = 0; i < g->o.flow_samples; i++)
        flow_sample(g, ag, w);
    for (i = 0; i < g->o.counter_samples; i++)
        counter_sample(g, ag, w);
    if (sflow_enc_datagram_end(w, dgo) != 0)
        fatalx("datagram larger than %d bytes; use fewer samples or header bytes",
            DGRAM_MAX);
    g->n_dgrams++;
    g->n_bytes += w->size - dgo;
    *who = ag;
    return w->size - dgo;
}

/* Ethernet / IPv4 / UDP around 'len' bytes of sFlow at 'p'. */
static size_t
outer_frame(struct agent *ag, const uint8_t *p, size_t len, uint8_t *frame)
{
    struct wbuf w;
    uint16_t udp_len = (uint16_t)(8 + len), c;
    uint8_t pseudo[12];
    uint32_t sum;

    wbuf_init(&w, frame, FRAME_MAX);
    wbuf_put_bytes(&w, collector_mac, 6);
    wbuf_put_bytes(&w, ag->mac, 6);
    wbuf_put_u16(&w, 0x0800);
    put_ipv4(&w, ag->addr.a, collector_ip, 17, (uint16_t)(20 + udp_len), ++ag->ip_id, 64, 0);
    wbuf_put_u16(&w, ag->udp_sport);
    wbuf_put_u16(&w, SFLOW_PORT);
    wbuf_put_u16(&w, udp_len);
    wbuf_put_u16(&w, 0);
    wbuf_put_bytes(&w, p, len);
    memcpy(pseudo, ag->addr.a, 4);
    memcpy(pseudo + 4, collector_ip, 4);
    pseudo[8] = 0;
    pseudo[9] = 17;
    pseudo[10] = (uint8_t)(udp_len >> 8);
    pseudo[11] = (uint8_t)udp_len;
    /* Sum the pseudo header first, then the UDP header and payload. */
    sum = (uint16_t)~inet_csum(pseudo, 12, 0);
    c = inet_csum(frame + 34, udp_len, sum);
    if (c == 0)
        c = 0xFFFF;
    frame[40] = (uint8_t)(c >> 8);
    frame[41] = (uint8_t)c;
    return w.size;
}

/* ---- Output ---- */

static void
write_seed(const char *dir, uint64_t i, const uint8_t *p, size_t len)
{
    char path[4096];
    FILE *f;

    snprintf(path, sizeof(path), "%s/sfgen-%06llu.bin", dir, (unsigned long long)i);
    f = fopen(path, "w");
    if (f == NULL || fwrite(p, 1, len, f) != len || fclose(f) != 0)
        fatal("%s", path);
}

static void
write_pcap(struct gen *g)
{
    static uint8_t payload[DGRAM_MAX], frame[FRAME_MAX];
    struct pcap_pkthdr ph;
    pcap_dumper_t *pd;
    struct agent *ag;
    struct wbuf w;
    uint64_t i, t_us = 0;
    size_t len;
    pcap_t *p;

    p = pcap_open_dead(DLT_EN10MB, 65535);
    if (p == NULL)
        fatalx("pcap_open_dead failed");
    pd = pcap_dump_open(p, g->o.out);
    if (pd == NULL)
        fatalx("%s: %s", g->o.out, pcap_geterr(p));
    for (i = 0; i < g->o.n; i++) {
        wbuf_init(&w, payload, sizeof payload);
        len = datagram(g, &w, t_us / 1000, &ag);
        if (g->o.seeds)
            write_seed(g->o.seeds, i, payload, len);
        len = outer_frame(ag, payload, len, frame);
        ph.ts.tv_sec = (time_t)(PCAP_EPOCH + t_us / 1000000);
        ph.ts.tv_usec = (suseconds_t)(t_us % 1000000);
        ph.caplen = ph.len = (bpf_u_int32)len;
        pcap_dump((u_char *)pd, &ph, frame);
        t_us += g->o.interval_us;
    }
    if (pcap_dump_flush(pd) != 0)
        fatalx("%s: write failed", g->o.out);
    pcap_dump_close(pd);
    pcap_close(p);
}

static uint64_t
mono_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void
sleep_until(uint64_t ns)
{
    struct timespec ts;

    ts.tv_sec = (time_t)(ns / 1000000000u);
    ts.tv_nsec = (long)(ns % 1000000000u);
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
        continue;
}

static int
open_sender(const char *spec)
{
    char host[256], *colon;
    const char *port;
    struct addrinfo hints, *res, *ai;
    int fd = -1, rc;

    if (strlen(spec) >= sizeof host)
        fatalx("--send %s: too long", spec);
    strcpy(host, spec);
    colon = strrchr(host, ':');
    if (colon == NULL)
        fatalx("--send %s: want HOST:PORT", spec);
    *colon = '\0';
    port = colon + 1;
    if (host[0] == '[' && colon[-1] == ']') {   /* [v6 address]:port */
        colon[-1] = '\0';
        memmove(host, host + 1, strlen(host));
    }
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_DGRAM;
    if ((rc = getaddrinfo(host, port, &hints, &res)) != 0)
        fatalx("--send %s: %s", spec, gai_strerror(rc));
    for (ai = res; ai; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (fd < 0)
            continue;
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
            break;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0)
        fatal("--send %s", spec);
    return fd;
}

static void
send_udp(struct gen *g)
{
    static uint8_t bufs[SEND_BATCH][DGRAM_MAX];
    struct mmsghdr msgs[SEND_BATCH];
    struct iovec iov[SEND_BATCH];
    uint64_t start, now, sent = 0, sent_bytes = 0, dropped = 0, limit_ns, due;
    struct agent *ag;
    struct wbuf w;
    uint32_t batch, nb, i, off;
    int fd = open_sender(g->o.send), rc, refused;
    double secs;

    /* Batches at least 1 ms apart at low rates, SEND_BATCH at high ones. */
    batch = g->o.rate > 0 ? (uint32_t)(g->o.rate / 1000) : SEND_BATCH;
    batch = batch < 1 ? 1 : batch > SEND_BATCH ? SEND_BATCH : batch;
    limit_ns = (uint64_t)(g->o.duration * 1e9);
    start = mono_ns();
    for (;;) {
        now = mono_ns();
        if (now - start >= limit_ns || (g->o.n && g->n_dgrams >= g->o.n))
            break;
        if (g->o.rate > 0) {
            due = start + (uint64_t)((double)g->n_dgrams * 1e9 / g->o.rate);
            if (due > now) {
                sleep_until(due);
                now = mono_ns();
            }
        }
        nb = batch;
        if (g->o.n && g->o.n - g->n_dgrams < nb)
            nb = (uint32_t)(g->o.n - g->n_dgrams);
        memset(msgs, 0, sizeof(msgs[0]) * nb);
        for (i = 0; i < nb; i++) {
            wbuf_init(&w, bufs[i], sizeof bufs[i]);
            iov[i].iov_base = bufs[i];
            iov[i].iov_len = datagram(g, &w, (now - start) / 1000000, &ag);
            msgs[i].msg_hdr.msg_iov = &iov[i];
            msgs[i].msg_hdr.msg_iovlen = 1;
        }
        for (off = 0, refused = 0; off < nb;) {
            rc = sendmmsg(fd, msgs + off, nb - off, 0);
            if (rc < 0) {
                /*
                 * ECONNREFUSED reports an ICMP error for an earlier datagram
                 * (nobody listening then); this batch has not gone yet.
                 */
                if (errno == EINTR || (errno == ECONNREFUSED && !refused++))
                    continue;
                dropped += nb - off;    /* Full queues: lose the rest. */
                break;
            }
            for (i = off; i < off + (uint32_t)rc; i++)
                sent_bytes += iov[i].iov_len;
            refused = 0;
            off += (uint32_t)rc;
            sent += (uint64_t)rc;
        }
    }
    secs = (double)(mono_ns() - start) / 1e9;
    close(fd);
    fprintf(stderr, "sfgen: sent %" PRIu64 " datagrams (%" PRIu64 " samples, %" PRIu64
        " bytes) in %.2f s: %.0f datagrams/s; %" PRIu64 " not sent\n", sent,
        sent * (g->o.flow_samples + g->o.counter_samples), sent_bytes, secs,
        secs > 0 ? (double)sent / secs : 0.0, dropped);
}

/* ---- main ---- */

static void
usage(FILE *f)
{
    fprintf(f,
        "usage: sfgen [-n N] -w FILE|- [options]\n"
        "       sfgen --send HOST:PORT [--rate R] [--duration S] [-n N] [options]\n"
        "Writes deterministic sFlow v5 datagrams (the shared benchmark mix) to a pcap\n"
        "file, or sends them over UDP.\n"
        "  -n N                datagrams (default 10000 to a file; no limit with --send)\n"
        "  -w FILE             pcap output, '-' for stdout\n"
        "  --seed S            PRNG seed (default 1)\n"
        "  --agents K          agents taking turns (default 4)\n"
        "  --ifaces N          interfaces per agent (default 48)\n"
        "  --flows N           distinct flows per agent (default 2000)\n"
        "  --flow-samples N    flow samples per datagram (default 7)\n"
        "  --counter-samples N counter samples per datagram (default 1)\n"
        "  --header-bytes N    longest sampled header (default 128)\n"
        "  --ipv6 PCT          make PCT percent of the flows IPv6 (default 0)\n"
        "  --interval-us N     pcap time between datagrams (default 500)\n"
        "  --seeds DIR         also write each payload to DIR/sfgen-N.bin (fuzz seeds)\n"
        "  --send HOST:PORT    send over UDP instead of writing a file\n"
        "  --rate R            datagrams per second with --send (default 1000; 0 = flat out)\n"
        "  --duration S        seconds to send for (default 10)\n"
        "  -h                  this help\n"
        "  --version           print the version and exit\n");
}

static uint64_t
number(const char *opt, const char *s, uint64_t min, uint64_t max)
{
    char *end;
    unsigned long long v;

    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno || end == s || *end || s[0] == '-' || v < min || v > max)
        fatalx("%s %s: want a number from %" PRIu64 " to %" PRIu64, opt, s, min, max);
    return v;
}

static double
real(const char *opt, const char *s)
{
    char *end;
    double v;

    errno = 0;
    v = strtod(s, &end);
    if (errno || end == s || *end || !(v >= 0))
        fatalx("%s %s: want a number >= 0", opt, s);
    return v;
}

enum {
    OPT_SEED = 256, OPT_AGENTS, OPT_IFACES, OPT_FLOWS, OPT_FLOW_SAMPLES,
    OPT_COUNTER_SAMPLES, OPT_HEADER_BYTES, OPT_INTERVAL, OPT_SEND, OPT_SEEDS, OPT_RATE,
    OPT_DURATION, OPT_IPV6,
};

int
main(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "seed", required_argument, NULL, OPT_SEED },
        { "agents", required_argument, NULL, OPT_AGENTS },
        { "ifaces", required_argument, NULL, OPT_IFACES },
        { "flows", required_argument, NULL, OPT_FLOWS },
        { "flow-samples", required_argument, NULL, OPT_FLOW_SAMPLES },
        { "counter-samples", required_argument, NULL, OPT_COUNTER_SAMPLES },
        { "header-bytes", required_argument, NULL, OPT_HEADER_BYTES },
        { "interval-us", required_argument, NULL, OPT_INTERVAL },
        { "send", required_argument, NULL, OPT_SEND },
        { "seeds", required_argument, NULL, OPT_SEEDS },
        { "rate", required_argument, NULL, OPT_RATE },
        { "duration", required_argument, NULL, OPT_DURATION },
        { "ipv6", required_argument, NULL, OPT_IPV6 },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 },
    };
    static struct gen g;
    struct opts *o = &g.o;
    int c, have_n = 0;

    log_init(argv[0], 0, 0);
    o->n = 10000;
    o->seed = 1;
    o->agents = 4;
    o->ifaces = 48;
    o->flows = 2000;
    o->flow_samples = 7;
    o->counter_samples = 1;
    o->header_bytes = 128;
    o->interval_us = 500;
    o->rate = 1000;
    o->duration = 10;
    while ((c = getopt_long(argc, argv, "n:w:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'n':
            o->n = number("-n", optarg, 1, UINT64_MAX);
            have_n = 1;
            break;
        case 'w':
            o->out = optarg;
            break;
        case OPT_SEED:
            o->seed = number("--seed", optarg, 0, UINT64_MAX);
            break;
        case OPT_AGENTS:
            o->agents = (uint32_t)number("--agents", optarg, 1, 65535);
            break;
        case OPT_IFACES:
            o->ifaces = (uint32_t)number("--ifaces", optarg, 2, 4096);
            break;
        case OPT_FLOWS:
            o->flows = (uint32_t)number("--flows", optarg, 1, 1000000);
            break;
        case OPT_FLOW_SAMPLES:
            o->flow_samples = (uint32_t)number("--flow-samples", optarg, 0, 64);
            break;
        case OPT_COUNTER_SAMPLES:
            o->counter_samples = (uint32_t)number("--counter-samples", optarg, 0, 64);
            break;
        case OPT_IPV6:
            o->ipv6_pct = (uint32_t)number("--ipv6", optarg, 0, 100);
            break;
        case OPT_HEADER_BYTES:
            o->header_bytes = (uint32_t)number("--header-bytes", optarg, 14, 1514);
            break;
        case OPT_INTERVAL:
            o->interval_us = (uint32_t)number("--interval-us", optarg, 0, 60000000);
            break;
        case OPT_SEEDS:
            /* Raw UDP payloads, one file each: seeds for the fuzzers. */
            o->out = "/dev/null";
            o->seeds = optarg;
            break;
        case OPT_SEND:
            o->send = optarg;
            break;
        case OPT_RATE:
            o->rate = real("--rate", optarg);
            break;
        case OPT_DURATION:
            o->duration = real("--duration", optarg);
            break;
        case 'h':
            usage(stdout);
            return 0;
        case 'V':
            printf("sfgen (sflowkit) %s\n", SFLOWKIT_VERSION);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
    }
    if (optind != argc || (o->out == NULL) == (o->send == NULL)) {
        usage(stderr);
        return 2;
    }
    if (o->send && !have_n)
        o->n = 0;

    g.sw = sflow_schema_find(SFLOW_TAG(0, SFLOW_FLOW_EX_SWITCH), 0);
    g.generic = sflow_schema_find(SFLOW_TAG(0, SFLOW_CTR_GENERIC), 1);
    g.ether = sflow_schema_find(SFLOW_TAG(0, SFLOW_CTR_ETHERNET), 1);
    if (g.sw == NULL || g.sw->n_fields != 4)
        fatalx("extended_switch schema changed; update sfgen");
    resolve(g.generic, generic_names, g.gi, 19);
    resolve(g.ether, ether_names, g.ei, 13);
    rng_seed(&g.rng, o->seed);
    make_agents(&g);

    if (o->send) {
        send_udp(&g);
        return 0;
    }
    write_pcap(&g);
    fprintf(stderr, "sfgen: %s: %" PRIu64 " datagrams, %" PRIu64 " samples (%" PRIu64
        " flow, %" PRIu64 " counter), sFlow payload %" PRIu64 " bytes (mean %.1f)\n",
        strcmp(o->out, "-") ? o->out : "stdout", g.n_dgrams, g.n_flow + g.n_cntr,
        g.n_flow, g.n_cntr, g.n_bytes, (double)g.n_bytes / (double)g.n_dgrams);
    return 0;
}
