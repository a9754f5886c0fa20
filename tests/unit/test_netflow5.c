/*
 * netflow5: encoder and decoder round trips, field offsets, truncation and
 * lying counts, real exporters' packets from the shared corpus, and the
 * mapping of decoded sFlow samples onto records.
 */
#undef NDEBUG
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netflow5.h"
#include "rd.h"
#include "sflow_decode.h"
#include "sflow_encode.h"
#include "sflow_schema.h"
#include "wbuf.h"

static void
fill_record(struct netflow5_record *r, unsigned int i)
{
    memset(r, 0, sizeof(*r));
    r->srcaddr = 0xc0000200u + i;
    r->dstaddr = 0xc6336400u + i;
    r->nexthop = 0x0a000001u;
    r->input = (uint16_t)(1000 + i);
    r->output = (uint16_t)(65535 - i);
    r->dPkts = 100000u * i + 1;
    r->dOctets = 0xfffffff0u - i;
    r->first = 12345 + i;
    r->last = 23456 + i;
    r->srcport = (uint16_t)(40000 + i);
    r->dstport = 443;
    r->tcp_flags = (uint8_t)(0x10 | i);
    r->prot = 6;
    r->tos = (uint8_t)(i * 4);
    r->src_as = 64512;
    r->dst_as = (uint16_t)(65000 + i);
    r->src_mask = 24;
    r->dst_mask = (uint8_t)(i % 33);
}

static void
assert_record_equal(const struct netflow5_record *a, const struct netflow5_record *b)
{
    assert_int_equal(a->srcaddr, b->srcaddr);
    assert_int_equal(a->dstaddr, b->dstaddr);
    assert_int_equal(a->nexthop, b->nexthop);
    assert_int_equal(a->input, b->input);
    assert_int_equal(a->output, b->output);
    assert_int_equal(a->dPkts, b->dPkts);
    assert_int_equal(a->dOctets, b->dOctets);
    assert_int_equal(a->first, b->first);
    assert_int_equal(a->last, b->last);
    assert_int_equal(a->srcport, b->srcport);
    assert_int_equal(a->dstport, b->dstport);
    assert_int_equal(a->tcp_flags, b->tcp_flags);
    assert_int_equal(a->prot, b->prot);
    assert_int_equal(a->tos, b->tos);
    assert_int_equal(a->src_as, b->src_as);
    assert_int_equal(a->dst_as, b->dst_as);
    assert_int_equal(a->src_mask, b->src_mask);
    assert_int_equal(a->dst_mask, b->dst_mask);
}

static void
test_roundtrip(void **state)
{
    struct netflow5_record in[NETFLOW5_MAX_RECORDS], out[NETFLOW5_MAX_RECORDS];
    struct netflow5_header h, hd;
    uint8_t buf[NETFLOW5_MAX_LEN + 16];
    const uint8_t *r1;
    unsigned int i, n;
    size_t len;

    (void)state;
    memset(&h, 0, sizeof(h));
    h.sys_uptime = 3600000;
    h.unix_secs = 1700000000;
    h.unix_nsecs = 999999999;
    h.flow_sequence = 0xfffffff0u;
    h.engine_type = 1;
    h.engine_id = 7;
    h.sampling_interval = NETFLOW5_SAMPLING_MODE_DETERMINISTIC | 1024;
    for (n = 1; n <= NETFLOW5_MAX_RECORDS; n++) {
        for (i = 0; i < n; i++)
            fill_record(&in[i], i);
        len = netflow5_encode(buf, sizeof(buf), &h, in, n);
        assert_int_equal(len, NETFLOW5_HEADER_LEN + n * NETFLOW5_RECORD_LEN);
        memset(out, 0xa5, sizeof(out));
        assert_int_equal(netflow5_decode(buf, len, &hd, out), 0);
        assert_int_equal(hd.version, 5);
        assert_int_equal(hd.count, n);
        assert_int_equal(hd.sys_uptime, h.sys_uptime);
        assert_int_equal(hd.unix_secs, h.unix_secs);
        assert_int_equal(hd.unix_nsecs, h.unix_nsecs);
        assert_int_equal(hd.flow_sequence, h.flow_sequence);
        assert_int_equal(hd.engine_type, 1);
        assert_int_equal(hd.engine_id, 7);
        assert_int_equal(hd.sampling_interval, 0x4000 | 1024);
        for (i = 0; i < n; i++)
            assert_record_equal(&in[i], &out[i]);
    }
    /* Offsets as in SFLOW_V5_NOTES 9.1/9.2, record 1 of the last packet. */
    assert_int_equal(buf[0] << 8 | buf[1], 5);
    assert_int_equal(buf[2] << 8 | buf[3], 30);
    assert_int_equal(rd_be32(buf + 16), 0xfffffff0u);
    assert_int_equal(buf[20], 1);
    assert_int_equal(buf[21], 7);
    r1 = buf + NETFLOW5_HEADER_LEN + NETFLOW5_RECORD_LEN;
    assert_int_equal(rd_be32(r1 + 0), 0xc0000201u);
    assert_int_equal(rd_be32(r1 + 4), 0xc6336401u);
    assert_int_equal(rd_be32(r1 + 8), 0x0a000001u);
    assert_int_equal(r1[12] << 8 | r1[13], 1001);
    assert_int_equal(r1[14] << 8 | r1[15], 65534);
    assert_int_equal(rd_be32(r1 + 16), 100001u);
    assert_int_equal(rd_be32(r1 + 20), 0xffffffefu);
    assert_int_equal(rd_be32(r1 + 24), 12346);
    assert_int_equal(rd_be32(r1 + 28), 23457);
    assert_int_equal(r1[32] << 8 | r1[33], 40001);
    assert_int_equal(r1[34] << 8 | r1[35], 443);
    assert_int_equal(r1[36], 0);
    assert_int_equal(r1[37], 0x11);
    assert_int_equal(r1[38], 6);
    assert_int_equal(r1[39], 4);
    assert_int_equal(r1[40] << 8 | r1[41], 64512);
    assert_int_equal(r1[42] << 8 | r1[43], 65001);
    assert_int_equal(r1[44], 24);
    assert_int_equal(r1[45], 1);
    assert_int_equal(r1[46] | r1[47], 0);
}

static void
test_encode_limits(void **state)
{
    struct netflow5_record recs[NETFLOW5_MAX_RECORDS + 1];
    struct netflow5_header h;
    uint8_t buf[NETFLOW5_MAX_LEN + 48];

    (void)state;
    memset(&h, 0, sizeof(h));
    memset(recs, 0, sizeof(recs));
    assert_int_equal(netflow5_encode(buf, sizeof(buf), &h, recs, 0), 0);
    assert_int_equal(netflow5_encode(buf, sizeof(buf), &h, recs, 31), 0);
    assert_int_equal(netflow5_encode(buf, 24 + 48 * 2 - 1, &h, recs, 2), 0);
    assert_int_equal(netflow5_encode(buf, 24 + 48 * 2, &h, recs, 2), 24 + 48 * 2);
    assert_int_equal(netflow5_as16(65535), 65535);
    assert_int_equal(netflow5_as16(65536), NETFLOW5_AS_TRANS);
    assert_int_equal(netflow5_as16(4200000000u), NETFLOW5_AS_TRANS);
}

/* Every prefix shorter than the declared records is an error; lies too. */
static void
test_decode_bad(void **state)
{
    struct netflow5_record in[3], out[NETFLOW5_MAX_RECORDS];
    struct netflow5_header h;
    uint8_t buf[NETFLOW5_MAX_LEN];
    size_t len, cut;
    unsigned int i;

    (void)state;
    memset(&h, 0, sizeof(h));
    for (i = 0; i < 3; i++)
        fill_record(&in[i], i);
    len = netflow5_encode(buf, sizeof(buf), &h, in, 3);
    for (cut = 0; cut < len; cut++)
        assert_int_equal(netflow5_decode(buf, cut, &h, out), EBADMSG);
    assert_int_equal(netflow5_decode(buf, len, &h, out), 0);
    buf[3] = 4;                         /* count 4 in a packet of 3 */
    assert_int_equal(netflow5_decode(buf, len, &h, out), EBADMSG);
    buf[3] = 0;
    assert_int_equal(netflow5_decode(buf, len, &h, out), EBADMSG);
    buf[2] = 0xff;                      /* count 65280 */
    buf[3] = 0;
    assert_int_equal(netflow5_decode(buf, len, &h, out), EBADMSG);
    buf[2] = 0;
    buf[3] = 3;
    buf[1] = 9;
    assert_int_equal(netflow5_decode(buf, len, &h, out), EPROTONOSUPPORT);
}

/* Real exporters' packets: decode, re-encode, same bytes (pads aside). */
static void
test_corpus(void **state)
{
    static const struct {
        const char *name;
        int rc;
        unsigned int count;
    } files[] = {
        { "goflow2__TestDecodeNetFlowV5.payload.bin", 0, 6 },
        { "graylog-plugin-netflow__netflow-v5-2.payload.bin", 0, 30 },
        { "logstash-codec-netflow__netflow5_test_juniper_mx80.payload.bin", 0, 29 },
        { "logstash-codec-netflow__netflow5_test_microtik.payload.bin", 0, 30 },
        { "telegraf__netflow_v5_example.payload.bin", 0, 8 },
        { "logstash-codec-netflow__netflow5_test_invalid01.payload.bin", EBADMSG, 0 },
        { "logstash-codec-netflow__netflow5_test_invalid02.payload.bin", EBADMSG, 0 },
    };
    struct netflow5_record recs[NETFLOW5_MAX_RECORDS];
    struct netflow5_header h;
    uint8_t raw[4096], enc[NETFLOW5_MAX_LEN];
    const char *shared = getenv("SHARED");
    char path[1024];
    size_t i, len, n, r;
    FILE *f;

    (void)state;
    if (shared == NULL) {
        print_message("SHARED not set: corpus NetFlow files not tried\n");
        return;
    }
    for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        snprintf(path, sizeof(path), "%s/corpus/files/%s", shared, files[i].name);
        if ((f = fopen(path, "rb")) == NULL) {
            print_message("%s: absent\n", path);
            continue;
        }
        len = fread(raw, 1, sizeof(raw), f);
        fclose(f);
        assert_int_equal(netflow5_decode(raw, len, &h, recs), files[i].rc);
        if (files[i].rc != 0)
            continue;
        assert_int_equal(h.count, files[i].count);
        n = netflow5_encode(enc, sizeof(enc), &h, recs, h.count);
        assert_int_equal(n, NETFLOW5_HEADER_LEN + h.count * NETFLOW5_RECORD_LEN);
        for (r = 0; r < h.count; r++) {
            uint8_t *p = raw + NETFLOW5_HEADER_LEN + r * NETFLOW5_RECORD_LEN;

            p[36] = p[46] = p[47] = 0;
        }
        assert_memory_equal(raw, enc, n);
    }
}

/* ---- sFlow sample -> record ---- */

/* Ethernet + IPv4 (tos 0x28, 1000 bytes) + TCP 40000 -> 443, flags SYN|ACK. */
static size_t
ipv4_tcp_frame(uint8_t *p)
{
    static const uint8_t eth[14] = {
        0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 6, 0x08, 0x00,
    };
    static const uint8_t ip[20] = {
        0x45, 0x28, 0x03, 0xe8, 0, 1, 0x40, 0, 64, 6, 0, 0,
        192, 0, 2, 10, 198, 51, 100, 20,
    };
    static const uint8_t tcp[20] = {
        0x9c, 0x40, 0x01, 0xbb, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x12, 0xff, 0xff,
        0, 0, 0, 0,
    };

    memcpy(p, eth, 14);
    memcpy(p + 14, ip, 20);
    memcpy(p + 34, tcp, 20);
    return 54;
}

static size_t
ipv6_udp_frame(uint8_t *p)
{
    memset(p, 0, 62);
    p[12] = 0x86;
    p[13] = 0xdd;
    p[14] = 0x60;
    p[19] = 8;                  /* payload length */
    p[20] = 17;
    p[21] = 64;
    p[22] = 0x20, p[23] = 0x01, p[24] = 0x0d, p[25] = 0xb8;
    p[37] = 1;
    p[38] = 0x20, p[39] = 0x01, p[40] = 0x0d, p[41] = 0xb8;
    p[53] = 2;
    p[54] = 0x30, p[55] = 0x39, p[56] = 0x00, p[57] = 0x35, p[59] = 8;
    return 62;
}

/* A 0:3 sampled_ipv4 record; 'src' and 'dst' are 4 bytes each. */
static void
put_sampled_ipv4(struct wbuf *w, uint32_t length, uint32_t protocol, const char *src,
    const char *dst, uint32_t src_port, uint32_t dst_port, uint32_t tcp_flags, uint32_t tos)
{
    union sflow_value v[SFLOW_MAX_FIELDS];

    memset(v, 0, sizeof(v));
    v[0].u = length;
    v[1].u = protocol;
    v[2].b.p = (const uint8_t *)src;
    v[3].b.p = (const uint8_t *)dst;
    v[4].u = src_port;
    v[5].u = dst_port;
    v[6].u = tcp_flags;
    v[7].u = tos;
    sflow_enc_record(w, SFLOW_TAG(0, SFLOW_FLOW_IPV4),
        sflow_schema_find(SFLOW_TAG(0, SFLOW_FLOW_IPV4), 0), v);
}

/* Begins a datagram from agent 10.0.0.1 in 'buf'; returns 'd' for end_and_decode(). */
static size_t
begin_datagram(struct wbuf *w, uint8_t *buf, size_t cap)
{
    static const struct sflow_addr agent = { SFLOW_ADDR_IP4, { 10, 0, 0, 1 } };

    wbuf_init(w, buf, cap);
    return sflow_enc_datagram_begin(w, &agent, 0, 1, 1000);
}

/* Ends the datagram begun at 'd' and decodes it: no error, 'n_samples' samples. */
static void
end_and_decode(struct wbuf *w, size_t d, struct sflow_datagram *dg, uint32_t n_samples)
{
    assert_int_equal(sflow_enc_datagram_end(w, d), 0);
    sflow_decode(w->base, w->size, dg);
    assert_int_equal(dg->err.code, SFLOW_OK);
    assert_int_equal(dg->n_samples, n_samples);
}

/* 'smp' cleared to a 0:1 flow sample. */
static void
flow_sample(struct sflow_sample *smp, uint32_t seq, uint32_t sampling_rate, uint32_t input,
    uint32_t output)
{
    memset(smp, 0, sizeof(*smp));
    smp->tag = SFLOW_TAG(0, SFLOW_FLOW_SAMPLE);
    smp->seq = seq;
    smp->sampling_rate = sampling_rate;
    smp->input = input;
    smp->output = output;
}

static void
test_from_sample(void **state)
{
    static struct sflow_datagram dg;
    struct sflow_sample smp;
    struct netflow5_record rec;
    union sflow_value v[SFLOW_MAX_FIELDS];
    uint8_t buf[2048], frame[128], path[24], src6[16];
    const uint8_t nh[4] = { 10, 9, 8, 7 };
    struct wbuf w;
    size_t d, s, flen;
    int has_as;

    (void)state;
    d = begin_datagram(&w, buf, sizeof(buf));

    /* 1: IPv4 TCP from the internal interface to 70000, router + gateway. */
    flow_sample(&smp, 1, 512, SFLOW_IF_INTERNAL, 70000);
    s = sflow_enc_sample_begin(&w, &smp);
    flen = ipv4_tcp_frame(frame);
    /* The frame was 1018 bytes: 14 Ethernet + 1000 IP + 4 FCS. */
    sflow_enc_header(&w, PKT_PROTO_ETHERNET, 1018, 4, frame, (uint32_t)flen);
    memset(v, 0, sizeof(v));
    v[0].addr.type = SFLOW_ADDR_IP4;
    memcpy(v[0].addr.a, nh, 4);
    v[1].u = 24;
    v[2].u = 16;
    sflow_enc_record(&w, SFLOW_TAG(0, SFLOW_FLOW_EX_ROUTER),
        sflow_schema_find(SFLOW_TAG(0, SFLOW_FLOW_EX_ROUTER), 0), v);
    /* AS path: one AS_SEQUENCE of 64500, 4200000000. */
    memset(path, 0, sizeof(path));
    path[3] = 2;                /* AS_SEQUENCE */
    path[7] = 2;                /* two ASNs */
    path[8] = 0, path[9] = 0, path[10] = 0xfb, path[11] = 0xf4;
    path[12] = 0xfa, path[13] = 0x56, path[14] = 0xea, path[15] = 0x00;
    memset(v, 0, sizeof(v));
    v[0].addr.type = SFLOW_ADDR_IP4;
    v[1].u = 65001;
    v[2].u = 0;                 /* no src_as: src_peer_as is taken */
    v[3].u = 64999;
    v[4].b.p = path;
    v[4].b.len = 16;
    v[4].b.count = 1;
    sflow_enc_record(&w, SFLOW_TAG(0, SFLOW_FLOW_EX_GATEWAY),
        sflow_schema_find(SFLOW_TAG(0, SFLOW_FLOW_EX_GATEWAY), 0), v);
    assert_int_equal(sflow_enc_sample_end(&w, s), 0);

    /* 2: IPv6. */
    smp.seq = 2;
    smp.input = 3;
    smp.output = 4;
    s = sflow_enc_sample_begin(&w, &smp);
    flen = ipv6_udp_frame(frame);
    sflow_enc_header(&w, PKT_PROTO_ETHERNET, 66, 4, frame, (uint32_t)flen);
    assert_int_equal(sflow_enc_sample_end(&w, s), 0);

    /* 3: expanded sample with only a 0:3 sampled_ipv4 (UDP). */
    flow_sample(&smp, 3, 100, 5, 3);
    smp.tag = SFLOW_TAG(0, SFLOW_FLOW_SAMPLE_EXPANDED);
    smp.output_format = SFLOW_IF_MULTIPLE;
    s = sflow_enc_sample_begin(&w, &smp);
    /* TCP flags 0xff: ignored for UDP. */
    put_sampled_ipv4(&w, 576, 17, "\xc0\x00\x02\x01", "\xc0\x00\x02\x02", 5353, 53,
        0xff, 0xb8);
    assert_int_equal(sflow_enc_sample_end(&w, s), 0);

    /* 4: a counter sample is no flow. */
    memset(&smp, 0, sizeof(smp));
    smp.tag = SFLOW_TAG(0, SFLOW_COUNTERS_SAMPLE);
    s = sflow_enc_sample_begin(&w, &smp);
    assert_int_equal(sflow_enc_sample_end(&w, s), 0);
    end_and_decode(&w, d, &dg, 4);

    assert_int_equal(netflow5_from_sample(&dg, &dg.samples[0], &rec, &has_as, NULL, NULL),
        NETFLOW5_OK);
    assert_int_equal(rec.srcaddr, 0xc000020au);
    assert_int_equal(rec.dstaddr, 0xc6336414u);
    assert_int_equal(rec.nexthop, 0x0a090807u);
    assert_int_equal(rec.input, 0);             /* internal */
    assert_int_equal(rec.output, 70000 & 0xffff);
    assert_int_equal(rec.dPkts, 1);
    assert_int_equal(rec.dOctets, 1000);
    assert_int_equal(rec.srcport, 40000);
    assert_int_equal(rec.dstport, 443);
    assert_int_equal(rec.tcp_flags, 0x12);
    assert_int_equal(rec.prot, 6);
    assert_int_equal(rec.tos, 0x28);
    assert_int_equal(rec.src_mask, 24);
    assert_int_equal(rec.dst_mask, 16);
    assert_int_equal(has_as, 1);
    assert_int_equal(rec.src_as, 64999);
    assert_int_equal(rec.dst_as, NETFLOW5_AS_TRANS);

    memset(src6, 0, sizeof(src6));
    assert_int_equal(netflow5_from_sample(&dg, &dg.samples[1], &rec, &has_as, src6, NULL),
        NETFLOW5_IPV6);
    assert_int_equal(src6[0], 0x20);
    assert_int_equal(src6[15], 1);

    assert_int_equal(netflow5_from_sample(&dg, &dg.samples[2], &rec, &has_as, NULL, NULL),
        NETFLOW5_OK);
    assert_int_equal(rec.srcaddr, 0xc0000201u);
    assert_int_equal(rec.dOctets, 576);
    assert_int_equal(rec.srcport, 5353);
    assert_int_equal(rec.dstport, 53);
    assert_int_equal(rec.tcp_flags, 0);
    assert_int_equal(rec.tos, 0xb8);
    assert_int_equal(rec.input, 5);
    assert_int_equal(rec.output, 0);            /* "multiple" */
    assert_int_equal(has_as, 0);

    assert_int_equal(netflow5_from_sample(&dg, &dg.samples[3], &rec, &has_as, NULL, NULL),
        NETFLOW5_NOT_FLOW);
}

/*
 * A sample whose header holds no IPv4 packet falls back to a later 0:3
 * record (IPv6 in the header does not stick); with nothing else it is
 * NOT_IP.  ICMP in a 0:3 record puts the type in the destination port.
 * A 0:4 sampled_ipv6 record alone is IPV6, its addresses handed back.
 */
static void
test_from_sample_fallback(void **state)
{
    static struct sflow_datagram dg;
    struct sflow_sample smp;
    struct netflow5_record rec;
    union sflow_value v[SFLOW_MAX_FIELDS];
    uint8_t buf[2048], frame[128], src6[16], dst6[16];
    struct wbuf w;
    size_t d, s, flen;
    int has_as;

    (void)state;
    d = begin_datagram(&w, buf, sizeof(buf));
    flow_sample(&smp, 1, 10, 1, 2);

    /* 1: IPv6 header, then a 0:3 record of an ICMP port unreachable. */
    s = sflow_enc_sample_begin(&w, &smp);
    flen = ipv6_udp_frame(frame);
    sflow_enc_header(&w, PKT_PROTO_ETHERNET, 66, 4, frame, (uint32_t)flen);
    /* TCP flags 0xff: ignored but for TCP. */
    put_sampled_ipv4(&w, 56, 1, "\xc0\x00\x02\x05", "\xc0\x00\x02\x06", 3, 3, 0xff, 0);
    assert_int_equal(sflow_enc_sample_end(&w, s), 0);

    /* 2: an ARP frame only. */
    smp.seq = 2;
    s = sflow_enc_sample_begin(&w, &smp);
    memset(frame, 0, 42);
    memset(frame, 0xff, 6);
    frame[12] = 0x08, frame[13] = 0x06;
    sflow_enc_header(&w, PKT_PROTO_ETHERNET, 64, 4, frame, 42);
    assert_int_equal(sflow_enc_sample_end(&w, s), 0);

    /* 3: a 0:4 sampled_ipv6 record only. */
    smp.seq = 3;
    s = sflow_enc_sample_begin(&w, &smp);
    memset(v, 0, sizeof(v));
    v[0].u = 100;
    v[1].u = 17;
    v[2].b.p = (const uint8_t *)"\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x05";
    v[3].b.p = (const uint8_t *)"\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x06";
    v[4].u = 5353;
    v[5].u = 53;
    sflow_enc_record(&w, SFLOW_TAG(0, SFLOW_FLOW_IPV6),
        sflow_schema_find(SFLOW_TAG(0, SFLOW_FLOW_IPV6), 0), v);
    assert_int_equal(sflow_enc_sample_end(&w, s), 0);
    end_and_decode(&w, d, &dg, 3);

    assert_int_equal(netflow5_from_sample(&dg, &dg.samples[0], &rec, &has_as, NULL, NULL),
        NETFLOW5_OK);
    assert_int_equal(rec.srcaddr, 0xc0000205u);
    assert_int_equal(rec.dstaddr, 0xc0000206u);
    assert_int_equal(rec.prot, 1);
    assert_int_equal(rec.srcport, 0);
    assert_int_equal(rec.dstport, 0x0300);
    assert_int_equal(rec.tcp_flags, 0);
    assert_int_equal(rec.dOctets, 56);
    assert_int_equal(rec.input, 1);
    assert_int_equal(rec.output, 2);

    assert_int_equal(netflow5_from_sample(&dg, &dg.samples[1], &rec, &has_as, NULL, NULL),
        NETFLOW5_NOT_IP);

    memset(src6, 0, sizeof(src6));
    memset(dst6, 0, sizeof(dst6));
    assert_int_equal(netflow5_from_sample(&dg, &dg.samples[2], &rec, &has_as, src6, dst6),
        NETFLOW5_IPV6);
    assert_int_equal(src6[0], 0x20);
    assert_int_equal(src6[15], 5);
    assert_int_equal(dst6[3], 0xb8);
    assert_int_equal(dst6[15], 6);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roundtrip),
        cmocka_unit_test(test_encode_limits),
        cmocka_unit_test(test_decode_bad),
        cmocka_unit_test(test_corpus),
        cmocka_unit_test(test_from_sample),
        cmocka_unit_test(test_from_sample_fallback),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
