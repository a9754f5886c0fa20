/*
 * libFuzzer entry point: the NetFlow v5 export's input path.  One input =
 * one sFlow datagram: it is decoded, each flow sample is mapped to a v5
 * record (netflow5_from_sample(), as sflowcollect -c does), the records
 * are encoded 30 to a packet, and each packet must decode back to the same
 * header and records.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netflow5.h"
#include "sflow_decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
same_record(const struct netflow5_record *a, const struct netflow5_record *b)
{
    return a->srcaddr == b->srcaddr && a->dstaddr == b->dstaddr && a->nexthop == b->nexthop &&
        a->input == b->input && a->output == b->output && a->dPkts == b->dPkts &&
        a->dOctets == b->dOctets && a->first == b->first && a->last == b->last &&
        a->srcport == b->srcport && a->dstport == b->dstport &&
        a->tcp_flags == b->tcp_flags && a->prot == b->prot && a->tos == b->tos &&
        a->src_as == b->src_as && a->dst_as == b->dst_as &&
        a->src_mask == b->src_mask && a->dst_mask == b->dst_mask;
}

/* 'count' aside: the encoder writes the number of records it was given. */
static int
same_header(const struct netflow5_header *a, const struct netflow5_header *b)
{
    return a->version == b->version && a->sys_uptime == b->sys_uptime && a->unix_secs == b->unix_secs &&
        a->unix_nsecs == b->unix_nsecs && a->flow_sequence == b->flow_sequence &&
        a->engine_type == b->engine_type && a->engine_id == b->engine_id &&
        a->sampling_interval == b->sampling_interval;
}

/* Encodes 'n' records, decodes the packet and aborts on any difference. */
static void
round_trip(const struct netflow5_header *h, const struct netflow5_record *recs, unsigned n)
{
    static struct netflow5_record back[NETFLOW5_MAX_RECORDS];
    struct netflow5_header hb;
    size_t want = NETFLOW5_HEADER_LEN + (size_t)n * NETFLOW5_RECORD_LEN, len;
    uint8_t *pkt = malloc(want);    /* Exactly the packet: ASan sees any overrun. */

    if (pkt == NULL)
        return;
    if (netflow5_encode(pkt, want - 1, h, recs, n) != 0)
        abort();                    /* A short buffer must be refused. */
    len = netflow5_encode(pkt, want, h, recs, n);
    if (len != want || netflow5_decode(pkt, len, &hb, back) != 0 ||
        hb.count != n || !same_header(h, &hb))
        abort();
    for (unsigned i = 0; i < n; i++)
        if (!same_record(&recs[i], &back[i]))
            abort();
    free(pkt);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct sflow_datagram *dg;
    static struct netflow5_record recs[NETFLOW5_MAX_RECORDS];
    struct netflow5_header h;
    unsigned n = 0;
    uint32_t exported = 0;
    uint8_t *copy;

    if (dg == NULL && (dg = malloc(sizeof(*dg))) == NULL)
        abort();
    if ((copy = malloc(size ? size : 1)) == NULL)
        return 0;
    memcpy(copy, data, size);
    sflow_decode(copy, size, dg);
    memset(&h, 0, sizeof(h));
    h.version = NETFLOW5_VERSION;
    h.sys_uptime = dg->uptime;
    h.unix_secs = dg->seq;
    h.engine_id = (uint8_t)dg->sub_agent_id;
    for (uint32_t i = 0; i < dg->n_samples; i++) {
        const struct sflow_sample *s = &dg->samples[i];
        uint8_t src6[16], dst6[16];
        int has_as = 0;

        memset(&recs[n], 0, sizeof(recs[n]));
        if (netflow5_from_sample(dg, s, &recs[n], &has_as, src6, dst6) != NETFLOW5_OK)
            continue;
        if (recs[n].dPkts != 1)
            abort();                /* One sample is one packet. */
        recs[n].first = recs[n].last = dg->uptime;
        if (s->sampling_rate <= NETFLOW5_SAMPLING_MAX)
            h.sampling_interval = (uint16_t)(NETFLOW5_SAMPLING_MODE_DETERMINISTIC | s->sampling_rate);
        if (++n == NETFLOW5_MAX_RECORDS) {
            h.flow_sequence = exported;
            round_trip(&h, recs, n);
            exported += n;
            n = 0;
        }
    }
    if (n > 0) {
        h.flow_sequence = exported;
        round_trip(&h, recs, n);
    }
    if (netflow5_encode(recs, 0, &h, recs, 0) != 0)
        abort();                    /* Zero records is not a packet. */
    free(copy);
    return 0;
}
