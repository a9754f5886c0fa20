/*
 * pcap_sink: the sampled packet headers as a pcap stream (-t flow samples,
 * -T discarded-packet samples, -w FILE, -x), through libpcap's dump API so
 * that `sflowcollect -t | tcpdump -r -` works live.
 *
 * The pcap header names one link type, so the dump is opened at the first
 * packet and takes that packet's link type (Ethernet for header protocol 1,
 * raw IP for 11 and 12); later packets of the other kind are converted by
 * convert/pcap_out.c, or skipped and counted when they cannot be.  A run
 * without any packet still writes a valid, empty pcap (Ethernet).
 */
#include "pcap_sink.h"

#include <errno.h>
#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pcap_out.h"

struct pcap_sink {
    struct sink sink;
    int flows;                  /* -t */
    int discards;               /* -T */
    int cut_payload;            /* -x */
    const char *path;           /* -w FILE, or NULL for stdout */
    FILE *f;                    /* Where the dump goes; owned by 'dumper' once open. */
    pcap_t *dead;
    pcap_dumper_t *dumper;
    enum pcap_out_link link;
    char *iobuf;

    uint64_t packets;           /* Written. */
    uint64_t flow_packets, discard_packets;
    uint64_t converted;         /* Link layer added or removed. */
    uint64_t skipped;           /* Sampled headers that could not be written. */
    uint64_t cut;               /* Shortened by -x. */
    uint64_t write_errors;      /* Flushes that failed. */

    uint8_t buf[PCAP_OUT_ETH_LEN + PCAP_OUT_SNAPLEN];
};

#define IOBUF_SIZE (1 << 18)

static int
dlt_of(enum pcap_out_link link)
{
    return link == PCAP_OUT_LINK_RAW ? DLT_RAW : DLT_EN10MB;
}

/* Writes the pcap file header for 'link'; returns 0 or -1. */
static int
dump_open(struct pcap_sink *ps, enum pcap_out_link link)
{
    ps->dead = pcap_open_dead(dlt_of(link), PCAP_OUT_SNAPLEN);
    if (ps->dead == NULL)
        return -1;
    ps->dumper = pcap_dump_fopen(ps->dead, ps->f);
    if (ps->dumper == NULL) {
        pcap_close(ps->dead);
        ps->dead = NULL;
        return -1;
    }
    ps->link = link;
    return 0;
}

static void
write_record(struct pcap_sink *ps, const struct sflow_record *rec,
    const struct dgram_meta *meta, int discard)
{
    enum pcap_out_link native = pcap_out_native(rec);
    struct pcap_out_pkt pkt;
    struct pcap_pkthdr h;

    if (native == PCAP_OUT_LINK_NONE) {
        ps->skipped++;
        return;
    }
    if (ps->dumper == NULL && dump_open(ps, native) != 0) {
        ps->write_errors++;
        return;
    }
    if (pcap_out_packet(rec, ps->link, ps->cut_payload, ps->buf, sizeof(ps->buf),
        &pkt) != 0) {
        ps->skipped++;
        return;
    }
    h.ts = meta->ts;
    h.caplen = pkt.caplen;
    h.len = pkt.len;
    pcap_dump((u_char *)ps->dumper, &h, pkt.bytes);
    ps->packets++;
    if (discard)
        ps->discard_packets++;
    else
        ps->flow_packets++;
    ps->converted += (uint64_t)pkt.converted;
    ps->cut += (uint64_t)pkt.cut;
}

static void
pcap_sink_datagram(void *ctx, const uint8_t *raw, size_t len,
    const struct dgram_meta *meta, const struct sflow_datagram *dg)
{
    struct pcap_sink *ps = ctx;
    uint32_t i, j;
    int discard;

    (void)raw, (void)len;
    for (i = 0; i < dg->n_samples; i++) {
        const struct sflow_sample *s = &dg->samples[i];

        if (!s->known || SFLOW_ENTERPRISE(s->tag) != 0)
            continue;
        switch (SFLOW_FORMAT(s->tag)) {
        case SFLOW_FLOW_SAMPLE:
        case SFLOW_FLOW_SAMPLE_EXPANDED:
            if (!ps->flows)
                continue;
            discard = 0;
            break;
        case SFLOW_DISCARDED_PACKET:
            if (!ps->discards)
                continue;
            discard = 1;
            break;
        default:
            continue;
        }
        for (j = 0; j < s->n_records; j++) {
            const struct sflow_record *r = &dg->records[s->first_record + j];

            if (r->tag == SFLOW_TAG(0, SFLOW_FLOW_HEADER))
                write_record(ps, r, meta, discard);
        }
    }
}

static void
pcap_sink_flush(struct pcap_sink *ps)
{
    if (ps->dumper != NULL && pcap_dump_flush(ps->dumper) != 0)
        ps->write_errors++;
}

static void
pcap_sink_tick(void *ctx, const struct timeval *now)
{
    (void)now;
    pcap_sink_flush(ctx);
}

static const char *
link_name(const struct pcap_sink *ps)
{
    if (ps->dumper == NULL)
        return "none";
    return ps->link == PCAP_OUT_LINK_RAW ? "RAW" : "EN10MB";
}

static void
pcap_sink_stats(void *ctx, FILE *f)
{
    struct pcap_sink *ps = ctx;

    fprintf(f, "  pcap %s linktype %s packets %llu flow %llu discarded %llu"
        " converted %llu skipped %llu cut %llu write_errors %llu\n",
        ps->path ? ps->path : "stdout", link_name(ps),
        (unsigned long long)ps->packets, (unsigned long long)ps->flow_packets,
        (unsigned long long)ps->discard_packets, (unsigned long long)ps->converted,
        (unsigned long long)ps->skipped, (unsigned long long)ps->cut,
        (unsigned long long)ps->write_errors);
}

static void
pcap_sink_close(void *ctx)
{
    struct pcap_sink *ps = ctx;

    /* Readers of an empty run still want a pcap header. */
    if (ps->dumper == NULL && ps->f != NULL)
        dump_open(ps, PCAP_OUT_LINK_ETHERNET);
    if (ps->dumper != NULL) {
        pcap_dump_close(ps->dumper);    /* Closes 'f' too. */
        pcap_close(ps->dead);
    } else if (ps->f != NULL) {
        fclose(ps->f);
    }
    free(ps->iobuf);
    free(ps);
}

struct sink *
pcap_sink_open(const struct config *cfg, char *err, size_t errlen)
{
    struct pcap_sink *ps = calloc(1, sizeof(*ps));
    int fd;

    if (ps == NULL || (ps->iobuf = malloc(IOBUF_SIZE)) == NULL) {
        free(ps);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    ps->flows = cfg->pcap_flows;
    ps->discards = cfg->pcap_discards;
    ps->cut_payload = cfg->pcap_cut_payload;
    ps->path = cfg->pcap_file;
    /*
     * The file is opened now, so that a bad -w fails at start-up; its pcap
     * header waits for the first packet.  stdout is duplicated so that
     * closing the dump leaves fd 1 (and main's final fflush) alone.
     */
    if (ps->path != NULL && strcmp(ps->path, "-") == 0) {
        if (cfg->output != OUT_NONE) {
            snprintf(err, errlen, "-w -: stdout already carries the text output");
            goto fail;
        }
        ps->path = NULL;
    }
    if (ps->path != NULL) {
        ps->f = fopen(ps->path, "wb");
        if (ps->f == NULL) {
            snprintf(err, errlen, "-w %s: %s", ps->path, strerror(errno));
            goto fail;
        }
    } else {
        fd = dup(STDOUT_FILENO);
        if (fd < 0 || (ps->f = fdopen(fd, "wb")) == NULL) {
            snprintf(err, errlen, "pcap on stdout: %s", strerror(errno));
            if (fd >= 0)
                close(fd);
            goto fail;
        }
    }
    setvbuf(ps->f, ps->iobuf, _IOFBF, IOBUF_SIZE);
    ps->sink.name = "pcap";
    ps->sink.ctx = ps;
    ps->sink.datagram = pcap_sink_datagram;
    ps->sink.tick = pcap_sink_tick;
    ps->sink.stats = pcap_sink_stats;
    ps->sink.close = pcap_sink_close;
    return &ps->sink;

fail:
    free(ps->iobuf);
    free(ps);
    return NULL;
}
