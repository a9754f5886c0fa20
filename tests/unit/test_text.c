/*
 * The text renderers and the walk under them (convert/text.c,
 * convert/sflow_walk.c), on datagrams built with sflow_encode: the lines
 * sflowtool would print, the deliberate differences of docs/compat.md, a
 * truncated datagram, and a list as text flattens it and JSON nests it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sflow_decode.h"
#include "sflow_encode.h"
#include "sflow_schema.h"
#include "sflow_walk.h"
#include "json.h"
#include "text.h"
#include "wbuf.h"

static struct sflow_datagram dg;
static uint8_t buf[4096];

static const struct sflow_addr agent = { SFLOW_ADDR_IP4, { 192, 0, 2, 77 } };

static void
meta_init(struct dgram_meta *m)
{
    memset(m, 0, sizeof(*m));
    m->ts.tv_sec = 1700000000;
    m->ts.tv_usec = 250;
    m->from_file = 1;
    snprintf(m->src, sizeof(m->src), "192.0.2.1");
}

/* Ethernet, 802.1Q VLAN 100 priority 3, IPv4 id 0xa572, UDP 1234 -> 53. */
static const uint8_t frame[] = {
    0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01, 0x81, 0x00, 0x60, 0x64,
    0x08, 0x00,
    0x45, 0x00, 0x00, 0x32, 0xa5, 0x72, 0x40, 0x00, 0x40, 0x11, 0x00, 0x00,
    10, 0, 0, 1, 10, 0, 0, 2,
    0x04, 0xd2, 0x00, 0x35, 0x00, 0x1e, 0x00, 0x00,
    1, 2, 3, 4, 5, 6, 7, 8,
};

/* Flow record 0:'format' with values 'v', by its schema. */
static void
put_flow_record(struct wbuf *w, uint32_t format, const union sflow_value *v)
{
    sflow_enc_record(w, SFLOW_TAG(0, format), sflow_schema_find(SFLOW_TAG(0, format), 0), v);
}

/* Ends sample 's' and datagram 'd' in 'w'; returns the datagram's length. */
static size_t
finish(struct wbuf *w, size_t s, size_t d)
{
    sflow_enc_sample_end(w, s);
    sflow_enc_datagram_end(w, d);
    assert_int_equal(w->error, 0);
    return w->size;
}

/*
 * A datagram with one sample of type 'fmt' holding 'len' bytes at 'hdr'
 * as a sampled header of 'frame_len' bytes on the wire (4 stripped), then
 * an extended switch record; returns its length.
 */
static size_t
build_sample(uint32_t fmt, const uint8_t *hdr, size_t len, uint32_t frame_len)
{
    union sflow_value v[SFLOW_MAX_FIELDS];
    struct wbuf w;
    struct sflow_sample smp;
    size_t d, s;

    wbuf_init(&w, buf, sizeof(buf));
    d = sflow_enc_datagram_begin(&w, &agent, 0, 42, 1000);
    memset(&smp, 0, sizeof(smp));
    smp.tag = SFLOW_TAG(0, fmt);
    smp.seq = 7;
    smp.ds_index = 3;
    smp.sampling_rate = 256;
    smp.sample_pool = 1000;
    smp.input = 5;
    smp.output_format = SFLOW_IF_MULTIPLE;
    smp.output = 7;
    s = sflow_enc_sample_begin(&w, &smp);
    sflow_enc_header(&w, PKT_PROTO_ETHERNET, frame_len, 4, hdr, (uint32_t)len);
    memset(v, 0, sizeof(v));
    v[0].u = 10;
    sflow_enc_record(&w, SFLOW_TAG(0, SFLOW_FLOW_EX_SWITCH),
        sflow_schema_find(SFLOW_TAG(0, SFLOW_FLOW_EX_SWITCH), 0), v);
    return finish(&w, s, d);
}

/* A datagram with one flow sample holding 'frame'; returns its length. */
static size_t
build_flow(void)
{
    return build_sample(SFLOW_FLOW_SAMPLE, frame, sizeof(frame), 68);
}

typedef void render_fn(struct obuf *, const struct sflow_enrich *, const struct dgram_meta *,
    const struct sflow_datagram *);

/* The buffer as a string the caller frees. */
static char *
take(struct obuf *out)
{
    char *s = strndup(out->buf != NULL ? out->buf : "", out->len);

    assert_non_null(s);
    assert_int_equal(out->error, 0);
    obuf_free(out);
    return s;
}

/* Renders the first 'len' bytes of 'buf' with 'fn' into a string the caller frees. */
static char *
render(render_fn *fn, size_t len)
{
    struct obuf out = OBUF_INITIALIZER;
    struct dgram_meta m;

    meta_init(&m);
    sflow_decode(buf, len, &dg);
    fn(&out, NULL, &m, &dg);
    return take(&out);
}

static void
json_datagram_compact(struct obuf *out, const struct sflow_enrich *e,
    const struct dgram_meta *m, const struct sflow_datagram *d)
{
    json_datagram(out, e, m, d, 0);
}

static int
has_line(const char *text, const char *line)
{
    size_t n = strlen(line);
    const char *p = text;

    while ((p = strstr(p, line)) != NULL) {
        if ((p == text || p[-1] == '\n') && p[n] == '\n')
            return 1;
        p += n;
    }
    return 0;
}

static void
test_flow_lines(void **state)
{
    char *t;

    (void)state;
    t = render(text_datagram, build_flow());
    assert_true(strncmp(t, "startDatagram =================================\n", 48) == 0);
    assert_true(has_line(t, "datagramSourceIP 192.0.2.1"));
    assert_true(has_line(t, "unixSecondsUTC 1700000000"));
    assert_true(has_line(t, "unixSecondsUTC_uS 250"));
    assert_true(has_line(t, "localtime 2023-11-14T22:13:20+0000"));
    assert_true(has_line(t, "pcapTimestamp_uS 250"));
    assert_true(has_line(t, "agent 192.0.2.77"));
    assert_true(has_line(t, "packetSequenceNo 42"));
    assert_true(has_line(t, "sourceId 0:3"));
    assert_true(has_line(t, "meanSkipCount 256"));
    assert_true(has_line(t, "outputPort multiple 7"));
    assert_true(has_line(t, "headerLen 54"));
    assert_true(has_line(t, "dstMAC 020000000002"));
    assert_true(has_line(t, "decodedVLAN 100"));
    assert_true(has_line(t, "decodedPriority 3"));
    assert_true(has_line(t, "ethernet_type 2048"));
    assert_true(has_line(t, "IPSize 46"));           /* 68 - 4 stripped - 18 */
    assert_true(has_line(t, "IPID 42354"));          /* 0xa572, not swapped */
    assert_true(has_line(t, "UDPSrcPort 1234"));
    assert_true(has_line(t, "UDPBytes 30"));
    assert_true(has_line(t, "endSample   ----------------------"));
    assert_true(has_line(t, "endDatagram   ================================="));
    free(t);
}

/* Cut inside the sample: what was read, no endSample, then endDatagram. */
static void
test_truncated(void **state)
{
    size_t len;
    char *t;

    (void)state;
    len = build_flow();
    t = render(text_datagram, len - 20);
    assert_true(has_line(t, "sampleType FLOWSAMPLE"));
    assert_false(has_line(t, "endSample   ----------------------"));
    assert_true(strlen(t) > 48);
    assert_string_equal(t + strlen(t) - 48, "endDatagram   =================================\n");
    free(t);
}

static void
test_grep_context(void **state)
{
    char *t;

    (void)state;
    t = render(text_grep_datagram, build_flow());
    assert_true(has_line(t,
        "2023-11-14T22:13:20+0000 192.0.2.77 0 42 0:3 0:1 0:1 srcIP 10.0.0.1"));
    assert_true(has_line(t,
        "2023-11-14T22:13:20+0000 192.0.2.77 0 42 0:0 0:0 0:0 agent 192.0.2.77"));
    free(t);
}

/* -g with an IPv6 agent: the context names it as the "agent" line does. */
static void
test_grep_context_ipv6(void **state)
{
    static const struct sflow_addr agent6 = { SFLOW_ADDR_IP6,
        { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x12, 0x34 } };
    struct wbuf w;
    size_t d;
    char *t;

    (void)state;
    wbuf_init(&w, buf, sizeof(buf));
    d = sflow_enc_datagram_begin(&w, &agent6, 5, 43, 1000);
    sflow_enc_datagram_end(&w, d);
    assert_int_equal(w.error, 0);
    t = render(text_grep_datagram, w.size);
    assert_true(has_line(t, "2023-11-14T22:13:20+0000 2001:0db8:0000:0000:0000:0000:0000:1234 "
        "5 43 0:0 0:0 0:0 agent 2001:0db8:0000:0000:0000:0000:0000:1234"));
    free(t);
}

/* A counter sample with host adapters: 2 on ifIndex 2, 1 on ifIndex 3. */
static size_t
build_adapters(void)
{
    static uint8_t list[] = {
        0, 0, 0, 2, 0, 0, 0, 2,
        0x3c, 0x97, 0x0e, 0x25, 0xf0, 0x56, 0, 0,
        0x3c, 0x97, 0x0e, 0x25, 0xf0, 0x57, 0, 0,
        0, 0, 0, 3, 0, 0, 0, 1,
        0x9c, 0x4e, 0x36, 0x59, 0xb2, 0x54, 0, 0,
    };
    union sflow_value v[SFLOW_MAX_FIELDS];
    struct wbuf w;
    struct sflow_sample smp;
    size_t d, s;

    memset(v, 0, sizeof(v));
    v[0].b.p = list;
    v[0].b.len = sizeof(list);
    v[0].b.count = 2;
    wbuf_init(&w, buf, sizeof(buf));
    d = sflow_enc_datagram_begin(&w, &agent, 0, 1, 1);
    memset(&smp, 0, sizeof(smp));
    smp.tag = SFLOW_TAG(0, SFLOW_COUNTERS_SAMPLE);
    smp.ds_class = 2;
    smp.ds_index = 1;
    s = sflow_enc_sample_begin(&w, &smp);
    sflow_enc_record(&w, SFLOW_TAG(0, SFLOW_CTR_HOST_ADAPTERS),
        sflow_schema_find(SFLOW_TAG(0, SFLOW_CTR_HOST_ADAPTERS), 1), v);
    return finish(&w, s, d);
}

static void
test_adapters_text(void **state)
{
    char *t;

    (void)state;
    t = render(text_datagram, build_adapters());
    assert_true(has_line(t, "counterBlock_tag 0:2001"));
    assert_true(has_line(t, "adaptor_0_ifIndex 2"));
    assert_true(has_line(t, "adaptor_0_MACs 2"));
    assert_true(has_line(t, "adaptor_0_MAC_0 3c970e25f056"));
    assert_true(has_line(t, "adaptor_0_MAC_1 3c970e25f057"));
    assert_true(has_line(t, "adaptor_1_ifIndex 3"));
    assert_true(has_line(t, "adaptor_1_MAC_0 9c4e3659b254"));
    free(t);
}

/* JSON nests the same list that text flattens. */
static void
test_adapters_json(void **state)
{
    char *t;

    (void)state;
    t = render(json_datagram_compact, build_adapters());
    assert_non_null(strstr(t,
        "\"elements\":[{\"counterBlock_tag\":\"0:2001\",\"adaptor_list\":["
        "{\"ifIndex\":2,\"MACs\":2,\"mac_list\":[\"3c970e25f056\",\"3c970e25f057\"]},"
        "{\"ifIndex\":3,\"MACs\":1,\"mac_list\":[\"9c4e3659b254\"]}]}]"));
    free(t);
}

/* A discarded packet with a Linux drop reason and a record it skips. */
static void
test_discard(void **state)
{
    union sflow_value v[SFLOW_MAX_FIELDS];
    struct wbuf w;
    struct sflow_sample smp;
    size_t d, s;
    char *t;

    (void)state;
    memset(v, 0, sizeof(v));
    wbuf_init(&w, buf, sizeof(buf));
    d = sflow_enc_datagram_begin(&w, &agent, 0, 1, 1);
    memset(&smp, 0, sizeof(smp));
    smp.tag = SFLOW_TAG(0, SFLOW_DISCARDED_PACKET);
    smp.ds_index = 2;
    smp.input = 2;
    smp.reason = 289;
    s = sflow_enc_sample_begin(&w, &smp);
    v[0].b.p = (const uint8_t *)"NOT_SPECIFIED";
    v[0].b.len = 13;
    put_flow_record(&w, 1042, v);
    v[0].u = 99;
    put_flow_record(&w, 1039, v);
    t = render(text_datagram, finish(&w, s, d));
    assert_true(has_line(t, "sampleType DISCARD"));
    assert_true(has_line(t, "discardCode 289"));
    assert_true(has_line(t, "discardReason unknown_l4"));
    assert_true(has_line(t, "discarded_flowBlock_tag 0:1042"));
    assert_true(has_line(t, "discarded_extendedType linux_reason"));
    assert_true(has_line(t, "discarded_linux_drop_reason NOT_SPECIFIED"));
    assert_true(has_line(t, "discarded_flowBlock_tag 0:1039"));
    assert_true(has_line(t, "skipping unknown discard_sample_element: 0:1039 len=4"));
    free(t);
}

/* Ethernet/IPv4/UDP to 4789, VXLAN 0x123456, Ethernet/IPv4/TCP 1234 -> 443. */
static const uint8_t vxlan_frame[] = {
    0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01, 0x08, 0x00,
    0x45, 0x00, 0x00, 0x5a, 0x00, 0x01, 0x00, 0x00, 0x40, 0x11, 0x00, 0x00,
    10, 0, 0, 1, 10, 0, 0, 2,
    0xc0, 0x00, 0x12, 0xb5, 0x00, 0x46, 0x00, 0x00,
    0x08, 0x00, 0x00, 0x00, 0x12, 0x34, 0x56, 0x00,
    0x02, 0, 0, 0, 0, 0x0b, 0x02, 0, 0, 0, 0, 0x0a, 0x08, 0x00,
    0x45, 0x00, 0x00, 0x28, 0x00, 0x07, 0x00, 0x00, 0x3f, 0x06, 0x00, 0x00,
    192, 168, 1, 1, 192, 168, 2, 2,
    0x04, 0xd2, 0x01, 0xbb, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x18, 0x01, 0x00,
    0x00, 0x00, 0x00, 0x00,
};

/* Ethernet/IPv4/GRE with key 77, carrying IPv4/UDP 1000 -> 53. */
static const uint8_t gre_frame[] = {
    0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01, 0x08, 0x00,
    0x45, 0x00, 0x00, 0x38, 0x00, 0x01, 0x00, 0x00, 0x40, 0x2f, 0x00, 0x00,
    10, 0, 0, 1, 10, 0, 0, 2,
    0x20, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x4d,
    0x45, 0x00, 0x00, 0x1c, 0x00, 0x02, 0x00, 0x00, 0x40, 0x11, 0x00, 0x00,
    172, 16, 0, 1, 172, 16, 0, 2,
    0x03, 0xe8, 0x00, 0x35, 0x00, 0x08, 0x00, 0x00,
};

/* Ethernet/MPLS label 100 (bottom, TTL 64), carrying IPv4/ICMP echo request. */
static const uint8_t mpls_frame[] = {
    0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01, 0x88, 0x47,
    0x00, 0x06, 0x41, 0x40,
    0x45, 0x00, 0x00, 0x1c, 0x00, 0x03, 0x00, 0x00, 0x40, 0x01, 0x00, 0x00,
    10, 1, 1, 1, 10, 2, 2, 2,
    0x08, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01,
};

/* The same behind two labels: 16 (exp 5, TTL 255), then 100 at the bottom. */
static const uint8_t mpls2_frame[] = {
    0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01, 0x88, 0x47,
    0x00, 0x01, 0x0a, 0xff, 0x00, 0x06, 0x41, 0x40,
    0x45, 0x00, 0x00, 0x1c, 0x00, 0x03, 0x00, 0x00, 0x40, 0x01, 0x00, 0x00,
    10, 1, 1, 1, 10, 2, 2, 2,
    0x08, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01,
};

/*
 * Tunnels in a sampled header, beyond sflowtool: the tunnel's fields, then
 * the carried packet's behind "inner_", and the next record's without it.
 */
static void
test_tunnels(void **state)
{
    char *t;

    (void)state;
    t = render(text_datagram, build_sample(SFLOW_FLOW_SAMPLE, vxlan_frame,
        sizeof(vxlan_frame), 108));
    assert_true(has_line(t, "UDPDstPort 4789"));
    assert_true(has_line(t, "tunnelType VXLAN"));
    assert_true(has_line(t, "tunnelVNI 1193046"));
    assert_true(has_line(t, "inner_dstMAC 02000000000b"));
    assert_true(has_line(t, "inner_srcMAC 02000000000a"));
    assert_true(has_line(t, "inner_ethernet_type 2048"));
    assert_true(has_line(t, "inner_IPSize 40"));    /* 108 - 4 - 64 */
    assert_true(has_line(t, "inner_srcIP 192.168.1.1"));
    assert_true(has_line(t, "inner_dstIP 192.168.2.2"));
    assert_true(has_line(t, "inner_IPTTL 63"));
    assert_true(has_line(t, "inner_IPID 7"));
    assert_true(has_line(t, "inner_TCPSrcPort 1234"));
    assert_true(has_line(t, "inner_TCPDstPort 443"));
    assert_true(has_line(t, "inner_TCPFlags 24"));
    assert_true(has_line(t, "in_vlan 10"));
    assert_false(has_line(t, "inner_in_vlan 10"));
    free(t);

    t = render(json_datagram_compact, build_sample(SFLOW_FLOW_SAMPLE, vxlan_frame,
        sizeof(vxlan_frame), 108));
    assert_non_null(strstr(t, "\"tunnelType\":\"VXLAN\",\"tunnelVNI\":1193046,"
        "\"inner_dstMAC\":\"02000000000b\","));
    assert_non_null(strstr(t, "\"inner_TCPFlags\":24}"));
    assert_non_null(strstr(t, "\"in_vlan\":10,"));
    free(t);

    t = render(text_datagram, build_sample(SFLOW_FLOW_SAMPLE, gre_frame, sizeof(gre_frame),
        74));
    assert_true(has_line(t, "tunnelType GRE"));
    assert_true(has_line(t, "tunnelGREProtocol 2048"));
    assert_true(has_line(t, "tunnelGREKey 77"));
    assert_false(has_line(t, "inner_dstMAC 020000000002"));
    assert_true(has_line(t, "inner_IPSize 28"));    /* 74 - 4 - 42 */
    assert_true(has_line(t, "inner_srcIP 172.16.0.1"));
    assert_true(has_line(t, "inner_UDPDstPort 53"));
    free(t);

    t = render(text_datagram, build_sample(SFLOW_FLOW_SAMPLE, mpls_frame, sizeof(mpls_frame),
        50));
    assert_true(has_line(t, "tunnelType MPLS"));
    assert_true(has_line(t, "tunnelMPLSLabels 100.0.1.64"));
    assert_true(has_line(t, "inner_IPSize 28"));    /* 50 - 4 - 18 */
    assert_true(has_line(t, "inner_dstIP 10.2.2.2"));
    assert_true(has_line(t, "inner_ICMPType 8"));
    free(t);

    /* Two labels, the first not the bottom of the stack. */
    t = render(text_datagram, build_sample(SFLOW_FLOW_SAMPLE, mpls2_frame, sizeof(mpls2_frame),
        54));
    assert_true(has_line(t, "tunnelMPLSLabels 16.5.0.255-100.0.1.64"));
    assert_true(has_line(t, "inner_ICMPType 8"));
    free(t);

    /* In a discarded packet, both prefixes. */
    t = render(text_datagram, build_sample(SFLOW_DISCARDED_PACKET, vxlan_frame,
        sizeof(vxlan_frame), 108));
    assert_true(has_line(t, "discarded_tunnelVNI 1193046"));
    assert_true(has_line(t, "discarded_inner_srcIP 192.168.1.1"));
    assert_true(has_line(t, "discarded_UDPDstPort 4789"));
    free(t);
}

/*
 * Open vSwitch samples the first 64 bytes: of a TCP packet over IPv6 that
 * leaves 10 bytes of the TCP header.  sflowtool prints the ports from
 * them; the flags' byte (the 14th) is not there, and we leave it out.
 */
static const uint8_t ovs_v6_frame[68] = {
    0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01, 0x86, 0xdd,
    0x60, 0x00, 0x00, 0x00, 0x00, 0x28, 0x06, 0x40,
    0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01,
    0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02,
    0xc3, 0x50, 0x01, 0xbb, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x12,
};

/* Label stacks: 0:1006 MPLS as "label.exp.bos.ttl" joined by '-', 0:1012 VLAN tags. */
static void
test_label_stacks(void **state)
{
    /* Label 16 exp 5 TTL 255, then 100 bottom of stack TTL 64; TPID 0x8100 priority 3 VLAN 100. */
    static const uint8_t in[8] = { 0x00, 0x01, 0x0a, 0xff, 0x00, 0x06, 0x41, 0x40 };
    static const uint8_t tags[8] = { 0x81, 0x00, 0x60, 0x64, 0x88, 0xa8, 0x10, 0x07 };
    static const char *const want[] = {
        "mpls_nexthop 192.0.2.77", "mpls_input_stack 16.5.0.255-100.0.1.64",
        "mpls_output_stack 100.0.1.64", "vlan_tunnel 0x81003.0.100-0x88a80.1.7",
    };
    union sflow_value v[SFLOW_MAX_FIELDS];
    struct sflow_sample smp;
    struct wbuf w;
    size_t d, s, i;
    char *t;

    (void)state;
    wbuf_init(&w, buf, sizeof(buf));
    d = sflow_enc_datagram_begin(&w, &agent, 0, 42, 1000);
    memset(&smp, 0, sizeof(smp));
    smp.tag = SFLOW_TAG(0, SFLOW_FLOW_SAMPLE);
    s = sflow_enc_sample_begin(&w, &smp);
    memset(v, 0, sizeof(v));
    v[SF_MPLS_NEXTHOP].addr = agent;
    v[SF_MPLS_IN_STACK].b = (struct sflow_bytes){ in, sizeof(in), 2 };
    v[SF_MPLS_OUT_STACK].b = (struct sflow_bytes){ in + 4, 4, 1 };
    put_flow_record(&w, 1006, v);
    memset(v, 0, sizeof(v));
    v[SF_VLANTUNNEL_STACK].b = (struct sflow_bytes){ tags, sizeof(tags), 2 };
    put_flow_record(&w, 1012, v);
    t = render(text_datagram, finish(&w, s, d));
    for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
        assert_true(has_line(t, want[i]));
    free(t);
}

static void
test_cut_tcp(void **state)
{
    char *t;

    (void)state;
    t = render(text_datagram, build_sample(SFLOW_FLOW_SAMPLE, ovs_v6_frame, 64, 1514));
    assert_true(has_line(t, "srcIP6 2001:0db8:0000:0000:0000:0000:0000:0001"));
    assert_true(has_line(t, "IPProtocol 6"));
    assert_true(has_line(t, "TCPSrcPort 50000"));
    assert_true(has_line(t, "TCPDstPort 443"));
    assert_null(strstr(t, "TCPFlags"));
    free(t);
    /* With the flags' byte: all three. */
    t = render(text_datagram, build_sample(SFLOW_FLOW_SAMPLE, ovs_v6_frame, 68, 1514));
    assert_true(has_line(t, "TCPSrcPort 50000"));
    assert_true(has_line(t, "TCPFlags 18"));
    free(t);
    /* Under 8 bytes of TCP sflowtool prints no port: neither do we. */
    t = render(text_datagram, build_sample(SFLOW_FLOW_SAMPLE, ovs_v6_frame, 60, 1514));
    assert_true(has_line(t, "IPProtocol 6"));
    assert_null(strstr(t, "TCPSrcPort"));
    free(t);
}

static void
test_fields_parse(void **state)
{
    struct text_fields *tf;

    (void)state;
    assert_null(text_fields_parse(""));
    assert_null(text_fields_parse("agent,,srcIP"));
    assert_null(text_fields_parse("agent,"));
    tf = text_fields_parse("agent,srcIP");
    assert_non_null(tf);
    text_fields_free(tf);
    text_fields_free(NULL);
}

static void
test_fields_line(void **state)
{
    struct obuf out = OBUF_INITIALIZER;
    struct text_fields *tf;
    struct dgram_meta m;
    char *t;

    (void)state;
    tf = text_fields_parse("srcIP,agent,nosuch,UDPDstPort");
    assert_non_null(tf);
    meta_init(&m);
    sflow_decode(buf, build_flow(), &dg);
    text_fields_datagram(&out, tf, NULL, &m, &dg);
    t = take(&out);
    assert_string_equal(t, "10.0.0.1,192.0.2.77,,53\n");
    free(t);
    text_fields_free(tf);

    /* A tunnel's fields and its inner packet's are fields like the others. */
    tf = text_fields_parse("srcIP,tunnelVNI,inner_srcIP,inner_TCPDstPort");
    assert_non_null(tf);
    sflow_decode(buf, build_sample(SFLOW_FLOW_SAMPLE, vxlan_frame, sizeof(vxlan_frame), 108),
        &dg);
    text_fields_datagram(&out, tf, NULL, &m, &dg);
    t = take(&out);
    assert_string_equal(t, "10.0.0.1,1193046,192.168.1.1,443\n");
    free(t);
    text_fields_free(tf);
}

static void
json_plain(struct obuf *out, const struct sflow_enrich *e, const struct dgram_meta *m,
    const struct sflow_datagram *d)
{
    json_datagram(out, e, m, d, 0);
}

static void
json_pretty(struct obuf *out, const struct sflow_enrich *e, const struct dgram_meta *m,
    const struct sflow_datagram *d)
{
    json_datagram(out, e, m, d, JSON_PRETTY);
}

/*
 * The caller's buffer runs out in the middle of the walk, at every byte
 * of the output (a -g context, a key, a value, a bracket): the walk grows
 * it and writes what it writes into an empty one, after the caller's own
 * bytes.  A buffer starts at 64 KiB.
 */
static void
test_grow_mid_walk(void **state)
{
    render_fn *const fns[] = { text_datagram, text_grep_datagram, json_plain, json_pretty };
    const size_t first = 64 * 1024;
    struct dgram_meta m;
    size_t i, n, fill, len = build_flow();
    char *want;

    (void)state;
    meta_init(&m);
    for (i = 0; i < sizeof(fns) / sizeof(fns[0]); i++) {
        want = render(fns[i], len);
        n = strlen(want);
        assert_true(n > 0 && n < first / 2);
        for (fill = first - n - 512; fill <= first; fill++) {
            struct obuf out = OBUF_INITIALIZER;
            char *p = obuf_reserve(&out, fill);

            assert_non_null(p);
            memset(p, 'x', fill);
            obuf_end(&out, p + fill);
            assert_int_equal(out.cap, first);
            fns[i](&out, NULL, &m, &dg);
            assert_int_equal(out.error, 0);
            assert_int_equal(out.len, fill + n);
            assert_memory_equal(out.buf + fill, want, n);
            assert_int_equal(out.buf[fill - 1], 'x');
            obuf_free(&out);
        }
        free(want);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_flow_lines),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_grep_context),
        cmocka_unit_test(test_grep_context_ipv6),
        cmocka_unit_test(test_adapters_text),
        cmocka_unit_test(test_adapters_json),
        cmocka_unit_test(test_discard),
        cmocka_unit_test(test_tunnels),
        cmocka_unit_test(test_label_stacks),
        cmocka_unit_test(test_cut_tcp),
        cmocka_unit_test(test_fields_parse),
        cmocka_unit_test(test_fields_line),
        cmocka_unit_test(test_grow_mid_walk),
    };

    setenv("TZ", "UTC", 1);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
