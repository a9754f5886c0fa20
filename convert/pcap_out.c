/*
 * pcap_out: a sampled packet header as a pcap packet; see pcap_out.h.
 *
 * sampled_header (flow record 0:1, sFlow v5 section 5.2):
 *
 *   header_protocol  unsigned int   1 Ethernet, 11 IPv4, 12 IPv6, ...
 *   frame_length     unsigned int   original length of the frame
 *   stripped         unsigned int   bytes removed before sampling (FCS, ...)
 *   header           opaque<>       the first bytes of the frame
 *
 * The pcap original length is frame_length - stripped, as the agent saw the
 * frame; captured length is the header's length.
 */
#include "pcap_out.h"

#include <errno.h>
#include <string.h>

#include "sflow_schema.h"

#define ETH_TYPE_IPV4 0x0800
#define ETH_TYPE_IPV6 0x86dd

static int
is_header_record(const struct sflow_record *rec)
{
    return rec->tag == SFLOW_TAG(0, SFLOW_FLOW_HEADER) && rec->schema != NULL &&
        !rec->error && rec->n_values >= rec->schema->n_fields;
}

enum pcap_out_link
pcap_out_native(const struct sflow_record *rec)
{
    if (!is_header_record(rec))
        return PCAP_OUT_LINK_NONE;
    switch (rec->v[SF_HEADER_PROTOCOL].u) {
    case PKT_PROTO_ETHERNET:
        return PCAP_OUT_LINK_ETHERNET;
    case PKT_PROTO_IPV4:
    case PKT_PROTO_IPV6:
        return PCAP_OUT_LINK_RAW;
    default:
        return PCAP_OUT_LINK_NONE;
    }
}

static uint32_t
sub_sat(uint32_t a, uint32_t b)
{
    return a > b ? a - b : 0;
}

int
pcap_out_packet(const struct sflow_record *rec, enum pcap_out_link link,
    int cut_payload, uint8_t *buf, size_t buflen, struct pcap_out_pkt *out)
{
    enum pcap_out_link native = pcap_out_native(rec);
    const struct pkt_layer *l = NULL;
    struct pkt_info local;
    const uint8_t *hdr;
    uint32_t hdr_len, caplen, len, payload;
    uint16_t eth_type;

    memset(out, 0, sizeof(*out));
    if (native == PCAP_OUT_LINK_NONE || link == PCAP_OUT_LINK_NONE)
        return EINVAL;
    hdr = rec->v[SF_HEADER_BYTES].b.p;
    hdr_len = rec->v[SF_HEADER_BYTES].b.len;
    if (hdr_len > PCAP_OUT_SNAPLEN)
        hdr_len = PCAP_OUT_SNAPLEN;
    len = sub_sat((uint32_t)rec->v[SF_HEADER_FRAME_LENGTH].u, (uint32_t)rec->v[SF_HEADER_STRIPPED].u);

    /* The decoder parses at most SFLOW_MAX_HEADERS headers per datagram. */
    if (rec->pkt != NULL)
        l = &rec->pkt->outer;
    else if ((native != link || cut_payload) &&
        pkt_parse(hdr, hdr_len, (uint32_t)rec->v[SF_HEADER_PROTOCOL].u, &local) == 0)
        l = &local.outer;
    payload = l != NULL && l->payload_offset > 0 && l->payload_offset <= hdr_len &&
        (l->l4 == 6 || l->l4 == 17) ? (uint32_t)l->payload_offset : 0;

    if (native == link) {
        out->bytes = hdr;
        caplen = hdr_len;
    } else if (link == PCAP_OUT_LINK_RAW) {
        /* Ethernet to raw IP: drop everything before the network header. */
        if (l == NULL || !l->has_eth || l->l3_offset < PCAP_OUT_ETH_LEN ||
            l->l3_offset > hdr_len ||
            (l->eth_type != ETH_TYPE_IPV4 && l->eth_type != ETH_TYPE_IPV6))
            return EPROTONOSUPPORT;
        out->bytes = hdr + l->l3_offset;
        caplen = hdr_len - (uint32_t)l->l3_offset;
        len = sub_sat(len, (uint32_t)l->l3_offset);
        payload = payload ? payload - (uint32_t)l->l3_offset : 0;
        out->converted = 1;
    } else {
        /* Raw IP to Ethernet: zero MACs say that the addresses are unknown. */
        if (buflen < PCAP_OUT_ETH_LEN + (size_t)hdr_len)
            return EINVAL;
        eth_type = rec->v[SF_HEADER_PROTOCOL].u == PKT_PROTO_IPV4 ? ETH_TYPE_IPV4 : ETH_TYPE_IPV6;
        memset(buf, 0, 12);
        buf[12] = (uint8_t)(eth_type >> 8);
        buf[13] = (uint8_t)(eth_type & 0xff);
        if (hdr_len > 0)
            memcpy(buf + PCAP_OUT_ETH_LEN, hdr, hdr_len);
        out->bytes = buf;
        caplen = hdr_len + PCAP_OUT_ETH_LEN;
        len += PCAP_OUT_ETH_LEN;
        payload = payload ? payload + PCAP_OUT_ETH_LEN : 0;
        out->converted = 1;
    }
    out->len = len < caplen ? caplen : len;
    if (cut_payload && payload > 0 && payload < caplen) {
        caplen = payload;
        out->cut = 1;
    }
    out->caplen = caplen;
    return 0;
}
