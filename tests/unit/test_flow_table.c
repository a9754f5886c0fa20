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
parse_as(const char *s, enum flow_parse_mode mode)
{
    struct flow_rule r;
    char err[256] = "";

    if (flow_parse(s, mode, &r, err, sizeof(err)) != 0)
        fail_msg("%s: %s", s, err);
    return r;
}

static struct flow_rule
parse_ok(const char *s)
{
    return parse_as(s, FLOW_PARSE_ADD);
}

/* A del-flows/dump-flows selection. */
static struct flow_rule
parse_sel(const char *s)
{
    return parse_as(s, FLOW_PARSE_DEL);
}

static void
parse_bad(const char *s, const char *want)
{
    struct flow_rule r;
    char err[256] = "";

    if (flow_parse(s, FLOW_PARSE_ADD, &r, err, sizeof(err)) == 0)
        fail_msg("%s: accepted", s);
    if (strstr(err, want) == NULL)
        fail_msg("%s: error \"%s\" lacks \"%s\"", s, err, want);
}

/*
 * Every syntax the parser takes: the text, then what flow_format_rule()
 * prints for it (the state file's and dump-flows' form, ovs-ofctl's
 * spellings), which must parse back to the same rule.
 */
static void
test_parse_roundtrip(void **state)
{
    static const char *const cases[][2] = {
        { "priority=100,in_port=1,actions=drop", "priority=100,in_port=1 actions=drop" },
        { "tcp,nw_dst=10.0.0.0/24,tp_dst=80,actions=output:2",
          "priority=32768,tcp,nw_dst=10.0.0.0/24,tp_dst=80 actions=output:2" },
        { "ip nw_src=10.1.2.3/255.255.0.0 actions=normal",
          "priority=32768,ip,nw_src=10.1.0.0/16 actions=NORMAL" },
        { "priority=5,idle_timeout=10,hard_timeout=20,udp6,tp_src=53,actions=flood",
          "priority=5,idle_timeout=10,hard_timeout=20,udp6,tp_src=53 actions=FLOOD" },
        { "dl_vlan=0xffff,dl_src=02:00:00:00:00:01,actions=mod_vlan_vid:10,output:3",
          "priority=32768,vlan_tci=0x0000/0x1fff,dl_src=02:00:00:00:00:01 actions=mod_vlan_vid:10,output:3" },
        { "dl_type=0x0806,actions=strip_vlan,mod_dl_src:02:00:00:00:00:09,mod_dl_dst:02:00:00:00:00:0a,in_port",
          "priority=32768,arp actions=strip_vlan,mod_dl_src:02:00:00:00:00:09,mod_dl_dst:02:00:00:00:00:0a,IN_PORT" },
        { "dl_type=0x88cc,actions=", "priority=32768,dl_type=0x88cc actions=drop" },
        { "in_port=*,nw_src=ANY,actions=2", "priority=32768 actions=output:2" },
        { "icmp,tp_src=8,actions=drop", "priority=32768,icmp,icmp_type=8 actions=drop" },
        { "dl_src=01:00:00:00:00:00/01:00:00:00:00:00,dl_dst=02:00:00:00:00:00/ff:ff:00:00:00:00,actions=drop",
          "priority=32768,dl_src=01:00:00:00:00:00/01:00:00:00:00:00,dl_dst=02:00:00:00:00:00/ff:ff:00:00:00:00 actions=drop" },
        { "dl_vlan=10,dl_vlan_pcp=3,actions=drop", "priority=32768,dl_vlan=10,dl_vlan_pcp=3 actions=drop" },
        { "dl_vlan_pcp=7,actions=drop", "priority=32768,dl_vlan_pcp=7 actions=drop" },
        { "vlan_tci=0x1005/0x1fff,actions=drop", "priority=32768,dl_vlan=5 actions=drop" },
        { "vlan_tci=0x0000/0x1000,actions=drop", "priority=32768,vlan_tci=0x0000/0x1000 actions=drop" },
        { "arp,arp_spa=10.0.0.1,arp_tpa=10.0.0.0/24,arp_op=1,actions=drop",
          "priority=32768,arp,arp_spa=10.0.0.1,arp_tpa=10.0.0.0/24,arp_op=1 actions=drop" },
        { "arp,arp_sha=00:11:22:33:44:55,arp_tha=00:00:00:00:00:00/ff:00:00:00:00:00,actions=drop",
          "priority=32768,arp,arp_sha=00:11:22:33:44:55,arp_tha=00:00:00:00:00:00/ff:00:00:00:00:00 actions=drop" },
        { "arp,nw_src=10.0.0.1,actions=drop", "priority=32768,arp,arp_spa=10.0.0.1 actions=drop" },
        { "icmp,icmp_type=8,icmp_code=0,actions=drop",
          "priority=32768,icmp,icmp_type=8,icmp_code=0 actions=drop" },
        { "icmp6,icmp_type=128,icmp_code=0,actions=drop",
          "priority=32768,icmp6,icmp_type=128,icmp_code=0 actions=drop" },
        { "icmpv6,icmp_type=135,nd_target=fe80::1,actions=drop",
          "priority=32768,icmp6,icmp_type=135,nd_target=fe80::1 actions=drop" },
        { "icmp6,icmp_type=136,nd_target=2001:db8::/64,actions=drop",
          "priority=32768,icmp6,icmp_type=136,nd_target=2001:db8::/64 actions=drop" },
        { "ipv6,actions=drop", "priority=32768,ipv6 actions=drop" },
        { "tcp6,tp_dst=22,actions=drop", "priority=32768,tcp6,tp_dst=22 actions=drop" },
        { "udp6,tp_src=53,actions=drop", "priority=32768,udp6,tp_src=53 actions=drop" },
        { "ipv6,ipv6_src=2001:db8::/32,ipv6_dst=2001:db8::1/ffff:ffff::,actions=drop",
          "priority=32768,ipv6,ipv6_src=2001:db8::/32,ipv6_dst=2001:db8::/32 actions=drop" },
        { "ipv6,ipv6_src=::1,ipv6_dst=2001:db8:0:0:1::/ffff:0:ffff::,actions=drop",
          "priority=32768,ipv6,ipv6_src=::1,ipv6_dst=2001::/ffff:0:ffff:: actions=drop" },
        { "ipv6,ipv6_label=0x12345,actions=drop", "priority=32768,ipv6,ipv6_label=0x12345 actions=drop" },
        { "ipv6,ipv6_label=0x5/0xf,actions=drop",
          "priority=32768,ipv6,ipv6_label=0x00005/0x0000f actions=drop" },
        { "ip,nw_tos=32,actions=drop", "priority=32768,ip,nw_tos=32 actions=drop" },
        { "ip,ip_dscp=10,actions=drop", "priority=32768,ip,nw_tos=40 actions=drop" },
        { "ip,nw_ecn=3,actions=drop", "priority=32768,ip,nw_ecn=3 actions=drop" },
        { "ip,nw_ttl=64,actions=drop", "priority=32768,ip,nw_ttl=64 actions=drop" },
        { "ipv6,nw_tos=8,nw_ttl=1,actions=drop", "priority=32768,ipv6,nw_tos=8,nw_ttl=1 actions=drop" },
        { "tcp,tp_src=0x1000/0xf000,tp_dst=80,actions=drop",
          "priority=32768,tcp,tp_src=0x1000/0xf000,tp_dst=80 actions=drop" },
        { "udp,tp_dst=0x35/0xffff,actions=drop", "priority=32768,udp,tp_dst=53 actions=drop" },
        { "tcp,tcp_flags=+syn-ack,actions=drop", "priority=32768,tcp,tcp_flags=+syn-ack actions=drop" },
        { "tcp,tcp_flags=syn|ack,actions=drop", "priority=32768,tcp,tcp_flags=syn|ack actions=drop" },
        { "tcp,tcp_flags=0x002/0x012,actions=drop", "priority=32768,tcp,tcp_flags=+syn-ack actions=drop" },
        { "tcp,tcp_flags=+fin+rst-psh+ack+urg+ece+cwr+ns,actions=drop",
          "priority=32768,tcp,tcp_flags=+fin+rst-psh+ack+urg+ece+cwr+ns actions=drop" },
        { "tcp6,tcp_flags=0,actions=drop", "priority=32768,tcp6,tcp_flags=0 actions=drop" },
        { "sctp,tp_src=1,tp_dst=2,actions=drop", "priority=32768,sctp,tp_src=1,tp_dst=2 actions=drop" },
        { "sctp6,actions=drop", "priority=32768,sctp6 actions=drop" },
        { "metadata=0x5,actions=drop", "priority=32768,metadata=0x5 actions=drop" },
        { "metadata=0x5/0xff,actions=drop", "priority=32768,metadata=0x5/0xff actions=drop" },
        { "reg0=7,reg1=0x10/0xf0,reg2=1,reg3=2,reg4=3,reg5=4,reg6=5,reg7=0xffffffff,actions=drop",
          "priority=32768,reg0=0x7,reg1=0x10/0xf0,reg2=0x1,reg3=0x2,reg4=0x3,reg5=0x4,reg6=0x5,reg7=0xffffffff actions=drop" },
        { "eth_src=00:00:00:00:00:01,eth_type=0x0800,ip_proto=17,udp_dst=53,actions=drop",
          "priority=32768,udp,dl_src=00:00:00:00:00:01,tp_dst=53 actions=drop" },
        { "table=1,priority=5,in_port=LOCAL,actions=drop", "priority=5,table=1,in_port=LOCAL actions=drop" },
        { "table=3,actions=resubmit(,4),resubmit(2,5),resubmit:3,resubmit(LOCAL,7)",
          "priority=32768,table=3 actions=resubmit(,4),resubmit(2,5),resubmit:3,resubmit(LOCAL,7)" },
        { "actions=goto_table:7", "priority=32768 actions=goto_table:7" },
        { "table=2,actions=output:1,goto_table:254",
          "priority=32768,table=2 actions=output:1,goto_table:254" },
        { "send_flow_rem,cookie=0x5,actions=drop", "priority=32768,cookie=0x5,send_flow_rem actions=drop" },
        { "actions=push_vlan:0x8100,mod_vlan_vid:10,mod_vlan_pcp:3,output:2,pop_vlan,output:3",
          "priority=32768 actions=push_vlan:0x8100,mod_vlan_vid:10,mod_vlan_pcp:3,output:2,strip_vlan,output:3" },
        { "actions=mod_dl_src:00:00:00:00:00:01,mod_dl_dst:00:00:00:00:00:02,set_field:00:00:00:00:00:03->eth_dst,set_field:4->vlan_vid,set_field:5->vlan_pcp",
          "priority=32768 actions=mod_dl_src:00:00:00:00:00:01,mod_dl_dst:00:00:00:00:00:02,mod_dl_dst:00:00:00:00:00:03,mod_vlan_vid:4,mod_vlan_pcp:5" },
        { "ip,actions=mod_nw_src:10.0.0.1,mod_nw_dst:10.0.0.2,mod_nw_tos:16,mod_nw_ecn:1,mod_nw_ttl:9,dec_ttl,output:in_port",
          "priority=32768,ip actions=mod_nw_src:10.0.0.1,mod_nw_dst:10.0.0.2,mod_nw_tos:16,mod_nw_ecn:1,mod_nw_ttl:9,dec_ttl,IN_PORT" },
        { "tcp,actions=mod_tp_src:7,mod_tp_dst:80,set_field:8->tcp_src,set_field:9->tp_dst,normal",
          "priority=32768,tcp actions=mod_tp_src:7,mod_tp_dst:80,mod_tp_src:8,mod_tp_dst:9,NORMAL" },
        { "udp,actions=set_field:5->udp_src,set_field:10.0.0.9->ip_dst,set_field:10->ip_dscp,set_field:3->nw_ecn,set_field:3->nw_ttl",
          "priority=32768,udp actions=mod_tp_src:5,mod_nw_dst:10.0.0.9,set_field:10->ip_dscp,mod_nw_ecn:3,mod_nw_ttl:3" },
        { "ipv6,actions=set_field:2001:db8::1->ipv6_src,set_field:::2->ipv6_dst,set_field:0x123->ipv6_label,dec_ttl",
          "priority=32768,ipv6 actions=set_field:2001:db8::1->ipv6_src,set_field:::2->ipv6_dst,set_field:0x00123->ipv6_label,dec_ttl" },
        { "icmp6,icmp_type=135,actions=set_field:fe80::1->nd_target",
          "priority=32768,icmp6,icmp_type=135 actions=set_field:fe80::1->nd_target" },
        { "arp,actions=set_field:10.0.0.3->arp_spa,set_field:10.0.0.4->arp_tpa,set_field:2->arp_op,set_field:00:00:00:00:00:01->arp_sha,set_field:00:00:00:00:00:02->arp_tha",
          "priority=32768,arp actions=set_field:10.0.0.3->arp_spa,set_field:10.0.0.4->arp_tpa,set_field:2->arp_op,set_field:00:00:00:00:00:01->arp_sha,set_field:00:00:00:00:00:02->arp_tha" },
        { "icmp,actions=set_field:0->icmp_type,set_field:1->icmp_code",
          "priority=32768,icmp actions=set_field:0->icmp_type,set_field:1->icmp_code" },
        { "actions=set_field:0x5->reg0,set_field:0x8/0xf->metadata,set_field:0xffffffff->reg7",
          "priority=32768 actions=set_field:0x5->reg0,set_field:0x8/0xf->metadata,set_field:0xffffffff->reg7" },
        { "actions=output:LOCAL,local,LOCAL,all,flood,normal,in_port,IN_PORT,output:1,2,3",
          "priority=32768 actions=LOCAL,LOCAL,LOCAL,ALL,FLOOD,NORMAL,IN_PORT,IN_PORT,output:1,output:2,output:3" },
        { "actions=drop", "priority=32768 actions=drop" },
    };
    char buf[FLOW_TEXT_MAX];

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct flow_rule r = parse_ok(cases[i][0]), r2;

        flow_format_rule(&r, buf, sizeof(buf));
        if (strcmp(buf, cases[i][1]) != 0)
            fail_msg("%s\n  printed  %s\n  expected %s", cases[i][0], buf, cases[i][1]);
        r2 = parse_ok(buf);     /* What the state file replays. */
        if (!flow_rule_equal(&r, &r2))
            fail_msg("%s: reparsed %s to another rule", cases[i][0], buf);
    }
    /* ...and rules that differ anywhere are not the same rule. */
    for (size_t i = 0; i + 1 < sizeof(cases) / sizeof(cases[0]); i++) {
        struct flow_rule a = parse_ok(cases[i][0]), b = parse_ok(cases[i + 1][0]);

        assert_false(flow_rule_equal(&a, &b));
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
    parse_bad("priority=70000,actions=drop", "priority");
    parse_bad("frob,actions=drop", "unknown keyword");
    parse_bad("frob=1,actions=drop", "unknown field");
    parse_bad("actions=output:0", "output");
    parse_bad("actions=drop,output:1", "drop must be the only");
    parse_bad("actions=mod_vlan_vid:4096", "mod_vlan_vid");
    parse_bad("actions=teleport", "unknown action");
    parse_bad("table=255,actions=drop", "table");
    parse_bad("dl_src=01:00:00:00:00:00/01:00:00:00:00,actions=drop", "dl_src");
    parse_bad("dl_vlan_pcp=8,actions=drop", "dl_vlan_pcp");
    parse_bad("arp_spa=10.0.0.1,actions=drop", "arp_spa: prerequisites");
    parse_bad("ip,arp_op=1,actions=drop", "arp_op: prerequisites");
    parse_bad("ip,icmp_type=8,actions=drop", "icmp_type: prerequisites");
    parse_bad("icmp,icmp_type=256,actions=drop", "0-255");
    parse_bad("icmp6,nd_target=::1,actions=drop", "nd_target: prerequisites");
    parse_bad("ip,ipv6_src=::1,actions=drop", "ipv6_src: prerequisites");
    parse_bad("ipv6,ipv6_src=::1/129,actions=drop", "ipv6_src");
    parse_bad("ipv6,ipv6_label=0x100000,actions=drop", "ipv6_label");
    parse_bad("ip,ip_dscp=64,actions=drop", "ip_dscp");
    parse_bad("ip,nw_ttl=1/1,actions=drop", "nw_ttl");
    parse_bad("udp,tcp_flags=+syn,actions=drop", "tcp_flags: prerequisites");
    parse_bad("tcp,tcp_flags=+syn+syn,actions=drop", "tcp_flags");
    parse_bad("tcp,tcp_flags=syn|,actions=drop", "tcp_flags");
    parse_bad("tcp,tcp_flags=+bogus,actions=drop", "tcp_flags");
    parse_bad("tcp,tp_dst=80/0x10000,actions=drop", "tp_dst");
    parse_bad("reg8=1,actions=drop", "unknown field");
    parse_bad("metadata=0x1/0x10000000000000000,actions=drop", "metadata");
    parse_bad("ip,nw_tos=4,nw_tos=8,actions=drop", "conflicts");
    parse_bad("cookie=1/1,actions=drop", "mask is allowed only when selecting");
    parse_bad("actions=goto_table:1,output:1", "goto_table must be the last");
    parse_bad("table=2,actions=goto_table:1", "later table");
    parse_bad("actions=resubmit(,255)", "resubmit");
    parse_bad("actions=resubmit(,)", "resubmit");
    parse_bad("actions=resubmit(1,2", "resubmit");
    parse_bad("actions=push_vlan:0x88a8", "push_vlan");
    parse_bad("actions=mod_nw_src:10.0.0.1", "mod_nw_src: prerequisites");
    parse_bad("ip,actions=mod_tp_dst:80", "mod_tp_dst: prerequisites");
    parse_bad("sctp,actions=mod_tp_dst:80", "SCTP");
    parse_bad("actions=dec_ttl", "dec_ttl: prerequisites");
    parse_bad("actions=set_field:1->in_port", "cannot be set");
    parse_bad("actions=set_field:1->nosuch", "unknown field");
    parse_bad("actions=set_field:1", "set_field");
    parse_bad("ip,actions=mod_nw_src:10.0.0.1/8", "no mask");
    /* What the switch has not, refused by name. */
    parse_bad("actions=controller", "controller: not supported");
    parse_bad("actions=CONTROLLER:65535", "controller: not supported");
    parse_bad("actions=learn(table=1,NXM_OF_ETH_DST[])", "learn: not supported");
    parse_bad("ip,actions=ct(commit)", "ct: not supported");
    parse_bad("ct_state=+trk,actions=drop", "ct_state: not supported");
    parse_bad("actions=set_queue:1", "set_queue: not supported");
    parse_bad("actions=enqueue:1:2", "enqueue: not supported");
    /* Each action fits, but not the rule's text (the state file's line). */
    {
        char big[2048] = "ipv6,actions=";

        for (int i = 0; i < 15; i++)
            strcat(big, "set_field:ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffd->ipv6_src,");
        parse_bad(big, "too long");
    }
}

static struct flow_key
key_tcp(uint16_t in_port, uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport)
{
    struct flow_key k;

    memset(&k, 0, sizeof(k));
    k.in_port = in_port;
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
    uint64_t hits, misses;

    (void)state;
    assert_int_equal(flow_table_init(&t), 0);
    assert_null(flow_table_lookup(&t, 0, &k));
    r = parse_ok("priority=10,actions=normal");
    flow_table_add(&t, &r, 0);
    r = parse_ok("priority=100,tcp,nw_dst=10.0.1.0/24,tp_dst=80,actions=output:2");
    flow_table_add(&t, &r, 0);
    r = parse_ok("priority=50,in_port=1,actions=drop");
    flow_table_add(&t, &r, 0);
    got = flow_table_lookup(&t, 0, &k);
    assert_non_null(got);
    assert_int_equal(got->priority, 100);
    k.tp_dst = 81;
    assert_int_equal(flow_table_lookup(&t, 0, &k)->priority, 50);
    k.in_port = 2;
    assert_int_equal(flow_table_lookup(&t, 0, &k)->priority, 10);
    k = key_tcp(2, 1, 0x0a000201, 1, 80);   /* Outside the /24. */
    assert_int_equal(flow_table_lookup(&t, 0, &k)->priority, 10);
    /* Cache: a repeated key hits, a change to the table invalidates. */
    k = key_tcp(1, 0x0a000001, 0x0a000102, 40000, 80);
    assert_int_equal(flow_table_lookup(&t, 0, &k)->priority, 100);
    hits = t.cache_hits;
    misses = t.cache_misses;
    assert_int_equal(flow_table_lookup(&t, 0, &k)->priority, 100);
    assert_int_equal(t.cache_hits, hits + 1);
    assert_int_equal(t.cache_misses, misses);
    r = parse_ok("priority=100,tcp,nw_dst=10.0.1.0/24,tp_dst=80,actions=drop");
    flow_table_add(&t, &r, 0);           /* Same match and priority: replaces. */
    assert_int_equal(t.n, 3);
    assert_int_equal(flow_table_lookup(&t, 0, &k)->n_actions, 0);
    assert_int_equal(t.cache_hits, hits + 1);   /* The change emptied the cache: a miss. */
    assert_int_equal(t.cache_misses, misses + 1);
    /* Non-strict delete of in_port=1 takes only that rule; of "" all. */
    r = parse_sel("in_port=1");
    assert_int_equal(flow_table_del(&t, &r, false), 1);
    k = key_tcp(1, 1, 2, 3, 4);
    assert_int_equal(flow_table_lookup(&t, 0, &k)->priority, 10);
    k = key_tcp(1, 0x0a000001, 0x0a000102, 40000, 80);
    r = parse_sel("tcp");
    assert_int_equal(flow_table_del(&t, &r, true), 0);
    assert_int_equal(flow_table_del(&t, &r, false), 1);
    r = parse_sel("");
    assert_int_equal(flow_table_del(&t, &r, false), 1);
    assert_null(flow_table_lookup(&t, 0, &k));
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
        assert_int_equal(flow_table_lookup(&t, 0, &k)->actions[0].port, 1 + i % 5);
    }
    r = parse_ok("priority=1000,dl_vlan=0xffff,actions=drop");
    flow_table_add(&t, &r, 0);
    k = key_tcp(1, 1, 2, 3, 1000);
    k.nw_proto = 17;
    assert_int_equal(flow_table_lookup(&t, 0, &k)->priority, 1000);
    k.vlan_tci = FLOW_TCI_PRESENT | 10;
    assert_int_equal(flow_table_lookup(&t, 0, &k)->priority, 100);
    flow_table_destroy(&t);
}

/* Masked fields, the new key fields, several tables, and selection by cookie/mask and table. */
static void
test_masks_tables_cookies(void **state)
{
    struct flow_table t;
    struct flow_rule r, sel;
    struct flow_key k = key_tcp(1, 0x0a000001, 0x0a000102, 40000, 80);
    static const char *const rules[] = {
        "priority=10,tcp,tp_dst=0x50/0xfff0,tcp_flags=+syn-ack,actions=output:1",
        "priority=5,cookie=0x12,dl_dst=01:00:00:00:00:00/01:00:00:00:00:00,actions=output:2",
        "table=1,priority=5,reg0=0x7,actions=output:3",
        "table=1,priority=1,cookie=0x22,actions=drop",
        "priority=20,ipv6,ipv6_src=2001:db8::/32,actions=output:4",
        "priority=20,arp,arp_tpa=10.0.0.0/24,arp_op=1,arp_sha=02:00:00:00:00:00/ff:00:00:00:00:00,actions=output:5",
        "priority=20,ip,nw_tos=0x20,nw_ecn=1,actions=output:6",
        "priority=20,dl_vlan=10,dl_vlan_pcp=5,actions=output:7",
    };
    const struct flow_rule *got;

    (void)state;
    assert_int_equal(flow_table_init(&t), 0);
    for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
        r = parse_ok(rules[i]);
        assert_int_equal(flow_table_add(&t, &r, 0), 0);
    }
    k.tcp_flags = 0x002;                /* SYN */
    assert_int_equal(flow_table_lookup(&t, 0, &k)->priority, 10);
    k.tp_dst = 0x5f;
    assert_int_equal(flow_table_lookup(&t, 0, &k)->priority, 10);
    k.tp_dst = 0x60;
    assert_null(flow_table_lookup(&t, 0, &k));
    k.dl_dst[0] = 0x01;                 /* Multicast. */
    assert_int_equal(flow_table_lookup(&t, 0, &k)->priority, 5);
    k.tp_dst = 80;
    k.tcp_flags = 0x012;                /* SYN-ACK: not +syn-ack. */
    assert_int_equal(flow_table_lookup(&t, 0, &k)->priority, 5);
    k.dl_dst[0] = 0;
    k.nw_tos = 0x21;
    assert_int_equal(flow_table_lookup(&t, 0, &k)->actions[0].port, 6);
    k.nw_tos = 0x22;
    assert_null(flow_table_lookup(&t, 0, &k));
    k.vlan_tci = FLOW_TCI_PRESENT | 5 << 13 | 10;
    assert_int_equal(flow_table_lookup(&t, 0, &k)->actions[0].port, 7);
    k.vlan_tci = FLOW_TCI_PRESENT | 4 << 13 | 10;
    assert_null(flow_table_lookup(&t, 0, &k));

    /* Table 1 sees only its own rules; registers select. */
    k.regs[0] = 7;
    assert_int_equal(flow_table_lookup(&t, 1, &k)->actions[0].port, 3);
    k.regs[0] = 8;
    assert_int_equal(flow_table_lookup(&t, 1, &k)->priority, 1);
    assert_null(flow_table_lookup(&t, 2, &k));

    memset(&k, 0, sizeof(k));
    k.dl_type = 0x86dd;
    k.ipv6_src[0] = 0x20, k.ipv6_src[1] = 0x01, k.ipv6_src[2] = 0x0d, k.ipv6_src[3] = 0xb8;
    k.ipv6_src[15] = 5;
    assert_int_equal(flow_table_lookup(&t, 0, &k)->actions[0].port, 4);
    k.ipv6_src[3] = 0xb9;
    assert_null(flow_table_lookup(&t, 0, &k));

    memset(&k, 0, sizeof(k));
    k.dl_type = 0x0806;
    k.nw_proto = 1;
    k.nw_dst = 0x0a000009;
    k.arp_sha[0] = 0x02, k.arp_sha[5] = 0x33;
    assert_int_equal(flow_table_lookup(&t, 0, &k)->actions[0].port, 5);
    k.nw_proto = 2;
    assert_null(flow_table_lookup(&t, 0, &k));

    /* cookie=V/MASK selects in every table; table=N in one. */
    sel = parse_sel("cookie=0x2/0xf");
    got = NULL;
    for (size_t i = 0; i < t.n; i++)
        if (flow_rule_selected(&sel, &t.rules[i], false))
            got = &t.rules[i];
    assert_non_null(got);
    assert_int_equal(flow_table_del(&t, &sel, false), 2);
    sel = parse_sel("table=1");
    assert_int_equal(flow_table_del(&t, &sel, false), 1);
    assert_int_equal(t.n, 5);
    sel = parse_sel("table=0,ip");
    assert_int_equal(flow_table_del(&t, &sel, false), 2);   /* tcp... and ip,nw_tos... */
    flow_table_destroy(&t);
}

/* The cache keeps only the bits some rule matches: keys that differ elsewhere share an entry. */
static void
test_cache_masks(void **state)
{
    struct flow_table t;
    struct flow_rule r;
    struct flow_key a = key_tcp(1, 0x0a000001, 0x0a000002, 40000, 80), b = a;

    (void)state;
    assert_int_equal(flow_table_init(&t), 0);
    r = parse_ok("priority=10,in_port=1,actions=output:2");
    flow_table_add(&t, &r, 0);
    b.tp_dst = 81;
    b.ipv6_src[7] = 1;
    b.regs[3] = 9;
    assert_int_equal(flow_table_lookup(&t, 0, &a)->priority, 10);
    t.cache_hits = 0;
    assert_int_equal(flow_table_lookup(&t, 0, &b)->priority, 10);
    assert_int_equal(t.cache_hits, 1);
    b.in_port = 2;
    assert_null(flow_table_lookup(&t, 0, &b));
    b.in_port = 1;
    /* A rule on another field: now the keys differ for the cache too. */
    r = parse_ok("priority=20,tcp,tp_dst=81,actions=drop");
    flow_table_add(&t, &r, 0);
    assert_int_equal(flow_table_lookup(&t, 0, &a)->priority, 10);
    assert_int_equal(flow_table_lookup(&t, 0, &b)->priority, 20);
    assert_int_equal(flow_table_lookup(&t, 0, &a)->priority, 10);
    r = parse_sel("tp_dst=81,tcp");
    assert_int_equal(flow_table_del(&t, &r, false), 1);
    assert_int_equal(flow_table_lookup(&t, 0, &b)->priority, 10);
    flow_table_destroy(&t);
}

/*
 * Rules of scattered tables, added out of order: a lookup (table_start()'s
 * binary search, then the cache) sees only its own table's rules, at the
 * first and last table too, and an empty table between others matches
 * nothing.
 */
static void
test_tables_apart(void **state)
{
    static const char *const rules[] = {
        "table=7,priority=5,actions=output:70",
        "table=254,priority=5,actions=output:254",
        "priority=5,actions=output:1",
        "table=3,priority=1,actions=output:31",
        "table=3,priority=9,in_port=1,actions=output:39",
        "table=7,priority=9,in_port=2,actions=output:79",
    };
    /* Table, then the port its rule outputs to for in_port 1 and 2 (0: no rule). */
    static const uint16_t want[][3] = {
        { 0, 1, 1 }, { 1, 0, 0 }, { 2, 0, 0 }, { 3, 39, 31 }, { 4, 0, 0 },
        { 7, 70, 79 }, { 8, 0, 0 }, { 253, 0, 0 }, { 254, 254, 254 },
    };
    struct flow_table t;
    struct flow_rule r;

    (void)state;
    assert_int_equal(flow_table_init(&t), 0);
    for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
        r = parse_ok(rules[i]);
        assert_int_equal(flow_table_add(&t, &r, 0), 0);
    }
    for (size_t i = 1; i < t.n; i++)
        assert_true(t.rules[i - 1].table_id <= t.rules[i].table_id);
    for (int pass = 0; pass < 2; pass++) {      /* The second from the cache. */
        for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
            for (uint16_t in = 1; in <= 2; in++) {
                struct flow_key k = key_tcp(in, 0x0a000001, 0x0a000002, 40000, 80);
                const struct flow_rule *got = flow_table_lookup(&t, (uint8_t)want[i][0], &k);

                if (want[i][in] == 0) {
                    assert_null(got);
                } else {
                    assert_non_null(got);
                    assert_int_equal(got->table_id, want[i][0]);
                    assert_int_equal(got->actions[0].port, want[i][in]);
                }
            }
        }
    }
    assert_true(t.cache_hits > 0);
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
    other = parse_sel("priority=8");    /* Covers every rule, equals none. */
    assert_int_equal(flow_table_del(&t, &other, true), 0);
    other = parse_sel("priority=9,in_port=1");
    assert_int_equal(flow_table_del(&t, &other, true), 0);
    other = parse_sel("priority=8,in_port=1");
    assert_int_equal(flow_table_del(&t, &other, true), 1);
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
        cmocka_unit_test(test_masks_tables_cookies),
        cmocka_unit_test(test_cache_masks),
        cmocka_unit_test(test_tables_apart),
        cmocka_unit_test(test_timeouts),
        cmocka_unit_test(test_strict_delete_and_expire_many),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
