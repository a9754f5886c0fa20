/* ch_row: samples as ClickHouse RowBinary rows; see ch_row.h. */
#include "ch_row.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "flowrec.h"
#include "pkt_parse.h"

/*
 * A column of the flows table: where its value sits in struct ch_flow and
 * how wide it is.  'bytes' 0 marks an integer of 'size' bytes (written
 * little-endian), 1 raw bytes (FixedString, written as they are).
 */
struct flow_col {
    struct ch_column col;
    size_t off;
    size_t size;
    int bytes;
};

#define INT(n, t, m) { { n, t }, offsetof(struct ch_flow, m), sizeof(((struct ch_flow *)0)->m), 0 }
#define FIX(n, t, m) { { n, t }, offsetof(struct ch_flow, m), sizeof(((struct ch_flow *)0)->m), 1 }

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
 * (0:2) counter record, by its index in the record's schema
 * (convert/sflow_schema.c), written in its wire width.
 */
enum { FROM_GENERIC, FROM_ETHERNET, FROM_ROW };
struct counter_col {
    struct ch_column col;
    int from;
    unsigned int field;
    unsigned int size;
};

#define G(n, i, w) { { n, "UInt" #w }, FROM_GENERIC, i, w / 8 }
#define E(n, i) { { n, "UInt32" }, FROM_ETHERNET, i, 4 }

/* FROM_ROW fields, by their 'field' number. */
enum { ROW_TIME, ROW_AGENT, ROW_SUB_AGENT, ROW_SEQ, ROW_BATCH };

static const struct counter_col counter_cols[] = {
    { { "time", "DateTime" }, FROM_ROW, ROW_TIME, 4 },
    { { "agent", "FixedString(16)" }, FROM_ROW, ROW_AGENT, 16 },
    { { "sub_agent", "UInt32" }, FROM_ROW, ROW_SUB_AGENT, 4 },
    { { "seq", "UInt32" }, FROM_ROW, ROW_SEQ, 4 },
    G("if_index", 0, 32), G("if_type", 1, 32), G("if_speed", 2, 64),
    G("if_direction", 3, 32), G("if_status", 4, 32), G("in_octets", 5, 64),
    G("in_ucast_pkts", 6, 32), G("in_multicast_pkts", 7, 32),
    G("in_broadcast_pkts", 8, 32), G("in_discards", 9, 32), G("in_errors", 10, 32),
    G("in_unknown_protos", 11, 32), G("out_octets", 12, 64),
    G("out_ucast_pkts", 13, 32), G("out_multicast_pkts", 14, 32),
    G("out_broadcast_pkts", 15, 32), G("out_discards", 16, 32),
    G("out_errors", 17, 32), G("promiscuous_mode", 18, 32),
    E("dot3_alignment_errors", 0), E("dot3_fcs_errors", 1),
    E("dot3_single_collision_frames", 2), E("dot3_multiple_collision_frames", 3),
    E("dot3_sqe_test_errors", 4), E("dot3_deferred_transmissions", 5),
    E("dot3_late_collisions", 6), E("dot3_excessive_collisions", 7),
    E("dot3_internal_mac_transmit_errors", 8), E("dot3_carrier_sense_errors", 9),
    E("dot3_frame_too_longs", 10), E("dot3_internal_mac_receive_errors", 11),
    E("dot3_symbol_errors", 12),
    { { "batch", "UInt64" }, FROM_ROW, ROW_BATCH, 8 },
};
#define N_COUNTER_COLS (sizeof(counter_cols) / sizeof(counter_cols[0]))

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
static uint8_t *
put_le(uint8_t *p, uint64_t v, size_t size)
{
    size_t i;

    for (i = 0; i < size; i++, v >>= 8)
        p[i] = (uint8_t)v;
    return p + size;
}

/* ---- Columns ---- */

size_t
ch_row_size(enum ch_table table)
{
    size_t i, size = 0;

    if (table == CH_FLOWS)
        for (i = 0; i < N_FLOW_COLS; i++)
            size += flow_cols[i].size;
    else
        for (i = 0; i < N_COUNTER_COLS; i++)
            size += counter_cols[i].size;
    return size;
}

const struct ch_column *
ch_row_column(enum ch_table table, size_t i)
{
    if (table == CH_FLOWS)
        return i < N_FLOW_COLS ? &flow_cols[i].col : NULL;
    return i < N_COUNTER_COLS ? &counter_cols[i].col : NULL;
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

    f->frame_length = (uint32_t)r->v[1].u;
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
        f->frame_length = (uint32_t)r->v[0].u;
    if (f->ip_version != 0 || flowrec_ip_from_record(r, &ip) == 0)
        return;
    flow_ip(f, &ip);
    /* As the record gives them: ICMP's too, and flags whatever the protocol. */
    f->src_port = ip.src_port;
    f->dst_port = ip.dst_port;
    f->tcp_flags = ip.tcp_flags;
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
                f->frame_length = (uint32_t)r->v[0].u;
            if (!have_eth && r->v[1].b.len == 6 && r->v[2].b.len == 6) {
                memcpy(f->src_mac, r->v[1].b.p, 6);
                memcpy(f->dst_mac, r->v[2].b.p, 6);
                f->eth_type = (uint16_t)r->v[3].u;
            }
            break;
        case SFLOW_TAG(0, SFLOW_FLOW_IPV4):
        case SFLOW_TAG(0, SFLOW_FLOW_IPV6):
            flow_from_ip_record(f, r);
            break;
        case SFLOW_TAG(0, SFLOW_FLOW_EX_SWITCH):
            f->in_vlan = (uint16_t)r->v[0].u;
            f->out_vlan = (uint16_t)r->v[2].u;
            break;
        case SFLOW_TAG(0, SFLOW_FLOW_EX_GATEWAY):
            f->src_as = (uint32_t)r->v[2].u;
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
ch_row_put_flow(struct ch_buf *b, const struct ch_flow *f)
{
    const uint8_t *base = (const uint8_t *)f;
    const struct flow_col *c;
    uint64_t v;
    uint8_t *p;

    if ((p = ch_buf_reserve(b, ch_row_size(CH_FLOWS))) == NULL)
        return;
    for (c = flow_cols; c < flow_cols + N_FLOW_COLS; c++) {
        if (c->bytes) {
            memcpy(p, base + c->off, c->size);
            p += c->size;
            continue;
        }
        switch (c->size) {
        case 1: v = base[c->off]; break;
        case 2: { uint16_t x; memcpy(&x, base + c->off, 2); v = x; break; }
        case 4: { uint32_t x; memcpy(&x, base + c->off, 4); v = x; break; }
        default: memcpy(&v, base + c->off, 8); break;
        }
        p = put_le(p, v, c->size);
    }
}

/* ---- Counters ---- */

int
ch_row_put_counters(struct ch_buf *b, const struct sflow_datagram *dg,
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
    for (i = 0; i < s->n_records && s->first_record + i < dg->n_records; i++) {
        r = &dg->records[s->first_record + i];
        if (r->schema == NULL || r->error)
            continue;
        if (r->tag == SFLOW_TAG(0, SFLOW_CTR_GENERIC))
            gen = r;
        else if (r->tag == SFLOW_TAG(0, SFLOW_CTR_ETHERNET))
            eth = r;
    }
    if (gen == NULL)
        return 0;
    if ((p = ch_buf_reserve(b, ch_row_size(CH_COUNTERS))) == NULL)
        return 0;
    for (c = counter_cols; c < counter_cols + N_COUNTER_COLS; c++) {
        if (c->from == FROM_ROW && c->field == ROW_AGENT) {
            ch_row_addr(p, &dg->agent);
            p += 16;
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
        p = put_le(p, v, c->size);
    }
    return 1;
}
