/*
 * agent sampler: the skip counter converges to 1-in-N with skips spread
 * over [1, 2N-1]; rate 1 takes every packet; packets lost before the
 * sampler saw them join the pool and mark drops exactly where samples
 * would have been; the kernel filter has the expected shape.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "../../agent/sampler.h"

static void
test_rate_one(void **state)
{
    struct sampler sp;

    (void)state;
    sampler_init(&sp, 1, 42);
    for (int i = 0; i < 1000; i++)
        assert_true(sampler_take(&sp));
    assert_int_equal(sp.pool, 1000);
}

static void
test_rate_zero(void **state)
{
    struct sampler sp;

    (void)state;
    sampler_init(&sp, 0, 42);
    for (int i = 0; i < 1000; i++)
        assert_false(sampler_take(&sp));
    assert_int_equal(sp.pool, 1000);
}

/* Mean skip N within 5 sigma; every skip in [1, 2N-1], both ends reached. */
static void
test_skip_mean(void **state)
{
    const uint32_t rates[] = { 2, 10, 256, 100000 };

    (void)state;
    for (size_t r = 0; r < sizeof(rates) / sizeof(rates[0]); r++) {
        uint32_t n = rates[r], lo = UINT32_MAX, hi = 0;
        struct sampler sp;
        const int samples = 20000;
        double sum = 0, mean, sd;

        sampler_init(&sp, n, 7 + r);
        for (int i = 0; i < samples; i++) {
            uint32_t s = sampler_next_skip(&sp);

            assert_true(s >= 1 && s <= 2 * n - 1);
            lo = s < lo ? s : lo;
            hi = s > hi ? s : hi;
            sum += s;
        }
        mean = sum / samples;
        /* Uniform on [1, 2N-1]: variance ((2N-1)^2 - 1) / 12. */
        sd = sqrt((((double)2 * n - 1) * (2 * n - 1) - 1) / 12 / samples);
        assert_true(fabs(mean - n) <= 5 * sd + 1e-9);
        if (n <= 10) {
            assert_int_equal(lo, 1);
            assert_int_equal(hi, 2 * n - 1);
        }
    }
}

/* Packets / samples converges to N through sampler_take() itself. */
static void
test_take_converges(void **state)
{
    struct sampler sp;
    const uint32_t n = 64;
    const uint64_t packets = 2000000;
    uint64_t taken = 0;
    double expect, sd;

    (void)state;
    sampler_init(&sp, n, 0);        /* Seeded by getrandom(). */
    for (uint64_t i = 0; i < packets; i++)
        taken += sampler_take(&sp);
    assert_int_equal(sp.pool, packets);
    expect = (double)packets / n;
    sd = sqrt(expect);
    assert_true(fabs((double)taken - expect) <= 6 * sd);
}

/* Independent instances: same rate, different seeds, different sequences. */
static void
test_independent(void **state)
{
    struct sampler a, b;
    int same = 0;

    (void)state;
    sampler_init(&a, 1000, 1);
    sampler_init(&b, 1000, 2);
    for (int i = 0; i < 100; i++)
        same += sampler_next_skip(&a) == sampler_next_skip(&b);
    assert_true(same < 5);
}

static void
test_bpf(void **state)
{
    struct sock_filter prog[16];
    size_t n;

    (void)state;
    n = sampler_bpf(256, 128, prog, 16);
    assert_int_equal(n, 7);
    assert_int_equal(prog[2].k, (uint32_t)(SKF_AD_OFF + SKF_AD_RANDOM));
    assert_int_equal(prog[3].code, BPF_ALU | BPF_MOD | BPF_K);
    assert_int_equal(prog[3].k, 256);
    assert_int_equal(prog[5].code, BPF_RET | BPF_K);
    assert_int_equal(prog[5].k, 128);
    assert_int_equal(prog[6].k, 0);
    /* Rate 1: no random draw, every incoming packet passes. */
    n = sampler_bpf(1, 128, prog, 16);
    assert_int_equal(n, 4);
    for (size_t i = 0; i < n; i++)
        assert_int_not_equal(prog[i].k, (uint32_t)(SKF_AD_OFF + SKF_AD_RANDOM));
    assert_int_equal(sampler_bpf(0, 128, prog, 16), 0);
    assert_int_equal(sampler_bpf(8, 128, prog, 3), 0);
}

/*
 * A port where bursts of packets are lost before the sampler sees them
 * (a full socket buffer): the pool counts every packet that arrived, and
 * with the same seed the samples taken plus the drops are exactly the
 * samples a sampler that saw every packet takes, so lost packets mark
 * drops where samples would have been.
 */
static void
test_lost(void **state)
{
    struct sampler all, part;
    uint64_t arrived = 0, taken_all = 0, taken_part = 0, lost = 0;
    uint32_t x = 12345;

    (void)state;
    sampler_init(&all, 64, 99);
    sampler_init(&part, 64, 99);
    for (int round = 0; round < 20000; round++) {
        /* Runs of 1..100 packets, a third of them lost. */
        uint32_t run;
        bool gone;

        x = x * 1103515245u + 12345u;
        run = 1 + (x >> 16) % 100;
        gone = (x >> 8) % 3 == 0;
        for (uint32_t i = 0; i < run; i++)
            taken_all += sampler_take(&all);
        if (gone) {
            sampler_lost(&part, run);
            lost += run;
        } else {
            for (uint32_t i = 0; i < run; i++)
                taken_part += sampler_take(&part);
        }
        arrived += run;
    }
    assert_true(lost > arrived / 4);
    assert_int_equal(part.pool, arrived);
    assert_int_equal(all.pool, arrived);
    assert_int_equal(taken_part + part.drops, taken_all);
    /* About a third of the marks fell on lost packets. */
    assert_true(part.drops * 4 > taken_all && part.drops * 5 < taken_all * 2);
}

/*
 * The switch reads its drop counter whenever it likes (before a sample,
 * every second): lost packets counted in pieces leave the sampler exactly
 * as counted at once, and the pool is the packets read plus those lost.
 */
static void
test_lost_pieces(void **state)
{
    struct sampler once, pieces;
    uint64_t lost = 0, read = 0;
    uint32_t x = 777;

    (void)state;
    sampler_init(&once, 16, 3);
    sampler_init(&pieces, 16, 3);
    for (int round = 0; round < 5000; round++) {
        uint64_t n = 0;

        x = x * 1103515245u + 12345u;
        /* Drops read in 1..4 reads of 0..999 packets each. */
        for (uint32_t k = 0, reads = 1 + (x >> 4) % 4; k < reads; k++) {
            uint64_t m = (x >> (8 + k)) % 1000;

            sampler_lost(&pieces, m);
            n += m;
        }
        sampler_lost(&once, n);
        lost += n;
        for (uint32_t i = 0, run = (x >> 20) % 50; i < run; i++, read++)
            assert_int_equal(sampler_take(&once), sampler_take(&pieces));
        assert_int_equal(once.skip, pieces.skip);
        assert_int_equal(once.drops, pieces.drops);
    }
    assert_int_equal(pieces.pool, read + lost);
    assert_int_equal(once.pool, pieces.pool);
}

/* Rate 1: every lost packet is a drop; rate 0: the pool only. */
static void
test_lost_edges(void **state)
{
    struct sampler sp;

    (void)state;
    sampler_init(&sp, 1, 5);
    sampler_lost(&sp, 1000);
    assert_int_equal(sp.drops, 1000);
    assert_int_equal(sp.pool, 1000);
    assert_true(sampler_take(&sp));
    sampler_lost(&sp, 0);
    assert_true(sampler_take(&sp));
    assert_int_equal(sp.pool, 1002);
    sampler_init(&sp, 0, 5);
    sampler_lost(&sp, 77);
    assert_int_equal(sp.drops, 0);
    assert_int_equal(sp.pool, 77);
    assert_false(sampler_take(&sp));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rate_one),
        cmocka_unit_test(test_rate_zero),
        cmocka_unit_test(test_skip_mean),
        cmocka_unit_test(test_take_converges),
        cmocka_unit_test(test_independent),
        cmocka_unit_test(test_lost),
        cmocka_unit_test(test_lost_pieces),
        cmocka_unit_test(test_lost_edges),
        cmocka_unit_test(test_bpf),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
