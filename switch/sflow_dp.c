/*
 * sflow_dp: the switch's sFlow agent, one per bridge; see sflow_dp.h.
 */
#include "sflow_dp.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "port.h"
#include "records.h"
#include "sflow_encode.h"
#include "sflow_schema.h"

/* sFlow lets a sample wait at most a second in a datagram (SFLOW_V5_NOTES.md section 7). */
#define FLUSH_AGE_MS 1000

/* The discard reason of a packet a rule dropped: 258, "ACL" (sFlow v5, interface format 1). */
#define DISCARD_ACL 258

void
sfdp_defaults(struct sw_sflow *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->sampling = SFDP_DEFAULT_SAMPLING;
    cfg->polling = SFDP_DEFAULT_POLLING;
    cfg->header = SFDP_DEFAULT_HEADER;
}

void
sfdp_init(struct bridge *br)
{
    memset(&br->sf, 0, sizeof(br->sf));
    sender_init(&br->sf.snd);
}

/*
 * The agent address: 'spec' as an address literal, or the first IPv4
 * (else IPv6) address of interface 'spec', or of any non-loopback
 * interface if 'spec' is empty (127.0.0.1 if there is none).
 */
static int
agent_address(const char *spec, struct sflow_addr *a)
{
    struct ifaddrs *ifa, *i;
    struct in_addr v4;
    struct in6_addr v6;
    bool found4 = false, found6 = false;
    uint8_t a6[16] = { 0 };

    memset(a, 0, sizeof(*a));
    if (spec[0] && inet_pton(AF_INET, spec, &v4) == 1) {
        a->type = SFLOW_ADDR_IP4;
        memcpy(a->a, &v4, 4);
        return 0;
    }
    if (spec[0] && inet_pton(AF_INET6, spec, &v6) == 1) {
        a->type = SFLOW_ADDR_IP6;
        memcpy(a->a, &v6, 16);
        return 0;
    }
    if (getifaddrs(&ifa) < 0)
        return errno;
    for (i = ifa; i && !found4; i = i->ifa_next) {
        if (i->ifa_addr == NULL)
            continue;
        if (spec[0] ? strcmp(i->ifa_name, spec) != 0 : (i->ifa_flags & IFF_LOOPBACK) != 0)
            continue;
        if (i->ifa_addr->sa_family == AF_INET) {
            a->type = SFLOW_ADDR_IP4;
            memcpy(a->a, &((struct sockaddr_in *)(void *)i->ifa_addr)->sin_addr, 4);
            found4 = true;
        } else if (i->ifa_addr->sa_family == AF_INET6 && !found6) {
            memcpy(a6, &((struct sockaddr_in6 *)(void *)i->ifa_addr)->sin6_addr, 16);
            found6 = true;
        }
    }
    freeifaddrs(ifa);
    if (found4)
        return 0;
    if (found6) {
        a->type = SFLOW_ADDR_IP6;
        memcpy(a->a, a6, 16);
        return 0;
    }
    if (spec[0])
        return ENOENT;
    a->type = SFLOW_ADDR_IP4;
    a->a[0] = 127;
    a->a[3] = 1;
    return 0;
}

int
sfdp_configure(struct bridge *br, const struct sw_sflow *cfg, char *err, size_t errsz)
{
    struct sw_sflow *sf = &br->sf;
    struct sender snd;
    struct sflow_addr addr;
    struct dgram *dg;
    int e;

    if (cfg->sampling > SAMPLER_MAX_RATE) {
        snprintf(err, errsz, "sampling %u is too large", cfg->sampling);
        return EINVAL;
    }
    if (cfg->header < 32 || cfg->header > SFDP_MAX_HEADER) {
        snprintf(err, errsz, "header %u is not 32-%d bytes", cfg->header, SFDP_MAX_HEADER);
        return EINVAL;
    }
    if (cfg->n_targets == 0) {
        snprintf(err, errsz, "no target (target=HOST:PORT)");
        return EINVAL;
    }
    if ((e = agent_address(cfg->agent, &addr)) != 0) {
        snprintf(err, errsz, "agent %s: no address (%s)", cfg->agent, strerror(e));
        return e;
    }
    sender_init(&snd);
    for (size_t i = 0; i < cfg->n_targets; i++) {
        if ((e = sender_add(&snd, cfg->targets[i])) != 0) {
            snprintf(err, errsz, "target %s: %s", cfg->targets[i],
                e == ENOENT ? "host not found" : e == EINVAL ? "bad HOST:PORT" : strerror(e));
            sender_close(&snd);
            return e;
        }
    }
    dg = sf->dg ? sf->dg : malloc(sizeof(*dg));
    if (dg == NULL) {
        sender_close(&snd);
        snprintf(err, errsz, "out of memory");
        return ENOMEM;
    }
    if (sf->dg)
        dgram_flush(sf->dg, br->sw->now_ms);
    sender_keep_seq(&snd, &sf->snd);
    sender_close(&sf->snd);
    sf->snd = snd;
    if (sf->dg == NULL || memcmp(&sf->agent_addr, &addr, sizeof(addr)) != 0) {
        /* A new agent address starts a new datagram stream. */
        e = dgram_init(dg, &addr, 0, DGRAM_DEFAULT_BYTES, br->sw->boot_ms, sender_output, &sf->snd);
        if (e != 0) {
            snprintf(err, errsz, "datagram: %s", strerror(e));
            if (sf->dg == NULL)
                free(dg);
            return e;
        }
    }
    dg->out_ctx = &sf->snd;
    sf->dg = dg;
    sf->agent_addr = addr;
    sf->on = true;
    sf->sampling = cfg->sampling;
    sf->polling = cfg->polling;
    sf->header = cfg->header;
    snprintf(sf->agent, sizeof(sf->agent), "%s", cfg->agent);
    memcpy(sf->targets, cfg->targets, sizeof(sf->targets));
    sf->n_targets = cfg->n_targets;
    for (size_t i = 0; i < br->n_ports; i++) {
        struct port *p = br->ports[i];

        if (p->smp.rate != sf->sampling)
            sampler_set_rate(&p->smp, sf->sampling);
        poller_set_interval(&p->poll, sf->polling, br->sw->now_ms, &br->sw->rng);
    }
    br->sw->config_gen++;
    return 0;
}

void
sfdp_clear(struct bridge *br)
{
    struct sw_sflow *sf = &br->sf;

    if (sf->dg) {
        dgram_flush(sf->dg, br->sw->now_ms);
        free(sf->dg);
    }
    sender_close(&sf->snd);
    for (size_t i = 0; i < br->n_ports; i++) {
        sampler_set_rate(&br->ports[i]->smp, 0);
        poller_set_interval(&br->ports[i]->poll, 0, br->sw->now_ms, &br->sw->rng);
    }
    sfdp_init(br);
    br->sw->config_gen++;
}

void
sfdp_port_added(struct bridge *br, struct port *p)
{
    sampler_init(&p->smp, br->sf.on ? br->sf.sampling : 0, rng_next(&br->sw->rng) | 1);
    poller_start(&p->poll, br->sf.on ? br->sf.polling : 0, br->sw->now_ms, &br->sw->rng);
}

void
sfdp_keep_header(struct sw *sw, const struct port *in, const struct ring_frame *f,
    uint32_t seg_len)
{
    uint32_t max = in->br->sf.header, hlen, flen = seg_len;

    sw->hdr_len = 0;
    if (!in->br->sf.on || f->len < 14)
        return;
    if (f->has_vlan) {
        /* Put back the tag the kernel took out, as it was on the wire. */
        memcpy(sw->hdr, f->data, 12);
        sw->hdr[12] = 0x81;
        sw->hdr[13] = 0x00;
        sw->hdr[14] = (uint8_t)(f->tci >> 8);
        sw->hdr[15] = (uint8_t)f->tci;
        hlen = f->len - 12 < max - 16 ? f->len - 12 : max - 16;
        memcpy(sw->hdr + 16, f->data + 12, hlen);
        hlen += 16;
        flen += 4;
    } else {
        hlen = f->len < max ? f->len : max;
        memcpy(sw->hdr, f->data, hlen);
    }
    sw->hdr_len = hlen < flen ? hlen : flen;
    sw->hdr_frame_len = flen;
}

void
sfdp_sample(struct sw *sw, struct port *in, const struct sfdp_out *out)
{
    struct bridge *br = in->br;
    struct records_flow fl;
    struct sflow_sample smp;
    int e;

    if (sw->hdr_len == 0)
        return;
    memset(&fl, 0, sizeof(fl));
    fl.header_protocol = PKT_PROTO_ETHERNET;
    fl.frame_length = sw->hdr_frame_len + 4;
    fl.stripped = 4;
    fl.header = sw->hdr;
    fl.header_len = sw->hdr_len;
    fl.in_vlan = out->in_vlan;
    fl.in_priority = out->in_prio;
    fl.out_vlan = out->out_vlan;
    fl.out_priority = out->out_prio;

    /* The pool counts what the kernel dropped unread too: bring it up to date (once a millisecond at most). */
    if (in->drops_read_ms != sw->now_ms) {
        in->drops_read_ms = sw->now_ms;
        port_read_drops(in);
    }
    memset(&smp, 0, sizeof(smp));
    smp.tag = SFLOW_TAG(0, SFLOW_FLOW_SAMPLE_EXPANDED);
    smp.seq = ++in->smp.seq;
    smp.ds_class = SFLOW_DS_IFINDEX;
    smp.ds_index = (uint32_t)in->ifindex;
    smp.sampling_rate = in->smp.rate;
    smp.sample_pool = (uint32_t)in->smp.pool;
    smp.drops = (uint32_t)in->smp.drops;
    smp.input_format = SFLOW_IF_INDEX;
    smp.input = (uint32_t)in->ifindex;
    smp.output_format = out->format;
    smp.output = out->value;
    if ((e = dgram_add(br->sf.dg, &smp, records_flow, &fl, sw->now_ms)) != 0)
        in->smp.drops++;
}

struct port_ctr {
    struct records_port rp;
    uint64_t dpid;
    uint32_t ofport;
};

/* dgram_write_fn: the agent core's port records, then openflow_port (0:1004). */
static int
write_port_counters(struct wbuf *w, void *arg)
{
    const struct port_ctr *pc = arg;
    const struct sflow_schema *sc;
    union sflow_value v[2];
    int e;

    if ((e = records_port_counters(w, (void *)&pc->rp)) != 0)
        return e;
    sc = sflow_schema_find(SFLOW_TAG(0, SFLOW_CTR_OPENFLOW_PORT), 1);
    if (sc == NULL || sc->n_fields != 2)
        return EINVAL;
    memset(v, 0, sizeof(v));
    v[SF_OFPORT_DATAPATH].u = pc->dpid;
    v[SF_OFPORT_PORT].u = pc->ofport;
    return sflow_enc_record(w, SFLOW_TAG(0, SFLOW_CTR_OPENFLOW_PORT), sc, v);
}

void
sfdp_tick(struct sw *sw, struct bridge *br)
{
    struct port_ctr pc;
    struct sflow_sample smp;

    if (!br->sf.on)
        return;
    for (size_t i = 0; i < br->n_ports; i++) {
        struct port *p = br->ports[i];

        if (p->ifindex == 0 || !poller_due(&p->poll, sw->now_ms))
            continue;
        port_read_drops(p);
        port_records(p, &pc.rp);
        pc.dpid = br->dpid;
        pc.ofport = p->ofport;
        memset(&smp, 0, sizeof(smp));
        smp.tag = SFLOW_TAG(0, SFLOW_COUNTERS_SAMPLE_EXPANDED);
        smp.seq = p->poll.seq;
        smp.ds_class = SFLOW_DS_IFINDEX;
        smp.ds_index = (uint32_t)p->ifindex;
        if (dgram_add(br->sf.dg, &smp, write_port_counters, &pc, sw->now_ms) != 0)
            log_debug("%s: counter sample dropped", p->name);
    }
    if (dgram_stale(br->sf.dg, sw->now_ms, FLUSH_AGE_MS))
        dgram_flush(br->sf.dg, sw->now_ms);
}
