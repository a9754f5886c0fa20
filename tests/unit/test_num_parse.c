/* num_parse: a number is taken whole, within its range, or refused. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <limits.h>

#include "num_parse.h"

static void
test_long(void **state)
{
    long v = 0;

    (void)state;
    assert_int_equal(num_parse_long("64", 1, 100, &v), 0);
    assert_int_equal(v, 64);
    assert_int_equal(num_parse_long("1", 1, 100, &v), 0);
    assert_int_equal(v, 1);
    assert_int_equal(num_parse_long("100", 1, 100, &v), 0);
    assert_int_equal(v, 100);
    assert_int_equal(num_parse_long("-5", -10, 10, &v), 0);
    assert_int_equal(v, -5);
    assert_int_equal(num_parse_long("4294967295", 0, 4294967295L, &v), 0);
    assert_int_equal(v, 4294967295L);
}

static void
test_long_refused(void **state)
{
    static const char *const bad[] = {
        "", "64x", "x64", " 64", "64 ", "+64", "-1", "0", "101", "1.5", ".5", "0x10",
        "99999999999999999999999", "nan", "-",
    };
    long v = 42;

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(num_parse_long(bad[i], 1, 100, &v), -1);
        assert_int_equal(v, 42);        /* Nothing stored. */
    }
    /* A sign only where the range is negative; LONG_MIN's neighbour overflows. */
    assert_int_equal(num_parse_long("-3", 0, 10, &v), -1);
    assert_int_equal(num_parse_long("-99999999999999999999", LONG_MIN, 0, &v), -1);
}

static void
test_double(void **state)
{
    double v = 0;

    (void)state;
    assert_int_equal(num_parse_double("2000", 0.001, 1e7, &v), 0);
    assert_true(v == 2000.0);
    assert_int_equal(num_parse_double("0.5", 0.001, 1e7, &v), 0);
    assert_true(v == 0.5);
    assert_int_equal(num_parse_double(".25", 0.001, 1e7, &v), 0);
    assert_true(v == 0.25);
    assert_int_equal(num_parse_double("1e3", 0.001, 1e7, &v), 0);
    assert_true(v == 1000.0);
    assert_int_equal(num_parse_double("-2.5", -10, 10, &v), 0);
    assert_true(v == -2.5);
}

static void
test_double_refused(void **state)
{
    static const char *const bad[] = {
        "", "nan", "NaN", "inf", "-inf", "infinity", "5x", " 5", "5 ", "+5", "0", "-1",
        "1e400", "0x1p4", "1e8", ".", "e5", "1..2",
    };
    double v = 42;

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(num_parse_double(bad[i], 0.001, 1e7, &v), -1);
        assert_true(v == 42);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_long),
        cmocka_unit_test(test_long_refused),
        cmocka_unit_test(test_double),
        cmocka_unit_test(test_double_refused),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
