/*
 * line: sflowtool's -l output, one CSV line per flow or counters sample.
 *
 *   FLOW,agent,inputPort,outputPort,srcMAC,dstMAC,ethernet_type,in_vlan,
 *        out_vlan,srcIP,dstIP,IPProtocol,IPTOS,IPTTL,srcPort,dstPort,
 *        TCPFlags,sampledPacketSize,IPSize,meanSkipCount
 *   CNTR,agent,ifIndex,networkType,ifSpeed,ifDirection,ifStatus,
 *        ifInOctets,ifInUcastPkts,ifInMulticastPkts,ifInBroadcastPkts,
 *        ifInDiscards,ifInErrors,ifInUnknownProtos,ifOutOctets,
 *        ifOutUcastPkts,ifOutMulticastPkts,ifOutBroadcastPkts,
 *        ifOutDiscards,ifOutErrors,ifPromiscuousMode
 *
 * The rules below were read off sflowtool 6.11's output on the corpus
 * (tests/integration/corpus_line.sh compares every file):
 *
 * - A FLOW line summarises one flow sample (compact or expanded) as
 *   sflowtool's per-sample state stands after its last record: every
 *   record that carries a key overwrites it, in wire order, so an extended
 *   switch record after the sampled header wins over the header's VLAN
 *   tag, and an IPv4 record (0:3) replaces sampledPacketSize but not the
 *   header's TTL.  Anything no record set prints as 0, an address as "-".
 * - The sampled header gives MACs, the innermost VLAN tag as in_vlan, the
 *   EtherType and the outer IP header; a tunnel (VXLAN, GRE) is not
 *   opened.  ICMP (protocol 1 only, not ICMPv6) puts type and code in the
 *   port columns.
 * - IPSize is sampledPacketSize - strippedBytes - (offset of an IPv4
 *   header in the sampled header, else 0): for IPv6 it counts the
 *   Ethernet header.  Like the other %d columns it wraps as a signed int.
 * - The tunnel records (0:1021 to 0:1026) and the socket records
 *   (0:2100, 0:2101: addresses only) write the same state as their
 *   untunnelled counterparts.
 * - Interfaces print their value only (a discard reason or a port count
 *   without its format); expanded samples print the raw word.
 * - A CNTR line comes for every counters sample, generic counters (0:1)
 *   or not: zeros when the sample has none.
 * - Discarded-packet samples (0:5), unknown sample types and a sample
 *   whose decoding failed print nothing.
 *
 * Lines are written with obuf.h's typed appends (fmt.h's writers):
 * printf() parsing twenty conversions per sample would cost more than all
 * the rest.
 */
#include "line.h"

#include <string.h>

#include "sflow_decode.h"
#include "sflow_schema.h"

/* sflowtool's per-sample flow state: what the FLOW line prints. */
struct flow_state {
    uint8_t src_mac[6];
    uint8_t dst_mac[6];
    uint32_t eth_type;
    uint32_t in_vlan;
    uint32_t out_vlan;
    struct sflow_addr src;
    struct sflow_addr dst;
    uint32_t proto;
    uint32_t tos;
    uint32_t ttl;
    uint32_t sport;
    uint32_t dport;
    uint32_t tcp_flags;
    uint32_t sampled_size;
    uint32_t stripped;
    uint32_t ipv4_offset;
};

/*
 * Columns: each writer appends a comma and its value; a line ends with a
 * newline.  sflowtool prints most unsigned state with %d.  Inline: as
 * calls they cost -l about 9 % more instructions (callgrind).
 */
static inline void
col_d(struct obuf *out, uint32_t v)
{
    obuf_put_char(out, ',');
    obuf_put_s64(out, (int32_t)v);
}

/* "0x%0*x" with at least 'width' digits. */
static inline void
col_hex(struct obuf *out, uint32_t v, unsigned int width)
{
    obuf_put(out, ",0x", 3);
    obuf_put_hex_u32(out, v, width);
}

static inline void
col_mac(struct obuf *out, const uint8_t *mac)
{
    obuf_put_char(out, ',');
    obuf_put_mac(out, mac);
}

static inline void
col_addr(struct obuf *out, const struct sflow_addr *a)
{
    obuf_put_char(out, ',');
    if (a->type == SFLOW_ADDR_IP4)
        obuf_put_ipv4(out, a->a);
    else if (a->type == SFLOW_ADDR_IP6)
        obuf_put_ipv6(out, a->a);
    else
        obuf_put_char(out, '-');
}

static void
set_addr(struct sflow_addr *dst, uint32_t type, const uint8_t *a)
{
    dst->type = type;
    memcpy(dst->a, a, type == SFLOW_ADDR_IP6 ? 16 : 4);
}

/* The keys of the sampled header's outer packet, as parsed by pkt_parse. */
static void
apply_header(struct flow_state *st, const struct sflow_record *rec)
{
    const struct pkt_info *pkt = rec->pkt;
    const struct pkt_layer *l;
    uint32_t proto = (uint32_t)rec->v[SF_HEADER_PROTOCOL].u;

    st->sampled_size = (uint32_t)rec->v[SF_HEADER_FRAME_LENGTH].u;
    st->stripped = (uint32_t)rec->v[SF_HEADER_STRIPPED].u;
    if (pkt == NULL)
        return;
    l = &pkt->outer;
    if (proto == PKT_PROTO_ETHERNET) {
        if (!l->has_eth)
            return;
        memcpy(st->src_mac, l->src_mac, 6);
        memcpy(st->dst_mac, l->dst_mac, 6);
        if (l->n_vlans > 0)
            st->in_vlan = l->vlan_id[l->n_vlans - 1];
        /* sflowtool looks no further into a header shorter than an IPv4 header. */
        if (rec->v[SF_HEADER_BYTES].b.len < 20)
            return;
        st->eth_type = l->eth_type;
    }
    switch (l->l3) {
    case 4:
        st->ipv4_offset = (uint32_t)l->l3_offset;
        set_addr(&st->src, SFLOW_ADDR_IP4, l->src_ip);
        set_addr(&st->dst, SFLOW_ADDR_IP4, l->dst_ip);
        break;
    case 6:
        set_addr(&st->src, SFLOW_ADDR_IP6, l->src_ip);
        set_addr(&st->dst, SFLOW_ADDR_IP6, l->dst_ip);
        break;
    default:
        return;
    }
    st->proto = l->proto;
    st->tos = l->tos;
    st->ttl = l->ttl;
    /* sflowtool reads a transport header only when 8 bytes of it were captured. */
    if (l->l4 == 0 || rec->v[SF_HEADER_BYTES].b.len < l->l4_offset + 8)
        return;
    switch (l->l4) {
    case 1:
        st->sport = l->icmp_type;
        st->dport = l->icmp_code;
        break;
    case 6:
        st->sport = l->src_port;
        st->dport = l->dst_port;
        st->tcp_flags = l->tcp_flags;
        break;
    case 17:
        st->sport = l->src_port;
        st->dport = l->dst_port;
        break;
    default:
        break;
    }
}

/* 0:3 / 0:4 and their tunnel forms: length, protocol, addresses, ports, flags, tos. */
static void
apply_ip(struct flow_state *st, const struct sflow_record *rec, int v6)
{
    uint32_t type = v6 ? SFLOW_ADDR_IP6 : SFLOW_ADDR_IP4;

    st->sampled_size = (uint32_t)rec->v[SF_IP_LENGTH].u;
    st->proto = (uint32_t)rec->v[SF_IP_PROTOCOL].u;
    set_addr(&st->src, type, rec->v[SF_IP_SRC].b.p);
    set_addr(&st->dst, type, rec->v[SF_IP_DST].b.p);
    st->sport = (uint32_t)rec->v[SF_IP_SRC_PORT].u;
    st->dport = (uint32_t)rec->v[SF_IP_DST_PORT].u;
    if (st->proto == 6)
        st->tcp_flags = (uint32_t)rec->v[SF_IP_TCP_FLAGS].u;
    /* The IPv6 record's priority is not a TOS byte; sflowtool keeps it apart. */
    if (!v6)
        st->tos = (uint32_t)rec->v[SF_IP_TOS].u;
}

static void
apply_record(struct flow_state *st, const struct sflow_record *rec)
{
    if (rec->schema == NULL || rec->error || rec->n_values < rec->schema->n_fields)
        return;
    if (SFLOW_ENTERPRISE(rec->tag) != 0)
        return;
    switch (SFLOW_FORMAT(rec->tag)) {
    case SFLOW_FLOW_HEADER:
        apply_header(st, rec);
        break;
    case SFLOW_FLOW_ETHERNET:
    case 1021:                  /* tunnel_ethernet_out */
    case 1022:                  /* tunnel_ethernet_in */
        memcpy(st->src_mac, rec->v[SF_ETH_SRC].b.p, 6);
        memcpy(st->dst_mac, rec->v[SF_ETH_DST].b.p, 6);
        st->eth_type = (uint32_t)rec->v[SF_ETH_TYPE].u;
        break;
    case SFLOW_FLOW_IPV4:
    case 1023:                  /* tunnel_ipv4_out */
    case 1024:                  /* tunnel_ipv4_in */
        apply_ip(st, rec, 0);
        break;
    case SFLOW_FLOW_IPV6:
    case 1025:                  /* tunnel_ipv6_out */
    case 1026:                  /* tunnel_ipv6_in */
        apply_ip(st, rec, 1);
        break;
    case SFLOW_FLOW_EX_SWITCH:
        st->in_vlan = (uint32_t)rec->v[SF_SWITCH_IN_VLAN].u;
        st->out_vlan = (uint32_t)rec->v[SF_SWITCH_OUT_VLAN].u;
        break;
    case 2100:                  /* socket4 */
        set_addr(&st->src, SFLOW_ADDR_IP4, rec->v[SF_SOCKET_LOCAL_IP].b.p);
        set_addr(&st->dst, SFLOW_ADDR_IP4, rec->v[SF_SOCKET_REMOTE_IP].b.p);
        break;
    case 2101:                  /* socket6 */
        set_addr(&st->src, SFLOW_ADDR_IP6, rec->v[SF_SOCKET_LOCAL_IP].b.p);
        set_addr(&st->dst, SFLOW_ADDR_IP6, rec->v[SF_SOCKET_REMOTE_IP].b.p);
        break;
    default:
        break;
    }
}

/* The FLOW line of flow sample 'smp'. */
static void
flow_line(struct obuf *out, const struct sflow_datagram *dg, const struct sflow_sample *smp)
{
    struct flow_state st;
    uint32_t i;

    memset(&st, 0, sizeof(st));
    for (i = 0; i < smp->n_records; i++)
        apply_record(&st, &dg->records[smp->first_record + i]);
    obuf_put(out, "FLOW", 4);
    col_addr(out, &dg->agent);
    col_d(out, smp->input);
    col_d(out, smp->output);
    col_mac(out, st.src_mac);
    col_mac(out, st.dst_mac);
    col_hex(out, st.eth_type, 4);
    col_d(out, st.in_vlan);
    col_d(out, st.out_vlan);
    col_addr(out, &st.src);
    col_addr(out, &st.dst);
    col_d(out, st.proto);
    col_hex(out, st.tos, 2);
    col_d(out, st.ttl);
    col_d(out, st.sport);
    col_d(out, st.dport);
    col_hex(out, st.tcp_flags, 2);
    col_d(out, st.sampled_size);
    col_d(out, st.sampled_size - st.stripped - st.ipv4_offset);
    col_d(out, smp->sampling_rate);
    obuf_put_char(out, '\n');
}

/* The CNTR line of counters sample 'smp'. */
static void
counters_line(struct obuf *out, const struct sflow_datagram *dg, const struct sflow_sample *smp)
{
    static const union sflow_value zero[SFLOW_MAX_FIELDS];
    const union sflow_value *v = zero;
    const struct sflow_record *rec;
    uint32_t i;

    /* The last generic record wins, as in sflowtool's per-sample state. */
    for (i = 0; i < smp->n_records; i++) {
        rec = &dg->records[smp->first_record + i];
        if (rec->tag == SFLOW_TAG(0, SFLOW_CTR_GENERIC) && rec->schema != NULL &&
            !rec->error && rec->n_values == rec->schema->n_fields)
            v = rec->v;
    }
    obuf_put(out, "CNTR", 4);
    col_addr(out, &dg->agent);
    /* Wire order is line order: ifIndex .. ifPromiscuousMode. */
    for (i = SF_IFC_INDEX; i <= SF_IFC_PROMISCUOUS; i++) {
        obuf_put_char(out, ',');
        obuf_put_u64(out, v[i].u);
    }
    obuf_put_char(out, '\n');
}

void
line_datagram(struct obuf *out, const struct dgram_meta *meta, const struct sflow_datagram *dg)
{
    const struct sflow_sample *smp;
    uint32_t i;

    (void)meta;
    for (i = 0; i < dg->n_samples; i++) {
        smp = &dg->samples[i];
        if (!smp->known || !smp->header_ok || smp->error)
            continue;
        switch (SFLOW_FORMAT(smp->tag)) {
        case SFLOW_FLOW_SAMPLE:
        case SFLOW_FLOW_SAMPLE_EXPANDED:
            flow_line(out, dg, smp);
            break;
        case SFLOW_COUNTERS_SAMPLE:
        case SFLOW_COUNTERS_SAMPLE_EXPANDED:
            counters_line(out, dg, smp);
            break;
        default:
            break;
        }
    }
}
