/*
 * ch_curl: libcurl loaded at run time.  The real library's functions work
 * through the table (an escape, as the sink makes its query); a library
 * that is missing, or that lacks libcurl's functions, gives a message
 * naming it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "../../collector/ch_curl.h"

static void
test_load(void **state)
{
    struct ch_curl api;
    char err[256] = "";
    CURL *h;
    char *q;

    (void)state;
    memset(&api, 0, sizeof(api));
    if (ch_curl_load(CH_CURL_LIB, &api, err, sizeof(err)) != 0)
        fail_msg("%s", err);
    assert_non_null(api.free);
    assert_int_equal(api.global_init(CURL_GLOBAL_DEFAULT), CURLE_OK);
    assert_non_null(h = api.easy_init());
    assert_int_equal(api.easy_setopt(h, CURLOPT_NOSIGNAL, 1L), CURLE_OK);
    assert_non_null(q = api.easy_escape(h, "SELECT 1 FORMAT Native&x=/", 0));
    assert_string_equal(q, "SELECT%201%20FORMAT%20Native%26x%3D%2F");
    api.free(q);
    assert_string_equal(api.easy_strerror(CURLE_COULDNT_CONNECT), "Couldn't connect to server");
    api.easy_cleanup(h);
    api.global_cleanup();
}

static void
test_missing(void **state)
{
    struct ch_curl api;
    char err[256] = "";

    (void)state;
    assert_int_equal(ch_curl_load("libsflowkit-absent.so.0", &api, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "--clickhouse needs libcurl (libsflowkit-absent.so.0)"));
    assert_non_null(strstr(err, "No such file"));
    /* A library, but not libcurl. */
    assert_int_equal(ch_curl_load("libm.so.6", &api, err, sizeof(err)), -1);
    assert_string_equal(err, "--clickhouse needs libcurl (libm.so.6): it has no curl_global_init");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_load),
        cmocka_unit_test(test_missing),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
