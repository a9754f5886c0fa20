/*
 * netflow_cache: the switch's bounded NetFlow flow cache: packets of one
 * flow add up, the idle and active timeouts and a full cache hand flows
 * out (the oldest first, counted), and whatever happens no packet or byte
 * is lost or counted twice.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "netflow_cache.h"

#define MAX_OUT 100000

static struct nfc_flow out[MAX_OUT];
static size_t n_out;

static void
collect(void *ctx, const struct nfc_flow *f)
{
    (void)ctx;
    assert_true(n_out < MAX_OUT);
    out[n_out++] = *f;
}

static struct nfc_key
key(uint32_t src, uint16_t sport)
{
    struct nfc_key k;

    memset(&k, 0, sizeof(k));
    k.src = src;
    k.dst = 0x0a000002;
    k.sport = sport;
    k.dport = 80;
    k.in = 1;
    k.out = 2;
    k.proto = 6;
    return k;
}

static void
test_aggregate(void **state)
{
    struct nfc c;
    struct nfc_key a = key(0x0a000001, 1000), b = key(0x0a000001, 1001);

    (void)state;
    n_out = 0;
    assert_int_equal(nfc_init(&c, 16, 60000, 10000, collect, NULL), 0);
    nfc_count(&c, &a, 1, 100, 0x02, 1000);
    nfc_count(&c, &a, 3, 300, 0x10, 1500);
    nfc_count(&c, &b, 1, 60, 0x02, 1200);
    assert_int_equal(c.n, 2);
    nfc_expire(&c, 5000);
    assert_int_equal(n_out, 0);
    nfc_flush(&c);
    assert_int_equal(n_out, 2);
    assert_int_equal(c.n, 0);
    /* The flow that started first comes out first. */
    assert_memory_equal(&out[0].key, &a, sizeof(a));
    assert_int_equal(out[0].packets, 4);
    assert_int_equal(out[0].bytes, 400);
    assert_int_equal(out[0].tcp_flags, 0x12);
    assert_int_equal(out[0].first_ms, 1000);
    assert_int_equal(out[0].last_ms, 1500);
    assert_int_equal(out[1].packets, 1);
    assert_int_equal(out[1].bytes, 60);
    nfc_destroy(&c);
}

static void
test_timeouts(void **state)
{
    struct nfc c;
    struct nfc_key idle = key(1, 1), busy = key(2, 2);

    (void)state;
    n_out = 0;
    assert_int_equal(nfc_init(&c, 16, 30000, 10000, collect, NULL), 0);
    nfc_count(&c, &idle, 1, 100, 0, 0);
    for (uint64_t t = 0; t < 10000; t += 1000)
        nfc_count(&c, &busy, 1, 100, 0, t);
    nfc_expire(&c, 9999);
    assert_int_equal(n_out, 0);
    nfc_expire(&c, 10000);              /* Idle for 10 s. */
    assert_int_equal(n_out, 1);
    assert_memory_equal(&out[0].key, &idle, sizeof(idle));
    for (uint64_t t = 10000; t < 30000; t += 1000)
        nfc_count(&c, &busy, 1, 100, 0, t);
    nfc_expire(&c, 29999);
    assert_int_equal(n_out, 1);
    nfc_expire(&c, 30000);              /* Active for 30 s, though busy. */
    assert_int_equal(n_out, 2);
    assert_memory_equal(&out[1].key, &busy, sizeof(busy));
    assert_int_equal(out[1].packets, 30);
    /* Its next packet starts a new record. */
    nfc_count(&c, &busy, 1, 100, 0, 30000);
    assert_int_equal(c.n, 1);
    nfc_flush(&c);
    assert_int_equal(out[2].packets, 1);
    assert_int_equal(out[2].first_ms, 30000);
    nfc_destroy(&c);
}

static void
test_full(void **state)
{
    struct nfc c;

    (void)state;
    n_out = 0;
    assert_int_equal(nfc_init(&c, 4, 60000, 60000, collect, NULL), 0);
    for (uint32_t i = 0; i < 4; i++) {
        struct nfc_key k = key(i, 7);

        nfc_count(&c, &k, 1, 10, 0, i);
    }
    assert_int_equal(c.n, 4);
    assert_int_equal(n_out, 0);
    {
        struct nfc_key k = key(99, 7), first = key(0, 7);

        nfc_count(&c, &k, 1, 10, 0, 10);
        assert_int_equal(c.full_flushes, 1);
        assert_int_equal(n_out, 1);
        assert_memory_equal(&out[0].key, &first, sizeof(first));
        assert_int_equal(c.n, 4);
    }
    nfc_flush(&c);
    assert_int_equal(n_out, 5);
    nfc_destroy(&c);
}

/* Many flows through a small cache: every packet and byte comes out once. */
static void
test_conservation(void **state)
{
    struct nfc c;
    uint64_t pk = 0, by = 0, opk = 0, oby = 0;
    uint32_t x = 12345;

    (void)state;
    n_out = 0;
    assert_int_equal(nfc_init(&c, 64, 5000, 2000, collect, NULL), 0);
    for (uint64_t t = 0; t < 50000; t++) {
        struct nfc_key k;
        uint32_t b;

        x = x * 1103515245u + 12345u;
        k = key(x >> 24, (uint16_t)(x >> 8 & 0x3ff));
        b = 60 + (x >> 4) % 1400;
        nfc_count(&c, &k, 1 + (x & 3), b, 0, t / 10);
        pk += 1 + (x & 3);
        by += b;
        if (t % 1000 == 0)
            nfc_expire(&c, t / 10);
        assert_true(c.n <= 64);
    }
    nfc_flush(&c);
    for (size_t i = 0; i < n_out; i++) {
        opk += out[i].packets;
        oby += out[i].bytes;
    }
    assert_int_equal(opk, pk);
    assert_int_equal(oby, by);
    assert_true(c.full_flushes > 0);
    nfc_destroy(&c);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_aggregate),
        cmocka_unit_test(test_timeouts),
        cmocka_unit_test(test_full),
        cmocka_unit_test(test_conservation),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
