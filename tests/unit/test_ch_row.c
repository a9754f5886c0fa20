/*
 * ch_row and forward_hash: the RowBinary layout of a flow row (every
 * column at the offset its type gives, little-endian), the column list
 * agreeing with the row size, and rendezvous hashing keeping agents in
 * place when a target is added.
 */
#undef NDEBUG
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "ch_row.h"
#include "../../collector/forward_hash.h"

/* Bytes of a column of type 'type', from the type's name. */
static size_t
type_size(const char *type)
{
    if (strcmp(type, "DateTime") == 0)
        return 4;
    if (strncmp(type, "FixedString(", 12) == 0)
        return strtoul(type + 12, NULL, 10);
    if (strncmp(type, "UInt", 4) == 0)
        return strtoul(type + 4, NULL, 10) / 8;
    fail_msg("unexpected type %s", type);
    return 0;
}

/* Offset of column 'name' of 'table' in a row. */
static size_t
column_offset(enum ch_table table, const char *name)
{
    const struct ch_column *c;
    size_t i, off = 0;

    for (i = 0; (c = ch_row_column(table, i)) != NULL; i++) {
        if (strcmp(c->name, name) == 0)
            return off;
        off += type_size(c->type);
    }
    fail_msg("no column %s", name);
    return 0;
}

static uint64_t
le(const uint8_t *p, size_t n)
{
    uint64_t v = 0;

    while (n-- > 0)
        v = v << 8 | p[n];
    return v;
}

static void
test_sizes(void **state)
{
    const struct ch_column *c;
    size_t i, sum;
    int t;

    (void)state;
    for (t = 0; t < CH_TABLES; t++) {
        sum = 0;
        for (i = 0; (c = ch_row_column((enum ch_table)t, i)) != NULL; i++)
            sum += type_size(c->type);
        assert_int_equal(sum, ch_row_size((enum ch_table)t));
        assert_string_equal(ch_row_column((enum ch_table)t, 0)->name, "time");
        assert_string_equal(ch_row_column((enum ch_table)t, i - 1)->name, "batch");
    }
}

static void
test_flow_layout(void **state)
{
    struct ch_flow f;
    struct ch_buf b = { 0 };
    struct sflow_addr a = { SFLOW_ADDR_IP4, { 192, 0, 2, 7 } };
    const uint8_t *r;

    (void)state;
    memset(&f, 0, sizeof(f));
    f.time = 1700000000;
    ch_row_addr(f.agent, &a);
    f.sampling_rate = 0x01020304;
    f.in_vlan = 0x0a0b;
    f.src_port = 443;
    f.bytes = 0x1122334455667788ull;
    memcpy(f.src_country, "DE", 2);
    f.batch = 42;
    ch_row_put_flow(&b, &f);
    ch_row_put_flow(&b, &f);
    assert_int_equal(b.error, 0);
    assert_int_equal(b.len, 2 * ch_row_size(CH_FLOWS));
    r = b.p + ch_row_size(CH_FLOWS);    /* The second row. */
    assert_int_equal(le(r + column_offset(CH_FLOWS, "time"), 4), 1700000000);
    assert_memory_equal(r + column_offset(CH_FLOWS, "agent"),
        "\0\0\0\0\0\0\0\0\0\0\xff\xff\xc0\x00\x02\x07", 16);
    assert_int_equal(le(r + column_offset(CH_FLOWS, "sampling_rate"), 4), 0x01020304);
    assert_int_equal(le(r + column_offset(CH_FLOWS, "in_vlan"), 2), 0x0a0b);
    assert_int_equal(le(r + column_offset(CH_FLOWS, "src_port"), 2), 443);
    assert_true(le(r + column_offset(CH_FLOWS, "bytes"), 8) == 0x1122334455667788ull);
    assert_memory_equal(r + column_offset(CH_FLOWS, "src_country"), "DE", 2);
    assert_int_equal(le(r + column_offset(CH_FLOWS, "batch"), 8), 42);
    ch_buf_free(&b);
}

static void
test_hash_moves_little(void **state)
{
    const char *names[5] = { "10.0.0.1/6343", "10.0.0.2/6343", "10.0.0.3/6343",
        "10.0.0.4/6343", "10.0.0.5/6343" };
    uint64_t keys[5];
    int before, after, moved = 0, to_new = 0, count[4] = { 0 }, i;
    struct sflow_addr a = { SFLOW_ADDR_IP4, { 0 } };

    (void)state;
    for (i = 0; i < 5; i++)
        keys[i] = forward_hash_key(names[i]);
    for (i = 0; i < 4000; i++) {
        a.a[0] = 10;
        a.a[1] = (uint8_t)(i >> 16);
        a.a[2] = (uint8_t)(i >> 8);
        a.a[3] = (uint8_t)i;
        before = forward_hash_pick(&a, keys, 4);
        after = forward_hash_pick(&a, keys, 5);
        assert_int_equal(before, forward_hash_pick(&a, keys, 4));
        count[before]++;
        if (before != after) {
            moved++;
            /* An agent moves only to the new target. */
            assert_int_equal(after, 4);
        }
        to_new += after == 4;
    }
    assert_int_equal(moved, to_new);
    /* About a fifth moves; each of four targets holds about a quarter. */
    assert_true(moved > 600 && moved < 1000);
    for (i = 0; i < 4; i++)
        assert_true(count[i] > 800 && count[i] < 1200);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sizes),
        cmocka_unit_test(test_flow_layout),
        cmocka_unit_test(test_hash_moves_little),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
