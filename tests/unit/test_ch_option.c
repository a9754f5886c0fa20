/*
 * clickhouse_option: the --clickhouse and --ch-* values sflowcollect
 * accepts, and the ones it refuses with a message naming the option (no
 * integration test gives it a bad value).
 */
#undef NDEBUG
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../collector/clickhouse.h"

static int
opt(struct config *cfg, const char *name, const char *val, const char *want_in_err)
{
    char err[256] = "";
    int rc = clickhouse_option(cfg, name, val, err, sizeof(err));

    if (rc != 0 && want_in_err != NULL && strstr(err, want_in_err) == NULL)
        fail_msg("--%s %s: message '%s' lacks '%s'", name, val, err, want_in_err);
    if (rc != 0)
        assert_true(err[0] != '\0');
    return rc;
}

static void
test_urls(void **state)
{
    struct config cfg;
    char long_url[600];
    int i;

    (void)state;
    memset(&cfg, 0, sizeof(cfg));
    assert_int_equal(opt(&cfg, "clickhouse", "http://127.0.0.1:8123/", NULL), 0);
    assert_int_equal(opt(&cfg, "clickhouse", "https://ch.example/?user=a", NULL), 0);
    assert_int_equal(cfg.n_ch, 2);
    assert_string_equal(cfg.ch_url[1], "https://ch.example/?user=a");
    assert_int_equal(opt(&cfg, "clickhouse", "ftp://127.0.0.1/", "http://"), -1);
    assert_int_equal(opt(&cfg, "clickhouse", "127.0.0.1:8123", "http://"), -1);
    memset(long_url, 'a', sizeof(long_url) - 1);
    long_url[sizeof(long_url) - 1] = '\0';
    memcpy(long_url, "http://", 7);
    assert_int_equal(opt(&cfg, "clickhouse", long_url, "too long"), -1);
    assert_int_equal(cfg.n_ch, 2);
    for (i = 2; i < CONFIG_MAX_TARGETS; i++)
        assert_int_equal(opt(&cfg, "clickhouse", "http://127.0.0.1:8123/", NULL), 0);
    assert_int_equal(opt(&cfg, "clickhouse", "http://127.0.0.1:8123/", "at most"), -1);
    assert_int_equal(cfg.n_ch, CONFIG_MAX_TARGETS);
}

static void
test_spool_max(void **state)
{
    static const char *const bad[] = { "0", "", "K", "12X", "1KB", "-1", "2000000G", " 4096", "+4096",
        "1125899906842625", "1048577G" };
    struct config cfg;
    size_t i;

    (void)state;
    memset(&cfg, 0, sizeof(cfg));
    assert_int_equal(opt(&cfg, "ch-spool-max", "4096", NULL), 0);
    assert_int_equal(cfg.ch_spool_max, 4096);
    assert_int_equal(opt(&cfg, "ch-spool-max", "200K", NULL), 0);
    assert_int_equal(cfg.ch_spool_max, 200 * 1024);
    assert_int_equal(opt(&cfg, "ch-spool-max", "3m", NULL), 0);
    assert_int_equal(cfg.ch_spool_max, 3ull << 20);
    assert_int_equal(opt(&cfg, "ch-spool-max", "1048576G", NULL), 0);      /* 1 PiB, the most. */
    assert_int_equal(cfg.ch_spool_max, 1ull << 50);
    assert_int_equal(opt(&cfg, "ch-spool-max", "1G", NULL), 0);
    assert_int_equal(cfg.ch_spool_max, 1ull << 30);
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(opt(&cfg, "ch-spool-max", bad[i], "--ch-spool-max"), -1);
        assert_int_equal(cfg.ch_spool_max, 1ull << 30);
    }
}

static void
test_numbers(void **state)
{
    static const struct {
        const char *name, *val;
        int ok;
    } cases[] = {
        { "ch-batch-rows", "1", 1 }, { "ch-batch-rows", "1000000", 1 },
        { "ch-batch-rows", "0", 0 }, { "ch-batch-rows", "1000001", 0 },
        { "ch-batch-rows", "10k", 0 }, { "ch-batch-rows", "", 0 },
        { "ch-batch-ms", "3600000", 1 }, { "ch-batch-ms", "3600001", 0 },
        { "ch-batch-ms", "-5", 0 }, { "ch-batch-ms", " 5", 0 }, { "ch-batch-ms", "+5", 0 },
        { "ch-ttl-days", "1", 1 }, { "ch-ttl-days", "0", 0 }, { "ch-ttl-days", "x", 0 },
    };
    struct config cfg;
    size_t i;
    char want[32];

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        memset(&cfg, 0, sizeof(cfg));
        snprintf(want, sizeof(want), "--%s", cases[i].name);
        assert_int_equal(opt(&cfg, cases[i].name, cases[i].val, want), cases[i].ok ? 0 : -1);
        assert_int_equal(cfg.ch_batch_rows + cfg.ch_batch_ms + cfg.ch_ttl_days,
            cases[i].ok ? strtol(cases[i].val, NULL, 10) : 0);
    }
    memset(&cfg, 0, sizeof(cfg));
    assert_int_equal(opt(&cfg, "ch-engine", "ReplicatedMergeTree", NULL), 0);
    assert_string_equal(cfg.ch_engine, "ReplicatedMergeTree");
    assert_int_equal(opt(&cfg, "ch-spool", "/var/spool/x", NULL), 0);
    assert_string_equal(cfg.ch_spool, "/var/spool/x");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_urls),
        cmocka_unit_test(test_spool_max),
        cmocka_unit_test(test_numbers),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
