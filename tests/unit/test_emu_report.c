/*
 * emu_report: the accuracy report on datagrams whose every number is
 * known.  One UDP flow h1 -> h2 of single,2 is sampled 1 in 64 at h1's
 * switch port (its entry), again at a later hop, and some samples are of
 * other traffic; the port's counters show discards; datagrams received
 * before the traffic began must not count.  The pcap holds them as
 * sflowcollect -M writes them (raw IPv4/UDP).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../collector/udpip.h"
#include "emu.h"
#include "pkt_parse.h"
#include "sflow_encode.h"
#include "sflow_schema.h"
#include "wbuf.h"

#define RATE 64
#define SAMPLES 100             /* At the entry port. */
#define LATER 20                /* At h2's port, the flow's last hop. */
#define OTHER 5                 /* Of traffic that is no flow's. */
#define FRAME 500               /* The flow's frames (UDP payload + 42). */
#define IF_H1 10                /* ifIndex of h1's switch port. */
#define IF_H2 11
#define T_BEFORE 1000           /* Seconds: before the traffic, then during it. */
#define T_DURING 2000

struct fixture {
    struct emu_topo t;
    struct emu_traffic tr;
    int h1, h2;
    char path[64];
    pcap_t *dead;
    pcap_dumper_t *dump;
    uint32_t seq;
};

/* An Ethernet/IPv4/UDP frame of FRAME bytes from 'src' to 'dst': its first 64 bytes. */
static void
frame(uint8_t *p, uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport)
{
    memset(p, 0, 64);
    p[12] = 0x08;
    p[14] = 0x45;
    p[16] = (FRAME - 14) >> 8;
    p[17] = (FRAME - 14) & 0xff;
    p[22] = 64;
    p[23] = 17;
    for (int i = 0; i < 4; i++) {
        p[26 + i] = (uint8_t)(src >> (24 - 8 * i));
        p[30 + i] = (uint8_t)(dst >> (24 - 8 * i));
    }
    p[34] = (uint8_t)(sport >> 8);
    p[35] = (uint8_t)sport;
    p[36] = (uint8_t)(dport >> 8);
    p[37] = (uint8_t)dport;
    p[38] = (FRAME - 34) >> 8;
    p[39] = (FRAME - 34) & 0xff;
}

/* One datagram received at second 'sec' with the samples 'add' writes, into the pcap. */
static void
datagram(struct fixture *fx, long sec, void (*add)(struct wbuf *, void *), void *arg)
{
    static const uint8_t lo[4] = { 127, 0, 0, 1 };
    uint8_t body[4096], pkt[4200];
    struct sflow_addr agent = { .type = SFLOW_ADDR_IP4, .a = { 127, 0, 0, 1 } };
    struct pcap_pkthdr h = { .ts = { .tv_sec = sec } };
    struct wbuf w, ip;
    size_t dg;

    wbuf_init(&w, body, sizeof(body));
    dg = sflow_enc_datagram_begin(&w, &agent, 0, ++fx->seq, 0);
    add(&w, arg);
    assert_int_equal(sflow_enc_datagram_end(&w, dg), 0);
    wbuf_init(&ip, pkt, sizeof(pkt));
    assert_int_equal(udpip_build(&ip, 0, lo, lo, 40000, 40001, body, w.size), 0);
    h.caplen = h.len = (bpf_u_int32)ip.size;
    pcap_dump((u_char *)fx->dump, &h, pkt);
}

struct flow_smp {
    uint32_t ds, input, pool, drops;
    uint32_t src, dst;
    uint16_t sport, dport;
};

static void
add_flow_sample(struct wbuf *w, void *arg)
{
    const struct flow_smp *f = arg;
    struct sflow_sample smp = { .tag = SFLOW_TAG(0, SFLOW_FLOW_SAMPLE_EXPANDED), .ds_index = f->ds,
        .sampling_rate = RATE, .sample_pool = f->pool, .drops = f->drops, .input = f->input };
    uint8_t hdr[64];
    size_t s = sflow_enc_sample_begin(w, &smp);

    frame(hdr, f->src, f->dst, f->sport, f->dport);
    /* 4 bytes of FCS in the frame's length, stripped from the header. */
    assert_int_equal(sflow_enc_header(w, PKT_PROTO_ETHERNET, FRAME + 4, 4, hdr, sizeof(hdr)), 0);
    assert_int_equal(sflow_enc_sample_end(w, s), 0);
}

static void
add_counters(struct wbuf *w, void *arg)
{
    const uint32_t *in_discards = arg;
    const struct sflow_schema *sc = sflow_schema_find(SFLOW_TAG(0, SFLOW_CTR_GENERIC), 1);
    struct sflow_sample smp = { .tag = SFLOW_TAG(0, SFLOW_COUNTERS_SAMPLE_EXPANDED),
        .ds_index = IF_H1 };
    union sflow_value v[SFLOW_MAX_FIELDS];
    size_t s;

    assert_non_null(sc);
    memset(v, 0, sizeof(v));
    v[sflow_schema_field(sc, "ifIndex")].u = IF_H1;
    v[sflow_schema_field(sc, "ifInDiscards")].u = *in_discards;
    s = sflow_enc_sample_begin(w, &smp);
    assert_int_equal(sflow_enc_record(w, SFLOW_TAG(0, SFLOW_CTR_GENERIC), sc, v), 0);
    assert_int_equal(sflow_enc_sample_end(w, s), 0);
}

static int
setup(void **state)
{
    static struct fixture fx;
    static struct emu_flow flow;
    char err[256];
    int fd;

    memset(&fx, 0, sizeof(fx));
    if (topo_build(&fx.t, "single,2", err, sizeof(err)) != 0)
        return -1;
    fx.h1 = topo_host(&fx.t, 0);
    fx.h2 = topo_host(&fx.t, 1);
    fx.t.link[fx.t.node[fx.h1].uplink].b_ifindex = IF_H1;
    fx.t.link[fx.t.node[fx.h2].uplink].b_ifindex = IF_H2;
    flow = (struct emu_flow){ .src = fx.h1, .dst = fx.h2, .proto = FLOW_UDP, .sport = 5001,
        .dport = 5002, .size = FRAME, .sent_pkts = SAMPLES * RATE,
        .sent_bytes = (uint64_t)SAMPLES * RATE * FRAME, .rcvd_pkts = SAMPLES * RATE };
    fx.tr = (struct emu_traffic){ .flow = &flow, .nflows = 1 };
    snprintf(fx.path, sizeof(fx.path), "/tmp/test_emu_report.XXXXXX");
    if ((fd = mkstemp(fx.path)) < 0)
        return -1;
    close(fd);
    fx.dead = pcap_open_dead(DLT_RAW, 65535);
    if (fx.dead == NULL || (fx.dump = pcap_dump_open(fx.dead, fx.path)) == NULL)
        return -1;
    *state = &fx;
    return 0;
}

static int
teardown(void **state)
{
    struct fixture *fx = *state;

    pcap_close(fx->dead);
    unlink(fx->path);
    topo_free(&fx->t);
    return 0;
}

/* The report of 'fx' as JSON, with the datagrams from T_DURING on. */
static char *
report_json(struct fixture *fx)
{
    char *buf = NULL, err[256];
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    struct emu_report_opts o = { .datagrams_path = fx->path, .since = { .tv_sec = T_DURING },
        .sampling = RATE, .top = 1, .json = true, .out = f };

    assert_non_null(f);
    assert_int_equal(report_print(&fx->t, &fx->tr, &o, err, sizeof(err)), 0);
    fclose(f);
    return buf;
}

static void
expect(const char *json, const char *part)
{
    if (strstr(json, part) == NULL)
        fail_msg("%s not in %s", part, json);
}

static void
test_report(void **state)
{
    struct fixture *fx = *state;
    uint32_t ip1 = fx->t.node[fx->h1].ip, ip2 = fx->t.node[fx->h2].ip, disc;
    struct flow_smp f = { .ds = IF_H1, .input = IF_H1, .src = ip1, .dst = ip2, .sport = 5001,
        .dport = 5002 };
    char *json;

    /* Before the traffic: samples and discards that are not its own. */
    f.pool = 1;
    for (int i = 0; i < 10; i++)
        datagram(fx, T_BEFORE, add_flow_sample, &f);
    disc = 1000;
    datagram(fx, T_BEFORE, add_counters, &disc);
    /* The flow's samples at its entry: one every RATE packets of the pool. */
    for (int i = 0; i < SAMPLES; i++) {
        f.pool = (uint32_t)(i + 1) * RATE;
        f.drops = i < SAMPLES / 2 ? 0 : 2;      /* 2 x RATE packets lost before sampling. */
        datagram(fx, T_DURING + i / 10, add_flow_sample, &f);
    }
    disc = 3;
    datagram(fx, T_DURING, add_counters, &disc);
    disc = 8;
    datagram(fx, T_DURING + 9, add_counters, &disc);
    /* The same flow at h2's port, and others' traffic at h1's. */
    for (int i = 0; i < LATER; i++) {
        struct flow_smp g = f;

        g.ds = g.input = IF_H2;
        g.pool = (uint32_t)(i + 1) * RATE;
        datagram(fx, T_DURING + 1, add_flow_sample, &g);
    }
    for (int i = 0; i < OTHER; i++) {
        struct flow_smp g = f;

        g.sport = 7;
        datagram(fx, T_DURING + 1, add_flow_sample, &g);
    }
    pcap_dump_flush(fx->dump);
    json = report_json(fx);
    /* Samples x rate: 100 x 64 packets of 500 bytes (frame length less the FCS). */
    expect(json, "\"true_packets\":6400,\"true_bytes\":3200000,");
    expect(json, "\"samples\":100,\"est_packets\":6400,\"est_bytes\":3200000,"
        "\"err_packets_pct\":0.000,\"err_bytes_pct\":0.000,");
    /*
     * The pool: it grew 6400 - 64 over the port's samples after the first
     * (100 of the flow's and 5 others', less the one that carries the
     * lowest pool): 6336 / 104 packets per sample, times the flow's 100.
     * Had the datagrams before the traffic counted, the pool would start
     * at 1 and the discards at 1000.
     */
    expect(json, "\"est_packets_pool\":6092,");
    expect(json, "\"samples_at_later_hops\":20,\"samples_unmatched\":5,");
    /* Discards 3 -> 8 and sampled drops 0 -> 2 (x 64): the larger, 128. */
    expect(json, "\"port_drops\":[{\"port\":\"");
    expect(json, "\"ifindex\":10,\"drops\":128,\"discards\":5,\"sample_drops\":2}");
    free(json);
    pcap_dump_close(fx->dump);
    fx->dump = NULL;
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_report),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
