/* ch_curl: libcurl loaded at run time; see ch_curl.h. */
#include "ch_curl.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

/* Where each function goes in struct ch_curl. */
static const struct {
    const char *name;
    size_t offset;
} symbols[] = {
    { "curl_global_init", offsetof(struct ch_curl, global_init) },
    { "curl_global_cleanup", offsetof(struct ch_curl, global_cleanup) },
    { "curl_easy_init", offsetof(struct ch_curl, easy_init) },
    { "curl_easy_setopt", offsetof(struct ch_curl, easy_setopt) },
    { "curl_easy_perform", offsetof(struct ch_curl, easy_perform) },
    { "curl_easy_getinfo", offsetof(struct ch_curl, easy_getinfo) },
    { "curl_easy_strerror", offsetof(struct ch_curl, easy_strerror) },
    { "curl_easy_cleanup", offsetof(struct ch_curl, easy_cleanup) },
    { "curl_easy_escape", offsetof(struct ch_curl, easy_escape) },
    { "curl_free", offsetof(struct ch_curl, free) },
};

int
ch_curl_load(const char *lib, struct ch_curl *api, char *err, size_t errlen)
{
    const char *why;
    void *h, *f;
    size_t i;

    if ((h = dlopen(lib, RTLD_NOW | RTLD_LOCAL)) == NULL) {
        why = dlerror();
        snprintf(err, errlen, "--clickhouse needs libcurl (%s), which cannot be loaded: %s",
            lib, why ? why : "unknown error");
        return -1;
    }
    for (i = 0; i < sizeof(symbols) / sizeof(symbols[0]); i++) {
        if ((f = dlsym(h, symbols[i].name)) == NULL) {
            snprintf(err, errlen, "--clickhouse needs libcurl (%s): it has no %s", lib,
                symbols[i].name);
            dlclose(h);
            return -1;
        }
        /* POSIX: a function's address fits in, and comes back from, a void *. */
        memcpy((char *)api + symbols[i].offset, &f, sizeof(f));
    }
    return 0;
}
