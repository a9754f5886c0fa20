/*
 * owndir: splitting paths; directories and files refused when another user
 * owns them or may write them; replacing a file atomically, over a planted
 * symbolic link without following it.  Runs as any user (a directory of
 * its own in /tmp); the "owned by another user" case needs root to chown.
 */
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

#include "owndir.h"

static char top[64];

static void
path(char *buf, size_t len, const char *name)
{
    snprintf(buf, len, "%s/%s", top, name);
}

static void
test_split(void **state)
{
    char dir[32];

    (void)state;
    assert_string_equal(owndir_split("/var/lib/sflowkit/switch.state", dir, sizeof(dir)), "switch.state");
    assert_string_equal(dir, "/var/lib/sflowkit");
    assert_string_equal(owndir_split("/x", dir, sizeof(dir)), "x");
    assert_string_equal(dir, "/");
    assert_string_equal(owndir_split("state", dir, sizeof(dir)), "state");
    assert_string_equal(dir, ".");
    assert_null(owndir_split("/var/lib/", dir, sizeof(dir)));
    assert_null(owndir_split("", dir, sizeof(dir)));
    assert_null(owndir_split("/a/very/long/directory/name/beyond/32/bytes/f", dir, sizeof(dir)));
}

static void
test_open_checks(void **state)
{
    char d[128], msg[256];
    int fd;

    (void)state;
    path(d, sizeof(d), "mine");
    fd = owndir_open(d, msg, sizeof(msg));      /* Created. */
    assert_true(fd >= 0);
    close(fd);
    path(d, sizeof(d), "shared");
    assert_int_equal(mkdir(d, 0755), 0);
    assert_int_equal(chmod(d, 01777), 0);
    assert_int_equal(owndir_open(d, msg, sizeof(msg)), -1);
    assert_int_equal(errno, EPERM);
    assert_non_null(strstr(msg, "writable by others (mode 1777)"));
    assert_int_equal(chmod(d, 0775), 0);
    assert_int_equal(owndir_open(d, msg, sizeof(msg)), -1);
    assert_non_null(strstr(msg, "writable by its group"));
    path(d, sizeof(d), "link");
    assert_int_equal(symlink("mine", d), 0);
    assert_int_equal(owndir_open(d, msg, sizeof(msg)), -1);
    assert_non_null(strstr(msg, "symbolic link"));
    if (geteuid() == 0) {
        path(d, sizeof(d), "theirs");
        assert_int_equal(mkdir(d, 0755), 0);
        assert_int_equal(chown(d, 65534, 65534), 0);
        assert_int_equal(owndir_open(d, msg, sizeof(msg)), -1);
        assert_non_null(strstr(msg, "owned by uid 65534"));
    }
}

static void
test_replace(void **state)
{
    char d[128], victim[128], buf[64], msg[256];
    struct stat st;
    ssize_t n;
    int dfd, fd;

    (void)state;
    path(d, sizeof(d), "mine");
    path(victim, sizeof(victim), "victim");
    dfd = owndir_open(d, msg, sizeof(msg));
    assert_true(dfd >= 0);
    fd = open(victim, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "root's\n", 7), 7);
    close(fd);
    /* A link planted where the file goes, and one where the temporary file goes. */
    assert_int_equal(symlinkat(victim, dfd, "f"), 0);
    snprintf(buf, sizeof(buf), "f.tmp.%ld", (long)getpid());
    assert_int_equal(symlinkat(victim, dfd, buf), 0);
    assert_int_equal(owndir_replace(dfd, "f", "new\n", 4, 0600), 0);
    assert_int_equal(fstatat(dfd, "f", &st, AT_SYMLINK_NOFOLLOW), 0);
    assert_true(S_ISREG(st.st_mode));
    assert_int_equal(st.st_mode & 0777, 0600);
    fd = openat(dfd, "f", O_RDONLY);
    n = read(fd, buf, sizeof(buf));
    close(fd);
    assert_int_equal(n, 4);
    assert_memory_equal(buf, "new\n", 4);
    fd = open(victim, O_RDONLY);
    n = read(fd, buf, sizeof(buf));
    close(fd);
    assert_int_equal(n, 7);
    assert_memory_equal(buf, "root's\n", 7);
    snprintf(buf, sizeof(buf), "f.tmp.%ld", (long)getpid());
    assert_int_equal(fstatat(dfd, buf, &st, AT_SYMLINK_NOFOLLOW), -1);   /* Not left behind. */
    assert_int_equal(owndir_check(dfd, "mine", msg, sizeof(msg)), 0);
    close(dfd);
}

static int
setup(void **state)
{
    (void)state;
    snprintf(top, sizeof(top), "/tmp/test_owndir.XXXXXX");
    return mkdtemp(top) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
    char cmd[128];

    (void)state;
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
    return system(cmd) == 0 ? 0 : -1;
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_split),
        cmocka_unit_test(test_open_checks),
        cmocka_unit_test(test_replace),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
