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

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gaps),
        cmocka_unit_test(test_wrap),
        cmocka_unit_test(test_many_streams),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
