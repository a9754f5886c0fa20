/*
 * The formatters of convert/fmt.h and the buffer of convert/obuf.h,
 * against printf: decimal at every length and around every power of ten,
 * the sampled header's hex dump at every length up to 256 bytes (in a
 * buffer of exactly the size the walk reserves, so that ASan sees a byte
 * too many), its vector loop against its scalar one, addresses, and a
 * buffer that grows.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "obuf.h"

static void
check_u64(uint64_t v)
{
    char want[32];
    /* At most FMT_U64_MAX bytes, no more: ASan checks. */
    char *exact = malloc(FMT_U64_MAX);
    size_t n;

    assert_non_null(exact);
    snprintf(want, sizeof(want), "%llu", (unsigned long long)v);
    n = (size_t)(fmt_u64(exact, v) - exact);
    assert_int_equal(n, strlen(want));
    assert_memory_equal(exact, want, n);
    free(exact);
}

static void
test_u64(void **state)
{
    uint64_t p, v;
    int i;

    (void)state;
    check_u64(0);
    check_u64(UINT32_MAX);
    check_u64((uint64_t)UINT32_MAX + 1);
    check_u64(UINT64_MAX);
    /* Both sides of every power of ten, and every 2^k - 1, 2^k. */
    for (p = 1, i = 0; i < 20; i++, p *= 10) {
        check_u64(p);
        check_u64(p - 1);
        check_u64(p + 1);
    }
    for (i = 0; i < 64; i++) {
        check_u64((uint64_t)1 << i);
        check_u64(((uint64_t)1 << i) - 1);
    }
    /* A fixed pseudo-random sweep (xorshift), shifted to every length. */
    for (v = 88172645463325252ULL, i = 0; i < 200000; i++) {
        v ^= v << 13;
        v ^= v >> 7;
        v ^= v << 17;
        check_u64(v >> (i % 64));
    }
}

static void
test_s64(void **state)
{
    static const int64_t vals[] = {
        0, -1, 1, -9, -10, -99, -100, INT64_MIN, INT64_MAX, -2147483648LL,
    };
    char got[FMT_S64_MAX + 1], want[32];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
        *fmt_s64(got, vals[i]) = '\0';
        snprintf(want, sizeof(want), "%lld", (long long)vals[i]);
        assert_string_equal(got, want);
    }
}

static void
test_hex_dash(void **state)
{
    uint8_t bytes[256];
    char want[3 * 256 + 1];
    size_t k, j, n, o;
    char *buf;

    (void)state;
    for (k = 0; k < sizeof(bytes); k++)
        bytes[k] = (uint8_t)(k * 37 + 11);
    for (k = 0; k <= sizeof(bytes); k++) {
        /* Sized as the walk reserves: 3 per byte, the last dash being the slack. */
        buf = malloc(3 * k + 1);
        assert_non_null(buf);
        n = (size_t)(fmt_hex_dash(buf, bytes, k) - buf);
        for (j = 0, o = 0; j < k; j++)
            o += (size_t)snprintf(want + o, sizeof(want) - o, j ? "-%02X" : "%02X", bytes[j]);
        assert_int_equal(n, o);
        assert_memory_equal(buf, want, n);
        free(buf);
    }
}

/*
 * The vector loop against the scalar one, the reference, on random bytes
 * at every length and offset up to 3 x 16 + 15: on a machine without
 * SSSE3 fmt_simd_hex_dash() takes nothing and the two are the same loop.
 */
static void
test_hex_dash_simd(void **state)
{
    uint8_t bytes[80];
    char scalar[3 * 80 + 1], *simd;
    size_t k, off, n, done;
    uint32_t x = 2463534242u;

    (void)state;
    for (k = 0; k < sizeof(bytes); k++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        bytes[k] = (uint8_t)x;
    }
    for (off = 0; off < 16; off++) {
        for (k = 0; k + off <= 64; k++) {
            simd = malloc(3 * k + 1);
            assert_non_null(simd);
            n = (size_t)(fmt_hex_dash(simd, bytes + off, k) - simd);
            assert_int_equal(n, (size_t)(fmt_hex_dash_scalar(scalar, bytes + off, k) - scalar));
            assert_memory_equal(simd, scalar, n);
            done = fmt_simd_hex_dash(simd, bytes + off, k);
            assert_true(done % 16 == 0 && done <= k);
            fmt_hex_dash_scalar(scalar, bytes + off, k);
            assert_memory_equal(simd, scalar, 3 * done);
            free(simd);
        }
    }
}

static void
test_addresses(void **state)
{
    static const uint8_t ip6[16] = {
        0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0xab, 0xcd, 0, 1,
    };
    static const uint8_t mac[6] = { 0x00, 0x1b, 0x21, 0xfa, 0x0c, 0xa7 };
    char buf[64], want[20];
    unsigned int v;

    (void)state;
    /* Every byte value in every position, against printf. */
    for (v = 0; v < 256; v++) {
        const uint8_t a[4] = { (uint8_t)v, (uint8_t)(255 - v), (uint8_t)(v * 7), (uint8_t)v };

        snprintf(want, sizeof(want), "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
        *fmt_ipv4(buf, a) = '\0';
        assert_string_equal(buf, want);
    }
    *fmt_ipv6(buf, ip6) = '\0';
    assert_string_equal(buf, "2001:0db8:0000:0000:0000:0000:abcd:0001");
    *fmt_hex_lower(buf, mac, 6) = '\0';
    assert_string_equal(buf, "001b21fa0ca7");
    *fmt_hex_u32(buf, 0xabc01) = '\0';
    assert_string_equal(buf, "abc01");
    *fmt_hex_u32(buf, 0) = '\0';
    assert_string_equal(buf, "0");
    *fmt_hex_u32(buf, 0xfedcba98) = '\0';
    assert_string_equal(buf, "fedcba98");
    *fmt_tag(buf, (4300u << 12) | 2) = '\0';
    assert_string_equal(buf, "4300:2");
}

/* fmt.h's writers at obuf_reserve(), as the renderers use them. */
static void
put_line(struct obuf *b, size_t i, const uint8_t *a4)
{
    char *p = obuf_reserve(b, FMT_U64_MAX + FMT_S64_MAX + FMT_IPV4_MAX + 2);

    assert_non_null(p);
    p = fmt_u64(p, i);
    *p++ = ' ';
    p = fmt_s64(p, -(int64_t)i);
    *p++ = ' ';
    obuf_end(b, fmt_ipv4(p, a4));
}

/* Appends across the first allocation and several growths. */
static void
test_obuf(void **state)
{
    struct obuf b = OBUF_INITIALIZER;
    static const uint8_t a4[4] = { 192, 0, 2, 1 };
    char want[64];
    size_t i, n = 0;

    (void)state;
    for (i = 0; i < 50000; i++) {
        put_line(&b, i, a4);
        obuf_put(&b, " ", 1);
        obuf_put(&b, "x\n", 2);
        n += (size_t)snprintf(want, sizeof(want), "%zu %lld 192.0.2.1 x\n", i, -(long long)i);
        if (i == 0)
            assert_memory_equal(b.buf, "0 0 192.0.2.1 x\n", b.len);
    }
    assert_int_equal(b.error, 0);
    assert_int_equal(b.len, n);
    assert_true(b.cap >= n);
    snprintf(want, sizeof(want), "49999 -49999 192.0.2.1 x\n");
    assert_memory_equal(b.buf + b.len - strlen(want), want, strlen(want));
    obuf_clear(&b);
    assert_int_equal(b.len, 0);
    obuf_put(&b, "c0", 2);
    assert_memory_equal(b.buf, "c0", 2);
    obuf_free(&b);
    assert_null(b.buf);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_u64),
        cmocka_unit_test(test_s64),
        cmocka_unit_test(test_hex_dash),
        cmocka_unit_test(test_hex_dash_simd),
        cmocka_unit_test(test_addresses),
        cmocka_unit_test(test_obuf),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
