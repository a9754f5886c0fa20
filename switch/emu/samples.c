/*
 * samples: the sFlow samples of a run, read back from the pcap of its
 * datagrams that the collector writes (sflowcollect -M) and decoded here
 * with convert/.  Each flow or counter sample becomes a struct emu_sample
 * holding what the accuracy report (report.c) uses, read as sflowtool's
 * names for them (sflowcollect -L) read: where a sample says a thing twice
 * (two records with an IP source, say), the last one counts, and a field
 * not captured is 0.
 */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>

#include "emu.h"
#include "pkt_parse.h"
#include "rd.h"
#include "sflow_decode.h"
#include "sflow_schema.h"

/* What a flow sample's records say about its packet, before the protocol picks its ports. */
struct pkt_keys {
    bool has_src, has_dst;
    uint32_t src, dst;
    uint32_t proto;
    uint32_t udp[2], tcp[2];    /* Source, destination port. */
    uint32_t icmp[2];           /* Type, code. */
    int64_t ip_size;
};

/* Transport fields of a parsed header: only those whose 8 bytes were captured. */
static void
keys_from_l4(struct pkt_keys *k, const struct pkt_layer *l, size_t captured)
{
    if (l->l4 == 0 || l->l4 != l->proto || l->l4_offset + 8 > captured)
        return;
    if (l->l4 == 1) {
        k->icmp[0] = l->icmp_type;
        k->icmp[1] = l->icmp_code;
    } else if (l->l4 == 6) {
        k->tcp[0] = l->src_port;
        k->tcp[1] = l->dst_port;
    } else if (l->l4 == 17) {
        k->udp[0] = l->src_port;
        k->udp[1] = l->dst_port;
    }
}

/* 0:1 sampled_header: the outer packet, once its network layer was found. */
static void
keys_from_header(struct pkt_keys *k, const struct sflow_record *rec)
{
    const struct pkt_layer *l;

    if (rec->pkt == NULL || rec->n_values <= SF_HEADER_BYTES)
        return;
    l = &rec->pkt->outer;
    if (rec->v[SF_HEADER_PROTOCOL].u == PKT_PROTO_ETHERNET &&
        (!l->has_eth || l->eth_type == 0 || l->l3 == 0))
        return;
    /* The IP packet's bytes on the wire: the frame less what the agent stripped and the L2 header. */
    k->ip_size = (int32_t)((uint32_t)rec->v[SF_HEADER_FRAME_LENGTH].u -
        (uint32_t)rec->v[SF_HEADER_STRIPPED].u - (uint32_t)l->l3_offset);
    if (l->l3 != 4)
        return;
    k->has_src = k->has_dst = true;
    k->src = rd_be32(l->src_ip);
    k->dst = rd_be32(l->dst_ip);
    k->proto = l->proto;
    if (l->ip_frag_off == 0)
        keys_from_l4(k, l, rec->v[SF_HEADER_BYTES].b.len);
}

/* 0:3 sampled_ipv4, 0:4 sampled_ipv6 (whose addresses are no IPv4 flow's). */
static void
keys_from_ip(struct pkt_keys *k, const struct sflow_record *rec, bool v6)
{
    uint32_t sport, dport;

    if (rec->n_values < rec->schema->n_fields)
        return;
    k->ip_size = (uint32_t)rec->v[SF_IP_LENGTH].u;
    if (!v6) {
        k->has_src = k->has_dst = true;
        k->src = rd_be32(rec->v[SF_IP_SRC].b.p);
        k->dst = rd_be32(rec->v[SF_IP_DST].b.p);
    }
    k->proto = (uint32_t)rec->v[SF_IP_PROTOCOL].u;
    sport = (uint32_t)rec->v[SF_IP_SRC_PORT].u;
    dport = (uint32_t)rec->v[SF_IP_DST_PORT].u;
    if (k->proto == 1) {
        k->icmp[0] = dport;     /* Agents disagree; sflowtool reads dst_port. */
    } else if (k->proto == 6) {
        k->tcp[0] = sport;
        k->tcp[1] = dport;
    } else if (k->proto == 17) {
        k->udp[0] = sport;
        k->udp[1] = dport;
    }
}

static void
flow_sample(const struct sflow_datagram *dg, const struct sflow_sample *s, struct emu_sample *o)
{
    struct pkt_keys k;

    memset(&k, 0, sizeof(k));
    o->kind = EMU_SAMPLE_FLOW;
    o->rate = s->sampling_rate;
    o->pool = s->sample_pool;
    o->drops = s->drops;
    o->input = s->input_format == SFLOW_IF_INDEX ? s->input : 0;
    for (uint32_t i = 0; i < s->n_records && s->first_record + i < dg->n_records; i++) {
        const struct sflow_record *rec = &dg->records[s->first_record + i];

        if (rec->schema == NULL || rec->error)
            continue;
        if (rec->tag == SFLOW_TAG(0, SFLOW_FLOW_HEADER))
            keys_from_header(&k, rec);
        else if (rec->tag == SFLOW_TAG(0, SFLOW_FLOW_IPV4) || rec->tag == SFLOW_TAG(0, SFLOW_FLOW_IPV6))
            keys_from_ip(&k, rec, rec->tag == SFLOW_TAG(0, SFLOW_FLOW_IPV6));
    }
    o->has_ip4 = k.has_src && k.has_dst;
    o->src = k.src;
    o->dst = k.dst;
    o->proto = k.proto;
    o->ip_size = k.ip_size;
    if (k.proto == 17) {
        o->sport = k.udp[0];
        o->dport = k.udp[1];
    } else if (k.proto == 6) {
        o->sport = k.tcp[0];
        o->dport = k.tcp[1];
    } else {
        o->sport = k.icmp[0];
        o->dport = k.icmp[1];
    }
}

/* Field 'name' of counter record 'rec' into '*v'; false if the record lacks it. */
static bool
counter_field(const struct sflow_record *rec, const char *name, uint32_t *v)
{
    int i = sflow_schema_field(rec->schema, name);

    if (i < 0 || (uint32_t)i >= rec->n_values || rec->schema->fields[i].type != SFT_U32)
        return false;
    *v = (uint32_t)rec->v[i].u;
    return true;
}

/* A port's discards, from its generic interface counters (0:1). */
static void
counters_sample(const struct sflow_datagram *dg, const struct sflow_sample *s, struct emu_sample *o)
{
    o->kind = EMU_SAMPLE_COUNTERS;
    for (uint32_t i = 0; i < s->n_records && s->first_record + i < dg->n_records; i++) {
        const struct sflow_record *rec = &dg->records[s->first_record + i];

        if (rec->schema == NULL || rec->error || rec->tag != SFLOW_TAG(0, SFLOW_CTR_GENERIC))
            continue;
        counter_field(rec, "ifIndex", &o->ifindex);
        if (counter_field(rec, "ifInDiscards", &o->in_discards))
            o->has_discards = true;
        counter_field(rec, "ifOutDiscards", &o->out_discards);
    }
}

/*
 * Decodes the sFlow datagram 'p' (into 'dg') and hands each of its flow
 * and counter samples to 'fn'; a sample that did not decode is skipped,
 * those before it in the datagram count.  Returns the samples handed.
 */
int
samples_datagram(const uint8_t *p, size_t len, struct sflow_datagram *dg, samples_fn *fn,
    void *arg)
{
    int n = 0;

    (void)sflow_decode(p, len, dg);
    for (uint32_t i = 0; i < dg->n_samples; i++) {
        const struct sflow_sample *s = &dg->samples[i];
        uint32_t fmt = SFLOW_FORMAT(s->tag);
        struct emu_sample o;

        if (!s->known || s->error || !s->header_ok || SFLOW_ENTERPRISE(s->tag) != 0 ||
            fmt == SFLOW_DISCARDED_PACKET)
            continue;
        memset(&o, 0, sizeof(o));
        o.source = s->ds_index;
        if (fmt == SFLOW_FLOW_SAMPLE || fmt == SFLOW_FLOW_SAMPLE_EXPANDED)
            flow_sample(dg, s, &o);
        else
            counters_sample(dg, s, &o);
        fn(arg, &o);
        n++;
    }
    return n;
}

/* The UDP payload of captured packet 'p' (link type 'dlt'); NULL if it has none. */
static const uint8_t *
udp_payload(int dlt, const uint8_t *p, size_t len, size_t *plen)
{
    struct pkt_info info;
    uint32_t proto = dlt == DLT_EN10MB ? PKT_PROTO_ETHERNET :
        len > 0 && p[0] >> 4 == 6 ? PKT_PROTO_IPV6 : PKT_PROTO_IPV4;

    if (pkt_parse(p, len, proto, &info) != 0 || info.outer.l4 != 17 ||
        info.outer.payload_offset == 0 || info.outer.payload_offset > len)
        return NULL;
    *plen = len - info.outer.payload_offset;
    return p + info.outer.payload_offset;
}

/*
 * Reads the datagrams of pcap file 'path' received at or after 'since'
 * (NULL: all) and hands their samples to 'fn'.  The collector may be
 * writing the file: a record cut short at its end ends the reading, and
 * an empty file has no samples.  Returns the samples handed, or -1 with
 * a message in 'err'.
 */
long
samples_read(const char *path, const struct timeval *since, samples_fn *fn, void *arg,
    char *err, size_t errlen)
{
    char ebuf[PCAP_ERRBUF_SIZE];
    struct sflow_datagram *dg;
    struct pcap_pkthdr *h;
    const u_char *pkt;
    struct stat st;
    long n = 0;
    pcap_t *pc;
    int dlt;

    if (stat(path, &st) != 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    if (st.st_size == 0)
        return 0;
    if ((pc = pcap_open_offline(path, ebuf)) == NULL) {
        snprintf(err, errlen, "%s: %s", path, ebuf);
        return -1;
    }
    dlt = pcap_datalink(pc);
    if (dlt != DLT_RAW && dlt != DLT_EN10MB) {
        snprintf(err, errlen, "%s: link type %d: not datagrams as sflowcollect -M writes them",
            path, dlt);
        pcap_close(pc);
        return -1;
    }
    if ((dg = malloc(sizeof(*dg))) == NULL) {
        snprintf(err, errlen, "out of memory");
        pcap_close(pc);
        return -1;
    }
    while (pcap_next_ex(pc, &h, &pkt) == 1) {
        const uint8_t *payload;
        size_t len;

        if (since != NULL && timercmp(&h->ts, since, <))
            continue;
        if ((payload = udp_payload(dlt, pkt, h->caplen, &len)) != NULL)
            n += samples_datagram(payload, len, dg, fn, arg);
    }
    free(dg);
    pcap_close(pc);
    return n;
}
