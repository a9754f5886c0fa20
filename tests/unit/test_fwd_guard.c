/* fwd_guard: -f targets that are this collector, and datagrams that come back. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "../../collector/fwd_guard.h"

static struct sockaddr_storage ss;

/* 'host' (numeric) and 'port' as a socket address. */
static const struct sockaddr *
sa(const char *host, uint16_t port)
{
    struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
    struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

    memset(&ss, 0, sizeof(ss));
    if (inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
        sin->sin_family = AF_INET;
        sin->sin_port = htons(port);
    } else {
        assert_int_equal(inet_pton(AF_INET6, host, &sin6->sin6_addr), 1);
        sin6->sin6_family = AF_INET6;
        sin6->sin6_port = htons(port);
    }
    return (const struct sockaddr *)&ss;
}

static void
test_self(void **state)
{
    struct config cfg;

    (void)state;
    memset(&cfg, 0, sizeof(cfg));
    cfg.port = 6343;
    cfg.family = AF_UNSPEC;
    /* Listening on every address: loopback, unspecified, mapped are all us. */
    assert_true(fwd_guard_is_self(&cfg, sa("127.0.0.1", 6343)));
    assert_true(fwd_guard_is_self(&cfg, sa("127.3.2.1", 6343)));
    assert_true(fwd_guard_is_self(&cfg, sa("0.0.0.0", 6343)));
    assert_true(fwd_guard_is_self(&cfg, sa("::1", 6343)));
    assert_true(fwd_guard_is_self(&cfg, sa("::ffff:127.0.0.1", 6343)));
    assert_false(fwd_guard_is_self(&cfg, sa("127.0.0.1", 6344)));
    assert_false(fwd_guard_is_self(&cfg, sa("192.0.2.1", 6343)));
    /* -4 does not hear IPv6, -6 does not hear IPv4. */
    cfg.family = AF_INET;
    assert_false(fwd_guard_is_self(&cfg, sa("::1", 6343)));
    cfg.family = AF_INET6;
    assert_false(fwd_guard_is_self(&cfg, sa("127.0.0.1", 6343)));
    assert_true(fwd_guard_is_self(&cfg, sa("::1", 6343)));
    /* -b one address: only that one. */
    cfg.family = AF_UNSPEC;
    cfg.bind_addr = "127.0.0.2";
    assert_true(fwd_guard_is_self(&cfg, sa("127.0.0.2", 6343)));
    assert_false(fwd_guard_is_self(&cfg, sa("127.0.0.1", 6343)));
    cfg.bind_addr = "0.0.0.0";
    assert_true(fwd_guard_is_self(&cfg, sa("127.0.0.1", 6343)));
    /* Reading a capture, nothing listens. */
    cfg.bind_addr = NULL;
    cfg.file = "x.pcap";
    assert_false(fwd_guard_is_self(&cfg, sa("127.0.0.1", 6343)));
}

static void
test_seen(void **state)
{
    static struct fwd_guard g;
    static struct sflow_datagram dg;
    static const uint8_t raw[8] = { 0, 0, 0, 4, 1, 2, 3, 4 };
    uint32_t seq;

    (void)state;
    memset(&dg, 0, sizeof(dg));
    dg.stage = 2;
    dg.agent.type = SFLOW_ADDR_IP4;
    dg.agent.a[0] = 10;
    dg.uptime = 5000;
    for (seq = 1; seq <= 100; seq++) {
        dg.seq = seq;
        assert_false(fwd_guard_seen(&g, raw, 1400, &dg));
    }
    /* The same datagrams again: all recognised. */
    for (seq = 1; seq <= 100; seq++) {
        dg.seq = seq;
        assert_true(fwd_guard_seen(&g, raw, 1400, &dg));
    }
    /* The agent restarted (another uptime): the same numbers are new. */
    dg.uptime = 10;
    dg.seq = 1;
    assert_false(fwd_guard_seen(&g, raw, 1400, &dg));
    /* Another length, another sub-agent: new. */
    dg.seq = 2;
    assert_false(fwd_guard_seen(&g, raw, 1300, &dg));
    dg.sub_agent_id = 1;
    assert_false(fwd_guard_seen(&g, raw, 1300, &dg));
    /* Not sFlow v5: by its bytes. */
    dg.stage = 1;
    assert_false(fwd_guard_seen(&g, raw, sizeof(raw), &dg));
    assert_true(fwd_guard_seen(&g, raw, sizeof(raw), &dg));
    assert_false(fwd_guard_seen(&g, raw, 4, &dg));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_self),
        cmocka_unit_test(test_seen),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
