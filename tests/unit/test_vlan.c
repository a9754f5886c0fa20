/*
 * vlan: which frames a port takes in and how they leave it, for each
 * vlan_mode as Open vSwitch's vswitch.conf.db(5) describes them, and the
 * mode names both ways.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "vlan.h"

/* A port with 'mode', native/access VLAN 'tag' and trunks 'trunks' ("" for none). */
static struct vlan_cfg
port(const char *mode, uint16_t tag, const char *trunks)
{
    struct vlan_cfg c;

    vlan_cfg_init(&c);
    assert_int_equal(vlan_parse_mode(&c, mode), 0);
    c.tag = tag;
    assert_int_equal(vlan_parse_trunks(&c, trunks), 0);
    return c;
}

/* The VLAN a frame gets on ingress, or -1 if dropped. */
static int
in(const struct vlan_cfg *c, bool tagged, uint16_t vid)
{
    uint16_t v;

    return vlan_ingress(c, tagged, vid, &v) ? v : -1;
}

/* How a frame of 'vlan' leaves: 0 dropped, 1 untagged, 2 tagged. */
static int
out(const struct vlan_cfg *c, uint16_t vlan)
{
    bool tagged;

    return vlan_egress(c, vlan, &tagged) ? 1 + tagged : 0;
}

static void
test_access(void **state)
{
    struct vlan_cfg c = port("access", 10, "20");     /* trunks are ignored */

    (void)state;
    assert_int_equal(in(&c, false, 0), 10);
    assert_int_equal(in(&c, true, 0), 10);            /* priority-tagged */
    assert_int_equal(in(&c, true, 10), -1);
    assert_int_equal(in(&c, true, 20), -1);
    assert_int_equal(out(&c, 10), 1);
    assert_int_equal(out(&c, 20), 0);
    assert_int_equal(out(&c, 0), 0);
}

static void
test_trunk(void **state)
{
    struct vlan_cfg c = port("trunk", 10, "20,30");   /* tag is ignored */
    struct vlan_cfg all = port("trunk", 0, "");

    (void)state;
    assert_int_equal(in(&c, false, 0), 0);
    assert_int_equal(in(&c, true, 20), 20);
    assert_int_equal(in(&c, true, 10), -1);
    assert_int_equal(out(&c, 20), 2);
    assert_int_equal(out(&c, 10), 0);
    assert_int_equal(out(&c, 0), 1);
    assert_int_equal(in(&all, true, 4095), 4095);
    assert_int_equal(out(&all, 4095), 2);
}

static void
test_native(void **state)
{
    struct vlan_cfg t = port("native-tagged", 10, "20");
    struct vlan_cfg u = port("native-untagged", 10, "20");

    (void)state;
    /* Untagged frames are in the native VLAN; it is carried without being among the trunks. */
    assert_int_equal(in(&t, false, 0), 10);
    assert_int_equal(in(&u, false, 0), 10);
    assert_int_equal(in(&t, true, 10), 10);
    assert_int_equal(in(&u, true, 20), 20);
    assert_int_equal(in(&t, true, 30), -1);
    /* The native VLAN leaves tagged from native-tagged, untagged from native-untagged. */
    assert_int_equal(out(&t, 10), 2);
    assert_int_equal(out(&u, 10), 1);
    assert_int_equal(out(&t, 20), 2);
    assert_int_equal(out(&u, 20), 2);
    assert_int_equal(out(&t, 30), 0);
    assert_int_equal(out(&u, 0), 0);
}

static void
test_auto(void **state)
{
    /* No vlan_mode: tag alone is an access port, tag with trunks a native-untagged one. */
    struct vlan_cfg a = port("", 10, ""), n = port("", 10, "20");

    (void)state;
    assert_int_equal(in(&a, true, 10), -1);
    assert_int_equal(out(&a, 10), 1);
    assert_int_equal(in(&n, true, 20), 20);
    assert_int_equal(out(&n, 10), 1);
    assert_int_equal(out(&n, 20), 2);
}

static void
test_names(void **state)
{
    static const char *const names[] = { "", "access", "trunk", "native-tagged", "native-untagged" };
    struct vlan_cfg c;

    (void)state;
    vlan_cfg_init(&c);
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        assert_int_equal(vlan_parse_mode(&c, names[i]), 0);
        assert_string_equal(vlan_mode_name(&c), names[i]);
    }
    assert_int_equal(vlan_parse_mode(&c, "dot1q-tunnel"), EINVAL);
    assert_int_equal(vlan_parse_mode(&c, "Access"), EINVAL);
    assert_string_equal(vlan_mode_name(&c), "native-untagged");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_access),
        cmocka_unit_test(test_trunk),
        cmocka_unit_test(test_native),
        cmocka_unit_test(test_auto),
        cmocka_unit_test(test_names),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
