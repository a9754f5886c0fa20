/* mac_table: learning, moves, lookup per VLAN, aging, eviction, flush. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "mac_table.h"

static const uint8_t A[6] = { 0x02, 0, 0, 0, 0, 1 };
static const uint8_t B[6] = { 0x02, 0, 0, 0, 0, 2 };

static void
test_learn_lookup(void **state)
{
    struct mac_table t;

    (void)state;
    assert_int_equal(mac_table_init(&t, 64, 300), 0);
    assert_int_equal(mac_table_lookup(&t, A, 0, 0), 0);
    assert_true(mac_table_learn(&t, A, 0, 3, 1000));
    assert_false(mac_table_learn(&t, A, 0, 3, 1500));     /* Refresh, not a move. */
    assert_int_equal(mac_table_lookup(&t, A, 0, 2000), 3);
    /* Same MAC, other VLAN: a different entry. */
    assert_int_equal(mac_table_lookup(&t, A, 10, 2000), 0);
    assert_true(mac_table_learn(&t, A, 10, 4, 2000));
    assert_int_equal(mac_table_lookup(&t, A, 10, 2000), 4);
    assert_int_equal(mac_table_lookup(&t, A, 0, 2000), 3);
    /* A move. */
    assert_true(mac_table_learn(&t, A, 0, 5, 3000));
    assert_int_equal(mac_table_lookup(&t, A, 0, 3000), 5);
    assert_int_equal(t.count, 2);
    mac_table_destroy(&t);
}

static void
test_aging(void **state)
{
    struct mac_table t;

    (void)state;
    assert_int_equal(mac_table_init(&t, 64, 10), 0);
    mac_table_learn(&t, A, 0, 1, 0);
    mac_table_learn(&t, B, 0, 2, 5000);
    assert_int_equal(mac_table_lookup(&t, A, 0, 9999), 1);
    assert_int_equal(mac_table_lookup(&t, A, 0, 10000), 0);   /* Aged out. */
    assert_int_equal(mac_table_lookup(&t, B, 0, 10000), 2);
    assert_int_equal(mac_table_expire(&t, 10000), 1);
    assert_int_equal(t.count, 1);
    /* Relearning an aged entry counts as new. */
    assert_true(mac_table_learn(&t, B, 0, 2, 20000));
    mac_table_destroy(&t);
}

static void
test_eviction_and_flush(void **state)
{
    struct mac_table t;
    uint8_t m[6] = { 0x02, 0, 0, 0, 0, 0 };
    size_t live = 0;

    (void)state;
    assert_int_equal(mac_table_init(&t, 8, 300), 0);   /* 2 buckets of 4. */
    for (int i = 0; i < 100; i++) {
        m[4] = (uint8_t)(i >> 8);
        m[5] = (uint8_t)i;
        mac_table_learn(&t, m, 0, (uint16_t)(1 + i % 3), (uint64_t)i);
    }
    /* Never more entries than slots; the newest address is always there. */
    assert_true(t.count <= t.n_buckets * MAC_TABLE_WAYS);
    assert_int_equal(mac_table_lookup(&t, m, 0, 100), 1 + 99 % 3);
    for (size_t i = 0; i < t.n_buckets * MAC_TABLE_WAYS; i++)
        live += t.e[i].port != 0;
    assert_int_equal(live, t.count);
    mac_table_flush_port(&t, 1);
    for (size_t i = 0; i < t.n_buckets * MAC_TABLE_WAYS; i++)
        assert_int_not_equal(t.e[i].port, 1);
    mac_table_flush_port(&t, 0);
    assert_int_equal(t.count, 0);
    mac_table_destroy(&t);
}

static void
count_entry(void *arg, const struct mac_entry *e)
{
    size_t *n = arg;

    assert_int_not_equal(e->port, 0);
    (*n)++;
}

/* fdb-show's walk: live entries only, aged ones skipped before expiry clears them. */
static void
test_foreach_live(void **state)
{
    struct mac_table t;
    size_t n = 0;

    (void)state;
    assert_int_equal(mac_table_init(&t, 64, 10), 0);
    mac_table_learn(&t, A, 0, 1, 0);
    mac_table_learn(&t, B, 0, 2, 5000);
    mac_table_foreach(&t, 9999, count_entry, &n);
    assert_int_equal(n, 2);
    n = 0;
    mac_table_foreach(&t, 10000, count_entry, &n);
    assert_int_equal(n, 1);
    assert_int_equal(t.count, 2);
    assert_int_equal(mac_table_flush_port(&t, 2), 1);
    n = 0;
    mac_table_foreach(&t, 0, count_entry, &n);
    assert_int_equal(n, 1);
    mac_table_destroy(&t);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_learn_lookup),
        cmocka_unit_test(test_aging),
        cmocka_unit_test(test_eviction_and_flush),
        cmocka_unit_test(test_foreach_live),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
