/* ch_row: samples as ClickHouse rows, in Native blocks; see ch_row.h. */
#include "ch_row.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "flowrec.h"
#include "pkt_parse.h"
#include "sflow_schema.h"

/*
 * A column of the flows table: where its value sits in struct ch_flow.
 * 'bytes' 0 marks an integer (of col.size bytes, stored little-endian), 1
 * raw bytes (FixedString, stored as they are).
 */
struct flow_col {
    struct ch_column col;
    size_t off;
    int bytes;
};

#define SIZE(m) sizeof(((struct ch_flow *)0)->m)
#define INT(n, t, m) { { n, t, SIZE(m) }, offsetof(struct ch_flow, m), 0 }
#define FIX(n, t, m) { { n, t, SIZE(m) }, offsetof(struct ch_flow, m), 1 }

static const struct flow_col flow_cols[] = {
    INT("time", "DateTime", time),
    FIX("agent", "FixedString(16)", agent),
    INT("sub_agent", "UInt32", sub_agent),
    INT("seq", "UInt32", seq),
    INT("source_class", "UInt32", source_class),
    INT("source_index", "UInt32", source_index),
    INT("sampling_rate", "UInt32", sampling_rate),
    INT("sample_pool", "UInt32", sample_pool),
    INT("drops", "UInt32", drops),
    INT("input", "UInt32", input),
    INT("output", "UInt32", output),
    INT("input_format", "UInt8", input_format),
    INT("output_format", "UInt8", output_format),
    INT("in_vlan", "UInt16", in_vlan),
    INT("out_vlan", "UInt16", out_vlan),
    FIX("src_mac", "FixedString(6)", src_mac),
    FIX("dst_mac", "FixedString(6)", dst_mac),
    INT("eth_type", "UInt16", eth_type),
    INT("ip_version", "UInt8", ip_version),
    FIX("src_ip", "FixedString(16)", src_ip),
    FIX("dst_ip", "FixedString(16)", dst_ip),
    INT("proto", "UInt8", proto),
    INT("tos", "UInt8", tos),
    INT("ttl", "UInt8", ttl),
    INT("tcp_flags", "UInt8", tcp_flags),
    INT("src_port", "UInt16", src_port),
    INT("dst_port", "UInt16", dst_port),
    INT("frame_length", "UInt32", frame_length),
    INT("packets", "UInt64", packets),
    INT("bytes", "UInt64", bytes),
    INT("src_as", "UInt32", src_as),
    INT("dst_as", "UInt32", dst_as),
    FIX("src_country", "FixedString(2)", src_country),
    FIX("dst_country", "FixedString(2)", dst_country),
    INT("tunnel", "UInt8", tunnel),
    INT("vni", "UInt32", vni),
    FIX("inner_src_ip", "FixedString(16)", inner_src_ip),
    FIX("inner_dst_ip", "FixedString(16)", inner_dst_ip),
    INT("inner_proto", "UInt8", inner_proto),
    INT("inner_src_port", "UInt16", inner_src_port),
    INT("inner_dst_port", "UInt16", inner_dst_port),
    INT("batch", "UInt64", batch),
};
#define N_FLOW_COLS (sizeof(flow_cols) / sizeof(flow_cols[0]))

/*
 * A column of the counters table: a field of the generic (0:1) or Ethernet
 * (0:2) counter record, by its position in the record's schema
 * (sflow_schema.h names them), written in its wire width.
 */
enum { FROM_GENERIC, FROM_ETHERNET, FROM_ROW };
struct counter_col {
    struct ch_column col;
    int from;
    unsigned int field;
};

#define G(n, i, w) { { n, "UInt" #w, w / 8 }, FROM_GENERIC, i }
#define E(n, i) { { n, "UInt32", 4 }, FROM_ETHERNET, i }

/* FROM_ROW fields, by their 'field' number. */
enum { ROW_TIME, ROW_AGENT, ROW_SUB_AGENT, ROW_SEQ, ROW_BATCH };

static const struct counter_col counter_cols[] = {
    { { "time", "DateTime", 4 }, FROM_ROW, ROW_TIME },
    { { "agent", "FixedString(16)", 16 }, FROM_ROW, ROW_AGENT },
    { { "sub_agent", "UInt32", 4 }, FROM_ROW, ROW_SUB_AGENT },
    { { "seq", "UInt32", 4 }, FROM_ROW, ROW_SEQ },
    G("if_index", SF_IFC_INDEX, 32), G("if_type", SF_IFC_TYPE, 32),
    G("if_speed", SF_IFC_SPEED, 64), G("if_direction", SF_IFC_DIRECTION, 32),
    G("if_status", SF_IFC_STATUS, 32), G("in_octets", SF_IFC_IN_OCTETS, 64),
    G("in_ucast_pkts", SF_IFC_IN_UCAST, 32), G("in_multicast_pkts", SF_IFC_IN_MULTICAST, 32),
    G("in_broadcast_pkts", SF_IFC_IN_BROADCAST, 32), G("in_discards", SF_IFC_IN_DISCARDS, 32),
    G("in_errors", SF_IFC_IN_ERRORS, 32), G("in_unknown_protos", SF_IFC_IN_UNKNOWN_PROTOS, 32),
    G("out_octets", SF_IFC_OUT_OCTETS, 64), G("out_ucast_pkts", SF_IFC_OUT_UCAST, 32),
    G("out_multicast_pkts", SF_IFC_OUT_MULTICAST, 32),
    G("out_broadcast_pkts", SF_IFC_OUT_BROADCAST, 32),
    G("out_discards", SF_IFC_OUT_DISCARDS, 32), G("out_errors", SF_IFC_OUT_ERRORS, 32),
    G("promiscuous_mode", SF_IFC_PROMISCUOUS, 32),
    E("dot3_alignment_errors", SF_DOT3_ALIGNMENT_ERRORS),
    E("dot3_fcs_errors", SF_DOT3_FCS_ERRORS),
    E("dot3_single_collision_frames", SF_DOT3_SINGLE_COLLISION_FRAMES),
    E("dot3_multiple_collision_frames", SF_DOT3_MULTIPLE_COLLISION_FRAMES),
    E("dot3_sqe_test_errors", SF_DOT3_SQE_TEST_ERRORS),
    E("dot3_deferred_transmissions", SF_DOT3_DEFERRED_TRANSMISSIONS),
    E("dot3_late_collisions", SF_DOT3_LATE_COLLISIONS),
    E("dot3_excessive_collisions", SF_DOT3_EXCESSIVE_COLLISIONS),
    E("dot3_internal_mac_transmit_errors", SF_DOT3_INTERNAL_MAC_TRANSMIT_ERRORS),
    E("dot3_carrier_sense_errors", SF_DOT3_CARRIER_SENSE_ERRORS),
    E("dot3_frame_too_longs", SF_DOT3_FRAME_TOO_LONGS),
    E("dot3_internal_mac_receive_errors", SF_DOT3_INTERNAL_MAC_RECEIVE_ERRORS),
    E("dot3_symbol_errors", SF_DOT3_SYMBOL_ERRORS),
    { { "batch", "UInt64", 8 }, FROM_ROW, ROW_BATCH },
};
#define N_COUNTER_COLS (sizeof(counter_cols) / sizeof(counter_cols[0]))

/*
 * The ORDER BY of each table: time first for flows (time-range queries),
 * agent and interface first for counters (one interface's series).
 */
static const char *const order_by[CH_TABLES] = { "time, agent", "agent, if_index, time" };

/* The key's columns, as order_by names them. */
struct sort_key {
    size_t n;
    size_t col[4];                      /* Index. */
    size_t size[4];
    int integer[4];
};
#define KEY_MAX 32                      /* Bytes of a key. */

/* ---- Buffer ---- */

void
ch_buf_free(struct ch_buf *b)
{
    free(b->p);
    memset(b, 0, sizeof(*b));
}

uint8_t *
ch_buf_reserve(struct ch_buf *b, size_t n)
{
    uint8_t *p;
    size_t cap;

    if (b->error)
        return NULL;
    if (b->cap - b->len < n) {
        cap = b->cap ? b->cap : 65536;
        while (cap - b->len < n)
            cap *= 2;
        if ((p = realloc(b->p, cap)) == NULL) {
            b->error = ENOMEM;
            return NULL;
        }
        b->p = p;
        b->cap = cap;
    }
    p = b->p + b->len;
    b->len += n;
    return p;
}

/* 'size' bytes of 'v', least significant first. */
static void
put_le(uint8_t *p, uint64_t v, size_t size)
{
    size_t i;

    for (i = 0; i < size; i++, v >>= 8)
        p[i] = (uint8_t)v;
}

/*
 * A value of 'size' bytes at 'v' into 'p': an integer ('integer' 1, in
 * host order at 'v') little-endian, anything else as it is.  The common
 * sizes are spelled out so that the copy is inlined.
 */
static void
store(uint8_t *p, const uint8_t *v, size_t size, int integer)
{
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    size_t i;

    if (integer) {
        for (i = 0; i < size; i++)
            p[i] = v[size - 1 - i];
        return;
    }
#else
    (void)integer;
#endif
    switch (size) {
    case 1: *p = *v; break;
    case 2: memcpy(p, v, 2); break;
    case 4: memcpy(p, v, 4); break;
    case 8: memcpy(p, v, 8); break;
    case 16: memcpy(p, v, 16); break;
    default: memcpy(p, v, size); break;
    }
}

/* ---- Columns ---- */

size_t
ch_row_size(enum ch_table table)
{
    const struct ch_column *c;
    size_t i, size = 0;

    for (i = 0; (c = ch_row_column(table, i)) != NULL; i++)
        size += c->size;
    return size;
}

const struct ch_column *
ch_row_column(enum ch_table table, size_t i)
{
    if (table == CH_FLOWS)
        return i < N_FLOW_COLS ? &flow_cols[i].col : NULL;
    return i < N_COUNTER_COLS ? &counter_cols[i].col : NULL;
}

const char *
ch_row_order_by(enum ch_table table)
{
    return order_by[table];
}

const char *
ch_row_format_name(enum ch_format format)
{
    return format == CH_NATIVE ? "Native" : "RowBinary";
}

static size_t
n_columns(enum ch_table table)
{
    return table == CH_FLOWS ? N_FLOW_COLS : N_COUNTER_COLS;
}

/* Integers are kept little-endian; FixedString as they are. */
static int
is_integer(const struct ch_column *c)
{
    return strncmp(c->type, "FixedString", 11) != 0;
}

void
ch_block_reset(struct ch_block *b, enum ch_table table)
{
    size_t i;

    for (i = 0; i < CH_MAX_COLUMNS; i++)
        free(b->col[i]);
    memset(b, 0, sizeof(*b));
    b->table = table;
}

/* Room for one more row in every column: 0, or ENOMEM (sticky). */
static int
block_grow(struct ch_block *b)
{
    const struct ch_column *c;
    uint32_t cap;
    uint8_t *p;
    size_t i;

    if (b->error || b->rows < b->cap)
        return b->error;
    cap = b->cap ? b->cap * 2 : 4096;
    for (i = 0; (c = ch_row_column(b->table, i)) != NULL; i++) {
        if ((p = realloc(b->col[i], (size_t)cap * c->size)) == NULL)
            return b->error = ENOMEM;
        b->col[i] = p;
    }
    b->cap = cap;
    return 0;
}

void
ch_row_addr(uint8_t out[16], const struct sflow_addr *a)
{
    memset(out, 0, 16);
    if (a->type == SFLOW_ADDR_IP6) {
        memcpy(out, a->a, 16);
    } else if (a->type == SFLOW_ADDR_IP4) {
        out[10] = out[11] = 0xff;
        memcpy(out + 12, a->a, 4);
    }
}

/* An address of 'len' bytes (4 or 16) from a packet or record. */
static void
ip_bytes(uint8_t out[16], const uint8_t *p, size_t len)
{
    memset(out, 0, 16);
    if (len == 16) {
        memcpy(out, p, 16);
    } else if (len == 4) {
        out[10] = out[11] = 0xff;
        memcpy(out + 12, p, 4);
    }
}

/* ---- Flows ---- */

/* The keys of 'ip' (as flowrec reads them) into the row's IP columns. */
static void
flow_ip(struct ch_flow *f, const struct flowrec_ip *ip)
{
    f->ip_version = ip->family;
    ip_bytes(f->src_ip, ip->src, ip->family == 4 ? 4 : 16);
    ip_bytes(f->dst_ip, ip->dst, ip->family == 4 ? 4 : 16);
    f->proto = ip->prot;
    f->tos = ip->tos;
    f->ttl = ip->ttl;
}

static void
flow_from_layer(struct ch_flow *f, const struct pkt_layer *l)
{
    struct flowrec_ip ip;

    if (l->has_eth) {
        memcpy(f->src_mac, l->src_mac, 6);
        memcpy(f->dst_mac, l->dst_mac, 6);
        if (l->n_vlans > 0)
            f->in_vlan = l->vlan_id[l->n_vlans - 1];
    }
    f->eth_type = l->eth_type;
    if (flowrec_ip_from_layer(l, &ip) == 0)
        return;
    flow_ip(f, &ip);
    /* ICMP type and code in the two port columns, unlike NetFlow's one. */
    if (ip.l4 == 1 || ip.l4 == 58) {
        f->src_port = ip.icmp_type;
        f->dst_port = ip.icmp_code;
    } else if (ip.l4 != 0) {
        f->src_port = ip.src_port;
        f->dst_port = ip.dst_port;
        f->tcp_flags = ip.tcp_flags;
    }
}

static void
flow_from_header(struct ch_flow *f, const struct sflow_record *r)
{
    const struct pkt_info *pkt = r->pkt;
    struct flowrec_ip in;

    f->frame_length = (uint32_t)r->v[SF_HEADER_FRAME_LENGTH].u;
    if (pkt == NULL)
        return;
    flow_from_layer(f, &pkt->outer);
    if (pkt->encap == PKT_ENCAP_NONE)
        return;
    f->tunnel = (uint8_t)pkt->encap;
    f->vni = pkt->encap == PKT_ENCAP_VXLAN ? pkt->vni : pkt->gre_key;
    if (flowrec_ip_from_layer(&pkt->inner, &in) != 0) {
        ip_bytes(f->inner_src_ip, in.src, in.family == 4 ? 4 : 16);
        ip_bytes(f->inner_dst_ip, in.dst, in.family == 4 ? 4 : 16);
        f->inner_proto = in.prot;
        if (in.l4 == 6 || in.l4 == 17) {
            f->inner_src_port = in.src_port;
            f->inner_dst_port = in.dst_port;
        }
    }
}

/* 0:3 sampled_ipv4 and 0:4 sampled_ipv6: keys when no header gave them. */
static void
flow_from_ip_record(struct ch_flow *f, const struct sflow_record *r)
{
    struct flowrec_ip ip;

    if (f->frame_length == 0)
        f->frame_length = (uint32_t)r->v[SF_IP_LENGTH].u;
    if (f->ip_version != 0 || flowrec_ip_from_record(r, &ip) == 0)
        return;
    flow_ip(f, &ip);
    /* As the record gives them: ICMP's too, and flags whatever the protocol. */
    f->src_port = ip.src_port;
    f->dst_port = ip.dst_port;
    f->tcp_flags = ip.tcp_flags;
}

/* 0:1003: the origin AS fields as sflowtool reports them (src_as as sent, dst_as the path's last). */
static void
flow_from_gateway(struct ch_flow *f, const struct sflow_record *r)
{
    uint32_t peer;

    if (r->n_values < r->schema->n_fields)
        return;
    f->src_as = (uint32_t)r->v[SF_GW_SRC_AS].u;
    flowrec_as_path_ends(&r->v[SF_GW_AS_PATH].b, &peer, &f->dst_as);
}

int
ch_row_flow_from_sample(const struct sflow_datagram *dg, const struct sflow_sample *s,
    struct ch_flow *f)
{
    const struct sflow_record *r;
    int have_eth = 0;
    uint32_t i;

    if (s->error || !flowrec_is_flow_sample(s))
        return 0;
    memset(f, 0, sizeof(*f));
    ch_row_addr(f->agent, &dg->agent);
    f->sub_agent = dg->sub_agent_id;
    f->seq = s->seq;
    f->source_class = s->ds_class;
    f->source_index = s->ds_index;
    f->sampling_rate = s->sampling_rate;
    f->sample_pool = s->sample_pool;
    f->drops = s->drops;
    f->input = s->input;
    f->output = s->output;
    f->input_format = (uint8_t)s->input_format;
    f->output_format = (uint8_t)s->output_format;
    for (i = 0; (r = flowrec_next_record(dg, s, &i)) != NULL;) {
        switch (r->tag) {
        case SFLOW_TAG(0, SFLOW_FLOW_HEADER):
            flow_from_header(f, r);
            have_eth = r->pkt != NULL && r->pkt->outer.has_eth;
            break;
        case SFLOW_TAG(0, SFLOW_FLOW_ETHERNET):
            if (f->frame_length == 0)
                f->frame_length = (uint32_t)r->v[SF_ETH_LENGTH].u;
            if (!have_eth && r->v[SF_ETH_SRC].b.len == 6 && r->v[SF_ETH_DST].b.len == 6) {
                memcpy(f->src_mac, r->v[SF_ETH_SRC].b.p, 6);
                memcpy(f->dst_mac, r->v[SF_ETH_DST].b.p, 6);
                f->eth_type = (uint16_t)r->v[SF_ETH_TYPE].u;
            }
            break;
        case SFLOW_TAG(0, SFLOW_FLOW_IPV4):
        case SFLOW_TAG(0, SFLOW_FLOW_IPV6):
            flow_from_ip_record(f, r);
            break;
        case SFLOW_TAG(0, SFLOW_FLOW_EX_SWITCH):
            f->in_vlan = (uint16_t)r->v[SF_SWITCH_IN_VLAN].u;
            f->out_vlan = (uint16_t)r->v[SF_SWITCH_OUT_VLAN].u;
            break;
        case SFLOW_TAG(0, SFLOW_FLOW_EX_GATEWAY):
            flow_from_gateway(f, r);
            break;
        default:
            break;
        }
    }
    f->packets = f->sampling_rate;
    f->bytes = (uint64_t)f->frame_length * f->sampling_rate;
    return 1;
}

void
ch_row_put_flow(struct ch_block *b, const struct ch_flow *f)
{
    const uint8_t *base = (const uint8_t *)f;
    const struct flow_col *c;
    size_t i;

    if (block_grow(b) != 0)
        return;
    for (i = 0, c = flow_cols; i < N_FLOW_COLS; i++, c++)
        store(b->col[i] + (size_t)b->rows * c->col.size, base + c->off, c->col.size, !c->bytes);
    b->rows++;
}

/* ---- Counters ---- */

int
ch_row_put_counters(struct ch_block *b, const struct sflow_datagram *dg,
    const struct sflow_sample *s, uint32_t time, uint64_t batch)
{
    const struct sflow_record *r, *gen = NULL, *eth = NULL;
    const struct counter_col *c;
    uint32_t fmt = SFLOW_FORMAT(s->tag), i;
    uint64_t v;
    uint8_t *p;

    if (SFLOW_ENTERPRISE(s->tag) != 0 || !s->known || !s->header_ok || s->error ||
        (fmt != SFLOW_COUNTERS_SAMPLE && fmt != SFLOW_COUNTERS_SAMPLE_EXPANDED))
        return 0;
    for (i = 0; (r = flowrec_next_record(dg, s, &i)) != NULL;) {
        if (r->tag == SFLOW_TAG(0, SFLOW_CTR_GENERIC))
            gen = r;
        else if (r->tag == SFLOW_TAG(0, SFLOW_CTR_ETHERNET))
            eth = r;
    }
    if (gen == NULL)
        return 0;
    if (block_grow(b) != 0)
        return 0;
    for (c = counter_cols; c < counter_cols + N_COUNTER_COLS; c++) {
        p = b->col[c - counter_cols] + (size_t)b->rows * c->col.size;
        if (c->from == FROM_ROW && c->field == ROW_AGENT) {
            ch_row_addr(p, &dg->agent);
            continue;
        }
        switch (c->from) {
        case FROM_GENERIC:
            v = c->field < gen->n_values ? gen->v[c->field].u : 0;
            break;
        case FROM_ETHERNET:
            v = eth != NULL && c->field < eth->n_values ? eth->v[c->field].u : 0;
            break;
        default:
            v = c->field == ROW_TIME ? time : c->field == ROW_SUB_AGENT ?
                dg->sub_agent_id : c->field == ROW_SEQ ? s->seq : batch;
            break;
        }
        put_le(p, v, c->col.size);
    }
    b->rows++;
    return 1;
}

/* ---- Blocks ---- */

/* The columns of 'table's ORDER BY. */
static void
sort_key_of(enum ch_table table, struct sort_key *key)
{
    const struct ch_column *c;
    const char *name = order_by[table];
    size_t i, len;

    key->n = 0;
    while (*name != '\0' && key->n < sizeof(key->col) / sizeof(key->col[0])) {
        len = strcspn(name, ",");
        for (i = 0; (c = ch_row_column(table, i)) != NULL; i++) {
            if (strlen(c->name) != len || strncmp(c->name, name, len) != 0)
                continue;
            key->col[key->n] = i;
            key->size[key->n] = c->size;
            key->integer[key->n++] = is_integer(c);
        }
        name += len;
        name += strspn(name, ", ");
    }
}

/*
 * The key of row 'r' into 'k' (KEY_MAX bytes, zero-padded): integers
 * big-endian and FixedStrings as they are, so that memcmp() orders keys
 * as the server orders rows.
 */
static void
row_key(const struct ch_block *b, const struct sort_key *key, uint32_t r, uint8_t *k)
{
    const uint8_t *v;
    size_t i, j, size, off = 0;

    memset(k, 0, KEY_MAX);
    for (i = 0; i < key->n; i++) {
        size = key->size[i];
        v = b->col[key->col[i]] + (size_t)r * size;
        for (j = 0; j < size && off + j < KEY_MAX; j++)
            k[off + j] = key->integer[i] ? v[size - 1 - j] : v[j];
        off += size;
    }
}

/* Consecutive rows of one key. */
struct run {
    uint8_t key[KEY_MAX];
    uint32_t start, len;
};

static int
run_cmp(const void *a, const void *b)
{
    const struct run *x = a, *y = b;
    int c = memcmp(x->key, y->key, KEY_MAX);

    return c != 0 ? c : (x->start > y->start) - (x->start < y->start);
}

/*
 * The rows of 'b' as runs of one key, sorted by key: NULL with '*n' 0 when
 * they are sorted already (the usual case: rows come in time order), or
 * on ENOMEM ('*error').
 */
static struct run *
block_runs(const struct ch_block *b, size_t *n, int *error)
{
    struct sort_key key;
    uint8_t k[KEY_MAX];
    struct run *runs;
    int c, sorted = 1;
    uint32_t r;

    *n = 0;
    if (b->rows == 0)
        return NULL;
    if ((runs = malloc((size_t)b->rows * sizeof(*runs))) == NULL) {
        *error = ENOMEM;
        return NULL;
    }
    sort_key_of(b->table, &key);
    for (r = 0; r < b->rows; r++) {
        row_key(b, &key, r, k);
        c = *n > 0 ? memcmp(k, runs[*n - 1].key, KEY_MAX) : 1;
        if (c == 0) {
            runs[*n - 1].len++;
            continue;
        }
        sorted &= c > 0;
        memcpy(runs[*n].key, k, KEY_MAX);
        runs[*n].start = r;
        runs[*n].len = 1;
        (*n)++;
    }
    if (sorted) {
        free(runs);
        *n = 0;
        return NULL;
    }
    qsort(runs, *n, sizeof(*runs), run_cmp);
    return runs;
}

/* LEB128, as the Native format writes counts and lengths. */
static uint8_t *
put_varuint(uint8_t *p, uint64_t v)
{
    while (v >= 0x80) {
        *p++ = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    *p++ = (uint8_t)v;
    return p;
}

static uint8_t *
put_string(uint8_t *p, const char *s)
{
    size_t len = strlen(s);

    p = put_varuint(p, len);
    memcpy(p, s, len);
    return p + len;
}

int
ch_block_native(const struct ch_block *b, struct ch_buf *out)
{
    const struct ch_column *c;
    struct run *runs;
    size_t i, j, n_runs, total = 20;
    int error = b->error;
    uint8_t *p;

    runs = error ? NULL : block_runs(b, &n_runs, &error);
    for (i = 0; !error && (c = ch_row_column(b->table, i)) != NULL; i++)
        total += 20 + strlen(c->name) + strlen(c->type) + (size_t)b->rows * c->size;
    if (error || (p = ch_buf_reserve(out, total)) == NULL) {
        free(runs);
        return error ? error : ENOMEM;
    }
    p = put_varuint(p, n_columns(b->table));
    p = put_varuint(p, b->rows);
    for (i = 0; (c = ch_row_column(b->table, i)) != NULL; i++) {
        p = put_string(p, c->name);
        p = put_string(p, c->type);
        if (runs == NULL) {
            memcpy(p, b->col[i], (size_t)b->rows * c->size);
            p += (size_t)b->rows * c->size;
            continue;
        }
        for (j = 0; j < n_runs; j++) {
            memcpy(p, b->col[i] + (size_t)runs[j].start * c->size, (size_t)runs[j].len * c->size);
            p += (size_t)runs[j].len * c->size;
        }
    }
    out->len = (size_t)(p - out->p);
    free(runs);
    return 0;
}

/* A LEB128 count at 'p'; advances it, or returns -1 past 'end'. */
static int
get_varuint(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
    int shift;

    *v = 0;
    for (shift = 0; *p < end && shift < 64; shift += 7) {
        *v |= (uint64_t)(**p & 0x7f) << shift;
        if ((*(*p)++ & 0x80) == 0)
            return 0;
    }
    return -1;
}

uint64_t
ch_row_count(enum ch_format format, enum ch_table table, const uint8_t *p, size_t len)
{
    const uint8_t *end = p + len;
    uint64_t cols, rows;

    if (format == CH_ROWBINARY)
        return len % ch_row_size(table) == 0 ? len / ch_row_size(table) : 0;
    if (get_varuint(&p, end, &cols) != 0 || get_varuint(&p, end, &rows) != 0)
        return 0;
    return rows;
}
