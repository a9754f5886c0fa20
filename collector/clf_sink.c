/* clf_sink: -H on stdout; see clf_sink.h. */
#include "clf_sink.h"

#include <stdio.h>
#include <stdlib.h>

#include "clf.h"

struct clf_sink {
    struct sink sink;
    uint64_t lines;
};

static void
clf_sink_datagram(void *ctx, const uint8_t *raw, size_t len, const struct dgram_meta *meta,
    const struct sflow_datagram *dg)
{
    struct clf_sink *c = ctx;

    (void)raw, (void)len;
    c->lines += clf_datagram(stdout, meta, dg);
}

static void
clf_sink_tick(void *ctx, const struct timeval *now)
{
    (void)ctx, (void)now;
    fflush(stdout);
}

static void
clf_sink_stats(void *ctx, FILE *f)
{
    fprintf(f, "common log format lines %llu\n",
        (unsigned long long)((struct clf_sink *)ctx)->lines);
}

static void
clf_sink_close(void *ctx)
{
    fflush(stdout);
    free(ctx);
}

struct sink *
clf_sink_open(const struct config *cfg, char *err, size_t errlen)
{
    struct clf_sink *c = calloc(1, sizeof(*c));

    (void)cfg;
    if (c == NULL) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    c->sink.name = "clf";
    c->sink.ctx = c;
    c->sink.datagram = clf_sink_datagram;
    c->sink.tick = clf_sink_tick;
    c->sink.stats = clf_sink_stats;
    c->sink.close = clf_sink_close;
    return &c->sink;
}
