/*
 * ch_curl: the libcurl functions the ClickHouse sink calls, loaded with
 * dlopen() when --clickhouse is given.  Linked, libcurl's dependency tree
 * (TLS, Kerberos, LDAP, ...) cost every run of sflowcollect about 6 ms and
 * 23 M instructions at start-up (39.5 M against 16.7 M, one datagram read);
 * <curl/curl.h> still gives the types.  The package depends on libcurl all
 * the same (mk/deb.sh).
 */
#ifndef SFK_CH_CURL_H
#define SFK_CH_CURL_H

#include <stddef.h>

#include <curl/curl.h>

#define CH_CURL_LIB "libcurl.so.4"

/* The functions, as <curl/curl.h> declares them. */
struct ch_curl {
    CURLcode (*global_init)(long flags);
    void (*global_cleanup)(void);
    CURL *(*easy_init)(void);
    CURLcode (*easy_setopt)(CURL *curl, CURLoption option, ...);
    CURLcode (*easy_perform)(CURL *curl);
    CURLcode (*easy_getinfo)(CURL *curl, CURLINFO info, ...);
    const char *(*easy_strerror)(CURLcode code);
    void (*easy_cleanup)(CURL *curl);
    char *(*easy_escape)(CURL *curl, const char *s, int len);
    void (*free)(void *p);
};

/*
 * Loads library 'lib' (CH_CURL_LIB; tests name others) and fills 'api'
 * with its functions.  Returns 0, or -1 with a message naming the library
 * in 'err'.  The library stays loaded: libcurl's own dependencies register
 * exit handlers.
 */
int ch_curl_load(const char *lib, struct ch_curl *api, char *err, size_t errlen);

#endif /* SFK_CH_CURL_H */
