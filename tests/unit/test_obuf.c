/*
 * obuf's typed appends: the exact bytes of each (checked against printf()
 * and inet_ntop() where they say the same), an append across the end of
 * the allocation at every offset it can fall on, and the drop of every
 * append after a failed allocation until obuf_clear().
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "obuf.h"

static const uint8_t a4[4] = { 192, 0, 2, 255 };
static const uint8_t a6[16] = {
    0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0xfe, 0x0a, 0, 0x01 };
static const uint8_t mac[6] = { 0x00, 0x1b, 0x21, 0xab, 0xcd, 0xef };

/* The appends under test, by number, and what each writes. */
enum { PUT_BYTES, PUT_CHAR, PUT_U64, PUT_S64, PUT_HEX, PUT_IPV4, PUT_IPV6, PUT_MAC, PUT_N };

static void
put(struct obuf *b, int which)
{
    switch (which) {
    case PUT_BYTES:
        obuf_put(b, "FLOW", 4);
        break;
    case PUT_CHAR:
        obuf_put_char(b, ',');
        break;
    case PUT_U64:
        obuf_put_u64(b, UINT64_MAX);
        break;
    case PUT_S64:
        obuf_put_s64(b, INT64_MIN);
        break;
    case PUT_HEX:
        obuf_put_hex_u32(b, 0xfedcba98, 4);
        break;
    case PUT_IPV4:
        obuf_put_ipv4(b, a4);
        break;
    case PUT_IPV6:
        obuf_put_ipv6(b, a6);
        break;
    default:
        obuf_put_mac(b, mac);
        break;
    }
}

static const char *const expect[PUT_N] = {
    "FLOW", ",", "18446744073709551615", "-9223372036854775808", "fedcba98",
    "192.0.2.255", "2001:0db8:0000:0000:0000:0000:fe0a:0001", "001b21abcdef",
};

/* The room each reserves: it grows the buffer when less is left. */
static const size_t reserved[PUT_N] = {
    4, 1, FMT_U64_MAX, FMT_S64_MAX, 8, FMT_IPV4_MAX, FMT_IPV6_MAX, 12,
};

/* 'b' holds exactly 'want' (no NUL). */
static void
assert_holds(const struct obuf *b, const char *want)
{
    assert_int_equal(b->error, 0);
    assert_int_equal(b->len, strlen(want));
    assert_memory_equal(b->buf, want, b->len);
}

static void
test_each(void **state)
{
    struct obuf b = OBUF_INITIALIZER;
    int i;

    (void)state;
    for (i = 0; i < PUT_N; i++) {
        obuf_clear(&b);
        put(&b, i);
        assert_holds(&b, expect[i]);
    }
    obuf_free(&b);
}

static void
test_integers(void **state)
{
    static const uint64_t u[] = { 0, 9, 10, 99, 100, 999, 1000, 65535, 4294967295u,
        4294967296u, 10000000000000000000u, UINT64_MAX };
    static const int64_t s[] = { 0, 1, -1, 9, -9, -10, 99, -100, INT32_MIN, INT32_MAX,
        INT64_MAX, INT64_MIN, INT64_MIN + 1 };
    struct obuf b = OBUF_INITIALIZER;
    char want[32];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(u) / sizeof(u[0]); i++) {
        obuf_clear(&b);
        obuf_put_u64(&b, u[i]);
        snprintf(want, sizeof(want), "%" PRIu64, u[i]);
        assert_holds(&b, want);
    }
    for (i = 0; i < sizeof(s) / sizeof(s[0]); i++) {
        obuf_clear(&b);
        obuf_put_s64(&b, s[i]);
        snprintf(want, sizeof(want), "%" PRId64, s[i]);
        assert_holds(&b, want);
    }
    obuf_free(&b);
}

static void
test_hex(void **state)
{
    static const uint32_t v[] = { 0, 1, 0xf, 0x10, 0xff, 0x800, 0x86dd, 0x12345,
        0xfffffff, 0x10000000, 0xfedcba98, UINT32_MAX };
    struct obuf b = OBUF_INITIALIZER;
    char want[32];
    unsigned int width;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        for (width = 0; width <= 8; width++) {
            obuf_clear(&b);
            obuf_put_hex_u32(&b, v[i], width);
            snprintf(want, sizeof(want), "%0*x", (int)width, (unsigned int)v[i]);
            assert_holds(&b, want);
        }
    }
    /* Wider than a u32's digits: eight, as the room reserved allows. */
    obuf_clear(&b);
    obuf_put_hex_u32(&b, 0xab, 12);
    assert_holds(&b, "000000ab");
    obuf_free(&b);
}

static void
test_addresses(void **state)
{
    static const uint8_t v4[][4] = { { 0, 0, 0, 0 }, { 255, 255, 255, 255 },
        { 10, 0, 100, 9 }, { 1, 22, 133, 4 } };
    struct obuf b = OBUF_INITIALIZER;
    char want[64];
    uint8_t v6[16];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(v4) / sizeof(v4[0]); i++) {
        obuf_clear(&b);
        obuf_put_ipv4(&b, v4[i]);
        assert_non_null(inet_ntop(AF_INET, v4[i], want, sizeof(want)));
        assert_holds(&b, want);
    }
    /* Every group written whole, no "::": sflowtool's form, not inet_ntop()'s. */
    memset(v6, 0, sizeof(v6));
    obuf_clear(&b);
    obuf_put_ipv6(&b, v6);
    assert_holds(&b, "0000:0000:0000:0000:0000:0000:0000:0000");
    for (i = 0; i < 16; i++)
        v6[i] = (uint8_t)(0xf0 + i);
    obuf_clear(&b);
    obuf_put_ipv6(&b, v6);
    assert_holds(&b, "f0f1:f2f3:f4f5:f6f7:f8f9:fafb:fcfd:feff");
    obuf_clear(&b);
    obuf_put_mac(&b, (const uint8_t[]){ 0xff, 0xfe, 0x00, 0x01, 0x80, 0x7f });
    assert_holds(&b, "fffe0001807f");
    obuf_free(&b);
}

/*
 * Each append lands 0 .. 40 bytes before the end of the allocation: what
 * is there stays, the value comes out whole and the buffer grows.
 */
static void
test_growth(void **state)
{
    struct obuf b = OBUF_INITIALIZER;
    size_t cap, room, fill, n;
    int i;

    (void)state;
    obuf_put_char(&b, 'a');
    cap = b.cap;
    assert_true(cap > 64);
    for (i = 0; i < PUT_N; i++) {
        n = strlen(expect[i]);
        for (room = 0; room <= 40; room++) {
            obuf_free(&b);
            obuf_put_char(&b, 'a');
            assert_int_equal(b.cap, cap);
            for (fill = 1; fill < cap - room; fill++)
                obuf_put_char(&b, (char)('a' + fill % 26));
            assert_int_equal(b.len, cap - room);
            assert_int_equal(b.cap, cap);
            put(&b, i);
            assert_int_equal(b.error, 0);
            assert_int_equal(b.len, cap - room + n);
            assert_memory_equal(b.buf + cap - room, expect[i], n);
            for (fill = 0; fill < cap - room; fill++)
                if (b.buf[fill] != (char)('a' + fill % 26))
                    fail_msg("byte %zu changed by append %d at %zu to the end", fill, i, room);
            /* Grown when what it reserves did not fit in what was left. */
            assert_int_equal(b.cap > cap, room < reserved[i]);
        }
    }
    obuf_free(&b);
    assert_null(b.buf);
    assert_int_equal(b.len + b.cap, 0);
}

/* After a failed allocation (a size no buffer can reach) every append is dropped. */
static void
test_enomem(void **state)
{
    struct obuf b = OBUF_INITIALIZER;
    int i;

    (void)state;
    obuf_put(&b, "kept", 4);
    assert_null(obuf_reserve(&b, SIZE_MAX));
    assert_int_equal(b.error, ENOMEM);
    assert_int_equal(b.len, 4);
    for (i = 0; i < PUT_N; i++) {
        put(&b, i);
        assert_int_equal(b.len, 4);
        assert_int_equal(b.error, ENOMEM);
    }
    assert_null(obuf_reserve(&b, 1));
    assert_memory_equal(b.buf, "kept", 4);
    /* Until it is emptied: then appends work again, growing as before. */
    obuf_clear(&b);
    assert_int_equal(b.error, 0);
    for (i = 0; i < PUT_N; i++)
        put(&b, i);
    assert_int_equal(b.error, 0);
    assert_memory_equal(b.buf, "FLOW,", 5);
    for (i = 0; i < 100000; i++)
        obuf_put_u64(&b, 1234567890);
    assert_int_equal(b.error, 0);
    assert_memory_equal(b.buf + b.len - 20, "12345678901234567890", 20);
    obuf_free(&b);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_each),
        cmocka_unit_test(test_integers),
        cmocka_unit_test(test_hex),
        cmocka_unit_test(test_addresses),
        cmocka_unit_test(test_growth),
        cmocka_unit_test(test_enomem),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
