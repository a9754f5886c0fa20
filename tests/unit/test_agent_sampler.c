/*
 * agent sampler: the skip counter converges to 1-in-N with skips spread
 * over [1, 2N-1]; rate 1 takes every packet; the kernel filter has the
 * expected shape.
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

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rate_one),
        cmocka_unit_test(test_rate_zero),
        cmocka_unit_test(test_skip_mean),
        cmocka_unit_test(test_take_converges),
        cmocka_unit_test(test_independent),
        cmocka_unit_test(test_bpf),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
