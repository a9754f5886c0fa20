/*
 * agent datagram assembly: size limit, a sample that does not fit goes to
 * the next datagram (the first is cut at the last sample boundary), every
 * datagram decodes, per-collector sequence numbers through the sender.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../../agent/datagram.h"
#include "../../agent/records.h"
#include "../../agent/sender.h"
#include "sflow_decode.h"

struct sink {
    int n;
    size_t len[64];
    uint32_t samples[64];
    uint32_t uptime[64];
};

static void
sink_out(void *ctx, uint8_t *buf, size_t len, size_t seq_off)
{
    struct sink *s = ctx;
    static struct sflow_datagram dg;

    (void)seq_off;
    assert_true(s->n < 64);
    assert_int_equal(sflow_decode(buf, len, &dg), SFLOW_OK);
    s->len[s->n] = len;
    s->samples[s->n] = dg.n_samples;
    s->uptime[s->n] = dg.uptime;
    s->n++;
}

static struct sflow_addr
agent_addr(void)
{
    struct sflow_addr a;

    memset(&a, 0, sizeof(a));
    a.type = SFLOW_ADDR_IP4;
    a.a[0] = 10;
    a.a[3] = 1;
    return a;
}

static void
flow_sample(struct sflow_sample *smp, struct records_flow *fl, uint8_t *hdr, uint32_t seq)
{
    memset(smp, 0, sizeof(*smp));
    smp->tag = SFLOW_TAG(0, SFLOW_FLOW_SAMPLE_EXPANDED);
    smp->seq = seq;
    smp->ds_index = 3;
    smp->sampling_rate = 256;
    smp->sample_pool = seq * 256;
    smp->input = 3;
    smp->output = 4;
    memset(fl, 0, sizeof(*fl));
    memset(hdr, 0xab, 128);
    fl->header_protocol = 1;
    fl->frame_length = 1518;
    fl->stripped = 4;
    fl->header = hdr;
    fl->header_len = 128;
}

static void
test_size_limit(void **state)
{
    static struct dgram d;
    struct sink s = { 0 };
    struct sflow_addr a = agent_addr();
    struct sflow_sample smp;
    struct records_flow fl;
    uint8_t hdr[128];
    uint32_t total = 0;

    (void)state;
    assert_int_equal(dgram_init(&d, &a, 0, 1400, 1000, sink_out, &s), 0);
    for (uint32_t i = 1; i <= 40; i++) {
        flow_sample(&smp, &fl, hdr, i);
        assert_int_equal(dgram_add(&d, &smp, records_flow, &fl, 2000 + i), 0);
    }
    dgram_flush(&d, 3000);
    /* 8 + 44 + (8 + 16 + 128) + (8 + 16) = 228 bytes a sample: 6 after the 28-byte header. */
    assert_int_equal(s.n, 7);
    for (int i = 0; i < s.n; i++) {
        assert_true(s.len[i] <= 1400);
        total += s.samples[i];
    }
    assert_int_equal(total, 40);
    assert_int_equal(s.samples[0], 6);
    assert_int_equal(s.len[0], 28 + 6 * 228);
    assert_int_equal(s.samples[6], 4);
    assert_int_equal(s.uptime[s.n - 1], 2000);
    assert_int_equal(d.datagrams, 7);
    assert_int_equal(d.samples, 40);
    /* Nothing open: flushing again sends nothing. */
    dgram_flush(&d, 3000);
    assert_int_equal(s.n, 7);
}

static int
write_huge(struct wbuf *w, void *arg)
{
    (void)arg;
    wbuf_put_zeros(w, 2000);
    return w->error;
}

/* A sample larger than a datagram is dropped and counted; the open datagram is kept. */
static void
test_too_big(void **state)
{
    static struct dgram d;
    struct sink s = { 0 };
    struct sflow_addr a = agent_addr();
    struct sflow_sample smp;
    struct records_flow fl;
    uint8_t hdr[128];

    (void)state;
    assert_int_equal(dgram_init(&d, &a, 0, 1400, 0, sink_out, &s), 0);
    flow_sample(&smp, &fl, hdr, 1);
    assert_int_equal(dgram_add(&d, &smp, records_flow, &fl, 10), 0);
    assert_int_equal(dgram_add(&d, &smp, write_huge, NULL, 10), EMSGSIZE);
    assert_int_equal(d.too_big, 1);
    /* The open datagram was sent to make room; then the big sample failed alone. */
    assert_int_equal(s.n, 1);
    assert_int_equal(s.samples[0], 1);
    assert_false(dgram_stale(&d, 5000, 1000));
    assert_int_equal(dgram_add(&d, &smp, records_flow, &fl, 20), 0);
    assert_false(dgram_stale(&d, 500, 1000));
    assert_true(dgram_stale(&d, 1020, 1000));
    dgram_flush(&d, 1020);
    assert_int_equal(s.n, 2);
    assert_int_equal(dgram_init(&d, &a, 0, 100, 0, sink_out, &s), EINVAL);
    assert_int_equal(dgram_init(&d, &a, 0, 9000, 0, sink_out, &s), EINVAL);
}

static void
test_counters_record(void **state)
{
    static struct dgram d;
    struct sink s = { 0 };
    struct sflow_addr a = agent_addr();
    struct sflow_sample smp;
    struct records_port rp;

    (void)state;
    assert_int_equal(dgram_init(&d, &a, 0, 1400, 0, sink_out, &s), 0);
    records_port_unknown(&rp);
    rp.ifindex = 7;
    snprintf(rp.name, sizeof(rp.name), "veth7");
    memset(&smp, 0, sizeof(smp));
    smp.tag = SFLOW_TAG(0, SFLOW_COUNTERS_SAMPLE_EXPANDED);
    smp.seq = 1;
    smp.ds_index = 7;
    assert_int_equal(dgram_add(&d, &smp, records_port_counters, &rp, 1), 0);
    dgram_flush(&d, 2);
    assert_int_equal(s.n, 1);
    /* 28 + 8 + 16 + (8 + 88) + (8 + 52) + (8 + 4 + 8) */
    assert_int_equal(s.len[0], 28 + 8 + 16 + 96 + 60 + 20);
}

/* Two collectors on loopback, each with its own sequence 1, 2, 3. */
static void
test_sequence_per_collector(void **state)
{
    static struct dgram d;
    struct sender snd;
    struct sflow_addr a = agent_addr();
    struct sflow_sample smp;
    struct records_flow fl;
    struct sockaddr_in sin;
    socklen_t sl = sizeof(sin);
    uint8_t hdr[128], buf[2000];
    static struct sflow_datagram dg;
    int fd[2];
    char spec[64];

    (void)state;
    sender_init(&snd);
    for (int i = 0; i < 2; i++) {
        fd[i] = socket(AF_INET, SOCK_DGRAM, 0);
        assert_true(fd[i] >= 0);
        memset(&sin, 0, sizeof(sin));
        sin.sin_family = AF_INET;
        sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        assert_int_equal(bind(fd[i], (struct sockaddr *)&sin, sizeof(sin)), 0);
        sl = sizeof(sin);
        assert_int_equal(getsockname(fd[i], (struct sockaddr *)&sin, &sl), 0);
        snprintf(spec, sizeof(spec), "127.0.0.1:%u", ntohs(sin.sin_port));
        assert_int_equal(sender_add(&snd, spec), 0);
    }
    /* The second collector has sent 10 already (as after a reload that kept it). */
    snd.dst[1].seq = 10;
    assert_int_equal(dgram_init(&d, &a, 0, 1400, 0, sender_output, &snd), 0);
    for (uint32_t i = 1; i <= 3; i++) {
        flow_sample(&smp, &fl, hdr, i);
        assert_int_equal(dgram_add(&d, &smp, records_flow, &fl, i), 0);
        dgram_flush(&d, i);
    }
    for (int c = 0; c < 2; c++)
        for (uint32_t i = 1; i <= 3; i++) {
            ssize_t n = recv(fd[c], buf, sizeof(buf), 0);

            assert_true(n > 0);
            assert_int_equal(sflow_decode(buf, (size_t)n, &dg), SFLOW_OK);
            assert_int_equal(dg.seq, c == 0 ? i : 10 + i);
            assert_int_equal(dg.samples[0].seq, i);
        }
    assert_int_equal(snd.dst[0].sent, 3);
    sender_close(&snd);
    close(fd[0]);
    close(fd[1]);
}

static void
test_sender_specs(void **state)
{
    struct sender snd;

    (void)state;
    sender_init(&snd);
    assert_int_equal(sender_add(&snd, "127.0.0.1"), 0);
    assert_int_equal(ntohs(((struct sockaddr_in *)&snd.dst[0].ss)->sin_port), 6343);
    assert_int_equal(sender_add(&snd, "[::1]:7000"), 0);
    assert_int_equal(ntohs(((struct sockaddr_in6 *)&snd.dst[1].ss)->sin6_port), 7000);
    assert_int_equal(sender_add(&snd, "::1"), 0);
    assert_int_equal(sender_add(&snd, "127.0.0.1:0"), EINVAL);
    assert_int_equal(sender_add(&snd, "127.0.0.1:x"), EINVAL);
    assert_int_equal(sender_add(&snd, ":6343"), EINVAL);
    assert_int_equal(sender_add(&snd, "[::1"), EINVAL);
    sender_close(&snd);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_size_limit),
        cmocka_unit_test(test_too_big),
        cmocka_unit_test(test_counters_record),
        cmocka_unit_test(test_sequence_per_collector),
        cmocka_unit_test(test_sender_specs),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
