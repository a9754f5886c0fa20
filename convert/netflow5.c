/* netflow5: NetFlow v5 encoder, decoder and sFlow sample mapping; see netflow5.h. */
#include "netflow5.h"

#include <errno.h>
#include <string.h>

#include "rd.h"
#include "sflow_decode.h"
#include "wbuf.h"

size_t
netflow5_encode(void *buf, size_t cap, const struct netflow5_header *hdr,
    const struct netflow5_record *recs, unsigned int n)
{
    struct wbuf w;
    unsigned int i;

    if (n == 0 || n > NETFLOW5_MAX_RECORDS)
        return 0;
    wbuf_init(&w, buf, cap);
    wbuf_put_u16(&w, NETFLOW5_VERSION);
    wbuf_put_u16(&w, (uint16_t)n);
    wbuf_put_u32(&w, hdr->sys_uptime);
    wbuf_put_u32(&w, hdr->unix_secs);
    wbuf_put_u32(&w, hdr->unix_nsecs);
    wbuf_put_u32(&w, hdr->flow_sequence);
    wbuf_put_u8(&w, hdr->engine_type);
    wbuf_put_u8(&w, hdr->engine_id);
    wbuf_put_u16(&w, hdr->sampling_interval);
    for (i = 0; i < n; i++) {
        const struct netflow5_record *r = &recs[i];

        wbuf_put_u32(&w, r->srcaddr);
        wbuf_put_u32(&w, r->dstaddr);
        wbuf_put_u32(&w, r->nexthop);
        wbuf_put_u16(&w, r->input);
        wbuf_put_u16(&w, r->output);
        wbuf_put_u32(&w, r->dPkts);
        wbuf_put_u32(&w, r->dOctets);
        wbuf_put_u32(&w, r->first);
        wbuf_put_u32(&w, r->last);
        wbuf_put_u16(&w, r->srcport);
        wbuf_put_u16(&w, r->dstport);
        wbuf_put_u8(&w, 0);
        wbuf_put_u8(&w, r->tcp_flags);
        wbuf_put_u8(&w, r->prot);
        wbuf_put_u8(&w, r->tos);
        wbuf_put_u16(&w, r->src_as);
        wbuf_put_u16(&w, r->dst_as);
        wbuf_put_u8(&w, r->src_mask);
        wbuf_put_u8(&w, r->dst_mask);
        wbuf_put_u16(&w, 0);
    }
    return w.error ? 0 : w.size;
}

int
netflow5_decode(const void *buf, size_t len, struct netflow5_header *hdr,
    struct netflow5_record *recs)
{
    struct rd r = rd_init(buf, len);
    unsigned int i;

    memset(hdr, 0, sizeof(*hdr));
    hdr->version = rd_u16(&r);
    hdr->count = rd_u16(&r);
    hdr->sys_uptime = rd_u32(&r);
    hdr->unix_secs = rd_u32(&r);
    hdr->unix_nsecs = rd_u32(&r);
    hdr->flow_sequence = rd_u32(&r);
    hdr->engine_type = rd_u8(&r);
    hdr->engine_id = rd_u8(&r);
    hdr->sampling_interval = rd_u16(&r);
    if (r.error)
        return EBADMSG;
    if (hdr->version != NETFLOW5_VERSION)
        return EPROTONOSUPPORT;
    if (hdr->count == 0 || hdr->count > NETFLOW5_MAX_RECORDS ||
        r.left / NETFLOW5_RECORD_LEN < hdr->count)
        return EBADMSG;
    for (i = 0; i < hdr->count; i++) {
        struct netflow5_record *o = &recs[i];

        o->srcaddr = rd_u32(&r);
        o->dstaddr = rd_u32(&r);
        o->nexthop = rd_u32(&r);
        o->input = rd_u16(&r);
        o->output = rd_u16(&r);
        o->dPkts = rd_u32(&r);
        o->dOctets = rd_u32(&r);
        o->first = rd_u32(&r);
        o->last = rd_u32(&r);
        o->srcport = rd_u16(&r);
        o->dstport = rd_u16(&r);
        rd_skip(&r, 1);
        o->tcp_flags = rd_u8(&r);
        o->prot = rd_u8(&r);
        o->tos = rd_u8(&r);
        o->src_as = rd_u16(&r);
        o->dst_as = rd_u16(&r);
        o->src_mask = rd_u8(&r);
        o->dst_mask = rd_u8(&r);
        rd_skip(&r, 2);
    }
    return r.error ? EBADMSG : 0;
}

/* ---- sFlow flow sample -> NetFlow v5 record ---- */

/* An input/output word as a 16-bit ifIndex: only format 0 names one interface. */
static uint16_t
nf_ifindex(uint32_t format, uint32_t value)
{
    if (format != SFLOW_IF_INDEX || value == SFLOW_IF_INTERNAL)
        return 0;
    return (uint16_t)value;
}

/* The IP packet of a parsed sampled header (0:1). */
static enum netflow5_kind
nf_from_header(const struct sflow_record *rec, struct netflow5_record *o,
    uint8_t *src6, uint8_t *dst6)
{
    const struct pkt_layer *l;
    uint32_t frame, stripped;

    if (rec->pkt == NULL || rec->n_values < rec->schema->n_fields)
        return NETFLOW5_NOT_IP;
    l = &rec->pkt->outer;
    if (l->l3 == 6) {
        if (src6 != NULL)
            memcpy(src6, l->src_ip, 16);
        if (dst6 != NULL)
            memcpy(dst6, l->dst_ip, 16);
        return NETFLOW5_IPV6;
    }
    if (l->l3 != 4)
        return NETFLOW5_NOT_IP;
    o->srcaddr = rd_be32(l->src_ip);
    o->dstaddr = rd_be32(l->dst_ip);
    o->prot = l->proto;
    o->tos = l->tos;
    if (l->l4 == 6 || l->l4 == 17) {
        o->srcport = l->src_port;
        o->dstport = l->dst_port;
        if (l->l4 == 6)
            o->tcp_flags = l->tcp_flags;
    } else if (l->l4 == 1) {
        /* Cisco's convention for ICMP: type and code in the destination port. */
        o->dstport = (uint16_t)(l->icmp_type << 8 | l->icmp_code);
    }
    /* The packet's IP length on the wire, as the agent reports its frame. */
    frame = (uint32_t)rec->v[1].u;
    stripped = (uint32_t)rec->v[2].u;
    if ((uint64_t)stripped + l->l3_offset < frame)
        o->dOctets = frame - stripped - (uint32_t)l->l3_offset;
    else
        o->dOctets = l->ip_total_len;
    return NETFLOW5_OK;
}

/* 0:3 sampled_ipv4 / 0:4 sampled_ipv6. */
static enum netflow5_kind
nf_from_ip_record(const struct sflow_record *rec, struct netflow5_record *o,
    uint8_t *src6, uint8_t *dst6)
{
    if (rec->n_values < rec->schema->n_fields)
        return NETFLOW5_NOT_IP;
    if (rec->tag == SFLOW_TAG(0, SFLOW_FLOW_IPV6)) {
        if (src6 != NULL)
            memcpy(src6, rec->v[2].b.p, 16);
        if (dst6 != NULL)
            memcpy(dst6, rec->v[3].b.p, 16);
        return NETFLOW5_IPV6;
    }
    o->dOctets = (uint32_t)rec->v[0].u;
    o->prot = (uint8_t)rec->v[1].u;
    o->srcaddr = rd_be32(rec->v[2].b.p);
    o->dstaddr = rd_be32(rec->v[3].b.p);
    if (o->prot == 1) {
        /* Agents disagree on where ICMP type goes; the spec says dst_port. */
        o->dstport = (uint16_t)(rec->v[5].u << 8);
    } else {
        o->srcport = (uint16_t)rec->v[4].u;
        o->dstport = (uint16_t)rec->v[5].u;
    }
    o->tcp_flags = o->prot == 6 ? (uint8_t)rec->v[6].u : 0;
    o->tos = (uint8_t)rec->v[7].u;
    return NETFLOW5_OK;
}

static void
nf_router(const struct sflow_record *rec, struct netflow5_record *o)
{
    if (rec->n_values < rec->schema->n_fields)
        return;
    if (rec->v[0].addr.type == SFLOW_ADDR_IP4)
        o->nexthop = rd_be32(rec->v[0].addr.a);
    o->src_mask = rec->v[1].u <= 32 ? (uint8_t)rec->v[1].u : 0;
    o->dst_mask = rec->v[2].u <= 32 ? (uint8_t)rec->v[2].u : 0;
}

/* Source AS: src_as, else the peer's; destination AS: the path's last ASN. */
static void
nf_gateway(const struct sflow_record *rec, struct netflow5_record *o, int *has_as)
{
    const struct sflow_bytes *path = &rec->v[4].b;
    uint32_t type, n, seg, src_as, dst_as = 0;
    const uint8_t *asns;
    size_t pos = 0, next;

    if (rec->n_values < rec->schema->n_fields)
        return;
    src_as = rec->v[2].u != 0 ? (uint32_t)rec->v[2].u : (uint32_t)rec->v[3].u;
    for (seg = 0; seg < path->count; seg++) {
        next = sflow_as_path_next(path, pos, &type, &n, &asns);
        if (next == 0)
            break;
        if (n > 0)
            dst_as = rd_be32(asns + (size_t)(n - 1) * 4);
        pos = next;
    }
    o->src_as = netflow5_as16(src_as);
    o->dst_as = netflow5_as16(dst_as);
    *has_as = 1;
}

enum netflow5_kind
netflow5_from_sample(const struct sflow_datagram *dg, const struct sflow_sample *s,
    struct netflow5_record *o, int *has_as, uint8_t *src6, uint8_t *dst6)
{
    enum netflow5_kind kind = NETFLOW5_NOT_IP, k;
    uint32_t fmt = SFLOW_FORMAT(s->tag), i;
    const struct sflow_record *rec;

    memset(o, 0, sizeof(*o));
    *has_as = 0;
    if (SFLOW_ENTERPRISE(s->tag) != 0 || !s->known || !s->header_ok ||
        (fmt != SFLOW_FLOW_SAMPLE && fmt != SFLOW_FLOW_SAMPLE_EXPANDED))
        return NETFLOW5_NOT_FLOW;
    for (i = 0; i < s->n_records && s->first_record + i < dg->n_records; i++) {
        rec = &dg->records[s->first_record + i];
        if (rec->schema == NULL || rec->error)
            continue;
        switch (rec->tag) {
        case SFLOW_TAG(0, SFLOW_FLOW_HEADER):
        case SFLOW_TAG(0, SFLOW_FLOW_IPV4):
        case SFLOW_TAG(0, SFLOW_FLOW_IPV6):
            /* The first record that names an IPv4 packet wins. */
            if (kind == NETFLOW5_OK)
                break;
            /* Either writes 'o' only when it returns NETFLOW5_OK. */
            k = rec->tag == SFLOW_TAG(0, SFLOW_FLOW_HEADER) ?
                nf_from_header(rec, o, src6, dst6) :
                nf_from_ip_record(rec, o, src6, dst6);
            if (k == NETFLOW5_OK || kind == NETFLOW5_NOT_IP)
                kind = k;
            break;
        case SFLOW_TAG(0, SFLOW_FLOW_EX_ROUTER):
            nf_router(rec, o);
            break;
        case SFLOW_TAG(0, SFLOW_FLOW_EX_GATEWAY):
            nf_gateway(rec, o, has_as);
            break;
        default:
            break;
        }
    }
    if (kind != NETFLOW5_OK)
        return kind;
    o->dPkts = 1;
    o->input = nf_ifindex(s->input_format, s->input);
    o->output = nf_ifindex(s->output_format, s->output);
    return NETFLOW5_OK;
}
