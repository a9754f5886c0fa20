/*
 * ch_spool: batches come back oldest first, across a reopen, with their
 * attempted mark; the byte budget refuses what would pass it and counts
 * what is removed; temporaries a crash left are removed; a symlink or a
 * group-writable directory is refused.
 */
#undef NDEBUG
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../collector/ch_spool.h"

static char dir[64];

static int
setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof(dir), "/tmp/sfk-spool.XXXXXX");
    assert_non_null(mkdtemp(dir));
    return 0;
}

static int
teardown(void **state)
{
    char cmd[128];

    (void)state;
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
    return 0;
}

static void
put(struct ch_spool *sp, uint64_t seq, enum ch_table t, const char *body, int want)
{
    struct ch_spool_item it;

    memset(&it, 0, sizeof(it));
    it.seq = seq;
    it.id = 0x1000 + seq;
    it.table = t;
    it.format = CH_NATIVE;
    assert_int_equal(ch_spool_put(sp, &it, body, strlen(body)), want);
}

static void
test_order_and_reopen(void **state)
{
    struct ch_spool_budget budget = { 0, 1000 };
    struct ch_spool *sp;
    struct ch_spool_item it;
    struct ch_buf b = { 0 };
    char err[256], path[128];
    int fd;

    (void)state;
    assert_int_equal(ch_spool_open(dir, "node", &budget, &sp, err, sizeof(err)), 0);
    assert_int_equal(ch_spool_count(sp), 0);
    assert_int_equal(ch_spool_peek(sp, &it), ENOENT);
    put(sp, 7, CH_FLOWS, "first", 0);
    put(sp, 8, CH_COUNTERS, "second", 0);
    put(sp, 9, CH_FLOWS, "third", 0);
    assert_int_equal(budget.used, 16);
    assert_int_equal(ch_spool_peek(sp, &it), 0);
    assert_true(it.seq == 7 && it.id == 0x1007 && it.table == CH_FLOWS && !it.attempted);
    assert_int_equal(ch_spool_mark(sp), 0);
    ch_spool_close(sp);

    /* A temporary left by a crash, a file of someone else's, and a
     * counters batch an earlier version spooled (RowBinary: no 'n'). */
    snprintf(path, sizeof(path), "%s/node/000000000000000a-000000000000100a.c", dir);
    assert_true((fd = open(path, O_CREAT | O_WRONLY, 0600)) >= 0);
    assert_int_equal(write(fd, "legacy", 6), 6);
    close(fd);
    snprintf(path, sizeof(path), "%s/node/.tmp-junk", dir);
    assert_true((fd = open(path, O_CREAT | O_WRONLY, 0600)) >= 0);
    close(fd);
    snprintf(path, sizeof(path), "%s/node/README", dir);
    assert_true((fd = open(path, O_CREAT | O_WRONLY, 0600)) >= 0);
    close(fd);

    budget.used = 0;
    assert_int_equal(ch_spool_open(dir, "node", &budget, &sp, err, sizeof(err)), 0);
    assert_int_equal(ch_spool_count(sp), 4);
    assert_int_equal(ch_spool_next_seq(sp), 11);
    assert_int_equal(budget.used, 22);
    snprintf(path, sizeof(path), "%s/node/.tmp-junk", dir);
    assert_int_equal(access(path, F_OK), -1);
    assert_int_equal(ch_spool_peek(sp, &it), 0);
    assert_true(it.seq == 7 && it.attempted && it.format == CH_NATIVE);
    assert_int_equal(ch_spool_read(sp, &b), 0);
    assert_int_equal(b.len, 5);
    assert_memory_equal(b.p, "first", 5);
    assert_int_equal(ch_spool_remove(sp), 0);
    assert_int_equal(budget.used, 17);
    assert_int_equal(ch_spool_peek(sp, &it), 0);
    assert_true(it.seq == 8 && it.table == CH_COUNTERS && !it.attempted &&
        it.format == CH_NATIVE);
    assert_int_equal(ch_spool_read(sp, &b), 0);
    assert_memory_equal(b.p, "second", 6);
    assert_int_equal(ch_spool_remove(sp), 0);
    assert_int_equal(ch_spool_remove(sp), 0);
    assert_int_equal(ch_spool_peek(sp, &it), 0);
    assert_true(it.seq == 10 && it.id == 0x100a && it.table == CH_COUNTERS &&
        it.format == CH_ROWBINARY && !it.attempted);
    assert_int_equal(ch_spool_read(sp, &b), 0);
    assert_int_equal(b.len, 6);
    assert_memory_equal(b.p, "legacy", 6);
    assert_int_equal(ch_spool_mark(sp), 0);
    snprintf(path, sizeof(path), "%s/node/000000000000000a-000000000000100a.c.a", dir);
    assert_int_equal(access(path, F_OK), 0);
    ch_buf_free(&b);
    ch_spool_close(sp);
}

static void
test_budget(void **state)
{
    struct ch_spool_budget budget = { 0, 10 };
    struct ch_spool *sp;
    char err[256];

    (void)state;
    assert_int_equal(ch_spool_open(dir, "n", &budget, &sp, err, sizeof(err)), 0);
    put(sp, 1, CH_FLOWS, "123456", 0);
    put(sp, 2, CH_FLOWS, "12345", ENOSPC);     /* The oldest stays. */
    put(sp, 3, CH_FLOWS, "1234", 0);
    assert_int_equal(ch_spool_count(sp), 2);
    assert_int_equal(budget.used, 10);
    ch_spool_close(sp);
}

static void
test_refused(void **state)
{
    struct ch_spool_budget budget = { 0, 10 };
    struct ch_spool *sp = NULL;
    char err[256], path[128], link[128];

    (void)state;
    snprintf(path, sizeof(path), "%s/real", dir);
    snprintf(link, sizeof(link), "%s/link", dir);
    assert_int_equal(mkdir(path, 0700), 0);
    assert_int_equal(symlink(path, link), 0);
    assert_int_not_equal(ch_spool_open(link, "n", &budget, &sp, err, sizeof(err)), 0);
    assert_null(sp);
    assert_int_equal(chmod(path, 0770), 0);
    assert_int_not_equal(ch_spool_open(path, "n", &budget, &sp, err, sizeof(err)), 0);
    assert_non_null(strstr(err, "writable by it alone"));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_order_and_reopen, setup, teardown),
        cmocka_unit_test_setup_teardown(test_budget, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refused, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
