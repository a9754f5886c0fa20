/* netflow5: NetFlow v5 encoder, decoder and sFlow sample mapping; see netflow5.h. */
#include "netflow5.h"

#include <errno.h>
#include <string.h>

#include "rd.h"
#include "sflow_decode.h"
#include "wbuf.h"

/* One reservation for the record: a put per field, each testing the room, cost 290 instructions. */
static void
nf5_put_record(struct wbuf *w, const struct netflow5_record *r)
{
    uint8_t *p = wbuf_reserve(w, NETFLOW5_RECORD_LEN);

    if (p == NULL)
        return;
    p = wbuf_store_u32(p, r->srcaddr);
    p = wbuf_store_u32(p, r->dstaddr);
    p = wbuf_store_u32(p, r->nexthop);
    p = wbuf_store_u16(p, r->input);
    p = wbuf_store_u16(p, r->output);
    p = wbuf_store_u32(p, r->dPkts);
    p = wbuf_store_u32(p, r->dOctets);
    p = wbuf_store_u32(p, r->first);
    p = wbuf_store_u32(p, r->last);
    p = wbuf_store_u16(p, r->srcport);
    p = wbuf_store_u16(p, r->dstport);
    *p++ = 0;                           /* pad1 */
    *p++ = r->tcp_flags;
    *p++ = r->prot;
    *p++ = r->tos;
    p = wbuf_store_u16(p, r->src_as);
    p = wbuf_store_u16(p, r->dst_as);
    *p++ = r->src_mask;
    *p++ = r->dst_mask;
    wbuf_store_u16(p, 0);               /* pad2 */
}

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
    for (i = 0; i < n; i++)
        nf5_put_record(&w, &recs[i]);
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

void
netflow5_from_flowrec(const struct flowrec *f, struct netflow5_record *o)
{
    /* Every field is set. */
    o->srcaddr = rd_be32(f->src);
    o->dstaddr = rd_be32(f->dst);
    o->nexthop = f->nexthop_family == 4 ? rd_be32(f->nexthop) : 0;
    o->input = (uint16_t)f->input;
    o->output = (uint16_t)f->output;
    o->dPkts = f->packets > UINT32_MAX ? UINT32_MAX : (uint32_t)f->packets;
    o->dOctets = f->octets > UINT32_MAX ? UINT32_MAX : (uint32_t)f->octets;
    o->first = 0;
    o->last = 0;
    o->srcport = f->src_port;
    o->dstport = f->dst_port;
    o->tcp_flags = f->tcp_flags;
    o->prot = f->prot;
    o->tos = f->tos;
    o->src_as = netflow5_as16(f->src_as);
    o->dst_as = netflow5_as16(f->dst_as);
    o->src_mask = f->src_mask;
    o->dst_mask = f->dst_mask;
}

enum netflow5_kind
netflow5_from_sample(const struct sflow_datagram *dg, const struct sflow_sample *s,
    struct netflow5_record *o, int *has_as, uint8_t *src6, uint8_t *dst6)
{
    struct flowrec f;

    memset(o, 0, sizeof(*o));
    *has_as = 0;
    switch (flowrec_from_sample(dg, s, &f)) {
    case FLOWREC_NOT_FLOW:
        return NETFLOW5_NOT_FLOW;
    case FLOWREC_NOT_IP:
        return NETFLOW5_NOT_IP;
    case FLOWREC_OK:
        break;
    }
    if (f.family == 6) {
        if (src6 != NULL)
            memcpy(src6, f.src, 16);
        if (dst6 != NULL)
            memcpy(dst6, f.dst, 16);
        return NETFLOW5_IPV6;
    }
    netflow5_from_flowrec(&f, o);
    *has_as = f.has_as;
    return NETFLOW5_OK;
}
