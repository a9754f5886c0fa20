/* allow: the --allow networks, IPv4 and IPv6, and what they let in. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <string.h>

#include "../../collector/allow.h"

static struct allow a;
static char err[200];

/* Whether the text address 's' is allowed by 'a'. */
static bool
allowed(const char *s)
{
    uint8_t addr[16];

    if (inet_pton(AF_INET, s, addr) == 1)
        return allow_match(&a, 4, addr);
    assert_int_equal(inet_pton(AF_INET6, s, addr), 1);
    return allow_match(&a, 6, addr);
}

static void
test_networks(void **state)
{
    (void)state;
    memset(&a, 0, sizeof(a));
    assert_int_equal(allow_add(&a, "192.0.2.0/24", err, sizeof(err)), 0);
    /* Host bits are cleared: this is 10.0.0.0/8. */
    assert_int_equal(allow_add(&a, "10.1.2.3/8", err, sizeof(err)), 0);
    assert_int_equal(allow_add(&a, "198.51.100.7", err, sizeof(err)), 0);
    assert_int_equal(allow_add(&a, "2001:db8:80::/41", err, sizeof(err)), 0);
    assert_true(allowed("192.0.2.0"));
    assert_true(allowed("192.0.2.255"));
    assert_false(allowed("192.0.3.1"));
    assert_true(allowed("10.255.255.255"));
    assert_false(allowed("11.0.0.1"));
    assert_true(allowed("198.51.100.7"));
    assert_false(allowed("198.51.100.6"));
    /* /41: the first bit of the sixth byte counts. */
    assert_true(allowed("2001:db8:80::1"));
    assert_true(allowed("2001:db8:ff:ffff::1"));
    assert_false(allowed("2001:db8:7f::1"));
    /* An IPv4 sender on a dual-stack socket arrives IPv4-mapped. */
    assert_true(allowed("::ffff:192.0.2.9"));
    assert_false(allowed("::ffff:192.0.3.9"));
    /* An IPv4 network never matches an IPv6 address with the same bytes. */
    assert_false(allowed("c000:200::"));
}

static void
test_mapped_and_edges(void **state)
{
    (void)state;
    memset(&a, 0, sizeof(a));
    assert_int_equal(allow_add(&a, "::ffff:203.0.113.0/120", err, sizeof(err)), 0);
    assert_int_equal(a.nets[0].ver, 4);
    assert_int_equal(a.nets[0].prefix, 24);
    assert_true(allowed("203.0.113.77"));
    assert_false(allowed("203.0.114.77"));
    assert_int_equal(allow_add(&a, "0.0.0.0/0", err, sizeof(err)), 0);
    assert_true(allowed("8.8.8.8"));
    assert_false(allowed("2001:db8::1"));
    assert_int_equal(allow_add(&a, "::/0", err, sizeof(err)), 0);
    assert_true(allowed("2001:db8::1"));
}

static void
test_bad(void **state)
{
    static const char *const bad[] = {
        "", "/", "10.0.0.0/", "10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/8x", "10.0.0/8",
        "2001:db8::/129", "host.example", "10.0.0.0/8/8",
        "1111:2222:3333:4444:5555:6666:7777:8888:9999/64",
    };
    size_t i;

    (void)state;
    memset(&a, 0, sizeof(a));
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        err[0] = '\0';
        assert_int_equal(allow_add(&a, bad[i], err, sizeof(err)), -1);
        assert_non_null(strstr(err, "not an IPv4 or IPv6 network"));
    }
    assert_int_equal(a.n, 0);
    for (i = 0; i < ALLOW_MAX; i++)
        assert_int_equal(allow_add(&a, "10.0.0.1", err, sizeof(err)), 0);
    assert_int_equal(allow_add(&a, "10.0.0.1", err, sizeof(err)), -1);
    assert_non_null(strstr(err, "at most"));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_networks),
        cmocka_unit_test(test_mapped_and_edges),
        cmocka_unit_test(test_bad),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
