/* seqtrack: loss, restarts and duplicates per stream. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "../../collector/seqtrack.h"

static struct seq_key
key_of(uint8_t last_octet, uint32_t kind, uint32_t ds_index)
{
    struct seq_key k;

    memset(&k, 0, sizeof(k));
    k.agent.type = SFLOW_ADDR_IP4;
    k.agent.a[0] = 192;
    k.agent.a[3] = last_octet;
    k.kind = kind;
    k.ds_index = ds_index;
    return k;
}

static void
test_gaps(void **state)
{
    struct seqtrack t;
    struct seq_key k = key_of(1, SEQ_DATAGRAM, 0);
    struct seq_stream *s;

    (void)state;
    seqtrack_init(&t);
    seqtrack_update(&t, &k, 10, 1000);
    seqtrack_update(&t, &k, 11, 1100);
    s = seqtrack_update(&t, &k, 15, 1200);     /* 12, 13, 14 lost */
    assert_int_equal(s->lost, 3);
    assert_int_equal(s->seen, 3);
    s = seqtrack_update(&t, &k, 15, 1200);     /* the same datagram again */
    assert_int_equal(s->duplicates, 1);
    s = seqtrack_update(&t, &k, 1, 5);         /* agent restarted */
    assert_int_equal(s->restarts, 1);
    assert_int_equal(s->lost, 3);
    s = seqtrack_update(&t, &k, 2, 4);         /* uptime back: restart again */
    assert_int_equal(s->restarts, 2);
    seqtrack_free(&t);
}

static void
test_wrap(void **state)
{
    struct seqtrack t;
    struct seq_key k = key_of(1, SEQ_FLOW, 3);
    struct seq_stream *s;

    (void)state;
    seqtrack_init(&t);
    seqtrack_update(&t, &k, 0xFFFFFFFEu, 0);
    s = seqtrack_update(&t, &k, 1, 0);          /* FFFFFFFF and 0 lost, no restart */
    assert_int_equal(s->lost, 2);
    assert_int_equal(s->restarts, 0);
    seqtrack_free(&t);
}

static void
test_many_streams(void **state)
{
    struct seqtrack t;
    struct seq_key k;
    struct seq_stream *s;
    uint32_t i;

    (void)state;
    seqtrack_init(&t);
    /* Streams stay apart through several table growths. */
    for (i = 0; i < 5000; i++) {
        k = key_of((uint8_t)i, SEQ_COUNTER, i);
        seqtrack_update(&t, &k, 100, 0);
    }
    assert_int_equal(t.n, 5000);
    for (i = 0; i < 5000; i++) {
        k = key_of((uint8_t)i, SEQ_COUNTER, i);
        s = seqtrack_update(&t, &k, 100 + 1 + (i % 3), 0);
        assert_non_null(s);
        assert_int_equal(s->lost, i % 3);
    }
    seqtrack_free(&t);
}

/*
 * The hash the table was first built with, a loop over the key as five
 * zero-padded 64-bit words: a stream's slot, and so the order --stats
 * prints streams in, must not change with the code that computes it.
 */
static uint64_t
hash_reference(const struct seq_key *k)
{
    uint64_t w[5] = { 0 }, h = 0x9E3779B97F4A7C15ULL;
    size_t i;

    memcpy(w, k, sizeof(*k));
    for (i = 0; i < 5; i++) {
        h = (h ^ w[i]) * 0xFF51AFD7ED558CCDULL;
        h ^= h >> 29;
    }
    return h | 1;
}

static void
test_slots(void **state)
{
    struct seqtrack t;
    struct seq_key k;
    struct seq_stream *s;
    uint32_t i;

    (void)state;
    for (i = 0; i < 200; i++) {
        k = key_of((uint8_t)(i * 7), i % 4, i * 0x01010101u);
        k.agent.a[15] = (uint8_t)i;
        k.sub_agent = i * 3;
        k.ds_class = i % 3;
        seqtrack_init(&t);
        s = seqtrack_update(&t, &k, i, i);
        assert_non_null(s);
        assert_int_equal(s->hash, hash_reference(&k));
        assert_ptr_equal(s, &t.tab[hash_reference(&k) & (t.cap - 1)]);
        seqtrack_free(&t);
    }
}

/* A datagram's streams through one agent hash are the streams seqtrack_update() finds. */
static void
test_agent_hash(void **state)
{
    struct seqtrack t;
    struct seq_key k = key_of(9, SEQ_DATAGRAM, 0);
    struct seq_stream *s[8];
    uint64_t agent_hash;
    uint32_t i;

    (void)state;
    seqtrack_init(&t);
    k.sub_agent = 7;
    agent_hash = seqtrack_hash_agent(&k);
    for (i = 0; i < 8; i++) {
        k.kind = i == 0 ? SEQ_DATAGRAM : SEQ_FLOW;
        k.ds_index = i;
        s[i] = seqtrack_update_agent(&t, &k, agent_hash, 1, 0);
        assert_non_null(s[i]);
        assert_int_equal(s[i]->hash, hash_reference(&k));
    }
    for (i = 0; i < 8; i++) {
        k.kind = i == 0 ? SEQ_DATAGRAM : SEQ_FLOW;
        k.ds_index = i;
        assert_ptr_equal(seqtrack_update(&t, &k, 3, 0), s[i]);
        assert_int_equal(s[i]->lost, 1);
    }
    assert_int_equal(t.n, 8);
    seqtrack_free(&t);
}

/* A full table still follows the streams it has and counts what it drops. */
static void
test_full(void **state)
{
    struct seqtrack t;
    struct seq_key a = key_of(1, SEQ_FLOW, 1), b = key_of(2, SEQ_FLOW, 2);
    struct seq_stream *s;

    (void)state;
    seqtrack_init(&t);
    t.n = SEQTRACK_MAX;         /* As if full before the first stream. */
    assert_null(seqtrack_update(&t, &a, 1, 0));
    assert_int_equal(t.untracked, 1);
    t.n = 0;
    assert_non_null(seqtrack_update(&t, &a, 1, 0));
    t.n = SEQTRACK_MAX;
    s = seqtrack_update(&t, &a, 5, 0);
    assert_non_null(s);
    assert_int_equal(s->seen, 2);
    assert_int_equal(s->lost, 3);
    assert_int_equal(t.untracked, 2);
    assert_null(seqtrack_update(&t, &b, 1, 0));
    assert_int_equal(t.untracked, 3);
    assert_int_equal(t.n, SEQTRACK_MAX);
    seqtrack_free(&t);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gaps),
        cmocka_unit_test(test_wrap),
        cmocka_unit_test(test_many_streams),
        cmocka_unit_test(test_slots),
        cmocka_unit_test(test_agent_hash),
        cmocka_unit_test(test_full),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
