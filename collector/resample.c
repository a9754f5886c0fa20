/* resample: -R N, raw capture -> sFlow datagrams; see resample.h. */
#include "resample.h"

#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>

#include "datagram.h"
#include "sampler.h"
#include "sflow_encode.h"

#define RS_HEADER_BYTES 128     /* Longest sampled header, as the agent's default. */

struct rs_ctx {
    recv_cb cb;
    void *cb_ctx;
    struct dgram_meta meta;     /* Of the packet being read. */
    uint32_t seq;               /* Of the last datagram made. */
    int stop;
};

/* One sampled header record: what dgram_add() writes for a packet. */
struct rs_packet {
    uint32_t proto;
    uint32_t frame_length, stripped;
    const uint8_t *hdr;
    uint32_t len;
};

static int
rs_write(struct wbuf *w, void *arg)
{
    const struct rs_packet *p = arg;

    return sflow_enc_header(w, p->proto, p->frame_length, p->stripped, p->hdr, p->len);
}

static void
rs_out(void *ctx, uint8_t *buf, size_t len, size_t seq_off)
{
    struct rs_ctx *c = ctx;

    /* Numbered as an agent numbers them, so that collectors see no restart. */
    dgram_set_seq(buf, len, seq_off, ++c->seq);
    if (!c->stop && c->cb(c->cb_ctx, buf, len, &c->meta) != 0)
        c->stop = 1;
}

int
resample_file(const struct resample_opts *o, recv_cb cb, void *ctx,
    struct recv_pcap_stats *stats, char *err, size_t errlen)
{
    char perr[PCAP_ERRBUF_SIZE] = "";
    const struct pcap_pkthdr *h;
    struct sflow_sample smp;
    struct rs_packet pkt;
    struct sampler sp;
    const u_char *bytes;
    static struct dgram d;
    struct rs_ctx c;
    uint64_t now_ms = 0;
    int rc, linktype;
    size_t off;
    pcap_t *pc;

    pc = pcap_open_offline(o->path, perr);
    if (pc == NULL) {
        snprintf(err, errlen, "-r %s: %s", o->path, perr);
        return -1;
    }
    linktype = pcap_datalink(pc);
    memset(&c, 0, sizeof(c));
    c.cb = cb;
    c.cb_ctx = ctx;
    c.meta.from_file = 1;
    snprintf(c.meta.src, sizeof(c.meta.src), "-");
    sampler_init(&sp, o->rate, o->seed);
    if (dgram_init(&d, &o->agent, 0, DGRAM_DEFAULT_BYTES, 0, rs_out, &c) != 0) {
        snprintf(err, errlen, "-R: cannot start a datagram");
        pcap_close(pc);
        return -1;
    }
    while (!c.stop && (rc = pcap_next_ex(pc, (struct pcap_pkthdr **)&h, &bytes)) == 1) {
        stats->frames++;
        /* The capture's clock is the agent's: uptime follows it. */
        now_ms = (uint64_t)h->ts.tv_sec * 1000 + (uint64_t)h->ts.tv_usec / 1000;
        if (d.boot_ms == 0)
            d.boot_ms = now_ms;
        c.meta.ts = h->ts;
        c.meta.frame = stats->frames;
        if (recv_pcap_link(linktype, bytes, h->caplen, &pkt.proto, &off) != 0) {
            stats->not_udp++;
            continue;
        }
        if (!sampler_take(&sp))
            continue;
        sp.seq++;
        pkt.hdr = bytes + off;
        pkt.len = h->caplen - (uint32_t)off;
        if (pkt.len > RS_HEADER_BYTES)
            pkt.len = RS_HEADER_BYTES;
        /* An Ethernet frame's length on the wire counts its FCS, as agents report it. */
        pkt.stripped = pkt.proto == PKT_PROTO_ETHERNET ? 4 : 0;
        pkt.frame_length = h->len - (uint32_t)off + pkt.stripped;
        memset(&smp, 0, sizeof(smp));
        smp.tag = SFLOW_TAG(0, SFLOW_FLOW_SAMPLE);
        smp.seq = sp.seq;
        smp.ds_class = 0;
        smp.ds_index = 1;
        smp.sampling_rate = sp.rate;
        smp.sample_pool = (uint32_t)sp.pool;
        dgram_add(&d, &smp, rs_write, &pkt, now_ms);
    }
    if (!c.stop)
        dgram_flush(&d, now_ms);
    if (rc == -1 && !c.stop) {
        snprintf(err, errlen, "-r %s: %s", o->path, pcap_geterr(pc));
        pcap_close(pc);
        return -1;
    }
    pcap_close(pc);
    return 0;
}
