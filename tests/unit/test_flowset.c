/*
 * flowset, netflow9, ipfix, flowrec: messages read back with the cursor
 * (headers, set lengths and padding, templates whose field lengths add up
 * to the records that follow, record contents, options record), a full
 * message refusing a record without breaking, an IPv6 sample with
 * VLAN, gateway and router records mapped onto a flow record, and one
 * sample as a flow record and as a ClickHouse row (the keys they share,
 * the conventions they do not).
 */
#undef NDEBUG
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <string.h>

#include "ch_row.h"
#include "flowrec.h"
#include "flowset.h"
#include "ipfix.h"
#include "netflow9.h"
#include "rd.h"
#include "sflow_decode.h"
#include "sflow_encode.h"
#include "sflow_schema.h"
#include "wbuf.h"

static void
v4_record(struct flowrec *f)
{
    static const uint8_t mac_s[6] = { 2, 0, 0, 0, 0, 1 }, mac_d[6] = { 2, 0, 0, 0, 0, 2 };

    memset(f, 0, sizeof(*f));
    f->family = 4;
    memcpy(f->src, (uint8_t[]){ 192, 0, 2, 1 }, 4);
    memcpy(f->dst, (uint8_t[]){ 198, 51, 100, 7 }, 4);
    f->src_port = 40000;
    f->dst_port = 443;
    f->prot = 6;
    f->tcp_flags = 0x18;
    f->tos = 0xb8;
    f->input = 70000;
    f->output = 3;
    f->src_vlan = 10;
    f->dst_vlan = 20;
    memcpy(f->src_mac, mac_s, 6);
    memcpy(f->dst_mac, mac_d, 6);
    f->packets = 4096;
    f->octets = 6144000;
    f->src_as = 64512;
    f->dst_as = 4200000000u;
    f->first_ms = 5000;
    f->last_ms = 7000;
}

static void
v6_record(struct flowrec *f)
{
    v4_record(f);
    f->family = 6;
    memset(f->src, 0, 16);
    memset(f->dst, 0, 16);
    f->src[0] = 0x20, f->src[1] = 0x01, f->src[15] = 1;
    f->dst[0] = 0x20, f->dst[1] = 0x01, f->dst[15] = 2;
    f->src_mask = 64;
    f->dst_mask = 48;
}

/* What read_msg() found. */
struct seen {
    unsigned int templates, options_templates, data4, data6, options;
    size_t tlen[260];                   /* Record length each template declares. */
    uint32_t interval;
    uint8_t agent[4];
    uint8_t first_src6[16];
    uint64_t first_octets;
    uint64_t first_start;               /* First record's start time, as on the wire. */
};

/* The record length a template declares: the sum of its field lengths. */
static size_t
template_len(struct rd *r, unsigned int n)
{
    size_t len = 0;

    while (n-- > 0) {
        rd_u16(r);
        len += rd_u16(r);
    }
    return len;
}

/* Reads the sets of a message from 'off' to 'len'; every set well framed. */
static void
read_sets(const uint8_t *buf, size_t off, size_t len, int ipfix, struct seen *s)
{
    struct rd r = rd_init(buf + off, len - off);

    while (r.left > 0) {
        uint16_t id = rd_u16(&r), slen = rd_u16(&r);
        struct rd set;

        assert_int_equal(r.error, 0);
        assert_true(slen >= 4 && slen - 4u <= r.left);
        assert_int_equal(slen % 4, 0);
        set = rd_init(r.p, slen - 4u);
        rd_skip(&r, slen - 4u);
        if (id == (ipfix ? 2 : 0)) {
            while (set.left >= 4) {
                uint16_t tid = rd_u16(&set), n = rd_u16(&set);

                assert_true(tid == FLOWSET_TMPL_IPV4 || tid == FLOWSET_TMPL_IPV6);
                s->tlen[tid] = template_len(&set, n);
                s->templates++;
            }
        } else if (id == (ipfix ? 3 : 1)) {
            uint16_t tid = rd_u16(&set), a = rd_u16(&set), b = rd_u16(&set);

            assert_int_equal(tid, FLOWSET_TMPL_OPT_IPV4);
            /* v9: scope and option bytes; IPFIX: field count and scope count. */
            s->tlen[tid] = ipfix ? template_len(&set, a) : template_len(&set, (a + b) / 4u);
            s->options_templates++;
        } else if (id == FLOWSET_TMPL_OPT_IPV4) {
            assert_int_equal(s->tlen[id], 4 + 4 + 1 + 4);
            rd_u32(&set);
            s->interval = rd_u32(&set);
            assert_int_equal(rd_u8(&set), FLOWSET_SAMPLING_RANDOM);
            memcpy(s->agent, set.p, 4);
            s->options++;
        } else {
            size_t rl = s->tlen[id];

            assert_true(id == FLOWSET_TMPL_IPV4 || id == FLOWSET_TMPL_IPV6);
            assert_true(rl > 0);
            while (set.left >= rl) {
                const uint8_t *rec = set.p;
                struct rd f = rd_init(rec, rl);

                if (s->data4 + s->data6 == 0) {
                    size_t alen = id == FLOWSET_TMPL_IPV6 ? 16 : 4;

                    if (alen == 16)
                        memcpy(s->first_src6, rec, 16);
                    /* addresses, masks, next hop, ports, proto/flags/tos, ifs, vlans, MACs, packets */
                    rd_skip(&f, 3 * alen + 2 + 4 + 3 + 8 + 4 + 12 + 8);
                    s->first_octets = rd_u64(&f);
                    rd_skip(&f, 8);
                    s->first_start = ipfix ? rd_u64(&f) : rd_u32(&f);
                }
                if (id == FLOWSET_TMPL_IPV6)
                    s->data6++;
                else
                    s->data4++;
                rd_skip(&set, rl);
            }
            assert_true(set.left < 4);  /* Only padding after the records. */
        }
    }
    assert_int_equal(r.error, 0);
}

static void
options(struct flowset_options *o)
{
    memset(o, 0, sizeof(*o));
    o->domain = 7;
    o->sampling_interval = 512;
    o->sampling_algorithm = FLOWSET_SAMPLING_RANDOM;
    memcpy(o->agent, (uint8_t[]){ 10, 0, 0, 9 }, 4);
}

static void
test_netflow9_message(void **state)
{
    struct netflow9_header h = { 123456, 1700000000, 41, 7 };
    struct flowset_options o;
    struct flowset_msg m;
    struct flowrec f4, f6;
    uint8_t buf[1400];
    struct seen s;
    struct rd r;
    size_t len;

    (void)state;
    v4_record(&f4);
    v6_record(&f6);
    options(&o);
    netflow9_begin(&m, buf, sizeof(buf), 1000);
    assert_int_equal(flowset_templates(&m, &o), 0);
    assert_int_equal(flowset_add(&m, &f6), 0);
    assert_int_equal(flowset_add(&m, &f4), 0);
    assert_int_equal(flowset_add(&m, &f4), 0);
    len = netflow9_end(&m, &h);
    assert_true(len > NETFLOW9_HEADER_LEN);

    r = rd_init(buf, len);
    assert_int_equal(rd_u16(&r), 9);
    assert_int_equal(rd_u16(&r), 2 + 1 + 1 + 3);        /* templates, options, data */
    assert_int_equal(rd_u32(&r), 123456);
    assert_int_equal(rd_u32(&r), 1700000000);
    assert_int_equal(rd_u32(&r), 41);
    assert_int_equal(rd_u32(&r), 7);

    memset(&s, 0, sizeof(s));
    read_sets(buf, NETFLOW9_HEADER_LEN, len, 0, &s);
    assert_int_equal(s.templates, 2);
    assert_int_equal(s.options_templates, 1);
    assert_int_equal(s.options, 1);
    assert_int_equal(s.interval, 512);
    assert_memory_equal(s.agent, o.agent, 4);
    assert_int_equal(s.data4, 2);
    assert_int_equal(s.data6, 1);
    assert_int_equal(s.tlen[FLOWSET_TMPL_IPV4], flowset_record_len(FLOWSET_V9, 4));
    assert_int_equal(s.tlen[FLOWSET_TMPL_IPV6], flowset_record_len(FLOWSET_V9, 6));
    assert_memory_equal(s.first_src6, f6.src, 16);
    assert_int_equal(s.first_octets, 6144000);
    assert_int_equal(s.first_start, 5000 - 1000);       /* sysUptime ms */
}

static void
test_ipfix_message(void **state)
{
    struct ipfix_header h = { 1700000000, 99, 7 };
    struct flowset_options o;
    struct flowset_msg m;
    struct flowrec f4;
    uint8_t buf[1400];
    struct seen s;
    struct rd r;
    size_t len;

    (void)state;
    v4_record(&f4);
    options(&o);
    ipfix_begin(&m, buf, sizeof(buf), 1700000000000ll);
    assert_int_equal(flowset_add(&m, &f4), 0);
    assert_int_equal(flowset_templates(&m, &o), 0);
    assert_int_equal(flowset_add(&m, &f4), 0);
    assert_int_equal(m.data_records, 3);                /* Options data counts; templates not. */
    len = ipfix_end(&m, &h);

    r = rd_init(buf, len);
    assert_int_equal(rd_u16(&r), 10);
    assert_int_equal(rd_u16(&r), len);
    assert_int_equal(rd_u32(&r), 1700000000);
    assert_int_equal(rd_u32(&r), 99);
    assert_int_equal(rd_u32(&r), 7);

    /* The first data set comes before its template: read the templates first. */
    memset(&s, 0, sizeof(s));
    s.tlen[FLOWSET_TMPL_IPV4] = flowset_record_len(FLOWSET_IPFIX, 4);
    read_sets(buf, IPFIX_HEADER_LEN, len, 1, &s);
    assert_int_equal(s.templates, 2);
    assert_int_equal(s.tlen[FLOWSET_TMPL_IPV4], flowset_record_len(FLOWSET_IPFIX, 4));
    assert_int_equal(s.data4, 2);
    assert_int_equal(s.first_start, 1700000000000ull + 5000);   /* ms since the epoch */
}

/* A record that does not fit is refused whole; the message stays valid. */
static void
test_full_message(void **state)
{
    struct ipfix_header h = { 1, 0, 0 };
    struct flowset_msg m;
    struct flowrec f6;
    uint8_t buf[IPFIX_HEADER_LEN + 4 + 3 * 121 + 60];
    unsigned int n = 0;
    struct seen s;
    size_t len;

    (void)state;
    v6_record(&f6);
    assert_int_equal(flowset_record_len(FLOWSET_IPFIX, 6), 121);
    ipfix_begin(&m, buf, sizeof(buf), 0);
    while (flowset_add(&m, &f6) == 0)
        n++;
    assert_int_equal(n, 3);
    assert_int_equal(m.data_records, 3);
    len = ipfix_end(&m, &h);
    assert_true(len > 0 && len <= sizeof(buf));
    memset(&s, 0, sizeof(s));
    s.tlen[FLOWSET_TMPL_IPV6] = 121;
    read_sets(buf, IPFIX_HEADER_LEN, len, 1, &s);
    assert_int_equal(s.data6, 3);
}

/* A datagram of one flow sample being written: where its parts began. */
struct sample_w {
    struct wbuf w;
    size_t d, so;
};

/*
 * Starts a datagram in 'buf' with one flow sample (1 in 'rate', from
 * 'input' to 'output') whose first record samples 'hdr', the first bytes
 * of a 'frame_len' byte frame.
 */
static void
sample_begin(struct sample_w *sw, uint8_t *buf, size_t cap, uint32_t rate,
    uint32_t input, uint32_t output, const struct wbuf *hdr, uint32_t frame_len)
{
    static const struct sflow_addr agent = { SFLOW_ADDR_IP4, { 10, 0, 0, 1 } };
    struct sflow_sample smp;

    wbuf_init(&sw->w, buf, cap);
    sw->d = sflow_enc_datagram_begin(&sw->w, &agent, 0, 1, 1000);
    memset(&smp, 0, sizeof(smp));
    smp.tag = SFLOW_TAG(0, SFLOW_FLOW_SAMPLE);
    smp.sampling_rate = rate;
    smp.input = input;
    smp.output = output;
    sw->so = sflow_enc_sample_begin(&sw->w, &smp);
    sflow_enc_header(&sw->w, PKT_PROTO_ETHERNET, frame_len, 4, hdr->base,
        (uint32_t)hdr->size);
}

/* Record 'tag' of the sample with values 'v', then 'v' cleared for the next. */
static void
sample_record(struct sample_w *sw, uint32_t tag, union sflow_value v[SFLOW_MAX_FIELDS])
{
    sflow_enc_record(&sw->w, tag, sflow_schema_find(tag, 0), v);
    memset(v, 0, sizeof(union sflow_value) * SFLOW_MAX_FIELDS);
}

/*
 * A 0:3 record of a 500-byte UDP packet, 10.0.0.5 port 53 to 10.0.0.6
 * port 5353, TCP flags 0x12 (not TCP: to be ignored), ToS 0x20.
 */
static void
sample_ipv4_record(struct sample_w *sw, union sflow_value v[SFLOW_MAX_FIELDS])
{
    v[0].u = 500, v[1].u = 17;
    v[2].b.p = (const uint8_t *)"\x0a\0\0\x05", v[2].b.len = 4;
    v[3].b.p = (const uint8_t *)"\x0a\0\0\x06", v[3].b.len = 4;
    v[4].u = 53, v[5].u = 5353, v[6].u = 0x12, v[7].u = 0x20;
    sample_record(sw, SFLOW_TAG(0, SFLOW_FLOW_IPV4), v);
}

/* Ends the sample and its datagram, decoded into 'dg'. */
static void
sample_end(struct sample_w *sw, struct sflow_datagram *dg)
{
    assert_int_equal(sflow_enc_sample_end(&sw->w, sw->so), 0);
    assert_int_equal(sflow_enc_datagram_end(&sw->w, sw->d), 0);
    sflow_decode(sw->w.base, sw->w.size, dg);
    assert_int_equal(dg->err.code, SFLOW_OK);
}

/*
 * An Ethernet frame of an IPv6 TCP SYN (2001:db8::1 port 5555 to
 * 2001:db8::2 port 80, traffic class 0x2e) into 'frame'.
 */
static void
ipv6_syn_frame(struct wbuf *fw, uint8_t *frame, size_t cap)
{
    wbuf_init(fw, frame, cap);
    wbuf_put_bytes(fw, (uint8_t[]){ 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1 }, 12);
    wbuf_put_u16(fw, 0x86dd);
    wbuf_put_u32(fw, 6u << 28 | 0x2eu << 20);
    wbuf_put_u16(fw, 20);
    wbuf_put_u8(fw, 6);
    wbuf_put_u8(fw, 64);
    wbuf_put_bytes(fw, (uint8_t[]){ 0x20, 1, 0xd, 0xb8, [15] = 1 }, 16);
    wbuf_put_bytes(fw, (uint8_t[]){ 0x20, 1, 0xd, 0xb8, [15] = 2 }, 16);
    wbuf_put_u16(fw, 5555);
    wbuf_put_u16(fw, 80);
    wbuf_put_zeros(fw, 9);
    wbuf_put_u8(fw, 0x02);              /* SYN */
    wbuf_put_zeros(fw, 6);
    assert_int_equal(fw->size, 14 + 40 + 20);
}

/* An IPv6 TCP packet in a sampled header, with switch, router and gateway records. */
static void
test_flowrec_ipv6(void **state)
{
    uint8_t frame[14 + 40 + 20], buf[1024], path[5 * 4];
    union sflow_value v[SFLOW_MAX_FIELDS] = { 0 };
    static struct sflow_datagram dg;
    struct sample_w sw;
    struct wbuf fw, pw;
    struct flowrec f;

    (void)state;
    ipv6_syn_frame(&fw, frame, sizeof(frame));
    sample_begin(&sw, buf, sizeof(buf), 256, 5, SFLOW_IF_INTERNAL, &fw,
        14 + 40 + 20 + 100 + 4);
    v[0].u = 100, v[2].u = 200;
    sample_record(&sw, SFLOW_TAG(0, SFLOW_FLOW_EX_SWITCH), v);
    v[0].addr.type = SFLOW_ADDR_IP6;
    v[0].addr.a[0] = 0xfe, v[0].addr.a[1] = 0x80, v[0].addr.a[15] = 9;
    v[1].u = 64, v[2].u = 129;          /* 129: not a prefix length; dropped */
    sample_record(&sw, SFLOW_TAG(0, SFLOW_FLOW_EX_ROUTER), v);
    v[1].u = 65000, v[2].u = 0, v[3].u = 65001;
    /* One AS_SEQUENCE segment: 65010 65020 65030. */
    wbuf_init(&pw, path, sizeof(path));
    wbuf_put_u32(&pw, 2);
    wbuf_put_u32(&pw, 3);
    wbuf_put_u32(&pw, 65010);
    wbuf_put_u32(&pw, 65020);
    wbuf_put_u32(&pw, 65030);
    v[4].b.p = path, v[4].b.len = sizeof(path), v[4].b.count = 1;
    sample_record(&sw, SFLOW_TAG(0, SFLOW_FLOW_EX_GATEWAY), v);
    sample_end(&sw, &dg);

    assert_int_equal(flowrec_from_sample(&dg, &dg.samples[0], &f), FLOWREC_OK);
    assert_int_equal(f.family, 6);
    assert_int_equal(f.src[15], 1);
    assert_int_equal(f.dst[15], 2);
    assert_int_equal(f.src_port, 5555);
    assert_int_equal(f.dst_port, 80);
    assert_int_equal(f.prot, 6);
    assert_int_equal(f.tcp_flags, 0x02);
    assert_int_equal(f.tos, 0x2e);
    assert_int_equal(f.octets, 40 + 20 + 100);          /* frame - stripped - Ethernet */
    assert_int_equal(f.packets, 1);
    assert_int_equal(f.input, 5);
    assert_int_equal(f.output, 0);                      /* internal */
    assert_int_equal(f.src_vlan, 100);
    assert_int_equal(f.dst_vlan, 200);
    assert_int_equal(f.src_mac[5], 1);
    assert_int_equal(f.dst_mac[5], 2);
    assert_int_equal(f.nexthop_family, 6);
    assert_int_equal(f.nexthop[15], 9);
    assert_int_equal(f.src_mask, 64);
    assert_int_equal(f.dst_mask, 0);
    assert_int_equal(f.has_as, 1);
    assert_int_equal(f.src_as, 65001);                  /* src_as 0: the peer's */
    assert_int_equal(f.src_peer_as, 65001);
    assert_int_equal(f.dst_as, 65030);                  /* origin: the path's last */
    assert_int_equal(f.dst_peer_as, 65010);             /* neighbour: its first */
}

/*
 * An IPv6 packet in the sampled header, then a 0:3 record of an IPv4 one:
 * NetFlow v5 can carry only the latter, so it replaces the former whole
 * (no port, flag or length of the IPv6 packet left behind).
 */
static void
test_flowrec_ipv4_over_ipv6(void **state)
{
    uint8_t frame[14 + 40 + 20], buf[1024];
    union sflow_value v[SFLOW_MAX_FIELDS] = { 0 };
    static struct sflow_datagram dg;
    struct sample_w sw;
    struct flowrec f;
    struct wbuf fw;

    (void)state;
    ipv6_syn_frame(&fw, frame, sizeof(frame));
    sample_begin(&sw, buf, sizeof(buf), 1, 1, 2, &fw, 14 + 40 + 20 + 4);
    sample_ipv4_record(&sw, v);
    sample_end(&sw, &dg);

    assert_int_equal(flowrec_from_sample(&dg, &dg.samples[0], &f), FLOWREC_OK);
    assert_int_equal(f.family, 4);
    assert_memory_equal(f.src, "\x0a\0\0\x05\0\0\0\0\0\0\0\0\0\0\0\0", 16);
    assert_memory_equal(f.dst, "\x0a\0\0\x06\0\0\0\0\0\0\0\0\0\0\0\0", 16);
    assert_int_equal(f.prot, 17);
    assert_int_equal(f.src_port, 53);
    assert_int_equal(f.dst_port, 5353);
    assert_int_equal(f.tcp_flags, 0);                   /* UDP: not the SYN's */
    assert_int_equal(f.tos, 0x20);
    assert_int_equal(f.octets, 500);
    /* What is not the packet's stays the sample's: MACs from the header. */
    assert_int_equal(f.src_mac[5], 1);
    assert_int_equal(f.dst_mac[5], 2);
    assert_int_equal(f.input, 1);
    assert_int_equal(f.output, 2);
}

/*
 * An ICMP packet (type 3, code 1) in a sampled header, then a 0:3 record of
 * another packet, VLANs and a gateway: the row and the flow record take
 * the same packet and addresses from the shared keys, each with its own
 * conventions for ICMP and the source AS.
 */
static void
test_flowrec_and_ch_row(void **state)
{
    uint8_t frame[14 + 20 + 8], buf[1024];
    union sflow_value v[SFLOW_MAX_FIELDS] = { 0 };
    static struct sflow_datagram dg;
    struct sample_w sw;
    struct flowrec r;
    struct ch_flow f;
    struct wbuf fw;

    (void)state;
    wbuf_init(&fw, frame, sizeof(frame));
    wbuf_put_bytes(&fw, (uint8_t[]){ 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1 }, 12);
    wbuf_put_u16(&fw, 0x0800);
    wbuf_put_bytes(&fw, (uint8_t[]){ 0x45, 0x10, 0, 28, 0, 1, 0, 0, 63, 1, 0, 0,
        192, 0, 2, 1, 198, 51, 100, 2 }, 20);
    wbuf_put_bytes(&fw, (uint8_t[]){ 3, 1, 0, 0, 0, 0, 0, 0 }, 8);

    sample_begin(&sw, buf, sizeof(buf), 10, 0, 0, &fw, 14 + 28 + 4);
    sample_ipv4_record(&sw, v);
    v[0].u = 100, v[2].u = 200;
    sample_record(&sw, SFLOW_TAG(0, SFLOW_FLOW_EX_SWITCH), v);
    v[1].u = 65000, v[2].u = 0, v[3].u = 65001;
    sample_record(&sw, SFLOW_TAG(0, SFLOW_FLOW_EX_GATEWAY), v);
    sample_end(&sw, &dg);

    assert_int_equal(ch_row_flow_from_sample(&dg, &dg.samples[0], &f), 1);
    assert_int_equal(flowrec_from_sample(&dg, &dg.samples[0], &r), FLOWREC_OK);
    /* Both: the header's packet, not the 0:3 record's. */
    assert_int_equal(f.ip_version, 4);
    assert_int_equal(r.family, 4);
    assert_memory_equal(f.src_ip + 12, "\xc0\x00\x02\x01", 4);
    assert_memory_equal(r.src, "\xc0\x00\x02\x01", 4);
    assert_memory_equal(f.dst_ip + 12, "\xc6\x33\x64\x02", 4);
    assert_memory_equal(r.dst, "\xc6\x33\x64\x02", 4);
    assert_int_equal(f.proto, 1);
    assert_int_equal(r.prot, 1);
    assert_int_equal(f.tos, 0x10);
    assert_int_equal(r.tos, 0x10);
    assert_int_equal(f.ttl, 63);
    /* ICMP: type and code in two columns; NetFlow's type << 8 | code. */
    assert_int_equal(f.src_port, 3);
    assert_int_equal(f.dst_port, 1);
    assert_int_equal(r.src_port, 0);
    assert_int_equal(r.dst_port, 0x0301);
    assert_int_equal(f.in_vlan, 100);
    assert_int_equal(r.src_vlan, 100);
    assert_int_equal(f.out_vlan, 200);
    assert_int_equal(r.dst_vlan, 200);
    /* Source AS: the row's is the record's field; NetFlow's falls back to the peer's. */
    assert_int_equal(f.src_as, 0);
    assert_int_equal(r.src_as, 65001);
    assert_int_equal(f.frame_length, 14 + 28 + 4);
    assert_int_equal(f.bytes, (14 + 28 + 4) * 10);
    assert_int_equal(r.octets, 28);
}


/* The path's first ASN and its last segment's last, as sflowtool takes dst_peer_as and dst_as. */
static void
test_as_path_ends(void **state)
{
    static const uint8_t two[] = {      /* AS_SEQUENCE [65001, 65002], then [65003] */
        0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0xfd, 0xe9, 0, 0, 0xfd, 0xea,
        0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0xfd, 0xeb,
    };
    static const uint8_t empty_last[] = {       /* [65001, 65002], then an empty segment */
        0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0xfd, 0xe9, 0, 0, 0xfd, 0xea,
        0, 0, 0, 2, 0, 0, 0, 0,
    };
    struct sflow_bytes p = { two, sizeof(two), 2 };
    uint32_t first, last;

    (void)state;
    flowrec_as_path_ends(&p, &first, &last);
    assert_int_equal(first, 65001);
    assert_int_equal(last, 65003);
    p = (struct sflow_bytes){ empty_last, sizeof(empty_last), 2 };
    flowrec_as_path_ends(&p, &first, &last);
    assert_int_equal(first, 65001);
    assert_int_equal(last, 0);
    p.count = 0;
    flowrec_as_path_ends(&p, &first, &last);
    assert_int_equal(first, 0);
    assert_int_equal(last, 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_netflow9_message),
        cmocka_unit_test(test_ipfix_message),
        cmocka_unit_test(test_full_message),
        cmocka_unit_test(test_flowrec_ipv6),
        cmocka_unit_test(test_flowrec_ipv4_over_ipv6),
        cmocka_unit_test(test_flowrec_and_ch_row),
        cmocka_unit_test(test_as_path_ends),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
