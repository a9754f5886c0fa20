/* output: renders each datagram on stdout in the chosen format; see output.h. */
#include "output.h"

#include <stdio.h>
#include <stdlib.h>

#include "geoip.h"
#include "json.h"
#include "line.h"
#include "sflow_walk.h"
#include "text.h"

struct output_sink {
    struct sink sink;
    enum output format;
    struct text_fields *fields;
};

static void
output_datagram(void *ctx, const uint8_t *raw, size_t len,
    const struct dgram_meta *meta, const struct sflow_datagram *dg)
{
    struct output_sink *o = ctx;

    (void)raw, (void)len;
    switch (o->format) {
    case OUT_TEXT:
        text_datagram(stdout, meta, dg);
        break;
    case OUT_LINE:
        line_datagram(stdout, meta, dg);
        break;
    case OUT_FIELDS:
        text_fields_datagram(stdout, o->fields, meta, dg);
        break;
    case OUT_GREP:
        text_grep_datagram(stdout, meta, dg);
        break;
    case OUT_JSON:
    case OUT_JSON_PRETTY:
        json_datagram(stdout, meta, dg, o->format == OUT_JSON_PRETTY);
        break;
    case OUT_NONE:
        break;
    }
}

static void
output_tick(void *ctx, const struct timeval *now)
{
    (void)ctx, (void)now;
    sflow_walk_flush();
    fflush(stdout);
}

static void
output_close(void *ctx)
{
    struct output_sink *o = ctx;

    sflow_walk_hold(NULL);
    fflush(stdout);
    geoip_walk_detach();
    text_fields_free(o->fields);
    free(o);
}

struct sink *
output_open(const struct config *cfg, char *err, size_t errlen)
{
    static char outbuf[1 << 16];
    struct output_sink *o = calloc(1, sizeof(*o));

    if (o == NULL) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    if (geoip_walk_attach(cfg, err, errlen) != 0) {
        free(o);
        return NULL;
    }
    o->format = cfg->output;
    if (o->format == OUT_FIELDS) {
        o->fields = text_fields_parse(cfg->fields);
        if (o->fields == NULL) {
            snprintf(err, errlen, "-L: bad field list '%s'", cfg->fields);
            free(o);
            return NULL;
        }
    }
    setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));
    /*
     * The walk's renderers (all but -l) keep their output across datagrams
     * and write it themselves, 64 KiB at a time; -l goes through stdio.
     */
    if (o->format != OUT_LINE && o->format != OUT_NONE)
        sflow_walk_hold(stdout);
    o->sink.name = "output";
    o->sink.ctx = o;
    o->sink.datagram = output_datagram;
    o->sink.tick = output_tick;
    o->sink.close = output_close;
    return &o->sink;
}
