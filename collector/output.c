/*
 * output: renders each datagram on stdout in the chosen format; see output.h.
 *
 * The renderers append to one buffer that this sink owns; it goes to
 * stdout with write(2) once it holds OUTPUT_FLUSH bytes, on every tick and
 * at the end: at tens of thousands of datagrams a second, stdio's copying
 * and locking per datagram would cost more than the rendering.
 */
#include "output.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "geoip.h"
#include "json.h"
#include "line.h"
#include "obuf.h"
#include "text.h"

#define OUTPUT_FLUSH (64 * 1024)

struct output_sink {
    struct sink sink;
    enum output format;
    int json_flags;
    struct text_fields *fields;
    struct geoip *geoip;
    struct sflow_enrich enrich;
    struct obuf buf;
};

/*
 * Writes what the buffer holds to stdout, after whatever stdio holds so
 * that the order of bytes is kept.  A failed or short write hands the
 * rest to stdio, so that stdout shows the error as it would have
 * (ferror(), a failing fflush() at the end, SIGPIPE).
 */
static void
output_flush(struct output_sink *o)
{
    const char *p = o->buf.buf;
    size_t n = o->buf.len;
    ssize_t r;

    obuf_clear(&o->buf);
    if (n == 0)
        return;
    if (fflush(stdout) == 0) {
        while (n > 0) {
            r = write(STDOUT_FILENO, p, n);
            if (r < 0 && errno == EINTR)
                continue;
            if (r <= 0)
                break;
            p += r;
            n -= (size_t)r;
        }
    }
    if (n > 0)
        fwrite(p, 1, n, stdout);
}

static void
output_datagram(void *ctx, const uint8_t *raw, size_t len,
    const struct dgram_meta *meta, const struct sflow_datagram *dg)
{
    struct output_sink *o = ctx;

    (void)raw, (void)len;
    switch (o->format) {
    case OUT_TEXT:
        text_datagram(&o->buf, &o->enrich, meta, dg);
        break;
    case OUT_LINE:
        line_datagram(&o->buf, meta, dg);
        break;
    case OUT_FIELDS:
        text_fields_datagram(&o->buf, o->fields, &o->enrich, meta, dg);
        break;
    case OUT_GREP:
        text_grep_datagram(&o->buf, &o->enrich, meta, dg);
        break;
    case OUT_JSON:
    case OUT_JSON_PRETTY:
        json_datagram(&o->buf, &o->enrich, meta, dg, o->json_flags);
        break;
    case OUT_NONE:
        break;
    }
    if (o->buf.len >= OUTPUT_FLUSH)
        output_flush(o);
}

static void
output_tick(void *ctx, const struct timeval *now)
{
    (void)now;
    output_flush(ctx);
    fflush(stdout);
}

static void
output_close(void *ctx)
{
    struct output_sink *o = ctx;

    output_flush(o);
    fflush(stdout);
    obuf_free(&o->buf);
    geoip_release(o->geoip);
    text_fields_free(o->fields);
    free(o);
}

struct sink *
output_open(const struct config *cfg, char *err, size_t errlen)
{
    struct output_sink *o = calloc(1, sizeof(*o));

    if (o == NULL) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    if (geoip_acquire(cfg, &o->geoip, err, errlen) != 0) {
        free(o);
        return NULL;
    }
    geoip_enrichment(o->geoip, &o->enrich);
    o->format = cfg->output;
    o->json_flags = (o->format == OUT_JSON_PRETTY ? JSON_PRETTY : 0) |
        (cfg->json_strings ? JSON_STRINGS : 0);
    if (o->format == OUT_FIELDS) {
        o->fields = text_fields_parse(cfg->fields);
        if (o->fields == NULL) {
            snprintf(err, errlen, "-L: bad field list '%s'", cfg->fields);
            geoip_release(o->geoip);
            free(o);
            return NULL;
        }
    }
    o->sink.name = "output";
    o->sink.ctx = o;
    o->sink.datagram = output_datagram;
    o->sink.tick = output_tick;
    o->sink.close = output_close;
    return &o->sink;
}
