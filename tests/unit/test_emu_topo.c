/*
 * emu_topo: Mininet's minimal and torus topologies (names, order, ports),
 * what net/nodes/intfs/ports print for them, and the spanning tree that
 * makes a torus loop-free (every switch has a way to every host on it).
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

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_minimal),
        cmocka_unit_test(test_torus),
        cmocka_unit_test(test_span),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
