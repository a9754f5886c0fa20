/*
 * recv_pcap: reads captured sFlow datagrams through libpcap.
 *
 * The link, IP and UDP headers of each frame are parsed by convert/pkt_parse,
 * the same parser that reads sampled headers; frames are never trusted to
 * be as long as their headers say.
 */
#include "recv_pcap.h"

#include <arpa/inet.h>
#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "pkt_parse.h"
#include "sflow_types.h"

/* stdio buffer of a capture file. */
#define RECV_PCAP_BUF (1 << 16)

/* Linux cooked capture v1 header length; its protocol field is at 14. */
#define SLL_HDR_LEN 16
#define SLL2_HDR_LEN 20

struct recv_pcap_ctx {
    recv_cb cb;
    void *ctx;
    struct recv_pcap_stats *stats;
    int linktype;
    const char *path;
    int stop;
};

int
recv_pcap_link(int linktype, const uint8_t *p, size_t caplen, uint32_t *proto, size_t *off)
{
    uint16_t et;

    switch (linktype) {
    case DLT_EN10MB:
        *proto = PKT_PROTO_ETHERNET;
        *off = 0;
        return 0;
    case DLT_RAW:
    case DLT_IPV4:
    case DLT_IPV6:
        if (caplen < 1)
            return -1;
        *proto = (p[0] >> 4) == 6 ? PKT_PROTO_IPV6 : PKT_PROTO_IPV4;
        *off = 0;
        return 0;
    case DLT_LINUX_SLL:
    case DLT_LINUX_SLL2:
        *off = linktype == DLT_LINUX_SLL ? SLL_HDR_LEN : SLL2_HDR_LEN;
        if (caplen < *off)
            return -1;
        et = linktype == DLT_LINUX_SLL ? (uint16_t)(p[14] << 8 | p[15])
            : (uint16_t)(p[0] << 8 | p[1]);
        *proto = et == 0x86DD ? PKT_PROTO_IPV6 : PKT_PROTO_IPV4;
        return 0;
    case DLT_NULL:
    case DLT_LOOP:
        *off = 4;
        if (caplen < 5)
            return -1;
        *proto = (p[4] >> 4) == 6 ? PKT_PROTO_IPV6 : PKT_PROTO_IPV4;
        return 0;
    }
    return -1;
}

static void
recv_pcap_frame(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
    struct recv_pcap_ctx *c = (struct recv_pcap_ctx *)user;
    struct pkt_info info;
    const struct pkt_layer *l;
    struct dgram_meta meta;
    uint32_t proto;
    size_t off, start, len;
    const uint8_t *payload;

    if (c->stop)
        return;
    c->stats->frames++;
    if (recv_pcap_link(c->linktype, bytes, h->caplen, &proto, &off) != 0 ||
        pkt_parse(bytes + off, h->caplen - off, proto, &info) != 0) {
        c->stats->not_udp++;
        return;
    }
    l = &info.outer;
    if (l->l4 != 17 || l->payload_offset == 0) {
        c->stats->not_udp++;
        return;
    }
    start = off + l->payload_offset;
    /*
     * The payload is every captured byte after the UDP header, as sflowtool
     * takes it: a lying UDP length (tcpdump's CVE-2018-10105 reproducer says
     * 16 in an 896-byte packet) must not hide the bytes that are there, and
     * the decoder bounds everything it reads anyway.
     */
    len = h->caplen - start;
    payload = bytes + start;
    if (l->src_port != SFLOW_PORT && l->dst_port != SFLOW_PORT &&
        (len < 4 || payload[0] != 0 || payload[1] != 0 || payload[2] != 0 ||
        payload[3] != SFLOW_VERSION)) {
        c->stats->not_sflow++;
        return;
    }

    memset(&meta, 0, sizeof(meta));
    meta.ts.tv_sec = h->ts.tv_sec;
    meta.ts.tv_usec = h->ts.tv_usec;
    meta.from_file = 1;
    if (l->l3 == 4)
        *fmt_ipv4(meta.src, l->src_ip) = '\0';
    else
        inet_ntop(AF_INET6, l->src_ip, meta.src, sizeof(meta.src));
    meta.src_port = l->src_port;
    meta.src_ver = l->l3 == 4 ? 4 : 6;
    memcpy(meta.src_ip, l->src_ip, l->l3 == 4 ? 4 : 16);
    meta.size = len;
    meta.frame = c->stats->frames;
    if (c->cb(c->ctx, payload, len, &meta) != 0)
        c->stop = 1;
}

int
recv_pcap_file(const char *path, recv_cb cb, void *ctx,
    struct recv_pcap_stats *stats, char *err, size_t errlen)
{
    char ebuf[PCAP_ERRBUF_SIZE];
    struct recv_pcap_ctx c;
    pcap_t *pc;
    FILE *f;
    char *iobuf;
    int rc;

    ebuf[0] = '\0';
    if (strcmp(path, "-") == 0) {
        f = stdin;
    } else if ((f = fopen(path, "rb")) == NULL) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    /*
     * libpcap freads every record: a large buffer saves a read() per 4 KiB
     * (glibc ignores the size unless it is given the buffer too).
     */
    if ((iobuf = malloc(RECV_PCAP_BUF)) != NULL)
        setvbuf(f, iobuf, _IOFBF, RECV_PCAP_BUF);
    pc = pcap_fopen_offline(f, ebuf);
    if (pc == NULL) {
        snprintf(err, errlen, "%s: %s", path, ebuf);
        fclose(f);              /* Even stdin: it reads through 'iobuf'. */
        free(iobuf);
        return -1;
    }
    memset(&c, 0, sizeof(c));
    c.cb = cb;
    c.ctx = ctx;
    c.stats = stats;
    c.linktype = pcap_datalink(pc);
    c.path = path;
    rc = pcap_loop(pc, -1, recv_pcap_frame, (u_char *)&c);
    if (rc == PCAP_ERROR) {
        snprintf(err, errlen, "%s: %s", path, pcap_geterr(pc));
        pcap_close(pc);
        free(iobuf);
        return -1;
    }
    pcap_close(pc);
    free(iobuf);
    return 0;
}
