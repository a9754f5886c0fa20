/*
 * nf_export: the NetFlow export sink (-c HOST -d PORT, -N 5|9|10, -s, -e,
 * --nf-aggregate, --nf-active-timeout, --nf-inactive-timeout,
 * --nf-template-refresh).
 *
 * Every flow sample with an IP packet becomes one flow record
 * (convert/flowrec.c does the mapping), or is merged into the record of its
 * flow when aggregating.  NetFlow v5 carries IPv4 only: its IPv6 samples are
 * counted as not exportable; v9 and IPFIX carry both.  Records are batched
 * per exporter, because the header names the exporter and numbers its
 * output: v5's engine_type/engine_id (nfcapd keys an exporter by them and
 * the source address, and checks each one's flow_sequence), v9's source_id
 * and IPFIX's observation domain.  An exporter is an sFlow agent (address
 * and sub-agent) and, with -s, one sampling interval of it: v5 has one
 * interval per exporter, and nfcapd 1.7 applies the first one an exporter
 * announces to all its later packets, whatever they say (seen by
 * experiment); v9 and IPFIX announce it in an options record per exporter.
 * Exporter N (in order of appearance) is engine_type N >> 8, engine_id
 * N & 255, source id / observation domain N.
 *
 * v9 and IPFIX exporters send their templates (IPv4, IPv6, options) and
 * the options record (sampling interval and algorithm, agent address) in
 * their first message and again every --nf-template-refresh messages or
 * seconds, so that a collector started later learns them.
 *
 * A batch is sent when it holds 30 records (v5; v9 and IPFIX: the IPv4
 * records one message holds) and at the latest about half a
 * second after its first record (at a tick), so that an idle exporter
 * still delivers within a second.  Full packets wait in a small queue and
 * go out with one sendmmsg() per collector.
 *
 * Time: sys_uptime counts milliseconds of CLOCK_MONOTONIC since the sink
 * opened; first/last are that clock when the sample (or, aggregated, the
 * flow's first and last sample) was processed; unix_secs/unix_nsecs are
 * the wall clock when the packet is built.  So unix time minus sys_uptime
 * is the exporter's boot time, as analyzers expect.  IPFIX stamps flows in
 * milliseconds since the epoch: the monotonic time plus the wall clock's
 * offset at open.  Capture timestamps (-r) are not used: they belong to
 * another clock.
 *
 * Scaling: by default packets and octets are multiplied by the sample's
 * sampling rate and the announced interval is 0 (v5) or 1.  With -s they
 * are the raw counts and the interval is the rate (v5: 0x4000 | rate,
 * except for a rate over 16383, which the field cannot hold: such samples
 * are pre-scaled and sent with interval 0).  Never both, or the analyzer
 * would scale twice.
 */
#include "nf_export.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "flowrec.h"
#include "geoip.h"
#include "ipfix.h"
#include "mono.h"
#include "netflow5.h"
#include "netflow9.h"
#include "spoof.h"

#define NF_QUEUE 32                     /* Packets per sendmmsg(). */
#define NF_BATCH NETFLOW5_MAX_RECORDS   /* Records an exporter holds before sending. */
#define NF_PKT_MAX NETFLOW5_MAX_LEN     /* Bytes of the largest packet. */
#define NF_MSG_CAP 1400                 /* v9/IPFIX: room in one message (IPv6 path MTU). */
#define NF_MAX_AGENTS 4096              /* Exporters used. */
#define NF_AGENT_SLOTS 8192             /* Hash slots, a power of two > exporters. */
#define NF_FLUSH_MS 500                 /* Age at which a part-filled batch goes. */
#ifndef NF_FLOWS_MAX
#define NF_FLOWS_MAX 65536              /* Aggregation table cap, a power of two. */
#endif

struct nf_agent {
    struct sflow_addr addr;
    uint32_t sub_agent;
    uint16_t index;
    uint32_t interval;                  /* -s: the sampling rate of every record; else 0 */
    uint32_t sequence;                  /* v5 flows, v9 messages, IPFIX data records */
    uint32_t tmpl_left;                 /* Messages until the templates are due again. */
    uint64_t tmpl_ms;                   /* When they were last sent; 0 never. */
    uint64_t opened_ms;                 /* When the open batch got its first record. */
    unsigned int n;
    union {                             /* The open batch: */
        struct netflow5_record v5[NF_BATCH];    /* v5, converted as they come; */
        struct flowrec recs[NF_BATCH];          /* v9 and IPFIX. */
    };
};

/* An aggregated flow.  Links are indexes + 1 into the pool; 0 is none. */
struct nf_flow {
    uint32_t hnext;
    uint32_t prev, next;                /* Least recently updated first. */
    uint32_t hash;
    uint16_t agent;                     /* Exporter index. */
    struct flowrec rec;                 /* first_ms/last_ms: the flow's first and last sample */
};

struct nf_target {
    int fd;
    char name[80];
    uint64_t errors;
    struct sockaddr_storage addr;       /* For -S: where, and from which port. */
    uint16_t sport;
};

struct nf_stats {
    uint64_t flow_samples, exported_samples, ipv6, not_ip, exporters_overflow;
    uint64_t records, packets, send_errors, prescaled_high_rate, geoip_as;
    uint64_t merged, evicted, expired_active, expired_inactive, split, templates;
    uint64_t encode_errors;
};

struct nf_export {
    struct sink sink;
    int version;                        /* 5, 9 or 10 */
    int raw_counts;
    int peer_as;
    int aggregate;
    uint64_t active_ms, inactive_ms;
    uint32_t tmpl_packets;
    uint64_t tmpl_ms;
    uint64_t counter_max;               /* Largest packet or octet count a record holds. */
    unsigned int batch;                 /* Records an exporter holds before sending. */
    struct geoip *geo;

    struct nf_target targets[CONFIG_MAX_TARGETS];
    int n_targets;

    uint64_t start_ms;                  /* CLOCK_MONOTONIC at open. */
    int64_t epoch_shift;                /* Wall clock minus monotonic, ms (IPFIX times). */
    uint64_t last_flush_check, last_expire;

    struct nf_agent *agents[NF_MAX_AGENTS];
    uint16_t agent_slot[NF_AGENT_SLOTS];        /* index + 1, 0 empty */
    unsigned int n_agents;
    int last_agent;                     /* Of the previous datagram, or -1. */

    struct nf_flow *flows;              /* Pool of NF_FLOWS_MAX, if aggregating. */
    uint32_t *buckets;                  /* NF_FLOWS_MAX chains. */
    uint32_t free_head, lru_head, lru_tail, n_flows;

    uint8_t queue[NF_QUEUE][NF_PKT_MAX];
    size_t queue_len[NF_QUEUE];
    uint16_t queue_agent[NF_QUEUE];     /* Exporter of each packet (its -S source). */
    int n_queued;
    struct spoof *spoof;                /* -S, else NULL */

    struct nf_stats st;
};

/* ---- Sending ---- */

/*
 * -S: the queue to target 't' from each packet's agent; a packet whose
 * agent is of the other address family goes the ordinary way.
 */
static void
nf_send_spoofed(struct nf_export *nf, struct nf_target *t)
{
    const struct sflow_addr *src;
    int i, rc;

    for (i = 0; i < nf->n_queued; i++) {
        src = &nf->agents[nf->queue_agent[i]]->addr;
        rc = spoof_send(nf->spoof, src, t->sport, (struct sockaddr *)&t->addr,
            nf->queue[i], nf->queue_len[i]);
        if (rc == EAFNOSUPPORT)
            rc = send(t->fd, nf->queue[i], nf->queue_len[i], 0) < 0 ? errno : 0;
        if (rc != 0) {
            t->errors++;
            nf->st.send_errors++;
        }
    }
}

static void
nf_send_queue(struct nf_export *nf)
{
    struct mmsghdr msgs[NF_QUEUE];
    struct iovec iov[NF_QUEUE];
    int i, t, sent, n, retried;

    if (nf->n_queued == 0)
        return;
    for (i = 0; i < nf->n_queued; i++) {
        iov[i].iov_base = nf->queue[i];
        iov[i].iov_len = nf->queue_len[i];
        memset(&msgs[i], 0, sizeof(msgs[i]));
        msgs[i].msg_hdr.msg_iov = &iov[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
    }
    for (t = 0; t < nf->n_targets; t++) {
        if (nf->spoof != NULL) {
            nf_send_spoofed(nf, &nf->targets[t]);
            continue;
        }
        sent = 0;
        retried = 0;
        while (sent < nf->n_queued) {
            n = sendmmsg(nf->targets[t].fd, msgs + sent, (unsigned int)(nf->n_queued - sent), 0);
            if (n > 0) {
                sent += n;
                continue;
            }
            if (n < 0 && errno == EINTR)
                continue;
            /*
             * A connected UDP socket reports an earlier ICMP port
             * unreachable on the next send, which itself was not sent:
             * try it once more, then give up on this packet.
             */
            if (n < 0 && errno == ECONNREFUSED && !retried) {
                retried = 1;
                continue;
            }
            nf->targets[t].errors++;
            nf->st.send_errors++;
            sent++;
            retried = 0;
        }
    }
    nf->st.packets += (uint64_t)nf->n_queued;
    nf->n_queued = 0;
}

/* The next free queue slot (sending the queue when it is full). */
static uint8_t *
nf_slot(struct nf_export *nf)
{
    if (nf->n_queued == NF_QUEUE)
        nf_send_queue(nf);
    return nf->queue[nf->n_queued];
}

static void
nf_queued(struct nf_export *nf, const struct nf_agent *a, size_t len)
{
    if (len == 0) {
        nf->st.encode_errors++;
        return;
    }
    nf->queue_agent[nf->n_queued] = a->index;
    nf->queue_len[nf->n_queued++] = len;
}

/* The v5 packet of the agent's open batch. */
static void
nf_encode_v5(struct nf_export *nf, struct nf_agent *a, uint64_t up,
    const struct timespec *now)
{
    struct netflow5_header h;
    size_t len;

    memset(&h, 0, sizeof(h));
    h.version = NETFLOW5_VERSION;
    h.count = (uint16_t)a->n;
    h.sys_uptime = (uint32_t)up;
    h.unix_secs = (uint32_t)now->tv_sec;
    h.unix_nsecs = (uint32_t)now->tv_nsec;
    h.flow_sequence = a->sequence;
    h.engine_type = (uint8_t)(a->index >> 8);
    h.engine_id = (uint8_t)(a->index & 0xff);
    if (a->interval != 0)
        h.sampling_interval = (uint16_t)(NETFLOW5_SAMPLING_MODE_DETERMINISTIC | a->interval);
    len = netflow5_encode(nf_slot(nf), NF_PKT_MAX, &h, a->v5, a->n);
    if (len > 0)
        a->sequence += a->n;
    nf_queued(nf, a, len);
}

/* Whether the agent's next v9/IPFIX message must carry the templates. */
static int
nf_templates_due(const struct nf_export *nf, const struct nf_agent *a, uint64_t now)
{
    return a->tmpl_ms == 0 || a->tmpl_left == 0 || now - a->tmpl_ms >= nf->tmpl_ms;
}

/* The v9 or IPFIX messages of the agent's open batch. */
static void
nf_encode_sets(struct nf_export *nf, struct nf_agent *a, uint64_t now_ms,
    const struct timespec *now)
{
    struct flowset_options opt;
    struct flowset_msg m;
    unsigned int i = 0, first;
    size_t len;

    memset(&opt, 0, sizeof(opt));
    opt.domain = a->index;
    opt.sampling_interval = a->interval != 0 ? a->interval : 1;
    opt.sampling_algorithm = FLOWSET_SAMPLING_RANDOM;
    opt.agent_v6 = a->addr.type == SFLOW_ADDR_IP6;
    memcpy(opt.agent, a->addr.a, opt.agent_v6 ? 16 : 4);
    while (i < a->n) {
        if (nf->version == 9)
            netflow9_begin(&m, nf_slot(nf), NF_MSG_CAP, nf->start_ms);
        else
            ipfix_begin(&m, nf_slot(nf), NF_MSG_CAP, nf->epoch_shift);
        if (nf_templates_due(nf, a, now_ms) && flowset_templates(&m, &opt) == 0) {
            a->tmpl_ms = now_ms;
            a->tmpl_left = nf->tmpl_packets;
            nf->st.templates++;
        }
        first = i;
        while (i < a->n && flowset_add(&m, &a->recs[i]) == 0)
            i++;
        if (i == first && m.records == 0) {
            nf->st.encode_errors++;     /* Cannot happen: a record fits an empty message. */
            return;
        }
        if (nf->version == 9) {
            struct netflow9_header h = {
                (uint32_t)(now_ms - nf->start_ms), (uint32_t)now->tv_sec, a->sequence, a->index
            };

            len = netflow9_end(&m, &h);
            a->sequence++;
        } else {
            struct ipfix_header h = { (uint32_t)now->tv_sec, a->sequence, a->index };

            len = ipfix_end(&m, &h);
            a->sequence += m.data_records;
        }
        if (a->tmpl_left > 0)
            a->tmpl_left--;
        nf_queued(nf, a, len);
    }
}

/* Encodes the agent's open batch into the send queue. */
static void
nf_flush_agent(struct nf_export *nf, struct nf_agent *a)
{
    struct timespec now;
    uint64_t now_ms;

    if (a->n == 0)
        return;
    clock_gettime(CLOCK_REALTIME, &now);
    now_ms = mono_ms();
    if (nf->version == 5)
        nf_encode_v5(nf, a, now_ms - nf->start_ms, &now);
    else
        nf_encode_sets(nf, a, now_ms, &now);
    a->n = 0;
}

static void
nf_add_record(struct nf_export *nf, struct nf_agent *a, const struct flowrec *rec,
    uint64_t now)
{
    struct netflow5_record *r5;

    if (a->n == 0)
        a->opened_ms = now;
    if (nf->version == 5) {
        r5 = &a->v5[a->n++];
        netflow5_from_flowrec(rec, r5);
        r5->first = (uint32_t)(rec->first_ms - nf->start_ms);
        r5->last = (uint32_t)(rec->last_ms - nf->start_ms);
    } else {
        a->recs[a->n++] = *rec;
    }
    nf->st.records++;
    if (a->n == nf->batch)
        nf_flush_agent(nf, a);
}

static void
nf_flush_all(struct nf_export *nf, uint64_t older_than)
{
    unsigned int i;

    for (i = 0; i < nf->n_agents; i++)
        if (nf->agents[i]->n > 0 && nf->agents[i]->opened_ms <= older_than)
            nf_flush_agent(nf, nf->agents[i]);
}

/* ---- Agents ---- */

static uint32_t
nf_agent_hash(const struct sflow_addr *addr, uint32_t sub_agent, uint32_t interval)
{
    uint32_t h = 2166136261u ^ addr->type;
    size_t i, n = addr->type == SFLOW_ADDR_IP6 ? 16 : 4;

    for (i = 0; i < n; i++)
        h = (h ^ addr->a[i]) * 16777619u;
    h = (h ^ sub_agent) * 16777619u;
    h = (h ^ interval) * 16777619u;
    return h ^ (h >> 16);
}

static int
nf_agent_same(const struct nf_agent *a, const struct sflow_addr *addr, uint32_t sub_agent,
    uint32_t interval)
{
    /* sflow_decode() zeroes an address past its type's length: compared whole. */
    return a->sub_agent == sub_agent && a->interval == interval &&
        a->addr.type == addr->type &&
        memcmp(a->addr.a, addr->a, sizeof(addr->a)) == 0;
}

/*
 * The exporter of the datagram's agent for 'interval', added on first
 * sight; NULL when the table is full.
 */
static struct nf_agent *
nf_agent(struct nf_export *nf, const struct sflow_datagram *dg, uint32_t interval)
{
    struct nf_agent *a;
    uint32_t slot;

    if (nf->last_agent >= 0 &&
        nf_agent_same(nf->agents[nf->last_agent], &dg->agent, dg->sub_agent_id, interval))
        return nf->agents[nf->last_agent];
    slot = nf_agent_hash(&dg->agent, dg->sub_agent_id, interval) & (NF_AGENT_SLOTS - 1);
    while (nf->agent_slot[slot] != 0) {
        a = nf->agents[nf->agent_slot[slot] - 1];
        if (nf_agent_same(a, &dg->agent, dg->sub_agent_id, interval)) {
            nf->last_agent = a->index;
            return a;
        }
        slot = (slot + 1) & (NF_AGENT_SLOTS - 1);
    }
    if (nf->n_agents == NF_MAX_AGENTS || (a = calloc(1, sizeof(*a))) == NULL)
        return NULL;
    a->addr = dg->agent;
    a->sub_agent = dg->sub_agent_id;
    a->interval = interval;
    a->index = (uint16_t)nf->n_agents;
    nf->agents[nf->n_agents++] = a;
    nf->agent_slot[slot] = (uint16_t)(a->index + 1);
    nf->last_agent = a->index;
    return a;
}

/* ---- Aggregation ---- */

static uint32_t
nf_flow_hash(uint16_t agent, const struct flowrec *r)
{
    uint64_t src[2], dst[2], h;

    /* The addresses whole (an IPv4 one is zero past its 4 bytes), in no loop. */
    memcpy(src, r->src, 16);
    memcpy(dst, r->dst, 16);
    h = (src[0] ^ dst[0] * 0x9e3779b97f4a7c15ull) * 0xff51afd7ed558ccdull;
    h = (h ^ src[1] ^ dst[1] * 0x9e3779b97f4a7c15ull) * 0xff51afd7ed558ccdull;
    h = (h ^ ((uint64_t)r->src_port << 48 | (uint64_t)r->dst_port << 32 |
        (uint64_t)(r->input & 0xffff) << 16 | (r->output & 0xffff))) * 0xc4ceb9fe1a85ec53ull;
    h = (h ^ ((uint64_t)agent << 16 | (uint64_t)r->prot << 8 | r->tos)) *
        0xff51afd7ed558ccdull;
    return (uint32_t)(h >> 32);
}

static int
nf_flow_same(const struct nf_flow *f, uint16_t agent, const struct flowrec *r)
{
    const struct flowrec *a = &f->rec;

    return f->agent == agent && a->family == r->family &&
        memcmp(a->src, r->src, 16) == 0 && memcmp(a->dst, r->dst, 16) == 0 &&
        a->src_port == r->src_port && a->dst_port == r->dst_port &&
        a->input == r->input && a->output == r->output &&
        a->prot == r->prot && a->tos == r->tos;
}

static void
nf_lru_unlink(struct nf_export *nf, struct nf_flow *f)
{
    if (f->prev)
        nf->flows[f->prev - 1].next = f->next;
    else
        nf->lru_head = f->next;
    if (f->next)
        nf->flows[f->next - 1].prev = f->prev;
    else
        nf->lru_tail = f->prev;
    f->prev = f->next = 0;
}

static void
nf_lru_append(struct nf_export *nf, struct nf_flow *f, uint32_t id)
{
    f->prev = nf->lru_tail;
    f->next = 0;
    if (nf->lru_tail)
        nf->flows[nf->lru_tail - 1].next = id;
    else
        nf->lru_head = id;
    nf->lru_tail = id;
}

/* Exports flow 'id' and returns its entry to the free list. */
static void
nf_flow_remove(struct nf_export *nf, uint32_t id, uint64_t now)
{
    struct nf_flow *f = &nf->flows[id - 1];
    uint32_t *link = &nf->buckets[f->hash & (NF_FLOWS_MAX - 1)];

    nf_add_record(nf, nf->agents[f->agent], &f->rec, now);
    while (*link != id)
        link = &nf->flows[*link - 1].hnext;
    *link = f->hnext;
    nf_lru_unlink(nf, f);
    f->hnext = nf->free_head;
    nf->free_head = id;
    nf->n_flows--;
}

static void
nf_aggregate(struct nf_export *nf, struct nf_agent *a, const struct flowrec *rec,
    uint64_t now)
{
    uint32_t hash = nf_flow_hash(a->index, rec);
    uint32_t *bucket = &nf->buckets[hash & (NF_FLOWS_MAX - 1)], id;
    struct nf_flow *f;

    for (id = *bucket; id != 0; id = f->hnext) {
        f = &nf->flows[id - 1];
        if (f->hash != hash || !nf_flow_same(f, a->index, rec))
            continue;
        if (f->rec.packets > nf->counter_max - rec->packets ||
            f->rec.octets > nf->counter_max - rec->octets) {
            /* The record's counters are full: send what they hold, start again. */
            nf_add_record(nf, a, &f->rec, now);
            nf->st.split++;
            f->rec.packets = 0;
            f->rec.octets = 0;
            f->rec.tcp_flags = 0;
            f->rec.first_ms = now;
        }
        f->rec.packets += rec->packets;
        f->rec.octets += rec->octets;
        f->rec.tcp_flags |= rec->tcp_flags;
        memcpy(f->rec.nexthop, rec->nexthop, sizeof(rec->nexthop));
        f->rec.nexthop_family = rec->nexthop_family;
        f->rec.src_as = rec->src_as;
        f->rec.dst_as = rec->dst_as;
        f->rec.src_mask = rec->src_mask;
        f->rec.dst_mask = rec->dst_mask;
        f->rec.last_ms = now;
        nf_lru_unlink(nf, f);
        nf_lru_append(nf, f, id);
        nf->st.merged++;
        return;
    }
    if (nf->free_head == 0) {
        /* Full: the flow idle longest goes out early. */
        nf_flow_remove(nf, nf->lru_head, now);
        nf->st.evicted++;
        bucket = &nf->buckets[hash & (NF_FLOWS_MAX - 1)];
    }
    id = nf->free_head;
    f = &nf->flows[id - 1];
    nf->free_head = f->hnext;
    f->hash = hash;
    f->agent = a->index;
    f->rec = *rec;
    f->hnext = *bucket;
    *bucket = id;
    nf_lru_append(nf, f, id);
    nf->n_flows++;
}

/* Exports flows idle for the inactive timeout or older than the active one. */
static void
nf_expire(struct nf_export *nf, uint64_t now, int all)
{
    uint32_t id = nf->lru_head, next;
    struct nf_flow *f;

    while (id != 0) {
        f = &nf->flows[id - 1];
        next = f->next;
        if (all) {
            nf_flow_remove(nf, id, now);
        } else if (now - f->rec.last_ms >= nf->inactive_ms) {
            nf_flow_remove(nf, id, now);
            nf->st.expired_inactive++;
        } else if (now - f->rec.first_ms >= nf->active_ms) {
            nf_flow_remove(nf, id, now);
            nf->st.expired_active++;
        }
        id = next;
    }
}

/* ---- The sink ---- */

/* The AS number of address 'addr' of the record's family in 'geo', or 0. */
static uint32_t
nf_geoip_as(struct geoip *geo, const struct flowrec *r, const uint8_t *addr)
{
    struct geoip_info gi;

    return geoip_lookup(geo, r->family == 6, addr, &gi) ? gi.asn : 0;
}

/* The AS numbers the record is sent with: -e's neighbours, else GeoIP's when no gateway said. */
static void
nf_as_numbers(struct nf_export *nf, struct flowrec *rec)
{
    if (rec->has_as) {
        if (nf->peer_as) {
            rec->src_as = rec->src_peer_as;
            rec->dst_as = rec->dst_peer_as;
        }
    } else if (nf->geo != NULL) {
        rec->src_as = nf_geoip_as(nf->geo, rec, rec->src);
        rec->dst_as = nf_geoip_as(nf->geo, rec, rec->dst);
        if (rec->src_as != 0 || rec->dst_as != 0)
            nf->st.geoip_as++;
    }
}

/*
 * '*agent' is the exporter of the datagram's previous sample, or NULL: the
 * agent is the same for all, only -s's interval may differ.
 */
static void
nf_sample(struct nf_export *nf, const struct sflow_datagram *dg,
    const struct sflow_sample *s, uint64_t now, struct nf_agent **agent)
{
    struct flowrec rec;
    uint32_t rate, interval = 0;

    switch (flowrec_from_sample(dg, s, &rec)) {
    case FLOWREC_NOT_FLOW:
        return;
    case FLOWREC_NOT_IP:
        nf->st.flow_samples++;
        nf->st.not_ip++;
        return;
    case FLOWREC_OK:
        nf->st.flow_samples++;
        break;
    }
    if (rec.family == 6 && nf->version == 5) {
        nf->st.ipv6++;
        return;
    }
    nf_as_numbers(nf, &rec);
    rate = s->sampling_rate != 0 ? s->sampling_rate : 1;
    if (nf->raw_counts && (nf->version != 5 || rate <= NETFLOW5_SAMPLING_MAX)) {
        interval = rate;
    } else {
        if (nf->raw_counts)
            nf->st.prescaled_high_rate++;
        rec.packets *= rate;
        rec.octets *= rate;
        if (rec.octets > nf->counter_max)
            rec.octets = nf->counter_max;
    }
    if (*agent == NULL || (*agent)->interval != interval)
        *agent = nf_agent(nf, dg, interval);
    if (*agent == NULL) {
        nf->st.exporters_overflow++;
        return;
    }
    rec.first_ms = rec.last_ms = now;
    nf->st.exported_samples++;
    if (nf->aggregate)
        nf_aggregate(nf, *agent, &rec, now);
    else
        nf_add_record(nf, *agent, &rec, now);
}

static void
nf_datagram(void *ctx, const uint8_t *raw, size_t len, const struct dgram_meta *meta,
    const struct sflow_datagram *dg)
{
    struct nf_export *nf = ctx;
    struct nf_agent *agent = NULL;
    uint64_t now;
    uint32_t i;

    (void)raw, (void)len, (void)meta;
    if (dg->stage < 2 || dg->n_samples == 0)
        return;
    now = mono_ms();
    for (i = 0; i < dg->n_samples && i < SFLOW_MAX_SAMPLES; i++)
        nf_sample(nf, dg, &dg->samples[i], now, &agent);
}

static void
nf_tick(void *ctx, const struct timeval *tv)
{
    struct nf_export *nf = ctx;
    uint64_t now = mono_ms();

    (void)tv;
    if (nf->aggregate && now - nf->last_expire >= 1000) {
        nf->last_expire = now;
        nf_expire(nf, now, 0);
    }
    if (now - nf->last_flush_check >= 100) {
        nf->last_flush_check = now;
        nf_flush_all(nf, now >= NF_FLUSH_MS ? now - NF_FLUSH_MS : 0);
    }
    nf_send_queue(nf);
}

static void
nf_stats(void *ctx, FILE *f)
{
    struct nf_export *nf = ctx;
    const struct nf_stats *s = &nf->st;
    uint64_t pending = 0;               /* Records in open batches. */
    unsigned int i;
    int t;

    for (i = 0; i < nf->n_agents; i++)
        pending += nf->agents[i]->n;

    if (nf->version == 10)
        fprintf(f, "ipfix export\n");
    else
        fprintf(f, "netflow v%d export\n", nf->version);
    fprintf(f, "  flow_samples %llu exported %llu ipv6_not_exportable %llu not_ip %llu"
        " exporters_overflow %llu\n", (unsigned long long)s->flow_samples,
        (unsigned long long)s->exported_samples, (unsigned long long)s->ipv6,
        (unsigned long long)s->not_ip, (unsigned long long)s->exporters_overflow);
    fprintf(f, "  records %llu pending %llu packets %llu queued %d send_errors %llu"
        " exporters %u prescaled_high_rate %llu geoip_as %llu\n",
        (unsigned long long)s->records, (unsigned long long)pending,
        (unsigned long long)s->packets, nf->n_queued, (unsigned long long)s->send_errors,
        nf->n_agents, (unsigned long long)s->prescaled_high_rate,
        (unsigned long long)s->geoip_as);
    if (nf->aggregate)
        fprintf(f, "  aggregate flows %u merged %llu evicted %llu expired_active %llu"
            " expired_inactive %llu split %llu\n", nf->n_flows,
            (unsigned long long)s->merged, (unsigned long long)s->evicted,
            (unsigned long long)s->expired_active, (unsigned long long)s->expired_inactive,
            (unsigned long long)s->split);
    if (nf->version != 5)
        fprintf(f, "  templates %llu encode_errors %llu\n", (unsigned long long)s->templates,
            (unsigned long long)s->encode_errors);
    for (t = 0; t < nf->n_targets; t++)
        if (nf->targets[t].errors)
            fprintf(f, "  collector %s send_errors %llu\n", nf->targets[t].name,
                (unsigned long long)nf->targets[t].errors);
    geoip_stats(nf->geo, f);
}

static void
nf_free(struct nf_export *nf)
{
    unsigned int i;
    int t;

    for (t = 0; t < nf->n_targets; t++)
        close(nf->targets[t].fd);
    for (i = 0; i < nf->n_agents; i++)
        free(nf->agents[i]);
    free(nf->flows);
    free(nf->buckets);
    spoof_close(nf->spoof);
    geoip_release(nf->geo);
    free(nf);
}

static void
nf_close(void *ctx)
{
    struct nf_export *nf = ctx;
    uint64_t now = mono_ms();

    if (nf->aggregate)
        nf_expire(nf, now, 1);
    nf_flush_all(nf, UINT64_MAX);
    nf_send_queue(nf);
    nf_free(nf);
}

/* -S sends to 'ai' itself, from the port the connected socket 'fd' got. */
static void
nf_target_addr(struct nf_target *t, int fd, const struct addrinfo *ai)
{
    struct sockaddr_storage local;
    socklen_t n = sizeof(local);

    memcpy(&t->addr, ai->ai_addr, ai->ai_addrlen);
    if (getsockname(fd, (struct sockaddr *)&local, &n) == 0)
        t->sport = ntohs(local.ss_family == AF_INET6 ?
            ((struct sockaddr_in6 *)&local)->sin6_port : ((struct sockaddr_in *)&local)->sin_port);
}

static int
nf_open_target(struct nf_target *t, const struct target *tg, char *err, size_t errlen)
{
    struct addrinfo hints, *res, *ai;
    int rc, fd = -1, saved = 0;

    snprintf(t->name, sizeof(t->name), "%s port %s", tg->host, tg->port);
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_DGRAM;
    hints.ai_flags = AI_NUMERICSERV;
    if ((rc = getaddrinfo(tg->host, tg->port, &hints, &res)) != 0) {
        snprintf(err, errlen, "-c %s -d %s: %s", tg->host, tg->port, gai_strerror(rc));
        return EINVAL;
    }
    for (ai = res; ai != NULL; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0) {
            saved = errno;
            continue;
        }
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
            nf_target_addr(t, fd, ai);
            break;
        }
        saved = errno;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0) {
        snprintf(err, errlen, "-c %s -d %s: %s", tg->host, tg->port, strerror(saved));
        return saved ? saved : EINVAL;
    }
    t->fd = fd;
    return 0;
}

struct sink *
nf_export_open(const struct config *cfg, char *err, size_t errlen)
{
    struct nf_export *nf = calloc(1, sizeof(*nf));
    struct timespec wall;
    uint32_t i;
    int t;

    if (nf == NULL) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    nf->version = cfg->nf_version != 0 ? cfg->nf_version : 5;
    nf->raw_counts = cfg->nf_raw_counts;
    nf->peer_as = cfg->nf_peer_as;
    nf->tmpl_packets = cfg->nf_tmpl_packets > 0 ? (uint32_t)cfg->nf_tmpl_packets : 20;
    nf->tmpl_ms = (uint64_t)(cfg->nf_tmpl_seconds > 0 ? cfg->nf_tmpl_seconds : 60) * 1000;
    nf->counter_max = nf->version == 5 ? UINT32_MAX : UINT64_MAX;
    /* v9/IPFIX: as many IPv4 records as fill one message (IPv6 ones spill over). */
    nf->batch = NF_BATCH;
    if (nf->version == 9)
        nf->batch = (NF_MSG_CAP - NETFLOW9_HEADER_LEN - 4) / flowset_record_len(FLOWSET_V9, 4);
    else if (nf->version == 10)
        nf->batch = (NF_MSG_CAP - IPFIX_HEADER_LEN - 4) / flowset_record_len(FLOWSET_IPFIX, 4);
    nf->aggregate = cfg->nf_aggregate;
    nf->active_ms = (uint64_t)cfg->nf_active_timeout * 1000;
    nf->inactive_ms = (uint64_t)cfg->nf_inactive_timeout * 1000;
    nf->last_agent = -1;
    nf->start_ms = mono_ms();
    clock_gettime(CLOCK_REALTIME, &wall);
    nf->epoch_shift = (int64_t)wall.tv_sec * 1000 + wall.tv_nsec / 1000000 -
        (int64_t)nf->start_ms;
    nf->last_flush_check = nf->last_expire = nf->start_ms;
    for (t = 0; t < cfg->n_nf; t++) {
        if (nf_open_target(&nf->targets[t], &cfg->nf[t], err, errlen) != 0) {
            nf_free(nf);
            return NULL;
        }
        nf->n_targets++;
    }
    if (nf->aggregate) {
        nf->flows = calloc(NF_FLOWS_MAX, sizeof(*nf->flows));
        nf->buckets = calloc(NF_FLOWS_MAX, sizeof(*nf->buckets));
        if (nf->flows == NULL || nf->buckets == NULL) {
            snprintf(err, errlen, "out of memory");
            nf_free(nf);
            return NULL;
        }
        for (i = 0; i < NF_FLOWS_MAX; i++)
            nf->flows[i].hnext = i + 2 <= NF_FLOWS_MAX ? i + 2 : 0;
        nf->free_head = 1;
    }
    if (cfg->spoof && spoof_open(&nf->spoof, err, errlen) != 0) {
        nf_free(nf);
        return NULL;
    }
    if (geoip_acquire(cfg, &nf->geo, err, errlen) != 0) {
        nf_free(nf);
        return NULL;
    }
    nf->sink.name = "netflow";
    nf->sink.ctx = nf;
    nf->sink.datagram = nf_datagram;
    nf->sink.tick = nf_tick;
    nf->sink.stats = nf_stats;
    nf->sink.close = nf_close;
    return &nf->sink;
}
