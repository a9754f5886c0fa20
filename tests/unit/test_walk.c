/*
 * The walk's hand-rolled formatting (convert/sflow_walk_impl.h), against
 * printf: decimal at every length and at the edges of its fast paths, and
 * the sampled header's hex dump at every length up to 256 bytes, which
 * writes four bytes at a time.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sflow_walk.h"
#include "sflow_walk_impl.h"        /* The limits, before the visitor. */

/* A visitor that does nothing: the test calls the formatters directly. */
struct null_visitor {
    int unused;
};

#define WALK_VISITOR struct null_visitor

/* What the walk may write in place: its longest value and a byte of slack. */
static char sink[SFLOW_WALK_VALUE_MAX + 1];

static inline void
walk_v_datagram_begin(struct null_visitor *v, const struct sflow_walk *w)
{
    (void)v, (void)w;
}

static inline void
walk_v_datagram_end(struct null_visitor *v, const struct sflow_walk *w)
{
    (void)v, (void)w;
}

static inline void
walk_v_sample_begin(struct null_visitor *v, const struct sflow_walk *w)
{
    (void)v, (void)w;
}

static inline void
walk_v_sample_end(struct null_visitor *v, const struct sflow_walk *w, int complete)
{
    (void)v, (void)w, (void)complete;
}

static inline void
walk_v_element_begin(struct null_visitor *v, const struct sflow_walk *w, uint32_t tag,
    int known)
{
    (void)v, (void)w, (void)tag, (void)known;
}

static inline void
walk_v_element_end(struct null_visitor *v, const struct sflow_walk *w)
{
    (void)v, (void)w;
}

static inline void
walk_v_list_begin(struct null_visitor *v, const struct sflow_walk *w, const char *json_name,
    const char *text_name)
{
    (void)v, (void)w, (void)json_name, (void)text_name;
}

static inline void
walk_v_list_end(struct null_visitor *v, const struct sflow_walk *w)
{
    (void)v, (void)w;
}

static inline void
walk_v_item_begin(struct null_visitor *v, const struct sflow_walk *w)
{
    (void)v, (void)w;
}

static inline void
walk_v_item_end(struct null_visitor *v, const struct sflow_walk *w)
{
    (void)v, (void)w;
}

static inline void
walk_v_note(struct null_visitor *v, const struct sflow_walk *w, const char *text, size_t len)
{
    (void)v, (void)w, (void)text, (void)len;
}

static inline void
walk_v_kv(struct null_visitor *v, const struct sflow_walk *w, const char *key, size_t klen,
    const char *val, size_t len, enum sflow_walk_kind kind)
{
    (void)v, (void)w, (void)key, (void)klen, (void)val, (void)len, (void)kind;
}

static inline char *
walk_v_value_begin(struct null_visitor *v, const struct sflow_walk *w, const char *key,
    size_t klen, size_t max, enum sflow_walk_kind kind)
{
    (void)v, (void)w, (void)key, (void)klen, (void)max, (void)kind;
    return sink;
}

static inline void
walk_v_value_end(struct null_visitor *v, const struct sflow_walk *w, const char *key,
    size_t klen, char *start, char *end, enum sflow_walk_kind kind)
{
    (void)v, (void)w, (void)key, (void)klen, (void)start, (void)end, (void)kind;
}

#include "sflow_walk_impl.h"

static void
check_u64(uint64_t v)
{
    char got[32], want[32];
    size_t n = fmt_u64(got, v);
    /* fmt_u64() may write its type's whole width: no more (ASan checks). */
    char *exact = malloc(v <= UINT32_MAX ? 10 : 20);

    got[n] = '\0';
    snprintf(want, sizeof(want), "%llu", (unsigned long long)v);
    assert_string_equal(got, want);
    assert_non_null(exact);
    assert_int_equal(fmt_u64(exact, v), n);
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
    static const int64_t vals[] = { 0, -1, 1, -9, -10, -99, -100, INT64_MIN, INT64_MAX, -2147483648LL };
    char got[32], want[32];
    size_t i, n;

    (void)state;
    for (i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
        n = fmt_s64(got, vals[i]);
        got[n] = '\0';
        snprintf(want, sizeof(want), "%lld", (long long)vals[i]);
        assert_string_equal(got, want);
    }
}

static void
test_hex_dashed(void **state)
{
    uint8_t bytes[256];
    char got[3 * 256 + 1], want[3 * 256 + 1];
    size_t k, j, n, o;

    (void)state;
    for (k = 0; k < sizeof(bytes); k++)
        bytes[k] = (uint8_t)(k * 37 + 11);
    for (k = 0; k <= sizeof(bytes); k++) {
        /* Sized exactly as the walk reserves: 3 per byte plus one of slack. */
        char *buf = malloc(3 * k + 1);

        assert_non_null(buf);
        n = fmt_hex_dashed(buf, bytes, k);
        memcpy(got, buf, n);
        got[n] = '\0';
        free(buf);
        for (j = 0, o = 0; j < k; j++)
            o += (size_t)snprintf(want + o, sizeof(want) - o, j ? "-%02X" : "%02X", bytes[j]);
        want[o] = '\0';
        assert_string_equal(got, want);
    }
}

static void
test_addresses(void **state)
{
    static const uint8_t ip4[] = { 0, 9, 10, 255 };
    static const uint8_t ip6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0xab, 0xcd, 0, 1 };
    static const uint8_t mac[6] = { 0x00, 0x1b, 0x21, 0xfa, 0x0c, 0xa7 };
    char buf[64];
    size_t n;

    (void)state;
    n = fmt_ip4(buf, ip4);
    buf[n] = '\0';
    assert_string_equal(buf, "0.9.10.255");
    /* Every byte value in every position, against printf. */
    for (unsigned v = 0; v < 256; v++) {
        const uint8_t a[4] = { (uint8_t)v, (uint8_t)(255 - v), (uint8_t)(v * 7), (uint8_t)v };
        char want[20];

        snprintf(want, sizeof(want), "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
        n = fmt_ip4(buf, a);
        buf[n] = '\0';
        assert_string_equal(buf, want);
    }
    n = fmt_ip6(buf, ip6);
    buf[n] = '\0';
    assert_string_equal(buf, "2001:0db8:0000:0000:0000:0000:abcd:0001");
    n = fmt_hex(buf, mac, 6);
    buf[n] = '\0';
    assert_string_equal(buf, "001b21fa0ca7");
    n = fmt_hex_u32(buf, 0xabc01);
    buf[n] = '\0';
    assert_string_equal(buf, "abc01");
}

/* The key copy at every length around its 4/8/16/32-byte moves. */
static void
test_copy(void **state)
{
    char src[64], dst[80];
    size_t n;

    (void)state;
    for (n = 0; n < sizeof(src); n++)
        src[n] = (char)('A' + n % 26);
    for (n = 0; n <= sizeof(src); n++) {
        memset(dst, '.', sizeof(dst));
        assert_ptr_equal(walk_copy(dst, src, n), dst + n);
        assert_memory_equal(dst, src, n);
        assert_int_equal(dst[n], '.');
    }
}

/* The template compiles and runs with a visitor that keeps nothing. */
static void
test_null_visitor(void **state)
{
    static struct sflow_datagram dg;
    struct dgram_meta meta;
    struct null_visitor v;

    (void)state;
    memset(&meta, 0, sizeof(meta));
    memset(&dg, 0, sizeof(dg));
    walk_run(&v, &v, &meta, &dg);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_u64),
        cmocka_unit_test(test_s64),
        cmocka_unit_test(test_hex_dashed),
        cmocka_unit_test(test_addresses),
        cmocka_unit_test(test_copy),
        cmocka_unit_test(test_null_visitor),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
