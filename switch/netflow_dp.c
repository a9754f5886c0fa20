/*
 * netflow_dp: a bridge's NetFlow v5 export; see netflow_dp.h.
 */
#include "netflow_dp.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "netflow5.h"
#include "netflow_cache.h"
#include "rd.h"

struct nfdp {
    struct nfdp_cfg cfg;
    struct sender snd;          /* Resolved targets and their sockets. */
    struct nfc cache;
    struct netflow5_record recs[NETFLOW5_MAX_RECORDS];
    unsigned n_recs;            /* Waiting for a packet. */
    uint32_t sequence;          /* Flows sent before the next packet. */
    uint64_t boot_ms;           /* sys_uptime counts from here. */
    uint64_t now_ms;
    struct nfdp_stats st;
};

void
nfdp_defaults(struct nfdp_cfg *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->engine_type = cfg->engine_id = -1;
}

/* Sends the records waiting in 'nf' to every target, as one NetFlow v5 packet. */
static void
send_batch(struct nfdp *nf)
{
    uint8_t buf[NETFLOW5_MAX_LEN];
    struct netflow5_header h;
    struct timespec ts;
    size_t len;

    if (nf->n_recs == 0)
        return;
    clock_gettime(CLOCK_REALTIME, &ts);
    memset(&h, 0, sizeof(h));
    h.version = NETFLOW5_VERSION;
    h.sys_uptime = (uint32_t)(nf->now_ms - nf->boot_ms);
    h.unix_secs = (uint32_t)ts.tv_sec;
    h.unix_nsecs = (uint32_t)ts.tv_nsec;
    h.flow_sequence = nf->sequence;
    h.engine_type = (uint8_t)(nf->cfg.engine_type < 0 ? 0 : nf->cfg.engine_type);
    h.engine_id = (uint8_t)(nf->cfg.engine_id < 0 ? 0 : nf->cfg.engine_id);
    len = netflow5_encode(buf, sizeof(buf), &h, nf->recs, nf->n_recs);
    nf->sequence += nf->n_recs;
    nf->n_recs = 0;
    for (size_t i = 0; i < nf->snd.n && len > 0; i++) {
        const struct sender_dst *d = &nf->snd.dst[i];
        int fd = d->ss.ss_family == AF_INET6 ? nf->snd.fd6 : nf->snd.fd4;

        if (sendto(fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL, (const struct sockaddr *)&d->ss, d->sslen) < 0)
            nf->st.send_errors++;
        else
            nf->st.datagrams++;
    }
}

static uint32_t
sat32(uint64_t v)
{
    return v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

/* nfc_emit_fn: the flow as a v5 record, sent when 30 wait. */
static void
emit(void *ctx, const struct nfc_flow *f)
{
    struct nfdp *nf = ctx;
    struct netflow5_record *r = &nf->recs[nf->n_recs++];
    uint16_t id = (uint16_t)((nf->cfg.engine_id < 0 ? 0 : nf->cfg.engine_id) & 0x7f) << 9;

    memset(r, 0, sizeof(*r));
    r->srcaddr = f->key.src;
    r->dstaddr = f->key.dst;
    r->input = f->key.in;
    r->output = f->key.out;
    if (nf->cfg.add_id_to_interface) {
        r->input = (uint16_t)((r->input & 0x1ff) | id);
        r->output = (uint16_t)((r->output & 0x1ff) | id);
    }
    r->dPkts = sat32(f->packets);
    r->dOctets = sat32(f->bytes);
    r->first = (uint32_t)(f->first_ms - nf->boot_ms);
    r->last = (uint32_t)(f->last_ms - nf->boot_ms);
    r->srcport = f->key.sport;
    r->dstport = f->key.dport;
    r->tcp_flags = f->tcp_flags;
    r->prot = f->key.proto;
    r->tos = f->key.tos;
    nf->st.flows++;
    if (nf->n_recs == NETFLOW5_MAX_RECORDS)
        send_batch(nf);
}

/* Frees 'nf' after sending what it counted. */
static void
nf_free(struct nfdp *nf)
{
    nfc_flush(&nf->cache);
    send_batch(nf);
    nfc_destroy(&nf->cache);
    sender_close(&nf->snd);
    free(nf);
}

int
nfdp_configure(struct bridge *br, const struct nfdp_cfg *cfg, char *err, size_t errsz)
{
    uint64_t active = cfg->active_timeout == 0 ? NFDP_DEFAULT_ACTIVE_S : (uint64_t)cfg->active_timeout;
    struct nfdp *nf;
    int e;

    if (cfg->n_targets == 0) {
        snprintf(err, errsz, "NetFlow needs at least one target (\"IP:PORT\")");
        return EINVAL;
    }
    if ((nf = calloc(1, sizeof(*nf))) == NULL) {
        snprintf(err, errsz, "out of memory");
        return ENOMEM;
    }
    nf->cfg = *cfg;
    sender_init(&nf->snd);
    for (size_t i = 0; i < cfg->n_targets; i++) {
        /* NetFlow has no default port: without one, sender_add() would take sFlow's. */
        const char *colon = strrchr(cfg->targets[i], ':');

        e = colon == NULL || strchr(colon, ']') != NULL ? EINVAL : sender_add(&nf->snd, cfg->targets[i]);
        if (e != 0) {
            snprintf(err, errsz, "NetFlow target \"%s\": %s", cfg->targets[i],
                e == EINVAL ? "not IP:PORT" : e == ENOENT ? "unknown host" : strerror(e));
            sender_close(&nf->snd);
            free(nf);
            return e;
        }
    }
    /* -1: no active timeout; a flow is handed out when idle (or the cache is full). */
    if (nfc_init(&nf->cache, NFDP_CACHE_FLOWS, cfg->active_timeout < 0 ? UINT64_MAX : active * 1000,
            NFDP_IDLE_S * 1000, emit, nf) != 0) {
        snprintf(err, errsz, "out of memory");
        sender_close(&nf->snd);
        free(nf);
        return ENOMEM;
    }
    nf->boot_ms = nf->now_ms = br->sw->now_ms;
    if (br->nf != NULL) {
        /* One exporter goes on: same uptime base, sequence numbers carried over. */
        struct nfdp *old = br->nf;

        old->now_ms = br->sw->now_ms;
        nfc_flush(&old->cache);
        send_batch(old);
        nf->boot_ms = old->boot_ms;
        nf->sequence = old->sequence;
        nf_free(old);
    }
    br->nf = nf;
    br->sw->config_gen++;
    return 0;
}

void
nfdp_clear(struct bridge *br)
{
    if (br->nf == NULL)
        return;
    br->nf->now_ms = br->sw->now_ms;
    nf_free(br->nf);
    br->nf = NULL;
    br->sw->config_gen++;
}

const struct nfdp_cfg *
nfdp_config(const struct bridge *br)
{
    return br->nf ? &br->nf->cfg : NULL;
}

const struct nfdp_stats *
nfdp_stats(const struct bridge *br)
{
    if (br->nf == NULL)
        return NULL;
    br->nf->st.full_flushes = br->nf->cache.full_flushes;
    return &br->nf->st;
}

void
nfdp_read(struct nfdp_pkt *p, const uint8_t *l2, uint32_t len)
{
    const uint8_t *l3 = l2 + 2, *l4;
    uint32_t n = len >= 2 ? len - 2 : 0, ihl;

    memset(p, 0, sizeof(*p));
    if (len < 2 || rd_be16(l2) != 0x0800 || n < 20 || (l3[0] >> 4) != 4 ||
        (ihl = (uint32_t)(l3[0] & 15) * 4) < 20 || n < ihl)
        return;
    p->ipv4 = true;
    p->key.src = rd_be32(l3 + 12);
    p->key.dst = rd_be32(l3 + 16);
    p->key.proto = l3[9];
    p->key.tos = l3[1];
    l4 = l3 + ihl;
    /* Ports only in a first fragment, and only where they were captured. */
    if ((rd_be16(l3 + 6) & 0x1fff) == 0) {
        if ((p->key.proto == 6 || p->key.proto == 17 || p->key.proto == 132) && n >= ihl + 4) {
            p->key.sport = rd_be16(l4);
            p->key.dport = rd_be16(l4 + 2);
        } else if (p->key.proto == 1 && n >= ihl + 2) {
            p->key.dport = (uint16_t)(l4[0] << 8 | l4[1]);
        }
        if (p->key.proto == 6 && n >= ihl + 14)
            p->tcp_flags = l4[13];
    }
}

void
nfdp_count(struct nfdp *nf, const struct nfdp_pkt *p, uint16_t in, uint16_t out,
    uint32_t packets, uint32_t bytes, uint64_t now_ms)
{
    struct nfc_key k;

    nf->now_ms = now_ms;
    if (!p->ipv4) {
        nf->st.not_ipv4 += packets;
        return;
    }
    k = p->key;
    k.in = in;
    k.out = out;
    nfc_count(&nf->cache, &k, packets, bytes, p->tcp_flags, now_ms);
}

void
nfdp_tick(struct sw *sw, struct bridge *br)
{
    if (br->nf == NULL)
        return;
    br->nf->now_ms = sw->now_ms;
    nfc_expire(&br->nf->cache, sw->now_ms);
    send_batch(br->nf);
}
