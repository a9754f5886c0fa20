/* dgram_pcap: -M, the datagrams themselves as pcap; see dgram_pcap.h. */
#include "dgram_pcap.h"

#include <arpa/inet.h>
#include <errno.h>
#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "udpip.h"

#define DP_SNAPLEN 65535

struct dgram_pcap {
    struct sink sink;
    pcap_t *dead;
    pcap_dumper_t *dumper;
    uint16_t port;
    uint8_t bind4[4], bind6[16];        /* The -b address of each family, else 0. */
    uint64_t written, skipped;
    uint8_t pkt[40 + 8 + DP_SNAPLEN];
};

static void
dp_datagram(void *ctx, const uint8_t *raw, size_t len, const struct dgram_meta *meta,
    const struct sflow_datagram *dg)
{
    struct dgram_pcap *d = ctx;
    struct pcap_pkthdr h;
    uint8_t src[16];
    struct wbuf w;
    int v6;

    /* The sender, else the agent. */
    if (inet_pton(AF_INET, meta->src, src) == 1) {
        v6 = 0;
    } else if (inet_pton(AF_INET6, meta->src, src) == 1) {
        v6 = 1;
    } else if (dg->stage >= 2 && dg->agent.type != SFLOW_ADDR_UNKNOWN) {
        v6 = dg->agent.type == SFLOW_ADDR_IP6;
        memcpy(src, dg->agent.a, v6 ? 16 : 4);
    } else {
        d->skipped++;
        return;
    }
    wbuf_init(&w, d->pkt, sizeof(d->pkt));
    if (udpip_build(&w, v6, src, v6 ? d->bind6 : d->bind4, meta->src_port ? meta->src_port :
        SFLOW_PORT, d->port, raw, len) != 0) {
        d->skipped++;
        return;
    }
    memset(&h, 0, sizeof(h));
    h.ts = meta->ts;
    h.caplen = h.len = (bpf_u_int32)w.size;
    pcap_dump((u_char *)d->dumper, &h, w.base);
    d->written++;
}

static void
dp_tick(void *ctx, const struct timeval *now)
{
    (void)now;
    pcap_dump_flush(((struct dgram_pcap *)ctx)->dumper);
}

static void
dp_stats(void *ctx, FILE *f)
{
    struct dgram_pcap *d = ctx;

    fprintf(f, "datagram pcap written %llu skipped %llu\n", (unsigned long long)d->written,
        (unsigned long long)d->skipped);
}

static void
dp_close(void *ctx)
{
    struct dgram_pcap *d = ctx;

    if (d->dumper != NULL)
        pcap_dump_close(d->dumper);
    if (d->dead != NULL)
        pcap_close(d->dead);
    free(d);
}

struct sink *
dgram_pcap_open(const struct config *cfg, char *err, size_t errlen)
{
    struct dgram_pcap *d = calloc(1, sizeof(*d));
    FILE *f;
    int fd;

    if (d == NULL) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    d->port = cfg->port;
    if (cfg->bind_addr != NULL) {
        (void)inet_pton(AF_INET, cfg->bind_addr, d->bind4);
        (void)inet_pton(AF_INET6, cfg->bind_addr, d->bind6);
    }
    d->dead = pcap_open_dead(DLT_RAW, DP_SNAPLEN);
    /* A duplicate of stdout, so that closing the dump leaves fd 1 to main. */
    fd = dup(STDOUT_FILENO);
    if (d->dead == NULL || fd < 0 || (f = fdopen(fd, "wb")) == NULL ||
        (d->dumper = pcap_dump_fopen(d->dead, f)) == NULL) {
        snprintf(err, errlen, "-M: pcap on stdout: %s", strerror(errno));
        if (fd >= 0)
            close(fd);
        dp_close(d);
        return NULL;
    }
    d->sink.name = "dgram_pcap";
    d->sink.ctx = d;
    d->sink.datagram = dp_datagram;
    d->sink.tick = dp_tick;
    d->sink.stats = dp_stats;
    d->sink.close = dp_close;
    return &d->sink;
}
