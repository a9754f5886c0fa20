/*
 * ch_row and forward_hash: the Native block of flow rows (the column list
 * with names and types, every value in its column, little-endian, rows in
 * ORDER BY order, stable), the column list agreeing with the row size, the
 * row count of a body, and rendezvous hashing keeping agents in place when
 * a target is added.
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

/* A LEB128 count at '*p'. */
static uint64_t
varuint(const uint8_t **p)
{
    uint64_t v = 0;
    int shift = 0;

    do
        v |= (uint64_t)(**p & 0x7f) << shift, shift += 7;
    while (*(*p)++ & 0x80);
    return v;
}

/*
 * Checks Native block 'p' of 'table' (header, names and types as the
 * column list gives them) and returns where column 'name's values start.
 */
static const uint8_t *
native_column(const uint8_t *p, enum ch_table table, uint64_t rows, const char *name)
{
    const struct ch_column *c;
    const uint8_t *at = NULL;
    size_t i, len;

    for (i = 0; ch_row_column(table, i) != NULL; i++)
        ;
    assert_int_equal(varuint(&p), i);
    assert_int_equal(varuint(&p), rows);
    for (i = 0; (c = ch_row_column(table, i)) != NULL; i++) {
        len = varuint(&p);
        assert_int_equal(len, strlen(c->name));
        assert_memory_equal(p, c->name, len);
        p += len;
        len = varuint(&p);
        assert_int_equal(len, strlen(c->type));
        assert_memory_equal(p, c->type, len);
        p += len;
        assert_int_equal(c->size, type_size(c->type));
        if (strcmp(c->name, name) == 0)
            at = p;
        p += rows * c->size;
    }
    assert_non_null(at);
    return at;
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
test_flow_block(void **state)
{
    struct ch_flow f;
    struct ch_block blk = { 0 };
    struct ch_buf b = { 0 };
    struct sflow_addr a = { SFLOW_ADDR_IP4, { 192, 0, 2, 7 } };
    const uint8_t *c;
    /* Rows in: (time, agent's last byte, seq); out in (time, agent) order, stable. */
    static const uint32_t in[][3] = { { 200, 7, 1 }, { 100, 9, 2 }, { 100, 7, 3 },
        { 100, 9, 4 }, { 100, 7, 5 } };
    static const uint32_t out_seq[] = { 3, 5, 2, 4, 1 };
    size_t i;

    (void)state;
    ch_block_reset(&blk, CH_FLOWS);
    memset(&f, 0, sizeof(f));
    f.sampling_rate = 0x01020304;
    f.in_vlan = 0x0a0b;
    f.src_port = 443;
    f.bytes = 0x1122334455667788ull;
    memcpy(f.src_country, "DE", 2);
    f.batch = 42;
    for (i = 0; i < 5; i++) {
        f.time = 1700000000 + in[i][0];
        a.a[3] = (uint8_t)in[i][1];
        ch_row_addr(f.agent, &a);
        f.seq = in[i][2];
        ch_row_put_flow(&blk, &f);
    }
    assert_int_equal(blk.error, 0);
    assert_int_equal(ch_block_native(&blk, &b), 0);
    assert_int_equal(ch_row_count(CH_NATIVE, CH_FLOWS, b.p, b.len), 5);
    c = native_column(b.p, CH_FLOWS, 5, "seq");
    for (i = 0; i < 5; i++)
        assert_int_equal(le(c + i * 4, 4), out_seq[i]);
    c = native_column(b.p, CH_FLOWS, 5, "time");
    assert_int_equal(le(c, 4), 1700000100);
    assert_int_equal(le(c + 4 * 4, 4), 1700000200);
    c = native_column(b.p, CH_FLOWS, 5, "agent");
    assert_memory_equal(c, "\0\0\0\0\0\0\0\0\0\0\xff\xff\xc0\x00\x02\x07", 16);
    assert_int_equal(c[16 * 2 + 15], 9);
    c = native_column(b.p, CH_FLOWS, 5, "sampling_rate");
    assert_int_equal(le(c + 4, 4), 0x01020304);
    c = native_column(b.p, CH_FLOWS, 5, "in_vlan");
    assert_int_equal(le(c + 2, 2), 0x0a0b);
    c = native_column(b.p, CH_FLOWS, 5, "src_port");
    assert_int_equal(le(c + 2, 2), 443);
    c = native_column(b.p, CH_FLOWS, 5, "bytes");
    assert_true(le(c + 8, 8) == 0x1122334455667788ull);
    c = native_column(b.p, CH_FLOWS, 5, "src_country");
    assert_memory_equal(c + 2, "DE", 2);
    c = native_column(b.p, CH_FLOWS, 5, "batch");
    assert_int_equal(le(c + 8, 8), 42);
    /* RowBinary bodies (spooled by earlier versions) count by their size. */
    assert_int_equal(ch_row_count(CH_ROWBINARY, CH_FLOWS, b.p, 3 * ch_row_size(CH_FLOWS)), 3);
    assert_int_equal(ch_row_count(CH_ROWBINARY, CH_FLOWS, b.p, 3 * ch_row_size(CH_FLOWS) - 1), 0);
    ch_buf_free(&b);
    ch_block_reset(&blk, CH_FLOWS);
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
        cmocka_unit_test(test_flow_block),
        cmocka_unit_test(test_hash_moves_little),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
