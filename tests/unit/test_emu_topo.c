/*
 * emu_topo: Mininet's minimal and torus topologies (names, order, ports),
 * what net/nodes/intfs/ports print for them, and the spanning tree that
 * makes a torus loop-free (every switch has a way to every host on it);
 * MiniEdit's .mn files and the link settings (Mininet's TCLink options) of
 * --link and of a topology file's links, read and refused.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "emu.h"

/* What 'print' writes for 't'. */
static char *
printed(const struct emu_topo *t, void (*print)(const struct emu_topo *, FILE *))
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);

    assert_non_null(f);
    print(t, f);
    fclose(f);
    return buf;
}

static void
test_minimal(void **state)
{
    struct emu_topo t;
    char err[256], *s;

    (void)state;
    assert_int_equal(topo_build(&t, "minimal", err, sizeof(err)), 0);
    assert_string_equal(t.desc, "minimal");
    assert_int_equal(t.nhosts, 2);
    assert_int_equal(t.nswitches, 1);
    /* Mininet 2.3's "net", "nodes", "intfs", "ports" (hosts first, then switches). */
    s = printed(&t, topo_print_net);
    assert_string_equal(s, "h1 h1-eth0:s1-eth1\nh2 h2-eth0:s1-eth2\n"
        "s1 lo:  s1-eth1:h1-eth0 s1-eth2:h2-eth0\n");
    free(s);
    s = printed(&t, topo_print_nodes);
    assert_string_equal(s, "available nodes are: \nh1 h2 s1\n");
    free(s);
    s = printed(&t, topo_print_intfs);
    assert_string_equal(s, "h1: h1-eth0\nh2: h2-eth0\ns1: lo,s1-eth1,s1-eth2\n");
    free(s);
    s = printed(&t, topo_print_ports);
    assert_string_equal(s, "s1 lo:0 s1-eth1:1 s1-eth2:2 \n");
    free(s);
    topo_free(&t);
    assert_int_equal(topo_build(&t, "minimal,2", err, sizeof(err)), -1);
}

static void
test_torus(void **state)
{
    struct emu_topo t;
    char err[256];
    int s11, h22;

    (void)state;
    assert_int_equal(topo_build(&t, "torus,3,3", err, sizeof(err)), 0);
    assert_int_equal(t.nswitches, 9);
    assert_int_equal(t.nhosts, 9);
    assert_int_equal(t.nlinks, 9 + 18);
    /* Mininet's TorusTopo: sIxJ with its host hIxJ, row by row. */
    assert_string_equal(t.node[0].name, "s1x1");
    assert_string_equal(t.node[1].name, "h1x1");
    assert_string_equal(t.node[2].name, "s1x2");
    h22 = topo_find(&t, "h2x2");
    assert_int_equal(t.node[h22].ip, (10u << 24) + 5);
    assert_int_equal(t.node[h22].mac[5], 5);
    /* s1x1: its host, then right and down, then the wrap-arounds from s1x3 and s3x1. */
    s11 = topo_find(&t, "s1x1");
    assert_int_equal(t.node[s11].nports, 5);
    for (int j = 0; j < t.nlinks; j++) {
        const struct emu_link *l = &t.link[j];

        if (l->a == s11 && l->b == topo_find(&t, "s1x2"))
            assert_int_equal(l->a_port, 2);
        if (l->a == s11 && l->b == topo_find(&t, "s2x1"))
            assert_int_equal(l->a_port, 3);
        if (l->a == topo_find(&t, "s1x3") && l->b == s11)
            assert_int_equal(l->b_port, 4);
        if (l->a == topo_find(&t, "s3x1") && l->b == s11)
            assert_int_equal(l->b_port, 5);
    }
    topo_free(&t);

    assert_int_equal(topo_build(&t, "torus,3,3,2", err, sizeof(err)), 0);
    assert_int_equal(t.nhosts, 18);
    assert_true(topo_find(&t, "h3x3x2") >= 0);
    topo_free(&t);
    /* Mininet refuses tori smaller than 3x3. */
    assert_int_equal(topo_build(&t, "torus,2,3", err, sizeof(err)), -1);
    assert_non_null(strstr(err, "3 or more"));
    assert_int_equal(topo_build(&t, "torus,3", err, sizeof(err)), -1);
    /* A number too many, or a sign or space before one, is refused, not passed over. */
    assert_int_equal(topo_build(&t, "torus,3,3,1,9", err, sizeof(err)), -1);
    assert_int_equal(topo_build(&t, "tree, 2,2", err, sizeof(err)), -1);
    assert_int_equal(topo_build(&t, "linear,+3", err, sizeof(err)), -1);
}

/* The tree leaves every switch a way to every host, and no loop. */
static void
test_span(void **state)
{
    struct emu_topo t;
    char err[256];
    int *port, blocked = 0;

    (void)state;
    assert_int_equal(topo_build(&t, "tree,2,3", err, sizeof(err)), 0);
    assert_int_equal(topo_span(&t), 0);
    topo_free(&t);
    assert_int_equal(topo_build(&t, "torus,4,3", err, sizeof(err)), 0);
    /* 24 switch links, 12 switches: 11 on the tree, 13 blocked. */
    assert_int_equal(topo_span(&t), 13);
    for (int j = 0; j < t.nlinks; j++) {
        blocked += t.link[j].blocked;
        if (t.node[t.link[j].a].kind == EMU_HOST)
            assert_false(t.link[j].blocked);
    }
    assert_int_equal(blocked, 13);
    port = calloc((size_t)t.nnodes, sizeof(*port));
    assert_non_null(port);
    for (int h = 0; h < t.nnodes; h++) {
        if (t.node[h].kind != EMU_HOST)
            continue;
        assert_int_equal(topo_toward(&t, h, port), 0);
        /* From each switch, following the ports reaches h in fewer hops than nodes. */
        for (int sw = 0; sw < t.nnodes; sw++) {
            int at = sw, hops = 0;

            if (t.node[sw].kind != EMU_SWITCH)
                continue;
            while (at != h && hops++ < t.nnodes) {
                int next = -1;

                assert_true(port[at] > 0);
                for (int j = 0; j < t.nlinks && next < 0; j++) {
                    const struct emu_link *l = &t.link[j];

                    if (l->blocked)
                        continue;
                    if (l->a == at && l->a_port == port[at])
                        next = l->b;
                    else if (l->b == at && l->b_port == port[at])
                        next = l->a;
                }
                assert_true(next >= 0);
                at = next;
            }
            assert_int_equal(at, h);
        }
    }
    free(port);
    topo_free(&t);
}

/* topo_read() of 'text'; 0 or -1 with the message in 'err'. */
static int
read_text(struct emu_topo *t, const char *text, char *err, size_t errlen)
{
    FILE *f = fmemopen((void *)text, strlen(text), "r");
    int e;

    assert_non_null(f);
    err[0] = '\0';
    e = topo_read(t, f, "lab.mn", err, errlen);
    fclose(f);
    return e;
}

/* Two hosts, one switch and links with options, as MiniEdit 2.2 saves them. */
static const char mn_lab[] =
    "{\n"
    "    \"application\": { \"dpctl\": \"\", \"ipBase\": \"10.0.0.0/8\", \"startCLI\": \"0\" },\n"
    "    \"controllers\": [ { \"opts\": { \"hostname\": \"c0\", \"remotePort\": 6633 },"
    " \"x\": \"1.0\", \"y\": \"2.0\" } ],\n"
    "    \"hosts\": [\n"
    "        { \"number\": \"1\", \"opts\": { \"hostname\": \"h1\", \"nodeNum\": 1,"
    " \"sched\": \"host\", \"ip\": \"192.168.5.1/24\" }, \"x\": \"1\", \"y\": \"2\" },\n"
    "        { \"number\": \"3\", \"opts\": { \"hostname\": \"h3\", \"nodeNum\": 3 } } ],\n"
    "    \"links\": [\n"
    "        { \"src\": \"h1\", \"dest\": \"s1\", \"opts\": { \"bw\": 10, \"delay\": \"5ms\","
    " \"loss\": 1.5, \"max_queue_size\": 100, \"jitter\": \"1ms\", \"speedup\": 0 } },\n"
    "        { \"src\": \"s1\", \"dest\": \"h3\", \"opts\": {} } ],\n"
    "    \"switches\": [ { \"number\": \"1\", \"opts\": { \"controllers\": [ \"c0\" ],"
    " \"hostname\": \"s1\", \"nodeNum\": 1, \"switchType\": \"default\","
    " \"dpid\": \"0000000000000001\" } } ],\n"
    "    \"version\": \"2\"\n"
    "}\n";

/* A host link's vlan= is one VLAN: "vlan=10,20" was taken as VLAN 10. */
static void
test_vlan_list(void **state)
{
    struct emu_topo t;
    char err[256];

    (void)state;
    assert_int_equal(read_text(&t, "switch s1\nhost h1\nlink h1 s1 vlan=10,20\n", err,
        sizeof(err)), -1);
    assert_non_null(strstr(err, "lab.mn:3: bad option vlan=10,20"));
    assert_int_equal(read_text(&t, "switch s1\nhost h1\nlink h1 s1 vlan=10\n", err,
        sizeof(err)), 0);
    topo_free(&t);
}

static void
test_mn(void **state)
{
    struct emu_topo t;
    char err[256], set[128];
    int h1, h3, s1;

    (void)state;
    assert_int_equal(read_text(&t, mn_lab, err, sizeof(err)), 0);
    assert_int_equal(t.nhosts, 2);
    assert_int_equal(t.nswitches, 1);
    assert_int_equal(t.nlinks, 2);
    h1 = topo_find(&t, "h1");
    h3 = topo_find(&t, "h3");
    s1 = topo_find(&t, "s1");
    assert_true(h1 >= 0 && h3 >= 0 && s1 >= 0);
    assert_int_equal(t.node[h1].ip, (192u << 24) + (168u << 16) + (5u << 8) + 1);
    assert_int_equal(t.node[h1].plen, 24);
    /* No "ip": MiniEdit's ipBase 10.0.0.0/8 plus the host's number. */
    assert_int_equal(t.node[h3].ip, (10u << 24) + 3);
    assert_int_equal(t.node[h3].plen, 8);
    /* The link from s1 to h3 is the host's, switch port 2, as Mininet numbers it. */
    assert_int_equal(t.link[1].a, h3);
    assert_int_equal(t.link[1].b, s1);
    assert_int_equal(t.link[1].b_port, 2);
    assert_true(t.link[1].host_second);
    assert_int_equal(t.link[1].shape.set, 0);
    assert_int_equal(t.link[0].shape.set, SHAPE_BW | SHAPE_DELAY | SHAPE_JITTER | SHAPE_LOSS |
        SHAPE_QUEUE);
    assert_string_equal(shape_str(&t.link[0].shape, set, sizeof(set)),
        "bw=10 delay=5ms jitter=1ms loss=1.5 max_queue_size=100");
    topo_free(&t);
}

/* Each of these .mn texts is refused with a message holding 'why'. */
static void
test_mn_bad(void **state)
{
    static const struct { const char *text, *why; } cases[] = {
        { "{", "lab.mn:1: JSON: unterminated object" },
        { "{ 1: 2 }", "expected a key" },
        { "{\n\"hosts\": [ }", "lab.mn:2: JSON: expected a value" },
        { "{\"hosts\": []} x", "more after the JSON value" },
        { "{\"a\": \"\\x\"}", "bad escape" },
        { "{\"a\": 01}", "bad number" },
        { "{\"a\": -}", "bad number" },
        { "{\"a\": 1.}", "bad number" },
        { "{\"a\": 2e+}", "bad number" },
        { "{\"a\": -1.5E+3, \"b\": 0, \"hosts\": {}}", "lab.mn: hosts: not an array" },
        { "{\"a\": [1,]}", "expected a value" },
        { "{\"hosts\": [ 1 ]}", "hosts[0]: no \"opts\" object" },
        { "{\"hosts\": {}}", "lab.mn: hosts: not an array" },
        { "{\"hosts\": [ {\"opts\": {}} ]}", "hosts[0]: no \"hostname\"" },
        { "{\"hosts\": [ {\"opts\": {\"hostname\": \"h 1\"}} ]}", "letters, digits and '_' only" },
        { "{\"hosts\": [ {\"opts\": {\"hostname\": \"h1\", \"ip\": \"10.0.0.300\"}} ]}",
          "bad \"ip\"" },
        { "{\"hosts\": [ {\"opts\": {\"hostname\": \"h1\"}} ]}", "host h1 has no link" },
        { "{\"switches\": [ {\"opts\": {\"hostname\": \"r1\", \"switchType\": \"legacyRouter\"}} ]}",
          "legacy router" },
        { "{\"hosts\": [ {\"opts\": {\"hostname\": \"h1\"}} ], \"switches\": [ {\"opts\":"
          " {\"hostname\": \"s1\"}} ], \"links\": [ {\"src\": \"h1\", \"dest\": \"s2\"} ]}",
          "links[0]: link needs two defined nodes" },
        { "{\"hosts\": [ {\"opts\": {\"hostname\": \"h1\"}} ], \"switches\": [ {\"opts\":"
          " {\"hostname\": \"s1\"}} ], \"links\": [ {\"src\": \"h1\", \"dest\": \"s1\","
          " \"opts\": {\"bw\": 5000}} ]}", "bw=5000: bw is Mbit/s" },
        { "{\"hosts\": [ {\"opts\": {\"hostname\": \"h1\"}} ], \"switches\": [ {\"opts\":"
          " {\"hostname\": \"s1\"}} ], \"links\": [ {\"src\": \"h1\", \"dest\": \"s1\","
          " \"opts\": {\"color\": \"red\"}} ]}", "option \"color\": not emulated" },
        { "{\"hosts\": [ {\"opts\": {\"hostname\": \"h1\"}} ], \"switches\": [ {\"opts\":"
          " {\"hostname\": \"s1\"}} ], \"links\": [ {\"src\": \"h1\", \"dest\": \"s1\","
          " \"opts\": {\"speedup\": 2}} ]}", "option \"speedup\": not emulated" },
        { "{\"switches\": [ {\"opts\": {\"hostname\": \"s1\"}} ]}", "no hosts" },
    };
    char deep[200];
    struct emu_topo t;
    char err[256];

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        assert_int_equal(read_text(&t, cases[i].text, err, sizeof(err)), -1);
        if (strstr(err, cases[i].why) == NULL)
            fail_msg("%s: '%s' does not say '%s'", cases[i].text, err, cases[i].why);
        assert_null(t.node);
    }
    /* Nesting is bounded. */
    memset(deep, '[', sizeof(deep) - 1);
    deep[0] = '{';
    deep[sizeof(deep) - 1] = '\0';
    memcpy(deep + 1, "\"a\":", 4);
    assert_int_equal(read_text(&t, deep, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "nested too deep"));
}

/* Link settings: --link's syntax, a topology file's link line, and what --link gives the others. */
static void
test_link_settings(void **state)
{
    static const char file[] =
        "switch s1\nhost h1\nhost h2\n"
        "link h1 s1 bw=2.5 max_queue_size=20 delay=1s\n"
        "link h2 s1\n";
    struct emu_shape d;
    struct emu_topo t;
    char err[256], set[128];

    (void)state;
    assert_int_equal(shape_spec(&d, "tc,bw=10,delay=250us,loss=0,max_queue_size=7", err,
        sizeof(err)), 0);
    assert_string_equal(shape_str(&d, set, sizeof(set)),
        "bw=10 delay=250us loss=0 max_queue_size=7");
    assert_int_equal(shape_spec(&d, "default", err, sizeof(err)), 0);
    assert_int_equal(d.set, 0);
    assert_int_equal(shape_spec(&d, "tc", err, sizeof(err)), 0);
    assert_int_equal(d.set, 0);
    /* tc reads a bare time as microseconds. */
    assert_int_equal(shape_spec(&d, "tc,delay=5", err, sizeof(err)), 0);
    assert_int_equal(d.delay_us, 5);
    assert_int_equal(shape_spec(&d, "tc,bw=0", err, sizeof(err)), -1);
    assert_int_equal(shape_spec(&d, "tc,loss=101", err, sizeof(err)), -1);
    assert_int_equal(shape_spec(&d, "tc,max_queue_size=1.5", err, sizeof(err)), -1);
    assert_int_equal(shape_spec(&d, "tc,delay=5parsecs", err, sizeof(err)), -1);
    assert_int_equal(shape_spec(&d, "tc,delay=-5ms", err, sizeof(err)), -1);
    assert_int_equal(shape_spec(&d, "tc,delay=0x10ms", err, sizeof(err)), -1);
    assert_int_equal(shape_spec(&d, "tc,bw=0x10", err, sizeof(err)), -1);
    assert_int_equal(shape_spec(&d, "tc,bw=1e1,delay=1.5ms", err, sizeof(err)), 0);
    assert_int_equal(d.delay_us, 1500);
    assert_int_equal(shape_spec(&d, "tcu,bw=1", err, sizeof(err)), -1);
    assert_int_equal(shape_spec(&d, "tc,speed=1", err, sizeof(err)), -1);
    assert_non_null(strstr(err, "--link speed=1: unknown"));

    assert_int_equal(read_text(&t, file, err, sizeof(err)), 0);
    assert_string_equal(shape_str(&t.link[0].shape, set, sizeof(set)),
        "bw=2.5 delay=1s max_queue_size=20");
    /* --link fills in what a link does not set itself. */
    assert_int_equal(shape_spec(&d, "tc,bw=10,loss=1", err, sizeof(err)), 0);
    shape_default(&t, &d);
    assert_string_equal(shape_str(&t.link[0].shape, set, sizeof(set)),
        "bw=2.5 delay=1s loss=1 max_queue_size=20");
    assert_string_equal(shape_str(&t.link[1].shape, set, sizeof(set)), "bw=10 loss=1");
    topo_free(&t);
    assert_int_equal(read_text(&t, "switch s1\nhost h1\nlink h1 s1 loss=x\n", err, sizeof(err)),
        -1);
    assert_non_null(strstr(err, "lab.mn:3: loss=x: loss is a percentage"));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_minimal),
        cmocka_unit_test(test_torus),
        cmocka_unit_test(test_span),
        cmocka_unit_test(test_vlan_list),
        cmocka_unit_test(test_mn),
        cmocka_unit_test(test_mn_bad),
        cmocka_unit_test(test_link_settings),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
