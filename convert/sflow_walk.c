/*
 * sflow_walk: a decoded datagram as sflowtool's stream of named values.
 *
 * The order and names are those of sflowtool 6.11's text output, learnt
 * from its output on the shared corpus.  Most records are printed straight
 * from their schema (sflow_schema.c: sflowtool's names in wire order); the
 * walk special-cases only what a schema cannot say:
 *
 *   0:1      sampled header: the hex bytes, then the packet's fields
 *            (dstMAC, decodedVLAN, IPSize, srcIP, TCPSrcPort, ...)
 *   0:2,3,4  sampled Ethernet/IPv4/IPv6 (and the tunnel copies 1021-1026):
 *            printed in another order than on the wire, with derived
 *            fields (IPSize, TCPSrcPort or UDPSrcPort by protocol)
 *   0:1003   gateway: AS path segments and derived dst_as / dst_peer_as
 *   0:1004   user: charsets before the names
 *   0:1006   MPLS, 0:1012 VLAN tunnel: label stacks
 *   0:2209   tcp_info: direction as a word
 *   c 0:10   SFP lanes, c 0:1004 OpenFlow datapath id in hex,
 *   c 0:2001 host adapters (a nested list)
 *
 * Values are formatted here, once, into buffers on the stack; a visitor
 * only copies them out.  Numbers are formatted by hand: this runs for every
 * field of every datagram and printf would dominate the profile.
 */
#include "sflow_walk.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "drop_reason.h"
#include "sflow_decode.h"
#include "sflow_schema.h"

/*
 * Sampled headers longer than this are shown cut short: agents send 128
 * bytes by default (sFlowFsMaximumHeaderSize), and this bounds the hex
 * buffer, which lives on the stack.
 */
#define WALK_HEX_MAX 4096

#define WALK_KEY_MAX 128
#define WALK_LIST_DEPTH 4

struct walker {
    struct sflow_walk w;                /* What visitors see. */
    const struct sflow_walk_ops *ops;
    uint32_t index_stack[WALK_LIST_DEPTH];
    char key[WALK_KEY_MAX];             /* Prefixed keys are built here. */
    char val[WALK_HEX_MAX * 3 + 64];    /* Long values are built here. */
};

/* ---- Formatting ---- */

static const char hex_lower[] = "0123456789abcdef";
static const char hex_upper[] = "0123456789ABCDEF";

static const char digit_pairs[201] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

/* Writes 'v' in decimal at 'buf' (24 bytes suffice); returns the length. */
static size_t
fmt_u64(char *buf, uint64_t v)
{
    char tmp[24];
    char *p = tmp + sizeof(tmp);
    size_t n;

    uint32_t v32;

    /* Two digits per division: counters are mostly long numbers. */
    while (v > UINT32_MAX) {
        unsigned d = (unsigned)(v % 100);

        v /= 100;
        p -= 2;
        p[0] = digit_pairs[2 * d];
        p[1] = digit_pairs[2 * d + 1];
    }
    /* 32-bit division is several times cheaper than 64-bit on x86-64. */
    for (v32 = (uint32_t)v; v32 >= 100; v32 /= 100) {
        unsigned d = v32 % 100;

        p -= 2;
        p[0] = digit_pairs[2 * d];
        p[1] = digit_pairs[2 * d + 1];
    }
    v = v32;
    if (v >= 10) {
        p -= 2;
        p[0] = digit_pairs[2 * v];
        p[1] = digit_pairs[2 * v + 1];
    } else {
        *--p = (char)('0' + v);
    }
    n = (size_t)(tmp + sizeof(tmp) - p);
    memcpy(buf, p, n);
    buf[n] = '\0';
    return n;
}

static size_t
fmt_s64(char *buf, int64_t v)
{
    if (v < 0) {
        buf[0] = '-';
        return 1 + fmt_u64(buf + 1, (uint64_t)0 - (uint64_t)v);
    }
    return fmt_u64(buf, (uint64_t)v);
}

/* Two lowercase hex digits per byte, no separator (MACs, UUIDs). */
static size_t
fmt_hex(char *buf, const uint8_t *p, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        buf[2 * i] = hex_lower[p[i] >> 4];
        buf[2 * i + 1] = hex_lower[p[i] & 0xf];
    }
    buf[2 * n] = '\0';
    return 2 * n;
}

/* Sampled header bytes: "AE-18-B0". */
static size_t
fmt_hex_dashed(char *buf, const uint8_t *p, size_t n)
{
    size_t i, o = 0;

    for (i = 0; i < n; i++) {
        if (i > 0)
            buf[o++] = '-';
        buf[o++] = hex_upper[p[i] >> 4];
        buf[o++] = hex_upper[p[i] & 0xf];
    }
    buf[o] = '\0';
    return o;
}

/* 'v' in lowercase hex without leading zeros ("%x"). */
static size_t
fmt_hex_u32(char *buf, uint32_t v)
{
    char tmp[8];
    size_t n = 0, i;

    do {
        tmp[n++] = hex_lower[v & 0xf];
        v >>= 4;
    } while (v != 0);
    for (i = 0; i < n; i++)
        buf[i] = tmp[n - 1 - i];
    buf[n] = '\0';
    return n;
}

static size_t
fmt_ip4(char *buf, const uint8_t *p)
{
    size_t o = 0;
    int i;

    for (i = 0; i < 4; i++) {
        if (i > 0)
            buf[o++] = '.';
        o += fmt_u64(buf + o, p[i]);
    }
    return o;
}

/* sflowtool prints IPv6 addresses in full: 8 groups of 4 digits, no "::". */
static size_t
fmt_ip6(char *buf, const uint8_t *p)
{
    size_t o = 0;
    int i;

    for (i = 0; i < 16; i += 2) {
        if (i > 0)
            buf[o++] = ':';
        o += fmt_hex(buf + o, p + i, 2);
    }
    return o;
}

static size_t
fmt_uuid(char *buf, const uint8_t *p)
{
    static const uint8_t groups[] = { 4, 2, 2, 2, 6 };
    size_t o = 0, i;

    for (i = 0; i < sizeof(groups); i++) {
        if (i > 0)
            buf[o++] = '-';
        o += fmt_hex(buf + o, p, groups[i]);
        p += groups[i];
    }
    return o;
}

/* "enterprise:format" */
static size_t
fmt_tag(char *buf, uint32_t tag)
{
    size_t o = fmt_u64(buf, SFLOW_ENTERPRISE(tag));

    buf[o++] = ':';
    return o + fmt_u64(buf + o, SFLOW_FORMAT(tag));
}

/* Appends 'src' to 'buf' of 'size' bytes holding 'o' bytes; truncates. */
static size_t
fmt_append(char *buf, size_t size, size_t o, const char *src, size_t n)
{
    if (o >= size)
        return o;
    if (n > size - 1 - o)
        n = size - 1 - o;
    memcpy(buf + o, src, n);
    buf[o + n] = '\0';
    return o + n;
}

size_t
sflow_walk_time(char *buf, size_t size, long long sec)
{
    /*
     * One strftime() per distinct second: captures hold many datagrams per
     * second, and localtime_r() reads the zone rules each time.
     */
    static _Thread_local long long cached_sec = -1;
    static _Thread_local char cached[64];
    static _Thread_local size_t cached_len;
    static int tz_set;
    struct tm tm;
    time_t t = (time_t)sec;

    if (sec != cached_sec) {
        if (!tz_set) {
            tzset();
            tz_set = 1;
        }
        if (localtime_r(&t, &tm) == NULL)
            return 0;
        cached_len = strftime(cached, sizeof(cached), "%Y-%m-%dT%H:%M:%S%z", &tm);
        if (cached_len == 0)
            return 0;
        cached_sec = sec;
    }
    if (cached_len >= size)
        return 0;
    memcpy(buf, cached, cached_len + 1);
    return cached_len;
}

/* ---- Emitting events ---- */

static void
walk_kv(struct walker *wk, const char *key, const char *val, size_t len,
    enum sflow_walk_kind kind)
{
    size_t n;

    if (wk->ops->kv == NULL)
        return;
    /* sflowtool names what describes a dropped packet "discarded_...". */
    if (key != NULL && wk->w.discarded && wk->w.record != NULL) {
        n = strlen(key);
        if (n > sizeof(wk->key) - 11)
            n = sizeof(wk->key) - 11;
        memcpy(wk->key, "discarded_", 10);
        memcpy(wk->key + 10, key, n);
        wk->key[10 + n] = '\0';
        key = wk->key;
    }
    wk->ops->kv(&wk->w, key, val, len, kind);
    if (key == NULL && wk->w.depth > 0)
        wk->w.index++;
}

static void
walk_num(struct walker *wk, const char *key, uint64_t v)
{
    char buf[24];
    size_t n = fmt_u64(buf, v);

    walk_kv(wk, key, buf, n, SFLOW_WALK_NUM);
}

static void
walk_snum(struct walker *wk, const char *key, int64_t v)
{
    char buf[24];
    size_t n = fmt_s64(buf, v);

    walk_kv(wk, key, buf, n, SFLOW_WALK_NUM);
}

static void
walk_str(struct walker *wk, const char *key, const char *s)
{
    walk_kv(wk, key, s, strlen(s), SFLOW_WALK_STR);
}

static void
walk_tag(struct walker *wk, const char *key, uint32_t tag)
{
    char buf[24];
    size_t n = fmt_tag(buf, tag);

    walk_kv(wk, key, buf, n, SFLOW_WALK_STR);
}

static void
walk_mac(struct walker *wk, const char *key, const uint8_t *p)
{
    char buf[16];
    size_t n = fmt_hex(buf, p, 6);

    walk_kv(wk, key, buf, n, SFLOW_WALK_STR);
}

static void
walk_ip(struct walker *wk, const char *key, const uint8_t *p, int v6)
{
    char buf[48];
    size_t n = v6 ? fmt_ip6(buf, p) : fmt_ip4(buf, p);

    walk_kv(wk, key, buf, n, SFLOW_WALK_STR);
}

static void
walk_note(struct walker *wk, const char *text)
{
    if (wk->ops->note != NULL)
        wk->ops->note(&wk->w, text);
}

/* "skipping unknown <what>: E:F len=N", as sflowtool says it (len is signed). */
static void
walk_skip_note(struct walker *wk, const char *what, uint32_t tag, uint32_t len)
{
    char buf[128];
    size_t o = 0;
    char num[24];

    o = fmt_append(buf, sizeof(buf), o, "skipping unknown ", 17);
    o = fmt_append(buf, sizeof(buf), o, what, strlen(what));
    o = fmt_append(buf, sizeof(buf), o, ": ", 2);
    o = fmt_append(buf, sizeof(buf), o, num, fmt_tag(num, tag));
    o = fmt_append(buf, sizeof(buf), o, " len=", 5);
    fmt_append(buf, sizeof(buf), o, num, fmt_s64(num, (int32_t)len));
    walk_note(wk, buf);
}

static void
walk_list_begin(struct walker *wk, const char *json_name, const char *text_name)
{
    if (wk->w.depth < WALK_LIST_DEPTH)
        wk->index_stack[wk->w.depth] = wk->w.index;
    wk->w.depth++;
    wk->w.index = 0;
    if (wk->ops->list_begin != NULL)
        wk->ops->list_begin(&wk->w, json_name, text_name);
}

static void
walk_list_end(struct walker *wk)
{
    if (wk->ops->list_end != NULL)
        wk->ops->list_end(&wk->w);
    wk->w.depth--;
    wk->w.index = wk->w.depth < WALK_LIST_DEPTH ? wk->index_stack[wk->w.depth] : 0;
}

static void
walk_item_begin(struct walker *wk)
{
    if (wk->ops->item_begin != NULL)
        wk->ops->item_begin(&wk->w);
}

static void
walk_item_end(struct walker *wk)
{
    if (wk->ops->item_end != NULL)
        wk->ops->item_end(&wk->w);
    wk->w.index++;
}

/* Builds 'prefix' + 'name' in wk->key (for tunnel copies of sampled records). */
static const char *
walk_key(struct walker *wk, const char *prefix, size_t plen, const char *name)
{
    size_t o = fmt_append(wk->key, sizeof(wk->key), 0, prefix, plen);

    fmt_append(wk->key, sizeof(wk->key), o, name, strlen(name));
    return wk->key;
}

/* ---- Schema fields ---- */

static void
walk_percent(struct walker *wk, const char *key, int64_t hundredths)
{
    char buf[64];
    int n;

    if ((uint32_t)hundredths == UINT32_MAX) {
        walk_str(wk, key, "unknown");
        return;
    }
    /* As sflowtool: through a float, so large values round the same way. */
    n = snprintf(buf, sizeof(buf), "%.2f", (double)((float)(uint32_t)hundredths / 100.0f));
    if (n > 0 && (size_t)n < sizeof(buf))
        walk_kv(wk, key, buf, (size_t)n, SFLOW_WALK_NUM);
}

/* A string<>: up to its first NUL, as sflowtool copies it into a C string. */
static void
walk_string(struct walker *wk, const char *key, const struct sflow_bytes *b)
{
    size_t n = b->len;
    const void *nul;

    if (b->p == NULL)
        n = 0;
    else if ((nul = memchr(b->p, 0, n)) != NULL)
        n = (size_t)((const uint8_t *)nul - b->p);
    if (n > sizeof(wk->val) - 1)
        n = sizeof(wk->val) - 1;
    if (n > 0)
        memcpy(wk->val, b->p, n);
    wk->val[n] = '\0';
    walk_kv(wk, key, wk->val, n, SFLOW_WALK_STR);
}

static void
walk_u32_list(struct walker *wk, const char *key, const struct sflow_bytes *b)
{
    size_t o = 0;
    uint32_t i;
    char num[24];

    wk->val[0] = '\0';
    for (i = 0; i < b->count; i++) {
        if (i > 0)
            o = fmt_append(wk->val, sizeof(wk->val), o, "-", 1);
        o = fmt_append(wk->val, sizeof(wk->val), o, num,
            fmt_u64(num, sflow_list_u32(b, i)));
    }
    walk_kv(wk, key, wk->val, o, SFLOW_WALK_STR);
}

static void
walk_addr(struct walker *wk, const char *key, const struct sflow_addr *a)
{
    if (a->type == SFLOW_ADDR_IP4 || a->type == SFLOW_ADDR_IP6)
        walk_ip(wk, key, a->a, a->type == SFLOW_ADDR_IP6);
    else
        walk_str(wk, key, "-");
}

/*
 * host_adapters: text flattens it to adaptor_<i>_ifIndex, adaptor_<i>_MACs,
 * adaptor_<i>_MAC_<j>; JSON nests "adaptor_list" / "mac_list".
 */
static void
walk_adapters(struct walker *wk, const struct sflow_bytes *b)
{
    size_t pos = 0, next;
    uint32_t i, j, if_index, n_macs;
    const uint8_t *macs;

    walk_list_begin(wk, "adaptor_list", "adaptor");
    for (i = 0; i < b->count; i++) {
        next = sflow_adapters_next(b, pos, &if_index, &n_macs, &macs);
        if (next == 0)
            break;
        walk_item_begin(wk);
        walk_num(wk, "ifIndex", if_index);
        walk_num(wk, "MACs", n_macs);
        walk_list_begin(wk, "mac_list", "MAC");
        for (j = 0; j < n_macs; j++)
            walk_mac(wk, NULL, macs + (size_t)j * 8);
        walk_list_end(wk);
        walk_item_end(wk);
        pos = next;
    }
    walk_list_end(wk);
}

/* sfp_lane: 10 unsigned ints per lane. */
static void
walk_lanes(struct walker *wk, const struct sflow_bytes *b)
{
    static const char *const names[10] = {
        "index", "tx_bias_current_uA", "tx_power_uW", "tx_power_min_uW",
        "tx_power_max_uW", "tx_wavelength_nM", "rx_power_uW",
        "rx_power_min_uW", "rx_power_max_uW", "rx_wavelength_nM",
    };
    uint32_t i, k;

    walk_num(wk, "sfp_module_active_lanes", b->count);
    walk_list_begin(wk, "sfp_lanes", "sfp_lane");
    for (i = 0; i < b->count; i++) {
        walk_item_begin(wk);
        for (k = 0; k < 10; k++)
            walk_num(wk, names[k], sflow_list_u32(b, i * 10 + k));
        walk_item_end(wk);
    }
    walk_list_end(wk);
}

/* One schema field, formatted by its type. */
static void
walk_field(struct walker *wk, const char *key, const struct sflow_field *f,
    const union sflow_value *v)
{
    char buf[64];
    size_t n;
    int len;

    switch (f->type) {
    case SFT_U32:
    case SFT_U64:
    case SFT_U8:
        walk_num(wk, key, v->u);
        break;
    case SFT_S32:
        walk_snum(wk, key, v->s);
        break;
    case SFT_FLOAT:
        len = snprintf(buf, sizeof(buf), "%.3f", (double)v->f);
        if (len > 0 && (size_t)len < sizeof(buf))
            walk_kv(wk, key, buf, (size_t)len, SFLOW_WALK_NUM);
        break;
    case SFT_PERCENT:
        walk_percent(wk, key, v->s);
        break;
    case SFT_MAC:
        if (v->b.p != NULL)
            walk_mac(wk, key, v->b.p);
        break;
    case SFT_IP4:
    case SFT_IP6:
        if (v->b.p != NULL)
            walk_ip(wk, key, v->b.p, f->type == SFT_IP6);
        break;
    case SFT_ADDR:
        walk_addr(wk, key, &v->addr);
        break;
    case SFT_STR:
        walk_string(wk, key, &v->b);
        break;
    case SFT_UUID:
        if (v->b.p != NULL) {
            n = fmt_uuid(buf, v->b.p);
            walk_kv(wk, key, buf, n, SFLOW_WALK_STR);
        }
        break;
    case SFT_OPAQUE:
        n = v->b.len < WALK_HEX_MAX ? v->b.len : WALK_HEX_MAX;
        n = v->b.p != NULL ? fmt_hex_dashed(wk->val, v->b.p, n) : 0;
        wk->val[n] = '\0';
        walk_kv(wk, key, wk->val, n, SFLOW_WALK_STR);
        break;
    case SFT_U32_LIST:
        walk_u32_list(wk, key, &v->b);
        break;
    case SFT_AS_PATH:
        break;                  /* Only in 0:1003, which has its own walk. */
    case SFT_ADAPTERS:
        walk_adapters(wk, &v->b);
        break;
    case SFT_LANES:
        walk_lanes(wk, &v->b);
        break;
    }
}

/*
 * Strings the agent left empty are not printed, as sflowtool does for all
 * but the user and URL records.
 */
static int
walk_field_present(const struct sflow_record *rec, size_t i)
{
    const struct sflow_field *f = &rec->schema->fields[i];

    if (f->type != SFT_STR || rec->v[i].b.len > 0)
        return 1;
    return rec->tag == SFLOW_TAG(0, 1005);
}

static void
walk_fields(struct walker *wk, const struct sflow_record *rec)
{
    const struct sflow_schema *s = rec->schema;
    size_t i, n = rec->n_values < s->n_fields ? rec->n_values : s->n_fields;

    for (i = 0; i < n; i++)
        if (walk_field_present(rec, i))
            walk_field(wk, s->fields[i].name, &s->fields[i], &rec->v[i]);
}

/* ---- Special flow records ---- */

/* Field 'i' of 'rec' by its schema name; for records printed out of order. */
static void
walk_field_at(struct walker *wk, const struct sflow_record *rec, size_t i)
{
    if (i < rec->n_values && i < rec->schema->n_fields)
        walk_field(wk, rec->schema->fields[i].name, &rec->schema->fields[i],
            &rec->v[i]);
}

/* Layer 4 of a decoded packet header; sflowtool wants 8 bytes of it. */
static void
walk_pkt_l4(struct walker *wk, const struct pkt_layer *l, uint32_t proto,
    size_t captured)
{
    if (l->l4 == 0 || l->l4 != (int)proto || l->l4_offset + 8 > captured)
        return;
    switch (proto) {
    case 1:
        walk_num(wk, "ICMPType", l->icmp_type);
        walk_num(wk, "ICMPCode", l->icmp_code);
        break;
    case 6:
        walk_num(wk, "TCPSrcPort", l->src_port);
        walk_num(wk, "TCPDstPort", l->dst_port);
        walk_num(wk, "TCPFlags", l->tcp_flags);
        break;
    case 17:
        walk_num(wk, "UDPSrcPort", l->src_port);
        walk_num(wk, "UDPDstPort", l->dst_port);
        walk_num(wk, "UDPBytes", l->udp_len);
        break;
    default:
        break;
    }
}

static void
walk_pkt_ipv4(struct walker *wk, const struct pkt_layer *l, size_t captured)
{
    /*
     * IPID: sflowtool prints the field without converting it from network
     * byte order; we print its value (docs/compat.md).
     */
    walk_num(wk, "ip.tot_len", l->ip_total_len);
    walk_ip(wk, "srcIP", l->src_ip, 0);
    walk_ip(wk, "dstIP", l->dst_ip, 0);
    walk_num(wk, "IPProtocol", l->proto);
    walk_num(wk, "IPTOS", l->tos);
    walk_num(wk, "IPTTL", l->ttl);
    walk_num(wk, "IPID", l->ip_id);
    if (l->ip_frag_off > 0) {
        walk_num(wk, "IPFragmentOffset", l->ip_frag_off);
        return;
    }
    walk_pkt_l4(wk, l, l->proto, captured);
}

/*
 * sflowtool walks IPv6 extension headers itself, naming each one, and
 * sizes them all as (len + 1) * 8 bytes; the names and the protocol it
 * ends on are reproduced from the bytes, the transport fields come from
 * pkt_parse when both walks end on the same protocol.
 */
static void
walk_pkt_ipv6(struct walker *wk, const struct pkt_layer *l, const uint8_t *p,
    size_t captured)
{
    size_t off = l->l3_offset + 40;
    uint32_t nh = l->ip6_first_nh;
    int n = 0, walked_ok = 1;

    walk_num(wk, "IPTOS", l->tos);
    {
        char buf[16];
        size_t o = fmt_append(buf, sizeof(buf), 0, "0x", 2);

        o += fmt_hex_u32(buf + o, l->ip6_flow_label);
        walk_kv(wk, "IP6_label", buf, o, SFLOW_WALK_STR);
    }
    if (l->ip6_payload_len == 0)
        walk_str(wk, "IPV6_payloadLen", "<jumbo>");
    else
        walk_num(wk, "IPV6_payloadLen", l->ip6_payload_len);
    walk_num(wk, "IPTTL", l->ttl);
    walk_ip(wk, "srcIP6", l->src_ip, 1);
    walk_ip(wk, "dstIP6", l->dst_ip, 1);
    while ((nh == 0 || nh == 43 || nh == 44 || nh == 51 || nh == 60) && n < 16) {
        walk_num(wk, "IP6HeaderExtension", nh);
        if (off + 2 > captured) {
            walked_ok = 0;
            break;
        }
        nh = p[off];
        off += ((size_t)p[off + 1] + 1) * 8;
        n++;
        if (off > captured)
            return;             /* sflowtool stops here: ran off the header. */
    }
    if (!walked_ok)
        return;
    walk_num(wk, "IPProtocol", nh);
    if (nh == l->proto)
        walk_pkt_l4(wk, l, nh, captured);
}

/* 0:1 sampled_header. */
static void
walk_header(struct walker *wk, const struct sflow_record *rec)
{
    const struct sflow_schema *s = rec->schema;
    const struct pkt_info *pkt = rec->pkt;
    const struct pkt_layer *l;
    uint32_t proto = (uint32_t)rec->v[0].u;
    int64_t size;
    int i;
    char name[32];
    char buf[48];

    walk_str(wk, "flowSampleType", s->type_name);
    walk_field_at(wk, rec, 0);
    walk_field_at(wk, rec, 1);
    walk_field_at(wk, rec, 2);
    walk_num(wk, "headerLen", rec->v[3].b.len);
    walk_field_at(wk, rec, 3);
    if (pkt == NULL) {
        if (proto >= 2 && proto <= 16 && proto != 11 && proto != 12) {
            size_t n = (size_t)snprintf(buf, sizeof(buf),
                "NO_DECODE headerProtocol=%u", (unsigned)proto);
            if (n < sizeof(buf))
                walk_note(wk, buf);
        }
        return;
    }
    l = &pkt->outer;
    if (proto == PKT_PROTO_ETHERNET) {
        if (!l->has_eth)
            return;
        walk_mac(wk, "dstMAC", l->dst_mac);
        walk_mac(wk, "srcMAC", l->src_mac);
        for (i = 0; i < l->n_vlans; i++) {
            if (i == 0) {
                walk_num(wk, "decodedVLAN", l->vlan_id[i]);
                walk_num(wk, "decodedPriority", l->vlan_prio[i]);
                continue;
            }
            snprintf(name, sizeof(name), "decodedVLAN.%d", i);
            walk_num(wk, name, l->vlan_id[i]);
            snprintf(name, sizeof(name), "decodedPriority.%d", i);
            walk_num(wk, name, l->vlan_prio[i]);
        }
        if (l->eth_type == 0)
            return;
        walk_num(wk, "ethernet_type", l->eth_type);
    }
    if (l->l3 == 0 && proto == PKT_PROTO_ETHERNET)
        return;
    /* The IP packet's size on the wire, from what the agent says it cut. */
    size = (int64_t)(int32_t)((uint32_t)rec->v[1].u - (uint32_t)rec->v[2].u -
        (uint32_t)l->l3_offset);
    walk_snum(wk, "IPSize", size);
    if (l->l3 == 4)
        walk_pkt_ipv4(wk, l, rec->v[3].b.len);
    else if (l->l3 == 6)
        walk_pkt_ipv6(wk, l, rec->v[3].b.p, rec->v[3].b.len);
}

/* Length of the "tunnel_ipv4_out_" prefix of a tunnel copy's first field. */
static size_t
walk_prefix_len(const struct sflow_record *rec, const char *first)
{
    size_t n = strlen(rec->schema->fields[0].name), m = strlen(first);

    return n > m ? n - m : 0;
}

/* 0:2 sampled_ethernet, 1021/1022 its tunnel copies: type first. */
static void
walk_sampled_ethernet(struct walker *wk, const struct sflow_record *rec)
{
    walk_str(wk, "flowSampleType", rec->schema->type_name);
    walk_field_at(wk, rec, 3);
    walk_field_at(wk, rec, 0);
    walk_field_at(wk, rec, 1);
    walk_field_at(wk, rec, 2);
}

/* 0:3 sampled_ipv4 / 0:4 sampled_ipv6 and their tunnel copies 1023-1026. */
static void
walk_sampled_ip(struct walker *wk, const struct sflow_record *rec, int v6)
{
    const char *pfx = rec->schema->fields[0].name;
    size_t plen = walk_prefix_len(rec, "sampledPacketSize");
    uint32_t proto = (uint32_t)rec->v[1].u;

    if (rec->n_values < rec->schema->n_fields)
        return;
    walk_str(wk, "flowSampleType", rec->schema->type_name);
    walk_num(wk, walk_key(wk, pfx, plen, "sampledPacketSize"), rec->v[0].u);
    walk_num(wk, walk_key(wk, pfx, plen, "IPSize"), rec->v[0].u);
    walk_ip(wk, walk_key(wk, pfx, plen, v6 ? "srcIP6" : "srcIP"), rec->v[2].b.p, v6);
    walk_ip(wk, walk_key(wk, pfx, plen, v6 ? "dstIP6" : "dstIP"), rec->v[3].b.p, v6);
    walk_num(wk, walk_key(wk, pfx, plen, "IPProtocol"), proto);
    walk_num(wk, walk_key(wk, pfx, plen, v6 ? "priority" : "IPTOS"), rec->v[7].u);
    switch (proto) {
    case 1:
        /* Agents disagree on where ICMP goes; sflowtool takes dst_port. */
        walk_num(wk, walk_key(wk, pfx, plen, "ICMPType"), rec->v[5].u);
        break;
    case 6:
        walk_num(wk, walk_key(wk, pfx, plen, "TCPSrcPort"), rec->v[4].u);
        walk_num(wk, walk_key(wk, pfx, plen, "TCPDstPort"), rec->v[5].u);
        walk_num(wk, walk_key(wk, pfx, plen, "TCPFlags"), rec->v[6].u);
        break;
    case 17:
        walk_num(wk, walk_key(wk, pfx, plen, "UDPSrcPort"), rec->v[4].u);
        walk_num(wk, walk_key(wk, pfx, plen, "UDPDstPort"), rec->v[5].u);
        break;
    default:
        break;
    }
}

/*
 * 0:1003 extended_gateway.  The AS path prints as its ASNs joined by '-',
 * AS_SET segments in parentheses; dst_peer_as is its first ASN, dst_as its
 * last.  Empty path and communities are not printed.
 */
static void
walk_gateway(struct walker *wk, const struct sflow_record *rec)
{
    const struct sflow_bytes *path = &rec->v[4].b;
    size_t pos = 0, next, o = 0;
    uint32_t type, n, i, seg, dst_as = 0, dst_peer_as = 0;
    const uint8_t *asns;
    char num[24];

    if (rec->n_values < rec->schema->n_fields)
        return;
    walk_str(wk, "extendedType", rec->schema->type_name);
    walk_field_at(wk, rec, 0);
    walk_field_at(wk, rec, 1);
    walk_field_at(wk, rec, 2);
    walk_field_at(wk, rec, 3);
    wk->val[0] = '\0';
    for (seg = 0; seg < path->count; seg++) {
        next = sflow_as_path_next(path, pos, &type, &n, &asns);
        if (next == 0)
            break;
        if (type == 1)
            o = fmt_append(wk->val, sizeof(wk->val), o, "(", 1);
        for (i = 0; i < n; i++) {
            if (i > 0)
                o = fmt_append(wk->val, sizeof(wk->val), o, "-", 1);
            o = fmt_append(wk->val, sizeof(wk->val), o, num,
                fmt_u64(num, sflow_be32(asns + (size_t)i * 4)));
        }
        if (type == 1)
            o = fmt_append(wk->val, sizeof(wk->val), o, ")", 1);
        if (seg == 0 && n > 0)
            dst_peer_as = sflow_be32(asns);
        dst_as = n > 0 ? sflow_be32(asns + (size_t)(n - 1) * 4) : 0;
        pos = next;
    }
    if (path->count > 0)
        walk_kv(wk, "dst_as_path", wk->val, o, SFLOW_WALK_STR);
    walk_num(wk, "dst_as", dst_as);
    walk_num(wk, "dst_peer_as", dst_peer_as);
    if (rec->v[5].b.count > 0)
        walk_field_at(wk, rec, 5);
    walk_field_at(wk, rec, 6);
}

/* 0:1004 extended_user: both charsets, then both names. */
static void
walk_user(struct walker *wk, const struct sflow_record *rec)
{
    if (rec->n_values < rec->schema->n_fields)
        return;
    walk_str(wk, "extendedType", rec->schema->type_name);
    walk_field_at(wk, rec, 0);
    walk_field_at(wk, rec, 2);
    walk_field_at(wk, rec, 1);
    walk_field_at(wk, rec, 3);
}

/* MPLS label stack entries as "label.exp.bos.ttl", joined by '-'. */
static void
walk_label_stack(struct walker *wk, const char *key, const struct sflow_bytes *b)
{
    size_t o = 0;
    uint32_t i, lab;
    char num[24];

    if (b->count == 0)
        return;
    for (i = 0; i < b->count; i++) {
        lab = sflow_list_u32(b, i);
        if (i > 0)
            o = fmt_append(wk->val, sizeof(wk->val), o, "-", 1);
        o = fmt_append(wk->val, sizeof(wk->val), o, num, fmt_u64(num, lab >> 12));
        o = fmt_append(wk->val, sizeof(wk->val), o, ".", 1);
        o = fmt_append(wk->val, sizeof(wk->val), o, num, fmt_u64(num, (lab >> 9) & 7));
        o = fmt_append(wk->val, sizeof(wk->val), o, ".", 1);
        o = fmt_append(wk->val, sizeof(wk->val), o, num, fmt_u64(num, (lab >> 8) & 1));
        o = fmt_append(wk->val, sizeof(wk->val), o, ".", 1);
        o = fmt_append(wk->val, sizeof(wk->val), o, num, fmt_u64(num, lab & 255));
    }
    walk_kv(wk, key, wk->val, o, SFLOW_WALK_STR);
}

/* 0:1006 extended_mpls. */
static void
walk_mpls(struct walker *wk, const struct sflow_record *rec)
{
    if (rec->n_values < rec->schema->n_fields)
        return;
    walk_str(wk, "extendedType", rec->schema->type_name);
    walk_field_at(wk, rec, 0);
    walk_label_stack(wk, rec->schema->fields[1].name, &rec->v[1].b);
    walk_label_stack(wk, rec->schema->fields[2].name, &rec->v[2].b);
}

/*
 * 0:1012 extended_vlantunnel: each 802.1Q tag as sflowtool shows it, the
 * TPID in hex immediately followed by "priority.CFI.VLAN".
 */
static void
walk_vlan_tunnel(struct walker *wk, const struct sflow_record *rec)
{
    const struct sflow_bytes *b = &rec->v[0].b;
    size_t o = 0;
    uint32_t i, tag;
    char num[24];
    uint8_t tpid[2];

    if (rec->n_values < 1 || b->count == 0)
        return;
    for (i = 0; i < b->count; i++) {
        tag = sflow_list_u32(b, i);
        tpid[0] = (uint8_t)(tag >> 24);
        tpid[1] = (uint8_t)(tag >> 16);
        if (i > 0)
            o = fmt_append(wk->val, sizeof(wk->val), o, "-", 1);
        o = fmt_append(wk->val, sizeof(wk->val), o, "0x", 2);
        o = fmt_append(wk->val, sizeof(wk->val), o, num, fmt_hex(num, tpid, 2));
        o = fmt_append(wk->val, sizeof(wk->val), o, num, fmt_u64(num, (tag >> 13) & 7));
        o = fmt_append(wk->val, sizeof(wk->val), o, ".", 1);
        o = fmt_append(wk->val, sizeof(wk->val), o, num, fmt_u64(num, (tag >> 12) & 1));
        o = fmt_append(wk->val, sizeof(wk->val), o, ".", 1);
        o = fmt_append(wk->val, sizeof(wk->val), o, num, fmt_u64(num, tag & 4095));
    }
    walk_kv(wk, rec->schema->fields[0].name, wk->val, o, SFLOW_WALK_STR);
}

/* 0:2209 extended_tcp_info: the direction as a word. */
static void
walk_tcp_info(struct walker *wk, const struct sflow_record *rec)
{
    static const char *const dirs[] = { "unknown", "received", "sent" };
    size_t i;

    if (rec->n_values < 1)
        return;
    walk_str(wk, "tcpinfo_direction", rec->v[0].u < 3 ? dirs[rec->v[0].u] : "<bad value>");
    for (i = 1; i < rec->n_values && i < rec->schema->n_fields; i++)
        walk_field_at(wk, rec, i);
}

/* Generic flow record: its type line, then its fields in wire order. */
static void
walk_flow_generic(struct walker *wk, const struct sflow_record *rec)
{
    if (rec->schema->type_name != NULL)
        walk_str(wk, rec->tag == SFLOW_TAG(0, 2206) ? "flowSampleType" : "extendedType",
            rec->schema->type_name);
    walk_fields(wk, rec);
}

static void
walk_flow_record(struct walker *wk, const struct sflow_record *rec)
{
    switch (rec->tag) {
    case SFLOW_TAG(0, SFLOW_FLOW_HEADER):
        if (rec->n_values == rec->schema->n_fields)
            walk_header(wk, rec);
        break;
    case SFLOW_TAG(0, SFLOW_FLOW_ETHERNET):
    case SFLOW_TAG(0, 1021):
    case SFLOW_TAG(0, 1022):
        walk_sampled_ethernet(wk, rec);
        break;
    case SFLOW_TAG(0, SFLOW_FLOW_IPV4):
    case SFLOW_TAG(0, 1023):
    case SFLOW_TAG(0, 1024):
        walk_sampled_ip(wk, rec, 0);
        break;
    case SFLOW_TAG(0, SFLOW_FLOW_IPV6):
    case SFLOW_TAG(0, 1025):
    case SFLOW_TAG(0, 1026):
        walk_sampled_ip(wk, rec, 1);
        break;
    case SFLOW_TAG(0, SFLOW_FLOW_EX_GATEWAY):
        walk_gateway(wk, rec);
        break;
    case SFLOW_TAG(0, 1004):
        walk_user(wk, rec);
        break;
    case SFLOW_TAG(0, 1006):
        walk_mpls(wk, rec);
        break;
    case SFLOW_TAG(0, 1012):
        walk_vlan_tunnel(wk, rec);
        break;
    case SFLOW_TAG(0, 2209):
        walk_tcp_info(wk, rec);
        break;
    default:
        walk_flow_generic(wk, rec);
        break;
    }
}

/* ---- Special counter records ---- */

/* 0:1004 of_port: the datapath id is a hex string. */
static void
walk_of_port(struct walker *wk, const struct sflow_record *rec)
{
    char buf[24];
    int i;
    uint64_t v = rec->v[0].u;

    if (rec->n_values < rec->schema->n_fields)
        return;
    for (i = 15; i >= 0; i--, v >>= 4)
        buf[i] = hex_lower[v & 0xf];
    buf[16] = '\0';
    walk_kv(wk, rec->schema->fields[0].name, buf, 16, SFLOW_WALK_STR);
    walk_field_at(wk, rec, 1);
}

static void
walk_counter_record(struct walker *wk, const struct sflow_record *rec)
{
    if (rec->tag == SFLOW_TAG(0, SFLOW_CTR_OPENFLOW_PORT))
        walk_of_port(wk, rec);
    else
        walk_fields(wk, rec);
}

/* ---- Samples ---- */

/* The flow records sflowtool decodes inside a discarded-packet sample. */
static int
walk_discard_known(uint32_t tag)
{
    switch (tag) {
    case SFLOW_TAG(0, SFLOW_FLOW_HEADER):
    case SFLOW_TAG(0, 1036):
    case SFLOW_TAG(0, 1038):
    case SFLOW_TAG(0, 1041):
    case SFLOW_TAG(0, 1042):
        return 1;
    default:
        return 0;
    }
}

static void
walk_record(struct walker *wk, const struct sflow_record *rec, uint32_t sample_fmt)
{
    int counter = sample_fmt == SFLOW_COUNTERS_SAMPLE ||
        sample_fmt == SFLOW_COUNTERS_SAMPLE_EXPANDED;
    int known = rec->schema != NULL;
    const char *what;

    if (sample_fmt == SFLOW_DISCARDED_PACKET && !walk_discard_known(rec->tag))
        known = 0;
    wk->w.record = rec;
    wk->w.element_tag = rec->tag;
    if (wk->ops->element_begin != NULL)
        wk->ops->element_begin(&wk->w, rec->tag, known);
    walk_tag(wk, counter ? "counterBlock_tag" : "flowBlock_tag", rec->tag);
    if (!known) {
        what = counter ? "counters_sample_element" :
            sample_fmt == SFLOW_DISCARDED_PACKET ? "discard_sample_element" :
            "flow_sample_element";
        walk_skip_note(wk, what, rec->tag, rec->length);
    } else if (!rec->error) {
        if (counter)
            walk_counter_record(wk, rec);
        else
            walk_flow_record(wk, rec);
    }
    if (wk->ops->element_end != NULL)
        wk->ops->element_end(&wk->w);
    wk->w.record = NULL;
}

/* An input/output word: ifIndex, or "dropCode N", "multiple N". */
static void
walk_port(struct walker *wk, const char *key, uint32_t format, uint32_t value)
{
    static const char *const forms[] = { "", "dropCode ", "multiple ", "format==3 " };
    char buf[48];
    size_t o;

    if (format == 0) {
        walk_num(wk, key, value);
        return;
    }
    if (format > 3) {
        walk_kv(wk, key, "", 0, SFLOW_WALK_STR);
        return;
    }
    o = fmt_append(buf, sizeof(buf), 0, forms[format], strlen(forms[format]));
    o += fmt_u64(buf + o, value);
    walk_kv(wk, key, buf, o, SFLOW_WALK_STR);
}

static void
walk_source_id(struct walker *wk, const struct sflow_sample *s)
{
    char buf[24];
    size_t o = fmt_u64(buf, s->ds_class);

    buf[o++] = ':';
    o += fmt_u64(buf + o, s->ds_index);
    walk_kv(wk, "sourceId", buf, o, SFLOW_WALK_STR);
}

static void
walk_sample_fields(struct walker *wk, const struct sflow_sample *s, uint32_t fmt)
{
    const char *name;

    walk_num(wk, "sampleSequenceNo", s->seq);
    walk_source_id(wk, s);
    switch (fmt) {
    case SFLOW_FLOW_SAMPLE:
    case SFLOW_FLOW_SAMPLE_EXPANDED:
        walk_num(wk, "meanSkipCount", s->sampling_rate);
        walk_num(wk, "samplePool", s->sample_pool);
        walk_num(wk, "dropEvents", s->drops);
        walk_port(wk, "inputPort", s->input_format, s->input);
        walk_port(wk, "outputPort", s->output_format, s->output);
        break;
    case SFLOW_DISCARDED_PACKET:
        walk_num(wk, "dropEvents", s->drops);
        walk_num(wk, "inputPort", s->input);
        walk_num(wk, "outputPort", s->output);
        walk_num(wk, "discardCode", s->reason);
        name = drop_reason_name(s->reason);
        walk_str(wk, "discardReason", name != NULL ? name : "NotFound");
        break;
    default:
        break;
    }
}

/* ---- Enrichment hook ---- */

static sflow_walk_enrich_fn enrich_fn;
static void *enrich_arg;

void
sflow_walk_set_enrich(sflow_walk_enrich_fn fn, void *arg)
{
    enrich_fn = fn;
    enrich_arg = arg;
}

static void
walk_enrich_emit(void *arg, const char *key, const char *val, size_t len,
    enum sflow_walk_kind kind)
{
    walk_kv(arg, key, val, len, kind);
}

/* The sample's IP addresses, as netflow5.c finds them, for the hook. */
static void
walk_enrich(struct walker *wk, const struct sflow_sample *s)
{
    const struct sflow_datagram *dg = wk->w.dg;
    const struct sflow_record *rec;
    uint32_t i;

    for (i = 0; i < s->n_records && s->first_record + i < dg->n_records; i++) {
        rec = &dg->records[s->first_record + i];
        if (rec->schema == NULL || rec->error || rec->n_values < rec->schema->n_fields)
            continue;
        if (rec->tag == SFLOW_TAG(0, SFLOW_FLOW_HEADER) && rec->pkt != NULL &&
            (rec->pkt->outer.l3 == 4 || rec->pkt->outer.l3 == 6)) {
            enrich_fn(enrich_arg, rec->pkt->outer.l3 == 6, rec->pkt->outer.src_ip,
                rec->pkt->outer.dst_ip, walk_enrich_emit, wk);
            return;
        }
        if (rec->tag == SFLOW_TAG(0, SFLOW_FLOW_IPV4) ||
            rec->tag == SFLOW_TAG(0, SFLOW_FLOW_IPV6)) {
            enrich_fn(enrich_arg, rec->tag == SFLOW_TAG(0, SFLOW_FLOW_IPV6),
                rec->v[2].b.p, rec->v[3].b.p, walk_enrich_emit, wk);
            return;
        }
    }
}

static void
walk_sample(struct walker *wk, const struct sflow_sample *s)
{
    const struct sflow_datagram *dg = wk->w.dg;
    uint32_t fmt = SFLOW_FORMAT(s->tag), i;

    wk->w.sample = s;
    wk->w.record = NULL;
    wk->w.element_tag = 0;
    wk->w.discarded = s->known && fmt == SFLOW_DISCARDED_PACKET;
    if (wk->ops->sample_begin != NULL)
        wk->ops->sample_begin(&wk->w);
    walk_tag(wk, "sampleType_tag", s->tag);
    if (!s->known) {
        walk_skip_note(wk, "sample", s->tag, s->length);
    } else {
        walk_str(wk, "sampleType",
            fmt == SFLOW_FLOW_SAMPLE || fmt == SFLOW_FLOW_SAMPLE_EXPANDED ? "FLOWSAMPLE" :
            fmt == SFLOW_DISCARDED_PACKET ? "DISCARD" : "COUNTERSSAMPLE");
        if (s->header_ok) {
            walk_sample_fields(wk, s, fmt);
            if (enrich_fn != NULL && SFLOW_ENTERPRISE(s->tag) == 0 &&
                (fmt == SFLOW_FLOW_SAMPLE || fmt == SFLOW_FLOW_SAMPLE_EXPANDED))
                walk_enrich(wk, s);
            for (i = 0; i < s->n_records; i++) {
                if (s->first_record + i >= dg->n_records)
                    break;
                walk_record(wk, &dg->records[s->first_record + i], fmt);
            }
        }
    }
    if (wk->ops->sample_end != NULL)
        wk->ops->sample_end(&wk->w, !s->error);
    wk->w.sample = NULL;
    wk->w.discarded = 0;
}

/* ---- Datagram ---- */

static void
walk_datagram_header(struct walker *wk)
{
    const struct dgram_meta *m = wk->w.meta;
    const struct sflow_datagram *dg = wk->w.dg;
    char buf[64];
    size_t n;

    /* sflowtool prints "-" and 0 here for a capture; we print what we know. */
    walk_str(wk, "datagramSourceIP", m->src[0] != '\0' ? m->src : "-");
    walk_num(wk, "datagramSize", dg->len);
    walk_num(wk, "unixSecondsUTC", (uint64_t)m->ts.tv_sec);
    walk_num(wk, "unixSecondsUTC_uS", (uint64_t)m->ts.tv_usec);
    n = sflow_walk_time(buf, sizeof(buf), (long long)m->ts.tv_sec);
    walk_kv(wk, "localtime", buf, n, SFLOW_WALK_STR);
    if (m->from_file) {
        walk_kv(wk, "pcapTimestamp", buf, n, SFLOW_WALK_STR);
        walk_num(wk, "pcapTimestamp_uS", (uint64_t)m->ts.tv_usec);
    }
    if (dg->stage < 1)
        return;
    walk_num(wk, "datagramVersion", dg->version);
    if (dg->stage < 2)
        return;
    walk_num(wk, "agentSubId", dg->sub_agent_id);
    walk_addr(wk, "agent", &dg->agent);
    walk_num(wk, "packetSequenceNo", dg->seq);
    walk_num(wk, "sysUpTime", dg->uptime);
    walk_num(wk, "samplesInPacket", dg->n_samples_declared);
}

void
sflow_walk(const struct sflow_walk_ops *ops, void *arg,
    const struct dgram_meta *meta, const struct sflow_datagram *dg)
{
    struct walker wk;
    uint32_t i;

    memset(&wk.w, 0, sizeof(wk.w));
    wk.w.meta = meta;
    wk.w.dg = dg;
    wk.w.arg = arg;
    wk.ops = ops;
    if (ops->datagram_begin != NULL)
        ops->datagram_begin(&wk.w);
    walk_datagram_header(&wk);
    if (dg->stage >= 2)
        for (i = 0; i < dg->n_samples && i < SFLOW_MAX_SAMPLES; i++)
            walk_sample(&wk, &dg->samples[i]);
    if (ops->datagram_end != NULL)
        ops->datagram_end(&wk.w);
}
