/*
 * sink: where decoded datagrams go.  The receive loop hands every datagram,
 * raw and decoded, to each open sink in turn (collector/main.c); a sink
 * never decodes bytes itself and never reaches back into the receivers.
 *
 * Sinks: output (text, lines, JSON on stdout), pcap (-t, -T, -w), NetFlow
 * v5/v9/IPFIX export (-c/-d, -N), forwarding (-f), RRD counters (--rrd),
 * Common Log Format (-H), the datagrams as pcap (-M).
 */
#ifndef SFK_SINK_H
#define SFK_SINK_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/time.h>

#include "dgram_meta.h"
#include "sflow_types.h"

struct sink {
    const char *name;
    void *ctx;
    /* One datagram: 'raw' is its bytes, 'dg' their decode (may hold an error). */
    void (*datagram)(void *ctx, const uint8_t *raw, size_t len,
        const struct dgram_meta *, const struct sflow_datagram *dg);
    /* About once a second and at the end of each receive batch: timers, flushes. */
    void (*tick)(void *ctx, const struct timeval *now);
    /*
     * Input has ended: delivers what is pending (may wait), before the
     * final --stats report.  May be NULL.
     */
    void (*finish)(void *ctx);
    /* Adds its own counters to the --metrics page (Prometheus text); may be NULL. */
    void (*metrics)(void *ctx, FILE *);
    /* Adds its own counters to the --stats report; may be NULL. */
    void (*stats)(void *ctx, FILE *);
    /* Flushes and frees everything (ctx included). */
    void (*close)(void *ctx);
};

#endif /* SFK_SINK_H */
