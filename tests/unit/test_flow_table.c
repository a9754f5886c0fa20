/* flow_parse and flow_table: ovs-ofctl syntax, prerequisites, matching, priorities, cache, timeouts. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "flow_parse.h"
#include "flow_table.h"

static struct flow_rule
parse_ok(const char *s)
{
    struct flow_rule r;
    char err[256] = "";

    if (flow_parse(s, FLOW_PARSE_ADD, &r, err, sizeof(err)) != 0)
        fail_msg("%s: %s", s, err);
    return r;
}

static void
parse_bad(const char *s, const char *want)
{
    struct flow_rule r;
    char err[256] = "";

    assert_int_not_equal(flow_parse(s, FLOW_PARSE_ADD, &r, err, sizeof(err)), 0);
    if (strstr(err, want) == NULL)
        fail_msg("%s: error \"%s\" lacks \"%s\"", s, err, want);
}

static void
test_parse_roundtrip(void **state)
{
    static const char *const cases[][2] = {
        { "priority=100,in_port=1,actions=drop", "priority=100,in_port=1 actions=drop" },
        { "tcp,nw_dst=10.0.0.0/24,tp_dst=80,actions=output:2",
          "priority=32768,tcp,nw_dst=10.0.0.0/24,tp_dst=80 actions=output:2" },
        { "ip nw_src=10.1.2.3/255.255.0.0 actions=normal", "priority=32768,ip,nw_src=10.1.0.0/16 actions=NORMAL" },
        { "priority=5,idle_timeout=10,hard_timeout=20,udp6,tp_src=53,actions=flood",
          "priority=5,idle_timeout=10,hard_timeout=20,udp6,tp_src=53 actions=FLOOD" },
        { "dl_vlan=0xffff,dl_src=02:00:00:00:00:01,actions=mod_vlan_vid:10,output:3",
          "priority=32768,dl_vlan=0xffff,dl_src=02:00:00:00:00:01 actions=mod_vlan_vid:10,output:3" },
        { "dl_type=0x0806,actions=strip_vlan,mod_dl_src:02:00:00:00:00:09,mod_dl_dst:02:00:00:00:00:0a,in_port",
          "priority=32768,arp actions=strip_vlan,mod_dl_src:02:00:00:00:00:09,mod_dl_dst:02:00:00:00:00:0a,IN_PORT" },
        { "dl_type=0x88cc,actions=", "priority=32768,dl_type=0x88cc actions=drop" },
        { "in_port=*,nw_src=ANY,actions=2", "priority=32768 actions=output:2" },
        { "icmp,tp_src=8,actions=drop", "priority=32768,icmp,tp_src=8 actions=drop" },
    };
    char buf[512];

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct flow_rule r = parse_ok(cases[i][0]), r2;

        flow_format_rule(&r, buf, sizeof(buf));
        assert_string_equal(buf, cases[i][1]);
        r2 = parse_ok(buf);     /* What the state file replays. */
        flow_format_rule(&r2, buf, sizeof(buf));
        assert_string_equal(buf, cases[i][1]);
    }
}

static void
test_parse_errors(void **state)
{
    (void)state;
    parse_bad("tp_dst=80,actions=drop", "tp_dst: prerequisites");
    parse_bad("ip,tp_dst=80,actions=drop", "tp_dst: prerequisites");
    parse_bad("nw_src=1.2.3.4,actions=drop", "nw_src: prerequisites");
    parse_bad("ipv6,nw_dst=1.2.3.4,actions=drop", "nw_dst: prerequisites");
    parse_bad("nw_proto=6,actions=drop", "nw_proto: prerequisites");
    parse_bad("icmp6,tp_src=1,dl_type=0x0800,actions=drop", "conflicts");
    parse_bad("tcp,udp,actions=drop", "conflicts");
    parse_bad("in_port=1", "must specify actions");
    parse_bad("in_port=0,actions=drop", "in_port");
    parse_bad("dl_vlan=5000,actions=drop", "dl_vlan");
    parse_bad("dl_src=02:00:00:00:00,actions=drop", "dl_src");
    parse_bad("ip,nw_dst=10.0.0.0/33,actions=drop", "nw_dst");
    parse_bad("ip,nw_dst=10.0.0.0/255.0.255.0,actions=drop", "nw_dst");
    parse_bad("priority=70000,actions=drop", "priority");
    parse_bad("frob,actions=drop", "unknown keyword");
    parse_bad("frob=1,actions=drop", "unknown field");
    parse_bad("actions=output:0", "output");
    parse_bad("actions=drop,output:1", "drop must be the only");
    parse_bad("actions=mod_vlan_vid:4096", "mod_vlan_vid");
    parse_bad("actions=teleport", "unknown action");
    parse_bad("table=1,actions=drop", "table");
}

static struct flow_key
key_tcp(uint16_t in_port, uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport)
{
    struct flow_key k;

    memset(&k, 0, sizeof(k));
    k.in_port = in_port;
    k.dl_vlan = FLOW_VLAN_NONE;
    k.dl_type = 0x0800;
    k.nw_proto = 6;
    k.nw_src = src;
    k.nw_dst = dst;
    k.tp_src = sport;
    k.tp_dst = dport;
    return k;
}

static void
test_match_and_priority(void **state)
{
    struct flow_table t;
    struct flow_rule r;
    struct flow_key k = key_tcp(1, 0x0a000001, 0x0a000102, 40000, 80);
    const struct flow_rule *got;

    (void)state;
    assert_int_equal(flow_table_init(&t), 0);
    assert_null(flow_table_lookup(&t, &k));
    r = parse_ok("priority=10,actions=normal");
    flow_table_add(&t, &r, 0);
    r = parse_ok("priority=100,tcp,nw_dst=10.0.1.0/24,tp_dst=80,actions=output:2");
    flow_table_add(&t, &r, 0);
    r = parse_ok("priority=50,in_port=1,actions=drop");
    flow_table_add(&t, &r, 0);
    got = flow_table_lookup(&t, &k);
    assert_non_null(got);
    assert_int_equal(got->priority, 100);
    k.tp_dst = 81;
    assert_int_equal(flow_table_lookup(&t, &k)->priority, 50);
    k.in_port = 2;
    assert_int_equal(flow_table_lookup(&t, &k)->priority, 10);
    k = key_tcp(2, 1, 0x0a000201, 1, 80);   /* Outside the /24. */
    assert_int_equal(flow_table_lookup(&t, &k)->priority, 10);
    /* Cache: a repeated key hits, a change to the table invalidates. */
    k = key_tcp(1, 0x0a000001, 0x0a000102, 40000, 80);
    t.cache_hits = 0;
    assert_int_equal(flow_table_lookup(&t, &k)->priority, 100);
    assert_int_equal(flow_table_lookup(&t, &k)->priority, 100);
    assert_true(t.cache_hits >= 1);
    r = parse_ok("priority=100,tcp,nw_dst=10.0.1.0/24,tp_dst=80,actions=drop");
    flow_table_add(&t, &r, 0);           /* Same match and priority: replaces. */
    assert_int_equal(t.n, 3);
    assert_int_equal(flow_table_lookup(&t, &k)->n_actions, 0);
    /* Non-strict delete of in_port=1 takes only that rule; of "" all. */
    r = parse_ok("in_port=1,actions=drop");
    assert_int_equal(flow_table_del(&t, &r.match, false, 0), 1);
    k = key_tcp(1, 1, 2, 3, 4);
    assert_int_equal(flow_table_lookup(&t, &k)->priority, 10);
    k = key_tcp(1, 0x0a000001, 0x0a000102, 40000, 80);
    r = parse_ok("tcp,actions=drop");
    assert_int_equal(flow_table_del(&t, &r.match, true, 32768), 0);
    assert_int_equal(flow_table_del(&t, &r.match, false, 0), 1);
    memset(&r, 0, sizeof(r));
    assert_int_equal(flow_table_del(&t, &r.match, false, 0), 1);
    assert_null(flow_table_lookup(&t, &k));
    flow_table_destroy(&t);
}

static void
test_many_rules_and_vlan(void **state)
{
    struct flow_table t;
    struct flow_rule r;
    struct flow_key k;
    char s[128];

    (void)state;
    assert_int_equal(flow_table_init(&t), 0);
    for (int i = 0; i < 500; i++) {
        snprintf(s, sizeof(s), "priority=%d,udp,tp_dst=%d,actions=output:%d", 100 + i % 7, 1000 + i, 1 + i % 5);
        r = parse_ok(s);
        assert_int_equal(flow_table_add(&t, &r, 0), 0);
    }
    for (int i = 0; i < 500; i++) {
        k = key_tcp(1, 1, 2, 3, (uint16_t)(1000 + i));
        k.nw_proto = 17;
        assert_int_equal(flow_table_lookup(&t, &k)->actions[0].arg, 1 + i % 5);
    }
    r = parse_ok("priority=1000,dl_vlan=0xffff,actions=drop");
    flow_table_add(&t, &r, 0);
    k = key_tcp(1, 1, 2, 3, 1000);
    k.nw_proto = 17;
    assert_int_equal(flow_table_lookup(&t, &k)->priority, 1000);
    k.dl_vlan = 10;
    assert_int_equal(flow_table_lookup(&t, &k)->priority, 100);
    flow_table_destroy(&t);
}

static void
test_timeouts(void **state)
{
    struct flow_table t;
    struct flow_rule r;

    (void)state;
    assert_int_equal(flow_table_init(&t), 0);
    r = parse_ok("priority=1,in_port=1,hard_timeout=5,actions=drop");
    flow_table_add(&t, &r, 1000);
    r = parse_ok("priority=1,in_port=2,idle_timeout=2,actions=drop");
    flow_table_add(&t, &r, 1000);
    assert_int_equal(flow_table_expire(&t, 2999), 0);
    t.rules[1].used_ms = 2500;           /* The idle rule saw a packet. */
    assert_int_equal(flow_table_expire(&t, 4000), 0);
    assert_int_equal(flow_table_expire(&t, 4500), 1);
    assert_int_equal(t.n, 1);
    assert_int_equal(flow_table_expire(&t, 5999), 0);
    assert_int_equal(flow_table_expire(&t, 6000), 1);
    assert_int_equal(t.n, 0);
    flow_table_destroy(&t);
}

/* A strict delete takes only the rule of that match and priority; expiry takes all due rules in one tick. */
static void
test_strict_delete_and_expire_many(void **state)
{
    struct flow_table t;
    struct flow_rule r, other;

    (void)state;
    assert_int_equal(flow_table_init(&t), 0);
    r = parse_ok("priority=7,in_port=1,actions=drop");
    flow_table_add(&t, &r, 0);
    r = parse_ok("priority=8,in_port=1,actions=drop");
    flow_table_add(&t, &r, 0);
    other = parse_ok("actions=drop");   /* Covers every rule, equals none. */
    assert_int_equal(flow_table_del(&t, &other.match, true, 8), 0);
    assert_int_equal(flow_table_del(&t, &r.match, true, 9), 0);
    assert_int_equal(flow_table_del(&t, &r.match, true, 8), 1);
    assert_int_equal(t.n, 1);
    assert_int_equal(t.rules[0].priority, 7);
    r = parse_ok("priority=1,in_port=2,hard_timeout=1,actions=drop");
    flow_table_add(&t, &r, 0);
    r = parse_ok("priority=1,in_port=3,idle_timeout=1,actions=drop");
    flow_table_add(&t, &r, 0);
    assert_int_equal(flow_table_expire(&t, 999), 0);
    assert_int_equal(flow_table_expire(&t, 1000), 2);
    assert_int_equal(t.n, 1);
    assert_int_equal(t.rules[0].priority, 7);
    flow_table_destroy(&t);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_roundtrip),
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_match_and_priority),
        cmocka_unit_test(test_many_rules_and_vlan),
        cmocka_unit_test(test_timeouts),
        cmocka_unit_test(test_strict_delete_and_expire_many),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
